import Testing
@testable import DiffAUROCCore

// ROC curve: hand cases first (scikit-learn's docstring example, ties, all-equal scores,
// one class, zero weights, -0.0), then the count/capacity protocol, then random tied
// weighted data against an oracle that follows scikit-learn's steps literally (a stdlib
// sort, a plain loop per threshold, numpy.diff's second differences), compared bitwise.

/// A computed curve, trimmed to its points.
private struct Curve: Equatable {
    var fpr: [Double] = [], tpr: [Double] = [], thresholds: [Double] = []
    var fps: [Double] = [], tps: [Double] = []

    /// Bit patterns, so that NaN equals NaN and -0.0 differs from +0.0.
    var bits: [[UInt64]] {
        [fpr, tpr, thresholds, fps, tps].map { $0.map(\.bitPattern) }
    }
}

/// rocCurve (float64) into buffers of `capacity` (default n + 1), trimmed to the count.
private func curve(_ s: [Double], _ y: [Double], _ w: [Double]? = nil, drop: Bool = true,
                   tieOrder: TieOrder = .increasingIndex, capacity: Int? = nil,
                   chunkCount: Int? = nil)
    throws -> (ROCCurveSummary, Curve)
{
    let cap = capacity ?? s.count + 1
    let bufs = (0..<5).map { _ in UnsafeMutableBufferPointer<Double>.allocate(capacity: cap) }
    defer { bufs.forEach { $0.deallocate() } }
    bufs.forEach { $0.initialize(repeating: 42) }
    let summary = try withSamples(s, y, w) { samples in
        try rocCurve(scores: samples.scores, labels: samples.labels, weights: samples.weights,
                     dropIntermediate: drop, tieOrder: tieOrder,
                     into: ROCCurveBuffers(falsePositiveRates: bufs[0], truePositiveRates: bufs[1],
                                           thresholds: bufs[2], falsePositives: bufs[3],
                                           truePositives: bufs[4]),
                     chunkCount: chunkCount)
    }
    let out = bufs.map { Array($0) }
    let k = summary.written ? summary.pointCount : 0
    // Nothing past the points may have been touched (nothing at all when not written).
    #expect(out.allSatisfy { $0[k...].allSatisfy { $0 == 42 } })
    return (summary, Curve(fpr: Array(out[0][..<k]), tpr: Array(out[1][..<k]),
                           thresholds: Array(out[2][..<k]), fps: Array(out[3][..<k]),
                           tps: Array(out[4][..<k])))
}

/// scikit-learn's roc_curve, step by step, written from _ranking.py
/// (`_sort_inputs_and_compute_classification_thresholds`, `confusion_matrix_at_thresholds`,
/// `roc_curve`) without any of the library's code: zero weights dropped; a stdlib sort by
/// (score descending, index ascending) (or index descending, the older tie order); for each
/// distinct score a plain loop from the top summing y*w and (1-y)*w (unweighted: the
/// counts, fps = 1 + idx - tps as scikit-learn writes it); numpy.diff(x, 2) literally; the
/// +inf point; the divisions. O(n * thresholds): small inputs only.
private func sklearnCurve(_ s: [Double], _ y: [Double], _ w: [Double]?, drop: Bool,
                          tiesByDecreasingIndex: Bool = false, bruteForce: Bool = true) -> Curve {
    let kept = s.indices.filter { w == nil || w![$0] != 0 }
    let order = kept.sorted {
        s[$0] != s[$1] ? s[$0] > s[$1] : (tiesByDecreasingIndex ? $0 > $1 : $0 < $1)
    }
    let n = order.count
    if n == 0 { return Curve() }
    var thresholdIdxs: [Int] = []
    for p in 0..<(n - 1) where s[order[p + 1]] - s[order[p]] != 0 { thresholdIdxs.append(p) }
    thresholdIdxs.append(n - 1)
    var fps: [Double] = [], tps: [Double] = [], thr: [Double] = []
    // Cumulative sums in sklearn order (prefix at each position), or brute force per threshold.
    var prefixT: [Double] = [], prefixF: [Double] = []
    if !bruteForce {
        var t = 0.0, f = 0.0
        for q in 0..<n {
            let i = order[q]
            t += y[i] * (w?[i] ?? 1)
            f += (1 - y[i]) * (w?[i] ?? 1)
            prefixT.append(t)
            prefixF.append(f)
        }
    }
    for p in thresholdIdxs {
        var t = 0.0, f = 0.0
        if bruteForce {
            for q in 0...p {
                let i = order[q]
                t += y[i] * (w?[i] ?? 1)
                f += (1 - y[i]) * (w?[i] ?? 1)
            }
        } else {
            t = prefixT[p]
            f = prefixF[p]
        }
        if w == nil { f = 1 + Double(p) - t }
        tps.append(t)
        fps.append(f)
        thr.append(s[order[p]])
    }
    if drop && fps.count > 2 {
        func diff(_ x: [Double]) -> [Double] { (0..<(x.count - 1)).map { x[$0 + 1] - x[$0] } }
        let d2f = diff(diff(fps)), d2t = diff(diff(tps))
        var keep = [true]
        for j in d2f.indices { keep.append(d2f[j] != 0 || d2t[j] != 0) }
        keep.append(true)
        let idx = keep.indices.filter { keep[$0] }
        fps = idx.map { fps[$0] }
        tps = idx.map { tps[$0] }
        thr = idx.map { thr[$0] }
    }
    tps.insert(0, at: 0)
    fps.insert(0, at: 0)
    thr.insert(.infinity, at: 0)
    let fpr = fps.last! <= 0 ? fps.map { _ in Double.nan } : fps.map { $0 / fps.last! }
    let tpr = tps.last! <= 0 ? tps.map { _ in Double.nan } : tps.map { $0 / tps.last! }
    return Curve(fpr: fpr, tpr: tpr, thresholds: thr, fps: fps, tps: tps)
}

// MARK: - Hand cases

/// scikit-learn's docstring example (roc_curve with pos_label=2 on y = [1, 1, 2, 2]).
@Test func rocCurveDocstringExample() throws {
    let (summary, c) = try curve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    #expect(summary == ROCCurveSummary(pointCount: 5, written: true, hasPositives: true,
                                       hasNegatives: true, weightsOverflow: false))
    #expect(c.fpr == [0, 0, 0.5, 0.5, 1])
    #expect(c.tpr == [0, 0.5, 0.5, 1, 1])
    #expect(c.thresholds == [.infinity, 0.8, 0.4, 0.35, 0.1])
    #expect(c.fps == [0, 0, 1, 1, 2])
    #expect(c.tps == [0, 1, 1, 2, 2])
}

/// All scores equal: one threshold, the diagonal's two end points.
@Test func rocCurveAllScoresEqual() throws {
    let (summary, c) = try curve([0.5, 0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1, 1])
    #expect(summary.pointCount == 2)
    #expect(c.fpr == [0, 1])
    #expect(c.tpr == [0, 1])
    #expect(c.thresholds == [.infinity, 0.5])
    #expect(c.fps == [0, 2])
    #expect(c.tps == [0, 3])
}

/// Ties and dropping, worked by hand. Scores 5 4 4 3 2 2 1 with labels
/// 1 1 0 1 0 0 0: raw points (fps, tps) at 5: (0,1), 4: (1,2), 3: (1,3), 2: (3,3), 1: (4,3).
/// Second differences at 4: fps 1-1-(1-0)=-1 keep; at 3: (3-1)-(1-1)=2 keep; at 2: fps
/// (4-3)-(3-1)=-1 keep. None collinear, so dropping keeps all; with scores 5 4 3 2 1 and
/// labels 1 1 1 0 0, raw (0,1) (0,2) (0,3) (1,3) (2,3): points 4 (0,2) (collinear with
/// (0,1) and (0,3)) and 2 (1,3) are dropped.
@Test func rocCurveTiesAndDropping() throws {
    let (_, c) = try curve([5, 4, 4, 3, 2, 2, 1], [1, 1, 0, 1, 0, 0, 0])
    #expect(c.fps == [0, 0, 1, 1, 3, 4])
    #expect(c.tps == [0, 1, 2, 3, 3, 3])
    #expect(c.thresholds == [.infinity, 5, 4, 3, 2, 1])
    #expect(c.fpr == [0, 0, 0.25, 0.25, 0.75, 1])

    let (_, d) = try curve([5, 4, 3, 2, 1], [1, 1, 1, 0, 0])
    #expect(d.fps == [0, 0, 0, 2])
    #expect(d.tps == [0, 1, 3, 3])
    #expect(d.thresholds == [.infinity, 5, 3, 1])
    let (_, e) = try curve([5, 4, 3, 2, 1], [1, 1, 1, 0, 0], drop: false)
    #expect(e.fps == [0, 0, 0, 0, 1, 2])
    #expect(e.thresholds == [.infinity, 5, 4, 3, 2, 1])
}

/// Weight 0 drops a sample (its score is no threshold); the other weights are summed.
@Test func rocCurveZeroWeights() throws {
    let (_, c) = try curve([0.1, 0.4, 0.35, 0.8, 0.6], [0, 0, 1, 1, 0], [1, 0, 2, 0.5, 0])
    // Kept: 0.8 (pos 0.5), 0.35 (pos 2), 0.1 (neg 1).
    #expect(c.thresholds == [.infinity, 0.8, 0.35, 0.1])
    #expect(c.tps == [0, 0.5, 2.5, 2.5])
    #expect(c.fps == [0, 0, 0, 1])
    #expect(c.tpr == [0, 0.2, 1, 1])
    #expect(c.fpr == [0, 0, 0, 1])
}

/// One class: the absent class's rate is NaN at every point (scikit-learn's answer).
@Test func rocCurveOneClass() throws {
    let (summary, c) = try curve([0.3, 0.1, 0.2], [1, 1, 1])
    #expect(summary.hasPositives && !summary.hasNegatives && summary.written)
    // (0.2's point is collinear and dropped; scikit-learn gives the same three points.)
    #expect(c.fpr.count == 3 && c.fpr.allSatisfy(\.isNaN))
    #expect(c.tpr == [0, 1.0 / 3, 1])
    #expect(c.thresholds == [.infinity, 0.3, 0.1])
    let (_, all) = try curve([0.3, 0.1, 0.2], [1, 1, 1], drop: false)
    #expect(all.fpr.count == 4 && all.fpr.allSatisfy(\.isNaN))
    #expect(all.tpr == [0, 1.0 / 3, 2.0 / 3, 1])
    #expect(all.thresholds == [.infinity, 0.3, 0.2, 0.1])

    let (summary2, c2) = try curve([0.3, 0.1], [0, 0])
    #expect(!summary2.hasPositives && summary2.hasNegatives)
    #expect(c2.tpr.allSatisfy(\.isNaN) && c2.fpr == [0, 0.5, 1])
}

/// No sample of positive weight (or none at all): no threshold, nothing written.
@Test func rocCurveNoSamples() throws {
    let (summary, _) = try curve([0.3, 0.1], [0, 1], [0, 0])
    #expect(summary == ROCCurveSummary(pointCount: 0, written: false, hasPositives: false,
                                       hasNegatives: false, weightsOverflow: false))
    let (empty, _) = try curve([], [])
    #expect(empty.pointCount == 0 && !empty.written)
}

/// -0.0 and +0.0 tie; the threshold is the last tied sample's score in scikit-learn's order
/// (the highest index; the lowest with the older tie order).
@Test func rocCurveSignedZeroThreshold() throws {
    let (_, c) = try curve([0.0, -0.0, 1], [1, 0, 1])
    #expect(c.thresholds.map(\.bitPattern) == [Double.infinity, 1, -0.0].map(\.bitPattern))
    let (_, d) = try curve([-0.0, 0.0, 1], [1, 0, 1])
    #expect(d.thresholds.map(\.bitPattern) == [Double.infinity, 1, 0.0].map(\.bitPattern))
    let (_, e) = try curve([-0.0, 0.0, 1], [1, 0, 1], tieOrder: .decreasingIndex)
    #expect(e.thresholds.map(\.bitPattern) == [Double.infinity, 1, -0.0].map(\.bitPattern))
}

/// The order of tied weights changes the float64 sums, and the curve follows it:
/// 1 + 2^-53 + 2^-53 is 1 summed left to right, but 2^-53 + 2^-53 + 1 = 1 + 2^-52.
@Test func rocCurveTieOrderChangesSums() throws {
    let s = [0.5, 0.5, 0.5, 0.0]
    let y = [1.0, 1, 1, 0]
    let w = [1.0, 0x1p-53, 0x1p-53, 1]
    let (_, up) = try curve(s, y, w)
    #expect(up.tps == [0, 1, 1])
    let (_, down) = try curve(s, y, w, tieOrder: .decreasingIndex)
    #expect(down.tps == [0, 1 + 0x1p-52, 1 + 0x1p-52])
    #expect(up.bits == sklearnCurve(s, y, w, drop: true).bits)
    #expect(down.bits == sklearnCurve(s, y, w, drop: true, tiesByDecreasingIndex: true).bits)
}

/// Weights whose class sum could overflow: reported, nothing written.
@Test func rocCurveWeightOverflow() throws {
    let (summary, _) = try curve([0.1, 0.2, 0.3], [1, 1, 0], [1e308, 1e308, 1])
    #expect(summary.weightsOverflow && !summary.written && summary.pointCount == 0)
    let (fine, c) = try curve([0.1, 0.2, 0.3], [1, 1, 0], [0x1p1021, 0x1p1021, 1])
    #expect(!fine.weightsOverflow && fine.written && c.tps.last == 0x1p1022)
}

// MARK: - Count protocol

@Test func rocCurveCapacityProtocol() throws {
    let s = [0.9, 0.8, 0.8, 0.3, 0.2, 0.1, 0.1]
    let y = [1.0, 0, 1, 1, 0, 0, 1]
    let (full, c) = try curve(s, y)
    #expect(full.written && full.pointCount == c.fpr.count)
    // Exactly enough room: written (the counting sweep, then the writing one).
    let (exact, c2) = try curve(s, y, capacity: full.pointCount)
    #expect(exact.written && c2 == c)
    // One too few: counted, nothing written (checked inside `curve`).
    let (short, _) = try curve(s, y, capacity: full.pointCount - 1)
    #expect(!short.written && short.pointCount == full.pointCount)
    // No buffer at all: count only.
    let counted = try withSamples(s, y) { try rocCurve($0) }
    #expect(!counted.written && counted.pointCount == full.pointCount)
    // Some buffers only.
    var thresholds = [Double](repeating: 0, count: full.pointCount)
    let partial = try withSamples(s, y) { samples in
        try thresholds.withUnsafeMutableBufferPointer {
            try rocCurve(samples, into: ROCCurveBuffers(thresholds: $0))
        }
    }
    #expect(partial.written && thresholds == c.thresholds)
}

// MARK: - Random data against the oracle, bitwise

/// Scores with heavy ties (a few distinct values, +-0 among them) or spread out; labels
/// random (sometimes one class); weights absent, integers, or random doubles of mixed
/// magnitudes with zeros.
private func randomCase(_ rng: inout SplitMix, n: Int)
    -> (s: [Double], y: [Double], w: [Double]?)
{
    let distinct = [1, 2, 3, 5, 20, 1000][rng.below(6)]
    let palette = (0..<distinct).map { _ in (rng.unit() - 0.5) * 8 } + [0.0, -0.0]
    let s = (0..<n).map { _ in
        distinct == 1000 ? (rng.unit() - 0.5) * 1e3 : palette[rng.below(palette.count)]
    }
    let positiveShare = [0.0, 0.05, 0.5, 0.95, 1.0][rng.below(5)]
    let y = (0..<n).map { _ in rng.unit() < positiveShare ? 1.0 : 0.0 }
    let w: [Double]?
    switch rng.below(4) {
    case 0: w = nil
    case 1: w = (0..<n).map { _ in Double(rng.below(4)) }
    case 2: w = (0..<n).map { _ in rng.below(5) == 0 ? 0 : rng.unit() * [1e-3, 1e-2, 0.1, 1, 10, 100, 1e3][rng.below(7)] }
    default: w = (0..<n).map { _ in rng.below(8) == 0 ? 0 : 1 + rng.unit() }
    }
    return (s, y, w)
}

@Test func rocCurveMatchesOracleBitwiseOnRandomData() throws {
    var rng = SplitMix(state: 12)
    for trial in 0..<1500 {
        let n = rng.below(60)
        let (s, y, w) = randomCase(&rng, n: n)
        let drop = rng.below(3) != 0
        let byDecreasing = rng.below(4) == 0
        let (summary, c) = try curve(s, y, w, drop: drop,
                                     tieOrder: byDecreasing ? .decreasingIndex : .increasingIndex)
        let oracle = sklearnCurve(s, y, w, drop: drop, tiesByDecreasingIndex: byDecreasing)
        #expect(summary.pointCount == oracle.fpr.count, "trial \(trial)")
        #expect(c.bits == oracle.bits, "trial \(trial): n \(n) drop \(drop)")
        // Exactly enough room: the counting sweep, then the writing one.
        let (tight, d) = try curve(s, y, w, drop: drop,
                                   tieOrder: byDecreasing ? .decreasingIndex : .increasingIndex,
                                   capacity: oracle.fpr.count)
        #expect(tight.written == !oracle.fpr.isEmpty && d.bits == oracle.bits, "trial \(trial)")
    }
}

/// The two-chunk (two-thread) path forced on small inputs, so that the chunks' border
/// falls everywhere (inside runs of ties, next to the zeros, with one chunk empty),
/// against the oracle.
@Test func rocCurveTwoChunksMatchOracleBitwise() throws {
    var rng = SplitMix(state: 2222)
    for trial in 0..<1500 {
        let n = trial % 5 == 0 ? 300 + rng.below(3000) : rng.below(60)
        let (s, y, w) = randomCase(&rng, n: n)
        let drop = rng.below(3) != 0
        let byDecreasing = rng.below(4) == 0
        let tieOrder: TieOrder = byDecreasing ? .decreasingIndex : .increasingIndex
        let oracle = sklearnCurve(s, y, w, drop: drop, tiesByDecreasingIndex: byDecreasing,
                                  bruteForce: n < 100)
        let (summary, c) = try curve(s, y, w, drop: drop, tieOrder: tieOrder, chunkCount: 2)
        #expect(summary.pointCount == oracle.fpr.count, "trial \(trial)")
        #expect(c.bits == oracle.bits, "trial \(trial): n \(n) drop \(drop)")
        let (tight, d) = try curve(s, y, w, drop: drop, tieOrder: tieOrder,
                                   capacity: oracle.fpr.count, chunkCount: 2)
        #expect(tight.written == !oracle.fpr.isEmpty && d.bits == oracle.bits, "trial \(trial)")
    }
}

/// Large inputs exercise the radix sort's cache-sized buckets and most-significant-digit
/// pass; the oracle here sums prefixes once (still a stdlib sort and scikit-learn's steps).
@Test func rocCurveMatchesOracleBitwiseOnLargeInputs() throws {
    var rng = SplitMix(state: 1212)
    for n in [40_000, 120_000] {
        for _ in 0..<3 {
            let (s, y, w) = randomCase(&rng, n: n)
            let (_, c) = try curve(s, y, w)
            let oracle = sklearnCurve(s, y, w, drop: true, bruteForce: false)
            #expect(c.bits == oracle.bits, "n \(n)")
        }
    }
}

@Test func rocCurveFloat32MatchesOracleOnConvertedValues() throws {
    var rng = SplitMix(state: 32)
    for trial in 0..<300 {
        let n = rng.below(50) + 1
        let (s64, y64, w64) = randomCase(&rng, n: n)
        let s = s64.map { Float($0) }, y = y64.map { Float($0) }, w = w64?.map { Float($0) }
        let bufs = (0..<3).map { _ in UnsafeMutableBufferPointer<Double>.allocate(capacity: n + 1) }
        defer { bufs.forEach { $0.deallocate() } }
        bufs.forEach { $0.initialize(repeating: 0) }
        let buffers = ROCCurveBuffers(falsePositiveRates: bufs[0], truePositiveRates: bufs[1], thresholds: bufs[2])
        let summary = try withBuffers(s, y, w) {
            try rocCurveFloat32(scores: $0, labels: $1, weights: $2, into: buffers)
        }
        let out = bufs.map { Array($0) }
        let oracle = sklearnCurve(s.map(Double.init), y.map(Double.init), w?.map(Double.init), drop: true)
        let k = summary.written ? summary.pointCount : 0
        #expect(summary.pointCount == oracle.fpr.count, "trial \(trial)")
        #expect(out[0][..<k].map(\.bitPattern) == oracle.fpr.map(\.bitPattern), "trial \(trial)")
        #expect(out[1][..<k].map(\.bitPattern) == oracle.tpr.map(\.bitPattern), "trial \(trial)")
        #expect(out[2][..<k].map(\.bitPattern) == oracle.thresholds.map(\.bitPattern), "trial \(trial)")
    }
}

/// Mostly distinct scores (long runs of one-sample groups, which the two-chunk count takes
/// 64 at a time) with occasional ties and tied runs placed anywhere, two chunks forced,
/// with and without dropping, against the oracle bit for bit.
@Test func rocCurveTwoChunksDistinctScoresMatchOracleBitwise() throws {
    var rng = SplitMix(state: 6464)
    for trial in 0..<300 {
        let n = 60 + rng.below(trial % 10 == 0 ? 6000 : 600)
        let y = labelsNegativeThenPositiveFirst(n) { rng.unit() < [0.5, 0.1, 0.9][trial % 3] }
        var s = y.map { $0 * Double(rng.below(3)) + rng.unit() }
        // ties: a few repeated values, sometimes a run of one value
        for _ in 0..<rng.below(4) { s[rng.below(n)] = s[rng.below(n)] }
        if trial % 4 == 0 {
            let v = s[rng.below(n)]
            let start = rng.below(n), length = rng.below(40)
            for k in start..<Swift.min(n, start + length) { s[k] = v }
        }
        let drop = trial % 5 != 0
        let oracle = sklearnCurve(s, y, nil, drop: drop, bruteForce: false)
        let (summary, c) = try curve(s, y, nil, drop: drop, chunkCount: 2)
        #expect(summary.pointCount == oracle.fpr.count, "trial \(trial): n \(n)")
        #expect(c.bits == oracle.bits, "trial \(trial): n \(n) drop \(drop)")
        let (tight, d) = try curve(s, y, nil, drop: drop, capacity: oracle.fpr.count, chunkCount: 2)
        #expect(tight.written && d.bits == oracle.bits, "trial \(trial)")
        let (short, _) = try curve(s, y, nil, drop: drop, capacity: oracle.fpr.count - 1, chunkCount: 2)
        #expect(!short.written && short.pointCount == oracle.fpr.count, "trial \(trial)")
    }
}

/// `rocCurveCheckingInputs` (unweighted inputs not validated before): valid inputs give
/// the oracle's curve, bit for bit (one chunk and two); one bad score or label anywhere
/// (first, middle, second chunk, last) gives `inputsInvalid` with nothing written.
@Test func rocCurveCheckingInputsMatchesOracleOrFindsTheBadValue() throws {
    var rng = SplitMix(state: 4242)
    for n in [1, 50, 3_000, 70_000] {
        let (s, y, _) = randomCase(&rng, n: n)
        let bufs = (0..<3).map { _ in UnsafeMutableBufferPointer<Double>.allocate(capacity: n + 1) }
        defer { bufs.forEach { $0.deallocate() } }
        func run(_ s: [Double], _ y: [Double]) throws -> ROCCurveSummary {
            bufs.forEach { $0.initialize(repeating: 42) }
            return try s.withUnsafeBufferPointer { sp in
                try y.withUnsafeBufferPointer { yp in
                    try rocCurveCheckingInputs(
                        scores: sp, labels: yp,
                        into: ROCCurveBuffers(falsePositiveRates: bufs[0], truePositiveRates: bufs[1],
                                              thresholds: bufs[2]))
                }
            }
        }
        let summary = try run(s, y)
        let oracle = sklearnCurve(s, y, nil, drop: true, bruteForce: false)
        #expect(!summary.inputsInvalid && summary.pointCount == oracle.fpr.count, "n \(n)")
        let k = summary.pointCount
        #expect([bufs[0], bufs[1], bufs[2]].map { Array($0[..<k]).map(\.bitPattern) }
                == [oracle.fpr, oracle.tpr, oracle.thresholds].map { $0.map(\.bitPattern) }, "n \(n)")
        for position in Set([0, n / 3, n / 2 + 7, n - 1]) where position < n {
            for bad in [Double.nan, .infinity, 2, 0.5] {
                var s2 = s, y2 = y
                if bad.isFinite { y2[position] = bad } else { s2[position] = bad }
                let found = try run(s2, y2)
                #expect(found.inputsInvalid && !found.written, "n \(n) at \(position): \(bad)")
                #expect(bufs.allSatisfy { $0.allSatisfy { $0 == 42 } }, "n \(n) at \(position)")
            }
        }
    }
}
