/*
 * match.c - streaming match of many saved queries (match.h): vectorscan
 * literals for the term layer, boolean evaluation with positions above it.
 */
#include "search/match.h"
#include "search/search_int.h"
#include "core/buf.h"
#include "core/map.h"
#include "core/str.h"
#include "core/utf8.h"
#include "core/vec.h"
#include "text/fts5_tok.h"
#include "text/text.h"

#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define SEP '\x01'
#define COLSEP '\x02' /* between title and text: no phrase crosses it */
#define MAX_OCC 4096        /* occurrences kept per term per item */
#define MAX_NEAR_STEPS 100000

typedef struct dterm {
	uint32_t off; /* first byte of the term in doc buffer (after SEP) */
	uint32_t len;
	int32_t pos;
	uint8_t col;
} dterm;

typedef struct occ {
	int32_t pos;
	uint8_t col;
} occ;

typedef LOA_VEC(occ) occvec;

typedef struct atom {
	char *s; /* SEP + term [+ SEP] */
	size_t n;
	uint32_t stamp;
	occvec occ;
	LOA_VEC(uint32_t) queries; /* indexes of queries using it */
} atom;

typedef struct tspec {
	uint32_t first, count; /* into m->tatoms: one atom (the whole term), or none */
	uint32_t width;        /* terms (positions) the atom spans */
} tspec;

typedef struct mquery {
	int64_t id;
	loa_query *q;
	bool owned;
	bool always; /* may match with no term hit: evaluated for every item */
	uint32_t req_first, req_count; /* atoms every match needs (into m->reqs) */
} mquery;

typedef struct inst {
	int32_t start, end;
	uint8_t col;
} inst;

struct loa_matcher {
	sqlite3 *db;
	bool own_db;
	fts5_tokenizer tk;
	Fts5Tokenizer *tok;
	LOA_VEC(mquery) queries;
	LOA_VEC(atom) atoms;
	loa_map atom_ix; /* pattern -> index + 1 */
	LOA_VEC(uint32_t) tatoms;
	LOA_VEC(tspec) tspecs;
	LOA_VEC(uint32_t) always;
	LOA_VEC(uint32_t) reqs;
	hs_database_t *hdb;
	hs_scratch_t *scratch;
	bool compiled;
	/* per item */
	uint32_t stamp;
	loa_buf doc;
	LOA_VEC(dterm) terms;
	int32_t pos;
	uint8_t col;
	LOA_VEC(uint32_t) touched;
	LOA_VEC(uint32_t) qstamp; /* per query: stamp when queued */
	LOA_VEC(uint32_t) cand;
	LOA_VEC(int64_t) result;
	/* query tokenisation */
	LOA_VEC(char *) qtoks;
	int rc;
	const loa_search_item *item;
	loa_buf scratchbuf;
};

/* ---- the tokenizer (the same one the index uses) ---------------------- */

static int tokenizer_open(loa_matcher *m, loa_err *err)
{
	if (!m->db) {
		if (sqlite3_open_v2(":memory:", &m->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
				    NULL) != SQLITE_OK ||
		    loa_text_fts5_register(m->db) != LOA_OK)
			return loa_err_set(err, LOA_EDB, "không mở được bộ tách từ FTS5 / cannot open "
					   "the FTS5 tokenizer");
		m->own_db = true;
	}
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(m->db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return loa_err_set(err, LOA_EDB, "SQLite không có FTS5 / SQLite lacks FTS5");
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	void *ud = NULL;
	if (!api || api->xFindTokenizer(api, LOA_FTS5_TOKENIZER, &ud, &m->tk) != SQLITE_OK ||
	    m->tk.xCreate(ud, NULL, 0, &m->tok) != SQLITE_OK)
		return loa_err_set(err, LOA_EDB, "không có bộ tách từ 'loa' / no 'loa' tokenizer");
	return LOA_OK;
}

static int matcher_init(loa_matcher *m, sqlite3 *db, loa_err *err)
{
	memset(m, 0, sizeof *m);
	m->db = db;
	loa_map_init(&m->atom_ix, NULL);
	loa_buf_init(&m->doc, 3 * LOA_MATCH_MAX_TEXT + 64);
	loa_buf_init(&m->scratchbuf, 1 << 20);
	return tokenizer_open(m, err);
}

int loa_matcher_new(loa_matcher **out, loa_err *err)
{
	*out = NULL;
	loa_matcher *m = malloc(sizeof *m);
	if (!m)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	int rc = matcher_init(m, NULL, err);
	if (rc) {
		loa_matcher_free(m);
		return rc;
	}
	*out = m;
	return LOA_OK;
}

static void matcher_release(loa_matcher *m)
{
	if (m->tok)
		m->tk.xDelete(m->tok);
	if (m->own_db)
		sqlite3_close_v2(m->db);
	for (size_t i = 0; i < m->queries.len; i++)
		if (m->queries.items[i].owned)
			loa_query_free(m->queries.items[i].q);
	loa_vec_release(&m->queries);
	for (size_t i = 0; i < m->atoms.len; i++) {
		free(m->atoms.items[i].s);
		loa_vec_release(&m->atoms.items[i].occ);
		loa_vec_release(&m->atoms.items[i].queries);
	}
	loa_vec_release(&m->atoms);
	loa_map_release(&m->atom_ix);
	loa_vec_release(&m->tatoms);
	loa_vec_release(&m->tspecs);
	loa_vec_release(&m->always);
	loa_vec_release(&m->reqs);
	hs_free_scratch(m->scratch);
	hs_free_database(m->hdb);
	loa_buf_release(&m->doc);
	loa_vec_release(&m->terms);
	loa_vec_release(&m->touched);
	loa_vec_release(&m->qstamp);
	loa_vec_release(&m->cand);
	loa_vec_release(&m->result);
	for (size_t i = 0; i < m->qtoks.len; i++)
		free(m->qtoks.items[i]);
	loa_vec_release(&m->qtoks);
	loa_buf_release(&m->scratchbuf);
}

void loa_matcher_free(loa_matcher *m)
{
	if (!m)
		return;
	matcher_release(m);
	free(m);
}

size_t loa_matcher_count(const loa_matcher *m)
{
	return m->queries.len;
}

/* ---- adding queries --------------------------------------------------- */

static int on_qtok(void *ctx, int flags, const char *t, int n, int start, int end)
{
	loa_matcher *m = ctx;
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	char *c = malloc((size_t)n + 1);
	if (!c || loa_vec_push(&m->qtoks, c)) {
		free(c);
		return SQLITE_NOMEM;
	}
	memcpy(c, t, (size_t)n);
	c[n] = '\0';
	return SQLITE_OK;
}

/* The atom of a term: SEP t1 SEP t2 ... SEP tn [SEP] (no final SEP for a
 * prefix): in the item's stream of terms (one per position) it occurs
 * exactly where the phrase does. */
static int atom_of(loa_matcher *m, char *const *toks, size_t ntok, bool prefix, uint32_t *out)
{
	size_t n = 2;
	for (size_t i = 0; i < ntok; i++)
		n += strlen(toks[i]) + 1;
	char *p = malloc(n + 1);
	if (!p)
		return LOA_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < ntok; i++) {
		size_t l = strlen(toks[i]);
		p[k++] = SEP;
		memcpy(p + k, toks[i], l);
		k += l;
	}
	if (!prefix)
		p[k++] = SEP;
	p[k] = '\0';
	uintptr_t ix = (uintptr_t)loa_map_get(&m->atom_ix, p, k);
	if (ix) {
		free(p);
		*out = (uint32_t)(ix - 1);
		return LOA_OK;
	}
	atom a = {.s = p, .n = k};
	if (loa_vec_push(&m->atoms, a)) {
		free(p);
		return LOA_ENOMEM;
	}
	*out = (uint32_t)(m->atoms.len - 1);
	if (loa_map_set(&m->atom_ix, p, k, (void *)(uintptr_t)(m->atoms.len)))
		return LOA_ENOMEM;
	return LOA_OK;
}

/* How selective an atom is likely to be (higher = rarer): its length, 0
 * for the commonest syllables of Vietnamese news (folded). */
static int atom_score(const atom *a)
{
	static const char *const common[] = {
		"cua", "va", "la", "cac", "nhung", "duoc", "co", "trong", "cho", "voi", "mot",
		"nguoi", "nay", "da", "khong", "nam", "thi", "de", "tai", "ra", "vao", "khi", "nhu",
		"se", "ve", "tu", "den", "cung", "theo", "nhieu", "dang", "nhat", "ngay", "lam",
		"di", "con", "phai", "nhan", "nha", "sau", "hon", "viec", "tren", "minh", "chi",
		"bi", "do", "ong", "nuoc", "hang", "moi", "ban", "thanh", "dong", "the"};
	bool prefix = a->s[a->n - 1] != SEP;
	size_t k = prefix ? a->n - 1 : a->n - 2;
	if (memchr(a->s + 1, SEP, k))
		return (int)k + 16; /* a phrase */
	if (!prefix)
		for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
			if (strlen(common[i]) == k && memcmp(common[i], a->s + 1, k) == 0)
				return 0;
	return (int)k + 1 + (prefix ? 0 : 2);
}

/* Atoms that every item matching x has: all atoms of a term; the union
 * over the kids of AND and NEAR (NOT kids excluded); none otherwise. */
static int required(loa_matcher *m, const loa_qnode *x, uint32_t first)
{
	switch (x->kind) {
	case LOA_QN_TERM: {
		const tspec *ts = &m->tspecs.items[x->id];
		for (uint32_t i = 0; i < ts->count; i++) {
			uint32_t a = m->tatoms.items[ts->first + i];
			bool have = false;
			for (size_t j = first; j < m->reqs.len && !have; j++)
				have = m->reqs.items[j] == a;
			if (!have && loa_vec_push(&m->reqs, a))
				return LOA_ENOMEM;
		}
		return LOA_OK;
	}
	case LOA_QN_AND:
	case LOA_QN_NEAR:
		for (size_t i = 0; i < x->nkids; i++) {
			int rc = required(m, x->kids[i], first);
			if (rc)
				return rc;
		}
		return LOA_OK;
	default:
		return LOA_OK;
	}
}

/* A set of atoms of which at least one occurs in every item the node
 * matches (the query is only evaluated for items where one was hit):
 * a term's best atom; for AND and NEAR the best kid's set; for OR the
 * union of the kids' sets. False when there is none (NOT, fields, time). */
typedef LOA_VEC(uint32_t) u32vec;
static bool anchors(loa_matcher *m, const loa_qnode *x, u32vec *out, int *score)
{
	switch (x->kind) {
	case LOA_QN_TERM: {
		const tspec *ts = &m->tspecs.items[x->id];
		if (ts->count == 0)
			return false;
		int best = -1;
		uint32_t ba = 0;
		for (uint32_t i = 0; i < ts->count; i++) {
			uint32_t a = m->tatoms.items[ts->first + i];
			int sc = atom_score(&m->atoms.items[a]);
			if (sc > best)
				best = sc, ba = a;
		}
		*score = best;
		return loa_vec_push(out, ba) == LOA_OK;
	}
	case LOA_QN_AND:
	case LOA_QN_NEAR: {
		u32vec best = {0}, cur = {0};
		int bs = -1;
		for (size_t i = 0; i < x->nkids; i++) {
			int sc;
			cur.len = 0;
			if (anchors(m, x->kids[i], &cur, &sc) && sc > bs) {
				u32vec t = best;
				best = cur;
				cur = t;
				bs = sc;
			}
		}
		bool ok = bs >= 0;
		for (size_t i = 0; ok && i < best.len; i++)
			ok = loa_vec_push(out, best.items[i]) == LOA_OK;
		*score = bs;
		loa_vec_release(&best);
		loa_vec_release(&cur);
		return ok;
	}
	case LOA_QN_OR: {
		int worst = INT32_MAX;
		for (size_t i = 0; i < x->nkids; i++) {
			int sc;
			if (!anchors(m, x->kids[i], out, &sc))
				return false;
			worst = sc < worst ? sc : worst;
		}
		*score = worst;
		return x->nkids > 0;
	}
	default:
		return false;
	}
}

/* Gives each TERM node its atoms (node->id = index into tspecs). */
static int bind_terms(loa_matcher *m, loa_qnode *x, uint32_t qix, loa_err *err)
{
	for (size_t i = 0; i < x->nkids; i++) {
		int rc = bind_terms(m, x->kids[i], qix, err);
		if (rc)
			return rc;
	}
	if (x->kind != LOA_QN_TERM)
		return LOA_OK;
	for (size_t i = 0; i < m->qtoks.len; i++)
		free(m->qtoks.items[i]);
	m->qtoks.len = 0;
	int r = m->tk.xTokenize(m->tok, m, FTS5_TOKENIZE_QUERY | (x->prefix ? FTS5_TOKENIZE_PREFIX : 0),
				x->text, (int)strlen(x->text), on_qtok);
	if (r != SQLITE_OK)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	tspec ts = {(uint32_t)m->tatoms.len, 0, (uint32_t)m->qtoks.len};
	if (m->qtoks.len) {
		uint32_t a;
		if (atom_of(m, m->qtoks.items, m->qtoks.len, x->prefix, &a) ||
		    loa_vec_push(&m->tatoms, a))
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		ts.count = 1;
	}
	x->id = (int)m->tspecs.len;
	if (loa_vec_push(&m->tspecs, ts))
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	return LOA_OK;
}

/* True when the node can be true for an item with no term hit at all. */
static bool without_terms(const loa_qnode *x)
{
	switch (x->kind) {
	case LOA_QN_TERM:
	case LOA_QN_NEAR:
		return false;
	case LOA_QN_AND:
		for (size_t i = 0; i < x->nkids; i++)
			if (!without_terms(x->kids[i]))
				return false;
		return true;
	case LOA_QN_OR:
		for (size_t i = 0; i < x->nkids; i++)
			if (without_terms(x->kids[i]))
				return true;
		return false;
	default:
		return true;
	}
}

static int add_parsed(loa_matcher *m, int64_t id, loa_query *q, bool owned, loa_err *err)
{
	if (m->queries.len >= LOA_MATCH_MAX_QUERIES) {
		if (owned)
			loa_query_free(q);
		return loa_err_set(err, LOA_ETOOBIG, "quá nhiều truy vấn (tối đa %d) / too many "
				   "queries (max %d)", LOA_MATCH_MAX_QUERIES, LOA_MATCH_MAX_QUERIES);
	}
	mquery mq = {id, q, owned, false, 0, 0};
	if (loa_vec_push(&m->queries, mq)) {
		if (owned)
			loa_query_free(q);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	uint32_t qix = (uint32_t)(m->queries.len - 1);
	if (loa_vec_push(&m->qstamp, 0))
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	m->compiled = false;
	int rc = bind_terms(m, q->root, qix, err);
	if (rc)
		return rc;
	/* evaluated when one of its anchor atoms is hit, or for every item */
	u32vec an = {0};
	int sc;
	bool anchored = !without_terms(q->root) && anchors(m, q->root, &an, &sc);
	for (size_t i = 0; anchored && !rc && i < an.len; i++) {
		atom *a = &m->atoms.items[an.items[i]];
		if (a->queries.len == 0 || a->queries.items[a->queries.len - 1] != qix)
			rc = loa_vec_push(&a->queries, qix);
	}
	loa_vec_release(&an);
	uint32_t first = (uint32_t)m->reqs.len;
	if (!rc)
		rc = required(m, q->root, first);
	m->queries.items[qix].req_first = first;
	m->queries.items[qix].req_count = (uint32_t)(m->reqs.len - first);
	if (!rc && !anchored) {
		m->queries.items[qix].always = true;
		rc = loa_vec_push(&m->always, qix);
	}
	return rc ? loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory") : LOA_OK;
}

int loa_matcher_add(loa_matcher *m, int64_t id, const char *query, loa_ms now, loa_err *err)
{
	loa_query *q;
	int rc = loa_query_parse(query, strlen(query), now, &q, NULL, err);
	if (rc)
		return rc;
	return add_parsed(m, id, q, true, err);
}

int loa_matcher_compile(loa_matcher *m, loa_err *err)
{
	hs_free_scratch(m->scratch);
	hs_free_database(m->hdb);
	m->scratch = NULL;
	m->hdb = NULL;
	size_t n = m->atoms.len;
	if (n == 0) {
		m->compiled = true;
		return LOA_OK;
	}
	const char **pats = malloc(n * sizeof *pats);
	unsigned *ids = malloc(n * sizeof *ids), *flags = malloc(n * sizeof *flags);
	size_t *lens = malloc(n * sizeof *lens);
	int rc = LOA_OK;
	if (!pats || !ids || !flags || !lens) {
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		pats[i] = m->atoms.items[i].s;
		lens[i] = m->atoms.items[i].n;
		ids[i] = (unsigned)i;
		flags[i] = 0;
	}
	hs_compile_error_t *ce = NULL;
	if (hs_compile_lit_multi(pats, flags, ids, lens, (unsigned)n, HS_MODE_BLOCK, NULL, &m->hdb,
				 &ce) != HS_SUCCESS) {
		rc = loa_err_set(err, LOA_EINVAL, "vectorscan: %s", ce ? ce->message : "compile failed");
		hs_free_compile_error(ce);
		goto out;
	}
	if (hs_alloc_scratch(m->hdb, &m->scratch) != HS_SUCCESS) {
		rc = loa_err_set(err, LOA_ENOMEM, "vectorscan: scratch");
		goto out;
	}
	m->compiled = true;
out:
	free(pats);
	free(ids);
	free(flags);
	free(lens);
	return rc;
}

/* ---- one item --------------------------------------------------------- */

static int on_dterm(void *ctx, const char *t, size_t n, int pos)
{
	loa_matcher *m = ctx;
	if (m->terms.len >= (size_t)INT32_MAX / 2)
		return 0;
	dterm d = {(uint32_t)(m->doc.len + 1), (uint32_t)n, pos, m->col};
	if (loa_buf_putc(&m->doc, SEP) || loa_buf_append(&m->doc, t, n) ||
	    loa_vec_push(&m->terms, d))
		return 1; /* over the cap: the rest of the item is not matched */
	return 0;
}

/* The item's folded terms as the index has them (loa_text_fts5_terms: the
 * FTS5 tokenizer's own rules without going through FTS5), one after
 * another as SEP term SEP term ... SEP. */
static int tokenize_item(loa_matcher *m, const loa_search_item *it)
{
	loa_buf_reset(&m->doc);
	m->terms.len = 0;
	const char *f[2] = {it->title, it->text};
	for (int c = 0; c < 2; c++) {
		m->col = (uint8_t)c;
		if (!f[c] || !*f[c])
			continue;
		size_t n = strlen(f[c]);
		if (n > LOA_MATCH_MAX_TEXT)
			n = loa_utf8_truncate(f[c], n, LOA_MATCH_MAX_TEXT);
		if (c > 0 && (loa_buf_putc(&m->doc, SEP) || loa_buf_putc(&m->doc, COLSEP)))
			return LOA_OK; /* over the cap */
		int r = loa_text_fts5_terms(f[c], n, on_dterm, m);
		if (r < 0)
			return LOA_ENOMEM;
	}
	loa_buf_putc(&m->doc, SEP);
	return LOA_OK;
}

static void add_occ(loa_matcher *m, uint32_t a, const dterm *t)
{
	atom *at = &m->atoms.items[a];
	if (at->stamp != m->stamp) {
		at->stamp = m->stamp;
		at->occ.len = 0;
		if (loa_vec_push(&m->touched, a))
			m->rc = LOA_ENOMEM;
	}
	if (at->occ.len < MAX_OCC) {
		occ o = {t->pos, t->col};
		if (loa_vec_push(&at->occ, o))
			m->rc = LOA_ENOMEM;
	}
}

static int on_hit(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		  void *ctx)
{
	loa_matcher *m = ctx;
	atom *a = &m->atoms.items[id];
	uint32_t off = (uint32_t)(to - a->n + 1);
	/* the term starting at off */
	size_t lo = 0, hi = m->terms.len;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->terms.items[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->terms.len && m->terms.items[lo].off == off)
		add_occ(m, id, &m->terms.items[lo]);
	return m->rc ? 1 : 0;
}

/* Without vectorscan: look for every atom in the stream (verification of
 * one query). */
static void fill_linear(loa_matcher *m)
{
	for (size_t a = 0; a < m->atoms.len; a++) {
		const atom *at = &m->atoms.items[a];
		const char *d = m->doc.data ? m->doc.data : "";
		size_t off = 0;
		const char *h;
		while (off < m->doc.len && (h = memmem(d + off, m->doc.len - off, at->s, at->n))) {
			on_hit((unsigned)a, 0, (unsigned long long)(h - d) + at->n, 0, m);
			off = (size_t)(h - d) + 1;
		}
	}
}

static const occvec *occs(loa_matcher *m, uint32_t a)
{
	static const occvec none;
	const atom *at = &m->atoms.items[a];
	return at->stamp == m->stamp ? &at->occ : &none;
}

typedef LOA_VEC(inst) instvec;

/* Instances (start, end, column) of a TERM node. */
static int term_insts(loa_matcher *m, const loa_qnode *x, instvec *out, bool first_only)
{
	const tspec *ts = &m->tspecs.items[x->id];
	if (ts->count == 0)
		return LOA_OK;
	const occvec *o0 = occs(m, m->tatoms.items[ts->first]);
	for (size_t i = 0; i < o0->len; i++) {
		const occ *o = &o0->items[i];
		if (x->field == LOA_QF_TITLE && o->col != 0)
			continue;
		inst in = {o->pos, o->pos + (int32_t)ts->width - 1, o->col};
		if (loa_vec_push(out, in))
			return LOA_ENOMEM;
		if (first_only)
			break;
	}
	return LOA_OK;
}

/* Whether a TERM node occurs at all (no allocation). */
static int term_any(loa_matcher *m, const loa_qnode *x)
{
	const tspec *ts = &m->tspecs.items[x->id];
	if (ts->count == 0)
		return 0;
	const atom *a0 = &m->atoms.items[m->tatoms.items[ts->first]];
	if (a0->stamp != m->stamp)
		return 0;
	if (x->field != LOA_QF_TITLE)
		return 1;
	return a0->occ.len > 0 && a0->occ.items[0].col == 0;
}

typedef struct nearctx {
	instvec *lists;
	size_t k;
	int n;
	bool ordered;
	long steps;
	inst chosen[64];
} nearctx;

static bool near_rec(nearctx *c, size_t i)
{
	if (++c->steps > MAX_NEAR_STEPS)
		return false;
	if (i == c->k) {
		int32_t maxs = INT32_MIN, mine = INT32_MAX;
		for (size_t j = 0; j < c->k; j++) {
			if (c->chosen[j].start > maxs)
				maxs = c->chosen[j].start;
			if (c->chosen[j].end < mine)
				mine = c->chosen[j].end;
		}
		if (c->ordered)
			mine = c->chosen[0].end, maxs = c->chosen[c->k - 1].start;
		return (int64_t)maxs - mine - 1 <= c->n;
	}
	for (size_t j = 0; j < c->lists[i].len; j++) {
		const inst *x = &c->lists[i].items[j];
		if (i > 0 && x->col != c->chosen[0].col)
			continue;
		if (c->ordered && i > 0 && x->start <= c->chosen[i - 1].end)
			continue;
		c->chosen[i] = *x;
		if (near_rec(c, i + 1))
			return true;
	}
	return false;
}

static bool field_eq(const char *have, const char *want)
{
	if (!have)
		return false;
	size_t n = strlen(want);
	if (strlen(have) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = have[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != want[i])
			return false;
	}
	return true;
}

static bool field_match(loa_matcher *m, const loa_qnode *x, const loa_search_item *it)
{
	switch (x->field) {
	case LOA_QF_SOURCE:
		return field_eq(it->source, x->text);
	case LOA_QF_ORG:
		return field_eq(it->org, x->text);
	case LOA_QF_KIND:
		return field_eq(it->kind, x->text);
	case LOA_QF_PLATFORM:
		return field_eq(it->platform ? it->platform : "web", x->text);
	case LOA_QF_TONE:
		return field_eq(it->tone, x->text);
	case LOA_QF_LANG: {
		if (!it->lang)
			return false;
		size_t n = strlen(x->text);
		char b[64];
		size_t k = loa_strlcpy(b, it->lang, sizeof b);
		if (k >= sizeof b)
			return false;
		for (char *c = b; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		return strcmp(b, x->text) == 0 || (strncmp(b, x->text, n) == 0 && b[n] == '-');
	}
	case LOA_QF_AUTHOR: {
		if (!it->author)
			return false;
		loa_buf_reset(&m->scratchbuf);
		if (loa_text_normalize(it->author, strlen(it->author), LOA_NORM_MATCH | LOA_NORM_FOLD,
				       &m->scratchbuf))
			return false;
		return m->scratchbuf.data && strcmp(m->scratchbuf.data, x->text) == 0;
	}
	case LOA_QF_URL: {
		if (!it->url)
			return false;
		size_t n = strlen(x->text), h = strlen(it->url);
		for (size_t i = 0; i + n <= h; i++) {
			size_t j = 0;
			for (; j < n; j++) {
				char c = it->url[i + j];
				if (c >= 'A' && c <= 'Z')
					c = (char)(c - 'A' + 'a');
				if (c != x->text[j])
					break;
			}
			if (j == n)
				return true;
		}
		return false;
	}
	default:
		return false;
	}
}

static int eval(loa_matcher *m, const loa_qnode *x, const loa_search_item *it)
{
	switch (x->kind) {
	case LOA_QN_TERM:
		return term_any(m, x);
	case LOA_QN_NEAR: {
		nearctx c = {0};
		instvec lists[64] = {{0}};
		c.k = x->nkids < 64 ? x->nkids : 64;
		c.lists = lists;
		c.n = x->near;
		c.ordered = x->ordered;
		int rc = LOA_OK;
		bool all = true;
		for (size_t i = 0; i < c.k && !rc; i++) {
			rc = term_insts(m, x->kids[i], &lists[i], false);
			all = all && lists[i].len > 0;
		}
		bool r = !rc && all && near_rec(&c, 0);
		for (size_t i = 0; i < c.k; i++)
			loa_vec_release(&lists[i]);
		return rc ? rc : r;
	}
	case LOA_QN_AND:
		for (size_t i = 0; i < x->nkids; i++) {
			int r = eval(m, x->kids[i], it);
			if (r <= 0)
				return r;
		}
		return 1;
	case LOA_QN_OR:
		for (size_t i = 0; i < x->nkids; i++) {
			int r = eval(m, x->kids[i], it);
			if (r != 0)
				return r;
		}
		return 0;
	case LOA_QN_NOT: {
		int r = eval(m, x->kids[0], it);
		return r < 0 ? r : !r;
	}
	case LOA_QN_FIELD:
		return field_match(m, x, it);
	case LOA_QN_TIME:
		if (x->since != LOA_TIME_NONE)
			return it->published_at >= x->since;
		return it->published_at < x->until;
	}
	return 0;
}

static int queue(loa_matcher *m, uint32_t q)
{
	if (m->qstamp.items[q] == m->stamp)
		return LOA_OK;
	m->qstamp.items[q] = m->stamp;
	return loa_vec_push(&m->cand, q);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int match_item(loa_matcher *m, const loa_search_item *it, bool linear, loa_err *err)
{
	if (++m->stamp == 0) {
		/* wrapped: forget every stamp */
		for (size_t i = 0; i < m->atoms.len; i++)
			m->atoms.items[i].stamp = 0;
		for (size_t i = 0; i < m->qstamp.len; i++)
			m->qstamp.items[i] = 0;
		m->stamp = 1;
	}
	m->touched.len = 0;
	m->cand.len = 0;
	m->result.len = 0;
	m->rc = LOA_OK;
	if (tokenize_item(m, it))
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	if (linear) {
		fill_linear(m);
	} else if (m->hdb && m->doc.len) {
		if (hs_scan(m->hdb, m->doc.data, (unsigned)m->doc.len, 0, m->scratch, on_hit, m) !=
			    HS_SUCCESS &&
		    m->rc == LOA_OK)
			return loa_err_set(err, LOA_EIO, "vectorscan: scan failed");
	}
	if (m->rc)
		return loa_err_set(err, m->rc, "hết bộ nhớ / out of memory");
	for (size_t i = 0; i < m->touched.len; i++) {
		const atom *a = &m->atoms.items[m->touched.items[i]];
		for (size_t j = 0; j < a->queries.len; j++)
			if (queue(m, a->queries.items[j]))
				return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	for (size_t i = 0; i < m->always.len; i++)
		if (queue(m, m->always.items[i]))
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	/* candidates: every required atom hit (cheap), then the full check */
	size_t nm = 0;
	for (size_t i = 0; i < m->cand.len; i++) {
		const mquery *q = &m->queries.items[m->cand.items[i]];
		bool ok = true;
		for (uint32_t j = 0; j < q->req_count && ok; j++)
			ok = m->atoms.items[m->reqs.items[q->req_first + j]].stamp == m->stamp;
		if (!ok)
			continue;
		int r = eval(m, q->q->root, it);
		if (r < 0)
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		if (r)
			m->cand.items[nm++] = m->cand.items[i];
	}
	/* in order of addition */
	if (nm > 1) /* cand.items is NULL until a query is a candidate */
		qsort(m->cand.items, nm, sizeof *m->cand.items, cmp_u32);
	for (size_t i = 0; i < nm; i++)
		if (loa_vec_push(&m->result, m->queries.items[m->cand.items[i]].id))
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	return LOA_OK;
}

int loa_matcher_match(loa_matcher *m, const loa_search_item *it, const int64_t **ids, size_t *n,
		      loa_err *err)
{
	*ids = NULL;
	*n = 0;
	if (!m->compiled) {
		int rc = loa_matcher_compile(m, err);
		if (rc)
			return rc;
	}
	int rc = match_item(m, it, false, err);
	if (rc)
		return rc;
	*ids = m->result.items;
	*n = m->result.len;
	return LOA_OK;
}

int loa__match_eval(sqlite3 *db, const loa_query *q, const loa_search_item *it)
{
	loa_matcher m;
	int rc = matcher_init(&m, db, NULL);
	if (!rc)
		rc = add_parsed(&m, 1, (loa_query *)q, false, NULL);
	if (!rc)
		rc = match_item(&m, it, true, NULL);
	int r = rc ? -1 : m.result.len > 0;
	matcher_release(&m);
	return r;
}
