#!/usr/bin/env python3
"""Check a datapackage.json against the required members and types of the
Data Package standard (v1 profiles data-package, tabular-data-resource,
data-resource; v2 where it adds: $schema, type "table"). A resource that
is not a table (the .csv.gz) must not look like one to a v1 reader: no
format "csv".

usage: check-datapackage.py [--files] FOLDER
With --files, also check each resource's bytes and sha256 hash against its
file. Prints the problems, exits 1 when there is one.
"""
import hashlib
import json
import os
import re
import sys

NAME = re.compile(r"^[-a-z0-9._/]+$")
LICENSE_NAME = re.compile(r"^[-a-zA-Z0-9._]+$")
HASH = re.compile(r"^(?:(md5|sha1|sha256|sha512):)?([0-9a-fA-F]+)$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
problems = []


def need(cond, what):
    if not cond:
        problems.append(what)


def string(obj, key, where, required=False, pattern=None):
    if key not in obj:
        need(not required, "%s: %s is required" % (where, key))
        return
    need(isinstance(obj[key], str), "%s: %s is not a string" % (where, key))
    if pattern and isinstance(obj[key], str):
        need(pattern.match(obj[key]), "%s: %s %r does not match %s"
             % (where, key, obj[key], pattern.pattern))


def check_schema(s, where):
    if isinstance(s, str):
        need(s.startswith(("http://", "https://")) or not os.path.isabs(s),
             where + ": schema path")
        return
    need(isinstance(s, dict), where + ": schema is an object or a path")
    if not isinstance(s, dict):
        return
    fields = s.get("fields")
    need(isinstance(fields, list), where + ": schema.fields is an array")
    for i, f in enumerate(fields or []):
        need(isinstance(f, dict) and isinstance(f.get("name"), str),
             "%s: schema.fields[%d].name" % (where, i))


def check_resource(r, i, folder, files):
    where = "resources[%d]" % i
    need(isinstance(r, dict), where + " is an object")
    if not isinstance(r, dict):
        return
    string(r, "name", where, True, NAME)
    need(isinstance(r.get("path"), str), where + ": path is a string")
    path = r.get("path", "")
    need(not os.path.isabs(path) and ".." not in path.split("/"),
         where + ": path stays in the folder")
    if r.get("type") == "table" or r.get("profile") == "tabular-data-resource":
        need(r.get("type") == "table", where + ": type is table (v2)")
        need(r.get("profile") == "tabular-data-resource",
             where + ": profile is tabular-data-resource (v1)")
        need("schema" in r, where + ": schema is required of a tabular resource")
        check_schema(r.get("schema"), where)
    else:
        need(r.get("profile") == "data-resource",
             where + ": profile is data-resource (v1)")
        need(r.get("format") not in ("csv", "tsv"),
             where + ": a file that is not a table has no format csv (v1 would parse it)")
    for k in ("format", "encoding", "scheme"):
        string(r, k, where)
    string(r, "mediatype", where, False, re.compile(r"^(.+)/(.+)$"))
    need(isinstance(r.get("bytes", 0), int) and r.get("bytes", 0) >= 0,
         where + ": bytes is a whole number")
    string(r, "hash", where, False, HASH)
    d = r.get("dialect", {})
    need(isinstance(d, dict), where + ": dialect is an object")
    if isinstance(d, dict):
        need(len(d.get("delimiter", ",")) == 1, where + ": dialect.delimiter")
        for k in ("header", "doubleQuote"):
            need(isinstance(d.get(k, True), bool), where + ": dialect." + k)
    if files and isinstance(path, str):
        data = open(os.path.join(folder, path), "rb").read()
        need(r.get("bytes") == len(data), "%s: bytes %s, the file has %d"
             % (where, r.get("bytes"), len(data)))
        m = HASH.match(r.get("hash", ""))
        alg = (m.group(1) or "md5") if m else "sha256"
        need(m and hashlib.new(alg, data).hexdigest() == m.group(2).lower(),
             where + ": the hash is not the file's")


def main():
    files = "--files" in sys.argv
    folder = [a for a in sys.argv[1:] if a != "--files"][0]
    with open(os.path.join(folder, "datapackage.json"), encoding="utf-8") as f:
        p = json.load(f)
    need(isinstance(p, dict), "the descriptor is an object")
    res = p.get("resources")
    need(isinstance(res, list) and len(res) > 0,
         "resources is a non-empty array")
    string(p, "name", "package", False, NAME)
    for k in ("id", "title", "description", "homepage", "$schema", "profile"):
        string(p, k, "package")
    string(p, "version", "package", False, SEMVER)
    string(p, "created", "package", False, DATETIME)
    for i, lic in enumerate(p.get("licenses", [])):
        need(isinstance(lic, dict) and ("name" in lic or "path" in lic),
             "licenses[%d] has a name or a path" % i)
        string(lic, "name", "licenses[%d]" % i, False, LICENSE_NAME)
        string(lic, "path", "licenses[%d]" % i)
    for key in ("contributors", "sources"):
        v = p.get(key, [])
        need(isinstance(v, list), key + " is an array")
        for i, c in enumerate(v):
            string(c, "title", "%s[%d]" % (key, i), key == "contributors")
    kw = p.get("keywords", [])
    need(isinstance(kw, list) and all(isinstance(k, str) for k in kw),
         "keywords is an array of strings")
    for i, r in enumerate(res or []):
        check_resource(r, i, folder, files)
    for m in problems:
        print(m)
    sys.exit(1 if problems else 0)


main()
