#!/usr/bin/env bash
# Runs every test suite: Swift core, native C/C++/dlopen programs, the C/C++ install,
# sanitizers, fuzzing, Python (pytest) and the Python distributions (wheel, sdist, editable).
# Exits non-zero if any suite fails. Run scripts/setup.sh once first.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=()
passed=0

timings=()

run() {  # run NAME COMMAND...: runs a suite, records its failure and how long it took
    local name=$1; shift
    local start=$SECONDS
    echo
    echo "==================== $name"
    if "$@"; then echo "== $name: ok"; passed=$((passed + 1)); else echo "== $name: FAILED"; failed+=("$name"); fi
    timings+=("$(printf '%6d s  %s' $((SECONDS - start)) "$name")")
}

run "swift test (core)" swift test
run "native C / C++ / dlopen" bash scripts/test_native.sh
run "C/C++ install: pkg-config and CMake consumers, README C example" bash scripts/test_install.sh
run "sanitizers: C suite under ASan+LSan, threads under ASan and TSan" bash scripts/test_sanitizers.sh
# Differential fuzzing for a bounded time: DIFFAUROC_FUZZ_SECONDS per CPU build (default
# 60; scripts/fuzz.sh runs longer when given more).
run "fuzzing (libFuzzer + ASan, both CPU builds)" bash scripts/fuzz.sh "${DIFFAUROC_FUZZ_SECONDS:-60}"
# Reinstall the package so pytest exercises the wheel exactly as a user gets it (the
# bundled .so, no paths set), rebuilt from the current sources.
run "pip install ./python" .venv/bin/python -m pip install -q --force-reinstall --no-deps ./python
run "pytest" env -u DIFFAUROC_LIBRARY .venv/bin/python -m pytest python/tests -q -p no:cacheprovider
run "packaging: manylinux wheel in a fresh venv, sdist, editable install" bash scripts/test_packaging.sh

echo
echo "== time per suite (CI allows 90 minutes for setup and tests together):"
printf '%s\n' "${timings[@]}"
echo "== test.sh took $SECONDS s"
[ ${#failed[@]} -eq 0 ] || echo "FAILED suites: ${failed[*]}"
echo "suites: $passed passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
