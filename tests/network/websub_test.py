#!/usr/bin/python3
"""WebSub against a loopback harness that plays websub.rocks (the behaviours
summarised in ../shared/peers/websub-tests.md; no code of it is used):

  hub tests 100-106     the harness is subscriber and publisher; loa is the hub
  subscriber 100-104, 200-205, 300-302
                        the harness is publisher and hub; loa subscribes
  plus: loa's own signed feeds distributed with X-Hub-Signature, SSRF refusal
  (loopback callbacks when not allowed), the rate limit per callback host,
  retries with backoff and the give-up rule, replayed deliveries.

Everything runs on 127.0.0.1 and every wait is bounded (the 15 s "no
notification" wait of 104 is 3 s here)."""
import hashlib, hmac, json, os, re, secrets, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netlib import Loa, check, finish, free_port, http_req, wait_for  # noqa: E402

H = {}  # harness state


def form(d):
    return urllib.parse.urlencode(d)


class Harness(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body=b"", ctype="text/plain", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    # ---- hub tests: topics and subscriber callbacks ----
    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
        m = re.fullmatch(r"/topic/(\d+)", u.path)
        if m:
            t = H["topics"][m.group(1)]
            return self.send(200, t["body"], t["ctype"], [("Link", f'<{t["url"]}>; rel="self"'), ("Link", f'<{H["hub"]}>; rel="hub"')])
        m = re.fullmatch(r"/sub/(\w+)", u.path)
        if m:
            n = m.group(1)
            H.setdefault("verifications", {}).setdefault(n, []).append(q)
            sub = H["subs"].get(n)
            ok = sub and q.get("hub.mode") in ("subscribe", "unsubscribe") and q.get("hub.topic") == sub["topic"] \
                and q.get("hub.challenge") and (q.get("hub.mode") != "subscribe" or q.get("hub.lease_seconds"))
            if not ok:
                return self.send(404, json.dumps({"error": "verification"}), "application/json")
            if sub.get("fail_verify"):
                return self.send(200, "wrong-challenge", "application/octet-stream")
            return self.send(200, q["hub.challenge"], "application/octet-stream")
        m = re.fullmatch(r"/blog/(\d+)", u.path)
        if m:
            return self.blog(m.group(1), q)
        return self.send(404, "not found")

    do_HEAD = do_GET

    def do_POST(self):
        u = urllib.parse.urlsplit(self.path)
        m = re.fullmatch(r"/sub/(\w+)", u.path)
        if m:
            n = m.group(1)
            data = self.body()
            H.setdefault("deliveries", {}).setdefault(n, []).append(
                {"body": data, "ctype": self.headers.get("Content-Type"), "links": self.headers.get_all("Link") or [],
                 "sig": self.headers.get("X-Hub-Signature"), "at": time.time()})
            status = H["subs"].get(n, {}).get("status", 200)
            return self.send(status, "ok")
        m = re.fullmatch(r"/blog/(\d+)/hub", u.path)
        if m:
            return self.blog_hub(m.group(1), dict(urllib.parse.parse_qsl(u.query)), self.body())
        return self.send(404, "not found")

    # ---- subscriber tests: the harness is publisher and hub ----
    def blog(self, n, q):
        base = H["base"]
        topic = f"{base}/blog/{n}"
        hub = f"{base}/blog/{n}/hub"
        html = "<!doctype html><html><head><title>Blog</title>{links}</head><body><p>Bài viết</p></body></html>"
        if n in ("100", "300", "301", "302", "400", "401"):
            return self.send(200, html.format(links=""), "text/html", [("Link", f'<{topic}>; rel="self"'), ("Link", f'<{hub}>; rel="hub"')])
        if n == "101":
            return self.send(200, html.format(links=f'<link rel="hub" href="{hub}"><link rel="self" href="{topic}">'), "text/html")
        if n == "102":
            atom = (f'<?xml version="1.0"?><?xml-stylesheet href="x.xsl"?><feed xmlns="http://www.w3.org/2005/Atom"><title>B</title>'
                    f'<id>{topic}</id><updated>2026-01-01T00:00:00Z</updated><link rel="self" type="application/atom+xml" href="{topic}"/>'
                    f'<link rel="hub" href="{hub}"/></feed>')
            return self.send(200, atom, "application/atom+xml" if self.command == "HEAD" else "text/xml")
        if n == "103":
            rss = (f'<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>B</title>'
                   f'<link>{topic}</link><description>d</description><atom:link rel="self" href="{topic}"/>'
                   f'<atom:link rel="hub" href="{hub}"/></channel></rss>')
            return self.send(200, rss, "application/rss+xml" if self.command == "HEAD" else "text/xml")
        if n == "104":
            atom = (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>B</title><id>{topic}</id>'
                    f'<updated>2026-01-01T00:00:00Z</updated><link rel="self" href="{topic}"/>'
                    f'<link rel="hub" href="{hub}?error=wrongtag"/></feed>')
            return self.send(200, atom, "application/atom+xml", [("Link", f'<{topic}>; rel="self"'), ("Link", f'<{hub}>; rel="hub"')])
        if n == "200":
            return self.send(200, html.format(links=""), "text/html", [("Link", f'<{topic}?self=other>; rel="self"'), ("Link", f'<{hub}>; rel="hub"')])
        if n in ("201", "202"):
            if q.get("redirect") != "complete":
                return self.send(302 if n == "201" else 301, "", "text/plain", [("Location", f"{topic}?redirect=complete")])
            return self.send(200, html.format(links=""), "text/html", [("Link", f'<{topic}?redirect=complete>; rel="self"'), ("Link", f'<{hub}>; rel="hub"')])
        if n in ("203", "204"):
            return self.send(200, html.format(links=""), "text/html", [("Link", f'<{topic}>; rel="self"'), ("Link", f'<{hub}?redirect=true>; rel="hub"')])
        if n == "205":
            return self.send(200, html.format(links=""), "text/html", [("Link", f'<{topic}>; rel="self"'), ("Link", f'<{hub}>; rel="hub"')])
        return self.send(404, "no such blog")

    def blog_hub(self, n, q, raw):
        base = H["base"]
        f = dict(urllib.parse.parse_qsl(raw.decode()))
        res = H.setdefault("hubres", {}).setdefault(n, [])
        if n in ("203", "204") and q.get("redirect") == "true":
            return self.send(307 if n == "203" else 308, "", "text/plain", [("Location", f"{base}/blog/{n}/hub")])
        if n == "104" and q.get("error") == "wrongtag":
            res.append("wrong_discovery_priority")
            return self.send(400, "wrong_discovery_priority")
        if f.get("hub.mode") not in ("subscribe", "unsubscribe"):
            res.append("invalid_mode")
            return self.send(400, "invalid_mode")
        if not f.get("hub.callback") or not f.get("hub.topic"):
            res.append("missing_params")
            return self.send(400, "missing_params")
        expected = f"{base}/blog/{n}" + {"200": "?self=other", "201": "?redirect=complete", "202": "?redirect=complete"}.get(n, "")
        if f["hub.topic"] != expected:
            res.append("invalid_topic")
            return self.send(400, "invalid_topic")
        if len(f.get("hub.secret", "")) > 200:
            res.append("invalid_secret")
            return self.send(400, "invalid_secret")
        if n in ("301", "302") and not f.get("hub.secret"):
            res.append("missing_secret")
            return self.send(400, "missing_secret")
        # synchronous verification of intent
        challenge = secrets.token_hex(10)
        vt = f["hub.topic"] + ("?invalid" if n == "205" else "")
        cb = f["hub.callback"]
        qs = form({"hub.mode": f["hub.mode"], "hub.topic": vt, "hub.challenge": challenge,
                   "hub.lease_seconds": "6" if n == "401" else "86400"})
        cu = urllib.parse.urlsplit(cb)
        st, _, body, _ = http_req(cu.port, "GET", cu.path + ("&" if cu.query else "?") + qs)
        H.setdefault("cbstatus", {})[n] = st
        if not (200 <= st < 300 and body.decode() == challenge):
            res.append("verification_failed")
            return self.send(400, "verification_failed")
        H.setdefault("subscribed", {})[n] = {"callback": cb, "secret": f.get("hub.secret"), "topic": f["hub.topic"]}
        H.setdefault("subreqs", {}).setdefault(n, []).append((f["hub.mode"], cb, f.get("hub.secret"), time.time()))
        res.append("ok")
        return self.send(202, "")


def deliveries(n):
    return H.get("deliveries", {}).get(n, [])


def main():
    hport = free_port()
    srv = ThreadingHTTPServer(("127.0.0.1", hport), Harness)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    hbase = f"http://127.0.0.1:{hport}"
    L = Loa(["websub.allow_loopback=1", "websub.publishers=127.0.0.1", "websub.retry_base=1s",
             "websub.max_attempts=3", "websub.rate_per_host=20", "websub.timeout=5s"])
    H.update(base=hbase, hub=f"{L.base}/hub", topics={}, subs={})
    check(L.run("orgs", "add", "--slug", "bo-y-te", "--name", "Bộ Y tế", "--kind", "ministry").returncode == 0, "org")
    L.start(worker=True)
    port = L.port

    def hub_post(d):
        st, _, body, _ = http_req(port, "POST", "/hub", form(d), {"Content-Type": "application/x-www-form-urlencoded"})
        return st, body.decode()

    # ---- hub tests 100-106 (public hub mode: the harness hosts the topic) ----
    posts = "<html><body><ul><li>Bài 1</li><li>Bài 2</li><li>Bài 3</li></ul></body></html>"
    types = {"100": "text/html", "101": "text/html", "102": "text/html", "103": "text/html", "104": "text/html",
             "105": "text/plain", "106": "application/json"}
    for n, ct in types.items():
        body = posts if ct == "text/html" else ("Bài 1\nBài 2\nBài 3\n" if ct == "text/plain" else json.dumps(
            {"title": "B", "home_page_url": hbase, "feed_url": f"{hbase}/topic/{n}", "items": [
                {"id": "1", "content_text": "Bài 1", "url": f"{hbase}/1", "date_published": "2026-01-01T00:00:00Z",
                 "author": {"name": "A"}}]}, ensure_ascii=False))
        H["topics"][n] = {"url": f"{hbase}/topic/{n}", "body": body, "ctype": ct}
        sub = {"topic": f"{hbase}/topic/{n}"}
        d = {"hub.mode": "subscribe", "hub.topic": sub["topic"], "hub.callback": f"{hbase}/sub/{n}"}
        if n == "101":
            sub["secret"] = d["hub.secret"] = secrets.token_hex(10)
        if n == "102":
            d.update({"foo": "bar", "hub.foo": "hub.bar"})
        H["subs"][n] = sub
        st, msg = hub_post(d)
        check(st == 202, f"hub {n}: subscribe answers exactly 202 ({st} {msg})")
        v = wait_for(lambda: H.get("verifications", {}).get(n), 10)
        check(v and v[0].get("hub.mode") == "subscribe" and v[0].get("hub.lease_seconds") and v[0].get("hub.challenge"),
              f"hub {n}: verification of intent with lease_seconds: {v}")
    wait_for(lambda: len(L.sql("SELECT id FROM net_hub_subs")) == len(types), 10)
    check(len(L.sql("SELECT id FROM net_hub_subs")) == len(types), "hub: every subscription verified")

    def publish_and_wait(n, count=1, timeout=10):
        st, msg = hub_post({"hub.mode": "publish", "hub.url": H["topics"][n]["url"]})
        check(st == 202, f"hub {n}: publish ping accepted ({st} {msg})")
        return wait_for(lambda: len(deliveries(n)) >= count, timeout)

    for n, ct in types.items():
        publish_and_wait(n)
        ds = deliveries(n)
        check(len(ds) == 1, f"hub {n}: one delivery ({len(ds)})")
        if not ds:
            continue
        d = ds[0]
        t = H["topics"][n]
        check(d["body"].decode().strip() == t["body"].strip(), f"hub {n}: the body is the topic's, verbatim")
        check(d["ctype"] == t["ctype"], f"hub {n}: Content-Type exactly {t['ctype']} ({d['ctype']})")
        link = ", ".join(d["links"])
        m = re.search(r'<([^>]*)>;\s*rel="hub"', link)
        check(m and m.group(1) == H["hub"], f"hub {n}: rel=hub is the hub's URL ({link})")
        check('rel="self"' in link, f"hub {n}: rel=self present")
        if n == "101":
            sig = d["sig"] or ""
            want = hmac.new(H["subs"][n]["secret"].encode(), d["body"], hashlib.sha256).hexdigest()
            check(sig == "sha256=" + want, f"hub 101: X-Hub-Signature sha256 HMAC of the body ({sig})")
        else:
            check(d["sig"] is None, f"hub {n}: no X-Hub-Signature without a secret")
    # 103: re-subscribe before expiry; the next publish gives exactly one notification
    before = len(H["verifications"]["103"])
    st, _ = hub_post({"hub.mode": "subscribe", "hub.topic": H["topics"]["103"]["url"], "hub.callback": f"{hbase}/sub/103"})
    check(st == 202 and wait_for(lambda: len(H["verifications"]["103"]) > before, 10), "hub 103: re-subscription verified again")
    time.sleep(0.5)
    publish_and_wait("103", 2)
    time.sleep(1.5)
    check(len(deliveries("103")) == 2, f"hub 103: exactly one more notification ({len(deliveries('103'))})")
    # 104: unsubscribe, then no notification
    st, _ = hub_post({"hub.mode": "unsubscribe", "hub.topic": H["topics"]["104"]["url"], "hub.callback": f"{hbase}/sub/104"})
    check(st == 202, "hub 104: unsubscribe answers 202")
    v = wait_for(lambda: [x for x in H["verifications"]["104"] if x.get("hub.mode") == "unsubscribe"], 10)
    check(bool(v), "hub 104: verification with hub.mode=unsubscribe")
    wait_for(lambda: not L.sql("SELECT id FROM net_hub_subs WHERE callback LIKE '%/sub/104'"), 5)
    hub_post({"hub.mode": "publish", "hub.url": H["topics"]["104"]["url"]})
    time.sleep(3)
    check(len(deliveries("104")) == 1, f"hub 104: no notification after unsubscribing ({len(deliveries('104'))})")

    # bad requests to the hub
    check(hub_post({"hub.mode": "sideways"})[0] == 400, "hub: bad mode is 400")
    check(hub_post({"hub.mode": "subscribe", "hub.topic": "x"})[0] == 400, "hub: missing callback is 400")
    check(hub_post({"hub.mode": "subscribe", "hub.topic": f"{hbase}/topic/100", "hub.callback": f"{hbase}/sub/x",
                    "hub.secret": "s" * 250})[0] == 400, "hub: a secret over 199 bytes is 400")
    check(hub_post({"hub.mode": "subscribe", "hub.topic": "https://elsewhere.invalid/feed",
                    "hub.callback": f"{hbase}/sub/x"})[0] == 400, "hub: a topic it does not serve is 400")
    check(hub_post({"hub.mode": "publish", "hub.url": "https://not-allowed.invalid/feed"})[0] == 403,
          "hub: a ping from a publisher not on the allow-list is 403")
    check(hub_post({"hub.mode": "subscribe", "hub.topic": f"{hbase}/topic/100", "hub.callback": "ftp://127.0.0.1/x"})[0] == 400,
          "hub: a non-http callback is 400")

    # a verification that fails creates nothing
    H["subs"]["bad"] = {"topic": f"{hbase}/topic/100", "fail_verify": True}
    hub_post({"hub.mode": "subscribe", "hub.topic": f"{hbase}/topic/100", "hub.callback": f"{hbase}/sub/bad"})
    wait_for(lambda: H.get("verifications", {}).get("bad"), 10)
    time.sleep(0.5)
    check(not L.sql("SELECT id FROM net_hub_subs WHERE callback LIKE '%/sub/bad'"), "a failed verification creates no subscription")

    # rate limit per callback host ("localhost" here)
    codes = [hub_post({"hub.mode": "subscribe", "hub.topic": f"{hbase}/topic/100",
                       "hub.callback": f"http://localhost:{hport}/sub/rl{i}"})[0] for i in range(25)]
    check(codes.count(202) == 20 and codes.count(429) == 5, f"rate limit per callback host: {codes}")

    # retries with backoff, then give up (max_attempts=3, retry_base=1s)
    H["subs"]["fail"] = {"topic": f"{hbase}/topic/100", "status": 500}
    hub_post({"hub.mode": "subscribe", "hub.topic": f"{hbase}/topic/100", "hub.callback": f"{hbase}/sub/fail"})
    wait_for(lambda: L.sql("SELECT id FROM net_hub_subs WHERE callback LIKE '%/sub/fail'"), 10)
    hub_post({"hub.mode": "publish", "hub.url": f"{hbase}/topic/100"})
    dead = wait_for(lambda: L.sql("SELECT attempts FROM net_hub_deliveries d JOIN net_hub_subs s ON s.id = d.sub_id "
                                  "WHERE s.callback LIKE '%/sub/fail' AND d.state = 'dead'"), 15)
    fd = deliveries("fail")
    check(dead and dead[0][0] == 3 and len(fd) == 3, f"3 attempts then given up: {dead} {len(fd)}")
    if len(fd) == 3:
        gaps = [fd[i + 1]["at"] - fd[i]["at"] for i in range(2)]
        check(gaps[0] >= 0.9 and gaps[1] >= gaps[0] * 1.5, f"backoff doubles: {gaps}")

    # loa's own feeds: subscribe with a secret, publish, signed delivery
    own = f"{L.base}/feeds/bo-y-te.atom"
    H["subs"]["own"] = {"topic": own, "secret": "bi-mat-chung"}
    st, _ = hub_post({"hub.mode": "subscribe", "hub.topic": own, "hub.callback": f"{hbase}/sub/own", "hub.secret": "bi-mat-chung",
                      "hub.lease_seconds": "120"})
    check(st == 202, "subscribe to loa's own feed")
    v = wait_for(lambda: H.get("verifications", {}).get("own"), 10)
    check(v and v[0].get("hub.lease_seconds") == "120", f"the lease asked for is granted: {v}")
    wait_for(lambda: L.sql("SELECT id FROM net_hub_subs WHERE topic = ?", own), 10)
    body = os.path.join(L.tmp, "b.txt")
    open(body, "w", encoding="utf-8").write("Nội dung thông cáo báo chí về bảo hiểm y tế.")
    r = L.run("publish", "--org", "bo-y-te", "--kind", "press_release", "--title", "Thông cáo", "--body", body, "--approve")
    check(r.returncode == 0, f"publish: {r.stderr}")
    wait_for(lambda: deliveries("own"), 10)
    d = (deliveries("own") or [None])[0]
    check(d is not None and d["ctype"].startswith("application/atom+xml") and b"loa:signature" in d["body"],
          "publishing distributes the signed Atom feed")
    if d:
        want = hmac.new(b"bi-mat-chung", d["body"], hashlib.sha256).hexdigest()
        check(d["sig"] == "sha256=" + want, "the delivery is signed with the subscriber's secret")

    # SSRF: a hub that does not allow loopback refuses such callbacks
    L2 = Loa(["websub.allow_loopback=0", "websub.publishers=127.0.0.1"])
    L2.db = L.db  # the same database, another server with the default policy
    L2.start(worker=False)
    for cb in (f"{hbase}/sub/x", "http://localhost/x", "http://[::1]/x", "http://10.1.2.3/x", "http://169.254.169.254/latest"):
        st, _, b, _ = http_req(L2.port, "POST", "/hub", form({"hub.mode": "subscribe", "hub.topic": own.replace(L.base, L2.base),
                                                             "hub.callback": cb}), {"Content-Type": "application/x-www-form-urlencoded"})
        check(st == 403, f"SSRF: callback {cb} refused ({st} {b[:80]!r})")
    L2.stop()

    # ---- subscriber tests: loa subscribes to the harness ----
    def subscribe(n, want_ok=True):
        r = L.run("websub", "subscribe", f"{hbase}/blog/{n}")
        if want_ok:
            check(r.returncode == 0, f"subscriber {n}: loa websub subscribe: rc={r.returncode} {r.stdout} {r.stderr}")
        return r

    for n in ("100", "101", "102", "103", "104", "200", "201", "202", "203", "204"):
        subscribe(n)
        res = H.get("hubres", {}).get(n, [])
        check(res and res[-1] == "ok", f"subscriber {n}: the hub accepted and verified the subscription: {res}")
    check("wrong_discovery_priority" not in H.get("hubres", {}).get("104", []), "subscriber 104: Link headers win over the document")
    r = subscribe("205", want_ok=False)
    check(r.returncode == 1 and H.get("cbstatus", {}).get("205") == 404,
          f"subscriber 205: an unexpected topic in the verification gets 404 ({H.get('cbstatus', {}).get('205')})")
    for n in ("300", "301", "302"):
        subscribe(n)
    for n in ("300", "301", "302"):
        check(H.get("hubres", {}).get(n, [""])[-1] == "ok", f"subscriber {n}: subscribed with a secret")
    # a signed loa feed pushed as content: stored and its signatures checked
    feed = http_req(port, "GET", "/feeds/bo-y-te.atom")[2]

    def push(n, sig_mode="valid", data=feed):
        s = H["subscribed"][n]
        cu = urllib.parse.urlsplit(s["callback"])
        mac = hmac.new(s["secret"].encode(), data, hashlib.sha256).hexdigest()
        h = {"Content-Type": "application/atom+xml", "Link": f'<{s["topic"]}>; rel="self", <{hbase}/blog/{n}/hub>; rel="hub"'}
        if sig_mode == "valid":
            h["X-Hub-Signature"] = "sha256=" + mac
        elif sig_mode == "bad":
            h["X-Hub-Signature"] = "sha256=" + mac + "1234"
        st, _, body, _ = http_req(cu.port, "POST", cu.path, data, h)
        return st, body.decode()

    def items_of(n):
        src = L.sql("SELECT source FROM net_subs WHERE topic = ?", H["subscribed"][n]["topic"])
        if not src:
            return 0
        return L.sql("SELECT COUNT(*) FROM items i JOIN sources s ON s.id = i.source_id WHERE s.slug = ?", src[-1][0])[0][0]

    st, msg = push("300")
    check(200 <= st < 300 and "stored=1" in msg, f"subscriber 300: 2xx on a valid delivery ({st} {msg})")
    check(items_of("300") == 1, "subscriber 300: the pushed entry is stored")
    srcs = L.sql("SELECT source, status FROM net_entry_status")
    check(any(s == "ok" for _, s in srcs), f"subscriber 300: the entry's loa signature is recorded as verified: {srcs}")
    st, msg = push("300")
    check(st == 200 and "replay" in msg, f"a replayed delivery is detected and ignored ({st} {msg})")
    st, msg = push("301", "bad")
    check(200 <= st < 300 and items_of("301") == 0, f"subscriber 301: a bad signature is acknowledged and ignored ({st} {msg})")
    st, msg = push("302", "none")
    check(not (200 <= st < 300) and items_of("302") == 0, f"subscriber 302: a missing signature is refused ({st})")
    st, _, _, _ = http_req(port, "POST", "/websub/callback/99999", b"x", {"Content-Type": "text/plain"})
    check(st == 410, "a push for an unknown subscription is 410")
    st, _, _, _ = http_req(port, "GET", "/websub/callback/99999?hub.mode=subscribe&hub.topic=x&hub.challenge=y")
    check(st == 404, "a verification for an unknown subscription is 404")
    # renewal: a 6 s lease is asked for again, same callback and secret, before it ends
    subscribe("401")
    exp0 = L.sql("SELECT expires_at FROM net_subs WHERE topic = ?", f"{hbase}/blog/401")
    renewed = wait_for(lambda: len(H.get("subreqs", {}).get("401", [])) >= 2, 15)
    reqs = H.get("subreqs", {}).get("401", [])
    check(bool(renewed), f"subscriber 401: the subscription is renewed before its 6 s lease ends: {len(reqs)} requests")
    check(len(reqs) >= 2 and reqs[1][3] - reqs[0][3] < 6, "subscriber 401: renewed before the lease ended")
    check(len(reqs) >= 2 and reqs[0][:3] == reqs[1][:3] and reqs[1][0] == "subscribe" and reqs[1][2],
          "subscriber 401: the renewal keeps the callback and the secret")
    exp1 = wait_for(lambda: (lambda e: e if e and exp0 and e[0][0] and e[0][0] > exp0[0][0] else None)(
        L.sql("SELECT expires_at FROM net_subs WHERE topic = ?", f"{hbase}/blog/401")), 5)
    check(bool(exp1), f"subscriber 401: the new lease moved the expiry forward ({exp0} -> {exp1})")
    r = L.run("websub", "list")
    check(r.returncode == 0 and "# subscriber" in r.stdout and "blog/401" in r.stdout, "loa websub list")
    L.stop()
    srv.shutdown()
    finish()


if __name__ == "__main__":
    main()
