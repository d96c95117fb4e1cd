#!/usr/bin/env bash
# bench/qa.sh - answer latency of `loa eval retrieve` (the ask path: rewrite,
# BM25F with dynamic pruning, re-ranking) over N articles (ALQAC 2022 + 2023
# plus generated distractors; default 1,000,000), with the 620 ALQAC training
# questions, next to Xapian with BM25 on the same data in the same run.
#   bench/qa.sh [N]      (LOA=path/to/loa, LOA_SHARED=../shared)
#   LOA_REF=path/to/other/loa  also runs another build (e.g. before a change)
#   QA_DATA=DIR          keeps the generated data in DIR and reuses it, with loa's
#                        index saved there (eval retrieve --index): later runs load it
#                        (load_s=) instead of building it (build_s=)
#   QA_COMPARE=K=V       also times each question with parameter K=V on the same
#                        index in the same process (e.g. prune=2: the previous
#                        document-at-a-time gathering), a fair A/B on a loaded machine
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
LOA=${LOA:-build/loa}
SHARED=${LOA_SHARED:-../shared}
ALQAC="$SHARED/data/legal-alqac"
[ -d "$ALQAC" ] || { echo "bench/qa.sh: $ALQAC missing" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/loa-bench-qa.XXXXXX")
trap 'rm -rf "$W"' EXIT
D=${QA_DATA:-$W}
if [ -s "$D/corpus.jsonl" ] && [ -n "${QA_DATA:-}" ]; then
  echo "== data: reusing $D" >&2
else
  echo "== data: $N articles" >&2
  python3 bench/qa_gen.py "$ALQAC" "$D" "$N"
fi
run_loa() { # label binary [extra args]
  echo "== $1 (in-memory index, BM25F + re-ranker)" >&2
  local l=$1 b=$2; shift 2
  /usr/bin/time -f "$l: max_rss_kb=%M" "$b" eval retrieve --latency "$@" \
    ${QA_DATA:+--index "$D/$l.qaidx"} \
    --corpus "$D/corpus.jsonl" --questions "$D/questions.jsonl" --qrels "$D/qrels.tsv" 2>&1 |
    grep -v '^\s*$' | sed "s/^latency/$l latency/; s/^retrieve:/$l retrieve:/"
}
run_loa loa "$LOA" ${QA_COMPARE:+--compare "$QA_COMPARE"}
[ -z "${LOA_REF:-}" ] || run_loa loa_ref "$LOA_REF"
echo "== Xapian (BM25, same data)" >&2
if /usr/bin/python3 -c 'import xapian' 2>/dev/null; then
  /usr/bin/python3 bench/qa_xapian.py "$D/corpus.jsonl" "$D/questions.jsonl" "$D/qrels.tsv" "$W/xapian"
else
  echo "xapian: python3-xapian is not installed (setup.sh installs it)"
fi
