#!/usr/bin/env python3
"""Builds a pairs set for `loa eval stories` from VNTC articles.

VNTC (MIT licence for the repository; the articles remain the publishers'
copyright, see data/vntc/SOURCE.txt) may be used for research and
benchmarks but not republished: write the output to a temporary folder,
never into the tree.

Pairs (JSON lines {"a", "b", "label"}):
  same       an article and a republished copy with edits: a new headline,
             sentences reordered within the body, some sentences cut (up to
             40%, or only the lead paragraphs kept), boilerplate added
             (a source line, "Xem thêm", a copyright footer), diacritics or
             spacing noise in a few words
  related    an article and another article of the same topic that quotes
             two or three of its sentences (a follow-up)
  different  an article and the article of the same topic that shares the
             most vocabulary with it, among a sample

Usage: gen_story_pairs.py VNTC.jsonl.xz OUT.jsonl [--n 1000] [--seed 1]
"""
import argparse
import json
import lzma
import random
import re
import sys

BOILER_HEAD = [
    "(Dân trí) - ", "TTO - ", "(PLO) - ", "VOV.VN - ", "(Chinhphu.vn) - ", "NLĐO - ",
]
BOILER_TAIL = [
    "Theo {src}", "Nguồn: {src}", "Xem thêm: Tin tức trong ngày",
    "© Bản quyền thuộc về báo điện tử. Ghi rõ nguồn khi phát hành lại thông tin từ website này.",
    "Mời bạn đọc theo dõi các tin bài liên quan.", "(Còn tiếp)",
]
NEW_HEADLINES = [
    "Nóng: ", "Tin mới: ", "Cập nhật: ", "Toàn cảnh: ", "Đọc nhanh: ", "",
]


def sentences(text):
    parts = re.split(r"(?<=[.!?…])\s+|\n+", text)
    return [p.strip() for p in parts if len(p.strip()) > 0]


def words(text):
    return set(w.lower() for w in re.findall(r"\w+", text) if len(w) > 1)


def edit_copy(text, src, rng):
    s = sentences(text)
    if len(s) < 4:
        return None
    head, body = s[0], s[1:]
    mode = rng.random()
    if mode < 0.25:
        # only the lead paragraphs kept
        k = max(2, int(len(body) * rng.uniform(0.4, 0.7)))
        body = body[:k]
    else:
        # some sentences cut
        cut = int(len(body) * rng.uniform(0.0, 0.4))
        for _ in range(cut):
            if len(body) > 2:
                body.pop(rng.randrange(len(body)))
    # reorder a few neighbouring sentences
    for _ in range(rng.randint(0, 3)):
        if len(body) > 2:
            i = rng.randrange(len(body) - 1)
            body[i], body[i + 1] = body[i + 1], body[i]
    # a new headline: a prefix, or a body sentence promoted, or the old one kept
    r = rng.random()
    if r < 0.4:
        head = rng.choice(NEW_HEADLINES) + head
    elif r < 0.7 and body:
        head = body[0][:120]
    out = rng.choice(BOILER_HEAD) + head + "\n" + " ".join(body)
    if rng.random() < 0.7:
        out += "\n" + rng.choice(BOILER_TAIL).format(src=src)
    # a little noise: a few words lose their diacritics or gain spaces
    if rng.random() < 0.3:
        ws = out.split(" ")
        for _ in range(max(1, len(ws) // 50)):
            i = rng.randrange(len(ws))
            ws[i] = strip_marks(ws[i])
        out = " ".join(ws)
    return out


def strip_marks(w):
    import unicodedata
    d = unicodedata.normalize("NFD", w)
    d = "".join(c for c in d if unicodedata.category(c) != "Mn")
    return d.replace("đ", "d").replace("Đ", "D")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vntc")
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pool", type=int, default=6000)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    arts = []
    with lzma.open(a.vntc, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if len(d["text"]) > 600:
                arts.append(d)
            if len(arts) >= a.pool * 3:
                break
    rng.shuffle(arts)
    arts = arts[: a.pool]
    by_topic = {}
    for d in arts:
        by_topic.setdefault(d["topic_code"], []).append(d)
    vocab = {id(d): words(d["text"]) for d in arts}
    n_same = int(a.n * 0.4)
    n_rel = int(a.n * 0.2)
    n_diff = a.n - n_same - n_rel
    out = []
    i = 0
    while len([p for p in out if p["label"] == "same"]) < n_same:
        d = arts[i % len(arts)]
        i += 1
        c = edit_copy(d["text"], d.get("source", ""), rng)
        if c:
            out.append({"a": d["text"], "b": c, "label": "same"})
    while len([p for p in out if p["label"] == "related"]) < n_rel:
        d = rng.choice(arts)
        other = rng.choice(by_topic[d["topic_code"]])
        if other is d:
            continue
        s = sentences(d["text"])
        t = sentences(other["text"])
        if len(s) < 4 or len(t) < 4:
            continue
        quoted = rng.sample(s[1:], min(len(s) - 1, rng.randint(2, 3)))
        pos = rng.randrange(1, len(t))
        b = t[:pos] + ["Như đã đưa tin, " + quoted[0]] + quoted[1:] + t[pos:]
        out.append({"a": d["text"], "b": "\n".join(b), "label": "related"})
    while len([p for p in out if p["label"] == "different"]) < n_diff:
        d = rng.choice(arts)
        cands = [x for x in rng.sample(by_topic[d["topic_code"]],
                                       min(40, len(by_topic[d["topic_code"]]))) if x is not d]
        if not cands:
            continue
        vd = vocab[id(d)]
        best = max(cands, key=lambda x: len(vd & vocab[id(x)]) / (len(vd | vocab[id(x)]) or 1))
        out.append({"a": d["text"], "b": best["text"], "label": "different"})
    rng.shuffle(out)
    with open(a.out, "w", encoding="utf-8") as f:
        for p in out:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(f"pairs: n={len(out)} same={n_same} related={n_rel} different={n_diff} -> {a.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
