#!/bin/sh
# Conformance with frictionless: every case of
# ../shared/corpus/frictionless/cases.tsv is validated and must give the
# errors frictionless' own tests assert, as row:field:type. Inputs that are
# not CSV (spreadsheets, JSON, zip, a file named .bad) go through
# muni-fetch first, as a pipeline would; a resource descriptor is read by
# muni-validate itself. Without the corpus every case is skipped.
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src/build}
corpus=${MUNI_CORPUS:-$src/../shared/corpus}
cases=$corpus/frictionless/cases.tsv
if [ ! -f "$cases" ]; then
	echo "1..0 # SKIP $cases not found"
	exit 0
fi
cd "$corpus/frictionless" || exit 1
n=0
fail=0
tab=$(printf '\t')
tail -n +2 cases.tsv >"${TMPDIR:-/tmp}/muni-cases.$$"
while IFS=$tab read -r name data schema pick limit want; do
	n=$((n + 1))
	fetch=cat
	case $data in
	*.csv) ;;
	*/resource.json)
		fetch=descriptor
		# The table it names must be in the corpus beside it.
		table=$(sed -n 's/^ *"path": *"\([^"]*\)".*/\1/p' "$data" | head -1)
		if [ ! -f "$(dirname "$data")/$table" ]; then
			echo "ok $n - $name # SKIP $(dirname "$data")/$table, the table of the descriptor, is not in the corpus"
			continue
		fi ;;
	*) fetch="$bin/muni-fetch" ;;
	esac
	set -- -q -f csv
	[ "$schema" = - ] || set -- "$@" -s "$schema"
	[ "$pick" = - ] || set -- "$@" --pick-errors "$pick"
	[ "$limit" = - ] || set -- "$@" --limit-errors "$limit"
	if [ "$fetch" = descriptor ]; then
		# A descriptor is read by muni-validate itself; its CSV report
		# has the resource first.
		got=$("$bin/muni-validate" "$@" "$data" 2>/dev/null |
		    tail -n +2 | cut -d, -f2-4)
	else
		got=$($fetch "$data" 2>/dev/null |
		    "$bin/muni-validate" "$@" - 2>/dev/null |
		    tail -n +2 | cut -d, -f1-3)
	fi
	got=$(printf '%s\n' "$got" | grep -v '^$' |
	    awk -F, '{ printf "%s%s:%s:%s", (NR > 1 ? ";" : ""),
	        ($1 == "" ? "-" : $1), ($2 == "" ? "-" : $2), $3 }')
	[ -n "$got" ] || got=valid
	# The CSV report's last line "limit-errors" is Frictionless' task
	# warning "reached error limit": each case with a limit reaches it.
	case $got in
	*";-:-:limit-errors") got=${got%;-:-:limit-errors}; cut=yes ;;
	*) cut=no ;;
	esac
	[ "$limit" = - ] || [ $cut = yes ] || got="$got (no limit-errors line)"
	[ "$limit" != - ] || [ $cut = no ] || got="$got (a limit-errors line)"
	if [ "$got" = "$want" ]; then
		echo "ok $n - $name"
	else
		fail=1
		echo "not ok $n - $name"
		echo "#   want: $want"
		echo "#   got:  $got"
	fi
done <"${TMPDIR:-/tmp}/muni-cases.$$"
rm -f "${TMPDIR:-/tmp}/muni-cases.$$"
echo "1..$n"
exit $fail
