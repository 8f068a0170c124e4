#!/usr/bin/env bash
# Installs libdiffauroc for C and C++ programs under a prefix:
#
#   bash scripts/install.sh PREFIX          e.g. /usr/local, $HOME/.local, /opt/diffauroc
#   DESTDIR=/tmp/stage bash scripts/install.sh /usr    staged, as packagers do
#
# writes (VERSION from include/diffauroc.h, MAJOR its first number):
#
#   PREFIX/lib/libdiffauroc.so.VERSION       the library (SONAME libdiffauroc.so.MAJOR, stripped)
#   PREFIX/lib/libdiffauroc.so.MAJOR         -> libdiffauroc.so.VERSION (what programs load)
#   PREFIX/lib/libdiffauroc.so               -> libdiffauroc.so.MAJOR   (what -ldiffauroc finds)
#   PREFIX/include/diffauroc.h               the C contract
#   PREFIX/lib/pkgconfig/diffauroc.pc        for pkg-config --cflags --libs diffauroc
#   PREFIX/lib/cmake/diffauroc/diffauroc-config.cmake          find_package(diffauroc),
#   PREFIX/lib/cmake/diffauroc/diffauroc-config-version.cmake  target diffauroc::diffauroc
#
# Every installed file is relocatable (no absolute path inside), so the prefix can be moved.
# The library comes from scripts/build_dist.sh (Swift toolchain needed; the installed
# library needs none). Nothing is written into the repository except the build folder
# .build-dist/ (git-ignored). Prints each installed path.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: bash scripts/install.sh PREFIX   (e.g. /usr/local or \$HOME/.local)" >&2
    exit 2
fi
prefix=$1
case "$prefix" in
    /*) ;;
    *) prefix=$(cd "$(dirname "$prefix")" 2>/dev/null && pwd)/$(basename "$prefix") || {
           echo "install.sh: the parent folder of $1 does not exist" >&2; exit 2; } ;;
esac
root=${DESTDIR:-}$prefix

header=$here/include/diffauroc.h
version=$(sed -n 's/^#define DIFFAUROC_VERSION_STRING "\([0-9.]*\)"$/\1/p' "$header")
major=$(sed -n 's/^#define DIFFAUROC_VERSION_MAJOR \([0-9]*\)$/\1/p' "$header")
[ -n "$version" ] && [ -n "$major" ] || { echo "install.sh: no version in $header" >&2; exit 1; }

library=$(bash "$here/scripts/build_dist.sh" | tail -n 1)
[ -f "$library" ] || { echo "install.sh: build_dist.sh built no library ($library)" >&2; exit 1; }
soname=$(readelf -d "$library" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libdiffauroc.so.$major" ] || {
    echo "install.sh: $library has SONAME '$soname', expected libdiffauroc.so.$major" >&2; exit 1; }

substitute() {  # substitute TEMPLATE OUTPUT: @VERSION@ and @MAJOR@ filled in
    sed -e "s/@VERSION@/$version/g" -e "s/@MAJOR@/$major/g" "$1" >"$2"
    chmod 644 "$2"
    echo "$2"
}

mkdir -p "$root/lib/pkgconfig" "$root/lib/cmake/diffauroc" "$root/include"
install -m 755 "$library" "$root/lib/libdiffauroc.so.$version"
echo "$root/lib/libdiffauroc.so.$version"
ln -sfn "libdiffauroc.so.$version" "$root/lib/libdiffauroc.so.$major"
echo "$root/lib/libdiffauroc.so.$major -> libdiffauroc.so.$version"
ln -sfn "libdiffauroc.so.$major" "$root/lib/libdiffauroc.so"
echo "$root/lib/libdiffauroc.so -> libdiffauroc.so.$major"
install -m 644 "$header" "$root/include/diffauroc.h"
echo "$root/include/diffauroc.h"
substitute "$here/cmake/diffauroc.pc.in" "$root/lib/pkgconfig/diffauroc.pc"
substitute "$here/cmake/diffauroc-config.cmake.in" "$root/lib/cmake/diffauroc/diffauroc-config.cmake"
substitute "$here/cmake/diffauroc-config-version.cmake.in" \
    "$root/lib/cmake/diffauroc/diffauroc-config-version.cmake"
