import Testing
@testable import DiffAUROCCore

// `OrderKeyed.tallyKeys` (the unweighted sample sort's first pass, in SIMD lanes of raw
// bits) against its definition, one sample at a time with `orderKey` and `classBit`: the
// AND and OR of the keys, the labels 1, whether a score is zero. Blocks of every length
// from 0 to past two vectors and every offset (the lanes and the scalar tail), with +-0,
// negative scores, subnormals, the extremes, and labels 0, -0 and 1; with the check, also
// NaN and infinite scores and labels other than 0 and 1, found as `isFinite`, `== 0` and
// `== 1` find them.

private func scalarTally<S: ThresholdScore>(_ s: [S], _ y: [S], _ block: Range<Int>)
    -> (S.OrderKey, S.OrderKey, Int, Bool, Bool)
{
    var a = S.OrderKey.max, o = S.OrderKey.zero, p = 0, zero = false, invalid = false
    for i in block {
        a &= s[i].orderKey
        o |= s[i].orderKey
        p += y[i].classBit
        zero = zero || s[i] == 0
        invalid = invalid || !s[i].isFinite || (y[i] != 0 && y[i] != 1)
    }
    return (a, o, p, zero, invalid)
}

private func checkTallies<S: ThresholdScore>(_ type: S.Type, palette: [S], seed: UInt64) {
    var rng = SplitMix(state: seed)
    for trial in 0..<3000 {
        let n = rng.below(48)
        // Zeros rare in some trials (one, or none), common in others.
        let zeroShare = [0, 1, 8][rng.below(3)]
        var s: [S] = (0..<n).map { _ in
            rng.below(16) < zeroShare ? (rng.below(2) == 0 ? 0 : -S(0)) : palette[rng.below(palette.count)]
        }
        var y: [S] = (0..<n).map { _ in [S(0), -S(0), S(1)][rng.below(3)] }
        // A third of the trials with a bad sample or two (checked; not tallied).
        let checking = trial % 3 == 0
        if checking && n > 0 {
            for _ in 0..<(1 + rng.below(2)) {
                let bad = [S.nan, .infinity, -.infinity, 2, 0.5, -1, .leastNonzeroMagnitude]
                if rng.below(2) == 0 {
                    s[rng.below(n)] = bad[rng.below(3)]
                } else {
                    y[rng.below(n)] = bad[rng.below(bad.count)]
                }
            }
        }
        let lower = n == 0 ? 0 : rng.below(n + 1)
        let block = lower..<(lower + rng.below(n - lower + 1))
        let t = s.withUnsafeBufferPointer { sp in
            y.withUnsafeBufferPointer { yp in
                S.tallyKeys(sp.baseAddress!, yp.baseAddress!, block, checking: checking)
            }
        }
        let expected = scalarTally(s, y, block)
        if checking {
            #expect(t.invalid == expected.4, "trial \(trial) \(block)")
            if expected.4 { continue }
        }
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

// `OrderKeyed.bucketKeys` (phases 2 and 3, in SIMD lanes) against `BucketingLayout`'s
// scalar bucket and word of each `orderKey`, over the layouts the sort makes (a drop of 0
// to past the width, 0 to 11 bucket bits, a word keeping the key or not).
private func checkBuckets<S: ThresholdScore>(_ type: S.Type, palette: [S], seed: UInt64) {
    var rng = SplitMix(state: seed)
    let width = S.OrderKey.bitWidth
    for trial in 0..<3000 {
        let n = rng.below(48)
        let s: [S] = (0..<n).map { _ in rng.below(8) == 0 ? -S(0) : palette[rng.below(palette.count)] }
        let y: [S] = (0..<n).map { _ in [S(0), -S(0), S(1)][rng.below(3)] }
        let drop = rng.below(width)
        let bucketBits = Swift.min(rng.below(12), width - drop)
        let wordShift = drop + bucketBits
        let layout = BucketingLayout<S.OrderKey>(
            drop: S.OrderKey(drop), bucketShift: S.OrderKey(width - bucketBits),
            bucketMask: S.OrderKey((1 << bucketBits) - 1), wordShift: S.OrderKey(truncatingIfNeeded: wordShift),
            keepsKey: wordShift > 0 && wordShift < width)
        let lower = n == 0 ? 0 : rng.below(n + 1)
        let block = lower..<(lower + rng.below(n - lower + 1))
        var buckets = [S.OrderKey](repeating: 0, count: block.count)
        var words = [S.OrderKey](repeating: 0, count: block.count)
        let withWords = rng.below(2) == 0
        s.withUnsafeBufferPointer { sp in
            y.withUnsafeBufferPointer { yp in
                buckets.withUnsafeMutableBufferPointer { bp in
                    words.withUnsafeMutableBufferPointer { wp in
                        S.bucketKeys(sp.baseAddress!, yp.baseAddress!, block, layout,
                                     buckets: bp.baseAddress!, words: withWords ? wp.baseAddress! : nil)
                    }
                }
            }
        }
        for (k, i) in block.enumerated() {
            let key = s[i].orderKey, c = S.OrderKey(y[i].classBit)
            #expect(buckets[k] == S.OrderKey(layout.bucket(key)) << 1 | c, "trial \(trial) sample \(i)")
            let word = (wordShift > 0 && wordShift < width ? key << S.OrderKey(wordShift) : 0) | c
            #expect(words[k] == (withWords ? word : 0), "trial \(trial) sample \(i)")
        }
    }
}

@Test func bucketKeysMatchesTheScalarLayoutFloat64() {
    checkBuckets(Double.self, palette: [1, -1, 0.5, -2.5, 1e300, -1e300, .leastNonzeroMagnitude,
                                        .greatestFiniteMagnitude, 0, 3.75, -0.001], seed: 73)
}

@Test func bucketKeysMatchesTheScalarLayoutFloat32() {
    checkBuckets(Float.self, palette: [1, -1, 0.5, -2.5, 1e30, -1e30, .leastNonzeroMagnitude,
                                       .greatestFiniteMagnitude, 0, 3.75, -0.001], seed: 74)
}
