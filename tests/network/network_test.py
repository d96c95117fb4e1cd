#!/usr/bin/python3
"""The network room end to end on loopback: official publishing from the CLI
and the API (roles, organisations: 403 for another organisation's items,
409 out of order), embargo hidden from feeds and API until its time, feeds
out parsed by python3-feedparser and feedsmith, conditional GET, hub
discovery headers, signatures verified by `loa verify` (and tampering named
by field), the directory import/export, reach with fidelity, the audit log,
and every JSON answer validated against docs/api/openapi.json."""
import json, os, re, shutil, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netlib import LOA, SRC, Client, Loa, check, finish, http_req, wait_for  # noqa: E402

import feedparser  # Debian's python3-feedparser

FEED_FIELDS = ["title", "link", "id", "published_parsed", "updated_parsed", "author", "summary", "content", "tags"]


def feedsmith_check(files):
    """Parses the feeds with the npm package feedsmith (pinned in bench/);
    returns None when npm is unavailable (the reason is printed)."""
    if not shutil.which("npm") or not shutil.which("node"):
        print("note: npm/node not installed: feedsmith check skipped")
        return None
    d = tempfile.mkdtemp(prefix="loa-feedsmith-")
    for f in ("package.json", "package-lock.json"):
        shutil.copy(os.path.join(SRC, "bench", f), d)
    r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline", "--silent"], cwd=d,
                       capture_output=True, text=True, timeout=180)
    if r.returncode != 0:
        print("note: npm ci failed (offline?): feedsmith check skipped:", r.stderr[:200])
        return None
    js = r"""
const fs = require('fs'); const f = require('feedsmith');
const out = {};
for (const p of process.argv.slice(1)) {
  const t = fs.readFileSync(p, 'utf8');
  try {
    const r = f.parseFeed(p.endsWith('.json') ? JSON.parse(t) : t);
    const items = r.feed.items || r.feed.entries || [];
    out[p] = {format: r.format || r.type, title: r.feed.title, n: items.length, first: items[0] || null};
  } catch (e) { out[p] = {error: String(e.message || e)}; }
}
console.log(JSON.stringify(out));
"""
    r = subprocess.run(["node", "-e", js, *files], cwd=d, capture_output=True, text=True, timeout=60)
    shutil.rmtree(d, ignore_errors=True)
    if r.returncode != 0:
        check(False, f"feedsmith ran: {r.stderr[:300]}")
        return None
    return json.loads(r.stdout)


def main():
    L = Loa()
    def loa(*a, inp=None):
        return L.run(*a, inp=inp)
    for slug, name, kind in [("bo-y-te", "Bộ Y tế", "ministry"), ("bo-tai-chinh", "Bộ Tài chính", "ministry"),
                             ("bao-a", "Báo A", "press"), ("bao-b", "Báo B", "press")]:
        check(loa("orgs", "add", "--slug", slug, "--name", name, "--kind", kind).returncode == 0, f"orgs add {slug}")
    users = {"quantri": ("admin", None), "bientap": ("editor", "bo-y-te"), "phatngon": ("spokesperson", "bo-y-te"),
             "phatngon2": ("spokesperson", "bo-tai-chinh"), "phantich": ("analyst", "bo-y-te")}
    tokens = {}
    for login, (role, org) in users.items():
        args = ["users", "add", login, "--role", role, "--password-stdin"] + (["--org", org] if org else [])
        check(loa(*args, inp="mat-khau-dai-du-10\n").returncode == 0, f"users add {login}")
        tokens[login] = loa("users", "token", login).stdout.strip()

    # ---- publishing from the command line ----
    body = os.path.join(L.tmp, "body.txt")
    original = ("Bộ Y tế thông báo: từ ngày 1/7/2026, 1.500 trạm y tế xã sẽ không thu phí khám bệnh cho người dân "
                "có thẻ bảo hiểm y tế theo chỉ đạo của Bộ trưởng Đào Hồng Lan tại cuộc họp giao ban.\n\n"
                "Người dân cần mang theo căn cước công dân khi đến khám.")
    open(body, "w", encoding="utf-8").write(original)
    r = loa("publish", "--org", "bo-y-te", "--kind", "statement", "--title", "Miễn phí khám tại trạm y tế xã",
            "--body", body, "--approve")
    check(r.returncode == 0 and re.fullmatch(r"\d+\n", r.stdout), f"publish --approve prints the id: {r.stdout!r} {r.stderr}")
    pub_id = int(r.stdout.strip() or 0)
    emb = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 40))
    r = loa("publish", "--org", "bo-y-te", "--kind", "press_release", "--title", "Thông cáo hẹn giờ", "--body", body,
            "--approve", "--embargo", emb)
    check(r.returncode == 0, f"publish with embargo: {r.stderr}")
    emb_id = int(r.stdout.strip() or 0)
    r = loa("publish", "--org", "bo-y-te", "--title", "Chờ duyệt", "--body", body)
    rev_id = int(r.stdout.strip() or 0)
    check(loa("publish", "list").stdout.count("review") == 1, "an item without --approve waits for review")
    check(loa("publish", "--org", "bo-y-te", "--kind", "rumour", "--title", "x", "--body", body).returncode == 1,
          "a bad kind is refused")
    check(loa("publish", "--title", "x").returncode == 2, "missing --org is a usage error")
    check(loa("keys", "list").returncode == 0 and "bo-y-te." in loa("keys", "list").stdout, "a key was made on first use")
    check(oct(os.stat(L.db + ".keys").st_mode & 0o777) == "0o600", "the master key file is mode 0600")

    L.start(worker=False)
    port = L.port
    anon = Client(port)
    admin = Client(port, tokens["quantri"])
    editor = Client(port, tokens["bientap"])
    spokes = Client(port, tokens["phatngon"])
    other = Client(port, tokens["phatngon2"])
    analyst = Client(port, tokens["phantich"])

    # ---- feeds out ----
    files = {}
    for ext, ctype in [("atom", "application/atom+xml"), ("rss", "application/rss+xml"), ("json", "application/feed+json")]:
        st, h, payload, links = http_req(port, "GET", f"/feeds/bo-y-te.{ext}")
        check(st == 200 and h.get("content-type", "").startswith(ctype), f"feed {ext}: {st} {h.get('content-type')}")
        link = ", ".join(links)
        check(f'<{L.base}/hub>; rel="hub"' in link and f'<{L.base}/feeds/bo-y-te.{ext}>; rel="self"' in link,
              f"feed {ext} advertises hub and self: {link}")
        check(h.get("etag", "").startswith('"') and h.get("last-modified", "").endswith("GMT"), f"feed {ext}: validators")
        st2, _, p2, _ = http_req(port, "GET", f"/feeds/bo-y-te.{ext}", headers={"If-None-Match": h.get("etag", "")})
        check(st2 == 304 and p2 == b"", f"feed {ext}: If-None-Match gives 304 ({st2})")
        st3, _, _, _ = http_req(port, "GET", f"/feeds/bo-y-te.{ext}", headers={"If-Modified-Since": h.get("last-modified", "")})
        check(st3 == 304, f"feed {ext}: If-Modified-Since gives 304 ({st3})")
        st4, _, _, _ = http_req(port, "GET", f"/feeds/bo-y-te.{ext}", headers={"If-None-Match": '"other"'})
        check(st4 == 200, f"feed {ext}: another ETag gives 200")
        text = payload.decode()
        check("Thông cáo hẹn giờ" not in text and "Chờ duyệt" not in text, f"feed {ext}: embargoed and unapproved items are absent")
        check("loa:signature" in text or "_loa_signature" in text, f"feed {ext}: entries carry signatures")
        path = os.path.join(L.tmp, f"f.{ext}")
        open(path, "wb").write(payload)
        files[ext] = path
    # the embargoed item is invisible everywhere until its time
    check(http_req(port, "GET", f"/p/bo-y-te/{emb_id}")[0] == 404, "embargoed page: 404")
    anon.req("GET", f"/api/v1/official/{emb_id}", tpl="/api/v1/official/{id}", want=404)
    other.req("GET", f"/api/v1/official/{emb_id}", tpl="/api/v1/official/{id}", want=404)
    st, j = spokes.req("GET", f"/api/v1/official/{emb_id}", tpl="/api/v1/official/{id}", want=200)
    check(j and "item" not in j and j["workflow"]["state"] == "published", "own staff see the embargoed item's workflow only")
    st, j = admin.req("GET", "/api/v1/items?limit=50", tpl="/api/v1/items", want=200)
    titles = [i.get("title") for i in (j or {}).get("items", [])]
    check("Miễn phí khám tại trạm y tế xã" in titles and "Thông cáo hẹn giờ" not in titles,
          "published item is in the store, the embargoed one is not")
    st, j = analyst.req("GET", "/api/v1/search?q=h%E1%BA%B9n%20gi%E1%BB%9D", want=200)
    check(j is not None and not [h for h in j.get("hits", []) if "hẹn giờ" in (h.get("title") or "")], "nor found by search")
    for ext in ("atom", "rss"):
        d = feedparser.parse(open(files[ext], "rb").read())
        check(d.bozo == 0, f"feedparser {ext}: bozo {d.bozo} {d.get('bozo_exception')}")
        check(len(d.entries) == 1, f"feedparser {ext}: one entry ({len(d.entries)})")
        e = d.entries[0] if d.entries else {}
        missing = [k for k in FEED_FIELDS if not e.get(k)]
        check(not missing, f"feedparser {ext}: every field present (missing {missing})")
        check(e.get("id") == f"{L.base}/p/bo-y-te/{pub_id}", f"feedparser {ext}: id is the page URL")
        check(d.feed.get("title", "").startswith("Bộ Y tế"), f"feedparser {ext}: feed title")
        rels = {l.get("rel") for l in d.feed.get("links", [])}
        check({"self", "hub"} <= rels, f"feedparser {ext}: self and hub links in the document ({rels})")
    # Debian's feedparser 6.0.10 has no JSON Feed parser: the JSON Feed is
    # checked field by field here and by feedsmith below
    jf = json.load(open(files["json"], encoding="utf-8"))
    check(jf.get("version") == "https://jsonfeed.org/version/1.1" and jf.get("hubs", [{}])[0].get("type") == "WebSub",
          "JSON Feed 1.1 with its hub")
    it = jf["items"][0] if jf.get("items") else {}
    missing = [k for k in ["id", "url", "title", "content_text", "summary", "date_published", "date_modified", "authors",
                           "tags", "_loa_signature"] if not it.get(k)]
    check(not missing, f"JSON Feed item: every field present (missing {missing})")
    fs = feedsmith_check([files["atom"], files["rss"], files["json"]])
    if fs is not None:
        for ext, fmt in [("atom", "atom"), ("rss", "rss"), ("json", "json")]:
            r = fs.get(files[ext], {})
            check("error" not in r and r.get("format") == fmt and r.get("n") == 1, f"feedsmith {ext}: {r}")
            first = r.get("first") or {}
            if ext == "atom":
                need = ["id", "title", "links", "published", "updated", "authors", "summary", "content", "categories"]
            elif ext == "rss":
                need = ["title", "link", "guid", "pubDate", "description", "categories"]
            else:
                need = ["id", "url", "title", "content_text", "date_published", "date_modified", "authors", "tags"]
            check(not [k for k in need if not first.get(k)], f"feedsmith {ext}: fields {[k for k in need if not first.get(k)]} missing")
    # loa's own feed parser reads them too
    for ext in ("atom", "rss", "json"):
        r = subprocess.run([LOA, "feed", "parse", files[ext]], capture_output=True, text=True)
        j = json.loads(r.stdout) if r.returncode == 0 else {}
        check(j.get("document", {}).get("bozo") is False and len(j.get("entries", [])) == 1, f"loa feed parse {ext}")
    # kind filter, unknown organisation, bad kind
    st, _, p, _ = http_req(port, "GET", "/feeds/bo-y-te.atom?kind=answer")
    check(st == 200 and b"<entry>" not in p, "?kind=answer: no statements")
    st, _, p, _ = http_req(port, "GET", "/feeds/bo-y-te.atom?kind=statement")
    check(st == 200 and p.count(b"<entry>") == 1, "?kind=statement: the statement")
    check(http_req(port, "GET", "/feeds/khong-co.atom")[0] == 404, "unknown organisation: 404")
    check(http_req(port, "GET", "/feeds/bo-y-te.atom?kind=x")[0] == 400, "bad kind: 400")
    check(http_req(port, "GET", "/feeds/bo-y-te.txt")[0] == 404, "unknown format: 404")

    # ---- signatures: loa verify ----
    keys_url = f"{L.base}/.well-known/loa-keys.json"
    st, keys = anon.req("GET", "/.well-known/loa-keys.json", tpl="/.well-known/loa-keys.json", want=200)
    for ext in ("atom", "rss", "json"):
        r = subprocess.run([LOA, "verify", f"{L.base}/feeds/bo-y-te.{ext}", "--keys", keys_url], capture_output=True, text=True)
        check(r.returncode == 0 and "failed=0" in r.stdout, f"loa verify feed {ext}: {r.stdout} {r.stderr}")
    # network in: a member portal's signed feed fetched by the feed room is verified on ingest
    r = loa("sources", "add", "--no-fetch", "--slug", "cong-bo-y-te", "--kind", "portal", f"{L.base}/feeds/bo-y-te.atom")
    check(r.returncode == 0, f"sources add the portal's feed: {r.stderr}")
    r = loa("--log-level", "info", "ingest", "--once", "--source", "cong-bo-y-te")
    m = re.search(r"event=ingest.verify source=cong-bo-y-te signed=(\d+) verified=(\d+)", r.stderr)
    check(r.returncode == 0 and m is not None and int(m.group(1)) > 0 and m.group(1) == m.group(2),
          f"ingest verifies the signed entries of a member portal's feed: {r.stdout} {r.stderr[-600:]}")
    r = subprocess.run([LOA, "verify", f"{L.base}/p/bo-y-te/{pub_id}"], capture_output=True, text=True)
    check(r.returncode == 0, f"loa verify page (keys from the URL the signature names): {r.stdout} {r.stderr}")
    kf = os.path.join(L.tmp, "keys.json")
    json.dump(keys, open(kf, "w"))
    tampered = open(files["atom"], encoding="utf-8").read().replace(
        '<title type="text">Miễn phí khám', '<title type="text">Thu phí khám')
    tf = os.path.join(L.tmp, "t.atom")
    open(tf, "w", encoding="utf-8").write(tampered)
    r = subprocess.run([LOA, "verify", tf, "--keys", kf], capture_output=True, text=True)
    check(r.returncode == 1 and "altered" in r.stdout and "title" in r.stdout, f"tampered title is named: {r.stdout}")
    tampered = open(files["json"], encoding="utf-8").read().replace("1.500 trạm", "15.000 trạm")
    tf = os.path.join(L.tmp, "t.json")
    open(tf, "w", encoding="utf-8").write(tampered)
    r = subprocess.run([LOA, "verify", tf, "--keys", kf, "--json"], capture_output=True, text=True)
    res = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    check(r.returncode == 1 and res and res[0]["status"] == "bad_signature",
          f"text changed in the shown and the signed fields: bad signature: {r.stdout}")
    r = subprocess.run([LOA, "verify", files["atom"], "--keys", os.devnull], capture_output=True, text=True)
    check(r.returncode == 1, "no keys: not verified")
    page = http_req(port, "GET", f"/p/bo-y-te/{pub_id}")
    check(page[0] == 200 and "thông tin chính thức đã xác thực" in page[2].decode().lower(), "public page with the verified mark")
    check(http_req(port, "GET", f"/p/bo-tai-chinh/{pub_id}")[0] == 404, "page under another organisation: 404")
    check(http_req(port, "GET", "/p/bo-y-te")[0] == 200, "the organisation's page")

    # ---- API: workflow by role and organisation ----
    anon.req("GET", f"/api/v1/official/{pub_id}", tpl="/api/v1/official/{id}", want=200)
    anon.req("POST", "/api/v1/official", {"kind": "statement", "title": "x", "body": "y"}, tpl="/api/v1/official", want=401)
    spokes.req("POST", "/api/v1/official", {"kind": "statement", "title": "x", "body": "y"}, tpl="/api/v1/official", want=403)
    editor.req("POST", "/api/v1/official", {"org": "bo-tai-chinh", "kind": "statement", "title": "x", "body": "y"},
               tpl="/api/v1/official", want=403)
    editor.req("POST", "/api/v1/official", {"kind": "tin-don", "title": "x", "body": "y"}, tpl="/api/v1/official", want=400)
    editor.req("POST", "/api/v1/official", "{", headers={"Content-Type": "application/json"}, tpl="/api/v1/official", want=400)
    st, j = editor.req("POST", "/api/v1/official", {"kind": "rebuttal", "title": "Bác bỏ tin đồn thu phí",
                                                   "body": "Thông tin thu phí là sai sự thật.", "topic": "y-te"},
                       tpl="/api/v1/official", want=201)
    nid = (j or {}).get("id", 0)
    A = "/api/v1/official/{id}/{action}"
    editor.req("PATCH", f"/api/v1/official/{nid}", {"body": "Thông tin thu phí khám là sai sự thật."},
               tpl="/api/v1/official/{id}", want=200)
    spokes.req("POST", f"/api/v1/official/{nid}/approve", tpl=A, want=409)   # still a draft
    editor.req("POST", f"/api/v1/official/{nid}/submit", tpl=A, want=200)
    editor.req("POST", f"/api/v1/official/{nid}/approve", tpl=A, want=403)   # an editor does not approve
    other.req("POST", f"/api/v1/official/{nid}/approve", tpl=A, want=403)    # another organisation
    analyst.req("POST", f"/api/v1/official/{nid}/approve", tpl=A, want=403)
    spokes.req("POST", f"/api/v1/official/{nid}/approve", tpl=A, want=200)
    other.req("POST", f"/api/v1/official/{nid}/publish", tpl=A, want=403)
    st, j = spokes.req("POST", f"/api/v1/official/{nid}/publish", tpl=A, want=200)
    check(j and j["state"] == "published" and j["version"] == 1, "published through the API")
    spokes.req("POST", f"/api/v1/official/{nid}/fly", tpl=None, want=404)
    st, j = spokes.req("POST", f"/api/v1/official/{nid}/correct", {"body": "Thông tin thu phí khám tại trạm y tế xã là sai sự thật.",
                                                                   "note": "bổ sung"}, tpl=A, want=200)
    check(j and j["version"] == 2, "a correction is version 2")
    other.req("POST", f"/api/v1/official/{nid}/withdraw", {"reason": "x"}, tpl=A, want=403)
    spokes.req("POST", f"/api/v1/official/{nid}/withdraw", {}, tpl=A, want=400)
    st, j = anon.req("GET", f"/api/v1/official/{nid}", tpl="/api/v1/official/{id}", want=200)
    check(j and j["item"]["status"] == "corrected" and j["item"]["signature"]["signed"]["previous"] == 1,
          "the correction is signed and linked to the previous version")
    r = subprocess.run([LOA, "verify", f"{L.base}/api/v1/official/{nid}", "--keys", keys_url], capture_output=True, text=True)
    check(r.returncode == 0, f"loa verify an item's JSON: {r.stdout}")
    st, j = spokes.req("GET", "/api/v1/official", tpl="/api/v1/official", want=200)
    check(j and all(i["org"] == "bo-y-te" for i in j["items"]) and len(j["items"]) >= 4, "list is scoped to the organisation")
    other.req("GET", "/api/v1/official?org=bo-y-te", tpl="/api/v1/official", want=403)
    st, j = other.req("GET", "/api/v1/official", tpl="/api/v1/official", want=200)
    check(j is not None and j["items"] == [], "another organisation sees none of them")
    anon.req("GET", "/api/v1/official", tpl="/api/v1/official", want=401)
    st, _, p, _ = http_req(port, "GET", "/editor", headers={"Authorization": "Bearer " + tokens["bientap"]})
    check(st == 200 and "Chờ duyệt" in p.decode(), "the editor's view lists the organisation's items")
    # CLI correction and withdrawal of the first item
    open(body, "w", encoding="utf-8").write(original + "\n\nĐính chính: bổ sung nơi khám.")
    check(loa("publish", "correct", str(pub_id), "--body", body, "--note", "số liệu").returncode == 0, "publish correct")
    check(loa("publish", "withdraw", str(rev_id), "--reason", "x").returncode == 1, "an unpublished item cannot be withdrawn")
    st, j = spokes.req("POST", f"/api/v1/official/{nid}/withdraw", {"reason": "trùng lặp"}, tpl=A, want=200)
    check(j and j["state"] == "withdrawn" and j["version"] == 3, "a withdrawal is version 3")
    st, _, p, _ = http_req(port, "GET", f"/p/bo-y-te/{nid}")
    check(st == 200 and "Đã thu hồi" in p.decode(), "the page shows the withdrawal")

    # ---- embargo: released when its time comes ----
    rem = time.mktime(time.strptime(emb, "%Y-%m-%dT%H:%M:%SZ")) - time.mktime(time.gmtime()) + 0.5
    if rem > 0:
        time.sleep(rem)
    check(http_req(port, "GET", "/feeds/bo-y-te.atom")[2].decode().count("<title type=\"text\">Thông cáo hẹn giờ") == 1, "after its time the embargoed item is in the feed")
    r = loa("websub", "run", "--once")
    check(r.returncode == 0, f"the worker runs: {r.stdout}")
    st, j = admin.req("GET", "/api/v1/items?limit=50", tpl="/api/v1/items", want=200)
    check("Thông cáo hẹn giờ" in [i.get("title") for i in (j or {}).get("items", [])], "released into the store after its time")
    anon.req("GET", f"/api/v1/official/{emb_id}", tpl="/api/v1/official/{id}", want=200)

    # ---- directory ----
    for f in ("data/directory/directory.json", "data/directory/directory.csv"):
        r = loa("directory", "import", os.path.join(SRC, f))
        check(r.returncode == 0 and "directory:" in r.stdout, f"directory import {f}: {r.stdout} {r.stderr[:300]}")
    r = loa("directory", "export", "--format", "csv")
    check(r.returncode == 0 and r.stdout.startswith("type,slug,name"), "directory export csv")
    csvf = os.path.join(L.tmp, "dir.csv")
    open(csvf, "w", encoding="utf-8").write(r.stdout)
    r = loa("directory", "export", "--format", "json")
    dj = json.loads(r.stdout)
    check(len(dj["organisations"]) >= 40 and dj["channels"] and dj["journalists"], "directory export json")
    merged = {o["slug"]: o for o in dj["organisations"]}
    check(merged.get("bo-thong-tin-truyen-thong", {}).get("successor") == "bo-khoa-hoc-cong-nghe",
          "Bộ TT&TT's successor is Bộ KH&CN")
    L2 = Loa()
    r = L2.run("directory", "import", csvf)
    check(r.returncode == 0, f"the exported CSV imports into an empty database: {r.stdout} {r.stderr[:300]}")
    r2 = json.loads(L2.run("directory", "export", "--format", "json").stdout)
    check(len(r2["organisations"]) == len(dj["organisations"]) and len(r2["channels"]) == len(dj["channels"]),
          "CSV round trip keeps organisations and channels")
    bad = os.path.join(L.tmp, "bad.csv")
    open(bad, "w").write('type,slug,name,kind\norg,"unterminated\n')
    check(loa("directory", "import", bad).returncode == 1, "malformed CSV is refused")
    admin.req("GET", "/api/v1/network/directory", tpl="/api/v1/network/directory", want=200)
    anon.req("GET", "/api/v1/network/directory", tpl="/api/v1/network/directory", want=401)

    # ---- reach ----
    check(loa("sources", "add", "https://bao-a.invalid/rss", "--no-fetch", "--slug", "bao-a", "--kind", "press",
              "--org", "bao-a").returncode == 0, "sources add bao-a")
    check(loa("sources", "add", "https://bao-b.invalid/rss", "--no-fetch", "--slug", "bao-b", "--kind", "press",
              "--org", "bao-b").returncode == 0, "sources add bao-b")
    check(loa("sources", "add", "https://bao-c.invalid/rss", "--no-fetch", "--slug", "bao-c", "--kind", "press").returncode == 0,
          "sources add bao-c")
    now = time.time()
    def ts(d):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + d))
    copy_ok = "Theo Cổng TTĐT Bộ Y tế, " + original.replace("\n\n", " ")
    copy_bad = original.replace("1.500", "15.000").replace("sẽ không thu", "sẽ thu").replace("\n\n", " ")
    items = [{"source": "bao-a", "id": "a1", "title": "Miễn phí khám tại trạm y tế xã", "text": copy_ok, "published_at": ts(600)},
             {"source": "bao-b", "id": "b1", "title": "Trạm y tế xã thu phí khám", "text": copy_bad, "published_at": ts(1200)},
             {"source": "bao-c", "id": "c1", "title": "Giá vàng hôm nay", "text": "Giá vàng SJC tăng mạnh trong phiên sáng nay "
              "theo diễn biến thị trường thế giới, nhà đầu tư thận trọng.", "published_at": ts(300)},
             # a short post the statement quotes whole: the same story, but not a copy of the statement
             {"source": "bao-c", "id": "c2", "title": "Nhắc nhở", "text": "Người dân cần mang theo căn cước công dân "
              "khi đến khám.", "published_at": ts(900)}]
    check(loa("import", "-", inp="\n".join(json.dumps(i, ensure_ascii=False) for i in items)).returncode == 0, "import pickups")
    st, j = analyst.req("GET", f"/api/v1/official/{pub_id}/reach", tpl="/api/v1/official/{id}/reach", want=200)
    if j:
        srcs = {p["source"]: p for p in j["pickups"]}
        check(set(srcs) == {"bao-a", "bao-b"}, f"reach finds the two copies, not the unrelated item nor the short quoted post: {list(srcs)}")
        check(srcs.get("bao-a", {}).get("faithful") is True, "the faithful copy")
        b = srcs.get("bao-b", {})
        check(b.get("faithful") is False and b["changed"]["numbers"] and b["changed"]["negations"],
              f"the copy that changed a number and dropped a negation: {b.get('changed')} {b.get('diff')}")
        check("{+15.000+}" in b.get("diff", ""), f"word diff shows the number: {b.get('diff')}")
        check(j["first_pickup_s"] is not None and 500 <= j["first_pickup_s"] <= 700, f"time to first pickup {j['first_pickup_s']}")
        check(j["outlets_total"] == 2 and j["outlets_picked"] == 2, f"coverage among network outlets {j['outlets_picked']}/{j['outlets_total']}")
    anon.req("GET", f"/api/v1/official/{pub_id}/reach", tpl="/api/v1/official/{id}/reach", want=401)
    analyst.req("GET", "/api/v1/official/99999/reach", tpl="/api/v1/official/{id}/reach", want=404)
    r = loa("reach", str(pub_id))
    check(r.returncode == 0 and "reach: pickups=2" in r.stdout, f"loa reach: {r.stdout} {r.stderr}")

    # ---- timeline ----
    st, j = analyst.req("GET", "/api/v1/network/timeline?limit=10", tpl="/api/v1/network/timeline", want=200)
    kinds = [(i.get("source"), i.get("signature")) for i in (j or {}).get("items", [])]
    check(("bao-a", "unsigned") in kinds and ("bo-y-te-portal", "ok") in kinds and not any(s == "bao-c" for s, _ in kinds),
          f"timeline: official and network items, not others: {kinds}")
    analyst.req("GET", "/api/v1/network/timeline?cursor=zz", tpl="/api/v1/network/timeline", want=400)

    # ---- audit log ----
    acts = {a for (a,) in L.sql("SELECT action FROM audit")}
    for a in ("official.create", "official.submit", "official.approve", "official.publish", "official.sign",
              "official.correct", "official.withdraw", "key.rotate", "directory.import", "channel.add"):
        check(a in acts, f"audit log has {a}")
    L.stop()
    finish()


if __name__ == "__main__":
    main()
