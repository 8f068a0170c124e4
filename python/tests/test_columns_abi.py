"""The column exports (auroc_exact_columns, auroc_exact_ovr, auroc_exact_ovo,
auroc_partial_columns and their _f32 variants), called through ctypes (``_lib.lib``),
against scikit-learn 1.9: roc_auc_score on each column, multilabel average=None, the
multiclass one-vs-rest per class and its macro/weighted averages, every one-vs-one pair
value against roc_auc_score on the pair's samples (and Hand and Till's average against
multi_class="ovo"), and roc_auc_score(max_fpr=) against the partial columns' McClish
value. Random data with heavy ties, weights (zeros included), float32, C- and
Fortran-ordered arrays and slices (strides passed in elements, as the header says).

As a consistency check only (it compares the library with itself), each column is also
the same bits as auroc_exact / auroc_partial on the gathered column, which the header
promises; the parity claims rest on the scikit-learn comparisons."""
from __future__ import annotations

import ctypes
import warnings

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from diffauroc import _lib

_double_p = ctypes.POINTER(ctypes.c_double)
_float_p = ctypes.POINTER(ctypes.c_float)
_int_p = ctypes.POINTER(ctypes.c_int)

SENT = -7.25
STATUS_SENT = -999
# scikit-learn's value carries its own float64 rounding (rates divided point by point,
# trapezoids summed; weighted cumulative sums), about 1e-15 at n = 10^4 with lognormal
# weights; the library's is within 1 ulp of the exact ratio (the C tests hold it to an
# independent long-double oracle and to the correctly rounded rational).
TOL = 1e-13


def _ptr(array):
    if array is None:
        return None
    return array.ctypes.data_as(_float_p if array.dtype == np.float32 else _double_p)


def _strides(array):
    """(sample_stride, column_stride) in elements of a 2-D array (positive strides)."""
    assert array.ndim == 2 and all(s >= 0 and s % array.itemsize == 0 for s in array.strides)
    return array.strides[0] // array.itemsize, array.strides[1] // array.itemsize


def _vector_stride(array):
    assert array.ndim == 1 and array.strides[0] % array.itemsize == 0
    return array.strides[0] // array.itemsize


def c_columns(scores, labels, weights=None):
    """(status, values, statuses) of auroc_exact_columns(_f32). labels: 1-D (shared) or
    2-D, any strides."""
    n, k = scores.shape
    f32 = scores.dtype == np.float32
    function = _lib.lib.auroc_exact_columns_f32 if f32 else _lib.lib.auroc_exact_columns
    ss, cs = _strides(scores)
    if labels.ndim == 1:
        ls, lc = _vector_stride(labels), 0
    else:
        ls, lc = _strides(labels)
    values = np.full(k + 1, SENT)
    status = np.full(k + 1, STATUS_SENT, dtype=np.intc)
    rc = function(_ptr(scores), n, k, ss, cs, _ptr(labels), ls, lc, _ptr(weights),
                  _ptr(values), status.ctypes.data_as(_int_p))
    assert values[k] == SENT and status[k] == STATUS_SENT  # nothing past k
    return rc, values[:k], status[:k]


def c_ovr(scores, classes, weights=None):
    n, k = scores.shape
    f32 = scores.dtype == np.float32
    function = _lib.lib.auroc_exact_ovr_f32 if f32 else _lib.lib.auroc_exact_ovr
    ss, cs = _strides(scores)
    values = np.full(k + 1, SENT)
    status = np.full(k + 1, STATUS_SENT, dtype=np.intc)
    rc = function(_ptr(scores), n, k, ss, cs, _ptr(classes), _ptr(weights), _ptr(values),
                  status.ctypes.data_as(_int_p))
    assert values[k] == SENT and status[k] == STATUS_SENT
    return rc, values[:k], status[:k]


def c_ovo(scores, classes):
    n, k = scores.shape
    f32 = scores.dtype == np.float32
    function = _lib.lib.auroc_exact_ovo_f32 if f32 else _lib.lib.auroc_exact_ovo
    ss, cs = _strides(scores)
    pairs = np.full(k * k + 1, SENT)
    status = np.full(k * k + 1, STATUS_SENT, dtype=np.intc)
    rc = function(_ptr(scores), n, k, ss, cs, _ptr(classes), _ptr(pairs),
                  status.ctypes.data_as(_int_p))
    assert pairs[k * k] == SENT and status[k * k] == STATUS_SENT
    return rc, pairs[:k * k].reshape(k, k), status[:k * k].reshape(k, k)


def c_partial_columns(scores, labels, weights, axis, lower, upper):
    n, k = scores.shape
    f32 = scores.dtype == np.float32
    function = _lib.lib.auroc_partial_columns_f32 if f32 else _lib.lib.auroc_partial_columns
    ss, cs = _strides(scores)
    ls, lc = (_vector_stride(labels), 0) if labels.ndim == 1 else _strides(labels)
    area, standardized = np.full(k, SENT), np.full(k, SENT)
    status = np.full(k, STATUS_SENT, dtype=np.intc)
    rc = function(_ptr(scores), n, k, ss, cs, _ptr(labels), ls, lc, _ptr(weights), axis,
                  lower, upper, _ptr(area), _ptr(standardized), status.ctypes.data_as(_int_p))
    return rc, area, standardized, status


def c_exact(scores, labels, weights=None):
    """auroc_exact(_f32) of contiguous copies: (status, value)."""
    scores, labels = np.ascontiguousarray(scores), np.ascontiguousarray(labels)
    weights = None if weights is None else np.ascontiguousarray(weights)
    f32 = scores.dtype == np.float32
    function = _lib.lib.auroc_exact_f32 if f32 else _lib.lib.auroc_exact
    value = ctypes.c_double(SENT)
    rc = function(_ptr(scores), _ptr(labels), _ptr(weights), scores.size, ctypes.byref(value))
    return rc, value.value


def layout(array, order, rng):
    """The same n x k values as a C-ordered, Fortran-ordered or sliced (strided) array."""
    if order == "C":
        return np.ascontiguousarray(array)
    if order == "F":
        return np.asfortranarray(array)
    # a slice of a larger array: every third row, every other column, NaN elsewhere
    n, k = array.shape
    big = np.full((3 * n + 1, 2 * k + 1), np.nan, dtype=array.dtype)
    big[1::3, 1::2][:n, :k] = array
    view = big[1::3, 1::2][:n, :k]
    assert not view.flags.c_contiguous and not view.flags.f_contiguous
    return view


def data(rng, n, k, levels, weighting, dtype):
    scores = (rng.integers(0, levels, (n, k)) / 8.0 - 1.0).astype(dtype)
    if weighting is None:
        weights = None
    elif weighting == "zeros":
        weights = rng.integers(0, 4, n).astype(dtype)
    else:
        weights = np.where(rng.random(n) < 0.15, 0.0, rng.lognormal(size=n)).astype(dtype)
    return scores, weights


def sk_auc(labels, scores, weights=None, **kwargs):
    """roc_auc_score, NaN (as average=None gives) when a class is absent."""
    keep = np.ones(labels.shape[0], bool) if weights is None else weights > 0
    if np.unique(labels[keep]).size < 2:
        return np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return roc_auc_score(labels, scores, sample_weight=weights, **kwargs)


CASES = [
    pytest.param(seed, n, k, levels, weighting, dtype, order,
                 id=f"n{n}-k{k}-l{levels}-w{weighting}-{np.dtype(dtype).name}-{order}")
    for seed, (n, k, levels, weighting, dtype, order) in enumerate(
        (n, k, levels, weighting, dtype, order)
        for n, k in ((3, 2), (50, 4), (700, 6), (9000, 8))
        for levels in (3, 40)
        for weighting in (None, "zeros", "lognormal")
        for dtype in (np.float64, np.float32)
        for order in ("C", "F", "slice")
    )
]


@pytest.mark.parametrize("seed,n,k,levels,weighting,dtype,order", CASES)
def test_columns_multilabel(seed, n, k, levels, weighting, dtype, order):
    """Per-column labels: roc_auc_score(Y, S, average=None) and per column."""
    rng = np.random.default_rng(seed)
    scores, weights = data(rng, n, k, levels, weighting, dtype)
    labels = (rng.random((n, k)) < rng.uniform(0.05, 0.6, k)).astype(dtype)
    s, y = layout(scores, order, rng), layout(labels, "F" if order == "C" else "C", rng)
    rc, values, status = c_columns(s, y, weights)
    want = np.array([sk_auc(labels[:, j], scores[:, j], weights) for j in range(k)])
    assert rc == (_lib.W_ONE_CLASS if np.isnan(want).any() else _lib.OK)
    np.testing.assert_array_equal(status, np.where(np.isnan(want), _lib.E_ONE_CLASS, _lib.OK))
    np.testing.assert_allclose(values, want, rtol=0, atol=TOL)
    if not np.isnan(want).any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            multilabel = roc_auc_score(labels, scores, average=None, sample_weight=weights)
        np.testing.assert_allclose(values, multilabel, rtol=0, atol=TOL)
    for j in range(k):  # consistency: the gathered column through auroc_exact
        single = c_exact(scores[:, j], labels[:, j], weights)
        if single[0] == _lib.OK:
            assert single[1] == values[j]


@pytest.mark.parametrize("seed,n,k,levels,weighting,dtype,order", CASES[::3])
def test_columns_shared_labels(seed, n, k, levels, weighting, dtype, order):
    """label_column_stride 0: k classifiers of one problem, each roc_auc_score."""
    rng = np.random.default_rng(1000 + seed)
    scores, weights = data(rng, n, k, levels, weighting, dtype)
    y = (rng.random(n) < 0.3).astype(dtype)
    y[:2] = [0, 1]
    if weights is not None:
        weights[:2] = 1
    strided = np.empty(2 * n, dtype)  # a label vector with sample stride 2
    strided[::2] = y
    strided[1::2] = 5  # never read (not a label)
    for labels in (y, strided[::2]):
        rc, values, status = c_columns(layout(scores, order, rng), labels, weights)
        assert rc == _lib.OK and (status == 0).all()
        want = [sk_auc(y, scores[:, j], weights) for j in range(k)]
        np.testing.assert_allclose(values, want, rtol=0, atol=TOL)


@pytest.mark.parametrize("seed,n,k,levels,weighting,dtype,order", CASES[1::2])
def test_ovr(seed, n, k, levels, weighting, dtype, order):
    """One-vs-rest: per class roc_auc_score(classes == j, S[:, j]), and scikit-learn's
    multi_class="ovr" macro and weighted averages of the values."""
    rng = np.random.default_rng(2000 + seed)
    scores, weights = data(rng, n, k, levels, weighting, dtype)
    classes = rng.integers(0, k, n)
    if n >= 2 * k:
        classes[:k] = np.arange(k)  # every class present
        if weights is not None:
            weights[:k] = 1
    rc, values, status = c_ovr(layout(scores, order, rng), classes.astype(dtype), weights)
    want = np.array([sk_auc((classes == j).astype(float), scores[:, j], weights)
                     for j in range(k)])
    assert rc == (_lib.W_ONE_CLASS if np.isnan(want).any() else _lib.OK)
    np.testing.assert_array_equal(status, np.where(np.isnan(want), _lib.E_ONE_CLASS, _lib.OK))
    np.testing.assert_allclose(values, want, rtol=0, atol=TOL)
    if n >= 2 * k:
        # scikit-learn's multiclass path wants probabilities: rows scaled to sum 1 (a
        # positive scaling per row changes each column's ranking, so recompute on them)
        probs = (scores.astype(np.float64) + 2.0)
        probs /= probs.sum(axis=1, keepdims=True)
        rc, pv, _ = c_ovr(layout(probs, order, rng), classes.astype(np.float64),
                          None if weights is None else weights.astype(np.float64))
        assert rc == _lib.OK
        w64 = None if weights is None else weights.astype(np.float64)
        for average in ("macro", "weighted"):
            sk = roc_auc_score(classes, probs, multi_class="ovr", average=average,
                               sample_weight=w64)
            if average == "macro":
                ours = pv.mean()
            else:  # prevalence: each class's (weighted) count
                prevalence = np.array([(w64 if w64 is not None else np.ones(n))[classes == j].sum()
                                       for j in range(k)])
                ours = np.average(pv, weights=prevalence)
            assert abs(ours - sk) <= 1e-14, average
    for j in range(k):
        single = c_exact(scores[:, j], (classes == j).astype(dtype), weights)
        if single[0] == _lib.OK:
            assert single[1] == values[j]


@pytest.mark.parametrize("seed,n,k,levels,weighting,dtype,order",
                         [c for c in CASES[::2] if c.values[4] is None])
def test_ovo(seed, n, k, levels, weighting, dtype, order):
    """One-vs-one: out_pairs[a, b] = roc_auc_score on classes a, b of column a (class a
    positive); Hand and Till's mean against multi_class="ovo" (macro and weighted)."""
    rng = np.random.default_rng(3000 + seed)
    scores, _ = data(rng, n, k, levels, None, dtype)
    classes = rng.integers(0, k, n)
    if n >= 2 * k:
        classes[:k] = np.arange(k)
    rc, pairs, status = c_ovo(layout(scores, order, rng), classes.astype(dtype))
    any_nan = False
    for a in range(k):
        assert pairs[a, a] == SENT and status[a, a] == STATUS_SENT  # diagonal untouched
        for b in range(k):
            if a == b:
                continue
            mask = (classes == a) | (classes == b)
            want = sk_auc((classes[mask] == a).astype(float), scores[mask, a])
            any_nan |= np.isnan(want)
            assert status[a, b] == (_lib.E_ONE_CLASS if np.isnan(want) else _lib.OK)
            np.testing.assert_allclose(pairs[a, b], want, rtol=0, atol=TOL)
    assert rc == (_lib.W_ONE_CLASS if any_nan else _lib.OK)
    if not any_nan and k > 2:
        probs = scores.astype(np.float64) + 2.0
        probs /= probs.sum(axis=1, keepdims=True)
        rc, pp, _ = c_ovo(layout(probs, order, rng), classes.astype(np.float64))
        assert rc == _lib.OK
        iu = np.triu_indices(k, 1)
        pair_scores = (pp[iu] + pp.T[iu]) / 2
        prevalence = np.array([np.mean((classes == a) | (classes == b)) for a, b in zip(*iu)])
        assert abs(pair_scores.mean()
                   - roc_auc_score(classes, probs, multi_class="ovo", average="macro")) <= 1e-14
        assert abs(np.average(pair_scores, weights=prevalence)
                   - roc_auc_score(classes, probs, multi_class="ovo", average="weighted")) <= 1e-14


@pytest.mark.parametrize("seed,n,k,levels,weighting,dtype,order", CASES[::4])
@pytest.mark.parametrize("max_fpr", [0.05, 0.3, 0.8])
def test_partial_columns_max_fpr(seed, n, k, levels, weighting, dtype, order, max_fpr):
    """roc_auc_score(Y[:, j], S[:, j], max_fpr=m) is out_standardized over FPR [0, m]."""
    rng = np.random.default_rng(4000 + seed)
    scores, weights = data(rng, n, k, levels, weighting, dtype)
    labels = (rng.random((n, k)) < 0.4).astype(dtype)
    rc, area, standardized, status = c_partial_columns(
        layout(scores, order, rng), layout(labels, order, rng), weights,
        0, 0.0, max_fpr)  # DIFFAUROC_AXIS_FPR
    for j in range(k):
        want = sk_auc(labels[:, j], scores[:, j], weights, max_fpr=max_fpr)
        if np.isnan(want):
            assert status[j] == _lib.E_ONE_CLASS and np.isnan(area[j]) and np.isnan(standardized[j])
            continue
        assert status[j] in (_lib.OK, _lib.W_BELOW_DIAGONAL)
        assert abs(standardized[j] - want) <= TOL, (j, want)
    assert rc in (_lib.OK, _lib.W_ONE_CLASS, _lib.W_BELOW_DIAGONAL)


def test_bad_inputs_named():
    """A NaN score at row 5 of column 3 (C order): E_NONFINITE_SCORE, out_status names
    column 3, diffauroc_find_invalid on that column names row 5; no value written."""
    rng = np.random.default_rng(7)
    scores = rng.random((8, 5))
    labels = (rng.random((8, 5)) < 0.5).astype(float)
    scores[5, 3] = np.nan
    rc, values, status = c_columns(scores, labels)
    assert rc == _lib.E_NONFINITE_SCORE
    assert list(status) == [0, 0, 0, _lib.E_NONFINITE_SCORE, 0]
    assert (values == SENT).all()
    index = ctypes.c_size_t(99)
    column = np.ascontiguousarray(scores[:, 3])
    found = _lib.lib.diffauroc_find_invalid(_ptr(column), _ptr(np.ascontiguousarray(labels[:, 3])),
                                            None, 8, ctypes.byref(index))
    assert found == _lib.E_NONFINITE_SCORE and index.value == 5
    assert "classes" in _lib.strerror(_lib.E_BAD_CLASS)
    for bad in (1.5, -1.0, 5.0, np.nan):
        classes = np.arange(8, dtype=float) % 5
        classes[2] = bad
        rc, values, status = c_ovr(rng.random((8, 5)), classes)
        assert rc == _lib.E_BAD_CLASS and (status == _lib.E_BAD_CLASS).all() and (values == SENT).all()
        rc, pairs, pstatus = c_ovo(rng.random((8, 5)), classes)
        assert rc == _lib.E_BAD_CLASS and (pairs == SENT).all() and (pstatus == STATUS_SENT).all()


def test_large_threads_float32_equals_float64():
    """n * k above the two-thread threshold: float32 == float64 bit for bit (the widening
    is exact), C == Fortran == slice, and each column against roc_auc_score."""
    rng = np.random.default_rng(11)
    n, k = 40000, 5
    scores = (rng.integers(0, 300, (n, k)) / 16.0).astype(np.float32)
    classes = rng.integers(0, k, n)
    weights = rng.integers(0, 3, n).astype(np.float32)
    results = []
    for dtype in (np.float32, np.float64):
        for order in ("C", "F", "slice"):
            rc, values, _ = c_ovr(layout(scores.astype(dtype), order, rng),
                                  classes.astype(dtype), weights.astype(dtype))
            assert rc == _lib.OK
            results.append(values)
    for values in results[1:]:
        np.testing.assert_array_equal(values, results[0])
    want = [roc_auc_score(classes == j, scores[:, j], sample_weight=weights) for j in range(k)]
    np.testing.assert_allclose(results[0], want, rtol=0, atol=TOL)
