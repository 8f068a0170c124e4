#if canImport(Glibc)
import Glibc
#endif

// The samples of positive weight sorted by score, swept from the highest score down one
// distinct score (threshold) at a time with the cumulative weights of the samples at or
// above it: the common first half of the ROC curve (`ROCCurve.swift`) and the partial
// AUC (`PartialAUC.swift`).
//
// Order. scikit-learn sorts the scores in decreasing order with a stable sort, so tied
// samples stay in increasing index order (`TieOrder.increasingIndex`, scikit-learn 1.9;
// releases that used `argsort(kind="mergesort")[::-1]` had them in decreasing index order,
// `.decreasingIndex`), and accumulates the weights with NumPy's float64 `cumsum`, a
// sequential sum in that order. Here each sample of positive weight becomes a word (its
// score's `orderKey`, `OrderKey.swift`) carrying its signed weight (+w for a positive,
// -w for a negative); the two-thread bucket sort (SampleBucketSort.swift: a scatter in
// index order, then `sortWords`, RadixSort.swift) sorts them ascending and stably, so
// tied samples are in increasing index order inside each run of equal words (without
// weights the word carries its class, one byte, instead: the counts are exact integers
// whatever the order of the ties, so that order does not matter, and the sort may put
// a tie's classes in any order). The sweep
// reads the runs from the last (highest score) to the first and adds each run's weights
// in the tie order, one at a time, to the running sums
//
//     tps += max(v, 0);  fps += max(-v, 0)
//
// which are exactly the additions NumPy's cumsum makes (it also adds +0 for the samples
// of the other class, which leaves a sum >= 0 unchanged): the cumulative weights at
// every threshold are the same doubles as scikit-learn's `tps` and `fps`. Without weights
// every value is +-1 and the sums are exact integers (below 2^53).
//
// Cost: O(n) to gather, the radix sort (O(n) passes over 8-byte or 4-byte words), both
// on two threads from 65536 samples, O(n) for each sweep. Memory: a word and a double (a
// word and a byte without weights) per sample, plus the sort's scratch (each thread's
// largest bucket) and tables.

/// The order in which tied samples' weights are added (see above).
enum TieOrder {
    /// Ties in increasing index order: scikit-learn 1.9's `argsort(stable=True,
    /// descending=True)`.
    case increasingIndex
    /// Ties in decreasing index order: the older `argsort(kind="mergesort")[::-1]`.
    case decreasingIndex
}

/// A score type whose sort keys can be turned back into the score (as a Double).
protocol ThresholdScore: OrderKeyed {
    /// The score whose `orderKey` is `key`, as a Double (exact); +0.0 for the key of zero.
    static func threshold(fromOrderKey key: OrderKey) -> Double
}

extension Double: ThresholdScore {
    @inline(__always)
    static func threshold(fromOrderKey key: UInt64) -> Double { scoreFromSortKey(key) }
}

extension Float: ThresholdScore {
    /// The inverse of `Float.orderKey` on finite values (see `scoreFromSortKey`).
    @inline(__always)
    static func threshold(fromOrderKey key: UInt32) -> Double {
        Double(Float(bitPattern: key ^ (((key >> 31) &- 1) | (1 << 31))))
    }
}

/// What the gathering pass learned about the samples.
struct ClassTotals {
    /// Samples of positive weight in each class.
    var positives = 0
    var negatives = 0
    /// Each class's weights summed in index order (plain double sums; counts without
    /// weights). Only to tell whether any sum of a class's weights could overflow.
    var positiveWeight = 0.0
    var negativeWeight = 0.0
}

/// The sorted samples (see the file comment). The owner calls `free()` once.
struct SortedSamples<Score: ThresholdScore> {
    typealias Word = Score.OrderKey
    /// words[0..<count] ascending. With weights, values[k] is the signed (maybe scaled)
    /// weight of words[k] (and `classes` is empty); without, classes[k] is its class (1
    /// positive) and `values` is empty: 9 bytes a sample move through the sort, not 16.
    let words: ScratchBuffer<Word>
    let values: ScratchBuffer<Double>
    let classes: ScratchBuffer<UInt8>
    let count: Int
    let totals: ClassTotals
    /// Whether the tied sample scikit-learn reports as the threshold of the zero scores is
    /// -0.0 (the key of -0.0 is that of +0.0, so the sign is recorded while gathering).
    let zeroThresholdIsNegative: Bool
    let tieOrder: TieOrder
    /// Where the sorted run of the second chunk (thread) starts (`SampleBucketSort.swift`);
    /// `count` with one chunk.
    let splitIndex: Int
    /// `gather(..., checksInputs: true)` found a score that is not finite or a label
    /// neither 0 nor 1: nothing was gathered (count 0).
    var inputsInvalid = false

    func free() {
        words.free()
        values.free()
        classes.free()
    }

    /// Gathers the samples of positive weight and sorts them.
    ///
    /// With `scaled`, each weight is divided by its class's scale, the power of two at or
    /// below the class's largest weight (`powerOfTwoScale`): exact (unless the result is
    /// subnormal, i.e. the weight is below 2^-1022 times the largest), and afterwards no
    /// sum or product of a few sums of a class's weights can overflow or underflow.
    /// Unscaled, the values are the caller's weights, as scikit-learn sums them.
    /// Preconditions: scores finite, labels exactly 0 or 1, weights finite and >= 0,
    /// the three buffers of equal count.
    static func gather(
        scores: UnsafeBufferPointer<Score>, labels: UnsafeBufferPointer<Score>,
        weights: UnsafeBufferPointer<Score>?, tieOrder: TieOrder, scaled: Bool,
        chunkCount forcedChunkCount: Int? = nil
    ) throws(CoreError) -> SortedSamples {
        try gather(scores: scores, labels: labels, weights: weights, tieOrder: tieOrder,
                   scaled: scaled, chunkCount: forcedChunkCount,
                   visitors: UnsafeMutablePointer<SortOnly<Word>>?.none, configuration: ())
    }

    /// `gather`, with each chunk's buckets (unweighted) shown to `visitors[chunk]` as they
    /// are sorted (`SortedBucketVisitor`; `sampleChunkCount(n, forced: chunkCount)`
    /// visitors, initialized here unless n == 0). With visitors (and no weights) only the
    /// result's `count` and `totals` are meaningful: the words are the visitors' and some
    /// buckets may be unsorted. With `checksInputs` (unweighted inputs not validated
    /// before), an invalid score or label gives `inputsInvalid` and nothing else.
    static func gather<Visitor: SortedBucketVisitor>(
        scores: UnsafeBufferPointer<Score>, labels: UnsafeBufferPointer<Score>,
        weights: UnsafeBufferPointer<Score>?, tieOrder: TieOrder, scaled: Bool,
        chunkCount forcedChunkCount: Int?, visitors: UnsafeMutablePointer<Visitor>?,
        configuration: Visitor.Configuration, checksInputs: Bool = false
    ) throws(CoreError) -> SortedSamples where Visitor.Word == Word {
        let n = scores.count
        let chunkCount = sampleChunkCount(n, forced: forcedChunkCount)
        let words = try ScratchBuffer<Word>(count: n)
        let values: ScratchBuffer<Double>
        do { values = try ScratchBuffer<Double>(count: weights == nil ? 0 : n) } catch {
            words.free()
            throw error
        }
        let classes: ScratchBuffer<UInt8>
        // (Visitors see their own words, with the class inside: no classes then.)
        let needsClasses = weights == nil && !(Visitor.visits && visitors != nil)
        do { classes = try ScratchBuffer<UInt8>(count: needsClasses ? n : 0) } catch {
            words.free()
            values.free()
            throw error
        }
        func freeAll() {
            words.free()
            values.free()
            classes.free()
        }
        // Fresh multi-megabyte buffers: huge pages save a page fault per 4 KiB (HugePages.swift).
        words.adviseHugePages()
        values.adviseHugePages()
        let tallies: ScratchBuffer<SampleChunkTally>
        do { tallies = try ScratchBuffer<SampleChunkTally>(count: chunkCount) } catch {
            freeAll()
            throw error
        }
        defer { tallies.free() }
        let tables: ScratchBuffer<Int>
        do {
            tables = try ScratchBuffer<Int>(count: chunkCount * SampleSortTeam<Score, Visitor>.tablesPerChunk)
        } catch {
            freeAll()
            throw error
        }
        defer { tables.free() }
        var outcome = SampleSortOutcome()
        defer {
            Glibc.free(outcome.spareWords)
            Glibc.free(outcome.spareValues)
        }
        if n > 0 {
            // The team runs a capture-free closure over state on this stack frame (no
            // Swift heap allocation, which traps when memory is short; see WorkerTeam.swift).
            withUnsafeMutablePointer(to: &outcome) { outcome in
                var team = SampleSortTeam<Score, Visitor>(
                    scores: scores, labels: labels, weights: weights, scaled: scaled,
                    tieOrder: tieOrder, chunkCount: chunkCount, tallies: tallies.base!,
                    tableBase: tables.base!, words: words.base!, values: values.base,
                    classes: classes.base, outcome: outcome, visitors: visitors,
                    configuration: configuration, checksInputs: checksInputs && weights == nil)
                withUnsafeMutablePointer(to: &team) { team in
                    runAsTeam(chunkCount: chunkCount, context: UnsafeMutableRawPointer(team)) { raw, worker in
                        raw.assumingMemoryBound(to: SampleSortTeam<Score, Visitor>.self).pointee.run(worker)
                    }
                }
            }
        }
        if outcome.spareAllocationFailed {
            freeAll()
            throw .allocationFailed
        }
        var sorted = SortedSamples(words: words, values: values, classes: classes, count: outcome.count,
                                   totals: outcome.totals,
                                   zeroThresholdIsNegative: outcome.zeroThresholdIsNegative,
                                   tieOrder: tieOrder, splitIndex: outcome.splitIndex)
        sorted.inputsInvalid = outcome.inputsInvalid
        return sorted
    }

    /// Calls `body(key, fps, tps)` for each distinct score, from the highest, with the
    /// cumulative weights of the negatives (fps) and positives (tps) scoring at or above
    /// it, summed as scikit-learn sums them (see the file comment). Returns the number of
    /// distinct scores.
    @inline(__always)
    @discardableResult
    func forEachThreshold(_ body: (Word, Double, Double) -> Void) -> Int {
        forEachThreshold(in: 0..<count, fps: 0, tps: 0, body)
    }

    /// `forEachThreshold` over the sorted positions `range` (whose ends are group ends:
    /// equal words never straddle them), the sums starting from `fps` and `tps` (those of
    /// the samples above the range).
    @inline(__always)
    @discardableResult
    func forEachThreshold(in range: Range<Int>, fps startFPS: Double, tps startTPS: Double,
                          _ body: (Word, Double, Double) -> Void) -> Int {
        var fps = startFPS, tps = startTPS
        var end = range.upperBound
        let lowest = range.lowerBound
        var groups = 0
        while end > lowest {
            let key = words.buffer[end - 1]
            var start = end - 1
            while start > lowest && words.buffer[start - 1] == key { start -= 1 }
            if values.count == 0 {
                // Unweighted: counts, exact in any order.
                var positives = 0
                for k in start..<end { positives &+= Int(classes.buffer[k]) }
                tps += Double(positives)
                fps += Double(end - start - positives)
            } else if tieOrder == .increasingIndex {
                for k in start..<end {
                    let v = values.buffer[k]
                    tps += Swift.max(v, 0)
                    fps += Swift.max(-v, 0)
                }
            } else {
                var k = end
                while k > start {
                    k -= 1
                    let v = values.buffer[k]
                    tps += Swift.max(v, 0)
                    fps += Swift.max(-v, 0)
                }
            }
            body(key, fps, tps)
            groups += 1
            end = start
        }
        return groups
    }

    /// Without weights: the negatives and positives of the highest group in `range`
    /// (nil if the range is empty).
    @inline(__always)
    func topGroupCounts(in range: Range<Int>) -> (negatives: Int, positives: Int)? {
        guard !range.isEmpty else { return nil }
        let end = range.upperBound
        let key = words.buffer[end - 1]
        var start = end - 1
        while start > range.lowerBound && words.buffer[start - 1] == key { start -= 1 }
        var positives = 0
        for k in start..<end { positives &+= Int(classes.buffer[k]) }
        return (end - start - positives, positives)
    }

    /// The threshold (a score, as a Double) of the group with sort key `key`; for the
    /// zeros, the sign of the tied zero scikit-learn reports (its group's last sample).
    @inline(__always)
    func threshold(_ key: Word) -> Double {
        let t = Score.threshold(fromOrderKey: key)
        return t == 0 && zeroThresholdIsNegative ? -0.0 : t
    }
}
