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
/// as the window moves up. A negative's potential likewise sums its window of positives.
/// The dropped terms are bounded by those constants times the masses (sum 1): below
/// 1.7e-16 on every potential and on the moment, 4.2e-18 on the value, against the 1e-12
/// bar. The window kernels are `PairKernels` of the pairwise oracle (same argument, same
/// formulas; a few ulps each), summed plainly over a window of a few points, and the
/// per-target totals p_i (M(i) + window) are added with compensation: the value's
/// rounding error is a few ulps.
///
/// Cost: the sort, then O(n + W) with W the number of window pairs. The path is taken
/// when W <= `pairBudget` * n (counted first, `pairCount`, stopping at the budget);
/// denser data uses the cells of FastSoftAUROC.swift.
///
/// Parallelism and reproducibility: each class is cut at half its count; each half finds
/// its starting window by binary search and its starting M by summing the masses below
/// it, so the halves are independent, always computed the same way (on one thread or
/// two), and their partial sums are combined in a fixed order.
enum WindowSoftAUROC {
    /// W <= pairBudget * n: window pairs a point that the window path accepts. Measured
    /// on the 2-core development machine, a window pair (three kernels for the positive,
    /// one for the negative, one exp each) costs about as much as a point of the cells'
    /// route's bookkeeping at these densities, so a few pairs a point keep it the faster.
    static let pairBudget = 4

    /// The number of (positive, negative) pairs with |x| < G, or nil as soon as it
    /// exceeds `limit`. Classes sorted ascending.
    static func pairCount(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double, limit: Int) -> Int? {
        let G = FastSoftParameters.countingDistance
        let a = pos.scores, b = neg.scores, nc = neg.count
        var lo = 0, hi = 0, total = 0
        for i in 0..<pos.count {
            let s = a[i]
            while lo < nc && scaledDifference(s, b[lo], t) >= G { lo += 1 }
            if hi < lo { hi = lo }
            while hi < nc && scaledDifference(s, b[hi], t) > -G { hi += 1 }
            total += hi - lo
            if total > limit { return nil }
        }
        return total
    }

    /// The first index k in 0...count with !below(k) (below must be true then false).
    @inline(__always)
    private static func partition(_ count: Int, _ below: (Int) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if below(mid) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Positives `range`: writes potentialBelow (their sum of q sigmoid') and returns
    /// their part of sum p (M + window sigmoid) and of sum p x sigmoid'.
    static func positives(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double,
                          range: Range<Int>) -> (value: Double, moment: Double) {
        let G = FastSoftParameters.countingDistance
        var value = CompensatedSum(), moment = CompensatedSum()
        guard let first = range.first else { return (0, 0) }
        let a = pos.scores, b = neg.scores, q = neg.mass, nc = neg.count
        var lo = partition(nc) { scaledDifference(a[first], b[$0], t) >= G }
        var below = CompensatedSum()
        for j in 0..<lo { below.add(q[j]) }
        var hi = lo
        for i in range {
            let s = a[i]
            while lo < nc && scaledDifference(s, b[lo], t) >= G {
                below.add(q[lo])
                lo += 1
            }
            if hi < lo { hi = lo }
            while hi < nc && scaledDifference(s, b[hi], t) > -G { hi += 1 }
            var sv = 0.0, ss = 0.0, sm = 0.0
            for j in lo..<hi {
                let k = PairKernels(x: scaledDifference(s, b[j], t))
                let w = q[j]
                sv += w * k.value; ss += w * k.slope; sm += w * k.moment
            }
            let p = pos.mass[i]
            value.add(p * (below.total + sv))
            if sm != 0 { moment.add(p * sm) }
            pos.potentialBelow[i] = ss
        }
        return (value.total, moment.total)
    }

    /// Negatives `range`: writes potentialBelow (their sum of p sigmoid').
    static func negatives(_ pos: SortedClass, _ neg: SortedClass, temperature t: Double, range: Range<Int>) {
        let G = FastSoftParameters.countingDistance
        guard let first = range.first else { return }
        let a = pos.scores, b = neg.scores, p = pos.mass, pc = pos.count
        // Window of positives for b: -G < (a - b) / T < G.
        var lo = partition(pc) { scaledDifference(a[$0], b[first], t) <= -G }
        var hi = lo
        for j in range {
            let s = b[j]
            while lo < pc && scaledDifference(a[lo], s, t) <= -G { lo += 1 }
            if hi < lo { hi = lo }
            while hi < pc && scaledDifference(a[hi], s, t) < G { hi += 1 }
            var ss = 0.0
            for i in lo..<hi { ss += p[i] * slopeKernel(scaledDifference(a[i], s, t)) }
            neg.potentialBelow[j] = ss
        }
    }
}
