/*
 * fts5_tok.c - the "loa" FTS5 tokenizer (see fts5_tok.h for what it emits).
 *
 * One pass: loa_text_tokenize() gives every token, loa__text_tok_norm() its
 * MATCH form (as loa_text_tokenize_norm() would); the folded form comes from
 * that by table (loa_text_fold_lower), never by a second normalisation. Per
 * syllable: the folded term, the exact term colocated only when it differs,
 * and the folded bigram (in its own namespace, "_a_b") colocated on the
 * second syllable when both are capitalised (names: "Hà Nội", "Nguyễn Văn";
 * all pairs cost too much to index, docs/text.md).
 *
 * A word's two forms depend on its bytes only, and a text reuses a few
 * thousand words: a per-thread cache (WC_* below) maps a word's bytes to
 * its forms, so most words cost one lookup instead of a status check, a
 * normalisation and a fold.
 *
 * Folding goes through two small tables built once from
 * loa_text_fold_lower (FT_* below): ASCII, U+0080..U+037F and
 * U+1E00..U+1EFF without a per-code-point lookup chain, the same bytes.
 * The fast mode (loa_text_fts5_terms) folds each raw token straight into
 * its term: no exact form, no bigram, no copy.
 */
#include "text/fts5_tok.h"
#include "text/text.h"
#include "text/text_int.h"
#include "core/utf8.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define TERM_MAX 256 /* longer terms are cut (at a UTF-8 boundary) */

typedef struct loa_fts5_tok {
	int unused;
} loa_fts5_tok;

typedef struct term {
	char s[3 * TERM_MAX + 8];
	size_t n;
} term;

typedef struct tctx {
	void *pctx;
	int (*xToken)(void *, int, const char *, int, int, int);
	bool query;
	bool exact; /* query mode: exact forms (string started with '=') */
	int rc;
	/* previous syllable (folded; exact too in query mode) */
	bool bigrams; /* query mode: bigram terms (string started with '_') */
	bool have_prev, prev_cap;
	size_t prev_fold_n;
	char prev_fold[3 * TERM_MAX + 8];
	size_t prev_end;
	int bigrams_in_word;
	/* fast mode (loa_text_fts5_terms): folded terms from raw tokens */
	bool fast;
	bool ref; /* the general path, no fold tables (loa__text_fts5_reference) */
	loa_fts5_term_fn tfn;
	void *tuser;
	int pos;
	loa_buf nb;
	loa_buf out, tmp; /* normalisation scratch */
	term ex, fo;     /* scratch */
	char bg[2 * TERM_MAX + 8];
	unsigned char fb[3 * 4 * TERM_MAX + 8]; /* fast mode: a folded raw token */
} tctx;

static _Thread_local bool ref_mode;

void loa__text_fts5_reference(bool on)
{
	ref_mode = on;
}

/* ---- folding by table ---------------------------------------------------- */

static inline uint64_t ld8(const char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t ld4(const char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* What loa_text_fold_lower writes for one code point: b[0..m & FT_LEN),
 * FT_RAW when fold_raw may fold it raw, FT_SLOW when it writes more than 3
 * bytes (then loa_text_fold_lower itself is called). Built once from
 * loa_text_fold_lower, so the bytes are its bytes. */
#define FT_LEN 0x03u
#define FT_SLOW 0x40u
#define FT_RAW 0x80u
typedef struct ft_entry {
	unsigned char b[3];
	uint8_t m;
} ft_entry;

static ft_entry ft2[0x380 - 0x80]; /* U+0080..U+037F: lead bytes C2..CD */
static ft_entry ft3[0x100];        /* U+1E00..U+1EFF: E1 B8..BB xx */
static pthread_once_t ft_once = PTHREAD_ONCE_INIT;

/* Folding the raw code point gives what folding its MATCH form gives
 * (fold_raw): Latin and Vietnamese letters, precomposed or with combining
 * marks (folding drops the marks either way), but not eth (repaired to đ). */
static bool raw_foldable(uint32_t cp)
{
	return (cp < 0x250 && cp != 0xD0 && cp != 0xF0) || (cp >= 0x300 && cp < 0x370) ||
	       (cp >= 0x1E00 && cp < 0x1F00);
}

static void ft_fill(ft_entry *e, uint32_t cp)
{
	unsigned char in[4];
	char out[16];
	size_t l = loa_utf8_encode(cp, in);
	size_t k = loa_text_fold_lower((const char *)in, l, out);
	unsigned raw = raw_foldable(cp) ? FT_RAW : 0;
	if (l == 0 || k > FT_LEN) {
		e->m = (uint8_t)(FT_SLOW | raw);
		return;
	}
	memcpy(e->b, out, k);
	e->m = (uint8_t)(k | raw);
}

static void ft_init(void)
{
	for (uint32_t cp = 0x80; cp < 0x380; cp++)
		ft_fill(&ft2[cp - 0x80], cp);
	for (uint32_t cp = 0x1E00; cp < 0x1F00; cp++)
		ft_fill(&ft3[cp - 0x1E00], cp);
}

/* loa_text_fold_lower(p, n, o), the same bytes, by table; o must hold
 * 3 * n + 4 bytes. *raw: every code point is raw-foldable. */
static size_t fold_tab(const unsigned char *p, size_t n, unsigned char *o, bool *raw)
{
	size_t w = 0;
	unsigned ok = FT_RAW;
	for (size_t i = 0; i < n;) {
		unsigned b = p[i];
		if (b < 0x80) {
			o[w++] = (unsigned char)(b - 'A' < 26u ? b | 0x20u : b);
			i++;
			continue;
		}
		const ft_entry *e = NULL;
		size_t l;
		if (b >= 0xC2 && b <= 0xCD && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
			e = &ft2[((b & 0x1Fu) << 6 | (p[i + 1] & 0x3Fu)) - 0x80];
			l = 2;
		} else if (b == 0xE1 && i + 2 < n && (p[i + 1] & 0xFC) == 0xB8 &&
			   (p[i + 2] & 0xC0) == 0x80) {
			e = &ft3[(p[i + 1] & 0x3u) << 6 | (p[i + 2] & 0x3Fu)];
			l = 3;
		} else {
			/* no other code point is raw-foldable */
			uint32_t cp;
			l = loa__u8dec(p + i, n - i, &cp);
		}
		if (e && !(e->m & FT_SLOW)) {
			memcpy(o + w, e->b, 3);
			w += e->m & FT_LEN;
			ok &= e->m;
		} else {
			w += loa_text_fold_lower((const char *)p + i, l, (char *)o + w);
			ok &= e ? e->m : 0;
		}
		i += l;
	}
	*raw = ok != 0;
	return w;
}

/* ---- the word cache ------------------------------------------------------ */

#define WC_KEY 16u     /* longer words (under 1 in 10,000) are not cached */
#define WC_DATA 12u    /* the folded form, after the exact one unless that is the word */
#define WC_BITS 13u
#define WC_SETS (1u << WC_BITS) /* 2 ways of 32 bytes (one cache line): 512 KiB a thread */
typedef struct wc_entry {
	uint64_t k[2]; /* the word's bytes (wc_set) */
	uint8_t kn;    /* its length (0: empty) */
	uint8_t exn, fon;
	uint8_t raw;   /* the exact form is not stored: 1 the word itself, 2 the word
			* with its first (ASCII, upper-case) letter in lower case */
	char d[WC_DATA];
} wc_entry;

/* Allocated on first use and freed when the thread ends (as the
 * normaliser's cache); without memory there is simply no cache. */
static _Thread_local wc_entry *wc_tab;
static pthread_key_t wc_key;
static pthread_once_t wc_once = PTHREAD_ONCE_INIT;
static bool wc_key_ok;

static void wc_free(void *t)
{
	free(t);
}

static void wc_key_init(void)
{
	wc_key_ok = pthread_key_create(&wc_key, wc_free) == 0;
}

static wc_entry *wc_table(void)
{
	if (wc_tab)
		return wc_tab;
	pthread_once(&wc_once, wc_key_init);
	if (!wc_key_ok)
		return NULL;
	wc_entry *t = aligned_alloc(64, 2 * WC_SETS * sizeof *t);
	if (!t)
		return NULL;
	memset(t, 0, 2 * WC_SETS * sizeof *t);
	if (pthread_setspecific(wc_key, t) != 0) {
		free(t);
		return NULL;
	}
	wc_tab = t;
	return t;
}

/* The set of word p[0..n) (0 < n <= WC_KEY); k receives its key: the bytes
 * by overlapping loads inside p[0..n), one-to-one for a given n. */
static inline wc_entry *wc_set(wc_entry *tab, const char *p, size_t n, uint64_t k[2])
{
	const unsigned char *u = (const unsigned char *)p;
	if (n >= 8) {
		k[0] = ld8(p), k[1] = ld8(p + n - 8);
	} else if (n >= 4) {
		k[0] = ld4(p) | ld4(p + n - 4) << 32, k[1] = 0;
	} else {
		k[0] = u[0] | (uint64_t)u[n / 2] << 8 | (uint64_t)u[n - 1] << 16, k[1] = 0;
	}
	uint64_t h = (k[0] * 0x9E3779B97F4A7C15ull) ^ (k[1] * 0xC2B2AE3D27D4EB4Full) ^ n;
	h ^= h >> 29;
	return &tab[((h * 0xBF58476D1CE4E5B9ull) >> (64 - WC_BITS)) * 2];
}

static inline bool wc_is(const wc_entry *e, size_t n, const uint64_t k[2])
{
	return e->kn == n && e->k[0] == k[0] && e->k[1] == k[1];
}

/* A new entry goes to way 0; the old way 0 moves to way 1. */
static void wc_store(wc_entry *e, const char *word, size_t n, const uint64_t k[2], const term *ex,
		     const term *fo)
{
	unsigned raw = 0;
	if (ex->n == n && n > 0) {
		if (memcmp(ex->s, word, n) == 0)
			raw = 1;
		else if (word[0] >= 'A' && word[0] <= 'Z' && ex->s[0] == (word[0] | 0x20) &&
			 memcmp(ex->s + 1, word + 1, n - 1) == 0)
			raw = 2;
	}
	if ((raw ? 0 : ex->n) + fo->n > WC_DATA)
		return;
	e[1] = e[0];
	e->k[0] = k[0], e->k[1] = k[1];
	e->kn = (uint8_t)n;
	e->raw = (uint8_t)raw;
	e->exn = (uint8_t)ex->n;
	e->fon = (uint8_t)fo->n;
	if (!raw)
		memcpy(e->d, ex->s, ex->n);
	memcpy(e->d + (raw ? 0 : ex->n), fo->s, fo->n);
}

static int xCreate(void *ud, const char **azArg, int nArg, Fts5Tokenizer **ppOut)
{
	loa_fts5_tok *t = calloc(1, sizeof *t);
	if (!t)
		return SQLITE_NOMEM;
	*ppOut = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void xDelete(Fts5Tokenizer *p)
{
	free(p);
}

/* Length of p[0..n) cut to TERM_MAX at a UTF-8 boundary. */
static size_t cut(const char *p, size_t n)
{
	if (n > TERM_MAX) {
		n = TERM_MAX;
		while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
			n--;
	}
	return n;
}

/* Fast mode, the general path (loa__text_fts5_reference): the folded form
 * of raw text p[0..n) without normalising it, when that gives the same as
 * folding its MATCH form: every code point raw-foldable, and no "qu"/"gh"
 * (tone repair may change letters there). Otherwise normalise first. */
static void fold_raw(tctx *c, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	bool ok = true;
	for (size_t i = 0; i < n && ok;) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		i += loa__u8dec(u + i, n - i, &cp);
		ok = (cp < 0x250 && cp != 0xD0 && cp != 0xF0) || (cp >= 0x300 && cp < 0x370) ||
		     (cp >= 0x1E00 && cp < 0x1F00);
	}
	if (ok) {
		size_t k = loa_text_fold_lower(p, n, (char *)c->fb);
		if (!loa__text_ascii_needs_repair(c->fb, k)) {
			c->fo.n = cut((const char *)c->fb, k);
			memcpy(c->fo.s, c->fb, c->fo.n);
			return;
		}
	}
	loa_buf_reset(&c->nb);
	if (loa_text_normalize_word(p, n, LOA_NORM_MATCH, &c->nb) != LOA_OK) {
		c->fo.n = 0;
		return;
	}
	size_t m = cut(c->nb.data, c->nb.len);
	c->fo.n = cut(c->fo.s, loa_text_fold_lower(c->nb.data, m, c->fo.s));
}

/* Fast mode: the folded term of raw text p[0..n) (as fold_raw makes it)
 * to the callback, unless empty: folded by table straight from the raw
 * bytes, normalised first only when fold_raw would. Non-zero when the
 * callback stopped. */
static int fast_put(tctx *c, const char *p, size_t n)
{
	if (n > 4 * TERM_MAX)
		n = cut(p, 4 * TERM_MAX);
	const char *f = (const char *)c->fb;
	size_t k;
	if (c->ref) {
		fold_raw(c, p, n);
		f = c->fo.s, k = c->fo.n;
	} else {
		bool raw;
		k = fold_tab((const unsigned char *)p, n, c->fb, &raw);
		if (!raw || loa__text_ascii_needs_repair(c->fb, k)) {
			loa_buf_reset(&c->nb);
			if (loa_text_normalize_word(p, n, LOA_NORM_MATCH, &c->nb) != LOA_OK)
				return 0;
			k = fold_tab((const unsigned char *)c->nb.data, cut(c->nb.data, c->nb.len),
				     c->fb, &raw);
		}
		k = cut(f, k);
	}
	if (k == 0)
		return 0;
	if (c->tfn(c->tuser, f, k, ++c->pos)) {
		c->rc = SQLITE_ABORT;
		return 1;
	}
	return 0;
}

/* ex = the MATCH form p[0..n) (cut), fo = its folded form (cut). */
static void forms(tctx *c, const char *p, size_t n)
{
	n = cut(p, n);
	memcpy(c->ex.s, p, n);
	c->ex.n = n;
	bool raw;
	size_t k = c->ref ? loa_text_fold_lower(p, n, c->fo.s)
			  : fold_tab((const unsigned char *)p, n, (unsigned char *)c->fo.s, &raw);
	c->fo.n = cut(c->fo.s, k);
}

static int put(tctx *c, int colocated, const char *s, size_t n, size_t start, size_t end)
{
	if (n == 0)
		return SQLITE_OK;
	int rc = c->xToken(c->pctx, colocated ? FTS5_TOKEN_COLOCATED : 0, s, (int)n, (int)start,
			   (int)end);
	if (rc != SQLITE_OK)
		c->rc = rc;
	return rc;
}

static bool same(const term *a, const term *b)
{
	return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
}

/* A plain term from the MATCH form p[0..n): folded (and exact colocated
 * when it differs) in a document; the chosen form in a query. */
static int put_forms(tctx *c, const char *p, size_t n, size_t start, size_t end, int colocated)
{
	if (c->fast)
		return fast_put(c, p, n) ? SQLITE_ABORT : SQLITE_OK;
	forms(c, p, n);
	if (c->query)
		return put(c, colocated, c->exact ? c->ex.s : c->fo.s, c->exact ? c->ex.n : c->fo.n,
			   start, end);
	int rc = put(c, colocated, c->fo.s, c->fo.n, start, end);
	if (rc == SQLITE_OK && c->fo.n && !same(&c->ex, &c->fo))
		rc = put(c, 1, c->ex.s, c->ex.n, start, end);
	return rc;
}

/* "_a_b": the bigram namespace (no syllable starts with '_'). */
static size_t bigram(char *out, const char *a, size_t an, const char *b, size_t bn)
{
	out[0] = '_';
	memcpy(out + 1, a, an);
	out[an + 1] = '_';
	memcpy(out + an + 2, b, bn);
	return an + 2 + bn;
}

static inline void keep_prev(tctx *c, const char *fo, size_t fon)
{
	memcpy(c->prev_fold, fo, fon);
	c->prev_fold_n = fon;
}

/* A syllable with its exact (MATCH) and folded forms. */
static int on_word_forms(tctx *c, const loa_token *t, const char *ex, size_t exn, const char *fo,
			 size_t fon)
{
	int rc = SQLITE_OK;
	bool cap = (t->flags & LOA_TOKF_CAPITAL) != 0;
	if (c->query) {
		if (!c->bigrams)
			return c->exact ? put(c, 0, ex, exn, t->start, t->end)
					: put(c, 0, fo, fon, t->start, t->end);
		/* "_hà nội" / "_ha_noi": the bigrams of adjacent syllables; a
		 * single syllable stands for itself */
		if (c->have_prev) {
			size_t k = bigram(c->bg, c->prev_fold, c->prev_fold_n, fo, fon);
			rc = put(c, 0, c->bg, k, c->prev_end, t->end);
			c->bigrams_in_word++;
		}
		keep_prev(c, fo, fon);
		c->prev_end = t->end;
		c->have_prev = true;
		return rc;
	}
	rc = put(c, 0, fo, fon, t->start, t->end);
	if (rc == SQLITE_OK && !(exn == fon && memcmp(ex, fo, fon) == 0))
		rc = put(c, 1, ex, exn, t->start, t->end);
	/* names: two adjacent capitalised syllables ("Hà Nội", "Nguyễn Văn") */
	if (rc == SQLITE_OK && cap && c->prev_cap && c->have_prev &&
	    (t->flags & LOA_TOKF_SPACE_BEFORE)) {
		size_t k = bigram(c->bg, c->prev_fold, c->prev_fold_n, fo, fon);
		rc = put(c, 1, c->bg, k, t->start, t->end);
	}
	if (cap)
		keep_prev(c, fo, fon); /* only a capitalised syllable starts a bigram */
	c->prev_cap = cap;
	c->have_prev = !(t->flags & LOA_TOKF_SENT_END);
	return rc;
}

static int on_word(tctx *c, const loa_token *t, const char *norm, size_t norm_len)
{
	forms(c, norm, norm_len);
	return on_word_forms(c, t, c->ex.s, c->ex.n, c->fo.s, c->fo.n);
}

/* Bigram query mode: a lone syllable is searched as itself. */
static int flush_prev(tctx *c)
{
	if (!c->query || !c->bigrams || !c->have_prev)
		return SQLITE_OK;
	c->have_prev = false;
	int rc = SQLITE_OK;
	if (c->bigrams_in_word == 0)
		rc = put(c, 0, c->prev_fold, c->prev_fold_n, 0, 0);
	c->bigrams_in_word = 0;
	return rc;
}

static bool is_space_at(const char *s, size_t i, size_t n)
{
	unsigned char b = (unsigned char)s[i];
	return b <= ' ' || (b == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0);
}

/* Class of a byte of an abbreviation: 1 letter (or UTF-8), 2 digit, 0 other. */
static int abbr_class(unsigned char b)
{
	if (b >= '0' && b <= '9')
		return 2;
	if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z')
		return 1;
	return b >= 0x80;
}

/* Offsets of a piece [a, b) of the normalised text of t: exact when the
 * normal form kept the length, else the whole token. */
static void piece_offsets(const loa_token *t, size_t norm_len, size_t a, size_t b, size_t *s,
			  size_t *e)
{
	if (norm_len == t->end - t->start) {
		*s = t->start + a;
		*e = t->start + b;
	} else {
		*s = t->start;
		*e = t->end;
	}
}

static int on_token(void *user, const loa_token *t, const char *text, const char *norm,
		    size_t norm_len)
{
	tctx *c = user;
	int rc = SQLITE_OK;
	if (c->query && c->bigrams) {
		if (t->type == LOA_TOK_WORD)
			return on_word(c, t, norm, norm_len) != SQLITE_OK;
		if (t->type == LOA_TOK_PUNCT && t->end - t->start == 1 && text[0] == '_')
			return 0; /* joins syllables */
		rc = flush_prev(c);
		if (rc != SQLITE_OK)
			return 1;
	}
	switch (t->type) {
	case LOA_TOK_WORD:
		rc = on_word(c, t, norm, norm_len);
		break;
	case LOA_TOK_PUNCT:
	case LOA_TOK_SYMBOL:
		c->have_prev = false;
		break;
	case LOA_TOK_HASHTAG:
	case LOA_TOK_MENTION: {
		/* without the sign (and leading '_', the bigram namespace) */
		c->have_prev = false;
		size_t a = 1;
		while (a < norm_len && norm[a] == '_')
			a++;
		size_t s, e;
		piece_offsets(t, norm_len, 0, norm_len, &s, &e);
		rc = put_forms(c, norm + a, norm_len - a, s, e, 0);
		break;
	}
	case LOA_TOK_ABBR: {
		/* its letter and digit runs at consecutive positions, as the same
		 * text written in lower case tokenizes: "TP.HCM" and "tp.hcm" ->
		 * tp hcm; "H5N1" -> h 5 n 1; "UBND" -> ubnd */
		c->have_prev = false;
		size_t a = 0;
		while (a < norm_len && rc == SQLITE_OK) {
			int k = abbr_class((unsigned char)norm[a]);
			if (!k) {
				a++;
				continue;
			}
			size_t b = a + 1;
			while (b < norm_len && abbr_class((unsigned char)norm[b]) == k)
				b++;
			size_t s, e;
			piece_offsets(t, norm_len, a, b, &s, &e);
			rc = put_forms(c, norm + a, b - a, s, e, 0);
			a = b;
		}
		break;
	}
	default: {
		/* numbers, dates, money...: one term, or its parts when spaced */
		c->have_prev = false;
		size_t a = 0;
		for (size_t i = 0; i <= norm_len && rc == SQLITE_OK; i++) {
			if (i == norm_len || is_space_at(norm, i, norm_len)) {
				if (i > a) {
					size_t s, e;
					piece_offsets(t, norm_len, a, i, &s, &e);
					rc = put_forms(c, norm + a, i - a, s, e, 0);
				}
				if (i < norm_len && (unsigned char)norm[i] == 0xC2)
					i++;
				a = i + 1;
			}
		}
		break;
	}
	}
	return rc != SQLITE_OK;
}

/* xTokenize's callback: raw tokens; words through the cache (not in the
 * reference mode), the rest normalised as loa_text_tokenize_norm() does. */
static int on_raw_norm(void *user, const loa_token *t, const char *text)
{
	tctx *c = user;
	size_t n = t->end - t->start;
	if (t->type == LOA_TOK_WORD && n <= WC_KEY && !c->ref) {
		wc_entry *tab = wc_table();
		if (tab) {
			uint64_t k[2];
			wc_entry *e = wc_set(tab, text, n, k);
			for (int w = 0; w < 2; w++)
				if (wc_is(&e[w], n, k)) {
					const wc_entry *x = &e[w];
					const char *ex = x->raw ? text : x->d;
					if (x->raw == 2) {
						memcpy(c->ex.s, text, n);
						c->ex.s[0] |= 0x20;
						ex = c->ex.s;
					}
					const char *fo = x->raw ? x->d : x->d + x->exn;
					return on_word_forms(c, t, ex, x->exn, fo, x->fon) != SQLITE_OK;
				}
			const char *norm;
			size_t norm_len;
			if (loa__text_tok_norm(t, text, LOA_NORM_MATCH, &c->out, &c->tmp, &norm,
					       &norm_len) != LOA_OK) {
				c->rc = SQLITE_NOMEM;
				return 1;
			}
			forms(c, norm, norm_len);
			wc_store(e, text, n, k, &c->ex, &c->fo);
			return on_word_forms(c, t, c->ex.s, c->ex.n, c->fo.s, c->fo.n) != SQLITE_OK;
		}
	}
	const char *norm;
	size_t norm_len;
	if (loa__text_tok_norm(t, text, LOA_NORM_MATCH, &c->out, &c->tmp, &norm, &norm_len) !=
	    LOA_OK) {
		c->rc = SQLITE_NOMEM;
		return 1;
	}
	return on_token(c, t, text, norm, norm_len);
}

static int xTokenize(Fts5Tokenizer *tok, void *pCtx, int flags, const char *pText, int nText,
		     int (*xToken)(void *, int, const char *, int, int, int))
{
	if (nText <= 0 || !pText)
		return SQLITE_OK;
	tctx *c = malloc(sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	c->pctx = pCtx;
	c->xToken = xToken;
	c->fast = false;
	c->ref = ref_mode;
	pthread_once(&ft_once, ft_init);
	c->query = (flags & FTS5_TOKENIZE_QUERY) != 0;
	c->exact = c->query && pText[0] == '=';
	c->rc = SQLITE_OK;
	c->bigrams = c->query && pText[0] == '_';
	c->have_prev = c->prev_cap = false;
	c->bigrams_in_word = 0;
	c->prev_end = 0;
	c->prev_fold_n = 0;
	/* a token is at most LOA_TOK_MAX_LEN bytes (composite ones a little
	 * more); its normal form at most 3 times that */
	loa_buf_init(&c->out, 4 * (size_t)LOA_TOK_MAX_LEN + 1024);
	loa_buf_init(&c->tmp, 4 * (size_t)LOA_TOK_MAX_LEN + 1024);
	int r = loa_text_tokenize(pText, (size_t)nText, on_raw_norm, c);
	if (r == 0 && c->rc == SQLITE_OK)
		flush_prev(c);
	int rc = c->rc != SQLITE_OK ? c->rc : (r ? SQLITE_NOMEM : SQLITE_OK);
	loa_buf_release(&c->out);
	loa_buf_release(&c->tmp);
	free(c);
	return rc;
}

/* Fast mode: a word is one term; other tokens as the tokenizer splits them
 * (on_token, whose put_forms comes back to fast_put). */
static int on_raw(void *user, const loa_token *t, const char *text)
{
	if (t->type == LOA_TOK_WORD)
		return fast_put(user, text, t->end - t->start);
	return on_token(user, t, text, text, t->end - t->start);
}

int loa_text_fts5_terms(const char *s, size_t n, loa_fts5_term_fn fn, void *user)
{
	if (!s || n == 0)
		return LOA_OK;
	tctx *c = malloc(sizeof *c);
	if (!c)
		return LOA_ENOMEM;
	memset(c, 0, offsetof(tctx, ex));
	c->fast = true;
	c->ref = ref_mode;
	pthread_once(&ft_once, ft_init);
	c->tfn = fn;
	c->tuser = user;
	c->pos = -1;
	c->rc = SQLITE_OK;
	loa_buf_init(&c->nb, 4 * (size_t)LOA_TOK_MAX_LEN + 1024);
	int r = loa_text_tokenize(s, n, on_raw, c);
	int rc = c->rc == SQLITE_ABORT ? 1 : (c->rc != SQLITE_OK || r) ? LOA_ENOMEM : LOA_OK;
	loa_buf_release(&c->nb);
	free(c);
	return rc;
}

int loa_text_fts5_register(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return LOA_ENOTFOUND;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api || api->iVersion < 2)
		return LOA_ENOTFOUND;
	static fts5_tokenizer tk = {xCreate, xDelete, xTokenize};
	if (api->xCreateTokenizer(api, LOA_FTS5_TOKENIZER, NULL, &tk, NULL) != SQLITE_OK)
		return LOA_EDB;
	return LOA_OK;
}
