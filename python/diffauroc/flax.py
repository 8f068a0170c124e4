"""Flax NNX front end: drop-in replacements for diffbio's metric-loss modules.

    from diffauroc.flax import DifferentiableAUROC, ExactAUROC
    # was: from diffbio.losses.metric_losses import DifferentiableAUROC, ExactAUROC

Same constructors, same ``__call__(predictions, labels)``, same learnable temperature
(an ``nnx.Param``, so ``nnx.grad`` and ``nnx.Optimizer`` update it). The computation runs
in libdiffauroc through :mod:`diffauroc.jax`, in O(n) memory instead of
the reference's n x n matrix; it works under ``jax.jit``/``nnx.jit``, ``grad`` and
``vmap``.

Differences from the reference, all at invalid or degenerate input:

- a label that is not exactly 0 or 1 is an error (the reference silently drops it); pad
  with ``weights`` 0 instead;
- non-finite scores are an error, not a NaN;
- ``ExactAUROC`` counts tied scores 1/2 (as scikit-learn), where calibrax's result depends
  on the sort order of the ties; with no positive or no negative it is an error.
"""

from __future__ import annotations

import jax.numpy as jnp
from flax import nnx

from diffauroc.jax import auroc_exact, auroc_soft

__all__ = ["DifferentiableAUROC", "ExactAUROC"]


class DifferentiableAUROC(nnx.Module):
    """Differentiable (sigmoid) approximation of the area under the ROC curve.

    Replaces the indicator [pos > neg] of the Wilcoxon-Mann-Whitney statistic with
    ``sigmoid((pos - neg) / temperature)`` and averages over all (positive, negative)
    pairs; the result is in [0, 1] (0 when there is no pair, as the reference).

    Args:
        temperature: Sharpness of the sigmoid (finite, > 0). Lower values approach the
            hard indicator. Held as an ``nnx.Param``: it is learnable. Default 1.0.

    Example:
        ```python
        auroc_loss = DifferentiableAUROC(temperature=1.0)
        predictions = jnp.array([0.9, 0.8, 0.1, 0.2])
        labels = jnp.array([1.0, 1.0, 0.0, 0.0])
        value = auroc_loss(predictions, labels)
        ```
    """

    def __init__(self, temperature: float = 1.0) -> None:
        super().__init__()
        self.temperature = nnx.Param(jnp.array(temperature))

    def __call__(self, predictions, labels, weights=None):
        """Soft AUROC of ``predictions`` (shape ``(n,)``) against 0/1 ``labels``.

        Args:
            predictions: Model output scores, shape ``(n,)``; finite.
            labels: Binary labels, exactly 0 or 1, shape ``(n,)``.
            weights: Optional sample weights (>= 0), shape ``(n,)``; not in the reference.

        Returns:
            Scalar soft AUROC in ``[0, 1]``, in the dtype of ``predictions``.
        """
        return auroc_soft(predictions, labels, self.temperature[...], weights)


class ExactAUROC(nnx.Module):
    """Exact AUROC (trapezoidal ROC area, ties counted 1/2), for evaluation.

    Its gradient is zero, as the reference's (sorting is not differentiable): use
    :class:`DifferentiableAUROC` for training.

    Example:
        ```python
        exact = ExactAUROC()
        value = exact(jnp.array([0.9, 0.8, 0.1, 0.2]), jnp.array([1.0, 1.0, 0.0, 0.0]))  # 1.0
        ```
    """

    def __init__(self) -> None:
        super().__init__()

    def __call__(self, predictions, labels, weights=None):
        """Exact AUROC of ``predictions`` (shape ``(n,)``) against 0/1 ``labels``.

        Raises (when the computation runs) if there is no positive or no negative sample.
        """
        return auroc_exact(predictions, labels, weights)
