"""auroc_exact_ovr_rowsums (the one-vs-rest AUROCs and a bound on the rows' |sum - 1|) and
how roc_auc_score(multi_class="ovr") uses it: the row-sum check is made by the library's
bound when the bound decides, else by the full NumPy check, before any other error or
warning, so that the decisions and their order are scikit-learn's.

Oracles: the exact row sums (math.fsum of the scores as rationals) for the bound;
NumPy's own row sums in several orders for its guarantee; scikit-learn for the decisions,
the errors and the warnings."""
import ctypes
import math
import warnings

import numpy as np
import pytest

from diffauroc import _lib, metrics

skm = pytest.importorskip("sklearn.metrics")

_dp = ctypes.POINTER(ctypes.c_double)
_fp = ctypes.POINTER(ctypes.c_float)
_ip = ctypes.POINTER(ctypes.c_int)
MESSAGE = "Target scores need to be probabilities"


def call(scores, classes, weights=None, order="C"):
    """(status, values, statuses, deviation, plain): the export on an (n, k) matrix, and
    auroc_exact_ovr's (status, values) on the same inputs."""
    f32 = scores.dtype == np.float32
    scores = np.asfortranarray(scores) if order == "F" else np.ascontiguousarray(scores)
    n, k = scores.shape
    item = scores.itemsize
    ss, cs = (stride // item for stride in scores.strides)
    p = _fp if f32 else _dp
    classes = np.ascontiguousarray(classes, dtype=scores.dtype)
    w = None if weights is None else np.ascontiguousarray(weights, dtype=scores.dtype)
    values, statuses = np.full(k, -7.0), np.full(k, 99, np.intc)
    deviation = ctypes.c_double(-1.0)
    name = "auroc_exact_ovr_rowsums" + ("_f32" if f32 else "")
    status = getattr(_lib.lib, name)(
        scores.ctypes.data_as(p), n, k, ss, cs, classes.ctypes.data_as(p),
        None if w is None else w.ctypes.data_as(p), values.ctypes.data_as(_dp),
        statuses.ctypes.data_as(_ip), ctypes.byref(deviation))
    plain = np.full(k, -7.0)
    plain_status = getattr(_lib.lib, "auroc_exact_ovr" + ("_f32" if f32 else ""))(
        scores.ctypes.data_as(p), n, k, ss, cs, classes.ctypes.data_as(p),
        None if w is None else w.ctypes.data_as(p), plain.ctypes.data_as(_dp), None)
    return status, values, statuses, deviation.value, (plain_status, plain)


def exact_deviation(scores):
    """max over rows of |T_i - 1| with T_i the exact sum (fsum: correctly rounded)."""
    return max(abs(math.fsum(map(float, row)) - 1.0) for row in scores.astype(np.float64))


def softmax(rng, n, k, dtype):
    logits = rng.normal(size=(n, k))
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    return p.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("n", [1, 5, 3000, 70_000])
def test_values_are_auroc_exact_ovr_and_bound_holds(dtype, order, n):
    rng = np.random.default_rng(n + (dtype == np.float32))
    k = 7
    p = softmax(rng, n, k, dtype)
    p[: n // 3] *= 1 + rng.normal(size=(n // 3, 1)) * 1e-6  # rows off 1 by about 1e-6
    y = rng.integers(0, k, n)
    status, values, statuses, deviation, (plain_status, plain) = call(p, y, order=order)
    assert status == plain_status
    assert values.tobytes() == plain.tobytes()  # bit for bit
    u = 2.0**-53 if dtype == np.float64 else 2.0**-24
    absolute = np.abs(p.astype(np.float64)).sum(axis=1).max()
    true = exact_deviation(p)
    assert true <= deviation <= true + 2 * k * u * absolute * (1 + 1e-9) + 1e-300
    # the guarantee: NumPy's sums in the scores' type, in several orders, are within it
    for sums in (p.sum(axis=1), p @ np.ones(k, dtype), p[:, ::-1].sum(axis=1),
                 np.cumsum(p, axis=1, dtype=dtype)[:, -1]):
        assert np.max(np.abs(sums.astype(np.float64) - 1)) <= deviation * (1 + 2.0**-50)


def test_statuses_and_what_is_written():
    p = np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.6, 0.2, 0.2], [0.3, 0.3, 0.4]])
    status, values, statuses, deviation, _ = call(p, [0, 1, 2, 0])
    assert status == _lib.OK and statuses.tolist() == [0, 0, 0]
    assert 0 <= deviation <= 1e-15
    # a class absent: W_ONE_CLASS, the deviation written
    status, values, statuses, deviation, _ = call(p, [0, 1, 0, 0])
    assert status == _lib.W_ONE_CLASS and np.isnan(values[2])
    assert 0 <= deviation <= 1e-15
    # an input error: the deviation is not written
    q = p.copy()
    q[2, 1] = np.nan
    status, values, statuses, deviation, _ = call(q, [0, 1, 2, 0])
    assert status == _lib.E_NONFINITE_SCORE and deviation == -1.0
    status, values, statuses, deviation, _ = call(p, [0, 1, 3, 0])
    assert status == _lib.E_BAD_CLASS and deviation == -1.0
    status, *_, deviation, _ = call(p, [0, 1, 2, 0], weights=[1, -1, 1, 1])
    assert status == _lib.E_BAD_WEIGHT and deviation == -1.0
    # overflowing sums: an infinite bound (the full check must decide)
    big = np.array([[1e308, 1e308, -0.5], [0.2, 0.3, 0.5]])
    status, *_, deviation, _ = call(big, [0, 1])
    assert deviation == np.inf


def test_no_rows_and_null_pointers():
    v = np.zeros(3)
    d = ctypes.c_double(-1.0)
    s = np.zeros(3)
    f = _lib.lib.auroc_exact_ovr_rowsums
    assert f(s.ctypes.data_as(_dp), 0, 3, 3, 1, s.ctypes.data_as(_dp), None,
             v.ctypes.data_as(_dp), None, ctypes.byref(d)) == _lib.W_ONE_CLASS
    assert d.value == 0.0
    assert f(s.ctypes.data_as(_dp), 1, 3, 3, 1, s.ctypes.data_as(_dp), None,
             v.ctypes.data_as(_dp), None, None) == _lib.E_NULL_POINTER


# ---- roc_auc_score: the same decisions, errors and warnings as scikit-learn ----------

def outcome(function, *args, **kwargs):
    """("ok", value, warning messages) or ("error", type, message)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = function(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - compared with scikit-learn's
            return ("error", type(error).__name__, str(error))
    messages = [str(w.message) for w in caught
                if not issubclass(w.category, DeprecationWarning)]
    shown = ["nan" if np.isnan(v) else round(float(v), 12)
             for v in np.atleast_1d(np.asarray(value, np.float64))]
    return ("ok", shown, messages)


def same(args, kwargs):
    ours = outcome(metrics.roc_auc_score, *args, **kwargs)
    theirs = outcome(skm.roc_auc_score, *args, **kwargs)
    assert ours[:2] == theirs[:2], (ours, theirs)
    if ours[0] == "error":
        assert ours[2].split(".")[0] == theirs[2].split(".")[0], (ours, theirs)
    else:
        assert ours[2] == theirs[2], (ours, theirs)
    return ours


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("offset", [0.0, 3e-6, 6e-6, 9.9e-6, 1.01e-5, 2e-5, -9.9e-6, -1.1e-5])
@pytest.mark.parametrize("where", [0, 999, 40_000])
def test_row_sum_decision_is_scikit_learns(dtype, offset, where):
    rng = np.random.default_rng(3)
    n, k = 50_000, 4
    p = softmax(rng, n, k, dtype)
    if dtype == np.float32:
        p /= p.sum(axis=1, keepdims=True, dtype=np.float32)
    p[where] = np.array([0.25, 0.25, 0.25, 0.25 + offset], dtype)
    y = rng.integers(0, k, n)
    same((y, p), dict(multi_class="ovr"))
    same((y, np.asfortranarray(p)), dict(multi_class="ovr", average="weighted"))


def bad_rows(rng, n=300, k=4):
    p = softmax(rng, n, k, np.float64)
    p[7] *= 1.5
    return p


@pytest.mark.parametrize("case", [
    dict(average="samples"),                              # average not for multiclass
    dict(labels=[0, 1, 2]),                               # wrong number of labels
    dict(labels=[0, 2, 1, 3]),                            # labels not ordered
    dict(labels=[0, 1, 2, 2]),                            # labels not unique
    dict(sample_weight="short"),                          # inconsistent lengths
    dict(average="micro"),
    dict(average="weighted"),
    dict(average=None),
])
@pytest.mark.parametrize("rows", ["bad", "nan", "good"])
def test_errors_come_in_scikit_learns_order(case, rows):
    rng = np.random.default_rng(5)
    p = bad_rows(rng) if rows == "bad" else softmax(rng, 300, 4, np.float64)
    if rows == "nan":
        p[9, 2] = np.nan
    y = rng.integers(0, 4, 300)
    kwargs = dict(multi_class="ovr", **case)
    if case.get("sample_weight") == "short":
        kwargs["sample_weight"] = np.ones(299)
    result = same((y, p), kwargs)
    if rows != "good":
        assert result[0] == "error"


@pytest.mark.parametrize("rows", ["bad", "good"])
def test_warnings_only_after_the_row_check(rows):
    # class 3 absent from y (labels given): scikit-learn warns for it, but only when the
    # rows pass; with bad rows it raises without a warning
    rng = np.random.default_rng(6)
    p = bad_rows(rng) if rows == "bad" else softmax(rng, 300, 4, np.float64)
    y = rng.integers(0, 3, 300)
    same((y, p), dict(multi_class="ovr", labels=[0, 1, 2, 3], average=None))


def test_fast_path_skips_the_numpy_check(monkeypatch):
    """Valid probabilities: the library's bound decides, the NumPy pass is not made; rows
    off by more than the bound decides but still within allclose: the NumPy pass runs
    and accepts them, as scikit-learn does."""
    calls = []
    original = metrics._row_sums_near_one
    monkeypatch.setattr(metrics, "_row_sums_near_one",
                        lambda scores: calls.append(1) or original(scores))
    rng = np.random.default_rng(8)
    p = softmax(rng, 5000, 10, np.float64)
    y = rng.integers(0, 10, 5000)
    assert metrics.roc_auc_score(y, p, multi_class="ovr") == \
        pytest.approx(skm.roc_auc_score(y, p, multi_class="ovr"), abs=1e-15)
    assert calls == []
    p[17] *= 1 + 8e-6  # |sum - 1| = 8e-6 > 5e-6, within allclose's 1e-5
    same((y, p), dict(multi_class="ovr"))
    assert calls == [1]


@pytest.mark.parametrize("rows", ["bad", "good", "off8e-6"])
def test_converted_scores_are_checked_by_numpy(monkeypatch, rows):
    """float32 scores with float64 weights are read by the library as float64: its bound
    is about float64 sums, not NumPy's float32 ones, so the NumPy check decides."""
    calls = []
    original = metrics._row_sums_near_one
    monkeypatch.setattr(metrics, "_row_sums_near_one",
                        lambda scores: calls.append(scores.dtype) or original(scores))
    rng = np.random.default_rng(9)
    p = softmax(rng, 4000, 5, np.float32)
    p /= p.sum(axis=1, keepdims=True, dtype=np.float32)
    if rows == "bad":
        p[11] *= np.float32(1.01)
    elif rows == "off8e-6":
        p[11] *= np.float32(1 + 8e-6)
    y = rng.integers(0, 5, 4000)
    same((y, p), dict(multi_class="ovr", sample_weight=rng.random(4000)))
    assert calls == [np.float32]
