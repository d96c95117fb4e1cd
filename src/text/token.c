/*
 * token.c - typed tokens, syllables and sentences with byte offsets into
 * the original text (docs/text.md lists the token types and rules).
 *
 * The scanner decides each token from at most SCAN_WINDOW bytes starting
 * at the token (the token itself is at most LOA_TOK_MAX_LEN bytes; the rest
 * is look-ahead for composite tokens and sentence ends). So a stream fed in
 * chunks gives exactly the tokens of one call over the whole text, while
 * holding no more than SCAN_WINDOW + FEED_STEP bytes.
 */
#include "text/text.h"
#include "text/text_int.h"

#include "core/utf8.h"

#include <string.h>
#include <utf8proc.h>

#include "core/banned.h"

#define SCAN_WINDOW ((size_t)LOA_TOK_MAX_LEN + 256)
#define FEED_STEP ((size_t)64 << 10)

/* scanner state bits (loa_tokstream.state) */
#define ST_NOT_FIRST 1u /* a token has been seen */
#define ST_SPACE 2u     /* whitespace since the last token */
#define ST_TITLE 4u     /* the last token was a title or an initial ("TP", "A") */

typedef struct scan {
	const unsigned char *p;
	size_t n;     /* bytes available */
	bool final;   /* p[n] is the end of the text */
	size_t base;  /* stream offset of p[0] */
	unsigned state;
	size_t pending_end; /* stream offset; SIZE_MAX when none */
	loa_tok_fn fn;
	void *user;
	int stop;
} scan;

const char *loa_tok_type_name(loa_tok_type t)
{
	static const char *const names[] = {"word", "number", "percent", "date", "time",
					    "money", "url", "email", "hashtag", "mention",
					    "emoji", "abbr", "punct", "symbol"};
	if ((unsigned)t < sizeof names / sizeof names[0])
		return names[t];
	return "?";
}

/* ---- character classes ------------------------------------------------ */

static inline __attribute__((always_inline)) uint32_t dec(const unsigned char *p, size_t lim, size_t i,
							   size_t *len)
{
	if (p[i] < 0x80) {
		*len = 1;
		return p[i];
	}
	uint32_t cp;
	*len = loa__u8dec(p + i, lim - i, &cp);
	return cp;
}

static inline bool is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_alpha_ascii(uint32_t c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static inline bool is_newline(uint32_t c)
{
	return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* Whitespace and invisible controls: never part of a token. */
static inline bool is_space(uint32_t c)
{
	if (c <= 0x20 || c == 0x7F)
		return true;
	if (c < 0x80)
		return false;
	return c == 0xA0 || c == 0x85 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 ||
	       c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF ||
	       (c >= 0x80 && c < 0xA0);
}

static inline bool is_letter(uint32_t c)
{
	if (c < 0x80)
		return is_alpha_ascii(c);
	const loa_vi_info *vi = loa__vi_lookup(c);
	if (vi)
		return vi->letter;
	if (c == LOA_UTF8_REPLACEMENT)
		return false;
	return loa_text_is_letter(c);
}

static inline bool is_upper(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z';
	const loa_vi_info *vi = loa__vi_lookup(c);
	if (vi)
		return vi->upper;
	return loa_text_lower_cp(c) != c;
}

static bool is_emoji(uint32_t c)
{
	return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) ||
	       (c >= 0x2B00 && c <= 0x2BFF) || (c >= 0x2300 && c <= 0x23FF) ||
	       (c >= 0x1F900 && c <= 0x1F9FF);
}

static bool is_emoji_ext(uint32_t c)
{
	return c == 0xFE0F || c == 0xFE0E || (c >= 0x1F3FB && c <= 0x1F3FF) ||
	       (c >= 0xE0020 && c <= 0xE007F) || c == 0x20E3;
}

static bool is_punct(uint32_t c)
{
	if (c < 0x80) {
		/* !"#%&'()*,-./:;?@[\]_{} */
		static const uint64_t lo = (1ull << '!') | (1ull << '"') | (1ull << '#') |
					   (1ull << '%') | (1ull << '&') | (1ull << '\'') |
					   (1ull << '(') | (1ull << ')') | (1ull << '*') | (1ull << ',') |
					   (1ull << '-') | (1ull << '.') | (1ull << '/') | (1ull << ':') |
					   (1ull << ';') | (1ull << '?'),
				      hi = (1ull << ('@' - 64)) | (1ull << ('[' - 64)) |
					   (1ull << ('\\' - 64)) | (1ull << (']' - 64)) |
					   (1ull << ('_' - 64)) | (1ull << ('{' - 64)) | (1ull << ('}' - 64));
		return c < 64 ? (lo >> c) & 1 : (hi >> (c - 64)) & 1;
	}
	if (c > 0x10FFFF)
		return false;
	utf8proc_category_t k = utf8proc_category((utf8proc_int32_t)c);
	return k >= UTF8PROC_CATEGORY_PC && k <= UTF8PROC_CATEGORY_PO;
}

static bool is_sent_punct(uint32_t c)
{
	return c == '.' || c == '!' || c == '?' || c == 0x2026 /* … */;
}

static bool is_closer(uint32_t c)
{
	return c == ')' || c == ']' || c == '}' || c == '"' || c == '\'' || c == 0x201D ||
	       c == 0x2019 || c == 0xBB;
}

/* ---- small matchers ---------------------------------------------------- */

/* End of the run of letters (and combining marks) starting at i. */
static size_t letters_end(const unsigned char *p, size_t lim, size_t i)
{
	while (i < lim) {
		size_t l;
		uint32_t c = dec(p, lim, i, &l);
		if (!is_letter(c))
			break;
		i += l;
	}
	return i;
}

static size_t digits_end(const unsigned char *p, size_t lim, size_t i)
{
	while (i < lim && is_digit(p[i]))
		i++;
	return i;
}

/* Keyword: an exact lower-case spelling (NFC) and its form without
 * diacritics (accepted only when the word has none), with byte lengths
 * (upper- and lower-case Vietnamese letters have the same UTF-8 length). */
typedef struct kw {
	const char *exact;
	size_t exact_n;
	const char *ascii;
	size_t ascii_n;
} kw;

#define KW(e, a) {(e), sizeof(e) - 1, (a), sizeof(a) - 1}
#define KW1(e) {(e), sizeof(e) - 1, NULL, 0}
#define KW_END {NULL, 0, NULL, 0}

/* True when the letters p[i..e) equal kw (case-insensitive). */
static bool kw_is(const unsigned char *p, size_t i, size_t e, const kw *k)
{
	size_t n = e - i;
	if (n == k->exact_n) {
		const unsigned char *q = (const unsigned char *)k->exact;
		size_t a = i, b = 0;
		while (a < e && b < n) {
			if (p[a] < 0x80 && q[b] < 0x80) {
				if ((p[a] | 0x20) != q[b])
					break;
				a++, b++;
				continue;
			}
			size_t la, lb;
			uint32_t ca = dec(p, e, a, &la), cb = dec(q, n, b, &lb);
			if (loa_text_lower_cp(ca) != cb)
				break;
			a += la, b += lb;
		}
		if (a == e && b == n)
			return true;
	}
	if (!k->ascii || n != k->ascii_n)
		return false;
	for (size_t j = 0; j < n; j++)
		if (p[i + j] >= 0x80 || (p[i + j] | 0x20) != (unsigned char)k->ascii[j])
			return false;
	return true;
}

static bool kw_any(const unsigned char *p, size_t i, size_t e, const kw *list)
{
	for (; list->exact; list++)
		if (kw_is(p, i, e, list))
			return true;
	return false;
}

static const kw KW_NGAY = KW("ngày", "ngay"), KW_THANG = KW("tháng", "thang"),
		KW_NAM = KW("năm", "nam"), KW_GIO = KW("giờ", "gio"), KW_PHUT = KW("phút", "phut"),
		KW_PHAN = KW("phần", "phan"), KW_TRAM = KW("trăm", "tram");

static const kw KW_MULT[] = {KW("nghìn", "nghin"), KW("ngàn", "ngan"), KW("triệu", "trieu"),
			     KW("tỷ", "ty"), KW("tỉ", "ti"), KW("vạn", "van"), KW_END};
static const kw KW_CUR[] = {KW("đồng", "dong"), KW1("đ"), KW1("vnd"), KW1("vnđ"), KW1("usd"),
			    KW1("eur"), KW1("euro"), KW1("đô"), KW1("yên"),
			    KW1("nhân") /* nhân dân tệ, checked below */, KW_END};
static const kw KW_TITLE[] = {KW1("tp"), KW1("th"), KW1("ts"), KW1("ths"), KW1("pgs"), KW1("gs"),
			      KW1("bs"), KW1("ks"), KW1("ls"), KW1("st"), KW1("mr"), KW1("ms"),
			      KW1("dr"), KW1("q"), KW1("p"), KW1("tx"), KW1("tt"), KW1("đ"), KW_END};

/* Skips horizontal spaces (not newlines): returns the new index, or
 * SIZE_MAX when there were none or a newline. At most 3 spaces. */
static size_t skip_hspace(const unsigned char *p, size_t lim, size_t i)
{
	size_t j = i, k = 0;
	while (j < lim && (p[j] == ' ' || p[j] == '\t') && k < 3)
		j++, k++;
	if (j == i || j >= lim)
		return SIZE_MAX;
	if (p[j] == ' ' || p[j] == '\t')
		return SIZE_MAX;
	return j;
}

/* The word after i (after one run of 1-3 spaces): sets *ws, *we. */
static bool next_word(const unsigned char *p, size_t lim, size_t i, size_t *ws, size_t *we)
{
	size_t j = skip_hspace(p, lim, i);
	if (j == SIZE_MAX)
		return false;
	size_t e = letters_end(p, lim, j);
	if (e == j)
		return false;
	*ws = j, *we = e;
	return true;
}

/* A number after spaces: digits only, 1..maxd long. */
static bool next_int(const unsigned char *p, size_t lim, size_t i, size_t maxd, size_t *ns,
		     size_t *ne, int *val)
{
	size_t j = skip_hspace(p, lim, i);
	if (j == SIZE_MAX || !is_digit(p[j]))
		return false;
	size_t e = digits_end(p, lim, j);
	if (e - j > maxd || (e < lim && (is_alpha_ascii(p[e]) || p[e] >= 0x80)))
		return false;
	int v = 0;
	for (size_t q = j; q < e; q++)
		v = v * 10 + (p[q] - '0');
	*ns = j, *ne = e, *val = v;
	return true;
}

static int int_of(const unsigned char *p, size_t a, size_t b)
{
	int v = 0;
	for (size_t q = a; q < b && q < a + 6; q++)
		v = v * 10 + (p[q] - '0');
	return v;
}

/* Nothing word-like may follow a date, time or number token directly. */
static bool boundary_after(const unsigned char *p, size_t lim, size_t e)
{
	if (e >= lim)
		return true;
	size_t l;
	uint32_t c = dec(p, lim, e, &l);
	return !is_digit(c) && !is_letter(c);
}

/* ---- token rules ------------------------------------------------------- */

/* URL at i ("http://", "https://", "ftp://", "www."); returns the end or 0. */
static size_t match_url(const unsigned char *p, size_t lim, size_t i)
{
	static const char *const pre[] = {"https://", "http://", "ftp://", "www.", NULL};
	size_t j = 0;
	for (const char *const *q = pre; *q; q++) {
		size_t k = strlen(*q);
		if (lim - i > k && strncasecmp((const char *)p + i, *q, k) == 0) {
			j = i + k;
			break;
		}
	}
	if (!j)
		return 0;
	size_t e = j, parens = 0, closep = 0;
	while (e < lim && e - i < LOA_TOK_MAX_LEN) {
		size_t l;
		uint32_t c = dec(p, lim, e, &l);
		if (is_space(c) || c == '<' || c == '>' || c == '"' || c == 0x201C || c == 0x201D ||
		    c == LOA_UTF8_REPLACEMENT || e + l - i > LOA_TOK_MAX_LEN)
			break;
		if (c == '(')
			parens++;
		if (c == ')')
			closep++;
		e += l;
	}
	/* trailing punctuation is not part of a URL */
	while (e > j) {
		unsigned char c = p[e - 1];
		if (c == ')' && closep > parens) {
			closep--;
			e--;
			continue;
		}
		if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' ||
		    c == ']' || c == '}')
			e--;
		else
			break;
	}
	return e > j ? e : 0;
}

static inline bool is_email_local(unsigned char c)
{
	return is_alpha_ascii(c) || is_digit(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	       c == '-';
}

static inline bool is_dom(unsigned char c)
{
	return is_alpha_ascii(c) || is_digit(c) || c == '-';
}

/* Domain labels at j: returns the end (after the last label) and the
 * number of dots, without a trailing dot. */
static size_t domain_end(const unsigned char *p, size_t lim, size_t j, size_t *dots,
			 size_t *last_label)
{
	size_t e = j, d = 0, good = j, ll = j;
	while (e < lim && e - j < 253) {
		size_t s = e;
		while (e < lim && is_dom(p[e]) && e - s < 63)
			e++;
		if (e == s)
			break;
		good = e;
		ll = s;
		if (e + 1 < lim && p[e] == '.' && is_dom(p[e + 1])) {
			d++;
			e++;
			continue;
		}
		break;
	}
	*dots = d;
	*last_label = ll;
	return good;
}

static size_t match_email(const unsigned char *p, size_t lim, size_t i)
{
	size_t j = i;
	while (j < lim && is_email_local(p[j]) && j - i < 64)
		j++;
	if (j == i || j >= lim || p[j] != '@' || p[i] == '.' || p[j - 1] == '.')
		return 0;
	size_t dots, ll;
	size_t e = domain_end(p, lim, j + 1, &dots, &ll);
	if (dots == 0 || e - ll < 2)
		return 0;
	return e;
}

/* A bare domain with a common top-level domain ("chinhphu.vn/…"). */
static size_t match_domain(const unsigned char *p, size_t lim, size_t i)
{
	static const char *const tld[] = {"vn", "com", "net", "org", "gov", "edu", "info", "io",
					  NULL};
	size_t dots, ll;
	size_t e = domain_end(p, lim, i, &dots, &ll);
	if (dots == 0)
		return 0;
	bool ok = false;
	for (const char *const *t = tld; *t; t++)
		if (e - ll == strlen(*t) && strncmp((const char *)p + ll, *t, e - ll) == 0)
			ok = true; /* lower-case only: "TP.HCM" is no domain */
	if (!ok || (e < lim && (is_letter(p[e]) || p[e] == '@')))
		return 0;
	if (e < lim && p[e] == '/') {
		size_t u = e;
		while (u < lim && u - i < LOA_TOK_MAX_LEN && p[u] > 0x20 && p[u] < 0x7F && p[u] != '"' &&
		       p[u] != '<' && p[u] != '>')
			u++;
		while (u > e + 1 && strchr(".,;:!?)]'", p[u - 1]))
			u--;
		e = u;
	}
	return e;
}

/* Numbers: digits with '.' or ',' separators ("1.000.000", "3,5"). */
static size_t number_end(const unsigned char *p, size_t lim, size_t i)
{
	size_t e = digits_end(p, lim, i);
	while (e + 1 < lim && (p[e] == '.' || p[e] == ',') && is_digit(p[e + 1]) &&
	       e - i < 64)
		e = digits_end(p, lim, e + 1);
	return e;
}

/* Dates and times starting with a digit; returns end and sets *type. */
static size_t match_datetime(const unsigned char *p, size_t lim, size_t i, loa_tok_type *type)
{
	size_t a = digits_end(p, lim, i);
	size_t na = a - i;
	if (a >= lim)
		return 0;
	unsigned char sep = p[a];
	/* d{1,2} sep d{1,2} sep d{2,4}  |  d{4}-d{1,2}-d{1,2}  |  d{1,2}/d{4} */
	if ((sep == '/' || sep == '-' || sep == '.') && a + 1 < lim && is_digit(p[a + 1])) {
		size_t b = digits_end(p, lim, a + 1), nb = b - a - 1;
		if (na <= 2 && nb <= 2 && b + 1 < lim && p[b] == sep && is_digit(p[b + 1])) {
			size_t c = digits_end(p, lim, b + 1), nc = c - b - 1;
			int d = int_of(p, i, a), m = int_of(p, a + 1, b);
			if ((nc == 4 || (nc == 2 && sep == '/')) && d >= 1 && d <= 31 && m >= 1 &&
			    m <= 12 && boundary_after(p, lim, c) &&
			    !(c + 1 < lim && (p[c] == '.' || p[c] == ',' || p[c] == '/') &&
			      is_digit(p[c + 1]))) {
				*type = LOA_TOK_DATE;
				return c;
			}
		}
		if (na == 4 && sep == '-' && nb <= 2 && b + 1 < lim && p[b] == '-' &&
		    is_digit(p[b + 1])) {
			size_t c = digits_end(p, lim, b + 1);
			int m = int_of(p, a + 1, b), d = int_of(p, b + 1, c);
			if (c - b - 1 <= 2 && m >= 1 && m <= 12 && d >= 1 && d <= 31 &&
			    boundary_after(p, lim, c)) {
				*type = LOA_TOK_DATE;
				return c;
			}
		}
		if (sep == '/' && na <= 2 && nb == 4 && boundary_after(p, lim, b) &&
		    !(b + 1 < lim && p[b] == '/' && is_digit(p[b + 1]))) {
			int m = int_of(p, i, a);
			if (m >= 1 && m <= 12) {
				*type = LOA_TOK_DATE;
				return b;
			}
		}
	}
	/* hh:mm[:ss] */
	if (sep == ':' && na <= 2 && a + 2 < lim && is_digit(p[a + 1]) && is_digit(p[a + 2])) {
		size_t b = digits_end(p, lim, a + 1);
		if (b - a - 1 == 2 && int_of(p, i, a) < 24 && int_of(p, a + 1, b) < 60) {
			size_t e = b;
			if (e + 2 < lim && p[e] == ':' && is_digit(p[e + 1]) && is_digit(p[e + 2]) &&
			    digits_end(p, lim, e + 1) == e + 3)
				e += 3;
			if (boundary_after(p, lim, e)) {
				*type = LOA_TOK_TIME;
				return e;
			}
		}
	}
	/* 14h, 14h30, 8g30 */
	if ((sep == 'h' || sep == 'H' || sep == 'g') && na <= 2 && int_of(p, i, a) < 24) {
		size_t e = a + 1;
		if (e + 1 < lim && is_digit(p[e]) && is_digit(p[e + 1]) &&
		    digits_end(p, lim, e) == e + 2 && int_of(p, e, e + 2) < 60)
			e += 2;
		if (e < lim && p[e] == '\'')
			e++;
		if (boundary_after(p, lim, e) && (e > a + 1 || sep != 'g')) {
			*type = LOA_TOK_TIME;
			return e;
		}
	}
	return 0;
}

/* After a number ending at e: percent, money or time by words. */
static size_t number_suffix(const unsigned char *p, size_t lim, size_t s, size_t e,
			    loa_tok_type *type)
{
	/* 12% or 12 % */
	size_t j = e;
	if (j < lim && p[j] == '%') {
		*type = LOA_TOK_PERCENT;
		return j + 1;
	}
	size_t h = skip_hspace(p, lim, e);
	if (h != SIZE_MAX && p[h] == '%') {
		*type = LOA_TOK_PERCENT;
		return h + 1;
	}
	/* currency symbol or "đ" glued: 100.000đ, 5$, 5₫ */
	size_t l;
	if (j < lim) {
		uint32_t c = dec(p, lim, j, &l);
		if (c == '$' || c == 0x20AB || c == 0x20AC) {
			*type = LOA_TOK_MONEY;
			return j + l;
		}
		if (c == 0x111 || c == 0x110) { /* đ */
			size_t we = letters_end(p, lim, j);
			if (we == j + l || kw_is(p, j, we, &KW_CUR[0])) {
				*type = LOA_TOK_MONEY;
				return we;
			}
		}
		if (is_letter(c) || is_digit(c))
			return 0;
	}
	size_t ws, we;
	if (!next_word(p, lim, e, &ws, &we)) {
		if (h != SIZE_MAX) {
			uint32_t c = dec(p, lim, h, &l);
			if (c == 0x20AB || c == 0x20AC || c == '$') {
				*type = LOA_TOK_MONEY;
				return h + l;
			}
		}
		return 0;
	}
	/* 12 phần trăm */
	if (kw_is(p, ws, we, &KW_PHAN)) {
		size_t ws2, we2;
		if (next_word(p, lim, we, &ws2, &we2) && kw_is(p, ws2, we2, &KW_TRAM)) {
			*type = LOA_TOK_PERCENT;
			return we2;
		}
		return 0;
	}
	/* 14 giờ [30 [phút]] */
	if (kw_is(p, ws, we, &KW_GIO) && e - s <= 2 && int_of(p, s, e) < 24) {
		size_t ns, ne, ws2, we2;
		int v;
		size_t end = we;
		if (next_int(p, lim, we, 2, &ns, &ne, &v) && v < 60) {
			end = ne;
			if (next_word(p, lim, ne, &ws2, &we2) && kw_is(p, ws2, we2, &KW_PHUT))
				end = we2;
		}
		*type = LOA_TOK_TIME;
		return end;
	}
	/* [multiplier [multiplier]] currency */
	size_t cs = ws, ce = we, k = 0;
	while (k < 2 && kw_any(p, cs, ce, KW_MULT)) {
		size_t a, b;
		if (!next_word(p, lim, ce, &a, &b)) {
			/* 20 triệu $ ? */
			size_t hh = skip_hspace(p, lim, ce);
			if (hh != SIZE_MAX) {
				uint32_t c = dec(p, lim, hh, &l);
				if (c == '$' || c == 0x20AB || c == 0x20AC) {
					*type = LOA_TOK_MONEY;
					return hh + l;
				}
			}
			return 0;
		}
		cs = a, ce = b, k++;
	}
	if (kw_any(p, cs, ce, KW_CUR)) {
		static const kw KW_NHAN = KW1("nhân"), KW_DAN = KW1("dân"), KW_TE = KW1("tệ"),
				KW_DO = KW1("đô"), KW_LA = KW1("la");
		if (kw_is(p, cs, ce, &KW_NHAN)) {
			size_t a, b, c2, d2;
			if (next_word(p, lim, ce, &a, &b) && kw_is(p, a, b, &KW_DAN) &&
			    next_word(p, lim, b, &c2, &d2) && kw_is(p, c2, d2, &KW_TE)) {
				*type = LOA_TOK_MONEY;
				return d2;
			}
			return 0;
		}
		if (kw_is(p, cs, ce, &KW_DO)) {
			size_t a, b;
			if (next_word(p, lim, ce, &a, &b) && kw_is(p, a, b, &KW_LA))
				ce = b;
		}
		*type = LOA_TOK_MONEY;
		return ce;
	}
	return 0;
}

/* "ngày 12 tháng 8 [năm 2023]", "tháng 8 năm 2023" at a word p[i..we). */
static size_t match_date_words(const unsigned char *p, size_t lim, size_t i, size_t we)
{
	size_t e = we, ns, ne, ws, wend;
	int v;
	bool ngay = kw_is(p, i, we, &KW_NGAY);
	if (ngay) {
		if (!next_int(p, lim, e, 2, &ns, &ne, &v) || v < 1 || v > 31)
			return 0;
		if (!next_word(p, lim, ne, &ws, &wend) || !kw_is(p, ws, wend, &KW_THANG))
			return 0;
		e = wend;
	} else if (!kw_is(p, i, we, &KW_THANG)) {
		return 0;
	}
	if (!next_int(p, lim, e, 2, &ns, &ne, &v) || v < 1 || v > 12)
		return 0;
	e = ne;
	size_t ys, ye;
	if (next_word(p, lim, e, &ws, &wend) && kw_is(p, ws, wend, &KW_NAM) &&
	    next_int(p, lim, wend, 4, &ys, &ye, &v) && ye - ys == 4)
		return ye;
	return ngay ? e : 0;
}

/* Abbreviations: "TP.HCM", "TT&TT", "UBND", "H5N1", "COVID-19". Returns the
 * end or 0. we is the end of the first letter run. */
static size_t match_abbr(const unsigned char *p, size_t lim, size_t i, size_t we)
{
	/* the first run: all upper-case, or "Tp"/"Th" style before an upper part */
	size_t n_up = 0, n_lo = 0;
	for (size_t j = i; j < we;) {
		size_t l;
		uint32_t c = dec(p, lim, j, &l);
		if (is_upper(c))
			n_up++;
		else
			n_lo++;
		j += l;
	}
	if (n_up == 0)
		return 0;
	size_t e = we;
	bool joined = false;
	for (;;) {
		if (e + 1 >= lim || (p[e] != '.' && p[e] != '&') || e - i > 64)
			break;
		size_t l;
		uint32_t c = dec(p, lim, e + 1, &l);
		if (!is_letter(c) || !is_upper(c))
			break;
		size_t pe = letters_end(p, lim, e + 1);
		size_t lo = 0;
		for (size_t j = e + 1; j < pe;) {
			uint32_t cc = dec(p, lim, j, &l);
			if (!is_upper(cc))
				lo++;
			j += l;
		}
		if (lo)
			break;
		/* "TP.HCM" yes; "Hà Nội.Đà" no: a dotted part after a word needs
		 * the first part to be short */
		if (n_lo && (n_up + n_lo > 3))
			break;
		joined = true;
		e = pe;
	}
	if (joined)
		return e;
	if (n_lo)
		goto mixed;
	/* a single all-caps run: an abbreviation when it is no syllable */
	if (n_up >= 2 && !loa__text_is_syllable(p + i, we - i)) {
		if (we + 1 < lim && p[we] == '-' && is_digit(p[we + 1]))
			return digits_end(p, lim, we + 1); /* COVID-19 */
		if (we < lim && is_digit(p[we]))
			goto alnum;
		return we;
	}
	if (we < lim && is_digit(p[we]))
		goto alnum;
	return 0;
mixed:
	/* ThS, PGS.TS handled above; ThS = two capitals in a short word */
	if (n_up >= 2 && n_up + n_lo <= 5 && !loa__text_is_syllable(p + i, we - i))
		return we;
	return 0;
alnum:
	/* letters and digits mixed, starting with capitals: H5N1, F0, G7 */
	{
		size_t j = we;
		while (j < lim && j - i < 32) {
			size_t l;
			uint32_t c = dec(p, lim, j, &l);
			if (!(is_digit(c) || (is_letter(c) && c < 0x80 && is_upper(c))))
				break;
			j += l;
		}
		if (boundary_after(p, lim, j))
			return j;
		return 0;
	}
}

/* ---- the scanner ------------------------------------------------------- */

/* Emits a token with its flags; applies pending sentence ends. */
static int emit(scan *sc, loa_tok_type type, size_t s, size_t e, unsigned flags)
{
	loa_token t;
	t.type = type;
	t.start = sc->base + s;
	t.end = sc->base + e;
	t.flags = flags;
	if (sc->pending_end != SIZE_MAX && t.end >= sc->pending_end) {
		t.flags |= LOA_TOKF_SENT_END;
		sc->pending_end = SIZE_MAX;
	}
	if (!(sc->state & ST_NOT_FIRST) || (sc->state & ST_SPACE))
		t.flags |= LOA_TOKF_SPACE_BEFORE;
	sc->state = (sc->state | ST_NOT_FIRST) & ~(ST_SPACE | ST_TITLE);
	int r = sc->fn ? sc->fn(sc->user, &t, (const char *)sc->p + s) : 0;
	return r;
}

/* Decides whether the text after a token ending at e closes a sentence:
 * a newline, or the end of the text. */
static inline bool ends_by_space(const scan *sc, size_t lim, size_t e)
{
	size_t j = e;
	/* most tokens: followed by a printable ASCII character, or by one space
	 * and then a letter (a lead byte that starts no space character) */
	if (e + 1 < lim) {
		unsigned char a = sc->p[e], b = sc->p[e + 1];
		if (a > 0x20 && a < 0x7F)
			return false;
		if (a == ' ' && ((b > 0x20 && b < 0x7F) || (b >= 0xC3 && b != 0xE2 &&
							    b != 0xE3 && b != 0xEF)))
			return false;
	}
	while (j < lim) {
		size_t l;
		uint32_t c = dec(sc->p, lim, j, &l);
		if (is_newline(c))
			return true;
		if (!is_space(c))
			return false;
		j += l;
	}
	return sc->final && j == sc->n;
}

/* Scans one token at i (not a space). Returns its end; *type, *flags set. */
static size_t scan_one(scan *sc, size_t i, size_t lim, loa_tok_type *type, unsigned *flags)
{
	const unsigned char *p = sc->p;
	size_t l;
	uint32_t c = dec(p, lim, i, &l);
	size_t e;
	*flags = 0;

	if (is_digit(c)) {
		/* e-mail with a local part starting with a digit; bare domains */
		size_t q = i;
		while (q < lim && q - i < 64 && is_email_local(p[q]))
			q++;
		if (q < lim && p[q] == '@' && (e = match_email(p, lim, i))) {
			*type = LOA_TOK_EMAIL;
			return e;
		}
	}
	if (is_digit(c)) {
		/* keycap emoji 1️⃣ */
		size_t l2;
		if (i + 1 < lim) {
			uint32_t c2 = dec(p, lim, i + 1, &l2);
			if (c2 == 0xFE0F || c2 == 0x20E3) {
				e = i + 1;
				while (e < lim) {
					uint32_t c3 = dec(p, lim, e, &l2);
					if (!is_emoji_ext(c3))
						break;
					e += l2;
				}
				*type = LOA_TOK_EMOJI;
				return e;
			}
		}
		if ((e = match_datetime(p, lim, i, type)))
			return e;
		size_t ne = number_end(p, lim, i);
		if ((e = number_suffix(p, lim, i, ne, type)))
			return e;
		*type = LOA_TOK_NUMBER;
		return ne;
	}
	if (c == '#' || c == '@') {
		size_t j = i + 1, any = 0;
		while (j < lim && j - i < LOA_TOK_MAX_LEN) {
			uint32_t c2 = dec(p, lim, j, &l);
			if (!(is_letter(c2) || is_digit(c2) || c2 == '_' ||
			      (c == '@' && c2 == '.' && j + 1 < lim && is_alpha_ascii(p[j + 1]))) ||
			    j + l - i > LOA_TOK_MAX_LEN)
				break;
			if (c2 != '_' && c2 != '.')
				any++;
			j += l;
		}
		bool prev_word = !(sc->state & ST_SPACE) && (sc->state & ST_NOT_FIRST);
		if (any && !(prev_word && c == '@')) {
			*type = c == '#' ? LOA_TOK_HASHTAG : LOA_TOK_MENTION;
			return j;
		}
	}
	if (c == '$' || c == 0x20AC) { /* $5, €20 */
		if (i + l < lim && is_digit(p[i + l])) {
			*type = LOA_TOK_MONEY;
			return number_end(p, lim, i + l);
		}
	}
	if ((c == '-' || c == '+') && i + 1 < lim && is_digit(p[i + 1]) &&
	    ((sc->state & ST_SPACE) || !(sc->state & ST_NOT_FIRST))) {
		size_t ne = number_end(p, lim, i + 1);
		if ((e = number_suffix(p, lim, i + 1, ne, type)))
			return e;
		*type = LOA_TOK_NUMBER;
		return ne;
	}
	if (is_letter(c)) {
		size_t n_up;
		unsigned wf;
		size_t we = loa__text_word_scan(p, lim, i, &wf, &n_up);
		unsigned nc = we < lim ? p[we] : 0;
		if (c < 0x80) {
			/* URLs, e-mails, domains: only when the word runs into : . @ etc. */
			if ((nc == ':' || nc == '.') && strchr("hHfFwW", (int)c) &&
			    (e = match_url(p, lim, i))) {
				*type = LOA_TOK_URL;
				return e;
			}
			unsigned nn = we + 1 < lim ? p[we + 1] : 0;
			if (nc == '@' || nc == '_' || nc == '+' || nc == '%' || is_digit(nc) ||
			    ((nc == '.' || nc == '-') && (is_alpha_ascii(nn) || is_digit(nn)))) {
				size_t q = we;
				while (q < lim && q - i < 64 && is_email_local(p[q]))
					q++;
				if (q < lim && p[q] == '@' && (e = match_email(p, lim, i))) {
					*type = LOA_TOK_EMAIL;
					return e;
				}
				if (q > i && p[q - 1] != '.' && (nc == '.' || nc == '-' || is_digit(nc)) &&
				    (e = match_domain(p, lim, i))) {
					*type = LOA_TOK_URL;
					return e;
				}
			}
		}
		if (we - i > LOA_TOK_MAX_LEN) {
			we = i + loa_utf8_truncate((const char *)p + i, we - i, LOA_TOK_MAX_LEN);
			nc = 0;
		}
		if (we == i) /* one code point larger than the cap: impossible, but safe */
			we = i + l;
		/* dates in words: "ngày 12 tháng 8", "tháng 8 năm 2023" */
		uint32_t lc = c | 0x20;
		uint32_t lc2 = i + 1 < we ? p[i + 1] | 0x20u : 0;
		if (((lc == 'n' && lc2 == 'g') || (lc == 't' && lc2 == 'h')) && we - i <= 6 &&
		    (nc == ' ' || nc == '\t') &&
		    (e = match_date_words(p, lim, i, we))) {
			*type = LOA_TOK_DATE;
			return e;
		}
		if ((wf & LOA_TOKF_CAPITAL) &&
		    (n_up >= 2 || nc == '.' || nc == '&' || nc == '-' || is_digit(nc)) && we - i <= 64 &&
		    (e = match_abbr(p, lim, i, we))) {
			*type = LOA_TOK_ABBR;
			*flags = LOA_TOKF_CAPITAL | LOA_TOKF_UPPER;
			return e;
		}
		*type = LOA_TOK_WORD;
		*flags = wf;
		return we;
	}
	if (is_emoji(c) || (c >= 0x1F1E6 && c <= 0x1F1FF)) {
		e = i + l;
		bool ri = c >= 0x1F1E6 && c <= 0x1F1FF;
		if (ri && e < lim) {
			size_t l2;
			uint32_t c2 = dec(p, lim, e, &l2);
			if (c2 >= 0x1F1E6 && c2 <= 0x1F1FF)
				e += l2;
		}
		while (e < lim && e - i < 64) {
			size_t l2;
			uint32_t c2 = dec(p, lim, e, &l2);
			if (is_emoji_ext(c2)) {
				e += l2;
			} else if (c2 == 0x200D && e + l2 < lim) {
				size_t l3;
				uint32_t c3 = dec(p, lim, e + l2, &l3);
				if (!is_emoji(c3))
					break;
				e += l2 + l3;
			} else {
				break;
			}
		}
		*type = LOA_TOK_EMOJI;
		return e;
	}
	if (is_punct(c)) {
		e = i + l;
		if (is_sent_punct(c)) {
			while (e < lim && e - i < 64) {
				size_t l2;
				uint32_t c2 = dec(p, lim, e, &l2);
				if (!is_sent_punct(c2))
					break;
				e += l2;
			}
		} else if (c == '-') {
			while (e < lim && p[e] == '-' && e - i < 64)
				e++;
		}
		*type = LOA_TOK_PUNCT;
		return e;
	}
	if (is_digit(c) == false && c > 0x7F && c <= 0x10FFFF &&
	    utf8proc_category((utf8proc_int32_t)c) == UTF8PROC_CATEGORY_ND) {
		e = i + l;
		while (e < lim && e - i < 64) {
			size_t l2;
			uint32_t c2 = dec(p, lim, e, &l2);
			if (c2 > 0x10FFFF || utf8proc_category((utf8proc_int32_t)c2) != UTF8PROC_CATEGORY_ND)
				break;
			e += l2;
		}
		*type = LOA_TOK_NUMBER;
		return e;
	}
	*type = LOA_TOK_SYMBOL;
	return i + l;
}

/* Sentence end after a run of . ! ? … at [s, e). Sets sc->pending_end when
 * closers follow; returns true when the punctuation itself ends it. */
static bool sentence_punct(scan *sc, size_t lim, size_t s, size_t e, bool prev_title)
{
	const unsigned char *p = sc->p;
	size_t j = e, last_closer = SIZE_MAX;
	while (j < lim) {
		size_t l;
		uint32_t c = dec(p, lim, j, &l);
		if (!is_closer(c))
			break;
		j += l;
		last_closer = j;
	}
	bool end = false;
	if (j >= lim) {
		end = sc->final && j == sc->n;
	} else {
		size_t l;
		uint32_t c = dec(p, lim, j, &l);
		if (is_space(c)) {
			size_t k = j;
			bool nl = false;
			while (k < lim) {
				c = dec(p, lim, k, &l);
				if (!is_space(c))
					break;
				if (is_newline(c))
					nl = true;
				k += l;
			}
			if (nl || k >= lim) {
				end = nl || (sc->final && k == sc->n);
			} else {
				c = dec(p, lim, k, &l);
				bool lower = is_letter(c) && !is_upper(c) && loa_text_lower_cp(c) == c &&
					     c != LOA_UTF8_REPLACEMENT;
				/* "v.v. và", "TP. Hồ Chí Minh", "Nguyễn Văn A. Ông" */
				bool single_dot = e - s == 1 && p[s] == '.';
				end = !lower && !(single_dot && prev_title);
			}
		}
	}
	if (!end)
		return false;
	if (last_closer != SIZE_MAX) {
		sc->pending_end = sc->base + last_closer;
		return false;
	}
	return true;
}

/* Tokenises p[0..n) as far as it is safe (everything when final). Returns
 * the bytes consumed; sc->stop is set when the callback stopped. */
static size_t scan_run(scan *sc)
{
	const unsigned char *p = sc->p;
	size_t n = sc->n, i = 0;
	while (i < n) {
		/* whitespace */
		if (p[i] == ' ') {
			sc->state |= ST_SPACE;
			i++;
			continue;
		}
		size_t l;
		uint32_t c = dec(p, n, i, &l);
		if (is_space(c)) {
			if (!sc->final && n - i < 4)
				break; /* a sequence cut by the chunk end */
			sc->state |= ST_SPACE;
			i += l;
			continue;
		}
		if (!sc->final && n - i < SCAN_WINDOW)
			break;
		size_t lim = n - i > SCAN_WINDOW ? i + SCAN_WINDOW : n;
		loa_tok_type type;
		unsigned flags;
		size_t e = scan_one(sc, i, lim, &type, &flags);
		if (e <= i)
			e = i + l;
		bool prev_title = (sc->state & ST_TITLE) != 0;
		if (type == LOA_TOK_PUNCT && is_sent_punct(c) &&
		    sentence_punct(sc, lim, i, e, prev_title))
			flags |= LOA_TOKF_SENT_END;
		if (ends_by_space(sc, lim, e))
			flags |= LOA_TOKF_SENT_END;
		if (flags & LOA_TOKF_SENT_END)
			sc->pending_end = SIZE_MAX;
		bool title = false;
		if ((type == LOA_TOK_WORD || type == LOA_TOK_ABBR) && e < lim && p[e] == '.' &&
		    e - i <= 3)
			title = (e - i == l && is_upper(c)) || kw_any(p, i, e, KW_TITLE);
		int r = emit(sc, type, i, e, flags);
		if (title)
			sc->state |= ST_TITLE;
		i = e;
		if (r) {
			sc->stop = r;
			return i;
		}
	}
	return i;
}

static void scan_init(scan *sc, loa_tok_fn fn, void *user)
{
	memset(sc, 0, sizeof *sc);
	sc->fn = fn;
	sc->user = user;
	sc->pending_end = SIZE_MAX;
}

int loa_text_tokenize(const char *s, size_t n, loa_tok_fn fn, void *user)
{
	if (!s && n)
		return LOA_EINVAL;
	scan sc;
	scan_init(&sc, fn, user);
	sc.p = (const unsigned char *)s;
	sc.n = n;
	sc.final = true;
	scan_run(&sc);
	return sc.stop;
}

int loa_text_syllables(const char *s, size_t n, loa_tok_fn fn, void *user)
{
	return loa_text_tokenize(s, n, fn, user);
}

/* ---- tokens with their normalised text ---------------------------------- */

typedef struct norm_ctx {
	loa_tok_norm_fn fn;
	void *user;
	unsigned flags;
	loa_buf out, tmp;
	int err;
} norm_ctx;

int loa__text_tok_norm(const loa_token *t, const char *text, unsigned flags, loa_buf *out,
		       loa_buf *tmp, const char **norm, size_t *norm_len)
{
	size_t n = t->end - t->start;
	*norm = text;
	*norm_len = n;
	/* lower-case ASCII words without "gh"/"qu": normal already */
	if (n == 1 && (unsigned char)text[0] < 0x80 && !(text[0] >= 'A' && text[0] <= 'Z'))
		return LOA_OK; /* punctuation, a letter */
	if (t->type == LOA_TOK_WORD && !(t->flags & LOA_TOKF_ASCII) &&
	    !(t->flags & LOA_TOKF_ANY_UPPER) && !(flags & LOA_NORM_FOLD) &&
	    (flags & LOA_NORM_TONE) && n <= 24 &&
	    loa__text_word_status((const unsigned char *)text, n) == 1)
		return LOA_OK; /* a syllable in normal form */
	if ((t->flags & LOA_TOKF_ASCII) || t->type != LOA_TOK_WORD) {
		bool plain = true;
		if (t->flags & LOA_TOKF_ASCII) {
			plain = !(t->flags & LOA_TOKF_ANY_UPPER);
		} else {
			for (size_t j = 0; j < n && plain; j++)
				plain = (unsigned char)text[j] < 0x80 && !(text[j] >= 'A' && text[j] <= 'Z');
		}
		if (plain && !(n > 1 && (flags & LOA_NORM_TONE) &&
			       loa__text_ascii_needs_repair((const unsigned char *)text, n)))
			return LOA_OK;
	}
	loa_buf_reset(out);
	int rc = loa__text_norm_piece((const unsigned char *)text, n, flags, out, tmp);
	if (rc)
		return rc;
	*norm = out->data ? out->data : "";
	*norm_len = out->len;
	return LOA_OK;
}

static int norm_tok(void *user, const loa_token *t, const char *text)
{
	norm_ctx *c = user;
	const char *norm;
	size_t norm_len;
	int rc = loa__text_tok_norm(t, text, c->flags, &c->out, &c->tmp, &norm, &norm_len);
	if (rc) {
		c->err = rc;
		return rc;
	}
	return c->fn(c->user, t, text, norm, norm_len);
}

int loa_text_tokenize_norm(const char *s, size_t n, unsigned flags, loa_tok_norm_fn fn, void *user)
{
	norm_ctx c;
	c.fn = fn;
	c.user = user;
	c.flags = flags;
	c.err = 0;
	/* a token is at most LOA_TOK_MAX_LEN bytes (composite ones a little
	 * more); its normal form at most 3 times that */
	loa_buf_init(&c.out, 4 * (size_t)LOA_TOK_MAX_LEN + 1024);
	loa_buf_init(&c.tmp, 4 * (size_t)LOA_TOK_MAX_LEN + 1024);
	int rc = loa_text_tokenize(s, n, norm_tok, &c);
	loa_buf_release(&c.out);
	loa_buf_release(&c.tmp);
	return rc;
}

/* ---- streaming ---------------------------------------------------------- */

void loa_tokstream_init(loa_tokstream *ts, loa_tok_fn fn, void *user)
{
	memset(ts, 0, sizeof *ts);
	ts->fn = fn;
	ts->user = user;
	ts->pending_end = SIZE_MAX;
	loa_buf_init(&ts->pend, SCAN_WINDOW + FEED_STEP + 64);
}

void loa_tokstream_release(loa_tokstream *ts)
{
	loa_buf_release(&ts->pend);
}

static int stream_run(loa_tokstream *ts, bool final)
{
	scan sc;
	scan_init(&sc, ts->fn, ts->user);
	sc.p = (const unsigned char *)ts->pend.data;
	sc.n = ts->pend.len;
	sc.final = final;
	sc.base = ts->base;
	sc.state = ts->state;
	sc.pending_end = ts->pending_end;
	size_t used = sc.n ? scan_run(&sc) : 0;
	ts->state = sc.state;
	ts->pending_end = sc.pending_end;
	loa_buf_consume(&ts->pend, used);
	ts->base += used;
	if (sc.stop)
		ts->stopped = sc.stop;
	return sc.stop;
}

int loa_tokstream_feed(loa_tokstream *ts, const char *s, size_t n)
{
	if (ts->stopped)
		return ts->stopped;
	while (n) {
		size_t room = ts->pend.max - ts->pend.len;
		size_t take = n < room ? n : room;
		if (take > FEED_STEP)
			take = FEED_STEP;
		int rc = loa_buf_append(&ts->pend, s, take);
		if (rc)
			return rc;
		s += take;
		n -= take;
		if (ts->pend.len >= SCAN_WINDOW + FEED_STEP / 2 || ts->pend.len == ts->pend.max) {
			rc = stream_run(ts, false);
			if (rc)
				return rc;
		}
	}
	return LOA_OK;
}

int loa_tokstream_finish(loa_tokstream *ts)
{
	if (ts->stopped)
		return ts->stopped;
	return stream_run(ts, true);
}

/* ---- sentences ---------------------------------------------------------- */

typedef struct sent_ctx {
	loa_sent_fn fn;
	void *user;
	size_t start;
	bool open;
} sent_ctx;

static int sent_tok(void *user, const loa_token *t, const char *text)
{
	sent_ctx *c = user;
	if (!c->open) {
		c->start = t->start;
		c->open = true;
	}
	if (t->flags & LOA_TOKF_SENT_END) {
		c->open = false;
		return c->fn(c->user, c->start, t->end);
	}
	return 0;
}

int loa_text_sentences(const char *s, size_t n, loa_sent_fn fn, void *user)
{
	sent_ctx c = {fn, user, 0, false};
	return loa_text_tokenize(s, n, sent_tok, &c);
}
