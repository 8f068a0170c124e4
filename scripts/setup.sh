#!/usr/bin/env bash
# Sets up everything on a fresh machine (Swift toolchain, gcc and Python 3.11 assumed),
# then runs the demo. Idempotent: rerunning only redoes what changed.
#
#   bash scripts/setup.sh            set up, build, install, run the demo
#   bash scripts/setup.sh --no-demo  set up only
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# System tools the tests use: valgrind (leak checks), CMake and pkg-config (the C/C++
# install consumers, scripts/test_install.sh), R with pROC (the partial AUC and DeLong
# parity tests). Needs root or sudo, as on CI.
missing=()
for tool in valgrind:valgrind cmake:cmake pkg-config:pkg-config Rscript:r-base-core; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
if ! command -v Rscript >/dev/null 2>&1 \
    || ! Rscript -e 'suppressMessages(library(pROC))' >/dev/null 2>&1; then
    missing+=(r-cran-proc)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]} (apt-get)"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "== building libdiffauroc.so (release)"
swift build -c release

echo "== Python environment in .venv"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements-dev.txt
.venv/bin/python -m pip install -q --no-deps diffbio==0.1.0 calibrax==0.1.1
.venv/bin/python -m pip install -q --force-reinstall --no-deps ./python

if [ "${1:-}" != "--no-demo" ]; then
    echo "== demo: examples/demo.py"
    .venv/bin/python examples/demo.py
fi
