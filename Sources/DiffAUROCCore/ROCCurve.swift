// The ROC curve as scikit-learn's `roc_curve` computes it (sklearn/metrics/_ranking.py,
// 1.9): the same points, in the same order, with the same bits.
//
// Definition (scikit-learn's steps, each reproduced exactly):
//  1. samples of weight 0 are dropped;
//  2. the rest are sorted by decreasing score, ties in increasing index order (a stable
//     sort; `TieOrder`), and `tps`/`fps` are the float64 cumulative sums of the positive
//     and negative weights in that order, read at the last sample of each run of equal
//     scores: one raw point per distinct score (see `SortedSamples.forEachThreshold`);
//     the threshold of a raw point is that last sample's score (so -0.0 or +0.0 as it was);
//  3. with `dropIntermediate` (when there are more than 2 raw points), raw point i is
//     kept if it is the first or the last, or if either second difference
//     `(x[i+1] - x[i]) - (x[i] - x[i-1])` of fps or tps is not zero, computed in float64
//     as `numpy.diff(x, 2)` computes it (for finite doubles the difference of two
//     differences is zero exactly when they are equal, which is what is tested);
//  4. a first point (fps 0, tps 0, threshold +infinity) is put in front;
//  5. fpr = fps / fps[last], tpr = tps / tps[last], one IEEE division each, as NumPy's.
//     A class with no sample of positive weight makes its rate NaN at every point, as
//     scikit-learn (which also warns: see `ROCCurveSummary.hasPositives`).
//
// Accuracy: the sums and quotients are the same floating-point operations in the same
// order as scikit-learn's, so every array is bitwise equal to scikit-learn's (float32
// scores: the thresholds are the scores converted to double, as scikit-learn's).
// Without weights fps and tps are exact integers (counts below 2^53).
//
// Cost: O(n) plus the radix sort of the n keys (`SortedSamples`, on two threads from
// 65536 samples: SampleBucketSort.swift); with weights, one O(n) sweep when the output
// buffers have room for the largest possible curve (n + 1 points), else a sweep that
// counts and, if the points fit, one that writes; without weights, from 65536 samples,
// each thread counts and then writes the points of its half (see "Without weights, on two
// threads"). Memory, freed before returning: the sorted keys and classes (9 bytes per
// sample without weights, 5 with float32 scores) or keys and weights (16, 12), as much
// again at most for the largest buckets (typically a few thousand samples), and the
// sort's tables (700 KiB per thread).

/// Where `rocCurve` writes the points. Every buffer is optional (nil: not wanted); the
/// capacity is the smallest count of the given buffers. With no buffer at all the call
/// only counts the points.
public struct ROCCurveBuffers {
    /// fps / fps[last] per point.
    public var falsePositiveRates: UnsafeMutableBufferPointer<Double>?
    /// tps / tps[last] per point.
    public var truePositiveRates: UnsafeMutableBufferPointer<Double>?
    /// +infinity, then the distinct scores in decreasing order (the kept ones).
    public var thresholds: UnsafeMutableBufferPointer<Double>?
    /// The weighted counts fps (0 first), as scikit-learn's `confusion_matrix_at_thresholds`
    /// gives them, kept points only.
    public var falsePositives: UnsafeMutableBufferPointer<Double>?
    /// The weighted counts tps (0 first).
    public var truePositives: UnsafeMutableBufferPointer<Double>?

    public init(falsePositiveRates: UnsafeMutableBufferPointer<Double>? = nil,
                truePositiveRates: UnsafeMutableBufferPointer<Double>? = nil,
                thresholds: UnsafeMutableBufferPointer<Double>? = nil,
                falsePositives: UnsafeMutableBufferPointer<Double>? = nil,
                truePositives: UnsafeMutableBufferPointer<Double>? = nil) {
        self.falsePositiveRates = falsePositiveRates
        self.truePositiveRates = truePositiveRates
        self.thresholds = thresholds
        self.falsePositives = falsePositives
        self.truePositives = truePositives
    }

    /// The smallest count of the given buffers, 0 with none. Computed without an array: a
    /// Swift allocation that fails aborts the process, and the C ABI never aborts.
    var capacity: Int {
        var smallest = Int.max
        if let b = falsePositiveRates { smallest = Swift.min(smallest, b.count) }
        if let b = truePositiveRates { smallest = Swift.min(smallest, b.count) }
        if let b = thresholds { smallest = Swift.min(smallest, b.count) }
        if let b = falsePositives { smallest = Swift.min(smallest, b.count) }
        if let b = truePositives { smallest = Swift.min(smallest, b.count) }
        return smallest == Int.max ? 0 : smallest
    }

    var isEmpty: Bool {
        falsePositiveRates == nil && truePositiveRates == nil && thresholds == nil
            && falsePositives == nil && truePositives == nil
    }
}

/// What `rocCurve` found, and whether it wrote the points.
public struct ROCCurveSummary: Equatable {
    /// Points of the curve, the first (+infinity) included: at least 2 when some sample
    /// has positive weight, at most (samples of positive weight) + 1; 0 when no sample has
    /// positive weight (scikit-learn fails then: there is no threshold), and 0 with
    /// `weightsOverflow` (the sums that decide which points are dropped are not finite).
    public var pointCount: Int
    /// Whether the points were written: true exactly when `pointCount > 0`, the buffers
    /// hold at least `pointCount` elements, at least one buffer was given and
    /// `weightsOverflow` is false. When false, no buffer was touched.
    public var written: Bool
    /// Some positive / negative sample has positive weight. When one is false, that
    /// class's rate is NaN at every point (scikit-learn's answer, with a warning).
    public var hasPositives: Bool
    public var hasNegatives: Bool
    /// A class's weights sum (in index order) to more than 2^1022: some cumulative sum
    /// might overflow to infinity, so nothing is written (scikit-learn's rates would be
    /// NaN). Below that bound no cumulative sum, in any order, can reach 2^1024.
    public var weightsOverflow: Bool
}

/// The ROC curve of float64 samples, as scikit-learn's `roc_curve(y_true, y_score,
/// sample_weight=w, drop_intermediate=dropIntermediate)` (see the file comment): writes
/// the points into `buffers` if they fit, and says how many there are either way.
/// Throws `.allocationFailed` if scratch memory cannot be had (nothing written then).
/// Preconditions: `samples` validated (`LabeledSamples`).
///
///     // scores [0.1, 0.4, 0.35, 0.8], labels [0, 0, 1, 1]:
///     // fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1], thresholds [inf, 0.8, 0.4, 0.35, 0.1]
///     rocCurve(samples, dropIntermediate: true, into: buffers).pointCount == 5
public func rocCurve(_ samples: LabeledSamples, dropIntermediate: Bool = true,
                     into buffers: ROCCurveBuffers = ROCCurveBuffers()) throws(CoreError) -> ROCCurveSummary {
    try rocCurve(scores: samples.scores, labels: samples.labels, weights: samples.weights,
                 dropIntermediate: dropIntermediate, tieOrder: .increasingIndex, into: buffers)
}

/// `rocCurve` for float32 scores, labels and weights: the same result as on the values
/// converted to Double (exact), i.e. scikit-learn's on the float32 arrays.
public func rocCurveFloat32(scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
                            weights: UnsafeBufferPointer<Float>?, dropIntermediate: Bool = true,
                            into buffers: ROCCurveBuffers = ROCCurveBuffers()) throws(CoreError) -> ROCCurveSummary {
    try rocCurve(scores: scores, labels: labels, weights: weights,
                 dropIntermediate: dropIntermediate, tieOrder: .increasingIndex, into: buffers)
}

/// Largest total weight of a class for which no cumulative sum can overflow (see
/// `ROCCurveSummary.weightsOverflow`): the sum in index order is within a factor
/// (1 + n eps) < 2 of the exact sum, and so is every partial sum in any order.
private let largestSafeClassWeight = 0x1p1022

func rocCurve<Score: ThresholdScore>(
    scores: UnsafeBufferPointer<Score>, labels: UnsafeBufferPointer<Score>,
    weights: UnsafeBufferPointer<Score>?, dropIntermediate: Bool, tieOrder: TieOrder,
    into buffers: ROCCurveBuffers, chunkCount: Int? = nil
) throws(CoreError) -> ROCCurveSummary {
    let sorted = try SortedSamples<Score>.gather(scores: scores, labels: labels, weights: weights,
                                                 tieOrder: tieOrder, scaled: false, chunkCount: chunkCount)
    defer { sorted.free() }
    let totals = sorted.totals
    var summary = ROCCurveSummary(
        pointCount: 0, written: false, hasPositives: totals.positives > 0,
        hasNegatives: totals.negatives > 0,
        weightsOverflow: !(totals.positiveWeight <= largestSafeClassWeight
                           && totals.negativeWeight <= largestSafeClassWeight))
    guard sorted.count > 0, !summary.weightsOverflow else { return summary }
    let capacity = buffers.capacity
    if sorted.values.count == 0 && sorted.splitIndex < sorted.count {
        return unweightedCurveOnTwoThreads(sorted, dropIntermediate: dropIntermediate,
                                           into: buffers, summary: summary)
    }
    if buffers.isEmpty || capacity < sorted.count + 1 {
        // Count first: write only if the points fit.
        summary.pointCount = sweepCurve(sorted, dropIntermediate: dropIntermediate) { _, _, _, _ in }
        guard !buffers.isEmpty, summary.pointCount <= capacity else {
            return summary
        }
    }
    summary.pointCount = writeCurve(sorted, dropIntermediate: dropIntermediate, into: buffers)
    summary.written = true
    return summary
}

/// Runs scikit-learn's steps 2-4 on `sorted`, calling `emit(index, fps, tps, key)` for each
/// kept raw point, at indices 1, 2, ... (index 0 is the +infinity point, not emitted).
/// Returns the number of points, the +infinity point included.
///
/// With dropping, `emit` is also called for a point that is then dropped, at the index the
/// next kept point will take (so the keep-or-drop decision, random for random data, is an
/// increment, not a branch); every such index is below the final count, since the last
/// raw point is always kept after it.
@inline(__always)
private func sweepCurve<Score: ThresholdScore>(
    _ sorted: SortedSamples<Score>, dropIntermediate: Bool,
    emit: (Int, Double, Double, Score.OrderKey) -> Void
) -> Int {
    var sweep = CurveSweep<Score.OrderKey>()
    sorted.forEachThreshold { key, fps, tps in
        sweep.read(fps, tps, key, dropIntermediate: dropIntermediate, emit: emit)
    }
    sweep.finish(dropIntermediate: dropIntermediate, emit: emit)
    return sweep.emitted &+ 1
}

/// The state of the dropping sweep between two raw points (`sweepCurve`).
private struct CurveSweep<Key: FixedWidthInteger> {
    /// Raw points read so far.
    var raw = 0
    /// While raw point i is read, `pending` is raw point i - 1 and `older` raw point i - 2:
    /// with dropping, point i - 1 is kept or dropped once its successor is known.
    var older = (fps: 0.0, tps: 0.0)
    var pending = (fps: 0.0, tps: 0.0, key: Key.zero)
    /// The index of the last kept point.
    var emitted = 0

    @inline(__always)
    mutating func read(_ fps: Double, _ tps: Double, _ key: Key, dropIntermediate: Bool,
                       emit: (Int, Double, Double, Key) -> Void) {
        if raw == 0 || !dropIntermediate {
            emitted &+= 1
            emit(emitted, fps, tps, key)
        } else if raw >= 2 {
            // numpy.diff(x, 2)[i - 2] != 0, i.e. the two differences differ (finite
            // doubles: a - b == 0 exactly when a == b).
            let fpsBends = (fps - pending.fps) != (pending.fps - older.fps)
            let tpsBends = (tps - pending.tps) != (pending.tps - older.tps)
            emit(emitted &+ 1, pending.fps, pending.tps, pending.key)
            emitted &+= (fpsBends ? 1 : 0) | (tpsBends ? 1 : 0)
        }
        older = (pending.fps, pending.tps)
        pending = (fps, tps, key)
        raw &+= 1
    }

    /// The last raw point is always kept.
    @inline(__always)
    mutating func finish(dropIntermediate: Bool, emit: (Int, Double, Double, Key) -> Void) {
        if dropIntermediate && raw >= 2 {
            emitted &+= 1
            emit(emitted, pending.fps, pending.tps, pending.key)
        }
    }
}

/// Writes the curve of `sorted` into `buffers` (which have room: the caller checked) and
/// returns its point count.
private func writeCurve<Score: ThresholdScore>(
    _ sorted: SortedSamples<Score>, dropIntermediate: Bool, into buffers: ROCCurveBuffers
) -> Int {
    let fpr = buffers.falsePositiveRates, tpr = buffers.truePositiveRates
    let thresholds = buffers.thresholds
    let fpsOut = buffers.falsePositives, tpsOut = buffers.truePositives
    // Point 0: fps = tps = 0 at +infinity. fpr and tpr hold fps and tps until the totals
    // are known.
    fpr?[0] = 0
    tpr?[0] = 0
    thresholds?[0] = .infinity
    fpsOut?[0] = 0
    tpsOut?[0] = 0
    var totalFPS = 0.0, totalTPS = 0.0
    let count = sweepCurve(sorted, dropIntermediate: dropIntermediate) { i, fps, tps, key in
        fpr?[i] = fps
        tpr?[i] = tps
        thresholds?[i] = sorted.threshold(key)
        fpsOut?[i] = fps
        tpsOut?[i] = tps
        totalFPS = fps
        totalTPS = tps
    }
    // Step 5. The last point's sums are the totals (fps[-1], tps[-1]).
    if let fpr {
        if sorted.totals.negatives > 0 {
            for i in 0..<count { fpr[i] = fpr[i] / totalFPS }
        } else {
            for i in 0..<count { fpr[i] = .nan }
        }
    }
    if let tpr {
        if sorted.totals.positives > 0 {
            for i in 0..<count { tpr[i] = tpr[i] / totalTPS }
        } else {
            for i in 0..<count { tpr[i] = .nan }
        }
    }
    return count
}

// MARK: - Without weights, on two threads
//
// The sorted samples come in two runs (SampleBucketSort.swift): chunk 1 holds the higher
// scores, positions [split, count), chunk 0 the rest; no run of equal scores straddles
// the split. Without weights the cumulative sums are exact counts, so each worker can
// sweep its run on its own:
//  1. each counts its run's kept points. Whether raw point i is kept depends only on the
//     class counts of groups i and i + 1 (the differences of the cumulative counts are
//     the groups' counts): chunk 1 reads chunk 0's first group for its last point;
//  2. (synchronize) with the counts known, the points go to [1, 1 + K1) (chunk 1) and
//     [1 + K1, 1 + K1 + K0) (chunk 0), each worker sweeping its run from the counts of
//     the samples above it (none; chunk 1's), and dividing by the class totals as it
//     writes (the same IEEE divisions as step 5).
// The points are the same bits as one sweep's (the sums are the same integers); only the
// order in which they are written differs.

/// The two workers' shared state (on `unweightedCurveOnTwoThreads`'s stack).
private struct CurveTeam<Score: ThresholdScore> {
    let sorted: SortedSamples<Score>
    let dropIntermediate: Bool
    let buffers: ROCCurveBuffers
    /// Kept points of each run (step 1).
    let kept: UnsafeMutablePointer<Int>
    /// Whether the points are written (decided by every worker alike after step 1).
    let capacity: Int

    func run(_ worker: TeamWorker) {
        let split = sorted.splitIndex, count = sorted.count
        let negativesTotal = sorted.totals.negatives, positivesTotal = sorted.totals.positives
        for chunk in worker.chunks {
            let range = chunk == 1 ? split..<count : 0..<split
            let next = chunk == 1 ? sorted.topGroupCounts(in: 0..<split) : nil
            kept[chunk] = keptPoints(in: range, isFirst: chunk == 1, next: next)
        }
        worker.synchronize()
        let pointCount = 1 + kept[0] + kept[1]
        guard !buffers.isEmpty, pointCount <= capacity else { return }
        let rates = CurveRates(totalFPS: Double(negativesTotal), totalTPS: Double(positivesTotal),
                               hasNegatives: negativesTotal > 0, hasPositives: positivesTotal > 0)
        if let fpr = buffers.falsePositiveRates, let tpr = buffers.truePositiveRates,
           let thresholds = buffers.thresholds, buffers.falsePositives == nil, buffers.truePositives == nil {
            // The usual outputs: a writer without optionals (fewer live registers).
            let writer = RatesWriter(fpr: fpr.baseAddress!, tpr: tpr.baseAddress!,
                                     thresholds: thresholds.baseAddress!, rates: rates)
            for chunk in worker.chunks { write(chunk, writer) }
        } else {
            let writer = AnyOutputsWriter(buffers: buffers, rates: rates)
            for chunk in worker.chunks { write(chunk, writer) }
        }
    }

    /// Step 2 for `chunk`'s run.
    @inline(__always)
    private func write<Writer: CurvePointWriter>(_ chunk: Int, _ writer: Writer) {
        let split = sorted.splitIndex, count = sorted.count
        @inline(__always) func emit(_ i: Int, _ fps: Double, _ tps: Double, _ key: Score.OrderKey) {
            writer.write(i, fps, tps, sorted.threshold(key))
        }
        var sweep = CurveSweep<Score.OrderKey>()
        if chunk == 1 {
            // Point 0: fps = tps = 0 at +infinity.
            writer.write(0, 0, 0, .infinity)
            // A point that is then dropped is written at the next kept point's index,
            // which for chunk 1's last kept point would be chunk 0's first: not written.
            let limit = kept[1]
            @inline(__always) func emitBelowLimit(_ i: Int, _ fps: Double, _ tps: Double,
                                                  _ key: Score.OrderKey) {
                if i <= limit { emit(i, fps, tps, key) }
            }
            var negatives = 0.0, positives = 0.0
            sorted.forEachThreshold(in: split..<count, fps: 0, tps: 0) { key, fps, tps in
                sweep.read(fps, tps, key, dropIntermediate: dropIntermediate, emit: emitBelowLimit)
                negatives = fps
                positives = tps
            }
            // Chunk 1's last point is decided by chunk 0's first (both runs are non-empty
            // here: chunk 0 always, chunk 1 since split < count).
            if dropIntermediate, let first = sorted.topGroupCounts(in: 0..<split) {
                sweep.read(negatives + Double(first.negatives), positives + Double(first.positives),
                           .zero, dropIntermediate: true, emit: emitBelowLimit)
            }
        } else {
            // Chunk 0 starts after chunk 1's raw points (at least one), from its sums, which
            // are chunk 1's class counts; its first point is decided by its second.
            var positives = 0
            for k in split..<count { positives &+= Int(sorted.classes.buffer[k]) }
            let negatives = count - split - positives
            sweep.raw = 1
            sweep.pending = (Double(negatives), Double(positives), .zero)
            sweep.emitted = kept[1]
            sorted.forEachThreshold(in: 0..<split, fps: Double(negatives), tps: Double(positives)) {
                key, fps, tps in sweep.read(fps, tps, key, dropIntermediate: dropIntermediate, emit: emit)
            }
            sweep.finish(dropIntermediate: dropIntermediate, emit: emit)
        }
    }

    /// The kept points among the raw points of `range` (step 1): with dropping, a raw point
    /// is kept if it is the first of all (`isFirst` and the range's first), the last of all
    /// (the range's last and `next` nil), or if its group's class counts differ from the
    /// next group's (`next`: the group after the range).
    private func keptPoints(in range: Range<Int>, isFirst: Bool,
                            next: (negatives: Int, positives: Int)?) -> Int {
        var groups = 0, kept = 0
        var previous = (negatives: 0, positives: 0)
        var end = range.upperBound
        let words = sorted.words.buffer, classes = sorted.classes.buffer
        while end > range.lowerBound {
            let key = words[end - 1]
            var start = end - 1
            while start > range.lowerBound && words[start - 1] == key { start -= 1 }
            var positives = 0
            for k in start..<end { positives &+= Int(classes[k]) }
            let group = (negatives: end - start - positives, positives: positives)
            if groups > 0 {
                kept &+= (isFirst && groups == 1) || group != previous ? 1 : 0
            }
            previous = group
            groups &+= 1
            end = start
        }
        guard dropIntermediate else { return groups }
        if groups > 0 {
            if isFirst && groups == 1 {
                kept &+= 1
            } else if let next {
                kept &+= next != previous ? 1 : 0
            } else {
                kept &+= 1
            }
        }
        return kept
    }
}

/// Step 5 as the points are written: the same IEEE divisions (NaN for an absent class).
private struct CurveRates {
    let totalFPS: Double, totalTPS: Double
    let hasNegatives: Bool, hasPositives: Bool

    @inline(__always) func fpr(_ fps: Double) -> Double { hasNegatives ? fps / totalFPS : .nan }
    @inline(__always) func tpr(_ tps: Double) -> Double { hasPositives ? tps / totalTPS : .nan }
}

/// Writes point i of the curve.
private protocol CurvePointWriter {
    func write(_ i: Int, _ fps: Double, _ tps: Double, _ threshold: Double)
}

/// fpr, tpr and thresholds (the C ABI's outputs).
private struct RatesWriter: CurvePointWriter {
    let fpr: UnsafeMutablePointer<Double>
    let tpr: UnsafeMutablePointer<Double>
    let thresholds: UnsafeMutablePointer<Double>
    let rates: CurveRates

    @inline(__always) func write(_ i: Int, _ fps: Double, _ tps: Double, _ threshold: Double) {
        fpr[i] = rates.fpr(fps)
        tpr[i] = rates.tpr(tps)
        thresholds[i] = threshold
    }
}

/// Whichever buffers were given.
private struct AnyOutputsWriter: CurvePointWriter {
    let buffers: ROCCurveBuffers
    let rates: CurveRates

    @inline(__always) func write(_ i: Int, _ fps: Double, _ tps: Double, _ threshold: Double) {
        buffers.falsePositiveRates?[i] = rates.fpr(fps)
        buffers.truePositiveRates?[i] = rates.tpr(tps)
        buffers.thresholds?[i] = threshold
        buffers.falsePositives?[i] = fps
        buffers.truePositives?[i] = tps
    }
}

/// `rocCurve`'s result for unweighted samples sorted in two runs (see above).
private func unweightedCurveOnTwoThreads<Score: ThresholdScore>(
    _ sorted: SortedSamples<Score>, dropIntermediate: Bool, into buffers: ROCCurveBuffers,
    summary: ROCCurveSummary
) -> ROCCurveSummary {
    var kept = (0, 0)
    var result = summary
    withUnsafeMutableBytes(of: &kept) { keptBytes in
        var team = CurveTeam(sorted: sorted, dropIntermediate: dropIntermediate, buffers: buffers,
                             kept: keptBytes.baseAddress!.assumingMemoryBound(to: Int.self),
                             capacity: buffers.capacity)
        withUnsafeMutablePointer(to: &team) { team in
            runAsTeam(chunkCount: 2, context: UnsafeMutableRawPointer(team)) { raw, worker in
                raw.assumingMemoryBound(to: CurveTeam<Score>.self).pointee.run(worker)
            }
        }
    }
    result.pointCount = 1 + kept.0 + kept.1
    result.written = !buffers.isEmpty && result.pointCount <= buffers.capacity
    return result
}
