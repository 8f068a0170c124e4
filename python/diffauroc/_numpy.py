"""NumPy front end: array-likes in, Python floats and float64 arrays out.

Every function validates its arguments' *shapes and types* here (once, at the boundary)
and leaves the *values* (finite scores, labels in {0, 1}, weights >= 0, temperature > 0)
to the library, so that a bad value raises ValueError with the library's own message
(``diffauroc_strerror``), prefixed with the function's name.
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


_FLOAT64 = _EntryPoints(
    dtype=np.dtype(np.float64),
    pointer=ctypes.POINTER(ctypes.c_double),
    soft=_lib.lib.auroc_soft,
    soft_grad=_lib.lib.auroc_soft_grad,
    exact=_lib.lib.auroc_exact,
)

_FLOAT32 = _EntryPoints(
    dtype=np.dtype(np.float32),
    pointer=ctypes.POINTER(ctypes.c_float),
    soft=None,  # the soft functions compute from float64 inputs only
    soft_grad=None,
    exact=_lib.lib.auroc_exact_f32,
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
    weights also fit float32 exactly; everything else is converted to float64 (exact for
    bools, integers up to 2**53 and floats up to 64 bits) and computed by the float64
    entry points. The soft functions always compute from float64.
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


def _as_vector(function: str, name: str, value: ArrayLike) -> np.ndarray:
    """``value`` as a 1-D ndarray of a real or bool dtype (not yet converted)."""
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        kind = _KIND_NAMES.get(array.dtype.kind, "non-numeric")
        raise TypeError(
            f"{function}: {name} must hold real numbers or bools; got a {kind} array of "
            f"dtype {array.dtype}"
        )
    if array.ndim != 1:
        raise ValueError(f"{function}: {name} must be 1-D; got shape {array.shape}")
    return array


def _as_temperature(function: str, temperature: Any) -> float:
    """``temperature`` as a float. Its value (finite, > 0) is checked by the library."""
    array = np.asarray(temperature)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{function}: temperature must be a real number; got {temperature!r}")
    if array.shape != ():
        raise ValueError(
            f"{function}: temperature must be a scalar; got an array of shape {array.shape}"
        )
    return float(array)


@dataclass(frozen=True)
class _Inputs:
    entry: _EntryPoints
    predictions: np.ndarray  # contiguous, entry.dtype
    labels: np.ndarray
    weights: Optional[np.ndarray]

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

    def converted(a: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(a, dtype=entry.dtype)

    return _Inputs(entry, converted(p), converted(y), None if w is None else converted(w))


def _check_status(status: int, function: str, stacklevel: int) -> None:
    """Raises for an error status; warns for a warning status.

    ``stacklevel`` is the stack level, counted from the caller of ``_check_status``, of the
    user's code that the warning should point at.
    """
    if status == _lib.OK:
        return
    message = f"{function}: {_lib.strerror(status)}"
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
    _check_status(status, function, stacklevel + 1)
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
    _check_status(status, function, stacklevel + 1)
    return value.value, grad, dtemperature.value


def _exact(function: str, predictions: ArrayLike, labels: ArrayLike,
           weights: Optional[ArrayLike], stacklevel: int) -> float:
    inputs = _inputs(function, predictions, labels, weights, exact=True)
    value = ctypes.c_double(0.0)
    status = inputs.entry.exact(*inputs.pointers(), ctypes.byref(value))
    _check_status(status, function, stacklevel + 1)
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
        Scores, any real or bool dtype (computed in float64). Must be finite.
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
        Scores, any real or bool dtype (computed in float64). Must be finite.
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
        Scores, any real or bool dtype (computed in float64). Must be finite.
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
        No positive or no negative sample of positive weight (AUROC is undefined, as in
        scikit-learn), inputs not 1-D or of different lengths, or a bad value (the
        library's message).
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
    agrees on distinct scores only. No positive or no negative is a ValueError.

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
