#!/usr/bin/env python3
"""muni-fetch's shapefile and GeoPackage readers against GDAL's ogr2ogr.

Each shapefile of tests/fixtures/shp is read by muni-fetch and by ogr2ogr
(CSV driver): the WKT of every shape must be the same (GDAL writes no
space after the commas; the coordinates are compared as numbers), and,
reprojected to WGS 84 (--to-wgs84, ogr2ogr -t_srs EPSG:4326), the
longitude and latitude of every point the same to 1e-7 degrees. Each is
then written by ogr2ogr into a GeoPackage, which muni-fetch reads in turn
(GEOS decoding GDAL's blobs), against ogr2ogr's reading of it; and
fixtures/stations.gpkg (written by make-gpkg.py, by the standard) is read
by both; and GeoJSON geometries of every type, written as WKT. The
centroids (--geometry centroid) of shapes and GeoJSON geometries equal
SpatiaLite's ST_Centroid through ogr2ogr's SQLite dialect; a zipped
shapefile reads as ogr2ogr's /vsizip/ does. Without ogr2ogr (Debian
gdal-bin) the checks are skipped with a message.
"""
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("MUNI_BIN") or os.path.join(HERE, "..", "build")
FETCH = os.path.join(BIN, "muni-fetch")
SHP = os.path.join(HERE, "fixtures", "shp")
n = 0
failed = 0


def ok(good, name, detail=""):
    global n, failed
    n += 1
    print(f"{'ok' if good else 'not ok'} {n} - {name}")
    if not good:
        failed += 1
        for line in detail.splitlines()[:30]:
            print(f"# {line}")


def rows(cmd):
    p = subprocess.run(cmd, capture_output=True, timeout=120)
    if p.returncode != 0:
        return None, p.stderr.decode()
    return list(csv.DictReader(io.StringIO(p.stdout.decode()))), ""


def shape(wkt):
    """The WKT's words and brackets, and its numbers as floats."""
    words = re.sub(r"[-0-9.eE]+", "N", wkt).replace(", ", ",").replace(
        " ", "")
    return words, [float(x) for x in re.findall(r"-?[0-9.]+(?:e-?\d+)?",
                                                  wkt)]


def same(a, b, tol):
    wa, na = shape(a)
    wb, nb = shape(b)
    return wa == wb and len(na) == len(nb) and all(
        abs(x - y) <= tol for x, y in zip(na, nb))


def compare(name, muni_cmd, gdal_cmd, column, tol, title):
    muni, err = rows(muni_cmd)
    gdal, gerr = rows(gdal_cmd)
    bad = [f"{m[column]} | GDAL {g['WKT']}"
           for m, g in zip(muni or [], gdal or [])
           if not same(m[column], g["WKT"], tol)]
    ok(muni is not None and gdal is not None and len(muni) == len(gdal)
       and not bad, f"{name}: {title}", err + gerr + "\n".join(bad))


def centroids(path, layer, lon, lat):
    """--geometry centroid against ST_Centroid (SpatiaLite, by GEOS)."""
    muni, err = rows([FETCH, "--geometry", "centroid", path])
    gdal, gerr = rows(["ogr2ogr", "-f", "CSV", "/vsistdout/", path,
                       "-dialect", "sqlite", "-sql",
                       f"SELECT ST_X(ST_Centroid(geometry)) AS cx, "
                       f"ST_Y(ST_Centroid(geometry)) AS cy FROM \"{layer}\""])
    bad = []
    for m, g in zip(muni or [], gdal or []):
        if (m[lon] == "") != (g["cx"] == "") or (m[lon] and (
                abs(float(m[lon]) - float(g["cx"])) > 1e-8 or
                abs(float(m[lat]) - float(g["cy"])) > 1e-8)):
            bad.append(f"{m[lon]} {m[lat]} | ST_Centroid {g['cx']} "
                       f"{g['cy']}")
    ok(muni is not None and gdal is not None and len(muni) == len(gdal)
       and not bad, f"{os.path.basename(path)}: --geometry centroid equals "
       "ST_Centroid", err + gerr + "\n".join(bad))


def zipped(tmp):
    """A shapefile in a zip, as downloaded, against /vsizip/."""
    import zipfile
    path = os.path.join(tmp, "stations.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for ext in ("shp", "shx", "dbf", "prj", "cpg"):
            z.write(os.path.join(SHP, "stations." + ext),
                    "export/stations." + ext)
    compare("stations.zip", [FETCH, "--to-wgs84", path],
            ["ogr2ogr", "-f", "CSV", "/vsistdout/", "/vsizip/" + path +
             "/export/stations.shp", "-t_srs", "EPSG:4326", "-lco",
             "GEOMETRY=AS_WKT"], "geometry", 1.5e-7,
            "a zipped shapefile reads as ogr2ogr's /vsizip/ with -t_srs")


def geopackages(tmp):
    for name in sorted(os.listdir(SHP)):
        if not name.endswith(".shp"):
            continue
        layer = name[:-4]
        gpkg = os.path.join(tmp, layer + ".gpkg")
        subprocess.run(["ogr2ogr", "-f", "GPKG", gpkg,
                        os.path.join(SHP, name), "-nlt", "PROMOTE_TO_MULTI"
                        if layer == "zones" else "GEOMETRY"],
                       capture_output=True, check=True, timeout=120)
        compare(layer + ".gpkg", [FETCH, "--table", layer, gpkg],
                ["ogr2ogr", "-f", "CSV", "/vsistdout/", gpkg, layer,
                 "-lco", "GEOMETRY=AS_WKT"], "geom", 1e-9,
                "GeoPackage by ogr2ogr: WKT equals ogr2ogr's")
        if os.path.exists(os.path.join(SHP, layer + ".prj")):
            compare(layer + ".gpkg", [FETCH, "--to-wgs84", "--table", layer,
                                      gpkg],
                    ["ogr2ogr", "-f", "CSV", "/vsistdout/", gpkg, layer,
                     "-t_srs", "EPSG:4326", "-lco", "GEOMETRY=AS_WKT"],
                    "geom", 1.5e-7, "--to-wgs84 equals ogr2ogr -t_srs "
                    "EPSG:4326")
    gpkg = os.path.join(HERE, "fixtures", "stations.gpkg")
    compare("stations.gpkg", [FETCH, "--to-wgs84", "--table", "stations",
                              gpkg],
            ["ogr2ogr", "-f", "CSV", "/vsistdout/", gpkg, "stations",
             "-t_srs", "EPSG:4326", "-lco", "GEOMETRY=AS_WKT"], "geom",
            1.5e-7, "a GeoPackage by the standard: ogr2ogr reads the same")


def main():
    if shutil.which("ogr2ogr") is None:
        print("ok 1 - shapefiles equal GDAL's reading # SKIP ogr2ogr "
              "(Debian gdal-bin) absent")
        print("1..1")
        return 0
    for name in sorted(os.listdir(SHP)):
        if not name.endswith(".shp"):
            continue
        path = os.path.join(SHP, name)
        muni, err = rows([FETCH, path])
        gdal, gerr = rows(["ogr2ogr", "-f", "CSV", "/vsistdout/", path,
                           "-lco", "GEOMETRY=AS_WKT"])
        bad = [f"{m['geometry']} | GDAL {g['WKT']}"
               for m, g in zip(muni or [], gdal or [])
               if not same(m["geometry"], g["WKT"], 1e-9)]
        ok(muni is not None and gdal is not None and len(muni) == len(gdal)
           and not bad, f"{name}: WKT equals ogr2ogr's",
           err + gerr + "\n".join(bad))
        if not os.path.exists(path[:-4] + ".prj"):
            continue
        muni, err = rows([FETCH, "--to-wgs84", path])
        gdal, gerr = rows(["ogr2ogr", "-f", "CSV", "/vsistdout/", path,
                           "-t_srs", "EPSG:4326", "-lco", "GEOMETRY=AS_WKT"])
        bad = [f"{m['geometry']} | GDAL {g['WKT']}"
               for m, g in zip(muni or [], gdal or [])
               if not same(m["geometry"], g["WKT"], 1.5e-7)]
        ok(muni is not None and gdal is not None and len(muni) == len(gdal)
           and not bad, f"{name}: --to-wgs84 equals ogr2ogr -t_srs "
           "EPSG:4326 to 1e-7 degree", err + gerr + "\n".join(bad))
    with tempfile.TemporaryDirectory() as tmp:
        geopackages(tmp)
        zipped(tmp)
    for name in sorted(os.listdir(SHP)):
        if name.endswith(".shp"):
            centroids(os.path.join(SHP, name), name[:-4], "x", "y")
    for name in ("shapes.geojson", "bornes.geojson"):
        centroids(os.path.join(HERE, "fixtures", name), name[:-8],
                  "longitude", "latitude")
    for name in ("shapes.geojson", "bornes.geojson"):
        path = os.path.join(HERE, "fixtures", name)
        compare(name, [FETCH, "--geometry", "wkt", path],
                ["ogr2ogr", "-f", "CSV", "/vsistdout/", path, "-lco",
                 "GEOMETRY=AS_WKT"], "geometry", 1e-9,
                "GeoJSON geometries as WKT (--geometry wkt) equal ogr2ogr's")
    print(f"1..{n}")
    return 1 if failed else 0


sys.exit(main())
