"""Coefficients of the series-window path's far-field polynomials (SeriesWindowSoftAUROC.swift).

    python3 scripts/series_coefficients.py [C] [K]     (needs mpmath; defaults C = 3, K = 8)

For a far pair (|x| >= C, x the scaled difference) with u = e^{-|x|} in (0, e^{-C}]:

    sigmoid(-|x|) = u / (1 + u)          ~ sum_{k=1..K} c_k u^k     (value)
    sigmoid'(x)   = u / (1 + u)^2        ~ sum_{k=1..K} d_k u^k     (slope; moment = |x| slope)

The Taylor series (c_k = (-1)^{k+1}, d_k = (-1)^{k+1} k) converges slowly on (0, e^-C] (ratio
e^-C); a polynomial fitted at Chebyshev nodes of [0, e^-C] (near minimax; no constant term,
so p(0) = 0) reaches the same accuracy with about half the terms. The fit is a least-squares
solve at 64 Chebyshev nodes in 60-digit arithmetic; the coefficients are then rounded to
double, and the script reports the largest error of the ROUNDED polynomials, against the
exact functions, over 20,001 points of (0, e^-C] (evaluated in 60 digits): the bounds the
accuracy argument in SeriesWindowSoftAUROC.swift quotes. Output: Swift literals.
"""
import sys
import mpmath as mp


def fit(f, a, K, nodes=64):
    xs = [a * (1 + mp.cos(mp.pi * (j + mp.mpf(1) / 2) / nodes)) / 2 for j in range(nodes)]
    A = mp.matrix(nodes, K)
    b = mp.matrix(nodes, 1)
    for i, u in enumerate(xs):
        for k in range(K):
            A[i, k] = (u / a) ** (k + 1)  # scaled columns: a well-conditioned solve
        b[i] = f(u)
    c = mp.lu_solve(A.T * A, A.T * b)
    return [float(c[k] / a ** (k + 1)) for k in range(K)]


def max_error(coefficients, f, a, weight=lambda u: 1, points=20_000):
    """The largest weight(u) |p(u) - f(u)| over `points` equally spaced u in (0, a], p being
    sum_k coefficients[k] u^(k+1), in the caller's mpmath precision. Also the measure of
    python/tests/test_series_coefficients.py."""
    worst = mp.mpf(0)
    for j in range(1, points + 1):
        u = a * mp.mpf(j) / points
        p = mp.fsum(mp.mpf(c) * u ** (k + 1) for k, c in enumerate(coefficients))
        worst = max(worst, weight(u) * abs(p - f(u)))
    return worst


def main():
    mp.mp.dps = 60
    C = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    K = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    a = mp.e ** (-mp.mpf(C))
    value = lambda u: u / (1 + u)
    slope = lambda u: u / (1 + u) ** 2
    distance = lambda u: -mp.log(u)  # |x|: the moment's weight
    c = fit(value, a, K)
    d = fit(slope, a, K)
    print(f"// C = {C}, K = {K}: max error of the rounded polynomials over (0, e^-C]:")
    print(f"//   value {float(max_error(c, value, a)):.2e}, slope {float(max_error(d, slope, a)):.2e}, "
          f"|x| slope {float(max_error(d, slope, a, distance)):.2e}")
    print("valueCoefficients: SIMD8<Double>(" + ", ".join(repr(x) for x in c) + ")")
    print("slopeCoefficients: SIMD8<Double>(" + ", ".join(repr(x) for x in d) + ")")


if __name__ == "__main__":
    main()
