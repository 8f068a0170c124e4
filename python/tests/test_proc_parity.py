"""The partial AUC (C exports auroc_partial and auroc_partial_f32) against pROC, the R
package that defines it for most of its users (Debian packages r-base-core r-cran-proc,
installed by scripts/setup.sh; Rscript must be on PATH: a missing R is a failure here, not
a skip).

Data: pROC's own aSAH data set (its s100b, wfns and ndka markers against outcome "Poor",
as pROC's documentation and tests use it) and random data with heavy ties, imbalance and
float32 scores. Ranges: false-positive-rate ranges (pROC partial.auc.focus =
"specificity" over 1 - range) and true-positive-rate ranges (focus = "sensitivity"), fixed
and random, raw and McClish-corrected. One Rscript run computes every pROC value.

What is compared, to 1e-12 absolute (areas are at most 1):
- the raw partial area and the corrected one (pROC with
  allow.invalid.partial.auc.correct = TRUE, which writes the formula's value below the
  diagonal, as the library does);
- the full AUC (pROC's auc() without a range) against auroc_exact;
- the undefined case: where the library returns DIFFAUROC_W_BELOW_DIAGONAL, pROC's
  default answer is NA; where pROC says NA and the library does not warn, the area is
  within 1e-12 of the diagonal's (pROC compares in floating point, the library with a
  stated rounding bound).
pROC's direction is fixed to "<" (higher scores mean positive, as the library); its
default "auto" would flip curves below the diagonal.
"""
from __future__ import annotations

import ctypes
import subprocess

import numpy as np
import pytest

import proc_support
from diffauroc import _lib

TOLERANCE = 1e-12
AXIS_FPR, AXIS_TPR = 0, 1  # DIFFAUROC_AXIS_FPR, DIFFAUROC_AXIS_TPR (include/diffauroc.h)

R_SCRIPT = r"""
suppressMessages(library(pROC))
args <- commandArgs(trailingOnly = TRUE)
data(aSAH)
write.csv(data.frame(s100b = aSAH$s100b, wfns = as.numeric(aSAH$wfns), ndka = aSAH$ndka,
                     y = as.numeric(aSAH$outcome == "Poor")), args[1], row.names = FALSE)
if (length(args) < 2) quit()
d <- read.csv(args[2]); r <- read.csv(args[3])
rocs <- lapply(sort(unique(d$case)), function(c) {
  dd <- d[d$case == c, ]
  roc(dd$y, dd$s, levels = c(0, 1), direction = "<", quiet = TRUE)
})
full <- sapply(rocs, function(ro) as.numeric(auc(ro)))
writeLines(sprintf("%.17g", full), args[4])
out <- t(sapply(seq_len(nrow(r)), function(k) {
  ro <- rocs[[r$case[k] + 1]]
  p <- c(r$lo[k], r$hi[k])
  raw <- auc(ro, partial.auc = p, partial.auc.focus = r$focus[k])
  cor <- auc(ro, partial.auc = p, partial.auc.focus = r$focus[k],
             partial.auc.correct = TRUE, allow.invalid.partial.auc.correct = TRUE)
  strict <- suppressWarnings(auc(ro, partial.auc = p, partial.auc.focus = r$focus[k],
                                 partial.auc.correct = TRUE))
  c(as.numeric(raw), as.numeric(cor), as.numeric(strict))
}))
writeLines(sprintf("%.17g %.17g %.17g", out[, 1], out[, 2], out[, 3]), args[5])
"""

_double_p = ctypes.POINTER(ctypes.c_double)
_float_p = ctypes.POINTER(ctypes.c_float)


def _ptr(array):
    return array.ctypes.data_as(_float_p if array.dtype == np.float32 else _double_p)


def c_partial(scores, labels, axis, lower, upper):
    function = _lib.lib.auroc_partial_f32 if scores.dtype == np.float32 else _lib.lib.auroc_partial
    area, standardized = ctypes.c_double(-7.0), ctypes.c_double(-7.0)
    status = function(_ptr(scores), _ptr(labels), None, scores.size, axis, lower, upper,
                      ctypes.byref(area), ctypes.byref(standardized))
    return status, area.value, standardized.value


def c_exact(scores, labels):
    function = _lib.lib.auroc_exact_f32 if scores.dtype == np.float32 else _lib.lib.auroc_exact
    value = ctypes.c_double(-7.0)
    status = function(_ptr(scores), _ptr(labels), None, scores.size, ctypes.byref(value))
    assert status == _lib.OK, _lib.strerror(status)
    return value.value


def _random_cases(rng, count):
    cases = []
    for index in range(count):
        n = int(rng.integers(2, 400))
        prevalence = float(rng.choice([0.03, 0.2, 0.5, 0.9]))
        labels = (rng.random(n) < prevalence).astype(np.float64)
        labels[:2] = [0.0, 1.0]
        labels = rng.permutation(labels)
        levels = int(rng.choice([2, 3, 8, 40, 100000]))
        # heavy ties, a shift by class (some curves below the diagonal), and negative scores
        shift = rng.integers(-2, 4)
        scores = (rng.integers(0, levels, n) + labels * shift) / 8.0 - 1.0
        dtype = np.float32 if index % 3 == 2 else np.float64
        cases.append((f"random{index}-{np.dtype(dtype).name}", scores.astype(dtype),
                      labels.astype(dtype)))
    return cases


FIXED_RANGES = [(0.0, 0.1), (0.0, 0.2), (0.1, 0.3), (0.8, 1.0), (0.0, 1.0), (0.9, 0.95)]


@pytest.fixture(scope="module")
def proc(tmp_path_factory):
    """Every case, every range, and pROC's answers for them (one Rscript run)."""
    rscript = proc_support.rscript()
    directory = tmp_path_factory.mktemp("proc")
    asah_csv, script = directory / "asah.csv", directory / "proc.R"
    script.write_text(R_SCRIPT)
    subprocess.run([rscript, str(script), str(asah_csv)], check=True, capture_output=True)
    outcome, markers = proc_support.read_asah(asah_csv)
    cases = [(f"aSAH {marker}", markers[marker], outcome) for marker in proc_support.ASAH_MARKERS]
    rng = np.random.default_rng(20261129)
    cases += _random_cases(rng, 90)

    ranges = []
    for case in range(len(cases)):
        for axis in (AXIS_FPR, AXIS_TPR):
            for lower, upper in FIXED_RANGES + [tuple(sorted(rng.random(2))) for _ in range(3)]:
                ranges.append((case, axis, float(lower), float(upper)))

    data_csv, ranges_csv = directory / "data.csv", directory / "ranges.csv"
    with open(data_csv, "w") as handle:
        handle.write("case,s,y\n")
        for case, (_, scores, labels) in enumerate(cases):
            for score, label in zip(scores, labels):
                handle.write(f"{case},{float(score)!r},{int(label)}\n")
    with open(ranges_csv, "w") as handle:
        handle.write("case,focus,lo,hi\n")
        for case, axis, lower, upper in ranges:
            if axis == AXIS_FPR:  # FPR [a, b] is specificity [1 - b, 1 - a]
                handle.write(f"{case},specificity,{1 - upper!r},{1 - lower!r}\n")
            else:
                handle.write(f"{case},sensitivity,{lower!r},{upper!r}\n")
    full_txt, partial_txt = directory / "full.txt", directory / "partial.txt"
    subprocess.run([rscript, str(script), str(asah_csv), str(data_csv),
                    str(ranges_csv), str(full_txt), str(partial_txt)], check=True,
                   capture_output=True)
    full = [row[0] for row in proc_support.parse_numbers(full_txt.read_text())]
    partial = [tuple(row) for row in proc_support.parse_numbers(partial_txt.read_text())]
    assert len(full) == len(cases) and len(partial) == len(ranges)
    return cases, ranges, full, partial


def _axis_name(axis):
    return "fpr" if axis == AXIS_FPR else "tpr"


def test_asah_is_pROC_data(proc):
    cases, _, full, _ = proc
    names = [name for name, _, _ in cases[:3]]
    assert names == ["aSAH s100b", "aSAH wfns", "aSAH ndka"]
    assert cases[0][1].size == 113 and int(cases[0][2].sum()) == 41  # 41 poor outcomes
    # pROC's documented AUC of s100b on aSAH is 0.7314 (its examples print it to 4 digits)
    assert abs(full[0] - 0.7314) < 5e-5


def test_full_auc_equals_pROC(proc, parity):
    cases, _, full, _ = proc
    for (name, scores, labels), want in zip(cases, full):
        got = c_exact(scores, labels)
        error = abs(got - want)
        parity.record("pROC auc() vs auroc_exact (abs)", error, name)
        assert error <= TOLERANCE, (name, got, want)


@pytest.mark.parametrize("axis", [AXIS_FPR, AXIS_TPR],
                         ids=["fpr", "tpr"])
def test_partial_auc_equals_pROC(proc, parity, axis):
    cases, ranges, _, partial = proc
    compared = below = 0
    for (case, range_axis, lower, upper), (raw, corrected, strict) in zip(ranges, partial):
        if range_axis != axis:
            continue
        name, scores, labels = cases[case]
        where = f"{name} {_axis_name(axis)} [{lower!r}, {upper!r}]"
        status, area, standardized = c_partial(scores, labels, axis, lower, upper)
        assert status in (_lib.OK, _lib.W_BELOW_DIAGONAL), (where, _lib.strerror(status))
        parity.record(f"pROC partial auc {_axis_name(axis)} raw (abs)", abs(area - raw), where)
        parity.record(f"pROC partial auc {_axis_name(axis)} corrected (abs)",
                      abs(standardized - corrected), where)
        assert abs(area - raw) <= TOLERANCE, (where, area, raw)
        assert abs(standardized - corrected) <= TOLERANCE, (where, standardized, corrected)
        # the undefined standardization: ours warns => pROC says NA; pROC NA and we do not
        # warn => the area is the diagonal's to rounding (the corrected value is 1/2)
        if status == _lib.W_BELOW_DIAGONAL:
            below += 1
            assert np.isnan(strict), (where, strict)
        elif np.isnan(strict):
            assert abs(standardized - 0.5) <= TOLERANCE, (where, standardized)
        else:
            assert abs(strict - standardized) <= TOLERANCE, (where, strict, standardized)
        compared += 1
    assert compared == len(cases) * (len(FIXED_RANGES) + 3)
    # the random data shift some curves below the diagonal: the NA rule is exercised
    assert below > 0
