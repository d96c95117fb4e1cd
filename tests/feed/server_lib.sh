# server_lib.sh - starts tests/feed/fixture_server.py on 127.0.0.1 (ephemeral
# port) for the fetch tests; sourced after tests/cli/lib.sh. Sets PORT, BASE
# and CONF (a loa.conf with short timeouts). The server is stopped at exit
# and stops by itself after its lifetime anyway.
PY=${PYTHON:-/usr/bin/python3}
if [ ! -x "$PY" ]; then
  echo "skipped: $PY is missing (the fixture server needs python3)"
  exit 77
fi
SERVER_LOG="$TMP/server.log"
"$PY" "$LOA_SRC/tests/feed/fixture_server.py" "$TMP/port" "$SERVER_LOG" 300 2>"$TMP/server.err" &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do
  [ -s "$TMP/port" ] && break
  sleep 0.1
done
if [ ! -s "$TMP/port" ]; then
  echo "FAIL: the fixture server did not start: $(cat "$TMP/server.err")"
  exit 1
fi
PORT=$(cat "$TMP/port")
BASE="http://127.0.0.1:$PORT"
CONF="$TMP/loa.conf"
cat > "$CONF" <<CONFEOF
fetch.timeout = 5s
fetch.connect_timeout = 2s
fetch.low_speed_limit = 100
fetch.low_speed_time = 2s
fetch.max_body = 1M
fetch.min_interval = 1m
fetch.run_timeout = 60s
CONFEOF
# L ARGS... : the program with the test configuration, bounded in time
L() { timeout 90 "$LOA" --config "$CONF" "$@"; }
# server_set V : the version /mutable.xml serves
server_set() {
  "$PY" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1]).read()" "$BASE/_set?v=$1"
}
# hits PATTERN : requests the server saw whose path matches PATTERN
hits() { grep -cE -- "$1" "$SERVER_LOG" || true; }
# field FILE NAME : NAME=value of the last "ingest:" line
field() { grep -E '^ingest: ' "$1" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }
expect_eq() { if [ "$2" = "$3" ]; then ok; else fail "$1: got '$2', expected '$3'"; fi; }
# state SLUG : the state column of `loa sources list` for SLUG
state() { L --db "$DB" sources list | awk -v s="$1" '$1 == s {print $6}'; }
