"""The README's benchmark plot: soft and exact AUROC times against n, with their peers.

    .venv/bin/python bench/plot.py      # reads bench/soft_results.json, bench/exact_results.json

Both JSON files are written by bench/bench_soft.py and bench/bench_exact.py (one run each,
same machine); this script only draws them into bench/benchmarks.png.
"""
import json
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BENCH = pathlib.Path(__file__).resolve().parent


def series(points, key):
    pts = [(p["n"], p[key]) for p in points if p.get(key) is not None]
    return [n for n, _ in pts], [t for _, t in pts]


def main() -> None:
    soft = json.loads((BENCH / "soft_results.json").read_text())
    exact = [p for p in json.loads((BENCH / "exact_results.json").read_text())["points"]
             if p["dtype"] == "float64" and not p["weighted"]]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    for key, label, style in [("ours", "diffauroc", "o-"),
                              ("reference", "diffbio DifferentiableAUROC (jax.jit, f32)", "s-"),
                              ("numpy_pairwise", "NumPy pairwise (f64)", "^-"),
                              ("numpy_sort", "numpy.sort (same array)", "x--")]:
        left.plot(*series(soft, key), style, label=label)
    left.set_title("Soft AUROC: value + gradient")
    for key, label, style in [("ours_s", "diffauroc auroc_exact", "o-"),
                              ("sklearn_s", "sklearn roc_auc_score", "s-"),
                              ("calibrax_s", "calibrax roc_auc (jax.jit)", "^-"),
                              ("sort_s", "numpy.sort (same array)", "x--")]:
        right.plot(*series(exact, key), style, label=label)
    right.set_title("Exact AUROC (float64, unweighted)")
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("n (samples)")
        ax.set_ylabel("time (s)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    out = BENCH / "benchmarks.png"
    fig.savefig(out, dpi=110)
    print(f"plot written to {out}")


if __name__ == "__main__":
    main()
