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

// Checked by KeyedRadixSortTests.swift's `expectPairBothModes` (reference stable sort of
// each set, both value widths, one thread and two, guard words past every buffer).

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

@Test func sharedFirstPassSortsTheSoftBenchmarksClasses() {
    var g = NormalKeys(state: 0x2545_F491_4F6C_DD1D)
    // 70/30 at n = 10^5 (negatives N(0, 1), positives N(1, 1)), either set the larger.
    expectPairBothModes(g.keys(30_000, mean: 1), g.keys(70_000, mean: 0))
    expectPairBothModes(g.keys(70_000, mean: 0), g.keys(30_000, mean: 1))
}

@Test func sharedFirstPassAtItsEdges() {
    var g = NormalKeys(state: 7)
    // Just over and at twice the smaller set; the smallest larger set of one MSD pass
    // (UInt32), with an empty smaller set; the largest before the split of the larger set.
    expectPairBothModes(g.keys(43_691, mean: 0), g.keys(21_845, mean: 0))
    expectPairBothModes(g.keys(43_690, mean: 0), g.keys(21_845, mean: 0))
    expectPairBothModes(g.keys(21_846, mean: 0), [])
    expectPairBothModes(g.keys(5, mean: 0), g.keys(87_380, mean: 0))
}

@Test func sharedFirstPassWithEqualOrFewKeys() {
    var g = NormalKeys(state: 99)
    // All equal (nothing to sort in the larger set), and few distinct values (long
    // runs of ties across the bucket cut).
    expectPairBothModes([UInt64](repeating: 0x8000_0000_0000_0001, count: 60_000), g.keys(20_000, mean: 0))
    expectPairBothModes(g.keys(60_000, mean: 0).map { $0 & ~((1 << 52) - 1) }, g.keys(1_000, mean: 0))
}
