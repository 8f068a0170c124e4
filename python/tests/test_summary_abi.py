"""The mergeable summaries' C exports (auroc_summary, auroc_summary_weighted,
auroc_summary_table, _f32) through ctypes, against oracles written here: midrank
placements from numpy's searchsorted in Python integers, exact rationals (Fraction) for
weighted pair masses, numpy's unique for the tables; and the header's merge rule over
random tie-respecting score ranges (diffauroc._summary.merge_counts). The bad inputs of
every export are tested in C (Tests/c/test_summary.c)."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import diffauroc
from diffauroc import _summary


def _oracle(s, y):
    """(N, P, 2U, sum c^2, sum d^2) from sorted classes, Python integers."""
    s = s.astype(np.float64) + 0.0
    pos, neg = np.sort(s[y == 1]), np.sort(s[y == 0])
    below, upto = np.searchsorted(neg, pos, "left"), np.searchsorted(neg, pos, "right")
    c = [2 * int(a) + int(b - a) for a, b in zip(below, upto)]
    lo, hi = np.searchsorted(pos, neg, "left"), np.searchsorted(pos, neg, "right")
    d = [2 * (pos.size - int(b)) + int(b - a) for a, b in zip(lo, hi)]
    return neg.size, pos.size, sum(c), sum(x * x for x in c), sum(x * x for x in d)


def _data(rng, n, grid):
    s = rng.integers(-grid, grid + 1, n) / 4.0
    s[s == 0] = np.where(rng.random(int((s == 0).sum())) < 0.5, -0.0, 0.0)
    return s, rng.integers(0, 2, n).astype(np.float64)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_words_against_the_oracle(dtype):
    rng = np.random.default_rng(0)
    for trial in range(60):
        s, y = _data(rng, int(rng.integers(0, 400)), int(rng.integers(1, 50)))
        s, y = s.astype(dtype), y.astype(dtype)
        assert _summary.count_summary(s, y) == _oracle(s, y)


def test_high_words():
    """Every positive above every negative: sum c^2 = P (2N)^2 and sum d^2 = N (2P)^2,
    beyond 2^64 here, so the high words are exercised."""
    n = 2_100_000
    s = np.r_[np.zeros(n), np.ones(n)]
    y = np.r_[np.zeros(n), np.ones(n)]
    N, P, u, c2, d2 = _summary.count_summary(s, y)
    assert (N, P, u) == (n, n, 2 * n * n)
    assert c2 == n * (2 * n) ** 2 > 2**64 and d2 == n * (2 * n) ** 2


def test_merge_rule_over_ranges_gives_the_whole():
    rng = np.random.default_rng(1)
    for trial in range(40):
        s, y = _data(rng, int(rng.integers(1, 500)), int(rng.integers(1, 30)))
        values = np.unique(s)
        cuts = np.sort(rng.choice(values, size=min(values.size, int(rng.integers(0, 6))),
                                  replace=False))
        which = np.searchsorted(cuts, s, side="right")
        parts = [_summary.count_summary(np.ascontiguousarray(s[which == r]),
                                        np.ascontiguousarray(y[which == r]))
                 for r in range(cuts.size + 1)]
        merged = _summary.merge_counts(parts)
        assert merged == _oracle(s, y)
        N, P, twice_u = merged[:3]
        if N and P:
            assert twice_u / (2 * P * N) == diffauroc.auroc_exact(s, y)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_weighted_against_exact_rationals(dtype):
    rng = np.random.default_rng(2)
    for trial in range(30):
        s, y = _data(rng, int(rng.integers(1, 300)), int(rng.integers(1, 20)))
        w = (rng.random(s.size) * 2.0 ** rng.integers(-40, 40)).astype(dtype)
        s, y = s.astype(dtype), y.astype(dtype)
        wn, wp, mass = _summary.weighted_summary(s, y, w)
        F = [Fraction(float(x)) for x in w]
        exact_n = sum(f for f, l in zip(F, y) if l == 0)
        exact_p = sum(f for f, l in zip(F, y) if l == 1)
        exact_m = sum(F[i] * F[j] * (1 if s[i] > s[j] else Fraction(1, 2) if s[i] == s[j] else 0)
                      for i in range(s.size) if y[i] == 1 for j in range(s.size) if y[j] == 0)
        for got, exact in ((wn, exact_n), (wp, exact_p), (mass, exact_m)):
            assert abs(got - exact) <= Fraction(1, 10**14) * exact


def test_table_against_unique():
    rng = np.random.default_rng(3)
    for weighted in (False, True):
        s, y = _data(rng, 500, 12)
        w = rng.integers(0, 4, s.size).astype(np.float64) if weighted else None
        scores, negatives, positives = _summary.summary_table(s, y, w)
        weights = np.ones(s.size) if w is None else w
        keys = (s + 0.0)[weights > 0]
        expected = np.unique(keys)
        np.testing.assert_array_equal(scores, expected)
        assert not np.signbit(scores[scores == 0]).any()
        for k, value in enumerate(scores):
            at = (s == value)
            assert negatives[k] == weights[at & (y == 0)].sum()
            assert positives[k] == weights[at & (y == 1)].sum()
