"""Benchmark: exact AUROC, this library against its peers and against a plain sort.

    .venv/bin/python bench/bench_exact.py            # n = 1e5, 1e6, 1e7
    .venv/bin/python bench/bench_exact.py --quick    # n = 1e5, 1e6

For each n, float64 and float32, unweighted and weighted, on the same data (predicted
probabilities sigmoid(N(0, 1) + label), half positives; weights uniform in [0, 2)) it
times, in one process:

  ours      auroc_exact (float64) or auroc_exact_f32 (float32) of libdiffauroc, via ctypes
            from $DIFFAUROC_LIBRARY or .build/release/libdiffauroc.so (input validation
            included; pointers prepared once, as a NumPy front end would)
  sklearn   sklearn.metrics.roc_auc_score (float32 scores are upcast inside sklearn)
  calibrax  calibrax.metrics.functional.classification.roc_auc under jax.jit, in the
            array's dtype (x64 enabled); it has no weights (n/a), and its tie handling
            differs (see DESIGN.md), which does not matter for its speed
  sort      numpy.sort of the same scores array: the issue's yardstick

Each time is the best of several runs after one warm-up (which also compiles the jitted
function). It prints a markdown table with ours / sort and the peers' times / ours,
writes every point to bench/exact_results.json and draws the log-log plot bench/exact.png.
Targets (issue 14): at n = 1e6 and 1e7, ours <= 0.8x sort unweighted, <= 1.3x weighted
(float32 and float64). Note: ours runs on two threads from n = 65536, numpy.sort on one.

Spread (issue 14 asks for the bars in every run, not only the best):

    .venv/bin/python bench/bench_exact.py --no-peers --processes 5 --sizes 1e6 1e7
    .venv/bin/python bench/bench_exact.py --no-peers --processes 5 --baseline old/libdiffauroc.so

runs the measurement in 5 fresh processes one after the other. In each, ours (and the
--baseline library, if given) and numpy.sort are called in turn, interleaved (with
--baseline: ours, sort, base, sort, so that each library call follows a sort), --calls
times after one warm-up each, and each process reports per function the median wall time
of its calls, the median CPU time (process time, both threads), and the page faults
(minor) of one call; the ratio ours / sort is taken within each process. The table gives
the median over the processes and the spread (min-max). Without --processes (the
default 1) the table is the best of several calls, as before.

    .venv/bin/python bench/bench_exact.py --no-peers --processes 5 --logit

times the same on the scores N(0, 1) + label themselves (logits: both signs, the float64
keys' value buckets of KeyRangeBuckets.swift) instead of their sigmoid; --lognormal on
their exponential (one sign, over binades around 1: its one-piece value buckets).
"""

import argparse
import ctypes
import json
import os
import pathlib
import platform
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

import yardstick

ROOT = pathlib.Path(__file__).resolve().parents[1]
LIBRARY = os.environ.get("DIFFAUROC_LIBRARY", str(ROOT / ".build" / "release" / "libdiffauroc.so"))


def load_library(path=LIBRARY):
    lib = ctypes.CDLL(path)
    for name in ("auroc_exact", "auroc_exact_f32"):
        f = getattr(lib, name)
        f.restype = ctypes.c_int
        f.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                      ctypes.POINTER(ctypes.c_double)]
    lib.diffauroc_kernels.restype = ctypes.c_char_p
    return lib


def make_ours(lib, scores, labels, weights):
    f = lib.auroc_exact if scores.dtype == np.float64 else lib.auroc_exact_f32
    out = ctypes.c_double()
    args = (ctypes.c_void_p(scores.ctypes.data), ctypes.c_void_p(labels.ctypes.data),
            ctypes.c_void_p(None if weights is None else weights.ctypes.data),
            ctypes.c_size_t(scores.size), ctypes.byref(out))

    def run():
        status = f(*args)
        assert status == 0, status
        return out.value
    return run


def make_calibrax(scores, labels):
    import jax
    import jax.numpy as jnp
    from calibrax.metrics.functional.classification import roc_auc
    fn = jax.jit(roc_auc)
    p = jnp.asarray(scores)
    t = jnp.asarray(labels)

    def run():
        return fn(p, t).block_until_ready()
    return run


def best_time(fn, repeats):
    fn()  # warm-up (and jit compilation)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def repeats_for(n, slow=False):
    if slow:
        return 1 if n >= 10_000_000 else 3
    return {100_000: 30, 1_000_000: 10}.get(n, 3)


def minor_faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def interleaved(fns, calls):
    """Calls each function of `fns` (name -> function) once as warm-up, then `calls` times
    in turn, with "sort" (if there) after each of the others: (ours, sort, base, sort,
    ours, ...), so that every library call follows a sort. Returns, per name, the median wall time, the median CPU time (this process,
    all threads) and the median minor page faults of one call.

    (With ours, sort, base in turn, ours followed base's call directly and base followed
    the single-threaded sort; the first place then measured faster: two copies of the
    same library at n = 10^6, float64, ours / base 0.93x [0.92-0.99] over 5 processes on
    Zen 4, and 1.01x [0.97-1.03] in this order; the other columns 0.97-1.03x either way.)"""
    for fn in fns.values():
        fn()
    samples = {name: ([], [], []) for name in fns}
    order = list(fns.items())
    if "sort" in fns:
        order = [step for name, fn in order if name != "sort"
                 for step in ((name, fn), ("sort", fns["sort"]))]
    for _ in range(calls):
        for name, fn in order:
            faults = minor_faults()
            cpu = time.process_time()
            start = time.perf_counter()
            fn()
            wall = time.perf_counter() - start
            cpu = time.process_time() - cpu
            faults = minor_faults() - faults
            samples[name][0].append(wall)
            samples[name][1].append(cpu)
            samples[name][2].append(faults)
    return {name: dict(wall=statistics.median(w), cpu=statistics.median(c),
                       faults=statistics.median(f), walls=w)
            for name, (w, c, f) in samples.items()}


def calls_for(n):
    return {100_000: 41, 1_000_000: 15}.get(n, 5)


def spread_child(args):
    """One process of --processes: the interleaved medians as JSON on stdout."""
    lib = load_library()
    base = load_library(args.baseline) if args.baseline else None
    points = []
    for n in args.sizes:
        for dtype in (np.float64, np.float32):
            scores, labels, weights = make_data(n, dtype, kind=score_kind(args))
            for weighted in (False, True):
                w = weights if weighted else None
                fns = {"ours": make_ours(lib, scores, labels, w),
                       "sort": lambda: np.sort(scores)}
                if base is not None:
                    fns["base"] = make_ours(base, scores, labels, w)
                    assert fns["base"]() == fns["ours"](), "baseline and ours differ"
                stats = interleaved(fns, args.calls or calls_for(n))
                points.append(dict(n=n, dtype=np.dtype(dtype).name, weighted=weighted,
                                   **{f"{k}_{q}": v[q] for k, v in stats.items()
                                      for q in ("wall", "cpu", "faults")}))
    json.dump(dict(load=os.getloadavg()[0], points=points), sys.stdout)


def spread_parent(args):
    """--processes K: K fresh processes one after the other; median and min-max."""
    yardstick.print_header()
    runs = []
    for k in range(args.processes):
        command = [sys.executable, __file__, "--child", "--sizes", *map(str, args.sizes)]
        if args.baseline:
            command += ["--baseline", args.baseline]
        if args.calls:
            command += ["--calls", str(args.calls)]
        if args.logit:
            command += ["--logit"]
        if args.lognormal:
            command += ["--lognormal"]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out))
        print(f"process {k + 1}/{args.processes} done (load {runs[-1]['load']:.2f})", flush=True)
    names = ["ours", "sort"] + (["base"] if args.baseline else [])
    loads = ", ".join(f"{r['load']:.2f}" for r in runs)
    print(f"\nload average during the runs: {loads}")
    print(f"{args.processes} processes; per process the median of its interleaved calls;"
          " cells: median over processes [min-max]\n")
    header = "| n | dtype | weights | ours | sort | ours / sort | ours CPU / sort CPU |"
    rule = "|---:|---|---|---:|---:|---:|---:|"
    if args.baseline:
        header += " base | base / sort | ours / base | ours CPU / base CPU |"
        rule += "---:|---:|---:|---:|"
    header += " faults ours / sort" + (" / base |" if args.baseline else " |")
    rule += "---:|"
    print(header)
    print(rule)

    def cell(values, fmt):
        return f"{fmt(statistics.median(values))} [{fmt(min(values))}-{fmt(max(values))}]"
    ms = lambda t: f"{t * 1e3:.1f}"  # noqa: E731
    ratio = lambda r: f"{r:.2f}x"  # noqa: E731
    summary = []
    for i, p in enumerate(runs[0]["points"]):
        rows = [r["points"][i] for r in runs]
        row = f"| {p['n']:,} | {p['dtype']} | {'yes' if p['weighted'] else 'no'}"
        row += f" | {cell([q['ours_wall'] for q in rows], ms)} ms | {cell([q['sort_wall'] for q in rows], ms)} ms"
        row += f" | {cell([q['ours_wall'] / q['sort_wall'] for q in rows], ratio)}"
        row += f" | {cell([q['ours_cpu'] / q['sort_cpu'] for q in rows], ratio)}"
        if args.baseline:
            row += f" | {cell([q['base_wall'] for q in rows], ms)} ms"
            row += f" | {cell([q['base_wall'] / q['sort_wall'] for q in rows], ratio)}"
            row += f" | {cell([q['ours_wall'] / q['base_wall'] for q in rows], ratio)}"
            row += f" | {cell([q['ours_cpu'] / q['base_cpu'] for q in rows], ratio)}"
        faults = [statistics.median(q[f"{name}_faults"] for q in rows) for name in names]
        row += " | " + " / ".join(f"{f:.0f}" for f in faults) + " |"
        print(row)
        summary.append(dict(n=p["n"], dtype=p["dtype"], weighted=p["weighted"], runs=rows))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(dict(
            library=LIBRARY, baseline=args.baseline, processes=args.processes,
            scores=SCORE_KINDS[score_kind(args)],
            yardstick=yardstick.describe(),
            loads=[r["load"] for r in runs], points=summary), indent=1) + "\n")
        print(f"\npoints written to {args.json}")


SCORE_KINDS = {"sigmoid": "sigmoid(N(0,1) + label)", "logit": "N(0,1) + label (logits)",
               "lognormal": "exp(N(0,1) + label) (lognormal)"}


def score_kind(args):
    return "logit" if args.logit else "lognormal" if args.lognormal else "sigmoid"


def make_data(n, dtype, seed=0, kind="sigmoid"):
    rng = np.random.default_rng(seed)
    labels = (rng.random(n) < 0.5).astype(np.float64)
    scores = rng.standard_normal(n) + labels
    if kind == "sigmoid":
        scores = 1 / (1 + np.exp(-scores))
    elif kind == "lognormal":
        scores = np.exp(scores)
    weights = rng.random(n) * 2
    return scores.astype(dtype), labels.astype(dtype), weights.astype(dtype)


def fmt_time(t):
    if t is None:
        return "n/a"
    return f"{t * 1e3:.2f} ms" if t < 1 else f"{t:.2f} s"


def fmt_ratio(t, base):
    return "n/a" if t is None or base is None else f"{t / base:.2f}x"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="n <= 1e6 only")
    parser.add_argument("--no-peers", action="store_true", help="skip sklearn and calibrax")
    parser.add_argument("--json", default=str(ROOT / "bench" / "exact_results.json"))
    parser.add_argument("--plot", default=str(ROOT / "bench" / "exact.png"))
    parser.add_argument("--processes", type=int, default=1,
                        help="K > 1: K fresh processes, median and spread of interleaved calls"
                             " (no peers, no plot)")
    parser.add_argument("--sizes", type=lambda x: int(float(x)), nargs="+",
                        help="sample counts (default 1e5 1e6 1e7; --quick 1e5 1e6)")
    parser.add_argument("--calls", type=int, help="interleaved calls per process (default by n)")
    parser.add_argument("--baseline", help="another libdiffauroc.so, timed interleaved with ours")
    kinds = parser.add_mutually_exclusive_group()
    kinds.add_argument("--logit", action="store_true",
                       help="scores N(0, 1) + label themselves (both signs, as logits), not their sigmoid")
    kinds.add_argument("--lognormal", action="store_true",
                       help="scores exp(N(0, 1) + label) (one sign, over binades), not their sigmoid")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sizes is None:
        args.sizes = [100_000, 1_000_000] if args.quick else [100_000, 1_000_000, 10_000_000]
    if args.child:
        return spread_child(args)
    if args.processes > 1 or args.baseline:
        if args.json == str(ROOT / "bench" / "exact_results.json"):
            args.json = str(ROOT / "bench" / "exact_spread.json")
        return spread_parent(args)

    if not args.no_peers:
        # The peers only: --no-peers runs with numpy (and matplotlib for the plot) alone.
        import jax
        jax.config.update("jax_enable_x64", True)
        from sklearn.metrics import roc_auc_score

    lib = load_library()
    kernels = lib.diffauroc_kernels().decode()
    print(f"libdiffauroc kernels: {kernels}")
    yardstick.print_header()
    sizes = args.sizes
    points = []
    for n in sizes:
        for dtype in (np.float64, np.float32):
            scores, labels, weights = make_data(n, dtype, kind=score_kind(args))
            sort = best_time(lambda: np.sort(scores), repeats_for(n))
            for weighted in (False, True):
                w = weights if weighted else None
                ours_fn = make_ours(lib, scores, labels, w)
                value = ours_fn()
                ours = best_time(ours_fn, repeats_for(n))
                sk = cx = None
                if not args.no_peers:
                    sk_fn = lambda: roc_auc_score(labels, scores, sample_weight=w)  # noqa: E731
                    expected = sk_fn()
                    assert abs(value - expected) <= 1e-12, (value, expected)
                    sk = best_time(sk_fn, repeats_for(n, slow=True))
                    if not weighted:
                        cx = best_time(make_calibrax(scores, labels), repeats_for(n, slow=True))
                point = dict(n=n, dtype=np.dtype(dtype).name, weighted=weighted, ours_s=ours,
                             sort_s=sort, sklearn_s=sk, calibrax_s=cx, value=value)
                points.append(point)
                print(f"n={n:>9,} {np.dtype(dtype).name} {'weighted' if weighted else 'unweighted':>10}:"
                      f" ours {fmt_time(ours)}, sort {fmt_time(sort)} ({ours / sort:.2f}x),"
                      f" sklearn {fmt_time(sk)}, calibrax {fmt_time(cx)}", flush=True)

    print()
    print("| n | dtype | weights | auroc_exact | numpy.sort | ours / sort | sklearn | sklearn / ours"
          " | calibrax (jit) | calibrax / ours |")
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for p in points:
        print(f"| {p['n']:,} | {p['dtype']} | {'yes' if p['weighted'] else 'no'} | {fmt_time(p['ours_s'])}"
              f" | {fmt_time(p['sort_s'])} | {fmt_ratio(p['ours_s'], p['sort_s'])}"
              f" | {fmt_time(p['sklearn_s'])} | {fmt_ratio(p['sklearn_s'], p['ours_s'])}"
              f" | {fmt_time(p['calibrax_s'])} | {fmt_ratio(p['calibrax_s'], p['ours_s'])} |")

    record = dict(machine=dict(platform=platform.platform(), processor=platform.processor(),
                               cpus=os.cpu_count()),
                  yardstick=yardstick.describe(),
                  library=LIBRARY, kernels=kernels, data=SCORE_KINDS[score_kind(args)] + ", half positives, weights U[0,2)",
                  points=points)
    pathlib.Path(args.json).write_text(json.dumps(record, indent=2) + "\n")
    print(f"\npoints written to {args.json}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    series = (("ours_s", False, "auroc_exact", "C0", "-"),
              ("ours_s", True, "auroc_exact weighted", "C0", "--"),
              ("sort_s", False, "numpy.sort", "k", ":"),
              ("sklearn_s", False, "sklearn roc_auc_score", "C1", "-"),
              ("sklearn_s", True, "sklearn weighted", "C1", "--"),
              ("calibrax_s", False, "calibrax roc_auc (jit)", "C2", "-."))
    for ax, dtype in zip(axes, ("float64", "float32")):
        for key, weighted, label, color, style in series:
            pts = [(p["n"], p[key]) for p in points
                   if p["dtype"] == dtype and p["weighted"] == weighted and p[key] is not None]
            if pts:
                ax.plot([q[0] for q in pts], [q[1] for q in pts], style, color=color, marker="o",
                        label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("n (samples)")
        ax.set_title(f"{dtype} scores")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("time (s), best of several runs")
    axes[0].legend(fontsize=7)
    fig.suptitle("Exact AUROC against n (2-core machine)")
    fig.tight_layout()
    fig.savefig(args.plot, dpi=120)
    print(f"plot written to {args.plot}")


if __name__ == "__main__":
    main()
