// The C ABI: one @_cdecl function per prototype in include/diffauroc.h. Each validates
// every argument, calls the core, maps failures to status codes and writes its outputs
// only on success (or on the one-class warning, whose outputs are defined as 0).

@_cdecl("auroc_soft")
public func aurocSoft(
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ weights: UnsafePointer<Double>?, _ n: UInt, _ temperature: Double,
    _ outValue: UnsafeMutablePointer<Double>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    // The header's order: the size, then the pointers, then the samples.
    guard n <= maximumCount else { return Status.tooLarge.rawValue }
    guard let outValue else { return Status.nullPointer.rawValue }
    return runSoft(scores, labels, weights, n, temperature, gradient: nil) { result in
        outValue.pointee = result.value
    }
}

@_cdecl("auroc_soft_grad")
public func aurocSoftGrad(
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ weights: UnsafePointer<Double>?, _ n: UInt, _ temperature: Double,
    _ outValue: UnsafeMutablePointer<Double>?, _ outGrad: UnsafeMutablePointer<Double>?,
    _ outDTemperature: UnsafeMutablePointer<Double>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    guard n <= maximumCount else { return Status.tooLarge.rawValue }
    guard let outValue, outGrad != nil || n == 0 else { return Status.nullPointer.rawValue }
    return runSoft(scores, labels, weights, n, temperature, gradient: outGrad) { result in
        outValue.pointee = result.value
        outDTemperature?.pointee = result.dTemperature
    }
}

@_cdecl("auroc_exact")
public func aurocExact(
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ weights: UnsafePointer<Double>?, _ n: UInt,
    _ outValue: UnsafeMutablePointer<Double>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    // The header's order: the size, then the pointers, then the samples.
    guard n <= maximumCount else { return Status.tooLarge.rawValue }
    guard let outValue else { return Status.nullPointer.rawValue }
    return runExact(scores, labels, weights, n, outValue, checking: { s, y, w throws(OutOfMemory) in
        try exactAUROCCheckingInputs(scores: s, labels: y, weights: w)
    }) { s, y, w throws(OutOfMemory) in
        try exactAUROC(Samples(scores: s, labels: y, weights: w))
    }
}

/// Shared body of auroc_exact and auroc_exact_f32, after the size and out_value checks.
/// With both pointers (and n >= 2) the core checks the scores, labels and weights in its
/// own first, two-threaded pass (`checking`) instead of the single-threaded validation;
/// only if it finds a bad value does the validation run, to report the first. Otherwise
/// the validation runs first and `compute` takes the validated samples.
func runExact<Scalar: BinaryFloatingPoint>(
    _ scores: UnsafePointer<Scalar>?, _ labels: UnsafePointer<Scalar>?,
    _ weights: UnsafePointer<Scalar>?, _ n: UInt, _ outValue: UnsafeMutablePointer<Double>,
    checking: (UnsafeBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>,
               UnsafeBufferPointer<Scalar>?) throws(OutOfMemory) -> CheckedExact,
    compute: (UnsafeBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>,
              UnsafeBufferPointer<Scalar>?) throws(OutOfMemory) -> Double?
) -> Int32 {
    if let scores, let labels, n >= 2 {
        let count = Int(n)
        do {
            switch try checking(UnsafeBufferPointer(start: scores, count: count),
                                UnsafeBufferPointer(start: labels, count: count),
                                weights.map { UnsafeBufferPointer(start: $0, count: count) }) {
            case .value(let value):
                outValue.pointee = value
                return Status.ok.rawValue
            case .undefined:
                return Status.oneClass.rawValue
            case .invalidInput:
                break  // the validation below finds and reports the first bad value
            }
        } catch {
            return statusAfterOutOfMemory(scores, labels, weights, n)
        }
    }
    let samples: (scores: UnsafeBufferPointer<Scalar>, labels: UnsafeBufferPointer<Scalar>,
                  weights: UnsafeBufferPointer<Scalar>?)
    switch validatedBuffers(scores, labels, weights, n) {
    case .failure(let error): return error.status.rawValue
    case .success(let s): samples = s
    }
    do {
        guard let value = try compute(samples.scores, samples.labels, samples.weights)
        else { return Status.oneClass.rawValue }
        outValue.pointee = value
        return Status.ok.rawValue
    } catch {
        return Status.noMemory.rawValue
    }
}

/// Shared body of the soft exports. The gradient is computed into a scratch buffer when
/// the caller's could be partly written before a failure; here the core only fails on
/// allocation, before it writes any gradient, so the caller's buffer is used directly
/// and is untouched on error (the core allocates all scratch memory first).
private func runSoft(
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ weights: UnsafePointer<Double>?, _ n: UInt, _ temperature: Double,
    gradient: UnsafeMutablePointer<Double>?,
    write: (SoftResult) -> Void
) -> Int32 {
    // Unweighted, with both pointers and a valid temperature: the core checks the scores
    // and labels in the passes it makes anyway (the class count and the score range);
    // only if it finds a bad value does the validation below run, to report the first.
    // (With a bad temperature the validation runs first: a bad sample is reported before
    // the temperature.)
    if weights == nil, let scores, let labels, n > 0, n <= maximumCount, isValidTemperature(temperature) {
        let count = Int(n)
        do {
            if let result = try softAUROCCheckingInputs(
                scores: UnsafeBufferPointer(start: scores, count: count),
                labels: UnsafeBufferPointer(start: labels, count: count), temperature: temperature,
                gradient: gradient.map { UnsafeMutableBufferPointer(start: $0, count: count) }) {
                write(result)
                return result.hasPairs ? Status.ok.rawValue : Status.warnOneClass.rawValue
            }
        } catch {
            return statusAfterOutOfMemory(scores, labels, nil, n)
        }
    }
    let samples: Samples
    switch validatedSamples(scores, labels, weights, n) {
    case .failure(let error): return error.status.rawValue
    case .success(let s): samples = s
    }
    guard isValidTemperature(temperature) else { return Status.badTemperature.rawValue }
    let gradientBuffer = gradient.map { UnsafeMutableBufferPointer(start: $0, count: samples.count) }
    do {
        let result = try softAUROC(samples, temperature: temperature, gradient: gradientBuffer)
        write(result)
        return result.hasPairs ? Status.ok.rawValue : Status.warnOneClass.rawValue
    } catch {
        return Status.noMemory.rawValue
    }
}
