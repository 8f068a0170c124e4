import Testing
@testable import DiffAUROCCore

/// 1e16 + 1 rounds to 1e16 in plain double arithmetic (the ulp there is 2); the
/// compensation keeps the lost 1, so the total after subtracting 1e16 again is 1, not 0.
@Test func compensatedSumRecoversLostLowOrderTerms() {
    var s = CompensatedSum()
    s.add(1e16)
    s.add(1)
    s.add(-1e16)
    #expect(s.total == 1)
    var plain = 1e16
    plain += 1
    plain += -1e16
    #expect(plain == 0)  // what the compensation avoids
}
