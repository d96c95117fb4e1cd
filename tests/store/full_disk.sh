#!/usr/bin/env bash
# store.full_disk: a database that reaches its size cap (db.max_pages, the
# stand-in for a full disk) gives a clear message and exit 1; the database
# passes its integrity check and keeps every committed batch; a rerun with
# room completes the import.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
gen_items 20000 > big.jsonl
expect_status 1 "$LOA" --db t.db --set db.max_pages=300 --set import.batch=1000 import big.jsonl
expect_grep err 'database or disk is full'
expect_grep err 'rolled back'
stored=$(summary_field out stored)
[ -n "$stored" ] && [ "$stored" -gt 0 ] && [ "$stored" -lt 20000 ] && ok \
  || fail "expected a partial import, stored='$stored'"
expect_eq "stored is whole batches" "$((stored % 1000))" 0
expect_status 0 "$LOA" --db t.db db check
expect_grep out 'check=ok'
expect_eq "items after the full disk" "$(db_items t.db)" "$stored"
# with room again: the rest goes in, nothing twice
expect_status 0 "$LOA" --db t.db import big.jsonl
expect_eq "unchanged on rerun" "$(summary_field out unchanged)" "$stored"
expect_eq "stored on rerun" "$(summary_field out stored)" "$((20000 - stored))"
expect_eq "items" "$(db_items t.db)" 20000
expect_status 0 "$LOA" --db t.db db check

# a real small filesystem, when one can be had without privileges
if [ -d /dev/shm ] && [ -w /dev/shm ] && command -v fallocate >/dev/null; then
  : # /dev/shm is large; a tmpfs with a size limit needs root, so the cap above stands in
fi
finish
