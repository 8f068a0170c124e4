"""Benchmark: the ROC curve, the partial AUC and one-vs-rest AUROC, against NumPy's sort
and scikit-learn.

    .venv/bin/python bench/bench_curve.py            # n = 1e4, 1e5, 1e6 (+ 1e7 ours and sort)
    .venv/bin/python bench/bench_curve.py --quick    # n = 1e4, 1e5, 1e6, fewer repeats
    .venv/bin/python bench/bench_curve.py --repeat-processes 5   # n = 1e6 in 5 processes:
                                                      # median and spread (min - max)

On the data of bench/bench_exact.py (predicted probabilities sigmoid(N(0, 1) + label),
half positives; unweighted), float64 and float32 scores, it times in one process:

  sort       numpy.sort of the same scores array: the yardstick
  curve C    auroc_curve / auroc_curve_f32 of libdiffauroc via ctypes, drop_intermediate,
             output arrays of n + 1 allocated once (input validation included)
  curve py   diffauroc.metrics.roc_curve (the scikit-learn-shaped wrapper: it allocates
             its outputs and copies them to the point count) if that module exists
  sklearn    sklearn.metrics.roc_curve (checked bit for bit against ours first)
  exact C    auroc_exact / auroc_exact_f32 (the exact AUROC: one sort and a count)
  partial C  auroc_partial / auroc_partial_f32 over FPR [0, 0.1] and over [0, 1]

and, at n = 1e6 with 10 classes (softmax scores of logits N(0, 1) + 1.5 at the true
class), roc_auc_score(multi_class="ovr") of diffauroc.metrics against scikit-learn's.

Every time is the median of several repeats, the functions of one row interleaved
(sort, ours, sklearn, sort, ours, ...) so that a slow moment of a shared machine hits all
of them alike. It prints a markdown table with the ratios, writes bench/curve_results.json
and draws bench/curve.png. Targets (issue 12): curve C <= 2x sort at n = 1e6, sklearn >=
30x slower than ours; partial <= 1.5x exact; ovr >= 30x faster than scikit-learn.
"""

import argparse
import ctypes
import json
import os
import pathlib
import platform
import statistics
import sys
import time

import numpy as np

import yardstick

ROOT = pathlib.Path(__file__).resolve().parents[1]
LIBRARY = os.environ.get("DIFFAUROC_LIBRARY", str(ROOT / ".build" / "release" / "libdiffauroc.so"))
os.environ.setdefault("DIFFAUROC_LIBRARY", LIBRARY)
sys.path.insert(0, str(ROOT / "python"))

P = ctypes.c_void_p


def load_library():
    lib = ctypes.CDLL(LIBRARY)
    for name in ("auroc_curve", "auroc_curve_f32"):
        f = getattr(lib, name)
        f.restype = ctypes.c_int
        f.argtypes = [P, P, P, ctypes.c_size_t, ctypes.c_int, ctypes.c_size_t, P, P, P, P]
    for name in ("auroc_partial", "auroc_partial_f32"):
        f = getattr(lib, name)
        f.restype = ctypes.c_int
        f.argtypes = [P, P, P, ctypes.c_size_t, ctypes.c_int, ctypes.c_double, ctypes.c_double, P, P]
    for name in ("auroc_exact", "auroc_exact_f32"):
        f = getattr(lib, name)
        f.restype = ctypes.c_int
        f.argtypes = [P, P, P, ctypes.c_size_t, P]
    lib.diffauroc_kernels.restype = ctypes.c_char_p
    return lib


def make_data(n, dtype, seed=0):
    rng = np.random.default_rng(seed)
    labels = (rng.random(n) < 0.5).astype(np.float64)
    scores = 1 / (1 + np.exp(-(rng.standard_normal(n) + labels)))
    return scores.astype(dtype), labels.astype(dtype)


def c_functions(lib, scores, labels):
    """Closures calling the C exports on (scores, labels), pointers prepared once."""
    suffix = "" if scores.dtype == np.float64 else "_f32"
    curve = getattr(lib, "auroc_curve" + suffix)
    partial = getattr(lib, "auroc_partial" + suffix)
    exact = getattr(lib, "auroc_exact" + suffix)
    n = scores.size
    outputs = [np.empty(n + 1) for _ in range(3)]
    for out in outputs:
        out.fill(0)  # touched once here, so that the timed calls reuse the pages
    count = ctypes.c_size_t()
    area, standardized, value = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    s, y = scores.ctypes.data, labels.ctypes.data

    def run_curve():
        status = curve(s, y, None, n, 1, n + 1, outputs[0].ctypes.data, outputs[1].ctypes.data,
                       outputs[2].ctypes.data, ctypes.addressof(count))
        assert status == 0, status
        k = count.value
        return outputs[0][:k], outputs[1][:k], outputs[2][:k]

    def run_partial(lower, upper):
        def run():
            status = partial(s, y, None, n, 0, lower, upper, ctypes.addressof(area),
                             ctypes.addressof(standardized))
            assert status == 0, status
            return area.value
        return run

    def run_exact():
        status = exact(s, y, None, n, ctypes.addressof(value))
        assert status == 0, status
        return value.value

    return run_curve, run_partial(0.0, 0.1), run_partial(0.0, 1.0), run_exact


def median_times(functions, repeats):
    """Median time of each function over `repeats` interleaved rounds (one warm-up each)."""
    for f in functions.values():
        if f is not None:
            f()
    times = {k: [] for k, f in functions.items() if f is not None}
    for _ in range(repeats):
        for k in times:
            start = time.perf_counter()
            functions[k]()
            times[k].append(time.perf_counter() - start)
    return {k: (statistics.median(v) if k in times else None)
            for k, v in ((k, times.get(k)) for k in functions)}


def repeats_for(n, quick):
    base = {10_000: 60, 100_000: 25, 1_000_000: 11, 10_000_000: 5}[n]
    return max(3, base // 3) if quick else base


def fmt_time(t):
    if t is None:
        return "n/a"
    if t < 1e-3:
        return f"{t * 1e6:.0f} us"
    return f"{t * 1e3:.2f} ms" if t < 1 else f"{t:.2f} s"


def fmt_ratio(a, b):
    return "n/a" if a is None or b is None else f"{a / b:.2f}x"


def bitwise_equal(ours, theirs):
    return all(np.asarray(a, np.float64).tobytes() == np.asarray(b, np.float64).tobytes()
               for a, b in zip(ours, theirs))


def ovr_point(metrics, quick):
    from sklearn.metrics import roc_auc_score
    n, k = 1_000_000, 10
    rng = np.random.default_rng(1)
    y = rng.integers(0, k, n)
    logits = rng.standard_normal((n, k))
    logits[np.arange(n), y] += 1.5
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    ours = (lambda: metrics.roc_auc_score(y, p, multi_class="ovr")) if metrics else None
    sk = lambda: roc_auc_score(y, p, multi_class="ovr")  # noqa: E731
    if ours:
        a, b = ours(), sk()
        assert abs(a - b) <= 1e-12, (a, b)
    t = median_times({"ours": ours, "sklearn": sk}, 3 if quick else 5)
    return dict(n=n, classes=k, ours_s=t["ours"], sklearn_s=t["sklearn"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no n = 1e7")
    parser.add_argument("--json", default=str(ROOT / "bench" / "curve_results.json"))
    parser.add_argument("--plot", default=str(ROOT / "bench" / "curve.png"))
    parser.add_argument("--repeat-processes", type=int, default=0, metavar="K",
                        help="only n = 1e6: K separate processes (single runs vary 20-40%% on a"
                             " shared machine), each the median of interleaved repeats of sort,"
                             " curve C, exact C and sklearn; prints the median and the spread"
                             " (min-max) over the processes of each time and ratio")
    parser.add_argument("--one-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_process:
        one_process_point()
        return
    if args.repeat_processes:
        repeat_processes(args.repeat_processes)
        return

    from sklearn.metrics import roc_curve
    try:
        from diffauroc import metrics
    except ImportError:
        metrics = None
    lib = load_library()
    kernels = lib.diffauroc_kernels().decode()
    print(f"libdiffauroc {LIBRARY}, kernels: {kernels}; diffauroc.metrics: {metrics is not None}")
    yardstick.print_header()
    sizes = [10_000, 100_000, 1_000_000] + ([] if args.quick else [10_000_000])
    points = []
    for n in sizes:
        for dtype in (np.float64, np.float32):
            scores, labels = make_data(n, dtype)
            curve, partial_01, partial_full, exact = c_functions(lib, scores, labels)
            with_peers = n <= 1_000_000
            curve_py = None
            if metrics is not None and with_peers:
                curve_py = lambda: metrics.roc_curve(labels, scores)  # noqa: E731
            sk = (lambda: roc_curve(labels, scores)) if with_peers else None  # noqa: E731
            if with_peers:
                expected = sk()
                assert bitwise_equal(curve(), expected), "auroc_curve differs from sklearn"
                if curve_py is not None:
                    assert bitwise_equal(curve_py(), expected), "metrics.roc_curve differs"
            t = median_times({"sort": lambda: np.sort(scores), "curve_c": curve, "curve_py": curve_py,
                              "exact_c": exact, "partial_c": partial_01,
                              "partial_full_c": partial_full}, repeats_for(n, args.quick))
            t["sklearn"] = median_times({"sklearn": sk}, 3 if n >= 1_000_000 else 7)["sklearn"] \
                if sk else None
            point = dict(n=n, dtype=np.dtype(dtype).name, sort_s=t["sort"], curve_c_s=t["curve_c"],
                         curve_py_s=t["curve_py"], sklearn_s=t["sklearn"], exact_c_s=t["exact_c"],
                         partial_c_s=t["partial_c"], partial_full_c_s=t["partial_full_c"])
            points.append(point)
            print(f"n={n:>10,} {point['dtype']}: sort {fmt_time(t['sort'])}, curve {fmt_time(t['curve_c'])}"
                  f" ({fmt_ratio(t['curve_c'], t['sort'])} sort), metrics.roc_curve {fmt_time(t['curve_py'])},"
                  f" sklearn {fmt_time(t['sklearn'])}, exact {fmt_time(t['exact_c'])},"
                  f" partial [0,.1] {fmt_time(t['partial_c'])} ({fmt_ratio(t['partial_c'], t['exact_c'])} exact),"
                  f" [0,1] {fmt_time(t['partial_full_c'])} ({fmt_ratio(t['partial_full_c'], t['exact_c'])})",
                  flush=True)
    ovr = ovr_point(metrics, args.quick)
    print(f"ovr n=1,000,000 k=10: ours {fmt_time(ovr['ours_s'])}, sklearn {fmt_time(ovr['sklearn_s'])}"
          f" ({fmt_ratio(ovr['sklearn_s'], ovr['ours_s'])})")

    print()
    print("| n | dtype | numpy.sort | auroc_curve | curve / sort | metrics.roc_curve | sklearn roc_curve"
          " | sklearn / metrics | auroc_exact | partial FPR [0, 0.1] | partial / exact | partial [0, 1]"
          " | [0, 1] / exact |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for p in points:
        print(f"| {p['n']:,} | {p['dtype']} | {fmt_time(p['sort_s'])} | {fmt_time(p['curve_c_s'])}"
              f" | {fmt_ratio(p['curve_c_s'], p['sort_s'])} | {fmt_time(p['curve_py_s'])}"
              f" | {fmt_time(p['sklearn_s'])} | {fmt_ratio(p['sklearn_s'], p['curve_py_s'])}"
              f" | {fmt_time(p['exact_c_s'])} | {fmt_time(p['partial_c_s'])}"
              f" | {fmt_ratio(p['partial_c_s'], p['exact_c_s'])} | {fmt_time(p['partial_full_c_s'])}"
              f" | {fmt_ratio(p['partial_full_c_s'], p['exact_c_s'])} |")
    print()
    print("| roc_auc_score(multi_class='ovr'), n = 1,000,000, 10 classes | time |")
    print("|---|---:|")
    print(f"| diffauroc.metrics | {fmt_time(ovr['ours_s'])} |")
    print(f"| scikit-learn | {fmt_time(ovr['sklearn_s'])} ({fmt_ratio(ovr['sklearn_s'], ovr['ours_s'])}"
          " ours) |")

    record = dict(machine=dict(platform=platform.platform(), processor=platform.processor(),
                               cpus=os.cpu_count()),
                  yardstick=yardstick.describe(),
                  library=LIBRARY, kernels=kernels,
                  data="sigmoid(N(0,1) + label), half positives, unweighted; ovr: softmax(N(0,1) + 1.5 at the"
                       " true class), 10 classes",
                  timing="median of interleaved repeats", points=points, ovr=ovr)
    pathlib.Path(args.json).write_text(json.dumps(record, indent=2) + "\n")
    print(f"\npoints written to {args.json}")
    plot(points, ovr, args.plot)


def one_process_point():
    """--one-process: n = 1e6, both dtypes; prints one JSON line of medians (child of
    --repeat-processes)."""
    from sklearn.metrics import roc_curve
    lib = load_library()
    n = 1_000_000
    out = {}
    for dtype in (np.float64, np.float32):
        scores, labels = make_data(n, dtype)
        curve, _, _, exact = c_functions(lib, scores, labels)
        sk = lambda: roc_curve(labels, scores)  # noqa: E731
        assert bitwise_equal(curve(), sk()), "auroc_curve differs from sklearn"
        t = median_times({"sort": lambda: np.sort(scores), "curve_c": curve, "exact_c": exact}, 15)
        t["sklearn"] = median_times({"sklearn": sk}, 3)["sklearn"]
        out[np.dtype(dtype).name] = t
    print(json.dumps(out), flush=True)


def repeat_processes(k):
    """--repeat-processes K: the n = 1e6 point in K processes, median and spread."""
    import subprocess
    yardstick.print_header()
    runs = []
    for i in range(k):
        line = subprocess.run([sys.executable, __file__, "--one-process"], check=True,
                              capture_output=True, text=True).stdout.strip().splitlines()[-1]
        runs.append(json.loads(line))
        print(f"process {i + 1}/{k}: " + ", ".join(
            f"{d} curve/sort {r['curve_c'] / r['sort']:.2f}x" for d, r in runs[-1].items()), flush=True)
    print(f"\nn = 1,000,000, {k} processes (each the median of interleaved repeats): median [min - max]")
    print("| dtype | numpy.sort | auroc_curve | auroc_exact | sklearn roc_curve | curve / sort |"
          " sklearn / curve |")
    print("|---|---:|---:|---:|---:|---:|---:|")

    def cell(values, f):
        return f"{f(statistics.median(values))} [{f(min(values))} - {f(max(values))}]"
    ratio = lambda x: f"{x:.2f}x"  # noqa: E731
    for dtype in ("float64", "float32"):
        rs = [r[dtype] for r in runs]
        col = lambda key: [r[key] for r in rs]  # noqa: E731
        print(f"| {dtype} | {cell(col('sort'), fmt_time)} | {cell(col('curve_c'), fmt_time)}"
              f" | {cell(col('exact_c'), fmt_time)} | {cell(col('sklearn'), fmt_time)}"
              f" | {cell([r['curve_c'] / r['sort'] for r in rs], ratio)}"
              f" | {cell([r['sklearn'] / r['curve_c'] for r in rs], ratio)} |")


def plot(points, ovr, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    series = (("curve_c_s", "auroc_curve (C)", "C0", "-"),
              ("curve_py_s", "diffauroc.metrics.roc_curve", "C0", "--"),
              ("partial_c_s", "auroc_partial FPR [0, 0.1]", "C2", "-"),
              ("exact_c_s", "auroc_exact", "C4", "-."),
              ("sort_s", "numpy.sort", "k", ":"),
              ("sklearn_s", "sklearn roc_curve", "C1", "-"))
    for ax, dtype in zip(axes, ("float64", "float32")):
        for key, label, color, style in series:
            pts = [(p["n"], p[key]) for p in points if p["dtype"] == dtype and p[key] is not None]
            if pts:
                ax.plot([q[0] for q in pts], [q[1] for q in pts], style, color=color, marker="o",
                        label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("n (samples)")
        ax.set_title(f"{dtype} scores")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("time (s), median of interleaved runs")
    axes[0].legend(fontsize=7)
    title = "ROC curve and partial AUC against n (2-core machine)"
    if ovr.get("ours_s") and ovr.get("sklearn_s"):
        title += (f"; ovr AUROC, 10 classes, n = 1e6: {ovr['ours_s'] * 1e3:.0f} ms vs"
                  f" sklearn {ovr['sklearn_s']:.2f} s")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"plot written to {path}")


if __name__ == "__main__":
    main()
