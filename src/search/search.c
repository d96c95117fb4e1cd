/*
 * search.c - compiling a parsed query to an FTS5 MATCH expression plus SQL
 * filters (every user value a bound parameter; every FTS5 term a quoted
 * string), running it newest-first or by bounded relevance, snippets;
 * saved queries and backfill.
 */
#include "search/search_int.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/str.h"
#include "core/utf8.h"
#include "core/vec.h"
#include "text/fts5_tok.h"
#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* Title weight in BM25 and the recency half-life used for relevance. */
#define TITLE_WEIGHT 4.0
#define RECENCY_DAYS 90.0

/* ---- prefix expansion ------------------------------------------------- */

/* FTS5 evaluates `"xay" *` by merging the doclists of every term with the
 * prefix into one before it returns a row, which takes seconds for a short
 * prefix over a million items. An OR of the terms themselves is merged
 * lazily in docid order (newest first), so newest-first stops after a page. */
typedef LOA_VEC(char *) strvec;

typedef struct expansion {
	const loa_qnode *x; /* the prefix TERM */
	strvec lead;        /* folded terms before the prefix (a phrase prefix "xây dựn*") */
	strvec terms;       /* the terms it expands to, commonest first */
	bool native;        /* FTS5's own prefix instead (exact) */
	bool bounded;       /* more than LOA_SEARCH_PREFIX_TERMS terms: the commonest only */
	int64_t total;      /* terms with the prefix (bounded ones) */
} expansion;

typedef LOA_VEC(expansion) expansions;

static void strvec_release(strvec *v)
{
	for (size_t i = 0; i < v->len; i++)
		free(v->items[i]);
	loa_vec_release(v);
}

static void expansions_release(expansions *e)
{
	for (size_t i = 0; i < e->len; i++) {
		strvec_release(&e->items[i].lead);
		strvec_release(&e->items[i].terms);
	}
	loa_vec_release(e);
}

static const expansion *expansion_of(const expansions *e, const loa_qnode *x)
{
	for (size_t i = 0; e && i < e->len; i++)
		if (e->items[i].x == x)
			return &e->items[i];
	return NULL;
}

static int push_str(strvec *v, const char *s, size_t n)
{
	char *c = malloc(n + 1);
	if (!c)
		return LOA_ENOMEM;
	memcpy(c, s, n);
	c[n] = '\0';
	if (loa_vec_push(v, c)) {
		free(c);
		return LOA_ENOMEM;
	}
	return LOA_OK;
}

static int take_term(void *user, const char *t, size_t n, int pos)
{
	(void)pos;
	return push_str(user, t, n) ? 1 : 0;
}

typedef struct expander {
	loa_search *s;
	sqlite3_stmt *top, *count;
	expansions *out;
	loa_search_info *info;
	int rc;
} expander;

/* Expands the prefix TERM x (negative: under an odd number of NOTs). */
static int expand_one(expander *E, const loa_qnode *x, bool negative)
{
	expansion e = {.x = x, .native = true};
	strvec all = {0};
	int rc = LOA_OK;
	int r = loa_text_fts5_terms(x->text, strlen(x->text), take_term, &all);
	if (r) {
		rc = LOA_ENOMEM;
		goto out;
	}
	/* the last term is the prefix; one that starts with a digit is left to FTS5 */
	const char *p = all.len ? all.items[all.len - 1] : "";
	unsigned char c0 = (unsigned char)p[0];
	uint32_t cp = c0;
	if (c0 >= 0x80)
		loa_utf8_decode((const unsigned char *)p, strlen(p), &cp);
	if (!*p || !((c0 >= 'a' && c0 <= 'z') || (c0 >= 0x80 && loa_text_is_letter(cp))))
		goto push;
	char hi[LOA_QUERY_MAX_LEN + 2];
	size_t pn = strlen(p);
	if (pn + 1 >= sizeof hi)
		goto push;
	memcpy(hi, p, pn);
	hi[pn] = (char)0xff; /* above every UTF-8 continuation of p */
	sqlite3_bind_text(E->top, 1, p, (int)pn, SQLITE_STATIC);
	sqlite3_bind_text(E->top, 2, hi, (int)pn + 1, SQLITE_STATIC);
	sqlite3_bind_int(E->top, 3, LOA_SEARCH_PREFIX_TERMS + 1);
	while (!rc && (r = sqlite3_step(E->top)) == SQLITE_ROW) {
		if (e.terms.len == LOA_SEARCH_PREFIX_TERMS) {
			e.bounded = true;
			break;
		}
		rc = push_str(&e.terms, (const char *)sqlite3_column_text(E->top, 0),
			      (size_t)sqlite3_column_bytes(E->top, 0));
	}
	if (!rc && r != SQLITE_ROW && r != SQLITE_DONE)
		rc = LOA_EDB;
	sqlite3_reset(E->top);
	if (!rc && e.bounded) {
		sqlite3_bind_text(E->count, 1, p, (int)pn, SQLITE_STATIC);
		sqlite3_bind_text(E->count, 2, hi, (int)pn + 1, SQLITE_STATIC);
		if (sqlite3_step(E->count) == SQLITE_ROW)
			e.total = sqlite3_column_int64(E->count, 0);
		sqlite3_reset(E->count);
	}
	if (rc)
		goto out;
	/* none: nothing has the prefix, FTS5 finds that at once; bounded under
	 * NOT: excluding only the commonest would let the others through */
	e.native = e.terms.len == 0 || (e.bounded && negative);
	if (e.native) {
		strvec_release(&e.terms);
		e.bounded = false;
	} else {
		for (size_t i = 0; i + 1 < all.len && !rc; i++)
			rc = push_str(&e.lead, all.items[i], strlen(all.items[i]));
		if (E->info) {
			E->info->prefixes++;
			if (e.bounded) {
				size_t k = strlen(E->info->note);
				E->info->bounded++;
				snprintf(E->info->note + k, sizeof E->info->note - k, "%s%s*: %d/%lld",
					 k ? "; " : "", x->text, LOA_SEARCH_PREFIX_TERMS,
					 (long long)e.total);
			}
		}
		if (e.bounded)
			loa_info("search.prefix", "prefix=%s terms=%d of=%lld bounded=1", p,
				 LOA_SEARCH_PREFIX_TERMS, (long long)e.total);
	}
push:
	if (!rc && loa_vec_push(E->out, e))
		rc = LOA_ENOMEM;
	else if (!rc)
		memset(&e, 0, sizeof e);
out:
	strvec_release(&e.lead);
	strvec_release(&e.terms);
	strvec_release(&all);
	return rc;
}

static void expand_walk(expander *E, const loa_qnode *x, bool negative)
{
	if (E->rc)
		return;
	if (x->kind == LOA_QN_TERM) {
		if (x->prefix)
			E->rc = expand_one(E, x, negative);
		return;
	}
	for (size_t i = 0; i < x->nkids; i++)
		expand_walk(E, x->kids[i], x->kind == LOA_QN_NOT ? !negative : negative);
}

/* Fills out with the expansion of every prefix of q (none with prefix_all). */
static int expand(loa_search *s, const loa_query *q, const loa_search_opts *o, expansions *out,
		  loa_err *err)
{
	if (o && o->prefix_all)
		return LOA_OK;
	expander E = {.s = s, .out = out, .info = o ? o->info : NULL};
	int r;
	if ((r = sqlite3_prepare_v2(s->db, "SELECT term FROM search_vocab WHERE term >= ?1 AND "
				    "term < ?2 ORDER BY n DESC, term LIMIT ?3", -1, &E.top,
				    NULL)) != SQLITE_OK ||
	    (r = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM search_vocab WHERE term >= ?1 "
				    "AND term < ?2", -1, &E.count, NULL)) != SQLITE_OK) {
		sqlite3_finalize(E.top);
		return loa__search_dberr(s, r, "prefix", err);
	}
	expand_walk(&E, q->root, false);
	sqlite3_finalize(E.top);
	sqlite3_finalize(E.count);
	if (E.rc == LOA_EDB)
		return loa__search_dberr(s, sqlite3_errcode(s->db), "prefix", err);
	if (E.rc)
		return loa_err_set(err, E.rc, "hết bộ nhớ / out of memory");
	return LOA_OK;
}

/* ---- compiling -------------------------------------------------------- */

typedef struct bind {
	bool is_text;
	char *text; /* owned */
	int64_t i;
} bind;

typedef struct plan {
	const expansions *ex; /* prefix expansions (may be NULL: FTS5's own prefixes) */
	loa_buf match; /* main MATCH expression, empty = none */
	loa_buf where; /* extra SQL conditions, each starting with " AND " */
	LOA_VEC(bind) binds; /* for `where`, numbered from ?10 */
	int64_t lo, hi;      /* time-key range [lo, hi) (loa__docid_of_time; docid = -key) */
	bool boost;          /* relevance: exact forms boosted */
	int rc;
} plan;

static void plan_init(plan *p)
{
	memset(p, 0, sizeof *p);
	loa_buf_init(&p->match, 1 << 20);
	loa_buf_init(&p->where, 1 << 20);
	p->lo = loa__docid_of_time(-LOA_DOCID_TMAX);
	p->hi = loa__docid_of_time(LOA_DOCID_TMAX);
}

static void plan_release(plan *p)
{
	loa_buf_release(&p->match);
	loa_buf_release(&p->where);
	for (size_t i = 0; i < p->binds.len; i++)
		free(p->binds.items[i].text);
	loa_vec_release(&p->binds);
}

static bool expressible(const loa_qnode *x)
{
	switch (x->kind) {
	case LOA_QN_TERM:
	case LOA_QN_NEAR:
		return true;
	case LOA_QN_OR:
		for (size_t i = 0; i < x->nkids; i++)
			if (!expressible(x->kids[i]))
				return false;
		return true;
	case LOA_QN_AND: {
		size_t pos = 0;
		for (size_t i = 0; i < x->nkids; i++) {
			const loa_qnode *k = x->kids[i];
			if (k->kind == LOA_QN_NOT) {
				if (!expressible(k->kids[0]))
					return false;
			} else if (expressible(k)) {
				pos++;
			} else {
				return false;
			}
		}
		return pos > 0;
	}
	default:
		return false;
	}
}

static void quoted(loa_buf *b, const char *pre, const char *s, int *rc)
{
	*rc |= loa_buf_putc(b, '"');
	*rc |= loa_buf_puts(b, pre);
	for (; *s; s++) {
		if (*s == '"')
			*rc |= loa_buf_putc(b, '"');
		*rc |= loa_buf_putc(b, *s);
	}
	*rc |= loa_buf_putc(b, '"');
}

static void emit_phrase(loa_buf *b, const loa_qnode *t, const char *pre, int *rc)
{
	quoted(b, pre, t->text, rc);
	if (t->prefix)
		*rc |= loa_buf_puts(b, " *");
}

/* One phrase of an expanded prefix: its lead terms and the i-th term. */
static void emit_expanded_phrase(loa_buf *b, const expansion *e, size_t i, int *rc)
{
	loa_buf t;
	loa_buf_init(&t, LOA_QUERY_MAX_LEN * 4);
	for (size_t k = 0; k < e->lead.len; k++) {
		*rc |= loa_buf_puts(&t, e->lead.items[k]);
		*rc |= loa_buf_putc(&t, ' ');
	}
	*rc |= loa_buf_puts(&t, e->terms.items[i]);
	quoted(b, "", t.data ? t.data : "", rc);
	loa_buf_release(&t);
}

/* NEAR with expanded prefixes: an OR of NEARs over every combination of
 * their terms when there are at most LOA_SEARCH_PREFIX_TERMS, else false. */
static bool emit_near_expanded(loa_buf *b, const loa_qnode *x, const expansions *ex,
			       const char *col, int *rc)
{
	const expansion *e[LOA_QUERY_MAX_NODES];
	size_t combos = 1, nexp = 0;
	for (size_t i = 0; i < x->nkids && i < LOA_QUERY_MAX_NODES; i++) {
		e[i] = x->kids[i]->prefix ? expansion_of(ex, x->kids[i]) : NULL;
		if (x->kids[i]->prefix && (!e[i] || e[i]->native))
			return false;
		if (e[i]) {
			nexp++;
			combos *= e[i]->terms.len;
			if (combos > LOA_SEARCH_PREFIX_TERMS)
				return false;
		}
	}
	if (nexp == 0 || x->nkids > LOA_QUERY_MAX_NODES)
		return false;
	*rc |= loa_buf_putc(b, '(');
	for (size_t c = 0; c < combos; c++) {
		if (c)
			*rc |= loa_buf_puts(b, " OR ");
		*rc |= loa_buf_printf(b, "%sNEAR(", col);
		size_t rest = c;
		for (size_t i = 0; i < x->nkids; i++) {
			if (i)
				*rc |= loa_buf_putc(b, ' ');
			if (e[i]) {
				emit_expanded_phrase(b, e[i], rest % e[i]->terms.len, rc);
				rest /= e[i]->terms.len;
			} else {
				emit_phrase(b, x->kids[i], "", rc);
			}
		}
		*rc |= loa_buf_printf(b, ", %d)", x->near);
	}
	*rc |= loa_buf_putc(b, ')');
	return true;
}

static void emit(loa_buf *b, const loa_qnode *x, bool boost, const expansions *ex, int *rc)
{
	const char *col = "";
	const expansion *e;
	switch (x->kind) {
	case LOA_QN_TERM:
		col = x->field == LOA_QF_TITLE ? "title : " : "";
		if (x->prefix && (e = expansion_of(ex, x)) && !e->native) {
			/* the OR of its terms (no exact-form boost: that would be
			 * FTS5's own prefix over the exact forms again) */
			*rc |= loa_buf_putc(b, '(');
			for (size_t i = 0; i < e->terms.len; i++) {
				*rc |= loa_buf_printf(b, "%s%s", i ? " OR " : "", col);
				emit_expanded_phrase(b, e, i, rc);
			}
			*rc |= loa_buf_putc(b, ')');
			return;
		}
		if (boost && (x->diacritics || (!x->prefix && strchr(x->text, ' ')))) {
			/* both forms: the exact one scores on top of the folded one;
			 * a name ("Hà Nội": two capitalised syllables) also as its
			 * bigram terms ("_ha_noi"), rarer, so it ranks higher */
			*rc |= loa_buf_printf(b, "(%s", col);
			emit_phrase(b, x, "", rc);
			if (x->diacritics) {
				*rc |= loa_buf_printf(b, " OR %s", col);
				emit_phrase(b, x, "=", rc);
			}
			if (!x->prefix && strchr(x->text, ' ')) {
				*rc |= loa_buf_printf(b, " OR %s", col);
				emit_phrase(b, x, "_", rc);
			}
			*rc |= loa_buf_putc(b, ')');
		} else {
			*rc |= loa_buf_puts(b, col);
			emit_phrase(b, x, "", rc);
		}
		return;
	case LOA_QN_NEAR:
		col = x->kids[0]->field == LOA_QF_TITLE ? "title : " : "";
		if (emit_near_expanded(b, x, ex, col, rc))
			return;
		*rc |= loa_buf_printf(b, "%sNEAR(", col);
		for (size_t i = 0; i < x->nkids; i++) {
			if (i)
				*rc |= loa_buf_putc(b, ' ');
			emit_phrase(b, x->kids[i], "", rc);
		}
		*rc |= loa_buf_printf(b, ", %d)", x->near);
		return;
	case LOA_QN_OR:
		*rc |= loa_buf_putc(b, '(');
		for (size_t i = 0; i < x->nkids; i++) {
			if (i)
				*rc |= loa_buf_puts(b, " OR ");
			emit(b, x->kids[i], boost, ex, rc);
		}
		*rc |= loa_buf_putc(b, ')');
		return;
	case LOA_QN_AND: {
		*rc |= loa_buf_putc(b, '(');
		bool first = true;
		for (size_t i = 0; i < x->nkids; i++) {
			if (x->kids[i]->kind == LOA_QN_NOT)
				continue;
			if (!first)
				*rc |= loa_buf_puts(b, " AND ");
			first = false;
			emit(b, x->kids[i], boost, ex, rc);
		}
		*rc |= loa_buf_putc(b, ')');
		for (size_t i = 0; i < x->nkids; i++) {
			if (x->kids[i]->kind != LOA_QN_NOT)
				continue;
			*rc |= loa_buf_puts(b, " NOT (");
			emit(b, x->kids[i]->kids[0], false, ex, rc);
			*rc |= loa_buf_putc(b, ')');
		}
		return;
	}
	default:
		*rc |= LOA_EINVAL;
	}
}

static int bind_text(plan *p, const char *s)
{
	bind b = {true, strdup(s), 0};
	if (!b.text || loa_vec_push(&p->binds, b)) {
		free(b.text);
		return p->rc = LOA_ENOMEM;
	}
	return (int)p->binds.len + 9; /* ?10 … */
}

static int bind_i64(plan *p, int64_t v)
{
	bind b = {false, NULL, v};
	if (loa_vec_push(&p->binds, b))
		return p->rc = LOA_ENOMEM;
	return (int)p->binds.len + 9;
}

/* SQL condition for any node (set semantics over docids). */
static void sql_expr(plan *p, const loa_qnode *x)
{
	loa_buf *w = &p->where;
	int rc = 0;
	if (expressible(x)) {
		loa_buf m;
		loa_buf_init(&m, 1 << 20);
		emit(&m, x, false, p->ex, &rc);
		if (!rc) {
			int n = bind_text(p, m.data);
			rc |= loa_buf_printf(w, "d.docid IN (SELECT rowid FROM search_fts WHERE "
					     "search_fts MATCH ?%d)", n);
		}
		loa_buf_release(&m);
		p->rc |= rc;
		return;
	}
	switch (x->kind) {
	case LOA_QN_AND:
	case LOA_QN_OR:
		rc |= loa_buf_putc(w, '(');
		for (size_t i = 0; i < x->nkids; i++) {
			if (i)
				rc |= loa_buf_puts(w, x->kind == LOA_QN_AND ? " AND " : " OR ");
			sql_expr(p, x->kids[i]);
		}
		rc |= loa_buf_putc(w, ')');
		break;
	case LOA_QN_NOT:
		rc |= loa_buf_puts(w, "(NOT ");
		sql_expr(p, x->kids[0]);
		rc |= loa_buf_putc(w, ')');
		break;
	case LOA_QN_TIME:
		/* key >= k is docid <= -k; key < k is docid > -k */
		if (x->since != LOA_TIME_NONE)
			rc |= loa_buf_printf(w, "d.docid <= ?%d", bind_i64(p, -loa__docid_of_time(x->since)));
		else
			rc |= loa_buf_printf(w, "d.docid > ?%d", bind_i64(p, -loa__docid_of_time(x->until)));
		break;
	case LOA_QN_FIELD: {
		int n = bind_text(p, x->text);
		switch (x->field) {
		case LOA_QF_SOURCE:
			rc |= loa_buf_printf(w, "s.slug = ?%d", n);
			break;
		case LOA_QF_ORG:
			rc |= loa_buf_printf(w, "(i.org = ?%d OR i.org_id IN (SELECT id FROM "
					     "organisations WHERE slug = ?%d) OR s.org_id IN (SELECT id "
					     "FROM organisations WHERE slug = ?%d))", n, n, n);
			break;
		case LOA_QF_KIND:
			rc |= loa_buf_printf(w, "i.kind = ?%d", n);
			break;
		case LOA_QF_PLATFORM:
			rc |= loa_buf_printf(w, "i.platform = ?%d", n);
			break;
		case LOA_QF_LANG:
			rc |= loa_buf_printf(w, "(lower(i.lang) = ?%d OR lower(i.lang) LIKE ?%d || '-%%')",
					     n, n);
			break;
		case LOA_QF_AUTHOR:
			rc |= loa_buf_printf(w, "loa_fold(i.author) = ?%d", n);
			break;
		case LOA_QF_URL:
			rc |= loa_buf_printf(w, "instr(lower(i.url), ?%d) > 0", n);
			break;
		case LOA_QF_TONE:
			rc |= loa_buf_printf(w, "EXISTS(SELECT 1 FROM search_tone t WHERE t.item_id = "
					     "i.id AND t.tone = ?%d)", n);
			break;
		default:
			rc |= LOA_EINVAL;
		}
		break;
	}
	default:
		rc |= LOA_EINVAL;
	}
	p->rc |= rc;
}

static int compile(const loa_query *q, bool boost, const expansions *ex, plan *p)
{
	plan_init(p);
	p->boost = boost;
	p->ex = ex;
	const loa_qnode *root = q->root;
	loa_qnode *const *kids = root->kind == LOA_QN_AND ? root->kids : (loa_qnode *const *)&root;
	size_t nk = root->kind == LOA_QN_AND ? root->nkids : 1;
	/* time bounds of the top conjunction become the docid range (run()) */
	size_t npos = 0;
	for (size_t i = 0; i < nk; i++) {
		const loa_qnode *k = kids[i];
		if (k->kind == LOA_QN_TIME) {
			if (k->since != LOA_TIME_NONE && loa__docid_of_time(k->since) > p->lo)
				p->lo = loa__docid_of_time(k->since);
			if (k->until != LOA_TIME_NONE && loa__docid_of_time(k->until) < p->hi)
				p->hi = loa__docid_of_time(k->until);
		} else if (k->kind != LOA_QN_NOT && expressible(k)) {
			npos++;
		}
	}
	int rc = 0;
	if (npos > 0) {
		/* the main MATCH: positive text parts, NOT text parts */
		rc |= loa_buf_putc(&p->match, '(');
		bool first = true;
		for (size_t i = 0; i < nk; i++) {
			const loa_qnode *k = kids[i];
			if (k->kind == LOA_QN_NOT || k->kind == LOA_QN_TIME || !expressible(k))
				continue;
			if (!first)
				rc |= loa_buf_puts(&p->match, " AND ");
			first = false;
			emit(&p->match, k, boost, p->ex, &rc);
		}
		rc |= loa_buf_putc(&p->match, ')');
		for (size_t i = 0; i < nk; i++) {
			const loa_qnode *k = kids[i];
			if (k->kind != LOA_QN_NOT || !expressible(k->kids[0]))
				continue;
			rc |= loa_buf_puts(&p->match, " NOT (");
			emit(&p->match, k->kids[0], false, p->ex, &rc);
			rc |= loa_buf_putc(&p->match, ')');
		}
	}
	for (size_t i = 0; i < nk; i++) {
		const loa_qnode *k = kids[i];
		if (k->kind == LOA_QN_TIME)
			continue;
		if (npos > 0 && (k->kind == LOA_QN_NOT ? expressible(k->kids[0]) : expressible(k)))
			continue;
		rc |= loa_buf_puts(&p->where, " AND ");
		sql_expr(p, k);
	}
	p->rc |= rc;
	return p->rc ? LOA_ENOMEM : LOA_OK;
}

#define SNIPPET_SQL "snippet(search_fts, -1, '«', '»', '…', 24)"
#define HIT_COLS "d.docid, i.id, s.slug, i.title, i.url, i.kind, i.platform, i.published_at, " \
		 "i.text, i.org, i.lang, i.author"
#define HIT_JOIN "JOIN items i ON i.id = d.item_id JOIN sources s ON s.id = i.source_id"

/* Builds the SQL of a plan. ?1 MATCH, ?2 and ?3 the docid range [?2, ?3)
 * (the key range [lo, hi) negated: [1 - hi, 1 - lo)), ?4 limit, ?5 now,
 * ?6 rank window; ?10… filters. Docids are the negated time keys (index.c),
 * so newest first is FTS5's ascending rowid order: its cheaper direction (a
 * phrase of common syllables that matches less than a page is evaluated over
 * whole doclists, in 0.72-0.81 of the CPU time of the descending scan at 1M
 * items), and the one that is exact (SQLite 3.40's descending FTS5 scan of a
 * schema 3 index missed 1 of 24 matches of `"nhà tôi" "hắt hơi"` that the
 * ascending one found). Newest-first with a MATCH and `snip`: the snippet
 * is column 13, made by FTS5 in the same scan. */
static int build_sql(const plan *p, int order, bool snip, loa_buf *sql)
{
	int rc = 0;
	const char *w = p->where.data ? p->where.data : "";
	if (p->match.len && order == LOA_SEARCH_RELEVANCE) {
		/* the window: docids and BM25 of the newest ?6 matches (joined to
		 * items only when a filter needs it); scored by BM25 and recency
		 * (the time is the docid's high bits); only the page's items read */
		rc |= loa_buf_printf(sql,
			"SELECT " HIT_COLS ", w.r FROM (SELECT docid, r, (-r) / (1.0 + max(0, ?5 - "
			"((-docid) >> %d)) / (86400000.0 * %.1f)) AS sc FROM (SELECT search_fts.rowid AS "
			"docid, bm25(search_fts, %.1f, 1.0) AS r FROM search_fts%s "
			"WHERE search_fts MATCH ?1 AND search_fts.rowid >= ?2 AND search_fts.rowid < ?3%s "
			"ORDER BY search_fts.rowid LIMIT ?6) ORDER BY sc DESC, docid LIMIT ?4) w "
			"JOIN search_doc d ON d.docid = w.docid " HIT_JOIN " ORDER BY w.sc DESC, w.docid",
			LOA_DOCID_SHIFT, RECENCY_DAYS, TITLE_WEIGHT,
			*w ? " JOIN search_doc d ON d.docid = search_fts.rowid " HIT_JOIN : "", w);
	} else if (p->match.len) {
		rc |= loa_buf_printf(sql,
			"SELECT " HIT_COLS ", 0.0%s FROM search_fts JOIN search_doc d ON d.docid = "
			"search_fts.rowid " HIT_JOIN " "
			"WHERE search_fts MATCH ?1 AND search_fts.rowid >= ?2 AND search_fts.rowid < ?3%s "
			"ORDER BY search_fts.rowid LIMIT ?4",
			snip ? ", " SNIPPET_SQL : "", w);
	} else {
		rc |= loa_buf_printf(sql,
			"SELECT " HIT_COLS ", 0.0 FROM search_doc d " HIT_JOIN
			" WHERE ?1 IS NULL AND d.docid >= ?2 AND d.docid < ?3%s "
			"ORDER BY d.docid LIMIT ?4", w);
	}
	return rc ? LOA_ENOMEM : LOA_OK;
}

int loa_search_explain(loa_search *s, const loa_query *q, const loa_search_opts *o,
		       loa_buf *out, loa_err *err)
{
	plan p;
	int order = o ? o->order : LOA_SEARCH_NEWEST;
	expansions ex = {0};
	int rc = expand(s, q, o, &ex, err);
	if (rc)
		return rc;
	rc = compile(q, order == LOA_SEARCH_RELEVANCE, &ex, &p);
	loa_buf sql;
	loa_buf_init(&sql, 1 << 21);
	if (!rc)
		rc = build_sql(&p, order, false, &sql);
	if (!rc && loa_buf_printf(out, "MATCH: %s\nSQL: %s\n", p.match.data ? p.match.data : "",
				  sql.data))
		rc = LOA_ENOMEM;
	for (size_t i = 0; !rc && i < ex.len; i++) {
		const expansion *e = &ex.items[i];
		if (loa_buf_printf(out, "PREFIX: %s* -> ", e->x->text) ||
		    (e->native ? loa_buf_puts(out, "fts5")
			       : e->bounded ? loa_buf_printf(out, "%zu of %lld terms (bounded)",
							     e->terms.len, (long long)e->total)
					    : loa_buf_printf(out, "%zu terms", e->terms.len)) ||
		    loa_buf_putc(out, '\n'))
			rc = LOA_ENOMEM;
	}
	/* SQLite's plan: newest-first must have no "TEMP B-TREE FOR ORDER BY"
	 * (FTS5 then returns rows in docid order and stops at the LIMIT) */
	sqlite3_stmt *ep = NULL;
	loa_buf eq;
	loa_buf_init(&eq, 1 << 21);
	if (!rc && !loa_buf_printf(&eq, "EXPLAIN QUERY PLAN %s", sql.data) &&
	    sqlite3_prepare_v2(s->db, eq.data, -1, &ep, NULL) == SQLITE_OK) {
		while (!rc && sqlite3_step(ep) == SQLITE_ROW)
			if (loa_buf_printf(out, "PLAN: %s\n", (const char *)sqlite3_column_text(ep, 3)))
				rc = LOA_ENOMEM;
	}
	sqlite3_finalize(ep);
	loa_buf_release(&eq);
	if (!rc && loa_buf_printf(out, "BINDS:"))
		rc = LOA_ENOMEM;
	for (size_t i = 0; !rc && i < p.binds.len; i++)
		rc = p.binds.items[i].is_text
			     ? loa_buf_printf(out, " ?%zu='%s'", i + 10, p.binds.items[i].text)
			     : loa_buf_printf(out, " ?%zu=%lld", i + 10, (long long)p.binds.items[i].i);
	loa_buf_release(&sql);
	plan_release(&p);
	expansions_release(&ex);
	return rc ? loa_err_set(err, rc, "hết bộ nhớ / out of memory") : LOA_OK;
}

static int snippet_of(loa_search *s, sqlite3_stmt **st, const char *match, int64_t docid,
		      const char *text, loa_buf *out)
{
	loa_buf_reset(out);
	if (match && *match) {
		if (!*st && sqlite3_prepare_v2(s->db,
				"SELECT " SNIPPET_SQL " FROM search_fts "
				"WHERE search_fts MATCH ?1 AND rowid = ?2", -1, st, NULL) != SQLITE_OK)
			return LOA_EDB;
		sqlite3_bind_text(*st, 1, match, -1, SQLITE_STATIC);
		sqlite3_bind_int64(*st, 2, docid);
		int rc = LOA_OK;
		if (sqlite3_step(*st) == SQLITE_ROW) {
			const char *sn = (const char *)sqlite3_column_text(*st, 0);
			if (sn)
				rc = loa_buf_append(out, sn, loa_utf8_truncate(sn, strlen(sn), 2000));
		}
		sqlite3_reset(*st);
		if (rc || out->len)
			return rc;
	}
	if (text) {
		size_t n = strlen(text);
		size_t k = loa_utf8_truncate(text, n, 200);
		int rc = loa_buf_append(out, text, k);
		if (!rc && k < n)
			rc = loa_buf_puts(out, "…");
		return rc;
	}
	return loa_buf_puts(out, "");
}

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Runs the query; limit < 0 means no limit (backfill). */
static int run(loa_search *s, const loa_query *q, const loa_search_opts *o, int64_t limit,
	       loa_search_hit_cb cb, void *arg, int64_t *count, loa_err *err)
{
	static const loa_search_opts defaults = {.now = LOA_TIME_NONE};
	if (!o)
		o = &defaults;
	if (count)
		*count = 0;
	int rc;
	if (!o->no_sync && (rc = loa_search_sync(s, NULL, NULL, NULL, err)))
		return rc;
	if (o->info)
		memset(o->info, 0, sizeof *o->info);
	plan p;
	loa_buf sql, snip, smatch;
	loa_buf_init(&sql, 1 << 21);
	loa_buf_init(&snip, 4096);
	loa_buf_init(&smatch, 1 << 20);
	sqlite3_stmt *st = NULL, *sst = NULL;
	int order = o->order;
	expansions ex = {0};
	if ((rc = expand(s, q, o, &ex, err))) {
		plan_init(&p);
		goto out;
	}
	/* newest-first: the snippet comes with the row (no second FTS5 query) */
	bool inline_snip = !o->no_snippet && order != LOA_SEARCH_RELEVANCE;
	if ((rc = compile(q, order == LOA_SEARCH_RELEVANCE, &ex, &p)) ||
	    (rc = build_sql(&p, order, inline_snip && p.match.len, &sql))) {
		rc = loa_err_set(err, rc, "hết bộ nhớ / out of memory");
		goto out;
	}
	int r = sqlite3_prepare_v2(s->db, sql.data, -1, &st, NULL);
	if (r != SQLITE_OK) {
		rc = loa__search_dberr(s, r, "search", err);
		goto out;
	}
	/* snippets use the plain (unboosted) expression */
	if (p.match.len && order == LOA_SEARCH_RELEVANCE) {
		plan plain;
		if (compile(q, false, &ex, &plain) == LOA_OK)
			rc = loa_buf_append(&smatch, plain.match.data, plain.match.len);
		plan_release(&plain);
	} else if (p.match.len) {
		rc = loa_buf_append(&smatch, p.match.data, p.match.len);
	}
	if (rc) {
		rc = loa_err_set(err, rc, "hết bộ nhớ / out of memory");
		goto out;
	}
	/* a time range without any item: nothing to search (FTS5 checks the
	 * lower bound only after a full match, so a query matching nothing
	 * would otherwise read its whole doclists) */
	if (p.lo > loa__docid_of_time(-LOA_DOCID_TMAX) || p.hi < loa__docid_of_time(LOA_DOCID_TMAX)) {
		sqlite3_stmt *rq = NULL;
		int any = 1;
		if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM search_doc WHERE docid >= ?1 AND "
				       "docid < ?2 LIMIT 1", -1, &rq, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(rq, 1, 1 - p.hi);
			sqlite3_bind_int64(rq, 2, 1 - p.lo);
			any = sqlite3_step(rq) == SQLITE_ROW;
		}
		sqlite3_finalize(rq);
		if (!any)
			goto out;
	}
	/* ONEAR is matched as NEAR by FTS5, then verified here: no SQL limit */
	bool verify = q->has_onear;
	if (p.match.len)
		sqlite3_bind_text(st, 1, p.match.data, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 1);
	/* keys [lo, hi) are docids [1 - hi, 1 - lo) */
	sqlite3_bind_int64(st, 2, 1 - p.hi);
	sqlite3_bind_int64(st, 3, 1 - p.lo);
	sqlite3_bind_int64(st, 4, limit < 0 || verify ? -1 : limit);
	sqlite3_bind_int64(st, 5, o->now == LOA_TIME_NONE ? loa_now_ms() : o->now);
	sqlite3_bind_int64(st, 6, o->rank_window > 0 ? o->rank_window : LOA_SEARCH_RANK_WINDOW);
	for (size_t i = 0; i < p.binds.len; i++) {
		if (p.binds.items[i].is_text)
			sqlite3_bind_text(st, (int)i + 10, p.binds.items[i].text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, (int)i + 10, p.binds.items[i].i);
	}
	int64_t n = 0;
	while ((limit < 0 || n < limit) && (r = sqlite3_step(st)) == SQLITE_ROW) {
		if (verify) {
			loa_search_item it = {
				.id = sqlite3_column_int64(st, 1),
				.title = col(st, 3),
				.text = col(st, 8),
				.source = col(st, 2),
				.url = col(st, 4),
				.kind = col(st, 5),
				.platform = col(st, 6),
				.published_at = sqlite3_column_int64(st, 7),
				.org = col(st, 9),
				.lang = col(st, 10),
				.author = col(st, 11),
			};
			int m = loa__match_eval(s->db, q, &it);
			if (m < 0) {
				rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
				break;
			}
			if (!m)
				continue;
		}
		if (inline_snip && p.match.len) {
			const char *sn = col(st, 13);
			loa_buf_reset(&snip);
			if (sn && *sn)
				rc = loa_buf_append(&snip, sn, loa_utf8_truncate(sn, strlen(sn), 2000));
			else
				rc = snippet_of(s, &sst, NULL, 0, col(st, 8), &snip);
			if (rc) {
				rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
				break;
			}
		} else if (!o->no_snippet &&
		    snippet_of(s, &sst, smatch.data, sqlite3_column_int64(st, 0), col(st, 8), &snip)) {
			rc = loa_err_set(err, LOA_EDB, "snippet: %s", sqlite3_errmsg(s->db));
			break;
		}
		loa_search_hit h = {
			.item_id = sqlite3_column_int64(st, 1),
			.source = col(st, 2),
			.title = col(st, 3),
			.url = col(st, 4),
			.kind = col(st, 5),
			.platform = col(st, 6),
			.published_at = sqlite3_column_int64(st, 7),
			.snippet = o->no_snippet ? NULL : (snip.data ? snip.data : ""),
			.score = order == LOA_SEARCH_RELEVANCE && p.match.len ? -sqlite3_column_double(st, 12)
									     : 0.0,
		};
		n++;
		if (cb && (rc = cb(arg, &h)))
			break;
	}
	if (!rc && r != SQLITE_ROW && r != SQLITE_DONE)
		rc = loa__search_dberr(s, r, "search", err);
	if (count)
		*count = n;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(sst);
	loa_buf_release(&sql);
	loa_buf_release(&snip);
	loa_buf_release(&smatch);
	plan_release(&p);
	expansions_release(&ex);
	return rc;
}

int loa_search_run(loa_search *s, const loa_query *q, const loa_search_opts *o,
		   loa_search_hit_cb cb, void *arg, int64_t *count, loa_err *err)
{
	int64_t limit = o && o->limit > 0 ? o->limit : 20;
	if (limit > LOA_SEARCH_MAX_LIMIT)
		limit = LOA_SEARCH_MAX_LIMIT;
	return run(s, q, o, limit, cb, arg, count, err);
}

/* ---- saved queries ---------------------------------------------------- */

static bool name_ok(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		if (c <= ' ' || c == 0x7f)
			return false;
	}
	return n > 0 && n <= LOA_SEARCH_NAME_MAX && loa_utf8_valid(s, n);
}

int loa_search_query_add(loa_search *s, const char *name, const char *owner, const char *query,
			 int64_t *id, loa_err *err)
{
	if (!name_ok(name))
		return loa_err_set(err, LOA_EINVAL, "tên không hợp lệ (không khoảng trắng, tối đa %d "
				   "byte) / bad name (no spaces, at most %d bytes)",
				   LOA_SEARCH_NAME_MAX, LOA_SEARCH_NAME_MAX);
	if (owner && (strlen(owner) > LOA_SEARCH_OWNER_MAX || !loa_utf8_valid(owner, strlen(owner))))
		return loa_err_set(err, LOA_EINVAL, "chủ sở hữu không hợp lệ / bad owner");
	loa_query *q;
	int rc = loa_query_parse(query, strlen(query), LOA_TIME_NONE, &q, NULL, err);
	if (rc)
		return rc;
	loa_query_free(q);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO search_query(name, owner, query, created_at) "
			       "VALUES(?1, ?2, ?3, ?4)", -1, &st, NULL) != SQLITE_OK)
		return loa__search_dberr(s, sqlite3_errcode(s->db), "query add", err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (owner)
		sqlite3_bind_text(st, 2, owner, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, query, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, loa_now_ms());
	int r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r == SQLITE_CONSTRAINT)
		return loa_err_set(err, LOA_EEXIST, "đã có truy vấn tên '%s' / a query named '%s' "
				   "already exists", name, name);
	if (r != SQLITE_DONE)
		return loa__search_dberr(s, r, "query add", err);
	if (id)
		*id = sqlite3_last_insert_rowid(s->db);
	return LOA_OK;
}

int loa_search_query_remove(loa_search *s, const char *name, loa_err *err)
{
	loa_saved_query q;
	int rc = loa_search_query_get(s, name, &q, err);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	const char *sql[] = {"DELETE FROM search_hit WHERE query_id = ?1",
			     ("DELETE FROM search_delivery WHERE alert_id IN (SELECT id FROM "
			      "search_alert WHERE query_id = ?1)"),
			     "DELETE FROM search_alert WHERE query_id = ?1",
			     "DELETE FROM search_query WHERE id = ?1"};
	if ((rc = loa__search_exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		if (sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL) != SQLITE_OK) {
			rc = loa__search_dberr(s, sqlite3_errcode(s->db), "query remove", err);
			break;
		}
		sqlite3_bind_int64(st, 1, q.id);
		int r = sqlite3_step(st);
		sqlite3_finalize(st);
		if (r != SQLITE_DONE) {
			rc = loa__search_dberr(s, r, "query remove", err);
			break;
		}
	}
	if (rc) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	return loa__search_exec(s, "COMMIT", err);
}

#define SQ_COLS "q.id, q.name, q.owner, q.query, q.created_at, " \
		"(SELECT count(*) FROM search_hit h WHERE h.query_id = q.id)"

static void fill_sq(sqlite3_stmt *st, loa_saved_query *q)
{
	q->id = sqlite3_column_int64(st, 0);
	q->name = col(st, 1);
	q->owner = col(st, 2);
	q->query = col(st, 3);
	q->created_at = sqlite3_column_int64(st, 4);
	q->hits = sqlite3_column_int64(st, 5);
}

int loa_search_queries_each(loa_search *s, loa_saved_query_cb cb, void *arg, loa_err *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT " SQ_COLS " FROM search_query q ORDER BY q.name", -1,
			       &st, NULL) != SQLITE_OK)
		return loa__search_dberr(s, sqlite3_errcode(s->db), "queries", err);
	int r, rc = LOA_OK;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		loa_saved_query q;
		fill_sq(st, &q);
		if ((rc = cb(arg, &q)))
			break;
	}
	if (!rc && r != SQLITE_DONE)
		rc = loa__search_dberr(s, r, "queries", err);
	sqlite3_finalize(st);
	return rc;
}

int loa_search_query_get(loa_search *s, const char *name, loa_saved_query *out, loa_err *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT " SQ_COLS " FROM search_query q WHERE q.name = ?1", -1,
			       &st, NULL) != SQLITE_OK)
		return loa__search_dberr(s, sqlite3_errcode(s->db), "query get", err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int r = sqlite3_step(st), rc = LOA_OK;
	if (r == SQLITE_ROW) {
		loa_saved_query q;
		fill_sq(st, &q);
		loa_buf_reset(&s->name);
		loa_buf_reset(&s->owner);
		loa_buf_reset(&s->query);
		rc |= loa_buf_puts(&s->name, q.name ? q.name : "");
		rc |= loa_buf_puts(&s->owner, q.owner ? q.owner : "");
		rc |= loa_buf_puts(&s->query, q.query ? q.query : "");
		*out = q;
		out->name = s->name.data;
		out->owner = q.owner ? s->owner.data : NULL;
		out->query = s->query.data;
		if (rc)
			rc = loa_err_set(err, LOA_ETOOBIG, "truy vấn đã lưu quá dài / saved query too long");
	} else if (r == SQLITE_DONE) {
		rc = loa_err_set(err, LOA_ENOTFOUND, "không có truy vấn '%s' / no query named '%s'",
				 name, name);
	} else {
		rc = loa__search_dberr(s, r, "query get", err);
	}
	sqlite3_finalize(st);
	return rc;
}

int loa_search_hit_add(loa_search *s, int64_t query_id, int64_t item_id, loa_ms published_at,
		       loa_ms matched_at, loa_err *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO search_hit(query_id, item_id, "
			       "published_at, matched_at) VALUES(?1, ?2, ?3, ?4)", -1, &st,
			       NULL) != SQLITE_OK)
		return loa__search_dberr(s, sqlite3_errcode(s->db), "hit", err);
	sqlite3_bind_int64(st, 1, query_id);
	sqlite3_bind_int64(st, 2, item_id);
	sqlite3_bind_int64(st, 3, published_at);
	sqlite3_bind_int64(st, 4, matched_at == LOA_TIME_NONE ? loa_now_ms() : matched_at);
	int r = sqlite3_step(st);
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? LOA_OK : loa__search_dberr(s, r, "hit", err);
}

typedef struct backfill {
	loa_search *s;
	int64_t qid;
	loa_err *err;
} backfill;

static int on_backfill(void *arg, const loa_search_hit *h)
{
	backfill *b = arg;
	return loa_search_hit_add(b->s, b->qid, h->item_id, h->published_at, LOA_TIME_NONE, b->err);
}

int loa_search_query_backfill(loa_search *s, const char *name, int64_t *n, loa_err *err)
{
	loa_saved_query sq;
	int rc = loa_search_query_get(s, name, &sq, err);
	if (rc)
		return rc;
	loa_query *q;
	if ((rc = loa_query_parse(sq.query, strlen(sq.query), LOA_TIME_NONE, &q, NULL, err)))
		return rc;
	if ((rc = loa_search_sync(s, NULL, NULL, NULL, err))) {
		loa_query_free(q);
		return rc;
	}
	backfill b = {s, sq.id, err};
	/* every past match: FTS5's own prefixes, unbounded, as the streaming matcher */
	loa_search_opts o = {.now = LOA_TIME_NONE, .no_snippet = true, .no_sync = true,
			     .prefix_all = true};
	if ((rc = loa__search_exec(s, "BEGIN IMMEDIATE", err))) {
		loa_query_free(q);
		return rc;
	}
	rc = run(s, q, &o, -1, on_backfill, &b, n, err);
	if (rc)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	else
		rc = loa__search_exec(s, "COMMIT", err);
	loa_query_free(q);
	return rc;
}
