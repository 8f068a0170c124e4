"""The gradient and d/dT against central differences of the library's own value (float64).

With a step h = 1e-4 T the truncation error is ~ h^2 f''' ~ 1e-8 of the natural scale and
the rounding error ~ eps / h ~ 1e-12 / T, far below the 1e-6 tolerance used here (in
units of each quantity's natural scale), while a wrong factor, sign or missing term would
be off by O(1).
"""
from __future__ import annotations

import numpy as np
import pytest

import diffauroc
import oracle


def central_difference(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


CASES = [(seed, t, weighted) for seed, (t, weighted) in enumerate(
    (t, w) for t in (1e-3, 0.05, 0.5, 2.0, 50.0, 1e3) for w in (False, True))]


@pytest.mark.parametrize("seed, temperature, weighted", CASES)
def test_gradient_matches_central_differences(seed, temperature, weighted):
    rng = np.random.default_rng(seed)
    n = 16
    labels = rng.permutation(np.r_[np.ones(6), np.zeros(10)])
    scores = rng.normal(size=n) * temperature * 3  # pairs within a few T: nonzero slopes
    scores[3] = scores[5]  # a tie
    weights = rng.random(n) * 3 if weighted else None
    if weighted:
        weights[rng.integers(n)] = 0.0
    value, grad, dtemperature = diffauroc.auroc_soft_grad(scores, labels, temperature, weights)
    scale = oracle.gradient_scale(labels, temperature, weights)
    h = 1e-4 * temperature
    for k in range(n):
        def f(x, k=k):
            shifted = scores.copy()
            shifted[k] = x
            return diffauroc.auroc_soft(shifted, labels, temperature, weights)

        numeric = central_difference(f, scores[k], h)
        if scale[k] == 0:
            assert grad[k] == 0.0 and abs(numeric) <= 1e-12
        else:
            assert abs(grad[k] - numeric) <= 1e-6 * scale[k], (k, grad[k], numeric)
    assert np.max(np.abs(grad) / np.where(scale > 0, scale, 1)) > 1e-3  # not vacuous

    numeric_dt = central_difference(
        lambda t: diffauroc.auroc_soft(scores, labels, t, weights), temperature, h)
    assert abs(dtemperature - numeric_dt) <= 1e-6 / temperature, (dtemperature, numeric_dt)
    assert abs(dtemperature) * temperature > 1e-4  # not vacuous


def test_gradient_sums_to_zero_without_weights():
    # value depends on differences only, so sum_k d value / d s_k = 0 (shift invariance)
    rng = np.random.default_rng(1)
    scores = rng.normal(size=300)
    labels = (rng.random(300) < 0.4).astype(float)
    _, grad, _ = diffauroc.auroc_soft_grad(scores, labels, 0.3)
    assert abs(grad.sum()) <= 1e-12 * np.abs(grad).sum()


def test_euler_relation_between_scores_and_temperature():
    # value(a s, a T) = value(s, T), so d/da at a = 1: sum_k s_k g_k + T dT = 0
    rng = np.random.default_rng(2)
    scores = rng.normal(size=200)
    labels = (rng.random(200) < 0.5).astype(float)
    weights = rng.random(200)
    for temperature in (0.01, 0.4, 7.0):
        _, grad, dtemperature = diffauroc.auroc_soft_grad(scores, labels, temperature, weights)
        terms = np.r_[scores * grad, temperature * dtemperature]
        assert abs(terms.sum()) <= 1e-12 * np.abs(terms).sum() + 1e-15
