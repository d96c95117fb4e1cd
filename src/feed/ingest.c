/*
 * ingest.c - the intake loop: due sources are fetched together (fetch.c),
 * parsed (feed.c), their entries mapped to items and stored once
 * (store.h), summary-only entries completed from their article pages
 * (extract.c, robots.c), and each source's fetch state and health written
 * back (feed room tables, schedule.c). Also sources add/remove with feed
 * discovery, and the health record `loa sources list` shows.
 */
#include "feed/ingest.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "core/map.h"
#include "core/metrics.h"
#include "core/str.h"
#include "core/vec.h"
#include "feed/extract.h"
#include "feed/feed.h"
#include "feed/fetch.h"
#include "store/sql.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/banned.h"

/* ---- the feed room's tables --------------------------------------------- */

static const char *const feed_migrations[] = {
	/* 1: fetch state per source, entries seen per source, robots.txt */
	"CREATE TABLE feed_state(\n"
	"  source_id INTEGER PRIMARY KEY,\n"
	"  etag TEXT,\n"
	"  last_modified TEXT,\n"
	"  last_fetch INTEGER,\n"
	"  last_ok INTEGER,\n"
	"  next_due INTEGER,\n"
	"  interval_ms INTEGER,\n"
	"  failures INTEGER NOT NULL DEFAULT 0,\n"
	"  not_found INTEGER NOT NULL DEFAULT 0,\n"
	"  gone INTEGER NOT NULL DEFAULT 0,\n"
	"  last_status INTEGER,\n"
	"  last_error TEXT,\n"
	"  warning TEXT,\n"
	"  hub TEXT,\n"
	"  topic TEXT,\n"
	"  push INTEGER NOT NULL DEFAULT 0,\n"
	"  last_item INTEGER);\n"
	"CREATE TABLE feed_entries(\n"
	"  source_id INTEGER NOT NULL,\n"
	"  entry_key TEXT NOT NULL,\n"
	"  entry_hash INTEGER NOT NULL,\n"
	"  item_ident TEXT NOT NULL,\n"
	"  seen_also INTEGER NOT NULL DEFAULT 0,\n"
	"  extracted INTEGER NOT NULL DEFAULT 0,\n"
	"  published_at INTEGER,\n"
	"  first_seen INTEGER NOT NULL,\n"
	"  PRIMARY KEY(source_id, entry_key));\n"
	"CREATE INDEX feed_entries_published ON feed_entries(source_id, published_at);\n"
	"CREATE TABLE feed_robots(\n"
	"  host TEXT PRIMARY KEY,\n"
	"  fetched_at INTEGER NOT NULL,\n"
	"  status INTEGER NOT NULL,\n"
	"  body TEXT);\n",
};

int loa_feed_room_migrate(loa_store *s, loa_err *err)
{
	return loa_sql_room_migrate(s, "feed", feed_migrations,
				    (int)(sizeof feed_migrations / sizeof feed_migrations[0]), err);
}

static const char SQL_STATE_GET[] =
	"SELECT etag, last_modified, last_fetch, last_ok, next_due, interval_ms, failures, "
	"not_found, gone, last_status, last_error, warning, hub, push, last_item "
	"FROM feed_state WHERE source_id = ?1";
static const char SQL_STATE_PUT[] =
	"INSERT INTO feed_state(source_id, etag, last_modified, last_fetch, last_ok, next_due, "
	"interval_ms, failures, not_found, gone, last_status, last_error, warning, hub, topic, "
	"push, last_item) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
	"?15, ?16, ?17) ON CONFLICT(source_id) DO UPDATE SET etag = excluded.etag, "
	"last_modified = excluded.last_modified, last_fetch = excluded.last_fetch, "
	"last_ok = excluded.last_ok, next_due = excluded.next_due, "
	"interval_ms = excluded.interval_ms, failures = excluded.failures, "
	"not_found = excluded.not_found, gone = excluded.gone, "
	"last_status = excluded.last_status, last_error = excluded.last_error, "
	"warning = excluded.warning, hub = excluded.hub, topic = excluded.topic, "
	"push = excluded.push, last_item = excluded.last_item";
static const char SQL_ENTRY_GET[] =
	"SELECT entry_hash, item_ident, seen_also, extracted, first_seen FROM feed_entries "
	"WHERE source_id = ?1 AND entry_key = ?2";
static const char SQL_ENTRY_PUT[] =
	"INSERT INTO feed_entries(source_id, entry_key, entry_hash, item_ident, seen_also, "
	"extracted, published_at, first_seen) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
	"ON CONFLICT(source_id, entry_key) DO UPDATE SET entry_hash = excluded.entry_hash, "
	"item_ident = excluded.item_ident, seen_also = excluded.seen_also, "
	"extracted = excluded.extracted, published_at = excluded.published_at";
static const char SQL_ENTRY_EXTRACTED[] =
	"UPDATE feed_entries SET extracted = 1 WHERE source_id = ?1 AND entry_key = ?2";
static const char SQL_RHYTHM[] =
	"SELECT published_at FROM feed_entries WHERE source_id = ?1 AND published_at IS NOT NULL "
	"AND published_at <= ?2 ORDER BY published_at DESC LIMIT 20";
static const char SQL_ROBOTS_GET[] =
	"SELECT fetched_at, status, body FROM feed_robots WHERE host = ?1";
static const char SQL_ROBOTS_PUT[] =
	"INSERT INTO feed_robots(host, fetched_at, status, body) VALUES(?1, ?2, ?3, ?4) "
	"ON CONFLICT(host) DO UPDATE SET fetched_at = excluded.fetched_at, "
	"status = excluded.status, body = excluded.body";
static const char SQL_FORGET_STATE[] = "DELETE FROM feed_state WHERE source_id = ?1";
static const char SQL_FORGET_ENTRIES[] = "DELETE FROM feed_entries WHERE source_id = ?1";

#define ROBOTS_TTL (24 * 3600 * 1000LL)

static char *xstrdup(const char *s) { return s ? strdup(s) : NULL; }

static void set_str(char **dst, const char *s)
{
	char *c = xstrdup(s);
	free(*dst);
	*dst = c;
}

/* ---- one source's fetch state ------------------------------------------- */

typedef struct fstate {
	char *etag, *last_modified, *last_error, *warning, *hub, *topic;
	loa_ms last_fetch, last_ok, next_due, interval, last_item;
	loa_health h;
	long last_status;
	bool push, known;
} fstate;

static void fstate_release(fstate *f)
{
	free(f->etag);
	free(f->last_modified);
	free(f->last_error);
	free(f->warning);
	free(f->hub);
	free(f->topic);
	memset(f, 0, sizeof *f);
}

static loa_ms col_ms(loa_stmt *st, int i)
{
	return loa_sql_col_null(st, i) ? LOA_TIME_NONE : loa_sql_col_i64(st, i);
}

static int fstate_load(loa_store *s, int64_t id, fstate *f, loa_err *err)
{
	memset(f, 0, sizeof *f);
	f->last_fetch = f->last_ok = f->next_due = f->last_item = LOA_TIME_NONE;
	loa_stmt *st;
	int rc = loa_sql_cached(s, SQL_STATE_GET, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW) {
		f->known = true;
		f->etag = xstrdup(loa_sql_col_text(st, 0));
		f->last_modified = xstrdup(loa_sql_col_text(st, 1));
		f->last_fetch = col_ms(st, 2);
		f->last_ok = col_ms(st, 3);
		f->next_due = col_ms(st, 4);
		f->interval = loa_sql_col_null(st, 5) ? 0 : loa_sql_col_i64(st, 5);
		f->h.failures = (int)loa_sql_col_i64(st, 6);
		f->h.not_found = (int)loa_sql_col_i64(st, 7);
		f->h.gone = (int)loa_sql_col_i64(st, 8);
		f->last_status = (long)loa_sql_col_i64(st, 9);
		f->last_error = xstrdup(loa_sql_col_text(st, 10));
		f->warning = xstrdup(loa_sql_col_text(st, 11));
		f->hub = xstrdup(loa_sql_col_text(st, 12));
		f->push = loa_sql_col_i64(st, 13) != 0;
		f->last_item = col_ms(st, 14);
	}
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}

static void bind_ms(loa_stmt *st, int i, loa_ms v)
{
	if (v == LOA_TIME_NONE)
		loa_sql_bind_null(st, i);
	else
		loa_sql_bind_i64(st, i, v);
}

static int fstate_save(loa_store *s, int64_t id, const fstate *f, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(s, SQL_STATE_PUT, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	loa_sql_bind_text(st, 2, f->etag);
	loa_sql_bind_text(st, 3, f->last_modified);
	bind_ms(st, 4, f->last_fetch);
	bind_ms(st, 5, f->last_ok);
	bind_ms(st, 6, f->next_due);
	loa_sql_bind_i64(st, 7, f->interval);
	loa_sql_bind_i64(st, 8, f->h.failures);
	loa_sql_bind_i64(st, 9, f->h.not_found);
	loa_sql_bind_i64(st, 10, f->h.gone);
	loa_sql_bind_i64(st, 11, f->last_status);
	loa_sql_bind_text(st, 12, f->last_error);
	loa_sql_bind_text(st, 13, f->warning);
	loa_sql_bind_text(st, 14, f->hub);
	loa_sql_bind_text(st, 15, f->topic);
	loa_sql_bind_i64(st, 16, f->push);
	bind_ms(st, 17, f->last_item);
	return loa_sql_run(st, err);
}

int loa_feed_health_get(loa_store *s, int64_t source_id, loa_feed_health *h, loa_err *err)
{
	memset(h, 0, sizeof *h);
	int rc = loa_feed_room_migrate(s, err);
	if (rc)
		return rc;
	fstate f;
	if ((rc = fstate_load(s, source_id, &f, err)))
		return rc;
	h->known = f.known;
	h->last_fetch = f.last_fetch;
	h->last_ok = f.last_ok;
	h->next_due = f.next_due;
	h->interval = f.interval;
	h->last_item = f.last_item;
	h->failures = f.h.failures;
	h->last_status = f.last_status;
	loa_strlcpy(h->last_error, f.last_error ? f.last_error : "", sizeof h->last_error);
	loa_strlcpy(h->warning, f.warning ? f.warning : "", sizeof h->warning);
	loa_strlcpy(h->hub, f.hub ? f.hub : "", sizeof h->hub);
	h->push = f.push;
	fstate_release(&f);
	return LOA_OK;
}

/* ---- run structures ------------------------------------------------------ */

typedef struct run run;

typedef struct src {
	int64_t id;
	char *slug, *url, *outlet, *org, *state;
	fstate fs;
	run *r;
} src;

/* An item waiting for its article page. */
typedef struct page_job {
	src *s;
	char *entry_key;
	char *id, *url, *title, *text, *html, *author, *lang, *kind, *org;
	loa_ms published_at;
	bool dated; /* published_at came from the feed */
	char host[256];
} page_job;

typedef struct robots_slot {
	loa_robots *rules; /* NULL while loading */
	bool loading;
	LOA_VEC(page_job *) waiting;
} robots_slot;

struct run {
	loa_store *s;
	const loa_config *cfg;
	const loa_ingest_opts *o;
	loa_ingest_stats *st;
	loa_fetcher *f;
	loa_sched_cfg sched;
	loa_html *html;
	loa_map robots; /* host -> robots_slot * */
	char agent[64];
	int64_t pages_left;
	size_t short_text;
	size_t max_body;
	int fatal;           /* a store failure: stop storing */
	loa_err fatal_err;
	loa_buf scratch, ident, tmp;
	uint64_t t0;
};

static loa_ms run_now(const run *r)
{
	if (r->o->now)
		return r->o->now + (loa_ms)((loa_mono_ns() - r->t0) / 1000000);
	return loa_now_ms();
}

static void page_job_free(page_job *j)
{
	if (!j)
		return;
	free(j->entry_key);
	free(j->id);
	free(j->url);
	free(j->title);
	free(j->text);
	free(j->html);
	free(j->author);
	free(j->lang);
	free(j->kind);
	free(j->org);
	free(j);
}

static void robots_slot_free(void *p)
{
	robots_slot *rs = p;
	if (!rs)
		return;
	loa_robots_free(rs->rules);
	for (size_t i = 0; i < rs->waiting.len; i++)
		page_job_free(rs->waiting.items[i]);
	loa_vec_release(&rs->waiting);
	free(rs);
}

static void src_free(src *s)
{
	if (!s)
		return;
	free(s->slug);
	free(s->url);
	free(s->outlet);
	free(s->org);
	free(s->state);
	fstate_release(&s->fs);
	free(s);
}

static void progress(run *r)
{
	if (r->o->progress)
		r->o->progress(r->o->progress_arg, r->st);
}

static void set_fatal(run *r, int rc, const loa_err *e)
{
	if (r->fatal)
		return;
	r->fatal = rc;
	r->fatal_err.code = rc;
	loa_strlcpy(r->fatal_err.msg, e ? loa_err_msg(e) : loa_strerror(rc),
		    sizeof r->fatal_err.msg);
	loa_error("ingest.store", "error=%s", r->fatal_err.msg);
}

/* ---- entries to items ------------------------------------------------------ */

static bool http_url(const char *u)
{
	return u && (strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0);
}

static const char *cap_or_null(const char *s, size_t max)
{
	return s && *s && strlen(s) <= max ? s : NULL;
}

static uint64_t mix(uint64_t h, const char *s)
{
	uint64_t v = s ? loa_hash64(s, strlen(s)) : 0x9e3779b97f4a7c15ULL;
	return (h ^ v) * 0x100000001b3ULL + 0x7f4a7c15ULL;
}

static uint64_t mix_i64(uint64_t h, int64_t v)
{
	return (h ^ loa_hash64(&v, sizeof v)) * 0x100000001b3ULL;
}

static uint64_t entry_hash(const loa_feed_entry *e)
{
	uint64_t h = 1469598103934665603ULL;
	h = mix(h, e->id);
	h = mix(h, e->link);
	h = mix(h, e->title.value);
	h = mix(h, e->summary.value);
	for (size_t i = 0; i < e->ncontent; i++)
		h = mix(h, e->content[i].value);
	h = mix(h, e->author);
	h = mix(h, e->language);
	h = mix_i64(h, e->published);
	h = mix_i64(h, e->updated);
	return h;
}

/* The entry's key within its source into r->tmp. */
static int entry_key(run *r, const loa_feed_entry *e, const char *url)
{
	loa_buf_reset(&r->tmp);
	if (e->id && strlen(e->id) <= LOA_ITEM_ID_MAX)
		return loa_buf_printf(&r->tmp, "id:%s", e->id);
	if (url) {
		int rc = loa_buf_puts(&r->tmp, "url:");
		return rc ? rc : loa_url_canonical(url, &r->tmp);
	}
	uint64_t h = mix(mix(mix_i64(1, e->published), e->title.value), e->summary.value);
	return loa_buf_printf(&r->tmp, "h:%016" PRIx64, h);
}

static const char *entry_text(const loa_feed_entry *e, const char **html)
{
	*html = NULL;
	for (size_t i = 0; i < e->ncontent; i++) {
		const loa_feed_text *c = &e->content[i];
		if (c->value && *c->value) {
			if (c->type == LOA_FEED_HTML || c->type == LOA_FEED_XHTML)
				*html = c->value;
			return c->text && *c->text ? c->text : c->value;
		}
	}
	if (e->summary.value && *e->summary.value) {
		if (e->summary.type == LOA_FEED_HTML || e->summary.type == LOA_FEED_XHTML)
			*html = e->summary.value;
		return e->summary.text && *e->summary.text ? e->summary.text : e->summary.value;
	}
	return NULL;
}

static bool has_content(const loa_feed_entry *e)
{
	for (size_t i = 0; i < e->ncontent; i++)
		if (e->content[i].text && *e->content[i].text)
			return true;
	return false;
}

typedef struct entry_row {
	bool found;
	uint64_t hash;
	bool seen_also, extracted;
	loa_ms first_seen;
	char ident[LOA_ITEM_URL_MAX + 16];
} entry_row;

static int entry_get(run *r, int64_t sid, const char *key, entry_row *row, loa_err *err)
{
	memset(row, 0, sizeof *row);
	loa_stmt *st;
	int rc = loa_sql_cached(r->s, SQL_ENTRY_GET, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, sid);
	loa_sql_bind_text(st, 2, key);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW) {
		row->found = true;
		row->hash = (uint64_t)loa_sql_col_i64(st, 0);
		const char *id = loa_sql_col_text(st, 1);
		loa_strlcpy(row->ident, id ? id : "", sizeof row->ident);
		row->seen_also = loa_sql_col_i64(st, 2) != 0;
		row->extracted = loa_sql_col_i64(st, 3) != 0;
		row->first_seen = loa_sql_col_i64(st, 4);
	}
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}

static int entry_put(run *r, int64_t sid, const char *key, uint64_t hash, const char *ident,
		     bool seen_also, bool extracted, loa_ms published, loa_ms first_seen,
		     loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(r->s, SQL_ENTRY_PUT, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, sid);
	loa_sql_bind_text(st, 2, key);
	loa_sql_bind_i64(st, 3, (int64_t)hash);
	loa_sql_bind_text(st, 4, ident);
	loa_sql_bind_i64(st, 5, seen_also);
	loa_sql_bind_i64(st, 6, extracted);
	bind_ms(st, 7, published);
	loa_sql_bind_i64(st, 8, first_seen);
	return loa_sql_run(st, err);
}

static void queue_page(run *r, src *s, const char *key, const loa_item *it, bool dated);

/* Stores the entries of a parsed feed for source s (inside a transaction).
 * Returns LOA_OK or a store error (fatal). */
static int store_entries(run *r, src *s, const loa_feed *feed, loa_ms now, loa_err *err)
{
	const char *kind = s->outlet && strcmp(s->outlet, "portal") == 0 ? "official" : "article";
	for (size_t i = 0; i < feed->nentries; i++) {
		const loa_feed_entry *e = &feed->entries[i];
		const char *url = http_url(e->link) ? cap_or_null(e->link, LOA_ITEM_URL_MAX) : NULL;
		if (entry_key(r, e, url))
			continue;
		char *key = strdup(r->tmp.data);
		if (!key)
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		uint64_t h = entry_hash(e);
		entry_row row;
		int rc = entry_get(r, s->id, key, &row, err);
		if (rc) {
			free(key);
			return rc;
		}
		loa_ms published = e->published != LOA_TIME_NONE ? e->published
				   : e->updated != LOA_TIME_NONE ? e->updated
				   : row.found ? row.first_seen : now;
		bool dated = e->published != LOA_TIME_NONE || e->updated != LOA_TIME_NONE;
		loa_ms first_seen = row.found ? row.first_seen : now;
		if (row.found && row.hash == h) {
			r->st->items_unchanged++;
			free(key);
			continue;
		}
		if (row.found && row.seen_also) {
			/* Another source's item: only note that the entry changed. */
			rc = entry_put(r, s->id, key, h, row.ident, true, row.extracted, published,
				       first_seen, err);
			free(key);
			if (rc)
				return rc;
			r->st->items_unchanged++;
			continue;
		}
		if (!row.found && url) {
			/* Cross-feed dedup: the same article already stored? */
			rc = loa_store_item_find_url(r->s, url, &r->ident, &r->scratch, err);
			if (rc == LOA_OK) {
				rc = entry_put(r, s->id, key, h, r->ident.data, true, false, published,
					       first_seen, err);
				loa_debug("ingest.seen_also", "source=%s item=%s from=%s", s->slug,
					  r->ident.data, r->scratch.data);
				free(key);
				if (rc)
					return rc;
				r->st->items_seen_also++;
				continue;
			}
			if (rc != LOA_ENOTFOUND) {
				free(key);
				return rc;
			}
		}
		const char *html;
		const char *text = entry_text(e, &html);
		loa_item it;
		loa_item_init(&it);
		it.source = s->slug;
		it.id = e->id && strlen(e->id) <= LOA_ITEM_ID_MAX ? e->id : NULL;
		it.url = url;
		it.title = e->title.text && *e->title.text ? e->title.text : e->title.value;
		it.text = text;
		it.html = html;
		it.author = cap_or_null(e->author, LOA_ITEM_SHORT_MAX);
		it.lang = cap_or_null(e->language ? e->language : feed->language, 35);
		it.kind = kind;
		it.platform = "web";
		it.org = s->org;
		it.published_at = published;
		it.fetched_at = now;
		int res = 0;
		loa_err ierr;
		loa_err_clear(&ierr);
		rc = loa_store_item_upsert(r->s, &it, &res, &ierr);
		if (rc == LOA_EINVAL) {
			r->st->items_refused++;
			loa_warn("ingest.refused", "source=%s entry=%.200s error=%s", s->slug, key,
				 loa_err_msg(&ierr));
			free(key);
			continue;
		}
		if (rc) {
			free(key);
			*err = ierr;
			return rc;
		}
		r->st->items_new += res == LOA_STORE_INSERTED;
		r->st->items_updated += res == LOA_STORE_UPDATED;
		r->st->items_unchanged += res == LOA_STORE_UNCHANGED;
		/* The identity the store gave it. */
		loa_item norm;
		loa_err nerr;
		if (loa_item_normalize(&it, &norm, &r->scratch, &nerr) == LOA_OK &&
		    loa_item_ident(&norm, &r->ident) == LOA_OK) {
			rc = entry_put(r, s->id, key, h, r->ident.data, false, false, published,
				       first_seen, err);
			if (rc) {
				free(key);
				return rc;
			}
		}
		if (url && !has_content(e) && (!text || strlen(text) < r->short_text))
			queue_page(r, s, key, &it, dated);
		free(key);
	}
	return LOA_OK;
}

/* The median gap and the newest item time of source s. */
static int rhythm(run *r, src *s, loa_ms now, loa_ms *gap, loa_ms *last, loa_err *err)
{
	loa_ms t[LOA_SCHED_HISTORY];
	size_t n = 0;
	loa_stmt *st;
	*gap = 0;
	*last = LOA_TIME_NONE;
	int rc = loa_sql_cached(r->s, SQL_RHYTHM, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, s->id);
	loa_sql_bind_i64(st, 2, now);
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW && n < LOA_SCHED_HISTORY)
		t[n++] = loa_sql_col_i64(st, 0);
	loa_sql_reset(st);
	if (rc < 0)
		return rc;
	if (n)
		*last = t[0];
	*gap = loa_sched_median_gap(t, n);
	return LOA_OK;
}

/* ---- pages and robots.txt -------------------------------------------------- */

static void on_page(void *arg, const loa_fetch_req *req, const loa_fetch_resp *resp);
static void on_robots(void *arg, const loa_fetch_req *req, const loa_fetch_resp *resp);

static void start_page(run *r, page_job *j, const loa_robots *rules)
{
	if (!loa_robots_allowed(rules, j->url)) {
		r->st->pages_denied++;
		loa_info("ingest.robots_denied", "source=%s url=%s", j->s->slug, j->url);
		page_job_free(j);
		return;
	}
	loa_fetch_req q = {j->url, NULL, NULL, LOA_FETCH_PAGE, j};
	if (loa_fetcher_add(r->f, &q, on_page, r, NULL))
		page_job_free(j);
}

static robots_slot *robots_slot_get(run *r, const char *host)
{
	robots_slot *rs = loa_map_get(&r->robots, host, strlen(host));
	if (rs)
		return rs;
	rs = calloc(1, sizeof *rs);
	if (!rs || loa_map_set(&r->robots, host, strlen(host), rs)) {
		free(rs);
		return NULL;
	}
	return rs;
}

/* Robots rules of host from the database when fresh; NULL when not. */
static loa_robots *robots_cached(run *r, const char *host, loa_ms now)
{
	loa_stmt *st;
	if (loa_sql_cached(r->s, SQL_ROBOTS_GET, &st, NULL))
		return NULL;
	loa_sql_bind_text(st, 1, host);
	loa_robots *rules = NULL;
	if (loa_sql_step(st, NULL) == LOA_SQL_ROW) {
		loa_ms at = loa_sql_col_i64(st, 0);
		long status = (long)loa_sql_col_i64(st, 1);
		const char *body = loa_sql_col_text(st, 2);
		if (now - at < ROBOTS_TTL && at <= now)
			rules = loa_robots_new(status, body, body ? strlen(body) : 0, r->agent);
	}
	loa_sql_reset(st);
	return rules;
}

static void queue_page(run *r, src *s, const char *key, const loa_item *it, bool dated)
{
	if (r->pages_left <= 0)
		return;
	page_job *j = calloc(1, sizeof *j);
	if (!j)
		return;
	j->s = s;
	j->entry_key = xstrdup(key);
	j->id = xstrdup(it->id);
	j->url = xstrdup(it->url);
	j->title = xstrdup(it->title);
	j->text = xstrdup(it->text);
	j->html = xstrdup(it->html);
	j->author = xstrdup(it->author);
	j->lang = xstrdup(it->lang);
	j->kind = xstrdup(it->kind);
	j->org = xstrdup(it->org);
	j->published_at = it->published_at;
	j->dated = dated;
	if (!j->entry_key || !j->url || loa_fetch_url_host(j->url, j->host, sizeof j->host)) {
		page_job_free(j);
		return;
	}
	r->pages_left--;
	robots_slot *rs = robots_slot_get(r, j->host);
	if (!rs) {
		page_job_free(j);
		return;
	}
	if (!rs->rules && !rs->loading)
		rs->rules = robots_cached(r, j->host, run_now(r));
	if (rs->rules) {
		start_page(r, j, rs->rules);
		return;
	}
	if (loa_vec_push(&rs->waiting, j)) {
		page_job_free(j);
		return;
	}
	if (rs->loading)
		return;
	rs->loading = true;
	/* robots.txt at the page's scheme, host and port */
	char robots_url[600];
	const char *p = strstr(j->url, "://");
	const char *end = p ? strpbrk(p + 3, "/?#") : NULL;
	size_t n = end ? (size_t)(end - j->url) : strlen(j->url);
	if (n > 500)
		n = 500;
	snprintf(robots_url, sizeof robots_url, "%.*s/robots.txt", (int)n, j->url);
	char *host = xstrdup(j->host);
	loa_fetch_req q = {robots_url, NULL, NULL, LOA_FETCH_ROBOTS, host};
	if (!host || loa_fetcher_add(r->f, &q, on_robots, r, NULL)) {
		free(host);
		rs->loading = false;
		rs->rules = loa_robots_new(0, NULL, 0, r->agent); /* nothing allowed */
	}
}

static void on_robots(void *arg, const loa_fetch_req *req, const loa_fetch_resp *resp)
{
	run *r = arg;
	char *host = req->user;
	robots_slot *rs = robots_slot_get(r, host);
	long status = resp->rc == LOA_OK ? resp->status : 0;
	if (rs) {
		rs->loading = false;
		loa_robots_free(rs->rules);
		rs->rules = loa_robots_new(status, resp->body, resp->len, r->agent);
		if (status && !r->fatal) {
			loa_stmt *st;
			if (loa_sql_cached(r->s, SQL_ROBOTS_PUT, &st, NULL) == LOA_OK) {
				size_t n = resp->len > LOA_ROBOTS_MAX_BODY ? LOA_ROBOTS_MAX_BODY
									   : resp->len;
				loa_sql_bind_text(st, 1, host);
				loa_sql_bind_i64(st, 2, run_now(r));
				loa_sql_bind_i64(st, 3, status);
				loa_sql_bind_textn(st, 4, resp->body, status >= 200 && status < 300 ? n : 0);
				loa_sql_run(st, NULL);
			}
		}
		loa_debug("ingest.robots", "host=%s status=%ld", host, status);
		for (size_t i = 0; i < rs->waiting.len; i++)
			start_page(r, rs->waiting.items[i], rs->rules);
		rs->waiting.len = 0;
	}
	free(host);
}

static void on_page(void *arg, const loa_fetch_req *req, const loa_fetch_resp *resp)
{
	run *r = arg;
	page_job *j = req->user;
	if (resp->rc != LOA_OK || resp->status < 200 || resp->status > 299 || r->fatal) {
		loa_info("ingest.page_error", "source=%s url=%s status=%ld error=%s", j->s->slug, j->url,
			 resp->status, resp->rc ? resp->error : "HTTP");
		page_job_free(j);
		return;
	}
	loa_extract_opts eo = {resp->content_type, NULL, NULL, r->max_body};
	loa_article *a = NULL;
	loa_err err;
	loa_err_clear(&err);
	if (loa_article_extract(resp->body, resp->len, resp->final_url, &eo, &a, &err) ||
	    !a->text || strlen(a->text) <= (j->text ? strlen(j->text) : 0)) {
		loa_info("ingest.page_empty", "source=%s url=%s", j->s->slug, j->url);
		loa_article_free(a);
		page_job_free(j);
		return;
	}
	loa_item it;
	loa_item_init(&it);
	it.source = j->s->slug;
	it.id = j->id;
	it.url = j->url;
	it.title = j->title ? j->title : a->title;
	it.text = a->text;
	it.html = a->html;
	it.author = j->author ? j->author : cap_or_null(a->author, LOA_ITEM_SHORT_MAX);
	it.lang = j->lang ? j->lang : cap_or_null(a->language, 35);
	it.kind = j->kind;
	it.org = j->org;
	it.platform = "web";
	it.published_at = !j->dated && a->published != LOA_TIME_NONE ? a->published
								      : j->published_at;
	it.fetched_at = run_now(r);
	int res = 0, rc;
	if ((rc = loa_store_begin(r->s, &err)) == LOA_OK) {
		rc = loa_store_item_upsert(r->s, &it, &res, &err);
		if (rc == LOA_OK) {
			loa_stmt *st;
			if ((rc = loa_sql_cached(r->s, SQL_ENTRY_EXTRACTED, &st, &err)) == LOA_OK) {
				loa_sql_bind_i64(st, 1, j->s->id);
				loa_sql_bind_text(st, 2, j->entry_key);
				rc = loa_sql_run(st, &err);
			}
		}
		if (rc == LOA_OK)
			rc = loa_store_commit(r->s, &err);
		else
			loa_store_rollback(r->s);
	}
	if (rc == LOA_EINVAL) {
		loa_warn("ingest.refused", "source=%s url=%s error=%s", j->s->slug, j->url,
			 loa_err_msg(&err));
	} else if (rc) {
		set_fatal(r, rc, &err);
	} else {
		r->st->pages++;
		loa_debug("ingest.page", "source=%s url=%s chars=%zu", j->s->slug, j->url,
			  strlen(a->text));
	}
	loa_article_free(a);
	page_job_free(j);
}

/* ---- feed responses ---------------------------------------------------------- */

static bool is_feed(const loa_feed *f)
{
	return f->format != LOA_FEED_UNKNOWN || f->nentries > 0;
}

/* Writes the outcome of one fetch of s: fetch state and source state. */
static int record(run *r, src *s, bool ok, long status, const char *error, bool moved,
		  loa_ms retry, loa_ms now, loa_err *err)
{
	fstate *f = &s->fs;
	loa_ms gap = 0, last = LOA_TIME_NONE;
	int rc = rhythm(r, s, now, &gap, &last, err);
	if (rc)
		return rc;
	f->interval = loa_sched_interval(gap, &r->sched);
	f->last_item = last;
	f->last_fetch = now;
	f->last_status = status;
	bool silent = ok && loa_sched_silent(last, gap, now);
	const char *state = loa_health_record(&f->h, ok, status, moved, silent);
	if (ok) {
		f->last_ok = now;
		set_str(&f->last_error, NULL);
		f->next_due = now + f->interval;
	} else {
		set_str(&f->last_error, error);
		f->next_due = now + (strcmp(state, "gone") == 0
					     ? r->sched.max_interval
					     : loa_sched_backoff(f->h.failures, f->interval, retry,
								 &r->sched));
	}
	if ((rc = fstate_save(r->s, s->id, f, err)))
		return rc;
	if (strcmp(s->state, state) != 0) {
		loa_info("ingest.state", "source=%s from=%s to=%s", s->slug, s->state, state);
		if ((rc = loa_store_source_update(r->s, s->slug, NULL, state, err)))
			return rc;
		set_str(&s->state, state);
	}
	return LOA_OK;
}

static void source_done(run *r, src *s)
{
	r->st->done++;
	progress(r);
}

/* A source failed: record it (in its own transaction) and log it. */
static void source_failed(run *r, src *s, long status, const char *error, loa_ms retry)
{
	loa_ms now = run_now(r);
	loa_err err;
	loa_err_clear(&err);
	r->st->errors++;
	char lab[LOA_SLUG_MAX * 2 + 16], esc[LOA_SLUG_MAX * 2 + 4];
	loa_metric_label_escape(s->slug, esc, sizeof esc);
	snprintf(lab, sizeof lab, "source=\"%s\"", esc);
	loa_metric_help("loa_fetch_errors_total", LOA_METRIC_COUNTER, "Failed fetches by source.");
	loa_metric_add("loa_fetch_errors_total", lab, 1);
	int rc = loa_store_begin(r->s, &err);
	if (!rc)
		rc = record(r, s, false, status, error, false, retry, now, &err);
	if (!rc)
		rc = loa_store_commit(r->s, &err);
	else
		loa_store_rollback(r->s);
	loa_warn("ingest.error", "source=%s state=%s status=%ld failures=%d error=%s", s->slug,
		 s->state, status, s->fs.h.failures, error);
	if (rc)
		set_fatal(r, rc, &err);
}

static void on_feed(void *arg, const loa_fetch_req *req, const loa_fetch_resp *resp)
{
	run *r = arg;
	src *s = req->user;
	char msg[LOA_HEALTH_ERROR_MAX + 64];
	if (r->fatal) {
		source_done(r, s);
		return;
	}
	if (resp->rc != LOA_OK) {
		source_failed(r, s, resp->status, resp->error, 0);
		source_done(r, s);
		return;
	}
	if (resp->status != 304 && (resp->status < 200 || resp->status > 299)) {
		snprintf(msg, sizeof msg, "HTTP %ld%s", resp->status,
			 resp->status == 404 ? " không tìm thấy / not found"
			 : resp->status == 410 ? " đã gỡ bỏ / gone"
			 : resp->status >= 500 ? " lỗi máy chủ / server error" : "");
		source_failed(r, s, resp->status, msg, resp->retry_after);
		source_done(r, s);
		return;
	}
	loa_feed *feed = NULL;
	loa_err err;
	loa_err_clear(&err);
	if (resp->status != 304) {
		loa_feed_input in = {0};
		in.body = resp->body;
		in.len = resp->len;
		in.content_type = resp->content_type;
		in.url = resp->final_url;
		in.content_location = resp->content_location;
		in.max_body = r->max_body;
		in.html = r->html;
		int rc = loa_feed_parse(&in, &feed, &err);
		if (rc) {
			snprintf(msg, sizeof msg, "không đọc được nguồn tin / cannot parse the feed: %s",
				 loa_err_msg(&err));
			source_failed(r, s, resp->status, msg, 0);
			source_done(r, s);
			return;
		}
		if (!is_feed(feed)) {
			snprintf(msg, sizeof msg,
				 "không phải nguồn tin / not a feed (Content-Type: %.80s; %.200s)",
				 resp->content_type ? resp->content_type : "-",
				 feed->bozo_msg ? feed->bozo_msg : "");
			loa_feed_free(feed);
			source_failed(r, s, resp->status, msg, 0);
			source_done(r, s);
			return;
		}
		if (r->o->verify &&
		    r->o->verify(r->o->verify_arg, r->s, s->slug, resp->body, resp->len,
				 resp->content_type) != LOA_OK)
			loa_warn("ingest.verify", "source=%s msg=signature check failed to run", s->slug);
	}
	loa_ms now = run_now(r);
	int64_t before_new = r->st->items_new, before_upd = r->st->items_updated;
	int64_t before_seen = r->st->items_seen_also;
	int rc = loa_store_begin(r->s, &err);
	fstate *f = &s->fs;
	if (!rc && feed)
		rc = store_entries(r, s, feed, now, &err);
	if (!rc) {
		if (feed) {
			set_str(&f->etag, resp->etag);
			set_str(&f->last_modified, resp->last_modified);
			if (feed->bozo || feed->truncated) {
				snprintf(msg, sizeof msg, "%s", feed->bozo ? (feed->bozo_msg ? feed->bozo_msg
									   : "bozo")
									   : "quá nhiều mục, đã cắt / "
									     "too many entries, truncated");
				set_str(&f->warning, msg);
			} else {
				set_str(&f->warning, NULL);
			}
			set_str(&f->hub, feed->hub);
			set_str(&f->topic, feed->hub ? (feed->self ? feed->self : resp->final_url) : NULL);
			f->push = feed->hub != NULL;
		} else {
			if (resp->etag)
				set_str(&f->etag, resp->etag);
			if (resp->last_modified)
				set_str(&f->last_modified, resp->last_modified);
		}
		bool moved = false;
		if (resp->moved_to && strcmp(resp->moved_to, s->url) != 0) {
			rc = loa_store_source_update(r->s, s->slug, resp->moved_to, NULL, &err);
			if (rc == LOA_EINVAL) /* not http(s): keep the old URL */
				rc = LOA_OK;
			else if (!rc) {
				loa_info("ingest.moved", "source=%s from=%s to=%s", s->slug, s->url,
					 resp->moved_to);
				set_str(&s->url, resp->moved_to);
				moved = true;
			}
		}
		if (!rc)
			rc = record(r, s, true, resp->status, NULL, moved, 0, now, &err);
	}
	if (!rc)
		rc = loa_store_commit(r->s, &err);
	else
		loa_store_rollback(r->s);
	if (rc) {
		set_fatal(r, rc, &err);
	} else {
		if (feed)
			r->st->fetched++;
		else
			r->st->not_modified++;
		if (feed && feed->bozo)
			loa_warn("ingest.bozo", "source=%s error=%s", s->slug,
				 feed->bozo_msg ? feed->bozo_msg : "bozo");
		if (f->push)
			loa_debug("ingest.websub", "source=%s hub=%s", s->slug, f->hub);
		loa_info("ingest.source", "source=%s status=%ld state=%s new=%" PRId64
			 " updated=%" PRId64 " seen_also=%" PRId64 " seconds=%.3f", s->slug,
			 resp->status, s->state, r->st->items_new - before_new,
			 r->st->items_updated - before_upd, r->st->items_seen_also - before_seen,
			 resp->seconds);
	}
	loa_feed_free(feed);
	source_done(r, s);
}

/* ---- choosing sources -------------------------------------------------------- */

typedef struct pick {
	run *r;
	LOA_VEC(src *) list;
	const char *only;
	int rc;
} pick;

static int pick_cb(void *arg, const loa_source *so)
{
	pick *p = arg;
	if (p->only && strcmp(so->slug, p->only) != 0)
		return 0;
	if (!p->only && (!so->type || strcmp(so->type, "feed") != 0))
		return 0;
	if (!so->url || !*so->url)
		return 0;
	if (so->state && (strcmp(so->state, LOA_SOURCE_REMOVED) == 0 ||
			  strcmp(so->state, "paused") == 0))
		return 0;
	src *s = calloc(1, sizeof *s);
	if (!s)
		return p->rc = LOA_ENOMEM;
	s->id = so->id;
	s->slug = xstrdup(so->slug);
	s->url = xstrdup(so->url);
	s->outlet = xstrdup(so->outlet);
	s->org = xstrdup(so->org);
	s->state = xstrdup(so->state ? so->state : LOA_SOURCE_ACTIVE);
	s->r = p->r;
	if (!s->slug || !s->url || !s->state || loa_vec_push(&p->list, s)) {
		src_free(s);
		return p->rc = LOA_ENOMEM;
	}
	return 0;
}

int loa_ingest_run(loa_store *s, const loa_config *cfg, const loa_ingest_opts *o,
		   loa_ingest_stats *st, loa_err *err)
{
	static const loa_ingest_opts defaults = {0};
	if (!o)
		o = &defaults;
	memset(st, 0, sizeof *st);
	int rc = loa_feed_room_migrate(s, err);
	if (rc)
		return rc;
	run r;
	memset(&r, 0, sizeof r);
	r.s = s;
	r.cfg = cfg;
	r.o = o;
	r.st = st;
	r.t0 = loa_mono_ns();
	loa_sched_cfg_config(&r.sched, cfg);
	loa_fetch_opts fo;
	loa_fetch_opts_config(&fo, cfg);
	r.max_body = fo.max_body;
	r.pages_left = loa_config_get_i64(cfg, "fetch.article_pages", 50);
	int64_t short_text = loa_config_get_i64(cfg, "fetch.short_text", 400);
	r.short_text = short_text > 0 ? (size_t)short_text : 0;
	loa_robots_agent_token(fo.user_agent, r.agent, sizeof r.agent);
	loa_map_init(&r.robots, robots_slot_free);
	loa_buf_init(&r.scratch, LOA_ITEM_URL_MAX + 64);
	loa_buf_init(&r.ident, LOA_ITEM_URL_MAX + LOA_ITEM_ID_MAX + LOA_SLUG_MAX + 64);
	loa_buf_init(&r.tmp, LOA_ITEM_URL_MAX + LOA_ITEM_ID_MAX + 64);
	loa_feed_global_init();
	r.html = loa_html_new();
	pick p = {&r, {0}, o->source, 0};
	if (!r.html) {
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto out;
	}
	if ((rc = loa_store_sources_each(s, pick_cb, &p, err)))
		goto out;
	if (p.rc) {
		rc = loa_err_set(err, p.rc, "hết bộ nhớ / out of memory");
		goto out;
	}
	if (o->source && p.list.len == 0) {
		loa_source_rec rec;
		rc = loa_store_source_get(s, o->source, &rec, err);
		if (rc == LOA_OK)
			rc = loa_err_set(err, LOA_EINVAL,
					 "nguồn không lấy tin được (không có URL, hoặc đã gỡ/tạm dừng) / "
					 "source cannot be fetched (no URL, removed or paused): %s",
					 o->source);
		goto out;
	}
	r.f = loa_fetcher_new(&fo, err);
	if (!r.f) {
		rc = err ? err->code : LOA_ENOMEM;
		goto out;
	}
	loa_ms now = run_now(&r);
	for (size_t i = 0; i < p.list.len; i++) {
		src *so = p.list.items[i];
		if ((rc = fstate_load(s, so->id, &so->fs, err)))
			goto out;
		bool due = o->all || o->source || !so->fs.known || so->fs.next_due == LOA_TIME_NONE ||
			   so->fs.next_due <= now;
		if (!due)
			continue;
		loa_fetch_req q = {so->url, so->fs.etag, so->fs.last_modified, LOA_FETCH_FEED, so};
		if ((rc = loa_fetcher_add(r.f, &q, on_feed, &r, err)))
			goto out;
		st->sources++;
	}
	progress(&r);
	rc = loa_fetcher_run(r.f, o->stop, err);
	if (!rc && r.fatal) {
		rc = r.fatal;
		if (err)
			*err = r.fatal_err;
	}
out:
	st->seconds = (double)(loa_mono_ns() - r.t0) / 1e9;
	loa_fetcher_free(r.f);
	for (size_t i = 0; i < p.list.len; i++)
		src_free(p.list.items[i]);
	loa_vec_release(&p.list);
	loa_map_release(&r.robots);
	loa_html_free(r.html);
	loa_buf_release(&r.scratch);
	loa_buf_release(&r.ident);
	loa_buf_release(&r.tmp);
	return rc;
}

/* ---- sources: add (with discovery) and remove ---------------------------------- */

typedef struct one {
	bool done;
	int rc;
	long status;
	char error[384];
	loa_buf body;
	char *content_type, *final_url, *moved_to;
} one;

static void one_cb(void *arg, const loa_fetch_req *req, const loa_fetch_resp *resp)
{
	one *o = arg;
	o->done = true;
	o->rc = resp->rc;
	o->status = resp->status;
	loa_strlcpy(o->error, resp->error, sizeof o->error);
	if (resp->rc == LOA_OK && loa_buf_append(&o->body, resp->body, resp->len))
		o->rc = LOA_ENOMEM;
	o->content_type = xstrdup(resp->content_type);
	o->final_url = xstrdup(resp->final_url);
	o->moved_to = xstrdup(resp->moved_to);
}

static void one_release(one *o)
{
	loa_buf_release(&o->body);
	free(o->content_type);
	free(o->final_url);
	free(o->moved_to);
	memset(o, 0, sizeof *o);
}

static int fetch_one(const loa_config *cfg, const char *url, int kind, one *o, loa_err *err)
{
	memset(o, 0, sizeof *o);
	loa_fetch_opts fo;
	loa_fetch_opts_config(&fo, cfg);
	loa_buf_init(&o->body, fo.max_body + 1);
	loa_fetcher *f = loa_fetcher_new(&fo, err);
	if (!f)
		return err ? err->code : LOA_ENOMEM;
	loa_fetch_req q = {url, NULL, NULL, kind, NULL};
	int rc = loa_fetcher_add(f, &q, one_cb, o, err);
	if (!rc)
		rc = loa_fetcher_run(f, NULL, err);
	loa_fetcher_free(f);
	if (rc)
		return rc;
	if (o->rc)
		return loa_err_set(err, o->rc == LOA_ETOOBIG ? LOA_ETOOBIG : LOA_ENET, "%s",
				   o->error);
	if (o->status < 200 || o->status > 299)
		return loa_err_set(err, LOA_ENET, "HTTP %ld: %.300s", o->status, url);
	return LOA_OK;
}

int loa_feed_slug_from_url(loa_store *s, const char *url, char *out, size_t cap, loa_err *err)
{
	char base[72];
	size_t n = 0;
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	if (strncasecmp(p, "www.", 4) == 0)
		p += 4;
	bool dash = false;
	for (; *p && *p != '?' && *p != '#' && n + 1 < sizeof base - 8; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c == '.' && (strncasecmp(p, ".rss", 4) == 0 || strncasecmp(p, ".xml", 4) == 0 ||
				 strncasecmp(p, ".atom", 5) == 0 || strncasecmp(p, ".json", 5) == 0 ||
				 strncasecmp(p, ".htm", 4) == 0) &&
		    !strpbrk(p + 1, "/"))
			break;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			base[n++] = c;
			dash = false;
		} else if (!dash && n > 0) {
			base[n++] = '-';
			dash = true;
		}
	}
	while (n > 0 && base[n - 1] == '-')
		n--;
	base[n] = '\0';
	if (!n)
		snprintf(base, sizeof base, "nguon");
	for (int i = 1; i < 1000; i++) {
		if (i == 1)
			snprintf(out, cap, "%s", base);
		else
			snprintf(out, cap, "%s-%d", base, i);
		loa_source_rec rec;
		int rc = loa_store_source_get(s, out, &rec, NULL);
		if (rc == LOA_ENOTFOUND)
			return LOA_OK;
		if (rc)
			return loa_err_set(err, rc, "%s", loa_strerror(rc));
	}
	return loa_err_set(err, LOA_EEXIST, "không tạo được mã nguồn / cannot make a slug for %s",
			   url);
}

/* Parses a fetched body as a feed; *title receives its title (copy). */
static bool parse_feed_title(const one *o, const char *url, char **title)
{
	loa_feed_input in = {0};
	in.body = o->body.data ? o->body.data : "";
	in.len = o->body.len;
	in.content_type = o->content_type;
	in.url = o->final_url ? o->final_url : url;
	in.flags = LOA_FEED_NO_TEXT;
	loa_feed *f = NULL;
	bool ok = loa_feed_parse(&in, &f, NULL) == LOA_OK && is_feed(f);
	if (ok && title && f->title.value) {
		free(*title);
		*title = xstrdup(f->title.value);
	}
	loa_feed_free(f);
	return ok;
}

int loa_feed_source_add(loa_store *s, const loa_config *cfg, const loa_source_add_opts *o,
			loa_source_rec *out, loa_err *err)
{
	if (!o->url || !http_url(o->url))
		return loa_err_set(err, LOA_EINVAL, "chỉ nhận URL http hoặc https / only http(s) URLs: %s",
				   o->url ? o->url : "");
	int rc = loa_feed_room_migrate(s, err);
	if (rc)
		return rc;
	loa_feed_global_init();
	char *feed_url = xstrdup(o->url), *title = NULL;
	one a;
	memset(&a, 0, sizeof a);
	if (!feed_url)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	if (!o->no_fetch) {
		if ((rc = fetch_one(cfg, o->url, LOA_FETCH_FEED, &a, err)))
			goto out;
		if (a.moved_to)
			set_str(&feed_url, a.moved_to);
		if (!parse_feed_title(&a, o->url, &title)) {
			/* A page: look for the feeds it advertises. */
			loa_article *art = NULL;
			loa_extract_opts eo = {a.content_type, NULL, NULL, 0};
			rc = loa_article_extract(a.body.data ? a.body.data : "", a.body.len,
						 a.final_url ? a.final_url : o->url, &eo, &art, NULL);
			if (rc || !art->nfeeds || !http_url(art->feeds[0].href)) {
				loa_article_free(art);
				rc = loa_err_set(err, LOA_ENOTFOUND,
						 "không phải nguồn tin và trang không giới thiệu nguồn tin nào "
						 "/ not a feed, and the page advertises none: %s", o->url);
				goto out;
			}
			set_str(&feed_url, art->feeds[0].href);
			loa_article_free(art);
			one_release(&a);
			if ((rc = fetch_one(cfg, feed_url, LOA_FETCH_FEED, &a, err)))
				goto out;
			if (a.moved_to)
				set_str(&feed_url, a.moved_to);
			if (!parse_feed_title(&a, feed_url, &title)) {
				rc = loa_err_set(err, LOA_EINVAL,
						 "nguồn tin được giới thiệu không đọc được / the advertised "
						 "feed is not a feed: %s", feed_url);
				goto out;
			}
			loa_info("sources.discovered", "page=%s feed=%s", o->url, feed_url);
		}
	}
	if (!feed_url) {
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto out;
	}
	/* The same feed again: revive a removed source, refuse a live one. */
	loa_source_rec rec;
	rc = loa_store_source_by_url(s, feed_url, &rec, err);
	if (rc == LOA_OK) {
		if (strcmp(rec.state, LOA_SOURCE_REMOVED) != 0) {
			rc = loa_err_set(err, LOA_EEXIST, "nguồn tin đã có / feed already added as %s",
					 rec.slug);
			goto out;
		}
		if ((rc = loa_store_source_update(s, rec.slug, NULL, "new", err)))
			goto out;
		if (out)
			rc = loa_store_source_get(s, rec.slug, out, err);
		goto out;
	}
	if (rc != LOA_ENOTFOUND)
		goto out;
	char slug[LOA_SLUG_MAX + 1];
	if (o->slug)
		loa_strlcpy(slug, o->slug, sizeof slug);
	else if ((rc = loa_feed_slug_from_url(s, feed_url, slug, sizeof slug, err)))
		goto out;
	if (o->slug && strlen(o->slug) > LOA_SLUG_MAX) {
		rc = loa_err_set(err, LOA_EINVAL, "mã nguồn quá dài / slug too long");
		goto out;
	}
	char name[LOA_NAME_MAX + 1];
	loa_strlcpy(name, o->name ? o->name : title ? title : "", sizeof name);
	loa_source ns = {0};
	ns.slug = slug;
	ns.type = "feed";
	ns.outlet = o->outlet;
	ns.org = o->org;
	ns.url = feed_url;
	ns.state = "new";
	ns.platform = "web";
	ns.name = name[0] ? name : NULL;
	rc = loa_store_source_add(s, &ns, NULL, err);
	if (!rc && out)
		rc = loa_store_source_get(s, slug, out, err);
out:
	one_release(&a);
	free(feed_url);
	free(title);
	return rc;
}

int loa_feed_source_remove(loa_store *s, const char *slug, bool *deleted, loa_err *err)
{
	int rc = loa_feed_room_migrate(s, err);
	if (rc)
		return rc;
	loa_source_rec rec;
	if ((rc = loa_store_source_get(s, slug, &rec, err)))
		return rc;
	bool del = false;
	if ((rc = loa_store_begin(s, err)))
		return rc;
	rc = loa_store_source_remove(s, slug, &del, err);
	loa_stmt *st;
	if (!rc && !(rc = loa_sql_cached(s, SQL_FORGET_STATE, &st, err))) {
		loa_sql_bind_i64(st, 1, rec.id);
		rc = loa_sql_run(st, err);
	}
	if (!rc && del && !(rc = loa_sql_cached(s, SQL_FORGET_ENTRIES, &st, err))) {
		loa_sql_bind_i64(st, 1, rec.id);
		rc = loa_sql_run(st, err);
	}
	if (!rc)
		rc = loa_store_commit(s, err);
	else
		loa_store_rollback(s);
	if (!rc && deleted)
		*deleted = del;
	return rc;
}
