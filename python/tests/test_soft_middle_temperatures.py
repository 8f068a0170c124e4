"""The soft AUROC at middle temperatures: data a few points a temperature width, where the
fast path takes the series-window route (SeriesWindowSoftAUROC.swift; the Swift tests in
SeriesWindowSoftAUROCTests.swift assert that route for the same kinds of input).

Accuracy against the float64 pairwise oracle (1e-12 of each quantity's natural scale), and
the same bits from both builds of the core (x86-64 and x86-64-v3, as test_kernels.py).
"""
from __future__ import annotations

import numpy as np
import pytest

import diffauroc
import oracle
from checks import assert_scaled_uniform_scores_match, assert_soft_close, uniform_scores
from library_support import assert_uniform_scores_give_the_same_bits


@pytest.mark.parametrize("density", [1.5, 3.0, 3.5])
@pytest.mark.parametrize("weighted", [False, True])
def test_uniform_scores_match_the_oracle(density, weighted):
    scores, labels, rng = uniform_scores(3000, density, 0.3, 1)
    weights = rng.exponential(size=scores.size) if weighted else None
    got = diffauroc.auroc_soft_grad(scores, labels, 1.0, weights=weights)
    want = oracle.soft(scores, labels, 1.0, weights=weights)
    assert_soft_close(got, want, labels, 1.0, weights, where=f"density {density}")


@pytest.mark.parametrize("relative", [6e-4, 9e-4])
def test_normal_scores_match_the_oracle(relative):
    rng = np.random.default_rng(2)
    n = 4000
    labels = (rng.random(n) < 0.3).astype(np.float64)
    labels[0], labels[-1] = 0.0, 1.0
    scores = rng.normal(size=n) + labels
    t = relative * float(scores.max() - scores.min())
    got = diffauroc.auroc_soft_grad(scores, labels, t)
    assert_soft_close(got, oracle.soft(scores, labels, t), labels, t, where=f"T / spread {relative}")


@pytest.mark.parametrize("scale", [1e-300, 1.0, 1e300])
def test_every_magnitude_matches_the_oracle(scale):
    assert_scaled_uniform_scores_match(2500, 3.0, 0.4, 3, scale)


def test_both_builds_compute_the_same_bits(tmp_path):
    cases = ((3000, 3.0), (3000, 3.5), (70000, 3.0), (70000, 3.5))
    assert_uniform_scores_give_the_same_bits(cases, tmp_path, "middle")
