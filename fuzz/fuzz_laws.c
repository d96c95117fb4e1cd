/*
 * fuzz_laws.c - libFuzzer harness for the qa room's readers of outside
 * documents: the first byte picks a path, the rest is the input.
 *   0: a plain-text legal document (loa_law_parse_text), its articles then
 *      indexed for retrieval (abbreviation and synonym mining) and searched
 *   1: a JSON document of the law base (loa_law_from_json)
 *   2: application records as JSON lines (loa_case_import_json)
 *   3: application records as CSV-like rows: a header line of names, then
 *      rows of values, split on ',' (loa_case_import_fields)
 * Records go into a temporary SQLite database made once per process, each
 * inside a transaction that is rolled back; a stored record must then be
 * found by its code and phone (loa_case_lookup).
 * Asserts: no crash; a parsed document has articles with numbers and
 * valid UTF-8 text, clauses and points inside their articles.
 *
 * Build with -DLOA_FUZZ=ON (clang); the normal build replays the seed
 * corpus in fuzz/corpus/laws through replay_main.c.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/calendar.h"
#include "core/utf8.h"
#include "qa/cases.h"
#include "qa/laws.h"
#include "qa/retrieve.h"
#include "store/store.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                          \
	do {                                                                              \
		if (!(c)) {                                                               \
			fprintf(stderr, "fuzz_laws: check failed: %s (line %d)\n", #c, __LINE__); \
			abort();                                                          \
		}                                                                         \
	} while (0)

#define NOW ((loa_ms)1767225600000) /* 2026-01-01T00:00:00Z */
#define MAX_ROWS 16
#define MAX_COLS 32

static bool valid(const char *s)
{
	return s && loa_utf8_valid(s, strlen(s));
}

static void check_doc(const loa_law_doc *d)
{
	CHECK(d->articles.len > 0);
	for (size_t i = 0; i < d->articles.len; i++) {
		const loa_law_article *a = &d->articles.items[i];
		CHECK(valid(a->number) && strlen(a->number) <= LOA_LAW_NUM_MAX + 64);
		CHECK(valid(a->title) && valid(a->body));
		CHECK(a->chapter >= -1 && (a->chapter < 0 || (size_t)a->chapter < d->chapters.len));
		for (size_t k = 0; k < a->clauses.len; k++) {
			const loa_law_clause *c = &a->clauses.items[k];
			CHECK(valid(c->number) && valid(c->text));
			for (size_t j = 0; j < c->points.len; j++)
				CHECK(valid(c->points.items[j].letter) && valid(c->points.items[j].text));
		}
	}
	for (size_t i = 0; i < d->chapters.len; i++)
		CHECK(valid(d->chapters.items[i].number) && valid(d->chapters.items[i].title));
}

/* The parsed articles through the retrieval index: abbreviation and
 * synonym mining on arbitrary text, then a search that must stay within
 * the articles, the bodies and the hit cap. */
static void law_index(const loa_law_doc *d)
{
	loa_qa_params p;
	loa_qa_params_default(&p);
	loa_qa_index *ix = NULL;
	loa_err err;
	if (loa_qa_index_new(&p, &ix, &err) != LOA_OK)
		return;
	for (size_t i = 0; i < d->articles.len; i++) {
		const loa_law_article *a = &d->articles.items[i];
		if (loa_qa_index_add(ix, (int64_t)i + 1, "Luật Thử", a->title, strlen(a->title), a->body,
				     strlen(a->body), LOA_QA_DAY_MIN, LOA_QA_DAY_MAX, NULL, &err) != LOA_OK) {
			loa_qa_index_free(ix);
			return;
		}
	}
	if (loa_qa_index_finish(ix, &err) == LOA_OK) {
		loa_qa_hit hits[5];
		size_t nh = 0;
		static const char q[] = "thời hạn cấp giấy phép xây dựng cho người sử dụng lao động";
		int rc = loa_qa_search(ix, NULL, q, sizeof q - 1, LOA_QA_DAY_MIN, hits, 5, &nh, &err);
		CHECK(rc == LOA_OK || rc == LOA_ENOMEM);
		CHECK(nh <= 5);
		for (size_t i = 0; rc == LOA_OK && i < nh; i++) {
			CHECK(hits[i].doc < loa_qa_index_docs(ix));
			size_t bl = 0;
			loa_qa_index_body(ix, hits[i].doc, &bl);
			CHECK(hits[i].pass_start <= hits[i].pass_end && hits[i].pass_end <= bl);
		}
	}
	loa_qa_index_free(ix);
}

static void law_text(const char *s, size_t n)
{
	loa_law_doc d;
	loa_law_doc_init(&d);
	loa_err err;
	int rc = loa_law_parse_text(&d, s, n, &err);
	if (rc == LOA_OK) {
		check_doc(&d);
		law_index(&d);
	} else
		CHECK(rc == LOA_EPARSE || rc == LOA_ETOOBIG || rc == LOA_EINVAL);
	loa_law_doc_release(&d);
}

static void law_json(const char *s, size_t n)
{
	loa_law_doc d;
	loa_law_doc_init(&d);
	loa_err err;
	int rc = loa_law_from_json(&d, s, n, &err);
	if (rc == LOA_OK) {
		CHECK(valid(d.number) && valid(d.type) && valid(d.title));
		for (size_t i = 0; i < d.amends.len; i++) {
			const loa_law_amend *a = &d.amends.items[i];
			CHECK(valid(a->target) && valid(a->article) && valid(a->action));
		}
		if (d.articles.len)
			check_doc(&d);
	} else {
		CHECK(rc == LOA_EPARSE || rc == LOA_ETOOBIG || rc == LOA_EINVAL);
	}
	loa_law_doc_release(&d);
}

/* ---- application records: a temporary database ---- */

static loa_store *db;
static char db_path[256];
static loa_calendar cal;

static void drop_db(void)
{
	loa_store_close(db);
	db = NULL;
	loa_calendar_release(&cal);
	const char *suffix[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		char p[300];
		snprintf(p, sizeof p, "%s%s", db_path, suffix[i]);
		unlink(p);
	}
}

static loa_store *cases_db(void)
{
	if (db)
		return db;
	const char *dir = getenv("TMPDIR");
	snprintf(db_path, sizeof db_path, "%s/loa-fuzz-laws-%ld.db", dir && *dir ? dir : P_tmpdir,
		 (long)getpid());
	loa_err err;
	if (loa_store_open(db_path, 0, &db, &err) != LOA_OK || loa_qa_db_init(db, &err) != LOA_OK) {
		fprintf(stderr, "fuzz_laws: cannot open %s: %s\n", db_path, err.msg);
		abort();
	}
	loa_calendar_init(&cal);
	atexit(drop_db);
	/* one record committed, so the database's phone key exists */
	static const char seed[] = "{\"code\":\"000.00.00.H00-260101-0001\",\"procedure\":\"x\","
				   "\"phone\":\"0912345678\",\"submitted\":\"2026-01-02\","
				   "\"limit_days\":5}";
	CHECK(loa_case_import_json(db, seed, sizeof seed - 1, &err) == LOA_OK);
	return db;
}

/* After a record was stored: found by its code and phone. */
static void lookup(loa_store *s, const char *code, const char *phone)
{
	if (!code || !phone)
		return;
	loa_case_view v;
	loa_err err;
	int rc = loa_case_lookup(s, &cal, code, phone, NOW, &v, &err);
	if (rc != LOA_OK) {
		fprintf(stderr, "stored record not found: code '%s' phone '%s': %s\n", code, phone,
			err.msg);
		abort();
	}
	CHECK(strcmp(v.code, code) == 0);
	json_t *h = v.history ? json_loads(v.history, 0, NULL) : NULL;
	CHECK(json_is_array(h));
	json_decref(h);
	CHECK(v.limit_days >= 0 && v.limit_days <= LOA_CASE_LIMIT_MAX);
	CHECK(valid(v.status));
	loa_case_view_release(&v);
}

static void cases_json(const char *s, size_t n)
{
	loa_store *st = cases_db();
	size_t start = 0;
	int rows = 0;
	for (size_t i = 0; i <= n && rows < MAX_ROWS; i++) {
		if (i < n && s[i] != '\n')
			continue;
		if (i > start) {
			loa_err err;
			CHECK(loa_store_begin(st, &err) == LOA_OK);
			int rc = loa_case_import_json(st, s + start, i - start, &err);
			if (rc == LOA_OK) {
				json_t *o = json_loadb(s + start, i - start, 0, NULL);
				CHECK(o);
				lookup(st, json_string_value(json_object_get(o, "code")),
				       json_string_value(json_object_get(o, "phone")));
				json_decref(o);
			} else {
				CHECK(rc == LOA_EINVAL || rc == LOA_ETOOBIG);
			}
			loa_store_rollback(st);
			rows++;
		}
		start = i + 1;
	}
}

/* Splits s[0..n) on ',' into NUL-terminated copies. */
static int split(const char *s, size_t n, char **out)
{
	int k = 0;
	size_t start = 0;
	for (size_t i = 0; i <= n && k < MAX_COLS; i++) {
		if (i < n && s[i] != ',')
			continue;
		out[k] = strndup(s + start, i - start);
		CHECK(out[k]);
		k++;
		start = i + 1;
	}
	return k;
}

static void cases_fields(const char *s, size_t n)
{
	loa_store *st = cases_db();
	char *names[MAX_COLS];
	int nnames = -1;
	size_t start = 0;
	int rows = 0;
	for (size_t i = 0; i <= n && rows < MAX_ROWS; i++) {
		if (i < n && s[i] != '\n')
			continue;
		if (nnames < 0) {
			nnames = split(s + start, i - start, names);
		} else {
			char *values[MAX_COLS];
			int nv = split(s + start, i - start, values);
			int nf = nv < nnames ? nv : nnames;
			loa_err err;
			CHECK(loa_store_begin(st, &err) == LOA_OK);
			int rc = loa_case_import_fields(st, (const char *const *)names,
							(const char *const *)values, nf, &err);
			if (rc == LOA_OK) {
				const char *code = NULL, *phone = NULL;
				for (int k = 0; k < nf; k++) {
					if (!strcmp(names[k], "code"))
						code = values[k];
					else if (!strcmp(names[k], "phone"))
						phone = values[k];
				}
				lookup(st, code, phone);
			} else {
				CHECK(rc == LOA_EINVAL || rc == LOA_ETOOBIG);
			}
			loa_store_rollback(st);
			for (int k = 0; k < nv; k++)
				free(values[k]);
			rows++;
		}
		start = i + 1;
	}
	for (int k = 0; k < nnames; k++)
		free(names[k]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	switch (data[0] % 4) {
	case 0:
		law_text(s, n);
		break;
	case 1:
		law_json(s, n);
		break;
	case 2:
		cases_json(s, n);
		break;
	default:
		cases_fields(s, n);
		break;
	}
	return 0;
}
