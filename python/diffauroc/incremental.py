"""Exact AUROC accumulated over batches: ``AUROCAccumulator``.

For evaluation loops and data-parallel workers: feed batches with ``update``, combine
workers with ``merge``, read the AUROC of everything seen with ``compute``::

    acc = AUROCAccumulator()
    for scores, labels in batches:          # NumPy arrays, JAX arrays, lists
        acc.update(scores, labels)
    acc.compute()                           # == auroc_exact(all scores, all labels)

What is kept
------------
A table sorted by score with one row per distinct score seen: the number of negatives
and of positives with that score (int64), or, once a weighted batch is seen, the exact
sums of their weights. So memory is bounded by the number of distinct scores, not by the
number of batches or samples: after any ``update`` or ``merge`` the object stores at
most 2 d - 1 rows for d >= 1 distinct scores (the table plus summaries of recent batches
not yet merged into it, which are folded in as soon as they hold as many rows as the
table). A batch is summarised by sorting it, O(b log b); summaries are merged into the
table by one stable argsort of the sorted runs (timsort merges runs) and a per-column
reduceat, which touches each table row once per fold, and a fold happens only after as
many new rows have arrived: amortised O(log r) per row for r runs.

Exactness
---------
Every quantity kept is an exact integer, so the table does not depend on how the data
were split into batches, on the order of the batches or on the order of ``merge`` calls.

- Unweighted: with P positives, N negatives and U the Mann-Whitney count (ties 1/2),
  ``compute`` forms 2U = sum_k pos_k (2 neg_{<k} + neg_k) exactly (int64 when
  2 P N < 2**63, Python integers otherwise) and returns the Python integer division
  2U / (2 P N), which is correctly rounded: the same float as ``auroc_exact`` of the
  concatenated batches, bit for bit (``auroc_exact`` returns the correctly rounded
  U / (P N)).
- Weighted: every float64 weight is an integer times a power of two, m 2**q with
  m < 2**53. The weight sums per score and class are kept exactly as integers in base
  2**32 ("limbs", int64 arrays, one column per power 2**(32 j) between the smallest and
  largest used), so ``compute`` has the exact rational
  sum_{pos i, neg j} w_i w_j ([s_i > s_j] + [s_i == s_j] / 2) / (W_pos W_neg)
  and returns it correctly rounded (Python integers). ``auroc_exact`` is within one ulp
  of the same rational, so the two agree to 2**-52 relative. Memory per distinct score
  grows with the spread of the weights' binary exponents (2 x 8 bytes per 32 bits of
  spread, plus 3 limbs): about 80 bytes for weights within a factor 2**20 of each other.
  ``compute`` on a weighted table is O(d L^2) int64 work: the exact sums are split into
  16-bit digits whose products and sums stay below 2**63 (see ``_limb_ratio``), and only
  the O(L^2) digit-pair totals become Python integers (0.2 s for 10**6 distinct scores
  and uniform weights; with 2**29 distinct scores or more, Python integers throughout).

Inputs
------
Checked as ``auroc_exact`` checks them, with the same messages, naming the element
(``AUROCAccumulator.update: scores must be finite (a score is NaN or infinite):
scores[3] = nan``): scores finite; labels 0 or 1 (bool, integer or float); weights finite
and >= 0. A batch with a bad element changes nothing. -0.0 and +0.0 are the same score.
A score that float64 cannot hold exactly (an int64 or uint64 beyond 2**53, a long double)
is a ValueError naming it: ``auroc_exact`` ranks such scores within one call, but a rank
is not comparable across batches, and rounding would change the result. A weight of 0
excludes its sample (and stores nothing for it).

No positive or no negative sample of positive weight (an empty accumulator included):
``compute`` raises ValueError, as ``auroc_exact`` does.

The state pickles (for sending between processes); pickling first folds pending batch
summaries into the table, so the pickle holds at most d rows. An accumulator is not
safe to update from several threads at once (give each thread its own and ``merge``).

Speed (2-core machine, 10**6 samples in batches of 10**4, ``bench_incremental.py``):
with 10**3 distinct scores, 0.05 s unweighted (2x one ``auroc_exact`` call on all
10**6) and 0.13 s weighted; with continuous scores, 0.26 s unweighted (about 20x) and
0.66 s weighted: NumPy's sorts and merges, where ``auroc_exact`` radix-sorts once.
"""
from __future__ import annotations

import ctypes
from typing import Any, Optional

import numpy as np

from . import _lib
from ._numpy import _as_vector, _show, _to_library

__all__ = ["AUROCAccumulator"]

_LIMB_BITS = 32
_LIMB_MASK = (1 << _LIMB_BITS) - 1
_INT64_LIMIT = 2**63
_DOUBLE_P = ctypes.POINTER(ctypes.c_double)

# The argument each sample status of diffauroc_find_invalid is about.
_STATUS_ARGUMENT = {
    _lib.E_NONFINITE_SCORE: "scores",
    _lib.E_BAD_LABEL: "labels",
    _lib.E_BAD_WEIGHT: "weights",
}


# ---- a run: sorted distinct scores with exact per-class sums ----------------------------
#
# A run is (keys, table, base):
#   keys  float64 (m,), strictly increasing, no -0.0;
#   table int64 (m, 2): column 0 negatives, column 1 positives, when base is None
#         (unweighted counts, each < 2**63);
#         int64 (m, 2, L) when base is an int: the weight sum of row i, class c is
#         sum_j table[i, c, j] * 2**(32 (base + j)), every limb in [0, 2**32) once
#         normalised (limbs of unnormalised sums are < 2**62).

def _counts_to_limbs(counts: np.ndarray) -> np.ndarray:
    """Unweighted counts (m, 2) as limbs (m, 2, 2) with base 0 (a count is weight 1 each)."""
    return np.stack([counts & _LIMB_MASK, counts >> _LIMB_BITS], axis=-1)


def _align(table: np.ndarray, base: int, low: int, high: int) -> np.ndarray:
    """Limbs ``table`` (base ``base``) widened with zero limbs to the range [low, high)."""
    width = table.shape[-1]
    return np.pad(table, [(0, 0), (0, 0), (base - low, high - base - width)])


def _normalise(table: np.ndarray, base: int) -> tuple[np.ndarray, int]:
    """Carries propagated so that every limb is in [0, 2**32), and all-zero limbs at
    either end dropped (so equal sums have equal representations). Entries must be
    nonnegative; each pass moves carries one limb up, and stops when none is left (at
    most L + 2 passes: an entry < 2**62 has 30 bits above its limb)."""
    table = table.copy()
    while True:
        carry = table >> _LIMB_BITS
        if not carry.any():
            break
        table &= _LIMB_MASK
        if carry[..., -1].any():
            table = np.concatenate([table, np.zeros_like(table[..., :1])], axis=-1)
            carry = np.concatenate([carry, np.zeros_like(carry[..., :1])], axis=-1)
        table[..., 1:] += carry[..., :-1]
    used = np.flatnonzero(table.reshape(-1, table.shape[-1]).any(axis=0))
    if used.size == 0:
        return table[..., :1] * 0, 0
    return np.ascontiguousarray(table[..., used[0]:used[-1] + 1]), base + int(used[0])


def _sorted_runs(keys: np.ndarray) -> np.ndarray:
    """Indices where each run of equal values of the sorted ``keys`` starts."""
    if keys.size == 0:
        return np.zeros(0, dtype=np.intp)
    starts = np.empty(keys.size, dtype=bool)
    starts[0] = True
    np.not_equal(keys[1:], keys[:-1], out=starts[1:])
    return np.flatnonzero(starts)


def _group(keys: list, tables: list) -> tuple[np.ndarray, np.ndarray]:
    """Runs (sorted distinct ``keys[r]`` with rows ``tables[r]``, int64 of shape (m_r, ...))
    as one run: the distinct keys of all, sorted, with the rows of equal keys added.

    One stable argsort (timsort: linear merges of the sorted runs), then per column a
    1-D gather and reduceat (a 2-D row gather is several times slower)."""
    keys = np.concatenate(keys)
    tables = np.concatenate(tables)
    if keys.size == 0:
        return keys, tables
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    starts = _sorted_runs(keys)
    columns = tables.reshape(tables.shape[0], -1)
    out = np.empty((starts.size, columns.shape[1]), dtype=np.int64)
    for c in range(columns.shape[1]):
        out[:, c] = np.add.reduceat(columns[:, c][order], starts)
    return keys[starts], out.reshape((starts.size,) + tables.shape[1:])


def _summarise_counts(keys: np.ndarray, positive: np.ndarray):
    """The run of an unweighted batch: two value sorts (one per class), no argsort."""
    runs = []
    for mask in (~positive, positive):
        s = np.sort(keys[mask])
        starts = _sorted_runs(s)
        runs.append((s[starts], np.diff(np.append(starts, s.size))))
    (neg_keys, neg_counts), (pos_keys, pos_counts) = runs
    zeros_neg, zeros_pos = np.zeros_like(neg_counts), np.zeros_like(pos_counts)
    keys, table = _group([neg_keys, pos_keys], [np.stack([neg_counts, zeros_neg], axis=1),
                                                np.stack([zeros_pos, pos_counts], axis=1)])
    return keys, table.astype(np.int64, copy=False), None


def _summarise_weights(keys: np.ndarray, positive: np.ndarray, weights: np.ndarray):
    """The run of a weighted batch, weight sums exact in limbs (samples of weight 0
    dropped)."""
    keep = weights > 0
    keys, positive, weights = keys[keep], positive[keep], weights[keep]
    if keys.size == 0:
        return keys, np.zeros((0, 2, 1), dtype=np.int64), 0
    fraction, exponent = np.frexp(weights)
    mantissa = np.ldexp(fraction, 53).astype(np.int64)  # exact: an integer < 2**53
    lowest = exponent.astype(np.int64) - 53             # weight = mantissa * 2**lowest
    limb = lowest // _LIMB_BITS
    shift = (lowest - limb * _LIMB_BITS).astype(np.uint64)  # in [0, 32)
    base = int(limb.min())
    width = int(limb.max()) - base + 3
    # mantissa * 2**shift < 2**85 as three limbs: split the mantissa at 32 bits first.
    m = mantissa.astype(np.uint64)
    low = (m & np.uint64(_LIMB_MASK)) << shift          # < 2**64
    high = (m >> np.uint64(_LIMB_BITS)) << shift        # < 2**53
    pieces = np.stack([
        low & np.uint64(_LIMB_MASK),
        (low >> np.uint64(_LIMB_BITS)) + (high & np.uint64(_LIMB_MASK)),  # < 2**33
        high >> np.uint64(_LIMB_BITS),
    ], axis=1).astype(np.int64)
    distinct, inverse = np.unique(keys, return_inverse=True)
    row = (inverse.reshape(-1) * 2 + positive) * width + (limb - base)
    table = np.zeros(distinct.size * 2 * width, dtype=np.int64)
    for j in range(3):
        np.add.at(table, row + j, pieces[:, j])  # sums < 2**33 n: exact below 2**62
    table, base = _normalise(table.reshape(distinct.size, 2, width), base)
    return distinct, table, base


def _merge_runs(runs: list) -> tuple:
    """One run with the keys of all ``runs`` and the exact sums of their rows."""
    runs = [r for r in runs if r[0].size] or runs[:1]
    if len(runs) == 1:
        return runs[0]
    keys = [r[0] for r in runs]
    if all(r[2] is None for r in runs):
        return (*_group(keys, [r[1] for r in runs]), None)
    limbs = [(_counts_to_limbs(t), 0) if b is None else (t, b) for _, t, b in runs]
    low = min(b for _, b in limbs)
    high = max(b + t.shape[-1] for t, b in limbs)
    union, table = _group(keys, [_align(t, b, low, high) for t, b in limbs])
    # Row sums of at most len(runs) normalised limbs (< 2**32 each): < 2**62.
    table, base = _normalise(table, low)
    return union, table, base


def _integers(table: np.ndarray) -> np.ndarray:
    """Limbs (m, 2, L) as Python integers (m, 2): sum_j table[..., j] 2**(32 j)."""
    values = table[..., -1].astype(object)
    for j in range(table.shape[-1] - 2, -1, -1):
        values = (values << _LIMB_BITS) + table[..., j].astype(object)
    return values


def _exact_ratio(neg: np.ndarray, pos: np.ndarray) -> Optional[float]:
    """sum_k pos_k (neg_{<k} + neg_k / 2) / (sum pos sum neg), correctly rounded, from
    per-score integer sums (int64 or Python-integer object arrays); None if a class sum
    is 0."""
    total_pos, total_neg = int(pos.sum()), int(neg.sum())
    if total_pos == 0 or total_neg == 0:
        return None
    denominator = 2 * total_pos * total_neg
    if neg.dtype == object or denominator >= _INT64_LIMIT:
        neg, pos = neg.astype(object), pos.astype(object)
    # 2 U = sum_k pos_k (2 neg_{<k} + neg_k): nonnegative terms, so every partial sum is
    # at most 2 P N, which is below 2**63 on the int64 path: exact.
    below = np.cumsum(neg) - neg
    twice_u = int(np.dot(pos, 2 * below + neg))
    return twice_u / denominator  # int / int: correctly rounded


_DIGIT_BITS = 16
_FAST_ROWS = 2**29  # below this, every int64 sum in _limb_ratio stays below 2**63


def _digits(columns: np.ndarray, width: int) -> tuple[np.ndarray, list]:
    """Nonnegative int64 ``columns`` (m, L), column k weighing 2**(32 k), each entry below
    2**(16 width), split into 16-bit digits: (L width, m), one contiguous row per digit,
    and the weight (power of two) of every digit row."""
    parts, shifts = [], []
    for k in range(columns.shape[1]):
        for d in range(width):
            parts.append((columns[:, k] >> (_DIGIT_BITS * d)) & 0xFFFF)
            shifts.append(_LIMB_BITS * k + _DIGIT_BITS * d)
    return np.stack(parts), shifts


def _limb_ratio(table: np.ndarray) -> Optional[float]:
    """``_exact_ratio`` of the weight sums in normalised limbs ``table`` (m, 2, L), in
    int64 arithmetic (m < 2**29): the same exact integers, faster than Python integers.

    With neg_k, pos_k the limb rows (entries < 2**32) and T_k = 2 neg_{<k} + neg_k
    = 2 cumsum(neg)_k - neg_k (per limb column: entries < 2**33 m < 2**62),
    2U = sum_k pos_k T_k. Splitting pos into 16-bit digits (2 per limb) and T into 16-bit
    digits (4 per limb) makes every digit product < 2**32, so each sum over k of one
    digit pair (a matrix product) is < 2**32 m < 2**61: exact. The digit-pair sums are
    then combined with their powers of two in Python integers."""
    neg = np.ascontiguousarray(table[:, 0, :])
    pos = np.ascontiguousarray(table[:, 1, :])
    total_neg = sum(int(c) << (_LIMB_BITS * k) for k, c in enumerate(neg.sum(axis=0)))
    total_pos = sum(int(c) << (_LIMB_BITS * k) for k, c in enumerate(pos.sum(axis=0)))
    if total_pos == 0 or total_neg == 0:
        return None
    twice_below = 2 * np.cumsum(neg, axis=0) - neg
    pos_digits, pos_shifts = _digits(pos, 2)
    t_digits, t_shifts = _digits(twice_below, 4)
    products = pos_digits @ t_digits.T
    twice_u = 0
    for a, shift_a in enumerate(pos_shifts):
        for c, shift_c in enumerate(t_shifts):
            twice_u += int(products[a, c]) << (shift_a + shift_c)
    return twice_u / (2 * total_pos * total_neg)  # int / int: correctly rounded


# ---- the accumulator --------------------------------------------------------------------

class AUROCAccumulator:
    """Exact AUROC over batches: ``update`` with each batch, ``merge`` other workers'
    accumulators, ``compute`` the AUROC of all samples seen.

    ``compute()`` equals ``diffauroc.auroc_exact`` of all batches concatenated: bit for
    bit without weights; with weights it is the correctly rounded exact value, which
    ``auroc_exact`` matches to one ulp. Memory is bounded by the number of distinct
    scores seen. See the module documentation for the exactness argument.

    Examples
    --------
    >>> from diffauroc.incremental import AUROCAccumulator
    >>> acc = AUROCAccumulator()
    >>> acc.update([0.1, 0.4], [0, 0])
    >>> acc.update([0.35, 0.8], [1, 1])
    >>> acc.compute()
    0.75
    >>> other = AUROCAccumulator()
    >>> other.update([0.4], [1])          # a tie with the negative 0.4: counts 1/2
    >>> acc.merge(other).compute()        # (1 + 2 + 1.5) / (3 x 2)
    0.75
    >>> acc.n_distinct
    4
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget every sample."""
        self._table: tuple = (np.zeros(0), np.zeros((0, 2), dtype=np.int64), None)
        self._pending: list = []
        self._pending_rows = 0

    # ---- adding data ----

    def update(self, scores: Any, labels: Any, weights: Any = None) -> None:
        """Add a batch.

        Parameters
        ----------
        scores : array_like, shape (b,)
            Finite real scores (any real or bool dtype, NumPy or JAX array or list),
            exactly representable in float64. b = 0 is allowed.
        labels : array_like, shape (b,)
            1 for a positive, 0 for a negative.
        weights : array_like, shape (b,), optional
            Finite weights >= 0 (default: every sample weight 1). Batches with and
            without weights may be mixed.

        Raises
        ------
        ValueError
            Shapes differ or are not 1-D; a bad element (named in the message); a score
            or weight that float64 cannot hold exactly. The accumulator is unchanged.
        TypeError
            Complex, string or object inputs.
        """
        run = self._summarise("AUROCAccumulator.update", scores, labels, weights)
        self._add([run])

    def merge(self, other: "AUROCAccumulator") -> "AUROCAccumulator":
        """Add every sample of ``other`` (which is not changed); returns ``self``.

        Exact integer sums make merging associative and commutative: any tree of merges
        over the same data gives the same table and the same ``compute()`` bits.
        """
        if not isinstance(other, AUROCAccumulator):
            raise TypeError(
                f"AUROCAccumulator.merge: expected an AUROCAccumulator; got "
                f"{type(other).__name__}"
            )
        self._add([other._table, *other._pending])  # runs are never modified in place
        return self

    # ---- results ----

    def compute(self) -> float:
        """The exact AUROC of every sample seen (ties count 1/2).

        Returns
        -------
        float
            In [0, 1]: ``auroc_exact`` of all batches concatenated (bit for bit without
            weights; with weights the correctly rounded exact value, within one ulp of
            ``auroc_exact``'s).

        Raises
        ------
        ValueError
            No positive or no negative sample of positive weight (an empty accumulator
            included), as ``auroc_exact``.
        """
        keys, table, base = self._compact()
        if base is None:
            value = _exact_ratio(table[:, 0], table[:, 1])
        else:
            # Sums in units of 2**(32 base), which cancel in the ratio.
            if table.shape[0] < _FAST_ROWS:
                value = _limb_ratio(table)
            else:
                sums = _integers(table)
                value = _exact_ratio(sums[:, 0], sums[:, 1])
        if value is None:
            raise ValueError(
                f"AUROCAccumulator.compute: {_lib.strerror(_lib.E_ONE_CLASS)}"
            )
        return value

    @property
    def n_distinct(self) -> int:
        """The number of distinct scores (of positive weight) seen."""
        return int(self._compact()[0].size)

    @property
    def stored_rows(self) -> int:
        """Rows held now (table plus pending batch summaries): below 2 x n_distinct
        after every update or merge."""
        return int(self._table[0].size + self._pending_rows)

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays of the state."""
        return sum(k.nbytes + t.nbytes for k, t, _ in [self._table, *self._pending])

    @property
    def weighted(self) -> bool:
        """Whether weight sums (exact limbs) are kept rather than counts: once a batch
        with a positive weight is seen."""
        return any(b is not None for _, _, b in [self._table, *self._pending])

    def __getstate__(self) -> dict:
        self._compact()
        return self.__dict__.copy()

    def __repr__(self) -> str:
        return (f"AUROCAccumulator(stored_rows={self.stored_rows}, "
                f"weighted={self.weighted})")

    # ---- internals ----

    def _add(self, runs: list) -> None:
        for run in runs:
            self._pending.append(run)
            self._pending_rows += run[0].size
        if self._pending_rows >= self._table[0].size:
            self._compact()

    def _compact(self) -> tuple:
        if self._pending:
            self._table = _merge_runs([self._table, *self._pending])
            self._pending = []
            self._pending_rows = 0
        return self._table

    @staticmethod
    def _summarise(function: str, scores: Any, labels: Any, weights: Any) -> tuple:
        given = {
            "scores": _as_vector(function, "scores", scores),
            "labels": _as_vector(function, "labels", labels),
            "weights": None if weights is None else _as_vector(function, "weights", weights),
        }
        s, y, w = given["scores"], given["labels"], given["weights"]
        for name, array in (("labels", y), ("weights", w)):
            if array is not None and array.shape != s.shape:
                raise ValueError(
                    f"{function}: {name} must have the same length as scores; got shapes "
                    f"{array.shape} and {s.shape}"
                )
        float64 = np.dtype(np.float64)
        s64 = _to_library(function, "scores", s, float64, exact=False, scores=False)
        y64 = _to_library(function, "labels", y, float64, exact=False, scores=False)
        w64 = None if w is None else _to_library(function, "weights", w, float64, exact=False,
                                                 scores=False)
        # The library's own sample checks (finite scores, labels 0/1, weights >= 0 and
        # finite), in its order, so messages match auroc_exact's.
        index = ctypes.c_size_t(0)
        status = _lib.lib.diffauroc_find_invalid(
            s64.ctypes.data_as(_DOUBLE_P), y64.ctypes.data_as(_DOUBLE_P),
            None if w64 is None else w64.ctypes.data_as(_DOUBLE_P), s64.shape[0],
            ctypes.byref(index),
        )
        if status != _lib.OK:
            message = f"{function}: {_lib.strerror(status)}"
            name = _STATUS_ARGUMENT.get(status)
            if name is not None:
                i = index.value
                message = f"{message}: {name}[{i}] = {_show(given[name][i])}"
            if status == _lib.E_NO_MEMORY:
                raise MemoryError(message)
            raise ValueError(message)
        keys = s64 + 0.0  # -0.0 + 0.0 is +0.0: one key for both zeros (and a copy)
        positive = y64 == 1.0
        if w64 is None:
            return _summarise_counts(keys, positive)
        return _summarise_weights(keys, positive, w64)
