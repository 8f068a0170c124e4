"""diffauroc.dask against the single-process functions (issue 16, items 2 and 4).

Every result is compared with the function of one process on the concatenated data:
``diffauroc.auroc_exact`` (bit for bit without weights, 1e-12 with), ``diffauroc.stats.
auroc_ci`` (method "delong"; the same interval) and ``diffauroc.metrics.roc_curve`` (equal
points), on adversarial partitions: ties straddling every chunk boundary, one class absent
from some chunks, empty chunks, one chunk, -0.0 and +0.0 in different chunks, float32 and
float64, weights, dataframe columns; and on a small distributed.LocalCluster.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")

import diffauroc  # noqa: E402
from diffauroc import dask as dauroc  # noqa: E402
from diffauroc import metrics, stats  # noqa: E402


@pytest.fixture(autouse=True)
def _synchronous_by_default():
    """The default threaded scheduler; tests that want a cluster make their own."""
    import dask
    with dask.config.set(scheduler="threads"):
        yield


def _cases():
    """(name, scores, labels, chunks): adversarial layouts of the samples over chunks."""
    rng = np.random.default_rng(20261130)
    cases = []
    # Ties straddling every chunk boundary: runs of 7 equal scores, chunks of 5.
    values = rng.permutation(60) / 8.0
    s = np.repeat(values, 7)
    y = rng.integers(0, 2, s.size)
    cases.append(("ties across every boundary", s, y, 5))
    # Sorted scores, so range boundaries and chunk boundaries fall inside tie runs.
    s = np.sort(rng.integers(0, 30, 1000)) / 4.0
    cases.append(("sorted ties", s, rng.integers(0, 2, s.size), 37))
    # One class absent from most chunks: labels sorted.
    s = rng.integers(0, 100, 700) / 10.0
    y = np.sort(rng.integers(0, 2, 700))
    cases.append(("one class per chunk", s, y, 50))
    # Empty chunks between nonempty ones.
    s = rng.normal(size=300)
    y = rng.integers(0, 2, 300)
    cases.append(("empty chunks", s, y, (0, 100, 0, 0, 150, 50, 0)))
    # One chunk.
    cases.append(("one chunk", s, y, 300))
    # -0.0 and +0.0 in different chunks (they tie), with other ties.
    s = np.array([-0.0, 0.0, 1.0, -0.0, 0.5, 0.0, -1.0, 0.0, -0.0, 0.5] * 20)
    y = np.array([0, 1, 1, 1, 0, 0, 0, 1, 0, 1] * 20)
    cases.append(("signed zeros", s, y, 3))
    # Continuous scores, many chunks.
    s = rng.random(5000)
    y = (rng.random(5000) < s).astype(np.int64)
    cases.append(("continuous", s, y, 401))
    return cases


CASES = _cases()
IDS = [c[0] for c in CASES]


def _dask(array, chunks):
    if isinstance(chunks, tuple):
        return da.from_array(np.asarray(array), chunks=(chunks,))
    return da.from_array(np.asarray(array), chunks=chunks)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_auroc_exact_bit_for_bit(case, dtype):
    _, s, y, chunks = case
    s = s.astype(dtype)
    expected = diffauroc.auroc_exact(s, y)
    for n_ranges in (None, 1, 3, 17):
        got = dauroc.auroc_exact(_dask(s, chunks), _dask(y, chunks), n_ranges=n_ranges)
        assert got == expected, (n_ranges, got, expected)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_labels_chunked_differently(case):
    _, s, y, chunks = case
    got = dauroc.auroc_exact(_dask(s, chunks), da.from_array(y.astype(bool), chunks=64))
    assert got == diffauroc.auroc_exact(s, y)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_weighted_auroc(case, dtype):
    _, s, y, chunks = case
    rng = np.random.default_rng(5)
    w = rng.random(s.size).astype(dtype)
    w[rng.random(s.size) < 0.2] = 0  # zero weights exclude their samples
    s = s.astype(dtype)
    expected = diffauroc.auroc_exact(s, y, w)
    got = dauroc.auroc_exact(_dask(s, chunks), _dask(y, chunks), _dask(w, chunks),
                             n_ranges=7)
    assert got == pytest.approx(expected, rel=1e-12, abs=0)


def test_weights_spanning_many_binades():
    rng = np.random.default_rng(9)
    s = rng.integers(0, 40, 2000) / 3.0
    y = rng.integers(0, 2, 2000)
    w = np.ldexp(rng.random(2000) + 0.5, rng.integers(-300, 300, 2000))
    expected = diffauroc.auroc_exact(s, y, w)
    got = dauroc.auroc_exact(_dask(s, 150), _dask(y, 150), _dask(w, 150), n_ranges=9)
    assert got == pytest.approx(expected, rel=1e-12, abs=0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_auroc_ci_equals_stats(case, dtype):
    _, s, y, chunks = case
    s = s.astype(dtype)
    expected = stats.auroc_ci(y, s)
    for n_ranges in (None, 5):
        got = dauroc.auroc_ci(_dask(y, chunks), _dask(s, chunks), n_ranges=n_ranges)
        assert got == expected, (got, expected)
    assert dauroc.auroc_ci(_dask(y, chunks), _dask(s, chunks), 0.8) == stats.auroc_ci(y, s, 0.8)


def test_delong_variance_against_an_independent_oracle():
    """The merged variance against midrank placements computed here (numpy + Fraction)."""
    from fractions import Fraction
    rng = np.random.default_rng(3)
    s = rng.integers(0, 25, 400) / 5.0
    y = rng.integers(0, 2, 400)
    pos, neg = np.sort(s[y == 1]), np.sort(s[y == 0])
    c = 2 * np.searchsorted(neg, pos, "left") + (np.searchsorted(neg, pos, "right")
                                                  - np.searchsorted(neg, pos, "left"))
    d = 2 * (pos.size - np.searchsorted(pos, neg, "right")) + (
        np.searchsorted(pos, neg, "right") - np.searchsorted(pos, neg, "left"))
    P, N = pos.size, neg.size
    v10 = [Fraction(int(x), 2 * N) for x in c]
    v01 = [Fraction(int(x), 2 * P) for x in d]
    auc = sum(v10) / P
    var = (sum((v - auc) ** 2 for v in v10) / (P - 1) / P
           + sum((v - auc) ** 2 for v in v01) / (N - 1) / N)
    got = dauroc.auroc_ci(_dask(y, 33), _dask(s, 33), n_ranges=6)
    assert got.auroc == float(auc)
    z = stats._qnorm(0.975)
    assert got.upper == min(float(auc) + math.sqrt(float(var)) * z, 1.0)


def test_auroc_ci_too_few_of_a_class():
    s = np.array([0.1, 0.2, 0.3, 0.4])
    y = np.array([0, 1, 0, 0])
    with pytest.warns(RuntimeWarning):
        got = dauroc.auroc_ci(_dask(y, 2), _dask(s, 2))
    assert math.isnan(got.lower) and math.isnan(got.auroc) and math.isnan(got.upper)
    with pytest.raises(ValueError, match="no positive or no negative"):
        dauroc.auroc_ci(_dask(np.zeros(4), 2), _dask(s, 2))
    with pytest.raises(ValueError, match="method"):
        dauroc.auroc_ci(_dask(y, 2), _dask(s, 2), method="bootstrap")


@pytest.mark.parametrize("drop", [True, False])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_roc_curve_equals_metrics(case, dtype, drop):
    _, s, y, chunks = case
    s = s.astype(dtype)
    expected = metrics.roc_curve(y, s, drop_intermediate=drop)
    got = dauroc.roc_curve(_dask(y, chunks), _dask(s, chunks), drop_intermediate=drop,
                           n_ranges=6)
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)


def test_weighted_roc_curve():
    rng = np.random.default_rng(11)
    s = rng.integers(0, 80, 3000) / 9.0
    y = rng.integers(0, 2, 3000)
    # Dyadic weights sum exactly in any order: the points, and which are collinear, agree.
    w = rng.integers(0, 8, 3000) / 4.0
    expected = metrics.roc_curve(y, s, sample_weight=w)
    got = dauroc.roc_curve(_dask(y, 170), _dask(s, 170), sample_weight=_dask(w, 170),
                           n_ranges=8)
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)
    # Other weights: sums in another order, rates within 1e-12.
    w = rng.random(3000)
    expected = metrics.roc_curve(y, s, sample_weight=w, drop_intermediate=False)
    got = dauroc.roc_curve(_dask(y, 170), _dask(s, 170), sample_weight=_dask(w, 170),
                           drop_intermediate=False, n_ranges=8)
    np.testing.assert_array_equal(got[2], expected[2])
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("max_points", [2, 3, 10, 100, 10**6])
def test_roc_curve_max_points_keeps_exact_points(max_points):
    rng = np.random.default_rng(1)
    s = rng.random(20000)
    y = (rng.random(20000) < s).astype(int)
    full = metrics.roc_curve(y, s, drop_intermediate=False)
    fpr, tpr, thresholds = dauroc.roc_curve(_dask(y, 1000), _dask(s, 1000),
                                            max_points=max_points, drop_intermediate=False,
                                            n_ranges=20)
    assert 2 <= fpr.size <= max_points
    assert (fpr[0], tpr[0], thresholds[0]) == (0.0, 0.0, np.inf)
    assert (fpr[-1], tpr[-1]) == (1.0, 1.0)
    index = {t: i for i, t in enumerate(full[2])}
    rows = np.array([index[t] for t in thresholds])
    assert np.all(np.diff(rows) > 0)
    np.testing.assert_array_equal(fpr, full[0][rows])
    np.testing.assert_array_equal(tpr, full[1][rows])
    if max_points >= 100:  # the bound is used, not just respected
        assert fpr.size >= min(max_points // 2, full[0].size)
    dropped = dauroc.roc_curve(_dask(y, 1000), _dask(s, 1000), max_points=max_points)
    assert dropped[0].size <= max_points and dropped[0][-1] == 1.0
    with pytest.raises(ValueError, match="max_points"):
        dauroc.roc_curve(_dask(y, 1000), _dask(s, 1000), max_points=1)


def test_dataframe_columns():
    rng = np.random.default_rng(2)
    n = 3000
    frame = pd.DataFrame({"score": rng.integers(0, 50, n) / 7.0,
                          "label": rng.integers(0, 2, n),
                          "weight": rng.random(n)})
    ddf = dd.from_pandas(frame, npartitions=7)
    s, y, w = frame.score.to_numpy(), frame.label.to_numpy(), frame.weight.to_numpy()
    assert dauroc.auroc_exact(ddf.score, ddf.label) == diffauroc.auroc_exact(s, y)
    assert dauroc.auroc_exact(ddf.score, ddf.label, ddf.weight) == pytest.approx(
        diffauroc.auroc_exact(s, y, w), rel=1e-12, abs=0)
    assert dauroc.auroc_ci(ddf.label, ddf.score) == stats.auroc_ci(y, s)
    for a, b in zip(dauroc.roc_curve(ddf.label, ddf.score), metrics.roc_curve(y, s)):
        np.testing.assert_array_equal(a, b)
    # a dataframe whose partitions include empty ones (after a filter)
    kept = ddf[ddf.score > 5.0]
    mask = s > 5.0
    assert dauroc.auroc_exact(kept.score, kept.label) == diffauroc.auroc_exact(s[mask], y[mask])


def test_errors_name_the_element_with_its_global_index():
    s = np.linspace(0, 1, 100)
    y = np.tile([0, 1], 50)
    bad = s.copy()
    bad[57] = np.nan
    with pytest.raises(ValueError) as single:
        diffauroc.auroc_exact(bad, y)
    with pytest.raises(ValueError) as distributed:
        dauroc.auroc_exact(_dask(bad, 10), _dask(y, 10))
    assert str(distributed.value) == str(single.value)
    assert "predictions[57] = nan" in str(distributed.value)
    labels = y.astype(float)
    labels[91] = 2.0
    labels[95] = 0.5
    with pytest.raises(ValueError, match=r"labels\[91\] = 2\.0"):
        dauroc.auroc_exact(_dask(s, 10), _dask(labels, 10))
    w = np.ones(100)
    w[33] = -1.0
    with pytest.raises(ValueError, match=r"weights\[33\] = -1\.0"):
        dauroc.auroc_exact(_dask(s, 10), _dask(y, 10), _dask(w, 10))
    big = np.arange(100, dtype=np.int64)
    big[12] = 2**60 + 1
    with pytest.raises(ValueError, match=r"predictions\[12\] = 1152921504606846977 cannot"):
        dauroc.auroc_exact(_dask(big, 10), _dask(y, 10))
    with pytest.raises(ValueError, match=r"y_score\[57\] = nan"):
        dauroc.roc_curve(_dask(y, 10), _dask(bad, 10))
    with pytest.raises(ValueError, match=r"y_score\[57\] = nan"):
        dauroc.auroc_ci(_dask(y, 10), _dask(bad, 10))
    with pytest.raises(ValueError, match="same length"):
        dauroc.auroc_exact(_dask(s, 10), _dask(y[:90], 10))
    with pytest.raises(ValueError, match="no positive or no negative"):
        dauroc.auroc_exact(_dask(s, 10), _dask(np.ones(100), 10))
    with pytest.raises(ValueError, match="n_ranges"):
        dauroc.auroc_exact(_dask(s, 10), _dask(y, 10), n_ranges=0)
    with pytest.raises(TypeError):
        dauroc.auroc_exact(_dask(s.astype(complex), 10), _dask(y, 10))


def test_dataframe_partitions_of_different_lengths_are_refused():
    a = dd.from_pandas(pd.Series(np.linspace(0, 1, 20)), npartitions=2)
    b = dd.from_pandas(pd.Series(np.tile([0, 1], 10)), npartitions=2).repartition(
        divisions=[0, 5, 19])
    with pytest.raises(ValueError, match="block of length"):
        dauroc.auroc_exact(a, b)


def test_local_cluster_processes_false():
    distributed = pytest.importorskip("distributed")
    rng = np.random.default_rng(4)
    s = rng.integers(0, 200, 20000).astype(np.float32) / 16
    y = rng.integers(0, 2, 20000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # distributed's own start-up notices
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                      dashboard_address=None) as cluster, \
                distributed.Client(cluster):
            S, Y = _dask(s, 1500), _dask(y, 1500)
            assert dauroc.auroc_exact(S, Y) == diffauroc.auroc_exact(s, y)
            assert dauroc.auroc_ci(Y, S) == stats.auroc_ci(y, s)
            got = dauroc.roc_curve(Y, S)
            for a, b in zip(got, metrics.roc_curve(y, s)):
                np.testing.assert_array_equal(a, b)


def test_local_cluster_two_worker_processes():
    """Two small worker processes (the summaries run in other processes: the library is
    loaded there, arrays and summaries travel pickled)."""
    distributed = pytest.importorskip("distributed")
    rng = np.random.default_rng(6)
    s = rng.normal(size=30000).round(2)
    y = rng.integers(0, 2, 30000)
    w = rng.random(30000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None, memory_limit="400MB") as cluster, \
                distributed.Client(cluster):
            S, Y, W = _dask(s, 2500), _dask(y, 2500), _dask(w, 2500)
            assert dauroc.auroc_exact(S, Y, n_ranges=5) == diffauroc.auroc_exact(s, y)
            assert dauroc.auroc_exact(S, Y, W, n_ranges=5) == pytest.approx(
                diffauroc.auroc_exact(s, y, w), rel=1e-12, abs=0)
            assert dauroc.auroc_ci(Y, S, n_ranges=5) == stats.auroc_ci(y, s)
