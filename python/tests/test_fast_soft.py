"""The soft AUROC of libdiffauroc (its fast O(n log n) path for every input above 10,000
(positive, negative) pairs) against an independent float64 NumPy pairwise oracle.

Every case asserts the accuracy bar of issue 3: the error is at most 1e-12 of each
quantity's natural scale -- 1 for the value, w_k / (T * W_class) for a gradient entry,
1 / T for d value / dT. The worst error / bar ratio over all cases is printed at the end
(run with ``pytest -s`` to see it).

The library is the file the installed package loads (its bundled .so, or
$DIFFAUROC_LIBRARY), called through ctypes directly.
"""

import math
import pathlib

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
from library_support import LIBRARY, soft_grad, soft_grad_library  # noqa: E402
BAR = 1e-12
WORST = {"ratio": 0.0, "case": None}


@pytest.fixture(scope="module")
def lib():
    yield soft_grad_library()
    print(f"\nworst error / bar over all fast-soft cases: {WORST['ratio']:.3e} ({WORST['case']})")


def _scaled_difference(a, b, temperature):
    """(a - b) / T without overflow of a - b (scores near +-1e308)."""
    with np.errstate(over="ignore", invalid="ignore"):
        d = np.subtract.outer(a, b)
        bad = ~np.isfinite(d)
        x = d / temperature
        if bad.any():
            halves = (np.subtract.outer(a * 0.5, b * 0.5) / temperature) * 2
            x = np.where(bad, halves, x)
    return x


def oracle_soft_grad(scores, labels, weights, temperature, chunk=2048):
    """Float64 pairwise sum. Samples are first grouped by distinct score within each
    class (weights added), which is exact for the sum and keeps ties cheap; the groups'
    pair sums are then taken in chunks of positives with stable kernels."""
    scores = np.asarray(scores, dtype=np.float64) + 0.0
    labels = np.asarray(labels, dtype=np.float64)
    w = np.ones_like(scores) if weights is None else np.asarray(weights, dtype=np.float64)
    keep = w > 0
    pos = keep & (labels == 1)
    neg = keep & (labels == 0)
    pu, pinv = np.unique(scores[pos], return_inverse=True)
    nu, ninv = np.unique(scores[neg], return_inverse=True)
    pw = np.bincount(pinv, weights=w[pos])
    nw = np.bincount(ninv, weights=w[neg])
    wp_total = math.fsum(w[pos])
    wn_total = math.fsum(w[neg])
    p_mass = pw / wp_total
    q_mass = nw / wn_total
    value_parts, moment_parts = [], []
    pos_slope = np.empty(pu.size)  # sum_j q_j sigmoid'(x) per distinct positive score
    neg_slope = np.zeros(nu.size)  # sum_i p_i sigmoid'(x) per distinct negative score
    for start in range(0, pu.size, chunk):
        a = pu[start:start + chunk]
        x = _scaled_difference(a, nu, temperature)
        e = np.exp(-np.abs(x))
        r = 1.0 / (1.0 + e)
        sig = np.where(x >= 0, r, e * r)
        slope = e * r * r
        with np.errstate(invalid="ignore"):
            mom = np.where(np.isfinite(x), x * slope, 0.0)
        pm = p_mass[start:start + chunk]
        value_parts.append(float(pm @ (sig @ q_mass)))
        moment_parts.append(float(pm @ (mom @ q_mass)))
        pos_slope[start:start + chunk] = slope @ q_mass
        neg_slope += pm @ slope
    grad = np.zeros(scores.size)
    grad[pos] = (w[pos] / wp_total) * pos_slope[pinv] / temperature
    grad[neg] = -(w[neg] / wn_total) * neg_slope[ninv] / temperature
    value = math.fsum(value_parts)
    dtemp = -math.fsum(moment_parts) / temperature
    return value, grad, dtemp, wp_total, wn_total


def check(lib, name, scores, labels, weights, temperature):
    value, grad, dtemp = soft_grad(lib, scores, labels, weights, temperature)
    o_value, o_grad, o_dtemp, wp, wn = oracle_soft_grad(scores, labels, weights, temperature)
    labels = np.asarray(labels, dtype=np.float64)
    w = np.ones(len(labels)) if weights is None else np.asarray(weights, dtype=np.float64)
    assert np.all(np.isfinite(grad)), name
    assert np.all(grad[w == 0] == 0), name
    scale = np.where(labels == 1, (w / wp) / temperature, (w / wn) / temperature)
    live = w > 0
    # A gradient in the subnormal range (T near 1e308) is itself rounded to a multiple of
    # 2^-1074, so the bar there cannot go below a few such units.
    grad_bar = np.maximum(BAR * scale, 4 * 2.0**-1074)
    ratios = [abs(value - o_value) / BAR, abs(dtemp - o_dtemp) * temperature / BAR]
    if live.any():
        ratios.append(float(np.max(np.abs(grad[live] - o_grad[live]) / grad_bar[live])))
    assert not any(math.isnan(r) for r in ratios), name
    worst = max(ratios)
    if worst > WORST["ratio"]:
        WORST["ratio"], WORST["case"] = worst, name
    assert worst <= 1.0, f"{name}: error/bar value {ratios[0]:.3g} dT {ratios[1]:.3g} grad {ratios[-1]:.3g}"


def labels_for(rng, n, rate=0.4):
    y = (rng.random(n) < rate).astype(np.float64)
    y[0], y[-1] = 1.0, 0.0
    return y


@pytest.mark.parametrize("relative_t", [1e-8, 1e-4, 1e-3, 3e-3, 1e-2, 0.1, 0.5, 1.0, 10.0, 1e4, 1e8])
@pytest.mark.parametrize("weighted", [False, True])
def test_random_scores_every_temperature(lib, relative_t, weighted):
    rng = np.random.default_rng(int(relative_t * 1e9) % 2**32 + weighted)
    n = 4000
    scores = rng.normal(size=n) * 2.0
    labels = labels_for(rng, n)
    scores += labels
    weights = None
    if weighted:
        weights = rng.uniform(0, 3, size=n) * (rng.random(n) > 0.1)
    t = relative_t * (scores.max() - scores.min())
    check(lib, f"random n={n} T={relative_t}*spread weighted={weighted}", scores, labels, weights, t)


@pytest.mark.parametrize("t", [1e-8, 0.01, 1.0, 1e8])
def test_all_scores_tied(lib, t):
    rng = np.random.default_rng(1)
    n = 5000
    check(lib, f"all tied T={t}", np.full(n, 0.3), labels_for(rng, n), None, t)


@pytest.mark.parametrize("t", [1e-8, 0.5, 3.5, 1e8])
def test_a_million_copies_of_two_values(lib, t):
    rng = np.random.default_rng(2)
    n = 1_000_000
    scores = np.where(rng.random(n) < 0.5, -1.0, 2.5)
    check(lib, f"1e6 copies of two values T={t}", scores, labels_for(rng, n), None, t)


@pytest.mark.parametrize("t", [1e-12, 1e-9, 1e-6, 1.0, 1e6])
def test_one_outlier_far_from_a_tight_cluster(lib, t):
    rng = np.random.default_rng(3)
    n = 6000
    scores = 1.0 + rng.uniform(0, 1e-9, size=n)
    scores[123] = 1e6
    check(lib, f"outlier T={t}", scores, labels_for(rng, n), None, t)


@pytest.mark.parametrize("t", [1e-300, 1.0, 1e300, 1e308])
def test_scores_near_the_largest_double(lib, t):
    rng = np.random.default_rng(4)
    n = 3000
    scores = rng.choice([-1e308, -3e307, 0.0, 5e307, 1e308], size=n) * rng.choice([1.0, 0.999999], size=n)
    check(lib, f"+-1e308 T={t}", scores, labels_for(rng, n), None, t)


def test_clusters_at_every_scale_with_zero_weights(lib):
    rng = np.random.default_rng(5)
    parts = []
    for c in range(60):
        size = [1, 3, 17, 40, 400][c % 5]
        parts.append(c * rng.uniform(0.2, 3.0) + rng.uniform(-0.3, 0.3, size=size))
    scores = np.concatenate(parts)
    n = scores.size
    labels = labels_for(rng, n, 0.5)
    weights = rng.uniform(1e-3, 1e3, size=n) * (rng.random(n) > 0.2)
    for t in [0.01, 0.1, 0.3, 1.0, 3.0]:
        check(lib, f"clusters T={t}", scores, labels, weights, t)


def test_n_100000_rare_positives(lib):
    rng = np.random.default_rng(6)
    n = 100_000
    labels = (rng.random(n) < 0.02).astype(np.float64)
    scores = rng.normal(size=n) + 1.5 * labels
    weights = rng.exponential(size=n) * (rng.random(n) > 0.05)
    check(lib, "n=1e5 rare positives weighted T=0.05", scores, labels, weights, 0.05)


def test_n_100000_clustered_logits(lib):
    rng = np.random.default_rng(7)
    n = 100_000
    labels = (rng.random(n) < 0.015).astype(np.float64)
    # Rounded logits: heavy ties plus dense spread, at a temperature near the tie spacing.
    scores = np.round(rng.normal(scale=4.0, size=n) + 2 * labels, 2)
    check(lib, "n=1e5 rounded logits T=0.02", scores, labels, None, 0.02)


@pytest.mark.parametrize("t", [1e-7, 0.1])
def test_concurrent_calls_are_bitwise_identical(lib, t):
    """Calls from several threads at once (ctypes releases the GIL) give the same bits as
    a lone call: no shared state, and the library's own two-thread split is fixed by the
    data, not by timing. (T = 1e-7: the window path; 0.1: the cells.)"""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(8)
    n = 200_000
    labels = labels_for(rng, n)
    scores = rng.normal(size=n) + labels
    alone = soft_grad(lib, scores, labels, None, t)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: soft_grad(lib, scores, labels, None, t), range(8)))
    for value, grad, dtemp in results:
        assert value == alone[0] and dtemp == alone[2]
        assert np.array_equal(grad, alone[1])


@pytest.mark.parametrize("t", [1e-9, 1e-3, 2.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_groups_at_gaps_around_the_counting_distance(lib, t, weighted):
    """Groups of 1 to 60 points whose gaps straddle the near distance (4 T) and the
    counting distance (40 T, where pairs in different clusters are counted: sigmoid 1 or
    0, no slope), so clusters of one and of many cells, far pairs inside a cluster and
    counted pairs between clusters all occur, at scores offset far from 0."""
    rng = np.random.default_rng(9 + weighted)
    gaps = np.array([0.5, 3.9, 4.1, 10.0, 38.0, 39.9, 40.0, 40.1, 42.0, 80.0])
    parts, position = [], 0.0
    for _ in range(300):
        position += rng.choice(gaps) * t
        size = int(rng.choice([1, 1, 2, 5, 20, 60]))
        parts.append(position + rng.uniform(0, 1.5 * t, size=size))
    scores = 1e3 + np.concatenate(parts)
    n = scores.size
    labels = labels_for(rng, n, 0.45)
    weights = rng.uniform(0.01, 10, size=n) * (rng.random(n) > 0.1) if weighted else None
    check(lib, f"gaps around 40 T, T={t} weighted={weighted}", scores, labels, weights, t)


@pytest.mark.parametrize("spacing,clumps", [(0.5, False), (2.0, False), (10.0, False),
                                            (200.0, False), (200.0, True)])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_scores_window_path(lib, spacing, clumps, weighted):
    """Sparse data on the scale of T (mean gap `spacing` T), with ties and near-ties.
    Counted separately (numpy.searchsorted), the pairs closer than 40 T are 35-38 a point
    at spacing 0.5 (the grid of cells), 8.6-9.6 at 2, 1.7-1.9 at 10 and 0.1 at 200: the
    library's window path (pairs within 40 T summed directly, the rest counted; taken at
    <= 40 such pairs a point on the sorting route) at 2, 10, 200. With `clumps`, 6,000 of
    the points sit in 6 clumps 5 T wide: over 40 pairs a point, sorting route, so the cells
    with most of them their own cluster."""
    rng = np.random.default_rng(int(spacing) + 100 * weighted + 1000 * clumps)
    n = 20_000
    t = 1e-3 / (n * spacing)
    scores = np.sort(rng.uniform(5.0, 5.001, size=n))
    scores[::97] = scores[1::97]  # exact ties
    scores[::89] = scores[1::89] + 0.5 * t  # near ties
    if clumps:
        centers = rng.uniform(5.0, 5.001, size=6)
        scores[:6000] = np.repeat(centers, 1000) + rng.uniform(0, 5 * t, size=6000)
    rng.shuffle(scores)
    labels = labels_for(rng, n, 0.4)
    weights = rng.uniform(0, 4, size=n) * (rng.random(n) > 0.1) if weighted else None
    check(lib, f"sparse spacing={spacing} T clumps={clumps} weighted={weighted}", scores, labels, weights, t)


_BITS_SCRIPT = r"""
import ctypes, hashlib, sys
import numpy as np
lib = ctypes.CDLL(sys.argv[1])
dp = ctypes.POINTER(ctypes.c_double)
lib.auroc_soft_grad.argtypes = [dp, dp, dp, ctypes.c_size_t, ctypes.c_double, dp, dp, dp]
lib.auroc_soft_grad.restype = ctypes.c_int
lib.diffauroc_kernels.restype = ctypes.c_char_p
rng = np.random.default_rng(11)
n = 60_000
labels = (rng.random(n) < 0.3).astype(np.float64)
scores = rng.normal(size=n) + labels
weights = rng.uniform(0, 2, size=n)
digest = hashlib.sha256()
for w in (None, weights):
    for t in (1e-12, 1e-9, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1.0, 1e4):
        grad = np.empty(n)
        value, dtemp = ctypes.c_double(), ctypes.c_double()
        status = lib.auroc_soft_grad(scores.ctypes.data_as(dp), labels.ctypes.data_as(dp),
                                     None if w is None else w.ctypes.data_as(dp), n, t,
                                     ctypes.byref(value), grad.ctypes.data_as(dp), ctypes.byref(dtemp))
        assert status == 0
        digest.update(np.float64(value.value).tobytes() + grad.tobytes() + np.float64(dtemp.value).tobytes())
print(lib.diffauroc_kernels().decode(), digest.hexdigest())
"""


def test_both_cpu_builds_give_the_same_bits():
    """The core built for x86-64-v3 (AVX2) and the baseline (SSE2) build, selected with
    DIFFAUROC_KERNELS=baseline in a fresh process, give the same bits for value, gradient
    and d/dT at temperatures from 1e-12 to 1e4 (window path, clustered and plain cells),
    weighted and not. On a CPU without AVX2 both runs use the baseline build."""
    import os
    import subprocess
    import sys

    def run(env):
        out = subprocess.run([sys.executable, "-c", _BITS_SCRIPT, str(LIBRARY)], capture_output=True,
                             text=True, env={**os.environ, **env}, check=True)
        return out.stdout.split()

    default_kernels, default_digest = run({})
    baseline_kernels, baseline_digest = run({"DIFFAUROC_KERNELS": "baseline"})
    assert baseline_kernels == "x86-64"
    assert default_digest == baseline_digest, (default_kernels, baseline_kernels)
