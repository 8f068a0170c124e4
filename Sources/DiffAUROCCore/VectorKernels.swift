/// e^x in eight lanes at once for x <= 0 (x = -infinity allowed), for the sums of the
/// fast soft AUROC, where libm's scalar `exp` would be most of the run time.
///
/// Method: x = k ln 2 + r with k = round(x / ln 2) and |r| <= ln(2)/2, r formed with the
/// two-part (Cody-Waite) ln 2 of fdlibm, exactly for |k| < 2^11; e^r by its Taylor
/// polynomial of degree 13 (remainder <= 0.347^14 / 14! = 4.3e-18 relative); the result
/// p * 2^k built from the exponent bits. Error: a few ulps (< 1e-15 relative), far below
/// the 1e-12 bar of every sum it enters. Results below e^-708 (< 3.3e-308, i.e. where
/// 2^k would be subnormal) are returned as 0: every such term multiplies a mass <= 1 in a
/// sum whose absolute accuracy is 1e-16 at best, so dropping it changes nothing.
///
///     exponentialOfNonPositive(SIMD8(repeating: 0)) == SIMD8(repeating: 1)
///
/// The polynomial by Horner's rule: 13 multiplies and 13 adds in one chain, the fewest
/// operations, for loops that exponentiate whole arrays (the near and far fields), where
/// independent lanes keep the units busy. `exponentialOfNonPositiveShortChain` evaluates
/// the same polynomial for the pair kernels, whose chains the processor cannot overlap.
@inline(__always)
func exponentialOfNonPositive(_ x: SIMD8<Double>) -> SIMD8<Double> {
    let (r, scale, tiny) = exponentialReduction(x)
    var p = SIMD8<Double>(repeating: 1.0 / 6227020800.0)            // 1/13!
    p = p * r + 1.0 / 479001600.0                                   // 1/12!
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    return (p * scale).replacing(with: 0, where: tiny)
}

/// e^x in eight lanes for |x| < 700: `exponentialOfNonPositiveShortChain`'s computation,
/// which holds for positive x too (k = round(x / ln 2) <= 1010, so 1023 + k is still a
/// normal biased exponent; the same polynomial on the same |r| <= ln(2) / 2, the same few
/// ulps). For the window path's positive factors (WindowFactors.swift), whose arguments
/// take both signs, eight positives at a time (hence the short chain).
@inline(__always)
func exponentialWithin700(_ x: SIMD8<Double>) -> SIMD8<Double> {
    exponentialOfNonPositiveShortChain(x)
}

/// `exponentialOfNonPositive` with the polynomial evaluated by Estrin's scheme: the pairs
/// a_2i + a_2i+1 r side by side, then combined with r^2, r^4 and r^8. 15 multiplies and
/// 13 adds (Horner: 13 and 13), but 7 operations deep instead of 26 (Swift does not fuse
/// a multiply and an add, and a fused step would give other bits on CPUs without FMA):
/// about 21 cycles of latency on Zen 4 instead of 78. For the window and series-window
/// paths' pair kernels and target distances, where each group of eight waits on its
/// exponential: measured (C driver, value and gradient, medians of alternating processes)
/// n = 10^6 at T / spread 1e-5 0.87x, n = 10^4 at 1e-3 0.91x; where whole arrays are
/// exponentiated it lost (the grid route, n = 10^7 at 1e-5, 1.05x), hence two functions.
/// Error against e^x in 120-bit arithmetic, at 180,000 points of [-708, 0] (most in
/// [-3, 0]): at most 1.97 ulps (3.8e-16 relative), mean 0.47, against 1.15 and 0.27 for
/// Horner's rule: within the "few ulps (< 1e-15 relative)" above, which is all the sums'
/// bounds use (VectorExponentialTests.swift checks both against libm).
@inline(__always)
func exponentialOfNonPositiveShortChain(_ x: SIMD8<Double>) -> SIMD8<Double> {
    let (r, scale, tiny) = exponentialReduction(x)
    let r2 = r * r
    let r4 = r2 * r2
    let r8 = r4 * r4
    let q0 = 1.0 + r
    let q1 = 0.5 + r * (1.0 / 6.0)
    let q2 = 1.0 / 24.0 + r * (1.0 / 120.0)
    let q3 = 1.0 / 720.0 + r * (1.0 / 5040.0)
    let q4 = 1.0 / 40320.0 + r * (1.0 / 362880.0)
    let q5 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0)
    let q6 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0)
    let low = (q0 + q1 * r2) + (q2 + q3 * r2) * r4                  // degrees 0 to 7
    let high = (q4 + q5 * r2) + q6 * r4                             // degrees 8 to 13, over r^8
    return ((low + high * r8) * scale).replacing(with: 0, where: tiny)
}

/// The range reduction of the vector exponentials: x = k ln 2 + r (see
/// `exponentialOfNonPositive`), with `scale` = 2^k and the lanes below e^-708 marked
/// `tiny`; e^x is then p(r) * scale, 0 in the tiny lanes.
@inline(__always)
private func exponentialReduction(_ x: SIMD8<Double>)
    -> (r: SIMD8<Double>, scale: SIMD8<Double>, tiny: SIMDMask<SIMD8<Int64>>) {
    let cutoff = -708.0
    let tiny = x .< cutoff
    let clamped = x.replacing(with: cutoff, where: tiny)
    // k = round-to-nearest-even(x / ln 2) by adding and removing 1.5 * 2^52 (what
    // `rounded(.toNearestOrEven)` gives, without a libm call on baseline x86-64); the
    // sum's low mantissa bits then hold k itself, in two's complement.
    let magic = 6755399441055744.0
    let shifted = clamped * 1.4426950408889634 + magic
    let k = shifted - magic
    let r = (clamped - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10
    // 2^k from the exponent bits: k in [-1022, 0] here (at most 1010 for
    // `exponentialWithin700`), so 1023 + k is a normal biased exponent. Integer lanes:
    // one vector add and shift, not eight scalar conversions.
    let kBits = unsafeBitCast(shifted, to: SIMD8<UInt64>.self) &- magic.bitPattern
    let scale = unsafeBitCast((kBits &+ 1023) &<< 52, to: SIMD8<Double>.self)
    return (r, scale, tiny)
}

/// The three pair kernels of `PairKernels` (sigmoid, sigmoid', x sigmoid') in four
/// lanes, from x and its exponential: e = e^-x (`upward`) or e = e^x (not `upward`),
/// finite. The near field forms e as a product of a per-cell-pair exponential and
/// per-node or per-point factors (see `ChebyshevNearField`), so that no exponential is
/// evaluated per lane. e may exceed 1 a little (x up to h on the wrong side of 0), which
/// the formulas allow: sigmoid(x) = 1 / (1 + e^-x) = e^x / (1 + e^x) and
/// sigmoid'(x) = e / (1 + e)^2 for e = e^x or e^-x alike; no cancellation, so each
/// kernel is as accurate as e (a few ulps). Lanes with e = 0 (|x| beyond ~745, where the
/// true values are below 1e-323) get sigmoid' = 0 and x sigmoid' = 0, also for x = +-inf.
struct PairKernels4 {
    var value: SIMD4<Double>
    var slope: SIMD4<Double>
    var moment: SIMD4<Double>

    @inline(__always)
    init(x: SIMD4<Double>, exponential e: SIMD4<Double>, upward: Bool) {
        let r = 1 / (1 + e)
        let er = e * r
        value = upward ? r : er
        slope = er * r
        moment = zeroWhereZero(x * slope, e)
    }
}

/// `v` with the lanes where `e` is 0 (either sign) set to +0: v.replacing(with: 0,
/// where: e .== 0), the same bits, as a bitwise and with the comparison's mask. With
/// `replacing` the optimizer turned the select into a branch a lane in the near field's
/// loops (computing x only on the branch) and took the four lanes apart into halves and
/// scalars around it.
@inline(__always)
func zeroWhereZero(_ v: SIMD4<Double>, _ e: SIMD4<Double>) -> SIMD4<Double> {
    let keep = (e .!= 0)._storage  // all ones where e != 0 (NaN included), else 0
    return unsafeBitCast(unsafeBitCast(v, to: SIMD4<Int64>.self) & keep, to: SIMD4<Double>.self)
}

/// sigmoid'(x) from e = e^x or e^-x, finite (see `PairKernels4`).
@inline(__always)
func slopeKernel4(exponential e: SIMD4<Double>) -> SIMD4<Double> {
    let r = 1 / (1 + e)
    return e * r * r
}

/// The sum of four lanes as (0 + 2) + (1 + 3).
@inline(__always)
func horizontalSum4(_ v: SIMD4<Double>) -> Double {
    (v[0] + v[2]) + (v[1] + v[3])
}

/// Four doubles stored at `p` (no alignment needed).
@inline(__always)
func store4(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
}

/// Four doubles from `p` (no alignment needed).
@inline(__always)
func load4(_ p: UnsafeMutablePointer<Double>) -> SIMD4<Double> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
}

/// (e, e^2, ..., e^8) by rounds of multiplication (e^k within k - 1 ulps more than e's exact
/// k-th power; no lane waits on more than three multiplies): the series-window path's factors
/// and the first half of `sixteenPowers`.
@inline(__always)
func eightPowers(_ e: Double) -> SIMD8<Double> {
    let e2 = e * e
    let p4 = SIMD4<Double>(e, e2, e, e2) * SIMD4<Double>(1, 1, e2, e2)
    return SIMD8<Double>(lowHalf: p4, highHalf: p4 * SIMD4<Double>(repeating: p4[3]))
}

/// (e, e^2, ..., e^8) and (e^9, ..., e^16) by rounds of multiplication (e^k within k - 1
/// ulps more than e's exact k-th power; no lane waits on more than four multiplies): the
/// series' factors of the few-cells far field.
@inline(__always)
func sixteenPowers(_ e: Double) -> (SIMD8<Double>, SIMD8<Double>) {
    let p8 = eightPowers(e)
    return (p8, p8 * SIMD8<Double>(repeating: p8[7]))
}

/// Whether every lane of `x` is finite: x - x is 0 in a finite lane and NaN in an infinite
/// or NaN one, and the sum of the lanes is 0 only when no lane is NaN. (The standard
/// library's `all(_:)` on an eight-lane mask compiles to an out-of-line reduction call: 2-4%
/// of the soft AUROC's time where it sat in inner loops.)
@inline(__always)
func allFinite8(_ x: SIMD8<Double>) -> Bool {
    let z = x - x
    let half = z.lowHalf + z.highHalf
    return (half[0] + half[2]) + (half[1] + half[3]) == 0
}

/// Eight doubles from `p` (no alignment needed).
@inline(__always)
func load8(_ p: UnsafeMutablePointer<Double>) -> SIMD8<Double> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self)
}

/// Stores eight doubles at `p` (no alignment needed).
@inline(__always)
func store8(_ v: SIMD8<Double>, _ p: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Double>.self)
}

/// How many of `labels` are 1, for labels that are each exactly 0 or 1: their sum, in
/// eight lanes (every partial sum is an integer below 2^53, so it is exact in any order
/// and the count is the same as a sequential sum's; the lanes break the chain of
/// dependent additions that made the sequential sum a latency-bound pass).
func countOfOnes(_ labels: UnsafeBufferPointer<Double>) -> Int {
    let n = labels.count
    guard let base = labels.baseAddress else { return 0 }
    var lanes = SIMD8<Double>(repeating: 0)
    var i = 0
    while i + 8 <= n {
        lanes += UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Double>.self)
        i += 8
    }
    var total = lanes.sum()
    while i < n {
        total += base[i]
        i += 1
    }
    return Int(total)
}

/// `countOfOnes` of labels not validated before, and whether each is exactly 0 or 1
/// (y (y - 1) == 0: +-0 and 1 only; NaN, infinities and subnormals fail it). The count
/// is meaningful only when they are.
func countOfOnesChecking(_ labels: UnsafeBufferPointer<Double>) -> (count: Int, valid: Bool) {
    let n = labels.count
    guard let base = labels.baseAddress else { return (0, true) }
    var lanes = SIMD8<Double>(repeating: 0)
    var bad = SIMDMask<SIMD8<Int64>>(repeating: false)
    var i = 0
    while i + 8 <= n {
        let y = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Double>.self)
        lanes += y
        bad .|= y * (y - 1) .!= 0
        i += 8
    }
    var total = lanes.sum()
    var valid = !any(bad)
    while i < n {
        let y = base[i]
        total += y
        valid = valid && y * (y - 1) == 0
        i += 1
    }
    return (valid ? Int(total) : 0, valid)
}

/// `v.min()`: the same reduction (`Double.minimum` from lane 0 over every lane, in
/// order), inlined. The standard library's was compiled to a call, which the grid
/// route's `setCellBounds` made four times a cell (1% of the CPU at n = 10^5, T / spread
/// 1e-3, where most cells hold a few points).
@inline(__always)
func lanesMinimum(_ v: SIMD8<Double>) -> Double {
    var m = v[0]
    for l in 0..<8 { m = Double.minimum(m, v[l]) }
    return m
}

/// `v.max()` likewise (`Double.maximum`, lanes in order), inlined.
@inline(__always)
func lanesMaximum(_ v: SIMD8<Double>) -> Double {
    var m = v[0]
    for l in 0..<8 { m = Double.maximum(m, v[l]) }
    return m
}

/// `scoreRange` of scores not validated before, and whether every one is finite
/// (x - x is 0 for a finite x, NaN for an infinity or a NaN). The range is meaningful
/// only when they are.
func scoreRangeChecking(_ scores: UnsafeBufferPointer<Double>) -> (min: Double, max: Double, valid: Bool) {
    let n = scores.count
    guard let base = scores.baseAddress, n > 0 else { return (.infinity, -.infinity, true) }
    var low = SIMD8<Double>(repeating: base[0]), high = low
    var zeros = SIMD8<Double>(repeating: 0)
    var i = 0
    while i + 8 <= n {
        let x = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Double>.self)
        low = low.replacing(with: x, where: x .< low)
        high = high.replacing(with: x, where: x .> high)
        zeros += x - x
        i += 8
    }
    var minimum = lanesMinimum(low), maximum = lanesMaximum(high)
    var zero = zeros.sum()
    while i < n {
        minimum = Swift.min(minimum, base[i])
        maximum = Swift.max(maximum, base[i])
        zero += base[i] - base[i]
        i += 1
    }
    return (minimum, maximum, zero == 0)
}

/// The smallest and the largest of `scores` (finite, n >= 1), in eight lanes (min and
/// max do not depend on the order of comparison).
func scoreRange(_ scores: UnsafeBufferPointer<Double>) -> (min: Double, max: Double) {
    let n = scores.count
    guard let base = scores.baseAddress, n > 0 else { return (.infinity, -.infinity) }
    var low = SIMD8<Double>(repeating: base[0]), high = low
    var i = 0
    while i + 8 <= n {
        let x = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Double>.self)
        low = low.replacing(with: x, where: x .< low)  // pointwiseMin, which is not inlined
        high = high.replacing(with: x, where: x .> high)
        i += 8
    }
    var minimum = lanesMinimum(low), maximum = lanesMaximum(high)
    while i < n {
        minimum = Swift.min(minimum, base[i])
        maximum = Swift.max(maximum, base[i])
        i += 1
    }
    return (minimum, maximum)
}
