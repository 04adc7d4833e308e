#!/usr/bin/env python3
"""muni-validate's reports of a file with an error in every row.

200000 rows, each with one bad date: past the errors a report holds in
memory (REPORT_HELD), the rest go to a spool on disk and are read back in
order. Each format is parsed by the library made for it (json, csv,
xml.etree, html.parser) and must list every error, row after row, with its
column; the peak memory of muni-validate (wait4's rusage) stays under
64 MiB, where holding the errors took some 260 MiB. A TMPDIR that cannot be
written makes the run fail with status 3 and a message, not a report cut
short.
"""
import csv
import html.parser
import io
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

BIN = os.environ.get("MUNI_BIN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "build")
VALIDATE = os.path.join(BIN, "muni-validate")
ROWS = 200000
# Under AddressSanitizer memory is no measure (its quarantine keeps what
# is freed): the bound is checked in the plain build only.
SANITIZED = "asan" in subprocess.run(["ldd", VALIDATE], capture_output=True,
                                     text=True).stdout
n = 0
failed = 0


def ok(good, name, detail=""):
    global n, failed
    n += 1
    print(f"{'ok' if good else 'not ok'} {n} - {name}")
    if not good:
        failed += 1
        for line in str(detail).splitlines()[:20]:
            print(f"# {line}")


def skip(name, why):
    global n
    n += 1
    print(f"ok {n} - {name} # SKIP {why}")


class Rows(html.parser.HTMLParser):
    """The first cell of each row of the tables of class "errors"."""

    def __init__(self):
        super().__init__()
        self.rows, self.inside, self.cell, self.text = [], False, 0, ""

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.inside = ("class", "errors") in attrs
        elif tag == "tr":
            self.cell = 0
        elif tag == "td":
            self.cell += 1
            self.text = ""

    def handle_endtag(self, tag):
        if tag == "td" and self.inside and self.cell == 1:
            self.rows.append(self.text)

    def handle_data(self, data):
        self.text += data


def rows_of(fmt, out):
    """The row numbers a report lists, in its order."""
    if fmt == "json":
        return [e["rowNumber"] for e in json.loads(out)["tasks"][0]["errors"]]
    if fmt == "csv":
        return [int(r["row"]) for r in csv.DictReader(io.StringIO(out))]
    if fmt == "junit":
        text = ET.fromstring(out).find(".//failure").text
        return [int(line.split()[1].rstrip(","))
                for line in text.splitlines() if line.startswith("row ")]
    if fmt == "html":
        p = Rows()
        p.feed(out)
        return [int(r) for r in p.rows]
    # text and github: "...:ROW: field 'date'..." / "row ROW: field 'date'"
    got = []
    for line in out.splitlines():
        if "field 'date'" in line:
            word = line.split("row ")[1] if fmt == "github" else \
                line.split(":")[1]
            got.append(int(word.split(":")[0].strip()))
    return got


def main():
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "data.csv")
        schema = os.path.join(d, "schema.json")
        with open(schema, "w") as f:
            json.dump({"fields": [{"name": "id", "type": "integer"},
                                  {"name": "date", "type": "date"}]}, f)
        with open(data, "w") as f:
            f.write("id,date\n")
            for i in range(ROWS):
                f.write(f"{i},31/02/2024\n")
        want = list(range(2, ROWS + 2))
        # Every run first, while this process is small (a child's peak
        # counts what it was forked with), then the reports read.
        runs = {}
        for fmt in ("json", "csv", "junit", "html", "github", "text"):
            with open(os.path.join(d, "err." + fmt), "wb") as err:
                p = subprocess.Popen([VALIDATE, "-s", schema, "-f", fmt,
                                      "--limit-errors", "0", "-r",
                                      os.path.join(d, "report." + fmt),
                                      data], stdout=subprocess.DEVNULL,
                                     stderr=err)
                _, status, usage = os.wait4(p.pid, 0)
                p.returncode = os.waitstatus_to_exitcode(status)
            runs[fmt] = (p.returncode, usage.ru_maxrss // 1024)
        for fmt, (rc, peak) in runs.items():
            with open(os.path.join(d, "report." + fmt),
                      encoding="utf-8") as f:
                out = f.read()
            with open(os.path.join(d, "err." + fmt)) as f:
                err = f.read()[-2000:]
            try:
                got = rows_of(fmt, out)
            except Exception as exc:  # a report that does not parse
                got = f"the report does not parse: {exc}"
            ok(rc == 1 and got == want,
               f"-f {fmt}: all {ROWS} errors, in row order, the "
               f"{ROWS - 4096} past those held read back from the spool",
               err + (got if isinstance(got, str)
                      else f"{len(got)} rows listed"))
            if SANITIZED:
                skip(f"-f {fmt}: peak memory", "a sanitizer build")
            else:
                ok(peak < 64, f"-f {fmt}: peak memory {peak} MiB (under 64)")
        env = dict(os.environ, TMPDIR=os.path.join(d, "missing"))
        p = subprocess.run([VALIDATE, "-s", schema, "-f", "json",
                            "--limit-errors", "0", data], env=env,
                           capture_output=True, timeout=600)
        ok(p.returncode == 3 and b"spool" in p.stderr,
           "a TMPDIR that cannot be written: status 3, the spool named",
           p.stderr.decode()[-500:])
    print(f"1..{n}")
    return 1 if failed else 0


sys.exit(main())
