"""ctypes wrappers of the mergeable summaries (include/diffauroc.h, "Mergeable summaries"),
and their merge rule in exact Python integers / fractions. Used by ``diffauroc.dask``.

The arrays given here are already checked and converted (contiguous float64, or float32
for the ``_f32`` entry points, labels and weights of the scores' dtype); a status other
than OK is raised as an error naming the function, never ignored.
"""
from __future__ import annotations

import ctypes
from fractions import Fraction
from typing import Optional, Sequence

import numpy as np

from . import _lib

__all__ = [
    "SUMMARY_WORDS", "count_summary", "weighted_summary", "summary_table", "merge_counts",
    "merge_weighted", "delong_variance",
]

SUMMARY_WORDS = 8  # DIFFAUROC_SUMMARY_WORDS

_U64_P = ctypes.POINTER(ctypes.c_uint64)


def _pointers(*arrays: Optional[np.ndarray]):
    pointer = ctypes.POINTER(ctypes.c_float if arrays[0].dtype == np.float32 else ctypes.c_double)
    return [None if a is None else a.ctypes.data_as(pointer) for a in arrays]


def _raise(function: str, status: int) -> None:
    message = f"{function}: {_lib.strerror(status)}"
    if status == _lib.E_NO_MEMORY:
        raise MemoryError(message)
    raise ValueError(message)


def _entry(name: str, scores: np.ndarray):
    return getattr(_lib.lib, name + ("_f32" if scores.dtype == np.float32 else ""))


def count_summary(scores: np.ndarray, labels: np.ndarray) -> tuple:
    """(N, P, 2U, sum c_i^2, sum d_j^2) of one slice, Python integers (auroc_summary)."""
    out = (ctypes.c_uint64 * SUMMARY_WORDS)()
    status = _entry("auroc_summary", scores)(*_pointers(scores, labels), scores.shape[0], out)
    if status != _lib.OK:
        _raise("auroc_summary", status)
    w = [int(x) for x in out]
    return (w[0], w[1], w[2] + (w[3] << 64), w[4] + (w[5] << 64), w[6] + (w[7] << 64))


def weighted_summary(scores: np.ndarray, labels: np.ndarray,
                     weights: Optional[np.ndarray]) -> tuple:
    """(W_neg, W_pos, M) of one slice as exact Fractions of the library's doubles times
    their powers of two (auroc_summary_weighted)."""
    out = (ctypes.c_double * 3)()
    exponents = (ctypes.c_int * 2)()
    status = _entry("auroc_summary_weighted", scores)(
        *_pointers(scores, labels, weights), scores.shape[0], out, exponents)
    if status != _lib.OK:
        _raise("auroc_summary_weighted", status)
    e_neg, e_pos = int(exponents[0]), int(exponents[1])
    return (Fraction(out[0]) * Fraction(2) ** e_neg, Fraction(out[1]) * Fraction(2) ** e_pos,
            Fraction(out[2]) * Fraction(2) ** (e_neg + e_pos))


def summary_table(scores: np.ndarray, labels: np.ndarray,
                  weights: Optional[np.ndarray]) -> tuple:
    """(distinct scores increasing, negatives' sums, positives' sums) of one slice
    (auroc_summary_table), float64 arrays."""
    n = scores.shape[0]
    table = [np.empty(n, dtype=np.float64) for _ in range(3)]
    count = ctypes.c_size_t(0)
    pointer = ctypes.POINTER(ctypes.c_double)
    status = _entry("auroc_summary_table", scores)(
        *_pointers(scores, labels, weights), n, n, *[t.ctypes.data_as(pointer) for t in table],
        ctypes.byref(count))
    if status != _lib.OK:
        _raise("auroc_summary_table", status)
    m = count.value
    return tuple(t[:m].copy() for t in table)


def merge_counts(summaries: Sequence[tuple]) -> tuple:
    """The header's merge rule over ranges in increasing score order: (N, P, 2U, sum C^2,
    sum D^2) of all the data, exact Python integers."""
    total_p = sum(s[1] for s in summaries)
    below, above = 0, total_p
    n = p = twice_u = c2 = d2 = 0
    for n_r, p_r, u_r, c_r, d_r in summaries:
        above -= p_r
        twice_u += u_r + 2 * p_r * below
        c2 += c_r + 4 * below * u_r + 4 * p_r * below * below
        d2 += d_r + 4 * above * u_r + 4 * n_r * above * above
        below += n_r
        n += n_r
        p += p_r
    return n, p, twice_u, c2, d2


def merge_weighted(summaries: Sequence[tuple]) -> tuple:
    """(W_neg, W_pos, M) of all the data from ranges in increasing score order: exact
    sums of the ranges' values (Fractions)."""
    below = Fraction(0)
    w_neg = w_pos = mass = Fraction(0)
    for n_r, p_r, m_r in summaries:
        mass += m_r + p_r * below
        below += n_r
        w_neg += n_r
        w_pos += p_r
    return w_neg, w_pos, mass


def delong_variance(n: int, p: int, twice_u: int, c2: int, d2: int) -> float:
    """DeLong's variance of the AUROC (auroc_delong's cov[0]) from merged sums, correctly
    rounded; requires P >= 2 and N >= 2."""
    s10 = Fraction(p * c2 - twice_u * twice_u, 4 * n * n * p * p * (p - 1))
    s01 = Fraction(n * d2 - twice_u * twice_u, 4 * p * p * n * n * (n - 1))
    return float(s10 + s01)
