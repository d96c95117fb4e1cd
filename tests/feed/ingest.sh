#!/bin/bash
# ingest.sh - `loa ingest --once` against the loopback fixture server: items
# stored once on refetch, conditional GET (ETag and Last-Modified -> 304),
# cross-feed dedup with tracking parameters, article pages and robots.txt,
# permanent and temporary redirects, WebSub hubs, and every kind of bad
# input (loops, endless chains, trickling, oversized and gzip-bomb bodies,
# TLS errors, 404/410, 503, ill-formed and lying feeds, pages that are not
# feeds) ending in the source's state, within the run's timeouts.
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/server_lib.sh"
cd "$TMP" || exit 1
DB="$TMP/i.db"
S="127-0-0-1-$PORT"

expect_status 2 L --db "$DB" ingest
expect_grep err 'once'
expect_status 2 L --db "$DB" ingest --once extra
expect_status 1 L --db "$DB" ingest --once --source nothing-here
expect_grep err 'no such source: nothing-here'

for p in feed.xml lastmod.xml summary.xml atom.xml dup-a.xml dup-b.xml mutable.xml moved.xml \
         perm308.xml temp.xml gone.xml missing.xml error.xml slow.xml big.xml bigstream.xml \
         bomb.xml loop1 chain/1 to-ftp notfeed.html bad.xml lying.xml gzip.xml stale.xml; do
  expect_status 0 L --db "$DB" sources add --no-fetch "$BASE/$p"
done
expect_status 0 L --db "$DB" orgs add --slug cong --name "Cổng" --kind government
expect_status 0 L --db "$DB" sources add --no-fetch --kind portal --org cong --slug portal \
  "$BASE/portal.xml"
expect_status 0 L --db "$DB" sources add --no-fetch --slug tls "https://127.0.0.1:$PORT/feed.xml"
NSRC=27

# ---- first run: everything is due ----------------------------------------------
start=$(date +%s)
expect_status 0 L --db "$DB" ingest --once
took=$(( $(date +%s) - start ))
if [ "$took" -le 30 ]; then ok; else fail "first run took ${took}s"; fi
cp out run1
cp err run1.err
expect_eq "sources" "$(field run1 sources)" $NSRC
expect_eq "fetched" "$(field run1 fetched)" 15
expect_eq "errors" "$(field run1 errors)" 12
# feed, lastmod, summary, atom, dup-a, mutable, moved (feed2), perm308 (feed3), portal,
# bad (one of its 4 entries is refused), lying, gzip, stale: 3+3+3+3+2+2+3+3+3+3+3+3+4;
# dup-b (2) and temp.xml -> lastmod.xml (3) are the same articles as dup-a and lastmod
expect_eq "items_new" "$(field run1 items_new)" 38
expect_eq "items_seen_also" "$(field run1 items_seen_also)" 5
expect_eq "pages" "$(field run1 pages)" 2
expect_grep run1 '^ingest: sources=[0-9]+ fetched=[0-9]+ not_modified=[0-9]+ errors=[0-9]+ items_new=[0-9]+ items_updated=[0-9]+ .*seconds=[0-9.]+$'

# states after one run
expect_eq "feed" "$(state $S-feed)" ok
expect_eq "moved" "$(state $S-moved)" redirected
expect_eq "perm308" "$(state $S-perm308)" redirected
expect_eq "temp" "$(state $S-temp)" ok
expect_eq "stale" "$(state $S-stale)" silent
expect_eq "gone (one 410)" "$(state $S-gone)" erroring
for s in missing error slow big bigstream bomb loop1 chain-1 to-ftp notfeed; do
  expect_eq "$s" "$(state $S-$s)" erroring
done
[ "$(state tls)" = erroring ] && ok || fail "tls: $(state tls)"
expect_status 0 L --db "$DB" sources list
cp out list1
expect_grep list1 "^$S-moved .* url=$BASE/feed2.xml$"
expect_grep list1 "^$S-perm308 .* url=$BASE/feed3.xml$"
expect_grep list1 "^$S-temp .* url=$BASE/temp.xml$"
expect_grep list1 "^$S-atom .* push=$BASE/hub url="
expect_grep list1 "^$S-feed .* http=200 fails=0 every=1h "
expect_grep list1 "^$S-summary .* every=30m "
expect_grep list1 "^$S-stale .* every=12h .*newest=2020-01-01T07:00\+07:00"
expect_grep list1 "^$S-bad .* warning=XML không hợp lệ / not well-formed"
expect_grep list1 "^$S-lying .* warning=.*encoding"
expect_grep list1 "^$S-gone .* http=410 fails=1 .*error=HTTP 410"
expect_grep list1 "^$S-error .* http=503 .*error=HTTP 503"
expect_grep list1 "^$S-slow .* error=quá thời gian hoặc quá chậm / timed out or too slow"
expect_grep list1 "^$S-big .* error=nội dung quá lớn / body larger than 1048576 bytes"
expect_grep list1 "^$S-bigstream .* error=nội dung quá lớn"
expect_grep list1 "^$S-bomb .* error=nội dung quá lớn"
expect_grep list1 "^$S-loop1 .* error=vòng chuyển hướng / redirect loop"
expect_grep list1 "^$S-chain-1 .* error=quá nhiều chuyển hướng / too many redirects"
expect_grep list1 "^$S-to-ftp .* error=.*non-http"
expect_grep list1 "^$S-notfeed .* error=không phải nguồn tin / not a feed"
expect_grep list1 "^tls .* error=lỗi TLS / TLS error"
expect_grep list1 "^portal +feed +portal +web +cong +ok +3 "
# a 503 with Retry-After: 2 h backs off for 2 h (not the 1 h interval)
expect_grep list1 "^$S-error .* every=1h last=[^ ]+ next=[^ ]+"
# errors are in the log too
expect_grep run1.err "level=warn event=ingest.error source=$S-slow state=erroring"

# dedup: the same article in two feeds (one with utm_*/fbclid) is stored once,
# under whichever of the two feeds arrived first (they are fetched at once)
expect_status 0 L --db "$DB" export --source "$S-dup-b"
cp out dupb
expect_status 0 L --db "$DB" export --source "$S-dup-a"
cat dupb >> out
expect_eq "dup-a + dup-b items" "$(wc -l < out)" 2
expect_eq "same/1.html stored" "$(grep -c "\"url\":\"$BASE/same/1.html\"" out)" 1
# articles: the summary-only entries got their page's text; robots.txt kept
# /private/ out, and was fetched once
expect_status 0 L --db "$DB" export --source "$S-summary"
expect_grep out 'Nội dung đầy đủ công khai số 1'
expect_grep out 'Nội dung đầy đủ công khai số 2'
if grep -q 'Nội dung đầy đủ riêng' out; then fail "a page robots.txt disallows was used"; else ok; fi
expect_eq "robots.txt fetches" "$(hits '^/robots.txt ')" 1
expect_eq "private fetches" "$(hits '^/private/')" 0
# official items from a portal source, attributed to its organisation
expect_status 0 L --db "$DB" export --source portal
expect_grep out '"kind":"official"'
expect_grep out '"org":"cong"'
# the User-Agent is ours
expect_grep "$SERVER_LOG" '^/feed.xml 200 loa/'

# ---- second run: nothing is due yet --------------------------------------------------
expect_status 0 L --db "$DB" ingest --once
expect_grep out '^ingest: sources=0 fetched=0 '

# ---- --all: conditional GET, nothing stored twice --------------------------------------
items_before=$(L --db "$DB" db status | tr ' ' '\n' | sed -n 's/^items=//p')
expect_status 0 L --db "$DB" ingest --once --all
cp out run3
# feed.xml (ETag), lastmod.xml and temp.xml -> lastmod.xml (Last-Modified)
expect_eq "not_modified" "$(field run3 not_modified)" 3
expect_eq "items_new (refetch)" "$(field run3 items_new)" 0
expect_eq "items_updated (refetch)" "$(field run3 items_updated)" 0
expect_eq "pages (refetch)" "$(field run3 pages)" 0
expect_eq "items stored once" "$(L --db "$DB" db status | tr ' ' '\n' | sed -n 's/^items=//p')" "$items_before"
expect_grep "$SERVER_LOG" '^/feed.xml 304 '
expect_grep "$SERVER_LOG" '^/lastmod.xml 304 '
# redirected sources now fetch their new URL directly
expect_eq "moved.xml fetched once" "$(hits '^/moved.xml ')" 1
expect_eq "moved: back to ok" "$(state $S-moved)" ok
# 410 twice: gone; 404 needs three
expect_eq "gone" "$(state $S-gone)" gone
expect_eq "missing (two 404s)" "$(state $S-missing)" erroring
expect_status 0 L --db "$DB" ingest --once --all
expect_eq "missing (three 404s)" "$(state $S-missing)" gone
expect_status 0 L --db "$DB" sources list
expect_grep out "^$S-slow .* fails=3 "

# ---- a changed entry is updated, once --------------------------------------------------
server_set 2
expect_status 0 L --db "$DB" ingest --once --source "$S-mutable"
expect_eq "sources (one)" "$(field out sources)" 1
expect_eq "items_updated" "$(field out items_updated)" 1
expect_eq "items_new" "$(field out items_new)" 0
expect_status 0 L --db "$DB" export --source "$S-mutable"
expect_grep out 'bản 2'
expect_eq "mutable items" "$(wc -l < out)" 2

# ---- the whole run ends within fetch.run_timeout, even on a trickling server ---------------
DB2="$TMP/slow.db"
expect_status 0 L --db "$DB2" sources add --no-fetch "$BASE/slow.xml"
expect_status 0 L --db "$DB2" sources add --no-fetch "$BASE/feed.xml"
start=$(date +%s)
expect_status 0 L --db "$DB2" --set fetch.low_speed_time=60s --set fetch.timeout=60s \
  --set fetch.run_timeout=2s ingest --once
took=$(( $(date +%s) - start ))
if [ "$took" -le 10 ]; then ok; else fail "run with a 2 s deadline took ${took}s"; fi
expect_grep out '^ingest: sources=2 fetched=1 not_modified=0 errors=1 '
expect_status 0 L --db "$DB2" sources list
expect_grep out "^$S-slow .* error=hết thời gian của lượt / run timeout"

# ---- SIGTERM ends a run early, keeping what was stored ---------------------------------------
DB3="$TMP/stop.db"
expect_status 0 L --db "$DB3" sources add --no-fetch "$BASE/slow.xml"
timeout 60 "$LOA" --config "$CONF" --db "$DB3" --set fetch.low_speed_time=60s \
  --set fetch.timeout=60s ingest --once >stop.out 2>stop.err &
pid=$!
sleep 1
kill -TERM "$pid"
wait "$pid"
rc=$?
expect_eq "exit after SIGTERM" "$rc" 0
expect_grep stop.err 'stopped on request'
expect_grep stop.out '^ingest: sources=1 fetched=0 not_modified=0 errors=1 '
finish
