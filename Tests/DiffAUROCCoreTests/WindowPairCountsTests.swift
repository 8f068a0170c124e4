import Testing
@testable import DiffAUROCCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// WindowSoftAUROC.pairCounts (the window pairs |x| < G and the series-window path's near
// pairs |x| < C counted in one pass, each nil past its limit) against a brute-force count
// over every (positive, negative) pair with the division (scaledDifference), and against
// the two separate counts it replaces in the route decision (pairCount, nearPairCount),
// with limits at, just below and far below the true counts; below and above the two-thread
// threshold; with ties and with differences that overflow.

private struct Classes {
    var scores: [Double]      // positives sorted, then negatives sorted
    var positives: Int
}

private func makeClasses(_ n: Int, kind: Int, _ rng: inout SplitMix) -> Classes {
    var pos: [Double] = [], neg: [Double] = []
    for _ in 0..<n {
        let label = rng.below(10) < 3
        let u = rng.unit() + 1e-300, v = rng.unit()
        var s = (-2 * log(u)).squareRoot() * cos(6.283185307179586 * v) + (label ? 1 : 0)
        switch kind {
        case 1: s = (s * 200).rounded() / 200                       // ties
        case 2: if rng.below(50) == 0 { s = rng.below(2) == 0 ? 1.5e308 : -1.5e308 }   // overflowing differences
        default: break
        }
        if label { pos.append(s) } else { neg.append(s) }
    }
    if pos.isEmpty { pos.append(0) }
    if neg.isEmpty { neg.append(0) }
    return Classes(scores: pos.sorted() + neg.sorted(), positives: pos.count)
}

private func withClasses<R>(_ c: Classes, _ body: (SortedClass, SortedClass) -> R) -> R {
    var scores = c.scores
    let total = scores.count
    var work = [Double](repeating: 0, count: 4 * total)
    var origins = [UInt32](repeating: 0, count: total)
    return scores.withUnsafeMutableBufferPointer { s in
        work.withUnsafeMutableBufferPointer { w in
            origins.withUnsafeMutableBytes { o in
                func make(_ offset: Int, _ count: Int) -> SortedClass {
                    SortedClass(count: count, scores: s.baseAddress! + offset, mass: w.baseAddress! + offset,
                                origin: o.baseAddress! + 4 * offset, potentialBelow: w.baseAddress! + total + offset,
                                potentialAbove: w.baseAddress! + 2 * total + offset,
                                moments: w.baseAddress! + 3 * total + offset, chebyshev: nil, chebyshevStride: 0)
                }
                return body(make(0, c.positives), make(c.positives, total - c.positives))
            }
        }
    }
}

/// Pairs with -distance < x < distance, x = scaledDifference(positive, negative, T).
private func bruteCount(_ c: Classes, temperature t: Double, distance: Double) -> Int {
    var count = 0
    for i in 0..<c.positives {
        for j in c.positives..<c.scores.count {
            let x = scaledDifference(c.scores[i], c.scores[j], t)
            if x < distance && x > -distance { count += 1 }
        }
    }
    return count
}

private func limited(_ count: Int, _ limit: Int) -> Int? { count <= limit ? count : nil }

@Test(arguments: [0, 1, 2])
func pairCountsMatchTheBruteForceCounts(kind: Int) {
    var rng = SplitMix(state: 4242 + UInt64(kind))
    let G = FastSoftParameters.countingDistance, C = SeriesWindowSoftAUROC.nearDistance
    for n in [2, 37, 600, 2500] {
        let c = makeClasses(n, kind: kind, &rng)
        for t in [1e-9, 1e-5, 3e-4, 2e-3, 1e-2, 0.3, 5.0] {
            let windowTrue = bruteCount(c, temperature: t, distance: G)
            let nearTrue = bruteCount(c, temperature: t, distance: C)
            for (wl, nl) in [(windowTrue, nearTrue), (windowTrue - 1, nearTrue), (windowTrue, nearTrue - 1),
                             (windowTrue - 1, nearTrue - 1), (windowTrue / 3, nearTrue), (windowTrue, nearTrue / 3),
                             (0, 0), (Int.max / 2, Int.max / 2)] where wl >= 0 && nl >= 0 {
                let counts = withClasses(c) { WindowSoftAUROC.pairCounts($0, $1, temperature: t, windowLimit: wl, nearLimit: nl) }
                #expect(counts.window == limited(windowTrue, wl), "n = \(n), T = \(t), limits \(wl), \(nl)")
                #expect(counts.near == limited(nearTrue, nl), "n = \(n), T = \(t), limits \(wl), \(nl)")
            }
        }
    }
}

@Test func pairCountsMatchTheSeparateCountsOnTwoThreads() {
    // Above the two-thread threshold: the same answers as pairCount (two halves) and
    // nearPairCount (one pass), limits at and around the counts.
    var rng = SplitMix(state: 99)
    for kind in [0, 1, 2] {
        let c = makeClasses(3 * FastSoftParameters.parallelThreshold, kind: kind, &rng)
        for t in [1e-9, 1e-6, 2e-5, 1e-4, 1e-3] {
            let big = Int.max / 2
            let (window, near) = withClasses(c) {
                (WindowSoftAUROC.pairCount($0, $1, temperature: t, limit: big)!,
                 SeriesWindowSoftAUROC.nearPairCount($0, $1, temperature: t, limit: big)!)
            }
            for (wl, nl) in [(window, near), (window - 1, near), (window, near - 1), (window / 2, near / 2),
                             (10 * c.scores.count, 12 * c.scores.count)] where wl >= 0 && nl >= 0 {
                let counts = withClasses(c) { WindowSoftAUROC.pairCounts($0, $1, temperature: t, windowLimit: wl, nearLimit: nl) }
                let separate = withClasses(c) {
                    (WindowSoftAUROC.pairCount($0, $1, temperature: t, limit: wl),
                     SeriesWindowSoftAUROC.nearPairCount($0, $1, temperature: t, limit: nl))
                }
                #expect(counts.window == separate.0 && counts.window == limited(window, wl), "kind \(kind), T = \(t)")
                #expect(counts.near == separate.1 && counts.near == limited(near, nl), "kind \(kind), T = \(t)")
            }
        }
    }
}
