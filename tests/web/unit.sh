#!/usr/bin/env bash
# Front-end unit tests (web/src/lib: escaping, formats, highlights, CSV,
# measures) and the no-markup rule, with node's test runner. No browser.
set -u
: "${LOA_SRC:?LOA_SRC must name the source tree}"
if ! command -v node >/dev/null; then
  echo "skipped: node is not installed (setup.sh installs it with npm)"
  exit 77
fi
exec node --test --test-reporter=spec "$LOA_SRC/tests/web/unit.test.mjs"
