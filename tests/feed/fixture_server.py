#!/usr/bin/python3
"""fixture_server.py - a loopback HTTP server for the fetch and ingest tests.

Usage: fixture_server.py PORTFILE LOGFILE [LIFETIME_SECONDS]

Listens on 127.0.0.1 on an ephemeral port (written to PORTFILE once ready),
logs one line per request to LOGFILE ("PATH STATUS"), and exits by itself
after LIFETIME_SECONDS (default 300) so a failed test never leaves it behind.
Feed dates are relative to the server's start, so a healthy feed looks healthy
whenever the tests run and an unchanged feed stays byte-identical. Routes are listed in ROUTES below; /_set?v=N changes the version
that /mutable.xml serves.
"""
import gzip
import http.server
import os
import socketserver
import sys
import threading
import time
from email.utils import formatdate
from urllib.parse import urlparse, parse_qs

STATE = {"version": 1}
START = time.time()  # feed dates are relative to the server's start: stable across requests
LOCK = threading.Lock()
PORT = 0

LONG = ("Chính phủ ban hành nghị định mới về quản lý thông tin trên mạng, quy định rõ trách "
        "nhiệm của các cơ quan báo chí và cổng thông tin điện tử trong việc cung cấp thông tin "
        "chính thống, kịp thời cho người dân. ") * 6


def rfc822(t):
    return formatdate(t, usegmt=True)


def rss(prefix, items, extra_channel=""):
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
           '<channel><title>Tin %s</title><link>http://127.0.0.1:%d/</link>' % (prefix, PORT),
           '<description>Nguồn thử</description>' + extra_channel]
    for it in items:
        out.append("<item>")
        out.append("<title>%s</title>" % it["title"])
        out.append("<link>%s</link>" % it["link"])
        if it.get("guid"):
            out.append('<guid isPermaLink="false">%s</guid>' % it["guid"])
        if it.get("date") is not None:
            out.append("<pubDate>%s</pubDate>" % rfc822(it["date"]))
        out.append("<description>%s</description>" % it.get("summary", "Tóm tắt"))
        if it.get("content"):
            out.append("<content:encoded><![CDATA[<p>%s</p>]]></content:encoded>" % it["content"])
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


def base():
    return "http://127.0.0.1:%d" % PORT


def full_feed(prefix, n=3, start_hours=1, step_hours=2, dated=True):
    now = START
    items = []
    for i in range(n):
        items.append({
            "title": "Bài %s số %d" % (prefix, i + 1),
            "link": "%s/%s/bai-%d.html" % (base(), prefix, i + 1),
            "guid": "%s-%d" % (prefix, i + 1),
            "date": now - 3600 * (start_hours + step_hours * i) if dated else None,
            "content": "%s %s" % (prefix, LONG),
        })
    return rss(prefix, items)


def article(n, private=False):
    body = ("<p>" + LONG + "</p>") * 3
    return ("<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
            "<title>Bài viết %d</title>"
            "<meta property=\"article:published_time\" content=\"2026-01-0%dT08:00:00+07:00\">"
            "</head><body><nav>Trang chủ | Thời sự</nav><article><h1>Bài viết %d</h1>%s"
            "<p>Nội dung đầy đủ %s số %d.</p></article><footer>Bản quyền</footer></body></html>"
            % (n, 1 + n % 9, n, body, "riêng" if private else "công khai", n)).encode("utf-8")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def log(self, status):
        with LOCK:
            with open(LOGFILE, "a") as f:
                f.write("%s %d %s\n" % (self.path, status, self.headers.get("User-Agent", "-")))

    def send(self, status, body=b"", ctype="application/rss+xml; charset=utf-8", headers=None):
        self.log(status)
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, status, to):
        self.send(status, b"", None, {"Location": to})

    def do_GET(self):
        u = urlparse(self.path)
        p = u.path
        q = parse_qs(u.query)
        if p == "/_set":
            with LOCK:
                STATE["version"] = int(q.get("v", ["1"])[0])
            return self.send(200, b"ok", "text/plain")
        if p == "/feed.xml":
            etag = '"v1"'
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, b"", None, {"ETag": etag})
            return self.send(200, full_feed("feed"), headers={
                "ETag": etag, "Last-Modified": "Mon, 05 Jan 2026 01:00:00 GMT"})
        if p == "/lastmod.xml":
            lm = "Mon, 05 Jan 2026 01:00:00 GMT"
            if self.headers.get("If-Modified-Since") == lm:
                return self.send(304, b"", None)
            return self.send(200, full_feed("lastmod"), headers={"Last-Modified": lm})
        if p in ("/feed2.xml", "/feed3.xml", "/portal.xml"):
            return self.send(200, full_feed(p[1:-4]))
        if p == "/atom.xml":
            now = START
            entries = "".join(
                "<entry><id>urn:loa:atom:%d</id><title>Atom %d</title>"
                "<link href=\"%s/atom/%d.html\"/><updated>%s</updated>"
                "<content type=\"html\">&lt;p&gt;%s&lt;/p&gt;</content></entry>"
                % (i, i, base(), i, time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                   time.gmtime(now - 7200 * i)), LONG)
                for i in range(1, 4))
            body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                    "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Atom thử</title>"
                    "<id>urn:loa:atom</id><updated>2026-01-01T00:00:00Z</updated>"
                    "<link rel=\"hub\" href=\"%s/hub\"/><link rel=\"self\" href=\"%s/atom.xml\"/>"
                    "%s</feed>" % (base(), base(), entries)).encode("utf-8")
            return self.send(200, body, "application/atom+xml")
        if p == "/summary.xml":
            now = START
            items = [
                {"title": "Tóm tắt 1", "link": base() + "/articles/1.html", "guid": "s-1",
                 "date": now - 3600, "summary": "Ngắn."},
                {"title": "Tóm tắt 2", "link": base() + "/articles/2.html", "guid": "s-2",
                 "date": now - 7200, "summary": "Ngắn 2."},
                {"title": "Tóm tắt riêng", "link": base() + "/private/3.html", "guid": "s-3",
                 "date": now - 10800, "summary": "Ngắn 3."},
            ]
            return self.send(200, rss("summary", items))
        if p.startswith("/articles/"):
            n = int(p.split("/")[-1].split(".")[0])
            return self.send(200, article(n), "text/html; charset=utf-8")
        if p.startswith("/private/"):
            return self.send(200, article(99, True), "text/html; charset=utf-8")
        if p == "/robots.txt":
            return self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if p in ("/dup-a.xml", "/dup-b.xml"):
            now = START
            tail = "" if p == "/dup-a.xml" else "?utm_source=zalo&amp;fbclid=abc"
            items = [{"title": "Cùng một bài %d" % i, "link": "%s/same/%d.html%s" % (base(), i, tail),
                      "guid": "%s-%d" % (p[1:6], i), "date": now - 3600 * i,
                      "content": LONG} for i in (1, 2)]
            return self.send(200, rss(p[1:6], items))
        if p == "/mutable.xml":
            with LOCK:
                v = STATE["version"]
            now = START
            items = [{"title": "Bài thay đổi (bản %d)" % v, "link": base() + "/mut/1.html",
                      "guid": "mut-1", "date": now - 3600, "content": LONG},
                     {"title": "Bài cố định", "link": base() + "/mut/2.html", "guid": "mut-2",
                      "date": now - 7200, "content": LONG}]
            return self.send(200, rss("mutable", items))
        if p == "/stale.xml":
            old = 1577836800  # 2020-01-01
            items = [{"title": "Cũ %d" % i, "link": "%s/stale/%d.html" % (base(), i),
                      "guid": "stale-%d" % i, "date": old - 86400 * i, "content": LONG}
                     for i in range(4)]
            return self.send(200, rss("stale", items))
        if p == "/moved.xml":
            return self.redirect(301, "/feed2.xml")
        if p == "/perm308.xml":
            return self.redirect(308, base() + "/feed3.xml")
        if p == "/temp.xml":
            return self.redirect(302, "/lastmod.xml")
        if p == "/loop1":
            return self.redirect(301, "/loop2")
        if p == "/loop2":
            return self.redirect(301, "/loop1")
        if p.startswith("/chain/"):
            n = int(p.split("/")[-1])
            return self.redirect(302, "/chain/%d" % (n + 1))
        if p == "/to-ftp":
            return self.redirect(302, "ftp://127.0.0.1/feed.xml")
        if p == "/slow.xml":
            self.log(200)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(120):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.5)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if p == "/big.xml":
            return self.send(200, b"<rss>" + b" " * (3 << 20) + b"</rss>")
        if p == "/bigstream.xml":
            # no Content-Length: the cap must hold as bytes arrive
            self.log(200)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(48):
                    self.wfile.write(b" " * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            return
        if p == "/gzip.xml":
            body = gzip.compress(full_feed("gzip"))
            return self.send(200, body, headers={"Content-Encoding": "gzip"})
        if p == "/bomb.xml":
            body = gzip.compress(b" " * (40 << 20), 9)
            return self.send(200, body, headers={"Content-Encoding": "gzip"})
        if p == "/gone.xml":
            return self.send(410, b"gone", "text/plain")
        if p == "/missing.xml":
            return self.send(404, b"missing", "text/plain")
        if p == "/error.xml":
            return self.send(503, b"busy", "text/plain", {"Retry-After": "7200"})
        if p == "/page.html":
            body = ("<!DOCTYPE html><html><head><title>Trang chủ</title>"
                    "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"RSS\" "
                    "href=\"/feed.xml\"></head><body><p>Trang</p></body></html>").encode()
            return self.send(200, body, "text/html; charset=utf-8")
        if p == "/notfeed.html":
            return self.send(200, b"<html><body><p>Not a feed</p></body></html>",
                             "text/html; charset=utf-8")
        if p == "/bad.xml":
            body = full_feed("bad").replace(b"</channel></rss>", b"<item><title>hong")
            return self.send(200, body)
        if p == "/lying.xml":
            # declared UTF-8, written in windows-1258
            txt = full_feed("lying").decode("utf-8")
            body = txt.encode("cp1258", errors="replace")
            return self.send(200, body, "application/rss+xml; charset=utf-8")
        self.send(404, b"no route", "text/plain")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # clients that hang up (caps, timeouts) are expected here


def main():
    global PORT, LOGFILE
    portfile, LOGFILE = sys.argv[1], sys.argv[2]
    lifetime = float(sys.argv[3]) if len(sys.argv) > 3 else 300
    srv = Server(("127.0.0.1", 0), Handler)
    PORT = srv.server_address[1]
    open(LOGFILE, "a").close()
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(PORT))
    os.rename(tmp, portfile)
    threading.Timer(lifetime, lambda: os._exit(0)).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
