#!/usr/bin/env python3
"""A scripted HTTP server for muni-fetch's retry tests, on 127.0.0.1.

usage: http-server.py PORTFILE DIR
Writes the port it listens on to PORTFILE, serves files of DIR, and
behaves by path:
  /fail/N/CODE/NAME   answer CODE (with Retry-After: 1) the first N times,
                      then the file NAME
  /html               an HTML page, as text/html
  /truncated          announces 1000 bytes, sends 10, closes
  /plain/NAME         the file NAME without ETag or Last-Modified
  /slow               announces 100 bytes, sends 10, then nothing for 40 s
  /count              how many requests each path got, as text
"""
import http.server
import os
import sys
import threading
import time

hits = {}
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_file(self, name):
        path = os.path.join(sys.argv[2], os.path.basename(name))
        try:
            data = open(path, "rb").read()
        except OSError:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with lock:
            hits[self.path] = hits.get(self.path, 0) + 1
            n = hits[self.path]
        parts = self.path.strip("/").split("/")
        if parts[0] == "fail" and len(parts) == 4:
            if n <= int(parts[1]):
                self.send_response(int(parts[2]))
                self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_file(parts[3])
        elif parts[0] == "html":
            body = b"<!DOCTYPE html><html><body>Connexion</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif parts[0] == "truncated":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"id,name\n1,")
            self.wfile.flush()
            self.close_connection = True
        elif parts[0] == "slow":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"id,name\n1,")
            self.wfile.flush()
            time.sleep(40)
            self.close_connection = True
        elif parts[0] == "plain" and len(parts) == 2:
            self.send_file(parts[1])
        elif parts[0] == "count":
            body = "".join(f"{k} {v}\n" for k, v in sorted(hits.items()))
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())
        else:
            self.send_error(404)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
