#!/usr/bin/env bash
# Compiles examples/example.c (the README's C example) as the README says and checks that
# it prints the values worked out by hand in its header comment.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -std=c99 -Wall -Wextra -Werror -Iinclude examples/example.c -L.build/release -ldiffauroc \
    -Wl,-rpath,"$PWD/.build/release" -o "$out/example"
got=$("$out/example")
want="exact 0.7500 soft 0.8207 d/ds0 -0.1775"
echo "$got"
[ "$got" = "$want" ] || { echo "expected: $want"; exit 1; }
