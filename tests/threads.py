#!/usr/bin/env python3
"""muni-validate --threads N: the same output, byte for byte, for every N.

Two parts:
  - the command-line cases of the tools that validate (tests/validate,
    tests/muni, tests/publish) run again
    with MUNI_THREADS=4 and batches of one row, then MUNI_THREADS=2 and
    batches of three (MUNI_TEST_BATCH_ROWS): the expectations, written
    with one thread, must hold;
  - a generated table of a few thousand rows holding every kind of error
    the validator settles in the rows' order (unique values, a composite
    primary key, a foreign key, a pattern's budget of undecided values)
    beside the per-row ones (types, constraints, enum, blank rows,
    missing and extra cells), validated with 1, 2, 3 and 4 threads, in
    every report format, with and without --limit-errors, --limit-rows,
    --rejects and --valid-rows: standard output, standard error, the
    exit status, the report and the rejects file must be the same bytes
    as with one thread.

usage: threads.py   (MUNI_BIN: where the tools are)
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("MUNI_SRC") or os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))
BIN = os.environ.get("MUNI_BIN") or SRC
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import ok, plan  # noqa: E402

TMP = tempfile.mkdtemp(prefix="muni-threads.")




def cases():
    """The suite's cases under several threads and small batches."""
    for threads, rows in ((4, 1), (2, 3)):
        env = dict(os.environ, MUNI_THREADS=str(threads),
                   MUNI_TEST_BATCH_ROWS=str(rows))
        dirs = sorted(d for tool in ("validate", "muni", "publish")
                      for d in [os.path.join(SRC, "tests", tool, c)
                                for c in os.listdir(os.path.join(
                                    SRC, "tests", tool))]
                      if os.path.basename(d)[:4].isdigit() and
                      os.path.isfile(os.path.join(d, "cmd")))
        p = subprocess.run([os.path.join(SRC, "scripts", "run-case")] + dirs,
                           env=env, capture_output=True, text=True)
        bad = [line for line in p.stdout.splitlines()
               if line.startswith("not ok")]
        passed = sum(1 for line in p.stdout.splitlines()
                     if line.startswith("ok"))
        ok(not bad and passed > 100,
           f"{passed} cases pass with MUNI_THREADS={threads} and batches "
           f"of {rows} row(s)", "\n".join(bad) or p.stderr)


SCHEMA = """{
  "fields": [
    {"name": "id", "type": "integer", "constraints": {"unique": true}},
    {"name": "code", "type": "string",
     "constraints": {"required": true, "pattern": "[A-Z]{3}[0-9]{2}"}},
    {"name": "nom", "type": "string",
     "constraints": {"minLength": 2, "maxLength": 12}},
    {"name": "montant", "type": "number",
     "constraints": {"minimum": 0, "maximum": 1000}},
    {"name": "date", "type": "date"},
    {"name": "genre", "type": "string",
     "constraints": {"enum": ["a", "b", "c"]}},
    {"name": "commune", "type": "string"},
    {"name": "siret", "type": "string",
     "constraints": {"pattern": "[0-9]{14}"}},
    {"name": "motif", "type": "string", "constraints": {"pattern": "(a+)+$"}}
  ],
  "primaryKey": ["code", "date"],
  "foreignKeys": [{"fields": ["commune"],
                   "reference": {"resource": "communes",
                                 "fields": ["insee"]}}]
}
"""


def cell(rng, field, row):
    """A value of field, valid most of the time."""
    bad = rng.random() < 0.08
    if field == "id":
        return str(rng.randrange(1, 60000)) if not bad else "x%d" % row
    if field == "code":
        if bad:
            return rng.choice(["", "abc12", "ABC1", "ABCD12"])
        return "%s%02d" % (rng.choice(["ABC", "DEF", "GHI"]),
                           rng.randrange(100))
    if field == "nom":
        return rng.choice(["É", "Ville de Lyon et environs", "Marie",
                           "Œuvre", "a\nb", "x"]) if bad else "Nom %d" % (
                               row % 97)
    if field == "montant":
        return rng.choice(["-1", "1 000,5", "1e9", "abc"]) if bad else \
            "%.2f" % rng.uniform(0, 1000)
    if field == "date":
        return rng.choice(["2024-02-30", "31/12/2024", ""]) if bad else \
            "2024-%02d-%02d" % (rng.randrange(1, 13), rng.randrange(1, 29))
    if field == "genre":
        return rng.choice(["d", "A", ""]) if bad else rng.choice("abc")
    if field == "commune":
        return rng.choice(["99999", "2A004"]) if bad else rng.choice(
            ["69123", "75056", "13055"])
    if field == "siret":
        return rng.choice(["1234567890123", "1234567890123X"]) if bad else \
            "%014d" % rng.randrange(10 ** 13)
    if field == "motif":
        if rng.random() < 0.002:
            return "a" * 40 + "b"       # undecided by PCRE2
        return "b" if bad else "aaa"
    raise KeyError(field)


def table(path, rows, seed):
    rng = random.Random(seed)
    names = ["id", "code", "nom", "montant", "date", "genre", "commune",
             "siret", "motif"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(names) + "\n")
        for row in range(2, rows + 2):
            r = rng.random()
            if r < 0.01:
                f.write("\n")           # a blank row
                continue
            cells = [cell(rng, name, row) for name in names]
            if r < 0.02:
                cells = cells[:rng.randrange(1, len(cells))]
            elif r < 0.03:
                cells.append("de trop")
            f.write(",".join('"%s"' % c.replace('"', '""') if any(
                ch in c for ch in ',"\n') else c for c in cells) + "\n")


def run(args, env):
    p = subprocess.run([os.path.join(BIN, "muni-validate")] + args,
                       capture_output=True, env=env, cwd=TMP)
    return p.returncode, p.stdout, p.stderr


def outputs(args, threads, rows):
    """What muni-validate args wrote, with --threads threads."""
    env = dict(os.environ, MUNI_TEST_SECONDS="1", LC_ALL="C.UTF-8")
    env.pop("MUNI_THREADS", None)
    if rows:
        env["MUNI_TEST_BATCH_ROWS"] = str(rows)
    else:
        env.pop("MUNI_TEST_BATCH_ROWS", None)
    files = {}
    for name in ("report", "rejects.csv"):
        if os.path.exists(os.path.join(TMP, name)):
            os.unlink(os.path.join(TMP, name))
    status, out, err = run(args + ["--threads", str(threads)], env)
    for name in ("report", "rejects.csv"):
        p = os.path.join(TMP, name)
        if os.path.exists(p):
            with open(p, "rb") as f:
                files[name] = f.read()
    return status, out, err, files


def differential():
    with open(os.path.join(TMP, "s.json"), "w") as f:
        f.write(SCHEMA)
    with open(os.path.join(TMP, "communes.csv"), "w") as f:
        f.write("insee,nom\n69123,Lyon\n75056,Paris\n13055,Marseille\n")
    table(os.path.join(TMP, "t.csv"), 6000, 7)
    base = ["-s", "s.json", "--resource", "communes=communes.csv",
            "--max-regex-work", "3"]
    runs = []
    for fmt in ("text", "json", "csv", "html", "junit", "github"):
        runs.append(base + ["-f", fmt, "--limit-errors", "0", "-r",
                            "report", "t.csv"])
    runs.append(base + ["--limit-errors", "150", "-r", "report", "t.csv"])
    runs.append(base + ["--summary", "--limit-rows", "2500", "t.csv"])
    runs.append(base + ["-f", "json", "--rejects", "rejects.csv",
                        "--valid-rows", "t.csv"])
    runs.append(base + ["--pick-errors", "unique-error,primary-key",
                        "-f", "csv", "t.csv"])
    for args in runs:
        want = outputs(args, 1, 0)
        kinds = want[2].count(b"\n") + sum(len(v) for v in want[3].values())
        same = True
        why = ""
        for threads, rows in ((2, 0), (4, 0), (3, 1), (2, 7)):
            got = outputs(args, threads, rows)
            if got != want:
                same = False
                for what, a, b in (("status", want[0], got[0]),
                                   ("stdout", want[1], got[1]),
                                   ("stderr", want[2], got[2]),
                                   ("files", want[3], got[3])):
                    if a != b:
                        why += f"threads {threads}, batches of {rows}: " \
                               f"{what} differs\n"
        ok(same and want[0] == 1 and kinds > 0,
           "the same output with 1, 2, 3 and 4 threads: muni-validate "
           + " ".join(args[len(base):]), why or f"status {want[0]}")


def errors():
    env = dict(os.environ)
    for bad in ("0", "65", "x", "-1", ""):
        status, out, err = run(["--threads", bad, "-"], env)
        ok(status == 2 and not out and b"--threads" in err,
           f"--threads '{bad}' is a usage error", err.decode(errors="replace"))


def main():
    if not os.path.exists(os.path.join(BIN, "muni-validate")):
        print("1..0 # SKIP muni-validate is not built")
        return 0
    try:
        errors()
        differential()
        cases()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    return plan()


if __name__ == "__main__":
    sys.exit(main())
