#!/bin/sh
# muni-transform --dedupe-key and --sort against the tools everybody
# trusts for the same job: awk '!seen[$1]++' (the first of each key, in
# input order), tac around it (the last), and GNU sort -s (stable; -g
# numbers, C locale bytes for text). 30000 rows, sorted in 64 KiB of
# memory, so on disk in many runs and merge passes.
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$src/tests/tap.sh"

# id: 5000 keys; v: numbers, negative, decimal, whole, some equal; t: text,
# some of it accented; d: ISO dates.
awk 'BEGIN {
	srand(7)
	print "id,v,t,d"
	for (i = 1; i <= 30000; i++) {
		r = rand()
		if (r < 0.1)
			v = int(rand() * 100)
		else if (r < 0.2)
			v = sprintf("%.1f", rand() * 10 - 5)
		else
			v = sprintf("%.3f", rand() * 2000000 - 1000000)
		printf "K%d,%s,%s%d,%04d-%02d-%02d\n", int(rand() * 5000), v,
		    (rand() < 0.3 ? "été" : "x"), int(rand() * 1000),
		    2000 + int(rand() * 25), 1 + int(rand() * 12),
		    1 + int(rand() * 28)
	}
}' >"$t/in.csv"
cat >"$t/map.json" <<'EOF'
{"columns": [{"name": "id", "from": "id"}, {"name": "v", "from": "v"},
 {"name": "t", "from": "t"}, {"name": "d", "from": "d"}]}
EOF
tail -n +2 "$t/in.csv" >"$t/body"
mkdir "$t/tmp"

# run NAME OPTIONS...: the output's body in $t/NAME
run() {
	name=$1
	shift
	TMPDIR=$t/tmp "$bin/muni-transform" -m "$t/map.json" \
	    --sort-memory 64K "$@" "$t/in.csv" >"$t/$name.out" 2>"$t/err"
	echo $? >"$t/$name.rc"
	tail -n +2 "$t/$name.out" >"$t/$name"
}
same() {
	[ "$(cat "$t/$1.rc")" = 0 ] && cmp -s "$t/$1" "$t/$2" ||
	    { diff "$t/$1" "$t/$2" | head -5 >"$t/err"; false; }
}

run first --dedupe-key id --rejects "$t/rej-first.csv"
awk -F, '!seen[$1]++' "$t/body" >"$t/want-first"
check "--dedupe-key id: awk's first of each key, in input order" \
    'same first want-first'
check "rows in = rows out + duplicates in the rejects" \
    '[ $(($(wc -l <"$t/first") + $(wc -l <"$t/rej-first.csv") - 1)) = 30000 ]'
check "each duplicate's reason names the key and the row kept" \
    'grep -c "duplicate: the same id .K[0-9]*. as row [0-9]*, which is kept" "$t/rej-first.csv" | grep -qx $(($(wc -l <"$t/rej-first.csv") - 1))'

run last --dedupe-key id --keep last
tac "$t/body" | awk -F, '!seen[$1]++' | tac >"$t/want-last"
check "--keep last: the last of each key, in input order" \
    'same last want-last'

run num --sort v
LC_ALL=C sort -s -t, -k2,2g "$t/body" >"$t/want-num"
check "--sort v: numbers by value, stable (sort -s -g)" 'same num want-num'

run numdesc --sort v:desc
LC_ALL=C sort -s -t, -k2,2gr "$t/body" >"$t/want-numdesc"
check "--sort v:desc (sort -s -gr)" 'same numdesc want-numdesc'

run text --sort t
LC_ALL=C sort -s -t, -k3,3 "$t/body" >"$t/want-text"
check "--sort t: text byte by byte, UTF-8 (LC_ALL=C sort -s)" \
    'same text want-text'

run two --sort d:desc,id
LC_ALL=C sort -s -t, -k4,4r -k1,1 "$t/body" >"$t/want-two"
check "--sort d:desc,id: ISO dates newest first, then the key" \
    'same two want-two'

run both --dedupe-key id --sort id:asc,v
awk -F, '!seen[$1]++' "$t/body" | LC_ALL=C sort -s -t, -k1,1 -k2,2g \
    >"$t/want-both"
check "--dedupe-key with --sort: the first of each, then sorted" \
    'same both want-both'

check "no file left in TMPDIR" '[ -z "$(ls -A "$t/tmp")" ]'

TMPDIR=$t/none "$bin/muni-transform" -m "$t/map.json" --sort-memory 64K \
    --sort v "$t/in.csv" >"$t/ro.out" 2>"$t/err"
echo $? >"$t/ro.rc"
check "a TMPDIR that cannot be written: status 3, the folder named, no row" \
    '[ "$(cat "$t/ro.rc")" = 3 ] && grep -q "$t/none" "$t/err" &&
    [ "$(wc -l <"$t/ro.out")" -le 1 ]'
tap_end
