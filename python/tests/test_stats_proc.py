"""diffauroc.stats against pROC 1.18 (R; Debian packages r-base-core r-cran-proc, installed
by scripts/setup.sh; Rscript must be on PATH: a missing R is a failure, not a skip).

pROC is the reference for DeLong's method in practice. Compared, with pROC's direction
fixed to "<" (higher scores mean positive, as the library):
- the AUC (``auc()``): pROC's trapezoid sum is within an ulp or two of the exact value,
  which the library returns correctly rounded (checked bit for bit in test_stats.py): to
  1e-15 absolute;
- DeLong's variance (``var()``), the DeLong interval (``ci.auc(method = "delong")``,
  whose code is qnorm(p, mean = auc, sd = sqrt(var)) clipped to [0, 1]) at 95% and 80%,
  the paired test (``roc.test(method = "delong", paired = TRUE)``: z, p-value, the
  difference's interval) and the unpaired test (``paired = FALSE``: D, its Welch-like df
  and the Student-t p-value) for the three alternatives, each to 1e-12 relative;
- fewer than 2 positives or negatives: pROC's NA against nan.
The paired test's denominator Var(AUC_a - AUC_b) = S_aa + S_bb - 2 S_ab cancels when the
two models are strongly correlated (a copy with one score changed): pROC forms it from
its float64 entries, so its own relative error grows with the condition number
cond = (S_aa + S_bb + 2 |S_ab|) / Var(AUC_a - AUC_b); the library computes it exactly.
There the tolerance is 1e-12 + 1e-15 cond (times 1 + z^2 for the p-value), and the
library's difference variance is checked against the exact rational (test_stats.py's
oracle) instead.
Data: pROC's aSAH (s100b, wfns, ndka against outcome "Poor"; the three pairs of markers)
and random data with heavy ties, imbalance and float32 scores. One Rscript run.

The bootstrap interval cannot be compared bit for bit (R's and NumPy's random streams
differ): test_bootstrap_close_to_pROC compares pROC's bootstrap ends with ours within the
Monte Carlo error of 2000 replicates.
"""
from __future__ import annotations

import csv
import math
import subprocess
import warnings

import numpy as np
import pytest

import proc_support
from diffauroc import stats
from test_stats import exact_cov

RELATIVE = 1e-12

R_SCRIPT = r"""
suppressMessages(library(pROC))
args <- commandArgs(trailingOnly = TRUE)
data(aSAH)
write.csv(data.frame(s100b = aSAH$s100b, wfns = as.numeric(aSAH$wfns), ndka = aSAH$ndka,
                     y = as.numeric(aSAH$outcome == "Poor")), args[1], row.names = FALSE)
if (length(args) < 2) quit()
d <- read.csv(args[2]); pairs <- read.csv(args[3])
mk <- function(c, col) {
  dd <- d[d$case == c, ]
  roc(dd$y, dd[[col]], levels = c(0, 1), direction = "<", quiet = TRUE)
}
f <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
one <- sapply(sort(unique(d$case)), function(c) {
  r <- mk(c, "a")
  v <- suppressWarnings(var(r))
  ci95 <- suppressWarnings(ci.auc(r, method = "delong"))
  ci80 <- suppressWarnings(ci.auc(r, conf.level = 0.8, method = "delong"))
  paste(f(c(as.numeric(auc(r)), v, ci95[1], ci95[3], ci80[1], ci80[3])), collapse = " ")
})
writeLines(one, args[4])
two <- sapply(seq_len(nrow(pairs)), function(k) {
  p <- pairs[k, ]
  alt <- as.character(p$alternative)
  if (p$paired == 1) {
    r1 <- mk(p$c1, "a"); r2 <- mk(p$c1, "b")
    # (pROC stops with an error where the variance is NA: one positive or negative.)
    t <- tryCatch(suppressWarnings(roc.test(r1, r2, method = "delong", paired = TRUE,
                                            alternative = alt)), error = function(e) NULL)
    if (is.null(t)) return("NA NA NA NA NA")
    paste(f(c(t$statistic, t$p.value, t$conf.int[1], t$conf.int[2], NA)), collapse = " ")
  } else {
    r1 <- mk(p$c1, "a"); r2 <- mk(p$c2, "a")
    t <- suppressWarnings(roc.test(r1, r2, method = "delong", paired = FALSE, alternative = alt))
    paste(f(c(t$statistic, t$p.value, NA, NA, t$parameter)), collapse = " ")
  }
})
writeLines(two, args[5])
"""


def _random_cases(rng, count):
    cases = []
    for index in range(count):
        n = int(rng.integers(3, 500))
        prevalence = float(rng.choice([0.03, 0.2, 0.5, 0.9]))
        labels = (rng.random(n) < prevalence).astype(np.float64)
        labels[:2] = [0.0, 1.0]
        labels = rng.permutation(labels)
        if index % 17 == 5:  # a single positive: DeLong's variance undefined (pROC's NA)
            labels[:] = 0.0
            labels[int(rng.integers(0, n))] = 1.0
        levels = int(rng.choice([2, 3, 8, 40, 100000]))
        shift = int(rng.integers(-1, 4))
        a = (rng.integers(0, levels, n) + labels * shift) / 8.0 - 1.0
        # b: correlated with a, sometimes a copy (z = 0 / 0) or a copy with one change
        kind = index % 5
        if kind == 0:
            b = a.copy()
        elif kind == 1:
            b = a.copy()
            b[int(rng.integers(0, n))] += 0.125
        else:
            b = np.round(0.6 * a + rng.normal(size=n) * rng.choice([0.1, 1.0]) * (levels > 3), 2)
        dtype = np.float32 if index % 3 == 2 else np.float64
        cases.append((f"random{index}-{np.dtype(dtype).name}", labels.astype(dtype),
                      a.astype(dtype), b.astype(dtype)))
    return cases


@pytest.fixture(scope="module")
def proc(tmp_path_factory):
    rscript = proc_support.rscript()
    directory = tmp_path_factory.mktemp("stats_proc")
    asah_csv, script = directory / "asah.csv", directory / "stats.R"
    script.write_text(R_SCRIPT)
    subprocess.run([rscript, str(script), str(asah_csv)], check=True, capture_output=True)
    y, markers = proc_support.read_asah(asah_csv)
    cases = [(f"aSAH {m1} vs {m2}", y, markers[m1], markers[m2])
             for m1, m2 in (("s100b", "wfns"), ("s100b", "ndka"), ("wfns", "ndka"))]
    cases += _random_cases(np.random.default_rng(20261130), 120)
    tests = []  # (paired, c1, c2, alternative)
    for c in range(len(cases)):
        for alternative in ("two.sided", "less", "greater"):
            tests.append((1, c, c, alternative))
    for c in range(0, len(cases) - 1):
        tests.append((0, c, c + 1, ("two.sided", "less", "greater")[c % 3]))
    data_csv, pairs_csv = directory / "data.csv", directory / "pairs.csv"
    with open(data_csv, "w") as handle:
        handle.write("case,y,a,b\n")
        for c, (_, labels, a, b) in enumerate(cases):
            for row in zip(labels, a, b):
                handle.write(f"{c},{int(row[0])},{float(row[1])!r},{float(row[2])!r}\n")
    with open(pairs_csv, "w") as handle:
        handle.write("paired,c1,c2,alternative\n")
        for paired, c1, c2, alternative in tests:
            handle.write(f"{paired},{c1},{c2},{alternative}\n")
    one_txt, two_txt = directory / "one.txt", directory / "two.txt"
    subprocess.run([rscript, str(script), str(asah_csv), str(data_csv), str(pairs_csv),
                    str(one_txt), str(two_txt)], check=True, capture_output=True)
    one = proc_support.parse_numbers(one_txt.read_text())
    two = proc_support.parse_numbers(two_txt.read_text())
    assert len(one) == len(cases) and len(two) == len(tests)
    return cases, tests, one, two


def _close(got, want, key, where, parity, tolerance=RELATIVE):
    """got == want to ``tolerance`` relative (both nan counts as equal: pROC's NA)."""
    if math.isnan(want):
        assert math.isnan(got), (where, key, got, want)
        return
    error = abs(got - want) / abs(want) if want != 0 else abs(got)
    parity.record(f"pROC {key} (rel)", error, where)
    assert error <= tolerance, (where, key, got, want, tolerance)


def test_asah_is_pROC_data(proc):
    cases, _, one, _ = proc
    assert cases[0][0] == "aSAH s100b vs wfns" and cases[0][1].size == 113
    assert abs(one[0][0] - 0.7314) < 5e-5  # pROC's documented AUC of s100b on aSAH


def test_auc_var_ci_equal_pROC(proc, parity):
    cases, _, one, _ = proc
    undefined = 0
    for (name, y, a, _), (auc, var, lo95, hi95, lo80, hi80) in zip(cases, one):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # checked below
            aucs, _ = stats.auroc_cov(y, a)
        parity.record("pROC auc() vs auroc_cov (abs)", abs(aucs[0] - auc), name)
        assert abs(aucs[0] - auc) <= 1e-15, (name, aucs[0], auc)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            v = stats.auroc_var(y, a)
            ci95 = stats.auroc_ci(y, a)
            ci80 = stats.auroc_ci(y, a, confidence=0.8)
        if math.isnan(var):
            undefined += 1
            assert any("variance is undefined" in str(w.message) for w in caught), name
        _close(v, var, "var()", name, parity)
        _close(ci95.lower, lo95, "ci.auc delong 95% lower", name, parity)
        _close(ci95.upper, hi95, "ci.auc delong 95% upper", name, parity)
        _close(ci80.lower, lo80, "ci.auc delong 80% lower", name, parity)
        _close(ci80.upper, hi80, "ci.auc delong 80% upper", name, parity)
    assert undefined >= 3  # the single-positive cases were exercised


def test_roc_test_equals_pROC(proc, parity):
    cases, tests, _, two = proc
    alternatives = {"two.sided": "two-sided", "less": "less", "greater": "greater"}
    compared = widened = 0
    for (paired, c1, c2, alternative), (statistic, pvalue, lo, hi, df) in zip(tests, two):
        name = f"{cases[c1][0]} {'paired' if paired else 'vs ' + cases[c2][0]} {alternative}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if paired:
                _, y, a, b = cases[c1]
                result = stats.auroc_test(y, a, b, alternative=alternatives[alternative])
            else:
                result = stats.auroc_test(cases[c1][1], cases[c1][2], cases[c2][2], paired=False,
                                          y_true_b=cases[c2][1], alternative=alternative)
        kind = "paired" if paired else "unpaired"
        small = any(min(int((labels == 1).sum()), int((labels == 0).sum())) < 2
                    for labels in {c1: cases[c1][1], c2: cases[c2][1]}.values())
        if small:
            # DeLong's variance is undefined: nan here. pROC's p-value and df are NaN too
            # (its statistic is NA or a meaningless number from 0 / 0 arithmetic).
            assert math.isnan(result.statistic) and math.isnan(result.pvalue), name
            assert math.isnan(pvalue), name
            compared += 1
            continue
        tolerance = p_tolerance = RELATIVE
        cond = 0.0
        if paired and result.variance > 0:
            _, cov = stats.auroc_cov(y, np.column_stack((a, b)))
            cond = (cov[0, 0] + cov[1, 1] + 2 * abs(cov[0, 1])) / result.variance
            tolerance = RELATIVE + 1e-15 * cond
            p_tolerance = tolerance * (1 + result.statistic ** 2)
            if cond > 1000:  # pROC's cancellation: check the library against the exact value
                _, exact = exact_cov(y, [a, b])
                assert result.variance == float(exact[0][0] + exact[1][1] - 2 * exact[0][1])
                widened += 1
        if paired and cond > 1000:
            kind = "paired, cancelling (cond > 1000)"
        _close(result.statistic, statistic, f"roc.test {kind} statistic", name, parity, tolerance)
        _close(result.pvalue, pvalue, f"roc.test {kind} p-value", name, parity, p_tolerance)
        if paired:
            _close(result.difference_ci[0], lo, f"roc.test {kind} conf.int lower", name, parity,
                   tolerance)
            _close(result.difference_ci[1], hi, f"roc.test {kind} conf.int upper", name, parity,
                   tolerance)
        else:
            _close(result.df, df, "roc.test unpaired df", name, parity)
        compared += 1
    assert compared == len(tests)
    assert widened < compared // 5  # the widened tolerance is the exception


def test_bootstrap_close_to_pROC(tmp_path):
    """pROC's stratified bootstrap interval (2000 replicates) and ours on aSAH s100b agree
    within Monte Carlo error (the ends' standard error is about 0.005 here: 0.02 allowed)."""
    rscript = proc_support.rscript()
    script = tmp_path / "boot.R"
    script.write_text(r"""
suppressMessages(library(pROC)); data(aSAH); set.seed(1)
r <- roc(aSAH$outcome, aSAH$s100b, levels = c("Good", "Poor"), direction = "<", quiet = TRUE)
ci <- ci.auc(r, method = "bootstrap", boot.n = 2000, boot.stratified = TRUE, progress = "none")
cat(sprintf("%.17g", c(ci[1], ci[2], ci[3])), "\n")
write.csv(data.frame(s = aSAH$s100b, y = as.numeric(aSAH$outcome == "Poor")), commandArgs(TRUE)[1],
          row.names = FALSE)
""")
    data = tmp_path / "d.csv"
    out = subprocess.run([rscript, str(script), str(data)], check=True, capture_output=True,
                         text=True).stdout.split()
    lower, median, upper = map(float, out)
    with open(data) as handle:
        rows = list(csv.DictReader(handle))
    s = np.array([float(r["s"]) for r in rows])
    y = np.array([float(r["y"]) for r in rows])
    ours = stats.auroc_ci(y, s, method="bootstrap", seed=1)
    assert abs(ours.lower - lower) < 0.02 and abs(ours.upper - upper) < 0.02
    assert abs(ours.median - median) < 0.01
    assert ours.lower < ours.auroc < ours.upper
