import Testing
@testable import DiffAUROCCore

// DeLong's covariance against an independent O(P N) oracle: every placement counted pair
// by pair (ties 1/2, as counts of halves), then the covariance numerator and denominator
// as plain Int and one IEEE division. For the small sizes below both integers stay below
// 2^53, so Double(x) / Double(d) is the correctly rounded quotient: the library must
// match it bit for bit (its claim: every output is the correctly rounded rational).

/// The oracle's results: AUCs, covariance (k x k), difference variances (k x k).
private struct Oracle {
    var aucs: [Double]
    var covariance: [Double]
    var differences: [Double]
}

/// Textbook DeLong on columns `s[a]`, labels y, in exact integers. nil: P < 2 or N < 2.
private func oracle(_ s: [[Double]], _ y: [Double]) -> Oracle? {
    let pos = y.indices.filter { y[$0] == 1 }, neg = y.indices.filter { y[$0] == 0 }
    let P = pos.count, N = neg.count
    guard P >= 2 && N >= 2 else { return nil }
    let k = s.count
    // Twice the placements: c[a][i] = sum_j (2 [s_i > s_j] + [s_i == s_j]), d likewise.
    let c = (0..<k).map { a in pos.map { i in neg.reduce(0) { $0 + (s[a][i] > s[a][$1] ? 2 : s[a][i] == s[a][$1] ? 1 : 0) } } }
    let d = (0..<k).map { a in neg.map { j in pos.reduce(0) { $0 + (s[a][$1] > s[a][j] ? 2 : s[a][$1] == s[a][j] ? 1 : 0) } } }
    func a10(_ a: Int, _ b: Int) -> Int {
        P * zip(c[a], c[b]).reduce(0) { $0 + $1.0 * $1.1 } - c[a].reduce(0, +) * c[b].reduce(0, +)
    }
    func a01(_ a: Int, _ b: Int) -> Int {
        N * zip(d[a], d[b]).reduce(0) { $0 + $1.0 * $1.1 } - d[a].reduce(0, +) * d[b].reduce(0, +)
    }
    let denominator = 4 * P * P * N * N * (P - 1) * (N - 1)
    precondition(denominator < 1 << 53)
    func ratio(_ x: Int) -> Double {
        precondition(abs(x) < 1 << 53)
        return Double(x) / Double(denominator)
    }
    var cov = [Double](repeating: 0, count: k * k), diff = cov
    for a in 0..<k {
        for b in 0..<k {
            cov[a * k + b] = ratio(a10(a, b) * (N - 1) + a01(a, b) * (P - 1))
            let x10 = a10(a, a) + a10(b, b) - 2 * a10(a, b)
            let x01 = a01(a, a) + a01(b, b) - 2 * a01(a, b)
            diff[a * k + b] = ratio(x10 * (N - 1) + x01 * (P - 1))
        }
    }
    let aucs = (0..<k).map { Double(c[$0].reduce(0, +)) / Double(2 * P * N) }
    return Oracle(aucs: aucs, covariance: cov, differences: diff)
}

/// The library on columns `s[a]` laid out as an n x k array (sample-major when
/// `sampleMajor`, else column after column), through the float64 or float32 entry.
private func library(
    _ s: [[Double]], _ y: [Double], sampleMajor: Bool = true, float32: Bool = false,
    chunkCount: Int? = nil
) throws -> (outcome: DeLongOutcome, aucs: [Double], covariance: [Double], differences: [Double]) {
    let k = s.count, n = y.count
    var flat = [Double](repeating: 0, count: n * k)
    for a in 0..<k { for i in 0..<n { flat[sampleMajor ? i * k + a : a * n + i] = s[a][i] } }
    let (ss, cs) = sampleMajor ? (k, 1) : (1, n)
    var aucs = [Double](repeating: -7, count: k)
    var cov = [Double](repeating: -7, count: k * k), diff = cov
    func run<Score: OrderKeyed>(_ values: [Score], _ labels: [Score]) throws -> DeLongOutcome {
        try withBuffers(values, labels, nil) { sp, yp, _ in
            try deLongGeneric(DeLongColumns(base: sp.baseAddress, count: n, columns: k,
                                            sampleStride: ss, columnStride: cs),
                              labels: yp, aucs: &aucs, covariance: &cov,
                              differenceVariances: &diff, chunkCount: chunkCount)
        }
    }
    let outcome = float32 ? try run(flat.map { Float($0) }, y.map { Float($0) }) : try run(flat, y)
    return (outcome, aucs, cov, diff)
}

@Test func deLongHandCase() throws {
    // Positives 0.35, 0.8; negatives 0.1, 0.4. V10 = (1/2, 1), V01 = (1, 1/2): AUC 3/4,
    // S10 = S01 = var(1/2, 1) = 1/8, S = 1/8 / 2 + 1/8 / 2 = 0.125 (pROC's var() says so).
    let r = try library([[0.1, 0.4, 0.35, 0.8]], [0, 0, 1, 1])
    #expect(r.outcome == .computed)
    #expect(r.aucs == [0.75])
    #expect(r.covariance == [0.125])
    #expect(r.differences == [0])
}

@Test func deLongTiesCountHalf() throws {
    // Every score tied: every placement 1/2, AUC 1/2, zero variance.
    let r = try library([[3, 3, 3, 3, 3]], [0, 1, 0, 1, 1])
    #expect(r.aucs == [0.5])
    #expect(r.covariance == [0])
}

@Test func deLongMatchesOracleBitForBit() throws {
    var rng = SplitMix(state: 13)
    var cases = 0
    for trial in 0..<400 {
        let n = 4 + Int(rng.next() % 40)
        let k = 1 + Int(rng.next() % 4)
        let levels = [2, 3, 5, 1000][trial % 4]  // heavy ties to none
        let imbalance = [0.5, 0.2, 0.9, 0.05][(trial / 4) % 4]
        let y = (0..<n).map { _ in Double(rng.unit() < imbalance ? 1 : 0) }
        let s = (0..<k).map { _ in (0..<n).map { _ in Double(rng.next() % UInt64(levels)) - 1.5 } }
        guard let expected = oracle(s, y) else {
            let r = try library(s, y)
            let P = y.filter { $0 == 1 }.count
            #expect(r.outcome == (P == 0 || P == n ? .oneClass : .varianceUndefined))
            continue
        }
        cases += 1
        for sampleMajor in [true, false] {
            for float32 in [false, true] {
                for chunks in [1, 2] {
                    let r = try library(s, y, sampleMajor: sampleMajor, float32: float32, chunkCount: chunks)
                    #expect(r.outcome == .computed)
                    #expect(r.aucs == expected.aucs)
                    #expect(r.covariance == expected.covariance, "trial \(trial)")
                    #expect(r.differences == expected.differences, "trial \(trial)")
                }
            }
        }
    }
    #expect(cases > 250)
}

@Test func deLongAUCEqualsExactAUROC() throws {
    var rng = SplitMix(state: 7)
    for _ in 0..<50 {
        let n = 2 + Int(rng.next() % 3000)
        let y = (0..<n).map { _ in Double(rng.next() % 2) }
        let s = (0..<n).map { _ in Double(rng.next() % 50) / 7 }
        guard y.contains(0) && y.contains(1) else { continue }
        let exact = try withSamples(s, y) { try exactAUROC($0) }
        let r = try library([s], y)
        #expect(r.aucs == [exact!])
    }
}

@Test func deLongUndefinedVariance() throws {
    // One positive: AUC written, every covariance NaN.
    let r = try library([[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]], [0, 1, 0])
    #expect(r.outcome == .varianceUndefined)
    #expect(r.aucs == [0.5, 0.5])
    #expect(r.covariance.allSatisfy { $0.isNaN })
    #expect(r.differences.allSatisfy { $0.isNaN })
    // No negative: nothing written.
    let none = try library([[0.1, 0.2]], [1, 1])
    #expect(none.outcome == .oneClass)
    #expect(none.aucs == [-7] && none.covariance == [-7])
}

@Test func deLongLargeTwoThreadsAgree() throws {
    // Above the parallel threshold: 1 and 2 workers give the same bits, and the variance
    // agrees with a Float80 oracle computed from midranks (O(n log n), independent path).
    var rng = SplitMix(state: 99)
    let n = 70_000
    let y = (0..<n).map { _ in Double(rng.unit() < 0.3 ? 1 : 0) }
    let s = (0..<3).map { a in (0..<n).map { i in Double(rng.next() % 5000) + (a == 1 ? 300 * y[i] : 0) } }
    let one = try library(s, y, chunkCount: 1)
    let two = try library(s, y, chunkCount: 2)
    #expect(one.aucs == two.aucs && one.covariance == two.covariance && one.differences == two.differences)
    // Oracle: midrank form (Sun & Xu): V10_i = (R_i - R^pos_i) / N with R the midrank in
    // all samples and R^pos the midrank among positives.
    func midranks(_ v: [Double]) -> [Float80] {
        let order = v.indices.sorted { v[$0] < v[$1] }
        var r = [Float80](repeating: 0, count: v.count)
        var k = 0
        while k < order.count {
            var e = k
            while e < order.count && v[order[e]] == v[order[k]] { e += 1 }
            for t in k..<e { r[order[t]] = Float80(k + e + 1) / 2 }
            k = e
        }
        return r
    }
    let pos = y.indices.filter { y[$0] == 1 }, neg = y.indices.filter { y[$0] == 0 }
    let P = Float80(pos.count), N = Float80(neg.count)
    var v10 = [[Float80]](), v01 = [[Float80]]()
    for a in 0..<3 {
        let r = midranks(s[a]), rp = midranks(pos.map { s[a][$0] }), rn = midranks(neg.map { s[a][$0] })
        v10.append(pos.indices.map { (r[pos[$0]] - rp[$0]) / N })
        v01.append(neg.indices.map { 1 - (r[neg[$0]] - rn[$0]) / P })
    }
    for a in 0..<3 {
        for b in 0..<3 {
            func cov(_ x: [Float80], _ y: [Float80]) -> Float80 {
                let mx = x.reduce(0, +) / Float80(x.count), my = y.reduce(0, +) / Float80(y.count)
                return zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / Float80(x.count - 1)
            }
            let expected = cov(v10[a], v10[b]) / P + cov(v01[a], v01[b]) / N
            let got = Float80(one.covariance[a * 3 + b])
            #expect(abs(got - expected) <= 1e-15 * abs(expected), "\(a) \(b)")
        }
    }
}

@Test func roundedRatioIsCorrectlyRounded() {
    // Against IEEE division where both fit 53 bits, and exact powers of two beyond.
    var rng = SplitMix(state: 3)
    for _ in 0..<2000 {
        let d = 1 + rng.next() % (1 << 50), x = rng.next() % (4 * d)  // both exact doubles
        let got = roundedRatio(UInt256(hi: 0, lo: UInt128(x)), UInt256(hi: 0, lo: UInt128(d)))
        #expect(got == Double(x) / Double(d))
    }
    // (3 * 2^200) / 2^202 = 0.75; 1 / (2^180 + 1) rounds to 2^-180.
    #expect(roundedRatio(UInt256(hi: 3 << 72, lo: 0), UInt256(hi: 1 << 74, lo: 0)) == 0.75)
    #expect(roundedRatio(UInt256(hi: 0, lo: 1), UInt256(hi: 1 << 52, lo: 1)) == 0x1p-180)
    // A tie between two doubles goes to even: (2^53 + 1) / 2^53 -> 1.
    #expect(roundedRatio(UInt256(hi: 0, lo: (1 << 53) + 1), UInt256(hi: 0, lo: 1 << 53)) == 1)
    // Just above the tie rounds up.
    #expect(roundedRatio(UInt256(hi: 0, lo: (1 << 54) + 3), UInt256(hi: 0, lo: 1 << 54))
            == 1 + 0x1p-52)
}
