#!/bin/bash
# The shipped news-tone model (models/tone.model) on vntc-tone dev: the
# macro-F1 must stay above the floor measured when it was trained (0.75,
# docs/rooms/analyze.md) minus a small margin.
set -u
FLOOR=${FLOOR:-0.73}
gold="$LOA_SHARED/data/vntc-tone/dev.tsv"
if [ ! -r "$gold" ]; then
	echo "bỏ qua / skipped: $gold không có / missing"
	exit 77
fi
model="$LOA_SRC/models/tone.model"
[ -r "$model" ] || { echo "FAIL: $model missing"; exit 1; }
out=$("$LOA" eval classify --model "$model" --gold "$gold") || { echo "FAIL: eval"; exit 1; }
echo "$out"
f1=$(echo "$out" | tail -n 1 | sed -n 's/^classify: n=300 accuracy=[0-9.]* macro_f1=\([0-9.]*\)$/\1/p')
[ -n "$f1" ] || { echo "FAIL: no macro_f1 in the last line"; exit 1; }
awk -v f="$f1" -v m="$FLOOR" 'BEGIN { exit !(f >= m) }' || { echo "FAIL: macro_f1=$f1 < $FLOOR"; exit 1; }
# the default-model lookup finds it by name too
out2=$(echo "Cháy lớn tại chợ, nhiều người bị thương" | LOA_MODELS="$LOA_SRC/models" "$LOA" classify --model tone) ||
	{ echo "FAIL: classify --model tone"; exit 1; }
echo "$out2"
echo "$out2" | grep -q '^negative	' || { echo "FAIL: expected negative"; exit 1; }
echo "ok macro_f1=$f1"
