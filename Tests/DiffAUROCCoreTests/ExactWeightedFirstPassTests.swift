import Testing
@testable import DiffAUROCCore

// The weighted float32 exact AUROC's first pass (PackedWeightedSource.tallyBlock) sums its
// tallies without a branch per sample: samples of weight +0 or -0.0 are masked out of the
// keys' AND and OR, the class sizes and the prefix histogram, and each class's largest
// weight is the largest bit pattern. Here at n >= 2^18, where the prefix histogram is
// built and phase 2 sums it, with a third of the weights +0 or -0.0 on samples whose
// scores lie far outside the others' (counting them would change the varying bits, and
// counting them in the histogram would misplace every later bucket): the same bits as the
// Double mass beside the word (WeightedSource, whose first pass goes sample by sample
// through a branch on the weight), as the float64 widening, and as the path that checks
// its inputs, one chunk or two. The score families take each of phase 2's routes: 11
// bucket bits summed from the prefix histogram, fewer (the keys share more top bits) summed
// from it, and the keys read again; unweighted too, against the float64 path (64-bit keys,
// no prefix histogram) and a count of the pairs.

@Suite("exact AUROC, weighted float32 first pass")
struct ExactWeightedFirstPassTests {
    @Test(arguments: [300_000, 1 << 18])
    func zeroWeightsMaskedOut(n: Int) throws {
        var rng = SplitMix(state: 31_337 + UInt64(n))
        for scoreFamily in 0..<3 {
            let y: [Float] = labelsNegativeFirstPositiveLast(n) { rng.below(2) == 1 }
            let w: [Float] = weightsWithUnitEnds(n) {
                let r = rng.below(6)
                return r == 0 ? 0 : r == 1 ? -0.0 : r == 2 ? Float.leastNonzeroMagnitude
                    : Float(rng.unit() * 2 + 0x1p-20)
            }
            let s: [Float] = (0..<n).map { k in
                if w[k] == 0 {  // out: scores far outside the others'
                    return rng.below(2) == 0 ? -3e38 : 1e30
                }
                switch scoreFamily {
                case 0: return Float(0.3 + 0.4 * rng.unit())    // 9 bucket bits, from the prefix
                case 1: return Float(rng.below(50_000)) / 1024   // ties; 11 bits, from the prefix
                default: return Float(0.5 + 0.25 * rng.unit())  // 6 bits left: keys read again
                }
            }
            let reference = try #require(try exactAUROCOfArrays(s, y, w, chunkCount: 1, forceUnpackedWeights: true))
            for chunks in [1, 2] {
                let packed = try #require(try exactAUROCOfArrays(s, y, w, chunkCount: chunks, forceUnpackedWeights: false))
                #expect(packed.bitPattern == reference.bitPattern,
                        "n \(n) scores \(scoreFamily) chunks \(chunks): \(packed) vs \(reference)")
            }
            let wide = try #require(try exactAUROCOfArrays(s.map(Double.init), y.map(Double.init),
                                                           w.map(Double.init)))
            #expect(wide.bitPattern == reference.bitPattern)
            #expect(try checkedExactAUROCFloat32(s, y, w) == .value(reference))
            // Every positive out (weight +0 or -0.0): undefined, whatever the scores.
            let noPositives = (0..<n).map { k in y[k] == 1 ? (k % 2 == 0 ? Float(0) : -0.0) : w[k] }
            #expect(try exactAUROCOfArrays(s, y, noPositives, chunkCount: 2, forceUnpackedWeights: false) == nil)
            #expect(try checkedExactAUROCFloat32(s, y, noPositives) == .undefined)
        }
    }

    @Test(arguments: [300_000])
    func unweightedBucketRoutes(n: Int) throws {
        var rng = SplitMix(state: 4_242 + UInt64(n))
        for scoreFamily in 0..<3 {
            let y: [Float] = labelsNegativeFirstPositiveLast(n) { rng.below(2) == 1 }
            let s: [Float] = (0..<n).map { _ in
                switch scoreFamily {
                case 0: return Float(0.25 + 0.75 * rng.unit())  // 9 bucket bits, from the prefix
                case 1: return Float(rng.below(9_000)) / 4096    // ties; 11 bits, from the prefix
                default: return Float(0.5 + 0.25 * rng.unit())  // keys read again
                }
            }
            // The pairs counted directly: sorted by score, group by group (2U exact).
            let (twiceU, pairs) = referenceTwiceU(s, isPositive: { y[$0] == 1 })
            let expected = Double(twiceU) / Double(2 * pairs)
            let v32 = try #require(try exactAUROCOfArrays(s, y, nil))
            let v64 = try #require(try exactAUROCOfArrays(s.map(Double.init), y.map(Double.init), nil))
            #expect(v32.bitPattern == v64.bitPattern, "scores \(scoreFamily): \(v32) vs \(v64)")
            #expect(abs(v32 - expected) <= 2 * expected.ulp, "scores \(scoreFamily): \(v32) vs \(expected)")
        }
    }
}
