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
#include "text/segment.h"
#include "text/text.h"
#include "core/utf8.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define TERMS_PER_ITEM 256u
#define TERM_MAX 96u
#define TERM_TEXT_MAX ((size_t)8 << 10) /* bytes of an item's text whose terms count */

/* ---- schema --------------------------------------------------------------- */

/* The measures' aggregate (measure.h, "The aggregate"): counts per UTC hour
 * (grain 0) and per Vietnam day (grain 1) of analyze_item joined with
 * analyze_mention, kept equal to them by triggers in the same transaction
 * as every write (insert, delete, relabel, re-analysis), so it cannot
 * drift. R names an analyze_item row ("NEW", "OLD", "a"); S is the sign. */
#define M_HOUR(x) "(" x " / 3600000 - (" x " % 3600000 < 0))"
#define M_DAY(x) "((" x " + 25200000) / 86400000 - ((" x " + 25200000) % 86400000 < 0))"
#define M_T(x) "CASE g.g WHEN 0 THEN " M_HOUR(x) " ELSE " M_DAY(x) " END"
#define M_ENG(S, x) S " * max(coalesce(" x ", 0), 0)"
#define M_GRAINS "(SELECT 0 AS g UNION ALL SELECT 1) g"
#define M_INSERT                                                                                   \
	"INSERT INTO analyze_measure(grain, t, org, own, about, platform, kind, label, n, "         \
	"reactions, shares, comments) "
#define M_UPSERT                                                                                   \
	" ON CONFLICT(grain, t, org, own, about, platform, kind, label) DO UPDATE SET "            \
	"n = n + excluded.n, reactions = reactions + excluded.reactions, "                       \
	"shares = shares + excluded.shares, comments = comments + excluded.comments;\n"
#define M_REST(R, S)                                                                               \
	R ".platform, " R ".kind, coalesce(" R ".label, ''), " S ", " M_ENG(S, R ".reactions") ", " \
	M_ENG(S, R ".shares") ", " M_ENG(S, R ".comments")
/* an item row's "about": it mentions an organisation other than its own */
#define M_ABOUT(R)                                                                                 \
	"EXISTS(SELECT 1 FROM analyze_mention q WHERE q.item_id = " R ".item_id AND (" R          \
	".own_org IS NULL OR q.org <> " R ".own_org))"
#define M_ITEM(R, S)                                                                               \
	M_INSERT "SELECT g.g, " M_T(R ".published_at") ", '', coalesce(" R ".own_org, ''), "       \
	M_ABOUT(R) ", " M_REST(R, S) " FROM " M_GRAINS " WHERE 1" M_UPSERT
#define M_MENTIONS(R, S)                                                                           \
	M_INSERT "SELECT g.g, " M_T(R ".published_at") ", m.org, coalesce(" R ".own_org, ''), 0, " \
	M_REST(R, S) " FROM analyze_mention m, " M_GRAINS " WHERE m.item_id = " R ".item_id"      \
	M_UPSERT
/* a mention M ("NEW" or "OLD") of an analysed item a: its own row, and the
 * item row moved between about 0 and 1 when M alone decides it */
#define M_ONE_MENTION(M, S)                                                                        \
	M_INSERT "SELECT g.g, " M_T("a.published_at") ", " M ".org, coalesce(a.own_org, ''), 0, "  \
	M_REST("a", S) " FROM analyze_item a, " M_GRAINS " WHERE a.item_id = " M ".item_id"       \
	M_UPSERT
#define M_FLAG(M, MOVES)                                                                           \
	M_INSERT "SELECT g.g, " M_T("a.published_at") ", '', coalesce(a.own_org, ''), s.about, "   \
	M_REST("a", "s.sign") " FROM analyze_item a, " M_GRAINS ", (" MOVES ") s "                \
	"WHERE a.item_id = " M ".item_id AND (a.own_org IS NULL OR " M ".org <> a.own_org) "       \
	"AND NOT EXISTS(SELECT 1 FROM analyze_mention q WHERE q.item_id = " M ".item_id AND "     \
	"q.org <> " M ".org AND (a.own_org IS NULL OR q.org <> a.own_org))" M_UPSERT
#define M_ITEM_COLS "published_at, own_org, platform, kind, label, reactions, shares, comments"

#define MEASURE_MIGRATION                                                                          \
	"CREATE TABLE analyze_measure(\n"                                                          \
	"  grain INTEGER NOT NULL,\n"                                                              \
	"  t INTEGER NOT NULL,\n"                                                                  \
	"  org TEXT NOT NULL,\n"                                                                   \
	"  own TEXT NOT NULL,\n"                                                                   \
	"  about INTEGER NOT NULL,\n"                                                              \
	"  platform TEXT NOT NULL,\n"                                                              \
	"  kind TEXT NOT NULL,\n"                                                                  \
	"  label TEXT NOT NULL,\n"                                                                 \
	"  n INTEGER NOT NULL,\n"                                                                  \
	"  reactions INTEGER NOT NULL,\n"                                                          \
	"  shares INTEGER NOT NULL,\n"                                                             \
	"  comments INTEGER NOT NULL,\n"                                                           \
	"  PRIMARY KEY(grain, t, org, own, about, platform, kind, label)) WITHOUT ROWID;\n"       \
	M_INSERT "SELECT g.g, " M_T("a.published_at") ", '', coalesce(a.own_org, ''), "            \
	M_ABOUT("a") ", a.platform, a.kind, coalesce(a.label, ''), count(*), "                     \
	"sum(" M_ENG("1", "a.reactions") "), sum(" M_ENG("1", "a.shares") "), "                   \
	"sum(" M_ENG("1", "a.comments") ") FROM analyze_item a, " M_GRAINS                         \
	" WHERE 1 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8" M_UPSERT                                       \
	M_INSERT "SELECT g.g, " M_T("a.published_at") ", m.org, coalesce(a.own_org, ''), 0, "      \
	"a.platform, a.kind, coalesce(a.label, ''), count(*), "                                    \
	"sum(" M_ENG("1", "a.reactions") "), sum(" M_ENG("1", "a.shares") "), "                   \
	"sum(" M_ENG("1", "a.comments") ") FROM analyze_mention m JOIN analyze_item a ON "        \
	"a.item_id = m.item_id, " M_GRAINS " WHERE 1 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8" M_UPSERT    \
	"CREATE TRIGGER analyze_measure_ai AFTER INSERT ON analyze_item BEGIN\n"                   \
	M_ITEM("NEW", "1") M_MENTIONS("NEW", "1") "END;\n"                                         \
	"CREATE TRIGGER analyze_measure_ad AFTER DELETE ON analyze_item BEGIN\n"                   \
	M_ITEM("OLD", "-1") M_MENTIONS("OLD", "-1") "END;\n"                                       \
	"CREATE TRIGGER analyze_measure_au AFTER UPDATE OF item_id, " M_ITEM_COLS                  \
	" ON analyze_item BEGIN\n" M_ITEM("OLD", "-1") M_MENTIONS("OLD", "-1")                    \
	M_ITEM("NEW", "1") M_MENTIONS("NEW", "1") "END;\n"                                         \
	"CREATE TRIGGER analyze_measure_mi AFTER INSERT ON analyze_mention BEGIN\n"                \
	M_ONE_MENTION("NEW", "1")                                                                  \
	M_FLAG("NEW", "SELECT 0 AS about, -1 AS sign UNION ALL SELECT 1, 1") "END;\n"              \
	"CREATE TRIGGER analyze_measure_md AFTER DELETE ON analyze_mention BEGIN\n"                \
	M_ONE_MENTION("OLD", "-1")                                                                 \
	M_FLAG("OLD", "SELECT 1 AS about, -1 AS sign UNION ALL SELECT 0, 1") "END;\n"              \
	"CREATE TRIGGER analyze_measure_mu BEFORE UPDATE ON analyze_mention BEGIN\n"               \
	"SELECT RAISE(ABORT, 'analyze_mention rows are replaced, never updated');\nEND;\n"

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
	/* 2: measures read only these columns of a time range: a covering index
	 * answers them without touching the table (3x faster over a year) */
	"CREATE INDEX analyze_item_measure ON analyze_item(published_at, kind, label, own_org, "
	"platform);\n"
	"DROP INDEX analyze_item_time;\n",
	/* 3: measures pre-aggregated (measure.h, "The aggregate") */
	MEASURE_MIGRATION,
	/* 4: merged stories: their ids are rewritten in analyze_sig (story.h, "Merges") */
	"CREATE INDEX IF NOT EXISTS analyze_sig_story ON analyze_sig(story_id);\n",
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
		if (m->n)
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

/* ---- the analyzer ------------------------------------------------------------ */

typedef struct task_model {
	loa_cls_model *m;
	loa_classifier *c;
	char path[LOA_PATH_MAX];
} task_model;

typedef struct row {
	int64_t id, hash;
	loa_ms at;
	char *source, *outlet, *platform, *kind, *org, *url;
	char *text;
	size_t text_n;
	int64_t reactions, shares, comments; /* LOA_COUNT_NONE = unknown */
	bool had_row;
} row;

struct loa_analyzer {
	loa_store *s;
	loa_analyze_opts o;
	task_model tone, tox;
	loa_claimset *claims;
	loa__an_mentions men;
	loa_story_index *ix;
	loa_an_doc doc;
	loa_shingles sh, words;
	bool search_tone;         /* the search room's search_tone table exists */
	loa_seg_model *seg_model; /* word segmenter for terms (NULL: syllable pairs) */
	loa_segmenter *seg;
	loa_buf segbuf, termbuf;
	loa_map terms; /* "day\x1fterm" -> count (stored in the pointer) */
	int64_t claims_key, names_key; /* what the loaded claims and names reflect */
	row *rows;
	size_t nrows, caprows;
};

static int load_model(task_model *t, const char *explicit_path, const char *name, loa_err *err)
{
	loa_buf p;
	loa_buf_init(&p, LOA_PATH_MAX);
	int rc;
	if (explicit_path) {
		rc = loa_buf_puts(&p, explicit_path);
	} else {
		loa_err e2;
		loa_err_clear(&e2);
		rc = loa_model_path(name, &p, &e2);
		if (rc == LOA_ENOTFOUND) {
			loa_warn("analyze.no_model", "model=%s msg=%s", name, loa_err_msg(&e2));
			loa_buf_release(&p);
			return LOA_OK;
		}
		if (rc && err)
			*err = e2;
	}
	if (rc) {
		loa_buf_release(&p);
		return rc;
	}
	loa_strlcpy(t->path, p.data, sizeof t->path);
	loa_buf_release(&p);
	loa_err e3;
	loa_err_clear(&e3);
	rc = loa_cls_model_load(&t->m, t->path, &e3);
	if (rc)
		return loa_err_set(err, rc, "không nạp được mô hình / cannot load model %s: %s",
				   t->path, loa_err_msg(&e3));
	t->c = loa_classifier_new(t->m);
	if (!t->c)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	return LOA_OK;
}

static void free_model(task_model *t)
{
	loa_classifier_free(t->c);
	loa_cls_model_free(t->m);
	memset(t, 0, sizeof *t);
}

const char *loa_analyzer_model_note(const loa_analyzer *a, const char *task)
{
	const task_model *t = strcmp(task, "toxicity") == 0 ? &a->tox : &a->tone;
	return t->m ? loa_cls_model_note(t->m) : "";
}

static int refresh(loa_analyzer *a, bool force, loa_err *err);

static const char SQL_SIG_MAX[] = "SELECT max(published_at) FROM analyze_sig";
static const char SQL_SIG_LOAD[] =
	"SELECT item_id, story_id, published_at, shingles, sig FROM analyze_sig "
	"WHERE published_at >= ?1 ORDER BY published_at, item_id";

static int rebuild_index(loa_analyzer *a, loa_err *err)
{
	int64_t newest;
	int rc = loa__an_scalar(a->s, SQL_SIG_MAX, INT64_MIN, &newest, err);
	if (rc)
		return rc;
	loa_ms window = a->o.window > 0 ? a->o.window : LOA_STORY_WINDOW_MS;
	loa_stmt *st;
	if ((rc = loa_sql_cached(a->s, SQL_SIG_LOAD, &st, err)))
		return rc;
	loa_sql_bind_i64(st, 1, newest - window);
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		size_t n;
		const void *b = loa_sql_col_blob(st, 4, &n);
		if (!b || n != sizeof(uint32_t) * LOA_STORY_K)
			continue; /* written by another version: ignored */
		loa_story_sig sig;
		memcpy(sig.v, b, n);
		sig.shingles = (uint32_t)loa_sql_col_i64(st, 3);
		if ((rc = loa_story_index_add(a->ix, loa_sql_col_i64(st, 0), loa_sql_col_i64(st, 1),
					      loa_sql_col_i64(st, 2), &sig))) {
			loa_sql_reset(st);
			return loa_err_set(err, rc, "hết bộ nhớ / out of memory");
		}
	}
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}

/* The search room filters and alerts on tone through its table
 * search_tone(item_id, tone, p) (docs/search.md), which the analysis room
 * fills: effective tone labels of news and posts. The table exists only
 * once the search room has opened the database; when it does, what was
 * analysed before is copied in. */
static const char SQL_ST_PROBE[] = "SELECT count(*) FROM search_tone WHERE item_id = 0";
static const char SQL_ST_BACKFILL[] =
	"INSERT INTO search_tone(item_id, tone, p) SELECT item_id, label, label_p FROM analyze_item "
	"WHERE task = 'tone' AND label IN ('positive', 'neutral', 'negative') "
	"ON CONFLICT(item_id) DO UPDATE SET tone = excluded.tone, p = excluded.p";
static const char SQL_ST_PUT[] =
	"INSERT INTO search_tone(item_id, tone, p) VALUES(?1, ?2, ?3) "
	"ON CONFLICT(item_id) DO UPDATE SET tone = excluded.tone, p = excluded.p";
static const char SQL_ST_DEL[] = "DELETE FROM search_tone WHERE item_id = ?1";

static bool have_search_tone(loa_store *s)
{
	loa_stmt *st;
	if (loa_sql_prepare(s, SQL_ST_PROBE, &st, NULL))
		return false;
	loa_sql_finalize(st);
	return true;
}

static int put_search_tone(loa_store *s, int64_t item, const char *task, const char *label,
			   double p, loa_err *err)
{
	loa_stmt *st;
	bool tone = task && strcmp(task, "tone") == 0 && label &&
		    (!strcmp(label, "positive") || !strcmp(label, "neutral") ||
		     !strcmp(label, "negative"));
	int rc = loa_sql_cached(s, tone ? SQL_ST_PUT : SQL_ST_DEL, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, item);
	if (tone) {
		loa_sql_bind_text(st, 2, label);
		loa_sql_bind_double(st, 3, p);
	}
	return loa_sql_run(st, err);
}

void loa_analyzer_free(loa_analyzer *a)
{
	if (!a)
		return;
	free_model(&a->tone);
	free_model(&a->tox);
	loa_claimset_free(a->claims);
	loa__an_mentions_release(&a->men);
	loa_story_index_free(a->ix);
	loa_an_doc_release(&a->doc);
	loa_shingles_release(&a->sh);
	loa_shingles_release(&a->words);
	loa_map_release(&a->terms);
	loa_segmenter_free(a->seg);
	loa_seg_model_free(a->seg_model);
	loa_buf_release(&a->segbuf);
	loa_buf_release(&a->termbuf);
	free(a->rows);
	free(a);
}

int loa_analyzer_new(loa_store *s, const loa_analyze_opts *opts, loa_analyzer **out,
		     loa_err *err)
{
	*out = NULL;
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	loa_analyzer *a = calloc(1, sizeof *a);
	if (!a)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	a->s = s;
	if (opts)
		a->o = *opts;
	loa_an_doc_init(&a->doc);
	loa_map_init(&a->terms, NULL);
	loa_buf_init(&a->segbuf, 8 * TERM_TEXT_MAX + 4096);
	loa_buf_init(&a->termbuf, 4 * TERM_MAX + 64);
	{
		/* the shipped segmenter makes trending terms real words; without
		 * it terms are pairs of adjacent syllables */
		loa_buf p;
		loa_buf_init(&p, LOA_PATH_MAX);
		if (loa_model_path("segment.model", &p, NULL) == LOA_OK &&
		    loa_seg_model_load(&a->seg_model, p.data, NULL) == LOA_OK)
			a->seg = loa_segmenter_new(a->seg_model, NULL);
		loa_buf_release(&p);
	}
	loa__an_mentions_init(&a->men);
	a->ix = loa_story_index_new(a->o.window);
	if (!a->ix) {
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto fail;
	}
	if ((rc = load_model(&a->tone, a->o.tone_model, "tone.model", err)) ||
	    (rc = load_model(&a->tox, a->o.toxicity_model, "toxicity.model", err)))
		goto fail;
	if ((rc = refresh(a, true, err)) || (rc = rebuild_index(a, err)))
		goto fail;
	a->search_tone = have_search_tone(s);
	if (a->search_tone && (rc = loa_sql_exec(s, SQL_ST_BACKFILL, err)))
		goto fail;
	*out = a;
	return LOA_OK;
fail:
	loa_analyzer_free(a);
	return rc;
}

/* ---- reading a batch ------------------------------------------------------------ */

#define ITEM_COLS                                                                                  \
	"SELECT i.id, i.content_hash, i.published_at, s.slug, s.outlet, i.platform, i.kind, "    \
	"COALESCE(i.org, o.slug), i.url, i.title, i.text, i.reactions, i.shares, i.comments, "  \
	"a.item_id IS NOT NULL FROM items i JOIN sources s ON s.id = i.source_id "               \
	"LEFT JOIN organisations o ON o.id = s.org_id "                                          \
	"LEFT JOIN analyze_item a ON a.item_id = i.id "

static const char SQL_BATCH_PENDING[] =
	ITEM_COLS "WHERE i.id > ?1 AND (a.item_id IS NULL OR a.content_hash <> i.content_hash) "
		  "ORDER BY i.id LIMIT ?2";
static const char SQL_BATCH_ALL[] = ITEM_COLS "WHERE i.id > ?1 ORDER BY i.id LIMIT ?2";

static void free_rows(loa_analyzer *a)
{
	for (size_t i = 0; i < a->nrows; i++) {
		row *r = &a->rows[i];
		free(r->source);
		free(r->outlet);
		free(r->platform);
		free(r->kind);
		free(r->org);
		free(r->url);
		free(r->text);
	}
	a->nrows = 0;
}

static char *dup_col(loa_stmt *st, int i, bool *oom)
{
	const char *t = loa_sql_col_text(st, i);
	if (!t)
		return NULL;
	char *d = strdup(t);
	if (!d)
		*oom = true;
	return d;
}

static int64_t count_col(loa_stmt *st, int i)
{
	return loa_sql_col_null(st, i) ? LOA_COUNT_NONE : loa_sql_col_i64(st, i);
}

/* title + "\n" + text, at most LOA_AN_TEXT_MAX + 1 bytes (one more than is
 * analysed, so truncation is seen). */
char *loa__an_join_text(const char *title, const char *text, size_t *n)
{
	size_t cap = LOA_AN_TEXT_MAX + 1;
	size_t tl = title ? strlen(title) : 0, xl = text ? strlen(text) : 0;
	if (tl > cap)
		tl = cap;
	size_t total = tl + (tl && xl ? 1 : 0) + xl;
	if (total > cap)
		total = cap;
	char *s = malloc(total + 1);
	if (!s)
		return NULL;
	size_t k = 0;
	memcpy(s, title ? title : "", tl);
	k = tl;
	if (tl && xl && k < total)
		s[k++] = '\n';
	if (k < total)
		memcpy(s + k, text, total - k);
	s[total] = 0;
	*n = total;
	return s;
}

static int read_batch(loa_analyzer *a, int64_t after, int64_t limit, loa_err *err)
{
	free_rows(a);
	loa_stmt *st;
	int rc = loa_sql_cached(a->s, a->o.all ? SQL_BATCH_ALL : SQL_BATCH_PENDING, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, after);
	loa_sql_bind_i64(st, 2, limit);
	if ((size_t)limit > a->caprows) {
		row *r = realloc(a->rows, (size_t)limit * sizeof *r);
		if (!r)
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		a->rows = r;
		a->caprows = (size_t)limit;
	}
	bool oom = false;
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW && a->nrows < a->caprows) {
		row *r = &a->rows[a->nrows++];
		memset(r, 0, sizeof *r);
		r->id = loa_sql_col_i64(st, 0);
		r->hash = loa_sql_col_i64(st, 1);
		r->at = loa_sql_col_i64(st, 2);
		r->source = dup_col(st, 3, &oom);
		r->outlet = dup_col(st, 4, &oom);
		r->platform = dup_col(st, 5, &oom);
		r->kind = dup_col(st, 6, &oom);
		r->org = dup_col(st, 7, &oom);
		r->url = dup_col(st, 8, &oom);
		r->text = loa__an_join_text(loa_sql_col_text(st, 9), loa_sql_col_text(st, 10), &r->text_n);
		if (!r->text)
			oom = true;
		r->reactions = count_col(st, 11);
		r->shares = count_col(st, 12);
		r->comments = count_col(st, 13);
		r->had_row = loa_sql_col_i64(st, 14) != 0;
		if (!r->source || !r->platform || !r->kind)
			oom = true;
		if (oom)
			break;
	}
	loa_sql_reset(st);
	if (oom)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	return rc < 0 ? rc : LOA_OK;
}

static int cmp_row_time(const void *x, const void *y)
{
	const row *a = x, *b = y;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* ---- analysing one item ------------------------------------------------------------ */

static const char SQL_HUMAN[] = "SELECT label FROM analyze_label WHERE item_id = ?1 AND task = ?2";
static const char SQL_SIG_OF[] = "SELECT story_id FROM analyze_sig WHERE item_id = ?1";
static const char SQL_SIG_PUT[] =
	"INSERT INTO analyze_sig(item_id, story_id, published_at, shingles, sig) "
	"VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(item_id) DO UPDATE SET story_id = excluded.story_id, "
	"published_at = excluded.published_at, shingles = excluded.shingles, sig = excluded.sig";
/* a merged story's items move to the surviving story (story.h, "Merges");
 * story_id is no column of the measures, so their triggers do not fire */
static const char SQL_SIG_MERGE[] = "UPDATE analyze_sig SET story_id = ?1 WHERE story_id = ?2";
static const char SQL_ITEM_MERGE[] = "UPDATE analyze_item SET story_id = ?1 WHERE story_id = ?2";
static const char SQL_ITEM_DEL[] = "DELETE FROM analyze_item WHERE item_id = ?1";
static const char SQL_ITEM_PUT[] =
	"INSERT INTO analyze_item(item_id, content_hash, published_at, source, outlet, platform, "
	"kind, own_org, lang, task, label, label_p, label_src, model_label, model_p, story_id, "
	"story_score, reactions, shares, comments, words, truncated, analyzed_at) "
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
	"?19, ?20, ?21, ?22, ?23)";
static const char SQL_MENTION_DEL[] = "DELETE FROM analyze_mention WHERE item_id = ?1";
static const char SQL_MENTION_PUT[] =
	"INSERT INTO analyze_mention(org, item_id, published_at) VALUES(?1, ?2, ?3) "
	"ON CONFLICT(org, item_id) DO NOTHING";
static const char SQL_CLAIM_DEL[] = "DELETE FROM analyze_claim_item WHERE item_id = ?1";
static const char SQL_CLAIM_PUT[] =
	"INSERT INTO analyze_claim_item(claim_id, item_id, role, score, published_at, source) "
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(claim_id, item_id) DO UPDATE SET "
	"role = excluded.role, score = excluded.score";
static const char SQL_TERM_ADD[] =
	"INSERT INTO analyze_term(term, day, n) VALUES(?1, ?2, ?3) "
	"ON CONFLICT(term, day) DO UPDATE SET n = n + excluded.n";

static void bind_count(loa_stmt *st, int i, int64_t v)
{
	if (v == LOA_COUNT_NONE)
		loa_sql_bind_null(st, i);
	else
		loa_sql_bind_i64(st, i, v);
}

typedef struct mention_ctx {
	loa_analyzer *a;
	const row *r;
	loa_err *err;
	uint64_t n;
} mention_ctx;

static int on_mention(void *arg, const char *org)
{
	mention_ctx *m = arg;
	loa_stmt *st;
	int rc = loa_sql_cached(m->a->s, SQL_MENTION_PUT, &st, m->err);
	if (rc)
		return rc;
	loa_sql_bind_text(st, 1, org);
	loa_sql_bind_i64(st, 2, m->r->id);
	loa_sql_bind_i64(st, 3, m->r->at);
	m->n++;
	return loa_sql_run(st, m->err);
}


/* Adds one term of the item's day (once per item). */
static int add_term(loa_analyzer *a, int64_t day, const char *t, size_t tn, uint64_t *seen,
		    size_t *nseen)
{
	char key[TERM_MAX * 2 + 32];
	int k = snprintf(key, sizeof key, "%" PRId64 "\x1f%.*s", day, (int)tn, t);
	if (k <= 0 || (size_t)k >= sizeof key)
		return LOA_OK;
	uint64_t h = loa_hash64(key, (size_t)k);
	for (size_t q = 0; q < *nseen; q++)
		if (seen[q] == h)
			return LOA_OK;
	if (*nseen >= TERMS_PER_ITEM)
		return LOA_OK;
	seen[(*nseen)++] = h;
	uintptr_t c = (uintptr_t)loa_map_get(&a->terms, key, (size_t)k);
	return loa_map_set(&a->terms, key, (size_t)k, (void *)(c + 1));
}

/* Terms from the word segmenter: words of letters (syllables joined by
 * '_' become one term, spaces between), lower-cased; single function
 * words and one-letter words left out. */
static int count_terms_seg(loa_analyzer *a, const row *r, int64_t day)
{
	uint64_t seen[TERMS_PER_ITEM];
	size_t nseen = 0;
	size_t n = r->text_n > TERM_TEXT_MAX ? loa_utf8_truncate(r->text, r->text_n, TERM_TEXT_MAX)
					     : r->text_n;
	loa_buf_reset(&a->segbuf);
	/* one line per paragraph: the segmenter takes a line at a time */
	const char *p = r->text, *end = r->text + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		if (loa_segment_text(a->seg, p, (size_t)(e - p), &a->segbuf))
			break;
		if (loa_buf_putc(&a->segbuf, ' '))
			break;
		p = nl ? nl + 1 : end;
	}
	loa_str rest = {a->segbuf.data ? a->segbuf.data : "", a->segbuf.len};
	while (rest.n) {
		loa_str w = loa_str_split(&rest, ' ');
		if (w.n < 2 || w.n > TERM_MAX)
			continue;
		uint32_t cp;
		loa_utf8_decode((const unsigned char *)w.p, w.n, &cp);
		if (!loa_text_is_letter(cp))
			continue;
		bool multi = memchr(w.p, '_', w.n) != NULL;
		loa_buf_reset(&a->termbuf);
		if (loa_text_normalize(w.p, w.n, LOA_NORM_MATCH, &a->termbuf) || !a->termbuf.data)
			continue;
		for (size_t i = 0; i < a->termbuf.len; i++)
			if (a->termbuf.data[i] == '_')
				a->termbuf.data[i] = ' ';
		if (!multi && (loa_an_is_stop_word(a->termbuf.data, a->termbuf.len) ||
			       loa_utf8_count(a->termbuf.data, a->termbuf.len) < 2))
			continue;
		if (add_term(a, day, a->termbuf.data, a->termbuf.len, seen, &nseen))
			return LOA_ENOMEM;
	}
	return LOA_OK;
}

/* Counts the item's distinct terms for its day: words from the segmenter,
 * or (without it) content syllables and pairs of adjacent content
 * syllables within a sentence. */
static int count_terms(loa_analyzer *a, const row *r)
{
	int64_t day = loa__an_vn_day(r->at);
	if (a->seg)
		return count_terms_seg(a, r, day);
	const loa_an_doc *d = &a->doc;
	uint64_t seen[TERMS_PER_ITEM];
	size_t nseen = 0;
	for (size_t i = 0; i < d->n && nseen < TERMS_PER_ITEM; i++) {
		const loa_an_word *w = &d->w[i];
		if (!(w->flags & LOA_ANW_WORD) || (w->flags & LOA_ANW_STOP) || w->len < 2 ||
		    w->len > TERM_MAX)
			continue;
		/* the term as shown: normalised and lower-cased */
		loa_buf_reset(&a->termbuf);
		if (loa_text_normalize_word(d->norm.data + w->off, w->len, LOA_NORM_MATCH, &a->termbuf) ||
		    !a->termbuf.data)
			continue;
		if (add_term(a, day, a->termbuf.data, a->termbuf.len, seen, &nseen))
			return LOA_ENOMEM;
		if (i + 1 >= d->n || (w->flags & LOA_ANW_SENT))
			continue;
		const loa_an_word *w2 = &d->w[i + 1];
		if (!(w2->flags & LOA_ANW_WORD) || (w2->flags & LOA_ANW_STOP) || w2->len < 2 ||
		    w2->len > TERM_MAX)
			continue;
		if (loa_buf_putc(&a->termbuf, ' ') ||
		    loa_text_normalize_word(d->norm.data + w2->off, w2->len, LOA_NORM_MATCH,
					    &a->termbuf))
			continue;
		if (add_term(a, day, a->termbuf.data, a->termbuf.len, seen, &nseen))
			return LOA_ENOMEM;
	}
	return LOA_OK;
}

static int flush_terms(loa_analyzer *a, loa_err *err)
{
	size_t it = 0;
	loa_map_entry *e;
	int rc = LOA_OK;
	while (rc == LOA_OK && loa_map_next(&a->terms, &it, &e)) {
		const char *sep = memchr(e->key, 0x1f, e->klen);
		if (!sep)
			continue;
		int64_t day;
		loa_str ds = {e->key, (size_t)(sep - e->key)};
		if (loa_parse_i64n(ds, &day))
			continue;
		loa_stmt *st;
		if ((rc = loa_sql_cached(a->s, SQL_TERM_ADD, &st, err)))
			break;
		loa_sql_bind_textn(st, 1, sep + 1, e->klen - (size_t)(sep + 1 - e->key));
		loa_sql_bind_i64(st, 2, day);
		loa_sql_bind_i64(st, 3, (int64_t)(uintptr_t)e->value);
		rc = loa_sql_run(st, err);
	}
	loa_map_release(&a->terms);
	loa_map_init(&a->terms, NULL);
	return rc;
}

static int human_label(loa_analyzer *a, int64_t item, const char *task, char *out, size_t cap,
		       loa_err *err)
{
	out[0] = 0;
	loa_stmt *st;
	int rc = loa_sql_cached(a->s, SQL_HUMAN, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, item);
	loa_sql_bind_text(st, 2, task);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW && loa_sql_col_text(st, 0))
		loa_strlcpy(out, loa_sql_col_text(st, 0), cap);
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}

static int analyse_row(loa_analyzer *a, const row *r, loa_analyze_stats *stt, loa_err *err)
{
	int rc = loa_an_doc_set(&a->doc, r->text, r->text_n);
	if (rc)
		return loa_err_set(err, rc, "hết bộ nhớ / out of memory");
	const char *lang = loa_an_doc_lang(&a->doc);
	bool vi = strcmp(lang, "vi") == 0;
	bool empty = strcmp(lang, "und") == 0;
	if (vi)
		stt->vi++;
	else if (empty)
		stt->empty++;
	else
		stt->other++;
	if (a->doc.truncated)
		stt->truncated++;

	/* tone or toxicity */
	const char *task = strcmp(r->kind, "comment") == 0 ? "toxicity" : "tone";
	task_model *tm = task[1] == 'o' && task[2] == 'x' ? &a->tox : &a->tone;
	char human[LOA_CLS_LABEL_MAX + 1];
	if ((rc = human_label(a, r->id, task, human, sizeof human, err)))
		return rc;
	const char *model_label = NULL, *label = NULL, *src = NULL;
	double model_p = 0, label_p = 0;
	if (vi && tm->c) {
		loa_cls_result res;
		size_t n = r->text_n > LOA_AN_TEXT_MAX ? LOA_AN_TEXT_MAX : r->text_n;
		if (loa_classify(tm->c, r->text, n, &res) == LOA_OK) {
			model_label = loa_cls_model_label(tm->m, res.label);
			model_p = res.prob;
			stt->classified++;
		}
	} else if (vi) {
		stt->unclassified++;
	}
	if (human[0]) {
		label = human;
		label_p = 1.0;
		src = "human";
		stt->human++;
	} else if (model_label) {
		label = model_label;
		label_p = model_p;
		src = "model";
	}

	/* story */
	int64_t story = 0;
	double story_score = 0;
	bool have_sig = false;
	loa_story_sig sig;
	if (!empty) {
		if ((rc = loa_shingles_make(&a->doc, LOA_STORY_SHINGLE, &a->sh)))
			return loa_err_set(err, rc, "hết bộ nhớ / out of memory");
		loa_story_signature(&a->sh, &sig);
		/* comments answer an item; they are not stories of their own */
		have_sig = sig.shingles >= LOA_STORY_MIN_SHINGLES &&
			   strcmp(r->kind, "comment") != 0;
	} else {
		a->sh.n = 0;
	}
	if (have_sig) {
		int64_t old = 0;
		if ((rc = loa__an_scalar(a->s, SQL_SIG_OF, r->id, &old, err)))
			return rc;
		if (old) {
			story = old; /* a changed item stays in its story */
		} else {
			int64_t merged[LOA_STORY_MERGE_MAX];
			size_t nmerged = 0;
			if ((rc = loa_story_index_assign2(a->ix, r->id, r->at, &sig, &story,
							  &story_score, merged,
							  LOA_STORY_MERGE_MAX, &nmerged)))
				return loa_err_set(err, rc, "hết bộ nhớ / out of memory");
			if (story == r->id)
				stt->stories_new++;
			else
				stt->stories_joined++;
			/* stories the item bridged: their ids become the survivor's */
			for (size_t i = 0; i < nmerged; i++) {
				static const char *const merge_sql[] = {SQL_SIG_MERGE,
									SQL_ITEM_MERGE};
				for (size_t q = 0; q < 2; q++) {
					loa_stmt *mst;
					if ((rc = loa_sql_cached(a->s, merge_sql[q], &mst, err)))
						return rc;
					loa_sql_bind_i64(mst, 1, story);
					loa_sql_bind_i64(mst, 2, merged[i]);
					if ((rc = loa_sql_run(mst, err)))
						return rc;
				}
				stt->stories_merged++;
			}
			if (nmerged)
				loa_info("analyze.story_merge", "item=%" PRId64 " story=%" PRId64
					 " merged=%zu", r->id, story, nmerged);
		}
		loa_stmt *st;
		if ((rc = loa_sql_cached(a->s, SQL_SIG_PUT, &st, err)))
			return rc;
		loa_sql_bind_i64(st, 1, r->id);
		loa_sql_bind_i64(st, 2, story);
		loa_sql_bind_i64(st, 3, r->at);
		loa_sql_bind_i64(st, 4, sig.shingles);
		loa_sql_bind_blob(st, 5, sig.v, sizeof sig.v);
		if ((rc = loa_sql_run(st, err)))
			return rc;
	}

	/* claims */
	loa_stmt *st;
	if (r->had_row) {
		if ((rc = loa_sql_cached(a->s, SQL_CLAIM_DEL, &st, err)))
			return rc;
		loa_sql_bind_i64(st, 1, r->id);
		if ((rc = loa_sql_run(st, err)))
			return rc;
	}
	if (!empty && loa_claimset_count(a->claims)) {
		if ((rc = loa_shingles_make(&a->doc, 1, &a->words)))
			return loa_err_set(err, rc, "hết bộ nhớ / out of memory");
		loa_claim_ctx cx = {r->url,
				    strcmp(r->kind, "official") == 0 ||
					    (r->org && strcmp(r->kind, "comment") != 0),
				    r->outlet && strcmp(r->outlet, "press") == 0};
		loa_claim_hit hits[16];
		size_t nh = 0;
		if ((rc = loa_claimset_match(a->claims, &a->doc, &a->sh, &a->words, &cx, hits,
					     sizeof hits / sizeof hits[0], &nh)))
			return loa_err_set(err, rc, "hết bộ nhớ / out of memory");
		for (size_t i = 0; i < nh; i++) {
			if ((rc = loa_sql_cached(a->s, SQL_CLAIM_PUT, &st, err)))
				return rc;
			loa_sql_bind_i64(st, 1, hits[i].claim_id);
			loa_sql_bind_i64(st, 2, r->id);
			loa_sql_bind_text(st, 3, hits[i].rebuttal ? "rebuttal" : "claim");
			loa_sql_bind_double(st, 4, hits[i].score);
			loa_sql_bind_i64(st, 5, r->at);
			loa_sql_bind_text(st, 6, r->source);
			if ((rc = loa_sql_run(st, err)))
				return rc;
			stt->claim_hits++;
		}
	}

	/* mentions */
	if (r->had_row) {
		if ((rc = loa_sql_cached(a->s, SQL_MENTION_DEL, &st, err)))
			return rc;
		loa_sql_bind_i64(st, 1, r->id);
		if ((rc = loa_sql_run(st, err)))
			return rc;
	}
	if (!empty) {
		mention_ctx mc = {a, r, err, 0};
		if ((rc = loa__an_mentions_find(&a->men, &a->doc, on_mention, &mc)))
			return rc;
		stt->mentions += mc.n;
	}

	/* trending terms: counted once per item, when first analysed */
	if (vi && !r->had_row && count_terms(a, r))
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");

	/* the analysis row */
	if (r->had_row) {
		if ((rc = loa_sql_cached(a->s, SQL_ITEM_DEL, &st, err)))
			return rc;
		loa_sql_bind_i64(st, 1, r->id);
		if ((rc = loa_sql_run(st, err)))
			return rc;
	}
	if ((rc = loa_sql_cached(a->s, SQL_ITEM_PUT, &st, err)))
		return rc;
	loa_sql_bind_i64(st, 1, r->id);
	loa_sql_bind_i64(st, 2, r->hash);
	loa_sql_bind_i64(st, 3, r->at);
	loa_sql_bind_text(st, 4, r->source);
	loa_sql_bind_text(st, 5, r->outlet);
	loa_sql_bind_text(st, 6, r->platform);
	loa_sql_bind_text(st, 7, r->kind);
	loa_sql_bind_text(st, 8, r->org);
	loa_sql_bind_text(st, 9, lang);
	loa_sql_bind_text(st, 10, task);
	loa_sql_bind_text(st, 11, label);
	if (label)
		loa_sql_bind_double(st, 12, label_p);
	loa_sql_bind_text(st, 13, src);
	loa_sql_bind_text(st, 14, model_label);
	if (model_label)
		loa_sql_bind_double(st, 15, model_p);
	if (have_sig) {
		loa_sql_bind_i64(st, 16, story);
		loa_sql_bind_double(st, 17, story_score);
	}
	bind_count(st, 18, r->reactions);
	bind_count(st, 19, r->shares);
	bind_count(st, 20, r->comments);
	loa_sql_bind_i64(st, 21, (int64_t)a->doc.words);
	loa_sql_bind_i64(st, 22, a->doc.truncated);
	loa_sql_bind_i64(st, 23, loa_now_ms());
	if ((rc = loa_sql_run(st, err)))
		return rc;
	if (a->search_tone && (rc = put_search_tone(a->s, r->id, task, label, label_p, err)))
		return rc;
	stt->items++;
	return LOA_OK;
}

static const char SQL_CLAIMS_KEY[] = "SELECT count(*) * 1000003 + coalesce(max(id), 0) "
				    "FROM analyze_claim";
static const char SQL_NAMES_KEY[] =
	"SELECT (SELECT count(*) FROM organisations) * 1000003 + "
	"(SELECT count(*) FROM analyze_alias)";

/* Reloads the claims and the organisations' names when they changed since
 * the analyzer loaded them (a long-lived analyzer in loa serve). */
static int refresh(loa_analyzer *a, bool force, loa_err *err)
{
	int64_t ck, nk;
	int rc;
	if ((rc = loa__an_scalar(a->s, SQL_CLAIMS_KEY, INT64_MIN, &ck, err)) ||
	    (rc = loa__an_scalar(a->s, SQL_NAMES_KEY, INT64_MIN, &nk, err)))
		return rc;
	if (force || ck != a->claims_key) {
		loa_claimset *c;
		if ((rc = loa_claimset_load(a->s, &c, err)))
			return rc;
		loa_claimset_free(a->claims);
		a->claims = c;
		a->claims_key = ck;
	}
	if (force || nk != a->names_key) {
		loa__an_mentions_release(&a->men);
		loa__an_mentions_init(&a->men);
		if ((rc = loa__an_mentions_load(a->s, &a->men, err)))
			return rc;
		a->names_key = nk;
	}
	return LOA_OK;
}

int loa_analyzer_run(loa_analyzer *a, loa_analyze_stats *out, loa_err *err)
{
	loa_analyze_stats st = {0};
	int rc0 = refresh(a, false, err);
	if (rc0)
		return rc0;
	uint64_t t0 = loa_mono_ns();
	int64_t batch = a->o.batch > 0 ? a->o.batch : LOA_ANALYZE_BATCH;
	if (batch > 100000)
		batch = 100000;
	int64_t total = 0;
	int rc;
	if (a->o.all) {
		if ((rc = loa__an_scalar(a->s, "SELECT count(*) FROM items", INT64_MIN, &total, err)))
			return rc;
	} else if ((rc = loa__an_scalar(a->s, SQL_PENDING_COUNT, INT64_MIN, &total, err))) {
		return rc;
	}
	if (a->o.limit > 0 && total > a->o.limit)
		total = a->o.limit;
	int64_t after = 0, done = 0;
	while (done < total) {
		if (a->o.stop && atomic_load_explicit(a->o.stop, memory_order_relaxed))
			break;
		int64_t want = batch;
		if (a->o.limit > 0 && want > a->o.limit - done)
			want = a->o.limit - done;
		if ((rc = read_batch(a, after, want, err)))
			return rc;
		if (a->nrows == 0)
			break;
		after = a->rows[a->nrows - 1].id;
		qsort(a->rows, a->nrows, sizeof *a->rows, cmp_row_time);
		if ((rc = loa_store_begin(a->s, err)))
			return rc;
		for (size_t i = 0; i < a->nrows; i++) {
			if ((rc = analyse_row(a, &a->rows[i], &st, err))) {
				loa_store_rollback(a->s);
				free_rows(a);
				return rc;
			}
		}
		if ((rc = flush_terms(a, err)) || (rc = loa_store_commit(a->s, err))) {
			loa_store_rollback(a->s);
			free_rows(a);
			return rc;
		}
		done += (int64_t)a->nrows;
		free_rows(a);
		if (a->o.progress)
			a->o.progress(a->o.progress_user, (uint64_t)done, (uint64_t)total);
	}
	int64_t rem = 0;
	if ((rc = loa__an_scalar(a->s, SQL_PENDING_COUNT, INT64_MIN, &rem, err)))
		return rc;
	st.remaining = (uint64_t)rem;
	st.seconds = (double)(loa_mono_ns() - t0) / 1e9;
	loa_info("analyze.run", "items=%" PRIu64 " vi=%" PRIu64 " stories_new=%" PRIu64
		 " remaining=%" PRIu64, st.items, st.vi, st.stories_new, st.remaining);
	if (out) {
		out->items += st.items;
		out->vi += st.vi;
		out->other += st.other;
		out->empty += st.empty;
		out->truncated += st.truncated;
		out->classified += st.classified;
		out->human += st.human;
		out->unclassified += st.unclassified;
		out->stories_new += st.stories_new;
		out->stories_joined += st.stories_joined;
		out->stories_merged += st.stories_merged;
		out->claim_hits += st.claim_hits;
		out->mentions += st.mentions;
		out->remaining = st.remaining;
		out->seconds += st.seconds;
	}
	return LOA_OK;
}

int loa_analyze_job_run(void *state, const atomic_int *stop)
{
	loa_analyze_job *j = state;
	loa_err err;
	loa_err_clear(&err);
	int rc;
	if (!j->store && (rc = loa_store_open(j->db_path, LOA_STORE_NO_CREATE, &j->store, &err))) {
		loa_warn("analyze.open", "msg=%s", loa_err_msg(&err));
		return rc;
	}
	if (!j->an) {
		loa_analyze_opts o = {0};
		o.stop = stop;
		if ((rc = loa_analyzer_new(j->store, &o, &j->an, &err))) {
			loa_warn("analyze.start", "msg=%s", loa_err_msg(&err));
			return rc;
		}
	}
	loa_analyze_stats st = {0};
	if ((rc = loa_analyzer_run(j->an, &st, &err))) {
		loa_warn("analyze.run", "msg=%s", loa_err_msg(&err));
		return rc;
	}
	j->total.items += st.items;
	return LOA_OK;
}

void loa_analyze_job_release(loa_analyze_job *j)
{
	loa_analyzer_free(j->an);
	loa_store_close(j->store);
	j->an = NULL;
	j->store = NULL;
}

int loa_analyze_run(loa_store *s, const loa_analyze_opts *opts, loa_analyze_stats *st,
		    loa_err *err)
{
	loa_analyzer *a;
	int rc = loa_analyzer_new(s, opts, &a, err);
	if (rc)
		return rc;
	rc = loa_analyzer_run(a, st, err);
	loa_analyzer_free(a);
	return rc;
}

/* ---- analysts' labels ------------------------------------------------------------ */

static const char SQL_ITEM_EXISTS[] = "SELECT count(*) FROM items WHERE id = ?1";
static const char SQL_LABEL_OLD[] =
	"SELECT label FROM analyze_label WHERE item_id = ?1 AND task = ?2";
static const char SQL_LABEL_PUT[] =
	"INSERT INTO analyze_label(item_id, task, label, by, at, why) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
	"ON CONFLICT(item_id, task) DO UPDATE SET label = excluded.label, by = excluded.by, "
	"at = excluded.at, why = excluded.why";
static const char SQL_LABEL_APPLY[] =
	"UPDATE analyze_item SET label = ?3, label_p = 1.0, label_src = 'human' "
	"WHERE item_id = ?1 AND task = ?2";

static bool valid_text(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static int check_label(const char *task, const char *label, loa_err *err)
{
	if (!label || !valid_text(label, LOA_CLS_LABEL_MAX))
		return loa_err_set(err, LOA_EINVAL, "nhãn không hợp lệ / bad label");
	if (strcmp(task, "tone") == 0) {
		if (strcmp(label, "positive") && strcmp(label, "neutral") && strcmp(label, "negative"))
			return loa_err_set(err, LOA_EINVAL, "nhãn giọng điệu là positive, neutral hoặc "
					   "negative / a tone label is positive, neutral or "
					   "negative: '%s'", label);
		return LOA_OK;
	}
	if (strcmp(task, "toxicity") != 0)
		return loa_err_set(err, LOA_EINVAL, "nhiệm vụ là tone hoặc toxicity / task is tone or "
				   "toxicity: '%s'", task);
	/* toxicity: the shipped model's labels when it is there */
	loa_buf p;
	loa_buf_init(&p, LOA_PATH_MAX);
	int rc = LOA_OK;
	if (loa_model_path("toxicity.model", &p, NULL) == LOA_OK) {
		loa_cls_model *m;
		if (loa_cls_model_load(&m, p.data, NULL) == LOA_OK) {
			if (loa_cls_model_find(m, label, strlen(label)) < 0) {
				loa_buf lab;
				loa_buf_init(&lab, 4096);
				for (unsigned i = 0; i < loa_cls_model_classes(m); i++)
					loa_buf_printf(&lab, "%s%s", i ? ", " : "",
						       loa_cls_model_label(m, i));
				rc = loa_err_set(err, LOA_EINVAL, "nhãn độc hại là một trong / a "
						 "toxicity label is one of: %s", lab.data ? lab.data : "");
				loa_buf_release(&lab);
			}
			loa_cls_model_free(m);
		}
	}
	loa_buf_release(&p);
	return rc;
}

static void json_str(loa_buf *b, const char *s)
{
	loa_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			loa_buf_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			loa_buf_printf(b, "\\u%04x", *p);
		else
			loa_buf_putc(b, (char)*p);
	}
	loa_buf_putc(b, '"');
}

int loa_label_set(loa_store *s, int64_t item_id, const char *task, const char *label,
		  const char *by, const char *why, loa_err *err)
{
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	if (!task)
		return loa_err_set(err, LOA_EINVAL, "thiếu nhiệm vụ / task missing");
	if ((rc = check_label(task, label, err)))
		return rc;
	if (!by || !valid_text(by, LOA_LABEL_BY_MAX))
		return loa_err_set(err, LOA_EINVAL, "cần người gán nhãn (--by) / who labels is "
				   "required (--by, at most %u bytes)", LOA_LABEL_BY_MAX);
	if (why && strlen(why) > LOA_LABEL_WHY_MAX)
		return loa_err_set(err, LOA_EINVAL, "lý do quá dài / reason too long (max %u bytes)",
				   LOA_LABEL_WHY_MAX);
	int64_t n;
	if ((rc = loa__an_scalar(s, SQL_ITEM_EXISTS, item_id, &n, err)))
		return rc;
	if (n == 0)
		return loa_err_set(err, LOA_ENOTFOUND, "không có tin / no such item: %" PRId64,
				   item_id);
	if ((rc = loa_store_begin(s, err)))
		return rc;
	char old[LOA_CLS_LABEL_MAX + 1] = "";
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, SQL_LABEL_OLD, &st, err)))
		goto fail;
	loa_sql_bind_i64(st, 1, item_id);
	loa_sql_bind_text(st, 2, task);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW && loa_sql_col_text(st, 0))
		loa_strlcpy(old, loa_sql_col_text(st, 0), sizeof old);
	loa_sql_reset(st);
	if (rc < 0)
		goto fail;
	loa_ms now = loa_now_ms();
	if ((rc = loa_sql_cached(s, SQL_LABEL_PUT, &st, err)))
		goto fail;
	loa_sql_bind_i64(st, 1, item_id);
	loa_sql_bind_text(st, 2, task);
	loa_sql_bind_text(st, 3, label);
	loa_sql_bind_text(st, 4, by);
	loa_sql_bind_i64(st, 5, now);
	loa_sql_bind_text(st, 6, why);
	if ((rc = loa_sql_run(st, err)))
		goto fail;
	if ((rc = loa_sql_cached(s, SQL_LABEL_APPLY, &st, err)))
		goto fail;
	loa_sql_bind_i64(st, 1, item_id);
	loa_sql_bind_text(st, 2, task);
	loa_sql_bind_text(st, 3, label);
	if ((rc = loa_sql_run(st, err)))
		goto fail;
	if (have_search_tone(s) && (rc = put_search_tone(s, item_id, task, label, 1.0, err)))
		goto fail;
	loa_buf detail;
	loa_buf_init(&detail, 3 * LOA_LABEL_WHY_MAX + 1024);
	loa_buf_puts(&detail, "{\"task\":");
	json_str(&detail, task);
	loa_buf_puts(&detail, ",\"label\":");
	json_str(&detail, label);
	loa_buf_puts(&detail, ",\"previous\":");
	if (old[0])
		json_str(&detail, old);
	else
		loa_buf_puts(&detail, "null");
	loa_buf_puts(&detail, ",\"why\":");
	if (why)
		json_str(&detail, why);
	else
		loa_buf_puts(&detail, "null");
	loa_buf_putc(&detail, '}');
	char target[64];
	snprintf(target, sizeof target, "item:%" PRId64, item_id);
	loa_audit au = {0, now, by, "label.set", target, detail.data};
	rc = loa_store_audit_append(s, &au, err);
	loa_buf_release(&detail);
	if (rc)
		goto fail;
	return loa_store_commit(s, err);
fail:
	loa_store_rollback(s);
	return rc;
}

static const char SQL_LABELS[] =
	"SELECT l.item_id, l.label, i.title, i.text, l.by, l.at FROM analyze_label l "
	"JOIN items i ON i.id = l.item_id WHERE l.task = ?1 ORDER BY l.item_id";

int loa_labels_each(loa_store *s, const char *task, loa_label_cb cb, void *arg, loa_err *err)
{
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, SQL_LABELS, &st, err)))
		return rc;
	loa_sql_bind_text(st, 1, task);
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		size_t n;
		char *text = loa__an_join_text(loa_sql_col_text(st, 2), loa_sql_col_text(st, 3), &n);
		if (!text) {
			loa_sql_reset(st);
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		}
		int k = cb(arg, loa_sql_col_i64(st, 0), loa_sql_col_text(st, 1), text,
			   loa_sql_col_text(st, 4), loa_sql_col_i64(st, 5));
		free(text);
		if (k) {
			loa_sql_reset(st);
			return k;
		}
	}
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}
