import Testing
@testable import DiffAUROCCore

// The soft AUROC's checking passes (`countOfOnesChecking`, `scoreRangeChecking`), which
// replace the ABI's validation for unweighted inputs: against the header's rules (label
// exactly 0 or 1, score finite) decided here value by value, with the bad value in the
// vectorized body and in the tail (n not a multiple of 8), and the count and range equal
// to the unchecked passes' on valid inputs.

private let badLabels: [Double] = [2, -1, 0.5, .nan, .infinity, -.infinity, 1 + 0x1p-52,
                                   1 - 0x1p-53, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                                   .leastNormalMagnitude, .greatestFiniteMagnitude]
private let badScores: [Double] = [.nan, .infinity, -.infinity, -.nan]

@Test(arguments: [1, 7, 8, 9, 64, 67])
func checkingPassesFindEveryBadValue(n: Int) {
    var rng = SplitMix(state: UInt64(n))
    let labels = (0..<n).map { _ in rng.below(2) == 0 ? -0.0 : 1.0 }
    let scores = (0..<n).map { _ in (rng.unit() - 0.5) * 1e300 }
    labels.withUnsafeBufferPointer { y in
        let checked = countOfOnesChecking(y)
        #expect(checked.valid && checked.count == countOfOnes(y))
    }
    scores.withUnsafeBufferPointer { s in
        let checked = scoreRangeChecking(s)
        let plain = scoreRange(s)
        #expect(checked.valid && checked.min == plain.min && checked.max == plain.max)
    }
    for position in Set([0, n / 2, n - 1]) {
        for bad in badLabels {
            var y = labels
            y[position] = bad
            #expect(!(bad == 0 || bad == 1))
            #expect(!y.withUnsafeBufferPointer { countOfOnesChecking($0).valid }, "label \(bad) at \(position)")
        }
        for bad in badScores {
            var s = scores
            s[position] = bad
            #expect(!s.withUnsafeBufferPointer { scoreRangeChecking($0).valid }, "score \(bad) at \(position)")
        }
    }
}

/// `lanesMinimum` and `lanesMaximum` (the inlined reductions of `scoreRange`) against the
/// standard library's `min()` and `max()` of the same vector, to the bit: signed zeros in
/// every order (which `Double.minimum` and `Double.maximum` keep from the earlier lane),
/// ties, infinities and random lanes.
@Test func laneReductionsMatchTheStandardLibrary() {
    var rng = SplitMix(state: 2053)
    var vectors: [SIMD8<Double>] = [SIMD8(repeating: 0), SIMD8(repeating: -0.0),
                                    SIMD8(0, -0.0, 0, -0.0, 1, -1, 0, -0.0),
                                    SIMD8(-0.0, 0, -0.0, 0, -1, 1, -0.0, 0),
                                    SIMD8(.infinity, -.infinity, 3, 3, -3, -3, 0, 7)]
    for _ in 0..<200 {
        var v = SIMD8<Double>(repeating: 0)
        for l in 0..<8 {
            let pick = Int.random(in: 0..<4, using: &rng)
            v[l] = pick == 0 ? 0 : pick == 1 ? -0.0 : Double.random(in: -2...2, using: &rng).rounded()
        }
        vectors.append(v)
    }
    for v in vectors {
        #expect(lanesMinimum(v).bitPattern == v.min().bitPattern, "\(v)")
        #expect(lanesMaximum(v).bitPattern == v.max().bitPattern, "\(v)")
    }
}
