"""Independent float64 NumPy oracles for the soft and exact AUROC (no diffauroc code).

Soft (DESIGN.md): with x_ij = (s_i - s_j) / T over positives i and negatives j,

    value      = sum_ij w_i w_j sigmoid(x_ij) / (W_pos W_neg)
    d/ds_i     =  w_i / (T W_pos W_neg) * sum_j w_j sigmoid'(x_ij)      (i positive)
    d/ds_j     = -w_j / (T W_pos W_neg) * sum_i w_i sigmoid'(x_ij)      (j negative)
    d/dT       = -1 / (T W_pos W_neg) * sum_ij w_i w_j x_ij sigmoid'(x_ij)

evaluated directly over all pairs, in chunks of rows so that memory stays bounded. Each
row sum runs along the contiguous axis (NumPy's pairwise summation, error ~ log2(n) eps)
and the rows are added with math.fsum, so the oracle's own error is a few eps of each
quantity's scale. The positives' sums come from chunks of the (pos x neg) matrix and the
negatives' sums from chunks of its transpose, so that every sum is a row sum.

Kernels are the numerically stable forms with e = exp(-|x|) in [0, 1]:
sigmoid(x) = 1/(1+e) for x >= 0 and e/(1+e) for x < 0; sigmoid'(x) = e/(1+e)^2; and
x sigmoid'(x) is taken as 0 where x is infinite (its limit), which happens when s_i - s_j
overflows (scores near +-1e308).

Exact: twice the Mann-Whitney U as an integer, from sorted negatives (binary search), and a
weighted version in exact rational arithmetic (fractions.Fraction).
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

CHUNK_ELEMENTS = 1 << 21  # at most ~2M pairs (a few 16 MB arrays) per chunk


def sigmoid(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_slope(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))
    return e / ((1.0 + e) * (1.0 + e))


def sigmoid_moment(x: np.ndarray) -> np.ndarray:
    """x * sigmoid'(x), 0 where x is infinite."""
    with np.errstate(invalid="ignore"):
        m = x * sigmoid_slope(x)
    return np.where(np.isfinite(x), m, 0.0)


def _scaled_differences(rows: np.ndarray, cols: np.ndarray, temperature: float) -> np.ndarray:
    """(rows[:, None] - cols[None, :]) / T; an overflowing difference becomes +-inf."""
    with np.errstate(over="ignore"):
        return (rows[:, None] - cols[None, :]) / temperature


def _split(scores, labels, weights):
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    w = np.ones_like(s) if weights is None else np.asarray(weights, dtype=np.float64)
    assert s.ndim == 1 and s.shape == y.shape == w.shape
    assert np.all(np.isfinite(s)) and np.all((y == 0) | (y == 1)) and np.all(w >= 0)
    pos = (y == 1) & (w > 0)
    neg = (y == 0) & (w > 0)
    return s, w, pos, neg


def soft(scores, labels, temperature, weights=None):
    """(value, grad of shape (n,), d value / dT) of the soft AUROC; zeros with no pair."""
    s, w, pos, neg = _split(scores, labels, weights)
    t = float(temperature)
    grad = np.zeros_like(s)
    if not pos.any() or not neg.any():
        return 0.0, grad, 0.0
    sp, wp = s[pos], w[pos]
    sn, wn = s[neg], w[neg]
    total_pos = math.fsum(wp)
    total_neg = math.fsum(wn)

    # Rows = positives: value, d/dT and the positives' slope sums.
    value_terms, moment_terms = [], []
    slope_pos = np.empty_like(sp)
    rows = max(1, CHUNK_ELEMENTS // sn.size)
    for start in range(0, sp.size, rows):
        stop = min(start + rows, sp.size)
        x = _scaled_differences(sp[start:stop], sn, t)
        value_terms.append(wp[start:stop] * np.sum(sigmoid(x) * wn, axis=1))
        moment_terms.append(wp[start:stop] * np.sum(sigmoid_moment(x) * wn, axis=1))
        slope_pos[start:stop] = np.sum(sigmoid_slope(x) * wn, axis=1)

    # Rows = negatives: the negatives' slope sums (x transposed, same values).
    slope_neg = np.empty_like(sn)
    rows = max(1, CHUNK_ELEMENTS // sp.size)
    for start in range(0, sn.size, rows):
        stop = min(start + rows, sn.size)
        x = -_scaled_differences(sn[start:stop], sp, t)  # x[j, i] = (s_i - s_j) / T
        slope_neg[start:stop] = np.sum(sigmoid_slope(x) * wp, axis=1)

    pairs = total_pos * total_neg
    value = math.fsum(np.concatenate(value_terms)) / pairs
    dtemperature = -(math.fsum(np.concatenate(moment_terms)) / pairs) / t
    grad[pos] = (wp * slope_pos / pairs) / t
    grad[neg] = -(wn * slope_neg / pairs) / t
    return value, grad, dtemperature


def gradient_scale(labels, temperature, weights=None) -> np.ndarray:
    """The natural scale of each gradient entry: w_k / (T * W_class(k)).

    Unweighted, 1/(T P) for a positive and 1/(T N) for a negative. 0 for a sample of
    weight 0 (whose gradient must be exactly 0) and for a class without weight.
    """
    y = np.asarray(labels, dtype=np.float64)
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype=np.float64)
    total_pos = math.fsum(w[y == 1])
    total_neg = math.fsum(w[y == 0])
    scale = np.zeros_like(y)
    if total_pos > 0 and total_neg > 0:
        scale[y == 1] = w[y == 1] / (temperature * total_pos)
        scale[y == 0] = w[y == 0] / (temperature * total_neg)
    return scale


def twice_mann_whitney(scores, labels) -> tuple[int, int, int]:
    """(2U, P, N) as Python ints: 2U = sum over (pos, neg) pairs of 2[s_i > s_j] + [s_i == s_j].

    O(n log n): for each positive, the negatives strictly below it (left insertion point)
    plus those at or below it (right insertion point) is 2[>] + [==] summed over negatives.
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels)
    negatives = np.sort(s[y == 0])
    positives = s[y == 1]
    below = np.searchsorted(negatives, positives, side="left").astype(np.int64)
    at_or_below = np.searchsorted(negatives, positives, side="right").astype(np.int64)
    return int(below.sum()) + int(at_or_below.sum()), positives.size, negatives.size


def twice_mann_whitney_pairs(scores, labels) -> int:
    """2U by the definition, over every pair (O(P N), for small inputs)."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels)
    d = s[y == 1][:, None] - s[y == 0][None, :]
    return int(2 * np.count_nonzero(d > 0) + np.count_nonzero(d == 0))


def exact_unweighted(scores, labels) -> float:
    """The correctly rounded double of U / (P N)."""
    twice_u, p, n = twice_mann_whitney(scores, labels)
    return float(Fraction(twice_u, 2 * p * n))


def exact_weighted_fraction(scores, labels, weights) -> Fraction:
    """The weighted AUROC as an exact rational (the weights' binary values taken exactly):

        sum_ij w_i w_j ([s_i > s_j] + [s_i == s_j] / 2) / (W_pos W_neg),

    from one sweep over the distinct scores in increasing order.
    """
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels)
    w = np.asarray(weights, dtype=np.float64)
    order = np.argsort(s, kind="stable")
    total = Fraction(0)
    negatives_below = Fraction(0)
    total_pos = Fraction(0)
    k = 0
    while k < order.size:
        group_pos = Fraction(0)
        group_neg = Fraction(0)
        value = s[order[k]]
        while k < order.size and s[order[k]] == value:
            i = order[k]
            if y[i] == 1:
                group_pos += Fraction(float(w[i]))
            else:
                group_neg += Fraction(float(w[i]))
            k += 1
        total += group_pos * (negatives_below + group_neg / 2)
        negatives_below += group_neg
        total_pos += group_pos
    return total / (total_pos * negatives_below)


def exact_weighted_rational(scores, labels, weights) -> Fraction | None:
    """The weighted AUROC as an exact rational (None if a class has no weight), by integer
    arithmetic: the weights (dyadic, as every float is) scaled to integers by their largest
    denominator, then one sweep over the distinct scores. Fast enough for 10^5 samples,
    unlike `exact_weighted_fraction`'s Fraction sums."""
    pairs = [(float(s), float(y), Fraction(float(w)))
             for s, y, w in zip(scores, labels, weights) if w > 0]
    if not pairs:
        return None
    scale = max(f.denominator for _, _, f in pairs)  # a power of two
    items = sorted(((s, y, int(f * scale)) for s, y, f in pairs), key=lambda t: t[0])
    twice_u = negatives_below = w_pos = w_neg = 0
    k = 0
    while k < len(items):
        end = k
        group_pos = group_neg = 0
        while end < len(items) and items[end][0] == items[k][0]:
            if items[end][1] == 1.0:
                group_pos += items[end][2]
            else:
                group_neg += items[end][2]
            end += 1
        twice_u += group_pos * (2 * negatives_below + group_neg)
        negatives_below += group_neg
        w_pos += group_pos
        w_neg += group_neg
        k = end
    if w_pos == 0 or w_neg == 0:
        return None
    return Fraction(twice_u, 2 * w_pos * w_neg)
