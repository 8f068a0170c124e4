#if canImport(Glibc)
import Glibc
#endif

/// The scaled difference x = (a - b) / T of a pair, finite whenever the true quotient is
/// (a - b may overflow for scores near +-1e308; the halves a / 2 - b / 2 cannot; then
/// 2 * ((a/2 - b/2) / T) is inf only if the true x is). Correctly rounded to within 2 ulps,
/// and monotone in a and in b, which the fast path's cell logic relies on.
///
///     scaledDifference(1e308, -1e308, 1e308) == 2
@inline(__always)
func scaledDifference(_ a: Double, _ b: Double, _ temperature: Double) -> Double {
    let d = a - b
    if d.isFinite { return d / temperature }
    return ((a * 0.5 - b * 0.5) / temperature) * 2
}

/// `scaledDifference` of eight pairs, each lane the same bits as the scalar function: one
/// vector subtraction and division when every difference is finite (each lane is then the
/// IEEE quotient the scalar function returns), else lane by lane. (Building the lanes one
/// by one from scalar results costs a store-forwarding stall a lane in hot loops.)
@inline(__always)
func scaledDifferences8(_ a: SIMD8<Double>, _ b: SIMD8<Double>, _ temperature: Double) -> SIMD8<Double> {
    let d = a - b
    if allFinite8(d) { return d / SIMD8<Double>(repeating: temperature) }
    var x = SIMD8<Double>(repeating: 0)
    for l in 0..<8 { x[l] = scaledDifference(a[l], b[l], temperature) }
    return x
}

/// The three pair kernels of the soft AUROC, as functions of the scaled difference
/// x = (s_pos - s_neg) / T:
///
///   value     sigmoid(x)            = 1 / (1 + e^-x)
///   slope     sigmoid'(x)           = sigmoid(x) * sigmoid(-x)      (d value / dx)
///   moment    x * sigmoid'(x)       (-T * d value / dT, before the 1/T)
///
/// Every function is finite for every x, infinities included: sigmoid(+-inf) = 1 / 0,
/// sigmoid'(+-inf) = 0 and x * sigmoid'(x) -> 0 as |x| -> inf (it is defined as 0 there,
/// the limit, so that no inf * 0 = NaN reaches a sum).
///
///     let k = PairKernels(x: 0)   // value 0.5, slope 0.25, moment 0
struct PairKernels {
    var value: Double
    var slope: Double
    var moment: Double

    /// Evaluates the kernels with one exponential: e = exp(-|x|) lies in [0, 1], so
    /// neither 1 + e nor its square can overflow, and no cancellation occurs.
    @inline(__always)
    init(x: Double) {
        let e = exp(-Swift.abs(x))
        let r = 1.0 / (1.0 + e)
        value = x >= 0 ? r : e * r
        slope = e * r * r
        moment = x.isFinite ? x * slope : 0
    }

    /// The three values as given (computed elsewhere by the same formulas).
    @inline(__always)
    init(value: Double, slope: Double, moment: Double) {
        self.value = value
        self.slope = slope
        self.moment = moment
    }
}

/// sigmoid(x) = 1 / (1 + e^-x), stable for every x (0 at -inf, 1 at +inf).
///
///     sigmoid(0) == 0.5
@inline(__always)
func sigmoid(_ x: Double) -> Double {
    let e = exp(-Swift.abs(x))
    return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e)
}
