import Foundation
import Testing
@testable import DiffAUROCCore

// WindowBatch (WindowBatch.swift): the window path's short windows, staged side by side
// and summed eight pairs at a time across windows.

/// sigmoid'(x) = e^-|x| / (1 + e^-|x|)^2, written out here (Foundation's exp), for the
/// direct window sums the batched ones are checked against.
private func slope(_ x: Double) -> Double {
    let e = Foundation.exp(-abs(x))
    return e / ((1 + e) * (1 + e))
}

@Test(arguments: [1e-4, 3e-4])
func shortWindowSumsDependOnTheWindowAlone(temperature t: Double) throws {
    // N(0, 1) scores: windows of every length from 0 (the tails) to past `longWindow`
    // (the middle at 3e-4), so both the batches and the long windows' direct sums run,
    // and the batch fills and is evaluated many times. The positives are summed over the
    // whole range, then range by range in pieces of 1, 7 and 300 positives (each piece
    // starts a new batch, so every window sits among other windows), and the negatives
    // likewise: the same bits for every point. Each point's sum of mass * sigmoid' is
    // also checked against the direct sum over its window.
    var rng = SplitMix(state: 78)
    let pc = 2000, nc = 4000
    // (TestSupport's N(0, 1) + label scores with label 0: plain N(0, 1) draws.)
    let pos = normalPlusLabelScores([Double](repeating: 0, count: pc), &rng).map { $0 + 0.5 }.sorted()
    let neg = normalPlusLabelScores([Double](repeating: 0, count: nc), &rng).sorted()
    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: WindowBatch.doubles)
    defer { scratch.deallocate() }
    try withSortedClasses(pos, neg) { p, q in
        func pieces(_ count: Int, _ size: Int) -> [Range<Int>] {
            stride(from: 0, to: count, by: size).map { $0..<Swift.min($0 + size, count) }
        }
        var positives: [[UInt64]] = [], negatives: [[UInt64]] = []
        for size in [pc, 1, 7, 300] {
            for r in pieces(pc, size) {
                _ = WindowSoftAUROC.positives(p, q, temperature: t, range: r, limit: Int.max / 2, scratch: scratch)
            }
            positives.append((0..<pc).map { p.potentialBelow[$0].bitPattern })
        }
        for size in [nc, 1, 7, 300] {
            for j in 0..<nc { q.potentialBelow[j] = .nan }
            for r in pieces(nc, size) { WindowSoftAUROC.negatives(p, q, temperature: t, range: r, scratch: scratch) }
            negatives.append((0..<nc).map { q.potentialBelow[$0].bitPattern })
        }
        // (The first point whose bits differ, not the arrays: they are long.)
        func firstDifference(_ a: [UInt64], _ b: [UInt64]) -> Int? { a.indices.first { a[$0] != b[$0] } }
        for k in 1..<4 {
            #expect(firstDifference(positives[k], positives[0]) == nil, "positives, pieces \(k), T = \(t)")
            #expect(firstDifference(negatives[k], negatives[0]) == nil, "negatives, pieces \(k), T = \(t)")
        }
        // The windows: |a - b| / T < G = 40 (`CountingBounds`), checked directly.
        let g = FastSoftParameters.countingDistance
        var lengths = Set<Int>()
        var worst = 0.0
        for i in 0..<pc {
            let window = (0..<nc).filter { abs((pos[i] - neg[$0]) / t) < g }
            lengths.insert(window.count)
            let direct = window.reduce(0.0) { $0 + q.mass[$1] * slope((pos[i] - neg[$1]) / t) }
            worst = max(worst, abs(p.potentialBelow[i] - direct))
        }
        for j in 0..<nc {
            let window = (0..<pc).filter { abs((pos[$0] - neg[j]) / t) < g }
            let direct = window.reduce(0.0) { $0 + p.mass[$1] * slope((pos[$1] - neg[j]) / t) }
            worst = max(worst, abs(q.potentialBelow[j] - direct))
        }
        // (Potentials are sums of masses <= 1 / 2000 times sigmoid' <= 1/4: a few ulps of
        // each kernel and of the sums.)
        #expect(worst < 1e-15, "T = \(t): largest difference from the direct sums \(worst)")
        #expect(lengths.contains(0) && lengths.contains(1) && lengths.contains(WindowBatch.longWindow - 1))
        if t == 3e-4 { #expect(lengths.contains { $0 >= WindowBatch.longWindow }) }
    }
}
