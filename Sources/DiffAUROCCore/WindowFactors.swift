/// The window path's pair exponentials as products of per-point factors
/// (WindowSoftAUROC.swift), for windows that hold a few pairs a point or more; the
/// series-window path's near pairs use the same factors (SeriesWindowSoftAUROC.swift,
/// "Near pairs").
///
/// Each window pair's kernels need an exponential of x = (a - b) / T (a the positive's
/// score, b the negative's): one vector exponential, about 30 operations a lane, for
/// every pair (20 pairs a positive at n = 10^7 and T / spread 1e-7). But for any A,
///
///     e^-x = e^{(A - a) / T} e^{(b - A) / T},
///
/// a factor of the positive times one of the negative, each computed once a point. The
/// kernels take e^-x itself, of either sign of x: sigmoid(x) = 1 / (1 + e^-x) and
/// sigmoid'(x) = e^-x / (1 + e^-x)^2, with no cancellation (1 + e^-x >= 1); in a window
/// |x| < G = 40, so e^-x < e^40 and (1 + e^-x)^2 < e^81 cannot overflow.
///
/// Anchors. A = A_k = k S, with S the least power of two >= 81 T (so 81 <= S / T < 162).
/// Negative b belongs to anchor k(b) = floor(v(b)), v(b) = b (1 / S) (exact unless it
/// underflows: 1 / S is a power of two; monotone in b either way), so b < A_k(b)+1, and
/// keeps
///
///     F_b = e^{(b - A_k(b)+1) / T}       (argument in (-163, 0): b - A < 0 stays < 0
///                                         when rounded).
///
/// A window spans less than 2G = 80 < S / T temperature widths (|x| < G on both sides of
/// its positive), so v varies by less than 1 over it: its negatives belong to anchor
/// k0 = k(b_lo) or to k0 and k0 + 1, and v(b) >= k0 + 1 tells which (the same v as the
/// negative's own anchor, so the same decision). The positive keeps, for the upper
/// anchors of both,
///
///     G0 = e^{(A_k0+1 - a) / T},   G1 = G0 e^{S / T},
///
/// and a pair's e^-x is G0 F_b (v(b) < k0 + 1) or G1 F_b: a multiply and a compare, a
/// select and a multiply instead of an exponential. The factors cost one vector exponential lane a
/// point (`fillNegatives`; `positiveFactors`, eight positives at a time, with
/// `exponentialWithin700`: G0's argument lies in (-40, 203)).
///
/// Accuracy. A_k is exact (k < 2^50, S a power of two); A - a and b - A are exact when
/// Sterbenz's lemma applies, else rounded by eps |A - a|; each quotient by T is rounded
/// once more, and e^{S / T} carries S / T rounded. So the exponent of G F differs from
/// -(a - b) / T by at most 2 eps (|A_k0+1 - a| / T + S / T + |b - A| / T) < 2 eps (203 +
/// 162 + 163) < 1100 eps absolute, and the three exponentials (under 2 ulps each) and two
/// products add 7 ulps: e^-x within 1.1e3 eps + 7 eps < 2.5e-13 relative (the exponential
/// of the pair's own x, as without factors, errs by about eps |x| < 40 eps: the factors
/// are about 25 times less accurate, for the same x). Each kernel moves by at most 0.45
/// times that relative error (sigmoid by sigmoid sigmoid' <= 1/4 of it; sigmoid' and
/// x sigmoid' by at most |1 - 2 sigmoid| <= 1 and |x| sigmoid' < 0.45 of their size), and
/// the masses sum to 1: < 1.2e-13 on every potential, on the value and on the moment, 8
/// times below the 1e-12 bar. (Each pair's x, for the moment, is still (a - b) / T.)
///
/// Taken when the windows hold at least `pairsPerPoint` pairs a point (decided once, as
/// the shared slopes are, so that every attempt computes the same bits) and the scores
/// fit the anchors (`fits`: S and 1 / S normal, every |b| / S below 2^50, every anchor
/// finite); the factors are
/// a function of the point alone, so the bits do not depend on the threads or batches.
struct WindowFactors {
    /// Window pairs a point (`WindowSoftAUROC.estimatedPairCount`) from which the window
    /// path factors its exponentials; at least `WindowSoftAUROC.sharedSlopesPairs`, so
    /// that the negatives never need kernels of their own when it does. Factored / not,
    /// median wall of 4 alternating C processes (`bench/c/timing.c`, one build with the
    /// choice set per process; value and gradient, N(0, 1) + label scores, 30% positives,
    /// whose window pairs number 0.4 (n / 10^6) (T / spread / 10^-7) a point), AMD Zen 4:
    ///
    ///     pairs a point      1      2      3      4
    ///     n = 10^4         1.19   1.06   0.96   0.84
    ///     n = 10^5         0.94   0.95   0.80   0.75
    ///     n = 10^6         1.04   0.97   0.83   0.82
    ///     n = 10^7         1.05   0.97          0.87
    ///
    /// (4 pairs a point: the builds before and after, `bench/c/ab.sh`-style.) A factor
    /// costs an exponential lane a point; a pair saves one.
    static let pairsPerPoint = 2.5

    /// Whether the anchors fit `neg`'s scores (sorted ascending, at least one) at
    /// temperature t (see above): S and 1 / S normal, every |b| / S below 2^50, and every
    /// anchor a window can meet finite (|b| + 8 (81 T) finite: A_k(b)+2 <= |b| + 2S).
    static func fits(_ neg: SortedClass, temperature t: Double) -> Bool {
        anchorStep(neg, temperature: t) != nil
    }

    /// S, or nil when the anchors do not fit.
    private static func anchorStep(_ neg: SortedClass, temperature t: Double) -> Double? {
        guard neg.count > 0 else { return nil }
        let least = 81 * t
        let largest = Swift.max(Swift.abs(neg.scores[0]), Swift.abs(neg.scores[neg.count - 1]))
        guard least.isNormal, (largest + 8 * least).isFinite else { return nil }
        var step = Double(sign: .plus, exponent: least.exponent, significand: 1)
        if step < least { step *= 2 }
        guard (1 / step).isNormal, largest * (1 / step) < 0x1p50 else { return nil }
        return step
    }

    let temperature: Double
    /// S, 1 / S and e^{S / T}.
    let step: Double
    let inverseStep: Double
    let stepFactor: Double
    /// F_b of every negative.
    let negatives: UnsafeMutablePointer<Double>

    /// The factors of the negatives `neg` (sorted ascending, at least one) in `storage`
    /// (`neg.count` doubles, filled by `fillNegatives`), or nil when the anchors do not
    /// fit (see above).
    init?(_ neg: SortedClass, temperature t: Double, storage: UnsafeMutablePointer<Double>) {
        guard let step = Self.anchorStep(neg, temperature: t) else { return nil }
        temperature = t
        self.step = step
        inverseStep = 1 / step
        stepFactor = exponentialWithin700(SIMD8(repeating: step / t))[0]
        negatives = storage
    }

    /// k(b) = floor(v(b)) (|v| < 2^50): v rounded to an integer r by adding and removing
    /// 1.5 * 2^52, then r - 1 where v - r has its sign bit set. (Every comparison here is
    /// a sign bit, `selectBySign`: v - k >= 0 exactly when v >= k, but -0 counts as
    /// negative; the anchors and the positives' choice below read v the same way, so they
    /// agree on every negative, v = -0 (k = -1) included.)
    @_transparent
    func anchorIndex(_ b: SIMD8<Double>) -> SIMD8<Double> {
        let v = b * SIMD8(repeating: inverseStep)
        let magic = SIMD8<Double>(repeating: 6755399441055744.0)
        let r = (v + magic) - magic
        return selectBySign(v - r, negative: r - 1, otherwise: r)
    }

    /// The factors F_b of negatives `range` (a range of `neg`'s indices): eight at a time,
    /// the last few through a copy of eight lanes (the same operations on every lane).
    func fillNegatives(_ neg: SortedClass, range: Range<Int>) {
        var j = range.lowerBound
        while j + 8 <= range.upperBound {
            store8(negativeFactors(load8(neg.scores + j)), negatives + j)
            j += 8
        }
        guard j < range.upperBound else { return }
        var b = SIMD8<Double>(repeating: neg.scores[j])
        for l in 0..<(range.upperBound - j) { b[l] = neg.scores[j + l] }
        let f = negativeFactors(b)
        for l in 0..<(range.upperBound - j) { negatives[j + l] = f[l] }
    }

    /// F_b of eight negatives' scores.
    @inline(__always)
    func negativeFactors(_ b: SIMD8<Double>) -> SIMD8<Double> {
        let above = (anchorIndex(b) + 1) * SIMD8(repeating: step)
        // (Arguments < 0; whole arrays, so Horner's rule, `exponentialOfNonPositive`.)
        return exponentialOfNonPositive((b - above) / SIMD8(repeating: temperature))
    }

    /// Doubles of one block of eight positives' factors (`positiveFactors`).
    static let blockDoubles = 24

    /// Where positive `i`'s block starts in `storage`, whose first block holds positive
    /// `first` (a multiple of eight positives after it per block), and its lane.
    @inline(__always)
    static func block(of i: Int, from first: Int, in storage: UnsafeMutablePointer<Double>)
        -> (block: UnsafeMutablePointer<Double>, lane: Int) {
        (storage + blockDoubles * ((i - first) >> 3), (i - first) & 7)
    }

    /// The factors of positives first ..< first + count (count <= 8; scores `scores`,
    /// windows starting at negatives `starts`, bit patterns of Ints) into lane l of
    /// `out` (`blockDoubles` doubles): G0 at out, G1 at out + 8, k0 + 1 at out + 16. A positive whose window
    /// starts past the last negative gets the last negative's anchor (never read).
    func positiveFactors(_ scores: UnsafeMutablePointer<Double>, starts: UnsafeMutablePointer<Double>,
                         first: Int, count: Int, negatives neg: SortedClass, into out: UnsafeMutablePointer<Double>) {
        let last = neg.count - 1
        @inline(__always) func start(_ l: Int) -> Double {
            neg.scores[Swift.min(Int(truncatingIfNeeded: starts[first + l].bitPattern), last)]
        }
        var a: SIMD8<Double>, b: SIMD8<Double>
        if count == 8 {
            a = load8(scores + first)
            b = SIMD8(start(0), start(1), start(2), start(3), start(4), start(5), start(6), start(7))
        } else {
            a = SIMD8(repeating: scores[first])
            b = SIMD8(repeating: start(0))
            for l in 1..<count { a[l] = scores[first + l]; b[l] = start(l) }
        }
        let next = anchorIndex(b) + 1
        let g0 = exponentialWithin700((next * SIMD8(repeating: step) - a) / SIMD8(repeating: temperature))
        store8(g0, out)
        store8(g0 * SIMD8(repeating: stepFactor), out + 8)
        store8(next, out + 16)
    }
}

/// One positive's factors (`WindowFactors.positiveFactors`) with the negatives' F_b, for
/// its window's pairs.
struct PositiveFactors {
    /// G0, G1, and k0 + 1: the anchor index from which a negative takes G1.
    let g0, g1, boundary: Double
    let inverseStep: Double
    let negatives: UnsafeMutablePointer<Double>

    /// Positive `lane` of a block of eight written by `positiveFactors` at `block`.
    @inline(__always)
    init(block: UnsafeMutablePointer<Double>, lane l: Int, _ factors: WindowFactors) {
        g0 = block[l]; g1 = block[8 + l]; boundary = block[16 + l]
        inverseStep = factors.inverseStep
        negatives = factors.negatives
    }

    /// e^-x of the pairs with negatives j ..< j + 8 (all inside the array), whose scores
    /// are `b`.
    @_transparent
    func exponentials8(at j: Int, scores b: SIMD8<Double>) -> SIMD8<Double> {
        selectBySign(b * SIMD8(repeating: inverseStep) - SIMD8(repeating: boundary),
                     negative: SIMD8(repeating: g0), otherwise: SIMD8(repeating: g1)) * load8(negatives + j)
    }

    /// The same for one pair with negative j, score b (the same operations, so the same bits).
    @inline(__always)
    func exponential(at j: Int, score b: Double) -> Double {
        ((b * inverseStep - boundary).sign == .minus ? g0 : g1) * negatives[j]
    }
}

extension PositiveFactors: PairExponentials {
    /// (Lanes past the window: x = 0, mass 0, and a finite product; past the array, e = 1.)
    @_transparent
    func kernels8(_ x: SIMD8<Double>, at j: Int, _ b: UnsafeMutablePointer<Double>, count: Int) -> PairKernels8 {
        var e = SIMD8<Double>(repeating: 1)
        if j + 8 <= count {
            e = exponentials8(at: j, scores: load8(b + j))
        } else {
            for l in 0..<(count - j) { e[l] = exponential(at: j + l, score: b[j + l]) }
        }
        return PairKernels8(x: x, exponentialOfMinusX: e)
    }

    /// The eight-lane kernels' operations on one pair (x is finite in a window).
    @_transparent
    func kernels(_ x: Double, at j: Int, _ b: UnsafeMutablePointer<Double>) -> PairKernels {
        let e = exponential(at: j, score: b[j])
        let r = 1 / (1 + e)
        let slope = (e * r) * r
        return PairKernels(value: r, slope: slope, moment: x * slope)
    }
}

/// Lane by lane, `negative` where d has its sign bit set (-0 included), else `otherwise`:
/// bitwise, from the sign bit spread over the lane (the vector comparisons compiled to a
/// loop over the lanes).
@_transparent
func selectBySign(_ d: SIMD8<Double>, negative: SIMD8<Double>, otherwise: SIMD8<Double>) -> SIMD8<Double> {
    let m = unsafeBitCast(d, to: SIMD8<Int64>.self) &>> 63
    let a = unsafeBitCast(negative, to: SIMD8<Int64>.self), b = unsafeBitCast(otherwise, to: SIMD8<Int64>.self)
    return unsafeBitCast((a & m) | (b & ~m), to: SIMD8<Double>.self)
}
