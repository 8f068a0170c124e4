"""diffauroc.jax against the reference (diffbio's DifferentiableAUROC, loaded by file path),
scikit-learn and a float64 NumPy oracle, under jit, grad and vmap.

Run: PYTHONPATH=python DIFFAUROC_LIBRARY=.build/release/libdiffauroc.so \
     .venv/bin/python -m pytest python/tests/test_jax_frontend.py
"""

from __future__ import annotations

import time

import numpy as np
import pytest

import jax
import jax.numpy as jnp
import flax  # noqa: F401

import diffauroc.jax as djax  # noqa: E402
from reference_loader import load_reference  # noqa: E402
from diffauroc.jax import auroc_exact, auroc_soft  # noqa: E402


# Errors raised while a compiled computation runs: JAX reports them as JaxRuntimeError
# (it may map an XLA INVALID_ARGUMENT status to ValueError instead).
RUNTIME_ERRORS = (jax.errors.JaxRuntimeError, ValueError)


# Every test runs on both routes into the library (conftest.py: jax_route).
pytestmark = pytest.mark.usefixtures("jax_route")


# ---- the reference, loaded by file path (diffbio's __init__ imports all of diffbio) ----


def reference_soft(predictions, labels, temperature):
    """The reference's value as a function of (predictions, labels, temperature)."""
    from flax import nnx

    reference = load_reference()

    def value(s, y, t):
        module = reference.DifferentiableAUROC(temperature=1.0)  # built in this trace
        module.temperature = nnx.Param(t)
        return module(s, y)

    return value(predictions, labels, temperature), value


def oracle_soft(scores, labels, temperature, weights=None):
    """float64 pairwise value, gradient and d/dT (chunked NumPy)."""
    s = np.asarray(scores, np.float64)
    y = np.asarray(labels, np.float64)
    w = np.ones_like(s) if weights is None else np.asarray(weights, np.float64)
    pos = np.flatnonzero((y == 1) & (w > 0))
    neg = np.flatnonzero((y == 0) & (w > 0))
    wp, wn = w[pos] / w[pos].sum(), w[neg] / w[neg].sum()
    value, dtemp = 0.0, 0.0
    grad = np.zeros_like(s)
    for start in range(0, pos.size, 256):
        p = pos[start:start + 256]
        x = (s[p, None] - s[None, neg]) / temperature
        sig = 0.5 * (1 + np.tanh(x / 2))
        slope = sig * (1 - sig)
        pair = wp[start:start + 256, None] * wn[None, :]
        value += (pair * sig).sum()
        dtemp += -(pair * slope * x).sum() / temperature
        grad[p] += (pair * slope).sum(axis=1) / temperature
        grad[neg] -= (pair * slope).sum(axis=0) / temperature
    return value, grad, dtemp


def strerror(status: int) -> str:
    lib = djax._lib()
    return lib.diffauroc_strerror(status).decode()


def random_problem(seed, n, positive_fraction=0.4, dtype=np.float32):
    rng = np.random.default_rng(seed)
    labels = (rng.random(n) < positive_fraction).astype(dtype)
    labels[0], labels[1] = 1, 0
    scores = (rng.normal(size=n) + 0.8 * labels).astype(dtype)
    return jnp.asarray(scores), jnp.asarray(labels)


# ---- toy cases a person can check by hand ---------------------------------------------

def test_one_pair_is_a_sigmoid():
    value = auroc_soft(jnp.array([2.0, -1.0]), jnp.array([1.0, 0.0]), 1.0)
    assert value.dtype == jnp.float32
    np.testing.assert_allclose(float(value), 1 / (1 + np.exp(-3.0)), rtol=1e-6)


def test_one_class_is_zero_with_zero_gradient():
    s = jnp.array([0.3, 0.1, 0.7])
    y = jnp.array([1.0, 1.0, 1.0])
    value, (ds, dt) = jax.jit(jax.value_and_grad(auroc_soft, argnums=(0, 2)))(s, y, 1.0)
    assert float(value) == 0.0
    assert np.all(np.asarray(ds) == 0) and float(dt) == 0.0


def test_integer_and_bool_labels():
    s = jnp.array([0.9, 0.8, 0.1, 0.2])
    expected = float(auroc_soft(s, jnp.array([1.0, 1.0, 0.0, 0.0])))
    assert float(auroc_soft(s, jnp.array([1, 1, 0, 0]))) == expected
    assert float(auroc_soft(s, jnp.array([True, True, False, False]))) == expected


# ---- parity with the reference under jit ----------------------------------------------

@pytest.mark.parametrize("n,temperature,seed", [(50, 1.0, 0), (300, 0.5, 1), (1000, 2.0, 2),
                                                (777, 0.1, 3)])
def test_value_and_gradients_match_reference_under_jit(n, temperature, seed):
    s, y = random_problem(seed, n)
    t = jnp.array(temperature, jnp.float32)
    _, reference = reference_soft(s, y, t)
    ref_value, (ref_ds, ref_dt) = jax.jit(
        jax.value_and_grad(reference, argnums=(0, 2)))(s, y, t)
    value, (ds, dt) = jax.jit(jax.value_and_grad(auroc_soft, argnums=(0, 2)))(s, y, t)
    assert value.dtype == ds.dtype == dt.dtype == jnp.float32
    P = float(y.sum())
    N = n - P
    # float32 tolerance, relative to each quantity's natural scale.
    np.testing.assert_allclose(value, ref_value, rtol=0, atol=2e-6)
    grad_scale = 1 / (temperature * min(P, N))
    np.testing.assert_allclose(ds, ref_ds, rtol=0, atol=2e-5 * grad_scale)
    np.testing.assert_allclose(dt, ref_dt, rtol=0, atol=2e-5 / temperature)


def test_matches_float64_oracle_to_float32_rounding():
    s, y = random_problem(4, 500)
    value, grad, dtemp = oracle_soft(s, y, 0.7)
    v, (ds, dt) = jax.jit(jax.value_and_grad(auroc_soft, argnums=(0, 2)))(s, y, 0.7)
    # computed in float64 and rounded once: within a float32 ulp of the oracle
    np.testing.assert_allclose(v, value, rtol=1.2e-7)
    np.testing.assert_allclose(ds, grad, rtol=1.2e-7, atol=1e-12)
    np.testing.assert_allclose(dt, dtemp, rtol=1.2e-7)


def test_weights_match_oracle_and_zero_weight_excludes():
    s, y = random_problem(5, 200)
    w = jnp.asarray(np.random.default_rng(5).uniform(0, 3, size=200).astype(np.float32))
    w = w.at[7].set(0.0)
    value, grad, _ = oracle_soft(s, y, 1.3, w)
    v, ds = jax.jit(jax.value_and_grad(auroc_soft))(s, y, 1.3, w)
    np.testing.assert_allclose(v, value, rtol=1e-6)
    np.testing.assert_allclose(ds, grad, rtol=1e-5, atol=1e-9)
    assert float(ds[7]) == 0.0
    keep = np.arange(200) != 7
    np.testing.assert_allclose(v, auroc_soft(s[keep], y[keep], 1.3, w[keep]), rtol=1e-6)


def test_float64_under_x64():
    with jax.enable_x64(True):
        s, y = random_problem(6, 300, dtype=np.float64)
        value, grad, dtemp = oracle_soft(s, y, 0.9)
        v, (ds, dt) = jax.jit(jax.value_and_grad(auroc_soft, argnums=(0, 2)))(
            s, y, jnp.float64(0.9))
        assert v.dtype == ds.dtype == dt.dtype == jnp.float64
        np.testing.assert_allclose(v, value, rtol=1e-12)
        np.testing.assert_allclose(ds, grad, rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(dt, dtemp, rtol=1e-10)


# ---- vmap: one library call for the batch ---------------------------------------------

@pytest.fixture
def count_calls(monkeypatch, jax_route):
    """Library calls made by one execution: on the callback route, host-function calls
    (each is one batched library call); on the FFI route, the custom calls in the
    compiled program (counted by `ffi_calls` below, since they never reach Python)."""
    calls = {"soft": 0, "exact": 0, "route": jax_route}
    soft, exact = djax._soft_host, djax._exact_host

    def counting_soft(*args, **kwargs):
        calls["soft"] += 1
        return soft(*args, **kwargs)

    def counting_exact(*args, **kwargs):
        calls["exact"] += 1
        return exact(*args, **kwargs)

    if jax_route == "ffi":
        return calls
    monkeypatch.setattr(djax, "_soft_host", counting_soft)
    monkeypatch.setattr(djax, "_exact_host", counting_exact)
    return calls


def ffi_calls(jitted, *args, target):
    """(number of custom calls to `target` in the compiled HLO, their operand shapes)."""
    hlo = jitted.lower(*args).compile().as_text()
    lines = [line for line in hlo.splitlines()
             if "custom-call(" in line and f'custom_call_target="{target}"' in line]
    return len(lines), lines


def test_vmap_batch_of_8_matches_loop_in_one_call(count_calls):
    rng = np.random.default_rng(7)
    n = 120
    S = jnp.asarray(rng.normal(size=(8, n)).astype(np.float32))
    Y = jnp.asarray((rng.random((8, n)) < 0.5).astype(np.float32))
    T = jnp.asarray(rng.uniform(0.3, 2.0, size=8).astype(np.float32))
    step = jax.jit(jax.vmap(jax.value_and_grad(auroc_soft, argnums=(0, 2))))
    values, (ds, dt) = step(S, Y, T)
    if count_calls["route"] == "ffi":
        count, lines = ffi_calls(step, S, Y, T, target="diffauroc_soft")
        assert count == 1 and "f32[8,120]" in lines[0], lines
    else:
        assert count_calls["soft"] == 1  # the whole batch in one callback, one library call
    for b in range(8):
        v, (g, gt) = jax.value_and_grad(auroc_soft, argnums=(0, 2))(S[b], Y[b], T[b])
        np.testing.assert_allclose(values[b], v, rtol=1e-6)
        np.testing.assert_allclose(ds[b], g, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(dt[b], gt, rtol=1e-6)


def test_vmap_shared_labels_and_temperature_and_nested():
    rng = np.random.default_rng(8)
    S = jnp.asarray(rng.normal(size=(2, 3, 40)).astype(np.float32))
    y = jnp.asarray((np.arange(40) % 3 == 0).astype(np.float32))
    f = jax.jit(jax.vmap(jax.vmap(auroc_soft, in_axes=(0, None, None)),
                         in_axes=(0, None, None)))
    out = f(S, y, 0.8)
    assert out.shape == (2, 3)
    for a in range(2):
        for b in range(3):
            np.testing.assert_allclose(out[a, b], auroc_soft(S[a, b], y, 0.8), rtol=1e-6)


def test_vmap_error_names_the_row():
    S = jnp.zeros((4, 10)).at[2, 5].set(jnp.nan)
    y = jnp.asarray((np.arange(10) % 2).astype(np.float32))
    with pytest.raises(Exception, match="batch row 2") as info:
        jax.jit(jax.vmap(auroc_soft, in_axes=(0, None)))(S, y).block_until_ready()
    assert strerror(-2) in str(info.value)


# ---- errors inside jit carry the library's message -----------------------------------

def test_bad_label_inside_jit_raises_with_library_message():
    s = jnp.array([0.1, 0.2, 0.3])
    y = jnp.array([1.0, 0.5, 0.0])
    with pytest.raises(RUNTIME_ERRORS) as info:
        jax.jit(jax.value_and_grad(auroc_soft))(s, y).block_until_ready()
    assert strerror(-3) in str(info.value)


def test_nonfinite_score_inside_jit_raises_with_library_message():
    s = jnp.array([0.1, jnp.inf, 0.3])
    y = jnp.array([1.0, 0.0, 0.0])
    with pytest.raises(RUNTIME_ERRORS) as info:
        jax.jit(auroc_soft)(s, y).block_until_ready()
    assert strerror(-2) in str(info.value)


def test_bad_temperature_inside_jit_raises():
    s, y = random_problem(9, 20)
    with pytest.raises(RUNTIME_ERRORS) as info:
        jax.jit(jax.grad(auroc_soft, argnums=2))(s, y, -1.0).block_until_ready()
    assert strerror(-5) in str(info.value)


def test_shape_errors_at_trace_time():
    with pytest.raises(ValueError, match="labels must have the shape"):
        auroc_soft(jnp.zeros(3), jnp.zeros(4))
    with pytest.raises(ValueError, match="shape \\(n,\\)"):
        auroc_soft(jnp.zeros((2, 3)), jnp.zeros((2, 3)))


# ---- scale: n = 100,000 under jit (the reference needs an n x n matrix) ---------------

def test_runs_under_jit_at_n_100000():
    # Heavily imbalanced (100 positives) so that the library's direct O(P * N) soft path
    # stays fast; a balanced n = 100,000 needs the O(n log n) path (see docs/jax.md).
    rng = np.random.default_rng(10)
    n, positives = 100_000, 100
    labels = np.zeros(n, np.float32)
    labels[rng.choice(n, positives, replace=False)] = 1
    scores = (rng.normal(size=n) + labels).astype(np.float32)
    s, y = jnp.asarray(scores), jnp.asarray(labels)
    step = jax.jit(jax.value_and_grad(auroc_soft, argnums=(0, 2)))
    start = time.perf_counter()
    value, (ds, dt) = step(s, y, 0.5)
    value.block_until_ready()
    elapsed = time.perf_counter() - start
    ref_value, ref_grad, ref_dt = oracle_soft(scores, labels, 0.5)
    np.testing.assert_allclose(value, ref_value, rtol=1e-6)
    np.testing.assert_allclose(ds, ref_grad, rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(dt, ref_dt, rtol=1e-5)
    assert elapsed < 60


def test_runs_under_jit_at_n_100000_balanced():
    # Half positives: 2.5e9 pairs. With the library's O(n log n) soft path this takes
    # milliseconds; the direct O(P * N) path takes seconds. No pairwise oracle at this
    # size, so check the invariants instead: shifting every score changes nothing
    # (sum of gradients = 0), scaling scores and T together changes nothing
    # (sum s_i g_i + T dT = 0), and the value equals a float64 estimate on a subsample.
    rng = np.random.default_rng(14)
    n = 100_000
    labels = (np.arange(n) % 2).astype(np.float32)
    scores = (rng.normal(size=n) + labels).astype(np.float32)
    step = jax.jit(jax.value_and_grad(auroc_soft, argnums=(0, 2)))
    value, (ds, dt) = step(jnp.asarray(scores), jnp.asarray(labels), 1.0)
    ds = np.asarray(ds, np.float64)
    assert 0 < float(value) < 1
    assert abs(ds.sum()) < 1e-6
    assert abs((scores * ds).sum() + 1.0 * float(dt)) < 1e-6
    sub = rng.choice(n, 4000, replace=False)
    estimate, _, _ = oracle_soft(scores[sub], labels[sub], 1.0)
    assert abs(float(value) - estimate) < 0.02  # sampling error ~ 0.005


# ---- exact AUROC -----------------------------------------------------------------------

def test_exact_matches_sklearn_under_jit_with_ties_and_weights():
    import sklearn.metrics as sklearn_metrics
    rng = np.random.default_rng(11)
    n = 2000
    y = (rng.random(n) < 0.3).astype(np.float32)
    s = np.round(rng.normal(size=n) + y, 1).astype(np.float32)  # many ties
    w = rng.uniform(0, 2, size=n).astype(np.float32)
    f = jax.jit(auroc_exact)
    np.testing.assert_allclose(f(s, y), sklearn_metrics.roc_auc_score(y, s), rtol=1e-7)
    np.testing.assert_allclose(f(s, y, w), sklearn_metrics.roc_auc_score(y, s, sample_weight=w),
                               rtol=1e-6)
    tied = jnp.zeros(6)
    assert float(f(tied, jnp.array([1, 0, 1, 0, 1, 0]))) == 0.5


def test_subnormal_inputs_under_jit_count_as_themselves():
    # XLA runs compiled code with flush-to-zero and denormals-are-zero set. The library
    # computes with IEEE subnormals whatever its caller's mode, and the callback route
    # converts float32 to float64 exactly, so subnormals are not read as 0 under jit.
    import sklearn.metrics as sklearn_metrics
    import diffauroc
    tiny = np.finfo(np.float32).smallest_subnormal
    s = np.array([0, 1, 2, 3], np.float32) * tiny
    y = np.array([0, 1, 0, 1], np.float32)
    assert sklearn_metrics.roc_auc_score(y, s.astype(np.float64)) == 0.75
    assert float(jax.jit(auroc_exact)(s, y)) == 0.75  # 0.5 if the scores all read as 0
    # The only negative has a subnormal weight: it still counts (else: one class, error).
    s3, y3 = np.array([0.1, 0.2, 0.3], np.float32), np.array([1, 0, 1], np.float32)
    w3 = np.array([1, tiny, 1], np.float32)
    expected = sklearn_metrics.roc_auc_score(y3, s3, sample_weight=w3.astype(np.float64))
    assert float(jax.jit(auroc_exact)(s3, y3, w3)) == expected == 0.5
    # A subnormal temperature is a valid one: the value of the NumPy front end (outside
    # jit) at the same temperature.
    value = jax.jit(auroc_soft)(s, y, jnp.float32(tiny))
    np.testing.assert_allclose(float(value), diffauroc.auroc_soft(s, y, float(tiny)), rtol=1e-6)


def test_exact_vmap_in_one_call_and_zero_gradient(count_calls):
    import sklearn.metrics as sklearn_metrics
    rng = np.random.default_rng(12)
    S = rng.normal(size=(8, 300)).astype(np.float32)
    Y = (rng.random((8, 300)) < 0.5).astype(np.float32)
    f = jax.jit(jax.vmap(auroc_exact))
    out = f(S, Y)
    if count_calls["route"] == "ffi":
        count, lines = ffi_calls(f, S, Y, target="diffauroc_exact")
        assert count == 1 and "f32[8,300]" in lines[0], lines
    else:
        assert count_calls["exact"] == 1
    expected = [sklearn_metrics.roc_auc_score(Y[b], S[b]) for b in range(8)]
    np.testing.assert_allclose(out, expected, rtol=1e-7)
    grad = jax.jit(jax.grad(auroc_exact))(jnp.asarray(S[0]), jnp.asarray(Y[0]))
    assert np.all(np.asarray(grad) == 0)


def test_exact_matches_reference_on_distinct_scores():
    reference = load_reference().ExactAUROC()
    s, y = random_problem(13, 500)
    np.testing.assert_allclose(jax.jit(auroc_exact)(s, y), reference(s, y), atol=2e-6)


def test_exact_one_class_raises_with_library_message():
    with pytest.raises(RUNTIME_ERRORS) as info:
        jax.jit(auroc_exact)(jnp.array([0.1, 0.2]), jnp.array([1.0, 1.0])).block_until_ready()
    assert strerror(-6) in str(info.value)


# ---- the batched C entry points (auroc_soft_grad_batch, auroc_exact_batch) -----------

def _addr(a):
    return None if a is None else a.ctypes.data


def test_batch_abi_call_level_checks_write_nothing():
    lib = djax._lib()
    values = np.full(2, -9.0)
    status = np.full(2, 77, dtype=np.intc)
    t = np.array([1.0])
    huge = np.uint64(2**63)
    # batch * n overflows size_t: E_TOO_LARGE before any pointer is read
    assert lib.auroc_soft_grad_batch(None, None, None, int(huge), 4, _addr(t), 0,
                                     _addr(values), None, None, _addr(status)) == -8
    assert lib.auroc_exact_batch(None, None, None, 3, 2**62, _addr(values), _addr(status)) == -8
    # (batch - 1) * temperature_stride overflows
    assert lib.auroc_soft_grad_batch(None, None, None, 3, 0, _addr(t), 2**63,
                                     _addr(values), None, None, _addr(status)) == -8
    s = np.zeros((2, 2)); y = np.array([[1.0, 0.0], [1.0, 0.0]])
    # required pointers
    assert lib.auroc_soft_grad_batch(_addr(s), _addr(y), None, 2, 2, _addr(t), 0,
                                     None, None, None, _addr(status)) == -1
    assert lib.auroc_soft_grad_batch(_addr(s), _addr(y), None, 2, 2, None, 0,
                                     _addr(values), None, None, _addr(status)) == -1
    assert lib.auroc_soft_grad_batch(None, _addr(y), None, 2, 2, _addr(t), 0,
                                     _addr(values), None, None, _addr(status)) == -1
    dts = np.full(2, -9.0)
    assert lib.auroc_soft_grad_batch(_addr(s), _addr(y), None, 2, 2, _addr(t), 0,
                                     _addr(values), None, _addr(dts), _addr(status)) == -1
    assert np.all(values == -9.0) and np.all(status == 77) and np.all(dts == -9.0)
    # batch == 0 touches nothing, every pointer may be NULL
    assert lib.auroc_soft_grad_batch(None, None, None, 0, 5, None, 0, None, None, None,
                                     None) == 0
    assert lib.auroc_exact_batch(None, None, None, 0, 5, None, None) == 0


def test_batch_abi_validates_every_row_before_writing():
    lib = djax._lib()
    rng = np.random.default_rng(20)
    s = rng.normal(size=(5, 6))
    y = np.tile([1.0, 0.0, 1.0, 0.0, 0.0, 1.0], (5, 1))
    s[1, 2] = np.inf
    y[3, 0] = 2.0
    t = np.array([1.0, 1.0, 1.0, 1.0, -1.0])
    values, grads, dts = np.full(5, -9.0), np.full((5, 6), -9.0), np.full(5, -9.0)
    status = np.full(5, 77, dtype=np.intc)
    code = lib.auroc_soft_grad_batch(_addr(s), _addr(y), None, 5, 6, _addr(t), 1,
                                     _addr(values), _addr(grads), _addr(dts), _addr(status))
    assert code == -2  # the lowest invalid row's code
    assert list(status) == [0, -2, 0, -3, -5]
    assert np.all(values == -9.0) and np.all(grads == -9.0) and np.all(dts == -9.0)


def test_batch_abi_rows_equal_single_calls_shared_and_per_row_temperature():
    lib = djax._lib()
    rng = np.random.default_rng(21)
    s = rng.normal(size=(4, 50))
    y = (rng.random((4, 50)) < 0.5).astype(np.float64)
    y[2] = 1.0  # one class: warning, zeros
    w = rng.uniform(0, 2, size=(4, 50))
    for temperatures, stride in ((np.array([0.7]), 0), (np.array([0.5, 1.0, 1.5, 2.0]), 1)):
        values, grads, dts = np.empty(4), np.empty((4, 50)), np.empty(4)
        status = np.empty(4, dtype=np.intc)
        code = lib.auroc_soft_grad_batch(_addr(s), _addr(y), _addr(w), 4, 50,
                                         _addr(temperatures), stride, _addr(values),
                                         _addr(grads), _addr(dts), _addr(status))
        assert code == 1 and list(status) == [0, 0, 1, 0]
        for b in range(4):
            T = temperatures[b * stride]
            if b == 2:
                assert values[b] == 0 and np.all(grads[b] == 0) and dts[b] == 0
                continue
            v, g, dt = oracle_soft(s[b], y[b], T, w[b])
            np.testing.assert_allclose(values[b], v, rtol=1e-13)
            np.testing.assert_allclose(grads[b], g, rtol=1e-10, atol=1e-16)
            np.testing.assert_allclose(dts[b], dt, rtol=1e-10)
        # values only: out_grads and out_dtemperatures NULL
        only = np.empty(4)
        assert lib.auroc_soft_grad_batch(_addr(s), _addr(y), _addr(w), 4, 50,
                                         _addr(temperatures), stride, _addr(only), None,
                                         None, None) == 1
        np.testing.assert_array_equal(only, values)


def test_exact_batch_abi_one_class_row_is_an_error_and_writes_nothing():
    lib = djax._lib()
    s = np.array([[0.1, 0.2, 0.3], [0.3, 0.2, 0.1], [0.5, 0.5, 0.5]])
    y = np.array([[1.0, 0.0, 1.0], [1.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
    values, status = np.full(3, -9.0), np.full(3, 77, dtype=np.intc)
    assert lib.auroc_exact_batch(_addr(s), _addr(y), None, 3, 3, _addr(values),
                                 _addr(status)) == -6
    assert list(status) == [0, -6, 0] and np.all(values == -9.0)
    y[1] = [0.0, 1.0, 1.0]
    assert lib.auroc_exact_batch(_addr(s), _addr(y), None, 3, 3, _addr(values),
                                 _addr(status)) == 0
    np.testing.assert_array_equal(values, [0.5, 0.0, 0.5])  # hand-checked


# ---- edges -----------------------------------------------------------------------------

def test_empty_input():
    value, grad = jax.jit(jax.value_and_grad(auroc_soft))(jnp.zeros(0), jnp.zeros(0))
    assert float(value) == 0.0 and grad.shape == (0,)
    with pytest.raises(RUNTIME_ERRORS) as info:
        jax.jit(auroc_exact)(jnp.zeros(0), jnp.zeros(0)).block_until_ready()
    assert strerror(-6) in str(info.value)


def test_vmap_over_labels_only_and_half_precision():
    rng = np.random.default_rng(15)
    s = jnp.asarray(rng.normal(size=30).astype(np.float32))
    Y = jnp.asarray((rng.random((3, 30)) < 0.5).astype(np.float32))
    out = jax.jit(jax.vmap(auroc_soft, in_axes=(None, 0)))(s, Y)
    np.testing.assert_allclose(out, [auroc_soft(s, Y[b]) for b in range(3)], rtol=1e-6)
    half = auroc_soft(s.astype(jnp.bfloat16), Y[0])
    assert half.dtype == jnp.bfloat16
    np.testing.assert_allclose(float(half), float(auroc_soft(s.astype(jnp.bfloat16)
                                                              .astype(jnp.float32), Y[0])),
                               rtol=1e-2)


def test_ffi_handler_rejects_malformed_calls_without_crashing(jax_route):
    # Calls the registered FFI target directly, so it runs the same on either route.
    assert djax._ffi_available() is True
    s = jnp.zeros(4, jnp.int32)
    call = jax.ffi.ffi_call("diffauroc_soft", jax.ShapeDtypeStruct((), jnp.float32))
    with pytest.raises(RUNTIME_ERRORS, match="float32 or float64"):
        jax.jit(call)(s, s, jnp.float32(1)).block_until_ready()
    f = jnp.zeros(4, jnp.float32)
    with pytest.raises(RUNTIME_ERRORS, match="shapes do not match"):
        jax.jit(call)(f, jnp.zeros(5, jnp.float32), jnp.float32(1)).block_until_ready()
    with pytest.raises(RUNTIME_ERRORS, match="call signature"):
        jax.jit(call)(f, f).block_until_ready()
    exact = jax.ffi.ffi_call("diffauroc_exact", jax.ShapeDtypeStruct((2,), jnp.float32))
    with pytest.raises(RUNTIME_ERRORS, match="shapes do not match"):
        jax.jit(exact)(f, f).block_until_ready()
