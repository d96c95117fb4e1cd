#!/usr/bin/env bash
# loa laws import (JSON lines, plain text, malformed documents), loa ask
# (citations, --as-of, abstention, bad questions), loa cases.
. "$LOA_SRC/tests/cli/lib.sh"
D="$LOA_SRC/tests/qa/data"
export LOA_DB="$TMP/qa.db"

expect_status 1 "$LOA" laws import "$D/laws.jsonl"
expect_grep "$TMP/out" 'laws import: documents=2 articles=4 .*amendments=1 refused=3'
expect_grep "$TMP/err" 'laws.jsonl:3: .*"number"'
expect_grep "$TMP/err" 'laws.jsonl:4: .*2000-13-01'
expect_grep "$TMP/err" 'laws.jsonl:5: JSON'
expect_status 0 "$LOA" laws import --text "$D/xay_dung.txt" --number 50/2014/QH13 --type Luật \
  --title "Luật Xây dựng" --issued 2014-06-18 --effective 2015-01-01
expect_grep "$TMP/out" 'documents=1 articles=5 clauses=9 points=3'
expect_status 2 "$LOA" laws import --text "$D/xay_dung.txt"
for f in bad_clause:6 bad_point:3 bad_order:4 empty_article:1; do
  expect_status 1 "$LOA" laws import --text "$D/${f%%:*}.txt" --number X --type Luật --title X
  expect_grep "$TMP/err" "dòng ${f##*:}: .*line ${f##*:}"
done
expect_status 0 "$LOA" laws list
expect_grep "$TMP/out" '50/2014/QH13'
# amendments: as in force on a date
expect_status 0 "$LOA" laws show 99/2099/QH99 22 --as-of 2022-01-01
expect_grep "$TMP/out" '07 ngày làm việc'
expect_status 0 "$LOA" laws show 99/2099/QH99 22 --as-of 2024-06-01
expect_grep "$TMP/out" '05 ngày làm việc'
expect_grep "$TMP/out" 'amended by 98/2098/QH98'

# ask
expect_status 0 "$LOA" ask "Thời hạn cấp GPXD cho nhà ở riêng lẻ là bao nhiêu ngày?"
expect_grep "$TMP/out" '^1\. Điều 102, Luật Xây dựng 2014'
expect_grep "$TMP/out" '«'
expect_status 0 "$LOA" ask "thoi han cap giay phep xay dung nha o rieng le" --limit 1 --format json
expect_grep "$TMP/out" '"citation":"Điều 102, Luật Xây dựng 2014"'
expect_grep "$TMP/out" '"without_diacritics":true'
expect_status 0 "$LOA" ask "đăng ký thường trú trong bao lâu" --as-of 2022-03-01 --limit 1
expect_grep "$TMP/out" '07 ngày'
expect_status 0 "$LOA" ask "đăng ký thường trú trong bao lâu" --as-of 2024-03-01 --limit 1
expect_grep "$TMP/out" '05 ngày'
expect_status 0 "$LOA" ask "Cách nấu phở bò ngon tại nhà"
expect_grep "$TMP/out" 'Không tìm thấy quy định phù hợp'
expect_status 0 "$LOA" ask "What is the weather like in London today?"
expect_grep "$TMP/out" 'Không tìm thấy quy định phù hợp'
expect_status 2 "$LOA" ask ""
expect_status 2 "$LOA" ask "$(head -c 5000 /dev/zero | tr '\0' 'a')"
expect_status 2 "$LOA" ask "x" --as-of 2024-13-01
expect_status 2 "$LOA" ask "$(printf 'gi\xffấy phép')"
expect_grep "$TMP/err" 'UTF-8'

# cases
expect_status 1 "$LOA" cases import "$D/cases.jsonl"
expect_grep "$TMP/out" 'cases import: read=4 stored=2 refused=2'
expect_status 1 "$LOA" cases import "$D/cases.csv"
expect_grep "$TMP/out" 'read=2 stored=1 refused=1'
expect_status 0 "$LOA" cases lookup HS-2025-0001 --phone 0912345678 --now 2025-03-01
expect_grep "$TMP/out" 'quá hạn'
expect_grep "$TMP/out" 'Điều 102, Luật Xây dựng 2014'
expect_status 0 "$LOA" cases lookup HS-CSV-1 --phone 0912000111 --now 2026-02-13 --format json
expect_grep "$TMP/out" '"late":false'
expect_status 1 "$LOA" cases lookup HS-2025-0001 --phone 0999999999
cp "$TMP/err" "$TMP/err1"
expect_status 1 "$LOA" cases lookup HS-9999-0000 --phone 0912345678
sed 's/HS-9999-0000/HS-2025-0001/' "$TMP/err" > "$TMP/err2"
if cmp -s "$TMP/err1" "$TMP/err2"; then ok; else fail "wrong phone and unknown code differ"; fi
# ask with a record code: status and the article that sets the time limit
expect_status 0 "$LOA" ask --code HS-2025-0001 --phone 0912345678 "Tại sao hồ sơ của tôi nộp 10 ngày chưa có kết quả?"
expect_grep "$TMP/out" 'Căn cứ / legal basis: Điều 102, Luật Xây dựng 2014'
finish
