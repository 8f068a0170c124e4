import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import DiffAUROCCore

// The first pass by the scores' values (`ValueBuckets`, KeyedRadixSort.swift), taken by
// `radixSort`, `radixSortPair`'s split and its shared first pass when a set has more keys
// than the cache holds (21,846 with 4-byte values, 16,385 with 8-byte ones) and its lowest
// and highest keys stand for finite scores of a finite range, against the independent
// stable sort of KeyedRadixSortTests.swift (`expectBothWidths`, `expectPairBothModes`):
// ranges where the value buckets are taken and hold very unequal shares (outliers, ties,
// a range of a few ulps, both zeros), and ranges where they must not be (an infinite
// score, a range that overflows, a subnormal range whose scale overflows).
// Also the sort of a whole set in cache (64 to 21,845 / 16,384 keys) by two LSD digits of
// its values (`valueDigitSort`): levels few keys share (N(0, 1) scores), levels many share
// (outliers, a grid of ties: the insertion pass gives up, at its start or part way, and
// the bit passes sort from there), and the ranges where it is not taken.

/// Order keys of the scores (as `orderKey`, but -0 keeps its own key below +0's).
private func keys(_ scores: [Double]) -> [UInt64] {
    scores.map { x in
        let bits = x.bitPattern
        return bits ^ (UInt64(bitPattern: Int64(bitPattern: bits) >> 63) | (1 << 63))
    }
}

/// N(0, 1) scores (Box-Muller).
private func normals(_ n: Int, _ rng: inout SplitMix) -> [Double] {
    (0..<n).map { _ in
        let u = rng.unit() + 1e-300, w = rng.unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * w)
    }
}

/// Scores of -0 and +0 (a quarter each) among multiples of 1/1000 in [-1, 1].
private func zerosAmongOthers(_ n: Int, _ rng: inout SplitMix) -> [Double] {
    (0..<n).map { _ in
        switch rng.below(4) {
        case 0: return -0.0
        case 1: return 0.0
        default: return Double(rng.below(2001)) / 1000 - 1
        }
    }
}

private let largeSizes = [16_385, 21_846, 70_000, 300_000]

@Test func valueBucketsSortNormalScoresWithOutliers() {
    var rng = SplitMix(state: 31)
    for n in largeSizes {
        // Two far outliers: nearly every key in the middle bucket, which the bit passes
        // then sort (one more level).
        var s = normals(n, &rng)
        s[n / 3] = 1e300; s[n / 2] = -1e300
        expectBothWidths(keys(s))
        // One outlier on one side: the keys in the lowest bucket or two.
        var t = normals(n, &rng)
        t[7] = 4e9
        expectBothWidths(keys(t))
        // Scores near the range's ends and at bucket edges of a uniform grid (k / 1024,
        // many ties).
        expectBothWidths(keys((0..<n).map { _ in Double(rng.below(4096)) / 1024 }))
    }
}

@Test func valueBucketsSortNarrowRangesAndBothZeros() {
    var rng = SplitMix(state: 32)
    for n in largeSizes {
        // A range of 1,000 ulps above 1: buckets of a few ulps each.
        expectBothWidths(keys((0..<n).map { _ in Double(bitPattern: 1.0.bitPattern + UInt64(rng.below(1000))) }))
        // -0 and +0 (one score, two keys: the same bucket, -0's key first) among others.
        expectBothWidths(keys(zerosAmongOthers(n, &rng)))
        // Negative scores only, and positive ones only.
        expectBothWidths(keys(normals(n, &rng).map { -1 - abs($0) }))
        expectBothWidths(keys(normals(n, &rng).map { 1e-3 * abs($0) }))
    }
}

@Test func bitBucketsWhereTheScoresAllowNoValueBuckets() {
    var rng = SplitMix(state: 33)
    for n in largeSizes {
        // An infinite score.
        var s = normals(n, &rng)
        s[5] = .infinity
        expectBothWidths(keys(s))
        // A finite range whose width overflows.
        var t = normals(n, &rng)
        t[1] = Double.greatestFiniteMagnitude; t[2] = -Double.greatestFiniteMagnitude
        expectBothWidths(keys(t))
        // Subnormal scores: a width of a few hundred ulps of the least nonzero magnitude,
        // whose scale (buckets / width) overflows.
        expectBothWidths(keys((0..<n).map { _ in Double(rng.below(300)) * Double.leastNonzeroMagnitude }))
        // Keys that stand for NaNs at both ends (arbitrary bit patterns).
        expectBothWidths([0, UInt64.max] + keys(normals(n, &rng)))
    }
}

@Test func valueBucketsInThePairSort() {
    var rng = SplitMix(state: 34)
    // The split (the larger set above 4 x 21,845 keys) and the shared first pass (21,846 to
    // 87,380 keys, more than twice the smaller set), with outliers and ties.
    var a = normals(210_000, &rng)
    a[100] = 1e300; a[200] = -1e300
    expectPairBothModes(keys(a), keys(normals(90_000, &rng)))
    expectPairBothModes(keys((0..<150_000).map { _ in Double(rng.below(64)) / 8 }),
                        keys((0..<20_000).map { _ in Double(rng.below(64)) / 8 }))
    expectPairBothModes(keys(normals(70_000, &rng)), keys(normals(30_000, &rng)))
    var b = normals(60_000, &rng)
    b[0] = .infinity
    expectPairBothModes(keys(b), keys(normals(20_000, &rng)))
    expectPairBothModes(keys((0..<50_000).map { _ in Double(bitPattern: 1.0.bitPattern + UInt64(rng.below(300))) }),
                        keys(normals(10_000, &rng)))
}

/// In-cache sizes of `valueDigitSort` (from `valueDigitMinimum`; the largest are the
/// cache limits for 8-byte and 4-byte values) and a few below it.
private let cacheSizes = [33, 63, 64, 65, 100, 1000, 3000, 7000, 16_384, 21_845]

@Test func valueDigitsSortNormalScoresInCache() {
    var rng = SplitMix(state: 35)
    for n in cacheSizes {
        // 16 to 32 levels a key: a few keys share a level (the insertion pass moves them).
        expectBothWidths(keys(normals(n, &rng)))
        expectBothWidths(keys(normals(n, &rng).map { $0 + 1 }))
        // Scores rounded to 2^-12: ties inside levels (equal keys keep their order).
        expectBothWidths(keys(normals(n, &rng).map { ($0 * 4096).rounded() / 4096 }))
        // -0 and +0 (one level, two keys) among others; one-signed scores.
        expectBothWidths(keys(zerosAmongOthers(n, &rng)))
        expectBothWidths(keys(normals(n, &rng).map { -1 - abs($0) }))
        // A range of 1,000 ulps: levels of a fraction of an ulp (most empty).
        expectBothWidths(keys((0..<n).map { _ in Double(bitPattern: 1.0.bitPattern + UInt64(rng.below(1000))) }))
    }
}

@Test func valueDigitsGiveUpWhereManyKeysShareALevel() {
    var rng = SplitMix(state: 36)
    for n in cacheSizes {
        // Two far outliers: every other key in the middle level; the insertion pass gives
        // up at once.
        var s = normals(n, &rng)
        s[n / 3] = 1e300; s[n / 2] = -1e300
        expectBothWidths(keys(s))
        // Half the keys spread, half inside one level (a range of 1e-12 at 0.5): the pass
        // gives up part way, with some levels already in order.
        expectBothWidths(keys(normals(n, &rng).enumerated().map { i, x in
            i % 2 == 0 ? x : 0.5 + 1e-12 * rng.unit()
        }))
        // Log-normal scores, heavy-tailed (sigma 2: most keys in the lowest high digit,
        // the bit passes from the start) and less so (sigma 1: the value digits).
        for sigma in [1.0, 2.0, 3.0] {
            expectBothWidths(keys(normals(n, &rng).map { exp(sigma * $0) }))
        }
        // Four distinct scores: every key shares its level with a quarter of the others,
        // all of them equal (nothing to move: the pass keeps them).
        expectBothWidths(keys((0..<n).map { _ in Double(rng.below(4)) }))
    }
}

@Test func bitPassesInCacheWhereTheScoresAllowNoValueDigits() {
    var rng = SplitMix(state: 37)
    for n in cacheSizes {
        var s = normals(n, &rng)
        s[5] = -.infinity
        expectBothWidths(keys(s))
        var t = normals(n, &rng)
        t[1] = Double.greatestFiniteMagnitude; t[2] = -Double.greatestFiniteMagnitude
        expectBothWidths(keys(t))
        expectBothWidths(keys((0..<n).map { _ in Double(rng.below(300)) * Double.leastNonzeroMagnitude }))
        expectBothWidths([UInt64.max] + keys(normals(n, &rng)))
    }
}
