#!/bin/bash
# loa segment / loa train segment / loa eval segment on small data written
# here: one output line per input line, errors and exit statuses.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat > "$tmp/gold.txt" <<'G'
Hiện_nay xã có 68 tổ nhân_dân , mỗi tổ phụ_trách 40 gia_đình .
Chủ_trương tốt nhưng dân không hiểu , không hưởng_ứng thì cũng chịu_thua !
Nhân_dân xã ủng_hộ chủ_trương của chủ_tịch .
Gia_đình anh có bốn người .
Chính_phủ ban_hành nghị_định mới về giấy_phép xây_dựng .
G
printf 'nhân dân\ngia đình\nchủ tịch\nchủ trương\nủng hộ\nxây dựng\n' > "$tmp/dict.txt"

# usage errors: exit 2
"$LOA" train >/dev/null 2>&1; [ $? -eq 2 ] || fail "loa train without a model should exit 2"
"$LOA" train nothing >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown model should exit 2"
"$LOA" train segment --gold "$tmp/gold.txt" >/dev/null 2>&1; [ $? -eq 2 ] || fail "missing --out should exit 2"
"$LOA" train segment --gold "$tmp/gold.txt" --epochs 0 --out "$tmp/m" >/dev/null 2>&1
[ $? -eq 2 ] || fail "--epochs 0 should exit 2"
"$LOA" segment --bogus </dev/null >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad option should exit 2"

# train a tiny model
out=$("$LOA" train segment --gold "$tmp/gold.txt" --dict "$tmp/dict.txt" --dev "$tmp/gold.txt" \
	--epochs 15 --bits 16 --out "$tmp/seg.model" 2>"$tmp/err") || { cat "$tmp/err"; fail "train"; }
echo "$out"
echo "$out" | grep -q '^train segment: sentences=5 ' || fail "train summary: $out"
[ -s "$tmp/seg.model" ] || fail "no model written"

# it segments its training text back
sed 's/_/ /g' "$tmp/gold.txt" > "$tmp/raw.txt"
"$LOA" segment --model "$tmp/seg.model" < "$tmp/raw.txt" > "$tmp/out.txt" || fail "segment"
diff "$tmp/gold.txt" "$tmp/out.txt" || fail "segmented text differs from gold"

# one output line per input line: empty lines, no final newline, raw punctuation
printf 'Hiện nay xã có 68 tổ nhân dân, mỗi tổ phụ trách 40 gia đình.\n\n   \nnhân dân\nủng hộ chủ trương' \
	| "$LOA" segment --model "$tmp/seg.model" > "$tmp/o2.txt" || fail "segment (lines)"
[ "$(wc -l < "$tmp/o2.txt")" -eq 5 ] || { cat "$tmp/o2.txt"; fail "expected 5 output lines"; }
[ "$(sed -n 1p "$tmp/o2.txt")" = "Hiện_nay xã có 68 tổ nhân_dân , mỗi tổ phụ_trách 40 gia_đình ." ] \
	|| fail "line 1: $(sed -n 1p "$tmp/o2.txt")"
[ -z "$(sed -n 2p "$tmp/o2.txt")" ] && [ -z "$(sed -n 3p "$tmp/o2.txt")" ] || fail "empty lines"
[ "$(sed -n 5p "$tmp/o2.txt")" = "ủng_hộ chủ_trương" ] || fail "last line: $(sed -n 5p "$tmp/o2.txt")"
: | "$LOA" segment --model "$tmp/seg.model" > "$tmp/o3.txt" || fail "empty input"
[ ! -s "$tmp/o3.txt" ] || fail "empty input gives output"
# invalid UTF-8 and NUL bytes: one line out, valid UTF-8
printf 'nh\xc3 d\xe2n \xff\x00 gia đình\n' | "$LOA" segment --model "$tmp/seg.model" > "$tmp/o4.txt" \
	|| fail "invalid UTF-8"
[ "$(wc -l < "$tmp/o4.txt")" -eq 1 ] || fail "invalid UTF-8: line count"
iconv -f UTF-8 -t UTF-8 "$tmp/o4.txt" >/dev/null 2>&1 || fail "output is not valid UTF-8"

# eval on the training file: perfect
ev=$("$LOA" eval segment --gold "$tmp/gold.txt" --model "$tmp/seg.model") || fail "eval"
echo "$ev"
echo "$ev" | tail -n 1 | grep -Eq '^segment: sentences=5 words=[0-9]+ precision=1\.0000 recall=1\.0000 f1=1\.0000 syllables_per_sec=[0-9]+$' \
	|| fail "eval line: $ev"

# damaged models: clear errors, exit 1
head -c 100 "$tmp/seg.model" > "$tmp/trunc.model"
"$LOA" segment --model "$tmp/trunc.model" </dev/null 2>"$tmp/err"; [ $? -eq 1 ] || fail "truncated model"
grep -q "truncated" "$tmp/err" || { cat "$tmp/err"; fail "truncated model message"; }
echo "not a model" > "$tmp/junk.model"
"$LOA" eval segment --gold "$tmp/gold.txt" --model "$tmp/junk.model" 2>"$tmp/err"; [ $? -eq 1 ] || fail "junk model"
grep -q "not a segmenter model" "$tmp/err" || { cat "$tmp/err"; fail "junk model message"; }
"$LOA" segment --model "$tmp/none.model" </dev/null 2>/dev/null; [ $? -eq 1 ] || fail "missing model"
LOA_MODELS="$tmp/nowhere" "$LOA" segment --model "$tmp/seg.model" </dev/null || fail "explicit model with LOA_MODELS"
mkdir "$tmp/models" && cp "$tmp/seg.model" "$tmp/models/segment.model"
echo "nhân dân" | LOA_MODELS="$tmp/models" "$LOA" segment | grep -qx "nhân_dân" || fail "default model via LOA_MODELS"
echo ok
