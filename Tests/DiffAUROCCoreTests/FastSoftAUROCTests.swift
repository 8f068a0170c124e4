import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import DiffAUROCCore

// The fast soft AUROC (.fast) against the direct pair sum (.pairwise), to 1e-12 of each
// quantity's natural scale: 1 for the value, w_k / (T * W_class) for a gradient, 1/T for
// d/dT. Hand-checkable cases first, then adversarial and randomized ones.

/// The largest error of .fast against .pairwise, each divided by its bar (must be <= 1).
@discardableResult
private func expectFastMatchesPairwise(_ scores: [Double], _ labels: [Double], _ weights: [Double]?,
                                       temperature: Double,
                                       sourceLocation: SourceLocation = #_sourceLocation) throws -> Double {
    let worst = softErrorOverBar(try soft(scores, labels, weights, temperature: temperature, method: .fast),
                                 try soft(scores, labels, weights, temperature: temperature, method: .pairwise),
                                 labels: labels, weights: weights, temperature: temperature,
                                 sourceLocation: sourceLocation)
    #expect(worst <= 1, "worst error / bar = \(worst) at T = \(temperature)", sourceLocation: sourceLocation)
    return worst
}

private func randomLabels(_ n: Int, _ rng: inout SplitMix, positiveRate: Double = 0.4) -> [Double] {
    labelsWithBothClasses(n, &rng, positiveRate: positiveRate)
}

@Test func twoPointsMatchTheFormula() throws {
    // One pair, x = (2 - 1) / 0.5 = 2: value sigmoid(2), gradients +-sigmoid'(2) / T.
    let out = try soft([2, 1], [1, 0], nil, temperature: 0.5, method: .fast)
    let s = 1 / (1 + exp(-2.0)), slope = s * (1 - s)
    #expect(abs(out.result.value - s) < 1e-15)
    #expect(abs(out.gradient[0] - slope / 0.5) < 1e-14)
    #expect(abs(out.gradient[1] + slope / 0.5) < 1e-14)
    #expect(abs(out.result.dTemperature - (-2 * slope / 0.5)) < 1e-14)
}

@Test func oneClassGivesNoPairsAndZeroGradient() throws {
    let out = try soft([1, 2, 3], [1, 1, 1], nil, temperature: 1, method: .fast)
    #expect(out.result == .noPairs)
    #expect(out.gradient == [0, 0, 0])
    // Weight 0 removes the only negative.
    let weighted = try soft([1, 2, 3], [1, 0, 1], [1, 0, 1], temperature: 1, method: .fast)
    #expect(weighted.result == .noPairs)
    #expect(weighted.gradient == [0, 0, 0])
}

@Test func scoresNearTheLargestDoubleStayFinite() throws {
    // s_pos - s_neg = 2e308 overflows a double; (s/2 - s'/2) / T does not. x = 2.
    let out = try soft([1e308, -1e308], [1, 0], nil, temperature: 1e308, method: .fast)
    let s = 1 / (1 + exp(-2.0)), slope = s * (1 - s)
    #expect(abs(out.result.value - s) < 1e-15)
    #expect(abs(out.gradient[0] * 1e308 - slope) < 1e-15)
    #expect(abs(out.gradient[1] * 1e308 + slope) < 1e-15)
    #expect(abs(out.result.dTemperature * 1e308 + 2 * slope) < 1e-15)
}

@Test(arguments: [1e-12, 1e-8, 1e-3, 0.05, 0.3, 1, 4, 30, 1e3, 1e8, 1e12])
func randomScoresAtEveryTemperature(relativeTemperature: Double) throws {
    var rng = SplitMix(state: 42)
    let n = 1200
    let scores = (0..<n).map { _ in Double.random(in: -3...3, using: &rng) }
    let labels = randomLabels(n, &rng)
    let weights = (0..<n).map { _ in Int.random(in: 0..<8, using: &rng) == 0 ? 0 : Double.random(in: 0...3, using: &rng) }
    let spread = scores.max()! - scores.min()!
    try expectFastMatchesPairwise(scores, labels, nil, temperature: relativeTemperature * spread)
    try expectFastMatchesPairwise(scores, labels, weights, temperature: relativeTemperature * spread)
}

@Test(arguments: [1e-8, 0.01, 1, 1e8])
func allScoresTied(temperature: Double) throws {
    var rng = SplitMix(state: 7)
    let n = 900
    try expectFastMatchesPairwise([Double](repeating: 0.25, count: n), randomLabels(n, &rng), nil,
                                  temperature: temperature)
}

@Test(arguments: [1e-8, 0.3, 1, 3, 1e8])
func manyCopiesOfTwoValues(temperature: Double) throws {
    var rng = SplitMix(state: 8)
    let n = 2000
    let scores = (0..<n).map { _ in Bool.random(using: &rng) ? -1.5 : 2.0 }
    try expectFastMatchesPairwise(scores, randomLabels(n, &rng), nil, temperature: temperature)
}

@Test(arguments: [1e-12, 1e-9, 1e-6, 1, 1e6, 1e9])
func oneOutlierFarFromATightCluster(temperature: Double) throws {
    var rng = SplitMix(state: 9)
    let n = 1500
    var scores = (0..<n).map { _ in 1 + Double.random(in: 0...1e-9, using: &rng) }
    scores[17] = 1e6
    try expectFastMatchesPairwise(scores, randomLabels(n, &rng), nil, temperature: temperature)
}

@Test(arguments: [1e-300, 1, 1e290])
func hugeScores(temperature: Double) throws {
    var rng = SplitMix(state: 10)
    let n = 800
    // Differences stay finite (|s| <= 4e307) so the pairwise oracle is exact too.
    let scores = (0..<n).map { _ in Double(Int.random(in: -4...4, using: &rng)) * 1e307 }
    try expectFastMatchesPairwise(scores, randomLabels(n, &rng), nil, temperature: temperature)
}

@Test func clustersAtEveryScaleWithWeights() throws {
    // Clusters of very different sizes and spacings, so every near-field form (direct,
    // moments to targets, sources to locals, moments to locals) and the far field mix.
    var rng = SplitMix(state: 11)
    var scores: [Double] = []
    for c in 0..<40 {
        let size = [1, 3, 17, 40, 200][c % 5]
        let centre = Double(c) * Double.random(in: 0.2...3, using: &rng)
        for _ in 0..<size { scores.append(centre + Double.random(in: -0.3...0.3, using: &rng)) }
    }
    let n = scores.count
    let labels = randomLabels(n, &rng, positiveRate: 0.5)
    let weights = (0..<n).map { _ in Int.random(in: 0..<5, using: &rng) == 0 ? 0 : Double.random(in: 1e-3...1e3, using: &rng) }
    for t in [0.01, 0.1, 0.25, 0.5, 1, 2] {
        try expectFastMatchesPairwise(scores, labels, weights, temperature: t)
    }
}

@Test func automaticAgreesWithPairwiseOnSmallAndLargeInputs() throws {
    var rng = SplitMix(state: 12)
    for n in [10, 100, 600] {
        let scores = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
        let labels = randomLabels(n, &rng)
        let auto = try soft(scores, labels, nil, temperature: 0.2, method: .automatic)
        let direct = try soft(scores, labels, nil, temperature: 0.2, method: .pairwise)
        #expect(abs(auto.result.value - direct.result.value) < 1e-12)
    }
}

@Test func resultsAreBitwiseReproducibleAcrossThreads() throws {
    // Above the parallel threshold the work is split across two threads; the bits must
    // not depend on timing.
    var rng = SplitMix(state: 13)
    let n = 3 * FastSoftParameters.parallelThreshold
    let scores = (0..<n).map { _ in Double.random(in: -2...2, using: &rng) }
    let labels = randomLabels(n, &rng)
    let first = try soft(scores, labels, nil, temperature: 0.1, method: .fast)
    for _ in 0..<3 {
        let again = try soft(scores, labels, nil, temperature: 0.1, method: .fast)
        expectSameBits(again.result, first.result, gradients: (again.gradient, first.gradient))
    }
}

@Test(arguments: [1e-6, 0.05, 1, 1e6])
func valueWithoutGradientMatches(temperature: Double) throws {
    // auroc_soft asks for no gradient: the fast path then skips the negatives' sums.
    var rng = SplitMix(state: 14)
    let n = 1500
    let scores = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
    let labels = randomLabels(n, &rng)
    let weights = (0..<n).map { _ in Double.random(in: 0...1, using: &rng) }
    for w in [nil, weights] {
        let (fast, direct) = try scores.withUnsafeBufferPointer { s in
            try labels.withUnsafeBufferPointer { l in
                try (w ?? []).withUnsafeBufferPointer { wb in
                    let samples = LabeledSamples(scores: s, labels: l, weights: w == nil ? nil : wb)
                    return (try softAUROC(samples, temperature: temperature, gradient: nil, method: .fast),
                            try softAUROC(samples, temperature: temperature, gradient: nil, method: .pairwise))
                }
            }
        }
        #expect(abs(fast.value - direct.value) <= 1e-12)
        #expect(abs(fast.dTemperature - direct.dTemperature) * temperature <= 1e-12)
    }
}

@Test func automaticPicksTheFastPathAboveTheCrossover() throws {
    // Both paths meet the bar, so .automatic must agree with either on each side.
    var rng = SplitMix(state: 15)
    let n = 2 * Int(Double(pairwiseCrossoverPairs).squareRoot()) + 50
    let scores = (0..<n).map { _ in Double.random(in: -1...1, using: &rng) }
    let labels = (0..<n).map { $0 % 2 == 0 ? 1.0 : 0.0 }
    let auto = try soft(scores, labels, nil, temperature: 0.1, method: .automatic)
    let fast = try soft(scores, labels, nil, temperature: 0.1, method: .fast)
    #expect(auto.result.value.bitPattern == fast.result.value.bitPattern)
    #expect(differingBits(auto.gradient, fast.gradient) == 0)
}

// The one-cell path (OneCellSoftAUROC.swift): scores spanning less than one cell width,
// both classes larger than r. It must give the grid route's bits (it is that route's
// computation without grouping the points) and so the pair sum to 1e-12.

/// Asserts the one-cell route, the grid route's bits (value, d/dT, every gradient; and the
/// value-only call's value and d/dT, and the bits with one thread and with two forced) and,
/// with `oracle`, 1e-12 agreement with the pair sum.
private func expectOneCellMatches(_ scores: [Double], _ labels: [Double], _ weights: [Double]?, temperature: Double,
                                  oracle: Bool = true,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
    let one = try fastWithRoute(scores, labels, weights, temperature: temperature)
    let grid = try fastWithRoute(scores, labels, weights, temperature: temperature, oneCell: false)
    #expect(one.route == .oneCell && grid.route == .cells, "\(one.route) \(grid.route)", sourceLocation: sourceLocation)
    expectSameBits(one.result, grid.result, gradients: (one.gradient, grid.gradient), sourceLocation: sourceLocation)
    let valueOnly = try fastWithRoute(scores, labels, weights, temperature: temperature, gradient: false)
    #expect(valueOnly.route == .oneCell, sourceLocation: sourceLocation)
    expectSameBits(valueOnly.result, one.result, sourceLocation: sourceLocation)
    // The same bits on one thread and on two, whatever the size rule chose.
    for parallel in [false, true] {
        let forced = try fastWithRoute(scores, labels, weights, temperature: temperature, parallel: parallel)
        #expect(forced.route == .oneCell, sourceLocation: sourceLocation)
        expectSameBits(forced.result, one.result, gradients: (forced.gradient, one.gradient), "parallel: \(parallel)",
                       sourceLocation: sourceLocation)
    }
    guard oracle else { return }
    let worst = softErrorOverBar((one.result, one.gradient),
                                 try soft(scores, labels, weights, temperature: temperature, method: .pairwise),
                                 labels: labels, weights: weights, temperature: temperature,
                                 sourceLocation: sourceLocation)
    #expect(worst <= 1, "worst error / bar = \(worst) at T = \(temperature)", sourceLocation: sourceLocation)
}

@Test(arguments: [1.2, 10, 1e3, 1e7])
func oneCellMatchesTheGridRouteAndThePairSum(relativeTemperature: Double) throws {
    var rng = SplitMix(state: 61)
    // 1,000 points (one thread; the grid route keeps the Chebyshev values of every point)
    // and past the two-thread threshold, where the classes' blocks and the gradient's
    // halves run side by side (the pair sum there once: it is slow in a debug build; the
    // grid route's bits are checked against it at every temperature by the tests above).
    // Odd counts: partial blocks of 64 and of 8.
    for n in [1001, FastSoftParameters.parallelThreshold + 1237] {
        let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
        let scores = normalPlusLabelScores(labels, &rng)
        let weights = (0..<n).map { _ in Int.random(in: 0..<7, using: &rng) == 0 ? 0 : Double.random(in: 0...3, using: &rng) }
        let spread = scores.max()! - scores.min()!
        let oracle = n < FastSoftParameters.parallelThreshold || relativeTemperature == 10
        try expectOneCellMatches(scores, labels, nil, temperature: relativeTemperature * spread, oracle: oracle)
        try expectOneCellMatches(scores, labels, weights, temperature: relativeTemperature * spread, oracle: oracle)
    }
}

@Test func oneCellAtItsEdges() throws {
    var rng = SplitMix(state: 62)
    // 17 positives (the fewest the path takes) among 400 negatives; 16 stay on the grid.
    for positives in [16, 17] {
        let n = 400 + positives
        let labels = (0..<n).map { $0 < positives ? 1.0 : 0.0 }
        let scores = (0..<n).map { _ in Double.random(in: 0...1, using: &rng) }
        let fast = try fastWithRoute(scores, labels, nil, temperature: 3)
        #expect(fast.route == (positives > FastSoftParameters.nodes ? .oneCell : .cells))
        try expectFastMatchesPairwise(scores, labels, nil, temperature: 3)
    }
    // Span just under one cell width (h = 1: T slightly above max - min), and above it
    // (1.5 widths: two or three regular grid cells, the few-cells path's).
    let labels = labelsWithBothClasses(500, &rng, positiveRate: 0.5)
    let scores = (0..<500).map { _ in Double.random(in: -1...1, using: &rng) }
    let span = scores.max()! - scores.min()!
    try expectOneCellMatches(scores, labels, nil, temperature: span.nextUp * (1 + 1e-15))
    #expect(try fastWithRoute(scores, labels, nil, temperature: span / 1.5).route == .fewCells)
    // Ties and a weight-0 sample at the extremes (the cell's lo and hi come from weighted
    // samples only), -0.0 beside 0.0; scores near the overflow limit; subnormal scores and
    // T, where 2 / (h T) overflows and each local coordinate is a division.
    var tied = (0..<300).map { _ in Double(Int.random(in: 0...3, using: &rng)) }
    let tiedLabels = labelsWithBothClasses(300, &rng, positiveRate: 0.4)
    var weights = (0..<300).map { _ in Double.random(in: 0.5...2, using: &rng) }
    tied[0] = -50; weights[0] = 0; tied[1] = 60; weights[1] = 0; tied[2] = -0.0; tied[3] = 0.0
    try expectOneCellMatches(tied, tiedLabels, weights, temperature: 5)
    let huge = (0..<300).map { _ in Double.random(in: -1...1, using: &rng) * 0.8e308 }
    try expectOneCellMatches(huge, tiedLabels, nil, temperature: 1.7e308)
    try expectOneCellMatches(huge, tiedLabels, weights, temperature: Double.greatestFiniteMagnitude)
    let tiny = (0..<300).map { _ in Double(Int.random(in: 0...100_000, using: &rng)) * 0x1p-1074 }
    try expectOneCellMatches(tiny, tiedLabels, nil, temperature: 1e-309)
    try expectOneCellMatches(tiny, tiedLabels, weights, temperature: 1e-309)
}

@Test func heavyRoutesSplitFromFiveThousandPoints() throws {
    // Between `heavyParallelThreshold` and `parallelThreshold` points the heavy routes run
    // on two threads (the light ones on one): the window path with several window pairs a
    // point, the series-window path, the cells with a far field (few-cells barred: these
    // would take it), the few-cells path and the one-cell path. Each against the pair
    // sum, and the bits the same from call to call (the second thread's timing).
    let n = 7_001
    #expect(n >= FastSoftParameters.heavyParallelThreshold && n < FastSoftParameters.parallelThreshold)
    var rng = SplitMix(state: 141)
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    let scores = normalPlusLabelScores(labels, &rng)
    let weights = weightsWithZeros(n, &rng)
    let mean = scores.reduce(0, +) / Double(n)
    let spread = (scores.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)).squareRoot()
    let routes: [(Double, FastSoftRoute, Bool?)] = [(3e-4, .window, false), (2e-3, .seriesWindow, false),
                                                    (0.1, .cells, false), (0.1, .fewCells, nil), (30, .oneCell, nil)]
    for (ratio, route, fewCells) in routes {
        let t = ratio * spread
        for w in [nil, weights] {
            let first = try fastWithRoute(scores, labels, w, temperature: t, fewCells: fewCells)
            #expect(first.route == route, "T / spread \(ratio)")
            let worst = softErrorOverBar((first.result, first.gradient),
                                         try soft(scores, labels, w, temperature: t, method: .pairwise),
                                         labels: labels, weights: w, temperature: t, sourceLocation: #_sourceLocation)
            #expect(worst <= 1, "worst error / bar = \(worst) at T / spread \(ratio)")
            for _ in 0..<2 {
                let again = try fastWithRoute(scores, labels, w, temperature: t, fewCells: fewCells)
                expectSameBits(again.result, first.result, gradients: (again.gradient, first.gradient))
            }
        }
    }
}

// The regular grid (GridCells.regular): cell lines origin + g w, exact, so that the near
// field shares one M2L kernel table between all cell pairs at the same offset and treats
// classes of more than `regularLargeCount` points as large. Scores far from 0 on the scale
// of T (|min| / T beyond ~2^40) cannot have exact lines: those cells keep lo = min and
// compute each pair's kernels. Both must match the pair sum; the cell sizes here run from
// one point to about 60, through every form of the near field.

/// The fast path with the few-cells path barred (the cells route here), with the near
/// field's table reach it reports; `doubleCells` as `FastSoftTesting.doubleCells`, `parallel`
/// as `FastSoftTesting.parallel`.
private func cellsWithReach(_ scores: [Double], _ labels: [Double], _ weights: [Double]? = nil, temperature: Double,
                            doubleCells: Bool? = nil, parallel: Bool? = nil)
    throws -> (result: SoftAUROCResult, gradient: [Double], route: FastSoftRoute?, reach: Int?, nodes: Int?)
{
    var route: FastSoftRoute? = nil
    var reach: Int? = nil
    var nodes: Int? = nil
    var gradient = [Double](repeating: .nan, count: scores.count)
    let result = try gradient.withUnsafeMutableBufferPointer { g in
        try withUnsafeMutablePointer(to: &route) { r in
            try withUnsafeMutablePointer(to: &reach) { tableReach in
                try withUnsafeMutablePointer(to: &nodes) { cellNodes in
                    try withSamples(scores, labels, weights) {
                        try fastSoftAUROC($0, temperature: temperature, gradient: g, indices: NarrowSoftIndices.self,
                                          testing: FastSoftTesting(route: r, parallel: parallel, fewCells: false,
                                                                   tableReach: tableReach, doubleCells: doubleCells,
                                                                   cellNodes: cellNodes))
                    }
                }
            }
        }
    }
    return (result, gradient, route, reach, nodes)
}

@Test(arguments: [(0.0, true), (1e6, true), (-1e6, true), (1e13, false)])
func regularGridAndItsFallbackMatchThePairSum(offset: Double, regular: Bool) throws {
    var rng = SplitMix(state: 21)
    let n = 3000
    let labels = randomLabels(n, &rng, positiveRate: 0.3)
    let scores = labels.map { label in
        offset + label + (rng.unit() + rng.unit() + rng.unit() - 1.5) * 2
    }
    // (About 11, 14 and 46 points a unit width: the grid route, above `sortingDensity`.)
    for temperature in [0.024, 0.03, 0.1] {
        let direct = try soft(scores, labels, nil, temperature: temperature, method: .pairwise)
        for doubleCells in [false, true] {
            let fast = try cellsWithReach(scores, labels, temperature: temperature, doubleCells: doubleCells)
            // With a far field, near pairs are at most 5 grid steps apart (3 with double
            // cells): the table's reach.
            #expect(fast.nodes == (doubleCells ? 24 : 16))
            #expect(fast.route == .cells && fast.reach == (regular ? ChebyshevNearField<NarrowSoftIndices>.nearReach : 0),
                    "\(String(describing: fast.route)) \(String(describing: fast.reach)) at T = \(temperature)")
            let worst = softErrorOverBar((fast.result, fast.gradient), direct, labels: labels, weights: nil,
                                         temperature: temperature, sourceLocation: #_sourceLocation)
            #expect(worst <= 1, "worst error / bar = \(worst) at T = \(temperature), offset \(offset), double cells \(doubleCells)")
        }
    }
}

// Dense cells with a far field: a class of more than r points in a source cell is summed
// by the far sweeps from its moments, and one of more than 3r points in a target cell at
// the cell's nodes (ExponentialFarField, "Large cells from their moments" and "... at their
// nodes"). Here cells hold up to ~250 points, their classes 20 to 140, with 70 cells and
// the far field present (the table reach is the near one). The errors stay at rounding
// level, far under the bar (an error of the interpolation bound's size, 1e-13 and up,
// would not).
@Test(arguments: [(0.0, false), (0.0, true), (1e6, false)])
func denseCellsWithAFarFieldMatchThePairSum(offset: Double, weighted: Bool) throws {
    var rng = SplitMix(state: 23)
    let n = 10_000
    let labels = randomLabels(n, &rng, positiveRate: 0.45)
    let scores = labels.map { label in
        offset + label + (rng.unit() + rng.unit() + rng.unit() - 1.5) * 2
    }
    let weights = weighted ? (0..<n).map { _ in Double.random(in: 0.5...2, using: &rng) } : nil
    for temperature in [0.05, 0.1] {
        // (Few-cells barred: these inputs would take it, as checked next.) Double cells hold
        // twice the points: classes of more than 3r = 72 in a target cell are evaluated at
        // its nodes there too.
        let direct = try soft(scores, labels, weights, temperature: temperature, method: .pairwise)
        for doubleCells in [false, true] {
            let fast = try cellsWithReach(scores, labels, weights, temperature: temperature, doubleCells: doubleCells)
            #expect(fast.nodes == (doubleCells ? 24 : 16))
            #expect(fast.route == .cells && fast.reach == ChebyshevNearField<NarrowSoftIndices>.nearReach,
                    "\(String(describing: fast.route)) \(String(describing: fast.reach)) at T = \(temperature)")
            let worst = softErrorOverBar((fast.result, fast.gradient), direct, labels: labels, weights: weights,
                                         temperature: temperature, sourceLocation: #_sourceLocation)
            #expect(worst <= 0.05,
                    "worst error / bar = \(worst) at T = \(temperature), offset \(offset), double cells \(doubleCells)")
        }
        let few = try expectFastMatchesPairwise(scores, labels, weights, temperature: temperature)
        #expect(few <= 0.05, "few cells: worst error / bar = \(few) at T = \(temperature), offset \(offset)")
    }
}

// Few tight clusters far apart on a regular grid: every cell is near every other (no far
// sweeps), so the table holds every offset of the grid, far beyond the near reach.
@Test func regularGridWithAllCellsNearMatchesThePairSum() throws {
    var rng = SplitMix(state: 22)
    let n = 16_000
    let labels = randomLabels(n, &rng, positiveRate: 0.3)
    let scores = (0..<n).map { k in Double(k % 6) * 0.3 + rng.unit() * 0.004 + labels[k] * 0.002 }
    let temperature = 0.01
    let direct = try soft(scores, labels, nil, temperature: temperature, method: .pairwise)
    for doubleCells in [false, true] {
        let fast = try cellsWithReach(scores, labels, temperature: temperature, doubleCells: doubleCells)
        #expect(fast.route == .cells && fast.nodes == (doubleCells ? 24 : 16))
        #expect((fast.reach ?? 0) > ChebyshevNearField<NarrowSoftIndices>.nearReach, "reach \(String(describing: fast.reach))")
        let worst = softErrorOverBar((fast.result, fast.gradient), direct, labels: labels, weights: nil,
                                     temperature: temperature, sourceLocation: #_sourceLocation)
        #expect(worst <= 1, "worst error / bar = \(worst), double cells \(doubleCells)")
    }
}

// Double cells (FastSoftIndices.swift, `CellShape`): the grid route takes cells of two
// widths with 24 nodes when the scores average fewer than `doubleCellsDensity` = 64 points
// a unit width, unit cells above. Here about 14 and 34 points a width (double cells) and
// 170 (unit cells), scores spanning 7: each against the pair sum, and the same bits on one
// thread or two and with 64-bit indices (the wide instantiation of the same code).
@Test func doubleCellsByDensityMatchThePairSumAndKeepTheirBits() throws {
    var rng = SplitMix(state: 24)
    let n = 12_000
    let labels = randomLabels(n, &rng, positiveRate: 0.3)
    let scores = labels.map { label in label + (rng.unit() + rng.unit() + rng.unit() - 1.5) * 2 }
    let weights = (0..<n).map { _ in Double.random(in: 0.5...2, using: &rng) }
    for (temperature, double) in [(0.008, true), (0.02, true), (0.1, false)] {
        for w in [nil, weights] {
            let one = try cellsWithReach(scores, labels, w, temperature: temperature, parallel: false)
            #expect(one.route == .cells && one.nodes == (double ? 24 : 16),
                    "\(String(describing: one.route)) r = \(String(describing: one.nodes)) at T = \(temperature)")
            let direct = try soft(scores, labels, w, temperature: temperature, method: .pairwise)
            let worst = softErrorOverBar((one.result, one.gradient), direct, labels: labels, weights: w,
                                         temperature: temperature, sourceLocation: #_sourceLocation)
            #expect(worst <= 0.05, "worst error / bar = \(worst) at T = \(temperature), weighted \(w != nil)")
            let two = try cellsWithReach(scores, labels, w, temperature: temperature, parallel: true)
            var wideGradient = [Double](repeating: .nan, count: n)
            let wide = try wideGradient.withUnsafeMutableBufferPointer { g in
                try withSamples(scores, labels, w) {
                    try fastSoftAUROC($0, temperature: temperature, gradient: g, indices: WideSoftIndices.self,
                                      testing: FastSoftTesting(fewCells: false))
                }
            }
            for other in [(two.result, two.gradient), (wide, wideGradient)] {
                expectSameBits(other.0, one.result, gradients: (other.1, one.gradient))
            }
        }
    }
}
