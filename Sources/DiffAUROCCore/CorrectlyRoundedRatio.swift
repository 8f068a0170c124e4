/// The double nearest to the rational `numerator / denominator` (ties to even), for
/// 0 <= numerator <= denominator, 0 < denominator < 2^126.
///
/// Why it is exact: when both integers are below 2^53 they convert to Double exactly and
/// IEEE division rounds the exact quotient once. Otherwise binary long division produces
/// the quotient's first 64 significant bits q (so q is in [2^63, 2^64)) and a remainder r.
/// A double keeps 53 of those 64 bits; setting q's lowest bit when r != 0 (a sticky bit)
/// makes the 11 discarded bits compare with "exactly half" as the infinite expansion
/// would, so the single rounding in Double(q) is the correct one. Scaling by 2^-e is exact
/// because the quotient is >= 1 / denominator > 2^-126, far above the subnormal range.
/// The loop ends after at most 126 + 64 steps: each step doubles the remainder, and the
/// leading 1 appears within log2(denominator) steps.
///
///     correctlyRoundedRatio(1, 3) == 1.0 / 3.0
func correctlyRoundedRatio(_ numerator: UInt128, _ denominator: UInt128) -> Double {
    precondition(denominator > 0 && numerator <= denominator)
    if numerator == denominator { return 1 }
    if numerator == 0 { return 0 }
    let exactLimit: UInt128 = 1 << 53
    if numerator < exactLimit && denominator < exactLimit {
        return Double(numerator) / Double(denominator)
    }
    var remainder = numerator
    var quotient: UInt64 = 0
    var exponent = 0
    // Invariant: numerator / denominator == (quotient + remainder / denominator) * 2^-exponent,
    // with remainder < denominator.
    while quotient < (1 << 63) {
        remainder <<= 1
        exponent += 1
        quotient <<= 1
        if remainder >= denominator {
            remainder -= denominator
            quotient |= 1
        }
    }
    if remainder != 0 { quotient |= 1 }
    return Double(sign: .plus, exponent: -exponent, significand: Double(quotient))
}
