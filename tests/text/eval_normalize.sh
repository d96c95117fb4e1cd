#!/bin/bash
# eval_normalize.sh - every asserted row of peers/vi-normalize.tsv passes.
. "$LOA_SRC/tests/cli/lib.sh"
if [ ! -f "${LOA_SHARED:-}/peers/vi-normalize.tsv" ]; then
  echo "skipped: ${LOA_SHARED:-../shared}/peers/vi-normalize.tsv is missing (shared data not present)"
  exit 77
fi
expect_status 0 "$LOA" eval normalize --pairs "$LOA_SHARED/peers/vi-normalize.tsv"
cat "$TMP/out"
expect_grep "$TMP/out" '^normalize: pairs=[1-9][0-9]* passed=[0-9]+ failed=0( |$)'
finish
