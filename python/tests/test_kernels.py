"""The two builds of the core (x86-64 and x86-64-v3) compute the same bits.

On x86-64 the library holds the core twice, compiled for SSE2 and for AVX2/FMA, and picks
one per process (``diffauroc_kernels``; DIFFAUROC_KERNELS=baseline forces SSE2). The rest
of the suite runs on the build this CPU selects; this file runs the same computations in
two child processes, one per build, and requires identical results bit for bit: soft
value, gradient and d/dT (pairwise and fast paths, every temperature regime), and exact
AUROC (float64 and float32, weighted and not, both threading regimes). With equal bits,
every parity test of the suite holds for the build it did not run on.
"""
from __future__ import annotations

import os
import subprocess
import sys

from diffauroc import _lib
from library_support import assert_both_builds_give_the_same_bits

# Runs in each child process: computes every case and saves the results to argv[1].
CHILD = r"""
import sys
import numpy as np
import diffauroc
from diffauroc import _lib

results = {"kernels": np.array(_lib.kernels())}
rng = np.random.default_rng(20261129)
for n in (2, 7, 100, 1000, 5000, 16000, 100000):
    labels = (rng.random(n) < 0.4).astype(np.float64)
    labels[0], labels[-1] = 0.0, 1.0
    scores = rng.normal(size=n) + labels
    tied = np.round(scores * 4) / 4
    weights = rng.exponential(size=n)
    for name, s in (("normal", scores), ("tied", tied)):
        spread = float(s.max() - s.min())
        for t in (1e-3 * spread, 0.01, 0.1, 1.0, 10.0, 1e3):
            for w_name, w in (("unweighted", None), ("weighted", weights)):
                value, grad, dt = diffauroc.auroc_soft_grad(s, labels, t, weights=w)
                key = f"soft/{n}/{name}/{t:.3g}/{w_name}"
                results[key] = np.concatenate([[value, dt], grad])
for n in (2, 10, 1000, 70000, 1000000):
    labels = (rng.random(n) < 0.3).astype(np.float64)
    labels[0], labels[-1] = 0.0, 1.0
    weights = rng.exponential(size=n)
    for name, s in (("normal", rng.normal(size=n) + labels),
                    ("ties", rng.integers(0, 50, size=n).astype(np.float64))):
        for dtype in (np.float64, np.float32):
            for w_name, w in (("unweighted", None), ("weighted", weights)):
                cast = None if w is None else w.astype(dtype)
                results[f"exact/{n}/{name}/{dtype.__name__}/{w_name}"] = np.array(
                    diffauroc.auroc_exact(s.astype(dtype), labels.astype(dtype), weights=cast))
np.savez(sys.argv[1], **results)
"""


def test_baseline_variable_selects_the_sse2_build(tmp_path):
    env = dict(os.environ, DIFFAUROC_KERNELS="baseline")
    code = "from diffauroc import _lib; print(_lib.kernels())"
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "x86-64"


def test_both_builds_compute_the_same_bits(tmp_path):
    assert_both_builds_give_the_same_bits(CHILD, tmp_path, "results",
                                          7 * 2 * 6 * 2 + 5 * 2 * 2 * 2)
