#!/bin/bash
# bench/segment.sh - the word segmenter: accuracy and speed next to the
# longest-matching baseline (VnVocab), on UD-VTB dev, and raw-text
# throughput of `loa segment` on VNTC articles. Run on demand, not by CTest.
#
#   bench/segment.sh [LOA]    (default: build/loa; data from $LOA_SHARED or ../shared)
#
# Debian ships no Vietnamese word segmenter to compare with (vnTokenizer,
# RDRsegmenter, pyvi are not packaged), so the reference here is the
# longest-matching baseline that those tools are usually compared with.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
LOA=${1:-${LOA:-$here/build/loa}}
SHARED=${LOA_SHARED:-$here/../shared}
data=$SHARED/data
train=$data/ud-vi-vtb/train.seg.txt dev=$data/ud-vi-vtb/dev.seg.txt dict=$data/vi-wordlist/VnVocab.txt
for f in "$LOA" "$train" "$dev" "$dict"; do
	[ -r "$f" ] || { echo "thiếu / missing: $f" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" | tail -n 1; }
row() { printf '%-44s %8s %8s %8s %14s\n' "$@"; }

echo "== UD-VTB dev ($(wc -l < "$dev") sentences), one core =="
row "system" "P" "R" "F1" "syllables/s"
t0=$(date +%s.%N)
"$LOA" train segment --gold "$train" --dict "$dict" --out "$tmp/train-only.model" > "$tmp/train.txt"
t1=$(date +%s.%N)
for what in baseline model shipped; do
	case $what in
	baseline) args=(--baseline longest --dict "$dict"); name="longest matching, VnVocab (baseline)" ;;
	model) args=(--model "$tmp/train-only.model"); name="loa, trained on train only" ;;
	shipped) args=(--model "$here/models/segment.model"); name="loa shipped model (saw dev: not a score)" ;;
	esac
	[ "$what" = shipped ] && [ ! -r "$here/models/segment.model" ] && continue
	out=$("$LOA" eval segment --gold "$dev" "${args[@]}" 2>/dev/null | tail -n 1)
	row "$name" "$(echo "$out" | field precision)" "$(echo "$out" | field recall)" \
		"$(echo "$out" | field f1)" "$(echo "$out" | field syllables_per_sec)"
done
printf 'training on train (%s sentences): %.2f s\n' "$(wc -l < "$train")" "$(echo "$t1 - $t0" | bc -l)"

vntc=$data/vntc/vntc10_test.jsonl.xz
if [ -r "$vntc" ] && command -v jq >/dev/null && [ -r "$here/models/segment.model" ]; then
	echo
	echo "== raw text: loa segment on 3.000 VNTC articles (tokenise + segment), one core =="
	xz -dc "$vntc" | head -n 3000 | jq -r '.text' | tr -d '\r' > "$tmp/raw.txt"
	bytes=$(wc -c < "$tmp/raw.txt")
	"$LOA" segment < "$tmp/raw.txt" > /dev/null # warm up
	t0=$(date +%s.%N)
	"$LOA" segment < "$tmp/raw.txt" > "$tmp/seg.txt"
	t1=$(date +%s.%N)
	secs=$(echo "$t1 - $t0" | bc -l)
	units=$(tr ' _' '\n\n' < "$tmp/seg.txt" | grep -c .)
	printf 'input %.1f MB, %s units: %.2f s = %.1f MB/s, %.0f units/s (incl. model load)\n' \
		"$(echo "$bytes / 1000000" | bc -l)" "$units" "$secs" \
		"$(echo "$bytes / 1000000 / $secs" | bc -l)" "$(echo "$units / $secs" | bc -l)"
fi

echo
echo "== training scale: UD-VTB train+dev repeated to 75.000 sentences =="
: > "$tmp/big.txt"
while [ "$(wc -l < "$tmp/big.txt")" -lt 75000 ]; do cat "$train" "$dev" >> "$tmp/big.txt"; done
head -n 75000 "$tmp/big.txt" > "$tmp/big75k.txt"
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f 'elapsed %e s, max RSS %M kB' "$LOA" train segment --gold "$tmp/big75k.txt" \
		--dict "$dict" --out "$tmp/big.model" 2>&1 | tail -n 2
else
	"$LOA" train segment --gold "$tmp/big75k.txt" --dict "$dict" --out "$tmp/big.model"
fi
