"""Benchmark: the JAX front end (diffauroc.jax) against the jitted reference, and its
per-call overhead.

    PYTHONPATH=python .venv/bin/python bench/bench_jax.py            # n = 1,000 and 16,000
    PYTHONPATH=python .venv/bin/python bench/bench_jax.py --sizes 1000 4000 --repeats 5

For each n (half positives, scores ~ N(0, 1) + label, float32, temperature 1.0 as the
reference's default) it times one jitted training step's loss part,

    jax.jit(jax.value_and_grad(f, argnums=(0, 2)))(scores, labels, temperature)

with f = diffauroc.jax.auroc_soft (ours, on each of its two routes into the library: the
XLA FFI handler, the default, and jax.pure_callback) and f = diffbio's DifferentiableAUROC
(the reference, loaded by file path, n x n matrix), all float32 and with the gradient with
respect to the scores and the temperature. Each time is the median of --repeats runs
(default 31; the reference gets a third as many above n = 4,000, where one call takes
seconds) after one warm-up (which compiles). It prints a markdown table with the ratios.

Per-call overhead: the same jitted step at n = 10, minus the library's own time at n = 10
(measured as one auroc_soft_grad_batch call over 100,000 rows of n = 10, divided by the
rows, so no Python or ctypes cost is in it). What is left is the cost of the route: jit
dispatch plus, on the FFI route, the handler's float32 <-> float64 copies; on the callback
route, the host callback, NumPy conversions and ctypes.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
os.environ.setdefault("DIFFAUROC_LIBRARY", str(ROOT / ".build" / "release" / "libdiffauroc.so"))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import diffauroc.jax as djax  # noqa: E402
from diffauroc import _lib as native  # noqa: E402


def load_reference():
    spec = importlib.util.find_spec("diffbio")
    if spec is None:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "losses" / "metric_losses.py"
    module_spec = importlib.util.spec_from_file_location("_diffbio_metric_losses", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def reference_step(reference):
    from flax import nnx

    def value(s, y, t):
        module = reference.DifferentiableAUROC(temperature=1.0)
        module.temperature = nnx.Param(t)
        return module(s, y)

    return jax.jit(jax.value_and_grad(value, argnums=(0, 2)))


def problem(n, seed=0):
    rng = np.random.default_rng(seed)
    labels = (np.arange(n) % 2).astype(np.float32)
    rng.shuffle(labels)
    scores = (rng.normal(size=n) + labels).astype(np.float32)
    return jnp.asarray(scores), jnp.asarray(labels), jnp.asarray(1.0, jnp.float32)


def ours_step(route):
    """The jitted step on `route`; traced (and compiled) here, while the route is set."""
    os.environ["DIFFAUROC_JAX_ROUTE"] = route
    step = jax.jit(jax.value_and_grad(djax.auroc_soft, argnums=(0, 2)))
    return step


def median_time(step, args, repeats):
    jax.block_until_ready(step(*args))  # warm-up: compile
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        jax.block_until_ready(step(*args))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def library_time_per_row(n, rows=100_000):
    """The library's own time for one row of n (float64, value + gradient + d/dT), from
    one auroc_soft_grad_batch call over `rows` rows: no Python or ctypes cost in it."""
    lib = djax._lib()
    rng = np.random.default_rng(1)
    scores = rng.normal(size=(rows, n))
    labels = np.ascontiguousarray(np.tile((np.arange(n) % 2).astype(np.float64), (rows, 1)))
    temperature = np.array([1.0])
    values, grads, dtemps = np.empty(rows), np.empty((rows, n)), np.empty(rows)
    p = lambda a: a.ctypes.data  # noqa: E731  (the prototypes take addresses)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        status = lib.auroc_soft_grad_batch(p(scores), p(labels), None, rows, n, p(temperature),
                                           0, p(values), p(grads), p(dtemps), None)
        best = min(best, time.perf_counter() - start)
        assert status == 0, status
    return best / rows


def fmt(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 16_000])
    parser.add_argument("--repeats", type=int, default=31)
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()

    routes = ["ffi", "callback"] if djax._ffi_available() is True else ["callback"]
    reference = None if args.no_reference else load_reference()
    ref_step = reference_step(reference) if reference is not None else None

    print(f"jax {jax.__version__}, backend {jax.default_backend()}, "
          f"{os.cpu_count()} CPUs, libdiffauroc kernels {native.kernels()}; "
          f"value + grad (scores, temperature), float32, jitted; "
          f"median of {args.repeats}\n")
    header = " | ".join(f"ours, {r}" for r in routes)
    print(f"| n | library alone | {header} | reference (diffbio, jit) | "
          + " | ".join(f"speed-up ({r})" for r in routes) + " |")
    print("|---:|" + "---:|" * (2 * len(routes) + 2))
    for n in args.sizes:
        data = problem(n)
        ours = [median_time(ours_step(r), data, args.repeats) for r in routes]
        alone = fmt(library_time_per_row(n, rows=max(4, 200_000 // n)))
        if ref_step is not None:
            repeats = args.repeats if n <= 4_000 else max(2, args.repeats // 3)
            ref = median_time(ref_step, data, repeats)
            ratios = " | ".join(f"{ref / t:.1f}x" for t in ours)
            print(f"| {n:,} | {alone} | " + " | ".join(fmt(t) for t in ours)
                  + f" | {fmt(ref)} | {ratios} |")
        else:
            print(f"| {n:,} | {alone} | " + " | ".join(fmt(t) for t in ours) + " | n/a |"
                  + " n/a |" * len(routes))
        sys.stdout.flush()

    small = problem(10)
    library = library_time_per_row(10)
    print("\nPer-call overhead, n = 10:\n")
    print("| route | jitted value+grad call | library's own time | overhead |")
    print("|---|---:|---:|---:|")
    for r in routes:
        call = median_time(ours_step(r), small, 3_000)
        print(f"| {r} | {fmt(call)} | {fmt(library)} | {fmt(call - library)} |")
    trivial = jax.jit(lambda x: x + 1)
    print(f"\n(for scale: a jitted x + 1 on 10 floats takes "
          f"{fmt(median_time(trivial, (small[0],), 3_000))} here)")


if __name__ == "__main__":
    main()
