"""Loads libdiffauroc.so with ctypes and declares the C contract of include/diffauroc.h.

Which file is loaded, in this order:

1. the path in the environment variable ``DIFFAUROC_LIBRARY``, if it is set (and not
   empty): another build, e.g. ``.build/release/libdiffauroc.so`` of a checkout;
2. ``libdiffauroc.so`` beside this module, where ``pip install ./python`` puts it;
3. otherwise ``import diffauroc`` fails with an ImportError that says how to build it.

The library is opened with ``ctypes.CDLL``, never ``ctypes.PyDLL``: a CDLL function
releases the GIL for the duration of the C call, so other Python threads keep running
while an AUROC is computed, and several threads can compute AUROCs in parallel (every
export is thread-safe: the library has no global mutable state). ``tests/test_threads.py``
checks that the GIL is released.

This module knows the C signatures and status codes, nothing of NumPy; ``_numpy.py``
turns arrays into pointers and statuses into exceptions.
"""
from __future__ import annotations

import ctypes
import os
from pathlib import Path

__all__ = [
    "ENV_VAR", "LIBRARY_NAME", "SIGNATURES", "STATUS_CODES", "declare", "lib", "path",
    "kernels", "strerror", "version",
]

ENV_VAR = "DIFFAUROC_LIBRARY"
LIBRARY_NAME = "libdiffauroc.so"

# Status codes, as the #defines of include/diffauroc.h (tests/test_api.py compares them).
OK = 0
W_ONE_CLASS = 1
E_NULL_POINTER = -1
E_NONFINITE_SCORE = -2
E_BAD_LABEL = -3
E_BAD_WEIGHT = -4
E_BAD_TEMPERATURE = -5
E_ONE_CLASS = -6
E_NO_MEMORY = -7
E_TOO_LARGE = -8
W_BELOW_DIAGONAL = 2
W_NO_VARIANCE = 3
E_CAPACITY = -9
E_BAD_RANGE = -10
E_WEIGHT_SUM = -11
E_BAD_CLASS = -12
E_BAD_TANGENT = -13  # auroc_soft_hvp: a direction entry is not finite (issue 15)

STATUS_CODES = {
    "DIFFAUROC_OK": OK,
    "DIFFAUROC_W_ONE_CLASS": W_ONE_CLASS,
    "DIFFAUROC_E_NULL_POINTER": E_NULL_POINTER,
    "DIFFAUROC_E_NONFINITE_SCORE": E_NONFINITE_SCORE,
    "DIFFAUROC_E_BAD_LABEL": E_BAD_LABEL,
    "DIFFAUROC_E_BAD_WEIGHT": E_BAD_WEIGHT,
    "DIFFAUROC_E_BAD_TEMPERATURE": E_BAD_TEMPERATURE,
    "DIFFAUROC_E_ONE_CLASS": E_ONE_CLASS,
    "DIFFAUROC_E_NO_MEMORY": E_NO_MEMORY,
    "DIFFAUROC_E_TOO_LARGE": E_TOO_LARGE,
    "DIFFAUROC_W_BELOW_DIAGONAL": W_BELOW_DIAGONAL,
    "DIFFAUROC_W_NO_VARIANCE": W_NO_VARIANCE,
    "DIFFAUROC_E_CAPACITY": E_CAPACITY,
    "DIFFAUROC_E_BAD_RANGE": E_BAD_RANGE,
    "DIFFAUROC_E_WEIGHT_SUM": E_WEIGHT_SUM,
    "DIFFAUROC_E_BAD_CLASS": E_BAD_CLASS,
    "DIFFAUROC_E_BAD_TANGENT": E_BAD_TANGENT,
}

_double_p = ctypes.POINTER(ctypes.c_double)
_float_p = ctypes.POINTER(ctypes.c_float)
_int = ctypes.c_int
_int_p = ctypes.POINTER(ctypes.c_int)
_size_t = ctypes.c_size_t
_size_t_p = ctypes.POINTER(ctypes.c_size_t)

# name -> (restype, argtypes): one entry per prototype of include/diffauroc.h, in its
# order. Pointers are POINTER(c_double), POINTER(c_float), POINTER(c_int) or
# POINTER(c_size_t) (NULL is passed as None). Entry points that the NumPy functions do
# not call (batched, XLA FFI: used by diffauroc.jax) are declared too, so that this table
# is the whole contract and a build lacking any export fails to import with a clear
# message rather than at first use.
SIGNATURES: dict[str, tuple[type, list[type]]] = {
    # int auroc_soft(scores, labels, weights, n, temperature, out_value)
    "auroc_soft": (
        _int, [_double_p, _double_p, _double_p, _size_t, ctypes.c_double, _double_p],
    ),
    # int auroc_soft_grad(scores, labels, weights, n, temperature,
    #                     out_value, out_grad, out_dtemperature)
    "auroc_soft_grad": (
        _int,
        [_double_p, _double_p, _double_p, _size_t, ctypes.c_double,
         _double_p, _double_p, _double_p],
    ),
    # int auroc_exact(scores, labels, weights, n, out_value)
    "auroc_exact": (_int, [_double_p, _double_p, _double_p, _size_t, _double_p]),
    # int auroc_exact_f32(scores, labels, weights, n, out_value): float32 inputs
    "auroc_exact_f32": (_int, [_float_p, _float_p, _float_p, _size_t, _double_p]),
    # int auroc_soft_grad_batch(scores, labels, weights, batch, n, temperatures,
    #                           temperature_stride, out_values, out_grads,
    #                           out_dtemperatures, out_status)
    "auroc_soft_grad_batch": (
        _int,
        [_double_p, _double_p, _double_p, _size_t, _size_t, _double_p, _size_t,
         _double_p, _double_p, _double_p, _int_p],
    ),
    # int auroc_exact_batch(scores, labels, weights, batch, n, out_values, out_status)
    "auroc_exact_batch": (
        _int, [_double_p, _double_p, _double_p, _size_t, _size_t, _double_p, _int_p],
    ),
    # int auroc_curve(scores, labels, weights, n, drop_intermediate, capacity,
    #                 out_fpr, out_tpr, out_thresholds, out_count): scikit-learn's roc_curve
    "auroc_curve": (
        _int,
        [_double_p, _double_p, _double_p, _size_t, _int, _size_t,
         _double_p, _double_p, _double_p, _size_t_p],
    ),
    # int auroc_curve_f32(...): float32 inputs, double outputs
    "auroc_curve_f32": (
        _int,
        [_float_p, _float_p, _float_p, _size_t, _int, _size_t,
         _double_p, _double_p, _double_p, _size_t_p],
    ),
    # int auroc_partial(scores, labels, weights, n, axis, lower, upper, out_area,
    #                   out_standardized): partial AUC over an FPR or TPR range
    "auroc_partial": (
        _int,
        [_double_p, _double_p, _double_p, _size_t, _int, ctypes.c_double, ctypes.c_double,
         _double_p, _double_p],
    ),
    # int auroc_partial_f32(...): float32 inputs
    "auroc_partial_f32": (
        _int,
        [_float_p, _float_p, _float_p, _size_t, _int, ctypes.c_double, ctypes.c_double,
         _double_p, _double_p],
    ),
    # int auroc_delong(scores, n, k, sample_stride, column_stride, labels, out_auc,
    #                  out_cov, out_diff_var): DeLong's AUCs, covariance, difference variances
    "auroc_delong": (
        _int,
        [_double_p, _size_t, _size_t, _size_t, _size_t, _double_p, _double_p, _double_p,
         _double_p],
    ),
    # int auroc_delong_f32(...): float32 scores and labels
    "auroc_delong_f32": (
        _int,
        [_float_p, _size_t, _size_t, _size_t, _size_t, _float_p, _double_p, _double_p,
         _double_p],
    ),
    # int auroc_exact_columns(scores, n, k, score_sample_stride, score_column_stride,
    #                         labels, label_sample_stride, label_column_stride, weights,
    #                         out_values, out_status): k AUROCs of a strided n x k array
    #                         (strides in elements; label_column_stride 0: shared labels)
    "auroc_exact_columns": (
        _int,
        [_double_p, _size_t, _size_t, _size_t, _size_t, _double_p, _size_t, _size_t,
         _double_p, _double_p, _int_p],
    ),
    # int auroc_exact_columns_f32(...): float32 scores, labels, weights; double outputs
    "auroc_exact_columns_f32": (
        _int,
        [_float_p, _size_t, _size_t, _size_t, _size_t, _float_p, _size_t, _size_t,
         _float_p, _double_p, _int_p],
    ),
    # int auroc_exact_ovr(scores, n, k, sample_stride, column_stride, classes, weights,
    #                     out_values, out_status): one-vs-rest, classes[i] in [0, k)
    "auroc_exact_ovr": (
        _int,
        [_double_p, _size_t, _size_t, _size_t, _size_t, _double_p, _double_p, _double_p,
         _int_p],
    ),
    # int auroc_exact_ovr_f32(...): float32 scores, classes, weights
    "auroc_exact_ovr_f32": (
        _int,
        [_float_p, _size_t, _size_t, _size_t, _size_t, _float_p, _float_p, _double_p,
         _int_p],
    ),
    # int auroc_exact_ovr_rowsums(scores, n, k, sample_stride, column_stride, classes,
    #                             weights, out_values, out_status, out_row_deviation):
    #                             auroc_exact_ovr and a bound on the rows' |sum - 1|
    "auroc_exact_ovr_rowsums": (
        _int,
        [_double_p, _size_t, _size_t, _size_t, _size_t, _double_p, _double_p, _double_p,
         _int_p, _double_p],
    ),
    # int auroc_exact_ovr_rowsums_f32(...): float32 scores, classes, weights
    "auroc_exact_ovr_rowsums_f32": (
        _int,
        [_float_p, _size_t, _size_t, _size_t, _size_t, _float_p, _float_p, _double_p,
         _int_p, _double_p],
    ),
    # int auroc_exact_ovo(scores, n, k, sample_stride, column_stride, classes, out_pairs,
    #                     out_status): one-vs-one, k * k outputs (a*k+b: column a, class a
    #                     positive, on classes a and b); the caller averages
    "auroc_exact_ovo": (
        _int,
        [_double_p, _size_t, _size_t, _size_t, _size_t, _double_p, _double_p, _int_p],
    ),
    # int auroc_exact_ovo_f32(...): float32 scores and classes
    "auroc_exact_ovo_f32": (
        _int,
        [_float_p, _size_t, _size_t, _size_t, _size_t, _float_p, _double_p, _int_p],
    ),
    # int auroc_partial_columns(scores, n, k, score_sample_stride, score_column_stride,
    #                           labels, label_sample_stride, label_column_stride, weights,
    #                           axis, lower, upper, out_area, out_standardized, out_status)
    "auroc_partial_columns": (
        _int,
        [_double_p, _size_t, _size_t, _size_t, _size_t, _double_p, _size_t, _size_t,
         _double_p, _int, ctypes.c_double, ctypes.c_double, _double_p, _double_p, _int_p],
    ),
    # int auroc_partial_columns_f32(...): float32 scores, labels, weights
    "auroc_partial_columns_f32": (
        _int,
        [_float_p, _size_t, _size_t, _size_t, _size_t, _float_p, _size_t, _size_t,
         _float_p, _int, ctypes.c_double, ctypes.c_double, _double_p, _double_p, _int_p],
    ),
    # void *diffauroc_xla_ffi_soft(void *call_frame), and _exact: XLA FFI handlers whose
    # addresses the JAX front end registers with XLA; never called through ctypes
    "diffauroc_xla_ffi_soft": (ctypes.c_void_p, [ctypes.c_void_p]),
    "diffauroc_xla_ffi_exact": (ctypes.c_void_p, [ctypes.c_void_p]),
    # ---- mergeable summaries (diffauroc.dask; include/diffauroc.h "Mergeable summaries")
    # int auroc_summary(scores, labels, n, out): out[8] uint64 words: N, P, 2U (lo, hi),
    # sum c_i^2 (lo, hi), sum d_j^2 (lo, hi)
    "auroc_summary": (_int, [_double_p, _double_p, _size_t, ctypes.POINTER(ctypes.c_uint64)]),
    "auroc_summary_f32": (_int, [_float_p, _float_p, _size_t, ctypes.POINTER(ctypes.c_uint64)]),
    # int auroc_summary_weighted(scores, labels, weights, n, out[3], out_exponents[2])
    "auroc_summary_weighted": (
        _int, [_double_p, _double_p, _double_p, _size_t, _double_p, _int_p],
    ),
    "auroc_summary_weighted_f32": (
        _int, [_float_p, _float_p, _float_p, _size_t, _double_p, _int_p],
    ),
    # int auroc_summary_table(scores, labels, weights, n, capacity, out_scores,
    #                         out_negatives, out_positives, out_count)
    "auroc_summary_table": (
        _int,
        [_double_p, _double_p, _double_p, _size_t, _size_t, _double_p, _double_p, _double_p,
         _size_t_p],
    ),
    "auroc_summary_table_f32": (
        _int,
        [_float_p, _float_p, _float_p, _size_t, _size_t, _double_p, _double_p, _double_p,
         _size_t_p],
    ),
    # int diffauroc_find_invalid(scores, labels, weights, n, out_index): the status and
    # index of the first bad sample (how the NumPy functions name it in their errors)
    "diffauroc_find_invalid": (_int, [_double_p, _double_p, _double_p, _size_t, _size_t_p]),
    # int diffauroc_find_invalid_f32(scores, labels, weights, n, out_index): float32
    "diffauroc_find_invalid_f32": (_int, [_float_p, _float_p, _float_p, _size_t, _size_t_p]),
    # const char *diffauroc_strerror(int status)
    "diffauroc_strerror": (ctypes.c_char_p, [_int]),
    # const char *diffauroc_version(void)
    "diffauroc_version": (ctypes.c_char_p, []),
    # const char *diffauroc_kernels(void)
    "diffauroc_kernels": (ctypes.c_char_p, []),
    # int auroc_soft_hvp(scores, labels, weights, n, temperature, v, v_temperature,
    #                    out_hv, out_hv_temperature): Hessian-vector product of the soft
    #                    AUROC in (scores, temperature) (issue 15)
    "auroc_soft_hvp": (
        _int,
        [_double_p, _double_p, _double_p, _size_t, ctypes.c_double, _double_p,
         ctypes.c_double, _double_p, _double_p],
    ),
    # int auroc_soft_hvp_f32(...): float32 scores, labels, weights and v; double outputs
    "auroc_soft_hvp_f32": (
        _int,
        [_float_p, _float_p, _float_p, _size_t, ctypes.c_double, _float_p,
         ctypes.c_double, _double_p, _double_p],
    ),
    # void *diffauroc_xla_ffi_soft_hvp(void *call_frame): XLA FFI handler of auroc_soft_hvp
    "diffauroc_xla_ffi_soft_hvp": (ctypes.c_void_p, [ctypes.c_void_p]),
    # int diffauroc_release_memory(size_t *released_bytes): frees the large scratch blocks
    # kept between calls (diffauroc.release_memory)
    "diffauroc_release_memory": (_int, [_size_t_p]),
}


def _library_path() -> Path:
    """The file to load: $DIFFAUROC_LIBRARY, else the .so bundled beside this module."""
    override = os.environ.get(ENV_VAR, "")
    if override:
        candidate = Path(os.path.abspath(os.path.expanduser(override)))
        if not candidate.is_file():
            raise ImportError(
                f"{ENV_VAR} is set to {override!r}, but {candidate} is not a file; point it "
                f"at a built {LIBRARY_NAME} (e.g. .build/release/{LIBRARY_NAME} after "
                f"`swift build -c release`) or unset it to use the bundled library"
            )
        return candidate
    bundled = Path(__file__).resolve().parent / LIBRARY_NAME
    if not bundled.is_file():
        raise ImportError(
            f"{LIBRARY_NAME} is not bundled with the diffauroc package (no {bundled}). "
            f"Install the package with `pip install ./python` from the repository root, "
            f"which runs `swift build -c release` and bundles the library, or set "
            f"{ENV_VAR} to the path of a built {LIBRARY_NAME} "
            f"(e.g. .build/release/{LIBRARY_NAME})"
        )
    return bundled


def declare(handle: ctypes.CDLL) -> ctypes.CDLL:
    """Sets restype and argtypes of every export in SIGNATURES on ``handle``.

    Raises ImportError naming the first export the library lacks (an older build).
    """
    for name, (restype, argtypes) in SIGNATURES.items():
        try:
            function = getattr(handle, name)
        except AttributeError:
            raise ImportError(
                f"{handle._name} does not export {name}(): it is not a libdiffauroc "
                f"matching include/diffauroc.h (rebuild it with `swift build -c release`)"
            ) from None
        function.restype = restype
        function.argtypes = argtypes
    return handle


def _load() -> tuple[ctypes.CDLL, Path]:
    library_path = _library_path()
    try:
        # CDLL (not PyDLL): calls release the GIL, see the module docstring.
        handle = ctypes.CDLL(str(library_path))
    except OSError as error:
        raise ImportError(f"cannot load {library_path}: {error}") from error
    return declare(handle), library_path


lib, path = _load()


def strerror(status: int) -> str:
    """The library's message for a status code (``diffauroc_strerror``)."""
    return lib.diffauroc_strerror(status).decode("utf-8")


def version() -> str:
    """The library's version, "MAJOR.MINOR.PATCH" (``diffauroc_version``)."""
    return lib.diffauroc_version().decode("ascii")


def kernels() -> str:
    """Which build of the library's algorithms runs in this process (``diffauroc_kernels``):
    "x86-64-v3" (AVX2, FMA) when the CPU supports it, else "x86-64". Both give the same
    bits; DIFFAUROC_KERNELS=baseline in the environment, before the first call, forces
    "x86-64"."""
    return lib.diffauroc_kernels().decode("ascii")
