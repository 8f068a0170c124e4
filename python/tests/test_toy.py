"""Cases a person can check by hand, before any randomized test (and the oracle against
the same hand computations, so that the randomized parity tests rest on something)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import diffauroc
import oracle

SCORES = [0.1, 0.4, 0.35, 0.8]
LABELS = [0, 0, 1, 1]


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# ---- exact ------------------------------------------------------------------------------

def test_exact_toy():
    # pairs (pos, neg): 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3/4
    assert diffauroc.auroc_exact(SCORES, LABELS) == 0.75
    assert diffauroc.ExactAUROC()(SCORES, LABELS) == 0.75


@pytest.mark.parametrize("labels", [[0, 0, 1, 1], [1, 1, 0, 0], [0, 1, 0, 1], [1, 0, 0, 0, 0]])
def test_exact_all_tied_is_one_half(labels):
    assert diffauroc.auroc_exact([0.5] * len(labels), labels) == 0.5


def test_exact_perfect_reversed_and_partial_ties():
    assert diffauroc.auroc_exact([1, 2, 3, 4], [0, 0, 1, 1]) == 1.0
    assert diffauroc.auroc_exact([4, 3, 2, 1], [0, 0, 1, 1]) == 0.0
    # one positive at 1 vs negatives at 1 (tie: 1/2) and 2 (below it: 0) -> 1/4
    assert diffauroc.auroc_exact([1, 1, 2], [0, 1, 0]) == 0.25
    # positives 2 and 3, negatives 1, 2, 2: 3 beats all (3); 2 beats 1, ties two (2) -> 5/6
    assert diffauroc.auroc_exact([2, 3, 1, 2, 2], [1, 1, 0, 0, 0]) == 5 / 6


def test_exact_weighted_by_hand():
    # weight 0 drops the negative 0.4, so every remaining pair is ordered
    assert diffauroc.auroc_exact(SCORES, LABELS, weights=[1, 0, 1, 1]) == 1.0
    # weights [1, 3, 2, 1]: pairs (0.35 w2, 0.1 w1) 2, (0.8 w1, 0.1 w1) 1, (0.8 w1, 0.4 w3) 3
    # -> 6 / (W_pos 3 * W_neg 4) = 1/2
    assert diffauroc.auroc_exact(SCORES, LABELS, weights=[1, 3, 2, 1]) == 0.5
    # a tied pair counts half its weight whatever the weights
    assert diffauroc.auroc_exact([1, 1], [1, 0], weights=[2, 3]) == 0.5


def test_exact_zero_weights_do_not_change_ties():
    assert diffauroc.auroc_exact([1, 1, 1, 0], [1, 0, 0, 1], weights=[1, 1, 0, 0]) == 0.5


# ---- soft -------------------------------------------------------------------------------

@pytest.mark.parametrize("d, t", [(0.3, 1.0), (-2.0, 0.5), (5.0, 10.0), (0.0, 0.1), (1e-3, 1e-3)])
def test_soft_single_pair_by_hand(d, t):
    s_pos, s_neg = 0.25 + d, 0.25
    x = (s_pos - s_neg) / t
    sig = sigmoid(x)
    slope = sig * (1 - sig)
    value, grad, dtemperature = diffauroc.auroc_soft_grad([s_neg, s_pos], [0, 1], t)
    assert value == pytest.approx(sig, rel=1e-15, abs=1e-16)
    assert diffauroc.auroc_soft([s_neg, s_pos], [0, 1], t) == value
    assert grad[1] == pytest.approx(slope / t, rel=1e-13)
    assert grad[0] == pytest.approx(-slope / t, rel=1e-13)
    assert dtemperature == pytest.approx(-x * slope / t, rel=1e-12, abs=1e-300)


def test_soft_toy_by_hand():
    t = 0.1
    pairs = [(0.35, 0.1), (0.35, 0.4), (0.8, 0.1), (0.8, 0.4)]
    value = sum(sigmoid((p - n) / t) for p, n in pairs) / 4
    assert diffauroc.auroc_soft(SCORES, LABELS, t) == pytest.approx(value, rel=1e-15)

    def slope(p, n):
        s = sigmoid((p - n) / t)
        return s * (1 - s)

    grad = [
        -(slope(0.35, 0.1) + slope(0.8, 0.1)) / (4 * t),
        -(slope(0.35, 0.4) + slope(0.8, 0.4)) / (4 * t),
        (slope(0.35, 0.1) + slope(0.35, 0.4)) / (4 * t),
        (slope(0.8, 0.1) + slope(0.8, 0.4)) / (4 * t),
    ]
    dtemperature = -sum((p - n) / t * slope(p, n) for p, n in pairs) / (4 * t)
    got_value, got_grad, got_dtemperature = diffauroc.auroc_soft_grad(SCORES, LABELS, t)
    assert got_value == pytest.approx(value, rel=1e-15)
    np.testing.assert_allclose(got_grad, grad, rtol=1e-13)
    assert got_dtemperature == pytest.approx(dtemperature, rel=1e-13)
    # the oracle agrees with the same hand computation
    o_value, o_grad, o_dtemperature = oracle.soft(SCORES, LABELS, t)
    assert o_value == pytest.approx(value, rel=1e-15)
    np.testing.assert_allclose(o_grad, grad, rtol=1e-13)
    assert o_dtemperature == pytest.approx(dtemperature, rel=1e-13)


def test_soft_weighted_by_hand():
    t = 0.7
    w = [1.0, 3.0, 2.0, 0.5]
    pairs = [(2, 0), (2, 1), (3, 0), (3, 1)]  # (positive index, negative index)
    total = sum(w[i] * w[j] * sigmoid((SCORES[i] - SCORES[j]) / t) for i, j in pairs)
    value = total / ((w[2] + w[3]) * (w[0] + w[1]))
    assert diffauroc.auroc_soft(SCORES, LABELS, t, w) == pytest.approx(value, rel=1e-15)
    assert oracle.soft(SCORES, LABELS, t, w)[0] == pytest.approx(value, rel=1e-15)


def test_soft_all_tied():
    # every pair has x = 0: value 1/2, each positive's gradient 0.25 / (T P), each
    # negative's -0.25 / (T N), and d/dT = 0 (x sigmoid'(x) = 0)
    t = 0.4
    labels = [1, 0, 0, 1, 0]
    value, grad, dtemperature = diffauroc.auroc_soft_grad([2.5] * 5, labels, t)
    assert value == 0.5
    np.testing.assert_allclose(grad, [0.25 / (t * 2) if y else -0.25 / (t * 3) for y in labels],
                               rtol=1e-15)
    assert dtemperature == 0.0


def test_soft_limits_of_the_temperature():
    # T large: every sigmoid is ~1/2; T small: the exact AUROC (distinct scores)
    assert diffauroc.auroc_soft(SCORES, LABELS, 1e3) == pytest.approx(0.5, abs=1e-3)
    assert diffauroc.auroc_soft(SCORES, LABELS, 1e-4) == pytest.approx(0.75, abs=1e-100)


def test_soft_reference_shape_example():
    # the reference's docstring example
    value = diffauroc.DifferentiableAUROC(temperature=1.0)([0.9, 0.8, 0.1, 0.2], [1.0, 1.0, 0.0, 0.0])
    by_hand = sum(sigmoid(p - n) for p in (0.9, 0.8) for n in (0.1, 0.2)) / 4
    assert value == pytest.approx(by_hand, rel=1e-15)


# ---- the exact oracle itself ------------------------------------------------------------

def test_mann_whitney_counts_agree_with_the_definition():
    rng = np.random.default_rng(7)
    for _ in range(50):
        n = int(rng.integers(2, 60))
        scores = rng.integers(0, 6, n) / 4
        labels = rng.integers(0, 2, n)
        assert oracle.twice_mann_whitney(scores, labels)[0] == \
            oracle.twice_mann_whitney_pairs(scores, labels)
    assert oracle.twice_mann_whitney(SCORES, LABELS) == (6, 2, 2)
    assert oracle.exact_weighted_fraction(SCORES, LABELS, [1, 3, 2, 1]) == 0.5
