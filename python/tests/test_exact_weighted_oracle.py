"""Weighted exact AUROC against an exact integer oracle, on adversarial weights.

The claim under test (ExactAUROC.swift, "The weighted sweep"): the result of
``auroc_exact`` / ``auroc_exact_f32`` with weights is within 1 ulp of the exact rational

    sum_{pos i, neg j} w_i w_j ([s_i > s_j] + [s_i == s_j] / 2) / (W_pos W_neg)

in every case, not only typical ones. The oracle is independent of the library: every
double is a dyadic rational, so all weights times one power of two are Python integers; a
pure-Python sort with tie groups gives numerator and denominator as exact integers, and
``Fraction.__float__`` (int / int) is correctly rounded, subnormals included.

The families go after what can break a double-double sweep: weights spanning the whole
double range (masses and mass products below 2^-1022, where relative accuracy is lost),
subnormal weights, results below 2^-1000 and subnormal results, results next to 1, huge
tie groups of wildly different weights, float32 weights from 2^-149 to 3.4e38, and cases
built so that many products round the same way.
"""
from __future__ import annotations

import ctypes
import math
import struct
from fractions import Fraction

import numpy as np
import pytest

from diffauroc import _lib
import oracle

_DOUBLE_P = ctypes.POINTER(ctypes.c_double)
_FLOAT_P = ctypes.POINTER(ctypes.c_float)


def call_exact(scores, labels, weights, dtype):
    """auroc_exact (float64) or auroc_exact_f32 (float32): (status, value)."""
    s = np.ascontiguousarray(scores, dtype=dtype)
    y = np.ascontiguousarray(labels, dtype=dtype)
    w = np.ascontiguousarray(weights, dtype=dtype)
    pointer = _DOUBLE_P if dtype == np.float64 else _FLOAT_P
    function = _lib.lib.auroc_exact if dtype == np.float64 else _lib.lib.auroc_exact_f32
    out = ctypes.c_double(-1.0)
    status = function(s.ctypes.data_as(pointer), y.ctypes.data_as(pointer),
                      w.ctypes.data_as(pointer), len(s), ctypes.byref(out))
    return status, out.value


exact_rational = oracle.exact_weighted_rational


def ulps_off(value: float, exact: Fraction) -> Fraction:
    """|value - exact| in units of the ulp of the correctly rounded double of `exact`."""
    nearest = float(exact)
    unit = math.ulp(nearest) if nearest != 0 else math.ulp(0.0)
    return abs(Fraction(value) - exact) / Fraction(unit)


def _wide_weights(rng, n, low, high):
    """Weights 2^e * [1, 2) with e uniform in [low, high] (doubles)."""
    return np.ldexp(rng.uniform(1, 2, size=n), rng.integers(low, high + 1, size=n))


def adversarial_case(family: str, seed: int, n: int):
    """(scores, labels, weights) as float64 arrays; float32-exact unless said otherwise."""
    rng = np.random.default_rng(seed)
    labels = (rng.random(n) < rng.uniform(0.2, 0.8)).astype(np.float64)
    labels[0], labels[-1] = 0.0, 1.0
    scores = rng.normal(size=n) + labels
    if family == "full_double_range":
        # Masses and products far below 2^-1022 next to masses near 1.
        weights = _wide_weights(rng, n, -1074, 1000)
    elif family == "tiny_against_one":
        # One heavy sample per class; the rest tiny: U comes only from tiny x tiny products.
        weights = _wide_weights(rng, n, -560, -520)
        lowest, highest = np.argmin(scores), np.argmax(scores)
        labels[lowest], labels[highest] = 1.0, 0.0
        weights[lowest] = weights[highest] = 1.0
    elif family == "subnormal_products":
        # U a sum of products each near 2^-1074 (1.5 * 2^-537 * 2^-537 rounds to 2^-1073).
        weights = np.full(n, 1.5 * 2.0 ** -537)
        order = np.argsort(scores)
        labels[order[0]], labels[order[-1]] = 1.0, 0.0
        weights[order[0]] = weights[order[-1]] = 1.0
        labels[order[1]] = 0.0
        weights[order[1]] = 2.0 ** -537
        scores = scores.copy()
    elif family == "subnormal_weights":
        weights = np.ldexp(rng.uniform(1, 2, size=n), rng.integers(-1074, -1060, size=n))
        weights[rng.random(n) < 0.05] = 1.0
    elif family == "tiny_result":
        # Positives sorted below negatives but for a few tiny-weight ones: AUROC ~ 2^-1000.
        scores = np.where(labels == 1, -1.0, 1.0) + rng.normal(size=n) * 1e-3
        weights = rng.uniform(0.5, 2, size=n)
        few = rng.choice(np.flatnonzero(labels == 1), size=max(1, n // 50))
        scores[few] = 5.0 + rng.normal(size=few.size)
        weights[few] = _wide_weights(rng, few.size, -1060, -990)
    elif family == "near_one":
        scores = np.where(labels == 1, 1.0, -1.0) + rng.normal(size=n) * 1e-3
        weights = rng.uniform(0.5, 2, size=n)
        few = rng.choice(np.flatnonzero(labels == 0), size=max(1, n // 50))
        scores[few] = 5.0
        weights[few] = _wide_weights(rng, few.size, -60, -30)
    elif family == "float32_extremes":
        weights = np.ldexp(rng.uniform(1, 2, size=n), rng.integers(-149, 127, size=n))
        weights = weights.astype(np.float32).astype(np.float64)
        weights[weights <= 0] = 2.0 ** -149
        scores = np.round(scores * 4) / 4  # ties across the weight range
    elif family == "huge_ties_wide":
        scores = rng.integers(0, 3, size=n).astype(np.float64)
        weights = _wide_weights(rng, n, -300, 300)
    elif family == "dyadic_midpoints":
        # Integer weights (the rational is a ratio of integers whose double may sit on a
        # midpoint after rounding partial sums): many equal weights 2^52 + 1 and 1.
        weights = np.where(rng.random(n) < 0.5, 2.0 ** 52 + 1, 1.0)
        scores = np.round(scores * 2) / 2
    else:
        raise ValueError(family)
    return scores.astype(np.float64), labels, weights.astype(np.float64)


FLOAT64_FAMILIES = ["full_double_range", "tiny_against_one", "subnormal_products",
                    "subnormal_weights", "tiny_result", "near_one", "huge_ties_wide",
                    "dyadic_midpoints"]
SIZES = [2, 3, 5, 17, 200, 3000, 70_000]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("family", FLOAT64_FAMILIES)
def test_float64_within_one_ulp(family, n):
    for seed in range(3 if n <= 3000 else 1):
        s, y, w = adversarial_case(family, 10_000 * seed + n, n)
        exact = exact_rational(s, y, w)
        status, value = call_exact(s, y, w, np.float64)
        if exact is None:
            assert status != 0
            continue
        assert status == 0
        off = ulps_off(value, exact)
        assert off <= 1, (family, n, seed, value, float(exact), float(off))


@pytest.mark.parametrize("n", SIZES)
def test_float32_within_one_ulp_and_equal_to_float64(n):
    for seed in range(3 if n <= 3000 else 1):
        s, y, w = adversarial_case("float32_extremes", 20_000 * seed + n, n)
        s32, y32, w32 = (a.astype(np.float32) for a in (s, y, w))
        exact = exact_rational(s32, y32, w32)
        status, value = call_exact(s32, y32, w32, np.float32)
        status64, value64 = call_exact(s32.astype(np.float64), y32.astype(np.float64),
                                       w32.astype(np.float64), np.float64)
        assert status == status64 == 0
        assert struct.pack("<d", value) == struct.pack("<d", value64)
        assert ulps_off(value, exact) <= 1, (n, seed, value, float(exact))


def test_subnormal_products_hand_case():
    # Positive masses 1 (lowest score) and k of 1.5 * 2^-537; negatives 2^-537 just above
    # the heavy positive and 1 on top. U = k * 1.5 * 2^-1074 exactly, W_pos W_neg ~ 1:
    # each product rounds to 2^-1073 in double precision, which would make the result k/3
    # ulps too large.
    k = 100
    scores = np.array([0.0, 1.0] + [2.0 + i for i in range(k)] + [1e6])
    labels = np.array([1.0, 0.0] + [1.0] * k + [0.0])
    weights = np.array([1.0, 2.0 ** -537] + [1.5 * 2.0 ** -537] * k + [1.0])
    exact = exact_rational(scores, labels, weights)
    status, value = call_exact(scores, labels, weights, np.float64)
    assert status == 0
    assert ulps_off(value, exact) <= 1, (value, float(exact))
