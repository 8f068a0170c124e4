"""scikit-learn's ROC metrics, computed by libdiffauroc: drop-in replacements for
``sklearn.metrics.roc_auc_score`` and ``sklearn.metrics.roc_curve``, and a partial AUC
over an FPR or a TPR range.

    roc_curve(y_true, y_score, *, pos_label=None, sample_weight=None,
              drop_intermediate=True) -> (fpr, tpr, thresholds)
    roc_auc_score(y_true, y_score, *, average="macro", sample_weight=None, max_fpr=None,
                  multi_class="raise", labels=None) -> float or ndarray
    partial_auc(y_true, y_score, *, fpr_range=None, tpr_range=None, standardized=False,
                sample_weight=None) -> float

Same arguments, same results, same warnings and (where scikit-learn's tests check them)
the same error messages as scikit-learn 1.9.1, so that switching is a change of import::

    from diffauroc.metrics import roc_auc_score, roc_curve

scikit-learn is not needed: nothing here imports or calls its code (its warning class is
reused when it is installed, see :class:`UndefinedMetricWarning`).

How the results compare with scikit-learn's:

- ``roc_curve``: the three arrays are scikit-learn's bit for bit (the library's
  ``auroc_curve``: same float64 cumulative sums in the same order, same dropped points).
- ``roc_auc_score``: without weights the exact AUROC, the correctly rounded U / (P N)
  (scikit-learn's trapezoid sum may differ from it in the last bits); with weights and
  with ``max_fpr`` within a few ulps of the exact area of scikit-learn's curve.
- Differences by design: a negative sample weight is a ValueError naming it (scikit-learn
  computes a meaningless curve, or nan); a value float64 cannot hold (an int64 score
  beyond 2**53) is ranked exactly, as scikit-learn ranks it.

Multi-column targets are one library call: one-vs-rest (``auroc_exact_ovr``: the
class of each sample, no n x k indicator), one-vs-one (``auroc_exact_ovo``) and the
multilabel averages (``auroc_exact_columns``, ``auroc_partial_columns`` for max_fpr) read
the score matrix in place through its strides (C or Fortran order, slices).

One class (no positive or no negative in ``y_true``): ``roc_auc_score`` and
``partial_auc`` return nan with an :class:`UndefinedMetricWarning`, ``roc_curve`` returns
nan rates for the absent class with that warning, as scikit-learn 1.9 does.
(``diffauroc.auroc_exact`` raises instead.)
"""
from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
import warnings
from numbers import Real
from typing import Any, Optional, Union

import numpy as np

from . import _lib, _numpy
from ._metrics_checks import (
    InvalidParameterError,
    as_array,
    as_scores,
    as_weights,
    assert_finite,
    check_array_like,
    check_bool,
    check_consistent_length,
    check_max_fpr,
    check_nonzero_weights,
    check_options,
    check_pos_label,
    check_pos_label_type,
    column_or_1d,
    encode,
    target_and_classes,
    is_real,
    type_of_target,
    unique_labels,
)

__all__ = ["InvalidParameterError", "UndefinedMetricWarning", "partial_auc",
           "roc_auc_score", "roc_curve"]


def _warning_base() -> type:
    """scikit-learn's UndefinedMetricWarning when scikit-learn is installed (importing
    ``sklearn.exceptions`` runs no metric code), else UserWarning (its base class)."""
    try:
        found = importlib.util.find_spec("sklearn") is not None
    except (ImportError, ValueError):
        found = False
    if found:
        try:
            from sklearn.exceptions import UndefinedMetricWarning as base
            return base
        except Exception:  # a broken installation: fall back
            pass
    return UserWarning


class UndefinedMetricWarning(_warning_base()):
    """A metric is undefined for the input (one class only); the value returned is nan.

    A subclass of scikit-learn's ``sklearn.exceptions.UndefinedMetricWarning`` when
    scikit-learn is installed (so ``pytest.warns(sklearn.exceptions.UndefinedMetricWarning)``
    and warning filters written for scikit-learn catch it), else of ``UserWarning`` (the
    base of scikit-learn's class).
    """


_ONE_CLASS = "Only one class is present in y_true. ROC AUC score is not defined in that case."
_NO_NEGATIVE = "No negative samples in y_true, false positive value should be meaningless"
_NO_POSITIVE = "No positive samples in y_true, true positive value should be meaningless"
_AVERAGES = ("micro", "macro", "samples", "weighted")


def _warn(message: str) -> None:
    """An UndefinedMetricWarning attributed to the first caller outside the diffauroc
    package (the user's line, however deep the metric's helpers are)."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 2  # stacklevel 2: the caller of _warn
    while frame is not None and os.path.dirname(
            os.path.abspath(frame.f_code.co_filename)) == package:
        frame, level = frame.f_back, level + 1
    warnings.warn(message, UndefinedMetricWarning, stacklevel=level)


# ---- the library's arrays -------------------------------------------------------------

class _Prepared:
    """Scores, labels (0/1) and weights as the library reads them, and the entry points
    of their type. ``scores`` may be a matrix in Fortran order (columns contiguous)."""

    __slots__ = ("entry", "scores", "weights")

    def __init__(self, function: str, scores: np.ndarray, weights: Optional[np.ndarray],
                 labels_fit_f32: bool = True) -> None:
        flat = scores.ravel(order="F")
        probe_labels = np.zeros(0, bool) if labels_fit_f32 else np.zeros(0, np.float64)
        entry = _numpy._entry_points(flat, probe_labels, weights, exact=True)
        # order keys (int64 beyond 2**53, long double) replace scores that float64
        # cannot hold: the AUROC depends on their order only
        converted = _numpy._to_library(function, "y_score", flat, entry.dtype, True,
                                       scores=True)
        self.entry = entry
        self.scores = converted.reshape(scores.shape, order="F")
        self.weights = None if weights is None else _numpy._to_library(
            function, "sample_weight", weights, entry.dtype, True, scores=False)

    def labels(self, positive: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(positive, dtype=self.entry.dtype)

    def pointer(self, array: Optional[np.ndarray]):
        return None if array is None else array.ctypes.data_as(self.entry.pointer)


def _raise_status(function: str, status: int, prepared: _Prepared, scores: np.ndarray,
                  labels: np.ndarray, given_weights: Optional[np.ndarray]) -> None:
    """Raises for an error status with the library's message and the element."""
    message = f"{function}: {_lib.strerror(status)}"
    if status == _lib.E_BAD_WEIGHT and given_weights is not None:
        index = ctypes.c_size_t(0)
        found = prepared.entry.find_invalid(
            prepared.pointer(scores), prepared.pointer(labels),
            prepared.pointer(prepared.weights), scores.shape[0], ctypes.byref(index))
        if found == status:
            message += f": sample_weight[{index.value}] = {given_weights[index.value]}"
    if status == _lib.E_NO_MEMORY:
        raise MemoryError(message)
    raise ValueError(message)


def _binary_value(function: str, prepared: _Prepared, scores: np.ndarray,
                  positive: np.ndarray, given_weights: Optional[np.ndarray],
                  max_fpr: Optional[float]) -> float:
    """AUROC (max_fpr None or 1) or McClish's standardized partial AUC over FPR
    [0, max_fpr] of one score column; nan with scikit-learn's roc_curve warning when a
    class has weight 0 in total."""
    labels = prepared.labels(positive)
    scores = np.ascontiguousarray(scores)
    value = ctypes.c_double(0.0)
    args = (prepared.pointer(scores), prepared.pointer(labels),
            prepared.pointer(prepared.weights), scores.shape[0])
    if max_fpr is None or max_fpr == 1:
        exact = prepared.entry.exact
        status = exact(*args, ctypes.byref(value))
    else:
        partial = _lib.lib.auroc_partial_f32 if prepared.entry is _numpy._FLOAT32 \
            else _lib.lib.auroc_partial
        area = ctypes.c_double(0.0)
        status = partial(*args, 0, 0.0, float(max_fpr), ctypes.byref(area), None)
        if status == _lib.OK:  # below the diagonal too: scikit-learn returns the formula
            value.value = _mcclish(area.value, 0, 0.0, float(max_fpr))
    if status == _lib.E_ONE_CLASS:  # both labels present, one of weight 0 only
        absent_positive = prepared.weights is None or not np.any(
            prepared.weights[positive.astype(bool)] > 0)
        _warn(_NO_POSITIVE if absent_positive else _NO_NEGATIVE)
        return float("nan")
    if status != _lib.OK:
        _raise_status(function, status, prepared, scores, labels, given_weights)
    return value.value


def _mcclish(area: float, axis: int, lower: float, upper: float) -> float:
    """McClish's standardization of a partial area, evaluated as scikit-learn evaluates it
    for max_fpr (``0.5 * (1 + (area - min) / (max - min))``), so that the same area gives
    the same bits: max = upper - lower, min the diagonal's area over the range."""
    width = upper - lower
    if axis == 0:
        minimum = 0.5 * upper**2 if lower == 0 else 0.5 * width * (lower + upper)
    else:
        minimum = 0.5 * width * (2.0 - lower - upper)
    return 0.5 * (1 + (area - minimum) / (width - minimum))


# ---- many columns in one call -----------------------------------------------------------

def _column_export(name: str, f32: bool):
    """The library's many-column export ``name`` (``_f32`` variant if ``f32``), or None
    when this build of the package does not declare it (then a loop over the
    single-column exports computes the same values)."""
    full = name + ("_f32" if f32 else "")
    return getattr(_lib.lib, full) if full in _lib.SIGNATURES else None


class _Matrix:
    """An (n, k) score matrix as the library's column exports read it: ``array`` of the
    entry points' dtype (not copied when it already is one, whatever its strides), and
    its strides in elements; ``weights`` converted alike."""

    __slots__ = ("entry", "array", "sample_stride", "column_stride", "weights")

    def __init__(self, function: str, scores: np.ndarray, weights: Optional[np.ndarray],
                 labels_fit_f32: bool = True) -> None:
        probe = np.zeros(0, bool) if labels_fit_f32 else np.zeros(0, np.float64)
        entry = _numpy._entry_points(scores, probe, weights, exact=True)
        if scores.dtype != entry.dtype:
            if scores.dtype.itemsize < 8 or scores.dtype.kind == "f" and \
                    scores.dtype.itemsize == 8:
                scores = scores.astype(entry.dtype)  # exact
            else:  # int64 / uint64 / long double: exact or order keys
                scores = _numpy._to_library(function, "y_score", scores.ravel(),
                                            entry.dtype, True, scores=True
                                            ).reshape(scores.shape)
        item = scores.itemsize
        strides = scores.strides
        if min(strides) < 0 or any(stride % item for stride in strides):
            scores = np.ascontiguousarray(scores)
            strides = scores.strides
        self.entry = entry
        self.array = scores
        self.sample_stride, self.column_stride = (stride // item for stride in strides)
        self.weights = None if weights is None else _numpy._to_library(
            function, "sample_weight", weights, entry.dtype, True, scores=False)

    @property
    def f32(self) -> bool:
        return self.entry is _numpy._FLOAT32

    def pointer(self, array: Optional[np.ndarray]):
        return None if array is None else array.ctypes.data_as(self.entry.pointer)

    def head(self) -> tuple:
        """(scores pointer, n, k, sample stride, column stride)"""
        n, k = self.array.shape
        return (self.pointer(self.array), n, k, self.sample_stride, self.column_stride)


def _column_error(function: str, status: int, weights: Optional[np.ndarray]) -> None:
    """Raises for an input error of a column export (the element named for a weight)."""
    message = f"{function}: {_lib.strerror(status)}"
    if status == _lib.E_BAD_WEIGHT and weights is not None:
        bad = np.flatnonzero(~(weights >= 0) | ~np.isfinite(weights))
        if bad.size:
            message += f": sample_weight[{bad[0]}] = {weights[bad[0]]}"
    if status == _lib.E_NO_MEMORY:
        raise MemoryError(message)
    raise ValueError(message)


def _finish_columns(values: np.ndarray, statuses: np.ndarray, both: np.ndarray,
                    present_positive: Optional[np.ndarray]) -> np.ndarray:
    """nan and scikit-learn's warning for every column the library could not compute:
    one label value (``both`` false), or a class of zero total weight only."""
    for j in np.flatnonzero(statuses == _lib.E_ONE_CLASS):
        if not both[j]:
            _warn(_ONE_CLASS)
        else:
            no_positive = present_positive is not None and not present_positive[j]
            _warn(_NO_POSITIVE if no_positive else _NO_NEGATIVE)
        values[j] = np.nan
    return values


# ---- roc_curve ------------------------------------------------------------------------

def roc_curve(y_true: Any, y_score: Any, *, pos_label: Any = None,
              sample_weight: Any = None, drop_intermediate: bool = True):
    """Receiver operating characteristic (ROC) curve, as scikit-learn's ``roc_curve``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels. Labels other than {0, 1} or {-1, 1} need ``pos_label``.
    y_score : array-like of shape (n_samples,)
        Scores (probabilities or decision values): higher means more positive. Finite.
    pos_label : int, float, bool or str, default=None
        The positive label; None means 1 for labels in {0, 1} or {-1, 1}.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights, finite and >= 0 (a negative weight is a ValueError naming it); samples
        of weight 0 are dropped.
    drop_intermediate : bool, default=True
        Drop the points collinear with their neighbours (scikit-learn's rule: both
        cumulative counts have zero second difference).

    Returns
    -------
    fpr, tpr : ndarray of float64, shape (>2,)
        Increasing false and true positive rates; ``fpr[i]`` and ``tpr[i]`` are those of
        the predictions ``y_score >= thresholds[i]``.
    thresholds : ndarray of float64
        ``inf``, then the distinct scores kept, decreasing.

    The three arrays equal scikit-learn 1.9's bit for bit. With no negative (positive)
    sample, fpr (tpr) is all nan and an :class:`UndefinedMetricWarning` is emitted.

    Examples
    --------
    >>> from diffauroc.metrics import roc_curve
    >>> fpr, tpr, thresholds = roc_curve([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8], pos_label=2)
    >>> fpr.tolist(), tpr.tolist(), thresholds.tolist()
    ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0], [inf, 0.8, 0.4, 0.35, 0.1])
    """
    function = "roc_curve"
    check_array_like(function, "y_true", y_true)
    check_array_like(function, "y_score", y_score)
    check_pos_label_type(pos_label)
    check_array_like(function, "sample_weight", sample_weight, allow_none=True)
    check_bool(function, "drop_intermediate", drop_intermediate)
    y = as_array(y_true)
    if sample_weight is None:
        fast = _zero_one_curve(function, y, as_array(y_score), pos_label, bool(drop_intermediate))
        if fast is not None:
            return fast
    y_type, classes = target_and_classes(y, "y_true")
    if not (y_type == "binary" or (y_type == "multiclass" and pos_label is not None)):
        raise ValueError(f"{y_type} format is not supported")
    if pos_label is None and classes is None:
        classes = unique_labels(y)
    pos = check_pos_label(pos_label, classes)
    scores = as_array(y_score)
    weights = None if sample_weight is None else as_array(sample_weight)
    check_consistent_length(y, scores, weights)
    y = column_or_1d(y)
    # y itself, converted, is the library's 0/1 label vector when it holds only 0 and 1
    # with 1 positive (one conversion pass, none when its dtype is the scores'); else
    # the labels come from y == pos
    zero_one = (y.dtype.kind in "fiub" and classes is not None and isinstance(pos, Real)
                and pos == 1 and all(c == 0 or c == 1 for c in classes.tolist()))
    positive = None if zero_one else np.asarray(y == pos, dtype=bool).reshape(y.shape)
    scores = column_or_1d(scores)
    if scores.dtype.kind not in "biuf":
        scores = as_scores(function, scores)
    # float64 / float32 scores without weights: the library checks every score anyway
    # (the first failing check would be a score's), so the NaN / infinity message is
    # made only when it reports one, instead of a pass over the scores beforehand
    deferred = weights is None and scores.dtype in (np.float64, np.float32)
    if not deferred:
        assert_finite(scores, "", "y_score")
    weights = as_weights(weights, y.shape[0])
    check_nonzero_weights(weights)
    return _curve(function, scores, positive, weights, bool(drop_intermediate),
                  zero_one=y if zero_one else None, finite_checked=not deferred)


def _zero_one_curve(function: str, y: np.ndarray, scores: np.ndarray, pos_label: Any,
                    drop: bool):
    """The unweighted curve when y is evidently a 0/1 vector (1 positive) of the scores'
    float type or of integers, else None: the library's own label check (exactly 0 or 1,
    after an exact conversion) replaces ``target_and_classes``' passes over y. Any error
    status also gives None, so the caller's checks run from the start and raise
    scikit-learn's error in scikit-learn's order; on success the answer is the one those
    checks lead to (binary y, classes within {0, 1}, positive label 1, y passed as the
    labels)."""
    if not (pos_label is None or (type(pos_label) in (int, float) and pos_label == 1)):
        return None
    if y.ndim != 1 or scores.ndim != 1 or y.shape != scores.shape or not y.size:
        return None
    if scores.dtype not in (np.float64, np.float32):
        return None
    if not (y.dtype == scores.dtype or y.dtype.kind in "iu"):
        return None  # (another float type could round to 0 or 1 on conversion)
    probe = y[::max(1, y.size >> 10)]
    if not np.all((probe == 0) | (probe == 1)):
        return None
    return _curve(function, scores, None, None, drop, zero_one=y, finite_checked=False,
                  errors_raise=False)


def _curve(function: str, scores: np.ndarray, positive: Optional[np.ndarray],
           weights: Optional[np.ndarray], drop: bool,
           zero_one: Optional[np.ndarray] = None, finite_checked: bool = True,
           errors_raise: bool = True):
    """The curve of ``scores`` against ``positive`` (bool), or against ``zero_one`` (real
    labels, each 0 or 1, 1 positive) when ``positive`` is None. ``finite_checked``
    False: scikit-learn's message is raised here if the library finds a score that is
    not finite. ``errors_raise`` False: an error status returns None instead."""
    original = scores
    keys_of = None
    wide = scores.size and scores.dtype.itemsize >= 8 and scores.dtype != np.float64
    if wide and _numpy._inexact(scores, scores.astype(np.float64)) is not None:
        # float64 cannot hold some scores: rank them exactly, report them as
        # scikit-learn does (converted to float64)
        keys_of, inverse = np.unique(original, return_inverse=True)
        scores = inverse.reshape(-1).astype(np.float64)
    prepared = _Prepared(function, scores, weights)
    s = np.ascontiguousarray(prepared.scores)
    labels = prepared.labels(positive) if positive is not None else \
        np.ascontiguousarray(zero_one, dtype=prepared.entry.dtype)
    n = s.shape[0]
    fpr, tpr, thresholds = (np.empty(n + 1) for _ in range(3))
    count = ctypes.c_size_t(0)
    curve = _lib.lib.auroc_curve_f32 if prepared.entry is _numpy._FLOAT32 \
        else _lib.lib.auroc_curve
    status = curve(prepared.pointer(s), prepared.pointer(labels),
                   prepared.pointer(prepared.weights), n, int(drop), n + 1,
                   fpr.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                   tpr.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                   thresholds.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                   ctypes.byref(count))
    if status < 0:
        if not errors_raise:
            return None
        if status == _lib.E_NONFINITE_SCORE and not finite_checked:
            assert_finite(original, "", "y_score")
        _raise_status(function, status, prepared, s, labels, weights)
    k = count.value
    for array in (fpr, tpr, thresholds):
        # shrink in place to the point count (realloc: no copy of the points); the arrays
        # are this function's own, so no view of them exists
        array.resize(k, refcheck=False)
    if keys_of is not None:
        thresholds[1:] = keys_of[thresholds[1:].astype(np.intp)].astype(np.float64)
    if status == _lib.W_ONE_CLASS:
        if np.isnan(fpr[-1]):
            _warn(_NO_NEGATIVE)
        if np.isnan(tpr[-1]):
            _warn(_NO_POSITIVE)
    return fpr, tpr, thresholds


# ---- roc_auc_score --------------------------------------------------------------------

def roc_auc_score(y_true: Any, y_score: Any, *, average: Optional[str] = "macro",
                  sample_weight: Any = None, max_fpr: Optional[float] = None,
                  multi_class: str = "raise", labels: Any = None) -> Union[float, np.ndarray]:
    """Area under the ROC curve, as scikit-learn's ``roc_auc_score``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        Binary labels (any two values: the greater one is positive), multiclass labels,
        or a multilabel indicator matrix.
    y_score : array-like of shape (n_samples,) or (n_samples, n_classes)
        Scores: of the greater label (binary), class probabilities summing to 1 in the
        order of ``labels`` or of the sorted labels (multiclass), one column per label
        (multilabel). Finite.
    average : {'micro', 'macro', 'samples', 'weighted'} or None, default='macro'
        Multilabel: how column AUROCs are combined (None: the array of them). Multiclass:
        'macro' or 'weighted' (and 'micro', None with ovr). Ignored for binary targets.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights, finite and >= 0 (not with multi_class='ovo').
    max_fpr : float in (0, 1], default=None
        McClish's standardized partial AUC over FPR [0, max_fpr] (binary and multilabel).
    multi_class : {'raise', 'ovr', 'ovo'}, default='raise'
        Multiclass: one-vs-rest, or one-vs-one (Hand & Till, 2001).
    labels : array-like of shape (n_classes,), default=None
        Multiclass: the (sorted, distinct) labels of the columns of ``y_score``.

    Returns
    -------
    float, or ndarray of shape (n_classes,) when ``average=None``
        nan (with an :class:`UndefinedMetricWarning`) for a binary target with one
        class; a column with one class gives nan in the averages that count it, as
        scikit-learn.

    Each binary AUROC is the library's exact one (``auroc_exact``: without weights the
    correctly rounded U / (P N)); ``max_fpr`` uses ``auroc_partial``. Results agree with
    scikit-learn to within its own rounding (about 1e-16 relative).

    Examples
    --------
    >>> from diffauroc.metrics import roc_auc_score
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    >>> roc_auc_score(["a", "b", "c", "a"], [[0.8, 0.1, 0.1], [0.2, 0.5, 0.3],
    ...               [0.1, 0.3, 0.6], [0.5, 0.4, 0.1]], multi_class="ovr")
    1.0
    """
    function = "roc_auc_score"
    check_array_like(function, "y_true", y_true)
    check_array_like(function, "y_score", y_score)
    check_options(function, "average", average, _AVERAGES, allow_none=True)
    check_array_like(function, "sample_weight", sample_weight, allow_none=True)
    check_max_fpr(max_fpr)
    check_options(function, "multi_class", multi_class, ("raise", "ovr", "ovo"),
                  allow_none=False)
    check_array_like(function, "labels", labels, allow_none=True)
    y = as_array(y_true)
    y_type, y_classes = target_and_classes(y, "y_true")
    if y.ndim > 2:
        raise ValueError(f"Found array with dim {y.ndim}, while dim <= 2 is required.")
    if y.shape[0] == 0:
        raise ValueError(f"Found array with 0 sample(s) (shape={y.shape}) while a minimum "
                         f"of 1 is required.")
    if y.dtype.kind == "f":
        assert_finite(y, "", "y_true")
    scores = as_scores(function, y_score, check_finite=False)
    weights = None if sample_weight is None else column_or_1d(as_array(sample_weight))
    sums = None
    if scores.ndim == 2 and scores.shape[1] > 2:
        if (y_type in ("multiclass", "binary") and multi_class == "ovr"
                and (max_fpr is None or max_fpr == 1.0)
                and scores.dtype in (np.float64, np.float32)):
            # one-vs-rest: the library checks the scores and bounds the rows' distance
            # from 1 while it reads them (auroc_exact_ovr_rowsums); the full check runs
            # only when that bound cannot decide, or before anything else is raised or
            # warned (see _RowCheck)
            sums = _RowCheck(scores)
        else:
            # the row sums (needed by the multiclass check) are finite iff every score
            # is, unless a sum overflows: one pass over the matrix instead of two
            finite, sums = _row_sums_near_one(scores)
            if not finite:
                assert_finite(scores, "", "y_score")
    else:
        assert_finite(scores, "", "y_score")
    if y_type == "multiclass" or (
            y_type == "binary" and scores.ndim == 2 and scores.shape[1] > 2):
        if max_fpr is not None and max_fpr != 1.0:
            raise ValueError(
                "Partial AUC computation not available in multiclass setting, 'max_fpr' "
                f"must be set to `None`, received `max_fpr={max_fpr}` instead"
            )
        if multi_class == "raise":
            raise ValueError("multi_class must be in ('ovo', 'ovr')")
        return _multiclass(function, y, y_classes, scores, sums, labels, multi_class,
                           average, weights)
    if y_type == "binary":
        classes = y_classes if y_classes is not None else unique_labels(y)
        y1 = column_or_1d(y)
        if len(classes) != 2:
            _warn(_ONE_CLASS)
            return float("nan")
        positive = np.asarray(y1 == classes[1], dtype=bool).reshape(y1.shape)
        return _binary(function, positive, scores, weights, max_fpr)
    if y_type != "multilabel-indicator":
        raise ValueError(f"{y_type} format is not supported")
    return _multilabel(function, y, scores, weights, average, max_fpr)


def _binary(function: str, positive: np.ndarray, scores: np.ndarray,
            weights: Optional[np.ndarray], max_fpr: Optional[float]) -> float:
    """One binary AUROC (both classes present in ``positive``)."""
    check_consistent_length(positive, scores, weights)
    scores = column_or_1d(scores)
    weights = as_weights(weights, positive.shape[0])
    check_nonzero_weights(weights)
    prepared = _Prepared(function, scores, weights)
    return _binary_value(function, prepared, prepared.scores, positive, weights, max_fpr)


def _average(scores: np.ndarray, weights: Optional[np.ndarray]) -> float:
    if weights is None:
        return float(np.mean(scores))
    return float(np.average(scores, weights=weights))


def _multilabel(function: str, y: np.ndarray, scores: np.ndarray,
                weights: Optional[np.ndarray], average: Optional[str],
                max_fpr: Optional[float]) -> Union[float, np.ndarray]:
    """scikit-learn's averaging of binary AUROCs over the columns (or rows, 'samples') of
    a multilabel indicator matrix ``y``."""
    check_consistent_length(y, scores, weights)
    if scores.ndim != 2:
        raise ValueError(
            "Expected 2D array, got 1D array instead:\narray={}.\nReshape your data either "
            "using array.reshape(-1, 1) if your data has a single feature or "
            "array.reshape(1, -1) if it contains a single sample.".format(scores)
        )
    weights = as_weights(weights, y.shape[0])
    classes = unique_labels(y)
    if average == "micro":
        flat_y = y.ravel()
        if len(classes) != 2:
            _warn(_ONE_CLASS)
            return float("nan")
        pos = check_pos_label(None, classes)
        flat_w = None if weights is None else np.repeat(weights, y.shape[1])
        check_nonzero_weights(flat_w)
        return _binary_from_positive(function, flat_y == pos, scores.ravel(), flat_w,
                                     max_fpr)
    if scores.shape[1] != y.shape[1]:
        # scikit-learn indexes y_true's columns by y_score's (an IndexError, or extra
        # columns of y_true silently ignored); here an error
        raise ValueError(
            f"{function}: y_true and y_score must have the same number of columns; got "
            f"{y.shape[1]} and {scores.shape[1]}"
        )
    average_weight = None
    axis = 1
    score_weights = weights
    if average == "weighted":
        if weights is not None:
            y = y.astype(weights.dtype)  # as scikit-learn (its messages show floats)
            classes = classes.astype(weights.dtype)
            average_weight = np.sum(y * weights.reshape(-1, 1), axis=0)
        else:
            average_weight = np.sum(y, axis=0)
        if np.isclose(np.sum(average_weight), 0):
            return 0
    elif average == "samples":
        average_weight, score_weights = weights, None
        axis = 0
    values = _columns(function, y if axis == 1 else y.T,
                      scores if axis == 1 else scores.T, score_weights, classes, max_fpr)
    if average is None:
        return values
    if average_weight is not None:
        values[average_weight == 0] = 0
    return _average(values, average_weight)


def _binary_from_positive(function, positive, scores, weights, max_fpr) -> float:
    prepared = _Prepared(function, scores, weights)
    return _binary_value(function, prepared, prepared.scores, positive, weights, max_fpr)


def _columns(function: str, y: np.ndarray, scores: np.ndarray,
             weights: Optional[np.ndarray], classes: np.ndarray,
             max_fpr: Optional[float]) -> np.ndarray:
    """The binary AUROC of every column j of (y, scores): nan with a warning for a column
    with one label value."""
    k = y.shape[1]
    values = np.empty(k)
    both = np.any(y != y[:1], axis=0) if y.shape[0] else np.zeros(k, bool)
    if both.any():
        pos = check_pos_label(None, classes)
        check_nonzero_weights(weights)
        positive = y == pos
        matrix = _Matrix(function, scores, weights)
        name = "auroc_exact_columns" if max_fpr is None or max_fpr == 1 \
            else "auroc_partial_columns"
        export = _column_export(name, matrix.f32)
        if export is not None:
            labels = np.ascontiguousarray(positive, dtype=matrix.entry.dtype)  # (k, 1)
            statuses = np.zeros(k, dtype=np.intc)
            head = matrix.head() + (matrix.pointer(labels), k, 1,
                                    matrix.pointer(matrix.weights))
            out_status = statuses.ctypes.data_as(ctypes.POINTER(ctypes.c_int))
            double_p = ctypes.POINTER(ctypes.c_double)
            if name == "auroc_exact_columns":
                status = export(*head, values.ctypes.data_as(double_p), out_status)
            else:
                area = np.empty(k)
                status = export(*head, 0, 0.0, float(max_fpr),
                                area.ctypes.data_as(double_p), None, out_status)
                values[:] = [_mcclish(a, 0, 0.0, float(max_fpr)) for a in area]
            if status < 0:
                _column_error(function, status, weights)
            present_positive = None if weights is None else \
                (positive & (weights > 0).reshape(-1, 1)).any(axis=0)
            return _finish_columns(values, statuses, both, present_positive)
    prepared = None
    for j in range(k):
        if not both[j]:
            _warn(_ONE_CLASS)
            values[j] = np.nan
            continue
        if prepared is None:
            prepared = _Prepared(function, scores, weights)
        values[j] = _binary_value(function, prepared, prepared.scores[:, j],
                                  positive[:, j], weights, max_fpr)
    return values


def _row_sums_near_one(scores: np.ndarray) -> tuple[bool, bool]:
    """(every row sum is finite, every row sum is close to 1 as numpy.allclose(1, sums)
    says: |sum - 1| <= 1e-8 + 1e-5 |sum|, never for NaN or an infinite sum) of an (n, k)
    matrix. The sums are formed in blocks of rows (a matrix-vector product each, so that
    they stay in cache) and only their smallest and largest are kept: the sums close to 1
    form an interval (in floating point too: |s - 1| is exact near 1 and the tolerance is
    a monotone rounding of a function growing 1e5 times slower than |s - 1|), so every
    sum is close exactly when the smallest and the largest are (NaN propagates into
    both)."""
    ones = np.ones(scores.shape[1], dtype=scores.dtype if scores.dtype.kind == "f"
                   else np.float64)
    lowest, highest = np.inf, -np.inf
    block = 1 << 15
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, scores.shape[0], block):
            sums = scores[start:start + block] @ ones
            low, high = sums.min(), sums.max()
            if not (low >= lowest):  # (NaN: kept)
                lowest = low
            if not (high <= highest):
                highest = high
        finite = bool(np.isfinite(lowest) and np.isfinite(highest))
        close = finite and all(bool(abs(s - 1) <= 1e-8 + 1e-5 * abs(s))
                               for s in (lowest, highest))
    return finite, close


_NOT_PROBABILITIES = ("Target scores need to be probabilities for multiclass roc_auc, i.e. "
                      "they should sum up to 1.0 over classes")

# The library's row-sum bound (auroc_exact_ovr_rowsums) at or below which every row sum,
# in the scores' type and in any order, passes numpy.allclose(1, sums): |s - 1| <= 5e-6
# (plus a relative 2^-50) is far inside 1e-8 + 1e-5 |s| >= 1e-8 + 1e-5 (1 - 5e-6).
_ROW_DEVIATION_DECIDES = 5e-6


class _RowCheck:
    """scikit-learn's checks of a multiclass score matrix, in its order: every score
    finite (its check_array), then every row summing to 1 (numpy.allclose), run at most
    once, when called. One-vs-rest defers them: the library checks every score and bounds
    the rows' |sum - 1| in the call that computes the AUROCs, so the full check (a pass
    over the matrix on one thread) runs only when that bound does not decide, when the
    call reports an error, or before any other error or warning (so that errors and
    warnings come in scikit-learn's order, and the same inputs are refused)."""

    __slots__ = ("scores", "ran")

    def __init__(self, scores: np.ndarray) -> None:
        self.scores = scores
        self.ran = False

    def __call__(self) -> None:
        if self.ran:
            return
        self.ran = True
        finite, close = _row_sums_near_one(self.scores)
        if not finite:
            assert_finite(self.scores, "", "y_score")
        if not close:
            raise ValueError(_NOT_PROBABILITIES)


def _multiclass(function: str, y: np.ndarray, y_classes: Optional[np.ndarray],
                scores: np.ndarray, sums: Union[None, bool, _RowCheck], labels: Any,
                multi_class: str, average: Optional[str],
                weights: Optional[np.ndarray]) -> float:
    if scores.ndim != 2:
        raise ValueError(
            "`y_score` needs to be of shape `(n_samples, n_classes)`, since `y_true` "
            f"contains multiple classes. Got `y_score.shape={scores.shape}`."
        )
    deferred = sums if isinstance(sums, _RowCheck) else None
    if deferred is None:
        if sums is None:
            sums = _row_sums_near_one(scores)[1]
        if not sums:
            raise ValueError(_NOT_PROBABILITIES)
    try:
        return _multiclass_checked(function, y, y_classes, scores, labels, multi_class,
                                   average, weights, deferred)
    except Exception:
        if deferred is not None:
            deferred()  # scikit-learn's earlier error, if there is one, wins
        raise


def _multiclass_checked(function: str, y: np.ndarray, y_classes: Optional[np.ndarray],
                        scores: np.ndarray, labels: Any, multi_class: str,
                        average: Optional[str], weights: Optional[np.ndarray],
                        deferred: Optional[_RowCheck]) -> float:
    """_multiclass after the score checks (made, or ``deferred``: one-vs-rest only)."""
    options = ("macro", "weighted", None)
    if multi_class == "ovr":
        options = ("micro",) + options
    if average not in options:
        raise ValueError(f"average must be one of {options} for multiclass problems")
    if average is None and multi_class == "ovo":
        raise NotImplementedError("average=None is not implemented for multi_class='ovo'.")
    y1 = column_or_1d(y)
    if labels is not None:
        given = column_or_1d(as_array(labels))
        classes = unique_labels(given)
        if len(classes) != len(given):
            raise ValueError("Parameter 'labels' must be unique")
        if not np.array_equal(classes, given):
            raise ValueError("Parameter 'labels' must be ordered")
        if len(classes) != scores.shape[1]:
            raise ValueError(
                "Number of given labels, {0}, not equal to the number of columns in "
                "'y_score', {1}".format(len(classes), scores.shape[1])
            )
        if len(np.setdiff1d(y1, classes)):
            raise ValueError("'y_true' contains labels not in parameter 'labels'")
    else:
        classes = y_classes if y_classes is not None else unique_labels(y1)
        if len(classes) != scores.shape[1]:
            raise ValueError(
                "Number of classes in y_true not equal to the number of columns in "
                "'y_score'"
            )
    if multi_class == "ovo":
        if weights is not None:
            raise ValueError(
                "sample_weight is not supported for multiclass one-vs-one ROC AUC, "
                "'sample_weight' must be None in this case."
            )
        check_consistent_length(y1, scores)
        return _ovo(function, encode(y1, classes), scores, average)
    check_consistent_length(y1, scores, weights)
    return _ovr(function, encode(y1, classes), len(classes), scores, weights, average,
                deferred)


def _ovr(function: str, codes: np.ndarray, k: int, scores: np.ndarray,
         weights: Optional[np.ndarray], average: Optional[str],
         deferred: Optional[_RowCheck] = None):
    """One-vs-rest: the multilabel averages of the indicator matrix of ``codes`` (class
    indices in [0, k)), without building it (column j is ``codes == j``). ``deferred``:
    the score checks not made yet, run here before any warning or result unless the
    library's row-sum bound settles them."""
    n = codes.shape[0]
    weights = as_weights(weights, n)
    if average == "micro":
        if deferred is not None:
            deferred()
        indicator = codes.reshape(-1, 1) == np.arange(k).reshape(1, -1)
        flat_w = None if weights is None else np.repeat(weights, k)
        check_nonzero_weights(flat_w)
        return _binary_from_positive(function, indicator.ravel(), scores.ravel(), flat_w,
                                     None)
    counts = np.bincount(codes, minlength=k)
    both = (counts > 0) & (counts < n)
    average_weight = None
    if average == "weighted":
        average_weight = counts.astype(np.float64) if weights is None else \
            np.bincount(codes, weights=weights, minlength=k)
        if np.isclose(np.sum(average_weight), 0):
            if deferred is not None:
                deferred()
            return 0
    values = np.empty(k)
    if both.any():
        check_nonzero_weights(weights)
        matrix = _Matrix(function, scores, weights)
        export = _column_export("auroc_exact_ovr", matrix.f32)
        # the row-sum bound is about sums in the scores' own type: only when the library
        # reads the scores as given (not converted)
        rowsums = None if deferred is None or matrix.array.dtype != scores.dtype \
            else _column_export("auroc_exact_ovr_rowsums", matrix.f32)
        if deferred is not None and (export is None or rowsums is None):
            deferred()
        if export is not None:
            classes = codes.astype(matrix.entry.dtype)
            statuses = np.zeros(k, dtype=np.intc)
            args = (*matrix.head(), matrix.pointer(classes),
                    matrix.pointer(matrix.weights),
                    values.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                    statuses.ctypes.data_as(ctypes.POINTER(ctypes.c_int)))
            if rowsums is not None:
                deviation = ctypes.c_double(np.nan)
                status = rowsums(*args, ctypes.byref(deviation))
                if status < 0 or not deviation.value <= _ROW_DEVIATION_DECIDES:
                    deferred()  # raises scikit-learn's error if a score or a row fails
            else:
                status = export(*args)
            if status < 0:
                _column_error(function, status, weights)
            present_positive = None if weights is None else \
                np.bincount(codes, weights=(weights > 0), minlength=k) > 0
            _finish_columns(values, statuses, both, present_positive)
            if average is None:
                return values
            if average_weight is not None:
                values[average_weight == 0] = 0
            return _average(values, average_weight)
        prepared = _Prepared(function, scores, weights)
    elif deferred is not None:
        deferred()
    for j in range(k):
        if not both[j]:
            _warn(_ONE_CLASS)
            values[j] = np.nan
            continue
        values[j] = _binary_value(function, prepared, prepared.scores[:, j], codes == j,
                                  weights, None)
    if average is None:
        return values
    if average_weight is not None:
        values[average_weight == 0] = 0
    return _average(values, average_weight)


def _ovo(function: str, codes: np.ndarray, scores: np.ndarray,
         average: Optional[str]) -> float:
    """Hand & Till's one-vs-one AUROC: over the pairs (a, b) of classes present, the mean
    of AUROC(column a; a against b) and AUROC(column b; b against a), averaged (weighted
    by the pair's prevalence for 'weighted')."""
    k = scores.shape[1]
    counts = np.bincount(codes, minlength=k)
    present = np.flatnonzero(counts)
    pairs = [(a, b) for i, a in enumerate(present) for b in present[i + 1:]]
    pair_scores = np.empty(len(pairs))
    prevalence = np.empty(len(pairs)) if average == "weighted" else None
    matrix = _Matrix(function, scores, None) if pairs else None
    export = None if matrix is None else _column_export("auroc_exact_ovo", matrix.f32)
    if export is not None:
        classes = codes.astype(matrix.entry.dtype)
        out = np.empty(k * k)
        status = export(*matrix.head(), matrix.pointer(classes),
                        out.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), None)
        if status < 0:
            _column_error(function, status, None)
        n = codes.shape[0]
        for index, (a, b) in enumerate(pairs):
            pair_scores[index] = (out[a * k + b] + out[b * k + a]) / 2
            if prevalence is not None:
                prevalence[index] = (counts[a] + counts[b]) / n
        return float(np.average(pair_scores, weights=prevalence))
    prepared = _Prepared(function, scores, None)
    for index, (a, b) in enumerate(pairs):
        a_mask = codes == a
        ab = a_mask | (codes == b)
        if prevalence is not None:
            prevalence[index] = np.average(ab)
        a_true = a_mask[ab]
        sub = prepared.scores[ab]
        first = _binary_value(function, prepared, sub[:, a], a_true, None, None)
        second = _binary_value(function, prepared, sub[:, b], ~a_true, None, None)
        pair_scores[index] = (first + second) / 2
    return float(np.average(pair_scores, weights=prevalence))


# ---- partial_auc ----------------------------------------------------------------------

def partial_auc(y_true: Any, y_score: Any, *, fpr_range: Optional[tuple] = None,
                tpr_range: Optional[tuple] = None, standardized: bool = False,
                sample_weight: Any = None) -> float:
    """Partial area under the ROC curve over an FPR range or a TPR range.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels: any two values, the greater one is positive (as
        :func:`roc_auc_score`).
    y_score : array-like of shape (n_samples,)
        Scores, higher meaning positive. Finite.
    fpr_range : (lower, upper), optional
        The area under the curve (integral of TPR over FPR) for FPR in [lower, upper],
        0 <= lower < upper <= 1 (pROC's ``partial.auc.focus = "specificity"`` with
        ``partial.auc = c(1 - lower, 1 - upper)``).
    tpr_range : (lower, upper), optional
        The integral of the specificity 1 - FPR over TPR in [lower, upper] (pROC's
        ``partial.auc.focus = "sensitivity"``). Exactly one of the two ranges is given.
    standardized : bool, default False
        McClish's standardization ``(1 + (area - min) / (max - min)) / 2``, with max =
        upper - lower and min the diagonal's area: 1/2 for a random ranking, 1 for a
        perfect one (evaluated from the library's area as scikit-learn evaluates it). ``fpr_range=(0, m), standardized=True`` is scikit-learn's
        ``roc_auc_score(max_fpr=m)``.
    sample_weight : array-like of shape (n_samples,), default None
        Weights, finite and >= 0.

    Returns
    -------
    float
        The raw partial area, in [0, upper - lower], or the standardized value. The curve
        is interpolated linearly at the range ends.

        Below the diagonal (area < min) McClish's standardization is undefined (pROC
        returns NA). Choice: an :class:`UndefinedMetricWarning` is emitted and the
        formula's value (< 0.5) is returned, which is what scikit-learn's ``max_fpr``
        returns (without a warning). One class in ``y_true`` gives nan with an
        :class:`UndefinedMetricWarning`.

    Examples
    --------
    >>> from diffauroc.metrics import partial_auc
    >>> y, s = [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]
    >>> partial_auc(y, s, fpr_range=(0.0, 0.5))
    0.25
    >>> partial_auc(y, s, fpr_range=(0.0, 0.5), standardized=True)
    0.6666666666666666
    """
    function = "partial_auc"
    if (fpr_range is None) == (tpr_range is None):
        raise ValueError(f"{function}: give exactly one of fpr_range and tpr_range")
    axis, given = (0, fpr_range) if fpr_range is not None else (1, tpr_range)
    name = "fpr_range" if axis == 0 else "tpr_range"
    try:
        lower, upper = given
    except (TypeError, ValueError):
        raise ValueError(f"{function}: {name} must be a pair (lower, upper); "
                         f"got {given!r}") from None
    if not (is_real(lower) and is_real(upper)):
        raise ValueError(f"{function}: {name} must hold two real numbers; got {given!r}")
    check_bool(function, "standardized", standardized)
    y = as_array(y_true)
    y_type = type_of_target(y, "y_true")
    if y_type != "binary":
        raise ValueError(f"{y_type} format is not supported")
    scores = column_or_1d(as_scores(function, y_score))
    y1 = column_or_1d(y)
    check_consistent_length(y1, scores, None if sample_weight is None else
                            column_or_1d(as_array(sample_weight)))
    classes = unique_labels(y1)
    if len(classes) != 2:
        _warn(f"Only one class is present in y_true. The partial AUC is not "
                      f"defined in that case.")
        return float("nan")
    weights = as_weights(sample_weight, y1.shape[0])
    check_nonzero_weights(weights)
    positive = np.asarray(y1 == classes[1], dtype=bool)
    prepared = _Prepared(function, scores, weights)
    s = np.ascontiguousarray(prepared.scores)
    labels = prepared.labels(positive)
    area, value = ctypes.c_double(0.0), ctypes.c_double(0.0)
    partial = _lib.lib.auroc_partial_f32 if prepared.entry is _numpy._FLOAT32 \
        else _lib.lib.auroc_partial
    status = partial(prepared.pointer(s), prepared.pointer(labels),
                     prepared.pointer(prepared.weights), s.shape[0], axis, float(lower),
                     float(upper), ctypes.byref(area),
                     ctypes.byref(value) if standardized else None)
    if status == _lib.E_ONE_CLASS:
        _warn("A class has zero total sample_weight: the partial AUC is not "
                      "defined.")
        return float("nan")
    if status == _lib.E_BAD_RANGE:
        raise ValueError(f"{function}: {_lib.strerror(status)}: {name} = {given!r}")
    if status == _lib.W_BELOW_DIAGONAL:
        _warn(
            f"partial_auc: the partial area {area.value!r} is below the diagonal's over "
            f"{name} = {given!r}; McClish's standardization is undefined there (pROC "
            f"returns NA); returning the formula's value {value.value!r}, as "
            f"scikit-learn's max_fpr does")
    elif status != _lib.OK:
        _raise_status(function, status, prepared, s, labels, weights)
    if not standardized:
        return area.value
    return _mcclish(area.value, axis, float(lower), float(upper))
