#!/usr/bin/env bash
# The analysis endpoints on the analysed sample, checked against docs/api/openapi.json
# (needs python3-jsonschema).
if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
  echo "skipped: python3-jsonschema is not installed (./setup.sh installs it)"
  exit 77
fi
exec /usr/bin/python3 "$(dirname "$0")/api_analyze_test.py"
