// The batched C entry points (include/diffauroc.h, "batched entry points"): one call
// evaluates `batch` independent problems of n samples each, laid out row-major
// (row b is elements [b * n, (b + 1) * n)). They exist so that a front end that
// vectorizes over a batch axis (jax.vmap) makes one library call, not one per row.
//
// Two phases, so that an error anywhere writes no result anywhere: every row is validated
// first (all of them, so the caller learns every bad row, not only the first), and only
// if all are valid is any row computed. The one failure that can happen while computing
// is an allocation failure; rows before it are then written, and `out_status` says which.

/// Largest total element count `batch * n` accepted: row offsets in elements, and the
/// core's per-row workspace of a few arrays of n 8-byte elements, must fit in `Int`
/// (the single-problem limit, Validation.swift).
private let maximumTotal = maximumCount

/// The element offset of every row and of every row's temperature fit in `Int`, or
/// `.tooLarge`. Checked before any pointer is touched, so no later multiplication can
/// overflow (and trap). `batch` is bounded on its own too (a batch count beyond any
/// array, with n == 0, would not fit `Int`); after this check, with batch >= 1, batch,
/// n and (with batch >= 2) the stride all fit `Int`, so converting them cannot trap.
private func checkBatchSize(batch: UInt, n: UInt, temperatureStride: UInt) -> Status? {
    let (total, overflow) = batch.multipliedReportingOverflow(by: n)
    guard !overflow, total <= maximumTotal, batch <= maximumTotal else { return .tooLarge }
    if batch > 1 {
        let (lastTemperature, tOverflow) = (batch - 1).multipliedReportingOverflow(
            by: temperatureStride)
        guard !tOverflow, lastTemperature <= maximumTotal else { return .tooLarge }
    }
    return nil
}

/// Row b of a row-major batch x n array (nil stays nil; n == 0 gives nil, never read).
@inline(__always)
private func row<T>(_ base: UnsafePointer<T>?, _ b: Int, _ n: Int) -> UnsafePointer<T>? {
    guard let base, n > 0 else { return nil }
    return base + b * n
}

/// Row b as `Samples`, once `validateRows` has accepted every row (not checked again: a
/// second pass over the data cost about 0.4 us per row of 1,000). The pointers are
/// non-NULL whenever n > 0 (checked before validation); with n == 0 nothing is read.
private func validatedRow(
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ weights: UnsafePointer<Double>?, _ b: Int, _ n: Int
) -> Samples {
    Samples(scores: UnsafeBufferPointer(start: row(scores, b, n), count: n),
            labels: UnsafeBufferPointer(start: row(labels, b, n), count: n),
            weights: weights.map { UnsafeBufferPointer(start: row($0, b, n), count: n) })
}

/// Validates every row. Writes each row's status to `outStatus` (0 for a valid row) and
/// returns the first (lowest-row) error, or nil when every row is valid.
private func validateRows(
    batch: Int, n: Int,
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ weights: UnsafePointer<Double>?,
    temperatures: UnsafePointer<Double>?, temperatureStride: Int,
    requireBothClasses: Bool = false,
    outStatus: UnsafeMutablePointer<Int32>?
) -> Status? {
    var first: Status?
    for b in 0..<batch {
        var status = Status.ok
        if case .failure(let error) = validatedSamples(
            row(scores, b, n), row(labels, b, n), row(weights, b, n), UInt(n))
        {
            status = error.status
        } else if let temperatures, !isValidTemperature(temperatures[b * temperatureStride]) {
            status = .badTemperature
        } else if requireBothClasses
                    && !hasBothClasses(row(labels, b, n), row(weights, b, n), n) {
            status = .oneClass
        }
        outStatus?[b] = status.rawValue
        if status != .ok && first == nil { first = status }
    }
    return first
}

@_cdecl("auroc_soft_grad_batch")
public func aurocSoftGradBatch(
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ weights: UnsafePointer<Double>?, _ batch: UInt, _ n: UInt,
    _ temperatures: UnsafePointer<Double>?, _ temperatureStride: UInt,
    _ outValues: UnsafeMutablePointer<Double>?, _ outGrads: UnsafeMutablePointer<Double>?,
    _ outDTemperatures: UnsafeMutablePointer<Double>?,
    _ outStatus: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    if let status = checkBatchSize(batch: batch, n: n, temperatureStride: temperatureStride) {
        return status.rawValue
    }
    // batch == 0 touches nothing, whatever n and the stride are (they may not fit `Int`).
    guard batch > 0 else { return Status.ok.rawValue }
    // One row never reads a second temperature: its stride may be anything.
    let rows = Int(batch), count = Int(n), stride = batch > 1 ? Int(temperatureStride) : 0
    guard outValues != nil, temperatures != nil else { return Status.nullPointer.rawValue }
    if count > 0 && (scores == nil || labels == nil) { return Status.nullPointer.rawValue }
    // d/dT is computed together with the gradients: asking for it alone is a misuse.
    if outDTemperatures != nil && outGrads == nil { return Status.nullPointer.rawValue }
    guard let outValues, let temperatures else { return Status.nullPointer.rawValue }

    if let error = validateRows(
        batch: rows, n: count, scores, labels, weights,
        temperatures: temperatures, temperatureStride: stride, outStatus: outStatus)
    {
        return error.rawValue
    }

    var aggregate = Status.ok
    for b in 0..<rows {
        let samples = validatedRow(scores, labels, weights, b, count)
        let gradient = outGrads.map {
            UnsafeMutableBufferPointer(start: count > 0 ? $0 + b * count : nil, count: count)
        }
        let result: SoftResult
        do {
            result = try softAUROC(
                samples, temperature: temperatures[b * stride], gradient: gradient)
        } catch {
            if let outStatus {
                for r in b..<rows { outStatus[r] = Status.noMemory.rawValue }
            }
            return Status.noMemory.rawValue
        }
        outValues[b] = result.value
        outDTemperatures?[b] = result.dTemperature
        let status: Status = result.hasPairs ? .ok : .warnOneClass
        outStatus?[b] = status.rawValue
        if status == .warnOneClass { aggregate = .warnOneClass }
    }
    return aggregate.rawValue
}

@_cdecl("auroc_exact_batch")
public func aurocExactBatch(
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ weights: UnsafePointer<Double>?, _ batch: UInt, _ n: UInt,
    _ outValues: UnsafeMutablePointer<Double>?,
    _ outStatus: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    if let status = checkBatchSize(batch: batch, n: n, temperatureStride: 0) {
        return status.rawValue
    }
    // batch == 0 touches nothing, whatever n is (it may not fit `Int`).
    guard batch > 0 else { return Status.ok.rawValue }
    let rows = Int(batch), count = Int(n)
    guard let outValues else { return Status.nullPointer.rawValue }
    if count > 0 && (scores == nil || labels == nil) { return Status.nullPointer.rawValue }

    // A row with no pair is an error for exact AUROC, so it is found in the validation
    // phase, before any row is written, and the lowest invalid row's status is returned
    // whatever its kind.
    if let error = validateRows(
        batch: rows, n: count, scores, labels, weights,
        temperatures: nil, temperatureStride: 0, requireBothClasses: true,
        outStatus: outStatus)
    {
        return error.rawValue
    }

    for b in 0..<rows {
        let samples = validatedRow(scores, labels, weights, b, count)
        let value: Double?
        do {
            value = try exactAUROC(samples)
        } catch {
            if let outStatus {
                for r in b..<rows { outStatus[r] = Status.noMemory.rawValue }
            }
            return Status.noMemory.rawValue
        }
        // Both classes were checked above, so `value` is non-nil; stay defensive anyway.
        guard let value else {
            outStatus?[b] = Status.oneClass.rawValue
            return Status.oneClass.rawValue
        }
        outValues[b] = value
        outStatus?[b] = Status.ok.rawValue
    }
    return Status.ok.rawValue
}

/// Whether a validated row has a positive and a negative sample of positive weight.
private func hasBothClasses(
    _ labels: UnsafePointer<Double>?, _ weights: UnsafePointer<Double>?, _ n: Int
) -> Bool {
    guard let labels else { return false }
    var positive = false, negative = false
    for i in 0..<n where (weights?[i] ?? 1) > 0 {
        if labels[i] == 1 { positive = true } else { negative = true }
        if positive && negative { return true }
    }
    return false
}
