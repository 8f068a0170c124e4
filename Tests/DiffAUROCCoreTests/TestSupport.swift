import Testing
@testable import DiffAUROCCore

/// Runs `body` with the buffers of scores, labels and weights (nil stays nil), all of one
/// element type (the arrays outlive the call).
func withBuffers<Element, R>(
    _ scores: [Element], _ labels: [Element], _ weights: [Element]?,
    _ body: (UnsafeBufferPointer<Element>, UnsafeBufferPointer<Element>, UnsafeBufferPointer<Element>?) throws -> R
) rethrows -> R {
    try scores.withUnsafeBufferPointer { s in
        try labels.withUnsafeBufferPointer { y in
            guard let weights else { return try body(s, y, nil) }
            return try weights.withUnsafeBufferPointer { try body(s, y, $0) }
        }
    }
}

/// Runs `body` with a validated view of Swift arrays (the arrays outlive the call).
func withSamples<R>(
    _ scores: [Double], _ labels: [Double], _ weights: [Double]? = nil,
    _ body: (LabeledSamples) throws -> R
) rethrows -> R {
    try withBuffers(scores, labels, weights) { try body(LabeledSamples(scores: $0, labels: $1, weights: $2)) }
}

/// The generic exact AUROC
/// (`exactAUROC(scores:labels:weights:chunkCount:forceUnpackedWeights:claimBatch:)`, float32
/// or float64) on arrays.
func exactAUROCOfArrays<Score: OrderKeyed>(
    _ scores: [Score], _ labels: [Score], _ weights: [Score]?, chunkCount: Int? = nil,
    forceUnpackedWeights: Bool = false, claimBatch: Int? = nil
) throws -> Double? {
    try withBuffers(scores, labels, weights) {
        try exactAUROC(scores: $0, labels: $1, weights: $2, chunkCount: chunkCount,
                       forceUnpackedWeights: forceUnpackedWeights, claimBatch: claimBatch)
    }
}

/// `exactAUROCFloat32CheckingInputs` (the ABI's fused check, weighted) on arrays.
func checkedExactAUROCFloat32(_ scores: [Float], _ labels: [Float], _ weights: [Float]) throws
    -> CheckedExactAUROC
{
    try withBuffers(scores, labels, weights) {
        try exactAUROCFloat32CheckingInputs(scores: $0, labels: $1, weights: $2!)
    }
}

/// Soft AUROC value, gradient and d/dT for arrays, by the requested method.
func soft(
    _ scores: [Double], _ labels: [Double], _ weights: [Double]? = nil,
    temperature: Double, method: SoftAUROCMethod = .automatic
) throws -> (result: SoftAUROCResult, gradient: [Double]) {
    var gradient = [Double](repeating: .nan, count: scores.count)
    let result = try gradient.withUnsafeMutableBufferPointer { g in
        try withSamples(scores, labels, weights) {
            try softAUROC($0, temperature: temperature, gradient: g, method: method)
        }
    }
    return (result, gradient)
}

/// Reference 2U and the pair count of an exact AUROC, by a stdlib sort of the scores and
/// each group of equal scores counted directly (independent of the library's keys, radix
/// sort and sweep). Sample i is positive when `isPositive(i)`, else negative, and counts
/// `weight(i)` times (1 unless given; weight 0 leaves it out): `twiceU` is
/// sum over positive-negative pairs of 2 [s_pos > s_neg] + [s_pos == s_neg], each pair
/// counted by the product of the weights; `pairs` is W_pos W_neg. AUROC = twiceU / (2 pairs).
func referenceTwiceU<Score: BinaryFloatingPoint>(
    _ s: [Score], isPositive: (Int) -> Bool, weight: (Int) -> UInt128 = { _ in 1 }
) -> (twiceU: UInt128, pairs: UInt128) {
    let order = s.indices.filter { weight($0) > 0 }.sorted { s[$0] < s[$1] }
    var negativesBelow: UInt128 = 0, twiceU: UInt128 = 0, p: UInt128 = 0, n: UInt128 = 0
    var k = 0
    while k < order.count {
        var end = k
        var groupPositives: UInt128 = 0, groupNegatives: UInt128 = 0
        while end < order.count && s[order[end]] == s[order[k]] {
            let i = order[end]
            if isPositive(i) { groupPositives += weight(i) } else { groupNegatives += weight(i) }
            end += 1
        }
        twiceU += groupPositives * (2 * negativesBelow + groupNegatives)
        negativesBelow += groupNegatives
        p += groupPositives
        n += groupNegatives
        k = end
    }
    return (twiceU, p * n)
}

/// Runs a soft AUROC Hessian-vector product `body(samples, direction, output)` on arrays,
/// the output filled with NaN first (so that an entry left unwritten shows).
func hvpOnArrays(
    _ scores: [Double], _ labels: [Double], _ weights: [Double]?, direction: [Double],
    _ body: (LabeledSamples, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) throws
        -> SoftHVPResult
) rethrows -> (output: [Double], result: SoftHVPResult) {
    var output = [Double](repeating: .nan, count: scores.count)
    let result = try direction.withUnsafeBufferPointer { v in
        try output.withUnsafeMutableBufferPointer { o in
            try withSamples(scores, labels, weights) { try body($0, v, o) }
        }
    }
    return (output, result)
}

/// A float64 textbook oracle written independently of the library's kernels: the plain
/// formula 1 / (1 + exp(-x)) on each pair, only for moderate |x| (no overflow handling).
func textbookSoft(_ s: [Double], _ y: [Double], _ w: [Double]?, _ t: Double)
    -> (value: Double, grad: [Double], dT: Double)
{
    let weight = { (i: Int) in w?[i] ?? 1 }
    var wp = 0.0, wn = 0.0
    for i in s.indices where weight(i) > 0 { if y[i] == 1 { wp += weight(i) } else { wn += weight(i) } }
    var value = 0.0, dT = 0.0
    var grad = [Double](repeating: 0, count: s.count)
    for i in s.indices where y[i] == 1 && weight(i) > 0 {
        for j in s.indices where y[j] == 0 && weight(j) > 0 {
            let x = (s[i] - s[j]) / t
            let sg = 1 / (1 + _exp(-x))
            let d = sg * (1 - sg)
            let c = weight(i) * weight(j) / (wp * wn)
            value += c * sg
            grad[i] += c * d / t
            grad[j] -= c * d / t
            dT -= c * d * x / t
        }
    }
    return (value, grad, dT)
}

#if canImport(Glibc)
import Glibc
func _exp(_ x: Double) -> Double { exp(x) }
#endif

/// A small deterministic generator (SplitMix64), so failures reproduce; shared by every
/// test file.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    /// Uniform in 0 ..< k.
    mutating func below(_ k: Int) -> Int { Int(next() % UInt64(k)) }
    /// N(0, 1) (Box-Muller, one draw of a pair).
    mutating func normal() -> Double {
        let u = Swift.max(unit(), 0x1p-60), v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}

// MARK: - Random labels and weights with fixed ends
// Each draws with the caller's closure (e.g. `{ rng.below(2) == 1 }`), once a drawn sample,
// in index order, so that a seed gives the same arrays as the loops these replace.

/// n labels, 1 where `isPositive()` says so, else 0 (all n drawn); then the first set to 1
/// and the last to 0, so both classes are present (n >= 2).
func labelsWithBothClasses<Label: BinaryFloatingPoint>(_ n: Int, _ isPositive: () -> Bool) -> [Label] {
    var labels: [Label] = (0..<n).map { _ in isPositive() ? 1 : 0 }
    labels[0] = 1
    labels[n - 1] = 0
    return labels
}

/// n labels: the first 0 and the last 1 (not drawn), the others 1 where `isPositive()` says so.
func labelsNegativeFirstPositiveLast<Label: BinaryFloatingPoint>(_ n: Int, _ isPositive: () -> Bool) -> [Label] {
    (0..<n).map { k in k == 0 ? 0 : k == n - 1 ? 1 : (isPositive() ? 1 : 0) }
}

/// n labels: 0 then 1 (not drawn), the others 1 where `isPositive()` says so.
func labelsNegativeThenPositiveFirst(_ n: Int, _ isPositive: () -> Bool) -> [Double] {
    (0..<n).map { k in k < 2 ? Double(k) : (isPositive() ? 1 : 0) }
}

/// n weights (or integer weights): the first and the last 1 (not drawn), the others `draw()`.
func weightsWithUnitEnds<Weight: ExpressibleByIntegerLiteral>(_ n: Int, _ draw: () -> Weight) -> [Weight] {
    (0..<n).map { k in k == 0 || k == n - 1 ? 1 : draw() }
}

// MARK: - Soft AUROC test data and the comparison against the direct pair sum
// (shared by FastSoftAUROCTests, FastSoftAUROCWideTests, SoftHessianWideTests)

/// Labels drawn 1 with probability `positiveRate`, the first forced 1 and the last 0 so
/// both classes are present.
func labelsWithBothClasses(_ n: Int, _ rng: inout SplitMix, positiveRate: Double) -> [Double] {
    labelsWithBothClasses(n) { rng.unit() < positiveRate }
}

/// Standard normal scores plus the label (the benchmarks' data), by Box-Muller.
func normalPlusLabelScores(_ labels: [Double], _ rng: inout SplitMix) -> [Double] {
    labels.map { y in
        let u = rng.unit() + 0x1p-60, v = rng.unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v) + y
    }
}

/// Weights with about one in seven exactly 0 and the rest in [1e-3, 10).
func weightsWithZeros(_ n: Int, _ rng: inout SplitMix) -> [Double] {
    (0..<n).map { _ in rng.below(7) == 0 ? 0 : 1e-3 + rng.unit() * 10 }
}

/// The three above in that order: labels with both classes, N(0, 1) + label scores,
/// weights with zeros.
func normalSoftTestData(_ n: Int, _ rng: inout SplitMix, positiveRate: Double)
    -> (labels: [Double], scores: [Double], weights: [Double])
{
    let labels = labelsWithBothClasses(n, &rng, positiveRate: positiveRate)
    let scores = normalPlusLabelScores(labels, &rng)
    return (labels, scores, weightsWithZeros(n, &rng))
}

/// Clusters of very different sizes with exact ties and a far outlier: cells with more
/// than r = 16 points (Chebyshev nodes), small cells, far sweeps (30 clusters a repeat).
func clusteredScores(_ rng: inout SplitMix, repeats: Int) -> [Double] {
    var scores: [Double] = []
    for c in 0..<(30 * repeats) {
        let size = [1, 3, 17, 40, 200][c % 5]
        let centre = Double(c) * (0.2 + 3 * rng.unit())
        for k in 0..<size {
            scores.append(k % 4 == 0 ? centre : centre + (rng.unit() - 0.5) * 0.6)
        }
    }
    scores[5] = 1e6
    return scores
}

/// The fast path (`fastSoftAUROC`, narrow indices) with its test hooks: result, gradient
/// (NaN where unwritten; none asked for when `gradient` is false) and the route it reports.
/// `parallel` forces the second thread on or off, `oneCell == false` sends one-cell inputs
/// down the grid route (`FastSoftTesting`). The route starts as nil: a check for any route
/// fails unless the call reported that route. `sharedSlopesUsed` receives the window path's
/// choice (`FastSoftTesting.sharedSlopesUsed`).
func fastWithRoute(_ scores: [Double], _ labels: [Double], _ weights: [Double]?, temperature: Double,
                   parallel: Bool? = nil, oneCell: Bool? = nil, fewCells: Bool? = nil,
                   gradient wantGradient: Bool = true, sharedSlopesUsed: UnsafeMutablePointer<Bool?>? = nil,
                   windowFactors: Bool? = nil, windowFactorsUsed: UnsafeMutablePointer<Bool?>? = nil,
                   counting: Bool? = nil)
    throws -> (result: SoftAUROCResult, gradient: [Double], route: FastSoftRoute?)
{
    var gradient = [Double](repeating: .nan, count: scores.count)
    var route: FastSoftRoute? = nil
    let result = try gradient.withUnsafeMutableBufferPointer { g in
        try withUnsafeMutablePointer(to: &route) { r in
            try withSamples(scores, labels, weights) {
                try fastSoftAUROC($0, temperature: temperature, gradient: wantGradient ? g : nil,
                                  indices: NarrowSoftIndices.self,
                                  testing: FastSoftTesting(route: r, parallel: parallel, oneCell: oneCell,
                                                           fewCells: fewCells, sharedSlopesUsed: sharedSlopesUsed,
                                                           windowFactors: windowFactors,
                                                           windowFactorsUsed: windowFactorsUsed,
                                                           counting: counting))
            }
        }
    }
    return (result, gradient, route)
}

/// The largest error of a soft AUROC result (`fast`, with its gradient) against the
/// direct pair sum (`direct`), each divided by its bar 1e-12 x natural scale: 1 for the
/// value, 1/T for d/dT, w_k / (T W_class) for a gradient. Also expects every gradient
/// finite, exactly 0 at weight 0, and the same `hasPairs`. Must be <= 1.
func softErrorOverBar(_ fast: (result: SoftAUROCResult, gradient: [Double]),
                      _ direct: (result: SoftAUROCResult, gradient: [Double]),
                      labels: [Double], weights: [Double]?, temperature: Double,
                      sourceLocation: SourceLocation) -> Double {
    #expect(fast.result.hasPairs == direct.result.hasPairs, sourceLocation: sourceLocation)
    var positiveTotal = 0.0, negativeTotal = 0.0
    for i in labels.indices {
        let w = weights?[i] ?? 1
        if labels[i] == 1 { positiveTotal += w } else { negativeTotal += w }
    }
    let bar = 1e-12
    var worst = Swift.abs(fast.result.value - direct.result.value) / bar
    worst = Swift.max(worst, Swift.abs(fast.result.dTemperature - direct.result.dTemperature) * temperature / bar)
    for i in labels.indices {
        let w = weights?[i] ?? 1
        #expect(fast.gradient[i].isFinite, sourceLocation: sourceLocation)
        if w == 0 {
            #expect(fast.gradient[i] == 0, sourceLocation: sourceLocation)
            continue
        }
        let scale = w / (temperature * (labels[i] == 1 ? positiveTotal : negativeTotal))
        worst = Swift.max(worst, Swift.abs(fast.gradient[i] - direct.gradient[i]) / (bar * scale))
    }
    return worst
}

/// How many elements of two arrays differ in their bits (the longer length when the
/// lengths differ). Tests compare large results through this count, not as
/// `#expect(a.map(\.bitPattern) == b.map(\.bitPattern))`: when such an expectation fails
/// on 30,000-element arrays, the test library diffs the arrays for minutes instead of
/// reporting.
func differingBits(_ a: [Double], _ b: [Double]) -> Int {
    a.count != b.count ? Swift.max(a.count, b.count) : zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count
}

/// Expects two soft results to have the same bits: value and d/dT, and, with `gradients`,
/// every gradient entry (`differingBits`). The check of "same bits on one thread and two"
/// (or on two routes, index widths, value-only calls) that the tests make everywhere.
func expectSameBits(_ a: SoftAUROCResult?, _ b: SoftAUROCResult?, gradients: ([Double], [Double])? = nil,
                    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a?.value.bitPattern == b?.value.bitPattern, comment, sourceLocation: sourceLocation)
    #expect(a?.dTemperature.bitPattern == b?.dTemperature.bitPattern, comment, sourceLocation: sourceLocation)
    if let gradients {
        #expect(differingBits(gradients.0, gradients.1) == 0, comment, sourceLocation: sourceLocation)
    }
}

/// How many elements of two arrays differ (the longer length when the lengths differ),
/// for the same reason as `differingBits`: a failed `#expect(a == b)` on arrays of
/// 200,000 sorted keys ran for more than ten minutes, diffing them, without reporting.
func differingElements<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
    a.count != b.count ? Swift.max(a.count, b.count) : zip(a, b).filter { $0 != $1 }.count
}
