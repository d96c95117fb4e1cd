#!/bin/bash
# loa train/eval classify and loa classify on a small synthetic set: output
# formats, bad lines reported with line numbers, bad model files.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 3 classes, 40 texts each, words drawn from each class's own list
awk 'BEGIN {
	split("tuyệt_vời thành_công xuất_sắc khen_thưởng phát_triển vui_mừng", p, " ")
	split("tai_nạn cháy_nổ tham_nhũng lừa_đảo thiệt_hại ô_nhiễm", n, " ")
	split("kế_hoạch thông_báo lịch_trình hướng_dẫn cuộc_họp sản_phẩm", u, " ")
	srand(3)
	for (i = 0; i < 40; i++) {
		for (c = 0; c < 3; c++) {
			s = ""
			for (j = 0; j < 6; j++) {
				k = int(rand() * 6) + 1
				w = (c == 0) ? p[k] : (c == 1) ? n[k] : u[k]
				gsub("_", " ", w)
				s = s (j ? " người dân " : "") w
			}
			print ((c == 0) ? "positive" : (c == 1) ? "negative" : "neutral") "\t" s
		}
	}
}' >"$tmp/train.tsv"
head -n 30 "$tmp/train.tsv" >"$tmp/dev.tsv"
printf 'this line has no tab\n' >>"$tmp/dev.tsv"
printf 'negative\tvụ tai nạn gây thiệt hại\n' >>"$tmp/dev.tsv"

out=$("$LOA" -q train classify --train "$tmp/train.tsv" --dev "$tmp/dev.tsv" --out "$tmp/m.model" \
	--min-df 1 --folds 3 2>"$tmp/err") || { cat "$tmp/err"; fail "train"; }
echo "$out"
echo "$out" | grep -q '^train classify: n=120 classes=3 ' || fail "train summary"
train_out=$out
grep -q 'dev.tsv:31:' "$tmp/err" || { cat "$tmp/err"; fail "bad line number not reported"; }

out=$("$LOA" eval classify --model "$tmp/m.model" --gold "$tmp/dev.tsv" 2>"$tmp/err") || fail "eval"
echo "$out"
grep -q 'dev.tsv:31:' "$tmp/err" || fail "eval: bad line number not reported"
[ "$(echo "$out" | wc -l)" -eq 4 ] || fail "eval: expected 3 class lines and a summary"
echo "$out" | grep -q '^negative  *precision=[0-9.]* recall=[0-9.]* f1=[0-9.]* support=11$' ||
	fail "eval: per-class line"
last=$(echo "$out" | tail -n 1)
echo "$last" | grep -Eq '^classify: n=31 accuracy=[0-9.]+ macro_f1=[0-9.]+$' || fail "eval: last line '$last'"
f1=$(echo "$last" | sed 's/.*macro_f1=//')
awk -v f="$f1" 'BEGIN { exit !(f >= 0.9) }' || fail "macro_f1=$f1 on an easy set"

out=$(printf 'tai nạn cháy nổ\nthành công xuất sắc\n\nkế hoạch\n' | "$LOA" classify --model "$tmp/m.model") ||
	fail "classify"
echo "$out"
[ "$(echo "$out" | wc -l)" -eq 4 ] || fail "classify: one line per input line"
echo "$out" | head -n 1 | grep -Eq '^negative	0\.[0-9]{4}$|^negative	1\.0000$' || fail "classify: label<TAB>prob"
echo "$out" | sed -n 2p | grep -q '^positive	' || fail "classify: positive"
out=$(echo "tai nạn" | "$LOA" classify --model "$tmp/m.model" --all) || fail "classify --all"
echo "$out" | grep -Eq '^negative	negative=[0-9.]+	neutral=[0-9.]+	positive=[0-9.]+$' || fail "--all: $out"

# the NB view is on by default (the note records it); --no-nb trains without it
grep -aq 'offsets nb' "$tmp/m.model" || fail "default note: nb"
"$LOA" -q train classify --train "$tmp/train.tsv" --out "$tmp/plain.model" --min-df 1 --folds 3 \
	--no-nb >/dev/null 2>&1 || fail "train --no-nb"
grep -aq 'offsets nb' "$tmp/plain.model" && fail "--no-nb: note still says nb"
cmp -s "$tmp/m.model" "$tmp/plain.model" && fail "--no-nb: same model"
out=$(echo "tai nạn cháy nổ" | "$LOA" classify --model "$tmp/plain.model") || fail "classify (no nb)"
echo "$out" | grep -q '^negative	' || fail "--no-nb model: $out"

# stacking is on by default (the note says "stack") from 1,000 texts: the 120
# above were averaged; on 1,200 (the set ten times) --no-stack changes the model;
# --bag (without stacking) averages the final model with the fold models
grep -aq 'offsets nb stack' "$tmp/m.model" || fail "default note: stack"
echo "$train_out" | grep -q ' stacked=0 ' || fail "120 texts: not stacked"
for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$tmp/train.tsv"; done >"$tmp/big.tsv"
out=$("$LOA" -q train classify --train "$tmp/big.tsv" --out "$tmp/s.model" --min-df 1 --folds 3 \
	2>/dev/null) || fail "train 1,200"
echo "$out" | grep -q ' stacked=1 ' || fail "1,200 texts: stacked: $out"
"$LOA" -q train classify --train "$tmp/big.tsv" --out "$tmp/avg.model" --min-df 1 --folds 3 \
	--no-stack >/dev/null 2>&1 || fail "train --no-stack"
grep -aq 'nb stack' "$tmp/avg.model" && fail "--no-stack: note still says stack"
cmp -s "$tmp/s.model" "$tmp/avg.model" && fail "--no-stack: same model"
"$LOA" -q train classify --train "$tmp/big.tsv" --out "$tmp/bag.model" --min-df 1 --folds 3 \
	--no-stack --bag >/dev/null 2>&1 || fail "train --bag"
grep -aq 'offsets nb bag' "$tmp/bag.model" || fail "--bag: note"
cmp -s "$tmp/avg.model" "$tmp/bag.model" && fail "--bag: same model"
# the dense view: word vectors learnt from the texts themselves (loa train
# embed); the model carries them (dense=DIM), and below 1,000 texts (no
# stacking) --embed is refused with a note, not silently ignored
"$LOA" -q train embed --corpus "$tmp/big.tsv" --out "$tmp/e.emb" --dim 8 --min-count 1 \
	--threads 1 >/dev/null 2>&1 || fail "train embed"
out=$("$LOA" -q train classify --train "$tmp/big.tsv" --out "$tmp/d.model" --min-df 1 --folds 3 \
	--embed "$tmp/e.emb" 2>/dev/null) || fail "train --embed"
echo "$out" | grep -q ' stacked=1 dense=8 ' || fail "--embed: summary: $out"
grep -aq 'dense=e.emb' "$tmp/d.model" || fail "--embed: note"
echo "$out" | grep -q ' stacked=1 dense=0 ' && fail "--embed: no dense view"
out=$(echo "tai nạn cháy nổ" | "$LOA" classify --model "$tmp/d.model") || fail "classify (dense)"
echo "$out" | grep -q '^negative	' || fail "dense model: $out"
"$LOA" -q train classify --train "$tmp/train.tsv" --out "$tmp/d2.model" --min-df 1 --folds 3 \
	--embed "$tmp/e.emb" >"$tmp/out" 2>"$tmp/err" || fail "train --embed (120)"
grep -q ' dense=0 ' "$tmp/out" || fail "--embed, 120 texts: dense=0"
grep -q 'dense view needs stacking' "$tmp/err" || fail "--embed, 120 texts: note"
"$LOA" -q train classify --train "$tmp/big.tsv" --out "$tmp/d3.model" --embed "$tmp/none.emb" \
	>/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "--embed missing file: exit status"
grep -q 'none.emb' "$tmp/err" || fail "--embed missing file: message"
"$LOA" -q train classify --train "$tmp/big.tsv" --out "$tmp/d3.model" --embed "$tmp/m.model" \
	>/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "--embed not vectors: exit status"
grep -q 'not a word-vector file' "$tmp/err" || fail "--embed not vectors: message"

# nested cross-validation: one more summary line, the model itself unchanged
out=$("$LOA" -q train classify --train "$tmp/train.tsv" --out "$tmp/n.model" --min-df 1 --folds 3 \
	--nested-cv 3 2>/dev/null) || fail "train --nested-cv"
echo "$out" | grep -Eq '^train classify: nested_folds=3 nested_macro_f1_single=0\.9[0-9]* nested_macro_f1_bag=[0-9.]+ nested_macro_f1_fold_models=[0-9.]+ nested_macro_f1_stack=0\.9[0-9]*$|nested_macro_f1_single=1\.0000.*stack=1\.0000$' ||
	fail "--nested-cv: $out"
cmp -s "$tmp/m.model" "$tmp/n.model" || fail "--nested-cv changed the model"
"$LOA" -q train classify --train "$tmp/train.tsv" --out "$tmp/n.model" --nested-cv 1 >/dev/null 2>&1
[ $? -eq 2 ] || fail "--nested-cv 1: usage"

# bad models: truncated, another version, missing
head -c 1000 "$tmp/m.model" >"$tmp/trunc.model"
"$LOA" classify --model "$tmp/trunc.model" </dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "truncated model: exit status"
grep -q 'truncated or corrupt' "$tmp/err" || fail "truncated model: message"
{ printf 'LOACLSM\032\011\000\000\000'; head -c 200 "$tmp/m.model" | tail -c 188; } >"$tmp/v9.model"
"$LOA" eval classify --model "$tmp/v9.model" --gold "$tmp/dev.tsv" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "version: exit status"
grep -q 'version 9' "$tmp/err" || { cat "$tmp/err"; fail "version: message"; }
"$LOA" classify --model "$tmp/none.model" </dev/null 2>/dev/null
[ $? -eq 1 ] || fail "missing model: exit status"
"$LOA" eval classify --gold "$tmp/dev.tsv" >/dev/null 2>&1
[ $? -eq 2 ] || fail "usage: exit status"
"$LOA" train classify --train "$tmp/train.tsv" >/dev/null 2>&1
[ $? -eq 2 ] || fail "train usage: exit status"
# one label only: a clear error
printf 'a\tx\na\ty\n' >"$tmp/one.tsv"
"$LOA" -q train classify --train "$tmp/one.tsv" --out "$tmp/one.model" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "one label: exit status"
grep -q 'two labels' "$tmp/err" || fail "one label: message"
echo ok
