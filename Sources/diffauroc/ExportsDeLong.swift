// auroc_delong and auroc_delong_f32 (include/diffauroc.h, "DeLong's variance and the
// paired test"): the AUCs of k score columns on one label vector, DeLong's covariance
// matrix of those AUCs and the variances of their differences, over the core's
// `deLongCovariance` (Sources/DiffAUROCCore/DeLong.swift).
//
// Order of checks, as every export: the sizes (n, k, k x k, n x k and the largest element
// index), the required pointers, then the samples in index order (at sample i: the scores
// of columns 0..k-1, then the label; the first bad one decides the status), then the
// computation. On any error nothing is written.
//
// The core is called in the build `activeKernels` chose (Kernels.swift explains the two
// builds). The dispatch lives here rather than in Kernels.swift only because that file
// belongs to another change in flight; it has the same shape as Kernels.swift's.

import DiffAUROCCore
#if arch(x86_64)
import DiffAUROCCoreAVX2
#endif

/// What the core reported.
private enum DeLongResult {
    case computed, varianceUndefined, oneClass
}

@_cdecl("auroc_delong")
public func aurocDeLong(
    _ scores: UnsafePointer<Double>?, _ n: UInt, _ k: UInt, _ sampleStride: UInt,
    _ columnStride: UInt, _ labels: UnsafePointer<Double>?,
    _ outAUC: UnsafeMutablePointer<Double>?, _ outCovariance: UnsafeMutablePointer<Double>?,
    _ outDifferenceVariance: UnsafeMutablePointer<Double>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runDeLong(scores, n, k, sampleStride, columnStride, labels, outAUC, outCovariance,
                     outDifferenceVariance) { s, n, k, ss, cs, y, auc, cov, diff throws(OutOfMemory) in
        do {
            #if arch(x86_64)
            if activeKernels == .x86_64_v3 {
                return DeLongResult(try DiffAUROCCoreAVX2.deLongCovariance(
                    DiffAUROCCoreAVX2.DeLongColumns(base: s, count: n, columns: k,
                                                    sampleStride: ss, columnStride: cs),
                    labels: y, aucs: auc, covariance: cov, differenceVariances: diff))
            }
            #endif
            return DeLongResult(try DiffAUROCCore.deLongCovariance(
                DiffAUROCCore.DeLongColumns(base: s, count: n, columns: k,
                                            sampleStride: ss, columnStride: cs),
                labels: y, aucs: auc, covariance: cov, differenceVariances: diff))
        } catch {
            throw OutOfMemory()
        }
    }
}

@_cdecl("auroc_delong_f32")
public func aurocDeLongFloat32(
    _ scores: UnsafePointer<Float>?, _ n: UInt, _ k: UInt, _ sampleStride: UInt,
    _ columnStride: UInt, _ labels: UnsafePointer<Float>?,
    _ outAUC: UnsafeMutablePointer<Double>?, _ outCovariance: UnsafeMutablePointer<Double>?,
    _ outDifferenceVariance: UnsafeMutablePointer<Double>?
) -> Int32 {
    let mode = enterIEEEMode()
    defer { leaveIEEEMode(mode) }
    return runDeLong(scores, n, k, sampleStride, columnStride, labels, outAUC, outCovariance,
                     outDifferenceVariance) { s, n, k, ss, cs, y, auc, cov, diff throws(OutOfMemory) in
        do {
            #if arch(x86_64)
            if activeKernels == .x86_64_v3 {
                return DeLongResult(try DiffAUROCCoreAVX2.deLongCovarianceFloat32(
                    DiffAUROCCoreAVX2.DeLongColumns(base: s, count: n, columns: k,
                                                    sampleStride: ss, columnStride: cs),
                    labels: y, aucs: auc, covariance: cov, differenceVariances: diff))
            }
            #endif
            return DeLongResult(try DiffAUROCCore.deLongCovarianceFloat32(
                DiffAUROCCore.DeLongColumns(base: s, count: n, columns: k,
                                            sampleStride: ss, columnStride: cs),
                labels: y, aucs: auc, covariance: cov, differenceVariances: diff))
        } catch {
            throw OutOfMemory()
        }
    }
}

extension DeLongResult {
    init(_ outcome: DiffAUROCCore.DeLongOutcome) {
        switch outcome {
        case .computed: self = .computed
        case .varianceUndefined: self = .varianceUndefined
        case .oneClass: self = .oneClass
        }
    }
    #if arch(x86_64)
    init(_ outcome: DiffAUROCCoreAVX2.DeLongOutcome) {
        switch outcome {
        case .computed: self = .computed
        case .varianceUndefined: self = .varianceUndefined
        case .oneClass: self = .oneClass
        }
    }
    #endif
}

/// The largest n of the DeLong functions (both core builds share the constant's value).
private let deLongLimit = UInt(DiffAUROCCore.deLongMaximumCount)

/// Shared body (see the file comment). `compute` runs the core on validated inputs.
private func runDeLong<Scalar: BinaryFloatingPoint>(
    _ scores: UnsafePointer<Scalar>?, _ n: UInt, _ k: UInt, _ sampleStride: UInt,
    _ columnStride: UInt, _ labels: UnsafePointer<Scalar>?,
    _ outAUC: UnsafeMutablePointer<Double>?, _ outCovariance: UnsafeMutablePointer<Double>?,
    _ outDifferenceVariance: UnsafeMutablePointer<Double>?,
    compute: (UnsafePointer<Scalar>?, Int, Int, Int, Int, UnsafeBufferPointer<Scalar>,
              UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>?,
              UnsafeMutablePointer<Double>?) throws(OutOfMemory) -> DeLongResult
) -> Int32 {
    // Sizes first, before any pointer: n, then k and the outputs' k x k, the components'
    // n x k, and the largest element index (n - 1) ss + (k - 1) cs, all within the
    // single-problem limit (so every later product fits Int and cannot trap).
    guard n <= deLongLimit, k <= maximumCount else { return Status.tooLarge.rawValue }
    let (kk, kkOverflow) = k.multipliedReportingOverflow(by: k)
    let (nk, nkOverflow) = n.multipliedReportingOverflow(by: k)
    guard !kkOverflow, kk <= maximumCount, !nkOverflow, nk <= maximumCount else {
        return Status.tooLarge.rawValue
    }
    if n > 0 && k > 0 {
        let (rows, o1) = (n - 1).multipliedReportingOverflow(by: sampleStride)
        let (cols, o2) = (k - 1).multipliedReportingOverflow(by: columnStride)
        let (last, o3) = rows.addingReportingOverflow(cols)
        guard !o1, !o2, !o3, last <= maximumCount else { return Status.tooLarge.rawValue }
    }
    // k == 0: nothing to compute, nothing touched.
    guard k > 0 else { return Status.ok.rawValue }
    guard let outAUC else { return Status.nullPointer.rawValue }
    if n > 0 && (scores == nil || labels == nil) { return Status.nullPointer.rawValue }
    let count = Int(n), columns = Int(k)
    // A stride that is never used (one sample, one column) may be anything: not converted.
    let ss = count > 1 ? Int(sampleStride) : 0, cs = columns > 1 ? Int(columnStride) : 0
    let y = UnsafeBufferPointer(start: count > 0 ? labels : nil, count: count)
    if let bad = firstInvalidColumnSample(scores, count, columns, ss, cs, y) {
        return bad.rawValue
    }
    do {
        switch try compute(scores, count, columns, ss, cs, y, outAUC, outCovariance,
                           outDifferenceVariance) {
        case .computed: return Status.ok.rawValue
        case .varianceUndefined: return Status.warnNoVariance.rawValue
        case .oneClass: return Status.oneClass.rawValue
        }
    } catch {
        return Status.noMemory.rawValue
    }
}

/// The status of the first bad element in sample order (at sample i: scores (i, 0) ...
/// (i, k - 1) finite, then label i exactly 0 or 1), or nil. Blocks of 256 samples are
/// checked without branches, and only a block holding a bad element is scanned again.
/// Reads only indices below the caller's checked bound.
private func firstInvalidColumnSample<Scalar: BinaryFloatingPoint>(
    _ scores: UnsafePointer<Scalar>?, _ n: Int, _ k: Int, _ ss: Int, _ cs: Int,
    _ y: UnsafeBufferPointer<Scalar>
) -> Status? {
    guard n > 0, let scores else { return nil }
    var blockStart = 0
    while blockStart < n {
        let block = blockStart..<Swift.min(blockStart + 256, n)
        var bad: UInt8 = 0
        for i in block {
            bad |= (y[i] == 0 ? 0 : 1) & (y[i] == 1 ? 0 : 1)
            for a in 0..<k { bad |= scores[i &* ss &+ a &* cs].isFinite ? 0 : 1 }
        }
        if bad != 0 {
            for i in block {
                for a in 0..<k where !scores[i &* ss &+ a &* cs].isFinite { return .nonfiniteScore }
                guard y[i] == 0 || y[i] == 1 else { return .badLabel }
            }
        }
        blockStart = block.upperBound
    }
    return nil
}
