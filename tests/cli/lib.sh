# lib.sh - helpers for loa's script tests (sourced).
set -u
: "${LOA:?LOA must name the loa program}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/loa-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
FAILS=0
CHECKS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
ok() { CHECKS=$((CHECKS + 1)); }
# expect_status WANT CMD... : runs CMD, checks its exit status; output in $TMP/out, $TMP/err
expect_status() {
  local want=$1; shift
  "$@" >"$TMP/out" 2>"$TMP/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    fail "'$*' exited $got, expected $want; stderr: $(head -c 400 "$TMP/err")"
  else ok; fi
}
# expect_grep FILE PATTERN : the file contains the (extended regex) pattern
expect_grep() {
  if grep -qE -- "$2" "$1"; then ok; else fail "$1 lacks /$2/: $(head -c 400 "$1")"; fi
}
need_shared() {
  if [ ! -d "${LOA_SHARED:-}/$1" ]; then
    echo "skipped: ${LOA_SHARED:-../shared}/$1 is missing (shared data not present)"
    exit 77
  fi
}
finish() {
  echo "$CHECKS checks, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}
