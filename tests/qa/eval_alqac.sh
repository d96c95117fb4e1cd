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
# the same ranking with the full scan (prune=0) as with dynamic pruning
expect_status 0 nice "$LOA" eval retrieve --param prune=0 --corpus "$D/alqac2023/corpus.jsonl" \
  --questions "$D/alqac2023/queries.train.jsonl" --qrels "$D/alqac2023/qrels.train.tsv"
full=$(tail -1 "$TMP/out")
expect_status 0 nice "$LOA" eval retrieve --corpus "$D/alqac2023/corpus.jsonl" \
  --questions "$D/alqac2023/queries.train.jsonl" --qrels "$D/alqac2023/qrels.train.tsv"
[ "$full" = "$(tail -1 "$TMP/out")" ] && ok || fail "prune=0 differs: $full / $(tail -1 "$TMP/out")"
# the same top 10 and scores, question by question: windows (default) against the full scan
# and against document-at-a-time pruning (--compare reruns each question in the same process),
# and the documents in 3 parts gathered in threads against one pass
for m in prune=0 prune=2 threads=3,split_docs=100; do
  cmp=(--compare "${m%%,*}")
  [ "$m" = "${m#*,}" ] || cmp+=(--compare "${m#*,}")
  expect_status 0 nice "$LOA" eval retrieve --latency --param threads=1 "${cmp[@]}" --corpus "$D/alqac2023/corpus.jsonl" \
    --questions "$D/alqac2023/queries.train.jsonl" --qrels "$D/alqac2023/qrels.train.tsv"
  expect_grep "$TMP/out" "^latency_b: compare=${m%%,*}.* questions_differing=0\$"
done
# mined synonyms on (default) or off: the ranking does not get worse on ALQAC 2022
expect_status 0 nice "$LOA" eval retrieve --param w_syn=0 --corpus "$D/alqac2022/corpus.jsonl" \
  --questions "$D/alqac2022/queries.train.jsonl" --qrels "$D/alqac2022/qrels.train.tsv"
nosyn=$(tail -1 "$TMP/out")
expect_status 0 nice "$LOA" eval retrieve --corpus "$D/alqac2022/corpus.jsonl" \
  --questions "$D/alqac2022/queries.train.jsonl" --qrels "$D/alqac2022/qrels.train.tsv"
awk -v a="$nosyn" -v b="$(tail -1 "$TMP/out")" 'BEGIN {
  split(a, x, /[ =]/); split(b, y, /[ =]/); exit !(y[5] >= x[5] && y[9] >= x[9]) }' && ok ||
  fail "synonyms lower ALQAC 2022: $nosyn -> $(tail -1 "$TMP/out")"
# loa train retrieve: cross-validated re-ranker weights, a model file eval reads back
expect_status 0 nice "$LOA" train retrieve --folds 3 --out "$TMP/r.model" \
  --corpus "$D/alqac2023/corpus.jsonl" --questions "$D/alqac2023/queries.train.jsonl" \
  --qrels "$D/alqac2023/qrels.train.tsv"
expect_grep "$TMP/out" '^cv: set=1 questions=100 recall_at_1=0\.[89]'
expect_grep "$TMP/out" '^train retrieve: questions=100 folds=3 '
expect_grep "$TMP/r.model" '^w_window '
expect_status 0 "$LOA" eval retrieve --model "$TMP/r.model" --corpus "$D/alqac2023/corpus.jsonl" \
  --questions "$D/alqac2023/queries.train.jsonl" --qrels "$D/alqac2023/qrels.train.tsv"
expect_grep "$TMP/out" 'recall_at_1=0\.[89]'
expect_status 2 "$LOA" train retrieve --corpus "$D/alqac2023/corpus.jsonl" --out "$TMP/x.model"
# --index FILE: built and saved the first time, loaded the second, the same answers;
# a damaged file is rebuilt with a warning
q23=(--corpus "$D/alqac2023/corpus.jsonl" --questions "$D/alqac2023/queries.train.jsonl" --qrels "$D/alqac2023/qrels.train.tsv")
expect_status 0 "$LOA" eval retrieve --latency --index "$TMP/ix" "${q23[@]}"
expect_grep "$TMP/out" '^latency: .* build_s='
first=$(tail -1 "$TMP/out")
expect_status 0 "$LOA" eval retrieve --latency --index "$TMP/ix" "${q23[@]}"
expect_grep "$TMP/out" '^latency: .* load_s=.* cpu_p99_ms='
[ "$first" = "$(tail -1 "$TMP/out")" ] && ok || fail "loaded index differs: $first / $(tail -1 "$TMP/out")"
head -c 5000 "$TMP/ix" > "$TMP/ix.cut" && mv "$TMP/ix.cut" "$TMP/ix"
expect_status 0 "$LOA" eval retrieve --latency --index "$TMP/ix" "${q23[@]}"
expect_grep "$TMP/out" '^latency: .* build_s='
expect_grep "$TMP/err" 'index='
[ "$first" = "$(tail -1 "$TMP/out")" ] && ok || fail "rebuilt index differs"
# bad input
expect_status 2 "$LOA" eval retrieve --corpus "$D/alqac2022/corpus.jsonl"
printf '{"doc_id": 1}\n' > "$TMP/bad.jsonl"
expect_status 1 "$LOA" eval retrieve --corpus "$TMP/bad.jsonl" --questions "$D/alqac2023/queries.train.jsonl" --qrels "$D/alqac2023/qrels.train.tsv"
expect_grep "$TMP/err" 'line 1'
finish
