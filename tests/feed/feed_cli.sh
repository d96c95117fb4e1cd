#!/bin/bash
# loa feed parse|html|extract on the room's own fixtures; usage errors.
set -u
D="$LOA_SRC/tests/feed/data"
fail() { echo "FAIL: $*"; exit 1; }
out=$("$LOA" feed parse "$D/atom_base.xml") || fail "parse"
grep -q '"hub":"https://hub.loa.vn/"' <<<"$out" || fail "hub missing: $out"
grep -q '"bozo":false' <<<"$out" || fail "bozo"
out=$(printf '<p onclick="x">a<script>b</script></p>' | "$LOA" feed html -) || fail "html"
[ "$out" = $'<p>a</p>\n----\na' ] || fail "html output: $out"
out=$("$LOA" feed extract --url https://baochinhphu.vn/x "$D/page.html") || fail "extract"
grep -q '"canonical":"https://baochinhphu.vn/hop-bao-thang-8.htm"' <<<"$out" || fail "canonical: $out"
"$LOA" feed parse /nonexistent/file.xml 2>/dev/null && fail "missing file accepted"
"$LOA" feed bogus x 2>/dev/null; [ $? -eq 2 ] || fail "usage error status"
"$LOA" eval feeds 2>/dev/null; [ $? -eq 2 ] || fail "eval usage status"
echo ok
