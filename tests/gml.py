#!/usr/bin/env python3
"""muni-fetch reading a WFS's GML, against GDAL's GML driver.

A stand-in WFS (127.0.0.1, started here) offers GML 3.2 alone and serves,
for each TYPENAMES, one of the documents below: the geometries of GML's
simple features as servers write them (MapServer, GeoServer, QGIS Server,
deegree: Curve of segments, Surface of patches, MultiCurve, MultiPoint,
MultiGeometry, srsDimension 3, GML 2's coordinates, srsName in every
form). GDAL's GML driver (ogr2ogr, an outside reader) reads the same
document from a file: the two must agree on every attribute and every
coordinate. Then the documents that must be refused (an exception report,
an answer cut short, a complex feature, an arc, an unknown srsName...):
status 1 or 3, a message naming the problem, nothing written.

usage: gml.py   (MUNI_BIN: where the tools are)
"""
import csv
import http.server
import io
import json
import os
import re
import shutil
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

TMP = tempfile.mkdtemp(prefix="muni-gml.")

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" '
        'xmlns:gml="http://www.opengis.net/gml/3.2" '
        'xmlns:app="http://example.org/app" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'numberMatched="%d" numberReturned="%d">\n')
TAIL = '</wfs:FeatureCollection>\n'
URN = 'urn:ogc:def:crs:EPSG::4326'


def member(fid, props, geom=None, gname="geom"):
    body = "".join("<app:%s>%s</app:%s>" % (k, v, k) for k, v in props)
    if geom is not None:
        body = "<app:%s>%s</app:%s>" % (gname, geom, gname) + body
    return ('<wfs:member><app:lieu gml:id="lieu.%s">%s</app:lieu>'
            '</wfs:member>\n' % (fid, body))


def doc(members):
    return HEAD % (len(members), len(members)) + "".join(members) + TAIL


# Documents GDAL and muni-fetch must read alike (name: GML).
GOOD = {
    # points, latitude first as urn:ogc:def:crs:EPSG::4326 says
    "points": doc([member(
        i, [("code", "P%d" % i), ("nom", "Lieu &lt;%d&gt; &amp; fils" % i)],
        '<gml:Point gml:id="p%d" srsName="%s"><gml:pos>48.%d 2.%d'
        '</gml:pos></gml:Point>' % (i, URN, 800 + i, 300 + 7 * i))
        for i in range(1, 6)]),
    # lines: a LineString by posList, one by pos, a Curve of two segments
    "lines": doc([
        member(1, [("code", "L1")],
               '<gml:LineString srsName="%s"><gml:posList>48.1 2.1 48.2 '
               '2.2 48.3 2.25</gml:posList></gml:LineString>' % URN),
        member(2, [("code", "L2")],
               '<gml:LineString srsName="%s"><gml:pos>48.1 2.1</gml:pos>'
               '<gml:pos>48.15 2.3</gml:pos></gml:LineString>' % URN),
        member(3, [("code", "L3")],
               '<gml:Curve srsName="%s"><gml:segments><gml:LineStringSegment>'
               '<gml:posList>48.0 2.0 48.1 2.1</gml:posList>'
               '</gml:LineStringSegment><gml:LineStringSegment><gml:posList>'
               '48.1 2.1 48.2 2.15</gml:posList></gml:LineStringSegment>'
               '</gml:segments></gml:Curve>' % URN),
    ]),
    # polygons: a hole, a Surface of one patch, MultiSurface, MultiCurve,
    # MultiPoint; Lambert-93 (easting first), srsDimension 3
    "zones": doc([
        member(1, [("code", "Z1")],
               '<gml:Polygon srsName="urn:ogc:def:crs:EPSG::2154">'
               '<gml:exterior><gml:LinearRing><gml:posList srsDimension="3">'
               '650000 6860000 35 651000 6860000 35 651000 6861000 36 '
               '650000 6860000 35</gml:posList></gml:LinearRing>'
               '</gml:exterior><gml:interior><gml:LinearRing><gml:posList>'
               '650100 6860100 650200 6860100 650200 6860200 650100 6860100'
               '</gml:posList></gml:LinearRing></gml:interior>'
               '</gml:Polygon>'),
        member(2, [("code", "Z2")],
               '<gml:Surface srsName="http://www.opengis.net/def/crs/EPSG/0/'
               '2154"><gml:patches><gml:PolygonPatch><gml:exterior>'
               '<gml:LinearRing><gml:posList>652000 6862000 653000 6862000 '
               '653000 6863000.5 652000 6862000</gml:posList>'
               '</gml:LinearRing></gml:exterior></gml:PolygonPatch>'
               '</gml:patches></gml:Surface>'),
        member(3, [("code", "Z3")],
               '<gml:MultiSurface srsName="EPSG:2154"><gml:surfaceMember>'
               '<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>'
               '654000 6864000 655000 6864000 655000 6865000.25 654000 '
               '6864000</gml:posList></gml:LinearRing>'
               '</gml:exterior></gml:Polygon></gml:surfaceMember>'
               '<gml:surfaceMember><gml:Polygon><gml:exterior>'
               '<gml:LinearRing><gml:posList>656000 6864000 657000 6864000 '
               '657000 6865000 656000 6864000'
               '</gml:posList></gml:LinearRing></gml:exterior>'
               '</gml:Polygon></gml:surfaceMember></gml:MultiSurface>'),
    ]),
    "multi": doc([
        member(1, [("code", "M1")],
               '<gml:MultiCurve srsName="EPSG:2154"><gml:curveMember>'
               '<gml:LineString><gml:posList>1 2 3 4</gml:posList>'
               '</gml:LineString></gml:curveMember><gml:curveMember>'
               '<gml:LineString><gml:posList>5 6 7 8.25</gml:posList>'
               '</gml:LineString></gml:curveMember></gml:MultiCurve>'),
        member(2, [("code", "M2")],
               '<gml:MultiPoint srsName="EPSG:2154"><gml:pointMember>'
               '<gml:Point><gml:pos>1 2</gml:pos></gml:Point>'
               '</gml:pointMember><gml:pointMember><gml:Point><gml:pos>'
               '3.5 -4</gml:pos></gml:Point></gml:pointMember>'
               '</gml:MultiPoint>'),
    ]),
    # GML 2 (WFS 1.0): featureMember, coordinates, outerBoundaryIs
    "gml2": ('<?xml version="1.0"?>\n<wfs:FeatureCollection '
             'xmlns:wfs="http://www.opengis.net/wfs" '
             'xmlns:gml="http://www.opengis.net/gml" '
             'xmlns:app="http://example.org/app">\n' + "".join(
                 '<gml:featureMember><app:lieu fid="lieu.%d"><app:geom>'
                 '<gml:Polygon srsName="EPSG:2154"><gml:outerBoundaryIs>'
                 '<gml:LinearRing><gml:coordinates>%d,2 %d,4 5,%d %d,2'
                 '</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs>'
                 '</gml:Polygon></app:geom><app:code>G%d</app:code>'
                 '</app:lieu></gml:featureMember>\n' % (i, i, i + 1, 6 + i,
                                                        i, i)
                 for i in range(1, 4)) + '</wfs:FeatureCollection>\n'),
}

# Documents to refuse: (name, GML, status, what the message says).
NS = HEAD % (1, 1)
BAD = [
    ("exception", '<?xml version="1.0"?><ows:ExceptionReport xmlns:ows='
     '"http://www.opengis.net/ows/1.1"><ows:Exception exceptionCode="'
     'InvalidParameterValue"><ows:ExceptionText>Unknown type lieux'
     '</ows:ExceptionText></ows:Exception></ows:ExceptionReport>', 3,
     "exception: Unknown type lieux"),
    ("truncated", NS + member(1, [("code", "A")]) +
     '<wfs:truncatedResponse><wfs:Reason>too many</wfs:Reason>'
     '</wfs:truncatedResponse>' + TAIL, 1, "cut its answer short"),
    ("complex", NS + '<wfs:member><app:lieu><app:adresse><app:rue>x'
     '</app:rue></app:adresse></app:lieu></wfs:member>' + TAIL, 1,
     "the property adresse holds elements that are not a geometry"),
    ("arc", NS + member(1, [("code", "A")],
                        '<gml:Curve srsName="EPSG:2154"><gml:segments>'
                        '<gml:Arc><gml:posList>0 0 1 1 2 0</gml:posList>'
                        '</gml:Arc></gml:segments></gml:Curve>') + TAIL, 1,
     "the GML element Arc is not read"),
    ("srs", NS + member(1, [("code", "A")],
                        '<gml:Point srsName="urn:ogc:def:crs:IGNF::LAMB93">'
                        '<gml:pos>1 2</gml:pos></gml:Point>') + TAIL, 1,
     "srsName 'urn:ogc:def:crs:IGNF::LAMB93' is not an EPSG code"),
    ("number", NS + member(1, [("code", "A")],
                           '<gml:Point srsName="EPSG:2154"><gml:pos>1 NaN'
                           '</gml:pos></gml:Point>') + TAIL, 1,
     "'NaN' is not a coordinate"),
    ("odd", NS + member(1, [("code", "A")],
                        '<gml:LineString srsName="EPSG:2154"><gml:posList>'
                        '1 2 3</gml:posList></gml:LineString>') + TAIL, 1,
     "a position has fewer than srsDimension (2) numbers"),
    ("two-crs", HEAD % (2, 2) + member(1, [("code", "A")],
                                       '<gml:Point srsName="EPSG:2154">'
                                       '<gml:pos>1 2</gml:pos></gml:Point>')
     + member(2, [("code", "B")], '<gml:Point srsName="EPSG:3857">'
              '<gml:pos>1 2</gml:pos></gml:Point>') + TAIL, 1,
     "features in two CRSs"),
    ("not-xml", "{\"type\": \"FeatureCollection\"}", 1, ""),
]
DOCS = dict(GOOD)
DOCS.update({name: text for name, text, _, _ in BAD})

CAPS = ('<?xml version="1.0"?><wfs:WFS_Capabilities version="2.0.0" '
        'xmlns:wfs="http://www.opengis.net/wfs/2.0" '
        'xmlns:ows="http://www.opengis.net/ows/1.1"><ows:OperationsMetadata>'
        '<ows:Operation name="GetFeature"><ows:Parameter name="outputFormat">'
        '<ows:AllowedValues><ows:Value>application/gml+xml; version=3.2'
        '</ows:Value><ows:Value>text/xml; subtype=gml/3.1.1</ows:Value>'
        '</ows:AllowedValues></ows:Parameter></ows:Operation>'
        '</ows:OperationsMetadata></wfs:WFS_Capabilities>')
asked = []


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        q = {k.upper(): v for k, v in urllib.parse.parse_qsl(
            urllib.parse.urlparse(self.path).query)}
        asked.append(q)
        if q.get("REQUEST") == "GetCapabilities":
            body = CAPS
        elif q.get("REQUEST") == "GetFeature" and q.get("TYPENAMES") in DOCS:
            body = DOCS[q["TYPENAMES"]]
        else:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/gml+xml; version=3.2")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def fetch(*args):
    p = subprocess.run([os.path.join(BIN, "muni-fetch")] + list(args),
                       capture_output=True, cwd=TMP,
                       env=dict(os.environ, LC_ALL="C.UTF-8"))
    return p.returncode, p.stdout.decode(), p.stderr.decode(errors="replace")


def numbers(wkt):
    return [float(x) for x in re.findall(r"-?[0-9.]+(?:[eE][-+]?[0-9]+)?",
                                         wkt)]


def shape(wkt):
    return re.sub(r"-?[0-9.]+(?:[eE][-+]?[0-9]+)?", "n", wkt).replace(" ", "")


def gdal(name):
    """GDAL's GML driver's rows of the document: {code: (WKT, row)}."""
    path = os.path.join(TMP, name + ".gml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(DOCS[name])
    out = os.path.join(TMP, name + ".csv")
    p = subprocess.run(["ogr2ogr", "-f", "CSV", "-lco", "GEOMETRY=AS_WKT",
                        "-dim", "XY", out, path], capture_output=True,
                       env=dict(os.environ, GML_SKIP_RESOLVE_ELEMS="ALL"))
    if p.returncode != 0:
        return None, p.stderr.decode(errors="replace")
    with open(out, newline="", encoding="utf-8") as f:
        return {r["code"]: r for r in csv.DictReader(f)}, ""


def run(base):
    wfs = base + "/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature"
    for name in GOOD:
        status, out, err = fetch("--geometry", "wkt", wfs + "&TYPENAMES=" +
                                 name)
        mine = {r["code"]: r for r in csv.DictReader(io.StringIO(out))}
        ref, why = gdal(name)
        if ref is None:
            skip("GML '%s': the same rows as GDAL's GML driver" % name, why)
            continue
        bad = []
        if status != 0 or sorted(mine) != sorted(ref):
            bad.append("status %d, codes %s / %s: %s" % (
                status, sorted(mine), sorted(ref), err))
        for code in sorted(set(mine) & set(ref)):
            a, b = mine[code], ref[code]
            for k in a:
                if k != "geometry" and a[k] != b.get(k, ""):
                    bad.append("%s: %s %r / %r" % (code, k, a[k], b.get(k)))
            ga, gb = a["geometry"], b["WKT"]
            xa, xb = numbers(ga), numbers(gb)
            if shape(ga) != shape(gb) or len(xa) != len(xb) or any(
                    abs(p - q) > 1e-9 for p, q in zip(xa, xb)):
                bad.append("%s: %s / %s" % (code, ga, gb))
        ok(not bad, "GML '%s': the same rows as GDAL's GML driver" % name,
           "\n".join(bad))

    # Asked of the server: GML 3.2 by its capabilities, in pages.
    fmt = [q.get("OUTPUTFORMAT") for q in asked if q.get("REQUEST") ==
           "GetFeature"]
    ok(fmt and all(f == "application/gml+xml; version=3.2" for f in fmt),
       "GetFeature asks the capabilities' GML 3.2", fmt[:3])

    # Properties: xsi:nil, a repeated one, a second geometry.
    DOCS["props"] = doc([member(1, [
        ("code", "A"), ("vide", ""), ("tel", "01"), ("tel", "02")],
        '<gml:Point srsName="EPSG:2154"><gml:pos>1 2</gml:pos></gml:Point>') +
        '<wfs:member><app:lieu><app:code xsi:nil="true"/><app:autre>'
        '<gml:Point srsName="EPSG:2154"><gml:pos>5 6</gml:pos></gml:Point>'
        '</app:autre></app:lieu></wfs:member>'])
    DOCS["props"] = DOCS["props"].replace(
        'numberMatched="1" numberReturned="1"',
        'numberMatched="2" numberReturned="2"')
    status, out, err = fetch(wfs + "&TYPENAMES=props")
    want = ('code,vide,tel,autre,geometry\r\n'
            'A,,"[""01"",""02""]",,"{""type"":""Point"",""coordinates"":'
            '[1,2]}"\r\n'
            ',,,"{""type"":""Point"",""coordinates"":[5,6]}",\r\n')
    ok(status == 0 and out.replace("\r\n", "\n") == want.replace(
        "\r\n", "\n"), "properties: xsi:nil empty, a repeated one an array, "
       "a geometry past the first a property", out + err)

    # --to-wgs84 from Lambert-93 (urn:...:EPSG::2154, easting first).
    status, out, err = fetch("--to-wgs84", "--geometry", "lonlat",
                             "-p", "prov.json", wfs + "&TYPENAMES=zones")
    ok(status == 0 and "feature 1 is not a point" in err,
       "--to-wgs84 --geometry lonlat on polygons: the warning", err)
    status, out, err = fetch("--to-wgs84", "--geometry", "centroid",
                             "-p", "prov.json", wfs + "&TYPENAMES=zones")
    rows = list(csv.DictReader(io.StringIO(out)))
    prov = json.load(open(os.path.join(TMP, "prov.json"))) if status == 0 \
        else {}
    ok(status == 0 and rows and 2.0 < float(rows[0]["longitude"]) < 3.0 and
       48.0 < float(rows[0]["latitude"]) < 49.5 and
       prov.get("crs") == "EPSG:2154" and
       prov.get("reprojected_to") == "EPSG:4326",
       "--to-wgs84 --geometry centroid: degrees in France, provenance "
       "names EPSG:2154 and EPSG:4326", out + err + json.dumps(prov))
    status, out, err = fetch("--geometry", "centroid", wfs +
                             "&TYPENAMES=zones")
    ok(status == 0 and out.startswith("code,x,y"),
       "Lambert-93 kept: the centroid's columns are x and y", out + err)
    status, out, err = fetch("--crs", "EPSG:2154", wfs + "&TYPENAMES=zones"
                             "&OUTPUTFORMAT=application/json")
    ok(status == 2 and "leave OUTPUTFORMAT out" in err and out == "",
       "--crs with an OUTPUTFORMAT that is not GML: status 2", err)
    status, out, err = fetch("--crs", "2154", wfs + "&TYPENAMES=zones")
    ok(status == 2 and "EPSG:NNNN" in err and out == "",
       "--crs not written EPSG:NNNN: status 2", err)

    for name, _, want_status, says in BAD:
        status, out, err = fetch(wfs + "&TYPENAMES=" + name)
        ok(status == want_status and out == "" and says in err and
           "line" in err if name != "exception" and name != "not-xml"
           else status == want_status and out == "" and says in err,
           "refused: %s (status %d, nothing written)" % (name, want_status),
           "status %d: %s" % (status, err))


def main():
    if not os.path.exists(os.path.join(BIN, "muni-fetch")):
        print("1..0 # SKIP muni-fetch is not built")
        return 0
    if shutil.which("ogr2ogr") is None:
        print("1..0 # SKIP ogr2ogr (gdal-bin) is not installed")
        return 0
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        run("http://127.0.0.1:%d" % srv.server_port)
    finally:
        srv.shutdown()
        shutil.rmtree(TMP, ignore_errors=True)
    return plan()


if __name__ == "__main__":
    sys.exit(main())
