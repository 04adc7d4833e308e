#!/bin/sh
# newcomer: what a new user meets first. The README's first pipeline is the
# quickstart's demo, word for word, and it runs: the raw export fetched,
# mapped, anonymized, validated and published, with nothing personal left;
# run again it publishes nothing new. The demo's schema is the national
# one. French messages are found beside the program and once installed,
# and a French request without a catalogue says so once. make install
# puts the tools, the pages, the catalogue and the completions in place.
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src}
build=${MUNI_BUILD:-$bin}
corpus=${MUNI_CORPUS:-$src/../shared/corpus}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$src/tests/tap.sh"

# The pipeline between the quickstart's markers, and the README's first
# block that starts with "muni fetch", both without their indentation.
sed -n '/^# -- the README.s first pipeline --$/,/^# -- end --$/p' \
    "$src/scripts/quickstart" | sed '1d;$d' | sed 's/^ *//' >"$t/qs"
awk '/^    muni fetch/ && !seen { on = 1; seen = 1 }
    on && /^$/ { exit }
    on { sub(/^ +/, ""); print }' "$src/README" >"$t/readme"
diff -u "$t/qs" "$t/readme" >"$t/err"
check "the README's first pipeline is the quickstart's demo, word for word" \
    '[ -s "$t/qs" ] && [ ! -s "$t/err" ]'
for f in fetch transform anonymize validate publish; do
	grep -q "^muni $f " "$t/readme" || grep -q "| *muni $f " "$t/readme" ||
	    grep -q "^muni $f" "$t/readme" || echo "no muni $f" >>"$t/err"
done
check "it has the five stages" '[ ! -s "$t/err" ]'

# Run it as the README says, from a tree that has share/sample and build/.
mkdir -p "$t/top/share" "$t/top/build/demo" "$t/path"
ln -s "$src/share/sample" "$t/top/share/sample"
for p in muni muni-fetch muni-transform muni-anonymize muni-validate \
    muni-publish; do
	ln -s "$bin/$p" "$t/path/$p"
done
run_demo() {
	(cd "$t/top" && PATH="$t/path:$PATH" sh -c "$(cat "$t/qs")") \
	    >"$t/out" 2>"$t/err"
}
(cd "$t/top" && PATH="$t/path:$PATH" muni anonymize --new-key build/demo/key)
run_demo; st=$?
D=$t/top/build/demo
csv=$D/opendata/subventions-2025/subventions-2025.csv
check "the demo pipeline runs, silently, and publishes (status $st)" \
    '[ $st = 0 ] && [ ! -s "$t/out" ] && [ ! -s "$t/err" ] && [ -f "$csv" ]'
check "19 rows published, 1 set aside with its reason" \
    '[ "$(wc -l <"$csv")" = 20 ] && [ "$(grep -c "one-of-required" "$D/rejets.csv")" = 1 ]'
check "nothing personal published: no phone, no e-mail, no person's name" \
    '! grep -Eqi "06 71|orange\.fr|GARNIER|MOREL|Durand|Lucie|Jean-Pierre" \
	"$csv" "$D/rejets.csv" "$D/opendata/subventions-2025/index.html"'
check "the natural persons are named [personne physique], the free text tagged" \
    'grep -q "\[personne physique\],53210876800005" "$csv" &&
     grep -q "\[TÉLÉPHONE\]" "$csv" && grep -q "\[COURRIEL\]" "$csv"'
check "values converted: ISO dates, amounts with a point, oui/non, ratios" \
    'grep -q "^Commune de Saint-Aubin-sur-Loire,21710389400002,2025-02-13,DEL-2025-011,Comité des fêtes de Saint-Aubin,61609088213305,W713000451,aide au fonctionnement 2025,1570.00,aide en numéraire;aide en nature,unique,2025-02-28,,oui,0.37,$" "$csv"'
check "the published file is valid against the schema" \
    '"$bin/muni-validate" -q -s "$src/share/sample/scdl-subventions.json" "$csv" 2>"$t/err"'
python3 "$src/scripts/demo-summary" "$t/top" >"$t/summary" 2>"$t/err"
check "the quickstart's summary: one line for each of four stages" \
    'grep -q "^  fetch      20 rows read from share/sample/export-subventions-2025.csv (WINDOWS-1252, .;., CRLF)$" "$t/summary" &&
     grep -q "^  transform  20 rows in, 20 out" "$t/summary" &&
     grep -q "^  anonymize  20 rows in, 20 out: nomBeneficiaire redacted in 2 rows; objet scrubbed (1 phone, 1 email, 1 person); categorieTiers dropped; check: pass$" "$t/summary" &&
     grep -q "^  validate   20 rows in, 19 valid out, 1 set aside in build/demo/rejets.csv (one-of-required 1)$" "$t/summary"'
"$bin/muni-publish" --list --to "$D/opendata" >"$t/list1"
run_demo; st=$?
"$bin/muni-publish" --list --to "$D/opendata" >"$t/list2"
check "run again, it publishes nothing new (status $st)" \
    '[ $st = 0 ] && cmp -s "$t/list1" "$t/list2" && cut -f2 "$t/list1" | grep -qx 1.0.0'

if [ -f "$corpus/schemas/scdl-subventions/schema.json" ]; then
	check "the demo's schema is SCDL subventions 2.1.1 as published" \
	    'python3 -c "import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))" \
		"$src/share/sample/scdl-subventions.json" "$corpus/schemas/scdl-subventions/schema.json"'
else
	skip "the demo's schema is SCDL subventions 2.1.1 as published" "no corpus"
fi

# French messages: beside the program (the build tree), without
# MUNI_LOCALEDIR; and a warning, once, when none can be read.
printf 'a,b\n1\n' >"$t/x.csv"
(cd / && env -u MUNI_LOCALEDIR -u LANGUAGE LANG=C "$bin/muni-validate" \
    --lang fr "$t/x.csv") >/dev/null 2>"$t/err"
check "--lang fr is French from the build tree, with no MUNI_LOCALEDIR" \
    'grep -q "non valide" "$t/err" && ! grep -q warning "$t/err"'
(cd / && env -u MUNI_LOCALEDIR -u LANGUAGE -u LC_ALL -u LC_MESSAGES \
    LANG=fr_FR.UTF-8 "$bin/muni-validate" "$t/x.csv") >/dev/null 2>"$t/err"
check "a French LANG is French, even where that locale is not installed" \
    'grep -q "non valide" "$t/err"'
env MUNI_LOCALEDIR="$t/none" "$bin/muni-validate" --lang fr "$t/x.csv" \
    >/dev/null 2>"$t/err"
check "no catalogue: one warning says so, the messages are in English" \
    '[ "$(grep -c "warning: no French messages" "$t/err")" = 1 ] &&
     grep -q "invalid: 1 error" "$t/err"'
env MUNI_LOCALEDIR="$t/none" LANG=fr_FR.UTF-8 "$bin/muni-validate" \
    --lang en "$t/x.csv" >/dev/null 2>"$t/err"
check "--lang en under a French LANG: English, no warning" \
    '! grep -q warning "$t/err" && grep -q "invalid: 1 error" "$t/err"'

# make install, into a scratch DESTDIR: the tools find their catalogue
# from where they are, the pages read, the completions are there.
if [ -f "$build/Makefile" ] && make -s -C "$build" install DESTDIR="$t/inst" \
    >"$t/err" 2>&1; then
	p=$(sed -n 's/^prefix = //p' "$build/Makefile")
	I=$t/inst$p
	check "make install puts the tools, pages and French catalogue in place" \
	    '[ -x "$I/bin/muni" ] && [ -x "$I/bin/muni-validate" ] &&
	     [ -f "$I/share/man/man1/muni-validate.1" ] &&
	     [ -f "$I/share/man/man7/muni.7" ] &&
	     [ -f "$I/share/locale/fr/LC_MESSAGES/muni.mo" ]'
	(cd / && env -u MUNI_LOCALEDIR "$I/bin/muni" validate --lang fr \
	    "$t/x.csv") >/dev/null 2>"$t/err"
	check "installed elsewhere, muni validate --lang fr is French from /" \
	    'grep -q "non valide" "$t/err"'
	(cd / && "$I/bin/muni" --version) >"$t/out" 2>"$t/err"
	check "installed, muni --version runs from /" 'grep -q "^muni " "$t/out"'
	if command -v man >/dev/null 2>&1; then
		(cd / && MANPATH="$I/share/man" MANPAGER=cat man muni-validate) \
		    >"$t/out" 2>"$t/err"; st=$?
		check "installed, man muni-validate reads (status $st)" \
		    '[ $st = 0 ] && grep -q "Table Schema" "$t/out"'
	else
		skip "installed, man muni-validate reads" "man is not installed"
	fi
	check "make install puts bash and zsh completions in place" \
	    '[ -f "$I/share/bash-completion/completions/muni" ] &&
	     [ -f "$I/share/bash-completion/completions/muni-validate" ] &&
	     [ -f "$I/share/zsh/site-functions/_muni" ]'
else
	skip "make install into a DESTDIR" "no build tree"
fi
# Progress: on a terminal (a pseudo-terminal made by script(1)), one line
# rewritten in place, cleared at the end; nothing without a terminal.
# MUNI_TEST_PROGRESS shows it at once; without it, work of less than two
# seconds shows nothing.
python3 -c '
print("a,b,c")
for i in range(5000): print("%d,nom %d,%d.5" % (i, i, i))' >"$t/p.csv"
printf '{"fields":[{"name":"a","type":"integer"},{"name":"b","type":"string"},{"name":"c","type":"number"}]}' >"$t/p.json"
if command -v script >/dev/null 2>&1; then
	pty() {
		script -qec "$1" /dev/null </dev/null >"$t/raw" 2>&1
		tr '\r' '\n' <"$t/raw" >"$t/pty"
	}
	pty "MUNI_TEST_PROGRESS=1 '$bin/muni-validate' -q -s '$t/p.json' '$t/p.csv'"
	check "a file at a terminal: bytes of the total, rows, rate, time left" \
	    'grep -Eq "^muni-validate: [0-9]+% of [0-9.]+ kB, [0-9]+ rows, [0-9.]+ [kM]?B/s, [0-9]+ s left" "$t/pty"'
	check "the line is rewritten in place, then cleared" \
	    '[ "$(grep -c "^muni-validate: .* rows" "$t/pty")" -ge 4 ] &&
	     [ "$(tail -c 4 "$t/raw" | od -An -c | tr -d " ")" = "\\r033[K" ]'
	pty "cat '$t/p.csv' | MUNI_TEST_PROGRESS=1 '$bin/muni-fetch' | MUNI_TEST_PROGRESS=1 '$bin/muni-validate' -q -s '$t/p.json'"
	check "in a pipeline, the tools after the first show rows and rate" \
	    'grep -Eq "^muni-validate: [0-9]+ rows, [0-9]+ rows/s, [0-9.]+ [kM]?B read" "$t/pty" &&
	     grep -Eq "^muni-fetch: [0-9]+ rows, [0-9]+ rows/s" "$t/pty" && ! grep -q "% of" "$t/pty"'
	pty "'$bin/muni-validate' -q -s '$t/p.json' '$t/p.csv'"
	check "work of less than two seconds shows nothing" '[ ! -s "$t/pty" ]'
	pty "MUNI_TEST_PROGRESS=1 '$bin/muni-transform' --quiet -s '$t/p.json' --auto '$t/p.csv' >/dev/null"
	check "nothing with --quiet" '! grep -q "rows" "$t/pty"'
	pty "MUNI_TEST_PROGRESS=1 '$bin/muni-transform' -s '$t/p.json' --auto '$t/p.csv' >/dev/null"
	check "muni-transform shows it too" 'grep -q "^muni-transform: .* rows" "$t/pty"'
	{ cat "$t/p.csv"; echo "x,1,2"; } >"$t/bad.csv"
	pty "MUNI_TEST_PROGRESS=1 '$bin/muni-validate' -q -s '$t/p.json' '$t/bad.csv'"
	check "a message clears the progress line and has a line of its own" \
	    'grep -q "rows" "$t/pty" && grep -q "$(printf "\r\033\\[K")muni-validate: .*bad.csv:5002: field .a.: .x. is not a whole number" "$t/raw"'
else
	skip "progress under a pseudo-terminal" "script(1) is not installed"
fi
MUNI_TEST_PROGRESS=1 "$bin/muni-validate" -q -s "$t/p.json" "$t/p.csv" \
    2>"$t/err"
check "no terminal, no progress: standard error stays empty" '[ ! -s "$t/err" ]'

# Completion: the tools and their options from --help, values of the
# options that take some, files otherwise.
if command -v bash >/dev/null 2>&1; then
	cat >"$t/comp.bash" <<'BASH'
. "$1/share/completion/muni.bash"
PATH=$2:$PATH
cd "$1/share/sample" || exit 1
t() {
	COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
	case $1 in muni) _muni muni ;; *) _muni_tool "$1" ;; esac
	echo "$*|${COMPREPLY[*]}"
}
t muni ""
t muni va
t muni validate --sch
t muni validate --format ""
t muni-validate -f j
t muni-fetch --geometry ""
t muni-validate --schema scdl
t muni-validate -s scdl
t muni help tr
t muni-anonymize --new
BASH
	bash "$t/comp.bash" "$src" "$bin" >"$t/out" 2>"$t/err"
	cat >"$t/want" <<'WANT'
muni |fetch transform anonymize validate publish help --help --version
muni va|validate
muni validate --sch|--schema --schema-sync
muni validate --format |text json csv junit github html
muni-validate -f j|json junit
muni-fetch --geometry |geojson lonlat wkt centroid
muni-validate --schema scdl|scdl-subventions.json
muni-validate -s scdl|scdl-subventions.json
muni help tr|transform
muni-anonymize --new|--new-key
WANT
	diff -u "$t/want" "$t/out" >>"$t/err"
	check "bash completes tools, options from --help, values and files" \
	    'cmp -s "$t/want" "$t/out"'
else
	skip "bash completion" "bash is not installed"
fi
if command -v zsh >/dev/null 2>&1; then
	# compadd and _files stand for zsh's completion system.
	cat >"$t/comp.zsh" <<'ZSH'
compadd() {
	if [[ $1 == -a ]]; then print -r -- "${(P)2}"
	else [[ $1 == -- ]] && shift; print -r -- "$*"; fi
}
_files() { print -r -- _files }
_call_program() { shift; eval "$@" }
path=($2 $path)
src=$1
z() {
	local service=$1 CURRENT=$# PREFIX=${@[-1]}
	local -a words; words=( "$@" )
	print -rn -- "$*|"; source $src/share/completion/_muni | tr '\n' ' '; print
}
z muni ""
z muni validate --format ""
z muni-fetch --geometry ""
z muni-validate --schema ""
z muni help ""
z muni validate --s
ZSH
	zsh -f "$t/comp.zsh" "$src" "$bin" >"$t/out" 2>"$t/err"
	check "zsh completes tools, values and files" \
	    'grep -qx "muni |fetch transform anonymize validate publish help " "$t/out" &&
	     grep -qx "muni validate --format |text json csv junit github html " "$t/out" &&
	     grep -qx "muni-fetch --geometry |geojson lonlat wkt centroid " "$t/out" &&
	     grep -qx "muni-validate --schema |_files " "$t/out" &&
	     grep -qx "muni help |fetch transform anonymize validate publish " "$t/out" &&
	     grep -q "^muni validate --s|.* --schema -s --schema-sync " "$t/out"'
else
	skip "zsh completion" "zsh is not installed"
fi
# The tarball: every script of scripts/ is shipped (make dist), and the
# library's folders are those lib/README maps.
missing=
for f in "$src"/scripts/*; do
	grep -q "scripts/${f##*/}\( \|\$\)" "$src/Makefile.am" || missing="$missing ${f##*/}"
done
check "every script in scripts/ is in Makefile.am's dist_noinst_SCRIPTS${missing:+ (missing:$missing)}" \
    '[ -z "$missing" ]'
clash=
for d in "$src"/tests/*/; do
	d=${d%/}
	[ -e "$d.sh" ] && clash="$clash ${d##*/}"
done
check "no tests/NAME.sh beside a folder tests/NAME (make would build one from the other)${clash:+:$clash}" \
    '[ -z "$clash" ]'
unmapped=
for d in "$src"/lib/*/; do
	d=${d%/}
	grep -q "^${d##*/}/ " "$src/lib/README" || unmapped="$unmapped ${d##*/}"
	for m in "$d"/*.c "$d"/*.cc "$d"/*.h; do
		[ -e "$m" ] || continue
		m=${m##*/}
		m=${m%.*}
		[ "$m" = names_lookup ] && m=names
		grep -q "^    $m\(\.h\)\? " "$src/lib/README" || unmapped="$unmapped ${d##*/}/$m"
	done
done
check "lib/README maps every folder and module of lib/${unmapped:+ (not mapped:$unmapped)}" \
    '[ -z "$unmapped" ]'

tap_end
