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
    private func value(_ s: [Float], _ y: [Float], _ w: [Float], chunks: Int, unpacked: Bool) throws
        -> Double?
    {
        try s.withUnsafeBufferPointer { sp in
            try y.withUnsafeBufferPointer { yp in
                try w.withUnsafeBufferPointer { wp in
                    try exactAUROC(scores: sp, labels: yp, weights: wp, chunkCount: chunks,
                                   forceUnpackedWeights: unpacked)
                }
            }
        }
    }

    private func value(_ s: [Double], _ y: [Double], _ w: [Double], chunks: Int, unpacked: Bool)
        throws -> Double?
    {
        try s.withUnsafeBufferPointer { sp in
            try y.withUnsafeBufferPointer { yp in
                try w.withUnsafeBufferPointer { wp in
                    try exactAUROC(scores: sp, labels: yp, weights: wp, chunkCount: chunks,
                                   forceUnpackedWeights: unpacked)
                }
            }
        }
    }

    @Test(arguments: [2, 33, 1025, 5000, 70_000])
    func packedDoubleEqualsUnpacked(n: Int) throws {
        var rng = SplitMix(state: 19_001 + UInt64(n))
        for scoreFamily in 0..<4 {
            for weightFamily in 0..<3 {
                let y = (0..<n).map { k in k == 0 ? 0.0 : k == n - 1 ? 1 : Double(rng.below(2)) }
                let s: [Double] = (0..<n).map { k in
                    switch scoreFamily {
                    case 0: return rng.unit()                                  // no ties
                    case 1: return Double(rng.below(3))                        // huge groups
                    case 2: return Double(rng.below(n / 2 + 1)) / 64 - 3       // pairs, negatives
                    default: return 0.5 + Double(rng.below(2000)) * Double.ulpOfOne
                    }
                }
                let w: [Double] = (0..<n).map { k in
                    if k == 0 || k == n - 1 { return 1 }
                    switch weightFamily {
                    case 0: return rng.unit() * 2
                    case 1:
                        let r = rng.below(6)
                        return r == 0 ? Double.leastNonzeroMagnitude : r == 1 ? 0x1p1000
                            : r == 2 ? 0 : (rng.unit() + 0.5) * 0x1p-700
                    default: return Double(rng.below(4))
                    }
                }
                let reference = try #require(try value(s, y, w, chunks: 1, unpacked: true))
                for chunks in [1, 2] {
                    let packed = try #require(try value(s, y, w, chunks: chunks, unpacked: false))
                    let unpacked = try #require(try value(s, y, w, chunks: chunks, unpacked: true))
                    #expect(packed.bitPattern == reference.bitPattern,
                            "n \(n) scores \(scoreFamily) weights \(weightFamily) chunks \(chunks): \(packed) vs \(reference)")
                    #expect(unpacked.bitPattern == reference.bitPattern)
                }
            }
        }
    }

    @Test(arguments: [2, 33, 1025, 5000, 70_000])
    func packedEqualsUnpacked(n: Int) throws {
        var rng = SplitMix(state: 9_001 + UInt64(n))
        for scoreFamily in 0..<4 {
            for weightFamily in 0..<3 {
                let y = (0..<n).map { k in k == 0 ? Float(0) : k == n - 1 ? 1 : Float(rng.below(2)) }
                let s: [Float] = (0..<n).map { k in
                    switch scoreFamily {
                    case 0: return Float(rng.unit())                      // few ties
                    case 1: return Float(rng.below(3))                    // huge groups
                    case 2: return Float(rng.below(n / 2 + 1)) / 64 - 3   // pairs, negatives
                    default: return 0.5 + Float(rng.below(2000)) * Float.ulpOfOne
                    }
                }
                let w: [Float] = (0..<n).map { k in
                    if k == 0 || k == n - 1 { return 1 }
                    switch weightFamily {
                    case 0: return Float(rng.unit() * 2)
                    case 1:
                        let r = rng.below(6)
                        return r == 0 ? Float.leastNonzeroMagnitude : r == 1 ? Float.greatestFiniteMagnitude
                            : r == 2 ? 0 : Float(rng.unit() + 0.5) * 0x1p-100
                    default: return Float(rng.below(4))
                    }
                }
                let reference = try #require(try value(s, y, w, chunks: 1, unpacked: true))
                for chunks in [1, 2] {
                    let packed = try #require(try value(s, y, w, chunks: chunks, unpacked: false))
                    let unpacked = try #require(try value(s, y, w, chunks: chunks, unpacked: true))
                    #expect(packed.bitPattern == reference.bitPattern,
                            "n \(n) scores \(scoreFamily) weights \(weightFamily) chunks \(chunks): \(packed) vs \(reference)")
                    #expect(unpacked.bitPattern == reference.bitPattern)
                }
            }
        }
    }
}
