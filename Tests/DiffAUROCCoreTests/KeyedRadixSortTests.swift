import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import DiffAUROCCore

// The keyed radix sort (KeyedRadixSort.swift) against an independent stable sort: Swift's
// sort of (key, index) pairs by key then index, which for distinct indices is the one
// stable order. Both value widths, sizes around every threshold of the method (insertion
// sort at 32 keys, the in-cache limit near 21,845 / 16,384 keys, MSD levels), and key sets
// that exercise its branches: random, all equal, shared high digits, few distinct values,
// runs below the LSD window, doubles of both signs (orderKey), arbitrary bit patterns.

/// Sorts `keys` with `radixSort` carrying the indices as `Value`, checks the result against
/// the reference and that the scratch guard words past `count` were not touched.
private func expectSortedLikeReference<Value: FixedWidthInteger>(
    _ keys: [UInt64], as _: Value.Type, sourceLocation: SourceLocation = #_sourceLocation
) {
    let n = keys.count
    let guardWord: UInt64 = 0xDEAD_BEEF_F00D_CAFE
    // One guard element past the end of each array: the sort must not write there.
    var k = keys + [guardWord]
    var v = (0..<n).map { Value(truncatingIfNeeded: $0) } + [Value(truncatingIfNeeded: guardWord)]
    var sk = [UInt64](repeating: 0, count: n + 1)
    sk[n] = guardWord
    var sv = [Value](repeating: 0, count: n + 1)
    sv[n] = Value(truncatingIfNeeded: guardWord)
    var table = [Int](repeating: -1, count: KeyedRadixSortTuning.tableCount + 1)
    table[KeyedRadixSortTuning.tableCount] = 12345
    k.withUnsafeMutableBufferPointer { kp in
        v.withUnsafeMutableBufferPointer { vp in
            sk.withUnsafeMutableBufferPointer { skp in
                sv.withUnsafeMutableBufferPointer { svp in
                    table.withUnsafeMutableBufferPointer { tp in
                        radixSort(keys: kp.baseAddress!, values: vp.baseAddress!,
                                  scratchKeys: skp.baseAddress!, scratchValues: svp.baseAddress!,
                                  histogram: tp.baseAddress!, count: n)
                    }
                }
            }
        }
    }
    let reference = keys.indices.map { (key: keys[$0], index: $0) }
        .sorted { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
    var firstMismatch: Int? = nil
    for i in 0..<n where k[i] != reference[i].key || Int(v[i]) != reference[i].index {
        firstMismatch = i
        break
    }
    #expect(firstMismatch == nil, "n = \(n), \(Value.self): first mismatch at \(firstMismatch ?? -1)",
            sourceLocation: sourceLocation)
    #expect(k[n] == guardWord && sk[n] == guardWord, "n = \(n): wrote past the keys", sourceLocation: sourceLocation)
    #expect(v[n] == Value(truncatingIfNeeded: guardWord) && sv[n] == Value(truncatingIfNeeded: guardWord),
            "n = \(n): wrote past the values", sourceLocation: sourceLocation)
    #expect(table[KeyedRadixSortTuning.tableCount] == 12345, "n = \(n): wrote past the table",
            sourceLocation: sourceLocation)
}

/// `radixSort` of `keys` against the reference, with UInt32 and UInt64 values (also used by
/// KeyedRadixSortFirstBucketTests.swift).
func expectBothWidths(_ keys: [UInt64], sourceLocation: SourceLocation = #_sourceLocation) {
    expectSortedLikeReference(keys, as: UInt32.self, sourceLocation: sourceLocation)
    expectSortedLikeReference(keys, as: UInt64.self, sourceLocation: sourceLocation)
}

/// Gaussian scores (Box-Muller) plus a 0/1 label: the soft path's benchmark data.
private func normalKeys(_ n: Int, _ rng: inout SplitMix) -> [UInt64] {
    (0..<n).map { _ in
        let u = rng.unit() + 1e-300, w = rng.unit()
        let x = (-2 * log(u)).squareRoot() * cos(2 * Double.pi * w) + Double(rng.below(2))
        return x.orderKey
    }
}

/// N(0, 1) + `mean` scores (Box-Muller) as order keys, rounded to 2^-30: ties, and runs
/// of keys that differ only in their last bits (below an LSD window of 30 bits from the
/// top varying one). Also used by KeyedRadixSortFirstBucketTests.swift and
/// KeyedRadixSortSharedPassTests.swift.
func roundedNormalKeys(_ n: Int, mean: Double, _ rng: inout SplitMix) -> [UInt64] {
    (0..<n).map { _ in
        let u = rng.unit() + 1e-300, v = rng.unit()
        let x = ((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v) * 0x1p30).rounded() * 0x1p-30
        return (x + mean).orderKey
    }
}

private let sizes = Array(0...40) + [63, 64, 65, 100, 1000, 4097, 16384, 16385, 21845, 21846, 21847, 70000]

@Test func radixSortMatchesAStableSortOnRandomKeys() {
    var rng = SplitMix(state: 1)
    for n in sizes { expectBothWidths((0..<n).map { _ in rng.next() }) }
}

@Test func radixSortKeepsEqualKeysInOrder() {
    var rng = SplitMix(state: 2)
    for n in sizes {
        expectBothWidths([UInt64](repeating: 0x8000_0000_0000_0001, count: n))
        // Three distinct values (many ties, a narrow varying window).
        expectBothWidths((0..<n).map { _ in Double(rng.below(3)).orderKey })
        // Two values that differ only in the lowest bit, and only in the highest.
        expectBothWidths((0..<n).map { _ in UInt64(rng.below(2)) })
        expectBothWidths((0..<n).map { _ in UInt64(rng.below(2)) << 63 })
    }
}

@Test func radixSortSortsKeysWithSharedHighDigits() {
    var rng = SplitMix(state: 3)
    for n in sizes {
        // Same top 40 bits; random below.
        expectBothWidths((0..<n).map { _ in 0x1234_5678_9A00_0000 | (rng.next() >> 40) })
        // Few distinct high parts, random low parts: runs below any LSD window.
        expectBothWidths((0..<n).map { _ in (UInt64(rng.below(5)) << 60) | (rng.next() >> 44) })
        // Keys equal above bit 20 in groups, with ties among the low bits too.
        expectBothWidths((0..<n).map { _ in (UInt64(rng.below(40)) << 40) | UInt64(rng.below(8)) })
    }
}

@Test func radixSortSortsDoublesOfBothSigns() {
    var rng = SplitMix(state: 4)
    for n in sizes {
        expectBothWidths(normalKeys(n, &rng))
        // Log-uniform magnitudes over 40 decades, both signs, and a few zeros of both signs.
        expectBothWidths((0..<n).map { _ in
            switch rng.below(20) {
            case 0: return (0.0).orderKey
            case 1: return (-0.0).orderKey
            default: return ((rng.below(2) == 0 ? -1.0 : 1.0) * pow(10, rng.unit() * 40 - 20)).orderKey
            }
        })
        // The order keys are the numeric order: check it on the decoded scores too.
        let keys = normalKeys(n, &rng)
        let sorted = keys.sorted()
        for i in 1..<Swift.max(1, n) { #expect(scoreFromSortKey(sorted[i - 1]) <= scoreFromSortKey(sorted[i])) }
    }
}

@Test func radixSortSortsLargeInputsThroughSeveralLevels() {
    var rng = SplitMix(state: 5)
    expectBothWidths(normalKeys(300_000, &rng))
    expectBothWidths((0..<300_000).map { _ in rng.next() >> UInt64(rng.below(64)) })
}

// radixSortPair: the two sets sorted on two threads with the larger one's buckets split
// between them, and one after the other; each set must come out as the same stable sort
// as the reference (and as radixSort) in both modes.

/// Sorts `first` and `second` (indices as values, the second's offset by its position in
/// one shared buffer as in the soft path) with `radixSortPair`, checks each against the
/// reference stable sort and the guard words past the buffers and tables.
private func expectPairSortedLikeReference<Value: FixedWidthInteger>(
    _ first: [UInt64], _ second: [UInt64], as _: Value.Type, inParallel: Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let total = first.count + second.count
    let guardWord: UInt64 = 0xDEAD_BEEF_F00D_CAFE
    var k = first + second + [guardWord]
    var v = (0..<total).map { Value(truncatingIfNeeded: $0) } + [Value(truncatingIfNeeded: guardWord)]
    var sk = [UInt64](repeating: 0, count: total + 1)
    sk[total] = guardWord
    var sv = [Value](repeating: 0, count: total + 1)
    sv[total] = Value(truncatingIfNeeded: guardWord)
    let tableInts = 2 * KeyedRadixSortTuning.tableCount
    var table = [Int](repeating: -1, count: tableInts + 1)
    table[tableInts] = 12345
    let fc = first.count, nc = second.count
    k.withUnsafeMutableBufferPointer { kp in
        v.withUnsafeMutableBufferPointer { vp in
            sk.withUnsafeMutableBufferPointer { skp in
                sv.withUnsafeMutableBufferPointer { svp in
                    table.withUnsafeMutableBufferPointer { tp in
                        let k0 = kp.baseAddress!, v0 = vp.baseAddress!, sk0 = skp.baseAddress!, sv0 = svp.baseAddress!
                        radixSortPair(
                            KeyedSortArrays(keys: k0, values: v0, scratchKeys: sk0, scratchValues: sv0, count: fc),
                            KeyedSortArrays(keys: k0 + fc, values: v0 + fc, scratchKeys: sk0 + fc,
                                            scratchValues: sv0 + fc, count: nc),
                            tables: tp.baseAddress!, inParallel: inParallel)
                    }
                }
            }
        }
    }
    for (offset, keys) in [(0, first), (fc, second)] {
        let reference = keys.indices.map { (key: keys[$0], index: $0 + offset) }
            .sorted { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
        var firstMismatch: Int? = nil
        for i in 0..<keys.count where k[offset + i] != reference[i].key || Int(v[offset + i]) != reference[i].index {
            firstMismatch = i
            break
        }
        #expect(firstMismatch == nil,
                "sizes \(fc), \(nc), \(Value.self), parallel \(inParallel): set at \(offset), first mismatch at \(firstMismatch ?? -1)",
                sourceLocation: sourceLocation)
    }
    #expect(k[total] == guardWord && sk[total] == guardWord, "wrote past the keys", sourceLocation: sourceLocation)
    #expect(v[total] == Value(truncatingIfNeeded: guardWord) && sv[total] == Value(truncatingIfNeeded: guardWord),
            "wrote past the values", sourceLocation: sourceLocation)
    #expect(table[tableInts] == 12345, "wrote past the tables", sourceLocation: sourceLocation)
}

/// `radixSortPair` of the two sets against the reference, both value widths, on one thread
/// and two (also used by KeyedRadixSortSharedPassTests.swift).
func expectPairBothModes(_ first: [UInt64], _ second: [UInt64], sourceLocation: SourceLocation = #_sourceLocation) {
    for parallel in [true, false] {
        expectPairSortedLikeReference(first, second, as: UInt32.self, inParallel: parallel, sourceLocation: sourceLocation)
        expectPairSortedLikeReference(first, second, as: UInt64.self, inParallel: parallel, sourceLocation: sourceLocation)
    }
}

@Test func radixSortPairMatchesAStableSortOnSoftPathData() {
    var rng = SplitMix(state: 11)
    // 70/30 as the soft benchmark (the larger set split over several levels), the larger
    // set second, equal sizes, and sizes around the split's threshold (4 x 21,845 keys).
    expectPairBothModes(normalKeys(210_000, &rng), normalKeys(90_000, &rng))
    expectPairBothModes(normalKeys(30_000, &rng), normalKeys(270_000, &rng))
    expectPairBothModes(normalKeys(150_000, &rng), normalKeys(150_000, &rng))
    expectPairBothModes(normalKeys(87_380, &rng), normalKeys(10, &rng))
    expectPairBothModes(normalKeys(87_381, &rng), [])
    expectPairBothModes([], normalKeys(100_000, &rng))
}

@Test func radixSortPairKeepsTiesInOrder() {
    var rng = SplitMix(state: 12)
    // All keys equal (no varying bit: each set on its own thread), few distinct values
    // (the target position inside a bucket of equal keys), two values, random keys.
    expectPairBothModes([UInt64](repeating: 0x8000_0000_0000_0001, count: 200_000),
                        [UInt64](repeating: 7, count: 50_000))
    expectPairBothModes((0..<200_000).map { _ in Double(rng.below(3)).orderKey },
                        (0..<60_000).map { _ in Double(rng.below(3)).orderKey })
    expectPairBothModes((0..<200_000).map { _ in UInt64(rng.below(2)) << 63 },
                        (0..<60_000).map { _ in UInt64(rng.below(2)) })
    expectPairBothModes((0..<200_000).map { _ in rng.next() }, (0..<100_000).map { _ in rng.next() })
    // One key different from all the others at the top, shared high digits below.
    expectPairBothModes([UInt64.max] + (0..<200_000).map { _ in 0x1234_5678_9A00_0000 | (rng.next() >> 40) },
                        (0..<40_000).map { _ in (UInt64(rng.below(5)) << 60) | (rng.next() >> 44) })
}

// Three LSD digits (ranges of `lsdThreeDigitMinimum` keys or more, in cache): sizes around
// that threshold and the cache limit, key sets whose varying bits need the third digit,
// fit in it exactly (narrowed), skip its middle digit, or leave runs below it.
@Test func radixSortThreeDigitWindows() {
    var rng = SplitMix(state: 6)
    let m = KeyedRadixSortTuning.lsdThreeDigitMinimum
    for n in [m - 1, m, m + 1, 5000, 16384, 21845] {
        // 21 to 30 varying bits: three narrowed digits of 7 to 10 bits.
        expectBothWidths((0..<n).map { _ in rng.next() >> 34 })
        expectBothWidths((0..<n).map { _ in (rng.next() >> 43) << 5 })
        // Varying bits at both ends only: the middle digit the same for every key.
        expectBothWidths((0..<n).map { _ in (UInt64(rng.below(1024)) << 54) | UInt64(rng.below(1024)) })
        // Wider than three digits with ties above and below the window.
        expectBothWidths((0..<n).map { _ in (UInt64(rng.below(300)) << 40) | UInt64(rng.below(3)) })
        expectBothWidths((0..<n).map { _ in ((rng.next() >> 40) << 40) | UInt64(rng.below(4)) })
        expectBothWidths(normalKeys(n, &rng))
    }
}
