import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import DiffAUROCCore

// The soft AUROC Hessian-vector product's 64-bit instantiation (`softAUROCHVP` with
// `WideSoftIndices`, FastSoftIndices.swift), which the public `softAUROCHVP` runs above
// 2^31 - 1 samples. An input that large needs more than 100 GB here, so the wide
// instantiation is called directly at small n: against the direct pair loop (.pairwise,
// the reference SoftHessianTests.swift checks the fast path against) at 1e-12 of the
// natural scale, and bit for bit against the 32-bit instantiation on the same inputs
// (the two share every line of arithmetic; only the widths of the sort's values, the
// grid counts, the cell starts, the near runs and the large-cell ordinals differ), on
// both grouping routes (grid and radix sort + greedy cells), weighted and not, on one
// thread (n < `hessianParallelThreshold`) and on two.

private struct HVPOutcome {
    var output: [Double]
    var result: SoftHVPResult
}

private func runHVP<I: FastSoftIndices>(_ scores: [Double], _ labels: [Double], _ weights: [Double]?,
                                        temperature: Double, direction: [Double], directionTemperature: Double,
                                        method: SoftAUROCMethod, indices: I.Type) throws -> HVPOutcome {
    let (output, result) = try hvpOnArrays(scores, labels, weights, direction: direction) {
        try softAUROCHVP($0, temperature: temperature, direction: $1,
                         directionTemperature: directionTemperature, output: $2,
                         method: method, indices: indices)
    }
    return HVPOutcome(output: output, result: result)
}

/// The route the fast path takes (the test data are chosen far from the boundary):
/// the grid when the scores of positive weight span fewer than P + N cell widths.
private func takesGrid(_ scores: [Double], _ labels: [Double], _ weights: [Double]?, temperature: Double) -> Bool {
    let members = scores.indices.filter { (weights?[$0] ?? 1) > 0 }
    let lo = members.map { scores[$0] }.min()!, hi = members.map { scores[$0] }.max()!
    return (hi - lo) / temperature / SoftHessianParameters.cellWidth < Double(members.count)
}

/// Wide and narrow give the same bits (every output entry, (H v)_T, hasPairs).
private func expectWideEqualsNarrow(_ scores: [Double], _ labels: [Double], _ weights: [Double]?,
                                    temperature: Double, direction: [Double], directionTemperature: Double,
                                    sourceLocation: SourceLocation = #_sourceLocation) throws {
    let wide = try runHVP(scores, labels, weights, temperature: temperature, direction: direction,
                          directionTemperature: directionTemperature, method: .fast, indices: WideSoftIndices.self)
    let narrow = try runHVP(scores, labels, weights, temperature: temperature, direction: direction,
                            directionTemperature: directionTemperature, method: .fast, indices: NarrowSoftIndices.self)
    #expect(wide.result.hasPairs == narrow.result.hasPairs, sourceLocation: sourceLocation)
    #expect(wide.result.temperatureComponent.bitPattern == narrow.result.temperatureComponent.bitPattern,
            "(Hv)_T \(wide.result.temperatureComponent) vs \(narrow.result.temperatureComponent) at T = \(temperature)",
            sourceLocation: sourceLocation)
    let differing = scores.indices.filter { wide.output[$0].bitPattern != narrow.output[$0].bitPattern }
    #expect(differing.isEmpty, "\(differing.count) of \(scores.count) outputs differ at T = \(temperature)",
            sourceLocation: sourceLocation)
    // The public entry point picks the narrow instantiation at this size: same bits.
    let (publicOutput, publicResult) = try hvpOnArrays(scores, labels, weights, direction: direction) {
        try softAUROCHVP($0, temperature: temperature, direction: $1,
                         directionTemperature: directionTemperature, output: $2, method: .fast)
    }
    #expect(publicResult.temperatureComponent.bitPattern == narrow.result.temperatureComponent.bitPattern,
            sourceLocation: sourceLocation)
    #expect(scores.indices.allSatisfy { publicOutput[$0].bitPattern == narrow.output[$0].bitPattern },
            sourceLocation: sourceLocation)
}

/// The wide instantiation against the direct pair loop: every output and (H v)_T within
/// 1e-12 of the natural scale (max|v| + |v_T|) / T^2 (masses are at most 1).
private func expectWideMatchesPairwise(_ scores: [Double], _ labels: [Double], _ weights: [Double]?,
                                       temperature: Double, direction: [Double], directionTemperature: Double,
                                       sourceLocation: SourceLocation = #_sourceLocation) throws {
    let wide = try runHVP(scores, labels, weights, temperature: temperature, direction: direction,
                          directionTemperature: directionTemperature, method: .fast, indices: WideSoftIndices.self)
    let (direct, directResult) = try hvpOnArrays(scores, labels, weights, direction: direction) {
        try softAUROCHVP($0, temperature: temperature, direction: $1,
                         directionTemperature: directionTemperature, output: $2, method: .pairwise)
    }
    #expect(wide.result.hasPairs == directResult.hasPairs, sourceLocation: sourceLocation)
    let largestDirection = direction.map { Swift.abs($0) }.max()!
    let scale = (largestDirection + Swift.abs(directionTemperature)) / (temperature * temperature)
    var worst = Swift.abs(wide.result.temperatureComponent - directResult.temperatureComponent) / scale
    for k in scores.indices {
        #expect(wide.output[k].isFinite, sourceLocation: sourceLocation)
        if (weights?[k] ?? 1) == 0 {
            #expect(wide.output[k] == 0, sourceLocation: sourceLocation)
            continue
        }
        worst = Swift.max(worst, Swift.abs(wide.output[k] - direct[k]) / scale)
    }
    #expect(worst <= 1e-12, "worst error / natural scale = \(worst) at T = \(temperature)",
            sourceLocation: sourceLocation)
}

private func randomDirection(_ n: Int, _ rng: inout SplitMix) -> [Double] {
    (0..<n).map { _ in 2 * rng.unit() - 1 }
}

// MARK: - Dispatch

@Test func hvpDispatchPicksTheWideIndicesAboveTwoToThe31() {
    // `softAUROCHVP` switches on `FastSoftIndexWidth`, as the soft value and gradient do.
    // The ABI accepts n up to Int.max / 32 (`maximumCount` in Validation.swift).
    let largestAccepted = Int.max / 32
    #expect(FastSoftIndexWidth(sampleCount: (1 << 31) - 1) == .narrow)
    #expect(FastSoftIndexWidth(sampleCount: 1 << 31) == .wide)
    #expect(FastSoftIndexWidth(sampleCount: largestAccepted) == .wide)
    // Every class position and cell index (<= n) of the largest input fits the wide
    // types, and every one below 2^31 fits the narrow ones.
    #expect(Int(WideSoftIndices.Position.max) >= largestAccepted)
    #expect(UInt64(WideSoftIndices.Origin.max) >= UInt64(largestAccepted))
    #expect(Int(NarrowSoftIndices.Position.max) >= (1 << 31) - 1)
}

@Test func hvpWideBuffersAtTheLargestInputFailCleanly() {
    // At n = Int.max / 32 the byte counts of a class's buffers and of the cell table
    // overflow Int (the sort's 32 bytes a point plus its histogram, 40 bytes a point,
    // 48 bytes a cell): each is reported as an allocation failure, never a trap.
    let largestAccepted = Int.max / 32
    for route in [HessianRoute.sorted, .grid(largestAccepted), .indexOrder] {
        do {
            let c = try HessianClass(count: largestAccepted, route: route, indices: WideSoftIndices.self)
            c.free()
            Issue.record("allocated a class of \(largestAccepted) points")
        } catch {
            guard case .allocationFailed = error else { Issue.record("\(error)"); continue }
        }
    }
    do {
        let t = try HessianCellTable<WideSoftIndices>(count: largestAccepted)
        t.free()
        Issue.record("allocated \(largestAccepted) cells")
    } catch {
        guard case .allocationFailed = error else { Issue.record("\(error)"); return }
    }
}

// MARK: - Wide instantiation against the direct pair loop

@Test(arguments: [1e-9, 1e-6, 1e-3, 0.05, 1, 1e3])
func hvpWideMatchesPairwise(relativeTemperature: Double) throws {
    var rng = SplitMix(state: 2401)
    let n = 2500
    let (labels, scores, weights) = normalSoftTestData(n, &rng, positiveRate: 0.35)
    let v = randomDirection(n, &rng)
    let t = relativeTemperature * (scores.max()! - scores.min()!)
    try expectWideMatchesPairwise(scores, labels, nil, temperature: t, direction: v, directionTemperature: 0.4 * t)
    try expectWideMatchesPairwise(scores, labels, weights, temperature: t, direction: v, directionTemperature: -0.3)
}

@Test(arguments: [1e-9, 1e-4, 1e-2, 1])
func hvpWideMatchesPairwiseOnClusters(relativeTemperature: Double) throws {
    var rng = SplitMix(state: 2402)
    let scores = clusteredScores(&rng, repeats: 1)
    let n = scores.count
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.5)
    let weights = weightsWithZeros(n, &rng)
    let v = randomDirection(n, &rng)
    let t = relativeTemperature * (scores.max()! - scores.min()!)
    try expectWideMatchesPairwise(scores, labels, nil, temperature: t, direction: v, directionTemperature: 0.4 * t)
    try expectWideMatchesPairwise(scores, labels, weights, temperature: t, direction: v, directionTemperature: 0.7)
}

// MARK: - Wide and narrow give the same bits

/// One thread below `hessianParallelThreshold` samples, two at and above it; relative
/// temperatures that give the sorted route (1e-9, 1e-6 at these sizes) and the grid
/// (1e-3 and up), both checked.
@Test(arguments: [3_000, 30_000])
func hvpWideEqualsNarrow(n: Int) throws {
    var rng = SplitMix(state: 2403 &+ UInt64(n))
    let (labels, scores, weights) = normalSoftTestData(n, &rng, positiveRate: 0.35)
    let v = randomDirection(n, &rng)
    let spread = scores.max()! - scores.min()!
    var routes: Set<Bool> = []
    for relative in [1e-9, 1e-6, 1e-3, 1e-2, 1, 1e6] {
        let t = relative * spread
        for w in [nil, weights] {
            routes.insert(takesGrid(scores, labels, w, temperature: t))
            try expectWideEqualsNarrow(scores, labels, w, temperature: t, direction: v, directionTemperature: 0.4 * t)
        }
    }
    #expect(routes == [true, false], "both routes")
    #expect((n >= hessianParallelThreshold) == (n == 30_000), "one and two threads")
}

@Test(arguments: [1, 14])
func hvpWideEqualsNarrowOnClusters(repeats: Int) throws {
    // 1 repeat: 7,830 points (one thread); 14: 109,620 (two threads).
    var rng = SplitMix(state: 2404 &+ UInt64(repeats))
    let scores = clusteredScores(&rng, repeats: repeats)
    let n = scores.count
    let labels = labelsWithBothClasses(n, &rng, positiveRate: 0.5)
    let weights = weightsWithZeros(n, &rng)
    let v = randomDirection(n, &rng)
    let spread = scores.max()! - scores.min()!
    var routes: Set<Bool> = []
    for relative in [1e-12, 1e-7, 1e-4, 1e-2, 1] {
        let t = relative * spread
        for w in [nil, weights] {
            routes.insert(takesGrid(scores, labels, w, temperature: t))
            try expectWideEqualsNarrow(scores, labels, w, temperature: t, direction: v, directionTemperature: -0.2)
        }
    }
    #expect(routes == [true, false], "both routes")
}
