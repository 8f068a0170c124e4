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
// Accuracy. Without weights X and Y are exact integers, so (for n below 2^26, where
// (X1 - X0)(Y0 + Y1) < 2^53) every segment inside the range adds an exact integer and
// their compensated sum is exact; only the (at most two) cut segments and the final
// division round, each by a few ulps of at most (b - a): the result is within about
// 10 eps of the exact area of the curve over [a, b] (a and b as given). With weights each
// term has a relative error of a few eps and the compensated sum adds about eps, so the
// result is within a few eps (relative) of the exact area of scikit-learn's float64 curve.
// The per-class power-of-two scaling keeps every weight in (0, 2) times its class's
// largest, so no sum or product overflows or underflows.
//
// Cost: the sort of `SortedSamples` and one sweep (two with weights: the totals first).

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
    weights: UnsafeBufferPointer<Score>?, axis: PartialAUCAxis, lower: Double, upper: Double
) throws(CoreError) -> PartialAUCResult? {
    precondition(lower >= 0 && lower < upper && upper <= 1)
    let sorted = try SortedSamples<Score>.gather(scores: scores, labels: labels, weights: weights,
                                                 tieOrder: .increasingIndex, scaled: true)
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
    let byFPR = axis == .falsePositiveRate
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
        let cutLeft = a.isAbove(x0), cutRight = b.isBelow(x1)
        if !cutLeft && !cutRight {
            twiceArea.add((x1 - x0) * (y0 + y1))
            return
        }
        // The part of the segment inside [a, b], y interpolated at the cuts.
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
        twiceArea.add(pieceWidth * (yLeft + yRight))
    }
    let area = Swift.min(twiceArea.total / 2 / xTotal / yTotal, upper - lower)
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

/// A range end r * total as hi + lo exactly (hi the rounded product).
private struct RangeEnd {
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
