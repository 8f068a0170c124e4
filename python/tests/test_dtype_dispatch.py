"""Which C entry point the NumPy functions call, by dtype (issue 4: float32 arrays go to
auroc_exact_f32 without conversion), and that the choice never changes a result or hides
a bad label."""
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

import diffauroc
from diffauroc import _numpy


def chosen(predictions, labels, weights=None):
    p, y = np.asarray(predictions), np.asarray(labels)
    w = None if weights is None else np.asarray(weights)
    return _numpy._entry_points(p, y, w, exact=True)


def test_float32_inputs_use_the_float32_entry_point():
    s = np.zeros(3, np.float32)
    assert chosen(s, np.array([0, 1, 1], np.float32)) is _numpy._FLOAT32
    assert chosen(s, np.array([0, 1, 1], bool), np.ones(3, np.float32)) is _numpy._FLOAT32
    assert chosen(s, np.array([0, 1, 1], np.uint8)) is _numpy._FLOAT32


def test_inputs_that_do_not_fit_float32_exactly_use_float64():
    s32 = np.zeros(3, np.float32)
    assert chosen(np.zeros(3), np.array([0, 1, 1.0])) is _numpy._FLOAT64
    assert chosen(s32, np.array([0, 1, 1.0])) is _numpy._FLOAT64          # float64 labels
    assert chosen(s32, np.array([0, 1, 1], np.int64)) is _numpy._FLOAT64  # int64 labels
    assert chosen(s32, np.array([0, 1, 1], np.float32), np.ones(3)) is _numpy._FLOAT64
    # the soft functions always compute from float64
    assert _numpy._entry_points(s32, s32, None, exact=False) is _numpy._FLOAT64


def test_float64_label_near_one_is_still_rejected_with_float32_scores():
    # 1 + 1e-10 rounds to 1.0 in float32: converting it would hide the bad label.
    with pytest.raises(ValueError, match="labels must be exactly 0 or 1"):
        diffauroc.auroc_exact(np.array([0.1, 0.2], np.float32), np.array([0.0, 1 + 1e-10]))


@pytest.mark.parametrize("weighted", [False, True])
def test_float32_path_matches_sklearn_on_the_same_values(weighted):
    rng = np.random.default_rng(7)
    n = 50_000
    s = np.round(rng.normal(size=n), 2).astype(np.float32)  # heavy ties
    y = (rng.random(n) < 0.3).astype(np.float32)
    w = rng.random(n).astype(np.float32) if weighted else None
    got = diffauroc.auroc_exact(s, y, weights=w)
    want = roc_auc_score(y.astype(np.float64), s.astype(np.float64),
                         sample_weight=None if w is None else w.astype(np.float64))
    assert abs(got - want) <= 1e-12
    # and the float64 path on the upcast values agrees to rounding
    up = diffauroc.auroc_exact(s.astype(np.float64), y.astype(np.float64),
                               weights=None if w is None else w.astype(np.float64))
    assert abs(got - up) <= 1e-13
