#!/usr/bin/env bash
# bench/import.sh - `loa import` of N synthetic items (storing only) against
# the sqlite3 shell's `.import` of the same rows as CSV into a table with
# the same columns and indexes (loa's own schema, created by `loa db
# migrate`), in the same run. Prints bench: lines (see bench/README.md).
#
#   bench/import.sh                 # N=1000000, loa from build/
#   N=200000 LOA=build-x/loa bench/import.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
LOA=${LOA:-$here/../build/loa}
N=${N:-1000000}
PY=${PYTHON:-python3}
command -v sqlite3 >/dev/null || { echo "bench import: sqlite3 shell missing" >&2; exit 1; }
[ -x "$LOA" ] || { echo "bench import: no loa program at $LOA (set LOA=)" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/loa-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

echo "bench import: generating $N items in $W" >&2
"$PY" "$here/gen_items.py" --n "$N" --jsonl "$W/items.jsonl" --csv "$W/items.csv"
cat "$W/items.jsonl" "$W/items.csv" > /dev/null   # both from the page cache

# reference: sqlite3 .import into loa's schema (same columns and indexes)
"$LOA" --db "$W/ref.db" db migrate > /dev/null
t0=$(now)
sqlite3 "$W/ref.db" ".import --csv --skip 1 $W/items.csv items"
t1=$(now)
ref_n=$(sqlite3 "$W/ref.db" "SELECT count(*) FROM items")
ref_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')

# loa import
t0=$(now)
"$LOA" --db "$W/loa.db" import "$W/items.jsonl" > "$W/summary" || true
t1=$(now)
loa_n=$("$LOA" --db "$W/loa.db" db status | tr ' ' '\n' | sed -n 's/^items=//p')
loa_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
cat "$W/summary" >&2

[ "$loa_n" = "$N" ] || echo "bench import: loa stored $loa_n of $N items" >&2
[ "$ref_n" = "$N" ] || echo "bench import: sqlite3 stored $ref_n of $N rows" >&2
loa_r=$(rate "$loa_n" "$loa_s")
ref_r=$(rate "$ref_n" "$ref_s")
ratio=$(awk -v a="$loa_r" -v b="$ref_r" 'BEGIN { printf "%.2f", a / b }')
echo "bench: name=import items=$N loa_seconds=$loa_s loa_items_per_s=$loa_r"
echo "bench: name=import ref=sqlite3 ref_seconds=$ref_s ref_items_per_s=$ref_r"
echo "bench: name=import ratio=$ratio goal=0.5"
