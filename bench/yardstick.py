"""What the benchmarks' yardstick, numpy.sort, runs on: the CPU and numpy's sort dispatch.

Every ratio in the benchmarks is ours / numpy.sort in the same process, so a reader must
know which numpy.sort that was. NumPy picks its quicksort at import from the CPU's
features: x86-simd-sort's AVX-512 kernels when the CPU has AVX-512 (AVX512_SKX), else its
AVX2 kernels. On AMD Zen 4 (family 25 with AVX-512) that choice is a pathology, not a
yardstick: the AVX-512 kernels store each partition with a memory-destination
`vcompresspd`, which Zen 4 runs in microcode, so numpy.sort of 10^6 float64 took 52.7 ms
there against 9.3 ms with its AVX2 kernels (the same numpy 2.4.6, in the same minutes).
A ratio against the slow sort would flatter us fivefold, so on such a CPU the benchmarks
say so and name the setting that gives the AVX2 yardstick:

    NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR" .venv/bin/python bench/...

`describe()` returns the facts (for the printed header and the JSON records);
`warning()` the sentence to print, or None.
"""

import os
import platform

import numpy as np

AVX2_SORT_SETTING = 'NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"'


def _cpuinfo():
    """The first processor's model name, vendor, family and flags (Linux), or Nones."""
    info = {"model": platform.processor() or None, "vendor": None, "family": None, "flags": set()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key == "model name":
                    info["model"] = value
                elif key == "vendor_id":
                    info["vendor"] = value
                elif key == "cpu family":
                    info["family"] = int(value)
                elif key == "flags":
                    info["flags"] = set(value.split())
                    break
    except OSError:
        pass
    return info


def numpy_sort_dispatch():
    """'AVX-512' or 'AVX2' (x86-simd-sort's kernels numpy's quicksort uses here), or
    'other' (no x86 SIMD sort: another architecture, or both disabled)."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # numpy < 2
        from numpy.core._multiarray_umath import __cpu_features__ as features
    if features.get("AVX512_SKX"):
        return "AVX-512"
    if features.get("AVX2"):
        return "AVX2"
    return "other"


def describe():
    """A dict for the records: CPU model, whether it has AVX-512, numpy's version and sort
    dispatch, and NPY_DISABLE_CPU_FEATURES as set."""
    cpu = _cpuinfo()
    return {
        "cpu": cpu["model"],
        "cpu_avx512": "avx512f" in cpu["flags"],
        "numpy": np.__version__,
        "numpy_sort": numpy_sort_dispatch(),
        "npy_disable_cpu_features": os.environ.get("NPY_DISABLE_CPU_FEATURES"),
    }


def is_zen4_with_avx512_sort():
    """Whether this is an AMD family-25 CPU with AVX-512 (Zen 4) and numpy sorts with its
    AVX-512 kernels (see the module's doc)."""
    cpu = _cpuinfo()
    return (cpu["vendor"] == "AuthenticAMD" and cpu["family"] == 25 and "avx512f" in cpu["flags"]
            and numpy_sort_dispatch() == "AVX-512")


def header():
    """One line for a benchmark's header."""
    d = describe()
    line = (f"CPU {d['cpu']} (AVX-512: {'yes' if d['cpu_avx512'] else 'no'}); numpy {d['numpy']}, "
            f"numpy.sort dispatch {d['numpy_sort']}")
    if d["npy_disable_cpu_features"]:
        line += f" (NPY_DISABLE_CPU_FEATURES={d['npy_disable_cpu_features']!r})"
    return line


def warning():
    """The warning to print on Zen 4 with numpy's AVX-512 sort, or None."""
    if not is_zen4_with_avx512_sort():
        return None
    return ("WARNING: AMD Zen 4 with numpy's AVX-512 sort, which is about 5x slower here than its "
            "AVX2 sort (microcoded vcompresspd): ratios to numpy.sort would flatter us. For the "
            f"AVX2 yardstick run with {AVX2_SORT_SETTING}.")


def print_header():
    print(header())
    w = warning()
    if w:
        print(w)
