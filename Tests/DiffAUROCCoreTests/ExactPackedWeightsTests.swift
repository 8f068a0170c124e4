import Testing
@testable import DiffAUROCCore

// Weighted float32 exact AUROC: the weight packed in the sorted word (PackedWeightedSource)
// against the weight beside it as a Double mass (WeightedSource, forceUnpackedWeights):
// the same bits, one chunk or two, with ties of every size (groups far longer than a
// sweep block, groups that straddle block boundaries, no ties at all) and weights from
// the smallest float32 subnormal to the largest float32, some of them zero. Likewise
// float64: the mass packed in a 16-byte word (PackedDoubleWeightedSource, sorted by
// sortHighKeyed) against the Double mass beside the word, weights over the whole double
// range (where masses underflow) included.

@Suite("exact AUROC, float32 weights packed in the word")
struct ExactPackedWeightsTests {
    /// Packed against unpacked for every score and weight family, n samples from `seed`:
    /// the same bits, one chunk or two. Weight family 1 mixes the smallest subnormal,
    /// `largeWeight`, zeros and `tinyWeightScale` x [0.5, 1.5).
    private func checkPackedEqualsUnpacked<Score: OrderKeyed>(
        _ type: Score.Type, n: Int, seed: UInt64, largeWeight: Score, tinyWeightScale: Score
    ) throws {
        var rng = SplitMix(state: seed)
        for scoreFamily in 0..<4 {
            for weightFamily in 0..<3 {
                let y: [Score] = labelsNegativeFirstPositiveLast(n) { rng.below(2) == 1 }
                let s: [Score] = (0..<n).map { _ in
                    switch scoreFamily {
                    case 0: return Score(rng.unit())                        // no ties (float32: few)
                    case 1: return Score(rng.below(3))                      // huge groups
                    case 2: return Score(rng.below(n / 2 + 1)) / 64 - 3    // pairs, negatives
                    default: return 0.5 + Score(rng.below(2000)) * Score.ulpOfOne
                    }
                }
                let w: [Score] = weightsWithUnitEnds(n) {
                    switch weightFamily {
                    case 0: return Score(rng.unit() * 2)
                    case 1:
                        let r = rng.below(6)
                        return r == 0 ? Score.leastNonzeroMagnitude : r == 1 ? largeWeight
                            : r == 2 ? 0 : Score(rng.unit() + 0.5) * tinyWeightScale
                    default: return Score(rng.below(4))
                    }
                }
                let reference = try #require(try exactAUROCOfArrays(s, y, w, chunkCount: 1,
                                                                    forceUnpackedWeights: true))
                for chunks in [1, 2] {
                    let packed = try #require(try exactAUROCOfArrays(s, y, w, chunkCount: chunks,
                                                                     forceUnpackedWeights: false))
                    let unpacked = try #require(try exactAUROCOfArrays(s, y, w, chunkCount: chunks,
                                                                       forceUnpackedWeights: true))
                    #expect(packed.bitPattern == reference.bitPattern,
                            "n \(n) scores \(scoreFamily) weights \(weightFamily) chunks \(chunks): \(packed) vs \(reference)")
                    #expect(unpacked.bitPattern == reference.bitPattern)
                }
            }
        }
    }

    @Test(arguments: [2, 33, 1025, 5000, 70_000])
    func packedDoubleEqualsUnpacked(n: Int) throws {
        try checkPackedEqualsUnpacked(Double.self, n: n, seed: 19_001 + UInt64(n),
                                      largeWeight: 0x1p1000, tinyWeightScale: 0x1p-700)
    }

    @Test(arguments: [2, 33, 1025, 5000, 70_000])
    func packedEqualsUnpacked(n: Int) throws {
        try checkPackedEqualsUnpacked(Float.self, n: n, seed: 9_001 + UInt64(n),
                                      largeWeight: .greatestFiniteMagnitude, tinyWeightScale: 0x1p-100)
    }
}
