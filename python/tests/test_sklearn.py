"""The exact AUROC against scikit-learn's roc_auc_score (ties, weights with zeros, class
imbalance) to 1e-12, and, unweighted, bit for bit against the correctly rounded U / (P N)
from an independent integer count; weighted, against the exact rational value."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

import diffauroc
import oracle


def random_case(rng, n, positive_fraction, distinct_values):
    labels = (rng.random(n) < positive_fraction).astype(np.int64)
    labels[:2] = [1, 0]
    labels = rng.permutation(labels)
    if distinct_values is None:
        scores = rng.normal(size=n)
    else:  # heavy ties
        scores = rng.integers(0, distinct_values, n) / 8.0 - 3.0
    return scores, labels


SKLEARN_CASES = [
    pytest.param(seed, n, fraction, distinct, weighted,
                 id=f"n{n}-p{fraction}-d{distinct}-w{weighted}-s{seed}")
    for seed, (n, fraction, distinct, weighted) in enumerate(
        (n, fraction, distinct, weighted)
        for n in (2, 9, 150, 3000)
        for fraction in (0.01, 0.5, 0.95)
        for distinct in (None, 2, 17)
        for weighted in (None, "zeros", "lognormal")
    )
]


@pytest.mark.parametrize("seed, n, fraction, distinct, weighted", SKLEARN_CASES)
def test_exact_matches_sklearn(seed, n, fraction, distinct, weighted, parity):
    rng = np.random.default_rng(seed)
    scores, labels = random_case(rng, n, fraction, distinct)
    weights = None
    if weighted == "zeros":
        weights = rng.random(n) * (rng.random(n) < 0.7)
    elif weighted == "lognormal":
        weights = np.exp(2 * rng.normal(size=n))
    if weights is not None:
        positive_weight, negative_weight = weights[labels == 1].sum(), weights[labels == 0].sum()
        if positive_weight == 0 or negative_weight == 0:
            weights[np.argmax(labels == 1)] = weights[np.argmax(labels == 0)] = 1.0
    expected = roc_auc_score(labels, scores, sample_weight=weights)
    got = diffauroc.auroc_exact(scores, labels, weights)
    parity.record("sklearn roc_auc_score vs auroc_exact |error|", abs(got - expected), f"n={n} w={weighted}")
    assert abs(got - expected) <= 1e-12


@pytest.mark.parametrize("seed", range(40))
def test_unweighted_exact_is_the_correctly_rounded_ratio(seed):
    rng = np.random.default_rng(500 + seed)
    n = int(rng.choice([2, 3, 10, 101, 1000, 5000]))
    scores, labels = random_case(rng, n, rng.choice([0.05, 0.5, 0.8]),
                                 rng.choice([None, 2, 5, 300]))
    twice_u, p, q = oracle.twice_mann_whitney(scores, labels)
    assert diffauroc.auroc_exact(scores, labels) == float(Fraction(twice_u, 2 * p * q))


def test_correct_rounding_with_a_non_dyadic_pair_count():
    # P N = 21 * 13 = 273: U / (P N) is not a dyadic rational, so the result must be the
    # nearest double to it (Fraction -> float rounds correctly).
    p, q = 21, 13
    labels = np.r_[np.ones(p), np.zeros(q)]
    rng = np.random.default_rng(11)
    seen = set()
    for _ in range(300):
        scores = rng.integers(0, 40, p + q).astype(float)
        twice_u, _, _ = oracle.twice_mann_whitney(scores, labels)
        seen.add(twice_u)
        assert diffauroc.auroc_exact(scores, labels) == float(Fraction(twice_u, 2 * p * q))
    assert len(seen) > 100  # many different numerators were exercised


@pytest.mark.parametrize("seed", range(12))
def test_weighted_exact_against_exact_rationals(seed, parity):
    rng = np.random.default_rng(900 + seed)
    n = int(rng.choice([3, 40, 400]))
    scores, labels = random_case(rng, n, 0.4, rng.choice([None, 3]))
    weights = np.exp(4 * rng.normal(size=n)) * (rng.random(n) < 0.8)
    weights[np.argmax(labels == 1)] = weights[np.argmax(labels == 0)] = 1.0
    expected = oracle.exact_weighted_fraction(scores, labels, weights)
    got = diffauroc.auroc_exact(scores, labels, weights)
    error = abs(Fraction(got) - expected)
    parity.record("exact-rational weighted auroc_exact |error|", float(error), f"n={n}")
    assert error <= Fraction(1, 10**13)


def test_sklearn_agrees_on_hand_cases():
    # the toy cases of test_toy.py, against scikit-learn too
    assert roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == \
        diffauroc.auroc_exact([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75
    assert roc_auc_score([0, 1, 0, 1], [0.5] * 4) == diffauroc.auroc_exact([0.5] * 4, [0, 1, 0, 1]) == 0.5
    w = [1, 3, 2, 1]
    assert roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], sample_weight=w) == \
        diffauroc.auroc_exact([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], w)


def test_zero_weight_equals_dropping_as_in_sklearn():
    rng = np.random.default_rng(5)
    scores, labels = random_case(rng, 200, 0.3, 6)
    weights = rng.random(200) * (rng.random(200) < 0.5)
    weights[np.argmax(labels == 1)] = weights[np.argmax(labels == 0)] = 1.0
    keep = weights > 0
    dropped = diffauroc.auroc_exact(scores[keep], labels[keep], weights[keep])
    assert abs(diffauroc.auroc_exact(scores, labels, weights) - dropped) <= 1e-15
    assert abs(roc_auc_score(labels[keep], scores[keep], sample_weight=weights[keep]) - dropped) <= 1e-12
