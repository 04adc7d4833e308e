#!/bin/sh
# The schemas of schema.data.gouv.fr in ../shared/corpus/schemas: each one
# loads, each example file published as valid validates (except where
# EXPECTED.md shows the upstream file itself is wrong: those errors are
# pinned here), and each invalid example gives the errors EXPECTED.md
# lists, Validata's custom checks included. Errors are
# compared as row:field:type, as in tests/frictionless.sh.
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src/build}
corpus=${MUNI_CORPUS:-$src/../shared/corpus}
if [ ! -d "$corpus/schemas" ]; then
	echo "1..0 # SKIP $corpus/schemas not found"
	exit 0
fi
cd "$corpus/schemas" || exit 1
n=0
fail=0

errors() {
	# errors SCHEMA FILE [OPTIONS...]: the row:field:type list, or "valid".
	schema=$1 file=$2
	shift 2
	got=$("$bin/muni-validate" -q -f csv --limit-errors 0 -s "$schema" \
	    "$@" "$file" 2>/dev/null | tail -n +2 | cut -d, -f1-3 |
	    awk -F, '{ printf "%s%s:%s:%s", (NR > 1 ? ";" : ""),
	        ($1 == "" ? "-" : $1), ($2 == "" ? "-" : $2), $3 }')
	echo "${got:-valid}"
}

check() {
	# check NAME WANT GOT
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		fail=1
		echo "not ok $n - $1"
		echo "#   want: $2"
		echo "#   got:  $3"
	fi
}

for schema in */schema.json; do
	printf 'x\n' | "$bin/muni-validate" -q -s "$schema" - >/dev/null 2>&1
	status=$?
	n=$((n + 1))
	if [ $status -ne 2 ]; then
		echo "ok $n - $schema loads"
	else
		fail=1
		echo "not ok $n - $schema does not load:"
		printf 'x\n' | "$bin/muni-validate" -q -s "$schema" - 2>&1 |
		    sed 's/^/#   /'
	fi
done

# Files published as valid.
for f in */exemple-valide.csv */exemple_valide.csv */exemple.csv \
    */exemple-valide-dynamique.csv arrete-circulation-marchandises/exemples/*.csv; do
	[ -f "$f" ] || continue
	schema=${f%%/*}/schema.json
	case $f in
	lieux-covoiturage/*)
		# Upstream's valid example puts 'true' in horaires, which is not
		# opening hours (corpus README, section e, item 4).
		want="2:15:opening-hours-value" ;;
	*/septemes-les-vallons.csv)
		# 'NC' (non communiqué) is not a declared missing value.
		want="2:4:type-error;3:4:type-error;4:4:type-error;5:4:type-error" ;;
	*/fuveau.csv)
		# A required EMPRISE_DESIGNATION left empty upstream.
		want="4:27:constraint-error" ;;
	*) want=valid ;;
	esac
	check "$f" "$want" "$(errors "$schema" "$f")"
done

# Files published as invalid (EXPECTED.md), with Validata's custom checks.
check "lieux-covoiturage/exemple-invalide.csv: date as dd-mm-yyyy, horaires" \
    "2:15:opening-hours-value;3:7:type-error;3:15:opening-hours-value" \
    "$(errors lieux-covoiturage/schema.json lieux-covoiturage/exemple-invalide.csv)"
check "stationnement/exemple-invalide.csv: id pattern, tarif_pmr enum, SIRET" \
    "2:1:constraint-error;2:21:constraint-error;2:18:french-siret-value" \
    "$(errors stationnement/schema.json stationnement/exemple-invalide.csv)"
check "stationstaxi/exemple-non-valide.csv: two extra columns" \
    "-:9:extra-label;-:10:extra-label" \
    "$(errors stationstaxi/schema.json stationstaxi/exemple-non-valide.csv --pick-errors '#header')"
check "scdl-subventions/exemple-duplicate-column.csv: notificationUE twice" \
    "-:14:duplicate-label" \
    "$(errors scdl-subventions/schema.json scdl-subventions/exemple-duplicate-column.csv --pick-errors duplicate-label)"
echo "1..$n"
exit $fail
