import Testing
@testable import DiffAUROCCore
#if canImport(Glibc)
import Glibc
#endif

// softAUROCHVP: edge values, the hand formula of one pair, then the O(n log n) path
// against the direct pair path (two independent evaluations of the same sums) on data
// that exercises cells, far sweeps and Chebyshev cells. The long double oracle is in
// python/tests/test_soft_hessian.py.

private func hvp(_ s: [Double], _ y: [Double], _ w: [Double]? = nil, temperature: Double,
                 _ v: [Double], _ vT: Double, method: SoftAUROCMethod) throws -> ([Double], SoftHVPResult) {
    let (out, r) = try hvpOnArrays(s, y, w, direction: v) {
        try softAUROCHVP($0, temperature: temperature, direction: $1, directionTemperature: vT,
                         output: $2, method: method)
    }
    return (out, r)
}

@Test func hvpOneClassIsZero() throws {
    let (out, r) = try hvp([0.3, -1, 2], [1, 1, 1], temperature: 1, [1, 2, 3], 1, method: .fast)
    #expect(!r.hasPairs && r.temperatureComponent == 0 && out == [0, 0, 0])
}

@Test func hvpSinglePairMatchesHandFormula() throws {
    let a = 0.7, b = -0.4, t = 0.5, x = (a - b) / t
    let sg = 1 / (1 + exp(-x)), d1 = sg * (1 - sg), d2 = d1 * (1 - 2 * sg)
    for method in [SoftAUROCMethod.pairwise, .fast] {
        let (out, r) = try hvp([a, b], [1, 0], temperature: t, [0.3, -1.1], 0.25, method: method)
        let ha = (d2 * 1.4 - 0.25 * (d1 + x * d2)) / (t * t)
        #expect(Swift.abs(out[0] - ha) <= 1e-14 * Swift.abs(ha))
        #expect(Swift.abs(out[1] + ha) <= 1e-14 * Swift.abs(ha))
        let ht = (-(d1 + x * d2) * 1.4 + 0.25 * (2 * x * d1 + x * x * d2)) / (t * t)
        #expect(Swift.abs(r.temperatureComponent - ht) <= 1e-14 * Swift.abs(ht))
    }
}

@Test(arguments: [1 as UInt64, 2])
func hvpFastAgreesWithPairwise(seed: UInt64) throws {
    var rng = SplitMix(state: seed)
    for n in [300, 2500] {
        for ratio in [1e-9, 1e-3, 0.05, 1, 100, 1e9] {
            var s = [Double](), y = [Double](), w = [Double](), v = [Double]()
            for i in 0..<n {
                s.append((2 * rng.unit() - 1) * (i % 7 == 0 ? 50 : 1))
                y.append(i % 3 == 0 ? 1 : 0)
                w.append(i % 11 == 0 ? 0 : 0.1 + 1.9 * rng.unit())
                v.append(2 * rng.unit() - 1)
            }
            let t = ratio
            let (fast, rf) = try hvp(s, y, w, temperature: t, v, 0.4 * t, method: .fast)
            let (pair, rp) = try hvp(s, y, w, temperature: t, v, 0.4 * t, method: .pairwise)
            // natural scale: mass (<= 1) * (max|v| + |v_T|) / T^2, |v| <= 1, v_T = 0.4 T
            let scale = (1 + 0.4 * t) / (t * t)
            var worst = 0.0
            for k in 0..<n { worst = Swift.max(worst, Swift.abs(fast[k] - pair[k]) / scale) }
            worst = Swift.max(worst, Swift.abs(rf.temperatureComponent - rp.temperatureComponent) / scale)
            #expect(worst <= 1e-12, "n \(n) T \(t): \(worst)")
            for k in 0..<n where w[k] == 0 { #expect(fast[k] == 0) }
        }
    }
}
