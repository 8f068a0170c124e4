import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import DiffAUROCCore

// The exact AUROC's value buckets for float64 scores of both signs (SignedKeyBuckets.swift):
// the bucket function on its own (monotone, each sign in its half, whatever the sample),
// then the exact AUROC and its sorted words on inputs that take them, against the
// independent count of TestSupport (`referenceTwiceU`) and a stdlib sort.

/// Scores of both signs that stress the sample the buckets are cut from.
private func signedScores(_ family: Int, _ n: Int, _ rng: inout SplitMix) -> [Double] {
    let stride = n / Swift.min(n, SignedKeyBuckets.sampleCount)
    return (0..<n).map { i in
        switch family {
        case 0:  // N(0, 1), Box-Muller: logits
            let u = Swift.max(rng.unit(), 0x1p-60), v = rng.unit()
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
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

@Suite("exact AUROC: value buckets of scores of both signs")
struct SignedKeyBucketsTests {
    /// For each family and bucket width: the buckets of the scores' keys, in key order,
    /// never decrease, negative keys fall in [0, half) and positive ones in [half, 2 half).
    @Test(arguments: [2, 5, 10])
    func bucketsAreMonotoneAndSplitBySign(halfBits: Int) {
        var rng = SplitMix(state: 41 + UInt64(halfBits))
        for family in 0..<6 {
            for n in [2, 3, 1000, 5000] {
                let keys = signedScores(family, n, &rng).map(\.orderKey)
                let buckets = SignedKeyBuckets(count: n, halfBits: halfBits) { keys[$0] }
                #expect(buckets.bucketCount == 2 << halfBits)
                var previous = -1
                for key in keys.sorted() {
                    let b = buckets(key)
                    #expect(b >= previous, "family \(family) n \(n): bucket \(b) after \(previous)")
                    if key >> 63 == 0 {
                        #expect(b >= 0 && b < buckets.half, "family \(family) n \(n): negative in \(b)")
                    } else {
                        #expect(b >= buckets.half && b < buckets.bucketCount, "family \(family) n \(n): positive in \(b)")
                    }
                    previous = b
                }
            }
        }
        // The keys' extremes, whatever the sample: the first bucket and the last.
        let extremes = [-Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude].map(\.orderKey)
        let spread = SignedKeyBuckets(count: 2, halfBits: halfBits) { [(-1.0).orderKey, 1.0.orderKey][$0] }
        #expect(spread(extremes[0]) == 0)
        #expect(spread(extremes[1]) == spread.bucketCount - 1)
        #expect(spread(0.0.orderKey) == spread.half)
        #expect(spread((-0.0).orderKey) == spread.half)
    }

    /// N(0, 1) scores spread over many buckets (the point of them): at most 1% of the
    /// samples in any one (the old buckets put about 36% in one).
    @Test func normalScoresSpreadOut() {
        var rng = SplitMix(state: 3)
        let n = 200_000
        let keys = signedScores(0, n, &rng).map(\.orderKey)
        let buckets = SignedKeyBuckets(count: n, halfBits: 10) { keys[$0] }
        var sizes = [Int](repeating: 0, count: buckets.bucketCount)
        for key in keys { sizes[buckets(key)] += 1 }
        #expect(sizes.max()! <= n / 100, "largest bucket \(sizes.max()!)")
        #expect(sizes.filter { $0 > 0 }.count >= 500)
    }

    /// The exact AUROC of inputs that take the value buckets (both signs, n >= 2^16),
    /// against the independent count, on one thread and two (the same bits); and its
    /// sorted words, decoded, are the keys in order.
    @Test(arguments: [70_000, 200_000])
    func exactMatchesReference(n: Int) throws {
        #expect(n >= SignedKeyBuckets.threshold)
        var rng = SplitMix(state: 900 + UInt64(n))
        for family in 0..<6 {
            let s = signedScores(family, n, &rng)
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
            var layoutDigitShift = -1
            let value = try withBuffers(s, y, nil) { s, y, _ in
                try exactAUROC(scores: s, labels: y) { sorted in
                    layoutDigitShift = sorted.layout.bucketDigitShift
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
            #expect(layoutDigitShift > 0, "family \(family): value buckets not taken")
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
        for family in 0..<6 {
            let s = signedScores(family, n, &rng)
            let y: [Double] = labelsWithBothClasses(n) { rng.below(3) == 0 }
            let k = weightsWithUnitEnds(n) { UInt64(rng.below(4)) }
            #expect(k.filter { $0 > 0 }.count >= SignedKeyBuckets.threshold)
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
