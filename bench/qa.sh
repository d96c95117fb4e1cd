#!/usr/bin/env bash
# bench/qa.sh - answer latency of `loa eval retrieve` (the ask path: rewrite,
# BM25F, re-ranking) over N articles (ALQAC 2022 + 2023 plus generated
# distractors; default 1,000,000), with the 620 ALQAC training questions,
# next to Xapian with BM25 on the same data in the same run.
#   bench/qa.sh [N]      (LOA=path/to/loa, LOA_SHARED=../shared)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
LOA=${LOA:-build/loa}
SHARED=${LOA_SHARED:-../shared}
ALQAC="$SHARED/data/legal-alqac"
[ -d "$ALQAC" ] || { echo "bench/qa.sh: $ALQAC missing" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/loa-bench-qa.XXXXXX")
trap 'rm -rf "$W"' EXIT
echo "== data: $N articles" >&2
python3 bench/qa_gen.py "$ALQAC" "$W" "$N"
echo "== loa (in-memory index, BM25F + re-ranker)" >&2
/usr/bin/time -f "loa: max_rss_mb=%M" "$LOA" eval retrieve --latency \
  --corpus "$W/corpus.jsonl" --questions "$W/questions.jsonl" --qrels "$W/qrels.tsv" 2>&1 |
  sed 's/max_rss_mb=\([0-9]*\)/max_rss_kb=\1/'
echo "== Xapian (BM25, same data)" >&2
if /usr/bin/python3 -c 'import xapian' 2>/dev/null; then
  /usr/bin/python3 bench/qa_xapian.py "$W/corpus.jsonl" "$W/questions.jsonl" "$W/qrels.tsv" "$W/xapian"
else
  echo "xapian: python3-xapian is not installed (setup.sh installs it)"
fi
