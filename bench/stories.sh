#!/bin/bash
# stories.sh - speed of the story grouping (normalise, tokenise, shingle,
# MinHash, LSH lookup and insert into one growing index; src/analyze/story.h)
# on one core, through `loa eval stories --stream`:
#   articles   N VNTC articles, whole (about 3.3 KB each)
#   leads      the same articles cut to their first 500 bytes (what many
#              feeds carry: title and summary)
#   sample     the bundled sample's items (posts, comments, short news)
# Goal (issue 5): >= 20,000 items/s on one core. loa reads the texts into
# memory first, then groups them (text -> signature -> LSH, the
# pipeline's signatures): items_per_s is over the CPU time of the grouping
# thread, wall_items_per_s over its wall time (under load it counts the time
# other processes take). Reference:
# python3 datasketch (MinHashLSH, 64 permutations, threshold 0.5) on the
# same texts when it is installed; otherwise ref=none. Then precision,
# recall and F1 on pairs built by tools/gen_story_pairs.py from VNTC's test
# half (2,000 pairs, seed 1; PAIRS=0 skips it).
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
  local wall
  wall=$(sed -n 's/.* wall_texts_per_second=\([0-9]*\).*/\1/p' <<<"$out")
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
  echo "bench: name=stories input=$1 items=$(wc -l <"$2") stories=$stories items_per_s=$rate wall_items_per_s=$wall mb_per_s=$mbs $ref$ratio goal=20000"
}
run articles "$TMP/articles.jsonl"
run leads "$TMP/leads.jsonl"
run sample "$TMP/sample.jsonl"
if [ "${PAIRS:-1}" != 0 ] && command -v python3 >/dev/null; then
  python3 "$SRC/tools/gen_story_pairs.py" "$SHARED/data/vntc/vntc10_test.jsonl.xz" "$TMP/pairs.jsonl" \
    --n 2000 --seed 1 2>/dev/null
  prf=$("$LOA" eval stories --pairs "$TMP/pairs.jsonl" | sed -n 's/^stories: //p')
  echo "bench: name=stories input=pairs set=vntc_test_seed1 $prf goal_f1=0.97"
fi
