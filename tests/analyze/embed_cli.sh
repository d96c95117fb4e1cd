#!/bin/bash
# loa train embed on a generated corpus with the three line formats (JSON
# with title, label<TAB>text, plain text), bad JSON lines, stdin, a line
# over the 1 MiB cap; bad options and a missing corpus file.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 30 JSON lines of 1 + 4 tokens ("tin" is the title), 30 TSV lines of 4
# tokens (the label is not text), 30 plain lines of 4 tokens: texts=90,
# tokens=150+120+120, vocab=10 (tin con mèo ăn cơm chó xe chạy trên đường).
for i in $(seq 30); do
	printf '{"id": %d, "title": "Tin", "text": "Con mèo ăn cơm."}\n' "$i"
	printf 'clean\tcon chó ăn cơm!\n'
	printf 'Xe chạy trên đường\n'
done >"$tmp/corpus.txt"
printf '{"text": "dở dang\n' >>"$tmp/corpus.txt"      # bad JSON
printf '{"title": "không có text"}\n' >>"$tmp/corpus.txt" # no "text" member
printf '\n   \n' >>"$tmp/corpus.txt"                     # blank lines are skipped

args=(--min-count 1 --dim 8 --epochs 2 --threads 1 --seed 3)
out=$("$LOA" -q train embed --corpus "$tmp/corpus.txt" --out "$tmp/e.model" "${args[@]}" 2>"$tmp/err") ||
	{ cat "$tmp/err"; fail "train"; }
echo "$out"
echo "$out" | grep -Eq '^train embed: texts=90 tokens=390 vocab=10 dim=8 epochs=2 seconds=[0-9.]+ bytes=[0-9]+ bad_lines=2$' ||
	fail "summary: $out"
[ -s "$tmp/e.model" ] || fail "no model file"
bytes=$(echo "$out" | sed 's/.*bytes=\([0-9]*\).*/\1/')
[ "$(stat -c %s "$tmp/e.model")" -eq "$bytes" ] || fail "bytes= is not the file's size"
grep -q 'corpus.txt:91:' "$tmp/err" || { cat "$tmp/err"; fail "bad JSON line number not reported"; }
grep -q 'corpus.txt:92:' "$tmp/err" || { cat "$tmp/err"; fail "JSON without text not reported"; }
head -c 8 "$tmp/e.model" | grep -q 'LOAEMB' || fail "not a word-vector file"
grep -aq 'corpus=corpus.txt skipgram dim=8' "$tmp/e.model" || fail "default note"

# the same from stdin, twice as much (two --corpus), same seed: same file
out=$(cat "$tmp/corpus.txt" | "$LOA" -q train embed --corpus - --out "$tmp/s.model" "${args[@]}" \
	--note "ghi chú" 2>/dev/null) || fail "stdin"
echo "$out" | grep -q '^train embed: texts=90 tokens=390 vocab=10 ' || fail "stdin summary: $out"
grep -aq 'ghi chú' "$tmp/s.model" || fail "--note not stored"
out=$("$LOA" -q train embed --corpus "$tmp/corpus.txt" --corpus "$tmp/corpus.txt" --out "$tmp/d.model" \
	"${args[@]}" 2>/dev/null) || fail "two corpora"
echo "$out" | grep -q '^train embed: texts=180 tokens=780 vocab=10 .* bad_lines=4$' || fail "two corpora: $out"
"$LOA" -q train embed --corpus "$tmp/corpus.txt" --out "$tmp/e2.model" "${args[@]}" >/dev/null 2>&1 ||
	fail "second run"
cmp -s "$tmp/e.model" "$tmp/e2.model" || fail "one thread, same seed: files differ"

# a line over 1 MiB is cut at a UTF-8 boundary and counted
{
	printf 'đ%.0s' $(seq 600000)
	printf '\n'
	cat "$tmp/corpus.txt"
} >"$tmp/long.txt"
out=$("$LOA" -q train embed --corpus "$tmp/long.txt" --out "$tmp/l.model" "${args[@]}" 2>"$tmp/err") ||
	{ cat "$tmp/err"; fail "long line"; }
echo "$out" | grep -q '^train embed: texts=91 ' || fail "long line summary: $out"
grep -q '1 dòng dài quá 1 MiB bị cắt / lines cut' "$tmp/err" || { cat "$tmp/err"; fail "cut not reported"; }

# min-count too high: a clear error, exit 1, no file
"$LOA" -q train embed --corpus "$tmp/corpus.txt" --out "$tmp/x.model" --min-count 1000 \
	2>"$tmp/err" >/dev/null
[ $? -eq 1 ] || fail "min-count 1000: expected exit 1"
grep -q 'vocabulary empty' "$tmp/err" || { cat "$tmp/err"; fail "vocabulary empty message"; }
[ ! -e "$tmp/x.model" ] || fail "a model was written"

# usage errors: exit 2 and the sub-command's usage
for bad in "--dim 0" "--dim 513" "--window x" "--lr 0" "--sample 1" "--threads 0" "--bogus" \
	"--max-vocab 0" "--epochs"; do
	# shellcheck disable=SC2086
	"$LOA" train embed --corpus "$tmp/corpus.txt" --out "$tmp/y.model" $bad 2>"$tmp/err" >/dev/null
	rc=$?
	[ $rc -eq 2 ] || fail "'$bad': exit $rc, expected 2"
	grep -q '^loa train embed: ' "$tmp/err" || { cat "$tmp/err"; fail "'$bad': no message"; }
	grep -q 'usage: loa train embed --corpus' "$tmp/err" || { cat "$tmp/err"; fail "'$bad': no usage"; }
done
"$LOA" train embed --corpus "$tmp/corpus.txt" 2>"$tmp/err" >/dev/null
[ $? -eq 2 ] || fail "no --out: expected exit 2"
grep -q 'usage: loa train embed' "$tmp/err" || fail "no --out: usage"

# a missing corpus file: exit 1, the file named
"$LOA" train embed --corpus "$tmp/corpus.txt" --corpus "$tmp/nope.txt" --out "$tmp/z.model" \
	2>"$tmp/err" >/dev/null
[ $? -eq 1 ] || fail "missing corpus: expected exit 1"
grep -q 'cannot read: .*nope.txt' "$tmp/err" || { cat "$tmp/err"; fail "missing corpus message"; }
[ ! -e "$tmp/z.model" ] || fail "a model was written for a missing corpus"
echo "ok"
