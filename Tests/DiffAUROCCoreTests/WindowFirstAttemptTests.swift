import Testing
@testable import DiffAUROCCore

// fastSoftAUROC runs the window path before counting its pairs when an estimate from a
// few positives (WindowSoftAUROC.estimatedPairCount) puts them well below the window
// path's preference; the attempt gives up once the pairs pass the preference. These
// inputs fool the estimate on purpose (dense clusters of positives between the sampled
// ranks), so the attempt gives up: the result must still match the direct pair sum
// (.pairwise) to 1e-12 of each quantity's natural scale, with the same bits on one
// thread or two, and the given-up attempt must leave no trace in the gradient.

/// Positives at ranks in `clusters` (ranges of ranks) sit together with `clusterNegatives`
/// negatives each, within a few T; every other point is 1000 T from any other.
/// Scores in class order (positives first); T = 1.
private func clusteredInput(positives pc: Int, clusters: [Range<Int>], clusterNegatives: Int,
                            otherNegatives: Int) -> (scores: [Double], labels: [Double]) {
    var positives = [Double](), negatives = [Double]()
    for r in 0..<pc {
        if let c = clusters.firstIndex(where: { $0.contains(r) }) {
            // Cluster c at 1000 * (its first rank) + 0.5: inside the gap between ranks.
            positives.append(1000 * Double(clusters[c].lowerBound) + 0.5 + 0.01 * Double(r - clusters[c].lowerBound))
        } else {
            positives.append(1000 * Double(r))
        }
    }
    for c in clusters {
        for j in 0..<clusterNegatives { negatives.append(1000 * Double(c.lowerBound) + 0.5 + 0.003 * Double(j)) }
    }
    // Far from every positive: 1000 (pc + k) + 500.
    for k in 0..<otherNegatives { negatives.append(1000 * Double(pc + k) + 500) }
    return (positives + negatives, [Double](repeating: 1, count: positives.count)
            + [Double](repeating: 0, count: negatives.count))
}

/// The two classes of sorted `scores` (positives, then negatives, each ascending) as the
/// window path sees them, masses 1 / count, for the duration of `body`.
func withSortedClasses<R>(_ pos: [Double], _ neg: [Double],
                                  _ body: (SortedClass, SortedClass) throws -> R) rethrows -> R {
    let total = pos.count + neg.count
    let scores = UnsafeMutablePointer<Double>.allocate(capacity: total)
    let work = UnsafeMutablePointer<Double>.allocate(capacity: 4 * total)
    let origins = UnsafeMutablePointer<UInt32>.allocate(capacity: total)
    defer { scores.deallocate(); work.deallocate(); origins.deallocate() }
    for (k, s) in (pos + neg).enumerated() { scores[k] = s; origins[k] = UInt32(k) }
    for k in 0..<pos.count { work[k] = 1 / Double(pos.count) }
    for k in pos.count..<total { work[k] = 1 / Double(neg.count) }
    func sorted(_ offset: Int, _ count: Int) -> SortedClass {
        SortedClass(count: count, scores: scores + offset, mass: work + offset,
                    origin: UnsafeMutableRawPointer(origins + offset), potentialBelow: work + total + offset,
                    potentialAbove: work + 2 * total + offset, moments: work + 3 * total + offset,
                    chebyshev: nil, chebyshevStride: 0)
    }
    return try body(sorted(0, pos.count), sorted(pos.count, neg.count))
}

@Test(arguments: [
    // One cluster in the first half of the positives: that half alone passes the limit.
    [60..<141],
    // One in each half: each half within the limit, their sum above it.
    [60..<141, 3260..<3341],
])
func windowAttemptGivesUpWhenTheEstimateIsFooled(clusters: [Range<Int>]) throws {
    let pc = 6400
    let clusterNegatives = clusters.count == 1 ? 1500 : 700
    let input = clusteredInput(positives: pc, clusters: clusters, clusterNegatives: clusterNegatives,
                               otherNegatives: 2000)
    let n = input.scores.count
    let preferred = FastSoftParameters.seriesWindowPreference * n
    let pos = Array(input.scores[0..<pc]), neg = Array(input.scores[pc...])
    #expect(pos == pos.sorted() && neg == neg.sorted())
    try withSortedClasses(pos, neg) { p, q in
        // The premise: the estimate says "few", the true count (every cluster positive
        // against every cluster negative, nothing else within 40 T) says otherwise.
        let estimate = WindowSoftAUROC.estimatedPairCount(p, q, temperature: 1, samples: WindowSoftAUROC.estimateSamples)
        #expect(estimate <= WindowSoftAUROC.estimateMargin * Double(preferred), "estimate \(estimate)")
        let truePairs = clusters.reduce(0) { $0 + $1.count } * clusterNegatives
        #expect(truePairs > preferred)
        #expect(WindowSoftAUROC.pairCount(p, q, temperature: 1, limit: Int.max / 2) == truePairs)
        // The attempt gives up, writing nothing to the gradient.
        for parallel in [false, true] {
            var gradient = [Double](repeating: 7, count: n)
            let r = try gradient.withUnsafeMutableBufferPointer { g in
                try windowSoftAUROC(p, q, indices: NarrowSoftIndices.self, temperature: 1, gradient: g,
                                    sampleCount: n, parallel: parallel, series: false, pairLimit: preferred)
            }
            #expect(r == nil)
            #expect(gradient.allSatisfy { $0 == 7 })
        }
    }
    // The whole call: the rule after the attempt decides, and the result is right.
    var results = [(SoftAUROCResult, [Double])]()
    for parallel in [false, true] {
        let (result, gradient, route) = try fastWithRoute(input.scores, input.labels, nil, temperature: 1, parallel: parallel)
        #expect(route == .seriesWindow || route == .window || route == .cells)
        let worst = softErrorOverBar((result, gradient),
                                     try soft(input.scores, input.labels, nil, temperature: 1, method: .pairwise),
                                     labels: input.labels, weights: nil, temperature: 1,
                                     sourceLocation: #_sourceLocation)
        #expect(worst <= 1, "worst error / bar = \(worst), route \(String(describing: route))")
        results.append((result, gradient))
    }
    expectSameBits(results[0].0, results[1].0, gradients: (results[0].1, results[1].1))
}

@Test func windowAttemptSucceedsAtSmallTemperature() throws {
    // Sparse on the scale of T: the attempt is taken, succeeds (route .window), and
    // matches the direct sum.
    var rng = SplitMix(state: 14)
    let n = 4000
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    let scores = labels.map { $0 + rng.unit() * 3 }
    let t = 1e-5
    let (result, gradient, route) = try fastWithRoute(scores, labels, nil, temperature: t)
    #expect(route == .window)
    let worst = softErrorOverBar((result, gradient), try soft(scores, labels, nil, temperature: t, method: .pairwise),
                                 labels: labels, weights: nil, temperature: t, sourceLocation: #_sourceLocation)
    #expect(worst <= 1, "worst error / bar = \(worst)")
}

@Test(arguments: [false, true])
func classGatherLaysOutClassesInIndexOrder(weighted: Bool) throws {
    // Against the layout written out by hand: positives (weight > 0) in index order, then
    // negatives; on one thread and on two (the second half starts after the first's).
    var rng = SplitMix(state: 1414)
    let n = 30_001
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    let scores = (0..<n).map { _ in rng.unit() * 4 - 2 }
    let weights: [Double]? = weighted ? weightsWithZeros(n, &rng) : nil
    let kept = (0..<n).filter { (weights?[$0] ?? 1) > 0 }
    let expected = kept.filter { labels[$0] == 1 } + kept.filter { labels[$0] != 1 }
    let pc = kept.filter { labels[$0] == 1 }.count
    for parallel in [false, true] {
        var keys = [UInt64](repeating: 0, count: expected.count)
        var origins = [UInt32](repeating: .max, count: expected.count)
        keys.withUnsafeMutableBufferPointer { k in
            origins.withUnsafeMutableBufferPointer { o in
                withSamples(scores, labels, weights) {
                    ClassGather<NarrowSoftIndices>(samples: $0, keys: k.baseAddress!, origins: o.baseAddress!,
                                                   positiveCount: pc).run(inParallel: parallel)
                }
            }
        }
        #expect(origins.map { Int($0) } == expected, "parallel \(parallel)")
        #expect(keys == expected.map { scores[$0].orderKey }, "parallel \(parallel)")
        keys.withUnsafeMutableBufferPointer { scoresFromSortKeys($0.baseAddress!, count: $0.count, inParallel: parallel) }
        #expect(keys == expected.map { scores[$0].bitPattern }, "parallel \(parallel)")
    }
}

@Test(arguments: [1e-9, 1e-6, 1e-4, 3e-3])
func negativesFromRecordedWindowsMatchTheMerge(temperature t: Double) throws {
    // WindowSoftAUROC.negatives reads the positives' recorded windows; the merge over the
    // scores (negativesByComparison) takes the same decisions: the same bits, for the
    // whole range and for halves, on scores with ties across the classes.
    var rng = SplitMix(state: 77)
    let pos = (0..<700).map { _ in (rng.unit() * 1000).rounded() / 1000 + 0.3 }.sorted()
    let neg = (0..<1600).map { _ in (rng.unit() * 1000).rounded() / 1000 }.sorted()
    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: WindowBatch.doubles)
    defer { scratch.deallocate() }
    try withSortedClasses(pos, neg) { p, q in
        _ = WindowSoftAUROC.positives(p, q, temperature: t, range: 0..<300, limit: Int.max / 2, scratch: scratch)
        _ = WindowSoftAUROC.positives(p, q, temperature: t, range: 300..<700, limit: Int.max / 2, scratch: scratch)
        for ranges in [[0..<1600], [0..<800, 800..<1600], [0..<1, 1..<1599, 1599..<1600]] {
            for r in ranges { WindowSoftAUROC.negativesByComparison(p, q, temperature: t, range: r, scratch: scratch) }
            let merged = (0..<1600).map { q.potentialBelow[$0].bitPattern }
            for j in 0..<1600 { q.potentialBelow[j] = .nan }
            for r in ranges { WindowSoftAUROC.negatives(p, q, temperature: t, range: r, scratch: scratch) }
            let recorded = (0..<1600).map { q.potentialBelow[$0].bitPattern }
            #expect(merged == recorded, "T = \(t), ranges \(ranges)")
            #expect(recorded.contains { $0 != 0 }, "T = \(t): some window not empty")
        }
    }
}

@Test(arguments: [false, true])
func sparseGradientKeepsTheSignedZeros(weighted: Bool) throws {
    // Few window pairs, every sample in a class: the gradient is written from the labels
    // first and only non-zero potentials are scattered. The entries of points with no
    // pair within 40 T are p 0 / T = +0 (positive) and -q 0 / T = -0 (negative): checked
    // bit for bit, the rest against the direct sum, on one thread and on two. Negative
    // labels include -0.
    var rng = SplitMix(state: 2024)
    let n = 3000
    var labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    for i in labels.indices where labels[i] == 0 && rng.unit() < 0.5 { labels[i] = -0.0 }
    // Scores 1 apart (T = 1e-3: 1000 T), a few pairs of points sharing a score.
    var scores = (0..<n).map { Double($0) }.shuffled(using: &rng)
    for k in 0..<40 { scores[k] = scores[k + 40] }
    let weights: [Double]? = weighted ? (0..<n).map { _ in 0.5 + rng.unit() } : nil
    let t = 1e-3
    let direct = try soft(scores, labels, weights, temperature: t, method: .pairwise)
    for parallel in [false, true] {
        let (result, gradient, route) = try fastWithRoute(scores, labels, weights, temperature: t, parallel: parallel)
        #expect(route == .window)
        let tied = Set(scores.indices.filter { i in scores.indices.contains { $0 != i && scores[$0] == scores[i] } })
        for i in 0..<n where !tied.contains(i) {
            let zero = labels[i] == 1 ? 0.0 : -0.0
            #expect(gradient[i].bitPattern == zero.bitPattern, "entry \(i), label \(labels[i]), parallel \(parallel)")
        }
        #expect(tied.contains { gradient[$0] != 0 })
        let worst = softErrorOverBar((result, gradient), direct, labels: labels, weights: weights, temperature: t,
                                     sourceLocation: #_sourceLocation)
        #expect(worst <= 1, "worst error / bar = \(worst)")
    }
}

@Test(arguments: [(100, false), (450, true)])
func sparseGradientWithAndWithoutSharedSlopes(tiedPositives: Int, shared: Bool) throws {
    // 4000 points on integer scores (T = 1e-3: 1000 T apart), `tiedPositives` positives
    // each sharing its score with one negative: as many window pairs, every other point
    // alone. 100 pairs (0.025 a point): the negatives sum their own windows; 450 (0.11 a
    // point, at least `sharedSlopesPairs` = 0.1): shared slopes. Both at most 1/8 pair a
    // point, so the gradient is written sparsely (from the labels, then the non-zero
    // potentials scattered), which with shared slopes only happens below 0.125 pairs a
    // point. Checked: the path and the choice, the untied points' signed zeros bit for
    // bit (negative labels include -0), the rest against the direct sum, and the same
    // bits on one thread and on two, weighted and not.
    var rng = SplitMix(state: 3033)
    let n = 4000, positives = 450
    var labels = [Double](repeating: 0, count: n)
    for i in 0..<positives { labels[i] = 1 }
    for i in positives..<n where rng.unit() < 0.5 { labels[i] = -0.0 }
    // Positive i (< positives) and negative positives + i share score i when i <
    // tiedPositives; every other point has a score of its own.
    var scores = [Double](repeating: 0, count: n)
    var next = Double(positives)
    for i in 0..<positives { scores[i] = Double(i) }
    for j in positives..<n {
        if j - positives < tiedPositives { scores[j] = Double(j - positives) } else { scores[j] = next; next += 1 }
    }
    let order = (0..<n).shuffled(using: &rng)
    let s = order.map { scores[$0] }, l = order.map { labels[$0] }
    let t = 1e-3
    let tied = Set((0..<n).filter { k in order[k] < tiedPositives || (order[k] >= positives && order[k] - positives < tiedPositives) })
    for weights in [nil, (0..<n).map { _ in 0.5 + rng.unit() }] as [[Double]?] {
        let direct = try soft(s, l, weights, temperature: t, method: .pairwise)
        var bits: [[UInt64]] = []
        for parallel in [false, true] {
            var used: Bool? = nil
            let (result, gradient, route) = try withUnsafeMutablePointer(to: &used) {
                try fastWithRoute(s, l, weights, temperature: t, parallel: parallel, sharedSlopesUsed: $0)
            }
            #expect(route == .window && used == shared, "route \(String(describing: route)), shared \(String(describing: used))")
            for k in 0..<n where !tied.contains(k) {
                let zero = l[k] == 1 ? 0.0 : -0.0
                #expect(gradient[k].bitPattern == zero.bitPattern, "entry \(k), label \(l[k]), parallel \(parallel)")
            }
            #expect(tied.count == 2 * tiedPositives && tied.allSatisfy { gradient[$0] != 0 })
            let worst = softErrorOverBar((result, gradient), direct, labels: l, weights: weights, temperature: t,
                                         sourceLocation: #_sourceLocation)
            #expect(worst <= 1, "worst error / bar = \(worst), parallel \(parallel)")
            bits.append([result.value.bitPattern, result.dTemperature.bitPattern] + gradient.map(\.bitPattern))
        }
        #expect(bits[0] == bits[1])
    }
}

@Test func windowPathWithDifferencesThatOverflow() throws {
    // A positive at 1.5e308 and a negative at -1.5e308: their difference overflows, so
    // the half of the positives holding the former cannot skip the window advance's
    // finiteness check (WindowSoftAUROC.positives), while on two halves the other half
    // can; both must match the direct sum (which scales such differences exactly).
    var rng = SplitMix(state: 15)
    let n = 3000
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    var scores = labels.map { $0 + rng.unit() * 3 }
    let top = labels.firstIndex(of: 1)!, bottom = labels.firstIndex(of: 0)!
    scores[top] = 1.5e308
    scores[bottom] = -1.5e308
    let t = 1e-5
    let expected = try soft(scores, labels, nil, temperature: t, method: .pairwise)
    for parallel in [false, true] {
        let (result, gradient, route) = try fastWithRoute(scores, labels, nil, temperature: t, parallel: parallel)
        #expect(route == .window, "parallel \(parallel)")
        let worst = softErrorOverBar((result, gradient), expected, labels: labels, weights: nil, temperature: t,
                                     sourceLocation: #_sourceLocation)
        #expect(worst <= 1, "parallel \(parallel): worst error / bar = \(worst)")
    }
}
