"""The soft AUROC temperature sweep (bench_soft.py --sweep) for several builds at once.

    .venv/bin/python bench/soft_sweep_ab.py OUT.json OLD/libdiffauroc.so NEW/libdiffauroc.so
    SWEEP_SIZES=10000,100000 .venv/bin/python bench/soft_sweep_ab.py ...   (only those n)

Value + gradient of the sweep's inputs (N(0, 1) + label, 30% positives, T / spread 1e-9 ...
1e7, n = 10^4 ... 10^7), every library loaded into the same process and called in turn
with numpy.sort of the same scores, for several rounds per n (7, 5, 5, 3; each time the
best of 5, 5, 3, 1 calls), the builds in reverse order every other round. A single sweep
moves by 20-40% a cell on a shared machine; interleaving the builds puts them in the same
machine state. Per cell: the median over
the rounds of ours / numpy.sort of that round, and [min ours / min sort].
"""
import json, os, sys, time
sys.path.insert(0, "bench")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np
import bench_soft
out = sys.argv[1]; libs = sys.argv[2:]
mods = []
for L in libs:
    bench_soft.LIBRARY = L
    mods.append(bench_soft.load_library())
ratios = [1e-9, 1e-7, 1e-5, 1e-3, 1e-1, 10, 1e3, 1e5, 1e7]
plan = {10_000: (7, 5), 100_000: (5, 5), 1_000_000: (5, 3), 10_000_000: (3, 1)}
if os.environ.get("SWEEP_SIZES"):
    sizes = [int(x) for x in os.environ["SWEEP_SIZES"].split(",")]
    unknown = [x for x in sizes if x not in plan]
    if unknown:
        sys.exit(f"SWEEP_SIZES: {unknown} not among the sweep's n {list(plan)}")
    plan = {x: plan[x] for x in sizes}
rows = []
for n, (rounds, reps) in plan.items():
    scores, labels = bench_soft.sweep_data(n)
    spread = float(np.std(scores))
    sorts = []; ours = {}
    for rnd in range(rounds):
        sorts.append(bench_soft.best_time(lambda: np.sort(scores), reps + 2))
        # Odd rounds take the libraries in reverse order, so that none always runs in the
        # same place of a round (each loaded library keeps its own helper thread).
        order = list(enumerate(mods))
        for k, lib in (order if rnd % 2 == 0 else order[::-1]):
            for r in ratios:
                ours.setdefault((k, r), []).append(bench_soft.best_time(lambda: bench_soft.ours(lib, scores, labels, r * spread), reps))
    for (k, r), v in ours.items():
        per = sorted(o / s for o, s in zip(v, sorts))
        rows.append({"n": n, "lib": libs[k], "t_over_spread": r, "median_ratio": per[len(per) // 2],
                     "min_ratio": min(v) / min(sorts), "ours_ms": [x * 1e3 for x in v], "sort_ms": [x * 1e3 for x in sorts]})
    print(f"n={n} done, load {os.getloadavg()[0]:.2f}", flush=True)
json.dump({"libraries": libs, "rows": rows, "load": os.getloadavg()}, open(out, "w"), indent=1)
for k, L in enumerate(libs):
    print(f"\n{L}: median over rounds of ours / sort [min ours / min sort]")
    print("| n \\ T/spread | " + " | ".join(f"{r:.0e}" for r in ratios) + " |")
    print("|---|" + "---:|" * len(ratios))
    for n in plan:
        cells = []
        for r in ratios:
            row = next(x for x in rows if x["n"] == n and x["lib"] == L and x["t_over_spread"] == r)
            cells.append(f"{row['median_ratio']:.2f}x [{row['min_ratio']:.2f}]")
        print(f"| 10^{len(str(n)) - 1} | " + " | ".join(cells) + " |")
