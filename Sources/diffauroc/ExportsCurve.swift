// auroc_curve, auroc_curve_f32, auroc_partial, auroc_partial_f32 (include/diffauroc.h,
// "ROC curve and partial AUC"): scikit-learn's roc_curve and the partial AUC of pROC /
// scikit-learn's max_fpr over the core's `rocCurve` and `partialAUC`.
//
// Order of checks, as every export: the size, the required pointers, the samples in
// index order (`validatedBuffers`, the check diffauroc_find_invalid runs), then the
// function's own arguments (the partial AUC's axis and range). On any error nothing is
// written, *out_count included: E_CAPACITY too (the count comes from a count-only call).

@_cdecl("auroc_curve")
public func aurocCurve(
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ weights: UnsafePointer<Double>?, _ n: UInt, _ dropIntermediate: Int32,
    _ capacity: UInt, _ outFPR: UnsafeMutablePointer<Double>?,
    _ outTPR: UnsafeMutablePointer<Double>?, _ outThresholds: UnsafeMutablePointer<Double>?,
    _ outCount: UnsafeMutablePointer<UInt>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runCurve(scores, labels, weights, n, capacity, outFPR, outTPR, outThresholds,
                    outCount, checking: { s, y, outputs throws(OutOfMemory) in
        try rocCurveCheckingInputs(scores: s, labels: y, dropIntermediate: dropIntermediate != 0,
                                   into: outputs)
    }) { s, y, w, outputs throws(OutOfMemory) in
        try rocCurve(Samples(scores: s, labels: y, weights: w),
                     dropIntermediate: dropIntermediate != 0, into: outputs)
    }
}

@_cdecl("auroc_curve_f32")
public func aurocCurveFloat32(
    _ scores: UnsafePointer<Float>?, _ labels: UnsafePointer<Float>?,
    _ weights: UnsafePointer<Float>?, _ n: UInt, _ dropIntermediate: Int32,
    _ capacity: UInt, _ outFPR: UnsafeMutablePointer<Double>?,
    _ outTPR: UnsafeMutablePointer<Double>?, _ outThresholds: UnsafeMutablePointer<Double>?,
    _ outCount: UnsafeMutablePointer<UInt>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runCurve(scores, labels, weights, n, capacity, outFPR, outTPR, outThresholds,
                    outCount, checking: { s, y, outputs throws(OutOfMemory) in
        try rocCurveFloat32CheckingInputs(scores: s, labels: y,
                                          dropIntermediate: dropIntermediate != 0, into: outputs)
    }) { s, y, w, outputs throws(OutOfMemory) in
        try rocCurveFloat32(scores: s, labels: y, weights: w,
                            dropIntermediate: dropIntermediate != 0, into: outputs)
    }
}

@_cdecl("auroc_partial")
public func aurocPartial(
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ weights: UnsafePointer<Double>?, _ n: UInt, _ axis: Int32, _ lower: Double,
    _ upper: Double, _ outArea: UnsafeMutablePointer<Double>?,
    _ outStandardized: UnsafeMutablePointer<Double>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runPartial(scores, labels, weights, n, axis, lower, upper, outArea,
                      outStandardized, checking: { s, y, axis throws(OutOfMemory) in
        try partialAUCCheckingInputs(scores: s, labels: y, axis: axis, lower: lower, upper: upper)
    }) { s, y, w, axis throws(OutOfMemory) in
        try partialAUC(Samples(scores: s, labels: y, weights: w), axis: axis,
                       lower: lower, upper: upper)
    }
}

@_cdecl("auroc_partial_f32")
public func aurocPartialFloat32(
    _ scores: UnsafePointer<Float>?, _ labels: UnsafePointer<Float>?,
    _ weights: UnsafePointer<Float>?, _ n: UInt, _ axis: Int32, _ lower: Double,
    _ upper: Double, _ outArea: UnsafeMutablePointer<Double>?,
    _ outStandardized: UnsafeMutablePointer<Double>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runPartial(scores, labels, weights, n, axis, lower, upper, outArea,
                      outStandardized, checking: { s, y, axis throws(OutOfMemory) in
        try partialAUCFloat32CheckingInputs(scores: s, labels: y, axis: axis, lower: lower, upper: upper)
    }) { s, y, w, axis throws(OutOfMemory) in
        try partialAUCFloat32(scores: s, labels: y, weights: w, axis: axis,
                              lower: lower, upper: upper)
    }
}

/// The header's values of DIFFAUROC_AXIS_FPR and DIFFAUROC_AXIS_TPR.
private let axisFPR: Int32 = 0
private let axisTPR: Int32 = 1

/// Shared body of the curve exports (see the file comment). `compute` runs the core on
/// validated samples; `checking` runs it on unweighted samples not validated before, which
/// the core checks in its first pass (`inputsInvalid` when one is bad, nothing written;
/// the validation then finds and reports the first).
private func runCurve<Scalar: BinaryFloatingPoint>(
    _ scores: UnsafePointer<Scalar>?, _ labels: UnsafePointer<Scalar>?,
    _ weights: UnsafePointer<Scalar>?, _ n: UInt, _ capacity: UInt,
    _ outFPR: UnsafeMutablePointer<Double>?, _ outTPR: UnsafeMutablePointer<Double>?,
    _ outThresholds: UnsafeMutablePointer<Double>?, _ outCount: UnsafeMutablePointer<UInt>?,
    checking: (UnsafeBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>,
               CurveOutputs) throws(OutOfMemory) -> CurveSummary,
    compute: (UnsafeBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>,
              UnsafeBufferPointer<Scalar>?, CurveOutputs) throws(OutOfMemory) -> CurveSummary
) -> Int32 {
    guard n <= maximumCount else { return Status.tooLarge.rawValue }
    guard let outCount else { return Status.nullPointer.rawValue }
    // No curve has more than n + 1 points, so a larger capacity is never used (and any
    // size_t converts: n + 1 <= maximumCount + 1 fits in Int).
    let room = Int(Swift.min(capacity, n + 1))
    let outputs = CurveOutputs(
        falsePositiveRates: outFPR.map { UnsafeMutableBufferPointer(start: $0, count: room) },
        truePositiveRates: outTPR.map { UnsafeMutableBufferPointer(start: $0, count: room) },
        thresholds: outThresholds.map { UnsafeMutableBufferPointer(start: $0, count: room) })
    let countOnly = outFPR == nil && outTPR == nil && outThresholds == nil
    var checked: CurveSummary? = nil
    if weights == nil, let scores, let labels, n > 0 {
        // Unweighted: the core checks the scores and labels in its first (two-threaded)
        // pass instead of the single-threaded one below, which then runs only to report
        // the first bad value (the order of checks is unchanged: there is no other).
        let count = Int(n)
        do {
            let summary = try checking(UnsafeBufferPointer(start: scores, count: count),
                                       UnsafeBufferPointer(start: labels, count: count), outputs)
            if !summary.inputsInvalid { checked = summary }
        } catch {
            return statusAfterOutOfMemory(scores, labels, nil, n)
        }
    }
    let summary: CurveSummary
    if let checked {
        summary = checked
    } else {
        let samples: (scores: UnsafeBufferPointer<Scalar>, labels: UnsafeBufferPointer<Scalar>,
                      weights: UnsafeBufferPointer<Scalar>?)
        switch validatedBuffers(scores, labels, weights, n) {
        case .failure(let error): return error.status.rawValue
        case .success(let s): samples = s
        }
        do {
            summary = try compute(samples.scores, samples.labels, samples.weights, outputs)
        } catch {
            return Status.noMemory.rawValue
        }
    }
    if summary.weightsOverflow { return Status.weightSum.rawValue }
    if summary.pointCount == 0 { return Status.oneClass.rawValue }
    if !countOnly && !summary.written { return Status.capacity.rawValue }
    outCount.pointee = UInt(summary.pointCount)
    return summary.hasPositives && summary.hasNegatives
        ? Status.ok.rawValue : Status.warnOneClass.rawValue
}

/// Shared body of the partial AUC exports (see the file comment). `compute` runs the core
/// on validated samples; `checking` runs it on unweighted samples not validated before,
/// which the core checks in the sort's first pass (then the validation runs only to name
/// a bad value). The checking route is taken only with a valid axis and range (else the
/// validation must come first) and not over the whole range [0, 1], where the unchecked
/// call takes the area from the exact AUROC's sort, which is cheaper than the sweep.
private func runPartial<Scalar: BinaryFloatingPoint>(
    _ scores: UnsafePointer<Scalar>?, _ labels: UnsafePointer<Scalar>?,
    _ weights: UnsafePointer<Scalar>?, _ n: UInt, _ axis: Int32, _ lower: Double,
    _ upper: Double, _ outArea: UnsafeMutablePointer<Double>?,
    _ outStandardized: UnsafeMutablePointer<Double>?,
    checking: (UnsafeBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>,
               PartialAxis) throws(OutOfMemory) -> CheckedPartial,
    compute: (UnsafeBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>,
              UnsafeBufferPointer<Scalar>?, PartialAxis) throws(OutOfMemory) -> PartialResult?
) -> Int32 {
    guard n <= maximumCount else { return Status.tooLarge.rawValue }
    guard outArea != nil || outStandardized != nil else { return Status.nullPointer.rawValue }
    let givenAxis: PartialAxis? = axis == axisFPR ? .falsePositiveRate
        : axis == axisTPR ? .truePositiveRate : nil
    // 0 <= lower < upper <= 1; NaN fails a comparison.
    let rangeIsValid = lower >= 0 && lower < upper && upper <= 1
    var checked: PartialResult?? = nil
    if weights == nil, let scores, let labels, n > 0, let givenAxis, rangeIsValid,
       !(lower == 0 && upper == 1) {
        let count = Int(n)
        do {
            switch try checking(UnsafeBufferPointer(start: scores, count: count),
                                UnsafeBufferPointer(start: labels, count: count), givenAxis) {
            case .value(let result): checked = .some(result)
            case .undefined: checked = .some(nil)
            case .invalidInput: break  // the validation below finds and reports the first
            }
        } catch {
            return statusAfterOutOfMemory(scores, labels, nil, n)
        }
    }
    let result: PartialResult?
    if let checked {
        result = checked
    } else {
        let samples: (scores: UnsafeBufferPointer<Scalar>, labels: UnsafeBufferPointer<Scalar>,
                      weights: UnsafeBufferPointer<Scalar>?)
        switch validatedBuffers(scores, labels, weights, n) {
        case .failure(let error): return error.status.rawValue
        case .success(let s): samples = s
        }
        guard let partialAxis = givenAxis, rangeIsValid else { return Status.badRange.rawValue }
        do {
            result = try compute(samples.scores, samples.labels, samples.weights, partialAxis)
        } catch {
            return Status.noMemory.rawValue
        }
    }
    guard let result else { return Status.oneClass.rawValue }
    outArea?.pointee = result.area
    outStandardized?.pointee = result.standardized
    return result.belowDiagonal && outStandardized != nil
        ? Status.warnBelowDiagonal.rawValue : Status.ok.rawValue
}
