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
// 65536 samples: SampleBucketSort.swift). With weights, one O(n) sweep when the output
// buffers have room for the largest possible curve (n + 1 points), else a sweep that
// counts and, if the points fit, one that writes. Without weights the points are swept
// inside the sort, each bucket right after its in-cache sort (see "Without weights: the
// sweep inside the sort"): with room for n + 1 points nothing is read again (the lower
// run's points are staged, then copied); else the sort counts and a second walk over the
// sorted buckets writes. Memory, freed before returning: the sorted keys and weights (16
// bytes per sample, 12 with float32 scores) or, without weights, the keys (8, 4) and,
// with room for n + 1 points on two threads, the staging area (n doubles for each output
// wanted, touched only for the points of the lower run: typically a fraction of n / 2);
// as much as the largest buckets at most (typically a few thousand samples) and the
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
    /// Only from the `CheckingInputs` functions: some score is not finite or some label is
    /// neither 0 nor 1 (which one is the ABI layer's to find). Nothing was written then.
    public var inputsInvalid = false
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

/// `rocCurve` on unweighted float64 inputs that have not been validated: every score
/// finite and every label exactly 0 or 1 is checked in the sort's first pass, on both
/// threads (instead of a separate pass before it), and an invalid one stops the call
/// with `inputsInvalid` before anything is written. On valid inputs, the same result as
/// `rocCurve`, bit for bit (the same sort and sweep).
public func rocCurveCheckingInputs(scores: UnsafeBufferPointer<Double>, labels: UnsafeBufferPointer<Double>,
                                   dropIntermediate: Bool = true,
                                   into buffers: ROCCurveBuffers = ROCCurveBuffers()) throws(CoreError) -> ROCCurveSummary {
    try unweightedCurve(scores: scores, labels: labels, dropIntermediate: dropIntermediate,
                        tieOrder: .increasingIndex, into: buffers, chunkCount: nil, checksInputs: true)
}

/// `rocCurveCheckingInputs` for float32 scores and labels.
public func rocCurveFloat32CheckingInputs(scores: UnsafeBufferPointer<Float>, labels: UnsafeBufferPointer<Float>,
                                          dropIntermediate: Bool = true,
                                          into buffers: ROCCurveBuffers = ROCCurveBuffers()) throws(CoreError) -> ROCCurveSummary {
    try unweightedCurve(scores: scores, labels: labels, dropIntermediate: dropIntermediate,
                        tieOrder: .increasingIndex, into: buffers, chunkCount: nil, checksInputs: true)
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
    if weights == nil {
        return try unweightedCurve(scores: scores, labels: labels, dropIntermediate: dropIntermediate,
                                   tieOrder: tieOrder, into: buffers, chunkCount: chunkCount)
    }
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

// MARK: - Without weights: the sweep inside the sort
//
// Without weights the cumulative sums are exact counts, in any order, so the points come
// straight out of the sort's phase 4 (`SortedBucketVisitor`, SampleBucketSort.swift):
// each worker sweeps its run's buckets from the highest down, each right after its
// in-cache sort, group by group, with the class counts of the samples above the bucket.
// Raw point i is kept (with dropping) when it is the first or the last, or when its
// group's class counts differ from the next group's: the second differences of the
// cumulative counts are the differences of consecutive groups' counts, exact integers,
// so this is the float64 test of step 3 on the same values.
//
// The higher run (chunk 1; or chunk 0 alone when nothing is above it: one chunk, or every
// sample in one bucket) is the curve's beginning and writes its points straight into the
// outputs from index 1; its last raw point is decided, after both runs (synchronized),
// by the lower run's first group. The lower run (chunk 0 below chunk 1) does not know
// where its points go until the higher run's count is known:
//  - when the outputs have room for n + 1 points, it writes them to a staging area (fps,
//    tps, thresholds; `CurveStage`), and after both runs each worker copies half of it
//    to its place, dividing by the class totals as it goes (step 5's divisions);
//  - else both runs only count in the sort, and when the points fit a second walk over
//    the (sorted) buckets writes them, the lower run from the higher run's count on, the
//    higher run writing no index past its own last point.
// Written into the outputs, fpr and tpr hold fps and tps until the bucket's sweep is
// done, then are divided in place (the finished points only, while they are in cache):
// the same IEEE divisions as step 5, NaN for an absent class. Points are written at the
// index the next kept point takes before the keep-or-drop decision (as `CurveSweep`):
// every such index is overwritten later, below the final count.

/// Where one run writes its points: fps, tps (the rate outputs before their division, or
/// the staging area), thresholds, and the plain fps / tps outputs; nil: not wanted.
struct CurveTarget {
    var fps: UnsafeMutablePointer<Double>? = nil
    var tps: UnsafeMutablePointer<Double>? = nil
    var thresholds: UnsafeMutablePointer<Double>? = nil
    var fpsCopy: UnsafeMutablePointer<Double>? = nil
    var tpsCopy: UnsafeMutablePointer<Double>? = nil

    @inline(__always) func write(_ i: Int, _ fps: Double, _ tps: Double, _ threshold: Double) {
        self.fps?[i] = fps
        self.tps?[i] = tps
        thresholds?[i] = threshold
        fpsCopy?[i] = fps
        tpsCopy?[i] = tps
    }
}

/// The staging area of the lower run's points (see above): `capacity` points of each
/// array the outputs need. Freed by its owner.
struct CurveStage {
    let storage: ScratchBuffer<Double>
    let target: CurveTarget

    init(for buffers: ROCCurveBuffers, capacity: Int) throws(CoreError) {
        let wantsFPS = buffers.falsePositiveRates != nil || buffers.falsePositives != nil
        let wantsTPS = buffers.truePositiveRates != nil || buffers.truePositives != nil
        let wantsThresholds = buffers.thresholds != nil
        let arrays = (wantsFPS ? 1 : 0) + (wantsTPS ? 1 : 0) + (wantsThresholds ? 1 : 0)
        let (total, overflow) = capacity.multipliedReportingOverflow(by: arrays)
        guard !overflow else { throw .allocationFailed }
        storage = try ScratchBuffer<Double>(count: total)
        // Only the points' part is touched: huge pages save most of its page faults.
        storage.adviseHugePages()
        var next = storage.base
        @inline(__always) func take(_ wanted: Bool) -> UnsafeMutablePointer<Double>? {
            guard wanted, let p = next else { return nil }
            next = p + capacity
            return p
        }
        var target = CurveTarget()
        target.fps = take(wantsFPS)
        target.tps = take(wantsTPS)
        target.thresholds = take(wantsThresholds)
        self.target = target
    }
}

/// One run's sweep inside the sort (see above).
struct CurveVisitor<Score: ThresholdScore>: SortedBucketVisitor {
    typealias Word = Score.OrderKey
    struct Configuration {
        let dropIntermediate: Bool
        let buffers: ROCCurveBuffers
        /// nil when the outputs do not have room for n + 1 points (or there is one chunk).
        let stage: CurveTarget?
        /// n + 1 <= the outputs' capacity (and outputs given): points written in the sort.
        let direct: Bool
    }

    static var visits: Bool { true }
    let dropIntermediate: Bool
    /// The outputs (fpr and tpr hold fps and tps until divided), their capacity, and
    /// whether any was given.
    let outputs: CurveTarget
    let capacity: Int
    let hasOutputs: Bool
    let stage: CurveTarget?
    let direct: Bool
    let positivesTotal: Int, negativesTotal: Int
    var layout = BucketWordLayout<Word>(shift: 0, keepsKey: false)
    var zeroThresholdIsNegative = false
    var chunk = 0

    // The walk's state.
    /// Whether this walk writes, and where.
    var writing = false
    var target = CurveTarget()
    /// The index of the last kept point in `target`; `base` before the run's first.
    var emitted = 0
    var base = 0
    /// Writes go only to indices <= limit (the higher run's second walk).
    var limit = Int.max
    /// fpr / tpr of `target` are divided up to this index (outputs only).
    var divided = 0
    /// The raw point not yet decided (with dropping): its group's counts, the cumulative
    /// counts down to it, its key, and whether it is the first raw point of all.
    var hasPending = false
    var nextIsFirst = false
    var pendingFirst = false
    var pending = (negatives: 0, positives: 0)
    var pendingSums = (negatives: 0, positives: 0)
    var pendingKey = Word.zero

    // The first walk's results, read by the other chunk's `afterVisits`.
    var started = false
    var secondWalk = false
    var isTop = false
    /// Points of the run (the +infinity point and an undecided last one not included).
    var runPoints = 0
    var firstGroup = (negatives: 0, positives: 0)
    var lastGroup = (negatives: 0, positives: 0)
    var lastIsFirst = false
    var lastPending = false

    // The answer (each chunk's copy, the same).
    var pointCount = 0
    var written = false

    init(_ configuration: Configuration, positives: Int, negatives: Int) {
        dropIntermediate = configuration.dropIntermediate
        let buffers = configuration.buffers
        capacity = buffers.capacity
        hasOutputs = !buffers.isEmpty
        outputs = CurveTarget(fps: buffers.falsePositiveRates?.baseAddress,
                              tps: buffers.truePositiveRates?.baseAddress,
                              thresholds: buffers.thresholds?.baseAddress,
                              fpsCopy: buffers.falsePositives?.baseAddress,
                              tpsCopy: buffers.truePositives?.baseAddress)
        stage = configuration.stage
        direct = configuration.direct
        positivesTotal = positives
        negativesTotal = negatives
    }

    mutating func prepare(chunk: Int, chunkCount: Int, layout: BucketWordLayout<Word>,
                          zeroThresholdIsNegative: Bool) {
        self.chunk = chunk
        self.layout = layout
        self.zeroThresholdIsNegative = zeroThresholdIsNegative
    }

    func wants(positivesAbove: Int, negativesAbove: Int, positives: Int, negatives: Int) -> Bool { true }

    @inline(__always) func threshold(_ key: Word) -> Double {
        let t = Score.threshold(fromOrderKey: key)
        return t == 0 && zeroThresholdIsNegative ? -0.0 : t
    }

    /// Starts a walk: the top run from the +infinity point (index 0), the lower run after
    /// `lowerBase`.
    private mutating func begin(top: Bool, writing: Bool, target: CurveTarget, lowerBase: Int, limit: Int) {
        self.writing = writing
        self.target = target
        self.limit = limit
        hasPending = false
        nextIsFirst = top
        base = top ? 0 : lowerBase
        emitted = base
        divided = top ? -1 : base
        if top && writing { target.write(0, 0, 0, .infinity) }
    }

    mutating func visit(_ words: UnsafeMutablePointer<Word>, count: Int, positives: Int,
                        positivesAbove: Int, negativesAbove: Int, keyBase: Word) {
        if !started {
            started = true
            isTop = positivesAbove == 0 && negativesAbove == 0
            if direct {
                begin(top: isTop, writing: true, target: isTop ? outputs : stage ?? outputs,
                      lowerBase: -1, limit: .max)
            } else {
                begin(top: isTop, writing: false, target: CurveTarget(), lowerBase: -1, limit: .max)
            }
            if !isTop { firstGroup = Self.topGroup(words, count: count) }
        }
        if writing && dropIntermediate && hasPending && limit == .max && target.fpsCopy == nil
            && target.tpsCopy == nil, let fps = target.fps, let tps = target.tps,
            let thresholds = target.thresholds {
            sweepDropping(words, count: count, positivesAbove: positivesAbove,
                          negativesAbove: negativesAbove, keyBase: keyBase,
                          fps: fps, tps: tps, thresholds: thresholds)
        } else if writing {
            sweep(words, count: count, positivesAbove: positivesAbove, negativesAbove: negativesAbove,
                  keyBase: keyBase, writes: true)
        } else {
            sweep(words, count: count, positivesAbove: positivesAbove, negativesAbove: negativesAbove,
                  keyBase: keyBase, writes: false)
        }
        // The last bucket of all: its last raw point is kept.
        if positivesAbove &+ negativesAbove &+ count == positivesTotal &+ negativesTotal
            && dropIntermediate && hasPending {
            hasPending = false
            emitted &+= 1
            if writing && emitted <= limit {
                target.write(emitted, Double(pendingSums.negatives), Double(pendingSums.positives),
                             threshold(pendingKey))
            }
        }
        if writing && (isTop || !direct) { divideRates() }
        if !secondWalk {
            runPoints = emitted &- base
            lastPending = hasPending
            lastGroup = pending
            lastIsFirst = pendingFirst
        }
    }

    /// The groups of one sorted bucket, from the highest (see above). (The state in
    /// locals: stores through the target could alias `self` as far as the compiler knows.)
    @inline(__always)
    private mutating func sweep(_ words: UnsafeMutablePointer<Word>, count: Int, positivesAbove: Int,
                                negativesAbove: Int, keyBase: Word, writes: Bool) {
        var negatives = negativesAbove, positives = positivesAbove
        var emitted = self.emitted
        var hasPending = self.hasPending, pendingFirst = self.pendingFirst, nextIsFirst = self.nextIsFirst
        var pending = self.pending, pendingSums = self.pendingSums, pendingKey = self.pendingKey
        let drop = dropIntermediate, limit = self.limit, target = self.target, layout = self.layout
        let zeroIsNegative = zeroThresholdIsNegative
        @inline(__always) func threshold(_ key: Word) -> Double {
            let t = Score.threshold(fromOrderKey: key)
            return t == 0 && zeroIsNegative ? -0.0 : t
        }
        var end = count
        while end > 0 {
            let top = words[end &- 1]
            var start = end &- 1
            var p = Int(truncatingIfNeeded: top & 1)
            while start > 0 && words[start &- 1] &>> 1 == top &>> 1 {
                start &-= 1
                p &+= Int(truncatingIfNeeded: words[start] & 1)
            }
            let group = (negatives: end &- start &- p, positives: p)
            negatives &+= group.negatives
            positives &+= group.positives
            let key = layout.key(top, base: keyBase)
            if !drop {
                emitted &+= 1
                if writes && emitted <= limit {
                    target.write(emitted, Double(negatives), Double(positives), threshold(key))
                }
            } else {
                if hasPending {
                    // (Branch-free: the decision is random for random data.)
                    let differs = (group.negatives ^ pending.negatives) | (group.positives ^ pending.positives)
                    let keep = (differs != 0 ? 1 : 0) | (pendingFirst ? 1 : 0)
                    if writes && emitted &+ 1 <= limit {
                        target.write(emitted &+ 1, Double(pendingSums.negatives),
                                     Double(pendingSums.positives), threshold(pendingKey))
                    }
                    emitted &+= keep
                }
                hasPending = true
                pendingFirst = nextIsFirst
                nextIsFirst = false
                pending = group
                pendingSums = (negatives, positives)
                pendingKey = key
            }
            end = start
        }
        self.emitted = emitted
        self.hasPending = hasPending
        self.pendingFirst = pendingFirst
        self.nextIsFirst = nextIsFirst
        self.pending = pending
        self.pendingSums = pendingSums
        self.pendingKey = pendingKey
    }

    /// `sweep` with dropping, writing every output but the plain counts, with no limit and a
    /// pending point: the usual call (`metrics.roc_curve`; the C export with fpr, tpr and
    /// thresholds), in a loop with nothing optional, so its state stays in registers.
    /// Each group is written where it goes if kept (the index after the last kept point)
    /// as soon as it is read, once the decision on its predecessor is known: the same
    /// points at the same indices as `sweep`, which writes a point when its successor is
    /// read, and the same values (the point's cumulative counts and threshold).
    @inline(never)
    private mutating func sweepDropping(_ words: UnsafeMutablePointer<Word>, count: Int, positivesAbove: Int,
                                        negativesAbove: Int, keyBase: Word, fps: UnsafeMutablePointer<Double>,
                                        tps: UnsafeMutablePointer<Double>,
                                        thresholds: UnsafeMutablePointer<Double>) {
        guard count > 0 else { return }
        let shift = Word(truncatingIfNeeded: layout.shift)
        if layout.keepsKey {
            sweepDropping(words, count: count, positivesAbove: positivesAbove, negativesAbove: negativesAbove,
                          fps: fps, tps: tps, thresholds: thresholds) { keyBase | $0 &>> shift }
        } else {
            sweepDropping(words, count: count, positivesAbove: positivesAbove, negativesAbove: negativesAbove,
                          fps: fps, tps: tps, thresholds: thresholds) { _ in keyBase }
        }
    }

    @inline(__always)
    private mutating func sweepDropping(_ words: UnsafeMutablePointer<Word>, count: Int, positivesAbove: Int,
                                        negativesAbove: Int, fps: UnsafeMutablePointer<Double>,
                                        tps: UnsafeMutablePointer<Double>,
                                        thresholds: UnsafeMutablePointer<Double>, key: (Word) -> Word) {
        var negatives = negativesAbove, positives = positivesAbove
        var emitted = self.emitted
        var previous = pending
        // The pending point is the first of all: kept whatever follows (once).
        var forced = pendingFirst ? 1 : 0
        // The loop writes each point's counts and key as raw bits (a Double with the
        // bits of the integer): one store each, no conversion; most points are then
        // overwritten (dropped). The points this call leaves, the slots from `first` to
        // the pending one, are converted afterwards in SIMD lanes.
        @inline(__always) func bits<T: FixedWidthInteger>(_ x: T) -> Double {
            Double(bitPattern: UInt64(truncatingIfNeeded: x))
        }
        let first = emitted &+ 1
        // The pending point where it goes if kept (`sweep` writes it only once its
        // successor is read: the previous bucket may have been its).
        fps[first] = bits(pendingSums.negatives)
        tps[first] = bits(pendingSums.positives)
        thresholds[first] = bits(pendingKey)
        var top = words[count &- 1]
        var end = count
        while end > 0 {
            top = words[end &- 1]
            var start = end &- 1
            var p = Int(truncatingIfNeeded: top & 1)
            while start > 0 && (words[start &- 1] ^ top) &>> 1 == 0 {
                start &-= 1
                p &+= Int(truncatingIfNeeded: words[start] & 1)
            }
            let groupNegatives = end &- start &- p
            negatives &+= groupNegatives
            positives &+= p
            let differs = (groupNegatives ^ previous.negatives) | (p ^ previous.positives)
            emitted &+= (differs != 0 ? 1 : 0) | forced
            forced = 0
            previous = (groupNegatives, p)
            fps[emitted &+ 1] = bits(negatives)
            tps[emitted &+ 1] = bits(positives)
            thresholds[emitted &+ 1] = bits(key(top))
            end = start
        }
        // Counts below 2^52 (n is far below) are exact as the double with their bits
        // under 2^52's exponent, minus 2^52.
        let zero = zeroThresholdIsNegative ? -0.0 : 0.0
        let magic: UInt64 = 0x4330_0000_0000_0000, offset = 0x1p52
        var i = first
        while i <= emitted &+ 1 {
            fps[i] = Double(bitPattern: magic | fps[i].bitPattern) - offset
            tps[i] = Double(bitPattern: magic | tps[i].bitPattern) - offset
            let t = Score.threshold(fromOrderKey: Word(truncatingIfNeeded: thresholds[i].bitPattern))
            thresholds[i] = t == 0 ? zero : t
            i &+= 1
        }
        self.emitted = emitted
        pendingFirst = false
        pending = previous
        pendingSums = (negatives, positives)
        pendingKey = key(top)
    }

    /// Step 5 on the finished points written since the last call (outputs only).
    @inline(__always)
    private mutating func divideRates() {
        let end = Swift.min(emitted, limit)
        guard end > divided else { return }
        let range = (divided &+ 1)...end
        if let fpr = target.fps {
            divide(fpr, range, total: negativesTotal)
        }
        if let tpr = target.tps {
            divide(tpr, range, total: positivesTotal)
        }
        divided = end
    }

    @inline(__always)
    private func divide(_ p: UnsafeMutablePointer<Double>, _ range: ClosedRange<Int>, total: Int) {
        if total > 0 {
            let t = Double(total)
            for i in range { p[i] = p[i] / t }
        } else {
            for i in range { p[i] = .nan }
        }
    }

    /// The class counts of the highest group of a sorted bucket.
    private static func topGroup(_ words: UnsafeMutablePointer<Word>, count: Int) -> (negatives: Int, positives: Int) {
        let top = words[count &- 1]
        var start = count &- 1
        var p = Int(truncatingIfNeeded: top & 1)
        while start > 0 && words[start &- 1] &>> 1 == top &>> 1 {
            start &-= 1
            p &+= Int(truncatingIfNeeded: words[start] & 1)
        }
        return (count &- start &- p, p)
    }

    /// The higher run's and the lower run's point counts after the first walk (the
    /// higher run's last point decided), and whether there are two runs.
    private static func counts(_ visitors: UnsafeMutablePointer<Self>, chunkCount: Int)
        -> (top: Int, lower: Int, topLastKept: Bool, twoRuns: Bool) {
        guard chunkCount == 2 && visitors[1].started else {
            return (visitors[0].runPoints, 0, false, false)
        }
        let top = visitors[1]
        let lower = visitors[0].runPoints
        guard top.dropIntermediate && top.lastPending else { return (top.runPoints, lower, false, true) }
        let next = visitors[0].firstGroup
        let kept = top.lastIsFirst || top.lastGroup.negatives != next.negatives
            || top.lastGroup.positives != next.positives
        return (top.runPoints &+ (kept ? 1 : 0), lower, kept, true)
    }

    static func afterVisits(_ visitors: UnsafeMutablePointer<Self>, chunk: Int, chunkCount: Int) -> Bool {
        let c = counts(visitors, chunkCount: chunkCount)
        let pointCount = 1 &+ c.top &+ c.lower
        let fits = visitors[chunk].hasOutputs && pointCount <= visitors[chunk].capacity
        visitors[chunk].pointCount = pointCount
        visitors[chunk].written = fits
        guard fits else { return false }
        if visitors[chunk].direct {
            guard c.twoRuns else { return false }
            if chunk == 1 && c.topLastKept { visitors[1].writeLast(at: c.top) }
            // Each worker copies half of the lower run's staged points.
            let half = c.lower / 2
            let range = chunk == 0 ? 0..<half : half..<c.lower
            visitors[chunk].copyStaged(range, to: 1 &+ c.top)
            return false
        }
        // Counted only: write in a second walk (a run that saw no bucket sees none again).
        guard visitors[chunk].started else { return true }
        visitors[chunk].secondWalk = true
        let v = visitors[chunk]
        if chunk == 1 || !c.twoRuns {
            visitors[chunk].begin(top: true, writing: true, target: v.outputs, lowerBase: 0,
                                  limit: c.twoRuns ? c.top : .max)
        } else {
            visitors[chunk].begin(top: false, writing: true, target: v.outputs, lowerBase: c.top, limit: .max)
        }
        return true
    }

    mutating func afterSecondWalk() {
        // The higher run's last point, decided by the lower run's first group.
        guard chunk == 1 && started && dropIntermediate && hasPending && limit != .max else { return }
        if emitted &+ 1 == limit {
            writeLast(at: limit)
        }
    }

    /// The higher run's last raw point (pending), kept, at index i, its rates divided.
    private mutating func writeLast(at i: Int) {
        let fps = Double(pendingSums.negatives), tps = Double(pendingSums.positives)
        outputs.write(i, fps, tps, threshold(pendingKey))
        outputs.fps?[i] = negativesTotal > 0 ? fps / Double(negativesTotal) : .nan
        outputs.tps?[i] = positivesTotal > 0 ? tps / Double(positivesTotal) : .nan
    }

    /// Copies the staged points `range` to the outputs from index `offset` on (step 5's
    /// divisions for the rates).
    private func copyStaged(_ range: Range<Int>, to offset: Int) {
        guard let stage, !range.isEmpty else { return }
        let n = range.count, from = range.lowerBound, to = offset &+ from
        if let fps = stage.fps {
            if let fpr = outputs.fps {
                if negativesTotal > 0 {
                    let t = Double(negativesTotal)
                    for k in 0..<n { fpr[to &+ k] = fps[from &+ k] / t }
                } else {
                    (fpr + to).update(repeating: .nan, count: n)
                }
            }
            if let out = outputs.fpsCopy { (out + to).update(from: fps + from, count: n) }
        }
        if let tps = stage.tps {
            if let tpr = outputs.tps {
                if positivesTotal > 0 {
                    let t = Double(positivesTotal)
                    for k in 0..<n { tpr[to &+ k] = tps[from &+ k] / t }
                } else {
                    (tpr + to).update(repeating: .nan, count: n)
                }
            }
            if let out = outputs.tpsCopy { (out + to).update(from: tps + from, count: n) }
        }
        if let thresholds = stage.thresholds, let out = outputs.thresholds {
            (out + to).update(from: thresholds + from, count: n)
        }
    }
}

/// `rocCurve` without weights: the points written inside the sort (see above).
private func unweightedCurve<Score: ThresholdScore>(
    scores: UnsafeBufferPointer<Score>, labels: UnsafeBufferPointer<Score>, dropIntermediate: Bool,
    tieOrder: TieOrder, into buffers: ROCCurveBuffers, chunkCount forcedChunkCount: Int?,
    checksInputs: Bool = false
) throws(CoreError) -> ROCCurveSummary {
    let n = scores.count
    let chunkCount = sampleChunkCount(n, forced: forcedChunkCount)
    let direct = !buffers.isEmpty && buffers.capacity > n
    var stage: CurveStage? = nil
    if direct && chunkCount == 2 {
        stage = try CurveStage(for: buffers, capacity: n)
    }
    defer { stage?.storage.free() }
    typealias Visitor = CurveVisitor<Score>
    let visitors = try ScratchBuffer<Visitor>(count: chunkCount)
    defer { visitors.free() }
    let sorted = try SortedSamples<Score>.gather(
        scores: scores, labels: labels, weights: nil, tieOrder: tieOrder, scaled: false,
        chunkCount: forcedChunkCount, visitors: visitors.base,
        configuration: Visitor.Configuration(dropIntermediate: dropIntermediate, buffers: buffers,
                                             stage: stage?.target, direct: direct),
        checksInputs: checksInputs)
    sorted.free()
    if sorted.inputsInvalid {
        return ROCCurveSummary(pointCount: 0, written: false, hasPositives: false, hasNegatives: false,
                               weightsOverflow: false, inputsInvalid: true)
    }
    let totals = sorted.totals
    var summary = ROCCurveSummary(pointCount: 0, written: false, hasPositives: totals.positives > 0,
                                  hasNegatives: totals.negatives > 0, weightsOverflow: false)
    guard sorted.count > 0 else { return summary }
    summary.pointCount = visitors.buffer[0].pointCount
    summary.written = visitors.buffer[0].written
    return summary
}
