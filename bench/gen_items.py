#!/usr/bin/env python3
"""gen_items.py - synthetic items for bench/import.sh.

Writes the same N items twice: as JSON lines in the format of
docs/formats/items.md (for `loa import`), and as CSV rows holding exactly
what loa stores for each item, column for column of its `items` table (for
the sqlite3 shell's `.import`, the reference). Deterministic (fixed seed).

  gen_items.py --n 1000000 --jsonl items.jsonl --csv items.csv
"""
import argparse
import csv
import hashlib
import json
import random

WORDS = ("Chính phủ Thủ tướng chỉ đạo các bộ ngành địa phương triển khai chính sách mới "
         "về chuyển đổi số cải cách thủ tục hành chính hỗ trợ người dân doanh nghiệp "
         "phát triển kinh tế xã hội bảo đảm an sinh giáo dục y tế giao thông nông thôn "
         "đô thị môi trường biến đổi khí hậu thông tin truyền thông báo chí cổng thông tin "
         "điện tử họp báo thường kỳ phát ngôn lấy ý kiến dự thảo luật nghị định thông tư").split()
PLATFORMS = ["web"] * 5 + ["facebook"] * 2 + ["zalo", "youtube", "tiktok"]
T0 = 1704042000000  # 2024-01-01T00:00:00+07:00
COLS = ["id", "ident", "source_id", "kind", "platform", "external_id", "url", "title", "text",
        "html", "author", "lang", "published_at", "fetched_at", "parent_id", "parent_ident",
        "shared_from", "shared_ident", "org", "org_id", "reactions", "shares", "comments",
        "content_hash"]


def rfc3339(ms):
    import datetime
    d = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000000)
    ap.add_argument("--jsonl", required=True)
    ap.add_argument("--csv", required=True)
    a = ap.parse_args()
    rnd = random.Random(20240301)
    nsrc = 200
    src_platform = [PLATFORMS[i % len(PLATFORMS)] for i in range(nsrc)]
    times = {}
    with open(a.jsonl, "w", encoding="utf-8") as jf, \
         open(a.csv, "w", encoding="utf-8", newline="") as cf:
        w = csv.writer(cf)
        w.writerow(COLS)
        fetched = T0 + 400 * 86400000
        for i in range(1, a.n + 1):
            s = rnd.randrange(nsrc)
            plat = src_platform[s]
            slug = ("web-%d" if plat == "web" else plat + "-%d") % s
            pub = T0 + rnd.randrange(366 * 86400) * 1000
            if pub not in times:
                times[pub] = rfc3339(pub)
            text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(25, 90)))
            item = {"source": slug}
            r = rnd.random()
            ext = url = None
            if r < 0.7:
                ext = "%d" % (i * 7919)
                item["id"] = ext
            if plat == "web" and r < 0.9:
                url = "https://%s.vn/tin/%d.html" % (slug, i)
                item["url"] = url
            elif r >= 0.7 and r < 0.9:
                url = "https://%s.com/p/%d" % (plat, i)
                item["url"] = url
            kind = "article" if plat == "web" else "post"
            title = None
            if plat == "web":
                title = " ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(6, 14)))
                item["title"] = title.capitalize()
                title = item["title"]
            else:
                item["platform"] = plat
            item["text"] = text
            item["lang"] = "vi"
            item["published_at"] = times[pub]
            counts = [None, None, None]
            if plat != "web":
                counts = [rnd.randrange(5000), rnd.randrange(500), rnd.randrange(300)]
                item["reactions"], item["shares"], item["comments"] = counts
            jf.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
            jf.write("\n")
            if ext is not None:
                ident = "id:%d:%s:%s" % (len(slug.encode()), slug, ext)
            elif url is not None:
                ident = "url:" + url
            else:
                ident = "h:" + hashlib.blake2b(("%s|%d|%s" % (slug, pub, text)).encode(),
                                               digest_size=16).hexdigest()
            chash = int.from_bytes(hashlib.blake2b(ident.encode(), digest_size=8).digest(),
                                   "little", signed=True)
            w.writerow([i, ident, s + 1, kind, plat, ext or "", url or "", title or "", text,
                        "", "", "vi", pub, fetched, "", "", "", "", "", "",
                        "" if counts[0] is None else counts[0],
                        "" if counts[1] is None else counts[1],
                        "" if counts[2] is None else counts[2], chash])


if __name__ == "__main__":
    main()
