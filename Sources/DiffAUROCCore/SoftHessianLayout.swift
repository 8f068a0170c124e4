#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The cells of the Hessian sums (SoftHessianKernels.swift), made once for both classes.
//
// Both kernel sums (at the positives, sources the negatives; at the negatives, sources
// the positives) use the same cells: a cell is a score interval [lo, hi] of scaled width
// at most h = `SoftHessianParameters.cellWidth` holding a run of each class's points, the
// cells ascend along the score axis, and the starts of two cells two apart differ by more
// than h. Two routes make them, as in the gradient (FastSoftAUROC.swift):
// - Grid (dense data: the scores span fewer than P + N cell widths): cell g of the grid
//   holds the points with floor((s - min) / (h T)) = g; each class is grouped by a
//   counting sort (stable, in index order: the layout depends on the data alone), and the
//   non-empty grid cells are the cells, with lo and hi their smallest and largest score.
//   No comparison sort; points inside a cell are in index order, which nothing needs.
// - Sorted (sparse data): each class is radix-sorted, and the merged points are cut
//   greedily: a cell starts at the first point not yet covered, lo, and takes every
//   point s with (s - lo) / T <= h.
// On both routes every point of a cell lies in [lo, lo + h T] (on the grid up to the
// rounding of (s - min) / (h T), a relative 2^-52 of h, which moves a Chebyshev
// coordinate by as much and changes no bound), and a cell two further up starts more
// than h T above a cell's end (greedy: each start is more than h T above the previous
// one; grid: a whole grid cell lies between them), which bounds how many cells any
// window holds (the far sweeps' and the near field's costs and rounding bounds).
// Near runs: cell b is near cell c when the gap between them is below C
// (`nearDistance`); for each cell they are a contiguous run nearLo ... nearHi. When
// summing every pair of cells in the near field is cheap (`allNearBudget`), every cell
// is near every other and the far sweeps are skipped.

/// The grid of cells of width h T from `origin` (the smallest score of positive weight).
struct HessianGrid {
    let origin: Double
    let temperature: Double
    let inverseStep: Double
    let last: Int

    init(origin: Double, temperature: Double, count: Int) {
        self.origin = origin
        self.temperature = temperature
        inverseStep = 1 / (SoftHessianParameters.cellWidth * temperature)
        last = count - 1
    }

    /// The grid cell of x, clamped to 0 ... last (scores of weight-0 samples may lie
    /// outside the grid; they are never stored).
    @inline(__always)
    func cell(_ x: Double) -> Int {
        let d = x - origin
        let scaled = d.isFinite && inverseStep.isFinite
            ? d * inverseStep
            : hessianDifference(x, origin, temperature) / SoftHessianParameters.cellWidth
        if !(scaled > 0) { return 0 }
        return scaled < Double(last) ? Int(scaled) : last
    }
}

/// The cells shared by both classes' kernel sums: cell c holds positives
/// posStart[c] ..< posStart[c + 1] and negatives negStart[c] ..< negStart[c + 1], spans
/// [lo[c], hi[c]], and its near cells are nearLo[c] ... nearHi[c]. One allocation.
/// Starts and near runs are `I.Position` (Int32 up to 2^31 - 1 samples, Int64 above:
/// FastSoftIndices.swift).
struct HessianCellTable<I: FastSoftIndices> {
    let count: Int
    let posStart: UnsafeMutablePointer<I.Position>
    let negStart: UnsafeMutablePointer<I.Position>
    let nearLo: UnsafeMutablePointer<I.Position>
    let nearHi: UnsafeMutablePointer<I.Position>
    let lo: UnsafeMutablePointer<Double>
    let hi: UnsafeMutablePointer<Double>
    /// Every pair of cells is near: the far sweeps are skipped.
    private(set) var allNear = false
    private let block: UnsafeMutableRawPointer?

    /// Room for `count` cells (starts, near runs and bounds uninitialized).
    init(count c: Int) throws(CoreError) {
        count = c
        let positionSize = MemoryLayout<I.Position>.stride
        let (bytes, overflow) = c.multipliedReportingOverflow(by: 4 * positionSize + 8 * 2)
        // + 16: the two extra starts (2 positions of at most 8 bytes).
        guard !overflow, bytes <= Int.max - 16, let raw = malloc(bytes + 16) else { throw .allocationFailed }
        block = raw
        let d = raw.bindMemory(to: Double.self, capacity: 2 * c)
        lo = d
        hi = d + c
        let i = (raw + 16 * c).bindMemory(to: I.Position.self, capacity: 4 * c + 2)
        posStart = i
        negStart = i + (c + 1)
        nearLo = i + 2 * (c + 1)
        nearHi = nearLo + c
    }

    func free() {
        if let block { Glibc.free(block) }
    }

    @inline(__always) func posRange(_ c: Int) -> Range<Int> { Int(posStart[c])..<Int(posStart[c + 1]) }
    @inline(__always) func negRange(_ c: Int) -> Range<Int> { Int(negStart[c])..<Int(negStart[c + 1]) }

    /// The greedy cells of two sorted classes (see the top of the file).
    static func greedy(_ pos: HessianClass, _ neg: HessianClass,
                       temperature T: Double) throws(CoreError) -> HessianCellTable {
        let h = SoftHessianParameters.cellWidth
        let P = pos.count, N = neg.count
        func cut(_ table: HessianCellTable?) -> Int {
            var t = 0, s = 0, c = 0
            while t < P || s < N {
                let start = t < P && (s >= N || pos.scores[t] <= neg.scores[s]) ? pos.scores[t] : neg.scores[s]
                table?.posStart[c] = I.Position(truncatingIfNeeded: t)
                table?.negStart[c] = I.Position(truncatingIfNeeded: s)
                var top = start
                while t < P && hessianDifference(pos.scores[t], start, T) <= h {
                    top = Swift.max(top, pos.scores[t])
                    t += 1
                }
                while s < N && hessianDifference(neg.scores[s], start, T) <= h {
                    top = Swift.max(top, neg.scores[s])
                    s += 1
                }
                table?.lo[c] = start
                table?.hi[c] = top
                c += 1
            }
            table?.posStart[c] = I.Position(truncatingIfNeeded: t)
            table?.negStart[c] = I.Position(truncatingIfNeeded: s)
            return c
        }
        var table = try HessianCellTable(count: cut(nil))
        _ = cut(table)
        table.findNearRuns(temperature: T, points: P + N)
        return table
    }

    /// The non-empty cells of the grid, from each class's end offsets per grid cell
    /// (`HessianClass.fillGrid`); lo and hi from the points (on two threads when
    /// `parallel`: two halves of the cells, disjoint writes).
    static func grid(_ pos: HessianClass, _ neg: HessianClass, posEnds: UnsafePointer<I.Position>,
                     negEnds: UnsafePointer<I.Position>, gridCount: Int, temperature T: Double,
                     parallel: Bool) throws(CoreError) -> HessianCellTable {
        var nonEmpty = 0
        var p: I.Position = 0, q: I.Position = 0
        for g in 0..<gridCount {
            if posEnds[g] > p || negEnds[g] > q { nonEmpty += 1 }
            p = posEnds[g]
            q = negEnds[g]
        }
        var table = try HessianCellTable(count: nonEmpty)
        p = 0
        q = 0
        var c = 0
        for g in 0..<gridCount {
            if posEnds[g] > p || negEnds[g] > q {
                table.posStart[c] = p
                table.negStart[c] = q
                c += 1
            }
            p = posEnds[g]
            q = negEnds[g]
        }
        table.posStart[c] = p
        table.negStart[c] = q
        let half = nonEmpty / 2
        runConcurrently(inParallel: parallel, with: (table, pos, neg, half), { c in
            c.0.setBounds(c.1, c.2, 0..<c.3)
        }, { c in
            c.0.setBounds(c.1, c.2, c.3..<c.0.count)
        })
        table.findNearRuns(temperature: T, points: pos.count + neg.count)
        return table
    }

    /// lo and hi of the cells in `range` from their points (any order inside a cell).
    private func setBounds(_ pos: HessianClass, _ neg: HessianClass, _ range: Range<Int>) {
        for c in range {
            let a = posRange(c), b = negRange(c)
            let positives = scoreRange(UnsafeBufferPointer(start: pos.scores + a.lowerBound, count: a.count))
            let negatives = scoreRange(UnsafeBufferPointer(start: neg.scores + b.lowerBound, count: b.count))
            lo[c] = Swift.min(positives.min, negatives.min)
            hi[c] = Swift.max(positives.max, negatives.max)
        }
    }

    /// The near run of every cell (the gap to cell c is monotone in the other cell's
    /// index), or all cells when summing every pair of cells in the near field costs at
    /// most `SoftHessianParameters.allNearBudget` kernels a point: each cell counts as
    /// min(points, r) targets and min(points, r) sources (a large cell is r nodes).
    private mutating func findNearRuns(temperature T: Double, points: Int) {
        let r = SoftHessianParameters.nodes
        var posWork = 0, negWork = 0
        for c in 0..<count {
            posWork += Swift.min(posRange(c).count, r)
            negWork += Swift.min(negRange(c).count, r)
        }
        let (work, overflow) = posWork.multipliedReportingOverflow(by: negWork)
        allNear = !overflow && work <= SoftHessianParameters.allNearBudget * points
        if allNear {
            for c in 0..<count {
                nearLo[c] = 0
                nearHi[c] = I.Position(truncatingIfNeeded: count - 1)
            }
            return
        }
        let cNear = SoftHessianParameters.nearDistance
        var below = 0
        for c in 0..<count {
            while hessianDifference(lo[c], hi[below], T) >= cNear { below += 1 }
            nearLo[c] = I.Position(truncatingIfNeeded: below)
        }
        var above = count - 1
        for c in stride(from: count - 1, through: 0, by: -1) {
            while hessianDifference(lo[above], hi[c], T) >= cNear { above -= 1 }
            nearHi[c] = I.Position(truncatingIfNeeded: above)
        }
    }
}
