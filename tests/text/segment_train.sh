#!/bin/bash
# Trains the segmenter on UD-VTB train only (with VnVocab) into a temporary
# model and checks dev F1 >= 0.96; also runs the longest-matching baseline.
set -u
data="$LOA_SHARED/data"
train="$data/ud-vi-vtb/train.seg.txt" dev="$data/ud-vi-vtb/dev.seg.txt"
dict="$data/vi-wordlist/VnVocab.txt"
for f in "$train" "$dev" "$dict"; do
	if [ ! -r "$f" ]; then
		echo "bỏ qua / skipped: $f không có / missing"
		exit 77
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$LOA" train segment --gold "$train" --dict "$dict" --out "$tmp/seg.model" || { echo "train failed"; exit 1; }
f1_of() { sed -n 's/^segment: .* f1=\([0-9.]*\) .*/\1/p' | tail -n 1; }
out=$("$LOA" eval segment --gold "$dev" --model "$tmp/seg.model") || { echo "eval failed"; exit 1; }
echo "$out"
f1=$(echo "$out" | f1_of)
awk -v f="$f1" 'BEGIN { exit !(f >= 0.96) }' || { echo "model f1=$f1 < 0.96"; exit 1; }
base=$("$LOA" eval segment --gold "$dev" --baseline longest --dict "$dict") || { echo "baseline failed"; exit 1; }
echo "$base"
bf1=$(echo "$base" | f1_of)
awk -v f="$bf1" 'BEGIN { exit !(f >= 0.90 && f < 0.96) }' || { echo "baseline f1=$bf1 unexpected"; exit 1; }
# the baseline with the dictionary embedded in the model gives the same
base2=$("$LOA" eval segment --gold "$dev" --baseline longest --model "$tmp/seg.model" | f1_of)
[ "$base2" = "$bf1" ] || { echo "embedded dictionary baseline $base2 != $bf1"; exit 1; }
echo "ok model f1=$f1 baseline f1=$bf1"
