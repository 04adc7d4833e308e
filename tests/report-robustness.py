#!/usr/bin/env python3
"""Every report stays well-formed, whatever the data.

A table whose cells hold every character XML 1.0 forbids, a NUL byte, a
5000-character value made of e-acute, quotes, <script> and a spreadsheet
formula is validated in every report format; each report is parsed by a
strict parser (Python's json, xmllint for JUnit, an HTML tag-balance check
and, when installed, Chromium), and must parse and hold what it should.
Then a report that cannot be written (standard error on /dev/full) is
status 3.
"""
import csv
import html.parser
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

BIN = os.environ.get("MUNI_BIN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "build")
VALIDATE = os.path.join(BIN, "muni-validate")
FORBIDDEN = [c for c in range(0x20) if c not in (9, 10, 13)] + [0x7f]
LONG = "\u00e9" * 5000
FORMULA = "=cmd|' /C calc'!A0"

n = 0
failed = 0


def check(what, cond, detail=""):
    global n, failed
    n += 1
    if cond:
        print("ok %d - %s" % (n, what))
    else:
        failed = 1
        print("not ok %d - %s" % (n, what))
        for line in str(detail).splitlines()[:15]:
            print("# " + line)


def table():
    """The rows, as text, and the CSV bytes holding them."""
    rows = [("%d" % c, "a%sb" % chr(c)) for c in FORBIDDEN]
    rows += [
        ("100", "a\x00b"),
        ("101", LONG),
        ("102", 'des "guillemets" et \'apostrophes\''),
        ("103", "<script>document.title='pwned'</script>"),
        ("104", FORMULA),
        ("105", "\ufffe\uffff"),
        ("106", "+33 6 12 34 56 78"),
    ]
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["id", "texte"])
    for r in rows:
        w.writerow(r)
    return rows, out.getvalue().encode("utf-8")


class Balance(html.parser.HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input",
            "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.errors = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" % (
                tag, self.stack[-1] if self.stack else "nothing"))
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def run(t, fmt, *extra):
    p = subprocess.run([VALIDATE, "-q", "-f", fmt, "-r",
                        os.path.join(t, "report." + fmt), "-s",
                        os.path.join(t, "schema.json"),
                        os.path.join(t, "data.csv")] + list(extra),
                       capture_output=True)
    path = os.path.join(t, "report." + fmt)
    data = open(path, "rb").read() if os.path.exists(path) else b""
    return p.returncode, data, p.stderr


def no_forbidden(data):
    return not any(b < 0x20 and b not in (9, 10, 13) for b in data) and \
        b"\xef\xbf\xbe" not in data and b"\xef\xbf\xbf" not in data


def main():
    if not os.access(VALIDATE, os.X_OK):
        print("1..0 # SKIP %s not built" % VALIDATE)
        return 0
    t = tempfile.mkdtemp()
    try:
        rows, data = table()
        with open(os.path.join(t, "data.csv"), "wb") as f:
            f.write(data)
        with open(os.path.join(t, "schema.json"), "w") as f:
            json.dump({"fields": [
                {"name": "id", "type": "integer"},
                {"name": "texte", "constraints": {"pattern": "^[0-9]+$"}}]},
                f)
        nerr = len(rows)

        status, rep, err = run(t, "json")
        try:
            doc = json.loads(rep.decode("utf-8"))
            errs = doc["tasks"][0]["errors"]
            cells = {e.get("rowNumber"): e.get("cell") for e in errs}
            parsed = True
        except (ValueError, KeyError, IndexError) as exc:
            parsed, errs, cells = False, [], {}
            err += str(exc).encode()
        check("json: status 1 and the report parses", status == 1 and parsed,
              err.decode("utf-8", "replace"))
        check("json: one error a row (%d)" % nerr, len(errs) == nerr,
              len(errs))
        check("json: the cell with a NUL is whole", "a\x00b" in
              cells.values(), [c for c in cells.values() if c and
                               c.startswith("a")][:3])
        check("json: the 5000-character cell is whole", LONG in
              cells.values())
        msgs = [e["message"] for e in errs]
        check("json: messages hold no control code and are not cut "
              "inside a character",
              all(no_forbidden(m.encode("utf-8")) for m in msgs) and
              any("\u00e9" * 60 + "\u2026" in m for m in msgs),
              "\n".join(m[:120] for m in msgs[:5]))
        check("json: a control code shows as \\u0001 in messages",
              any("a\\u0001b" in m for m in msgs),
              "\n".join(msgs[:3]))

        status, rep, err = run(t, "junit")
        p = subprocess.run(["xmllint", "--noout", "-"], input=rep,
                           capture_output=True) \
            if shutil.which("xmllint") else None
        if p is None:
            n_skip = "xmllint not installed (apt-get install libxml2-utils)"
            print("ok %d - junit: well-formed XML # SKIP %s" % (n + 1,
                                                                 n_skip))
            globals()["n"] += 1
        else:
            check("junit: status 1 and xmllint finds it well-formed",
                  status == 1 and p.returncode == 0 and rep,
                  p.stderr.decode("utf-8", "replace"))
        check("junit: no forbidden character, the NUL row shown as a\\u0000b",
              no_forbidden(rep) and b"a\\u0000b" in rep, rep[:300])

        status, rep, err = run(t, "html")
        b = Balance()
        b.feed(rep.decode("utf-8"))
        b.close()
        text = "".join(b.text)
        check("html: status 1, every element closed in order",
              status == 1 and not b.errors and b.stack == [],
              "\n".join(b.errors[:10]) + " open: %r" % b.stack)
        check("html: no forbidden character, no script from the data",
              no_forbidden(rep) and b"<script>document" not in rep and
              "<script>document.title='pwned'</script>" in text,
              rep[:200])
        check("html: NUL and control codes shown as \\u0000, \\u0001",
              "a\\u0000b" in text and "a\\u0001b" in text)
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium:
            p = subprocess.run([
                chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + os.path.join(t, "profile"),
                "--dump-dom", "file://" + os.path.join(t, "report.html")],
                capture_output=True, timeout=120)
            dom = p.stdout.decode("utf-8", "replace")
            check("html: Chromium renders it, the title is the report's",
                  "<title>Validation report" in dom and "pwned" not in
                  dom.split("</title>")[0], dom[:300])
        else:
            globals()["n"] += 1
            print("ok %d - html: in Chromium # SKIP chromium not installed"
                  % n)

        status, rep, err = run(t, "csv")
        try:
            got = list(csv.reader(io.StringIO(rep.decode("utf-8"),
                                              newline="")))
            parsed = True
        except (ValueError, csv.Error) as exc:
            parsed, got = False, []
            err += str(exc).encode()
        check("csv: status 1, %d lines of 6 cells" % (nerr + 1),
              status == 1 and parsed and len(got) == nerr + 1 and
              all(len(r) == 6 for r in got), got[:3])
        risky = [r for r in got[1:] for c in (r[3], r[4], r[5])
                 if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        check("csv: no cell muni writes starts a formula",
              not risky, risky[:3])
        check("csv: the formula is kept, neutralised",
              any(r[4] == "'" + FORMULA for r in got), [r[4] for r in got
                                                        if "cmd" in r[4]])
        check("csv: no forbidden character", no_forbidden(rep))
        p = subprocess.run([os.path.join(BIN, "muni-fetch"),
                            os.path.join(t, "report.csv")],
                           capture_output=True)
        check("csv: muni-fetch reads the report back", p.returncode == 0,
              p.stderr.decode("utf-8", "replace"))

        status, rep, err = run(t, "github")
        lines = rep.decode("utf-8").split("\n")
        check("github: status 1, one annotation a line, no control code",
              status == 1 and no_forbidden(rep) and
              sum(1 for x in lines if x.startswith("::error")) == nerr,
              rep[:300])

        p = subprocess.run([VALIDATE, "-s", os.path.join(t, "schema.json"),
                            os.path.join(t, "data.csv")],
                           capture_output=True)
        out = p.stderr
        check("text: status 1, one line an error and a summary, no "
              "control code",
              p.returncode == 1 and no_forbidden(out) and
              out.count(b"\n") == nerr + 1, out[:300])

        # A report that cannot be written is status 3, never a silent 0.
        for fmt in ("json", "text", "csv"):
            with open("/dev/full", "wb") as full:
                p = subprocess.run([VALIDATE, "-f", fmt, "-s",
                                    os.path.join(t, "schema.json"),
                                    os.path.join(t, "data.csv")],
                                   stdout=subprocess.DEVNULL, stderr=full)
            check("%s report to a full standard error: status 3" % fmt,
                  p.returncode == 3, p.returncode)
    finally:
        shutil.rmtree(t)
    print("1..%d" % n)
    return failed


if __name__ == "__main__":
    sys.exit(main())
