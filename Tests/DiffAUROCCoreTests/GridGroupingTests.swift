import Testing
@testable import DiffAUROCCore

// The grid route's grouping on two levels (GridGrouping.swift): buckets of 2^shift cells
// first, then the cells within each bucket. Both levels are stable, so the layout, and
// with it every bit of the result, must be the one-level grouping's. The size rule picks
// two levels from 2^15 grid cells (n >= 131,072 at the least); the `gridShift` hook
// forces either at test sizes, and `gridShiftUsed` shows which one ran, so a forced run
// that silently fell back to one level fails here instead of comparing one level with itself.
// The one-level results themselves are held to the pair sum by FastSoftAUROCTests.

private struct GroupingRun {
    var result: SoftAUROCResult
    var gradient: [Double]
    var route: FastSoftRoute?
    var shift: Int?
}

/// The fast path on the grid route (the few-cells path barred: many of these inputs would
/// take it), with the grouping's levels forced or chosen.
private func runGrouped<I: FastSoftIndices>(_ scores: [Double], _ labels: [Double], _ weights: [Double]?,
                                            temperature: Double, shift: Int?, parallel: Bool? = nil,
                                            doubleCells: Bool? = nil, indices: I.Type) throws -> GroupingRun {
    var gradient = [Double](repeating: .nan, count: scores.count)
    var route: FastSoftRoute? = nil
    var used: Int? = nil
    let result = try gradient.withUnsafeMutableBufferPointer { g in
        try withUnsafeMutablePointer(to: &route) { r in
            try withUnsafeMutablePointer(to: &used) { u in
                try withSamples(scores, labels, weights) {
                    try fastSoftAUROC($0, temperature: temperature, gradient: g, indices: indices,
                                      testing: FastSoftTesting(route: r, parallel: parallel, fewCells: false,
                                                               gridShift: shift, gridShiftUsed: u,
                                                               doubleCells: doubleCells))
                }
            }
        }
    }
    return GroupingRun(result: result, gradient: gradient, route: route, shift: used)
}

/// Two levels at each of `shifts` give one level's bits (value, d/dT, every gradient), on
/// the cells route, with both index widths.
private func expectTwoLevelsMatchOne(_ scores: [Double], _ labels: [Double], _ weights: [Double]?,
                                     temperature: Double, shifts: [Int],
                                     sourceLocation: SourceLocation = #_sourceLocation) throws {
    let one = try runGrouped(scores, labels, weights, temperature: temperature, shift: 0,
                             indices: NarrowSoftIndices.self)
    #expect(one.route == .cells && one.shift == 0, "\(String(describing: one.route)) \(String(describing: one.shift))",
            sourceLocation: sourceLocation)
    for shift in shifts {
        for wide in [false, true] {
            let two = wide
                ? try runGrouped(scores, labels, weights, temperature: temperature, shift: shift,
                                 indices: WideSoftIndices.self)
                : try runGrouped(scores, labels, weights, temperature: temperature, shift: shift,
                                 indices: NarrowSoftIndices.self)
            #expect(two.route == .cells && two.shift == shift,
                    "shift \(shift): ran \(String(describing: two.route)) \(String(describing: two.shift))",
                    sourceLocation: sourceLocation)
            #expect(two.result.value.bitPattern == one.result.value.bitPattern,
                    "shift \(shift) wide \(wide): value \(two.result.value) vs \(one.result.value)",
                    sourceLocation: sourceLocation)
            #expect(two.result.dTemperature.bitPattern == one.result.dTemperature.bitPattern,
                    "shift \(shift) wide \(wide): d/dT", sourceLocation: sourceLocation)
            let differing = differingBits(two.gradient, one.gradient)
            #expect(differing == 0, "shift \(shift) wide \(wide): \(differing) gradients differ",
                    sourceLocation: sourceLocation)
        }
    }
}

// One thread (3,000 points) and two (30,000, past `parallelThreshold`: two halves in the
// first level, two ranges of buckets in the second); plain, weighted with zeros (left out
// of the grouping), ties, and far from 0 (1e12: no regular grid, lo-anchored cells).
// Shifts from 1 (two cells a bucket) to past the grid (one bucket).
@Test(arguments: [3_000, 30_000])
func twoLevelGroupingGivesTheOneLevelBits(n: Int) throws {
    var rng = SplitMix(state: 907)
    let (labels, scores, weights) = normalSoftTestData(n, &rng, positiveRate: 0.3)
    // About 330 (n = 3,000) or 1,000 grid cells (below n / 8, where the sorting route
    // begins: `sortingDensity`).
    let t = n < 30_000 ? 0.03 : 0.01
    let shifts = [1, 3, 6, 20]
    try expectTwoLevelsMatchOne(scores, labels, nil, temperature: t, shifts: shifts)
    try expectTwoLevelsMatchOne(scores, labels, weights, temperature: t, shifts: shifts)
    try expectTwoLevelsMatchOne(scores.map { ($0 * 400).rounded() / 400 }, labels, nil, temperature: t,
                                shifts: shifts)
    try expectTwoLevelsMatchOne(scores.map { $0 + 1e12 }, labels, weights, temperature: t, shifts: shifts)
    // Dense cells with a far field (T = 0.05: ~200 cells) and sparse ones (T = 0.004).
    try expectTwoLevelsMatchOne(scores, labels, weights, temperature: 0.05, shifts: [2, 5])
    if n >= 30_000 {
        try expectTwoLevelsMatchOne(scores, labels, nil, temperature: 0.004, shifts: [2, 7])
    }
}

// Both threads' halves of the bucket pass give the bits of one thread doing both.
@Test func twoLevelGroupingIsTheSameOnOneThreadAndTwo() throws {
    var rng = SplitMix(state: 911)
    let (labels, scores, weights) = normalSoftTestData(30_000, &rng, positiveRate: 0.4)
    for parallel in [false, true] {
        let one = try runGrouped(scores, labels, weights, temperature: 0.01, shift: 0, parallel: parallel,
                                 indices: NarrowSoftIndices.self)
        let two = try runGrouped(scores, labels, weights, temperature: 0.01, shift: 4, parallel: parallel,
                                 indices: NarrowSoftIndices.self)
        #expect(two.shift == 4 && one.shift == 0)
        #expect(two.result.value.bitPattern == one.result.value.bitPattern)
        #expect(differingBits(two.gradient, one.gradient) == 0)
    }
}

// The size rule: one level below 2^15 grid cells, then buckets of at least 2^6 cells and
// at most 2^8 buckets; and at n = 400,000 with 40,000 grid cells (scores uniform on [0, 1]
// plus 0.1 for positives, T = 2.75e-5, unit cells: the density rule would take 20,000
// double cells) the route takes two levels by itself and gives the one-level bits.
@Test func theSizeRuleTakesTwoLevelsForManyCells() throws {
    #expect(GridGrouping.shift(gridCount: 1) == 0)
    #expect(GridGrouping.shift(gridCount: (1 << 15) - 1) == 0)
    #expect(GridGrouping.shift(gridCount: 1 << 15) == 7)
    #expect(GridGrouping.shift(gridCount: (1 << 15) + 1) == 8)
    #expect(GridGrouping.shift(gridCount: 1 << 20) == 12)
    for gridCount in [1 << 15, 100_000, 1_070_000, 1 << 30] {
        let shift = GridGrouping.shift(gridCount: gridCount)
        let buckets = (gridCount - 1) >> shift + 1
        #expect(buckets <= 1 << GridGrouping.bucketBits && shift >= GridGrouping.minimumShift, "\(gridCount)")
    }
    var rng = SplitMix(state: 919)
    let labels = labelsWithBothClasses(400_000, &rng, positiveRate: 0.3)
    let scores = labels.map { 0.1 * $0 + rng.unit() }
    let auto = try runGrouped(scores, labels, nil, temperature: 2.75e-5, shift: nil, doubleCells: false,
                              indices: NarrowSoftIndices.self)
    let one = try runGrouped(scores, labels, nil, temperature: 2.75e-5, shift: 0, doubleCells: false,
                             indices: NarrowSoftIndices.self)
    #expect(auto.route == .cells && (auto.shift ?? 0) > 0, "\(String(describing: auto.shift))")
    expectSameBits(auto.result, one.result, gradients: (auto.gradient, one.gradient))
}
