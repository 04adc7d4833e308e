#!/bin/sh
# Replay every fuzz target on its seeds (tests/fuzz/seeds/TARGET/*) and on
# the crashes kept beside them, one TAP line a file. A target that crashes
# is a failed test naming the target.
set -u
src=${MUNI_SRC:-.}
build=${MUNI_BUILD:-.}
n=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for dir in "$src"/tests/fuzz/seeds/*/; do
	target=$(basename "$dir")
	if "$build/tests/fuzz/replay-$target" "$dir"* >"$out" 2>&1; then
		cat "$out"
		n=$((n + $(grep -c '^ok' "$out")))
	else
		grep '^ok' "$out"
		n=$((n + $(grep -c '^ok' "$out") + 1))
		echo "not ok - $target crashed on the file after the last ok"
		sed 's/^/# /' "$out" | grep -v '^# ok' | head -20
	fi
done
echo "1..$n"
