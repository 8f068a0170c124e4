import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import DiffAUROCCore

// radixSortPair's route for a larger set of one MSD pass (21,846 to 87,380 keys with
// UInt32 values, 16,385 to 65,536 with UInt64) more than twice the smaller
// (`sortSharingFirstPass`, KeyedRadixSort.swift): the larger set's first pass on one
// thread while the other sorts the smaller set, then its buckets cut between the two.
// Each set must come out as an independent stable sort orders it (Swift's sort of
// (key, index) pairs), in both modes, whichever set is the larger, at the route's edges,
// with ties and with a larger set whose keys are all equal.

/// Sorts the two sets (indices as values, the second's offset by its position in one
/// buffer, as the soft path lays them out) with `radixSortPair`; returns a description
/// of the first difference from the reference or of a guard word overwritten, or nil.
private func pairMismatch<Value: FixedWidthInteger>(
    _ first: [UInt64], _ second: [UInt64], as _: Value.Type, inParallel: Bool
) -> String? {
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
        for i in 0..<keys.count where k[offset + i] != reference[i].key || Int(v[offset + i]) != reference[i].index {
            return "set at \(offset): first mismatch at \(i)"
        }
    }
    if k[total] != guardWord || sk[total] != guardWord { return "wrote past the keys" }
    if v[total] != Value(truncatingIfNeeded: guardWord) || sv[total] != Value(truncatingIfNeeded: guardWord) {
        return "wrote past the values"
    }
    if table[tableInts] != 12345 { return "wrote past the tables" }
    return nil
}

/// xorshift64 and N(0, 1) scores (Box-Muller) as order keys, rounded to 2^-30 so that
/// there are ties and keys that differ only in their last bits.
private struct NormalKeys {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return state
    }
    mutating func keys(_ n: Int, mean: Double) -> [UInt64] {
        (0..<n).map { _ in
            let u = Double(next() >> 11) * 0x1.0p-53 + 1e-300, v = Double(next() >> 11) * 0x1.0p-53
            let x = ((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v) * 0x1p30).rounded() * 0x1p-30
            return (x + mean).orderKey
        }
    }
}

private func expectPairEverywhere(_ first: [UInt64], _ second: [UInt64], sourceLocation: SourceLocation = #_sourceLocation) {
    for parallel in [true, false] {
        #expect(pairMismatch(first, second, as: UInt32.self, inParallel: parallel) == nil,
                "sizes \(first.count), \(second.count), UInt32, parallel \(parallel)", sourceLocation: sourceLocation)
        #expect(pairMismatch(first, second, as: UInt64.self, inParallel: parallel) == nil,
                "sizes \(first.count), \(second.count), UInt64, parallel \(parallel)", sourceLocation: sourceLocation)
    }
}

@Test func sharedFirstPassSortsTheSoftBenchmarksClasses() {
    var g = NormalKeys(state: 0x2545_F491_4F6C_DD1D)
    // 70/30 at n = 10^5 (negatives N(0, 1), positives N(1, 1)), either set the larger.
    expectPairEverywhere(g.keys(30_000, mean: 1), g.keys(70_000, mean: 0))
    expectPairEverywhere(g.keys(70_000, mean: 0), g.keys(30_000, mean: 1))
}

@Test func sharedFirstPassAtItsEdges() {
    var g = NormalKeys(state: 7)
    // Just over and at twice the smaller set; the smallest larger set of one MSD pass
    // (UInt32), with an empty smaller set; the largest before the split of the larger set.
    expectPairEverywhere(g.keys(43_691, mean: 0), g.keys(21_845, mean: 0))
    expectPairEverywhere(g.keys(43_690, mean: 0), g.keys(21_845, mean: 0))
    expectPairEverywhere(g.keys(21_846, mean: 0), [])
    expectPairEverywhere(g.keys(5, mean: 0), g.keys(87_380, mean: 0))
}

@Test func sharedFirstPassWithEqualOrFewKeys() {
    var g = NormalKeys(state: 99)
    // All equal (nothing to sort in the larger set), and few distinct values (long
    // runs of ties across the bucket cut).
    expectPairEverywhere([UInt64](repeating: 0x8000_0000_0000_0001, count: 60_000), g.keys(20_000, mean: 0))
    expectPairEverywhere(g.keys(60_000, mean: 0).map { $0 & ~((1 << 52) - 1) }, g.keys(1_000, mean: 0))
}
