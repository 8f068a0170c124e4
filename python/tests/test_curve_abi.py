"""The C exports auroc_curve(_f32) and auroc_partial(_f32), called through ctypes
(``_lib.lib``), against scikit-learn: roc_curve's thresholds, fpr and tpr arrays bit for
bit (drop_intermediate True and False) on random tied, weighted (zeros included) float64
and float32 data, and roc_auc_score(max_fpr=m) to 1e-15 against the partial AUC's
McClish value over FPR [0, m]. No Python wrapper exists yet (issue 12 item 2); these
tests pin the ABI the wrapper will use."""
from __future__ import annotations

import ctypes
import warnings

import numpy as np
import pytest
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import roc_auc_score, roc_curve

from diffauroc import _lib

_double_p = ctypes.POINTER(ctypes.c_double)
_float_p = ctypes.POINTER(ctypes.c_float)


def _ptr(array):
    if array is None:
        return None
    return array.ctypes.data_as(_float_p if array.dtype == np.float32 else _double_p)


def c_curve(scores, labels, weights, drop, capacity=None):
    """(status, count, fpr, tpr, thresholds) from auroc_curve / auroc_curve_f32."""
    f32 = scores.dtype == np.float32
    function = _lib.lib.auroc_curve_f32 if f32 else _lib.lib.auroc_curve
    n = scores.size
    capacity = n + 1 if capacity is None else capacity
    fpr, tpr, thr = (np.full(capacity, -7.0) for _ in range(3))
    count = ctypes.c_size_t(12345)
    status = function(_ptr(scores), _ptr(labels), _ptr(weights), n, int(drop), capacity,
                      _ptr(fpr), _ptr(tpr), _ptr(thr), ctypes.byref(count))
    return status, count.value, fpr, tpr, thr


def c_partial(scores, labels, weights, axis, lower, upper):
    f32 = scores.dtype == np.float32
    function = _lib.lib.auroc_partial_f32 if f32 else _lib.lib.auroc_partial
    area, standardized = ctypes.c_double(-7.0), ctypes.c_double(-7.0)
    status = function(_ptr(scores), _ptr(labels), _ptr(weights), scores.size, axis,
                      lower, upper, ctypes.byref(area), ctypes.byref(standardized))
    return status, area.value, standardized.value


def random_case(rng, n, levels, weighting, dtype):
    labels = (rng.random(n) < rng.uniform(0.05, 0.95)).astype(dtype)
    labels[:2] = [1, 0]
    labels = rng.permutation(labels)
    if levels is None:
        scores = rng.normal(size=n)
    else:
        scores = rng.integers(0, levels, n) / 8.0 - 3.0
    scores = scores.astype(dtype)
    if weighting is None:
        weights = None
    elif weighting == "zeros":
        weights = rng.integers(0, 4, n).astype(dtype)
        weights[:2] = 1  # keep one sample of each class
    else:
        weights = np.where(rng.random(n) < 0.15, 0.0, rng.lognormal(size=n)).astype(dtype)
        weights[:2] = 1
    return scores, labels, weights


CASES = [
    pytest.param(seed, n, levels, weighting, dtype,
                 id=f"n{n}-l{levels}-w{weighting}-{np.dtype(dtype).name}-s{seed}")
    for seed, (n, levels, weighting, dtype) in enumerate(
        (n, levels, weighting, dtype)
        for n in (2, 7, 60, 1000, 20000)
        for levels in (None, 3, 40)
        for weighting in (None, "zeros", "lognormal")
        for dtype in (np.float64, np.float32)
    )
]


@pytest.mark.parametrize("seed, n, levels, weighting, dtype", CASES)
@pytest.mark.parametrize("drop", [True, False])
def test_curve_equals_sklearn_bit_for_bit(seed, n, levels, weighting, dtype, drop):
    rng = np.random.default_rng(1000 + seed)
    scores, labels, weights = random_case(rng, n, levels, weighting, dtype)
    want_fpr, want_tpr, want_thr = roc_curve(labels, scores, sample_weight=weights,
                                             drop_intermediate=drop)
    status, count, fpr, tpr, thr = c_curve(scores, labels, weights, drop)
    assert status == _lib.OK, _lib.strerror(status)
    assert count == want_fpr.size
    # bit for bit: compare the raw bytes (NaN, -0.0 and +0.0 included)
    assert fpr[:count].tobytes() == want_fpr.astype(np.float64).tobytes()
    assert tpr[:count].tobytes() == want_tpr.astype(np.float64).tobytes()
    assert thr[:count].tobytes() == want_thr.astype(np.float64).tobytes()
    assert np.all(fpr[count:] == -7.0) and np.all(thr[count:] == -7.0)
    # the count-only call agrees, and the exact capacity suffices
    status, count_only, *_ = c_curve(scores, labels, weights, drop, capacity=0)
    assert status == _lib.E_CAPACITY and count_only == 12345  # nothing written on error
    null = ctypes.c_size_t(0)
    function = _lib.lib.auroc_curve_f32 if dtype == np.float32 else _lib.lib.auroc_curve
    assert function(_ptr(scores), _ptr(labels), _ptr(weights), n, int(drop), 0,
                    None, None, None, ctypes.byref(null)) == _lib.OK
    assert null.value == count
    status, count2, fpr2, _, _ = c_curve(scores, labels, weights, drop, capacity=count)
    assert status == _lib.OK and count2 == count
    assert fpr2.tobytes() == fpr[:count].tobytes()


@pytest.mark.parametrize("drop", [True, False])
def test_one_class_curve_has_nan_rates_as_sklearn(drop):
    rng = np.random.default_rng(5)
    scores = rng.integers(0, 5, 30) / 4.0
    labels = np.ones(30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        want_fpr, want_tpr, want_thr = roc_curve(labels, scores, drop_intermediate=drop)
    status, count, fpr, tpr, thr = c_curve(scores, labels, None, drop)
    assert status == _lib.W_ONE_CLASS
    assert count == want_fpr.size
    assert np.all(np.isnan(fpr[:count])) and np.all(np.isnan(want_fpr))
    assert tpr[:count].tobytes() == want_tpr.tobytes()
    assert thr[:count].tobytes() == want_thr.tobytes()


MAX_FPR_CASES = [
    pytest.param(seed, n, levels, weighting, id=f"n{n}-l{levels}-w{weighting}-s{seed}")
    for seed, (n, levels, weighting) in enumerate(
        (n, levels, weighting)
        for n in (2, 9, 150, 5000)
        for levels in (None, 2, 17)
        for weighting in (None, "zeros", "lognormal")
    )
]


@pytest.mark.parametrize("seed, n, levels, weighting", MAX_FPR_CASES)
def test_partial_standardized_equals_sklearn_max_fpr(seed, n, levels, weighting):
    rng = np.random.default_rng(2000 + seed)
    scores, labels, weights = random_case(rng, n, levels, weighting, np.float64)
    for max_fpr in (0.05, 0.1, 1 / 3, 0.5, 0.8, 0.999):
        want = roc_auc_score(labels, scores, sample_weight=weights, max_fpr=max_fpr)
        status, area, standardized = c_partial(scores, labels, weights, _lib_axis_fpr(),
                                               0.0, max_fpr)
        assert status in (_lib.OK, _lib.W_BELOW_DIAGONAL), _lib.strerror(status)
        assert abs(standardized - want) <= 1e-15, (max_fpr, standardized, want)
        # the warning exactly when the value is below 1/2 (away from rounding at 1/2)
        if abs(want - 0.5) > 1e-12:
            assert (status == _lib.W_BELOW_DIAGONAL) == (want < 0.5)
        # float32 inputs holding the same values: the same partial AUC
        if levels is not None and weighting != "lognormal":
            s32 = scores.astype(np.float32)
            w32 = None if weights is None else weights.astype(np.float32)
            status32, area32, st32 = c_partial(s32, labels.astype(np.float32), w32,
                                               _lib_axis_fpr(), 0.0, max_fpr)
            assert status32 == status and area32 == area and st32 == standardized


def _lib_axis_fpr() -> int:
    return 0  # DIFFAUROC_AXIS_FPR (include/diffauroc.h)


def test_partial_full_range_is_the_auroc():
    rng = np.random.default_rng(9)
    scores, labels, weights = random_case(rng, 500, 11, "lognormal", np.float64)
    want = roc_auc_score(labels, scores, sample_weight=weights)
    for axis in (0, 1):
        status, area, standardized = c_partial(scores, labels, weights, axis, 0.0, 1.0)
        assert status in (_lib.OK, _lib.W_BELOW_DIAGONAL)
        assert abs(area - want) <= 1e-15 and abs(standardized - want) <= 1e-15


def test_new_status_codes_have_messages():
    assert "capacity" in _lib.strerror(_lib.E_CAPACITY)
    assert "range" in _lib.strerror(_lib.E_BAD_RANGE)
    assert "2^1022" in _lib.strerror(_lib.E_WEIGHT_SUM)
    assert "diagonal" in _lib.strerror(_lib.W_BELOW_DIAGONAL)
