"""The soft AUROC, its gradient and d/dT against the float64 pairwise oracle (oracle.py),
to 1e-12 of each quantity's natural scale (checks.py), on random data: many seeds, n up
to a few thousand, temperatures 1e-3..1e3, class imbalance, heavy ties, weights with
zeros and a wide dynamic range, and scores of +-1e308 whose pair differences overflow.

Nothing here depends on how the library evaluates the sum (direct pairs or a faster
method): only the mathematical definition is used.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import diffauroc
import oracle
from checks import assert_soft_close

TEMPERATURES = [1e-3, 1e-2, 0.1, 1.0, 10.0, 1e3]
SCORE_KINDS = ["normal", "scaled", "ties", "huge"]
WEIGHT_KINDS = [None, "zeros", "lognormal", "integer"]
SIZES = [2, 7, 60, 300, 1000, 2500]
POSITIVE_FRACTIONS = [0.02, 0.3, 0.5, 0.9]


def make_labels(rng, n, positive_fraction):
    labels = (rng.random(n) < positive_fraction).astype(np.float64)
    labels[:2] = [1.0, 0.0]  # at least one of each class
    return rng.permutation(labels)


def make_scores(rng, n, kind, temperature):
    if kind == "normal":  # scores of unit spread whatever T
        return rng.normal(size=n)
    if kind == "scaled":  # scores spread over a few T around an offset
        spread = rng.choice([0.1, 1.0, 10.0, 100.0])
        return rng.normal(size=n) * spread * temperature + rng.normal() * temperature
    if kind == "ties":  # few distinct values: most pairs tied
        return rng.integers(0, 4, n) * (0.5 * temperature)
    if kind == "huge":  # differences overflow to +-inf
        scores = rng.normal(size=n)
        extreme = rng.random(n) < 0.3
        scores[extreme] = rng.choice([1e308, -1e308, np.finfo(float).max, -np.finfo(float).max,
                                      5e307, -1e300], size=extreme.sum())
        return scores
    raise AssertionError(kind)


def make_weights(rng, n, kind):
    if kind is None:
        return None
    if kind == "zeros":
        weights = rng.random(n) * 2
        weights[rng.random(n) < 0.3] = 0.0
    elif kind == "lognormal":
        weights = np.exp(3 * rng.normal(size=n))
    elif kind == "integer":
        weights = rng.integers(0, 4, n).astype(np.float64)
    else:
        raise AssertionError(kind)
    return weights  # may leave a class without weight: the test then expects the warning


CASES = [
    pytest.param(seed, kind, temperature, weights,
                 id=f"{kind}-T{temperature:g}-w{weights}-seed{seed}")
    for seed, (kind, temperature, weights) in enumerate(
        itertools.product(SCORE_KINDS, TEMPERATURES, WEIGHT_KINDS))
]


@pytest.mark.parametrize("seed, kind, temperature, weight_kind", CASES)
def test_soft_matches_oracle(seed, kind, temperature, weight_kind, parity):
    rng = np.random.default_rng(1000 + seed)
    n = int(SIZES[seed % len(SIZES)])
    positive_fraction = POSITIVE_FRACTIONS[(seed // len(SIZES)) % len(POSITIVE_FRACTIONS)]
    labels = make_labels(rng, n, positive_fraction)
    scores = make_scores(rng, n, kind, temperature)
    weights = make_weights(rng, n, weight_kind)
    want = oracle.soft(scores, labels, temperature, weights)
    where = f"n={n} P={int(labels.sum())} kind={kind} T={temperature:g} w={weight_kind}"
    w = np.ones(n) if weights is None else weights
    if not (w[labels == 1].sum() > 0 and w[labels == 0].sum() > 0):  # weight 0 took a class
        with pytest.warns(diffauroc.OneClassWarning):
            got = diffauroc.auroc_soft_grad(scores, labels, temperature, weights)
        assert got[0] == 0.0 and got[2] == 0.0 and not np.any(got[1])
        return
    got = diffauroc.auroc_soft_grad(scores, labels, temperature, weights)
    assert_soft_close(got, want, labels, temperature, weights, parity=parity,
                      key="oracle auroc_soft_grad", where=where)
    value = diffauroc.auroc_soft(scores, labels, temperature, weights)
    parity.record("oracle auroc_soft value", abs(value - want[0]), where)
    assert abs(value - want[0]) <= 1e-12, where


@pytest.mark.parametrize("seed", range(6))
def test_soft_matches_oracle_larger_and_imbalanced(seed, parity):
    # n = 4000 with a few positives, and a balanced 3000
    rng = np.random.default_rng(seed)
    n, fraction = (4000, 0.01) if seed % 2 == 0 else (3000, 0.5)
    temperature = [0.05, 1.0, 20.0][seed % 3]
    labels = make_labels(rng, n, fraction)
    scores = rng.standard_t(3, size=n) + labels * rng.random()
    weights = None if seed < 3 else rng.random(n) * (rng.random(n) < 0.8)
    want = oracle.soft(scores, labels, temperature, weights)
    got = diffauroc.auroc_soft_grad(scores, labels, temperature, weights)
    assert_soft_close(got, want, labels, temperature, weights, parity=parity,
                      key="oracle auroc_soft_grad", where=f"n={n} T={temperature}")


def test_huge_scores_give_finite_exact_limits():
    # every pair either overflows (sigmoid 1 or 0, zero slope) or is tied (x = 0)
    big = np.finfo(float).max
    scores = np.array([big, -big, 1e308, -1e308, 0.0])
    labels = np.array([1, 0, 1, 0, 1])
    for temperature in (1e-3, 1.0, 1e3):
        value, grad, dtemperature = diffauroc.auroc_soft_grad(scores, labels, temperature)
        # positives {big, 1e308, 0} vs negatives {-big, -1e308}: every pair ordered
        assert value == 1.0 and dtemperature == 0.0
        assert np.all(grad == 0.0)
    value, grad, dtemperature = diffauroc.auroc_soft_grad([big, big, -big], [1, 0, 0], 1.0)
    # the tied pair: x = 0, sigmoid 1/2, slope 1/4; the other pair overflows
    assert value == 0.75 and dtemperature == 0.0
    np.testing.assert_array_equal(grad, [0.25 / 2, -0.25 / 2, 0.0])
    assert not np.any(np.isnan(grad))


@pytest.mark.parametrize("temperature", [1e-3, 1.0, 1e3])
def test_weighted_equals_repeated_samples(temperature):
    # integer weights mean repeated samples: an independent check of the weighting
    rng = np.random.default_rng(3)
    n = 80
    scores = rng.normal(size=n)
    labels = make_labels(rng, n, 0.4)
    weights = rng.integers(0, 4, n)
    repeated = np.repeat(np.arange(n), weights)
    value, grad, dtemperature = diffauroc.auroc_soft_grad(scores, labels, temperature, weights)
    r_value, r_grad, r_dtemperature = diffauroc.auroc_soft_grad(
        scores[repeated], labels[repeated], temperature)
    assert abs(value - r_value) <= 1e-12
    assert abs(dtemperature - r_dtemperature) * temperature <= 1e-12
    # a sample repeated k times has k gradient entries that sum to its weighted gradient
    summed = np.bincount(repeated, weights=r_grad, minlength=n)
    scale = oracle.gradient_scale(labels, temperature, weights)
    mask = scale > 0
    assert np.all(np.abs(grad - summed)[mask] / scale[mask] <= 1e-12)
    assert np.all(grad[~mask] == 0)


@pytest.mark.parametrize("seed", range(8))
def test_weights_spanning_the_whole_double_range(seed, parity):
    # Weights from 1e-300 to 1e300: products w_i w_j and the class totals' product would
    # overflow or underflow if formed naively. The results are invariant to scaling each
    # class's weights (numerator and W_class scale together), so the oracle runs on
    # weights divided by their class maximum. Gradient entries of tiny weights are
    # subnormal, where no computation keeps 1e-12 relative accuracy: an absolute floor of
    # 1e-300 (far below any normal-weight entry) is allowed.
    rng = np.random.default_rng(seed)
    n = 60
    labels = make_labels(rng, n, 0.5)
    scores = rng.normal(size=n)
    weights = 10.0 ** rng.uniform(-300, 300, size=n)
    normalized = weights.copy()
    for cls in (0, 1):
        normalized[labels == cls] /= weights[labels == cls].max()
    temperature = [0.01, 0.5, 20.0][seed % 3]
    value, grad, dtemperature = diffauroc.auroc_soft_grad(scores, labels, temperature, weights)
    want_value, want_grad, want_dtemperature = oracle.soft(scores, labels, temperature, normalized)
    scale = oracle.gradient_scale(labels, temperature, normalized)
    assert np.all(np.isfinite(grad))
    assert abs(value - want_value) <= 1e-12
    assert abs(dtemperature - want_dtemperature) * temperature <= 1e-12
    assert np.all(np.abs(grad - want_grad) <= 1e-12 * scale + 1e-300)
    normal = scale > 1e-280
    parity.record("oracle extreme-weights grad (/ natural scale)",
                  float(np.max(np.abs(grad - want_grad)[normal] / scale[normal])), f"seed={seed}")
    exact = diffauroc.auroc_exact(scores, labels, weights)
    assert abs(exact - float(oracle.exact_weighted_fraction(scores, labels, weights))) <= 1e-13
