#!/bin/sh
# muni-fetch over HTTP, against real servers on 127.0.0.1 only: nginx from
# Debian (ETag, Last-Modified and conditional requests answered by nginx
# itself) and tests/http-server.py (503, 429 and Retry-After, 404, HTML,
# truncated bodies, a stalled transfer: that one takes 30 s, curl's
# low-speed limit). Skipped when nginx or python3 is missing.
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src}
nginx=/usr/sbin/nginx
if [ ! -x "$nginx" ] || ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP nginx or python3 not installed"
	exit 0
fi
t=$(mktemp -d "${TMPDIR:-/tmp}/muni-http.XXXXXX") || exit 1
cleanup() {
	[ -f "$t/nginx.pid" ] && kill "$(cat "$t/nginx.pid")" 2>/dev/null
	[ -n "${spid:-}" ] && kill "$spid" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT INT TERM
mkdir -p "$t/www" "$t/tmp" "$t/fetch-tmp"
# muni-fetch's temporary files go to a folder of this test's own
TMPDIR=$t/fetch-tmp
export TMPDIR
chmod 755 "$t" "$t/www"  # nginx workers run as nobody under root
printf 'id;nom\r\n1;Salle des f\352tes\r\n' >"$t/www/salles.csv"
cp "$src/tests/fixtures/strict.xlsx" "$t/www/"
chmod 644 "$t/www/"*
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$t/nginx.conf" <<CONF
daemon off;
pid $t/nginx.pid;
error_log $t/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $t/tmp;
	proxy_temp_path $t/tmp;
	fastcgi_temp_path $t/tmp;
	uwsgi_temp_path $t/tmp;
	scgi_temp_path $t/tmp;
	types { text/csv csv; }
	server { listen 127.0.0.1:$port; root $t/www; }
}
CONF
"$nginx" -c "$t/nginx.conf" -p "$t" 2>"$t/nginx.err" &
python3 "$src/tests/http-server.py" "$t/port" "$t/www" &
spid=$!
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	[ -f "$t/port" ] && [ -f "$t/nginx.pid" ] && break
	sleep 0.25
done
if [ ! -f "$t/port" ] || [ ! -f "$t/nginx.pid" ]; then
	echo "1..0 # SKIP a server did not start: $(cat "$t/nginx.err" "$t/error.log" 2>/dev/null | head -3)"
	exit 0
fi
sport=$(cat "$t/port")
N="http://127.0.0.1:$port"
S="http://127.0.0.1:$sport"
n=0
fail=0
# check NAME WANT-STATUS GOT-STATUS [CONDITION...]
check() {
	name=$1 want=$2 got=$3
	shift 3
	n=$((n + 1))
	if [ "$want" = "$got" ] && { [ $# -eq 0 ] || "$@"; }; then
		echo "ok $n - $name"
	else
		fail=1
		echo "not ok $n - $name (status $got, want $want)"
		sed 's/^/# /' "$t/err" 2>/dev/null | head -5
	fi
}
fetch() {
	"$bin/muni-fetch" "$@" >"$t/out" 2>"$t/err"
}
hits() {
	curl -s "$S/count" | awk -v p="$1" '$1 == p { print $2 }'
}

fetch "$N/salles.csv"; st=$?
"$bin/muni-fetch" "$t/www/salles.csv" >"$t/want"
check "a CSV over http reads as the same file" 0 $st cmp -s "$t/out" "$t/want"

fetch --state "$t/state.db" -p "$t/p.json" "$N/salles.csv"; st=$?
check "first fetch with --state" 0 $st grep -q '"source": "http' "$t/p.json"
fetch --state "$t/state.db" "$N/salles.csv"; st=$?
check "unchanged on the server (304): status 5, nothing written" 5 $st test ! -s "$t/out" -a ! -s "$t/err"
sleep 1
printf 'id,nom\n1,Salle des fêtes\n2,Gymnase\n' >"$t/www/salles.csv"
fetch --state "$t/state.db" "$N/salles.csv"; st=$?
check "changed on the server: read again, the dialect change warned" 0 $st grep -q 'delimiter changed' "$t/err"
fetch --state "$t/state.db" "$N/salles.csv"; st=$?
check "and unchanged again" 5 $st

# muni-fetch(1)'s nightly job, as its EXAMPLES write it, the server's URL
# for https://erp.example/: the first night reads, the second stops quietly.
mkdir -p "$t/www/export" "$t/night"
cp "$src/tests/fixtures/subventions.xlsx" "$t/www/export/"
chmod 755 "$t/www/export" && chmod 644 "$t/www/export/subventions.xlsx"
nightly() {
	(cd "$t/night" && URL=$N PATH="$bin:$PATH" sh -c '
muni fetch --state state.db \
    $URL/export/subventions.xlsx > s.csv
case $? in 0) ;; 5) exit 0 ;; *) exit 1 ;; esac
echo read') >"$t/out" 2>"$t/err"
}
nightly; st=$?
check "the nightly job of muni-fetch(1): the first night reads the export" \
    0 $st grep -qx read "$t/out"
[ -s "$t/night/s.csv" ]; size=$?
nightly; st=$?
check "the second night, unchanged, it stops quietly with status 0" 0 $st \
    test ! -s "$t/out" -a $size = 0

fetch --retries 3 "$S/fail/2/503/salles.csv"; st=$?
check "503 twice then 200: fetched on the third attempt" 0 $st test "$(hits /fail/2/503/salles.csv)" = 3
fetch "$S/fail/1/429/salles.csv"; st=$?
check "429 with Retry-After, then 200" 0 $st test "$(hits /fail/1/429/salles.csv)" = 2
fetch --retries 1 "$S/fail/5/502/salles.csv"; st=$?
check "502 beyond the retries: status 3" 3 $st grep -q 'HTTP 502 (after 2 attempts)' "$t/err"
fetch "$S/fail/9/404/salles.csv"; st=$?
check "404 fails at once" 3 $st test "$(hits /fail/9/404/salles.csv)" = 1
fetch "$S/html"; st=$?
check "an HTML page where data was expected" 1 $st grep -q 'HTML page' "$t/err"
fetch --retries 0 "$S/truncated"; st=$?
check "a truncated body is an error" 3 $st test ! -s "$t/out"
fetch --state "$t/state2.db" "$S/plain/salles.csv"; st=$?
check "no validators: first fetch" 0 $st
fetch --state "$t/state2.db" "$S/plain/salles.csv"; st=$?
check "no validators, same bytes: status 5" 5 $st test ! -s "$t/out"
fetch --max-download 10 "$N/salles.csv"; st=$?
check "over --max-download: status 3" 3 $st grep -q 'larger than 10 bytes' "$t/err"
fetch "$N/strict.xlsx"; st=$?
check "a workbook over http" 0 $st grep -q '^nomBeneficiaire,montant$' "$t/out"
fetch --retries 0 "$S/slow"; st=$?
check "a transfer that stalls for 30 s is abandoned" 3 $st grep -q 'Operation too slow' "$t/err"
fetch "http://127.0.0.1:1/nothing.csv" --retries 0; st=$?
check "nothing listening: status 3" 3 $st
ls "$t/fetch-tmp"/muni-fetch.* >/dev/null 2>&1; left=$?
check "no temporary file left behind" 0 $((left == 0 ? 1 : 0))
echo "1..$n"
exit $fail
