/*
 * ingest.h - the monitoring intake: sources (add with feed discovery,
 * remove, health), the ingest run (fetch due sources, parse, store items
 * once, extract article pages), and OPML in and out.
 *
 * Where things live (docs/rooms/feed.md): a source's identity (slug, type,
 * outlet, org, URL, name, state) is the store's (`sources`, store.h); the
 * fetch state of each source (validators, schedule, failures, last error,
 * WebSub hub), the entries seen per source and robots.txt are the feed
 * room's own tables (`feed_state`, `feed_entries`, `feed_robots`),
 * created with loa_sql_room_migrate (room "feed").
 *
 * Threads: every function uses the store handle it is given from the
 * calling thread only. loa_ingest_run may run in a background thread with
 * its own handle; set *stop to end it early (transfers are abandoned,
 * stored work is kept).
 *
 * Ownership: records passed in are borrowed for the call; loa_feed_health
 * and loa_source_rec are caller-owned and filled in place.
 */
#ifndef LOA_FEED_INGEST_H
#define LOA_FEED_INGEST_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/ltime.h"
#include "store/store.h"

typedef struct loa_config loa_config;

/* Creates or upgrades the feed room's tables (cheap when up to date). */
int loa_feed_room_migrate(loa_store *s, loa_err *err);

/* ---- sources ----------------------------------------------------------- */

typedef struct loa_source_add_opts {
	const char *url;    /* required: a feed, or an HTML page advertising one */
	const char *slug;   /* NULL = derived from the URL */
	const char *name;   /* NULL = the feed's title (when fetched) */
	const char *org;    /* owner organisation's slug, or NULL */
	const char *outlet; /* press | portal | social | agency, or NULL */
	bool no_fetch;      /* add as given, without fetching (OPML import) */
} loa_source_add_opts;

/* Adds a feed source. Unless no_fetch, fetches the URL first: a feed is
 * taken as it is; an HTML page is searched for <link rel=alternate> feeds
 * and the first is fetched and used; anything else is refused (LOA_EINVAL,
 * LOA_ENET with the fetch error, LOA_ENOTFOUND when a page advertises no
 * feed). LOA_EEXIST when the slug or the feed URL is taken. *out (may be
 * NULL) receives the source. */
int loa_feed_source_add(loa_store *s, const loa_config *cfg, const loa_source_add_opts *o,
			loa_source_rec *out, loa_err *err);
/* Removes a source (store.h's rule) and forgets its fetch state. */
int loa_feed_source_remove(loa_store *s, const char *slug, bool *deleted, loa_err *err);
/* A slug from a URL ("https://www.vnexpress.net/rss/tin-moi.rss" ->
 * "vnexpress-net-rss-tin-moi"), unique in the store (a "-2"… suffix). */
int loa_feed_slug_from_url(loa_store *s, const char *url, char *out, size_t cap, loa_err *err);

#define LOA_HEALTH_ERROR_MAX 384

typedef struct loa_feed_health {
	bool known;           /* false: never fetched (the rest is empty) */
	loa_ms last_fetch, last_ok, next_due, interval, last_item;
	int failures;
	long last_status;
	char last_error[LOA_HEALTH_ERROR_MAX]; /* "" = none */
	char warning[LOA_HEALTH_ERROR_MAX];    /* e.g. the feed is not well-formed */
	bool push;            /* advertises a WebSub hub */
	char hub[1024];
} loa_feed_health;

int loa_feed_health_get(loa_store *s, int64_t source_id, loa_feed_health *h, loa_err *err);

/* ---- ingest ------------------------------------------------------------ */

typedef struct loa_ingest_stats {
	int64_t sources;       /* sources taken up in this run */
	int64_t done;          /* of which finished (for progress) */
	int64_t fetched;       /* 200 responses parsed as feeds */
	int64_t not_modified;  /* 304 */
	int64_t errors;        /* failed fetches (network, HTTP, not a feed…) */
	int64_t items_new, items_updated, items_unchanged;
	int64_t items_seen_also; /* entries already stored from another feed */
	int64_t items_refused;   /* entries the store refused */
	int64_t pages;           /* article pages extracted */
	int64_t pages_denied;    /* not fetched: robots.txt */
	double seconds;
} loa_ingest_stats;

typedef struct loa_ingest_opts {
	bool all;             /* ignore schedules: fetch every source */
	const char *source;   /* only this slug (implies all for it), or NULL */
	const atomic_int *stop; /* non-zero ends the run early; may be NULL */
	loa_ms now;           /* 0 = the clock (tests set it) */
	void (*progress)(void *arg, const loa_ingest_stats *st); /* may be NULL */
	void *progress_arg;
	/* Called with every fetched body that parsed as a feed, before its
	 * entries are stored (e.g. the network room's signature check of
	 * member portals' signed feeds); may be NULL. Its failures are logged,
	 * never fatal. */
	int (*verify)(void *arg, loa_store *s, const char *source, const char *body, size_t len,
		      const char *content_type);
	void *verify_arg;
} loa_ingest_opts;

/* One ingest run: every due source of type feed with an http(s) URL and a
 * state other than removed or paused (or as opts say) is fetched within
 * the fetch.* limits, parsed, and its entries stored (one transaction per
 * source); pages of summary-only entries are fetched and extracted (at
 * most fetch.article_pages, robots.txt respected). Per-source failures
 * are recorded in the source's state and logged, never returned; the run
 * returns an error only when the store fails or opts are bad (LOA_ENOTFOUND
 * for an unknown opts->source). Ends within fetch.run_timeout plus the
 * time to store what arrived. */
int loa_ingest_run(loa_store *s, const loa_config *cfg, const loa_ingest_opts *o,
		   loa_ingest_stats *st, loa_err *err);

/* ---- OPML -------------------------------------------------------------- */

typedef struct loa_opml_outline {
	const char *text, *title;
	const char *xml_url;  /* the feed */
	const char *html_url; /* the site */
	const char *category; /* the enclosing outline's text, or NULL */
	const char *slug, *org, *outlet; /* loa's own attributes (loa:slug…), or NULL */
} loa_opml_outline;

typedef int (*loa_opml_cb)(void *arg, const loa_opml_outline *o);

#define LOA_OPML_MAX_BODY ((size_t)16 << 20)

/* Calls cb for every outline with an xmlUrl, depth first (a non-zero return
 * stops and is returned). libxml2, no DTD, no network, no entities
 * expanded from outside. LOA_EPARSE when it is not OPML. */
int loa_opml_parse(const char *body, size_t len, loa_opml_cb cb, void *arg, loa_err *err);
/* Writes OPML 2.0 with libxml2: one outline per source (type="rss", text,
 * title, xmlUrl, htmlUrl, loa:slug, loa:org, loa:outlet). */
int loa_opml_write(const loa_opml_outline *o, size_t n, const char *title, loa_ms created,
		   loa_buf *out, loa_err *err);

#endif
