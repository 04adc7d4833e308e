#!/usr/bin/env python3
"""Differential test of the CSV reader against Python's csv module.

Generated CSV texts over the alphabet , ; " CR LF space a e-acute (seeded,
so every run reads the same texts) are each read by muni-fetch and by
csv.reader; the records must be the same. A difference is a failure,
printed with the input bytes.

The one deliberate difference, and its reason, is DIFFERENCES below; every
case it covers is still checked to be what it says.

MUNI_DIFF_CASES sets the number of texts (default 2000), MUNI_DIFF_SEED
the seed.
"""
import concurrent.futures
import csv
import io
import os
import random
import subprocess
import sys

BIN = os.environ.get("MUNI_BIN") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "build")
FETCH = os.path.join(BIN, "muni-fetch")
CASES = int(os.environ.get("MUNI_DIFF_CASES", "2000"))
SEED = int(os.environ.get("MUNI_DIFF_SEED", "20261201"))
ALPHABET = [",", ";", '"', "\r", "\n", " ", "a", "\u00e9"]

# Where muni reads otherwise than csv.reader, and why. Nothing else may
# differ.
DIFFERENCES = {
    "unterminated": (
        "a quoted field still open at the end of the input: csv.reader "
        "(strict=False) returns what it holds as a field; muni refuses the "
        "file (status 1, 'the input ends inside a quoted field'), because "
        "a missing quote usually means rows were merged and silently "
        "taking them would lose them"),
}


def ends_in_quotes(text, delim):
    """Whether csv.reader's automaton (strict=False) ends inside quotes."""
    state = "start_field"
    for c in text:
        if state == "quoted":
            if c == '"':
                state = "quote_in_quoted"
        elif state == "quote_in_quoted":
            if c == '"':
                state = "quoted"
            elif c == delim or c in "\r\n":
                state = "start_field"
            else:
                state = "field"
        elif state == "field":
            if c == delim or c in "\r\n":
                state = "start_field"
        else:  # start of a field
            if c == '"':
                state = "quoted"
            elif c not in "\r\n" and c != delim:
                state = "field"
    return state == "quoted"


def python_records(text, delim):
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""),
                                         delimiter=delim)]


def muni_records(data, delim):
    p = subprocess.run([FETCH, "-e", "utf-8", "-d", delim, "-"],
                       input=data, capture_output=True)
    if p.returncode != 0:
        return p.returncode, p.stderr.decode("utf-8", "replace"), None
    # The canonical CSV muni writes is read back by csv.reader: it is
    # RFC 4180, where csv.reader is exact.
    return 0, p.stderr.decode("utf-8", "replace"), python_records(
        p.stdout.decode("utf-8"), ",")


def generate(rng):
    n = rng.choice([rng.randint(0, 8), rng.randint(0, 40)])
    # Quotes and delimiters often: the interesting cases are made of them.
    weights = [4, 2, 4, 1, 3, 2, 4, 1]
    text = "".join(rng.choices(ALPHABET, weights, k=n))
    return text, rng.choice([",", ";"])


def run_case(i, text, delim):
    data = text.encode("utf-8")
    want = python_records(text, delim)
    status, err, got = muni_records(data, delim)
    if status == 0 and got == want:
        return None, None
    if (status == 1 and ends_in_quotes(text, delim) and
            "ends inside a quoted field" in err):
        return "unterminated", None
    return None, ("case %d, delimiter %r, input %r:\n  csv.reader: %r\n"
                  "  muni-fetch: status %d, %r\n  stderr: %s" %
                  (i, delim, data, want, status, got, err.strip()))


def main():
    if not os.access(FETCH, os.X_OK):
        print("1..0 # SKIP %s not built" % FETCH)
        return 0
    rng = random.Random(SEED)
    cases = [generate(rng) for _ in range(CASES)]
    # Hand-picked texts first: the leniencies muni(7) documents.
    cases[:0] = [
        ('nom,montant\n"Association A" ,100\n"Association B",200\n'
         '"Association C",300\n', ","),
        ('a,b,c\n1"2,3\n', ","),
        ('a,b\n"x\\"y",2\n', ","),
        ('a,b,c\n1,"Hey, I missed " it",3\n', ","),
        ('a\n"x"y"z"\n', ","),
        ('\r\n\r\r\n"a"\r"b"', ","),
    ]
    failures = []
    kept = {k: 0 for k in DIFFERENCES}
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as ex:
        results = list(ex.map(lambda a: run_case(a[0], *a[1]),
                              enumerate(cases)))
    for kind, failure in results:
        if kind:
            kept[kind] += 1
        if failure:
            failures.append(failure)
    n = 0
    n += 1
    if failures:
        print("not ok %d - %d texts read as csv.reader reads them "
              "(%d differ)" % (n, len(cases), len(failures)))
        for f in failures[:20]:
            print("# " + f.replace("\n", "\n# "))
    else:
        print("ok %d - %d texts read as csv.reader reads them" %
              (n, len(cases)))
    for kind, why in DIFFERENCES.items():
        n += 1
        print("ok %d - deliberate difference '%s' in %d texts: %s" %
              (n, kind, kept[kind], why))
    print("1..%d" % n)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
