#!/usr/bin/env python3
"""man-examples: every entry of the EXAMPLES section of every manual page is
a test case.

The pages are rendered by mandoc, so that what is checked is what a reader
sees (an escape that renders wrong is caught). A command example ("$ muni
...", or the lines of a script) must appear word for word in the cmd of a
case under tests/TOOL/ (or in a test script, tests/*.sh or *.py), once the case's scratch folder ($T/) is taken out
and the machine's paths of the examples (/srv/opendata, /etc/muni/key,
/var/lib/muni/state.db, https://erp.example/) are read as the case's
(opendata, key, state.db, $URL/). A file example (a JSON block) must be
read by a case through this script:

    tests/man-examples.py --block PAGE N     print the Nth file example of PAGE

Without arguments: TAP, one line for each example.
"""
import glob
import os
import re
import subprocess
import sys

SRC = os.environ.get("MUNI_SRC") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))

# The machine's paths in the examples, and what a case calls them.
MACHINE = [("/srv/opendata", "opendata"), ("/etc/muni/key", "key"),
           ("/var/lib/muni/state.db", "state.db"),
           ("https://erp.example/", "$URL/")]


def render(page):
    out = subprocess.run(["mandoc", "-Tutf8", "-O", "width=1000", page],
                         capture_output=True, text=True, check=True).stdout
    return re.sub(".\x08", "", out)


def examples(page):
    """The EXAMPLES of a page: ("command", [lines]) or ("file", text)."""
    text = render(page).split("\n")
    try:
        start = text.index("EXAMPLES")
    except ValueError:
        return []
    groups, cur = [], []
    for line in text[start + 1:]:
        if line and not line.startswith(" "):
            break
        if line.startswith(" " * 11):
            cur.append(line[11:])
        else:
            if cur:
                groups.append(cur)
            cur = []
    if cur:
        groups.append(cur)
    found = []
    for g in groups:
        if g[0].lstrip().startswith("{"):
            found.append(("file", "\n".join(g) + "\n"))
            continue
        cmds, cmd = [], ""
        for line in g:
            if line.startswith("$ ") and not cmd.endswith(("\\", "|")):
                if cmd:
                    cmds.append(cmd)
                cmd = line[2:]
            elif cmd.endswith(("\\", "|")) or line.lstrip().startswith("|"):
                cmd = cmd.rstrip("\\") + " " + line
            else:
                if cmd:
                    cmds.append(cmd)
                cmd = line
        if cmd:
            cmds.append(cmd)
        found.append(("command", [squeeze(c) for c in cmds]))
    return found


def squeeze(s):
    return " ".join(s.split())


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--block":
        files = [e for k, e in examples(os.path.join(SRC, "man", sys.argv[2]))
                 if k == "file"]
        sys.stdout.write(files[int(sys.argv[3]) - 1])
        return 0
    cases = {}
    for cmd in sorted(glob.glob(os.path.join(SRC, "tests", "*", "*", "cmd"))):
        with open(cmd, encoding="utf-8") as f:
            cases[os.path.relpath(os.path.dirname(cmd), SRC)] = f.read()
    for script in sorted(glob.glob(os.path.join(SRC, "tests", "*.sh")) +
                         glob.glob(os.path.join(SRC, "tests", "*.py"))):
        with open(script, encoding="utf-8") as f:
            cases[os.path.relpath(script, SRC)] = f.read().replace(
                "\\\n", " ")
    plain = {c: squeeze(t.replace("$T/", "")) for c, t in cases.items()}
    n = failed = 0
    for page in sorted(glob.glob(os.path.join(SRC, "man", "*.[157]"))):
        name = os.path.basename(page)
        files = 0
        for kind, ex in examples(page):
            n += 1
            if kind == "file":
                files += 1
                call = "man-examples.py --block %s %d" % (name, files)
                hit = [c for c, t in cases.items() if call in t]
                desc = "%s: file example %d" % (name, files)
            else:
                want = []
                for c in ex:
                    for machine, case in MACHINE:
                        c = c.replace(machine, case)
                    want.append(c)
                hit = [c for c, t in plain.items()
                       if all(w in t for w in want)]
                desc = "%s: %s" % (name, " ; ".join(ex))
            if hit:
                print("ok %d - %s (%s)" % (n, desc, hit[0]))
            else:
                failed += 1
                print("not ok %d - %s: no case runs it" % (n, desc))
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
