#!/usr/bin/env python3
"""muni-fetch reading a JSON API's pages, against stand-in servers.

The servers (127.0.0.1, started here) implement the paging rules as the
public documentation of each kind states them, edge cases included:
  - OGC API - Features (/collections/{id}/items, "limit", links with
    rel="next", numberMatched), the last full page linking to an empty one;
  - a "next" URL in the body ({"data": [...], "meta": {"next": ...}}),
    relative, null on the last page;
  - RFC 8288 Link headers (rel="next"), a plain array as the body;
  - page numbers (?page=N) up to an empty page;
  - offsets (CKAN's datastore_search: offset, limit, result.records);
  - a loop (a next link to a page already read), a failing page, a count
    that does not match, a column that first appears on page 2, a bearer
    token required.
Each paged result must be the same CSV, byte for byte, as muni-fetch makes
of one file holding every record (a single request's answer).

usage: api-pages.py   (MUNI_BIN: where the tools are)
"""
import http.server
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import urllib.parse

SRC = os.environ.get("MUNI_SRC") or os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))
BIN = os.environ.get("MUNI_BIN") or SRC
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import ok, plan, skip  # noqa: E402

TMP = tempfile.mkdtemp(prefix="muni-api.")

RECORDS = [{"id": i, "nom": "Lieu %d" % i, "note": None if i % 5 else
            "é\"x", "ok": i % 2 == 0, "montant": "%d.50" % i}
           for i in range(1, 22)]
# page 2 on brings a column of its own
for r in RECORDS[7:]:
    r["tard"] = "t%d" % r["id"]
FEATURES = [{"type": "Feature", "id": r["id"],
             "geometry": {"type": "Point",
                          "coordinates": [4.8 + r["id"] / 100, 45.7]},
             "properties": {k: v for k, v in r.items() if k != "id"}}
            for r in RECORDS]
PAGE = 7
hits = []
# a CKAN resource's file: semicolons, Windows-1252, as exports are
CKAN_FILE = "".join("%d;Lieu %d;%s\r\n" % (r["id"], r["id"], "é" * (
    r["id"] % 2)) for r in RECORDS).encode("cp1252")
CKAN_FILE = b"id;nom;note\r\n" + CKAN_FILE
# an ArcGIS layer: dates in milliseconds since 1970, 8 records a page
ARC_MAX = 7
ARC_DATES = [1704067200000, 1719792000123, -86400000, None, 0]
ARC = [{"type": "Feature", "id": i,
        "geometry": {"type": "Point", "coordinates": [2.3 + i / 100, 48.8]},
        "properties": {"OBJECTID": i, "nom": "Borne %d" % i,
                       "date_pose": ARC_DATES[i % 5], "puissance": 22}}
       for i in range(1, 15)]


def iso(ms):
    """What muni-fetch writes for an ArcGIS date."""
    import datetime
    if ms is None:
        return None
    t = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + \
        datetime.timedelta(milliseconds=ms)
    s = t.strftime("%Y-%m-%dT%H:%M:%S")
    return s + (".%03d" % (ms % 1000) if ms % 1000 else "") + "Z"




class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, body, code=200, headers=()):
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        hits.append(self.path)
        base = "http://127.0.0.1:%d" % self.server.server_port
        if u.path == "/ogc/collections/lieux/items":
            limit = int(q.get("limit", PAGE))
            offset = int(q.get("offset", 0))
            page = FEATURES[offset:offset + limit]
            links = [{"rel": "self", "href": base + self.path}]
            # a next link while the page is full: the last full page
            # links to an empty one
            if len(page) == limit:
                links.append({"rel": "next", "type": "application/geo+json",
                              "href": "%s%s?limit=%d&offset=%d" % (
                                  base, u.path, limit, offset + limit)})
            matched = int(q.get("matched", len(FEATURES)))
            return self.answer({"type": "FeatureCollection", "links": links,
                                "numberMatched": matched,
                                "numberReturned": len(page),
                                "features": page})
        if u.path == "/next":
            at = int(q.get("cursor", 0))
            page = RECORDS[at:at + PAGE]
            nxt = "next?cursor=%d" % (at + PAGE) if at + PAGE < len(
                RECORDS) else None
            return self.answer({"meta": {"next": nxt, "count": len(page)},
                                "data": page})
        if u.path == "/link":
            p = int(q.get("p", 1))
            page = RECORDS[(p - 1) * PAGE:p * PAGE]
            hdr = []
            if p * PAGE < len(RECORDS):
                hdr = [("Link", '<%s/link?p=1>; rel="first", <%s/link?p=%d>;'
                        ' rel="next"' % (base, base, p + 1))]
            return self.answer(page, headers=hdr)
        if u.path == "/pages":
            p = int(q.get("page", 1))
            return self.answer({"results": RECORDS[(p - 1) * PAGE:p * PAGE],
                                "page": p})
        if u.path == "/api/explore/v2.1/catalog/datasets/lieux/records":
            return self.answer({"total_count": len(RECORDS),
                                "results": RECORDS[:10]})
        if u.path == "/api/explore/v2.1/catalog/datasets/lieux/exports/json":
            if "limit" in q or "offset" in q:
                return self.answer({"error": "no paging here"}, code=400)
            keep = [r for r in RECORDS if q.get("where") != "ok" or r["ok"]]
            return self.answer(keep)
        if u.path == "/data/api/3/action/datastore_search" and \
                q.get("resource_id", "").startswith("nods"):
            # a resource the datastore does not hold
            return self.answer({"success": False, "error": {
                "__type": "Not Found Error", "message": "Not found: "
                "Resource \"%s\" was not found." % q["resource_id"]}},
                code=404)
        if u.path == "/data/api/3/action/resource_show":
            if q.get("id") != "nods-1":
                return self.answer({"success": False, "error": {
                    "__type": "Not Found Error", "message": "Not found"}},
                    code=404)
            return self.answer({"success": True, "result": {
                "id": "nods-1", "datastore_active": False,
                "url": base + "/files/lieux.csv"}})
        if u.path == "/files/lieux.csv":
            data = CKAN_FILE
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if u.path in ("/ckan/datastore_search",
                      "/data/api/3/action/datastore_search"):
            limit = int(q.get("limit", 100))
            offset = int(q.get("offset", 0))
            recs = [dict(r, _id=i + 1) for i, r in enumerate(RECORDS)]
            result = {"records": recs[offset:offset + limit],
                      "total": int(q.get("total", len(recs)))}
            if "estimated" in q:
                result["total_was_estimated"] = True
            return self.answer({"success": True, "result": result})
        if u.path == "/arcgis/rest/services/bornes/FeatureServer/0":
            return self.answer({"name": "bornes", "maxRecordCount": ARC_MAX,
                                "fields": [
                                    {"name": "OBJECTID",
                                     "type": "esriFieldTypeOID"},
                                    {"name": "nom", "type":
                                     "esriFieldTypeString"},
                                    {"name": "date_pose",
                                     "type": "esriFieldTypeDate"}]})
        if u.path == "/arcgis/rest/services/bornes/FeatureServer/0/query":
            if q.get("f") != "geojson" or q.get("where") != "1=1" or \
                    q.get("outFields") != "*":
                return self.answer({"error": {"code": 400,
                                              "message": "bad query"}})
            offset = int(q.get("resultOffset", 0))
            count = int(q.get("resultRecordCount", 1000))
            page = ARC[offset:offset + count]
            # true on a full page, the last included: its next is empty
            body = {"type": "FeatureCollection", "features": page}
            if len(page) == count:
                body["properties"] = {"exceededTransferLimit": True}
            return self.answer(body)
        if u.path == "/arcgis/rest/services/broken/MapServer/3":
            return self.answer({"error": {"code": 499,
                                          "message": "Token Required"}})
        if u.path == "/loop":
            return self.answer({"data": RECORDS[:3], "next": "/loop"})
        if u.path == "/fail":
            p = int(q.get("p", 1))
            if p == 3:
                return self.answer({"error": "boom"}, code=500)
            return self.answer({"data": RECORDS[:2], "next": "/fail?p=%d" % (
                p + 1)})
        if u.path == "/auth":
            if self.headers.get("Authorization") != "Bearer s3cret":
                return self.answer({"error": "unauthorized"}, code=401)
            return self.answer({"data": RECORDS[:2], "next": None})
        self.answer({"error": "not found"}, code=404)


def fetch(*args, env=None):
    p = subprocess.run([os.path.join(BIN, "muni-fetch")] + list(args),
                       capture_output=True, cwd=TMP,
                       env=dict(os.environ, LC_ALL="C.UTF-8", **(env or {})))
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def single(records, geojson=False):
    """muni-fetch's CSV of one file holding every record."""
    path = os.path.join(TMP, "whole.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": records}
                  if geojson else records, f, ensure_ascii=False)
    status, out, err = fetch(path)
    assert status == 0, err
    return out


def main():
    if not os.path.exists(os.path.join(BIN, "muni-fetch")):
        print("1..0 # SKIP muni-fetch is not built")
        return 0
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % srv.server_port
    try:
        run(base)
    finally:
        srv.shutdown()
        shutil.rmtree(TMP, ignore_errors=True)
    return plan()


# muni-fetch(1)'s EXAMPLES, run as they are written ($URL: the server).
EXAMPLES = [
    ("muni fetch $URL/ogc/collections/lieux/items > lieux.csv", "geo"),
    ("muni fetch --next meta.next $URL/next > lieux.csv", "whole"),
    ("muni fetch --header-file jeton --next next $URL/auth > lieux.csv",
     "auth"),
    ("muni fetch $URL/arcgis/rest/services/bornes/FeatureServer/0 > bornes.csv",  # noqa: E501
     "arcgis"),
    ('muni fetch "$URL/api/explore/v2.1/catalog/datasets/lieux/records?where=ok" > lieux.csv',  # noqa: E501
     "ods"),
    # one string each, as man-examples.py looks for them
    ("muni fetch --offset-param offset --limit 10 --records result.records $URL/ckan/datastore_search > lieux.csv",  # noqa: E501
     "ckan"),
]


def examples(base, want):
    with open(os.path.join(TMP, "jeton"), "w") as f:
        f.write("Authorization: Bearer s3cret\n")
    os.chmod(os.path.join(TMP, "jeton"), 0o600)
    env = dict(os.environ, URL=base, PATH=BIN + os.pathsep +
               os.environ.get("PATH", ""), LC_ALL="C.UTF-8")
    for cmd, what in EXAMPLES:
        p = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=TMP,
                           env=env, capture_output=True)
        with open(os.path.join(TMP, cmd.split("> ")[-1]), "rb") as f:
            got = f.read()
        ok(p.returncode == 0 and got == want[what],
           "muni-fetch(1) example: " + cmd, p.stderr.decode())


def run(base):
    whole = single(RECORDS)
    geo = single(FEATURES, geojson=True)

    # OGC API - Features: recognised from the URL, links followed
    del hits[:]
    status, out, err = fetch("-p", "prov.json",
                             base + "/ogc/collections/lieux/items?limit=7")
    ok(status == 0 and out == geo,
       "OGC API - Features: 4 pages of 7 read by their next links into the "
       "CSV of one answer", err or out.decode()[:500])
    ok(len(hits) == 4, "OGC API - Features: the empty page the last full "
       "one links to is read, and nothing after (%d requests)" % len(hits),
       "\n".join(hits))
    ok("column 'tard' first appears in page 2" in err,
       "a column first seen on page 2 is a warning", err)
    prov = json.load(open(os.path.join(TMP, "prov.json")))
    fetch("-p", "prov1.json", os.path.join(TMP, "whole.json"))
    prov1 = json.load(open(os.path.join(TMP, "prov1.json")))
    ok(prov.get("api") == {"paging": "links", "pages": 4,
                           "number_matched": 21} and
       prov["records"] == prov1["records"] and "api" not in prov1,
       "the provenance records the paging, the pages and numberMatched",
       json.dumps(prov))
    status, out, err = fetch("--geometry", "wkt", base +
                             "/ogc/collections/lieux/items?limit=5")
    status1, out1, err1 = fetch("--geometry", "wkt",
                                os.path.join(TMP, "whole.json"))
    ok(status == 0 and out == out1 and b"POINT" in out,
       "OGC API - Features with --geometry wkt: the same as one answer", err)

    status, out, err = fetch(base + "/ogc/collections/lieux/items?limit=7&"
                             "matched=30")
    ok(status == 1 and not out and "said 30 records match" in err and
       "21 came" in err, "a count that is not numberMatched is status 1, "
       "both numbers said, nothing written", err)

    # Progress on a terminal: the page and the records, of numberMatched.
    if shutil.which("script"):
        cmd = "MUNI_TEST_PROGRESS=1 '%s' '%s' >/dev/null" % (
            os.path.join(BIN, "muni-fetch"),
            base + "/ogc/collections/lieux/items?limit=7")
        p = subprocess.run(["script", "-qec", cmd, "/dev/null"],
                           capture_output=True, stdin=subprocess.DEVNULL,
                           env=dict(os.environ, LC_ALL="C.UTF-8"))
        raw = p.stdout.decode(errors="replace")
        lines = raw.replace("\r", "\n").split("\n")
        ok(p.returncode == 0 and
           "muni-fetch: page 2, 14 records of 21\x1b[K" in lines and
           "muni-fetch: page 4, 21 records of 21\x1b[K" in lines and
           raw.endswith("\r\x1b[K"),
           "on a terminal, a progress line: the page, the records of "
           "numberMatched, cleared at the end", repr(raw[-600:]))
    else:
        skip("progress on a terminal", "script(1) is not installed")

    single(RECORDS)
    status, out, err = fetch("--next", "meta.next", base + "/next")
    ok(status == 0 and out == whole, "--next meta.next: relative next URLs "
       "followed to a null one", err or out.decode()[:300])

    fetch("--state", "state.db", "--next", "meta.next", base + "/next")
    status, out, err = fetch("--state", "state.db", "--next", "meta.next",
                             base + "/next")
    ok(status == 5 and not out, "--state: the same pages again are status "
       "5, nothing written", err)

    status, out, err = fetch("--paged", base + "/link")
    ok(status == 0 and out == whole, "--paged: RFC 8288 Link headers with "
       "rel=\"next\" among other relations", err or out.decode()[:300])

    del hits[:]
    status, out, err = fetch("--page-param", "page", base + "/pages")
    ok(status == 0 and out == whole and len(hits) == 4,
       "--page-param page: pages 1 to 3, then the empty page 4 ends",
       err or "\n".join(hits))

    ckan = [dict(r, _id=i + 1) for i, r in enumerate(RECORDS)]
    want = single(ckan)
    del hits[:]
    status, out, err = fetch("--offset-param", "offset", "--limit", "10",
                             "--records", "result.records",
                             base + "/ckan/datastore_search?resource_id=x")
    ok(status == 0 and out == want and len(hits) == 3 and
       all("limit=10" in h and "resource_id=x" in h for h in hits),
       "--offset-param offset --limit 10 (CKAN): 10, 10, then 1 record "
       "end it", err or "\n".join(hits))

    del hits[:]
    status, out, err = fetch(base + "/data/api/3/action/datastore_search?"
                             "resource_id=x")
    ok(status == 0 and out == whole and len(hits) == 1 and
       "limit=1000" in hits[0] and "offset=0" in hits[0],
       "CKAN's datastore_search recognised: by offsets of 1000, "
       "result.records, its _id dropped", err or "\n".join(hits))

    # CKAN: a resource the datastore does not hold is read from its file.
    with open(os.path.join(TMP, "lieux.csv"), "wb") as f:
        f.write(CKAN_FILE)
    _, want_file, _ = fetch(os.path.join(TMP, "lieux.csv"))
    status, out, err = fetch("-p", "res.json", base + "/data/api/3/action/"
                             "datastore_search?resource_id=nods-1")
    prov = json.load(open(os.path.join(TMP, "res.json"))) if status == 0 \
        else {}
    ok(status == 0 and out == want_file and prov.get("api", {}).get(
        "resource") == base + "/files/lieux.csv" and
       prov.get("encoding") == "WINDOWS-1252",
       "CKAN: a resource not in the datastore (404) is read from the file "
       "resource_show names, as that file would be", err +
       json.dumps(prov))
    status, out, err = fetch("--retries", "0", base + "/data/api/3/action/"
                             "datastore_search?resource_id=nods-2")
    ok(status == 3 and not out and "HTTP 404" in err and
       "datastore_search" in err, "CKAN: a resource resource_show does "
       "not know either: the datastore's 404, status 3", err)

    # CKAN's result.total is checked as numberMatched is.
    ckan_url = base + "/data/api/3/action/datastore_search?resource_id=x"
    status, out, err = fetch(ckan_url + "&total=30")
    ok(status == 1 and not out and "the server said 30 records match "
       "(result.total), 21 came in 1 pages" in err,
       "CKAN: a result.total that is not the records received is status 1, "
       "nothing written", err)
    status, out, err = fetch(ckan_url + "&total=30&estimated=1")
    ok(status == 0 and out == whole, "CKAN: an estimated total "
       "(result.total_was_estimated) is not checked", err)
    status, out, err = fetch(ckan_url + "&offset=5")
    status1, out1, _ = fetch(ckan_url + "&offset=5&total=22")
    ok(status == 0 and out == single(RECORDS[5:]) and status1 == 1 and
       "16 came in 1 pages from offset 5" in _,
       "CKAN from offset 5: the 16 records after it match the total, "
       "another total is refused", err + _)

    del hits[:]
    status, out, err = fetch("-p", "ods.json", base + "/api/explore/v2.1/"
                             "catalog/datasets/lieux/records?limit=10&"
                             "where=ok&offset=0")
    prov = json.load(open(os.path.join(TMP, "ods.json")))
    ok(status == 0 and out == single([r for r in RECORDS if r["ok"]]) and
       hits == ["/api/explore/v2.1/catalog/datasets/lieux/exports/json?"
                "where=ok"] and "exports/json" in prov["source"],
       "Opendatasoft: a dataset's records read from its JSON export, "
       "where kept, limit and offset dropped", err or "\n".join(hits))

    status, out, err = fetch("--next", "next", base + "/loop")
    ok(status == 1 and not out and "loops" in err,
       "a next link to a page already read is refused, status 1", err)

    status, out, err = fetch("--next", "next", "--retries", "0",
                             base + "/fail")
    ok(status == 3 and not out and "page 3" in err and "HTTP 500" in err,
       "a server error on page 3 is status 3, nothing written", err)

    status, out, err = fetch("--next", "meta.next", "--max-download", "1500",
                             base + "/next")
    ok(status == 3 and not out and "--max-download" in err and
       "page 3" in err, "--max-download bounds the pages in all, not each "
       "alone: status 3 at page 3, nothing written", err)

    status, out, err = fetch("--page-param", "page", "--max-pages", "2",
                             base + "/pages")
    ok(status == 1 and not out and "--max-pages" in err,
       "more pages than --max-pages is status 1, nothing written", err)

    hf = os.path.join(TMP, "headers")
    with open(hf, "w") as f:
        f.write("# the portal's token\nAuthorization: Bearer s3cret\n")
    os.chmod(hf, 0o644)
    status, out, err = fetch("--header-file", hf, "--next", "next",
                             "-p", "p2.json", base + "/auth")
    ok(status == 2 and not out and "chmod 600" in err and "s3cret" not in err,
       "a header file others can read is refused, the token not shown", err)
    os.chmod(hf, stat.S_IRUSR | stat.S_IWUSR)
    status, out, err = fetch("--header-file", hf, "--next", "next",
                             "-p", "p2.json",
                             base.replace("://", "://user:pw@") + "/auth")
    prov = open(os.path.join(TMP, "p2.json")).read()
    ok(status == 0 and out == single(RECORDS[:2]) and "s3cret" not in prov
       and "user" not in prov and "pw@" not in prov,
       "--header-file sends the token; neither it nor the URL's "
       "credentials are in the provenance", err + prov)
    status, out, err = fetch("--next", "next", base + "/auth")
    ok(status == 3 and not out and "401" in err,
       "without the token: HTTP 401, status 3", err)

    arc = [dict(f, properties=dict(f["properties"], date_pose=iso(
        f["properties"]["date_pose"]))) for f in ARC]
    want_arc = single(arc, geojson=True)
    del hits[:]
    status, out, err = fetch("-p", "arc.json", base +
                             "/arcgis/rest/services/bornes/FeatureServer/0")
    prov = json.load(open(os.path.join(TMP, "arc.json")))
    ok(status == 0 and out == want_arc and len(hits) == 4 and
       prov["api"]["paging"] == "arcgis" and prov["api"]["pages"] == 3,
       "ArcGIS layer: its description, then pages of its maxRecordCount "
       "while exceededTransferLimit, the empty last one included; dates "
       "as ISO 8601", err + "\n".join(hits) + out.decode()[:400])
    status, out, err = fetch(base + "/arcgis/rest/services/bornes/"
                             "FeatureServer/0/query?where=1%3D1")
    ok(status == 0 and out == want_arc, "ArcGIS: the layer's /query URL "
       "is recognised too, the user's where kept", err)
    del hits[:]
    status, out, err = fetch("--bbox", "-1.5,43,7.25,49.5",
                             base + "/arcgis/rest/services/bornes/"
                             "FeatureServer/0")
    ok(status == 0 and all("geometry=-1.5%2c43%2c7.25%2c49.5" in h.lower() and
                           "geometrytype=esrigeometryenvelope" in h.lower() and
                           "insr=4326" in h.lower() for h in hits[1:]) and
       len(hits) == 4, "--bbox: ArcGIS's envelope in WGS 84 on every page",
       err + "\n".join(hits))
    status, out, err = fetch(base + "/arcgis/rest/services/broken/"
                             "MapServer/3")
    ok(status == 3 and not out and "Token Required" in err,
       "ArcGIS: the server's error is said, status 3", err)
    status, out, err = fetch("--api", "none", base +
                             "/arcgis/rest/services/bornes/FeatureServer/0")
    ok(status == 0 and out.startswith(b"name,type\n") and
       b"esriFieldTypeDate" in out,
       "--api none: one request, the layer's description read as it is "
       "(its fields are the first array)", err + out.decode())

    examples(base, {"geo": geo, "whole": whole, "auth": single(RECORDS[:2]),
                    "ckan": want, "arcgis": want_arc,
                    "ods": single([r for r in RECORDS if r["ok"]])})

    for args, what in ((["--limit", "5", base + "/pages"],
                        "--limit without --offset-param"),
                       (["--paged", "--next", "x", base + "/next"],
                        "two ways of paging"),
                       (["--paged", "local.json"], "paging a local file"),
                       (["--paged", "-f", "csv", base + "/link"],
                        "paging a CSV"),
                       (["--api", "gml", base + "/link"], "an unknown --api"),
                       (["--api", "none", "--paged", base + "/link"],
                        "--api none with paging"),
                       (["--bbox", "2,48,3", base + "/ogc/collections/lieux/"
                         "items"], "a --bbox of three numbers"),
                       (["--bbox", "3,48,2,49", base + "/ogc/collections/"
                         "lieux/items"], "a --bbox whose min is past its max"),
                       (["--bbox", "2,48,3,49", "--next", "n", base + "/next"],
                        "--bbox with --next")):
        status, out, err = fetch(*args)
        ok(status == 2 and not out and "usage" in err,
           f"{what} is a usage error (status 2)", err)


if __name__ == "__main__":
    sys.exit(main())
