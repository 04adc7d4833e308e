#!/bin/sh
# The pages citizens and stewards read, checked by other programs: the
# landing pages and the root's page of a publication, and muni-validate's
# HTML report of it in French, in Debian's Chromium (the DOM it renders,
# then, through playwright-core, screenshots at 1280 and 390 pixels kept
# in build/tests/screenshots/ and the layout at both widths) and by the
# Nu HTML checker (npm vnu-jar, run with Java) and axe-core (npm, the
# accessibility engine). Parts whose program is missing say skip.
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src}
build=${MUNI_BUILD:-$bin}
corpus=${MUNI_CORPUS:-$src/../shared/corpus}
PATH=$bin:$PATH
export PATH
unset SOURCE_DATE_EPOCH
if [ ! -d "$corpus/schemas" ]; then
	echo "1..0 # SKIP corpus absent ($corpus)"
	exit 0
fi
t=$(mktemp -d "${TMPDIR:-/tmp}/muni-pages.XXXXXX") || exit 1
trap 'rm -rf "$t"' EXIT INT TERM
. "$src/tests/tap.sh"
F=$src/tests/fixtures/publish
S=$corpus/schemas
NODE_PATH=$build/npm/node_modules
[ -d "$NODE_PATH" ] || NODE_PATH=$src/build/npm/node_modules
export NODE_PATH

P=$t/pub
# A description with Markdown, and with what must not become markup.
python3 - "$F/sub.meta.json" "$t/sub.meta.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["description"] = ("Les subventions versées en 2025, selon le [schéma national]"
    "(https://schema.data.gouv.fr/scdl/subventions/). Ni [ceci](javascript:alert(1)) "
    "ni [<b>cela</b>](https://exemple.fr/?a=1&b=2) ne sont du code.")
json.dump(m, open(sys.argv[2], "w"), ensure_ascii=False)
PY
muni publish --gzip -s "$S/stationnement/schema.json" \
    -m "$F/parkings-full.meta.json" -t "$P" "$S/stationnement/exemple-valide.csv" &&
    muni publish --gzip -s "$S/scdl-subventions/schema.json" \
    -m "$t/sub.meta.json" -t "$P" "$S/scdl-subventions/exemple_valide.csv"
st=$?
check "a publication of two datasets" '[ $st -eq 0 ]'
mkdir -p "$t/validation"
muni validate --lang fr -f html -r "$t/validation/rapport.html" "$P"
muni validate -f html -r "$t/report.html" "$P"

page=$P/subventions/index.html
check "landing page: types, constraints and frequency in words" \
    'grep -q "<td>texte</td>" "$page" && grep -q "<td>nombre</td>" "$page" &&
     grep -q "obligatoire" "$page" && grep -q "motif (expression régulière)" "$page" &&
     grep -q "au plus 1<" "$page" && grep -q "<dd id=\"frequency\">annuelle</dd>" "$page" &&
     ! grep -q "<td>string\|<td>number\|required :\|pattern :\|maxLength\|>annual<" "$page"'
check "landing page: times in Paris with the offset, the period, the place and the contact" \
    'grep -q "<time datetime=\"20[0-9-]*T[0-9:]*Z\">[0-9]* [a-zéû]* 20[0-9]* à [0-9][0-9]:[0-9][0-9] (UTC+0[12]:00)</time>" "$page" &&
     ! grep -q " UTC<" "$page" &&
     grep -q "<dd id=\"period\">du <time datetime=\"2025-01-01\">1er janvier 2025</time> au <time datetime=\"2025-12-31\">31 décembre 2025</time></dd>" "$page" &&
     grep -q "<dd id=\"place\">Trifouillis (code INSEE 38185)</dd>" "$page" &&
     grep -q "<a href=\"mailto:opendata@trifouillis.fr\">" "$page"'
check "landing page: Markdown links are links, escaped; others stay text" \
    'grep -q "<a href=\"https://schema.data.gouv.fr/scdl/subventions/\">schéma national</a>" "$page" &&
     grep -q "<a href=\"https://exemple.fr/?a=1&amp;b=2\">&lt;b&gt;cela&lt;/b&gt;</a>" "$page" &&
     ! grep -q "href=\"javascript" "$page" &&
     grep -q "<a href=\"https://fr.wikipedia.org/wiki/ISO_8601\">ISO 8601</a>" "$page"'
check "landing page: column names break only between words" \
    'grep -q "<code>nom<wbr>Attribuant</code>" "$page" &&
     ! grep -q "code{font-size:.9em;word-break:break-all}" "$page"'
check "validation report in French: no English left in its frame" \
    '! grep -q ">File<\|>Errors<\|>Rows<\| in [0-9]* ligne" "$t/validation/rapport.html" &&
     grep -q ">Fichier<" "$t/validation/rapport.html"'

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$chromium" ]; then
	timeout 60 "$chromium" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$t/profile" --dump-dom "file://$page" \
	    >"$t/dom.html" 2>"$t/chromium.log"
	check "Chromium: the landing page renders, in French, without script" \
	    'grep -q "<html lang=\"fr\">" "$t/dom.html" && ! grep -qi "<script" "$t/dom.html" &&
	     grep -q "<dd id=\"row-count\">29</dd>" "$t/dom.html"'
	if [ -d "$NODE_PATH/playwright-core" ] && command -v node >/dev/null 2>&1; then
		shots=$build/tests/screenshots
		mkdir -p "$shots"
		CHROMIUM=$chromium node "$src/tests/pages-browser.mjs" "$shots" \
		    "$P/subventions/index.html" "$P/parkings/index.html" \
		    "$P/index.html" "$t/validation/rapport.html" >"$t/layout" 2>&1
		st=$?
		sed 's/^/# /' "$t/layout"
		check "Chromium at 1280 and 390 pixels: no page wider than the screen, no name broken in a word" \
		    '[ $st -eq 0 ] && [ "$(grep -c "^ok" "$t/layout")" -eq 8 ] &&
		     [ -s "$shots/subventions-index-390.png" ] && [ -s "$shots/subventions-index-1280.png" ]'
	else
		skip "Chromium at 1280 and 390 pixels" "node or playwright-core (build/npm) absent"
	fi
else
	skip "Chromium: the landing page renders" "chromium not installed"
	skip "Chromium at 1280 and 390 pixels" "chromium not installed"
fi

# axe-core, the accessibility engine: no serious or critical violation.
if [ -n "$chromium" ] && [ -d "$NODE_PATH/axe-core" ] &&
    [ -d "$NODE_PATH/playwright-core" ] && command -v node >/dev/null 2>&1; then
	CHROMIUM=$chromium node "$src/tests/pages-axe.mjs" \
	    "$P/subventions/index.html" "$P/parkings/index.html" \
	    "$P/index.html" "$t/validation/rapport.html" >"$t/axe" 2>&1
	st=$?
	sed 's/^/# /' "$t/axe"
	check "axe-core: no serious or critical accessibility violation in the pages" \
	    '[ $st -eq 0 ] && [ "$(grep -c "^ok" "$t/axe")" -eq 4 ]'
else
	skip "axe-core" "chromium, node, playwright-core or axe-core (build/npm) absent"
fi

vnu=$NODE_PATH/vnu-jar/build/dist/vnu.jar
if [ -f "$vnu" ] && command -v java >/dev/null 2>&1; then
	java -jar "$vnu" --errors-only "$P/subventions/index.html" \
	    "$P/parkings/index.html" "$P/index.html" "$t/validation/rapport.html" \
	    "$t/report.html" >"$t/vnu" 2>&1
	st=$?
	sed 's/^/# /' "$t/vnu" | head -20
	check "the Nu HTML checker finds no error in the pages and the reports" \
	    '[ $st -eq 0 ] && [ ! -s "$t/vnu" ]'
else
	skip "the Nu HTML checker" "java or vnu-jar (build/npm) absent"
fi
tap_end
