#!/bin/bash
# sources_cli.sh - `loa sources add|list|remove|import-opml|export-opml`
# against the loopback fixture server: feed discovery from a page, refusals
# (not a feed, TLS error, unknown organisation, bad kind), OPML round trip,
# OPML with an external entity (never loaded), remove with and without items.
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/server_lib.sh"
cd "$TMP" || exit 1
DB="$TMP/s.db"

# usage errors
for args in "sources" "sources frob" "sources add" "sources add a b" "sources remove" \
            "sources list extra" "sources --bogus list"; do
  expect_status 2 L --db "$DB" $args
done
expect_status 2 L --db "$DB" sources add --kind tabloid "$BASE/feed.xml"

# a page advertising its feed: the feed is added, named after its title
expect_status 0 L --db "$DB" sources add "$BASE/page.html"
expect_grep out "^sources: added slug=127-0-0-1-$PORT-feed url=$BASE/feed.xml name=Tin feed$"
# the same feed again, directly
expect_status 1 L --db "$DB" sources add "$BASE/feed.xml"
expect_grep err 'đã có / feed already added as 127-0-0-1-'
# not a feed, no feed advertised
expect_status 1 L --db "$DB" sources add "$BASE/notfeed.html"
expect_grep err 'not a feed, and the page advertises none'
# an https URL to a plain HTTP port: a TLS error, reported
expect_status 1 L --db "$DB" sources add "https://127.0.0.1:$PORT/feed.xml"
expect_grep err 'TLS'
# only http(s)
expect_status 1 L --db "$DB" sources add "ftp://127.0.0.1/feed.xml"
expect_grep err 'http'
# a redirect loop while adding
expect_status 1 L --db "$DB" sources add "$BASE/loop1"
expect_grep err 'vòng chuyển hướng / redirect loop'

# with every option, without fetching; an unknown organisation is refused
expect_status 1 L --db "$DB" sources add --no-fetch --org nobody "$BASE/atom.xml"
expect_grep err 'no such organisation: nobody'
expect_status 0 L --db "$DB" orgs add --slug bo-tttt --name "Bộ Thông tin và Truyền thông" --kind ministry
expect_status 0 L --db "$DB" sources add --no-fetch --org bo-tttt --kind portal \
  --name "Cổng Bộ TT&TT" --slug cong-bo "$BASE/atom.xml"
expect_grep out "^sources: added slug=cong-bo url=$BASE/atom.xml name=Cổng Bộ TT&TT$"
expect_status 1 L --db "$DB" sources add --no-fetch --slug cong-bo "$BASE/summary.xml"
expect_grep err 'source exists: cong-bo'
# tracking parameters are not part of a feed's identity
expect_status 0 L --db "$DB" sources add --no-fetch "$BASE/summary.xml?utm_source=x"
expect_grep out "url=$BASE/summary.xml name=-$"

# list: state and health columns
expect_status 0 L --db "$DB" sources list
expect_grep out '^slug +type +outlet +platform +org +state +items +health$'
expect_grep out "^cong-bo +feed +portal +web +bo-tttt +new +0  http=- fails=0 url=$BASE/atom.xml$"

# OPML out, into a fresh database, and out again: the same list
expect_status 0 L --db "$DB" sources export-opml
cp out a.opml
expect_grep a.opml '^<opml xmlns:loa="urn:loa:opml" version="2.0">$'
expect_grep a.opml "<outline type=\"rss\" text=\"Cổng Bộ TT&amp;TT\" title=\"Cổng Bộ TT&amp;TT\" xmlUrl=\"$BASE/atom.xml\" loa:slug=\"cong-bo\" loa:org=\"bo-tttt\" loa:outlet=\"portal\"/>"
expect_eq "outlines exported" "$(grep -c '<outline ' a.opml)" 3
DB2="$TMP/s2.db"
expect_status 0 L --db "$DB2" orgs add --slug bo-tttt --name "Bộ" --kind ministry
expect_status 0 L --db "$DB2" sources import-opml a.opml
expect_grep out '^import-opml: read=3 added=3 skipped=0 refused=0$'
expect_status 0 L --db "$DB2" sources export-opml
grep -v dateCreated out > b.opml
grep -v dateCreated a.opml > a2.opml
if cmp -s a2.opml b.opml; then ok; else fail "OPML round trip differs: $(diff a2.opml b.opml | head -5)"; fi
# again: every URL is known
expect_status 0 L --db "$DB2" sources import-opml a.opml
expect_grep out '^import-opml: read=3 added=0 skipped=3 refused=0$'

# OPML from elsewhere: nested categories, an unknown organisation (refused,
# exit 1), an external entity that must never be loaded, not OPML at all
cat > other.opml <<OPML
<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<opml version="1.0"><head><title>x &secret;</title></head><body>
<outline text="Báo chí">
  <outline text="Báo A" type="rss" xmlUrl="$BASE/dup-a.xml" htmlUrl="$BASE/"/>
  <outline text="Báo B" type="rss" xmlurl="$BASE/dup-b.xml"/>
</outline>
<outline text="Lạ" xmlUrl="$BASE/gzip.xml" xmlns:loa="urn:loa:opml" loa:org="khong-co"/>
<outline text="Không URL"/>
</body></opml>
OPML
expect_status 1 L --db "$DB2" sources import-opml other.opml
expect_grep out '^import-opml: read=3 added=2 skipped=0 refused=1$'
expect_grep err 'khong-co'
expect_status 0 L --db "$DB2" sources list
if grep -q "$(cat /etc/hostname 2>/dev/null || echo no-hostname-file)" out; then
  fail "an external entity was loaded"; else ok; fi
printf 'not xml at all' > junk.opml
expect_status 1 L --db "$DB2" sources import-opml junk.opml
expect_grep err 'not well-formed XML'
printf '<?xml version="1.0"?><rss/>' > rss.opml
expect_status 1 L --db "$DB2" sources import-opml rss.opml
expect_grep err 'not OPML'
expect_status 1 L --db "$DB2" sources import-opml missing.opml

# remove: a source without items is deleted; one with items is kept as removed
expect_status 0 L --db "$DB" sources remove cong-bo
expect_grep out '^sources: removed slug=cong-bo deleted$'
expect_status 1 L --db "$DB" sources remove cong-bo
expect_grep err 'no such source: cong-bo'
FEED="127-0-0-1-$PORT-feed"
expect_status 0 L --db "$DB" ingest --once --source "$FEED"
expect_status 0 L --db "$DB" sources remove "$FEED"
expect_grep out "^sources: removed slug=$FEED kept=items \(state=removed\)$"
expect_status 0 L --db "$DB" sources list
expect_grep out "^$FEED +feed +- +web +- +removed +3 "
expect_status 0 L --db "$DB" ingest --once --all
expect_grep out '^ingest: sources=1 '
expect_status 1 L --db "$DB" ingest --once --source "$FEED"
expect_grep err 'removed or paused'
# added again: revived under its slug
expect_status 0 L --db "$DB" sources add "$BASE/feed.xml"
expect_grep out "^sources: added slug=$FEED "
expect_status 0 L --db "$DB" sources export-opml
expect_grep out "loa:slug=\"$FEED\""
finish
