#!/usr/bin/env bash
# loa workflow: a question through the CLI, due dates across Tết, closure
# refused, rules, stats, the .ics of a conference, a policy diff.
. "$LOA_SRC/tests/cli/lib.sh"
DB="$TMP/wf.db"
L() { "$LOA" --db "$DB" "$@"; }
expect_status 0 L orgs add --slug bo-y-te --name "Bộ Y tế" --kind ministry
expect_status 0 L orgs add --slug vu-duoc --name "Cục Quản lý Dược" --kind unit
expect_status 0 L workflow rules add --org bo-y-te --unit vu-duoc --keywords "giá thuốc, nhà thuốc"
expect_status 2 L workflow rules add --unit khong-co --topic x
expect_status 0 L workflow route --org bo-y-te --text "GIA THUOC tang manh"
expect_grep "$TMP/out" "^vu-duoc"
# a question received on Tết's eve 2025 is due after the holiday
expect_status 0 L workflow new --type question --org bo-y-te --title "Giá thuốc dịp Tết" \
  --body "Giá thuốc dịp Tết có tăng không?" --now 2025-01-27T09:00:00+07:00
ID=$(cat "$TMP/out")
expect_status 0 L workflow show "$ID"
expect_grep "$TMP/out" '"due_date": "2025-02-07"'
expect_grep "$TMP/out" '"suggested_unit": "vu-duoc"'
expect_status 0 L workflow act "$ID" route
expect_grep "$TMP/out" "-> routed"
expect_status 0 L workflow act "$ID" answer --text "Giá thuốc được bình ổn."
expect_status 1 L workflow act "$ID" route
expect_grep "$TMP/err" "closed|trạng thái"
expect_status 1 L workflow edit "$ID" --body "sửa"
expect_grep "$TMP/err" "đã đóng"
expect_status 2 L workflow act "$ID" fly
expect_status 0 L workflow cases --type question
expect_grep "$TMP/out" "answered"
expect_status 0 L workflow stats --type question
expect_grep "$TMP/out" "vu-duoc"
expect_status 0 L workflow types
expect_grep "$TMP/out" '"name": "correction"'
# a conference and its .ics (CRLF lines, UTC times)
expect_status 0 L workflow conf add --org bo-y-te --title "Họp báo thường kỳ; tháng 3, 2026" \
  --start 2026-03-05T15:00:00+07:00 --end 2026-03-05T16:00:00+07:00
CONF=$(cat "$TMP/out")
expect_status 0 L workflow conf ics "$CONF"
if grep -q $'^DTSTART:20260305T080000Z\r$' "$TMP/out"; then ok; else fail "ics DTSTART in UTC with CRLF"; fi
expect_grep "$TMP/out" 'SUMMARY:Họp báo thường kỳ\\; tháng 3\\, 2026'
expect_status 0 L workflow cadence bo-y-te --year 2026
# a policy and a diff of its drafts
printf 'Điều 1. Nghị định này quy định về giá thuốc.\n' > "$TMP/v1.txt"
printf 'Điều 1. Nghị định này quy định về giá thuốc và vắc xin.\n' > "$TMP/v2.txt"
expect_status 0 L workflow policy add --slug nd-1 --title "Dự thảo" --file "$TMP/v1.txt" --org bo-y-te
expect_status 0 L workflow policy version nd-1 --file "$TMP/v2.txt"
expect_status 0 L workflow policy diff nd-1 1 2 --html
expect_grep "$TMP/out" "<ins> và vắc xin</ins>"
expect_status 0 L workflow tick
expect_grep "$TMP/out" "^tick: "
expect_status 2 L workflow nope
finish
