#!/usr/bin/env bash
# loa search / queries / alerts from the command line.
. "$(dirname "$0")/../cli/lib.sh"
cd "$TMP"
cat > items.jsonl <<'J'
{"source":"bao-a","id":"1","title":"Cấp giấy phép xây dựng","text":"Quy định mới về giấy phép xây dựng nhà ở.","published_at":"2024-01-10T08:00:00+07:00"}
{"source":"bao-a","id":"2","title":"Giay phep lai xe","text":"Doi giay phep lai xe truc tuyen.","published_at":"2024-01-11T08:00:00+07:00"}
{"source":"bao-b","id":"3","title":"Hòa bình","text":"Hoà bình và phát triển.","published_at":"2024-01-12T08:00:00+07:00","tone":"positive"}
J
expect_status 0 "$LOA" --db t.db import items.jsonl
expect_status 0 "$LOA" --db t.db search giay phep xay dung
expect_grep "$TMP/out" 'Cấp giấy phép xây dựng'
expect_grep "$TMP/out" '«giấy»'
expect_status 0 "$LOA" --db t.db search --format json --order relevance 'giấy phép'
expect_grep "$TMP/out" '^\{"item":1,'
[ "$(wc -l < "$TMP/out")" -eq 2 ] && ok || fail "expected 2 json lines"
expect_status 0 "$LOA" --db t.db search --limit 5000 hòa
expect_grep "$TMP/err" 'capped at 1000'
# malformed queries: exit 2, the position and what was expected
expect_status 2 "$LOA" --db t.db search '(giấy OR phép'
expect_grep "$TMP/err" 'vị trí 17 \(ký tự 14\): cần .\). / position 17 \(character 14\): expected .\).'
[ -s "$TMP/out" ] && fail "malformed query wrote to stdout" || ok
expect_status 2 "$LOA" --db t.db search 'NOT giấy'
expect_grep "$TMP/err" 'every item'
expect_status 2 "$LOA" --db t.db search '*'
expect_status 2 "$LOA" --db t.db search 'foo:bar'
expect_grep "$TMP/err" 'unknown field'
expect_status 2 "$LOA" --db t.db search
expect_status 0 "$LOA" --db t.db search --reindex
expect_grep "$TMP/err" 'reindex: items=3'
# a prefix with more than 64 terms is bounded to the commonest, and says so
words=$(for a in a b c d e f g; do for b in a b c d e f g h i k; do printf 'ngh%s%s ' "$a" "$b"; done; done)
printf '{"source":"bao-c","id":"4","title":"Từ","text":"%s","published_at":"2024-01-13T08:00:00+07:00"}\n' "$words" > many.jsonl
expect_status 0 "$LOA" --db t.db import many.jsonl
expect_status 0 "$LOA" --db t.db search 'ngh*'
expect_grep "$TMP/err" 'bounded=1'
# (68 or so: spelling normalisation folds nghac, nghai into ngac, ngai)
expect_grep "$TMP/err" 'ngh\*: 64/6[5-9]'
expect_grep "$TMP/out" 'Từ'
expect_status 0 "$LOA" --db t.db search 'giấ*'
expect_grep "$TMP/err" 'bounded=0'
# saved queries
expect_status 0 "$LOA" --db t.db queries add gp 'giấy phép' --owner an
expect_status 2 "$LOA" --db t.db queries add bad 'a AND'
expect_grep "$TMP/err" 'position 6'
expect_status 1 "$LOA" --db t.db queries add gp 'x'
expect_status 0 "$LOA" --db t.db queries backfill gp
expect_grep "$TMP/out" 'items=2'
expect_status 0 "$LOA" --db t.db queries list
expect_grep "$TMP/out" '^gp +an +2 '
expect_status 0 "$LOA" --db t.db queries match items.jsonl
expect_grep "$TMP/out" '"line":1,"id":"1","matches":\["gp"\]'
printf 'p\ttone:positive\nh\thòa ONEAR/0 bình\n' > q.tsv
expect_status 0 "$LOA" queries match --queries q.tsv - < items.jsonl
expect_grep "$TMP/out" '"line":3,"id":"3","matches":\["p","h"\]'
printf 'x\t(a OR\n' > bad.tsv
expect_status 2 "$LOA" queries match --queries bad.tsv items.jsonl
# alerts
expect_status 2 "$LOA" --db t.db alerts add a1 --query gp --webhook ftp://x
expect_status 0 "$LOA" --db t.db alerts add a1 --query gp --webhook http://127.0.0.1:1/x --secret s
expect_status 0 "$LOA" --db t.db alerts list
expect_grep "$TMP/out" '^a1 +query=gp kind=match'
expect_status 0 "$LOA" --db t.db alerts run
expect_grep "$TMP/out" 'alerts: indexed=0'
expect_status 1 "$LOA" --db t.db alerts test a1
expect_status 0 "$LOA" --db t.db queries remove gp
finish
