#!/bin/bash
# The shipped segmenter model (models/segment.model) on UD-VTB dev: f1 >= 0.96.
# Note: the shipped model was trained on train+dev, so this checks the file
# and the pipeline; segment_train.sh checks a model that never saw dev.
set -u
gold="$LOA_SHARED/data/ud-vi-vtb/dev.seg.txt"
if [ ! -r "$gold" ]; then
	echo "bỏ qua / skipped: $gold không có / missing"
	exit 77
fi
out=$(LOA_MODELS="$LOA_SRC/models" "$LOA" eval segment --gold "$gold") || { echo "eval failed"; exit 1; }
echo "$out"
line=$(echo "$out" | tail -n 1)
f1=$(echo "$line" | sed -n 's/^segment: .* f1=\([0-9.]*\) .*/\1/p')
[ -n "$f1" ] || { echo "no f1 in: $line"; exit 1; }
awk -v f="$f1" 'BEGIN { exit !(f >= 0.96) }' || { echo "f1=$f1 < 0.96"; exit 1; }
echo "ok f1=$f1"
