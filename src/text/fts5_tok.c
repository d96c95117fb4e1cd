/*
 * fts5_tok.c - the "loa" FTS5 tokenizer (see fts5_tok.h for what it emits).
 */
#include "text/fts5_tok.h"
#include "text/text.h"
#include "text/text_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define TERM_MAX 256 /* longer terms are cut (at a UTF-8 boundary) */

typedef struct loa_fts5_tok {
	int unused;
} loa_fts5_tok;

typedef struct term {
	char s[2 * TERM_MAX + 2];
	size_t n;
} term;

typedef struct tctx {
	void *pctx;
	int (*xToken)(void *, int, const char *, int, int, int);
	bool query;
	bool exact; /* query mode: exact forms (string started with '=') */
	int rc;
	loa_buf nb, tmp; /* scratch for normalisation */
	/* previous syllable for bigrams */
	bool have_prev;
	term prev_exact, prev_fold;
	size_t prev_end;
	/* query: the previous syllable and whether a '_' joined it */
	bool joined;       /* '_' seen right after the previous syllable */
	size_t under_end;  /* end offset of that '_' */
	int bigrams_in_word; /* bigrams emitted for the current joined word */
} tctx;

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

/* Normalises text into t (cut to TERM_MAX bytes). */
static int norm_term(tctx *c, const char *s, size_t n, unsigned flags, term *t)
{
	loa_buf_reset(&c->nb);
	int rc = loa_text_normalize(s, n, flags, &c->nb);
	if (rc)
		return rc;
	size_t k = c->nb.len;
	if (k > TERM_MAX) {
		k = TERM_MAX;
		while (k > 0 && ((unsigned char)c->nb.data[k] & 0xC0) == 0x80)
			k--;
	}
	memcpy(t->s, c->nb.data, k);
	t->s[k] = '\0';
	t->n = k;
	return LOA_OK;
}

/* Sets t to the bytes p[0..n) cut to TERM_MAX at a UTF-8 boundary. */
static void set_term(term *t, const char *p, size_t n)
{
	if (n > TERM_MAX) {
		n = TERM_MAX;
		while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(t->s, p, n);
	t->s[n] = '\0';
	t->n = n;
}

/* The folded form of an already normalised (MATCH) term. */
static int fold_term(tctx *c, const term *ex, term *fo)
{
	bool ascii = true;
	for (size_t i = 0; i < ex->n && ascii; i++)
		ascii = (unsigned char)ex->s[i] < 0x80;
	if (ascii) {
		*fo = *ex;
		return LOA_OK;
	}
	loa_buf_reset(&c->nb);
	int rc = loa__text_norm_piece((const unsigned char *)ex->s, ex->n,
				      LOA_NORM_LOWER | LOA_NORM_FOLD, &c->nb, &c->tmp);
	if (rc)
		return rc;
	set_term(fo, c->nb.data ? c->nb.data : "", c->nb.len);
	return LOA_OK;
}

static int put(tctx *c, int colocated, const term *t, size_t start, size_t end)
{
	if (t->n == 0)
		return SQLITE_OK;
	int rc = c->xToken(c->pctx, colocated ? FTS5_TOKEN_COLOCATED : 0, t->s, (int)t->n,
			   (int)start, (int)end);
	if (rc != SQLITE_OK)
		c->rc = rc;
	return rc;
}

static void join(term *out, const term *a, const term *b)
{
	memcpy(out->s, a->s, a->n);
	out->s[a->n] = '_';
	memcpy(out->s + a->n + 1, b->s, b->n);
	out->n = a->n + 1 + b->n;
	out->s[out->n] = '\0';
}

/* A single term with its folded form colocated (document) or the chosen
 * form alone (query). */
static int put_pair(tctx *c, const char *s, size_t n, size_t start, size_t end, int colocated)
{
	term ex, fo;
	if (norm_term(c, s, n, LOA_NORM_MATCH, &ex) || norm_term(c, s, n, LOA_NORM_MATCH | LOA_NORM_FOLD, &fo))
		return SQLITE_NOMEM;
	if (c->query)
		return put(c, colocated, c->exact ? &ex : &fo, start, end);
	if (ex.n == 0)
		return SQLITE_OK;
	int rc = put(c, colocated, &ex, start, end);
	if (rc == SQLITE_OK && (fo.n != ex.n || memcmp(fo.s, ex.s, ex.n) != 0))
		rc = put(c, 1, &fo, start, end);
	return rc;
}

static int on_word(tctx *c, const loa_token *t, const char *norm, size_t norm_len)
{
	term ex, fo, bg;
	set_term(&ex, norm, norm_len);
	if (fold_term(c, &ex, &fo))
		return SQLITE_NOMEM;
	int rc = SQLITE_OK;
	if (c->query) {
		bool joined = c->have_prev && c->joined && c->under_end == t->start;
		const term *cur = c->exact ? &ex : &fo;
		const term *prev = c->exact ? &c->prev_exact : &c->prev_fold;
		if (joined) {
			/* "giay_phep": the first syllable was held back; emit bigrams */
			join(&bg, prev, cur);
			rc = put(c, 0, &bg, c->prev_end, t->end);
			c->bigrams_in_word++;
		} else {
			c->bigrams_in_word = 0;
		}
		/* a syllable that is not (yet) part of a joined word is emitted
		 * when we know the next token does not join it: see flush_prev */
		c->prev_exact = ex;
		c->prev_fold = fo;
		c->prev_end = t->end;
		c->have_prev = true;
		c->joined = false;
		return rc;
	}
	rc = put(c, 0, &ex, t->start, t->end);
	if (rc == SQLITE_OK && (fo.n != ex.n || memcmp(fo.s, ex.s, ex.n) != 0))
		rc = put(c, 1, &fo, t->start, t->end);
	if (rc == SQLITE_OK && c->have_prev && (t->flags & LOA_TOKF_SPACE_BEFORE)) {
		join(&bg, &c->prev_exact, &ex);
		rc = put(c, 1, &bg, t->start, t->end);
		term bf;
		join(&bf, &c->prev_fold, &fo);
		if (rc == SQLITE_OK && (bf.n != bg.n || memcmp(bf.s, bg.s, bg.n) != 0))
			rc = put(c, 1, &bf, t->start, t->end);
	}
	c->prev_exact = ex;
	c->prev_fold = fo;
	c->prev_end = t->end;
	c->have_prev = !(t->flags & LOA_TOKF_SENT_END);
	return rc;
}

/* Query mode: the held-back syllable, when no '_' joins it to the next. */
static int flush_prev(tctx *c)
{
	if (!c->query || !c->have_prev)
		return SQLITE_OK;
	c->have_prev = false;
	if (c->bigrams_in_word > 0) {
		c->bigrams_in_word = 0;
		return SQLITE_OK; /* the last syllable of a joined word */
	}
	const term *cur = c->exact ? &c->prev_exact : &c->prev_fold;
	/* offsets are not used for query terms */
	return put(c, 0, cur, 0, 0);
}

static int on_token(void *user, const loa_token *t, const char *text, const char *norm,
		    size_t norm_len)
{
	tctx *c = user;
	size_t n = t->end - t->start;
	int rc = SQLITE_OK;
	if (c->query) {
		if (t->type == LOA_TOK_PUNCT && n == 1 && text[0] == '_' && c->have_prev &&
		    c->prev_end == t->start) {
			c->joined = true;
			c->under_end = t->end;
			return 0;
		}
		if (t->type == LOA_TOK_WORD && c->have_prev && c->joined && c->under_end == t->start)
			return on_word(c, t, norm, norm_len) != SQLITE_OK;
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
	case LOA_TOK_MENTION:
		c->have_prev = false;
		rc = put_pair(c, text + 1, n - 1, t->start, t->end, 0);
		break;
	case LOA_TOK_ABBR: {
		c->have_prev = false;
		rc = put_pair(c, text, n, t->start, t->end, 0);
		if (c->query)
			break;
		/* parts colocated: "TP.HCM" -> tp, hcm */
		size_t a = 0;
		bool split = false;
		for (size_t i = 0; i <= n && rc == SQLITE_OK; i++) {
			if (i == n || text[i] == '.' || text[i] == '&' || text[i] == '-') {
				if (i < n)
					split = true;
				if (split && i > a)
					rc = put_pair(c, text + a, i - a, t->start + a, t->start + i, 1);
				a = i + 1;
			}
		}
		break;
	}
	default: {
		/* numbers, dates, money...: one term, or its parts when spaced */
		c->have_prev = false;
		size_t a = 0;
		bool first = true;
		for (size_t i = 0; i <= n && rc == SQLITE_OK; i++) {
			if (i == n || text[i] == ' ' || text[i] == '\t') {
				if (i > a) {
					rc = put_pair(c, text + a, i - a, t->start + a, t->start + i, 0);
					first = false;
				}
				a = i + 1;
			}
		}
		(void)first;
		break;
	}
	}
	return rc != SQLITE_OK;
}

static int xTokenize(Fts5Tokenizer *tok, void *pCtx, int flags, const char *pText, int nText,
		     int (*xToken)(void *, int, const char *, int, int, int))
{
	if (nText <= 0 || !pText)
		return SQLITE_OK;
	tctx *c = calloc(1, sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	c->pctx = pCtx;
	c->xToken = xToken;
	c->query = (flags & FTS5_TOKENIZE_QUERY) != 0;
	c->exact = c->query && pText[0] == '=';
	c->rc = SQLITE_OK;
	/* terms come from tokens (at most LOA_TOK_MAX_LEN bytes and a little) */
	loa_buf_init(&c->nb, 4 * (size_t)LOA_TOK_MAX_LEN + 1024);
	loa_buf_init(&c->tmp, 4 * (size_t)LOA_TOK_MAX_LEN + 1024);
	int r = loa_text_tokenize_norm(pText, (size_t)nText, LOA_NORM_MATCH, on_token, c);
	if (r == 0 && c->rc == SQLITE_OK)
		flush_prev(c);
	int rc = c->rc != SQLITE_OK ? c->rc : (r ? SQLITE_NOMEM : SQLITE_OK);
	loa_buf_release(&c->nb);
	loa_buf_release(&c->tmp);
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
