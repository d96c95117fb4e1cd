/* Prefix expansion through the vocabulary (bounded to the commonest
 * LOA_SEARCH_PREFIX_TERMS terms), its exact cases (NOT, few terms, NEAR,
 * phrase prefixes), the vocabulary's upkeep and migration, and newest-first
 * with LIMIT and time ranges over thousands of matching rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/err.h"
#include "search/query.h"
#include "search/search.h"
#include "store/store.h"
#include "fixture.h"

#define MIN ((loa_ms)60000)
#define DAY ((loa_ms)86400000)
#define T0 ((loa_ms)1704067200000) /* 2024-01-01T00:00:00Z */
#define NZ 70                      /* items with a zq.. word: rowids 1..70 */
#define NM 3000                    /* items with "thường": rowids 71..3070 */

static char dbpath[256];
static loa_store *st;
static loa_search *se;

/* the word of item k: zq + two letters; item k has it 70 - k times, so the
 * commonest words are those of the oldest items */
static void zword(int k, char w[5])
{
	w[0] = 'z';
	w[1] = 'q';
	w[2] = (char)('a' + k / 26);
	w[3] = (char)('a' + k % 26);
	w[4] = '\0';
}

static void put(const char *id, const char *title, const char *text, loa_ms at)
{
	search_fixture_put(st, "bao-z", id, title, text, at);
}

static int setup(void **state)
{
	(void)state;
	search_fixture_open("prefix", dbpath, sizeof dbpath, &st, &se);
	loa_err err;
	char id[32], text[512], w[5];
	loa_store_begin(st, NULL);
	for (int k = 0; k < NZ; k++) {
		zword(k, w);
		size_t n = (size_t)snprintf(text, sizeof text, "Tin %s", w);
		for (int r = 1; r < NZ - k && n + 6 < sizeof text; r++)
			n += (size_t)snprintf(text + n, sizeof text - n, " %s", w);
		snprintf(id, sizeof id, "z%d", k);
		put(id, "Zeta", text, T0 + k * MIN);
	}
	for (int k = 0; k < NM; k++) {
		snprintf(id, sizeof id, "m%d", k);
		snprintf(text, sizeof text, "Mục tin thường số %d.", k);
		put(id, "Mục", text, T0 + DAY + k * MIN);
	}
	loa_store_commit(st, NULL);
	if (loa_search_sync(se, NULL, NULL, NULL, &err))
		fail_msg("sync: %s", err.msg);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	search_fixture_close(dbpath, st, se);
	return 0;
}

typedef struct got {
	int64_t ids[LOA_SEARCH_MAX_LIMIT];
	loa_ms at[LOA_SEARCH_MAX_LIMIT];
	int n;
} got;

static int on_hit(void *arg, const loa_search_hit *h)
{
	got *g = arg;
	g->ids[g->n] = h->item_id;
	g->at[g->n] = h->published_at;
	g->n++;
	return 0;
}

/* Runs q; returns the hits in g, what happened to prefixes in info. */
static void run(const char *q, int order, int64_t limit, bool all, int64_t window, got *g,
		loa_search_info *info)
{
	loa_query *Q;
	loa_err err;
	if (loa_query_parse(q, strlen(q), T0 + 10 * DAY, &Q, NULL, &err))
		fail_msg("parse '%s': %s", q, err.msg);
	memset(g, 0, sizeof *g);
	loa_search_opts o = {.order = order, .limit = limit, .now = T0 + 10 * DAY,
			     .no_snippet = true, .prefix_all = all, .rank_window = window,
			     .info = info};
	if (loa_search_run(se, Q, &o, on_hit, g, NULL, &err))
		fail_msg("search '%s': %s", q, err.msg);
	loa_query_free(Q);
}

static void explain_order_has(const char *q, int order, const char *needle, bool want);

static void explain_has(const char *q, const char *needle, bool want)
{
	explain_order_has(q, LOA_SEARCH_NEWEST, needle, want);
}

static void explain_order_has(const char *q, int order, const char *needle, bool want)
{
	loa_query *Q;
	loa_err err;
	if (loa_query_parse(q, strlen(q), T0 + 10 * DAY, &Q, NULL, &err))
		fail_msg("parse '%s': %s", q, err.msg);
	loa_buf b;
	loa_buf_init(&b, 1 << 22);
	loa_search_opts o = {.order = order, .now = T0 + 10 * DAY};
	assert_int_equal(loa_search_explain(se, Q, &o, &b, &err), LOA_OK);
	if ((strstr(b.data, needle) != NULL) != want)
		fail_msg("explain '%s' %s '%s':\n%.2000s", q, want ? "lacks" : "has", needle, b.data);
	loa_buf_release(&b);
	loa_query_free(Q);
}

static void bounded(void **state)
{
	(void)state;
	got g;
	loa_search_info info;
	/* 70 terms start with zq: the 64 commonest are searched, the 6 rarest
	 * (items 64..69, the newest) are not, and the run says so */
	run("zq*", LOA_SEARCH_NEWEST, 1000, false, 0, &g, &info);
	assert_int_equal(g.n, LOA_SEARCH_PREFIX_TERMS);
	assert_int_equal(g.ids[0], LOA_SEARCH_PREFIX_TERMS); /* item 63: rowid 64 */
	assert_int_equal(info.prefixes, 1);
	assert_int_equal(info.bounded, 1);
	assert_string_equal(info.note, "zq*: 64/70");
	explain_has("zq*", "PREFIX: zq* -> 64 of 70 terms (bounded)", true);
	explain_has("zq*", "\"zqaa\"", true);
	explain_has("zq*", "\"zqcr\"", false); /* the rarest */
	explain_has("zq*", "\" *", false);     /* no FTS5 prefix left */
	/* unbounded (backfill): all 70, newest first */
	run("zq*", LOA_SEARCH_NEWEST, 1000, true, 0, &g, &info);
	assert_int_equal(g.n, NZ);
	assert_int_equal(g.ids[0], NZ);
	assert_int_equal(info.prefixes, 0);
	/* relevance too: bounded, no exact-form prefix */
	run("zq*", LOA_SEARCH_RELEVANCE, 1000, false, 0, &g, &info);
	assert_int_equal(g.n, LOA_SEARCH_PREFIX_TERMS);
	assert_int_equal(info.bounded, 1);
}

static void exact_cases(void **state)
{
	(void)state;
	got g, all;
	loa_search_info info;
	/* few terms: every one (zqc: items 52..69) */
	run("zqc*", LOA_SEARCH_NEWEST, 1000, false, 0, &g, &info);
	assert_int_equal(g.n, 18);
	assert_int_equal(info.prefixes, 1);
	assert_int_equal(info.bounded, 0);
	explain_has("zqc*", "PREFIX: zqc* -> 18 terms\n", true);
	/* a bounded prefix under NOT is FTS5's own: nothing of Zeta leaks */
	explain_has("title:zeta NOT zq*", "PREFIX: zq* -> fts5", true);
	run("title:zeta NOT zq*", LOA_SEARCH_NEWEST, 1000, false, 0, &g, &info);
	assert_int_equal(g.n, 0);
	assert_int_equal(info.bounded, 0);
	/* NEAR with a prefix: an OR of NEARs, the same items as FTS5's prefix */
	run("tin NEAR/0 zqc*", LOA_SEARCH_NEWEST, 1000, false, 0, &g, &info);
	run("tin NEAR/0 zqc*", LOA_SEARCH_NEWEST, 1000, true, 0, &all, NULL);
	assert_int_equal(g.n, 18);
	assert_int_equal(all.n, 18);
	assert_memory_equal(g.ids, all.ids, sizeof g.ids[0] * 18);
	explain_has("tin NEAR/0 zqc*", "NEAR(\"tin\" \"zqcr\", 0)", true);
	/* a phrase prefix: its lead terms before each expanded term */
	run("tin_zqc*", LOA_SEARCH_NEWEST, 1000, false, 0, &g, &info);
	assert_int_equal(g.n, 18);
	explain_has("tin_zqc*", "\"tin zqca\"", true);
	/* a prefix nothing has */
	run("zqzz*", LOA_SEARCH_NEWEST, 1000, false, 0, &g, &info);
	assert_int_equal(g.n, 0);
	/* diacritics and case are folded as the index does */
	run("ZQC*", LOA_SEARCH_NEWEST, 1000, false, 0, &g, &info);
	assert_int_equal(g.n, 18);
}

static void newest_many(void **state)
{
	(void)state;
	got g;
	/* 3000 matches: the page is the 20 newest, in order */
	run("thường", LOA_SEARCH_NEWEST, 20, false, 0, &g, NULL);
	assert_int_equal(g.n, 20);
	for (int i = 0; i < g.n; i++) {
		assert_int_equal(g.ids[i], NZ + NM - i);
		assert_int_equal(g.at[i], T0 + DAY + (NM - 1 - i) * MIN);
	}
	/* until: a date in Vietnam time (its whole day): 2024-01-03T17:00Z */
	loa_ms end = T0 + 2 * DAY + 17 * 60 * MIN;
	run("thuong until:2024-01-03", LOA_SEARCH_NEWEST, 20, false, 0, &g, NULL);
	assert_int_equal(g.n, 20);
	assert_int_equal(g.at[0], end - MIN);
	for (int i = 1; i < g.n; i++)
		assert_true(g.at[i] < g.at[i - 1]);
	/* a range without items, one with: nothing, then the one match */
	run("thường since:2030-01-01", LOA_SEARCH_NEWEST, 20, false, 0, &g, NULL);
	assert_int_equal(g.n, 0);
	run("thường until:2023-12-31", LOA_SEARCH_NEWEST, 20, false, 0, &g, NULL);
	assert_int_equal(g.n, 0);
	run("tin since:2024-01-01T01:09:00Z until:2024-01-01T01:10:00Z", LOA_SEARCH_NEWEST, 20,
	    false, 0, &g, NULL);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.ids[0], NZ);
	/* since and until: a rowid range */
	run("thuong since:2024-01-03 until:2024-01-03", LOA_SEARCH_NEWEST, 1000, false, 0, &g, NULL);
	assert_int_equal(g.n, 1000); /* 24 h of one a minute: 1440, a page of 1000 */
	assert_int_equal(g.at[0], end - MIN);
	assert_true(g.at[999] >= end - DAY);
	/* FTS5 gives the rows in docid order, SQLite sorts nothing (and stops
	 * at the LIMIT), filters and prefixes or not; relevance sorts only its
	 * window */
	explain_has("thường", "PLAN: SCAN search_fts VIRTUAL TABLE", true);
	explain_has("thường", "TEMP B-TREE", false);
	explain_has("thường source:bao-z zq* since:2024-01-02", "TEMP B-TREE", false);
	explain_has("thường OR (zq* -zqaa)", "TEMP B-TREE", false);
	explain_order_has("thường source:bao-z", LOA_SEARCH_RELEVANCE, "SCAN search_fts", true);
	/* relevance ranks the newest rank_window matches only */
	run("thường", LOA_SEARCH_RELEVANCE, 50, false, 100, &g, NULL);
	assert_int_equal(g.n, 50);
	for (int i = 0; i < g.n; i++)
		assert_true(g.at[i] >= T0 + DAY + (NM - 100) * MIN);
	run("thường source:bao-z", LOA_SEARCH_RELEVANCE, 50, false, 100, &g, NULL);
	assert_int_equal(g.n, 50);
	for (int i = 0; i < g.n; i++)
		assert_true(g.at[i] >= T0 + DAY + (NM - 100) * MIN);
}

static int64_t vocab_n(const char *term)
{
	sqlite3 *db = loa_search_db(se);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT n FROM search_vocab WHERE term = ?1", -1, &q,
					    NULL), SQLITE_OK);
	sqlite3_bind_text(q, 1, term, -1, SQLITE_STATIC);
	int64_t n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
	sqlite3_finalize(q);
	return n;
}

static int64_t vocab_sum(void)
{
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(loa_search_db(se), "SELECT total(n) * 1000000 + "
					    "count(*) FROM search_vocab", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

static void vocabulary(void **state)
{
	(void)state;
	loa_err err;
	/* counts are occurrences; numbers are not terms of the vocabulary */
	assert_int_equal(vocab_n("zqaa"), 70);
	assert_int_equal(vocab_n("zqcr"), 1);
	assert_int_equal(vocab_n("thuong"), NM);
	assert_int_equal(vocab_n("tin"), NZ + NM);
	assert_int_equal(vocab_n("2999"), -1);
	assert_int_equal(vocab_n("thường"), -1); /* exact forms are not counted */
	/* an update takes the old terms out */
	put("z69", "Zeta", "Tin khác", T0 + 69 * MIN);
	assert_int_equal(loa_search_sync(se, NULL, NULL, NULL, &err), LOA_OK);
	assert_int_equal(vocab_n("zqcr"), -1);
	assert_int_equal(vocab_n("khac"), 1);
	got g;
	loa_search_info info;
	run("zqc*", LOA_SEARCH_NEWEST, 1000, false, 0, &g, &info);
	assert_int_equal(g.n, 17);
	/* schema 2 -> 4 queues every item again: the next sync rebuilds the
	 * index and counts the vocabulary from it */
	int64_t before = vocab_sum();
	assert_int_equal(sqlite3_exec(loa_search_db(se), "DROP TABLE search_vocab; UPDATE "
				      "search_meta SET value = '2' WHERE key = 'schema'", NULL, NULL,
				      NULL), SQLITE_OK);
	loa_search_close(se);
	assert_int_equal(loa_search_open(dbpath, &se, &err), LOA_OK);
	int64_t pending;
	assert_int_equal(loa_search_pending(se, &pending, &err), LOA_OK);
	assert_int_equal(pending, NZ + NM);
	assert_int_equal(loa_search_sync(se, NULL, NULL, &pending, &err), LOA_OK);
	assert_int_equal(pending, NZ + NM);
	assert_int_equal(vocab_sum(), before);
	assert_int_equal(vocab_n("khac"), 1);
	run("zqc*", LOA_SEARCH_NEWEST, 1000, false, 0, &g, &info);
	assert_int_equal(g.n, 17);
	/* and reindex counts it again */
	int64_t n;
	assert_int_equal(loa_search_reindex(se, &n, &err), LOA_OK);
	assert_int_equal(n, NZ + NM);
	assert_int_equal(vocab_sum(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bounded),
		cmocka_unit_test(exact_cases),
		cmocka_unit_test(newest_many),
		cmocka_unit_test(vocabulary),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
