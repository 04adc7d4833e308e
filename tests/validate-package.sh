#!/bin/sh
# muni-validate on a whole publication: Data Packages (every resource
# against its schema, bytes and hashes, dialect, foreign keys between
# resources, paths kept in the folder, remote resources only when
# allowed, the metadata rules) and folders written by muni-publish (the
# catalogue and catalog.db against the files), each tamper reported
# precisely, in every report format. Servers run on 127.0.0.1 only.
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src}
corpus=${MUNI_CORPUS:-$src/../shared/corpus}
PATH=$bin:$PATH
export PATH
if [ ! -d "$corpus/schemas" ]; then
	echo "1..0 # SKIP corpus absent ($corpus)"
	exit 0
fi
t=$(mktemp -d "${TMPDIR:-/tmp}/muni-vpkg.XXXXXX") || exit 1
spid=
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT INT TERM
. "$src/tests/tap.sh"
F=$src/tests/fixtures/publish
S=$corpus/schemas/scdl-subventions
P=$corpus/schemas/stationnement/schema.json

# A publication of two datasets, three files.
muni publish -s "$S/schema.json" -m "$F/sub.meta.json" -t "$t/pub" --gzip \
    "$S/exemple_valide.csv"
muni publish -s "$P" -m "$F/parkings.meta.json" -t "$t/pub" "$F/st1.csv"
muni validate "$t/pub" >"$t/out" 2>"$t/err"; st=$?
check "publication: valid, status 0" '[ $st -eq 0 ] && [ ! -s "$t/out" ]'
muni validate -f json "$t/pub" >"$t/report.json" 2>"$t/err"
check "publication: JSON has one task per file and the catalogue checks" \
    'python3 - "$t/report.json" <<PY
import json, sys
r = json.load(open(sys.argv[1]))
assert r["valid"] is True and r["stats"]["tasks"] == 3, r["stats"]
places = sorted(t["place"] for t in r["tasks"])
assert places == ["parkings/parkings.csv", "subventions/subventions.csv",
                  "subventions/subventions.csv.gz"], places
assert all(t["stats"]["rows"] in (5, 29) for t in r["tasks"])
PY'
muni validate -f junit "$t/pub" >"$t/junit.xml" 2>"$t/err"
check "publication: JUnit has a testsuite per file, descriptor and catalogue" \
    '[ "$(grep -c "<testsuite " "$t/junit.xml")" -eq 7 ] &&
     grep -q "<testsuite name=\"catalog.rdf\"" "$t/junit.xml" &&
     grep -q "<testsuite name=\"catalog.db\"" "$t/junit.xml"'

tamper() {
	rm -rf "$t/tp" && cp -a "$t/pub" "$t/tp"
}
tamper
f=$(readlink -f "$t/tp/subventions/subventions.csv")
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[200]=ord("Z") if b[200]!=ord("Z") else ord("Y"); open(p,"wb").write(b)' "$f"
muni validate "$t/tp" >"$t/out" 2>"$t/err"; st=$?
check "tamper, a byte of a CSV: hash-count on it, the catalogue and catalog.db disagree" \
    '[ $st -eq 1 ] &&
     grep -q "subventions/subventions.csv: the SHA256 of .subventions/subventions.csv. is .* where the descriptor says .* \[hash-count\]" "$t/err" &&
     grep -q "catalog.rdf: catalog.rdf gives .subventions/subventions.csv. the SHA-256" "$t/err" &&
     grep -q "catalog.db: catalog.db gives .subventions/subventions.csv. the SHA-256" "$t/err" &&
     ! grep -q "parkings.csv.*\[hash-count\]" "$t/err"'
tamper
rm -f "$t/tp/subventions/subventions.csv.gz"
muni validate "$t/tp" >"$t/out" 2>"$t/err"; st=$?
check "tamper, a file removed: source-error naming it, the catalogue's URL points nowhere" \
    '[ $st -eq 1 ] &&
     grep -q "the file .subventions/subventions.csv.gz. of resource .subventions-gz. cannot be read.*\[source-error\]" "$t/err" &&
     grep -q "subventions/subventions.csv.gz., which is not a file of the publication \[catalog-error\]" "$t/err"'
tamper
d=$t/tp/parkings/datapackage.json
python3 - "$d" <<'PY'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["resources"][0]["hash"] = "sha256:" + "0" * 64
d["resources"][0]["bytes"] += 1
s = json.dumps(d)
open(p, "w").write(s)
PY
muni validate "$t/tp" >"$t/out" 2>"$t/err"; st=$?
check "tamper, a hash and a size edited: hash-count and byte-count on that file" \
    '[ $st -eq 1 ] &&
     grep -q "parkings/parkings.csv: the SHA256 of .parkings/parkings.csv. is [0-9a-f]* where the descriptor says 0000.*\[hash-count\]" "$t/err" &&
     grep -q "parkings/parkings.csv: .parkings/parkings.csv. has [0-9]* bytes where the descriptor says [0-9]* \[byte-count\]" "$t/err"'
tamper
python3 - "$t/tp/catalog.rdf" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s2 = re.sub(r'\s*<dcat:dataset>\s*<dcat:Dataset rdf:about="[^"]*parkings/">.*?</dcat:Dataset>\s*</dcat:dataset>', '', s, flags=re.S)
assert s2 != s
open(p, "w").write(s2)
PY
muni validate "$t/tp" >"$t/out" 2>"$t/err"; st=$?
check "tamper, a catalogue entry removed: the dataset is named as missing" \
    '[ $st -eq 1 ] && grep -q "catalog.rdf: dataset .parkings. is not in catalog.rdf" "$t/err" &&
     [ "$(grep -c "\[catalog-error\]" "$t/err")" -eq 1 ]'
tamper
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM datasets WHERE name = ?", ("parkings",)); c.commit()' "$t/tp/catalog.db"
muni validate "$t/tp" >"$t/out" 2>"$t/err"; st=$?
check "tamper, a dataset removed from catalog.db: named" \
    '[ $st -eq 1 ] && grep -q "catalog.db: dataset .parkings. is not in catalog.db \[catalog-error\]" "$t/err"'
muni validate -f github "$t/tp" >"$t/gh" 2>"$t/err"
muni validate -f csv "$t/tp" >"$t/csv" 2>"$t/err"
muni validate -f html "$t/tp" >"$t/html" 2>"$t/err"
check "tampered: github, csv and html reports name the file of each error" \
    'grep -q "^::error file=$t/tp/catalog.db,line=1,title=catalog-error::" "$t/gh" &&
     (cd "$t" && muni validate -f github tp | grep -q "^::error file=tp/catalog.db,line=1,title=catalog-error::") &&
     (cd "$t/tp" && GITHUB_WORKSPACE=$t muni validate -f github . | grep -q "^::error file=tp/catalog.db,line=1") &&
     head -1 "$t/csv" | grep -q "^resource,row,field,type,fieldName,cell,message$" &&
     grep -q "^catalog.db,,,catalog-error,,,dataset" "$t/csv" &&
     [ "$(grep -c "<section>" "$t/html")" -eq 7 ] && grep -q "<span id=\"total\">1</span>" "$t/html"'

# A package built around the IRVE example of the corpus: schema by path.
I=$t/irve
mkdir -p "$I/data"
cp "$corpus/schemas/irve-dynamique/schema.json" "$I/schema.json"
cp "$corpus/schemas/irve-dynamique/exemple-valide-dynamique.csv" "$I/data/irve.csv"
sha=$(sha256sum "$I/data/irve.csv" | cut -d" " -f1)
size=$(wc -c <"$I/data/irve.csv")
cat >"$I/datapackage.json" <<JSON
{"name": "irve-dynamique", "title": "Disponibilité des bornes",
 "description": "Exemple", "created": "2024-01-01T00:00:00Z",
 "licenses": [{"name": "etalab-2.0", "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence"}],
 "contributors": [{"title": "Commune", "role": "publisher"}],
 "frequency": "daily",
 "resources": [{"name": "irve", "path": "data/irve.csv", "profile": "tabular-data-resource",
   "schema": "schema.json", "bytes": $size, "hash": "sha256:$sha", "encoding": "utf-8"}]}
JSON
muni validate "$I/datapackage.json" >"$t/out" 2>"$t/err"; st=$?
check "IRVE package (schema by path): valid, no warning" '[ $st -eq 0 ] && [ ! -s "$t/err" ]'
python3 - "$I/datapackage.json" "$I/bare.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("title", "licenses", "contributors", "frequency"):
    del d[k]
d["created"] = "2999-01-01T00:00:00Z"
json.dump(d, open(sys.argv[2], "w"))
PY
muni validate "$I/bare.json" >"$t/out" 2>"$t/err"; st=$?
check "metadata rules: warnings, and a date in the future is an error" \
    '[ $st -eq 1 ] && [ "$(grep -c "warning:" "$t/err")" -eq 4 ] &&
     grep -q "is in the future \[package-error\]" "$t/err"'
muni validate --strict "$I/bare.json" >"$t/out" 2>"$t/err"; st=$?
check "metadata rules with --strict: errors" \
    '[ $st -eq 1 ] && [ "$(grep -c "\[package-error\]" "$t/err")" -eq 5 ]'

# Paths that leave the folder, remote resources, a schema by URL.
printf '{"resources": [{"name": "a", "path": "../etc/passwd", "format": "csv"}, {"name": "b", "path": "/etc/passwd", "format": "csv"}, {"name": "c", "path": "data/irve.csv", "schema": "../schema.json"}]}' >"$I/escape.json"
muni validate "$I/escape.json" >"$t/out" 2>"$t/err"; st=$?
check "paths out of the folder are refused, the file is not read" \
    '[ $st -eq 1 ] && [ "$(grep -c "leaves the package.s folder: refused \[scheme-error\]" "$t/err")" -eq 3 ] &&
     ! grep -q "root:" "$t/err"'
rm -f "$t/port"
( cd "$I" && exec python3 -c '
import http.server, os, sys
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
open(sys.argv[1] + ".tmp", "w").write(str(s.server_address[1])); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()' "$t/port" 2>/dev/null ) &
spid=$!
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	[ -f "$t/port" ] && break
	sleep 0.25
done
if [ -f "$t/port" ]; then
	u=http://127.0.0.1:$(cat "$t/port")
	python3 - "$I/datapackage.json" "$I/url.json" "$u" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["resources"][0]["schema"] = sys.argv[3] + "/schema.json"
json.dump(d, open(sys.argv[2], "w"))
d["resources"][0]["path"] = sys.argv[3] + "/data/irve.csv"
json.dump(d, open(sys.argv[2].replace("url", "remote"), "w"))
PY
	muni validate "$I/url.json" >"$t/out" 2>"$t/err"; st=$?
	check "a schema by URL on 127.0.0.1: fetched, valid" '[ $st -eq 0 ]'
	muni validate "$I/remote.json" >"$t/out" 2>"$t/err"; st=$?
	check "a remote resource without --allow-remote: scheme-error, not fetched" \
	    '[ $st -eq 1 ] && grep -q "is a remote resource: it is fetched only with --allow-remote \[scheme-error\]" "$t/err"'
	muni validate --allow-remote "$I/remote.json" >"$t/out" 2>"$t/err"; st=$?
	check "a remote resource with --allow-remote: fetched, hashed, valid" '[ $st -eq 0 ]'
else
	skip "servers" "python3 http.server did not start"
fi

# Foreign keys between the resources of a package.
K=$t/fk
mkdir -p "$K"
printf 'code,nom\n75056,Paris\n38185,Grenoble\n' >"$K/communes.csv"
printf 'id,commune\n1,75056\n2,99999\n' >"$K/lieux.csv"
cat >"$K/datapackage.json" <<'JSON'
{"name": "fk", "resources": [
 {"name": "communes", "path": "communes.csv", "schema": {"fields": [{"name": "code"}, {"name": "nom"}], "primaryKey": "code"}},
 {"name": "lieux", "path": "lieux.csv", "schema": {"fields": [{"name": "id"}, {"name": "commune"}],
   "foreignKeys": [{"fields": "commune", "reference": {"resource": "communes", "fields": "code"}}]}}]}
JSON
muni validate "$K/datapackage.json" >"$t/out" 2>"$t/err"; st=$?
check "foreign keys between resources are resolved" \
    '[ $st -eq 1 ] && grep -q "lieux.csv:3: .*\[foreign-key\]" "$t/err" && ! grep -q "communes.csv:.*foreign-key" "$t/err"'

# A resource descriptor whose table has no header row (dialect.header
# false, frictionless' issue 1478): the schema's names stand for it.
H=$t/noheader
mkdir -p "$H"
printf 'DEBE_PR_0001|01.06.2023|15.09.2023|nicht geschlossen\nDEBE_PR_0002|01.06.2023|31.08.2023|zeitweise geschlossen\n' >"$H/table.csv"
cat >"$H/resource.json" <<'JSON'
{"path": "table.csv", "name": "saison", "profile": "tabular-data-resource",
 "dialect": {"delimiter": "|", "header": false},
 "schema": {"fields": [{"name": "ID"}, {"name": "BEGINN", "type": "date", "format": "%d.%m.%Y"},
   {"name": "ENDE", "type": "date", "format": "%d.%m.%Y"},
   {"name": "GESCHLOSSEN", "constraints": {"enum": ["nicht geschlossen", "ganze Saison geschlossen", "zeitweise geschlossen"]}}]}}
JSON
muni validate --summary "$H/resource.json" >"$t/out" 2>"$t/err"; st=$?
check "a resource descriptor without a header row: both rows are data, valid" \
    '[ $st -eq 0 ] && grep -q "table.csv: valid: 0 errors in 2 rows" "$t/err"'
sed 's/zeitweise/manchmal/' "$H/table.csv" >"$H/t2" && mv "$H/t2" "$H/table.csv"
muni validate "$H/resource.json" >"$t/out" 2>"$t/err"; st=$?
check "without a header row, rows are numbered from 1: the second row's error is row 2" \
    '[ $st -eq 1 ] && grep -q "table.csv:2: field .GESCHLOSSEN.: .*\[constraint-error\]" "$t/err"'

tap_end
