"""Unweighted auroc_exact, auroc_curve, auroc_partial and their float32 twins check their scores and labels
inside the core's first (two-threaded) pass instead of in a separate pass before it, and
auroc_soft / auroc_soft_grad in the class count and score range they take anyway; only
when that check finds a bad value does the ABI's validation run, to report the first. These
tests hold that path to the header's contract with bad values at the first index, a middle
one, one in the second chunk (n >= 65,536 samples are gathered by two threads) and the
last, alone and together with other bad values:

- the status is that of the first bad sample in index order, its score checked before its
  label, as a NumPy model of the header's order computes it (independently of the library),
  and diffauroc_find_invalid names that sample;
- on an error nothing is written: not the outputs, not *out_count, not *out_value, not
  the gradient;
- a bad temperature is reported only after the samples (a bad sample wins).
"""
from __future__ import annotations

import ctypes

import numpy as np
import pytest

from diffauroc import _lib

OK, E_NONFINITE_SCORE, E_BAD_LABEL, E_BAD_TEMPERATURE, E_ONE_CLASS = 0, -2, -3, -5, -6
E_BAD_RANGE = _lib.E_BAD_RANGE
W_BELOW_DIAGONAL = _lib.W_BELOW_DIAGONAL
W_ONE_CLASS = 1


def _ptr(array):
    if array is None:
        return None
    scalar = ctypes.c_float if array.dtype == np.float32 else ctypes.c_double
    return array.ctypes.data_as(ctypes.POINTER(scalar))


def exact(scores, labels):
    function = _lib.lib.auroc_exact_f32 if scores.dtype == np.float32 else _lib.lib.auroc_exact
    out = ctypes.c_double(-7.0)
    status = function(_ptr(scores), _ptr(labels), None, scores.size, ctypes.byref(out))
    return status, out.value


def curve(scores, labels):
    function = _lib.lib.auroc_curve_f32 if scores.dtype == np.float32 else _lib.lib.auroc_curve
    n = scores.size
    outputs = [np.full(n + 1, -7.0) for _ in range(3)]
    count = ctypes.c_size_t(12345)
    status = function(_ptr(scores), _ptr(labels), None, n, 1, n + 1,
                      *(_ptr(o) for o in outputs), ctypes.byref(count))
    return status, count.value, outputs


def soft(scores, labels, temperature=0.5):
    """auroc_soft_grad (float64 only: the float32 arrays are converted by the package)."""
    n = scores.size
    value, d_temperature = ctypes.c_double(-7.0), ctypes.c_double(-7.0)
    gradient = np.full(n, -7.0)
    status = _lib.lib.auroc_soft_grad(_ptr(scores), _ptr(labels), None, n, temperature,
                                      ctypes.byref(value), _ptr(gradient), ctypes.byref(d_temperature))
    plain = ctypes.c_double(-7.0)
    status_plain = _lib.lib.auroc_soft(_ptr(scores), _ptr(labels), None, n, temperature,
                                       ctypes.byref(plain))
    assert status_plain == status
    return status, value.value, d_temperature.value, gradient, plain.value


def partial(scores, labels, lower=0.0, upper=0.3, axis=0):
    function = (_lib.lib.auroc_partial_f32 if scores.dtype == np.float32
                else _lib.lib.auroc_partial)
    area, standardized = ctypes.c_double(-7.0), ctypes.c_double(-7.0)
    status = function(_ptr(scores), _ptr(labels), None, scores.size, axis, lower, upper,
                      ctypes.byref(area), ctypes.byref(standardized))
    return status, area.value, standardized.value


def find_invalid(scores, labels):
    function = (_lib.lib.diffauroc_find_invalid_f32 if scores.dtype == np.float32
                else _lib.lib.diffauroc_find_invalid)
    index = ctypes.c_size_t(12345)
    status = function(_ptr(scores), _ptr(labels), None, scores.size, ctypes.byref(index))
    return status, index.value


def first_bad(scores, labels):
    """(status, index) the header's order of checks gives, or (None, None) when every
    sample is valid: at each index the score (finite), then the label (exactly 0 or 1)."""
    bad_score = ~np.isfinite(scores)
    bad_label = (labels != 0) & (labels != 1)
    bad = bad_score | bad_label
    if not bad.any():
        return None, None
    i = int(np.argmax(bad))
    return (E_NONFINITE_SCORE if bad_score[i] else E_BAD_LABEL), i


def cases(n, dtype):
    rng = np.random.default_rng(n)
    scores = rng.standard_normal(n).astype(dtype)
    labels = (np.arange(n) % 2).astype(dtype)
    positions = sorted({0, n // 3, n // 2 + 7 if n > 20 else n - 1, n - 1})
    out = []
    for p in positions:
        for bad_score in (np.nan, np.inf, -np.inf):
            s = scores.copy()
            s[p] = bad_score
            out.append((s, labels))
            if p > 0:  # a bad label before it
                y = labels.copy()
                y[p - 1] = 2
                out.append((s, y))
            # a bad label at the same index: the score is named
            y = labels.copy()
            y[p] = 0.5
            out.append((s, y))
        for bad_label in (2, -1, 0.5, np.nan, np.inf, 1 + 2.0**-20):
            y = labels.copy()
            y[p] = bad_label
            out.append((scores, y))
            if p + 1 < n:  # a bad score after it
                s = scores.copy()
                s[n - 1] = np.nan
                out.append((s, y))
    # valid: -0.0 labels and scores, subnormal scores
    s, y = scores.copy(), labels.copy()
    y[y == 0] = -0.0
    s[0] = -0.0
    s[-1] = np.finfo(dtype).smallest_subnormal
    out.append((s, y))
    return out


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [1, 2, 3, 1000, 65_536, 100_001])
def test_unweighted_bad_values_in_any_chunk(n, dtype):
    for scores, labels in cases(n, dtype):
        expected, index = first_bad(scores, labels)
        assert find_invalid(scores, labels) == ((expected, index) if expected else (OK, 12345))
        status, value = exact(scores, labels)
        c_status, count, outputs = curve(scores, labels)
        if expected is None:
            if dtype == np.float64:
                s_status, s_value, _, gradient, plain = soft(scores, labels)
                assert s_status in (OK, W_ONE_CLASS) and s_value == plain and s_value != -7.0
                assert not (gradient == -7.0).any()
                assert soft(scores, labels, temperature=0.0)[0] == E_BAD_TEMPERATURE
            assert status in (OK, E_ONE_CLASS)
            p_status, area, standardized = partial(scores, labels)
            assert p_status in (OK, E_ONE_CLASS, W_BELOW_DIAGONAL)
            if p_status != E_ONE_CLASS:
                assert 0 <= area <= 0.3 and standardized != -7.0
            assert partial(scores, labels, lower=0.5, upper=0.2)[0] == E_BAD_RANGE
            assert c_status in (OK, W_ONE_CLASS) and count >= 2
            continue
        assert status == expected and value == -7.0
        assert c_status == expected and count == 12345
        assert all((o == -7.0).all() for o in outputs)
        for axis in (0, 1):
            assert partial(scores, labels, axis=axis) == (expected, -7.0, -7.0)
        # a bad range or axis too: the sample is reported
        assert partial(scores, labels, lower=0.5, upper=0.2)[0] == expected
        assert partial(scores, labels, axis=7)[0] == expected
        if dtype == np.float64:
            s_status, s_value, s_dt, gradient, plain = soft(scores, labels)
            assert s_status == expected and s_value == s_dt == plain == -7.0
            assert (gradient == -7.0).all()
            # a bad temperature too: the sample is reported
            assert soft(scores, labels, temperature=float("nan"))[0] == expected


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_valid_inputs_give_the_same_answer_checked_or_not(dtype):
    """The checked path (unweighted) and the validated one (weights all 1: the same curve
    and AUROC, through the ABI's own check and the core's weighted path) agree."""
    rng = np.random.default_rng(5)
    for n in (2, 1000, 70_001):
        scores = np.round(rng.standard_normal(n), 2).astype(dtype)
        labels = (rng.random(n) < 0.4).astype(dtype)
        labels[:2] = [0, 1]
        ones = np.ones(n, dtype)
        unweighted = curve(scores, labels)
        function = _lib.lib.auroc_curve_f32 if dtype == np.float32 else _lib.lib.auroc_curve
        outputs = [np.full(n + 1, -7.0) for _ in range(3)]
        count = ctypes.c_size_t(0)
        status = function(_ptr(scores), _ptr(labels), _ptr(ones), n, 1, n + 1,
                          *(_ptr(o) for o in outputs), ctypes.byref(count))
        assert (unweighted[0], unweighted[1]) == (status, count.value) == (OK, count.value)
        k = count.value
        for a, b in zip(unweighted[2], outputs):
            assert a[:k].tobytes() == b[:k].tobytes()
        pf = _lib.lib.auroc_partial_f32 if dtype == np.float32 else _lib.lib.auroc_partial
        for axis, lower, upper in ((0, 0.0, 0.1), (1, 0.2, 0.9), (0, 0.0, 1.0)):
            area, standardized = ctypes.c_double(0.0), ctypes.c_double(0.0)
            st = pf(_ptr(scores), _ptr(labels), _ptr(ones), n, axis, lower, upper,
                    ctypes.byref(area), ctypes.byref(standardized))
            assert partial(scores, labels, lower, upper, axis) == (st, area.value, standardized.value)
        f = _lib.lib.auroc_exact_f32 if dtype == np.float32 else _lib.lib.auroc_exact
        value = ctypes.c_double(0.0)
        assert f(_ptr(scores), _ptr(labels), _ptr(ones), n, ctypes.byref(value)) == OK
        assert exact(scores, labels) == (OK, value.value)
