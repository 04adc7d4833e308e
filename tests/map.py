#!/usr/bin/env python3
"""The landing page's interactive map (Leaflet), against the data.

The corpus's taxi stations (stationstaxi) are published with a station
whose coordinates are swapped and one whose name is markup that would
run a script if it were taken as HTML. Without a browser: Leaflet is
copied beside the page from the system (its notice kept, its source map's
link dropped), in the version's folder too; the points the page gives the
script are those of the published CSV, each with its row's cells and the
header's names, and those of the SVG map; without Leaflet installed the
page keeps its SVG map alone; Leaflet installed but unreadable is status
3 with nothing published; data without points get no Leaflet.

In Chromium, served over HTTP: one marker a point, the swapped one red,
its popup shows its row (column names and cells) as text, the markup name
as text and no dialog; tiles are asked of tile.openstreetmap.org (the
test answers them) for the area of the points, with OpenStreetMap's
credit; nothing else is fetched from outside; the map fits 390 pixels.
Offline (the browser's offline mode, the page from its file): the
markers, no tile asked, every request inside the publication, no
console error; back online, the tiles come. Screenshots are kept in
build/tests/screenshots/.

usage: map.py   (MUNI_BIN: where the tools are)
"""
import csv
import functools
import http.server
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import zlib

SRC = os.environ.get("MUNI_SRC") or os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))
BIN = os.environ.get("MUNI_BIN") or SRC
BUILD = os.environ.get("MUNI_BUILD") or BIN
CORPUS = os.environ.get("MUNI_CORPUS") or os.path.join(SRC, "..", "shared",
                                                       "corpus")
LEAFLET = os.environ.get("MUNI_LEAFLET_DIR") or \
    "/usr/share/javascript/leaflet"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import chromium, main, ok, skip  # noqa: E402

TMP = tempfile.mkdtemp(prefix="muni-map.")
META = {"name": "taxis", "title": "Stations de taxi",
        "description": "Les stations.", "license": "etalab-2.0",
        "producer": {"name": "Ville", "siret": "21380185500015"},
        "base_url": "https://data.exemple.fr/"}
MARKUP = "</script><img src=x onerror=alert(1)>Gare"


def publish(data, root, env=None, schema=None):
    with open(os.path.join(TMP, "meta.json"), "w") as f:
        json.dump(META, f)
    p = subprocess.run([os.path.join(BIN, "muni-publish"), "-s",
                        schema or os.path.join(CORPUS, "schemas",
                                               "stationstaxi", "schema.json"),
                        "-m", os.path.join(TMP, "meta.json"), "-t", root,
                        data], capture_output=True,
                       env=dict(os.environ, **(env or {})))
    return p.returncode, p.stderr.decode(errors="replace")


def png():
    """A 256x256 grey PNG, as a tile server would answer."""
    raw = b"".join(b"\0" + b"\xdd" * 256 for _ in range(256))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body)))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", 256, 256, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def tile(lon, lat, z):
    """The x/y of the tile holding a point at zoom z (OSM's scheme)."""
    n = 2 ** z
    r = math.radians(lat)
    return (int((lon + 180) / 360 * n),
            int((1 - math.asinh(math.tan(r)) / math.pi) / 2 * n))


BROWSER = r"""
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
const [url, file, helper, tilepng, shots] = process.argv.slice(2);
const { launch } = await import(pathToFileURL(helper));
const b = await launch();
const png = fs.readFileSync(tilepng);
const origin = new URL(url).origin;
const out = {};

function watch(page, log) {
  page.on('console', m => { if (m.type() === 'error') log.errors.push(m.text()); });
  page.on('pageerror', e => log.errors.push(String(e)));
  page.on('dialog', d => { log.dialogs.push(d.message()); d.dismiss(); });
}
async function route(ctx, log, inside) {
  await ctx.route('**/*', r => {
    const u = new URL(r.request().url());
    if (inside(u)) return r.continue();
    if (u.hostname === 'tile.openstreetmap.org') {
      log.tiles.push(u.pathname);
      return r.fulfill({ status: 200, contentType: 'image/png', body: png });
    }
    log.outside.push(u.href);
    return r.abort();
  });
}
const look = () => {
  const svg = document.querySelector('svg.map'), el = document.getElementById('lmap');
  const marks = [...document.querySelectorAll('#lmap path.leaflet-interactive')];
  return {
    svg: !!svg && getComputedStyle(svg).display !== 'none',
    lmap: !!el && !el.hidden,
    width: el ? el.getBoundingClientRect().width : 0,
    inner: window.innerWidth, scroll: document.documentElement.scrollWidth,
    markers: marks.length,
    red: marks.filter(m => m.getAttribute('fill') === '#ce0500').length,
    tiles: document.querySelectorAll('#lmap img.leaflet-tile').length,
    credit: (document.querySelector('.leaflet-control-attribution') || {}).textContent || '',
  };
};
const popup = () => {
  // The last opened: a closed one may still be fading out.
  const all = document.querySelectorAll('.leaflet-popup-content table');
  const t = all[all.length - 1];
  return t && { caption: t.caption.textContent,
    rows: [...t.rows].map(r => [r.cells[0].textContent, r.cells[1].textContent]),
    html: t.innerHTML };
};

// Online, over HTTP: the tiles answered by the test.
const on = { errors: [], dialogs: [], tiles: [], outside: [] };
const ctx = await b.newContext({ viewport: { width: 1280, height: 900 } });
await route(ctx, on, u => u.origin === origin);
const p = await ctx.newPage();
watch(p, on);
await p.goto(url);
await p.waitForFunction(() => document.querySelectorAll(
    '#lmap img.leaflet-tile-loaded').length > 0, null, { timeout: 15000 })
    .catch(() => {});
on.look = await p.evaluate(look);
await p.locator('#lmap path.leaflet-interactive[fill="#ce0500"]').first()
    .click({ force: true });
await p.waitForSelector('.leaflet-popup-content table', { timeout: 5000 })
    .catch(() => {});
on.red = await p.evaluate(popup);
on.zoom = await p.evaluate(() => {
  const t = document.querySelector('#lmap img.leaflet-tile');
  return t ? +new URL(t.src).pathname.split('/')[1] : -1;
});
await p.screenshot({ path: path.join(shots, 'map-online-1280.png'), fullPage: true });
// Every marker's popup: its caption and cells.
on.popups = [];
const n = await p.locator('#lmap path.leaflet-interactive').count();
for (let i = 0; i < n; i++) {
  await p.evaluate(() => document.querySelectorAll('.leaflet-popup-close-button')
      .forEach(c => c.click()));
  await p.locator('#lmap path.leaflet-interactive').nth(i).dispatchEvent('click');
  on.popups.push(await p.evaluate(popup));
}
await p.setViewportSize({ width: 390, height: 844 });
await p.waitForTimeout(300);
on.narrow = await p.evaluate(look);
await p.screenshot({ path: path.join(shots, 'map-online-390.png'), fullPage: true });
await ctx.close();
out.online = on;

// Offline: the page from its file, the browser offline.
const off = { errors: [], dialogs: [], tiles: [], outside: [], requests: [] };
const octx = await b.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
const dir = path.dirname(path.resolve(file));
await route(octx, off, u => u.protocol === 'file:');
const q = await octx.newPage();
watch(q, off);
q.on('request', r => off.requests.push(r.url()));
await q.goto(pathToFileURL(file).href);
await q.waitForTimeout(500);
off.look = await q.evaluate(look);
off.online = await q.evaluate(() => navigator.onLine);
off.offline = { requests: off.requests.slice(), tiles: off.tiles.slice(),
  outside: off.outside.slice(), errors: off.errors.slice() };
await q.screenshot({ path: path.join(shots, 'map-offline-1280.png'), fullPage: true });
await octx.setOffline(false);
await q.waitForFunction(() => document.querySelectorAll(
    '#lmap img.leaflet-tile').length > 0, null, { timeout: 15000 }).catch(() => {});
off.back = await q.evaluate(look);
off.dir = pathToFileURL(dir).href;
out.offline = off;

// Without script: the SVG map.
const nctx = await b.newContext({ javaScriptEnabled: false });
const r = await nctx.newPage();
await r.goto(pathToFileURL(file).href);
out.noscript = await r.evaluate(look);
console.log(JSON.stringify(out));
await b.close();
"""


def served(root):
    """An HTTP server of root on 127.0.0.1: (server, base URL)."""
    handler = functools.partial(Quiet, directory=root)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, "http://127.0.0.1:%d/" % srv.server_address[1]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def browser(root, rows, points, header):
    whats = ("online: markers, popups, tiles", "online: nothing else "
             "fetched, 390 pixels", "offline: nothing fetched outside",
             "back online", "without script")
    found = chromium(SRC, BUILD)
    if not found:
        for what in whats:
            skip("Chromium: " + what, "chromium, node or playwright-core "
                 "absent")
        return
    path, modules = found
    shots = os.path.join(BUILD, "tests", "screenshots")
    os.makedirs(shots, exist_ok=True)
    script = os.path.join(TMP, "browser.mjs")
    with open(script, "w") as f:
        f.write(BROWSER)
    with open(os.path.join(TMP, "tile.png"), "wb") as f:
        f.write(png())
    srv, base = served(root)
    try:
        p = subprocess.run(
            ["node", script, base + "taxis/index.html",
             os.path.join(root, "taxis", "index.html"),
             os.path.join(SRC, "tests", "chromium.mjs"),
             os.path.join(TMP, "tile.png"), shots],
            capture_output=True, timeout=300,
            env=dict(os.environ, CHROMIUM=path, NODE_PATH=modules))
    finally:
        srv.shutdown()
    try:
        r = json.loads(p.stdout)
    except ValueError:
        ok(False, "Chromium: the map", p.stderr.decode(errors="replace"))
        return
    on, off = r["online"], r["offline"]
    lk = on["look"]
    swapped = len(rows)
    want_red = {"caption": "Ligne %d (hors de France)" % swapped,
                "rows": [[h, c] for h, c in zip(header, rows[-1])]}
    red = on["red"] or {}
    # The popups, each against its row of the CSV.
    by_row = {}
    for pop in on["popups"]:
        m = re.match(r"Ligne (\d+)", (pop or {}).get("caption", ""))
        if m:
            by_row[int(m.group(1))] = pop["rows"]
    want_rows = {i: [[h, c] for h, c in zip(header, rows[i - 1])]
                 for i in points}
    markup = [pop for pop in on["popups"] if pop and
              any(c == MARKUP for _, c in pop["rows"])]
    ok(lk["lmap"] and not lk["svg"] and lk["markers"] == len(points) and
       lk["red"] == 1 and {k: red.get(k) for k in want_red} == want_red and
       by_row == want_rows and len(markup) == 1 and
       "<img" not in markup[0]["html"] and not on["dialogs"] and
       not on["errors"],
       "Chromium online: one marker for each of the %d points, the swapped "
       "one red, each popup its row with the column names, markup shown as "
       "text; no dialog, no console error" % len(points),
       json.dumps({"look": lk, "red": red, "dialogs": on["dialogs"],
                   "errors": on["errors"], "popups": on["popups"][:3]},
                  ensure_ascii=False))
    z = on["zoom"]
    want_tiles = {"/%d/%d/%d.png" % ((z,) + tile(lon, lat, z))
                  for lon, lat in points.values()} if z >= 0 else set()
    got = set(on["tiles"])
    ok(z >= 0 and want_tiles <= got and lk["tiles"] > 0 and
       "OpenStreetMap" in lk["credit"],
       "Chromium online: the tiles under every point asked of "
       "tile.openstreetmap.org (zoom %d), OpenStreetMap credited" % z,
       "want %s, got %s, credit %r" % (sorted(want_tiles - got)[:5],
                                       sorted(got)[:5], lk["credit"]))
    nw = on["narrow"]
    ok(not on["outside"] and nw["width"] <= nw["inner"] and
       nw["scroll"] <= nw["inner"] and nw["markers"] == len(points),
       "Chromium online: nothing else fetched from outside the "
       "publication; at 390 pixels the map fits the screen",
       json.dumps({"outside": on["outside"], "narrow": nw}))
    ol, was = off["look"], off["offline"]
    inside = [u for u in was["requests"] if not u.startswith(off["dir"])]
    ok(off["online"] is False and ol["lmap"] and
       ol["markers"] == len(points) and ol["tiles"] == 0 and
       not was["tiles"] and not was["outside"] and not inside and
       any(u.endswith("/leaflet.js") for u in was["requests"]) and
       not was["errors"],
       "Chromium offline: Leaflet from the publication, every marker, no "
       "tile asked, no request outside the publication, no console error",
       json.dumps({"look": ol, "outside": was["outside"] + inside,
                   "errors": was["errors"]}))
    ok(off["back"]["tiles"] > 0 and off["tiles"],
       "Chromium back online: the tiles are asked then",
       json.dumps(off["back"]))
    ns = r["noscript"]
    ok(ns["svg"] and not ns["lmap"] and ns["markers"] == 0,
       "Chromium without script: the SVG map, no Leaflet box",
       json.dumps(ns))


def run():
    sch = os.path.join(CORPUS, "schemas", "stationstaxi")
    if not os.path.exists(sch):
        print("1..0 # SKIP corpus absent")
        return
    if not os.path.exists(os.path.join(LEAFLET, "leaflet.css")):
        print("1..0 # SKIP Leaflet (libjs-leaflet) not installed in "
              + LEAFLET)
        return
    with open(os.path.join(sch, "exemple-valide.csv"),
              encoding="utf-8") as f:
        lines = f.read().splitlines()
    first = next(csv.reader([lines[1]], delimiter=";"))
    first[0], first[1] = "38185-T-998", MARKUP
    lines.append(";".join('"%s"' % c for c in first))
    first = next(csv.reader([lines[2]], delimiter=";"))
    lon, lat = first[3].split(", ")
    first[0], first[3] = "38185-T-999", "%s, %s" % (lat, lon)
    lines.append(";".join('"%s"' % c for c in first))
    data = os.path.join(TMP, "taxis.csv")
    with open(data, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    root = os.path.join(TMP, "pub")
    st, err = publish(data, root)
    if not ok(st == 0 and err == "", "published", err):
        return
    d = os.path.join(root, "taxis")
    with open(os.path.join(d, "taxis.csv"), encoding="utf-8") as f:
        table = list(csv.reader(f))
    header, rows = table[0], table[1:]
    points = {}
    for i, r in enumerate(rows, 1):
        try:
            x, y = (float(v) for v in r[header.index("geopoint")].split(","))
            points[i] = (x, y)
        except ValueError:
            pass

    # Leaflet beside the page, as Debian installed it.
    def read(path, mode="r"):
        with open(path, mode) as f:
            return f.read()
    lib = read(os.path.join(LEAFLET, "leaflet.min.js")
               if os.path.exists(os.path.join(LEAFLET, "leaflet.min.js"))
               else os.path.join(LEAFLET, "leaflet.js"))
    body = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", lib)
    js = read(os.path.join(d, "leaflet.js"))
    css = read(os.path.join(d, "leaflet.css"))
    want_css = re.sub(r"/\*# sourceMappingURL=\S+ \*/\s*$", "",
                      read(os.path.join(LEAFLET, "leaflet.css")))
    stamp = os.listdir(os.path.join(d, "versions"))[0]
    vdir = os.path.join(d, "versions", stamp)
    ok(js.startswith("/* @preserve") and "Vladimir Agafonkin" in
       js[:400] and js.rstrip("\n").endswith(body.rstrip("\n")) and
       "sourceMappingURL" not in js and css == want_css and
       read(os.path.join(vdir, "leaflet.js")) == js and
       read(os.path.join(vdir, "leaflet.css")) == css,
       "Leaflet copied beside the page and in the version's folder: the "
       "system's files, the notice kept, no source map's link",
       js[:200])

    page = read(os.path.join(d, "index.html"))
    m = re.search(r'<script type="application/json" id="map-data">(.*?)'
                  r'</script>', page, re.S)
    data = json.loads(m.group(1)) if m else {}
    got = {p[2]: p for p in data.get("points", [])}
    circles = sorted(int(r) for r in re.findall(r'<circle[^>]* data-row='
                                                r'"(\d+)"', page))
    bad = [i for i, (x, y) in points.items() if i not in got or
           abs(got[i][0] - x) > 1e-7 or abs(got[i][1] - y) > 1e-7 or
           got[i][4] != rows[i - 1]]
    ok(m and data["columns"] == header and sorted(got) == sorted(points) ==
       circles and not bad and [i for i in got if got[i][3]] ==
       [len(rows)] and '<script src="leaflet.js"></script>' in page and
       '<link rel="stylesheet" href="leaflet.css">' in page,
       "the page's points for the script: those of the CSV and of the SVG "
       "map, each with its row's cells, the swapped one outside France",
       "bad rows %s; %s" % (bad, m.group(1)[:300] if m else "no data"))
    ok(m and MARKUP not in m.group(1) and "\\u003c/script>" in m.group(1),
       "a cell holding </script> cannot end the data's element",
       m.group(1)[:300] if m else "")

    # Without Leaflet: the SVG map alone, silently.
    root2 = os.path.join(TMP, "pub2")
    st, err = publish(os.path.join(TMP, "taxis.csv"), root2,
                      {"MUNI_LEAFLET_DIR": os.path.join(TMP, "none")})
    page2 = read(os.path.join(root2, "taxis", "index.html")) if st == 0 \
        else ""
    ok(st == 0 and err == "" and "<svg class=\"map\"" in page2 and
       "leaflet.js" not in page2 and "<script" not in page2 and not os.path.exists(
           os.path.join(root2, "taxis", "leaflet.js")),
       "Leaflet not installed: published, the SVG map alone, no script",
       err)
    # Leaflet there but unreadable: nothing published.
    broken = os.path.join(TMP, "broken")
    os.makedirs(os.path.join(broken, "leaflet.css"))
    shutil.copy(os.path.join(LEAFLET, "leaflet.css"),
                os.path.join(broken, "leaflet.min.js"))
    before = read(os.path.join(root2, "taxis", "taxis.csv"))
    more = os.path.join(TMP, "more.csv")
    with open(more, "w", encoding="utf-8") as f:
        f.write("\n".join(lines[:-1]) + "\n")
    st, err = publish(more, root2, {"MUNI_LEAFLET_DIR": broken})
    ok(st == 3 and "leaflet.css" in err and read(os.path.join(
        root2, "taxis", "taxis.csv")) == before,
       "Leaflet installed but unreadable: status 3 naming the file, the "
       "publication as it was", "status %d: %s" % (st, err))
    # Data without points: no Leaflet.
    plain = os.path.join(TMP, "plain.csv")
    with open(plain, "w") as f:
        f.write("id,nom\n1,a\n")
    with open(os.path.join(TMP, "plain.json"), "w") as f:
        json.dump({"fields": [{"name": "id", "type": "integer"},
                              {"name": "nom", "type": "string"}]}, f)
    root3 = os.path.join(TMP, "pub3")
    st, err = publish(plain, root3, schema=os.path.join(TMP, "plain.json"))
    ok(st == 0 and not os.path.exists(os.path.join(root3, "taxis",
                                                   "leaflet.js")) and
       "leaflet.js" not in read(os.path.join(root3, "taxis",
                                             "index.html")),
       "data without points: no map, no Leaflet", err)

    wkt_and_geojson()
    browser(root, rows, points, header)


WKT = ["POINT (2.35 48.85)", "POINT Z (2.1 48.1 35)", "point(1 2)",
       "POINT EMPTY", "LINESTRING (0 0,1 1)", "POINT (1e1 4.5e1)",
       "SRID=4326;POINT(5 45)", "POINT ZM (3 44 1 2)", "POINT(200 95)",
       "SRID=2154;POINT(652000 6862000)", "POINT (2 48) trailing", ""]


def points_of(page):
    m = re.search(r'<script type="application/json" id="map-data">(.*?)'
                  r'</script>', page, re.S)
    return {p[2]: (p[0], p[1]) for p in json.loads(m.group(1))["points"]} \
        if m else {}


def wkt_and_geojson():
    """Points in a WKT column (as muni-fetch --geometry wkt writes them)
    read as GDAL's CSV driver reads them; a geojson field's Points."""
    data = os.path.join(TMP, "wkt.csv")
    with open(data, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "geometry"])
        w.writerows([i + 1, g] for i, g in enumerate(WKT))
    sch = os.path.join(TMP, "wkt.json")
    with open(sch, "w") as f:
        json.dump({"fields": [{"name": "id", "type": "integer"},
                              {"name": "geometry", "type": "string"}]}, f)
    root = os.path.join(TMP, "wkt")
    st, err = publish(data, root, schema=sch)
    got = points_of(open(os.path.join(root, "taxis", "index.html"),
                         encoding="utf-8").read()) if st == 0 else {}
    if shutil.which("ogr2ogr"):
        p = subprocess.run(["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", data,
                            "-oo", "GEOM_POSSIBLE_NAMES=geometry", "-oo",
                            "KEEP_GEOM_COLUMNS=NO"], capture_output=True)
        want = {}
        for f in json.loads(p.stdout)["features"]:
            g = f["geometry"]
            if g and g["type"] == "Point" and -180 <= g["coordinates"][0] \
                    <= 180 and -90 <= g["coordinates"][1] <= 90:
                want[int(f["properties"]["id"])] = tuple(
                    g["coordinates"][:2])
        # GDAL reads no EWKT: PostGIS's reading of row 7, SRID 4326; it
        # takes a point from row 11 and ignores the text after: muni
        # takes none from what is not WKT.
        want[7] = (5.0, 45.0)
        want.pop(11, None)
        ok(st == 0 and got == want,
           "a WKT column's points as GDAL's CSV driver reads them (EWKT "
           "of SRID 4326 too; other SRIDs, other geometries, points out "
           "of range and trailing text are no point)",
           "%s / %s %s" % (got, want, err))
    else:
        skip("a WKT column's points", "ogr2ogr (gdal-bin) absent")
    data = os.path.join(TMP, "gj.csv")
    shapes = [{"type": "Point", "coordinates": [4.83, 45.76]},
              {"type": "Point", "coordinates": [-61.5, 16.25, 12]},
              {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
              {"type": "Point", "coordinates": [400, 45]}]
    with open(data, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "forme"])
        w.writerows([i + 1, json.dumps(g)] for i, g in enumerate(shapes))
    with open(sch, "w") as f:
        json.dump({"fields": [{"name": "id", "type": "integer"},
                              {"name": "forme", "type": "geojson"}]}, f)
    root = os.path.join(TMP, "gj")
    st, err = publish(data, root, schema=sch)
    page = open(os.path.join(root, "taxis", "index.html"),
                encoding="utf-8").read() if st == 0 else ""
    ok(points_of(page) == {1: (4.83, 45.76), 2: (-61.5, 16.25)} and
       'data-outside="0"' in page,
       "a geojson field's Points on the map (Guadeloupe in France), "
       "nothing else", err + str(points_of(page)))


if __name__ == "__main__":
    sys.exit(main(run, os.path.join(BIN, "muni-publish"), TMP))
