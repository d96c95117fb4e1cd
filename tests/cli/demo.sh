#!/usr/bin/env bash
# `loa demo --check`: loads the bundled sample, starts the server, checks
# /healthz and /metrics, stops. Run twice: the second run stores nothing new.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
export LOA_HOME="$LOA_SRC"

expect_status 0 "$LOA" demo --check
expect_grep "$TMP/out" 'GET /healthz -> 200'
expect_grep "$TMP/out" '"status":"ok"'
expect_grep "$TMP/out" 'GET /metrics -> 200'
expect_grep "$TMP/out" 'máy chủ hoạt động tốt / server healthy'
expect_grep "$TMP/out" 'cơ quan / organisations: [0-9]{3} \(mới / new: 16\)'
[ -f demo.db ] && ok || fail "demo.db was not created in the working directory"
items=$(grep -oE 'tin, bài / items: +[0-9.]+' "$TMP/out" | grep -oE '[0-9.]+$' | tr -d .)
want=$(wc -l < "$LOA_SRC/data/sample/items.jsonl")
[ "$items" = "$want" ] && ok || fail "demo stored $items items, the sample has $want"

# idempotent
expect_status 0 "$LOA" demo --check
expect_grep "$TMP/out" 'cơ quan / organisations: [0-9]{3} \(mới / new: 0\)'
expect_grep "$TMP/out" "tin, bài / items: +$(printf '%s' "$want" | sed -E ':a;s/([0-9])([0-9]{3})($|\.)/\1.\2\3/;ta')"
expect_grep "$TMP/out" 'import: read=[0-9]+ stored=0 updated=0'

# another database, named explicitly
expect_status 0 "$LOA" --db other.db demo --check
[ -f other.db ] && ok || fail "--db was not honoured"

# the server itself on the demo database
expect_status 0 "$LOA" --db demo.db serve --check
expect_grep "$TMP/out" 'GET /healthz -> 200'
# a database that does not exist is not created by serve --check? it is: serve creates and migrates
expect_status 2 "$LOA" demo --bogus
expect_status 2 "$LOA" serve extra-arg
finish
