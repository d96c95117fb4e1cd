/* Docid order (schema 4): docids sort newest first, so that newest-first is
 * FTS5's ascending rowid order; a sync writes a batch in docid order (FTS5
 * starts a new segment whenever a rowid is not above the one before); a
 * database migrated from schema 3 ends with the same docids, tables and
 * results as a fresh one. */
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

#define T0 ((loa_ms)1704067200000) /* 2024-01-01T00:00:00Z */
#define N 600                      /* items, one sync batch */

static char dbpath[256];
static loa_store *st;
static loa_search *se;
static loa_ms when[N + 1]; /* published_at of item id k (store ids 1..N) */

static void put(int k, loa_ms at)
{
	char id[32], text[128];
	snprintf(id, sizeof id, "d%d", k);
	snprintf(text, sizeof text, "Tin thường số %d về chính sách", k);
	search_fixture_put(st, "bao-d", id, "Tin", text, at);
}

/* N items stored in an order unrelated to their times (a fixed shuffle,
 * some in the same millisecond), then synced in one batch */
static int setup(void **state)
{
	(void)state;
	search_fixture_open("docorder", dbpath, sizeof dbpath, &st, &se);
	loa_err err;
	/* no automatic merging: the segments written by one sync stay visible */
	if (sqlite3_exec(loa_search_db(se), "INSERT INTO search_fts(search_fts, rank) "
			 "VALUES('automerge', 0)", NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("automerge: %s", sqlite3_errmsg(loa_search_db(se)));
	uint32_t r = 12345;
	loa_store_begin(st, NULL);
	for (int k = 1; k <= N; k++) {
		r = r * 1103515245u + 12345u;
		/* minutes in random order; every 7th item shares the previous one's ms */
		when[k] = k % 7 == 0 ? when[k - 1] : T0 + (loa_ms)((r >> 8) % 100000) * 60000;
		put(k, when[k]);
	}
	loa_store_commit(st, NULL);
	int64_t n;
	if (loa_search_sync(se, NULL, NULL, &n, &err) || n != N)
		fail_msg("sync: %s", err.msg);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	search_fixture_close(dbpath, st, se);
	return 0;
}

static int64_t scalar(const char *sql)
{
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(loa_search_db(se), sql, -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

/* Appends the rows of sql (every column as text, '|'-separated) to out. */
static void rows(const char *sql, loa_buf *out)
{
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(loa_search_db(se), sql, -1, &q, NULL), SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(q); i++) {
			const char *v = (const char *)sqlite3_column_text(q, i);
			assert_int_equal(loa_buf_printf(out, "%s%s", i ? "|" : "", v ? v : "-"), 0);
		}
		assert_int_equal(loa_buf_putc(out, '\n'), 0);
	}
	sqlite3_finalize(q);
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

static void run(const char *text, int order, got *g)
{
	loa_query *q;
	loa_err err;
	assert_int_equal(loa_query_parse(text, strlen(text), LOA_TIME_NONE, &q, NULL, &err), LOA_OK);
	loa_search_opts o = {.order = order, .limit = LOA_SEARCH_MAX_LIMIT, .now = T0 + 100000 * 60000LL,
			     .no_snippet = true};
	g->n = 0;
	assert_int_equal(loa_search_run(se, q, &o, on_hit, g, NULL, &err), LOA_OK);
	loa_query_free(q);
}

static void newest_first_ascending(void **state)
{
	(void)state;
	/* ascending docids are newest first: the docid order is the time order */
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(loa_search_db(se), "SELECT docid, item_id FROM "
					    "search_doc ORDER BY docid", -1, &q, NULL), SQLITE_OK);
	int n = 0;
	loa_ms prev = INT64_MAX;
	while (sqlite3_step(q) == SQLITE_ROW) {
		int64_t item = sqlite3_column_int64(q, 1);
		assert_true(item >= 1 && item <= N);
		assert_true(sqlite3_column_int64(q, 0) < 0);
		assert_true(when[item] <= prev);
		prev = when[item];
		n++;
	}
	sqlite3_finalize(q);
	assert_int_equal(n, N);
	/* newest-first gives every item, newest first, in the same order */
	got g;
	run("chinh sach", LOA_SEARCH_NEWEST, &g);
	assert_int_equal(g.n, N);
	for (int i = 1; i < g.n; i++)
		assert_true(g.at[i] <= g.at[i - 1]);
	/* time filters (dates in Vietnam time, each its whole day): a docid
	 * range at the top, SQL conditions under OR */
	loa_ms feb4 = T0 + 34 * 86400000LL - 7 * 3600000LL, feb5 = feb4 + 86400000LL;
	int since = 0, until = 0;
	for (int k = 1; k <= N; k++) {
		since += when[k] >= feb4;
		until += when[k] < feb5;
	}
	assert_true(since > 0 && since < N && until > 0 && until < N);
	const char *qs[] = {"chinh sach since:2024-02-04", "chinh sach until:2024-02-04",
			    "(chinh since:2024-02-04) OR zzzz", "(chinh until:2024-02-04) OR zzzz"};
	for (int t = 0; t < 4; t++) {
		run(qs[t], LOA_SEARCH_NEWEST, &g);
		assert_int_equal(g.n, t % 2 ? until : since);
		for (int i = 0; i < g.n; i++) {
			assert_true(t % 2 ? g.at[i] < feb5 : g.at[i] >= feb4);
			assert_true(i == 0 || g.at[i] <= g.at[i - 1]);
		}
	}
	/* relevance ranks the newest window: the 50 newest items */
	loa_query *q50;
	loa_err err;
	assert_int_equal(loa_query_parse("chinh sach", 10, LOA_TIME_NONE, &q50, NULL, &err), LOA_OK);
	loa_search_opts o = {.order = LOA_SEARCH_RELEVANCE, .limit = 100, .rank_window = 50,
			     .now = T0, .no_snippet = true};
	g.n = 0;
	assert_int_equal(loa_search_run(se, q50, &o, on_hit, &g, NULL, &err), LOA_OK);
	loa_query_free(q50);
	assert_int_equal(g.n, 50);
	loa_ms sorted[N];
	for (int k = 1; k <= N; k++)
		sorted[k - 1] = when[k];
	for (int i = 0; i < N; i++) /* the 50th newest time */
		for (int j = i + 1; j < N; j++)
			if (sorted[j] > sorted[i]) {
				loa_ms x = sorted[i];
				sorted[i] = sorted[j];
				sorted[j] = x;
			}
	for (int i = 0; i < g.n; i++)
		assert_true(g.at[i] >= sorted[49]);
}

/* One sync batch is written in docid order: one FTS5 segment (automatic
 * merging is off), not one per item. */
static void one_segment_per_batch(void **state)
{
	(void)state;
	assert_int_equal(scalar("SELECT count(DISTINCT segid) FROM search_fts_idx"), 1);
	/* and the index is whole: FTS5's own check */
	assert_int_equal(sqlite3_exec(loa_search_db(se), "INSERT INTO search_fts(search_fts, rank) "
				      "VALUES('integrity-check', 1)", NULL, NULL, NULL), SQLITE_OK);
}

#define STATE_SQL "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name LIKE " \
		  "'search%' ORDER BY name"

/* A database of schema 3 is rebuilt into the same one as a fresh database. */
static void migrated_as_fresh(void **state)
{
	(void)state;
	loa_buf fresh, migrated;
	loa_buf_init(&fresh, 1 << 20);
	loa_buf_init(&migrated, 1 << 20);
	rows(STATE_SQL, &fresh);
	rows("SELECT docid, item_id FROM search_doc ORDER BY docid", &fresh);
	rows("SELECT term, n FROM search_vocab ORDER BY term", &fresh);
	got a, b;
	run("thuong", LOA_SEARCH_NEWEST, &a);
	/* schema 3: docids were the positive keys (newest last) */
	assert_int_equal(sqlite3_exec(loa_search_db(se), "UPDATE search_meta SET value = '3' "
				      "WHERE key = 'schema'", NULL, NULL, NULL), SQLITE_OK);
	loa_search_close(se);
	loa_err err;
	assert_int_equal(loa_search_open(dbpath, &se, &err), LOA_OK);
	assert_int_equal(scalar("SELECT value FROM search_meta WHERE key = 'schema'"),
			 LOA_SEARCH_SCHEMA_VERSION);
	assert_int_equal(scalar("SELECT count(*) FROM search_doc"), 0);
	assert_int_equal(scalar("SELECT count(*) FROM search_pending"), N);
	int64_t n;
	assert_int_equal(loa_search_sync(se, NULL, NULL, &n, &err), LOA_OK);
	assert_int_equal(n, N);
	rows(STATE_SQL, &migrated);
	rows("SELECT docid, item_id FROM search_doc ORDER BY docid", &migrated);
	rows("SELECT term, n FROM search_vocab ORDER BY term", &migrated);
	assert_string_equal(fresh.data, migrated.data);
	run("thuong", LOA_SEARCH_NEWEST, &b);
	assert_int_equal(a.n, N);
	assert_int_equal(b.n, a.n);
	assert_memory_equal(a.ids, b.ids, (size_t)a.n * sizeof a.ids[0]);
	loa_buf_release(&fresh);
	loa_buf_release(&migrated);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(newest_first_ascending),
		cmocka_unit_test(one_segment_per_batch),
		cmocka_unit_test(migrated_as_fresh),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
