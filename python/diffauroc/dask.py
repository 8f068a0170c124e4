"""Exact AUROC, ROC curve and DeLong interval of data too large for one process, on Dask.

For dask arrays and dask dataframe columns (``dask.array.Array``, ``dask.dataframe.Series``),
computed with Dask's own partitioning and scheduler (the default local scheduler, or a
``distributed`` cluster when a ``Client`` is active)::

    import dask.array as da
    from diffauroc import dask as dauroc

    scores = da.random.random(10**8, chunks=10**6).astype("float32")
    labels = da.random.random(10**8, chunks=10**6) < scores
    dauroc.auroc_exact(scores, labels)                 # == diffauroc.auroc_exact, bit for bit
    dauroc.auroc_ci(labels, scores)                    # DeLong, == diffauroc.stats.auroc_ci
    fpr, tpr, thresholds = dauroc.roc_curve(labels, scores, max_points=1000)

How
---
The AUROC is range-partitionable: split the data into score ranges so that equal scores
share a range, then U = sum over ranges r of (U inside r + P_r x negatives below r), and
DeLong's structural components decompose the same way. Three steps, each a Dask graph:

1. per block (chunk or partition): the library's sample checks (the first bad element of
   all the data is named with its global index, as the single-process functions name it)
   and a sorted sample of the block's scores;
2. range boundaries: quantiles of the pooled samples (distinct values; a range is
   [b_r, b_{r+1}), so a score and all its ties fall in one range, -0.0 and +0.0 included);
3. per block, the samples split by range (one task output per range, which the scheduler
   may spill); per range, the pieces of every block concatenated and summarised by the
   library (``auroc_summary``, ``auroc_summary_weighted``, ``auroc_summary_table``);
   the summaries merged on the client by the merge rule of include/diffauroc.h: exact
   integers without weights, so ``auroc_exact`` here is the correctly rounded U / (P N),
   the same bits as ``diffauroc.auroc_exact``; DeLong's variance is the correctly rounded
   exact value, as ``auroc_delong`` gives it.

Memory: a range holds about n / n_ranges samples (more when one score value is very
frequent: its ties are never split), and each task sees one block or one range; the
shuffle in step 3 holds all the data once, in the workers' memory or spilled to disk.

Weights: with weights the per-range pair mass is a double with the error bound of the
header (relative gamma(3 n_r + 2), compensated sums, typically a few ulps), merged
exactly; the AUROC agrees with ``diffauroc.auroc_exact`` to about 1e-15 relative.
"""
from __future__ import annotations

import ctypes
import math
import warnings
from typing import Any, Optional

import numpy as np

from . import _lib
from . import _summary
from ._numpy import _show

__all__ = ["auroc_exact", "auroc_ci", "roc_curve"]

_DOUBLE_P = ctypes.POINTER(ctypes.c_double)
_SAMPLES_PER_RANGE = 16  # boundary sample points per block and range
_MINIMUM_DEFAULT_RANGE = 1 << 16  # default n_ranges: at most one range per 65536 samples


# ---- inputs as blocks ---------------------------------------------------------------------

def _dask():
    try:
        import dask
        import dask.array as da
    except ImportError as error:  # pragma: no cover - dask is a test dependency
        raise ImportError("diffauroc.dask needs dask: pip install 'dask[array,dataframe]'") \
            from error
    return dask, da


def _is_series(value: Any) -> bool:
    try:
        import dask.dataframe as dd
    except ImportError:  # pragma: no cover
        return False
    return isinstance(value, (dd.Series, dd.Index))


def _blocks(function: str, names: tuple, arrays: tuple) -> tuple:
    """The arguments as equal-length lists of delayed blocks (None for an absent one), and
    the dtype of each. Dask arrays are rechunked to the first argument's chunks; dataframe
    columns keep their partitions (lengths are checked block by block)."""
    dask, da = _dask()
    main = arrays[0]
    converted = []
    for name, value in zip(names, arrays):
        if value is None:
            converted.append(None)
            continue
        if _is_series(value):
            converted.append(value)
            continue
        if not isinstance(value, da.Array):
            if hasattr(value, "__dask_graph__"):
                raise TypeError(f"{function}: {name} must be a dask array or a dask dataframe "
                                f"column; got {type(value).__name__}")
            value = np.asarray(value)
            chunks = main.chunks if isinstance(main, da.Array) and value.ndim == 1 \
                and len(value) == main.shape[0] else "auto"
            value = da.from_array(value, chunks=chunks)
        if value.ndim != 1:
            raise ValueError(f"{function}: {name} must be 1-D; got shape {value.shape}")
        converted.append(value)
    first = converted[0]
    if isinstance(first, da.Array) and not any(math.isnan(c) for c in first.chunks[0]):
        for k, value in enumerate(converted[1:], 1):
            if isinstance(value, da.Array) and not any(math.isnan(c) for c in value.chunks[0]):
                if value.shape != first.shape:
                    raise ValueError(
                        f"{function}: {names[k]} must have the same length as {names[0]}; "
                        f"got shapes {value.shape} and {first.shape}")
                if value.chunks != first.chunks:
                    converted[k] = value.rechunk(first.chunks)
    dtypes, lists = [], []
    for value in converted:
        if value is None:
            dtypes.append(None)
            lists.append(None)
            continue
        dtypes.append(np.dtype(value.dtype))
        lists.append(list(value.to_delayed().ravel()) if isinstance(value, da.Array)
                     else list(value.to_delayed()))
    count = len(lists[0])
    for k, blocks in enumerate(lists):
        if blocks is not None and len(blocks) != count:
            raise ValueError(
                f"{function}: {names[k]} has {len(blocks)} blocks and {names[0]} {count}: "
                f"give dask arrays of the same length (they are rechunked) or columns of one "
                f"dataframe (the same partitions)")
    for name, dtype in zip(names, dtypes):
        if dtype is not None and dtype.kind not in "biuf":
            raise TypeError(f"{function}: {name} must hold real numbers or bools; got dtype "
                            f"{dtype}")
    return lists, dtypes


def _compute_dtype(dtypes: list) -> np.dtype:
    """float32 when the scores are float32 and the weights (if any) too; else float64."""
    scores, weights = dtypes[0], dtypes[2] if len(dtypes) > 2 else None
    if scores == np.float32 and (weights is None or weights == np.float32):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def _vector(block: Any) -> np.ndarray:
    array = np.asarray(block.to_numpy() if hasattr(block, "to_numpy") else block)
    return array.reshape(-1) if array.ndim == 0 else array


def _exact_float64(array: np.ndarray) -> tuple:
    """``array`` as float64 and the index of the first element float64 cannot hold
    exactly (or None)."""
    if array.dtype.itemsize < 8 or array.dtype == np.float64:
        return np.asarray(array, dtype=np.float64), None
    with np.errstate(over="ignore", invalid="ignore"):
        converted = np.asarray(array, dtype=np.float64)
        if array.dtype.kind in "iu":
            back = converted.astype(array.dtype)
            lossy = (back != array) | (np.abs(converted) >= 2.0**63)
        else:
            lossy = converted.astype(array.dtype) != array
            lossy &= ~np.isnan(converted)
    bad = np.flatnonzero(lossy)
    return converted, (int(bad[0]) if bad.size else None)


# ---- step 1: checks and boundary samples ---------------------------------------------------

def _inspect(s, y, w, names: tuple, samples: int):
    """Per block: (length, error or None, sorted sample of the canonical scores)."""
    s, y = _vector(s), _vector(y)
    w = None if w is None else _vector(w)
    for name, array in zip(names, (s, y, w)):
        if array is not None and array.ndim != 1:
            return len(s), ("shape", f"{name} must be 1-D; got shape {array.shape}"), None
    for name, array in zip(names[1:], (y, w)):
        if array is not None and array.shape != s.shape:
            return len(s), ("shape", f"{name} has a block of length {array.shape[0]} where "
                                     f"{names[0]} has {s.shape[0]}: give arrays of the same "
                                     f"length, or columns of one dataframe"), None
    converted = []
    for name, array in zip(names, (s, y, w)):
        if array is None:
            converted.append(None)
            continue
        if array.dtype.kind not in "biuf":
            return len(s), ("type", f"{name} must hold real numbers or bools; got dtype "
                                    f"{array.dtype}"), None
        as64, lossy = _exact_float64(array)
        if lossy is not None:
            status = "label" if name == names[1] else "inexact"
            return len(s), (status, name, lossy, _show(array[lossy])), None
        converted.append(np.ascontiguousarray(as64))
    s64, y64, w64 = converted
    index = ctypes.c_size_t(0)
    status = _lib.lib.diffauroc_find_invalid(
        s64.ctypes.data_as(_DOUBLE_P), y64.ctypes.data_as(_DOUBLE_P),
        None if w64 is None else w64.ctypes.data_as(_DOUBLE_P), s64.shape[0],
        ctypes.byref(index))
    if status != _lib.OK:
        if status == _lib.E_NO_MEMORY:  # pragma: no cover
            raise MemoryError(_lib.strerror(status))
        i = index.value
        name = {_lib.E_NONFINITE_SCORE: 0, _lib.E_BAD_LABEL: 1, _lib.E_BAD_WEIGHT: 2}[status]
        given = (s, y, w)[name]
        return len(s), (status, names[name], i, _show(given[i])), None
    keys = s64 + 0.0
    if w64 is not None:
        keys = keys[w64 > 0]
    keys.sort()
    if keys.size > samples:
        keys = keys[np.linspace(0, keys.size - 1, samples).round().astype(np.int64)]
    return len(s), None, keys


def _raise_first(function: str, reports: list) -> None:
    offset = 0
    for length, error, _ in reports:
        if error is not None:
            kind = error[0]
            if kind in ("shape", "type"):
                raise (TypeError if kind == "type" else ValueError)(f"{function}: {error[1]}")
            _, name, i, shown = error
            element = f"{name}[{offset + i}] = {shown}"
            if kind == "label":
                raise ValueError(f"{function}: {_lib.strerror(_lib.E_BAD_LABEL)}: {element}")
            if kind == "inexact":
                raise ValueError(
                    f"{function}: {element} cannot be represented exactly as float64, which "
                    f"the library computes in; rounding it would change the result, so it is "
                    f"refused (convert {name} yourself if rounding is what you want)")
            raise ValueError(f"{function}: {_lib.strerror(kind)}: {element}")
        offset += length


def _boundaries(reports: list, n_ranges: int) -> np.ndarray:
    """At most n_ranges - 1 distinct boundary values: weighted quantiles of the blocks'
    samples (each sample stands for length / samples-of-its-block scores)."""
    values, masses = [], []
    for length, _, sample in reports:
        if sample is not None and sample.size:
            values.append(sample)
            masses.append(np.full(sample.size, length / sample.size))
    if not values or n_ranges <= 1:
        return np.zeros(0)
    values = np.concatenate(values)
    masses = np.concatenate(masses)
    order = np.argsort(values, kind="stable")
    values, cumulative = values[order], np.cumsum(masses[order])
    targets = cumulative[-1] * np.arange(1, n_ranges) / n_ranges
    picks = np.searchsorted(cumulative, targets)
    bounds = np.unique(values[np.minimum(picks, values.size - 1)])
    return bounds[bounds > values[0]]  # the lowest range is never empty by construction


# ---- step 3: split by range, summarise per range -------------------------------------------

def _split(s, y, w, bounds: np.ndarray, dtype: np.dtype):
    """A block's samples split by range: a tuple of (scores, labels, weights) per range, in
    index order within each, converted to the computing dtype."""
    s, y = _vector(s), _vector(y)
    s = np.asarray(s, dtype=dtype)
    y = np.asarray(y, dtype=dtype)
    w = None if w is None else np.asarray(_vector(w), dtype=dtype)
    ranges = bounds.size + 1
    if ranges == 1:
        return ((s, y, w),)
    which = np.searchsorted(bounds, np.asarray(s, dtype=np.float64) + 0.0, side="right")
    which = which.astype(np.int16 if ranges < 2**15 else np.int32)
    order = np.argsort(which, kind="stable")
    ends = np.cumsum(np.bincount(which, minlength=ranges))[:-1]
    parts = [np.split(a[order], ends) if a is not None else [None] * ranges
             for a in (s, y, w)]
    return tuple(zip(*parts))


def _gather(pieces: tuple) -> tuple:
    s = np.ascontiguousarray(np.concatenate([p[0] for p in pieces]))
    y = np.ascontiguousarray(np.concatenate([p[1] for p in pieces]))
    w = None if pieces[0][2] is None else \
        np.ascontiguousarray(np.concatenate([p[2] for p in pieces]))
    return s, y, w


def _summarise_counts(*pieces):
    s, y, _ = _gather(pieces)
    return _summary.count_summary(s, y)


def _summarise_weighted(*pieces):
    s, y, w = _gather(pieces)
    return _summary.weighted_summary(s, y, w)


def _summarise_table(budget: Optional[int], total: int, *pieces):
    """The range's table, top-down (decreasing scores) with its local cumulative sums; with
    a budget, thinned to about budget x (range size / total) rows, the lowest row kept
    (the local sums at a kept row are exact, so every row kept is a point of the curve)."""
    s, y, w = _gather(pieces)
    scores, negatives, positives = _summary.summary_table(s, y, w)
    scores, negatives, positives = scores[::-1], negatives[::-1], positives[::-1]
    fps, tps = np.cumsum(negatives), np.cumsum(positives)
    if budget is not None and scores.size:
        keep = max(2, math.ceil(budget * s.shape[0] / max(total, 1)))
        if scores.size > keep:
            rows = np.unique(np.linspace(0, scores.size - 1, keep).round().astype(np.int64))
            scores, fps, tps = scores[rows], fps[rows], tps[rows]
    return scores, fps, tps


def _run(function: str, names: tuple, arrays: tuple, n_ranges: Optional[int], kind: str,
         budget: Optional[int] = None):
    """Steps 1-3 (see the module documentation); returns the per-range results in
    increasing score order, and the total length."""
    dask, _ = _dask()
    from dask import delayed

    lists, dtypes = _blocks(function, names, arrays)
    dtype = _compute_dtype(dtypes)
    blocks = len(lists[0])
    ranges = max(blocks, 1) if n_ranges is None else int(n_ranges)
    if ranges < 1:
        raise ValueError(f"{function}: n_ranges must be >= 1; got {n_ranges}")
    samples = _SAMPLES_PER_RANGE * ranges
    inspect = delayed(_inspect, pure=True)
    reports = dask.compute(*[
        inspect(lists[0][b], lists[1][b], None if lists[2] is None else lists[2][b],
                names, samples)
        for b in range(blocks)])
    _raise_first(function, list(reports))
    total = sum(r[0] for r in reports)
    if n_ranges is None:  # ranges about as large as the blocks, and not tiny
        ranges = max(1, min(ranges, math.ceil(total / _MINIMUM_DEFAULT_RANGE)))
    bounds = _boundaries(list(reports), ranges)
    ranges = bounds.size + 1
    split = delayed(_split, pure=True, nout=ranges)
    pieces = [split(lists[0][b], lists[1][b], None if lists[2] is None else lists[2][b],
                    bounds, dtype) for b in range(blocks)]
    tasks = []
    for r in range(ranges):
        parts = [pieces[b][r] for b in range(blocks)]
        if kind == "counts":
            tasks.append(delayed(_summarise_counts, pure=True)(*parts))
        elif kind == "weighted":
            tasks.append(delayed(_summarise_weighted, pure=True)(*parts))
        else:
            tasks.append(delayed(_summarise_table, pure=True)(budget, total, *parts))
    return list(dask.compute(*tasks)), total


# ---- public functions ----------------------------------------------------------------------

def auroc_exact(predictions: Any, labels: Any, weights: Any = None, *,
                n_ranges: Optional[int] = None) -> float:
    """Exact AUROC (ties count 1/2) of dask data: ``diffauroc.auroc_exact`` of the
    concatenated blocks, bit for bit without weights.

    Parameters
    ----------
    predictions : dask.array.Array or dask.dataframe.Series, shape (n,)
        Finite real scores (float32 stays float32 in the library).
    labels : same kind, shape (n,)
        1 positive, 0 negative (bool, integer or float).
    weights : same kind, optional
        Finite weights >= 0.
    n_ranges : int, optional
        How many score ranges to summarise separately (at most; equal boundary values are
        merged). Default: one per block of ``predictions``, but at most one per 65536
        samples. Each range is one task holding about n / n_ranges samples, and each
        block is split into n_ranges pieces (blocks x n_ranges small tasks).

    Returns
    -------
    float
        Without weights the correctly rounded U / (P N), the same bits as
        ``diffauroc.auroc_exact``; with weights the exact merge of per-range pair masses
        (see the module documentation), within about 1e-15 of it.

    Raises
    ------
    ValueError
        A bad element (named with its index in the whole array, as ``auroc_exact`` names
        it), lengths that differ, or no positive or no negative sample of positive weight.
    """
    function = "auroc_exact"
    names = ("predictions", "labels", "weights")
    if weights is None:
        results, _ = _run(function, names, (predictions, labels, None), n_ranges, "counts")
        n, p, twice_u, _, _ = _summary.merge_counts(results)
        if n == 0 or p == 0:
            raise ValueError(f"{function}: {_lib.strerror(_lib.E_ONE_CLASS)}")
        return twice_u / (2 * p * n)  # int / int: correctly rounded
    results, _ = _run(function, names, (predictions, labels, weights), n_ranges, "weighted")
    w_neg, w_pos, mass = _summary.merge_weighted(results)
    if w_neg == 0 or w_pos == 0:
        raise ValueError(f"{function}: {_lib.strerror(_lib.E_ONE_CLASS)}")
    return float(mass / (w_pos * w_neg))


def auroc_ci(y_true: Any, y_score: Any, confidence: float = 0.95, method: str = "delong", *,
             n_ranges: Optional[int] = None):
    """DeLong confidence interval of the AUROC of dask data, as
    ``diffauroc.stats.auroc_ci(y_true, y_score, confidence, method="delong")`` of the
    concatenated blocks (the same AUROCInterval: the AUROC bit for bit, DeLong's
    variance the correctly rounded exact value, as the library's ``auroc_delong``).

    Parameters
    ----------
    y_true : dask.array.Array or dask.dataframe.Series, shape (n,)
        Labels 0 or 1.
    y_score : same kind, shape (n,)
        Finite real scores.
    confidence : float
        In (0, 1).
    method : "delong"
        The only method here (the bootstrap needs every sample in one process).
    n_ranges : int, optional
        As for :func:`auroc_exact`.

    Returns
    -------
    diffauroc.stats.AUROCInterval
        nan ends (with a RuntimeWarning) with fewer than 2 positives or 2 negatives.
    """
    from . import stats

    function = "auroc_ci"
    if method != "delong":
        raise ValueError(f"{function}: method must be 'delong' on dask data; got {method!r}")
    c = stats._confidence(function, confidence)
    lower_p, upper_p = 0 + (1 - c) / 2, 1 - (1 - c) / 2
    results, _ = _run(function, ("y_score", "y_true", "weights"), (y_score, y_true, None),
                      n_ranges, "counts")
    n, p, twice_u, c2, d2 = _summary.merge_counts(results)
    if n == 0 or p == 0:
        raise ValueError(f"{function}: {_lib.strerror(_lib.E_ONE_CLASS)}")
    if n < 2 or p < 2:
        warnings.warn(f"{function}: {_lib.strerror(_lib.W_NO_VARIANCE)}", RuntimeWarning,
                      stacklevel=2)
        return stats.AUROCInterval(math.nan, math.nan, math.nan, c, "delong")
    theta = twice_u / (2 * p * n)
    sd = math.sqrt(_summary.delong_variance(n, p, twice_u, c2, d2))
    ends = [theta + sd * stats._qnorm(lower_p), theta + sd * stats._qnorm(upper_p)]
    lower, upper = (min(max(e, 0.0), 1.0) for e in ends)
    return stats.AUROCInterval(lower, theta, upper, c, "delong")


def _drop_collinear(fps: np.ndarray, tps: np.ndarray) -> np.ndarray:
    """scikit-learn's drop_intermediate rule: the indices kept."""
    if fps.size <= 2:
        return np.arange(fps.size)
    return np.flatnonzero(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])


def roc_curve(y_true: Any, y_score: Any, *, sample_weight: Any = None,
              drop_intermediate: bool = True, max_points: Optional[int] = None,
              n_ranges: Optional[int] = None):
    """ROC curve of dask data, as ``diffauroc.metrics.roc_curve`` (scikit-learn's
    ``roc_curve``) of the concatenated blocks, labels 0/1.

    Parameters
    ----------
    y_true, y_score, sample_weight : dask arrays or dask dataframe columns, shape (n,)
    drop_intermediate : bool
        Drop the points scikit-learn drops as collinear.
    max_points : int, optional
        At most this many points are returned (>= 2; the first is (0, 0) at threshold
        +inf, the last (1, 1)). Every point returned is an exact point of the full curve:
        each range sends about max_points x (its size / n) of its points, spaced evenly,
        with their exact cumulative counts, and the client thins the result evenly to
        max_points. Default: every point (the client then holds one row per distinct
        score).
    n_ranges : int, optional
        As for :func:`auroc_exact`.

    Returns
    -------
    fpr, tpr, thresholds : ndarray (float64)
        Without max_points the same as ``diffauroc.metrics.roc_curve``: equal values
        without weights; with weights, rates within 1e-15 relative (each range sums its
        weights in its own order). A zero threshold is reported as +0.0.
    """
    function = "roc_curve"
    if max_points is not None:
        max_points = int(max_points)
        if max_points < 2:
            raise ValueError(f"{function}: max_points must be >= 2; got {max_points}")
    results, _ = _run(function, ("y_score", "y_true", "sample_weight"),
                      (y_score, y_true, sample_weight), n_ranges, "table",
                      budget=None if max_points is None else max_points)
    # Ranges come in increasing score order; the curve runs from the highest score down.
    thresholds, fps, tps = [], [], []
    fps_above = tps_above = 0.0
    for scores, local_fps, local_tps in reversed(results):
        if scores.size == 0:
            continue
        thresholds.append(scores)
        fps.append(local_fps + fps_above)
        tps.append(local_tps + tps_above)
        fps_above += local_fps[-1]
        tps_above += local_tps[-1]
    if not thresholds:
        raise ValueError(f"{function}: {_lib.strerror(_lib.E_ONE_CLASS)}")
    thresholds, fps, tps = (np.concatenate(a) for a in (thresholds, fps, tps))
    if drop_intermediate:
        keep = _drop_collinear(fps, tps)
        thresholds, fps, tps = thresholds[keep], fps[keep], tps[keep]
    if max_points is not None and fps.size > max_points - 1:
        # max_points - 1 rows after the (0, 0) point, the last (1, 1) always among them
        keep = np.linspace(fps.size - 1, 0, max_points - 1).round().astype(np.int64)
        keep = np.unique(keep)
        thresholds, fps, tps = thresholds[keep], fps[keep], tps[keep]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    thresholds = np.r_[np.inf, thresholds]
    with np.errstate(invalid="ignore", divide="ignore"):
        if fps[-1] <= 0:
            warnings.warn("No negative samples in y_true, false positive value should be "
                          "meaningless", RuntimeWarning, stacklevel=2)
            fpr = np.full(fps.shape, np.nan)
        else:
            fpr = fps / fps[-1]
        if tps[-1] <= 0:
            warnings.warn("No positive samples in y_true, true positive value should be "
                          "meaningless", RuntimeWarning, stacklevel=2)
            tpr = np.full(tps.shape, np.nan)
        else:
            tpr = tps / tps[-1]
    return fpr, tpr, thresholds
