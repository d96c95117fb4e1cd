#!/usr/bin/env bash
# The network room end to end (publishing, feeds, verify, API vs openapi.json,
# directory, reach). Needs python3-jsonschema and python3-feedparser.
for m in jsonschema feedparser; do
  if ! /usr/bin/python3 -c "import $m" 2>/dev/null; then
    echo "skipped: python3-$m is not installed (./setup.sh installs it)"
    exit 77
  fi
done
exec /usr/bin/python3 "$(dirname "$0")/network_test.py"
