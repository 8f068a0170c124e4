#!/usr/bin/env bash
# fuzz.sh -- differential fuzzing of libdiffauroc (Tests/fuzz/README.md).
#
#   bash scripts/fuzz.sh [SECONDS_PER_BUILD] [extra libFuzzer flags...]
#
# 1. builds the library with AddressSanitizer and libFuzzer's edge coverage
#    (swift build -c release --scratch-path .build-fuzz -Xswiftc -sanitize=address
#    -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table);
# 2. builds Tests/fuzz/fuzz_diffauroc.c + oracle.c with the toolchain's clang
#    (-fsanitize=fuzzer,address) against it;
# 3. replays the seed corpus Tests/fuzz/corpus, then fuzzes for SECONDS_PER_BUILD seconds
#    (default 90) once per CPU build of the library: as the CPU selects it (x86-64-v3 on
#    AVX2 machines) and with DIFFAUROC_KERNELS=baseline (SSE2); each run starts from the
#    seed corpus plus what earlier runs found (a work corpus under .build-fuzz, kept between
#    runs of this script; delete .build-fuzz/fuzz-corpus to start afresh).
#
# Any crash, sanitizer report (ASan, LeakSanitizer) or oracle mismatch fails the run; the
# input that caused it is saved as .build-fuzz/fuzz-artifacts/crash-* (replay it with
# `.build-fuzz/fuzz_diffauroc FILE`). The last line is "N passed, N failed" (one step per
# build and replay); the exit status is 1 if any step failed. Per run it prints the number
# of executions and the rate.
#
# Environment: FUZZ_JOBS=N runs N fuzzing processes per build at once (default 1; the
# machine's cores are shared). DIFFAUROC_SKIP_BUILD=1 reuses .build-fuzz as it is.
# The target's own knobs pass through (Tests/fuzz/README.md): DIFFAUROC_FUZZ_COLUMNS=1 sends
# every input to the column functions and DeLong, DIFFAUROC_FUZZ_KEEP_GOING=1 counts
# mismatches instead of stopping at the first.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:-90}
shift || true
extra=("$@")

scratch=$root/.build-fuzz
lib_dir=$scratch/release
bin=$scratch/fuzz_diffauroc
work_corpus=$scratch/fuzz-corpus
artifacts=$scratch/fuzz-artifacts
mkdir -p "$scratch" "$work_corpus" "$artifacts"

passed=0
failed=0
results=()
record() {  # record OK NAME
    if [ "$1" -eq 0 ]; then passed=$((passed + 1)); results+=("ok    $2")
    else failed=$((failed + 1)); results+=("FAIL  $2"); fi
}
summary() {
    echo
    echo "==== fuzz summary"
    local r
    for r in "${results[@]}"; do echo "  $r"; done
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# the Swift toolchain's clang: its compiler-rt has libFuzzer and the sanitizer runtimes
# matching swiftc's instrumentation (CLANG=... overrides)
clang=${CLANG:-$(dirname "$(readlink -f "$(command -v swift)")")/clang}
[ -x "$clang" ] || clang=$(command -v clang)
swift_flags=(-Xswiftc -sanitize=address
             -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table)

if [ "${DIFFAUROC_SKIP_BUILD:-0}" != 1 ]; then
    echo "---- build: libdiffauroc with ASan + coverage (.build-fuzz)"
    # SwiftPM does not rebuild objects when only -Xswiftc flags change: start over if the
    # flags differ from the last build's.
    stamp=$scratch/flags
    # (scripts/test_sanitizers.sh builds the same library in the same place, same stamp)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "${swift_flags[*]}" ]; then
        rm -rf "$scratch/release" "$scratch"/x86_64-* "$scratch"/aarch64-* "$scratch/build.db"
    fi
    swift build -c release --scratch-path "$scratch" "${swift_flags[@]}" 2>&1 | tail -n 3
    rc=${PIPESTATUS[0]}
    [ "$rc" -eq 0 ] && echo "${swift_flags[*]}" >"$stamp"
    record "$rc" "build: swift build -c release -sanitize=address -sanitize-coverage"
    [ "$rc" -eq 0 ] || { summary; exit 1; }

    echo "---- build: fuzz target"
    # ld.lld: GNU gold warns about every ASan assembler symbol it cannot export
    # (fuzz_diffauroc.c includes Tests/fuzz/fuzz_columns.inc: the column functions, DeLong)
    "$clang" -g -O1 -fsanitize=fuzzer,address -fuse-ld=lld -Wall -Wextra -Werror \
        -I "$root/include" Tests/fuzz/fuzz_diffauroc.c Tests/fuzz/oracle.c -o "$bin" \
        -L "$lib_dir" -ldiffauroc "-Wl,-rpath,$lib_dir" -lm
    rc=$?
    record "$rc" "build: fuzz target (clang -fsanitize=fuzzer,address)"
    [ "$rc" -eq 0 ] || { summary; exit 1; }
fi

# detect_leaks: LeakSanitizer after every input whose mallocs and frees do not balance.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
common=(-artifact_prefix="$artifacts/" -print_final_stats=1 -rss_limit_mb=4096
        -timeout=60 -max_len=4096)

run_fuzzer() {  # run_fuzzer NAME ENV... -- ARGS...
    local name=$1 log=$scratch/$(echo "$1" | tr -c 'A-Za-z0-9\n' '_').log
    shift
    local envs=()
    while [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    echo
    echo "---- $name"
    env "${envs[@]}" "$bin" "${common[@]}" "$@" >"$log" 2>&1
    local rc=$?
    grep -E "^fuzz_diffauroc:|FUZZ ORACLE MISMATCH|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|SUMMARY:|Test unit written|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)|^Done" "$log" | head -n 40
    if [ "$rc" -ne 0 ]; then
        echo "(exit status $rc; full log: $log)"
        grep -A 12 "FUZZ ORACLE MISMATCH\|ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|deadly signal" "$log" | head -n 60
    fi
    record "$rc" "$name"
}

# replay the seed corpus on both builds (a regression check of every seed), with the
# large-n inputs (the library's two-thread paths) switched on
seeds=$(ls Tests/fuzz/corpus | wc -l)
run_fuzzer "replay $seeds seeds, kernels as selected" DIFFAUROC_FUZZ_LARGE=1 -- \
    -runs=0 Tests/fuzz/corpus
run_fuzzer "replay $seeds seeds, DIFFAUROC_KERNELS=baseline" DIFFAUROC_FUZZ_LARGE=1 \
    DIFFAUROC_KERNELS=baseline -- -runs=0 Tests/fuzz/corpus

jobs=${FUZZ_JOBS:-1}
par=()
[ "$jobs" -gt 1 ] && par=(-fork="$jobs")
run_fuzzer "fuzz ${seconds}s, kernels as selected" -- "${par[@]}" -max_total_time="$seconds" \
    "${extra[@]}" "$work_corpus" Tests/fuzz/corpus
run_fuzzer "fuzz ${seconds}s, DIFFAUROC_KERNELS=baseline" DIFFAUROC_KERNELS=baseline -- \
    "${par[@]}" -max_total_time="$seconds" "${extra[@]}" "$work_corpus" Tests/fuzz/corpus

summary
