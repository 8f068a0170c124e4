import Foundation
import Testing
@testable import DiffAUROCCore

// The vector exponentials (VectorKernels.swift): `exponentialOfNonPositive` (Horner's rule,
// for the near and far fields) and `exponentialOfNonPositiveShortChain` (Estrin's scheme,
// for the pair kernels), against glibc's exp (Foundation's, within 1 ulp). Every bound of
// the soft AUROC uses "a few ulps, < 1e-15 relative" for them.

/// The largest error of `f` against Foundation's exp over `xs` (a multiple of eight, taken
/// eight lanes at a time), in units of the double spacing at the reference value (libm's
/// own error, < 1 ulp, included).
func worstUlps(_ xs: [Double], _ f: (SIMD8<Double>) -> SIMD8<Double>) -> Double {
    var worst = 0.0
    for start in stride(from: 0, to: xs.count, by: 8) {
        let x = SIMD8<Double>(xs[start..<(start + 8)])
        let y = f(x)
        for l in 0..<8 {
            let reference = Foundation.exp(x[l])
            worst = Swift.max(worst, abs(y[l] - reference) / reference.ulp)
        }
    }
    return worst
}

@Test func vectorExponentialsAreWithinAFewUlpsOfLibm() {
    var rng = SplitMix(state: 149)
    // Where the sums use them most (|x| below a few, where the kernels are not tiny), over
    // the whole range down to the cutoff, and at the reduction's seams (odd multiples of
    // ln(2) / 2, where k changes and |r| is largest).
    var xs = (0..<80_000).map { _ in -Double.random(in: 0...3, using: &rng) }
    xs += (0..<80_000).map { _ in -Double.random(in: 0...708, using: &rng) }
    for j in 1...2040 where j % 2 == 1 {
        let seam = -Double(j) * 0.34657359027997264  // j ln(2) / 2
        if seam >= -708 { xs += [seam, seam.nextUp, seam.nextDown] }
    }
    xs += [Double](repeating: 0, count: (8 - xs.count % 8) % 8)
    let horner = worstUlps(xs, exponentialOfNonPositive)
    let estrin = worstUlps(xs, exponentialOfNonPositiveShortChain)
    // Measured against 120-bit arithmetic: at most 1.15 and 1.97 ulps (VectorKernels.swift);
    // libm's own error adds up to 1 here.
    #expect(horner <= 2.5, "Horner's rule: \(horner) ulps")
    #expect(estrin <= 3, "Estrin's scheme: \(estrin) ulps")
    #expect(horner * 0x1p-52 < 1e-15 && estrin * 0x1p-52 < 1e-15)
}

@Test func vectorExponentialsAtTheirEnds() {
    for f in [exponentialOfNonPositive, exponentialOfNonPositiveShortChain] {
        // e^0 = 1 and e^-0 = 1 exactly, lane by lane; below e^-708 (where 2^k would be
        // subnormal) and at -infinity the result is 0; just above the cutoff it is normal.
        let y = f(SIMD8<Double>(0, -0.0, -708, -708.5, -745, -1e300, -.infinity, -707.99))
        #expect(y[0] == 1 && y[1] == 1)
        #expect(abs(y[2] - Foundation.exp(-708)) <= 3 * Foundation.exp(-708).ulp)
        #expect(y[3] == 0 && y[4] == 0 && y[5] == 0 && y[6] == 0)
        #expect(y[7].isNormal && y[7] > y[2])
        // Each lane on its own: the same value in every lane position.
        let x = -1.2345678901234567
        let alone = f(SIMD8<Double>(repeating: x))[0]
        let mixed = f(SIMD8<Double>(-500, x, -3, 0, -1e-300, -20, -0.5, -700))
        #expect(mixed[1].bitPattern == alone.bitPattern)
    }
}
