#!/bin/sh
# muni-publish end to end: the whole pipeline on the bundled sample (twice:
# the second run publishes nothing; then one row changed), a corpus dataset
# checked by other programs (datapackage.json against the Data Package
# profile's required members and types, catalog.rdf parsed by rapper,
# index.html rendered by headless Chromium), publications killed with
# SIGKILL at many instants, the lock, and the upload to a scripted stand-in
# of data.gouv.fr's API. Parts whose program is missing say skip.
# (publication.sh, not publish.sh: make's built-in rule would make a file
# tests/publish, the cases' folder, out of publish.sh in a VPATH build,
# and make dist would ship that file in the folder's place.)
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src}
corpus=${MUNI_CORPUS:-$src/../shared/corpus}
PATH=$bin:$PATH
export PATH
unset SOURCE_DATE_EPOCH
t=$(mktemp -d "${TMPDIR:-/tmp}/muni-publish.XXXXXX") || exit 1
spid=
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT INT TERM
. "$src/tests/tap.sh"
F=$src/tests/fixtures/publish

# 1. The pipeline on the bundled sample: fetch, transform, anonymize,
#    validate, publish; twice, then with one amount changed.
sample=$src/tests/fixtures/sample/subventions-2025.csv
schema=$src/tests/fixtures/sample/subventions-2025.schema.json
python3 - "$t/rules.json" <<'PY'
import json, sys
cols = ["Nom attribuant", "SIRET attribuant", "Date convention",
        "Référence délibération", "Nom bénéficiaire", "SIRET bénéficiaire",
        "Objet", "Montant (€)", "Nature", "Conditions de versement",
        "Date versement", "Pourcentage", "Aide UE"]
json.dump({"columns": {c: "keep" for c in cols}}, open(sys.argv[1], "w"),
          ensure_ascii=False)
PY
pipeline() {
	muni fetch -p "$t/prov.json" "$1" |
	    muni transform --auto --schema "$schema" |
	    muni anonymize --rules "$t/rules.json" --report "$t/anon.json" |
	    muni validate -s "$schema" --valid-rows --rejects "$t/rej.csv" |
	    muni publish -s "$schema" -m "$F/sub.meta.json" -p "$t/prov.json" \
		--anonymization-report "$t/anon.json" -t "$t/pub" --summary \
		2>"$t/publish.err"
}
R=$t/pub
pipeline "$sample"; st=$?
check "pipeline: the first run publishes version 1.0.0" \
    '[ $st -eq 0 ] && grep -q "published version 1.0.0" "$t/publish.err" &&
     [ "$(muni publish -t "$R" --history subventions | wc -l)" -eq 1 ]'
sleep 1
touch "$t/stamp"
pipeline "$sample"; st=$?
check "pipeline: the second run is a no-op that says unchanged" \
    '[ $st -eq 0 ] && grep -q "unchanged, version 1.0.0" "$t/publish.err" &&
     [ "$(muni publish -t "$R" --history subventions | wc -l)" -eq 1 ]'
check "pipeline: the no-op touched no published file" \
    '[ -z "$(find -L "$R/subventions" "$R/catalog.rdf" "$R/index.html" "$R/catalog.db" -newer "$t/stamp")" ]'
sed 's/5919,50/5919,60/' "$sample" >"$t/changed.csv"
pipeline "$t/changed.csv"
check "pipeline: one amount changed makes 1.1.0 with one row changed" \
    'grep -q "published version 1.1.0 .*: 20 rows, 0 added, 0 removed, 1 changed" "$t/publish.err" &&
     muni publish -t "$R" --history subventions | head -1 | grep -q "	+0 -0 ~1	valid	pass	"'
check "pipeline: both versions are reachable under versions/" \
    '[ "$(ls "$R/subventions/versions" | wc -l)" -eq 2 ] &&
     for v in "$R"/subventions/versions/*/; do [ -s "$v/subventions.csv" ] || exit 1; done'
check "pipeline: the published CSV is what the pipeline produced" \
    'muni fetch "$t/changed.csv" | muni transform --auto --schema "$schema" |
     muni validate -s "$schema" --valid-rows --rejects "$t/rej2.csv" 2>/dev/null | cmp -s - "$R/subventions/subventions.csv"'

# 2. A corpus dataset, checked by other programs.
S=$corpus/schemas/scdl-subventions
if [ -d "$S" ]; then
	C=$t/corpus
	muni publish -s "$S/schema.json" -m "$F/sub.meta.json" -t "$C" --gzip \
	    "$S/exemple_valide.csv"
	printf '{"name": "hostile", "title": "<script>document.title=\\"pwned\\"</script>", "description": "<img src=x onerror=\\"document.title=1\\">", "producer": "A & B"}' >"$t/hostile.json"
	muni publish -s "$S/schema.json" -m "$t/hostile.json" -t "$C" \
	    "$S/exemple_valide.csv"
	check "corpus: datapackage.json has the required members and types of Data Package" \
	    'python3 "$src/tests/check-datapackage.py" "$C/subventions"'
	check "corpus: datapackage.json's hashes and sizes are the files'" \
	    'python3 "$src/tests/check-datapackage.py" --files "$C/subventions"'
	if command -v rapper >/dev/null 2>&1; then
		rapper -q -i rdfxml -o ntriples "$C/catalog.rdf" >"$t/nt" 2>"$t/rapper.err"; st=$?
		check "corpus: rapper parses catalog.rdf" \
		    '[ $st -eq 0 ] && [ ! -s "$t/rapper.err" ] && [ "$(wc -l <"$t/nt")" -gt 50 ]'
		sha=$(sha256sum "$C/subventions/subventions.csv" | cut -d" " -f1)
		size=$(wc -c <"$C/subventions/subventions.csv")
		check "corpus: the catalogue gives the CSV's checksum and size" \
		    'grep -q "\"$sha\"^^<http://www.w3.org/2001/XMLSchema#hexBinary>" "$t/nt" &&
		     grep -q "\"$size\"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>" "$t/nt"'
		check "corpus: two datasets, four distributions (one gzip)" \
		    '[ "$(grep -c "#type> <http://www.w3.org/ns/dcat#Dataset>" "$t/nt")" -eq 2 ] &&
		     [ "$(grep -c "#type> <http://www.w3.org/ns/dcat#Distribution>" "$t/nt")" -eq 3 ] &&
		     grep -q "compressFormat> <http://www.iana.org/assignments/media-types/application/gzip>" "$t/nt"'
	else
		skip "corpus: rapper parses catalog.rdf" "rapper not installed (apt-get install raptor2-utils)"
	fi
	chromium=$(command -v chromium || command -v chromium-browser || true)
	if [ -n "$chromium" ]; then
		dom() {
			timeout 60 "$chromium" --headless --no-sandbox --disable-gpu \
			    --disable-quic --no-first-run \
			    --disable-background-networking \
			    --disable-component-update --disable-sync \
			    --user-data-dir="$t/profile" --dump-dom "file://$1" \
			    2>>"$t/chromium.log"
		}
		dom "$C/subventions/index.html" >"$t/page.html"
		fields=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["fields"]))' "$S/schema.json")
		check "corpus: the landing page renders with 29 rows counted" \
		    'grep -q "<dd id=\"row-count\">29</dd>" "$t/page.html" &&
		     grep -q "<html lang=\"fr\">" "$t/page.html"'
		check "corpus: the page lists every field of the schema" \
		    '[ "$(sed -n "/<table id=\"fields\"/,/<\/table>/p" "$t/page.html" | grep -c "<th scope=\"row\">")" -eq "$fields" ]'
		check "corpus: the preview shows 10 rows, the history one version" \
		    '[ "$(sed -n "/<table id=\"rows\"/,/<\/table>/p" "$t/page.html" | grep -c "<tr><td>")" -eq 10 ] &&
		     [ "$(sed -n "/<table id=\"versions\"/,/<\/table>/p" "$t/page.html" | grep -c "<th scope=\"row\">")" -eq 1 ]'
		check "corpus: both downloads are linked with their SHA-256" \
		    'grep -q "href=\"subventions.csv\"" "$t/page.html" &&
		     grep -q "href=\"subventions.csv.gz\"" "$t/page.html" &&
		     grep -q "$sha" "$t/page.html"'
		dom "$C/hostile/index.html" >"$t/hostile.html"
		check "corpus: metadata with markup is shown as text, no script runs" \
		    '! grep -qi "<script" "$t/hostile.html" &&
		     ! grep -q "<title>pwned\|<title>1</title>" "$t/hostile.html" &&
		     grep -q "&lt;script&gt;" "$t/hostile.html"'
		dom "$C/index.html" >"$t/root.html"
		check "corpus: the root page lists the 2 datasets" \
		    'grep -q "<span id=\"dataset-count\">2</span>" "$t/root.html" &&
		     [ "$(grep -c "<th scope=\"row\"><a href=" "$t/root.html")" -eq 2 ]'
	else
		skip "corpus: pages in Chromium" "chromium not installed"
	fi
else
	skip "corpus publication" "corpus absent ($corpus)"
fi

# 3. Killed at many instants: the publication is always whole and agrees
#    with catalog.db once any run has recovered, and the next run ends it.
python3 "$src/../shared/bench/gen_subventions.py" 150000 canonical >"$t/big1.csv" 2>/dev/null ||
    python3 - "$t/big1.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("id,texte\n")
    for i in range(1500000):
        f.write("%d,ligne numéro %d du fichier\n" % (i, i))
PY
if [ -s "$t/big1.csv" ]; then
	head -1 "$t/big1.csv" | python3 -c '
import json, sys
names = sys.stdin.readline().strip().split(",")
print(json.dumps({"fields": [{"name": n} for n in names]}))' >"$t/big.schema.json"
	# A second file that differs (from the generator's or the fallback's).
	sed -e 's/,aide en nature,/,aide en nature ,/' \
	    -e 's/ du fichier$/ du fichier (modifiée)/' "$t/big1.csv" >"$t/big2.csv"
	check "the two files published in turn differ" '! cmp -s "$t/big1.csv" "$t/big2.csv"'
	K=$t/killed
	printf '{"name": "big", "title": "t", "description": "d", "producer": "p", "base_url": "https://data.example.fr/"}' >"$t/big.meta.json"
	consistent() {
		# The link, the files, datapackage.json, catalog.db, catalog.rdf.
		python3 "$src/tests/check-datapackage.py" --files "$K/big" >/dev/null 2>&1 || return 1
		h=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["resources"][0]["hash"][7:])' "$K/big/datapackage.json")
		muni publish -t "$K" --list >"$t/list" || return 1
		[ "$(cut -f6 "$t/list")" = "$h" ] || return 1
		grep -q "$h" "$K/catalog.rdf" || return 1
		[ -z "$(find "$K/.muni/big" -maxdepth 1 -name '.tmp-*')" ] || return 1
		return 0
	}
	muni publish -s "$t/big.schema.json" -m "$t/big.meta.json" -t "$K" --gzip "$t/big1.csv"
	kills=0
	bad=0
	for d in 0.02 0.1 0.2 0.35 0.5 0.7 0.9 1.1 1.3 1.6 2.0 2.5 3.0 0.05 0.15 0.45 0.8 1.2; do
		kills=$((kills + 1))
		f=$t/big$((kills % 2 + 1)).csv
		muni publish -s "$t/big.schema.json" -m "$t/big.meta.json" -t "$K" --gzip "$f" 2>/dev/null &
		p=$!
		sleep "$d"
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
		consistent || { bad=$((bad + 1)); echo "# inconsistent after a kill at ${d}s"; }
	done
	check "killed $kills times: after each, the files, datapackage.json, catalog.db and catalog.rdf agree" \
	    '[ "$bad" -eq 0 ]'
	muni publish -s "$t/big.schema.json" -m "$t/big.meta.json" -t "$K" --gzip "$t/big2.csv" &&
	    muni publish -s "$t/big.schema.json" -m "$t/big.meta.json" -t "$K" --gzip "$t/big1.csv"; st=$?
	check "after the kills, the next runs publish and agree" \
	    '[ $st -eq 0 ] && consistent && cmp -s "$K/big/big.csv" "$t/big1.csv"'
	# Then a crash right after each step, by fault injection: every state
	# a crash can leave, recovered by the next run (here --list).
	steps="data version live catalog generation links switch"
	if [ "${MUNI_FAULT_INJECTION:-no}" != yes ]; then
		for step in $steps; do
			skip "crash after step $step" "the crash points are built by ./configure --enable-fault-injection"
		done
		steps=
	fi
	for step in $steps; do
		kills=$((kills + 1))
		before=$(cut -f6 "$t/list")
		# The file that is not published now, so that a version is made.
		f=$t/big1.csv
		[ "$(sha256sum "$f" | cut -d" " -f1)" = "$before" ] && f=$t/big2.csv
		MUNI_TEST_CRASH_AT=$step muni publish -s "$t/big.schema.json" \
		    -m "$t/big.meta.json" -t "$K" --gzip --keep 3 "$f" 2>/dev/null
		st=$?
		# Before any recovery the published files are the old or the new.
		now=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["resources"][0]["hash"][7:])' "$K/big/datapackage.json")
		check "crash after step $step: killed, and the published files are whole" \
		    '[ $st -eq 137 ] && python3 "$src/tests/check-datapackage.py" --files "$K/big" >/dev/null'
		check "crash after step $step: before any recovery, the folder validates" \
		    'muni validate -q "$K" >/dev/null 2>&1'
		consistent
		after=$(cut -f6 "$t/list")
		# Until the one rename, the publication is the old one.
		case $step in
		switch) want=$(sha256sum "$f" | cut -d" " -f1) ;;
		*) want=$before ;;
		esac
		check "crash after step $step: recovered to the $( [ "$want" = "$before" ] && echo old || echo new ) version, all agreeing" \
		    '[ "$after" = "$want" ] && consistent'
	done
	check "after the kills, every version in catalog.db has its folder" \
	    'muni publish -t "$K" --history big | cut -f1 | while read -r s; do [ -d "$K/.muni/big/$s" ] || exit 1; done'
fi

# 3b. Readers while a writer publishes: muni validate on the folder, in a
#     loop, while versions of two datasets are published back to back;
#     every validation sees the old publication or the new, never a mix.
W=$t/readers
printf '{"name": "autre", "title": "t", "description": "d", "producer": "p"}' >"$t/autre.meta.json"
muni publish -s "$schema" -m "$F/sub.meta.json" -t "$W" --gzip "$R/subventions/subventions.csv"
sed 's/sortie annuelle des aînés/sortie annuelle/' "$R/subventions/subventions.csv" >"$t/sub-b.csv"
: >"$t/writer.done"
rm -f "$t/writer.done"
(
	for i in 1 2 3 4 5 6; do
		f=$R/subventions/subventions.csv
		[ $((i % 2)) -eq 0 ] && f=$t/sub-b.csv
		muni publish -s "$schema" -m "$F/sub.meta.json" -t "$W" --gzip --keep 2 "$f" || echo "writer failed at $i"
		muni publish -s "$schema" -m "$t/autre.meta.json" -t "$W" "$f" || echo "writer failed at $i"
	done >"$t/writer.log" 2>&1
	touch "$t/writer.done"
) &
wpid=$!
reads=0
rfail=0
start=$(date +%s)
while [ ! -f "$t/writer.done" ] && [ $(($(date +%s) - start)) -lt 120 ]; do
	reads=$((reads + 1))
	if ! muni validate -q "$W" >"$t/reader.out" 2>&1; then
		rfail=$((rfail + 1))
		sed 's/^/# reader: /' "$t/reader.out" | head -5
	fi
done
wait "$wpid"
check "readers: $reads validations during 12 publications, none failed, the writer never failed" \
    '[ "$rfail" -eq 0 ] && [ "$reads" -gt 0 ] && [ ! -s "$t/writer.log" ] &&
     muni validate -q "$W" >/dev/null 2>&1'
check "readers: no -wal or -shm beside catalog.db, a copy of catalog.db alone has both tables" \
    '[ -z "$(find -L "$W" -name "*-wal" -o -name "*-shm" -o -name "*-journal")" ] &&
     cp "$W/catalog.db" "$t/copy.db" &&
     python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(\"select count(*) from versions\").fetchone()[0])" "$t/copy.db" | grep -q "^[1-9]" &&
     [ "$(od -An -tu1 -j18 -N2 "$t/copy.db" | tr -d " ")" = 11 ]'
# A generation a reader still held when the last publication switched is
# kept until the next one: publish once more, with no reader, then count.
muni publish -s "$schema" -m "$F/sub.meta.json" -t "$W" --gzip --keep 2 \
    "$R/subventions/subventions.csv" 2>"$t/err"
check "readers: what no generation refers to is gone (one generation, --keep 2 kept)" \
    '[ "$(ls -d "$W"/.muni/gen-* | wc -l)" -eq 1 ] &&
     [ "$(ls -d "$W"/.muni/subventions/live-* | wc -l)" -eq 1 ] &&
     [ "$(ls -d "$W"/.muni/subventions/2* | grep -vc idx)" -eq 2 ]'

# 3c. A full disk at every step: a library preloaded makes the Nth call
#     that takes space under the folder fail with ENOSPC, for each N until
#     a run gets through. Each failing run is status 3 and leaves the old
#     publication, valid; a run that gets through has switched to the new.
D=$t/full
cc=${CC:-cc}
if $cc -shared -fPIC -o "$t/enospc.so" "$src/tests/enospc.c" -ldl 2>"$t/cc.err"; then
	muni publish -s "$schema" -m "$F/sub.meta.json" -t "$D" --gzip "$R/subventions/subventions.csv"
	after=0
	bad=0
	runs=0
	while [ "$after" -lt 3000 ]; do
		cur=$(sha256sum "$D/subventions/subventions.csv" | cut -d" " -f1)
		f=$R/subventions/subventions.csv
		[ "$(sha256sum "$f" | cut -d" " -f1)" = "$cur" ] && f=$t/sub-b.csv
		LD_PRELOAD=$t/enospc.so ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 \
		    MUNI_TEST_ENOSPC_UNDER=$D MUNI_TEST_ENOSPC_AFTER=$after \
		    muni publish -s "$schema" -m "$F/sub.meta.json" -t "$D" --gzip "$f" 2>"$t/full.err"
		st=$?
		runs=$((runs + 1))
		now=$(sha256sum "$D/subventions/subventions.csv" | cut -d" " -f1)
		if [ $st -eq 3 ] && [ "$now" = "$cur" ] && muni validate -q "$D" >/dev/null 2>&1; then
			:
		elif [ $st -eq 0 ] && [ "$now" = "$(sha256sum "$f" | cut -d" " -f1)" ] &&
		    muni validate -q "$D" >/dev/null 2>&1; then
			break
		else
			bad=$((bad + 1))
			echo "# full disk after $after calls: status $st, $(head -1 "$t/full.err")"
		fi
		after=$((after + 1))
	done
	check "full disk: a failure at each of the $runs steps is status 3 and leaves the old publication valid" \
	    '[ "$bad" -eq 0 ] && [ "$after" -lt 3000 ] && [ "$runs" -gt 20 ]'
	check "full disk: what the failed runs left is removed by the next one" \
	    'muni publish -t "$D" --list >/dev/null &&
	     [ "$(ls -d "$D"/.muni/gen-* | wc -l)" -eq 1 ] &&
	     [ -z "$(find "$D" -name ".tmp-*" -o -name "*.muni-tmp")" ]'
else
	skip "full disk" "cannot build the preloaded library: $(head -1 "$t/cc.err")"
fi

# 3d. A folder published by an earlier muni (catalog.db at the root in WAL
#     mode, the root's files regular, ROOT/NAME -> .muni/NAME/live-STAMP)
#     is moved to generations by the next run, its history kept.
M=$t/legacy
muni publish -s "$schema" -m "$F/sub.meta.json" -t "$M" "$R/subventions/subventions.csv" &&
    muni publish -s "$schema" -m "$F/sub.meta.json" -t "$M" "$t/sub-b.csv"
python3 - "$M" <<'PY'
import os, shutil, sqlite3, sys
root = sys.argv[1]
gen = os.path.join(root, ".muni", os.readlink(os.path.join(root, ".muni/current")))
live = os.readlink(os.path.join(gen, "subventions"))          # ../subventions/live-S
for f in ("catalog.rdf", "index.html", "catalog.db"):
    os.unlink(os.path.join(root, f))
    shutil.copy(os.path.join(gen, f), os.path.join(root, f))
db = sqlite3.connect(os.path.join(root, "catalog.db"))
db.execute("PRAGMA journal_mode = WAL")
db.execute("DROP TABLE settings")
db.commit()
os.unlink(os.path.join(root, "subventions"))
os.symlink(".muni/" + live[3:], os.path.join(root, "subventions"))
os.unlink(os.path.join(root, ".muni/current"))
shutil.rmtree(gen)
db.close()
PY
muni publish -t "$M" --history subventions >"$t/legacy.hist"; st=$?
check "legacy layout: moved to generations, both versions kept, the folder valid" \
    '[ $st -eq 0 ] && [ "$(wc -l <"$t/legacy.hist")" -eq 2 ] &&
     [ -L "$M/catalog.db" ] && [ -L "$M/catalog.rdf" ] && [ -L "$M/.muni/current" ] &&
     [ "$(readlink "$M/subventions")" = .muni/current/subventions ] &&
     [ -z "$(find "$M" -maxdepth 1 -name "catalog.db-*")" ] &&
     muni validate -q "$M" >/dev/null 2>&1'
muni publish -s "$schema" -m "$F/sub.meta.json" -t "$M" "$R/subventions/subventions.csv"; st=$?
check "legacy layout: the next publication makes version 1.2.0" \
    '[ $st -eq 0 ] && muni publish -t "$M" --history subventions | head -1 | cut -f2 | grep -qx 1.2.0 &&
     muni validate -q "$M" >/dev/null 2>&1'

# 4. The lock: --wait waits for the other publication, without it fails.
L=$t/locked
mkdir -p "$L/.muni"
flock "$L/.muni/lock" sleep 2 &
lpid=$!
sleep 0.5
muni publish -s "$schema" -m "$F/sub.meta.json" -t "$L" "$R/subventions/subventions.csv" 2>"$t/lock.err"; st=$?
check "lock: a second publication fails at once with status 3" \
    '[ $st -eq 3 ] && grep -q "is in progress" "$t/lock.err"'
muni publish --wait -s "$schema" -m "$F/sub.meta.json" -t "$L" "$R/subventions/subventions.csv"; st=$?
check "lock: with --wait it waits and publishes" '[ $st -eq 0 ] && [ -s "$L/subventions/subventions.csv" ]'
wait "$lpid"

# 4b. Reading needs no lock: --list and --history while a publication
#     holds the lock, and on a folder this user may only read.
flock "$R/.muni/lock" sleep 3 &
lpid=$!
sleep 0.5
muni publish -t "$R" --list >"$t/locked.list" 2>"$t/err"; st=$?
check "reading: --list while a publication holds the lock lists at once" \
    '[ $st -eq 0 ] && grep -q "^subventions	1.1.0	" "$t/locked.list"'
wait "$lpid"
RO=$t/readonly
cp -a "$R" "$RO" && chmod -R a-w "$RO" && chmod 755 "$t"
as_other=
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
    as_other="setpriv --reuid=65534 --regid=65534 --clear-groups"
$as_other "$bin/muni-publish" -t "$RO" --history subventions >"$t/ro.hist" 2>"$t/err"; st=$?
check "reading: --history on a folder this user may only read" \
    '[ $st -eq 0 ] && [ "$(wc -l <"$t/ro.hist")" -eq 2 ]'
chmod -R u+w "$RO"

# 5. data.gouv.fr: the requests sent to a scripted stand-in of its API.
rm -f "$t/port"
python3 "$src/tests/datagouv-server.py" "$t/port" "$t/api.log" &
spid=$!
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	[ -f "$t/port" ] && break
	sleep 0.25
done
if [ -f "$t/port" ]; then
	api=http://127.0.0.1:$(cat "$t/port")/api/1
	echo good-key >"$t/key"
	echo bad-key >"$t/badkey"
	chmod 600 "$t/key" "$t/badkey"
	up() {
		muni publish -s "$schema" -m "$F/sub.meta.json" --api-url "$api" \
		    --summary "$@" "$R/subventions/subventions.csv"
	}
	up -t datagouv:ds1 --api-key-file "$t/key" 2>"$t/up.err"; st=$?
	check "datagouv: the upload succeeds" '[ $st -eq 0 ] && grep -q "uploaded to resource res-1" "$t/up.err"'
	check "datagouv: GET, POST the file onto res-1, PUT the resource, PUT private false" \
	    'python3 - "$t/api.log" <<PY
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
want = [("GET", "/api/1/datasets/ds1/"),
        ("POST", "/api/1/datasets/ds1/resources/res-1/upload/"),
        ("PUT", "/api/1/datasets/ds1/resources/res-1/"),
        ("PUT", "/api/1/datasets/ds1/")]
assert [(r["method"], r["path"]) for r in log] == want, log
assert all(r["key"] == "good-key" for r in log)
assert log[1]["type"] == "multipart/form-data" and log[1]["body"]["file"] == "subventions.csv"
assert log[1]["body"]["bytes"] > 1000
assert log[2]["type"] == "application/json" and log[2]["body"]["title"] == "subventions.csv"
assert log[2]["body"]["format"] == "csv"
assert log[3]["body"] == {"private": False}
PY'
	: >"$t/api.log"
	up -t datagouv:ds1 --api-key-file "$t/key" 2>"$t/up.err"; st=$?
	check "datagouv: the same file again is not uploaded (sha1 checksum equal)" \
	    '[ $st -eq 0 ] && grep -q unchanged "$t/up.err" && [ "$(wc -l <"$t/api.log")" -eq 1 ]'
	up -t datagouv:ds1 --api-key-file "$t/badkey" 2>"$t/up.err"; st=$?
	check "datagouv: a refused key is status 2, with the server's message" \
	    '[ $st -eq 2 ] && grep -q "refused the API key .*HTTP 403.*Invalid API Key" "$t/up.err"'
	up -t datagouv:nope --api-key-file "$t/key" 2>"$t/up.err"; st=$?
	check "datagouv: an unknown dataset is status 2" \
	    '[ $st -eq 2 ] && grep -q "has no dataset .nope." "$t/up.err"'
else
	skip "datagouv" "the scripted server did not start"
fi

tap_end
