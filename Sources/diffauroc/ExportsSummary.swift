// auroc_summary, auroc_summary_weighted, auroc_summary_table and their _f32 forms
// (include/diffauroc.h, "Mergeable summaries"): what one score range or one batch
// contributes to the exact AUROC, DeLong's variance and the ROC curve, over the core's
// Summaries.swift.
//
// Order of checks, as every export: the size (n <= 2^40, the summaries' limit, so that the
// unweighted sums fit 128 bits), the required pointers, then the samples in index order
// (`validatedBuffers`, the check diffauroc_find_invalid runs). A slice with one class or
// none is valid (it contributes its totals). On any error nothing is written.
//
// The core is called in the build `activeKernels` chose (as ExportsDeLong.swift does, the
// dispatch is local to this file).

import DiffAUROCCore
#if arch(x86_64)
import DiffAUROCCoreAVX2
#endif

/// The largest n of the summary functions (both core builds share the constant's value).
private let summaryLimit = UInt(DiffAUROCCore.summaryMaximumCount)

/// The header's DIFFAUROC_SUMMARY_WORDS.
private let summaryWords = 8

/// The unweighted summary as the header's eight words.
private struct SummaryWords {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    init(_ n: UInt64, _ p: UInt64, _ u: UInt128, _ c2: UInt128, _ d2: UInt128) {
        words = (n, p, UInt64(truncatingIfNeeded: u), UInt64(truncatingIfNeeded: u >> 64),
                 UInt64(truncatingIfNeeded: c2), UInt64(truncatingIfNeeded: c2 >> 64),
                 UInt64(truncatingIfNeeded: d2), UInt64(truncatingIfNeeded: d2 >> 64))
    }
    init(_ s: DiffAUROCCore.CountSummary) {
        self.init(s.negatives, s.positives, s.twiceU, s.positiveSquares, s.negativeSquares)
    }
    #if arch(x86_64)
    init(_ s: DiffAUROCCoreAVX2.CountSummary) {
        self.init(s.negatives, s.positives, s.twiceU, s.positiveSquares, s.negativeSquares)
    }
    #endif

    func write(to out: UnsafeMutablePointer<UInt64>) {
        withUnsafeBytes(of: words) { raw in
            for k in 0..<summaryWords { out[k] = raw.load(fromByteOffset: 8 * k, as: UInt64.self) }
        }
    }
}

/// The weighted summary as the header's three doubles and two exponents.
private struct WeightedWords {
    let values: (Double, Double, Double)
    let exponents: (Int32, Int32)

    init(_ w: DiffAUROCCore.WeightedSummary) {
        values = (w.negativeWeight, w.positiveWeight, w.pairWeight)
        exponents = (Int32(w.negativeExponent), Int32(w.positiveExponent))
    }
    #if arch(x86_64)
    init(_ w: DiffAUROCCoreAVX2.WeightedSummary) {
        values = (w.negativeWeight, w.positiveWeight, w.pairWeight)
        exponents = (Int32(w.negativeExponent), Int32(w.positiveExponent))
    }
    #endif
}

// ---- auroc_summary ----

@_cdecl("auroc_summary")
public func aurocSummary(
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?, _ n: UInt,
    _ out: UnsafeMutablePointer<UInt64>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runCountSummary(scores, labels, n, out) { s, y throws(DiffAUROCCore.CoreError) in
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            do {
                return SummaryWords(try DiffAUROCCoreAVX2.countSummary(scores: s, labels: y))
            } catch { throw .allocationFailed }
        }
        #endif
        return SummaryWords(try DiffAUROCCore.countSummary(scores: s, labels: y))
    }
}

@_cdecl("auroc_summary_f32")
public func aurocSummaryFloat32(
    _ scores: UnsafePointer<Float>?, _ labels: UnsafePointer<Float>?, _ n: UInt,
    _ out: UnsafeMutablePointer<UInt64>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runCountSummary(scores, labels, n, out) { s, y throws(DiffAUROCCore.CoreError) in
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            do {
                return SummaryWords(try DiffAUROCCoreAVX2.countSummaryFloat32(scores: s, labels: y))
            } catch { throw .allocationFailed }
        }
        #endif
        return SummaryWords(try DiffAUROCCore.countSummaryFloat32(scores: s, labels: y))
    }
}

private func runCountSummary<Scalar: BinaryFloatingPoint>(
    _ scores: UnsafePointer<Scalar>?, _ labels: UnsafePointer<Scalar>?, _ n: UInt,
    _ out: UnsafeMutablePointer<UInt64>?,
    compute: (UnsafeBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>)
        throws(DiffAUROCCore.CoreError) -> SummaryWords
) -> Int32 {
    guard n <= summaryLimit else { return Status.tooLarge.rawValue }
    guard let out else { return Status.nullPointer.rawValue }
    let samples: (scores: UnsafeBufferPointer<Scalar>, labels: UnsafeBufferPointer<Scalar>,
                  weights: UnsafeBufferPointer<Scalar>?)
    switch validatedBuffers(scores, labels, nil, n) {
    case .failure(let error): return error.status.rawValue
    case .success(let s): samples = s
    }
    do {
        try compute(samples.scores, samples.labels).write(to: out)
    } catch {
        return Status.noMemory.rawValue
    }
    return Status.ok.rawValue
}

// ---- auroc_summary_weighted ----

@_cdecl("auroc_summary_weighted")
public func aurocSummaryWeighted(
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ weights: UnsafePointer<Double>?, _ n: UInt, _ out: UnsafeMutablePointer<Double>?,
    _ outExponents: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runWeightedSummary(scores, labels, weights, n, out, outExponents) {
        s, y, w throws(DiffAUROCCore.CoreError) in
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            do {
                return WeightedWords(try DiffAUROCCoreAVX2.weightedSummary(scores: s, labels: y,
                                                                           weights: w))
            } catch { throw .allocationFailed }
        }
        #endif
        return WeightedWords(try DiffAUROCCore.weightedSummary(scores: s, labels: y, weights: w))
    }
}

@_cdecl("auroc_summary_weighted_f32")
public func aurocSummaryWeightedFloat32(
    _ scores: UnsafePointer<Float>?, _ labels: UnsafePointer<Float>?,
    _ weights: UnsafePointer<Float>?, _ n: UInt, _ out: UnsafeMutablePointer<Double>?,
    _ outExponents: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runWeightedSummary(scores, labels, weights, n, out, outExponents) {
        s, y, w throws(DiffAUROCCore.CoreError) in
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            do {
                return WeightedWords(try DiffAUROCCoreAVX2.weightedSummaryFloat32(
                    scores: s, labels: y, weights: w))
            } catch { throw .allocationFailed }
        }
        #endif
        return WeightedWords(try DiffAUROCCore.weightedSummaryFloat32(scores: s, labels: y,
                                                                      weights: w))
    }
}

private func runWeightedSummary<Scalar: BinaryFloatingPoint>(
    _ scores: UnsafePointer<Scalar>?, _ labels: UnsafePointer<Scalar>?,
    _ weights: UnsafePointer<Scalar>?, _ n: UInt, _ out: UnsafeMutablePointer<Double>?,
    _ outExponents: UnsafeMutablePointer<Int32>?,
    compute: (UnsafeBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>,
              UnsafeBufferPointer<Scalar>?) throws(DiffAUROCCore.CoreError) -> WeightedWords
) -> Int32 {
    guard n <= summaryLimit else { return Status.tooLarge.rawValue }
    guard let out, let outExponents else { return Status.nullPointer.rawValue }
    let samples: (scores: UnsafeBufferPointer<Scalar>, labels: UnsafeBufferPointer<Scalar>,
                  weights: UnsafeBufferPointer<Scalar>?)
    switch validatedBuffers(scores, labels, weights, n) {
    case .failure(let error): return error.status.rawValue
    case .success(let s): samples = s
    }
    let result: WeightedWords
    do {
        result = try compute(samples.scores, samples.labels, samples.weights)
    } catch {
        return Status.noMemory.rawValue
    }
    out[0] = result.values.0
    out[1] = result.values.1
    out[2] = result.values.2
    outExponents[0] = result.exponents.0
    outExponents[1] = result.exponents.1
    return Status.ok.rawValue
}

// ---- auroc_summary_table ----

@_cdecl("auroc_summary_table")
public func aurocSummaryTable(
    _ scores: UnsafePointer<Double>?, _ labels: UnsafePointer<Double>?,
    _ weights: UnsafePointer<Double>?, _ n: UInt, _ capacity: UInt,
    _ outScores: UnsafeMutablePointer<Double>?, _ outNegatives: UnsafeMutablePointer<Double>?,
    _ outPositives: UnsafeMutablePointer<Double>?, _ outCount: UnsafeMutablePointer<UInt>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runSummaryTable(scores, labels, weights, n, capacity, outScores, outNegatives,
                           outPositives, outCount) { s, y, w, o throws(DiffAUROCCore.CoreError) in
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            do {
                return try DiffAUROCCoreAVX2.summaryTable(
                    scores: s, labels: y, weights: w,
                    into: DiffAUROCCoreAVX2.SummaryTableOutputs(
                        scores: o.0, negatives: o.1, positives: o.2, capacity: o.3))
            } catch { throw .allocationFailed }
        }
        #endif
        return try DiffAUROCCore.summaryTable(
            scores: s, labels: y, weights: w,
            into: DiffAUROCCore.SummaryTableOutputs(scores: o.0, negatives: o.1, positives: o.2,
                                                    capacity: o.3))
    }
}

@_cdecl("auroc_summary_table_f32")
public func aurocSummaryTableFloat32(
    _ scores: UnsafePointer<Float>?, _ labels: UnsafePointer<Float>?,
    _ weights: UnsafePointer<Float>?, _ n: UInt, _ capacity: UInt,
    _ outScores: UnsafeMutablePointer<Double>?, _ outNegatives: UnsafeMutablePointer<Double>?,
    _ outPositives: UnsafeMutablePointer<Double>?, _ outCount: UnsafeMutablePointer<UInt>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runSummaryTable(scores, labels, weights, n, capacity, outScores, outNegatives,
                           outPositives, outCount) { s, y, w, o throws(DiffAUROCCore.CoreError) in
        #if arch(x86_64)
        if activeKernels == .x86_64_v3 {
            do {
                return try DiffAUROCCoreAVX2.summaryTableFloat32(
                    scores: s, labels: y, weights: w,
                    into: DiffAUROCCoreAVX2.SummaryTableOutputs(
                        scores: o.0, negatives: o.1, positives: o.2, capacity: o.3))
            } catch { throw .allocationFailed }
        }
        #endif
        return try DiffAUROCCore.summaryTableFloat32(
            scores: s, labels: y, weights: w,
            into: DiffAUROCCore.SummaryTableOutputs(scores: o.0, negatives: o.1, positives: o.2,
                                                    capacity: o.3))
    }
}

private typealias TableOutputs = (UnsafeMutablePointer<Double>?, UnsafeMutablePointer<Double>?,
                                  UnsafeMutablePointer<Double>?, Int)

private func runSummaryTable<Scalar: BinaryFloatingPoint>(
    _ scores: UnsafePointer<Scalar>?, _ labels: UnsafePointer<Scalar>?,
    _ weights: UnsafePointer<Scalar>?, _ n: UInt, _ capacity: UInt,
    _ outScores: UnsafeMutablePointer<Double>?, _ outNegatives: UnsafeMutablePointer<Double>?,
    _ outPositives: UnsafeMutablePointer<Double>?, _ outCount: UnsafeMutablePointer<UInt>?,
    compute: (UnsafeBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>,
              UnsafeBufferPointer<Scalar>?, TableOutputs) throws(DiffAUROCCore.CoreError) -> Int
) -> Int32 {
    guard n <= summaryLimit else { return Status.tooLarge.rawValue }
    guard let outCount else { return Status.nullPointer.rawValue }
    let samples: (scores: UnsafeBufferPointer<Scalar>, labels: UnsafeBufferPointer<Scalar>,
                  weights: UnsafeBufferPointer<Scalar>?)
    switch validatedBuffers(scores, labels, weights, n) {
    case .failure(let error): return error.status.rawValue
    case .success(let s): samples = s
    }
    let countOnly = outScores == nil && outNegatives == nil && outPositives == nil
    // No table has more than n rows, so a larger capacity is never used.
    let room = countOnly ? Int(n) : Int(Swift.min(capacity, n))
    let rows: Int
    do {
        rows = try compute(samples.scores, samples.labels, samples.weights,
                           (outScores, outNegatives, outPositives, room))
    } catch {
        return Status.noMemory.rawValue
    }
    if !countOnly && rows > room { return Status.capacity.rawValue }
    outCount.pointee = UInt(rows)
    return Status.ok.rawValue
}
