import Testing
@testable import DiffAUROCCore

// The few-cells path (FewCellsSoftAUROC.swift): scores spanning 2 to 128 regular grid
// cells, summed without grouping the points, cells more than 3 apart through its far field
// (FewCellsFarField.swift). Against the float64 direct pair sum (.pairwise) at
// 1e-12 of each quantity's natural scale; and its own bits across threads, index widths
// and value-only calls. The path is forced (`FastSoftTesting.fewCells`) where the inputs
// are too small for its size rule, so that the pair sum stays cheap.

/// The fast path with the test hooks this file needs: route reported, few-cells forced
/// or barred, threads forced, index width chosen.
private func fewCells<I: FastSoftIndices>(
    _ scores: [Double], _ labels: [Double], _ weights: [Double]?, temperature: Double,
    fewCells: Bool? = true, parallel: Bool? = nil, gradient wantGradient: Bool = true, indices: I.Type
) throws -> (result: SoftAUROCResult, gradient: [Double], route: FastSoftRoute?) {
    var gradient = [Double](repeating: .nan, count: scores.count)
    var route: FastSoftRoute? = nil
    let result = try gradient.withUnsafeMutableBufferPointer { g in
        try withUnsafeMutablePointer(to: &route) { r in
            try withSamples(scores, labels, weights) {
                try fastSoftAUROC($0, temperature: temperature, gradient: wantGradient ? g : nil, indices: indices,
                                  testing: FastSoftTesting(route: r, parallel: parallel, fewCells: fewCells))
            }
        }
    }
    return (result, gradient, route)
}

/// Asserts the few-cells route and 1e-12 agreement with the pair sum; then the same bits
/// on two threads and on one, with 64-bit indices, and (value and d/dT) without gradient.
private func expectFewCellsMatches(_ scores: [Double], _ labels: [Double], _ weights: [Double]?,
                                   temperature: Double,
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
    let fast = try fewCells(scores, labels, weights, temperature: temperature, parallel: true,
                            indices: NarrowSoftIndices.self)
    #expect(fast.route == .fewCells, "\(String(describing: fast.route))", sourceLocation: sourceLocation)
    let worst = softErrorOverBar((fast.result, fast.gradient),
                                 try soft(scores, labels, weights, temperature: temperature, method: .pairwise),
                                 labels: labels, weights: weights, temperature: temperature,
                                 sourceLocation: sourceLocation)
    #expect(worst <= 1, "worst error / bar = \(worst) at T = \(temperature)", sourceLocation: sourceLocation)
    for other in [try fewCells(scores, labels, weights, temperature: temperature, parallel: false,
                               indices: NarrowSoftIndices.self),
                  try fewCells(scores, labels, weights, temperature: temperature, indices: WideSoftIndices.self)] {
        #expect(other.route == .fewCells, sourceLocation: sourceLocation)
        expectSameBits(other.result, fast.result, gradients: (other.gradient, fast.gradient), sourceLocation: sourceLocation)
    }
    let valueOnly = try fewCells(scores, labels, weights, temperature: temperature, gradient: false,
                                 indices: NarrowSoftIndices.self)
    #expect(valueOnly.route == .fewCells, sourceLocation: sourceLocation)
    expectSameBits(valueOnly.result, fast.result, sourceLocation: sourceLocation)
}

// Cell counts the path takes, from 2 to 1,001 (T from half the range to 1/1,000 of it):
// N(0, 1) + label scores, so the tail cells hold a point or two of a class (interpolated
// here; the grid route sums those directly) while the middle ones hold hundreds (a few at
// 1,001 cells). Odd counts: partial gather blocks (of 64 points to 128 cells, of 16 beyond,
// where slots pass 255) and of 8 lanes in the gradient.
@Test(arguments: [1.3, 2.1, 3.5, 7.9, 16.3, 31.7, 63.2, 127.4, 255.7, 1000.3])
func fewCellsMatchThePairSum(cells: Double) throws {
    var rng = SplitMix(state: 71)
    let n = 2501
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    let scores = normalPlusLabelScores(labels, &rng)
    var weights = (0..<n).map { _ in Int.random(in: 0..<7, using: &rng) == 0 ? 0 : Double.random(in: 0...3, using: &rng) }
    // (The extremes keep a weight: the grid spans the scores of positive weight.)
    weights[scores.firstIndex(of: scores.min()!)!] = 1
    weights[scores.firstIndex(of: scores.max()!)!] = 1
    let temperature = (scores.max()! - scores.min()!) / cells
    try expectFewCellsMatches(scores, labels, nil, temperature: temperature)
    try expectFewCellsMatches(scores, labels, weights, temperature: temperature)
}

// Inputs at the path's edges: ties on grid lines (many points of one cell at its lo),
// -0.0 beside 0.0, scores far from 0 on the scale of T (regular grid lines still exact),
// one class with a single point, and weight-0 samples whose scores lie far outside the
// grid of the weighted ones (in SIMD lanes and in the scalar tail of the gradient).
@Test func fewCellsAtTheirEdges() throws {
    var rng = SplitMix(state: 72)
    let n = 1203
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.4)
    let tied = (0..<n).map { _ in Double(Int.random(in: 0...5, using: &rng)) * 0.25 }
    try expectFewCellsMatches(tied, labels, nil, temperature: 0.25)
    var signed = tied.map { $0 - 0.5 }
    signed[0] = -0.0; signed[1] = 0.0
    try expectFewCellsMatches(signed, labels, nil, temperature: 0.3)
    let offset = (0..<n).map { k in 1e6 + labels[k] + Double.random(in: -2...2, using: &rng) }
    try expectFewCellsMatches(offset, labels, nil, temperature: 0.4)
    var single = (0..<n).map { _ in 0.0 }
    single[7] = 1
    let spread = (0..<n).map { _ in Double.random(in: -3...3, using: &rng) }
    try expectFewCellsMatches(spread, single, nil, temperature: 0.5)
    var weights = (0..<n).map { _ in Double.random(in: 0.5...2, using: &rng) }
    var outside = spread
    for k in [0, 3, 8, 600, n - 2, n - 1] {
        weights[k] = 0
        outside[k] = k.isMultiple(of: 2) ? 1e300 : -1e300
    }
    try expectFewCellsMatches(outside, labels, weights, temperature: 0.7)
}

// The size rule: the path is taken by itself from 2 to 1,024 cells with at least 8 points a
// cell, 64 beyond, never beyond 32,768 cells; the grid route (barred from the path) gives
// the same values to rounding, with cells near and far (the far ones from 5 cells on:
// FewCellsFarField).
@Test func fewCellsSizeRule() throws {
    var rng = SplitMix(state: 73)
    let n = 40_000
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    let scores = normalPlusLabelScores(labels, &rng)
    let range = scores.max()! - scores.min()!
    for (cells, route) in [(10.5, FastSoftRoute.fewCells), (40.5, .fewCells), (130.5, .fewCells),
                           (600.5, .fewCells), (1100.5, .cells)] {
        let auto = try fewCells(scores, labels, nil, temperature: range / cells, fewCells: nil,
                                indices: NarrowSoftIndices.self)
        #expect(auto.route == route, "\(String(describing: auto.route)) at \(cells) cells")
        let grid = try fewCells(scores, labels, nil, temperature: range / cells, fewCells: false,
                                indices: NarrowSoftIndices.self)
        #expect(grid.route == .cells)
        #expect(abs(auto.result.value - grid.result.value) <= 1e-14)
        #expect(abs(auto.result.dTemperature - grid.result.dTemperature) * range / cells <= 1e-14)
        let scale = grid.gradient.map(abs).max()!
        #expect(zip(auto.gradient, grid.gradient).allSatisfy { abs($0 - $1) <= 1e-13 * scale })
    }
    // 40.5 cells (a grid of 41) need 41 * 8 = 328 points or more: 320 take another route
    // (the sorting route: 7.9 points a width, below `sortingDensity`), 340 take the path. (1,101 cells need 70,464: 40,000 stay on the grid, above.)
    // Beyond 32,768 cells even a forced call takes another route.
    let few = Array(scores[0..<320]), fewLabels = Array(labels[0..<320])
    let small = try fewCells(few, fewLabels, nil, temperature: (few.max()! - few.min()!) / 40.5, fewCells: nil,
                             indices: NarrowSoftIndices.self)
    #expect(small.route != nil && small.route != .fewCells)
    let enough = Array(scores[0..<340]), enoughLabels = Array(labels[0..<340])
    let taken = try fewCells(enough, enoughLabels, nil, temperature: (enough.max()! - enough.min()!) / 40.5,
                             fewCells: nil, indices: NarrowSoftIndices.self)
    #expect(taken.route == .fewCells)
    let wide = try fewCells(scores, labels, nil, temperature: range / 33_000.5, fewCells: true,
                            indices: NarrowSoftIndices.self)
    #expect(wide.route != nil && wide.route != .fewCells)
}
