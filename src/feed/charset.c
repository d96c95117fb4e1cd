/*
 * charset.c - which charset a feed body is in, and conversion to UTF-8.
 *
 * Order of evidence: a byte-order mark; the HTTP charset parameter; the XML
 * declaration's encoding (read in the byte pattern of the first four bytes:
 * ASCII-compatible, UTF-16 or UTF-32); else UTF-8 (RFC 7303; the obsolete
 * RFC 3023 us-ascii default for text/xml is not applied). Conversion goes
 * through glibc iconv, so every legacy charset glibc knows works, including
 * Windows-1258 and TCVN (Vietnamese). When the chosen charset is unknown or
 * the bytes are invalid in it, UTF-8 and then windows-1252 are tried and the
 * problem is recorded (the feed becomes bozo).
 */
#include "feed/feed_int.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>

#include "core/utf8.h"

#include "core/banned.h"

static void lower_copy(char *out, size_t cap, const char *s, size_t n)
{
	size_t i = 0;
	for (; i < n && i + 1 < cap; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

void loa__feed_ct_type(const char *ct, char *out, size_t cap)
{
	out[0] = '\0';
	if (!ct)
		return;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	size_t n = strcspn(ct, "; \t");
	lower_copy(out, cap, ct, n);
}

bool loa__feed_ct_charset(const char *ct, char *out, size_t cap)
{
	if (!ct)
		return false;
	const char *p = ct;
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "charset", 7) != 0)
			continue;
		const char *q = p + 7;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '=')
			continue;
		q++;
		while (*q == ' ' || *q == '\t' || *q == '"' || *q == '\'')
			q++;
		size_t n = strcspn(q, "\"'; \t");
		if (n == 0 || n >= cap)
			return false;
		lower_copy(out, cap, q, n);
		return true;
	}
	return false;
}

/* Canonical names in the form feedparser reports them. */
static void canon_name(char *enc)
{
	static const struct {
		const char *from, *to;
	} alias[] = {
		{"utf8", "utf-8"},          {"utf_8", "utf-8"},         {"u8", "utf-8"},
		{"gb2312", "gb18030"},      {"gbk", "gb18030"},         {"x-gbk", "gb18030"},
		{"ascii", "us-ascii"},      {"latin1", "iso-8859-1"},   {"latin-1", "iso-8859-1"},
		{"cp1252", "windows-1252"}, {"cp1258", "windows-1258"}, {"utf16", "utf-16"},
		{"utf_16", "utf-16"},       {"u16", "utf-16"},          {"utf32", "utf-32"},
		{"utf_32", "utf-32"},       {"u32", "utf-32"},          {"x-sjis", "shift_jis"},
	};
	for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
		if (strcmp(enc, alias[i].from) == 0) {
			loa_strlcpy(enc, alias[i].to, LOA_FEED_ENC_MAX);
			return;
		}
}

int loa__feed_iconv(const char *enc, const char *s, size_t n, loa_buf *out)
{
	char name[LOA_FEED_ENC_MAX + 4];
	if (strcmp(enc, "us-ascii") == 0) {
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] >= 0x80)
				return LOA_EPARSE;
		return loa_buf_append(out, s, n);
	}
	if (strcmp(enc, "windows-1258") == 0)
		loa_strlcpy(name, "CP1258", sizeof name);
	else
		loa_strlcpy(name, enc, sizeof name);
	iconv_t cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return LOA_ENOTFOUND;
	size_t start = out->len;
	char *in = (char *)s;
	size_t inleft = n;
	int rc = LOA_OK;
	/* grow in steps: worst case 4 bytes out per byte in, but usually ~1.5 */
	size_t guess = n + n / 2 + 16;
	while (rc == LOA_OK) {
		if ((rc = loa_buf_reserve(out, guess)))
			break;
		char *o = out->data + out->len;
		size_t oleft = out->cap - out->len - 1;
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		out->len = (size_t)(o - out->data);
		if (r != (size_t)-1) {
			/* flush shift state */
			r = iconv(cd, NULL, NULL, &o, &oleft);
			out->len = (size_t)(o - out->data);
			break;
		}
		if (errno == E2BIG) {
			guess = inleft * 2 + 64;
			continue;
		}
		rc = LOA_EPARSE; /* EILSEQ or EINVAL (truncated) */
	}
	iconv_close(cd);
	if (rc) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		return rc;
	}
	out->data[out->len] = '\0';
	return LOA_OK;
}

/* The encoding="..." of an XML declaration in ASCII-compatible bytes. */
static bool xml_decl_encoding(const char *s, size_t n, char *out, size_t cap)
{
	if (n < 6 || memcmp(s, "<?xml", 5) != 0)
		return false;
	size_t end = 5;
	while (end < n && end < 512 && s[end] != '>')
		end++;
	for (size_t i = 5; i + 8 < end; i++) {
		if (memcmp(s + i, "encoding", 8) != 0)
			continue;
		size_t j = i + 8;
		while (j < end && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n'))
			j++;
		if (j >= end || s[j] != '=')
			return false;
		j++;
		while (j < end && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n'))
			j++;
		if (j >= end || (s[j] != '"' && s[j] != '\''))
			return false;
		char q = s[j++];
		size_t k = j;
		while (k < end && s[k] != q)
			k++;
		if (k >= end || k == j || k - j >= cap)
			return false;
		lower_copy(out, cap, s + j, k - j);
		return true;
	}
	return false;
}

static bool is_wide(const char *enc)
{
	return strncmp(enc, "utf-16", 6) == 0 || strncmp(enc, "utf-32", 6) == 0 ||
	       strncmp(enc, "ucs-", 4) == 0;
}

/* UTF-8 validation with an ASCII fast path (8 bytes at a time): the same
 * answer as loa_utf8_valid (no overlongs, surrogates, > U+10FFFF). */
static bool utf8_ok(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *e = s + n;
	while (s < e) {
		if (e - s >= 8) {
			uint64_t w;
			memcpy(&w, s, 8);
			if (!(w & 0x8080808080808080ull)) {
				s += 8;
				continue;
			}
		}
		unsigned c = *s;
		if (c < 0x80) {
			s++;
		} else if (c >= 0xC2 && c <= 0xDF) {
			if (e - s < 2 || (s[1] & 0xC0) != 0x80)
				return false;
			s += 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			if (e - s < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
			    (c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F))
				return false;
			s += 3;
		} else if (c >= 0xF0 && c <= 0xF4) {
			if (e - s < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
			    (s[3] & 0xC0) != 0x80 || (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
				return false;
			s += 4;
		} else {
			return false;
		}
	}
	return true;
}

/* Converts with the charset in d->encoding; on failure tries the fallbacks. */
static int convert(const char *s, size_t n, loa_feed_decoded *d)
{
	if (strcmp(d->encoding, "utf-8") == 0 && utf8_ok(s, n)) {
		d->p = s;
		d->n = n;
		return LOA_OK;
	}
	int rc = strcmp(d->encoding, "utf-8") == 0 ? LOA_EPARSE
						     : loa__feed_iconv(d->encoding, s, n, &d->buf);
	if (rc == LOA_OK) {
		d->p = d->buf.data ? d->buf.data : "";
		d->n = d->buf.len;
		return LOA_OK;
	}
	if (rc != LOA_EPARSE && rc != LOA_ENOTFOUND)
		return rc;
	d->problem = rc == LOA_ENOTFOUND
			     ? "bảng mã không được hỗ trợ / unknown character encoding"
			     : "byte không hợp lệ với bảng mã đã khai báo / bytes invalid in the declared encoding";
	if (loa_utf8_valid(s, n)) {
		loa_strlcpy(d->encoding, "utf-8", sizeof d->encoding);
		d->p = s;
		d->n = n;
		return LOA_OK;
	}
	loa_buf_reset(&d->buf);
	if (loa__feed_iconv("windows-1252", s, n, &d->buf) == LOA_OK) {
		loa_strlcpy(d->encoding, "windows-1252", sizeof d->encoding);
	} else {
		loa_buf_reset(&d->buf);
		if ((rc = loa_utf8_sanitize(&d->buf, s, n)))
			return rc;
		loa_strlcpy(d->encoding, "utf-8", sizeof d->encoding);
	}
	d->p = d->buf.data ? d->buf.data : "";
	d->n = d->buf.len;
	return LOA_OK;
}

int loa__feed_decode(const char *body, size_t len, const char *content_type, bool xml,
		     size_t max, loa_feed_decoded *d)
{
	const unsigned char *u = (const unsigned char *)body;
	char http[LOA_FEED_ENC_MAX], decl[LOA_FEED_ENC_MAX];
	const char *bom = NULL, *sniff = NULL;
	size_t skip = 0;

	memset(d, 0, sizeof *d);
	loa_buf_init(&d->buf, max);
	if (len >= 4 && u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0)
		bom = "utf-32le", skip = 4;
	else if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF)
		bom = "utf-32be", skip = 4;
	else if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
		bom = "utf-8", skip = 3;
	else if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
		bom = "utf-16le", skip = 2;
	else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
		bom = "utf-16be", skip = 2;
	else if (len >= 4 && u[0] == '<' && u[1] == 0 && u[2] == 0 && u[3] == 0)
		sniff = "utf-32le";
	else if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0 && u[3] == '<')
		sniff = "utf-32be";
	else if (len >= 4 && u[0] == '<' && u[1] == 0 && u[3] == 0)
		sniff = "utf-16le";
	else if (len >= 4 && u[0] == 0 && u[1] == '<' && u[2] == 0)
		sniff = "utf-16be";

	bool have_http = loa__feed_ct_charset(content_type, http, sizeof http);
	bool have_decl = false;
	if (xml && !bom && !sniff)
		have_decl = xml_decl_encoding(body, len, decl, sizeof decl);

	if (bom) {
		loa_strlcpy(d->encoding, bom, sizeof d->encoding);
	} else if (have_http) {
		loa_strlcpy(d->encoding, http, sizeof d->encoding);
		canon_name(d->encoding);
		/* a wide charset over ASCII-looking bytes is a lie: ignore it */
		if (is_wide(d->encoding) && !sniff)
			loa_strlcpy(d->encoding, "utf-8", sizeof d->encoding);
	} else if (sniff) {
		loa_strlcpy(d->encoding, sniff, sizeof d->encoding);
	} else if (have_decl) {
		loa_strlcpy(d->encoding, decl, sizeof d->encoding);
		canon_name(d->encoding);
		if (is_wide(d->encoding))
			loa_strlcpy(d->encoding, "utf-8", sizeof d->encoding);
	} else {
		loa_strlcpy(d->encoding, "utf-8", sizeof d->encoding);
	}
	/* bare utf-16 / utf-32 from HTTP with a sniffed byte order */
	if (sniff && (strcmp(d->encoding, "utf-16") == 0 || strcmp(d->encoding, "utf-32") == 0))
		loa_strlcpy(d->encoding, sniff, sizeof d->encoding);
	return convert(body + skip, len - skip, d);
}
