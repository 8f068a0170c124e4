"""Weighted exact AUROC: float32 and float64 entry points agree bit for bit, and the value
is within 1 ulp of the exact rational

    sum_{pos i, neg j} w_i w_j ([s_i > s_j] + [s_i == s_j] / 2) / (W_pos W_neg).

The oracle is independent of the library: every float32 value is a dyadic rational, so
after multiplying all weights by one power of two they are Python integers; a pure-Python
sort with tie groups then gives the numerator and denominator as exact integers, and
Python's int / int division is correctly rounded. The library is called through ctypes
directly (``auroc_exact_f32`` on float32 arrays, ``auroc_exact`` on the same values
widened to float64), on the build this CPU selects and, in child processes, on both
builds (DIFFAUROC_KERNELS=baseline forces the SSE2 one).
"""
from __future__ import annotations

import ctypes
import math
import os
import struct
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from diffauroc import _lib
import oracle

_DOUBLE_P = ctypes.POINTER(ctypes.c_double)
_FLOAT_P = ctypes.POINTER(ctypes.c_float)


def call_exact(scores, labels, weights, dtype):
    """auroc_exact (float64) or auroc_exact_f32 (float32) through ctypes: (status, value)."""
    s = np.ascontiguousarray(scores, dtype=dtype)
    y = np.ascontiguousarray(labels, dtype=dtype)
    w = None if weights is None else np.ascontiguousarray(weights, dtype=dtype)
    pointer = _DOUBLE_P if dtype == np.float64 else _FLOAT_P
    function = _lib.lib.auroc_exact if dtype == np.float64 else _lib.lib.auroc_exact_f32
    out = ctypes.c_double(-1.0)
    status = function(s.ctypes.data_as(pointer), y.ctypes.data_as(pointer),
                      None if w is None else w.ctypes.data_as(pointer),
                      len(s), ctypes.byref(out))
    return status, out.value


exact_rational = oracle.exact_weighted_rational


def ordinal(x: float) -> int:
    """The position of a non-negative double among all doubles (adjacent doubles differ by 1)."""
    return struct.unpack("<q", struct.pack("<d", x))[0]


def random_case(rng, n):
    """Scores, labels, weights (float32-representable) of one random weighted case."""
    labels = (rng.random(n) < rng.uniform(0.1, 0.9)).astype(np.float32)
    labels[0], labels[-1] = 0.0, 1.0
    kind = rng.integers(0, 4)
    if kind == 0:    # continuous
        scores = rng.normal(size=n) + labels
    elif kind == 1:  # heavy ties: a few distinct values
        scores = rng.integers(0, rng.integers(1, 12), size=n).astype(np.float64)
    elif kind == 2:  # ties from quantization
        scores = np.round((rng.normal(size=n) + labels) * 8) / 8
    else:            # mixed magnitudes, with ties
        scores = rng.choice([-1e30, -2.5, 0.0, 1e-30, 3.0, 7e20], size=n) * (1 + labels)
    wkind = rng.integers(0, 5)
    if wkind == 0:
        weights = rng.uniform(0, 2, size=n)
    elif wkind == 1:
        weights = rng.exponential(size=n)
    elif wkind == 2:
        weights = rng.integers(0, 100, size=n).astype(np.float64)
    elif wkind == 3:  # wide dynamic range
        weights = np.exp2(rng.uniform(-40, 40, size=n)) * rng.uniform(1, 2, size=n)
    else:             # some zero weights, the rest irregular
        weights = rng.uniform(0, 1, size=n) ** 3 * (rng.random(n) < 0.8)
    weights[0] = weights[-1] = 1.0  # both classes present
    return scores.astype(np.float32), labels, weights.astype(np.float32)


def sizes():
    rng = np.random.default_rng(11)
    small = [2, 3, 4, 5, 8, 13, 31, 64, 100]
    logs = np.exp(rng.uniform(np.log(2), np.log(2e4), size=140)).astype(int).tolist()
    # Above 65536 samples the library splits the work in two: several sizes there, so
    # that the split falls both inside a block and at a block start (long tie groups).
    return small + logs + [65_536, 70_000, 100_000, 131_071, 150_000]


CASES = [(seed, n) for seed, n in enumerate(sizes())]


@pytest.mark.parametrize("seed,n", CASES)
def test_float32_and_float64_agree_and_are_within_one_ulp(seed, n):
    rng = np.random.default_rng(1000 + seed)
    scores, labels, weights = random_case(rng, n)
    st32, v32 = call_exact(scores, labels, weights, np.float32)
    st64, v64 = call_exact(scores.astype(np.float64), labels.astype(np.float64),
                           weights.astype(np.float64), np.float64)
    assert st32 == 0 and st64 == 0
    assert struct.pack("<d", v32) == struct.pack("<d", v64), (v32, v64)
    exact = exact_rational(scores, labels, weights)
    nearest = float(exact)  # int / int: correctly rounded
    assert abs(Fraction(v64) - exact) <= Fraction(math.ulp(nearest)), (v64, nearest)
    assert abs(ordinal(v64) - ordinal(nearest)) <= 1


def test_hand_case_thirds():
    # Positive weights 1, negatives 1 and 2 at either side: U = 2 of W_pos W_neg = 3.
    scores = np.array([0, -1, 1], np.float32)
    labels = np.array([1, 0, 0], np.float32)
    weights = np.array([1, 2, 1], np.float32)
    for dtype in (np.float32, np.float64):
        assert call_exact(scores, labels, weights, dtype) == (0, 2 / 3)


def test_split_tie_group_across_many_weights():
    # One huge tie group (every score equal but one): its masses are summed in a long
    # run; the result must still be the correctly rounded 1/2-based rational or 1 ulp off.
    rng = np.random.default_rng(5)
    n = 90_000
    labels = (rng.random(n) < 0.5).astype(np.float32)
    labels[0], labels[-1] = 0, 1
    scores = np.zeros(n, np.float32)
    scores[rng.integers(0, n, size=100)] = 1
    weights = rng.uniform(0, 1, size=n).astype(np.float32)
    st32, v32 = call_exact(scores, labels, weights, np.float32)
    st64, v64 = call_exact(scores.astype(np.float64), labels.astype(np.float64),
                           weights.astype(np.float64), np.float64)
    assert st32 == st64 == 0
    assert struct.pack("<d", v32) == struct.pack("<d", v64)
    exact = exact_rational(scores, labels, weights)
    assert abs(ordinal(v64) - ordinal(float(exact))) <= 1


# Runs in each child process: every case, both entry points; saves the raw bits.
CHILD = r"""
import sys, numpy as np
sys.path.insert(0, sys.argv[2])
import test_weighted_exact as t
from diffauroc import _lib
import oracle
out = {"kernels": np.array(_lib.kernels())}
for seed, n in t.CASES:
    rng = np.random.default_rng(1000 + seed)
    s, y, w = t.random_case(rng, n)
    for dtype in (np.float32, np.float64):
        st, v = t.call_exact(s.astype(dtype), y.astype(dtype), w.astype(dtype), dtype)
        out[f"{seed}/{n}/{dtype.__name__}"] = np.array([st, v])
np.savez(sys.argv[1], **out)
"""


def _child(tmp_path, kernels):
    env = dict(os.environ)
    env.pop("DIFFAUROC_KERNELS", None)
    if kernels is not None:
        env["DIFFAUROC_KERNELS"] = kernels
    path = tmp_path / f"weighted-{kernels or 'auto'}.npz"
    subprocess.run([sys.executable, "-c", CHILD, str(path), os.path.dirname(__file__)],
                   env=env, check=True, timeout=600)
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


def test_both_builds_give_the_same_bits(tmp_path):
    auto = _child(tmp_path, None)
    baseline = _child(tmp_path, "baseline")
    assert str(baseline.pop("kernels")) == "x86-64"
    auto.pop("kernels")
    assert auto.keys() == baseline.keys()
    for key in auto:
        assert auto[key].tobytes() == baseline[key].tobytes(), key


def _statistics(extra: int) -> None:
    """Prints how far both entry points are from the correctly rounded value, over the
    test's cases and `extra` more (n log-uniform in 2..20000)."""
    from collections import Counter
    cases = [(1000 + seed, n) for seed, n in CASES]
    rng = np.random.default_rng(777)
    cases += [(50_000 + c, int(np.exp(rng.uniform(np.log(2), np.log(20_000))))) for c in range(extra)]
    d32, d64, differ = Counter(), Counter(), 0
    for seed, n in cases:
        s, y, w = random_case(np.random.default_rng(seed), n)
        _, v32 = call_exact(s, y, w, np.float32)
        _, v64 = call_exact(s.astype(np.float64), y.astype(np.float64), w.astype(np.float64),
                            np.float64)
        nearest = float(exact_rational(s, y, w))
        d32[abs(ordinal(v32) - ordinal(nearest))] += 1
        d64[abs(ordinal(v64) - ordinal(nearest))] += 1
        differ += v32 != v64
    print(f"{len(cases)} cases; float32 != float64 in {differ}")
    print("ulps from the correctly rounded value, float32:", sorted(d32.items()))
    print("ulps from the correctly rounded value, float64:", sorted(d64.items()))


if __name__ == "__main__":
    # Statistics: python test_weighted_exact.py [EXTRA_CASES]
    _statistics(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
