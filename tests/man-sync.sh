#!/bin/sh
# man-sync: for every tool, each long option its --help prints is in its
# man page, each option the man page documents (.Fl lines of the OPTIONS
# list) is in --help, and the man page's SYNOPSIS names the same options;
# every page lints clean.
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src}
n=0
fail=0
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
for page in "$src"/man/muni.1 "$src"/man/muni-*.1; do
	tool=$(basename "$page" .1)
	[ -x "$bin/$tool" ] || continue
	"$bin/$tool" --help >"$t/help" 2>&1
	# Options in --help: "-x, --long" or "--long" at the start of a line.
	grep -oE '^ +(-[A-Za-z0-9], )?--[a-z0-9-]+' "$t/help" |
	    sed -E 's/^ +//; s/^-., //' | sort -u >"$t/help-opts"
	# Options in the man page: ".It Fl x , Fl -long" or ".It Fl -long".
	grep -E '^\.It Fl' "$page" | grep -oE 'Fl -[a-z0-9-]+' |
	    sed 's/^Fl -/--/' | sort -u >"$t/man-opts"
	n=$((n + 1))
	if diff -u "$t/help-opts" "$t/man-opts" >"$t/diff"; then
		echo "ok $n - $tool: --help and man page list the same options"
	else
		fail=1
		echo "not ok $n - $tool: --help and man page differ (- help, + man)"
		sed 's/^/# /' "$t/diff"
	fi
	# --help is printed as it is written: no printf directive left in it.
	n=$((n + 1))
	if grep -n '%[%sdlzu]' "$t/help" >"$t/diff"; then
		fail=1
		echo "not ok $n - $tool: --help holds a printf directive"
		sed 's/^/# /' "$t/diff"
	else
		echo "ok $n - $tool: --help holds no printf directive"
	fi
	# The usage line equals the man page SYNOPSIS, word for word.
	"$bin/$tool" --help | sed -n '/^usage:/,/^[^ u]/p' | sed '$d' |
	    sed 's/^usage: *//' | tr -s ' \n' '\n\n' | grep -v '^$' >"$t/usage"
	mandoc -Tascii -O width=200 "$page" 2>/dev/null | sed 's/.\x08//g' |
	    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' |
	    tr -s ' \n' '\n\n' | grep -v '^$' >"$t/synopsis"
	n=$((n + 1))
	if diff -u "$t/usage" "$t/synopsis" >"$t/diff"; then
		echo "ok $n - $tool: usage line equals the man page SYNOPSIS"
	else
		fail=1
		echo "not ok $n - $tool: usage differs from SYNOPSIS (- usage, + man)"
		sed 's/^/# /' "$t/diff"
	fi
done
# Every page lints clean: mandoc at its strictest (style), groff as man(1)
# renders it (a line that starts with a quote, a byte that is not ASCII, a
# table wider than the terminal), and each muni page it refers to exists.
# mandoc's complaints about the manuals installed on this machine (missing,
# or an outdated index) depend on the machine, not on the page.
for page in "$src"/man/*.[157]; do
	name=$(basename "$page")
	n=$((n + 1))
	if ! command -v mandoc >/dev/null 2>&1; then
		echo "ok $n - $name: mandoc -Tlint # SKIP mandoc is not installed"
		continue
	fi
	mandoc -Tlint -W style "$page" 2>&1 |
	    grep -v "referenced manual not found\|outdated mandoc.db" >"$t/lint"
	grep -o 'Xr muni[a-z-]* [157]' "$page" | sort -u |
	    while read -r _ xr sec; do
		[ -f "$src/man/$xr.$sec" ] || echo "$name: no page $xr($sec)"
	    done >>"$t/lint"
	if command -v groff >/dev/null 2>&1; then
		groff -mandoc -Tutf8 -ww -z "$page" >>"$t/lint" 2>&1
	fi
	if [ -s "$t/lint" ]; then
		fail=1
		echo "not ok $n - $name: lints clean (mandoc -Tlint -W style, groff -ww)"
		sed 's/^/# /' "$t/lint"
	else
		echo "ok $n - $name: lints clean (mandoc -Tlint -W style, groff -ww)"
	fi
done
echo "1..$n"
exit $fail
