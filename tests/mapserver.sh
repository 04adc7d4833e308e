#!/bin/sh
# muni-fetch against a real OGC API - Features and WFS server: Debian's MapServer
# (cgi-mapserver) behind nginx and fcgiwrap on 127.0.0.1, serving a
# shapefile and a GeoPackage generated here (GDAL's ogr2ogr) from one
# GeoJSON table of 20 charging points. Paging is forced small (limit=7:
# three pages by MapServer's next links); the CSV muni-fetch makes of the
# pages must be the one it makes of the source table; a server error on
# page 3 must fail the run cleanly. A map that offers GML alone is read in
# GML 3.2, polygons (a hole, a MultiSurface) included, and compared with
# what GDAL's WFS driver reads of the same server; Lambert-93 asked of the
# server (--crs EPSG:2154) with what GDAL makes of the source. Skipped
# when a package is missing (.ci/run installs them).
set -u
src=${MUNI_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${MUNI_BIN:-$src}
nginx=/usr/sbin/nginx
mapserv=/usr/lib/cgi-bin/mapserv
for need in "$nginx" "$mapserv" /usr/sbin/fcgiwrap; do
	if [ ! -x "$need" ]; then
		echo "1..0 # SKIP $need not installed (nginx-light, cgi-mapserver, fcgiwrap)"
		exit 0
	fi
done
if ! command -v ogr2ogr >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP ogr2ogr (gdal-bin) or python3 not installed"
	exit 0
fi
t=$(mktemp -d "${TMPDIR:-/tmp}/muni-mapserver.XXXXXX") || exit 1
cleanup() {
	[ -f "$t/nginx.pid" ] && kill "$(cat "$t/nginx.pid")" 2>/dev/null
	[ -n "${fpid:-}" ] && kill "$fpid" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT INT TERM
mkdir -p "$t/tmp" "$t/data" "$t/fetch-tmp"
TMPDIR=$t/fetch-tmp
export TMPDIR
chmod 755 "$t"  # nginx workers run as nobody under root
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# The source table, and its shapefile and GeoPackage.
python3 - "$t/data/bornes.geojson" <<'PY'
import json, sys
features = [{"type": "Feature",
             "geometry": {"type": "Point",
                          "coordinates": [round(2.3 + i / 100, 4),
                                          round(48.8 + i / 200, 4)]},
             "properties": {"ident": "B%02d" % i,
                            "nom": "Borne %d, Hôtel de ville" % i,
                            "places": i % 7}}
            for i in range(1, 21)]
json.dump({"type": "FeatureCollection", "features": features},
          open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
# Zones: polygons, one with a hole, and a multipolygon, for GML's rings.
cat >"$t/data/zones.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"code": "Z1", "nom": "Centre"},
 "geometry": {"type": "Polygon", "coordinates": [[[2.3, 48.8], [2.4, 48.8], [2.4, 48.9], [2.3, 48.9], [2.3, 48.8]], [[2.33, 48.83], [2.33, 48.86], [2.36, 48.86], [2.36, 48.83], [2.33, 48.83]]]}},
{"type": "Feature", "properties": {"code": "Z2", "nom": "Îles"},
 "geometry": {"type": "MultiPolygon", "coordinates": [[[[2.5, 48.7], [2.55, 48.7], [2.55, 48.75], [2.5, 48.7]]], [[[2.6, 48.7], [2.65, 48.7], [2.65, 48.76], [2.6, 48.7]]]]}},
{"type": "Feature", "properties": {"code": "Z3", "nom": "Nord"},
 "geometry": {"type": "Polygon", "coordinates": [[[2.3, 49.0], [2.31234567, 49.0], [2.31234567, 49.01234567], [2.3, 49.0]]]}}
]}
JSON
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$t/data/zones.shp" \
    "$t/data/zones.geojson" 2>"$t/ogr.err" &&
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$t/data/bornes.shp" \
    "$t/data/bornes.geojson" 2>>"$t/ogr.err" &&
    ogr2ogr -f GPKG -nln bornes "$t/data/bornes.gpkg" \
    "$t/data/bornes.geojson" 2>>"$t/ogr.err" || {
	echo "1..0 # SKIP ogr2ogr failed: $(head -3 "$t/ogr.err")"
	exit 0
}

base=http://127.0.0.1:$port/mapserv/bornes/ogcapi
cat >"$t/mapserver.conf" <<CONF
CONFIG
  ENV
    # the map of a request that names none (/wfs)
    MS_MAPFILE "$t/bornes.map"
  END
  MAPS
    bornes "$t/bornes.map"
    bornes_gml "$t/bornes_gml.map"
  END
END
CONF
# The WFS offers GeoJSON (an OGR output format) in bornes, GML alone in
# bornes_gml.
cat >"$t/bornes.map" <<MAPFILE
MAP
  NAME "bornes"
  EXTENT -180 -90 180 90
  PROJECTION "init=epsg:4326" END
  OUTPUTFORMAT
    NAME "geojson"
    DRIVER "OGR/GEOJSON"
    MIMETYPE "application/json; subtype=geojson"
    FORMATOPTION "STORAGE=stream"
    FORMATOPTION "FORM=SIMPLE"
  END
  WEB
    METADATA
      "wfs_getfeature_formatlist" "geojson"
      "ows_enable_request" "*"
      "oga_enable_request" "*"
      "ows_title" "bornes"
      "ows_srs" "EPSG:4326 EPSG:2154"
      "oga_onlineresource" "$base"
    END
  END
  LAYER
    NAME "bornes"
    TYPE POINT
    STATUS ON
    TEMPLATE "void"
    DATA "$t/data/bornes.shp"
    PROJECTION "init=epsg:4326" END
    METADATA
      "ows_title" "bornes (shapefile)"
      "gml_include_items" "all"
      "gml_featureid" "ident"
      "gml_types" "auto"
    END
  END
  LAYER
    NAME "zones"
    TYPE POLYGON
    STATUS ON
    TEMPLATE "void"
    DATA "$t/data/zones.shp"
    PROJECTION "init=epsg:4326" END
    METADATA
      "ows_title" "zones"
      "wfs_srs" "EPSG:4326 EPSG:2154"
      "gml_include_items" "all"
      "gml_featureid" "code"
      "gml_types" "auto"
    END
  END
  LAYER
    NAME "bornes_gpkg"
    TYPE POINT
    STATUS ON
    TEMPLATE "void"
    CONNECTIONTYPE OGR
    CONNECTION "$t/data/bornes.gpkg"
    DATA "bornes"
    PROJECTION "init=epsg:4326" END
    METADATA
      "ows_title" "bornes (GeoPackage)"
      "gml_include_items" "all"
      "gml_featureid" "ident"
      "gml_types" "auto"
    END
  END
END
MAPFILE
sed '/OUTPUTFORMAT/,/^  END/d; /wfs_getfeature_formatlist/d' "$t/bornes.map" \
    >"$t/bornes_gml.map"
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
	server {
		listen 127.0.0.1:$port;
		# /wfs: MapServer's WFS of its default map, bornes
		location = /wfs {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $mapserv;
			fastcgi_param MAPSERVER_CONFIG_FILE $t/mapserver.conf;
			fastcgi_pass unix:$t/fcgi.sock;
		}
		location /mapserv/ {
			# a server error on the third page of the GeoPackage
			if (\$request_uri ~ "bornes_gpkg/items.*limit=6&offset=12") {
				return 500;
			}
			fastcgi_split_path_info ^(/mapserv)(/.*)\$;
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $mapserv;
			fastcgi_param PATH_INFO \$fastcgi_path_info;
			fastcgi_param MAPSERVER_CONFIG_FILE $t/mapserver.conf;
			fastcgi_pass unix:$t/fcgi.sock;
		}
	}
}
CONF
/usr/sbin/fcgiwrap -s "unix:$t/fcgi.sock" 2>"$t/fcgi.err" &
fpid=$!
"$nginx" -c "$t/nginx.conf" -p "$t" 2>"$t/nginx.err" &
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	[ -S "$t/fcgi.sock" ] && [ -f "$t/nginx.pid" ] && break
	sleep 0.25
done
if [ ! -S "$t/fcgi.sock" ] || [ ! -f "$t/nginx.pid" ]; then
	echo "1..0 # SKIP a server did not start: $(cat "$t/fcgi.err" "$t/nginx.err" "$t/error.log" 2>/dev/null | head -3)"
	exit 0
fi
chmod 666 "$t/fcgi.sock"

. "$src/tests/tap.sh"

# Two CSVs of WKT (muni-fetch's "geometry", GDAL's "WKT") by their
# "code": the same "nom", the same geometries within a tolerance.
compare_wkt() {
	python3 - "$1" "$2" "$3" <<'PY'
import csv, json, re, sys
mine, gdal, tol = sys.argv[1], sys.argv[2], float(sys.argv[3])
def rows(path, geom):
    with open(path, newline="", encoding="utf-8") as f:
        r = list(csv.DictReader(f))
    return {row["code"]: (row[geom], row["nom"]) for row in r}
a, b = rows(mine, "geometry"), rows(gdal, "WKT")
if a.keys() != b.keys():
    sys.exit("codes differ: %s %s" % (sorted(a), sorted(b)))
for k in a:
    (ga, na), (gb, nb) = a[k], b[k]
    if na != nb:
        sys.exit("%s: nom %r / %r" % (k, na, nb))
    # A MultiPolygon of one polygon is that polygon (MapServer writes
    # MultiSurface for a shapefile's polygon, GDAL reads a Polygon).
    one = lambda w: re.sub(r"^MULTIPOLYGON \((\(\(.*\)\))\)$", r"POLYGON \1", w) \
        if re.sub(r"\s", "", w).count(")),((") == 0 else w
    ga, gb = one(ga), one(gb)
    def parse(w):
        # WKT as its type and nested lists; a point is a list of floats.
        kind, _, rest = w.partition(" ")
        rest = re.sub(r"([-+0-9.eE]+)\s+([-+0-9.eE]+)", r"[\1,\2]", rest)
        return kind, json.loads(rest.replace("(", "[").replace(")", "]"))
    def same(a, b):
        if a and isinstance(a[0], float):
            return len(a) == len(b) and all(abs(p - q) <= tol for p, q in zip(a, b))
        if len(a) != len(b):
            return False
        # A ring may run either way (MapServer writes a shapefile's).
        if a and a[0] and isinstance(a[0][0], float):
            return all(same(p, q) for p, q in zip(a, b)) or \
                all(same(p, q) for p, q in zip(a, b[::-1]))
        return all(same(p, q) for p, q in zip(a, b))
    ka, ta = parse(ga)
    kb, tb = parse(gb)
    if ka != kb or not same(ta, tb):
        sys.exit("%s: %s / %s" % (k, ga, gb))
PY
}

# What muni-fetch makes of the source table, one file.
"$bin/muni-fetch" --geometry lonlat "$t/data/bornes.geojson" >"$t/want.csv" 2>"$t/err"
check "the source table read from its GeoJSON file" "[ $? = 0 ]"

"$bin/muni-fetch" --geometry lonlat -p "$t/prov.json" \
    "$base/collections/bornes/items?f=json&limit=7" >"$t/got.csv" 2>"$t/err" &&
    cmp -s "$t/got.csv" "$t/want.csv" &&
    grep -q '"pages": 3' "$t/prov.json" &&
    grep -q '"number_matched": 20' "$t/prov.json"
rc=$?
[ $rc = 0 ] || diff "$t/want.csv" "$t/got.csv" | head -8 >>"$t/err"
check "MapServer OGC API - Features, a shapefile: 3 pages of 7 by its next links, the CSV of the source table" "[ $rc = 0 ]"

# MapServer 8.0.0 pages an OGR layer (the GeoPackage) without its offset:
# every page is the first 7 records, 21 in all where numberMatched says 20.
# muni-fetch must then refuse (status 1, both numbers), never write them;
# a MapServer that pages it right must give the source table.
"$bin/muni-fetch" --geometry lonlat \
    "$base/collections/bornes_gpkg/items?f=json&limit=7" >"$t/got.csv" 2>"$t/err"
rc=$?
if [ $rc = 0 ]; then
	cmp -s "$t/got.csv" "$t/want.csv"
else
	[ $rc = 1 ] && [ ! -s "$t/got.csv" ] &&
	    grep -q 'the server said 20 records match (numberMatched), 21 came in 3 pages' "$t/err"
fi
check "MapServer OGC API - Features, a GeoPackage: the source table, or (MapServer 8.0.0 repeats its first page) status 1 with both counts, nothing written" "[ $? = 0 ]"

"$bin/muni-fetch" --geometry wkt "$base/collections/bornes/items?f=json&limit=5" >"$t/got.csv" 2>"$t/err" &&
    "$bin/muni-fetch" --geometry wkt "$t/data/bornes.geojson" >"$t/want.csv" &&
    cmp -s "$t/got.csv" "$t/want.csv"
check "MapServer, pages of 5, geometry as WKT: the same as the source table" "[ $? = 0 ]"

# WFS 2.0: GetFeature as GeoJSON (the format its capabilities name), pages
# of 7 by STARTINDEX up to numberMatched.
wfs="http://127.0.0.1:$port/mapserv/?map=bornes&SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=bornes&COUNT=7"
"$bin/muni-fetch" --geometry lonlat "$t/data/bornes.geojson" >"$t/want.csv" &&
    "$bin/muni-fetch" --geometry lonlat -p "$t/prov.json" "$wfs" >"$t/got.csv" 2>"$t/err" &&
    cmp -s "$t/got.csv" "$t/want.csv" &&
    grep -q '"paging": "wfs"' "$t/prov.json" &&
    grep -q '"pages": 3' "$t/prov.json"
rc=$?
[ $rc = 0 ] || { diff "$t/want.csv" "$t/got.csv" | head -8; cat "$t/prov.json"; } >>"$t/err"
check "MapServer WFS 2.0: GetFeature as GeoJSON, 3 pages of 7 by STARTINDEX, the CSV of the source table" "[ $rc = 0 ]"

# --bbox: the features within a box only (lon 2.335 to 2.405: B04 to B10),
# OGC API's bbox and WFS's BBOX in CRS84.
for api in "$base/collections/bornes/items?f=json&limit=50" "$wfs"; do
	"$bin/muni-fetch" --bbox 2.335,48.8,2.405,48.91 "$api" >"$t/got.csv" 2>"$t/err" &&
	    [ "$(cut -d, -f1 "$t/got.csv" | tr '\n' ' ')" = "ident B04 B05 B06 B07 B08 B09 B10 " ]
	rc=$?
	[ $rc = 0 ] || cat "$t/got.csv" >>"$t/err"
	check "--bbox: the 7 features within the box, ${api%%\?*}" "[ $rc = 0 ]"
done
# MapServer 8.0.0's next links leave the bbox out: its second page starts
# over the whole layer. muni-fetch must refuse it (numberMatched 7), or,
# from a MapServer that keeps it, read the 7.
"$bin/muni-fetch" --bbox 2.335,48.8,2.405,48.91 \
    "$base/collections/bornes/items?f=json&limit=3" >"$t/got.csv" 2>"$t/err"
rc=$?
if [ $rc = 0 ]; then
	[ "$(cut -d, -f1 "$t/got.csv" | tr '\n' ' ')" = "ident B04 B05 B06 B07 B08 B09 B10 " ]
else
	[ $rc = 1 ] && [ ! -s "$t/got.csv" ] &&
	    grep -q 'the server said 7 records match (numberMatched)' "$t/err"
fi
check "--bbox over pages of 3: the 7 features, or (MapServer 8.0.0 drops the bbox from its next links) status 1, nothing written" "[ $? = 0 ]"

# muni-fetch(1)'s example, as it is written ($URL/: the server).
URL=http://127.0.0.1:$port
(cd "$t" && PATH=$bin:$PATH &&
wfs="$URL/wfs?SERVICE=WFS&REQUEST=GetFeature"
muni fetch "$wfs&TYPENAMES=bornes" > bornes.csv
) 2>"$t/err" &&
    [ "$(wc -l <"$t/bornes.csv")" = 21 ]
check "muni-fetch(1) example: the WFS at /wfs (the map bornes)" "[ $? = 0 ]"
(cd "$t" && PATH=$bin:$PATH &&
wfs="$URL/wfs?SERVICE=WFS&REQUEST=GetFeature"
muni fetch --crs EPSG:2154 --to-wgs84 --geometry wkt \
    "$wfs&TYPENAMES=zones" > zones.csv
) 2>"$t/err" &&
    ogr2ogr -f CSV -lco GEOMETRY=AS_WKT "$t/gdal.csv" "$t/data/zones.geojson" 2>>"$t/err" &&
    compare_wkt "$t/zones.csv" "$t/gdal.csv" 1e-7 >>"$t/err" 2>&1
check "muni-fetch(1) example: the zones in Lambert-93, as WKT in WGS 84 (GDAL: the source, 1e-7)" "[ $? = 0 ]"

# GML 3.2, from the map that offers no GeoJSON: pages of 7, the source
# table (MapServer writes 48.820000 2.340000: latitude first, as
# urn:ogc:def:crs:EPSG::4326 says).
gml="http://127.0.0.1:$port/mapserv/?map=bornes_gml&SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature"
"$bin/muni-fetch" --geometry lonlat "$t/data/bornes.geojson" >"$t/want.csv" &&
    "$bin/muni-fetch" --geometry lonlat -p "$t/prov.json" "$gml&TYPENAMES=bornes&COUNT=7" \
    >"$t/got.csv" 2>"$t/err" &&
    cmp -s "$t/got.csv" "$t/want.csv" && grep -q '"pages": 3' "$t/prov.json" &&
    grep -q '"crs": "EPSG:4326"' "$t/prov.json"
rc=$?
[ $rc = 0 ] || { diff "$t/want.csv" "$t/got.csv" | head -8; cat "$t/prov.json"; } >>"$t/err"
check "MapServer WFS 2.0 offering GML alone: GML 3.2 read, 3 pages of 7, the CSV of the source table" "[ $rc = 0 ]"

# The differential: GDAL's WFS driver reads the same GML WFS; its
# geometries (WKT) and muni-fetch's must be the same numbers, and so must
# the attributes. Polygons with a hole and a multipolygon (MultiSurface).
gdal_wfs() {
	# GDAL's WFS driver: the layer ms:zones of the map bornes_gml.
	rm -f "$t/gdal.csv"
	GDAL_HTTP_TIMEOUT=30 ogr2ogr -f CSV -lco GEOMETRY=AS_WKT "$@" "$t/gdal.csv" \
	    "WFS:http://127.0.0.1:$port/mapserv/?map=bornes_gml&VERSION=2.0.0" zones 2>"$t/gdal.err"
}
if gdal_wfs; then
	"$bin/muni-fetch" --geometry wkt "$gml&TYPENAMES=zones" >"$t/got.csv" 2>"$t/err" &&
	    compare_wkt "$t/got.csv" "$t/gdal.csv" 1e-9 >>"$t/err" 2>&1
	check "GML polygons (a hole, a MultiSurface): muni-fetch's WKT equals GDAL's WFS driver's" "[ $? = 0 ]"
	# Lambert-93 asked of the server: GML in EPSG:2154, easting first;
	# MapServer reprojects the source's coordinates, GDAL does too.
	gdal_src() {
		rm -f "$t/gdal.csv"
		ogr2ogr -f CSV -lco GEOMETRY=AS_WKT "$@" "$t/gdal.csv" \
		    "$t/data/zones.geojson" 2>"$t/gdal.err"
	}
	if gdal_src -t_srs EPSG:2154 &&
	    "$bin/muni-fetch" --crs EPSG:2154 --geometry wkt -p "$t/prov.json" \
	    "$gml&TYPENAMES=zones" >"$t/got.csv" 2>"$t/err"; then
		compare_wkt "$t/got.csv" "$t/gdal.csv" 0.01 >>"$t/err" 2>&1 &&
		    grep -q '"crs": "EPSG:2154"' "$t/prov.json"
	else
		false
	fi
	check "--crs EPSG:2154: the GML's Lambert-93 coordinates, as GDAL reprojects the source (1 cm)" "[ $? = 0 ]"
	gdal_src &&
	    "$bin/muni-fetch" --crs EPSG:2154 --to-wgs84 --geometry wkt -p "$t/prov.json" \
	    "$gml&TYPENAMES=zones" >"$t/got.csv" 2>"$t/err" &&
	    compare_wkt "$t/got.csv" "$t/gdal.csv" 1e-7 >>"$t/err" 2>&1 &&
	    grep -q '"reprojected_to": "EPSG:4326"' "$t/prov.json"
	check "--crs EPSG:2154 --to-wgs84: back to the source's degrees (7 decimals: 1e-7)" "[ $? = 0 ]"
else
	skip "GDAL's WFS driver could not read the server: $(head -2 "$t/gdal.err")"
	skip "GDAL's WFS driver could not read the server"
	skip "GDAL's WFS driver could not read the server"
fi
"$bin/muni-fetch" --crs EPSG:2154 --geometry lonlat "$gml&TYPENAMES=bornes" \
    >"$t/got.csv" 2>"$t/err" &&
    [ "$(head -1 "$t/got.csv")" = "ident,nom,places,x,y" ]
check "--crs EPSG:2154 --geometry lonlat: the columns are x and y (metres)" "[ $? = 0 ]"

# A server error on page 3: status 3, nothing on standard output.
"$bin/muni-fetch" --retries 0 "$base/collections/bornes_gpkg/items?f=json&limit=6" \
    >"$t/got.csv" 2>"$t/err"
rc=$?
[ $rc = 3 ] && [ ! -s "$t/got.csv" ] && grep -q 'HTTP 500' "$t/err" &&
    grep -q 'page 3' "$t/err"
check "a server error on page 3 of 4 is status 3 ($rc), nothing written" "[ $? = 0 ]"
left=$(ls -A "$t/fetch-tmp")
echo "$left" >"$t/err"
[ -z "$left" ]
check "no temporary file left behind" "[ $? = 0 ]"
tap_end
