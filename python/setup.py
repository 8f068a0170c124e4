"""Build script of the diffauroc wheel: compiles the Swift library and bundles it.

``pip install ./python`` (from the repository root; pip >= 21.3 builds in place, so this
file's parent's parent is the repository) runs ``swift build -c release`` in the
repository root and copies ``libdiffauroc.so`` into the built ``diffauroc/`` package. The
wheel is therefore platform specific (``py3-none-<platform>``: the .so is not a CPython
extension, so any Python 3 on that platform can load it) and installs to platlib.

The version is DIFFAUROC_VERSION_STRING of include/diffauroc.h, so the package, the header
and the library (``diffauroc.__version__`` comes from ``diffauroc_version()``) cannot drift
apart unnoticed (python/tests/test_api.py checks all three).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:  # setuptools >= 70.1 ships bdist_wheel; older ones take it from `wheel`
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # pragma: no cover - depends on the build environment
    from wheel.bdist_wheel import bdist_wheel

PYTHON_DIR = Path(__file__).resolve().parent
REPOSITORY = PYTHON_DIR.parent
HEADER = REPOSITORY / "include" / "diffauroc.h"
LIBRARY_NAME = "libdiffauroc.so"


def header_version() -> str:
    """DIFFAUROC_VERSION_STRING from the C header (the single source of the version)."""
    match = re.search(r'#define\s+DIFFAUROC_VERSION_STRING\s+"([^"]+)"', HEADER.read_text())
    if match is None:
        raise RuntimeError(f"DIFFAUROC_VERSION_STRING not found in {HEADER}")
    return match.group(1)


def build_swift_library() -> Path:
    """Runs ``swift build -c release`` in the repository root; returns the built .so."""
    if not (REPOSITORY / "Package.swift").is_file():
        raise RuntimeError(
            f"{REPOSITORY} has no Package.swift: build the diffauroc wheel from the "
            "repository checkout (pip install ./python from its root), not from a copy "
            "of python/ alone"
        )
    swift = shutil.which("swift")
    if swift is None:
        raise RuntimeError(
            "the Swift toolchain is needed to build libdiffauroc.so, but `swift` is not on "
            "PATH (https://www.swift.org/install/)"
        )
    subprocess.run([swift, "build", "-c", "release"], cwd=REPOSITORY, check=True)
    bin_path = subprocess.run(
        [swift, "build", "-c", "release", "--show-bin-path"],
        cwd=REPOSITORY, check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]
    library = Path(bin_path) / LIBRARY_NAME
    if not library.is_file():
        raise RuntimeError(f"swift build succeeded but {library} does not exist")
    return library


class BuildPyWithLibrary(build_py):
    """build_py that also builds the Swift library and copies it into the package."""

    def run(self) -> None:
        # pip builds in place (python/build/): start from an empty package directory so
        # that a module deleted from the sources is not shipped from an earlier build.
        shutil.rmtree(Path(self.build_lib) / "diffauroc", ignore_errors=True)
        super().run()
        library = build_swift_library()
        destination = Path(self.build_lib) / "diffauroc" / LIBRARY_NAME
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(library, destination)
        print(f"bundled {library} as {destination}")


class BinaryDistribution(Distribution):
    """Marks the distribution as binary: built to, and installed in, platlib."""

    def has_ext_modules(self) -> bool:
        return True


class PlatformWheel(bdist_wheel):
    """Tags the wheel py3-none-<platform>: it holds a native library, no CPython ABI."""

    def get_tag(self) -> tuple[str, str, str]:
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(
    version=header_version(),
    distclass=BinaryDistribution,
    cmdclass={"build_py": BuildPyWithLibrary, "bdist_wheel": PlatformWheel},
)
