import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import DiffAUROCCore

// The counting path (CountingSoftAUROC.swift): unweighted inputs at temperatures where
// nearly every pair is at least G = 40 temperature widths apart. Checked against the
// direct pair sum (.pairwise) to 1e-12 of each quantity's natural scale, with close pairs
// planted at chosen scaled distances (ties, both signs, just inside and outside G,
// clusters that chain several points), and on the sorted words the exact AUROC hands it,
// against a stdlib sort.

/// N(0, 1) + label scores (30% positives) with close pairs planted at T: for each planted
/// distance d a negative moved to d T below a positive (d < 0: above it); then a tie of
/// three positives and two negatives, a chain of four points 30 T apart (one run, its end
/// points 90 T apart), two positives with the same score 5 T above a negative, and -0.0
/// (positive) against +0.0 (negative).
private func plantedInput(_ n: Int, temperature t: Double, seed: UInt64) -> (scores: [Double], labels: [Double]) {
    var rng = SplitMix(state: seed)
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    var scores = normalPlusLabelScores(labels, &rng)
    let positives = labels.indices.filter { labels[$0] == 1 }, negatives = labels.indices.filter { labels[$0] == 0 }
    var p = 0, q = 0
    func nextPair() -> (Int, Int) { defer { p += 1; q += 1 }; return (positives[p], negatives[q]) }
    for d in [0.5, -0.5, 2, -3, 10, -25, 39.9, -39.9, 40.1, -40.1, 100, 1e-6] {
        let (i, j) = nextPair()
        scores[i] = 0.001 * Double(p) + 7  // apart from the bulk and from each other
        scores[j] = scores[i] - d * t
    }
    let tie = 0.123456
    for _ in 0..<2 { let (i, j) = nextPair(); scores[i] = tie; scores[j] = tie }
    scores[positives[p]] = tie; p += 1
    let chain = 8.5
    do {
        let (i, j) = nextPair(); let (k, l) = nextPair()
        scores[i] = chain; scores[j] = chain + 30 * t; scores[k] = chain + 60 * t; scores[l] = chain + 90 * t
    }
    do {
        let (i, j) = nextPair()
        scores[i] = 9.25; scores[positives[p]] = 9.25; p += 1
        scores[j] = 9.25 - 5 * t
    }
    let (i, j) = nextPair()
    scores[i] = -0.0; scores[j] = 0.0
    return (scores, labels)
}

@Test(arguments: [(3000, UInt64(41)), (3000, UInt64(42)), (24_000, UInt64(43))])
func countingPathMatchesThePairSum(n: Int, seed: UInt64) throws {
    let t = 1e-9
    let input = plantedInput(n, temperature: t, seed: seed)
    let direct = try soft(input.scores, input.labels, nil, temperature: t, method: .pairwise)
    var runs = [(SoftAUROCResult, [Double])]()
    for parallel in [false, true] {
        let (result, gradient, route) = try fastWithRoute(input.scores, input.labels, nil, temperature: t,
                                                          parallel: parallel)
        #expect(route == .counting)
        let worst = softErrorOverBar((result, gradient), direct, labels: input.labels, weights: nil,
                                     temperature: t, sourceLocation: #_sourceLocation)
        #expect(worst <= 1, "worst error / bar = \(worst)")
        // A point with no pair closer than G: exactly the zero of its class (p 0 / T = +0,
        // -q 0 / T = -0), as the window path writes it.
        let close = Set(closeIndices(input.scores, input.labels, temperature: t))
        for k in input.scores.indices where !close.contains(k) {
            #expect(gradient[k].bitPattern == (input.labels[k] == 1 ? 0.0 : -0.0).bitPattern, "sample \(k)")
        }
        #expect(close.allSatisfy { gradient[$0] != 0 })
        runs.append((result, gradient))
    }
    expectSameBits(runs[0].0, runs[1].0, gradients: (runs[0].1, runs[1].1))
    // The window path on the same input, for comparison: the same quantities to the bar.
    let (window, windowGradient, windowRoute) = try fastWithRoute(input.scores, input.labels, nil, temperature: t,
                                                                  counting: false)
    #expect(windowRoute == .window)
    let worst = softErrorOverBar((window, windowGradient), direct, labels: input.labels, weights: nil,
                                 temperature: t, sourceLocation: #_sourceLocation)
    #expect(worst <= 1, "window path: worst error / bar = \(worst)")
}

@Test func countingPathMatchesThePairSumOnOneSignScoresOverBinades() throws {
    // Lognormal scores (one sign, over binades around 1) from `KeyRangeBuckets.threshold`
    // samples: the exact AUROC's words are then the one-piece value buckets' (no digit bits,
    // the key less its shared top bits), which the scan decodes eight at a time. 2%
    // positives keep the direct pair sum affordable; close pairs planted as above.
    let n = 70_000, t = 1e-9
    #expect(n >= KeyRangeBuckets.threshold)
    var rng = SplitMix(state: 47)
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.02)
    var scores = labels.map { _ in exp(rng.normal()) }
    let positives = labels.indices.filter { labels[$0] == 1 }, negatives = labels.indices.filter { labels[$0] == 0 }
    for (k, d) in [0.5, -0.5, 2, -3, 39.9, -39.9, 40.1, 0].enumerated() {
        scores[positives[k]] = 3 + 0.001 * Double(k)
        scores[negatives[k]] = scores[positives[k]] - d * t
    }
    var layout: SortedWordLayout? = nil
    _ = try withBuffers(scores, labels, nil) { s, y, _ in
        try exactAUROC(scores: s, labels: y) { layout = $0.layout }
    }
    #expect(layout?.digitBits == 0 && layout?.bucketDigitShift == 63, "one-piece buckets not taken")
    let direct = try soft(scores, labels, nil, temperature: t, method: .pairwise)
    for parallel in [false, true] {
        let (result, gradient, route) = try fastWithRoute(scores, labels, nil, temperature: t, parallel: parallel)
        #expect(route == .counting)
        let worst = softErrorOverBar((result, gradient), direct, labels: labels, weights: nil,
                                     temperature: t, sourceLocation: #_sourceLocation)
        #expect(worst <= 1, "worst error / bar = \(worst)")
        #expect(gradient.filter { $0 != 0 }.count >= 12, "the planted pairs' points")
    }
}

@Test(arguments: [996, 1000, 1004])
func countingPathCutsItsScanOutsideRuns(runStart: Int) throws {
    // 2,000 scores 1,000 T apart but for a run of 12 at 10 T apart, alternating classes,
    // from rank `runStart` on: the scan's halves are cut at the first gap of at least 40 T
    // from the middle (rank 1,000) on, so inside the run the cut moves to its end. The
    // result against the pair sum, and the same bits on one thread and two.
    let n = 2000, t = 1.0
    var scores = [Double](), labels = [Double]()
    var s = 0.0
    for k in 0..<n {
        let inRun = k > runStart && k < runStart + 12
        s += inRun ? 10 : 1000
        scores.append(s)
        labels.append(inRun || k == runStart ? Double(k % 2) : (k % 3 == 0 ? 1 : 0))
    }
    // Reversed, so that index order is not score order.
    scores.reverse(); labels.reverse()
    let direct = try soft(scores, labels, nil, temperature: t, method: .pairwise)
    var runs = [(SoftAUROCResult, [Double])]()
    for parallel in [false, true] {
        let (result, gradient, route) = try fastWithRoute(scores, labels, nil, temperature: t, parallel: parallel,
                                                          counting: true)
        #expect(route == .counting)
        let worst = softErrorOverBar((result, gradient), direct, labels: labels, weights: nil, temperature: t,
                                     sourceLocation: #_sourceLocation)
        #expect(worst <= 1, "worst error / bar = \(worst)")
        runs.append((result, gradient))
    }
    expectSameBits(runs[0].0, runs[1].0, gradients: (runs[0].1, runs[1].1))
}

@Test func countingPathStepsByTheScoresWhereTheScaledDifferenceUnderflows() throws {
    // A positive at the least subnormal above a negative at 0 (and at -0.0), T = 10: x
    // rounds to 0, so the pair's sigmoid is 1/2 while the exact AUROC counts it 1; the
    // correction must go by the scores. The other scores 1e298 apart (every pair far). (A
    // fuzzed input found this: 1.5 pairs' worth, 1.4e-4 off the value.)
    var scores = [Double](), labels = [Double]()
    for k in 0..<200 {
        scores.append(Double(k + 1) * 1e298)
        labels.append(k % 2 == 0 ? 1 : 0)
    }
    scores += [0x1p-1074, 0.0, 0x1p-1073, -0.0, 0.0, 0.0]
    labels += [1, 0, 1, 0, 1, 0]
    let t = 10.0
    let direct = try soft(scores, labels, nil, temperature: t, method: .pairwise)
    let (result, gradient, route) = try fastWithRoute(scores, labels, nil, temperature: t)
    #expect(route == .counting)
    let worst = softErrorOverBar((result, gradient), direct, labels: labels, weights: nil, temperature: t,
                                 sourceLocation: #_sourceLocation)
    #expect(worst <= 1, "worst error / bar = \(worst)")
}

/// The samples with a sample of the other class less than 40 T away (scaled difference
/// strictly inside (-40, 40)), by brute force.
private func closeIndices(_ scores: [Double], _ labels: [Double], temperature t: Double) -> [Int] {
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var close = [Int]()
    for (r, k) in order.enumerated() {
        var found = false
        for direction in [-1, 1] {
            var m = r + direction
            while m >= 0 && m < order.count, abs(scaledDifference(scores[order[m]], scores[k], t)) < 40 {
                if labels[order[m]] != labels[k] { found = true }
                m += direction
            }
        }
        if found { close.append(k) }
    }
    return close
}

@Test func countingPathGivesUpOnTiedScores() throws {
    // Scores on a grid of 1e-3: every grid value holds several samples of both classes, a
    // run each; their members pass n / 64 + 64 and the path gives up. The sorting route
    // then gives the result, and it is right.
    var rng = SplitMix(state: 44)
    let n = 5000
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    let scores = labels.map { (0.3 * $0 + rng.unit()).rounded(toPlaces: 3) }
    let t = 1e-12
    let (result, gradient, route) = try fastWithRoute(scores, labels, nil, temperature: t)
    #expect(route != .counting && route != nil)
    let worst = softErrorOverBar((result, gradient), try soft(scores, labels, nil, temperature: t, method: .pairwise),
                                 labels: labels, weights: nil, temperature: t, sourceLocation: #_sourceLocation)
    #expect(worst <= 1, "worst error / bar = \(worst)")
    // The path itself: nil, nothing written.
    var untouched = [Double](repeating: 7, count: n)
    let r = try untouched.withUnsafeMutableBufferPointer { g in
        try withSamples(scores, labels, nil) { samples in
            try countingSoftAUROC(samples, temperature: t, gradient: g,
                                  positives: labels.filter { $0 == 1 }.count, negatives: labels.filter { $0 == 0 }.count,
                                  minScore: scores.min()!, maxScore: scores.max()!, parallel: false)
        }
    }
    #expect(r == nil)
    #expect(untouched.allSatisfy { $0 == 7 })
}

@Test func countingPathIsTriedOnlyWhereClosePairsAreRare() throws {
    // At T / spread 1e-3 (n = 3000) the scores are dense on the scale of 40 T: not tried;
    // weighted inputs never.
    var rng = SplitMix(state: 45)
    let n = 3000
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    let scores = normalPlusLabelScores(labels, &rng)
    let dense = try fastWithRoute(scores, labels, nil, temperature: 1e-3)
    #expect(dense.route != .counting && dense.route != nil)
    let weighted = try fastWithRoute(scores, labels, [Double](repeating: 1, count: n), temperature: 1e-9)
    #expect(weighted.route == .window)
    let unweighted = try fastWithRoute(scores, labels, nil, temperature: 1e-9)
    #expect(unweighted.route == .counting)
    // (Unit weights: the same quantities.)
    let worst = softErrorOverBar((unweighted.result, unweighted.gradient), (weighted.result, weighted.gradient),
                                 labels: labels, weights: nil, temperature: 1e-9, sourceLocation: #_sourceLocation)
    #expect(worst <= 1, "worst difference / bar = \(worst)")
}

@Test(arguments: [1000, 70_000])
func exactAUROCHandsOverTheSortedScores(n: Int) throws {
    // The words `exactAUROC(scores:labels:afterSort:)` passes on, decoded, against a stdlib
    // sort of the scores: the same scores in the same order, and within each group of
    // equal scores the same count of each class. Both signs, ties, -0.0; the value as
    // `exactAUROC`'s. (70,000: two chunks, phase 4 on claims.)
    var rng = SplitMix(state: UInt64(n))
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.4)
    var scores = normalPlusLabelScores(labels, &rng).map { rng.below(5) == 0 ? $0.rounded(toPlaces: 1) : $0 }
    scores[3] = -0.0; scores[4] = 0.0
    var seen = [(Double, Int)]()
    var value: Double? = nil, plain: Double? = nil
    try withSamples(scores, labels, nil) { samples in
        value = try exactAUROC(scores: samples.scores, labels: samples.labels) { sorted in
            var start = 0
            for b in 0..<sorted.layout.bucketCount {
                let size = sorted.bucketSize(b)
                for k in start..<(start + size) {
                    let word = sorted.words[k]
                    seen.append((scoreFromSortKey(sorted.key(word, bucket: b)), Int(word & 1)))
                }
                start += size
            }
        }
        plain = try exactAUROC(samples)
    }
    #expect(value != nil && value?.bitPattern == plain?.bitPattern)
    let expected = zip(scores, labels).map { ($0.0 + 0, Int($0.1)) }.sorted { $0.0 < $1.0 }
    #expect(seen.count == n)
    #expect(differingElements(seen.map { $0.0.bitPattern }, expected.map { $0.0.bitPattern }) == 0)
    // Class counts per group of equal scores.
    func groups(_ xs: [(Double, Int)]) -> [Double: Int] {
        xs.reduce(into: [:]) { $0[$1.0, default: 0] += $1.1 }
    }
    #expect(groups(seen) == groups(expected))
}

private extension Double {
    func rounded(toPlaces k: Int) -> Double {
        var scale = 1.0
        for _ in 0..<k { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
