#include "core/str.h"
#include "core/err.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "core/banned.h"

bool loa_str_starts_with(loa_str s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s.n >= n && memcmp(s.p, prefix, n) == 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

loa_str loa_str_trim(loa_str s)
{
	while (s.n && is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

loa_str loa_str_split(loa_str *s, char sep)
{
	const char *e = s->n ? memchr(s->p, sep, s->n) : NULL;
	loa_str head;
	if (!e) {
		head = *s;
		s->p += s->n;
		s->n = 0;
		return head;
	}
	head.p = s->p;
	head.n = (size_t)(e - s->p);
	s->n -= head.n + 1;
	s->p = e + 1;
	return head;
}

bool loa_str_ieq(loa_str a, const char *b)
{
	size_t n = strlen(b);
	if (a.n != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a.p[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y + 32);
		if (x != y)
			return false;
	}
	return true;
}

int loa_parse_i64n(loa_str s, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	if (s.n == 0)
		return LOA_EINVAL;
	if (s.p[0] == '-' || s.p[0] == '+') {
		neg = s.p[0] == '-';
		i = 1;
	}
	if (i == s.n)
		return LOA_EINVAL;
	uint64_t v = 0;
	uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < s.n; i++) {
		char c = s.p[i];
		if (c < '0' || c > '9')
			return LOA_EINVAL;
		unsigned d = (unsigned)(c - '0');
		if (v > (lim - d) / 10)
			return LOA_ETOOBIG;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return LOA_OK;
}

int loa_parse_i64(const char *s, int64_t *out)
{
	if (!s)
		return LOA_EINVAL;
	return loa_parse_i64n(loa_str_c(s), out);
}

int loa_parse_size(const char *s, uint64_t *out)
{
	if (!s || !*s)
		return LOA_EINVAL;
	size_t n = strlen(s);
	uint64_t mul = 1;
	char last = s[n - 1];
	if (last == 'k' || last == 'K')
		mul = 1024;
	else if (last == 'm' || last == 'M')
		mul = 1024 * 1024;
	else if (last == 'g' || last == 'G')
		mul = 1024ull * 1024 * 1024;
	if (mul != 1)
		n--;
	int64_t v;
	int rc = loa_parse_i64n((loa_str){s, n}, &v);
	if (rc)
		return rc;
	if (v < 0)
		return LOA_EINVAL;
	if ((uint64_t)v > UINT64_MAX / mul)
		return LOA_ETOOBIG;
	*out = (uint64_t)v * mul;
	return LOA_OK;
}

int loa_parse_double(const char *s, double *out)
{
	if (!s || !*s)
		return LOA_EINVAL;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end != '\0' || end == s)
		return LOA_EINVAL;
	if (errno == ERANGE)
		return LOA_ETOOBIG;
	*out = v;
	return LOA_OK;
}

size_t loa_strlcpy(char *dst, const char *src, size_t cap)
{
	size_t n = strlen(src);
	if (cap) {
		size_t k = n < cap - 1 ? n : cap - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return n;
}
