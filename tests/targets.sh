#!/bin/bash
# Outputs never replace what is at the target path: every file option a
# tool writes (-r, --report, --rejects, -p, --emit-map) is given, in turn,
# a FIFO, a character device, a socket, a symlink to a FIFO, a symlink to
# a regular file, /dev/stdout, a descriptor opened for appending
# (/dev/fd/3) and a process substitution. A target that is not a regular
# file is written into and stays what it was; a symlink to a file stays a
# symlink and its file gets the content; a folder is refused before any
# data goes out. Needs bash (process substitution).
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src/build}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$src/tests/tap.sh"
fx=$src/tests/fixtures
PATH=$bin:$PATH

printf 'a,b\n1,2\nx,3\n' >"$t/data.csv"
printf '{"fields": [{"name": "a", "type": "integer"}, {"name": "b"}]}\n' \
    >"$t/schema.json"
cp "$fx/anonymize/test.key" "$t/key" && chmod 600 "$t/key"

# Each writer: a name, then a command where @T@ stands for the target and
# what the target must then hold (a fixed string grep finds in it).
writers=(
	"validate -r|muni-validate -q -f json -r @T@ -s $t/schema.json $t/data.csv|\"valid\": false"
	"validate --rejects|muni-validate --valid-rows --rejects @T@ -s $t/schema.json $t/data.csv|x,3"
	"fetch -p|muni-fetch -p @T@ $t/data.csv|\"encoding\""
	"transform --emit-map|muni-transform -s $fx/transform/export.schema.json --auto --emit-map @T@ $fx/transform/export.csv|\"columns\""
	"transform --rejects|muni-transform -m $fx/transform/export.map.json --strict --rejects @T@ $fx/transform/export.csv|,"
	"anonymize --report|muni-anonymize --rules $fx/anonymize/people.rules.json --key-file $t/key --k 1 --report @T@ $fx/anonymize/people.csv|\"verdict\""
)

# Run $cmd with $t/$1 as its target, a new FIFO $t/fifo read into $t/got
# (by a cat bounded in time: a tool that never opens it leaves it waiting).
through_fifo() {
	rm -f "$t/fifo" "$t/got"
	mkfifo "$t/fifo"
	timeout 20 cat "$t/fifo" >"$t/got" &
	reader=$!
	eval "${cmd//@T@/\"\$t/$1\"}" >/dev/null 2>"$t/err"
	wait "$reader"
}

for w in "${writers[@]}"; do
	name=${w%%|*}
	rest=${w#*|}
	cmd=${rest%|*}
	want=${rest##*|}

	# A FIFO, read by a background cat.
	through_fifo fifo
	check "$name: a FIFO is written into and stays a FIFO" \
	    '[ -p "$t/fifo" ] && grep -qF -- "$want" "$t/got"'

	# A character device: a private /dev/null made with mknod (root).
	if [ "$(id -u)" = 0 ] && mknod "$t/null" c 1 3 2>/dev/null; then
		eval "${cmd//@T@/\"\$t/null\"}" >/dev/null 2>"$t/err"
		check "$name: a character device stays one" '[ -c "$t/null" ]'
		rm -f "$t/null"
	else
		skip "$name: a character device stays one" "mknod needs root"
	fi

	# A socket cannot be opened for writing: status 3, still a socket.
	rm -f "$t/sock"
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$t/sock"
	eval "${cmd//@T@/\"\$t/sock\"}" >/dev/null 2>"$t/err"
	status=$?
	check "$name: a socket is refused (status 3) and stays a socket" \
	    '[ $status = 3 ] && [ -S "$t/sock" ]'

	# A symlink to a FIFO.
	rm -f "$t/link"
	ln -s fifo "$t/link"
	through_fifo link
	check "$name: a symlink to a FIFO stays one, the FIFO written into" \
	    '[ -L "$t/link" ] && [ -p "$t/fifo" ] && grep -qF -- "$want" "$t/got"'

	# A symlink to a regular file: the file gets the content.
	rm -f "$t/link" "$t/file"
	echo old >"$t/file"
	ln -s file "$t/link"
	eval "${cmd//@T@/\"\$t/link\"}" >/dev/null 2>"$t/err"
	check "$name: a symlink to a file stays a symlink, its file written" \
	    '[ -L "$t/link" ] && grep -qF -- "$want" "$t/file"'

	# /dev/stdout into a pipe (the tool's data goes there too).
	eval "${cmd//@T@//dev/stdout}" 2>"$t/err" | cat >"$t/got"
	check "$name: /dev/stdout into a pipe" 'grep -qF -- "$want" "$t/got"'

	# /dev/fd/3 opened for appending: what was there stays first.
	echo first >"$t/appended"
	eval "${cmd//@T@//dev/fd/3}" 3>>"$t/appended" >/dev/null 2>"$t/err"
	check "$name: /dev/fd/3 opened with >> is appended to" \
	    '[ "$(head -1 "$t/appended")" = first ] && grep -qF -- "$want" "$t/appended"'

	# A process substitution.
	rm -f "$t/got"
	ps='>(cat >"$t/got")'
	eval "${cmd//@T@/$ps}" >/dev/null 2>"$t/err"
	sleep 0.2
	check "$name: a process substitution" 'grep -qF -- "$want" "$t/got"'

	# A folder: refused before any data reaches standard output.
	mkdir -p "$t/dir"
	eval "${cmd//@T@/\"\$t/dir\"}" >"$t/out" 2>"$t/err"
	status=$?
	check "$name: a folder is status 3, nothing on standard output" \
	    '[ $status = 3 ] && [ ! -s "$t/out" ] && grep -q "it is a folder" "$t/err"'
done
tap_end
