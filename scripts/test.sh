#!/usr/bin/env bash
# Runs every test suite: Swift core, native C/C++/dlopen programs, Python (pytest).
# Exits non-zero if any suite fails. Run scripts/setup.sh once first.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=()

run() {  # run NAME COMMAND...: runs a suite, records its failure
    local name=$1; shift
    echo
    echo "==================== $name"
    if "$@"; then echo "== $name: ok"; else echo "== $name: FAILED"; failed+=("$name"); fi
}

run "swift test (core)" swift test
run "native C / C++ / dlopen" bash scripts/test_native.sh
run "C/C++ install: pkg-config and CMake consumers, README C example" bash scripts/test_install.sh
# Reinstall the package so pytest exercises the wheel exactly as a user gets it (the
# bundled .so, no paths set), rebuilt from the current sources.
run "pip install ./python" .venv/bin/python -m pip install -q --force-reinstall --no-deps ./python
run "pytest" env -u DIFFAUROC_LIBRARY .venv/bin/python -m pytest python/tests -q -p no:cacheprovider

echo
if [ ${#failed[@]} -eq 0 ]; then
    echo "all suites passed"
else
    echo "FAILED suites: ${failed[*]}"
    exit 1
fi
