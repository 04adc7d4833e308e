#!/bin/sh
# The HTML report in a real browser: headless Chromium loads the page and
# prints its DOM, which must show the verdict, the counts and the faulty
# cells highlighted, and in which no script from the data may have run
# (the data holds <script> and onerror payloads that would change the
# title). Skipped, saying why, when Chromium is not installed.
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src/build}
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	echo "1..0 # SKIP chromium not installed (apt-get install chromium)"
	exit 0
fi
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cat >"$t/schema.json" <<'JSON'
{"fields": [{"name": "nom", "constraints": {"required": true}},
 {"name": "montant", "type": "number"},
 {"name": "siret", "constraints": {"pattern": "^\\d{14}$"}}]}
JSON
cat >"$t/data.csv" <<'CSV'
nom,montant,siret
"<script>document.title='pwned'</script>",abc,21860194600013
Club,"1 500,50",2186019460001
"<img src=x onerror=""document.title='pwned'"">",12,x
,5,21860194600013
Judo,7,21860194600013
CSV
"$bin/muni-validate" -q -f html -r "$t/report.html" -s "$t/schema.json" \
    "$t/data.csv"
timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync \
    --user-data-dir="$t/profile" --dump-dom "file://$t/report.html" \
    >"$t/dom.html" 2>"$t/chromium.log"
. "$src/tests/tap.sh"
check "Chromium rendered the page" '[ -s "$t/dom.html" ]'
check "the title is the report's: no script from the data ran" \
    'grep -q "<title>Validation report: " "$t/dom.html" &&
     ! grep -q "<title>pwned" "$t/dom.html"'
check "no script element in the page" '! grep -qi "<script" "$t/dom.html"'
check "the data's markup is shown as text" \
    'grep -q "&lt;script&gt;document.title" "$t/dom.html" && grep -q "&lt;img src=x onerror" "$t/dom.html"'
check "the verdict counts 5 errors" \
    'grep -q "<span id=\"total\">5</span>" "$t/dom.html"'
check "four rows with errors, five cells highlighted" \
    '[ "$(grep -o "<td class=\"bad\"" "$t/dom.html" | wc -l)" -eq 5 ] &&
     [ "$(grep -o "<th scope=\"row\">" "$t/dom.html" | wc -l)" -eq 4 ]'
check "the counts table gives type-error 2" \
    'grep -q "data-type=\"type-error\">2<" "$t/dom.html"'
echo "1..$n"
[ $fail = 0 ] || sed 's/^/# /' "$t/chromium.log" | tail -5
exit $fail
