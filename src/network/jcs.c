/*
 * jcs.c - RFC 8785 JSON Canonicalization Scheme over jansson values.
 */
#include "network/sign.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define JCS_MAX_DEPTH 64

/* ---- numbers: ECMAScript Number.prototype.toString --------------------- */

int loa_jcs_number(double d, char *out, size_t cap)
{
	if (cap < 32 || isnan(d) || isinf(d))
		return LOA_EINVAL;
	if (d == 0) {
		out[0] = '0';
		out[1] = '\0';
		return LOA_OK;
	}
	size_t o = 0;
	if (d < 0) {
		out[o++] = '-';
		d = -d;
	}
	/* The shortest decimal that reads back as d (correctly rounded). */
	char sci[40];
	int p;
	for (p = 1; p <= 17; p++) {
		snprintf(sci, sizeof sci, "%.*e", p - 1, d);
		if (strtod(sci, NULL) == d)
			break;
	}
	/* sci = "D[.DDD]e[+-]XX": collect the digits and the exponent. */
	char digits[24];
	int k = 0;
	const char *c = sci;
	for (; *c && *c != 'e'; c++)
		if (*c >= '0' && *c <= '9' && k < 20)
			digits[k++] = *c;
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = '\0';
	int e = (int)strtol(c + 1, NULL, 10);
	int n = e + 1; /* value = 0.digits * 10^n */
	if (k <= n && n <= 21) {
		memcpy(out + o, digits, (size_t)k);
		o += (size_t)k;
		for (int i = 0; i < n - k; i++)
			out[o++] = '0';
	} else if (0 < n && n <= 21) {
		memcpy(out + o, digits, (size_t)n);
		o += (size_t)n;
		out[o++] = '.';
		memcpy(out + o, digits + n, (size_t)(k - n));
		o += (size_t)(k - n);
	} else if (-6 < n && n <= 0) {
		out[o++] = '0';
		out[o++] = '.';
		for (int i = 0; i < -n; i++)
			out[o++] = '0';
		memcpy(out + o, digits, (size_t)k);
		o += (size_t)k;
	} else {
		out[o++] = digits[0];
		if (k > 1) {
			out[o++] = '.';
			memcpy(out + o, digits + 1, (size_t)(k - 1));
			o += (size_t)(k - 1);
		}
		o += (size_t)snprintf(out + o, cap - o, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
	}
	out[o] = '\0';
	return LOA_OK;
}

/* ---- strings ----------------------------------------------------------- */

/* Decodes one UTF-8 sequence at s[*i..n); -1 when invalid. */
static long utf8_next(const unsigned char *s, size_t n, size_t *i)
{
	unsigned char c = s[*i];
	long cp;
	int len;
	if (c < 0x80) {
		(*i)++;
		return c;
	} else if ((c & 0xe0) == 0xc0) {
		cp = c & 0x1f;
		len = 2;
	} else if ((c & 0xf0) == 0xe0) {
		cp = c & 0x0f;
		len = 3;
	} else if ((c & 0xf8) == 0xf0) {
		cp = c & 0x07;
		len = 4;
	} else {
		return -1;
	}
	if (*i + (size_t)len > n)
		return -1;
	for (int j = 1; j < len; j++) {
		unsigned char cc = s[*i + (size_t)j];
		if ((cc & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (cc & 0x3f);
	}
	static const long min[5] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*i += (size_t)len;
	return cp;
}

static int put_string(loa_buf *out, const char *s, size_t n)
{
	int rc = loa_buf_putc(out, '"');
	size_t i = 0, run = 0;
	while (rc == LOA_OK && i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			size_t j = i;
			if (utf8_next((const unsigned char *)s, n, &j) < 0)
				return LOA_EINVAL;
			i = j;
			continue;
		}
		const char *esc = NULL;
		char u[8];
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			if (c < 0x20) {
				snprintf(u, sizeof u, "\\u%04x", c);
				esc = u;
			}
		}
		if (esc) {
			rc = loa_buf_append(out, s + run, i - run);
			if (rc == LOA_OK)
				rc = loa_buf_puts(out, esc);
			run = i + 1;
		}
		i++;
	}
	if (rc == LOA_OK)
		rc = loa_buf_append(out, s + run, n - run);
	if (rc == LOA_OK)
		rc = loa_buf_putc(out, '"');
	return rc;
}

/* Compares two UTF-8 strings by their UTF-16 code units. */
static int utf16_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;
	unsigned pa = 0, pb = 0; /* a pending low surrogate */
	for (;;) {
		unsigned ua, ub;
		if (pa) {
			ua = pa;
			pa = 0;
		} else if (i < an) {
			long cp = utf8_next((const unsigned char *)a, an, &i);
			if (cp < 0)
				cp = 0xfffd, i++;
			if (cp >= 0x10000) {
				cp -= 0x10000;
				ua = 0xd800u + (unsigned)(cp >> 10);
				pa = 0xdc00u + (unsigned)(cp & 0x3ff);
			} else {
				ua = (unsigned)cp;
			}
		} else {
			ua = 0x110000; /* end */
		}
		if (pb) {
			ub = pb;
			pb = 0;
		} else if (j < bn) {
			long cp = utf8_next((const unsigned char *)b, bn, &j);
			if (cp < 0)
				cp = 0xfffd, j++;
			if (cp >= 0x10000) {
				cp -= 0x10000;
				ub = 0xd800u + (unsigned)(cp >> 10);
				pb = 0xdc00u + (unsigned)(cp & 0x3ff);
			} else {
				ub = (unsigned)cp;
			}
		} else {
			ub = 0x110000;
		}
		/* the end of a string sorts before any code unit */
		if (ua == 0x110000 && ub == 0x110000)
			return 0;
		if (ua == 0x110000)
			return -1;
		if (ub == 0x110000)
			return 1;
		if (ua != ub)
			return ua < ub ? -1 : 1;
	}
}

typedef struct member {
	const char *key;
	size_t klen;
	json_t *v;
} member;

static int member_cmp(const void *x, const void *y)
{
	const member *a = x, *b = y;
	return utf16_cmp(a->key, a->klen, b->key, b->klen);
}

static int put_value(const json_t *v, loa_buf *out, int depth, loa_err *err)
{
	if (depth > JCS_MAX_DEPTH)
		return loa_err_set(err, LOA_EINVAL, "JSON lồng quá sâu / JSON nested too deeply");
	char num[40];
	switch (json_typeof(v)) {
	case JSON_NULL: return loa_buf_puts(out, "null");
	case JSON_TRUE: return loa_buf_puts(out, "true");
	case JSON_FALSE: return loa_buf_puts(out, "false");
	case JSON_INTEGER: {
		json_int_t i = json_integer_value(v);
		if (i > -9007199254740992LL && i < 9007199254740992LL) {
			snprintf(num, sizeof num, "%lld", (long long)i);
		} else if (loa_jcs_number((double)i, num, sizeof num) != LOA_OK) {
			return loa_err_set(err, LOA_EINVAL, "số không hợp lệ / bad number");
		}
		return loa_buf_puts(out, num);
	}
	case JSON_REAL:
		if (loa_jcs_number(json_real_value(v), num, sizeof num) != LOA_OK)
			return loa_err_set(err, LOA_EINVAL,
					   "NaN và vô cực không có trong JSON / NaN and infinities are not JSON");
		return loa_buf_puts(out, num);
	case JSON_STRING: {
		int rc = put_string(out, json_string_value(v), json_string_length(v));
		if (rc == LOA_EINVAL)
			return loa_err_set(err, rc, "chuỗi không phải UTF-8 / string is not UTF-8");
		return rc;
	}
	case JSON_ARRAY: {
		int rc = loa_buf_putc(out, '[');
		for (size_t i = 0; rc == LOA_OK && i < json_array_size(v); i++) {
			if (i)
				rc = loa_buf_putc(out, ',');
			if (rc == LOA_OK)
				rc = put_value(json_array_get(v, i), out, depth + 1, err);
		}
		return rc ? rc : loa_buf_putc(out, ']');
	}
	case JSON_OBJECT: {
		size_t n = json_object_size(v);
		member *m = n ? calloc(n, sizeof *m) : NULL;
		if (n && !m)
			return LOA_ENOMEM;
		size_t k = 0;
		const char *key;
		json_t *val;
		void *iter = json_object_iter((json_t *)v);
		while (iter && k < n) {
			key = json_object_iter_key(iter);
			val = json_object_iter_value(iter);
			m[k].key = key;
			m[k].klen = json_object_iter_key_len(iter);
			m[k].v = val;
			k++;
			iter = json_object_iter_next((json_t *)v, iter);
		}
		if (k > 1) /* m is NULL for {} */
			qsort(m, k, sizeof *m, member_cmp);
		int rc = loa_buf_putc(out, '{');
		for (size_t i = 0; rc == LOA_OK && i < k; i++) {
			if (i)
				rc = loa_buf_putc(out, ',');
			if (rc == LOA_OK) {
				rc = put_string(out, m[i].key, m[i].klen);
				if (rc == LOA_EINVAL)
					rc = loa_err_set(err, rc, "tên không phải UTF-8 / name is not UTF-8");
			}
			if (rc == LOA_OK)
				rc = loa_buf_putc(out, ':');
			if (rc == LOA_OK)
				rc = put_value(m[i].v, out, depth + 1, err);
		}
		free(m);
		return rc ? rc : loa_buf_putc(out, '}');
	}
	}
	return loa_err_set(err, LOA_EINVAL, "giá trị JSON lạ / unknown JSON value");
}

int loa_jcs(const json_t *v, loa_buf *out, loa_err *err)
{
	if (!v)
		return loa_err_set(err, LOA_EINVAL, "không có giá trị / no value");
	size_t mark = out->len;
	int rc = put_value(v, out, 0, err);
	if (rc) {
		out->len = mark;
		if (out->data)
			out->data[mark] = '\0';
		if (rc == LOA_ETOOBIG || rc == LOA_ENOMEM)
			loa_err_set(err, rc, "%s", loa_strerror(rc));
	}
	return rc;
}

int loa_jcs_text(const char *json, size_t n, loa_buf *out, loa_err *err)
{
	json_error_t je;
	json_t *v = json_loadb(json, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	if (!v) {
		/* integers too large for json_int_t: read every number as a double */
		v = json_loadb(json, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL |
				       JSON_DECODE_INT_AS_REAL, &je);
		if (!v)
			return loa_err_set(err, LOA_EPARSE, "JSON không hợp lệ / malformed JSON at %d:%d: %s",
					   je.line, je.column, je.text);
	}
	int rc = loa_jcs(v, out, err);
	json_decref(v);
	return rc;
}
