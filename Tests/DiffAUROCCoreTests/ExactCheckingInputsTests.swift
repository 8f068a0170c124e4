import Testing
@testable import DiffAUROCCore

// `exactAUROCFloat32CheckingInputs` with weights (the ABI's fused check): on valid inputs
// the same bits as `exactAUROCFloat32` (its unchecked twin), whatever the chunk count; any
// bad score, label or weight, in either chunk, is found. The invalid cases are decided
// here by the header's rules (score finite, label 0 or 1, weight finite and >= 0).

private func unchecked(_ s: [Float], _ y: [Float], _ w: [Float]) throws -> Double? {
    try withBuffers(s, y, w) { try exactAUROCFloat32(scores: $0, labels: $1, weights: $2) }
}

private func isValid(_ s: [Float], _ y: [Float], _ w: [Float]) -> Bool {
    s.indices.allSatisfy { s[$0].isFinite && (y[$0] == 0 || y[$0] == 1) && w[$0].isFinite && w[$0] >= 0 }
}

@Test(arguments: [2, 3, 1000, 65_536, 70_001], [1 as UInt64, 2, 3])
func checkingWeightedFloat32(n: Int, seed: UInt64) throws {
    var rng = SplitMix(state: UInt64(n) << 8 | seed)
    var s = (0..<n).map { _ in Float(rng.below(601) - 300) / 64 }  // ties from n = 1000 on
    if seed == 1 { s[1] = s[0] }  // and a tie between the classes (labels 0, 1) at every n
    let y = (0..<n).map { Float($0 % 2) }
    var w = (0..<n).map { _ in Float(rng.next() >> 40) * 0x1p-23 }  // in [0, 2), 24 bits exact
    if n >= 4 {  // valid weights (a negative's -0.0, a positive's subnormal)
        w[2] = -0.0
        w[(n - 1) % 2 == 1 ? n - 1 : n - 2] = .leastNonzeroMagnitude
    }
    let value = try #require(try unchecked(s, y, w))
    #expect(try checkedExactAUROCFloat32(s, y, w) == .value(value))
    let badWeights: [Float] = [.nan, .infinity, -.infinity, -1, -.leastNonzeroMagnitude, -.greatestFiniteMagnitude]
    for position in Set([0, n / 3, n / 2 + 1, n - 1]) where position < n {
        for bad in badWeights {
            var v = w
            v[position] = bad
            #expect(!isValid(s, y, v))
            #expect(try checkedExactAUROCFloat32(s, y, v) == .invalidInput, "weight \(bad) at \(position)")
        }
        var t = s
        t[position] = .nan
        #expect(try checkedExactAUROCFloat32(t, y, w) == .invalidInput)
        var z = y
        z[position] = 0.5
        #expect(try checkedExactAUROCFloat32(s, z, w) == .invalidInput)
    }
    // One class of positive weight left: undefined, not invalid.
    let zeroPositives = (0..<n).map { y[$0] == 1 ? Float(0) : w[$0] }
    #expect(try checkedExactAUROCFloat32(s, y, zeroPositives) == .undefined)
}

/// `exactAUROCCheckingInputs` (unweighted float64): the same bits as `exactAUROC` on valid
/// inputs, one chunk or two; a score that is not finite or a label other than 0 and 1 at
/// any position is found; one class is undefined, not invalid.
@Test(arguments: [2, 3, 1000, 65_536, 70_001])
func checkingUnweightedFloat64(n: Int) throws {
    var rng = SplitMix(state: UInt64(n) << 8 | 7)
    let s = (0..<n).map { _ in Double(rng.below(601) - 300) / 64 }
    let y = (0..<n).map { Double($0 % 2) }
    func checked(_ s: [Double], _ y: [Double]) throws -> CheckedExactAUROC {
        try s.withUnsafeBufferPointer { sp in
            try y.withUnsafeBufferPointer { try exactAUROCCheckingInputs(scores: sp, labels: $0) }
        }
    }
    let value = try #require(try s.withUnsafeBufferPointer { sp in
        try y.withUnsafeBufferPointer { try exactAUROC(scores: sp, labels: $0, weights: nil) }
    })
    #expect(try checked(s, y) == .value(value))
    for position in Set([0, n / 3, n / 2 + 1, n - 1]) where position < n {
        for bad in [Double.nan, .infinity, -.infinity] {
            var t = s
            t[position] = bad
            #expect(try checked(t, y) == .invalidInput, "score \(bad) at \(position)")
        }
        for bad in [0.5, 2, -1, Double.nan, 1 + 0x1p-40] {
            var z = y
            z[position] = bad
            #expect(try checked(s, z) == .invalidInput, "label \(bad) at \(position)")
        }
    }
    #expect(try checked(s, y.map { _ in 1 }) == .undefined)
}

/// `exactAUROCCheckingInputs` with float64 weights: the same bits as `exactAUROC` on valid
/// inputs (-0.0 and subnormal weights included), one chunk or two; every kind of bad weight
/// at any position is found, and so are a bad score and a bad label.
@Test(arguments: [2, 3, 1000, 65_536, 70_001])
func checkingWeightedFloat64(n: Int) throws {
    var rng = SplitMix(state: UInt64(n) << 8 | 9)
    let s = (0..<n).map { _ in Double(rng.below(601) - 300) / 64 }
    let y = (0..<n).map { Double($0 % 2) }
    var w = (0..<n).map { _ in Double(rng.next() >> 11) * 0x1p-52 }
    if n >= 4 {
        w[2] = -0.0
        w[(n - 1) % 2 == 1 ? n - 1 : n - 2] = .leastNonzeroMagnitude
    }
    func checked(_ s: [Double], _ y: [Double], _ w: [Double]) throws -> CheckedExactAUROC {
        try s.withUnsafeBufferPointer { sp in
            try y.withUnsafeBufferPointer { yp in
                try w.withUnsafeBufferPointer { try exactAUROCCheckingInputs(scores: sp, labels: yp, weights: $0) }
            }
        }
    }
    let value = try #require(try s.withUnsafeBufferPointer { sp in
        try y.withUnsafeBufferPointer { yp in
            try w.withUnsafeBufferPointer { try exactAUROC(scores: sp, labels: yp, weights: $0) }
        }
    })
    #expect(try checked(s, y, w) == .value(value))
    for position in Set([0, n / 3, n / 2 + 1, n - 1]) where position < n {
        for bad in [Double.nan, .infinity, -.infinity, -1, -.leastNonzeroMagnitude, -.greatestFiniteMagnitude] {
            var v = w
            v[position] = bad
            #expect(try checked(s, y, v) == .invalidInput, "weight \(bad) at \(position)")
        }
        var t = s
        t[position] = .nan
        #expect(try checked(t, y, w) == .invalidInput)
        var z = y
        z[position] = 0.5
        #expect(try checked(s, z, w) == .invalidInput)
    }
    let zeroPositives = (0..<n).map { y[$0] == 1 ? 0 : w[$0] }
    #expect(try checked(s, y, zeroPositives) == .undefined)
}
