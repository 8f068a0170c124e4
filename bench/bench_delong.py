"""Benchmark: DeLong's paired test of two models, this library against pROC and a sort.

    .venv/bin/python bench/bench_delong.py              # n = 1e4, 1e5, 1e6
    .venv/bin/python bench/bench_delong.py --no-r       # without pROC

Data: labels with half positives; model a's score sigmoid(N(0, 1) + label), model b's
sigmoid(0.7 (a's logit) + N(0, 1) * 0.7 + 0.3 label) (correlated, as two models of one
problem are); float64. For each n it times, in one process and on the same arrays:

  abi       auroc_delong with k = 2 on the (n, 2) C-ordered array: both AUCs, the 2 x 2
            covariance and Var(AUC_a - AUC_b), which is all the paired test needs
            (input validation included)
  test      diffauroc.stats.auroc_test(y, a, b): the Python function end to end (it lays
            the two vectors out side by side: one copy of 2n doubles)
  sort      numpy.sort of one score vector: the issue's yardstick (target: test <= 3x sort
            at n = 1e6)
  pROC      roc.test(roc1, roc2, method = "delong", paired = TRUE) in R through Rscript,
            timed inside R (system.time) on ROC objects built beforehand, and also with
            the two roc() calls (pROC's own sort and curve) included; the data is written
            to a CSV file first (not timed)

Each time is the best of several runs after a warm-up (pROC: best of 3, one if it takes
more than 20 s). "CPU: test / sort" is the ratio of process CPU time per call (ours summed
over its two threads), which other processes on the machine do not inflate as they do
wall times: on a quiet 2-core machine the wall ratio is about half of it. It prints a markdown table and writes bench/delong_results.json.
The statistic of every method is printed too (they agree to ~1e-13).
"""

import argparse
import ctypes
import json
import os
import pathlib
import platform
import shutil
import subprocess
import sys
import tempfile
import time

# NumPy's OpenBLAS threads spin for a while after a BLAS call and would compete with the
# library's second thread; nothing here needs BLAS threads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import yardstick  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
LIBRARY = os.environ.get("DIFFAUROC_LIBRARY", str(ROOT / ".build" / "release" / "libdiffauroc.so"))
os.environ["DIFFAUROC_LIBRARY"] = LIBRARY
sys.path.insert(0, str(ROOT / "python"))

from diffauroc import _lib, stats  # noqa: E402


def best_of(run, repeats):
    run()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def cpu_per_call(run, repeats):
    """Process CPU time per call (all threads), averaged: unlike the wall time, it does
    not grow when other processes compete for the cores (caches aside)."""
    run()
    start = time.process_time()
    for _ in range(repeats):
        run()
    return (time.process_time() - start) / repeats


def data(n, seed=0):
    rng = np.random.default_rng(seed)
    y = np.zeros(n)
    y[: n // 2] = 1
    rng.shuffle(y)
    la = rng.normal(size=n) + y
    lb = 0.7 * la + 0.7 * rng.normal(size=n) + 0.3 * y
    return y, 1 / (1 + np.exp(-la)), 1 / (1 + np.exp(-lb))


R_SCRIPT = r"""
suppressMessages(library(pROC))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
best <- function(f) {
  first <- system.time(r <- f())[["elapsed"]]
  times <- first
  if (first < 20) for (i in 1:3) times <- c(times, system.time(f())[["elapsed"]])
  list(t = min(times), r = r)
}
build <- function() list(roc(d$y, d$a, levels = c(0, 1), direction = "<", quiet = TRUE),
                         roc(d$y, d$b, levels = c(0, 1), direction = "<", quiet = TRUE))
rocs <- build()
test <- best(function() roc.test(rocs[[1]], rocs[[2]], method = "delong", paired = TRUE))
full <- best(function() { r <- build(); roc.test(r[[1]], r[[2]], method = "delong", paired = TRUE) })
cat(sprintf("%.6f %.6f %.17g\n", test$t, full$t, test$r$statistic))
"""


def time_proc(y, a, b, timeout):
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    with tempfile.TemporaryDirectory() as directory:
        csv = pathlib.Path(directory) / "d.csv"
        np.savetxt(csv, np.column_stack([y, a, b]), delimiter=",", header="y,a,b",
                   comments="", fmt=["%d", "%.17g", "%.17g"])
        script = pathlib.Path(directory) / "bench.R"
        script.write_text(R_SCRIPT)
        try:
            out = subprocess.run([rscript, str(script), str(csv)], check=True,
                                 capture_output=True, text=True, timeout=timeout).stdout
        except subprocess.TimeoutExpired:
            return {"timeout_s": timeout}
    test_s, full_s, z = map(float, out.split())
    return {"roc_test_s": test_s, "roc_and_test_s": full_s, "statistic": z}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1e4,1e5,1e6")
    parser.add_argument("--no-r", action="store_true")
    parser.add_argument("--r-timeout", type=float, default=900)
    args = parser.parse_args()
    points = []
    print(f"library {_lib.path} ({_lib.kernels()}), {os.cpu_count()} CPUs")
    yardstick.print_header()
    print("| n | abi (ms) | auroc_test (ms) | numpy.sort (ms) | test / sort | CPU: test / sort "
          "| pROC roc.test (s) | pROC roc()+roc.test (s) | pROC roc.test / test |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in [int(float(s)) for s in args.sizes.split(",")]:
        y, a, b = data(n)
        matrix = np.ascontiguousarray(np.column_stack([a, b]))
        aucs, cov, diff = np.empty(2), np.empty((2, 2)), np.empty((2, 2))
        dp = ctypes.POINTER(ctypes.c_double)
        call = (matrix.ctypes.data_as(dp), n, 2, 2, 1, y.ctypes.data_as(dp),
                aucs.ctypes.data_as(dp), cov.ctypes.data_as(dp), diff.ctypes.data_as(dp))
        repeats = 20 if n <= 100_000 else 7
        abi_s = best_of(lambda: _lib.lib.auroc_delong(*call), repeats)
        test_s = best_of(lambda: stats.auroc_test(y, a, b), repeats)
        sort_s = best_of(lambda: np.sort(a), repeats)
        test_cpu_s = cpu_per_call(lambda: stats.auroc_test(y, a, b), repeats)
        sort_cpu_s = cpu_per_call(lambda: np.sort(a), repeats)
        result = stats.auroc_test(y, a, b)
        proc = None if args.no_r else time_proc(y, a, b, args.r_timeout)
        point = {"n": n, "k": 2, "abi_s": abi_s, "test_s": test_s, "sort_s": sort_s,
                 "test_cpu_s": test_cpu_s, "sort_cpu_s": sort_cpu_s,
                 "statistic": result.statistic, "pvalue": result.pvalue,
                 "aurocs": [result.auroc_a, result.auroc_b], "proc": proc}
        points.append(point)
        if proc and "roc_test_s" in proc:
            proc_cells = (f"{proc['roc_test_s']:.3f} | {proc['roc_and_test_s']:.3f} | "
                          f"{proc['roc_test_s'] / test_s:.0f}x")
        elif proc:
            proc_cells = f"> {proc['timeout_s']:.0f} | | "
        else:
            proc_cells = "n/a | n/a | "
        print(f"| {n:.0e} | {abi_s * 1e3:.2f} | {test_s * 1e3:.2f} | {sort_s * 1e3:.2f} | "
              f"{test_s / sort_s:.2f}x | {test_cpu_s / sort_cpu_s:.2f}x | {proc_cells} |")
        if proc and "statistic" in proc:
            print(f"  z: ours {result.statistic!r}, pROC {proc['statistic']!r}")
    out = ROOT / "bench" / "delong_results.json"
    out.write_text(json.dumps({
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "library": str(_lib.path), "kernels": _lib.kernels(), "yardstick": yardstick.describe(),
        "data": "half positives; a = sigmoid(N(0,1) + y), b = sigmoid(0.7 logit_a + 0.7 N(0,1) + 0.3 y)",
        "points": points}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
