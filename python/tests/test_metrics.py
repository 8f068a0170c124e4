"""diffauroc.metrics against scikit-learn 1.9 (an independent implementation) and a small
float64 trapezoid oracle written here.

- roc_curve: fpr, tpr and thresholds bit for bit (NaN where scikit-learn has NaN) on
  random tied / weighted (zeros included) / float32 / integer / string-label data,
  drop_intermediate both ways, pos_label, lists and pandas;
- roc_auc_score: binary, weighted, heavy ties, float32, int64 beyond 2**53, string labels,
  lists, pandas; multilabel with every average; multiclass ovr / ovo with and without
  labels= (absent classes included); max_fpr; to 1e-15 (absolute; the values are in
  [0, 1]); the largest deviation seen is printed;
- the same exception type and message as scikit-learn on bad inputs, the same warnings;
- partial_auc: fpr_range=(0, m) standardized against scikit-learn's max_fpr, other FPR
  and TPR ranges against the oracle, the below-diagonal and one-class choices;
- the module works without scikit-learn (a subprocess where importing it fails).
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import sklearn  # the [test] extra installs it: a missing one is an error, not a skip
from sklearn import metrics as skm  # noqa: E402
from sklearn.exceptions import UndefinedMetricWarning as SkUndefinedMetricWarning  # noqa

import diffauroc  # noqa: E402
from diffauroc import metrics  # noqa: E402

TOL = 1e-15
DEVIATION = {"max": 0.0, "where": ""}


def record(ours, theirs, where, tol=TOL):
    """|ours - theirs| <= tol elementwise, NaN where NaN; remembers the largest."""
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    assert ours.shape == theirs.shape, where
    assert np.array_equal(np.isnan(ours), np.isnan(theirs)), (where, ours, theirs)
    finite = ~np.isnan(theirs)
    diff = float(np.max(np.abs(ours[finite] - theirs[finite]), initial=0.0))
    if diff > DEVIATION["max"]:
        DEVIATION.update(max=diff, where=where)
    assert diff <= tol, (where, ours, theirs, diff)


def quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def random_binary(rng, n, levels, weighting, dtype=np.float64):
    y = (rng.random(n) < rng.uniform(0.1, 0.9)).astype(int)
    y[:2] = [1, 0]
    y = rng.permutation(y)
    s = rng.normal(size=n) if levels is None else rng.integers(0, levels, n) / 4.0
    s = s.astype(dtype)
    if weighting is None:
        w = None
    elif weighting == "zeros":
        w = rng.integers(0, 4, n).astype(float)
        w[np.flatnonzero(y == 1)[0]] = 1
        w[np.flatnonzero(y == 0)[0]] = 1
    else:
        w = np.where(rng.random(n) < 0.2, 0.0, rng.lognormal(size=n))
        w[np.flatnonzero(y == 1)[0]] = 1
        w[np.flatnonzero(y == 0)[0]] = 1
    return y, s, w


BINARY_CASES = [(seed, n, levels, weighting, dtype)
                for seed, (n, levels, weighting, dtype) in enumerate(
                    (n, levels, weighting, dtype)
                    for n in (2, 5, 37, 400, 5000)
                    for levels in (None, 2, 9)
                    for weighting in (None, "zeros", "lognormal")
                    for dtype in (np.float64, np.float32))]


# ---- roc_curve ------------------------------------------------------------------------

def assert_same_curve(ours, theirs, where):
    for name, a, b in zip(("fpr", "tpr", "thresholds"), ours, theirs):
        assert a.dtype == np.float64 and b.dtype == np.float64, (where, name)
        assert a.shape == b.shape, (where, name, a, b)
        # bit for bit, NaN included (array_equal would miss -0.0 vs 0.0)
        assert np.array_equal(a.view(np.int64), b.view(np.int64)), (where, name, a, b)


@pytest.mark.parametrize("seed, n, levels, weighting, dtype", BINARY_CASES)
@pytest.mark.parametrize("drop", [True, False])
def test_roc_curve_bit_equal(seed, n, levels, weighting, dtype, drop):
    rng = np.random.default_rng(seed)
    y, s, w = random_binary(rng, n, levels, weighting, dtype)
    ours = metrics.roc_curve(y, s, sample_weight=w, drop_intermediate=drop)
    theirs = skm.roc_curve(y, s, sample_weight=w, drop_intermediate=drop)
    assert_same_curve(ours, theirs, (seed, n, levels, weighting, dtype, drop))
    if w is not None and dtype == np.float32:  # all-float32 inputs (the _f32 export)
        w32 = w.astype(np.float32)
        assert_same_curve(metrics.roc_curve(y, s, sample_weight=w32, drop_intermediate=drop),
                          skm.roc_curve(y, s, sample_weight=w32, drop_intermediate=drop),
                          (seed, "float32 weights"))


@pytest.mark.parametrize("labels, pos_label", [
    ((-1, 1), None), ((0, 1), None), ((False, True), None), ((1, 2), 2), ((1, 2), 1),
    (("neg", "pos"), "pos"), ((0.0, 1.0), None), ((3, 7), 3)])
def test_roc_curve_labels_and_pos_label(labels, pos_label):
    rng = np.random.default_rng(7)
    y = np.array(labels, dtype=object if isinstance(labels[0], str) else None)[
        rng.integers(0, 2, 300)]
    s = rng.integers(0, 20, 300) / 7.0
    ours = metrics.roc_curve(y, s, pos_label=pos_label)
    theirs = skm.roc_curve(y, s, pos_label=pos_label)
    assert_same_curve(ours, theirs, labels)
    # lists and pandas give the same arrays
    assert_same_curve(metrics.roc_curve(list(y), list(s), pos_label=pos_label), theirs, "list")
    import pandas as pd
    assert_same_curve(metrics.roc_curve(pd.Series(y), pd.Series(s), pos_label=pos_label),
                      theirs, "pandas")


def test_roc_curve_multiclass_with_pos_label():
    y = np.array([0, 1, 2, 2, 1, 0, 2])
    s = np.array([0.1, 0.5, 0.9, 0.7, 0.2, 0.3, 0.3])
    assert_same_curve(metrics.roc_curve(y, s, pos_label=2), skm.roc_curve(y, s, pos_label=2),
                      "multiclass pos_label")


def test_roc_curve_integer_scores_beyond_2_53():
    base = 2**62
    s = np.array([base + 1, base + 2, base, base + 3, base + 2, 5], dtype=np.int64)
    y = np.array([0, 1, 0, 1, 0, 1])
    assert_same_curve(metrics.roc_curve(y, s), skm.roc_curve(y, s), "int64")
    assert_same_curve(metrics.roc_curve(y, s, drop_intermediate=False),
                      skm.roc_curve(y, s, drop_intermediate=False), "int64 all")


def test_roc_curve_signed_zero_and_column_input():
    y = np.array([1, 0, 1, 0])
    s = np.array([0.0, -0.0, 1.0, -0.0])
    assert_same_curve(metrics.roc_curve(y, s), skm.roc_curve(y, s), "signed zero")
    assert_same_curve(metrics.roc_curve(y.reshape(-1, 1), s.reshape(-1, 1)),
                      skm.roc_curve(y.reshape(-1, 1), s.reshape(-1, 1)), "columns")


@pytest.mark.parametrize("y, message", [
    ([1, 1, 1, 1], "No negative samples in y_true"),
    ([0, 0, 0, 0], "No positive samples in y_true"),
])
def test_roc_curve_one_class_warns_with_nan(y, message):
    s = [0.2, 0.4, 0.4, 0.9]
    with pytest.warns(SkUndefinedMetricWarning, match=message):
        ours = metrics.roc_curve(y, s)
    with pytest.warns(SkUndefinedMetricWarning, match=message):
        theirs = skm.roc_curve(y, s)
    assert_same_curve(ours, theirs, y)
    with pytest.warns(metrics.UndefinedMetricWarning, match=message):
        metrics.roc_curve(y, s)


def test_roc_curve_class_of_zero_weight_only():
    y, s, w = [0, 1, 1, 0], [0.1, 0.2, 0.3, 0.4], [0.0, 1.0, 2.0, 0.0]
    with pytest.warns(SkUndefinedMetricWarning, match="No negative samples"):
        ours = metrics.roc_curve(y, s, sample_weight=w)
    with pytest.warns(SkUndefinedMetricWarning, match="No negative samples"):
        theirs = skm.roc_curve(y, s, sample_weight=w)
    assert_same_curve(ours, theirs, "zero-weight class")


# ---- roc_auc_score: binary --------------------------------------------------------------

@pytest.mark.parametrize("seed, n, levels, weighting, dtype", BINARY_CASES)
def test_binary_score(seed, n, levels, weighting, dtype):
    rng = np.random.default_rng(1000 + seed)
    y, s, w = random_binary(rng, n, levels, weighting, dtype)
    record(metrics.roc_auc_score(y, s, sample_weight=w),
           skm.roc_auc_score(y, s, sample_weight=w), ("binary", seed))
    for max_fpr in (0.05, 0.3, 1.0):
        record(metrics.roc_auc_score(y, s, sample_weight=w, max_fpr=max_fpr),
               skm.roc_auc_score(y, s, sample_weight=w, max_fpr=max_fpr),
               ("max_fpr", seed, max_fpr), tol=4e-15)


def test_binary_score_any_two_labels_and_containers():
    import pandas as pd
    rng = np.random.default_rng(3)
    s = rng.integers(0, 5, 200) / 5.0
    for labels in ((3, 9), ("cat", "dog"), (-1.0, 2.0), (False, True)):
        y = np.array(labels)[rng.integers(0, 2, 200)]
        theirs = skm.roc_auc_score(y, s)
        for y_in, s_in in ((y, s), (list(y), list(s)), (pd.Series(y), pd.Series(s)),
                           (y.reshape(-1, 1), s.reshape(-1, 1)),
                           (pd.DataFrame({"y": y}), pd.DataFrame({"s": s}))):
            ours = metrics.roc_auc_score(y_in, s_in)
            assert isinstance(ours, float)
            record(ours, theirs, ("labels", labels))


def test_pandas_extension_dtypes():
    import pandas as pd
    scores = [0.1, 0.4, 0.35, 0.8, 0.5]
    cases = [
        (pd.Series([0, 1, 1, 0, 1], dtype="Int64"), pd.Series(scores, dtype="Float64"), None),
        (pd.Series(list("abbab"), dtype="category"), pd.Series(scores), "b"),
        (pd.Series(list("abbab"), dtype="string"), pd.Series(scores, dtype="float32"), "b"),
        (pd.Series([0, 1, 1, 0, 1], dtype="boolean"), pd.Series([1, 4, 3, 8, 5], dtype="Int64"),
         None),
    ]
    for y, s, pos_label in cases:
        record(metrics.roc_auc_score(y, s), skm.roc_auc_score(y, s), ("pandas", y.dtype))
        assert_same_curve(metrics.roc_curve(y, s, pos_label=pos_label),
                          skm.roc_curve(y, s, pos_label=pos_label), ("pandas", y.dtype))
    with pytest.raises(ValueError, match=r"Input y_true contains NaN\..*y_true\[2\]"):
        metrics.roc_auc_score(pd.Series([0, 1, None, 0], dtype="Int64"), scores[:4])


def test_binary_score_int64_beyond_2_53_ranked_exactly():
    base = 2**60
    s = base + np.array([3, 1, 2, 2, 0, 5], dtype=np.int64)
    y = np.array([1, 0, 1, 0, 0, 1])
    assert metrics.roc_auc_score(y, s) == skm.roc_auc_score(y, s)
    assert metrics.roc_auc_score(y, s) != metrics.roc_auc_score(y, s.astype(float))


def test_wide_and_narrow_score_dtypes():
    rng = np.random.default_rng(21)
    y = rng.integers(0, 2, (300, 3))
    big = (2**61 + rng.integers(0, 40, (300, 3))).astype(np.int64)
    for average in (None, "micro", "samples"):
        record(quiet(metrics.roc_auc_score, y, big, average=average),
               quiet(skm.roc_auc_score, y, big, average=average), ("int64", average))
    s16 = rng.normal(size=300).astype(np.float16)
    assert_same_curve(metrics.roc_curve(y[:, 0], s16), skm.roc_curve(y[:, 0], s16), "f16")
    s_u64 = np.uint64(2**63) + rng.integers(0, 9, 300).astype(np.uint64)
    assert_same_curve(metrics.roc_curve(y[:, 0], s_u64), skm.roc_curve(y[:, 0], s_u64),
                      "uint64")
    record(metrics.roc_auc_score(y[:, 0], s_u64), skm.roc_auc_score(y[:, 0], s_u64), "u64")


def test_binary_one_class_nan_with_warning():
    for y in ([1, 1, 1], [0, 0, 0], [-1, -1, -1], ["a", "a", "a"]):
        with pytest.warns(SkUndefinedMetricWarning, match="Only one class is present"):
            ours = metrics.roc_auc_score(y, [0.1, 0.2, 0.3])
        theirs = quiet(skm.roc_auc_score, y, [0.1, 0.2, 0.3])
        assert np.isnan(ours) and np.isnan(theirs)
    with pytest.warns(metrics.UndefinedMetricWarning):
        metrics.roc_auc_score([1, 1], [0.1, 0.2])


@pytest.mark.parametrize("call", [
    lambda: metrics.roc_auc_score([1, 1], [0.1, 0.2]),
    lambda: metrics.roc_auc_score([[0, 1], [0, 1], [1, 1]], [[0.1, 0.2]] * 3, average=None),
    lambda: metrics.roc_auc_score([0, 1, 0], [[0.2, 0.5, 0.3]] * 3, multi_class="ovr",
                                  labels=[0, 1, 2]),
    lambda: metrics.roc_auc_score([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4],
                                  sample_weight=[1, 0, 1, 0]),
    lambda: metrics.roc_curve([1, 1], [0.1, 0.2]),
    lambda: metrics.partial_auc([1, 1], [0.1, 0.2], fpr_range=(0, 0.5)),
])
def test_warnings_point_at_the_callers_line(call):
    with pytest.warns(metrics.UndefinedMetricWarning) as caught:
        call()
    assert {w.filename for w in caught} == {__file__}


def test_warning_class():
    assert issubclass(metrics.UndefinedMetricWarning, SkUndefinedMetricWarning)
    assert issubclass(metrics.UndefinedMetricWarning, UserWarning)


# ---- roc_auc_score: multilabel --------------------------------------------------------

@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted", "samples"])
def test_multilabel_every_average(seed, average):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(5, 300)), int(rng.integers(2, 6))
    y = (rng.random((n, k)) < rng.uniform(0.1, 0.9, k)).astype(int)
    if seed % 3 == 0:  # a column of one class (nan for it)
        y[:, 0] = 1
    if seed % 4 == 0:  # a row of one class (nan for it with 'samples')
        y[0] = 0
    if seed % 5 == 0:
        y = y.astype(float)
    s = rng.integers(0, 6, (n, k)) / 5.0 if seed % 2 else rng.normal(size=(n, k))
    if seed % 6 == 1:
        s = s.astype(np.float32)
    w = None if seed % 3 == 1 else rng.lognormal(size=n)
    max_fpr = 0.4 if seed % 7 == 2 else None
    ours = quiet(metrics.roc_auc_score, y, s, average=average, sample_weight=w,
                 max_fpr=max_fpr)
    theirs = quiet(skm.roc_auc_score, y, s, average=average, sample_weight=w,
                   max_fpr=max_fpr)
    record(ours, theirs, ("multilabel", seed, average), tol=4e-15)
    assert isinstance(ours, np.ndarray) == isinstance(theirs, np.ndarray)


def test_multilabel_one_class_column_warns():
    y = np.array([[0, 1], [0, 1], [1, 1]])
    s = np.array([[0.2, 0.3], [0.1, 0.5], [0.7, 0.1]])
    with pytest.warns(SkUndefinedMetricWarning, match="Only one class is present"):
        ours = metrics.roc_auc_score(y, s, average=None)
    record(ours, quiet(skm.roc_auc_score, y, s, average=None), "one-class column")


# ---- roc_auc_score: multiclass --------------------------------------------------------

def random_multiclass(rng, n, k, ties):
    logits = rng.normal(size=(n, k))
    if ties:
        logits = np.round(logits)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("multi_class, average", [
    ("ovr", "macro"), ("ovr", "weighted"), ("ovr", "micro"), ("ovr", None),
    ("ovo", "macro"), ("ovo", "weighted")])
def test_multiclass(seed, multi_class, average):
    rng = np.random.default_rng(100 + seed)
    n, k = int(rng.integers(10, 500)), int(rng.integers(3, 7))
    p = random_multiclass(rng, n, k, ties=seed % 2 == 0)
    names = np.array(["ant", "bee", "cat", "dog", "eel", "fox", "gnu"][:k])
    y = rng.integers(0, k, n)
    y[:k] = np.arange(k)
    labels = None
    if seed % 3 == 1:  # string labels
        y = names[y]
    if seed % 3 == 2:  # labels= with a class absent from y_true
        labels = list(range(k))
        y[y == k - 1] = 0
    w = rng.lognormal(size=n) if (multi_class == "ovr" and seed % 2) else None
    if seed % 4 == 3:
        p = p.astype(np.float32)
    ours = quiet(metrics.roc_auc_score, y, p, multi_class=multi_class, average=average,
                 labels=labels, sample_weight=w)
    theirs = quiet(skm.roc_auc_score, y, p, multi_class=multi_class, average=average,
                   labels=labels, sample_weight=w)
    record(ours, theirs, ("multiclass", seed, multi_class, average), tol=4e-15)


def test_multiclass_lists_and_pandas():
    import pandas as pd
    rng = np.random.default_rng(5)
    p = random_multiclass(rng, 60, 3, ties=True)
    y = np.array(["x", "y", "z"])[rng.integers(0, 3, 60)]
    for multi_class in ("ovr", "ovo"):
        theirs = skm.roc_auc_score(y, p, multi_class=multi_class)
        record(metrics.roc_auc_score(list(y), p.tolist(), multi_class=multi_class), theirs,
               "lists")
        record(metrics.roc_auc_score(pd.Series(y), pd.DataFrame(p), multi_class=multi_class),
               theirs, "pandas")


@pytest.mark.parametrize("case", ["ovr", "ovo", "multilabel", "samples", "max_fpr"])
def test_one_library_call_for_all_columns(monkeypatch, case):
    """ovr, ovo and the multilabel averages call one many-column export, not one export
    per column (ovr: auroc_exact_ovr_rowsums, the same columns and the row sums' bound)."""
    from diffauroc import _lib
    name = {"ovr": "auroc_exact_ovr_rowsums", "ovo": "auroc_exact_ovo",
            "max_fpr": "auroc_partial_columns"}.get(case, "auroc_exact_columns")
    calls = []
    export = getattr(_lib.lib, name)
    monkeypatch.setattr(_lib.lib, name, lambda *args: calls.append(name) or export(*args))

    def no_single_column_call(*args, **kwargs):
        raise AssertionError("a single-column export was called")
    monkeypatch.setattr(metrics, "_binary_value", no_single_column_call)
    rng = np.random.default_rng(11)
    k = 10
    p = random_multiclass(rng, 3000, k, ties=False)
    y = rng.integers(0, k, 3000)
    if case in ("ovr", "ovo"):
        ours = metrics.roc_auc_score(y, p, multi_class=case)
        theirs = skm.roc_auc_score(y, p, multi_class=case)
    else:
        indicator = (rng.random((3000, k)) < 0.3).astype(int)
        average = "samples" if case == "samples" else "macro"
        max_fpr = 0.2 if case == "max_fpr" else None
        ours = quiet(metrics.roc_auc_score, indicator, p, average=average, max_fpr=max_fpr)
        theirs = quiet(skm.roc_auc_score, indicator, p, average=average, max_fpr=max_fpr)
    assert calls == [name]
    record(ours, theirs, ("one call", case), tol=4e-15)


# ---- errors ---------------------------------------------------------------------------

Y3 = [0, 1, 2, 2]
P3 = [[0.2, 0.3, 0.5], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]

ERROR_CASES = [
    ("roc_auc_score", ([0, 1, 1], [0.1, np.nan, 0.3]), {}),
    ("roc_auc_score", ([0, 1, 1], [0.1, np.inf, 0.3]), {}),
    ("roc_auc_score", ([0, 1, 1], ["a", "b", "c"]), {}),
    ("roc_auc_score", ([0, 1, 1], [0.1, 0.3]), {}),
    ("roc_auc_score", ([0, 1, 1], [[0.1, 0.3], [1, 2], [3, 4]]), {}),
    ("roc_auc_score", ([0, 1, np.nan], [0.1, 0.2, 0.3]), {}),
    ("roc_auc_score", ([0, 1, 0.5], [0.1, 0.2, 0.3]), {}),
    ("roc_auc_score", ([0, 1, 1], [0.1, 0.2, 0.3]), {"sample_weight": [1, np.nan, 1]}),
    ("roc_auc_score", ([0, 1, 1], [0.1, 0.2, 0.3]), {"sample_weight": [0, 0, 0]}),
    ("roc_auc_score", ([0, 1, 1], [0.1, 0.2, 0.3]), {"sample_weight": [1, 1]}),
    ("roc_auc_score", ([0, 1, 1], [0.1, 0.2, 0.3]), {"max_fpr": 1.1}),
    ("roc_auc_score", ([0, 1, 1], [0.1, 0.2, 0.3]), {"max_fpr": 0}),
    ("roc_auc_score", ([0, 1, 1], [0.1, 0.2, 0.3]), {"max_fpr": -0.1}),
    ("roc_auc_score", (np.zeros((3, 3, 3)), np.zeros(3)), {}),
    ("roc_auc_score", ([0, 1, 1], np.zeros((3, 3, 3))), {}),
    ("roc_auc_score", ([], []), {}),
    ("roc_auc_score", ([[0, 2], [2, 0]], [[0.1, 0.2], [0.3, 0.4]]), {}),
    ("roc_auc_score", ([[0, 1], [1, 3]], [[0.1, 0.2], [0.3, 0.4]]), {}),
    ("roc_auc_score", ([[0, 1], [1, 0]], [0.1, 0.2]), {}),
    ("roc_auc_score", ([0.1, 0.5, 0.7], [0.1, 0.2, 0.3]), {}),
    ("roc_auc_score", (Y3, P3), {}),
    ("roc_auc_score", (Y3, P3), {"multi_class": "ovr", "max_fpr": 0.5}),
    ("roc_auc_score", (Y3, [0.1, 0.2, 0.3, 0.4]), {"multi_class": "ovr"}),
    ("roc_auc_score", (Y3, [[0.2, 0.3, 0.6]] * 4), {"multi_class": "ovr"}),
    ("roc_auc_score", (Y3, P3), {"multi_class": "ovr", "average": "samples"}),
    ("roc_auc_score", (Y3, P3), {"multi_class": "ovo", "average": "micro"}),
    ("roc_auc_score", (Y3, P3), {"multi_class": "ovo", "average": None}),
    ("roc_auc_score", (Y3, P3), {"multi_class": "ovo", "sample_weight": [1, 1, 1, 1]}),
    ("roc_auc_score", (Y3, P3), {"multi_class": "ovr", "labels": [0, 2, 1]}),
    ("roc_auc_score", (Y3, P3), {"multi_class": "ovr", "labels": [0, 1, 1]}),
    ("roc_auc_score", (Y3, P3), {"multi_class": "ovr", "labels": [0, 1]}),
    ("roc_auc_score", ([0, 1, 2, 5], P3), {"multi_class": "ovo", "labels": [0, 1, 2]}),
    ("roc_auc_score", ([0, 1, 1, 1], P3), {"multi_class": "ovr"}),
    ("roc_auc_score", ([[0, 1], [1, 0]], [[0.1, 0.2], [0.3, 0.4]]),
     {"average": "weighted", "sample_weight": [1, np.inf]}),
    ("roc_curve", ([0, 1, 1], [0.1, 0.2, 0.3]), {"sample_weight": [0, 0, 0]}),
    ("roc_curve", ([0, 1, 1], [0.1, np.nan, 0.3]), {}),
    ("roc_curve", ([0, 1, 1], [0.1, 0.3]), {}),
    ("roc_curve", ([0, 1, 2], [0.1, 0.2, 0.3]), {}),
    ("roc_curve", ([0, 1], [0.1, 0.2]), {"drop_intermediate": "x"}),
    ("roc_curve", ([0, 1], [0.1, 0.2]), {"pos_label": [1]}),
    ("roc_curve", (["a", "b"], [0.1, 0.2]), {}),
    ("roc_curve", ([2, 3], [0.1, 0.2]), {}),
    ("roc_curve", ([b"a", b"b"], [0.1, 0.2]), {}),
    ("roc_curve", ([0.5, 0.25], [0.1, 0.2]), {}),
    ("roc_curve", (np.array([[0, 1], [1, 0]]), [0.1, 0.2]), {}),
    ("roc_curve", ("01", [0.1, 0.2]), {}),
    ("roc_auc_score", ([[0, 2], [2, 0], [2, 2]], [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]),
     {"average": "weighted", "sample_weight": [1.0, 1.0, 2.0]}),
    ("roc_auc_score", ([0, 1], 0.5), {}),
    ("roc_auc_score", ([0, 1], [0.1, 0.2]), {"sample_weight": 3}),
    ("roc_auc_score", (Y3, P3), {"multi_class": "ovr", "labels": "abc"}),
]


@pytest.mark.parametrize("name, args, kwargs", ERROR_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(ERROR_CASES)])
def test_errors_as_scikit_learn(name, args, kwargs):
    with pytest.raises(Exception) as theirs:
        quiet(getattr(skm, name), *args, **kwargs)
    with pytest.raises(Exception) as ours:
        quiet(getattr(metrics, name), *args, **kwargs)
    expected = str(theirs.value)
    if type(theirs.value).__name__ == "InvalidParameterError":
        # both a ValueError and a TypeError; scikit-learn lists str options in set order
        assert isinstance(ours.value, ValueError) and isinstance(ours.value, TypeError)
        if "must be a str among" in expected:
            expected = expected.split(" must be a str among")[0]
    else:
        assert isinstance(ours.value, type(theirs.value)), (ours.value, theirs.value)
    # ours may add the element after scikit-learn's sentence
    assert str(ours.value).startswith(expected), (str(ours.value), expected)


def test_sparse_inputs_refused_as_scikit_learn():
    import scipy.sparse as sparse
    y = sparse.csr_matrix(np.array([[0], [1]]))
    s = sparse.csr_matrix(np.array([[0.1], [0.2]]))
    for name in ("roc_auc_score", "roc_curve"):
        for args, param in (((y, [0.1, 0.2]), "y_true"), (([0, 1], s), "y_score")):
            with pytest.raises(ValueError, match=f"The '{param}' parameter of {name} must "
                                                 f"be an array-like"):
                getattr(metrics, name)(*args)
            with pytest.raises(ValueError, match=f"The '{param}' parameter of {name} must "
                                                 f"be an array-like"):
                getattr(skm, name)(*args)


def test_max_fpr_with_a_class_of_zero_weight_is_nan():
    # scikit-learn raises from inside (its curve has nan rates: "At least 2 points are
    # needed..."); here the same nan with the same warning as without max_fpr
    y, s, w = [0, 1, 1, 0], [0.1, 0.2, 0.3, 0.4], [0.0, 1.0, 2.0, 0.0]
    with pytest.warns(SkUndefinedMetricWarning, match="No negative samples in y_true"):
        assert np.isnan(metrics.roc_auc_score(y, s, sample_weight=w, max_fpr=0.3))
    with pytest.warns(SkUndefinedMetricWarning, match="No negative samples in y_true"):
        assert np.isnan(metrics.roc_auc_score(y, s, sample_weight=w))
    with pytest.warns(SkUndefinedMetricWarning, match="No negative samples in y_true"):
        assert np.isnan(skm.roc_auc_score(y, s, sample_weight=w))


def test_negative_weight_is_an_error_naming_it():
    # scikit-learn computes with it (nan or a meaningless curve); here it is refused
    with pytest.raises(ValueError, match=r"sample_weight\[1\] = -1"):
        metrics.roc_auc_score([0, 1, 1], [0.1, 0.2, 0.3], sample_weight=[1, -1, 1])
    with pytest.raises(ValueError, match=r"sample_weight\[1\] = -1"):
        metrics.roc_curve([0, 1, 1], [0.1, 0.2, 0.3], sample_weight=[1, -1, 1])


def test_multilabel_column_counts_must_agree():
    y = np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]])
    with pytest.raises(ValueError, match="same number of columns; got 3 and 2"):
        metrics.roc_auc_score(y, y[:, :2] * 0.5)
    with pytest.raises(ValueError, match="same number of columns; got 2 and 3"):
        metrics.roc_auc_score(y[:, :2], y * 0.5)


def test_nan_message_names_the_element():
    with pytest.raises(ValueError, match=r"Input contains NaN\..*y_score\[2\] = nan"):
        metrics.roc_auc_score([0, 1, 1], [0.1, 0.2, np.nan])
    with pytest.raises(ValueError, match=r"Input contains NaN\..*y_score\[1\]\[2\] = nan"):
        metrics.roc_auc_score([0, 1, 2], [[0.2, 0.3, 0.5], [0.1, 0.9, np.nan],
                                          [0.3, 0.3, 0.4]], multi_class="ovr")


# ---- differential fuzz: random argument sets, results, errors and warnings -------------

def outcome(function, *args, **kwargs):
    """(result, exception, the set of warning messages' first 40 characters)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, error = function(*args, **kwargs), None
        except Exception as exception:  # compared with scikit-learn's below
            result, error = None, exception
    return result, error, {str(w.message)[:40] for w in caught
                           if issubclass(w.category, UserWarning)}


def same_outcome(ours, theirs, compare):
    if theirs[1] is not None:
        assert ours[1] is not None, (ours, theirs)
        assert str(ours[1]).startswith(str(theirs[1])[:30]), (ours, theirs)
        return
    assert ours[1] is None, (ours, theirs)
    compare(ours[0], theirs[0])
    assert ours[2] == theirs[2], (ours, theirs)


LABEL_SETS = [(0, 1), (-1, 1), (1, 2), ("a", "b"), (0.0, 1.0), (True, False), (0, 1, 2),
              ("x", "y", "z"), (2, 5, 7), (1,), (0,)]


@pytest.mark.parametrize("seed", range(4))
def test_differential_fuzz_roc_auc_score(seed):
    rng = np.random.default_rng(9000 + seed)
    for _ in range(150):
        n, k = int(rng.integers(1, 12)), int(rng.integers(1, 5))
        if rng.random() < 0.6:
            labels = LABEL_SETS[rng.integers(0, len(LABEL_SETS))]
            y = np.array(labels, dtype=object if isinstance(labels[0], str) else None)[
                rng.integers(0, len(labels), n)]
            if len(labels) > 2 and rng.random() < 0.7:
                s = rng.integers(0, 4, (n, len(labels))) / 4.0 + 0.01
                s = s / s.sum(axis=1, keepdims=True)
            else:
                s = rng.integers(0, 4, n) / 4.0
        else:
            y = np.array([(0, 1), (-1, 1), (0, 2)][rng.integers(0, 3)])[
                rng.integers(0, 2, (n, k))]
            s = rng.integers(0, 4, (n, k)) / 4.0
        kwargs = {}
        if rng.random() < 0.3:
            kwargs["sample_weight"] = rng.integers(0, 3, n).astype(float)
        if rng.random() < 0.3:
            kwargs["average"] = [None, "micro", "macro", "weighted", "samples"][
                rng.integers(0, 5)]
        if rng.random() < 0.3:
            kwargs["max_fpr"] = float(rng.choice([0.3, 1.0, 0.05]))
        if rng.random() < 0.4:
            kwargs["multi_class"] = ["ovr", "ovo"][rng.integers(0, 2)]
        ours = outcome(metrics.roc_auc_score, y, s, **kwargs)
        theirs = outcome(skm.roc_auc_score, y, s, **kwargs)
        if theirs[1] is not None and "At least 2 points" in str(theirs[1]):
            # max_fpr with a class of zero weight: see the test above
            assert ours[1] is None and np.all(np.isnan(ours[0])), (ours, theirs)
            continue
        same_outcome(ours, theirs,
                     lambda a, b: record(a, b, ("fuzz", y.tolist(), kwargs), tol=4e-15))


@pytest.mark.parametrize("seed", range(4))
def test_differential_fuzz_roc_curve(seed):
    rng = np.random.default_rng(9100 + seed)
    for _ in range(200):
        n = int(rng.integers(1, 10))
        labels = LABEL_SETS[rng.integers(0, len(LABEL_SETS))]
        y = np.array(labels, dtype=object if isinstance(labels[0], str) else None)[
            rng.integers(0, len(labels), n)]
        s = rng.integers(-2, 3, n) / 2.0
        if rng.random() < 0.2:
            s = s.astype(np.float32)
        kwargs = {}
        if rng.random() < 0.4:
            kwargs["sample_weight"] = rng.integers(0, 3, n).astype(float)
        if rng.random() < 0.4:
            kwargs["pos_label"] = labels[rng.integers(0, len(labels))]
        if rng.random() < 0.5:
            kwargs["drop_intermediate"] = bool(rng.integers(0, 2))
        same_outcome(outcome(metrics.roc_curve, y, s, **kwargs),
                     outcome(skm.roc_curve, y, s, **kwargs),
                     lambda a, b: assert_same_curve(a, b, (y.tolist(), s, kwargs)))


# ---- partial_auc ----------------------------------------------------------------------

def oracle_partial_area(y, s, w, axis, lower, upper):
    """Area under the piecewise-linear ROC curve through every distinct threshold over
    [lower, upper] of FPR (integrand TPR) or of TPR (integrand 1 - FPR), in float64."""
    y = np.asarray(y, bool)
    s = np.asarray(s, float)
    w = np.ones(len(s)) if w is None else np.asarray(w, float)
    thresholds = np.unique(s)[::-1]
    tp = np.array([0.0] + [w[y & (s >= t)].sum() for t in thresholds])
    fp = np.array([0.0] + [w[~y & (s >= t)].sum() for t in thresholds])
    fpr, tpr = fp / fp[-1], tp / tp[-1]
    x, f = (fpr, tpr) if axis == 0 else (tpr, 1.0 - fpr)
    area = 0.0
    for x0, x1, f0, f1 in zip(x[:-1], x[1:], f[:-1], f[1:]):
        a, b = max(x0, lower), min(x1, upper)
        if b <= a:
            continue
        fa = f0 + (f1 - f0) * (a - x0) / (x1 - x0)
        fb = f0 + (f1 - f0) * (b - x0) / (x1 - x0)
        area += (b - a) * (fa + fb) / 2
    return area


@pytest.mark.parametrize("seed", range(40))
def test_partial_auc(seed):
    rng = np.random.default_rng(500 + seed)
    n = int(rng.integers(4, 300))
    y, s, w = random_binary(rng, n, None if seed % 2 else int(rng.integers(2, 8)),
                            (None, "zeros", "lognormal")[seed % 3])
    m = float(rng.uniform(0.01, 1.0))
    # FPR [0, m], standardized: scikit-learn's max_fpr
    ours = quiet(metrics.partial_auc, y, s, fpr_range=(0, m), standardized=True,
                 sample_weight=w)
    record(ours, skm.roc_auc_score(y, s, max_fpr=m, sample_weight=w), ("max_fpr", seed),
           tol=4e-15)
    # other ranges, both axes, raw and standardized: the oracle
    lower, upper = np.sort(rng.uniform(0, 1, 2))
    for axis, key in ((0, "fpr_range"), (1, "tpr_range")):
        area = metrics.partial_auc(y, s, sample_weight=w, **{key: (lower, upper)})
        expected = oracle_partial_area(y, s, w, axis, lower, upper)
        record(area, expected, ("partial", seed, key), tol=1e-13)
        width = upper - lower
        low = width * (lower + upper) / 2 if axis == 0 else width * (2 - lower - upper) / 2
        value = quiet(metrics.partial_auc, y, s, standardized=True, sample_weight=w,
                      **{key: (lower, upper)})
        assert abs(value - (1 + (expected - low) / (width - low)) / 2) <= \
            1e-13 / (width - low), (seed, key)
    # the whole range is the AUROC
    record(metrics.partial_auc(y, s, fpr_range=(0, 1), sample_weight=w),
           skm.roc_auc_score(y, s, sample_weight=w), ("whole", seed), tol=4e-15)


def test_partial_auc_below_diagonal_warns_and_returns_the_formula():
    y, s = [1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]  # inverted ranking
    with pytest.warns(metrics.UndefinedMetricWarning, match="below the diagonal"):
        value = metrics.partial_auc(y, s, fpr_range=(0, 0.5), standardized=True)
    assert value < 0.5
    record(value, skm.roc_auc_score(y, s, max_fpr=0.5), "below diagonal")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # raw area: no warning
        assert metrics.partial_auc(y, s, fpr_range=(0, 0.5)) == 0.0


def test_partial_auc_one_class_and_bad_arguments():
    with pytest.warns(metrics.UndefinedMetricWarning, match="Only one class"):
        assert np.isnan(metrics.partial_auc([1, 1], [0.1, 0.2], fpr_range=(0, 0.5)))
    with pytest.raises(ValueError, match="exactly one of"):
        metrics.partial_auc([0, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="exactly one of"):
        metrics.partial_auc([0, 1], [0.1, 0.2], fpr_range=(0, 1), tpr_range=(0, 1))
    for bad in ((0.5, 0.5), (0.6, 0.2), (-0.1, 0.5), (0, 1.5), (0, np.nan)):
        with pytest.raises(ValueError, match="fpr_range"):
            metrics.partial_auc([0, 1], [0.1, 0.2], fpr_range=bad)
    with pytest.raises(ValueError, match="pair"):
        metrics.partial_auc([0, 1], [0.1, 0.2], tpr_range=0.5)
    with pytest.raises(ValueError, match="multiclass format is not supported"):
        metrics.partial_auc([0, 1, 2], [0.1, 0.2, 0.3], fpr_range=(0, 1))


# ---- packaging ------------------------------------------------------------------------

def test_docstrings_run_and_have_numpy_sections():
    import doctest
    result = doctest.testmod(metrics, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 6
    for function in (metrics.roc_curve, metrics.roc_auc_score, metrics.partial_auc):
        for section in ("Parameters\n    ----------", "Returns\n    -------",
                        "Examples\n    --------"):
            assert section in function.__doc__, (function.__name__, section)


def test_lazy_attribute_and_exports():
    assert diffauroc.metrics is metrics
    for name in ("roc_auc_score", "roc_curve", "partial_auc", "UndefinedMetricWarning"):
        assert name in metrics.__all__


def test_works_without_scikit_learn():
    code = textwrap.dedent("""
        import sys, warnings
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "sklearn" or name.startswith("sklearn."):
                    raise ImportError("scikit-learn is blocked for this test")
        sys.meta_path.insert(0, Block())
        from diffauroc import metrics
        assert metrics.UndefinedMetricWarning.__mro__[1] is UserWarning
        assert metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
        p = [[0.8, 0.1, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.5, 0.4, 0.1]]
        assert metrics.roc_auc_score(["a", "b", "c", "a"], p, multi_class="ovo") == 1.0
        fpr, tpr, thr = metrics.roc_curve([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8], pos_label=2)
        assert fpr.tolist() == [0.0, 0.0, 0.5, 0.5, 1.0]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = metrics.roc_auc_score([1, 1], [0.1, 0.2])
        assert value != value and caught[0].category is metrics.UndefinedMetricWarning
        assert not any(m == "sklearn" or m.startswith("sklearn.") for m in sys.modules)
        print("ok")
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr


def test_zz_print_largest_deviation():
    """Runs last in this file: prints the largest deviation from scikit-learn seen."""
    print(f"\nlargest |diffauroc.metrics - scikit-learn| seen: {DEVIATION['max']:.3g} "
          f"at {DEVIATION['where']}")
    assert DEVIATION["max"] <= 4e-15
