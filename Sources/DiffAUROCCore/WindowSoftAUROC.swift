/// The window path of the fast soft AUROC: for data that is sparse on the scale of T
/// (small temperatures: most points have no point of the other class within a few dozen
/// T), every pair is either counted or summed directly, with no series and no cells.
///
/// With G = `FastSoftParameters.countingDistance` = 40 and x = (a - b) / T (one
/// `scaledDifference` per pair, as everywhere), a pair with x >= G contributes sigmoid(x)
/// = 1 to within e^-G = 4.2e-18, and sigmoid'(x) <= e^-G, |x sigmoid'(x)| <= G e^-G =
/// 1.7e-16 (x e^-x decreases for x > 1); a pair with x <= -G contributes sigmoid <= e^-G
/// and the same bounds. So, with the classes sorted, for a positive a_i:
///
///     sum_j q_j sigmoid(x_ij)   = M(i) + sum_{j in W(i)} q_j sigmoid(x_ij)
///     sum_j q_j sigmoid'(x_ij)  =        sum_{j in W(i)} q_j sigmoid'(x_ij)
///
/// where W(i) is the window of negatives with -G < x_ij < G (contiguous: x is monotone
/// in b) and M(i) the mass of the negatives below it (x >= G), a compensated running sum
/// as the window moves up; unweighted, where every mass is the double q = 1 / N, M(i) =
/// lo q for the lo negatives below, the exact sum rounded once. (The window's ends are
/// decided without dividing, by `CountingBounds`: the same decisions as comparing
/// `scaledDifference` with +-G.) A negative's potential likewise sums its window of positives.
/// The dropped terms are bounded by those constants times the masses (sum 1): below
/// 1.7e-16 on every potential and on the moment, 4.2e-18 on the value, against the 1e-12
/// bar. The window kernels are `PairKernels` of the pairwise oracle (same argument, same
/// formulas; a few ulps each; in eight lanes, `PairKernels8`, with the vector exponential,
/// a few ulps too; windows of fewer than 16 pairs are evaluated eight pairs at a time
/// across windows, WindowBatch.swift), summed plainly over a window of at most a few hundred points
/// (relative error ~ window * eps, ~1e-14 of a potential at worst), and the
/// per-target totals p_i (M(i) + window) are added with compensation: the value's
/// rounding error is a few ulps.
///
/// Cost: the sort, then O(n + W) with W the number of window pairs. The path is taken
/// when W <= `pairBudget` * n (counted first, `pairCount`, stopping at the budget);
/// denser data uses the cells of FastSoftAUROC.swift.
///
/// Shared slopes. A window pair's sigmoid'(x) enters both its positive's potential and its
/// negative's. When the windows hold at least `sharedSlopesPairs` pairs a point (by
/// `estimatedPairCount`, decided once before any attempt, so that every attempt computes
/// the same bits), the positives add each pair's p sigmoid'(x) to an array over the
/// negatives as they sum their windows (one array for each half of the positives, zeroed by
/// that half first where its windows reach and read as +0 elsewhere, `addNearSums`;
/// positives in index order), and a negative's potential is the first
/// half's sum plus the second's: each kernel is evaluated once, not once from each side
/// (the series-window path's near sums, SeriesWindowSoftAUROC.swift, work the same way).
/// A negative's sum is then of the positives' eight-lane kernels (a few ulps each), added
/// plainly in index order and split at the halves: the bounds above are unchanged.
/// Measured (C, value and gradient, min wall of 3 alternating processes): n = 10^5 at T /
/// spread 2e-5 11.3 -> 6.6 ms, at 1e-5 6.9 -> 4.6 ms. Nearly empty windows keep the
/// negatives' own window sums: there, from n = 10^6 (arrays out of cache), zeroing and
/// adding the two arrays (16 bytes a negative) costs more than the few kernels they save.
/// Where that turns, shared / not shared, median wall of 5 alternating C processes each
/// (`bench/c/timing.c`, one build with the threshold set per process, value and
/// gradient, N(0, 1) + label scores, whose window pairs number 0.4 (n / 10^6) (T /
/// spread / 10^-7) a point), on AMD Zen 4:
///
///     pairs a point      0.004   0.04   0.12   0.4
///     n = 10^3                   0.97          0.80
///     n = 10^4                   0.95   0.89   0.77
///     n = 10^5             0.98   0.91   0.84   0.71
///     n = 10^6             1.10   1.07   0.94   0.82
///     n = 10^7                    1.01   0.93   0.85
///
/// (The threshold was 1 pair a point before: the arrays measured within noise of the
/// negatives' own sums at n = 10^5 and T / spread 1e-6, 0.4 pairs a point, with that
/// stop's library.) The table was measured with both arrays zeroed and read whole; each
/// half now zeroes and reads only the part its windows reach, about half of that at these
/// scores (README, Stop 57: 0.95-0.96x CPU at 0.12-0.4 pairs a point, n = 10^5 and
/// 10^6). A threshold of 0.03 measured after it (C, median wall of 6 alternating
/// processes, Intel Xeon; 0.04 pairs a point, shared / not): n = 10^4 0.955x, 10^5 1.01x,
/// 10^6 1.07x, 10^7 1.07x. So it stays 0.1.
///
/// Factored exponentials. From `WindowFactors.pairsPerPoint` window pairs a point (2.5,
/// decided once like the shared slopes) each pair's e^-x is the product of a factor of its
/// positive and one of its negative, computed once a point (WindowFactors.swift, with the
/// bound: < 1.2e-13 on every sum, against the few ulps of the exponential of x), instead
/// of an exponential a pair. Measured (C, value and gradient, median wall of 4 alternating
/// processes, before -> after): n = 10^5 at T / spread 1e-5 (4 pairs a point) 0.75-0.78x,
/// 10^6 at 1e-6 0.82x, 10^7 at 1e-7 0.87x. With them the window path is preferred to the
/// series-window path up to `FastSoftParameters.factoredSeriesWindowPreference` pairs a
/// point (30; 10 without).
///
/// Parallelism and reproducibility: the positives are cut where the two halves' estimated
/// costs match (`TeamCut`, from the sorted scores alone), the negatives at half their
/// count; each half finds its starting window by binary search and its starting M by
/// summing the masses below it, so the halves are independent, always computed the same
/// way (on one thread or two), and their partial sums are combined in a fixed order.
/// `pairCount` counts the positives in halves of their count (integers: the sum does not
/// depend on the split).
enum WindowSoftAUROC {
    /// W <= pairBudget * n: window pairs a point that the window path accepts. Counted
    /// with callgrind at n = 10^5 (N(0, 1) + label scores, value and gradient): at 4
    /// window pairs a point the window path runs about 1,300 instructions a point against
    /// 5,000 for the cells; at 32, 4,800 against 5,600-6,400; a window pair costs about
    /// 150 instructions (both sides, eight lanes), so the two meet near 40.
    static let pairBudget = 40

    /// Shared slopes from this many window pairs a point (by `estimatedPairCount`; see
    /// "Shared slopes" above: below about 0.1 they cost time at n >= 10^6, above it they
    /// save it at every n).
    static let sharedSlopesPairs = 0.1

    /// `fastSoftAUROC` tries the window path before counting its pairs when
    /// `estimatedPairCount` from this many positives is at most `estimateMargin` times the
    /// pairs it prefers the window path for (`FastSoftParameters.seriesWindowPreference` a
    /// point, or `factoredSeriesWindowPreference`). A wrong estimate costs time only: too
    /// high, the count runs first as before; too low, the window path gives up once a
    /// half's pairs pass the preference, after at most that many window pairs.
    static let estimateSamples = 64
    static let estimateMargin = 0.5
    /// ... and counts them (to take the window path first when they number at most that
    /// preference) only while the estimate is at most `countCeiling` times it; above, the
    /// series-window path is tried first, uncounted. At N(0, 1) + label scores the estimate
    /// was within 1.5% of the count (n = 3,000 to 10^7, 14 inputs of 28 to 41 window pairs
    /// a point, numpy), and near the preference both paths cost about the same, so a
    /// wrong estimate costs little time. It was 2 until stop 53: at 40 window pairs a point
    /// (T / spread 1e-5 at n = 10^6, 1e-3 at 10^4, 30% above the preference) the count ran
    /// to the limit every call and was given up, 2.3% and 3% of the CPU; 0.96x and 0.95x
    /// the call without it (C driver, median wall of 6 alternating processes).
    static let countCeiling = 1.15

    /// The number of (positive, negative) pairs with |x| < `distance` (G unless given; the
    /// series-window path counts its near pairs, |x| < C, with it), or nil if it exceeds
    /// `limit`. Classes sorted ascending. The positives are counted in two halves, on two
    /// threads from `FastSoftParameters.parallelThreshold` points (`parallel` overrides the
    /// size rule, for tests): each half starts its window by binary search and stops once
    /// its own count exceeds the limit, so the answer is the same on one thread or two.
    static func pairCount(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double, limit: Int,
                          distance: Double = FastSoftParameters.countingDistance,
                          parallel: Bool? = nil) -> Int? {
        var first = 0, second = 0
        withUnsafeMutablePointer(to: &first) { firstCount in
            withUnsafeMutablePointer(to: &second) { secondCount in
                runConcurrently(inParallel: parallel ?? (pos.count + neg.count >= FastSoftParameters.parallelThreshold),
                                with: (pos: pos, neg: neg, t: t, d: distance, limit: limit, a: firstCount, b: secondCount), { c in
                    c.a.pointee = pairCount(c.pos, c.neg, temperature: c.t, distance: c.d, limit: c.limit,
                                            range: 0..<(c.pos.count / 2)) ?? -1
                }, { c in
                    c.b.pointee = pairCount(c.pos, c.neg, temperature: c.t, distance: c.d, limit: c.limit,
                                            range: (c.pos.count / 2)..<c.pos.count) ?? -1
                })
            }
        }
        // (Each count is at most limit, so the sum cannot overflow.)
        guard first >= 0, second >= 0, first + second <= limit else { return nil }
        return first + second
    }

    /// `pairCount` over the positives `range`: nil as soon as their count exceeds `limit`.
    private static func pairCount(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double, distance: Double,
                                  limit: Int, range: Range<Int>) -> Int? {
        windowEnds(pos.scores, neg.scores, count: neg.count, range: range,
                   bounds: CountingBounds(temperature: t, distance: distance), limit: limit) { _, _, _ in }
    }

    /// The window [lo, hi) of every positive i in `range` (scores `a`, ascending) among the
    /// `nc` negatives (scores `b`, ascending): lo counts the negatives with x >= d, hi
    /// those with x > -d, for the distance d of `bounds`; `record(i, lo, hi)` for each i in
    /// order within each run below. Returns the number of pairs (the sum of hi - lo), or
    /// nil as soon as it exceeds `limit` (at most Int.max / 2).
    ///
    /// Each end is the first index where a monotone decision turns false, so it does not
    /// depend on where its search starts (any index at or below it): from
    /// `interleavedMinimum` positives the range is cut into four runs of consecutive
    /// positives, each run's first ends found by bisection, and the runs advanced side by
    /// side (`advance`: eight negatives at a time). Within a run each advance waits on the
    /// one before (load, compare, count the lanes: a chain of about 25 cycles a positive);
    /// four independent runs fill that wait. The ends are the same whatever the cut; the
    /// pairs are an integer sum, and the limit is checked as they grow, so it is exceeded
    /// in this order exactly when it is in any other. Measured (alternating C processes,
    /// Zen 4; perf samples of the positives' pass -22 to -30%): n = 10^4 at T / spread
    /// 1e-5 0.928x, n = 10^5 at 1e-9 0.973x (CPU 0.947x), n = 10^6 at 1e-7 0.983x (CPU
    /// 0.961x).
    @inline(__always)
    static func windowEnds(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, count nc: Int,
                           range: Range<Int>, bounds: CountingBounds, limit: Int,
                           record: (Int, Int, Int) -> Void) -> Int? {
        guard let first = range.first else { return 0 }
        // Every difference a[i] - b[j] of this range's positives and any negative lies
        // between a[first] - b[nc - 1] and a[last] - b[0] (both classes sorted; a rounded
        // subtraction is monotone in each operand): when those two are finite, so is every
        // difference, and `advance` need not check its blocks.
        let finite = nc == 0 || ((a[first] - b[nc - 1]).isFinite && (a[range.upperBound - 1] - b[0]).isFinite)
        @inline(__always) func start(_ i: Int) -> (lo: Int, hi: Int) {
            (partition(nc) { bounds.atLeastG(a[i], b[$0]) }, partition(nc) { bounds.aboveMinusG(a[i], b[$0]) })
        }
        // hi is advanced from the previous positive's hi rather than from max(hi, lo): the
        // same index, as x > -d holds wherever x >= d does (so below lo) and both decisions
        // are monotone in the negative's and in the positive's score; the two advances then
        // do not wait on each other.
        @inline(__always) func step(_ i: Int, _ lo: inout Int, _ hi: inout Int) -> Int {
            let s = a[i]
            lo = advance(lo, s, b, count: nc, threshold: bounds.threshold, atLeastG: true, finite: finite) {
                bounds.atLeastG(s, $0)
            }
            hi = advance(hi, s, b, count: nc, threshold: bounds.threshold, atLeastG: false, finite: finite) {
                bounds.aboveMinusG(s, $0)
            }
            record(i, lo, hi)
            return hi - lo
        }
        // (pairs <= limit before each addition, each hi - lo <= nc <= Int.max / 32 and
        // limit <= Int.max / 2: no overflow.)
        var pairs = 0
        let n = range.count
        guard n >= interleavedMinimum else {
            var (lo, hi) = start(first)
            for i in range {
                pairs += step(i, &lo, &hi)
                if pairs > limit { return nil }
            }
            return pairs
        }
        // Runs [first, r1), [r1, r2), [r2, r3), [r3, upper), whose lengths differ by at most
        // one: the common length side by side, then each run's last positive.
        let r1 = first + n / 4, r2 = first + n / 2, r3 = first + 3 * n / 4
        var (lo0, hi0) = start(first), (lo1, hi1) = start(r1), (lo2, hi2) = start(r2), (lo3, hi3) = start(r3)
        let common = Swift.min(r1 - first, r2 - r1, r3 - r2, range.upperBound - r3)
        for k in 0..<common {
            pairs += step(first + k, &lo0, &hi0) + step(r1 + k, &lo1, &hi1)
                + step(r2 + k, &lo2, &hi2) + step(r3 + k, &lo3, &hi3)
            if pairs > limit { return nil }
        }
        for i in (first + common)..<r1 { pairs += step(i, &lo0, &hi0) }
        for i in (r1 + common)..<r2 { pairs += step(i, &lo1, &hi1) }
        for i in (r2 + common)..<r3 { pairs += step(i, &lo2, &hi2) }
        for i in (r3 + common)..<range.upperBound { pairs += step(i, &lo3, &hi3) }
        return pairs > limit ? nil : pairs
    }

    /// Ranges of at least this many positives take `windowEnds` in four interleaved runs.
    static let interleavedMinimum = 64

    /// An estimate of `pairCount` (no limit) from `samples` positives at evenly spaced
    /// ranks (two bisections each: O(samples log n)). A hint for the routing: it decides
    /// whether the window path is tried before its pairs are counted, and whether they are
    /// counted at all (`countCeiling`: past it the series-window path goes first, so an
    /// estimate far off can change the route, never the accuracy). A function of the sorted
    /// scores alone: the same inputs take the same route (see `fastSoftAUROC`).
    static func estimatedPairCount(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double,
                                   samples: Int, distance: Double = FastSoftParameters.countingDistance) -> Double {
        let bounds = CountingBounds(temperature: t, distance: distance)
        let pc = pos.count, nc = neg.count
        let k = Swift.min(samples, pc)
        guard k > 0 else { return 0 }
        let a = pos.scores, b = neg.scores
        var sum = 0
        for r in 0..<k {
            // (The middle of the r-th of k equal rank ranges; k <= samples, a small
            // constant, and pc <= Int.max / 32, so the product cannot overflow.)
            sum += windowSize(a[(2 * r + 1) * pc / (2 * k)], b, count: nc, bounds: bounds)
        }
        return Double(sum) / Double(k) * Double(pc)
    }

    /// The negatives of b[0 ..< count] (sorted ascending) within the bounds' distance of
    /// a positive of score s (-D < x < D, or -G < x < G), by two bisections.
    static func windowSize(_ s: Double, _ b: UnsafeMutablePointer<Double>, count: Int,
                           bounds: CountingBounds) -> Int {
        // x >= D implies x > -D, so hi >= lo.
        let lo = partition(count) { bounds.atLeastG(s, b[$0]) }
        let hi = partition(count) { bounds.aboveMinusG(s, b[$0]) }
        return hi - lo
    }

    /// The first index k in 0...count with !below(k) (below must be true then false).
    /// Also the series-window path's (SeriesWindowSoftAUROC.swift).
    @inline(__always)
    static func partition(_ count: Int, _ below: (Int) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if below(mid) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Positives `range`: writes potentialBelow (their sum of q sigmoid') and returns
    /// their part of sum p (M + window sigmoid) and of sum p x sigmoid', and the number of
    /// their window pairs (as `pairCount` counts them over `range`), or pairs = -1 as soon
    /// as that number exceeds `limit` (then the sums are incomplete and not to be used).
    /// Records each positive's window in windowStart/windowEnd, and uses the negatives'
    /// windowStart (a range from 0) or windowEnd (any other) as scratch. With `windows`
    /// (8 spare slots past the last negative), zeroes the negatives the range's windows
    /// reach (`reach`) and the 8 slots after them, then adds each window pair's p sigmoid'(x) to windows[j] for its
    /// negative j, positives in order: the negatives' potentials from the kernels the
    /// positives evaluate anyway (see "Shared slopes"). Every other slot is left as it
    /// was, and reads as +0 (`addNearSums`).
    ///
    /// Three passes, so that the one over the positives has no branch that depends on the
    /// data (at small T the windows are empty and a positive costed two mispredicted loop
    /// exits):
    ///  1. the window ends [lo, hi) of every positive (`windowEnds`: eight negatives
    ///     compared at once, the same decisions as `CountingBounds`), counting the pairs;
    ///  2. M at each lo in the range used: the compensated sum of the masses below it, in
    ///     index order, as the running sum gives it (the sum of q[0 ..< lo] added in
    ///     order, whatever the range's first lo: the same bits); with `uniformMass` (every
    ///     negative's mass is that one double, as unweighted), no pass: M = lo x mass,
    ///     the exact sum rounded once (lo < 2^53), computed where it is read;
    ///  3. the windows' sums (short windows staged and summed in batches, WindowBatch.swift,
    ///     `scratch` holding the batch) and the totals.
    static func positives(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double,
                          range: Range<Int>, limit: Int,
                          scratch: UnsafeMutablePointer<Double>,
                          windows: UnsafeMutablePointer<Double>? = nil,
                          uniformMass: Double? = nil, factors: WindowFactors? = nil)
        -> (value: Double, moment: Double, pairs: Int) {
        let far = CountingBounds(temperature: t)
        var value = CompensatedSum(), moment = CompensatedSum()
        guard let first = range.first else { return (0, 0, 0) }
        let a = pos.scores, b = neg.scores, q = neg.mass, nc = neg.count
        let windowStart = pos.windowStart, windowEnd = pos.windowEnd
        // Pass 1 (`windowEnds`).
        guard let pairs = windowEnds(a, b, count: nc, range: range, bounds: far, limit: limit, record: { i, lo, hi in
            windowStart[i] = Double(bitPattern: UInt64(truncatingIfNeeded: lo))
            windowEnd[i] = Double(bitPattern: UInt64(truncatingIfNeeded: hi))
        }) else { return (0, 0, -1) }
        // Positive i's window as pass 1 recorded it.
        @inline(__always) func window(_ i: Int) -> (lo: Int, hi: Int) {
            (Int(truncatingIfNeeded: windowStart[i].bitPattern), Int(truncatingIfNeeded: windowEnd[i].bitPattern))
        }
        let firstLo = window(first).lo
        // M at lo for lo in firstLo ..< lastLo, and at lastLo (unless the masses are uniform).
        let lastLo = window(range.upperBound - 1).lo
        // The negatives the windows reach, zeroed with the 8 slots after them, which the
        // eight-lane additions of the last windows may reach (adding +0).
        if let windows {
            let touched = reach(pos, range)
            (windows + touched.lowerBound).update(repeating: 0, count: touched.count + 8)
        }
        let below = range.lowerBound == 0 ? neg.windowStart : neg.windowEnd
        var running = CompensatedSum()
        if uniformMass == nil {
            for j in 0..<firstLo { running.add(q[j]) }
            for j in firstLo..<lastLo {
                below[j] = running.total
                running.add(q[j])
            }
        }
        let lastBelow = running.total
        // The windows' sums, the short ones staged in batches (WindowBatch.swift): the
        // positives from `next` on are staged as far as the batch holds their short
        // windows (at most `WindowBatch.positivesAtOnce` of them, so that the second reading of
        // their windows comes from the first level of cache), the batch evaluated, then
        // each of them summed up in order.
        var batch = WindowBatch(scratch: scratch)
        var next = range.lowerBound
        while next < range.upperBound {
            batch.clear()
            var end = next
            let last = Swift.min(range.upperBound, next + WindowBatch.positivesAtOnce)
            // With factors, those of positives next ..< last, eight at a time.
            @inline(__always) func positiveFactors(_ i: Int) -> PositiveFactors? {
                factors.map {
                    let (block, lane) = WindowFactors.block(of: i, from: next, in: batch.factorBlock)
                    return PositiveFactors(block: block, lane: lane, $0)
                }
            }
            if let factors {
                var i = next
                while i < last {
                    factors.positiveFactors(a, starts: windowStart, first: i, count: Swift.min(8, last - i),
                                            negatives: neg,
                                            into: WindowFactors.block(of: i, from: next, in: batch.factorBlock).block)
                    i += 8
                }
            }
            while end < last {
                let (lo, hi) = window(end)
                let k = hi - lo
                if k > 0 && k < WindowBatch.longWindow {
                    guard batch.fits(k) else { break }
                    batch.stage(target: end, score: a[end], b, q, from: lo, to: hi, count: nc,
                                factors: positiveFactors(end))
                }
                end += 1
            }
            batch.evaluate(positiveTargets: true, temperature: t, factored: factors != nil)
            var first = 0
            for i in next..<end {
                let (lo, hi) = window(i)
                let k = hi - lo
                var sv = 0.0, ss = 0.0, sm = 0.0
                let p = pos.mass[i]
                if k >= WindowBatch.longWindow {
                    (sv, ss, sm) = positiveWindow(a[i], b, q, from: lo, to: hi, count: nc, temperature: t,
                                                  mass: p, into: windows, factors: positiveFactors(i))
                } else if k > 0 {
                    (sv, ss, sm) = batch.positiveSums(first: first, count: k)
                    if let windows {
                        for l in 0..<k { windows[lo + l] += p * batch.kernelSlope(first + l) }
                    }
                    first += k
                }
                let m = uniformMass.map { Double(lo) * $0 } ?? (lo == lastLo ? lastBelow : below[lo])
                value.add(p * (m + sv))
                if sm != 0 { moment.add(p * sm) }
                pos.potentialBelow[i] = ss
            }
            next = end
        }
        return (value.total, moment.total, pairs)
    }

    /// The negatives that the windows of positives `range` reach, as `positives` recorded
    /// them: from the first one's lo to the last one's hi (lo and hi never decrease from
    /// one positive to the next). Empty for no positive.
    static func reach(_ pos: SortedClass, _ range: Range<Int>) -> Range<Int> {
        guard let first = range.first else { return 0..<0 }
        let lo = Int(truncatingIfNeeded: pos.windowStart[first].bitPattern)
        let hi = Int(truncatingIfNeeded: pos.windowEnd[range.upperBound - 1].bitPattern)
        return lo..<Swift.max(lo, hi)
    }

    /// The first index k >= `from` (at most `count`) with !decision(b[k]), for a decision
    /// that is true then false along b: `CountingBounds.atLeastG` (`atLeastG`) or
    /// `aboveMinusG` of the positive's score s against each negative. Eight negatives at
    /// a time while their differences d = s - b are finite (`finite`: the caller knows
    /// every difference is, and the blocks are not checked): then the decision is the
    /// comparison of d with +-D (D = threshold > 0, or +infinity), as in
    /// `CountingBounds`, and the number of lanes where it holds is the advance (a prefix
    /// of the eight). Otherwise (the array's last seven, or an infinite difference) one
    /// by one with `decision`.
    /// The comparisons are read off sign bits (the vector comparison operators compiled
    /// to a loop over the lanes): for finite d, the rounded d - D has the sign of the
    /// exact difference and is +0 when d = D, so d >= D exactly when its sign bit is
    /// clear; likewise d > -D exactly when -D - d has its sign bit set (+0 at d = -D).
    /// (With D = +infinity: d - D = -infinity, never >= D; -D - d = -infinity, always
    /// > -D.)
    @inline(__always)
    private static func advance(_ from: Int, _ s: Double, _ b: UnsafeMutablePointer<Double>, count: Int,
                                threshold: Double, atLeastG: Bool, finite: Bool,
                                _ decision: (Double) -> Bool) -> Int {
        var k = from
        let score = SIMD8<Double>(repeating: s), bound = SIMD8<Double>(repeating: threshold)
        while k + 8 <= count {
            let d = score - load8(b + k)
            guard finite || allFinite8(d) else { break }
            let signs = unsafeBitCast(atLeastG ? d - bound : -bound - d, to: SIMD8<UInt64>.self) &>> 63
            let negative = Int(truncatingIfNeeded: signs.wrappedSum())
            let lanes = atLeastG ? 8 - negative : negative
            k += lanes
            if lanes < 8 { return k }
        }
        while k < count && decision(b[k]) { k += 1 }
        return k
    }

    /// Negatives `range`: writes potentialBelow (their sum of p sigmoid'), from the
    /// positives' windows that `positives` recorded (every positive's, both halves done).
    ///
    /// Negative j's window is the positives i with -G < x_ij < G, that is those whose own
    /// window [lo_i, hi_i) holds j: lo_i counts the negatives with x_ij >= G, hi_i those
    /// with x_ij > -G, both non-decreasing in i, so the window is [first i with hi_i > j,
    /// first i with lo_i > j): the decisions `negativesByComparison` takes on the scores,
    /// read off integers. A negative in no positive's window gets 0, as there. At small T
    /// most windows are empty: the positives are swept once (sequential reads, a branch
    /// rarely taken) instead of a merge over the scores for every negative.
    static func negatives(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double, range: Range<Int>,
                          scratch: UnsafeMutablePointer<Double>) {
        guard !range.isEmpty else { return }
        let pc = pos.count
        let j0 = range.lowerBound, j1 = range.upperBound
        let pot = neg.potentialBelow
        for j in range { pot[j] = 0 }
        var batch = WindowBatch(scratch: scratch)
        @inline(__always) func start(_ i: Int) -> Int { Int(truncatingIfNeeded: pos.windowStart[i].bitPattern) }
        @inline(__always) func end(_ i: Int) -> Int { Int(truncatingIfNeeded: pos.windowEnd[i].bitPattern) }
        // The first positive whose window reaches past j0: none before it meets the range.
        let first = partition(pc) { end($0) <= j0 }
        // `windowLo`/`windowHi`: the current negative's window ends (pointers that only
        // move up, as j does); `done`: negatives below it are written.
        var windowLo = first, windowHi = first, done = j0
        var k = first
        while k < pc {
            let lo = start(k)
            if lo >= j1 { break }
            let hi = end(k)
            let from = Swift.max(lo, done), to = Swift.min(hi, j1)
            if from < to {
                for j in from..<to {
                    while end(windowLo) <= j { windowLo += 1 }
                    while windowHi < pc && start(windowHi) <= j { windowHi += 1 }
                    // (j is in positive k's window: windowLo <= k < windowHi.)
                    summarize(&batch, j, neg.scores[j], pos, from: windowLo, to: windowHi, temperature: t, into: pot)
                }
                done = to
            }
            k += 1
        }
        batch.flushNegatives(into: pot, temperature: t)
    }

    /// Negative j's window sum over positives lo ..< hi (hi > lo) into potential[j], which
    /// holds 0: at once for a long window, else staged in `batch` (flushed first when it is
    /// full; a flush adds each sum to its 0).
    @inline(__always)
    private static func summarize(_ batch: inout WindowBatch, _ j: Int, _ s: Double, _ pos: SortedClass,
                                  from lo: Int, to hi: Int, temperature t: Double,
                                  into potential: UnsafeMutablePointer<Double>) {
        let k = hi - lo
        if k >= WindowBatch.longWindow {
            potential[j] = negativeWindow(s, pos.scores, pos.mass, from: lo, to: hi, count: pos.count, temperature: t)
            return
        }
        if !batch.fits(k) { batch.flushNegatives(into: potential, temperature: t) }
        batch.stage(target: j, score: s, pos.scores, pos.mass, from: lo, to: hi, count: pos.count)
    }

    /// Negatives `range` by merging over the scores (the decisions `negatives` reads off
    /// the positives' windows): writes potentialBelow. Kept for the tests, which check
    /// that both give the same bits.
    static func negativesByComparison(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double, range: Range<Int>,
                                      scratch: UnsafeMutablePointer<Double>) {
        let far = CountingBounds(temperature: t)
        guard let first = range.first else { return }
        let a = pos.scores, b = neg.scores, pc = pos.count
        // Window of positives for b: -G < (a - b) / T < G.
        var lo = partition(pc) { !far.aboveMinusG(a[$0], b[first]) }
        var hi = lo
        var batch = WindowBatch(scratch: scratch)
        for j in range {
            let s = b[j]
            while lo < pc && !far.aboveMinusG(a[lo], s) { lo += 1 }
            if hi < lo { hi = lo }
            while hi < pc && !far.atLeastG(a[hi], s) { hi += 1 }
            neg.potentialBelow[j] = 0
            if hi > lo { summarize(&batch, j, s, pos, from: lo, to: hi, temperature: t, into: neg.potentialBelow) }
        }
        batch.flushNegatives(into: neg.potentialBelow, temperature: t)
    }
}

/// A positive's window sums over negatives lo ..< hi (hi > lo) of `other` (masses `mass`,
/// `count` in all): sum q sigmoid(x), sum q sigmoid'(x), sum q x sigmoid'(x), x = (s - b) / T.
/// With `into` (the series-window path, SeriesWindowSoftAUROC.swift), each pair's
/// p sigmoid'(x), p the positive's mass, is also added to into[j] for its negative j: the
/// negatives' near sums, from the kernels the positive's window evaluates anyway. Lanes
/// past the window add +0 (`into` holds sums of non-negative terms from +0, so the
/// additions change nothing there), and `into` has 8 spare slots after the last negative.
/// Not inlined: the loop over the positives, which mostly (at small T) finds its window
/// empty, then keeps its sums in registers.
@inline(never)
func positiveWindow<E: PairExponentials>(_ s: Double, _ b: UnsafeMutablePointer<Double>, _ q: UnsafeMutablePointer<Double>,
                                         from lo: Int, to hi: Int, count nc: Int, temperature t: Double,
                                         mass p: Double = 0, into windows: UnsafeMutablePointer<Double>? = nil,
                                         exponentials: E = PerPairExponentials())
    -> (value: Double, slope: Double, moment: Double) {
    var sv = 0.0, ss = 0.0, sm = 0.0
    var j = lo
    if hi - lo >= 4 {
        // Eight pairs side by side; lanes past the window get mass 0 and x = 0.
        var vv = SIMD8<Double>(repeating: 0), vs = vv, vm = vv
        let lanes = SIMD8<Int64>(0, 1, 2, 3, 4, 5, 6, 7), mass = SIMD8<Double>(repeating: p)
        while j < hi {
            let (x, w) = windowLanes(s, b, q, from: j, to: hi, count: nc, temperature: t, positive: true)
            let k = exponentials.kernels8(x, at: j, b, count: nc)
            vv += w * k.value; vs += w * k.slope; vm += w * k.moment
            if let windows {
                let add = (mass * k.slope).replacing(with: 0, where: lanes .>= SIMD8<Int64>(repeating: Int64(hi - j)))
                store8(load8(windows + j) + add, windows + j)
            }
            j += 8
        }
        sv = vv.sum(); ss = vs.sum(); sm = vm.sum()
    } else {
        for j in lo..<hi {
            let k = exponentials.kernels(scaledDifference(s, b[j], t), at: j, b)
            let w = q[j]
            sv += w * k.value; ss += w * k.slope; sm += w * k.moment
            windows?[j] += p * k.slope
        }
    }
    return (sv, ss, sm)
}

/// `positiveWindow` with the factored exponentials when given, else an exponential a pair:
/// the branch taken once a window, each case its own specialization.
@inline(__always)
func positiveWindow(_ s: Double, _ b: UnsafeMutablePointer<Double>, _ q: UnsafeMutablePointer<Double>,
                    from lo: Int, to hi: Int, count nc: Int, temperature t: Double, mass p: Double,
                    into windows: UnsafeMutablePointer<Double>?, factors: PositiveFactors?)
    -> (value: Double, slope: Double, moment: Double) {
    if let factors {
        return positiveWindow(s, b, q, from: lo, to: hi, count: nc, temperature: t, mass: p, into: windows,
                              exponentials: factors)
    }
    return positiveWindow(s, b, q, from: lo, to: hi, count: nc, temperature: t, mass: p, into: windows)
}

/// Where `positiveWindow` takes its pairs' kernels from: an exponential a pair
/// (`PerPairExponentials`), or the factors of WindowFactors.swift (`PositiveFactors`). A
/// generic parameter, so that each has its own specialization without a branch a step.
protocol PairExponentials {
    /// The kernels of the pairs with negatives j ..< j + 8 of `b` (`count` in all), of
    /// scaled differences x (lanes past the window: x = 0, mass 0).
    func kernels8(_ x: SIMD8<Double>, at j: Int, _ b: UnsafeMutablePointer<Double>, count: Int) -> PairKernels8
    /// The kernels of the pair with negative j, of scaled difference x.
    func kernels(_ x: Double, at j: Int, _ b: UnsafeMutablePointer<Double>) -> PairKernels
}

/// An exponential of x a pair: `PairKernels8(x:)` and `PairKernels(x:)`.
struct PerPairExponentials: PairExponentials {
    @_transparent
    func kernels8(_ x: SIMD8<Double>, at j: Int, _ b: UnsafeMutablePointer<Double>, count: Int) -> PairKernels8 {
        PairKernels8(x: x)
    }

    @_transparent
    func kernels(_ x: Double, at j: Int, _ b: UnsafeMutablePointer<Double>) -> PairKernels { PairKernels(x: x) }
}

/// A negative's window sum over positives lo ..< hi (hi > lo) of `other` (masses `mass`):
/// sum p sigmoid'(x), x = (a - s) / T. Not inlined, as `positiveWindow`.
@inline(never)
func negativeWindow(_ s: Double, _ a: UnsafeMutablePointer<Double>, _ p: UnsafeMutablePointer<Double>,
                            from lo: Int, to hi: Int, count pc: Int, temperature t: Double) -> Double {
    if hi - lo >= 4 {
        var vs = SIMD8<Double>(repeating: 0)
        var i = lo
        while i < hi {
            let (x, w) = windowLanes(s, a, p, from: i, to: hi, count: pc, temperature: t, positive: false)
            vs += w * pairSlope8(x)
            i += 8
        }
        return vs.sum()
    }
    var ss = 0.0
    for i in lo..<hi { ss += p[i] * slopeKernel(scaledDifference(a[i], s, t)) }
    return ss
}

/// The window bounds' decisions scaledDifference(a, b, T) >= G and > -G without a
/// division (G = `FastSoftParameters.countingDistance`, or any distance > 0 given to
/// `init(temperature:distance:)`: the series-window path's C): for a finite difference
/// d = a - b (rounded), scaledDifference is the rounded quotient d / T, a non-decreasing
/// function of d that is odd (round to nearest is symmetric). So with D the least double
/// such that d / T rounds to G or more,
///     d / T >= G   if and only if  d >= D,
///     d / T > -G   if and only if  not (-d / T >= G), that is d > -D,
/// the same decisions, bit for bit. D is found once by bisection on the bit patterns of
/// the non-negative doubles (their order is the numeric order), +infinity when no finite
/// difference reaches G. A difference that overflows takes the division's route.
struct CountingBounds {
    let temperature: Double
    /// G (or the distance given).
    let distance: Double
    let threshold: Double

    init(temperature t: Double) {
        self.init(temperature: t, distance: FastSoftParameters.countingDistance)
    }

    /// Bounds at `distance` (> 0, finite) instead of G.
    init(temperature t: Double, distance G: Double) {
        temperature = t
        distance = G
        let largest = Double.greatestFiniteMagnitude
        if !(largest / t >= G) {
            threshold = .infinity
            return
        }
        // Invariant: (low / T >= G) is false, (high / T >= G) is true (0 / T = 0 < G).
        var low: UInt64 = 0, high = largest.bitPattern
        while high - low > 1 {
            let mid = low + (high - low) / 2
            if Double(bitPattern: mid) / t >= G { high = mid } else { low = mid }
        }
        threshold = Double(bitPattern: high)
    }

    /// scaledDifference(a, b, T) >= G.
    @inline(__always)
    func atLeastG(_ a: Double, _ b: Double) -> Bool {
        let d = a - b
        return d.isFinite ? d >= threshold : scaledDifference(a, b, temperature) >= distance
    }

    /// scaledDifference(a, b, T) > -G.
    @inline(__always)
    func aboveMinusG(_ a: Double, _ b: Double) -> Bool {
        let d = a - b
        return d.isFinite ? d > -threshold : scaledDifference(a, b, temperature) > -distance
    }
}

/// The scaled differences and masses of the other class's points k ..< min(k + 8, end)
/// against the score s, in eight lanes: x = (s - o) / T (`positive`) or (o - s) / T; lanes
/// from `end` on get x = 0 and mass 0. Eight points are loaded at once when they lie inside
/// the array and every difference is finite (then each lane is the IEEE quotient that
/// `scaledDifference` computes); otherwise lane by lane through `scaledDifference`.
/// (@_transparent: with @inline(__always) positiveWindow called it out of line.)
@_transparent
func windowLanes(_ s: Double, _ other: UnsafeMutablePointer<Double>, _ mass: UnsafeMutablePointer<Double>,
                 from k: Int, to end: Int, count: Int, temperature t: Double,
                 positive: Bool) -> (x: SIMD8<Double>, w: SIMD8<Double>) {
    if k + 8 <= count {
        let o = load8(other + k)
        let d = positive ? SIMD8<Double>(repeating: s) - o : o - SIMD8<Double>(repeating: s)
        var w = load8(mass + k)
        var x = d / SIMD8<Double>(repeating: t)
        if end - k < 8 {
            let outside = SIMD8<Double>(0, 1, 2, 3, 4, 5, 6, 7) .>= SIMD8<Double>(repeating: Double(end - k))
            x.replace(with: 0, where: outside)
            w.replace(with: 0, where: outside)
        }
        // (|d| <= max finite: d - d == 0 exactly, else NaN.)
        if allFinite8(d) { return (x, w) }
    }
    var x = SIMD8<Double>(repeating: 0), w = x
    for l in 0..<Swift.min(8, end - k) {
        x[l] = positive ? scaledDifference(s, other[k + l], t) : scaledDifference(other[k + l], s, t)
        w[l] = mass[k + l]
    }
    return (x, w)
}

/// `PairKernels` in eight lanes for finite |x| < 745 (window pairs have |x| < G), with the
/// vector exponential (`exponentialOfNonPositiveShortChain`, under 2 ulps) for e^-|x|: the same
/// formulas, so each kernel is within a few ulps of the scalar one.
struct PairKernels8 {
    var value: SIMD8<Double>
    var slope: SIMD8<Double>
    var moment: SIMD8<Double>

    // (@_transparent: with @inline(__always) the initializer was compiled out of line,
    // its SIMD8 argument and results passing through memory.)
    @_transparent
    init(x: SIMD8<Double>) {
        let magnitude = x.replacing(with: -x, where: x .< 0)
        let e = exponentialOfNonPositiveShortChain(-magnitude)
        let r = 1 / (1 + e)
        let er = e * r
        value = er.replacing(with: r, where: x .>= 0)
        slope = er * r
        moment = x * slope
    }

    /// The kernels from x and e = e^-x given (finite: |x| < G), whatever the sign of x:
    /// sigmoid(x) = 1 / (1 + e), sigmoid'(x) = e / (1 + e)^2, with no cancellation. The
    /// window path's factored exponentials (WindowFactors.swift).
    @_transparent
    init(x: SIMD8<Double>, exponentialOfMinusX e: SIMD8<Double>) {
        let r = 1 / (1 + e)
        value = r
        slope = (e * r) * r
        moment = x * slope
    }
}

/// `PairKernels8(x: x).slope` alone (the same operations, so the same bits), for the
/// negatives' windows. (@_transparent: @inline(__always) left it out of line.)
@_transparent
func pairSlope8(_ x: SIMD8<Double>) -> SIMD8<Double> {
    let magnitude = x.replacing(with: -x, where: x .< 0)
    let e = exponentialOfNonPositiveShortChain(-magnitude)
    let r = 1 / (1 + e)
    return (e * r) * r
}

// MARK: - The two threads of the window and series-window paths

/// The window path's phases (WindowSoftAUROC.swift), or with `series` the series-window
/// path's (SeriesWindowSoftAUROC.swift), on two threads, and the assembly of the result
/// and the gradient as in `fastSoftAUROC`. Both write potentialBelow only.
///
/// `pairLimit`: the most window pairs (series-window path: near pairs, |x| < C) to
/// accept, at most Int.max / 2. The positives' halves count their pairs as
/// `WindowSoftAUROC.pairCount` does (the same ranges, the same decisions; at distance C
/// for the series-window path, as `nearPairCount`) and stop once a half's count exceeds the limit;
/// if a half stopped or the two counts sum to more than the limit the result is nil and
/// nothing has been written to `gradient` (potentialBelow has been, in part). Otherwise
/// every sum is the one computed without a limit, so the same bits.
/// `uniformNegativeMass` (window path): every negative's mass, when all are that double.
///
/// The phases run on one team of two threads (`runAsTeam`, `WindowTeam`), separated by
/// its barrier, rather than one thread started for each: at n = 10^5 and small T the
/// whole call takes about 2 ms, and starting a thread costs about 40 us here.
func windowSoftAUROC<I: FastSoftIndices>(
    _ pos: SortedClass, _ neg: SortedClass, indices: I.Type, temperature: Double,
    gradient: UnsafeMutableBufferPointer<Double>?, sampleCount n: Int, parallel: Bool, series: Bool,
    labels: UnsafePointer<Double>? = nil, pairLimit: Int = Int.max / 2, sharedSlopes: Bool = false,
    uniformNegativeMass: Double? = nil, factored: Bool = false, factorsUsed: UnsafeMutablePointer<Bool?>? = nil
) throws(CoreError) -> SoftAUROCResult? {
    // The four partial sums, then a WindowBatch's scratch for each chunk.
    let partials = try ScratchBuffer<Double>(count: 4 + 2 * WindowBatch.doubles)
    defer { partials.free() }
    let part = partials.base!
    // Series-window path, or window path with shared slopes, with the gradient: the
    // negatives' near (window) sums, one array for each half of the positives (8 spare
    // slots each, see `positiveWindow`'s `into`).
    let nearSums = (series || sharedSlopes) && gradient != nil
        ? try ScratchBuffer<Double>(count: 2 * (neg.count + 8)) : nil
    defer { nearSums?.free() }
    // `factored`: the negatives' factors (WindowFactors.swift). Window path, unweighted:
    // in one of the arrays that otherwise hold the masses below each window (not needed
    // then); weighted, or the series-window path (whose gaps live in that array): in an
    // array of their own.
    let factorStorage = factored && (series || uniformNegativeMass == nil)
        ? try ScratchBuffer<Double>(count: neg.count) : nil
    defer { factorStorage?.free() }
    let factors = factored
        ? WindowFactors(neg, temperature: temperature, storage: factorStorage?.base ?? neg.windowStart)
        : nil
    factorsUsed?.pointee = factors != nil
    var pairs = (first: 0, second: 0)
    let cut = TeamCut(pos, neg, temperature: temperature, series: series)
    withUnsafeMutablePointer(to: &pairs) { counts in
        var team = WindowTeam<I>(pos: pos, neg: neg, temperature: temperature, cut: cut, part: part,
                                 batches: part + 4, counts: counts,
                                 gradient: gradient?.baseAddress, gradientCount: gradient?.count ?? 0,
                                 sampleCount: n, series: series, nearSums: nearSums?.base,
                                 labels: labels, pairLimit: pairLimit, uniformNegativeMass: uniformNegativeMass,
                                 factors: factors)
        withUnsafeMutablePointer(to: &team) { pointer in
            if parallel {
                runAsTeam(chunkCount: 2, context: UnsafeMutableRawPointer(pointer)) { raw, worker in
                    raw.assumingMemoryBound(to: WindowTeam<I>.self).pointee.run(worker)
                }
            } else {
                pointer.pointee.run(.solo(chunkCount: 2))
            }
        }
    }
    // (Each count is at most the limit, at most Int.max / 2: the sum cannot overflow.)
    guard pairs.first >= 0, pairs.second >= 0, pairs.first + pairs.second <= pairLimit else { return nil }
    var value = CompensatedSum(), moment = CompensatedSum()
    value.add(part[0]); value.add(part[2])
    moment.add(part[1]); moment.add(part[3])
    // Clamped to [0, 1] as in `fastSoftAUROC`.
    let v = Swift.min(Swift.max(value.total, 0), 1)
    return SoftAUROCResult(value: v, dTemperature: -moment.total / temperature, hasPairs: true)
}

/// The work of `windowSoftAUROC` as the phases of a team of two: chunk 0 and chunk 1 are
/// the first and second halves of each phase (on two threads, or both in order on one:
/// the same computations either way): halves of each class's count in phases 0 and 3,
/// in phases 1 and 2 cut at `cut` (`TeamCut`: halves of equal estimated cost).
///  0. Series-window path: both classes' gaps (`SeriesWindowSoftAUROC.gaps`); with
///     factors: the negatives' factors (`WindowFactors.fillNegatives`).
///  1. The positives' halves, counting their pairs (window path: they record their
///     windows; series-window path, or window path with shared slopes: they add their
///     near pairs' slopes to the negatives' near sums, one array for each half, which
///     that half zeroes first: the series-window path all of it, the window path the
///     part its windows reach, `WindowSoftAUROC.reach`).
///  2. (Gradient, pairs accepted: both workers read the two counts after the barrier and
///     take the same decision.) The negatives' halves (window path: they read every
///     positive's window, or the near sums with shared slopes; series-window path: its
///     sweeps over the near sums); the
///     gradient's zero entries, a half of the samples each.
///  3. The gradient entries scattered, a half of the points each.
private struct WindowTeam<I: FastSoftIndices> {
    let pos: SortedClass, neg: SortedClass
    let temperature: Double
    /// Where phases 1 and 2 cut the positives and the negatives.
    let cut: TeamCut
    /// Per chunk c: its part of sum p (value) at 2c and of the moment at 2c + 1.
    let part: UnsafeMutablePointer<Double>
    /// Per chunk c: the scratch of its WindowBatch, at c WindowBatch.doubles.
    let batches: UnsafeMutablePointer<Double>
    /// The window pairs of each chunk's positives (-1: over the limit).
    let counts: UnsafeMutablePointer<(first: Int, second: Int)>
    let gradient: UnsafeMutablePointer<Double>?
    let gradientCount: Int
    let sampleCount: Int
    let series: Bool
    /// Series-window path, or window path with shared slopes, with the gradient: the near
    /// (window) sums of the negatives from each half of the positives, at 0 and at
    /// neg.count + 8.
    let nearSums: UnsafeMutablePointer<Double>?
    let labels: UnsafePointer<Double>?
    let pairLimit: Int
    /// Window path: every negative's mass, when they are all that one double (unweighted);
    /// `WindowSoftAUROC.positives` then needs no pass for the masses below each window.
    let uniformNegativeMass: Double?
    /// The negatives' factors (WindowFactors.swift), filled in phase 0: the window path's
    /// pairs, or the series-window path's near pairs.
    let factors: WindowFactors?

    func run(_ worker: TeamWorker) {
        let t = temperature
        let pc = pos.count, nc = neg.count, total = pc + nc, n = sampleCount
        let sums = nearSums.map { (first: $0, second: $0 + (nc + 8)) }
        if series || factors != nil {
            // Series-window path: both classes' gaps; with factors: the negatives'. Each
            // chunk its halves, before any sweep or positive reads them.
            for c in worker.chunks {
                if series {
                    SeriesWindowSoftAUROC.gaps(pos, temperature: t, range: c == 0 ? 0..<(pc / 2) : (pc / 2)..<pc)
                    SeriesWindowSoftAUROC.gaps(neg, temperature: t, range: c == 0 ? 0..<(nc / 2) : (nc / 2)..<nc)
                }
                factors?.fillNegatives(neg, range: c == 0 ? 0..<(nc / 2) : (nc / 2)..<nc)
            }
            worker.synchronize()
        }
        for c in worker.chunks {
            let positives = c == 0 ? 0..<cut.positives : cut.positives..<pc
            // The negatives' near (window) sums of this half of the positives, if kept:
            // its own array, zeroed by this chunk before its positives add to it (the
            // window path's positives zero the part their windows reach).
            let windows = sums.map { c == 0 ? $0.first : $0.second }
            if series, let windows { for j in 0..<(nc + 8) { windows[j] = 0 } }
            if series {
                // The positives, counting their near pairs up to the limit (then the
                // negatives, phase 2, from their near sums).
                let r = SeriesWindowSoftAUROC.positives(pos, neg, temperature: t, range: positives, limit: pairLimit,
                                                        windows: windows, factors: factors)
                part[2 * c] = r.value; part[2 * c + 1] = r.moment
                if c == 0 { counts.pointee.first = r.pairs } else { counts.pointee.second = r.pairs }
            } else {
                // The positives first (they record their windows, and with shared slopes
                // add them to their half's array), then (phase 2) the negatives, from every
                // positive's window or from the two arrays.
                let r = WindowSoftAUROC.positives(pos, neg, temperature: t, range: positives, limit: pairLimit,
                                                  scratch: batches + c * WindowBatch.doubles, windows: windows,
                                                  uniformMass: uniformNegativeMass, factors: factors)
                part[2 * c] = r.value; part[2 * c + 1] = r.moment
                if c == 0 { counts.pointee.first = r.pairs } else { counts.pointee.second = r.pairs }
            }
        }
        guard let g = gradient else { return }
        worker.synchronize()
        let pairs = counts.pointee
        // (Each count is at most the limit, at most Int.max / 2: the sum cannot overflow.)
        guard pairs.first >= 0, pairs.second >= 0, pairs.first + pairs.second <= pairLimit else { return }
        // Window path with every sample in a class (total == n) and few window pairs
        // (a point has a non-zero potential only if it has one: at most 2 W such points):
        // most entries are p 0 / T = +0 (positive) or -q 0 / T = -0 (negative), exactly.
        // They are written in index order from the labels (exactly 0, -0 or 1), and only
        // the points whose potential is not +0 are scattered: the same bits, without a
        // random write for every point. (pairs.first + pairs.second <= Int.max / 2.)
        let sparse = !series && total == n && labels != nil
            && 2 * (pairs.first + pairs.second) <= total / 4
        for c in worker.chunks {
            let negatives = c == 0 ? 0..<cut.negatives : cut.negatives..<nc
            if !series, let sums {
                // Shared slopes: the two halves' sums, in that order, each +0 where its
                // windows did not reach.
                // (Each half's range from the windows phase 1 recorded.)
                let touched = (first: WindowSoftAUROC.reach(pos, 0..<cut.positives),
                               second: WindowSoftAUROC.reach(pos, cut.positives..<pc))
                addNearSums(sums, touched: touched, into: neg.potentialBelow, range: negatives)
            } else if !series {
                WindowSoftAUROC.negatives(pos, neg, temperature: t, range: negatives,
                                          scratch: batches + c * WindowBatch.doubles)
            } else if let sums {
                SeriesWindowSoftAUROC.negatives(pos, neg, temperature: t, range: negatives,
                                                windows: sums.first, moreWindows: sums.second)
            }
            if total < n {
                let m = gradientCount
                for i in c == 0 ? 0..<(m / 2) : (m / 2)..<m { g[i] = 0 }
            } else if sparse, let labels {
                for i in c == 0 ? 0..<(n / 2) : (n / 2)..<n { g[i] = zeroOfClass(labels[i]) }
            }
        }
        worker.synchronize()
        // Points 0 ..< total in class order (positives, then negatives), cut in half: the
        // two threads scatter the same number of entries (a cut by class would give them
        // 30% and 70% of the work at 30% positives). Every entry is written once, by the
        // same formula either way.
        for c in worker.chunks {
            scatterGradient(g, pos, neg, indices: I.self, temperature: t,
                            points: c == 0 ? 0..<(total / 2) : (total / 2)..<total, skipZero: sparse)
        }
    }
}

/// potential[j] = first[j] + second[j] for j in `range`, where each of the two near sums
/// is read only within its `touched` range and is +0 outside it (as it would hold there
/// had it been zeroed whole: its windows add nothing outside). The same doubles as adding
/// the two whole arrays; the loops run over the pieces of `range` that the two ranges cut.
private func addNearSums(_ sums: (first: UnsafeMutablePointer<Double>, second: UnsafeMutablePointer<Double>),
                         touched: (first: Range<Int>, second: Range<Int>),
                         into potential: UnsafeMutablePointer<Double>, range: Range<Int>) {
    var j = range.lowerBound
    while j < range.upperBound {
        // The piece from j to the next end of a touched range: each sum wholly in or out.
        var end = range.upperBound
        @inline(__always) func stop(at e: Int) { if e > j && e < end { end = e } }
        stop(at: touched.first.lowerBound); stop(at: touched.first.upperBound)
        stop(at: touched.second.lowerBound); stop(at: touched.second.upperBound)
        let first = touched.first.contains(j), second = touched.second.contains(j)
        switch (first, second) {
        case (true, true): for k in j..<end { potential[k] = sums.first[k] + sums.second[k] }
        case (true, false): for k in j..<end { potential[k] = sums.first[k] + 0 }
        case (false, true): for k in j..<end { potential[k] = 0 + sums.second[k] }
        case (false, false): for k in j..<end { potential[k] = 0 }
        }
        j = end
    }
}

/// Where the window and series-window paths cut the positives (and the series-window
/// path the negatives) for the two halves of `WindowTeam`'s phases 1 and 2, so that the
/// halves cost about the same: a cut at half the count left one thread waiting for the
/// other. At N(0, 1) + label scores the lower positives meet most negatives (which lie
/// lower) and the upper negatives most positives; traced (C driver, each thread's end of
/// each phase): n = 10^7 at T / spread 1e-7 (window path) the positives' halves took
/// 101 and 65 ms; 10^6 at 1e-5 (series-window path) 21.0 and 15.6 ms, the negatives' 7.4
/// and 14.9 ms.
///
/// Cost model, fitted to those traces (wall time a thread, ns): a target (the class being
/// cut) costs `target`, each source of the other class among its targets' scores
/// `source` (the series-window sweeps add every one, twice), each target's pair within
/// `distance` (window pairs, or the series-window path's near pairs) `pair`:
///
///     window path, positives:         target 30, source 0,  pair 1.3 (|x| < G)
///     series-window path, positives:  target 94, source 12, pair 0.9 (|x| < C)
///     series-window path, negatives:  target 16, source 28  (the traces alone: 36 at
///                                     10^6, 18 at 10^4)
///
/// The window path's negatives keep half their count (with shared slopes they add two
/// arrays, the same work a negative; otherwise they read the positives' windows). The
/// estimate (`balancedCut`): the targets in `buckets` ranges of equal count, each costed
/// from its count, the sources between its first target and the next range's (binary
/// searches) and the pairs of its middle target (two more) times its count; the cut is
/// where the running cost reaches half the total, interpolated in its range. A function
/// of the sorted scores alone, in a fixed order of operations: the same cut on one
/// thread or two, so the bits do not depend on the threads.
struct TeamCut {
    /// Positives [0, positives) are the first half, negatives [0, negatives).
    let positives: Int
    let negatives: Int

    /// Ranges of targets the estimate costs.
    static let buckets = 32

    /// The cut of `pos` and `neg` (sorted ascending) at temperature t for the series-window
    /// path (`series`) or the window path.
    init(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double, series: Bool) {
        if series {
            positives = Self.balancedCut(pos, neg, temperature: t, target: 94, source: 12, pair: 0.9,
                                         distance: SeriesWindowSoftAUROC.nearDistance)
            negatives = Self.balancedCut(neg, pos, temperature: t, target: 16, source: 28, pair: 0,
                                         distance: SeriesWindowSoftAUROC.nearDistance)
        } else {
            positives = Self.balancedCut(pos, neg, temperature: t, target: 30, source: 0, pair: 1.3,
                                         distance: FastSoftParameters.countingDistance)
            negatives = neg.count / 2
        }
    }

    /// The k in 0...targets.count where the estimated costs of targets [0, k) and
    /// [k, count) match (see above); half the count when there are fewer than two targets
    /// a range or no sources.
    static func balancedCut(_ targets: SortedClass, _ sources: SortedClass, temperature t: Double,
                            target: Double, source: Double, pair: Double, distance: Double) -> Int {
        let n = targets.count, m = sources.count
        guard n >= 2 * buckets, m > 0 else { return n / 2 }
        let a = targets.scores, b = sources.scores
        let bounds = CountingBounds(temperature: t, distance: distance)
        /// Sources below score s.
        @inline(__always) func below(_ s: Double) -> Int { WindowSoftAUROC.partition(m) { b[$0] < s } }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: buckets) { costs in
            var total = 0.0
            var sourcesBelow = below(a[0])
            for r in 0..<buckets {
                let start = r * n / buckets, end = (r + 1) * n / buckets
                let next = below(a[end < n ? end : n - 1])
                var cost = target * Double(end - start) + source * Double(next - sourcesBelow)
                if pair != 0 {
                    // The pairs of the range's middle target, as `estimatedPairCount` counts them.
                    let pairs = WindowSoftAUROC.windowSize(a[(start + end) / 2], b, count: m, bounds: bounds)
                    cost += pair * Double(pairs) * Double(end - start)
                }
                costs[r] = cost
                total += cost
                sourcesBelow = next
            }
            // The range where the running cost passes half the total, and the point in it.
            var running = 0.0
            for r in 0..<buckets {
                let start = r * n / buckets, end = (r + 1) * n / buckets
                if running + costs[r] >= total / 2 {
                    let share = (total / 2 - running) / costs[r]
                    return start + Int((share * Double(end - start)).rounded(.down))
                }
                running += costs[r]
            }
            return n / 2
        }
    }
}

/// The gradient entry of a point of potential +0: +0 for a positive (label exactly 1),
/// -0 for a negative (exactly 0 or -0), without a branch. (Also the counting path's,
/// CountingSoftAUROC.swift.)
@inline(__always)
func zeroOfClass(_ label: Double) -> Double {
    Double(bitPattern: UInt64(truncatingIfNeeded: 1 &- label.classBit) << 63)
}
