import Testing
@testable import DiffAUROCCore

// `ThresholdScore.tallyKeys` (the unweighted sample sort's first pass, in SIMD lanes of raw
// bits) against its definition, one sample at a time with `orderKey` and `classBit`: the
// AND and OR of the keys, the labels 1, whether a score is zero. Blocks of every length
// from 0 to past two vectors and every offset (the lanes and the scalar tail), with +-0,
// negative scores, subnormals, the extremes, and labels 0, -0 and 1.

private func scalarTally<S: ThresholdScore>(_ s: [S], _ y: [S], _ block: Range<Int>)
    -> (S.OrderKey, S.OrderKey, Int, Bool)
{
    var a = S.OrderKey.max, o = S.OrderKey.zero, p = 0, zero = false
    for i in block {
        a &= s[i].orderKey
        o |= s[i].orderKey
        p += y[i].classBit
        zero = zero || s[i] == 0
    }
    return (a, o, p, zero)
}

private func checkTallies<S: ThresholdScore>(_ type: S.Type, palette: [S], seed: UInt64) {
    var rng = SplitMix(state: seed)
    for trial in 0..<3000 {
        let n = rng.below(48)
        // Zeros rare in some trials (one, or none), common in others.
        let zeroShare = [0, 1, 8][rng.below(3)]
        let s: [S] = (0..<n).map { _ in
            rng.below(16) < zeroShare ? (rng.below(2) == 0 ? 0 : -S(0)) : palette[rng.below(palette.count)]
        }
        let y: [S] = (0..<n).map { _ in [S(0), -S(0), S(1)][rng.below(3)] }
        let lower = n == 0 ? 0 : rng.below(n + 1)
        let block = lower..<(lower + rng.below(n - lower + 1))
        let t = s.withUnsafeBufferPointer { sp in
            y.withUnsafeBufferPointer { yp in S.tallyKeys(sp.baseAddress!, yp.baseAddress!, block) }
        }
        let expected = scalarTally(s, y, block)
        #expect(t.andKeys == expected.0 && t.orKeys == expected.1, "trial \(trial) \(block)")
        #expect(t.positives == expected.2 && t.hasZero == expected.3, "trial \(trial) \(block)")
    }
}

@Test func tallyKeysMatchesTheScalarDefinitionFloat64() {
    let palette: [Double] = [1, -1, 0.5, -2.5, 1e300, -1e300, .leastNonzeroMagnitude,
                             -.leastNonzeroMagnitude, .greatestFiniteMagnitude,
                             -.greatestFiniteMagnitude, 0x1p-1022, 3.75, -0.001]
    checkTallies(Double.self, palette: palette, seed: 71)
}

@Test func tallyKeysMatchesTheScalarDefinitionFloat32() {
    let palette: [Float] = [1, -1, 0.5, -2.5, 1e30, -1e30, .leastNonzeroMagnitude,
                            -.leastNonzeroMagnitude, .greatestFiniteMagnitude,
                            -.greatestFiniteMagnitude, 0x1p-126, 3.75, -0.001]
    checkTallies(Float.self, palette: palette, seed: 72)
}
