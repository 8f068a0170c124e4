#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The series-window path of the fast soft AUROC, for data that are sparse on the scale of
/// T but too dense for the window path (WindowSoftAUROC.swift): a few points a temperature
/// width, where cells of width T hold one or two points each and their per-cell costs
/// dominate. No cells: the two classes are sorted and every point is a target of its own.
///
/// Split of the pairs of a target t (scaled difference x = (a - b) / T, a positive's
/// score minus a negative's):
///   - near, |x| < C = `nearDistance` = 2.5: summed directly over each positive's
///     contiguous window of the sorted negatives with the window path's kernels
///     (`positiveWindow`: eight pairs at a time, `PairKernels8`, a few ulps a kernel),
///     which also add each pair's p sigmoid'(x) to its negative's near sum (one array for
///     each half of the positives, added in that order by the negatives' sweeps): every
///     near pair's kernels are evaluated once, not once from each side;
///   - far, |x| >= C: the alternating series of ExponentialFarField.swift,
///
///         sigmoid(x)    = 1 - sum_k (-1)^{k+1} e^{-kx},   sigmoid'(x) = sum_k (-1)^{k+1} k e^{-kx},
///         x sigmoid'(x) = sum_k (-1)^{k+1} k x e^{-kx}     (x > 0; mirrored for x < 0),
///
///     kept to K = 16 terms, carried per SOURCE POINT by a sweep and vectorized over k: the
///     state is two SIMD8 vectors, k = 1...8 and 9...16.
///
/// Truncation (K = 16, C = 2.5). For x >= C the terms decrease in magnitude (k e^{-kx} and
/// k x e^{-kx} decrease in k once x > ln 2), so each alternating remainder is at most the
/// first omitted term: e^{-17C} = e^-42.5 = 3.5e-19 for sigmoid, 17 e^-42.5 = 6.0e-18 for
/// sigmoid' and 17 C e^-42.5 = 1.5e-17 for x sigmoid' (k x e^{-kx} is largest at x = C for
/// kC > 1). Masses sum to 1, so every potential and the moment err by < 2e-17 from
/// truncation, the value by < 4e-19. (Why 16 and 2.5, not 8 and 4.5 with the same bound:
/// the direct window costs a kernel per pair, ~2C rho pairs at rho points a unit, and
/// dominated; 16 terms cost two vector multiplies more per step. Measured at n = 10^6,
/// T / spread = 1e-5: 236 -> 218 ms CPU.)
///
/// Running sums. The upward sweep for positive targets keeps, over the negatives that have
/// fallen C behind the current target (the set F), with ref = the last of them,
///     R_k = sum_F q e^{-k(ref - b)/T},   U_k = sum_F q ((ref - b)/T) e^{-k(ref - b)/T}.
/// A new source b' moves ref up by D = (b' - ref)/T >= 0: R <- R e^{-kD},
/// U <- (U + D R) e^{-kD}, then R += q' (its own factor is e^0 = 1). Every factor is <= 1
/// and every term >= 0: no overflow, no cancellation. A target at d = (a - ref)/T >= C gets
/// S_k = e^{-kd} R_k and X_k = e^{-kd} (d R_k + U_k): the far slope is sum (-1)^{k+1} k S_k,
/// the far value M - sum (-1)^{k+1} S_k (M: the compensated mass of F, the constant term)
/// and the far moment sum (-1)^{k+1} k X_k. The factors e^{-kD}, e^{-kd} for the eight k
/// are one libm exp(-D) (within 1 ulp) and its powers by multiplication (e^{-kD} within
/// k + 1 ulps; D < G, so e^{-16 D} > e^-640 is never subnormal). A source's D is its gap
/// to the point before it in its class, the same in both sweeps, so exp(-D) is computed
/// once a point before the sweeps (`gaps`). The downward sweep is the mirror image (sources above, no constant term);
/// the negatives' potentials use the same sweeps with the roles of the classes swapped
/// (R only: sigmoid' is all they need).
///
/// Counting. When D >= G = `countingDistance` = 40 every term of the state is at most
/// e^-G (relative to its mass) at the new reference and further from every later target:
/// the state is cleared (only M keeps their mass), and a target with d >= G takes no
/// series terms. The dropped terms are bounded as in ExponentialFarField's "Counting":
/// e^-G = 4.2e-18 on the value, G e^-G = 1.7e-16 on each potential and the moment. This
/// also keeps subnormal numbers out of the state.
///
/// Rounding. Each step multiplies a term by a factor with at most k + 2 ulps of error
/// (libm exp, its k-th power, the multiply), so a term carried over m steps has relative
/// error <= (k + 2) m eps while it has decayed by e^{-kΔ} (Δ the distance covered). Steps
/// of D = 0 (ties) are skipped and add no error. A target reads the state at distance
/// >= C, i.e. through a factor e^{-kC} <= e^-2.5 = 0.082 (k = 1; the higher k decay
/// faster than their error grows). The path is taken only when the near pairs are few
/// (`pairBudget` a point on average), which bounds the points within C of one another: a
/// run of m points within C has ~m^2 / 4 near pairs, so m <= 2 sqrt(pairBudget n)
/// (2.2e4 at n = 10^7): a relative error of at most ~7e-12 on terms weighed by 0.082,
/// i.e. ~6e-13 absolute on a potential in that extreme case (one such run holding all
/// the mass), and ~m^(1/2) eps in the typical case of independent rounding. The window sums add at most a
/// few hundred kernels plainly (~1e-14 of a potential at worst; a negative's near sum
/// adds the same kernels in the order of its positives); values and moments are
/// p-weighted lane sums folded into compensated totals every 64 targets. All errors
/// together stay below the 1e-12 bar by a factor of 10 or more.
///
/// Parallelism and reproducibility: each class is cut at half its count, and each half
/// starts both of its sweeps from scratch: the upward sweep of the half [i0, i1) starts at
/// the first source less than G below the half's first target (those further below only
/// enter the constant M, summed in blocks), the downward sweep at the last source less
/// than G above its last target. The halves are always computed this way, on one thread
/// or two, so the bits do not depend on the thread count; partial sums are combined in a
/// fixed order. The phases (WindowSoftAUROC.swift, `WindowTeam`): both classes' gaps;
/// the positives' halves, which fill the negatives' near sums; the negatives' halves.
///
/// Cost: the sort, then per point at most three libm exponentials and their powers (once
/// as a source, for both sweeps, twice as a target) and its share of the near pairs'
/// kernels, counted as the positives go (as `nearPairCount` counts them, which runs first
/// only when an estimate puts them past twice the limit) and accepted up to `pairBudget`
/// a point.
enum SeriesWindowSoftAUROC {
    /// C: pairs with |x| < C are summed directly, the others by the K = 16 term series.
    static let nearDistance = 2.5
    /// Near pairs (|x| < C) a point the path accepts (see FastSoftAUROC.swift, dispatch).
    static let pairBudget = 12

    // (The sign vectors are computed properties, not stored statics: a stored static is
    // a lazy global, and its accesses in the sweeps compiled to swift_once calls.)
    @inline(__always) private static var signs: SIMD8<Double> { SIMD8<Double>(1, -1, 1, -1, 1, -1, 1, -1) }
    @inline(__always) private static var signedKsLow: SIMD8<Double> { SIMD8<Double>(1, -2, 3, -4, 5, -6, 7, -8) }
    @inline(__always) private static var signedKsHigh: SIMD8<Double> { SIMD8<Double>(9, -10, 11, -12, 13, -14, 15, -16) }

    /// The series state of one sweep: R_k (and U_k) for k = 1...8 (low) and 9...16 (high).
    private struct State {
        var rLow = SIMD8<Double>(repeating: 0), rHigh = SIMD8<Double>(repeating: 0)
        var uLow = SIMD8<Double>(repeating: 0), uHigh = SIMD8<Double>(repeating: 0)
        var reference = 0.0
        var hasReference = false

        /// Moves the reference to `source`, delta = gaps[k] >= 0 scaled units ahead of the
        /// old one (see "Running sums"; cleared at delta >= G, "Counting"; its factor
        /// exp(-delta) is factors[k], see `gaps`), and adds its mass. The gap is read only
        /// when there is an old reference: a sweep's first source has none, and its k may be
        /// the class's count (the downward sweeps' k is the index above the source).
        @inline(__always)
        mutating func add(_ source: Double, mass: Double, gaps: UnsafeMutablePointer<Double>,
                          factors: UnsafeMutablePointer<Double>, at k: Int, withMoment: Bool) {
            if hasReference, case let delta = gaps[k], delta != 0 {
                if delta >= FastSoftParameters.countingDistance {
                    rLow = SIMD8<Double>(repeating: 0); rHigh = rLow; uLow = rLow; uHigh = rLow
                } else {
                    let (fLow, fHigh) = powers(of: factors[k])
                    if withMoment {
                        uLow = (uLow + delta * rLow) * fLow
                        uHigh = (uHigh + delta * rHigh) * fHigh
                    }
                    rLow = rLow * fLow
                    rHigh = rHigh * fHigh
                }
            }
            let q = SIMD8<Double>(repeating: mass)
            rLow += q
            rHigh += q
            reference = source
            hasReference = true
        }
    }

    /// (e^-y, ..., e^-8y) and (e^-9y, ..., e^-16y) for 0 <= y < G from e = e^-y, one libm
    /// exp (within 1 ulp): its powers by rounds of multiplication (e^-ky within k + 1
    /// ulps), instead of vector exponentials. (e^-16y >= e^-640: no subnormal.)
    @inline(__always)
    private static func powers(of e: Double) -> (SIMD8<Double>, SIMD8<Double>) {
        let e2 = e * e
        let p4 = SIMD4<Double>(e, e2, e, e2) * SIMD4<Double>(1, 1, e2, e2)
        let p8 = SIMD8<Double>(lowHalf: p4, highHalf: p4 * SIMD4<Double>(repeating: p4[3]))
        return (p8, p8 * SIMD8<Double>(repeating: p8[7]))
    }


    /// For every point j >= 1 of `range` in class `c`: the scaled gap to the point before,
    /// gaps[j] = scaledDifference(s[j], s[j - 1], T), and gapFactors[j] = exp(-gaps[j]).
    /// They are the delta and factor of `State.add` whenever a sweep adds point j as a
    /// source: upward the reference moves from j - 1 to j, downward from j to j - 1, the same
    /// difference, so the two sweeps share one exp (and one division) a point, computed here
    /// before the sweeps: the same values they computed for themselves, half as often.
    static func gaps(_ c: SortedClass, temperature t: Double, range: Range<Int>) {
        let s = c.scores, gap = c.gaps, factor = c.gapFactors
        var j = Swift.max(range.lowerBound, 1)
        while j < range.upperBound {
            let y = scaledDifference(s[j], s[j - 1], t)
            gap[j] = y
            factor[j] = exp(-y)
            j += 1
        }
    }

    /// The number of (positive, negative) pairs with |x| < C, or nil if it exceeds `limit`:
    /// `WindowSoftAUROC.pairCount` at distance C (two halves of the positives, on two
    /// threads from `FastSoftParameters.parallelThreshold` points, the same answer on one
    /// thread or two; `parallel` overrides the size rule, for tests).
    static func nearPairCount(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double, limit: Int,
                              parallel: Bool? = nil) -> Int? {
        WindowSoftAUROC.pairCount(pos, neg, temperature: t, limit: limit, distance: nearDistance, parallel: parallel)
    }

    /// Positives `range`: writes potentialBelow (their sum of q sigmoid' over every
    /// negative) and returns their part of sum p sum q sigmoid and of sum p sum q x sigmoid',
    /// and their near pairs: the count `nearPairCount` takes over the same positives, or -1
    /// (the sums then unfinished) as soon as it exceeds `limit`. With `windows`, every near
    /// pair's p sigmoid' is also added to windows[j] for its negative j: the negatives' near
    /// sums, from the kernels of the positives' windows (`positiveWindow`'s `into`).
    static func positives(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double,
                          range: Range<Int>, limit: Int,
                          windows: UnsafeMutablePointer<Double>?) -> (value: Double, moment: Double, pairs: Int) {
        guard let first = range.first, let last = range.last else { return (0, 0, 0) }
        let G = FastSoftParameters.countingDistance
        // Window ends without a division (same decisions as comparing scaledDifference
        // with +-C and G, see CountingBounds).
        let near = CountingBounds(temperature: t, distance: nearDistance), far = CountingBounds(temperature: t)
        let a = pos.scores, b = neg.scores, q = neg.mass, nc = neg.count
        let gap = neg.gaps, gapFactor = neg.gapFactors
        var value = CompensatedSum(), moment = CompensatedSum()
        let zero = SIMD8<Double>(repeating: 0)

        // Upward: the near window and the sources below.
        var lo = WindowSoftAUROC.partition(nc) { far.atLeastG(a[first], b[$0]) }
        var below = CompensatedSum()
        do {
            var start = 0
            while start < lo {
                let end = Swift.min(start + 64, lo)
                var block = 0.0
                for j in start..<end { block += q[j] }
                below.add(block)
                start = end
            }
        }
        var hi = lo
        var state = State()
        var pairs = 0
        // p-weighted S_k and X_k of up to 64 targets, then folded into the totals.
        var valueLow = zero, valueHigh = zero, momentLow = zero, momentHigh = zero, group = 0
        for i in range {
            let s = a[i]
            while lo < nc && near.atLeastG(s, b[lo]) {
                state.add(b[lo], mass: q[lo], gaps: gap, factors: gapFactor, at: lo, withMoment: true)
                below.add(q[lo])
                lo += 1
            }
            if hi < lo { hi = lo }
            while hi < nc && near.aboveMinusG(s, b[hi]) { hi += 1 }
            // (pairs <= limit before, hi - lo <= nc <= Int.max / 32: no overflow.)
            pairs += hi - lo
            if pairs > limit { return (0, 0, -1) }
            let p = pos.mass[i]
            // The near window: the window path's kernels, same order.
            let (sv, nearSlope, sm) = hi > lo
                ? positiveWindow(s, b, q, from: lo, to: hi, count: nc, temperature: t, mass: p, into: windows)
                : (0, 0, 0)
            var ss = nearSlope
            if state.hasReference {
                let d = scaledDifference(s, state.reference, t)
                if d < G {
                    let (eLow, eHigh) = powers(of: exp(-d))
                    let sLow = eLow * state.rLow, sHigh = eHigh * state.rHigh
                    ss += (signedKsLow * sLow + signedKsHigh * sHigh).sum()
                    valueLow += p * sLow; valueHigh += p * sHigh
                    momentLow += p * (eLow * (d * state.rLow + state.uLow))
                    momentHigh += p * (eHigh * (d * state.rHigh + state.uHigh))
                    group += 1
                    if group == 64 {
                        value.add(-(signs * (valueLow + valueHigh)).sum())
                        moment.add((signedKsLow * momentLow + signedKsHigh * momentHigh).sum())
                        valueLow = zero; valueHigh = zero; momentLow = zero; momentHigh = zero; group = 0
                    }
                }
            }
            value.add(p * (below.total + sv))
            if sm != 0 { moment.add(p * sm) }
            pos.potentialBelow[i] = ss
        }
        value.add(-(signs * (valueLow + valueHigh)).sum())
        moment.add((signedKsLow * momentLow + signedKsHigh * momentHigh).sum())

        // Downward: the sources above (x <= -C), targets from the top of the range.
        var top = WindowSoftAUROC.partition(nc) { !far.atLeastG(b[$0], a[last]) }
        state = State()
        valueLow = zero; valueHigh = zero; momentLow = zero; momentHigh = zero; group = 0
        for i in range.reversed() {
            let s = a[i]
            while top > 0 && near.atLeastG(b[top - 1], s) {
                state.add(b[top - 1], mass: q[top - 1], gaps: gap, factors: gapFactor, at: top, withMoment: true)
                top -= 1
            }
            guard state.hasReference else { continue }
            let d = scaledDifference(state.reference, s, t)
            guard d < G else { continue }
            let p = pos.mass[i]
            let (eLow, eHigh) = powers(of: exp(-d))
            let sLow = eLow * state.rLow, sHigh = eHigh * state.rHigh
            pos.potentialBelow[i] += (signedKsLow * sLow + signedKsHigh * sHigh).sum()
            valueLow += p * sLow; valueHigh += p * sHigh
            momentLow += p * (eLow * (d * state.rLow + state.uLow))
            momentHigh += p * (eHigh * (d * state.rHigh + state.uHigh))
            group += 1
            if group == 64 {
                value.add((signs * (valueLow + valueHigh)).sum())
                moment.add(-(signedKsLow * momentLow + signedKsHigh * momentHigh).sum())
                valueLow = zero; valueHigh = zero; momentLow = zero; momentHigh = zero; group = 0
            }
        }
        value.add((signs * (valueLow + valueHigh)).sum())
        moment.add(-(signedKsLow * momentLow + signedKsHigh * momentHigh).sum())
        return (value.total, moment.total, pairs)
    }

    /// Negatives `range`: writes potentialBelow (their sum of p sigmoid' over every positive):
    /// the near pairs' sums the positives left in `windows` and `moreWindows` (their two
    /// halves', added in that order), then the far pairs' series.
    static func negatives(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double, range: Range<Int>,
                          windows: UnsafeMutablePointer<Double>, moreWindows: UnsafeMutablePointer<Double>) {
        guard let first = range.first, let last = range.last else { return }
        let G = FastSoftParameters.countingDistance
        // Window ends without a division (same decisions as comparing scaledDifference
        // with +-C and G, see CountingBounds).
        let near = CountingBounds(temperature: t, distance: nearDistance), far = CountingBounds(temperature: t)
        let a = pos.scores, b = neg.scores, p = pos.mass, pc = pos.count
        let gap = pos.gaps, gapFactor = pos.gapFactors

        // Upward: sources are the positives at least C below (x = (a - b) / T <= -C).
        var lo = WindowSoftAUROC.partition(pc) { far.atLeastG(b[first], a[$0]) }
        var state = State()
        for j in range {
            let s = b[j]
            while lo < pc && near.atLeastG(s, a[lo]) {
                state.add(a[lo], mass: p[lo], gaps: gap, factors: gapFactor, at: lo, withMoment: false)
                lo += 1
            }
            var ss = windows[j] + moreWindows[j]
            if state.hasReference {
                let d = scaledDifference(s, state.reference, t)
                if d < G {
                    let (eLow, eHigh) = powers(of: exp(-d))
                    ss += (signedKsLow * (eLow * state.rLow) + signedKsHigh * (eHigh * state.rHigh)).sum()
                }
            }
            neg.potentialBelow[j] = ss
        }

        // Downward: the positives at least C above.
        var top = WindowSoftAUROC.partition(pc) { !far.atLeastG(a[$0], b[last]) }
        state = State()
        for j in range.reversed() {
            let s = b[j]
            while top > 0 && near.atLeastG(a[top - 1], s) {
                state.add(a[top - 1], mass: p[top - 1], gaps: gap, factors: gapFactor, at: top, withMoment: false)
                top -= 1
            }
            guard state.hasReference else { continue }
            let d = scaledDifference(state.reference, s, t)
            guard d < G else { continue }
            let (eLow, eHigh) = powers(of: exp(-d))
            neg.potentialBelow[j] += (signedKsLow * (eLow * state.rLow) + signedKsHigh * (eHigh * state.rHigh)).sum()
        }
    }
}

extension SortedClass {
    /// The series-window path's gaps and their factors (`SeriesWindowSoftAUROC.gaps`), in
    /// two work arrays the path does not otherwise use.
    var gaps: UnsafeMutablePointer<Double> { potentialAbove }
    var gapFactors: UnsafeMutablePointer<Double> { moments }
}
