"""Bit-for-bit comparison of the soft AUROC of two builds of libdiffauroc (a change that
must keep the bits: the baseline against the candidate), the counterpart of
compare_exact_bits.py for auroc_soft and auroc_soft_grad.

    .venv/bin/python bench/compare_soft_bits.py OLD.so NEW.so [--seed 1] [--large]
    DIFFAUROC_KERNELS=baseline .venv/bin/python bench/compare_soft_bits.py OLD.so NEW.so

Each case: n samples, 30% or a random share of positives, scores N(0, 1) + label
continuous, rounded to 1/50 (ties in every window and cell), or few distinct values;
unweighted, weights U[0, 2) with a fifth of them 0, or small integers; a temperature
T = r * sd(scores) for r from 1e-12 to 1e12 (every route of the soft path: the window and
series-window paths, the cells, the few-cells and one-cell paths). Both libraries' status,
value, gradient and d value / dT (auroc_soft_grad) and value (auroc_soft) must agree to
the bit. Sizes around the points where the soft path changes strategy: a few points,
5,000 and 20,000 (the two thresholds of the second thread), 10^5 and 2.5 x 10^5; with
--large also 10^6. Prints the number of cases and exits 1 on the first difference.
The CPU build is chosen when a library loads (DIFFAUROC_KERNELS, README "CPU dispatch"),
so the baseline build is compared by a second run with that variable set.
"""
import ctypes
import sys

import numpy as np

from compare_exact_bits import parse_arguments, weight_sets

P = ctypes.POINTER(ctypes.c_double)


def load(path):
    lib = ctypes.CDLL(path)
    lib.auroc_soft.restype = ctypes.c_int
    lib.auroc_soft.argtypes = [P, P, P, ctypes.c_size_t, ctypes.c_double, P]
    lib.auroc_soft_grad.restype = ctypes.c_int
    lib.auroc_soft_grad.argtypes = [P, P, P, ctypes.c_size_t, ctypes.c_double, P, P, P]
    return lib


def call(lib, scores, labels, weights, temperature):
    """(status, value bits) of auroc_soft and (status, value, d/dT, gradient bits) of
    auroc_soft_grad."""
    n = scores.size
    s, y = scores.ctypes.data_as(P), labels.ctypes.data_as(P)
    w = None if weights is None else weights.ctypes.data_as(P)
    value = ctypes.c_double(-1.0)
    status = lib.auroc_soft(s, y, w, n, temperature, ctypes.byref(value))
    plain = (status, value.value.hex())
    value, dt = ctypes.c_double(-1.0), ctypes.c_double(-1.0)
    gradient = np.full(n, -1.0)
    status = lib.auroc_soft_grad(s, y, w, n, temperature, ctypes.byref(value), gradient.ctypes.data_as(P),
                                 ctypes.byref(dt))
    return plain, (status, value.value.hex(), dt.value.hex(), gradient.tobytes())


def sizes(large):
    out = [2, 3, 17, 64, 1000, 4_999, 5_000, 19_999, 20_000, 100_000, 250_000]
    if large:
        out.append(1_000_000)
    return out


RATIOS = [1e-12, 1e-9, 1e-7, 1e-6, 3e-6, 1e-5, 3e-5, 1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0, 1e3, 1e5, 1e12]


def main():
    args = parse_arguments()
    old, new = load(args.old), load(args.new)
    rng = np.random.default_rng(args.seed)
    cases = 0
    for n in sizes(args.large):
        for kind in ("continuous", "rounded", "few"):
            share = 0.3 if kind == "continuous" else rng.uniform(0.05, 0.95)
            labels = (rng.random(n) < share).astype(np.float64)
            z = rng.standard_normal(n) + labels
            if kind == "continuous":
                scores = z
            elif kind == "rounded":
                scores = np.round(z * 50) / 50
            else:
                scores = np.floor(z * 2).clip(-3, 3)
            spread = float(scores.std()) or 1.0
            for w in weight_sets(rng, n):
                for r in RATIOS:
                    a = call(old, scores, labels, w, r * spread)
                    b = call(new, scores, labels, w, r * spread)
                    cases += 1
                    if a != b:
                        what = "auroc_soft" if a[0] != b[0] else "auroc_soft_grad"
                        print(f"DIFFERENT ({what}) n={n} {kind} weights={'none' if w is None else 'yes'} "
                              f"T/spread={r:g}: old {a[0]} / {a[1][:3]}, new {b[0]} / {b[1][:3]}")
                        return 1
    print(f"{cases} cases, every status, value, d/dT and gradient bit equal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
