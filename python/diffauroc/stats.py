"""How sure is an AUROC: DeLong's variance, confidence intervals and model comparison,
as pROC (R) computes them, at the speed of a sort.

    auroc_cov(y_true, y_score)                     -> (aurocs (k,), covariance (k, k))
    auroc_var(y_true, y_score)                     -> float, pROC's var(roc)
    auroc_ci(y_true, y_score, confidence=0.95, method="delong")
                                                   -> AUROCInterval(lower, auroc, upper)
    auroc_test(y_true, score_a, score_b, paired=True)
                                                   -> AUROCTest(statistic, pvalue, ...)

Argument order as scikit-learn's metrics (``y_true, y_score``); labels 0/1 (or bool), 1
positive, higher scores meaning positive (pROC's ``direction = "<"``). Unweighted.

DeLong's method (DeLong, DeLong and Clarke-Pearson 1988; pROC's ``var``, ``ci.auc``,
``roc.test(method = "delong")``): each positive's structural component V10 is the share
of negatives it outscores (ties 1/2), each negative's V01 the share of positives that
outscore it; the AUROC is their mean, and its variance var(V10) / P + var(V01) / N (sample
variances; covariances for two models on the same samples). The library computes them
with one radix sort per score vector (the midrank idea of Sun and Xu, 2014), and every
AUROC, variance and covariance it returns is the correctly rounded double of its exact
rational value (``include/diffauroc.h``, ``auroc_delong``); the intervals, statistics and
p-values here are then computed from those in float64, as pROC computes them.

Undefined cases: no positive or no negative sample is a ValueError (pROC stops too);
fewer than 2 positives or 2 negatives leaves DeLong's variance undefined: nan (pROC's NA)
with a RuntimeWarning.

Normal quantiles use Wichura's AS 241 (R's ``qnorm``), normal tails ``math.erfc``; the
unpaired test's Student t tail (a fractional df, as pROC) needs SciPy, imported only then.
"""
from __future__ import annotations

import math
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple, Optional

import numpy as np

from . import _lib
from ._numpy import _as_vector, _show, _to_library

__all__ = ["AUROCInterval", "AUROCTest", "auroc_ci", "auroc_cov", "auroc_test", "auroc_var"]

ArrayLike = Any


class AUROCInterval(NamedTuple):
    """A confidence interval of an AUROC (pROC's ``ci.auc``: lower, auc, upper). For
    ``method="bootstrap"``, ``auroc`` is the AUROC of the data (pROC prints the bootstrap
    median in that slot; ``median`` has it)."""

    lower: float
    auroc: float
    upper: float
    confidence: float
    method: str
    median: Optional[float] = None


class AUROCTest(NamedTuple):
    """DeLong's test of AUROC_a == AUROC_b (pROC's ``roc.test(method = "delong")``).

    ``statistic``: z (paired) or D (unpaired); ``df``: the unpaired test's degrees of
    freedom (None when paired); ``difference_ci``: the paired test's normal interval of
    AUROC_a - AUROC_b (pROC's ``conf.int``; None when unpaired); ``variance``: the
    variance of the difference."""

    statistic: float
    pvalue: float
    auroc_a: float
    auroc_b: float
    variance: float
    df: Optional[float]
    difference_ci: Optional[tuple]
    paired: bool
    alternative: str


# ---- inputs -----------------------------------------------------------------------------

def _labels(function: str, y_true: ArrayLike) -> np.ndarray:
    return _as_vector(function, "y_true", y_true)


def _score_matrix(function: str, name: str, y_score: ArrayLike, n: int):
    """``y_score`` ((n,) or (n, k)) as an (n, k) array the library can read in place (float64,
    or float32 with ``labels32``), with its given form for messages."""
    if isinstance(y_score, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(y_score)
        if mask.any():
            index = tuple(int(i) for i in np.argwhere(mask)[0])
            raise ValueError(f"{function}: {name}{list(index)} is masked; masked entries "
                             f"are not dropped silently")
        y_score = y_score.data
    given = np.asarray(y_score)
    if given.ndim == 1:
        vector = _as_vector(function, name, y_score)
        matrix = vector.reshape(-1, 1)
    elif given.ndim == 2:
        if given.dtype.kind not in "biuf":
            raise TypeError(f"{function}: {name} must hold real numbers or bools; got dtype "
                            f"{given.dtype}")
        matrix = given
    else:
        raise ValueError(f"{function}: {name} must be 1-D or 2-D (n, k); got shape {given.shape}")
    if matrix.shape[0] != n:
        raise ValueError(f"{function}: {name} must have as many rows as y_true has labels; "
                         f"got {matrix.shape[0]} and {n}")
    return given, matrix


def _library_layout(array: np.ndarray):
    """(array, sample_stride, column_stride) in elements for an (n, k) array whose strides
    are non-negative multiples of its item size; else a C-ordered copy's."""
    item = array.itemsize
    s0, s1 = array.strides
    if s0 < 0 or s1 < 0 or s0 % item or s1 % item:
        array = np.ascontiguousarray(array)
        s0, s1 = array.strides
    return array, s0 // item, s1 // item


_F32_LABEL_KINDS = ("b", "u", "i")


def _prepare(function: str, name: str, y_true: ArrayLike, y_score: ArrayLike):
    """Labels and scores for auroc_delong(_f32): (entry, scores, ss, cs, labels, given)."""
    y = _labels(function, y_true)
    given, matrix = _score_matrix(function, name, y_score, y.shape[0])
    small_label = (y.dtype == np.float32 or y.dtype == np.float16
                   or (y.dtype.kind in _F32_LABEL_KINDS and y.dtype.itemsize <= 2))
    if matrix.dtype == np.float32 and small_label:
        scores, ss, cs = _library_layout(matrix)
        labels = np.ascontiguousarray(y, dtype=np.float32)
        return _lib.lib.auroc_delong_f32, np.float32, scores, ss, cs, labels, given, y
    if matrix.dtype == np.float64:
        scores, ss, cs = _library_layout(matrix)
    else:
        # Exact conversion, or order keys where float64 cannot hold the values (DeLong
        # depends only on each column's order and ties).
        scores = np.empty(matrix.shape, dtype=np.float64, order="F")
        for a in range(matrix.shape[1]):
            scores[:, a] = _to_library(function, name, np.ascontiguousarray(matrix[:, a]),
                                       np.dtype(np.float64), True, scores=True)
        ss, cs = 1, max(matrix.shape[0], 1)
    labels = _to_library(function, "y_true", y, np.dtype(np.float64), True, scores=False)
    return _lib.lib.auroc_delong, np.float64, scores, ss, cs, labels, given, y


def _bad_element(status: int, name: str, given: np.ndarray, y: np.ndarray) -> str:
    """The element a sample status is about, found in the given arrays (sample order: the
    scores of sample i, then its label), as the library checks them."""
    scores = given.reshape(given.shape[0], -1)
    with np.errstate(invalid="ignore"):
        bad_score = ~np.isfinite(scores.astype(np.float64, copy=False)) \
            if scores.dtype.kind == "f" else np.zeros(scores.shape, dtype=bool)
        bad_label = ~((y == 0) | (y == 1))
    rows = np.flatnonzero(bad_score.any(axis=1) | bad_label)
    if rows.size == 0:
        return ""
    i = int(rows[0])
    if bad_score[i].any():
        a = int(np.flatnonzero(bad_score[i])[0])
        where = f"[{i}, {a}]" if given.ndim == 2 else f"[{i}]"
        return f"{name}{where} = {_show(scores[i, a])}"
    return f"y_true[{i}] = {_show(y[i])}"


def _delong(function: str, name: str, y_true: ArrayLike, y_score: ArrayLike,
            stacklevel: int = 3):
    """(aurocs, covariance, difference variances) from auroc_delong."""
    entry, dtype, scores, ss, cs, labels, given, y = _prepare(function, name, y_true, y_score)
    n, k = scores.shape
    aucs = np.empty(k)
    cov = np.empty((k, k))
    diff = np.empty((k, k))
    pointer = _lib._float_p if dtype == np.float32 else _lib._double_p
    status = entry(scores.ctypes.data_as(pointer), n, k, ss, cs, labels.ctypes.data_as(pointer),
                   aucs.ctypes.data_as(_lib._double_p), cov.ctypes.data_as(_lib._double_p),
                   diff.ctypes.data_as(_lib._double_p))
    if status != _lib.OK:
        message = f"{function}: {_lib.strerror(status)}"
        if status in (_lib.E_NONFINITE_SCORE, _lib.E_BAD_LABEL):
            element = _bad_element(status, name, given, y)
            if element:
                message = f"{message}: {element}"
        if status == _lib.E_NO_MEMORY:
            raise MemoryError(message)
        if status < 0:
            raise ValueError(message)
        warnings.warn(message, RuntimeWarning, stacklevel=stacklevel)
    return aucs, cov, diff


# ---- the normal and Student t distributions -----------------------------------------------

def _qnorm(p: float) -> float:
    """The standard normal quantile by Wichura's AS 241 (PPND16, about 1e-16 relative),
    the algorithm of R's qnorm, written as R writes it (so the same rounding steps)."""
    if not 0 < p < 1:
        if p == 0:
            return -math.inf
        if p == 1:
            return math.inf
        return math.nan
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        return q * (((((((r * 2509.0809287301226727 +
                          33430.575583588128105) * r + 67265.770927008700853) * r +
                        45921.953931549871457) * r + 13731.693765509461125) * r +
                      1971.5909503065514427) * r + 133.14166789178437745) * r +
                    3.387132872796366608) / (((((((r * 5226.495278852545925 +
                                                  28729.085735721942674) * r + 39307.89580009271061) * r +
                                                21213.794301586595867) * r + 5394.1960214247511077) * r +
                                              687.1870074920579083) * r + 42.313330701600911252) * r + 1.)
    r = p if q < 0 else 1 - p
    r = math.sqrt(-math.log(r))
    if r <= 5:
        r -= 1.6
        val = (((((((r * 7.7454501427834140764e-4 +
                     .0227238449892691845833) * r + .24178072517745061177) *
                   r + 1.27045825245236838258) * r +
                  3.64784832476320460504) * r + 5.7694972214606914055) *
                r + 4.6303378461565452959) * r +
               1.42343711074968357734) / (((((((r *
                                                1.05075007164441684324e-9 + 5.475938084995344946e-4) *
                                               r + .0151986665636164571966) * r +
                                              .14810397642748007459) * r + .68976733498510000455) *
                                            r + 1.6763848301838038494) * r +
                                           2.05319162663775882187) * r + 1.)
    else:
        r -= 5.
        val = (((((((r * 2.01033439929228813265e-7 +
                     2.71155556874348757815e-5) * r +
                    .0012426609473880784386) * r + .026532189526576123093) *
                  r + .29656057182850489123) * r +
                 1.7848265399172913358) * r + 5.4637849111641143699) *
               r + 6.6579046435011037772) / (((((((r *
                                                   2.04426310338993978564e-15 + 1.4215117583164458887e-7) *
                                                  r + 1.8463183175100546818e-5) * r +
                                                 7.868691311456132591e-4) * r + .0148753612908506148525)
                                               * r + .13692988092273580531) * r +
                                              .59983220655588793769) * r + 1.)
    return -val if q < 0 else val


def _pnorm_lower(x: float) -> float:
    """P(Z <= x) for a standard normal Z, accurate in both tails (erfc of the far side)."""
    if math.isnan(x):
        return math.nan
    return 0.5 * math.erfc(-x / math.sqrt(2))


def _pt_lower(t: float, df: float) -> float:
    """P(T <= t) for Student's t with (fractional) df, by SciPy's stdtr (imported here)."""
    try:
        from scipy.special import stdtr
    except ImportError as error:  # pragma: no cover - scipy is in the dev environment
        raise ImportError("diffauroc.stats: the unpaired DeLong test's p-value (Student t "
                          "with a fractional df, as pROC) needs SciPy: pip install scipy") from error
    return float(stdtr(df, t))


_ALTERNATIVES = {"two-sided": "two-sided", "two.sided": "two-sided", "less": "less",
                 "greater": "greater"}


def _alternative(function: str, alternative: str) -> str:
    try:
        return _ALTERNATIVES[alternative]
    except (KeyError, TypeError):
        raise ValueError(f"{function}: alternative must be 'two-sided', 'less' or 'greater'; "
                         f"got {alternative!r}") from None


def _confidence(function: str, confidence: Any) -> float:
    c = float(confidence)
    if not 0 <= c <= 1:
        raise ValueError(f"{function}: confidence must be within [0, 1]; got {confidence!r}")
    return c


# ---- public functions ---------------------------------------------------------------------

def auroc_cov(y_true: ArrayLike, y_score: ArrayLike) -> tuple:
    """The AUROCs of k score columns on one label vector and DeLong's k x k covariance
    matrix of them (the paired design: k models scored on the same samples).

    ``y_score``: (n,) or (n, k), any strides, float64/float32 read in place. Returns
    ``(aurocs, covariance)``: float64 arrays (k,) and (k, k). Each entry is the correctly
    rounded value of its exact rational (``auroc_delong``). Cost: one radix sort per
    column plus O(k^2 n); both cores from n = 32768.
    """
    aucs, cov, _ = _delong("auroc_cov", "y_score", y_true, y_score)
    return aucs, cov


def auroc_var(y_true: ArrayLike, y_score: ArrayLike) -> float:
    """DeLong's variance of the AUROC of ``y_score`` (1-D), as pROC's ``var(roc)`` with
    ``direction = "<"``; nan with a RuntimeWarning when there are fewer than 2 positives or
    2 negatives."""
    _, cov, _ = _delong("auroc_var", "y_score", y_true, _as_vector("auroc_var", "y_score", y_score))
    return float(cov[0, 0])


def auroc_ci(y_true: ArrayLike, y_score: ArrayLike, confidence: float = 0.95,
             method: str = "delong", *, n_bootstraps: int = 2000, seed: Any = None,
             n_threads: int = 2) -> AUROCInterval:
    """A confidence interval of the AUROC of ``y_score`` (1-D), as pROC's ``ci.auc``.

    ``method="delong"``: AUROC +- z sqrt(DeLong's variance), z the normal quantiles of
    (1 - confidence) / 2 and 1 - (1 - confidence) / 2, each end clipped to [0, 1]; nan ends
    (with a RuntimeWarning) when there are fewer than 2 positives or 2 negatives.

    ``method="bootstrap"``: pROC's default bootstrap: ``n_bootstraps`` stratified
    replicates (the positives resampled with replacement among themselves, the negatives
    among themselves, so every replicate keeps P and N), the interval the replicates'
    quantiles at (1 - confidence) / 2 and 1 - (1 - confidence) / 2 (linear interpolation,
    R's default type 7, as pROC's ``quantile``); ``median`` is their median. ``seed``
    (anything ``numpy.random.SeedSequence`` takes) makes it reproducible: replicate b
    draws from the b-th child of ``SeedSequence(seed)``, so the result does not depend on
    ``n_threads``. Each replicate's AUROC is the library's exact AUROC of the samples
    weighted by their multiplicities (the resample's AUROC, ties 1/2). Cost: one O(n)
    resample plus one exact AUROC (a radix sort of n keys) per replicate, so about
    ``n_bootstraps`` times ``auroc_exact``'s time, shared by ``n_threads`` threads (the
    library releases the GIL); memory O(n) per thread. DeLong costs one sort.
    """
    function = "auroc_ci"
    c = _confidence(function, confidence)
    lower_p, upper_p = 0 + (1 - c) / 2, 1 - (1 - c) / 2
    if method == "delong":
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            try:
                aucs, cov, _ = _delong(function, "y_score", y_true,
                                       _as_vector(function, "y_score", y_score))
            except RuntimeWarning as warning:
                undefined = str(warning)
            else:
                undefined = None
        if undefined is not None:
            warnings.warn(undefined, RuntimeWarning, stacklevel=2)
            nan = math.nan
            return AUROCInterval(nan, nan, nan, c, "delong")
        theta, sd = float(aucs[0]), math.sqrt(float(cov[0, 0]))
        ends = [theta + sd * _qnorm(lower_p), theta + sd * _qnorm(upper_p)]
        lower, upper = (min(max(e, 0.0), 1.0) for e in ends)
        return AUROCInterval(lower, theta, upper, c, "delong")
    if method == "bootstrap":
        return _bootstrap_ci(function, y_true, y_score, c, lower_p, upper_p,
                             int(n_bootstraps), seed, int(n_threads))
    raise ValueError(f"{function}: method must be 'delong' or 'bootstrap'; got {method!r}")


def _bootstrap_ci(function: str, y_true, y_score, c, lower_p, upper_p, replicates, seed,
                  threads) -> AUROCInterval:
    if replicates < 1:
        raise ValueError(f"{function}: n_bootstraps must be >= 1; got {replicates}")
    aucs, _, _ = _delong_quiet(function, y_true, y_score)
    y = _labels(function, y_true)
    vector = _as_vector(function, "y_score", y_score)
    scores = np.ascontiguousarray(_to_library(function, "y_score", vector, np.dtype(np.float64),
                                              True, scores=True), dtype=np.float64)
    positives = np.flatnonzero(y == 1)
    negatives = np.flatnonzero(y == 0)
    P, N, n = positives.size, negatives.size, y.shape[0]
    labels = np.ascontiguousarray(y, dtype=np.float64)
    children = np.random.SeedSequence(seed).spawn(replicates)
    results = np.empty(replicates)

    def run(block: range) -> None:
        weights = np.empty(n)
        out = _lib.ctypes.c_double()
        sp, yp = scores.ctypes.data_as(_lib._double_p), labels.ctypes.data_as(_lib._double_p)
        wp = weights.ctypes.data_as(_lib._double_p)
        for b in block:
            rng = np.random.default_rng(children[b])
            weights[:] = 0
            weights[positives] = np.bincount(rng.integers(0, P, P), minlength=P)
            weights[negatives] = np.bincount(rng.integers(0, N, N), minlength=N)
            status = _lib.lib.auroc_exact(sp, yp, wp, n, _lib.ctypes.byref(out))
            if status != _lib.OK:
                raise MemoryError(f"{function}: {_lib.strerror(status)}") if \
                    status == _lib.E_NO_MEMORY else ValueError(f"{function}: {_lib.strerror(status)}")
            results[b] = out.value

    threads = max(1, min(threads, replicates))
    blocks = [range(t * replicates // threads, (t + 1) * replicates // threads)
              for t in range(threads)]
    if threads == 1:
        run(blocks[0])
    else:
        with ThreadPoolExecutor(threads) as pool:
            for future in [pool.submit(run, block) for block in blocks]:
                future.result()
    lower, median, upper = np.quantile(results, [lower_p, 0.5, upper_p])
    return AUROCInterval(float(lower), float(aucs[0]), float(upper), c, "bootstrap",
                         median=float(median))


def _delong_quiet(function, y_true, y_score):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _delong(function, "y_score", y_true, _as_vector(function, "y_score", y_score))


def auroc_test(y_true: ArrayLike, score_a: ArrayLike, score_b: ArrayLike, *,
               paired: bool = True, y_true_b: Optional[ArrayLike] = None,
               alternative: str = "two-sided", confidence: float = 0.95) -> AUROCTest:
    """DeLong's test that two AUROCs are equal, as pROC's ``roc.test(method = "delong")``.

    Paired (default): ``score_a`` and ``score_b`` score the same samples (labels
    ``y_true``): z = (AUROC_a - AUROC_b) / sqrt(Var(AUROC_a - AUROC_b)) from DeLong's
    covariance, p-value from the normal distribution (0 / 0 gives z = 0, as pROC). The
    variance of the difference comes exactly from the library (not from rounded covariance
    entries, which cancel for strongly correlated models). ``difference_ci``: the normal
    interval of the difference at ``confidence``.

    Unpaired (``paired=False``): two independent samples, ``score_a`` on ``y_true`` and
    ``score_b`` on ``y_true_b`` (default ``y_true``): D = (AUROC_a - AUROC_b) /
    sqrt(V_a + V_b), with DeLong's variances V, and the p-value from Student's t with
    pROC's df = (V_a + V_b)^2 / (V_a^2 / (n_a - 1) + V_b^2 / (n_b - 1)) (needs SciPy).

    ``alternative``: "two-sided", "less" or "greater" (AUROC_a greater than AUROC_b; pROC's
    "two.sided" is accepted too). Fewer than 2 positives or negatives: statistic and
    p-value nan (RuntimeWarning).
    """
    function = "auroc_test"
    alt = _alternative(function, alternative)
    c = _confidence(function, confidence)
    a = _as_vector(function, "score_a", score_a)
    b = _as_vector(function, "score_b", score_b)
    if paired:
        if y_true_b is not None:
            raise ValueError(f"{function}: y_true_b is for the unpaired test (paired=False)")
        if a.shape != b.shape:
            raise ValueError(f"{function}: score_a and score_b must have the same length for "
                             f"the paired test; got {a.shape} and {b.shape}")
        dtype = np.result_type(a.dtype, b.dtype)
        if dtype.kind == "f" and dtype.itemsize in (4, 8):
            stacked = np.empty((2, a.shape[0]), dtype=dtype)
            stacked[0], stacked[1] = a, b
            matrix = stacked.T  # (n, 2), sample stride 1, column stride n
        else:
            matrix = np.column_stack((a, b))
        aucs, cov, diff = _delong(function, "score_a, score_b", y_true, matrix)
        d = _difference(aucs, y_true)
        variance = float(diff[0, 1])
        sig = math.sqrt(variance)
        if math.isnan(sig):
            z = math.nan
        elif sig == 0:
            z = 0.0 if d == 0 else math.copysign(math.inf, d)
        else:
            z = d / sig
        pvalue = _normal_pvalue(z, alt)
        crit = _qnorm(1 - ((1 - c) / 2))
        ci = (d - crit * sig, d + crit * sig)
        return AUROCTest(z, pvalue, float(aucs[0]), float(aucs[1]), variance, None, ci, True, alt)
    yb = y_true if y_true_b is None else y_true_b
    auc_a, cov_a, _ = _delong(function, "score_a", y_true, a)
    auc_b, cov_b, _ = _delong(function, "score_b", yb, b)
    va, vb = float(cov_a[0, 0]), float(cov_b[0, 0])
    n_a, n_b = a.shape[0], b.shape[0]
    total = va + vb
    d = float(auc_a[0]) - float(auc_b[0])
    if math.isnan(total) or total == 0:
        # pROC: 0 / 0 is NaN, d / 0 infinite; its df is then 0 / 0, its p-value NaN.
        t = math.nan if (math.isnan(total) or d == 0) else math.copysign(math.inf, d)
        df = math.nan
    else:
        t = d / math.sqrt(total)
        df = total ** 2 / (va ** 2 / (n_a - 1) + vb ** 2 / (n_b - 1))
    if math.isnan(t) or math.isnan(df):
        pvalue = math.nan
    elif alt == "two-sided":
        pvalue = 2 * _pt_lower(-abs(t), df)
    elif alt == "greater":
        pvalue = _pt_lower(-t, df)
    else:
        pvalue = _pt_lower(t, df)
    return AUROCTest(t, pvalue, float(auc_a[0]), float(auc_b[0]), total, df, None, False, alt)


def _difference(aucs: np.ndarray, y_true: ArrayLike) -> float:
    """AUROC_a - AUROC_b correctly rounded: each AUROC is the correctly rounded 2U / (2PN),
    so while 2PN < 2^52 the integer 2U is aucs * 2PN rounded to the nearest integer, and
    the difference of two such integers over 2PN (all below 2^53) is one IEEE division.
    (aucs[0] - aucs[1] would carry up to an ulp of 1/2 of absolute error, much of a small
    difference.) Beyond, the plain difference."""
    y = np.asarray(y_true)
    positives = int(np.count_nonzero(y == 1))
    pairs2 = 2 * positives * (y.shape[0] - positives)
    if 0 < pairs2 < 2**52:
        ua, ub = round(float(aucs[0]) * pairs2), round(float(aucs[1]) * pairs2)
        return (ua - ub) / pairs2
    return float(aucs[0] - aucs[1])


def _normal_pvalue(z: float, alternative: str) -> float:
    if math.isnan(z):
        return math.nan
    if alternative == "two-sided":
        return 2 * _pnorm_lower(-abs(z))
    if alternative == "greater":
        return _pnorm_lower(-z)
    return _pnorm_lower(z)
