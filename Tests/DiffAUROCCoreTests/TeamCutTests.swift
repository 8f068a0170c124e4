import Testing
@testable import DiffAUROCCore

// `TeamCut` (WindowSoftAUROC.swift): where the window and series-window paths cut each class
// for their two threads. Its estimate (32 ranges, binary searches, one sampled target a
// range) against the same cost model summed target by target: the cut must balance the
// direct sums within a few percent, where half the count does not; degenerate classes
// get half their count.

/// The cost model of `TeamCut.balancedCut`, summed directly over targets [lo, hi): each
/// target's own cost and its pairs within `distance`, and the sources between the first
/// target and the next half's first (or the last target, for the upper half).
private func directCost(_ targets: [Double], _ sources: [Double], _ range: Range<Int>, temperature t: Double,
                        target: Double, source: Double, pair: Double, distance: Double) -> Double {
    guard !range.isEmpty else { return 0 }
    func below(_ s: Double) -> Int { sources.count { $0 < s } }
    let end = range.upperBound < targets.count ? targets[range.upperBound] : targets[targets.count - 1]
    var cost = source * Double(below(end) - below(targets[range.lowerBound]))
    for i in range {
        let pairs = sources.count { abs(scaledDifference(targets[i], $0, t)) < distance }
        cost += target + pair * Double(pairs)
    }
    return cost
}

@Test(arguments: [(false, true), (true, true), (true, false)])
func teamCutBalancesTheCostModel(series: Bool, cutPositives: Bool) throws {
    var rng = SplitMix(state: 4417)
    let n = 12_000
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.3)
    let scores = normalPlusLabelScores(labels, &rng)
    let pos = zip(scores, labels).filter { $0.1 == 1 }.map(\.0).sorted()
    let neg = zip(scores, labels).filter { $0.1 == 0 }.map(\.0).sorted()
    // About 4 window pairs a point (window path), 3 near pairs a point (series-window
    // path): T / spread 8.3e-5 and 8.3e-4 at n = 12,000 (spread about 1.1).
    let t = (series ? 8.3e-4 : 8.3e-5) * 1.1
    let (targets, sources) = cutPositives ? (pos, neg) : (neg, pos)
    let model: (target: Double, source: Double, pair: Double, distance: Double) = !series
        ? (30, 0, 1.3, FastSoftParameters.countingDistance)
        : cutPositives ? (94, 12, 0.9, SeriesWindowSoftAUROC.nearDistance)
        : (16, 28, 0, SeriesWindowSoftAUROC.nearDistance)
    try withSortedClasses(pos, neg) { p, q in
        let cut = TeamCut(p, q, temperature: t, series: series)
        let k = cutPositives ? cut.positives : cut.negatives
        #expect(k > 0 && k < targets.count)
        if !series { #expect(cut.negatives == neg.count / 2) }
        func imbalance(_ k: Int) -> Double {
            let low = directCost(targets, sources, 0..<k, temperature: t, target: model.target, source: model.source,
                                 pair: model.pair, distance: model.distance)
            let high = directCost(targets, sources, k..<targets.count, temperature: t, target: model.target,
                                  source: model.source, pair: model.pair, distance: model.distance)
            return abs(low - high) / (low + high)
        }
        let balanced = imbalance(k), halves = imbalance(targets.count / 2)
        #expect(balanced < 0.04, "cut \(k) of \(targets.count): imbalance \(balanced)")
        // The premise: half the count is unbalanced on these scores.
        #expect(halves > 0.1, "half the count: imbalance \(halves)")
    }
}

@Test func teamCutOfFewTargetsIsHalfTheCount() throws {
    // Fewer than two targets a range (64), or no sources: half the count.
    for (pc, nc) in [(63, 500), (1, 500), (500, 63), (64, 64)] {
        let pos = (0..<pc).map { Double($0) * 0.5 }, neg = (0..<nc).map { Double($0) * 0.3 }
        try withSortedClasses(pos, neg) { p, q in
            for series in [false, true] {
                let cut = TeamCut(p, q, temperature: 1, series: series)
                if pc < 2 * TeamCut.buckets { #expect(cut.positives == pc / 2, "\(pc) x \(nc)") }
                #expect(cut.positives >= 0 && cut.positives <= pc)
                if series && nc < 2 * TeamCut.buckets { #expect(cut.negatives == nc / 2, "\(pc) x \(nc)") }
                #expect(cut.negatives >= 0 && cut.negatives <= nc)
            }
        }
    }
}
