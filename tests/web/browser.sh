#!/usr/bin/env bash
# The web interface in a real browser: builds web/dist, starts `loa demo`,
# drives /usr/bin/chromium with playwright-core (browser.test.mjs, then the
# press office's flows in workflow.test.mjs). Screenshots of every page go
# to $LOA_BUILD/web-screenshots/.
set -u
: "${LOA:?LOA must name the loa program}"
: "${LOA_SRC:?LOA_SRC must name the source tree}"
: "${LOA_BUILD:?LOA_BUILD must name the build folder}"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "skipped: $CHROMIUM is missing (setup.sh installs the Debian package chromium)"
  exit 77
fi
if ! command -v node >/dev/null; then
  echo "skipped: node is not installed"
  exit 77
fi
if [ ! -d "$LOA_SRC/web/node_modules/playwright-core" ] || [ ! -d "$LOA_SRC/web/node_modules/esbuild" ]; then
  echo "skipped: web/node_modules is missing (run setup.sh, or npm ci in web/)"
  exit 77
fi
# The test runs against the current sources: build web/dist first.
(cd "$LOA_SRC/web" && node build.mjs) || { echo "FAIL: node build.mjs"; exit 1; }
export CHROMIUM
# One file after the other: each starts its own demo and browser, and the
# first clears the screenshots folder.
node --test --test-reporter=spec "$LOA_SRC/tests/web/browser.test.mjs"; rc1=$?
node --test --test-reporter=spec "$LOA_SRC/tests/web/workflow.test.mjs"; rc2=$?
[ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ]
