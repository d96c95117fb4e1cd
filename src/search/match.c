/*
 * match.c - streaming match of many saved queries (match.h): vectorscan
 * literals for the term layer, phrases and positions above it, boolean
 * evaluation above that.
 *
 * Per item the cost is: the item's terms (text room), gathered into a set
 * (each distinct term once: open addressing, stamped slots); one
 * vectorscan scan of the distinct terms against the units (the syllables
 * and prefixes of every query term); one walk over the item's terms in
 * order that finds the phrases at the pairs of adjacent syllables that
 * start one (a table of those pairs, compiled with the queries); then the
 * candidate queries. Each query is compiled once into a flat pre-order
 * program (struct op, in one array for all queries; atoms as small ints,
 * subtree sizes for short-circuits); candidates are bits in a bitset over
 * queries (read in order of addition, no sort), whose words are cleared as
 * they are read; every per-item mark (term, unit, atom hit) is a
 * generation stamp, so nothing is cleared between items.
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
#define MAX_OCC 4096        /* occurrences kept per term per item */
#define MAX_NEAR_STEPS 100000
#define MAX_NEAR_KIDS 64
#define NONE UINT32_MAX
#define DIRECT 0x80000000u /* in aq: a query that is its atom (no evaluation) */
#define PAIR_BITS 17 /* the filter of the phrase table: 2^17 bits */

/* One distinct term of the item: its bytes in the stream of distinct
 * terms (m->doc), its occurrences (a chain through m->terms, in order). */
typedef struct tinfo {
	uint64_t head; /* its first 8 bytes (fewer: zeros after) */
	uint32_t off;  /* first byte of the term in m->doc (after SEP) */
	uint32_t len;
	uint32_t hash;
	uint32_t first, last; /* its first and last occurrence (into m->terms) */
	uint32_t wunit; /* the unit that is this whole term (NONE: none) */
	uint8_t col;    /* 0 when it occurs in the title */
} tinfo;

/* One occurrence of a term, in the order of the item (title, then text). */
typedef struct dterm {
	uint32_t tid;  /* into m->tinfo */
	uint32_t next; /* the next occurrence of the same term (NONE: none) */
	int32_t pos;   /* FTS5 position in its column */
	uint8_t col;
} dterm;

typedef struct occ {
	int32_t pos;
	uint8_t col;
} occ;

typedef LOA_VEC(occ) occvec;

/* A query term as the item's terms spell it: SEP t1 SEP t2 ... SEP tn
 * [SEP] (no final SEP for a prefix), made of units. */
typedef struct atom {
	char *s;
	size_t n;
	occvec occ; /* every occurrence, when asked for (operands of NEAR) */
	uint32_t ostamp; /* == matcher's stamp: occ is the current item's */
	LOA_VEC(uint32_t) queries; /* indexes of queries using it */
	uint32_t ufirst, ucount; /* its units in m->aunits, in order */
} atom;

/* A vectorscan literal over the item's distinct terms: one syllable of an
 * atom, SEP syllable SEP, or the prefix an atom ends with, SEP pre. */
typedef struct unit {
	char *s;
	uint32_t n;
	bool prefix;
} unit;

/* Per unit, what the current item has of it (with m->ustamp: hit in this
 * item when == the matcher's stamp, and m->utid: the first term it matched). */
typedef struct uhit {
	uint32_t first, last; /* its hits, a chain through m->hits (several for a prefix) */
	uint8_t col;          /* 0 when one of its terms occurs in the title */
} uhit;

/* A hit of a unit on the term starting at doc offset off. */
typedef struct hrec {
	uint32_t unit, off, next;
} hrec;


/* An atom in the lists of one unit (uk) or of a pair (pk), with its unit
 * count (so that most need no access to the atom itself). */
typedef struct aref {
	uint32_t atom, ucount, ufirst;
} aref;

/* A pair of units (two syllables) that starts a phrase (a1 = first unit
 * + 1; 0: an empty slot), and its phrases. */
typedef struct pslot {
	uint32_t a1, b;
	uint32_t atom;  /* count 0: its only phrase, of these two syllables
			 * exactly; else the first of its count phrases in pk */
	uint32_t count;
} pslot;

/* What matching reads of a query (mquery), packed: 24 bytes. */
typedef struct qhot {
	int64_t id;
	uint32_t req_first, code;
	uint16_t req_count;
	uint8_t trivial;
} qhot;

/* Per atom, what the current item has of it: kept apart from the atoms
 * (8 bytes each) so that hits and the boolean layer touch little memory. */
typedef struct ahit {
	uint32_t stamp; /* == matcher's stamp: hit in this item */
	uint8_t col;    /* 0 when it occurs in the title, else 1 */
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
	LOA_VEC(qhot) qhot; /* parallel to queries */
	/* compiled: the units and the atoms' units (aunits); the atoms of
	 * one unit, and the phrases whose second unit is a prefix, resolved
	 * when their first unit u is hit: uk[uk_first[u] .. uk_first[u + 1]);
	 * the other phrases by their first two units: a table of pairs
	 * (pslot, pcap slots, filtered by the bits pbits) into pk */
	LOA_VEC(unit) units;
	LOA_VEC(uhit) uhits;            /* parallel to units */
	LOA_VEC(uint32_t) ustamp, utid; /* parallel to units */
	loa_map unit_ix;                /* literal -> index + 1 */
	LOA_VEC(uint32_t) aunits;
	LOA_VEC(uint32_t) uk_first;
	LOA_VEC(aref) uk;
	LOA_VEC(aref) pk;
	pslot *pslot;
	size_t pcap, npairs;
	uint64_t *pbits;
	hs_database_t *hdb;
	hs_scratch_t *scratch;
	bool compiled;
	/* per item: its distinct terms (a set: open addressing, slots
	 * stamp << 32 | term, so nothing is cleared between items), written
	 * once each as SEP term ... SEP in doc, the term starting at each doc
	 * offset (otid), every occurrence in order (terms) */
	uint32_t stamp;
	loa_buf doc;
	LOA_VEC(tinfo) tinfo;
	LOA_VEC(dterm) terms;
	LOA_VEC(uint32_t) otid;
	uint64_t *tslot;
	size_t tcap;   /* slots in use: a power of two, at least twice the terms */
	size_t talloc; /* slots allocated (the most an item has needed) */
	uint8_t col;
	bool full; /* a cap was reached: the rest of the item is not matched */
	LOA_VEC(hrec) hits;
	LOA_VEC(uint32_t) utouched; /* units hit */
	LOA_VEC(uint32_t) touched;  /* atoms hit */
	LOA_VEC(uint32_t) seqs;     /* occurrences of a prefix (reused) */
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
	loa_map_init(&m->unit_ix, NULL);
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

static void release_units(loa_matcher *m)
{
	for (size_t i = 0; i < m->units.len; i++)
		free(m->units.items[i].s);
	loa_vec_release(&m->units);
	loa_vec_release(&m->uhits);
	loa_vec_release(&m->ustamp);
	loa_vec_release(&m->utid);
	loa_map_release(&m->unit_ix);
	loa_map_init(&m->unit_ix, NULL);
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
	loa_vec_release(&m->qhot);
	release_units(m);
	loa_vec_release(&m->aunits);
	loa_vec_release(&m->uk_first);
	loa_vec_release(&m->uk);
	loa_vec_release(&m->pk);
	free(m->pslot);
	free(m->pbits);
	hs_free_scratch(m->scratch);
	hs_free_database(m->hdb);
	loa_buf_release(&m->doc);
	loa_vec_release(&m->tinfo);
	loa_vec_release(&m->terms);
	loa_vec_release(&m->otid);
	free(m->tslot);
	loa_vec_release(&m->hits);
	loa_vec_release(&m->utouched);
	loa_vec_release(&m->touched);
	loa_vec_release(&m->seqs);
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
	ahit h = {0, 0};
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
static int atom_score(const char *s, size_t n)
{
	static const char *const common[] = {
		"cua", "va", "la", "cac", "nhung", "duoc", "co", "trong", "cho", "voi", "mot",
		"nguoi", "nay", "da", "khong", "nam", "thi", "de", "tai", "ra", "vao", "khi", "nhu",
		"se", "ve", "tu", "den", "cung", "theo", "nhieu", "dang", "nhat", "ngay", "lam",
		"di", "con", "phai", "nhan", "nha", "sau", "hon", "viec", "tren", "minh", "chi",
		"bi", "do", "ong", "nuoc", "hang", "moi", "ban", "thanh", "dong", "the"};
	bool prefix = s[n - 1] != SEP;
	size_t k = prefix ? n - 1 : n - 2;
	if (memchr(s + 1, SEP, k))
		return (int)k + 16; /* a phrase */
	if (!prefix)
		for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
			if (strlen(common[i]) == k && memcmp(common[i], s + 1, k) == 0)
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
			int sc = atom_score(m->atoms.items[a].s, m->atoms.items[a].n);
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

/* ---- compiling: units and the phrase table ---------------------------- */

/* The unit of the literal s[0..n) (SEP syllable SEP, or SEP prefix),
 * added when new. */
static int unit_of(loa_matcher *m, const char *s, size_t n, uint32_t *out)
{
	uintptr_t ix = (uintptr_t)loa_map_get(&m->unit_ix, s, n);
	if (ix) {
		*out = (uint32_t)(ix - 1);
		return LOA_OK;
	}
	char *c = malloc(n + 1);
	if (!c || loa_vec_reserve(&m->uhits, 1) || loa_vec_reserve(&m->ustamp, 1) ||
	    loa_vec_reserve(&m->utid, 1)) {
		free(c);
		return LOA_ENOMEM;
	}
	memcpy(c, s, n);
	c[n] = '\0';
	unit u = {c, (uint32_t)n, s[n - 1] != SEP};
	if (loa_vec_push(&m->units, u)) {
		free(c);
		return LOA_ENOMEM;
	}
	uhit h = {0, 0, 0};
	m->uhits.items[m->uhits.len++] = h;
	m->ustamp.items[m->ustamp.len++] = 0;
	m->utid.items[m->utid.len++] = 0;
	*out = (uint32_t)(m->units.len - 1);
	return loa_map_set(&m->unit_ix, s, n, (void *)(uintptr_t)m->units.len);
}

static inline uint64_t pair_hash(uint32_t a, uint32_t b)
{
	return ((uint64_t)a << 32 | b) * 0x9e3779b97f4a7c15ull;
}

static inline bool pair_maybe(const loa_matcher *m, uint64_t h)
{
	uint64_t i = h >> (64 - PAIR_BITS);
	return m->pbits[i >> 6] >> (i & 63) & 1;
}

/* The slot of the pair (a, b) in the phrase table: its own, or the empty
 * one where it would go. */
static pslot *pair_slot(const loa_matcher *m, uint32_t a, uint32_t b, uint64_t h)
{
	size_t mask = m->pcap - 1, j = (size_t)(h >> 32) & mask;
	while (m->pslot[j].a1 && (m->pslot[j].a1 != a + 1 || m->pslot[j].b != b))
		j = (j + 1) & mask;
	return &m->pslot[j];
}

/* Whether atom a is found by its first two units (a pair of syllables):
 * two units or more, the second not a prefix. */
static bool by_pair(const loa_matcher *m, const atom *a)
{
	return a->ucount >= 2 && !m->units.items[m->aunits.items[a->ufirst + 1]].prefix;
}

static int cmp_pair(const void *x, const void *y)
{
	const uint32_t *a = x, *b = y; /* first unit, second unit, atom */
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* The atoms resolved by one unit (uk) and the phrase table (pk, pslot,
 * pbits). */
static int index_atoms(loa_matcher *m)
{
	size_t nu = m->units.len, na = m->atoms.len;
	m->uk_first.len = m->uk.len = m->pk.len = 0;
	free(m->pslot);
	free(m->pbits);
	m->pslot = NULL;
	m->pbits = NULL;
	m->pcap = m->npairs = 0;
	if (loa_vec_reserve(&m->uk_first, nu + 1) || loa_vec_reserve(&m->uk, na) ||
	    loa_vec_reserve(&m->pk, na))
		return LOA_ENOMEM;
	/* by one unit: counting sort on the first unit */
	uint32_t *f = m->uk_first.items;
	memset(f, 0, (nu + 1) * sizeof *f);
	size_t np = 0;
	for (size_t i = 0; i < na; i++) {
		const atom *a = &m->atoms.items[i];
		if (by_pair(m, a))
			np++;
		else
			f[m->aunits.items[a->ufirst] + 1]++;
	}
	for (size_t u = 0; u < nu; u++)
		f[u + 1] += f[u];
	for (size_t i = 0; i < na; i++) {
		const atom *a = &m->atoms.items[i];
		aref r = {(uint32_t)i, a->ucount, a->ufirst};
		if (!by_pair(m, a))
			m->uk.items[f[m->aunits.items[a->ufirst]]++] = r;
	}
	for (size_t u = nu; u > 0; u--)
		f[u] = f[u - 1];
	f[0] = 0;
	m->uk_first.len = nu + 1;
	m->uk.len = na - np;
	if (np == 0)
		return LOA_OK;
	/* by pair: sorted (first, second, atom), then one slot per pair */
	uint32_t *t = malloc(np * 3 * sizeof *t);
	size_t cap = 64;
	while (cap < np + np / 4)
		cap *= 2; /* filled up to 80%: a smaller table, fewer cache misses */
	m->pslot = calloc(cap, sizeof *m->pslot);
	m->pbits = calloc(((size_t)1 << PAIR_BITS) / 64, sizeof *m->pbits);
	if (!t || !m->pslot || !m->pbits) {
		free(t);
		return LOA_ENOMEM;
	}
	m->pcap = cap;
	size_t k = 0;
	for (size_t i = 0; i < na; i++) {
		const atom *a = &m->atoms.items[i];
		if (!by_pair(m, a))
			continue;
		t[3 * k] = m->aunits.items[a->ufirst];
		t[3 * k + 1] = m->aunits.items[a->ufirst + 1];
		t[3 * k + 2] = (uint32_t)i;
		k++;
	}
	qsort(t, np, 3 * sizeof *t, cmp_pair);
	for (size_t i = 0; i < np; i++) {
		uint32_t a = t[3 * i], b = t[3 * i + 1];
		const atom *x = &m->atoms.items[t[3 * i + 2]];
		aref r = {t[3 * i + 2], x->ucount, x->ufirst};
		m->pk.items[i] = r;
		if (i > 0 && a == t[3 * (i - 1)] && b == t[3 * (i - 1) + 1]) {
			pslot *s = pair_slot(m, a, b, pair_hash(a, b));
			if (s->count == 0) /* was inline: now the first in pk */
				s->atom = (uint32_t)i - 1, s->count = 1;
			s->count++;
			continue;
		}
		uint64_t h = pair_hash(a, b);
		pslot *s = pair_slot(m, a, b, h);
		s->a1 = a + 1;
		s->b = b;
		s->atom = x->ucount == 2 ? r.atom : (uint32_t)i;
		s->count = x->ucount == 2 ? 0 : 1;
		uint64_t bit = h >> (64 - PAIR_BITS);
		m->pbits[bit >> 6] |= (uint64_t)1 << (bit & 63);
		m->npairs++;
	}
	m->pk.len = np;
	free(t);
	return LOA_OK;
}

/* Splits every atom into its units: SEP a SEP b SEP -> SEP a SEP, SEP b
 * SEP; a final prefix stays SEP pre. */
static int build_units(loa_matcher *m)
{
	release_units(m);
	m->aunits.len = 0;
	int rc = LOA_OK;
	for (size_t i = 0; !rc && i < m->atoms.len; i++) {
		atom *a = &m->atoms.items[i];
		a->ufirst = (uint32_t)m->aunits.len;
		for (size_t b = 0; !rc && b + 1 < a->n;) {
			size_t e = b + 1;
			while (e < a->n && a->s[e] != SEP)
				e++;
			/* s[b..e) is SEP syllable; with the SEP after it unless a prefix */
			size_t n = e < a->n ? e - b + 1 : e - b;
			uint32_t u = 0;
			rc = unit_of(m, a->s + b, n, &u);
			if (!rc)
				rc = loa_vec_push(&m->aunits, u);
			b = e;
		}
		a->ucount = (uint32_t)m->aunits.len - a->ufirst;
	}
	return rc ? LOA_ENOMEM : index_atoms(m);
}

/* The per-atom query lists as one array (aq_first/aq), the candidate
 * bitset, the units and the phrase table: what matching needs besides the
 * vectorscan database. */
static int prepare(loa_matcher *m)
{
	m->aq_first.len = m->aq.len = m->cbits.len = 0;
	size_t n = m->atoms.len, total = 0;
	for (size_t i = 0; i < n; i++)
		total += m->atoms.items[i].queries.len;
	size_t words = (m->queries.len + 63) / 64;
	m->qhot.len = 0;
	if (loa_vec_reserve(&m->aq_first, n + 1) || loa_vec_reserve(&m->aq, total) ||
	    loa_vec_reserve(&m->cbits, 2 * words) || loa_vec_reserve(&m->qhot, m->queries.len))
		return LOA_ENOMEM;
	for (size_t i = 0; i < m->queries.len; i++) {
		const mquery *q = &m->queries.items[i];
		qhot h = {q->id, q->req_first, q->code, (uint16_t)q->req_count, q->trivial};
		m->qhot.items[m->qhot.len++] = h;
	}
	for (size_t i = 0; i < n; i++) {
		const atom *a = &m->atoms.items[i];
		m->aq_first.items[i] = (uint32_t)m->aq.len;
		for (size_t j = 0; j < a->queries.len; j++) {
			uint32_t qi = a->queries.items[j];
			const mquery *q = &m->queries.items[qi];
			/* the query is this one atom: it matches when it is hit */
			bool direct = q->trivial && q->req_count == 1 && m->reqs.items[q->req_first] == i;
			m->aq.items[m->aq.len++] = qi | (direct ? DIRECT : 0);
		}
	}
	m->aq_first.items[n] = (uint32_t)m->aq.len;
	m->aq_first.len = n + 1;
	if (words)
		memset(m->cbits.items, 0, 2 * words * sizeof *m->cbits.items);
	m->cbits.len = words;
	return build_units(m);
}

int loa_matcher_compile(loa_matcher *m, loa_err *err)
{
	if (prepare(m))
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	hs_free_scratch(m->scratch);
	hs_free_database(m->hdb);
	m->scratch = NULL;
	m->hdb = NULL;
	size_t n = m->units.len;
	if (n == 0) {
		m->compiled = true;
		return LOA_OK;
	}
	const char **pats = malloc(n * sizeof *pats);
	unsigned *ids = malloc(n * sizeof *ids), *flags = calloc(n, sizeof *flags);
	size_t *lens = malloc(n * sizeof *lens);
	int rc = LOA_OK;
	if (!pats || !ids || !flags || !lens) {
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto out;
	}
	/* no flags: each term is in the stream once, so a syllable is reported
	 * at most once per item anyway, and a prefix once per term it starts */
	for (size_t i = 0; i < n; i++) {
		pats[i] = m->units.items[i].s;
		lens[i] = m->units.items[i].n;
		ids[i] = (unsigned)i;
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

/* ---- one item: its distinct terms ------------------------------------- */

/* The hash of a term and its first 8 bytes (*head; zeros after a shorter
 * term, so that two terms of at most 8 bytes are equal iff their lengths
 * and heads are). */
static inline uint32_t term_hash(const char *s, size_t n, uint64_t *head)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w = 0;
	if (n >= 8) {
		memcpy(head, s, 8);
		for (; n >= 8; s += 8, n -= 8) {
			memcpy(&w, s, 8);
			h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
			h ^= h >> 31;
		}
		w = 0;
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	} else {
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)(unsigned char)s[i] << (8 * i);
		*head = w;
	}
	h = (h ^ w) * 0x94d049bb133111ebull;
	return (uint32_t)(h >> 32);
}

/* memcmp(a, b, n) == 0 for the short strings terms are, without a call. */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
	for (; n >= 8; a += 8, b += 8, n -= 8) {
		uint64_t x, y;
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return false;
	}
	for (; n; n--)
		if (*a++ != *b++)
			return false;
	return true;
}

#define SET_MIN 1024 /* slots of the term set an item starts with (8 KiB) */

/* Doubles the slots of the term set in use (allocating more when an item
 * needs more than any before) and re-inserts the item's terms. Each item
 * starts with the first SET_MIN slots only, so that a long item does not
 * spread the next ones over a large table (cache misses). */
static int grow_set(loa_matcher *m)
{
	size_t cap = m->tcap * 2;
	if (cap > m->talloc) {
		uint64_t *t = calloc(cap, sizeof *t);
		if (!t)
			return LOA_ENOMEM;
		free(m->tslot);
		m->tslot = t;
		m->talloc = cap;
	} else {
		memset(m->tslot, 0, cap * sizeof *m->tslot);
	}
	m->tcap = cap;
	uint64_t *t = m->tslot;
	size_t mask = cap - 1;
	for (size_t i = 0; i < m->tinfo.len; i++) {
		size_t j = m->tinfo.items[i].hash & mask;
		while ((uint32_t)(t[j] >> 32) == m->stamp)
			j = (j + 1) & mask;
		t[j] = (uint64_t)m->stamp << 32 | i;
	}
	return LOA_OK;
}

/* One term of the item (loa_text_fts5_terms): its first occurrence is
 * written to the stream of distinct terms; every one is chained. */
static int on_dterm(void *ctx, const char *t, size_t n, int pos)
{
	loa_matcher *m = ctx;
	if (m->terms.len >= (size_t)INT32_MAX / 2 || loa_vec_reserve(&m->terms, 1) ||
	    ((m->tinfo.len + 1) * 2 > m->tcap && grow_set(m))) {
		m->full = true;
		return 1; /* over the cap: the rest of the item is not matched */
	}
	uint64_t head;
	uint32_t h = term_hash(t, n, &head);
	size_t mask = m->tcap - 1, j = h & mask;
	const char *d = m->doc.data;
	uint32_t tid = NONE;
	for (uint64_t v; (uint32_t)((v = m->tslot[j]) >> 32) == m->stamp; j = (j + 1) & mask) {
		const tinfo *x = &m->tinfo.items[(uint32_t)v];
		if (x->head == head && x->len == n &&
		    (n <= 8 || same_bytes(d + x->off + 8, t + 8, n - 8))) {
			tid = (uint32_t)v;
			break;
		}
	}
	uint32_t at = (uint32_t)m->terms.len;
	if (tid == NONE) {
		size_t off = m->doc.len + 1;
		if ((off + n + 2 > m->doc.cap && loa_buf_reserve(&m->doc, n + 2)) ||
		    loa_vec_reserve(&m->tinfo, 1) ||
		    loa_vec_reserve(&m->otid, off + 1 - m->otid.len)) {
			m->full = true;
			return 1;
		}
		char *w = m->doc.data + m->doc.len;
		*w++ = SEP;
		/* the tokenizer emits no control characters; were SEP in a term,
		 * it would be written as 0x02, so that every unit's hit starts
		 * at a term (and such a term matches nothing) */
		for (size_t i = 0; i < n; i++)
			w[i] = t[i] == SEP ? '\x02' : t[i];
		m->doc.len += n + 1;
		tid = (uint32_t)m->tinfo.len++;
		tinfo x = {head, (uint32_t)off, (uint32_t)n, h, at, at, NONE, m->col};
		m->tinfo.items[tid] = x;
		m->otid.items[off] = tid;
		m->otid.len = off + 1;
		m->tslot[j] = (uint64_t)m->stamp << 32 | tid;
	} else {
		m->terms.items[m->tinfo.items[tid].last].next = at;
		m->tinfo.items[tid].last = at;
	}
	dterm o = {tid, NONE, pos, m->col};
	m->terms.items[m->terms.len++] = o;
	return 0;
}

/* The item's folded terms as the index has them (loa_text_fts5_terms: the
 * FTS5 tokenizer's own rules without going through FTS5): each distinct
 * term once, SEP term SEP term ... SEP, and every occurrence in order. */
static int tokenize_item(loa_matcher *m, const loa_search_item *it)
{
	loa_buf_reset(&m->doc);
	m->tinfo.len = m->terms.len = m->otid.len = 0;
	m->full = false;
	m->tcap = SET_MIN / 2;
	if (!m->tslot && grow_set(m))
		return LOA_ENOMEM;
	m->tcap = SET_MIN;
	const char *f[2] = {it->title, it->text};
	for (int c = 0; c < 2 && !m->full; c++) {
		m->col = (uint8_t)c;
		if (!f[c] || !*f[c])
			continue;
		size_t n = strlen(f[c]);
		if (n > LOA_MATCH_MAX_TEXT)
			n = loa_utf8_truncate(f[c], n, LOA_MATCH_MAX_TEXT);
		int r = loa_text_fts5_terms(f[c], n, on_dterm, m);
		if (r < 0)
			return LOA_ENOMEM;
	}
	if (m->tinfo.len)
		loa_buf_putc(&m->doc, SEP);
	return LOA_OK;
}

/* ---- one item: units, then atoms -------------------------------------- */

/* A hit of unit id ending at byte `to` (exclusive) of the stream: noted,
 * nothing more (resolved after the scan). */
static int on_hit(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		  void *ctx)
{
	(void)from;
	(void)flags;
	loa_matcher *m = ctx;
	/* every unit starts with SEP, then a term: the term starting at off */
	hrec r = {id, (uint32_t)(to - m->units.items[id].n + 1), NONE};
	if (loa_vec_push(&m->hits, r)) {
		m->rc = LOA_ENOMEM;
		return 1;
	}
	return 0;
}

/* Without vectorscan: look for every unit in the stream (verification of
 * one query). */
static void fill_linear(loa_matcher *m)
{
	const char *d = m->doc.data ? m->doc.data : "";
	for (size_t u = 0; u < m->units.len && !m->rc; u++) {
		const unit *x = &m->units.items[u];
		size_t off = 0;
		const char *h;
		while (off < m->doc.len && (h = memmem(d + off, m->doc.len - off, x->s, x->n))) {
			on_hit((unsigned)u, 0, (unsigned long long)(h - d) + x->n, 0, m);
			off = (size_t)(h - d) + 1;
		}
	}
}

/* Every unit hit: its term (the first), column, the chain of its hits;
 * every term that is a whole unit knows it. */
static int resolve_units(loa_matcher *m)
{
	m->utouched.len = 0;
	for (uint32_t i = 0; i < m->hits.len; i++) {
		hrec *r = &m->hits.items[i];
		uhit *h = &m->uhits.items[r->unit];
		uint32_t tid = m->otid.items[r->off];
		tinfo *t = &m->tinfo.items[tid];
		if (!m->units.items[r->unit].prefix)
			t->wunit = r->unit;
		if (m->ustamp.items[r->unit] == m->stamp) {
			m->hits.items[h->last].next = i;
			h->last = i;
			if (t->col < h->col)
				h->col = t->col;
			continue;
		}
		m->ustamp.items[r->unit] = m->stamp;
		m->utid.items[r->unit] = tid;
		h->first = h->last = i;
		h->col = t->col;
		if (loa_vec_push(&m->utouched, r->unit))
			return LOA_ENOMEM;
	}
	return LOA_OK;
}

/* Whether the k units u occur in order from the occurrence s on, in one
 * column: a syllable is the whole term, a prefix starts it. */
static bool phrase_at(const loa_matcher *m, const uint32_t *u, uint32_t k, uint32_t s)
{
	if (s + (size_t)k > m->terms.len)
		return false;
	const dterm *t = m->terms.items + s;
	for (uint32_t j = 0; j < k; j++) {
		if (t[j].col != t[0].col)
			return false;
		const unit *x = &m->units.items[u[j]];
		const tinfo *ti = &m->tinfo.items[t[j].tid];
		if (!x->prefix) {
			if (ti->wunit != u[j])
				return false;
			continue;
		}
		if (ti->len < x->n - 1 || memcmp(m->doc.data + ti->off, x->s + 1, x->n - 1) != 0)
			return false;
	}
	return true;
}

/* An occurrence of atom a at occurrence s of the item's terms (they come
 * in order: the first one's column is the title if any is). */
static inline int atom_at(loa_matcher *m, uint32_t a, uint32_t s)
{
	ahit *h = &m->hit.items[a];
	if (h->stamp == m->stamp)
		return LOA_OK;
	h->stamp = m->stamp;
	h->col = m->terms.items[s].col;
	return loa_vec_push(&m->touched, a);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The occurrences of the terms unit u matched, in order, into m->seqs. */
static int unit_seqs(loa_matcher *m, uint32_t u)
{
	const uhit *h = &m->uhits.items[u];
	m->seqs.len = 0;
	for (uint32_t r = h->first; r != NONE; r = m->hits.items[r].next) {
		uint32_t tid = m->otid.items[m->hits.items[r].off];
		for (uint32_t s = m->tinfo.items[tid].first; s != NONE; s = m->terms.items[s].next)
			if (loa_vec_push(&m->seqs, s))
				return LOA_ENOMEM;
	}
	if (h->first != h->last) /* a prefix of several terms */
		qsort(m->seqs.items, m->seqs.len, sizeof *m->seqs.items, cmp_u32);
	return LOA_OK;
}

/* Atom a of one unit, or a phrase ending in a prefix, whose first unit u0
 * was hit: a unit occurs where its term(s) do (the column is the unit's);
 * the phrase where its first syllable is followed by a term the prefix
 * starts (the first such place). */
static int resolve_keyed(loa_matcher *m, uint32_t u0, const aref *ar)
{
	uint32_t a = ar->atom, k = ar->ucount;
	if (k == 1) {
		ahit *h = &m->hit.items[a];
		h->stamp = m->stamp;
		h->col = m->uhits.items[u0].col;
		return loa_vec_push(&m->touched, a);
	}
	const uint32_t *u = m->aunits.items + ar->ufirst;
	for (uint32_t j = 1; j < k; j++)
		if (m->ustamp.items[u[j]] != m->stamp)
			return LOA_OK;
	/* u0 is a syllable: one term */
	for (uint32_t s = m->tinfo.items[m->utid.items[u0]].first; s != NONE;
	     s = m->terms.items[s].next)
		if (phrase_at(m, u, k, s))
			return atom_at(m, a, s);
	return LOA_OK;
}

/* Every occurrence of atom a (hit in the item) into a->occ, in order (at
 * most MAX_OCC): asked for by NEAR only, so found only then. */
static int fill_occ(loa_matcher *m, uint32_t a)
{
	atom *x = &m->atoms.items[a];
	const uint32_t *u = m->aunits.items + x->ufirst;
	x->occ.len = 0;
	int rc = unit_seqs(m, u[0]);
	for (size_t i = 0; !rc && i < m->seqs.len && x->occ.len < MAX_OCC; i++) {
		uint32_t s = m->seqs.items[i];
		if (x->ucount > 1 && !phrase_at(m, u, x->ucount, s))
			continue;
		occ o = {m->terms.items[s].pos, m->terms.items[s].col};
		rc = loa_vec_push(&x->occ, o);
	}
	x->ostamp = m->stamp;
	return rc;
}

/* The phrases that start with the pair of syllables at occurrence s. */
static int pair_at(loa_matcher *m, const pslot *p, uint32_t s)
{
	if (p->count == 0)
		return atom_at(m, p->atom, s);
	const aref *r0 = &m->pk.items[p->atom];
	for (const aref *r = r0; r < r0 + p->count; r++) {
		if (r->ucount > 2 && !phrase_at(m, m->aunits.items + r->ufirst, r->ucount, s))
			continue;
		int rc = atom_at(m, r->atom, s);
		if (rc)
			return rc;
	}
	return LOA_OK;
}

/* Every atom in the item: those of one unit (and phrases ending in a
 * prefix) from the units hit; the other phrases in one walk over the
 * item's terms, at each two adjacent syllables that start one. */
static int resolve_atoms(loa_matcher *m)
{
	const aref *uk = m->uk.items;
	const uint32_t *ukf = m->uk_first.items;
	for (size_t i = 0; i < m->utouched.len; i++) {
		uint32_t u = m->utouched.items[i];
		for (uint32_t j = ukf[u]; j < ukf[u + 1]; j++) {
			int rc = resolve_keyed(m, u, &uk[j]);
			if (rc)
				return rc;
		}
	}
	if (!m->npairs || m->terms.len < 2)
		return LOA_OK;
	const dterm *t = m->terms.items;
	const tinfo *ti = m->tinfo.items;
	uint32_t n = (uint32_t)m->terms.len, a = ti[t[0].tid].wunit;
	for (uint32_t s = 0; s + 1 < n; s++) {
		uint32_t b = ti[t[s + 1].tid].wunit;
		uint64_t h = pair_hash(a, b);
		/* one branch, mostly not taken: both syllables, one column, the
		 * filter's bit */
		if ((a != NONE) & (b != NONE) & (t[s].col == t[s + 1].col) & pair_maybe(m, h)) {
			const pslot *p = pair_slot(m, a, b, h);
			int rc = p->a1 ? pair_at(m, p, s) : LOA_OK;
			if (rc)
				return rc;
			/* pair_at may grow m->touched, not terms or tinfo */
		}
		a = b;
	}
	return LOA_OK;
}

/* The occurrences of atom a in the item (none when not hit); NULL when
 * out of memory. */
static const occvec *occs(loa_matcher *m, uint32_t a)
{
	static const occvec none;
	if (m->hit.items[a].stamp != m->stamp)
		return &none;
	atom *at = &m->atoms.items[a];
	if (at->ostamp != m->stamp && fill_occ(m, a))
		return NULL;
	return &at->occ;
}

/* Instances (start, end, column) of a NEAR operand. */
static int term_insts(loa_matcher *m, const nop *x, instvec *out)
{
	out->len = 0;
	if (x->atom == UINT32_MAX)
		return LOA_OK;
	const occvec *o0 = occs(m, x->atom);
	if (!o0)
		return LOA_ENOMEM;
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

/* Candidate q: its bit in the first half of cbits, or in the second half
 * for a query that matches as soon as its atom is hit (DIRECT). */
static inline void mark(loa_matcher *m, uint32_t q)
{
	size_t w = (q & ~DIRECT) >> 6;
	m->cbits.items[q & DIRECT ? m->cbits.len + w : w] |= (uint64_t)1 << (q & 63);
}

static int match_item(loa_matcher *m, const loa_search_item *it, bool linear, loa_err *err)
{
	if (++m->stamp == 0) {
		/* wrapped: forget every stamp */
		for (size_t i = 0; i < m->hit.len; i++)
			m->hit.items[i].stamp = 0;
		for (size_t i = 0; i < m->atoms.len; i++)
			m->atoms.items[i].ostamp = 0;
		for (size_t i = 0; i < m->ustamp.len; i++)
			m->ustamp.items[i] = 0;
		if (m->tslot)
			memset(m->tslot, 0, m->talloc * sizeof *m->tslot);
		m->stamp = 1;
	}
	m->touched.len = 0;
	m->hits.len = 0;
	m->result.len = 0;
	m->rc = LOA_OK;
	if (tokenize_item(m, it))
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	if (linear) {
		fill_linear(m);
	} else if (m->hdb && m->doc.len &&
		   hs_scan(m->hdb, m->doc.data, (unsigned)m->doc.len, 0, m->scratch, on_hit, m) !=
			   HS_SUCCESS &&
		   !m->rc) {
		return loa_err_set(err, LOA_EIO, "vectorscan: scan failed");
	}
	if (!m->rc)
		m->rc = resolve_units(m);
	if (!m->rc)
		m->rc = resolve_atoms(m);
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
	uint64_t *direct = m->cbits.items + m->cbits.len;
	for (size_t w = 0; w < m->cbits.len; w++) {
		uint64_t d = direct[w], b = m->cbits.items[w] | d;
		if (!b)
			continue;
		m->cbits.items[w] = direct[w] = 0;
		for (; b && !rc; b &= b - 1) {
			uint32_t qi = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(b));
			const qhot *q = &m->qhot.items[qi];
			if (d & (b & -b)) {
				rc = loa_vec_push(&m->result, q->id);
				continue;
			}
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
		memset(m->cbits.items, 0, 2 * m->cbits.len * sizeof *m->cbits.items);
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
