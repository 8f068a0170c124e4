import Testing
@testable import DiffAUROCCore

// Exact AUROC: hand cases first, then the sort and the whole computation against simple
// references on random and adversarial data.

/// exactAUROC on arrays (float64).
private func exact(_ s: [Double], _ y: [Double], _ w: [Double]? = nil) throws -> Double? {
    try withSamples(s, y, w) { try exactAUROC($0) }
}

/// exactAUROCFloat32 on arrays.
private func exact32(_ s: [Float], _ y: [Float], _ w: [Float]? = nil) throws -> Double? {
    try withBuffers(s, y, w) { try exactAUROCFloat32(scores: $0, labels: $1, weights: $2) }
}

/// Reference weighted AUROC: plain O(n^2) double sums (small n only).
private func referenceWeighted(_ s: [Double], _ y: [Double], _ w: [Double]) -> Double {
    var num = 0.0, wp = 0.0, wn = 0.0
    for i in s.indices where y[i] == 1 { wp += w[i] }
    for j in s.indices where y[j] == 0 { wn += w[j] }
    for i in s.indices where y[i] == 1 {
        for j in s.indices where y[j] == 0 {
            num += w[i] * w[j] * (s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0)
        }
    }
    return num / (wp * wn)
}

@Suite("exact AUROC: hand cases")
struct ExactAUROCHandCases {
    @Test func docExample() throws {
        #expect(try exact([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75)
        #expect(try exact32([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75)
    }

    @Test func perfectAndReversed() throws {
        #expect(try exact([1, 2, 3, 4], [0, 0, 1, 1]) == 1)
        #expect(try exact([1, 2, 3, 4], [1, 1, 0, 0]) == 0)
    }

    /// Positive at 0 against negatives 1 (w 10), -1 (w 1), 0 (w 1): U = 1 + 1/2 of
    /// W_pos * W_neg = 12 pairs, so exactly 1.5 / 12 = 0.125. Weights are divided by powers
    /// of two, so integer weights lose nothing (dividing by the maximum, 10, did).
    @Test func integerWeightsAreExact() throws {
        #expect(try exact([0, 1, -1, 0], [1, 0, 0, 0], [1, 10, 1, 1]) == 0.125)
        #expect(try exact([0, 1, -1, 0], [1, 0, 0, 0], [3, 30, 3, 3]) == 0.125)
    }

    @Test func allTiesGiveOneHalf() throws {
        #expect(try exact([3, 3, 3, 3, 3], [0, 1, 0, 1, 1]) == 0.5)
        #expect(try exact([3, 3, 3], [1, 0, 1], [0.5, 2, 7]) == 0.5)
        #expect(try exact32([-2, -2], [1, 0]) == 0.5)
    }

    @Test func negativeZeroTiesPositiveZero() throws {
        #expect(try exact([-0.0, 0.0], [1, 0]) == 0.5)
        #expect(try exact([0.0, -0.0], [1, 0]) == 0.5)
        #expect(try exact([-0.0, 0.0, 1, -1], [1, 0, 1, 0]) == 0.875)
        #expect(try exact32([-0.0, 0.0], [0, 1]) == 0.5)
        #expect(try exact([-0.0, 0.0], [1, 0], [1, 3]) == 0.5)
    }

    @Test func subnormalsAreOrdered() throws {
        let tiny = Double.leastNonzeroMagnitude
        #expect(try exact([-tiny, 0, tiny, 2 * tiny], [0, 0, 1, 1]) == 1)
        #expect(try exact([tiny, -tiny], [0, 1]) == 0)
        #expect(try exact32([Float.leastNonzeroMagnitude, 0], [1, 0]) == 1)
    }

    @Test func extremeMagnitudes() throws {
        #expect(try exact([-1e308, 1e308, -Double.greatestFiniteMagnitude, .greatestFiniteMagnitude],
                          [0, 1, 0, 1]) == 1)
        #expect(try exact([1e308, -1e308], [0, 1], [1e308, 1e-300]) == 0)
        #expect(try exact32([Float.greatestFiniteMagnitude, -.greatestFiniteMagnitude], [1, 0]) == 1)
    }

    @Test func undefinedWithoutBothClasses() throws {
        #expect(try exact([], []) == nil)
        #expect(try exact([0.5], [1]) == nil)
        #expect(try exact([0.5, 0.7], [1, 1]) == nil)
        #expect(try exact([0.5, 0.7], [0, 0]) == nil)
        #expect(try exact([0.5, 0.7], [0, 1], [1, 0]) == nil)  // weight 0 drops the only positive
        #expect(try exact32([0.5], [0]) == nil)
    }

    @Test func unweightedIsTheCorrectlyRoundedRatio() throws {
        // 3 positives, 2 negatives; U = 1 + 0.5 + 2 + 2 = ... counted by hand:
        // pos 0.5 > neg 0.2, ties neg 0.5: 1.5; pos 0.9: 2; pos 0.1: 0.  U = 3.5, PN = 6.
        #expect(try exact([0.5, 0.2, 0.9, 0.5, 0.1], [1, 0, 1, 0, 1]) == 3.5 / 6)
    }

    @Test func weightsCountPairsByProduct() throws {
        // Positive 0.8 (w 2) beats negative 0.3 (w 1), loses to negative 0.9 (w 3):
        // AUROC = 2*1 / (2 * 4) = 0.25.
        #expect(try exact([0.8, 0.3, 0.9], [1, 0, 0], [2, 1, 3]) == 0.25)
        let s = [0.3, 0.3, 0.1, 0.7, 0.7, 0.2], y = [1.0, 0, 0, 1, 0, 1], w = [0.5, 2, 1, 3, 0, 1.5]
        let value = try #require(try exact(s, y, w))
        #expect(abs(value - referenceWeighted(s, y, w)) < 1e-15)
    }
}

@Suite("order keys")
struct OrderKeyTests {
    @Test func keysFollowNumericOrder() {
        let values: [Double] = [-.greatestFiniteMagnitude, -1e308, -1, -.leastNormalMagnitude,
                                -.leastNonzeroMagnitude, -0.0, 0.0, .leastNonzeroMagnitude,
                                .leastNormalMagnitude, 1, 1e308, .greatestFiniteMagnitude]
        for a in values {
            for b in values {
                #expect((a < b) == (a.orderKey < b.orderKey))
                #expect((a == b) == (a.orderKey == b.orderKey))
                let fa = Float(a), fb = Float(b)
                if fa.isFinite && fb.isFinite {
                    #expect((fa < fb) == (fa.orderKey < fb.orderKey))
                    #expect((fa == fb) == (fa.orderKey == fb.orderKey))
                }
            }
        }
    }

    @Test func classBitOfLabels() {
        #expect((1.0).classBit == 1 && (0.0).classBit == 0 && (-0.0).classBit == 0)
        #expect(Float(1).classBit == 1 && Float(0).classBit == 0 && Float(-0.0).classBit == 0)
    }
}

@Suite("radix sort against a reference sort")
struct RadixSortTests {
    /// Sorts `input` with `sortWords`, carrying each word's index, and checks the result
    /// against the stdlib's stable sort: same words, and values in stable order.
    private func check<Word: FixedWidthInteger & UnsignedInteger & BitwiseCopyable>(
        _ input: [Word], ignoringLowestBit: Bool = false
    ) throws {
        let n = input.count
        let words = try ScratchBuffer<Word>(count: n), spare = try ScratchBuffer<Word>(count: n)
        let values = try ScratchBuffer<Int>(count: n), spareValues = try ScratchBuffer<Int>(count: n)
        let tables = try ScratchBuffer<Int>(count: RadixSortTuning.tableCount)
        defer { words.free(); spare.free(); values.free(); spareValues.free(); tables.free() }
        for i in 0..<n {
            words.buffer[i] = input[i]
            values.buffer[i] = i
        }
        if n > 0 {
            sortWords(words.base!, values.base!, spareWords: spare.base!, spareValues: spareValues.base!,
                      count: n, tables: tables.base!, ignoringLowestBit: ignoringLowestBit)
        }
        if ignoringLowestBit {
            // Sorted by word >> 1, and a permutation of the input (values are its indices).
            var ordered = true, seen = [Bool](repeating: false, count: n)
            for i in 0..<n {
                if i > 0 && words.buffer[i - 1] >> 1 > words.buffer[i] >> 1 { ordered = false }
                let origin = values.buffer[i]
                if seen[origin] || input[origin] != words.buffer[i] { ordered = false }
                seen[origin] = true
            }
            #expect(ordered, "n = \(n)")
            return
        }
        let expected = input.indices.sorted { (input[$0], $0) < (input[$1], $1) }
        var mismatches = 0
        for i in 0..<n where words.buffer[i] != input[expected[i]] || values.buffer[i] != expected[i] {
            mismatches += 1
        }
        #expect(mismatches == 0, "n = \(n)")
    }

    /// The fix-ups' block test (integer lanes) against the plain comparison of each pair:
    /// words with and without equal neighbours above each shift, every block length up
    /// to 64 and every position of a single equal pair, both word widths, and on keys.
    @Test func neighboursDifferMatchesPairwiseComparison() {
        var rng = SplitMix(state: 9)
        func naive<W: FixedWidthInteger>(_ w: [W], _ range: Range<Int>, _ shift: Int) -> Bool {
            range.allSatisfy { w[$0] >> shift != w[$0 + 1] >> shift }
        }
        for trial in 0..<400 {
            let count = 1 + rng.below(65)
            let shift = rng.below(40)
            // Distinct above `shift` (increasing), then maybe one pair made equal above it.
            var words64 = [UInt64](repeating: 0, count: count + 1)
            var running = rng.next() >> 8
            for i in 0...count {
                words64[i] = running
                running &+= (UInt64(1) << shift) &* UInt64(1 + rng.below(3))
            }
            if trial % 2 == 1 {
                let k = rng.below(count)
                words64[k + 1] = words64[k] ^ (rng.next() & ((UInt64(1) << shift) &- 1))
            }
            let words32 = words64.map { UInt32(truncatingIfNeeded: $0 >> 24) }
            let shift32 = Swift.max(0, shift - 24)
            let low = rng.below(count)
            for range in [0..<count, low..<count] {
                words64.withUnsafeBufferPointer { b in
                    let p = UnsafeMutablePointer(mutating: b.baseAddress!)
                    #expect(neighboursDiffer(p, range, above: shift) == naive(words64, range, shift),
                            "trial \(trial) range \(range) shift \(shift)")
                    // On keys: the word's top half as the key.
                    let keys = words64.map { UInt32(truncatingIfNeeded: $0 >> 32) }
                    #expect(neighboursDiffer(p, range, above: 0, key: { UInt32(truncatingIfNeeded: $0 >> 32) })
                            == naive(keys, range, 0), "trial \(trial) keys")
                }
                words32.withUnsafeBufferPointer { b in
                    let p = UnsafeMutablePointer(mutating: b.baseAddress!)
                    #expect(neighboursDiffer(p, range, above: shift32) == naive(words32, range, shift32),
                            "trial \(trial) 32-bit")
                }
            }
        }
    }

    @Test func randomWords() throws {
        var rng = SplitMix(state: 1)
        for n in [0, 1, 2, 31, 32, 33, 100, 1000, 5000, 40000, 100_000] {
            try check((0..<n).map { _ in rng.next() })
            try check((0..<n).map { _ in UInt32(truncatingIfNeeded: rng.next()) })
        }
    }

    @Test func adversarialWords() throws {
        var rng = SplitMix(state: 2)
        let n = 70_000
        // All equal; two values; only low bits vary (long runs for the fix-up); only high
        // bits vary; one outlier above a cluster (unbalanced MSD buckets); sorted and
        // reversed; a few distinct values repeated.
        try check([UInt64](repeating: 42, count: n))
        try check((0..<n).map { UInt64($0 % 2) << 63 })
        try check((0..<n).map { _ in (UInt64(1) << 62) | (rng.next() & 0xFFFF) })
        try check((0..<n).map { _ in rng.next() & 0xFFFF_0000_0000_0000 })
        try check((0..<n).map { i in i == 0 ? UInt64.max : (rng.next() & 0xFFF_FFFF) })
        try check((0..<n).map { UInt64($0) })
        try check((0..<n).map { UInt64(n - $0) })
        try check((0..<n).map { _ in UInt64(rng.below(7)) &* 0x0123_4567_89AB_CDEF })
        try check((0..<n).map { _ in UInt32(rng.below(3)) << 31 | UInt32(rng.below(5)) })
        // Ignoring the lowest bit (the exact AUROC's class bit).
        try check((0..<n).map { _ in rng.next() }, ignoringLowestBit: true)
        try check((0..<n).map { _ in UInt32(rng.below(50)) << 1 | UInt32(rng.below(2)) },
                  ignoringLowestBit: true)
        try check((0..<n).map { _ in (rng.next() & 0xFFFF_0000_0000_0000) | UInt64(rng.below(2)) },
                  ignoringLowestBit: true)
        // Nested clusters: runs that need MSD, then LSD, then fix-up recursion.
        try check((0..<200_000).map { _ in
            UInt64(rng.below(4)) << 60 | UInt64(rng.below(3)) << 30 | (rng.next() & 0x3FF)
        })
    }
}

@Suite("exact AUROC against references")
struct ExactAUROCRandomTests {
    /// Scores of one adversarial family.
    private func scores(_ family: Int, _ n: Int, _ rng: inout SplitMix) -> [Double] {
        let tiny = Double.leastNonzeroMagnitude  // 5e-324 (subnormal literals warn)
        return (0..<n).map { _ in
            switch family {
            case 0: return rng.unit()                                     // spread
            case 1: return Double(rng.below(5))                           // heavy ties
            case 2: return [-0.0, 0.0, tiny, -tiny, 1e-300 * 1e-10][rng.below(5)]  // zeros, subnormals
            case 3: return [-1e308, 1e308, -1.0, 1.0, 0.0][rng.below(5)] * rng.unit()  // wide range
            case 4: return 1 + Double(rng.below(300)) * Double.ulpOfOne    // clustered in ulps
            case 5: return (rng.unit() - 0.5) * 40                          // logits, both signs
            case 6: return Double(rng.below(1 << 20)) / Double(1 << 20)     // sparse ties
            default: return 1 + Double(rng.below(Swift.max(1, n / 4))) / 8192  // groups of ~4
            }
        }
    }

    /// (Family 6, 2^20 values: at 70,000 samples some of the 2,048 buckets hold a tie and
    /// most do not, the two routes of the unweighted sweep, `sweepWithoutTies`, in one call.
    /// Family 7, n / 4 values: tie groups of 1 to about 15 samples of both classes side by
    /// side in every bucket, for `sweepWithTieCorrections` (float32 words): its main pass
    /// (pairs at most `tieDistance` apart) and its walk along longer groups; about a fifth
    /// of the buckets look mostly tied to `mostlyLongGroups` and take the loop.)
    @Test(arguments: [2, 3, 17, 1000, 70_000, 300_000])
    func unweightedMatchesReferenceExactly(n: Int) throws {
        var rng = SplitMix(state: UInt64(n))
        for family in 0..<8 {
            let s = scores(family, n, &rng)
            let y: [Double] = labelsWithBothClasses(n) { rng.below(2) == 1 }
            let (twiceU, pairs) = referenceTwiceU(s, isPositive: { y[$0] == 1 })
            let expected = correctlyRoundedRatio(twiceU, 2 * pairs)
            #expect(try exact(s, y) == expected, "family \(family)")
            // float32 on values representable in float32 agrees with float64 on them.
            let s32 = s.map { Float($0) }.map { $0.isFinite ? $0 : 0 }
            let y32 = y.map { Float($0) }
            let (twiceU32, pairs32) = referenceTwiceU(s32.map { Double($0) }, isPositive: { y[$0] == 1 })
            #expect(try exact32(s32, y32) == correctlyRoundedRatio(twiceU32, 2 * pairs32),
                    "family \(family)")
        }
    }

    @Test(arguments: [2, 5, 64, 700])
    func weightedMatchesQuadraticReference(n: Int) throws {
        var rng = SplitMix(state: 77 + UInt64(n))
        for family in 0..<6 {
            let s = scores(family, n, &rng)
            let y: [Double] = labelsWithBothClasses(n) { rng.below(2) == 1 }
            let w = weightsWithUnitEnds(n) { [0, 0.25, 1, 3.5][rng.below(4)] * rng.unit() }
            let value = try #require(try exact(s, y, w))
            #expect(abs(value - referenceWeighted(s, y, w)) < 1e-13, "family \(family)")
        }
    }

    @Test func weightedLargeEqualsUnweightedWithUnitWeights() throws {
        var rng = SplitMix(state: 5)
        for family in 0..<6 {
            let n = 150_000
            let s = scores(family, n, &rng)
            let y = labelsNegativeThenPositiveFirst(n) { rng.below(2) == 1 }
            let unweighted = try #require(try exact(s, y))
            let weighted = try #require(try exact(s, y, [Double](repeating: 2.5, count: n)))
            #expect(abs(weighted - unweighted) < 1e-12, "family \(family)")
        }
    }

    @Test func labelFlipGivesComplement() throws {
        var rng = SplitMix(state: 9)
        let n = 100_000
        let s = scores(1, n, &rng)
        let y = labelsNegativeThenPositiveFirst(n) { rng.below(2) == 1 }
        let a = try #require(try exact(s, y))
        let b = try #require(try exact(s, y.map { 1 - $0 }))
        #expect(abs(a + b - 1) < 1e-15)
    }
}

@Suite("weighted exact AUROC: float32 parity and exactness")
struct WeightedExactAUROCTests {
    /// Float32 scores of one family: spread, heavy ties, quantized, clustered in ulps.
    private func scores32(_ family: Int, _ n: Int, _ y: [Float], _ rng: inout SplitMix) -> [Float] {
        (0..<n).map { k in
            switch family {
            case 0: return Float(rng.unit() * 2 - 1) + y[k]
            case 1: return Float(rng.below(7))
            case 2: return Float((rng.unit() * 16).rounded()) / 8 + y[k]
            default: return 1 + Float(rng.below(3000)) * Float.ulpOfOne
            }
        }
    }

    /// Float32 weights of one family: uniform, wide dynamic range, integers, sparse.
    private func weights32(_ family: Int, _ n: Int, _ rng: inout SplitMix) -> [Float] {
        weightsWithUnitEnds(n) {
            switch family {
            case 0: return Float(rng.unit() * 2)
            case 1: return Float(rng.unit() + 1) * Float(sign: .plus, exponent: rng.below(81) - 40, significand: 1)
            case 2: return Float(rng.below(100))
            default: return rng.below(5) == 0 ? 0 : Float(rng.unit() * rng.unit() * rng.unit())
            }
        }
    }

    /// Runs `body(scoreFamily, weightFamily, scores, labels, weights)` on one case of every
    /// score family and weight family, n samples each, all drawn in turn from `seed`.
    private func forEachFamily(
        n: Int, seed: UInt64,
        _ body: (_ scoreFamily: Int, _ weightFamily: Int, _ s: [Float], _ y: [Float], _ w: [Float]) throws -> Void
    ) rethrows {
        var rng = SplitMix(state: seed)
        for scoreFamily in 0..<4 {
            for weightFamily in 0..<4 {
                let y: [Float] = labelsNegativeFirstPositiveLast(n) { rng.below(2) == 1 }
                let s = scores32(scoreFamily, n, y, &rng)
                let w = weights32(weightFamily, n, &rng)
                try body(scoreFamily, weightFamily, s, y, w)
            }
        }
    }

    /// The header's promise: auroc_exact_f32 equals auroc_exact on the values widened to
    /// double, bit for bit, weighted too (one chunk below 65536 samples, two above).
    @Test(arguments: [2, 50, 1000, 5000, 70_000, 200_000])
    func float32EqualsFloat64Bitwise(n: Int) throws {
        try forEachFamily(n: n, seed: 4242 + UInt64(n)) { scoreFamily, weightFamily, s, y, w in
            let v32 = try #require(try exact32(s, y, w))
            let v64 = try #require(try exact(s.map { Double($0) }, y.map { Double($0) },
                                             w.map { Double($0) }))
            #expect(v32.bitPattern == v64.bitPattern,
                    "scores \(scoreFamily) weights \(weightFamily): \(v32) vs \(v64)")
        }
    }

    /// The sweep's blocks do not depend on where the work is split: one chunk and two
    /// chunks (whatever n) give the same bits, float32 and float64, weighted or not.
    @Test(arguments: [3, 100, 5000, 100_000])
    func oneChunkEqualsTwoChunks(n: Int) throws {
        try forEachFamily(n: n, seed: 555 + UInt64(n)) { scoreFamily, weightFamily, s, y, w in
            let s64 = s.map { Double($0) }, y64 = y.map { Double($0) }, w64 = w.map { Double($0) }
            for weighted in [true, false] {
                let values = try [1, 2].map { chunks in
                    try #require(try exactAUROCOfArrays(s, y, weighted ? w : nil, chunkCount: chunks))
                }
                #expect(values[0].bitPattern == values[1].bitPattern,
                        "float32 scores \(scoreFamily) weights \(weightFamily): \(values)")
                let values64 = try [1, 2].map { chunks in
                    try #require(try exactAUROCOfArrays(s64, y64, weighted ? w64 : nil, chunkCount: chunks))
                }
                #expect(values64[0].bitPattern == values64[1].bitPattern,
                        "float64 scores \(scoreFamily) weights \(weightFamily): \(values64)")
            }
        }
    }

    /// Phase 4's claims: with batches of one bucket, chunk 1 joins each batch to the region
    /// above it (`sortAndSweepWeighted`, `join` in ExactAUROC.swift) at nearly every
    /// bucket, where a sweep block starts, straddles the join or holds several batches
    /// whole (the tie-heavy families); with batches of 3,000 samples, at some buckets. The
    /// bits must be one chunk's, which sweeps every sample in order on one thread.
    @Test(arguments: [70_000, 150_000])
    func claimedBatchesEqualOneChunk(n: Int) throws {
        try forEachFamily(n: n, seed: 808 + UInt64(n)) { scoreFamily, weightFamily, s, y, w in
            let s64 = s.map { Double($0) }, y64 = y.map { Double($0) }, w64 = w.map { Double($0) }
            for weighted in [true, false] {
                let one = try #require(try exactAUROCOfArrays(s, y, weighted ? w : nil, chunkCount: 1))
                let one64 = try #require(try exactAUROCOfArrays(s64, y64, weighted ? w64 : nil, chunkCount: 1))
                for batch in [1, 3000] {
                    let v = try #require(try exactAUROCOfArrays(s, y, weighted ? w : nil, chunkCount: 2,
                                                                claimBatch: batch))
                    #expect(v.bitPattern == one.bitPattern,
                            "float32 scores \(scoreFamily) weights \(weightFamily) weighted \(weighted) batch \(batch)")
                    let v64 = try #require(try exactAUROCOfArrays(s64, y64, weighted ? w64 : nil, chunkCount: 2,
                                                                  claimBatch: batch))
                    #expect(v64.bitPattern == one64.bitPattern,
                            "float64 scores \(scoreFamily) weights \(weightFamily) weighted \(weighted) batch \(batch)")
                }
            }
        }
    }

    /// |x - N / D| in units of ulp(x), compared exactly in integers: returns (within one
    /// ulp, within half an ulp); nil if the integers would overflow 128 bits. x normal, < 1.
    private func ulpCheck(_ x: Double, _ numerator: UInt128, _ denominator: UInt128) -> (Bool, Bool)? {
        let m = UInt128(x.significandBitPattern | 1 << 52)
        let e = 52 - Int(x.exponent)  // x = m / 2^e, ulp(x) = 1 / 2^e
        guard e < 127, numerator.leadingZeroBitCount > e + 1 else { return nil }
        let (lhs, overflow) = m.multipliedReportingOverflow(by: denominator)
        guard !overflow, lhs.leadingZeroBitCount > 1 else { return nil }
        let rhs = numerator << e
        let difference = lhs > rhs ? lhs - rhs : rhs - lhs  // |x - N/D| * D * 2^e
        return (difference <= denominator, 2 * difference <= denominator)
    }

    /// Within 1 ulp of the exact rational value (the contract), and for these fixed cases
    /// its correctly rounded double; weights with 16 significant bits, so the rational's
    /// numerator and denominator fit the checks.
    @Test(arguments: [2, 3, 7, 100, 1000, 2000, 100_000])
    func withinOneUlpOfTheExactRational(n: Int) throws {
        var rng = SplitMix(state: 99 + UInt64(n))
        let bits = n > 2000 ? 8 : 16  // keeps 2 W_pos W_neg below 2^55
        for family in 0..<4 {
            for _ in 0..<(n > 2000 ? 1 : 25) {
                let y: [Double] = labelsNegativeFirstPositiveLast(n) { rng.below(2) == 1 }
                let s = scores32(family, n, y.map { Float($0) }, &rng).map { Double($0) }
                let k = weightsWithUnitEnds(n) { UInt64(rng.below(1 << bits)) }
                let w = k.map { Double($0) * 0x1p-16 }
                let value = try #require(try exact(s, y, w))
                // The exact rational on integer weights k (used as k / 2^16): 2U / (2 W_pos W_neg).
                let (numerator, pairs) = referenceTwiceU(s, isPositive: { y[$0] == 1 }, weight: { UInt128(k[$0]) })
                let denominator = 2 * pairs
                if value == 0 || value == 1 {
                    #expect(numerator == (value == 0 ? 0 : denominator))
                    continue
                }
                let (oneUlp, halfUlp) = try #require(ulpCheck(value, numerator, denominator),
                                                     "family \(family): \(value)")
                #expect(oneUlp, "family \(family): \(value) vs \(numerator)/\(denominator)")
                #expect(halfUlp, "family \(family): \(value) vs \(numerator)/\(denominator)")
            }
        }
    }

    /// Heavy ties in groups longer than the sweep's blocks, and a split between the two
    /// chunks at a block start: float32 and float64 agree, the value is exact here.
    @Test func longTieGroupsAcrossBlocks() throws {
        var rng = SplitMix(state: 31)
        let n = 120_000
        let y: [Float] = labelsNegativeFirstPositiveLast(n) { rng.below(2) == 1 }
        let s = (0..<n).map { _ in Float(rng.below(40)) }
        let k = weightsWithUnitEnds(n) { UInt64(rng.below(256)) }
        let w = k.map { Float($0) * 0x1p-16 }
        let v32 = try #require(try exact32(s, y, w))
        let v64 = try #require(try exact(s.map { Double($0) }, y.map { Double($0) }, w.map { Double($0) }))
        #expect(v32.bitPattern == v64.bitPattern)
        let (numerator, pairs) = referenceTwiceU(s, isPositive: { y[$0] == 1 }, weight: { UInt128(k[$0]) })
        let denominator = 2 * pairs
        let (_, halfUlp) = try #require(ulpCheck(v64, numerator, denominator))
        #expect(halfUlp)
    }
}
