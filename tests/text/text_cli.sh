#!/bin/bash
# text_cli.sh - loa normalize, loa tokenize, loa eval normalize on small inputs.
. "$LOA_SRC/tests/cli/lib.sh"

printf 'Hoà bình, thuỷ lợi, BUỚC\n' >"$TMP/in"
expect_status 0 "$LOA" normalize <"$TMP/in"
expect_grep "$TMP/out" '^Hòa bình, thủy lợi, BƯỚC$'
"$LOA" normalize --lower --fold <"$TMP/in" >"$TMP/out" 2>"$TMP/err" && ok || fail "normalize --fold"
expect_grep "$TMP/out" '^hoa binh, thuy loi, buoc$'
# invalid UTF-8 and NUL
printf 'a\377b\000c\n' | "$LOA" normalize >"$TMP/out" 2>"$TMP/err" && ok || fail "normalize bad bytes"
if [ "$(od -An -tx1 "$TMP/out" | tr -d ' \n')" = "61efbfbd62630a" ]; then ok; else fail "bad bytes: $(od -An -tx1 "$TMP/out")"; fi
# a long line without spaces, longer than the internal block
head -c 3000000 /dev/zero | tr '\0' 'a' >"$TMP/long"
"$LOA" normalize <"$TMP/long" >"$TMP/out" 2>"$TMP/err" && ok || fail "normalize long line"
if cmp -s "$TMP/long" "$TMP/out"; then ok; else fail "long line changed"; fi
expect_status 2 "$LOA" normalize extra

printf 'UBND TP.HCM cấp 20 triệu đồng.\n' >"$TMP/in"
expect_status 0 "$LOA" tokenize --sentences <"$TMP/in"
expect_grep "$TMP/out" $'^0\t4\tabbr\tUBND$'
expect_grep "$TMP/out" $'^5\t11\tabbr\tTP.HCM$'
expect_grep "$TMP/out" $'money\t20 triệu đồng$'
expect_grep "$TMP/out" $'punct\t\\.\t<s>$'

# eval normalize on a small pairs file (both conventions, skipped rows)
printf '# comment\ninput\texpected\ttarget_convention\tcategory\tsource\nhoà\thòa\ttone-on-1st (hòa)\tglide_oa_oe_uy\tX\nhọa\thoạ\ttone-on-2nd (hoà)\tyomitan_new_style\tX\nbaì\tbài\tn/a\tmisplaced_tone\tX\nxx\tyy\tn/a\tglide_anomaly\tX\nxx\tyy\tn/a\ttone_other_suspect\tX\n' >"$TMP/pairs.tsv"
expect_status 0 "$LOA" eval normalize --pairs "$TMP/pairs.tsv"
expect_grep "$TMP/out" '^normalize: pairs=3 passed=3 failed=0 skipped=2$'
printf 'hoà\thoa\tn/a\tspelling\tX\n' >"$TMP/bad.tsv"
expect_status 0 "$LOA" eval normalize --pairs "$TMP/bad.tsv"
expect_grep "$TMP/out" '^normalize: pairs=1 passed=0 failed=1'
expect_status 1 "$LOA" eval normalize --pairs "$TMP/missing.tsv"
expect_status 2 "$LOA" eval normalize
expect_status 2 "$LOA" eval nosuch
expect_status 2 "$LOA" eval
finish
