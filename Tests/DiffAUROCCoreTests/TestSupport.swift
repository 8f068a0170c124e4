import Testing
@testable import DiffAUROCCore

/// Runs `body` with a validated view of Swift arrays (the arrays outlive the call).
func withSamples<R>(
    _ scores: [Double], _ labels: [Double], _ weights: [Double]? = nil,
    _ body: (LabeledSamples) throws -> R
) rethrows -> R {
    try scores.withUnsafeBufferPointer { s in
        try labels.withUnsafeBufferPointer { y in
            if let weights {
                return try weights.withUnsafeBufferPointer { w in
                    try body(LabeledSamples(scores: s, labels: y, weights: w))
                }
            }
            return try body(LabeledSamples(scores: s, labels: y, weights: nil))
        }
    }
}

/// Soft AUROC value, gradient and d/dT for arrays, by the requested method.
func soft(
    _ scores: [Double], _ labels: [Double], _ weights: [Double]? = nil,
    temperature: Double, method: SoftAUROCMethod = .automatic
) throws -> (result: SoftAUROCResult, gradient: [Double]) {
    var gradient = [Double](repeating: .nan, count: scores.count)
    let result = try gradient.withUnsafeMutableBufferPointer { g in
        try withSamples(scores, labels, weights) {
            try softAUROC($0, temperature: temperature, gradient: g, method: method)
        }
    }
    return (result, gradient)
}

/// Reference 2U and the pair count of an exact AUROC, by a stdlib sort of the scores and
/// each group of equal scores counted directly (independent of the library's keys, radix
/// sort and sweep). Sample i is positive when `isPositive(i)`, else negative, and counts
/// `weight(i)` times (1 unless given; weight 0 leaves it out): `twiceU` is
/// sum over positive-negative pairs of 2 [s_pos > s_neg] + [s_pos == s_neg], each pair
/// counted by the product of the weights; `pairs` is W_pos W_neg. AUROC = twiceU / (2 pairs).
func referenceTwiceU<Score: BinaryFloatingPoint>(
    _ s: [Score], isPositive: (Int) -> Bool, weight: (Int) -> UInt128 = { _ in 1 }
) -> (twiceU: UInt128, pairs: UInt128) {
    let order = s.indices.filter { weight($0) > 0 }.sorted { s[$0] < s[$1] }
    var negativesBelow: UInt128 = 0, twiceU: UInt128 = 0, p: UInt128 = 0, n: UInt128 = 0
    var k = 0
    while k < order.count {
        var end = k
        var groupPositives: UInt128 = 0, groupNegatives: UInt128 = 0
        while end < order.count && s[order[end]] == s[order[k]] {
            let i = order[end]
            if isPositive(i) { groupPositives += weight(i) } else { groupNegatives += weight(i) }
            end += 1
        }
        twiceU += groupPositives * (2 * negativesBelow + groupNegatives)
        negativesBelow += groupNegatives
        p += groupPositives
        n += groupNegatives
        k = end
    }
    return (twiceU, p * n)
}

/// A float64 textbook oracle written independently of the library's kernels: the plain
/// formula 1 / (1 + exp(-x)) on each pair, only for moderate |x| (no overflow handling).
func textbookSoft(_ s: [Double], _ y: [Double], _ w: [Double]?, _ t: Double)
    -> (value: Double, grad: [Double], dT: Double)
{
    let weight = { (i: Int) in w?[i] ?? 1 }
    var wp = 0.0, wn = 0.0
    for i in s.indices where weight(i) > 0 { if y[i] == 1 { wp += weight(i) } else { wn += weight(i) } }
    var value = 0.0, dT = 0.0
    var grad = [Double](repeating: 0, count: s.count)
    for i in s.indices where y[i] == 1 && weight(i) > 0 {
        for j in s.indices where y[j] == 0 && weight(j) > 0 {
            let x = (s[i] - s[j]) / t
            let sg = 1 / (1 + _exp(-x))
            let d = sg * (1 - sg)
            let c = weight(i) * weight(j) / (wp * wn)
            value += c * sg
            grad[i] += c * d / t
            grad[j] -= c * d / t
            dT -= c * d * x / t
        }
    }
    return (value, grad, dT)
}

#if canImport(Glibc)
import Glibc
func _exp(_ x: Double) -> Double { exp(x) }
#endif

/// A small deterministic generator (SplitMix64), so failures reproduce; shared by every
/// test file.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    /// Uniform in 0 ..< k.
    mutating func below(_ k: Int) -> Int { Int(next() % UInt64(k)) }
}

// MARK: - Soft AUROC test data and the comparison against the direct pair sum
// (shared by FastSoftAUROCTests, FastSoftAUROCWideTests, SoftHessianWideTests)

/// Labels drawn 1 with probability `positiveRate`, the first forced 1 and the last 0 so
/// both classes are present.
func labelsWithBothClasses(_ n: Int, _ rng: inout SplitMix, positiveRate: Double) -> [Double] {
    var labels = (0..<n).map { _ in rng.unit() < positiveRate ? 1.0 : 0.0 }
    labels[0] = 1
    labels[n - 1] = 0
    return labels
}

/// Standard normal scores plus the label (the benchmarks' data), by Box-Muller.
func normalPlusLabelScores(_ labels: [Double], _ rng: inout SplitMix) -> [Double] {
    labels.map { y in
        let u = rng.unit() + 0x1p-60, v = rng.unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v) + y
    }
}

/// Weights with about one in seven exactly 0 and the rest in [1e-3, 10).
func weightsWithZeros(_ n: Int, _ rng: inout SplitMix) -> [Double] {
    (0..<n).map { _ in rng.below(7) == 0 ? 0 : 1e-3 + rng.unit() * 10 }
}

/// The largest error of a soft AUROC result (`fast`, with its gradient) against the
/// direct pair sum (`direct`), each divided by its bar 1e-12 x natural scale: 1 for the
/// value, 1/T for d/dT, w_k / (T W_class) for a gradient. Also expects every gradient
/// finite, exactly 0 at weight 0, and the same `hasPairs`. Must be <= 1.
func softErrorOverBar(_ fast: (result: SoftAUROCResult, gradient: [Double]),
                      _ direct: (result: SoftAUROCResult, gradient: [Double]),
                      labels: [Double], weights: [Double]?, temperature: Double,
                      sourceLocation: SourceLocation) -> Double {
    #expect(fast.result.hasPairs == direct.result.hasPairs, sourceLocation: sourceLocation)
    var positiveTotal = 0.0, negativeTotal = 0.0
    for i in labels.indices {
        let w = weights?[i] ?? 1
        if labels[i] == 1 { positiveTotal += w } else { negativeTotal += w }
    }
    let bar = 1e-12
    var worst = Swift.abs(fast.result.value - direct.result.value) / bar
    worst = Swift.max(worst, Swift.abs(fast.result.dTemperature - direct.result.dTemperature) * temperature / bar)
    for i in labels.indices {
        let w = weights?[i] ?? 1
        #expect(fast.gradient[i].isFinite, sourceLocation: sourceLocation)
        if w == 0 {
            #expect(fast.gradient[i] == 0, sourceLocation: sourceLocation)
            continue
        }
        let scale = w / (temperature * (labels[i] == 1 ? positiveTotal : negativeTotal))
        worst = Swift.max(worst, Swift.abs(fast.gradient[i] - direct.gradient[i]) / (bar * scale))
    }
    return worst
}
