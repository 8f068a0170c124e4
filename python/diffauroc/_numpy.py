"""NumPy front end: array-likes in, Python floats and float64 arrays out.

Every function validates its arguments' *shapes and types* here (once, at the boundary)
and leaves the *values* (finite scores, labels in {0, 1}, weights >= 0, temperature > 0)
to the library, so that a bad value raises ValueError with the library's own message
(``diffauroc_strerror``), prefixed with the function's name and followed by the element
the library rejected (``labels[7] = 2.0``, found with ``diffauroc_find_invalid``).

Conversion is exact or refused, never rounded. The library reads float64 (or float32)
arrays; bool, float16/32/64 and integers up to 32 bits convert exactly. An int64, uint64
or long double array whose values all convert exactly is converted; otherwise:

- the exact AUROC depends only on the order of the scores, so such scores are replaced
  by order keys (their dense ranks, from ``numpy.unique``: small integers, exact in
  float64, with the same order and ties), and the result is the exact AUROC of the
  values as given (scikit-learn's answer on the same integers);
- the soft AUROC depends on the values: a score float64 cannot hold is a ValueError
  naming it (``predictions[3] = 9007199254740993 cannot be represented exactly as
  float64``), as is such a weight (any function) or temperature; a label float64 cannot
  hold is not 0 or 1, and is reported as a bad label.

A masked array with a masked entry is a ValueError naming the entry (masked entries are
not dropped silently); one without masked entries is its data. Object arrays (Python
ints beyond 64 bits included) are a TypeError; a list in which NumPy would round a
Python int to float64 (``[0.5, 2**53 + 1]``) is a ValueError naming it.
"""
from __future__ import annotations

import ctypes
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np

from . import _lib

__all__ = [
    "DifferentiableAUROC", "ExactAUROC", "OneClassWarning", "auroc_exact", "auroc_soft",
    "auroc_soft_grad",
]

ArrayLike = Any  # any real or bool array-like accepted by numpy.asarray


class OneClassWarning(RuntimeWarning):
    """The soft AUROC had no (positive, negative) pair: no positive or no negative sample
    of positive weight (n == 0 included). The value, gradient and d/dT are then 0, as in
    the reference ``DifferentiableAUROC``; the warning tells that 0 from a genuine 0.

    Turn it into an error with ``warnings.simplefilter("error", diffauroc.OneClassWarning)``
    or silence it with ``"ignore"``.
    """


# ---- dtype dispatch ---------------------------------------------------------------------

@dataclass(frozen=True)
class _EntryPoints:
    """The C functions that compute in one floating type, and that type (None where the
    library has no entry point for that type)."""

    dtype: np.dtype
    pointer: type  # ctypes pointer type of an element
    soft: Optional[Callable[..., int]]
    soft_grad: Optional[Callable[..., int]]
    exact: Callable[..., int]
    find_invalid: Callable[..., int]  # the first bad sample's status and index


_FLOAT64 = _EntryPoints(
    dtype=np.dtype(np.float64),
    pointer=ctypes.POINTER(ctypes.c_double),
    soft=_lib.lib.auroc_soft,
    soft_grad=_lib.lib.auroc_soft_grad,
    exact=_lib.lib.auroc_exact,
    find_invalid=_lib.lib.diffauroc_find_invalid,
)

_FLOAT32 = _EntryPoints(
    dtype=np.dtype(np.float32),
    pointer=ctypes.POINTER(ctypes.c_float),
    soft=None,  # the soft functions compute from float64 inputs only
    soft_grad=None,
    exact=_lib.lib.auroc_exact_f32,
    find_invalid=_lib.lib.diffauroc_find_invalid_f32,
)

# dtypes every value of which is exactly a float32, so converting labels or weights of
# these dtypes to float32 can neither hide a bad label (1 + 1e-10 would round to 1) nor
# change a weight.
_EXACT_IN_FLOAT32 = frozenset(np.dtype(t) for t in (
    np.bool_, np.int8, np.uint8, np.int16, np.uint16, np.float16, np.float32))


def _entry_points(predictions: np.ndarray, labels: np.ndarray,
                  weights: Optional[np.ndarray], exact: bool) -> _EntryPoints:
    """The C entry points that will compute for these inputs.

    float32 predictions go to ``auroc_exact_f32`` without a conversion when the labels and
    weights also fit float32 exactly; everything else is converted to float64 (exactly,
    or replaced by order keys, or refused: see ``_to_library``) and computed by the
    float64 entry points. The soft functions always compute from float64.
    """
    if (exact and predictions.dtype == np.float32 and labels.dtype in _EXACT_IN_FLOAT32
            and (weights is None or weights.dtype in _EXACT_IN_FLOAT32)):
        return _FLOAT32
    return _FLOAT64


# ---- argument checks --------------------------------------------------------------------

_KIND_NAMES = {
    "c": "complex", "O": "object", "U": "string", "S": "bytes", "V": "structured/void",
    "M": "datetime", "m": "timedelta", "T": "string",
}


_FLOAT64_INTEGER_LIMIT = 2**53  # every integer of at most this magnitude is a double


def _show(value: Any) -> str:
    """A NumPy scalar as its own dtype prints it (str: float32 0.1 is "0.1", a long double
    shows all its digits; an f-string would go through Python's float)."""
    return str(value)


def _not_exact(function: str, name: str, element: str) -> ValueError:
    return ValueError(
        f"{function}: {element} cannot be represented exactly as float64, which the "
        f"library computes in; rounding it would change the result, so it is refused "
        f"(convert {name} yourself if rounding is what you want)"
    )


def _check_list_ints(function: str, name: str, value: Any, array: np.ndarray) -> None:
    """Raises if NumPy turned a Python int of the list ``value`` into a float64 that is
    not that int (``[0.5, 2**53 + 1]`` becomes ``[0.5, 2**53]``)."""
    if array.dtype != np.float64 or array.ndim != 1 or array.size == 0:
        return
    # Only floats of magnitude >= 2**53 can be rounded ints. The sum of squares is
    # >= 2**106 if one is (one BLAS call, cheaper than abs and max; it may overflow to
    # inf, which passes); a NaN hides them, but a NaN is rejected by the library anyway.
    with np.errstate(over="ignore"):
        if not np.dot(array, array) >= float(_FLOAT64_INTEGER_LIMIT) ** 2:
            return
    for index in np.flatnonzero(np.abs(array) >= _FLOAT64_INTEGER_LIMIT):
        item = value[int(index)]
        if isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_)):
            if float(int(item)) != int(item):
                raise _not_exact(function, name, f"{name}[{index}] = {int(item)}")


def _as_vector(function: str, name: str, value: ArrayLike) -> np.ndarray:
    """``value`` as a 1-D ndarray of a real or bool dtype (not yet converted)."""
    mask = None
    if isinstance(value, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(value)
        value = value.data
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        kind = _KIND_NAMES.get(array.dtype.kind, "non-numeric")
        raise TypeError(
            f"{function}: {name} must hold real numbers or bools; got a {kind} array of "
            f"dtype {array.dtype}"
        )
    if array.ndim != 1:
        raise ValueError(f"{function}: {name} must be 1-D; got shape {array.shape}")
    if mask is not None and mask.any():
        index = int(np.flatnonzero(mask)[0])
        raise ValueError(
            f"{function}: {name}[{index}] is masked; masked entries are not dropped "
            f"silently: remove them from every argument, or pass the data and give them "
            f"weight 0"
        )
    if isinstance(value, (list, tuple)):
        _check_list_ints(function, name, value, array)
    return array


def _as_temperature(function: str, temperature: Any) -> float:
    """``temperature`` as a float. Its value (finite, > 0) is checked by the library;
    a value that float64 cannot hold (an int beyond 2**53, a long double) is refused."""
    array = np.asarray(temperature)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{function}: temperature must be a real number; got {temperature!r}")
    if array.shape != ():
        raise ValueError(
            f"{function}: temperature must be a scalar; got an array of shape {array.shape}"
        )
    t = float(array)
    wide = array.dtype.itemsize > 8 or (array.dtype.itemsize == 8 and array.dtype.kind in "iu")
    if wide and _inexact(array.reshape(1), np.array([t])) is not None:
        raise _not_exact(function, "temperature", f"temperature = {_show(array[()])}")
    return t


def _inexact(original: np.ndarray, converted: np.ndarray) -> Optional[np.ndarray]:
    """Where ``converted`` (float64) differs from ``original``: a boolean mask, or None
    when every element converted exactly. Only 64-bit integers and floats wider than
    64 bits can differ; NaN counts as converted (it is NaN in both)."""
    kind, size = original.dtype.kind, original.dtype.itemsize
    if original.size == 0 or converted.dtype != np.float64:
        return None
    if kind in "iu" and size > 4:
        if int(original.max()) <= _FLOAT64_INTEGER_LIMIT and \
                int(original.min()) >= -_FLOAT64_INTEGER_LIMIT:
            return None
        # Converting back is exact where the double is in range; 2**63 (int64) and 2**64
        # (uint64) are the roundings of values near the top, and are not in range.
        limit = 2.0**63 if kind == "i" else 2.0**64
        in_range = converted < limit
        back = np.where(in_range, converted, 0.0).astype(original.dtype)
        lossy = ~in_range | (back != original)
    elif kind == "f" and size > 8:
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            lossy = (converted.astype(original.dtype) != original) & ~np.isnan(original)
    else:
        return None
    return lossy if lossy.any() else None


def _order_keys(scores: np.ndarray) -> np.ndarray:
    """float64 keys with the order and ties of ``scores``, exact in float64.

    Integers whose range (max - min) is at most 2**53 (timestamps in nanoseconds, ids
    near a large base): their offsets from the minimum, computed modulo 2**64 in uint64
    (exact: the true offset is in [0, 2**53]), in O(n). Otherwise the dense ranks 0, 1,
    2, ... of the finite scores (a sort; fewer than 2**53 of them), NaN and infinities
    kept as they are so that the library still rejects them."""
    if scores.dtype.kind in "iu":
        low, high = int(scores.min()), int(scores.max())
        if high - low <= _FLOAT64_INTEGER_LIMIT:
            offsets = scores.astype(np.uint64) - np.uint64(low % 2**64)
            return offsets.astype(np.float64)
    finite = np.isfinite(scores)
    if finite.all():
        return np.unique(scores, return_inverse=True)[1].astype(np.float64).reshape(-1)
    with np.errstate(over="ignore", under="ignore"):
        keys = scores.astype(np.float64)
    keys[finite] = np.unique(scores[finite], return_inverse=True)[1].reshape(-1)
    return keys


def _to_library(function: str, name: str, array: np.ndarray, dtype: np.dtype,
                exact: bool, scores: Optional[bool] = None) -> np.ndarray:
    """``array`` as a contiguous array of ``dtype`` for the library, never rounded: see the
    module documentation. ``scores`` says whether ``array`` holds scores (which the exact
    functions may replace by order keys); by default, whether ``name`` is "predictions"
    (``diffauroc.metrics`` names them "y_score")."""
    given = array.dtype
    if given.itemsize < 8 or (given.itemsize == 8 and given.kind == "f"):
        return np.ascontiguousarray(array, dtype=dtype)  # converts exactly
    if given.kind == "f":
        with np.errstate(over="ignore", under="ignore"):  # _inexact reports it
            converted = np.ascontiguousarray(array, dtype=dtype)
    else:  # (np.errstate costs microseconds per call: only where it can matter)
        converted = np.ascontiguousarray(array, dtype=dtype)
    lossy = _inexact(array, converted)
    if lossy is None:
        return converted
    index = int(np.flatnonzero(lossy)[0])
    element = f"{name}[{index}] = {_show(array[index])}"
    if name == "labels":  # 0 and 1 convert exactly: this is another value
        raise ValueError(f"{function}: {_lib.strerror(_lib.E_BAD_LABEL)}: {element}")
    if (name == "predictions" if scores is None else scores) and exact:
        return _order_keys(array)
    raise _not_exact(function, name, element)


class _Inputs:
    """The arrays the library is given (contiguous, ``entry.dtype``) and, for error
    messages, the arrays as the user gave them (``given``: name -> array). A plain class
    with slots: a frozen dataclass costs microseconds per call to build."""

    __slots__ = ("entry", "predictions", "labels", "weights", "given")

    def __init__(self, entry: _EntryPoints, predictions: np.ndarray, labels: np.ndarray,
                 weights: Optional[np.ndarray], given: dict) -> None:
        self.entry = entry
        self.predictions = predictions
        self.labels = labels
        self.weights = weights
        self.given = given

    @property
    def n(self) -> int:
        return self.predictions.shape[0]

    def pointers(self) -> tuple:
        p = self.entry.pointer
        return (
            self.predictions.ctypes.data_as(p),
            self.labels.ctypes.data_as(p),
            None if self.weights is None else self.weights.ctypes.data_as(p),
            self.n,
        )

    def bad_element(self, status: int) -> str:
        """``"labels[7] = 2.0"``: the sample the library rejected with ``status``, or ""
        if diffauroc_find_invalid does not confirm it."""
        index = ctypes.c_size_t(0)
        if self.entry.find_invalid(*self.pointers(), ctypes.byref(index)) != status:
            return ""
        name = _SAMPLE_ARGUMENT.get(status)
        if name is None or self.given.get(name) is None:
            return ""
        return f"{name}[{index.value}] = {_show(self.given[name][index.value])}"


# The argument a sample status is about (diffauroc_find_invalid's statuses).
_SAMPLE_ARGUMENT = {
    _lib.E_NONFINITE_SCORE: "predictions",
    _lib.E_BAD_LABEL: "labels",
    _lib.E_BAD_WEIGHT: "weights",
}


def _inputs(function: str, predictions: ArrayLike, labels: ArrayLike,
            weights: Optional[ArrayLike], exact: bool = False) -> _Inputs:
    p = _as_vector(function, "predictions", predictions)
    y = _as_vector(function, "labels", labels)
    w = None if weights is None else _as_vector(function, "weights", weights)
    if y.shape != p.shape:
        raise ValueError(
            f"{function}: predictions and labels must have the same length; got shapes "
            f"{p.shape} and {y.shape}"
        )
    if w is not None and w.shape != p.shape:
        raise ValueError(
            f"{function}: weights must have the same length as predictions; got shapes "
            f"{w.shape} and {p.shape}"
        )
    entry = _entry_points(p, y, w, exact)
    return _Inputs(
        entry,
        _to_library(function, "predictions", p, entry.dtype, exact),
        _to_library(function, "labels", y, entry.dtype, exact),
        None if w is None else _to_library(function, "weights", w, entry.dtype, exact),
        {"predictions": p, "labels": y, "weights": w},
    )


def _check_status(status: int, function: str, stacklevel: int,
                  inputs: Optional[_Inputs] = None) -> None:
    """Raises for an error status; warns for a warning status. For a bad sample, the
    message ends with the element (``inputs`` are the arrays the library was given).

    ``stacklevel`` is the stack level, counted from the caller of ``_check_status``, of the
    user's code that the warning should point at.
    """
    if status == _lib.OK:
        return
    message = f"{function}: {_lib.strerror(status)}"
    if inputs is not None and status in _SAMPLE_ARGUMENT:
        element = inputs.bad_element(status)
        if element:
            message = f"{message}: {element}"
    if status == _lib.E_NO_MEMORY:
        raise MemoryError(message)
    if status < 0:
        raise ValueError(message)
    category = OneClassWarning if status == _lib.W_ONE_CLASS else RuntimeWarning
    warnings.warn(message, category, stacklevel=stacklevel + 1)


# ---- implementations (shared by the functions and the classes) ---------------------------
# ``stacklevel`` is the level of the user's code counted from the implementation's caller
# (2 for a public function called by the user), so that warnings point at the user's line.

def _soft(function: str, predictions: ArrayLike, labels: ArrayLike, temperature: Any,
          weights: Optional[ArrayLike], stacklevel: int) -> float:
    inputs = _inputs(function, predictions, labels, weights)
    t = _as_temperature(function, temperature)
    value = ctypes.c_double(0.0)
    status = inputs.entry.soft(*inputs.pointers(), t, ctypes.byref(value))
    _check_status(status, function, stacklevel + 1, inputs)
    return value.value


def _soft_grad(function: str, predictions: ArrayLike, labels: ArrayLike, temperature: Any,
               weights: Optional[ArrayLike], stacklevel: int) -> tuple[float, np.ndarray, float]:
    inputs = _inputs(function, predictions, labels, weights)
    t = _as_temperature(function, temperature)
    value = ctypes.c_double(0.0)
    dtemperature = ctypes.c_double(0.0)
    grad = np.zeros(inputs.n, dtype=np.float64)
    status = inputs.entry.soft_grad(
        *inputs.pointers(), t, ctypes.byref(value),
        grad.ctypes.data_as(inputs.entry.pointer), ctypes.byref(dtemperature),
    )
    _check_status(status, function, stacklevel + 1, inputs)
    return value.value, grad, dtemperature.value


def _exact(function: str, predictions: ArrayLike, labels: ArrayLike,
           weights: Optional[ArrayLike], stacklevel: int) -> float:
    inputs = _inputs(function, predictions, labels, weights, exact=True)
    value = ctypes.c_double(0.0)
    status = inputs.entry.exact(*inputs.pointers(), ctypes.byref(value))
    _check_status(status, function, stacklevel + 1, inputs)
    return value.value


# ---- public functions -------------------------------------------------------------------

def auroc_soft(predictions: ArrayLike, labels: ArrayLike, temperature: float = 1.0,
               weights: Optional[ArrayLike] = None) -> float:
    """Soft (sigmoid) AUROC: the smooth surrogate of the AUROC used as a training loss.

    With P positives, N negatives and temperature T,

        value = sum_{i: y_i=1} sum_{j: y_j=0} w_i w_j sigmoid((s_i - s_j) / T)
                / ((sum_{i: y_i=1} w_i) * (sum_{j: y_j=0} w_j)),

    which without weights is the reference ``DifferentiableAUROC``'s sum / (P * N). As
    T -> 0 it tends to the exact AUROC (on distinct scores); large T flattens it to 0.5.

    Parameters
    ----------
    predictions : array_like, shape (n,)
        Scores, any real or bool dtype (computed in float64). Must be finite. A value
        float64 cannot hold exactly (an int64 beyond 2**53, a long double) is a
        ValueError naming it, as is a masked entry.
    labels : array_like, shape (n,)
        1 for a positive, 0 for a negative; any other value (NaN included) is an error.
    temperature : float, default 1.0
        Sigmoid temperature T, finite and > 0.
    weights : array_like, shape (n,), optional
        Sample weights, finite and >= 0 (default: all 1). A sample of weight 0 is
        excluded; use it to pad. Scaling all weights by a constant changes nothing.

    Returns
    -------
    float
        The soft AUROC, in [0, 1]. 0.0 when there is no positive or no negative sample
        of positive weight (n == 0 included); a ``OneClassWarning`` is then emitted.

    Raises
    ------
    ValueError
        Inputs not 1-D or of different lengths, or a bad value: the message is the
        library's (non-finite score, label not 0 or 1, bad weight, bad temperature).
    TypeError
        Complex, string or object inputs.

    See Also
    --------
    auroc_soft_grad : the same value with its gradients.
    auroc_exact : the exact AUROC.

    Examples
    --------
    >>> import diffauroc
    >>> scores, labels = [0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]
    >>> round(diffauroc.auroc_soft(scores, labels, temperature=0.1), 6)
    0.820696
    >>> round(diffauroc.auroc_soft(scores, labels, weights=[1, 0, 1, 1]), 6)
    0.615182
    """
    return _soft("auroc_soft", predictions, labels, temperature, weights, stacklevel=2)


def auroc_soft_grad(predictions: ArrayLike, labels: ArrayLike, temperature: float = 1.0,
                    weights: Optional[ArrayLike] = None) -> tuple[float, np.ndarray, float]:
    """Soft AUROC with its gradient with respect to every score and to the temperature.

    The value is :func:`auroc_soft`'s. The gradient of a positive i is
    ``w_i / (T W_pos W_neg) * sum_j w_j sigmoid'(x_ij)`` and of a negative j
    ``-w_j / (T W_pos W_neg) * sum_i w_i sigmoid'(x_ij)`` with x_ij = (s_i - s_j) / T, so
    raising a positive's score or lowering a negative's raises the value.

    Parameters
    ----------
    predictions : array_like, shape (n,)
        Scores, any real or bool dtype (computed in float64). Must be finite. A value
        float64 cannot hold exactly (an int64 beyond 2**53, a long double) is a
        ValueError naming it, as is a masked entry.
    labels : array_like, shape (n,)
        1 for a positive, 0 for a negative; any other value (NaN included) is an error.
    temperature : float, default 1.0
        Sigmoid temperature T, finite and > 0.
    weights : array_like, shape (n,), optional
        Sample weights, finite and >= 0 (default: all 1); weight 0 excludes a sample.

    Returns
    -------
    value : float
        The soft AUROC, in [0, 1].
    grad : numpy.ndarray of float64, shape (n,)
        d value / d predictions[k] for every k; exactly 0 for samples of weight 0.
    dtemperature : float
        d value / d temperature (the reference learns T as a parameter).

    All three are 0 when there is no (positive, negative) pair, with a
    ``OneClassWarning``.

    Raises
    ------
    ValueError
        As :func:`auroc_soft`.
    TypeError
        Complex, string or object inputs.

    Examples
    --------
    >>> import diffauroc
    >>> value, grad, dT = diffauroc.auroc_soft_grad([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], 0.1)
    >>> round(value, 6), grad.round(4).tolist(), round(dT, 4)
    (0.820696, [-0.1775, -0.6317, 0.7628, 0.0464], -0.3369)
    """
    return _soft_grad("auroc_soft_grad", predictions, labels, temperature, weights,
                      stacklevel=2)


def auroc_exact(predictions: ArrayLike, labels: ArrayLike,
                weights: Optional[ArrayLike] = None) -> float:
    """Exact AUROC, as scikit-learn's ``roc_auc_score`` for binary labels.

    The area under the trapezoidal ROC curve over distinct thresholds, which equals

        sum_{i: y_i=1} sum_{j: y_j=0} w_i w_j ([s_i > s_j] + [s_i == s_j] / 2)
        / ((sum_{i: y_i=1} w_i) * (sum_{j: y_j=0} w_j)):

    a tied (positive, negative) pair counts 1/2 whatever the order of the input (unlike
    calibrax's ``roc_auc`` behind the reference ``ExactAUROC``, which gives 0 or 1 for
    all-tied scores). Without weights the result is the correctly rounded U / (P N).

    Parameters
    ----------
    predictions : array_like, shape (n,)
        Scores, any real or bool dtype. Must be finite. Integers and long doubles that
        float64 cannot hold exactly are compared exactly (by their order), so the result
        is scikit-learn's on the same values. A masked entry is a ValueError.
    labels : array_like, shape (n,)
        1 for a positive, 0 for a negative; any other value (NaN included) is an error.
    weights : array_like, shape (n,), optional
        Sample weights, finite and >= 0 (default: all 1); weight 0 excludes a sample.

    Returns
    -------
    float
        The AUROC, in [0, 1].

    Raises
    ------
    ValueError
        No positive or no negative sample of positive weight: the AUROC is undefined,
        and this function raises (by design: a nan would propagate silently). For
        scikit-learn's behaviour (nan with an ``UndefinedMetricWarning``), use
        :func:`diffauroc.metrics.roc_auc_score`. Also: inputs not 1-D or of different
        lengths, or a bad value (the library's message and the element).
    TypeError
        Complex, string or object inputs.

    Examples
    --------
    >>> import diffauroc
    >>> diffauroc.auroc_exact([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    0.75
    >>> diffauroc.auroc_exact([0.5, 0.5, 0.5, 0.5], [0, 0, 1, 1])
    0.5
    >>> diffauroc.auroc_exact([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], weights=[1, 0, 1, 1])
    1.0
    """
    return _exact("auroc_exact", predictions, labels, weights, stacklevel=2)


# ---- classes shaped like the reference (diffbio.losses.metric_losses) -------------------

class DifferentiableAUROC:
    """Soft AUROC as a callable object, shaped like the reference's ``DifferentiableAUROC``.

    A NumPy counterpart of ``diffbio.losses.metric_losses.DifferentiableAUROC`` (a Flax
    NNX module): same constructor, same call, same value, computed by the library without
    the reference's n x n matrix. Labels other than 0 and 1 are an error here (the
    reference silently drops them).

    Parameters
    ----------
    temperature : float, default 1.0
        Sigmoid temperature T, finite and > 0 (checked by the library when the object is
        made and at every call). Stored as the attribute ``temperature``, which may be
        reassigned.

    Examples
    --------
    >>> import diffauroc
    >>> auroc_loss = diffauroc.DifferentiableAUROC(temperature=1.0)
    >>> round(auroc_loss([0.9, 0.8, 0.1, 0.2], [1.0, 1.0, 0.0, 0.0]), 6)
    0.668002
    >>> auroc_loss.temperature
    1.0
    """

    def __init__(self, temperature: float = 1.0) -> None:
        t = _as_temperature("DifferentiableAUROC", temperature)
        # The library validates T: an empty input reaches the temperature check and
        # otherwise only reports "no pair", which is expected here.
        status = _FLOAT64.soft(None, None, None, 0, t, ctypes.byref(ctypes.c_double()))
        if status != _lib.W_ONE_CLASS:
            _check_status(status, "DifferentiableAUROC", 1)
        self.temperature = t

    def __call__(self, predictions: ArrayLike, labels: ArrayLike) -> float:
        """The soft AUROC of ``predictions`` against ``labels`` at ``self.temperature``.

        Parameters
        ----------
        predictions : array_like, shape (n,)
            Scores (finite).
        labels : array_like, shape (n,)
            0 or 1.

        Returns
        -------
        float
            As :func:`auroc_soft` (0.0 with a ``OneClassWarning`` when one class is
            missing, as the reference's 0).
        """
        return _soft("DifferentiableAUROC", predictions, labels, self.temperature, None,
                     stacklevel=2)

    def __repr__(self) -> str:
        return f"DifferentiableAUROC(temperature={self.temperature!r})"


class ExactAUROC:
    """Exact AUROC as a callable object, shaped like the reference's ``ExactAUROC``.

    Ties count 1/2 (scikit-learn's definition); the reference (calibrax ``roc_auc``)
    agrees on distinct scores only. No positive or no negative is a ValueError (see
    :func:`auroc_exact`; :func:`diffauroc.metrics.roc_auc_score` returns nan instead).

    Examples
    --------
    >>> import diffauroc
    >>> diffauroc.ExactAUROC()([0.9, 0.8, 0.1, 0.2], [1.0, 1.0, 0.0, 0.0])
    1.0
    """

    def __call__(self, predictions: ArrayLike, labels: ArrayLike) -> float:
        """The exact AUROC of ``predictions`` against ``labels``; see :func:`auroc_exact`.

        Parameters
        ----------
        predictions : array_like, shape (n,)
            Scores (finite).
        labels : array_like, shape (n,)
            0 or 1, with at least one of each.

        Returns
        -------
        float
            The AUROC, in [0, 1].
        """
        return _exact("ExactAUROC", predictions, labels, None, stacklevel=2)

    def __repr__(self) -> str:
        return "ExactAUROC()"
