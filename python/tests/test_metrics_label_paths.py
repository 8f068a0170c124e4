"""The label paths of diffauroc.metrics' roc_curve and of its target-type check against
scikit-learn 1.9 (an independent implementation):

- roc_curve hands y itself (converted) to the library when y holds only 0 and 1 and 1 is
  positive, and y == pos_label otherwise: every label dtype (float64, float32, -0.0,
  integers, unsigned, bool, an (n, 1) column, a strided view), float64 and float32
  scores, with and without pos_label, each curve bit for bit equal to scikit-learn's;
- the distinct values of float labels are counted (bincount) when they are integers
  spanning fewer than 2^16 values, sorted otherwise: the target type and the classes
  (seen through the error message that lists them, and through pos_label) as
  scikit-learn's, including NaN / infinity (scikit-learn's message, to which ours adds
  the element) and non-integral labels.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

from sklearn import metrics as skm
from sklearn.utils.multiclass import type_of_target as sk_type_of_target

from diffauroc import metrics
from diffauroc._metrics_checks import target_and_classes


def bits(arrays):
    return [np.asarray(a, np.float64).tobytes() for a in arrays]


def label_variants(rng, n):
    y = (rng.random(n) < 0.4).astype(np.float64)
    negative_zero = y.copy()
    negative_zero[negative_zero == 0] = -0.0
    column = y.reshape(-1, 1)
    strided = np.repeat(y, 2)[::2]
    return {
        "float64": y, "float32": y.astype(np.float32), "-0.0": negative_zero,
        "int64": y.astype(np.int64), "int8": y.astype(np.int8), "uint16": y.astype(np.uint16),
        "bool": y.astype(bool), "column": column, "strided": strided,
        "minus-one": np.where(y == 1, 1, -1).astype(np.float64),
        "one class": np.ones(n),
    }


@pytest.mark.parametrize("score_dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [7, 300, 70_000])
def test_roc_curve_label_dtypes_equal_sklearn_bitwise(score_dtype, n):
    rng = np.random.default_rng(n)
    scores = np.round(rng.standard_normal(n), 1).astype(score_dtype)  # ties
    for name, y in label_variants(rng, n).items():
        for drop in (True, False):
            with pytest.warns() if name == "one class" else _no_warning():
                ours = metrics.roc_curve(y, scores, drop_intermediate=drop)
            with pytest.warns() if name == "one class" else _no_warning():
                theirs = skm.roc_curve(y, scores, drop_intermediate=drop)
            assert bits(ours) == bits(theirs), (name, drop)
    y = label_variants(rng, n)["float64"]
    for pos_label in (0, 1.0, np.int64(1), True):
        ours = metrics.roc_curve(y, scores, pos_label=pos_label)
        theirs = skm.roc_curve(y, scores, pos_label=pos_label)
        assert bits(ours) == bits(theirs), pos_label


class _no_warning:
    def __enter__(self):
        import warnings
        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("error")

    def __exit__(self, *exc):
        return self._catch.__exit__(*exc)


@pytest.mark.parametrize("values", [
    [0.0, 1.0], [1.0, 2.0], [-1.0, 1.0], [3.0, -7.0, 12.0], [0.0, 65535.0], [0.0, 65536.0],
    [-5e9, 5e9], [0.5, 1.0], [0.0, 1.0, 2.5], [2.0**60, 1.0], [-0.0, 1.0],
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_float_label_classes_as_sklearn(values, dtype):
    rng = np.random.default_rng(len(values))
    y = np.asarray(values, dtype=dtype)[rng.integers(0, len(values), 500)]
    y[:len(values)] = values  # every value present
    expected_type = sk_type_of_target(y)
    y_type, classes = target_and_classes(y)
    assert y_type == expected_type
    if classes is not None:
        assert classes.dtype == y.dtype
        np.testing.assert_array_equal(classes, np.unique(y))
    scores = rng.standard_normal(y.shape[0])
    if expected_type == "binary" and not set(np.unique(y).tolist()) <= {0.0, 1.0, -1.0}:
        # the message lists the classes as scikit-learn does
        with pytest.raises(ValueError) as ours:
            metrics.roc_curve(y, scores)
        with pytest.raises(ValueError) as theirs:
            skm.roc_curve(y, scores)
        assert str(ours.value) == str(theirs.value)
    elif expected_type == "binary":
        assert bits(metrics.roc_curve(y, scores)) == bits(skm.roc_curve(y, scores))
    else:
        with pytest.raises(ValueError, match=re.escape(f"{expected_type} format is not supported")):
            metrics.roc_curve(y, scores)
        with pytest.raises(ValueError, match=re.escape(f"{expected_type} format is not supported")):
            skm.roc_curve(y, scores)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nonfinite_float_labels_as_sklearn(bad):
    y = np.array([0.0, 1.0, bad, 1.0])
    scores = np.array([0.1, 0.4, 0.35, 0.8])
    with pytest.raises(ValueError) as ours:
        metrics.roc_curve(y, scores)
    with pytest.raises(ValueError) as theirs:
        skm.roc_curve(y, scores)
    # scikit-learn's message, then (ours) the first such element
    assert str(ours.value).startswith(str(theirs.value))


def _stray_label_cases(n):
    """0/1 labels with one element the 0/1 probe of roc_curve's shortcut does not sample
    (index n - 2, which for these n is not a multiple of the probe's step n >> 10), and
    what goes with it."""
    rng = np.random.default_rng(11)
    y = (rng.random(n) < 0.5).astype(np.float64)
    scores = rng.standard_normal(n)
    cases = {}
    for stray in (2.0, 0.5, -1.0, np.nan):
        bad = y.copy()
        bad[n - 2] = stray
        cases[f"label {stray}"] = (bad, scores)
    # a score that is not finite before the stray label: scikit-learn rejects y first
    bad = y.copy()
    bad[n - 2] = 2.0
    nan_score = scores.copy()
    nan_score[5] = np.nan
    cases["nan score, label 2"] = (bad, nan_score)
    nan_only = scores.copy()
    nan_only[n - 5] = np.inf
    cases["inf score"] = (y, nan_only)
    # float64 labels a float32 conversion would round to 1: not the library's to see
    near = y.copy()
    near[n - 2] = 1.0 + 2.0**-40
    cases["near 1, float32 scores"] = (near, scores.astype(np.float32))
    cases["int labels with a 3"] = (np.where(np.arange(n) == n - 2, 3, y.astype(np.int64)), scores)
    return cases


@pytest.mark.parametrize("n", [3_001, 70_001])
def test_roc_curve_shortcut_falls_back_to_sklearn_errors(n):
    """roc_curve's 0/1 shortcut (labels checked by the library) gives scikit-learn's
    exception, with its message, whenever scikit-learn's checks would fail."""
    for name, (y, scores) in _stray_label_cases(n).items():
        with pytest.raises(ValueError) as theirs:
            skm.roc_curve(y, scores)
        with pytest.raises(ValueError) as ours:
            metrics.roc_curve(y, scores)
        assert str(ours.value).startswith(str(theirs.value)), name
