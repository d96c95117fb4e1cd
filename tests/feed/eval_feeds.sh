#!/bin/bash
# loa eval feeds over the peers' feed suites: the last line's pass rate must
# be at least 97%.
set -u
if [ ! -d "${LOA_SHARED:-}/peers/feedparser-cases" ] || [ ! -d "${LOA_SHARED:-}/peers/jsonfeed-cases" ]; then
	echo "skip: \$LOA_SHARED/peers/{feedparser,jsonfeed}-cases not found"
	exit 77
fi
out=$("$LOA" eval feeds --cases "$LOA_SHARED/peers/feedparser-cases" \
	--cases "$LOA_SHARED/peers/jsonfeed-cases") || { echo "loa eval feeds failed"; exit 1; }
echo "$out"
last=$(printf '%s\n' "$out" | tail -n 1)
case "$last" in
feeds:*) ;;
*) echo "last line is not 'feeds: …'"; exit 1 ;;
esac
printf '%s\n' "$out" | grep -q '^feeds-html: assertions=' || { echo "no feeds-html line"; exit 1; }
printf '%s\n' "$out" | grep -q '^feeds-dates: vectors=' || { echo "no feeds-dates line"; exit 1; }
a=$(sed -n 's/.* assertions=\([0-9]*\).*/\1/p' <<<"$last")
p=$(sed -n 's/.* passed=\([0-9]*\).*/\1/p' <<<"$last")
[ -n "$a" ] && [ "$a" -gt 1000 ] || { echo "too few assertions: $a"; exit 1; }
if [ $((p * 100)) -lt $((a * 97)) ]; then
	echo "pass rate below 97%: $p/$a"
	exit 1
fi
echo "ok: $p/$a"
