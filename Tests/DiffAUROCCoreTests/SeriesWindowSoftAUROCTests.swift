import Foundation
import Testing
@testable import DiffAUROCCore

// The series-window path (SeriesWindowSoftAUROC.swift) against the direct pair sum
// (.pairwise), to 1e-12 of each quantity's natural scale, on inputs that the dispatch of
// `fastSoftAUROC` sends down that path (asserted through the route it reports), and its
// bits with and without the second thread.

/// Asserts the series-window route and 1e-12 agreement with .pairwise; returns error / bar.
@discardableResult
private func expectSeriesWindowMatchesPairwise(_ scores: [Double], _ labels: [Double], _ weights: [Double]?,
                                               temperature: Double,
                                               sourceLocation: SourceLocation = #_sourceLocation) throws -> Double {
    let fast = try fastWithRoute(scores, labels, weights, temperature: temperature)
    #expect(fast.route == .seriesWindow, "route \(fast.route) at T = \(temperature)", sourceLocation: sourceLocation)
    let worst = softErrorOverBar((fast.result, fast.gradient),
                                 try soft(scores, labels, weights, temperature: temperature, method: .pairwise),
                                 labels: labels, weights: weights, temperature: temperature,
                                 sourceLocation: sourceLocation)
    #expect(worst <= 1, "worst error / bar = \(worst) at T = \(temperature)", sourceLocation: sourceLocation)
    return worst
}

/// Uniform scores on [0, n / density): about `density` points a unit of score.
private func uniformScores(_ n: Int, density: Double, _ rng: inout SplitMix) -> [Double] {
    (0..<n).map { _ in Double.random(in: 0..<(Double(n) / density), using: &rng) }
}

@Test(arguments: [2.5, 3.0, 3.5])
func seriesWindowMatchesPairwiseOnUniformScores(pointsPerTemperature: Double) throws {
    // T = 1 and 2.5 to 3.5 points a unit: the regime between the window path (preferred
    // up to 30 pairs a point within 40 T, `factoredSeriesWindowPreference`; 2.5 points a
    // unit make about 42) and the cells.
    var rng = SplitMix(state: 101)
    let n = 3000
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    let scores = uniformScores(n, density: pointsPerTemperature, &rng)
    let weights = weightsWithZeros(n, &rng)
    try expectSeriesWindowMatchesPairwise(scores, labels, nil, temperature: 1)
    try expectSeriesWindowMatchesPairwise(scores, labels, weights, temperature: 1)
}

@Test(arguments: [6e-4, 9e-4])
func seriesWindowMatchesPairwiseOnNormalScores(relativeTemperature: Double) throws {
    var rng = SplitMix(state: 102)
    let n = 4000
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    let scores = normalPlusLabelScores(labels, &rng)
    let spread = scores.max()! - scores.min()!
    try expectSeriesWindowMatchesPairwise(scores, labels, nil, temperature: relativeTemperature * spread)
    try expectSeriesWindowMatchesPairwise(scores, labels, weightsWithZeros(n, &rng),
                                          temperature: relativeTemperature * spread)
}

@Test(arguments: [1e-300, 1e-30, 1, 1e30, 1e300])
func seriesWindowKeepsAccuracyAtEveryMagnitude(scale: Double) throws {
    // The same configuration scaled by 1e-300 ... 1e300 (T scaled with it), plus an offset
    // far larger than T at the huge scales: differences are formed from two scores.
    var rng = SplitMix(state: 103)
    let n = 2500
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.4)
    let base = uniformScores(n, density: 3, &rng)
    let offset = scale >= 1e30 ? 3 * scale * Double(n) : 0
    let scores = base.map { $0 * scale + offset }
    try expectSeriesWindowMatchesPairwise(scores, labels, nil, temperature: scale)
}

@Test func seriesWindowWithTiesAndClusters() throws {
    // Runs of tied scores (state steps of D = 0), clusters far apart (D >= G clears the
    // state), single points between them, weights with zeros.
    var rng = SplitMix(state: 104)
    var scores: [Double] = []
    var centre = 0.0
    while scores.count < 3000 {
        // Mostly gaps of a few T, now and then one of 50 to 80 T.
        centre += Int.random(in: 0..<40, using: &rng) == 0
            ? Double.random(in: 50...80, using: &rng) : Double.random(in: 0.2...1.2, using: &rng)
        let size = [1, 1, 2, 5, 12][Int.random(in: 0..<5, using: &rng)]
        let tied = Bool.random(using: &rng)
        for _ in 0..<size { scores.append(tied ? centre : centre + Double.random(in: 0...2, using: &rng)) }
    }
    let n = scores.count
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.5)
    try expectSeriesWindowMatchesPairwise(scores, labels, nil, temperature: 1)
    try expectSeriesWindowMatchesPairwise(scores, labels, weightsWithZeros(n, &rng), temperature: 1)
    try expectSeriesWindowMatchesPairwise(scores, labels, nil, temperature: 0.7)
}

@Test func seriesWindowSameBitsWithOneAndTwoThreads() throws {
    // Above and below the parallel threshold, the second thread forced on and off: the
    // halves are computed the same way either way.
    for n in [5000, 3 * FastSoftParameters.parallelThreshold] {
        var rng = SplitMix(state: 105)
        let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
        let scores = uniformScores(n, density: 3, &rng)
        let weights = weightsWithZeros(n, &rng)
        for w in [nil, weights] {
            let one = try fastWithRoute(scores, labels, w, temperature: 1, parallel: false)
            let two = try fastWithRoute(scores, labels, w, temperature: 1, parallel: true)
            #expect(one.route == .seriesWindow && two.route == .seriesWindow)
            expectSameBits(one.result, two.result, gradients: (one.gradient, two.gradient))
            // auroc_soft (no gradient) takes the same route and gives the same value bits.
            let valueOnly = try fastWithRoute(scores, labels, w, temperature: 1, gradient: false)
            #expect(valueOnly.route == .seriesWindow)
            expectSameBits(valueOnly.result, one.result)
        }
    }
}

@Test func denserDataKeepsTheCellsAndSparserTheWindow() throws {
    var rng = SplitMix(state: 106)
    let n = 3000
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    // (75 widths of 40 points: the few-cells path's when it may, else the grid route's.)
    let denseScores = uniformScores(n, density: 40, &rng)
    let dense = try fastWithRoute(denseScores, labels, nil, temperature: 1, fewCells: false)
    #expect(dense.route == .cells)
    #expect(try fastWithRoute(denseScores, labels, nil, temperature: 1).route == .fewCells)
    let sparse = try fastWithRoute(uniformScores(n, density: 0.01, &rng), labels, nil, temperature: 1)
    #expect(sparse.route == .window)
}

/// `nearPairCount` against a direct count of the pairs with |(a - b) / T| < C (every pair
/// through `scaledDifference`, no window), on one thread and two: the exact count when the
/// limit allows it, nil one below it. Clustered data so that one half of the positives can
/// pass the limit alone, or each half stay within it while their sum does not.
@Test(arguments: [false, true])
func nearPairCountMatchesADirectCount(parallel: Bool) {
    var rng = SplitMix(state: 907)
    let t = 1.0
    for (pc, nc, clustered) in [(1, 1, false), (0, 5, false), (7, 0, false), (300, 500, false),
                                (400, 700, true), (5000, 9000, false)] {
        var pos = (0..<pc).map { _ in Double.random(in: 0..<(Double(pc + nc) / 3), using: &rng) }
        var neg = (0..<nc).map { _ in Double.random(in: 0..<(Double(pc + nc) / 3), using: &rng) }
        if clustered {
            // A tight cluster of both classes near the top of the first half of the positives.
            for k in 0..<40 { pos[k] = 10 + Double(k) * 0.01 }
            for k in 0..<60 { neg[k] = 10 + Double(k) * 0.01 }
        }
        pos.sort(); neg.sort()
        var direct = 0
        for a in pos { for b in neg where abs(scaledDifference(a, b, t)) < SeriesWindowSoftAUROC.nearDistance { direct += 1 } }
        var half = 0
        for a in pos[0..<(pc / 2)] { for b in neg where abs(scaledDifference(a, b, t)) < SeriesWindowSoftAUROC.nearDistance { half += 1 } }
        pos.withUnsafeMutableBufferPointer { p in
            neg.withUnsafeMutableBufferPointer { q in
                let total = pc + nc
                let work = UnsafeMutablePointer<Double>.allocate(capacity: 4 * total + 1)
                let origins = UnsafeMutablePointer<UInt32>.allocate(capacity: total + 1)
                defer { work.deallocate(); origins.deallocate() }
                let scores = UnsafeMutablePointer<Double>.allocate(capacity: total + 1)
                defer { scores.deallocate() }
                for k in 0..<pc { scores[k] = p[k] }
                for k in 0..<nc { scores[pc + k] = q[k] }
                func sorted(_ offset: Int, _ count: Int) -> SortedClass {
                    SortedClass(count: count, scores: scores + offset, mass: work + offset,
                                origin: UnsafeMutableRawPointer(origins + offset), potentialBelow: work + total + offset,
                                potentialAbove: work + 2 * total + offset, moments: work + 3 * total + offset,
                                chebyshev: nil, chebyshevStride: 0)
                }
                let sp = sorted(0, pc), sn = sorted(pc, nc)
                let near = { (limit: Int) in
                    SeriesWindowSoftAUROC.nearPairCount(sp, sn, temperature: t, limit: limit, parallel: parallel)
                }
                #expect(near(direct) == direct, "\(pc) x \(nc)")
                #expect(near(Int.max / 2) == direct)
                if direct > 0 { #expect(near(direct - 1) == nil, "\(pc) x \(nc)") }
                if clustered {
                    // The premise: the first half alone holds most of the pairs.
                    #expect(2 * half > direct, "half \(half) of \(direct)")
                    #expect(near(half - 1) == nil)
                }
            }
        }
    }
}

/// The series-window path counts its near pairs as it goes and gives up past its limit
/// (`fastSoftAUROC` runs it without counting first when an estimate from a few positives
/// puts them within twice the limit). A tight cluster of a few positives and many
/// negatives between the sampled ranks fools the estimate: the path must give up (nil,
/// nothing written to the gradient) one pair below the true count and take the limit at
/// it with the bits of no limit, and the whole call must still match the direct sum.
@Test func seriesWindowGivesUpPastItsLimit() throws {
    var rng = SplitMix(state: 108)
    // T = 1: positives 1 and negatives 2 a unit over [0, 3000), then 80 positives and
    // 5000 negatives within 0.8 of 1500.2. (The anchors fit and the near pairs are many:
    // the dispatch takes the factored budget.)
    var pos = (0..<3000).map { _ in Double.random(in: 0..<3000, using: &rng) }
    var neg = (0..<6000).map { _ in Double.random(in: 0..<3000, using: &rng) }
    pos += (0..<80).map { 1500.2 + 0.01 * Double($0) }
    neg += (0..<5000).map { 1500.2 + 0.00008 * Double($0) }
    pos.sort(); neg.sort()
    let n = pos.count + neg.count
    let limit = seriesWindowPairLimit(points: n, factored: true)
    var direct = 0
    for a in pos { for b in neg where abs(scaledDifference(a, b, 1)) < SeriesWindowSoftAUROC.nearDistance { direct += 1 } }
    try withSortedClasses(pos, neg) { p, q in
        // The premises: past the limit, yet estimated within twice it (so not counted first).
        #expect(direct > limit, "\(direct) near pairs, limit \(limit)")
        let estimate = WindowSoftAUROC.estimatedPairCount(p, q, temperature: 1, samples: WindowSoftAUROC.estimateSamples,
                                                          distance: SeriesWindowSoftAUROC.nearDistance)
        #expect(estimate <= 2 * Double(limit), "estimate \(estimate)")
        #expect(WindowSoftAUROC.pairCount(p, q, temperature: 1, limit: preferredPairs(n)) == nil)
        for parallel in [false, true] {
            var gradient = [Double](repeating: 7, count: n)
            let run = { (pairLimit: Int) in
                try gradient.withUnsafeMutableBufferPointer { g in
                    try windowSoftAUROC(p, q, indices: NarrowSoftIndices.self, temperature: 1, gradient: g,
                                        sampleCount: n, parallel: parallel, series: true, pairLimit: pairLimit)
                }
            }
            #expect(try run(direct - 1) == nil)
            #expect(gradient.allSatisfy { $0 == 7 })
            let atLimit = try run(direct)
            let atLimitGradient = gradient
            let unlimited = try run(Int.max / 2)
            #expect(atLimit != nil && unlimited != nil)
            expectSameBits(atLimit, unlimited, gradients: (atLimitGradient, gradient))
        }
    }
    // The whole call: not the series-window path, and right; the same bits on one thread or two.
    let scores = pos + neg
    let labels = [Double](repeating: 1, count: pos.count) + [Double](repeating: 0, count: neg.count)
    var results = [(SoftAUROCResult, [Double])]()
    for parallel in [false, true] {
        let (result, gradient, route) = try fastWithRoute(scores, labels, nil, temperature: 1, parallel: parallel)
        #expect(route == .window || route == .cells, "route \(String(describing: route))")
        let worst = softErrorOverBar((result, gradient),
                                     try soft(scores, labels, nil, temperature: 1, method: .pairwise),
                                     labels: labels, weights: nil, temperature: 1, sourceLocation: #_sourceLocation)
        #expect(worst <= 1, "worst error / bar = \(worst)")
        results.append((result, gradient))
    }
    #expect(results[0].0.value.bitPattern == results[1].0.value.bitPattern)
    #expect(differingBits(results[0].1, results[1].1) == 0)
}

/// The window path's preference for `points` points (`fastSoftAUROC`), the larger one
/// (where its exponentials factor).
private func preferredPairs(_ points: Int) -> Int { FastSoftParameters.factoredSeriesWindowPreference * points }

/// `SeriesWindowSoftAUROC.gaps` (eight points at a time) against the scalar formulas it
/// replaces: every gap the bits of `scaledDifference`, every factor within 3.5 ulps of
/// libm's exp of minus the gap (the vector exponential's 2.5 bound and libm's 1; exactly
/// 1 for a tie, 0 past e^-708, where only gaps >= G, never read, land), and the same bits
/// however the class is cut into ranges (every start and length mod 8).
@Test func gapsMatchTheScalarFormulas() {
    var rng = SplitMix(state: 5303)
    let t = 0.37
    // Ties, gaps around G = 40 widths, one past e^-708 and two that overflow (+infinity:
    // from -1.5e308 up, and up to 1.5e308).
    var scores = (0..<300).map { _ in Double.random(in: 0..<40, using: &rng) }
    scores += [5, 5, 5, 60, 60 + 40 * t, 60 + 40 * t + 1e-9, 1000, -1.5e308, 1.5e308]
    scores.sort()
    let n = scores.count
    withSortedClasses(scores, []) { c, _ in
        var whole = [Double]()
        // (Ranges of 5: every factor from the last-few loop, against the eight-lane one.)
        let fives = Array(stride(from: 0, to: n, by: 5)) + [n]
        for cuts in [[0, n], [0, 1, n], [0, 3, 11, 12, n], [0, n / 2, n], [0, 7, 8, 9, 17, 100, n], fives] {
            for j in 0..<n { c.gaps[j] = .nan; c.gapFactors[j] = .nan }
            for k in 0..<(cuts.count - 1) {
                SeriesWindowSoftAUROC.gaps(c, temperature: t, range: cuts[k]..<cuts[k + 1])
            }
            let factors = (1..<n).map { c.gapFactors[$0] }
            if whole.isEmpty { whole = factors }
            #expect(differingBits(factors, whole) == 0, "cuts \(cuts)")
            var ties = 0, overflows = 0, underflows = 0
            for j in 1..<n {
                let y = scaledDifference(scores[j], scores[j - 1], t), f = c.gapFactors[j]
                #expect(c.gaps[j].bitPattern == y.bitPattern, "gap \(j), cuts \(cuts)")
                let e = Foundation.exp(-y)
                if y == 0 {
                    ties += 1
                    #expect(f == 1, "tie \(j): \(f)")
                } else if y > 708 {
                    if y == .infinity { overflows += 1 } else { underflows += 1 }
                    #expect(f == 0 || abs(f - e) <= 3.5 * e.ulp, "gap \(y): \(f) against \(e)")
                } else {
                    #expect(abs(f - e) <= 3.5 * e.ulp, "gap \(y): \(f) against \(e)")
                }
            }
            // The premises: each kind of gap is there.
            #expect(ties >= 2 && overflows == 2 && underflows >= 1, "\(ties) \(overflows) \(underflows)")
        }
    }
}
