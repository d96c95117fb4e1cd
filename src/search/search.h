/*
 * search.h - full-text search over items, saved queries, backfill.
 *
 * The index lives in the store's SQLite database, in tables of its own
 * (prefix search_, versioned by the row 'schema' of search_meta; see
 * docs/search.md): an FTS5 table with the text room's "loa" tokenizer whose
 * content is read from items through a view, a docid map whose docids sort
 * by publication time, newest first (docid = -(published_at * 2^20 + slot)),
 * so newest-first is FTS5's own ascending rowid order (its cheaper
 * direction) and time filters are rowid ranges,
 * and a queue of changed items filled by triggers on items. Any program
 * that writes items (import, the API) needs to know nothing about search:
 * the queue is drained by loa_search_sync(), which every search and every
 * saved-query run calls first.
 *
 * The search room opens its own SQLite connection to the store's database
 * file (the store does not expose its handle); see docs/search.md.
 *
 * Ownership: loa_search_open() returns a heap handle freed by
 * loa_search_close(); one thread at a time. Records passed to callbacks are
 * borrowed for the duration of the call.
 */
#ifndef LOA_SEARCH_SEARCH_H
#define LOA_SEARCH_SEARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/ltime.h"
#include "search/query.h"

#define LOA_SEARCH_SCHEMA_VERSION 4 /* 2: tokenizer terms of docs/text.md (rebuilt); 3: search_vocab; 4: docids negated (rebuilt) */
#define LOA_SEARCH_MAX_LIMIT 1000       /* cap on one result page */
#define LOA_SEARCH_RANK_WINDOW 5000     /* relevance ranks the newest N matches */
#define LOA_SEARCH_PREFIX_TERMS 64      /* a prefix expands to at most N terms (bounded) */
#define LOA_SEARCH_NAME_MAX 128
#define LOA_SEARCH_OWNER_MAX 128

typedef struct loa_search loa_search;
typedef struct loa_config loa_config;

/* Opens the search tables in the loa database at db_path (created by the
 * store: LOA_ENOTFOUND when there is none), creating them on first use and
 * queueing every existing item for indexing. */
int loa_search_open(const char *db_path, loa_search **out, loa_err *err);
int loa_search_open_config(const loa_config *cfg, loa_search **out, loa_err *err);
void loa_search_close(loa_search *s);

/* An item as the index and the matcher see it (all borrowed). */
typedef struct loa_search_item {
	int64_t id;
	const char *title, *text;
	const char *source, *org, *kind, *platform, *lang, *author, *url, *tone;
	loa_ms published_at;
} loa_search_item;

/* Called for each item (re)indexed by a sync: the hook of streaming match. */
typedef int (*loa_search_item_cb)(void *arg, const loa_search_item *it);

/* Indexes every queued item (in transactions of `batch`, 0 = 2000); calls
 * cb (may be NULL) for each item indexed. *n (may be NULL) = items indexed. */
int loa_search_sync(loa_search *s, loa_search_item_cb cb, void *arg, int64_t *n, loa_err *err);
/* Empties the index and queues every item again; then syncs. */
int loa_search_reindex(loa_search *s, int64_t *n, loa_err *err);
/* Items waiting in the queue. */
int loa_search_pending(loa_search *s, int64_t *n, loa_err *err);

enum { LOA_SEARCH_NEWEST = 0, LOA_SEARCH_RELEVANCE = 1 };

/* What a run did with prefixes (docs/search.md): a prefix (xây*) is expanded
 * into the folded terms of the vocabulary (search_vocab) that start with it;
 * when more than LOA_SEARCH_PREFIX_TERMS do, into the commonest of them only:
 * the prefix is "bounded" and rarer terms are not searched. A bounded prefix
 * under NOT is not expanded (FTS5's own prefix, exact, slower), nor are
 * prefixes that start with a digit, nor any with prefix_all. */
typedef struct loa_search_info {
	int prefixes;  /* prefixes expanded */
	int bounded;   /* of which bounded */
	char note[256]; /* "xay*: 64/213" for each bounded one, "; "-separated */
} loa_search_info;

typedef struct loa_search_opts {
	int order;           /* LOA_SEARCH_NEWEST (default) or _RELEVANCE */
	int64_t limit;       /* 0 = 20; capped at LOA_SEARCH_MAX_LIMIT */
	int64_t rank_window; /* relevance: rank the newest N matches; 0 = LOA_SEARCH_RANK_WINDOW */
	loa_ms now;          /* for recency; LOA_TIME_NONE = clock */
	bool no_snippet;
	bool no_sync;        /* do not drain the queue first */
	bool prefix_all;     /* prefixes unbounded (FTS5's own, slow on short ones): backfill */
	loa_search_info *info; /* optional out (zeroed by the run) */
} loa_search_opts;

typedef struct loa_search_hit {
	int64_t item_id;
	const char *source, *title, *url, *kind, *platform;
	const char *snippet; /* text around the matches, matches in «…» */
	loa_ms published_at;
	double score;        /* relevance: higher is better; newest: 0 */
} loa_search_hit;

typedef int (*loa_search_hit_cb)(void *arg, const loa_search_hit *h);

/* Runs a parsed query; cb for each hit in order; a non-zero return of cb
 * stops. *count (may be NULL) = hits delivered. */
int loa_search_run(loa_search *s, const loa_query *q, const loa_search_opts *o,
		   loa_search_hit_cb cb, void *arg, int64_t *count, loa_err *err);

/* The FTS5 MATCH expression and SQL the query compiles to (tests, debug):
 * appended to out as "MATCH: …\nSQL: …". */
struct loa_buf;
int loa_search_explain(loa_search *s, const loa_query *q, const loa_search_opts *o,
		       struct loa_buf *out, loa_err *err);

/* ---- saved queries ---------------------------------------------------- */

typedef struct loa_saved_query {
	int64_t id;
	const char *name, *owner, *query;
	loa_ms created_at;
	int64_t hits;
} loa_saved_query;

typedef int (*loa_saved_query_cb)(void *arg, const loa_saved_query *q);

/* Parses query (LOA_EPARSE/EINVAL with the parser's message) and stores it;
 * LOA_EEXIST when the name is taken. */
int loa_search_query_add(loa_search *s, const char *name, const char *owner, const char *query,
			 int64_t *id, loa_err *err);
int loa_search_query_remove(loa_search *s, const char *name, loa_err *err);
int loa_search_queries_each(loa_search *s, loa_saved_query_cb cb, void *arg, loa_err *err);
/* Looks one up by name; *q's strings are valid until the next call on s. */
int loa_search_query_get(loa_search *s, const char *name, loa_saved_query *q, loa_err *err);
/* Records every past item matching the saved query as a hit; *n = items. */
int loa_search_query_backfill(loa_search *s, const char *name, int64_t *n, loa_err *err);
/* Records that item matched query (idempotent), at matched_at
 * (LOA_TIME_NONE = the clock; alert runs pass their own run time so that
 * every hit of a run falls in that run's window). */
int loa_search_hit_add(loa_search *s, int64_t query_id, int64_t item_id, loa_ms published_at,
		       loa_ms matched_at, loa_err *err);

/* The SQLite handle (sqlite3 *) for the other files of this room. */
void *loa_search_db(loa_search *s);

#endif
