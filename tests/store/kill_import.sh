#!/usr/bin/env bash
# store.kill (deliverable 7): `loa import` of 200,000 items is killed with
# SIGKILL at random moments, then rerun to completion; every item is then
# stored exactly once and the database passes its integrity check.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
N=${LOA_KILL_ITEMS:-200000}
gen_items "$N" > big.jsonl
kills=0
for round in 1 2 3 4 5 6 7 8; do
  "$LOA" --db t.db import big.jsonl > "out.$round" 2> "err.$round" &
  pid=$!
  # a random moment, later each round (up to 0.05 s + 0.4 s per round)
  sleep "$(awk -v r="$RANDOM" -v rnd="$round" 'BEGIN { printf "%.2f", 0.05 + (r % (40 * rnd)) / 100 }')"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  st=$?
  [ "$st" -eq 137 ] && kills=$((kills + 1))
  echo "round $round: exit=$st kills=$kills items=$(db_items t.db 2>/dev/null)"
  "$LOA" --db t.db db check > /dev/null 2>&1 && ok || fail "integrity check after round $round"
  [ "$kills" -ge 5 ] && break
done
[ "$kills" -ge 3 ] && ok || fail "only $kills imports were killed mid-way (machine too fast?)"
expect_status 0 "$LOA" --db t.db import big.jsonl
cat out
expect_eq "updated on the final run" "$(summary_field out updated)" 0
expect_eq "stored + unchanged" "$(( $(summary_field out stored) + $(summary_field out unchanged) ))" "$N"
expect_eq "items stored" "$(db_items t.db)" "$N"
expect_status 0 "$LOA" --db t.db db check
expect_grep out 'check=ok'
expect_status 0 "$LOA" --db t.db export
expect_eq "exported items" "$(wc -l < out)" "$N"
expect_eq "distinct exported ids" "$(grep -o '"id":"[0-9]*"' out | sort -u | wc -l)" "$N"
if command -v sqlite3 >/dev/null; then
  expect_eq "distinct idents" "$(sqlite3 t.db 'SELECT count(DISTINCT ident) FROM items')" "$N"
  expect_eq "integrity_check" "$(sqlite3 t.db 'PRAGMA integrity_check')" ok
fi
finish
