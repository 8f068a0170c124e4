/// What the soft AUROC computes besides the per-sample gradient.
public struct SoftAUROCResult: Equatable, Sendable {
    /// The soft AUROC in [0, 1]; 0 when there is no pair.
    public var value: Double
    /// d value / d temperature; 0 when there is no pair.
    public var dTemperature: Double
    /// false when there is no positive or no negative sample of positive weight. The value
    /// and every derivative are then 0 (the reference's convention).
    public var hasPairs: Bool

    public init(value: Double, dTemperature: Double, hasPairs: Bool) {
        self.value = value
        self.dTemperature = dTemperature
        self.hasPairs = hasPairs
    }

    static let noPairs = SoftAUROCResult(value: 0, dTemperature: 0, hasPairs: false)
}

/// How the pair sum is evaluated.
public enum SoftAUROCMethod: Sendable {
    /// Pick the fastest method that meets the accuracy bar for this input.
    case automatic
    /// The direct O(P * N) pair sum (`PairwiseSoftAUROC.swift`): the small-n path and the
    /// in-library oracle.
    case pairwise
    /// The O(n log n) method of `FastSoftAUROC.swift` (exponential series for far pairs,
    /// Chebyshev interpolation for near ones), whatever the size (64-bit indices above
    /// 2^31 - 1 samples, see `FastSoftIndexWidth`).
    case fast
}

/// Below this many (positive, negative) pairs `.automatic` uses the direct pair sum,
/// which is then as fast as the fast path with its sort and setup. Measured on the 2-core
/// x86-64 development machine: at 9,600 pairs (n = 200) both take 0.04-0.09 ms; at 21,600
/// pairs (n = 300) the fast path is 1.5-3x faster, and the gap grows like n.
let pairwiseCrossoverPairs = 10_000

/// The soft (sigmoid) AUROC of `samples` at `temperature`:
///
///     value = sum_{i pos} sum_{j neg} w_i w_j sigmoid((s_i - s_j) / T) / (W_pos * W_neg)
///
/// and, when `gradient` is non-nil (count == samples.count), d value / d s_k for every k
/// (0 for weight-0 samples), plus d value / dT in the result.
///
/// Preconditions: `samples` validated (see `LabeledSamples`), `temperature` finite and > 0.
/// With no pair, returns `hasPairs == false`, value 0, and writes a zero gradient.
///
///     let r = try softAUROC(samples, temperature: 1, gradient: grad)
public func softAUROC(
    _ samples: LabeledSamples, temperature: Double,
    gradient: UnsafeMutableBufferPointer<Double>?,
    method: SoftAUROCMethod = .automatic
) throws(CoreError) -> SoftAUROCResult {
    switch method {
    case .pairwise:
        return try pairwiseSoftAUROC(samples, temperature: temperature, gradient: gradient)
    case .fast:
        return try fastSoftAUROC(samples, temperature: temperature, gradient: gradient)
    case .automatic:
        var positives = 0, negatives = 0
        if let weights = samples.weights {
            for i in 0..<samples.count where weights[i] > 0 {
                if samples.labels[i] == 1 { positives += 1 } else { negatives += 1 }
            }
        } else {
            positives = countOfOnes(samples.labels)  // labels are exactly 0 or 1
            negatives = samples.count - positives
        }
        let pairs = positives.multipliedReportingOverflow(by: negatives)
        if !pairs.overflow && pairs.partialValue < pairwiseCrossoverPairs {
            return try pairwiseSoftAUROC(samples, temperature: temperature, gradient: gradient)
        }
        return try fastSoftAUROC(samples, temperature: temperature, gradient: gradient)
    }
}

/// `softAUROC` (automatic method) on unweighted inputs not validated before: the label
/// count and the score range the method needs are taken in two vectorized passes that
/// also check every label (exactly 0 or 1) and every score (finite), instead of a
/// separate validation pass before them and the count taken twice. nil when some value
/// is invalid (nothing written; the ABI layer finds which). Same result as `softAUROC`
/// on valid inputs, bit for bit: the same count and range, the same route.
/// Precondition: `temperature` finite and > 0.
///
///     let r = try softAUROCCheckingInputs(scores: s, labels: y, temperature: 1, gradient: g)
public func softAUROCCheckingInputs(
    scores: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
    temperature: Double, gradient: UnsafeMutableBufferPointer<Double>?
) throws(CoreError) -> SoftAUROCResult? {
    let labelSummary = countOfOnesChecking(labels)
    let range = scoreRangeChecking(scores)
    guard labelSummary.valid && range.valid else { return nil }
    let samples = LabeledSamples(scores: scores, labels: labels, weights: nil)
    let positives = labelSummary.count, negatives = samples.count - positives
    let pairs = positives.multipliedReportingOverflow(by: negatives)
    if !pairs.overflow && pairs.partialValue < pairwiseCrossoverPairs {
        return try pairwiseSoftAUROC(samples, temperature: temperature, gradient: gradient)
    }
    return try fastSoftAUROC(samples, temperature: temperature, gradient: gradient,
                             unweighted: UnweightedSummary(positives: positives, minScore: range.min,
                                                           maxScore: range.max))
}

/// What the fast path's first passes find on unweighted samples, when the caller has it.
struct UnweightedSummary {
    let positives: Int
    let minScore: Double
    let maxScore: Double
}

/// The fast path at every size: 32-bit indices up to `narrowSoftMaximumCount` samples
/// (the speed and memory the path always had), 64-bit above (FastSoftIndices.swift). There
/// is no size at which `.automatic` or `.fast` falls back to the direct O(P N) sum.
func fastSoftAUROC(
    _ samples: LabeledSamples, temperature: Double,
    gradient: UnsafeMutableBufferPointer<Double>?, unweighted: UnweightedSummary? = nil
) throws(CoreError) -> SoftAUROCResult {
    switch FastSoftIndexWidth(sampleCount: samples.count) {
    case .narrow:
        return try fastSoftAUROC(samples, temperature: temperature, gradient: gradient,
                                 indices: NarrowSoftIndices.self, unweighted: unweighted)
    case .wide:
        return try fastSoftAUROC(samples, temperature: temperature, gradient: gradient,
                                 indices: WideSoftIndices.self, unweighted: unweighted)
    }
}
