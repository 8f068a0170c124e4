"""One test per kind of bad input, with the exact message expected.

Value errors carry the library's message for the status code that include/diffauroc.h
assigns to the failure (diffauroc_strerror), prefixed with the function's name and, for a
bad sample, followed by the element the library rejected (``labels[7] = 2.0``, found with
diffauroc_find_invalid); shape and type errors are raised by the package before the
library is called.
"""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import diffauroc
from diffauroc import _lib, _numpy

GOOD_SCORES = [0.1, 0.4, 0.35, 0.8]
GOOD_LABELS = [0, 0, 1, 1]


def message(header, code_name: str, function: str, element: str = "") -> str:
    text = f"{function}: {_lib.strerror(header.status_codes[code_name])}"
    return f"{text}: {element}" if element else text


# Every entry point, as f(scores, labels, weights) with a valid temperature.
CALLS = {
    "auroc_soft": lambda s, y, w=None: diffauroc.auroc_soft(s, y, 1.0, w),
    "auroc_soft_grad": lambda s, y, w=None: diffauroc.auroc_soft_grad(s, y, 1.0, w),
    "auroc_exact": lambda s, y, w=None: diffauroc.auroc_exact(s, y, w),
}
CLASS_CALLS = {
    "DifferentiableAUROC": lambda s, y: diffauroc.DifferentiableAUROC(0.5)(s, y),
    "ExactAUROC": lambda s, y: diffauroc.ExactAUROC()(s, y),
}
ALL_CALLS = {**CALLS, **CLASS_CALLS}


def expect_value_error(header, code_name, function, call, element=""):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value) == message(header, code_name, function, element)


# ---- scores, labels, weights ------------------------------------------------------------

@pytest.mark.parametrize("function", ALL_CALLS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nonfinite_score(header, function, bad):
    scores = [0.1, bad, 0.35, 0.8]
    expect_value_error(header, "DIFFAUROC_E_NONFINITE_SCORE", function,
                       lambda: ALL_CALLS[function](scores, GOOD_LABELS),
                       f"predictions[1] = {np.float64(bad)}")


@pytest.mark.parametrize("function", ALL_CALLS)
@pytest.mark.parametrize("bad", [2, -1, 0.5, np.nan, np.inf, 1 + 2**-52])
def test_bad_label(header, function, bad):
    labels = [0, 0, bad, 1]
    expect_value_error(header, "DIFFAUROC_E_BAD_LABEL", function,
                       lambda: ALL_CALLS[function](GOOD_SCORES, labels),
                       f"labels[2] = {np.asarray(labels)[2]}")


@pytest.mark.parametrize("function", ALL_CALLS)
def test_integer_label_two(header, function):
    expect_value_error(header, "DIFFAUROC_E_BAD_LABEL", function,
                       lambda: ALL_CALLS[function](GOOD_SCORES, np.array([0, 2, 1, 1])),
                       "labels[1] = 2")


@pytest.mark.parametrize("function", CALLS)
@pytest.mark.parametrize("bad", [-1.0, -1e-300, np.nan, np.inf, -np.inf])
def test_bad_weight(header, function, bad):
    weights = [1.0, bad, 1.0, 1.0]
    expect_value_error(header, "DIFFAUROC_E_BAD_WEIGHT", function,
                       lambda: CALLS[function](GOOD_SCORES, GOOD_LABELS, weights),
                       f"weights[1] = {np.float64(bad)}")


@pytest.mark.parametrize("function", CALLS)
def test_the_first_bad_sample_is_named_in_index_order(header, function):
    # index 1 has a bad weight, index 2 a NaN score and a bad label: index 1 is reported;
    # at one index the score is checked before the label, the label before the weight
    scores = [0.1, 0.2, np.nan, 0.4, 0.5]
    labels = [0, 1, 3, 1, 0]
    weights = [1.0, -2.0, 1.0, 1.0, 1.0]
    expect_value_error(header, "DIFFAUROC_E_BAD_WEIGHT", function,
                       lambda: CALLS[function](scores, labels, weights), "weights[1] = -2.0")
    weights[1] = 1.0
    expect_value_error(header, "DIFFAUROC_E_NONFINITE_SCORE", function,
                       lambda: CALLS[function](scores, labels, weights), "predictions[2] = nan")
    scores[2] = 0.3
    expect_value_error(header, "DIFFAUROC_E_BAD_LABEL", function,
                       lambda: CALLS[function](scores, labels, weights), "labels[2] = 3")


@pytest.mark.parametrize("kind", ["label", "score", "weight"])
def test_float32_inputs_name_the_element_in_their_own_dtype(header, kind):
    # float32 arrays go to auroc_exact_f32 (and diffauroc_find_invalid_f32)
    s = np.array([0.1, 0.2, 0.3, 0.4], np.float32)
    y = np.array([0, 1, 1, 0], np.float32)
    w = np.ones(4, np.float32)
    code, element = {
        "label": ("DIFFAUROC_E_BAD_LABEL", "labels[3] = 0.1"),
        "score": ("DIFFAUROC_E_NONFINITE_SCORE", "predictions[3] = inf"),
        "weight": ("DIFFAUROC_E_BAD_WEIGHT", "weights[3] = -0.1"),
    }[kind]
    {"label": y, "score": s, "weight": w}[kind][3] = {"label": 0.1, "score": np.inf,
                                                      "weight": -0.1}[kind]
    assert _numpy._entry_points(s, y, w, exact=True) is _numpy._FLOAT32
    expect_value_error(header, code, "auroc_exact", lambda: diffauroc.auroc_exact(s, y, w),
                       element)


def test_negative_zero_weight_and_score_are_fine():
    assert diffauroc.auroc_exact([-0.0, 0.0, 1.0], [1, 0, 1], [-0.0, 1, 1]) == 1.0
    assert diffauroc.auroc_exact([-0.0, 0.0], [1, 0]) == 0.5  # -0.0 == +0.0: a tie


# ---- temperature ------------------------------------------------------------------------

BAD_TEMPERATURES = [0.0, -0.0, -1.0, np.nan, np.inf, -np.inf]


@pytest.mark.parametrize("temperature", BAD_TEMPERATURES)
def test_bad_temperature(header, temperature):
    for function, call in [
        ("auroc_soft", lambda: diffauroc.auroc_soft(GOOD_SCORES, GOOD_LABELS, temperature)),
        ("auroc_soft_grad",
         lambda: diffauroc.auroc_soft_grad(GOOD_SCORES, GOOD_LABELS, temperature)),
        ("DifferentiableAUROC", lambda: diffauroc.DifferentiableAUROC(temperature)),
    ]:
        expect_value_error(header, "DIFFAUROC_E_BAD_TEMPERATURE", function, call)


@pytest.mark.parametrize("temperature", BAD_TEMPERATURES)
def test_bad_temperature_even_without_samples(header, temperature):
    # n == 0 has no pair, but a bad temperature is still an error, not a warning
    expect_value_error(header, "DIFFAUROC_E_BAD_TEMPERATURE", "auroc_soft",
                       lambda: diffauroc.auroc_soft([], [], temperature))


def test_bad_temperature_assigned_after_construction(header):
    loss = diffauroc.DifferentiableAUROC(1.0)
    loss.temperature = -2.0
    expect_value_error(header, "DIFFAUROC_E_BAD_TEMPERATURE", "DifferentiableAUROC",
                       lambda: loss(GOOD_SCORES, GOOD_LABELS))


def test_tiny_and_huge_temperatures_are_valid():
    value, grad, dt = diffauroc.auroc_soft_grad(GOOD_SCORES, GOOD_LABELS, 5e-324)
    assert value == 0.75 and np.all(np.isfinite(grad)) and np.isfinite(dt)
    assert diffauroc.auroc_soft(GOOD_SCORES, GOOD_LABELS, 1.7e308) == 0.5


@pytest.mark.parametrize("temperature", [1j, "1.0", None, [1.0]])
def test_temperature_of_the_wrong_type(temperature):
    error = ValueError if isinstance(temperature, list) else TypeError
    with pytest.raises(error, match=r"^auroc_soft: temperature must be a"):
        diffauroc.auroc_soft(GOOD_SCORES, GOOD_LABELS, temperature)


# ---- one class --------------------------------------------------------------------------

@pytest.mark.parametrize("function", ["auroc_exact", "ExactAUROC"])
@pytest.mark.parametrize("scores, labels, weights", [
    ([0.1, 0.2, 0.3], [1, 1, 1], None),
    ([0.1, 0.2, 0.3], [0, 0, 0], None),
    ([0.1, 0.2, 0.3], [0, 1, 1], [0, 1, 1]),  # the only negative has weight 0
    ([], [], None),
])
def test_exact_with_one_class(header, function, scores, labels, weights):
    if function == "ExactAUROC" and weights is not None:
        return  # the class takes no weights; covered by auroc_exact
    call = ALL_CALLS[function]
    args = (scores, labels) if weights is None else (scores, labels, weights)
    expect_value_error(header, "DIFFAUROC_E_ONE_CLASS", function, lambda: call(*args))


@pytest.mark.parametrize("scores, labels, weights", [
    ([0.1, 0.2, 0.3], [1, 1, 1], None),
    ([0.1, 0.2, 0.3], [0, 0, 0], None),
    ([0.1, 0.2, 0.3], [0, 1, 1], [0.0, 2.0, 1.0]),
    ([0.1, 0.2, 0.3], [0, 1, 1], [0.0, 0.0, 0.0]),
])
def test_soft_with_one_class_warns_and_returns_zeros(header, scores, labels, weights):
    expected = message(header, "DIFFAUROC_W_ONE_CLASS", "auroc_soft_grad")
    with pytest.warns(diffauroc.OneClassWarning) as record:
        value, grad, dtemperature = diffauroc.auroc_soft_grad(scores, labels, 0.5, weights)
    assert [str(w.message) for w in record] == [expected]
    assert record[0].filename == __file__  # points at the caller's line
    assert value == 0.0 and dtemperature == 0.0
    assert grad.shape == (3,) and np.all(grad == 0)

    with pytest.warns(diffauroc.OneClassWarning, match=re.escape(
            message(header, "DIFFAUROC_W_ONE_CLASS", "auroc_soft"))) as record:
        assert diffauroc.auroc_soft(scores, labels, 0.5, weights) == 0.0
    assert record[0].filename == __file__
    if weights is None:
        with pytest.warns(diffauroc.OneClassWarning) as record:
            assert diffauroc.DifferentiableAUROC()(scores, labels) == 0.0
        assert record[0].filename == __file__


def test_soft_one_class_warning_can_be_an_error():
    with warnings.catch_warnings():
        warnings.simplefilter("error", diffauroc.OneClassWarning)
        with pytest.raises(diffauroc.OneClassWarning):
            diffauroc.auroc_soft([1.0], [1])


def test_empty_input(header):
    with pytest.warns(diffauroc.OneClassWarning):
        assert diffauroc.auroc_soft([], []) == 0.0
    with pytest.warns(diffauroc.OneClassWarning):
        value, grad, dtemperature = diffauroc.auroc_soft_grad(np.empty(0), np.empty(0))
    assert (value, dtemperature) == (0.0, 0.0)
    assert grad.shape == (0,) and grad.dtype == np.float64
    expect_value_error(header, "DIFFAUROC_E_ONE_CLASS", "auroc_exact",
                       lambda: diffauroc.auroc_exact([], [], []))


def test_no_warning_when_there_is_a_pair():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        diffauroc.auroc_soft_grad(GOOD_SCORES, GOOD_LABELS)
        diffauroc.auroc_soft([1.0, 0.0], [1, 0])


# ---- shapes and types (checked by the package) ------------------------------------------

@pytest.mark.parametrize("function", ALL_CALLS)
def test_length_mismatch(function):
    with pytest.raises(ValueError) as info:
        ALL_CALLS[function]([0.1, 0.2, 0.3], [0, 1])
    assert str(info.value) == (f"{function}: predictions and labels must have the same "
                               "length; got shapes (3,) and (2,)")


@pytest.mark.parametrize("function", CALLS)
def test_weights_length_mismatch(function):
    with pytest.raises(ValueError) as info:
        CALLS[function]([0.1, 0.2, 0.3], [0, 1, 1], [1.0, 1.0])
    assert str(info.value) == (f"{function}: weights must have the same length as "
                               "predictions; got shapes (2,) and (3,)")


@pytest.mark.parametrize("function", ALL_CALLS)
def test_two_dimensional_predictions(function):
    with pytest.raises(ValueError) as info:
        ALL_CALLS[function]([[0.1, 0.2], [0.3, 0.4]], [0, 1, 0, 1])
    assert str(info.value) == f"{function}: predictions must be 1-D; got shape (2, 2)"


@pytest.mark.parametrize("function", CALLS)
def test_two_dimensional_labels_and_weights(function):
    with pytest.raises(ValueError, match=re.escape(f"{function}: labels must be 1-D; got shape (2, 1)")):
        CALLS[function]([0.1, 0.2], [[0], [1]])
    with pytest.raises(ValueError, match=re.escape(f"{function}: weights must be 1-D; got shape (1, 2)")):
        CALLS[function]([0.1, 0.2], [0, 1], [[1.0, 1.0]])


def test_scalar_input():
    with pytest.raises(ValueError, match=re.escape("auroc_exact: predictions must be 1-D; got shape ()")):
        diffauroc.auroc_exact(0.5, [1])


@pytest.mark.parametrize("function", CALLS)
@pytest.mark.parametrize("bad, kind", [
    (np.array([0.1, 0.2, 0.3, 0.4]) + 0j, "complex"),
    (["a", "b", "c", "d"], "string"),
    (np.array([0.1, None, 0.3, 0.4], dtype=object), "object"),
    (np.array([0.1, 0.2, 0.3, 0.4], dtype=object), "object"),
    (np.array(["2020-01-01"] * 4, dtype="datetime64[D]"), "datetime"),
])
def test_non_real_dtypes(function, bad, kind):
    dtype = np.asarray(bad).dtype
    for position, name in enumerate(["predictions", "labels", "weights"]):
        args = [GOOD_SCORES, GOOD_LABELS, None]
        args[position] = bad
        with pytest.raises(TypeError) as info:
            CALLS[function](*args)
        assert str(info.value) == (f"{function}: {name} must hold real numbers or bools; "
                                   f"got a {kind} array of dtype {dtype}")


# ---- status mapping ---------------------------------------------------------------------

def test_no_memory_status_is_a_memory_error(header):
    code = header.status_codes["DIFFAUROC_E_NO_MEMORY"]
    with pytest.raises(MemoryError, match=re.escape(f"f: {_lib.strerror(code)}")):
        _numpy._check_status(code, "f", 1)


@pytest.mark.parametrize("name", ["DIFFAUROC_E_NULL_POINTER", "DIFFAUROC_E_TOO_LARGE"])
def test_other_error_statuses_are_value_errors(header, name):
    code = header.status_codes[name]
    with pytest.raises(ValueError) as info:
        _numpy._check_status(code, "f", 1)
    assert str(info.value) == f"f: {_lib.strerror(code)}"


def test_unknown_warning_status_is_a_runtime_warning():
    with pytest.warns(RuntimeWarning, match="unknown diffauroc status code") as record:
        _numpy._check_status(99, "f", 1)
    assert not isinstance(record[0].message, diffauroc.OneClassWarning)
