/* The streaming matcher (search/match.h) against FTS search of the same
 * items: a randomized agreement test (a few hundred generated queries over
 * generated items, fixed seed), and units for the matcher's shortcuts:
 * title-only occurrences, NEAR over repeated terms, queries that need no
 * boolean evaluation and queries evaluated for every item, many items in a
 * row; more queries than one word of the candidate bitset, with short atoms
 * and NEAR over them; phrases found at their first two syllables, phrases
 * ending in a prefix, positions gathered on demand, a long item. */
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
#include "fixture.h"

#define DAY ((loa_ms)86400000)
#define T0 ((loa_ms)1704067200000) /* 2024-01-01T00:00:00Z */
#define NITEMS 60
#define NQUERIES 400

static char dbpath[256];
static loa_store *st;
static loa_search *se;

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* words with their folded forms (as people type them without diacritics) */
static const char *const vocab[][2] = {
	{"giấy", "giay"}, {"phép", "phep"}, {"xây", "xay"}, {"dựng", "dung"}, {"nhà", "nha"},
	{"Hà", "ha"}, {"Nội", "noi"}, {"tham", "tham"}, {"nhũng", "nhung"}, {"xăng", "xang"},
	{"giá", "gia"}, {"giảm", "giam"}, {"hòa", "hoa"}, {"bình", "binh"}, {"mưa", "mua"},
	{"đường", "duong"}, {"cầu", "cau"}, {"dân", "dan"}, {"phòng", "phong"}, {"chống", "chong"},
	{"thuế", "thue"}, {"đất", "dat"}, {"xấy", "xay"}, {"hoà", "hoa"}, {"xa", "xa"},
	{"TP.HCM", "tp.hcm"}, {"1.000", "1.000"}, {"H5N1", "h5n1"}, {"UBND", "ubnd"},
	{"người", "nguoi"}, {"tế", "te"}, {"dịch", "dich"},
};
#define NVOCAB (sizeof vocab / sizeof vocab[0])
static const char *const sources[] = {"bao-a", "bao-b", "bao-c"};
static const char *const puncts[] = {" ", " ", " ", " ", ", ", ". ", " - ", "; "};

static void gen_words(loa_buf *b, int n)
{
	for (int i = 0; i < n; i++) {
		const char *const *w = vocab[rnd(NVOCAB)];
		if (i)
			loa_buf_puts(b, puncts[rnd(sizeof puncts / sizeof puncts[0])]);
		loa_buf_puts(b, w[rnd(4) == 0]);
	}
}

static int setup(void **state)
{
	(void)state;
	search_fixture_open("match", dbpath, sizeof dbpath, &st, &se);
	loa_buf title, text;
	loa_buf_init(&title, 4096);
	loa_buf_init(&text, 4096);
	for (int i = 0; i < NITEMS; i++) {
		loa_buf_reset(&title);
		loa_buf_reset(&text);
		gen_words(&title, 1 + (int)rnd(5));
		gen_words(&text, 5 + (int)rnd(40));
		char id[16];
		snprintf(id, sizeof id, "%d", i);
		/* the draws in the order the items always had them */
		const char *src = sources[rnd(3)];
		const char *ti = rnd(8) ? title.data : NULL;
		search_fixture_put(st, src, id, ti, text.data, T0 + (loa_ms)rnd(10) * DAY);
	}
	loa_buf_release(&title);
	loa_buf_release(&text);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	search_fixture_close(dbpath, st, se);
	return 0;
}

/* ---- query generation ----------------------------------------------------- */

static void gen_term(loa_buf *q)
{
	const char *const *w = vocab[rnd(NVOCAB)];
	const char *s = w[rnd(2)];
	switch (rnd(6)) {
	case 0: { /* a prefix of the folded form, 2 or 3 letters */
		size_t k = 2 + rnd(2);
		if (strlen(w[1]) < k || strchr(w[1], '.'))
			loa_buf_puts(q, s);
		else
			loa_buf_printf(q, "%.*s*", (int)k, w[1]);
		break;
	}
	case 1:
	case 2: /* a phrase of 2 or 3 words */
		loa_buf_putc(q, '"');
		gen_words(q, 2 + (int)rnd(2));
		loa_buf_putc(q, '"');
		break;
	default:
		loa_buf_puts(q, s);
	}
}

static void gen_query(loa_buf *q)
{
	loa_buf_reset(q);
	switch (rnd(12)) {
	case 0:
		gen_term(q);
		break;
	case 1: /* AND, implicit */
		gen_term(q);
		loa_buf_putc(q, ' ');
		gen_term(q);
		break;
	case 2:
		gen_term(q);
		loa_buf_puts(q, " OR ");
		gen_term(q);
		break;
	case 3:
		gen_term(q);
		loa_buf_puts(q, rnd(2) ? " NOT " : " -");
		gen_term(q);
		break;
	case 4:
	case 5: { /* NEAR and ONEAR of words and phrases (not prefixes) */
		const char *const *a = vocab[rnd(NVOCAB)], *const *b = vocab[rnd(NVOCAB)];
		loa_buf_printf(q, "%s %s/%u ", a[rnd(2)], rnd(2) ? "NEAR" : "ONEAR", rnd(6));
		if (rnd(3) == 0) {
			loa_buf_putc(q, '"');
			gen_words(q, 2);
			loa_buf_putc(q, '"');
		} else {
			loa_buf_puts(q, b[rnd(2)]);
		}
		break;
	}
	case 6:
		loa_buf_puts(q, "title:");
		gen_term(q);
		if (rnd(2)) {
			loa_buf_putc(q, ' ');
			gen_term(q);
		}
		break;
	case 7:
		loa_buf_printf(q, "source:%s ", sources[rnd(3)]);
		gen_term(q);
		break;
	case 8:
		loa_buf_printf(q, "source:%s NOT ", sources[rnd(3)]);
		gen_term(q);
		break;
	case 9:
		loa_buf_putc(q, '(');
		gen_term(q);
		loa_buf_puts(q, " OR ");
		gen_term(q);
		loa_buf_puts(q, ") ");
		gen_term(q);
		break;
	case 10:
		gen_term(q);
		loa_buf_putc(q, ' ');
		gen_term(q);
		loa_buf_puts(q, " NOT (");
		gen_term(q);
		loa_buf_puts(q, " OR title:");
		gen_term(q);
		loa_buf_putc(q, ')');
		break;
	default:
		gen_term(q);
		loa_buf_puts(q, " OR (title:");
		gen_term(q);
		loa_buf_putc(q, ' ');
		gen_term(q);
		loa_buf_puts(q, ")");
	}
}

/* ---- agreement ------------------------------------------------------------ */

typedef struct idset {
	int64_t ids[NITEMS];
	size_t n;
} idset;

typedef struct agree {
	loa_matcher *m;
	idset mat[NQUERIES];
	size_t items;
} agree;

static int on_item(void *arg, const loa_search_item *it)
{
	agree *a = arg;
	const int64_t *ids;
	size_t n;
	loa_err err;
	if (loa_matcher_match(a->m, it, &ids, &n, &err))
		fail_msg("match: %s", err.msg);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && ids[i] <= ids[i - 1])
			fail_msg("ids out of order: %lld after %lld", (long long)ids[i],
				 (long long)ids[i - 1]);
		idset *s = &a->mat[ids[i]];
		if (s->n < NITEMS)
			s->ids[s->n++] = it->id;
	}
	a->items++;
	return 0;
}

static int on_fts(void *arg, const loa_search_hit *h)
{
	idset *s = arg;
	if (s->n < NITEMS)
		s->ids[s->n++] = h->item_id;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void show(char *out, size_t cap, const idset *s)
{
	size_t k = 0;
	out[0] = '\0';
	for (size_t i = 0; i < s->n && k + 24 < cap; i++)
		k += (size_t)snprintf(out + k, cap - k, "%s%lld", i ? "," : "", (long long)s->ids[i]);
}

static void randomized_agreement(void **state)
{
	(void)state;
	static agree a;
	static char qs[NQUERIES][512];
	memset(&a, 0, sizeof a);
	loa_err err;
	assert_int_equal(loa_matcher_new(&a.m, &err), LOA_OK);
	loa_buf q;
	loa_buf_init(&q, 4096);
	size_t nq = 0, kinds[4] = {0};
	while (nq < NQUERIES) {
		gen_query(&q);
		if (loa_matcher_add(a.m, (int64_t)nq, q.data, T0 + 11 * DAY, &err))
			continue; /* refused by the parser (both sides would refuse it) */
		snprintf(qs[nq], sizeof qs[nq], "%s", q.data);
		kinds[strstr(q.data, "NEAR/") ? 0 : strstr(q.data, "title:") ? 1 :
		      strchr(q.data, '*') ? 2 : 3]++;
		nq++;
	}
	loa_buf_release(&q);
	assert_int_equal(loa_matcher_count(a.m), NQUERIES);
	/* every kind is exercised */
	for (int k = 0; k < 4; k++)
		assert_true(kinds[k] >= 20);
	assert_int_equal(loa_matcher_compile(a.m, &err), LOA_OK);
	/* the sync's hook hands each newly indexed item to the matcher */
	int64_t n = 0;
	assert_int_equal(loa_search_sync(se, on_item, &a, &n, &err), LOA_OK);
	assert_int_equal(n, NITEMS);
	assert_int_equal(a.items, NITEMS);
	size_t matched = 0, nonempty = 0;
	for (size_t i = 0; i < nq; i++) {
		loa_query *Q;
		assert_int_equal(loa_query_parse(qs[i], strlen(qs[i]), T0 + 11 * DAY, &Q, NULL, &err),
				 LOA_OK);
		idset f = {0};
		loa_search_opts o = {.limit = 1000, .now = T0 + 11 * DAY, .no_snippet = true,
				     .no_sync = true, .prefix_all = true};
		if (loa_search_run(se, Q, &o, on_fts, &f, NULL, &err))
			fail_msg("search '%s': %s", qs[i], err.msg);
		loa_query_free(Q);
		qsort(f.ids, f.n, sizeof f.ids[0], cmp_i64);
		idset *mm = &a.mat[i];
		qsort(mm->ids, mm->n, sizeof mm->ids[0], cmp_i64);
		if (f.n != mm->n || memcmp(f.ids, mm->ids, f.n * sizeof f.ids[0]) != 0) {
			char fb[2048], mb[2048];
			show(fb, sizeof fb, &f);
			show(mb, sizeof mb, mm);
			fail_msg("query %zu '%s': FTS [%s] matcher [%s]", i, qs[i], fb, mb);
		}
		matched += f.n;
		nonempty += f.n > 0 && f.n < NITEMS;
	}
	/* the generated queries discriminate: many match some items, not all */
	assert_true(nonempty > NQUERIES / 3);
	assert_true(matched > 0);
	loa_matcher_free(a.m);
}

/* ---- units ----------------------------------------------------------------- */

static void expect(loa_matcher *m, const loa_search_item *it, const char *want)
{
	const int64_t *ids;
	size_t n;
	loa_err err;
	assert_int_equal(loa_matcher_match(m, it, &ids, &n, &err), LOA_OK);
	char got[256] = "";
	size_t k = 0;
	for (size_t i = 0; i < n && k + 24 < sizeof got; i++)
		k += (size_t)snprintf(got + k, sizeof got - k, "%s%lld", i ? "," : "", (long long)ids[i]);
	if (strcmp(got, want) != 0)
		fail_msg("item '%.80s' / '%.80s': [%s], want [%s]", it->title ? it->title : "(null)",
			 it->text ? it->text : "(null)", got, want);
}

static void shortcuts(void **state)
{
	(void)state;
	loa_matcher *m;
	loa_err err;
	assert_int_equal(loa_matcher_new(&m, &err), LOA_OK);
	static const char *const qs[] = {
		"title:xăng",          /* 1: title only */
		"xăng",                /* 2: anywhere (no evaluation needed) */
		"\"giá xăng\" dầu",    /* 3: AND of terms (no evaluation needed) */
		"xăng NEAR/1 giảm",    /* 4: every position of xăng and giảm */
		"xăng ONEAR/0 dầu",    /* 5 */
		"giảm NOT xăng",       /* 6 */
		"kind:article xăng",   /* 7: a field: evaluated */
		"xăng OR source:x",    /* 8: evaluated for every item */
		"tham* title:xăng",    /* 9 */
	};
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++)
		if (loa_matcher_add(m, (int64_t)i + 1, qs[i], T0, &err))
			fail_msg("add '%s': %s", qs[i], err.msg);
	assert_int_equal(loa_matcher_compile(m, &err), LOA_OK);
	loa_search_item it = {.id = 1, .source = "bao-a", .kind = "article", .platform = "web",
			      .published_at = T0};
	/* xăng in the text only: not title: */
	it.title = "Thời sự";
	it.text = "Giá xăng dầu hôm nay. Xăng dầu giảm.";
	expect(m, &it, "2,3,4,5,7,8");
	/* in the title only, far from giảm in the text */
	it.title = "Xăng";
	it.text = "Dầu. Tham nhũng. Giảm một hai ba bốn năm.";
	expect(m, &it, "1,2,7,8,9");
	/* in both; the last xăng is next to giảm (NEAR needs more than the first) */
	it.title = "Xăng tăng";
	it.text = "Xăng tăng mạnh một hai ba bốn năm sáu, sau đó xăng giảm.";
	expect(m, &it, "1,2,4,7,8");
	/* no title, many items in a row: nothing stays from the items before */
	it.title = NULL;
	it.text = "Giảm thuế.";
	expect(m, &it, "6");
	for (int r = 0; r < 1000; r++) {
		it.text = r % 2 ? "Giá xăng dầu giảm" : "Giảm thuế đất";
		expect(m, &it, r % 2 ? "2,3,4,5,7,8" : "6");
	}
	it.text = "";
	expect(m, &it, "");
	loa_matcher_free(m);
}

/* 200 queries (four words of the candidate bitset), in four kinds by id % 4:
 * a short atom anywhere (one report per column), the same in the title
 * only, NEAR/0 over it (every position), a phrase. */
static void many_queries(void **state)
{
	(void)state;
	loa_matcher *m;
	loa_err err;
	assert_int_equal(loa_matcher_new(&m, &err), LOA_OK);
	static const char *const kinds[] = {"xa", "title:xa", "xa NEAR/0 xăng", "\"giá xăng\""};
	for (int i = 0; i < 200; i++)
		if (loa_matcher_add(m, i, kinds[i % 4], T0, &err))
			fail_msg("add: %s", err.msg);
	assert_int_equal(loa_matcher_compile(m, &err), LOA_OK);
	static const struct {
		const char *title, *text;
		unsigned kinds; /* bit k: queries of kind k match */
	} items[] = {
		{"Xa", "Xăng xa, giá xăng.", 15},
		{NULL, "Xa lạ xăng.", 1},
		{"Xăng", "xa", 1},                     /* NEAR/0 across columns: no */
		{"Giá", "xăng dầu", 0},                /* no phrase across columns */
		{"Thời sự", "xa xa xa xăng", 5},       /* the last xa is next to xăng */
		{"xa xăng", "", 7},
	};
	for (int round = 0; round < 3; round++)
		for (size_t k = 0; k < sizeof items / sizeof items[0]; k++) {
			loa_search_item it = {.id = 1, .title = items[k].title, .text = items[k].text,
					      .published_at = T0};
			const int64_t *ids;
			size_t n;
			assert_int_equal(loa_matcher_match(m, &it, &ids, &n, &err), LOA_OK);
			size_t want = 0;
			for (int i = 0; i < 200; i++) {
				if (!(items[k].kinds >> (i % 4) & 1))
					continue;
				if (want >= n || ids[want] != i)
					fail_msg("item %zu: query %d (%s) missing or out of order", k, i,
						 kinds[i % 4]);
				want++;
			}
			if (n != want)
				fail_msg("item %zu: %zu matches, want %zu", k, n, want);
		}
	loa_matcher_free(m);
}

/* Phrases found at their first two syllables (one walk over the item's
 * terms), phrases sharing those (3 syllables, several per pair), a phrase
 * ending in a prefix, a repeated syllable, an abbreviation, NEAR/ONEAR on
 * positions found only when asked for (a prefix operand of several
 * terms), title:, NOT, a field; an item of thousands of distinct terms
 * (the term set grows) and the items after it. */
static void phrases_and_positions(void **state)
{
	(void)state;
	loa_matcher *m;
	loa_err err;
	assert_int_equal(loa_matcher_new(&m, &err), LOA_OK);
	static const char *const qs[] = {
		"\"giá xăng\"",                 /* 1 */
		"\"giá xăng dầu\"",             /* 2 */
		"\"giá xăng tăng\"",            /* 3 */
		"giá_xă*",                      /* 4: a phrase ending in a prefix */
		"xă* NEAR/1 giảm",              /* 5 */
		"\"giá xăng\" ONEAR/2 giảm",    /* 6 */
		"title:\"giá xăng\"",           /* 7 */
		"\"giá xăng\" NOT \"giá dầu\"", /* 8 */
		"\"xăng xăng\"",                /* 9 */
		"source:bao-a \"dầu tăng\"",    /* 10 */
		"\"TP.HCM giá\"",               /* 11 */
	};
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++)
		if (loa_matcher_add(m, (int64_t)i + 1, qs[i], T0, &err))
			fail_msg("add '%s': %s", qs[i], err.msg);
	assert_int_equal(loa_matcher_compile(m, &err), LOA_OK);
	loa_search_item it = {.id = 1, .source = "bao-b", .kind = "article", .published_at = T0};
	for (int round = 0; round < 2; round++) {
		it.source = "bao-b";
		it.title = NULL;
		it.text = "Giá xăng dầu tăng. Xăm giảm.";
		expect(m, &it, "1,2,4,5,8");
		/* the phrase in the title only (not across into the text) */
		it.source = "bao-a";
		it.title = "Giá xăng";
		it.text = "Dầu tăng, giá dầu giảm. Xăng xăng.";
		expect(m, &it, "1,4,5,7,9,10");
		it.title = NULL;
		it.text = "TP.HCM giá xăng giảm mạnh; giá xăng tăng";
		expect(m, &it, "1,3,4,5,6,8,11");
		/* the prefix after the second giá; xăng one term from giảm */
		it.source = "bao-b";
		it.text = "xăng giá, giảm. Giá xăm";
		expect(m, &it, "4,5");
		/* ONEAR: giảm before the phrase */
		it.text = "giảm giá xăng";
		expect(m, &it, "1,4,5,8");
		/* the phrase in the text first, then in the title: still title: */
		it.title = "Tin nhanh: giá xăng";
		it.text = "giá xăng tăng";
		expect(m, &it, "1,3,4,7,8");
	}
	/* thousands of distinct terms, then short items */
	loa_buf b;
	loa_buf_init(&b, 1 << 20);
	for (int i = 0; i < 3000; i++)
		loa_buf_printf(&b, "k%c%c%c ", 'a' + i / 676 % 26, 'a' + i / 26 % 26, 'a' + i % 26);
	loa_buf_puts(&b, "giá xăng. Xăng giảm"); /* "xăng xăng" across the full stop */
	it.title = NULL;
	it.text = b.data;
	expect(m, &it, "1,4,5,6,8,9");
	it.text = "giá xăng dầu";
	expect(m, &it, "1,2,4,8");
	it.text = "kaaa kaab giá";
	expect(m, &it, "");
	loa_buf_release(&b);
	loa_matcher_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(randomized_agreement),
		cmocka_unit_test(shortcuts),
		cmocka_unit_test(many_queries),
		cmocka_unit_test(phrases_and_positions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
