#!/bin/bash
# stories.sh - speed of the story grouping (normalise, tokenise, shingle,
# MinHash, LSH lookup and insert into one growing index; src/analyze/story.h)
# on one core, through `loa eval stories --stream`:
#   articles   N VNTC articles, whole (about 3.3 KB each)
#   leads      the same articles cut to their first 500 bytes (what many
#              feeds carry: title and summary)
#   sample     the bundled sample's items (posts, comments, short news)
# Goal (issue 5): >= 20,000 items/s. Reference: python3 datasketch
# (MinHashLSH, 64 permutations, threshold 0.5) on the same texts when it is
# installed; otherwise ref=none.
#
#   bench/stories.sh [N]        N: articles (default 20000)
# Env: LOA (default build/loa), LOA_SHARED (default ../shared).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${LOA_SHARED:-$SRC/../shared}
LOA=${LOA:-$SRC/build/loa}
N=${1:-20000}
DATA=$SHARED/data/vntc/vntc10_train.jsonl.xz
if [ ! -f "$DATA" ]; then
  echo "bench/stories.sh: thiếu dữ liệu / missing $DATA" >&2
  exit 77
fi
# The articles are the publishers' copyright: benchmarks only (SOURCE.txt).
TMP=$(mktemp -d "${TMPDIR:-/tmp}/loa-bench-stories.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
{ xz -dc "$DATA" || true; } | head -n "$N" | jq -c '{text: .text}' >"$TMP/articles.jsonl"
jq -c '{text: (.text | .[0:500])}' "$TMP/articles.jsonl" >"$TMP/leads.jsonl"
jq -c '{text: ((.title // "") + "\n" + (.text // ""))}' "$SRC/data/sample/items.jsonl" >"$TMP/sample.jsonl"

run() { # name file
  local out rate mbs stories
  out=$(nice "$LOA" eval stories --stream "$2")
  rate=$(sed -n 's/.* texts_per_second=\([0-9]*\).*/\1/p' <<<"$out")
  mbs=$(sed -n 's/.* mb_per_second=\([0-9.]*\).*/\1/p' <<<"$out")
  stories=$(sed -n 's/.* stories=\([0-9]*\).*/\1/p' <<<"$out")
  local ref="ref=none" ratio=""
  if python3 -c 'import datasketch' 2>/dev/null; then
    local r
    r=$(nice python3 - "$2" <<'PY'
import json, re, sys, time
from datasketch import MinHash, MinHashLSH
texts = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8")]
t0 = time.perf_counter()
lsh = MinHashLSH(threshold=0.5, num_perm=64)
for i, t in enumerate(texts):
    w = re.findall(r"\w+", t.lower())
    m = MinHash(num_perm=64)
    m.update_batch([" ".join(w[j:j + 3]).encode() for j in range(max(1, len(w) - 2))])
    lsh.query(m)
    lsh.insert(str(i), m)
print(int(len(texts) / (time.perf_counter() - t0)))
PY
)
    ref="ref=datasketch ref_items_per_s=$r"
    ratio=" ratio=$(awk -v a="$rate" -v b="$r" 'BEGIN { printf "%.2f", a / b }')"
  fi
  echo "bench: name=stories input=$1 items=$(wc -l <"$2") stories=$stories items_per_s=$rate mb_per_s=$mbs $ref$ratio goal=20000"
}
run articles "$TMP/articles.jsonl"
run leads "$TMP/leads.jsonl"
run sample "$TMP/sample.jsonl"
