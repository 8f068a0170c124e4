"""Invariants of the soft and exact AUROC, checked by Hypothesis on random inputs:

- flipping every label gives 1 - value (and negates the gradient and d/dT);
- adding a constant to every score changes nothing;
- scaling every score and T by the same factor changes nothing (the gradient scales by
  1/factor);
- the soft value tends to the exact one as T -> 0 on distinct scores;
- scaling every weight by a constant changes nothing;
- a sample of weight 0 is the same as no sample (and its gradient is 0);
- permuting the samples permutes the gradient and changes nothing else.

Shifts and scale factors are chosen so that the transformed scores are exact in float64
(dyadic grid, powers of two): the invariances then hold to rounding, whatever algorithm
the library uses.
"""
from __future__ import annotations

import warnings

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import diffauroc
import oracle
from checks import soft_errors

SETTINGS = settings(max_examples=150, deadline=None)
TOLERANCE = 1e-12  # of each quantity's natural scale (checks.py)

# Scores on the grid k / 1024 with |k| <= 2^20: sums with grid shifts below are exact.
grid_scores = st.integers(-(2**20), 2**20).map(lambda k: k / 1024.0)
temperatures = st.floats(-3, 3).map(lambda e: 10.0**e)
weight_values = st.one_of(st.just(0.0), st.floats(1e-3, 1e3))


@st.composite
def samples(draw, min_size=2, max_size=40, with_weights=None, scores=grid_scores):
    """(scores, labels, weights or None) with at least one pair of positive weight."""
    n = draw(st.integers(min_size, max_size))
    s = np.array(draw(st.lists(scores, min_size=n, max_size=n)))
    y = np.array(draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n, max_size=n)))
    weighted = draw(st.booleans()) if with_weights is None else with_weights
    w = np.array(draw(st.lists(weight_values, min_size=n, max_size=n))) if weighted else None
    effective = np.ones(n) if w is None else w
    assume(effective[y == 1].sum() > 0 and effective[y == 0].sum() > 0)
    return s, y, w


def exact_tolerance(weights) -> float:
    """0 unweighted: the exact AUROC is then the correctly rounded U / (P N), so equal
    rationals give equal doubles. Weighted, the header promises no rounding; sums of up
    to 40 products of weights spanning 1e-3..1e3, in an order that may differ between
    the two calls (ties), agree to 1e-13."""
    return 0.0 if weights is None else 1e-13


def soft_close(a, b, labels, temperature, weights, tolerance=TOLERANCE):
    errors = soft_errors(a, b, labels, temperature, weights)
    assert max(errors.values()) <= tolerance, errors


@SETTINGS
@given(samples(), temperatures)
def test_label_flip_soft(data, temperature):
    s, y, w = data
    value, grad, dt = diffauroc.auroc_soft_grad(s, y, temperature, w)
    flipped = diffauroc.auroc_soft_grad(s, 1 - y, temperature, w)
    soft_close(flipped, (1 - value, -grad, -dt), 1 - y, temperature, w)


@SETTINGS
@given(samples())
def test_label_flip_exact(data):
    s, y, w = data
    value = diffauroc.auroc_exact(s, y, w)
    # 1 - (a rounded) differs from (1 - a) rounded by up to about one ulp
    assert abs(diffauroc.auroc_exact(s, 1 - y, w) - (1 - value)) <= max(exact_tolerance(w), 1e-15)


@SETTINGS
@given(samples(), temperatures, grid_scores)
def test_shift_changes_nothing(data, temperature, shift):
    s, y, w = data
    shifted = s + shift
    assert np.array_equal(shifted - shift, s)  # the shift is exact
    soft_close(diffauroc.auroc_soft_grad(shifted, y, temperature, w),
               diffauroc.auroc_soft_grad(s, y, temperature, w), y, temperature, w)
    assert abs(diffauroc.auroc_exact(shifted, y, w) - diffauroc.auroc_exact(s, y, w)) <= \
        exact_tolerance(w)


@SETTINGS
@given(samples(), temperatures, st.integers(-30, 30))
def test_scaling_scores_and_temperature_together_changes_nothing(data, temperature, exponent):
    s, y, w = data
    factor = 2.0**exponent
    value, grad, dt = diffauroc.auroc_soft_grad(s, y, temperature, w)
    scaled = diffauroc.auroc_soft_grad(s * factor, y, temperature * factor, w)
    # d/ds and d/dT of value(a s, a T) are 1/a times those of value(s, T)
    soft_close((scaled[0], scaled[1] * factor, scaled[2] * factor), (value, grad, dt),
               y, temperature, w)
    assert abs(diffauroc.auroc_exact(s * factor, y, w) - diffauroc.auroc_exact(s, y, w)) <= \
        exact_tolerance(w)


@SETTINGS
@given(samples(scores=st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False)))
def test_soft_tends_to_exact_as_temperature_goes_to_zero(data):
    s, y, w = data
    effective = np.ones(len(s)) if w is None else w
    pos = s[(y == 1) & (effective > 0)]
    neg = s[(y == 0) & (effective > 0)]
    gaps = np.abs(pos[:, None] - neg[None, :])
    assume(np.all(gaps > 0))  # distinct scores across the classes
    temperature = gaps.min() / 64  # every |x| >= 64: sigmoid within e^-64 of 0 or 1
    assume(temperature > 1e-300)
    exact = diffauroc.auroc_exact(s, y, w)
    assert abs(diffauroc.auroc_soft(s, y, temperature, w) - exact) <= 1e-12


@SETTINGS
@given(samples(with_weights=True), temperatures, st.floats(1e-3, 1e3))
def test_weight_scaling_changes_nothing(data, temperature, factor):
    s, y, w = data
    soft_close(diffauroc.auroc_soft_grad(s, y, temperature, w * factor),
               diffauroc.auroc_soft_grad(s, y, temperature, w), y, temperature, w)
    assert abs(diffauroc.auroc_exact(s, y, w * factor) - diffauroc.auroc_exact(s, y, w)) <= \
        exact_tolerance(w)


@SETTINGS
@given(samples(with_weights=True), temperatures, st.integers(-60, 60))
def test_scaling_one_class_weights_changes_nothing(data, temperature, exponent):
    # numerator and that class's total weight scale together
    s, y, w = data
    scaled = np.where(y == 1, w * 2.0**exponent, w)
    soft_close(diffauroc.auroc_soft_grad(s, y, temperature, scaled),
               diffauroc.auroc_soft_grad(s, y, temperature, w), y, temperature, w)
    assert abs(diffauroc.auroc_exact(s, y, scaled) - diffauroc.auroc_exact(s, y, w)) <= \
        exact_tolerance(w)


@SETTINGS
@given(samples(with_weights=True, min_size=3), temperatures, st.data())
def test_weight_zero_is_dropping_the_sample(data, temperature, draw):
    s, y, w = data
    k = draw.draw(st.integers(0, len(s) - 1))
    w = w.copy()
    w[k] = 0.0
    keep = np.arange(len(s)) != k
    assume(w[keep & (y == 1)].sum() > 0 and w[keep & (y == 0)].sum() > 0)
    value, grad, dt = diffauroc.auroc_soft_grad(s, y, temperature, w)
    assert grad[k] == 0.0
    dropped = diffauroc.auroc_soft_grad(s[keep], y[keep], temperature, w[keep])
    soft_close((value, grad[keep], dt), dropped, y[keep], temperature, w[keep])
    assert abs(diffauroc.auroc_exact(s, y, w) - diffauroc.auroc_exact(s[keep], y[keep], w[keep])) <= \
        exact_tolerance(w)
    # unweighted samples: weight 1 everywhere except k equals dropping k with no weights
    ones = np.ones(len(s))
    ones[k] = 0.0
    if (y[keep] == 1).any() and (y[keep] == 0).any():
        value, grad, dt = diffauroc.auroc_soft_grad(s, y, temperature, ones)
        assert grad[k] == 0.0
        soft_close((value, grad[keep], dt),
                   diffauroc.auroc_soft_grad(s[keep], y[keep], temperature),
                   y[keep], temperature, None)


@SETTINGS
@given(samples(), temperatures, st.randoms(use_true_random=False))
def test_permutation_changes_nothing(data, temperature, random):
    s, y, w = data
    order = np.array(random.sample(range(len(s)), len(s)))
    value, grad, dt = diffauroc.auroc_soft_grad(s, y, temperature, w)
    w_perm = None if w is None else w[order]
    permuted = diffauroc.auroc_soft_grad(s[order], y[order], temperature, w_perm)
    soft_close(permuted, (value, grad[order], dt), y[order], temperature, w_perm)
    assert abs(diffauroc.auroc_exact(s[order], y[order], w_perm) - diffauroc.auroc_exact(s, y, w)) <= \
        exact_tolerance(w)


@SETTINGS
@given(samples(max_size=25), temperatures)
def test_random_inputs_match_the_oracle(data, temperature):
    s, y, w = data
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a pair exists: no warning
        got = diffauroc.auroc_soft_grad(s, y, temperature, w)
    soft_close(got, oracle.soft(s, y, temperature, w), y, temperature, w)
