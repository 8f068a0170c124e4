import Testing
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

// Keys: `roundedNormalKeys` (KeyedRadixSortTests.swift).

@Test func sharedFirstPassSortsTheSoftBenchmarksClasses() {
    var g = SplitMix(state: 0x2545_F491_4F6C_DD1D)
    // 70/30 at n = 10^5 (negatives N(0, 1), positives N(1, 1)), either set the larger.
    expectPairBothModes(roundedNormalKeys(30_000, mean: 1, &g), roundedNormalKeys(70_000, mean: 0, &g))
    expectPairBothModes(roundedNormalKeys(70_000, mean: 0, &g), roundedNormalKeys(30_000, mean: 1, &g))
}

@Test func sharedFirstPassAtItsEdges() {
    var g = SplitMix(state: 7)
    // Just over and at twice the smaller set; the smallest larger set of one MSD pass
    // (UInt32), with an empty smaller set; the largest before the split of the larger set.
    expectPairBothModes(roundedNormalKeys(43_691, mean: 0, &g), roundedNormalKeys(21_845, mean: 0, &g))
    expectPairBothModes(roundedNormalKeys(43_690, mean: 0, &g), roundedNormalKeys(21_845, mean: 0, &g))
    expectPairBothModes(roundedNormalKeys(21_846, mean: 0, &g), [])
    expectPairBothModes(roundedNormalKeys(5, mean: 0, &g), roundedNormalKeys(87_380, mean: 0, &g))
}

@Test func sharedFirstPassWithEqualOrFewKeys() {
    var g = SplitMix(state: 99)
    // All equal (nothing to sort in the larger set), and few distinct values (long
    // runs of ties across the bucket cut).
    expectPairBothModes([UInt64](repeating: 0x8000_0000_0000_0001, count: 60_000), roundedNormalKeys(20_000, mean: 0, &g))
    expectPairBothModes(roundedNormalKeys(60_000, mean: 0, &g).map { $0 & ~((1 << 52) - 1) }, roundedNormalKeys(1_000, mean: 0, &g))
}
