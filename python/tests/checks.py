"""Comparisons at each quantity's natural scale (DESIGN.md, "How correctness is shown").

The soft AUROC is a weighted mean of sigmoids, so its natural scale is 1. A gradient entry
is w_k / (T W_class(k)) times a weighted mean of sigmoid' (<= 1/4), so its scale is
w_k / (T W_class(k)): 1/(T P) for an unweighted positive, 1/(T N) for a negative. d/dT is
-1/T times a mean of x sigmoid'(x) (|.| <= 0.23), so its scale is 1/T. A gradient entry
of a weight-0 sample must be exactly 0.
"""
from __future__ import annotations

import numpy as np

import diffauroc
import oracle


def soft_errors(got, want, labels, temperature, weights=None) -> dict[str, float]:
    """Each quantity's largest |got - want| divided by its natural scale."""
    value, grad, dtemperature = got
    want_value, want_grad, want_dtemperature = want
    scale = oracle.gradient_scale(labels, temperature, weights)
    assert np.all(np.isfinite(grad)) and np.isfinite(value) and np.isfinite(dtemperature)
    excluded = scale == 0
    assert np.all(grad[excluded] == 0), "a weight-0 sample has a nonzero gradient"
    grad_error = np.abs(grad - want_grad)[~excluded] / scale[~excluded]
    return {
        "value": abs(value - want_value),
        "grad": float(grad_error.max()) if grad_error.size else 0.0,
        "dT": abs(dtemperature - want_dtemperature) * temperature,
    }


def assert_soft_close(got, want, labels, temperature, weights=None, *, tolerance=1e-12,
                      parity=None, key="", where=""):
    errors = soft_errors(got, want, labels, temperature, weights)
    if parity is not None:
        for quantity, error in errors.items():
            parity.record(f"{key} {quantity} (/ natural scale)", error, where)
    bad = {q: e for q, e in errors.items() if not e <= tolerance}
    assert not bad, f"errors / natural scale above {tolerance:g}: {bad} ({where})"


def uniform_scores(n, density, positive_rate, seed):
    """n scores uniform over n / density temperature widths (T = 1), labels with both
    classes (the first sample negative, the last positive), and the generator for more."""
    rng = np.random.default_rng(seed)
    labels = (rng.random(n) < positive_rate).astype(np.float64)
    labels[0], labels[-1] = 0.0, 1.0
    scores = rng.random(n) * (n / density)
    return scores, labels, rng


def assert_scaled_uniform_scores_match(n, density, positive_rate, seed, scale):
    """`uniform_scores` times `scale`, shifted up by 3 scale n when scale > 1, at T = scale:
    differences near the smallest or the largest doubles, against the oracle."""
    scores, labels, _ = uniform_scores(n, density, positive_rate, seed)
    scaled = scores * scale + (3 * scale * scores.size if scale > 1 else 0.0)
    got = diffauroc.auroc_soft_grad(scaled, labels, scale)
    assert_soft_close(got, oracle.soft(scaled, labels, scale), labels, scale, where=f"scale {scale}")
