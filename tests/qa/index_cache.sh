#!/usr/bin/env bash
# loa ask with the index saved next to the database: the first question
# builds and saves it, the next ones load it (same answers), an import in
# between makes it stale (rebuilt, new articles found), a damaged file is
# rebuilt with a warning.
. "$LOA_SRC/tests/cli/lib.sh"
D="$LOA_SRC/tests/qa/data"
export LOA_DB="$TMP/qa.db"
IX="$TMP/qa.db.qaidx"
Q="Thời hạn cấp giấy phép xây dựng nhà ở riêng lẻ là bao nhiêu ngày?"

expect_status 0 "$LOA" laws import --text "$D/xay_dung.txt" --number 50/2014/QH13 --type Luật \
  --title "Luật Xây dựng" --issued 2014-06-18 --effective 2015-01-01
[ -e "$IX" ] && fail "an index file before any question" || ok
expect_status 0 "$LOA" --log-level info ask "$Q" --format json
expect_grep "$TMP/err" 'event=qa.index source=built articles=5 '
expect_grep "$TMP/err" 'event=qa.index saved='
cp "$TMP/out" "$TMP/built.json"
[ -s "$IX" ] && ok || fail "no index file saved at $IX"
expect_status 0 "$LOA" --log-level info ask "$Q" --format json
expect_grep "$TMP/err" 'event=qa.index source=file articles=5 '
cmp -s "$TMP/out" "$TMP/built.json" && ok || fail "loaded index answers differently: $(head -c 300 "$TMP/out")"
# other BM25 parameters than those saved: loaded, bounds recomputed, same as a fresh build
printf 'k1 2\nb_body 0.3\n' > "$TMP/m.model"
expect_status 0 "$LOA" --log-level info ask "$Q" --format json --model "$TMP/m.model"
expect_grep "$TMP/err" 'source=file'
cp "$TMP/out" "$TMP/k1_file.json"
rm -f "$IX"
expect_status 0 "$LOA" --log-level info ask "$Q" --format json --model "$TMP/m.model"
expect_grep "$TMP/err" 'source=built'
cmp -s "$TMP/out" "$TMP/k1_file.json" && ok || fail "k1=2: loaded and built indexes differ"
# saved with k1=2, asked with the built-in parameters: as built
expect_status 0 "$LOA" --log-level info ask "$Q" --format json
expect_grep "$TMP/err" 'source=file'
cmp -s "$TMP/out" "$TMP/built.json" && ok || fail "saved with k1=2, loaded with defaults: differs"
# an import makes the saved index stale: rebuilt, and the new law is found
cat > "$TMP/cu_tru.txt" <<'TXT'
Điều 1. Thời hạn đăng ký tạm trú
Công dân đăng ký tạm trú tại cơ quan đăng ký cư trú trong thời hạn 03 ngày làm việc.
TXT
expect_status 0 "$LOA" laws import --text "$TMP/cu_tru.txt" --number 68/2020/QH14 --type Luật \
  --title "Luật Cư trú" --issued 2020-11-13 --effective 2021-07-01
expect_status 0 "$LOA" --log-level info ask "đăng ký tạm trú trong bao lâu" --limit 1
expect_grep "$TMP/err" 'event=qa.index source=built articles=6 '
expect_grep "$TMP/out" 'Luật Cư trú'
expect_status 0 "$LOA" --log-level info ask "đăng ký tạm trú trong bao lâu" --limit 1
expect_grep "$TMP/err" 'event=qa.index source=file articles=6 '
expect_grep "$TMP/out" 'Luật Cư trú'
# a damaged file: a warning, then built again
head -c 1000 "$IX" > "$TMP/short" && cat "$TMP/short" > "$IX"
expect_status 0 "$LOA" --log-level info ask "$Q" --limit 1
expect_grep "$TMP/err" 'level=warn event=qa.index source=file error='
expect_grep "$TMP/err" 'source=built'
expect_grep "$TMP/out" 'Điều 102, Luật Xây dựng 2014'
finish
