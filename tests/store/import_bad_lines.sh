#!/usr/bin/env bash
# store.import_bad_lines: every bad line is reported with its number and
# reason, good lines are stored, the exit status is 1; re-import is
# idempotent; stdin works.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
DB="$TMP/t.db"
long=$(printf 'x%.0s' $(seq 1 400))
cat > in.jsonl <<JSONL
{"source":"baochinhphu","id":"1","title":"Thủ tướng chủ trì phiên họp Chính phủ thường kỳ","published_at":"2024-03-01T08:00:00+07:00"}
{"source":"baochinhphu","id":"2",
{"id":"3","text":"Thiếu nguồn","published_at":"2024-03-01T08:00:00Z"}
{"source":"vnexpress","text":"Giờ sai","published_at":"hôm qua"}

{"source":"vnexpress","id":"5","text":"$long","published_at":"2024-03-01T08:00:00Z"}
{"source":"fb-bo-y-te","id":"6","platform":"facebook","text":"Bộ Y tế khuyến cáo","published_at":"2024-03-02T10:00:00+07:00"}
{"source":"vnexpress","id":"7","text":"Thiếu thời gian"}
{"source":"vnexpress","id":"8","published_at":"2024-03-01T08:00:00Z"}
[1,2,3]
{"source":"vnexpress","id":"9","kind":"tin-don","text":"x","published_at":"2024-03-01T08:00:00Z"}
{"source":"vnexpress","id":"10","text":"x","reactions":"nhiều","published_at":"2024-03-01T08:00:00Z"}
JSONL
expect_status 1 "$LOA" --db "$DB" --set import.max_line=300 import in.jsonl
expect_grep err 'in.jsonl:2: .*bad JSON'
expect_grep err 'in.jsonl:3: .*missing field: source'
expect_grep err 'in.jsonl:4: .*bad time in published_at'
expect_grep err 'in.jsonl:6: .*line too long'
expect_grep err 'in.jsonl:8: .*missing field: published_at'
expect_grep err 'in.jsonl:9: .*missing field: text or title'
expect_grep err 'in.jsonl:10: .*not a JSON object'
expect_grep err 'in.jsonl:11: .*bad kind'
expect_grep err 'in.jsonl:12: .*reactions'
n=$(grep -c 'in.jsonl:' err)
expect_eq "reported lines" "$n" 9
expect_grep out '^import: read=11 stored=2 updated=0 unchanged=0 refused=9 seconds=[0-9.]+$'
expect_eq "items stored" "$(db_items "$DB")" 2

# the same file again: nothing new, the same refusals
expect_status 1 "$LOA" --db "$DB" --set import.max_line=300 import in.jsonl
expect_grep out '^import: read=11 stored=0 updated=0 unchanged=2 refused=9 '
expect_eq "items after re-import" "$(db_items "$DB")" 2

# good lines only, from stdin: exit 0; a changed item is updated
grep -E '"id":"(1|6)"' in.jsonl | sed 's/Bộ Y tế khuyến cáo/Bộ Y tế khuyến cáo người dân/' > good.jsonl
"$LOA" --db "$DB" import - < good.jsonl > out 2> err
expect_eq "stdin exit status" "$?" 0
expect_grep out '^import: read=2 stored=0 updated=1 unchanged=1 refused=0 '
[ -s err ] && fail "stderr not empty: $(head -c 300 err)" || ok

# a line without a final newline, CRLF line ends and a byte order mark
printf '\xef\xbb\xbf{"source":"s","id":"a","text":"một","published_at":"2024-01-01T00:00:00Z"}\r\n{"source":"s","id":"b","text":"hai","published_at":"2024-01-01T00:00:00Z"}' > crlf.jsonl
expect_status 0 "$LOA" --db "$DB" import crlf.jsonl
expect_grep out '^import: read=2 stored=2 '

# every import is in the audit log
expect_status 0 "$LOA" --db "$DB" db status
expect_grep out 'audit=4 '
finish
