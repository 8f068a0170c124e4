"""Throughput of diffauroc.incremental.AUROCAccumulator: 10^6 samples fed in batches of
10^4 (update time, then compute time), against diffauroc.auroc_exact of the same 10^6
samples in one call. Best of 3. Scores: 10^3 distinct values, or continuous (10^6
distinct); unweighted and weighted (uniform weights).
Run: DIFFAUROC_LIBRARY=$PWD/.build/release/libdiffauroc.so PYTHONPATH=$PWD/python \
     .venv/bin/python bench/bench_incremental.py
"""
import time

import numpy as np

import diffauroc
from diffauroc.incremental import AUROCAccumulator


def best(function, repeats=3):
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        runs.append((time.perf_counter() - start, result))
    return min(runs, key=lambda run: run[0])  # the fastest run and its own result


def main():
    rng = np.random.default_rng(1)
    n, b = 10**6, 10**4
    labels = rng.integers(0, 2, n)
    cases = [("10^3 distinct", rng.integers(0, 1000, n) / 1000.0),
             ("continuous", rng.random(n))]
    print(f"{'scores':14s} {'weights':10s} {'updates':>9s} {'compute':>9s} {'total':>9s} "
          f"{'auroc_exact':>11s} {'ratio':>6s}  equal")
    for name, scores in cases:
        for weighted in (False, True):
            weights = rng.random(n) if weighted else None

            def updates():
                acc = AUROCAccumulator()
                for lo in range(0, n, b):
                    acc.update(scores[lo:lo + b], labels[lo:lo + b],
                               None if weights is None else weights[lo:lo + b])
                return acc

            def both():
                start = time.perf_counter()
                acc = updates()
                middle = time.perf_counter()
                value = acc.compute()
                return middle - start, time.perf_counter() - middle, value

            total, (t_update, t_compute, value) = best(both)
            t_exact, reference = best(lambda: diffauroc.auroc_exact(scores, labels, weights))
            equal = value == reference if not weighted else abs(value - reference) <= 1e-12
            print(f"{name:14s} {'uniform' if weighted else 'none':10s} {t_update:8.3f}s "
                  f"{t_compute:8.3f}s {total:8.3f}s {t_exact:10.4f}s {total / t_exact:6.1f}  "
                  f"{equal}")


if __name__ == "__main__":
    main()
