#!/usr/bin/env bash
# test_install.sh -- the C and C++ install (scripts/install.sh) as a user meets it:
#
#   bash scripts/test_install.sh
#
# installs into a fresh temporary prefix and checks, one step each:
#   layout        lib/libdiffauroc.so.VERSION, its .so.MAJOR and .so links, the header, the
#                 pkg-config file and the CMake package files, nothing else
#   library       SONAME libdiffauroc.so.MAJOR, the version definition named by it, stripped
#                 (no .symtab, no .debug_*), no path of this machine's build inside, the
#                 exports of include/diffauroc.h (Tests/c/check_exports.sh)
#   pkg-config    the README's C example (examples/example.c) compiled with
#                 `pkg-config --cflags --libs diffauroc` outside the repository, run, and its
#                 output compared with the values worked out by hand in its comment
#   CMake         Tests/install/cmake (C++17, find_package(diffauroc 0.1), target
#                 diffauroc::diffauroc) configured, built and run
#   version       find_package(diffauroc <next major>) is refused by the version file
#   relocation    the prefix moved elsewhere: pkg-config and CMake find it at its new place
#   DESTDIR       a staged install (DESTDIR=... install.sh /usr) writes only under DESTDIR
#   repository    the install leaves no file in the checkout (git status unchanged)
#   usage         no prefix: exit status 2 and a usage line
# Needs: swift, cc, c++, cmake, pkg-config, readelf. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
header=$root/include/diffauroc.h
version=$(sed -n 's/^#define DIFFAUROC_VERSION_STRING "\([0-9.]*\)"$/\1/p' "$header")
major=$(sed -n 's/^#define DIFFAUROC_VERSION_MAJOR \([0-9]*\)$/\1/p' "$header")
expected_example="exact 0.7500 soft 0.8207 d/ds0 -0.1775"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/diffauroc-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
passed=0
failed=0
results=()
step() {  # step NAME COMMAND...
    local name=$1; shift
    echo
    echo "---- $name"
    if "$@"; then passed=$((passed + 1)); results+=("ok    $name")
    else failed=$((failed + 1)); results+=("FAIL  $name"); fi
}
fail() { echo "$*"; return 1; }

status_before=$(git status --porcelain 2>/dev/null)

install_prefix() {
    bash scripts/install.sh "$prefix" || fail "install.sh failed"
}

check_layout() {
    local lib=$prefix/lib
    [ -f "$lib/libdiffauroc.so.$version" ] && [ ! -L "$lib/libdiffauroc.so.$version" ] ||
        fail "no regular file lib/libdiffauroc.so.$version" || return 1
    [ "$(readlink "$lib/libdiffauroc.so.$major")" = "libdiffauroc.so.$version" ] ||
        fail "lib/libdiffauroc.so.$major does not link to libdiffauroc.so.$version" || return 1
    [ "$(readlink "$lib/libdiffauroc.so")" = "libdiffauroc.so.$major" ] ||
        fail "lib/libdiffauroc.so does not link to libdiffauroc.so.$major" || return 1
    cmp -s "$header" "$prefix/include/diffauroc.h" || fail "include/diffauroc.h differs" || return 1
    local want got
    want=$(printf '%s\n' include/diffauroc.h lib/cmake/diffauroc/diffauroc-config-version.cmake \
        lib/cmake/diffauroc/diffauroc-config.cmake lib/libdiffauroc.so "lib/libdiffauroc.so.$major" \
        "lib/libdiffauroc.so.$version" lib/pkgconfig/diffauroc.pc)
    got=$(cd "$prefix" && find . \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort)
    [ "$got" = "$want" ] || { echo "installed files:"; echo "$got"; echo "expected:"; echo "$want"; return 1; }
    if grep -rq "$tmp" "$prefix/lib/pkgconfig" "$prefix/lib/cmake"; then
        fail "an installed text file names the prefix (not relocatable)"
    fi
}

check_library() {
    local so=$prefix/lib/libdiffauroc.so.$version
    local soname
    soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    [ "$soname" = "libdiffauroc.so.$major" ] || fail "SONAME is '$soname'" || return 1
    # the version definition of the object itself (index 1) is named by the SONAME
    readelf -V "$so" | grep -A3 '\.gnu\.version_d' | grep -q "Name: libdiffauroc.so.$major" ||
        { readelf -V "$so" | head -20; fail "version definition not named libdiffauroc.so.$major"; } || return 1
    if readelf -S "$so" | grep -qE '\.symtab|\.debug_'; then
        fail "not stripped: $(readelf -S "$so" | grep -oE '\.symtab|\.debug_[a-z]+' | tr '\n' ' ')"
        return 1
    fi
    if strings -a "$so" | grep -qF "$root"; then
        fail "the library names this checkout's path: $(strings -a "$so" | grep -F "$root" | head -3)"
        return 1
    fi
    echo "SONAME $soname, stripped, $(stat -c %s "$so") bytes, no build path"
    bash Tests/c/check_exports.sh "$so" "$header"
}

check_pkg_config() {
    export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
    [ "$(pkg-config --modversion diffauroc)" = "$version" ] || fail "pkg-config --modversion" || return 1
    local libdir
    libdir=$(pkg-config --variable=libdir diffauroc)
    (cd "$tmp" && cc -std=c99 -Wall -Wextra -Werror "$root/examples/example.c" \
        $(pkg-config --cflags --libs diffauroc) -Wl,-rpath,"$libdir" -o "$tmp/example") ||
        fail "compiling examples/example.c with pkg-config" || return 1
    readelf -d "$tmp/example" | grep -q "NEEDED.*\[libdiffauroc.so.$major\]" ||
        fail "the program does not need libdiffauroc.so.$major" || return 1
    local got
    got=$("$tmp/example") || fail "examples/example.c exited with $?" || return 1
    echo "$got"
    [ "$got" = "$expected_example" ] || fail "expected: $expected_example"
}

cmake_consumer() {  # cmake_consumer PREFIX BUILD_DIR
    cmake -S "$root/Tests/install/cmake" -B "$2" -DCMAKE_PREFIX_PATH="$1" >"$2.log" 2>&1 &&
        cmake --build "$2" >>"$2.log" 2>&1 || { cat "$2.log"; fail "CMake configure/build failed"; }
}

check_cmake() {
    cmake_consumer "$prefix" "$tmp/cmake-build" || return 1
    local got
    got=$("$tmp/cmake-build/consumer") || fail "consumer exited with $?" || return 1
    echo "$got"
    [[ "$got" == "diffauroc $version exact 0.7500 soft 0.8207 bad label: "* ]] ||
        fail "unexpected output"
}

check_version_refused() {
    mkdir -p "$tmp/version-src"
    cat >"$tmp/version-src/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(version_check LANGUAGES NONE)
find_package(diffauroc $((major + 1)).0 REQUIRED)
CMAKE
    if cmake -S "$tmp/version-src" -B "$tmp/version-build" -DCMAKE_PREFIX_PATH="$prefix" \
        >"$tmp/version.log" 2>&1; then
        fail "find_package(diffauroc $((major + 1)).0) succeeded against $version"
        return 1
    fi
    grep -q "$version" "$tmp/version.log" || { cat "$tmp/version.log"; fail "no version in the error"; }
}

check_relocation() {
    mv "$prefix" "$tmp/moved"
    local ok=0
    PKG_CONFIG_PATH=$tmp/moved/lib/pkgconfig pkg-config --cflags diffauroc | grep -q -- "-I$tmp/moved/lib/pkgconfig/../../include" ||
        { echo "pkg-config after the move: $(PKG_CONFIG_PATH=$tmp/moved/lib/pkgconfig pkg-config --cflags diffauroc)"; ok=1; }
    if [ $ok -eq 0 ]; then
        cmake_consumer "$tmp/moved" "$tmp/cmake-moved" && "$tmp/cmake-moved/consumer" || ok=1
    fi
    mv "$tmp/moved" "$prefix"
    return $ok
}

check_destdir() {
    DESTDIR=$tmp/stage bash scripts/install.sh /usr >/dev/null || fail "staged install failed" || return 1
    [ -f "$tmp/stage/usr/lib/libdiffauroc.so.$version" ] && [ -f "$tmp/stage/usr/include/diffauroc.h" ] &&
        [ -f "$tmp/stage/usr/lib/cmake/diffauroc/diffauroc-config.cmake" ] ||
        fail "staged files missing under $tmp/stage/usr"
}

check_repository() {
    local after
    after=$(git status --porcelain 2>/dev/null)
    [ "$after" = "$status_before" ] || { echo "git status changed:"; diff <(echo "$status_before") <(echo "$after"); return 1; }
}

check_usage() {
    local rc=0
    bash scripts/install.sh >"$tmp/usage.out" 2>&1 || rc=$?
    [ "$rc" -eq 2 ] && grep -q "usage:" "$tmp/usage.out" || fail "exit status $rc: $(cat "$tmp/usage.out")"
}

step "install.sh into a fresh prefix" install_prefix
step "layout of the prefix" check_layout
step "library: SONAME, stripped, no build path, exports" check_library
step "pkg-config consumer: README C example" check_pkg_config
step "CMake consumer: find_package(diffauroc), C++17" check_cmake
step "CMake refuses another major version" check_version_refused
step "relocated prefix found by pkg-config and CMake" check_relocation
step "DESTDIR staging" check_destdir
step "the checkout is left as it was" check_repository
step "usage error without a prefix" check_usage

echo
echo "==== install test summary"
for r in "${results[@]}"; do echo "  $r"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
