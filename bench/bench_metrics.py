"""diffauroc.metrics against scikit-learn, timed in the same process (not a test: run it).

    DIFFAUROC_LIBRARY=$PWD/.build/release/libdiffauroc.so PYTHONPATH=$PWD/python \
        .venv/bin/python bench/bench_metrics.py [--n 1000000] [--classes 10]

For each case: the best and the median of several runs of ours, of fewer runs of
scikit-learn's (slow), their ratio (best over best), and the largest difference of the
results (0 for the curves when they are bit-equal), and the median process CPU time of
each (ours on two threads). Cases: roc_auc_score multi_class
"ovr" and "ovo" on softmax probabilities of ``classes`` classes, binary roc_auc_score,
and roc_curve, all at n samples.
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np
from sklearn import metrics as sk

from diffauroc import _lib, metrics


def timed(function, repeats):
    """(best wall time, median wall time, result, median process CPU time: both threads
    of ours counted; less disturbed than wall time by other processes on a shared
    machine)."""
    times, cpu, result = [], [], None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(times), float(np.median(times)), result, float(np.median(cpu))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10**6)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    n, k = args.n, args.classes
    logits = rng.normal(size=(n, k))
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    classes = rng.integers(0, k, n)
    labels = rng.integers(0, 2, n)
    scores = rng.normal(size=n)
    cases = [
        (f"roc_auc_score ovr, {k} classes",
         lambda m: m.roc_auc_score(classes, probabilities, multi_class="ovr"), 2),
        (f"roc_auc_score ovo, {k} classes",
         lambda m: m.roc_auc_score(classes, probabilities, multi_class="ovo"), 1),
        ("roc_auc_score binary", lambda m: m.roc_auc_score(labels, scores), 3),
        ("roc_curve", lambda m: m.roc_curve(labels, scores), 3),
    ]
    print(f"n = {n}, library {_lib.version()} ({_lib.kernels()}), {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    for name, call, sk_repeats in cases:
        ours = timed(lambda: call(metrics), 5)
        theirs = timed(lambda: call(sk), sk_repeats)
        if isinstance(ours[2], tuple):
            diff = max(float(np.max(np.abs(a - b), initial=0.0))
                       for a, b in zip(ours[2][:2], theirs[2][:2]))
            equal = all(np.array_equal(a, b) for a, b in zip(ours[2], theirs[2]))
            note = f"bit-equal {equal}"
        else:
            diff = abs(ours[2] - theirs[2])
            note = f"|difference| {diff:.1e}"
        print(f"{name:32s} ours {ours[0] * 1e3:8.1f} ms (median {ours[1] * 1e3:7.1f}, "
              f"CPU {ours[3] * 1e3:7.1f})   "
              f"scikit-learn {theirs[0] * 1e3:8.1f} ms (median {theirs[1] * 1e3:7.1f}, "
              f"CPU {theirs[3] * 1e3:7.1f})   "
              f"{theirs[0] / ours[0]:5.1f}x   {note}")


if __name__ == "__main__":
    main()
