#!/bin/bash
# feeds.sh - parse + sanitise + text extraction of 10,000 items in 200 RSS
# 2.0 files of Vietnamese news (generated from VNTC articles), next to
# Debian's python3-feedparser and the npm package feedsmith (pinned in
# bench/package.json, installed into a temp dir) on the same files in the
# same run. Goal (issue 4): at least feedsmith's rate, with sanitising and
# text extraction included (feedsmith does neither).
#
#   bench/feeds.sh [ROUNDS]      (default 5; best round counts)
# Env: LOA_SHARED (default ../shared), LOA_BUILD (default build).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${LOA_SHARED:-$SRC/../shared}
BUILD=${LOA_BUILD:-$SRC/build}
ROUNDS=${1:-5}
DATA=$SHARED/data/vntc/vntc10_train.jsonl.xz
if [ ! -f "$DATA" ]; then
  echo "bench/feeds.sh: thiếu dữ liệu / missing $DATA" >&2
  exit 77
fi
# The articles are the publishers' copyright: benchmarks only (SOURCE.txt);
# the generated feeds live in a temp dir and are deleted afterwards.
sed -n '1p;/^Source/,/^Citation/p' "$SHARED/data/vntc/SOURCE.txt" | head -6 >&2
cmake --build "$BUILD" --target bench_feeds >/dev/null
TMP=$(mktemp -d "${TMPDIR:-/tmp}/loa-bench-feeds.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/feeds"

# 200 files x 50 items; each item: title (the article's first words),
# link, guid, pubDate, category, and an HTML description (CDATA) with the
# article in paragraphs, an image, a link and a script as real feeds have.
{ xz -dc "$DATA" || true; } | head -n 10000 | python3 -c '
import sys, json, html, random
random.seed(4)
out = sys.argv[1]
items = [json.loads(l) for l in sys.stdin]
for f in range(200):
    with open("%s/feed%03d.xml" % (out, f), "w", encoding="utf-8") as w:
        w.write("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>"
                "<title>Báo %d</title><link>https://bao%d.vn/</link><description>Tin tức</description>"
                "<language>vi</language>\n" % (f, f))
        for i in range(50):
            it = items[f * 50 + i]
            words = it["text"].split()
            title = " ".join(words[:14])
            body = " ".join(words[14:14 + random.randint(80, 220)])
            paras = [" ".join(body.split()[k:k + 40]) for k in range(0, len(body.split()), 40)]
            desc = "".join("<p>%s</p>" % html.escape(p, quote=False) for p in paras)
            desc = ("<a href=\"/bai/%d.html\"><img src=\"/anh/%d.jpg\" alt=\"%s\" /></a>%s"
                    "<script>track(%d)</script>" % (f * 50 + i, i, html.escape(title), desc, i))
            w.write("<item><title>%s</title><link>https://bao%d.vn/bai/%d.html</link>"
                    "<guid isPermaLink=\"false\">%s</guid><pubDate>Sat, 12 Aug 2006 09:%02d:00 +0700</pubDate>"
                    "<category>%s</category><description><![CDATA[%s]]></description></item>\n"
                    % (html.escape(title, quote=False), f, f * 50 + i, it["sha1"], i, it["topic"], desc))
        w.write("</channel></rss>\n")
' "$TMP/feeds"
echo "bench: input=vntc10_train files=$(ls "$TMP/feeds" | wc -l) mb=$(du -sm "$TMP/feeds" | cut -f1)" >&2

LOA_LINE=$(nice "$BUILD/bench_feeds" "$ROUNDS" "$TMP"/feeds/*.xml)
echo "$LOA_LINE"
loa_rate=$(sed -n 's/.* items_per_s=\([0-9]*\).*/\1/p' <<<"$LOA_LINE")

# python3-feedparser (sanitises and resolves URLs; no text rendering)
FP_LINE=""
PY3=/usr/bin/python3
[ -x "$PY3" ] || PY3=python3
if "$PY3" -c "import feedparser" 2>/dev/null; then
  FP_LINE=$(nice "$PY3" - "$TMP"/feeds/*.xml <<'PY'
import sys, time, feedparser
files = sys.argv[1:]
bodies = [open(f, "rb").read() for f in files]
size = sum(len(b) for b in bodies)
best = 1e30
for _ in range(2):
    t = time.perf_counter(); n = 0
    for b in bodies:
        n += len(feedparser.parse(b).entries)
    best = min(best, time.perf_counter() - t)
print("bench: name=feeds ref=feedparser version=%s items=%d ref_items_per_s=%.0f ref_mb_per_s=%.1f"
      % (feedparser.__version__, n, n / best, size / 1e6 / best))
PY
)
  echo "$FP_LINE"
else
  echo "bench/feeds.sh: python3-feedparser missing (apt-get install python3-feedparser)" >&2
fi

# feedsmith (npm, pinned): parse only
FS_LINE=""
if command -v npm >/dev/null && command -v node >/dev/null; then
  mkdir -p "$TMP/npm"
  cp "$SRC/bench/package.json" "$SRC/bench/package-lock.json" "$TMP/npm/"
  if (cd "$TMP/npm" && npm ci --no-audit --no-fund --silent >/dev/null 2>&1); then
    FS_LINE=$(cd "$TMP/npm" && nice node - "$ROUNDS" "$TMP"/feeds/*.xml <<'JS'
const fs = require('fs');
const { parseRssFeed } = require('feedsmith');
const [rounds, ...files] = process.argv.slice(2);
const texts = files.map(f => fs.readFileSync(f, 'utf8'));
const size = files.reduce((s, f) => s + fs.statSync(f).size, 0);
let best = 1e30, n = 0;
for (let r = 0; r < Math.max(2, +rounds); r++) {
  const t = process.hrtime.bigint(); n = 0;
  for (const x of texts) n += (parseRssFeed(x).items || []).length;
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (s < best) best = s;
}
const v = require('feedsmith/package.json').version;
console.log(`bench: name=feeds ref=feedsmith version=${v} items=${n} ref_items_per_s=${(n / best).toFixed(0)} ref_mb_per_s=${(size / 1e6 / best).toFixed(1)}`);
JS
)
    echo "$FS_LINE"
  else
    echo "bench/feeds.sh: npm ci failed (offline?); feedsmith skipped" >&2
  fi
fi
fs_rate=$(sed -n 's/.* ref_items_per_s=\([0-9]*\).*/\1/p' <<<"$FS_LINE")
if [ -n "$fs_rate" ] && [ -n "$loa_rate" ]; then
  awk -v a="$loa_rate" -v b="$fs_rate" 'BEGIN { printf "bench: name=feeds ratio=%.2f goal=1.0 (loa with sanitising+text / feedsmith parse only)\n", a / b }'
fi
