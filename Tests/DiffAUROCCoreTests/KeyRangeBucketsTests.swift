import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import DiffAUROCCore

// The exact AUROC's value buckets for float64 scores of both signs (KeyRangeBuckets.swift):
// the bucket function on its own (monotone, each sign in its half, whatever the sample),
// then the exact AUROC and its sorted words on inputs that take them, against the
// independent count of TestSupport (`referenceTwiceU`) and a stdlib sort.

/// Scores of both signs that stress the sample the buckets are cut from.
private func signedScores(_ family: Int, _ n: Int, _ rng: inout SplitMix) -> [Double] {
    let stride = n / Swift.min(n, KeyRangeBuckets.sampleCount)
    return (0..<n).map { i in
        switch family {
        case 0:  // N(0, 1): logits
            return rng.normal()
        case 1:  // the sampled positions all negative, every other score positive
            return i % stride == 0 ? -1 - rng.unit() : 1e-3 + rng.unit() * 1e6
        case 2:  // most scores within 1e-300 of zero (the clamped buckets), a few spread
            return rng.below(10) == 0 ? (rng.unit() - 0.5) * 10 : (rng.unit() - 0.5) * 1e-300
        case 3:  // heavy tails (Cauchy)
            return tan(Double.pi * (rng.unit() - 0.5))
        case 4:  // ties of both signs, -0.0 with +0.0, the extremes of the doubles
            return [-0.0, 0.0, -2, 2, -Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude,
                    -Double.leastNonzeroMagnitude, Double.leastNonzeroMagnitude, -1e-3, 7][rng.below(10)]
        default:  // one positive score among negatives, at a sampled position
            return i == stride ? 0.5 : -rng.unit() * 100
        }
    }
}

/// Scores of one sign spread over binades (the one-piece buckets), that stress the sample.
private func oneSignScores(_ family: Int, _ n: Int, _ rng: inout SplitMix) -> [Double] {
    let stride = n / Swift.min(n, KeyRangeBuckets.sampleCount)
    return (0..<n).map { i in
        // Positions the sample never reads (when it strides), for outliers to be clamped.
        let unsampled = stride >= 4 && i % stride == stride / 2
        switch family {
        case 0:  // lognormal: risk scores, distances
            return exp(rng.normal())
        case 1:  // uniform on [0.01, 100), and +0.0, -0.0 and the largest double unsampled
            if unsampled { return [0.0, -0.0, Double.greatestFiniteMagnitude][(i / stride) % 3] }
            return 0.01 + rng.unit() * 99.99
        case 2:  // the sampled positions in [1, 2), every other score in [1e-3, 1e6)
            return i % stride == 0 ? 1 + rng.unit() : exp(log(1e-3) + rng.unit() * log(1e9))
        case 3:  // all negative: -exp(3 N(0, 1))
            return -exp(3 * rng.normal())
        default:  // ties on a few values, and unsampled +0.0, the smallest double, 1e300
            if unsampled { return [0.0, Double.leastNonzeroMagnitude, 1e300][(i / stride) % 3] }
            return [0.25, 0.5, 1, 1, 2, 3, 5, 7.5, 1e3][rng.below(9)]
        }
    }
}

/// The bits the keys of `keys` all share at the top (drop), as the exact AUROC's phase 1.
private func sharedTopBits(_ keys: [UInt64]) -> Int {
    (keys.reduce(UInt64.max, &) ^ keys.reduce(0, |)).leadingZeroBitCount
}

/// Families 0 ..< 6 of `signedScores` (two pieces), then 6 ..< 11 of `oneSignScores`.
private func rangedScores(_ family: Int, _ n: Int, _ rng: inout SplitMix) -> [Double] {
    family < 6 ? signedScores(family, n, &rng) : oneSignScores(family - 6, n, &rng)
}

@Suite("exact AUROC: value buckets (KeyRangeBuckets)")
struct KeyRangeBucketsTests {
    /// For each family and bucket width: the buckets of the scores' keys, in key order,
    /// never decrease, negative keys fall in [0, half) and positive ones in [half, 2 half).
    @Test(arguments: [2, 5, 10])
    func bucketsAreMonotoneAndSplitBySign(halfBits: Int) {
        var rng = SplitMix(state: 41 + UInt64(halfBits))
        for family in 0..<6 {
            for n in [2, 3, 1000, 5000] {
                let keys = signedScores(family, n, &rng).map(\.orderKey)
                let buckets = KeyRangeBuckets(signedCount: n, halfBits: halfBits) { keys[$0] }
                #expect(buckets.bucketCount == 2 << halfBits)
                var previous = -1
                for key in keys.sorted() {
                    let b = buckets(key)
                    #expect(b >= previous, "family \(family) n \(n): bucket \(b) after \(previous)")
                    if key >> 63 == 0 {
                        #expect(b >= 0 && b < buckets.piece, "family \(family) n \(n): negative in \(b)")
                    } else {
                        #expect(b >= buckets.piece && b < buckets.bucketCount, "family \(family) n \(n): positive in \(b)")
                    }
                    previous = b
                }
            }
        }
        // The keys' extremes, whatever the sample: the first bucket and the last.
        let extremes = [-Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude].map(\.orderKey)
        let spread = KeyRangeBuckets(signedCount: 2, halfBits: halfBits) { [(-1.0).orderKey, 1.0.orderKey][$0] }
        #expect(spread(extremes[0]) == 0)
        #expect(spread(extremes[1]) == spread.bucketCount - 1)
        #expect(spread(0.0.orderKey) == spread.piece)
        #expect(spread((-0.0).orderKey) == spread.piece)
    }

    /// One piece: for each one-sign family and bucket width, the buckets (when taken) in
    /// key order never decrease and lie in [0, 2^bits); lognormal scores take them at
    /// every width the exact AUROC uses from `threshold` samples (7 to 11 bits) and at 5,
    /// probabilities (whose top-bit buckets spread) at none.
    @Test(arguments: [5, 7, 10, 11])
    func onePieceIsMonotoneAndTakenWhereTopBitsCrowd(bits: Int) throws {
        var rng = SplitMix(state: 77 + UInt64(bits))
        for family in 0..<5 {
            for n in [2, 3, 1000, 5000, 70_000] {
                let keys = oneSignScores(family, n, &rng).map(\.orderKey)
                let drop = sharedTopBits(keys)
                #expect(drop >= 1, "family \(family) n \(n): both signs")
                guard drop >= 1, drop < 64,
                      let buckets = KeyRangeBuckets(count: n, bits: bits, drop: drop, topBit: keys[0] >> 63, key: { keys[$0] })
                else { continue }
                #expect(buckets.bucketCount == 1 << bits && !buckets.isSigned && buckets.wordShift == drop)
                var previous = -1
                for key in keys.sorted() {
                    let b = buckets(key)
                    #expect(b >= previous && b < buckets.bucketCount, "family \(family) n \(n): bucket \(b) after \(previous)")
                    previous = b
                }
            }
        }
        // Taken for lognormal scores; not for probabilities, nor uniform on (0, 1).
        let n = 100_000
        let lognormal = oneSignScores(0, n, &rng).map(\.orderKey)
        #expect(KeyRangeBuckets(count: n, bits: bits, drop: sharedTopBits(lognormal), topBit: 1, key: { lognormal[$0] }) != nil)
        let probabilities = oneSignScores(0, n, &rng).map { 1 / (1 + 1 / $0) }.map(\.orderKey)  // sigmoid(N(0, 1))
        #expect(KeyRangeBuckets(count: n, bits: bits, drop: sharedTopBits(probabilities), topBit: 1, key: { probabilities[$0] }) == nil)
        let uniform = (0..<n).map { _ in rng.unit() }.map(\.orderKey)
        #expect(KeyRangeBuckets(count: n, bits: bits, drop: sharedTopBits(uniform), topBit: 1, key: { uniform[$0] }) == nil)
    }

    /// Lognormal scores spread over many one-piece buckets: at most 1% of the samples in
    /// any one (the top-bit buckets, a binade each, put about a quarter in one).
    @Test func lognormalScoresSpreadOut() throws {
        var rng = SplitMix(state: 5)
        let n = 200_000
        let keys = oneSignScores(0, n, &rng).map(\.orderKey)
        let buckets = try #require(KeyRangeBuckets(count: n, bits: 11, drop: sharedTopBits(keys), topBit: 1, key: { keys[$0] }))
        var sizes = [Int](repeating: 0, count: buckets.bucketCount)
        for key in keys { sizes[buckets(key)] += 1 }
        #expect(sizes.max()! <= n / 100, "largest bucket \(sizes.max()!)")
        var topBit = [Int](repeating: 0, count: 2048)
        let drop = sharedTopBits(keys)
        for key in keys { topBit[Int((key << drop) >> 53)] += 1 }
        #expect(topBit.max()! >= n / 5, "largest top-bit bucket \(topBit.max()!)")
    }

    /// N(0, 1) scores spread over many buckets (the point of them): at most 1% of the
    /// samples in any one (the old buckets put about 36% in one).
    @Test func normalScoresSpreadOut() {
        var rng = SplitMix(state: 3)
        let n = 200_000
        let keys = signedScores(0, n, &rng).map(\.orderKey)
        let buckets = KeyRangeBuckets(signedCount: n, halfBits: 10) { keys[$0] }
        var sizes = [Int](repeating: 0, count: buckets.bucketCount)
        for key in keys { sizes[buckets(key)] += 1 }
        #expect(sizes.max()! <= n / 100, "largest bucket \(sizes.max()!)")
        #expect(sizes.filter { $0 > 0 }.count >= 500)
    }

    /// The exact AUROC of inputs that take the value buckets (both signs, or one sign
    /// spread over binades, n >= 2^16), against the independent count, on one thread and
    /// two (the same bits); and its sorted words, decoded, are the keys in order.
    @Test(arguments: [70_000, 200_000])
    func exactMatchesReference(n: Int) throws {
        #expect(n >= KeyRangeBuckets.threshold)
        var rng = SplitMix(state: 900 + UInt64(n))
        for family in 0..<11 {
            let s = rangedScores(family, n, &rng)
            let y: [Double] = labelsWithBothClasses(n) { rng.below(3) == 0 }
            let (twiceU, pairs) = referenceTwiceU(s, isPositive: { y[$0] == 1 })
            let expected = correctlyRoundedRatio(twiceU, 2 * pairs)
            for chunks in [1, 2] {
                let value = try withBuffers(s, y, nil) { s, y, _ in
                    try exactAUROC(scores: s, labels: y, weights: nil, chunkCount: chunks)
                }
                #expect(value == expected, "family \(family), \(chunks) chunk(s)")
            }
            var decoded: [UInt64] = []
            var layoutDigits = (shift: -1, bits: -1)
            let value = try withBuffers(s, y, nil) { s, y, _ in
                try exactAUROC(scores: s, labels: y) { sorted in
                    layoutDigits = (sorted.layout.bucketDigitShift, sorted.layout.digitBits)
                    var start = 0
                    for b in 0..<sorted.layout.bucketCount {
                        for k in start..<(start + sorted.bucketSize(b)) {
                            decoded.append(sorted.key(sorted.words[k], bucket: b))
                        }
                        start += sorted.bucketSize(b)
                    }
                }
            }
            #expect(value == expected, "family \(family), with afterSort")
            // Two pieces: one digit bit, the piece; one piece: none (b >> 63).
            let taken = family < 6 ? layoutDigits.shift > 0 && layoutDigits.bits == 1
                : layoutDigits.shift == 63 && layoutDigits.bits == 0
            #expect(taken, "family \(family): value buckets not taken (\(layoutDigits))")
            #expect(differingElements(decoded, s.map(\.orderKey).sorted()) == 0, "family \(family): sorted words")
        }
    }

    /// Weighted (integer weights 0 to 3, so the weight-0 samples are left out of the
    /// buckets' loops): the 16-byte words (`PackedDoubleWeightedSource`) and the words
    /// beside their masses (`WeightedSource`), on one thread and two, within one ulp of
    /// the exact rational from the independent count, and the same bits each way.
    @Test(arguments: [100_000, 200_000])
    func weightedMatchesReference(n: Int) throws {
        var rng = SplitMix(state: 1300 + UInt64(n))
        for family in 0..<11 {
            let s = rangedScores(family, n, &rng)
            let y: [Double] = labelsWithBothClasses(n) { rng.below(3) == 0 }
            let k = weightsWithUnitEnds(n) { UInt64(rng.below(4)) }
            #expect(k.filter { $0 > 0 }.count >= KeyRangeBuckets.threshold)
            let w = k.map { Double($0) }
            let (twiceU, pairs) = referenceTwiceU(s, isPositive: { y[$0] == 1 }, weight: { UInt128(k[$0]) })
            let expected = correctlyRoundedRatio(twiceU, 2 * pairs)
            var values: [Double] = []
            for unpacked in [false, true] {
                for chunks in [1, 2] {
                    let value = try withBuffers(s, y, w) { s, y, w in
                        try exactAUROC(scores: s, labels: y, weights: w, chunkCount: chunks,
                                       forceUnpackedWeights: unpacked)
                    }
                    values.append(try #require(value))
                }
            }
            #expect(abs(values[0] - expected) <= expected.ulp, "family \(family): \(values[0]) vs \(expected)")
            #expect(values.allSatisfy { $0.bitPattern == values[0].bitPattern }, "family \(family): \(values)")
        }
    }
}
