#!/usr/bin/env bash
# test_native.sh -- the native tests of libdiffauroc: C, C++, dlopen (the Julia path),
# header/export agreement, and a valgrind memcheck run.
#
#   bash scripts/test_native.sh
#
# Steps (each one counts once in the final "N passed, N failed" line):
#   build          swift build -c release (incremental; skip with DIFFAUROC_SKIP_BUILD=1)
#   compile+run    Tests/c/test_link.c    gcc -std=c99 -Wall -Wextra -Werror -pedantic;
#                                         run three times: as the CPU selects the core's
#                                         build, with DIFFAUROC_SCRATCH_POOL_BYTES=0 (no
#                                         cache of scratch blocks between calls), and with
#                                         DIFFAUROC_KERNELS=baseline (SSE2)
#   compile+run    Tests/c/test_link.cpp  g++ -std=c++17 -Wall -Wextra -Werror -pedantic
#   compile+run    Tests/c/test_dlopen.c  not linked; dlopen(.build/release/libdiffauroc.so)
#   compile+run    Tests/c/test_alloc_fail.c  a malloc shim fails the k-th allocation of a
#                                         call, for every k (two-thread paths included)
#   compile+run    Tests/c/test_delong.c  the DeLong exports (auroc_delong, _f32): statuses,
#                                         exact oracle; both CPU builds
#   compile+run    Tests/c/test_xla_ffi.c the XLA FFI handlers with hand-built call frames
#                                         (layout checked against jaxlib's c_api.h if found)
#   bench/c        timing.c (-Werror) and ab.sh: one library against itself, same values
#   exports        Tests/c/check_exports.sh  header prototypes == exported C symbols, no libswift*
#   valgrind       memcheck --leak-check=full on test_link and test_delong; failed checks, errors and definite/indirect
#                  leaks fail ("still reachable"/"possibly lost" blocks of the statically
#                  linked Swift runtime's metadata caches do not)
#
# Needs: swift (unless DIFFAUROC_SKIP_BUILD=1), gcc, g++, binutils (nm, readelf), ldd and
# valgrind. valgrind is required: scripts/setup.sh installs it with apt when missing; set
# DIFFAUROC_SKIP_VALGRIND=1 to skip that step explicitly (it then counts as neither).
# Exit status 1 if any step fails.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
lib_dir=$root/.build/release
lib=$lib_dir/libdiffauroc.so

passed=0
failed=0
failed_steps=()
results=()

step() {  # step NAME COMMAND...: runs one step, records the outcome
    local name=$1
    shift
    echo
    echo "---- $name"
    if "$@"; then
        passed=$((passed + 1))
        results+=("ok    $name")
    else
        failed=$((failed + 1))
        failed_steps+=("$name")
        results+=("FAIL  $name")
    fi
}

summary() {
    echo
    echo "==== native test summary"
    local r
    for r in "${results[@]}"; do echo "  $r"; done
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# Runs a test program, shows its output, and requires exit status 0 and a last line of
# the form "N passed, 0 failed".
run_program() {
    local out=$tmp/$(basename "$1").out rc
    "$@" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    if [ "$rc" -ne 0 ]; then
        echo "(exit status $rc)"
        return 1
    fi
    tail -n 1 "$out" | grep -qE '^[0-9]+ passed, 0 failed$' || {
        echo "(last line is not 'N passed, 0 failed')"
        return 1
    }
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/diffauroc-native.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---- build
if [ "${DIFFAUROC_SKIP_BUILD:-0}" = 1 ]; then
    echo "---- build: skipped (DIFFAUROC_SKIP_BUILD=1)"
    [ -f "$lib" ] || { echo "no library at $lib"; failed=1; results+=("FAIL  build"); summary; exit 1; }
else
    step "build: swift build -c release" swift build -c release
fi
if [ ! -f "$lib" ]; then
    echo "no library at $lib: nothing to test"
    summary
    exit 1
fi

CFLAGS=(-std=c99 -Wall -Wextra -Werror -pedantic -O2 -g -I "$root/include" -I "$root/Tests/c")
CXXFLAGS=(-std=c++17 -Wall -Wextra -Werror -pedantic -O2 -g -I "$root/include" -I "$root/Tests/c")
LINK=(-L "$lib_dir" -ldiffauroc "-Wl,-rpath,$lib_dir")

compile_link_c() {
    gcc "${CFLAGS[@]}" Tests/c/test_link.c -o "$tmp/test_link" "${LINK[@]}" -lm -pthread
}
compile_link_cpp() {
    g++ "${CXXFLAGS[@]}" Tests/c/test_link.cpp -o "$tmp/test_link_cpp" "${LINK[@]}" -pthread
}
compile_delong() {
    gcc "${CFLAGS[@]}" Tests/c/test_delong.c -o "$tmp/test_delong" "${LINK[@]}" -lm
}
compile_dlopen() {
    # deliberately not linked against libdiffauroc
    gcc "${CFLAGS[@]}" Tests/c/test_dlopen.c -o "$tmp/test_dlopen" -ldl -lm
}

# ---- C
step "compile Tests/c/test_link.c (C99)" compile_link_c
if [ -x "$tmp/test_link" ]; then
    step "run test_link (C)" run_program "$tmp/test_link"
    # the same checks on the SSE2 build of the core, which CPUs without AVX2 run
    step "run test_link (C), DIFFAUROC_SCRATCH_POOL_BYTES=0 (no scratch cache)" \
        run_program env DIFFAUROC_SCRATCH_POOL_BYTES=0 "$tmp/test_link"
    step "run test_link (C), DIFFAUROC_KERNELS=baseline" \
        run_program env DIFFAUROC_KERNELS=baseline "$tmp/test_link"
fi

# ---- C++
step "compile Tests/c/test_link.cpp (C++17)" compile_link_cpp
if [ -x "$tmp/test_link_cpp" ]; then
    step "run test_link_cpp (C++)" run_program "$tmp/test_link_cpp"
fi

# ---- dlopen (what julia/DiffAUROC.jl does)
step "compile Tests/c/test_dlopen.c" compile_dlopen
if [ -x "$tmp/test_dlopen" ]; then
    step "run test_dlopen (dlopen/dlsym, the Julia ccall path)" run_program "$tmp/test_dlopen" "$lib"
fi

# ---- DeLong
step "compile Tests/c/test_delong.c" compile_delong
if [ -x "$tmp/test_delong" ]; then
    step "run test_delong (C)" run_program "$tmp/test_delong"
    step "run test_delong (C), DIFFAUROC_KERNELS=baseline" \
        run_program env DIFFAUROC_KERNELS=baseline "$tmp/test_delong"
fi
step "compile+run Tests/c/test_summary.c (mergeable summaries; both CPU builds)" eval 'gcc "${CFLAGS[@]}" Tests/c/test_summary.c -o "$tmp/test_summary" "${LINK[@]}" -lm && run_program "$tmp/test_summary" && run_program env DIFFAUROC_KERNELS=baseline "$tmp/test_summary"'
step "compile+run Tests/c/test_hessian.c (Hessian-vector products; both CPU builds)" eval 'gcc "${CFLAGS[@]}" Tests/c/test_hessian.c -o "$tmp/test_hessian" "${LINK[@]}" -lm && run_program "$tmp/test_hessian" && run_program env DIFFAUROC_KERNELS=baseline "$tmp/test_hessian"'

# ---- every allocation failing in turn (malloc shim linked into the test program)
compile_alloc_fail() {
    # -rdynamic: the program's malloc family is what the library binds to
    gcc "${CFLAGS[@]}" -rdynamic Tests/c/test_alloc_fail.c -o "$tmp/test_alloc_fail" "${LINK[@]}" -lm -pthread
}
step "compile Tests/c/test_alloc_fail.c" compile_alloc_fail
if [ -x "$tmp/test_alloc_fail" ]; then
    step "run test_alloc_fail (k-th allocation fails, every k: E_NO_MEMORY or same bits, never abort)" \
        run_program "$tmp/test_alloc_fail"
fi
step "compile+run Tests/c/test_summary_alloc.c (summaries: k-th allocation fails, E_NO_MEMORY, outputs untouched)" \
    eval 'gcc "${CFLAGS[@]}" -rdynamic Tests/c/test_summary_alloc.c -o "$tmp/test_summary_alloc" "${LINK[@]}" -lm -pthread && run_program "$tmp/test_summary_alloc"'
step "compile+run Tests/c/test_columns_alloc_fail.c (column exports: k-th allocation fails, E_NO_MEMORY or same bits)" \
    eval 'gcc "${CFLAGS[@]}" -rdynamic Tests/c/test_columns_alloc_fail.c -o "$tmp/test_columns_alloc_fail" "${LINK[@]}" -lm -pthread && run_program "$tmp/test_columns_alloc_fail"'

# ---- XLA FFI handlers called from C (hand-built call frames)
compile_xla_ffi() {
    gcc "${CFLAGS[@]}" Tests/c/test_xla_ffi.c -o "$tmp/test_xla_ffi" "${LINK[@]}" -lm
}
step "compile Tests/c/test_xla_ffi.c" compile_xla_ffi
if [ -x "$tmp/test_xla_ffi" ]; then
    step "run test_xla_ffi (XLA FFI handlers: NULL frame/API, messages, values)" \
        run_program "$tmp/test_xla_ffi"
fi
# The test's frame layout against XLA's own header, where jaxlib is installed.
xla_include=$("$root/.venv/bin/python" -c "import jax.ffi; print(jax.ffi.include_dir())" 2>/dev/null || true)
if [ -n "$xla_include" ] && [ -f "$xla_include/xla/ffi/api/c_api.h" ]; then
    step "test_xla_ffi.c frame layout == xla/ffi/api/c_api.h" \
        gcc -std=c11 -Wall -Wextra -Werror -fsyntax-only -DDIFFAUROC_TEST_XLA_HEADER \
        -I "$root/include" -I "$root/Tests/c" -I "$xla_include" Tests/c/test_xla_ffi.c
else
    echo "---- (jaxlib's xla/ffi/api/c_api.h not found: test_xla_ffi.c layout not compared)"
fi

# ---- the A/B timing tools (bench/c): they build with -Werror, and two processes of one
# library give the same values (ab.sh exits 1 otherwise)
ab_same_library() {
    ln -sf "$lib" "$tmp/same.so"
    TMPDIR=$tmp bash bench/c/ab.sh 1 "$lib" "$tmp/same.so" -- exact 3000 3 f32 100 &&
        TMPDIR=$tmp bash bench/c/ab.sh 1 "$lib" "$tmp/same.so" -- exact 3000 3 weighted &&
        TMPDIR=$tmp bash bench/c/ab.sh 1 "$lib" "$tmp/same.so" -- soft 3000 3 1e-3 weighted
}
step "bench/c: timing.c builds, ab.sh gives one library's two processes the same values" ab_same_library

# ---- header vs exports
step "check_exports: header prototypes == exported C symbols; no libswift*" \
    bash Tests/c/check_exports.sh "$lib" "$root/include/diffauroc.h"

# ---- valgrind
run_valgrind() {  # run_valgrind PROGRAM
    local program=$1 name
    name=$(basename "$program")
    if ! command -v valgrind >/dev/null 2>&1; then
        echo "valgrind not found: install it (scripts/setup.sh does, via apt) or set DIFFAUROC_SKIP_VALGRIND=1"
        return 1
    fi
    # DIFFAUROC_TEST_VALGRIND: skip the allocation-failure test (RLIMIT_AS in forked
    # children means nothing under valgrind, which manages the address space itself) and
    # the largest oracle comparisons, and run fewer thread rounds.
    # --error-exitcode=97 tells memcheck's verdict apart from the program's own exit
    # status (1 when a check fails). A check that fails only under valgrind is a failure
    # too: the run draws other random cases than the native one (it skips some tests),
    # so it is not a repeat of the native run.
    DIFFAUROC_TEST_VALGRIND=1 valgrind --tool=memcheck --leak-check=full \
        --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
        --error-exitcode=97 --track-origins=yes "$program" >"$tmp/valgrind-$name.out" 2>&1
    local rc=$?
    grep -vE '^(ok  |==[0-9]+==    (at|by) )' "$tmp/valgrind-$name.out" | tail -n 25
    if [ "$rc" -eq 97 ] || ! grep -qE 'ERROR SUMMARY: 0 errors' "$tmp/valgrind-$name.out"; then
        echo "(memcheck found errors or definite/indirect leaks)"
        return 1
    fi
    if [ "$rc" -eq 1 ]; then
        echo "(memcheck clean, but checks of $name failed under valgrind: FAIL lines above)"
        return 1
    fi
    if [ "$rc" -ne 0 ]; then
        echo "($name under valgrind ended abnormally: exit status $rc)"
        return 1
    fi
    return 0
}
if [ "${DIFFAUROC_SKIP_VALGRIND:-0}" = 1 ]; then
    echo
    echo "---- valgrind: skipped (DIFFAUROC_SKIP_VALGRIND=1)"
else
    for program in test_link test_delong test_hessian test_summary; do
        if [ -x "$tmp/$program" ]; then
            step "valgrind memcheck of $program (errors, definite/indirect leaks)" \
                run_valgrind "$tmp/$program"
        fi
    done
fi

summary
