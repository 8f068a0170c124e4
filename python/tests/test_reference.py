"""Parity with the reference this library replaces: diffbio's DifferentiableAUROC (value,
jax.grad with respect to the predictions, and d/dT through its nnx.Param) and ExactAUROC
(calibrax's roc_auc), loaded by file path (conftest.py, fixture ``metric_losses``).

The reference runs in float32 by default; both sides then get the very same float32
inputs (ours reads them exactly as float64) and agree to float32 rounding. Under
``jax.enable_x64`` the reference computes in float64 and agrees to 1e-12 of each
quantity's natural scale. Where the two differ on purpose (ties in the exact AUROC,
labels other than 0 and 1) the tests document it.
"""
from __future__ import annotations

import numpy as np
import pytest

import jax  # the reference's own dependencies (requirements-dev.txt)
import jax.numpy as jnp
import flax.nnx as nnx

import diffauroc  # noqa: E402
import oracle  # noqa: E402
from checks import soft_errors  # noqa: E402

FLOAT32_RTOL = 1e-5
FLOAT32_ATOL = 1e-6


_REFERENCE_FUNCTIONS = {}


def reference_exact(metric_losses, scores, labels):
    """The reference ExactAUROC (calibrax roc_auc), jitted (one compilation per shape)."""
    key = ("exact", id(metric_losses), jax.config.jax_enable_x64)
    if key not in _REFERENCE_FUNCTIONS:
        _REFERENCE_FUNCTIONS[key] = jax.jit(lambda p, y: metric_losses.ExactAUROC()(p, y))
    return float(_REFERENCE_FUNCTIONS[key](jnp.asarray(scores), jnp.asarray(labels)))


def reference_soft(metric_losses, scores, labels, temperature):
    """(value, grad w.r.t. predictions, d/dT) of the reference, as float64 NumPy.

    The module is built inside a jitted function of (predictions, labels, T), so that T
    is differentiated through the module's nnx.Param exactly as in training, and one
    compilation serves every T of a given shape and dtype.
    """
    key = (id(metric_losses), jax.config.jax_enable_x64)
    if key not in _REFERENCE_FUNCTIONS:
        def value(p, y, t):
            return metric_losses.DifferentiableAUROC(temperature=t)(p, y)

        _REFERENCE_FUNCTIONS[key] = jax.jit(jax.value_and_grad(value, argnums=(0, 2)))
    s, y = jnp.asarray(scores), jnp.asarray(labels)
    t = jnp.asarray(temperature, dtype=s.dtype)
    result, (grad, dtemperature) = _REFERENCE_FUNCTIONS[key](s, y, t)
    return float(result), np.asarray(grad, dtype=np.float64), float(dtemperature)


def test_reference_harness_matches_nnx_grad_of_the_module(metric_losses):
    # the way a user differentiates the reference: jax.grad on the predictions and
    # nnx.grad on the module's temperature parameter
    scores, labels = make_case(0, 30)
    module = metric_losses.DifferentiableAUROC(temperature=0.7)
    s, y = jnp.asarray(scores), jnp.asarray(labels)
    grad = jax.grad(lambda p: module(p, y))(s)
    dtemperature = nnx.grad(lambda m: m(s, y))(module).temperature[...]
    value, h_grad, h_dtemperature = reference_soft(metric_losses, scores, labels, 0.7)
    assert value == pytest.approx(float(module(s, y)), rel=1e-6)
    np.testing.assert_allclose(h_grad, np.asarray(grad), rtol=1e-5, atol=1e-7)
    assert h_dtemperature == pytest.approx(float(dtemperature), rel=1e-5)


def make_case(seed, n, positive_fraction=0.4):
    rng = np.random.default_rng(seed)
    labels = (rng.random(n) < positive_fraction).astype(np.float32)
    labels[:2] = [1, 0]
    scores = (rng.normal(size=n) + 0.7 * labels).astype(np.float32)
    order = rng.permutation(n)
    return scores[order], labels[order]


FLOAT32_CASES = [(seed, n, t) for seed, (n, t) in enumerate(
    (n, t) for n in (2, 17, 200, 600) for t in (0.01, 0.1, 1.0, 10.0))]


@pytest.mark.parametrize("seed, n, temperature", FLOAT32_CASES)
def test_differentiable_auroc_float32(metric_losses, seed, n, temperature, parity):
    scores, labels = make_case(seed, n)
    assert scores.dtype == labels.dtype == np.float32
    ref = reference_soft(metric_losses, scores, labels, temperature)
    t32 = float(np.float32(temperature))  # the reference holds T as a float32 array
    ours = diffauroc.auroc_soft_grad(scores, labels, t32)
    assert ours[0] == diffauroc.DifferentiableAUROC(t32)(scores, labels)
    # absolute errors at each quantity's natural scale, and relative to our value
    errors = soft_errors(ours, ref, labels, t32)
    where = f"n={n} T={temperature}"
    for quantity, error in errors.items():
        parity.record(f"diffbio float32 {quantity} (/ natural scale)", error, where)
    scale = oracle.gradient_scale(labels, t32)
    assert abs(ours[0] - ref[0]) <= FLOAT32_ATOL + FLOAT32_RTOL * abs(ours[0])
    assert np.all(np.abs(ours[1] - ref[1]) <= FLOAT32_ATOL * scale + FLOAT32_RTOL * np.abs(ours[1]))
    assert abs(ours[2] - ref[2]) <= FLOAT32_ATOL / t32 + FLOAT32_RTOL * abs(ours[2])


@pytest.mark.parametrize("seed, n, temperature", [
    (0, 2, 1.0), (1, 31, 0.05), (2, 400, 0.3), (3, 400, 3.0), (4, 900, 0.001), (5, 900, 1000.0),
])
def test_differentiable_auroc_float64(metric_losses, seed, n, temperature, parity):
    rng = np.random.default_rng(seed)
    labels = (rng.random(n) < 0.3).astype(np.float64)
    labels[:2] = [1, 0]
    scores = rng.normal(size=n) * (1 + 10 * temperature)
    with jax.enable_x64(True):
        ref = reference_soft(metric_losses, scores, labels, temperature)
    ours = diffauroc.auroc_soft_grad(scores, labels, temperature)
    errors = soft_errors(ours, ref, labels, temperature)
    for quantity, error in errors.items():
        parity.record(f"diffbio float64 {quantity} (/ natural scale)", error,
                      f"n={n} T={temperature}")
    assert max(errors.values()) <= 1e-12, errors


def test_one_class_is_zero_like_the_reference_but_warns(metric_losses):
    scores = np.array([0.3, 0.1, 0.9], dtype=np.float32)
    labels = np.ones(3, dtype=np.float32)
    ref = reference_soft(metric_losses, scores, labels, 1.0)
    assert ref[0] == 0.0 and ref[2] == 0.0 and not np.any(ref[1])
    with pytest.warns(diffauroc.OneClassWarning):
        ours = diffauroc.auroc_soft_grad(scores, labels, 1.0)
    assert ours[0] == 0.0 and ours[2] == 0.0 and not np.any(ours[1])


def test_reference_drops_other_labels_where_we_raise_and_pad_with_weight_zero(metric_losses):
    # The reference silently ignores a label that is not 0 or 1; here that is an error,
    # and the same padding is expressed with weight 0, which then matches the reference.
    scores, labels = make_case(99, 50)
    padded = labels.copy()
    padded[::7] = -1.0  # "padding" the reference ignores
    ref = reference_soft(metric_losses, scores, padded, 0.5)
    with pytest.raises(ValueError, match="labels must be exactly 0 or 1"):
        diffauroc.auroc_soft(scores, padded, 0.5)
    weights = (padded != -1).astype(np.float64)
    ours = diffauroc.auroc_soft_grad(scores, np.where(padded == -1, 0, padded), 0.5, weights)
    assert abs(ours[0] - ref[0]) <= FLOAT32_ATOL
    np.testing.assert_allclose(ours[1], ref[1], rtol=FLOAT32_RTOL, atol=FLOAT32_ATOL)
    assert np.all(ours[1][padded == -1] == 0)


@pytest.mark.parametrize("seed, n", [(0, 2), (1, 10), (2, 100), (3, 1000), (4, 5000)])
def test_exact_auroc_float32_on_distinct_scores(metric_losses, seed, n, parity):
    rng = np.random.default_rng(seed)
    ranks = rng.permutation(n)
    scores = ranks.astype(np.float32) / 8  # distinct and exact in float32
    labels = (rng.random(n) < 0.2 + 0.6 * ranks / n).astype(np.float32)
    labels[np.argmin(ranks)], labels[np.argmax(ranks)] = 0, 1
    assert np.unique(scores).size == n
    ref = reference_exact(metric_losses, scores, labels)
    ours = diffauroc.ExactAUROC()(scores, labels)
    assert ours == diffauroc.auroc_exact(scores, labels)
    parity.record("calibrax float32 ExactAUROC |error|", abs(ours - ref), f"n={n}")
    assert abs(ours - ref) <= FLOAT32_ATOL + FLOAT32_RTOL * ours


@pytest.mark.parametrize("seed, n", [(0, 3), (1, 60), (2, 700), (3, 3000)])
def test_exact_auroc_float64_on_distinct_scores(metric_losses, seed, n, parity):
    # In float64 calibrax's safe_divide shows: it divides by (count + eps), eps = 1e-8,
    # which scales the area by P/(P + eps) * N/(N + eps). With that factor the two agree
    # to rounding.
    from calibrax.metrics import _utils

    rng = np.random.default_rng(seed)
    labels = (rng.random(n) < 0.5).astype(np.float64)
    labels[:2] = [1, 0]
    scores = rng.normal(size=n)
    with jax.enable_x64(True):
        ref = reference_exact(metric_losses, scores, labels)
    p, q = labels.sum(), n - labels.sum()
    eps = _utils._EPSILON
    ours = diffauroc.auroc_exact(scores, labels)
    expected = ours * (p / (p + eps)) * (q / (q + eps))
    parity.record("calibrax float64 ExactAUROC |error| (eps-corrected)", abs(expected - ref),
                  f"n={n}")
    assert abs(expected - ref) <= 1e-12


def test_all_tied_exact_calibrax_is_not_one_half_and_ours_is(metric_losses):
    # calibrax sweeps every element as a threshold in its (stable) sort order, so tied
    # scores get 1 or 0 by their position; scikit-learn and diffauroc count ties 1/2.
    scores = jnp.full(4, 0.5)
    calibrax_values = {
        tuple(labels): reference_exact(metric_losses, scores, jnp.asarray(labels, jnp.float32))
        for labels in ([1, 1, 0, 0], [0, 0, 1, 1], [0, 1, 0, 1])
    }
    assert calibrax_values[(1, 1, 0, 0)] == 1.0
    assert calibrax_values[(0, 0, 1, 1)] == 0.0
    assert all(v != 0.5 for v in calibrax_values.values())
    for labels in calibrax_values:
        assert diffauroc.auroc_exact(np.full(4, 0.5), labels) == 0.5
