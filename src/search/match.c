/*
 * match.c - streaming match of many saved queries (match.h): vectorscan
 * literals for the term layer, boolean evaluation with positions above it.
 *
 * Per item the cost is: the item's terms (text room), one vectorscan scan
 * per column (title, text), then the candidate queries. Each query is
 * compiled once into a flat pre-order program (struct op, in one array for
 * all queries; atoms as small ints, subtree sizes for short-circuits);
 * candidates are bits in a bitset over queries (read in order of addition,
 * no sort), whose words are cleared as they are read; every per-item mark
 * (atom hit) is a generation stamp, so nothing is cleared between items.
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
#define MAX_NEAR_KIDS 64
#define SHORT_ATOM 6 /* bytes, SEPs included */

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
	occvec occ; /* every occurrence (only for atoms under NEAR: ahit.allpos) */
	LOA_VEC(uint32_t) queries; /* indexes of queries using it */
} atom;

/* Per atom, what the current item has of it: kept apart from the atoms
 * (8 bytes each) so that hits and the boolean layer touch little memory. */
typedef struct ahit {
	uint32_t stamp; /* == matcher's stamp: hit in this item */
	uint8_t col;    /* 0 when it occurs in the title, else 1 */
	uint8_t allpos; /* positions wanted (operand of NEAR): occ holds them */
} ahit;

typedef struct tspec {
	uint32_t first, count; /* into m->tatoms: one atom (the whole term), or none */
	uint32_t width;        /* terms (positions) the atom spans */
} tspec;

typedef struct mquery {
	int64_t id;
	loa_query *q;
	bool owned;
	bool always; /* may match with no term hit: evaluated for every item */
	bool trivial; /* terms ANDed, no field: matches iff every required atom was hit */
	uint32_t req_first, req_count; /* atoms every match needs (into m->reqs) */
	uint32_t code; /* its program: first op in m->code */
} mquery;

/* One node of a compiled query, in pre-order: a node's subtree is the ops
 * [i, i + size). */
enum { OP_TERM, OP_TITLE_TERM, OP_NONE, OP_AND, OP_OR, OP_NOT, OP_NEAR, OP_FIELD };
typedef struct op {
	uint8_t kind;
	uint8_t pad;
	uint16_t nkids;
	uint32_t arg;  /* TERM: atom; NEAR: first of its nkids operands in m->nops;
			* FIELD (fields and time): its node in m->fnodes */
	uint32_t size; /* ops in the subtree, this one included */
} op;

/* An operand of NEAR: its atom (UINT32_MAX: none), terms spanned, title:;
 * the NEAR's own ordered and n are repeated in each. */
typedef struct nop {
	uint32_t atom, width;
	uint8_t title, ordered;
	int32_t n;
} nop;

typedef struct inst {
	int32_t start, end;
	uint8_t col;
} inst;

typedef LOA_VEC(inst) instvec;

struct loa_matcher {
	sqlite3 *db;
	bool own_db;
	fts5_tokenizer tk;
	Fts5Tokenizer *tok;
	LOA_VEC(mquery) queries;
	LOA_VEC(atom) atoms;
	LOA_VEC(ahit) hit; /* parallel to atoms */
	loa_map atom_ix; /* pattern -> index + 1 */
	LOA_VEC(uint32_t) tatoms;
	LOA_VEC(tspec) tspecs;
	LOA_VEC(uint32_t) always;
	LOA_VEC(uint32_t) reqs;
	LOA_VEC(op) code;
	LOA_VEC(nop) nops;
	LOA_VEC(const loa_qnode *) fnodes;
	/* compiled: the queries anchored at atom a are aq[aq_first[a] ..
	 * aq_first[a + 1]) */
	LOA_VEC(uint32_t) aq_first;
	LOA_VEC(uint32_t) aq;
	hs_database_t *hdb;
	hs_scratch_t *scratch;
	bool compiled;
	/* per item */
	uint32_t stamp;
	loa_buf doc;
	LOA_VEC(dterm) terms;
	uint32_t colsep; /* offset of COLSEP in doc (UINT32_MAX: none) */
	int32_t pos;
	uint8_t col;
	uint32_t scan_base; /* doc offset of the part being scanned */
	uint8_t scan_col;   /* its column */
	size_t tcur;        /* the term of the last hit with positions */
	LOA_VEC(uint32_t) touched;
	instvec nlists[MAX_NEAR_KIDS]; /* NEAR's operands' instances (reused) */
	LOA_VEC(uint64_t) cbits; /* candidate queries (bit per query; zero between items) */
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
	loa_vec_release(&m->hit);
	loa_map_release(&m->atom_ix);
	loa_vec_release(&m->tatoms);
	loa_vec_release(&m->tspecs);
	loa_vec_release(&m->always);
	loa_vec_release(&m->reqs);
	loa_vec_release(&m->code);
	loa_vec_release(&m->nops);
	loa_vec_release(&m->fnodes);
	loa_vec_release(&m->aq_first);
	loa_vec_release(&m->aq);
	hs_free_scratch(m->scratch);
	hs_free_database(m->hdb);
	loa_buf_release(&m->doc);
	loa_vec_release(&m->terms);
	loa_vec_release(&m->touched);
	for (size_t i = 0; i < MAX_NEAR_KIDS; i++)
		loa_vec_release(&m->nlists[i]);
	loa_vec_release(&m->cbits);
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
	ahit h = {0, 0, 0};
	if (loa_vec_reserve(&m->hit, 1) || loa_vec_push(&m->atoms, a)) {
		free(p);
		return LOA_ENOMEM;
	}
	m->hit.items[m->hit.len++] = h;
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

/* The operands of NEAR need every position of their atoms. */
static void mark_allpos(loa_matcher *m, const loa_qnode *x, bool near)
{
	if (x->kind == LOA_QN_TERM && near) {
		const tspec *ts = &m->tspecs.items[x->id];
		for (uint32_t i = 0; i < ts->count; i++)
			m->hit.items[m->tatoms.items[ts->first + i]].allpos = 1;
	}
	for (size_t i = 0; i < x->nkids; i++)
		mark_allpos(m, x->kids[i], x->kind == LOA_QN_NEAR);
}

/* A TERM in any field that has an atom (a term that tokenizes to nothing
 * never matches), or an AND of such: true exactly when every required atom
 * was hit, so the boolean layer can be skipped. */
static bool is_trivial(loa_matcher *m, const loa_qnode *x)
{
	if (x->kind == LOA_QN_TERM)
		return x->field == LOA_QF_ANY && m->tspecs.items[x->id].count == 1;
	if (x->kind != LOA_QN_AND)
		return false;
	for (size_t i = 0; i < x->nkids; i++)
		if (!is_trivial(m, x->kids[i]))
			return false;
	return true;
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

/* Compiles x into m->code in pre-order (struct op). */
static int gen(loa_matcher *m, const loa_qnode *x)
{
	size_t at = m->code.len;
	op o = {0};
	if (loa_vec_push(&m->code, o))
		return LOA_ENOMEM;
	switch (x->kind) {
	case LOA_QN_TERM: {
		const tspec *ts = &m->tspecs.items[x->id];
		o.kind = ts->count == 0 ? OP_NONE : x->field == LOA_QF_TITLE ? OP_TITLE_TERM : OP_TERM;
		o.arg = ts->count ? m->tatoms.items[ts->first] : 0;
		break;
	}
	case LOA_QN_NEAR: {
		o.kind = OP_NEAR;
		o.arg = (uint32_t)m->nops.len;
		o.nkids = (uint16_t)(x->nkids < MAX_NEAR_KIDS ? x->nkids : MAX_NEAR_KIDS);
		for (size_t i = 0; i < o.nkids; i++) {
			const loa_qnode *k = x->kids[i];
			const tspec *ts = &m->tspecs.items[k->id];
			nop n = {ts->count ? m->tatoms.items[ts->first] : UINT32_MAX, ts->width,
				 k->field == LOA_QF_TITLE, x->ordered, x->near};
			if (loa_vec_push(&m->nops, n))
				return LOA_ENOMEM;
		}
		break;
	}
	case LOA_QN_AND:
	case LOA_QN_OR:
	case LOA_QN_NOT:
		o.kind = x->kind == LOA_QN_AND ? OP_AND : x->kind == LOA_QN_OR ? OP_OR : OP_NOT;
		o.nkids = (uint16_t)(x->kind == LOA_QN_NOT ? 1 : x->nkids);
		for (size_t i = 0; i < o.nkids; i++) {
			int rc = gen(m, x->kids[i]);
			if (rc)
				return rc;
		}
		break;
	case LOA_QN_FIELD:
	case LOA_QN_TIME:
		o.kind = OP_FIELD;
		o.arg = (uint32_t)m->fnodes.len;
		if (loa_vec_push(&m->fnodes, x))
			return LOA_ENOMEM;
		break;
	}
	o.size = (uint32_t)(m->code.len - at);
	m->code.items[at] = o;
	return LOA_OK;
}

static int add_parsed(loa_matcher *m, int64_t id, loa_query *q, bool owned, loa_err *err)
{
	if (m->queries.len >= LOA_MATCH_MAX_QUERIES) {
		if (owned)
			loa_query_free(q);
		return loa_err_set(err, LOA_ETOOBIG, "quá nhiều truy vấn (tối đa %d) / too many "
				   "queries (max %d)", LOA_MATCH_MAX_QUERIES, LOA_MATCH_MAX_QUERIES);
	}
	mquery mq = {id, q, owned, false, false, 0, 0, 0};
	if (loa_vec_push(&m->queries, mq)) {
		if (owned)
			loa_query_free(q);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	uint32_t qix = (uint32_t)(m->queries.len - 1);
	m->compiled = false;
	int rc = bind_terms(m, q->root, qix, err);
	if (rc)
		return rc;
	m->queries.items[qix].code = (uint32_t)m->code.len;
	if (gen(m, q->root))
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	mark_allpos(m, q->root, false);
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
	m->queries.items[qix].trivial = anchored && is_trivial(m, q->root);
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

/* The per-atom query lists as one array (aq_first/aq) and the candidate
 * bitset: what matching needs besides the vectorscan database. */
static int prepare(loa_matcher *m)
{
	m->aq_first.len = m->aq.len = m->cbits.len = 0;
	size_t n = m->atoms.len, total = 0;
	for (size_t i = 0; i < n; i++)
		total += m->atoms.items[i].queries.len;
	size_t words = (m->queries.len + 63) / 64;
	if (loa_vec_reserve(&m->aq_first, n + 1) || loa_vec_reserve(&m->aq, total) ||
	    loa_vec_reserve(&m->cbits, words))
		return LOA_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const atom *a = &m->atoms.items[i];
		m->aq_first.items[i] = (uint32_t)m->aq.len;
		if (a->queries.len)
			memcpy(m->aq.items + m->aq.len, a->queries.items,
			       a->queries.len * sizeof *a->queries.items);
		m->aq.len += a->queries.len;
	}
	m->aq_first.items[n] = (uint32_t)m->aq.len;
	m->aq_first.len = n + 1;
	if (words)
		memset(m->cbits.items, 0, words * sizeof *m->cbits.items);
	m->cbits.len = words;
	return LOA_OK;
}

int loa_matcher_compile(loa_matcher *m, loa_err *err)
{
	if (prepare(m))
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
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
		/* Short atoms (a syllable or two letters) are hit most often:
		 * when their positions are not wanted, one report per scan is
		 * enough (measured on VNTC with 10,000 queries: a third fewer
		 * reports, the same scan time; single-match on every atom made
		 * the scan slower). Title and text are scanned separately, so
		 * the one report still tells the column. */
		flags[i] = !m->hit.items[i].allpos && lens[i] <= SHORT_ATOM ? HS_FLAG_SINGLEMATCH : 0;
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
	if (loa_buf_reserve(&m->doc, n + 1) || loa_vec_reserve(&m->terms, 1))
		return 1; /* over the cap: the rest of the item is not matched */
	dterm *d = &m->terms.items[m->terms.len++];
	d->off = (uint32_t)(m->doc.len + 1);
	d->len = (uint32_t)n;
	d->pos = pos;
	d->col = m->col;
	char *w = m->doc.data + m->doc.len;
	*w = SEP;
	memcpy(w + 1, t, n);
	m->doc.len += n + 1;
	m->doc.data[m->doc.len] = '\0';
	return 0;
}

/* The item's folded terms as the index has them (loa_text_fts5_terms: the
 * FTS5 tokenizer's own rules without going through FTS5), one after
 * another as SEP term SEP term ... SEP. */
static int tokenize_item(loa_matcher *m, const loa_search_item *it)
{
	loa_buf_reset(&m->doc);
	m->terms.len = 0;
	m->colsep = UINT32_MAX;
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
		if (c > 0)
			m->colsep = (uint32_t)(m->doc.len - 1);
		int r = loa_text_fts5_terms(f[c], n, on_dterm, m);
		if (r < 0)
			return LOA_ENOMEM;
	}
	loa_buf_putc(&m->doc, SEP);
	return LOA_OK;
}

/* The index of the term starting at doc offset off (UINT32_MAX: none):
 * walked from the last one found, as vectorscan reports hits in about the
 * order of the stream. */
static uint32_t term_at(loa_matcher *m, uint32_t off)
{
	size_t n = m->terms.len, i = m->tcur < n ? m->tcur : 0;
	const dterm *t = m->terms.items;
	if (n == 0)
		return UINT32_MAX;
	while (i + 1 < n && t[i].off < off)
		i++;
	while (i > 0 && t[i].off > off)
		i--;
	m->tcur = i;
	return t[i].off == off ? (uint32_t)i : UINT32_MAX;
}

/* A hit of atom id ending at byte `to` (exclusive) of the part of the doc
 * stream being scanned (m->scan_base, m->scan_col): the first one of the
 * item marks the atom; atoms under NEAR also record the position of every
 * occurrence. */
static int on_hit(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		  void *ctx)
{
	(void)from;
	(void)flags;
	loa_matcher *m = ctx;
	ahit *h = &m->hit.items[id];
	uint8_t col = m->scan_col;
	if (h->stamp == m->stamp) {
		if (col < h->col)
			h->col = col;
		if (!h->allpos)
			return 0;
	} else {
		h->stamp = m->stamp;
		h->col = col;
		if (loa_vec_push(&m->touched, id)) {
			m->rc = LOA_ENOMEM;
			return 1;
		}
		if (!h->allpos)
			return 0;
		m->atoms.items[id].occ.len = 0;
	}
	atom *a = &m->atoms.items[id];
	/* every atom starts with SEP, then a term: the term starting at off */
	uint32_t off = (uint32_t)(m->scan_base + to - a->n + 1);
	uint32_t ti = term_at(m, off);
	if (ti != UINT32_MAX && a->occ.len < MAX_OCC) {
		occ o = {m->terms.items[ti].pos, m->terms.items[ti].col};
		if (loa_vec_push(&a->occ, o)) {
			m->rc = LOA_ENOMEM;
			return 1;
		}
	}
	return 0;
}

/* The title's part of the stream (up to COLSEP), then the text's. */
static int scan_doc(loa_matcher *m)
{
	uint32_t len = (uint32_t)m->doc.len;
	uint32_t cut = m->colsep < len ? m->colsep : len;
	struct {
		uint32_t from, to;
	} part[2] = {{0, cut}, {cut < len ? cut + 1 : len, len}};
	for (int c = 0; c < 2; c++) {
		if (part[c].to - part[c].from < 2)
			continue; /* no atom is that short */
		m->scan_base = part[c].from;
		m->scan_col = (uint8_t)c;
		if (hs_scan(m->hdb, m->doc.data + part[c].from, part[c].to - part[c].from, 0,
			    m->scratch, on_hit, m) != HS_SUCCESS)
			return m->rc ? m->rc : LOA_EIO;
	}
	return LOA_OK;
}

/* Without vectorscan: look for every atom in the stream (verification of
 * one query). */
static void fill_linear(loa_matcher *m)
{
	m->scan_base = 0;
	for (size_t a = 0; a < m->atoms.len; a++) {
		const atom *at = &m->atoms.items[a];
		const char *d = m->doc.data ? m->doc.data : "";
		size_t off = 0;
		const char *h;
		while (off < m->doc.len && (h = memmem(d + off, m->doc.len - off, at->s, at->n))) {
			unsigned long long to = (unsigned long long)(h - d) + at->n;
			m->scan_col = to <= m->colsep ? 0 : 1;
			on_hit((unsigned)a, 0, to, 0, m);
			off = (size_t)(h - d) + 1;
		}
	}
}

static const occvec *occs(loa_matcher *m, uint32_t a)
{
	static const occvec none;
	const atom *at = &m->atoms.items[a];
	return m->hit.items[a].stamp == m->stamp ? &at->occ : &none;
}

/* Instances (start, end, column) of a NEAR operand. */
static int term_insts(loa_matcher *m, const nop *x, instvec *out)
{
	out->len = 0;
	if (x->atom == UINT32_MAX)
		return LOA_OK;
	const occvec *o0 = occs(m, x->atom);
	for (size_t i = 0; i < o0->len; i++) {
		const occ *o = &o0->items[i];
		if (x->title && o->col != 0)
			continue;
		inst in = {o->pos, o->pos + (int32_t)x->width - 1, o->col};
		if (loa_vec_push(out, in))
			return LOA_ENOMEM;
	}
	return LOA_OK;
}

typedef struct nearctx {
	instvec *lists;
	size_t k;
	int n;
	bool ordered;
	long steps;
	inst chosen[MAX_NEAR_KIDS];
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

/* NEAR/n and ONEAR/n over the operands' positions. */
static int near_eval(loa_matcher *m, const op *c)
{
	const nop *x = &m->nops.items[c->arg];
	nearctx nc = {0};
	nc.k = c->nkids;
	nc.lists = m->nlists;
	nc.n = x->n;
	nc.ordered = x->ordered;
	for (size_t i = 0; i < nc.k; i++) {
		if (term_insts(m, &x[i], &m->nlists[i]))
			return LOA_ENOMEM;
		if (m->nlists[i].len == 0)
			return 0;
	}
	return near_rec(&nc, 0);
}

/* Runs the program of one node (and its subtree): 1, 0, or < 0 on error. */
static int run(loa_matcher *m, const op *c, const loa_search_item *it)
{
	switch (c->kind) {
	case OP_TERM:
		return m->hit.items[c->arg].stamp == m->stamp;
	case OP_TITLE_TERM: {
		const ahit *h = &m->hit.items[c->arg];
		return h->stamp == m->stamp && h->col == 0;
	}
	case OP_AND: {
		const op *k = c + 1;
		for (uint32_t i = 0; i < c->nkids; i++, k += k->size) {
			int r = run(m, k, it);
			if (r <= 0)
				return r;
		}
		return 1;
	}
	case OP_OR: {
		const op *k = c + 1;
		for (uint32_t i = 0; i < c->nkids; i++, k += k->size) {
			int r = run(m, k, it);
			if (r != 0)
				return r;
		}
		return 0;
	}
	case OP_NOT: {
		int r = run(m, c + 1, it);
		return r < 0 ? r : !r;
	}
	case OP_NEAR:
		return near_eval(m, c);
	case OP_FIELD: {
		const loa_qnode *x = m->fnodes.items[c->arg];
		if (x->kind == LOA_QN_TIME) {
			if (x->since != LOA_TIME_NONE)
				return it->published_at >= x->since;
			return it->published_at < x->until;
		}
		return field_match(m, x, it);
	}
	default: /* OP_NONE: a term that tokenizes to nothing never matches */
		return 0;
	}
}

static inline void mark(loa_matcher *m, uint32_t q)
{
	m->cbits.items[q >> 6] |= (uint64_t)1 << (q & 63);
}

static int match_item(loa_matcher *m, const loa_search_item *it, bool linear, loa_err *err)
{
	if (++m->stamp == 0) {
		/* wrapped: forget every stamp */
		for (size_t i = 0; i < m->hit.len; i++)
			m->hit.items[i].stamp = 0;
		m->stamp = 1;
	}
	m->touched.len = 0;
	m->result.len = 0;
	m->rc = LOA_OK;
	if (tokenize_item(m, it))
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	if (linear) {
		fill_linear(m);
	} else if (m->hdb && m->doc.len) {
		int rc = scan_doc(m);
		if (rc == LOA_EIO)
			return loa_err_set(err, LOA_EIO, "vectorscan: scan failed");
	}
	if (m->rc)
		return loa_err_set(err, m->rc, "hết bộ nhớ / out of memory");
	/* candidates: the queries anchored at a hit atom, and those evaluated
	 * for every item, as bits (in order of addition when read) */
	const uint32_t *aq = m->aq.items, *aqf = m->aq_first.items;
	for (size_t i = 0; i < m->touched.len; i++) {
		uint32_t a = m->touched.items[i];
		for (uint32_t j = aqf[a]; j < aqf[a + 1]; j++)
			mark(m, aq[j]);
	}
	for (size_t i = 0; i < m->always.len; i++)
		mark(m, m->always.items[i]);
	/* every required atom hit (cheap), then the program; each word of the
	 * bitset is cleared as it is read */
	const ahit *hit = m->hit.items;
	const uint32_t *reqs = m->reqs.items;
	int rc = LOA_OK;
	for (size_t w = 0; w < m->cbits.len; w++) {
		uint64_t b = m->cbits.items[w];
		if (!b)
			continue;
		m->cbits.items[w] = 0;
		for (; b && !rc; b &= b - 1) {
			uint32_t qi = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(b));
			const mquery *q = &m->queries.items[qi];
			bool ok = true;
			for (uint32_t j = 0; j < q->req_count && ok; j++)
				ok = hit[reqs[q->req_first + j]].stamp == m->stamp;
			if (!ok)
				continue;
			int r = q->trivial ? 1 : run(m, &m->code.items[q->code], it);
			if (r < 0)
				rc = LOA_ENOMEM;
			else if (r && loa_vec_push(&m->result, q->id))
				rc = LOA_ENOMEM;
		}
	}
	if (rc) {
		memset(m->cbits.items, 0, m->cbits.len * sizeof *m->cbits.items);
		return loa_err_set(err, rc, "hết bộ nhớ / out of memory");
	}
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
		rc = prepare(&m);
	if (!rc)
		rc = match_item(&m, it, true, NULL);
	int r = rc ? -1 : m.result.len > 0;
	matcher_release(&m);
	return r;
}
