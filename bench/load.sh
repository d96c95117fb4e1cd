#!/usr/bin/env bash
# bench/load.sh - the server under load (issue 7, deliverable 8), on loopback:
#   1. wrk against GET /api/v1/measures?by=org&since=30d and GET /api/v1/search
#      (a few Vietnamese queries, rotated by a wrk Lua script) with N (default
#      1,000,000) synthetic items stored; reference: wrk against /healthz on the
#      same server in the same run (the server's floor);
#   2. 1,000 SSE clients on /api/v1/events and a burst of 1,000 items imported
#      by `loa import`: every client must get every item (bench/sse_clients.c).
# Prints bench: lines (see bench/README.md); progress on stderr.
#
#   nice bench/load.sh
#   N=100000 ANALYZE_LIMIT=0 LOA=build-x/loa bench/load.sh
#
# The database is built once and reused (CACHE, default $TMPDIR/loa-load-N;
# KEEP=0 deletes it at the end): gen_items.py's items with their dates moved
# so that the generated year ends today (measures over "since=30d" have data)
# and the items of 3 sources out of 4 owned by one of 20 organisations, then
# `loa import`, `loa analyze --limit ANALYZE_LIMIT` (default 200,000 of the 1M:
# about a fifth of every day, spread evenly; 0 = all), `loa search --reindex`.
# Each run's SSE burst adds 1,000 items to the cached database (their text
# does not hold the phrase "cải cách thủ tục hành chính" of the search queries:
# the newest items matching it would end that query at once, so later runs
# would measure another workload; on gen_items.py's words it matches nothing
# and is evaluated over whole doclists). Measures are
# read from the analysis room's aggregate (analyze_measure); a cache built by
# an older program gets it (backfilled) before the server starts.
#
# wrk runs with --timeout 10s so that slow answers count in the latencies
# instead of being dropped as timeouts (its default is 2 s).
# Knobs: DURATION (wrk seconds, 20), CONNS (50), WRK_THREADS (2), HTTP_THREADS
# (4), CLIENTS (1000), BURST (1000), SSE=0 to skip the SSE part.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
LOA=${LOA:-$here/../build/loa}
N=${N:-1000000}
ANALYZE_LIMIT=${ANALYZE_LIMIT:-200000}
DURATION=${DURATION:-20}
CONNS=${CONNS:-50}
WRK_THREADS=${WRK_THREADS:-2}
HTTP_THREADS=${HTTP_THREADS:-4}
CLIENTS=${CLIENTS:-1000}
BURST=${BURST:-1000}
SSE=${SSE:-1}
PY=${PYTHON:-python3}
CC=${CC:-cc}
CACHE=${CACHE:-${TMPDIR:-/tmp}/loa-load-$N}
command -v wrk >/dev/null || { echo "bench load: wrk missing (apt-get install wrk)" >&2; exit 1; }
[ -x "$LOA" ] || { echo "bench load: no loa program at $LOA (set LOA=)" >&2; exit 1; }
LOA=$(cd "$(dirname "$LOA")" && pwd)/$(basename "$LOA")
W=$(mktemp -d "${TMPDIR:-/tmp}/loa-bench.XXXXXX")
server=
cleanup() {
	if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
	rm -rf "$W"
	[ "${KEEP:-1}" = 1 ] || rm -rf "$CACHE"
}
trap cleanup EXIT

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
DB=$CACHE/loa.db
loa() { "$LOA" --db "$DB" "$@"; }

ORGS="bo-y-te bo-giao-duc-dao-tao bo-tai-chinh bo-cong-an bo-xay-dung bo-giao-thong-van-tai
bo-tai-nguyen-moi-truong bo-thong-tin-truyen-thong bo-noi-vu bo-tu-phap ubnd-ha-noi
ubnd-tp-ho-chi-minh ubnd-da-nang ubnd-hai-phong ubnd-can-tho ubnd-quang-ninh ubnd-nghe-an
ubnd-thanh-hoa ubnd-khanh-hoa ubnd-lam-dong"

# ---- the database (built once) ----
if [ -f "$CACHE/ready" ]; then
	echo "bench load: reusing $DB ($(cat "$CACHE/ready"))" >&2
	read -r gen_s import_s analyze_s reindex_s analysed < "$CACHE/ready"
else
	rm -rf "$CACHE" && mkdir -p "$CACHE"
	echo "bench load: generating $N items in $CACHE" >&2
	t0=$(now)
	if [ -n "${ITEMS_JSONL:-}" ]; then   # gen_items.py's output from an earlier run
		cp "$ITEMS_JSONL" "$CACHE/gen.jsonl"
	else
		"$PY" "$here/gen_items.py" --n "$N" --jsonl "$CACHE/gen.jsonl" --csv /dev/null
	fi
	# dates moved so the generated year ends today; 3 sources of 4 owned by an organisation
	"$PY" - "$CACHE/gen.jsonl" "$CACHE/items.jsonl" $ORGS <<'EOF'
import datetime, re, sys, time
src, dst, orgs = sys.argv[1], sys.argv[2], sys.argv[3:]
T0 = 1704042000  # gen_items.py's start; its items span 366 days
shift = int(time.time()) // 86400 * 86400 - (T0 + 366 * 86400)
pat = re.compile(r'"published_at":"([^"]+)"')
srcpat = re.compile(r'"source":"[a-z]+-(\d+)"')
utc = datetime.timezone.utc
def move(m):
    t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=utc)
    t = datetime.datetime.fromtimestamp(t.timestamp() + shift, utc)
    return '"published_at":"%s"' % t.strftime("%Y-%m-%dT%H:%M:%SZ")
with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
    for line in f:
        line = pat.sub(move, line, count=1)
        s = int(srcpat.search(line).group(1))
        if s % 4:
            line = line.rstrip("\n")[:-1] + ',"org":"%s"}\n' % orgs[s % len(orgs)]
        out.write(line)
EOF
	rm -f "$CACHE/gen.jsonl"
	gen_s=$(since "$t0")
	loa db migrate > /dev/null
	i=0
	for o in $ORGS; do
		i=$((i + 1))
		kind=ministry
		case $o in ubnd-*) kind=province ;; esac
		loa orgs add --slug "$o" --name "Cơ quan $i ($o)" --kind "$kind" > /dev/null
	done
	echo "bench load: loa import" >&2
	t0=$(now)
	loa import "$CACHE/items.jsonl" >&2
	import_s=$(since "$t0")
	rm -f "$CACHE/items.jsonl"
	echo "bench load: loa analyze --limit $ANALYZE_LIMIT" >&2
	t0=$(now)
	if [ "$ANALYZE_LIMIT" = 0 ]; then loa analyze >&2; else loa analyze --limit "$ANALYZE_LIMIT" >&2; fi
	analyze_s=$(since "$t0")
	analysed=$(sqlite3 "$DB" "SELECT count(*) FROM analyze_item" 2>/dev/null || echo "?")
	echo "bench load: loa search --reindex" >&2
	t0=$(now)
	loa search --reindex >&2
	reindex_s=$(since "$t0")
	echo "$gen_s $import_s $analyze_s $reindex_s $analysed" > "$CACHE/ready"
fi
items=$(loa db status | tr ' ' '\n' | sed -n 's/^items=//p')
loa analyze aliases list > /dev/null # opens the analysis tables: migrates an older cache
measure_rows=$(sqlite3 "$DB" "SELECT count(*) FROM analyze_measure" 2>/dev/null || echo "?")
echo "bench: name=load_setup items=$items generate_seconds=$gen_s import_seconds=$import_s" \
	"analyze_seconds=$analyze_s analysed_items=$analysed reindex_seconds=$reindex_s" \
	"measure_rows=$measure_rows"

# ---- the server and a token ----
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if ! loa users list 2>/dev/null | grep -q '^bench\b'; then
	echo "bench-password-$$-not-secret" | loa users add bench --role analyst --password-stdin > /dev/null
fi
token=$(loa users token bench --label load-bench | grep -Eo '[A-Za-z0-9_.-]{24,}' | tail -1)
[ -n "$token" ] || { echo "bench load: no token from loa users token" >&2; exit 1; }
# background jobs off, so that only the requests measured use the machine
ulimit -n 8192
nice -n 0 "$LOA" --db "$DB" --log-level warn --set http.threads="$HTTP_THREADS" \
	--set analyze.interval_s=0 --set ingest.interval_s=0 \
	serve --listen "127.0.0.1:$port" > "$W/serve.out" 2> "$W/serve.log" &
server=$!
for _ in $(seq 100); do
	curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break
	sleep 0.1
done
base="http://127.0.0.1:$port"
auth="Authorization: Bearer $token"
code=$(curl -s -o "$W/m.json" -w '%{http_code}' -H "$auth" "$base/api/v1/measures?by=org&since=30d")
[ "$code" = 200 ] || { echo "bench load: measures answered $code: $(head -c 300 "$W/m.json")" >&2; exit 1; }
groups=$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d.get("groups", [])), d.get("total", {}).get("n", "?"))' "$W/m.json" 2>/dev/null || echo "? ?")
echo "bench load: measures by=org since=30d: groups and items counted: $groups" >&2

# ---- wrk ----
cat > "$W/search.lua" <<'EOF'
-- rotates realistic queries (URL-encoded): words, a phrase, AND/OR/NOT,
-- a field, and one typed without diacritics
local q = {
  "chuy%E1%BB%83n%20%C4%91%E1%BB%95i%20s%E1%BB%91",
  "%22c%E1%BA%A3i%20c%C3%A1ch%20th%E1%BB%A7%20t%E1%BB%A5c%20h%C3%A0nh%20ch%C3%ADnh%22",
  "bi%E1%BA%BFn%20%C4%91%E1%BB%95i%20kh%C3%AD%20h%E1%BA%ADu%20AND%20n%C3%B4ng%20th%C3%B4n",
  "gi%C3%A1o%20d%E1%BB%A5c%20OR%20y%20t%E1%BA%BF",
  "h%E1%BB%8Dp%20b%C3%A1o%20NOT%20facebook",
  "platform%3Afacebook%20an%20sinh",
  "chinh%20sach%20ho%20tro%20doanh%20nghiep",
  "d%E1%BB%B1%20th%E1%BA%A3o%20ngh%E1%BB%8B%20%C4%91%E1%BB%8Bnh",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/search?q=" .. q[(i % #q) + 1])
end
EOF
# wrk's latency figures in ms
ms() { awk -v v="$1" 'BEGIN { u = v; sub(/[0-9.]+/, "", u); x = v + 0;
	if (u == "us") x /= 1000; else if (u == "s") x *= 1000; else if (u == "m") x *= 60000;
	printf "%.2f", x }'; }
run_wrk() { # name path [script]
	local name=$1 path=$2 out="$W/wrk-$1"
	echo "bench load: wrk $path" >&2
	if [ $# -ge 3 ]; then
		wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 10s --latency -H "$auth" -s "$3" "$base$path" > "$out"
	else
		wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 10s --latency -H "$auth" "$base$path" > "$out"
	fi
	cat "$out" >&2
	rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
	p50=$(ms "$(awk '$1 == "50%" { print $2 }' "$out")")
	p99=$(ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	bad=$(awk '/Non-2xx/ { print $NF }' "$out")
	# connect/read/write/timeout
	serr=$(awk '/Socket errors/ { gsub(",", ""); print $4 "/" $6 "/" $8 "/" $10 }' "$out")
	echo "bench: name=load_$name requests_per_s=$rps p50_ms=$p50 p99_ms=$p99 non2xx=${bad:-0}" \
		"socket_errors=${serr:-0} conns=$CONNS seconds=$DURATION http_threads=$HTTP_THREADS"
	eval "rps_$name=$rps"
}
run_wrk healthz /healthz
run_wrk measures "/api/v1/measures?by=org&since=30d"
run_wrk search /api/v1/search "$W/search.lua"
echo "bench: name=load_healthz ref=healthz ref_requests_per_s=$rps_healthz"
awk -v m="$rps_measures" -v s="$rps_search" -v h="$rps_healthz" 'BEGIN {
	printf "bench: name=load ratio_measures=%.4f ratio_search=%.4f\n", m / h, s / h }'

# ---- 1,000 SSE clients, a burst of 1,000 items ----
if [ "$SSE" = 1 ]; then
	"$CC" -O2 -std=c17 -D_GNU_SOURCE -Wall -o "$W/sse_clients" "$here/sse_clients.c"
	stamp=$(date +%s)
	"$PY" - "$W/burst.jsonl" "$BURST" "$stamp" <<'EOF'
import datetime, json, sys
out, n, stamp = sys.argv[1], int(sys.argv[2]), sys.argv[3]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        f.write(json.dumps({"source": "web-burst", "id": "burst-%s-%d" % (stamp, i),
                            "title": "Tin mới %d: họp báo về chuyển đổi số" % i,
                            "text": "Bộ Thông tin và Truyền thông họp báo thường kỳ về chuyển "
                                    "đổi số, thủ tục hành chính (tin %d)." % i,
                            "lang": "vi", "published_at": now, "org": "bo-thong-tin-truyen-thong"},
                           ensure_ascii=False) + "\n")
EOF
	echo "bench load: $CLIENTS SSE clients, burst of $BURST items" >&2
	"$W/sse_clients" --port "$port" --token "$token" --clients "$CLIENTS" --items "$BURST" -- \
		sh -c 'exec "$0" "$@" >&2' "$LOA" --db "$DB" -q import "$W/burst.jsonl"
fi
kill -TERM "$server" && wait "$server" || true
server=
grep -v '^$' "$W/serve.log" | tail -5 >&2 || true
