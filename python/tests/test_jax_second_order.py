"""Forward mode and second derivatives of diffauroc.jax.auroc_soft (issue 15).

Parity against the reference's own JAX derivatives (diffbio's DifferentiableAUROC, loaded
by file path: jax.hessian, jax.jacfwd, jax.jvp, jvp of grad), in float32 and in float64
under jax_enable_x64, on both routes into the library (XLA FFI handler and pure_callback),
and, for weights (which the reference lacks), against an independent long double pairwise
oracle written here. The largest deviations go to the parity log printed at the end of
the run ("diffauroc: largest measured parity errors").

Scale of the errors: |ours - reference| / max|reference| over the compared array (the
Hessian's entries are all of one scale, 1 / (T^2 P N) unweighted).
"""
from __future__ import annotations

import contextlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

import diffauroc.jax as djax

pytestmark = pytest.mark.usefixtures("jax_route")

# Tolerances relative to the largest entry: float64 both sides (the reference's own
# rounding over n^2 pairs is about 1e-15 relative); float32 (the reference sums n^2
# float32 terms; ours is computed in float64 and rounded once).
TOLERANCE = {"float32": 1e-5, "float64": 1e-12}


@contextlib.contextmanager
def precision(name):
    if name == "float64":
        previous = jax.config.jax_enable_x64
        jax.config.update("jax_enable_x64", True)
        try:
            yield jnp.float64
        finally:
            jax.config.update("jax_enable_x64", previous)
    else:
        yield jnp.float32


def reference_function(metric_losses):
    """The reference's value as a function of (predictions, labels, temperature)."""

    def value(s, y, t):
        module = metric_losses.DifferentiableAUROC(temperature=1.0)
        module.temperature = nnx.Param(t)
        return module(s, y)

    return value


def data(n, seed, dtype):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.4).astype(np.float64)
    y[0], y[1] = 1.0, 0.0
    s = rng.normal(size=n) + 0.7 * y
    return jnp.asarray(s, dtype), jnp.asarray(y, dtype)


def relative(ours, reference):
    ours = np.asarray(ours, np.float64)
    reference = np.asarray(reference, np.float64)
    scale = np.max(np.abs(reference))
    assert scale > 0
    return float(np.max(np.abs(ours - reference)) / scale)


def check(parity, key, ours, reference, name):
    error = relative(ours, reference)
    parity.record(f"jax second order: {key} ({name})", error)
    assert error <= TOLERANCE[name], (key, error)


# ---- toy values a person can check ---------------------------------------------------------


def test_two_samples_by_hand(jax_route):
    # One pair, x = (a - b) / T: f = sigmoid(x); d2f/da2 = sigmoid''(x) / T^2,
    # d2f/da db = -sigmoid''(x) / T^2, and (s'' = s (1 - s) (1 - 2 s)).
    with precision("float64"):
        a, b, t = 0.7, -0.4, 0.5
        x = (a - b) / t
        sig = 1 / (1 + np.exp(-x))
        s2 = sig * (1 - sig) * (1 - 2 * sig)
        h = jax.hessian(lambda s: djax.auroc_soft(s, jnp.array([1.0, 0.0]), t))(
            jnp.array([a, b]))
        want = np.array([[s2, -s2], [-s2, s2]]) / t**2
        np.testing.assert_allclose(np.asarray(h), want, rtol=1e-13, atol=1e-16)


# ---- parity with the reference's own transformations ----------------------------------------


@pytest.mark.parametrize("name", ["float32", "float64"])
@pytest.mark.parametrize("n", [7, 120, 400])
def test_hessian_matches_reference(metric_losses, parity, jax_route, name, n):
    with precision(name) as dtype:
        s, y = data(n, n, dtype)
        t = jnp.asarray(0.8, dtype)
        ref = reference_function(metric_losses)
        ours = jax.jit(jax.hessian(lambda s, t: djax.auroc_soft(s, y, t), argnums=(0, 1)))(s, t)
        want = jax.jit(jax.hessian(lambda s, t: ref(s, y, t), argnums=(0, 1)))(s, t)
        check(parity, "hessian d2/ds2", ours[0][0], want[0][0], name)
        check(parity, "hessian d2/ds dT", ours[0][1], want[0][1], name)
        check(parity, "hessian d2/dT2", ours[1][1], want[1][1], name)


@pytest.mark.parametrize("name", ["float32", "float64"])
@pytest.mark.parametrize("n", [50, 600])
def test_jacfwd_and_jvp_match_reference(metric_losses, parity, jax_route, name, n):
    with precision(name) as dtype:
        s, y = data(n, n + 1, dtype)
        t = jnp.asarray(0.3, dtype)
        ref = reference_function(metric_losses)
        f = lambda s, t: djax.auroc_soft(s, y, t)  # noqa: E731
        g = lambda s, t: ref(s, y, t)  # noqa: E731
        check(parity, "jacfwd", jax.jacfwd(f, argnums=(0, 1))(s, t)[0],
              jax.jacfwd(g, argnums=(0, 1))(s, t)[0], name)
        rng = np.random.default_rng(n)
        v = jnp.asarray(rng.normal(size=n), dtype)
        vt = jnp.asarray(0.2, dtype)
        ours = jax.jvp(f, (s, t), (v, vt))
        want = jax.jvp(g, (s, t), (v, vt))
        check(parity, "jvp value", ours[0], want[0], name)
        check(parity, "jvp tangent", ours[1], want[1], name)
        lin_value, lin = jax.linearize(f, s, t)
        check(parity, "linearize", lin(v, vt), want[1], name)


@pytest.mark.parametrize("name", ["float32", "float64"])
@pytest.mark.parametrize("n", [300, 3000])
def test_hvp_matches_reference(metric_losses, parity, jax_route, name, n):
    # Hessian-vector products as jvp of grad (forward over reverse) and grad of a
    # directional derivative (reverse over reverse), at n up to a few thousand.
    with precision(name) as dtype:
        s, y = data(n, n + 2, dtype)
        t = jnp.asarray(0.5, dtype)
        rng = np.random.default_rng(n + 3)
        v = jnp.asarray(rng.normal(size=n), dtype)
        vt = jnp.asarray(-0.3, dtype)
        ref = reference_function(metric_losses)
        f = lambda s, t: djax.auroc_soft(s, y, t)  # noqa: E731
        g = lambda s, t: ref(s, y, t)  # noqa: E731
        grad_f = jax.grad(f, argnums=(0, 1))
        grad_g = jax.grad(g, argnums=(0, 1))
        ours = jax.jit(lambda s, t, v, vt: jax.jvp(grad_f, (s, t), (v, vt))[1])(s, t, v, vt)
        want = jax.jit(lambda s, t, v, vt: jax.jvp(grad_g, (s, t), (v, vt))[1])(s, t, v, vt)
        check(parity, "hvp (jvp of grad) scores", ours[0], want[0], name)
        check(parity, "hvp (jvp of grad) temperature", ours[1], want[1], name)

        def directional(fun):
            return lambda s, t: jnp.vdot(jax.grad(fun, argnums=0)(s, t), v)

        # grad of <grad_s f, v>: the HVP in direction (v, 0)
        rr = jax.grad(directional(f), argnums=(0, 1))(s, t)
        want0 = jax.jvp(grad_g, (s, t), (v, jnp.zeros_like(vt)))[1]
        check(parity, "hvp (grad of grad) scores", rr[0], want0[0], name)
        check(parity, "hvp (grad of grad) temperature", rr[1], want0[1], name)


def test_vmap_of_second_order(metric_losses, parity, jax_route):
    with precision("float64") as dtype:
        n, rows = 40, 3
        rng = np.random.default_rng(9)
        s = jnp.asarray(rng.normal(size=(rows, n)), dtype)
        y = jnp.asarray((rng.random((rows, n)) < 0.5).astype(np.float64), dtype)
        y = y.at[:, 0].set(1.0).at[:, 1].set(0.0)
        t = jnp.asarray([0.5, 1.0, 2.0], dtype)
        v = jnp.asarray(rng.normal(size=(rows, n)), dtype)
        ref = reference_function(metric_losses)
        for transform in (jax.hessian, jax.jacfwd, jax.jacrev):
            ours = jax.vmap(transform(djax.auroc_soft, argnums=(0, 2)))(s, y, t)
            want = jax.vmap(transform(ref, argnums=(0, 2)))(s, y, t)
            for a, b in zip(jax.tree.leaves(ours), jax.tree.leaves(want)):
                check(parity, f"vmap({transform.__name__})", a, b, "float64")
        def hvp(f):
            return jax.vmap(
                lambda s, y, t, v: jax.jvp(lambda s: jax.grad(f)(s, y, t), (s,), (v,))[1])

        check(parity, "vmap(hvp)", hvp(djax.auroc_soft)(s, y, t, v), hvp(ref)(s, y, t, v),
              "float64")
        # with weights (the reference has none: weight 1 everywhere must give its values)
        ones = jnp.ones_like(s)
        ours = jax.vmap(jax.hessian(
            lambda s, y, t, w: djax.auroc_soft(s, y, t, weights=w)))(s, y, t, ones)
        check(parity, "vmap(hessian) weights 1", ours, jax.vmap(jax.hessian(ref))(s, y, t),
              "float64")


# ---- weights: against an independent long double oracle -------------------------------------


def oracle_hessian(s, y, w, t):
    """The full (n + 1) x (n + 1) Hessian in (scores, temperature), long double pairwise."""
    L = np.longdouble
    s, y, w, t = np.asarray(s, L), np.asarray(y), np.asarray(w, L), L(t)
    n = s.size
    pos = np.flatnonzero((y == 1) & (w > 0))
    neg = np.flatnonzero((y == 0) & (w > 0))
    p, q = w[pos] / w[pos].sum(), w[neg] / w[neg].sum()
    x = (s[pos, None] - s[None, neg]) / t
    sig = 1 / (1 + np.exp(-x))
    d1 = sig * (1 - sig)
    d2 = d1 * (1 - 2 * sig)
    pq = p[:, None] * q[None, :]
    h = np.zeros((n + 1, n + 1), L)
    h[pos, pos] = (pq * d2).sum(1) / t**2
    h[neg, neg] = (pq * d2).sum(0) / t**2
    h[np.ix_(pos, neg)] = -pq * d2 / t**2
    h[np.ix_(neg, pos)] = (-pq * d2 / t**2).T
    mixed = d1 + x * d2
    h[pos, n] = -(pq * mixed).sum(1) / t**2
    h[neg, n] = (pq * mixed).sum(0) / t**2
    h[n, :n] = h[:n, n]
    h[n, n] = (pq * (2 * x * d1 + x * x * d2)).sum() / t**2
    return h


@pytest.mark.parametrize("n", [30, 500])
def test_weighted_hessian_matches_oracle(parity, jax_route, n):
    with precision("float64") as dtype:
        rng = np.random.default_rng(n + 7)
        s = rng.normal(size=n)
        y = (rng.random(n) < 0.5).astype(np.float64)
        y[0], y[1] = 1.0, 0.0
        w = rng.exponential(size=n) * (rng.random(n) < 0.85)
        w[0] = w[1] = 1.0
        t = 0.4
        f = lambda s, t: djax.auroc_soft(s, jnp.asarray(y), t, weights=jnp.asarray(w))  # noqa: E731
        (hss, hst), (hts, htt) = jax.hessian(f, argnums=(0, 1))(jnp.asarray(s, dtype),
                                                               jnp.asarray(t, dtype))
        ours = np.zeros((n + 1, n + 1))
        ours[:n, :n], ours[:n, n], ours[n, :n], ours[n, n] = hss, hst, hts, htt
        want = oracle_hessian(s, y, w, t).astype(np.float64)
        check(parity, "weighted hessian vs long double oracle", ours, want, "float64")


# ---- third derivatives and bad directions ---------------------------------------------------


def test_third_derivative_raises_naming_diffauroc(jax_route):
    s = jnp.array([0.3, -0.2, 1.0, 0.1])
    y = jnp.array([1.0, 0.0, 1.0, 0.0])
    f = lambda s: djax.auroc_soft(s, y, 0.8)  # noqa: E731
    for third in (jax.jacfwd(jax.hessian(f)), jax.jacrev(jax.hessian(f)),
                  jax.grad(lambda s: jnp.sum(jax.hessian(f)(s)))):
        with pytest.raises(djax.ThirdDerivativeError, match="diffauroc"):
            third(s)


def test_hvp_with_nonfinite_direction_is_an_error(jax_route):
    s = jnp.array([0.3, -0.2, 1.0, 0.1])
    y = jnp.array([1.0, 0.0, 1.0, 0.0])
    grad = jax.grad(lambda s: djax.auroc_soft(s, y, 0.8))
    v = jnp.array([0.0, jnp.nan, 1.0, 0.0])
    with pytest.raises(djax.RUNTIME_ERRORS, match=r"direction of a Hessian-vector product"
                       r".*v\[1\] = nan"):
        jax.block_until_ready(jax.jvp(grad, (s,), (v,)))


def test_flax_module_second_order_matches_reference(metric_losses, parity, jax_route):
    # diffauroc.flax.DifferentiableAUROC (the drop-in) under jax.hessian and jvp of
    # nnx.grad with respect to its temperature Param.
    from diffauroc.flax import DifferentiableAUROC

    with precision("float64") as dtype:
        s, y = data(60, 4, dtype)
        ours = DifferentiableAUROC(temperature=0.6)
        theirs = metric_losses.DifferentiableAUROC(temperature=0.6)
        check(parity, "flax hessian", jax.hessian(lambda s: ours(s, y))(s),
              jax.hessian(lambda s: theirs(s, y))(s), "float64")

        def dtemp(module):
            def f(t):
                graphdef, state = nnx.split(module)
                state["temperature"] = state["temperature"].replace(t)
                return nnx.grad(lambda m: m(s, y))(nnx.merge(graphdef, state)).temperature[...]
            return jax.jvp(f, (jnp.asarray(0.6, dtype),), (jnp.asarray(1.0, dtype),))[1]

        check(parity, "flax d2/dT2 (jvp of nnx.grad)", dtemp(ours), dtemp(theirs), "float64")
