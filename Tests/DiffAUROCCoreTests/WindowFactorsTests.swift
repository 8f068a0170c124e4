import Foundation
import Testing
@testable import DiffAUROCCore

// The window path's factored exponentials (WindowFactors.swift): every result against the
// direct pair sum (float64, libm's exp a pair) within the 1e-12 bar, the same bits on one
// thread and on two, and the choice of the path and of the factors as documented.

/// The fast result (forced `factors`, or the rule when nil) must take `path` (the window
/// path unless said), use the factors as `expectUsed` says, match the direct sum, and give
/// the same bits on one thread and on two. Returns the worst error over the bar.
@discardableResult
private func expectWindowPath(_ scores: [Double], _ labels: [Double], _ weights: [Double]?, temperature t: Double,
                              factors: Bool?, expectUsed: Bool, path: FastSoftRoute = .window,
                              sourceLocation: SourceLocation = #_sourceLocation) throws -> Double {
    let direct = try soft(scores, labels, weights, temperature: t, method: .pairwise)
    var runs: [[Double]] = []
    var worst = 0.0
    for parallel in [false, true] {
        var used: Bool? = nil
        let (result, gradient, route) = try withUnsafeMutablePointer(to: &used) {
            try fastWithRoute(scores, labels, weights, temperature: t, parallel: parallel,
                              windowFactors: factors, windowFactorsUsed: $0)
        }
        #expect(route == path && used == expectUsed,
                "route \(String(describing: route)), factors \(String(describing: used))", sourceLocation: sourceLocation)
        let w = softErrorOverBar((result, gradient), direct, labels: labels, weights: weights, temperature: t,
                                 sourceLocation: sourceLocation)
        #expect(w <= 1, "worst error / bar = \(w), parallel \(parallel)", sourceLocation: sourceLocation)
        worst = Swift.max(worst, w)
        runs.append([result.value, result.dTemperature] + gradient)
    }
    #expect(differingBits(runs[0], runs[1]) == 0, sourceLocation: sourceLocation)
    return worst
}

/// N(0, 1) + label scores, 30% positives, and T = `relativeTemperature` times their
/// standard deviation.
private func normalScores(_ n: Int, _ rng: inout SplitMix, relativeTemperature: Double)
    -> (labels: [Double], scores: [Double], temperature: Double) {
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    let scores = normalPlusLabelScores(labels, &rng)
    let mean = scores.reduce(0, +) / Double(n)
    let std = (scores.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)).squareRoot()
    return (labels, scores, relativeTemperature * std)
}

@Test(arguments: [3e-4, 1.2e-3, 3e-3])
func factoredWindowMatchesPairwise(relativeTemperature: Double) throws {
    // N(0, 1) + label scores, 30% positives, n = 4000, T relative to their standard
    // deviation: about 5, 20 and 50 window pairs a point (the last beyond the window
    // path's preference: its own call there, see below). By the rule (factors used from `WindowFactors.pairsPerPoint`)
    // and forced on and off; weighted (zeros included) and not.
    var rng = SplitMix(state: 4101)
    let n = 4000
    let (labels, scores, t) = normalScores(n, &rng, relativeTemperature: relativeTemperature)
    for weights in [nil, weightsWithZeros(n, &rng)] as [[Double]?] {
        if relativeTemperature < 5e-4 {
            try expectWindowPath(scores, labels, weights, temperature: t, factors: nil, expectUsed: true)
            try expectWindowPath(scores, labels, weights, temperature: t, factors: false, expectUsed: false)
        } else if relativeTemperature < 2e-3 {
            // Above `seriesWindowPreference` and below `factoredSeriesWindowPreference`:
            // the window path only with its factors.
            try expectWindowPath(scores, labels, weights, temperature: t, factors: nil, expectUsed: true)
            let (_, _, route) = try fastWithRoute(scores, labels, weights, temperature: t, windowFactors: false)
            #expect(route == .seriesWindow, "route \(String(describing: route))")
        } else {
            // Past 30 pairs a point the series-window path comes first: the window path's
            // own call, with and without factors, against the direct sum.
            try expectWindowCall(scores, labels, weights, temperature: t)
        }
    }
}

/// `windowSoftAUROC` itself (past the dispatch's preference), factored and not, against
/// the direct sum, one thread and two.
private func expectWindowCall(_ scores: [Double], _ labels: [Double], _ weights: [Double]?, temperature t: Double,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
    let direct = try soft(scores, labels, weights, temperature: t, method: .pairwise)
    // The window call on copies grouped by class and sorted, against the direct sum
    // permuted the same way.
    let positives = labels.indices.filter { labels[$0] == 1 }.sorted { scores[$0] < scores[$1] }
    let negatives = labels.indices.filter { labels[$0] != 1 }.sorted { scores[$0] < scores[$1] }
    let sorted = positives + negatives
    let s = sorted.map { scores[$0] }, l = sorted.map { labels[$0] }, w = weights.map { ws in sorted.map { ws[$0] } }
    let directSorted = (result: direct.result, gradient: sorted.map { direct.gradient[$0] })
    for factored in [false, true] {
        var runs: [[Double]] = []
        for parallel in [false, true] {
            let (result, gradient) = try windowCall(s, l, w, temperature: t, parallel: parallel, factored: factored)
            let worst = softErrorOverBar((result, gradient), directSorted, labels: l, weights: w, temperature: t,
                                         sourceLocation: sourceLocation)
            #expect(worst <= 1, "worst error / bar = \(worst), factored \(factored), parallel \(parallel)",
                    sourceLocation: sourceLocation)
            runs.append([result.value] + gradient)
        }
        #expect(differingBits(runs[0], runs[1]) == 0, sourceLocation: sourceLocation)
    }
}

/// The window path on inputs already grouped by class (positives first) and sorted within
/// each, masses as `fastSoftAUROC` makes them, no pair limit.
private func windowCall(_ s: [Double], _ l: [Double], _ w: [Double]?, temperature t: Double, parallel: Bool,
                        factored: Bool) throws -> (SoftAUROCResult, [Double]) {
    let pc = l.filter { $0 == 1 }.count, n = s.count
    var scores = s, origins = (0..<n).map { UInt32($0) }
    var work = [Double](repeating: 0, count: 4 * n)
    var gradient = [Double](repeating: .nan, count: n)
    let massOf: (Int, Bool) -> Double = { k, positive in
        let range = positive ? 0..<pc : pc..<n
        guard let w else { return 1 / Double(range.count) }
        let largest = range.map { w[$0] }.max()!
        let total = range.reduce(0.0) { $0 + w[$1] / largest }
        return (w[k] / largest) / total
    }
    let result = try scores.withUnsafeMutableBufferPointer { sp in
        try origins.withUnsafeMutableBufferPointer { op in
            try work.withUnsafeMutableBufferPointer { wp in
                try gradient.withUnsafeMutableBufferPointer { g in
                    let base = wp.baseAddress!
                    func sortedClass(_ offset: Int, _ count: Int) -> SortedClass {
                        SortedClass(count: count, scores: sp.baseAddress! + offset, mass: base + offset,
                                    origin: UnsafeMutableRawPointer(op.baseAddress! + offset),
                                    potentialBelow: base + n + offset, potentialAbove: base + 2 * n + offset,
                                    moments: base + 3 * n + offset, chebyshev: nil, chebyshevStride: 0)
                    }
                    for k in 0..<n { base[k] = massOf(k, k < pc) }
                    let pos = sortedClass(0, pc), neg = sortedClass(pc, n - pc)
                    let uniform = w == nil ? 1.0 / Double(n - pc) : nil
                    var used: Bool? = nil
                    let r = try withUnsafeMutablePointer(to: &used) {
                        try windowSoftAUROC(pos, neg, indices: NarrowSoftIndices.self, temperature: t, gradient: g,
                                            sampleCount: n, parallel: parallel, series: false, sharedSlopes: true,
                                            uniformNegativeMass: uniform, factored: factored, factorsUsed: $0)
                    }
                    #expect(used == factored)
                    return r!
                }
            }
        }
    }
    return (result, gradient)
}

@Test func factorsAcrossAnchorsAndZero() throws {
    // T = 1, so the anchors are the multiples of S = 128. Clusters of points within 60 of
    // -256, -128, 0, 128 and 256, about 0.35 points a unit (5-6 window pairs a point):
    // windows that straddle an anchor, scores on the anchors themselves, and -0 and +0
    // among the negatives (floor(v) reads -0 as below 0: the anchors and the positives'
    // choice must agree). Factors forced on and by the rule.
    var rng = SplitMix(state: 4102)
    var scores: [Double] = [], labels: [Double] = []
    for center in [-256.0, -128, 0, 128, 256] {
        for _ in 0..<42 {
            scores.append(center + Double.random(in: -60...60, using: &rng))
            labels.append(rng.unit() < 0.3 ? 1 : 0)
        }
        scores += [center, center.nextDown, center.nextUp]
        labels += [0, 0, 1]
    }
    scores += [-0.0, 0.0, -0.0, 1e-300, -1e-300]
    labels += [0, 0, 1, 0, 0]
    let n = scores.count
    let weights = (0..<n).map { _ in 0.5 + rng.unit() }
    for w in [nil, weights] as [[Double]?] {
        try expectWindowPath(scores, labels, w, temperature: 1, factors: true, expectUsed: true)
        try expectWindowPath(scores, labels, w, temperature: 1, factors: nil, expectUsed: true)
    }
}

@Test(arguments: [1e-300, 1e-3, 1e6, 1e300])
func factorsAtEveryScale(scale: Double) throws {
    // The anchors' configuration above at T = scale, scores scaled with it, plus an
    // offset of 10^6 T (the anchors then sit far from 0: a - A and b - A exact).
    var rng = SplitMix(state: 4103)
    let n = 2000
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    let unit = (0..<n).map { _ in Double.random(in: 0..<6000, using: &rng) }
    for offset in [0.0, 1e6] where scale * (offset + 6000) < 1e308 {
        let scores = unit.map { ($0 + offset) * scale }
        try expectWindowPath(scores, labels, nil, temperature: scale, factors: nil, expectUsed: true)
    }
}

@Test func factorsNotUsedWhereTheAnchorsDoNotFit() throws {
    // |b| / S >= 2^50: scores near 2^58 at T = 1 (S = 128). Their spacing there is 64,
    // so windows hold ties and neighbours 64 apart only: still the window path, without
    // factors (forced on, and by the rule), and still exact to the bar. The window path's
    // preference is then the unfactored one.
    var rng = SplitMix(state: 4104)
    let n = 1500
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    let scores = (0..<n).map { _ in 0x1p58 + 64 * Double(Int.random(in: 0..<300, using: &rng)) }
    try withSortedClasses([1.0], [0x1p58]) { _, q in
        #expect(!WindowFactors.fits(q, temperature: 1))
    }
    try withSortedClasses([1.0], [0x1p40]) { _, q in
        #expect(WindowFactors.fits(q, temperature: 1))
    }
    try expectWindowPath(scores, labels, nil, temperature: 1, factors: true, expectUsed: false)
    try expectWindowPath(scores, labels, nil, temperature: 1, factors: nil, expectUsed: false)
}

@Test(arguments: [2.2e-3, 3e-3, 6e-3])
func factoredSeriesWindowMatchesPairwise(relativeTemperature: Double) throws {
    // The series-window path's near pairs (|x| < 3) factored likewise: N(0, 1) + label
    // scores, 30% positives, n = 4000, about 37, 50 and 100 window pairs a point (past the
    // window path's preference) and 2.8, 3.8 and 7.6 near pairs a point. By the rule
    // (factored: the anchors fit), forced on and forced off (the series-window path then
    // without factors); weighted (zeros included) and not.
    var rng = SplitMix(state: 4106)
    let n = 4000
    let (labels, scores, t) = normalScores(n, &rng, relativeTemperature: relativeTemperature)
    for weights in [nil, weightsWithZeros(n, &rng)] as [[Double]?] {
        try expectWindowPath(scores, labels, weights, temperature: t, factors: nil, expectUsed: true,
                             path: .seriesWindow)
        try expectWindowPath(scores, labels, weights, temperature: t, factors: true, expectUsed: true,
                             path: .seriesWindow)
        try expectWindowPath(scores, labels, weights, temperature: t, factors: false, expectUsed: false,
                             path: .seriesWindow)
    }
}

@Test(arguments: [1e-300, 1e-3, 1e6, 1e300])
func factoredSeriesWindowAtEveryScale(scale: Double) throws {
    // Uniform scores, 2.5 a temperature width (about 40 window pairs and 3 near pairs a
    // point: the series-window path, factored), at T = scale, with an offset of 10^6 T;
    // the anchors are the multiples of S = 128 T, which the near windows cross.
    var rng = SplitMix(state: 4107)
    let n = 2000
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    let unit = (0..<n).map { _ in Double.random(in: 0..<800, using: &rng) }
    for offset in [0.0, 1e6] where scale * (offset + 800) < 1e308 {
        let scores = unit.map { ($0 + offset) * scale }
        try expectWindowPath(scores, labels, nil, temperature: scale, factors: nil, expectUsed: true,
                             path: .seriesWindow)
    }
}

@Test func exponentialWithin700MatchesLibmForBothSigns() {
    // The positive factors' exponential: `exponentialOfNonPositiveShortChain`'s
    // computation, which holds up to 700 (VectorKernels.swift).
    var rng = SplitMix(state: 4105)
    var xs = (0..<40_000).map { _ in Double.random(in: -700...700, using: &rng) }
    xs += (0..<40_000).map { _ in Double.random(in: -3...3, using: &rng) }
    xs += [0, 699.99, -699.99, 1e-300, 162, 203]
    xs += [Double](repeating: 0, count: (8 - xs.count % 8) % 8)
    let worst = worstUlps(xs, exponentialWithin700)
    #expect(worst <= 3, "\(worst) ulps")
    #expect(xs.allSatisfy { exponentialWithin700(SIMD8(repeating: $0))[0].isNormal })
}
