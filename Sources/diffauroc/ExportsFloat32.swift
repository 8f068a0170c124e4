import DiffAUROCCore

// The float32 entry points of include/diffauroc.h ("float32 entry points"): the same
// contracts as their float64 namesakes, on float32 scores, labels and weights, so NumPy
// and JAX float32 arrays are read in place instead of converted. Results are doubles.

@_cdecl("auroc_exact_f32")
public func aurocExactFloat32(
    _ scores: UnsafePointer<Float>?, _ labels: UnsafePointer<Float>?,
    _ weights: UnsafePointer<Float>?, _ n: UInt,
    _ outValue: UnsafeMutablePointer<Double>?
) -> Int32 {
    guard let outValue else { return Status.nullPointer.rawValue }
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
