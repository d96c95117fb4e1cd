#!/bin/bash
# search.sh - search benchmarks on VNTC (issue 6), each next to its reference
# in the same run; never run by CTest.
#   (a) indexing with the "loa" tokenizer vs FTS5 unicode61 remove_diacritics 2
#   (b) query latency p50/p99, newest-first and relevance, over ITEMS items
#       (VNTC repeated with variations)
#   (c) Q saved queries matched against VNTC (MB/s) vs running queries through
#       FTS5 one by one
#   (d) relevance (MRR@10, nDCG@10) of both tokenizers on a judged set
#
#   bench/search.sh [ARTICLES] [ITEMS] [QUERIES]
#     ARTICLES  articles for (a), (c), (d)   (default 84132 = all of VNTC)
#     ITEMS     items for (b)                (default 1000000, the issue's scale)
#     QUERIES   saved queries for (c)        (default 10000)
# Env: LOA_SHARED (default ../shared), LOA_BUILD (default build).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${LOA_SHARED:-$SRC/../shared}
BUILD=${LOA_BUILD:-$SRC/build}
ARTICLES=${1:-84132}
ITEMS=${2:-1000000}
QUERIES=${3:-10000}
V=$SHARED/data/vntc
if [ ! -f "$V/vntc10_train.jsonl.xz" ]; then
  echo "bench/search.sh: thiếu dữ liệu / missing $V" >&2
  exit 77
fi
# The articles are the publishers' copyright: benchmarks only (SOURCE.txt).
sed -n '1p;/^Source/,/^Citation/p' "$V/SOURCE.txt" | head -6 >&2
cmake --build "$BUILD" --target bench_search >/dev/null
B=$BUILD/bench_search
TMP=$(mktemp -d "${TMPDIR:-/tmp}/loa-bench-search.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
xz -dc "$V/vntc10_train.jsonl.xz" "$V/vntc10_test.jsonl.xz" >"$TMP/vntc.jsonl"
echo "== (a) indexing"
nice "$B" index "$ARTICLES" <"$TMP/vntc.jsonl"
echo "== (c) streaming match"
nice "$B" match "$ARTICLES" "$QUERIES" 200 <"$TMP/vntc.jsonl"
echo "== (d) relevance"
nice "$B" relevance "$ARTICLES" 60 <"$TMP/vntc.jsonl"
echo "== (b) latency"
REPEAT=$(( (ITEMS + ARTICLES - 1) / ARTICLES ))
PER=$(( ITEMS / REPEAT ))
nice "$B" load "$TMP/items.db" "$PER" "$REPEAT" <"$TMP/vntc.jsonl"
nice "$B" latency "$TMP/items.db" 1000 <"$TMP/vntc.jsonl"
