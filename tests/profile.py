#!/usr/bin/env python3
"""The profile of the columns on a dataset's page, against the data.

muni-publish draws, for each column, its filled cells, its distinct
values, the most frequent texts, a histogram of numbers and dates, the
split of booleans. Here the same numbers are computed again, in Python,
from the CSV that was published, and compared with what the page says
(its data-* attributes and its text) and what catalog.db keeps:

  - a table small enough for every number to be exact;
  - the same with --allow-invalid and cells the type cannot read;
  - 100 000 rows, past the exact bounds: the estimates are flagged, and
    within their documented error (distinct values, median, top values).

usage: profile.py   (MUNI_BIN: where the tools are)
"""
import collections
import csv
import datetime
import html.parser
import json
import math
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

SRC = os.environ.get("MUNI_SRC") or os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))
BIN = os.environ.get("MUNI_BIN") or SRC
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import chromium, main, ok, skip  # noqa: E402

TMP = tempfile.mkdtemp(prefix="muni-profile.")

SCHEMA = {"fields": [
    {"name": "commune", "type": "string"},
    {"name": "places", "type": "integer"},
    {"name": "montant", "type": "number"},
    {"name": "date_pose", "type": "date"},
    {"name": "payant", "type": "boolean"},
    {"name": "note", "type": "string"},
], "missingValues": ["", "NA"]}
META = {"name": "bornes", "title": "Bornes de recharge",
        "description": "Des bornes.", "license": "etalab-2.0",
        "producer": {"name": "Ville d'Exemple", "siret": "21380185500015"},
        "base_url": "https://data.exemple.fr/"}
TRUE = {"true", "True", "TRUE", "1"}
BINS = 20


class Page(html.parser.HTMLParser):
    """The profile section: per column, its attributes and numbers."""

    def __init__(self):
        super().__init__()
        self.cols = {}
        self.cur = None
        self.in_top = self.in_cap = False
        self.row = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "data-column" in a:
            self.cur = self.cols.setdefault(a["data-column"], {
                "top": [], "bins": [], "split": [], "cap": ""})
        if self.cur is None:
            return
        if "data-filled" in a:
            self.cur["filled"] = int(a["data-filled"])
        if "data-distinct" in a:
            self.cur["distinct"] = int(a["data-distinct"])
        if tag == "table" and "top" in a.get("class", ""):
            self.in_top = True
        if tag == "tr" and self.in_top:
            self.row = []
        if tag == "td" and self.in_top and "data-count" in a:
            self.cur["top"].append((self.row[0] if self.row else None,
                                    int(a["data-count"])))
        if tag == "rect" and "data-count" in a:
            key = "split" if a.get("class") in ("yes", "no") else "bins"
            self.cur[key].append(int(a["data-count"]))
        if tag == "figcaption":
            self.in_cap = True

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_top = False
        if tag == "figcaption":
            self.in_cap = False
        if tag == "section":
            self.cur = None

    def handle_data(self, data):
        if self.cur is None:
            return
        if self.in_top:
            self.row.append(data)
        if self.in_cap:
            self.cur["cap"] += data


def publish(rows, extra=()):
    root = os.path.join(TMP, "pub")
    shutil.rmtree(root, ignore_errors=True)
    data = os.path.join(TMP, "data.csv")
    with open(data, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow([x["name"] for x in SCHEMA["fields"]])
        w.writerows(rows)
    for name, doc in (("schema.json", SCHEMA), ("meta.json", META)):
        with open(os.path.join(TMP, name), "w") as f:
            json.dump(doc, f)
    p = subprocess.run([os.path.join(BIN, "muni-publish"), "-s",
                        os.path.join(TMP, "schema.json"), "-m",
                        os.path.join(TMP, "meta.json"), "-t", root] +
                       list(extra) + [data], capture_output=True,
                       env=dict(os.environ, LC_ALL="C.UTF-8"))
    if p.returncode != 0:
        return None, None, p.stderr.decode(errors="replace")
    page = Page()
    with open(os.path.join(root, "bornes", "index.html"),
              encoding="utf-8") as f:
        page.feed(f.read())
    db = sqlite3.connect(os.path.join(root, "catalog.db"))
    stored = db.execute("SELECT profile FROM versions").fetchone()[0]
    db.close()
    return page.cols, json.loads(stored), ""


def fr(x):
    """A number as the page writes it: French, thousands apart."""
    s = ("%.15g" % x) if isinstance(x, float) else str(x)
    neg = s.startswith("-")
    whole, _, frac = s.lstrip("-").partition(".")
    if len(whole) > 4:
        whole = "\u202f".join([whole[:len(whole) % 3 or 3]] + [
            whole[i:i + 3] for i in range(len(whole) % 3 or 3,
                                          len(whole), 3)])
    return ("−" if neg else "") + whole + ("," + frac if frac else "")


def expect(rows):
    """Each column's numbers, from the rows, as profile.h defines them."""
    want = {}
    for i, fdef in enumerate(SCHEMA["fields"]):
        cells = [r[i] for r in rows]
        filled = [c for c in cells if c not in SCHEMA["missingValues"]]
        col = {"filled": len(filled), "distinct": len(set(filled))}
        t = fdef["type"]
        if t == "string":
            counts = collections.Counter(filled)
            col["top"] = sorted(counts.items(), key=lambda kv: (
                -kv[1], kv[0].encode()))[:10]
        elif t == "boolean":
            col["split"] = [sum(c in TRUE for c in filled),
                            sum(c not in TRUE for c in filled)]
        else:
            vals = []
            for c in filled:
                try:
                    vals.append(float(c) if t != "date" else float(
                        (datetime.date.fromisoformat(c) -
                         datetime.date(1970, 1, 1)).days))
                except ValueError:
                    pass
            vals.sort()
            lo, hi = vals[0], vals[-1]
            n = len(vals)
            med = vals[n // 2] if n % 2 else (vals[n // 2 - 1] +
                                              vals[n // 2]) / 2
            if all(v == int(v) for v in vals) and hi - lo + 1 <= BINS:
                nb, width = int(hi - lo + 1), 1.0
            else:
                nb, width = BINS, (hi - lo) / BINS
            if width <= 0:
                nb, width = 1, 1.0
            bins = [0] * nb
            for v in vals:
                bins[min(int((v - lo) / width), nb - 1)] += 1
            col.update(bins=bins, min=lo, max=hi, median=med, n=n)
            if t == "date":
                day = (lambda d: str(datetime.date(1970, 1, 1) +
                                     datetime.timedelta(days=math.floor(d))))
                col["words"] = "min %s, médiane %s, max %s" % (
                    day(lo), day(med), day(hi))
            else:
                num = (lambda x: fr(int(x)) if x == int(x) and
                       t == "integer" else fr(x))
                col["words"] = "min %s, médiane %s, max %s" % (
                    num(lo), num(med), num(hi))
        want[fdef["name"]] = col
    return want


BROWSER = r"""
import path from 'node:path';
import { pathToFileURL } from 'node:url';
const [page, helper, shots] = process.argv.slice(2);
const { launch } = await import(pathToFileURL(helper));
const b = await launch();
const out = {};
for (const width of [1280, 390]) {
  const p = await b.newPage({ viewport: { width, height: 900 } });
  const errors = [];
  p.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await p.goto(pathToFileURL(page).href);
  out[width] = await p.evaluate(() => {
    const cols = {};
    for (const sec of document.querySelectorAll('section.col')) {
      const svg = sec.querySelector('svg.hist');
      if (!svg) continue;
      const r = svg.getBoundingClientRect();
      cols[sec.dataset.column] = {
        bars: [...svg.querySelectorAll('rect[data-count]')].map(x => ({
          count: +x.dataset.count, h: x.getBBox().height,
          w: x.getBoundingClientRect().width })),
        right: r.right, caption: sec.querySelector('figcaption').textContent };
    }
    return { cols, inner: window.innerWidth,
      scroll: document.documentElement.scrollWidth };
  });
  out[width].errors = errors;
  await p.screenshot({ path: path.join(shots, `profile-${width}.png`),
    fullPage: true });
  await p.close();
}
console.log(JSON.stringify(out));
await b.close();
"""


def rendered(page, want):
    """The histograms as Chromium draws them, against the data."""
    found = chromium(SRC, os.environ.get("MUNI_BUILD") or BIN)
    if not found:
        skip("Chromium: the histograms as drawn", "chromium, node or "
             "playwright-core absent")
        return
    path, modules = found
    shots = os.path.join(os.environ.get("MUNI_BUILD") or BIN, "tests",
                         "screenshots")
    os.makedirs(shots, exist_ok=True)
    script = os.path.join(TMP, "browser.mjs")
    with open(script, "w") as f:
        f.write(BROWSER)
    p = subprocess.run(["node", script, page,
                        os.path.join(SRC, "tests", "chromium.mjs"), shots],
                       capture_output=True, timeout=120,
                       env=dict(os.environ, CHROMIUM=path,
                                NODE_PATH=modules))
    try:
        r = json.loads(p.stdout)
    except ValueError:
        ok(False, "Chromium: the histograms as drawn", p.stderr.decode())
        return
    bad = []
    for width in ("1280", "390"):
        got = r[width]
        for name, w in want.items():
            if "bins" not in w:
                continue
            c = got["cols"].get(name)
            if c is None:
                bad.append("%s at %s: no histogram drawn" % (name, width))
                continue
            top = max(w["bins"])
            hmax = max(b["h"] for b in c["bars"])
            for b, n in zip(c["bars"], w["bins"]):
                # drawn in proportion; a bar of at least 1 unit if any
                h = 60.0 * n / top
                if b["count"] != n or abs(b["h"] - max(h, 1 if n else 0)) \
                        > 0.05 or b["w"] <= 0:
                    bad.append("%s at %s: bar %s for %d" % (name, width, b,
                                                             n))
            if len(c["bars"]) != len(w["bins"]) or hmax <= 0 or \
                    c["right"] > got["inner"] or w["words"] not in \
                    c["caption"]:
                bad.append("%s at %s: %d bars, right %s, caption %r" % (
                    name, width, len(c["bars"]), c["right"], c["caption"]))
        if got["scroll"] > got["inner"] or got["errors"]:
            bad.append("at %s: page %d in %d, errors %s" % (
                width, got["scroll"], got["inner"], got["errors"]))
    ok(not bad, "Chromium at 1280 and 390 pixels: every histogram drawn, "
       "each bar's height in proportion to its count as computed from the "
       "data, inside the screen, its caption; no console error",
       "\n".join(bad[:10]))


def compare(got, want, exact=True):
    bad = []
    for name, w in want.items():
        g = got.get(name)
        if g is None:
            bad.append("%s: no section" % name)
            continue
        for k in ("filled", "distinct", "top", "bins", "split"):
            if k in w or k in ("filled", "distinct"):
                gv = g.get(k)
                wv = w.get(k)
                if k == "top":
                    gv = [(v, c) for v, c in gv]
                    wv = [(v, c) for v, c in wv]
                if gv != wv:
                    bad.append("%s %s: page %r, data %r" % (name, k, gv, wv))
        if "words" in w and not g["cap"].startswith(w["words"]):
            bad.append("%s: caption %r, data %r" % (name, g["cap"],
                                                    w["words"]))
    return bad


def small_rows():
    rnd = random.Random(7)
    rows = []
    for i in range(240):
        rows.append([rnd.choice(["Antibes", "Biot", "Vallauris", "Grasse",
                                 "Cannes"] * (1 + i % 3) + ["Éze"]),
                     str(rnd.randint(0, 6)),
                     "%.2f" % rnd.uniform(-50, 1500),
                     "2024-%02d-%02d" % (1 + i % 12, 1 + i % 28),
                     rnd.choice(["true", "false", "1", "0"]),
                     "" if i % 4 else rnd.choice(["NA", "à revoir", ""])])
    return rows


def run():
    rows = small_rows()
    got, stored, err = publish(rows)
    if got is None:
        ok(False, "a table of 240 rows is published", err)
        return
    bad = compare(got, expect(rows))
    ok(not bad, "240 rows: every column's filled, distinct, top values, "
       "histogram, split and caption as computed from the data",
       "\n".join(bad))
    ok(isinstance(stored, list) and [c["name"] for c in stored] ==
       [f["name"] for f in SCHEMA["fields"]] and
       stored[1]["histogram"] and stored[1]["exact"] is True and
       stored[0]["top_exact"] is True,
       "catalog.db keeps the version's profile, exact",
       json.dumps(stored)[:400])

    first = os.path.join(TMP, "first.html")
    shutil.copy(os.path.join(TMP, "pub", "bornes", "index.html"), first)
    text = open(first, encoding="utf-8").read()
    cards = dict(re.findall(r'<section class="col" id="([^"]+)" '
                            r'data-column="([^"]+)"', text))
    heads = re.findall(r'<th scope="col"><a href="#([^"]+)"[^>]*>(.*?)</a>',
                       re.search(r'<table id="rows".*?</tr>', text,
                                 re.S).group(0))
    ok([re.sub(r"<wbr>", "", n) for _, n in heads] ==
       [f["name"] for f in SCHEMA["fields"]] and
       all(cards.get(i) == re.sub(r"<wbr>", "", n) for i, n in heads),
       "the preview's column names link to their profile's card",
       "%s / %s" % (heads, cards))

    # Cells the type cannot read, published with --allow-invalid.
    rows2 = [list(r) for r in rows]
    rows2[3][1] = "beaucoup"
    rows2[5][3] = "31/02/2024"
    got, stored, err = publish(rows2, ["--allow-invalid"])
    invalid = {c["name"]: c["invalid"] for c in stored or []}
    ok(got is not None and invalid.get("places") == 1 and
       invalid.get("date_pose") == 1 and
       not compare(got, expect(rows2)),
       "--allow-invalid: unreadable cells counted apart, the rest as the "
       "data says", err + json.dumps(invalid))

    # A column's history: 26 versions, the newest 24 drawn.
    root = os.path.join(TMP, "trend")
    want = []
    st = 0
    rnd = random.Random(11)
    for v in range(26):
        n = 8 + v % 5
        # few distinct amounts: a share of distinct values is not filled's
        vrows = [["Biot", str(i % 7),
                  "%.2f" % (rnd.choice([10, 20, 30.5]) * (v + 1))
                  if i <= v % n else "NA", "2024-01-01", "true", ""]
                 for i in range(n)]
        data = os.path.join(TMP, "trend.csv")
        with open(data, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow([x["name"] for x in SCHEMA["fields"]])
            w.writerows(vrows)
        st |= subprocess.run(
            [os.path.join(BIN, "muni-publish"), "-s",
             os.path.join(TMP, "schema.json"), "-m",
             os.path.join(TMP, "meta.json"), "-t", root, data],
            capture_output=True).returncode
        got = [float(r[2]) for r in vrows if r[2] != "NA"]
        want.append(("1.%d.0" % v, 100.0 * len(got) / n,
                     sum(got) / len(got)))
    text = open(os.path.join(root, "bornes", "index.html"),
                encoding="utf-8").read()
    sec = re.search(r'<section class="col" id="[^"]+" data-column="montant">.*?'
                    r'</section>', text, re.S)
    sec = sec.group(0) if sec else ""
    fill = re.findall(r'<circle class="fill"[^>]* data-version="([^"]+)" '
                      r'data-value="([^"]+)"', sec)
    mean = re.findall(r'<circle class="mean"[^>]* data-version="([^"]+)" '
                      r'data-value="([^"]+)"', sec)
    want = want[-24:]
    bad = [(w, f, m) for w, f, m in zip(want, fill, mean) if
           f[0] != w[0] or m[0] != w[0] or abs(float(f[1]) - w[1]) > 1e-4 *
           max(1, w[1]) or abs(float(m[1]) - w[2]) > 1e-5 * max(1, w[2])]
    ok(st == 0 and len(fill) == len(mean) == 24 and not bad and
       "Aux 24 dernières versions" in sec,
       "a column's history: its filled share and mean in each of the 24 "
       "newest of 26 versions, oldest first, as computed from each "
       "version's data", "%s %s\n%s" % (len(fill), len(mean), bad[:3]))
    bad = re.findall(r'<circle class="mean"', re.search(
        r'<section class="col" id="[^"]+" data-column="commune">.*?</section>', text,
        re.S).group(0))
    ok(not bad and '<circle class="fill"' in text,
       "a text column's history: its filled share, no mean", "")

    rendered(first, expect(rows))

    # The history: two versions of a table with a primary key.
    corpus = os.environ.get("MUNI_CORPUS") or os.path.join(
        SRC, "..", "shared", "corpus")
    sch = os.path.join(corpus, "schemas", "stationnement", "schema.json")
    fix = os.path.join(SRC, "tests", "fixtures", "publish")
    if os.path.exists(sch):
        root = os.path.join(TMP, "hist")
        st = 0
        for f in ("st1.csv", "st2.csv"):
            st |= subprocess.run(
                [os.path.join(BIN, "muni-publish"), "-s", sch, "-m",
                 os.path.join(fix, "parkings.meta.json"), "-t", root,
                 os.path.join(fix, f)], capture_output=True).returncode
        db = sqlite3.connect(os.path.join(root, "catalog.db"))
        vers = db.execute("SELECT rows, added, changed, removed FROM "
                          "versions ORDER BY stamp").fetchall()
        db.close()
        text = open(os.path.join(root, "parkings", "index.html"),
                    encoding="utf-8").read()
        rows = [int(x) for x in re.findall(r'data-rows="(\d+)"', text)]
        moves = [(c, int(n)) for c, n in re.findall(
            r'<rect class="(added|changed|removed)"[^>]*data-count="(\d+)"',
            text)]
        want = [(c, n) for c, n in zip(("added", "changed", "removed"),
                                       vers[1][1:]) if n]
        ok(st == 0 and rows == [v[0] for v in vers] and moves == want and
           want, "the history's charts: the rows of each version, oldest "
           "first, and the rows added, changed and removed, as catalog.db "
           "says", "%s %s / %s" % (rows, moves, vers))
    else:
        skip("the history's charts", "corpus absent")

    # The map: a circle a point, a swapped pair marked outside France.
    sch = os.path.join(corpus, "schemas", "stationstaxi")
    if os.path.exists(sch):
        with open(os.path.join(sch, "exemple-valide.csv"),
                  encoding="utf-8") as f:
            text = f.read()
        lines = text.splitlines()
        # the second point swapped: latitude first
        first = next(csv.reader([lines[2]], delimiter=";"))
        lon, lat = first[3].split(", ")
        first[3] = "%s, %s" % (lat, lon)
        first[0] = "38185-T-999"
        lines.append(";".join('"%s"' % c for c in first))
        data = os.path.join(TMP, "taxis.csv")
        with open(data, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        root = os.path.join(TMP, "taxis")
        with open(os.path.join(TMP, "taxis.meta.json"), "w") as f:
            json.dump(dict(META, name="taxis"), f)
        p = subprocess.run([os.path.join(BIN, "muni-publish"), "-s",
                            os.path.join(sch, "schema.json"), "-m",
                            os.path.join(TMP, "taxis.meta.json"), "-t", root,
                            data], capture_output=True)
        rows = list(csv.reader(lines[1:], delimiter=";"))
        pts = []
        for i, r in enumerate(rows, 1):
            try:
                x, y = (float(v) for v in r[3].split(","))
                pts.append((i, x, y))
            except ValueError:
                pass
        page = open(os.path.join(root, "taxis", "index.html"),
                    encoding="utf-8").read() if p.returncode == 0 else ""
        circles = re.findall(r'<circle( class="out")? cx="[0-9.]+" '
                             r'cy="[0-9.]+" r="[0-9.]+" data-row="(\d+)"',
                             page)
        outside = [int(r) for c, r in circles if c]
        card = re.search(r'data-column="geopoint">.*?</section>', page,
                         re.S)
        card = card.group(0) if card else ""
        ok(p.returncode == 0 and sorted(int(r) for _, r in circles) ==
           [i for i, _, _ in pts] and outside == [len(rows)] and
           'data-points="%d"' % len(pts) in page and
           'data-outside="1"' in page and
           '<span class="out" data-outside="1">1 hors de France' in card
           and '<a href="#map">' in card and
           "data-outside" not in re.search(
               r'data-column="nom">.*?</section>', page, re.S).group(0),
           "the map: a circle for each of the %d points, the swapped pair "
           "(row %d) marked outside France, on the map and in the "
           "geopoint column's profile" % (len(pts), len(rows)),
           p.stderr.decode() + str(circles))
    else:
        skip("the map", "corpus absent")

    # Past the exact bounds: 100 000 rows.
    rnd = random.Random(11)
    big = []
    for i in range(100000):
        # a skewed text past the counters (Pareto: top values, a long
        # tail), an id of many values (distinct)
        big.append(["C%d" % int(50 / (1 - rnd.random())),
                    str(i % 5000), "%.3f" % rnd.gauss(100, 15),
                    "2020-01-01", "true" if i % 3 else "false",
                    "id-%d" % i])
    got, stored, err = publish(big)
    if got is None:
        ok(False, "100 000 rows are published", err)
        return
    by = {c["name"]: c for c in stored}
    want = expect(big)
    note, com, mon = by["note"], by["commune"], by["montant"]
    true_med = want["montant"]["median"]
    vals = sorted(float(r[2]) for r in big)
    rank = sum(v < mon["median"] for v in vals) / len(vals)
    top_true = collections.Counter(r[0] for r in big).most_common(3)
    top_got = [(t["value"], t["count"]) for t in com["top"][:3]]
    ok(not note["distinct_exact"] and
       abs(note["distinct"] - 100000) / 100000 < 0.05 and
       not mon["exact"] and abs(rank - 0.5) < 0.01 and
       mon["min"] == want["montant"]["min"] and
       mon["max"] == want["montant"]["max"] and
       [v for v, _ in top_got] == [v for v, _ in top_true] and
       all(c >= tc and c - tc <= 2 * 100000 / 1024 for (_, c), (_, tc) in
           zip(top_got, top_true)) and
       by["payant"]["true"] == want["payant"]["split"][0] and
       got["note"]["distinct"] == note["distinct"],
       "100 000 rows: estimates flagged, distinct within 5 %, the median's "
       "rank within 1 %, min and max exact, the top values right",
       "distinct %s, median %s (true %s, rank %.4f), top %s / %s" % (
           note["distinct"], mon["median"], true_med, rank, top_got,
           top_true))
    with open(os.path.join(TMP, "pub", "bornes", "index.html"),
              encoding="utf-8") as f:
        text = f.read()
    ok("médiane ≈" in text and "min ≈" not in text and
       "max ≈" not in text, "the page marks the estimates with ≈ (the "
       "median, not the exact minimum and maximum)", "")
    # An id of 100 000 values, each once: no value is surely more frequent
    # than another, so none is listed as such; no estimate of distinct
    # values above the filled cells.
    sec = re.search(r'data-column="note">.*?</section>', text, re.S)
    true_count = collections.Counter(r[0] for r in big)
    ok(note["top"] == [] and sec and "Aucune valeur ne ressort" in
       sec.group(0) and "<table" not in sec.group(0) and
       all(c["distinct"] <= c["filled"] for c in stored) and
       not com["top_exact"] and len(com["top"]) >= 3 and
       all(t["at_least"] <= true_count[t["value"]] <= t["count"]
           for t in com["top"]),
       "a column of all-distinct values lists no frequent value, rather "
       "than survivors of the counters; a skewed one its values, each "
       "count between its sure part and the true count; distinct never "
       "above filled", json.dumps(note)[:300] + json.dumps(com["top"]))


if __name__ == "__main__":
    sys.exit(main(run, os.path.join(BIN, "muni-publish"), TMP))
