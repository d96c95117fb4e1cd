#!/usr/bin/python3
"""classify_score.py GOLD_TSV PRED - macro-F1 of predicted labels (one per
line, fastText's "__label__x" accepted) against TSV label<TAB>text.
Prints "macro_f1=F accuracy=A"."""
import sys

from sklearn.metrics import accuracy_score, f1_score

gold = []
with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
    for line in f:
        line = line.rstrip("\n")
        if "\t" in line:
            gold.append(line.split("\t", 1)[0])
with open(sys.argv[2], encoding="utf-8") as f:
    pred = [l.strip().split()[0].replace("__label__", "", 1) if l.strip() else "" for l in f]
if len(pred) != len(gold):
    sys.exit("classify_score: %d predictions for %d gold lines" % (len(pred), len(gold)))
print("macro_f1=%.4f accuracy=%.4f" % (f1_score(gold, pred, average="macro"),
                                       accuracy_score(gold, pred)))
