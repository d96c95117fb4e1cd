#!/bin/bash
# text.sh - throughput of Vietnamese normalisation + tokens over VNTC article
# text, next to utf8proc's NFC alone (and Python's unicodedata NFC when
# python3 is there) on the same text in the same run. Target (issue 3):
# normalise + tokenise >= 100 MB/s on one core.
#
#   bench/text.sh [MB]      MB: how much article text to use (default 100)
# Env: LOA_SHARED (default ../shared), LOA_BUILD (default build).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${LOA_SHARED:-$SRC/../shared}
BUILD=${LOA_BUILD:-$SRC/build}
MB=${1:-100}
DATA=$SHARED/data/vntc/vntc10_train.jsonl.xz
if [ ! -f "$DATA" ]; then
  echo "bench/text.sh: thiếu dữ liệu / missing $DATA" >&2
  exit 77
fi
# The articles are the publishers' copyright: benchmarks only (SOURCE.txt).
sed -n '1p;/^Source/,/^Citation/p' "$SHARED/data/vntc/SOURCE.txt" | head -6 >&2
if ! cmake --build "$BUILD" --target bench_text >/dev/null 2>&1; then
  [ -x "$BUILD/bench_text" ] || { echo "bench/text.sh: không dựng được / cannot build bench_text" >&2; exit 1; }
  echo "bench/text.sh: dùng bench_text đã dựng / using the existing bench_text" >&2
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/loa-bench-text.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# one article a line, as found (not NFC, mixed tone placement)
xz -dc "$DATA" | jq -r '.text | gsub("\n"; " ")' | head -c "$((MB * 1000000))" >"$TMP/text.txt"
echo "bench: input=vntc10_train text_mb=$(($(stat -c %s "$TMP/text.txt") / 1000000))"
nice "$BUILD/bench_text" "$TMP/text.txt" 3
if command -v python3 >/dev/null; then
  nice python3 - "$TMP/text.txt" <<'PY'
import sys, time, unicodedata
data = open(sys.argv[1], encoding="utf-8", errors="replace").read()
size = len(data.encode("utf-8"))
lines = data.split("\n")
best = 1e30
for _ in range(2):
    t = time.process_time()
    for l in lines:
        unicodedata.normalize("NFC", l)
    best = min(best, time.process_time() - t)
print("bench: python_unicodedata_nfc_mb_per_s=%.1f" % (size / 1e6 / best))
PY
fi
