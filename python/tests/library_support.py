"""The library used other than through the package's wrappers, as several test files do:
called through ctypes directly (test_fast_soft.py, test_soft_small_temperature.py), and
run in a child process with a chosen build of the core (test_kernels.py, test_soft_double_cells.py,
test_soft_middle_temperatures.py)."""
from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import numpy as np
import pytest

# The library the installed package loads (the bundled .so, or $DIFFAUROC_LIBRARY).
from diffauroc._lib import path as LIBRARY

_DOUBLE_P = ctypes.POINTER(ctypes.c_double)


def soft_grad_library() -> ctypes.CDLL:
    """A ctypes handle of LIBRARY with auroc_soft_grad declared (and nothing else)."""
    handle = ctypes.CDLL(str(LIBRARY))
    handle.auroc_soft_grad.argtypes = [_DOUBLE_P, _DOUBLE_P, _DOUBLE_P, ctypes.c_size_t,
                                       ctypes.c_double, _DOUBLE_P, _DOUBLE_P, _DOUBLE_P]
    handle.auroc_soft_grad.restype = ctypes.c_int
    return handle


def soft_grad(lib: ctypes.CDLL, scores, labels, weights, temperature):
    """(value, gradient, d/dT) of auroc_soft_grad on float64 copies of the inputs (weights
    None: unweighted); a status other than 0 fails the test."""
    scores = np.ascontiguousarray(scores, dtype=np.float64)
    labels = np.ascontiguousarray(labels, dtype=np.float64)
    n = scores.size
    grad = np.empty(n)
    value, dtemp = ctypes.c_double(), ctypes.c_double()
    w = None
    if weights is not None:
        weights = np.ascontiguousarray(weights, dtype=np.float64)
        w = weights.ctypes.data_as(_DOUBLE_P)
    status = lib.auroc_soft_grad(scores.ctypes.data_as(_DOUBLE_P), labels.ctypes.data_as(_DOUBLE_P),
                                 w, n, temperature, ctypes.byref(value),
                                 grad.ctypes.data_as(_DOUBLE_P), ctypes.byref(dtemp))
    assert status == 0, status
    return value.value, grad, dtemp.value


def run_child(code: str, out, kernels_variable) -> dict[str, np.ndarray]:
    """Runs `code` in a child Python with DIFFAUROC_KERNELS set to `kernels_variable` (None:
    unset, the build the CPU selects); the child saves its arrays to argv[1] = `out` (an
    .npz path), which this returns as a dict."""
    env = dict(os.environ)
    env.pop("DIFFAUROC_KERNELS", None)
    if kernels_variable is not None:
        env["DIFFAUROC_KERNELS"] = kernels_variable
    subprocess.run([sys.executable, "-c", code, str(out)], env=env, check=True, timeout=600)
    with np.load(out) as data:
        return {key: data[key] for key in data.files}


def assert_both_builds_give_the_same_bits(code: str, directory, stem: str, case_count: int):
    """Runs `code` (which saves its results and "kernels", the build it ran on, to
    argv[1]) once on the build the CPU selects and once on the baseline build
    (DIFFAUROC_KERNELS=baseline), and requires the same `case_count` results from both, bit
    for bit. Skips where the CPU selects the baseline build itself (nothing to compare)."""
    auto = run_child(code, directory / f"{stem}-auto.npz", None)
    baseline = run_child(code, directory / f"{stem}-baseline.npz", "baseline")
    assert str(baseline["kernels"]) == "x86-64"
    if str(auto["kernels"]) != "x86-64-v3":
        pytest.skip(f"this CPU runs only the {auto['kernels']} build: nothing to compare")
    assert set(auto) == set(baseline)
    cases = sorted(key for key in auto if key != "kernels")
    assert len(cases) == case_count  # every case of the child ran
    differing = [key for key in cases if auto[key].tobytes() != baseline[key].tobytes()]
    assert not differing, f"{len(differing)} of {len(cases)} cases differ, e.g. {differing[:5]}"


_UNIFORM_CHILD = r"""
import sys
import numpy as np
import diffauroc
from diffauroc import _lib

results = {"kernels": np.array(_lib.kernels())}
for n, density in CASES:
    rng = np.random.default_rng([n, int(density * 10)])
    labels = (rng.random(n) < 0.3).astype(np.float64)
    labels[0], labels[-1] = 0.0, 1.0
    weights = rng.exponential(size=n)
    scores = rng.random(n) * (n / density)
    for w_name, w in (("unweighted", None), ("weighted", weights)):
        value, grad, dt = diffauroc.auroc_soft_grad(scores, labels, 1.0, weights=w)
        results[f"{n}/{density}/{w_name}"] = np.concatenate([[value, dt], grad])
np.savez(sys.argv[1], **results)
"""


def assert_uniform_scores_give_the_same_bits(cases, directory, stem: str):
    """`assert_both_builds_give_the_same_bits` for auroc_soft_grad at T = 1 on n scores
    uniform over n / density temperature widths (30% positives; unweighted, then with
    exponential weights), for each (n, density) of `cases`."""
    code = _UNIFORM_CHILD.replace("CASES", repr(tuple(cases)))
    assert_both_builds_give_the_same_bits(code, directory, stem, 2 * len(cases))
