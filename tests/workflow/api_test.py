#!/usr/bin/python3
"""The workflow API against a real `loa serve`, every JSON response checked
against docs/api/openapi.json (helpers of tests/http/api_test.py):
question -> routed -> answered -> published; attachments refused by type and
size and served only as downloads; comment on a draft -> moderated ->
disposition published; feedback floods rate-limited (429); edits after
closure refused (409); conferences with iCalendar; plans; corrections;
the rebuttal kit. Run by api.sh with LOA, LOA_SRC set."""
import json, os, re, signal, subprocess, sys, tempfile

SRC = os.environ["LOA_SRC"]
sys.path.insert(0, os.path.join(SRC, "tests/http"))
import api_test as h  # noqa: E402  (Client, check, free_port, schema checks)

LOA = os.environ["LOA"]
check = h.check


def main():
    tmp = tempfile.mkdtemp(prefix="loa-wf-api-")
    db = os.path.join(tmp, "wf.db")
    env = dict(os.environ, LOA_HOME=SRC)

    def loa(*args, inp=None):
        return subprocess.run([LOA, "--db", db, *args], input=inp, capture_output=True, text=True, env=env)

    for slug, name, kind in [("bo-y-te", "Bộ Y tế", "ministry"), ("vu-duoc", "Cục Quản lý Dược", "unit"),
                             ("bao-a", "Báo A", "press")]:
        check(loa("orgs", "add", "--slug", slug, "--name", name, "--kind", kind).returncode == 0, f"orgs add {slug}")
    users = [("phatngon", "spokesperson", "bo-y-te"), ("vuduoc", "editor", "vu-duoc"), ("nhabao", "journalist", "bao-a"),
             ("nhabao2", "journalist", "bao-a"), ("tudo", "journalist", None)]
    for login, role, org in users:
        args = ["users", "add", login, "--role", role, "--password-stdin"] + (["--org", org] if org else [])
        check(loa(*args, inp="mat-khau-" + login + "\n").returncode == 0, f"users add {login}")
    # the network's outlets (press sources of organisations in the directory) and one outside it
    for slug, org in [("bao-a-web", "bao-a"), ("bao-b-web", "bao-b")]:
        if org == "bao-b":
            check(loa("orgs", "add", "--slug", org, "--name", "Báo B", "--kind", "press").returncode == 0, "orgs add bao-b")
        check(loa("sources", "add", f"https://{slug}.invalid/rss", "--no-fetch", "--slug", slug, "--kind", "press",
                  "--org", org).returncode == 0, f"sources add {slug}")
    item = {"source": "bao-a-web", "id": "sai-1", "url": "https://baoa.test/sai-1", "title": "Cấm bán thuốc hạ sốt",
            "text": "Bộ Y tế sẽ cấm bán thuốc hạ sốt không kê đơn.", "published_at": "2026-03-02T08:00:00+07:00"}
    # posts that carry a false claim, on two days from two outlets (Vietnam time)
    rumour = "Từ tháng sau người dân phải trả phí khi khám bệnh tại trạm y tế xã, kể cả người có thẻ bảo hiểm y tế."
    carriers = [{"source": "fb-tin-nong", "id": f"tin-don-{i}", "title": "Tin nóng", "text": f"{rumour} Chia sẻ ngay! ({i})",
                 "published_at": at} for i, at in enumerate(["2026-03-03T23:30:00+07:00", "2026-03-04T00:10:00+07:00",
                                                             "2026-03-04T09:00:00+07:00"])]
    carriers.append({"source": "bao-b-web", "id": "tin-don-bao", "title": "Xôn xao tin thu phí khám tại trạm y tế xã",
                     "text": f"Trên mạng xã hội lan truyền: {rumour}", "published_at": "2026-03-04T10:00:00+07:00"})
    check(loa("import", "-", inp="\n".join(json.dumps(x) for x in [item] + carriers) + "\n").returncode == 0, "import items")

    port = h.free_port()
    srv = subprocess.Popen([LOA, "--db", db, "--set", "http.max_body=8388608", "serve", "--listen", f"127.0.0.1:{port}"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    for _ in range(100):
        if "dashboard" in srv.stdout.readline():
            break

    def login(name):
        c = h.Client(port)
        st, j = c.req("POST", "/api/v1/login", {"login": name, "password": "mat-khau-" + name}, want=200)
        c.csrf = j and j.get("csrf")
        return c

    sp, ed, jo, jo2, free = login("phatngon"), login("vuduoc"), login("nhabao"), login("nhabao2"), login("tudo")
    anon = h.Client(port)

    anon.req("GET", "/api/v1/workflow/types", tpl="/api/v1/workflow/types", want=200)
    sp.req("POST", "/api/v1/workflow/rules", {"unit": "vu-duoc", "keywords": "giá thuốc, nhà thuốc", "email": "duoc@byt.test"},
           tpl="/api/v1/workflow/rules", want=201)
    sp.req("POST", "/api/v1/workflow/rules", {"unit": "khong-co"}, tpl="/api/v1/workflow/rules", want=400)
    jo.req("POST", "/api/v1/workflow/rules", {"unit": "vu-duoc", "topic": "x"}, tpl="/api/v1/workflow/rules", want=403)
    sp.req("GET", "/api/v1/workflow/rules", tpl="/api/v1/workflow/rules", want=200)

    # a question: received, with the rules' suggestion and a due date
    q = {"org": "bo-y-te", "title": "Giá thuốc điều trị ung thư", "body": "Bộ Y tế có kế hoạch gì để bình ổn giá thuốc điều trị ung thư trong năm nay?",
         "email": "nhabao@baoa.test"}
    st, j = jo.req("POST", "/api/v1/questions", q, tpl="/api/v1/questions", want=201)
    case = j and j["case"]
    qid = case and case["id"]
    check(case and case["state"] == "received" and case.get("suggested_unit") == "vu-duoc" and re.match(r"\d{4}-\d\d-\d\d", case.get("due_date", "")),
          f"question received, suggested unit and due date: {case}")
    free.req("POST", "/api/v1/questions", q, tpl="/api/v1/questions", want=403)
    anon.req("POST", "/api/v1/questions", q, tpl="/api/v1/questions", want=401)
    jo.req("POST", "/api/v1/questions", {"org": "bo-y-te"}, tpl="/api/v1/questions", want=400)
    jo.req("POST", "/api/v1/questions", "{", headers={"Content-Type": "application/json"}, tpl="/api/v1/questions", want=400)
    st, j2 = jo2.req("POST", "/api/v1/questions", dict(q, body="Xin hỏi Bộ Y tế có kế hoạch gì để bình ổn giá thuốc điều trị ung thư năm nay không?"),
                     tpl="/api/v1/questions", want=201)
    check(j2 and j2["case"]["group_id"] == case["group_id"], "the same question from two journalists is grouped")
    st, g = sp.req("GET", "/api/v1/workflow/groups?type=question", tpl="/api/v1/workflow/groups", want=200)
    check(g and g["groups"] and g["groups"][0]["size"] == 2, "groups list the pair")

    # attachments: type, size, download only
    tplA = "/api/v1/workflow/cases/{id}/attachments"
    st, a = jo.req("POST", f"/api/v1/workflow/cases/{qid}/attachments?name=c%C3%B4ng-v%C4%83n.pdf", b"%PDF-1.4\n1 0 obj\n",
                   headers={"Content-Type": "application/pdf"}, tpl=tplA, want=201)
    aid = a and a["id"]
    jo.req("POST", f"/api/v1/workflow/cases/{qid}/attachments?name=x.html", b"<html><script>alert(1)</script>",
           headers={"Content-Type": "text/html"}, tpl=tplA, want=415)
    jo.req("POST", f"/api/v1/workflow/cases/{qid}/attachments?name=x.pdf", b"<html>", headers={"Content-Type": "application/pdf"},
           tpl=tplA, want=415)
    jo.req("POST", f"/api/v1/workflow/cases/{qid}/attachments?name=big.pdf", b"%PDF-" + b"0" * (6 << 20),
           headers={"Content-Type": "application/pdf"}, tpl=tplA, want=413)
    jo2.req("POST", f"/api/v1/workflow/cases/{qid}/attachments?name=x.pdf", b"%PDF-1.4", headers={"Content-Type": "application/pdf"},
            tpl=tplA, want=403)
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", f"/api/v1/workflow/attachments/{aid}", headers={"Cookie": jo.cookie})
    r = c.getresponse()
    body = r.read()
    cd = r.getheader("Content-Disposition") or ""
    check(r.status == 200 and body.startswith(b"%PDF") and cd.startswith("attachment;") and "filename*=UTF-8''c%C3%B4ng-v%C4%83n.pdf" in cd
          and r.getheader("X-Content-Type-Options") == "nosniff" and r.getheader("Content-Type") == "application/pdf",
          f"attachment served as a download: {r.status} {cd} {r.getheader('Content-Type')}")
    c.close()
    jo2.req("GET", f"/api/v1/workflow/attachments/{aid}", tpl="/api/v1/workflow/attachments/{id}", want=403)

    # question -> routed -> answered -> published
    tplC = "/api/v1/workflow/cases/{id}/actions"
    jo.req("POST", f"/api/v1/workflow/cases/{qid}/actions", {"action": "route"}, tpl=tplC, want=403)
    sp.req("POST", f"/api/v1/workflow/cases/{qid}/actions", {"action": "approve"}, tpl=tplC, want=409)
    sp.req("POST", f"/api/v1/workflow/cases/{qid}/actions", {"action": "nope"}, tpl=tplC, want=400)
    st, j = sp.req("POST", f"/api/v1/workflow/cases/{qid}/actions", {"action": "route"}, tpl=tplC, want=200)
    check(j and j["case"]["state"] == "routed" and j["case"]["unit"] == "vu-duoc", "routed to the suggested unit")
    st, j = ed.req("POST", f"/api/v1/workflow/cases/{qid}/actions", {"action": "draft", "text": "Bộ Y tế đang xây dựng cơ chế đàm phán giá thuốc."},
                   tpl=tplC, want=200)
    check(j and j["case"]["state"] == "drafted", "the unit drafted the answer")
    ed.req("POST", f"/api/v1/workflow/cases/{qid}/actions", {"action": "approve"}, tpl=tplC, want=403)
    st, j = sp.req("POST", f"/api/v1/workflow/cases/{qid}/actions", {"action": "approve"}, tpl=tplC, want=200)
    check(j and j["case"]["state"] == "answered" and j["case"]["closed"], "approved: answered and closed")
    st, j = jo.req("GET", f"/api/v1/workflow/cases/{qid}", tpl="/api/v1/workflow/cases/{id}", want=200)
    check(j and j["case"].get("answer", "").startswith("Bộ Y tế đang"), "the journalist sees the answer")
    jo2.req("GET", f"/api/v1/workflow/cases/{qid}", tpl="/api/v1/workflow/cases/{id}", want=403)
    jo.req("PATCH", f"/api/v1/workflow/cases/{qid}", {"body": "sửa lại"}, tpl="/api/v1/workflow/cases/{id}", want=409)
    sp.req("POST", f"/api/v1/workflow/cases/{qid}/actions", {"action": "route", "unit": "vu-duoc"}, tpl=tplC, want=409)
    jo.req("POST", f"/api/v1/workflow/cases/{qid}/attachments?name=y.pdf", b"%PDF-1.4", headers={"Content-Type": "application/pdf"},
           tpl=tplA, want=409)
    st, j = sp.req("POST", f"/api/v1/workflow/cases/{qid}/actions", {"action": "publish"}, tpl=tplC, want=200)
    check(j and j["case"]["state"] == "published" and j["case"].get("publish") in ("to_publish", "published"), "published (or queued for the network)")
    st, j = anon.req("GET", "/api/v1/public/publications", tpl="/api/v1/public/publications", want=200)
    check(j and any(p.get("case_id") == qid for p in j["publications"]), "the answer is listed among publications")
    st, j = jo2.req("GET", "/api/v1/workflow/notices", tpl="/api/v1/workflow/notices", want=200)
    check(j and any(n["kind"] == "published" for n in j["notices"]), "every journalist is told of the publication")
    st, j = jo.req("GET", "/api/v1/questions/mine", tpl="/api/v1/questions/mine", want=200)
    check(j and len(j["cases"]) == 1, "my questions")
    sp.req("GET", "/api/v1/workflow/cases?type=question", tpl="/api/v1/workflow/cases", want=200)
    sp.req("GET", "/api/v1/workflow/cases?type=bogus", tpl="/api/v1/workflow/cases", want=400)
    jo.req("GET", "/api/v1/workflow/cases", tpl="/api/v1/workflow/cases", want=403)

    # response times: private until the organisation publishes them
    sp.req("GET", "/api/v1/workflow/stats?org=bo-y-te", tpl="/api/v1/workflow/stats", want=200)
    anon.req("GET", "/api/v1/public/stats/bo-y-te", tpl="/api/v1/public/stats/{org}", want=404)
    sp.req("PUT", "/api/v1/workflow/settings/bo-y-te", {"public_stats": True}, tpl="/api/v1/workflow/settings/{org}", want=200)
    sp.req("PUT", "/api/v1/workflow/settings/bao-a", {"public_stats": True}, tpl="/api/v1/workflow/settings/{org}", want=403)
    st, j = anon.req("GET", "/api/v1/public/stats/bo-y-te", tpl="/api/v1/public/stats/{org}", want=200)
    check(j and j["units"] and j["units"][0]["unit"] == "vu-duoc" and j["units"][0]["answered"] == 1, f"public response times: {j}")

    # a policy draft: comment -> moderated -> disposition published
    v1 = "Điều 1. Phạm vi điều chỉnh\nNghị định này quy định về quản lý giá thuốc.\n"
    v2 = "Điều 1. Phạm vi điều chỉnh\nNghị định này quy định về quản lý giá thuốc và thiết bị y tế.\n"
    st, j = sp.req("POST", "/api/v1/policies", {"org": "bo-y-te", "slug": "nd-gia-thuoc", "title": "Dự thảo Nghị định giá thuốc", "text": v1,
                                               "query": "giá thuốc"}, tpl="/api/v1/policies", want=201)
    pid = j and j["policy"]["id"]
    sp.req("POST", "/api/v1/policies", {"slug": "nd-gia-thuoc", "title": "x", "text": "y"}, tpl="/api/v1/policies", want=409)
    jo.req("POST", "/api/v1/policies", {"slug": "khac", "title": "x", "text": "y"}, tpl="/api/v1/policies", want=403)
    sp.req("POST", f"/api/v1/policies/{pid}/versions", {"text": v2, "note": "sau họp"}, tpl="/api/v1/policies/{id}/versions", want=201)
    st, d = sp.req("GET", "/api/v1/policies/nd-gia-thuoc/diff?from=1&to=2", tpl="/api/v1/policies/{id}/diff", want=200)
    check(d and "<ins>" in d["html"] and d["words_inserted"] >= 4, "diff between drafts")
    # a draft still being written is not public
    anon.req("GET", "/api/v1/policies/nd-gia-thuoc", tpl="/api/v1/policies/{id}", want=404)
    anon.req("GET", "/api/v1/policies/nd-gia-thuoc/diff?from=1&to=2", tpl="/api/v1/policies/{id}/diff", want=404)
    st, j = anon.req("GET", "/api/v1/policies", tpl="/api/v1/policies", want=200)
    check(j is not None and all(p["id"] != pid for p in j["policies"]), "the public list leaves out drafts being written")
    st, j = sp.req("GET", "/api/v1/policies", tpl="/api/v1/policies", want=200)
    check(j and any(p["id"] == pid for p in j["policies"]), "staff see them")
    tplM = "/api/v1/policies/{id}/comments"
    anon.req("POST", f"/api/v1/policies/{pid}/comments", {"text": "Góp ý sớm"}, tpl=tplM, want=409)
    sp.req("POST", f"/api/v1/policies/{pid}/stage", {"stage": "consultation"}, tpl="/api/v1/policies/{id}/stage", want=200)
    st, d = anon.req("GET", "/api/v1/policies/nd-gia-thuoc/diff?from=1&to=2", tpl="/api/v1/policies/{id}/diff", want=200)
    check(d and d["words_inserted"] >= 4, "once out for comment, the public see the diff")
    start = v2.encode().index("quản lý giá thuốc".encode())
    end = start + len("quản lý giá thuốc".encode())
    st, j = anon.req("POST", f"/api/v1/policies/{pid}/comments", {"text": "Đề nghị làm rõ phạm vi quản lý giá thuốc nhập khẩu.",
                                                                "start": start, "end": end, "name": "Trần B"}, tpl=tplM, want=201)
    cid = j and j["id"]
    anon.req("POST", f"/api/v1/policies/{pid}/comments", {"text": "x", "start": start + 3, "end": end}, tpl=tplM, want=400)
    st, j = anon.req("GET", f"/api/v1/policies/{pid}/comments", tpl=tplM, want=200)
    check(j is not None and all(c["id"] != cid for c in j["comments"]), "a pending comment is not public")
    anon.req("GET", f"/api/v1/policies/{pid}/comments?state=pending", tpl=tplM, want=403)
    st, j = sp.req("GET", f"/api/v1/policies/{pid}/comments?state=pending", tpl=tplM, want=200)
    check(j and any(c["id"] == cid and c.get("quote") == "quản lý giá thuốc" for c in j["comments"]), "the moderation queue shows it with its passage")
    jo.req("POST", f"/api/v1/workflow/cases/{cid}/actions", {"action": "approve"}, tpl=tplC, want=403)
    sp.req("POST", f"/api/v1/workflow/cases/{cid}/actions", {"action": "approve"}, tpl=tplC, want=200)
    sp.req("POST", f"/api/v1/workflow/cases/{cid}/actions", {"action": "dispose", "text": "Tiếp thu."}, tpl=tplC, want=400)
    sp.req("POST", f"/api/v1/workflow/cases/{cid}/actions", {"action": "dispose", "text": "Tiếp thu, đã bổ sung Điều 1.", "label": "accepted"},
           tpl=tplC, want=200)
    st, j = anon.req("GET", f"/api/v1/policies/{pid}/comments", tpl=tplM, want=200)
    check(j and any(c["id"] == cid and c.get("disposition") == "accepted" and c.get("answer") for c in j["comments"]),
          "the disposition and its answer are public")
    # a toxic comment is held by the toxicity model (models/toxicity.model) and never public
    st, j = anon.req("POST", f"/api/v1/policies/{pid}/comments", {"text": "Mấy thằng soạn cái dự thảo này óc chó à, ngu như bò"},
                     tpl=tplM, want=201)
    tox_id = j and j["id"]
    check(j and j["state"] == "pending" and "held" not in j and "toxicity" not in j, "the toxic comment waits; the sender is not told why")
    st, j = sp.req("GET", f"/api/v1/policies/{pid}/comments?state=pending", tpl=tplM, want=200)
    t = next((c for c in (j or {}).get("comments", []) if c["id"] == tox_id), {})
    check(t.get("held") == "toxicity" and (t.get("toxicity") or {}).get("label") in ("offensive", "hate"),
          f"the moderation queue shows it held by the model: {t}")
    c0 = next((c for c in (j or {}).get("comments", []) if c["id"] == cid), None)
    check(c0 is None, "the approved comment left the queue")
    st, j = anon.req("GET", "/api/v1/policies/nd-gia-thuoc", tpl="/api/v1/policies/{id}", want=200)
    pol = (j or {}).get("policy", {})
    check(pol.get("comments") == {"answered:accepted": 1}, f"the public page counts moderated comments only: {pol.get('comments')}")
    check("query" not in pol and "linked_cases" not in pol and all("by" not in v for v in pol.get("versions", [])),
          "internal fields are left out for the public")
    st, j = sp.req("GET", "/api/v1/policies/nd-gia-thuoc", tpl="/api/v1/policies/{id}", want=200)
    check(j and j["policy"]["comments"].get("pending") == 1 and j["policy"].get("query") == "giá thuốc", "staff see the queue's count and the query")
    anon.req("GET", "/api/v1/policies/khong-co", tpl="/api/v1/policies/{id}", want=404)
    sp.req("GET", f"/api/v1/policies/{pid}/coverage", tpl="/api/v1/policies/{id}/coverage", want=200)

    # citizens' feedback: public intake, rate-limited
    fb = {"org": "bo-y-te", "body": "Nhà thuốc gần nhà bán giá thuốc cao hơn niêm yết.", "email": "dan@example.test"}
    st, j = anon.req("POST", "/api/v1/feedback", fb, tpl="/api/v1/feedback", want=201)
    check(j and j["state"] == "received" and "email" not in j, "feedback received; nothing private returned")
    anon.req("POST", "/api/v1/feedback", {"org": "bo-y-te"}, tpl="/api/v1/feedback", want=400)
    codes = [anon.req("POST", "/api/v1/feedback", fb, tpl="/api/v1/feedback")[0] for _ in range(12)]
    check(429 in codes and codes[-1] == 429, f"feedback floods are rate-limited: {codes}")
    anon.req("GET", "/api/v1/public/feedback", tpl="/api/v1/public/feedback", want=200)

    # a correction request for a monitored item
    st, items = sp.req("GET", "/api/v1/items?limit=5", want=200)
    iid = items and items["items"][0]["item_id"]
    tplK = "/api/v1/corrections"
    st, j = sp.req("POST", tplK, {"item_id": iid, "form": "correction", "text": "Đề nghị cải chính: không có chủ trương cấm bán.",
                                  "legal_basis": "Điều 42 Luật Báo chí 2016", "agency": "bao-a", "due_days": 2}, tpl=tplK, want=201)
    kid = j and j["case"]["id"]
    sp.req("POST", tplK, {"item_id": 999999, "text": "x", "agency": "bao-a"}, tpl=tplK, want=400)
    jo.req("POST", tplK, {"item_id": iid, "text": "x"}, tpl=tplK, want=403)
    sp.req("POST", f"/api/v1/workflow/cases/{kid}/actions", {"action": "send"}, tpl=tplC, want=200)
    st, j = jo.req("POST", f"/api/v1/workflow/cases/{kid}/actions", {"action": "acknowledge"}, tpl=tplC, want=200)
    check(j and j["case"]["state"] == "acknowledged", "the agency's journalist acknowledges")

    # a press conference with its iCalendar file
    st, j = sp.req("POST", "/api/v1/conferences", {"org": "bo-y-te", "title": "Họp báo thường kỳ tháng 3", "start": "2026-03-05T15:00:00+07:00",
                                                  "end": "2026-03-05T16:30:00+07:00", "location": "Hà Nội"}, tpl="/api/v1/conferences", want=201)
    conf = j and j["conference"]["id"]
    sp.req("POST", "/api/v1/conferences", {"title": "x", "start": "nope", "end": "2026-03-05T16:30:00+07:00"}, tpl="/api/v1/conferences", want=400)
    jo.req("POST", "/api/v1/questions", dict(q, body="Câu hỏi gửi trước cho họp báo về nhà thuốc", conference_id=conf), tpl="/api/v1/questions", want=201)
    st, j = sp.req("GET", f"/api/v1/conferences/{conf}", tpl="/api/v1/conferences/{id}", want=200)
    check(j and len(j["conference"].get("questions", [])) == 1, "questions collected in advance")
    st, ics = jo.req("GET", f"/api/v1/conferences/{conf}/ics", raw=True)
    check(st == 200 and ics.startswith(b"BEGIN:VCALENDAR\r\n") and b"DTSTART:20260305T080000Z\r\n" in ics, "the .ics is served")
    sp.req("POST", f"/api/v1/conferences/{conf}/invite", tpl="/api/v1/conferences/{id}/invite", want=200)
    sp.req("POST", f"/api/v1/conferences/{conf}/close", {"held": True, "summary": "Bộ thông tin về giá thuốc."}, tpl="/api/v1/conferences/{id}/close", want=200)
    sp.req("POST", f"/api/v1/conferences/{conf}/close", {"held": False}, tpl="/api/v1/conferences/{id}/close", want=409)
    sp.req("POST", "/api/v1/conferences/schedule", {"org": "bo-y-te", "year": 2026}, tpl="/api/v1/conferences/schedule", want=200)
    st, j = sp.req("GET", "/api/v1/workflow/cadence/bo-y-te?year=2026", tpl="/api/v1/workflow/cadence/{org}", want=200)
    check(j and j["quarters"][0]["status"] == "done", "cadence: the first quarter's conference is done")

    # a communication plan
    st, j = sp.req("POST", "/api/v1/plans", {"org": "bo-y-te", "title": "Kế hoạch truyền thông 2026", "year": 2026,
                                            "themes": [{"theme": "Giá thuốc", "message": "Minh bạch giá thuốc", "query": "giá thuốc",
                                                        "tasks": [{"title": "Họp báo quý I", "owner": "phatngon", "due_date": "2026-03-31"}]}]},
                   tpl="/api/v1/plans", want=201)
    plan = j and j["plan"]["id"]
    st, j = sp.req("GET", f"/api/v1/plans/{plan}", tpl="/api/v1/plans/{id}", want=200)
    check(j and j["plan"]["themes"][0].get("coverage") is not None, "a theme's coverage is measured")
    sp.req("POST", f"/api/v1/plans/{plan}/tasks", {"title": "Thông cáo"}, tpl="/api/v1/plans/{id}/tasks", want=201)
    task = j and j["plan"]["tasks"][0]["id"]
    sp.req("POST", f"/api/v1/plans/tasks/{task}/done", {"link": "https://byt.test/tin/1"}, tpl="/api/v1/plans/tasks/{id}/done", want=200)
    sp.req("POST", f"/api/v1/plans/tasks/{task}/done", {}, tpl="/api/v1/plans/tasks/{id}/done", want=409)
    sp.req("GET", "/api/v1/plans", tpl="/api/v1/plans", want=200)

    # the rebuttal kit -> approved -> published
    st, j = sp.req("POST", "/api/v1/rebuttals", {"org": "bo-y-te", "text": "Bộ Y tế sẽ cấm bán thuốc hạ sốt không kê đơn từ tháng sau."},
                   tpl="/api/v1/rebuttals", want=201)
    rid = j and j["case"]["id"]
    check(j and "THÔNG TIN PHẢN BÁC" in j["case"]["body"] and "draft" in j["case"]["data"], "the kit drafts a rebuttal")
    sp.req("POST", "/api/v1/rebuttals", {"claim_id": 424242}, tpl="/api/v1/rebuttals", want=404)
    jo.req("POST", "/api/v1/rebuttals", {"text": "x"}, tpl="/api/v1/rebuttals", want=403)
    sp.req("POST", f"/api/v1/workflow/cases/{rid}/actions", {"action": "approve"}, tpl=tplC, want=200)
    st, j = sp.req("POST", f"/api/v1/workflow/cases/{rid}/actions", {"action": "publish"}, tpl=tplC, want=200)
    check(j and j["case"]["reach"]["claim"] is None, "a kit built from a text has no registered claim to follow")

    # a kit from a registered claim: the claim's spread, then the rebuttal's reach beside it
    st, j = sp.req("POST", "/api/v1/claims", {"title": "Tin đồn thu phí khám tại trạm y tế xã", "text": rumour}, want=201)
    claim_id = j and j["claim"]["id"]
    st, j = sp.req("POST", "/api/v1/rebuttals", {"org": "bo-y-te", "claim_id": claim_id}, tpl="/api/v1/rebuttals", want=201)
    kid2 = j and j["case"]["id"]
    reach = j and j["case"].get("reach")
    check(reach and reach["claim"]["items"] == 4 and reach["claim"]["outlets"] == 2, f"the claim's spread: {reach and reach['claim']}")
    check(reach and reach["rebuttal"]["state"] == "not_published" and reach["rebuttal"]["items"] == 0, "no reach before publication")
    days = {d["day"]: d for d in (reach or {}).get("days", [])}
    check(days.get("2026-03-03", {}).get("claim") == 1 and days.get("2026-03-04", {}).get("claim") == 3,
          f"claim items per day in Vietnam (23:30 counts the 3rd, 00:10 the 4th): {days}")
    check(reach and [s["source"] for s in reach["claim"]["sources"]] == ["fb-tin-nong", "bao-b-web"]
          and reach["claim"]["sources"][1].get("org") == "bao-b", f"the claim's outlets, most items first: {reach and reach['claim']['sources']}")
    sp.req("POST", f"/api/v1/workflow/cases/{kid2}/actions", {"action": "approve"}, tpl=tplC, want=200)
    st, j = sp.req("POST", f"/api/v1/workflow/cases/{kid2}/actions", {"action": "publish"}, tpl=tplC, want=200)
    case2 = (j or {}).get("case", {})
    check(case2.get("publish") == "published" and case2.get("publish_ref", "").startswith("official:"),
          f"the rebuttal is signed and published through the network: {case2.get('publish')} {case2.get('publish_ref')}")
    reb = case2.get("reach", {}).get("rebuttal", {})
    check(reb.get("state") == "published" and reb.get("items") == 0 and reb.get("official_id") == int(case2.get("publish_ref", "official:0")[9:]),
          f"published, not yet picked up: {reb}")
    # two outlets carry the rebuttal (one the next day), an unrelated item does not
    import datetime
    now = datetime.datetime.now(datetime.timezone.utc)
    iso = lambda d: (now + d).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = case2.get("body", "")
    picks = [{"source": "bao-a-web", "id": "phan-bac-1", "title": "Bộ Y tế bác bỏ tin thu phí khám tại trạm y tế xã",
              "text": "Theo Cổng TTĐT Bộ Y tế: " + body, "published_at": iso(datetime.timedelta(minutes=10))},
             {"source": "bao-b-web", "id": "phan-bac-2", "title": "Không thu phí khám tại trạm y tế xã",
              "text": body, "published_at": iso(datetime.timedelta(days=1))},
             {"source": "bao-b-web", "id": "khac-1", "title": "Giá vàng hôm nay", "text": "Giá vàng SJC tăng mạnh trong phiên sáng nay "
              "theo diễn biến thị trường thế giới, nhà đầu tư thận trọng.", "published_at": iso(datetime.timedelta(minutes=20))}]
    for x in picks:
        st, j = ed.req("POST", "/api/v1/items", x, want=200)
        check(j and j["stored"] == 1, f"stored {x['id']}")
    st, j = sp.req("GET", f"/api/v1/workflow/cases/{kid2}", tpl="/api/v1/workflow/cases/{id}", want=200)
    reach = (j or {}).get("case", {}).get("reach", {})
    reb = reach.get("rebuttal", {})
    check(reb.get("items") == 2 and reb.get("outlets") == 2 and {s["source"] for s in reb.get("sources", [])} == {"bao-a-web", "bao-b-web"},
          f"the rebuttal's reach: the two copies, not the unrelated item: {reb}")
    check(reb.get("first_seen") == picks[0]["published_at"] and reb.get("first_pickup_s") is not None and 0 < reb["first_pickup_s"] <= 700,
          f"first seen and time to the first pickup: {reb.get('first_seen')} {reb.get('first_pickup_s')}")
    check(reb.get("outlets_total") == 2 and reb.get("outlets_picked") == 2 and reb.get("coverage") == 1.0,
          f"coverage among the network's outlets: {reb.get('outlets_picked')}/{reb.get('outlets_total')}")
    vn = lambda d: (now + d + datetime.timedelta(hours=7)).strftime("%Y-%m-%d")
    days = {d["day"]: d for d in reach.get("days", [])}
    want = {}
    for d in (datetime.timedelta(minutes=10), datetime.timedelta(days=1)):
        want[vn(d)] = want.get(vn(d), 0) + 1
    check(all(days.get(k, {}).get("rebuttal") == n for k, n in want.items()) and sum(d["rebuttal"] for d in days.values()) == 2,
          f"rebuttal items per day beside the claim's: {days}")
    check(days.get("2026-03-04", {}).get("claim") == 3 and reach.get("claim", {}).get("items") == 4, "the claim's series is unchanged")
    check([d["day"] for d in reach.get("days", [])] == sorted(days), "days in order")

    # the public pages' reads are public but rate-limited per address (signed-in users are not counted)
    codes = []
    for _ in range(700):  # 300 a minute: a 429 within two windows at most
        codes.append(anon.req("GET", "/api/v1/policies", tpl="/api/v1/policies")[0])
        if codes[-1] != 200:
            break
    check(codes[0] == 200 and codes[-1] == 429 and codes.count(200) <= 600, f"anonymous reads rate-limited: {codes.count(200)} then {codes[-1]}")
    sp.req("GET", "/api/v1/policies", tpl="/api/v1/policies", want=200)

    srv.send_signal(signal.SIGTERM)
    try:
        rc = srv.wait(timeout=10)
    except subprocess.TimeoutExpired:
        srv.kill()
        rc = None
    check(rc == 0, f"SIGTERM stops the server cleanly (exit {rc})")
    check(loa("db", "check").returncode == 0, "database intact after stop")
    print(f"{h.checks} checks, {len(h.fails)} failed")
    sys.exit(1 if h.fails else 0)


if __name__ == "__main__":
    main()
