# lib.sh - helpers for the store room's script tests (sourced); builds on
# the shared helpers of tests/cli/lib.sh.
. "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"

# summary_field FILE NAME : the value of NAME=… in the last "import:" line
summary_field() {
  grep -E '^import: ' "$1" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}
# expect_eq WHAT GOT WANT
expect_eq() {
  if [ "$2" = "$3" ]; then ok; else fail "$1: got '$2', expected '$3'"; fi
}
# db_items DB : the number of items in DB (via loa db status)
db_items() {
  "$LOA" --db "$1" db status | tr ' ' '\n' | sed -n 's/^items=//p'
}
# gen_items N [PREFIX] : N synthetic JSON-lines items on stdout
gen_items() {
  awk -v n="$1" -v p="${2:-s}" 'BEGIN {
    for (i = 1; i <= n; i++) {
      src = p "-" (i % 50)
      printf "{\"source\":\"%s\",\"id\":\"%d\",\"platform\":\"%s\",\"title\":\"Tin số %d\",", src, i, (i % 3 ? "web" : "facebook"), i
      printf "\"text\":\"Bộ Thông tin và Truyền thông thông báo nội dung số %d về chính sách mới cho người dân.\",", i
      printf "\"published_at\":\"2024-%02d-%02dT%02d:%02d:00+07:00\",\"reactions\":%d}\n", 1 + i % 12, 1 + i % 28, i % 24, i % 60, i % 1000
    }
  }'
}
