#!/usr/bin/env python3
"""The catalogue's index.html as a dashboard, against the catalogue.

Three datasets are published: one daily, last published 20 days ago
(SOURCE_DATE_EPOCH), so 19 days late; one annual, published twice (its
rows grew), up to date; one published with --allow-invalid and personal
data declared. The root page must say, for each, what catalog.db and the
metadata say: freshness against the frequency, validity, rows and their
change, licence, personal data; the counts above the table. Then in
Chromium: the script counts the freshness again on the day (the same
here), the filter hides the rows that do not match and the counts follow,
a click on a column header sorts by it; and without the script the table
is whole (the filter stays hidden).

usage: dashboard.py   (MUNI_BIN: where the tools are)
"""
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("MUNI_SRC") or os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))
BIN = os.environ.get("MUNI_BIN") or SRC
BUILD = os.environ.get("MUNI_BUILD") or BIN
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import chromium, main, ok, skip  # noqa: E402

TMP = tempfile.mkdtemp(prefix="muni-dashboard.")
SCHEMA = {"fields": [{"name": "id", "type": "integer"},
                     {"name": "nom", "type": "string",
                      "constraints": {"maxLength": 20}}]}


def publish(name, freq, rows, extra=(), meta_extra=None, epoch=None):
    data = os.path.join(TMP, name + ".csv")
    with open(data, "w") as f:
        f.write("id,nom\n" + "".join("%d,%s\n" % (i, n) for i, n in rows))
    meta = {"name": name, "title": "Jeu %s" % name,
            "description": "Les %s." % name, "license": "etalab-2.0",
            "producer": {"name": "Ville", "siret": "21380185500015"},
            "base_url": "https://data.exemple.fr/", "frequency": freq}
    meta.update(meta_extra or {})
    with open(os.path.join(TMP, name + ".meta.json"), "w") as f:
        json.dump(meta, f)
    with open(os.path.join(TMP, "schema.json"), "w") as f:
        json.dump(SCHEMA, f)
    env = dict(os.environ, LC_ALL="C.UTF-8")
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    p = subprocess.run([os.path.join(BIN, "muni-publish"), "-s",
                        os.path.join(TMP, "schema.json"), "-m",
                        os.path.join(TMP, name + ".meta.json"), "-t",
                        os.path.join(TMP, "pub")] + list(extra) + [data],
                       capture_output=True, env=env)
    return p.returncode, p.stderr.decode(errors="replace")


def cells(page):
    """The rows of the table: {dataset: [cell texts]}."""
    out = {}
    for tr in re.findall(r"<tr data-interval.*?</tr>", page, re.S):
        name = re.search(r'<a href="([^/"]+)/">', tr).group(1)
        tds = re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        out[name] = [re.sub(r"<[^>]+>", "", t) for t in tds]
    return out


BROWSER = r"""
import { pathToFileURL } from 'node:url';
const [page, helper] = process.argv.slice(2);
const { launch } = await import(pathToFileURL(helper));
const b = await launch();
const out = {};
const p = await b.newPage();
const errors = [];
p.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
p.on('pageerror', e => errors.push(String(e)));
await p.goto('file://' + page);
const state = () => p.evaluate(() => ({
  tools: !document.getElementById('tools').hidden,
  names: [...document.querySelectorAll('#datasets tbody tr')]
    .filter(r => !r.hidden).map(r => r.querySelector('a').textContent),
  fresh: [...document.querySelectorAll('#datasets tbody tr .fresh')]
    .map(c => c.textContent),
  ok: document.getElementById('n-ok').textContent,
  late: document.getElementById('n-late').textContent }));
out.start = await state();
await p.fill('#filter', 'jeu b');
out.filtered = await state();
await p.fill('#filter', '');
await p.click('#datasets thead th:nth-child(4) button');
out.sorted = await state();
await p.click('#datasets thead th:nth-child(4) button');
out.reversed = await state();
out.errors = errors;
const q = await b.newPage({ javaScriptEnabled: false });
await q.goto('file://' + page);
out.noscript = await q.evaluate(() => ({
  rows: document.querySelectorAll('#datasets tbody tr').length,
  tools: !document.getElementById('tools').hidden }));
console.log(JSON.stringify(out));
await b.close();
"""


def run():
    day = 86400
    st, err = publish("a", "daily", [(1, "x"), (2, "y")],
                      epoch=int(time.time()) - 20 * day)
    st2, err2 = publish("b", "annual", [(1, "x")])
    time.sleep(1)
    st3, err3 = publish("b", "annual", [(1, "x"), (2, "y"), (3, "z")])
    st4, err4 = publish("c", "monthly", [(1, "un nom bien trop long "
                                          "pour la contrainte")],
                        ["--allow-invalid"],
                        {"personal_data": {"contains": True,
                                           "legal_basis": "mission"}})
    if st or st2 or st3 or st4:
        ok(False, "three datasets published", err + err2 + err3 + err4)
        return
    page = open(os.path.join(TMP, "pub", "index.html"),
                encoding="utf-8").read()
    db = sqlite3.connect(os.path.join(TMP, "pub", "catalog.db"))
    rows = dict(db.execute("SELECT d.name, v.rows FROM datasets d JOIN "
                           "versions v ON v.dataset = d.name AND "
                           "v.stamp = d.current"))
    db.close()
    c = cells(page)
    want = {
        "a": ["en retard de 19 jours", "valide", str(rows["a"]),
              "première version"],
        "b": ["à jour", "valide", str(rows["b"]), "▲ +2"],
        "c": ["à jour", "non valide (publiée quand même)", str(rows["c"]),
              "première version"],
    }
    bad = ["%s: %s / %s" % (k, c.get(k, [])[:4], w) for k, w in
           want.items() if c.get(k, [])[:4] != w]
    ok(not bad, "each dataset's freshness, validity, rows and change, as "
       "the catalogue and the frequencies say", "\n".join(bad))
    ok(c.get("c", [""] * 6)[5].startswith("oui") and c["a"][5] == "non" and
       c["a"][4] == "Licence Ouverte / Open Licence version 2.0",
       "licence and personal data", str(c))
    ok('<span id="n-ok">2</span>' in page and
       '<span id="n-late" class="late">1</span>' in page and
       '<span id="n-invalid">1</span>' in page,
       "the counts above the table: 2 up to date, 1 late, 1 invalid",
       re.search(r'<p id="summary">.*?</p>', page).group(0))

    found = chromium(SRC, BUILD)
    if not found:
        for what in ("the script", "filter", "sort", "without script"):
            skip("Chromium: " + what, "chromium, node or playwright-core "
                 "absent")
        return
    browser, modules = found
    script = os.path.join(TMP, "browser.mjs")
    with open(script, "w") as f:
        f.write(BROWSER)
    p = subprocess.run(["node", script, os.path.join(TMP, "pub",
                                                     "index.html"),
                        os.path.join(SRC, "tests", "chromium.mjs")],
                       capture_output=True, env=dict(os.environ,
                                                     CHROMIUM=browser,
                                                     NODE_PATH=modules))
    try:
        r = json.loads(p.stdout)
    except ValueError:
        ok(False, "Chromium: the dashboard's script", p.stderr.decode())
        return
    s = r["start"]
    ok(s["tools"] and s["fresh"] == ["en retard de 19 jours", "à jour",
                                     "à jour"] and s["ok"] == "2" and
       s["late"] == "1" and not r["errors"],
       "Chromium: the script counts freshness again on the day, the same; "
       "no console error", json.dumps(r))
    f = r["filtered"]
    ok(f["names"] == ["Jeu b"] and f["ok"] == "1" and f["late"] == "0",
       "Chromium: the filter keeps the matching rows, the counts follow",
       json.dumps(f))
    order = [int(rows[n[-1]]) for n in r["sorted"]["names"]]
    back = [int(rows[n[-1]]) for n in r["reversed"]["names"]]
    ok(order == sorted(order) and back == sorted(back, reverse=True) and
       len(order) == 3, "Chromium: a click on Lignes sorts by rows, a "
       "second the other way", json.dumps(r["sorted"]))
    ok(r["noscript"] == {"rows": 3, "tools": False},
       "Chromium without script: the whole table, no filter shown",
       json.dumps(r["noscript"]))


if __name__ == "__main__":
    sys.exit(main(run, os.path.join(BIN, "muni-publish"), TMP))
