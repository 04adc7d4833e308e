#!/bin/sh
# The canary test of muni-anonymize: a generated file with thousands of
# known names, phones, e-mails, NIRs and IBANs, in columns of their own and
# inside free text, is anonymized; none of those strings, nor the digits of
# the numbers with their separators removed, may occur anywhere in the
# output or the report. The SIRET and the amount must be there unchanged.
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src}
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 not installed"
	exit 0
fi
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
n=0
fail=0
check() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		fail=1
		echo "not ok $n - $1"
		[ -s "$t/why" ] && sed 's/^/# /' "$t/why" | head -10
	fi
}
python3 "$src/tests/fixtures/make-canary.py" 3000 "$t/in.csv" "$t/canaries"
"$bin/muni-anonymize" --new-key "$t/key"
cat >"$t/rules.json" <<'JSON'
{
  "domain": "canary",
  "columns": {
    "nom": {"action": "pseudonymize", "normalize": "name"},
    "telephone": {"action": "pseudonymize", "normalize": "phone"},
    "courriel": {"action": "pseudonymize", "normalize": "email"},
    "nir": "drop",
    "iban": {"action": "mask", "first": 4, "last": 0},
    "siret": "keep",
    "montant": "keep",
    "commentaire": "scrub"
  }
}
JSON
"$bin/muni-anonymize" --rules "$t/rules.json" --key-file "$t/key" \
    --report "$t/report.json" "$t/in.csv" >"$t/out.csv" 2>"$t/why"
check "the canary file passes the gate ($(wc -l <"$t/canaries") canaries)" $?
# every canary, as written, and digits without separators
cat "$t/out.csv" "$t/report.json" >"$t/all"
tr -d ' .-' <"$t/all" >"$t/all-compact"
grep -F -f "$t/canaries" "$t/all" >"$t/why"
check "no canary string in the output or the report" $([ -s "$t/why" ]; echo $((1 - $?)))
grep -E '^[0-9A-Z .-]+$' "$t/canaries" | tr -d ' .-' | sort -u >"$t/digits"
grep -F -f "$t/digits" "$t/all-compact" | head -5 >"$t/why"
check "no canary number with its separators removed either" $([ -s "$t/why" ]; echo $((1 - $?)))
: >"$t/why"
rows=$(tail -n +2 "$t/out.csv" | wc -l)
check "every row written ($rows)" $([ "$rows" = 3000 ]; echo $?)
grep -c '21860194600013,1234.50,' "$t/out.csv" >"$t/why"
check "the SIRET and the amount untouched" $([ "$(cat "$t/why")" = 3000 ]; echo $?)
: >"$t/why"
grep -q '"verdict": "pass"' "$t/report.json"
check "the report says pass" $?
# the same file fails an audit, which finds what is in it
"$bin/muni-anonymize" --audit --report "$t/audit.json" "$t/in.csv" \
    >/dev/null 2>"$t/why"
check "the raw file fails --audit" $([ $? = 1 ]; echo $?)
grep -F -f "$t/canaries" "$t/audit.json" >"$t/why"
check "the audit report holds no canary either" $([ -s "$t/why" ]; echo $((1 - $?)))
echo "1..$n"
exit $fail
