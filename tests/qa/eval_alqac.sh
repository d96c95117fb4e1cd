#!/usr/bin/env bash
# loa eval retrieve on ALQAC 2022 and the ALQAC 2023 training questions;
# floors slightly under the measured figures (docs/rooms/qa.md).
. "$LOA_SRC/tests/cli/lib.sh"
need_shared data/legal-alqac
D="$LOA_SHARED/data/legal-alqac"
check() { # set r1_floor mrr_floor
  expect_status 0 nice "$LOA" eval retrieve --corpus "$D/$1/corpus.jsonl" \
    --questions "$D/$1/queries.train.jsonl" --qrels "$D/$1/qrels.train.tsv"
  local last; last=$(tail -1 "$TMP/out")
  echo "$1: $last"
  awk -v l="$last" -v r1="$2" -v m="$3" 'BEGIN {
    n = split(l, f, /[ =]/); for (i = 1; i < n; i++) v[f[i]] = f[i + 1]
    exit !(v["recall_at_1"] >= r1 && v["mrr_at_10"] >= m) }' && ok || fail "$1 under floors R@1 $2 MRR $3: $last"
}
check alqac2022 0.915 0.935
check alqac2023 0.87 0.915
# bad input
expect_status 2 "$LOA" eval retrieve --corpus "$D/alqac2022/corpus.jsonl"
printf '{"doc_id": 1}\n' > "$TMP/bad.jsonl"
expect_status 1 "$LOA" eval retrieve --corpus "$TMP/bad.jsonl" --questions "$D/alqac2023/queries.train.jsonl" --qrels "$D/alqac2023/qrels.train.tsv"
expect_grep "$TMP/err" 'line 1'
finish
