# bench-lib.sh: what the scripts/bench-* share, sourced by them.
# Needs $dir (where inputs and scratch files go).

# run TRIES LABEL FILE ROWS COMMAND: the best of TRIES runs of COMMAND (its
# standard output discarded, its standard error kept in $dir/out): seconds,
# MB/s of FILE, rows/s, CPU time, CPU-seconds per GB of FILE (the figure
# the frugal-digital law, REEN, has a public buyer ask for), peak RSS.
# Sets $last, $lastcpu and $lastrss (KiB).
run() {
	tries=$1 label=$2 file=$3 rows=$4
	shift 4
	secs= kb= cpu=
	i=0
	while [ $i -lt "$tries" ]; do
		i=$((i + 1))
		/usr/bin/time -f '%e %U %S %M' -o "$dir/time" sh -c "$*" \
		    >/dev/null 2>"$dir/out" || true
		# the last line: a failing command adds one before it
		tail -n 1 "$dir/time" >"$dir/time.last"
		read -r s u y k <"$dir/time.last" || { cat "$dir/time"; return; }
		secs=$(awk -v a="$s" -v b="$secs" 'BEGIN { print (b == "" || a < b) ? a : b }')
		kb=$(awk -v a="$k" -v b="$kb" 'BEGIN { print (b == "" || a > b) ? a : b }')
		this_cpu=$(awk -v a="$u" -v b="$y" 'BEGIN { print a + b }')
		cpu=$(awk -v a="$this_cpu" -v b="$cpu" 'BEGIN { print (b == "" || a < b) ? a : b }')
	done
	bytes=$(wc -c <"$file")
	awk -v l="$label" -v s="$secs" -v k="$kb" -v b="$bytes" -v r="$rows" -v c="$cpu" 'BEGIN {
		t = s > 0 ? s : 0.01
		printf "  %-30s %6.2f s %7.1f MB/s %9.0f rows/s %6.2f s CPU %6.1f CPU-s/GB %7.1f MiB\n",
		    l, s, b / 1048576 / t, r / t, c, c / (b > 0 ? b / 1e9 : 1),
		    k / 1024 }'
	last=$secs
	lastcpu=$cpu
	lastrss=$kb
}

# ratio PEER_SECS MUNI_SECS PEER_CPU MUNI_CPU WHAT
ratio() {
	awk -v a="$1" -v b="$2" -v c="$3" -v d="$4" -v what="$5" 'BEGIN {
		printf "  => %s: %.1fx elapsed, %.1fx CPU time\n", what,
		    (b > 0 ? a / b : 0), (d > 0 ? c / d : 0) }'
}

# peers: the fastest peers of ../shared/bench (Polars, DuckDB) installed
# with npm into $dir/peers, their scripts copied beside their packages (node
# resolves ES modules from the script's folder). Sets $peers to that
# folder, or to "" with a message when npm or the packages are absent.
peers() {
	peers=$dir/peers
	if [ ! -d "$peers/node_modules/nodejs-polars" ] ||
	    [ ! -d "$peers/node_modules/@duckdb/node-api" ]; then
		if ! command -v npm >/dev/null 2>&1; then
			echo "  (Polars and DuckDB skipped: npm is absent)"
			peers=
			return
		fi
		echo "installing nodejs-polars 0.25.2 and @duckdb/node-api 1.5.6-r.1 with npm into $peers"
		mkdir -p "$peers"
		if ! npm install --silent --no-audit --no-fund --prefix "$peers" -E \
		    nodejs-polars@0.25.2 nodejs-polars-linux-x64-gnu@0.25.2 \
		    @duckdb/node-api@1.5.6-r.1 >/dev/null 2>&1; then
			echo "  (Polars and DuckDB skipped: npm could not install them)"
			peers=
			return
		fi
	fi
	cp "$top/../shared/bench/polars-copy.mjs" \
	    "$top/../shared/bench/duckdb-copy.mjs" \
	    "$top/../shared/bench/polars-validate.mjs" "$peers/"
}
