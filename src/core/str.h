/*
 * str.h - string slices and safe number parsing.
 *
 * A loa_str is a borrowed view (pointer + length) into memory owned by
 * someone else; it is never freed and may not be NUL-terminated.
 */
#ifndef LOA_CORE_STR_H
#define LOA_CORE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct loa_str {
	const char *p;
	size_t n;
} loa_str;

#define LOA_STR_LIT(s) ((loa_str){(s), sizeof(s) - 1})

static inline loa_str loa_str_c(const char *s)
{
	return (loa_str){s, s ? strlen(s) : 0};
}

static inline bool loa_str_eq(loa_str a, loa_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static inline bool loa_str_eqc(loa_str a, const char *b)
{
	return loa_str_eq(a, loa_str_c(b));
}

bool loa_str_starts_with(loa_str s, const char *prefix);
/* Drops ASCII whitespace at both ends. */
loa_str loa_str_trim(loa_str s);
/* Splits at the first `sep`: returns the part before, advances *s past sep.
 * When sep is absent the whole rest is returned and *s becomes empty.
 * This is the replacement for strtok. */
loa_str loa_str_split(loa_str *s, char sep);
/* ASCII case-insensitive comparison. */
bool loa_str_ieq(loa_str a, const char *b);

/* Parses a whole decimal integer (optional sign, no spaces) into *out.
 * LOA_EINVAL when s is not a number, LOA_ETOOBIG when out of range. */
int loa_parse_i64(const char *s, int64_t *out);
int loa_parse_i64n(loa_str s, int64_t *out);
/* Parses a size with optional suffix k, M, G (powers of 1024). */
int loa_parse_size(const char *s, uint64_t *out);
/* Parses a whole floating-point number. */
int loa_parse_double(const char *s, double *out);

/* Copies at most cap-1 bytes of src and a NUL into dst (cap > 0); returns
 * the length of src (like strlcpy), so truncation is len >= cap. */
size_t loa_strlcpy(char *dst, const char *src, size_t cap);

#endif
