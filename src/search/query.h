/*
 * query.h - the monitoring query language (docs/search.md): a recursive-
 * descent parser to an AST.
 *
 *   query   := or EOF
 *   or      := and ( "OR" and )*
 *   and     := unary ( ["AND"] unary )*          implicit AND between terms
 *   unary   := ("NOT" | "-") unary | near
 *   near    := primary ( ("NEAR/n" | "ONEAR/n") primary )*
 *   primary := "(" or ")" | FIELD ":" value | "title:" primary
 *            | WORD | WORD* | "PHRASE"
 *
 * Operators are upper-case (AND OR NOT NEAR/n ONEAR/n); fields are
 * title: source: org: kind: platform: tone: lang: author: url: since:
 * until:. Times: RFC 3339, yyyy-mm-dd, dd/mm/yyyy (Vietnam time; an
 * until: date includes its whole day) or relative to `now` (90m, 24h,
 * 7d, 2w).
 *
 * Ownership: a loa_query owns everything it points to (one arena, freed by
 * loa_query_free()). Nodes and strings are valid until then. The source
 * text is copied.
 *
 * Errors: LOA_EPARSE with "vị trí B (ký tự C): cần X / position B
 * (character C): expected X" where B is the 1-based byte position and C the
 * 1-based character (code point) column; the position is also returned in
 * *pos (1-based byte). LOA_ETOOBIG when a cap is exceeded, LOA_EINVAL when
 * the query is well-formed but refused (it would match everything, e.g. a
 * lone NOT, or only time filters).
 */
#ifndef LOA_SEARCH_QUERY_H
#define LOA_SEARCH_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/ltime.h"

#define LOA_QUERY_MAX_LEN 4096 /* bytes of query text */
#define LOA_QUERY_MAX_NODES 512
#define LOA_QUERY_MAX_DEPTH 32
#define LOA_QUERY_MAX_NEAR 1000 /* largest n of NEAR/n */
#define LOA_QUERY_MIN_PREFIX 2  /* characters before '*' */

typedef enum {
	LOA_QN_TERM,  /* a word, a word* prefix or a "phrase" (text, field ANY or TITLE) */
	LOA_QN_AND,   /* kids >= 2 */
	LOA_QN_OR,    /* kids >= 2 */
	LOA_QN_NOT,   /* one kid */
	LOA_QN_NEAR,  /* kids = TERM operands (>= 2), near = n, ordered for ONEAR */
	LOA_QN_FIELD, /* metadata filter: field (SOURCE..URL), value */
	LOA_QN_TIME,  /* since / until (either may be LOA_TIME_NONE) */
} loa_qn_kind;

typedef enum {
	LOA_QF_ANY = 0, /* title and text */
	LOA_QF_TITLE,
	LOA_QF_SOURCE,
	LOA_QF_ORG,
	LOA_QF_KIND,
	LOA_QF_PLATFORM,
	LOA_QF_TONE,
	LOA_QF_LANG,
	LOA_QF_AUTHOR,
	LOA_QF_URL,
} loa_qfield;

typedef struct loa_qnode {
	loa_qn_kind kind;
	loa_qfield field;
	/* TERM: the term's text as written (a phrase without its quotes, '_'
	 * replaced by ' '), NUL-terminated. FIELD: the value, lower-cased
	 * (author: folded too). */
	const char *text;
	bool phrase;     /* TERM written in quotes */
	bool prefix;     /* TERM ended in '*' (text excludes the '*') */
	bool diacritics; /* TERM has Vietnamese diacritics (prefers exact matches) */
	int near;        /* NEAR: n */
	bool ordered;    /* NEAR: ONEAR */
	loa_ms since, until; /* TIME: [since, until) */
	struct loa_qnode **kids;
	size_t nkids;
	size_t pos;      /* 0-based byte offset in the query text */
	int id;          /* free for compilers (0 after parsing) */
} loa_qnode;

typedef struct loa_query {
	loa_arena arena;
	char *src;        /* the query text (arena) */
	loa_qnode *root;
	size_t nterms;    /* TERM nodes */
	bool has_onear;
} loa_query;

/* Parses q[0..n). `now` anchors relative times (LOA_TIME_NONE = the clock).
 * On error *out is NULL, err holds the message and *pos (may be NULL) the
 * 1-based byte position (0 when not positional). */
int loa_query_parse(const char *q, size_t n, loa_ms now, loa_query **out, size_t *pos,
		    loa_err *err);
void loa_query_free(loa_query *q);

/* Appends a canonical, fully parenthesised form of the AST (tests, debug). */
struct loa_buf;
int loa_query_dump(const loa_query *q, struct loa_buf *out);

/* Field name ("title", …) and back (-1 when unknown). */
const char *loa_qfield_name(loa_qfield f);
int loa_qfield_parse(const char *s, size_t n);

/* Parses a time value of since:/until: (RFC 3339, yyyy-mm-dd, dd/mm/yyyy,
 * or a duration before now). `end_of_day` makes a bare date mean the end of
 * that day (until:). LOA_EPARSE when it is none of those. */
int loa_query_time(const char *s, size_t n, loa_ms now, bool end_of_day, loa_ms *out);

#endif
