"""Benchmark: soft AUROC value + gradient, this library against its peers.

    .venv/bin/python bench/bench_soft.py            # full run, n = 1e3 ... 1e7
    .venv/bin/python bench/bench_soft.py --quick    # n <= 1e5
    .venv/bin/python bench/bench_soft.py --sweep    # temperature sweep (issue 14)

--sweep: value + gradient (auroc_soft_grad) at T / spread = 1e-9, 1e-7, ..., 1e7 (spread:
the standard deviation of the scores, N(0, 1) + label, 30% positives) for n = 1e4 ... 1e7,
each as a ratio to numpy.sort of the same scores timed in the same run, plus the peak
resident memory of a fresh process at n = 1e7 for every temperature. Writes
bench/soft_sweep.json and bench/soft_sweep.png (--sizes and --temps narrow it).

For each n (half positives, scores ~ N(0, 1) + label, temperature 1.0 as the reference's
default) it times, in one process on the same data:

  ours       auroc_soft_grad of libdiffauroc (value, gradient of every score, d/dT), via
             ctypes from $DIFFAUROC_LIBRARY or .build/release/libdiffauroc.so
  reference  diffbio's DifferentiableAUROC under jax.jit(jax.value_and_grad(...)), float32
             (loaded by file path; the n x n matrix cannot be built above n = 16,000: n/a)
  numpy      a float64 NumPy pairwise sum over positives x negatives, chunked (value and
             gradients); skipped above n = 16,000 where it takes minutes
  sort       numpy.sort of the same scores (the floor: the fast path sorts both classes)

Each time is the best of several runs (after one warm-up, which also compiles the jitted
reference). It prints a markdown table with the ratios, measures the peak resident memory
of a fresh process that makes the n = 1e7 inputs and calls the library once, and writes
the log-log plot bench/soft.png.
"""

import argparse
import ctypes
import importlib.util
import os
import pathlib
import subprocess
import sys
import time

# numpy's OpenBLAS starts a pool of worker threads when numpy is imported, and they spin
# (yielding) for a fraction of a second before they sleep. The sweep's n = 10^4 row is
# timed within that window, and the pool's spinning thread then takes the second core
# from the library's two-thread phases (numpy.sort, the yardstick, uses one thread):
# measured here at T/spread 1e-3, 16x numpy.sort with a pool of one thread against 20-27x
# with the default pool, whose thread sleeps again once the process is a few hundred calls
# old (README, "Benchmarks"). Nothing here calls BLAS, so the pool is kept to the calling
# thread unless the environment says otherwise.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import yardstick  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
LIBRARY = os.environ.get("DIFFAUROC_LIBRARY", str(ROOT / ".build" / "release" / "libdiffauroc.so"))
SIZES = [1_000, 4_000, 16_000, 100_000, 1_000_000, 10_000_000]
REFERENCE_MAX_N = 16_000
NUMPY_MAX_N = 16_000
TEMPERATURE = 1.0


def load_library():
    lib = ctypes.CDLL(LIBRARY)
    dp = ctypes.POINTER(ctypes.c_double)
    lib.auroc_soft_grad.argtypes = [dp, dp, dp, ctypes.c_size_t, ctypes.c_double, dp, dp, dp]
    lib.auroc_soft_grad.restype = ctypes.c_int
    lib.diffauroc_kernels.restype = ctypes.c_char_p
    return lib


def ours(lib, scores, labels, temperature):
    dp = ctypes.POINTER(ctypes.c_double)
    grad = np.empty(scores.size)
    value = ctypes.c_double()
    dtemp = ctypes.c_double()
    status = lib.auroc_soft_grad(scores.ctypes.data_as(dp), labels.ctypes.data_as(dp), None,
                                 scores.size, temperature, ctypes.byref(value),
                                 grad.ctypes.data_as(dp), ctypes.byref(dtemp))
    assert status == 0, status
    return value.value, grad, dtemp.value


def numpy_pairwise(scores, labels, temperature, chunk=1024):
    pos = scores[labels == 1]
    neg = scores[labels == 0]
    total = 0.0
    gpos = np.empty(pos.size)
    gneg = np.zeros(neg.size)
    for s in range(0, pos.size, chunk):
        x = (pos[s:s + chunk, None] - neg[None, :]) / temperature
        e = np.exp(-np.abs(x))
        r = 1.0 / (1.0 + e)
        sig = np.where(x >= 0, r, e * r)
        slope = e * r * r
        total += sig.sum()
        gpos[s:s + chunk] = slope.sum(axis=1)
        gneg += slope.sum(axis=0)
    pairs = pos.size * neg.size
    return total / pairs, gpos / (pairs * temperature), -gneg / (pairs * temperature)


def load_reference():
    try:
        import jax
        import jax.numpy as jnp
        spec = importlib.util.find_spec("diffbio")
        path = pathlib.Path(spec.submodule_search_locations[0]) / "losses" / "metric_losses.py"
        module_spec = importlib.util.spec_from_file_location("diffbio_metric_losses", path)
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
    except Exception as error:  # the reference is optional: report and go on
        print(f"reference unavailable: {error!r}", file=sys.stderr)
        return None

    loss = module.DifferentiableAUROC(temperature=TEMPERATURE)

    def make(labels):
        y = jnp.asarray(labels, dtype=jnp.float32)
        fn = jax.jit(jax.value_and_grad(lambda p: loss(p, y)))

        def run(scores):
            value, grad = fn(jnp.asarray(scores, dtype=jnp.float32))
            return value.block_until_ready(), grad.block_until_ready()
        return run
    return make


def best_time(fn, repeats):
    fn()  # warm-up (and jit compilation for the reference)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def repeats_for(n):
    return 20 if n <= 16_000 else 7 if n <= 1_000_000 else 3


def peak_rss_at(n):
    """Peak RSS (MB) of a fresh process that builds n inputs and calls the library once,
    and its peak just before the call (interpreter, NumPy, inputs). Read from VmHWM in
    /proc/self/status: ru_maxrss would include the forking parent's memory on Linux."""
    code = f"""
import sys
import numpy as np
sys.path.insert(0, {str(ROOT / 'bench')!r})
from bench_soft import load_library, ours

def high_water_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024

lib = load_library()
rng = np.random.default_rng(0)
labels = (rng.random({n}) < 0.5).astype(np.float64)
scores = rng.normal(size={n}) + labels
before = high_water_mb()
ours(lib, scores, labels, {TEMPERATURE})
print(before, high_water_mb())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "DIFFAUROC_LIBRARY": LIBRARY}, check=True)
    before, after = (float(v) for v in out.stdout.split())
    return before, after


def fmt_time(t):
    if t is None:
        return "n/a"
    return f"{t * 1e3:.3g} ms" if t < 1 else f"{t:.3g} s"


def fmt_ratio(peer, mine):
    return "n/a" if peer is None else f"{peer / mine:.3g}x"


SWEEP_SIZES = [10_000, 100_000, 1_000_000, 10_000_000]
SWEEP_RATIOS = [10.0 ** e for e in range(-9, 8, 2)]


def sweep_data(n):
    rng = np.random.default_rng(n)
    labels = (rng.random(n) < 0.3).astype(np.float64)
    scores = rng.normal(size=n) + labels
    return scores, labels


def peak_rss_sweep(n, temperature):
    """Peak RSS (MB) of a fresh process making the sweep's n inputs and calling
    auroc_soft_grad once at `temperature`: (before the call, after)."""
    code = f"""
import sys
sys.path.insert(0, {str(ROOT / 'bench')!r})
from bench_soft import load_library, ours, sweep_data

def high_water_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024

lib = load_library()
scores, labels = sweep_data({n})
before = high_water_mb()
ours(lib, scores, labels, {temperature!r})
print(before, high_water_mb())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "DIFFAUROC_LIBRARY": LIBRARY}, check=True)
    before, after = (float(v) for v in out.stdout.split())
    return before, after


def sweep(args):
    lib = load_library()
    print(f"libdiffauroc kernels: {lib.diffauroc_kernels().decode()}  ({LIBRARY})")
    yardstick.print_header()
    print(f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']} (numpy's BLAS pool; see the top of this file)")
    load_start = os.getloadavg()
    print(f"load average at start: {load_start}")
    sizes = [int(float(v)) for v in args.sizes.split(",")] if args.sizes else SWEEP_SIZES
    ratios = [float(v) for v in args.temps.split(",")] if args.temps else SWEEP_RATIOS
    rows = []
    for n in sizes:
        scores, labels = sweep_data(n)
        spread = float(np.std(scores))
        repeats = 5 if n <= 100_000 else 3 if n <= 1_000_000 else 2
        t_sort = best_time(lambda: np.sort(scores), repeats + 2)
        for ratio in ratios:
            t = ratio * spread
            t_ours = best_time(lambda: ours(lib, scores, labels, t), repeats)
            rows.append({"n": n, "t_over_spread": ratio, "temperature": t,
                         "ours": t_ours, "numpy_sort": t_sort})
            print(f"n={n:>10,} T/spread={ratio:8.0e}: ours {fmt_time(t_ours):>10}  "
                  f"sort {fmt_time(t_sort):>10}  ratio {t_ours / t_sort:6.2f}x  "
                  f"load {os.getloadavg()[0]:.2f}", flush=True)
    memory = []
    if not args.no_memory and 10_000_000 in sizes:
        spread = float(np.std(sweep_data(10_000_000)[0]))
        for ratio in ratios:
            before, after = peak_rss_sweep(10_000_000, ratio * spread)
            memory.append({"t_over_spread": ratio, "before_mb": before, "after_mb": after})
            print(f"peak RSS n=1e7 T/spread={ratio:.0e}: {after:.0f} MB "
                  f"({after - before:.0f} MB added by the call)", flush=True)
    print(f"load average at end: {os.getloadavg()}")
    print()
    print("ours / numpy.sort (value + gradient):")
    print()
    print("| n \\ T/spread | " + " | ".join(f"{r:.0e}" for r in ratios) + " |")
    print("|---|" + "---:|" * len(ratios))
    for n in sizes:
        cells = [next(x for x in rows if x["n"] == n and x["t_over_spread"] == r) for r in ratios]
        print(f"| {n:,} | " + " | ".join(f"{c['ours'] / c['numpy_sort']:.2f}x" for c in cells) + " |")
    if memory:
        print("| peak RSS at 1e7 (MB, whole process) | "
              + " | ".join(f"{m['after_mb']:.0f}" for m in memory) + " |")
        print("| of which the call (MB) | "
              + " | ".join(f"{m['after_mb'] - m['before_mb']:.0f}" for m in memory) + " |")
    import json
    with open(args.json, "w") as f:
        json.dump({"library": LIBRARY, "kernels": lib.diffauroc_kernels().decode(),
                   "yardstick": yardstick.describe(),
                   "load_average_start": load_start, "load_average_end": os.getloadavg(),
                   "times": rows, "memory": memory}, f, indent=1)
    print(f"results written to {args.json}")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for n in sizes:
        pts = [x for x in rows if x["n"] == n]
        ax.plot([x["t_over_spread"] for x in pts], [x["ours"] / x["numpy_sort"] for x in pts],
                "o-", label=f"n = {n:,}")
    ax.axhline(2, color="gray", ls="--", lw=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("T / spread of the scores")
    ax.set_ylabel("time / numpy.sort of the same scores")
    ax.set_title("Soft AUROC value + gradient across temperatures")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.plot, dpi=120)
    print(f"plot written to {args.plot}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="only n <= 100,000")
    parser.add_argument("--no-reference", action="store_true", help="skip the JAX reference")
    parser.add_argument("--plot", default=str(ROOT / "bench" / "soft.png"))
    parser.add_argument("--json", default=str(ROOT / "bench" / "soft_results.json"))
    parser.add_argument("--sweep", action="store_true", help="the temperature sweep")
    parser.add_argument("--sizes", help="--sweep: comma-separated n (default 1e4,...,1e7)")
    parser.add_argument("--temps", help="--sweep: comma-separated T / spread")
    parser.add_argument("--no-memory", action="store_true", help="--sweep: skip peak RSS")
    args = parser.parse_args()
    if args.sweep:
        if args.json == str(ROOT / "bench" / "soft_results.json"):
            args.json = str(ROOT / "bench" / "soft_sweep.json")
        if args.plot == str(ROOT / "bench" / "soft.png"):
            args.plot = str(ROOT / "bench" / "soft_sweep.png")
        return sweep(args)
    sizes = [n for n in SIZES if not args.quick or n <= 100_000]
    lib = load_library()
    print(f"libdiffauroc kernels: {lib.diffauroc_kernels().decode()}")
    yardstick.print_header()
    make_reference = None if args.no_reference else load_reference()
    rows = []
    for n in sizes:
        rng = np.random.default_rng(n)
        labels = (rng.random(n) < 0.5).astype(np.float64)
        scores = rng.normal(size=n) + labels
        t_ours = best_time(lambda: ours(lib, scores, labels, TEMPERATURE), repeats_for(n))
        t_ref = None
        if make_reference is not None and n <= REFERENCE_MAX_N:
            run = make_reference(labels)
            t_ref = best_time(lambda: run(scores), 5)
        t_np = None
        if n <= NUMPY_MAX_N:
            t_np = best_time(lambda: numpy_pairwise(scores, labels, TEMPERATURE), 3)
        t_sort = best_time(lambda: np.sort(scores), repeats_for(n))
        rows.append((n, t_ours, t_ref, t_np, t_sort))
        print(f"n={n:>10,}: ours {fmt_time(t_ours)}  reference {fmt_time(t_ref)}  "
              f"numpy pairwise {fmt_time(t_np)}  numpy.sort {fmt_time(t_sort)}", flush=True)

    print()
    print("| n | ours (value+grad) | reference (jax, f32) | numpy pairwise (f64) | numpy.sort |"
          " reference / ours | numpy pairwise / ours | ours / numpy.sort |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, t_ours, t_ref, t_np, t_sort in rows:
        print(f"| {n:,} | {fmt_time(t_ours)} | {fmt_time(t_ref)} | {fmt_time(t_np)} | "
              f"{fmt_time(t_sort)} | {fmt_ratio(t_ref, t_ours)} | {fmt_ratio(t_np, t_ours)} | "
              f"{t_ours / t_sort:.3g}x |")
    print(f"\n(reference and numpy pairwise: n/a above n = {REFERENCE_MAX_N:,}: the reference's"
          " n x n matrix does not fit, and the pairwise sum would take minutes.)")

    if 10_000_000 in sizes:
        before, after = peak_rss_at(10_000_000)
        print(f"\npeak RSS, n = 10,000,000 (fresh process): {after:.0f} MB in all; "
              f"{before:.0f} MB before the call (interpreter, NumPy, inputs); the call "
              f"(with its 80 MB gradient output) adds {after - before:.0f} MB")

    import json
    with open(args.json, "w") as f:
        json.dump([{"n": n, "ours": a, "reference": b, "numpy_pairwise": c, "numpy_sort": d}
                   for n, a, b, c, d in rows], f, indent=1)
    print(f"results written to {args.json}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ns = [r[0] for r in rows]
    for index, label, style in [(1, "diffauroc (value+grad)", "o-"),
                                (2, "reference: diffbio under jax.jit (f32)", "s-"),
                                (3, "NumPy pairwise (f64)", "^-"),
                                (4, "numpy.sort", "x--")]:
        pts = [(r[0], r[index]) for r in rows if r[index] is not None]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], style, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("n (samples)")
    ax.set_ylabel("time (s)")
    ax.set_title("Soft AUROC, value and gradient")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.plot, dpi=120)
    print(f"\nplot written to {args.plot}")


if __name__ == "__main__":
    main()
