#!/usr/bin/env bash
# test_sanitizers.sh -- libdiffauroc under AddressSanitizer (+ LeakSanitizer) and
# ThreadSanitizer.
#
#   bash scripts/test_sanitizers.sh
#
# Steps (each counts once in the final "N passed, N failed" line):
#   ASan build    swift build -c release --scratch-path .build-fuzz -Xswiftc -sanitize=address
#                 -Xswiftc -sanitize-coverage=...: the library scripts/fuzz.sh fuzzes (built
#                 once for both scripts; the coverage counters are inert without libFuzzer)
#   test_link     Tests/c/test_link.c (the C suite of scripts/test_native.sh, same flags but
#                 compiled by the toolchain's clang with -fsanitize=address) against it, run
#                 as the CPU selects the core's build and with DIFFAUROC_KERNELS=baseline;
#                 LeakSanitizer on (detect_leaks=1). DIFFAUROC_TEST_SKIP_OOM=1: its
#                 allocation-failure test caps RLIMIT_AS, which ASan's shadow memory cannot
#                 live under (that test runs in scripts/test_native.sh without ASan)
#   threads/ASan  Tests/sanitizers/test_threads.c against the ASan build
#   TSan build    swift build -c release --scratch-path .build-tsan -Xswiftc -sanitize=thread
#   threads/TSan  Tests/sanitizers/test_threads.c (-fsanitize=thread): 4 threads calling
#                 every export at once on shared inputs, at sizes that take the library's
#                 own two-thread paths, bits compared with single-thread results;
#                 TSAN_OPTIONS halt_on_error=1, with Tests/sanitizers/tsan.supp (each entry
#                 says why it is a false positive)
# Any sanitizer report fails its step (the sanitizers exit non-zero). Exit status 1 if any
# step fails. DIFFAUROC_SKIP_BUILD=1 reuses .build-fuzz and .build-tsan as they are.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

passed=0
failed=0
results=()
step() {  # step NAME COMMAND...
    local name=$1
    shift
    echo
    echo "---- $name"
    local t0=$SECONDS
    if "$@"; then
        passed=$((passed + 1)); results+=("ok    $name ($((SECONDS - t0)) s)")
    else
        failed=$((failed + 1)); results+=("FAIL  $name ($((SECONDS - t0)) s)")
    fi
}
summary() {
    echo
    echo "==== sanitizer test summary"
    local r
    for r in "${results[@]}"; do echo "  $r"; done
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# the Swift toolchain's clang: its compiler-rt has libFuzzer and the sanitizer runtimes
# matching swiftc's instrumentation (CLANG=... overrides)
clang=${CLANG:-$(dirname "$(readlink -f "$(command -v swift)")")/clang}
[ -x "$clang" ] || clang=$(command -v clang)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/diffauroc-sanitizers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

build() {  # build SCRATCH SWIFTC-FLAGS...
    local scratch=$root/$1
    shift
    local -a flags=()
    local f
    for f in "$@"; do flags+=(-Xswiftc "$f"); done
    local stamp=$scratch/flags
    # SwiftPM does not rebuild when only -Xswiftc flags change: start over if they differ
    # (build products only; scripts/fuzz.sh keeps its corpus in the same scratch path)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "${flags[*]}" ]; then
        rm -rf "$scratch/release" "$scratch"/x86_64-* "$scratch"/aarch64-* "$scratch/build.db"
    fi
    mkdir -p "$scratch"
    swift build -c release --scratch-path "$scratch" "${flags[@]}" 2>&1 | tail -n 3
    [ "${PIPESTATUS[0]}" -eq 0 ] && echo "${flags[*]}" >"$stamp" && [ -f "$scratch/release/libdiffauroc.so" ]
}

# Runs a test program and requires exit status 0 and a last line "N passed, 0 failed".
run_program() {
    local out=$tmp/run.out rc
    "$@" >"$out" 2>&1
    rc=$?
    grep -vE '^ok ' "$out" | tail -n 40
    if [ "$rc" -ne 0 ]; then echo "(exit status $rc)"; return 1; fi
    tail -n 1 "$out" | grep -qE '^[0-9]+ passed, 0 failed$' || {
        echo "(last line is not 'N passed, 0 failed')"; return 1; }
}

CFLAGS=(-std=c99 -Wall -Wextra -Werror -pedantic -O1 -g -fno-omit-frame-pointer -fuse-ld=lld
        -I "$root/include" -I "$root/Tests/c")

# ---- AddressSanitizer + LeakSanitizer
# The ASan library is the one scripts/fuzz.sh builds (same scratch path and flags, so
# whichever script runs second finds it built): -sanitize=address plus libFuzzer's
# coverage counters, which do nothing without libFuzzer (the ASan runtime defines their
# callbacks as no-ops).
asan_lib=$root/.build-fuzz/release
if [ "${DIFFAUROC_SKIP_BUILD:-0}" != 1 ]; then
    step "ASan build (.build-fuzz): swift build -c release -sanitize=address -sanitize-coverage" \
        build .build-fuzz -sanitize=address -sanitize-coverage=edge,inline-8bit-counters,pc-table
fi
asan_ok() { [ -f "$asan_lib/libdiffauroc.so" ]; }
compile_asan() {
    "$clang" "${CFLAGS[@]}" -fsanitize=address Tests/c/test_link.c -o "$tmp/test_link_asan" \
        -L "$asan_lib" -ldiffauroc "-Wl,-rpath,$asan_lib" -lm -pthread &&
    "$clang" "${CFLAGS[@]}" -fsanitize=address Tests/sanitizers/test_threads.c \
        -o "$tmp/test_threads_asan" -L "$asan_lib" -ldiffauroc "-Wl,-rpath,$asan_lib" -lm -pthread
}
if asan_ok; then
    step "compile test_link.c and test_threads.c with -fsanitize=address" compile_asan
    asan_env=(ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1
              DIFFAUROC_TEST_SKIP_OOM=1)
    if [ -x "$tmp/test_link_asan" ]; then
        step "test_link (C suite) under ASan + LSan" run_program env "${asan_env[@]}" "$tmp/test_link_asan"
        step "test_link (C suite) under ASan + LSan, DIFFAUROC_KERNELS=baseline" \
            run_program env "${asan_env[@]}" DIFFAUROC_KERNELS=baseline "$tmp/test_link_asan"
    fi
    if [ -x "$tmp/test_threads_asan" ]; then
        step "test_threads (4 threads x 2 rounds) under ASan + LSan" \
            run_program env "${asan_env[@]}" "$tmp/test_threads_asan" 4 2
    fi
fi

# ---- ThreadSanitizer
tsan_lib=$root/.build-tsan/release
if [ "${DIFFAUROC_SKIP_BUILD:-0}" != 1 ]; then
    step "TSan build (.build-tsan): swift build -c release -Xswiftc -sanitize=thread" \
        build .build-tsan -sanitize=thread
fi
# The toolchain's static TSan runtime carries libdispatch interceptors, which need
# libdispatch and the blocks runtime at link time (they ship with the toolchain).
swift_rt=$(dirname "$(readlink -f "$(command -v swift)")")/../lib/swift/linux
compile_tsan() {
    "$clang" "${CFLAGS[@]}" -fsanitize=thread Tests/sanitizers/test_threads.c \
        -o "$tmp/test_threads_tsan" -L "$tsan_lib" -ldiffauroc "-Wl,-rpath,$tsan_lib" -lm -pthread \
        -L "$swift_rt" -ldispatch -lBlocksRuntime "-Wl,-rpath,$swift_rt"
}
if [ -f "$tsan_lib/libdiffauroc.so" ]; then
    step "compile test_threads.c with -fsanitize=thread" compile_tsan
    if [ -x "$tmp/test_threads_tsan" ]; then
        tsan_env=(TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:print_suppressions=1:suppressions=$root/Tests/sanitizers/tsan.supp")
        step "test_threads (4 threads x 2 rounds) under TSan" \
            run_program env "${tsan_env[@]}" "$tmp/test_threads_tsan" 4 2
        step "test_threads (4 threads x 1 round) under TSan, DIFFAUROC_KERNELS=baseline" \
            run_program env "${tsan_env[@]}" DIFFAUROC_KERNELS=baseline "$tmp/test_threads_tsan" 4 1
    fi
fi

summary
