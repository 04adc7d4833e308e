#!/bin/sh
# muni-fetch against a real OGC API - Features and WFS server: Debian's MapServer
# (cgi-mapserver) behind nginx and fcgiwrap on 127.0.0.1, serving a
# shapefile and a GeoPackage generated here (GDAL's ogr2ogr) from one
# GeoJSON table of 20 charging points. Paging is forced small (limit=7:
# three pages by MapServer's next links); the CSV muni-fetch makes of the
# pages must be the one it makes of the source table; a server error on
# page 3 must fail the run cleanly. Skipped when a package is missing
# (.ci/run installs them).
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
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$t/data/bornes.shp" \
    "$t/data/bornes.geojson" 2>"$t/ogr.err" &&
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
      "ows_srs" "EPSG:4326"
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

"$bin/muni-fetch" "http://127.0.0.1:$port/mapserv/?map=bornes_gml&SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=bornes" \
    >"$t/got.csv" 2>"$t/err"
rc=$?
[ $rc = 1 ] && [ ! -s "$t/got.csv" ] && grep -q 'offers no GeoJSON' "$t/err" &&
    grep -q 'gml' "$t/err"
check "a WFS that offers GML alone is refused with the formats it offers, status 1 ($rc)" "[ $? = 0 ]"

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
