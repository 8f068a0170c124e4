"""roc_auc_score's multiclass check that the score rows sum to 1 (scikit-learn:
``numpy.allclose(1, y_score.sum(axis=1))``), as ``diffauroc.metrics`` decides it: the
oracle is numpy.allclose itself on row sums that are exact in any summation order."""
import numpy as np
import pytest

from diffauroc.metrics import roc_auc_score

MESSAGE = "Target scores need to be probabilities"


def _matrix(first_row, k=3, n=9):
    """n rows of k classes summing to 1 exactly, the first replaced by ``first_row``."""
    scores = np.zeros((n, k))
    scores[np.arange(n), np.arange(n) % k] = 1.0
    scores[0] = first_row
    return scores, np.arange(n) % k


@pytest.mark.parametrize("row", [
    [1e308, 1e308, -0.5],    # finite scores whose sum overflows to +inf
    [-1e308, -1e308, 0.5],   # ... to -inf
    [1e308, 1e308, -1e308],  # overflow on the way (numpy's pairwise order: inf)
])
def test_overflowing_row_sum_is_not_close_to_one(row):
    scores, y = _matrix(row)
    with np.errstate(over="ignore"):
        assert not np.allclose(1, scores.sum(axis=1))  # what scikit-learn checks
    with pytest.raises(ValueError, match=MESSAGE):
        roc_auc_score(y, scores, multi_class="ovr")


def _boundary_values():
    """Row sums at and around both ends of allclose's tolerance |s - 1| <= 1e-8 + 1e-5|s|."""
    values = []
    for target in ((1 - 1e-8) / (1 + 1e-5), (1 + 1e-8) / (1 - 1e-5)):
        s = target
        for _ in range(4):
            values.append(s)
            s = np.nextafter(s, 1.0)
        s = target
        for _ in range(4):
            s = np.nextafter(s, 2.0 if target > 1 else 0.0)
            values.append(s)
    return values + [1.0, 0.5, 2.0, 1 + 2e-5, 1 - 2e-5]


@pytest.mark.parametrize("value", _boundary_values())
@pytest.mark.parametrize("where", [0, 4, 40_000])
def test_close_decision_is_numpy_allclose(value, where):
    # One row sums to `value` (a single nonzero element: exact in any order), the others
    # to 1; rows beyond 32768 are in a later block of the check.
    n = 50_000 if where >= 9 else 9
    scores, y = _matrix([1.0, 0.0, 0.0], n=n)
    scores[where] = [value, 0.0, 0.0]
    expected = np.allclose(1, scores.sum(axis=1))
    if expected:
        roc_auc_score(y, scores, multi_class="ovr")
    else:
        with pytest.raises(ValueError, match=MESSAGE):
            roc_auc_score(y, scores, multi_class="ovr")
