"""The package's surface, its agreement with include/diffauroc.h, the loader, and input
conversion (dtypes, lists, strides, byte order)."""
from __future__ import annotations

import ctypes
import doctest
import importlib.metadata
import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import diffauroc
from diffauroc import _lib, _numpy

SCORES = [0.1, 0.4, 0.35, 0.8]
LABELS = [0, 0, 1, 1]


# ---- surface ----------------------------------------------------------------------------

def test_public_names_are_exactly_the_contract():
    public = {name for name in dir(diffauroc) if not name.startswith("_")}
    contract = {"auroc_soft", "auroc_soft_grad", "auroc_exact", "DifferentiableAUROC",
                "ExactAUROC", "OneClassWarning", "release_memory"}
    # Submodules imported by the user (diffauroc.jax, diffauroc.flax) become attributes too.
    public -= {name for name in public if inspect.ismodule(getattr(diffauroc, name))}
    assert public == contract
    assert set(diffauroc.__all__) == contract


@pytest.mark.parametrize(
    "function, parameters",
    [
        (diffauroc.auroc_soft, [("predictions", inspect.Parameter.empty),
                                ("labels", inspect.Parameter.empty),
                                ("temperature", 1.0), ("weights", None)]),
        (diffauroc.auroc_soft_grad, [("predictions", inspect.Parameter.empty),
                                     ("labels", inspect.Parameter.empty),
                                     ("temperature", 1.0), ("weights", None)]),
        (diffauroc.auroc_exact, [("predictions", inspect.Parameter.empty),
                                 ("labels", inspect.Parameter.empty), ("weights", None)]),
        (diffauroc.DifferentiableAUROC, [("temperature", 1.0)]),
        (diffauroc.ExactAUROC, []),
    ],
)
def test_signatures(function, parameters):
    signature = inspect.signature(function)
    assert [(p.name, p.default) for p in signature.parameters.values()] == parameters


def test_return_types():
    value = diffauroc.auroc_soft(SCORES, LABELS)
    assert type(value) is float
    value, grad, dtemperature = diffauroc.auroc_soft_grad(SCORES, LABELS)
    assert type(value) is float and type(dtemperature) is float
    assert isinstance(grad, np.ndarray) and grad.dtype == np.float64 and grad.shape == (4,)
    assert grad.flags.c_contiguous and grad.flags.writeable
    assert type(diffauroc.auroc_exact(SCORES, LABELS)) is float
    assert type(diffauroc.DifferentiableAUROC()(SCORES, LABELS)) is float
    assert type(diffauroc.ExactAUROC()(SCORES, LABELS)) is float


def test_one_class_warning_is_a_runtime_warning():
    assert issubclass(diffauroc.OneClassWarning, RuntimeWarning)


def test_classes_match_the_functions():
    loss = diffauroc.DifferentiableAUROC(temperature=0.3)
    assert loss.temperature == 0.3
    assert loss(SCORES, LABELS) == diffauroc.auroc_soft(SCORES, LABELS, 0.3)
    loss.temperature = 2.0  # reassignable, like the reference's nnx.Param
    assert loss(SCORES, LABELS) == diffauroc.auroc_soft(SCORES, LABELS, 2.0)
    assert diffauroc.DifferentiableAUROC()(SCORES, LABELS) == diffauroc.auroc_soft(SCORES, LABELS)
    assert diffauroc.ExactAUROC()(SCORES, LABELS) == diffauroc.auroc_exact(SCORES, LABELS)
    assert repr(loss) == "DifferentiableAUROC(temperature=2.0)"


def test_docstring_examples_run():
    for module in (diffauroc, _numpy):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0
    assert doctest.testmod(_numpy).attempted >= 8


def test_public_docstrings_have_numpy_sections():
    for function in (diffauroc.auroc_soft, diffauroc.auroc_soft_grad, diffauroc.auroc_exact):
        for section in ("Parameters\n    ----------", "Returns\n    -------",
                        "Examples\n    --------"):
            assert section in function.__doc__, (function.__name__, section)
    for cls in (diffauroc.DifferentiableAUROC, diffauroc.ExactAUROC):
        assert "Examples\n    --------" in cls.__doc__


# ---- agreement with the header and the library -------------------------------------------

def test_version_agrees_with_header_library_and_metadata(header):
    assert diffauroc.__version__ == header.version
    assert _lib.version() == header.version
    assert importlib.metadata.version("diffauroc") == header.version


def test_status_codes_agree_with_header(header):
    assert _lib.STATUS_CODES == header.status_codes
    for name, code in header.status_codes.items():
        assert getattr(_lib, name.removeprefix("DIFFAUROC_")) == code


def test_strerror_gives_a_distinct_message_per_code(header):
    messages = {code: _lib.strerror(code) for code in header.status_codes.values()}
    assert all(messages.values())
    assert len(set(messages.values())) == len(messages)
    assert _lib.strerror(12345) == "unknown diffauroc status code"
    # spot checks that each message is about its own failure
    assert "label" in messages[_lib.E_BAD_LABEL]
    assert "weight" in messages[_lib.E_BAD_WEIGHT]
    assert "temperature" in messages[_lib.E_BAD_TEMPERATURE]
    assert "finite" in messages[_lib.E_NONFINITE_SCORE]


_C_TO_CTYPES = {
    "int": ctypes.c_int,
    "size_t": ctypes.c_size_t,
    "size_t *": ctypes.POINTER(ctypes.c_size_t),
    "uint64_t *": ctypes.POINTER(ctypes.c_uint64),
    "double": ctypes.c_double,
    "const double *": ctypes.POINTER(ctypes.c_double),
    "double *": ctypes.POINTER(ctypes.c_double),
    "int *": ctypes.POINTER(ctypes.c_int),
    "const float *": ctypes.POINTER(ctypes.c_float),
    "void *": ctypes.c_void_p,
    "const char *": ctypes.c_char_p,
}


def test_every_header_prototype_is_declared_with_its_types(header):
    assert len(header.prototypes) >= 5
    assert set(_lib.SIGNATURES) == set(header.prototypes)
    for name, (ret, params) in header.prototypes.items():
        function = getattr(_lib.lib, name)
        assert function.restype is _C_TO_CTYPES[ret], name
        assert function.argtypes == [_C_TO_CTYPES[p] for p in params], name
        assert _lib.SIGNATURES[name] == (function.restype, function.argtypes)


def test_library_is_a_cdll_not_a_pydll():
    # A PyDLL would hold the GIL during every call (test_threads.py measures it).
    assert type(_lib.lib) is ctypes.CDLL
    assert not _lib.lib.auroc_soft._flags_ & ctypes._FUNCFLAG_PYTHONAPI


# ---- the loader -------------------------------------------------------------------------

def test_loads_the_bundled_library_unless_overridden():
    package_dir = Path(diffauroc.__file__).resolve().parent
    override = os.environ.get(_lib.ENV_VAR)
    if override:
        assert _lib.path == Path(os.path.abspath(override))
    else:
        assert _lib.path == package_dir / "libdiffauroc.so"
    assert _lib.path.is_file()


def _import_in_subprocess(env_changes: dict, pythonpath: str | None = None):
    env = dict(os.environ)
    env.pop(_lib.ENV_VAR, None)
    env.update(env_changes)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    code = "import diffauroc, diffauroc._lib as l; print(l.path); print(diffauroc.auroc_exact([0, 1], [0, 1]))"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, cwd="/")


def test_environment_variable_selects_another_build(tmp_path):
    copy = tmp_path / "other" / "libdiffauroc.so"
    copy.parent.mkdir()
    shutil.copyfile(_lib.path, copy)
    result = _import_in_subprocess({_lib.ENV_VAR: str(copy)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(copy), "1.0"]


def test_environment_variable_to_a_missing_file_is_a_clear_import_error(tmp_path):
    missing = tmp_path / "nope" / "libdiffauroc.so"
    result = _import_in_subprocess({_lib.ENV_VAR: str(missing)})
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: ")
    assert _lib.ENV_VAR in last and str(missing) in last


def test_environment_variable_to_a_non_library_is_an_import_error(tmp_path):
    junk = tmp_path / "libdiffauroc.so"
    junk.write_text("not an ELF file")
    result = _import_in_subprocess({_lib.ENV_VAR: str(junk)})
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: cannot load ") and str(junk) in last


def test_library_without_the_exports_is_an_import_error_naming_one():
    import _ctypes  # any loadable shared object that is not libdiffauroc

    result = _import_in_subprocess({_lib.ENV_VAR: _ctypes.__file__})
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: ")
    assert "does not export auroc_soft()" in last


def test_missing_bundled_library_says_how_to_build(tmp_path):
    package_dir = Path(diffauroc.__file__).resolve().parent
    copy = tmp_path / "diffauroc"
    shutil.copytree(package_dir, copy, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    result = _import_in_subprocess({}, pythonpath=str(tmp_path))
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: ")
    assert "pip install ./python" in last and "swift build -c release" in last
    assert _lib.ENV_VAR in last


# ---- input conversion -------------------------------------------------------------------

REAL_DTYPES = [np.float64, np.float32, np.float16, np.longdouble, np.int8, np.int16,
               np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]


@pytest.mark.parametrize("dtype", REAL_DTYPES + [np.bool_])
def test_any_real_or_bool_dtype_is_accepted(dtype):
    scores = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 1])
    labels = np.array([0, 1, 0, 0, 1, 1, 0, 1, 0, 1])
    weights = np.array([1, 2, 1, 0, 1, 3, 1, 1, 2, 1])
    as_float = [a.astype(np.float64) for a in (scores, labels, weights)]
    typed = [a.astype(dtype) for a in (scores, labels, weights)]
    if dtype is np.bool_:
        typed[2] = weights.astype(np.int64)  # bool weights would only be 0 and 1
        as_float[2] = weights.astype(np.float64)
    assert diffauroc.auroc_exact(*typed[:2]) == diffauroc.auroc_exact(*as_float[:2])
    assert diffauroc.auroc_exact(*typed) == diffauroc.auroc_exact(*as_float)
    assert diffauroc.auroc_soft(typed[0], typed[1], 0.5, typed[2]) == \
        diffauroc.auroc_soft(as_float[0], as_float[1], 0.5, as_float[2])
    value, grad, dt = diffauroc.auroc_soft_grad(typed[0], typed[1], 0.5, typed[2])
    value64, grad64, dt64 = diffauroc.auroc_soft_grad(as_float[0], as_float[1], 0.5, as_float[2])
    assert (value, dt) == (value64, dt64)
    np.testing.assert_array_equal(grad, grad64)


def test_bool_labels_and_int_scores():
    scores = [3, 1, 2, 5]
    labels = [True, False, False, True]
    assert diffauroc.auroc_exact(scores, labels) == 1.0
    assert diffauroc.auroc_exact(np.array(scores, dtype=np.int64), np.array(labels)) == 1.0


def test_lists_tuples_and_other_array_likes():
    expected = diffauroc.auroc_soft(np.array(SCORES), np.array(LABELS, dtype=float), 0.2)
    assert diffauroc.auroc_soft(SCORES, LABELS, 0.2) == expected
    assert diffauroc.auroc_soft(tuple(SCORES), tuple(LABELS), 0.2) == expected
    assert diffauroc.auroc_soft(memoryview(np.array(SCORES)), LABELS, 0.2) == expected
    assert diffauroc.auroc_soft(SCORES, LABELS, np.float32(0.2)) == \
        diffauroc.auroc_soft(SCORES, LABELS, float(np.float32(0.2)))
    assert diffauroc.auroc_soft(SCORES, LABELS, np.array(0.2)) == expected
    assert diffauroc.auroc_soft(SCORES, LABELS, 1) == diffauroc.auroc_soft(SCORES, LABELS)


def test_strided_reversed_and_big_endian_inputs_are_converted():
    rng = np.random.default_rng(0)
    base = rng.normal(size=40)
    labels = (rng.random(40) < 0.5).astype(float)
    weights = rng.random(40)
    for view in (slice(None, None, 2), slice(None, None, -1), slice(3, None, 3)):
        s, y, w = base[view], labels[view], weights[view]
        assert not s.flags.c_contiguous
        expected_soft = diffauroc.auroc_soft_grad(s.copy(), y.copy(), 0.7, w.copy())
        got_soft = diffauroc.auroc_soft_grad(s, y, 0.7, w)
        assert got_soft[0] == expected_soft[0] and got_soft[2] == expected_soft[2]
        np.testing.assert_array_equal(got_soft[1], expected_soft[1])
        assert diffauroc.auroc_exact(s, y, w) == diffauroc.auroc_exact(s.copy(), y.copy(), w.copy())
    big = base.astype(">f8")
    assert diffauroc.auroc_exact(big, labels) == diffauroc.auroc_exact(base, labels)
    assert diffauroc.auroc_soft(big, labels.astype(">f8"), 0.3, weights.astype(">f4")) == \
        diffauroc.auroc_soft(base, labels, 0.3, weights.astype(np.float32).astype(float))


def test_inputs_are_not_modified():
    scores = np.array(SCORES)
    labels = np.array(LABELS, dtype=float)
    weights = np.array([1.0, 2.0, 0.0, 1.0])
    copies = [a.copy() for a in (scores, labels, weights)]
    for array in (scores, labels, weights):
        array.flags.writeable = False  # read-only inputs are fine
    diffauroc.auroc_soft_grad(scores, labels, 0.5, weights)
    diffauroc.auroc_exact(scores, labels, weights)
    for array, copy in zip((scores, labels, weights), copies):
        np.testing.assert_array_equal(array, copy)
