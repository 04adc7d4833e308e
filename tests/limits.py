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


def run(args, stdin=None, timeout=120, env=None):
    """Run a tool: (status, stdout bytes, stderr text, peak RSS in KiB)."""
    e = dict(os.environ)
    e.update(env or {})
    out = open(os.path.join(TMP, "out"), "wb")
    err = open(os.path.join(TMP, "err"), "wb")
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


def case(desc, args, status, message, rss_mib, out_max=1 << 20, **kw):
    """One hostile input: status, a message matching, bounded output and memory."""
    code, out, err, rss = run(args, **kw)
    why = "status %d (want %d), %d bytes out, %d KiB peak\n%s" % (
        code, status, out, rss, err)
    ok(code == status and re.search(message, err) and out <= out_max and
       rss <= rss_mib * 1024, "%s (%d KiB peak, %d bytes out)" % (
           desc, rss, out), why)
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


GROUPS = [spreadsheets, dbase]


def main():
    want = sys.argv[1:]
    for g in GROUPS:
        if not want or g.__name__ in want:
            g()
    print("1..%d" % n)
    shutil.rmtree(TMP, ignore_errors=True)
    sys.exit(failed)


main()
