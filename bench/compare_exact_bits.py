"""Bit-for-bit comparison of the exact AUROC of two builds of libdiffauroc (a change that
must keep the bits: the baseline against the candidate), on random inputs around the sizes
where the algorithm changes strategy.

    .venv/bin/python bench/compare_exact_bits.py OLD.so NEW.so [--seed 1] [--large]

Each case: n samples, float64 or float32, unweighted or weighted (weights with zeros,
integers, or U[0, 2)), scores continuous (probabilities), rounded (many ties), few
distinct values, logits (both signs) or lognormal (one sign, over binades: the exact
AUROC's value buckets, KeyRangeBuckets.swift);
both libraries' status and result bits must agree. Sizes: 1 to 40 (insertion sorts), near
2^16 (two threads), 2^18 (phase 1's prefix histogram), 2^18 / 2^19 / 2^20 (scratch
buffers reaching 4 MiB: 2 MiB-aligned huge pages), a few in between; with --large also
10^6 and 10^7. Prints the number of cases and exits 1 on the first difference.
"""
import argparse
import ctypes
import sys

import numpy as np


def load(path):
    lib = ctypes.CDLL(path)
    for name in ("auroc_exact", "auroc_exact_f32"):
        f = getattr(lib, name)
        f.restype = ctypes.c_int
        f.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                      ctypes.POINTER(ctypes.c_double)]
    return lib


def call(lib, scores, labels, weights):
    f = lib.auroc_exact if scores.dtype == np.float64 else lib.auroc_exact_f32
    out = ctypes.c_double(-1.0)
    status = f(scores.ctypes.data, labels.ctypes.data,
               None if weights is None else weights.ctypes.data, scores.size, ctypes.byref(out))
    return status, out.value.hex()


def sizes(large):
    out = list(range(1, 41)) + [63, 64, 65, 1000, 4097, 30_000]
    for center in (1 << 16, 1 << 18, 1 << 19, 1 << 20):
        out += [center - 1, center, center + 1, center + 4099]
    out += [262_144 + 131_072, 600_000, 1_100_000]
    if large:
        out += [1_000_000, 10_000_000]
    return out


def parse_arguments():
    """OLD NEW [--seed S] [--large]: also compare_soft_bits.py's."""
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--large", action="store_true")
    return parser.parse_args()


def weight_sets(rng, n):
    """The weightings of each case: none, U[0, 2) with a fifth of them 0, small integers
    (also compare_soft_bits.py's)."""
    return [None, np.where(rng.random(n) < 0.2, 0.0, rng.random(n) * 2),
            rng.integers(0, 4, n).astype(np.float64)]


def main():
    args = parse_arguments()
    old, new = load(args.old), load(args.new)
    rng = np.random.default_rng(args.seed)
    cases = 0
    for n in sizes(args.large):
        for kind in ("continuous", "rounded", "few", "logit", "lognormal"):
            labels = (rng.random(n) < rng.uniform(0.05, 0.95)).astype(np.float64)
            z = rng.standard_normal(n) + labels
            if kind == "continuous":
                scores = 1 / (1 + np.exp(-z))
            elif kind == "logit":
                scores = z
            elif kind == "lognormal":
                scores = np.exp(z)
            elif kind == "rounded":
                scores = np.round(z, 2)
            else:
                scores = np.floor(z * 2).clip(-3, 3) * 1e-3
            weightings = weight_sets(rng, n)
            for dtype in (np.float64, np.float32):
                s = scores.astype(dtype)
                y = labels.astype(dtype)
                for w in weightings:
                    wd = None if w is None else w.astype(dtype)
                    a = call(old, s, y, wd)
                    b = call(new, s, y, wd)
                    cases += 1
                    if a != b:
                        print(f"DIFFERENT n={n} {kind} {np.dtype(dtype).name} "
                              f"weights={'none' if w is None else 'yes'}: old {a} new {b}")
                        return 1
    print(f"{cases} cases, every status and result bit equal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
