/*
 * diff.c - word-level diff (Myers) and near-duplicate similarity.
 */
#include "workflow/diff.h"
#include "text/text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* ---- tokens ---- */

typedef struct tok {
	size_t start, end;
	uint64_t h;
	bool word;
} tok;

typedef struct toks {
	tok *t;
	size_t n, cap;
} toks;

static bool is_word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_';
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ull;
	}
	return h;
}

static int tokenize(const char *s, size_t n, toks *out)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i + 1;
		unsigned char c = (unsigned char)s[i];
		bool word = is_word_byte(c);
		if (word)
			while (j < n && is_word_byte((unsigned char)s[j]))
				j++;
		else if (is_space(c))
			while (j < n && is_space((unsigned char)s[j]))
				j++;
		if (out->n == out->cap) {
			if (out->n >= LOA_WF_DIFF_TOKENS_MAX)
				return LOA_ETOOBIG;
			size_t nc = out->cap ? out->cap * 2 : 256;
			tok *t = realloc(out->t, nc * sizeof *t);
			if (!t)
				return LOA_ENOMEM;
			out->t = t;
			out->cap = nc;
		}
		out->t[out->n++] = (tok){i, j, hash_bytes(s + i, j - i), word};
		i = j;
	}
	return LOA_OK;
}

static bool tok_eq(const char *a, const tok *x, const char *b, const tok *y)
{
	return x->h == y->h && x->end - x->start == y->end - y->start &&
	       memcmp(a + x->start, b + y->start, x->end - x->start) == 0;
}

/* ---- the diff ---- */

static int push_op(loa_wf_diff *d, int op, size_t start, size_t end)
{
	if (start == end)
		return LOA_OK;
	if (d->n && d->ops[d->n - 1].op == op && d->ops[d->n - 1].end == start) {
		d->ops[d->n - 1].end = end;
		return LOA_OK;
	}
	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 32;
		loa_wf_op *o = realloc(d->ops, nc * sizeof *o);
		if (!o)
			return LOA_ENOMEM;
		d->ops = o;
		d->cap = nc;
	}
	d->ops[d->n++] = (loa_wf_op){op, start, end};
	return LOA_OK;
}

typedef struct edit {
	int op;
	size_t i; /* token index in a (EQ, DEL) or b (INS) */
} edit;

/* Myers' greedy algorithm on a[0..n), b[0..m); appends the edit script
 * (forward order) to *script. Returns LOA_ETOOBIG when D exceeds the cap. */
static int myers(const char *as, const tok *a, size_t n, const char *bs, const tok *b, size_t m,
		 edit **script, size_t *slen)
{
	long max = (long)(n + m);
	if (max > LOA_WF_DIFF_D_MAX * 2L + 2)
		max = LOA_WF_DIFF_D_MAX;
	long off = max + 1;
	long width = 2 * max + 3;
	long *v = calloc((size_t)width, sizeof *v);
	long **trace = calloc((size_t)max + 2, sizeof *trace);
	if (!v || !trace) {
		free(v);
		free(trace);
		return LOA_ENOMEM;
	}
	long dfound = -1;
	int rc = LOA_OK;
	for (long dd = 0; dd <= max && dfound < 0; dd++) {
		for (long k = -dd; k <= dd; k += 2) {
			long x;
			if (k == -dd || (k != dd && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			long y = x - k;
			while (x < (long)n && y < (long)m && tok_eq(as, &a[x], bs, &b[y])) {
				x++;
				y++;
			}
			v[off + k] = x;
			if (x >= (long)n && y >= (long)m) {
				dfound = dd;
				break;
			}
		}
		/* keep v after round dd (only the 2dd+1 diagonals used) */
		trace[dd] = malloc((size_t)(2 * dd + 1) * sizeof(long));
		if (!trace[dd]) {
			rc = LOA_ENOMEM;
			break;
		}
		memcpy(trace[dd], v + off - dd, (size_t)(2 * dd + 1) * sizeof(long));
	}
	if (rc == LOA_OK && dfound < 0)
		rc = LOA_ETOOBIG;
	if (rc == LOA_OK) {
		/* backtrack: edits in reverse */
		size_t cap = n + m + 1, len = 0;
		edit *rev = malloc(cap * sizeof *rev);
		if (!rev) {
			rc = LOA_ENOMEM;
		} else {
			long x = (long)n, y = (long)m;
			for (long dd = dfound; dd > 0; dd--) {
				long *pv = trace[dd - 1]; /* v after round dd-1: index k+(dd-1) */
				long k = x - y;
				long pk;
				if (k == -dd || (k != dd && pv[k - 1 + (dd - 1)] < pv[k + 1 + (dd - 1)]))
					pk = k + 1;
				else
					pk = k - 1;
				long px = pv[pk + (dd - 1)];
				long py = px - pk;
				while (x > px && y > py) {
					rev[len++] = (edit){LOA_WF_EQ, (size_t)(x - 1)};
					x--;
					y--;
				}
				if (x == px)
					rev[len++] = (edit){LOA_WF_INS, (size_t)(y - 1)};
				else
					rev[len++] = (edit){LOA_WF_DEL, (size_t)(x - 1)};
				x = px;
				y = py;
			}
			while (x > 0 && y > 0) {
				rev[len++] = (edit){LOA_WF_EQ, (size_t)(x - 1)};
				x--;
				y--;
			}
			for (size_t i = 0; i < len / 2; i++) {
				edit t = rev[i];
				rev[i] = rev[len - 1 - i];
				rev[len - 1 - i] = t;
			}
			*script = rev;
			*slen = len;
		}
	}
	for (long i = 0; i <= max + 1; i++)
		free(trace[i]);
	free(trace);
	free(v);
	return rc;
}

static int add_tok(loa_wf_diff *d, int op, const tok *t)
{
	if (t->word) {
		if (op == LOA_WF_DEL)
			d->words_del++;
		else if (op == LOA_WF_INS)
			d->words_ins++;
	}
	return push_op(d, op, t->start, t->end);
}

int loa_wf_diff_texts(const char *a, size_t an, const char *b, size_t bn, loa_wf_diff *d,
		      loa_err *err)
{
	memset(d, 0, sizeof *d);
	toks ta = {0}, tb = {0};
	int rc = tokenize(a, an, &ta);
	if (rc == LOA_OK)
		rc = tokenize(b, bn, &tb);
	if (rc) {
		free(ta.t);
		free(tb.t);
		return loa_err_set(err, rc, rc == LOA_ETOOBIG ? "văn bản quá dài để so sánh / text too long to diff"
							       : "out of memory");
	}
	size_t pre = 0;
	while (pre < ta.n && pre < tb.n && tok_eq(a, &ta.t[pre], b, &tb.t[pre]))
		pre++;
	size_t suf = 0;
	while (suf < ta.n - pre && suf < tb.n - pre &&
	       tok_eq(a, &ta.t[ta.n - 1 - suf], b, &tb.t[tb.n - 1 - suf]))
		suf++;
	for (size_t i = 0; rc == LOA_OK && i < pre; i++)
		rc = add_tok(d, LOA_WF_EQ, &ta.t[i]);
	size_t na = ta.n - pre - suf, nb = tb.n - pre - suf;
	edit *script = NULL;
	size_t slen = 0;
	/* an empty text has no token array: no pointer arithmetic on NULL */
	int mr = rc ? rc : myers(a, ta.t ? ta.t + pre : NULL, na, b, tb.t ? tb.t + pre : NULL, nb,
				 &script, &slen);
	if (mr == LOA_OK) {
		for (size_t i = 0; rc == LOA_OK && i < slen; i++) {
			const tok *t = script[i].op == LOA_WF_INS ? &tb.t[pre + script[i].i] : &ta.t[pre + script[i].i];
			rc = add_tok(d, script[i].op, t);
		}
	} else if (mr == LOA_ETOOBIG) {
		/* too different: the middle is replaced as a whole */
		for (size_t i = 0; rc == LOA_OK && i < na; i++)
			rc = add_tok(d, LOA_WF_DEL, &ta.t[pre + i]);
		for (size_t i = 0; rc == LOA_OK && i < nb; i++)
			rc = add_tok(d, LOA_WF_INS, &tb.t[pre + i]);
	} else {
		rc = mr;
	}
	free(script);
	for (size_t i = 0; rc == LOA_OK && i < suf; i++)
		rc = add_tok(d, LOA_WF_EQ, &ta.t[ta.n - suf + i]);
	free(ta.t);
	free(tb.t);
	if (rc) {
		loa_wf_diff_release(d);
		return loa_err_set(err, rc, "out of memory");
	}
	return LOA_OK;
}

void loa_wf_diff_release(loa_wf_diff *d)
{
	free(d->ops);
	memset(d, 0, sizeof *d);
}

static int esc_range(loa_buf *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc;
		switch (p[i]) {
		case '&': rc = loa_buf_puts(out, "&amp;"); break;
		case '<': rc = loa_buf_puts(out, "&lt;"); break;
		case '>': rc = loa_buf_puts(out, "&gt;"); break;
		case '"': rc = loa_buf_puts(out, "&quot;"); break;
		case '\'': rc = loa_buf_puts(out, "&#39;"); break;
		default: rc = loa_buf_putc(out, p[i]);
		}
		if (rc)
			return rc;
	}
	return LOA_OK;
}

int loa_wf_diff_html(const loa_wf_diff *d, const char *a, const char *b, loa_buf *out)
{
	int rc = LOA_OK;
	for (size_t i = 0; rc == LOA_OK && i < d->n; i++) {
		const loa_wf_op *o = &d->ops[i];
		const char *src = o->op == LOA_WF_INS ? b : a;
		if (o->op == LOA_WF_DEL)
			rc = loa_buf_puts(out, "<del>");
		else if (o->op == LOA_WF_INS)
			rc = loa_buf_puts(out, "<ins>");
		if (!rc)
			rc = esc_range(out, src + o->start, o->end - o->start);
		if (!rc && o->op == LOA_WF_DEL)
			rc = loa_buf_puts(out, "</del>");
		else if (!rc && o->op == LOA_WF_INS)
			rc = loa_buf_puts(out, "</ins>");
	}
	return rc;
}

/* ---- similarity ---- */

static const char *const stop_words[] = {
	"a", "ai", "anh", "ban", "bao", "cac", "chi", "cho", "chua", "co", "cua", "da", "dang", "de",
	"den", "duoc", "gi", "hay", "hoi", "khong", "la", "lam", "ma", "minh", "moi", "nao", "nay",
	"nhe", "nhu", "nhung", "oi", "ong", "sao", "se", "thi", "toi", "trong", "tu", "va", "ve",
	"vi", "voi", "xin", "cam", "on", "em", "da", "thua", NULL};

static bool is_stop(const char *w, size_t n)
{
	for (const char *const *s = stop_words; *s; s++)
		if (strlen(*s) == n && memcmp(*s, w, n) == 0)
			return true;
	return false;
}

typedef struct hset {
	uint64_t *h;
	size_t n, cap;
} hset;

static int hset_add(hset *s, uint64_t h)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		if (nc > (1u << 20))
			return LOA_ETOOBIG;
		uint64_t *p = realloc(s->h, nc * sizeof *p);
		if (!p)
			return LOA_ENOMEM;
		s->h = p;
		s->cap = nc;
	}
	s->h[s->n++] = h;
	return LOA_OK;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

static void shingles(const char *text, hset *out)
{
	loa_buf f;
	loa_buf_init(&f, (size_t)4 << 20);
	size_t n = strlen(text);
	if (n > ((size_t)1 << 20))
		n = (size_t)1 << 20;
	if (loa_text_normalize(text, n, LOA_NORM_MATCH | LOA_NORM_FOLD, &f) != LOA_OK || !f.data) {
		loa_buf_release(&f);
		return;
	}
	uint64_t prev = 0;
	bool have_prev = false;
	size_t i = 0;
	while (i < f.len) {
		if (!is_word_byte((unsigned char)f.data[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < f.len && is_word_byte((unsigned char)f.data[j]))
			j++;
		if (!is_stop(f.data + i, j - i)) {
			uint64_t h = hash_bytes(f.data + i, j - i);
			if (hset_add(out, h))
				break;
			if (have_prev && hset_add(out, prev * 31 + h + 0x9e3779b97f4a7c15ull))
				break;
			prev = h;
			have_prev = true;
		}
		i = j;
	}
	loa_buf_release(&f);
	if (out->n > 1)
		qsort(out->h, out->n, sizeof *out->h, cmp_u64);
	size_t k = 0;
	for (size_t x = 0; x < out->n; x++)
		if (k == 0 || out->h[k - 1] != out->h[x])
			out->h[k++] = out->h[x];
	out->n = k;
}

double loa_wf_similarity(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	hset x = {0}, y = {0};
	shingles(a, &x);
	shingles(b, &y);
	size_t i = 0, j = 0, inter = 0;
	while (i < x.n && j < y.n) {
		if (x.h[i] == y.h[j]) {
			inter++;
			i++;
			j++;
		} else if (x.h[i] < y.h[j]) {
			i++;
		} else {
			j++;
		}
	}
	double sim = 0;
	size_t uni = x.n + y.n - inter;
	size_t mn = x.n < y.n ? x.n : y.n;
	if (uni)
		sim = (double)inter / (double)uni;
	if (mn >= 10) {
		double c = 0.7 * (double)inter / (double)mn;
		if (c > sim)
			sim = c;
	}
	free(x.h);
	free(y.h);
	return sim;
}
