/*
 * pipeline.c - the analysis work queue (pipeline.h): schema, analyzer,
 * analysts' labels, aliases.
 *
 * The pipeline reads the store's items, sources and organisations tables
 * with plain SQL (as the search room does) and writes only its own tables.
 */
#include "analyze/pipeline.h"
#include "analyze/pipeline_int.h"

#include "analyze/claim.h"
#include "analyze/classify.h"
#include "analyze/lang.h"
#include "analyze/story.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/map.h"
#include "core/paths.h"
#include "core/str.h"
#include "store/sql.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* ---- schema --------------------------------------------------------------- */

static const char *const migrations[] = {
	/* 1 */
	"CREATE TABLE analyze_item(\n"
	"  item_id INTEGER PRIMARY KEY,\n"
	"  content_hash INTEGER NOT NULL,\n"
	"  published_at INTEGER NOT NULL,\n"
	"  source TEXT NOT NULL,\n"
	"  outlet TEXT,\n"
	"  platform TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL,\n"
	"  own_org TEXT,\n"
	"  lang TEXT NOT NULL,\n"
	"  task TEXT,\n"
	"  label TEXT,\n"
	"  label_p REAL,\n"
	"  label_src TEXT,\n"
	"  model_label TEXT,\n"
	"  model_p REAL,\n"
	"  story_id INTEGER,\n"
	"  story_score REAL,\n"
	"  reactions INTEGER,\n"
	"  shares INTEGER,\n"
	"  comments INTEGER,\n"
	"  words INTEGER NOT NULL DEFAULT 0,\n"
	"  truncated INTEGER NOT NULL DEFAULT 0,\n"
	"  analyzed_at INTEGER NOT NULL);\n"
	"CREATE INDEX analyze_item_time ON analyze_item(published_at);\n"
	"CREATE INDEX analyze_item_story ON analyze_item(story_id, published_at);\n"
	"CREATE INDEX analyze_item_org ON analyze_item(own_org, published_at);\n"
	"CREATE TABLE analyze_sig(\n"
	"  item_id INTEGER PRIMARY KEY,\n"
	"  story_id INTEGER NOT NULL,\n"
	"  published_at INTEGER NOT NULL,\n"
	"  shingles INTEGER NOT NULL,\n"
	"  sig BLOB NOT NULL);\n"
	"CREATE INDEX analyze_sig_time ON analyze_sig(published_at);\n"
	"CREATE TABLE analyze_label(\n"
	"  item_id INTEGER NOT NULL,\n"
	"  task TEXT NOT NULL,\n"
	"  label TEXT NOT NULL,\n"
	"  by TEXT NOT NULL,\n"
	"  at INTEGER NOT NULL,\n"
	"  why TEXT,\n"
	"  PRIMARY KEY(item_id, task));\n"
	"CREATE TABLE analyze_mention(\n"
	"  org TEXT NOT NULL,\n"
	"  item_id INTEGER NOT NULL,\n"
	"  published_at INTEGER NOT NULL,\n"
	"  PRIMARY KEY(org, item_id));\n"
	"CREATE INDEX analyze_mention_item ON analyze_mention(item_id);\n"
	"CREATE TABLE analyze_alias(\n"
	"  org TEXT NOT NULL,\n"
	"  alias TEXT NOT NULL,\n"
	"  PRIMARY KEY(org, alias));\n"
	"CREATE TABLE analyze_term(\n"
	"  term TEXT NOT NULL,\n"
	"  day INTEGER NOT NULL,\n"
	"  n INTEGER NOT NULL,\n"
	"  PRIMARY KEY(term, day));\n"
	"CREATE INDEX analyze_term_day ON analyze_term(day);\n"
	"CREATE TABLE analyze_claim(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  title TEXT,\n"
	"  text TEXT NOT NULL,\n"
	"  rebuttal_url TEXT,\n"
	"  created_at INTEGER NOT NULL,\n"
	"  created_by TEXT);\n"
	"CREATE TABLE analyze_claim_item(\n"
	"  claim_id INTEGER NOT NULL,\n"
	"  item_id INTEGER NOT NULL,\n"
	"  role TEXT NOT NULL CHECK(role IN ('claim','rebuttal')),\n"
	"  score REAL,\n"
	"  published_at INTEGER NOT NULL,\n"
	"  source TEXT,\n"
	"  PRIMARY KEY(claim_id, item_id));\n"
	"CREATE INDEX analyze_claim_item_item ON analyze_claim_item(item_id);\n",
};

int loa_analyze_schema(loa_store *s, loa_err *err)
{
	return loa_sql_room_migrate(s, "analyze", migrations,
				    (int)(sizeof migrations / sizeof migrations[0]), err);
}

/* ---- small helpers ---------------------------------------------------------- */

int loa__an_scalar(loa_store *s, const char *static_sql, int64_t bind1, int64_t *out,
		   loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(s, static_sql, &st, err);
	if (rc)
		return rc;
	if (bind1 != INT64_MIN)
		loa_sql_bind_i64(st, 1, bind1);
	rc = loa_sql_step(st, err);
	if (rc < 0)
		return rc;
	*out = rc == LOA_SQL_ROW && !loa_sql_col_null(st, 0) ? loa_sql_col_i64(st, 0) : 0;
	loa_sql_reset(st);
	return LOA_OK;
}

static const char SQL_PENDING_COUNT[] =
	"SELECT count(*) FROM items i LEFT JOIN analyze_item a ON a.item_id = i.id "
	"WHERE a.item_id IS NULL OR a.content_hash <> i.content_hash";

int loa_analyze_pending(loa_store *s, int64_t *n, loa_err *err)
{
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	return loa__an_scalar(s, SQL_PENDING_COUNT, INT64_MIN, n, err);
}

/* ---- organisations' names and aliases: mention matching ------------------- */

typedef struct alias_ent {
	uint64_t *h; /* folded word hashes */
	size_t n;
	char *org;
} alias_ent;

int loa__an_mentions_init(loa__an_mentions *m)
{
	memset(m, 0, sizeof *m);
	return LOA_OK;
}

void loa__an_mentions_release(loa__an_mentions *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->a[i].h);
		free(m->a[i].org);
	}
	free(m->a);
	memset(m, 0, sizeof *m);
}

int loa__an_mentions_add(loa__an_mentions *m, const char *org, const char *alias)
{
	loa_an_doc d;
	loa_an_doc_init(&d);
	int rc = loa_an_doc_set(&d, alias, strlen(alias));
	if (rc || d.n == 0 || d.n > 16) {
		loa_an_doc_release(&d);
		return rc;
	}
	if (m->n == m->cap) {
		size_t nc = m->cap ? 2 * m->cap : 64;
		loa__an_alias *a = realloc(m->a, nc * sizeof *a);
		if (!a) {
			loa_an_doc_release(&d);
			return LOA_ENOMEM;
		}
		m->a = a;
		m->cap = nc;
	}
	loa__an_alias *e = &m->a[m->n];
	e->h = malloc(d.n * sizeof *e->h);
	e->org = strdup(org);
	if (!e->h || !e->org) {
		free(e->h);
		free(e->org);
		loa_an_doc_release(&d);
		return LOA_ENOMEM;
	}
	for (size_t i = 0; i < d.n; i++)
		e->h[i] = d.w[i].fh;
	e->n = d.n;
	m->n++;
	m->sorted = false;
	loa_an_doc_release(&d);
	return LOA_OK;
}

static int cmp_alias(const void *a, const void *b)
{
	const loa__an_alias *x = a, *y = b;
	return x->h[0] < y->h[0] ? -1 : x->h[0] > y->h[0];
}

/* Calls found(arg, org) once per organisation mentioned in d. */
int loa__an_mentions_find(loa__an_mentions *m, const loa_an_doc *d,
			  int (*found)(void *arg, const char *org), void *arg)
{
	if (!m->sorted) {
		qsort(m->a, m->n, sizeof *m->a, cmp_alias);
		m->sorted = true;
	}
	const char *seen[32];
	size_t nseen = 0;
	for (size_t i = 0; i < d->n && m->n; i++) {
		uint64_t h = d->w[i].fh;
		size_t lo = 0, hi = m->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (m->a[mid].h[0] < h)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k < m->n && m->a[k].h[0] == h; k++) {
			const loa__an_alias *e = &m->a[k];
			if (i + e->n > d->n)
				continue;
			size_t j = 1;
			while (j < e->n && d->w[i + j].fh == e->h[j])
				j++;
			if (j < e->n)
				continue;
			bool dup = false;
			for (size_t q = 0; q < nseen; q++)
				if (strcmp(seen[q], e->org) == 0)
					dup = true;
			if (dup)
				continue;
			if (nseen < sizeof seen / sizeof seen[0])
				seen[nseen++] = e->org;
			int rc = found(arg, e->org);
			if (rc)
				return rc;
		}
	}
	return LOA_OK;
}

static int org_cb(void *arg, const loa_org *o)
{
	int rc = loa__an_mentions_add(arg, o->slug, o->name);
	return rc;
}

static const char SQL_ALIASES[] = "SELECT org, alias FROM analyze_alias ORDER BY org, alias";

int loa_alias_each(loa_store *s, loa_alias_cb cb, void *arg, loa_err *err)
{
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, SQL_ALIASES, &st, err)))
		return rc;
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		int k = cb(arg, loa_sql_col_text(st, 0), loa_sql_col_text(st, 1));
		if (k) {
			loa_sql_reset(st);
			return k;
		}
	}
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}

static int alias_cb(void *arg, const char *org, const char *alias)
{
	return loa__an_mentions_add(arg, org, alias);
}

int loa__an_mentions_load(loa_store *s, loa__an_mentions *m, loa_err *err)
{
	int rc = loa_store_orgs_each(s, org_cb, m, err);
	if (rc == LOA_OK)
		rc = loa_alias_each(s, alias_cb, m, err);
	if (rc > 0)
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	return rc;
}

static const char SQL_ALIAS_ADD[] =
	"INSERT INTO analyze_alias(org, alias) VALUES(?1, ?2) ON CONFLICT(org, alias) DO NOTHING";

int loa_alias_add(loa_store *s, const char *org, const char *alias, loa_err *err)
{
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	size_t n = alias ? strlen(alias) : 0;
	if (n == 0 || n > LOA_ALIAS_MAX)
		return loa_err_set(err, LOA_EINVAL, "tên gọi khác rỗng hoặc quá dài / alias empty or "
				   "too long (max %u bytes)", LOA_ALIAS_MAX);
	loa_org_rec rec;
	if ((rc = loa_store_org_get(s, org, &rec, err)))
		return rc;
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, SQL_ALIAS_ADD, &st, err)))
		return rc;
	loa_sql_bind_text(st, 1, org);
	loa_sql_bind_text(st, 2, alias);
	return loa_sql_run(st, err);
}

