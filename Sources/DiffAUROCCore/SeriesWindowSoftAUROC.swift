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
///   - near, |x| < C = `nearDistance` = 3: summed directly over each positive's
///     contiguous window of the sorted negatives with the window path's kernels
///     (`positiveWindow`: eight pairs at a time, `PairKernels8`, a few ulps a kernel),
///     which also add each pair's p sigmoid'(x) to its negative's near sum (one array for
///     each half of the positives, added in that order by the negatives' sweeps): every
///     near pair's kernels are evaluated once, not once from each side;
///   - far, |x| >= C: polynomials of degree K = 8 in u = e^{-|x|} <= e^{-C},
///
///         sigmoid(x)    = 1 - sum_k c_k e^{-kx},   sigmoid'(x) = sum_k d_k e^{-kx},
///         x sigmoid'(x) = sum_k d_k x e^{-kx}     (x > 0; mirrored for x < 0),
///
///     carried per SOURCE POINT by a sweep and vectorized over k = 1...8: the state is one
///     SIMD8 vector. Each term is a power of u, so it factors over the pair as the
///     alternating series of ExponentialFarField.swift does; only the coefficients differ.
///
/// Far field (K = 8, C = 3). u / (1 + u) = sigmoid(-|x|) and u / (1 + u)^2 = sigmoid'(x)
/// are approximated on u in (0, e^-3] by c_k and d_k fitted at Chebyshev nodes of that
/// interval, with no constant term (`scripts/series_coefficients.py 3 8`: a least-squares
/// solve in 60-digit arithmetic, then rounded to double). The largest errors of the
/// rounded polynomials over 20,001 points of the interval, against the exact functions in
/// 60 digits: 1.4e-17 for sigmoid, 1.1e-16 for sigmoid', 7.7e-16 for |x| sigmoid' (the
/// moment; the error curves are smooth polynomials minus analytic functions whose nearest
/// singularity, u = -1, lies 20 interval widths away, so no peak hides between points).
/// The Taylor coefficients (c_k = (-1)^{k+1}, d_k = (-1)^{k+1} k, the library before)
/// converge by a factor e^-C a term and needed 16 terms for the same accuracy at C = 2.5
/// (3.2e-19, 5.5e-18, 1.4e-17); 8 Taylor terms would err by 1.6e-10 there. Masses sum to 1,
/// so every potential and the moment err by < 1e-15 from the polynomials, the value by <
/// 2e-17. (Why C = 3 rather than 2.5: at 2.5 eight fitted terms err by 1e-15, 8.6e-15 and
/// 5.5e-14, within the bar but 50x less accurate, for a speed difference within the noise;
/// the near pairs grow by 3 / 2.5, and `pairBudget` with them, 12 -> 14, so the path
/// takes the inputs it took before. Measured against the 16-term series, C driver, value
/// and gradient, CPU of 5 alternating processes: n = 10^6 at T / spread 1e-5 -3 to -4%,
/// 10^5 at 1e-4 -6%, 10^4 at 1e-3 -8%.)
///
/// Running sums. The upward sweep for positive targets keeps, over the negatives that have
/// fallen C behind the current target (the set F), with ref = the last of them,
///     R_k = sum_F q e^{-k(ref - b)/T},   U_k = sum_F q ((ref - b)/T) e^{-k(ref - b)/T}.
/// A new source b' moves ref up by D = (b' - ref)/T >= 0: R <- R e^{-kD},
/// U <- (U + D R) e^{-kD}, then R += q' (its own factor is e^0 = 1). Every factor is <= 1
/// and every term >= 0: no overflow, no cancellation. A target at d = (a - ref)/T >= C gets
/// S_k = e^{-kd} R_k and X_k = e^{-kd} (d R_k + U_k): the far slope is sum d_k S_k,
/// the far value M - sum c_k S_k (M: the compensated mass of F, the constant term)
/// and the far moment sum d_k X_k. The factors e^{-kD} for the eight k are one
/// exponential exp(-D) and its powers by multiplication (`eightPowers`; D < G, so
/// e^{-8 D} > e^-320 is never subnormal). A source's D is its gap to the point before it
/// in its class, the same in both sweeps, so exp(-D) is computed once a point before the
/// sweeps (`gaps`), eight points at a time with the vector exponential
/// (`exponentialOfNonPositive`, Horner's rule: at most 1.15 ulps against 120-bit
/// arithmetic in VectorExponentialTests, where libm's exp, which `gaps` called a point
/// until stop 53, is within 1; e^{-kD} then within 1.15 k + k - 1 ulps). A target's e^{-d} comes from the vector exponential
/// (`exponentialOfNonPositiveShortChain`, < 1e-15 relative), eight targets at once (see "Groups of
/// eight"), and its powers likewise. The downward sweep is the mirror image (sources above, no constant term);
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
/// Rounding. Each step multiplies a term by a factor with at most 2.15 k + 1 ulps of
/// error (the exponential's k-th power, the k - 1 multiplies forming it, the step's own
/// multiply and add: 3.15 for k = 1), so a term carried over m steps has relative error
/// <= (2.15 k + 1) m eps while it has decayed by e^{-kΔ} (Δ the distance covered). Steps
/// of D = 0 (ties) are skipped and add no error. A target reads the state at distance
/// >= C, i.e. through a factor e^{-kd} <= e^{-kC} (e^-3 = 0.050 for k = 1; the higher k
/// decay faster than their error grows) that is itself within k (5 + 1) ulps (the vector
/// exponential's < 1e-15, then k - 1 multiplies): < 1e-14 relative for k = 8, once per
/// read, not carried; the coefficients are at most 1 (c_k) and 6.9 (|d_k|) and the sums
/// they weigh decrease with k (S_k <= e^{-(k-1)C} S_1), so the dot products lose nothing
/// to cancellation. The path is taken only when the near pairs are few
/// (`factoredPairBudget` = 24 a point on average at most), which bounds the points within
/// C of one another: a run of m points within C has ~m^2 / 4 near pairs, so
/// m <= 2 sqrt(24 n) (3.1e4 at n = 10^7): for k = 1 a relative error of at most
/// 3.15 m eps = 1.1e-11 on terms weighed by 0.050, i.e. ~5.4e-13 absolute on a potential
/// in that extreme case (one such run holding all the mass; the higher k are weighed by
/// e^{-kC} and gain far less), and ~m^(1/2) eps in the typical case of independent
/// rounding. The window sums add at most a
/// few hundred kernels plainly (~1e-14 of a potential at worst; a negative's near sum
/// adds the same kernels in the order of its positives); values and moments are
/// p-weighted lane sums folded into compensated totals every 64 targets. All errors
/// together stay below the 1e-12 bar by a factor of 10 or more, except in the extreme
/// case above, by about 2.
///
/// Parallelism and reproducibility: each class is cut in two where the halves' estimated
/// costs match (`TeamCut`, WindowSoftAUROC.swift: from the sorted scores alone), and each
/// half starts both of its sweeps from scratch: the upward sweep of the half [i0, i1) starts at
/// the first source less than G below the half's first target (those further below only
/// enter the constant M, summed in blocks), the downward sweep at the last source less
/// than G above its last target. The halves are always computed this way, on one thread
/// or two, so the bits do not depend on the thread count; partial sums are combined in a
/// fixed order. The phases (WindowSoftAUROC.swift, `WindowTeam`): both classes' gaps;
/// the positives' halves, which fill the negatives' near sums; the negatives' halves.
///
/// Groups of eight. Each sweep takes its targets eight at a time, in two phases. Phase A
/// goes target by target: it adds the sources the target has passed (and, for positives,
/// finds its near window and counts its pairs), then stores the state it sees (R, and U
/// for positives: 8 doubles each, lane l of a 512-byte stack buffer) and its reference.
/// For positives the near windows are then summed, target by target in order (see "Near
/// pairs"). Phase B computes the eight scaled distances with one vector division
/// (`scaledDifferences8`, the scalar function's bits) and their e^{-d} with one vector
/// exponential, then each target's far terms in order, adding to the sums in the same
/// order as one target at a time. The division and the exponential then no longer sit in
/// each target's chain between the unpredictable ends of its source loops. Measured (C,
/// value and gradient, min wall of 5 alternating processes): n = 10^6 at T / spread 1e-5
/// 110 -> 104 ms; n = 10^4 at 1e-3 1.02 -> 0.88 ms. (The same grouping with a libm exp a
/// target, and the lanes kept in SIMD8 locals, was 20% slower: each lane's store into a
/// vector local became a load, insert and store of the whole vector.)
///
/// Near pairs. Each near pair's kernels need e^-x, x = (a - b) / T. Wherever the window
/// path's anchors fit the scores (WindowFactors.swift; decided once a call), e^-x is the
/// product of the negative's factor F_b (filled with the gaps, before the sweeps)
/// and the positive's G0 or G1 (eight targets at a time, from the first negative of each
/// near window, after phase A has found them), as in the window path: a select and a
/// multiply instead of a vector exponential a pair. A near window spans less than 2C = 6
/// temperature widths (the window path's: 80), far less than the anchor step S >= 81 T,
/// so it meets at most two anchors, and the factors' arguments are smaller than the window
/// path's (G0's in (-3, 165)): WindowFactors.swift's accuracy bound (e^-x within 2.5e-13
/// relative, every sum within 1.2e-13 of its natural scale) holds as it is. Otherwise, an
/// exponential a pair (`PerPairExponentials`). Measured (C driver, value and gradient,
/// median wall of 6 alternating processes, factored / not, AMD Zen 4): n = 10^6 at
/// T / spread 1e-5 (3 near pairs a point) 0.93x, at 3e-5 (9 a point) 0.81x; n = 10^4 at
/// 1e-3 0.94x; n = 10^5 at 1e-4 0.91x. (With the exponential replaced by a cheap stand-in,
/// results wrong, the bound on the gain: 0.91x, 0.81x, 0.86x.) No threshold on the near
/// pairs: the path runs past `FastSoftParameters.factoredSeriesWindowPreference` window
/// pairs a point, about 2.2 near pairs a point on locally even data, and there the factors
/// already pay (n = 10^6 at 7.5e-6 and 9e-6 0.94x, 10^5 at 8e-5 0.92x, 10^4 at 8e-4
/// 0.92x, where a threshold of `WindowFactors.pairsPerPoint` on the near pairs' estimate
/// had left them unfactored). Where near pairs are rare the factors cost one exponential
/// lane a point, a few percent of the path (an estimate, not measured).
///
/// Cost: the sort, then per point one exponential lane (as a source, for both sweeps), two
/// lanes of vector exponentials (as a target) and their powers, a lane for its factor when
/// the near pairs are factored, and its share of the near pairs' kernels, counted as the
/// positives go (as `nearPairCount` counts them, which runs first only when an estimate
/// puts them past twice the limit) and accepted up to `pairBudget` a point
/// (`factoredPairBudget` when factored).
enum SeriesWindowSoftAUROC {
    /// C: pairs with |x| < C are summed directly, the others by the K = 8 term polynomials.
    static let nearDistance = 3.0
    /// Near pairs (|x| < C) a point the path accepts (see FastSoftAUROC.swift, dispatch),
    /// with an exponential a near pair.
    static let pairBudget = 14
    /// The same with the near pairs factored ("Near pairs"), which halves their cost
    /// (about 0.9 ms a near pair a point at n = 10^6 against 2): with the grid route's
    /// `FastSoftParameters.sortingDensity` at 8, N(0, 1) + label scores leave up to about
    /// 21 near pairs a point here (T / spread 7e-5 at 10^6, 0.88x the cells' time).
    static let factoredPairBudget = 24

    // The far field's polynomials in u = e^{-|x|} (see "Far field"), from
    // scripts/series_coefficients.py 3 8. (Computed properties, not stored statics: a
    // stored static is a lazy global, and its accesses in the sweeps compiled to swift_once
    // calls.)
    @inline(__always) private static var valueCoefficients: SIMD8<Double> {
        SIMD8<Double>(0.9999999999999739, -0.9999999999831374, 0.9999999962570698, -0.9999995965559557,
                      0.9999758490177542, -0.9991531468981628, 0.9826143658948568, -0.8038216006496888)
    }
    @inline(__always) private static var slopeCoefficients: SIMD8<Double> {
        SIMD8<Double>(0.9999999999997706, -1.9999999998519484, 2.999999967120327, -3.9999964534700356,
                      4.999787487785465, -5.992537165156726, 6.84640852838171, -6.258319062941993)
    }

    /// The series state of one sweep: R_k (and U_k) for k = 1...8.
    private struct State {
        var r = SIMD8<Double>(repeating: 0), u = SIMD8<Double>(repeating: 0)
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
                    r = SIMD8<Double>(repeating: 0); u = r
                } else {
                    let f = eightPowers(factors[k])
                    if withMoment { u = (u + delta * r) * f }
                    r = r * f
                }
            }
            r += SIMD8<Double>(repeating: mass)
            reference = source
            hasReference = true
        }

        /// Phase A's record of target `lane` of a group (see "Groups of eight"), at score s:
        /// lanes.targets[lane] = s; with a reference, R (and U, `withMoment`) at
        /// rows.r[8 lane ..< 8 lane + 8] (U likewise in rows.u), the reference in
        /// lanes.references[lane] and bit `lane` of `has` set; without one,
        /// references[lane] = s (a distance of 0, which phase B computes and does not read).
        @inline(__always)
        func record(lane: Int, target s: Double, lanes: GroupLanes,
                    rows: (r: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Double>), withMoment: Bool,
                    has: inout Int) {
            lanes.targets[lane] = s
            lanes.references[lane] = hasReference ? reference : s
            guard hasReference else { return }
            store8(r, rows.r + 8 * lane)
            if withMoment { store8(u, rows.u + 8 * lane) }
            has |= 1 << lane
        }
    }


    /// For every point j >= 1 of `range` in class `c`: the scaled gap to the point before,
    /// gaps[j] = scaledDifference(s[j], s[j - 1], T), and gapFactors[j] = e^-gaps[j]
    /// (`exponentialOfNonPositive`; gaps are >= 0, +infinity included, whose factor is 0).
    /// They are the delta and factor of `State.add` whenever a sweep adds point j as a
    /// source: upward the reference moves from j - 1 to j, downward from j to j - 1, the same
    /// difference, so the two sweeps share one exp (and one division) a point, computed here
    /// before the sweeps: the same values they computed for themselves, half as often.
    /// Eight points at a time (`scaledDifferences8`, the scalar function's bits); against
    /// libm's exp a point (C driver, value and gradient, median wall of 6 alternating
    /// processes): n = 10^6 at T / spread 1e-5 0.97x, 10^5 at 1e-4 0.97x, 10^4 at 1e-3
    /// 0.98x (libm's exp and its wrapper were 4.5% of the CPU at 10^6).
    static func gaps(_ c: SortedClass, temperature t: Double, range: Range<Int>) {
        let s = c.scores, gap = c.gaps, factor = c.gapFactors
        var j = Swift.max(range.lowerBound, 1)
        while j + 8 <= range.upperBound {
            let y = scaledDifferences8(load8(s + j), load8(s + (j - 1)), t)
            store8(y, gap + j)
            store8(exponentialOfNonPositive(-y), factor + j)
            j += 8
        }
        // The last few: the same exponential, one lane used (a lane's result does not
        // depend on the others), so a factor's bits do not depend on where a range starts.
        while j < range.upperBound {
            let y = scaledDifference(s[j], s[j - 1], t)
            gap[j] = y
            factor[j] = exponentialOfNonPositive(SIMD8<Double>(repeating: -y))[0]
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
                          windows: UnsafeMutablePointer<Double>?, factors: WindowFactors? = nil)
        -> (value: Double, moment: Double, pairs: Int) {
        guard !range.isEmpty else { return (0, 0, 0) }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: laneRows) { rRows in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: laneRows) { uRows in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: GroupLanes.doubles) { lanes in
                    positives(pos, neg, temperature: t, range: range, limit: limit, windows: windows,
                              factors: factors,
                              rows: (rRows.baseAddress!, uRows.baseAddress!), lanes: GroupLanes(lanes.baseAddress!))
                }
            }
        }
    }

    /// Doubles of one lane buffer: the 8 series terms of each of eight targets.
    private static let laneRows = 8 * 8

    /// The scalars of a group of eight targets (see "Groups of eight"), eight lanes each in
    /// a stack buffer of `doubles` doubles: the targets' scores and their references'
    /// (phase A), the scaled distances and their e^-d (phase B's vector step), and for
    /// positives each target's base value, near slope and near moment, its near window
    /// (phase A records it, the near step sums it), and with factors the block of the
    /// eight targets' factors (`WindowFactors.positiveFactors`).
    private struct GroupLanes {
        static let doubles = 72 + WindowFactors.blockDoubles
        let base: UnsafeMutablePointer<Double>
        var targets: UnsafeMutablePointer<Double> { base }
        var references: UnsafeMutablePointer<Double> { base + 8 }
        var distances: UnsafeMutablePointer<Double> { base + 16 }
        var factors: UnsafeMutablePointer<Double> { base + 24 }
        var bases: UnsafeMutablePointer<Double> { base + 32 }
        var slopes: UnsafeMutablePointer<Double> { base + 40 }
        var moments: UnsafeMutablePointer<Double> { base + 48 }
        /// Near windows [start, end) of the negatives, as the bit patterns of two Ints.
        var starts: UnsafeMutablePointer<Double> { base + 56 }
        var ends: UnsafeMutablePointer<Double> { base + 64 }
        var factorBlock: UnsafeMutablePointer<Double> { base + 72 }

        /// Lanes in `base`, the targets and references zeroed: a short group's lanes past
        /// its count then hold finite scores (a distance of 0, never read).
        init(_ base: UnsafeMutablePointer<Double>) {
            self.base = base
            store8(SIMD8(repeating: 0), targets); store8(SIMD8(repeating: 0), references)
        }

        /// Phase B's vector step: the eight scaled distances from the lower score to the
        /// upper (target above its reference in an upward sweep, below in a downward one),
        /// with one vector division (`scaledDifferences8`, the scalar function's bits), and
        /// their e^-d with one vector exponential.
        @inline(__always)
        func computeDistances(upward: Bool, temperature t: Double) {
            let d8 = upward ? scaledDifferences8(load8(targets), load8(references), t)
                            : scaledDifferences8(load8(references), load8(targets), t)
            store8(d8, distances); store8(exponentialOfNonPositiveShortChain(-d8), factors)
        }
    }

    /// `positives`, with two lane buffers (`laneRows` doubles each) for the states (R and U)
    /// of a group of eight targets and its other lanes (see "Groups of eight").
    private static func positives(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double,
                                  range: Range<Int>, limit: Int, windows: UnsafeMutablePointer<Double>?,
                                  factors: WindowFactors?,
                                  rows: (r: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Double>),
                                  lanes: GroupLanes)
        -> (value: Double, moment: Double, pairs: Int) {
        let distances = lanes.distances, decays = lanes.factors
        let bases = lanes.bases, slopes = lanes.slopes, moments = lanes.moments
        let starts = lanes.starts, ends = lanes.ends
        let first = range.lowerBound, last = range.upperBound - 1
        let G = FastSoftParameters.countingDistance
        // Window ends without a division (same decisions as comparing scaledDifference
        // with +-C and G, see CountingBounds).
        let near = CountingBounds(temperature: t, distance: nearDistance), far = CountingBounds(temperature: t)
        let a = pos.scores, b = neg.scores, q = neg.mass, nc = neg.count
        let gap = neg.gaps, gapFactor = neg.gapFactors
        var value = CompensatedSum(), moment = CompensatedSum()
        let zero = SIMD8<Double>(repeating: 0)
        // p-weighted S_k and X_k of up to 64 targets, then folded into the totals.
        var valueTerms = zero, momentTerms = zero, group = 0

        /// Target lane l of the group: its far terms from the state phase A stored, at
        /// scaled distance d >= C from the reference (its series part of the slope).
        @inline(__always)
        func farTerms(_ l: Int, _ d: Double, _ e: Double, _ p: Double) -> Double {
            let powers = eightPowers(e)
            let r = load8(rows.r + 8 * l), u = load8(rows.u + 8 * l)
            let terms = powers * r
            valueTerms += p * terms
            momentTerms += p * (powers * (d * r + u))
            return (slopeCoefficients * terms).sum()
        }
        /// Folds the group's terms into the totals and starts a new group. `sign` is the
        /// sweep's: +1 upward (sources below: value M - sum c_k S_k, moment + sum d_k X_k),
        /// -1 downward (sources above: the mirror image). A product by +-1 is exact.
        @inline(__always)
        func flush(sign: Double) {
            value.add(-sign * (valueCoefficients * valueTerms).sum())
            moment.add(sign * (slopeCoefficients * momentTerms).sum())
            valueTerms = zero; momentTerms = zero; group = 0
        }

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
        var i = first
        while i <= last {
            let count = Swift.min(8, last + 1 - i)
            // Phase A: sources, windows and states, target by target.
            var has = 0
            for l in 0..<count {
                let s = a[i + l]
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
                starts[l] = Double(bitPattern: UInt64(truncatingIfNeeded: lo))
                ends[l] = Double(bitPattern: UInt64(truncatingIfNeeded: hi))
                bases[l] = below.total
                state.record(lane: l, target: s, lanes: lanes, rows: rows, withMoment: true, has: &has)
            }
            // The near windows, target by target in order: the window path's kernels, with
            // its factored exponentials when given (see "Near pairs").
            if let factors {
                factors.positiveFactors(a + i, starts: starts, first: 0, count: count, negatives: neg,
                                        into: lanes.factorBlock)
            }
            for l in 0..<count {
                let lo = Int(truncatingIfNeeded: starts[l].bitPattern), hi = Int(truncatingIfNeeded: ends[l].bitPattern)
                guard hi > lo else { slopes[l] = 0; moments[l] = 0; continue }
                let (sv, nearSlope, sm) = positiveWindow(
                    a[i + l], b, q, from: lo, to: hi, count: nc, temperature: t, mass: pos.mass[i + l], into: windows,
                    factors: factors.map { PositiveFactors(block: lanes.factorBlock, lane: l, $0) })
                bases[l] += sv; slopes[l] = nearSlope; moments[l] = sm
            }
            // Phase B: the far terms and the sums, target by target in order.
            lanes.computeDistances(upward: true, temperature: t)
            for l in 0..<count {
                let p = pos.mass[i + l]
                var ss = slopes[l]
                if has & (1 << l) != 0, case let d = distances[l], d < G {
                    ss += farTerms(l, d, decays[l], p)
                    group += 1
                    if group == 64 { flush(sign: 1) }
                }
                value.add(p * bases[l])
                if moments[l] != 0 { moment.add(p * moments[l]) }
                pos.potentialBelow[i + l] = ss
            }
            i += count
        }
        flush(sign: 1)

        // Downward: the sources above (x <= -C), targets from the top of the range.
        var top = WindowSoftAUROC.partition(nc) { !far.atLeastG(b[$0], a[last]) }
        state = State()
        i = last
        while i >= first {
            let count = Swift.min(8, i + 1 - first)
            var has = 0
            for l in 0..<count {
                let s = a[i - l]
                while top > 0 && near.atLeastG(b[top - 1], s) {
                    state.add(b[top - 1], mass: q[top - 1], gaps: gap, factors: gapFactor, at: top, withMoment: true)
                    top -= 1
                }
                state.record(lane: l, target: s, lanes: lanes, rows: rows, withMoment: true, has: &has)
            }
            lanes.computeDistances(upward: false, temperature: t)
            for l in 0..<count where has & (1 << l) != 0 {
                let d = distances[l]
                guard d < G else { continue }
                pos.potentialBelow[i - l] += farTerms(l, d, decays[l], pos.mass[i - l])
                group += 1
                if group == 64 { flush(sign: -1) }
            }
            i -= count
        }
        flush(sign: -1)
        return (value.total, moment.total, pairs)
    }

    /// Negatives `range`: writes potentialBelow (their sum of p sigmoid' over every positive):
    /// the near pairs' sums the positives left in `windows` and `moreWindows` (their two
    /// halves', added in that order), then the far pairs' series.
    static func negatives(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double, range: Range<Int>,
                          windows: UnsafeMutablePointer<Double>, moreWindows: UnsafeMutablePointer<Double>) {
        guard !range.isEmpty else { return }
        withUnsafeTemporaryAllocation(of: Double.self, capacity: laneRows) { rows in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: GroupLanes.doubles) { lanes in
                negatives(pos, neg, temperature: t, range: range, windows: windows, moreWindows: moreWindows,
                          rows: rows.baseAddress!, lanes: GroupLanes(lanes.baseAddress!))
            }
        }
    }

    /// `negatives`, with a lane buffer (`laneRows` doubles) for the states (R) of a group of
    /// eight targets and its other lanes (see "Groups of eight").
    private static func negatives(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double, range: Range<Int>,
                                  windows: UnsafeMutablePointer<Double>, moreWindows: UnsafeMutablePointer<Double>,
                                  rows: UnsafeMutablePointer<Double>, lanes: GroupLanes) {
        let distances = lanes.distances, factors = lanes.factors
        let first = range.lowerBound, last = range.upperBound - 1
        let G = FastSoftParameters.countingDistance
        // Window ends without a division (same decisions as comparing scaledDifference
        // with +-C and G, see CountingBounds).
        let near = CountingBounds(temperature: t, distance: nearDistance), far = CountingBounds(temperature: t)
        let a = pos.scores, b = neg.scores, p = pos.mass, pc = pos.count
        let gap = pos.gaps, gapFactor = pos.gapFactors
        let noMoment = (r: rows, u: rows)

        /// Target lane l's far slope from the state phase A stored, at scaled distance d.
        @inline(__always)
        func farSlope(_ l: Int, _ e: Double) -> Double {
            (slopeCoefficients * (eightPowers(e) * load8(rows + 8 * l))).sum()
        }

        // Upward: sources are the positives at least C below (x = (a - b) / T <= -C).
        var lo = WindowSoftAUROC.partition(pc) { far.atLeastG(b[first], a[$0]) }
        var state = State()
        var j = first
        while j <= last {
            let count = Swift.min(8, last + 1 - j)
            var has = 0
            for l in 0..<count {
                let s = b[j + l]
                while lo < pc && near.atLeastG(s, a[lo]) {
                    state.add(a[lo], mass: p[lo], gaps: gap, factors: gapFactor, at: lo, withMoment: false)
                    lo += 1
                }
                state.record(lane: l, target: s, lanes: lanes, rows: noMoment, withMoment: false, has: &has)
            }
            lanes.computeDistances(upward: true, temperature: t)
            for l in 0..<count {
                var ss = windows[j + l] + moreWindows[j + l]
                if has & (1 << l) != 0, distances[l] < G { ss += farSlope(l, factors[l]) }
                neg.potentialBelow[j + l] = ss
            }
            j += count
        }

        // Downward: the positives at least C above.
        var top = WindowSoftAUROC.partition(pc) { !far.atLeastG(a[$0], b[last]) }
        state = State()
        j = last
        while j >= first {
            let count = Swift.min(8, j + 1 - first)
            var has = 0
            for l in 0..<count {
                let s = b[j - l]
                while top > 0 && near.atLeastG(a[top - 1], s) {
                    state.add(a[top - 1], mass: p[top - 1], gaps: gap, factors: gapFactor, at: top, withMoment: false)
                    top -= 1
                }
                state.record(lane: l, target: s, lanes: lanes, rows: noMoment, withMoment: false, has: &has)
            }
            lanes.computeDistances(upward: false, temperature: t)
            for l in 0..<count where has & (1 << l) != 0 {
                if distances[l] < G { neg.potentialBelow[j - l] += farSlope(l, factors[l]) }
            }
            j -= count
        }
    }
}

extension SortedClass {
    /// The series-window path's gaps and their factors (`SeriesWindowSoftAUROC.gaps`), in
    /// two work arrays the path does not otherwise use.
    var gaps: UnsafeMutablePointer<Double> { potentialAbove }
    var gapFactors: UnsafeMutablePointer<Double> { moments }
}
