#!/usr/bin/python3
"""classify_svm.py TRAIN DEV [PRED_OUT] - the reference SVM of bench/classify.sh.

TF-IDF word 1-2-grams + character 2-5-grams (scikit-learn defaults otherwise:
lower-casing, sublinear_tf off, l2 norm), LinearSVC(C=1). Reads TSV
label<TAB>text; prints "svm_macro_f1=F accuracy=A".
"""
import sys

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC


def read(path):
    ys, xs = [], []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" not in line:
                continue
            y, x = line.split("\t", 1)
            ys.append(y)
            xs.append(x)
    return ys, xs


def main():
    ytr, xtr = read(sys.argv[1])
    ydv, xdv = read(sys.argv[2])
    vec = FeatureUnion([
        ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2))),
        ("char", TfidfVectorizer(analyzer="char", ngram_range=(2, 5))),
    ])
    Xtr = vec.fit_transform(xtr)
    Xdv = vec.transform(xdv)
    clf = LinearSVC(C=1.0)
    clf.fit(Xtr, ytr)
    pred = clf.predict(Xdv)
    if len(sys.argv) > 3:
        with open(sys.argv[3], "w", encoding="utf-8") as f:
            f.write("\n".join(pred) + "\n")
    print("svm_macro_f1=%.4f accuracy=%.4f" % (f1_score(ydv, pred, average="macro"),
                                               accuracy_score(ydv, pred)))


if __name__ == "__main__":
    main()
