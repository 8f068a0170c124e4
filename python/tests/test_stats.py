"""diffauroc.stats against an independent oracle written here: DeLong's structural
components pair by pair (O(P N)), in float64 (the textbook formula) and in exact
fractions (so that the library's claim, every AUC, covariance and difference variance the
correctly rounded value of its exact rational, can be checked bit for bit: Python's
float(Fraction) rounds correctly). Normal and t distributions against SciPy. Plus the
input handling, the undefined cases and the bootstrap.
"""
from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
import scipy.special
import scipy.stats

from diffauroc import stats


# ---- the oracle ---------------------------------------------------------------------------

def placements(y, s):
    """(V10 of each positive, V01 of each negative) as Fractions, pair by pair."""
    y = np.asarray(y, dtype=float)
    s = [float(v) for v in np.asarray(s, dtype=float)]
    pos = [s[i] for i in range(len(s)) if y[i] == 1]
    neg = [s[j] for j in range(len(s)) if y[j] == 0]
    psi = lambda a, b: Fraction(1) if a > b else Fraction(1, 2) if a == b else Fraction(0)
    v10 = [sum((psi(p, q) for q in neg), Fraction(0)) / len(neg) for p in pos]
    v01 = [sum((psi(p, q) for p in pos), Fraction(0)) / len(pos) for q in neg]
    return v10, v01


def exact_cov(y, columns):
    """AUCs and DeLong's covariance matrix, exact (Fractions)."""
    comps = [placements(y, c) for c in columns]
    k = len(columns)
    aucs = [sum(v10, Fraction(0)) / len(v10) for v10, _ in comps]

    def sample_cov(x, z):
        mx, mz = sum(x, Fraction(0)) / len(x), sum(z, Fraction(0)) / len(z)
        return sum(((a - mx) * (b - mz) for a, b in zip(x, z)), Fraction(0)) / (len(x) - 1)

    cov = [[sample_cov(comps[a][0], comps[b][0]) / len(comps[a][0])
            + sample_cov(comps[a][1], comps[b][1]) / len(comps[a][1]) for b in range(k)]
           for a in range(k)]
    return aucs, cov


def float_cov(y, columns):
    """The textbook float64 version (numpy), for a second, independent look."""
    y = np.asarray(y, dtype=float)
    v10s, v01s = [], []
    for c in columns:
        c = np.asarray(c, dtype=float)
        p, q = c[y == 1], c[y == 0]
        psi = (p[:, None] > q[None, :]) + 0.5 * (p[:, None] == q[None, :])
        v10s.append(psi.mean(axis=1))
        v01s.append(psi.mean(axis=0))
    s10, s01 = np.cov(np.array(v10s)), np.cov(np.array(v01s))
    return np.array([v.mean() for v in v10s]), \
        np.atleast_2d(s10) / len(v10s[0]) + np.atleast_2d(s01) / len(v01s[0])


def tied_data(rng, n, k=2, levels=5, prevalence=0.4):
    y = (rng.random(n) < prevalence).astype(float)
    y[:2] = [0, 1]
    y[2:4] = [0, 1]
    base = rng.integers(0, levels, n) + y
    cols = [np.round(base + rng.integers(0, levels, n) * (a > 0) * 0.5, 2) for a in range(k)]
    return y, cols


# ---- exactness -------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(12))
def test_cov_is_correctly_rounded_exact_value(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(6, 70))
    k = int(rng.integers(1, 4))
    y, cols = tied_data(rng, n, k, levels=int(rng.choice([2, 3, 10, 1000])),
                        prevalence=float(rng.choice([0.15, 0.5, 0.85])))
    aucs, cov = stats.auroc_cov(y, np.column_stack(cols))
    want_aucs, want_cov = exact_cov(y, cols)
    assert [float(a) for a in want_aucs] == aucs.tolist()
    assert [[float(c) for c in row] for row in want_cov] == cov.tolist()
    f_aucs, f_cov = float_cov(y, cols)
    np.testing.assert_allclose(aucs, f_aucs, rtol=1e-14)
    np.testing.assert_allclose(cov, f_cov, rtol=1e-12, atol=1e-17)


def test_difference_variance_is_exact_where_the_entries_cancel():
    # b = a with one score changed: Var(A - B) is about 1e-4 of Var(A); the library's is
    # the correctly rounded exact value, not cov_aa + cov_bb - 2 cov_ab of rounded entries.
    rng = np.random.default_rng(5)
    y, (a, _) = tied_data(rng, 60, 2, levels=40)
    for i in range(60):  # the first change of one score that moves the AUC
        b = a.copy()
        b[i] += 1.5
        aucs, cov = exact_cov(y, [a, b])
        exact = cov[0][0] + cov[1][1] - 2 * cov[0][1]
        if exact > 0:
            break
    assert exact > 0 and exact < cov[0][0] / 100
    result = stats.auroc_test(y, a, b)
    assert result.variance == float(exact)
    d = aucs[0] - aucs[1]
    assert result.statistic == pytest.approx(float(d) / math.sqrt(float(exact)), rel=1e-15)


def test_var_ci_test_against_oracle_and_scipy():
    rng = np.random.default_rng(11)
    y, (a, b) = tied_data(rng, 80, 2, levels=6)
    aucs, cov = exact_cov(y, [a, b])
    var_a = float(cov[0][0])
    assert stats.auroc_var(y, a) == var_a
    for confidence in (0.95, 0.8, 0.99):
        ci = stats.auroc_ci(y, a, confidence=confidence)
        z = scipy.stats.norm.ppf(1 - (1 - confidence) / 2)
        assert ci.auroc == float(aucs[0])
        assert ci.lower == pytest.approx(max(0.0, float(aucs[0]) - z * math.sqrt(var_a)), rel=1e-14)
        assert ci.upper == pytest.approx(min(1.0, float(aucs[0]) + z * math.sqrt(var_a)), rel=1e-14)
    diff_var = float(cov[0][0] + cov[1][1] - 2 * cov[0][1])
    z = float(aucs[0] - aucs[1]) / math.sqrt(diff_var)
    paired = stats.auroc_test(y, a, b)
    assert paired.statistic == pytest.approx(z, rel=1e-15)
    assert paired.pvalue == pytest.approx(2 * scipy.stats.norm.sf(abs(z)), rel=1e-13)
    assert stats.auroc_test(y, a, b, alternative="greater").pvalue == \
        pytest.approx(scipy.stats.norm.sf(z), rel=1e-13)
    assert stats.auroc_test(y, a, b, alternative="less").pvalue == \
        pytest.approx(scipy.stats.norm.cdf(z), rel=1e-13)
    # Unpaired: two independent samples.
    y2, (c, _) = tied_data(rng, 50, 2, levels=4)
    aucs2, cov2 = exact_cov(y2, [c])
    va, vb = var_a, float(cov2[0][0])
    t = (float(aucs[0]) - float(aucs2[0])) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / 79 + vb ** 2 / 49)
    unpaired = stats.auroc_test(y, a, c, paired=False, y_true_b=y2)
    assert unpaired.statistic == pytest.approx(t, rel=1e-14)
    assert unpaired.df == pytest.approx(df, rel=1e-14)
    assert unpaired.pvalue == pytest.approx(2 * scipy.stats.t.sf(abs(t), df), rel=1e-12)


def test_qnorm_is_as241():
    ps = np.concatenate([np.linspace(1e-6, 1 - 1e-6, 2001), [1e-300, 1e-20, 0.025, 0.975, 0.5]])
    for p in ps:
        assert stats._qnorm(float(p)) == pytest.approx(float(scipy.special.ndtri(p)), rel=2e-15, abs=1e-300)
    assert stats._qnorm(0.0) == -math.inf and stats._qnorm(1.0) == math.inf


# ---- inputs, layouts, dtypes --------------------------------------------------------------

def test_layouts_and_dtypes_agree():
    rng = np.random.default_rng(3)
    y, cols = tied_data(rng, 300, 3, levels=50)
    c_order = np.column_stack(cols)
    aucs, cov = stats.auroc_cov(y, c_order)
    a2, c2 = stats.auroc_cov(y, np.asfortranarray(c_order))  # column after column
    assert a2.tolist() == aucs.tolist() and c2.tolist() == cov.tolist()
    wide = np.zeros((300, 6))
    wide[:, ::2] = c_order
    a3, c3 = stats.auroc_cov(y, wide[:, ::2])  # a strided view (column stride 2)
    assert a3.tolist() == aucs.tolist() and c3.tolist() == cov.tolist()
    a4, c4 = stats.auroc_cov(y.astype(bool), c_order.astype(np.float32))  # float32 path
    assert a4.tolist() == aucs.tolist() and c4.tolist() == cov.tolist()
    a5, c5 = stats.auroc_cov(y.astype(np.int64), (c_order * 4).astype(np.int64))
    assert a5.tolist() == aucs.tolist() and c5.tolist() == cov.tolist()
    # int64 beyond 2**53: ranked exactly (same order and ties), not rounded.
    big = (c_order * 4).astype(np.int64) + np.int64(2**62)
    a6, c6 = stats.auroc_cov(y, big)
    assert a6.tolist() == aucs.tolist() and c6.tolist() == cov.tolist()
    assert stats.auroc_var(list(y), list(cols[0])) == cov[0, 0]


def test_errors_name_the_element():
    y = np.array([0, 1, 0, 1, 1.0])
    s = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, np.nan], [0.7, 0.8], [0.9, 1.0]])
    with pytest.raises(ValueError, match=r"y_score\[2, 1\] = nan"):
        stats.auroc_cov(y, s)
    with pytest.raises(ValueError, match=r"y_true\[3\] = 2$"):
        stats.auroc_var([0, 1, 0, 2, 1], [1, 2, 3, 4, 5])
    with pytest.raises(ValueError, match=r"y_score\[1\] = inf"):
        stats.auroc_ci([0, 1, 0, 1], [1, np.inf, 3, 4])
    with pytest.raises(ValueError, match="undefined"):
        stats.auroc_var([1, 1, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="rows"):
        stats.auroc_cov([0, 1, 0], np.zeros((4, 2)))
    with pytest.raises(ValueError, match="same length"):
        stats.auroc_test([0, 1, 0], [1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="masked"):
        stats.auroc_cov([0, 1, 0, 1], np.ma.masked_array([1, 2, 3, 4.0], mask=[0, 0, 1, 0]))
    with pytest.raises(ValueError, match="alternative"):
        stats.auroc_test([0, 1, 0, 1], [1, 2, 3, 4], [1, 3, 2, 4], alternative="bigger")
    with pytest.raises(ValueError, match="method"):
        stats.auroc_ci([0, 1, 0, 1], [1, 2, 3, 4], method="obuchowski")
    with pytest.raises(TypeError):
        stats.auroc_var([0, 1], ["a", "b"])


def test_undefined_variance_is_nan_with_a_warning():
    y, s = [0, 0, 1, 0], [0.1, 0.5, 0.4, 0.2]  # one positive
    with pytest.warns(RuntimeWarning, match="variance is undefined"):
        assert math.isnan(stats.auroc_var(y, s))
    with pytest.warns(RuntimeWarning, match="variance is undefined"):
        ci = stats.auroc_ci(y, s)
    assert math.isnan(ci.lower) and math.isnan(ci.upper)
    with pytest.warns(RuntimeWarning):
        t = stats.auroc_test(y, s, s[::-1])
    assert math.isnan(t.statistic) and math.isnan(t.pvalue)
    with pytest.warns(RuntimeWarning):
        aucs, cov = stats.auroc_cov(y, s)
    assert aucs[0] == 2 / 3 and np.isnan(cov).all()


def test_identical_models_and_perfect_separation():
    y, s = [0, 1, 0, 1, 1, 0], [1, 4, 2, 5, 3, 0]
    t = stats.auroc_test(y, s, s)  # 0 / 0: z = 0, as pROC
    assert t.statistic == 0 and t.pvalue == 1 and t.variance == 0
    r = stats.auroc_test(y, s, [-v for v in s])  # AUC 1 vs 0, zero variance
    assert r.statistic == math.inf and r.pvalue == 0
    ci = stats.auroc_ci(y, s)
    assert (ci.lower, ci.auroc, ci.upper) == (1.0, 1.0, 1.0)


# ---- bootstrap ------------------------------------------------------------------------------

def _oracle_replicates(y, s, seed, count):
    """The replicates as stats documents them, computed here with the oracle's AUC."""
    y = np.asarray(y, dtype=float)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    out = []
    for child in np.random.SeedSequence(seed).spawn(count):
        rng = np.random.default_rng(child)
        p = pos[rng.integers(0, pos.size, pos.size)]
        q = neg[rng.integers(0, neg.size, neg.size)]
        sp, sq = s[p][:, None], s[q][None, :]
        out.append(float(((sp > sq) + 0.5 * (sp == sq)).mean()))
    return np.array(out)


def test_bootstrap_replicates_and_interval():
    rng = np.random.default_rng(8)
    y, (s, _) = tied_data(rng, 120, 2, levels=8)
    ci = stats.auroc_ci(y, s, method="bootstrap", n_bootstraps=300, seed=42)
    replicates = _oracle_replicates(y, s, 42, 300)
    lower, median, upper = np.quantile(replicates, [0.025, 0.5, 0.975])
    assert ci.lower == pytest.approx(lower, rel=1e-13)
    assert ci.upper == pytest.approx(upper, rel=1e-13)
    assert ci.median == pytest.approx(median, rel=1e-13)
    assert ci.auroc == stats.auroc_ci(y, s).auroc
    # Same seed, any thread count: the same interval.
    assert stats.auroc_ci(y, s, method="bootstrap", n_bootstraps=300, seed=42, n_threads=1) == ci
    assert stats.auroc_ci(y, s, method="bootstrap", n_bootstraps=300, seed=42, n_threads=3) == ci
    other = stats.auroc_ci(y, s, method="bootstrap", n_bootstraps=300, seed=43)
    assert other != ci
    # Close to DeLong's normal interval on this well-behaved data.
    delong = stats.auroc_ci(y, s)
    assert abs(ci.lower - delong.lower) < 0.03 and abs(ci.upper - delong.upper) < 0.03
    with pytest.raises(ValueError):
        stats.auroc_ci(y, s, method="bootstrap", n_bootstraps=0)
