"""Build script of the diffauroc package: compiles the Swift library and bundles it.

Where the native sources are (``native_root()``):

- in a repository checkout, the parent of this folder (``pip install ./python`` from the
  root; pip >= 21.3 builds in place, so this file's parent's parent is the repository);
- in an sdist, beside this file: the ``sdist`` command below copies ``Package.swift``,
  ``Sources/`` (the ``DiffAUROCCoreAVX2`` link kept as a symbolic link),
  ``Tests/DiffAUROCCoreTests/`` (a target of Package.swift), ``include/`` and
  ``scripts/build_dist.sh`` into the sdist's root, which MANIFEST.in cannot reach.

Building runs ``scripts/build_dist.sh``: the release build in ``.build-dist/`` with the
SONAME ``libdiffauroc.so.<MAJOR>`` and no debug information or static symbol table, the
library that every distribution of diffauroc ships. ``build_py`` copies it into the built
package (``diffauroc/libdiffauroc.so``); an editable install (``pip install -e ./python``)
puts it into the source package instead, where the editable import finds it.

The wheel is tagged ``py3-none-<platform>``: the .so is not a CPython extension, so any
Python 3 on the platform can load it. ``scripts/build_wheel.sh`` turns ``linux_x86_64``
into the manylinux tag with ``auditwheel repair``.

The version is DIFFAUROC_VERSION_STRING of include/diffauroc.h, so the package, the header
and the library (``diffauroc.__version__`` comes from ``diffauroc_version()``) cannot drift
apart unnoticed (python/tests/test_api.py checks all three).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist
from setuptools.dist import Distribution

PYTHON_DIR = Path(__file__).resolve().parent
LIBRARY_NAME = "libdiffauroc.so"
BUILD_SCRIPT = Path("scripts") / "build_dist.sh"
# What the sdist needs besides the Python package to build the library: files, and trees
# copied whole (symbolic links kept as links).
NATIVE_FILES = [Path("Package.swift"), Path("include") / "diffauroc.h", BUILD_SCRIPT]
NATIVE_TREES = [Path("Sources"), Path("Tests") / "DiffAUROCCoreTests"]


def native_root() -> Path:
    """The folder holding Package.swift: this one in an sdist, its parent in a checkout."""
    for candidate in (PYTHON_DIR, PYTHON_DIR.parent):
        if all((candidate / file).is_file() for file in NATIVE_FILES):
            return candidate
    raise RuntimeError(
        f"neither {PYTHON_DIR} nor {PYTHON_DIR.parent} holds the Swift package "
        f"({', '.join(map(str, NATIVE_FILES))}): build diffauroc from the repository "
        "checkout (pip install ./python from its root) or from its sdist, not from a copy "
        "of python/ alone"
    )


def header_version() -> str:
    """DIFFAUROC_VERSION_STRING from the C header (the single source of the version)."""
    header = native_root() / "include" / "diffauroc.h"
    match = re.search(r'#define\s+DIFFAUROC_VERSION_STRING\s+"([^"]+)"', header.read_text())
    if match is None:
        raise RuntimeError(f"DIFFAUROC_VERSION_STRING not found in {header}")
    return match.group(1)


def build_swift_library() -> Path:
    """Runs scripts/build_dist.sh; returns the library it built (its last stdout line)."""
    root = native_root()
    if shutil.which("swift") is None:
        raise RuntimeError(
            "the Swift toolchain is needed to build libdiffauroc.so, but `swift` is not on "
            "PATH (https://www.swift.org/install/); a manylinux wheel of diffauroc needs "
            "no toolchain"
        )
    result = subprocess.run(
        ["bash", str(root / BUILD_SCRIPT)], cwd=root, check=True,
        stdout=subprocess.PIPE, text=True,
    )
    lines = result.stdout.strip().splitlines()
    library = Path(lines[-1]) if lines else None
    if library is None or not library.is_file():
        raise RuntimeError(f"{BUILD_SCRIPT} printed no built library: {result.stdout!r}")
    return library


class BuildPyWithLibrary(build_py):
    """build_py that also builds the Swift library and copies it into the package."""

    def run(self) -> None:
        editable = getattr(self, "editable_mode", False)
        if not editable:
            # pip builds in place (python/build/): start from an empty package directory
            # so that a module deleted from the sources is not shipped from an earlier build.
            shutil.rmtree(Path(self.build_lib) / "diffauroc", ignore_errors=True)
        super().run()
        try:
            library = build_swift_library()
        except (OSError, RuntimeError, subprocess.CalledProcessError) as error:
            # setuptools' editable_wheel runs build_py under `except Exception` and turns
            # a failure into a warning, so `pip install -e` would report success with no
            # library; SystemExit (as setup() itself raises for errors) is not caught.
            raise SystemExit(f"error: building libdiffauroc.so failed: {error}") from error
        # An editable install imports the source package, so the library goes there
        # (python/diffauroc/libdiffauroc.so, ignored by git).
        package = PYTHON_DIR / "diffauroc" if editable else Path(self.build_lib) / "diffauroc"
        destination = package / LIBRARY_NAME
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(library, destination)
        os.chmod(destination, 0o755)
        print(f"bundled {library} as {destination}")


class SdistWithNativeSources(sdist):
    """sdist that also holds the Swift package, so it builds on any machine with Swift."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        root = native_root()
        base = Path(base_dir)
        for file in NATIVE_FILES:
            self._copy(root / file, base / file, root)
        for tree in NATIVE_TREES:
            for directory, subdirectories, names in os.walk(root / tree):
                source_dir = Path(directory)
                target_dir = base / source_dir.relative_to(root)
                for name in sorted(subdirectories + names):
                    if name.startswith(".") or name == "__pycache__":
                        continue
                    source = source_dir / name
                    if source.is_symlink() or source.is_file():
                        self._copy(source, target_dir / name, root)
                subdirectories[:] = [
                    d for d in subdirectories
                    if not d.startswith(".") and not (source_dir / d).is_symlink()
                ]

    @staticmethod
    def _copy(source: Path, target: Path, root: Path) -> None:
        """Copies a file, or recreates a symbolic link as the same (relative) link."""
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.exists():
            target.unlink()
        if source.is_symlink():
            link = os.readlink(source)
            if os.path.isabs(link) or not (source.parent / link).resolve().is_relative_to(
                root.resolve()
            ):
                raise RuntimeError(f"{source} links outside the Swift package: {link}")
            os.symlink(link, target)
        else:
            shutil.copy2(source, target)


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
    cmdclass={
        "build_py": BuildPyWithLibrary,
        "sdist": SdistWithNativeSources,
        "bdist_wheel": PlatformWheel,
    },
)
