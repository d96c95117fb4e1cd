#!/usr/bin/env python3
"""qa_xapian.py - the reference engine of bench/qa.sh: Xapian with BM25
(k1 1.2, b 0.75), no stemming, NFC + lower case, the same corpus and
questions; prints R@1, R@10, MRR@10 and answer latency p50/p99.

usage: qa_xapian.py CORPUS QUESTIONS QRELS DBDIR
"""
import json, sys, time, unicodedata
import xapian

corpus, questions, qrels, dbdir = sys.argv[1:5]
t0 = time.time()
db = xapian.WritableDatabase(dbdir, xapian.DB_CREATE_OR_OVERWRITE)
tg = xapian.TermGenerator()
n = 0
for line in open(corpus, encoding="utf-8"):
    d = json.loads(line)
    doc = xapian.Document()
    tg.set_document(doc)
    tg.index_text(unicodedata.normalize("NFC", d["text"]).lower())
    doc.add_boolean_term("Q" + d["doc_id"])
    doc.set_data(d["doc_id"])
    db.add_document(doc)
    n += 1
    if n % 100000 == 0:
        db.commit()
db.commit()
build = time.time() - t0
rel = {}
for line in open(qrels, encoding="utf-8"):
    f = line.split()
    if len(f) >= 3:
        rel.setdefault(f[0], set()).add(f[2])
enq = xapian.Enquire(db)
enq.set_weighting_scheme(xapian.BM25Weight(1.2, 0, 1, 0.75, 0.5))
qp = xapian.QueryParser()
qp.set_database(db)
qp.set_default_op(xapian.Query.OP_OR)
lat, r1, r10, mrr, nq = [], 0.0, 0.0, 0.0, 0
for line in open(questions, encoding="utf-8"):
    q = json.loads(line)
    gold = rel.get(q["qid"])
    if not gold:
        continue
    a = time.perf_counter()
    query = qp.parse_query(unicodedata.normalize("NFC", q["text"]).lower(), 0)
    enq.set_query(query)
    top = [m.document.get_data().decode() for m in enq.get_mset(0, 10)]
    lat.append((time.perf_counter() - a) * 1000)
    nq += 1
    r1 += (1.0 / len(gold)) if top and top[0] in gold else 0
    r10 += len(gold & set(top)) / len(gold)
    for i, t in enumerate(top):
        if t in gold:
            mrr += 1.0 / (i + 1)
            break
lat.sort()
print("xapian latency: articles=%d build_s=%.2f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f" %
      (n, build, lat[len(lat) // 2], lat[int((len(lat) - 1) * 0.99)], lat[-1]))
print("xapian retrieve: questions=%d recall_at_1=%.4f recall_at_10=%.4f mrr_at_10=%.4f" %
      (nq, r1 / nq, r10 / nq, mrr / nq))
