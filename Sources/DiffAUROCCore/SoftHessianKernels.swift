#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The pair kernels of the soft AUROC's second derivatives, and the O(n log n) sums of
// them over one class that `SoftHessian.swift` assembles into Hessian-vector products.
//
// Kernels, as functions of y = (target - source) / T (sigma the logistic sigmoid):
//
//   curvature  sigma''(y)                       odd
//   mixed      sigma'(y) + y sigma''(y)         even   (d/dy of y sigma'(y))
//   moment2    2 y sigma'(y) + y^2 sigma''(y)   odd    (d/dy of y^2 sigma'(y))
//
// `HessianKernelSums` computes, for every target t (sorted scores of one class), with
// sources s (the other class) carrying two weight vectors w0 >= 0 and w1 (any sign):
//
//   out[0] = sum_s w0_s curvature(y),  out[1] = sum_s w1_s curvature(y),
//   out[2] = sum_s w0_s mixed(y),      out[3] = sum_s w0_s moment2(y).
//
// Method (the same plan as the gradient's fast path, FastSoftAUROC.swift, written for
// these kernels and for signed weights):
// - Cells (`HessianCellTable`, SoftHessianLayout.swift, shared by both classes' sums):
//   score intervals [lo, hi] of scaled width at most h (`cellWidth`), ascending, from a
//   grid (dense data) or cut greedily from the sorted points; a cell two further up
//   starts more than h above a cell's end. Two cells are near when the gap (lo of the
//   upper - hi of the lower) / T is below C (`nearDistance`); for each cell its near
//   cells are a contiguous run, and every pair of points in far cells has |y| >= C.
// - Far pairs: for y >= C each kernel is a series in e^-y,
//     sigma''(y)  = sum_k (-1)^k k^2 e^-ky
//     mixed(y)    = sum_k (-1)^(k+1) (k - k^2 y) e^-ky
//     moment2(y)  = sum_k (-1)^(k+1) (2k y - k^2 y^2) e^-ky,
//   kept to K = `seriesTerms` terms. One sweep up (sources in far cells below) and one down
//   (far cells above; the odd kernels change sign) keep, per k, the moments
//   S_m = sum_s w_s y_s^m e^-k y_s (m = 0, 1, 2) relative to the current cell's start;
//   moving the reference by d multiplies by e^-kd and shifts the powers of y
//   (S1 <- e^-kd (S1 + d S0), S2 <- e^-kd (S2 + 2d S1 + d^2 S0)): every factor <= 1, so
//   nothing overflows, and a target at offset delta in [0, h] reads its sums as
//   polynomials in delta of series in e^-k delta.
// - Near pairs: direct sums when a cell has at most r = `nodes` points of the class
//   concerned; otherwise Chebyshev interpolation at r first-kind nodes on the cell's
//   interval [lo, lo + hT]: a large source cell is replaced by r weighted nodes (the
//   weights sum_s w_s L_l(z_s), L_l the Lagrange basis), a large target cell gets the
//   sums at its r nodes and interpolates them at its points.
//
// Accuracy (bar: 1e-12 of sum_s |w_s| for each sum; measured, python/tests/
// test_soft_hessian.py, against a long double pairwise oracle: below 1e-14).
// - Series truncation: the first dropped term, k = K + 1 = 11 at y = C = 4, is at most
//   121 * 16 * e^-44 < 2e-16 for moment2 (less for the others), and the tail alternates
//   with decreasing terms for y >= C.
// - Rounding in the sweeps: the moments decay by one rounded factor per cell with targets
//   passed; over a distance D at most 2D/h + 2 cells are passed, so a source's term carries
//   a relative error below (2D + 2)(k + 3) eps on a term of size D^2 e^-kD, D >= C: at
//   most about 4e-15 of its weight.
// - Interpolation: each kernel is analytic in the strip |Im y| < pi (poles of sigma at
//   i pi (2j + 1)); a cell spans h = 1, so for an ellipse reaching 0.8 pi off the axis the
//   Bernstein parameter is rho = 0.8 pi / 0.5 + sqrt(1 + (1.6 pi)^2) > 10, and the
//   interpolation error of r = 16 nodes is at most 4 M rho^-r / (rho - 1) with M the
//   kernel's bound on that ellipse (a few hundred for moment2 at |y| <= C + 2h): below
//   1e-14, once for the source side and once for the target side. The near pairs have
//   |y| <= C + 2h = 6, so every kernel and polynomial in y stays small.
// - Differences: every y is formed from two scores as (a - b) / T (`hessianDifference`),
//   or as such a difference plus in-cell offsets in [0, h], never from s / T.
// - Near field without an exponential per pair (cells near, not all-near): e^-y is the
//   product of per-cell-pair, per-node and per-point factors, each e^-x for a difference
//   or offset x with |x| < C + 2h = 6 (so every factor and product lies in [e^-7, e^7]),
//   each within a few ulps (`exponentialOfNonPositive`, a reciprocal for x < 0); the
//   product is within about 4 ulps of e^-y, and the kernels from (y, e^-y)
//   (`hessianKernels8(_:_:)`) are as accurate as from e^-|y|: the bar is absolute.

/// Tuning of the Hessian sums (scaled units: score differences divided by T).
enum SoftHessianParameters {
    /// h: the largest width of a cell.
    static let cellWidth = 1.0
    /// C: cells whose gap is at least C are far.
    static let nearDistance = 4.0
    /// K: terms of the far series.
    static let seriesTerms = 10
    /// r: Chebyshev nodes per cell.
    static let nodes = 16
    /// When summing all pairs of cells in the near field costs at most this many kernels
    /// a point, the far sweeps (about 2 * 5K multiply-adds and an exp a point) are skipped.
    /// Typical case: N(0, 1) scores at T = 1 make about a dozen cells of 10^5 points.
    static let allNearBudget = 8
}

/// (a - b) / T without overflow of a - b (see `scaledDifference`; repeated here so this
/// file does not depend on the gradient's kernels file).
@inline(__always)
func hessianDifference(_ a: Double, _ b: Double, _ temperature: Double) -> Double {
    let d = a - b
    if d.isFinite { return d / temperature }
    return ((a * 0.5 - b * 0.5) / temperature) * 2
}

/// The three kernels at y (see the top of the file). Finite for every y: at |y| = inf
/// all are 0 (their limits). One exp; e^-|y| - 1 is formed as e - 1, exact (Sterbenz)
/// for e >= 1/2 and within an ulp of 1 otherwise, so every kernel is within a few ulps
/// of its largest magnitude (the bar is absolute: 1e-12 of the weights' sum).
@inline(__always)
func hessianKernels(_ y: Double) -> (curvature: Double, mixed: Double, moment2: Double) {
    let a = Swift.abs(y)
    guard a.isFinite else { return (0, 0, 0) }
    let e = exp(-a)             // e^-a, in [0, 1]
    let em = e - 1              // e^-a - 1, in [-1, 0]
    let r = 1.0 / (2.0 + em)    // sigma(a) = 1 / (1 + e^-a)
    let slope = e * r * r       // sigma'(a)
    let c = slope * em * r      // sigma''(a) = -e (1 - e) r^3 <= 0
    let mixed = slope + a * c
    let m2 = 2 * a * slope + a * a * c
    return y < 0 ? (-c, mixed, -m2) : (c, mixed, m2)
}

/// Writes the node offsets u_l = h (z_l + 1) / 2 of the first-kind Chebyshev nodes
/// z_l = cos((2l + 1) pi / (2r)) to `offsets` (r values) and T_m(z_l) for m, l < r to
/// `table[m * r + l]` (by the recurrence, as the points' T_m are computed).
private func fillChebyshevTables(offsets: UnsafeMutablePointer<Double>,
                                 table: UnsafeMutablePointer<Double>) {
    let r = SoftHessianParameters.nodes
    let h = SoftHessianParameters.cellWidth
    for l in 0..<r {
        let z = cos(Double(2 * l + 1) * Double.pi / Double(2 * r))
        offsets[l] = h * (z + 1) / 2
        var t0 = 1.0, t1 = z
        table[l] = 1
        table[r + l] = z
        for m in 2..<r {
            let t2 = 2 * z * t1 - t0
            table[m * r + l] = t2
            t0 = t1
            t1 = t2
        }
    }
}

/// One engine: the four sums at every target (see the top of the file). All memory is
/// allocated by `allocate` (so a failure is reported before any output is written) and
/// released by `free`; `run` cannot fail.
struct HessianKernelSums<I: FastSoftIndices> {
    var temperature: Double
    var targets: UnsafePointer<Double>
    var targetCount: Int
    var sources: UnsafePointer<Double>
    var sourceCount: Int
    var w0: UnsafePointer<Double>
    var w1: UnsafePointer<Double>
    /// 4 * targetCount: out[q * targetCount + i] is sum q at target i.
    var out: UnsafeMutablePointer<Double>

    /// The cells (shared by both classes' sums, `HessianCellTable`): this engine's
    /// targets of cell c are targetStart[c] ..< targetStart[c + 1], its sources
    /// sourceStart[c] ..< sourceStart[c + 1].
    private let cellCount: Int
    private let targetStart: UnsafeMutablePointer<I.Position>
    private let sourceStart: UnsafeMutablePointer<I.Position>
    private let nearLo: UnsafeMutablePointer<I.Position>
    private let nearHi: UnsafeMutablePointer<I.Position>
    private let lo: UnsafeMutablePointer<Double>
    private let hi: UnsafeMutablePointer<Double>
    private let allNear: Bool

    // Scratch.
    private var block: UnsafeMutableRawPointer?
    private var nodeOffset: UnsafeMutablePointer<I.Position>
    private var nodeWeights: UnsafeMutablePointer<Double>
    /// Fixed-size work: Chebyshev tables and the sweeps' moments (no Swift arrays, so no
    /// allocation can trap once `init` has succeeded).
    private var offsets: UnsafeMutablePointer<Double>
    private var table: UnsafeMutablePointer<Double>
    private var moments: UnsafeMutablePointer<Double>
    private var coef: UnsafeMutablePointer<Double>
    private var local: UnsafeMutablePointer<Double>
    private var coefficients: UnsafeMutablePointer<Double>
    private var nodeMoments: UnsafeMutablePointer<Double>
    /// 2 r vectors of eight lanes: the node moments of eight sources at once.
    private var laneMoments: UnsafeMutablePointer<Double>
    /// The near field's staged sources (`stagedRun` of them at a time): offsets
    /// (lo_c - s) / T, factors e^-offset, and their two weights; and the staged targets of
    /// a small cell: offsets (t - lo_c) / T and e^-offset.
    private var runOffset: UnsafeMutablePointer<Double>
    private var runFactor: UnsafeMutablePointer<Double>
    private var runW0: UnsafeMutablePointer<Double>
    private var runW1: UnsafeMutablePointer<Double>
    private var targetOffset: UnsafeMutablePointer<Double>
    private var targetFactor: UnsafeMutablePointer<Double>
    /// e^-u and e^u at the r node offsets u (for the factored near field).
    private var nodeDecay: UnsafeMutablePointer<Double>
    private var nodeGrowth: UnsafeMutablePointer<Double>
    /// How many sources the near field stages at once.
    static var stagedRun: Int { 256 }

    /// The sums at `pos` (sources `neg`) when `atPositives`, else at `neg` (sources
    /// `pos`), with the source weights w0 = mass and w1 = mass * direction.
    init(temperature: Double, cells: HessianCellTable<I>, pos: HessianClass, neg: HessianClass,
         atPositives: Bool) throws(CoreError) {
        let targetClass = atPositives ? pos : neg, sourceClass = atPositives ? neg : pos
        self.temperature = temperature
        targets = UnsafePointer(targetClass.scores)
        targetCount = targetClass.count
        sources = UnsafePointer(sourceClass.scores)
        sourceCount = sourceClass.count
        w0 = UnsafePointer(sourceClass.mass)
        w1 = UnsafePointer(sourceClass.massDirection)
        out = targetClass.sums
        cellCount = cells.count
        targetStart = atPositives ? cells.posStart : cells.negStart
        sourceStart = atPositives ? cells.negStart : cells.posStart
        nearLo = cells.nearLo
        nearHi = cells.nearHi
        lo = cells.lo
        hi = cells.hi
        allNear = cells.allNear
        let r = SoftHessianParameters.nodes
        // Large source cells hold more than r sources each.
        let largeCells = Swift.min(cellCount, sourceCount / (r + 1) + 1)
        let K = SoftHessianParameters.seriesTerms
        let staged = 4 * HessianKernelSums.stagedRun + 2 * (r + 8) + 2 * r
        let fixed = r + r * r + 4 * K + 5 * K + 4 * r + 4 * r + 2 * r + 2 * r * 8 + staged
        let doubles = 2 * r * largeCells + fixed
        let bytes = doubles * 8 + cellCount * MemoryLayout<I.Position>.stride + 8
        guard let raw = malloc(bytes) else { throw .allocationFailed }
        block = raw
        let d = raw.bindMemory(to: Double.self, capacity: doubles)
        nodeWeights = d
        offsets = nodeWeights + 2 * r * largeCells
        table = offsets + r
        moments = table + r * r
        coef = moments + 4 * K
        local = coef + 5 * K
        coefficients = local + 4 * r
        nodeMoments = coefficients + 4 * r
        laneMoments = nodeMoments + 2 * r
        runOffset = laneMoments + 2 * r * 8
        runFactor = runOffset + HessianKernelSums.stagedRun
        runW0 = runFactor + HessianKernelSums.stagedRun
        runW1 = runW0 + HessianKernelSums.stagedRun
        targetOffset = runW1 + HessianKernelSums.stagedRun
        targetFactor = targetOffset + (r + 8)
        nodeDecay = targetFactor + (r + 8)
        nodeGrowth = nodeDecay + r
        fillChebyshevTables(offsets: offsets, table: table)
        for l in stride(from: 0, to: r, by: 8) {
            let e = exponentialOfNonPositive(-load8(offsets + l))
            store8(e, nodeDecay + l)
            store8(1 / e, nodeGrowth + l)
        }
        nodeOffset = (raw + doubles * 8).bindMemory(to: I.Position.self, capacity: cellCount)
    }

    func free() {
        if let block { Glibc.free(block) }
    }

    @inline(__always) private func targetRange(_ c: Int) -> Range<Int> {
        Int(targetStart[c])..<Int(targetStart[c + 1])
    }

    @inline(__always) private func sourceRange(_ c: Int) -> Range<Int> {
        Int(sourceStart[c])..<Int(sourceStart[c + 1])
    }

    mutating func run() {
        for k in 0..<(4 * targetCount) { out[k] = 0 }
        guard targetCount > 0, sourceCount > 0 else { return }
        // With all cells near (few cells), every pair of cells goes through the near field
        // (its accuracy argument holds at any distance: the kernels are analytic in the
        // same strip and bounded on it), and the far sweeps are skipped.
        if !allNear {
            farSweepUp()
            farSweepDown()
        }
        makeNodeWeights()
        nearField()
    }

    /// Far cells below each target cell (y >= C), by the decaying moments.
    private mutating func farSweepUp() {
        let K = SoftHessianParameters.seriesTerms
        let T = temperature
        // Moments per k: set 0 orders 0, 1, 2; set 1 order 0.
        let m0 = moments, m1 = moments + K, m2 = moments + 2 * K, n0 = moments + 3 * K
        for k in 0..<(4 * K) { moments[k] = 0 }
        var reference = 0.0
        var haveReference = false
        var added = 0          // source cells [0, added) are in the moments
        var any = false
        for c in 0..<cellCount {
            let targetsHere = targetRange(c)
            if targetsHere.isEmpty { continue }
            let limit = Int(nearLo[c])
            if !any && added >= limit { continue }
            let r = lo[c]
            if haveReference { decay(m0, m1, m2, n0, hessianDifference(r, reference, T)) }
            reference = r
            haveReference = true
            while added < limit {
                for j in sourceRange(added) {
                    addSource(m0, m1, m2, n0, y: hessianDifference(r, sources[j], T),
                              w0: w0[j], w1: w1[j])
                    any = true
                }
                added += 1
            }
            if !any { continue }
            seriesCoefficients(m0, m1, m2, n0, coef)
            var i = targetsHere.lowerBound
            while i < targetsHere.upperBound {
                let m = Swift.min(8, targetsHere.upperBound - i)
                var delta = SIMD8<Double>(repeating: 0)
                for lane in 0..<m { delta[lane] = hessianDifference(targets[i + lane], r, T) }
                evaluate8(coef, delta: delta, first: i, count: m, sign: 1)
                i += m
            }
        }
    }

    /// Far cells above each target cell (y <= -C): the same with |y| = (s - t) / T.
    private mutating func farSweepDown() {
        let K = SoftHessianParameters.seriesTerms
        let T = temperature
        let m0 = moments, m1 = moments + K, m2 = moments + 2 * K, n0 = moments + 3 * K
        for k in 0..<(4 * K) { moments[k] = 0 }
        var reference = 0.0
        var haveReference = false
        var added = cellCount - 1   // source cells (added, cellCount) are in the moments
        var any = false
        for c in stride(from: cellCount - 1, through: 0, by: -1) {
            let targetsHere = targetRange(c)
            if targetsHere.isEmpty { continue }
            let limit = Int(nearHi[c])
            if !any && added <= limit { continue }
            let r = hi[c]
            if haveReference { decay(m0, m1, m2, n0, hessianDifference(reference, r, T)) }
            reference = r
            haveReference = true
            while added > limit {
                for j in sourceRange(added) {
                    addSource(m0, m1, m2, n0, y: hessianDifference(sources[j], r, T),
                              w0: w0[j], w1: w1[j])
                    any = true
                }
                added -= 1
            }
            if !any { continue }
            seriesCoefficients(m0, m1, m2, n0, coef)
            var i = targetsHere.lowerBound
            while i < targetsHere.upperBound {
                let m = Swift.min(8, targetsHere.upperBound - i)
                var delta = SIMD8<Double>(repeating: 0)
                for lane in 0..<m { delta[lane] = hessianDifference(r, targets[i + lane], T) }
                evaluate8(coef, delta: delta, first: i, count: m, sign: -1)
                i += m
            }
        }
    }

    /// Moves the moments' reference by d >= 0 (scaled units).
    @inline(__always)
    private func decay(_ m0: UnsafeMutablePointer<Double>, _ m1: UnsafeMutablePointer<Double>,
                       _ m2: UnsafeMutablePointer<Double>, _ n0: UnsafeMutablePointer<Double>,
                       _ d: Double) {
        let K = SoftHessianParameters.seriesTerms
        let e1 = exp(-d)
        if e1 == 0 || !d.isFinite {
            for k in 0..<K { m0[k] = 0; m1[k] = 0; m2[k] = 0; n0[k] = 0 }
            return
        }
        var f = 1.0
        for k in 0..<K {
            f *= e1
            let s0 = m0[k], s1 = m1[k]
            m2[k] = f * (m2[k] + 2 * d * s1 + d * d * s0)
            m1[k] = f * (s1 + d * s0)
            m0[k] = f * s0
            n0[k] *= f
        }
    }

    /// Adds one source at distance y >= C below (or above) the reference.
    @inline(__always)
    private func addSource(_ m0: UnsafeMutablePointer<Double>, _ m1: UnsafeMutablePointer<Double>,
                           _ m2: UnsafeMutablePointer<Double>, _ n0: UnsafeMutablePointer<Double>,
                           y: Double, w0: Double, w1: Double) {
        let K = SoftHessianParameters.seriesTerms
        let e1 = exp(-y)
        if e1 == 0 || !y.isFinite { return }   // every term underflows
        var f = 1.0
        for k in 0..<K {
            f *= e1
            let a = w0 * f
            m0[k] += a
            m1[k] += a * y
            m2[k] += a * y * y
            n0[k] += w1 * f
        }
    }

    /// Per-k coefficients of the five series a target evaluates (see `evaluate`).
    @inline(__always)
    private func seriesCoefficients(_ m0: UnsafeMutablePointer<Double>,
                                    _ m1: UnsafeMutablePointer<Double>,
                                    _ m2: UnsafeMutablePointer<Double>,
                                    _ n0: UnsafeMutablePointer<Double>,
                                    _ coef: UnsafeMutablePointer<Double>) {
        let K = SoftHessianParameters.seriesTerms
        for k in 0..<K {
            let kk = Double(k + 1)
            let sign: Double = (k + 1) % 2 == 0 ? 1 : -1     // (-1)^k for k = index + 1
            coef[k] = sign * kk * kk * m0[k]                            // curvature, set 0
            coef[K + k] = sign * kk * kk * n0[k]                        // curvature, set 1
            coef[2 * K + k] = -sign * (kk * m0[k] - kk * kk * m1[k])    // mixed, delta^0
            coef[3 * K + k] = -sign * (2 * kk * m1[k] - kk * kk * m2[k])  // moment2, delta^0
            coef[4 * K + k] = -sign * (2 * kk * m0[k] - 2 * kk * kk * m1[k])  // moment2, delta^1
        }
    }

    /// Adds the far sums at up to eight targets first..<first + count (one per lane),
    /// offset delta in [0, h] from the reference:
    ///   curvature = P_c, mixed = G0 + delta P_c, moment2 = P0 + delta P1 + delta^2 P_c,
    /// each P a series sum_k coef_k e^-k delta; sign -1 (sources above) negates the odd
    /// kernels. Unused lanes (delta 0) are computed and dropped.
    @inline(__always)
    private func evaluate8(_ coef: UnsafeMutablePointer<Double>, delta: SIMD8<Double>,
                           first i: Int, count: Int, sign: Double) {
        let K = SoftHessianParameters.seriesTerms
        let e1 = exponentialOfNonPositive(-delta)
        let zero = SIMD8<Double>(repeating: 0)
        var f = SIMD8<Double>(repeating: 1)
        var pc = zero, pn = zero, g0 = zero, p0 = zero, p1 = zero
        for k in 0..<K {
            f *= e1
            pc += f * coef[k]
            pn += f * coef[K + k]
            g0 += f * coef[2 * K + k]
            p0 += f * coef[3 * K + k]
            p1 += f * coef[4 * K + k]
        }
        let curvature = sign * pc, curvatureDirection = sign * pn
        let mixed = g0 + delta * pc
        let moment2 = sign * (p0 + delta * (p1 + delta * pc))
        let n = targetCount
        for lane in 0..<count {
            out[i + lane] += curvature[lane]
            out[n + i + lane] += curvatureDirection[lane]
            out[2 * n + i + lane] += mixed[lane]
            out[3 * n + i + lane] += moment2[lane]
        }
    }

    /// For every cell with more than r sources: the two node-weight vectors
    /// W_l = sum_s w_s L_l(z_s), z_s = 2 (s - lo) / (hT) - 1.
    private mutating func makeNodeWeights() {
        let r = SoftHessianParameters.nodes
        let h = SoftHessianParameters.cellWidth
        let T = temperature
        // The k-th cell with more than r sources owns node weights 2rk ..< 2r(k + 1);
        // nodeOffset holds k (an `I.Position` counts the large cells, at most n / (r + 1);
        // 2rk itself would overflow Int32 near n = 1.1e9).
        var largeCell: I.Position = 0
        let moments0 = nodeMoments, moments1 = nodeMoments + r
        do {
            for c in 0..<cellCount {
                let range = sourceRange(c)
                guard range.count > r else { nodeOffset[c] = -1; continue }
                nodeOffset[c] = largeCell
                // Eight sources in lanes (a short last group padded with weight 0 at
                // z = 0, adding +-0); lane m of vector q holds the moment m of set q.
                let lanes0 = laneMoments, lanes1 = laneMoments + 8 * r
                for k in 0..<(16 * r) { laneMoments[k] = 0 }
                let base = lo[c]
                var j = range.lowerBound
                while j < range.upperBound {
                    let count = Swift.min(8, range.upperBound - j)
                    var z = SIMD8<Double>(repeating: 0), a = z, b = z
                    for lane in 0..<count {
                        z[lane] = 2 * hessianDifference(sources[j + lane], base, T) / h - 1
                        a[lane] = w0[j + lane]
                        b[lane] = w1[j + lane]
                    }
                    var t0 = SIMD8<Double>(repeating: 1), t1 = z
                    hessianAdd8(a, lanes0)
                    hessianAdd8(b, lanes1)
                    hessianAdd8(a * t1, lanes0 + 8)
                    hessianAdd8(b * t1, lanes1 + 8)
                    for m in 2..<r {
                        let t2 = 2 * z * t1 - t0
                        hessianAdd8(a * t2, lanes0 + 8 * m)
                        hessianAdd8(b * t2, lanes1 + 8 * m)
                        t0 = t1
                        t1 = t2
                    }
                    j += count
                }
                for m in 0..<r {
                    moments0[m] = hessianSum8(hessianLoad8(lanes0 + 8 * m))
                    moments1[m] = hessianSum8(hessianLoad8(lanes1 + 8 * m))
                }
                let w = nodeWeights + 2 * r * Int(largeCell)
                for l in 0..<r {
                    var s0 = moments0[0], s1 = moments1[0]
                    for m in 1..<r {
                        s0 += 2 * table[m * r + l] * moments0[m]
                        s1 += 2 * table[m * r + l] * moments1[m]
                    }
                    w[l] = s0 / Double(r)
                    w[r + l] = s1 / Double(r)
                }
                largeCell += 1
            }
        }
    }

    /// The near pairs of every target cell. Kernels in eight lanes (`hessianKernels8`):
    /// over the r nodes of a cell (r = 16, two vectors) or over up to eight sources of a
    /// small cell at once; each lane vector is reduced in a fixed order (`hessianSum8`), so
    /// the bits do not depend on the build or the thread count.
    private mutating func nearField() {
        let r = SoftHessianParameters.nodes
        precondition(r == 16, "the near field's lanes assume r = 16 nodes")
        let h = SoftHessianParameters.cellWidth
        let T = temperature
        let n = targetCount
        let nodeLow = hessianLoad8(offsets), nodeHigh = hessianLoad8(offsets + 8)
        let decayLow = hessianLoad8(nodeDecay), decayHigh = hessianLoad8(nodeDecay + 8)
        let growthLow = hessianLoad8(nodeGrowth), growthHigh = hessianLoad8(nodeGrowth + 8)
        let zero = SIMD8<Double>(repeating: 0)
        // Near cells only (not all-near): every |y| < C + 2h, so e^-y is formed from
        // per-cell, per-node and per-point factors (each below e^6, see `smallCellsNear`)
        // and no exponential is evaluated per pair; all-near pairs may be far apart, where
        // such factors would overflow: they take one exponential of -|y| per pair.
        let factored = !allNear
        @inline(__always)
        func kernels(_ y: SIMD8<Double>, _ e: SIMD8<Double>)
            -> (curvature: SIMD8<Double>, mixed: SIMD8<Double>, moment2: SIMD8<Double>) {
            factored ? hessianKernels8(y, e) : hessianKernels8(y)
        }
        do {
            for c in 0..<cellCount {
                let targetsHere = targetRange(c)
                if targetsHere.isEmpty { continue }
                let largeTarget = targetsHere.count > r
                if largeTarget { for k in 0..<(4 * r) { local[k] = 0 } }
                var b = Int(nearLo[c])
                let last = Int(nearHi[c])
                while b <= last {
                    var sourcesHere = sourceRange(b)
                    let node = nodeOffset[b]
                    let cell = b    // the source cell (the first of a run of small ones)
                    if !largeTarget && node < 0 {
                        // A small target cell takes a run of small source cells at once
                        // (their sources are consecutive), so that the lanes stay full.
                        while b < last && nodeOffset[b + 1] < 0 { b += 1 }
                        sourcesHere = sourcesHere.lowerBound..<Int(sourceStart[b + 1])
                    }
                    b += 1
                    if sourcesHere.isEmpty { continue }
                    if largeTarget {
                        if node >= 0 {
                            // Nodes to nodes: y = (lo_c - lo_b)/T + (u_k - u_l).
                            // Factored (near cells): e^-y = e^-d e^-u_k e^u_l.
                            let d = hessianDifference(lo[c], lo[cell], T)
                            let ed = signedDecay(d)
                            let w = nodeWeights + 2 * r * Int(node)
                            let w0Low = hessianLoad8(w), w0High = hessianLoad8(w + 8)
                            let w1Low = hessianLoad8(w + r), w1High = hessianLoad8(w + r + 8)
                            for k in 0..<r {
                                let u = SIMD8<Double>(repeating: offsets[k])
                                let ek = SIMD8<Double>(repeating: ed * nodeDecay[k])
                                let kl = kernels(d + (u - nodeLow), ek * growthLow)
                                let kh = kernels(d + (u - nodeHigh), ek * growthHigh)
                                local[k] += hessianSum8(w0Low * kl.curvature + w0High * kh.curvature)
                                local[r + k] += hessianSum8(w1Low * kl.curvature + w1High * kh.curvature)
                                local[2 * r + k] += hessianSum8(w0Low * kl.mixed + w0High * kh.mixed)
                                local[3 * r + k] += hessianSum8(w0Low * kl.moment2 + w0High * kh.moment2)
                            }
                        } else {
                            // Sources to the r target nodes, the nodes in lanes.
                            var c0l = zero, c0h = zero, c1l = zero, c1h = zero
                            var g0l = zero, g0h = zero, m0l = zero, m0h = zero
                            // Factored (near cells): e^-y = e^-(lo_c - s)/T e^-u_l.
                            stageSources(sourcesHere, base: lo[c])
                            for j in sourcesHere {
                                let y = runOffset[j - sourcesHere.lowerBound]
                                let es = SIMD8<Double>(repeating: runFactor[j - sourcesHere.lowerBound])
                                let kl = kernels(y + nodeLow, es * decayLow)
                                let kh = kernels(y + nodeHigh, es * decayHigh)
                                let a = SIMD8<Double>(repeating: w0[j])
                                let bw = SIMD8<Double>(repeating: w1[j])
                                c0l += a * kl.curvature
                                c0h += a * kh.curvature
                                c1l += bw * kl.curvature
                                c1h += bw * kh.curvature
                                g0l += a * kl.mixed
                                g0h += a * kh.mixed
                                m0l += a * kl.moment2
                                m0h += a * kh.moment2
                            }
                            hessianAdd8(c0l, local); hessianAdd8(c0h, local + 8)
                            hessianAdd8(c1l, local + r); hessianAdd8(c1h, local + r + 8)
                            hessianAdd8(g0l, local + 2 * r); hessianAdd8(g0h, local + 2 * r + 8)
                            hessianAdd8(m0l, local + 3 * r); hessianAdd8(m0h, local + 3 * r + 8)
                        }
                    } else if node >= 0 {
                        // Small target cell, large source cell: the source nodes in lanes.
                        let w = nodeWeights + 2 * r * Int(node)
                        let w0Low = hessianLoad8(w), w0High = hessianLoad8(w + 8)
                        let w1Low = hessianLoad8(w + r), w1High = hessianLoad8(w + r + 8)
                        // Factored (near cells): e^-y = e^-(t - lo_b)/T e^u_l.
                        stageTargets(targetsHere, base: lo[cell])
                        for i in targetsHere {
                            let d = targetOffset[i - targetsHere.lowerBound]
                            let et = SIMD8<Double>(repeating: targetFactor[i - targetsHere.lowerBound])
                            let kl = kernels(d - nodeLow, et * growthLow)
                            let kh = kernels(d - nodeHigh, et * growthHigh)
                            out[i] += hessianSum8(w0Low * kl.curvature + w0High * kh.curvature)
                            out[n + i] += hessianSum8(w1Low * kl.curvature + w1High * kh.curvature)
                            out[2 * n + i] += hessianSum8(w0Low * kl.mixed + w0High * kh.mixed)
                            out[3 * n + i] += hessianSum8(w0Low * kl.moment2 + w0High * kh.moment2)
                        }
                    } else if !allNear {
                        // Both small, near cells: e^-y = e^-(t - lo_c)/T e^-(lo_c - s)/T, a
                        // factor per target and one per source (staged per target cell), so
                        // no exponential per pair; y = (t - lo_c)/T + (lo_c - s)/T, an in-cell
                        // offset in [0, h] plus a difference of two scores. |lo_c - s| / T
                        // < C + 2h for sources of near cells, so every factor is below e^6.
                        smallCellsNear(targetsHere, sourcesHere, cell: c)
                    } else {
                        // Both small (all cells near): up to eight sources in lanes (a short last group is
                        // padded with y = 0 and weight 0, which add +-0).
                        for i in targetsHere {
                            let t = targets[i]
                            var a0 = zero, a1 = zero, a2 = zero, a3 = zero
                            var j = sourcesHere.lowerBound
                            while j < sourcesHere.upperBound {
                                let m = Swift.min(8, sourcesHere.upperBound - j)
                                var y = zero, u0 = zero, u1 = zero
                                if m == 8 {
                                    // A full group: the differences in lanes (the same
                                    // bits as `hessianDifference` when all are finite).
                                    let d = t - hessianLoad8(sources + j)
                                    if allFinite8(d) {
                                        y = d / T
                                    } else {
                                        for lane in 0..<8 {
                                            y[lane] = hessianDifference(t, sources[j + lane], T)
                                        }
                                    }
                                    u0 = hessianLoad8(w0 + j)
                                    u1 = hessianLoad8(w1 + j)
                                } else {
                                    for lane in 0..<m {
                                        y[lane] = hessianDifference(t, sources[j + lane], T)
                                        u0[lane] = w0[j + lane]
                                        u1[lane] = w1[j + lane]
                                    }
                                }
                                let kv = hessianKernels8(y)
                                a0 += u0 * kv.curvature
                                a1 += u1 * kv.curvature
                                a2 += u0 * kv.mixed
                                a3 += u0 * kv.moment2
                                j += m
                            }
                            out[i] += hessianSum8(a0)
                            out[n + i] += hessianSum8(a1)
                            out[2 * n + i] += hessianSum8(a2)
                            out[3 * n + i] += hessianSum8(a3)
                        }
                    }
                }
                guard largeTarget else { continue }
                // Values at the r target nodes -> Chebyshev coefficients -> every target.
                for q in 0..<4 {
                    for m in 0..<r {
                        var s = 0.0
                        for k in 0..<r { s += local[q * r + k] * table[m * r + k] }
                        coefficients[q * r + m] = (m == 0 ? 1.0 : 2.0) * s / Double(r)
                    }
                }
                // Eight targets in lanes (each lane's arithmetic as for one target).
                let base = lo[c]
                var i = targetsHere.lowerBound
                while i < targetsHere.upperBound {
                    let count = Swift.min(8, targetsHere.upperBound - i)
                    var z = zero
                    for lane in 0..<count {
                        z[lane] = 2 * hessianDifference(targets[i + lane], base, T) / h - 1
                    }
                    var t0 = SIMD8<Double>(repeating: 1), t1 = z
                    var v0 = coefficients[0] + coefficients[1] * z
                    var v1 = coefficients[r] + coefficients[r + 1] * z
                    var v2 = coefficients[2 * r] + coefficients[2 * r + 1] * z
                    var v3 = coefficients[3 * r] + coefficients[3 * r + 1] * z
                    for m in 2..<r {
                        let t2 = 2 * z * t1 - t0
                        v0 += coefficients[m] * t2
                        v1 += coefficients[r + m] * t2
                        v2 += coefficients[2 * r + m] * t2
                        v3 += coefficients[3 * r + m] * t2
                        t0 = t1
                        t1 = t2
                    }
                    for lane in 0..<count {
                        out[i + lane] += v0[lane]
                        out[n + i + lane] += v1[lane]
                        out[2 * n + i + lane] += v2[lane]
                        out[3 * n + i + lane] += v3[lane]
                    }
                    i += count
                }
            }
        }
    }

    /// The near sums of a small target cell `c` over a run of small source cells (see
    /// `nearField`), with the exponentials factored: sources staged `stagedRun` at a time
    /// (padded to eight with offset 0, factor 1 and weight 0, which add +-0), eight sources
    /// in lanes, each lane vector reduced in a fixed order.
    private func smallCellsNear(_ targetsHere: Range<Int>, _ sourcesHere: Range<Int>, cell c: Int) {
        let n = targetCount, base = lo[c]
        let zero = SIMD8<Double>(repeating: 0)
        stageTargets(targetsHere, base: base)
        var start = sourcesHere.lowerBound
        while start < sourcesHere.upperBound {
            let end = Swift.min(start + HessianKernelSums.stagedRun, sourcesHere.upperBound)
            let padded = stageSources(start..<end, base: base)
            for t in targetsHere {
                let at = t - targetsHere.lowerBound
                let delta = SIMD8<Double>(repeating: targetOffset[at])
                let factor = SIMD8<Double>(repeating: targetFactor[at])
                var a0 = zero, a1 = zero, a2 = zero, a3 = zero
                var k = 0
                while k < padded {
                    let kv = hessianKernels8(delta + load8(runOffset + k), factor * load8(runFactor + k))
                    let u0 = load8(runW0 + k), u1 = load8(runW1 + k)
                    a0 += u0 * kv.curvature
                    a1 += u1 * kv.curvature
                    a2 += u0 * kv.mixed
                    a3 += u0 * kv.moment2
                    k += 8
                }
                out[t] += hessianSum8(a0)
                out[n + t] += hessianSum8(a1)
                out[2 * n + t] += hessianSum8(a2)
                out[3 * n + t] += hessianSum8(a3)
            }
            start = end
        }
    }

    /// Stages up to `stagedRun` sources: offsets (base - s) / T, their weights, and
    /// e^-offset (`signedDecay`); padded to a multiple of eight with offset 0, factor 1
    /// and weight 0. Returns the padded count.
    @discardableResult
    private func stageSources(_ range: Range<Int>, base: Double) -> Int {
        let T = temperature
        for j in range {
            runOffset[j - range.lowerBound] = hessianDifference(base, sources[j], T)
            runW0[j - range.lowerBound] = w0[j]
            runW1[j - range.lowerBound] = w1[j]
        }
        let padded = (range.count + 7) & ~7
        for k in range.count..<padded {
            runOffset[k] = 0
            runW0[k] = 0
            runW1[k] = 0
        }
        var k = 0
        while k < padded {
            store8(signedDecay8(load8(runOffset + k)), runFactor + k)
            k += 8
        }
        return padded
    }

    /// Stages the targets of a small cell (at most r): offsets (t - base) / T and
    /// e^-offset (`signedDecay`), in groups of eight.
    private func stageTargets(_ range: Range<Int>, base: Double) {
        let T = temperature
        var i = range.lowerBound
        while i < range.upperBound {
            let count = Swift.min(8, range.upperBound - i)
            var d = SIMD8<Double>(repeating: 0)
            for lane in 0..<count { d[lane] = hessianDifference(targets[i + lane], base, T) }
            let k = i - range.lowerBound
            store8(d, targetOffset + k)
            store8(signedDecay8(d), targetFactor + k)
            i += count
        }
    }
}

/// e^-y for y of either sign, |y| below about 700: e^-|y| by the vector exponential, and
/// for y < 0 its reciprocal (one more rounding).
@inline(__always)
func signedDecay8(_ y: SIMD8<Double>) -> SIMD8<Double> {
    let negative = y .< 0
    let e = exponentialOfNonPositive(-y.replacing(with: -y, where: negative))
    return e.replacing(with: 1 / e, where: negative)
}

/// `signedDecay8` of one value.
@inline(__always)
func signedDecay(_ y: Double) -> Double {
    signedDecay8(SIMD8<Double>(repeating: y))[0]
}

/// Eight doubles at `p` (no alignment needed).
@inline(__always)
private func hessianLoad8(_ p: UnsafePointer<Double>) -> SIMD8<Double> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self)
}

/// Adds `v` to the eight doubles at `p`.
@inline(__always)
private func hessianAdd8(_ v: SIMD8<Double>, _ p: UnsafeMutablePointer<Double>) {
    let sum = UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self) + v
    UnsafeMutableRawPointer(p).storeBytes(of: sum, as: SIMD8<Double>.self)
}

/// The lanes' sum in a fixed order (halves, then quarters, then the last two).
@inline(__always)
private func hessianSum8(_ v: SIMD8<Double>) -> Double {
    let half = v.lowHalf + v.highHalf
    let quarter = half.lowHalf + half.highHalf
    return quarter[0] + quarter[1]
}

/// The three kernels at y in eight lanes from y and e = e^-y (any sign of y; e finite and
/// > 0, below e^7 where it is used): sigma(y) = 1 / (1 + e), sigma'(y) = e / (1 + e)^2,
/// sigma''(y) = sigma'(y) (1 - 2 sigma(y)) = sigma'(y) (e - 1) / (1 + e). No
/// cancellation but e - 1 near y = 0, absolute to an ulp of 1 (the bar is absolute), so
/// every kernel is within a few ulps of its largest magnitude, as `hessianKernels`.
@inline(__always)
func hessianKernels8(_ y: SIMD8<Double>, _ e: SIMD8<Double>)
    -> (curvature: SIMD8<Double>, mixed: SIMD8<Double>, moment2: SIMD8<Double>) {
    let r = 1 / (1 + e)
    let slope = e * r * r
    let c = slope * (e - 1) * r
    return (c, slope + y * c, 2 * y * slope + y * y * c)
}

/// `hessianKernels` in eight lanes, with the vector exponential: within a few ulps of
/// the scalar kernels. |y| is capped at 1000 (every kernel is then exactly 0, also for
/// y = +-inf, whose products with |y| would otherwise be NaN).
@inline(__always)
func hessianKernels8(_ y: SIMD8<Double>)
    -> (curvature: SIMD8<Double>, mixed: SIMD8<Double>, moment2: SIMD8<Double>) {
    let negative = y .< 0
    let magnitude = y.replacing(with: -y, where: negative)
    let a = magnitude.replacing(with: 1000, where: magnitude .> 1000)
    let e = exponentialOfNonPositive(-a)         // e^-a, in [0, 1]
    let em = e - 1                  // e^-a - 1, in [-1, 0]
    let r = 1 / (2 + em)            // sigma(a)
    let slope = e * r * r           // sigma'(a)
    let c = slope * em * r          // sigma''(a) <= 0
    let mixed = slope + a * c
    let m2 = 2 * a * slope + a * a * c
    return (c.replacing(with: -c, where: negative), mixed, m2.replacing(with: -m2, where: negative))
}
