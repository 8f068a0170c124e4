import Testing
@testable import DiffAUROCCore

@Test func ratioEdges() {
    #expect(correctlyRoundedRatio(0, 7) == 0)
    #expect(correctlyRoundedRatio(7, 7) == 1)
    #expect(correctlyRoundedRatio(1, 3) == 1.0 / 3.0)
    #expect(correctlyRoundedRatio(1, 2) == 0.5)
}

/// Beyond 2^53 a Double division would round twice. The long-division path must agree with
/// the small path on exactly representable scalings: (a * 2^k) / (b * 2^k) == a / b.
@Test(arguments: [(1 as UInt128, 3 as UInt128), (2, 3), (5, 7), (123_456_789, 987_654_321)])
func ratioIsScaleInvariantBeyondTwoToThe53(pair: (UInt128, UInt128)) {
    let (a, b) = pair
    for k in [20, 40, 60, 64] {
        #expect(correctlyRoundedRatio(a << k, b << k) == Double(a) / Double(b))
    }
}

/// The sticky bit: with d = 2^100 and n = 2^99 + 2^46 + 1, n/d = 1/2 + 2^-54 + 2^-100.
/// The first 64 quotient bits end exactly on the halfway point 1/2 + 2^-54 between 1/2 and
/// its successor 1/2 + 2^-53; only the nonzero remainder (2^-100) says the true value lies
/// above it, so the correct result is the successor. Without the sticky bit, ties-to-even
/// would return 1/2.
@Test func ratioBreaksTiesWithStickyBit() {
    let d: UInt128 = 1 << 100
    #expect(correctlyRoundedRatio((1 << 99) + (1 << 46) + 1, d) == 0.5.nextUp)
    #expect(correctlyRoundedRatio((1 << 99) + (1 << 46), d) == 0.5)  // exact tie: to even
    #expect(correctlyRoundedRatio((1 << 99) + (1 << 46) - 1, d) == 0.5)  // below the tie
}
