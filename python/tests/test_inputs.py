"""Inputs that float64 cannot hold exactly, masked arrays and other things a user may pass
(issue 11, item 4: "never silently wrong").

The library computes from float64 (or float32) arrays. Integer scores beyond 2**53, and
long doubles that differ only beyond double precision, would collide or reorder when
converted; the exact AUROC depends only on the order of the scores, so it must still be
scikit-learn's answer (the package passes order keys instead), while the soft AUROC
depends on the values and must refuse them with a message naming the element. Expected
values come from scikit-learn's roc_auc_score on the same integers (it sorts them as
integers) or from hand counts, never from diffauroc.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

import diffauroc

BIG = 2**53
SOFT_CALLS = {
    "auroc_soft": lambda s, y, w=None: diffauroc.auroc_soft(s, y, 1.0, w),
    "auroc_soft_grad": lambda s, y, w=None: diffauroc.auroc_soft_grad(s, y, 1.0, w),
    "DifferentiableAUROC": lambda s, y, w=None: diffauroc.DifferentiableAUROC(1.0)(s, y),
}
EXACT_CALLS = {
    "auroc_exact": lambda s, y, w=None: diffauroc.auroc_exact(s, y, w),
    "ExactAUROC": lambda s, y, w=None: diffauroc.ExactAUROC()(s, y),
}
ALL_CALLS = {**SOFT_CALLS, **EXACT_CALLS}


# ---- integer scores beyond 2**53: the exact AUROC sees their order -----------------------

@pytest.mark.parametrize("function", EXACT_CALLS)
@pytest.mark.parametrize("dtype, scores, expected", [
    (np.int64, [BIG, BIG + 1], 1.0),            # float64 would make them a tie: 0.5
    (np.int64, [BIG + 1, BIG], 0.0),
    (np.int64, [-BIG - 1, -BIG], 1.0),
    (np.int64, [2**63 - 1, 2**63 - 2], 0.0),     # both round to 2**63 in float64
    (np.int64, [-2**63, -2**63 + 1], 1.0),
    (np.uint64, [2**64 - 1, 2**64 - 2], 0.0),    # both round to 2**64
    (np.uint64, [BIG, BIG + 1], 1.0),
])
def test_exact_integer_scores_beyond_2_53_by_hand(function, dtype, scores, expected):
    s = np.array(scores, dtype=dtype)
    assert EXACT_CALLS[function](s, [0, 1]) == expected
    assert roc_auc_score([0, 1], s) == expected  # the independent answer agrees


@pytest.mark.parametrize("dtype, low, high", [
    (np.int64, BIG - 40, BIG + 40),
    (np.int64, 2**63 - 3000, 2**63 - 1),
    (np.int64, -2**63, -2**63 + 3000),
    (np.uint64, 2**64 - 3000, 2**64 - 1),
    (np.uint64, 0, 2**64 - 1),
])
@pytest.mark.parametrize("weighted", [False, True])
def test_exact_random_large_integers_match_sklearn(dtype, low, high, weighted):
    rng = np.random.default_rng(abs(hash((low, high, weighted))) % 2**32)
    n = 2000
    s = rng.integers(low, high, size=n, dtype=dtype, endpoint=True)
    y = (rng.random(n) < 0.4).astype(np.int64)
    y[:2] = [0, 1]
    w = rng.integers(0, 5, size=n) if weighted else None
    got = diffauroc.auroc_exact(s, y, w)
    want = roc_auc_score(y, s, sample_weight=w)
    assert abs(got - want) <= 1e-15
    # the float64 conversion would not have given this answer: the test can tell
    if not weighted and low > 2**60:
        assert roc_auc_score(y, s.astype(np.float64)) != want


@pytest.mark.parametrize("dtype, base", [(np.int64, 1_700_000_000_000_000_000),
                                         (np.int64, -2**63), (np.uint64, 2**64 - 2**53 - 1)])
def test_exact_large_integers_in_a_narrow_range_match_sklearn(dtype, base):
    # a range of at most 2**53 (the offsets path): nanosecond timestamps, say
    rng = np.random.default_rng(11)
    offsets = rng.integers(0, 2**53, size=3000, endpoint=True, dtype=np.uint64)
    offsets[:3] = [0, 2**53, 1]
    s = (np.uint64(base % 2**64) + offsets).astype(dtype)
    y = (rng.random(3000) < 0.5).astype(np.int64)
    y[:3] = [0, 1, 0]
    assert abs(diffauroc.auroc_exact(s, y) - roc_auc_score(y, s)) <= 1e-15
    # neighbours 1 apart keep their order where float64 would tie them
    pair = np.array([base, base + 1], dtype=dtype)
    assert diffauroc.auroc_exact(pair, [0, 1]) == 1.0
    assert diffauroc.auroc_exact(pair, [1, 0]) == 0.0


def test_exact_integers_within_2_53_are_converted_not_ranked():
    # no order keys needed: the values themselves are exact (checked via the weights path
    # and ties: a tie at 2**53 stays a tie)
    s = np.array([BIG, BIG, -BIG, 0], dtype=np.int64)
    assert diffauroc.auroc_exact(s, [0, 1, 0, 1]) == roc_auc_score([0, 1, 0, 1], s)


# ---- the soft AUROC refuses what float64 would round -----------------------------------

@pytest.mark.parametrize("function", SOFT_CALLS)
@pytest.mark.parametrize("dtype, value", [
    (np.int64, BIG + 1), (np.int64, -BIG - 1), (np.int64, 2**63 - 1), (np.uint64, 2**64 - 1),
    (np.uint64, BIG + 3),
])
def test_soft_refuses_integer_scores_float64_cannot_hold(function, dtype, value):
    s = np.array([0, 1, value, 2], dtype=dtype)
    with pytest.raises(ValueError) as info:
        SOFT_CALLS[function](s, [0, 1, 1, 0])
    assert str(info.value).startswith(
        f"{function}: predictions[2] = {value} cannot be represented exactly as float64")


@pytest.mark.parametrize("function", SOFT_CALLS)
def test_soft_accepts_large_integers_that_float64_holds(function):
    s = np.array([0, BIG, 2**62, -2**63], dtype=np.int64)  # all exact doubles
    y = [0, 1, 1, 0]
    got = SOFT_CALLS[function](s, y)
    want = SOFT_CALLS[function](s.astype(np.float64), y)
    if isinstance(got, tuple):
        assert got[0] == want[0] and got[2] == want[2]
        np.testing.assert_array_equal(got[1], want[1])
    else:
        assert got == want


# ---- long double -------------------------------------------------------------------------

LONGDOUBLE_IS_WIDER = np.finfo(np.longdouble).nmant > 52


@pytest.mark.skipif(not LONGDOUBLE_IS_WIDER, reason="long double is double on this platform")
@pytest.mark.parametrize("function", EXACT_CALLS)
def test_exact_long_doubles_beyond_double_precision(function):
    one = np.longdouble(1)
    tiny = np.finfo(np.longdouble).eps  # 2**-63: invisible in float64
    s = np.array([one, one + tiny, one + 2 * tiny, 0.5], dtype=np.longdouble)
    assert np.unique(s.astype(np.float64)).size == 2  # float64 would tie three of them
    y = [0, 1, 1, 0]
    # every positive is above every negative: 1.0 (float64 gives 0.75)
    assert EXACT_CALLS[function](s, y) == 1.0
    assert EXACT_CALLS[function](s[::-1], y[::-1]) == 1.0
    assert EXACT_CALLS[function](s, [1, 0, 0, 1]) == 0.0


@pytest.mark.skipif(not LONGDOUBLE_IS_WIDER, reason="long double is double on this platform")
def test_exact_long_doubles_beyond_the_double_range():
    huge = np.longdouble(2) ** 2000  # finite; float64 would make it inf (an error)
    s = np.array([huge, huge * 2, -huge, np.longdouble(2) ** -1100], dtype=np.longdouble)
    # by hand: positives huge*2 and 2**-1100 (tiny, float64 would flush it to 0 and tie it
    # with nothing here); negatives huge, -huge: pairs (2h>h, 2h>-h, t<h, t>-h) -> 3/4
    assert diffauroc.auroc_exact(s, [0, 1, 0, 1]) == 0.75


@pytest.mark.skipif(not LONGDOUBLE_IS_WIDER, reason="long double is double on this platform")
def test_exact_long_double_nonfinite_is_still_an_error():
    s = np.array([1, np.nan, np.longdouble(1) + np.finfo(np.longdouble).eps], np.longdouble)
    with pytest.raises(ValueError, match=re.escape("predictions[1] = nan")):
        diffauroc.auroc_exact(s, [0, 1, 1])


@pytest.mark.skipif(not LONGDOUBLE_IS_WIDER, reason="long double is double on this platform")
@pytest.mark.parametrize("function", SOFT_CALLS)
def test_soft_refuses_long_doubles_beyond_double_precision(function):
    s = np.array([0.5, 1, 1], dtype=np.longdouble)
    s[2] += np.finfo(np.longdouble).eps
    with pytest.raises(ValueError, match=re.escape(
            f"{function}: predictions[2] = {str(s[2])} cannot be represented exactly as float64")):
        SOFT_CALLS[function](s, [0, 1, 1])
    # long doubles that are doubles are fine, and give the float64 answer
    exact = np.array([0.5, 1, 0.25], dtype=np.longdouble)
    got = SOFT_CALLS[function](exact, [0, 1, 1])
    want = SOFT_CALLS[function](exact.astype(np.float64), [0, 1, 1])
    assert (got[0] if isinstance(got, tuple) else got) == \
        (want[0] if isinstance(want, tuple) else want)


# ---- labels and weights ------------------------------------------------------------------

@pytest.mark.parametrize("function", ALL_CALLS)
@pytest.mark.parametrize("dtype, bad", [(np.int64, BIG + 1), (np.uint64, 2**64 - 1),
                                        (np.int64, 2), (np.int8, -1)])
def test_integer_label_that_is_not_0_or_1_is_named(function, dtype, bad):
    y = np.array([0, 1, bad, 1], dtype=dtype)
    with pytest.raises(ValueError) as info:
        ALL_CALLS[function]([0.1, 0.2, 0.3, 0.4], y)
    text = str(info.value)
    assert text.startswith(f"{function}: labels must be exactly 0 or 1")
    assert text.endswith(f"labels[2] = {bad}")


@pytest.mark.skipif(not LONGDOUBLE_IS_WIDER, reason="long double is double on this platform")
@pytest.mark.parametrize("function", ALL_CALLS)
def test_long_double_label_next_to_one_is_a_bad_label(function):
    y = np.array([0, 1, 1, 0], dtype=np.longdouble)
    y[1] += np.finfo(np.longdouble).eps  # rounds to 1.0 in float64: must not be hidden
    with pytest.raises(ValueError) as info:
        ALL_CALLS[function]([0.1, 0.2, 0.3, 0.4], y)
    assert str(info.value).startswith(f"{function}: labels must be exactly 0 or 1")
    assert str(info.value).endswith(f"labels[1] = {str(y[1])}")
    assert str(y[1]) == "1.0000000000000000001"  # (not "1.0", as an f-string would print)


@pytest.mark.parametrize("function", ["auroc_soft", "auroc_soft_grad", "auroc_exact"])
@pytest.mark.parametrize("dtype, value", [(np.int64, BIG + 1), (np.uint64, 2**64 - 1)])
def test_weights_float64_cannot_hold_are_refused(function, dtype, value):
    w = np.array([1, 1, value, 1], dtype=dtype)
    with pytest.raises(ValueError) as info:
        ALL_CALLS[function]([0.1, 0.2, 0.3, 0.4], [0, 1, 1, 0], w)
    assert str(info.value).startswith(
        f"{function}: weights[2] = {value} cannot be represented exactly as float64")


@pytest.mark.skipif(not LONGDOUBLE_IS_WIDER, reason="long double is double on this platform")
@pytest.mark.parametrize("function", ["auroc_soft", "auroc_soft_grad", "auroc_exact"])
def test_long_double_weight_beyond_double_precision_is_refused(function):
    w = np.ones(4, dtype=np.longdouble)
    w[3] += np.finfo(np.longdouble).eps
    with pytest.raises(ValueError) as info:
        ALL_CALLS[function]([0.1, 0.2, 0.3, 0.4], [0, 1, 1, 0], w)
    assert str(info.value).startswith(
        f"{function}: weights[3] = {str(w[3])} cannot be represented exactly as float64")


def test_large_integer_weights_that_float64_holds_are_fine():
    w = np.array([2**60, 2**60, 1, 2**61], dtype=np.int64)
    s, y = [0.1, 0.2, 0.3, 0.4], [0, 1, 1, 0]
    # by hand: (2**120 + 2**60) / ((2**60 + 1) * 3 * 2**60) = 1/3
    assert diffauroc.auroc_exact(s, y, w) == 1 / 3
    assert abs(roc_auc_score(y, s, sample_weight=w) - 1 / 3) <= 1e-15


# ---- temperature -------------------------------------------------------------------------

def test_temperature_float64_cannot_hold_is_refused():
    with pytest.raises(ValueError, match=re.escape(
            f"auroc_soft: temperature = {BIG + 1} cannot be represented exactly as float64")):
        diffauroc.auroc_soft([0.1, 0.2], [0, 1], np.int64(BIG + 1))
    if LONGDOUBLE_IS_WIDER:
        t = np.longdouble(1) + np.finfo(np.longdouble).eps
        with pytest.raises(ValueError, match="temperature = .* cannot be represented"):
            diffauroc.auroc_soft_grad([0.1, 0.2], [0, 1], t)
        with pytest.raises(ValueError, match="temperature = .* cannot be represented"):
            diffauroc.DifferentiableAUROC(t)
    assert diffauroc.auroc_soft([0.1, 0.2], [0, 1], np.int64(2**60)) == \
        diffauroc.auroc_soft([0.1, 0.2], [0, 1], 2.0**60)


# ---- Python lists with big ints ----------------------------------------------------------

@pytest.mark.parametrize("function", ALL_CALLS)
def test_list_that_numpy_would_round_is_refused(function):
    # NumPy turns [2**53 + 1, 0.5] into float64 [2**53, 0.5] without a word.
    with pytest.raises(ValueError) as info:
        ALL_CALLS[function]([0.5, BIG + 1], [0, 1])
    assert str(info.value).startswith(
        f"{function}: predictions[1] = {BIG + 1} cannot be represented exactly as float64")


def test_list_screening_neither_warns_nor_refuses_huge_floats():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (the screen's sum of squares overflows here)
        assert diffauroc.auroc_exact([1e300, -1e300, 2.0**60], [1, 0, 0]) == 1.0


def test_list_of_big_ints_that_numpy_keeps_as_integers_is_exact():
    assert diffauroc.auroc_exact([BIG, BIG + 1], [0, 1]) == 1.0  # int64 array: ranked
    assert diffauroc.auroc_exact([2**64 - 1, 2**64 - 2], [0, 1]) == 0.0  # uint64


@pytest.mark.parametrize("function", ALL_CALLS)
def test_python_ints_beyond_64_bits_are_a_type_error(function):
    with pytest.raises(TypeError, match=re.escape(
            f"{function}: predictions must hold real numbers or bools; got a object array")):
        ALL_CALLS[function]([0, 2**70], [0, 1])


# ---- masked arrays -----------------------------------------------------------------------

@pytest.mark.parametrize("function", ["auroc_soft", "auroc_soft_grad", "auroc_exact"])
@pytest.mark.parametrize("position, name", [(0, "predictions"), (1, "labels"), (2, "weights")])
def test_masked_entry_is_an_error(function, position, name):
    args = [np.array([0.1, 0.9, 0.5, 0.3]), np.array([0.0, 1.0, 0.0, 1.0]),
            np.array([1.0, 1.0, 1.0, 1.0])]
    args[position] = np.ma.masked_array(args[position], mask=[False, False, True, False])
    with pytest.raises(ValueError) as info:
        ALL_CALLS[function](*args)
    assert str(info.value).startswith(f"{function}: {name}[2] is masked")


@pytest.mark.parametrize("function", ["DifferentiableAUROC", "ExactAUROC"])
def test_masked_entry_is_an_error_for_the_classes(function):
    s = np.ma.masked_array([0.1, 0.9, 0.5], mask=[False, True, False])
    with pytest.raises(ValueError, match=re.escape(f"{function}: predictions[1] is masked")):
        ALL_CALLS[function](s, [0, 1, 0])


def test_masked_array_without_masked_entries_is_its_data():
    s = np.ma.masked_array([0.1, 0.9, 0.5, 0.3], mask=False)
    y = np.ma.masked_array([0, 1, 0, 1], mask=[False] * 4)
    w = np.ma.masked_array([1.0, 2.0, 1.0, 1.0])  # nomask
    # by hand: positives 0.9 (weight 2) and 0.3 beat negatives 0.1, 0.5 in 2 + 2 + 1 of 6
    assert diffauroc.auroc_exact(s, y, w) == 5 / 6
    assert diffauroc.auroc_soft(s, y, 0.5, w) == \
        diffauroc.auroc_soft(s.data, y.data, 0.5, w.data)


# ---- other dtypes: bool and float16 are exact ---------------------------------------------

def test_float16_and_bool_scores_match_sklearn():
    rng = np.random.default_rng(3)
    s = rng.normal(size=500).astype(np.float16)  # many ties
    y = (rng.random(500) < 0.5).astype(bool)
    w = rng.random(500).astype(np.float16)
    assert abs(diffauroc.auroc_exact(s, y, w) - roc_auc_score(y, s.astype(np.float64),
                                                               sample_weight=w.astype(np.float64))) <= 1e-15
    b = rng.random(500) < 0.3
    assert diffauroc.auroc_exact(b, y) == roc_auc_score(y, b.astype(np.float64))
