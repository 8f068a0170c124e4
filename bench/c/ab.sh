#!/usr/bin/env bash
# ab.sh -- two builds of libdiffauroc timed in alternating fresh processes (bench/c/timing.c).
#
#   bash bench/c/ab.sh ROUNDS OLD.so NEW.so -- exact 1000000 25 f32
#   bash bench/c/ab.sh 5 old/libdiffauroc.so .build/release/libdiffauroc.so -- soft 1000000 9 1e-5
#
# The arguments after -- are timing's (without its LIB). Each round runs OLD then NEW, the
# next round NEW then OLD (so that neither build always follows the other); every process
# prints its own line, then the summary gives per build the median over the rounds of the
# processes' median wall times and their range, and NEW / OLD of those medians, of the
# wall times and of the CPU times (all threads) a call. Both builds must
# return the same value (printed to 17 digits), else the script says so and exits 1: a
# change meant to keep the bits shows at once when it does not.
# Builds timing.c into $TMPDIR (gcc, -ldl -lm) on first use. On AMD Zen 4 nothing here
# involves numpy, so the yardstick caveat of bench/yardstick.py does not apply.
set -euo pipefail
if [ $# -lt 5 ] || [ "$4" != "--" ]; then
    sed -n '2,14p' "$0" >&2
    exit 1
fi
rounds=$1 old=$2 new=$3
shift 4
if ! [[ $rounds =~ ^[1-9][0-9]*$ ]]; then
    echo "ab.sh: ROUNDS must be a positive whole number, not '$rounds'" >&2
    exit 1
fi
if [ "$old" = "$new" ]; then
    echo "ab.sh: OLD and NEW are the same path; to time one build against itself, give a symlink to it as NEW" >&2
    exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
tool=${TMPDIR:-/tmp}/diffauroc-timing
if [ ! -x "$tool" ] || [ "$here/timing.c" -nt "$tool" ]; then
    gcc -std=c99 -O2 -Wall -Wextra -Werror -pedantic "$here/timing.c" -o "$tool" -ldl -lm
fi

declare -a old_ms new_ms old_cpu new_cpu
old_value="" new_value=""
run() {  # run LIB ARGS...: one process; records its median and its value
    local lib=$1 line value ms cpu
    shift
    line=$("$tool" "$lib" "$@")
    echo "$lib: $line"
    value=$(sed -n 's/.* value=\([^ ]*\) .*/\1/p' <<< "$line")
    ms=$(sed -n 's/.* median=\([^ ]*\) ms.*/\1/p' <<< "$line")
    cpu=$(sed -n 's/.* cpu=\([^ ]*\) ms.*/\1/p' <<< "$line")
    if [ "$lib" = "$old" ]; then
        old_ms+=("$ms"); old_cpu+=("$cpu"); old_value=$value
    else
        new_ms+=("$ms"); new_cpu+=("$cpu"); new_value=$value
    fi
}
for ((r = 0; r < rounds; r++)); do
    if ((r % 2 == 0)); then run "$old" "$@"; run "$new" "$@"; else run "$new" "$@"; run "$old" "$@"; fi
done

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
range() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo "-" hi}'; }
m_old=$(median "${old_ms[@]}") m_new=$(median "${new_ms[@]}")
c_old=$(median "${old_cpu[@]}") c_new=$(median "${new_cpu[@]}")
echo
echo "old: median of medians $m_old ms [$(range "${old_ms[@]}")], CPU $c_old ms [$(range "${old_cpu[@]}")]"
echo "new: median of medians $m_new ms [$(range "${new_ms[@]}")], CPU $c_new ms [$(range "${new_cpu[@]}")]"
awk -v a="$m_new" -v b="$m_old" -v c="$c_new" -v d="$c_old" 'BEGIN {printf "new / old: %.3fx (CPU %.3fx)\n", a / b, c / d}'
if [ "$old_value" != "$new_value" ]; then
    echo "the values differ: old $old_value, new $new_value"
    exit 1
fi
