#!/usr/bin/python3
"""The JSON API against a real `loa serve`: every response is checked against
docs/api/openapi.json (the schema of its path, method and status), and the
bad-input rules hold (401/403/413/415/400/404/429, CSRF, SSE delivery,
graceful stop). Run by api.sh with LOA, LOA_SRC set."""
import http.client, json, os, re, signal, socket, subprocess, sys, tempfile, threading, time

import jsonschema
from jsonschema import Draft202012Validator

LOA = os.environ["LOA"]
SRC = os.environ["LOA_SRC"]
SPEC = json.load(open(os.path.join(SRC, "docs/api/openapi.json"), encoding="utf-8"))
checks = 0
fails = []


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        fails.append(what)
        print("FAIL:", what, file=sys.stderr)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def schema_for(path_tpl, method, status):
    op = SPEC["paths"][path_tpl][method.lower()]
    r = op["responses"].get(str(status))
    if r is None:
        return None
    if "$ref" in r:
        r = SPEC["components"]["responses"][r["$ref"].split("/")[-1]]
    c = r.get("content", {}).get("application/json")
    return c and c.get("schema")


def validate(body, schema, what):
    resolver_schema = dict(schema)
    resolver_schema["components"] = SPEC["components"]
    # resolve $ref "#/components/..." against the whole document
    v = Draft202012Validator({"$ref": "#/x", "x": schema, "components": SPEC["components"]})
    errs = list(v.iter_errors(body))
    check(not errs, f"{what}: schema: {errs[0].message if errs else ''}")


class Client:
    def __init__(self, port):
        self.port = port
        self.cookie = None
        self.csrf = None

    def req(self, method, path, body=None, headers=None, tpl=None, want=None, raw=False):
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.csrf and method not in ("GET", "HEAD"):
            h.setdefault("X-CSRF-Token", self.csrf)
        data = None
        if body is not None:
            if isinstance(body, (bytes, str)):
                data = body if isinstance(body, bytes) else body.encode()
            else:
                data = json.dumps(body).encode()
                h.setdefault("Content-Type", "application/json")
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        payload = r.read()
        sc = r.getheader("Set-Cookie")
        if sc and sc.startswith("loa_session="):
            self.cookie = sc.split(";")[0]
            check("HttpOnly" in sc and "SameSite=Strict" in sc, "session cookie is HttpOnly, SameSite=Strict")
        c.close()
        what = f"{method} {path}"
        if want is not None:
            check(r.status == want, f"{what}: status {r.status}, expected {want}: {payload[:200]!r}")
        if raw:
            return r.status, payload
        ctype = r.getheader("Content-Type") or ""
        check(ctype.startswith("application/json"), f"{what}: content type {ctype}")
        try:
            j = json.loads(payload)
        except ValueError:
            check(False, f"{what}: body is not JSON: {payload[:200]!r}")
            return r.status, None
        if r.status >= 400:
            check("error" in j and "code" in j["error"] and "message" in j["error"], f"{what}: error shape")
        if tpl:
            sch = schema_for(tpl, method, r.status)
            check(sch is not None, f"{what}: status {r.status} not documented in openapi.json")
            if sch:
                validate(j, sch, what)
        return r.status, j


def main():
    tmp = tempfile.mkdtemp(prefix="loa-api-")
    db = os.path.join(tmp, "api.db")
    env = dict(os.environ, LOA_HOME=SRC)

    def loa(*args, inp=None):
        return subprocess.run([LOA, "--db", db, *args], input=inp, capture_output=True, text=True, env=env)

    loa("orgs", "add", "--slug", "bo-y-te", "--name", "Bộ Y tế", "--kind", "ministry")
    loa("orgs", "add", "--slug", "ubnd-ha-noi", "--name", "UBND Thành phố Hà Nội", "--kind", "province")
    check(loa("users", "add", "phantich", "--role", "analyst", "--org", "bo-y-te", "--password-stdin",
              inp="mat-khau-phan-tich\n").returncode == 0, "users add analyst")
    check(loa("users", "add", "nhabao", "--role", "journalist", "--password-stdin",
              inp="mat-khau-nha-bao\n").returncode == 0, "users add journalist")
    tok = loa("users", "token", "phantich", "--label", "connector").stdout.strip()
    check(re.fullmatch(r"loa_[0-9a-f]{64}", tok) is not None, "users token prints a token")
    items = "\n".join(json.dumps({"source": "bao-tin-moi", "id": f"a{i}", "title": f"Tin số {i}",
                                  "text": f"Nội dung tin số {i} về giấy phép xây dựng",
                                  "published_at": f"2026-11-{10 + i % 10:02d}T0{i % 10}:00:00+07:00"})
                      for i in range(30))
    check(loa("import", "-", inp=items).returncode == 0, "import sample items")

    port = free_port()
    srv = subprocess.Popen([LOA, "--db", db, "serve", "--listen", f"127.0.0.1:{port}"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out = ""
    for _ in range(100):
        line = srv.stdout.readline()
        out += line
        if "dashboard" in line:
            break
    m = re.search(r"one-time password \(change it: loa users passwd admin\): (\S+)", out)
    check(m is not None, f"first start prints the admin's one-time password: {out!r}")
    admin_pw = m.group(1) if m else ""

    anon = Client(port)
    anon.req("GET", "/healthz", tpl="/healthz", want=200)
    st, spec = anon.req("GET", "/api/v1/openapi.json", want=200)
    check(spec and spec.get("openapi", "").startswith("3.1"), "openapi.json is served")
    anon.req("GET", "/api/v1/items", tpl="/api/v1/items", want=401)
    anon.req("GET", "/api/v1/orgs", tpl="/api/v1/orgs", want=200)
    anon.req("POST", "/api/v1/login", {"login": "admin", "password": "wrong-password"}, tpl="/api/v1/login", want=401)
    anon.req("POST", "/api/v1/login", "not json", headers={"Content-Type": "application/json"}, tpl="/api/v1/login", want=400)
    anon.req("POST", "/api/v1/login", {"login": "admin"}, headers={"Content-Type": "text/plain"}, tpl="/api/v1/login", want=415)
    anon.req("GET", "/api/v1/nothing-here", want=404)
    st, _ = anon.req("GET", "/../../etc/passwd", raw=True)
    check(st == 404, "path traversal on static files is 404")

    admin = Client(port)
    st, j = admin.req("POST", "/api/v1/login", {"login": "admin", "password": admin_pw}, tpl="/api/v1/login", want=200)
    admin.csrf = j and j.get("csrf")
    admin.req("GET", "/api/v1/me", tpl="/api/v1/me", want=200)
    st, page = admin.req("GET", "/api/v1/items?limit=7", tpl="/api/v1/items", want=200)
    check(page and len(page["items"]) == 7 and page["next_cursor"], "first page of 7 with a cursor")
    seen = [i["item_id"] for i in page["items"]]
    pages = 1
    while page and page.get("next_cursor") and pages < 10:
        st, page = admin.req("GET", f"/api/v1/items?limit=7&cursor={page['next_cursor']}", tpl="/api/v1/items", want=200)
        seen += [i["item_id"] for i in page["items"]]
        pages += 1
    check(len(seen) == 30 and len(set(seen)) == 30, f"cursor paging visits every item once ({len(seen)})")
    admin.req("GET", "/api/v1/items?limit=0", tpl="/api/v1/items", want=400)
    admin.req("GET", "/api/v1/items?cursor=zzz", tpl="/api/v1/items", want=400)
    admin.req("GET", f"/api/v1/items/{seen[0]}", tpl="/api/v1/items/{id}", want=200)
    admin.req("GET", "/api/v1/items/999999", tpl="/api/v1/items/{id}", want=404)
    admin.req("GET", "/api/v1/users", tpl="/api/v1/users", want=200)
    admin.req("POST", "/api/v1/users", {"login": "bientap", "password": "mat-khau-bien-tap", "role": "editor",
                                        "org": "ubnd-ha-noi"}, tpl="/api/v1/users", want=201)
    admin.req("POST", "/api/v1/users", {"login": "bientap", "password": "mat-khau-bien-tap", "role": "editor"},
              tpl="/api/v1/users", want=409)
    admin.req("POST", "/api/v1/users", {"login": "weak", "password": "short", "role": "editor"}, tpl="/api/v1/users", want=400)
    admin.req("POST", "/api/v1/orgs", {"slug": "bo-tai-chinh", "name": "Bộ Tài chính"}, tpl="/api/v1/orgs", want=201)
    admin.req("GET", "/api/v1/sources", tpl="/api/v1/sources", want=200)

    # search, saved queries, alerts
    st, j = admin.req("GET", "/api/v1/search?q=giay%20phep%20xay%20dung&limit=5", tpl="/api/v1/search", want=200)
    check(j and j["count"] == 5 and all("«" in h.get("snippet", "") for h in j["hits"]),
          "search without diacritics finds items, with highlighted snippets")
    st, j = admin.req("GET", "/api/v1/search?q=giay%20phep&limit=2&facets=1", tpl="/api/v1/search", want=200)
    check(j and j["facets_over"] == 30 and sum(j["facets"]["source"].values()) == 30 and j["count"] == 2,
          "facets count every match, not only the page")
    st, j = admin.req("GET", "/api/v1/search?q=%22gi%E1%BA%A5y%20ph%C3%A9p%22%20AND%20(", tpl="/api/v1/search", want=400)
    check(j and j["error"]["code"] == "bad_query" and j["error"]["position"] > 0, "malformed query: 400 with its position")
    admin.req("GET", "/api/v1/search", tpl="/api/v1/search", want=400)
    admin.req("GET", "/api/v1/search?q=x&order=sideways", tpl="/api/v1/search", want=400)
    admin.req("POST", "/api/v1/queries", {"name": "xay-dung", "query": "giấy phép xây dựng"}, tpl="/api/v1/queries", want=201)
    admin.req("POST", "/api/v1/queries", {"name": "xay-dung", "query": "x"}, tpl="/api/v1/queries", want=409)
    admin.req("POST", "/api/v1/queries", {"name": "hong", "query": "(a"}, tpl="/api/v1/queries", want=400)
    st, j = admin.req("GET", "/api/v1/queries", tpl="/api/v1/queries", want=200)
    check(j and [q["name"] for q in j["queries"]] == ["xay-dung"], "saved query listed")
    admin.req("POST", "/api/v1/alerts", {"name": "canh-bao", "query": "xay-dung", "kind": "match",
                                         "webhook": "http://127.0.0.1:9/hook"}, tpl="/api/v1/alerts", want=201)
    admin.req("GET", "/api/v1/alerts", tpl="/api/v1/alerts", want=200)
    admin.req("DELETE", "/api/v1/alerts/canh-bao", tpl="/api/v1/alerts/{name}", want=200)
    admin.req("DELETE", "/api/v1/alerts/canh-bao", tpl="/api/v1/alerts/{name}", want=404)

    # CSRF: a cookie session without the token cannot change anything
    nocsrf = Client(port)
    nocsrf.cookie = admin.cookie
    nocsrf.req("POST", "/api/v1/orgs", {"slug": "x-org", "name": "X"}, want=403)

    # roles
    journo = Client(port)
    st, j = journo.req("POST", "/api/v1/login", {"login": "nhabao", "password": "mat-khau-nha-bao"}, want=200)
    journo.csrf = j and j.get("csrf")
    journo.req("GET", "/api/v1/items", tpl="/api/v1/items", want=403)
    journo.req("GET", "/api/v1/users", tpl="/api/v1/users", want=403)

    # connectors push items with an API token
    bearer = {"Authorization": "Bearer " + tok}
    conn = Client(port)
    one = {"source": "fb-so-y-te", "platform": "facebook", "id": "p1", "text": "Bài đăng mới",
           "published_at": "2026-11-20T08:00:00+07:00"}

    # live: an SSE client sees the pushed item
    got = []

    def listen():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=8)
        c.request("GET", "/api/v1/events", headers={"Cookie": admin.cookie})
        r = c.getresponse()
        got.append(r.status)
        buf = b""
        end = time.time() + 6
        while time.time() < end and b"Bai dang SSE" not in buf.decode("utf-8", "replace").encode():
            chunk = r.fp.read1(4096) if hasattr(r.fp, "read1") else r.read(1)
            if not chunk:
                break
            buf += chunk
            if "Bài đăng SSE".encode() in buf:
                break
        got.append(buf)
        c.close()

    t = threading.Thread(target=listen)
    t.start()
    time.sleep(0.7)
    conn.req("POST", "/api/v1/items", one, headers=bearer, tpl="/api/v1/items", want=200)
    conn.req("POST", "/api/v1/items", {"items": [one, {"source": "x"}, dict(one, id="p2", text="Bài đăng SSE")]},
             headers=bearer, tpl="/api/v1/items", want=200)
    nd = "\n".join(json.dumps(dict(one, id=f"n{i}")) for i in range(3))
    st, j = conn.req("POST", "/api/v1/items", nd, headers=dict(bearer, **{"Content-Type": "application/x-ndjson"}),
                     tpl="/api/v1/items", want=200)
    check(j and j["stored"] == 3, "JSON lines body stores 3 items")
    conn.req("POST", "/api/v1/items", {"source": "x"}, headers=bearer, tpl="/api/v1/items", want=400)
    conn.req("POST", "/api/v1/items", "{bad", headers=dict(bearer, **{"Content-Type": "application/json"}),
             tpl="/api/v1/items", want=400)
    conn.req("POST", "/api/v1/items", "x" * (2 << 20), headers=dict(bearer, **{"Content-Type": "application/json"}),
             tpl="/api/v1/items", want=413)
    conn.req("GET", "/api/v1/items", headers={"Authorization": "Bearer loa_" + "0" * 64}, tpl="/api/v1/items", want=401)
    t.join()
    check(got and got[0] == 200, "SSE stream opens")
    st, m = anon.req("GET", "/metrics", raw=True)
    m = m.decode()
    check(st == 200 and 'loa_items_in_total{via="api"}' in m, "metrics count the items in through the API")
    check('loa_queue_depth{queue="search"}' in m and 'loa_http_request_seconds_bucket' in m,
          "metrics show queue depths and request latencies")
    check(len(got) > 1 and "Bài đăng SSE".encode() in got[1], "SSE client receives the new item")

    # login throttling
    for _ in range(6):
        st, _ = anon.req("POST", "/api/v1/login", {"login": "admin", "password": "nope-nope-nope"})
    check(st == 429, f"repeated failed logins are locked out (429), got {st}")

    # graceful stop with a stream open
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("GET", "/api/v1/events", headers={"Cookie": admin.cookie})
    c.getresponse()
    srv.send_signal(signal.SIGTERM)
    try:
        rc = srv.wait(timeout=10)
    except subprocess.TimeoutExpired:
        srv.kill()
        rc = None
    check(rc == 0, f"SIGTERM stops the server cleanly (exit {rc})")
    r = subprocess.run([LOA, "--db", db, "db", "check"], capture_output=True, text=True)
    check(r.returncode == 0, "database intact after stop")
    print(f"{checks} checks, {len(fails)} failed")
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
