#!/usr/bin/env python3
"""Writes the seed corpus Tests/fuzz/corpus/ for fuzz_diffauroc.c (deterministic).

The input format is the decoder's in fuzz_diffauroc.c (LLVMFuzzerTestOneInput and
decode_problem): op, flags, sel byte (mod 12: 0-3 soft, 4-5 exact, 6 batches, 7 all, 8-9 ROC curve and partial AUC,
10-11 the column functions and DeLong: see COLS below), n (one
byte, or two for medium and large n), then the problem:
grid, spread, shift, positive threshold, label shift, per sample (label byte, score kind
[, extra byte]) [, weight byte [, extra]], temperature byte, injections. Bytes past the
end of an input come from a PRNG seeded by the input, so short seeds make long problems.

    python3 Tests/fuzz/make_seeds.py      # rewrites Tests/fuzz/corpus/*
"""
import os
import shutil

SEL = {0: 0, 1: 4, 2: 6, 3: 7, 4: 8}  # selection -> its byte in the input (4: curve, partial)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")

seeds = {}


def add(name, data):
    seeds[name] = bytes(data)


# Regression seeds for the bugs of issue 11 that the fuzzer found before they were fixed.
# 1. soft value above 1 on the direct path: scores {1e6, 0 x 9}, labels {1, 0 x 9}, T = 1
#    (special score 4 is 1e6; grid step 0 is 1; temperature 0 is 1)
for sel in (0, 3):
    add(f"known-soft-above-one-sel{sel}",
        [0x00, 0x00, SEL[sel], 10, 0, 0, 1, 1, 0] + [0, 208, 4] + [1, 0] * 9 + [0])
# 3. order of checks: n = SIZE_MAX (size index 7) and a NULL out_value is -8, not -1;
#    fn 0 soft, 1 soft_grad, 2 exact, 3 exact_f32 (nulls bit 8: out NULL)
for fn in range(4):
    add(f"known-check-order-fn{fn}", [0x0F, 0x00, fn, 0x08, 7, 0, 0, 0])
# 5. XLA FFI handlers with a NULL frame / no API table
add("known-xla-null-frame", [0x0F, 0x00, 8, 0x00])
# F1 (fuzz-findings.md): batch functions with batch, n or stride above INT64_MAX
add("finding-f1-exact-batch-huge-batch", [0x0F, 0x00, 7, 0xFF, 0, 7, 0, 0])
add("finding-f1-soft-batch-huge-n", [0x0F, 0x00, 6, 0xFF, 7, 0, 0, 0])
add("finding-f1-soft-batch-huge-stride", [0x0F, 0x00, 6, 0x7F, 2, 1, 0, 1, 7])

# 2. weighted float32 vs float64 exact: medium n past the 1,024-sample blocks, weighted,
#    exact only (sel 1); the PRNG fills the samples. Both failed before the fix.
for v in (10, 11, 14):
    n = 1100 + 47 * v
    add(f"known-f32-weighted-n{n}", [0x30, 0x11, SEL[1], n >> 8, n & 255, 0, 0, 0, 128, 0, v])

# General seeds: every selection, weighted or not, bad values injected or not, FTZ/DAZ.
for sel in range(4):
    for flags in (0x00, 0x01, 0x02, 0x03, 0x08, 0x09, 0x84):
        add(f"general-sel{sel}-flags{flags:02x}", [0x00, flags, SEL[sel], 17 + 7 * sel, 0, 1, 0, 128, 1])
# ties only (grid step 0, score kind < 112), all of one class, n = 0, 1, 2
add("ties-only", [0x00, 0x00, SEL[3], 24, 0, 0, 1, 128, 0] + [0x10, 0x03, 0x90, 0x05] * 12 + [0])
add("one-class", [0x00, 0x00, SEL[3], 12, 0, 0, 1, 0, 0])
for n in range(3):
    add(f"tiny-n{n}", [0x00, 0x00, SEL[3], n, 0, 0, 1, 128, 0])
# extreme temperatures (indices 5: 1e-300, 6: 5e-324, 7: DBL_MAX) and special scores
for ti in (5, 6, 7):
    samples = []
    for i in range(30):  # alternating labels, special scores (kind 208..247, then index)
        samples += [0x20 if i % 2 else 0xA0, 208 + i % 40, (ti + i) % 30]
    add(f"temperature-{ti}", [0x00, 0x00, SEL[0], 30, 0, 2, 1, 128, 0] + samples + [ti])
# medium n (the fast soft path from 10,000 pairs): op & 0x30 == 0x30, flags & 16
add("medium-n300", [0x30, 0x10, SEL[0], 0x01, 0x2C, 0, 0, 0, 128, 1])
add("medium-n200-exact", [0x30, 0x10, SEL[1], 0x00, 0xC8, 0, 0, 0, 128, 1])
add("medium-n250-weighted", [0x30, 0x11, SEL[3], 0x00, 0xFA, 0, 0, 0, 128, 1])
# large n (two-thread paths): op 0x7E (n >= 20,000) / 0xFE (n >= 65,536), flags & 0x70
add("large-n20000", [0x7E, 0x70, 0, 0x00, 0x10, 0, 0, 1, 128, 1])
add("large-n65536", [0xFE, 0x70, 0, 0x00, 0x10, 0, 0, 1, 128, 1])
add("large-n65536-weighted", [0xFE, 0x71, 0, 0x00, 0x10, 0, 0, 1, 128, 1])
# call level: every function with n = 0 and NULL pointers
for fn in range(8):
    add(f"call-level-fn{fn}", [0x0F, 0x00, fn, 0xFF, 0, 1, 0, 0])
# ROC curve and partial AUC (sel 4): unweighted / weighted, bad values, FTZ/DAZ, ties,
# one class, n = 0..2, medium n; call level fn 9-12 (curve, curve_f32, partial,
# partial_f32) with n = 0 and NULL pointers, and n = SIZE_MAX
for flags in (0x00, 0x01, 0x02, 0x03, 0x08, 0x09):
    add(f"curve-flags{flags:02x}", [0x00, flags, SEL[4], 23, 0, 1, 0, 128, 1])
add("curve-ties", [0x00, 0x00, SEL[4], 24, 0, 0, 1, 128, 0] + [0x10, 0x03, 0x90, 0x05] * 12 + [0])
add("curve-ties-weighted", [0x00, 0x01, SEL[4], 24, 0, 0, 1, 128, 0] + [0x10, 0x03, 0x90, 0x90, 0x05, 0x91] * 12 + [0])
add("curve-one-class", [0x00, 0x00, SEL[4], 12, 0, 0, 1, 0, 0])
for n in range(3):
    add(f"curve-tiny-n{n}", [0x00, 0x00, SEL[4], n, 0, 0, 1, 128, 0])
add("curve-medium-n1500", [0x30, 0x10, SEL[4], 0x05, 0xDC, 0, 0, 0, 128, 1])
add("curve-medium-n700-weighted", [0x30, 0x11, SEL[4], 0x02, 0xBC, 3, 0, 0, 128, 1])
# C1 (a weighted cut segment losing ulps; the header states the bound since): weighted auroc_partial over TPR [0.999999, 1],
# standardized only; the area off by ~1e-18 (about 1e-11 relative, not "a few ulps")
add("finding-c1-weighted-partial-tpr-near-1", bytes.fromhex("10b911303030f4f3ffff0630ffffffffff740129"))
# C3 (the range ends' precision, now in the header's unweighted bound): a one-ulp TPR range
# straddling a vertex at TPR 3/5
add("finding-c3-partial-tpr-one-ulp-straddling-vertex", bytes.fromhex("6e70800b585848585801"))
# Stop 60: the soft counting path stepped a pair by the sign of x = (a - b) / T, which
# rounds to 0 for a - b = 5e-324 at T = 10 (the exact AUROC counts that pair 1): value
# 1.4e-4 off at n = 205
add("finding-soft-counting-subnormal-difference", bytes.fromhex("30108b8b8b8bc48b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b0aeb8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8f8b8b8b8b8bbc8b2d000000808b"))
for fn in range(9, 13):
    add(f"call-level-fn{fn}", [0x0F, 0x00, fn, 0xFF, 0, 1, 0, 0])
    add(f"call-level-fn{fn}-huge-n", [0x0F, 0x00, fn, 0x08, 7, 0, 0, 0])

# Column functions and DeLong (sel byte 10: fuzz_columns.inc). After op, flags, sel: the
# function byte fb (fn = (fb & 7) % 5: 0 auroc_exact_columns, 1 auroc_exact_ovr, 2 auroc_exact_ovo,
# 3 auroc_partial_columns, 4 auroc_delong; bit 3 the _f32 variant, bit 4 the guard page
# before the arrays, bit 5 out_status (delong: out_cov) NULL, bit 6 out_diff_var NULL, bit 7
# NULL arrays when n == 0), n, k, the scores' layout byte (mod 9: C order, Fortran, row
# gaps, column gaps, every other element, stride 0 rows, stride 0 columns, small overlapping,
# both gapped; bit 6 / 7 a huge unused stride when n / k is 1), then for columns and partial
# the labels' byte (odd: label_column_stride 0), then the PRNG fills the rest.
COLS = 10
COL_FN = ["columns", "ovr", "ovo", "partial", "delong"]
for fn in range(5):
    for f32 in (0, 1):
        for lay in range(9):
            fb = fn | (f32 << 3) | ((lay & 1) << 4)
            add(f"col-{COL_FN[fn]}{'-f32' if f32 else ''}-layout{lay}",
                [0x00, 0x00, COLS, fb, 17 + lay, 1 + lay % 6, lay, lay * 29 + 1])
        # weighted, bad values (weights, labels, classes, scores; in and between columns), FTZ/DAZ
        for flags in (0x01, 0x02, 0x03, 0x0A, 0x84):
            add(f"col-{COL_FN[fn]}{'-f32' if f32 else ''}-flags{flags:02x}",
                [0x00, flags, COLS, fn | (f32 << 3), 23, 4, 2 + fn, 0x02, 7])
        # n = 0..2, k = 0..2, every optional output NULL, NULL arrays with n == 0
        for n in range(3):
            for k in range(3):
                add(f"col-{COL_FN[fn]}{'-f32' if f32 else ''}-n{n}-k{k}",
                    [0x00, 0x00, COLS, fn | (f32 << 3) | 0xE0, n, k, 0xC0 | (n + k), 0x41])
        # huge strides where they are never used (n == 1, k == 1)
        add(f"col-{COL_FN[fn]}{'-f32' if f32 else ''}-unused-strides",
            [0x00, 0x00, COLS, fn | (f32 << 3), 1, 1, 0xC0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
    # medium n (up to 1,500), bad values too
    add(f"col-{COL_FN[fn]}-medium", [0x30, 0x10, COLS, fn, 0x04, 0xD2, 4, 0, 0x01])
    add(f"col-{COL_FN[fn]}-medium-weighted-bad", [0x30, 0x13, COLS, fn | 8, 0x02, 0x11, 3, 1, 0x00])
    if fn in (0, 1, 3):  # 48-55 columns of about 1,450 samples: the two-thread split
        rng = [0x00, 3, 9, 0x00, 2] if fn == 3 else []  # partial: FPR [0, 1], both outputs
        add(f"col-{COL_FN[fn]}-medium-threads", [0x30, 0x10, COLS, fn, 0x05, 0xDC, 0xF0, 0, 0x01] + rng)
        add(f"col-{COL_FN[fn]}-f32-medium-threads-weighted-fortran",
            [0x30, 0x11, COLS, fn | 8, 0x05, 0xDC, 0xF7, 1, 0x02] + ([0x01, 4, 6, 0x50, 2] if fn == 3 else []))
    # large n (two-thread paths: n k >= 65536; DeLong n >= 32768), replayed with
    # DIFFAUROC_FUZZ_LARGE=1
    add(f"col-{COL_FN[fn]}-large", [0x7E, 0x70, COLS, fn, 0x00, 0x10, 2, 0, 0x01])
    add(f"col-{COL_FN[fn]}-f32-large-weighted", [0x7E, 0x71, COLS, fn | 8, 0x00, 0x10, 2, 8, 0x00])
    for lay in (1, 3):  # Fortran order (read in place), Fortran with column gaps
        add(f"col-{COL_FN[fn]}-large-layout{lay}", [0x7E, 0x70, COLS, fn, 0x00, 0x10, 2, lay, 0x02])
# ovr / ovo with a dominant class (classes absent: NaN columns and pairs)
for fn in (1, 2):
    add(f"col-{COL_FN[fn]}-absent-classes", [0x00, 0x00, COLS, fn, 30, 5, 0, 0x07, 0x07, 0x07, 0x07, 0x07])
# partial columns: every range kind (bad axis, empty, reversed, one ulp, random), each output
for e, name in ((0, "whole"), (70, "random"), (100, "empty"), (108, "bad-end"), (116, "one-ulp"), (15, "no-output")):
    for axis in (0, 1, 0xF0):
        add(f"col-partial-range-{name}-axis{axis}", [0x00, 0x00, COLS, 3, 29, 3, 0, 1, axis, 3, 9, e, 1, 2])
# DeLong with one positive (W_NO_VARIANCE) and one class only (E_ONE_CLASS)
# (after the layout byte: grid, spread, shift, positive threshold, label shift, garbage,
# then one byte per label: below the threshold is a positive)
for thr, labels, name in ((1, [0] + [200] * 11, "one-positive"), (1, [0, 0] + [200] * 10, "two-positives"),
                          (255, [0] * 11 + [255], "one-negative"), (0, [0] * 12, "no-positive"),
                          (255, [0] * 12, "no-negative")):
    add(f"col-delong-{name}", [0x00, 0x00, COLS, 4, 12, 3, 0, 0, 1, 1, thr, 0, 0] + labels)
# call level: the column functions (fn 13-17) with sizes, strides and NULL pointers
for fn in range(13, 18):
    for f32 in (0, 1):
        add(f"call-level-fn{fn}{'-f32' if f32 else ''}", [0x0F, 0x00, fn, f32, 0xFF, 1, 3, 0, 0, 0, 0])
        add(f"call-level-fn{fn}{'-f32' if f32 else ''}-huge-k", [0x0F, 0x00, fn, f32, 0x00, 2, 7, 0, 0, 0, 0])
        add(f"call-level-fn{fn}{'-f32' if f32 else ''}-huge-stride", [0x0F, 0x00, fn, f32, 0x00, 3, 3, 15, 0, 0, 0])
        add(f"call-level-fn{fn}{'-f32' if f32 else ''}-k0", [0x0F, 0x00, fn, f32, 0xFF, 7, 0, 15, 15, 15, 15])

if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    for name, data in sorted(seeds.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"{len(seeds)} seeds in {OUT}")
