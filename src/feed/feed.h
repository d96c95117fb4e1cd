/*
 * feed.h - the feed room: parsing RSS 0.90-2.0, RSS 1.0 (RDF), Atom 0.3/1.0
 * (libxml2, one streaming SAX2 pass) and JSON Feed 1.0/1.1 (jansson) into one
 * item model; the HTML sanitiser and HTML-to-text converter (libxml2's HTML
 * SAX parser, one pass yields both); feed date parsing. Article extraction
 * from pages is in feed/extract.h. docs/rooms/feed.md describes the room.
 *
 * Input: a body as bytes plus what HTTP said about it (Content-Type with its
 * charset, the request URL and Content-Location for the document base), so a
 * fetcher can hand over a response as it is. The parser never loads a DTD,
 * never touches the network, refuses entity-expansion bombs and external
 * entities, and has caps on input size, item count and arena memory.
 *
 * Ill-formed input is recovered where possible and flagged: feed->bozo is
 * true and feed->bozo_msg says why (not well-formed XML, undefined entity,
 * refused entity, encoding problem, invalid JSON...). A document that yields
 * nothing usable is still a loa_feed (bozo, no entries), not an error; the
 * parse functions fail only on bad arguments, caps and out of memory.
 *
 * Ownership: a parsed loa_feed is one heap object with an arena holding every
 * string and array it points to; loa_feed_free() releases all of it. Strings
 * are NUL-terminated UTF-8; an absent field is NULL (never "", except an HTML
 * value whose markup sanitised to nothing, which is ""); absent times
 * are LOA_TIME_NONE. Nothing in a loa_feed points into the input body.
 *
 * Thread-safety: every call is reentrant; call loa_feed_global_init() once
 * before threads start (it initialises libxml2).
 */
#ifndef LOA_FEED_FEED_H
#define LOA_FEED_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/ltime.h"

/* ---- the item model ---------------------------------------------------- */

typedef enum loa_feed_format {
	LOA_FEED_UNKNOWN = 0,
	LOA_FEED_RSS090,
	LOA_FEED_RSS091U,
	LOA_FEED_RSS091N,
	LOA_FEED_RSS092,
	LOA_FEED_RSS093,
	LOA_FEED_RSS094,
	LOA_FEED_RSS20,
	LOA_FEED_RSS, /* <rss> without a known version */
	LOA_FEED_RSS10,
	LOA_FEED_ATOM03,
	LOA_FEED_ATOM10,
	LOA_FEED_CDF,
	LOA_FEED_JSON10,
	LOA_FEED_JSON11,
} loa_feed_format;

/* The media type of a text construct's value. */
typedef enum loa_feed_type {
	LOA_FEED_PLAIN = 0, /* value is plain text (no escaping) */
	LOA_FEED_HTML,      /* value is sanitised HTML */
	LOA_FEED_XHTML,     /* value is sanitised HTML serialised from inline XHTML */
	LOA_FEED_OTHER,     /* another media type (e.g. base64 data), kept as text */
} loa_feed_type;

/* A title, summary, subtitle or content. value NULL = absent. */
typedef struct loa_feed_text {
	const char *value;     /* plain text or sanitised HTML, see type */
	const char *text;      /* plain text for analysis: tags dropped, entities
	                          decoded, blocks on their own lines, spaces
	                          collapsed (NULL when value is NULL) */
	loa_feed_type type;
	const char *mime;      /* the declared media type, when it is not one of the above */
	const char *src;       /* Atom content src (resolved), else NULL */
	const char *lang;      /* xml:lang in effect, else NULL */
} loa_feed_text;

typedef struct loa_feed_person {
	const char *name, *email, *uri;
} loa_feed_person;

typedef struct loa_feed_link {
	const char *href; /* resolved against xml:base / the document URL */
	const char *rel;  /* "alternate" when the feed gave none */
	const char *type, *title, *hreflang, *length;
} loa_feed_link;

typedef struct loa_feed_category {
	const char *term, *scheme, *label;
} loa_feed_category;

typedef struct loa_feed_enclosure {
	const char *href, *type;
	const char *length; /* as written (a decimal string), or NULL */
} loa_feed_enclosure;

typedef struct loa_feed_entry {
	const char *id;   /* guid, atom:id, rdf:about, JSON id */
	const char *link; /* the alternate link (or a permalink guid) */
	loa_feed_text title, summary;
	loa_feed_text *content;
	size_t ncontent;
	const char *author; /* display form: "Name (email)", "Name" or "email" */
	loa_feed_person *authors;
	size_t nauthors;
	loa_feed_link *links;
	size_t nlinks;
	loa_feed_category *categories;
	size_t ncategories;
	loa_feed_enclosure *enclosures;
	size_t nenclosures;
	loa_ms published, updated; /* LOA_TIME_NONE when absent or unparseable */
	const char *language;
} loa_feed_entry;

typedef struct loa_feed {
	loa_feed_format format;
	const char *encoding; /* the charset the body was decoded from, lower case */
	bool bozo;            /* not well-formed, or an encoding/entity problem */
	const char *bozo_msg; /* the first reason, Vietnamese / English; NULL when !bozo */
	loa_feed_text title, subtitle;
	const char *link; /* the alternate (home page) link */
	const char *id;
	const char *language;
	const char *hub;  /* WebSub hub (link rel="hub"), else NULL */
	const char *self; /* the feed's own URL (link rel="self"), else NULL */
	const char *author;
	loa_feed_person *authors;
	size_t nauthors;
	loa_feed_link *links;
	size_t nlinks;
	loa_feed_category *categories;
	size_t ncategories;
	loa_ms published, updated;
	loa_feed_entry *entries; /* in document order */
	size_t nentries;
	bool truncated; /* max_entries was reached; later entries were dropped */
	loa_arena arena; /* owns everything above */
	int rc_;         /* private: the builder's sticky error (ENOMEM, ETOOBIG) */
} loa_feed;

/* ---- parsing ----------------------------------------------------------- */

#define LOA_FEED_MAX_BODY ((size_t)64 << 20)    /* default cap on the body */
#define LOA_FEED_MAX_ENTRIES 100000             /* default cap on entries */
#define LOA_FEED_MAX_ARENA ((size_t)512 << 20)  /* default cap on parsed memory */

/* flags for loa_feed_input */
#define LOA_FEED_NO_TEXT 1u     /* skip the plain-text rendering (text = NULL) */
#define LOA_FEED_NO_SANITIZE 2u /* keep HTML as found (tests, debugging only) */

typedef struct loa_feed_input {
	const char *body; /* borrowed for the duration of the call */
	size_t len;
	const char *content_type;     /* HTTP Content-Type, or NULL */
	const char *url;              /* the document URL, or NULL */
	const char *content_location; /* HTTP Content-Location, or NULL */
	unsigned flags;
	size_t max_body;    /* 0 = LOA_FEED_MAX_BODY */
	size_t max_entries; /* 0 = LOA_FEED_MAX_ENTRIES */
	size_t max_arena;   /* 0 = LOA_FEED_MAX_ARENA */
	struct loa_html *html; /* optional reusable sanitiser (one per thread);
	                          NULL = one is made for this call */
} loa_feed_input;

/* Initialises libxml2 once (idempotent, not thread-safe itself). */
void loa_feed_global_init(void);

/* Parses a feed body: sniffs JSON (a leading '{') or XML. On LOA_OK *out is
 * a new feed the caller frees with loa_feed_free(), possibly bozo. Errors:
 * LOA_EINVAL (bad arguments), LOA_ETOOBIG (body or arena over its cap),
 * LOA_ENOMEM; *out is then NULL. */
int loa_feed_parse(const loa_feed_input *in, loa_feed **out, loa_err *err);

void loa_feed_free(loa_feed *f);

/* Short format code ("rss20", "atom10", "json11", ...; "" when unknown). */
const char *loa_feed_format_name(loa_feed_format f);

/* Writes the feed as one JSON object (the paths of docs/rooms/feed.md) to
 * out. With pretty, indented. */
int loa_feed_to_json(const loa_feed *f, bool pretty, loa_buf *out);

/* ---- dates ------------------------------------------------------------- */

/* Parses a feed date: RFC 822/1123 and their common variants (missing day
 * name or seconds, 2-digit years, named zones UT GMT Z EST EDT CST CDT MST
 * MDT PST PDT ICT and more, numeric +0700 / +07:00 / GMT+7), ISO 8601 /
 * RFC 3339 / W3C-DTF (reduced precision, fractions, basic format, ordinal
 * dates), asctime, and Vietnamese "dd/mm/yyyy HH:MM" (taken as +07:00).
 * A zone-less time is UTC, except the Vietnamese form. LOA_EPARSE when s[0..n)
 * is none of them or out of range. */
int loa_feed_parse_date(const char *s, size_t n, loa_ms *out);

/* ---- HTML -------------------------------------------------------------- */

/* Sanitiser and text converter. One instance holds a reusable libxml2 HTML
 * parser context; use one per thread. loa_html_new() returns NULL when out
 * of memory. */
typedef struct loa_html loa_html; /* declared above as struct loa_html */

loa_html *loa_html_new(void);
void loa_html_free(loa_html *h);

/* Parses the HTML fragment s[0..n) once and appends, when the buffer is not
 * NULL, its sanitised form to html and its plain-text rendering to text.
 * base (may be NULL) resolves relative href/src. The sanitiser keeps an
 * allow-list of elements and attributes (docs/rooms/feed.md), drops script,
 * style and similar elements with their content, every on* attribute, style
 * attributes and URLs whose scheme is not http, https, ftp, mailto, tel, news
 * or relative. Text: tags dropped, entities decoded, block elements and <br>
 * become line breaks, runs of spaces collapse. A fragment with neither '<'
 * nor '&' takes a fast path without the HTML parser. Errors: LOA_ETOOBIG
 * (a buffer's cap), LOA_ENOMEM. */
int loa_html_render(loa_html *h, const char *s, size_t n, const char *base, loa_buf *html,
		    loa_buf *text);

/* Resolves ref against base (RFC 3986); appends the result to out. An
 * absolute ref is copied; with no base, ref is copied. */
int loa_feed_resolve_url(const char *base, const char *ref, size_t reflen, loa_buf *out);

/* True when url (a resolved URL) has a scheme safe to follow or show. */
bool loa_feed_url_safe(const char *url, size_t n);

#endif
