#!/usr/bin/env python3
"""muni-transform's computing operations against reference implementations.

- add, multiply, divide, round: Python's decimal module (exact, with
  ROUND_HALF_UP, which is half away from zero) on seeded random decimals,
  signs, scales and exponents;
- uuid: Python's uuid.uuid5 (RFC 9562) on seeded random names, with the
  standard namespaces and one of our own;
- reproject: PROJ's own cs2cs on seeded random points of several French
  CRSs (Lambert-93, a conic zone, NTF Lambert II etendu, UTM 20N); cs2cs
  absent, these are skipped with a message;
- --auto on easting and northing columns in metres: the system told by the
  values (Lambert-93, a conic zone) and the longitude and latitude written
  are cs2cs's on every row; Lambert II etendu and UTM values, which
  overlap, are not guessed.

Every operation runs over one CSV of MUNI_REF_CASES rows (default 400);
each row whose output differs is a failure, printed with its input.
"""
import decimal
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import uuid

BIN = os.environ.get("MUNI_BIN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "build")
TRANSFORM = os.path.join(BIN, "muni-transform")
CASES = int(os.environ.get("MUNI_REF_CASES", "400"))
rng = random.Random(int(os.environ.get("MUNI_REF_SEED", "20261206")))
n = 0
failed = 0


def ok(good, name, detail=""):
    global n, failed
    n += 1
    if good:
        print(f"ok {n} - {name}")
    else:
        failed += 1
        print(f"not ok {n} - {name}")
        for line in detail.splitlines()[:40]:
            print(f"# {line}")


def skip(name, why):
    global n
    n += 1
    print(f"ok {n} - {name} # SKIP {why}")


def transform(mapping, header, rows):
    with tempfile.TemporaryDirectory() as d:
        m = os.path.join(d, "m.json")
        with open(m, "w") as f:
            json.dump(mapping, f)
        text = ",".join(header) + "\n" + "".join(
            ",".join(r) + "\n" for r in rows)
        p = subprocess.run([TRANSFORM, "-m", m], input=text.encode(),
                           capture_output=True, timeout=120)
    lines = p.stdout.decode().splitlines()
    return p.returncode, lines[1:], p.stderr.decode()


def a_decimal():
    digits = "".join(rng.choice("0123456789")
                     for _ in range(rng.randint(1, 18)))
    scale = rng.randint(0, 8)
    if scale and len(digits) > scale:
        text = digits[:-scale] + "." + digits[-scale:]
    elif scale:
        text = "0." + digits.rjust(scale, "0")
    else:
        text = digits
    if rng.random() < 0.1:
        text += "e" + str(rng.randint(-5, 5))
    if rng.random() < 0.4:
        text = "-" + text
    return text


def shortest(d):
    """A Decimal written as muni writes numbers: no trailing zeros."""
    if d == 0:
        return "0"
    s = format(d.normalize(), "f")
    return s


def check_arithmetic():
    ctx = decimal.Context(prec=300, rounding=decimal.ROUND_HALF_UP)
    decimal.setcontext(ctx)
    rows = []
    for _ in range(CASES):
        a, b = a_decimal(), a_decimal()
        if decimal.Decimal(b) == 0:
            b = "7"
        rows.append((a, b, str(rng.randint(0, 6))))
    mapping = {"columns": [
        {"name": "sum", "from": "a", "ops": [
            {"op": "add", "column": "b"}]},
        {"name": "product", "from": "a", "ops": [
            {"op": "multiply", "column": "b"}]},
        {"name": "quotient", "from": "a", "ops": [
            {"op": "divide", "column": "b"}]},
        {"name": "quotient3", "from": "a", "ops": [
            {"op": "divide", "column": "b", "places": 3}]},
        {"name": "round2", "from": "a", "ops": [
            {"op": "round", "places": 2}]},
        {"name": "times_tenth", "from": "a", "ops": [
            {"op": "multiply", "by": "0.1"}]},
    ]}
    rc, out, err = transform(mapping, ["a", "b", "p"], rows)
    ok(rc == 0 and len(out) == len(rows),
       f"arithmetic: {len(rows)} rows computed", err)
    bad = []
    q = decimal.Decimal
    for (a, b, _), line in zip(rows, out):
        da, db = q(a), q(b)
        want = [
            shortest(da + db),
            shortest(da * db),
            shortest((da / db).quantize(q("1e-10"))),
            shortest((da / db).quantize(q("1e-3"))),
            shortest(da.quantize(q("1e-2"))),
            shortest(da * q("0.1")),
        ]
        if line.split(",") != want:
            bad.append(f"a={a} b={b}: muni {line}, decimal {','.join(want)}")
    ok(not bad, "add, multiply, divide, round equal Python's decimal "
       "(ROUND_HALF_UP)", "\n".join(bad))


def check_uuid():
    own = "c5a0e8a4-1f2b-4c3d-9e8f-0a1b2c3d4e5f"
    spaces = {"url": uuid.NAMESPACE_URL, "dns": uuid.NAMESPACE_DNS,
              "oid": uuid.NAMESPACE_OID, "x500": uuid.NAMESPACE_X500,
              own: uuid.UUID(own)}
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-./:\u00e9\u00e8"
    names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
             for _ in range(CASES)]
    mapping = {"columns": [
        {"name": k, "from": "name", "ops": [{"op": "uuid", "namespace": k}]}
        for k in spaces]}
    rc, out, err = transform(mapping, ["name"], [(x,) for x in names])
    bad = []
    for name, line in zip(names, out):
        want = [str(uuid.uuid5(ns, name)) for ns in spaces.values()]
        if line.split(",") != want:
            bad.append(f"{name!r}: muni {line}, uuid5 {','.join(want)}")
    ok(rc == 0 and len(out) == len(names) and not bad,
       f"uuid equals Python's uuid.uuid5 on {len(names)} names, "
       f"{len(spaces)} namespaces", err + "\n".join(bad))


# CRS, and a box of longitude and latitude inside its area of use.
CRSS = [
    ("EPSG:2154", (-4.5, 8.0, 42.5, 51.0)),
    ("EPSG:3948", (-2.0, 7.0, 47.4, 48.6)),
    ("EPSG:27572", (-4.0, 7.5, 43.0, 50.5)),
    ("EPSG:32620", (-62.0, -60.5, 14.0, 16.5)),
]


def cs2cs(src, dst, pairs):
    text = "".join(f"{a!r} {b!r}\n" for a, b in pairs)
    p = subprocess.run(["cs2cs", "-f", "%.10f", src, dst],
                       input=text.encode(), capture_output=True, timeout=120,
                       check=True)
    return [tuple(float(v) for v in line.split()[:2])
            for line in p.stdout.decode().splitlines()]


def check_reproject():
    if shutil.which("cs2cs") is None:
        skip("reproject equals cs2cs", "cs2cs (Debian proj-bin) absent")
        return
    for crs, (w, e, s, nth) in CRSS:
        lonlat = [(rng.uniform(w, e), rng.uniform(s, nth))
                  for _ in range(CASES // 4)]
        # EPSG:4326 is latitude first for cs2cs.
        xy = cs2cs("EPSG:4326", crs, [(lat, lon) for lon, lat in lonlat])
        xy = [(round(x, 3), round(y, 3)) for x, y in xy]
        want = cs2cs(crs, "EPSG:4326", xy)
        mapping = {"columns": [{"name": "geo", "from": ["x", "y"], "ops": [
            {"op": "reproject", "crs": crs, "output": "latlon",
             "precision": 9}]}]}
        rc, out, err = transform(mapping, ["x", "y"],
                                 [(f"{x:.3f}", f"{y:.3f}") for x, y in xy])
        bad = []
        for (x, y), (lat, lon), line in zip(xy, want, out):
            got = [float(v) for v in line.strip('"').split(",")]
            if abs(got[0] - lat) > 1e-9 or abs(got[1] - lon) > 1e-9:
                bad.append(f"{x} {y}: muni {got}, cs2cs {lat} {lon}")
        ok(rc == 0 and len(out) == len(xy) and not bad,
           f"reproject {crs} equals cs2cs on {len(xy)} points",
           err + "\n".join(bad))


def auto(schema, header, rows, sep=","):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "schema.json")
        with open(path, "w") as f:
            json.dump(schema, f)
        text = sep.join(header) + "\n" + "".join(
            sep.join(r) + "\n" for r in rows)
        p = subprocess.run([TRANSFORM, "-q", "--auto", "--explain", "-s",
                            path], input=text.encode(), capture_output=True,
                           timeout=120)
    return p.returncode, p.stdout.decode().splitlines()[1:], \
        p.stderr.decode()


def check_auto_reproject():
    if shutil.which("cs2cs") is None:
        skip("--auto reprojects metres as cs2cs", "cs2cs absent")
        return
    schema = {"fields": [{"name": "nom", "type": "string"},
                         {"name": "LONGITUDE", "type": "number"},
                         {"name": "LATITUDE", "type": "number"}]}
    # The column names and the decimal mark vary as exports do.
    for crs, box, names, comma in [
            ("EPSG:2154", (-4.5, 8.0, 42.5, 51.0), ("X", "Y"), False),
            ("EPSG:3946", (0.0, 6.0, 45.3, 46.7), ("coordx", "coordy"), True),
            ("EPSG:3949", (0.0, 6.0, 48.3, 49.7), ("X_CC49", "Y_CC49"), False)]:
        w, e, s, nth = box
        lonlat = [(rng.uniform(w, e), rng.uniform(s, nth))
                  for _ in range(CASES // 4)]
        xy = cs2cs("EPSG:4326", crs, [(lat, lon) for lon, lat in lonlat])
        xy = [(round(x, 2), round(y, 2)) for x, y in xy]
        want = cs2cs(crs, "EPSG:4326", xy)
        rows = [(f"p{i}", f"{x:.2f}", f"{y:.2f}")
                for i, (x, y) in enumerate(xy)]
        if comma:
            rows = [(a, b.replace(".", ","), c.replace(".", ","))
                    for a, b, c in rows]
        rc, out, err = auto(schema, ("nom",) + names, rows,
                            ";" if comma else ",")
        bad = []
        for (x, y), (lat, lon), line in zip(xy, want, out):
            got = [float(v) for v in line.split(",")[1:]]
            if abs(got[0] - lon) > 6e-8 or abs(got[1] - lat) > 6e-8:
                bad.append(f"{x} {y}: muni {got}, cs2cs {lon} {lat}")
        ok(rc == 0 and len(out) == len(xy) and not bad and crs in err,
           f"--auto tells {crs} from {names[0]}, {names[1]} and writes "
           f"cs2cs's longitude and latitude on {len(xy)} rows",
           err + "\n".join(bad))
    # Values no range tells: Lambert II etendu (Paris) and UTM 20N
    # (Guadeloupe) overlap; neither is guessed, both are said.
    for crs, lat, lon in [("EPSG:27572", 48.8566, 2.3522),
                          ("EPSG:32620", 16.2650, -61.5510)]:
        (x, y), = cs2cs("EPSG:4326", crs, [(lat, lon)])
        rc, out, err = auto(schema, ("nom", "X", "Y"),
                            [("p", f"{x:.2f}", f"{y:.2f}")])
        ok(rc == 0 and out == ["p,,"] and "do not tell their system" in err,
           f"--auto does not guess {crs} ({x:.0f}, {y:.0f})", err)


check_arithmetic()
check_uuid()
check_reproject()
check_auto_reproject()
print(f"1..{n}")
sys.exit(1 if failed else 0)
