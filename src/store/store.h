/*
 * store.h - the store room: organisations, sources, items and the audit
 * log, behind one interface with pluggable backends (SQLite is the
 * embedded default; a PostgreSQL backend plugs into store_int.h's vtable
 * without touching callers).
 *
 * Ownership and threads:
 * - loa_store_open() returns a heap handle owned by the caller, freed with
 *   loa_store_close(). A handle is used by one thread at a time (open one
 *   handle per worker); it caches prepared statements and slug -> id maps.
 * - Every `const char *` in the records passed *in* (loa_item, loa_org,
 *   loa_source) is borrowed for the duration of the call only.
 * - Records passed *out* to an iteration callback are borrowed from the
 *   store and valid only during that callback; copy what must outlive it.
 * - loa_org_rec / loa_store_status are caller-owned structs filled in
 *   place (fixed, capped fields).
 *
 * Errors follow core/err.h. In addition: LOA_EINVAL means the *input*
 * record was refused (a caller such as import reports it and goes on);
 * LOA_EFULL the disk or the database size cap is full; LOA_EVERSION the
 * database was written by a newer program (it is never modified then);
 * LOA_EDB / LOA_EIO other database failures (the caller should roll back).
 *
 * Times are loa_ms (int64 ms since the epoch, UTC).
 */
#ifndef LOA_STORE_STORE_H
#define LOA_STORE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/ltime.h"

/* The schema version this program writes and understands. */
#define LOA_STORE_SCHEMA_VERSION 4

/* Caps on the fields of records (bytes). Longer input is refused. */
#define LOA_SLUG_MAX 128
#define LOA_NAME_MAX 512
#define LOA_KIND_MAX 32
#define LOA_ITEM_ID_MAX 1024
#define LOA_ITEM_URL_MAX 8192
#define LOA_ITEM_SHORT_MAX 1024 /* author, lang, parent_id, shared_from */

#define LOA_COUNT_NONE (-1) /* an engagement count that is not known */

typedef struct loa_store loa_store;
typedef struct loa_config loa_config;

enum {
	LOA_STORE_NO_CREATE = 1 << 0,  /* LOA_ENOTFOUND when the database does not exist */
	LOA_STORE_NO_MIGRATE = 1 << 1, /* leave pending migrations (for `db status`) */
	LOA_STORE_READONLY = 1 << 2,   /* never write (implies NO_MIGRATE) */
	LOA_STORE_BULK = 1 << 3,       /* tune for a large import (bigger cache) */
};

typedef struct loa_store_opts {
	int flags;          /* LOA_STORE_* */
	int64_t max_pages;  /* SQLite: cap on database pages; 0 = none (tests full disk) */
	int busy_ms;        /* wait for a locked database; 0 = 5000 */
} loa_store_opts;

/* Opens (creates, migrates) the database at `path` ("postgres://…" is
 * reserved for the PostgreSQL backend, not built yet). A database whose
 * schema version is newer than LOA_STORE_SCHEMA_VERSION is refused with
 * LOA_EVERSION before anything is written to it. */
int loa_store_open(const char *path, int flags, loa_store **out, loa_err *err);
int loa_store_open_opts(const char *path, const loa_store_opts *opts, loa_store **out,
			loa_err *err);
/* Opens the database named by configuration key `db` (and `db.max_pages`). */
int loa_store_open_config(const loa_config *cfg, int flags, loa_store **out, loa_err *err);
/* Closes the handle (rolls back an open transaction). NULL is allowed. */
void loa_store_close(loa_store *s);
/* "sqlite", … */
const char *loa_store_backend_name(const loa_store *s);

/* Transactions. Writes outside begin/commit each commit on their own. */
int loa_store_begin(loa_store *s, loa_err *err);
int loa_store_commit(loa_store *s, loa_err *err);
/* Never fails in a way the caller can act on; safe without a transaction. */
void loa_store_rollback(loa_store *s);

/* Schema. *version is the database's version (0 = empty). */
int loa_store_schema_version(loa_store *s, int *version, loa_err *err);
/* Applies migrations up to `target` (0 = LOA_STORE_SCHEMA_VERSION);
 * *applied (may be NULL) receives how many ran. */
int loa_store_migrate(loa_store *s, int target, int *applied, loa_err *err);

typedef struct loa_store_status {
	char backend[16];
	int schema_version;  /* of the database */
	int program_version; /* LOA_STORE_SCHEMA_VERSION */
	int64_t orgs, sources, items, audit;
	int64_t bytes;       /* size of the database (pages * page size) */
	char journal[16];    /* "wal", … */
} loa_store_status;

int loa_store_status_get(loa_store *s, loa_store_status *st, loa_err *err);
/* Runs the backend's consistency check; LOA_OK when it reports "ok",
 * else LOA_EDB with the first problem in err. */
int loa_store_check(loa_store *s, loa_err *err);

/* ---- organisations ---------------------------------------------------- */

/* Kinds: government ministry province department commune unit press
 * journalist other. */
typedef struct loa_org {
	int64_t id;             /* out (iteration) */
	const char *slug;       /* required, [a-z0-9._-], <= LOA_SLUG_MAX */
	const char *name;       /* required */
	const char *kind;       /* NULL = "other" */
	const char *parent;     /* slug of the parent, or NULL */
	loa_ms valid_from;      /* LOA_TIME_NONE = open */
	loa_ms valid_to;        /* LOA_TIME_NONE = still valid */
	const char *successor;  /* slug of the organisation that took over, or NULL */
} loa_org;

/* A caller-owned copy of one organisation. */
typedef struct loa_org_rec {
	int64_t id;
	char slug[LOA_SLUG_MAX + 1];
	char name[LOA_NAME_MAX + 1];
	char kind[LOA_KIND_MAX + 1];
	char parent[LOA_SLUG_MAX + 1];    /* "" = none */
	char successor[LOA_SLUG_MAX + 1]; /* "" = none */
	loa_ms valid_from, valid_to;
} loa_org_rec;

typedef int (*loa_org_cb)(void *arg, const loa_org *org);

/* LOA_EEXIST when the slug is taken, LOA_ENOTFOUND for an unknown parent
 * or successor, LOA_EINVAL for a bad field. Appends to the audit log. */
int loa_store_org_add(loa_store *s, const loa_org *org, int64_t *id, loa_err *err);
int loa_store_org_get(loa_store *s, const char *slug, loa_org_rec *out, loa_err *err);
/* Follows successors from `slug` (merges, renames) to the organisation
 * that stands for it today (itself when it has no successor). */
int loa_store_org_resolve(loa_store *s, const char *slug, loa_org_rec *out, loa_err *err);
/* Records that `old_slug` ended at `at` and `new_slug` succeeds it. */
int loa_store_org_succeed(loa_store *s, const char *old_slug, const char *new_slug, loa_ms at,
			  loa_err *err);
/* Calls cb for every organisation in slug order; a non-zero return of cb
 * stops and is returned. */
int loa_store_orgs_each(loa_store *s, loa_org_cb cb, void *arg, loa_err *err);

/* ---- sources ---------------------------------------------------------- */

typedef struct loa_source {
	int64_t id;           /* out */
	const char *slug;     /* required */
	const char *type;     /* feed | page | social | api */
	const char *outlet;   /* press | portal | social | agency, or NULL */
	const char *org;      /* owner organisation's slug, or NULL */
	const char *url;
	const char *state;    /* "active", "paused", "silent", … */
	const char *platform; /* web | facebook | zalo | youtube | tiktok | other */
	loa_ms created_at;
	int64_t items;        /* out (iteration): number of items */
	const char *name;     /* display name, or NULL (schema 4) */
} loa_source;

/* Source states written by the store itself; the feed room adds its
 * health states (new, ok, erroring, silent, redirected, gone). */
#define LOA_SOURCE_ACTIVE "active"
#define LOA_SOURCE_REMOVED "removed"

/* A caller-owned copy of one source. */
typedef struct loa_source_rec {
	int64_t id;
	char slug[LOA_SLUG_MAX + 1];
	char type[LOA_KIND_MAX + 1];
	char outlet[LOA_KIND_MAX + 1];   /* "" = none */
	char org[LOA_SLUG_MAX + 1];      /* "" = none */
	char url[LOA_ITEM_URL_MAX + 1];  /* "" = none */
	char state[LOA_KIND_MAX + 1];
	char platform[LOA_KIND_MAX + 1];
	char name[LOA_NAME_MAX + 1];     /* "" = none */
	loa_ms created_at;
} loa_source_rec;

typedef int (*loa_source_cb)(void *arg, const loa_source *src);

/* Returns the id of the source `slug`, creating it when missing with the
 * type and outlet derived from `platform` (NULL = "web"). *created (may be
 * NULL) tells whether it was created. */
int loa_store_source_ensure(loa_store *s, const char *slug, const char *platform, int64_t *id,
			    bool *created, loa_err *err);
int loa_store_sources_each(loa_store *s, loa_source_cb cb, void *arg, loa_err *err);
/* Adds a source with every field given (slug, type required; platform
 * NULL = "web", state NULL = "active"; url, when given, must be http(s) and
 * is stored as loa_url_canonical() makes it; org must exist). LOA_EEXIST
 * when the slug is taken, or when another source has the same URL (err
 * names it). Appends "source.add" to the audit log. */
int loa_store_source_add(loa_store *s, const loa_source *src, int64_t *id, loa_err *err);
/* LOA_ENOTFOUND when there is no such source. */
int loa_store_source_get(loa_store *s, const char *slug, loa_source_rec *out, loa_err *err);
/* The source whose URL is url (canonicalised first); LOA_ENOTFOUND if none. */
int loa_store_source_by_url(loa_store *s, const char *url, loa_source_rec *out, loa_err *err);
/* Changes a source's URL (NULL = keep; audited as "source.url") and/or its
 * state (NULL = keep; [a-z] word, not audited: health changes often). */
int loa_store_source_update(loa_store *s, const char *slug, const char *url, const char *state,
			    loa_err *err);
/* Removes a source: deleted when it has no items, else kept with state
 * "removed" (its items still resolve; fetchers skip it). *deleted (may be
 * NULL) tells which. Audited as "source.remove". */
int loa_store_source_remove(loa_store *s, const char *slug, bool *deleted, loa_err *err);

/* ---- items ------------------------------------------------------------ */

/* Kinds: article post comment share official.
 * Platforms: web facebook zalo youtube tiktok other. */
typedef struct loa_item {
	int64_t rowid;           /* out (iteration) */
	const char *source;      /* required: the source's slug */
	const char *id;          /* external id, unique within its source */
	const char *kind;        /* NULL = derived: comment if parent_id, share if
				    shared_from, article on the web, post elsewhere */
	const char *platform;    /* NULL = "web" */
	const char *url;         /* canonical URL (scheme and host are lower-cased,
				    the fragment dropped) */
	const char *title;
	const char *text;        /* text or title is required */
	const char *html;
	const char *author;
	const char *lang;
	loa_ms published_at;     /* required */
	loa_ms fetched_at;       /* LOA_TIME_NONE = now */
	const char *parent_id;   /* external id of the post a comment belongs to */
	const char *shared_from; /* a share's original: URL or external id */
	const char *org;         /* slug of the organisation whose channel it is */
	int64_t reactions, shares, comments; /* LOA_COUNT_NONE = unknown */
	const char *ident;       /* out (iteration): the identity key */
	uint64_t content_hash;   /* out (iteration) */
} loa_item;

/* Sets every field of *it to "absent". */
void loa_item_init(loa_item *it);

enum { LOA_STORE_INSERTED = 1, LOA_STORE_UPDATED = 2, LOA_STORE_UNCHANGED = 3 };

/* Checks and normalises (kind, platform, url) *it into *norm (borrowing
 * from it and from `scratch`, which the caller owns and releases).
 * LOA_EINVAL with a reason when the item cannot be stored. */
int loa_item_normalize(const loa_item *it, loa_item *norm, loa_buf *scratch, loa_err *err);
/* The identity key of a normalised item into *out (replacing its content):
 *   "id:<len>:<source>:<id>"   when id is given,
 *   "url:<url>"                else when url is given,
 *   "h:<32 hex>"               else BLAKE2b-128 of (source, published_at,
 *                              text, or title when there is no text). */
int loa_item_ident(const loa_item *norm, loa_buf *out);
/* The canonical form of a URL, appended to out (its cap applies): scheme and
 * host lower-cased, the default port (:80 for http, :443 for https) and
 * the fragment dropped, tracking parameters removed from the query (utm_*,
 * fbclid, gclid, dclid, gbraid, wbraid, msclkid, yclid, igshid, mc_cid,
 * mc_eid, _ga, _gl, _hsenc, _hsmi, mkt_tok, zarsrc, gidzl, ocid, cmpid,
 * spm), an empty query dropped; the order of the remaining parameters is
 * kept (it can matter to a site). Items' URLs are stored in this form. */
int loa_url_canonical(const char *url, loa_buf *out);

/* A 64-bit BLAKE2b of every stored field except fetched_at: equal hashes
 * mean "unchanged". */
uint64_t loa_item_content_hash(const loa_item *norm);

/* Stores an item: inserts it, updates it when its content hash changed,
 * or leaves it. Creates its source when unknown. *result (may be NULL)
 * receives LOA_STORE_INSERTED / UPDATED / UNCHANGED. */
int loa_store_item_upsert(loa_store *s, const loa_item *it, int *result, loa_err *err);

typedef struct loa_item_filter {
	loa_ms since;       /* published_at >= since; LOA_TIME_NONE = no bound */
	loa_ms until;       /* published_at < until; LOA_TIME_NONE = no bound */
	const char *source; /* slug or NULL */
	int64_t after_rowid; /* > 0: only rowid > after (paging) */
	int64_t limit;       /* 0 = all */
	/* Newest first, for the monitoring views: (published_at, rowid)
	 * descending; with before_time != LOA_TIME_NONE only items strictly
	 * before (before_time, before_rowid) — keyset paging. */
	bool newest_first;
	loa_ms before_time;
	int64_t before_rowid;
	int64_t rowid;       /* > 0: only this item */
} loa_item_filter;

/* A filter that matches everything (no bounds, oldest first). */
void loa_item_filter_init(loa_item_filter *f);

typedef int (*loa_item_cb)(void *arg, const loa_item *it);

/* Calls cb for each item matching *f (NULL = all) in (published_at, rowid)
 * order; a non-zero return of cb stops the iteration and is returned. */
int loa_store_items_each(loa_store *s, const loa_item_filter *f, loa_item_cb cb, void *arg,
			 loa_err *err);
/* The item whose canonical URL is url (canonicalised first), oldest first
 * when several sources carry it: its identity key and source slug are
 * copied into ident and source (either may be NULL). LOA_ENOTFOUND when
 * none. Used to store an article seen in several feeds once. */
int loa_store_item_find_url(loa_store *s, const char *url, loa_buf *ident, loa_buf *source,
			    loa_err *err);
/* Number of items with that identity key (0 or 1); for tests and tools. */
int loa_store_item_count_ident(loa_store *s, const char *ident, int64_t *n, loa_err *err);

/* ---- audit log (append-only) ------------------------------------------ */

typedef struct loa_audit {
	int64_t id;         /* out */
	loa_ms at;          /* LOA_TIME_NONE = now */
	const char *actor;  /* user or "cli", "import"… */
	const char *action; /* "org.add", "import", … */
	const char *target; /* what it acted on, or NULL */
	const char *detail; /* JSON text or NULL */
} loa_audit;

typedef int (*loa_audit_cb)(void *arg, const loa_audit *a);

int loa_store_audit_append(loa_store *s, const loa_audit *a, loa_err *err);
int loa_store_audit_each(loa_store *s, loa_audit_cb cb, void *arg, loa_err *err);

#endif
