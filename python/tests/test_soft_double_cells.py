"""The soft AUROC where the grid route's cells would hold few points: from 4 to 64 points a
temperature width over more cells than the few-cells path takes, the route uses cells of
two widths with 24 Chebyshev nodes (`DoubleCells`, FastSoftIndices.swift; the Swift tests
in FastSoftAUROCTests.swift assert that choice for the same kinds of input).

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


# (n, points a width): 1,200 to 1,250 widths, past the few-cells path's 1,024 cells at
# fewer than 64 points a cell.
@pytest.mark.parametrize("n, density", [(6000, 5.0), (15000, 12.0), (33000, 30.0)])
@pytest.mark.parametrize("weighted", [False, True])
def test_uniform_scores_match_the_oracle(n, density, weighted):
    scores, labels, rng = uniform_scores(n, density, 0.3, 5)
    weights = rng.exponential(size=n) if weighted else None
    got = diffauroc.auroc_soft_grad(scores, labels, 1.0, weights=weights)
    want = oracle.soft(scores, labels, 1.0, weights=weights)
    assert_soft_close(got, want, labels, 1.0, weights, where=f"n {n}, density {density}")


def test_normal_scores_match_the_oracle():
    # N(0, 1) + label at T / spread 5e-4: about 2,000 widths, 10 points a width on average.
    rng = np.random.default_rng(6)
    n = 20000
    labels = (rng.random(n) < 0.3).astype(np.float64)
    labels[0], labels[-1] = 0.0, 1.0
    scores = rng.normal(size=n) + labels
    t = 5e-4 * float(scores.max() - scores.min())
    got = diffauroc.auroc_soft_grad(scores, labels, t)
    assert_soft_close(got, oracle.soft(scores, labels, t), labels, t, where="normal scores")


@pytest.mark.parametrize("scale", [1e-300, 1.0, 1e300])
def test_every_magnitude_matches_the_oracle(scale):
    assert_scaled_uniform_scores_match(6000, 5.0, 0.4, 7, scale)


def test_both_builds_compute_the_same_bits(tmp_path):
    assert_uniform_scores_give_the_same_bits(((6000, 5.0), (100000, 12.0)), tmp_path, "double-cells")
