"""The column exports' input check on two threads (n * k >= 65536: each half of the rows
on its own thread): a bad score, label, class or weight in either half, at a half's
first or last row, C and Fortran order, a shared label vector (column stride 0), float64
and float32: the status of the first bad element in row order, each column's own status,
and no value written. The expected statuses come from NumPy (the header's order: row i,
then column j; at (i, j) the score, the label or class, the weight)."""
import ctypes

import numpy as np
import pytest

from diffauroc import _lib

SENT = -7.25
P = ctypes.c_void_p


def _p(a, kind=ctypes.c_double):
    if a is None:
        return None
    if a.dtype == np.float32:
        kind = ctypes.c_float
    elif a.dtype == np.intc:
        kind = ctypes.c_int
    return a.ctypes.data_as(ctypes.POINTER(kind))


def _expected(scores, labels, weights, classes, k):
    """(call status, per-column statuses) by the header's rule, in NumPy."""
    n = scores.shape[0]
    firsts = []
    for j in range(k):
        bad_score = ~np.isfinite(scores[:, j])
        if classes is not None:
            bad_label = ~((classes >= 0) & (classes < k) & (np.floor(classes) == classes))
            label_status = _lib.E_BAD_CLASS
        else:
            bad_label = ~((labels[:, j] == 0) | (labels[:, j] == 1))
            label_status = _lib.E_BAD_LABEL
        bad_weight = np.zeros(n, bool) if weights is None else ~((weights >= 0) & np.isfinite(weights))
        first = None
        for i in range(n):
            if bad_score[i]:
                first = (i, _lib.E_NONFINITE_SCORE)
            elif bad_label[i]:
                first = (i, label_status)
            elif bad_weight[i]:
                first = (i, _lib.E_BAD_WEIGHT)
            if first:
                break
        firsts.append(first)
    statuses = [0 if f is None else f[1] for f in firsts]
    errors = [(f[0], j, f[1]) for j, f in enumerate(firsts) if f]
    return (min(errors)[2] if errors else 0), statuses


def _call(kind, scores, labels, weights, classes, shared, dtype):
    n, k = scores.shape
    s = scores.astype(dtype)
    item = s.itemsize
    out = np.full(k, SENT)
    status = np.full(k, 99, dtype=np.intc)
    w = None if weights is None else weights.astype(dtype)
    suffix = "" if dtype == np.float64 else "_f32"
    if kind == "ovr":
        c = classes.astype(dtype)
        f = getattr(_lib.lib, "auroc_exact_ovr" + suffix)
        rc = f(_p(s), n, k, s.strides[0] // item, s.strides[1] // item, _p(c), _p(w),
               _p(out, ctypes.c_double), _p(status))
    else:
        y = (labels[:, :1] if shared else labels).astype(dtype)
        y = np.asfortranarray(y) if not s.flags.c_contiguous else y
        lcs = 0 if shared else y.strides[1] // item
        f = getattr(_lib.lib, "auroc_exact_columns" + suffix)
        rc = f(_p(s), n, k, s.strides[0] // item, s.strides[1] // item, _p(y),
               y.strides[0] // item, lcs, _p(w), _p(out, ctypes.c_double), _p(status))
    return rc, out, status


CASES = []
for kind in ("columns", "shared", "ovr"):
    for what in ("score", "label", "weight"):
        for where in ("first", "half-1", "half", "last"):
            CASES.append((kind, what, where))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("kind,what,where", CASES)
def test_first_bad_element(kind, what, where, order, dtype):
    rng = np.random.default_rng(len(CASES))
    n, k = 20_000, 5  # n * k = 100000: two threads
    scores = rng.random((n, k))
    scores = np.asfortranarray(scores) if order == "F" else scores
    labels = (rng.random((n, k)) < 0.5).astype(np.float64)
    if kind == "shared":
        labels[:] = labels[:, :1]
    classes = rng.integers(0, k, n).astype(np.float64) if kind == "ovr" else None
    weights = rng.random(n) if what == "weight" else None
    row = {"first": 0, "half-1": n // 2 - 1, "half": n // 2, "last": n - 1}[where]
    column = 0 if kind == "shared" else 3
    if what == "score":
        scores[row, column] = np.nan
        scores[n - 1 - row // 2, 1] = np.inf  # a second one, elsewhere
    elif what == "label":
        if kind == "ovr":
            classes[row] = 2.5
        elif kind == "shared":
            labels[row, :] = 0.5
        else:
            labels[row, column] = 0.5
    else:
        weights[row] = -1.0
    expected_rc, expected_status = _expected(scores, labels, weights, classes, k)
    rc, out, status = _call("ovr" if kind == "ovr" else "columns", scores, labels, weights,
                            classes, kind == "shared", dtype)
    assert rc == expected_rc != 0
    assert list(status) == expected_status
    assert (out == SENT).all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_valid_inputs_computed(dtype):
    # the same shapes, nothing bad: every column computed (status OK)
    rng = np.random.default_rng(3)
    n, k = 20_000, 5
    scores = rng.random((n, k))
    classes = rng.integers(0, k, n).astype(np.float64)
    rc, out, status = _call("ovr", scores, None, rng.random(n), classes, False, dtype)
    assert rc == 0 and (status == 0).all() and np.isfinite(out).all()
