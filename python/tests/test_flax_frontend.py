"""diffauroc.flax modules against diffbio's (loaded by file path): same constructor and call,
learnable temperature, and the same 50-step optax training trajectory.

Run: PYTHONPATH=python DIFFAUROC_LIBRARY=.build/release/libdiffauroc.so \
     .venv/bin/python -m pytest python/tests/test_flax_frontend.py
"""

from __future__ import annotations


import numpy as np
import pytest

import jax
import jax.numpy as jnp
import flax.nnx as nnx
import optax

from reference_loader import load_reference  # noqa: E402
from diffauroc.flax import DifferentiableAUROC, ExactAUROC  # noqa: E402


# Every test runs on both routes into the library (conftest.py: jax_route).
pytestmark = pytest.mark.usefixtures("jax_route")


def test_constructor_and_call_like_the_reference():
    reference = load_reference()
    ours, theirs = DifferentiableAUROC(), reference.DifferentiableAUROC()
    assert isinstance(ours, nnx.Module)
    assert isinstance(ours.temperature, nnx.Param)
    assert ours.temperature[...].dtype == theirs.temperature[...].dtype
    predictions = jnp.array([0.9, 0.8, 0.1, 0.2])
    labels = jnp.array([1.0, 1.0, 0.0, 0.0])
    np.testing.assert_allclose(ours(predictions, labels), theirs(predictions, labels), atol=1e-7)
    ours2, theirs2 = DifferentiableAUROC(temperature=0.25), reference.DifferentiableAUROC(0.25)
    np.testing.assert_allclose(ours2(predictions, labels), theirs2(predictions, labels), atol=1e-7)
    assert float(ExactAUROC()(predictions, labels)) == 1.0


def test_nnx_grad_reaches_the_temperature():
    reference = load_reference()
    rng = np.random.default_rng(0)
    y = jnp.asarray((rng.random(400) < 0.3).astype(np.float32))
    s = jnp.asarray((rng.normal(size=400) + y).astype(np.float32))

    def loss(module, s):
        return 1.0 - module(s, y)

    step = nnx.jit(nnx.value_and_grad(loss, argnums=(0, 1)))
    (value, (grads, ds)) = step(DifferentiableAUROC(0.7), s)
    (ref_value, (ref_grads, ref_ds)) = step(reference.DifferentiableAUROC(0.7), s)
    np.testing.assert_allclose(value, ref_value, atol=2e-6)
    np.testing.assert_allclose(ds, ref_ds, atol=2e-5 / (0.7 * float(y.sum())))
    np.testing.assert_allclose(grads["temperature"][...], ref_grads["temperature"][...],
                               atol=2e-5 / 0.7)
    assert float(grads["temperature"][...]) != 0.0


class LinearScorer(nnx.Module):
    """A linear model and an AUROC loss module, trained together (temperature included)."""

    def __init__(self, features: int, auroc: nnx.Module, seed: int):
        self.linear = nnx.Linear(features, 1, rngs=nnx.Rngs(seed))
        self.auroc = auroc

    def loss(self, x, y):
        return 1.0 - self.auroc(self.linear(x)[:, 0], y)


def train(auroc_module, x, y, steps=50, seed=0):
    model = LinearScorer(x.shape[1], auroc_module, seed)
    optimizer = nnx.Optimizer(model, optax.adam(0.05), wrt=nnx.Param)

    @nnx.jit
    def step(model, optimizer, x, y):
        loss, grads = nnx.value_and_grad(lambda m: m.loss(x, y))(model)
        optimizer.update(model, grads)
        return loss

    losses, temperatures = [], []
    for _ in range(steps):
        losses.append(float(step(model, optimizer, x, y)))
        temperatures.append(float(model.auroc.temperature[...]))
    return np.array(losses), np.array(temperatures)


def test_training_trajectory_matches_reference():
    import sklearn.datasets as datasets
    reference = load_reference()
    x, y = datasets.load_breast_cancer(return_X_y=True)
    x = ((x - x.mean(axis=0)) / x.std(axis=0)).astype(np.float32)
    x, y = jnp.asarray(x), jnp.asarray(y.astype(np.float32))

    ref_losses, ref_temps = train(reference.DifferentiableAUROC(temperature=1.0), x, y)
    losses, temps = train(DifferentiableAUROC(temperature=1.0), x, y)

    assert ref_losses[-1] < ref_losses[0]  # it trains
    assert abs(temps[-1] - 1.0) > 1e-3  # and the temperature moved
    np.testing.assert_allclose(losses, ref_losses, rtol=0, atol=2e-6)
    np.testing.assert_allclose(temps, ref_temps, rtol=2e-5)


def test_vmap_over_a_batch_of_predictions():
    module = DifferentiableAUROC(0.5)
    rng = np.random.default_rng(1)
    S = jnp.asarray(rng.normal(size=(8, 50)).astype(np.float32))
    y = jnp.asarray((np.arange(50) % 2).astype(np.float32))
    out = nnx.jit(lambda m, S: jax.vmap(lambda s: m(s, y))(S))(module, S)
    np.testing.assert_allclose(out, [module(S[b], y) for b in range(8)], rtol=1e-6)


def test_exact_module_under_jit_and_vmap():
    import sklearn.metrics as sklearn_metrics
    rng = np.random.default_rng(2)
    S = rng.normal(size=(4, 200)).astype(np.float32)
    Y = (rng.random((4, 200)) < 0.4).astype(np.float32)
    module = ExactAUROC()
    out = nnx.jit(lambda m, S, Y: jax.vmap(m)(S, Y))(module, S, Y)
    np.testing.assert_allclose(out, [sklearn_metrics.roc_auc_score(Y[b], S[b]) for b in range(4)],
                               rtol=1e-7)
