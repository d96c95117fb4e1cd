/*
 * query.c - the monitoring query language: lexer and recursive-descent
 * parser (grammar in query.h, reference in docs/search.md).
 */
#include "search/query.h"
#include "core/buf.h"
#include "core/str.h"
#include "core/utf8.h"
#include "core/vec.h"
#include "text/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

typedef enum {
	T_EOF,
	T_LP,
	T_RP,
	T_AND,
	T_OR,
	T_NOT,
	T_MINUS,
	T_NEAR,
	T_WORD,
	T_PHRASE,
	T_FIELD,
} tkind;

typedef struct tok {
	tkind kind;
	size_t pos, end; /* byte range in src (end: first byte after) */
	const char *s;   /* WORD/PHRASE content */
	size_t n;
	bool prefix;     /* WORD ending in '*' */
	int near;        /* NEAR n */
	bool ordered;    /* ONEAR */
	int field;       /* FIELD */
} tok;

typedef struct parser {
	const char *src;
	size_t len;
	size_t p; /* lexer position */
	tok cur;
	bool have;
	loa_query *q;
	loa_ms now;
	size_t nodes;
	int depth;
	loa_err *err;
	size_t errpos; /* 1-based, 0 = none */
	int rc;
} parser;

static const char *const field_names[] = {
	[LOA_QF_ANY] = "",	  [LOA_QF_TITLE] = "title",     [LOA_QF_SOURCE] = "source",
	[LOA_QF_ORG] = "org",	  [LOA_QF_KIND] = "kind",	[LOA_QF_PLATFORM] = "platform",
	[LOA_QF_TONE] = "tone",	  [LOA_QF_LANG] = "lang",	[LOA_QF_AUTHOR] = "author",
	[LOA_QF_URL] = "url",
};
#define F_SINCE 100
#define F_UNTIL 101

const char *loa_qfield_name(loa_qfield f)
{
	return (unsigned)f < sizeof field_names / sizeof field_names[0] ? field_names[f] : "";
}

int loa_qfield_parse(const char *s, size_t n)
{
	loa_str k = {s, n};
	for (int i = LOA_QF_TITLE; i <= LOA_QF_URL; i++)
		if (loa_str_ieq(k, field_names[i]))
			return i;
	if (loa_str_ieq(k, "since"))
		return F_SINCE;
	if (loa_str_ieq(k, "until"))
		return F_UNTIL;
	return -1;
}

/* ---- errors ----------------------------------------------------------- */

__attribute__((format(printf, 5, 6))) static int perr(parser *P, int code, size_t pos,
						       const char *en, const char *vi_fmt, ...)
{
	if (P->rc)
		return P->rc;
	char vi[256];
	va_list ap;
	va_start(ap, vi_fmt);
	vsnprintf(vi, sizeof vi, vi_fmt, ap);
	va_end(ap);
	size_t col = loa_utf8_count(P->src, pos) + 1;
	P->errpos = pos + 1;
	P->rc = loa_err_set(P->err, code, "vị trí %zu (ký tự %zu): %s / position %zu (character %zu): %s",
			    pos + 1, col, vi, pos + 1, col, en);
	return P->rc;
}

static int expected(parser *P, size_t pos, const char *vi, const char *en)
{
	char e[160];
	snprintf(e, sizeof e, "expected %s", en);
	return perr(P, LOA_EPARSE, pos, e, "cần %s", vi);
}

/* ---- lexer ------------------------------------------------------------ */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_word_char(char c)
{
	return !is_space(c) && c != '(' && c != ')' && c != '"' && c != '\0';
}

static bool is_keyword(const char *s, size_t n, const char *kw)
{
	size_t k = strlen(kw);
	return n == k && memcmp(s, kw, k) == 0;
}

static int lex(parser *P, tok *t)
{
	const char *s = P->src;
	size_t p = P->p, n = P->len;
	while (p < n && is_space(s[p]))
		p++;
	memset(t, 0, sizeof *t);
	t->pos = p;
	if (p >= n) {
		t->kind = T_EOF;
		t->end = p;
		P->p = p;
		return LOA_OK;
	}
	char c = s[p];
	if (c == '(' || c == ')') {
		t->kind = c == '(' ? T_LP : T_RP;
		t->end = p + 1;
		P->p = p + 1;
		return LOA_OK;
	}
	if (c == '"') {
		size_t q = p + 1;
		while (q < n && s[q] != '"')
			q++;
		if (q >= n) {
			char vi[96], en[96];
			snprintf(vi, sizeof vi, "dấu '\"' đóng cụm từ mở ở vị trí %zu", p + 1);
			snprintf(en, sizeof en, "a closing '\"' for the phrase opened at %zu", p + 1);
			return expected(P, n, vi, en);
		}
		t->kind = T_PHRASE;
		t->s = s + p + 1;
		t->n = q - p - 1;
		t->end = q + 1;
		P->p = q + 1;
		return LOA_OK;
	}
	if (c == '-' && p + 1 < n && (is_word_char(s[p + 1]) || s[p + 1] == '"' || s[p + 1] == '(') &&
	    s[p + 1] != '-' && (p == 0 || is_space(s[p - 1]) || s[p - 1] == '(')) {
		t->kind = T_MINUS;
		t->end = p + 1;
		P->p = p + 1;
		return LOA_OK;
	}
	size_t q = p;
	while (q < n && is_word_char(s[q])) {
		if (s[q] == ':' && q > p) {
			/* field? letters only before ':' */
			bool letters = true;
			for (size_t i = p; i < q; i++)
				if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
					letters = false;
			if (letters) {
				int f = loa_qfield_parse(s + p, q - p);
				if (f >= 0) {
					t->kind = T_FIELD;
					t->field = f;
					t->end = q + 1;
					P->p = q + 1;
					return LOA_OK;
				}
				if (!(q + 1 < n && s[q + 1] == '/'))
					return perr(P, LOA_EPARSE, p,
						    "unknown field (title source org kind platform tone "
						    "lang author url since until)",
						    "trường không rõ '%.*s' (title source org kind "
						    "platform tone lang author url since until)",
						    (int)(q - p), s + p);
			}
		}
		q++;
	}
	t->end = q;
	const char *w = s + p;
	size_t wn = q - p;
	if (is_keyword(w, wn, "AND")) {
		t->kind = T_AND;
	} else if (is_keyword(w, wn, "OR")) {
		t->kind = T_OR;
	} else if (is_keyword(w, wn, "NOT")) {
		t->kind = T_NOT;
	} else if ((wn > 5 && memcmp(w, "NEAR/", 5) == 0) || (wn > 6 && memcmp(w, "ONEAR/", 6) == 0) ||
		   is_keyword(w, wn, "NEAR") || is_keyword(w, wn, "ONEAR")) {
		bool ordered = w[0] == 'O';
		size_t k = ordered ? 6 : 5;
		if (wn <= k)
			return expected(P, p + wn, "'/n' sau NEAR (ví dụ NEAR/5)",
					"'/n' after NEAR (e.g. NEAR/5)");
		int64_t v;
		if (loa_parse_i64n((loa_str){w + k, wn - k}, &v) || v < 0)
			return expected(P, p + k, "một số không âm sau NEAR/",
					"a non-negative number after NEAR/");
		if (v > LOA_QUERY_MAX_NEAR)
			return perr(P, LOA_ETOOBIG, p + k, "NEAR distance too large (max 1000)",
				    "khoảng cách NEAR quá lớn (tối đa %d)", LOA_QUERY_MAX_NEAR);
		t->kind = T_NEAR;
		t->near = (int)v;
		t->ordered = ordered;
	} else {
		t->kind = T_WORD;
		t->s = w;
		t->n = wn;
		for (size_t i = 0; i < wn; i++) {
			if (w[i] != '*')
				continue;
			if (i + 1 != wn)
				return perr(P, LOA_EPARSE, p + i, "'*' is allowed only at the end of a word",
					    "'*' chỉ được đặt ở cuối từ");
			t->prefix = true;
			t->n = wn - 1;
		}
	}
	P->p = q;
	return LOA_OK;
}

static tok *peek(parser *P)
{
	if (!P->have) {
		if (lex(P, &P->cur)) {
			P->cur.kind = T_EOF;
		}
		P->have = true;
	}
	return &P->cur;
}

static void advance(parser *P)
{
	P->have = false;
}

/* ---- nodes ------------------------------------------------------------ */

static loa_qnode *node(parser *P, loa_qn_kind k, size_t pos)
{
	if (P->rc)
		return NULL;
	if (++P->nodes > LOA_QUERY_MAX_NODES) {
		perr(P, LOA_ETOOBIG, pos, "query too long (too many terms)",
		     "truy vấn quá dài (quá %d thành phần)", LOA_QUERY_MAX_NODES);
		return NULL;
	}
	loa_qnode *x = loa_arena_alloc(&P->q->arena, sizeof *x);
	if (!x) {
		P->rc = loa_err_set(P->err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		return NULL;
	}
	memset(x, 0, sizeof *x);
	x->kind = k;
	x->pos = pos;
	x->since = x->until = LOA_TIME_NONE;
	return x;
}

typedef LOA_VEC(loa_qnode *) nodevec;

/* Makes an n-ary node of kind k from v (flattening kids of the same kind),
 * or returns the single element. Frees v. */
static loa_qnode *nary(parser *P, loa_qn_kind k, nodevec *v, size_t pos)
{
	loa_qnode *r = NULL;
	if (P->rc)
		goto out;
	if (v->len == 1) {
		r = v->items[0];
		goto out;
	}
	size_t total = 0;
	for (size_t i = 0; i < v->len; i++)
		total += v->items[i]->kind == k ? v->items[i]->nkids : 1;
	r = node(P, k, pos);
	if (!r)
		goto out;
	r->kids = loa_arena_alloc(&P->q->arena, total * sizeof *r->kids);
	if (!r->kids) {
		P->rc = loa_err_set(P->err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		r = NULL;
		goto out;
	}
	for (size_t i = 0; i < v->len; i++) {
		loa_qnode *x = v->items[i];
		if (x->kind == k) {
			for (size_t j = 0; j < x->nkids; j++)
				r->kids[r->nkids++] = x->kids[j];
		} else {
			r->kids[r->nkids++] = x;
		}
	}
out:
	loa_vec_release(v);
	return r;
}

static bool has_diacritics(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		i += loa_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (loa_text_has_diacritic(cp) || (cp >= 0x300 && cp <= 0x36f))
			return true;
	}
	return false;
}

typedef struct tokcount {
	size_t words;
} tokcount;

static int count_tok(void *user, const loa_token *t, const char *text)
{
	tokcount *c = user;
	if (t->type != LOA_TOK_PUNCT && t->type != LOA_TOK_SYMBOL)
		c->words++;
	return 0;
}

static loa_qnode *term(parser *P, const tok *t, loa_qfield field)
{
	loa_qnode *x = node(P, LOA_QN_TERM, t->pos);
	if (!x)
		return NULL;
	char *s = loa_arena_strndup(&P->q->arena, t->s, t->n);
	if (!s) {
		P->rc = loa_err_set(P->err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		return NULL;
	}
	for (char *c = s; *c; c++)
		if (*c == '_' || (unsigned char)*c < 0x20)
			*c = ' ';
	tokcount tc = {0};
	loa_text_tokenize(s, t->n, count_tok, &tc);
	if (t->prefix) {
		size_t chars = 0;
		for (size_t i = 0; i < t->n;) {
			uint32_t cp;
			i += loa_utf8_decode((const unsigned char *)t->s + i, t->n - i, &cp);
			if (loa_text_is_letter(cp) || (cp >= '0' && cp <= '9'))
				chars++;
		}
		if (chars < LOA_QUERY_MIN_PREFIX) {
			perr(P, LOA_EINVAL, t->pos,
			     "a wildcard needs at least 2 letters before '*' (it would scan everything)",
			     "ký tự đại diện cần ít nhất %d chữ trước '*' (nếu không sẽ quét mọi tin)",
			     LOA_QUERY_MIN_PREFIX);
			return NULL;
		}
	}
	size_t at = t->kind == T_PHRASE ? t->pos + 1 : t->pos;
	if (tc.words == 0) {
		perr(P, LOA_EPARSE, at, "the term has no letters or digits",
		     "từ khóa không có chữ hoặc số");
		return NULL;
	}
	x->text = s;
	x->field = field;
	x->phrase = t->kind == T_PHRASE;
	x->prefix = t->prefix;
	x->diacritics = has_diacritics(t->s, t->n);
	P->q->nterms++;
	return x;
}

/* ---- times ------------------------------------------------------------ */

static bool digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int64_t num(const char *s, size_t n)
{
	int64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int loa_query_time(const char *s, size_t n, loa_ms now, bool end_of_day, loa_ms *out)
{
	int64_t y = 0, m = 0, d = 0;
	bool date = false;
	if (n == 10 && s[4] == '-' && s[7] == '-' && digits(s, 4) && digits(s + 5, 2) &&
	    digits(s + 8, 2)) {
		y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
		date = true;
	} else if (n >= 8 && n <= 10) {
		/* d/m/yyyy with 1-2 digit day and month */
		const char *a = s, *e = s + n;
		const char *s1 = memchr(a, '/', n);
		const char *s2 = s1 ? memchr(s1 + 1, '/', (size_t)(e - s1 - 1)) : NULL;
		if (s1 && s2 && digits(a, (size_t)(s1 - a)) && s1 - a <= 2 &&
		    digits(s1 + 1, (size_t)(s2 - s1 - 1)) && s2 - s1 - 1 <= 2 && e - s2 - 1 == 4 &&
		    digits(s2 + 1, 4)) {
			d = num(a, (size_t)(s1 - a));
			m = num(s1 + 1, (size_t)(s2 - s1 - 1));
			y = num(s2 + 1, 4);
			date = true;
		}
	}
	if (date) {
		static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
		if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || y < 1900 || y > 2200)
			return LOA_EPARSE;
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (m == 2 && d == 29 && !leap)
			return LOA_EPARSE;
		int64_t days = loa_days_from_civil(y, (unsigned)m, (unsigned)d) + (end_of_day ? 1 : 0);
		*out = days * 86400000 - (int64_t)LOA_VN_OFFSET_MIN * 60000;
		return LOA_OK;
	}
	if (loa_time_parse_rfc3339(s, n, out) == LOA_OK)
		return LOA_OK;
	char b[32];
	if (n == 0 || n >= sizeof b)
		return LOA_EPARSE;
	memcpy(b, s, n);
	b[n] = '\0';
	loa_ms dur;
	if (loa_parse_duration(b, &dur) == LOA_OK && dur >= 0 && dur <= (loa_ms)200 * 365 * 86400000) {
		*out = now - dur;
		return LOA_OK;
	}
	return LOA_EPARSE;
}

/* ---- grammar ---------------------------------------------------------- */

static loa_qnode *parse_or(parser *P);

static bool starts_unary(tkind k)
{
	return k == T_LP || k == T_NOT || k == T_MINUS || k == T_WORD || k == T_PHRASE ||
	       k == T_FIELD;
}

static const char *lower_ascii(parser *P, const char *s, size_t n)
{
	char *c = loa_arena_strndup(&P->q->arena, s, n);
	if (!c) {
		P->rc = loa_err_set(P->err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		return NULL;
	}
	for (char *x = c; *x; x++)
		if (*x >= 'A' && *x <= 'Z')
			*x = (char)(*x - 'A' + 'a');
	return c;
}

static bool in_list(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(v, *list) == 0)
			return true;
	return false;
}

/* A field's value: "quoted" or a run of non-space, non-paren bytes. */
static loa_qnode *field_value(parser *P, const tok *ft)
{
	size_t p = P->p;
	const char *s = P->src;
	const char *v;
	size_t vn, vpos = p;
	if (p < P->len && s[p] == '"') {
		size_t q = p + 1;
		while (q < P->len && s[q] != '"')
			q++;
		if (q >= P->len) {
			expected(P, P->len, "dấu '\"' đóng", "a closing '\"'");
			return NULL;
		}
		v = s + p + 1;
		vn = q - p - 1;
		P->p = q + 1;
	} else {
		size_t q = p;
		while (q < P->len && !is_space(s[q]) && s[q] != '(' && s[q] != ')')
			q++;
		v = s + p;
		vn = q - p;
		P->p = q;
	}
	P->have = false;
	const char *fname = ft->field == F_SINCE ? "since" : ft->field == F_UNTIL ? "until"
										  : field_names[ft->field];
	if (vn == 0) {
		char vi[96], en[96];
		snprintf(vi, sizeof vi, "giá trị sau '%s:'", fname);
		snprintf(en, sizeof en, "a value after '%s:'", fname);
		expected(P, vpos, vi, en);
		return NULL;
	}
	if (ft->field == F_SINCE || ft->field == F_UNTIL) {
		loa_ms t;
		if (loa_query_time(v, vn, P->now, ft->field == F_UNTIL, &t)) {
			expected(P, vpos, "thời gian: 2024-01-31, 31/01/2024, RFC 3339 hoặc 7d, 24h",
				 "a time: 2024-01-31, 31/01/2024, RFC 3339 or 7d, 24h");
			return NULL;
		}
		loa_qnode *x = node(P, LOA_QN_TIME, ft->pos);
		if (!x)
			return NULL;
		if (ft->field == F_SINCE)
			x->since = t;
		else
			x->until = t;
		return x;
	}
	loa_qnode *x = node(P, LOA_QN_FIELD, ft->pos);
	if (!x)
		return NULL;
	x->field = (loa_qfield)ft->field;
	if (ft->field == LOA_QF_AUTHOR) {
		loa_buf b;
		loa_buf_init(&b, 4 * vn + 16);
		if (loa_text_normalize(v, vn, LOA_NORM_MATCH | LOA_NORM_FOLD, &b) ||
		    !(x->text = loa_arena_strndup(&P->q->arena, b.data ? b.data : "", b.len))) {
			loa_buf_release(&b);
			P->rc = loa_err_set(P->err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
			return NULL;
		}
		loa_buf_release(&b);
	} else if (!(x->text = lower_ascii(P, v, vn))) {
		return NULL;
	}
	static const char *const kinds[] = {"article", "post", "comment", "share", "official", NULL};
	static const char *const platforms[] = {"web",	  "facebook", "zalo", "youtube",
						"tiktok", "other",    NULL};
	static const char *const tones[] = {"positive", "neutral", "negative", NULL};
	if (ft->field == LOA_QF_KIND && !in_list(x->text, kinds)) {
		perr(P, LOA_EPARSE, vpos, "kind is one of article post comment share official",
		     "kind là một trong article post comment share official");
		return NULL;
	}
	if (ft->field == LOA_QF_PLATFORM && !in_list(x->text, platforms)) {
		perr(P, LOA_EPARSE, vpos, "platform is one of web facebook zalo youtube tiktok other",
		     "platform là một trong web facebook zalo youtube tiktok other");
		return NULL;
	}
	if (ft->field == LOA_QF_TONE && !in_list(x->text, tones)) {
		perr(P, LOA_EPARSE, vpos, "tone is one of positive neutral negative",
		     "tone là một trong positive neutral negative");
		return NULL;
	}
	return x;
}

static void set_title(loa_qnode *x)
{
	if (x->kind == LOA_QN_TERM)
		x->field = LOA_QF_TITLE;
	for (size_t i = 0; i < x->nkids; i++)
		set_title(x->kids[i]);
}

static bool only_text(const loa_qnode *x)
{
	if (x->kind == LOA_QN_FIELD || x->kind == LOA_QN_TIME)
		return false;
	for (size_t i = 0; i < x->nkids; i++)
		if (!only_text(x->kids[i]))
			return false;
	return true;
}

static loa_qnode *parse_primary(parser *P)
{
	tok *t = peek(P);
	if (P->rc)
		return NULL;
	switch (t->kind) {
	case T_LP: {
		size_t open = t->pos;
		advance(P);
		if (++P->depth > LOA_QUERY_MAX_DEPTH) {
			perr(P, LOA_ETOOBIG, open, "too many nested parentheses",
			     "quá nhiều ngoặc lồng nhau (tối đa %d)", LOA_QUERY_MAX_DEPTH);
			return NULL;
		}
		if (peek(P)->kind == T_RP) {
			expected(P, peek(P)->pos, "một từ khóa trong ngoặc", "a term inside the parentheses");
			return NULL;
		}
		loa_qnode *x = parse_or(P);
		if (!x)
			return NULL;
		t = peek(P);
		if (P->rc)
			return NULL;
		if (t->kind != T_RP) {
			expected(P, t->pos, "')'", "')'");
			return NULL;
		}
		advance(P);
		P->depth--;
		return x;
	}
	case T_WORD:
	case T_PHRASE: {
		tok c = *t;
		advance(P);
		return term(P, &c, LOA_QF_ANY);
	}
	case T_FIELD: {
		tok f = *t;
		advance(P);
		if (f.field == LOA_QF_TITLE) {
			/* title: applies to the next primary (a term, phrase or group) */
			if (P->p < P->len && is_space(P->src[P->p])) {
				expected(P, P->p, "từ khóa ngay sau 'title:'", "a term right after 'title:'");
				return NULL;
			}
			loa_qnode *x = parse_primary(P);
			if (!x)
				return NULL;
			if (!only_text(x)) {
				perr(P, LOA_EPARSE, f.pos, "title: applies to terms only",
				     "title: chỉ áp dụng cho từ khóa");
				return NULL;
			}
			set_title(x);
			return x;
		}
		return field_value(P, &f);
	}
	case T_EOF:
		expected(P, t->pos, "một từ khóa", "a term");
		return NULL;
	case T_RP:
		expected(P, t->pos, "một từ khóa (dư ')')", "a term (unbalanced ')')");
		return NULL;
	default:
		expected(P, t->pos, "một từ khóa trước toán tử", "a term before the operator");
		return NULL;
	}
}

static loa_qnode *parse_near(parser *P)
{
	loa_qnode *first = parse_primary(P);
	if (!first)
		return NULL;
	tok *t = peek(P);
	if (P->rc || t->kind != T_NEAR)
		return P->rc ? NULL : first;
	nodevec v = {0};
	if (loa_vec_push(&v, first))
		goto nomem;
	int n = t->near;
	bool ordered = t->ordered;
	size_t pos = first->pos;
	while (!P->rc && (t = peek(P))->kind == T_NEAR) {
		if (t->near != n || t->ordered != ordered) {
			perr(P, LOA_EPARSE, t->pos,
			     "a chain of NEAR must use one operator and one distance; use parentheses",
			     "chuỗi NEAR phải cùng toán tử và khoảng cách; hãy dùng ngoặc");
			break;
		}
		advance(P);
		loa_qnode *x = parse_primary(P);
		if (!x)
			break;
		if (loa_vec_push(&v, x))
			goto nomem;
	}
	if (P->rc) {
		loa_vec_release(&v);
		return NULL;
	}
	for (size_t i = 0; i < v.len; i++) {
		if (v.items[i]->kind != LOA_QN_TERM) {
			perr(P, LOA_EPARSE, v.items[i]->pos,
			     "NEAR takes words or \"phrases\" on both sides",
			     "NEAR chỉ nhận từ hoặc \"cụm từ\" ở hai bên");
			loa_vec_release(&v);
			return NULL;
		}
		if (v.items[i]->field != v.items[0]->field) {
			perr(P, LOA_EPARSE, v.items[i]->pos, "NEAR operands must be in the same field",
			     "các vế của NEAR phải cùng trường");
			loa_vec_release(&v);
			return NULL;
		}
	}
	loa_qnode *r = node(P, LOA_QN_NEAR, pos);
	if (!r || !(r->kids = loa_arena_alloc(&P->q->arena, v.len * sizeof *r->kids))) {
		loa_vec_release(&v);
		if (!P->rc)
			P->rc = loa_err_set(P->err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		return NULL;
	}
	memcpy(r->kids, v.items, v.len * sizeof *r->kids);
	r->nkids = v.len;
	r->near = n;
	r->ordered = ordered;
	if (ordered)
		P->q->has_onear = true;
	loa_vec_release(&v);
	return r;
nomem:
	loa_vec_release(&v);
	P->rc = loa_err_set(P->err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	return NULL;
}

static loa_qnode *parse_unary(parser *P)
{
	tok *t = peek(P);
	if (P->rc)
		return NULL;
	if (t->kind == T_NOT || t->kind == T_MINUS) {
		size_t pos = t->pos;
		advance(P);
		if (++P->depth > LOA_QUERY_MAX_DEPTH) {
			perr(P, LOA_ETOOBIG, pos, "too deeply nested", "lồng nhau quá sâu");
			return NULL;
		}
		tok *u = peek(P);
		if (!P->rc && !starts_unary(u->kind)) {
			expected(P, u->pos, "một từ khóa sau NOT", "a term after NOT");
			return NULL;
		}
		loa_qnode *k = parse_unary(P);
		P->depth--;
		if (!k)
			return NULL;
		if (k->kind == LOA_QN_NOT)
			return k->kids[0]; /* NOT NOT x = x */
		loa_qnode *x = node(P, LOA_QN_NOT, pos);
		if (!x || !(x->kids = loa_arena_alloc(&P->q->arena, sizeof *x->kids))) {
			if (!P->rc)
				P->rc = loa_err_set(P->err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
			return NULL;
		}
		x->kids[0] = k;
		x->nkids = 1;
		return x;
	}
	return parse_near(P);
}

static loa_qnode *parse_and(parser *P)
{
	nodevec v = {0};
	size_t pos = peek(P)->pos;
	for (;;) {
		loa_qnode *x = parse_unary(P);
		if (!x)
			break;
		if (loa_vec_push(&v, x)) {
			P->rc = loa_err_set(P->err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
			break;
		}
		tok *t = peek(P);
		if (P->rc)
			break;
		if (t->kind == T_AND) {
			advance(P);
			tok *u = peek(P);
			if (!P->rc && !starts_unary(u->kind)) {
				expected(P, u->pos, "một từ khóa sau AND", "a term after AND");
				break;
			}
			continue;
		}
		if (starts_unary(t->kind))
			continue; /* implicit AND */
		if (t->kind == T_NEAR) {
			expected(P, t->pos, "một từ hoặc cụm từ trước NEAR",
				 "a word or phrase before NEAR");
			break;
		}
		break;
	}
	if (P->rc) {
		loa_vec_release(&v);
		return NULL;
	}
	return nary(P, LOA_QN_AND, &v, pos);
}

static loa_qnode *parse_or(parser *P)
{
	nodevec v = {0};
	size_t pos = peek(P)->pos;
	for (;;) {
		loa_qnode *x = parse_and(P);
		if (!x)
			break;
		if (loa_vec_push(&v, x)) {
			P->rc = loa_err_set(P->err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
			break;
		}
		tok *t = peek(P);
		if (P->rc || t->kind != T_OR)
			break;
		advance(P);
		tok *u = peek(P);
		if (!P->rc && !starts_unary(u->kind)) {
			expected(P, u->pos, "một từ khóa sau OR", "a term after OR");
			break;
		}
	}
	if (P->rc) {
		loa_vec_release(&v);
		return NULL;
	}
	return nary(P, LOA_QN_OR, &v, pos);
}

/* True when the node restricts the items to a bounded set by itself (a
 * term or field somewhere not under a NOT). */
static bool bounded(const loa_qnode *x)
{
	switch (x->kind) {
	case LOA_QN_TERM:
	case LOA_QN_NEAR:
	case LOA_QN_FIELD:
		return true;
	case LOA_QN_NOT:
	case LOA_QN_TIME:
		return false;
	case LOA_QN_AND:
		for (size_t i = 0; i < x->nkids; i++)
			if (bounded(x->kids[i]))
				return true;
		return false;
	case LOA_QN_OR:
		for (size_t i = 0; i < x->nkids; i++)
			if (!bounded(x->kids[i]))
				return false;
		return true;
	}
	return false;
}

int loa_query_parse(const char *q, size_t n, loa_ms now, loa_query **out, size_t *pos,
		    loa_err *err)
{
	*out = NULL;
	if (pos)
		*pos = 0;
	if (n > LOA_QUERY_MAX_LEN)
		return loa_err_set(err, LOA_ETOOBIG, "truy vấn quá dài (tối đa %d byte) / query too "
				   "long (max %d bytes)", LOA_QUERY_MAX_LEN, LOA_QUERY_MAX_LEN);
	loa_query *Q = calloc(1, sizeof *Q);
	if (!Q)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	loa_arena_init(&Q->arena, 8192, (size_t)4 << 20);
	/* the text, made valid UTF-8 without NULs so positions are meaningful */
	loa_buf b;
	loa_buf_init(&b, 3 * n + 16);
	if (loa_utf8_sanitize(&b, q, n) || !(Q->src = loa_arena_strndup(&Q->arena, b.data ? b.data : "", b.len))) {
		loa_buf_release(&b);
		loa_query_free(Q);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	parser P = {0};
	P.src = Q->src;
	P.len = b.len;
	loa_buf_release(&b);
	P.q = Q;
	P.now = now == LOA_TIME_NONE ? loa_now_ms() : now;
	P.err = err;
	tok *t = peek(&P);
	if (!P.rc && t->kind == T_EOF) {
		loa_query_free(Q);
		return loa_err_set(err, LOA_EINVAL, "truy vấn rỗng / empty query");
	}
	Q->root = P.rc ? NULL : parse_or(&P);
	if (!P.rc) {
		t = peek(&P);
		if (!P.rc && t->kind != T_EOF) {
			if (t->kind == T_RP)
				perr(&P, LOA_EPARSE, t->pos, "unbalanced ')'", "dư ')' không có '(' tương ứng");
			else
				expected(&P, t->pos, "toán tử hoặc hết truy vấn", "an operator or the end");
		}
	}
	if (!P.rc && !bounded(Q->root))
		P.rc = loa_err_set(err, LOA_EINVAL,
				   "truy vấn sẽ khớp gần như mọi tin (chỉ có NOT hoặc chỉ có thời gian); "
				   "hãy thêm một từ khóa hoặc một trường / the query would match almost "
				   "every item (only NOT or only time filters); add a term or a field");
	if (P.rc) {
		if (pos)
			*pos = P.errpos;
		loa_query_free(Q);
		return P.rc;
	}
	*out = Q;
	return LOA_OK;
}

void loa_query_free(loa_query *q)
{
	if (!q)
		return;
	loa_arena_release(&q->arena);
	free(q);
}

static int dump(const loa_qnode *x, loa_buf *o)
{
	int rc = LOA_OK;
	char ts[LOA_TIME_STR_MAX];
	switch (x->kind) {
	case LOA_QN_TERM:
		if (x->field == LOA_QF_TITLE)
			rc |= loa_buf_puts(o, "title:");
		rc |= loa_buf_printf(o, x->phrase ? "\"%s\"" : "%s", x->text);
		if (x->prefix)
			rc |= loa_buf_putc(o, '*');
		return rc;
	case LOA_QN_FIELD:
		return loa_buf_printf(o, "%s=%s", loa_qfield_name(x->field), x->text);
	case LOA_QN_TIME:
		if (x->since != LOA_TIME_NONE)
			return loa_buf_printf(o, "since=%s", loa_time_format_rfc3339(x->since, ts));
		return loa_buf_printf(o, "until=%s", loa_time_format_rfc3339(x->until, ts));
	case LOA_QN_NOT:
		rc |= loa_buf_puts(o, "(NOT ");
		break;
	case LOA_QN_AND:
		rc |= loa_buf_puts(o, "(AND ");
		break;
	case LOA_QN_OR:
		rc |= loa_buf_puts(o, "(OR ");
		break;
	case LOA_QN_NEAR:
		rc |= loa_buf_printf(o, "(%s/%d ", x->ordered ? "ONEAR" : "NEAR", x->near);
		break;
	}
	for (size_t i = 0; i < x->nkids; i++) {
		if (i)
			rc |= loa_buf_putc(o, ' ');
		rc |= dump(x->kids[i], o);
	}
	rc |= loa_buf_putc(o, ')');
	return rc ? LOA_ENOMEM : LOA_OK;
}

int loa_query_dump(const loa_query *q, loa_buf *out)
{
	return dump(q->root, out);
}
