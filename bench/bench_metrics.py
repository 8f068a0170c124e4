"""diffauroc.metrics against scikit-learn, timed in the same process (not a test: run it).

    DIFFAUROC_LIBRARY=$PWD/.build/release/libdiffauroc.so PYTHONPATH=$PWD/python \
        .venv/bin/python bench/bench_metrics.py [--n 1000000] [--classes 10]
        .venv/bin/python bench/bench_metrics.py --repeat-processes 5 [--case ovr]

For each case: the best and the median of several runs of ours, of fewer runs of
scikit-learn's (slow), their ratio (best over best), and the largest difference of the
results (0 for the curves when they are bit-equal), and the median process CPU time of
each (ours on two threads). Cases: roc_auc_score multi_class
"ovr" and "ovo" on softmax probabilities of ``classes`` classes, binary roc_auc_score,
and roc_curve, all at n samples.

``--repeat-processes K`` runs the table's measurement of one case (``--case``, default
"ovr") in K fresh processes, one after the other, each exactly as in the table (the data,
5 calls of ours, then scikit-learn's), and prints each process's line and the median and
range over the processes of ours (best), scikit-learn's (best) and their ratio: single
processes differ by tens of percent on a shared machine (first calls, fresh pages,
whether the second core is free).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
from sklearn import metrics as sk

from diffauroc import _lib, metrics


def timed(function, repeats):
    """(best wall time, median wall time, result, median process CPU time: both threads
    of ours counted; less disturbed than wall time by other processes on a shared
    machine; median system CPU time of the process: the kernel's part, mostly zeroing
    fresh pages)."""
    times, cpu, system, result = [], [], [], None
    for _ in range(repeats):
        start, start_cpu, start_system = time.perf_counter(), time.process_time(), os.times().system
        result = function()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        system.append(os.times().system - start_system)
    return (min(times), float(np.median(times)), result, float(np.median(cpu)),
            float(np.median(system)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10**6)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat-processes", type=int, default=0, metavar="K",
                        help="one case (--case) in K fresh processes: median and range")
    parser.add_argument("--case", choices=["ovr", "ovo", "binary", "curve"], default=None,
                        help="only this case (default: all; with --repeat-processes: ovr)")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.repeat_processes:
        return repeat_processes(args)
    rng = np.random.default_rng(args.seed)
    n, k = args.n, args.classes
    logits = rng.normal(size=(n, k))
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    classes = rng.integers(0, k, n)
    labels = rng.integers(0, 2, n)
    scores = rng.normal(size=n)
    cases = [
        ("ovr", f"roc_auc_score ovr, {k} classes",
         lambda m: m.roc_auc_score(classes, probabilities, multi_class="ovr"), 2),
        ("ovo", f"roc_auc_score ovo, {k} classes",
         lambda m: m.roc_auc_score(classes, probabilities, multi_class="ovo"), 1),
        ("binary", "roc_auc_score binary", lambda m: m.roc_auc_score(labels, scores), 3),
        ("curve", "roc_curve", lambda m: m.roc_curve(labels, scores), 3),
    ]
    if not args.json:
        print(f"n = {n}, library {_lib.version()} ({_lib.kernels()}), {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f}")
    for key, name, call, sk_repeats in cases:
        if args.case is not None and key != args.case:
            continue
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
        if args.json:
            print(json.dumps(dict(ours=ours[0], ours_median=ours[1], ours_cpu=ours[3],
                                  ours_system=ours[4],
                                  theirs=theirs[0], theirs_median=theirs[1], note=note,
                                  load=os.getloadavg()[0])))
            continue
        print(f"{name:32s} ours {ours[0] * 1e3:8.1f} ms (median {ours[1] * 1e3:7.1f}, "
              f"CPU {ours[3] * 1e3:7.1f})   "
              f"scikit-learn {theirs[0] * 1e3:8.1f} ms (median {theirs[1] * 1e3:7.1f}, "
              f"CPU {theirs[3] * 1e3:7.1f})   "
              f"{theirs[0] / ours[0]:5.1f}x   {note}")


def repeat_processes(args) -> None:
    """``--repeat-processes``: the case in fresh processes, one after the other."""
    case = args.case or "ovr"
    command = [sys.executable, os.path.abspath(__file__), "--n", str(args.n), "--classes",
               str(args.classes), "--seed", str(args.seed), "--case", case, "--json"]
    print(f"{case}, n = {args.n}, {args.classes} classes, {args.repeat_processes} processes, "
          f"library {_lib.version()} ({_lib.kernels()}), load average "
          f"{os.getloadavg()[0]:.1f}")
    rows = []
    for index in range(args.repeat_processes):
        run = subprocess.run(command, capture_output=True, text=True, check=True)
        row = json.loads(run.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(f"process {index + 1}: ours {row['ours'] * 1e3:7.1f} ms (median "
              f"{row['ours_median'] * 1e3:7.1f}, CPU {row['ours_cpu'] * 1e3:7.1f}, of it in "
              f"the kernel {row['ours_system'] * 1e3:5.1f})   "
              f"scikit-learn {row['theirs'] * 1e3:8.1f} ms   "
              f"{row['theirs'] / row['ours']:5.1f}x   {row['note']}   load {row['load']:.1f}")

    def spread(values, scale, unit, digits=1):
        return (f"{np.median(values) * scale:.{digits}f}{unit} [{min(values) * scale:.{digits}f}-"
                f"{max(values) * scale:.{digits}f}]")
    print(f"over {len(rows)} processes: ours best {spread([r['ours'] for r in rows], 1e3, ' ms')}, "
          f"CPU {spread([r['ours_cpu'] for r in rows], 1e3, ' ms')}; scikit-learn best "
          f"{spread([r['theirs'] for r in rows], 1.0, ' s', 2)}; ratio "
          f"{spread([r['theirs'] / r['ours'] for r in rows], 1.0, 'x')}")


if __name__ == "__main__":
    main()
