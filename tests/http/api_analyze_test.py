#!/usr/bin/python3
"""The analysis endpoints (src/http/api_analyze.c) against a real `loa serve`
on the bundled sample, analysed: every response is checked against
docs/api/openapi.json, and the behaviour holds — measures (shares and Wilson
intervals, own against about, windows), labels override the model and are
audited, stories, claims, moderation decisions persist across a restart,
fired alerts, sources' health, the report in three formats, live "measure"
events from the server's analysis job, 400 on bad parameters and 401/403 by
role. Run by api_analyze.sh with LOA, LOA_SRC set."""
import http.client, json, os, re, shutil, signal, sqlite3, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_test as base  # Client, check, free_port, the OpenAPI document
from api_test import Client, check, free_port

LOA = os.environ["LOA"]
SRC = os.environ["LOA_SRC"]
TMP = [None]  # the test's folder (for the server's log on failure)


def start(db, env, port):
    """`loa serve` with fast jobs; its log goes to serve.log next to db (printed on failure)."""
    log = open(os.path.join(os.path.dirname(db), "serve.log"), "a")
    srv = subprocess.Popen([LOA, "--db", db, "--set", "analyze.interval_s=1", "--set", "alerts.interval_s=1",
                            "--set", "ingest.interval_s=0", "serve", "--listen", f"127.0.0.1:{port}"],
                           stdout=subprocess.PIPE, stderr=log, text=True, env=env)
    log.close()
    for _ in range(100):
        line = srv.stdout.readline()
        if "dashboard" in line or not line:
            break
    for _ in range(50):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.1)
    return srv


def stop(srv):
    srv.send_signal(signal.SIGTERM)
    try:
        return srv.wait(timeout=15)
    except subprocess.TimeoutExpired:
        srv.kill()
        return None


def login(port, user, pw):
    c = Client(port)
    st, j = c.req("POST", "/api/v1/login", {"login": user, "password": pw}, want=200)
    c.csrf = j and j.get("csrf")
    return c


def raw(c, path):
    """GET with the client's cookie; (status, headers, body bytes)."""
    h = {"Cookie": c.cookie} if c.cookie else {}
    k = http.client.HTTPConnection("127.0.0.1", c.port, timeout=30)
    k.request("GET", path, headers=h)
    r = k.getresponse()
    body = r.read()
    k.close()
    return r.status, dict((a.lower(), b) for a, b in r.getheaders()), body


def check_counts(m, what):
    n = m["n"]
    check(m["positive"] + m["neutral"] + m["negative"] == n, f"{what}: tones add up to n")
    if n:
        s, lo, hi = m["share"], m["lo"], m["hi"]
        check(0 <= lo <= s <= hi <= 1, f"{what}: 0 <= lo <= share <= hi <= 1 ({lo}, {s}, {hi})")
        check(abs(s - m["negative"] / n) < 1e-9, f"{what}: share = negative / n")
    else:
        check(m["share"] is None, f"{what}: no share without items")


def check_measures(j, what):
    if not j:
        check(False, f"{what}: no answer")
        return
    check(j["threshold"] == 0.15 and j["method"], f"{what}: threshold and method")
    for g in j["groups"] + [j["total"]]:
        check_counts(g, f"{what} {g.get('key', 'total')}")
        lo, hi = g["lo"] if g["n"] else 0, g["hi"] if g["n"] else 1
        want = "none" if not g["n"] else "under" if hi < 0.15 else "over" if lo > 0.15 else "uncertain"
        check(g["status"] == want, f"{what} {g.get('key')}: status {g['status']} (want {want})")
        ts = [p["t"] for p in g["points"]]
        check(ts == sorted(ts) and len(set(ts)) == len(ts), f"{what}: points in time order, once each")
        check(sum(p["n"] for p in g["points"]) == g["n"], f"{what} {g.get('key')}: points add up")
        for p in g["points"][:50]:
            check_counts(p, f"{what} point")


def main():
    tmp = tempfile.mkdtemp(prefix="loa-api-analyze-")
    TMP[0] = tmp
    db = os.path.join(tmp, "an.db")
    env = dict(os.environ, LOA_HOME=SRC)

    def loa(*args, inp=None):
        return subprocess.run([LOA, "--db", db, *args], input=inp, capture_output=True, text=True, env=env)

    r = loa("demo", "--check")
    check(r.returncode == 0, f"loa demo --check loads the sample: {r.stderr[-300:]}")
    m = re.search(r"password: (\S+)", r.stdout)
    check(m is not None, "demo prints the admin's password")
    admin_pw = m.group(1) if m else ""
    for login_, role, org in (("phantich", "analyst", "bo-y-te"), ("nhabao", "journalist", None),
                              ("phatngon", "spokesperson", "bo-y-te")):
        args = ["users", "add", login_, "--role", role, "--password-stdin"] + (["--org", org] if org else [])
        check(loa(*args, inp=f"mat-khau-{login_}\n").returncode == 0, f"users add {login_}")
    r = loa("analyze")
    check(r.returncode == 0 and "items=" in (r.stdout + r.stderr), f"loa analyze: {r.stderr[-300:]}")

    port = free_port()
    srv = start(db, env, port)
    admin = login(port, "admin", admin_pw)
    analyst = login(port, "phantich", "mat-khau-phantich")
    journo = login(port, "nhabao", "mat-khau-nhabao")
    anon = Client(port)

    # ---- measures
    M = "/api/v1/measures"
    st, j = admin.req("GET", f"{M}?since=2026-01-01&until=2027-01-01", tpl=M, want=200)
    check_measures(j, "measures own/org/day")
    check(j and j["by"] == "org" and j["scope"] == "own" and j["interval"] == "day", "measures defaults")
    check(j and len(j["groups"]) > 0 and sum(g["n"] for g in j["groups"]) == j["total"]["n"],
          "own: the organisations' counts add up to the total")
    own = {g["key"]: g for g in (j or {}).get("groups", [])}
    st, j = admin.req("GET", f"{M}?scope=about&since=2026-01-01&until=2027-01-01&interval=week", tpl=M, want=200)
    check_measures(j, "measures about/org/week")
    about = {g["key"]: g for g in (j or {}).get("groups", [])}
    check("bo-y-te" in own and "bo-y-te" in about and own["bo-y-te"]["n"] != about["bo-y-te"]["n"],
          "own and about differ for bo-y-te")
    st, j1 = admin.req("GET", f"{M}?scope=own&org=bo-y-te&since=2026-01-01&until=2027-01-01", tpl=M, want=200)
    check(j1 and [g["key"] for g in j1["groups"]] == ["bo-y-te"] and j1["total"]["n"] == own.get("bo-y-te", {}).get("n"),
          "org=: one group, the same as in the list")
    st, j2 = admin.req("GET", f"{M}?scope=all&org=bo-y-te&since=2026-01-01&until=2027-01-01", tpl=M, want=200)
    check(j2 and j2["total"]["n"] == own.get("bo-y-te", {}).get("n", 0) + about.get("bo-y-te", {}).get("n", 0),
          "scope all = own + about for one organisation")
    for q in ("by=platform&scope=all&interval=month", "by=channel&scope=all&interval=week",
              "by=platform&scope=about&org=bo-tai-chinh&interval=day", "since=24h&interval=hour",
              "since=7d", "since=90d&interval=week"):
        st, j = admin.req("GET", f"{M}?{q}" + ("" if "since" in q else "&since=2026-01-01&until=2027-01-01"),
                          tpl=M, want=200)
        check_measures(j, f"measures {q}")
        if j and "by=platform" in q and "org=" not in q:
            check(sum(g["n"] for g in j["groups"]) == j["total"]["n"], f"{q}: platforms add up to the total")
        if j and "by=channel" in q:
            check({g["key"] for g in j["groups"]} <= {"own", "other"}, "channels are own and other")
    for q in ("by=topic", "scope=mine", "interval=year", "since=yesterday", "since=2026-13-01",
              "interval=hour&since=2020-01-01", "org=khong-co", "since=2026-11-10&until=2026-11-01"):
        admin.req("GET", f"{M}?{q}", tpl=M, want=400)
    anon.req("GET", M, tpl=M, want=401)
    journo.req("GET", M, tpl=M, want=403)

    # ---- an item's analysis, labels
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    row = con.execute("SELECT item_id, label FROM analyze_item WHERE kind = 'article' AND task = 'tone' "
                      "AND label_src = 'model' ORDER BY item_id LIMIT 1").fetchone()
    iid, model_label = row
    I = "/api/v1/items/{id}"
    st, j = admin.req("GET", f"/api/v1/items/{iid}", tpl=I, want=200)
    it = (j or {}).get("item", {})
    check(it.get("tone", {}).get("label") == model_label and it["tone"].get("by") == "model" and
          0 < it["tone"].get("p", 0) <= 1, f"item shows the model's tone with p: {it.get('tone')}")
    check("story" in it and isinstance(it.get("claims"), list), "item has story and claims")
    new = "positive" if model_label != "positive" else "negative"
    LB = "/api/v1/items/{id}/labels"
    st, j = analyst.req("POST", f"/api/v1/items/{iid}/labels", {"kind": "tone", "label": new, "note": "đọc lại"},
                        tpl=LB, want=201)
    check(j and j["label"]["label"] == new and j["label"]["by"] == "phantich", "label set by the analyst")
    st, j = admin.req("GET", f"/api/v1/items/{iid}", tpl=I, want=200)
    t = (j or {}).get("item", {}).get("tone", {})
    check(t.get("label") == new and t.get("by") == "phantich" and t.get("p") == 1,
          f"the analyst's label overrides the model: {t}")
    st, j = admin.req("GET", f"/api/v1/items/{iid}/labels", tpl=LB, want=200)
    h = (j or {}).get("labels", [])
    check(len(h) >= 2 and h[0]["label"] == new and h[0]["by"] == "phantich" and h[0].get("note") == "đọc lại"
          and h[-1]["source"] == "model" and h[-1]["label"] == model_label, f"label history, newest first: {h}")
    audit = con.execute("SELECT actor FROM audit WHERE action = 'label.set' AND target = ?", (f"item:{iid}",)).fetchall()
    check(("phantich",) in audit, "the label change is in the audit log")
    analyst.req("POST", f"/api/v1/items/{iid}/labels", {"kind": "mood", "label": "happy"}, tpl=LB, want=400)
    analyst.req("POST", f"/api/v1/items/{iid}/labels", {"kind": "tone", "label": "furious"}, tpl=LB, want=400)
    analyst.req("POST", f"/api/v1/items/{iid}/labels", {"kind": "tone"}, tpl=LB, want=400)
    analyst.req("POST", "/api/v1/items/99999999/labels", {"label": "neutral"}, tpl=LB, want=404)
    analyst.req("POST", f"/api/v1/items/{iid}/labels", "{", headers={"Content-Type": "application/json"}, tpl=LB, want=400)
    journo.req("POST", f"/api/v1/items/{iid}/labels", {"label": "neutral"}, tpl=LB, want=403)
    anon.req("POST", f"/api/v1/items/{iid}/labels", {"label": "neutral"}, tpl=LB, want=401)
    nocsrf = Client(port)
    nocsrf.cookie = analyst.cookie
    nocsrf.req("POST", f"/api/v1/items/{iid}/labels", {"label": "neutral"}, want=403)
    admin.req("GET", "/api/v1/items/99999999/labels", tpl=LB, want=404)
    admin.req("GET", "/api/v1/items/abc/labels", tpl=LB, want=400)

    # ---- stories
    S1 = "/api/v1/stories"
    st, j = admin.req("GET", f"{S1}?since=2026-01-01&limit=5", tpl=S1, want=200)
    stories = (j or {}).get("stories", [])
    check(0 < len(stories) <= 5 and all(s["items"] >= 2 for s in stories), "stories listed, at most limit")
    check([s["items"] for s in stories] == sorted([s["items"] for s in stories], reverse=True), "largest first")
    if stories:
        sid = stories[-1]["id"]
        st, j = admin.req("GET", f"{S1}/{sid}?limit=500", tpl="/api/v1/stories/{id}", want=200)
        check(j and sum(p["items"] for p in j["spread"]) == j["story"]["items"], "spread adds up to the items")
        check(j and j["items"][0]["item_id"] == j["story"]["first"]["item_id"], "the first item first")
        st, j = admin.req("GET", f"/api/v1/items/{sid}", tpl=I, want=200)
        check(j and (j["item"].get("story") or {}).get("id") == sid, "the founding item names its story")
    admin.req("GET", f"{S1}/99999999", tpl="/api/v1/stories/{id}", want=404)
    admin.req("GET", f"{S1}/0", tpl="/api/v1/stories/{id}", want=400)
    admin.req("GET", f"{S1}?limit=0", tpl=S1, want=400)
    admin.req("GET", f"{S1}?since=someday", tpl=S1, want=400)
    journo.req("GET", S1, tpl=S1, want=403)

    # ---- claims
    C = "/api/v1/claims"
    claim_text = "ùn ứ hóa đơn kéo dài khiến người dân mất lòng tin vào hóa đơn điện tử"
    st, j = analyst.req("POST", C, {"title": "Tin đồn hoá đơn điện tử", "text": claim_text,
                                    "rebuttal_url": "https://cong.example.vn/bac-bo"}, tpl=C, want=201)
    cid = j and j["claim"]["id"]
    check(j and j["matched_items"] > 0 and j["claim"]["items"] == j["matched_items"], "a new claim is matched at once")
    st, j = admin.req("GET", C, tpl=C, want=200)
    check(j and any(c["id"] == cid for c in j["claims"]), "claim listed")
    st, j = admin.req("GET", f"{C}/{cid}?limit=500", tpl="/api/v1/claims/{id}", want=200)
    check(j and len(j["items"]) == min(500, j["claim"]["items"] + j["claim"]["rebuttals"]) and
          sum(p["claim"] for p in j["spread"]) == j["claim"]["items"], "claim items and spread add up")
    if j and j["items"]:
        one = j["items"][0]["item_id"]
        st, k = admin.req("GET", f"/api/v1/items/{one}", tpl=I, want=200)
        check(k and any(c["id"] == cid for c in k["item"]["claims"]), "the matching item lists the claim")
    analyst.req("POST", C, {"title": "x"}, tpl=C, want=400)
    analyst.req("POST", C, {"text": "abc", "rebuttal_url": "javascript:alert(1)"}, tpl=C, want=400)
    journo.req("POST", C, {"text": claim_text}, tpl=C, want=403)
    admin.req("GET", f"{C}/99999999", tpl="/api/v1/claims/{id}", want=404)

    # ---- moderation
    MO = "/api/v1/moderation"
    st, j = admin.req("GET", f"{MO}?limit=5", tpl=MO, want=200)
    page1 = (j or {}).get("comments", [])
    scores = [c["toxicity"]["score"] for c in page1 if c["toxicity"]]
    check(len(page1) == 5 and all(c["kind"] == "comment" for c in page1), "pending comments")
    check(scores == sorted(scores, reverse=True), "most toxic first")
    check(j and j["next_cursor"], "a cursor to the next page")
    st, j = admin.req("GET", f"{MO}?limit=5&cursor={j and j['next_cursor']}", tpl=MO, want=200)
    page2 = (j or {}).get("comments", [])
    check(page2 and not {c["item_id"] for c in page1} & {c["item_id"] for c in page2}, "the next page differs")
    check(page2 and page2[0]["toxicity"]["score"] <= scores[-1], "the next page is less toxic")
    check(any(c["parent"] for c in page1 + page2), "comments name their parent post")
    hid, ok_ = page1[0]["item_id"], page1[1]["item_id"]
    D = "/api/v1/moderation/{item_id}"
    st, j = analyst.req("POST", f"{MO}/{hid}", {"action": "hide"}, tpl=D, want=200)
    check(j and j["decision"]["action"] == "hide" and j["decision"]["by"] == "phantich", "hidden by the analyst")
    admin.req("POST", f"{MO}/{ok_}", {"action": "approve"}, tpl=D, want=200)
    st, j = admin.req("GET", f"{MO}?limit=200", tpl=MO, want=200)
    check(j and hid not in {c["item_id"] for c in j["comments"]}, "a decided comment leaves the pending queue")
    analyst.req("POST", f"{MO}/{hid}", {"action": "delete"}, tpl=D, want=400)
    analyst.req("POST", f"{MO}/{iid}", {"action": "hide"}, tpl=D, want=400)  # not a comment
    analyst.req("POST", f"{MO}/99999999", {"action": "hide"}, tpl=D, want=404)
    journo.req("POST", f"{MO}/{hid}", {"action": "approve"}, tpl=D, want=403)
    admin.req("GET", f"{MO}?state=deleted", tpl=MO, want=400)
    admin.req("GET", f"{MO}?cursor=zzz", tpl=MO, want=400)
    admin.req("GET", f"{MO}?limit=1000", tpl=MO, want=400)
    journo.req("GET", MO, tpl=MO, want=403)
    mod_audit = con.execute("SELECT actor, action FROM audit WHERE target = ? AND action LIKE 'moderation.%'",
                            (f"item:{hid}",)).fetchall()
    check(("phantich", "moderation.hide") in mod_audit, "the decision is in the audit log")

    # ---- sources' health
    st, j = admin.req("GET", "/api/v1/sources", tpl="/api/v1/sources", want=200)
    check(j and all(s.get("health") in ("ok", "silent", "failing", "paused") for s in j["sources"]),
          "every source has a health word")
    check(j and all("last_item_at" in s for s in j["sources"] if s["items"]), "sources with items have last_item_at")

    # ---- the report
    R = "/api/v1/report"
    st, j = admin.req("GET", f"{R}?from=2026-01-01&to=2027-01-01", tpl=R, want=200)
    check(j and j.get("report") and j["total"]["items"] > 0 and j["method"].get("tone_model") == "tone.model",
          "report as JSON, naming the tone model")
    st, h, body = raw(admin, f"{R}?from=2026-01-01&to=2027-01-01&format=csv")
    check(st == 200 and h.get("content-type", "").startswith("text/csv") and
          "attachment" in h.get("content-disposition", "") and body.startswith(b"section,"), "report as CSV attachment")
    st, h, body = raw(admin, f"{R}?from=2026-01-01&to=2027-01-01&format=html&org=bo-y-te")
    check(st == 200 and h.get("content-type", "").startswith("text/html") and b"<svg" in body, "report as HTML with SVG")
    admin.req("GET", f"{R}?format=pdf", tpl=R, want=400)
    admin.req("GET", f"{R}?org=khong-co", tpl=R, want=400)
    admin.req("GET", f"{R}?from=2026-11-10&to=2026-11-01", tpl=R, want=400)
    journo.req("GET", R, tpl=R, want=403)

    # ---- live: the server's analysis job analyses new items and says so;
    # ---- a saved query's alert fires and is listed
    admin.req("POST", "/api/v1/queries", {"name": "hoa-don", "query": "hóa đơn điện tử"}, tpl="/api/v1/queries", want=201)
    admin.req("POST", "/api/v1/alerts", {"name": "hoa-don-moi", "query": "hoa-don", "kind": "match",
                                         "webhook": "http://127.0.0.1:9/hook"}, tpl="/api/v1/alerts", want=201)
    got = []

    def listen():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        c.request("GET", "/api/v1/events", headers={"Cookie": admin.cookie})
        r = c.getresponse()
        buf = b""
        end = time.time() + 15
        while time.time() < end and b"event: measure" not in buf:
            chunk = r.fp.read1(4096)
            if not chunk:
                break
            buf += chunk
        got.append(buf)
        c.close()

    th = threading.Thread(target=listen)
    th.start()
    time.sleep(0.7)
    post = {"source": "bao-thu-nghiem", "id": "live-1", "title": "Hóa đơn điện tử: người dân phản ánh chậm trễ",
            "text": "Tình trạng ùn ứ hóa đơn kéo dài khiến người dân mất lòng tin vào hóa đơn điện tử, dư luận bức xúc.",
            "published_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    st, j = admin.req("POST", "/api/v1/items", post, tpl="/api/v1/items", want=200)
    th.join()
    check(got and b"event: measure" in got[0], "a live measure event after the job analysed the new item")
    newid = con.execute("SELECT id FROM items WHERE ident LIKE '%live-1%' OR id = (SELECT max(id) FROM items)").fetchone()[0]
    st, j = admin.req("GET", f"/api/v1/items/{newid}", tpl=I, want=200)
    check(j and j["item"].get("analysed") and j["item"].get("tone"), "the new item is analysed by the server")
    events = []
    for _ in range(40):
        st, j = admin.req("GET", "/api/v1/alerts/events?limit=5", tpl="/api/v1/alerts/events", want=200)
        events = (j or {}).get("events", [])
        if events:
            break
        time.sleep(0.25)
    check(events and events[0]["alert"] == "hoa-don-moi" and events[0]["channels"][0]["channel"] == "webhook",
          f"the fired alert is listed: {events[:1]}")
    admin.req("GET", "/api/v1/alerts/events?limit=0", tpl="/api/v1/alerts/events", want=400)
    journo.req("GET", "/api/v1/alerts/events", tpl="/api/v1/alerts/events", want=403)

    # ---- decisions persist across a restart
    check(stop(srv) == 0, "SIGTERM stops the server cleanly")
    port = free_port()
    srv = start(db, env, port)
    admin = login(port, "admin", admin_pw)
    st, j = admin.req("GET", "/api/v1/moderation?state=hidden", tpl=MO, want=200)
    c = [x for x in (j or {}).get("comments", []) if x["item_id"] == hid]
    check(c and c[0]["decision"]["action"] == "hide" and c[0]["decision"]["by"] == "phantich",
          "the moderation decision persists after a restart")
    st, j = admin.req("GET", "/api/v1/moderation?state=approved", tpl=MO, want=200)
    check(j and ok_ in {x["item_id"] for x in j["comments"]}, "approved comments listed")
    st, j = admin.req("GET", f"/api/v1/items/{iid}", tpl=I, want=200)
    check(j and j["item"]["tone"]["label"] == new, "the label persists after a restart")
    check(stop(srv) == 0, "SIGTERM stops the server cleanly again")
    con.close()
    if not base.fails:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{base.checks} checks, {len(base.fails)} failed")
    sys.exit(1 if base.fails else 0)


if __name__ == "__main__":
    try:
        main()
    except Exception:
        if TMP[0] and os.path.exists(os.path.join(TMP[0], "serve.log")):
            print("serve.log (tail):\n" + open(os.path.join(TMP[0], "serve.log")).read()[-6000:], file=sys.stderr)
        raise
