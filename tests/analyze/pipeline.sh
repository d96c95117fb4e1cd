#!/usr/bin/env bash
# The analysis pipeline end to end on the bundled sample (the sample of
# `loa demo`): analyze, report (own vs about, Wilson interval), labels
# (override, audit, retraining), stories, claims, eval stories, bad input.
# Tiny models are trained here from tests/analyze/data, so the test does not
# depend on the shipped models.
. "$LOA_SRC/tests/cli/lib.sh"
cd "$TMP"
DATA="$LOA_SRC/tests/analyze/data"
SAMPLE="$LOA_SRC/data/sample"
mkdir -p models
export LOA_MODELS="$TMP/models"
py() { python3 -c "$@"; }
command -v python3 >/dev/null || { echo "skipped: python3 is needed to read JSON"; exit 77; }

expect_status 0 "$LOA" train classify --train "$DATA/tone_tiny.txt" --out models/tone.model --folds 0
expect_status 0 "$LOA" train classify --train "$DATA/toxicity_tiny.txt" --out models/toxicity.model --folds 0

# the organisations of the sample, then its items (storing only)
while IFS= read -r line; do
  slug=$(printf '%s' "$line" | sed -E 's/.*"slug": "([^"]*)".*/\1/')
  name=$(printf '%s' "$line" | sed -E 's/.*"name": "([^"]*)".*/\1/')
  "$LOA" --db t.db orgs add --slug "$slug" --name "$name" >/dev/null 2>&1 || fail "orgs add $slug"
done < "$SAMPLE/orgs.jsonl"
expect_status 0 "$LOA" --db t.db import "$SAMPLE/items.jsonl"
n=$(wc -l < "$SAMPLE/items.jsonl" | tr -d ' ')

expect_status 0 "$LOA" --db t.db analyze --pending
expect_grep "$TMP/out" "^analyze: pending=$n\$"
expect_status 0 "$LOA" --db t.db analyze
expect_grep "$TMP/out" "^analyze: items=$n vi=$n .* remaining=0 seconds="
grep -q ' unclassified=0 ' "$TMP/out" && ok || fail "items left unclassified: $(cat "$TMP/out")"
grep -qE ' mentions=[1-9]' "$TMP/out" && ok || fail "no organisation mentioned: $(cat "$TMP/out")"
# the queue is empty; a second run does nothing
expect_status 0 "$LOA" --db t.db analyze
expect_grep "$TMP/out" '^analyze: items=0 '

# stories: the sample republishes items across outlets
expect_status 0 "$LOA" --db t.db stories --limit 5
expect_grep "$TMP/out" '^#[0-9]+ +[0-9]+ tin/items +[0-9]+ nguồn/outlets'
first=$(grep -oE '^#[0-9]+' "$TMP/out" | head -1 | tr -d '#')
expect_status 0 "$LOA" --db t.db stories show "$first"
expect_grep "$TMP/out" 'Tin đầu / first item: [0-9]+'
expect_grep "$TMP/out" 'Lan truyền theo ngày / spread per day'
expect_status 1 "$LOA" --db t.db stories show 999999999
expect_status 2 "$LOA" --db t.db stories show abc

# report: the organisation's own channels and what others say about it
expect_status 0 "$LOA" --db t.db report --format json --org bo-y-te
cp "$TMP/out" report.json
py '
import json, sys
r = json.load(open("report.json"))
o = r["orgs"][0]
assert o["slug"] == "bo-y-te", o["slug"]
for side in ("own", "about"):
    a = o[side]
    assert a["items"] > 0, (side, a)
    s, lo, hi = a["negative_share"], a["ci_low"], a["ci_high"]
    assert 0 <= lo <= s <= hi <= 1, (side, lo, s, hi)
    assert a["line"] == 0.15
    assert a["status"] in ("under", "over", "uncertain"), a["status"]
    assert a["negative"] == round(s * a["labelled"]), a
assert 0 <= o["share_of_voice"] <= 1
assert r["method"]["tone_model"], "the method names the model"
assert r["windows"]["day"] and r["windows"]["week"] and r["windows"]["month"]
assert r["windows"]["month"][0]["date"] == "2026-10-01", r["windows"]["month"][0]
assert r["windows"]["day"][0]["start"].startswith("2026-10-2"), r["windows"]["day"][0]
assert r["total"]["items"] >= o["own"]["items"]
' && ok || fail "report json checks"
expect_status 0 "$LOA" --db t.db report --format csv --from 2026-10-01 --to 2026-12-31
expect_grep "$TMP/out" '^section,key,date,items,labelled,positive,neutral,negative,negative_share,ci_low,ci_high'
expect_grep "$TMP/out" '^org_own,bo-y-te,,[0-9]+,'
expect_status 0 "$LOA" --db t.db report --format html --out r.html
grep -q '<svg' r.html && grep -q 'Wilson' r.html && grep -q '15%' r.html && ok || fail "html report lacks charts or method"
# the dashboard's measures: grouped, per window
expect_status 0 "$LOA" --db t.db report --by org --scope own --interval week
cp "$TMP/out" measures.json
py '
import json
m = json.load(open("measures.json"))
assert m["threshold"] == 0.15 and m["scope"] == "own" and m["interval"] == "week"
keys = [g["key"] for g in m["groups"]]
assert "bo-y-te" in keys, keys
assert sum(g["n"] for g in m["groups"]) == m["total"]["n"]
for g in m["groups"]:
    assert 0 <= g["lo"] <= g["share"] <= g["hi"] <= 1, g
    assert sum(p["n"] for p in g["points"]) == g["n"]
' && ok || fail "measures json checks"
expect_status 2 "$LOA" --db t.db report --by nothing
expect_status 2 "$LOA" --db t.db report --org no-such-org
expect_status 2 "$LOA" --db t.db report --format pdf
expect_status 2 "$LOA" --db t.db report --from 2026-11-10 --to 2026-11-01

# an analyst's label overrides the model, is audited, survives re-analysis
"$LOA" --db t.db stories show "$first" > story.txt
item=$(awk '/^Các tin \/ items:/{f=1; next} f && NF {print $1; exit}' story.txt)
model=$(awk -v id="$item" '/^Các tin/{f=1; next} f && $1 == id {print $5; exit}' story.txt)
want=negative; [ "$model" = negative ] && want=positive
audit0=$("$LOA" --db t.db db status | sed -n 's/^db: .* audit=\([0-9]*\).*/\1/p')
expect_status 0 "$LOA" --db t.db label "$item" --task tone --label "$want" --by "Nguyễn Thu Hà" --why "đọc lại cả bài"
expect_grep "$TMP/out" "^label: item=$item task=tone label=$want by=Nguyễn Thu Hà\$"
audit1=$("$LOA" --db t.db db status | sed -n 's/^db: .* audit=\([0-9]*\).*/\1/p')
[ "$((audit1))" -eq "$((audit0 + 1))" ] && ok || fail "audit log did not grow ($audit0 -> $audit1)"
"$LOA" --db t.db stories show "$first" | awk -v id="$item" '$1 == id {print $5}' | grep -qx "$want" && ok ||
  fail "the label did not override the model"
expect_status 0 "$LOA" --db t.db analyze --all
grep -q ' human=1 ' "$TMP/out" && ok || fail "re-analysis lost the person's label: $(cat "$TMP/out")"
"$LOA" --db t.db stories show "$first" | awk -v id="$item" '$1 == id {print $5}' | grep -qx "$want" && ok ||
  fail "the label did not survive re-analysis"
expect_status 2 "$LOA" --db t.db label "$item" --task tone --label furious --by x
expect_status 2 "$LOA" --db t.db label "$item" --task tone --label negative
expect_status 1 "$LOA" --db t.db label 999999999 --task tone --label negative --by x
# labels become training rows
expect_status 0 "$LOA" --db t.db label 2 --task tone --label neutral --by "Trần Minh"
expect_status 0 "$LOA" --db t.db labels export --task tone
[ "$(wc -l < "$TMP/out")" -eq 2 ] && ok || fail "labels export: $(cat "$TMP/out")"
cat "$DATA/tone_tiny.txt" "$TMP/out" > own.tsv
expect_status 0 "$LOA" train classify --train own.tsv --out own.model --folds 0
expect_grep "$TMP/out" 'n=32'
# or straight from the database
expect_status 0 "$LOA" train classify --train "$DATA/tone_tiny.txt" --labels-from t.db --task tone --out own2.model --folds 0
expect_grep "$TMP/out" 'n=32'
expect_grep "$TMP/err" "2 nhãn của cán bộ / analysts' labels \(tone\)"
expect_status 1 "$LOA" train classify --labels-from no-such.db --out own3.model --folds 0

# false claims
claim="Nhiều sai phạm trong dịch vụ công trực tuyến bị phát hiện, hồ sơ trực tuyến thất thoát hàng chục tỉ đồng"
expect_status 0 "$LOA" --db t.db claims add --text "$claim" --title "Thất thoát dịch vụ công" --rebuttal-url "https://cong-ha-noi.example.vn/bac-bo/1"
expect_grep "$TMP/out" '^claims: added id=1 matched_items=[1-9]'
expect_status 0 "$LOA" --db t.db claims list
expect_grep "$TMP/out" '^#1 '
expect_status 0 "$LOA" --db t.db claims show 1
expect_grep "$TMP/out" 'tin sai/claim  cải chính/rebuttal'
expect_grep "$TMP/out" '^  20[0-9-]+ +[0-9]+ +[0-9]+  '
expect_status 2 "$LOA" --db t.db claims add --text ""
expect_status 2 "$LOA" --db t.db claims add --text "tin" --rebuttal-url "ftp://x"
expect_status 1 "$LOA" --db t.db claims show 42

# eval stories on a small pairs file written for this project
expect_status 0 "$LOA" eval stories --pairs "$DATA/story_pairs.jsonl"
expect_grep "$TMP/out" '^stories: pairs=6 precision=1\.0000 recall=1\.0000 f1=1\.0000$'
printf '{"a": "x"}\nnot json\n' > bad_pairs.jsonl
expect_status 1 "$LOA" eval stories --pairs bad_pairs.jsonl
expect_grep "$TMP/err" 'bad_pairs.jsonl:1'
expect_status 2 "$LOA" eval stories
expect_status 1 "$LOA" eval stories --pairs no-such-file

# stories merged: A (sentences 1-6) and B (6-12) of one article do not meet,
# C (the whole) meets both: B's story merges into A's, in the database too
cat > art.txt <<'ART'
Sáng 12 tháng 3, Ủy ban nhân dân tỉnh Quảng Nam tổ chức hội nghị triển khai kế hoạch phòng chống hạn hán và xâm nhập mặn năm nay.
Theo báo cáo của Sở Nông nghiệp, lượng mưa từ đầu mùa khô thấp hơn trung bình nhiều năm khoảng bốn mươi phần trăm.
Mực nước tại các hồ chứa thủy lợi lớn như Phú Ninh và Việt An chỉ đạt hơn một nửa dung tích thiết kế.
Khoảng mười hai nghìn héc ta lúa vụ đông xuân ở các huyện ven biển có nguy cơ thiếu nước tưới vào cuối vụ.
Độ mặn đo được tại trạm bơm Vĩnh Điện đã vượt ngưỡng cho phép trong nhiều ngày liên tiếp của tuần trước.
Phó chủ tịch tỉnh yêu cầu các địa phương rà soát toàn bộ nguồn nước và lập phương án điều tiết hợp lý cho từng xã.
Ngành điện được đề nghị ưu tiên cấp điện ổn định cho các trạm bơm chống hạn trong những tháng cao điểm.
Công ty khai thác thủy lợi sẽ nạo vét kênh mương nội đồng, sửa chữa cống ngăn mặn trước ngày ba mươi tháng tư.
Tỉnh dự kiến bố trí khoảng ba mươi lăm tỷ đồng từ ngân sách dự phòng để hỗ trợ nông dân bị thiệt hại.
Những diện tích không bảo đảm nước tưới được khuyến khích chuyển sang trồng ngô, đậu xanh và rau màu chịu hạn.
Người dân các xã vùng cát được hướng dẫn tiết kiệm nước sinh hoạt, không khoan giếng tự phát gây sụt lún.
Trung tâm nước sạch nông thôn cho biết sẽ dùng xe bồn chở nước miễn phí đến các thôn thường xuyên thiếu nước.
ART
py '
import json
s = [l.strip() for l in open("art.txt", encoding="utf-8") if l.strip()]
cuts = [("vnexpress", "a", s[0:6]), ("tuoitre", "b", s[5:12]), ("thanhnien", "c", s[0:12])]
with open("merge.jsonl", "w", encoding="utf-8") as f:
    for i, (src, ident, part) in enumerate(cuts):
        f.write(json.dumps({"source": src, "id": ident, "published_at": "2026-03-12T0%d:00:00Z" % (i + 1),
                            "title": "Quảng Nam chống hạn", "text": " ".join(part)}, ensure_ascii=False) + "\n")
'
expect_status 0 "$LOA" --db merge.db import --analyze merge.jsonl
expect_grep "$TMP/out" '^analyze: items=3 vi=3 stories_new=2 stories_joined=1 stories_merged=1 remaining=0 '
py '
import sqlite3
db = sqlite3.connect("merge.db")
for t in ("analyze_item", "analyze_sig"):
    n, k = db.execute("SELECT count(*), count(DISTINCT story_id) FROM " + t).fetchone()
    assert (n, k) == (3, 1), (t, n, k)
first = db.execute("SELECT min(item_id) FROM analyze_item").fetchone()[0]
assert db.execute("SELECT story_id FROM analyze_item LIMIT 1").fetchone()[0] == first
' && ok || fail "merged stories: the items do not share one story in the database"
expect_status 0 "$LOA" --db merge.db stories
[ "$(grep -cE '^#[0-9]+ ' "$TMP/out")" -eq 1 ] && ok || fail "stories: not one story: $(cat "$TMP/out")"
expect_grep "$TMP/out" '^#[0-9]+ +3 tin/items +3 nguồn/outlets'
# the same through loa analyze, which counts the merge
expect_status 0 "$LOA" --db merge2.db import merge.jsonl
expect_status 0 "$LOA" --db merge2.db analyze
expect_grep "$TMP/out" ' stories_new=2 stories_joined=1 stories_merged=1 '

# bad input: empty texts, other languages, an enormous text
big=$(for i in $(seq 20000); do printf 'người dân phản ánh '; done)
{
  printf '{"source": "x", "id": "e1", "published_at": "2026-11-01T00:00:00Z", "title": "…!!!"}\n'
  printf '{"source": "x", "id": "e2", "published_at": "2026-11-01T00:00:00Z", "text": "The ministry said the new rules apply to all permits from next year."}\n'
  printf '{"source": "x", "id": "e3", "published_at": "2026-11-01T00:00:00Z", "text": "政府今天宣布新的建筑许可规定"}\n'
  printf '{"source": "x", "id": "e4", "published_at": "2026-11-01T00:00:00Z", "text": "người dân %s"}\n' "$big"
  printf '{"source": "x", "id": "e5", "published_at": "2026-11-01T00:00:00Z", "kind": "comment", "parent_id": "e2", "text": "😀😀😀"}\n'
} > odd.jsonl
expect_status 0 "$LOA" --db t.db import odd.jsonl
expect_status 0 "$LOA" --db t.db analyze
expect_grep "$TMP/out" '^analyze: items=5 vi=1 other=2 empty=2 truncated=1 '
# import --analyze: storing, then the queue drained in the same run
expect_status 0 "$LOA" --db imp.db import --analyze odd.jsonl
expect_grep "$TMP/out" '^import: read=5 stored=5 '
expect_grep "$TMP/out" '^analyze: items=5 vi=1 .* remaining=0 '
# a truncated model file, and one of another version: a clear error
head -c 1000 models/tone.model > bad.model
expect_status 1 "$LOA" --db t.db analyze --all --tone-model bad.model
expect_grep "$TMP/err" 'cannot load model .*bad.model'
{ head -c 8 models/tone.model; printf '\x63\x00\x00\x00'; tail -c +13 models/tone.model; } > v99.model
expect_status 1 "$LOA" --db t.db analyze --all --tone-model v99.model
expect_grep "$TMP/err" 'cannot load model'
expect_status 2 "$LOA" --db t.db analyze --limit 0
expect_status 2 "$LOA" --db t.db analyze --pending --all
finish
