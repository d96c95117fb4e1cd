/* FTS and matcher units on a temporary database: diacritics, exact before
 * folded, phrases, NEAR/ONEAR, fields, time, updates, and a differential
 * test (the streaming matcher must agree with FTS on every query). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/err.h"
#include "search/match.h"
#include "search/query.h"
#include "search/search.h"
#include "store/store.h"
#include "testutil.h"

static char dbpath[256];

#define DAY ((loa_ms)86400000)
#define T0 ((loa_ms)1704067200000) /* 2024-01-01T00:00:00Z */

typedef struct fix {
	const char *source, *id, *title, *text, *platform, *author, *url, *lang;
	int day;
} fix;

static const fix items[] = {
	{"bao-a", "1", "Cấp giấy phép xây dựng", "Quy định mới về giấy phép xây dựng nhà ở riêng lẻ.",
	 NULL, "Nguyễn Văn An", "https://bao-a.vn/giay-phep", "vi", 1},
	{"bao-a", "2", "Giay phep lai xe", "Doi giay phep lai xe truc tuyen, khong dau.", NULL, NULL,
	 NULL, "vi", 2},
	{"bao-b", "3", "Thời tiết", "Hà Nội mưa rét. Xây nhà mùa mưa cần chú ý.", "facebook",
	 NULL, NULL, NULL, 3},
	{"bao-b", "4", "Hòa bình", "Hoà bình và phát triển bền vững tại TP.HCM.", NULL, NULL, NULL,
	 "vi", 4},
	{"bao-c", "5", "Xay dung nong thon moi", "Chuong trinh xay dung nong thon moi.", NULL, NULL,
	 NULL, NULL, 5},
	{"bao-c", "6", "Xấy dựng", "Một lỗi chính tả: xấy dựng cầu đường, giá 1.000.000 đồng.", NULL,
	 NULL, NULL, NULL, 6},
	{"bao-a", "7", "Dịch bệnh", "Bộ Y tế thông báo về dịch bệnh tay chân miệng ở trẻ em.", NULL,
	 NULL, NULL, NULL, 7},
	{"bao-b", "8", "Giá xăng", "Giá xăng dầu giảm mạnh, người dân phấn khởi. Xăng giảm.", NULL,
	 NULL, NULL, NULL, 8},
	{"bao-c", "9", "Phòng chống tham nhũng", "Đẩy mạnh phòng, chống tham nhũng, tiêu cực.",
	 NULL, NULL, NULL, NULL, 9},
	{"bao-a", "10", "Chống tham nhũng", "Tham nhũng vặt ở cơ sở được xử lý nghiêm.", NULL, NULL,
	 NULL, NULL, 10},
};
#define NITEMS (sizeof items / sizeof items[0])

static loa_store *st;
static loa_search *se;

static int setup(void **state)
{
	snprintf(dbpath, sizeof dbpath, "%s/loa-test-fts-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 (int)getpid());
	unlink(dbpath);
	loa_err err;
	if (loa_store_open(dbpath, 0, &st, &err))
		fail_msg("store: %s", err.msg);
	/* half the items before the search tables exist, half after */
	for (size_t i = 0; i < NITEMS; i++) {
		if (i == NITEMS / 2 && loa_search_open(dbpath, &se, &err))
			fail_msg("search: %s", err.msg);
		loa_item it;
		loa_item_init(&it);
		it.source = items[i].source;
		it.id = items[i].id;
		it.title = items[i].title;
		it.text = items[i].text;
		it.platform = items[i].platform;
		it.author = items[i].author;
		it.url = items[i].url;
		it.lang = items[i].lang;
		it.published_at = T0 + items[i].day * DAY;
		if (loa_store_item_upsert(st, &it, NULL, &err))
			fail_msg("upsert: %s", err.msg);
	}
	return 0;
}

static int teardown(void **state)
{
	loa_search_close(se);
	loa_store_close(st);
	loa_test_unlink_db(dbpath);
	return 0;
}

typedef struct got {
	char ids[256];
	double score[32];
	int n;
	char snip[512];
} got;

static int on_hit(void *arg, const loa_search_hit *h)
{
	got *g = arg;
	char b[16];
	snprintf(b, sizeof b, "%s%lld", g->n ? "," : "", (long long)h->item_id);
	size_t k = strlen(g->ids);
	if (k + strlen(b) < sizeof g->ids)
		memcpy(g->ids + k, b, strlen(b) + 1);
	if (g->n < 32)
		g->score[g->n] = h->score;
	if (g->n == 0 && h->snippet)
		snprintf(g->snip, sizeof g->snip, "%s", h->snippet);
	g->n++;
	return 0;
}

static void search_is(const char *q, int order, const char *want)
{
	loa_query *Q;
	loa_err err;
	if (loa_query_parse(q, strlen(q), T0 + 11 * DAY, &Q, NULL, &err))
		fail_msg("parse '%s': %s", q, err.msg);
	got g = {0};
	loa_search_opts o = {.order = order, .limit = 50, .now = T0 + 11 * DAY};
	if (loa_search_run(se, Q, &o, on_hit, &g, NULL, &err))
		fail_msg("search '%s': %s", q, err.msg);
	loa_query_free(Q);
	if (strcmp(g.ids, want) != 0)
		fail_msg("'%s' -> [%s], want [%s]", q, g.ids, want);
}

/* item ids are the rowids 1..10 in insertion order; newest first = highest day first */
static void diacritics(void **state)
{
	search_is("giay phep xay dung", LOA_SEARCH_NEWEST, "1");
	search_is("giấy phép", LOA_SEARCH_NEWEST, "2,1");
	search_is("xây dựng", LOA_SEARCH_NEWEST, "6,5,1");
	search_is("hòa bình", LOA_SEARCH_NEWEST, "4");
	search_is("hoà bình", LOA_SEARCH_NEWEST, "4");
	search_is("HOA BINH", LOA_SEARCH_NEWEST, "4");
	search_is("hcm", LOA_SEARCH_NEWEST, "4");
	search_is("TP.HCM", LOA_SEARCH_NEWEST, "4");
	search_is("1.000.000", LOA_SEARCH_NEWEST, "6");
}

static void exact_first(void **state)
{
	/* "xây dựng" written with diacritics: the exact spelling ranks first */
	search_is("xây dựng", LOA_SEARCH_RELEVANCE, "1,6,5");
	search_is("xấy dựng", LOA_SEARCH_RELEVANCE, "6,1,5");
	search_is("giấy phép", LOA_SEARCH_RELEVANCE, "1,2");
}

static void operators(void **state)
{
	search_is("\"giấy phép xây dựng\"", LOA_SEARCH_NEWEST, "1");
	search_is("\"xây giấy\"", LOA_SEARCH_NEWEST, "");
	search_is("giấy NOT lái", LOA_SEARCH_NEWEST, "1");
	search_is("giấy -lái", LOA_SEARCH_NEWEST, "1");
	search_is("(hòa OR xăng) bình", LOA_SEARCH_NEWEST, "4");
	search_is("hòa OR xăng", LOA_SEARCH_NEWEST, "8,4");
	search_is("xây NEAR/0 nhà", LOA_SEARCH_NEWEST, "3");
	search_is("nhà NEAR/0 xây", LOA_SEARCH_NEWEST, "3");
	search_is("nhà ONEAR/0 xây", LOA_SEARCH_NEWEST, "");
	search_is("xây ONEAR/0 nhà", LOA_SEARCH_NEWEST, "3");
	search_is("mưa NEAR/1 nhà", LOA_SEARCH_NEWEST, "3");
	search_is("tham nhũng NEAR/2 phòng", LOA_SEARCH_NEWEST, "9");
	search_is("tham*", LOA_SEARCH_NEWEST, "10,9");
	search_is("thông*", LOA_SEARCH_NEWEST, "7");
	search_is("title:tham", LOA_SEARCH_NEWEST, "10,9");
	search_is("title:(xây OR xăng)", LOA_SEARCH_NEWEST, "8,6,5,1");
	search_is("title:xây nhà", LOA_SEARCH_NEWEST, "1");
}

static void fields_time(void **state)
{
	search_is("source:bao-b", LOA_SEARCH_NEWEST, "8,4,3");
	search_is("source:bao-b NOT mưa", LOA_SEARCH_NEWEST, "8,4");
	search_is("giấy source:bao-a", LOA_SEARCH_NEWEST, "2,1");
	search_is("platform:facebook", LOA_SEARCH_NEWEST, "3");
	search_is("author:\"nguyen van an\"", LOA_SEARCH_NEWEST, "1");
	search_is("url:giay-phep", LOA_SEARCH_NEWEST, "1");
	search_is("lang:vi giấy", LOA_SEARCH_NEWEST, "2,1");
	search_is("kind:article tham", LOA_SEARCH_NEWEST, "10,9");
	search_is("tham since:2024-01-11", LOA_SEARCH_NEWEST, "10");
	search_is("tham since:2024-01-10", LOA_SEARCH_NEWEST, "10,9");
	search_is("tham until:09/01/2024", LOA_SEARCH_NEWEST, "");
	search_is("tham until:10/01/2024", LOA_SEARCH_NEWEST, "9");
	search_is("xây since:6d", LOA_SEARCH_NEWEST, "6,5");
	search_is("xây OR source:bao-b", LOA_SEARCH_NEWEST, "8,6,5,4,3,1");
	search_is("(source:bao-a OR source:bao-c) tham", LOA_SEARCH_NEWEST, "10,9");
}

static void snippets_and_updates(void **state)
{
	loa_query *Q;
	loa_err err;
	assert_int_equal(loa_query_parse("dịch bệnh", strlen("dịch bệnh"), T0, &Q, NULL, &err), LOA_OK);
	got g = {0};
	loa_search_opts o = {.now = T0};
	assert_int_equal(loa_search_run(se, Q, &o, on_hit, &g, NULL, &err), LOA_OK);
	if (!strstr(g.snip, "«"))
		fail_msg("snippet [%s]", g.snip);
	loa_query_free(Q);
	/* an update: the old words leave the index, the new ones enter */
	loa_item it;
	loa_item_init(&it);
	it.source = "bao-a";
	it.id = "7";
	it.title = "Sốt xuất huyết";
	it.text = "Bộ Y tế thông báo về sốt xuất huyết.";
	it.published_at = T0 + 7 * DAY;
	int res;
	assert_int_equal(loa_store_item_upsert(st, &it, &res, &err), LOA_OK);
	assert_int_equal(res, LOA_STORE_UPDATED);
	search_is("dịch bệnh", LOA_SEARCH_NEWEST, "");
	search_is("sốt xuất huyết", LOA_SEARCH_NEWEST, "7");
	/* two updates before a sync */
	it.text = "Lần hai: cúm mùa.";
	assert_int_equal(loa_store_item_upsert(st, &it, &res, &err), LOA_OK);
	it.text = "Lần ba: sởi.";
	it.published_at = T0 + 12 * DAY;
	assert_int_equal(loa_store_item_upsert(st, &it, &res, &err), LOA_OK);
	search_is("cúm", LOA_SEARCH_NEWEST, "");
	search_is("sởi", LOA_SEARCH_NEWEST, "7");
	search_is("xuất huyết", LOA_SEARCH_NEWEST, "7");
	search_is("thông báo", LOA_SEARCH_NEWEST, "");
	int64_t n;
	assert_int_equal(loa_search_reindex(se, &n, &err), LOA_OK);
	assert_int_equal(n, NITEMS);
	search_is("sởi", LOA_SEARCH_NEWEST, "7");
	search_is("tham", LOA_SEARCH_NEWEST, "10,9");
}

static void saved(void **state)
{
	loa_err err;
	int64_t id, n;
	assert_int_equal(loa_search_query_add(se, "thamnhung", "an", "tham nhũng", &id, &err), LOA_OK);
	assert_int_equal(loa_search_query_add(se, "thamnhung", NULL, "x", &id, &err), LOA_EEXIST);
	assert_int_equal(loa_search_query_add(se, "bad", NULL, "(x", &id, &err), LOA_EPARSE);
	assert_int_equal(loa_search_query_add(se, "all", NULL, "NOT x", &id, &err), LOA_EINVAL);
	assert_int_equal(loa_search_query_backfill(se, "thamnhung", &n, &err), LOA_OK);
	assert_int_equal(n, 2);
	loa_saved_query q;
	assert_int_equal(loa_search_query_get(se, "thamnhung", &q, &err), LOA_OK);
	assert_int_equal(q.hits, 2);
	assert_string_equal(q.owner, "an");
	assert_int_equal(loa_search_query_remove(se, "thamnhung", &err), LOA_OK);
	assert_int_equal(loa_search_query_get(se, "thamnhung", &q, &err), LOA_ENOTFOUND);
}

/* ---- differential: matcher vs FTS ---------------------------------------- */

static const char *const dqueries[] = {
	"giay phep", "xây dựng", "\"giấy phép xây dựng\"", "giấy NOT lái", "hòa OR xăng",
	"xây NEAR/0 nhà", "nhà NEAR/0 xây", "xây ONEAR/0 nhà", "nhà ONEAR/0 xây", "mưa NEAR/1 nhà",
	"mưa NEAR/3 nhà", "tham nhũng NEAR/2 phòng", "tham*", "thông*", "title:tham",
	"title:(xây OR xăng)", "source:bao-b", "source:bao-b NOT mưa", "platform:facebook",
	"url:giay-phep", "TP.HCM", "hcm", "1.000.000", "author:\"nguyen van an\"",
	"(source:bao-a OR source:bao-c) tham", "xây OR source:bao-b", "\"phòng chống\"",
	"phòng NEAR/1 chống", "giảm NEAR/5 xăng", "giảm ONEAR/5 xăng", "xăng ONEAR/5 giảm",
	"sởi OR cúm OR dịch", "tham nhũng -vặt", "y tế", "\"tay chân miệng\" OR \"nông thôn\"",
	"lang:vi", "kind:article xay*", "title:\"hòa bình\" OR title:\"giá xăng\"",
	/* abbreviations in lower case, phrases across columns and punctuation,
	 * prefixes next to bigram terms, names, NOT with phrases */
	"tp.hcm", "\"tp.hcm\"", "Tp.Hcm", "xây*", "xây dựn*", "\"dựng xây\"", "\"xăng giá\"",
	"\"giảm xăng\"", "\"ha noi\"", "Hà_Nội", "\"xăng dầu\" NOT \"giảm mạnh\"", "quy định",
	"\"phòng chống tham nhũng\" OR title:\"chống tham\"", "xăng NEAR/2 \"giảm mạnh\"",
	"(xăng OR dầu) -\"phấn khởi\"", "giay_phep xay_dung", "đồng", "1.000.000 đồng",
};
#define NDQ (sizeof dqueries / sizeof dqueries[0])

typedef struct diff {
	loa_matcher *m;
	char fts[NDQ][256];
	char mat[NDQ][256];
} diff;

static void add_id(char *s, int64_t id)
{
	char b[24];
	snprintf(b, sizeof b, "%s%lld", *s ? "," : "", (long long)id);
	if (strlen(s) + strlen(b) < 256)
		memcpy(s + strlen(s), b, strlen(b) + 1);
}

static int collect_items(void *arg, const loa_item *it)
{
	diff *d = arg;
	loa_search_item si = {.id = it->rowid, .title = it->title, .text = it->text,
			      .source = it->source, .kind = it->kind, .platform = it->platform,
			      .url = it->url, .author = it->author, .lang = it->lang,
			      .org = it->org, .published_at = it->published_at};
	const int64_t *ids;
	size_t n;
	loa_err err;
	if (loa_matcher_match(d->m, &si, &ids, &n, &err))
		fail_msg("match: %s", err.msg);
	for (size_t i = 0; i < n; i++)
		add_id(d->mat[ids[i]], it->rowid);
	return 0;
}

static int cmp_i64s(const void *a, const void *b)
{
	long long x = strtoll(a, NULL, 10), y = strtoll(b, NULL, 10);
	return x < y ? -1 : x > y;
}

/* sorts "3,1,2" -> "1,2,3" */
static void sort_ids(char *s)
{
	char parts[64][24];
	int n = 0;
	for (char *p = s; *p && n < 64;) {
		char *c = strchr(p, ',');
		size_t k = c ? (size_t)(c - p) : strlen(p);
		snprintf(parts[n++], sizeof parts[0], "%.*s", (int)k, p);
		p = c ? c + 1 : p + k;
	}
	qsort(parts, (size_t)n, sizeof parts[0], cmp_i64s);
	s[0] = '\0';
	for (int i = 0; i < n; i++)
		add_id(s, strtoll(parts[i], NULL, 10));
}

static void differential(void **state)
{
	static diff d;
	memset(&d, 0, sizeof d);
	loa_err err;
	assert_int_equal(loa_matcher_new(&d.m, &err), LOA_OK);
	for (size_t i = 0; i < NDQ; i++)
		if (loa_matcher_add(d.m, (int64_t)i, dqueries[i], T0 + 11 * DAY, &err))
			fail_msg("add '%s': %s", dqueries[i], err.msg);
	assert_int_equal(loa_matcher_compile(d.m, &err), LOA_OK);
	assert_int_equal(loa_store_items_each(st, NULL, collect_items, &d, &err), LOA_OK);
	for (size_t i = 0; i < NDQ; i++) {
		loa_query *Q;
		assert_int_equal(loa_query_parse(dqueries[i], strlen(dqueries[i]), T0 + 11 * DAY, &Q,
						 NULL, &err), LOA_OK);
		got g = {0};
		loa_search_opts o = {.limit = 1000, .now = T0, .no_snippet = true};
		assert_int_equal(loa_search_run(se, Q, &o, on_hit, &g, NULL, &err), LOA_OK);
		loa_query_free(Q);
		memcpy(d.fts[i], g.ids, sizeof g.ids);
		sort_ids(d.fts[i]);
		sort_ids(d.mat[i]);
		if (strcmp(d.fts[i], d.mat[i]) != 0)
			fail_msg("'%s': FTS [%s] matcher [%s]", dqueries[i], d.fts[i], d.mat[i]);
	}
	loa_matcher_free(d.m);
}

/* An item that no query could match, first thing after compiling: no
 * candidate list yet (found by fuzz/fuzz_query.c: qsort on NULL). */
static void match_nothing(void **state)
{
	loa_matcher *m;
	loa_err err;
	assert_int_equal(loa_matcher_new(&m, &err), LOA_OK);
	assert_int_equal(loa_matcher_add(m, 1, "source:vnexpress NOT giả", T0, &err), LOA_OK);
	assert_int_equal(loa_matcher_add(m, 2, "tone:negative", T0, &err), LOA_OK);
	assert_int_equal(loa_matcher_compile(m, &err), LOA_OK);
	loa_search_item it = {.id = 1, .title = "Tin", .text = "Tin giả", .source = "tuoitre",
			      .kind = "article", .platform = "web", .published_at = T0};
	const int64_t *ids;
	size_t n = 9;
	assert_int_equal(loa_matcher_match(m, &it, &ids, &n, &err), LOA_OK);
	assert_int_equal(n, 0);
	loa_matcher_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(diacritics), cmocka_unit_test(exact_first), cmocka_unit_test(operators),
		cmocka_unit_test(fields_time), cmocka_unit_test(snippets_and_updates),
		cmocka_unit_test(saved), cmocka_unit_test(differential), cmocka_unit_test(match_nothing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
