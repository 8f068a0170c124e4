#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The near-field part of the fast soft AUROC: pairs whose cells are closer than C.
///
/// For a target cell c and a near source cell d (c itself included), with local
/// coordinates u = (s - lo) / T in [0, h] of each cell and D = (lo_c - lo_d) / T, the
/// scaled difference of a target t and a source s is x = D + u_t - u_s. With r =
/// `nodes` Chebyshev points u_m on [0, h] and their Lagrange basis l_m, a cell with more
/// than `layout.largeCount` points of a class is "large" for that class (r; on a regular
/// grid 2, see below), and the pair is summed by one of four exact-to-rounding forms:
///
///     both small:        direct    sum_s q_s K((t - s) / T)                  nt * ns kernels
///     large source:      M2T       sum_l K(D + u_t - u_l) M_d[l]             nt * r
///     large target:      S2L       L_c[m] += sum_s q_s K(D + u_m - u_s)      ns * r
///     both large:        M2L       L_c[m] += sum_l K(D + u_m - u_l) M_d[l]   r * r
///
/// where M_d[l] = sum_{s in d} q_s l_l(u_s) are the source moments (computed once per
/// large cell) and a large target cell finally evaluates sum_m l_m(u_t) L_c[m] at each
/// target. On a regular grid (`FastSoftLayout.cellStep`: the local coordinates start at
/// exact grid lines, so D depends only on the cells' offset k) the M2L kernels
/// K(D + u_m - u_l) form one table per offset, computed once per call (`pairKernels`):
/// M2L then costs r^2 multiply-adds per kernel instead of r^2 kernels, and interpolation
/// pays from a few points a class (`FastSoftParameters.regularLargeCount`). Measured
/// there (n = 10^6, N(0, 1) + label scores, T / sd 1e-4, value and gradient, min of 3
/// processes in each of two runs on a noisy machine) with largeCount 0 / 1 / 2 / 4 / 8 / r:
/// 136 / 114-143 / 109-129 / 150 / 158 / 181-190 ms. Classes of 3 to r points in a
/// cell have no room for r moments in their work slots; theirs are summed when first
/// read into a small ring (`momentsOf`). (Each form costs at most the others' minimum, so a cell pair never costs more
/// than min(nt ns, r^2) kernels; with at most (2C + 2h) / h + 1 = 11 near cells per cell (8 for double cells)
/// the near field is O(n r) in the worst case and O(n) kernels when cells are dense.)
///
/// Interpolation bound. The kernels sigmoid, sigmoid' and x sigmoid' of x = D + u_t - u_s
/// are analytic in u_t (and in u_s) except where x = i pi (2j + 1): in the strip |Im| < pi.
/// Take the Bernstein ellipse of [0, h] whose half minor axis is b = 0.8 pi; its parameter
/// is rho = 2b/h + sqrt((2b/h)^2 + 1) = 10.16 for h = 1. On it, |1 + e^-z| >= sin(0.2 pi),
/// so |sigmoid| <= 1.7, |sigmoid'| = 1 / |4 cosh^2(z/2)| <= 1 / (4 cos^2(0.4 pi)) = 2.62,
/// and |x sigmoid'| <= 6.6. These maxima are over the whole strip |Im z| <= 0.8 pi (found
/// on a fine grid of Re z in [-80, 80]; beyond, |z sigmoid'(z)| <= 2|z| e^-|Re z| is tiny),
/// so they hold for every D: the bound does not need the cells to be near, which lets
/// the fast path send every cell pair through this field when cells are few (see
/// `FastSoftParameters.allNearBudget`). Chebyshev interpolation of degree r - 1 then errs
/// by at most 4 M rho^-r / (rho - 1) (Trefethen, ATAP Thm 8.2): with r = 16,
/// 7.7e-17 * 4 M / 9.16 <= 2.3e-16 for the worst kernel (M = 6.6). M2L interpolates in both
/// variables: the error is at most (1 + Lambda_r) times that, Lambda_16 <= 2.8 being the
/// Lebesgue constant of the Chebyshev points, so < 1e-15. Sources carry masses summing to
/// at most 1, hence each potential errs by < 1e-15 from interpolation. Double cells
/// (h = 2, r = 24, `DoubleCells`): rho = 0.8 pi + sqrt((0.8 pi)^2 + 1) = 5.22, rho^-24 =
/// 6.0e-18, so 4 M rho^-r / (rho - 1) <= 3.8e-17 and M2L (Lambda_24 <= 3.05) < 1.6e-16.
///
/// Rounding. D and each u have relative error ~2 ulps (each is one `scaledDifference`,
/// never a difference of s / T values; on a regular grid u lies in [-e, w / T + e] with e
/// ~1e-16 times the number of cells, the grid's rounding of a point near a line, which
/// stretches [0, h] by that much and leaves the interpolation bound as it is), so x errs by ~4 ulps of |x|: ~4e-15 for near
/// cells (|x| <= C + 2h = 6; 9 and ~8e-15 for double cells, C = 5). For cells farther apart (all-near mode) the error of x grows
/// like |x| eps, but the kernels' derivatives decay like (1 + |x|) e^-|x|, so the kernel
/// errors, 4 |x| (1 + |x|) e^-|x| eps <= 4 eps, stay as small as for near cells.
/// Moments and local values are carried in the Chebyshev basis (T_k(z), z = 2u/h - 1
/// in [-1, 1], by the three-term recurrence, whose computed values err by at most
/// ~k^2 = 225 ulps = 2.5e-14 for k < 16 (529 ulps = 5.9e-14 for k < 24, double cells),
/// multiplying masses summing to 1 and coefficients of size <= 1) and converted to node
/// values with the r x r table T_k(z_m) (|entries| <= 1, so conversions add ~r ulps).
/// Moments are summed in blocks of 64 with compensated block totals. Together with the
/// far field, each potential is accurate to ~3e-14 in the worst case (~7e-14 with double
/// cells); the tests see at most 1e-14 (error / bar <= 1e-2).
///
/// Exponentials. In the interpolation forms no kernel needs its own exponential: for a
/// target cell c at or above the source cell d (D >= 0, so x >= -h), e^-x factors as
/// e^-D e^(u_l - u_m) (M2L), e^-(D + u_t) e^(u_l) (M2T) or e^-(D - u_s) e^(-u_m) (S2L),
/// and below (x <= h) e^x factors likewise; the node factors are constants in [e^-h, e^h]
/// (`ChebyshevConstants`); the point factors e^+-u of a small cell's targets and sources
/// are staged, eight exponentials at a time (`stageTargets`, `stagedSource`; for n up to
/// `chebyshevCacheLimit` computed once per point and copied, `cachePointFactors`), so a
/// cell pair needs one libm exp, e^-|D|, and every kernel a multiply or two. Each factor
/// is within 1 ulp (the vector exponential within a few), and D and u carry the errors
/// discussed above, so the product is within ~6 ulps plus the argument error a direct
/// exp(-|x|) would see: the rounding analysis is unchanged.
///
/// Speed: the pair forms evaluate four kernels at a time (`PairKernels4`, from the
/// factored exponentials; on baseline x86-64, SSE2, four lanes keep the accumulators in
/// registers where eight spilled), direct sums between small cells too once their sources
/// are staged (`stagedSource`; fewer than 4 sources stay scalar, `PairKernels`), and the
/// Chebyshev recurrences run for eight points side by side (eight independent chains;
/// four were latency-bound). Measured at n = 1,000 (N(0, 1) scores, T = 1), value +
/// gradient: 99 us with an exp per kernel, 44 with the factoring, 31 with four lanes, 30
/// with staged point factors (baseline x86-64); 23.5 in the x86-64-v3 build, 22.5 with
/// the point factors computed once per point.
/// Where `ChebyshevNearField` keeps things in its scratch (outside the generic type, which
/// cannot have stored static properties).
enum ChebyshevScratch<S: CellShape> {
    /// Doubles of scratch one call of `evaluate` needs with an M2L table of offsets up to
    /// `reach` (`ChebyshevNearField.tableReach`).
    // r must be a multiple of 8 (the SIMD8 width of the recurrences) for the forms below.
    static func count(reach: Int) -> Int { distancesOffset(reach: reach) + 3 * tableSlots(reach: reach) }
    /// Where the r SIMD8 accumulators start (64-byte aligned within the next 8 doubles).
    static var vectorOffset: Int { S.nodes * (S.nodes + 12) }
    /// Where the staged targets of a small cell start (`stageTargets`), positives then
    /// negatives: r offsets, r values of e^u, r of e^-u each.
    static var targetsOffset: Int { vectorOffset + 8 * S.nodes + 8 }
    /// Where the constants are computed if the process-wide table could not be allocated.
    static var constantsOffset: Int { targetsOffset + 6 * S.nodes }
    /// The ring of staged source cells (`stagedSource`): `ringSlots` slots of 4r doubles,
    /// then one tag a slot (the key of the cell it holds, or -1).
    static var ringOffset: Int { constantsOffset + ChebyshevConstants<S>.count }
    static var ringSlots: Int { 32 }
    static var ringSlotSize: Int { 4 * S.nodes }
    static var ringTagsStart: Int { ringSlots * ringSlotSize }
    /// Direct sums with fewer sources than this stay scalar.
    static var stagedMinimum: Int { 4 }
    /// The moment ring (`momentsOf`): r doubles a slot, then a tag a slot; then the work
    /// space its moments are summed in (laid out as the start of this scratch).
    static var momentRingOffset: Int { ringOffset + ringTagsStart + ringSlots }
    static var momentRingSlots: Int { 32 }
    static var momentWorkOffset: Int { momentRingOffset + momentRingSlots * (S.nodes + 1) }
    /// The M2L kernel table (`pairKernels`): a slot of 3 r^2 doubles (value, slope, moment
    /// at x = D + u_m - u_l, a row per source node l) for each cell offset k in
    /// -reach...reach of a regular grid, one more for a cell pair that shares nothing,
    /// then a tag a slot; then D, e^-|D| and a tag for each offset (`cellDistance`).
    static var tableOffset: Int { momentWorkOffset + vectorOffset + 8 * S.nodes + 8 }
    static var tableSlotSize: Int { 3 * S.nodes * S.nodes }
    static func tableSlots(reach: Int) -> Int { 2 * reach + 2 }
    static func distancesOffset(reach: Int) -> Int { tableOffset + tableSlots(reach: reach) * (tableSlotSize + 1) }
}

struct ChebyshevNearField<I: FastSoftIndices> {
    let layout: FastSoftLayout<I>
    /// 2 / (h T): z = (s - lo) * zScale - 1 (a multiply per point, not a division), or
    /// infinity when T is so small that it overflows (then the division is used).
    private let zScale: Double
    /// The largest cell offset whose M2L kernels have a table slot (`pairKernels`): 0
    /// without a regular grid; with one, every offset of the grid when all cells are near
    /// (up to `allNearReach`), else `nearReach`, which covers every near pair.
    let tableReach: Int
    /// Near cells c > d have a gap (lo_c - hi_d) / T below C, and lo_c - hi_d >= (k - 1) w
    /// for grid offset k (up to the grid's rounding), so k < C T / w + 1 <= 5.01 (w >=
    /// h T (1 - 2^-11)): 8 leaves a margin (a larger offset would only lose the sharing).
    static var nearReach: Int { 8 }
    static var allNearReach: Int { 2048 }

    init(layout: FastSoftLayout<I>) {
        self.layout = layout
        self.zScale = 2 / (I.Shape.width * layout.temperature)
        if layout.cellStep > 0 && layout.cells.count > 0 {
            let span = (layout.anchor(layout.cells.count - 1) - layout.anchor(0)) / layout.cellStep
            let allNear = !layout.hasFarField && layout.gatheredFarField == nil
            self.tableReach = Int(Swift.min(span, Double(allNear ? Self.allNearReach : Self.nearReach)))
        } else {
            self.tableReach = 0
        }
    }

    /// Doubles of scratch one share of `evaluate` needs.
    var scratchCount: Int { ChebyshevScratch<I.Shape>.count(reach: tableReach) }

    /// The cell index that splits the points into two halves of about equal size (the
    /// two threads' shares); depends on the data only.
    func balancedSplit() -> Int {
        pointBalancedSplit(layout.cells, points: layout.pos.count + layout.neg.count)
    }

    /// The two threads' shares of the targets for `evaluate`: the first half of each
    /// class's points and the second half, with the runs of cells that hold them (a cell
    /// holding points of both shares is in both runs). Depends on the data only.
    func targetShares() -> (first: (cells: Range<Int>, positives: Range<Int>, negatives: Range<Int>),
                            second: (cells: Range<Int>, positives: Range<Int>, negatives: Range<Int>)) {
        let cells = layout.cells
        let p = layout.pos.count, q = layout.neg.count
        let halfP = p / 2, halfQ = q / 2
        // The first c in 0...count with starts[c] >= x (or > x when `strictly`).
        func search(_ starts: UnsafeMutablePointer<I.Position>, _ x: Int, strictly: Bool) -> Int {
            var low = 0, high = cells.count
            while low < high {
                let mid = (low + high) / 2
                let s = Int(starts[mid])
                if s < x || (strictly && s == x) { low = mid + 1 } else { high = mid }
            }
            return low
        }
        // Cells below `end` hold every point of index < half; cells from `start` on hold
        // every point of index >= half (the last cell starting at or below it, on).
        let end = Swift.max(search(cells.posStart, halfP, strictly: false),
                            search(cells.negStart, halfQ, strictly: false))
        let start = Swift.max(0, Swift.min(search(cells.posStart, halfP, strictly: true),
                                           search(cells.negStart, halfQ, strictly: true)) - 1)
        return ((0..<end, 0..<halfP, 0..<halfQ), (start..<cells.count, halfP..<p, halfQ..<q))
    }

    /// The near field's constants (`ChebyshevConstants`): the process-wide table, read in
    /// place; or, if its memory could not be had, computed into this call's scratch.
    func constants(_ scratch: UnsafeMutablePointer<Double>) -> UnsafeMutablePointer<Double> {
        if let table = I.Shape.constantTable { return UnsafeMutablePointer(mutating: table) }
        let computed = scratch + ChebyshevScratch<I.Shape>.constantsOffset
        ChebyshevConstants<I.Shape>.fill(computed)
        return computed
    }

    /// r SIMD8 accumulators inside the scratch, 64-byte aligned.
    @inline(__always)
    private func vectorAccumulators(_ scratch: UnsafeMutablePointer<Double>) -> UnsafeMutablePointer<SIMD8<Double>> {
        let address = (Int(bitPattern: scratch + ChebyshevScratch<I.Shape>.vectorOffset) + 63) & ~63
        return UnsafeMutableRawPointer(bitPattern: address)!
            .bindMemory(to: SIMD8<Double>.self, capacity: I.Shape.nodes)
    }

    /// Adds sum_k c_k T_k(z_t) to potential[t] for every point t of `range` of `cls`.
    /// Eight points go through the recurrence side by side (SIMD8): one point's
    /// recurrence is a chain of dependent multiply-adds, eight chains keep the FPU busy.
    @inline(__always)
    private func addChebyshevSums(_ cls: SortedClass, _ range: Range<Int>, lo: Double, cached keeps: Bool,
                                  _ coefficients: UnsafeMutablePointer<Double>,
                                  into potential: UnsafeMutablePointer<Double>) {
        let r = I.Shape.nodes
        var i = range.lowerBound
        if keeps, let cached = cls.chebyshev {
            // The moments pass kept T_k(z) of these points: a dot product per point.
            let stride = cls.chebyshevStride
            while i + 8 <= range.upperBound {
                var total = SIMD8<Double>(repeating: coefficients[0])
                for k in 1..<r { total += load8(cached + (k - 1) * stride + i) * coefficients[k] }
                store8(load8(potential + i) + total, potential + i)
                i += 8
            }
            while i < range.upperBound {
                var total = coefficients[0]
                for k in 1..<r { total += cached[(k - 1) * stride + i] * coefficients[k] }
                potential[i] += total
                i += 1
            }
            return
        }
        while i + 8 <= range.upperBound {
            let z = chebyshevVariables8(cls.scores + i, lo: lo)
            var previous = SIMD8<Double>(repeating: 1), current = z
            var total = SIMD8<Double>(repeating: coefficients[0]) + z * coefficients[1]
            let twoZ = z + z
            for k in 2..<r {
                let next = twoZ * current - previous
                total += next * coefficients[k]
                previous = current
                current = next
            }
            for l in 0..<8 { potential[i + l] += total[l] }
            i += 8
        }
        while i < range.upperBound {
            potential[i] += chebyshevSum(chebyshevVariable(cls.scores[i], lo: lo), coefficients)
            i += 1
        }
    }

    /// z = 2u/h - 1 for the local coordinate u = (s - lo) / T of a point of the cell:
    /// (s - lo) * (2 / (h T)) - 1 (one more rounding than dividing: 2 ulps of z in [-1, 1]),
    /// or through `scaledDifference` where s - lo or 2 / (h T) overflows.
    @inline(__always)
    func chebyshevVariable(_ s: Double, lo: Double) -> Double {
        let d = s - lo
        if d.isFinite && zScale.isFinite { return d * zScale - 1 }
        return scaledDifference(s, lo, layout.temperature) * (2 / I.Shape.width) - 1
    }

    /// `chebyshevVariable` of eight consecutive scores, with the same operations lane by
    /// lane (so the same bits): the difference, * (2 / (h T)), - 1. Only when some
    /// difference or the scale overflows does each lane go through `chebyshevVariable`.
    @inline(__always)
    func chebyshevVariables8(_ scores: UnsafeMutablePointer<Double>, lo: Double) -> SIMD8<Double> {
        let d = load8(scores) - lo
        if allFinite8(d) && zScale.isFinite {  // d >= 0 here: a score minus its cell's lo
            return d * zScale - 1
        }
        var z = SIMD8<Double>(repeating: 0)
        for l in 0..<8 { z[l] = chebyshevVariable(scores[l], lo: lo) }
        return z
    }

    /// `chebyshevVariable` of eight scores, each against its own cell's lo (the few-cells
    /// path), with the same operations lane by lane.
    @inline(__always)
    func chebyshevVariables8(_ scores: SIMD8<Double>, lo: SIMD8<Double>) -> SIMD8<Double> {
        let d = scores - lo
        if allFinite8(d) && zScale.isFinite { return d * zScale - 1 }
        var z = SIMD8<Double>(repeating: 0)
        for l in 0..<8 { z[l] = chebyshevVariable(scores[l], lo: lo[l]) }
        return z
    }

    /// sum_k T_k(z) c_k, by the three-term recurrence T_{k+1} = 2z T_k - T_{k-1}
    /// (|T_k| <= 1 on [-1, 1]; the computed T_k err by at most ~k^2 ulps).
    @inline(__always)
    private func chebyshevSum(_ z: Double, _ coefficients: UnsafeMutablePointer<Double>) -> Double {
        let r = I.Shape.nodes
        var previous = 1.0, current = z
        var total = coefficients[0] + z * coefficients[1]
        let twoZ = 2 * z
        for k in 2..<r {
            let next = twoZ * current - previous
            total += next * coefficients[k]
            previous = current
            current = next
        }
        return total
    }

    /// Source moments M_c[l] = sum_s mass_s l_l(u_s) of every class that is large in
    /// cells `cells`, written to that class's `moments` at the cell's start.
    /// Without a far field, also sets potentialBelow to 0 for the cells' points (the near
    /// sums are added into it).
    func computeMoments(cells: Range<Int>, scratch: UnsafeMutablePointer<Double>) {
        let table = constants(scratch) + ChebyshevConstants<I.Shape>.tableStart
        if !layout.hasFarField && !cells.isEmpty {
            let pos = layout.pos, neg = layout.neg
            for i in layout.posRange(cells.lowerBound).lowerBound..<layout.posRange(cells.upperBound - 1).upperBound {
                pos.potentialBelow[i] = 0
            }
            for j in layout.negRange(cells.lowerBound).lowerBound..<layout.negRange(cells.upperBound - 1).upperBound {
                neg.potentialBelow[j] = 0
            }
        }
        for c in cells {
            let lo = layout.anchor(c)
            cellMoments(layout.pos, layout.posRange(c), lo: lo, table: table, scratch: scratch)
            cellMoments(layout.neg, layout.negRange(c), lo: lo, table: table, scratch: scratch)
        }
        cachePointFactors(layout.pos, cells: cells, positives: true)
        cachePointFactors(layout.neg, cells: cells, positives: false)
    }

    /// The moments of one class in one cell, if the class is large there. They are first
    /// summed in the Chebyshev basis, mu_k = sum_s q_s T_k(z_s) (no division per point),
    /// then turned into the node basis with the discrete orthogonality of the first-kind
    /// points: l_m(z) = (1/r) (1 + 2 sum_{k>=1} T_k(z_m) T_k(z)), so
    /// M[m] = (1/r) (mu_0 + 2 sum_{k>=1} T_k(z_m) mu_k). This is the same interpolant as
    /// the Lagrange form, so the interpolation bound above holds unchanged.
    @inline(__always)
    private func cellMoments(_ cls: SortedClass, _ range: Range<Int>, lo: Double,
                             table: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>) {
        let r = I.Shape.nodes
        guard range.count > r else { return }
        momentsOfPoints(cls, range, lo: lo, table: table, scratch: scratch, keep: true,
                        into: cls.moments + range.lowerBound)
    }

    /// The moments of the points `range` of `cls` (local coordinates from `lo`) into
    /// out[0 ..< r]; with `keep`, T_k(z) of each point goes to the class's T_k cache.
    @inline(__always)
    private func momentsOfPoints(_ cls: SortedClass, _ range: Range<Int>, lo: Double,
                                 table: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>,
                                 keep: Bool, into out: UnsafeMutablePointer<Double>) {
        let r = I.Shape.nodes
        let mu = scratch + 2 * r, compensation = scratch + 4 * r
        for k in 0..<r {
            mu[k] = 0; compensation[k] = 0
        }
        var start = range.lowerBound
        while start < range.upperBound {
            let end = Swift.min(start + 64, range.upperBound)
            addMomentBlock(cls.scores + start, cls.mass + start, count: end - start, lo: lo,
                           cached: keep ? cls.chebyshev.map { $0 + start } : nil, stride: cls.chebyshevStride,
                           scratch: scratch)
            start = end
        }
        finishMoments(out, table: table, scratch: scratch)
    }

    /// One block of `cellMoments` (its `count` <= 64 points at `scores`, masses at
    /// `masses`): the block's sums q T_k(z) in SIMD8 lanes, then the rest one by one, added
    /// with compensation to mu (scratch + 2r, corrections at scratch + 4r). With `cached`
    /// (the block's first point's slot of the T_k cache), T_k(z) of each point is kept.
    /// The one-cell path (OneCellSoftAUROC.swift) calls it on blocks it gathers itself:
    /// the same blocks in the same order give the same bits.
    @inline(__always)
    func addMomentBlock(_ scores: UnsafeMutablePointer<Double>, _ masses: UnsafeMutablePointer<Double>,
                        count: Int, lo: Double, cached: UnsafeMutablePointer<Double>?, stride: Int,
                        scratch: UnsafeMutablePointer<Double>) {
        let r = I.Shape.nodes
        let mu = scratch + 2 * r, block = scratch + 3 * r, compensation = scratch + 4 * r
        let end = count
        // Eight points at a time in SIMD8 lanes (see addChebyshevSums), then the rest.
        var first = 0
        if end < 8 {
            // No SIMD8 group: the lanes would stay 0 (the same bits).
            for k in 0..<r { block[k] = 0 }
        } else {
            let lanes = vectorAccumulators(scratch)
            for k in 0..<r { lanes[k] = SIMD8<Double>(repeating: 0) }
            while first + 8 <= end {
                let z = chebyshevVariables8(scores + first, lo: lo)
                let q = load8(masses + first)
                // Unscaled T_k times the masses; T_k also kept for the evaluation if cached.
                var previous = SIMD8<Double>(repeating: 1), current = z
                lanes[0] += q
                lanes[1] += q * z
                if let cached { store8(z, cached + first) }
                let twoZ = z + z
                for k in 2..<r {
                    let next = twoZ * current - previous
                    lanes[k] += q * next
                    if let cached { store8(next, cached + (k - 1) * stride + first) }
                    previous = current
                    current = next
                }
                first += 8
            }
            for k in 0..<r { block[k] = lanes[k].sum() }
        }
        for i in first..<end {
            let z = chebyshevVariable(scores[i], lo: lo)
            let q = masses[i]
            var previous = 1.0, current = z
            block[0] += q
            block[1] += q * z
            cached?[i] = z
            let twoZ = 2 * z
            for k in 2..<r {
                let next = twoZ * current - previous
                block[k] += q * next
                cached?[(k - 1) * stride + i] = next
                previous = current
                current = next
            }
        }
        for k in 0..<r { neumaierAdd(&mu[k], &compensation[k], block[k]) }
    }

    /// The node moments M[m] from the Chebyshev sums mu_k of `addMomentBlock` (see
    /// `cellMoments`), written to out[0 ..< r].
    @inline(__always)
    func finishMoments(_ out: UnsafeMutablePointer<Double>, table: UnsafeMutablePointer<Double>,
                       scratch: UnsafeMutablePointer<Double>) {
        let r = I.Shape.nodes
        let mu = scratch + 2 * r, compensation = scratch + 4 * r
        for k in 0..<r { mu[k] += compensation[k] }
        // Eight m at a time (the table transposed): each lane's sum in the order of k.
        let transposed = table + (ChebyshevConstants<I.Shape>.transposedStart - ChebyshevConstants<I.Shape>.tableStart)
        for half in stride(from: 0, to: r, by: 8) {
            var sum = SIMD8<Double>(repeating: 0)
            for k in 1..<r { sum += load8(transposed + k * r + half) * mu[k] }
            store8((SIMD8<Double>(repeating: mu[0]) + 2 * sum) / Double(r), out + half)
        }
    }

    /// Turns local node values L[m] into Chebyshev coefficients c_k, so that
    /// sum_m l_m(z) L[m] = sum_k c_k T_k(z): c_0 = (1/r) sum_m L[m],
    /// c_k = (2/r) sum_m T_k(z_m) L[m].
    @inline(__always)
    private func nodeValuesToCoefficients(_ values: UnsafeMutablePointer<Double>,
                                          _ out: UnsafeMutablePointer<Double>,
                                          table: UnsafeMutablePointer<Double>) {
        let r = I.Shape.nodes
        // Eight k at a time: each lane's sum in the order of m.
        for half in stride(from: 0, to: r, by: 8) {
            var sum = SIMD8<Double>(repeating: 0)
            for m in 0..<r { sum += load8(table + m * r + half) * values[m] }
            var factor = SIMD8<Double>(repeating: 2)
            if half == 0 { factor[0] = 1 }
            store8(factor * sum / Double(r), out + half)
        }
    }

    /// For a class that is small in its cell (at most r points, no moments), keeps each
    /// point's staged values in the rows of the T_k cache that its T_k would use (they
    /// are never computed for it): u = (s - lo) / T, e^u and e^-u at rows 0, 1 and 2.
    /// `stageSources` and `stageTargets` then copy them instead of recomputing them for
    /// every cell pair; the values are the same bits either way (same operations). The
    /// exponentials run over each span of consecutive small cells' points at once (cells
    /// of one or two points would otherwise cost a whole vector each).
    private func cachePointFactors(_ cls: SortedClass, cells: Range<Int>, positives: Bool) {
        guard let cached = cls.chebyshev, !cells.isEmpty else { return }
        let r = I.Shape.nodes, stride = cls.chebyshevStride
        let up = cached + stride, down = cached + 2 * stride
        @inline(__always) func points(_ c: Int) -> Range<Int> {
            positives ? layout.posRange(c) : layout.negRange(c)
        }
        @inline(__always) func exponentiate(_ span: Range<Int>) {
            exponentials(up + span.lowerBound, exactCount: span.count)
            exponentials(down + span.lowerBound, exactCount: span.count)
        }
        var spanStart = points(cells.lowerBound).lowerBound
        for c in cells {
            let range = points(c)
            if range.count > r {  // large: its rows hold T_k; the span so far ends here
                exponentiate(spanStart..<range.lowerBound)
                spanStart = range.upperBound
                continue
            }
            let lo = layout.anchor(c)
            for i in range {
                let x = scaledDifference(cls.scores[i], lo, layout.temperature)
                cached[i] = x; up[i] = x; down[i] = -x
            }
        }
        exponentiate(spanStart..<points(cells.upperBound - 1).upperBound)
    }

    /// The points `range` (at most r) of `cls` in source cell `d` (smallest score lo)
    /// staged as direct-sum sources, in a slot of the ring of staged cells in the scratch:
    /// u_s = (s - lo) / T at slot[0..<r], e^(u_s) at slot[r..<2r], e^(-u_s) at
    /// slot[2r..<3r] and the mass at slot[3r..<4r], zero-padded to r (a padded lane has
    /// mass 0 and factors 1, so its kernels are finite and add nothing). With e^-+(D + u_t)
    /// per target, e^-+x = that times a factor (see the top of the file). A cell is a
    /// source for about 2(2C + 2h)/h + 2 target cells in a row (both classes' targets, in
    /// both directions), so its slot (chosen by cell and class; a slot remembers whose
    /// points it holds) is filled once for all of them instead of once per cell pair:
    /// the values are the same bits either way (each lane's operations do not depend on
    /// where or when it is computed; filled from the cache of `cachePointFactors` when
    /// there is one).
    @inline(__always)
    private func stagedSource(_ cls: SortedClass, _ range: Range<Int>, cell d: Int, negatives: Bool, lo: Double,
                              ring: UnsafeMutablePointer<Double>) -> UnsafeMutablePointer<Double> {
        let r = I.Shape.nodes
        let key = 2 * d + (negatives ? 1 : 0)
        let index = key & (ChebyshevScratch<I.Shape>.ringSlots - 1)
        let slot = ring + index * ChebyshevScratch<I.Shape>.ringSlotSize
        let tag = ring + ChebyshevScratch<I.Shape>.ringTagsStart + index
        if tag.pointee == Double(key) { return slot }  // (keys < 2^53: exact)
        tag.pointee = Double(key)
        let count = range.count
        if let cached = cls.chebyshev {  // see cachePointFactors
            let u = cached + range.lowerBound
            slot.update(from: u, count: count)
            (slot + r).update(from: u + cls.chebyshevStride, count: count)
            (slot + 2 * r).update(from: u + 2 * cls.chebyshevStride, count: count)
        } else {
            for k in 0..<count {
                let u = scaledDifference(cls.scores[range.lowerBound + k], lo, layout.temperature)
                slot[k] = u
                slot[r + k] = u
                slot[2 * r + k] = -u
            }
            exponentials(slot + r, count: count)
            exponentials(slot + 2 * r, count: count)
        }
        for k in 0..<count { slot[3 * r + k] = cls.mass[range.lowerBound + k] }
        for k in count..<r {  // padding: mass 0, and finite factors (e^0)
            slot[k] = 0; slot[r + k] = 1; slot[2 * r + k] = 1; slot[3 * r + k] = 0
        }
        return slot
    }

    /// Stages the points `range` (at most r) of `cls` in target cell lo: u_t = (s - lo) / T
    /// at staged[0..<r], e^(u_t) at staged[r..<2r], e^(-u_t) at staged[2r..<3r]. With
    /// e^-|D| per cell pair, e^-+(D + u_t) = e^-|D| times one of them: no exponential
    /// per target and pair.
    @inline(__always)
    private func stageTargets(_ cls: SortedClass, _ range: Range<Int>, lo: Double,
                              into staged: UnsafeMutablePointer<Double>) {
        let r = I.Shape.nodes
        if let cached = cls.chebyshev {  // see cachePointFactors
            let stride = cls.chebyshevStride
            let u = cached + range.lowerBound
            staged.update(from: u, count: range.count)
            (staged + r).update(from: u + stride, count: range.count)
            (staged + 2 * r).update(from: u + 2 * stride, count: range.count)
            return
        }
        var k = 0
        for i in range {
            let u = scaledDifference(cls.scores[i], lo, layout.temperature)
            staged[k] = u
            staged[r + k] = u
            staged[2 * r + k] = -u
            k += 1
        }
        exponentials(staged + r, count: k)
        exponentials(staged + 2 * r, count: k)
    }

    /// Replaces x by e^x for the first `count` (at most r) of r values, each x <= h + 1e-15,
    /// eight at a time (`exponentialOfNonPositive`, exact in form for x <= 1 too: k is then
    /// 0 or 1). Lanes past `count` in the last group are computed from whatever they hold
    /// and not read.
    @inline(__always)
    private func exponentials(_ x: UnsafeMutablePointer<Double>, count: Int) {
        var g = 0
        while g < count {
            store8(exponentialOfNonPositive(load8(x + g)), x + g)
            g += 8
        }
    }

    /// `exponentials` that reads and writes only x[0..<count] (the last, partial group
    /// goes through a temporary): the same bits, lane by lane.
    private func exponentials(_ x: UnsafeMutablePointer<Double>, exactCount count: Int) {
        var g = 0
        while g + 8 <= count {
            store8(exponentialOfNonPositive(load8(x + g)), x + g)
            g += 8
        }
        guard g < count else { return }
        var tail = SIMD8<Double>(repeating: 0)
        for l in 0..<(count - g) { tail[l] = x[g + l] }
        tail = exponentialOfNonPositive(tail)
        for l in 0..<(count - g) { x[g + l] = tail[l] }
    }

    /// The M2L kernels of target cell c and source cell d (D, e^-|D| and the direction as
    /// in `evaluate`): K(D + u_m - u_l) for the three kernels, value at [l r + m], slope at
    /// r^2 + [l r + m], moment at 2 r^2 + [l r + m] (a row per source node). On a regular grid D depends on the
    /// cells' offset alone, k = (anchor_c - anchor_d) / w, an exact integer (both anchors
    /// and their difference are exact: `GridCells.regular`), so the kernels are computed
    /// once per offset within `tableReach` (and per `evaluate` call) and read by every
    /// pair at that offset, the same bits as computing them for each pair. Other pairs
    /// compute theirs into the last slot.
    @inline(__always)
    private func pairKernels(slot: Int, D: Double, expD: Double, upward: Bool,
                             constants: UnsafeMutablePointer<Double>,
                             scratch: UnsafeMutablePointer<Double>) -> UnsafeMutablePointer<Double> {
        let size = ChebyshevScratch<I.Shape>.tableSlotSize, slots = ChebyshevScratch<I.Shape>.tableSlots(reach: tableReach)
        let table = scratch + ChebyshevScratch<I.Shape>.tableOffset
        let tags = table + slots * size, out = table + slot * size
        if slot < slots - 1 {
            if tags[slot] != 0 { return out }
            tags[slot] = 1
        }
        fillPairKernels(out, D: D, expD: expD, upward: upward, constants: constants)
        return out
    }

    /// The table slot of the pair of cells with anchors loC and loD (`pairKernels`,
    /// `cellDistance`): on a regular grid, offset k = (loC - loD) / w (exact) within
    /// `tableReach` has slot k + tableReach; any other pair the last, shared by none.
    @inline(__always)
    private func tableSlot(_ loC: Double, _ loD: Double) -> Int {
        let reach = tableReach
        if layout.cellStep > 0 {
            let k = (loC - loD) / layout.cellStep
            if Swift.abs(k) <= Double(reach) { return Int(k) + reach }
        }
        return ChebyshevScratch<I.Shape>.tableSlots(reach: reach) - 1
    }

    /// The node moments of a class that is large in cell d (more than `largeCount`
    /// points, `range`): in place when it has more than r points (`computeMoments` wrote
    /// them to its first r slots), else computed here into a slot of the moment ring,
    /// chosen and tagged as `stagedSource` chooses its slots, so once for the run of
    /// target cells that read them. The same operations either way (`momentsOfPoints`,
    /// without keeping T_k): the same bits wherever and however often computed.
    @inline(__always)
    private func momentsOf(_ cls: SortedClass, _ range: Range<Int>, cell d: Int, negatives: Bool, lo: Double,
                           table: UnsafeMutablePointer<Double>,
                           scratch: UnsafeMutablePointer<Double>) -> UnsafeMutablePointer<Double> {
        let r = I.Shape.nodes
        if let gathered = layout.gatheredMoments { return gathered + (2 * d + (negatives ? 1 : 0)) * r }
        if range.count > r { return cls.moments + range.lowerBound }
        let key = 2 * d + (negatives ? 1 : 0)
        let index = key & (ChebyshevScratch<I.Shape>.momentRingSlots - 1)
        let ring = scratch + ChebyshevScratch<I.Shape>.momentRingOffset
        let slot = ring + index * r, tag = ring + ChebyshevScratch<I.Shape>.momentRingSlots * r + index
        if tag.pointee == Double(key) { return slot }
        tag.pointee = Double(key)
        momentsOfPoints(cls, range, lo: lo, table: table, scratch: scratch + ChebyshevScratch<I.Shape>.momentWorkOffset,
                        keep: false, into: slot)
        return slot
    }

    /// The scaled distance D = (anchor_c - anchor_d) / T of two cells and e^-|D|: on a
    /// regular grid, within `tableReach`, computed once per offset and call (D depends on
    /// the offset alone: see `pairKernels`), the same bits as computing it for each pair.
    @inline(__always)
    private func cellDistance(slot: Int, _ loC: Double, _ loD: Double,
                              scratch: UnsafeMutablePointer<Double>) -> (Double, Double) {
        let slots = ChebyshevScratch<I.Shape>.tableSlots(reach: tableReach)
        let cache = scratch + ChebyshevScratch<I.Shape>.distancesOffset(reach: tableReach)
        if slot < slots - 1 && cache[2 * slots + slot] != 0 { return (cache[slot], cache[slots + slot]) }
        let D = scaledDifference(loC, loD, layout.temperature), e = exp(-Swift.abs(D))
        if slot < slots - 1 { cache[slot] = D; cache[slots + slot] = e; cache[2 * slots + slot] = 1 }
        return (D, e)
    }

    /// local[m] += sum_l slope[l][m] moments[l] (the slope table of `pairKernels`).
    @inline(__always)
    private func addSlopeM2L(_ slope: UnsafeMutablePointer<Double>, _ moments: UnsafeMutablePointer<Double>,
                             into local: UnsafeMutablePointer<Double>) {
        let r = I.Shape.nodes
        for half in stride(from: 0, to: r, by: 8) {
            var sn = load8(local + half)
            for l in 0..<r { sn += load8(slope + l * r + half) * SIMD8<Double>(repeating: moments[l]) }
            store8(sn, local + half)
        }
    }

    /// `pairKernels`' table for one cell pair: each kernel from e^-|D| times the node
    /// factor e^-+(u_m - u_l) (see the top of the file), four at a time.
    private func fillPairKernels(_ out: UnsafeMutablePointer<Double>, D: Double, expD: Double, upward: Bool,
                                 constants: UnsafeMutablePointer<Double>) {
        let r = I.Shape.nodes
        let nodes = constants
        let growth = constants + ChebyshevConstants<I.Shape>.exponentialStart, shrink = growth + r * r
        let pairFactors = upward ? growth : shrink     // e^-|D| * this = e^-+x at (m, l)
        for m in 0..<r {
            let base = D + nodes[m]
            var l = 0
            while l < r {
                let k = PairKernels4(x: base - load4(nodes + l), exponential: expD * load4(pairFactors + m * r + l),
                                     upward: upward)
                for lane in 0..<4 {
                    let at = (l + lane) * r + m
                    out[at] = k.value[lane]; out[r * r + at] = k.slope[lane]; out[2 * r * r + at] = k.moment[lane]
                }
                l += 4
            }
        }
    }

    /// Adds the near-field sigmoid' sums to potentialBelow of every target in `cells`
    /// (negatives only when gradients are wanted) and returns the near parts of the value
    /// and moment sums. Needs `computeMoments` done for all cells.
    ///
    /// Only the targets in `positives` and `negatives` (indices into the classes) are
    /// evaluated, so that the two threads can split a cell's points (`targetShares`): a
    /// cell's local expansion is then formed by both (the same bits: r^2 work), each
    /// evaluates it at its own points, and the cell-wide value and moment sum goes to the
    /// share that holds the cell's first positive.
    ///
    /// With `coefficientsOut` (the one-cell and few-cells paths, OneCellSoftAUROC.swift and
    /// FewCellsSoftAUROC.swift), the points are not touched: the Chebyshev coefficients of
    /// a large class's sigmoid' sum in cell c are written there instead (positives at
    /// 2 r c ..< 2 r c + r, negatives at 2 r c + r ..< 2 r (c + 1)).
    func evaluate(cells range: Range<Int>, positives: Range<Int>, negatives: Range<Int>,
                  scratch: UnsafeMutablePointer<Double>,
                  coefficientsOut: UnsafeMutablePointer<Double>? = nil) -> (value: Double, moment: Double) {
        let r = I.Shape.nodes
        let constants = constants(scratch)
        let nodes = constants, coefficients = scratch + 2 * r
        let table = constants + ChebyshevConstants<I.Shape>.tableStart
        let localValue = scratch + 3 * r, localSlope = scratch + 4 * r, localMoment = scratch + 5 * r
        let localNeg = scratch + 6 * r
        let expPlus = constants + ChebyshevConstants<I.Shape>.nodeExponentialsStart, expMinus = expPlus + r
        let ring = scratch + ChebyshevScratch<I.Shape>.ringOffset
        for slot in 0..<ChebyshevScratch<I.Shape>.ringSlots { ring[ChebyshevScratch<I.Shape>.ringTagsStart + slot] = -1 }
        let tableSlots = ChebyshevScratch<I.Shape>.tableSlots(reach: tableReach)
        let tableTags = scratch + ChebyshevScratch<I.Shape>.tableOffset + tableSlots * ChebyshevScratch<I.Shape>.tableSlotSize
        for slot in 0..<tableSlots { tableTags[slot] = 0 }
        let distanceTags = scratch + ChebyshevScratch<I.Shape>.distancesOffset(reach: tableReach) + 2 * tableSlots
        for slot in 0..<tableSlots { distanceTags[slot] = 0 }
        let large = layout.largeCount
        let momentTags = scratch + ChebyshevScratch<I.Shape>.momentRingOffset + ChebyshevScratch<I.Shape>.momentRingSlots * r
        for slot in 0..<ChebyshevScratch<I.Shape>.momentRingSlots { momentTags[slot] = -1 }
        let posTargets = scratch + ChebyshevScratch<I.Shape>.targetsOffset, negTargets = posTargets + 3 * r
        let t = layout.temperature
        let pos = layout.pos, neg = layout.neg, cells = layout.cells
        let needGradient = layout.needGradient
        var value = CompensatedSum(), moment = CompensatedSum()
        for c in range {
            // Large or small is decided on the whole cell (both shares agree); the
            // targets are this share's points of the cell.
            let pcAll = layout.posRange(c), ncAll = layout.negRange(c)
            let pc = pcAll.clamped(to: positives), nc = ncAll.clamped(to: negatives)
            if pc.isEmpty && (nc.isEmpty || !needGradient) { continue }
            let loC = layout.anchor(c)
            let largeP = pcAll.count > large, largeN = ncAll.count > large
            // (Only a large class's local expansion is read below.)
            if largeP || largeN { for m in 0..<(4 * r) { localValue[m] = 0 } }
            // A small class's targets are staged when a form first needs them.
            var posStaged = false, negStaged = false
            for d in Int(cells.nearLo[c])...Int(cells.nearHi[c]) {
                let pd = layout.posRange(d), nd = layout.negRange(d)
                // No pair between c's targets and d's sources (e.g. one-point cells at
                // small T): nothing to add, skip the exponential too.
                if (pc.isEmpty || nd.isEmpty) && (!needGradient || nc.isEmpty || pd.isEmpty) { continue }
                let loD = layout.anchor(d)
                let slot = tableSlot(loC, loD)
                let (D, expD) = cellDistance(slot: slot, loC, loD, scratch: scratch)
                // Every pair here has x = D + u_t - u_s with u in [0, h]. Upward (c >= d,
                // so D >= 0 and x >= -h) its kernels are taken from e^-x, else from e^x
                // (x <= h): either is at most e^h, and splits into e^-|D| times node or
                // point factors, so each kernel costs a multiply instead of an exponential.
                let upward = c >= d
                let sourceNodeFactors = upward ? expPlus : expMinus  // e^+-u_l
                let targetNodeFactors = upward ? expMinus : expPlus  // e^-+u_m
                // Negative targets of c from positive moments of d (M2L), done inside the
                // positives' M2L loop when that runs too.
                let negativeM2L = needGradient && largeN && !nc.isEmpty && pd.count > large
                let positiveM2L = largeP && !pc.isEmpty && nd.count > large
                // Positive targets in c, negative sources in d: three kernels. The
                // interpolation forms run four kernels at a time (r is a multiple of 4).
                if !pc.isEmpty && !nd.isEmpty {
                    let largeSource = nd.count > large
                    if largeP && largeSource {
                        // With `negativeM2L`, both M2L forms of this cell pair at once: the
                        // negative targets' sigmoid' at the same x comes with the
                        // positives' kernels.
                        let moments = momentsOf(neg, nd, cell: d, negatives: true, lo: loD, table: table, scratch: scratch)
                        let sourceMoments = negativeM2L
                            ? momentsOf(pos, pd, cell: d, negatives: false, lo: loD, table: table, scratch: scratch)
                            : moments
                        let kv = pairKernels(slot: slot, D: D, expD: expD, upward: upward, constants: constants, scratch: scratch)
                        let ks = kv + r * r, km = kv + 2 * r * r
                        // L[m] += sum_l K[l][m] M[l], eight m at a time: no horizontal sums.
                        for half in stride(from: 0, to: r, by: 8) {
                            var sv = load8(localValue + half), ss = load8(localSlope + half)
                            var sm = load8(localMoment + half)
                            for l in 0..<r {
                                let w = SIMD8<Double>(repeating: moments[l]), at = l * r + half
                                sv += load8(kv + at) * w; ss += load8(ks + at) * w; sm += load8(km + at) * w
                            }
                            store8(sv, localValue + half); store8(ss, localSlope + half)
                            store8(sm, localMoment + half)
                        }
                        if negativeM2L { addSlopeM2L(ks, sourceMoments, into: localNeg) }
                    } else if largeP {
                        let staged = stagedSource(neg, nd, cell: d, negatives: true, lo: loD, ring: ring)
                        let factors = staged + (upward ? r : 2 * r), masses = staged + 3 * r
                        for k in 0..<nd.count {
                            // e^-+(D - u_s) = e^-|D| e^+-u_s
                            let us = staged[k], q = masses[k], es = expD * factors[k]
                            var m = 0
                            while m < r {
                                let k = PairKernels4(x: (D + load4(nodes + m)) - us,
                                                     exponential: es * load4(targetNodeFactors + m),
                                                     upward: upward)
                                store4(load4(localValue + m) + q * k.value, localValue + m)
                                store4(load4(localSlope + m) + q * k.slope, localSlope + m)
                                store4(load4(localMoment + m) + q * k.moment, localMoment + m)
                                m += 4
                            }
                        }
                    } else if largeSource {
                        let moments = momentsOf(neg, nd, cell: d, negatives: true, lo: loD, table: table, scratch: scratch)
                        if !posStaged { stageTargets(pos, pc, lo: loC, into: posTargets); posStaged = true }
                        for i in pc {
                            let k = i - pc.lowerBound
                            // e^-+(D + u_t) = e^-|D| e^-+u_t
                            let base = D + posTargets[k], et = expD * posTargets[(upward ? 2 : 1) * r + k]
                            let sums = upward
                                ? sourceSums(base: base, et: et, offsets: nodes, factors: sourceNodeFactors,
                                             weights: moments, count: r, upward: true)
                                : sourceSums(base: base, et: et, offsets: nodes, factors: sourceNodeFactors,
                                             weights: moments, count: r, upward: false)
                            let p = pos.mass[i]
                            value.add(p * sums.value); moment.add(p * sums.moment)
                            pos.potentialBelow[i] += sums.slope
                        }
                    } else if nd.count < ChebyshevScratch<I.Shape>.stagedMinimum {
                        // A few sources: scalar kernels (a mostly empty SIMD group costs more).
                        for i in pc {
                            let a = pos.scores[i]
                            var sv = 0.0, ss = 0.0, sm = 0.0
                            for s in nd {
                                let k = PairKernels(x: scaledDifference(a, neg.scores[s], t))
                                let q = neg.mass[s]
                                sv += q * k.value; ss += q * k.slope; sm += q * k.moment
                            }
                            let p = pos.mass[i]
                            value.add(p * sv); moment.add(p * sm)
                            pos.potentialBelow[i] += ss
                        }
                    } else {
                        // Small cells: the (at most r) sources staged in SIMD4 groups, then
                        // every target against them, four kernels at a time.
                        let staged = stagedSource(neg, nd, cell: d, negatives: true, lo: loD, ring: ring)
                        let factors = staged + (upward ? r : 2 * r), masses = staged + 3 * r
                        let lanes = 4 * ((nd.count + 3) / 4)
                        if !posStaged { stageTargets(pos, pc, lo: loC, into: posTargets); posStaged = true }
                        for i in pc {
                            let k = i - pc.lowerBound
                            let base = D + posTargets[k], et = expD * posTargets[(upward ? 2 : 1) * r + k]
                            let sums = upward
                                ? sourceSums(base: base, et: et, offsets: staged, factors: factors,
                                             weights: masses, count: lanes, upward: true)
                                : sourceSums(base: base, et: et, offsets: staged, factors: factors,
                                             weights: masses, count: lanes, upward: false)
                            let p = pos.mass[i]
                            value.add(p * sums.value); moment.add(p * sums.moment)
                            pos.potentialBelow[i] += sums.slope
                        }
                    }
                }
                // Negative targets in c, positive sources in d: sigmoid' only (even).
                if needGradient && !nc.isEmpty && !pd.isEmpty {
                    let largeSource = pd.count > large
                    if largeN && largeSource && positiveM2L {
                        // Done with the positives' M2L above.
                    } else if largeN && largeSource {
                        let moments = momentsOf(pos, pd, cell: d, negatives: false, lo: loD, table: table, scratch: scratch)
                        let ks = pairKernels(slot: slot, D: D, expD: expD, upward: upward, constants: constants, scratch: scratch) + r * r
                        addSlopeM2L(ks, moments, into: localNeg)
                    } else if largeN {
                        let staged = stagedSource(pos, pd, cell: d, negatives: false, lo: loD, ring: ring)
                        let factors = staged + (upward ? r : 2 * r), masses = staged + 3 * r
                        for k in 0..<pd.count {
                            let p = masses[k], es = expD * factors[k]
                            var m = 0
                            while m < r {
                                let slope = slopeKernel4(exponential: es * load4(targetNodeFactors + m))
                                store4(load4(localNeg + m) + p * slope, localNeg + m)
                                m += 4
                            }
                        }
                    } else if largeSource {
                        let moments = momentsOf(pos, pd, cell: d, negatives: false, lo: loD, table: table, scratch: scratch)
                        if !negStaged { stageTargets(neg, nc, lo: loC, into: negTargets); negStaged = true }
                        for j in nc {
                            let et = expD * negTargets[(upward ? 2 : 1) * r + j - nc.lowerBound]
                            var ss = SIMD4<Double>(repeating: 0)
                            var l = 0
                            while l < r {
                                ss += slopeKernel4(exponential: et * load4(sourceNodeFactors + l)) * load4(moments + l)
                                l += 4
                            }
                            neg.potentialBelow[j] += horizontalSum4(ss)
                        }
                    } else if pd.count < ChebyshevScratch<I.Shape>.stagedMinimum {
                        for j in nc {
                            let b = neg.scores[j]
                            var ss = 0.0
                            for s in pd { ss += pos.mass[s] * slopeKernel(scaledDifference(b, pos.scores[s], t)) }
                            neg.potentialBelow[j] += ss
                        }
                    } else {
                        let staged = stagedSource(pos, pd, cell: d, negatives: false, lo: loD, ring: ring)
                        let factors = staged + (upward ? r : 2 * r), masses = staged + 3 * r
                        let lanes = 4 * ((pd.count + 3) / 4)
                        if !negStaged { stageTargets(neg, nc, lo: loC, into: negTargets); negStaged = true }
                        for j in nc {
                            let et = expD * negTargets[(upward ? 2 : 1) * r + j - nc.lowerBound]
                            var ss = SIMD4<Double>(repeating: 0)
                            var g = 0
                            while g < lanes {
                                ss += slopeKernel4(exponential: et * load4(factors + g)) * load4(masses + g)
                                g += 4
                            }
                            neg.potentialBelow[j] += horizontalSum4(ss)
                        }
                    }
                }
            }
            // The few-cells path's far node values (FewCellsFarField.swift), in the order
            // of the four local expansions (localValue, localSlope, localMoment, localNeg).
            if let far = layout.gatheredFarField, largeP || largeN {
                let values = far + FewCellsFarField.perCell * c
                for m in 0..<(4 * r) { localValue[m] += values[m] }
            }
            // The far field's node slopes of a class with many points in c (written by
            // both sweeps past its moments: ExponentialFarField, "Large cells at their
            // nodes"), into the local expansion evaluated at its points below.
            if layout.hasFarField && pcAll.count > ExponentialFarField.nodeTargetMinimum(I.Shape.self) {
                let far = ExponentialFarField.nodeSlopes(pos, pcAll, shape: I.Shape.self)
                for m in 0..<r { localSlope[m] += far[m] + far[r + m] }
            }
            if needGradient && layout.hasFarField && ncAll.count > ExponentialFarField.nodeTargetMinimum(I.Shape.self) {
                let far = ExponentialFarField.nodeSlopes(neg, ncAll, shape: I.Shape.self)
                for m in 0..<r { localNeg[m] += far[m] + far[r + m] }
            }
            if largeP && !pc.isEmpty {
                // Value and moment: sum_i p_i sum_m l_m(u_i) L[m] = sum_m L[m] M_c[m].
                if pc.lowerBound == pcAll.lowerBound {
                    let own = momentsOf(pos, pcAll, cell: c, negatives: false, lo: loC, table: table, scratch: scratch)
                    var sv = 0.0, sm = 0.0
                    for m in 0..<r {
                        sv += localValue[m] * own[m]; sm += localMoment[m] * own[m]
                    }
                    value.add(sv); moment.add(sm)
                }
                if let out = coefficientsOut {
                    nodeValuesToCoefficients(localSlope, out + 2 * r * c, table: table)
                } else {
                    nodeValuesToCoefficients(localSlope, coefficients, table: table)
                    addChebyshevSums(pos, pc, lo: loC, cached: pcAll.count > r, coefficients, into: pos.potentialBelow)
                }
            }
            if largeN && needGradient && !nc.isEmpty {
                if let out = coefficientsOut {
                    nodeValuesToCoefficients(localNeg, out + 2 * r * c + r, table: table)
                } else {
                    nodeValuesToCoefficients(localNeg, coefficients, table: table)
                    addChebyshevSums(neg, nc, lo: loC, cached: ncAll.count > r, coefficients, into: neg.potentialBelow)
                }
            }
        }
        return (value.total, moment.total)
    }
}

/// The sums of one target against `count` (a multiple of 4) sources at offsets u_l with
/// weights w_l (see `evaluate`: a large source cell's r nodes and moments (M2T), or a small
/// cell's staged points and masses): sum_l K(base - u_l) w_l for the three kernels, K from
/// e = et * factors[l], four lanes at a time, each lane's terms added in order and the
/// lanes summed by `horizontalSum4`. Called with `upward` a constant: with it a variable
/// the loop kept a branch on it and was taken apart into scalar and 2-lane pieces.
@inline(__always)
private func sourceSums(base: Double, et: Double, offsets: UnsafeMutablePointer<Double>,
                        factors: UnsafeMutablePointer<Double>, weights: UnsafeMutablePointer<Double>,
                        count: Int, upward: Bool) -> (value: Double, slope: Double, moment: Double) {
    var sv = SIMD4<Double>(repeating: 0), ss = sv, sm = sv
    var l = 0
    while l < count {
        let k = PairKernels4(x: base - load4(offsets + l), exponential: et * load4(factors + l), upward: upward)
        let w = load4(weights + l)
        sv += k.value * w; ss += k.slope * w; sm += k.moment * w
        l += 4
    }
    return (horizontalSum4(sv), horizontalSum4(ss), horizontalSum4(sm))
}

/// sigmoid'(x) = e / (1 + e)^2 with e = e^-|x| (even, finite for every x).
@inline(__always)
func slopeKernel(_ x: Double) -> Double {
    let e = exp(-Swift.abs(x))
    let r = 1.0 / (1.0 + e)
    return e * r * r
}

/// The near field's constants for r nodes on [0, h]: the Chebyshev points
/// u_m = h/2 (1 - cos a_m), a_m = (2m + 1) pi / (2r), and T_k(z_m) = (-1)^k cos(k a_m)
/// (z_m = -cos a_m); then the node exponentials e^(u_l - u_m), e^(u_m - u_l), e^(u_l) and
/// e^(-u_l), each within 1 ulp (all in [e^-h, e^h]). Since k a_m = k (2m + 1) pi / (2r),
/// every cosine is +-cos(j pi / (2r)) for some j in 0...r, reduced by the symmetries of
/// cosine (exact): r + 1 calls to cos instead of r^2 + r (17 instead of 272 at r = 16).
/// Nothing here or in the forms that read the table assumes r = 16: r must be a multiple
/// of 8 (the SIMD8 layout of the near field and of the far field's `momentSums`). One
/// table per cell shape (`CellShape.constantTable`): r = 16 on [0, 1] and r = 24 on [0, 2].
enum ChebyshevConstants<S: CellShape> {
    private static var r: Int { S.nodes }
    /// Layout: u_0 ... u_{r-1}; T_k(z_m) at tableStart + r m + k; e^(u_l - u_m) at
    /// exponentialStart + r m + l; e^(u_m - u_l) at exponentialStart + r^2 + r m + l;
    /// e^(u_l) at nodeExponentialsStart + l; e^(-u_l) at nodeExponentialsStart + r + l;
    /// T_k(z_m) again at transposedStart + r k + m. (At r = 16: 1072 doubles.)
    static var count: Int { 4 * r * r + 3 * r }
    static var tableStart: Int { r }
    static var exponentialStart: Int { r + r * r }
    /// e^(u_l), then e^(-u_l): the node factors of the near field's forms and of the far
    /// sweeps' node tables (ExponentialFarField.fillNodeFactors).
    static var nodeExponentialsStart: Int { exponentialStart + 2 * r * r }
    static var transposedStart: Int { nodeExponentialsStart + 2 * r }

    /// Computes the constants into `values` (`count` doubles).
    static func fill(_ values: UnsafeMutablePointer<Double>) {
        precondition(r % 8 == 0 && r <= 64, "the near field's SIMD8 layout needs r to be a multiple of 8 (at most 64 here)")
        let h = S.width
        // cos(j pi / (2r)), j = 0...r, on the stack: this also runs when the process-wide
        // table's malloc failed (`constants`), where a heap array could not be had either.
        var quarter = InlineArray<65, Double>(repeating: 0)
        for j in 0...r { quarter[j] = cos(Double(j) * Double.pi / Double(2 * r)) }
        // cos(j pi / (2r)) for any j >= 0, from the first quadrant (period 4r, cos(pi - y) = -cos y).
        func cosine(_ j: Int) -> Double {
            let t = j % (4 * r)
            if t <= r { return quarter[t] }
            if t <= 2 * r { return -quarter[2 * r - t] }
            if t <= 3 * r { return -quarter[t - 2 * r] }
            return quarter[4 * r - t]
        }
        for m in 0..<r {
            values[m] = 0.5 * h * (1 - cosine(2 * m + 1))
            for k in 0..<r { values[tableStart + m * r + k] = (k % 2 == 0 ? 1 : -1) * cosine(k * (2 * m + 1)) }
        }
        for m in 0..<r {
            for l in 0..<r {
                values[exponentialStart + m * r + l] = exp(values[l] - values[m])
                values[exponentialStart + r * r + m * r + l] = exp(values[m] - values[l])
            }
            values[nodeExponentialsStart + m] = exp(values[m])
            values[nodeExponentialsStart + r + m] = exp(-values[m])
        }
        for m in 0..<r {
            for k in 0..<r { values[transposedStart + k * r + m] = values[tableStart + m * r + k] }
        }
    }
}

/// The constants of each cell shape, computed once per process on first use (a global is
/// initialized lazily and thread-safely) into memory that is never freed; nil if malloc
/// failed then, in which case every call computes them into its scratch instead
/// (`constants`).
nonisolated(unsafe) let unitChebyshevConstantTable: UnsafePointer<Double>? = ChebyshevConstants<UnitCells>.allocate()
nonisolated(unsafe) let doubleChebyshevConstantTable: UnsafePointer<Double>? = ChebyshevConstants<DoubleCells>.allocate()

extension ChebyshevConstants {
    /// The constants in memory of their own (never freed), or nil if malloc fails.
    static func allocate() -> UnsafePointer<Double>? {
        guard let raw = malloc(count * MemoryLayout<Double>.stride) else { return nil }
        let values = raw.bindMemory(to: Double.self, capacity: count)
        fill(values)
        return UnsafePointer(values)
    }
}
