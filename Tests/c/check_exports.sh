#!/usr/bin/env bash
# check_exports.sh -- proves include/diffauroc.h and libdiffauroc.so agree.
#
#   bash Tests/c/check_exports.sh [path/to/libdiffauroc.so] [path/to/diffauroc.h]
#
# Defaults: .build/release/libdiffauroc.so and include/diffauroc.h of this repository.
# Checks:
#   1. every function the header declares is a defined, exported function (nm -D);
#   2. every exported symbol that is not Swift-mangled ($s...), C++-mangled (_Z...), or
#      reserved/toolchain (leading underscore: _init, __bss_start, ...) is declared in the
#      header -- no undocumented C entry point;
#   3. the library needs no Swift runtime: neither NEEDED (readelf -d) nor ldd shows
#      libswift*, and it has no RPATH/RUNPATH into a Swift toolchain.
# Needs gcc (for the prototype list: -aux-info), nm, readelf, ldd (binutils, libc-bin).
# Last line: "N passed, N failed"; exit status 1 on any failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lib=${1:-$root/.build/release/libdiffauroc.so}
header=${2:-$root/include/diffauroc.h}
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

for tool in gcc nm readelf ldd; do
    command -v "$tool" >/dev/null 2>&1 || { fail "required tool '$tool' not found"; finish; }
done
[ -f "$lib" ] || { fail "library not found: $lib"; finish; }
[ -f "$header" ] || { fail "header not found: $header"; finish; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- the header's functions -----------------------------------------------------------
# gcc -aux-info writes one line per declared function, with the file and line it comes
# from: keep those of the header itself (not of <stddef.h> or anything it includes).
if ! gcc -std=c99 -fsyntax-only -aux-info "$tmp/aux" -x c "$header" 2>"$tmp/gcc.err"; then
    fail "gcc cannot parse $header: $(cat "$tmp/gcc.err")"
    finish
fi
header_real=$(readlink -f "$header")
grep -F "/* $header_real:" "$tmp/aux" \
    | sed -E 's@^/\*[^*]*\*/ *@@; s/ *\(.*$//; s/.*[ *]//' \
    | sort -u >"$tmp/header_functions"
# Cross-check with a plain-text scan of the preprocessed header, so an -aux-info quirk
# cannot make the list silently empty.
gcc -std=c99 -E -P -x c "$header" 2>/dev/null | tr '\n' ' ' | tr ';' '\n' \
    | grep -E '\)\s*$' | grep -vE '^\s*typedef' \
    | sed -E 's/\(.*//; s/.*[ *]//' | grep -E '^[A-Za-z_][A-Za-z0-9_]*$' \
    | sort -u >"$tmp/header_functions_scan"
count=$(wc -l <"$tmp/header_functions")
if [ "$count" -gt 0 ] && cmp -s "$tmp/header_functions" "$tmp/header_functions_scan"; then
    pass "header declares $count functions: $(tr '\n' ' ' <"$tmp/header_functions")"
else
    fail "could not list the header's functions consistently:" \
        "aux-info: $(tr '\n' ' ' <"$tmp/header_functions")" \
        "scan: $(tr '\n' ' ' <"$tmp/header_functions_scan")"
fi

# --- the library's exports --------------------------------------------------------------
if ! nm -D --defined-only "$lib" >"$tmp/nm" 2>"$tmp/nm.err"; then
    fail "nm -D failed on $lib: $(cat "$tmp/nm.err")"
    finish
fi
# Exported functions (T: text, W: weak text, i: GNU ifunc).
awk 'NF >= 3 && ($2 == "T" || $2 == "W" || $2 == "i") { print $3 }' "$tmp/nm" \
    | sed 's/@.*//' | sort -u >"$tmp/exported_functions"
awk 'NF >= 3 { print $3 }' "$tmp/nm" | sed 's/@.*//' | sort -u >"$tmp/exported_all"

# 1. header -> library
while read -r fn; do
    if grep -qxF "$fn" "$tmp/exported_functions"; then
        pass "$fn is exported as a function"
    elif grep -qxF "$fn" "$tmp/exported_all"; then
        fail "$fn is exported but not as a function: $(grep -E " $fn(@.*)?\$" "$tmp/nm")"
    else
        fail "$fn is declared in the header but not exported by $(basename "$lib")"
    fi
done <"$tmp/header_functions"

# 2. library -> header: unmangled, non-reserved exports must be documented
grep -vE '^(_?\$[sS]|_Z|_)' "$tmp/exported_all" >"$tmp/c_exports" || true
undocumented=$(comm -23 "$tmp/c_exports" "$tmp/header_functions")
if [ -z "$undocumented" ]; then
    pass "every C export of the library ($(wc -l <"$tmp/c_exports")) is declared in the header"
else
    fail "exported but not declared in the header: $(echo "$undocumented" | tr '\n' ' ')"
fi
# The version script (Sources/diffauroc/exports.map) hides every other function: the only
# exported functions are the header's, so no Swift or C++ symbol can be bound to by users.
extra_functions=$(comm -23 "$tmp/exported_functions" "$tmp/header_functions")
if [ -z "$extra_functions" ]; then
    pass "the only exported functions are the header's (Swift/C++ functions hidden)"
else
    fail "functions exported beyond the header: $(echo "$extra_functions" | head -5 | tr '\n' ' ')"
fi

# 3. self-contained: no Swift runtime needed
needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
if echo "$needed" | grep -q 'libswift'; then
    fail "NEEDED lists a Swift runtime library: $needed"
else
    pass "NEEDED has no libswift*: $needed"
fi
if ldd "$lib" >"$tmp/ldd" 2>&1; then
    if grep -q 'libswift' "$tmp/ldd"; then
        fail "ldd shows a Swift runtime library: $(grep libswift "$tmp/ldd" | tr '\n' ' ')"
    elif grep -q 'not found' "$tmp/ldd"; then
        fail "ldd: unresolved dependency: $(grep 'not found' "$tmp/ldd" | tr '\n' ' ')"
    else
        pass "ldd shows no libswift* and no missing dependency"
    fi
else
    fail "ldd failed: $(cat "$tmp/ldd")"
fi
runpath=$(readelf -d "$lib" | sed -n 's/.*(R\(UN\)\{0,1\}PATH).*\[\(.*\)\]/\2/p' | tr '\n' ' ')
if echo "$runpath" | grep -qiE 'swift|toolchain|/usr/lib/swift'; then
    fail "RPATH/RUNPATH points into a Swift toolchain: $runpath"
else
    pass "no RPATH/RUNPATH into a Swift toolchain (${runpath:-none})"
fi

finish
