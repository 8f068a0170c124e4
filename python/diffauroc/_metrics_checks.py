"""Argument checks of ``diffauroc.metrics``: scikit-learn 1.9's target types and error
messages, written from its documented behaviour (no scikit-learn code is imported or
called; scikit-learn is not a dependency).

Everything here is NumPy: it decides *what* is computed (which target type, which label
is positive, which columns) and raises scikit-learn's ``ValueError`` texts where its
tests check them; ``metrics.py`` does the computing through the library.
"""
from __future__ import annotations

from numbers import Integral, Real
from typing import Any, Optional

import numpy as np

__all__ = [
    "InvalidParameterError", "as_scores", "as_weights", "check_consistent_length",
    "check_pos_label", "column_or_1d", "encode", "target_and_classes", "type_of_target",
    "unique_labels",
]


class InvalidParameterError(ValueError, TypeError):
    """A parameter of the wrong type or value (as scikit-learn's ``InvalidParameterError``,
    which is both a ValueError and a TypeError)."""


def check_options(function: str, name: str, value: Any, options: tuple,
                  allow_none: bool) -> None:
    """``value`` must be one of the strings ``options`` (or None if ``allow_none``)."""
    if value is None and allow_none:
        return
    if isinstance(value, str) and value in options:
        return
    shown = "{" + ", ".join(repr(o) for o in options) + "}"
    tail = " or None" if allow_none else ""
    raise InvalidParameterError(
        f"The {name!r} parameter of {function} must be a str among {shown}{tail}. "
        f"Got {value!r} instead."
    )


def check_array_like(function: str, name: str, value: Any, allow_none: bool = False) -> None:
    """scikit-learn's parameter check "array-like": a sequence, an array or anything with
    ``__array__`` or ``__len__``, not a string, not a sparse matrix."""
    if value is None and allow_none:
        return
    sparse = hasattr(value, "toarray") and hasattr(value, "nnz")
    array_like = (hasattr(value, "__len__") or hasattr(value, "shape")
                  or hasattr(value, "__array__")) and not isinstance(value, (str, bytes))
    if sparse or not array_like:
        tail = " or None" if allow_none else ""
        raise InvalidParameterError(
            f"The {name!r} parameter of {function} must be an array-like{tail}. "
            f"Got {value!r} instead."
        )


def is_real(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, (bool, np.bool_))


def _nonfinite_message(array: np.ndarray, input_name: str, name: str) -> str:
    """scikit-learn's message for a NaN or infinite value, with the first such element."""
    where = ~np.isfinite(array)
    index = np.unravel_index(int(np.flatnonzero(where)[0]), array.shape)
    position = "".join(f"[{i}]" for i in index)
    value = array[index]
    prefix = f"Input {input_name} contains" if input_name else "Input contains"
    if np.isnan(value):
        head = f"{prefix} NaN."
    else:
        head = f"{prefix} infinity or a value too large for {array.dtype!r}."
    return f"{head} First non-finite element: {name}{position} = {value}"


def assert_finite(array: np.ndarray, input_name: str, name: str) -> None:
    """Raises scikit-learn's ``Input contains NaN.`` (or infinity) with the element."""
    if array.dtype.kind == "f" and array.size and not np.isfinite(array).all():
        raise ValueError(_nonfinite_message(array, input_name, name))


def as_array(value: Any) -> np.ndarray:
    """``value`` (list, tuple, ndarray, pandas Series/DataFrame, masked array) as an
    ndarray. A masked entry is an error (nothing is dropped silently)."""
    if isinstance(value, np.ma.MaskedArray):
        if np.ma.getmaskarray(value).any():
            index = int(np.flatnonzero(np.ma.getmaskarray(value))[0])
            raise ValueError(f"a masked entry (flat index {index}) is not accepted: "
                             f"remove it or give it sample_weight 0")
        value = value.data
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):
        value = value.to_numpy()  # pandas: Series, DataFrame
    return np.asarray(value)


def as_scores(function: str, value: Any, name: str = "y_score",
              input_name: str = "", check_finite: bool = True) -> np.ndarray:
    """Scores as a real ndarray of 1 or 2 dimensions (scikit-learn's
    ``check_array(y_score, ensure_2d=False)``: object arrays are converted to float64,
    strings and complex numbers refused, NaN and infinity refused)."""
    array = as_array(value)
    if array.dtype.kind in "USa":
        raise ValueError(
            "dtype='numeric' is not compatible with arrays of bytes/strings."
            "Convert your data to numeric values explicitly instead."
        )
    if array.dtype.kind == "c":
        raise ValueError("Complex data not supported\n{}\n".format(array))
    if array.dtype.kind == "O":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{function}: {name} must hold real numbers: {error}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{function}: {name} must hold real numbers; got dtype {array.dtype}")
    if array.ndim == 0:
        raise ValueError(f"Expected 2D array, got scalar array instead:\narray={array}.")
    if array.ndim > 2:
        raise ValueError(f"Found array with dim {array.ndim}, while dim <= 2 is required.")
    if array.shape[0] == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={array.shape}) while a minimum of 1 is "
            f"required."
        )
    if check_finite:
        assert_finite(array, input_name, name)
    return array


def column_or_1d(array: np.ndarray) -> np.ndarray:
    """A 1-d array, or an (n, 1) column raveled; else scikit-learn's error."""
    if array.ndim == 1:
        return array
    if array.ndim == 2 and array.shape[1] == 1:
        return array.ravel()
    raise ValueError(
        "y should be a 1d array, got an array of shape {} instead.".format(array.shape)
    )


def as_weights(value: Any, n: int) -> Optional[np.ndarray]:
    """``sample_weight`` as a 1-d float array of length n (float32 kept, other dtypes
    converted to float64), or None. NaN, infinity and an all-zero vector are refused
    with scikit-learn's messages; negative weights are refused by the library."""
    if value is None:
        return None
    array = as_array(value)
    if array.ndim == 0:
        array = np.full(n, float(array))
    array = column_or_1d(array)
    if array.dtype.kind not in "biuf":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"sample_weight must hold real numbers: {error}") from None
    if array.dtype not in (np.float32, np.float64):
        if array.dtype.kind == "f" and array.dtype.itemsize > 8:
            pass  # long double: converted (or refused) exactly by the library layer
        else:
            array = array.astype(np.float64)
    assert_finite(array, "sample_weight", "sample_weight")
    return array


def check_consistent_length(*arrays: Optional[np.ndarray]) -> None:
    lengths = [int(a.shape[0]) for a in arrays if a is not None]
    if len(set(lengths)) > 1:
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: %r" % lengths
        )


def check_nonzero_weights(weights: Optional[np.ndarray]) -> None:
    if weights is not None and weights.size and not np.any(weights != 0):
        raise ValueError("Sample weights must contain at least one non-zero number.")


# ---- labels ---------------------------------------------------------------------------

def unique_labels(y: np.ndarray) -> np.ndarray:
    """The sorted distinct values of ``y`` (any dtype; objects sorted as Python sorts
    them, None and NaN last, as scikit-learn's ``_unique``)."""
    if y.dtype.kind == "b":
        present = [v for v in (False, True) if (y == v).any()]
        return np.array(present, dtype=bool)
    if y.dtype.kind in "iu" and y.size:
        low, high = int(y.min()), int(y.max())
        if high - low < 1 << 16:  # a counting pass instead of a sort
            shifted = y - y.dtype.type(low) if low else y
            counts = np.bincount(shifted.astype(np.intp, copy=False).ravel(),
                                 minlength=high - low + 1)
            return (np.flatnonzero(counts) + low).astype(y.dtype)
    if y.dtype.kind == "O":
        values = set(y.ravel().tolist())
        has_none = None in values
        values.discard(None)
        nan = [v for v in values if isinstance(v, float) and v != v]
        values = sorted(v for v in values if not (isinstance(v, float) and v != v))
        values += nan[:1] + ([None] if has_none else [])
        return np.array(values, dtype=object)
    return np.unique(y)


def _is_integral_float(labels: np.ndarray) -> bool:
    return labels.dtype.kind == "f" and bool(np.all(labels.astype(int) == labels))


def type_of_target(y: np.ndarray, input_name: str = "") -> str:
    """scikit-learn's ``type_of_target`` classes: 'binary', 'multiclass',
    'multilabel-indicator', 'continuous', 'continuous-multioutput',
    'multiclass-multioutput' or 'unknown'."""
    return target_and_classes(y, input_name)[0]


def target_and_classes(y: np.ndarray, input_name: str = "") -> tuple:
    """(type_of_target(y), the sorted distinct values of y if they were computed, else
    None): callers reuse the classes instead of sorting y again."""
    if y.ndim == 2 and y.shape[1] > 1 and y.shape[0] > 0:
        labels = unique_labels(y) if y.dtype.kind != "O" else None
        if labels is not None and len(labels) < 3 and (
                y.dtype.kind in "biu" or _is_integral_float(labels)):
            return "multilabel-indicator", labels
    if y.size and y.ndim >= 1:
        first = y.flat[0] if y.ndim == 1 else None
        if isinstance(first, bytes) or y.dtype.kind == "S":
            raise TypeError(
                "Support for labels represented as bytes is not supported. Convert "
                "the labels to a string or integer format."
            )
    if y.ndim not in (1, 2):
        return "unknown", None
    if not min(y.shape):
        return ("binary" if y.ndim == 1 else "unknown"), None
    if y.dtype == object and not isinstance(y.flat[0], str):
        return "unknown", None
    suffix = "-multioutput" if (y.ndim == 2 and y.shape[1] > 1) else ""
    classes = None
    probe = y.flat[::max(1, y.size >> 10)] if y.dtype.kind in "fiu" else None
    if probe is not None and np.all((probe == 0) | (probe == 1)):
        # the usual labels, 0 and 1 only (as about 1024 evenly spaced samples suggest):
        # two comparisons decide it (integral and finite then), no conversion, no sort
        zeros, ones = int(np.count_nonzero(y == 0)), int(np.count_nonzero(y == 1))
        if zeros + ones == y.size:
            classes = np.array([v for v, c in ((0, zeros), (1, ones)) if c], dtype=y.dtype)
    if classes is None and y.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            integral = y.astype(np.int64)
        if np.any(y != integral):  # (compared as floats: integral converted back)
            if not np.isfinite(y).all():
                raise ValueError(_nonfinite_message(y, input_name, input_name or "y"))
            return "continuous" + suffix, None
        # every value is an integer: its distinct values by counting, not by sorting
        # (np.unique sorts the n values), when they span fewer than 2^16 integers
        low, high = int(integral.min()), int(integral.max())
        if high - low < 1 << 16:
            shifted = integral - low if low else integral
            counts = np.bincount(shifted.ravel(), minlength=high - low + 1)
            classes = (np.flatnonzero(counts) + low).astype(y.dtype)
    if classes is None:
        classes = unique_labels(y)
    if len(classes) > 2 or (y.ndim == 2 and y.shape[1] > 1):
        return "multiclass" + suffix, classes
    return "binary", classes


def check_pos_label(pos_label: Any, classes: np.ndarray) -> Any:
    """The positive label: ``pos_label``, or 1 when y_true's ``classes`` are {0, 1},
    {-1, 1} or one of them alone; else scikit-learn's error."""
    if pos_label is not None:
        return pos_label
    if classes.dtype.kind in "OUS" or classes.shape[0] > 2 or not any(
            classes.shape[0] == len(allowed) and np.all(classes == np.array(allowed))
            for allowed in ([0, 1], [-1, 1], [0], [-1], [1])):
        shown = ", ".join(repr(c) for c in classes.tolist())
        raise ValueError(
            f"y_true takes value in {{{shown}}} and pos_label is not specified: either "
            f"make y_true take value in {{0, 1}} or {{-1, 1}} or pass pos_label explicitly."
        )
    return 1


def encode(y: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """The index in ``classes`` (sorted, distinct) of every element of ``y`` (all of
    which are in ``classes``)."""
    if classes.dtype.kind in "iu" and y.dtype.kind in "iu" and classes.size and y.size:
        low, high = int(classes[0]), int(classes[-1])
        if high - low < 1 << 16 and int(y.min()) >= low and int(y.max()) <= high:
            if classes.size == high - low + 1:
                # classes low, low + 1, ..., high: the index is the value minus low (no
                # table; y itself when low is 0 and y is intp: callers only read codes)
                codes = y.astype(np.intp, copy=False)
                return codes - low if low else codes
            table = np.zeros(high - low + 1, dtype=np.intp)  # value - low -> index
            table[(classes - classes.dtype.type(low)).astype(np.intp)] = np.arange(
                classes.size)
            return table[(y - y.dtype.type(low)).astype(np.intp)]
    if classes.dtype.kind == "O" or y.dtype.kind == "O":
        index = {value: i for i, value in enumerate(classes.tolist())}
        return np.array([index[v] for v in y.tolist()], dtype=np.intp)
    return np.searchsorted(classes, y).astype(np.intp)


def check_max_fpr(max_fpr: Any) -> None:
    if max_fpr is None:
        return
    if not is_real(max_fpr) or not (0.0 < float(max_fpr) <= 1.0):
        raise InvalidParameterError(
            "The 'max_fpr' parameter of roc_auc_score must be a float in the range "
            f"(0.0, 1.0] or None. Got {max_fpr!r} instead."
        )


def check_pos_label_type(pos_label: Any) -> None:
    if pos_label is None or isinstance(pos_label, (Real, str, bool, np.bool_)):
        return
    raise InvalidParameterError(
        "The 'pos_label' parameter of roc_curve must be an instance of 'float', an "
        "instance of 'str', an instance of 'bool' or an instance of 'numpy.bool' or None. "
        f"Got {pos_label!r} instead."
    )


def check_bool(function: str, name: str, value: Any) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidParameterError(
            f"The {name!r} parameter of {function} must be an instance of 'bool' or an "
            f"instance of 'numpy.bool'. Got {value!r} instead."
        )


def is_integral(value: Any) -> bool:
    return isinstance(value, Integral)
