"""Shared fixtures of the diffauroc pytest suite.

- ``header``: include/diffauroc.h parsed (status codes, version, prototypes), so that
  tests derive expected messages and signatures from the C contract itself;
- ``metric_losses``: the reference, ``diffbio/losses/metric_losses.py``, loaded by file
  path (diffbio's package ``__init__`` imports all of diffbio and its heavy dependencies;
  the file itself needs only jax, flax, jaxtyping and calibrax);
- ``parity``: records the largest error / tolerance ratio measured against each
  independent reference; printed in the terminal summary.

The suite tests the installed package (``pip install ./python``), as a user gets it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reference_loader import load_reference

REPOSITORY = Path(__file__).resolve().parents[2]
HEADER_PATH = REPOSITORY / "include" / "diffauroc.h"


# ---- the C header ---------------------------------------------------------------------

@dataclass
class Header:
    text: str
    status_codes: dict[str, int]        # "DIFFAUROC_E_BAD_LABEL" -> -3
    version: str                        # DIFFAUROC_VERSION_STRING
    prototypes: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    # name -> (return type, [parameter types]) with whitespace normalized, e.g.
    # "auroc_exact" -> ("int", ["const double *", ..., "size_t", "double *"])


def _c_type(tokens: list[str]) -> str:
    """['const', 'double', '*'] -> 'const double *'."""
    words = [t for t in tokens if t != "*"]
    stars = tokens.count("*")
    return " ".join(words) + (" " + "*" * stars if stars else "")


def _parameter_type(parameter: str) -> str:
    """'const double *scores' -> 'const double *'; 'size_t n' -> 'size_t'; 'void' -> ''."""
    tokens = re.findall(r"\w+|\*", parameter)
    if tokens in ([], ["void"]):
        return ""
    assert len(tokens) >= 2 and tokens[-1] != "*", f"unnamed parameter {parameter!r}"
    return _c_type(tokens[:-1])


def parse_header(text: str) -> Header:
    codes = {
        name: int(value)
        for name, value in re.findall(
            r"#define\s+(DIFFAUROC_(?:OK|W_\w+|E_\w+))\s+\(?\s*(-?\d+)\s*\)?", text
        )
    }
    version = re.search(r'#define\s+DIFFAUROC_VERSION_STRING\s+"([^"]+)"', text).group(1)
    code = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)  # drop comments
    prototypes = {}
    for ret, name, params in re.findall(
        r"^\s*((?:const\s+)?\w+\s*\*?)\s*(\w+)\s*\(([^)]*)\)\s*;", code, flags=re.M
    ):
        types = [_parameter_type(p) for p in params.split(",")]
        prototypes[name] = (_c_type(re.findall(r"\w+|\*", ret)), [t for t in types if t])
    return Header(text, codes, version, prototypes)


@pytest.fixture(scope="session")
def header() -> Header:
    return parse_header(HEADER_PATH.read_text())


# ---- the reference (diffbio + calibrax) -------------------------------------------------

@pytest.fixture(scope="session")
def metric_losses():
    """diffbio.losses.metric_losses, executed from its file without diffbio's __init__."""
    return load_reference()


@pytest.fixture(params=["ffi", "callback"])
def jax_route(request, monkeypatch):
    """Runs a JAX front-end test on both routes into the library (XLA FFI handler,
    pure_callback). Used by test_jax_frontend.py and test_flax_frontend.py."""
    import diffauroc.jax as djax  # noqa: PLC0415 (only the JAX tests need it)

    monkeypatch.setenv("DIFFAUROC_JAX_ROUTE", request.param)
    if request.param == "ffi" and djax._ffi_available() is not True:
        pytest.fail(f"XLA FFI route unavailable: {djax._ffi_available()}")
    assert djax.route() == request.param
    return request.param


# ---- parity bookkeeping -----------------------------------------------------------------

class ParityLog:
    """The largest |error| / tolerance-scale seen per reference and quantity."""

    def __init__(self) -> None:
        self.worst: dict[str, tuple[float, str]] = {}

    def record(self, key: str, error: float, where: str = "") -> None:
        if key not in self.worst or error > self.worst[key][0]:
            self.worst[key] = (float(error), where)


_PARITY = ParityLog()


@pytest.fixture(scope="session")
def parity() -> ParityLog:
    return _PARITY


def pytest_terminal_summary(terminalreporter):
    if not _PARITY.worst:
        return
    terminalreporter.section("diffauroc: largest measured parity errors")
    for key in sorted(_PARITY.worst):
        error, where = _PARITY.worst[key]
        terminalreporter.write_line(f"{key:<58} {error:.3e}  {where}")


def pytest_report_header(config):
    try:
        import diffauroc
        from diffauroc import _lib
    except ImportError as error:  # the tests that import it will report the error
        return f"diffauroc: not importable ({error})"
    return f"diffauroc {diffauroc.__version__}: {Path(diffauroc.__file__).parent}, library {_lib.path}"
