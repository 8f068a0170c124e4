// Many AUROCs in one call: k score columns of one n-sample array, each against its own
// 0/1 labels (multilabel), one shared label vector (k classifiers of one problem), or the
// indicator "class == j" of a class vector (one-vs-rest); and one-vs-one pairs of classes.
//
// Method. Each column is computed exactly as the single-problem function computes it:
// column j's scores (and labels) are gathered into a contiguous buffer in sample order, and
// `exactAUROC` / `partialAUC` runs on that buffer. So every column's result is the same bits
// as the single-problem function on the gathered column, whichever thread computes it.
// A column that is already contiguous (sample stride 1) is read in place, not gathered;
// so is a shared contiguous label vector. One-vs-one: the samples are bucketed by class
// once (a stable counting sort of their indices, O(n)); pair (a, b) then gathers only its
// n_a + n_b samples, in increasing index order (a merge of the two classes' index lists),
// so the whole call gathers O(k n) samples, not O(k^2 n), and sorts 2 (k - 1) n in all,
// against k n for one-vs-rest (the pairs' sorts are smaller, each n_a + n_b).
//
// Threads. Columns (pairs) are shared between the calling thread and one extra thread
// (`runAsTeam`, WorkerTeam.swift): chunk 0 takes the even columns, chunk 1 the odd ones
// (adjacent columns of a C-ordered array share cache lines, so both threads gather from the
// same lines at about the same time), and each column's own computation then runs on one
// thread (chunkCount 1). The alternative, the columns one after the other with each
// column's exact AUROC on its own two threads (`ColumnsTuning.splitColumns = false`), does
// the same work but gathers and builds labels on the calling thread alone and starts a
// thread per column: at n = 10^6, k = 10 (C order, one-vs-rest, float64; 25 interleaved
// calls on the 2-core AMD EPYC machine with nothing else running) it took 99 ms wall
// (median; min 89) against 85 ms (min 82) for the split, which uses a little more CPU
// time (156 ms against 146: two sorts at once share the cache); numpy.sort of one column
// took 11.8 ms in the same run. (Under load 6 from other processes: 344 against 265 ms.)
// The partial AUC has no two-thread path, so it always splits. Strided columns are
// gathered a group at a time (`StridedColumns.gather(columns:)`). With two threads and
// room for at least two columns in their two budgets the group is gathered by both, half
// of the rows each, into one shared buffer, and then computed alternately
// (`ColumnsTeam.runPooled`): each group costs one read of the array in all instead of
// one per thread, and one-vs-rest turns the classes into bytes during the first group
// (each column's labels then read 1 byte a sample, not 8). At n = 10^6, k = 10 (C order,
// one-vs-rest, float64; groups of 6 and 4 columns instead of 3 + 2 per thread) the call's
// CPU time went from 159 to 149 ms (medians of 32 interleaved calls, load 9). Otherwise
// each chunk reuses one gather buffer for scores and one for labels (a group of its own
// columns). All are allocated once per call; the single-problem functions allocate their
// own scratch.
// Results do not depend on the split: a column is computed by the same code on the same
// gathered buffer whichever chunk owns it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An n x k array seen through strides counted in elements: element (i, j) (sample i,
/// column j) is at `base[i * sampleStride + j * columnStride]`. NumPy's C-ordered (n, k)
/// array has sampleStride k and columnStride 1; a Fortran-ordered one sampleStride 1 and
/// columnStride n. Strides may be 0 (every sample, or every column, the same element).
///
/// Preconditions (the ABI layer checks them): every index `i * sampleStride + j *
/// columnStride` with i < rowCount, j < columnCount fits in `Int` and is readable;
/// `base` is non-nil when rowCount > 0 and columnCount > 0.
public struct StridedColumns<Scalar: BitwiseCopyable> {
    public let base: UnsafePointer<Scalar>?
    public let rowCount: Int
    public let columnCount: Int
    public let sampleStride: Int
    public let columnStride: Int

    public init(base: UnsafePointer<Scalar>?, rowCount: Int, columnCount: Int,
                sampleStride: Int, columnStride: Int) {
        self.base = base
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.sampleStride = sampleStride
        self.columnStride = columnStride
    }

    /// Element (i, j).
    @inline(__always)
    public subscript(i: Int, j: Int) -> Scalar { base![i &* sampleStride &+ j &* columnStride] }

    /// Column j as a contiguous buffer when it is one in memory (sample stride 1, or a single
    /// row), else nil.
    @inline(__always)
    func contiguousColumn(_ j: Int) -> UnsafeBufferPointer<Scalar>? {
        guard rowCount > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        guard sampleStride == 1 || rowCount == 1 else { return nil }
        return UnsafeBufferPointer(start: base! + j * columnStride, count: rowCount)
    }

    /// Copies the `count` columns first, first + step, ... into `buffer`, column g at
    /// g * rowCount, in one pass over the rows: blocks of 512 rows, every column of the
    /// block before the next block, so that the cache lines a block's rows share (a
    /// C-ordered row holds all k columns) are read from memory once for the group, not
    /// once per column.
    func gather(columns first: Int, step: Int, count: Int, into buffer: UnsafeMutablePointer<Scalar>) {
        gather(columns: first, step: step, count: count, rows: 0..<rowCount, into: buffer)
    }

    /// `gather(columns:step:count:into:)` of the rows `rows` only (each written at its own
    /// row index, column g at g * rowCount): two threads gather one group, half each.
    func gather(columns first: Int, step: Int, count: Int, rows: Range<Int>,
                into buffer: UnsafeMutablePointer<Scalar>) {
        // (Locals, not fields: a store through `out` could alias `self` as far as the
        // compiler knows, which reloaded the stride from memory at every element.)
        let n = rowCount, stride = sampleStride, columnStride = self.columnStride
        guard n > 0, !rows.isEmpty, let base else { return }
        var start = rows.lowerBound
        while start < rows.upperBound {
            let end = Swift.min(start + 512, rows.upperBound)
            for g in 0..<count {
                let column = base + (first + g * step) * columnStride
                let out = buffer + g * n
                var at = column + start &* stride
                for i in start..<end {
                    out[i] = at.pointee
                    at += stride
                }
            }
            start = end
        }
    }

    /// Copies column j into `buffer` (at least rowCount elements) and returns that part.
    @inline(__always)
    func gather(_ j: Int, into buffer: UnsafeMutablePointer<Scalar>?) -> UnsafeBufferPointer<Scalar> {
        if let column = contiguousColumn(j) { return column }
        let out = buffer!
        let column = base! + j * columnStride
        for i in 0..<rowCount { out[i] = column[i &* sampleStride] }
        return UnsafeBufferPointer(start: out, count: rowCount)
    }
}

/// Where column j's 0/1 labels come from.
public enum ColumnLabels<Scalar: BitwiseCopyable> {
    /// Column j of this array (n x k; columnStride 0: one label vector shared by every
    /// column). Every element exactly 0 or 1.
    case columns(StridedColumns<Scalar>)
    /// One-vs-rest: sample i is positive in column j when `classes[i] == j`. n elements,
    /// each an integer in [0, k).
    case classes(UnsafeBufferPointer<Scalar>)
}

/// What is computed on each column.
public enum ColumnStatistic: Equatable {
    /// `exactAUROC`.
    case exact
    /// `partialAUC` over [lower, upper] of `axis` (0 <= lower < upper <= 1).
    case partial(PartialAUCAxis, lower: Double, upper: Double)
}

/// What became of one column (or one-vs-one pair).
public enum ColumnOutcome: UInt8, Equatable {
    /// Not reached (no result was written for it).
    case notComputed
    /// `value` (and, for a partial AUC, `standardized` and `belowDiagonal`) hold the result.
    case computed
    /// No positive or no negative sample of positive weight: the statistic is undefined.
    case oneClass
    /// A scratch allocation of this column's computation failed.
    case outOfMemory
}

/// One column's result.
public struct ColumnResult: Equatable {
    public var outcome: ColumnOutcome
    /// The AUROC (`.exact`) or the raw partial area (`.partial`).
    public var value: Double
    /// McClish's standardized partial area (`.partial` only).
    public var standardized: Double
    /// The partial area is below the diagonal's (`PartialAUCResult.belowDiagonal`).
    public var belowDiagonal: Bool

    public init(outcome: ColumnOutcome = .notComputed, value: Double = .nan,
                standardized: Double = .nan, belowDiagonal: Bool = false) {
        self.outcome = outcome
        self.value = value
        self.standardized = standardized
        self.belowDiagonal = belowDiagonal
    }
}

/// Knobs of the column functions (tests and measurements).
enum ColumnsTuning {
    /// Below this many elements (n x k) the columns run on the calling thread alone: the
    /// extra thread costs tens of microseconds.
    static let parallelThreshold = 1 << 16
    /// true: columns split over two threads, each column on one thread. false: columns one
    /// after the other, each exact AUROC with its own two-thread path (from n >= 65536).
    /// Measured at n = 10^6, k = 10: the split (see the file comment).
    static let splitColumns = true
    /// Strided columns are gathered a group at a time (`StridedColumns.gather(columns:)`),
    /// in buffers of at most this many elements per thread (or one column, if longer).
    static let gatherBudget = 1 << 22
    /// Rows a block of the check fused into the first pooled gather pass
    /// (`aurocColumnsCheckingRows`): 2048 rows of 10 doubles are 160 KB, in L2.
    static let checkBlock = 2048
}

/// The AUROC (or partial AUC) of each of the k columns of `scores` against its labels:
/// `results[j]` receives column j's outcome (k = `scores.columnCount` elements).
///
/// Column j's value is exactly `exactAUROC` (or `partialAUC`) of the samples (column j of
/// `scores`, its labels, `weights`) in sample order: the same bits. `.oneClass` where that
/// returns nil, `.outOfMemory` where its scratch could not be had (other columns are still
/// computed). Throws `.allocationFailed`, with no result written, when the call's own
/// gather buffers cannot be had. Runs the columns on the calling thread and one extra
/// thread (joined before returning) when n x k >= 65536.
///
/// Preconditions (the ABI layer checks them): the strides' indices are readable (see
/// `StridedColumns`); every score finite, every label exactly 0 or 1, every class an
/// integer in [0, k), every weight finite and >= 0; `weights` nil or of n elements;
/// `labels` of n rows and k columns (or n classes); a partial range 0 <= lower < upper <= 1.
///
///     // 2 columns, C order, shared labels [0, 0, 1, 1]:
///     aurocColumns(scores: StridedColumns(base: s, rowCount: 4, columnCount: 2,
///                                         sampleStride: 2, columnStride: 1),
///                  labels: .columns(StridedColumns(base: y, rowCount: 4, columnCount: 2,
///                                                  sampleStride: 1, columnStride: 0)),
///                  weights: nil, statistic: .exact, into: results)
public func aurocColumns(
    scores: StridedColumns<Double>, labels: ColumnLabels<Double>,
    weights: UnsafeBufferPointer<Double>?, statistic: ColumnStatistic,
    into results: UnsafeMutableBufferPointer<ColumnResult>
) throws(CoreError) {
    try columnsGeneric(scores: scores, labels: labels, weights: weights, statistic: statistic,
                       into: results)
}

/// `aurocColumns` on float32 scores, labels or classes and weights (each column the same
/// bits as `exactAUROCFloat32` / `partialAUCFloat32` of the gathered column).
public func aurocColumnsFloat32(
    scores: StridedColumns<Float>, labels: ColumnLabels<Float>,
    weights: UnsafeBufferPointer<Float>?, statistic: ColumnStatistic,
    into results: UnsafeMutableBufferPointer<ColumnResult>
) throws(CoreError) {
    try columnsGeneric(scores: scores, labels: labels, weights: weights, statistic: statistic,
                       into: results)
}

/// A check of the caller's inputs, row block by row block: `check(context, lower, upper)`
/// is nonzero when some element of rows lower..<upper (a score of any column, a label or
/// class, a weight) is invalid. The ABI layer's validation (the core does not know what
/// makes an element valid for the caller); a C function, so nothing is captured.
public struct ColumnRowsCheck {
    public let context: UnsafeMutableRawPointer
    public let check: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> UInt8

    public init(context: UnsafeMutableRawPointer,
                check: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> UInt8) {
        self.context = context
        self.check = check
    }

    @inline(__always)
    func anyInvalid(_ rows: Range<Int>) -> Bool { check(context, rows.lowerBound, rows.upperBound) != 0 }
}

/// `aurocColumns` on inputs not yet validated: `check` is run on every row before any
/// column is computed, and the call returns false (no result written) when it finds an
/// invalid element, true when the columns were computed. The preconditions on the
/// elements (finite scores, 0/1 labels, classes in [0, k), weights) are then only
/// required of rows that `check` accepts. Where strided columns are gathered by both
/// threads (`ColumnsTeam.runPooled`), the check runs inside the first gather pass, block
/// by block of rows right after the block is read (its cache lines are then at hand), so
/// that the n x k array is not read once more for the check alone; otherwise it runs
/// before anything else, on the two halves of the rows on two threads (from n x k >=
/// 65536). Either way every row is checked before any column is computed, and a column's
/// value is the same bits as `aurocColumns` gives on the same (valid) inputs. May throw
/// `.allocationFailed` before the check has run.
public func aurocColumnsCheckingRows(
    scores: StridedColumns<Double>, labels: ColumnLabels<Double>,
    weights: UnsafeBufferPointer<Double>?, statistic: ColumnStatistic, check: ColumnRowsCheck,
    into results: UnsafeMutableBufferPointer<ColumnResult>
) throws(CoreError) -> Bool {
    try columnsGeneric(scores: scores, labels: labels, weights: weights, statistic: statistic,
                       into: results, check: check)
}

/// `aurocColumnsCheckingRows` on float32 inputs.
public func aurocColumnsFloat32CheckingRows(
    scores: StridedColumns<Float>, labels: ColumnLabels<Float>,
    weights: UnsafeBufferPointer<Float>?, statistic: ColumnStatistic, check: ColumnRowsCheck,
    into results: UnsafeMutableBufferPointer<ColumnResult>
) throws(CoreError) -> Bool {
    try columnsGeneric(scores: scores, labels: labels, weights: weights, statistic: statistic,
                       into: results, check: check)
}

/// One-vs-one AUROCs of k classes (Hand and Till): for each pair a < b, on the samples
/// of classes a and b (in sample order), `results[a * k + b]` gets the AUROC of column a
/// with class a positive and `results[b * k + a]` that of column b with class b positive
/// (each the same bits as `exactAUROC` of that subset). A pair where class a or b has no
/// sample gets `.oneClass` in both. The diagonal `results[j * k + j]` is not written.
/// k x k results; no weights. Throws `.allocationFailed`, with no result written, when
/// the call's own buffers (an index per sample, the gather buffers) cannot be had.
/// Threads as `aurocColumns` (pairs shared between two threads).
///
/// Preconditions: as `aurocColumns`; `classes` n integers in [0, k).
public func aurocOneVsOne(
    scores: StridedColumns<Double>, classes: UnsafeBufferPointer<Double>,
    into results: UnsafeMutableBufferPointer<ColumnResult>
) throws(CoreError) {
    try oneVsOneGeneric(scores: scores, classes: classes, into: results)
}

/// `aurocOneVsOne` on float32 scores and classes.
public func aurocOneVsOneFloat32(
    scores: StridedColumns<Float>, classes: UnsafeBufferPointer<Float>,
    into results: UnsafeMutableBufferPointer<ColumnResult>
) throws(CoreError) {
    try oneVsOneGeneric(scores: scores, classes: classes, into: results)
}

// ---- a check on two threads ----

/// Whether `check(context, lower, upper)` is nonzero for either half of 0..<count: the
/// halves `chunkRange(c, of: 2, count: count)` on the calling thread and one extra thread
/// (joined before returning) when `parallel`, else 0..<count on the calling thread (also
/// when the thread cannot be started: the calling thread then checks both halves). The
/// ABI layer's column input check (an O(n k) pass before any column is computed).
/// `check` is a C function (nothing captured: no Swift heap allocation here).
public func anyOnTwoThreads(
    count: Int, parallel: Bool, context: UnsafeMutableRawPointer,
    _ check: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> UInt8
) -> Bool {
    guard parallel, count >= 2 else { return check(context, 0, count) != 0 }
    var found: (UInt8, UInt8) = (0, 0)
    return withUnsafeMutableBytes(of: &found) { bytes in
        var team = CheckTeam(count: count, context: context, check: check,
                             found: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        withUnsafeMutablePointer(to: &team) { team in
            runAsTeam(chunkCount: 2, context: UnsafeMutableRawPointer(team)) { raw, worker in
                raw.assumingMemoryBound(to: CheckTeam.self).pointee.run(worker)
            }
        }
        return bytes[0] | bytes[1] != 0
    }
}

/// `anyOnTwoThreads`' shared state (on its stack).
private struct CheckTeam {
    let count: Int
    let context: UnsafeMutableRawPointer
    let check: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> UInt8
    let found: UnsafeMutablePointer<UInt8>

    func run(_ worker: TeamWorker) {
        for chunk in worker.chunks {
            let rows = chunkRange(chunk, of: 2, count: count)
            found[chunk] = check(context, rows.lowerBound, rows.upperBound)
        }
    }
}

// ---- columns ----

/// The class index of a validated class value (an integer in [0, k)). Through the
/// concrete Double conversion: the generic `Int(_:)` of a `BinaryFloatingPoint` is not
/// specialized into one instruction and cost about 10 ns a sample.
@inline(__always)
private func classIndex<Score: OrderKeyed>(_ c: Score) -> Int { Int(c.doubleValue) }

/// Per-chunk gather buffers: `count` elements each (0: not needed), chunk c at c * count.
/// The scores' buffer is a `HugePageBuffer`: from 4 MiB it starts on a 2 MiB boundary and
/// is advised huge pages as a whole (the pooled group of 6 columns at n = 10^6 is 48 MB,
/// above glibc's largest mmap threshold, so a fresh mapping every call: advised but
/// unaligned, its two partial 2 MiB ranges took up to 512 4 KiB faults each).
private struct GatherBuffers<Score: BitwiseCopyable> {
    let scores: HugePageBuffer<Score>
    let labels: ScratchBuffer<Score>
    let perChunk: Int
    let labelsPerChunk: Int

    func scoreBuffer(_ chunk: Int) -> UnsafeMutablePointer<Score>? {
        scores.base.map { $0 + chunk * perChunk }
    }
    func labelBuffer(_ chunk: Int) -> UnsafeMutablePointer<Score>? {
        labels.base.map { $0 + chunk * labelsPerChunk }
    }
    func free() {
        scores.free()
        labels.free()
    }

    static func allocate(chunks: Int, scoreCount: Int, labelCount: Int) throws(CoreError)
        -> GatherBuffers
    {
        let s = try HugePageBuffer<Score>(count: chunks * scoreCount)
        let y: ScratchBuffer<Score>
        do { y = try ScratchBuffer<Score>(count: chunks * labelCount) } catch {
            s.free()
            throw error
        }
        return GatherBuffers(scores: s, labels: y, perChunk: scoreCount,
                             labelsPerChunk: labelCount)
    }
}

/// `gatherBudget`: tests only (a small budget forces several gather passes per thread).
/// `check`: see `aurocColumnsCheckingRows`; returns false when it found an invalid row
/// (nothing computed), else true.
@discardableResult
func columnsGeneric<Score: ThresholdScore & BitwiseCopyable>(
    scores: StridedColumns<Score>, labels: ColumnLabels<Score>,
    weights: UnsafeBufferPointer<Score>?, statistic: ColumnStatistic,
    into results: UnsafeMutableBufferPointer<ColumnResult>,
    gatherBudget: Int = ColumnsTuning.gatherBudget, check: ColumnRowsCheck? = nil
) throws(CoreError) -> Bool {
    let n = scores.rowCount, k = scores.columnCount
    precondition(results.count >= k)
    guard k > 0 else { return true }
    let split = k >= 2 && n * k >= ColumnsTuning.parallelThreshold
        && (ColumnsTuning.splitColumns || statistic != .exact)
    let chunkCount = split ? 2 : 1
    // What needs gathering: scores unless contiguous; labels per column unless contiguous
    // or shared; classes become a label buffer per column (except unweighted exact pooled
    // one-vs-rest, which reads class bytes: `codesDirect`); a shared strided label
    // vector is gathered once, before the team starts.
    let gatherScores = n > 1 && scores.sampleStride != 1
    var gatherLabels = false
    var sharedCount = 0
    switch labels {
    case .columns(let y):
        if n > 1 && y.sampleStride != 1 {
            if y.columnStride == 0 { sharedCount = n } else { gatherLabels = true }
        }
    case .classes:
        break
    }
    // Pooled (two chunks, strided columns, at least two columns of n in the two chunks'
    // budgets): both threads gather each group of columns, half of the rows each, into
    // one shared buffer, then compute its columns alternately (see `ColumnsTeam.runPooled`):
    // every pass reads the array once in all, not once per thread. The groups hold an
    // even number of columns where possible (6 and 4 for 10 columns in room for 8), so that
    // both threads compute as many columns in each pass.
    let gathers = gatherScores || gatherLabels
    let poolColumns = gathers && chunkCount == 2 ? chunkCount * gatherBudget / Swift.max(n, 1) : 0
    let pooled = poolColumns >= 2
    var group = 1
    if pooled {
        let room = Swift.min(k, poolColumns - poolColumns % 2)
        let passes = (k + room - 1) / room
        let even = (k + passes - 1) / passes
        group = Swift.min(room, even + even % 2)
    } else if gathers {
        // Columns per gather pass: as many of a chunk's columns as the budget holds, spread
        // evenly over the passes (5 columns in budget for 4: passes of 3 and 2).
        let perChunk = (k + chunkCount - 1) / chunkCount
        let fit = Swift.max(1, Swift.min(perChunk, gatherBudget / Swift.max(n, 1)))
        let passes = (perChunk + fit - 1) / fit
        group = (perChunk + passes - 1) / passes
    }
    // The check: inside the first pooled gather pass, else now, before anything else.
    if let check, !pooled, n > 0 {
        let invalid = withUnsafePointer(to: check) { pointer in
            anyOnTwoThreads(count: n, parallel: n * k >= ColumnsTuning.parallelThreshold,
                            context: UnsafeMutableRawPointer(mutating: pointer)) { raw, lower, upper in
                raw!.assumingMemoryBound(to: ColumnRowsCheck.self).pointee
                    .anyInvalid(lower..<upper) ? 1 : 0
            }
        }
        if invalid { return false }
    }
    // One-vs-rest's classes as bytes: pooled, k <= 256 (see `pool` below).
    var usesCodes = false
    if pooled, case .classes = labels, k <= 256 { usesCodes = true }
    // Unweighted exact one-vs-rest reads the class bytes inside the exact AUROC
    // (`exactAUROC(scores:classCodes:positive:)`): no per-column label buffer.
    let codesDirect = usesCodes && weights == nil && statistic == .exact
    var labelCount = gatherLabels ? group * n : 0
    if case .classes = labels, !codesDirect { labelCount = n }
    let buffers = try GatherBuffers<Score>.allocate(
        chunks: chunkCount, scoreCount: gatherScores && !pooled ? group * n : 0,
        labelCount: pooled && gatherLabels ? 0 : labelCount)
    defer { buffers.free() }
    // The pooled group buffers (shared by both threads), and one-vs-rest's classes as
    // bytes (read once while gathering, then 1 byte a sample per column's labels, not 8).
    let pool = try GatherBuffers<Score>.allocate(
        chunks: 1, scoreCount: pooled && gatherScores ? group * n : 0,
        labelCount: pooled && gatherLabels ? group * n : 0)
    defer { pool.free() }
    let codes = try ScratchBuffer<UInt8>(count: usesCodes ? n : 0)
    defer { codes.free() }
    let shared = try ScratchBuffer<Score>(count: sharedCount)
    defer { shared.free() }
    var sharedLabels: UnsafeBufferPointer<Score>? = nil
    if case .columns(let y) = labels, y.columnStride == 0 {
        sharedLabels = y.gather(0, into: shared.base)
    }
    var team = ColumnsTeam(
        scores: scores, labels: labels, sharedLabels: sharedLabels, weights: weights,
        statistic: statistic, results: results.baseAddress!, buffers: buffers,
        chunkCount: chunkCount, innerChunkCount: split ? 1 : nil, group: group,
        gatherScores: gatherScores, gatherLabels: gatherLabels, pooled: pooled, pool: pool,
        codes: usesCodes ? codes.base : nil, check: pooled ? check : nil,
        invalid: nil)
    // Each chunk's verdict of the fused check (written before the pass's barrier).
    var invalid: (UInt8, UInt8) = (0, 0)
    withUnsafeMutableBytes(of: &invalid) { bytes in
        team.invalid = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        withUnsafeMutablePointer(to: &team) { team in
            runAsTeam(chunkCount: chunkCount, context: UnsafeMutableRawPointer(team)) { raw, worker in
                raw.assumingMemoryBound(to: ColumnsTeam<Score>.self).pointee.run(worker)
            }
        }
    }
    return invalid.0 | invalid.1 == 0
}

/// The state the column team shares (on `columnsGeneric`'s stack).
private struct ColumnsTeam<Score: ThresholdScore & BitwiseCopyable> {
    let scores: StridedColumns<Score>
    let labels: ColumnLabels<Score>
    let sharedLabels: UnsafeBufferPointer<Score>?
    let weights: UnsafeBufferPointer<Score>?
    let statistic: ColumnStatistic
    let results: UnsafeMutablePointer<ColumnResult>
    let buffers: GatherBuffers<Score>
    let chunkCount: Int
    /// 1 when the columns are split (each column on one thread), nil otherwise.
    let innerChunkCount: Int?
    /// Columns gathered per pass, and which arrays are gathered (strided columns).
    let group: Int
    let gatherScores: Bool
    let gatherLabels: Bool
    /// Whether the groups are gathered by both threads into `pool` (`runPooled`).
    let pooled: Bool
    let pool: GatherBuffers<Score>
    /// One-vs-rest, pooled, k <= 256: each sample's class as a byte (filled by the first
    /// pass), else nil.
    let codes: UnsafeMutablePointer<UInt8>?
    /// Pooled only: the caller's row check, run in the first pass (see `runPooled`), and
    /// where chunk c writes its verdict (`invalid[c]`, nonzero: an invalid row).
    let check: ColumnRowsCheck?
    var invalid: UnsafeMutablePointer<UInt8>?

    func run(_ worker: TeamWorker) {
        if pooled { runPooled(worker) } else { runPerChunk(worker) }
    }

    /// Two chunks, columns in groups of `group` (the last one smaller): for each group,
    /// chunk c gathers rows `chunkRange(c, of: 2)` of every column of the group (and, in
    /// the first group, converts the classes of those rows to `codes`); then, after both
    /// have, chunk c computes the group's columns c, c + 2, ...; both finish before the
    /// next group overwrites the pool. The same columns, gathered into the same values,
    /// as `runPerChunk`: the same results.
    private func runPooled(_ worker: TeamWorker) {
        let n = scores.rowCount, k = scores.columnCount
        var first = 0
        while first < k {
            let count = Swift.min(group, k - first)
            for chunk in worker.chunks {
                let rows = chunkRange(chunk, of: chunkCount, count: n)
                if first == 0, let check {
                    // Block by block: the check of every column of the block's rows (in
                    // cache once the block's group columns are read), then the block's
                    // gather and class bytes; stops at the first invalid block (classes
                    // are converted only once checked).
                    var start = rows.lowerBound
                    var bad: UInt8 = 0
                    while start < rows.upperBound {
                        let block = start..<Swift.min(start + ColumnsTuning.checkBlock,
                                                       rows.upperBound)
                        if check.anyInvalid(block) {
                            bad = 1
                            break
                        }
                        gatherFirst(count: count, rows: block)
                        start = block.upperBound
                    }
                    invalid![chunk] = bad
                } else {
                    if gatherScores {
                        scores.gather(columns: first, step: 1, count: count, rows: rows,
                                      into: pool.scoreBuffer(0)!)
                    }
                    if gatherLabels, case .columns(let matrix) = labels {
                        matrix.gather(columns: first, step: 1, count: count, rows: rows,
                                      into: pool.labelBuffer(0)!)
                    }
                    if first == 0, let codes, case .classes(let classes) = labels {
                        for i in rows { codes[i] = UInt8(truncatingIfNeeded: classIndex(classes[i])) }
                    }
                }
            }
            worker.synchronize()
            // (After the barrier both threads see both verdicts, and both stop.)
            if first == 0, check != nil, invalid![0] | invalid![1] != 0 { return }
            for chunk in worker.chunks {
                var g = chunk
                while g < count {
                    let j = first + g
                    let s = gatherScores
                        ? UnsafeBufferPointer(start: pool.scoreBuffer(0)! + g * n, count: n)
                        : scores.contiguousColumn(j)!
                    results[j] = column(j, scores: s, slot: g, chunk: chunk)
                    g += chunkCount
                }
            }
            first += count
            if first < k { worker.synchronize() }
        }
    }

    /// The first pooled pass over the rows `rows`: columns 0..<count of the scores (and
    /// labels) into the pool, the classes into bytes.
    @inline(__always)
    private func gatherFirst(count: Int, rows: Range<Int>) {
        if gatherScores {
            scores.gather(columns: 0, step: 1, count: count, rows: rows, into: pool.scoreBuffer(0)!)
        }
        if gatherLabels, case .columns(let matrix) = labels {
            matrix.gather(columns: 0, step: 1, count: count, rows: rows, into: pool.labelBuffer(0)!)
        }
        if let codes, case .classes(let classes) = labels {
            for i in rows { codes[i] = UInt8(truncatingIfNeeded: classIndex(classes[i])) }
        }
    }

    /// Chunk c owns columns c, c + chunkCount, ...; it gathers them `group` at a time and
    /// computes each.
    private func runPerChunk(_ worker: TeamWorker) {
        let n = scores.rowCount, k = scores.columnCount
        for chunk in worker.chunks {
            let owned = chunk < k ? (k - chunk + chunkCount - 1) / chunkCount : 0
            var first = 0
            while first < owned {
                let count = Swift.min(group, owned - first)
                let j0 = chunk + first * chunkCount
                if gatherScores {
                    scores.gather(columns: j0, step: chunkCount, count: count,
                                  into: buffers.scoreBuffer(chunk)!)
                }
                if gatherLabels, case .columns(let matrix) = labels {
                    matrix.gather(columns: j0, step: chunkCount, count: count,
                                  into: buffers.labelBuffer(chunk)!)
                }
                for g in 0..<count {
                    let j = j0 + g * chunkCount
                    let s = gatherScores
                        ? UnsafeBufferPointer(start: buffers.scoreBuffer(chunk)! + g * n, count: n)
                        : scores.contiguousColumn(j)!
                    results[j] = column(j, scores: s, slot: g, chunk: chunk)
                }
                first += count
            }
        }
    }

    func column(_ j: Int, scores s: UnsafeBufferPointer<Score>, slot: Int, chunk: Int) -> ColumnResult {
        let n = scores.rowCount
        let y: UnsafeBufferPointer<Score>
        if let sharedLabels {
            y = sharedLabels
        } else {
            switch labels {
            case .columns(let matrix):
                y = !gatherLabels ? matrix.contiguousColumn(j)!
                    : pooled ? UnsafeBufferPointer(start: pool.labelBuffer(0)! + slot * n, count: n)
                    : UnsafeBufferPointer(start: buffers.labelBuffer(chunk)! + slot * n, count: n)
            case .classes(let classes):
                if n == 0 {
                    y = UnsafeBufferPointer(start: nil, count: 0)
                } else if let codes, weights == nil, statistic == .exact {
                    // Unweighted exact: the class bytes themselves (j < k <= 256), the
                    // same bits as the exact AUROC of the 0/1 labels below.
                    return exactFromCodes(j, scores: s, codes: codes)
                } else if let codes {
                    // The same 0/1 labels from the class bytes (j < k <= 256).
                    let out = buffers.labelBuffer(chunk)!
                    let target = UInt8(truncatingIfNeeded: j)
                    for i in 0..<n { out[i] = codes[i] == target ? 1 : 0 }
                    y = UnsafeBufferPointer(start: out, count: n)
                } else {
                    // Compared as floating-point values (a loop that vectorizes): a class
                    // is an integer, so it equals j exactly when it equals Score(j) and
                    // Score(j) is j exactly; if j has no exact Score, no class is j.
                    let out = buffers.labelBuffer(chunk)!
                    let target = Score(j)
                    if Int(target.doubleValue) == j {
                        for i in 0..<n { out[i] = classes[i] == target ? 1 : 0 }
                    } else {
                        for i in 0..<n { out[i] = 0 }
                    }
                    y = UnsafeBufferPointer(start: out, count: n)
                }
            }
        }
        return compute(scores: s, labels: y, weights: weights, statistic: statistic,
                       chunkCount: innerChunkCount)
    }

    /// Column j's exact AUROC, unweighted, with class j positive read from `codes`.
    private func exactFromCodes(_ j: Int, scores s: UnsafeBufferPointer<Score>,
                                codes: UnsafeMutablePointer<UInt8>) -> ColumnResult {
        do {
            guard let value = try exactAUROC(
                scores: s, classCodes: UnsafeBufferPointer(start: codes, count: s.count),
                positive: UInt8(truncatingIfNeeded: j), chunkCount: innerChunkCount)
            else { return ColumnResult(outcome: .oneClass) }
            return ColumnResult(outcome: .computed, value: value)
        } catch {
            return ColumnResult(outcome: .outOfMemory)
        }
    }
}

/// The single-problem computation of one gathered column.
private func compute<Score: ThresholdScore & BitwiseCopyable>(
    scores: UnsafeBufferPointer<Score>, labels: UnsafeBufferPointer<Score>,
    weights: UnsafeBufferPointer<Score>?, statistic: ColumnStatistic, chunkCount: Int?
) -> ColumnResult {
    do {
        switch statistic {
        case .exact:
            guard let value = try exactAUROC(scores: scores, labels: labels, weights: weights,
                                             chunkCount: chunkCount)
            else { return ColumnResult(outcome: .oneClass) }
            return ColumnResult(outcome: .computed, value: value)
        case .partial(let axis, let lower, let upper):
            guard let r = try partialAUC(scores: scores, labels: labels, weights: weights,
                                         axis: axis, lower: lower, upper: upper,
                                         chunkCount: chunkCount)
            else { return ColumnResult(outcome: .oneClass) }
            return ColumnResult(outcome: .computed, value: r.area, standardized: r.standardized,
                                belowDiagonal: r.belowDiagonal)
        }
    } catch {
        return ColumnResult(outcome: .outOfMemory)
    }
}

// ---- one-vs-one ----

private func oneVsOneGeneric<Score: ThresholdScore & BitwiseCopyable>(
    scores: StridedColumns<Score>, classes: UnsafeBufferPointer<Score>,
    into results: UnsafeMutableBufferPointer<ColumnResult>
) throws(CoreError) {
    let n = scores.rowCount, k = scores.columnCount
    precondition(results.count >= k * k && classes.count == n)
    guard k > 1 else { return }
    // Class c's samples are order[start[c] ..< start[c + 1]], in increasing index order.
    let start = try ScratchBuffer<Int>(count: k + 1)
    defer { start.free() }
    let order = try ScratchBuffer<Int>(count: n)
    defer { order.free() }
    let starts = start.base!
    for c in 0...k { starts[c] = 0 }
    for i in 0..<n { starts[classIndex(classes[i]) + 1] += 1 }
    // The largest pair: the two largest classes.
    var largest = 0, second = 0
    for c in 0..<k {
        let size = starts[c + 1]
        if size > largest { (largest, second) = (size, largest) } else if size > second { second = size }
    }
    for c in 0..<k { starts[c + 1] += starts[c] }
    if n > 0 {
        // Stable counting sort (starts[c] advances to starts[c + 1] while filling, then is
        // restored).
        let o = order.base!
        for i in 0..<n {
            let c = classIndex(classes[i])
            o[starts[c]] = i
            starts[c] += 1
        }
        for c in stride(from: k, to: 0, by: -1) { starts[c] = starts[c - 1] }
        starts[0] = 0
    }
    let pairCount = k * (k - 1) / 2
    let split = n * k >= ColumnsTuning.parallelThreshold && pairCount >= 2
    let chunkCount = split ? 2 : 1
    let pairSize = largest + second
    let buffers = try GatherBuffers<Score>.allocate(
        chunks: chunkCount, scoreCount: pairSize, labelCount: pairSize)
    defer { buffers.free() }
    var team = OneVsOneTeam(
        scores: scores, order: order.base, starts: starts, results: results.baseAddress!,
        buffers: buffers, chunkCount: chunkCount, innerChunkCount: split ? 1 : nil)
    withUnsafeMutablePointer(to: &team) { team in
        runAsTeam(chunkCount: chunkCount, context: UnsafeMutableRawPointer(team)) { raw, worker in
            raw.assumingMemoryBound(to: OneVsOneTeam<Score>.self).pointee.run(worker)
        }
    }
}

/// The state the one-vs-one team shares (on `oneVsOneGeneric`'s stack).
private struct OneVsOneTeam<Score: ThresholdScore & BitwiseCopyable> {
    let scores: StridedColumns<Score>
    let order: UnsafeMutablePointer<Int>?
    let starts: UnsafeMutablePointer<Int>
    let results: UnsafeMutablePointer<ColumnResult>
    let buffers: GatherBuffers<Score>
    let chunkCount: Int
    let innerChunkCount: Int?

    /// Pair number t (in the order a = 0, 1, ...; b = a + 1, ...) belongs to chunk
    /// t % chunkCount: pairs of different sizes alternate between the two threads.
    func run(_ worker: TeamWorker) {
        let k = scores.columnCount
        for chunk in worker.chunks {
            var t = 0
            for a in 0..<k {
                for b in (a + 1)..<k {
                    if t % chunkCount == chunk { pair(a, b, chunk: chunk) }
                    t += 1
                }
            }
        }
    }

    func pair(_ a: Int, _ b: Int, chunk: Int) {
        let k = scores.columnCount
        let aStart = starts[a], aEnd = starts[a + 1]
        let bStart = starts[b], bEnd = starts[b + 1]
        guard aEnd > aStart, bEnd > bStart else {
            results[a * k + b] = ColumnResult(outcome: .oneClass)
            results[b * k + a] = ColumnResult(outcome: .oneClass)
            return
        }
        let count = (aEnd - aStart) + (bEnd - bStart)
        let s = buffers.scoreBuffer(chunk)!, y = buffers.labelBuffer(chunk)!
        let o = order!
        // Column a, class a positive; then column b, class b positive: the same samples in
        // increasing index order (the merge of the two classes' sorted index lists).
        // (Two passes by index, not over an array literal: no Swift heap allocation.)
        for pass in 0..<2 {
            let column = pass == 0 ? a : b
            var p = aStart, q = bStart, m = 0
            while p < aEnd || q < bEnd {
                let fromA = q == bEnd || (p < aEnd && o[p] < o[q])
                let i: Int
                if fromA {
                    i = o[p]
                    p += 1
                } else {
                    i = o[q]
                    q += 1
                }
                s[m] = scores[i, column]
                y[m] = (fromA ? a : b) == column ? 1 : 0
                m += 1
            }
            results[column * k + (column == a ? b : a)] = compute(
                scores: UnsafeBufferPointer(start: s, count: count),
                labels: UnsafeBufferPointer(start: y, count: count), weights: nil,
                statistic: .exact, chunkCount: innerChunkCount)
        }
    }
}
