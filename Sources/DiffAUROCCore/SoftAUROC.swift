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
}

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
    try pairwiseSoftAUROC(samples, temperature: temperature, gradient: gradient)
}
