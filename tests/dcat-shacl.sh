#!/bin/sh
# The catalogue and descriptors of a fully described publication, checked
# by the validators other people wrote: catalog.rdf against the official
# DCAT-AP 3.0.1 SHACL shapes (npm rdf-validate-shacl, as the shapes'
# SOURCE.txt names it), each datapackage.json read by Frictionless'
# datapackage-js (v1), and the spatial coverage as data.gouv.fr's
# harvester reads it (a GeoJSON polygon under dct:spatial). The node
# modules come from build/npm (scripts/quickstart check installs them);
# without node or them, the checks say skip.
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src}
build=${MUNI_BUILD:-$bin}
corpus=${MUNI_CORPUS:-$src/../shared/corpus}
standards=$src/../shared/standards/dcat-ap-3.0.1
PATH=$bin:$PATH
export PATH
t=$(mktemp -d "${TMPDIR:-/tmp}/muni-shacl.XXXXXX") || exit 1
trap 'rm -rf "$t"' EXIT INT TERM
. "$src/tests/tap.sh"
F=$src/tests/fixtures/publish
# Where quickstart check installs the modules: this build, else the
# source tree's build/ (the sanitizers' build has none of its own).
NODE_PATH=$build/npm/node_modules
[ -d "$NODE_PATH" ] || NODE_PATH=$src/build/npm/node_modules
export NODE_PATH

if [ ! -d "$corpus/schemas" ]; then
	echo "1..0 # SKIP corpus absent ($corpus)"
	exit 0
fi
S=$corpus/schemas
P=$t/pub
muni publish --gzip -s "$S/stationnement/schema.json" \
    -m "$F/parkings-full.meta.json" -t "$P" "$S/stationnement/exemple-valide.csv" &&
    muni publish --gzip -s "$S/scdl-subventions/schema.json" \
    -m "$F/sub.meta.json" -t "$P" "$S/scdl-subventions/exemple_valide.csv"
st=$?
check "a publication of two fully described datasets" '[ $st -eq 0 ]'

have() {
	command -v node >/dev/null 2>&1 && [ -d "$NODE_PATH/$1" ]
}
if have rdf-validate-shacl && have rdfxml-streaming-parser && have n3 &&
    have @zazuko/env-node && [ -d "$standards" ]; then
	node "$src/tests/dcat-shacl.mjs" "$standards" "$P/catalog.rdf" >"$t/shacl" 2>"$t/err"
	st=$?
	sed 's/^/# /' "$t/shacl"
	# The one violation that is a defect of the shapes (SOURCE.txt): SPDX's
	# own namespace for checksum algorithms is http://spdx.org, not https.
	grep "^Violation" "$t/shacl" | grep -v "ChecksumAlgorithmRestriction" >"$t/violations"
	check "DCAT-AP 3.0.1 shapes: no violation but the shapes' own defect" \
	    '[ $st -eq 0 ] && tail -1 "$t/shacl" | grep -q "^violations" && [ ! -s "$t/violations" ]'
	# Warnings that no metadata can resolve for a commune: it is not one of
	# the EU's corporate bodies, its INSEE IRI is not in the EU's or
	# GeoNames' list of places, and the metadata has no geometry of it.
	grep "^Warning" "$t/shacl" |
	    grep -v "CorporateBodyRestriction" |
	    grep -v "	http://purl.org/dc/terms/spatial	Value does not have shape" |
	    grep -v "^Warning	http://id.insee.fr/geo/commune/[0-9AB]*	http://www.w3.org/ns/dcat#\(bbox\|centroid\)	" >"$t/warnings"
	check "DCAT-AP 3.0.1 recommended shapes: every warning the metadata can resolve is resolved" \
	    '[ ! -s "$t/warnings" ] || { sed "s/^/# left: /" "$t/warnings"; false; }'
else
	skip "DCAT-AP 3.0.1 shapes" "node or its modules (build/npm: rdf-validate-shacl, rdfxml-streaming-parser, n3, @zazuko/env-node) absent"
	skip "DCAT-AP 3.0.1 recommended shapes" "the same"
fi

if have datapackage; then
	for d in parkings subventions; do
		node "$src/tests/datapackage-js.js" "$P/$d" >"$t/dp-$d" 2>&1
		eval "st_$d=\$?"
	done
	check "datapackage-js reads both descriptors: the CSV as a table, the .csv.gz as bytes" \
	    '[ $st_parkings -eq 0 ] && [ $st_subventions -eq 0 ] &&
	     grep -q "^parkings: 2 rows$" "$t/dp-parkings" &&
	     grep -q "^parkings-gz: [0-9]* bytes$" "$t/dp-parkings" &&
	     grep -q "^subventions: 29 rows$" "$t/dp-subventions" &&
	     grep -q "^subventions-gz: [0-9]* bytes$" "$t/dp-subventions" ||
	     { cat "$t"/dp-* | sed "s/^/# /"; false; }'
else
	skip "datapackage-js" "node or build/npm/node_modules/datapackage absent"
fi

if command -v rapper >/dev/null 2>&1; then
	rapper -q -i rdfxml -o ntriples "$P/catalog.rdf" >"$t/nt" 2>/dev/null
	python3 - "$t/nt" >"$t/spatial" <<'PY'
import json, re, sys
# As udata's spatial_from_rdf: every literal of a dct:spatial node typed
# as GeoJSON (or WKT), kept when it is a polygon.
triples = [re.match(r'(\S+) (\S+) (.*) \.$', l).groups() for l in open(sys.argv[1])]
spatial = {o for s, p, o in triples if p == "<http://purl.org/dc/terms/spatial>"}
for s, p, o in triples:
    if s in spatial and o.endswith("^^<https://www.iana.org/assignments/media-types/application/vnd.geo+json>"):
        text = o[1:o.rindex('"^^')].encode().decode("unicode_escape")
        g = json.loads(text)
        if g["type"] == "Polygon" and len(g["coordinates"][0]) == 5:
            print(s, g["coordinates"][0][0])
PY
	check "the parkings' spatial coverage is a GeoJSON polygon data.gouv.fr's harvester reads" \
	    'grep -q "parkings/#etendue> \[1.45" "$t/spatial" && [ "$(wc -l <"$t/spatial")" -eq 1 ]'
	check "every IRI of the catalogue is absolute" \
	    '[ -s "$t/nt" ] && ! grep -o "<[^>]*>" "$t/nt" | grep -qv "^<[a-zA-Z][a-zA-Z0-9+.-]*:"'
else
	skip "spatial coverage as data.gouv.fr reads it" "rapper not installed (apt-get install raptor2-utils)"
	skip "every IRI of the catalogue is absolute" "rapper not installed"
fi
tap_end
