"""Benchmark: a Hessian-vector product of the soft AUROC against a value-and-gradient call.

    .venv/bin/python bench/bench_hvp.py              # n = 1e6, T / spread = 1, 0.01, 1e-4
    .venv/bin/python bench/bench_hvp.py --n 100000   # another size
    .venv/bin/python bench/bench_hvp.py --jax        # also through diffauroc.jax (jit)

Data as bench/bench_soft.py: half positives, scores ~ N(0, 1) + label. For each
temperature it times, in one process on the same data, the best of --repeat runs (after a
warm-up) of

  value+grad  auroc_soft_grad (value, gradient of every score, d/dT)
  hvp         auroc_soft_hvp  (H v in (scores, temperature), v ~ N(0, 1), v_T = 0.3)

and prints the ratio hvp / value+grad (issue 15's target: at most 3 at n = 10^6, in wall
time), also in process CPU time (both functions run on two threads above 20,000 samples;
CPU time sums them and varies less with the machine's load). With
--jax, also jax.jit of jax.value_and_grad and of jax.jvp(jax.grad(f)) (the HVP as a JAX
user writes it) through diffauroc.jax. The load average is printed: quote only quiet runs.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import time

import numpy as np

from diffauroc import _lib

D = ctypes.POINTER(ctypes.c_double)


def best(fn, repeat):
    """The best wall time of `repeat` runs after a warm-up, and the best process CPU time
    (both threads of the library; steadier than wall time on a loaded machine)."""
    fn()
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(times), min(cpu)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--temps", type=float, nargs="*", default=[1.0, 0.01, 1e-4])
    parser.add_argument("--jax", action="store_true")
    args = parser.parse_args()
    n = args.n
    rng = np.random.default_rng(0)
    y = (rng.random(n) < 0.5).astype(np.float64)
    s = rng.normal(size=n) + y
    v = rng.normal(size=n)
    grad = np.empty(n)
    hv = np.empty(n)
    value, dt = ctypes.c_double(), ctypes.c_double()
    lib = _lib.lib
    p = lambda a: a.ctypes.data_as(D)  # noqa: E731
    print(f"load average {os.getloadavg()[0]:.2f}; kernels {_lib.kernels()}; n = {n}")
    print("| T / spread | value+grad (ms) | hvp (ms) | hvp / value+grad | CPU: value+grad | CPU: hvp | CPU ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    spread = s.std()
    for ratio in args.temps:
        t = ratio * spread

        def value_and_grad():
            assert lib.auroc_soft_grad(p(s), p(y), None, n, t, ctypes.byref(value), p(grad),
                                       ctypes.byref(dt)) == 0

        def hvp():
            assert lib.auroc_soft_hvp(p(s), p(y), None, n, t, p(v), 0.3, p(hv),
                                      ctypes.byref(dt)) == 0

        (a, ac), (b, bc) = best(value_and_grad, args.repeat), best(hvp, args.repeat)
        print(f"| {ratio:g} | {a * 1e3:.1f} | {b * 1e3:.1f} | {b / a:.2f} "
              f"| {ac * 1e3:.1f} | {bc * 1e3:.1f} | {bc / ac:.2f} |")
    if args.jax:
        import jax
        import jax.numpy as jnp

        import diffauroc.jax as djax

        sj, yj, vj = jnp.asarray(s, jnp.float32), jnp.asarray(y, jnp.float32), jnp.asarray(v, jnp.float32)
        f = lambda s: djax.auroc_soft(s, yj, 1.0)  # noqa: E731
        vg = jax.jit(jax.value_and_grad(f))
        hvp_j = jax.jit(lambda s, v: jax.jvp(jax.grad(f), (s,), (v,))[1])
        a = best(lambda: jax.block_until_ready(vg(sj)), args.repeat)[0]
        b = best(lambda: jax.block_until_ready(hvp_j(sj, vj)), args.repeat)[0]
        print(f"jax ({djax.route()} route, float32, T = 1): value_and_grad {a * 1e3:.1f} ms, "
              f"jvp of grad {b * 1e3:.1f} ms, ratio {b / a:.2f}")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
