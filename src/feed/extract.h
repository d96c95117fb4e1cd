/*
 * extract.h - article extraction from HTML pages (when a feed carries only a
 * summary): the main text by readability-style scoring over libxml2's HTML
 * tree, the canonical URL (<link rel=canonical>, og:url), title, publication
 * and modification times (meta tags, JSON-LD, <time>), author, and the
 * feeds the page advertises (<link rel=alternate type=rss/atom/json>).
 *
 * Ownership: a loa_article is one heap object whose strings live in its
 * arena; loa_article_free() releases everything. Absent strings are NULL,
 * absent times LOA_TIME_NONE. Thread-safe (no shared state).
 */
#ifndef LOA_FEED_EXTRACT_H
#define LOA_FEED_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/ltime.h"

typedef struct loa_feed_link_found {
	const char *href; /* resolved */
	const char *type; /* application/rss+xml, application/atom+xml, application/feed+json */
	const char *title;
} loa_feed_link_found;

typedef struct loa_article {
	const char *url;       /* the page URL given */
	const char *canonical; /* rel=canonical, else og:url, else JSON-LD url; resolved */
	const char *title;     /* og:title, JSON-LD headline, else <title> */
	const char *description;
	const char *author;
	const char *site_name;
	const char *language;  /* <html lang> */
	loa_ms published, modified;
	const char *html; /* the main content, sanitised; NULL when none found */
	const char *text; /* its plain text */
	double score;     /* the winning candidate's score (0 when none) */
	loa_feed_link_found *feeds;
	size_t nfeeds;
	loa_arena arena;
} loa_article;

/* Per-site rules (later: from configuration). select, when set, gets the
 * parsed document (an xmlDocPtr, as void *) and the URL and may return the
 * content element (an xmlNodePtr) to use instead of scoring; NULL = score. */
typedef struct loa_extract_opts {
	const char *content_type; /* HTTP Content-Type (its charset), or NULL */
	void *(*select)(void *user, void *doc, const char *url);
	void *user;
	size_t max_body; /* 0 = LOA_FEED_MAX_BODY */
} loa_extract_opts;

/* Extracts from the page body[0..len). url (may be NULL) is the base for
 * relative links. opts may be NULL. On LOA_OK *out is a new article (maybe
 * with html == NULL when no content was found). Errors: LOA_EINVAL,
 * LOA_ETOOBIG (over max_body), LOA_EPARSE (not HTML at all), LOA_ENOMEM. */
int loa_article_extract(const char *body, size_t len, const char *url,
			const loa_extract_opts *opts, loa_article **out, loa_err *err);
void loa_article_free(loa_article *a);
int loa_article_to_json(const loa_article *a, bool pretty, loa_buf *out);

#endif
