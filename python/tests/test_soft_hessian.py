"""auroc_soft_hvp / auroc_soft_hvp_f32 through ctypes against an independent long double
pairwise oracle (issue 15): every component within 1e-12 of its natural scale,
p_i (max|v| + |v_T|) / T^2 at a positive (q_j ... at a negative; (max|v| + |v_T|) / T^2
for the temperature component), over T / spread from 1e-12 to 1e12, dense, tied,
wide-range and clustered scores, with and without weights, on both sides of the pairwise crossover;
plus bad inputs (statuses, nothing written), float32 equal to float64 on the converted
values, and the same bits on both CPU builds.
"""
from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import numpy as np
import pytest

from diffauroc import _lib

LIB = _lib.lib
D = ctypes.POINTER(ctypes.c_double)
F = ctypes.POINTER(ctypes.c_float)


def ptr(a, kind=D):
    return None if a is None else a.ctypes.data_as(kind)


def hvp(s, y, w, t, v, vt, f32=False):
    n = len(s)
    out = np.full(n, 7.0)
    ot = ctypes.c_double(7.0)
    fn = LIB.auroc_soft_hvp_f32 if f32 else LIB.auroc_soft_hvp
    kind = F if f32 else D
    status = fn(ptr(s, kind), ptr(y, kind), ptr(w, kind), n, t, ptr(v, kind), vt, ptr(out),
                ctypes.byref(ot))
    return status, out, ot.value


def oracle(s, y, w, t, v, vt):
    """Hv and (Hv)_T by the pair formulas in long double, and the natural scales."""
    L = np.longdouble
    s, v = s.astype(L), v.astype(L)
    w = np.ones(len(s), L) if w is None else w.astype(L)
    pos, neg = (y == 1) & (w > 0), (y == 0) & (w > 0)
    p, q = w[pos] / w[pos].sum(), w[neg] / w[neg].sum()
    t, vt = L(t), L(vt)
    x = (s[pos][:, None] - s[neg][None, :]) / t
    with np.errstate(over="ignore"):  # exp(-x) = inf for x < -11356: sigmoid 0, exact
        sig = 1 / (1 + np.exp(-x))
    d1 = sig * (1 - sig)
    d2 = d1 * (1 - 2 * sig)
    mixed = d1 + x * d2
    moment2 = 2 * x * d1 + x * x * d2
    dv = v[pos][:, None] - v[neg][None, :]
    out = np.zeros(len(s), L)
    out[pos] = p / t / t * ((q * d2 * dv).sum(1) - vt * (q * mixed).sum(1))
    out[neg] = q / t / t * (-(p[:, None] * d2 * dv).sum(0) + vt * (p[:, None] * mixed).sum(0))
    pq = p[:, None] * q[None, :]
    out_t = (-(pq * mixed * dv).sum() + vt * (pq * moment2).sum()) / t / t
    unit = (np.abs(v).max() + abs(vt)) / t / t
    scale = np.zeros(len(s), L)
    scale[pos], scale[neg] = p * unit, q * unit
    return out, out_t, scale, unit


def make(n, kind, weighted, rng):
    if kind == "normal":
        s = rng.normal(size=n)
    elif kind == "dense":
        s = rng.uniform(-1, 1, n)
    elif kind == "ties":
        s = rng.integers(0, 5, n).astype(float)
    elif kind == "clustered":
        # a tight cluster beside sparse points: cells of more than r = 16 points next to
        # cells of a few (every near-field form: nodes to nodes, nodes to points, points
        # to points), at every temperature between all-near and all-far
        s = np.where(rng.random(n) < 0.5, rng.normal(size=n) * 0.01, rng.normal(size=n))
    else:  # wide: magnitudes from 1e-3 to 1e3
        s = rng.normal(size=n) * 10.0 ** rng.integers(-3, 4, n)
    y = (rng.random(n) < 0.4).astype(float)
    y[0], y[1] = 1.0, 0.0
    w = None
    if weighted:
        w = rng.exponential(size=n) * (rng.random(n) < 0.9)
        w[0] = w[1] = 1.0
    return s, y, w


TEMPERATURES = [1e-12, 1e-6, 1e-3, 0.05, 0.3, 1.0, 3.0, 30.0, 1e3, 1e6, 1e12]


@pytest.mark.parametrize("n", [5, 60, 400, 3000])
@pytest.mark.parametrize("kind", ["normal", "dense", "ties", "wide", "clustered"])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_long_double_oracle(parity, n, kind, weighted):
    rng = np.random.default_rng(n * 7 + len(kind) + weighted)
    s, y, w = make(n, kind, weighted, rng)
    spread = s.std()
    worst = 0.0
    for ratio in TEMPERATURES:
        t = ratio * spread
        v = rng.normal(size=n)
        vt = rng.normal() * t
        status, out, out_t = hvp(s, y, w, t, v, vt)
        assert status == 0
        want, want_t, scale, unit = oracle(s, y, w, t, v, vt)
        used = scale > 0
        err = float(np.max(np.abs(out[used] - want[used]) / scale[used]))
        err_t = float(abs(out_t - want_t) / unit)
        assert np.all(out[~used] == 0)
        worst = max(worst, err, err_t)
        assert err <= 1e-12 and err_t <= 1e-12, (ratio, err, err_t)
    parity.record("auroc_soft_hvp vs long double oracle (natural scale)", worst,
                  f"n={n} {kind} weighted={weighted}")


def test_hand_checked_pair():
    # one pair: f = sigmoid(x), x = (a - b) / T; (Hv)_a = s''(x) (v_a - v_b) / T^2
    # - v_T (s'(x) + x s''(x)) / T^2
    a, b, t = 0.7, -0.4, 0.5
    x = (a - b) / t
    sg = 1 / (1 + np.exp(-x))
    d1, d2 = sg * (1 - sg), sg * (1 - sg) * (1 - 2 * sg)
    v, vt = np.array([0.3, -1.1]), 0.25
    status, out, out_t = hvp(np.array([a, b]), np.array([1.0, 0.0]), None, t, v, vt)
    assert status == 0
    ha = (d2 * (v[0] - v[1]) - vt * (d1 + x * d2)) / t**2
    np.testing.assert_allclose(out, [ha, -ha], rtol=1e-14)
    ht = (-(d1 + x * d2) * (v[0] - v[1]) + vt * (2 * x * d1 + x * x * d2)) / t**2
    assert out_t == pytest.approx(ht, rel=1e-14)


def test_one_class_writes_zeros():
    s = np.array([0.1, 0.5, 0.2])
    status, out, out_t = hvp(s, np.ones(3), None, 1.0, np.ones(3), 1.0)
    assert status == _lib.W_ONE_CLASS
    assert np.all(out == 0) and out_t == 0


@pytest.mark.parametrize("bad", ["score", "label", "weight", "temperature", "v", "v_temperature"])
def test_bad_inputs_write_nothing(bad):
    s = np.array([0.1, 0.5, 0.2, 0.4])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    w = np.ones(4)
    v = np.ones(4)
    t, vt = 1.0, 0.0
    want = {"score": _lib.E_NONFINITE_SCORE, "label": _lib.E_BAD_LABEL,
            "weight": _lib.E_BAD_WEIGHT, "temperature": _lib.E_BAD_TEMPERATURE,
            "v": _lib.E_BAD_TANGENT, "v_temperature": _lib.E_BAD_TANGENT}[bad]
    if bad == "score":
        s[2] = np.inf
    elif bad == "label":
        y[1] = 0.5
    elif bad == "weight":
        w[3] = -1
    elif bad == "temperature":
        t = 0.0
    elif bad == "v":
        v[3] = np.nan
    else:
        vt = np.inf
    status, out, out_t = hvp(s, y, w, t, v, vt)
    assert status == want
    assert np.all(out == 7.0) and out_t == 7.0


def test_float32_equals_float64_on_converted_values():
    rng = np.random.default_rng(5)
    n = 5000
    s, y, w = make(n, "normal", True, rng)
    v = rng.normal(size=n)
    s32, y32, w32, v32 = (a.astype(np.float32) for a in (s, y, w, v))
    a = hvp(s32, y32, w32, 0.3, v32, 0.1, f32=True)
    b = hvp(s32.astype(float), y32.astype(float), w32.astype(float), 0.3, v32.astype(float), 0.1)
    assert a[0] == b[0] == 0
    assert np.array_equal(a[1], b[1]) and a[2] == b[2]


_BITS_SCRIPT = """
import sys, ctypes, numpy as np
sys.path.insert(0, {tests!r})
from test_soft_hessian import hvp, make
rng = np.random.default_rng(11)
s, y, w = make(60000, "normal", True, rng)
v = rng.normal(size=60000)
status, out, out_t = hvp(s, y, w, 0.05, v, 0.3)
import hashlib
sys.stdout.write(str(status) + ' ' + hashlib.sha256(out.tobytes()).hexdigest() + ' ' + repr(out_t))
"""


def test_same_bits_on_both_builds():
    # n = 60,000 (the two classes' sums on two threads); DIFFAUROC_KERNELS=baseline forces
    # the SSE2 build. Both runs must give the same bytes. (The two threads write disjoint
    # arrays and share no sum, so the thread count cannot change a bit; the library has no
    # knob to force one thread.)
    tests = os.path.dirname(__file__)
    results = []
    for kernels in ("", "baseline"):
        env = dict(os.environ)
        env.pop("DIFFAUROC_KERNELS", None)
        if kernels:
            env["DIFFAUROC_KERNELS"] = kernels
        out = subprocess.run([sys.executable, "-c", _BITS_SCRIPT.format(tests=tests)],
                             env=env, capture_output=True, text=True, check=True).stdout
        results.append(out)
    assert results[0].startswith("0 ") and results[0] == results[1], results
