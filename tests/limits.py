#!/usr/bin/env python3
"""Hostile inputs against the limits of muni(7) LIMITS, one case each.

Each case generates a small hostile file (a few KB: never a large file
committed), runs a tool on it under a timeout, and asserts the exit
status, the message, the bytes written and the peak memory of the child
(its rusage from wait4, not the clock). The work cases feed an input and
its double to a tool under valgrind's callgrind and compare the
instructions counted: a linear path does about twice the work, a
quadratic one four times; a slow machine changes neither.

usage: limits.py [NAME...]   (MUNI_BIN: where the tools are)
"""
import gzip
import os
import re
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import warnings
import zipfile

SRC = os.environ.get("MUNI_SRC") or os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))
BIN = os.environ.get("MUNI_BIN") or SRC
TMP = tempfile.mkdtemp(prefix="muni-limits.")
MiB = 1024 * 1024
n = 0
failed = 0


def ok(cond, desc, why=""):
    global n, failed
    n += 1
    if cond:
        print("ok %d - %s" % (n, desc))
    else:
        failed = 1
        print("not ok %d - %s" % (n, desc))
        for line in why.splitlines()[:12]:
            print("# " + line)


def skip(desc, why):
    global n
    n += 1
    print("ok %d - %s # SKIP %s" % (n, desc, why))


# The peak memory of the tool alone: a child of GNU time, which is small,
# since a child forked from this Python starts with Python's pages
# counted; without GNU time, wait4's figure (an upper bound).
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run(args, stdin=None, timeout=120, env=None, shell_stdin=None):
    """Run a tool: (status, stdout bytes, stderr text, peak RSS in KiB).

    shell_stdin: a shell script whose output is the tool's input (a pipe:
    large inputs are made on the way, never written to disk)."""
    e = dict(os.environ)
    e.update(env or {})
    out = open(os.path.join(TMP, "out"), "wb")
    err = open(os.path.join(TMP, "err"), "wb")
    feeder = None
    if shell_stdin:
        feeder = subprocess.Popen(["sh", shell_stdin], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        inp = feeder.stdout
    else:
        inp = open(stdin, "rb") if stdin else subprocess.DEVNULL
    argv = [os.path.join(BIN, args[0])] + args[1:]
    peak = os.path.join(TMP, "peak")
    if TIME:
        argv = [TIME, "-q", "-f", "%M", "-o", peak] + argv
    p = subprocess.Popen(argv, stdin=inp, stdout=out, stderr=err, cwd=TMP,
                         env=e)
    deadline = time.time() + timeout
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.time() > deadline:
            p.kill()
            pid, status, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.02)
    out.close()
    err.close()
    if stdin:
        inp.close()
    if feeder:
        feeder.stdout.close()
        feeder.kill()
        feeder.wait()
    code = os.waitstatus_to_exitcode(status)
    rss = ru.ru_maxrss
    if TIME:
        try:
            rss = int(open(peak).read().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
        # GNU time's own line when the tool was killed by a signal.
        if code > 128 or code < 0:
            pass
    return (code, os.path.getsize(os.path.join(TMP, "out")),
            open(os.path.join(TMP, "err"), errors="replace").read(),
            rss)


# Under AddressSanitizer memory is no measure (its quarantine keeps what
# is freed, its realloc always copies): bounds are checked in the plain
# build only, and its slower runs get more time.
SANITIZED = "asan" in subprocess.run(
    ["ldd", os.path.join(BIN, "muni-fetch")], capture_output=True,
    text=True).stdout


def case(desc, args, status, message, rss_mib, out_max=1 << 20, **kw):
    """One hostile input: status, a message matching, bounded output and memory."""
    if SANITIZED:
        kw["timeout"] = 10 * kw.get("timeout", 120)
    code, out, err, rss = run(args, **kw)
    why = "status %d (want %d), %d bytes out, %d KiB peak\n%s" % (
        code, status, out, rss, err)
    ok(code == status and re.search(message, err) and out <= out_max and
       (SANITIZED or rss <= rss_mib * 1024), "%s (%d KiB peak, %d bytes "
       "out)" % (desc, rss, out), why)
    return err


def path(name):
    return os.path.join(TMP, name)


# --- spreadsheets and archives ----------------------------------------
CT = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
      'package/2006/content-types"><Override PartName="/xl/workbook.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.'
      'spreadsheetml.sheet.main+xml"/></Types>')
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship '
        'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>')
WB = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.'
      'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.'
      'org/officeDocument/2006/relationships"><sheets><sheet name="S" '
      'sheetId="1" r:id="rId1"/></sheets></workbook>')
WBRELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.'
          'openxmlformats.org/package/2006/relationships"><Relationship '
          'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
          '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
          '</Relationships>')


def sheet(rows):
    return ('<?xml version="1.0"?><worksheet xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows +
            '</sheetData></worksheet>')


def cell(ref, v):
    return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, v)


def xlsx(name, rows, extra=()):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        z = zipfile.ZipFile(path(name), "w", zipfile.ZIP_DEFLATED)
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WB)
        z.writestr("xl/_rels/workbook.xml.rels", WBRELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet(rows))
        for entry, data in extra:
            z.writestr(entry, data)
        z.close()
    return name


def ods(name, table):
    z = zipfile.ZipFile(path(name), "w", zipfile.ZIP_DEFLATED)
    z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
               compress_type=zipfile.ZIP_STORED)
    z.writestr("content.xml", '<?xml version="1.0"?><office:document-content'
               ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:'
               '1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:'
               'table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
               'text:1.0"><office:body><office:spreadsheet><table:table '
               'table:name="T">' + table + '</table:table></office:spreadsheet>'
               '</office:body></office:document-content>')
    z.close()
    return name


def spreadsheets():
    case("XLSX: one cell at XFD1048576 below a header is refused, naming it",
         ["muni-fetch", xlsx("far.xlsx", '<row r="1">' + cell("A1", "a") +
                             cell("B1", "b") + '</row><row r="1048576">' +
                             cell("XFD1048576", "x") + '</row>')],
         1, r"cell XFD1048576 would make it 16384 columns by 1048576 rows",
         64, out_max=0)
    case("XLSX: a sparse sheet under the free cells is written",
         ["muni-fetch", xlsx("sparse.xlsx", '<row r="1">' + cell("A1", "a") +
                             '</row><row r="2000">' + cell("E2000", "x") +
                             '</row>')],
         0, r"^$", 64, out_max=20000)
    case("ODS: a value repeated over 16,384 columns and 1,048,575 rows is refused",
         ["muni-fetch", ods("grid.ods", '<table:table-row><table:table-cell>'
                            '<text:p>h</text:p></table:table-cell></table:'
                            'table-row><table:table-row table:number-rows-'
                            'repeated="1048575"><table:table-cell table:number'
                            '-columns-repeated="16384"><text:p>x</text:p>'
                            '</table:table-cell></table:table-row>')],
         1, r"cells XFD2 \(the last column\) and XFD1048576 \(the last row\)",
         64, out_max=0)
    case("ODS: a row repeated 4,294,967,295 times stops at the sheet's last row",
         ["muni-fetch", ods("rows.ods", '<table:table-row><table:table-cell>'
                            '<text:p>h</text:p></table:table-cell></table:'
                            'table-row><table:table-row table:number-rows-'
                            'repeated="4294967295"><table:table-cell><text:p>'
                            'x</text:p></table:table-cell></table:table-row>')],
         1, r"row 2: its values are repeated 4294967295 times, beyond row "
         r"1048576", 64, out_max=0)
    case("ODS: empty rows and columns repeated at the end cost nothing",
         ["muni-fetch", ods("tail.ods", '<table:table-row><table:table-cell>'
                            '<text:p>h</text:p></table:table-cell><table:'
                            'table-cell table:number-columns-repeated="16383"/>'
                            '</table:table-row><table:table-row table:number-'
                            'rows-repeated="1048575"><table:table-cell table:'
                            'number-columns-repeated="16384"/></table:table-'
                            'row>')],
         0, r"^$", 64, out_max=10)
    case("XLSX: a cell reference that names no cell is an error naming it",
         ["muni-fetch", xlsx("badref.xlsx", '<row r="1">' + cell("A1", "a") +
                             cell("B1", "b") + '</row><row r="2">' +
                             cell("ZZZZZZZZ99999999999", "x") + '</row>')],
         1, r"row 2: the cell reference 'ZZZZZZZZ99999999999' is not one of "
         r"a sheet", 64, out_max=0)
    case("XLSX: a row number past 1048576 is an error naming it",
         ["muni-fetch", xlsx("badrow.xlsx", '<row r="1">' + cell("A1", "a") +
                             '</row><row r="99999999999">' + '</row>')],
         1, r"the row number '99999999999' is not one of a sheet", 64,
         out_max=0)
    case("ZIP: an entry twice is refused, naming it",
         ["muni-fetch", xlsx("dup.xlsx", '<row r="1">' + cell("A1", "a") +
                             '</row>', [("XL/worksheets/sheet1.xml",
                                         sheet('<row r="1">' +
                                               cell("A1", "evil") +
                                               '</row>'))])],
         1, r"holds the entry 'XL/worksheets/sheet1.xml' twice", 64,
         out_max=0)


def dbf(name, dates):
    hdr_len = 32 + 32 + 1
    out = struct.pack("<BBBBIHH20x", 3, 126, 1, 1, len(dates), hdr_len, 9)
    out += b"D".ljust(11, b"\0") + b"D" + b"\0" * 4 + bytes([8, 0]) + \
        b"\0" * 14 + b"\r"
    for d in dates:
        out += b" " + d
    open(path(name), "wb").write(out + b"\x1a")
    return name


def dbase():
    case("DBF: a date that is none (ABCDEFGH) is an error naming the field",
         ["muni-fetch", dbf("date.dbf", [b"20250131", b"ABCDEFGH"])],
         1, r"date.dbf:3: field 'D': 'ABCDEFGH' is not a date", 64)
    case("DBF: 30 February is no date either",
         ["muni-fetch", dbf("feb.dbf", [b"20250230"])],
         1, r"'20250230' is not a date", 64)
    case("DBF: blank and zero dates are empty, real ones written",
         ["muni-fetch", dbf("ok.dbf", [b"        ", b"00000000", b"20240229"])],
         0, r"^$", 64)


def sqlite_files():
    db = sqlite3.connect(path("view.sqlite"))
    db.execute("CREATE VIEW v AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
               "SELECT x + 1 FROM c) SELECT x FROM c")
    db.commit()
    db.close()
    case("SQLite: a file whose only object is a recursive view is not read",
         ["muni-fetch", "view.sqlite"], 1,
         r"has no table \(a view is read only when named with --table", 64,
         out_max=0)
    case("SQLite: the view named yields --max-rows rows, then stops",
         ["muni-fetch", "--table", "v", "--max-rows", "1000",
          "view.sqlite"], 1,
         r"view 'v' of 'view.sqlite' yields more than 1000 rows: stopped",
         64, out_max=10000)
    case("SQLite: a query counting without end stops after its steps",
         ["muni-fetch", "--query", "WITH RECURSIVE c(x) AS (SELECT 1 UNION "
          "ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", "view.sqlite"],
         1, r"ran more than 2000000000 steps of SQLite", 64, out_max=0,
         timeout=900)
    db = sqlite3.connect(path("blob.sqlite"))
    db.execute("CREATE VIEW t AS SELECT 'a' AS n, zeroblob(999999999) AS b")
    db.commit()
    db.close()
    case("SQLite: a zeroblob of 1 GB is refused before it is made",
         ["muni-fetch", "--table", "t", "blob.sqlite"], 1,
         r"view 't' of 'blob.sqlite' holds a value longer than 1048576 "
         r"bytes", 64, out_max=10)
    case("SQLite: ATTACH in a query is a usage error, before any output",
         ["muni-fetch", "--query", "ATTACH 'x.db' AS x", "view.sqlite"], 2,
         r"not authorized", 64, out_max=0)
    case("SQLite: load_extension in a query is a usage error, before any output",
         ["muni-fetch", "--query", "SELECT load_extension('x')",
          "view.sqlite"], 2, r"not authorized", 64, out_max=0)


def compressed():
    with gzip.open(path("big.csv.gz"), "wb", compresslevel=9) as f:
        f.write(b"a,b\n")
        line = b"1,2\n" * 65536
        for i in range(8):
            f.write(line)
    case("gzip: CSV that inflates past --max-input-size is refused",
         ["muni-fetch", "--max-input-size", "1M", "big.csv.gz"], 1,
         r"inflates to more than 1048576 bytes \(raise the limit with "
         r"--max-input-size\)", 64)
    case("gzip: muni-validate applies the same cap",
         ["muni-validate", "-q", "--max-input-size", "1M", "big.csv.gz"], 1,
         r"inflates to more than 1048576 bytes", 64)
    z = zipfile.ZipFile(path("big.zip"), "w", zipfile.ZIP_DEFLATED)
    z.writestr("big.csv", b"a,b\n" + b"".join(b"%d,%d\n" % (i, i * 7919)
                                              for i in range(200000)))
    z.close()
    case("ZIP: entries that inflate past --max-input-size are refused",
         ["muni-fetch", "--max-input-size", "1M", "big.zip"], 1,
         r"'big.zip' inflates to more than 1048576 bytes", 64, out_max=0)


def keys():
    open(path("r.json"), "w").write(
        '{"columns": {"a": {"action": "pseudonymize"}}}')
    open(path("a.csv"), "w").write("a\n1\n")
    os.mkfifo(path("key.fifo"), 0o600)
    case("key file: a FIFO is refused at once, not waited on",
         ["muni-anonymize", "--rules", "r.json", "--key-file", "key.fifo",
          "a.csv"],
         2, r"the key file 'key.fifo' is not a regular file", 64, timeout=20)
    open(path("key"), "w").write("00" * 32 + "\n")
    os.chmod(path("key"), 0o600)
    os.symlink("key", path("key.link"))
    case("key file: a symbolic link is refused, saying so",
         ["muni-anonymize", "--rules", "r.json", "--key-file", "key.link",
          "a.csv"],
         2, r"the key file 'key.link' is a symbolic link: refused", 64)


def fields():
    # A field of 256 MiB, written into a pipe: refused near the limit.
    gen = path("field.sh")
    open(gen, "w").write("printf 'a\\n'; head -c 268435456 /dev/zero | "
                         "tr '\\0' x; printf '\\n'\n")
    code, out, err, rss = run(["muni-fetch", "--max-field-size", "64M",
                               "--max-record-size", "256M", "-"],
                              stdin=None, timeout=300,
                              shell_stdin=gen)
    ok(code == 1 and "longer than 67108864 bytes" in err and
       (SANITIZED or rss < 3 * 64 * 1024 + 64 * 1024),
       "a 256 MiB field under a 64 MiB limit is refused as it grows "
       "(%d KiB peak)" % rss, "status %d, %d KiB\n%s" % (code, rss, err))
    case("a JSON string of 50 MB is refused as it is read, in linear time",
         ["muni-fetch", json_string("big.json", 50 << 20)], 1,
         r"a string or a number is longer than 1048576 bytes", 64,
         out_max=0, timeout=60)
    case("an XML value past the field limit is refused like a CSV field",
         ["muni-fetch", xml_value("big.xml", 2 << 20)], 1,
         r"record 1: the value of 'a' is longer than 1048576 bytes", 64,
         out_max=0)


def json_string(name, n):
    with open(path(name), "w") as f:
        f.write('[{"a": "')
        chunk = "x" * (1 << 20)
        for i in range(n >> 20):
            f.write(chunk)
        f.write('"}]')
    return name


def xml_value(name, n):
    open(path(name), "w").write("<r><rec><a>" + "x" * n + "</a></rec></r>")
    return name


def xml_attrs(name, records, attrs):
    with open(path(name), "w") as f:
        f.write("<r>")
        for r in range(records):
            f.write("<rec " + " ".join('a%d="%d"' % (i, r)
                                       for i in range(attrs)) + "/>")
        f.write("</r>")
    return name


def xml():
    case("XML: an element of 20,000 attributes is refused before libxml2 "
         "reads it", ["muni-fetch", xml_attrs("attrs.xml", 1, 20000)], 1,
         r"line 1: an element has more than 1000 attributes", 64, out_max=0)
    case("XML: 1,000 attributes are read",
         ["muni-fetch", xml_attrs("attrs1k.xml", 2, 1000)], 0, r"^$", 64,
         out_max=100000)
    case("XML: nesting past the reader's depth is said in muni's words",
         ["muni-fetch", xml_depth("deep.xml", 300)], 1,
         r"elements nest deeper than", 64, out_max=0)


def xml_depth(name, n):
    open(path(name), "w").write("<r>" + "<a>" * n + "</a>" * n + "</r>")
    return name


def header_csv(name, n):
    with open(path(name), "w") as f:
        f.write(",".join("c%d" % i for i in range(n)) + "\n")
        f.write(",".join("1" for i in range(n)) + "\n")
    with open(path(name + ".schema.json"), "w") as f:
        f.write('{"fields": [' + ",".join('{"name": "c%d"}' % i
                                          for i in range(n)) + "]}")
    return name


def patterns():
    with open(path("redos.csv"), "w") as f:
        f.write("v\n")
        for i in range(200):
            f.write("a" * 4999 + "b\n")
    open(path("redos.schema.json"), "w").write(
        '{"fields": [{"name": "v", "constraints": {"pattern": "(a+)+$"}}]}')
    err = case("pattern (a+)+$ on 200 values of 5000 characters: 20 undecided, "
               "then the column's pattern is said unchecked, once",
               ["muni-validate", "-q", "-s", "redos.schema.json",
                "redos.csv"], 1,
               r"redos.csv:22: field 'v': .* either: after 20 values PCRE2 "
               r"could not decide", 64, timeout=300)
    ok(err.count("could not be checked") == 21 and
       "invalid: 21 errors in 200 rows" in err,
       "the undecided values counted, and the check stopped once",
       err[-600:])
    case("muni-validate: 65,536 columns, a name twice, a schema of 65,536 "
         "fields", ["muni-validate", "-q", "-s", "cols.csv.schema.json",
                    header_csv("cols.csv", 65536)], 0, r"^$", 200,
         timeout=60)


def work(args, make):
    """Instructions counted by callgrind for an input and its double."""
    counts = []
    for k in (1, 2):
        name = make(k)
        p = subprocess.run(["valgrind", "--tool=callgrind",
                            "--callgrind-out-file=/dev/null",
                            os.path.join(BIN, args[0])] + args[1:] + [name],
                           cwd=TMP, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        m = re.search(r"Collected : (\d+)", p.stderr)
        if not m:
            return None
        counts.append(int(m.group(1)))
    return counts[1] / counts[0]


def linear():
    if shutil.which("valgrind") is None or SANITIZED:
        skip("work: inputs doubled", "valgrind absent, or a sanitizer build")
        return
    for desc, args, make in [
        ("muni-validate's header: 16,384 then 32,768 columns",
         ["muni-validate", "-q", "-s"], None),
        ("XML: 50 then 100 records of 1,000 attributes",
         ["muni-fetch"], lambda k: xml_attrs("w%d.xml" % k, 50 * k, 1000)),
        ("JSON: 40 then 80 records holding a string of 200 KB",
         ["muni-fetch"], lambda k: json_records("w%d.json" % k, 40 * k)),
        ("unique keys: 50,000 then 100,000 values",
         ["muni-validate", "-q", "-s", "u.schema.json"],
         lambda k: unique_csv("u%d.csv" % k, 50000 * k)),
    ]:
        if make is None:
            ratio = work_header()
        else:
            ratio = work(args, make)
        ok(ratio is not None and ratio < 3,
           "work doubles, not quadruples: %s (x%.2f instructions)" %
           (desc, ratio or 0))


def work_header():
    counts = []
    for n in (16384, 32768):
        name = header_csv("h%d.csv" % n, n)
        p = subprocess.run(["valgrind", "--tool=callgrind",
                            "--callgrind-out-file=/dev/null",
                            os.path.join(BIN, "muni-validate"), "-q",
                            "--schema-sync", "-s", name + ".schema.json",
                            name], cwd=TMP, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        m = re.search(r"Collected : (\d+)", p.stderr)
        if not m:
            return None
        counts.append(int(m.group(1)))
    return counts[1] / counts[0]


def json_records(name, n):
    with open(path(name), "w") as f:
        f.write("[" + ",".join('{"a": "%s", "b": %d}' % ("x" * 200000, i)
                               for i in range(n)) + "]")
    return name


def unique_csv(name, n):
    open(path("u.schema.json"), "w").write(
        '{"fields": [{"name": "id", "constraints": {"unique": true}}]}')
    with open(path(name), "w") as f:
        f.write("id\n")
        for i in range(n):
            f.write("k%d\n" % i)
    return name


def http():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    port = srv.getsockname()[1]
    stop = []

    def trickle():
        srv.settimeout(0.5)
        while not stop:
            try:
                c, _ = srv.accept()
            except OSError:
                continue
            try:
                c.recv(4096)
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\n"
                          b"Content-Length: 100000\r\n\r\n")
                while not stop:
                    c.sendall(b"a,b\n")
                    time.sleep(1)
            except OSError:
                pass
            c.close()

    th = threading.Thread(target=trickle, daemon=True)
    th.start()
    case("HTTP: a body trickled at 4 bytes a second stops at --timeout",
         ["muni-fetch", "--timeout", "3", "--retries", "0",
          "http://127.0.0.1:%d/export.csv" % port], 3,
         r"not done after 3 seconds \(raise the limit with --timeout\)", 64,
         out_max=0, timeout=60)
    stop.append(1)
    srv.close()


GROUPS = [spreadsheets, dbase, sqlite_files, compressed, keys, fields, xml,
          patterns, http, linear]


def main():
    want = sys.argv[1:]
    for g in GROUPS:
        if not want or g.__name__ in want:
            g()
    print("1..%d" % n)
    shutil.rmtree(TMP, ignore_errors=True)
    sys.exit(failed)


main()
