import Testing
@testable import DiffAUROCCore

// Partial AUC: hand cases (worked below), then random tied, weighted data against an
// oracle in Float80 (64-bit significand) that builds the curve from a stdlib sort and
// integrates it the other way round: it inserts the interpolated end points and adds
// trapezoids (as pROC and scikit-learn do), where the library clips each segment.

private func pauc(_ s: [Double], _ y: [Double], _ w: [Double]? = nil,
                  _ axis: PartialAUCAxis, _ a: Double, _ b: Double,
                  chunkCount: Int? = nil) throws -> PartialAUCResult? {
    try withSamples(s, y, w) {
        try partialAUC(scores: $0.scores, labels: $0.labels, weights: $0.weights, axis: axis,
                       lower: a, upper: b, chunkCount: chunkCount)
    }
}

/// The curve's points (fpr, tpr), one per distinct score after (0, 0): a stdlib sort by
/// decreasing score (ties by increasing index), the weights summed one by one in that
/// order in float64 as scikit-learn's cumsum does (the curve is scikit-learn's float64
/// curve, whose partial area the library computes), the rates in Float80.
private func oracleCurve(_ s: [Double], _ y: [Double], _ w: [Double]?) -> [(x: Float80, y: Float80)] {
    let kept = s.indices.filter { (w?[$0] ?? 1) > 0 }
    let order = kept.sorted { s[$0] != s[$1] ? s[$0] > s[$1] : $0 < $1 }
    var fp = 0.0, tp = 0.0
    var raw: [(Float80, Float80)] = [(0, 0)]
    var k = 0
    while k < order.count {
        var end = k
        while end < order.count && s[order[end]] == s[order[k]] {
            let i = order[end]
            let weight = w?[i] ?? 1
            if y[i] == 1 { tp += weight } else { fp += weight }
            end += 1
        }
        raw.append((Float80(fp), Float80(tp)))
        k = end
    }
    return raw.map { (x: $0.0 / Float80(fp), y: $0.1 / Float80(tp)) }
}

/// The integral over [a, b] of the piecewise-linear curve through `points` (x
/// non-decreasing): the points strictly inside (a, b), plus the curve's value just right
/// of a and just left of b by linear interpolation, summed as trapezoids.
private func oracleIntegral(_ points: [(x: Float80, y: Float80)], _ a: Float80, _ b: Float80) -> Float80 {
    func value(at c: Float80, fromRight: Bool) -> Float80 {
        // The segment (p, q) with p.x <= c < q.x (from the right) or p.x < c <= q.x.
        for k in 1..<points.count {
            let p = points[k - 1], q = points[k]
            let inside = fromRight ? (p.x <= c && c < q.x) : (p.x < c && c <= q.x)
            if inside { return p.y + (q.y - p.y) * (c - p.x) / (q.x - p.x) }
        }
        fatalError("no segment at \(c)")
    }
    var xs: [(x: Float80, y: Float80)] = [(a, value(at: a, fromRight: true))]
    xs += points.filter { $0.x > a && $0.x < b }
    xs.append((b, value(at: b, fromRight: false)))
    var area: Float80 = 0
    for k in 1..<xs.count { area += (xs[k].x - xs[k - 1].x) * (xs[k].y + xs[k - 1].y) / 2 }
    return area
}

/// The oracle's raw area over [a, b] of `axis`, and McClish's standardization.
private func oracle(_ s: [Double], _ y: [Double], _ w: [Double]?, _ axis: PartialAUCAxis,
                    _ a: Double, _ b: Double) -> (area: Float80, standardized: Float80) {
    let curve = oracleCurve(s, y, w)
    let (lo, hi) = (Float80(a), Float80(b))
    let area: Float80
    let minArea: Float80
    switch axis {
    case .falsePositiveRate:
        area = oracleIntegral(curve, lo, hi)
        minArea = (hi - lo) * (hi + lo) / 2
    case .truePositiveRate:
        // x = tpr, y = 1 - fpr; tpr is non-decreasing along the curve already.
        area = oracleIntegral(curve.map { (x: $0.y, y: 1 - $0.x) }, lo, hi)
        minArea = (hi - lo) * (2 - hi - lo) / 2
    }
    // maxArea - minArea, factored: (b - a) - (b - a)(a + b)/2 = (b - a)(2 - a - b)/2 (and
    // the other way round for TPR); in this form it does not cancel near the corners.
    let gap = axis == .falsePositiveRate ? (hi - lo) * (2 - hi - lo) / 2 : (hi - lo) * (hi + lo) / 2
    return (area, (1 + (area - minArea) / gap) / 2)
}

// MARK: - Hand cases

/// scikit-learn's example curve: points (0,0) (0,.5) (.5,.5) (.5,1) (1,1).
/// FPR [0, 0.25]: tpr is 0.5 there, area 0.125; McClish: min 0.25^2/2 = 0.03125, max 0.25,
/// (1 + 0.09375 / 0.21875) / 2 = (1 + 3/7) / 2 = 5/7. FPR [0.25, 0.75]: 0.25 * 0.5 +
/// 0.25 * 1 = 0.375. TPR [0.5, 1]: fpr is 0.5 for tpr in (0.5, 1], specificity 0.5, area
/// 0.25; TPR [0, 0.5]: specificity 1, area 0.5 (the maximum: standardized 1).
@Test func partialAUCDocstringCurve() throws {
    let s = [0.1, 0.4, 0.35, 0.8], y = [0.0, 0, 1, 1]
    let r = try #require(try pauc(s, y, nil, .falsePositiveRate, 0, 0.25))
    #expect(r.area == 0.125)
    #expect(abs(r.standardized - 5.0 / 7) <= 1e-16)
    #expect(!r.belowDiagonal)
    #expect(try pauc(s, y, nil, .falsePositiveRate, 0.25, 0.75)?.area == 0.375)
    #expect(try pauc(s, y, nil, .truePositiveRate, 0.5, 1)?.area == 0.25)
    let top = try #require(try pauc(s, y, nil, .truePositiveRate, 0, 0.5))
    #expect(top.area == 0.5 && top.standardized == 1)
    // The whole range is the AUROC (0.75) and its own standardization.
    let whole = try #require(try pauc(s, y, nil, .falsePositiveRate, 0, 1))
    #expect(whole.area == 0.75 && whole.standardized == 0.75)
}

/// A perfect ranking fills the range (standardized 1); all scores tied give the diagonal
/// (standardized 1/2); a reversed ranking gives 0, below the diagonal, and McClish's
/// formula then gives (1 + (0 - m)/(M - m)) / 2 < 1/2 (scikit-learn's value; pROC: NA).
@Test func partialAUCPerfectDiagonalReversed() throws {
    let y = [0.0, 0, 0, 1, 1, 1]
    let perfect = try #require(try pauc([1, 2, 3, 4, 5, 6], y, nil, .falsePositiveRate, 0, 0.3))
    #expect(perfect.area == 0.3 && perfect.standardized == 1)
    let tied = try #require(try pauc([2, 2, 2, 2, 2, 2], y, nil, .falsePositiveRate, 0, 0.5))
    #expect(tied.area == 0.125 && tied.standardized == 0.5 && !tied.belowDiagonal)
    let tiedTPR = try #require(try pauc([2, 2, 2, 2, 2, 2], y, nil, .truePositiveRate, 0.5, 1))
    #expect(tiedTPR.area == 0.125 && tiedTPR.standardized == 0.5 && !tiedTPR.belowDiagonal)
    let reversed = try #require(try pauc([6, 5, 4, 3, 2, 1], y, nil, .falsePositiveRate, 0, 0.5))
    #expect(reversed.area == 0 && reversed.belowDiagonal)
    // min 0.125, max 0.5: (1 - 0.125 / 0.375) / 2 = 1/3.
    #expect(abs(reversed.standardized - 1.0 / 3) <= 1e-16)
}

/// A range end falling inside a segment interpolates: scores 3 2 1 with labels 1 0 1 give
/// the points (0,0) (0,.5) (1,.5) (1,1)... with one negative, fpr jumps 0 -> 1 at score 2:
/// the segment (0, .5) -> (1, .5) is flat, so FPR [0.2, 0.7] has area 0.5 * 0.5 = 0.25.
/// Tied scores of both classes make a sloped segment: scores 2 1 1 0, labels 1 0 1 0:
/// points (0,.5) (.5,1) (1,1) after (0,0); over FPR [0.1, 0.3] the tpr is .5 + x, area
/// 0.2 * (0.6 + 0.8) / 2 = 0.14.
@Test func partialAUCInterpolatesInsideSegments() throws {
    // (0.7 - 0.2 is 0.49999999999999994 in doubles; the area is that of the doubles given.)
    let flat = try #require(try pauc([3, 2, 1], [1, 0, 1], nil, .falsePositiveRate, 0.2, 0.7))
    #expect(abs(flat.area - 0.25) <= 1e-16)
    let r = try #require(try pauc([2, 1, 1, 0], [1, 0, 1, 0], nil, .falsePositiveRate, 0.1, 0.3))
    #expect(abs(r.area - 0.14) <= 1e-16)
}

/// Weights: weight 0 removes a sample; integer weights equal repeated samples.
@Test func partialAUCWeights() throws {
    let s = [0.9, 0.7, 0.5, 0.3, 0.1], y = [1.0, 0, 1, 0, 1]
    let weighted = try pauc(s, y, [2, 1, 0, 3, 1], .falsePositiveRate, 0.1, 0.6)
    let repeated = try pauc([0.9, 0.9, 0.7, 0.3, 0.3, 0.3, 0.1], [1, 1, 0, 0, 0, 0, 1], nil,
                            .falsePositiveRate, 0.1, 0.6)
    #expect(weighted != nil && weighted == repeated)
}

/// One class (or no sample of positive weight): undefined, nil.
@Test func partialAUCOneClassIsUndefined() throws {
    #expect(try pauc([1, 2, 3], [1, 1, 1], nil, .falsePositiveRate, 0, 0.5) == nil)
    #expect(try pauc([1, 2, 3], [0, 1, 0], [1, 0, 1], .truePositiveRate, 0, 0.5) == nil)
    #expect(try pauc([], [], nil, .falsePositiveRate, 0, 1) == nil)
}

// MARK: - Random data

private func randomCase(_ rng: inout SplitMix, n: Int) -> (s: [Double], y: [Double], w: [Double]?) {
    let distinct = [1, 2, 4, 10, 1000][rng.below(5)]
    let y = labelsNegativeThenPositiveFirst(n) { rng.unit() < 0.4 }
    // Integer scores, so that positives and negatives tie (sloped segments); positives
    // often score higher, so that most curves are above the diagonal, some below.
    let bonus = rng.below(4) - 1
    let scale = rng.below(3) == 0 ? 0.1 : 1
    let s = y.map { Double(rng.below(distinct) + ($0 == 1 ? bonus : 0)) * scale }
    let w: [Double]?
    switch rng.below(3) {
    case 0: w = nil
    case 1: w = (0..<n).map { k in k < 2 ? 1 : Double(rng.below(4)) }
    default: w = (0..<n).map { k in k < 2 || rng.below(6) != 0 ? rng.unit() * 10 + 1e-3 : 0 }
    }
    return (s, y, w)
}

/// Range ends: 0, 1, dyadic values that hit curve points, and arbitrary reals.
private func randomRange(_ rng: inout SplitMix) -> (Double, Double) {
    func end() -> Double {
        switch rng.below(4) {
        case 0: return [0, 1, 0.5, 0.25, 0.75][rng.below(5)]
        case 1: return Double(rng.below(11)) / 10
        default: return rng.unit()
        }
    }
    while true {
        let a = end(), b = end()
        if a != b { return (Swift.min(a, b), Swift.max(a, b)) }
    }
}

@Test func partialAUCMatchesFloat80OracleOnRandomData() throws {
    var rng = SplitMix(state: 2024)
    var worstArea: Float80 = 0
    for trial in 0..<3000 {
        let (s, y, w) = randomCase(&rng, n: 2 + rng.below(80))
        let (a, b) = randomRange(&rng)
        let axis: PartialAUCAxis = rng.below(2) == 0 ? .falsePositiveRate : .truePositiveRate
        let r = try #require(try pauc(s, y, w, axis, a, b))
        let o = oracle(s, y, w, axis, a, b)
        let areaError = abs(Float80(r.area) - o.area)
        let standardizedError = abs(Float80(r.standardized) - o.standardized)
        worstArea = Swift.max(worstArea, areaError / (0x1p-53 * Float80(b - a)))
        // Within 16 ulps of 1 times the range's width; the standardization divides the
        // area's error by maxArea - minArea (minMaxGap) and adds a few ulps of its size.
        #expect(areaError <= 16 * 0x1p-53 * Float80(b - a), "trial \(trial): \(axis) [\(a), \(b)]")
        let minMaxGap = Float80(b - a) * (axis == .falsePositiveRate ? (2 - Float80(a) - Float80(b)) : (Float80(a) + Float80(b))) / 2
        let q = abs(2 * o.standardized - 1)
        #expect(standardizedError <= 16 * 0x1p-53 * Float80(b - a) / minMaxGap + 4 * 0x1p-53 * (1 + q),
                "trial \(trial): \(axis) [\(a), \(b)] area \(r.area) oracle \(o.area) std \(r.standardized) oracle \(o.standardized)")
        #expect(r.belowDiagonal == (o.standardized < 0.5) || abs(o.standardized - 0.5) < 1e-15,
                "trial \(trial)")
    }
    print("partial AUC vs Float80 oracle: largest area error \(worstArea) ulps of 1 times (b - a)")
}

/// Larger inputs through the radix sort's large-input path, against the same oracle.
@Test func partialAUCMatchesOracleOnLargerInputs() throws {
    var rng = SplitMix(state: 77)
    for _ in 0..<4 {
        let (s, y, w) = randomCase(&rng, n: 30_000)
        let (a, b) = randomRange(&rng)
        for axis in [PartialAUCAxis.falsePositiveRate, .truePositiveRate] {
            let r = try #require(try pauc(s, y, w, axis, a, b))
            let o = oracle(s, y, w, axis, a, b)
            #expect(abs(Float80(r.area) - o.area) <= 16 * 0x1p-53 * Float80(b - a))
        }
    }
}

/// The two-chunk (two-thread) path, forced on small and mid-sized inputs so that chunk
/// borders, skipped buckets, buckets inside the range and cut buckets all occur, against
/// the same Float80 oracle; and the same bits as one chunk (the result may not depend on
/// the thread count).
@Test func partialAUCTwoChunksMatchOracleAndOneChunk() throws {
    var rng = SplitMix(state: 4242)
    for trial in 0..<600 {
        let n = trial % 3 == 0 ? 500 + rng.below(5000) : 2 + rng.below(80)
        let (s, y, w) = randomCase(&rng, n: n)
        let (a, b) = randomRange(&rng)
        let axis: PartialAUCAxis = rng.below(2) == 0 ? .falsePositiveRate : .truePositiveRate
        let two = try #require(try pauc(s, y, w, axis, a, b, chunkCount: 2))
        let one = try #require(try pauc(s, y, w, axis, a, b, chunkCount: 1))
        let o = oracle(s, y, w, axis, a, b)
        #expect(abs(Float80(two.area) - o.area) <= 16 * 0x1p-53 * Float80(b - a),
                "trial \(trial): n \(n) \(axis) [\(a), \(b)]")
        #expect(two.area.bitPattern == one.area.bitPattern
                && two.standardized.bitPattern == one.standardized.bitPattern, "trial \(trial)")
    }
}

/// Inputs above the two-thread threshold (65536 samples) with distinct scores, so that the
/// buckets are many, against the oracle.
@Test func partialAUCAboveThreadThresholdMatchesOracle() throws {
    var rng = SplitMix(state: 99)
    for trial in 0..<4 {
        let n = 70_000 + rng.below(40_000)
        let y = labelsNegativeThenPositiveFirst(n) { rng.unit() < 0.3 }
        let s = y.map { $0 + 2 * rng.unit() }
        let w: [Double]? = trial == 3 ? (0..<n).map { _ in Double(rng.below(3)) } : nil
        for (a, b) in [(0.0, 1.0), (0.0, 0.1), (0.2, 0.7)] {
            for axis in [PartialAUCAxis.falsePositiveRate, .truePositiveRate] {
                let r = try #require(try pauc(s, y, w, axis, a, b))
                let o = oracle(s, y, w, axis, a, b)
                #expect(abs(Float80(r.area) - o.area) <= 16 * 0x1p-53 * Float80(b - a), "\(axis) [\(a), \(b)]")
            }
        }
    }
}

/// Over the whole range the partial AUC is the AUROC, which `exactAUROC` computes by a
/// different algorithm (rank sums).
@Test func partialAUCOverWholeRangeIsExactAUROC() throws {
    var rng = SplitMix(state: 5)
    for _ in 0..<500 {
        let (s, y, w) = randomCase(&rng, n: 2 + rng.below(60))
        let auc = try #require(try withSamples(s, y, w) { try exactAUROC($0) })
        for axis in [PartialAUCAxis.falsePositiveRate, .truePositiveRate] {
            let r = try #require(try pauc(s, y, w, axis, 0, 1))
            #expect(abs(r.area - auc) <= 4e-16)
        }
    }
}

/// The TPR range [a, b] of a problem is the FPR range [1 - b, 1 - a] of the problem with
/// classes swapped and scores negated (the curve reflected through (1/2, 1/2)); dyadic
/// ends keep 1 - a and 1 - b exact.
@Test func partialAUCAxesAreReflections() throws {
    var rng = SplitMix(state: 6)
    for _ in 0..<500 {
        let (s, y, w) = randomCase(&rng, n: 2 + rng.below(60))
        let a = Double(rng.below(8)) / 8, b = a + Double(1 + rng.below(8 - Int(a * 8))) / 8
        let byTPR = try #require(try pauc(s, y, w, .truePositiveRate, a, b))
        let flipped = try #require(try pauc(s.map { -$0 }, y.map { 1 - $0 }, w, .falsePositiveRate, 1 - b, 1 - a))
        #expect(abs(byTPR.area - flipped.area) <= 8 * 0x1p-53)
        #expect(abs(byTPR.standardized - flipped.standardized) <= 64 * 0x1p-53)
    }
}

@Test func partialAUCFloat32EqualsDoubleOnConvertedValues() throws {
    var rng = SplitMix(state: 32)
    for _ in 0..<300 {
        let (s64, y64, w64) = randomCase(&rng, n: 2 + rng.below(40))
        let s = s64.map { Float($0) }, y = y64.map { Float($0) }, w = w64?.map { Float($0) }
        let (a, b) = randomRange(&rng)
        let r32 = try withBuffers(s, y, w) {
            try partialAUCFloat32(scores: $0, labels: $1, weights: $2, axis: .falsePositiveRate,
                                  lower: a, upper: b)
        }
        let r64 = try pauc(s.map(Double.init), y.map(Double.init), w?.map(Double.init), .falsePositiveRate, a, b)
        #expect(r32 != nil && r32 == r64)
    }
}

/// Over the whole range [0, 1] the unweighted partial area is taken from the exact AUROC
/// (its doubled area 2U recovered from the rounded quotient): the same bits as the sweep
/// inside the sort (the path every other range takes), for either axis, one chunk or two,
/// float64 and float32, on tied and on distinct scores, small and above the thread
/// threshold; and both within the Float80 oracle's bound.
@Test func partialAUCWholeRangeFromExactAUROCEqualsSweep() throws {
    var rng = SplitMix(state: 1212)
    for trial in 0..<400 {
        let n = trial % 50 == 0 ? 70_000 + rng.below(30_000)
            : trial % 5 == 0 ? 500 + rng.below(5000) : 2 + rng.below(80)
        var (s, y, _) = randomCase(&rng, n: n)
        if trial % 7 == 0 { s = s.map { $0 + rng.unit() } }  // distinct scores
        if trial % 97 == 0 { y = y.map { _ in 1 } }  // one class: nil from both
        for axis in [PartialAUCAxis.falsePositiveRate, .truePositiveRate] {
            for chunks in [1, 2] {
                let (fast, sweep) = try withSamples(s, y, nil) { samples in
                    (try unweightedPartialAUC(scores: samples.scores, labels: samples.labels,
                                              byFPR: axis == .falsePositiveRate, lower: 0, upper: 1,
                                              chunkCount: chunks),
                     try unweightedPartialAUC(scores: samples.scores, labels: samples.labels,
                                              byFPR: axis == .falsePositiveRate, lower: 0, upper: 1,
                                              chunkCount: chunks, wholeRangeFromExact: false))
                }
                #expect(fast == sweep, "trial \(trial): n \(n) \(axis) chunks \(chunks)")
                if let fast, let sweep {
                    #expect(fast.area.bitPattern == sweep.area.bitPattern
                            && fast.standardized.bitPattern == sweep.standardized.bitPattern,
                            "trial \(trial): n \(n) \(axis) chunks \(chunks)")
                }
                let s32 = s.map { Float($0) }, y32 = y.map { Float($0) }
                let (fast32, sweep32) = try withBuffers(s32, y32, nil) { sp, yp, _ in
                    (try unweightedPartialAUC(scores: sp, labels: yp, byFPR: axis == .falsePositiveRate,
                                              lower: 0, upper: 1, chunkCount: chunks),
                     try unweightedPartialAUC(scores: sp, labels: yp, byFPR: axis == .falsePositiveRate,
                                              lower: 0, upper: 1, chunkCount: chunks,
                                              wholeRangeFromExact: false))
                }
                #expect(fast32 == sweep32, "trial \(trial): float32 n \(n) \(axis) chunks \(chunks)")
            }
            if n <= 6000, y.contains(0), y.contains(1) {
                let r = try #require(try pauc(s, y, nil, axis, 0, 1))
                let o = oracle(s, y, nil, axis, 0, 1)
                #expect(abs(Float80(r.area) - o.area) <= 16 * 0x1p-53, "trial \(trial)")
            }
        }
    }
}

/// `partialAUCCheckingInputs` (unweighted inputs not validated before): on valid inputs the
/// same result as `partialAUC`, bit for bit, one chunk or two, either axis, the whole range
/// included; a score that is not finite or a label other than 0 and 1 anywhere is found.
@Test(arguments: [3, 500, 70_000])
func partialAUCCheckingInputsMatchesOrFindsTheBadValue(n: Int) throws {
    var rng = SplitMix(state: UInt64(n) &* 31)
    let y = labelsWithBothClasses(n, &rng, positiveRate: 0.4)
    let s = normalPlusLabelScores(y, &rng).map { ($0 * 8).rounded() / 8 }  // ties
    func checked(_ s: [Double], _ y: [Double], _ axis: PartialAUCAxis, _ lower: Double,
                 _ upper: Double) throws -> CheckedPartialAUC {
        try s.withUnsafeBufferPointer { sp in
            try y.withUnsafeBufferPointer {
                try partialAUCCheckingInputs(scores: sp, labels: $0, axis: axis, lower: lower, upper: upper)
            }
        }
    }
    for axis in [PartialAUCAxis.falsePositiveRate, .truePositiveRate] {
        for (lower, upper) in [(0.0, 0.1), (0.25, 0.8), (0.0, 1.0)] {
            let expected = try s.withUnsafeBufferPointer { sp in
                try y.withUnsafeBufferPointer {
                    try partialAUC(LabeledSamples(scores: sp, labels: $0, weights: nil), axis: axis,
                                   lower: lower, upper: upper)
                }
            }
            let result = try #require(expected)
            #expect(try checked(s, y, axis, lower, upper) == .value(result), "\(axis) [\(lower), \(upper)]")
        }
    }
    for position in Set([0, n / 2, n - 1]) {
        var t = s
        t[position] = .infinity
        #expect(try checked(t, y, .falsePositiveRate, 0, 0.3) == .invalidInput)
        var z = y
        z[position] = -1
        #expect(try checked(s, z, .truePositiveRate, 0.1, 0.5) == .invalidInput)
    }
    #expect(try checked(s, y.map { _ in 0 }, .falsePositiveRate, 0, 0.3) == .undefined)
}
