/*
 * search_int.h - inside the search room: the handle and helpers shared by
 * index.c, search.c, saved.c and alert.c.
 */
#ifndef LOA_SEARCH_SEARCH_INT_H
#define LOA_SEARCH_SEARCH_INT_H

#include <sqlite3.h>

#include "core/buf.h"
#include "search/search.h"

/* docid = -(published_at * 2^20 + slot) (schema 4): unique per item, and
 * ascending docids are newest first, FTS5's cheaper direction (index.c) */
#define LOA_DOCID_SHIFT 20
#define LOA_DOCID_SLOTS (1 << LOA_DOCID_SHIFT)
#define LOA_DOCID_TMAX ((int64_t)8000000000000) /* ms bound kept clear of overflow */

struct loa_search {
	sqlite3 *db;
	char *path;
	loa_buf name, owner, query; /* strings of loa_search_query_get */
};

/* Maps a sqlite error to a loa error with a message. */
int loa__search_dberr(loa_search *s, int rc, const char *what, loa_err *err);
/* Runs SQL without parameters. */
int loa__search_exec(loa_search *s, const char *sql, loa_err *err);
/* Lowest docid for a time (clamped). */
int64_t loa__docid_of_time(loa_ms t);

/* Evaluates the whole query on one item (title/text tokenised as the index
 * does): 1 = match, 0 = no match, negative = error. Used to verify what
 * FTS5 cannot express exactly (ONEAR order). db has the tokenizer
 * registered. q is not changed in any way that matters to its owner
 * (compilers' node ids). In match.c. */
int loa__match_eval(sqlite3 *db, const loa_query *q, const loa_search_item *it);

#endif
