#!/usr/bin/env python3
"""qa_gen.py - the qa benchmark's data: the ALQAC 2022 and 2023 corpora plus
generated distractor articles, as one corpus in the ALQAC format, with the
questions and qrels of both sets (doc ids prefixed a22:/a23:, distractors d:).

Distractors come from a syllable bigram chain trained on the two corpora:
every word pair in them occurs in real law text (so the term dictionary
stays realistic), while no article is a copy of a real one.

usage: qa_gen.py ALQAC_DIR OUT_DIR N_ARTICLES [SEED]
"""
import json, os, random, sys, unicodedata

src, out, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
os.makedirs(out, exist_ok=True)
sets = [("a22", "alqac2022"), ("a23", "alqac2023")]
succ = {}
titles = []
n_real = 0
with open(os.path.join(out, "corpus.jsonl"), "w", encoding="utf-8") as co:
    for pre, name in sets:
        for line in open(os.path.join(src, name, "corpus.jsonl"), encoding="utf-8"):
            d = json.loads(line)
            d["doc_id"] = pre + ":" + d["doc_id"]
            d["law_id"] = pre + ":" + d["law_id"]
            co.write(json.dumps(d, ensure_ascii=False) + "\n")
            n_real += 1
            text = unicodedata.normalize("NFC", d["text"])
            first, _, rest = text.partition("\n")
            titles.append(first.split())
            words = rest.split()
            for a, b in zip(words, words[1:]):
                succ.setdefault(a, []).append(b)
    starts = [w for w in succ if w[:1].isupper()] or list(succ)
    keys = list(succ)
    for i in range(max(0, total - n_real)):
        t = list(rnd.choice(titles))
        if len(t) > 2:
            t[rnd.randrange(len(t))] = rnd.choice(keys)
        w = rnd.choice(starts)
        body = [w]
        for _ in range(rnd.randrange(40, 110)):
            nx = succ.get(w)
            w = rnd.choice(nx) if nx else rnd.choice(starts)
            body.append(w)
        doc = {"doc_id": "d:%d" % i, "law_id": "Văn bản sinh %d" % (i // 200),
               "article_id": str(i % 200 + 1), "text": " ".join(t) + "\n\n" + " ".join(body)}
        co.write(json.dumps(doc, ensure_ascii=False) + "\n")
with open(os.path.join(out, "questions.jsonl"), "w", encoding="utf-8") as qo, \
     open(os.path.join(out, "qrels.tsv"), "w", encoding="utf-8") as ro:
    for pre, name in sets:
        for line in open(os.path.join(src, name, "queries.train.jsonl"), encoding="utf-8"):
            q = json.loads(line)
            qo.write(json.dumps({"qid": pre + ":" + q["qid"], "text": q["text"]}, ensure_ascii=False) + "\n")
        for line in open(os.path.join(src, name, "qrels.train.tsv"), encoding="utf-8"):
            f = line.split()
            if len(f) >= 3:
                ro.write("%s:%s\t0\t%s:%s\t1\n" % (pre, f[0], pre, f[2]))
print("qa_gen: articles=%d real=%d" % (max(total, n_real), n_real), file=sys.stderr)
