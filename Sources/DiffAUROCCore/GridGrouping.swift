#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The grid route's grouping (FastSoftAUROC.swift, "Cells"): each class's points in the
// order of their grid cells g = floor((s - origin) / step), points of one cell in the
// order of their caller indices, as one stable counting sort on g would leave them; and
// the table of the non-empty cells.
//
// One level. Count the points of every cell, turn the counts into offsets, write each
// point to its cell's next slot. Two halves of the samples run on two threads, each with
// its own counts; the second half's offsets start after the first's within every cell,
// so the layout is the single stable pass's.
//
// Two levels (from `bucketedMinimumCells` grid cells). The one-level passes touch the
// counters and the output slots of the cells in the order of the input, which is random:
// with a million cells (n = 10^7, T / spread = 1e-5) the counters alone are 17 MB and
// nearly every point misses the cache once in the count and three times in the scatter;
// perf put 27-30% of the library's CPU there. So the same count / offsets / scatter first
// runs on buckets of 2^shift consecutive cells (at most 2^`bucketBits` buckets: counters
// in L1, one output stream per bucket, class and array, each written in order), into
// scratch; then each bucket, a contiguous range of the scratch, is sorted on its cells
// in cache: 13% of the CPU in all. Both levels are stable, so the final layout is again
// the single stable pass's: the same bits as one level, whichever ran (the tests compare
// them). Two levels move twice the bytes, so with few cells, whose counters and open
// output lines stay in cache anyway, one level is faster: at 10^4 cells (n = 10^7, T /
// spread = 1e-3) two levels took 33-35% of the CPU against one level's 24-30%; at 10^5
// cells (n = 10^6 to 10^7, 1e-4) 21-31% against 22-33%.

/// The grid of the dense route: cell g = floor((s - origin) / (h T)), capped at `last`,
/// computed as (s - origin) * (1 / (h T)) (a multiply per point instead of a division;
/// through `scaledDifference` only where s - origin overflows). One function for every
/// pass of the grouping, so all agree on every point's cell. Rounding can
/// put a point within ~1e-16 * span of a grid line in the neighbour cell: its cell is
/// then wider than h by that much, which no bound notices.
struct GridCells {
    let origin: Double
    let temperature: Double
    /// A cell's width in score units: h T, or w <= h T on a regular grid.
    let step: Double
    let inverseStep: Double
    let last: Int
    /// h, the cells' width in units of T (`CellShape.width`).
    let width: Double

    init(origin: Double, temperature: Double, step: Double, last: Int, width: Double) {
        self.origin = origin
        self.temperature = temperature
        self.step = step
        self.inverseStep = 1 / step
        self.last = last
        self.width = width
    }

    /// The regular grid over [min, max]: step w = M 2^e with M = floor(h T / 2^e) in
    /// [2^11, 2^12) (so w <= h T, within 2^-11 of it) and origin = floor(min / 2^e) 2^e <=
    /// min, when every line origin + g w (g <= last) is (K + g M) 2^e with |K + g M| < 2^52:
    /// then each line is exact, and so is the difference of any two, k w. Nil when the
    /// scores are too far from 0 on the scale of T for that (|min| / T beyond ~2^40), when
    /// h T is not normal enough, or when anything overflows.
    static func regular(min: Double, max: Double, temperature: Double, width h: Double) -> GridCells? {
        let width = h * temperature
        guard width.isFinite, width >= 0x1p-1000 else { return nil }
        let unit = Double(sign: .plus, exponent: width.exponent - 11, significand: 1)
        let multiple = (width / unit).rounded(.down)
        let base = (min / unit).rounded(.down)
        let origin = base * unit, step = multiple * unit
        let extent = max - origin
        guard origin.isFinite, extent.isFinite, Swift.abs(base) < 0x1p52 else { return nil }
        let top = extent * (1 / step)
        guard top < 0x1p40 else { return nil }
        let last = Int(top)
        guard Double(last + 1) * multiple + Swift.abs(base) < 0x1p52 else { return nil }
        return GridCells(origin: origin, temperature: temperature, step: step, last: last, width: h)
    }

    /// Grid line g, origin + g w (exact on a regular grid).
    @inline(__always)
    func line(_ g: Int) -> Double { origin + Double(g) * step }

    @inline(__always)
    func cell(_ x: Double) -> Int {
        let d = x - origin
        let scaled = d.isFinite && inverseStep.isFinite
            ? d * inverseStep
            : scaledDifference(x, origin, temperature) / width
        return Swift.min(Int(scaled), last)
    }
}

/// The grid cells' table: `storage` holds posStart (count + 1), negStart (count + 1) and
/// room for the near ranges (2 count), as `CellTable` lays them out; `anchors` the cells'
/// grid lines on a regular grid. The caller frees both.
struct GroupedCells<I: FastSoftIndices> {
    let count: Int
    let storage: ScratchBuffer<I.Position>
    let anchors: ScratchBuffer<Double>?
}

enum GridGrouping {
    /// From this many grid cells the grouping runs on two levels (see the top of the file).
    static let bucketedMinimumCells = 1 << 15
    /// At most 2^bucketBits buckets: their counters and output streams stay in L1 and L2.
    static let bucketBits = 8
    /// At least 2^minimumShift cells a bucket.
    static let minimumShift = 6

    /// log2 of the cells a bucket for `gridCount` grid cells: 0 (one level) below
    /// `bucketedMinimumCells`.
    static func shift(gridCount: Int) -> Int {
        guard gridCount >= bucketedMinimumCells else { return 0 }
        let bits = Int.bitWidth - (gridCount - 1).leadingZeroBitCount
        return Swift.max(minimumShift, bits - bucketBits)
    }

    /// Whether `work` (32 bytes a point) holds two levels' scratch for `total` points and
    /// `gridCount` grid cells at `shift`: the counters below byte 8 total, then each point's
    /// score and caller index. (One level needs only the counters, 4 gridCount Positions:
    /// at most 32 bytes a point, since gridCount <= total / `sortingDensity` + 1. The
    /// scores take bytes 8 total ..< 16 total and the caller indices, 4 or 8 bytes each,
    /// at most 16 total ..< 24 total, so only the counters can fail to fit.)
    static func fits<I: FastSoftIndices>(total: Int, gridCount: Int, shift: Int, _: I.Type) -> Bool {
        let slots = (gridCount - 1) >> shift + 1
        return (4 * slots + 2 * gridCount) * MemoryLayout<I.Position>.stride <= 8 * total
    }
}

/// Groups the samples of positive weight by grid cell into `scores` and `origins`
/// (positives at 0 ..< positiveCount, negatives after), using `work` (32 total bytes:
/// counters at its start, on two levels the scratch copy at byte offsets 8 total and 16
/// total, `GridGrouping.fits`) and returns the non-empty cells. `shift`: 0 for one level,
/// else log2 of the cells a bucket.
func groupByGridCells<I: FastSoftIndices>(
    _ samples: LabeledSamples, grid: GridCells, gridCount: Int, regular: Bool,
    positiveCount: Int, total: Int, scores: UnsafeMutablePointer<Double>,
    origins: UnsafeMutablePointer<I.Origin>, work: UnsafeMutableRawPointer,
    shift: Int, parallel: Bool, _: I.Type
) throws(CoreError) -> GroupedCells<I> {
    let n = samples.count
    let slots = (gridCount - 1) >> shift + 1
    let counts = work.bindMemory(to: I.Position.self, capacity: 4 * slots + 2 * gridCount)
    let posA = counts, negA = counts + slots, posB = counts + 2 * slots, negB = counts + 3 * slots
    for k in 0..<(4 * slots) { counts[k] = 0 }
    // First level: into the final arrays (one level) or the scratch copy (two).
    let firstScores = shift > 0 ? (work + 8 * total).bindMemory(to: Double.self, capacity: total) : scores
    let firstOrigins = shift > 0 ? (work + 16 * total).bindMemory(to: I.Origin.self, capacity: total) : origins
    let pass = GridPass<I>(samples: samples, unweighted: samples.weights == nil, grid: grid, shift: shift,
                           destinationScores: firstScores, destinationOrigins: firstOrigins,
                           negativeBase: positiveCount, half: n / 2, n: n,
                           posA: posA, negA: negA, posB: posB, negB: negB)
    runConcurrently(inParallel: parallel, with: pass,
                    { $0.countCells(0..<$0.half, $0.posA, $0.negA) },
                    { $0.countCells($0.half..<$0.n, $0.posB, $0.negB) })
    // Counts to offsets: within each slot, A's points, then B's.
    var p: I.Position = 0, q: I.Position = 0
    for s in 0..<slots {
        let cpA = posA[s], cnA = negA[s], cpB = posB[s], cnB = negB[s]
        posA[s] = p
        negA[s] = q
        posB[s] = p + cpA
        negB[s] = q + cnA
        p += cpA + cpB
        q += cnA + cnB
    }
    runConcurrently(inParallel: parallel, with: pass,
                    { $0.scatter(0..<$0.half, $0.posA, $0.negA) },
                    { $0.scatter($0.half..<$0.n, $0.posB, $0.negB) })
    // Now posB[s] and negB[s] are where slot s ends in each class. On two levels, each
    // bucket is sorted on its cells, leaving where every cell ends in posEnd and negEnd.
    var posEnd = posB, negEnd = negB
    if shift > 0 {
        posEnd = counts + 4 * slots
        negEnd = posEnd + gridCount
        let half = I.Position(truncatingIfNeeded: total / 2)
        // The first bucket whose end reaches half the points ends the first thread's
        // range, or starts the second's, whichever is nearer half.
        var split = 0
        while split < slots - 1 && posB[split] + negB[split] < half { split += 1 }
        let before = split == 0 ? 0 : posB[split - 1] + negB[split - 1]
        if posB[split] + negB[split] - half < half - before { split += 1 }
        let buckets = GridBucketPass<I>(grid: grid, shift: shift, gridCount: gridCount, slots: slots, split: split,
                                        scratchScores: firstScores, scratchOrigins: firstOrigins,
                                        scores: scores, origins: origins, negativeBase: positiveCount,
                                        posBucketEnd: posB, negBucketEnd: negB, posEnd: posEnd, negEnd: negEnd)
        runConcurrently(inParallel: parallel, with: buckets,
                        { $0.sort(0..<$0.split) },
                        { $0.sort($0.split..<$0.slots) })
    }
    // The non-empty cells: where either class's end moves.
    var cellCount = 0
    do {
        var lastP: I.Position = 0, lastQ: I.Position = 0
        for g in 0..<gridCount {
            let p = posEnd[g], q = negEnd[g]
            if p != lastP || q != lastQ { cellCount += 1 }
            lastP = p
            lastQ = q
        }
    }
    let anchorStorage = regular ? try ScratchBuffer<Double>(count: cellCount) : nil
    let cellStorage: ScratchBuffer<I.Position>
    do {
        cellStorage = try ScratchBuffer<I.Position>(count: 4 * cellCount + 2)
    } catch {
        anchorStorage?.free()
        throw error
    }
    let posStart = cellStorage.base!, negStart = posStart + (cellCount + 1)
    let anchors = anchorStorage?.base
    var c = 0
    var lastP: I.Position = 0, lastQ: I.Position = 0
    for g in 0..<gridCount {
        let p = posEnd[g], q = negEnd[g]
        if p != lastP || q != lastQ {
            posStart[c] = lastP
            negStart[c] = lastQ
            anchors?[c] = grid.line(g)
            c += 1
        }
        lastP = p
        lastQ = q
    }
    posStart[cellCount] = lastP
    negStart[cellCount] = lastQ
    return GroupedCells(count: cellCount, storage: cellStorage, anchors: anchorStorage)
}

/// The first level: counting and scattering on two halves of the samples at once
/// (`runConcurrently`): everything they read is a field, so the closures handed to
/// `runConcurrently` capture nothing. Each pass reads the fields it needs into locals
/// first: the optimizer cannot keep values reached through a pointer in registers across
/// the stores of the loop (it must assume the stores may alias them). A point's slot is its
/// cell g shifted right by `shift` (one level: the cell).
private struct GridPass<I: FastSoftIndices> {
    let samples: LabeledSamples
    let unweighted: Bool
    let grid: GridCells
    let shift: Int
    let destinationScores: UnsafeMutablePointer<Double>
    let destinationOrigins: UnsafeMutablePointer<I.Origin>
    let negativeBase: Int
    let half: Int, n: Int
    let posA: UnsafeMutablePointer<I.Position>, negA: UnsafeMutablePointer<I.Position>
    let posB: UnsafeMutablePointer<I.Position>, negB: UnsafeMutablePointer<I.Position>

    /// Counts the samples of `range` in every slot, by class (branch-free on the labels:
    /// pointer and offset are selected, not jumped to).
    func countCells(_ range: Range<Int>, _ posCounts: UnsafeMutablePointer<I.Position>,
                    _ negCounts: UnsafeMutablePointer<I.Position>) {
        let x = samples.scores.baseAddress!, y = samples.labels.baseAddress!, grid = grid
        let samples = samples, unweighted = unweighted, shift = shift
        for i in range where unweighted || samples.weight(i) > 0 {
            let g = grid.cell(x[i]) &>> shift
            let target = y[i] == 1 ? posCounts : negCounts
            target[g] &+= 1
        }
    }

    /// Writes the samples of `range` to their slots' next places (offsets advance).
    func scatter(_ range: Range<Int>, _ posOffsets: UnsafeMutablePointer<I.Position>,
                 _ negOffsets: UnsafeMutablePointer<I.Position>) {
        let x = samples.scores.baseAddress!, y = samples.labels.baseAddress!, grid = grid
        let destinationScores = destinationScores, destinationOrigins = destinationOrigins
        let negativeBase = negativeBase, samples = samples, unweighted = unweighted, shift = shift
        for i in range where unweighted || samples.weight(i) > 0 {
            let score = x[i] + 0.0
            let g = grid.cell(score) &>> shift
            let isPositive = y[i] == 1
            let offsets = isPositive ? posOffsets : negOffsets
            let at = (isPositive ? 0 : negativeBase) + Int(offsets[g])
            offsets[g] &+= 1
            destinationScores[at] = score
            destinationOrigins[at] = I.Origin(truncatingIfNeeded: i)
        }
    }
}

/// The second level: each bucket's points (a contiguous range of the scratch copy in each
/// class) counted, offset and written by cell, buckets 0 ..< split on one thread and the
/// rest on the other (their cells, counters and outputs are disjoint).
private struct GridBucketPass<I: FastSoftIndices> {
    let grid: GridCells
    let shift: Int, gridCount: Int, slots: Int, split: Int
    let scratchScores: UnsafeMutablePointer<Double>
    let scratchOrigins: UnsafeMutablePointer<I.Origin>
    let scores: UnsafeMutablePointer<Double>
    let origins: UnsafeMutablePointer<I.Origin>
    let negativeBase: Int
    let posBucketEnd: UnsafeMutablePointer<I.Position>, negBucketEnd: UnsafeMutablePointer<I.Position>
    let posEnd: UnsafeMutablePointer<I.Position>, negEnd: UnsafeMutablePointer<I.Position>

    func sort(_ buckets: Range<Int>) {
        for b in buckets {
            let cells = (b << shift)..<Swift.min((b + 1) << shift, gridCount)
            let posFrom = b == 0 ? 0 : Int(posBucketEnd[b - 1])
            let negFrom = b == 0 ? 0 : Int(negBucketEnd[b - 1])
            sortBucket(cells, posFrom..<Int(posBucketEnd[b]), base: 0, ends: posEnd)
            sortBucket(cells, negFrom..<Int(negBucketEnd[b]), base: negativeBase, ends: negEnd)
        }
    }

    /// One class of one bucket: points `range` (class positions) of the scratch copy into
    /// their cells, leaving where each cell ends in `ends`.
    @inline(__always)
    private func sortBucket(_ cells: Range<Int>, _ range: Range<Int>, base: Int,
                            ends: UnsafeMutablePointer<I.Position>) {
        let grid = grid
        let fromScores = scratchScores + base, fromOrigins = scratchOrigins + base
        let toScores = scores + base, toOrigins = origins + base
        for g in cells { ends[g] = 0 }
        for k in range { ends[grid.cell(fromScores[k])] &+= 1 }
        var p = I.Position(truncatingIfNeeded: range.lowerBound)
        for g in cells {
            let count = ends[g]
            ends[g] = p
            p &+= count
        }
        for k in range {
            let score = fromScores[k]
            let g = grid.cell(score)
            let at = Int(ends[g])
            ends[g] &+= 1
            toScores[at] = score
            toOrigins[at] = fromOrigins[k]
        }
    }
}
