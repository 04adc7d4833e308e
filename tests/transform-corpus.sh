#!/bin/sh
# muni transform --auto on the SCDL subsidies examples that carry errors
# (../shared/corpus/schemas/scdl-subventions/exemple_invalide_erreurs_*):
# piped to muni validate, only the errors no mechanical rule can fix must
# remain. Each is listed below as row:field:type with the reason it stays;
# the cells' file and the columns' variant (swapped and renamed columns)
# must give the same list. Then every example file of the corpus goes
# through --auto --emit-map and back through -m: the same output. Skipped
# without the corpus.
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src}
corpus=${MUNI_CORPUS:-$src/../shared/corpus}
dir=$corpus/schemas/scdl-subventions
if [ ! -f "$dir/schema.json" ]; then
	echo "1..0 # SKIP $dir not found"
	exit 0
fi
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# row:field:type<TAB>why no rule can fix it. Besides these, every
# french-siret-value error left must be a 14-digit SIRET whose check digit
# is wrong (no conversion can find the right key): checked as a group.
cat >"$t/expected" <<'LIST'
2:15:constraint-error	100 as pourcentageSubvention: a ratio is expected, but 100 may mean 100 % or be a typo; only the steward knows
3:15:constraint-error	80: the same, a percentage where a ratio is expected
4:15:constraint-error	80: the same
5:7:constraint-error	W3222 is not an RNA number (W and 9 digits): digits are missing
7:2:constraint-error	218601946 is a SIREN where a SIRET is expected: the 5 digits of the establishment are unknown
8:12:constraint-error	2017-06-27_2018-06-27: '_' instead of '/' between two dates; a rule for this one file, not a general one
9::one-of-required	neither idBeneficiaire nor rnaBeneficiaire is given: the identifier must be looked up
10:9:constraint-error	montant is empty but required: the amount is unknown
12:7:constraint-error	W12455 is not an RNA number: digits are missing
16:10:constraint-error	'aide en numéraire,aide en nature' uses ',' where the enum has ';': a rule for this one value
30:7:constraint-error	W1234567 is not an RNA number: digits are missing
LIST
cut -f1 "$t/expected" >"$t/want"
n=0
fail=0
for variant in cellules colonnes; do
	"$bin/muni-transform" -q -s "$dir/schema.json" --auto \
	    "$dir/exemple_invalide_erreurs_$variant.csv" 2>"$t/err" |
	    "$bin/muni-validate" -q -s "$dir/schema.json" -f csv \
	    --limit-errors 0 2>/dev/null | tail -n +2 | cut -d, -f1-3 |
	    tr , : >"$t/got"
	n=$((n + 1))
	# the SIRET check digits: every one left is a wrong key
	if grep ':french-siret-value$' "$t/got" |
	    cut -d: -f1-2 | while IFS=: read -r row field; do
		# a SIREN where a SIRET is expected is listed above
		grep -q "^$row:$field:" "$t/want" && continue
		value=$("$bin/muni-transform" -q -s "$dir/schema.json" --auto \
		    "$dir/exemple_invalide_erreurs_$variant.csv" 2>/dev/null |
		    awk -F, -v r="$row" -v f="$field" 'NR == r { print $f }')
		case $value in
		[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;;
		*) echo "$row:$field $value"; exit 1 ;;
		esac
	done; then
		echo "ok $n - $variant: every SIRET left is 14 digits whose check digit is wrong (no rule can fix a key)"
	else
		fail=1
		echo "not ok $n - $variant: a SIRET error is not about its check digit"
	fi
	grep -v ':french-siret-value$' "$t/got" | sort >"$t/got-rest"
	sort "$t/want" >"$t/want-sorted"
	n=$((n + 1))
	if diff "$t/want-sorted" "$t/got-rest" >"$t/diff"; then
		echo "ok $n - $variant: only the errors no rule can fix remain ($(wc -l <"$t/want") besides the SIRET keys)"
		while IFS='	' read -r key why; do
			echo "#   $key: $why"
		done <"$t/expected"
	else
		fail=1
		echo "not ok $n - $variant: the errors left differ (< expected, > got)"
		sed 's/^/# /' "$t/diff"
	fi
done
# The mapping --auto builds, written with --emit-map and read back with
# -m, maps every example file of the corpus the same, byte for byte
# (lookup tables of --explain included).
for csv in "$corpus"/schemas/*/*.csv; do
	schema=$(dirname "$csv")/schema.json
	[ -f "$schema" ] || continue
	name=${csv#"$corpus"/schemas/}
	rm -f "$t"/m.json "$t"/m.*.csv
	n=$((n + 1))
	if "$bin/muni-transform" -q --auto --explain -s "$schema" \
	    --emit-map "$t/m.json" "$csv" >"$t/auto.csv" 2>"$t/err";
	    [ $? -le 1 ] && "$bin/muni-transform" -q -m "$t/m.json" "$csv" \
	    >"$t/again.csv" 2>>"$t/err"; [ $? -le 1 ] &&
	    cmp -s "$t/auto.csv" "$t/again.csv"; then
		echo "ok $n - $name: the mapping emitted maps it the same"
	else
		fail=1
		echo "not ok $n - $name: the mapping emitted maps it otherwise"
		diff "$t/auto.csv" "$t/again.csv" | head -5 | sed 's/^/# /'
		sed 's/^/# /' "$t/err" | head -5
	fi
done
echo "1..$n"
exit $fail
