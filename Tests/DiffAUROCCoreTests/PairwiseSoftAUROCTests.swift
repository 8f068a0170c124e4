import Testing
@testable import DiffAUROCCore

// Edge values first, then randomized agreement with the textbook formula.

@Test func emptyInputHasNoPairs() throws {
    let (r, g) = try soft([], [], temperature: 1, method: .pairwise)
    #expect(r == SoftAUROCResult(value: 0, dTemperature: 0, hasPairs: false))
    #expect(g.isEmpty)
}

@Test func oneClassHasNoPairsAndZeroGradient() throws {
    let (r, g) = try soft([0.3, -1, 2], [1, 1, 1], temperature: 1, method: .pairwise)
    #expect(!r.hasPairs && r.value == 0 && r.dTemperature == 0)
    #expect(g == [0, 0, 0])
}

@Test func weightZeroLeavesOneClass() throws {
    let (r, g) = try soft([0.3, -1], [1, 0], [1, 0], temperature: 1, method: .pairwise)
    #expect(!r.hasPairs && r.value == 0)
    #expect(g == [0, 0])
}

@Test func singlePairMatchesHandFormula() throws {
    // value = 1 / (1 + e^-1) = 0.7310585786300049; slope = value * (1 - value).
    let (r, g) = try soft([2.0, 1.0], [1, 0], temperature: 1, method: .pairwise)
    #expect(Swift.abs(r.value - 0.7310585786300049) < 1e-16)
    let slope = 0.7310585786300049 * (1 - 0.7310585786300049)
    #expect(Swift.abs(g[0] - slope) < 1e-16)
    #expect(Swift.abs(g[1] + slope) < 1e-16)
    #expect(Swift.abs(r.dTemperature + slope) < 1e-16)  // x = 1, T = 1: -x s'(x) / T
}

@Test func allTiedScoresGiveOneHalf() throws {
    let (r, g) = try soft([5, 5, 5, 5], [1, 0, 1, 0], temperature: 0.01, method: .pairwise)
    #expect(r.value == 0.5)
    // Each positive: (1/2) * sum_j (1/2) * 0.25 / T = 12.5; negatives the opposite.
    #expect(g == [12.5, -12.5, 12.5, -12.5])
    #expect(r.dTemperature == 0)
}

@Test func hugeScoresStayFinite() throws {
    // (1e308 - -1e308) overflows to +inf: the kernels take their limits, no NaN.
    let (r, g) = try soft([1e308, -1e308, -1e308], [1, 0, 1], temperature: 1e-300,
                          method: .pairwise)
    #expect(r.value == 0.75)
    #expect(g.allSatisfy { $0.isFinite })
    #expect(r.dTemperature.isFinite)
}

@Test func hugeScoresWithHugeTemperature() throws {
    // 1e308 - -1e308 overflows, but the scaled difference is 2: sigmoid(2) = 0.8807970779778823.
    let (r, _) = try soft([1e308, -1e308], [1, 0], temperature: 1e308, method: .pairwise)
    #expect(Swift.abs(r.value - 1 / (1 + _exp(-2))) < 1e-16)
}

@Test func hugeAndTinyTemperature() throws {
    let s = [0.1, 0.4, 0.35, 0.8], y: [Double] = [0, 0, 1, 1]
    let hot = try soft(s, y, temperature: 1e300, method: .pairwise)
    #expect(hot.result.value == 0.5)
    let cold = try soft(s, y, temperature: 1e-300, method: .pairwise)
    #expect(cold.result.value == 0.75)  // the exact AUROC of these scores
    #expect(cold.gradient.allSatisfy { $0 == 0 })
    #expect(cold.result.dTemperature == 0)
}

@Test func subnormalTemperatureNeverProducesNaN() throws {
    let (r, g) = try soft([1, 0, 0.5], [1, 0, 0], temperature: .leastNonzeroMagnitude, method: .pairwise)
    #expect(r.value == 1)
    #expect(g.allSatisfy { !$0.isNaN })
    #expect(!r.dTemperature.isNaN)
}

@Test(arguments: [1 as UInt64, 2, 3, 4, 5])
func randomAgreesWithTextbookFormula(seed: UInt64) throws {
    var rng = SplitMix(state: seed)
    let n = 2 + rng.below(119)
    let s = (0..<n).map { _ in 6 * rng.unit() - 3 }
    let y: [Double] = labelsWithBothClasses(n) { rng.below(2) == 1 }
    let w: [Double]? = seed % 2 == 0 ? nil : (0..<n).map { i in
        i % 7 == 0 ? 0 : 2 * rng.unit()
    }
    let t = [0.05, 0.5, 1, 3, 20][Int(seed) % 5]
    let oracle = textbookSoft(s, y, w, t)
    let (r, g) = try soft(s, y, w, temperature: t, method: .pairwise)
    #expect(r.hasPairs)  // every seed draws both classes with positive weight
    #expect(Swift.abs(r.value - oracle.value) <= 1e-14)
    #expect(Swift.abs(r.dTemperature - oracle.dT) <= 1e-14 / t)
    for k in 0..<n {
        #expect(Swift.abs(g[k] - oracle.grad[k]) <= 1e-14 / t)
    }
}

/// Issue 11, item 1: one positive far above N negatives makes every sigmoid exactly 1, so
/// the value is exactly 1; the masses 1/N (or w/W) are rounded, and their plain sum went
/// above 1 (1.0000000000000002 for N = 9). Both paths, weighted and unweighted.
@Test(arguments: [SoftAUROCMethod.pairwise, .fast])
func allOnesSigmoidsGiveAtMostOne(method: SoftAUROCMethod) throws {
    for negatives in 1...300 {
        let scores = [1e6] + [Double](repeating: 0, count: negatives)
        let labels = [1.0] + [Double](repeating: 0, count: negatives)
        let weights = (0...negatives).map { 0.1 + 0.2 * Double($0 % 7) }
        for w in [nil, weights] {
            let (r, _) = try soft(scores, labels, w, temperature: 1, method: method)
            #expect(r.value <= 1 && r.value >= 0, "N = \(negatives), weighted: \(w != nil)")
            if method == .pairwise {
                #expect(r.value == 1, "N = \(negatives), weighted: \(w != nil)")
            } else {
                #expect(Swift.abs(r.value - 1) <= 1e-13, "N = \(negatives)")
            }
        }
    }
}
