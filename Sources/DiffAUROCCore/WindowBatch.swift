/// Short windows of the window path (WindowSoftAUROC.swift), summed eight pairs at a time
/// across windows.
///
/// At small T most windows hold a few pairs: 0.4 a point on average at n = 10^4 and
/// T / spread = 1e-5, 4 at 1e-4 (N(0, 1) + label scores). Summed one window at a time, a
/// window of 1-3 pairs took libm's scalar exp for each pair and one of 4-7 pairs an
/// eight-lane step with lanes left empty. Here the pairs of consecutive short windows (fewer
/// than `longWindow` pairs) are staged side by side, at most `capacity` at once: for each
/// pair the target's score, the source's score and the source's mass. Their kernels are
/// then evaluated eight lanes at a time (`scaledDifferences8` and `PairKernels8` or
/// `pairSlope8`, the operations of the window sums' eight-lane steps), and each window's
/// products are summed left to right. Each lane is computed independently of the others,
/// so a pair's products do not depend on its lane or on its batch, and a window's sums are
/// a function of the window alone: the same bits on one thread or two, whatever the
/// windows around it. Long windows are summed on their own (`positiveWindow`,
/// `negativeWindow`), where few lanes are left empty.
///
/// Accuracy: each kernel is the eight-lane one of the window sums (a few ulps, see
/// `PairKernels8`), the same for every pair, where windows of 1-3 pairs used the scalar
/// kernels (also a few ulps); the sums are plain sums of at most `longWindow` - 1 products
/// of size at most 1 each. The window path's bounds are unchanged.
///
/// Measured (value and gradient, N(0, 1) + label scores, 30% positives, calls 100 us
/// apart, medians of 3 processes): n = 10^4, T / spread 1e-5 0.254 -> 0.230 ms, 1e-4
/// 0.563 -> 0.495 ms, 3e-4 0.766 -> 0.707 ms; n = 10^5, 1e-5 4.93 -> 4.79 ms. Long windows
/// from 8 or 32 pairs instead of 16: within noise of 16. (The series-window path's near
/// windows, |x| < 2.5, batched the same way saved 2-3% of CPU time at n = 10^4 and T /
/// spread 1e-3 and were left as they are.)
struct WindowBatch {
    /// The most pairs staged at once.
    static let capacity = 512
    /// Windows of at least this many pairs are not staged.
    static let longWindow = 16
    /// The most positive targets staged at once by the window path (their windows are
    /// read twice: to stage, then to sum; 256 keep the second reading in the first level
    /// of cache. At n = 10^5 and T/spread 1e-9, where every window is empty, staging a
    /// whole half's targets before summing them measured 0-4% slower than no batch).
    static let positivesAtOnce = 256
    /// Doubles of the staged and result arrays: `capacity` pairs, plus room for the
    /// sixteen-lane copies of `stage` and the last step's lanes.
    static let stride = capacity + 16
    /// Doubles of scratch one batch needs: four staged arrays, four result arrays, for
    /// each window its length and target index (bit patterns), and the factors of
    /// `positivesAtOnce` positives (`factorBlock`).
    static let doubles = 8 * stride + 2 * capacity + WindowFactors.blockDoubles * (positivesAtOnce / 8)

    private let targetScore, sourceScore, mass, exponential: UnsafeMutablePointer<Double>
    private let value, slope, moment, kernelSlopes: UnsafeMutablePointer<Double>
    private let lengths, targets: UnsafeMutablePointer<Double>
    /// Room for the window path's positive factors (WindowFactors.swift): a block of
    /// `WindowFactors.blockDoubles` for each eight positives staged at once
    /// (`positivesAtOnce` is a multiple of eight).
    let factorBlock: UnsafeMutablePointer<Double>
    /// Pairs and windows staged.
    private(set) var pairs = 0, windows = 0

    /// A batch in `scratch` (`doubles` doubles, no alignment needed).
    init(scratch: UnsafeMutablePointer<Double>) {
        let s = Self.stride
        targetScore = scratch
        sourceScore = scratch + s
        mass = scratch + 2 * s
        value = scratch + 3 * s
        slope = scratch + 4 * s
        moment = scratch + 5 * s
        kernelSlopes = scratch + 6 * s
        exponential = scratch + 7 * s
        lengths = scratch + 8 * s
        targets = lengths + Self.capacity
        factorBlock = targets + Self.capacity
    }

    /// Whether a window of k pairs (0 < k < `longWindow`) can be staged now.
    @inline(__always) func fits(_ k: Int) -> Bool { pairs + k <= Self.capacity }

    @inline(__always) mutating func clear() {
        pairs = 0
        windows = 0
    }

    /// Stages the window other[from ..< to] (0 < to - from < `longWindow`, fitting) of
    /// target `target`, whose score is `s`; `otherMass` holds the sources' masses, `count`
    /// is the length of `other`. With `factors` (a positive target; WindowFactors.swift),
    /// each pair's e^-x is staged too, from the factors.
    @inline(__always)
    mutating func stage(target: Int, score s: Double, _ other: UnsafeMutablePointer<Double>,
                        _ otherMass: UnsafeMutablePointer<Double>, from: Int, to: Int, count: Int,
                        factors: PositiveFactors? = nil) {
        let k = to - from, p = pairs
        if from + 16 <= count {
            // Sixteen lanes copied whatever k (pairs + 16 <= capacity + 15 < stride): the
            // lanes past the window are overwritten by the next window or never read.
            store8(load8(other + from), sourceScore + p)
            store8(load8(other + from + 8), sourceScore + p + 8)
            store8(load8(otherMass + from), mass + p)
            store8(load8(otherMass + from + 8), mass + p + 8)
        } else {
            for l in 0..<k {
                sourceScore[p + l] = other[from + l]
                mass[p + l] = otherMass[from + l]
            }
        }
        let score = SIMD8<Double>(repeating: s)
        store8(score, targetScore + p)
        store8(score, targetScore + p + 8)
        if let factors {
            if from + 16 <= count {
                store8(factors.exponentials8(at: from, scores: load8(other + from)), exponential + p)
                store8(factors.exponentials8(at: from + 8, scores: load8(other + from + 8)), exponential + p + 8)
            } else {
                for l in 0..<k { exponential[p + l] = factors.exponential(at: from + l, score: other[from + l]) }
            }
        }
        lengths[windows] = Double(bitPattern: UInt64(truncatingIfNeeded: k))
        targets[windows] = Double(bitPattern: UInt64(truncatingIfNeeded: target))
        pairs = p + k
        windows += 1
    }

    /// The kernels of every staged pair, times the source's mass: for positive targets
    /// (x = (target - source) / T) sigmoid, sigmoid' and x sigmoid' (and sigmoid' alone,
    /// `kernelSlope`); for negative targets (x = (source - target) / T) sigmoid' only.
    /// `factored`: the pairs were staged with factors (positive targets), whose products
    /// replace the exponentials.
    @inline(__always)
    func evaluate(positiveTargets: Bool, temperature t: Double, factored: Bool = false) {
        // The last step's lanes past the pairs: x = 0, mass 0 (never read back).
        let end = (pairs + 7) & ~7
        for p in pairs..<end {
            targetScore[p] = 0
            sourceScore[p] = 0
            mass[p] = 0
            exponential[p] = 1
        }
        var p = 0
        while p < pairs {
            let w = load8(mass + p)
            if positiveTargets {
                let x = scaledDifferences8(load8(targetScore + p), load8(sourceScore + p), t)
                let k = factored ? PairKernels8(x: x, exponentialOfMinusX: load8(exponential + p)) : PairKernels8(x: x)
                store8(w * k.value, value + p)
                store8(w * k.slope, slope + p)
                store8(w * k.moment, moment + p)
                store8(k.slope, kernelSlopes + p)
            } else {
                store8(w * pairSlope8(scaledDifferences8(load8(sourceScore + p), load8(targetScore + p), t)),
                       slope + p)
            }
            p += 8
        }
    }

    /// The length of staged window `w`.
    @inline(__always) func length(_ w: Int) -> Int { Int(truncatingIfNeeded: lengths[w].bitPattern) }

    /// The target of staged window `w`.
    @inline(__always) func target(_ w: Int) -> Int { Int(truncatingIfNeeded: targets[w].bitPattern) }

    /// sigmoid'(x) of staged pair p (positive targets), not times the mass.
    @inline(__always) func kernelSlope(_ p: Int) -> Double { kernelSlopes[p] }

    /// A positive target's sums over its staged pairs first ..< first + k, left to right.
    @inline(__always)
    func positiveSums(first: Int, count k: Int) -> (value: Double, slope: Double, moment: Double) {
        var sv = 0.0, ss = 0.0, sm = 0.0
        for p in first..<(first + k) {
            sv += value[p]
            ss += slope[p]
            sm += moment[p]
        }
        return (sv, ss, sm)
    }

    /// A negative target's sum over its staged pairs first ..< first + k, left to right.
    @inline(__always)
    func slopeSum(first: Int, count k: Int) -> Double {
        var ss = 0.0
        for p in first..<(first + k) { ss += slope[p] }
        return ss
    }

    /// Negative targets: adds each staged window's sum to potential[its target], then
    /// clears the batch.
    @inline(__always)
    mutating func flushNegatives(into potential: UnsafeMutablePointer<Double>, temperature t: Double) {
        guard pairs > 0 else { return }
        evaluate(positiveTargets: false, temperature: t)
        var first = 0
        for w in 0..<windows {
            let k = length(w)
            potential[target(w)] += slopeSum(first: first, count: k)
            first += k
        }
        clear()
    }
}
