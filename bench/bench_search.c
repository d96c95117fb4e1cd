/*
 * bench_search.c - search benchmarks (bench/search.sh runs them; never CTest).
 *
 *   bench_search index     N < articles.jsonl   our tokenizer vs unicode61
 *   bench_search match     N Q S < articles.jsonl   Q saved queries, matcher
 *                                                MB/s vs S of them via FTS5
 *   bench_search load      DB N REPEAT < articles.jsonl   items for latency
 *   bench_search latency   DB Q < articles.jsonl   p50/p99 newest, relevance
 *   bench_search relevance N J < articles.jsonl   MRR@10, nDCG@10 on J judged
 *
 * Articles are VNTC JSON lines ({"text", "topic_code", ...}).
 */
#include "core/buf.h"
#include "core/ltime.h"
#include "core/str.h"
#include "core/utf8.h"
#include "search/match.h"
#include "search/query.h"
#include "search/search.h"
#include "store/store.h"
#include "text/fts5_tok.h"
#include "text/text.h"

#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/banned.h"

typedef struct art {
	char *text;
	char topic[4];
	size_t n;
} art;

static art *arts;
static size_t narts, total_bytes;

static void load(size_t max)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	arts = calloc(max, sizeof *arts);
	while (narts < max && (got = getline(&line, &cap, stdin)) > 0) {
		json_t *j = json_loadb(line, (size_t)got, 0, NULL);
		const char *t = json_string_value(json_object_get(j, "text"));
		const char *tc = json_string_value(json_object_get(j, "topic_code"));
		if (t && *t) {
			arts[narts].text = strdup(t);
			arts[narts].n = strlen(t);
			snprintf(arts[narts].topic, sizeof arts[narts].topic, "%s", tc ? tc : "");
			total_bytes += arts[narts].n;
			narts++;
		}
		json_decref(j);
	}
	free(line);
}

static double secs(uint64_t t0)
{
	return (double)(loa_mono_ns() - t0) / 1e9;
}

/* CPU time of this process in ns: throughput is measured per CPU-second
 * (the machine is shared; as bench/text.sh does). Latency stays wall time. */
static uint64_t cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* CPU time of the calling thread in ns (latency: next to wall time, since
 * the machine is shared). */
static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double cpu_secs(uint64_t t0)
{
	return (double)(cpu_ns() - t0) / 1e9;
}

static sqlite3 *mem_db(void)
{
	sqlite3 *db;
	sqlite3_open(":memory:", &db);
	loa_text_fts5_register(db);
	return db;
}

static double build_fts(sqlite3 *db, const char *tok)
{
	char sql[256];
	snprintf(sql, sizeof sql, "CREATE VIRTUAL TABLE f USING fts5(text, tokenize = '%s')", tok);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
	/* the search index's setting (src/search/index.c), for both tokenizers */
	sqlite3_exec(db, "INSERT INTO f(f, rank) VALUES('hashsize', 8388608)", NULL, NULL, NULL);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "INSERT INTO f(rowid, text) VALUES(?1, ?2)", -1, &st, NULL);
	uint64_t t0 = cpu_ns();
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (size_t i = 0; i < narts; i++) {
		sqlite3_bind_int64(st, 1, (int64_t)i + 1);
		sqlite3_bind_text(st, 2, arts[i].text, (int)arts[i].n, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	double s = cpu_secs(t0);
	sqlite3_finalize(st);
	return s;
}

/* ---- query generation ------------------------------------------------- */

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

typedef struct words {
	char **w;
	size_t n;
} words;

/* the first syllables of an article (its title), lower-case, as words */
static int take_word(void *u, const loa_token *t, const char *text)
{
	words *w = u;
	if (t->type != LOA_TOK_WORD || w->n >= 12)
		return w->n >= 12;
	size_t k = t->end - t->start;
	loa_buf b;
	loa_buf_init(&b, 4 * k + 8);
	loa_text_normalize(text, k, LOA_NORM_MATCH, &b);
	if (b.len >= 2)
		w->w[w->n++] = loa_buf_detach(&b, NULL);
	else
		loa_buf_release(&b);
	return 0;
}

static void title_words(size_t a, words *w)
{
	static char *buf[12];
	w->w = buf;
	for (size_t i = 0; i < w->n; i++)
		free(w->w[i]);
	w->n = 0;
	size_t n = arts[a].n < 400 ? arts[a].n : 400;
	n = loa_utf8_truncate(arts[a].text, arts[a].n, n);
	loa_text_tokenize(arts[a].text, n, take_word, w);
}

static void fold(const char *s, loa_buf *out)
{
	loa_text_normalize(s, strlen(s), LOA_NORM_MATCH | LOA_NORM_FOLD, out);
}

/* Bytes of the first three characters of s. */
static size_t prefix3(const char *s)
{
	size_t i = 0;
	size_t n = strlen(s);
	for (int k = 0; k < 3 && i < n; k++) {
		uint32_t cp;
		i += loa_utf8_decode((const unsigned char *)s + i, n - i, &cp);
	}
	return i;
}

static bool common_word(const char *w)
{
	static const char *const common[] = {
		"cua", "va", "la", "cac", "nhung", "duoc", "co", "trong", "cho", "voi", "mot",
		"nguoi", "nay", "da", "khong", "nam", "thi", "de", "tai", "ra", "vao", "khi", "nhu",
		"se", "ve", "tu", "den", "cung", "theo", "nhieu", "dang", "nhat", "ngay", "lam",
		"di", "con", "phai", "sau", "hon", "viec", "tren", "minh", "chi", "bi", "do", "ong",
		"moi", "ban", "the", "nen", "vi", "neu", "ma", "o", "nhieu", "so", "hay"};
	loa_buf f;
	loa_buf_init(&f, 256);
	fold(w, &f);
	bool r = f.len < 2;
	for (size_t i = 0; !r && i < sizeof common / sizeof common[0]; i++)
		r = strcmp(f.data, common[i]) == 0;
	loa_buf_release(&f);
	return r;
}

/* A realistic monitoring query from a random article's title (its first
 * sentence): one to three terms, each a two-syllable word (adjacent content
 * syllables: the commonest syllables are not chosen) or a syllable, with
 * AND/OR/NOT, NEAR, prefixes (3 letters), title:; half without
 * diacritics, as people type. */
static void gen_query(loa_buf *q, bool allow_fields)
{
	words w = {0};
	static words keep;
	size_t tries = 0;
	size_t idx[12], ni = 0;
	do {
		title_words(rnd() % narts, &keep);
		w = keep;
		ni = 0;
		for (size_t i = 0; i + 1 < w.n; i++)
			if (!common_word(w.w[i]) && !common_word(w.w[i + 1]))
				idx[ni++] = i; /* a content pair starts here */
	} while (ni < 3 && ++tries < 50);
	loa_buf_reset(q);
	if (ni == 0) {
		loa_buf_puts(q, "\"giấy phép\"");
		return;
	}
	size_t i = idx[rnd() % ni], j = idx[rnd() % ni], k = idx[rnd() % ni];
	int kind = (int)(rnd() % 100);
	bool folded = rnd() % 2;
	loa_buf a, b, c, d;
	loa_buf_init(&a, 256);
	loa_buf_init(&b, 256);
	loa_buf_init(&c, 256);
	loa_buf_init(&d, 256);
	if (folded) {
		fold(w.w[i], &a);
		fold(w.w[i + 1], &b);
		fold(w.w[j], &c);
		fold(w.w[k + 1], &d);
	} else {
		loa_buf_puts(&a, w.w[i]);
		loa_buf_puts(&b, w.w[i + 1]);
		loa_buf_puts(&c, w.w[j]);
		loa_buf_puts(&d, w.w[k + 1]);
	}
	/* c d: the pair at j (c is w[j], d is w[k + 1]: re-taken as the pair at k) */
	loa_buf_reset(&c);
	loa_buf_reset(&d);
	if (folded) {
		fold(w.w[j], &c);
		fold(w.w[j + 1], &d);
	} else {
		loa_buf_puts(&c, w.w[j]);
		loa_buf_puts(&d, w.w[j + 1]);
	}
	if (kind < 35)
		loa_buf_printf(q, "\"%s %s\"", a.data, b.data);
	else if (kind < 55)
		loa_buf_printf(q, "\"%s %s\" \"%s %s\"", a.data, b.data, c.data, d.data);
	else if (kind < 67)
		loa_buf_printf(q, "\"%s %s\" (%s OR \"%s %s\")", a.data, b.data, d.data, c.data,
			       d.data);
	else if (kind < 77 && j != i) /* not the pair itself: that matches nothing */
		loa_buf_printf(q, "\"%s %s\" NOT \"%s %s\"", a.data, b.data, c.data, d.data);
	else if (kind < 77)
		loa_buf_printf(q, "\"%s %s\"", a.data, b.data);
	else if (kind < 85)
		loa_buf_printf(q, "\"%s %s\" NEAR/5 %s", a.data, b.data, d.data);
	else if (kind < 92 && prefix3(a.data) < strlen(a.data))
		loa_buf_printf(q, "%.*s* \"%s %s\"", (int)prefix3(a.data), a.data, c.data, d.data);
	else
		loa_buf_printf(q, "title:\"%s %s\"", a.data, b.data);
	if (allow_fields && rnd() % 10 == 0)
		loa_buf_puts(q, " since:365d");
	loa_buf_release(&a);
	loa_buf_release(&b);
	loa_buf_release(&c);
	loa_buf_release(&d);
}

/* ---- modes ------------------------------------------------------------ */

static int mode_index(size_t n)
{
	load(n);
	double mb = (double)total_bytes / 1e6;
	/* alternately, twice each (the machine is shared): the better of each */
	double u = 1e30, l = 1e30;
	for (int r = 0; r < 2; r++) {
		sqlite3 *d = mem_db();
		double t = build_fts(d, "unicode61 remove_diacritics 2");
		sqlite3_close(d);
		u = t < u ? t : u;
		d = mem_db();
		t = build_fts(d, "loa");
		sqlite3_close(d);
		l = t < l ? t : l;
	}
	printf("index: articles=%zu mb=%.1f loa_per_s=%.0f loa_mb_s=%.1f unicode61_per_s=%.0f "
	       "unicode61_mb_s=%.1f ratio=%.2f\n", narts, mb, narts / l, mb / l, narts / u, mb / u,
	       u / l);
	return 0;
}

static int mode_match(size_t n, size_t nq, size_t nfts)
{
	load(n);
	loa_matcher *m;
	loa_err err;
	loa_matcher_new(&m, &err);
	loa_buf q;
	loa_buf_init(&q, 4096);
	char **qs = calloc(nq, sizeof *qs);
	for (size_t i = 0; i < nq; i++) {
		gen_query(&q, false);
		qs[i] = strdup(q.data);
		if (loa_matcher_add(m, (int64_t)i, q.data, LOA_TIME_NONE, &err))
			fprintf(stderr, "skip %s: %s\n", q.data, err.msg);
	}
	if (getenv("LOA_BENCH_QUERIES"))
		for (size_t i = 0; i < 40; i++)
			fprintf(stderr, "query: %s\n", qs[i]);
	uint64_t t0 = cpu_ns();
	if (loa_matcher_compile(m, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	double tc = cpu_secs(t0);
	t0 = cpu_ns();
	size_t hits = 0, items_hit = 0;
	for (size_t i = 0; i < narts; i++) {
		loa_search_item it = {.id = (int64_t)i, .text = arts[i].text, .source = "vntc",
				      .kind = "article", .platform = "web", .published_at = 0};
		const int64_t *ids;
		size_t k;
		loa_matcher_match(m, &it, &ids, &k, &err);
		hits += k;
		items_hit += k > 0;
		if (getenv("LOA_BENCH_QUERIES") && i == 7)
			for (size_t z = 0; z < k && z < 30; z++)
				fprintf(stderr, "art7 matches: %s\n", qs[ids[z]]);
	}
	double tm = cpu_secs(t0);
	double mb = (double)total_bytes / 1e6;
	if (getenv("LOA_BENCH_NO_FTS")) { /* profiling the matcher alone */
		printf("match: queries=%zu articles=%zu mb=%.1f compile_s=%.2f match_s=%.2f "
		       "mb_s=%.1f hits=%zu items_hit=%zu\n", nq, narts, mb, tc, tm, mb / tm, hits,
		       items_hit);
		loa_matcher_free(m);
		return 0;
	}
	/* reference: each query through FTS5 separately, over an index of the same articles */
	sqlite3 *db = mem_db();
	build_fts(db, "loa");
	size_t fhits = 0;
	t0 = cpu_ns();
	for (size_t i = 0; i < nfts && i < nq; i++) {
		loa_query *Q;
		if (loa_query_parse(qs[i], strlen(qs[i]), LOA_TIME_NONE, &Q, NULL, &err))
			continue;
		loa_buf e;
		loa_buf_init(&e, 8192);
		loa_buf_puts(&e, qs[i]);
		loa_query_free(Q);
		sqlite3_stmt *st;
		/* FTS5 understands our quoted phrases, AND/OR/NOT and prefixes; NEAR/n is
		 * NEAR(), title: is dropped (one column here) */
		char *x = e.data;
		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM f WHERE f MATCH ?1", -1, &st, NULL) ==
		    SQLITE_OK) {
			/* NEAR/5 -> NEAR(a b, 5); title: -> plain (one column here) */
			loa_buf f;
			loa_buf_init(&f, 8192);
			const char *nr = strstr(x, " NEAR/5 ");
			if (nr)
				loa_buf_printf(&f, "NEAR(%.*s %s, 5)", (int)(nr - x), x, nr + 8);
			else if (strncmp(x, "title:", 6) == 0)
				loa_buf_puts(&f, x + 6);
			else
				loa_buf_puts(&f, x);
			sqlite3_bind_text(st, 1, f.data, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW)
				fhits += (size_t)sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
			loa_buf_release(&f);
		}
		loa_buf_release(&e);
	}
	double tf = cpu_secs(t0);
	size_t done = nfts < nq ? nfts : nq;
	double tf_all = tf / (double)done * (double)nq;
	printf("match: queries=%zu articles=%zu mb=%.1f compile_s=%.2f match_s=%.2f mb_s=%.1f "
	       "items_per_s=%.0f hits=%zu items_hit=%zu fts_queries=%zu fts_s=%.2f "
	       "fts_all_queries_s_est=%.1f fts_mb_s_est=%.2f\n",
	       nq, narts, mb, tc, tm, mb / tm, narts / tm, hits, items_hit, done, tf, tf_all,
	       mb / tf_all);
	(void)fhits;
	sqlite3_close(db);
	loa_matcher_free(m);
	return 0;
}

static int mode_load(const char *dbp, size_t n, int repeat)
{
	load(n);
	loa_store *st;
	loa_err err;
	if (loa_store_open(dbp, LOA_STORE_BULK, &st, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	loa_search *se;
	if (loa_search_open(dbp, &se, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	uint64_t t0 = loa_mono_ns();
	loa_ms base = (loa_ms)1704067200000; /* 2024-01-01 */
	size_t total = narts * (size_t)repeat, k = 0;
	char id[64], src[32];
	loa_buf text;
	loa_buf_init(&text, (size_t)64 << 20);
	for (int r = 0; r < repeat; r++) {
		loa_store_begin(st, NULL);
		for (size_t i = 0; i < narts; i++, k++) {
			loa_item it;
			loa_item_init(&it);
			snprintf(id, sizeof id, "%d-%zu", r, i);
			snprintf(src, sizeof src, "nguon-%zu", k % 50);
			loa_buf_reset(&text);
			/* variation: a dateline and a rotated lead */
			loa_buf_printf(&text, "Bản tin số %d. %s", r, arts[(i + (size_t)r * 7919) % narts].text);
			it.source = src;
			it.id = id;
			it.text = text.data;
			it.published_at = base + (loa_ms)(k * 600000 / (total ? total : 1)) * 1000 +
					  (loa_ms)(rnd() % 1000);
			if (loa_store_item_upsert(st, &it, NULL, &err))
				fprintf(stderr, "item: %s\n", err.msg);
		}
		loa_store_commit(st, NULL);
	}
	double ti = secs(t0);
	t0 = loa_mono_ns();
	int64_t idx;
	if (loa_search_sync(se, NULL, NULL, &idx, &err))
		fprintf(stderr, "sync: %s\n", err.msg);
	double ts = secs(t0);
	printf("load: items=%zu store_s=%.1f index_s=%.1f index_per_s=%.0f\n", total, ti, ts,
	       (double)idx / ts);
	loa_buf_release(&text);
	loa_search_close(se);
	loa_store_close(st);
	return 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

typedef struct idlist {
	int64_t ids[LOA_SEARCH_MAX_LIMIT];
	size_t n;
} idlist;

static int collect_id(void *arg, const loa_search_hit *h)
{
	idlist *l = arg;
	if (l->n < LOA_SEARCH_MAX_LIMIT)
		l->ids[l->n++] = h->item_id;
	return 0;
}

static void report(const char *what, double *lat, size_t n, int64_t hits)
{
	if (n == 0)
		return;
	qsort(lat, n, sizeof(double), cmp_d);
	printf("latency: order=%s queries=%zu p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f "
	       "mean_hits=%.1f\n", what, n, lat[n / 2], lat[n * 9 / 10], lat[n * 99 / 100], lat[n - 1],
	       (double)hits / (double)n);
}

/* p50/p99 of newest-first and relevance over every query; next to them, in
 * the same run, on every LOA_BENCH_REF_EVERY-th query (default 10) and on
 * every query with a prefix for newest-first (FTS5's own short prefixes
 * take seconds to tens of seconds at 1M items), ours and the reference: FTS5's own prefixes (unbounded, as before prefix
 * expansion), and for relevance ranking every match (no window). The order
 * of the runs alternates per query. LOA_BENCH_REF=0 skips the reference;
 * LOA_BENCH_NOSNIP=1 drops snippets, LOA_BENCH_WINDOW=N sets the window,
 * LOA_BENCH_SLOW=1 lists queries over 50 ms (diagnosis), LOA_BENCH_DUMP=FILE
 * writes every page's item ids (to compare two builds). Wall time, and the
 * CPU time of the thread for ours (order=newest_cpu, relevance_cpu). */
static int mode_latency(const char *dbp, size_t nq)
{
	load(20000);
	loa_search *se;
	loa_err err;
	if (loa_search_open(dbp, &se, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	const char *e = getenv("LOA_BENCH_REF_EVERY");
	int64_t ev = 0;
	size_t every = e && !loa_parse_i64(e, &ev) && ev > 0 ? (size_t)ev : 10;
	bool ref = !getenv("LOA_BENCH_REF") || strcmp(getenv("LOA_BENCH_REF"), "0") != 0;
	FILE *dump = getenv("LOA_BENCH_DUMP") ? fopen(getenv("LOA_BENCH_DUMP"), "w") : NULL;
	/* 0 newest, 1 relevance, 2 newest reference, 3 relevance reference,
	 * 4 and 5: 0 and 1 on the queries of the reference */
	double *lat[6], *cpu[2];
	size_t nl[6] = {0, 0, 0, 0, 0, 0}, nc[2] = {0, 0};
	for (int o = 0; o < 6; o++)
		lat[o] = calloc(nq, sizeof(double));
	for (int o = 0; o < 2; o++)
		cpu[o] = calloc(nq, sizeof(double));
	loa_buf q;
	loa_buf_init(&q, 4096);
	int64_t hits[6] = {0, 0, 0, 0, 0, 0};
	size_t bounded = 0, prefixed = 0, differ = 0;
	static idlist got[4];
	for (size_t i = 0; i < nq; i++) {
		gen_query(&q, true);
		loa_query *Q;
		if (loa_query_parse(q.data, q.len, LOA_TIME_NONE, &Q, NULL, &err)) {
			i--;
			continue;
		}
		for (int k = 0; k < 4; k++) {
			int o = i % 2 ? 3 - k : k;
			/* relevance's reference (FTS5's own prefixes with their exact
			 * forms too) is left out for prefixes: minutes each */
			bool sampled = ref && (i % every == 0 || (o % 2 == 0 && strchr(q.data, '*')));
			if (o >= 2 && !sampled)
				continue;
			loa_search_info info;
			loa_search_opts so = {.order = o % 2, .limit = 20, .now = LOA_TIME_NONE,
					      .no_sync = true, .info = &info,
					      .no_snippet = getenv("LOA_BENCH_NOSNIP") != NULL};
			if (getenv("LOA_BENCH_WINDOW") && o < 2)
				loa_parse_i64(getenv("LOA_BENCH_WINDOW"), &so.rank_window);
			if (o >= 2) {
				so.prefix_all = true;
				so.rank_window = INT64_MAX / 2;
			}
			int64_t c;
			got[o].n = 0;
			uint64_t t0 = loa_mono_ns(), c0 = thread_cpu_ns();
			if (loa_search_run(se, Q, &so, collect_id, &got[o], &c, &err))
				fprintf(stderr, "%s: %s\n", q.data, err.msg);
			double ms = secs(t0) * 1000, cms = (double)(thread_cpu_ns() - c0) / 1e6;
			lat[o][nl[o]++] = ms;
			if (o < 2)
				cpu[o][nc[o]++] = cms;
			if (o < 2 && dump) { /* the pages, to compare two builds */
				fprintf(dump, "%d\t%s\t", o, q.data);
				for (size_t h = 0; h < got[o].n; h++)
					fprintf(dump, "%s%lld", h ? "," : "", (long long)got[o].ids[h]);
				fputc('\n', dump);
			}
			if (ms > 50 && getenv("LOA_BENCH_SLOW"))
				fprintf(stderr, "slow %d %.0f ms (cpu %.0f ms, %lld hits): %s\n", o, ms, cms,
					(long long)c, q.data);
			hits[o] += c;
			if (o < 2 && sampled) {
				lat[o + 4][nl[o + 4]++] = ms;
				hits[o + 4] += c;
			}
			if (o == 0) {
				prefixed += info.prefixes > 0;
				bounded += info.bounded > 0;
			}
		}
		if (ref && (i % every == 0 || strchr(q.data, '*')) &&
		    (got[0].n != got[2].n ||
		     memcmp(got[0].ids, got[2].ids, got[0].n * sizeof got[0].ids[0])))
			differ++;
		loa_query_free(Q);
	}
	report("newest", lat[0], nl[0], hits[0]);
	report("relevance", lat[1], nl[1], hits[1]);
	report("newest_cpu", cpu[0], nc[0], hits[0]);
	report("relevance_cpu", cpu[1], nc[1], hits[1]);
	report("newest_sampled", lat[4], nl[4], hits[4]);
	report("newest_fts5_prefix_ref", lat[2], nl[2], hits[2]);
	report("relevance_sampled", lat[5], nl[5], hits[5]);
	report("relevance_unbounded_ref", lat[3], nl[3], hits[3]);
	for (int o = 0; o < 2 && ref && nl[2]; o++)
		printf("latency: order=%s ratio_p50=%.3f ratio_p99=%.3f (ours/ref, same queries)\n",
		       o ? "relevance" : "newest", lat[4 + o][nl[4 + o] / 2] / lat[2 + o][nl[2 + o] / 2],
		       lat[4 + o][nl[4 + o] * 99 / 100] / lat[2 + o][nl[2 + o] * 99 / 100]);
	printf("latency: queries_with_prefix=%zu bounded=%zu sampled_newest_pages_differing_from_ref=%zu"
	       "\n", prefixed, bounded, differ);
	for (int o = 0; o < 6; o++)
		free(lat[o]);
	for (int o = 0; o < 2; o++)
		free(cpu[o]);
	if (dump)
		fclose(dump);
	loa_buf_release(&q);
	loa_search_close(se);
	return 0;
}

/* Judged set: J articles picked at a fixed stride; the query is 3-5
 * consecutive words of the article's title (its first sentence; folded for
 * every other query, as users type without diacritics), the article itself
 * is relevant with grade 2, articles of the same VNTC topic with grade 1. */
static int mode_relevance(size_t n, size_t nj)
{
	load(n);
	sqlite3 *db[2] = {mem_db(), mem_db()};
	const char *tok[2] = {"loa", "unicode61 remove_diacritics 2"};
	for (int t = 0; t < 2; t++)
		build_fts(db[t], tok[t]);
	double mrr[2] = {0, 0}, ndcg[2] = {0, 0};
	size_t used = 0;
	loa_buf q, f;
	loa_buf_init(&q, 4096);
	loa_buf_init(&f, 4096);
	words w = {0};
	for (size_t j = 0; j < nj * 3 && used < nj; j++) {
		size_t a = (j * 7919 + 13) % narts;
		title_words(a, &w);
		if (w.n < 7)
			continue;
		size_t len = 3 + j % 3, start = 1 + j % 3;
		loa_buf_reset(&q);
		for (size_t k = 0; k < len; k++) {
			loa_buf_reset(&f);
			if (used % 2)
				fold(w.w[start + k], &f);
			else
				loa_buf_puts(&f, w.w[start + k]);
			loa_buf_printf(&q, "%s\"%s\"", k ? " " : "", f.data);
		}
		used++;
		for (int t = 0; t < 2; t++) {
			sqlite3_stmt *st;
			sqlite3_prepare_v2(db[t], "SELECT rowid FROM f WHERE f MATCH ?1 ORDER BY rank "
					   "LIMIT 10", -1, &st, NULL);
			sqlite3_bind_text(st, 1, q.data, -1, SQLITE_STATIC);
			int rank = 0;
			double dcg = 0;
			bool found = false;
			while (sqlite3_step(st) == SQLITE_ROW) {
				rank++;
				size_t r = (size_t)sqlite3_column_int64(st, 0) - 1;
				int g = r == a ? 2 : strcmp(arts[r].topic, arts[a].topic) == 0;
				if (r == a && !found) {
					mrr[t] += 1.0 / rank;
					found = true;
				}
				dcg += (pow(2, g) - 1) / log2(rank + 1.0);
			}
			sqlite3_finalize(st);
			/* ideal: the article, then nine of its topic */
			double idcg = 3.0;
			for (int k = 2; k <= 10; k++)
				idcg += 1.0 / log2(k + 1.0);
			ndcg[t] += dcg / idcg;
		}
	}
	for (int t = 0; t < 2; t++)
		printf("relevance: tokenizer=%s queries=%zu articles=%zu mrr10=%.3f ndcg10=%.3f\n",
		       t ? "unicode61" : "loa", used, narts, mrr[t] / used, ndcg[t] / used);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: see the top of bench_search.c\n");
		return 2;
	}
	int64_t a = 0, b = 0, c = 0;
	if (!strcmp(argv[1], "index"))
		return loa_parse_i64(argv[2], &a) ? 2 : mode_index((size_t)a);
	if (!strcmp(argv[1], "match") && argc == 5 && !loa_parse_i64(argv[2], &a) &&
	    !loa_parse_i64(argv[3], &b) && !loa_parse_i64(argv[4], &c))
		return mode_match((size_t)a, (size_t)b, (size_t)c);
	if (!strcmp(argv[1], "load") && argc == 5 && !loa_parse_i64(argv[3], &a) &&
	    !loa_parse_i64(argv[4], &b))
		return mode_load(argv[2], (size_t)a, (int)b);
	if (!strcmp(argv[1], "latency") && argc == 4 && !loa_parse_i64(argv[3], &a))
		return mode_latency(argv[2], (size_t)a);
	if (!strcmp(argv[1], "relevance") && argc == 4 && !loa_parse_i64(argv[2], &a) &&
	    !loa_parse_i64(argv[3], &b))
		return mode_relevance((size_t)a, (size_t)b);
	fprintf(stderr, "usage: see the top of bench_search.c\n");
	return 2;
}
