import Testing
@testable import DiffAUROCCore

// The window path's division-free bounds (CountingBounds, WindowSoftAUROC.swift) against
// the decisions they replace, taken with the division: scaledDifference(a, b, T) >= G and
// scaledDifference(a, b, T) > -G, G = 40. Differences at and around the threshold (a few
// ulps either side), random ones, overflowing ones, and temperatures from the smallest
// subnormal to the largest double. The same at the series-window path's near distance
// C = 2.5 (CountingBounds(temperature:distance:), its window ends), and at 1.

private func expectSameDecisions(_ a: Double, _ b: Double, _ bounds: CountingBounds, _ t: Double,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
    let x = scaledDifference(a, b, t), G = bounds.distance
    #expect(bounds.atLeastG(a, b) == (x >= G), "a = \(a), b = \(b), T = \(t), G = \(G): x = \(x)",
            sourceLocation: sourceLocation)
    #expect(bounds.aboveMinusG(a, b) == (x > -G), "a = \(a), b = \(b), T = \(t), G = \(G): x = \(x)",
            sourceLocation: sourceLocation)
}

private let temperatures: [Double] = [
    .leastNonzeroMagnitude, 3e-320, 1e-310, .leastNormalMagnitude, 1e-300, 1e-100, 1.1e-9, 1e-7,
    1.0 / 3, 0.1, 1, 7, 1e10, 1e100, 1e300, 4e306, 4.49e306, 4.5e306, 1e307, .greatestFiniteMagnitude,
]

private let distances = [FastSoftParameters.countingDistance, SeriesWindowSoftAUROC.nearDistance, 1.0]

private func makeBounds(_ t: Double, _ G: Double) -> CountingBounds {
    G == FastSoftParameters.countingDistance ? CountingBounds(temperature: t) : CountingBounds(temperature: t, distance: G)
}

@Test(arguments: distances)
func countingBoundsDecideAsTheDivisionNearTheThreshold(G: Double) {
    for t in temperatures {
        let bounds = makeBounds(t, G)
        // Differences within 8 ulps of +-G T (and of the threshold itself), both signs.
        var centers = [G * t, bounds.threshold, 0, Double.leastNonzeroMagnitude]
        if !bounds.threshold.isFinite { centers.removeLast(3) }
        for c in centers where c.isFinite {
            var d = c
            for _ in 0..<8 { d = d.nextDown }
            for _ in 0..<17 {
                for (a, b) in [(d, 0.0), (0.0, d), (-d, 0.0), (0.0, -d), (1 + d, 1.0), (d / 2, -d / 2)] {
                    expectSameDecisions(a, b, bounds, t)
                }
                d = d.nextUp
            }
        }
    }
}

@Test(arguments: distances)
func countingBoundsDecideAsTheDivisionOnRandomAndOverflowingPairs(G: Double) {
    var rng = SplitMix(state: 77)
    for t in temperatures {
        let bounds = makeBounds(t, G)
        for _ in 0..<2000 {
            // Scores on the scale of 40 T (where the decisions change) and far from it.
            let scale = [G * t, t, 1, 1e300][rng.below(4)]
            let a = (rng.unit() * 4 - 2) * scale, b = (rng.unit() * 4 - 2) * scale
            expectSameDecisions(a, b, bounds, t)
        }
        let huge = Double.greatestFiniteMagnitude
        for (a, b) in [(huge, -huge), (-huge, huge), (huge, -1e300), (1e308, -1e308), (huge, huge)] {
            expectSameDecisions(a, b, bounds, t)
        }
    }
}

@Test(arguments: distances)
func countingBoundsThresholdIsTheLeastReachingDifference(G: Double) {
    for t in temperatures {
        let D = makeBounds(t, G).threshold
        if D.isFinite {
            #expect(D / t >= G, "T = \(t)")
            #expect(D.nextDown / t < G, "T = \(t)")
        } else {
            #expect(Double.greatestFiniteMagnitude / t < G, "T = \(t)")
        }
    }
}
