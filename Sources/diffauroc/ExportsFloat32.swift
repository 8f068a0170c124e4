// The float32 entry points of include/diffauroc.h ("float32 entry points"): the same
// contracts as their float64 namesakes, on float32 scores, labels and weights, so NumPy
// and JAX float32 arrays are read in place instead of converted. Results are doubles.

@_cdecl("auroc_exact_f32")
public func aurocExactFloat32(
    _ scores: UnsafePointer<Float>?, _ labels: UnsafePointer<Float>?,
    _ weights: UnsafePointer<Float>?, _ n: UInt,
    _ outValue: UnsafeMutablePointer<Double>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    // The header's order: the size, then the pointers, then the samples.
    guard n <= maximumCount else { return Status.tooLarge.rawValue }
    guard let outValue else { return Status.nullPointer.rawValue }
    // With both pointers (and the weights', if any) and a size the validation accepts:
    // the core checks the scores, labels and weights in its own first (two-threaded)
    // pass; only if it finds a bad one does the validation below run, to report the
    // first. (`maximumCount`: the validation's largest n.)
    if let scores, let labels, n >= 2, n <= maximumCount {
        let count = Int(n)
        do {
            switch try exactAUROCFloat32CheckingInputs(
                scores: UnsafeBufferPointer(start: scores, count: count),
                labels: UnsafeBufferPointer(start: labels, count: count),
                weights: weights.map { UnsafeBufferPointer(start: $0, count: count) }) {
            case .value(let value):
                outValue.pointee = value
                return Status.ok.rawValue
            case .undefined:
                return Status.oneClass.rawValue
            case .invalidInput:
                break  // the validation below finds and reports the first bad value
            }
        } catch {
            // Out of memory: a bad value's status wins (the validation names the first),
            // else the allocation failure is reported (not retried: it would mask it).
            if case .failure(let error) = validatedBuffers(scores, labels, weights, n) {
                return error.status.rawValue
            }
            return Status.noMemory.rawValue
        }
    }
    let samples: (scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
                  weights: UnsafeBufferPointer<Float>?)
    switch validatedBuffers(scores, labels, weights, n) {
    case .failure(let error): return error.status.rawValue
    case .success(let s): samples = s
    }
    do {
        guard let value = try exactAUROCFloat32(
            scores: samples.scores, labels: samples.labels, weights: samples.weights)
        else { return Status.oneClass.rawValue }
        outValue.pointee = value
        return Status.ok.rawValue
    } catch {
        return Status.noMemory.rawValue
    }
}
