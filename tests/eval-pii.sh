#!/bin/sh
# scripts/eval-pii at a smaller size: the generated, labelled French free
# text through muni-anonymize's scrub, every kind at or above its recall
# target and the public text kept (scripts/eval-pii --check).
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src/build}
out=$(MUNI_BIN=$bin python3 "$src/scripts/eval-pii" --rows 1000 --check 2>&1)
status=$?
if [ $status = 0 ]; then
	echo "ok 1 - eval-pii: every kind at its target on 1000 rows"
else
	echo "not ok 1 - eval-pii: below a target (status $status)"
fi
echo "$out" | sed 's/^/# /'
echo "1..1"
[ $status = 0 ]
