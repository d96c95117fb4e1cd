#!/usr/bin/env bash
# WebSub hub and subscriber against a loopback harness playing websub.rocks
# (hub 100-106, subscriber 100-104, 200-205, 300-302), SSRF, rate limit,
# retries, replay. Needs python3-jsonschema (for netlib's API checks).
if ! /usr/bin/python3 -c "import jsonschema" 2>/dev/null; then
  echo "skipped: python3-jsonschema is not installed (./setup.sh installs it)"
  exit 77
fi
exec /usr/bin/python3 "$(dirname "$0")/websub_test.py"
