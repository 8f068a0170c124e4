"""The column exports' input check fused into the first gather pass (strided columns
gathered by both threads: C order, n * k >= 65536): every row is still checked before any
column is computed, in blocks of rows, and a class is converted to its byte only once its
block was checked (a NaN, infinite, huge or negative class must give E_BAD_CLASS, not a
trap). Bad elements at and around the block edges (2048 rows) and the halves' edges, in
the first and the last block; the partial AUC's range error against a bad element (the
element's status wins) and alone. Expected statuses from NumPy by the header's order
(row i, then column j; at (i, j) the score, the label or class, the weight), as in
test_columns_check_threads.py."""
import ctypes

import numpy as np
import pytest

from diffauroc import _lib

from test_columns_check_threads import SENT, _call, _expected, _p

N, K = 30_000, 7  # n * k = 210,000: two threads, pooled gather; 15 blocks per half


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, 1e300, -1.0, -0.5, 7.0, 2**62, 0.5])
@pytest.mark.parametrize("row", [0, 2047, 2048, N // 2 - 1, N // 2, N // 2 + 2048, N - 1])
def test_bad_class_any_block(bad, row, dtype):
    rng = np.random.default_rng(row)
    scores = rng.random((N, K))
    classes = rng.integers(0, K, N).astype(np.float64)
    classes[row] = bad
    expected_rc, expected_status = _expected(scores, None, None, classes, K)
    rc, out, status = _call("ovr", scores, None, None, classes, False, dtype)
    assert rc == expected_rc == _lib.E_BAD_CLASS
    assert list(status) == expected_status
    assert (out == SENT).all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", ["columns", "ovr"])
@pytest.mark.parametrize("column", [0, 3, K - 1])  # 3: in the first gathered group or not
@pytest.mark.parametrize("row", [2047, 2048, N - 2048, N - 1])
def test_bad_score_in_any_column(kind, column, row, dtype):
    # a score of a column that is not gathered in the first pass is still checked there
    rng = np.random.default_rng(column * N + row)
    scores = rng.random((N, K))
    scores[row, column] = np.nan
    labels = (rng.random((N, K)) < 0.5).astype(np.float64)
    classes = rng.integers(0, K, N).astype(np.float64) if kind == "ovr" else None
    expected_rc, expected_status = _expected(scores, labels, None, classes, K)
    rc, out, status = _call(kind, scores, labels, None, classes, False, dtype)
    assert rc == expected_rc == _lib.E_NONFINITE_SCORE
    assert list(status) == expected_status
    assert (out == SENT).all()


def _partial(scores, labels, axis, lower, upper):
    n, k = scores.shape
    area = np.full(k, SENT)
    standardized = np.full(k, SENT)
    status = np.full(k, 99, dtype=np.intc)
    rc = _lib.lib.auroc_partial_columns(
        _p(scores), n, k, k, 1, _p(labels), k, 1, None, axis, lower, upper, _p(area),
        _p(standardized), _p(status))
    return rc, area, standardized, status


@pytest.mark.parametrize("axis,lower,upper", [(0, 0.5, 0.2), (2, 0.0, 0.5), (0, np.nan, 1.0)])
def test_partial_bad_range_and_element(axis, lower, upper):
    rng = np.random.default_rng(5)
    scores = rng.random((N, K))
    labels = (rng.random((N, K)) < 0.5).astype(np.float64)
    rc, area, standardized, status = _partial(scores, labels, axis, lower, upper)
    assert rc == _lib.E_BAD_RANGE
    assert (area == SENT).all() and (standardized == SENT).all()
    labels[N - 1, 2] = 2.0  # the element's status wins over the range's
    rc, area, standardized, status = _partial(scores, labels, axis, lower, upper)
    assert rc == _lib.E_BAD_LABEL
    assert list(status) == [0, 0, _lib.E_BAD_LABEL, 0, 0, 0, 0]
    assert (area == SENT).all() and (standardized == SENT).all()


def test_valid_pooled_equals_single_columns():
    # the fused path computes the same values as auroc_exact on each gathered column
    rng = np.random.default_rng(11)
    scores = np.round(rng.random((N, K)), 3)
    classes = rng.integers(0, K, N).astype(np.float64)
    rc, out, status = _call("ovr", scores, None, None, classes, False, np.float64)
    assert rc == 0 and (status == 0).all()
    for j in range(K):
        col = np.ascontiguousarray(scores[:, j])
        y = (classes == j).astype(np.float64)
        value = ctypes.c_double()
        assert _lib.lib.auroc_exact(_p(col), _p(y), None, N, ctypes.byref(value)) == 0
        assert out[j] == value.value
