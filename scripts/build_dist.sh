#!/usr/bin/env bash
# Builds the distributable libdiffauroc.so and prints its absolute path as the last line
# of stdout (the build log goes to stderr).
#
#   lib=$(bash scripts/build_dist.sh | tail -n 1)
#
# The same release build as `swift build -c release`, in its own scratch path
# (.build-dist/, nothing is written elsewhere in the repository), linked with
#   -soname=libdiffauroc.so.<MAJOR>  MAJOR = DIFFAUROC_VERSION_MAJOR of include/diffauroc.h;
#                                    the SONAME is also the base name of the library's
#                                    version definition (readelf -V), which is otherwise
#                                    the absolute path of the build folder;
#   -s                               no debug information and no static symbol table
#                                    (10.8 MB -> 6.4 MB); the dynamic symbols, the C
#                                    exports of the header, stay.
# The development build (.build/release, used by the tests) is left as it is: the flags are
# given on this command line only, not in Package.swift.
#
# Used by the wheel (python/setup.py, scripts/build_wheel.sh) and by the C/C++ install
# (scripts/install.sh). DIFFAUROC_DIST_SCRATCH overrides the scratch path.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

header=include/diffauroc.h
major=$(sed -n 's/^#define[[:space:]]\{1,\}DIFFAUROC_VERSION_MAJOR[[:space:]]\{1,\}\([0-9]\{1,\}\).*/\1/p' "$header")
if [ -z "$major" ]; then
    echo "build_dist.sh: DIFFAUROC_VERSION_MAJOR not found in $header" >&2
    exit 1
fi
soname="libdiffauroc.so.$major"
scratch=${DIFFAUROC_DIST_SCRATCH:-$root/.build-dist}

command -v swift >/dev/null 2>&1 || {
    echo "build_dist.sh: the Swift toolchain is needed, but \`swift\` is not on PATH" \
        "(https://www.swift.org/install/)" >&2
    exit 1
}

flags=(-c release --scratch-path "$scratch" -Xlinker "-soname=$soname" -Xlinker -s)
swift build "${flags[@]}" >&2
bin=$(swift build "${flags[@]}" --show-bin-path | tail -n 1)
lib="$bin/libdiffauroc.so"
[ -f "$lib" ] || { echo "build_dist.sh: swift build succeeded but $lib is missing" >&2; exit 1; }

# The link flags took effect (a cached link from other flags would not have them).
got=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ "$got" != "$soname" ]; then
    echo "build_dist.sh: $lib has SONAME '$got', expected '$soname'" >&2
    exit 1
fi
if readelf -S "$lib" | grep -qE '\.debug_|\.symtab'; then
    echo "build_dist.sh: $lib still has debug information or a static symbol table" >&2
    exit 1
fi
echo "$lib"
