/*
 * feed_int.h - shared only by the src/feed .c files: charset decoding, the builder
 * helpers that put strings and arrays into a feed's arena, and the two
 * format parsers behind loa_feed_parse().
 */
#ifndef LOA_FEED_FEED_INT_H
#define LOA_FEED_FEED_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/str.h"
#include "feed/feed.h"

/* ---- charset (charset.c) ----------------------------------------------- */

#define LOA_FEED_ENC_MAX 48

typedef struct loa_feed_decoded {
	const char *p; /* UTF-8 without BOM: into the body or into buf */
	size_t n;
	char encoding[LOA_FEED_ENC_MAX]; /* reported name, lower case */
	const char *problem;             /* bozo reason (static string) or NULL */
	loa_buf buf;                     /* owns converted text; release it */
} loa_feed_decoded;

/* Decides the charset (BOM, HTTP charset, XML declaration, UTF-16/32
 * sniffing, else UTF-8) and converts the body to UTF-8 with iconv. Invalid
 * or unknown encodings fall back to UTF-8, then windows-1252, and set
 * problem. xml selects XML-declaration sniffing. Errors: ETOOBIG, ENOMEM. */
int loa__feed_decode(const char *body, size_t len, const char *content_type, bool xml,
		     size_t max, loa_feed_decoded *d);
/* Converts s[0..n) from charset enc to UTF-8, appending to out. LOA_ENOTFOUND
 * for an unknown charset, LOA_EPARSE for invalid input (out unchanged). */
int loa__feed_iconv(const char *enc, const char *s, size_t n, loa_buf *out);
/* The charset parameter of a Content-Type into out (lower case, unquoted);
 * false when none. */
bool loa__feed_ct_charset(const char *ct, char *out, size_t cap);
/* The media type of a Content-Type (lower case) into out. */
void loa__feed_ct_type(const char *ct, char *out, size_t cap);

/* ---- builder (feed.c) -------------------------------------------------- */

/* Arena copy of s[0..n) with surrounding whitespace trimmed; NULL when the
 * result would be empty or out of memory (then f->rc_ is set). */
char *loa__feed_strdup_trim(loa_feed *f, const char *s, size_t n);
/* Grows an arena array by one zeroed element; NULL when out of memory. */
void *loa__feed_push(loa_feed *f, void **items, size_t *n, size_t elem);
/* Fills t from raw text s[0..n) of the given type: HTML is resolved
 * against base, sanitised and rendered to text with h. */
int loa__feed_set_text(loa_feed *f, loa_html *h, unsigned flags, loa_feed_text *t,
		       loa_feed_type type, const char *s, size_t n, const char *base);
/* Records the first bozo reason. */
void loa__feed_bozo(loa_feed *f, const char *msg);
/* Splits "Name (email)", "email (Name)", "Name <email>" into a person. */
void loa__feed_parse_person(loa_feed *f, const char *s, loa_feed_person *p);
/* "Name (email)" / "Name" / "email"; NULL when neither. */
const char *loa__feed_person_display(loa_feed *f, const loa_feed_person *p);
/* feedparser's heuristic: s has a close tag or an entity, and only known
 * HTML element names. */
bool loa__feed_looks_like_html(const char *s, size_t n);

loa_feed *loa__feed_new(size_t max_arena);

/* ---- parsers ----------------------------------------------------------- */

typedef struct loa_feed_ctx {
	const loa_feed_input *in;
	loa_feed *f;
	loa_html *html;
	const char *base; /* document base URL or NULL */
	size_t max_entries;
	loa_err *err;
} loa_feed_ctx;

int loa__feed_parse_xml(loa_feed_ctx *c, const char *s, size_t n);
int loa__feed_parse_json(loa_feed_ctx *c, const char *s, size_t n);

#endif
