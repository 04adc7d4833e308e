#!/usr/bin/env python3
"""csv-spectrum, the npm package of CSV test cases, read by muni-fetch.

Every case of csv-spectrum is read by muni-fetch as a user would (the
encoding and the delimiter guessed), as it is and re-encoded as
Windows-1252, as UTF-16 with a BOM, with ';' as the delimiter, and with
CRLF line ends; the records must be the case's expected JSON.

The package is looked for in $MUNI_CSV_SPECTRUM, then in
$MUNI_BUILD/npm/node_modules/csv-spectrum (where 'scripts/quickstart
check', and so .ci/run, install it with npm), then in the source tree's
build/; without it every case is skipped, saying so.
"""
import csv
import io
import json
import os
import subprocess
import sys

BIN = os.environ.get("MUNI_BIN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "build")
BUILD = os.environ.get("MUNI_BUILD") or BIN
FETCH = os.path.join(BIN, "muni-fetch")

# Cases whose expected JSON is not what the CSV holds, and why.
WRONG_UPSTREAM = {
    "location_coordinates": (
        "its JSON is not the CSV's: one object, not a list of rows; the "
        "phone number 1234567890 where the CSV says 2095257564; U+FFFD "
        "where the CSV has the degree signs' bytes"),
}


def variants(text):
    """(name, bytes, transform of the expected values) for one case."""
    yield "as published", text.encode("utf-8"), lambda v: v
    try:
        yield "Windows-1252", text.encode("cp1252"), lambda v: v
    except UnicodeEncodeError as exc:
        yield ("Windows-1252", None, "%r has no Windows-1252 byte" %
               text[exc.start])
    yield "UTF-16 with BOM", b"\xff\xfe" + text.encode("utf-16-le"), \
        lambda v: v
    # The same records written with ';': csv.writer quotes what needs it.
    out = io.StringIO(newline="")
    ends = "\r\n" if "\r\n" in text else "\n"
    w = csv.writer(out, delimiter=";", lineterminator=ends)
    for row in csv.reader(io.StringIO(text, newline="")):
        w.writerow(row)
    yield "semicolons", out.getvalue().encode("utf-8"), lambda v: v
    crlf = text.replace("\r\n", "\n").replace("\n", "\r\n")
    yield "CRLF", crlf.encode("utf-8"), \
        lambda v: v.replace("\r\n", "\n").replace("\n", "\r\n")


def muni_rows(data):
    p = subprocess.run([FETCH, "-"], input=data, capture_output=True)
    if p.returncode != 0:
        return None, "status %d: %s" % (
            p.returncode, p.stderr.decode("utf-8", "replace").strip())
    rows = list(csv.reader(io.StringIO(p.stdout.decode("utf-8"),
                                       newline="")))
    if not rows:
        return [], None
    header = rows[0]
    return [dict(zip(header, r)) for r in rows[1:] if r], None


def main():
    root = os.environ.get("MUNI_CSV_SPECTRUM") or os.path.join(
        BUILD, "npm", "node_modules", "csv-spectrum")
    src = os.environ.get("MUNI_SRC")
    if not os.path.isdir(root) and src:
        # A second build tree (the sanitizers') uses the first one's.
        root = os.path.join(src, "build", "npm", "node_modules",
                            "csv-spectrum")
    if not os.path.isdir(os.path.join(root, "csvs")):
        print("1..0 # SKIP csv-spectrum not installed (npm install --prefix "
              "%s/npm csv-spectrum)" % BUILD)
        return 0
    if not os.access(FETCH, os.X_OK):
        print("1..0 # SKIP %s not built" % FETCH)
        return 0
    n = 0
    fail = 0
    for name in sorted(os.listdir(os.path.join(root, "csvs"))):
        case = name[:-4]
        with open(os.path.join(root, "csvs", name), newline="",
                  encoding="utf-8") as f:
            text = f.read()
        with open(os.path.join(root, "json", case + ".json"),
                  encoding="utf-8") as f:
            want = json.load(f)
        for vname, data, fix in variants(text):
            n += 1
            what = "%s (%s)" % (case, vname)
            if case in WRONG_UPSTREAM:
                print("ok %d - %s # SKIP %s" % (n, what,
                                                 WRONG_UPSTREAM[case]))
                continue
            if data is None:
                print("ok %d - %s # SKIP %s" % (n, what, fix))
                continue
            expect = [{k: fix(v) for k, v in row.items()} for row in want]
            got, err = muni_rows(data)
            if got == expect:
                print("ok %d - %s" % (n, what))
            else:
                fail = 1
                print("not ok %d - %s" % (n, what))
                print("# input: %r" % data)
                print("# want:  %r" % expect)
                print("# got:   %r" % (got if err is None else err))
    print("1..%d" % n)
    return fail


if __name__ == "__main__":
    sys.exit(main())
