"""diffauroc: soft (differentiable) and exact AUROC, computed by libdiffauroc.so.

    auroc_soft(predictions, labels, temperature=1.0, weights=None) -> float
    auroc_soft_grad(predictions, labels, temperature=1.0, weights=None)
        -> (value, grad of shape (n,), d value / d temperature)
    auroc_exact(predictions, labels, weights=None) -> float
    DifferentiableAUROC(temperature=1.0)(predictions, labels) -> float
    ExactAUROC()(predictions, labels) -> float
    release_memory() -> int: frees the scratch blocks kept between calls (bytes freed)

    diffauroc.metrics: roc_auc_score, roc_curve (scikit-learn's, drop-in), partial_auc
    diffauroc.stats: auroc_var, auroc_cov, auroc_ci, auroc_test (DeLong, as pROC; bootstrap)
    diffauroc.incremental: AUROCAccumulator (exact AUROC over batches: update, merge, compute)
    diffauroc.dask: auroc_exact, auroc_ci, roc_curve on dask arrays and dataframe columns

The soft AUROC is the Wilcoxon-Mann-Whitney statistic with the indicator [s_i > s_j]
replaced by sigmoid((s_i - s_j) / T), a training surrogate; the exact AUROC counts ties
1/2, as scikit-learn's roc_auc_score. Bad input raises ValueError with the library's
message and the element it rejected (``labels[7] = 2.0``); a soft AUROC without a
(positive, negative) pair is 0 with a OneClassWarning. No input is rounded silently:
integer or long double scores that float64 cannot hold are ranked exactly for the exact
AUROC and refused (ValueError naming the element) by the soft AUROC; a masked entry is
an error. The exact AUROC of one class (no positive or no negative) is a ValueError
here; ``diffauroc.metrics.roc_auc_score`` returns nan with an UndefinedMetricWarning, as
scikit-learn does. The GIL is released during every library call.

Temporary blocks of 64 KiB and more are kept between calls and reused by the next
call they fit (fresh pages cost a page fault and a zeroing each); ``release_memory()``
frees them, the environment variable DIFFAUROC_SCRATCH_POOL_BYTES caps them (bytes,
default 2 GiB; 0: none kept).

The library is the libdiffauroc.so bundled in this package by ``pip install ./python``,
or the file named by the environment variable DIFFAUROC_LIBRARY.
"""
from ._lib import version as _library_version
from ._numpy import (
    DifferentiableAUROC,
    ExactAUROC,
    OneClassWarning,
    auroc_exact,
    auroc_soft,
    auroc_soft_grad,
)

__version__ = _library_version()


def release_memory() -> int:
    """Frees the scratch blocks the library keeps between calls; returns their total size
    in bytes (0 when none are cached).

    Calls keep their temporary blocks of 64 KiB and more (sort buffers, class gathers) for
    the next call, which reuses one when it is large enough: in a loop over data of one
    shape, the kernel's page faults and zeroing of fresh pages are paid once. The cache
    never holds more than the process's calls needed at once, nor more than
    DIFFAUROC_SCRATCH_POOL_BYTES (read once; default 2 GiB; 0 keeps nothing), and the kernel
    may reclaim the pages of its blocks of 4 MiB and more under memory pressure
    (MADV_FREE). Call this when the library will not be used for a while, or before
    measuring the process's memory. Thread-safe: blocks of calls still running are not
    touched.

    Examples
    --------
    >>> import numpy as np, diffauroc
    >>> _ = diffauroc.auroc_exact(np.arange(1e6), np.arange(1e6) % 2)
    >>> diffauroc.release_memory() >= 8_000_000  # its sort words, 8 bytes per sample
    True
    >>> diffauroc.release_memory()  # nothing left
    0
    """
    import ctypes

    from ._lib import lib, strerror

    released = ctypes.c_size_t(0)
    status = lib.diffauroc_release_memory(ctypes.byref(released))
    if status != 0:  # the contract: always DIFFAUROC_OK
        raise RuntimeError(f"diffauroc_release_memory: {strerror(status)} (status {status})")
    return released.value


def __getattr__(name: str):
    """``diffauroc.metrics`` (scikit-learn's roc_auc_score, roc_curve and a partial AUC)
    ``diffauroc.stats`` (DeLong variance, confidence intervals and tests) and
    ``diffauroc.incremental`` (the exact AUROC over batches) and ``diffauroc.dask`` (the
    same on dask arrays and dataframe columns), imported on first use."""
    if name in ("metrics", "stats", "incremental", "dask"):
        import importlib
        return importlib.import_module("." + name, __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DifferentiableAUROC",
    "ExactAUROC",
    "OneClassWarning",
    "auroc_exact",
    "auroc_soft",
    "auroc_soft_grad",
    "release_memory",
]
