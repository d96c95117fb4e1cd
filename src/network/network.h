/*
 * network.h - the network room (SPEC N1–N6): the directory of channels and
 * journalists, official publishing with signed versions, feeds out (Atom,
 * RSS, JSON Feed), signature verification, the network timeline and reach.
 * The WebSub hub and subscriber are in network/websub.h, the canonical
 * form and the keys in network/sign.h. docs/rooms/network.md describes
 * the room; docs/formats/signature.md the signature extension.
 *
 * Tables: the room's own (net_*), created with loa_sql_room_migrate (room
 * "network"); organisations, sources, items, users and the audit log are
 * the store's and the auth room's.
 *
 * Ownership and threads: every function works on a caller-owned store
 * handle from the calling thread; records passed in are borrowed for the
 * call; records passed to callbacks are valid during the callback only;
 * json_t results are new references owned by the caller (json_decref);
 * loa_buf outputs are caller-owned (appended to).
 */
#ifndef LOA_NETWORK_NETWORK_H
#define LOA_NETWORK_NETWORK_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/ltime.h"
#include "store/store.h"

typedef struct json_t json_t;

/* Creates or upgrades the network room's tables (cheap when up to date). */
int loa_network_migrate(loa_store *s, loa_err *err);

/* The public base URL of this instance, without a trailing '/': config
 * network.base_url, else "http://" + config listen. Appended to out. */
int loa_network_base_url(const loa_config *cfg, loa_buf *out);

/* Fetches url (http(s), redirects followed) into body (its cap applies);
 * content_type[256] receives the Content-Type. For the command line: it
 * may reach any address. LOA_ENET with the reason on failure or a
 * non-2xx status. */
int loa_network_fetch(const char *url, loa_buf *body, char *content_type, loa_err *err);

/* ---- directory (N1) ---------------------------------------------------- */

/* Channel kinds: portal fanpage zalo youtube tiktok other. */
typedef struct loa_channel {
	const char *org;    /* owner's slug (must exist) */
	const char *kind;
	const char *url;    /* "" or NULL = none */
	const char *handle; /* "" or NULL = none; url or handle required */
	const char *name;   /* NULL = none */
} loa_channel;

typedef int (*loa_channel_cb)(void *arg, const loa_channel *c);

/* Adds a channel (an existing org+kind+url+handle is left as it is:
 * *added false). LOA_EINVAL for a bad kind or missing url/handle,
 * LOA_ENOTFOUND for an unknown organisation. Audited (channel.add). */
int loa_channel_add(loa_store *s, const loa_channel *c, const char *actor, bool *added,
		    loa_err *err);
/* org NULL = every organisation's channels, by org then kind. */
int loa_channels_each(loa_store *s, const char *org, loa_channel_cb cb, void *arg, loa_err *err);

typedef struct loa_journalist {
	const char *login; /* the user's login */
	const char *name;
	const char *org;   /* a press agency (kind press) */
	const char *email; /* NULL = none */
	const char *beat;  /* NULL = none (the fields they cover) */
} loa_journalist;

typedef int (*loa_journalist_cb)(void *arg, const loa_journalist *j);

/* Adds a journalist: a user with role journalist of a press agency (created
 * with a random password when the login is new: the administrator sets it
 * with loa users passwd) and the directory entry. LOA_EINVAL when org is
 * not a press agency or the login belongs to a user of another role. */
int loa_journalist_add(loa_store *s, const loa_journalist *j, const char *actor, bool *added,
		       loa_err *err);
int loa_journalists_each(loa_store *s, loa_journalist_cb cb, void *arg, loa_err *err);

typedef struct loa_directory_stats {
	int64_t orgs_added, orgs_existing, successors, channels_added, journalists_added, refused;
} loa_directory_stats;

/* Imports a directory in JSON ({"organisations": [...], "channels": [...],
 * "journalists": [...]}) or CSV (one table with a "type" column: org,
 * channel, journalist; see docs/rooms/network.md). format: "json", "csv" or
 * NULL (sniffed). Organisations are added parents first; successor links
 * are applied after every organisation exists. Refused records are counted
 * and the first reasons put in err's message only when nothing was
 * imported; the whole import is one transaction. */
int loa_directory_import(loa_store *s, const char *body, size_t len, const char *format,
			 const char *actor, loa_directory_stats *st, loa_err *err);
/* Writes the directory as "json" or "csv" (the import format). */
int loa_directory_export(loa_store *s, const char *format, loa_buf *out, loa_err *err);

/* ---- official publishing (N2) ----------------------------------------- */

/* Kinds of official items and their Vietnamese names. */
#define LOA_OFFICIAL_KINDS "statement press_release answer rebuttal policy_draft"
bool loa_official_kind_ok(const char *kind);
const char *loa_official_kind_vi(const char *kind);

/* States: draft -> review -> approved -> published (-> withdrawn). */
#define LOA_OFF_DRAFT "draft"
#define LOA_OFF_REVIEW "review"
#define LOA_OFF_APPROVED "approved"
#define LOA_OFF_PUBLISHED "published"
#define LOA_OFF_WITHDRAWN "withdrawn"

#define LOA_OFFICIAL_TITLE_MAX 1024
#define LOA_OFFICIAL_BODY_MAX ((size_t)1 << 20)
#define LOA_OFFICIAL_REASON_MAX 4096

/* Who acts: a user (from auth) or the local CLI (admin rights). */
typedef struct loa_actor {
	const char *login; /* "cli" for the command line */
	int role;          /* LOA_ROLE_* */
	const char *org;   /* the user's organisation ("" or NULL = none) */
} loa_actor;

/* The actor for the CLI: admin, no organisation, login "cli". */
loa_actor loa_actor_cli(void);
/* The actor of an authenticated user (borrows u). */
loa_actor loa_actor_user(const loa_user *u);

typedef struct loa_official_draft {
	const char *org;
	const char *kind;
	const char *title;
	const char *body;     /* plain text; paragraphs separated by blank lines */
	const char *topic;    /* NULL = none ([a-z0-9-], the feeds' ?topic=) */
	loa_ms embargo_until; /* LOA_TIME_NONE = none */
} loa_official_draft;

/* One official item (caller-owned; filled in place). */
typedef struct loa_official {
	int64_t id;
	char org[LOA_SLUG_MAX + 1];
	char kind[LOA_KIND_MAX + 1];
	char state[LOA_KIND_MAX + 1];
	char topic[LOA_SLUG_MAX + 1];
	char created_by[LOA_LOGIN_MAX + 1], approved_by[LOA_LOGIN_MAX + 1];
	loa_ms created_at, updated_at, embargo_until, first_published;
	int version;  /* latest signed version, 0 = none yet */
	char *title;  /* heap: loa_official_release() frees */
	char *body;
} loa_official;

void loa_official_release(loa_official *o);

/* Errors of the workflow: LOA_EPERM (role or organisation not allowed:
 * an HTTP 403), LOA_EINVAL (a bad field: 400), LOA_EEXIST (a step not
 * allowed from the current state: 409), LOA_ENOTFOUND. Every
 * step is appended to the audit log (official.create, .submit, .approve,
 * .return, .publish, .correct, .withdraw). */
int loa_official_create(loa_store *s, const loa_actor *a, const loa_official_draft *d,
			int64_t *id, loa_err *err);
/* Edits a draft (or a returned item) of the actor's organisation. */
int loa_official_edit(loa_store *s, const loa_actor *a, int64_t id, const char *title,
		      const char *body, loa_err *err);
int loa_official_submit(loa_store *s, const loa_actor *a, int64_t id, loa_err *err);
int loa_official_approve(loa_store *s, const loa_actor *a, int64_t id, loa_err *err);
/* Back to draft (by an approver), with a note in the audit log. */
int loa_official_return(loa_store *s, const loa_actor *a, int64_t id, const char *note,
			loa_err *err);
/* Publishes an approved item: signs version 1 with the organisation's
 * current key (made on first use), and releases it (store item, WebSub
 * events) at once or, with an embargo, when its time comes
 * (loa_official_release_due). cfg gives the base URL and the key file. */
int loa_official_publish(loa_store *s, const loa_config *cfg, const loa_actor *a, int64_t id,
			 loa_err *err);
/* A correction: a new signed version (status "corrected") with a new
 * body (and title, NULL = keep), linked to the previous one. */
int loa_official_correct(loa_store *s, const loa_config *cfg, const loa_actor *a, int64_t id,
			 const char *title, const char *body, const char *note, loa_err *err);
/* A withdrawal: a new signed version (status "withdrawn") carrying the
 * reason; the item stays listed, marked withdrawn. */
int loa_official_withdraw(loa_store *s, const loa_config *cfg, const loa_actor *a, int64_t id,
			  const char *reason, loa_err *err);
/* Gets an item (any state) — the caller checks visibility. */
int loa_official_get(loa_store *s, int64_t id, loa_official *out, loa_err *err);
/* True when actor may see or act on items of org (same organisation, or
 * an administrator without one). */
bool loa_official_org_allowed(const loa_actor *a, const char *org);

/* Releases versions whose embargo has passed: stores them as items (kind
 * "official", source "<org>-portal") and queues WebSub events for the
 * organisation's feeds. *released (may be NULL) counts them. */
int loa_official_release_due(loa_store *s, const loa_config *cfg, int *released, loa_err *err);

/* One published version as seen by feeds and pages (borrowed strings). */
typedef struct loa_official_version {
	int64_t id;
	const char *org, *kind, *topic;
	int version;
	const char *status; /* published | corrected | withdrawn */
	const char *title, *body, *reason;
	const char *signed_json; /* the canonical signed fields (RFC 8785) */
	const char *sig;         /* base64url Ed25519 signature */
	const char *key_id;
	loa_ms first_published, at, visible_at;
} loa_official_version;

typedef int (*loa_official_version_cb)(void *arg, const loa_official_version *v);

typedef struct loa_official_query {
	const char *org;   /* NULL = every organisation */
	const char *kind;  /* NULL = any */
	const char *topic; /* NULL = any */
	int64_t id;        /* > 0: this item only */
	loa_ms now;        /* versions visible at this time (LOA_TIME_NONE = the clock) */
	int limit;         /* 0 = 50 */
	bool all_versions; /* every version of each item, oldest first */
} loa_official_query;

/* The latest visible version of each matching item, newest first. Embargoed
 * versions are never returned. */
int loa_official_versions_each(loa_store *s, const loa_official_query *q,
			       loa_official_version_cb cb, void *arg, loa_err *err);

/* JSON of a version as the API, the pages and the feeds show it (a new
 * object): id, org, kind, version, status, title, body, url, published,
 * updated and "signature" (the object of docs/formats/signature.md). */
json_t *loa_official_version_json(const loa_official_version *v, const char *base_url);

/* The entry id of an item and the URL of its public page (the same URL:
 * BASE/p/ORG/ID), appended to out. */
int loa_official_url(const char *base_url, const char *org, int64_t id, loa_buf *out);

/* The items of an organisation (NULL = all) in any state (NULL = every
 * state), newest change first, for the editor's view: {"items": [...]}. */
int loa_official_list_json(loa_store *s, const char *org, const char *state, int limit, json_t **out,
			   loa_err *err);

/* ---- feeds out (N3) ---------------------------------------------------- */

enum { LOA_FEEDOUT_ATOM = 0, LOA_FEEDOUT_RSS, LOA_FEEDOUT_JSON };

typedef struct loa_feedout_opts {
	int format;            /* LOA_FEEDOUT_* */
	const char *org;       /* required */
	const char *kind;      /* NULL = every kind */
	const char *topic;     /* NULL = every topic */
	const char *base_url;  /* required */
	const char *self_url;  /* the feed's own URL (topic), required */
	loa_ms now;            /* LOA_TIME_NONE = the clock */
	int limit;             /* 0 = 50 */
} loa_feedout_opts;

/* Writes the feed (XML with libxml2's writer, JSON with jansson) to out;
 * *last_modified receives the newest version time (LOA_TIME_NONE when the
 * feed is empty). LOA_ENOTFOUND for an unknown organisation. */
int loa_feedout_write(loa_store *s, const loa_feedout_opts *o, loa_buf *out,
		      loa_ms *last_modified, const char **content_type, loa_err *err);

/* Parses "bo-y-te.atom" -> org "bo-y-te", format; LOA_EINVAL otherwise. */
int loa_feedout_name(const char *name, char *org, size_t cap, int *format);

/* ---- verification (N4) ------------------------------------------------- */

typedef struct loa_keyring loa_keyring; /* network/sign.h */

enum { LOA_VERIFY_OK = 0, LOA_VERIFY_UNSIGNED, LOA_VERIFY_BAD_SIG, LOA_VERIFY_ALTERED,
       LOA_VERIFY_UNKNOWN_KEY, LOA_VERIFY_KEY_EXPIRED, LOA_VERIFY_MALFORMED };
/* "ok", "unsigned", "bad_signature", "altered", "unknown_key",
 * "key_not_valid", "malformed". */
const char *loa_verify_status_name(int status);

/* What a document shows of one entry (borrowed; NULL = not shown). */
typedef struct loa_shown_entry {
	const char *id, *title, *text, *link;
	loa_ms published, updated; /* LOA_TIME_NONE = not shown */
} loa_shown_entry;

typedef struct loa_verify_result {
	int status;           /* LOA_VERIFY_* */
	char key_id[128];
	char fields[256];     /* fields that differ, comma-separated ("" = none) */
	char detail[1024];    /* Vietnamese / English */
} loa_verify_result;

/* Checks one entry: its signature object (JSON text, may be NULL: unsigned)
 * against the keyring, then the shown fields against the signed ones. */
int loa_verify_entry(const loa_keyring *kr, const char *sig_json, size_t sig_len,
		     const loa_shown_entry *shown, loa_verify_result *res, loa_err *err);

typedef int (*loa_verify_cb)(void *arg, const char *entry_id, const loa_verify_result *r);

/* Verifies every entry of a document: an Atom or RSS feed, a JSON Feed,
 * a page of /p/ (HTML), a signature object or an item's JSON. cb is called
 * per entry. *ok and *total count verified and signed entries. LOA_EPARSE when
 * the document is none of these. */
int loa_verify_document(const loa_keyring *kr, const char *body, size_t len,
			const char *content_type, loa_verify_cb cb, void *arg, int *ok, int *total,
			loa_err *err);

/* For the feed room (N6): verifies a fetched or pushed
 * document with the keys the store knows (local and imported), and records
 * each signed entry's status in net_entry_status under (source, entry id).
 * *signed_n and *verified_n (may be NULL) count. Unsigned documents record
 * nothing. Never fails on bad signatures (they are recorded). */
int loa_network_verify_feed(loa_store *s, const char *source, const char *body, size_t len,
			    const char *content_type, int *signed_n, int *verified_n, loa_err *err);
/* The ingest hook (feed/ingest.h loa_ingest_opts.verify): arg unused. */
int loa_network_ingest_verify(void *arg, loa_store *s, const char *source, const char *body,
			      size_t len, const char *content_type);
/* One entry, when the caller already parsed the document: sig_json is the
 * entry's signature object (loa:signature's JSON, or a JSON Feed item's
 * "_loa_signature" serialised), shown what it displays. Records and returns
 * the status in *res (may be NULL). */
int loa_network_verify_entry(loa_store *s, const char *source, const char *entry_id,
			     const char *sig_json, const loa_shown_entry *shown,
			     loa_verify_result *res, loa_err *err);
/* The recorded status of (source, entry id) ("" when none) into out[32]. */
int loa_network_entry_status(loa_store *s, const char *source, const char *entry_id,
			     char out[32], loa_err *err);

/* ---- timeline (N6) ----------------------------------------------------- */

/* The network-wide timeline: official items and items of the network's
 * portals and press (sources with an outlet and an organisation in the
 * directory), newest first, as {"items": [...], "next_cursor"}. */
int loa_network_timeline(loa_store *s, loa_ms before, int64_t before_rowid, int limit,
			 json_t **out, loa_err *err);

#endif
