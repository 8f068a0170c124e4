import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import DiffAUROCCore

// The fast soft AUROC's 64-bit instantiation (FastSoftIndices.swift), which `softAUROC`
// runs above 2^31 - 1 samples. An input that large needs more than 17 GB and cannot run
// here, so the wide instantiation is called directly at small n: against the float64
// direct pair sum (.pairwise) at 1e-12 of each quantity's natural scale, and bit for bit
// against the 32-bit instantiation on the same input (the two share every line of
// arithmetic; only the integer widths of indices and cell bounds differ). The dispatch
// that picks between them is tested at the sizes where it matters.

private struct WideOutcome {
    var result: SoftAUROCResult
    var gradient: [Double]
}

private func runFast<I: FastSoftIndices>(_ scores: [Double], _ labels: [Double], _ weights: [Double]?,
                                         temperature: Double, gradient wantGradient: Bool = true,
                                         indices: I.Type) throws -> WideOutcome {
    var gradient = [Double](repeating: .nan, count: scores.count)
    let result = try gradient.withUnsafeMutableBufferPointer { g in
        try withSamples(scores, labels, weights) {
            try fastSoftAUROC($0, temperature: temperature, gradient: wantGradient ? g : nil, indices: indices)
        }
    }
    return WideOutcome(result: result, gradient: gradient)
}

/// The wide instantiation against the direct pair sum: the largest error over the value,
/// d/dT and every gradient, each divided by its bar 1e-12 x natural scale (1 for the
/// value, 1/T for d/dT, w_k / (T W_class) for a gradient); must be <= 1.
private func expectWideMatchesPairwise(_ scores: [Double], _ labels: [Double], _ weights: [Double]?,
                                       temperature: Double,
                                       sourceLocation: SourceLocation = #_sourceLocation) throws {
    let wide = try runFast(scores, labels, weights, temperature: temperature, indices: WideSoftIndices.self)
    let worst = softErrorOverBar((wide.result, wide.gradient),
                                 try soft(scores, labels, weights, temperature: temperature, method: .pairwise),
                                 labels: labels, weights: weights, temperature: temperature,
                                 sourceLocation: sourceLocation)
    #expect(worst <= 1, "worst error / bar = \(worst) at T = \(temperature)", sourceLocation: sourceLocation)
}

/// The wide and the narrow instantiation give the same bits (value, d/dT, gradient),
/// with and without the gradient.
private func expectWideEqualsNarrow(_ scores: [Double], _ labels: [Double], _ weights: [Double]?,
                                    temperature: Double,
                                    sourceLocation: SourceLocation = #_sourceLocation) throws {
    for wantGradient in [true, false] {
        let wide = try runFast(scores, labels, weights, temperature: temperature, gradient: wantGradient,
                               indices: WideSoftIndices.self)
        let narrow = try runFast(scores, labels, weights, temperature: temperature, gradient: wantGradient,
                                 indices: NarrowSoftIndices.self)
        #expect(wide.result.hasPairs == narrow.result.hasPairs, sourceLocation: sourceLocation)
        #expect(wide.result.value.bitPattern == narrow.result.value.bitPattern,
                "value \(wide.result.value) vs \(narrow.result.value) at T = \(temperature)",
                sourceLocation: sourceLocation)
        #expect(wide.result.dTemperature.bitPattern == narrow.result.dTemperature.bitPattern,
                sourceLocation: sourceLocation)
        if wantGradient {
            let differing = scores.indices.filter { wide.gradient[$0].bitPattern != narrow.gradient[$0].bitPattern }
            #expect(differing.isEmpty, "\(differing.count) gradients differ at T = \(temperature)",
                    sourceLocation: sourceLocation)
        }
    }
}

// MARK: - Dispatch

@Test func dispatchPicksTheWideIndicesAboveTwoToThe31() {
    // The ABI accepts n up to Int.max / 32 (`maximumCount` in Validation.swift).
    let largestAccepted = Int.max / 32
    #expect(FastSoftIndexWidth(sampleCount: 0) == .narrow)
    #expect(FastSoftIndexWidth(sampleCount: 100_000) == .narrow)
    #expect(FastSoftIndexWidth(sampleCount: (1 << 31) - 2) == .narrow)
    #expect(FastSoftIndexWidth(sampleCount: (1 << 31) - 1) == .narrow)
    #expect(FastSoftIndexWidth(sampleCount: 1 << 31) == .wide)
    #expect(FastSoftIndexWidth(sampleCount: (1 << 32) - 1) == .wide)
    #expect(FastSoftIndexWidth(sampleCount: 1 << 32) == .wide)
    #expect(FastSoftIndexWidth(sampleCount: (1 << 32) + 1) == .wide)
    #expect(FastSoftIndexWidth(sampleCount: largestAccepted) == .wide)
    // The narrow instantiation's limit: every index below it fits its 32-bit types.
    #expect(narrowSoftMaximumCount == Int(Int32.max))
    #expect(Int(NarrowSoftIndices.Position.max) >= narrowSoftMaximumCount)
    #expect(UInt64(NarrowSoftIndices.Origin.max) >= UInt64(narrowSoftMaximumCount))
    // The wide one's types hold every index of the largest accepted input.
    #expect(Int(WideSoftIndices.Position.max) >= largestAccepted)
    #expect(UInt64(WideSoftIndices.Origin.max) >= UInt64(largestAccepted))
}

@Test func windowPairLimitDoesNotOverflowAtTheLargestInput() {
    // pairBudget * n overflowed Int above Int.max / 40 (the ABI accepts up to Int.max / 32).
    let budget = WindowSoftAUROC.pairBudget
    #expect(windowPairLimit(points: 100_000) == budget * 100_000)
    #expect(windowPairLimit(points: 1 << 31) == budget * (1 << 31))
    let largestAccepted = Int.max / 32
    #expect(largestAccepted.multipliedReportingOverflow(by: budget).overflow)
    let limit = windowPairLimit(points: largestAccepted)
    #expect(limit == Int.max / 2)
    // The running pair count may pass the limit by one class's count before it stops.
    #expect(!limit.addingReportingOverflow(largestAccepted).overflow)
}

// MARK: - Wide instantiation against the direct pair sum

@Test(arguments: [1e-12, 1e-9, 1e-6, 1e-4, 1e-3, 1e-2, 0.1, 1, 10, 1e3, 1e6, 1e9, 1e12])
func wideMatchesPairwiseAcrossTemperatures(relativeTemperature: Double) throws {
    var rng = SplitMix(state: 1401)
    let n = 2000
    let (labels, scores, weights) = normalSoftTestData(n, &rng, positiveRate: 0.3)
    let spread = scores.max()! - scores.min()!
    try expectWideMatchesPairwise(scores, labels, nil, temperature: relativeTemperature * spread)
    try expectWideMatchesPairwise(scores, labels, weights, temperature: relativeTemperature * spread)
}

@Test(arguments: [1e-12, 1e-7, 1e-3, 0.05, 1, 1e4, 1e12])
func wideMatchesPairwiseOnClustersAndTies(relativeTemperature: Double) throws {
    // Clusters of very different sizes and spacings with exact ties and a far outlier:
    // the grid, the greedy cells, the window path and every near-field form.
    var rng = SplitMix(state: 1402)
    let scores = clusteredScores(&rng, repeats: 1)
    let n = scores.count
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.5)
    let weights = weightsWithZeros(n, &rng)
    let spread = scores.max()! - scores.min()!
    try expectWideMatchesPairwise(scores, labels, nil, temperature: relativeTemperature * spread)
    try expectWideMatchesPairwise(scores, labels, weights, temperature: relativeTemperature * spread)
}

@Test(arguments: [1e-300, 1, 1e290])
func wideMatchesPairwiseOnHugeScores(temperature: Double) throws {
    var rng = SplitMix(state: 1403)
    let n = 700
    let scores = (0..<n).map { _ in Double(rng.below(9) - 4) * 1e307 }
    try expectWideMatchesPairwise(scores, labelsWithBothClasses(n, &rng, positiveRate: 0.3), nil, temperature: temperature)
}

@Test func wideOnOneClassGivesNoPairs() throws {
    let out = try runFast([1, 2, 3], [1, 1, 1], nil, temperature: 1, indices: WideSoftIndices.self)
    #expect(out.result == .noPairs)
    #expect(out.gradient == [0, 0, 0])
    let weighted = try runFast([1, 2, 3], [1, 0, 1], [1, 0, 1], temperature: 1, indices: WideSoftIndices.self)
    #expect(weighted.result == .noPairs)
    #expect(weighted.gradient == [0, 0, 0])
}

// MARK: - Wide and narrow give the same bits, up to n = 10^5

@Test(arguments: [1e-12, 1e-5, 1e-3, 1e-2, 1, 1e12])
func wideEqualsNarrowAtATenthOfAMillion(relativeTemperature: Double) throws {
    // Above `parallelThreshold`: both threads, both grouping routes (grid when dense,
    // radix sort and greedy cells or the window path when sparse).
    var rng = SplitMix(state: 1404)
    let n = 100_000
    let (labels, scores, weights) = normalSoftTestData(n, &rng, positiveRate: 0.3)
    let spread = scores.max()! - scores.min()!
    try expectWideEqualsNarrow(scores, labels, nil, temperature: relativeTemperature * spread)
    try expectWideEqualsNarrow(scores, labels, weights, temperature: relativeTemperature * spread)
}

@Test(arguments: [1, 2, 5, 64, 1000, 19_999, 20_000, 33_333])
func wideEqualsNarrowAtEverySize(n: Int) throws {
    var rng = SplitMix(state: 1405 &+ UInt64(n))
    let labels = n == 1 ? [1.0] : labelsWithBothClasses(n, &rng, positiveRate: 0.4)
    // Log-uniform magnitudes over 20 decades, both signs, some exact ties.
    let scores = (0..<n).map { k -> Double in
        k % 5 == 0 ? 0.5 : (rng.below(2) == 0 ? -1 : 1) * pow(10, rng.unit() * 20 - 10)
    }
    let weights = weightsWithZeros(n, &rng)
    for t in [1e-11, 1e-6, 1e-2, 1, 1e4] {
        try expectWideEqualsNarrow(scores, labels, nil, temperature: t)
        try expectWideEqualsNarrow(scores, labels, weights, temperature: t)
    }
}
