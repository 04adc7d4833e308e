#!/bin/sh
# A JSON document nested 400,000 levels deep (900 KB) used to overflow the
# stack of every tool that reads JSON as a tree (SIGSEGV in yajl's
# recursive free). Each such input (schema, mapping, rules, metadata,
# datapackage.json, provenance, anonymization report, a JSON cell) is
# given one, and one nested 70 levels; the tool refuses it with status 2
# and names where the nesting went too deep. What muni-validate checks is
# data: a package descriptor so nested is a package-error and a JSON cell a
# type-error (status 1).
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src/build}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$src/tests/tap.sh"
PATH=$bin:$PATH
sample=$src/tests/fixtures/sample

python3 - "$t" <<'PY'
import sys
t = sys.argv[1]
with open(t + "/deep.json", "w") as f:
    f.write('{"fields": ' + "[" * 400000 + "]" * 400000 + "}")
with open(t + "/deep70.json", "w") as f:
    f.write('{"fields": [{"name": "a", "constraints": ' + '{"x": ' * 70 +
            "1" + "}" * 70 + "}]}")
with open(t + "/dp-deep.json", "w") as f:
    f.write('{"resources": ' + "[" * 400000 + "]" * 400000 + "}")
with open(t + "/dp-deep70.json", "w") as f:
    f.write('{"resources": [{"path": "a.csv", "x": ' + "[" * 70 + "]" * 70 +
            "}]}")
with open(t + "/cells.csv", "w") as f:
    f.write("a\n" + "[" * 100000 + "]" * 100000 + "\n")
PY
printf 'a\n1\n' >"$t/a.csv"
printf '{"fields": [{"name": "a", "type": "array"}]}\n' >"$t/array.json"
cp "$src/tests/fixtures/anonymize/test.key" "$t/key" && chmod 600 "$t/key"

# name|command, where @J@ stands for the deep document
for c in \
    "muni-validate -s|muni-validate -s @J@ $t/a.csv" \
    "muni-validate datapackage.json|muni-validate @J@" \
    "muni-transform -m|muni-transform -m @J@ $t/a.csv" \
    "muni-transform -s --auto|muni-transform -s @J@ --auto $t/a.csv" \
    "muni-anonymize --rules|muni-anonymize --rules @J@ --key-file $t/key $t/a.csv" \
    "muni-publish -m|muni-publish -s $sample/subventions-2025.schema.json -m @J@ -b https://data.example.fr/ -t $t/pub $sample/subventions-2025.csv" \
    "muni-publish -s|muni-publish -s @J@ -m $sample/subventions-2025.meta.json -b https://data.example.fr/ -t $t/pub $sample/subventions-2025.csv" \
    "muni-publish -p|muni-publish -s $sample/subventions-2025.schema.json -m $sample/subventions-2025.meta.json -p @J@ -b https://data.example.fr/ -t $t/pub $sample/subventions-2025.csv" \
    "muni-publish --anonymization-report|muni-publish -s $sample/subventions-2025.schema.json -m $sample/subventions-2025.meta.json --anonymization-report @J@ -b https://data.example.fr/ -t $t/pub $sample/subventions-2025.csv"; do
	name=${c%%|*}
	cmd=${c#*|}
	for doc in deep deep70; do
		[ "$name" = "muni-validate datapackage.json" ] &&
		    cp "$t/dp-$doc.json" "$t/datapackage.json" && doc=datapackage
		run=$(echo "$cmd" | sed "s|@J@|$t/$doc.json|")
		$run >/dev/null 2>"$t/err"
		status=$?
		want=2
		# A package, and the report a publication is bound to, are data.
		case $name in
		*datapackage.json|*--anonymization-report) want=1 ;;
		esac
		check "$name: nested $doc: status $want, the nesting named" \
		    '[ $status = $want ] && grep -q "nesting deeper than 64 levels at" "$t/err"'
	done
	rm -rf "$t/pub"
done
muni-validate -s "$t/array.json" "$t/cells.csv" >/dev/null 2>"$t/err"
status=$?
check "a JSON cell nested 100,000 deep: an error of the data (status 1)" \
    '[ $status = 1 ]'
tap_end
