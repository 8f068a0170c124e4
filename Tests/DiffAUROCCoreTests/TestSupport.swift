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
