# Serve this folder on a free port of 127.0.0.1 and validate with the
# schema's URL; the server is stopped whatever happens.
: >"$T/server.log"	# there before the server opens it: no race
python3 -m http.server 0 --bind 127.0.0.1 >>"$T/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$T/server.log" | head -1)
	[ -n "$port" ] && break
	sleep 0.2
done
muni-validate -q -s "http://127.0.0.1:$port/schema.json" data.csv \
    >"$T/out" 2>&1
echo "status $?"
muni-validate -q -s "http://127.0.0.1:$port/absent.json" data.csv \
    >>"$T/out" 2>&1
echo "status $?"
sed "s/:$port/:PORT/g" "$T/out"
