// The partial area under the ROC curve over a range of false-positive rates or of
// true-positive rates, raw and McClish-standardized: pROC's `auc(..., partial.auc =,
// partial.auc.focus =, partial.auc.correct =)` and scikit-learn's
// `roc_auc_score(..., max_fpr =)`.
//
// Definition. The ROC curve is the piecewise-linear curve through the points of
// `rocCurve` without dropping (one per distinct score, after (0, 0); dropping collinear
// points does not change it). Its partial area
//  - over FPR in [a, b]: the integral of tpr(fpr) for fpr from a to b; pROC's focus
//    "specificity" over specificities [1 - b, 1 - a];
//  - over TPR in [a, b]: the integral of 1 - fpr(tpr), i.e. of the specificity, for tpr
//    from a to b; pROC's focus "sensitivity" over sensitivities [a, b].
// Vertical steps (a run of tied scores holding only one class) have no width, so the
// integrand's value on them does not matter: the integral is the one both pROC (which
// adds trapezoids of the points inside the range and interpolates linearly at the range
// ends) and scikit-learn (which adds one interpolated point at max_fpr) compute, up to
// their rounding. pROC has one point per distinct score as well (its thresholds are the
// midpoints between distinct values, roc.utils.R), with no weights; scikit-learn's
// weighted curve is the one used here (`SortedSamples`), scaled by a power of two per
// class, which changes no rate.
//
// McClish's standardization maps the area of the diagonal to 1/2 and the largest area
// (b - a) to 1:
//
//     standardized = 0.5 * (1 + (area - minArea) / (maxArea - minArea)),
//     maxArea = b - a,  minArea = (b - a)(a + b)/2 (FPR)  or  (b - a)(2 - a - b)/2 (TPR)
//
// (scikit-learn's expression, with maxArea - minArea computed as the product
// (b - a)(2 - a - b)/2 or (b - a)(a + b)/2, which does not cancel when the range is near
// a corner). Below the diagonal (area < minArea) the formula gives less than 1/2:
// scikit-learn returns that value, pROC returns NA (and the formula's value with
// allow.invalid.partial.auc.correct = TRUE). Here the value is the formula's and
// `belowDiagonal` says so (when the deficit exceeds the area's rounding bound
// 2^-46 (b - a), so that a curve on the diagonal, every score tied, never counts as below
// it); the caller decides (the ABI warns).
//
// Method. One sweep over the sorted samples gives the points (X, Y) in units of weight:
// X = fps and Y = tps (FPR range), or X = tps and Y = (negative total) - fps (TPR range);
// the range ends are A = a * Xtotal, B = b * Xtotal. Each segment between successive
// points adds twice its area over [A, B]: (X1 - X0)(Y0 + Y1) if it lies inside, else the
// trapezoid of its part inside, with Y linearly interpolated at the cut. The doubled
// areas are summed with Neumaier's compensated sum and the total divided by
// 2 * Xtotal * Ytotal.
//
// Accuracy. Without weights X and Y are exact integers, so every segment inside the range
// adds an exact integer, summed exactly (128-bit integers; n < 2^31; beyond, in doubles
// with Neumaier's sum, exact below n = 2^26); only the (at most two) cut segments and the
// final division round, each by a few ulps of at most (b - a): the result is within about
// 10 eps of the exact area of the curve over [a, b] (a and b as given). With weights each
// term has a relative error of a few eps and the compensated sum adds about eps, so the
// result is within a few eps (relative) of the exact area of scikit-learn's float64 curve.
// The per-class power-of-two scaling keeps every weight in (0, 2) times its class's
// largest, so no sum or product overflows or underflows.
//
// Cost: without weights, the two-thread sort of `SortedSamples` with the sweep inside it
// (see "Unweighted: the sweep inside the sort" below; buckets outside the range are not
// even sorted); with weights, the sort and two sweeps (the totals first).

/// The axis along which a partial area's range runs.
public enum PartialAUCAxis: Equatable {
    /// The range bounds the false-positive rate (pROC's focus "specificity", whose range
    /// is 1 - FPR; scikit-learn's max_fpr is [0, max_fpr]).
    case falsePositiveRate
    /// The range bounds the true-positive rate (pROC's focus "sensitivity"); the area is
    /// that of the specificity 1 - FPR over it.
    case truePositiveRate
}

/// A partial area and its McClish standardization.
public struct PartialAUCResult: Equatable {
    /// The area over the range, in [0, b - a].
    public var area: Double
    /// McClish's standardization: 1/2 for the diagonal, 1 for a perfect curve; below 1/2
    /// when `belowDiagonal`.
    public var standardized: Double
    /// The area is below the diagonal's (pROC's NA) by more than its rounding bound,
    /// 2^-46 (b - a): a curve on the diagonal is never below it.
    public var belowDiagonal: Bool
}

/// The partial AUC of float64 samples over [lower, upper] of `axis` (see the file comment).
/// Returns nil when no positive or no negative sample has positive weight (the curve is
/// undefined). Throws `.allocationFailed` if scratch memory cannot be had.
/// Preconditions: `samples` validated (`LabeledSamples`); 0 <= lower < upper <= 1.
///
///     // scores [0.1, 0.4, 0.35, 0.8], labels [0, 0, 1, 1], FPR in [0, 0.25]:
///     partialAUC(samples, axis: .falsePositiveRate, lower: 0, upper: 0.25)
///     // area 0.125, standardized 5/7 (scikit-learn's roc_auc_score(max_fpr=0.25))
public func partialAUC(_ samples: LabeledSamples, axis: PartialAUCAxis,
                       lower: Double, upper: Double) throws(CoreError) -> PartialAUCResult? {
    try partialAUC(scores: samples.scores, labels: samples.labels, weights: samples.weights,
                   axis: axis, lower: lower, upper: upper)
}

/// `partialAUC` for float32 scores, labels and weights (the same as on the values
/// converted to Double).
public func partialAUCFloat32(scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
                              weights: UnsafeBufferPointer<Float>?, axis: PartialAUCAxis,
                              lower: Double, upper: Double) throws(CoreError) -> PartialAUCResult? {
    try partialAUC(scores: scores, labels: labels, weights: weights,
                   axis: axis, lower: lower, upper: upper)
}

func partialAUC<Score: ThresholdScore>(
    scores: UnsafeBufferPointer<Score>, labels: UnsafeBufferPointer<Score>,
    weights: UnsafeBufferPointer<Score>?, axis: PartialAUCAxis, lower: Double, upper: Double,
    chunkCount forcedChunkCount: Int? = nil
) throws(CoreError) -> PartialAUCResult? {
    precondition(lower >= 0 && lower < upper && upper <= 1)
    let byFPR = axis == .falsePositiveRate
    if weights == nil && scores.count < 1 << 31 {
        return try unweightedPartialAUC(scores: scores, labels: labels, byFPR: byFPR,
                                        lower: lower, upper: upper, chunkCount: forcedChunkCount)
    }
    let sorted = try SortedSamples<Score>.gather(scores: scores, labels: labels, weights: weights,
                                                 tieOrder: .increasingIndex, scaled: true,
                                                 chunkCount: forcedChunkCount)
    defer { sorted.free() }
    guard sorted.totals.positives > 0, sorted.totals.negatives > 0 else { return nil }
    // The totals as the sweep's sums end (counts without weights).
    var negativeTotal = Double(sorted.totals.negatives)
    var positiveTotal = Double(sorted.totals.positives)
    if weights != nil {
        sorted.forEachThreshold { _, fps, tps in
            negativeTotal = fps
            positiveTotal = tps
        }
    }
    let xTotal = byFPR ? negativeTotal : positiveTotal
    let yTotal = byFPR ? positiveTotal : negativeTotal
    // The range ends in units of weight, each as an unevaluated sum hi + lo (exact: the
    // rounding error of a product is a double, which fma recovers), so that the width of
    // a cut piece is computed to a few ulps of itself, not of the end's magnitude.
    let a = RangeEnd(lower * xTotal, lower, xTotal)
    let b = RangeEnd(upper * xTotal, upper, xTotal)
    var twiceArea = CompensatedSum()
    var x0 = 0.0
    var y0 = byFPR ? 0.0 : negativeTotal
    sorted.forEachThreshold { _, fps, tps in
        let x1 = byFPR ? fps : tps
        let y1 = byFPR ? tps : negativeTotal - fps
        defer {
            x0 = x1
            y0 = y1
        }
        guard x1 > x0, a.isBelow(x1), b.isAbove(x0) else { return }
        if let cut = cutSegmentTwiceArea(x0: x0, y0: y0, x1: x1, y1: y1, a: a, b: b) {
            twiceArea.add(cut)
        } else {
            twiceArea.add((x1 - x0) * (y0 + y1))
        }
    }
    return partialResult(twiceArea: twiceArea.total, xTotal: xTotal, yTotal: yTotal,
                         byFPR: byFPR, lower: lower, upper: upper)
}

/// Twice the area over [a, b] of the segment (x0, y0)-(x1, y1), x0 < x1, that overlaps
/// (a, b), when a range end cuts it (its part inside, y interpolated at the cuts); nil
/// when it lies inside.
@inline(__always)
private func cutSegmentTwiceArea(x0: Double, y0: Double, x1: Double, y1: Double,
                                 a: RangeEnd, b: RangeEnd) -> Double? {
    let cutLeft = a.isAbove(x0), cutRight = b.isBelow(x1)
    guard cutLeft || cutRight else { return nil }
    let width = x1 - x0
    let pieceWidth: Double
    if cutLeft && cutRight {
        pieceWidth = (b.hi - a.hi) + (b.lo - a.lo)
    } else if cutLeft {
        pieceWidth = (x1 - a.hi) - a.lo
    } else {
        pieceWidth = (b.hi - x0) + b.lo
    }
    let yLeft = cutLeft ? y0 + (y1 - y0) * (((a.hi - x0) + a.lo) / width) : y0
    let yRight = cutRight ? y1 - (y1 - y0) * (((x1 - b.hi) - b.lo) / width) : y1
    return pieceWidth * (yLeft + yRight)
}

/// The result from twice the area in units of weight (see the file comment).
private func partialResult(twiceArea: Double, xTotal: Double, yTotal: Double, byFPR: Bool,
                           lower: Double, upper: Double) -> PartialAUCResult {
    let area = Swift.min(twiceArea / 2 / xTotal / yTotal, upper - lower)
    // minArea and maxArea - minArea as products, so that neither cancels: (1 - a) and
    // (1 - b) are exact for a, b >= 1/2 and within an ulp otherwise.
    let width = upper - lower
    let inner = (lower + upper) / 2, outer = ((1 - lower) + (1 - upper)) / 2
    let minArea = width * (byFPR ? inner : outer)
    let gap = width * (byFPR ? outer : inner)
    let standardized = 0.5 * (1 + (area - minArea) / gap)
    // The computed area is within a few tens of ulps of `width` of the curve's (see
    // Accuracy), so a curve exactly on the diagonal (every score tied) can come out a hair
    // below minArea: only a deficit beyond that rounding bound is below the diagonal.
    let roundingBound = width * 0x1p-46
    return PartialAUCResult(area: area, standardized: standardized,
                            belowDiagonal: area < minArea - roundingBound)
}

// MARK: - Unweighted: the sweep inside the sort
//
// Without weights (n < 2^31) the sweep runs inside the sort's phase 4
// (`SortedBucketVisitor`, SampleBucketSort.swift): each worker takes its buckets from the
// highest scores down, with the class counts of all higher buckets, and
//  - skips (does not even sort) a bucket whose X range [X_above, X_above + X_bucket] does
//    not overlap (A, B): its segments add nothing;
//  - for a bucket inside [A, B], adds its doubled area as an exact integer without
//    looking at the range: over FPR, sum over groups g of N_g (T0_g + T1_g) (N_g its
//    negatives, T0_g and T1_g the positives above it and down to it), which is
//        sum over negatives of (positives above its group + positives seen so far)
//      + sum over positives of (negatives of its group seen so far),
//    each tied pair counted once, by whichever of the two comes second; over TPR the same
//    with the classes' roles swapped, subtracted from 2 N P_bucket;
//  - sweeps a bucket that a range end cuts group by group, as the sweep above (the inside
//    segments exact integers, the at most two cut segments doubles).
// The doubled area is then the exact integer sum of every inside segment plus the cut
// terms in sweep order, added with a compensated sum: the same operations whatever the
// number of chunks and threads, so the same bits; only the cut terms and the final
// division round (see Accuracy).

/// The partial area's per-worker sweep (see above).
struct PartialAreaVisitor<Word: FixedWidthInteger & UnsignedInteger>: SortedBucketVisitor {
    struct Configuration {
        let byFPR: Bool
        let lower: Double
        let upper: Double
    }

    static var visits: Bool { true }
    let byFPR: Bool
    let a: RangeEnd
    let b: RangeEnd
    let negativeTotal: Int
    /// Twice the area of the segments inside the range, exact.
    var inside: UInt128 = 0
    /// Twice the areas of the cut segments, in sweep order (at most two: a range end lies
    /// strictly inside at most one segment).
    var firstCut = 0.0
    var secondCut = 0.0
    var cutCount = 0

    init(_ configuration: Configuration, positives: Int, negatives: Int) {
        byFPR = configuration.byFPR
        let xTotal = Double(byFPR ? negatives : positives)
        a = RangeEnd(configuration.lower * xTotal, configuration.lower, xTotal)
        b = RangeEnd(configuration.upper * xTotal, configuration.upper, xTotal)
        negativeTotal = negatives
    }

    func wants(positivesAbove: Int, negativesAbove: Int, positives: Int, negatives: Int) -> Bool {
        let xAbove = byFPR ? negativesAbove : positivesAbove
        let xBucket = byFPR ? negatives : positives
        return xBucket > 0 && a.isBelow(Double(xAbove &+ xBucket)) && b.isAbove(Double(xAbove))
    }

    mutating func visit(_ words: UnsafeMutablePointer<Word>, count: Int, positives: Int,
                        positivesAbove: Int, negativesAbove: Int, keyBase: Word) {
        let xAbove = byFPR ? negativesAbove : positivesAbove
        let yAbove = byFPR ? positivesAbove : negativesAbove  // of the class counted by Y's sums
        let xBucket = byFPR ? count &- positives : positives
        if !a.isAbove(Double(xAbove)) && !b.isBelow(Double(xAbove &+ xBucket)) {
            // Inside: X_above >= A and X_above + X_bucket <= B.
            let flip = byFPR ? 1 : 0
            var xSeen = 0, ySeen = 0, xBefore = 0, yBefore = 0
            var q: UInt64 = 0  // < 2 count^2 < 2^63
            var previous = words[count &- 1] &>> 1
            var i = count
            while i > 0 {
                i &-= 1
                let word = words[i]
                let group = word &>> 1
                let newGroup = group != previous
                previous = group
                xBefore = newGroup ? xSeen : xBefore
                yBefore = newGroup ? ySeen : yBefore
                let isX = Int(truncatingIfNeeded: word & 1) ^ flip
                let isY = 1 &- isX
                q &+= UInt64(truncatingIfNeeded: isX &* (yBefore &+ ySeen) &+ isY &* (xSeen &- xBefore))
                xSeen &+= isX
                ySeen &+= isY
            }
            // Sum over the bucket's groups of X_g (Y-counts before + after), absolute.
            let sums = UInt128(q) + 2 * UInt128(yAbove) * UInt128(xBucket)
            if byFPR {
                inside += sums
            } else {
                inside += 2 * UInt128(negativeTotal) * UInt128(xBucket) - sums
            }
            return
        }
        // Cut by a range end: group by group, from the highest.
        var fps = negativesAbove, tps = positivesAbove
        var end = count
        while end > 0 {
            let key = words[end &- 1] &>> 1
            var start = end &- 1
            while start > 0 && words[start &- 1] &>> 1 == key { start &-= 1 }
            var p = 0
            for k in start..<end { p &+= Int(truncatingIfNeeded: words[k] & 1) }
            let fps1 = fps &+ (end &- start &- p), tps1 = tps &+ p
            let x0 = byFPR ? fps : tps, x1 = byFPR ? fps1 : tps1
            let y0 = byFPR ? tps : negativeTotal &- fps, y1 = byFPR ? tps1 : negativeTotal &- fps1
            fps = fps1
            tps = tps1
            end = start
            guard x1 > x0, a.isBelow(Double(x1)), b.isAbove(Double(x0)) else { continue }
            if let cut = cutSegmentTwiceArea(x0: Double(x0), y0: Double(y0), x1: Double(x1),
                                             y1: Double(y1), a: a, b: b) {
                if cutCount == 0 { firstCut = cut } else { secondCut = cut }
                cutCount += 1
            } else {
                inside += UInt128((x1 &- x0) &* (y0 &+ y1))  // < 2^31 * 2^32
            }
        }
    }
}

/// Largest sample count whose whole-range partial area is taken from the exact AUROC
/// (`wholeRangeFromExactAUROC`): 2^25, so that 2 P N <= n^2 / 2 <= 2^49.
private let wholeRangeExactLimit = 1 << 25

/// The unweighted partial area, its sweep inside the sort (see above); n < 2^31. Over the
/// whole range [0, 1] (n <= 2^25, and unless `wholeRangeFromExact` is false: tests), from
/// the exact AUROC (`wholeRangeFromExactAUROC`): the same bits, a faster sort.
func unweightedPartialAUC<Score: ThresholdScore>(
    scores: UnsafeBufferPointer<Score>, labels: UnsafeBufferPointer<Score>, byFPR: Bool,
    lower: Double, upper: Double, chunkCount forcedChunkCount: Int?,
    wholeRangeFromExact: Bool = true
) throws(CoreError) -> PartialAUCResult? {
    if wholeRangeFromExact && lower == 0 && upper == 1 && scores.count <= wholeRangeExactLimit {
        return try wholeRangeFromExactAUROC(scores: scores, labels: labels, byFPR: byFPR,
                                            chunkCount: forcedChunkCount)
    }
    return try sweptPartialAUC(scores: scores, labels: labels, byFPR: byFPR, lower: lower,
                               upper: upper, chunkCount: forcedChunkCount, checksInputs: false).result
}

/// What `partialAUCCheckingInputs` found.
public enum CheckedPartialAUC: Equatable {
    /// The partial AUC (the inputs were valid).
    case value(PartialAUCResult)
    /// The inputs were valid, but a class is empty: the curve is undefined.
    case undefined
    /// Some score is not finite or some label is neither 0 nor 1 (which one is the ABI
    /// layer's to find).
    case invalidInput
}

/// `partialAUC` on unweighted float64 inputs that have not been validated: every score
/// finite and every label exactly 0 or 1 is checked in the sort's first, two-threaded
/// pass (as `rocCurveCheckingInputs` does), instead of a separate pass before it. Same
/// result as `partialAUC` on valid inputs, bit for bit (the sweep's; over the whole range
/// [0, 1] the unchecked call takes it from the exact AUROC, with the same bits).
/// Precondition: 0 <= lower < upper <= 1.
public func partialAUCCheckingInputs(scores: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
                                     axis: PartialAUCAxis, lower: Double,
                                     upper: Double) throws(CoreError) -> CheckedPartialAUC {
    try uncheckedPartialAUC(scores: scores, labels: labels, axis: axis, lower: lower, upper: upper)
}

/// `partialAUCCheckingInputs` for float32 scores and labels.
public func partialAUCFloat32CheckingInputs(scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
                                            axis: PartialAUCAxis, lower: Double,
                                            upper: Double) throws(CoreError) -> CheckedPartialAUC {
    try uncheckedPartialAUC(scores: scores, labels: labels, axis: axis, lower: lower, upper: upper)
}

private func uncheckedPartialAUC<Score: ThresholdScore>(
    scores: UnsafeBufferPointer<Score>, labels: UnsafeBufferPointer<Score>, axis: PartialAUCAxis,
    lower: Double, upper: Double
) throws(CoreError) -> CheckedPartialAUC {
    precondition(lower >= 0 && lower < upper && upper <= 1)
    if scores.count >= 1 << 31 {
        // (Beyond the sweep's counts: checked here, then the unchecked call.)
        for i in 0..<scores.count where !scores[i].isFinite || (labels[i] != 0 && labels[i] != 1) {
            return .invalidInput
        }
        return try partialAUC(scores: scores, labels: labels, weights: nil, axis: axis,
                              lower: lower, upper: upper).map { .value($0) } ?? .undefined
    }
    let swept = try sweptPartialAUC(scores: scores, labels: labels, byFPR: axis == .falsePositiveRate,
                                    lower: lower, upper: upper, chunkCount: nil, checksInputs: true)
    if swept.inputsInvalid { return .invalidInput }
    return swept.result.map { .value($0) } ?? .undefined
}

/// The unweighted partial area by the sweep inside the sort (`PartialAreaVisitor`); with
/// `checksInputs`, of inputs not validated before (`inputsInvalid` then, nothing else).
private func sweptPartialAUC<Score: ThresholdScore>(
    scores: UnsafeBufferPointer<Score>, labels: UnsafeBufferPointer<Score>, byFPR: Bool,
    lower: Double, upper: Double, chunkCount forcedChunkCount: Int?, checksInputs: Bool
) throws(CoreError) -> (result: PartialAUCResult?, inputsInvalid: Bool) {
    typealias Visitor = PartialAreaVisitor<Score.OrderKey>
    let chunkCount = sampleChunkCount(scores.count, forced: forcedChunkCount)
    let visitors = try ScratchBuffer<Visitor>(count: chunkCount)
    defer { visitors.free() }
    let sorted = try SortedSamples<Score>.gather(
        scores: scores, labels: labels, weights: nil, tieOrder: .increasingIndex, scaled: false,
        chunkCount: forcedChunkCount, visitors: visitors.base,
        configuration: Visitor.Configuration(byFPR: byFPR, lower: lower, upper: upper),
        checksInputs: checksInputs)
    defer { sorted.free() }
    if sorted.inputsInvalid { return (nil, true) }
    guard sorted.totals.positives > 0, sorted.totals.negatives > 0 else { return (nil, false) }
    // The exact integer as a double and its (exact) remainder, then the cut terms in
    // sweep order (chunk 1 holds the higher scores: its segments come first).
    var inside: UInt128 = 0
    for chunk in 0..<chunkCount { inside += visitors.buffer[chunk].inside }
    var twiceArea = exactTwiceArea(inside)
    for chunk in (0..<chunkCount).reversed() {
        let v = visitors.buffer[chunk]
        if v.cutCount > 0 { twiceArea.add(v.firstCut) }
        if v.cutCount > 1 { twiceArea.add(v.secondCut) }
    }
    let positives = Double(sorted.totals.positives), negatives = Double(sorted.totals.negatives)
    return (partialResult(twiceArea: twiceArea.total, xTotal: byFPR ? negatives : positives,
                          yTotal: byFPR ? positives : negatives, byFPR: byFPR,
                          lower: lower, upper: upper), false)
}

/// The exact integer doubled area as a compensated sum: the integer rounded to a double,
/// plus its (exact) remainder.
@inline(__always)
private func exactTwiceArea(_ inside: UInt128) -> CompensatedSum {
    let insideHigh = Double(inside)
    let remainder = Int128(bitPattern: inside) - Int128(insideHigh)
    var twiceArea = CompensatedSum()
    twiceArea.add(insideHigh)
    twiceArea.add(Double(remainder))
    return twiceArea
}

/// The unweighted partial area over the whole range [0, 1] of either axis (n <= 2^25),
/// from the exact AUROC.
///
/// Over [0, 1] no segment is cut, so the sweep's doubled area is the exact integer sum of
/// every segment's, 2 A P N for the curve's area A, which is the AUROC: 2 A P N = 2U, the
/// exact AUROC's numerator (tied pairs counted as halves), over either axis. `exactAUROC`
/// returns d = 2U / (2 P N) correctly rounded; with D = 2 P N <= 2^49 the integer 2U is
/// recovered exactly as the double product d * D rounded to an integer: |d - 2U / D| <=
/// ulp(d) / 2 <= 2^-54 (d <= 1), so |d D - 2U| <= 2^-5, and the product's own rounding
/// error is at most ulp(2^49) / 2 = 2^-4: the computed product is within 1/8 of 2U. The
/// result is then finished as the sweep finishes it (`exactTwiceArea`, `partialResult`):
/// the same bits as the sweep (PartialAUCTests compares both on random tied inputs).
/// Cost: a pass over the labels (the class sizes, on two threads) and the exact AUROC's
/// sort.
private func wholeRangeFromExactAUROC<Score: ThresholdScore>(
    scores: UnsafeBufferPointer<Score>, labels: UnsafeBufferPointer<Score>, byFPR: Bool,
    chunkCount: Int?
) throws(CoreError) -> PartialAUCResult? {
    // The class sizes, each half of the labels on its own thread from 65536 samples
    // (`parallelSampleThreshold`, as the sort): an integer sum, the same in any order.
    var halves = (0, 0)
    withUnsafeMutableBytes(of: &halves) { raw in
        let sums = raw.baseAddress!.assumingMemoryBound(to: Int.self)
        runConcurrently(inParallel: labels.count >= parallelSampleThreshold,
                        with: (labels, sums), { countPositives($0.0, half: 0, into: $0.1) },
                        { countPositives($0.0, half: 1, into: $0.1) })
    }
    let positiveCount = halves.0 &+ halves.1
    let negativeCount = labels.count - positiveCount
    guard positiveCount > 0, negativeCount > 0,
          let auroc = try exactAUROC(scores: scores, labels: labels, weights: nil,
                                     chunkCount: chunkCount)
    else { return nil }
    let pairs = 2 * Double(positiveCount) * Double(negativeCount)  // exact: <= 2^49
    let twiceU = (auroc * pairs).rounded()
    let twiceArea = exactTwiceArea(UInt128(UInt64(twiceU)))
    let positives = Double(positiveCount), negatives = Double(negativeCount)
    return partialResult(twiceArea: twiceArea.total, xTotal: byFPR ? negatives : positives,
                         yTotal: byFPR ? positives : negatives, byFPR: byFPR,
                         lower: 0, upper: 1)
}

/// The positives among half `half` (0 or 1) of `labels`, into `sums[half]`.
@inline(__always)
private func countPositives<Score: ThresholdScore>(
    _ labels: UnsafeBufferPointer<Score>, half: Int, into sums: UnsafeMutablePointer<Int>
) {
    var positives = 0
    for i in chunkRange(half, of: 2, count: labels.count) { positives &+= labels[i].classBit }
    sums[half] = positives
}

/// A range end r * total as hi + lo exactly (hi the rounded product).
struct RangeEnd {
    let hi: Double
    let lo: Double

    @inline(__always)
    init(_ product: Double, _ r: Double, _ total: Double) {
        hi = product
        lo = (-product).addingProduct(r, total)  // fused: the product's exact rounding error
    }

    /// x < hi + lo.
    @inline(__always)
    func isAbove(_ x: Double) -> Bool { x < hi || (x == hi && lo > 0) }

    /// x > hi + lo.
    @inline(__always)
    func isBelow(_ x: Double) -> Bool { x > hi || (x == hi && lo < 0) }
}
