#!/usr/bin/python3
"""Generates loa's bundled sample data (data/sample/*.jsonl).

Everything here is written for this project: fictional outlets, templated
Vietnamese sentences, deterministic (seeded) so the committed output is
reproducible: /usr/bin/python3 data/gen_sample.py
"""
import json, os, random
from datetime import datetime, timedelta, timezone

R = random.Random(20261123)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample")
START = datetime(2026, 10, 24, 0, 0, tzinfo=timezone.utc)
DAYS = 30

ORGS = [
    # slug, name, kind, parent, valid_from, valid_to, successor
    ("chinh-phu", "Chính phủ", "government", None, None, None, None),
    ("bo-y-te", "Bộ Y tế", "ministry", "chinh-phu", None, None, None),
    ("bo-gddt", "Bộ Giáo dục và Đào tạo", "ministry", "chinh-phu", None, None, None),
    ("bo-tai-chinh", "Bộ Tài chính", "ministry", "chinh-phu", None, None, None),
    ("bo-xay-dung", "Bộ Xây dựng", "ministry", "chinh-phu", None, None, None),
    ("bo-khcn", "Bộ Khoa học và Công nghệ", "ministry", "chinh-phu", None, None, None),
    ("bo-tttt", "Bộ Thông tin và Truyền thông", "ministry", "chinh-phu", None,
     "2025-03-01T00:00:00+07:00", "bo-khcn"),
    ("ubnd-ha-noi", "UBND Thành phố Hà Nội", "province", "chinh-phu", None, None, None),
    ("ubnd-tphcm", "UBND Thành phố Hồ Chí Minh", "province", "chinh-phu", None, None, None),
    ("ubnd-binh-duong", "UBND tỉnh Bình Dương", "province", "chinh-phu", None,
     "2025-07-01T00:00:00+07:00", "ubnd-tphcm"),
    ("so-khcn-ha-noi", "Sở Khoa học và Công nghệ Hà Nội", "department", "ubnd-ha-noi",
     "2025-03-01T00:00:00+07:00", None, None),
    ("so-tttt-ha-noi", "Sở Thông tin và Truyền thông Hà Nội", "department", "ubnd-ha-noi", None,
     "2025-03-01T00:00:00+07:00", "so-khcn-ha-noi"),
    ("bao-tin-moi", "Báo Tin Mới", "press", None, None, None, None),
    ("bao-song-hong", "Báo Sông Hồng", "press", None, None, None, None),
    ("tap-chi-do-thi", "Tạp chí Đô Thị Hôm Nay", "press", None, None, None, None),
    ("dai-pho-bien", "Đài Phát thanh Phố Biển", "press", None, None, None, None),
]

# source slug, platform, org whose own channel it is (or None), outlet kind
SOURCES = [
    ("cong-bo-y-te", "web", "bo-y-te", "portal"),
    ("cong-bo-gddt", "web", "bo-gddt", "portal"),
    ("cong-bo-tai-chinh", "web", "bo-tai-chinh", "portal"),
    ("cong-ha-noi", "web", "ubnd-ha-noi", "portal"),
    ("cong-tphcm", "web", "ubnd-tphcm", "portal"),
    ("fb-bo-y-te", "facebook", "bo-y-te", "social"),
    ("fb-ha-noi", "facebook", "ubnd-ha-noi", "social"),
    ("zalo-tphcm", "zalo", "ubnd-tphcm", "social"),
    ("bao-tin-moi", "web", None, "press"),
    ("bao-song-hong", "web", None, "press"),
    ("tap-chi-do-thi", "web", None, "press"),
    ("dai-pho-bien", "web", None, "press"),
    ("fb-cong-dong-ha-noi", "facebook", None, "social"),
    ("yt-tin-nhanh", "youtube", None, "social"),
    ("tiktok-goc-nhin", "tiktok", None, "social"),
]

TOPICS = {
    "bo-y-te": [("tiêm chủng mở rộng", "vắc xin"), ("an toàn thực phẩm", "bếp ăn tập thể"),
                ("khám chữa bệnh bảo hiểm y tế", "thẻ bảo hiểm y tế")],
    "bo-gddt": [("học phí năm học mới", "học phí"), ("thi tốt nghiệp trung học phổ thông", "đề thi"),
                ("sách giáo khoa", "bộ sách")],
    "bo-tai-chinh": [("thuế thu nhập cá nhân", "mức giảm trừ gia cảnh"),
                     ("hóa đơn điện tử", "hóa đơn"), ("giá xăng dầu", "giá bán lẻ")],
    "ubnd-ha-noi": [("giấy phép xây dựng", "hồ sơ cấp phép"), ("ngập úng nội đô", "hệ thống thoát nước"),
                    ("vành đai 4", "giải phóng mặt bằng")],
    "ubnd-tphcm": [("dịch vụ công trực tuyến", "hồ sơ trực tuyến"), ("tuyến metro số 1", "lượt khách"),
                   ("sắp xếp đơn vị hành chính", "phường mới")],
}

POS = [
    "{org} cho biết {topic} đạt kết quả tích cực, tỉ lệ hài lòng của người dân tăng lên {pct}%.",
    "Người dân đánh giá cao việc {org} đơn giản hóa thủ tục về {topic}, thời gian xử lý {obj} giảm còn {n} ngày.",
    "{org} hoàn thành sớm kế hoạch về {topic}, vượt {pct}% chỉ tiêu đề ra.",
    "Nhiều ý kiến ghi nhận nỗ lực của {org} trong {topic}; {obj} được công khai minh bạch.",
]
NEU = [
    "{org} thông báo lịch tiếp nhận {obj} liên quan đến {topic} từ ngày {d}/{m}/2026.",
    "{org} tổ chức hội nghị triển khai {topic} với sự tham gia của {n} đơn vị.",
    "Theo {org}, {topic} sẽ được thực hiện theo lộ trình, {obj} áp dụng từ quý tới.",
    "{org} công bố số liệu về {topic}: đã tiếp nhận {n} {obj} trong tháng.",
]
NEG = [
    "Người dân phản ánh {obj} về {topic} bị chậm trễ, nhiều hồ sơ quá hạn {n} ngày chưa được trả lời.",
    "Dư luận bức xúc vì {topic} gây khó khăn, {obj} thiếu minh bạch, {org} chưa có phản hồi.",
    "Nhiều sai phạm trong {topic} bị phát hiện, {obj} thất thoát hàng chục tỉ đồng.",
    "Tình trạng ùn ứ {obj} kéo dài khiến người dân mất lòng tin vào {topic}.",
]
COMMENTS_CLEAN = [
    "Cảm ơn thông tin hữu ích, mong {org} tiếp tục phát huy.",
    "Cho mình hỏi thủ tục {obj} nộp ở đâu ạ?",
    "Thông tin rất rõ ràng, mình đã làm xong hồ sơ trong {n} ngày.",
    "Mong cơ quan chức năng sớm giải quyết dứt điểm vấn đề {topic}.",
    "Ủng hộ chủ trương này, cần làm sớm hơn nữa.",
]
COMMENTS_OFFENSIVE = [
    "Làm ăn như thế này thì chán thật sự, toàn nói cho sướng miệng.",
    "Lại hứa hẹn suông, ai mà tin nổi mấy ông nữa.",
    "Đúng là vô trách nhiệm, hồ sơ của tôi nằm cả tháng không ai đụng tới.",
]
FALSE_CLAIMS = [
    ("Tin đồn {org} sẽ thu thêm phí khi nộp {obj} trực tuyến", "{org} khẳng định thông tin thu thêm phí khi nộp {obj} trực tuyến là sai sự thật; thủ tục vẫn miễn phí."),
    ("Lan truyền thông tin {topic} bị hủy bỏ từ tháng sau", "{org} bác bỏ thông tin {topic} bị hủy bỏ; kế hoạch vẫn giữ nguyên."),
]

def ts(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")

def fill(t, org, topic, obj):
    return t.format(org=org, topic=topic, obj=obj, pct=R.randint(5, 35), n=R.randint(2, 45),
                    d=R.randint(1, 28), m=R.randint(11, 12))

def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "orgs.jsonl"), "w", encoding="utf-8") as f:
        for slug, name, kind, parent, vf, vt, succ in ORGS:
            o = {"slug": slug, "name": name, "kind": kind}
            if parent: o["parent"] = parent
            if vf: o["valid_from"] = vf
            if vt: o["valid_to"] = vt
            if succ: o["successor"] = succ
            f.write(json.dumps(o, ensure_ascii=False) + "\n")
    names = {o[0]: o[1] for o in ORGS}
    items = []
    seq = 0
    for day in range(DAYS):
        for _ in range(R.randint(80, 120)):
            seq += 1
            org = R.choice(list(TOPICS))
            topic, obj = R.choice(TOPICS[org])
            when = START + timedelta(days=day, seconds=R.randint(0, 86399))
            r = R.random()
            src = R.choice(SOURCES)
            own = src[2] == org
            if src[2] and not own:
                src = R.choice([s for s in SOURCES if s[2] is None])
            slug, platform, owner, outlet = src
            neg_rate = 0.08 if owner else 0.28
            tone_t = NEG if r < neg_rate else (POS if r < neg_rate + 0.35 else NEU)
            text = " ".join(fill(R.choice(tone_t), names[org], topic, obj) for _ in range(R.randint(2, 4)))
            title = fill(R.choice(tone_t), names[org], topic, obj).rstrip(".")
            kind = "article" if platform == "web" else "post"
            if owner and platform == "web":
                kind = "official"
            it = {"source": slug, "id": f"{slug}-{seq}", "published_at": ts(when), "kind": kind,
                  "platform": platform, "title": title, "text": text, "lang": "vi"}
            if platform == "web":
                it["url"] = f"https://{slug}.example.vn/tin/{seq}?utm_source=demo"
            if owner:
                it["org"] = owner
            if platform != "web":
                it["reactions"] = R.randint(0, 5000)
                it["shares"] = R.randint(0, 800)
                it["comments"] = R.randint(0, 300)
                it["author"] = R.choice(["Quản trị viên", "Nguyễn Văn An", "Trần Thị Bình", "Lê Minh"])
            items.append(it)
            if platform in ("facebook", "zalo", "youtube", "tiktok") and R.random() < 0.6:
                for c in range(R.randint(1, 5)):
                    seq += 1
                    pool = COMMENTS_OFFENSIVE if R.random() < 0.15 else COMMENTS_CLEAN
                    items.append({"source": slug, "id": f"{slug}-{seq}", "kind": "comment",
                                  "platform": platform, "parent_id": it["id"],
                                  "published_at": ts(when + timedelta(minutes=R.randint(1, 600))),
                                  "author": R.choice(["Hoàng Yến", "Phạm Đức", "Bùi Lan", "Đỗ Quang", "Vũ Hà"]),
                                  "text": fill(R.choice(pool), names[org], topic, obj), "lang": "vi",
                                  "reactions": R.randint(0, 200)})
            if R.random() < 0.02:
                claim, reb = R.choice(FALSE_CLAIMS)
                seq += 1
                s2 = R.choice([s for s in SOURCES if s[1] in ("facebook", "tiktok") and s[2] is None])
                items.append({"source": s2[0], "id": f"{s2[0]}-{seq}", "kind": "post", "platform": s2[1],
                              "published_at": ts(when), "text": fill(claim, names[org], topic, obj) + ". Mọi người chia sẻ gấp!",
                              "lang": "vi", "shares": R.randint(100, 9000)})
                seq += 1
                portal = [s for s in SOURCES if s[2] == org and s[1] == "web"]
                if portal:
                    items.append({"source": portal[0][0], "id": f"{portal[0][0]}-{seq}", "kind": "official",
                                  "platform": "web", "org": org, "title": "Thông tin phản bác",
                                  "published_at": ts(when + timedelta(hours=R.randint(2, 30))),
                                  "url": f"https://{portal[0][0]}.example.vn/phan-bac/{seq}",
                                  "text": fill(reb, names[org], topic, obj), "lang": "vi"})
    items.sort(key=lambda x: x["published_at"])
    with open(os.path.join(OUT, "items.jsonl"), "w", encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    print(f"orgs={len(ORGS)} items={len(items)}")

if __name__ == "__main__":
    main()
