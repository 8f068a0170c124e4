import Testing
@testable import DiffAUROCCore

// The keyed radix sort's LSD route for the buckets of a call's first MSD pass up to
// `firstBucketCacheBytes` (KeyedRadixSort.swift), against an independent stable sort:
// Swift's sort of (key, index) pairs by key then index. The sets are built so that the
// first pass leaves buckets on both sides of that limit (43,690 keys with UInt32 values,
// 32,768 with UInt64), and N(0, 1) scores whose first-pass buckets (sign and top exponent
// bits) are about half of the keys, with runs below the LSD window.

// Checked by KeyedRadixSortTests.swift's `expectBothWidths` (reference stable sort, both
// value widths, guard words past every buffer).

@Test func firstBucketsAroundTheirLimit() {
    let narrowLimit = KeyedRadixSortTuning.firstBucketCacheBytes / 12
    let wideLimit = KeyedRadixSortTuning.firstBucketCacheBytes / 16
    #expect(narrowLimit == 43_690 && wideLimit == 32_768)
    var g = SplitMix(state: 0x9E37_79B9_7F4A_7C15)
    // The first pass (64 buckets at these sizes) cuts on the top six bits: groups 1 and 2
    // are two buckets; group 40 (bit 63 set) makes bit 63 vary. Lower bits: random, then
    // a few keys repeated to leave ties.
    for (a, b) in [(narrowLimit, narrowLimit + 1), (wideLimit, wideLimit + 1)] {
        var keys: [UInt64] = []
        for (group, size) in [(UInt64(1), a), (2, b), (40, 1000)] {
            for _ in 0..<size { keys.append(group << 58 | g.next() >> 6) }
        }
        for i in stride(from: 0, to: keys.count, by: 97) { keys[i] = keys[(i * 31) % keys.count] }
        expectBothWidths(keys)
    }
}

@Test func normalScoresWithHalfSizedFirstBuckets() {
    var g = SplitMix(state: 88_172_645_463_325_252)
    for (n, mean) in [(50_000, 0.0), (70_000, 0.0), (87_000, 1.0)] {
        // Rounded to 2^-30: ties, and runs below the LSD window (`roundedNormalKeys`).
        expectBothWidths(roundedNormalKeys(n, mean: mean, &g))
    }
}
