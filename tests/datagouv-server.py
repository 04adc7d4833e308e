#!/usr/bin/env python3
"""A scripted stand-in for data.gouv.fr's API (udata), on 127.0.0.1, for
muni-publish's tests. It is not data.gouv.fr: it answers the requests
muni-publish makes the way the udata API documents them, and records each
request (method, path, X-API-KEY, Content-Type, the body's shape) as a JSON
line in LOG, so the test checks what was sent.

usage: datagouv-server.py PORTFILE LOG
  GET  /api/1/datasets/ID/                    the dataset and its resources
  POST /api/1/datasets/ID/upload/             a new resource from a file
  POST /api/1/datasets/ID/resources/RID/upload/  a new file for a resource
  PUT  /api/1/datasets/ID/resources/RID/      the resource's metadata
  PUT  /api/1/datasets/ID/                    the dataset's metadata
The key is "good-key"; the one dataset is "ds1", with the resource
"res-1" titled "subventions.csv" and no file yet. The checksum of an
uploaded file is its SHA-1, as udata computes it.
"""
import hashlib
import http.server
import json
import re
import sys
import threading

lock = threading.Lock()
resources = [{"id": "res-1", "title": "subventions.csv", "format": "csv"}]
dataset = {"id": "ds1", "private": True}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def record(self, shape):
        with lock, open(sys.argv[2], "a") as f:
            f.write(json.dumps({
                "method": self.command, "path": self.path,
                "key": self.headers.get("X-API-KEY"),
                "type": (self.headers.get("Content-Type") or "").split(";")[0],
                "body": shape}) + "\n")

    def answer(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n)

    def file_part(self, raw):
        """The file of a multipart body: its name and bytes."""
        m = re.search(rb'filename="([^"]*)"\r\n(?:[^\r\n]*\r\n)*\r\n', raw)
        if not m:
            return None, None
        start = m.end()
        boundary = raw.split(b"\r\n", 1)[0]
        end = raw.index(b"\r\n" + boundary, start)
        return m.group(1).decode(), raw[start:end]

    def allowed(self):
        if self.headers.get("X-API-KEY") != "good-key":
            self.answer(403, {"message": "Invalid API Key"})
            return False
        return True

    def do_GET(self):
        self.record(None)
        if not self.allowed():
            return
        if self.path != "/api/1/datasets/ds1/":
            self.answer(404, {"message": "Not found"})
            return
        with lock:
            self.answer(200, dict(dataset, resources=resources))

    def do_POST(self):
        raw = self.body()
        name, data = self.file_part(raw)
        self.record({"file": name, "bytes": len(data or b"")})
        if not self.allowed():
            return
        checksum = {"type": "sha1",
                    "value": hashlib.sha1(data or b"").hexdigest()}
        m = re.fullmatch(r"/api/1/datasets/ds1/resources/([^/]+)/upload/",
                         self.path)
        with lock:
            if m:
                for r in resources:
                    if r["id"] == m.group(1):
                        r["checksum"] = checksum
                        self.answer(200, r)
                        return
                self.answer(404, {"message": "Not found"})
            elif self.path == "/api/1/datasets/ds1/upload/":
                r = {"id": "res-%d" % (len(resources) + 1), "title": name,
                     "checksum": checksum}
                resources.append(r)
                self.answer(201, r)
            else:
                self.answer(404, {"message": "Not found"})

    def do_PUT(self):
        try:
            obj = json.loads(self.body())
        except ValueError:
            obj = "not JSON"
        self.record(obj)
        if not self.allowed():
            return
        m = re.fullmatch(r"/api/1/datasets/ds1/resources/([^/]+)/", self.path)
        with lock:
            if m:
                for r in resources:
                    if r["id"] == m.group(1):
                        r.update(obj)
                        self.answer(200, r)
                        return
                self.answer(404, {"message": "Not found"})
            elif self.path == "/api/1/datasets/ds1/":
                dataset.update(obj)
                self.answer(200, dataset)
            else:
                self.answer(404, {"message": "Not found"})


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
