/*
 * lang.c - the words of a text (matching forms, folded hashes) and the
 * language detector described in lang.h.
 */
#include "analyze/lang.h"

#include "core/utf8.h"
#include "text/text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* Common Vietnamese function words and very frequent syllables, folded
 * (no diacritics), sorted for bsearch. */
static const char *const vi_stop[] = {
	"ai", "anh", "ba", "bang", "bi", "boi", "cac", "cai", "can",
	"cho", "chu", "chua", "chung", "co", "con", "cua", "cung", "da",
	"dang", "day", "de", "den", "deu", "do", "duoc", "gi", "ha",
	"hay", "ho", "hon", "khi", "khong", "kia", "la", "lai", "lam",
	"len", "luc", "ma", "minh", "moi", "mot", "nao", "nay", "nen",
	"neu", "ngay", "nguoi", "nhieu", "nhu", "nhung", "noi", "nua", "o",
	"ong", "qua", "ra", "rang", "rat", "rieng", "roi", "sau", "se",
	"sua", "tai", "thay", "the", "theo", "thi", "thoi", "toi", "tren",
	"trong", "truoc", "tu", "va", "van", "vao", "ve", "vi", "viec",
	"voi", "vua",
};

/* Common English function words (lower case, ASCII words only). */
static const char *const en_stop[] = {
	"a",     "about", "after", "also", "and",   "are",   "as",    "at",    "be",
	"been",  "but",   "by",    "for",  "from",  "had",   "has",   "have",  "he",
	"her",   "his",   "in",    "into", "is",    "it",    "its",   "more",  "not",
	"of",    "on",    "or",    "our",  "she",   "than",  "that",  "the",   "their",
	"there", "they",  "this",  "to",   "was",   "we",    "were",  "what",  "when",
	"which", "who",   "will",  "with", "would", "you",
};

typedef struct key_n {
	const char *p;
	size_t n;
} key_n;

static int cmp_key(const void *k, const void *e)
{
	const key_n *a = k;
	const char *b = *(const char *const *)e;
	size_t bn = strlen(b);
	size_t m = a->n < bn ? a->n : bn;
	int c = memcmp(a->p, b, m);
	if (c)
		return c;
	return a->n < bn ? -1 : a->n > bn ? 1 : 0;
}

static bool in_list(const char *const *list, size_t n, const char *s, size_t len)
{
	if (len == 0 || len > 8)
		return false;
	key_n k = {s, len};
	return bsearch(&k, list, n, sizeof list[0], cmp_key) != NULL;
}

bool loa_an_is_stop(const char *folded, size_t n)
{
	return in_list(vi_stop, sizeof vi_stop / sizeof vi_stop[0], folded, n) ||
	       in_list(en_stop, sizeof en_stop / sizeof en_stop[0], folded, n);
}

/* The stop lists as sorted folded hashes, for the tokeniser's fast path. */
#define NVI (sizeof vi_stop / sizeof vi_stop[0])
#define NEN (sizeof en_stop / sizeof en_stop[0])
static uint64_t vi_hash[NVI], en_hash[NEN];
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void build_hashes(void);

static bool has_hash(const uint64_t *a, size_t n, uint64_t h)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && a[lo] == h;
}

/* Folds a matching form into out (ASCII where the letters are Vietnamese or
 * Latin; other code points are kept as UTF-8) and returns its hash. */
static uint64_t fold_word(const char *s, size_t n, char *out, size_t cap, size_t *outn)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t k = 0;
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l;
		if (p[i] < 0x80) {
			cp = p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32u : p[i];
			l = 1;
		} else {
			l = loa_utf8_decode(p + i, n - i, &cp);
			i += l;
			/* combining marks of decomposed text fold away, as the
			 * precomposed letters' marks do */
			if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1DC0 && cp <= 0x1DFF))
				continue;
			cp = loa_text_fold_cp(cp);
			cp = cp >= 'A' && cp <= 'Z' ? cp + 32 : cp < 0x80 ? cp : loa_text_lower_cp(cp);
			l = 0;
		}
		i += l;
		unsigned char e[4];
		size_t el = cp < 0x80 ? (e[0] = (unsigned char)cp, 1) : loa_utf8_encode(cp, e);
		for (size_t j = 0; j < el; j++) {
			h ^= e[j];
			h *= 0x100000001b3ULL;
			if (k < cap)
				out[k] = (char)e[j];
			k++;
		}
	}
	*outn = k;
	return loa_an_mix64(h);
}

uint64_t loa_an_fold_hash(const char *s, size_t n)
{
	char tmp[64];
	size_t k;
	return fold_word(s, n, tmp, sizeof tmp, &k);
}

static void build_hashes(void)
{
	for (size_t i = 0; i < NVI; i++)
		vi_hash[i] = loa_an_fold_hash(vi_stop[i], strlen(vi_stop[i]));
	for (size_t i = 0; i < NEN; i++)
		en_hash[i] = loa_an_fold_hash(en_stop[i], strlen(en_stop[i]));
	qsort(vi_hash, NVI, sizeof vi_hash[0], cmp_u64);
	qsort(en_hash, NEN, sizeof en_hash[0], cmp_u64);
}

bool loa_an_is_stop_word(const char *s, size_t n)
{
	char fold[16];
	size_t k;
	fold_word(s, n, fold, sizeof fold, &k);
	return k <= sizeof fold && loa_an_is_stop(fold, k);
}

void loa_an_doc_init(loa_an_doc *d)
{
	memset(d, 0, sizeof *d);
	loa_buf_init(&d->norm, 4 * LOA_AN_TEXT_MAX + 4096);
}

void loa_an_doc_release(loa_an_doc *d)
{
	loa_buf_release(&d->norm);
	free(d->w);
	memset(d, 0, sizeof *d);
}

typedef struct doc_ctx {
	loa_an_doc *d;
	int err;
} doc_ctx;

static int on_tok(void *user, const loa_token *tok, const char *text)
{
	/* the raw token: case and composition are undone by fold_word */
	const char *norm = text;
	size_t norm_len = tok->end - tok->start;
	doc_ctx *c = user;
	loa_an_doc *d = c->d;
	unsigned fl = 0;
	switch (tok->type) {
	case LOA_TOK_WORD:
		fl = LOA_ANW_WORD;
		break;
	case LOA_TOK_ABBR:
		break;
	case LOA_TOK_NUMBER:
	case LOA_TOK_PERCENT:
	case LOA_TOK_MONEY:
	case LOA_TOK_DATE:
	case LOA_TOK_TIME:
		fl = LOA_ANW_NUM;
		break;
	default:
		if ((tok->flags & LOA_TOKF_SENT_END) && d->n > 0)
			d->w[d->n - 1].flags |= LOA_ANW_SENT;
		return 0;
	}
	if (d->n >= LOA_AN_WORDS_MAX) {
		d->truncated = true;
		return 1; /* stop */
	}
	if (d->n == d->cap) {
		size_t nc = d->cap ? 2 * d->cap : 256;
		loa_an_word *w = realloc(d->w, nc * sizeof *w);
		if (!w) {
			c->err = LOA_ENOMEM;
			return 1;
		}
		d->w = w;
		d->cap = nc;
	}
	size_t off = d->norm.len;
	if (loa_buf_append(&d->norm, norm, norm_len)) {
		d->truncated = true;
		return 1;
	}
	char fold[16];
	size_t fn;
	loa_an_word *w = &d->w[d->n++];
	w->off = (uint32_t)off;
	w->len = (uint32_t)norm_len;
	w->fh = fold_word(norm, norm_len, fold, sizeof fold, &fn);
	if (fl & LOA_ANW_WORD) {
		d->words++;
		bool ascii = (tok->flags & LOA_TOKF_ASCII) != 0;
		bool short_word = fn <= 8;
		bool vstop = short_word && has_hash(vi_hash, NVI, w->fh);
		bool estop = ascii && short_word && has_hash(en_hash, NEN, w->fh);
		if (vstop || estop)
			fl |= LOA_ANW_STOP;
		if (d->judged < LOA_LANG_WORDS) {
			d->judged++;
			if (tok->flags & LOA_TOKF_DIACRITIC)
				d->diacritic++;
			if (loa_text_is_syllable(text, tok->end - tok->start))
				d->syllables++;
			if (vstop)
				d->vi_stop++;
			if (estop)
				d->en_stop++;
		}
	}
	if (tok->flags & LOA_TOKF_SENT_END)
		fl |= LOA_ANW_SENT;
	w->flags = fl;
	return 0;
}

int loa_an_doc_set(loa_an_doc *d, const char *s, size_t n)
{
	loa_buf_reset(&d->norm);
	d->n = 0;
	d->words = d->diacritic = d->syllables = d->vi_stop = d->en_stop = d->judged = 0;
	d->truncated = false;
	if (!s)
		n = 0;
	if (n > LOA_AN_TEXT_MAX) {
		n = loa_utf8_truncate(s, n, LOA_AN_TEXT_MAX);
		d->truncated = true;
	}
	if (n == 0)
		return LOA_OK;
	pthread_once(&hash_once, build_hashes);
	doc_ctx c = {d, 0};
	/* words are compared folded (fold_word), so no normalisation pass */
	loa_text_tokenize(s, n, on_tok, &c);
	return c.err ? c.err : LOA_OK;
}

const char *loa_an_doc_lang(const loa_an_doc *d)
{
	double w = (double)d->judged;
	if (d->judged == 0)
		return "und";
	if ((double)d->en_stop >= 0.10 * w && d->en_stop > d->vi_stop)
		return "en";
	if ((double)d->diacritic >= 0.20 * w)
		return "vi";
	if ((double)d->syllables >= 0.75 * w && (double)d->vi_stop >= 0.08 * w)
		return "vi";
	return "other";
}

const char *loa_lang_detect(const char *s, size_t n)
{
	loa_an_doc d;
	loa_an_doc_init(&d);
	const char *r = loa_an_doc_set(&d, s, n) == LOA_OK ? loa_an_doc_lang(&d) : "und";
	loa_an_doc_release(&d);
	return r;
}
