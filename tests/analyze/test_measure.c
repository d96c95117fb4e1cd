/* The measures' aggregate (measure.h, "The aggregate"; pipeline.c,
 * migration 3) against the scan of analyze_item: a database of a few
 * hundred items across organisations (one with a predecessor), sources,
 * platforms, kinds and tones, every 37 minutes so that windows cross the
 * Vietnam day boundary (17:00 UTC); analysed by the real pipeline, then
 * relabelled, re-analysed (changed texts, times and organisations),
 * partly deleted, and backfilled again. After each step every measure
 * from the aggregate must equal the scan's, and the table must equal a
 * recomputation from analyze_item and analyze_mention. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/measure.h"
#include "analyze/pipeline.h"
#include "core/ltime.h"
#include "store/sql.h"
#include "store/store.h"

#define HOUR ((loa_ms)3600 * 1000)
#define DAY (24 * HOUR)
#define BASE ((loa_ms)1709251200000) /* 2024-03-01T00:00:00Z */
#define NITEMS 360

static char dir[512], dbpath[600], tone_model[600], tox_model[600];

/* ---- building the database --------------------------------------------------------- */

static const char *const ORG_TEXT[] = {"", "Bộ Y tế", "Bộ Tài chính", "Sở Cũ",
				       "Ủy ban nhân dân Hà Nội", "Bộ Y tế và Sở Cũ"};
static const char *const OWN[] = {NULL, "bo-y-te", "so-cu", "bo-tai-chinh", "ubnd-ha-noi"};
static const char *const TONE_TEXT[] = {
	"Người dân phấn khởi vì dịch vụ công trực tuyến nhanh, thuận tiện, được khen ngợi.",
	"Hội nghị tổng kết công tác năm diễn ra theo kế hoạch, các đơn vị báo cáo số liệu.",
	"Bức xúc vì thủ tục chậm trễ, gây phiền hà, nhiều sai phạm và tiêu cực bị phát hiện.",
};
static const char *const PLATFORM[] = {"web", "facebook", "zalo", "youtube"};

/* Item i, version v (v > 0: changed text, time and sometimes organisation). */
static void put_item(loa_store *s, int i, int v)
{
	char id[32], text[600], src[32], parent[32];
	loa_item it;
	loa_item_init(&it);
	snprintf(id, sizeof id, "m-%d", i);
	snprintf(src, sizeof src, "src-%d", i % 7);
	int o = (i + v) % 6, t = (i / 2 + v) % 3;
	snprintf(text, sizeof text, "%s %s Tin số %d, bản %d.", ORG_TEXT[o], TONE_TEXT[t], i, v);
	it.source = src;
	it.id = id;
	it.text = text;
	it.platform = PLATFORM[(i % 7) % 4];
	if (i % 9 == 4) {
		snprintf(parent, sizeof parent, "m-%d", i - 1);
		it.parent_id = parent; /* a comment */
	}
	it.org = OWN[(i + (v ? i % 2 : 0)) % 5];
	it.published_at = BASE + (loa_ms)i * 37 * 60 * 1000 + (loa_ms)v * 5 * HOUR + i % 13;
	it.reactions = i % 5 == 0 ? LOA_COUNT_NONE : (i * 7) % 23;
	it.shares = i % 3;
	it.comments = i % 4 == 1 ? -1 : i % 6;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_store_item_upsert(s, &it, NULL, &err);
	if (rc)
		fail_msg("upsert %d: %s", i, loa_err_msg(&err));
}

static void analyse(loa_store *s, bool all)
{
	loa_analyze_opts o;
	memset(&o, 0, sizeof o);
	o.all = all;
	o.batch = 64;
	o.tone_model = tone_model;
	o.toxicity_model = tox_model;
	loa_analyze_stats st;
	memset(&st, 0, sizeof st);
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_analyze_run(s, &o, &st, &err);
	if (rc)
		fail_msg("analyse: %s", loa_err_msg(&err));
}

static void exec(loa_store *s, const char *sql)
{
	loa_err err;
	loa_err_clear(&err);
	if (loa_sql_exec(s, sql, &err))
		fail_msg("%s: %s", sql, loa_err_msg(&err));
}

static int64_t scalar(loa_store *s, const char *sql)
{
	loa_stmt *st;
	loa_err err;
	loa_err_clear(&err);
	if (loa_sql_prepare(s, sql, &st, &err))
		fail_msg("%s: %s", sql, loa_err_msg(&err));
	int64_t v = loa_sql_step(st, &err) == LOA_SQL_ROW ? loa_sql_col_i64(st, 0) : -1;
	loa_sql_finalize(st);
	return v;
}

/* ---- rows of loa_measure_rows, summed per (mode, key, own, window) -------------------- */

typedef struct mrow {
	char key[200];
	int64_t c[4];
} mrow;

typedef struct rows {
	mrow *v;
	size_t n, cap;
	const char *interval;
} rows;

static int collect(void *arg, int mode, const char *key, const char *own, loa_ms at,
		   const int64_t c[4])
{
	rows *r = arg;
	char k[200];
	snprintf(k, sizeof k, "%d|%s|%s|%" PRId64, mode, key, own ? own : "-",
		 loa_window_start(at, r->interval));
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].key, k) == 0) {
			for (int j = 0; j < 4; j++)
				r->v[i].c[j] += c[j];
			return 0;
		}
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->v = realloc(r->v, r->cap * sizeof *r->v);
		assert_non_null(r->v);
	}
	mrow *m = &r->v[r->n++];
	snprintf(m->key, sizeof m->key, "%s", k);
	memcpy(m->c, c, sizeof m->c);
	return 0;
}

static int cmp_row(const void *a, const void *b)
{
	return strcmp(((const mrow *)a)->key, ((const mrow *)b)->key);
}

static void run(loa_store *s, loa_measure_query *q, const char *interval, bool exact, rows *r)
{
	memset(r, 0, sizeof *r);
	r->interval = interval;
	q->exact = exact;
	q->hourly = strcmp(interval, "hour") == 0;
	loa_err err;
	loa_err_clear(&err);
	if (loa_measure_rows(s, q, collect, r, &err))
		fail_msg("measure rows: %s", loa_err_msg(&err));
	/* rows summing to nothing are not measures */
	size_t k = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].c[0])
			r->v[k++] = r->v[i];
	r->n = k;
	if (r->n) /* qsort's array may not be NULL, even when empty */
		qsort(r->v, r->n, sizeof *r->v, cmp_row);
}

/* Every by x scope x interval x organisation x range: aggregate == scan.
 * Returns the number of non-empty answers compared. */
static int compare_all(loa_store *s)
{
	static const char *const by[] = {"org", "channel", "platform"};
	static const char *const scope[] = {"own", "about", "all"};
	static const char *const iv[] = {"hour", "day", "week", "month"};
	static const char *const set_yte[] = {"bo-y-te", "so-cu"};
	static const char *const set_tc[] = {"bo-tai-chinh"};
	static const char *const set_hn[] = {"ubnd-ha-noi"};
	struct {
		const char *const *set;
		size_t n;
	} orgs[] = {{NULL, 0}, {set_yte, 2}, {set_tc, 1}, {set_hn, 1}};
	loa_ms ranges[][2] = {
		{INT64_MIN, INT64_MAX},
		{BASE + 17 * HOUR - 1, BASE + 5 * DAY + 17 * HOUR + 1},       /* around VN midnights */
		{BASE + 2 * DAY + 16 * HOUR + 20 * 60000, BASE + 5 * DAY + 17 * HOUR + 50 * 60000},
		{BASE + 3 * HOUR + 13 * 60000 + 7, BASE + 6 * DAY + 2 * HOUR}, /* partial hours */
		{BASE + 16 * HOUR + 59 * 60000, BASE + 17 * HOUR + 61000},     /* under an hour */
		{BASE + DAY + 17 * HOUR, BASE + 4 * DAY + 17 * HOUR},          /* whole VN days */
		{INT64_MIN, BASE + 2 * DAY + 5 * HOUR + 41 * 60000 + 1234},
		{BASE + 3 * DAY + 40 * 60000, INT64_MAX},
		{BASE + 2 * HOUR, BASE + 9 * HOUR},                            /* whole hours */
	};
	int compared = 0;
	for (size_t b = 0; b < 3; b++)
		for (size_t sc = 0; sc < 3; sc++)
			for (size_t i = 0; i < 4; i++)
				for (size_t o = 0; o < sizeof orgs / sizeof orgs[0]; o++)
					for (size_t g = 0; g < sizeof ranges / sizeof ranges[0]; g++) {
						loa_measure_query q = {by[b], scope[sc], false, ranges[g][0],
								       ranges[g][1], orgs[o].set,
								       orgs[o].n, false};
						rows a, e;
						run(s, &q, iv[i], false, &a);
						run(s, &q, iv[i], true, &e);
						if (a.n != e.n)
							fail_msg("%s %s %s org %zu range %zu: %zu rows from "
								 "the aggregate, %zu from the scan",
								 by[b], scope[sc], iv[i], o, g, a.n, e.n);
						for (size_t k = 0; k < a.n; k++) {
							assert_string_equal(a.v[k].key, e.v[k].key);
							assert_memory_equal(a.v[k].c, e.v[k].c, sizeof a.v[k].c);
						}
						compared += a.n > 0;
						free(a.v);
						free(e.v);
					}
	return compared;
}

/* The table equals a recomputation from analyze_item and analyze_mention
 * (both ways), and no row sums to nothing with engagement left over. */
static const char RECOMPUTE[] =
	"WITH g(g) AS (VALUES(0), (1)), "
	"x AS (SELECT a.*, CASE WHEN g.g = 0 THEN (a.published_at - ((a.published_at % 3600000) + "
	"3600000) % 3600000) / 3600000 ELSE (a.published_at + 25200000 - (((a.published_at + "
	"25200000) % 86400000) + 86400000) % 86400000) / 86400000 END AS t, g.g AS grain "
	"FROM analyze_item a, g), "
	"r AS (SELECT grain, t, '' AS org, coalesce(own_org, '') AS own, "
	"(SELECT count(*) > 0 FROM analyze_mention m WHERE m.item_id = x.item_id AND "
	"(x.own_org IS NULL OR m.org <> x.own_org)) AS about, platform, kind, "
	"coalesce(label, '') AS label, reactions, shares, comments FROM x "
	"UNION ALL SELECT grain, t, m.org, coalesce(own_org, ''), 0, platform, kind, "
	"coalesce(label, ''), reactions, shares, comments FROM x JOIN analyze_mention m "
	"ON m.item_id = x.item_id) "
	"SELECT grain, t, org, own, about, platform, kind, label, count(*), "
	"sum(CASE WHEN reactions > 0 THEN reactions ELSE 0 END), "
	"sum(CASE WHEN shares > 0 THEN shares ELSE 0 END), "
	"sum(CASE WHEN comments > 0 THEN comments ELSE 0 END) FROM r "
	"GROUP BY 1, 2, 3, 4, 5, 6, 7, 8";
static const char STORED[] =
	"SELECT grain, t, org, own, about, platform, kind, label, n, reactions, shares, comments "
	"FROM analyze_measure WHERE n <> 0";

static void check_table(loa_store *s)
{
	char sql[4096];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM (%s EXCEPT %s)", RECOMPUTE, STORED);
	assert_int_equal(scalar(s, sql), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM (%s EXCEPT SELECT * FROM (%s))", STORED,
		 RECOMPUTE);
	assert_int_equal(scalar(s, sql), 0);
	assert_int_equal(scalar(s, "SELECT count(*) FROM analyze_measure WHERE n = 0 AND "
				   "(reactions <> 0 OR shares <> 0 OR comments <> 0)"), 0);
	assert_int_equal(scalar(s, "SELECT count(*) FROM analyze_measure WHERE n < 0"), 0);
}

/* Totals counted by hand (C over the rows of analyze_item and
 * analyze_mention) against the scan, so the reference itself is checked. */
static void check_hand_counts(loa_store *s)
{
	int64_t own = 0, about = 0, neg_own = 0;
	loa_stmt *st;
	loa_err err;
	loa_err_clear(&err);
	assert_int_equal(loa_sql_prepare(s, "SELECT item_id, own_org, label, kind FROM analyze_item",
					 &st, &err), 0);
	while (loa_sql_step(st, &err) == LOA_SQL_ROW) {
		const char *o = loa_sql_col_text(st, 1), *l = loa_sql_col_text(st, 2);
		if (!l || strcmp(loa_sql_col_text(st, 3), "comment") == 0 ||
		    (strcmp(l, "positive") && strcmp(l, "neutral") && strcmp(l, "negative")))
			continue;
		if (o) {
			own++;
			neg_own += strcmp(l, "negative") == 0;
		}
		char sql[200];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM analyze_mention WHERE item_id = %" PRId64
			 " AND org <> '%s'", loa_sql_col_i64(st, 0), o ? o : "");
		about += scalar(s, sql) > 0;
	}
	loa_sql_finalize(st);
	static const char *const scopes[] = {"own", "about"};
	int64_t want_n[] = {own, about};
	for (int k = 0; k < 2; k++) {
		loa_measure_query q = {"org", scopes[k], false, INT64_MIN, INT64_MAX, NULL, 0, false};
		for (int exact = 0; exact < 2; exact++) {
			rows r;
			run(s, &q, "month", exact, &r);
			int64_t n = 0, neg = 0;
			for (size_t i = 0; i < r.n; i++)
				if (r.v[i].key[0] == '3') {
					n += r.v[i].c[0];
					neg += r.v[i].c[3];
				}
			assert_int_equal(n, want_n[k]);
			if (k == 0)
				assert_int_equal(neg, neg_own);
			free(r.v);
		}
	}
	assert_true(own > 50);
	assert_true(about > 20);
}

static void check(loa_store *s, const char *step)
{
	check_table(s);
	check_hand_counts(s);
	int n = compare_all(s);
	if (n < 200)
		fail_msg("%s: only %d non-empty answers compared", step, n);
}

/* ---- the test ----------------------------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	const char *src = getenv("LOA_SRC");
	if (!src) {
		fprintf(stderr, "LOA_SRC unset: no models to analyse with\n");
		return -1;
	}
	snprintf(tone_model, sizeof tone_model, "%s/models/tone.model", src);
	snprintf(tox_model, sizeof tox_model, "%s/models/toxicity.model", src);
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/loa-test-measure-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/t.db", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char p[700];
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s%s", dbpath, suffix[i]);
		unlink(p);
	}
	rmdir(dir);
	return 0;
}

static void test_aggregate_equals_scan(void **state)
{
	(void)state;
	loa_store *s;
	loa_err err;
	loa_err_clear(&err);
	assert_int_equal(loa_store_open(dbpath, 0, &s, &err), 0);
	static const struct {
		const char *slug, *name, *successor;
	} orgs[] = {{"bo-y-te", "Bộ Y tế", NULL},
		    {"so-cu", "Sở Cũ", "bo-y-te"},
		    {"bo-tai-chinh", "Bộ Tài chính", NULL},
		    {"ubnd-ha-noi", "Ủy ban nhân dân Hà Nội", NULL}};
	for (size_t i = 0; i < sizeof orgs / sizeof orgs[0]; i++) {
		loa_org o;
		memset(&o, 0, sizeof o);
		o.slug = orgs[i].slug;
		o.name = orgs[i].name;
		o.successor = orgs[i].successor;
		o.valid_from = o.valid_to = LOA_TIME_NONE;
		if (loa_store_org_add(s, &o, NULL, &err))
			fail_msg("org %s: %s", o.slug, loa_err_msg(&err));
	}
	for (int i = 0; i < NITEMS; i++)
		put_item(s, i, 0);
	analyse(s, false);
	assert_int_equal(scalar(s, "SELECT count(*) FROM analyze_item"), NITEMS);
	assert_true(scalar(s, "SELECT count(DISTINCT item_id) FROM analyze_mention") > 100);
	assert_true(scalar(s, "SELECT count(*) FROM analyze_item WHERE label = 'negative'") > 10);
	check(s, "analysed");

	/* analysts relabel: the old label's counts go down, the new one's up */
	loa_measure_query q = {"org", "own", false, INT64_MIN, INT64_MAX, NULL, 0, false};
	rows before, after;
	run(s, &q, "month", false, &before);
	int64_t item = scalar(s, "SELECT min(item_id) FROM analyze_item WHERE own_org IS NOT NULL "
				 "AND kind <> 'comment' AND label = 'positive'");
	assert_true(item > 0);
	assert_int_equal(loa_label_set(s, item, "tone", "negative", "test", "relabel", &err), 0);
	run(s, &q, "month", false, &after);
	int64_t dneg = 0, dpos = 0;
	for (size_t i = 0; i < after.n; i++)
		if (after.v[i].key[0] == '3') {
			dneg += after.v[i].c[3];
			dpos += after.v[i].c[1];
		}
	for (size_t i = 0; i < before.n; i++)
		if (before.v[i].key[0] == '3') {
			dneg -= before.v[i].c[3];
			dpos -= before.v[i].c[1];
		}
	assert_int_equal(dneg, 1);
	assert_int_equal(dpos, -1);
	free(before.v);
	free(after.v);
	static const char *const tones[] = {"positive", "neutral", "negative"};
	int k = 0;
	loa_stmt *st;
	assert_int_equal(loa_sql_prepare(s, "SELECT item_id FROM analyze_item WHERE kind <> 'comment' "
					 "AND item_id % 7 = 3", &st, &err), 0);
	int64_t ids[NITEMS];
	size_t nid = 0;
	while (loa_sql_step(st, &err) == LOA_SQL_ROW && nid < NITEMS)
		ids[nid++] = loa_sql_col_i64(st, 0);
	loa_sql_finalize(st);
	assert_true(nid > 30);
	for (size_t i = 0; i < nid; i++)
		assert_int_equal(loa_label_set(s, ids[i], "tone", tones[k++ % 3], "test", NULL, &err), 0);
	check(s, "relabelled");

	/* re-analysis: texts (mentions), times (across 17:00 UTC) and
	 * organisations change; analysts' labels survive */
	for (int i = 0; i < NITEMS; i += 4)
		put_item(s, i, 1);
	analyse(s, false);
	check(s, "re-analysed");
	analyse(s, true);
	check(s, "all re-analysed");

	/* deletions of analysis rows and of single mentions */
	exec(s, "DELETE FROM analyze_item WHERE item_id % 11 = 0");
	exec(s, "DELETE FROM analyze_mention WHERE item_id % 5 = 2 AND org = 'so-cu'");
	check(s, "deleted");

	/* mentions are replaced, never updated (the trigger refuses) */
	assert_int_not_equal(loa_sql_exec(s, "UPDATE analyze_mention SET org = 'x'", NULL), 0);

	/* the migration's backfill gives the same table */
	exec(s, "DROP TRIGGER analyze_measure_ai; DROP TRIGGER analyze_measure_ad; "
		"DROP TRIGGER analyze_measure_au; DROP TRIGGER analyze_measure_mi; "
		"DROP TRIGGER analyze_measure_md; DROP TRIGGER analyze_measure_mu; "
		"DROP TABLE analyze_measure; "
		"UPDATE room_schema SET version = 2 WHERE room = 'analyze'");
	assert_int_equal(loa_analyze_schema(s, &err), 0);
	assert_true(scalar(s, "SELECT count(*) FROM analyze_measure") > 0);
	check(s, "backfilled");
	/* and keeps it current afterwards */
	for (int i = 1; i < NITEMS; i += 6)
		put_item(s, i, 2);
	analyse(s, false);
	check(s, "after the backfill");
	loa_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_aggregate_equals_scan, setup, teardown),
	};
	if (!getenv("LOA_SRC")) {
		fprintf(stderr, "LOA_SRC unset: skipped (the shipped models are needed)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
