/*
 * store_sqlite.c - the embedded default backend: one SQLite file in WAL
 * mode with foreign keys on, a busy timeout and synchronous=NORMAL (a
 * killed process loses no committed transaction; a power cut may lose the
 * last few, never consistency).
 *
 * Schema versions are kept in PRAGMA user_version and the file is marked
 * with PRAGMA application_id. Migrations are numbered, each applied in its
 * own IMMEDIATE transaction. A database of a newer version, or one that
 * is not loa's, is refused before anything is written.
 *
 * Prepared statements live on the handle (prepared once, reset after each
 * use). Slug -> id lookups of sources and organisations are cached on the
 * handle; the caches are dropped on rollback.
 */
#include "store/store_int.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/map.h"
#include "core/str.h"

#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/banned.h"

#define LOA_APPLICATION_ID 0x6c6f6121 /* "loa!" */

/* ---- schema ----------------------------------------------------------- */

static const char *const migrations[LOA_STORE_SCHEMA_VERSION] = {
	/* 1: directory, sources, items */
	"PRAGMA application_id = 1819238689;\n" /* LOA_APPLICATION_ID */
	"CREATE TABLE organisations(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  slug TEXT NOT NULL UNIQUE,\n"
	"  name TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL DEFAULT 'other',\n"
	"  parent_id INTEGER REFERENCES organisations(id),\n"
	"  valid_from INTEGER,\n"
	"  valid_to INTEGER,\n"
	"  successor_id INTEGER REFERENCES organisations(id),\n"
	"  created_at INTEGER NOT NULL);\n"
	"CREATE TABLE sources(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  slug TEXT NOT NULL UNIQUE,\n"
	"  type TEXT NOT NULL CHECK(type IN ('feed','page','social','api')),\n"
	"  outlet TEXT CHECK(outlet IN ('press','portal','social','agency')),\n"
	"  org_id INTEGER REFERENCES organisations(id),\n"
	"  url TEXT,\n"
	"  state TEXT NOT NULL DEFAULT 'active',\n"
	"  platform TEXT NOT NULL DEFAULT 'web',\n"
	"  created_at INTEGER NOT NULL);\n"
	"CREATE TABLE items(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  ident TEXT NOT NULL,\n"
	"  source_id INTEGER NOT NULL REFERENCES sources(id),\n"
	"  kind TEXT NOT NULL,\n"
	"  platform TEXT NOT NULL,\n"
	"  external_id TEXT,\n"
	"  url TEXT,\n"
	"  title TEXT,\n"
	"  text TEXT,\n"
	"  html TEXT,\n"
	"  author TEXT,\n"
	"  lang TEXT,\n"
	"  published_at INTEGER NOT NULL,\n"
	"  fetched_at INTEGER NOT NULL,\n"
	"  parent_id TEXT,\n"
	"  parent_ident TEXT,\n"
	"  shared_from TEXT,\n"
	"  shared_ident TEXT,\n"
	"  org TEXT,\n"
	"  org_id INTEGER REFERENCES organisations(id),\n"
	"  reactions INTEGER,\n"
	"  shares INTEGER,\n"
	"  comments INTEGER,\n"
	"  content_hash INTEGER NOT NULL);\n"
	"CREATE UNIQUE INDEX items_ident ON items(ident);\n"
	"CREATE INDEX items_published ON items(published_at);\n"
	"CREATE INDEX items_source_published ON items(source_id, published_at);\n",

	/* 2: append-only audit log; comment threads */
	"CREATE TABLE audit(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  at INTEGER NOT NULL,\n"
	"  actor TEXT NOT NULL,\n"
	"  action TEXT NOT NULL,\n"
	"  target TEXT,\n"
	"  detail TEXT);\n"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit\n"
	"  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;\n"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit\n"
	"  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;\n"
	"CREATE INDEX items_parent ON items(parent_ident) WHERE parent_ident IS NOT NULL;\n",

	/* 3: schema versions of the other rooms' tables (store/sql.h) */
	"CREATE TABLE room_schema(\n"
	"  room TEXT PRIMARY KEY,\n"
	"  version INTEGER NOT NULL);\n",

	/* 4: sources managed by hand (name, lookup by URL); items found by
	 * canonical URL, so an article seen in several feeds is stored once */
	"ALTER TABLE sources ADD COLUMN name TEXT;\n"
	"CREATE INDEX sources_url ON sources(url) WHERE url IS NOT NULL;\n"
	"CREATE INDEX items_url ON items(url) WHERE url IS NOT NULL;\n",
};

/* ---- statements ------------------------------------------------------- */

enum {
	ST_ITEM_INSERT,
	ST_ITEM_HASH,
	ST_ITEM_UPDATE,
	ST_SRC_GET,
	ST_SRC_INSERT,
	ST_ORG_ID,
	ST_ORG_GET,
	ST_ORG_INSERT,
	ST_ORG_SUCCEED,
	ST_AUDIT_INSERT,
	ST_COUNT_IDENT,
	ST_SRC_ADD,
	ST_SRC_BY_SLUG,
	ST_SRC_BY_URL,
	ST_SRC_UPDATE,
	ST_SRC_ITEMS,
	ST_SRC_DELETE,
	ST_ITEM_BY_URL,
	ST__N
};

#define SRC_COLS \
	"s.id, s.slug, s.type, s.outlet, o.slug, s.url, s.state, s.platform, s.created_at, s.name " \
	"FROM sources s LEFT JOIN organisations o ON o.id = s.org_id "

#define ITEM_COLS \
	"ident, source_id, kind, platform, external_id, url, title, text, html, author, lang, " \
	"published_at, fetched_at, parent_id, parent_ident, shared_from, shared_ident, org, " \
	"org_id, reactions, shares, comments, content_hash"

static const char *const sql_text[ST__N] = {
	[ST_ITEM_INSERT] = "INSERT INTO items(" ITEM_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
			   "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
			   "?22, ?23) ON CONFLICT(ident) DO NOTHING",
	[ST_ITEM_HASH] = "SELECT content_hash FROM items WHERE ident = ?1",
	[ST_ITEM_UPDATE] = "UPDATE items SET source_id = ?2, kind = ?3, platform = ?4, "
			   "external_id = ?5, url = ?6, title = ?7, text = ?8, html = ?9, "
			   "author = ?10, lang = ?11, published_at = ?12, fetched_at = ?13, "
			   "parent_id = ?14, parent_ident = ?15, shared_from = ?16, "
			   "shared_ident = ?17, org = ?18, org_id = ?19, reactions = ?20, "
			   "shares = ?21, comments = ?22, content_hash = ?23 WHERE ident = ?1",
	[ST_SRC_GET] = "SELECT id FROM sources WHERE slug = ?1",
	[ST_SRC_INSERT] = "INSERT INTO sources(slug, type, outlet, platform, state, created_at) "
			  "VALUES(?1, ?2, ?3, ?4, 'active', ?5)",
	[ST_ORG_ID] = "SELECT id FROM organisations WHERE slug = ?1",
	[ST_ORG_GET] = "SELECT o.id, o.slug, o.name, o.kind, p.slug, o.valid_from, o.valid_to, "
		       "s.slug FROM organisations o "
		       "LEFT JOIN organisations p ON p.id = o.parent_id "
		       "LEFT JOIN organisations s ON s.id = o.successor_id WHERE o.slug = ?1",
	[ST_ORG_INSERT] = "INSERT INTO organisations(slug, name, kind, parent_id, valid_from, "
			  "valid_to, successor_id, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_ORG_SUCCEED] = "UPDATE organisations SET successor_id = ?2, "
			   "valid_to = coalesce(?3, valid_to) WHERE id = ?1",
	[ST_AUDIT_INSERT] = "INSERT INTO audit(at, actor, action, target, detail) "
			    "VALUES(?1, ?2, ?3, ?4, ?5)",
	[ST_COUNT_IDENT] = "SELECT count(*) FROM items WHERE ident = ?1",
	[ST_SRC_ADD] = "INSERT INTO sources(slug, type, outlet, org_id, url, state, platform, "
		       "created_at, name) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_SRC_BY_SLUG] = "SELECT " SRC_COLS "WHERE s.slug = ?1",
	[ST_SRC_BY_URL] = "SELECT " SRC_COLS "WHERE s.url = ?1 ORDER BY s.id LIMIT 1",
	[ST_SRC_UPDATE] = "UPDATE sources SET url = coalesce(?2, url), state = coalesce(?3, state) "
			  "WHERE slug = ?1",
	[ST_SRC_ITEMS] = "SELECT count(*) FROM items WHERE source_id = ?1",
	[ST_SRC_DELETE] = "DELETE FROM sources WHERE id = ?1",
	[ST_ITEM_BY_URL] = "SELECT i.ident, s.slug FROM items i JOIN sources s ON s.id = i.source_id "
			   "WHERE i.url = ?1 ORDER BY i.id LIMIT 1",
};

typedef struct sq {
	sqlite3 *db;
	char *path;
	int flags;
	sqlite3_stmt *st[ST__N];
	loa_map src_cache; /* slug -> (void *)id */
	loa_map org_cache; /* slug -> (void *)id, or (void *)-1 for unknown */
	loa_buf pident;    /* parent_ident of the item being stored */
	loa_buf sident;    /* shared_ident */
} sq;

/* ---- errors ----------------------------------------------------------- */

static int sq_fail(sq *q, int rc, loa_err *err, const char *what)
{
	const char *m = q && q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return loa_err_set(err, LOA_EFULL,
				   "cơ sở dữ liệu hoặc đĩa đã đầy / database or disk is full (%s: %s)",
				   what, m);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return loa_err_set(err, LOA_EAGAIN, "cơ sở dữ liệu đang bận / database is busy (%s)",
				   what);
	case SQLITE_READONLY:
		return loa_err_set(err, LOA_EPERM,
				   "cơ sở dữ liệu chỉ đọc / database is read-only (%s: %s)", what, m);
	case SQLITE_IOERR:
		if (q && q->db && sqlite3_system_errno(q->db) == ENOSPC)
			return loa_err_set(err, LOA_EFULL,
					   "đĩa đã đầy / disk is full (%s: %s)", what, m);
		return loa_err_set(err, LOA_EIO, "lỗi đọc ghi cơ sở dữ liệu / database I/O error "
				   "(%s: %s)", what, m);
	case SQLITE_NOTADB:
		return loa_err_set(err, LOA_EDB, "không phải tệp cơ sở dữ liệu / "
				   "file is not a database (%s)", what);
	case SQLITE_CORRUPT:
		return loa_err_set(err, LOA_EDB, "cơ sở dữ liệu hỏng / database is corrupt (%s: %s)",
				   what, m);
	case SQLITE_NOMEM:
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory (%s)", what);
	default:
		return loa_err_set(err, LOA_EDB, "lỗi cơ sở dữ liệu / database error (%s: %s)", what,
				   m);
	}
}

static sqlite3_stmt *stmt(sq *q, int which, loa_err *err)
{
	if (!q->st[which]) {
		int rc = sqlite3_prepare_v3(q->db, sql_text[which], -1, SQLITE_PREPARE_PERSISTENT,
					    &q->st[which], NULL);
		if (rc != SQLITE_OK) {
			sq_fail(q, rc, err, "prepare");
			q->st[which] = NULL;
			return NULL;
		}
	}
	return q->st[which];
}

static void done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static int bind_opt_i64(sqlite3_stmt *st, int i, int64_t v, int64_t none)
{
	return v == none ? sqlite3_bind_null(st, i) : sqlite3_bind_int64(st, i, v);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL
							 : (const char *)sqlite3_column_text(st, i);
}

static int64_t col_opt_i64(sqlite3_stmt *st, int i, int64_t none)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? none : sqlite3_column_int64(st, i);
}

/* Runs SQL without parameters (pragmas, migrations, transaction control). */
static int exec(sq *q, const char *sql, loa_err *err, const char *what)
{
	int rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? LOA_OK : sq_fail(q, rc, err, what);
}

static int pragma_int(sq *q, const char *sql, int64_t *out, loa_err *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(q->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_fail(q, rc, err, sql);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		*out = 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? LOA_OK : sq_fail(q, rc, err, sql);
}

static void drop_caches(sq *q)
{
	loa_map_release(&q->src_cache);
	loa_map_release(&q->org_cache);
	loa_map_init(&q->src_cache, NULL);
	loa_map_init(&q->org_cache, NULL);
}

/* ---- open / close / schema -------------------------------------------- */

static bool sq_probe(const char *path)
{
	return strstr(path, "://") == NULL || strncmp(path, "file:", 5) == 0;
}

static void sq_close(void *impl)
{
	sq *q = impl;
	if (!q)
		return;
	for (int i = 0; i < ST__N; i++)
		sqlite3_finalize(q->st[i]);
	if (q->db) {
		if (!sqlite3_get_autocommit(q->db))
			sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close_v2(q->db);
	}
	loa_map_release(&q->src_cache);
	loa_map_release(&q->org_cache);
	loa_buf_release(&q->pident);
	loa_buf_release(&q->sident);
	free(q->path);
	free(q);
}

static int sq_schema_version(void *impl, int *version, loa_err *err)
{
	int64_t v;
	int rc = pragma_int(impl, "PRAGMA user_version", &v, err);
	*version = rc ? 0 : (int)v;
	return rc;
}

static int sq_migrate(void *impl, int target, int *applied, loa_err *err)
{
	sq *q = impl;
	int n = 0, rc = LOA_OK;
	if (applied)
		*applied = 0;
	if (q->flags & LOA_STORE_READONLY)
		return loa_err_set(err, LOA_EPERM, "cơ sở dữ liệu mở chỉ đọc / database opened read-only");
	for (;;) {
		if ((rc = exec(q, "BEGIN IMMEDIATE", err, "migrate")))
			break;
		int v;
		if ((rc = sq_schema_version(q, &v, err)))
			goto fail;
		if (v > LOA_STORE_SCHEMA_VERSION) {
			rc = loa_err_set(err, LOA_EVERSION, "schema version %d is newer than %d", v,
					 LOA_STORE_SCHEMA_VERSION);
			goto fail;
		}
		if (v >= target) {
			exec(q, "COMMIT", err, "migrate");
			break;
		}
		if ((rc = exec(q, migrations[v], err, "migrate")))
			goto fail;
		char set[64];
		snprintf(set, sizeof set, "PRAGMA user_version = %d", v + 1);
		if ((rc = exec(q, set, err, "migrate")) || (rc = exec(q, "COMMIT", err, "migrate")))
			goto fail;
		loa_info("store.migrate", "version=%d", v + 1);
		n++;
	}
	if (applied)
		*applied = n;
	return rc;
fail:
	if (!sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	if (applied)
		*applied = n;
	return rc;
}

static int sq_open(const char *path, const loa_store_opts *o, void **impl, loa_err *err)
{
	*impl = NULL;
	sq *q = calloc(1, sizeof *q);
	if (!q || !(q->path = strdup(path))) {
		free(q);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	q->flags = o->flags;
	if (q->flags & LOA_STORE_READONLY)
		q->flags |= LOA_STORE_NO_MIGRATE | LOA_STORE_NO_CREATE;
	loa_map_init(&q->src_cache, NULL);
	loa_map_init(&q->org_cache, NULL);
	loa_buf_init(&q->pident, LOA_ITEM_URL_MAX + LOA_SLUG_MAX + 64);
	loa_buf_init(&q->sident, LOA_ITEM_URL_MAX + LOA_SLUG_MAX + 64);

	int oflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
	if (q->flags & LOA_STORE_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else if (q->flags & LOA_STORE_NO_CREATE)
		oflags |= SQLITE_OPEN_READWRITE;
	else
		oflags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc = sqlite3_open_v2(path, &q->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		int e = sqlite3_system_errno(q->db);
		if ((q->flags & LOA_STORE_NO_CREATE) && access(path, F_OK) != 0)
			rc = loa_err_set(err, LOA_ENOTFOUND,
					 "không có cơ sở dữ liệu / no database: %s", path);
		else
			rc = loa_err_set(err, LOA_EIO,
					 "không mở được cơ sở dữ liệu / cannot open database: %s: %s",
					 path, e ? strerror(e) : sqlite3_errmsg(q->db));
		sq_close(q);
		return rc;
	}
	sqlite3_extended_result_codes(q->db, 1);
	sqlite3_busy_timeout(q->db, o->busy_ms > 0 ? o->busy_ms : 5000);

	/* Look before writing anything: version and ownership of the file. */
	int64_t version, appid, nschema;
	if ((rc = pragma_int(q, "PRAGMA user_version", &version, err)) ||
	    (rc = pragma_int(q, "PRAGMA application_id", &appid, err)) ||
	    (rc = pragma_int(q, "SELECT count(*) FROM sqlite_schema", &nschema, err))) {
		char msg[LOA_ERR_MSG_MAX];
		loa_strlcpy(msg, err ? err->msg : "", sizeof msg);
		rc = loa_err_set(err, rc, "%s: %s", path, msg);
		sq_close(q);
		return rc;
	}
	if (version > LOA_STORE_SCHEMA_VERSION) {
		sq_close(q);
		return loa_err_set(err, LOA_EVERSION,
				   "cơ sở dữ liệu %s có lược đồ phiên bản %lld, mới hơn chương trình "
				   "này (%d); hãy nâng cấp loa / database schema version %lld is newer "
				   "than this program knows (%d); upgrade loa. Không thay đổi gì / "
				   "nothing was changed.",
				   path, (long long)version, LOA_STORE_SCHEMA_VERSION,
				   (long long)version, LOA_STORE_SCHEMA_VERSION);
	}
	if ((version == 0 && nschema > 0) || (version > 0 && appid != LOA_APPLICATION_ID)) {
		sq_close(q);
		return loa_err_set(err, LOA_EVERSION,
				   "%s không phải cơ sở dữ liệu của loa / is not a loa database", path);
	}

	if (!(q->flags & LOA_STORE_READONLY)) {
		if ((rc = exec(q, "PRAGMA journal_mode = WAL", err, "journal_mode")) ||
		    (rc = exec(q, "PRAGMA synchronous = NORMAL", err, "synchronous"))) {
			sq_close(q);
			return rc;
		}
	}
	if ((rc = exec(q, "PRAGMA foreign_keys = ON", err, "foreign_keys"))) {
		sq_close(q);
		return rc;
	}
	if (o->max_pages > 0) {
		char p[64];
		snprintf(p, sizeof p, "PRAGMA max_page_count = %lld", (long long)o->max_pages);
		exec(q, p, NULL, "max_page_count");
	}
	if (q->flags & LOA_STORE_BULK) {
		exec(q, "PRAGMA cache_size = -131072", NULL, "cache_size");
		exec(q, "PRAGMA wal_autocheckpoint = 65536", NULL, "wal_autocheckpoint");
	}
	if (!(q->flags & LOA_STORE_NO_MIGRATE) && version < LOA_STORE_SCHEMA_VERSION) {
		if ((rc = sq_migrate(q, LOA_STORE_SCHEMA_VERSION, NULL, err))) {
			char msg[LOA_ERR_MSG_MAX];
			loa_strlcpy(msg, err ? err->msg : "", sizeof msg);
			loa_err_set(err, rc, "không nâng cấp được lược đồ / migration failed: %s", msg);
			sq_close(q);
			return rc;
		}
	}
	*impl = q;
	return LOA_OK;
}

/* ---- transactions ----------------------------------------------------- */

static int sq_begin(void *impl, loa_err *err)
{
	sq *q = impl;
	if (!sqlite3_get_autocommit(q->db))
		return loa_err_set(err, LOA_EINVAL, "transaction already open");
	return exec(q, "BEGIN IMMEDIATE", err, "begin");
}

static void sq_rollback(void *impl)
{
	sq *q = impl;
	if (!sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	drop_caches(q);
}

static int sq_commit(void *impl, loa_err *err)
{
	sq *q = impl;
	if (sqlite3_get_autocommit(q->db)) {
		/* SQLite rolled the transaction back itself (disk full, I/O error). */
		drop_caches(q);
		return loa_err_set(err, LOA_EDB, "không có giao dịch để ghi / no transaction to commit");
	}
	int rc = exec(q, "COMMIT", err, "commit");
	if (rc)
		sq_rollback(q);
	return rc;
}

/* A savepoint makes a multi-statement operation atomic inside or outside
 * a caller's transaction. */
static int sp_begin(sq *q, loa_err *err) { return exec(q, "SAVEPOINT loa_op", err, "savepoint"); }

static int sp_end(sq *q, int rc, loa_err *err)
{
	if (rc == LOA_OK)
		return exec(q, "RELEASE loa_op", err, "release");
	sqlite3_exec(q->db, "ROLLBACK TO loa_op; RELEASE loa_op", NULL, NULL, NULL);
	drop_caches(q);
	return rc;
}

/* ---- status ----------------------------------------------------------- */

static int sq_status(void *impl, loa_store_status *st, loa_err *err)
{
	sq *q = impl;
	int64_t v, pages, psize;
	int rc;
	if ((rc = pragma_int(q, "PRAGMA user_version", &v, err)))
		return rc;
	st->schema_version = (int)v;
	if ((rc = pragma_int(q, "PRAGMA page_count", &pages, err)) ||
	    (rc = pragma_int(q, "PRAGMA page_size", &psize, err)))
		return rc;
	st->bytes = pages * psize;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(q->db, "PRAGMA journal_mode", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
			loa_strlcpy(st->journal, (const char *)sqlite3_column_text(s, 0),
				    sizeof st->journal);
		sqlite3_finalize(s);
	}
	st->orgs = st->sources = st->items = st->audit = -1;
	if (v >= 1) {
		if ((rc = pragma_int(q, "SELECT count(*) FROM organisations", &st->orgs, err)) ||
		    (rc = pragma_int(q, "SELECT count(*) FROM sources", &st->sources, err)) ||
		    (rc = pragma_int(q, "SELECT count(*) FROM items", &st->items, err)))
			return rc;
	}
	if (v >= 2 && (rc = pragma_int(q, "SELECT count(*) FROM audit", &st->audit, err)))
		return rc;
	return LOA_OK;
}

static int sq_check(void *impl, loa_err *err)
{
	sq *q = impl;
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(q->db, "PRAGMA integrity_check(20)", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return sq_fail(q, rc, err, "integrity_check");
	rc = sqlite3_step(s);
	int out = LOA_OK;
	if (rc != SQLITE_ROW) {
		out = sq_fail(q, rc, err, "integrity_check");
	} else {
		const char *r = (const char *)sqlite3_column_text(s, 0);
		if (!r || strcmp(r, "ok") != 0)
			out = loa_err_set(err, LOA_EDB, "integrity_check: %s", r ? r : "?");
	}
	sqlite3_finalize(s);
	return out;
}

/* ---- audit ------------------------------------------------------------ */

static int sq_audit_append(void *impl, const loa_audit *a, loa_err *err)
{
	sq *q = impl;
	sqlite3_stmt *st = stmt(q, ST_AUDIT_INSERT, err);
	if (!st)
		return err ? err->code : LOA_EDB;
	sqlite3_bind_int64(st, 1, a->at);
	bind_text(st, 2, a->actor);
	bind_text(st, 3, a->action);
	bind_text(st, 4, a->target);
	bind_text(st, 5, a->detail);
	int rc = sqlite3_step(st);
	done(st);
	return rc == SQLITE_DONE ? LOA_OK : sq_fail(q, rc, err, "audit");
}

static int sq_audit_each(void *impl, loa_audit_cb cb, void *arg, loa_err *err)
{
	sq *q = impl;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(q->db, "SELECT id, at, actor, action, target, detail FROM audit "
				    "ORDER BY id", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_fail(q, rc, err, "audit");
	int out = LOA_OK;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		loa_audit a = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
			       col_text(st, 2), col_text(st, 3), col_text(st, 4), col_text(st, 5)};
		if ((out = cb(arg, &a)))
			break;
	}
	if (!out && rc != SQLITE_DONE)
		out = sq_fail(q, rc, err, "audit");
	sqlite3_finalize(st);
	return out;
}

static int audit_simple(sq *q, const char *action, const char *target, json_t *detail,
			loa_err *err)
{
	char *d = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(detail);
	loa_audit a = {0, loa_now_ms(), "cli", action, target, d};
	int rc = sq_audit_append(q, &a, err);
	free(d);
	return rc;
}

/* ---- organisations ---------------------------------------------------- */

/* *id = the organisation's id, or -1 when unknown. Cached. */
static int org_id(sq *q, const char *slug, int64_t *id, loa_err *err)
{
	size_t n = strlen(slug);
	void *v = loa_map_get(&q->org_cache, slug, n);
	if (v) {
		*id = (int64_t)(intptr_t)v;
		return LOA_OK;
	}
	sqlite3_stmt *st = stmt(q, ST_ORG_ID, err);
	if (!st)
		return err ? err->code : LOA_EDB;
	bind_text(st, 1, slug);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		*id = -1;
	done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sq_fail(q, rc, err, "organisation");
	if (loa_map_set(&q->org_cache, slug, n, (void *)(intptr_t)*id))
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	return LOA_OK;
}

static int sq_org_add(void *impl, const loa_org *o, int64_t *id, loa_err *err)
{
	sq *q = impl;
	int64_t parent = -1, succ = -1;
	int rc;
	if (o->parent) {
		if ((rc = org_id(q, o->parent, &parent, err)))
			return rc;
		if (parent < 0)
			return loa_err_set(err, LOA_ENOTFOUND,
					   "không có tổ chức cha / no such parent organisation: %s",
					   o->parent);
	}
	if (o->successor) {
		if ((rc = org_id(q, o->successor, &succ, err)))
			return rc;
		if (succ < 0)
			return loa_err_set(err, LOA_ENOTFOUND,
					   "không có tổ chức kế thừa / no such successor: %s",
					   o->successor);
	}
	if ((rc = sp_begin(q, err)))
		return rc;
	sqlite3_stmt *st = stmt(q, ST_ORG_INSERT, err);
	if (!st)
		return sp_end(q, err ? err->code : LOA_EDB, err);
	bind_text(st, 1, o->slug);
	bind_text(st, 2, o->name);
	bind_text(st, 3, o->kind);
	bind_opt_i64(st, 4, parent, -1);
	bind_opt_i64(st, 5, o->valid_from, LOA_TIME_NONE);
	bind_opt_i64(st, 6, o->valid_to, LOA_TIME_NONE);
	bind_opt_i64(st, 7, succ, -1);
	sqlite3_bind_int64(st, 8, loa_now_ms());
	int s = sqlite3_step(st);
	done(st);
	if (s != SQLITE_DONE) {
		if (s == SQLITE_CONSTRAINT_UNIQUE)
			rc = loa_err_set(err, LOA_EEXIST, "tổ chức đã có / organisation exists: %s",
					 o->slug);
		else
			rc = sq_fail(q, s, err, "organisation");
		return sp_end(q, rc, err);
	}
	int64_t nid = sqlite3_last_insert_rowid(q->db);
	rc = audit_simple(q, "org.add", o->slug,
			  json_pack("{s:s, s:s, s:s?, s:s?}", "name", o->name, "kind", o->kind,
				    "parent", o->parent, "successor", o->successor), err);
	rc = sp_end(q, rc, err);
	if (rc == LOA_OK) {
		loa_map_del(&q->org_cache, o->slug, strlen(o->slug));
		if (id)
			*id = nid;
	}
	return rc;
}

static void copy_field(char *dst, size_t cap, const char *src)
{
	loa_strlcpy(dst, src ? src : "", cap);
}

static int sq_org_get(void *impl, const char *slug, loa_org_rec *out, loa_err *err)
{
	sq *q = impl;
	sqlite3_stmt *st = stmt(q, ST_ORG_GET, err);
	if (!st)
		return err ? err->code : LOA_EDB;
	bind_text(st, 1, slug);
	int rc = sqlite3_step(st), r = LOA_OK;
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		copy_field(out->slug, sizeof out->slug, col_text(st, 1));
		copy_field(out->name, sizeof out->name, col_text(st, 2));
		copy_field(out->kind, sizeof out->kind, col_text(st, 3));
		copy_field(out->parent, sizeof out->parent, col_text(st, 4));
		out->valid_from = col_opt_i64(st, 5, LOA_TIME_NONE);
		out->valid_to = col_opt_i64(st, 6, LOA_TIME_NONE);
		copy_field(out->successor, sizeof out->successor, col_text(st, 7));
	} else if (rc == SQLITE_DONE) {
		r = loa_err_set(err, LOA_ENOTFOUND, "không có tổ chức / no such organisation: %s", slug);
	} else {
		r = sq_fail(q, rc, err, "organisation");
	}
	done(st);
	return r;
}

static int sq_org_succeed(void *impl, const char *old_slug, const char *new_slug, loa_ms at,
			  loa_err *err)
{
	sq *q = impl;
	int64_t oid, nid;
	int rc;
	if ((rc = org_id(q, old_slug, &oid, err)) || (rc = org_id(q, new_slug, &nid, err)))
		return rc;
	if (oid < 0 || nid < 0)
		return loa_err_set(err, LOA_ENOTFOUND, "không có tổ chức / no such organisation: %s",
				   oid < 0 ? old_slug : new_slug);
	if ((rc = sp_begin(q, err)))
		return rc;
	sqlite3_stmt *st = stmt(q, ST_ORG_SUCCEED, err);
	if (!st)
		return sp_end(q, err ? err->code : LOA_EDB, err);
	sqlite3_bind_int64(st, 1, oid);
	sqlite3_bind_int64(st, 2, nid);
	bind_opt_i64(st, 3, at, LOA_TIME_NONE);
	int s = sqlite3_step(st);
	done(st);
	rc = s == SQLITE_DONE ? LOA_OK : sq_fail(q, s, err, "organisation");
	if (!rc)
		rc = audit_simple(q, "org.succeed", old_slug,
				  json_pack("{s:s, s:I}", "successor", new_slug, "at", (json_int_t)at),
				  err);
	return sp_end(q, rc, err);
}

static int sq_orgs_each(void *impl, loa_org_cb cb, void *arg, loa_err *err)
{
	sq *q = impl;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(q->db,
				    "SELECT o.id, o.slug, o.name, o.kind, p.slug, o.valid_from, "
				    "o.valid_to, s.slug FROM organisations o "
				    "LEFT JOIN organisations p ON p.id = o.parent_id "
				    "LEFT JOIN organisations s ON s.id = o.successor_id "
				    "ORDER BY o.slug", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_fail(q, rc, err, "organisations");
	int out = LOA_OK;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		loa_org o = {sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2),
			     col_text(st, 3), col_text(st, 4), col_opt_i64(st, 5, LOA_TIME_NONE),
			     col_opt_i64(st, 6, LOA_TIME_NONE), col_text(st, 7)};
		if ((out = cb(arg, &o)))
			break;
	}
	if (!out && rc != SQLITE_DONE)
		out = sq_fail(q, rc, err, "organisations");
	sqlite3_finalize(st);
	return out;
}

/* ---- sources ---------------------------------------------------------- */

static int sq_source_ensure(void *impl, const char *slug, const char *platform, int64_t *id,
			    bool *created, loa_err *err)
{
	sq *q = impl;
	size_t n = strlen(slug);
	if (created)
		*created = false;
	void *v = loa_map_get(&q->src_cache, slug, n);
	if (v) {
		*id = (int64_t)(intptr_t)v;
		return LOA_OK;
	}
	sqlite3_stmt *st = stmt(q, ST_SRC_GET, err);
	if (!st)
		return err ? err->code : LOA_EDB;
	bind_text(st, 1, slug);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	done(st);
	if (rc == SQLITE_DONE) {
		const char *type, *outlet;
		loa_store_platform_source(platform, &type, &outlet);
		if (!(st = stmt(q, ST_SRC_INSERT, err)))
			return err ? err->code : LOA_EDB;
		bind_text(st, 1, slug);
		bind_text(st, 2, type);
		bind_text(st, 3, outlet);
		bind_text(st, 4, platform);
		sqlite3_bind_int64(st, 5, loa_now_ms());
		rc = sqlite3_step(st);
		done(st);
		if (rc != SQLITE_DONE)
			return sq_fail(q, rc, err, "source");
		*id = sqlite3_last_insert_rowid(q->db);
		if (created)
			*created = true;
	} else if (rc != SQLITE_ROW) {
		return sq_fail(q, rc, err, "source");
	}
	if (loa_map_set(&q->src_cache, slug, n, (void *)(intptr_t)*id))
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	return LOA_OK;
}

static int sq_sources_each(void *impl, loa_source_cb cb, void *arg, loa_err *err)
{
	sq *q = impl;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(q->db,
				    "SELECT s.id, s.slug, s.type, s.outlet, o.slug, s.url, s.state, "
				    "s.platform, s.created_at, "
				    "(SELECT count(*) FROM items i WHERE i.source_id = s.id), s.name "
				    "FROM sources s LEFT JOIN organisations o ON o.id = s.org_id "
				    "ORDER BY s.slug", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_fail(q, rc, err, "sources");
	int out = LOA_OK;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		loa_source s = {sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2),
				col_text(st, 3), col_text(st, 4), col_text(st, 5), col_text(st, 6),
				col_text(st, 7), sqlite3_column_int64(st, 8),
				sqlite3_column_int64(st, 9), col_text(st, 10)};
		if ((out = cb(arg, &s)))
			break;
	}
	if (!out && rc != SQLITE_DONE)
		out = sq_fail(q, rc, err, "sources");
	sqlite3_finalize(st);
	return out;
}

static int sq_source_add(void *impl, const loa_source *src, int64_t *id, loa_err *err)
{
	sq *q = impl;
	int64_t org = -1;
	int rc;
	if (src->org) {
		if ((rc = org_id(q, src->org, &org, err)))
			return rc;
		if (org < 0)
			return loa_err_set(err, LOA_ENOTFOUND, "không có tổ chức / no such organisation: %s",
					   src->org);
	}
	sqlite3_stmt *st;
	if (src->url) {
		if (!(st = stmt(q, ST_SRC_BY_URL, err)))
			return err ? err->code : LOA_EDB;
		bind_text(st, 1, src->url);
		int s = sqlite3_step(st);
		if (s == SQLITE_ROW) {
			rc = loa_err_set(err, LOA_EEXIST,
					 "URL đã thuộc nguồn / URL already belongs to source %s",
					 col_text(st, 1));
			done(st);
			return rc;
		}
		done(st);
		if (s != SQLITE_DONE)
			return sq_fail(q, s, err, "source");
	}
	if ((rc = sp_begin(q, err)))
		return rc;
	if (!(st = stmt(q, ST_SRC_ADD, err)))
		return sp_end(q, err ? err->code : LOA_EDB, err);
	bind_text(st, 1, src->slug);
	bind_text(st, 2, src->type);
	bind_text(st, 3, src->outlet);
	bind_opt_i64(st, 4, org, -1);
	bind_text(st, 5, src->url);
	bind_text(st, 6, src->state);
	bind_text(st, 7, src->platform);
	sqlite3_bind_int64(st, 8, src->created_at > 0 ? src->created_at : loa_now_ms());
	bind_text(st, 9, src->name);
	int s = sqlite3_step(st);
	done(st);
	if (s != SQLITE_DONE) {
		if (s == SQLITE_CONSTRAINT_UNIQUE)
			rc = loa_err_set(err, LOA_EEXIST, "nguồn đã có / source exists: %s", src->slug);
		else
			rc = sq_fail(q, s, err, "source");
		return sp_end(q, rc, err);
	}
	int64_t nid = sqlite3_last_insert_rowid(q->db);
	rc = audit_simple(q, "source.add", src->slug,
			  json_pack("{s:s, s:s?, s:s?, s:s?, s:s?}", "type", src->type, "outlet",
				    src->outlet, "org", src->org, "url", src->url, "name", src->name),
			  err);
	rc = sp_end(q, rc, err);
	if (rc == LOA_OK && id)
		*id = nid;
	return rc;
}

static int sq_source_get(void *impl, const char *slug, const char *url, loa_source_rec *out,
			 loa_err *err)
{
	sq *q = impl;
	sqlite3_stmt *st = stmt(q, slug ? ST_SRC_BY_SLUG : ST_SRC_BY_URL, err);
	if (!st)
		return err ? err->code : LOA_EDB;
	bind_text(st, 1, slug ? slug : url);
	int rc = sqlite3_step(st), r = LOA_OK;
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		copy_field(out->slug, sizeof out->slug, col_text(st, 1));
		copy_field(out->type, sizeof out->type, col_text(st, 2));
		copy_field(out->outlet, sizeof out->outlet, col_text(st, 3));
		copy_field(out->org, sizeof out->org, col_text(st, 4));
		copy_field(out->url, sizeof out->url, col_text(st, 5));
		copy_field(out->state, sizeof out->state, col_text(st, 6));
		copy_field(out->platform, sizeof out->platform, col_text(st, 7));
		out->created_at = sqlite3_column_int64(st, 8);
		copy_field(out->name, sizeof out->name, col_text(st, 9));
	} else if (rc == SQLITE_DONE) {
		r = loa_err_set(err, LOA_ENOTFOUND, "không có nguồn / no such source: %s",
				slug ? slug : url);
	} else {
		r = sq_fail(q, rc, err, "source");
	}
	done(st);
	return r;
}

static int sq_source_update(void *impl, const char *slug, const char *url, const char *state,
			    loa_err *err)
{
	sq *q = impl;
	int rc;
	if ((rc = sp_begin(q, err)))
		return rc;
	sqlite3_stmt *st = stmt(q, ST_SRC_UPDATE, err);
	if (!st)
		return sp_end(q, err ? err->code : LOA_EDB, err);
	bind_text(st, 1, slug);
	bind_text(st, 2, url);
	bind_text(st, 3, state);
	int s = sqlite3_step(st);
	done(st);
	if (s != SQLITE_DONE)
		return sp_end(q, sq_fail(q, s, err, "source"), err);
	if (sqlite3_changes(q->db) == 0)
		return sp_end(q, loa_err_set(err, LOA_ENOTFOUND, "không có nguồn / no such source: %s",
					     slug), err);
	if (url)
		rc = audit_simple(q, "source.url", slug, json_pack("{s:s}", "url", url), err);
	return sp_end(q, rc, err);
}

static int sq_source_remove(void *impl, const char *slug, bool *deleted, loa_err *err)
{
	sq *q = impl;
	loa_source_rec r;
	int rc = sq_source_get(q, slug, NULL, &r, err);
	if (rc)
		return rc;
	if ((rc = sp_begin(q, err)))
		return rc;
	sqlite3_stmt *st = stmt(q, ST_SRC_ITEMS, err);
	if (!st)
		return sp_end(q, err ? err->code : LOA_EDB, err);
	sqlite3_bind_int64(st, 1, r.id);
	int s = sqlite3_step(st);
	int64_t n = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	done(st);
	if (s != SQLITE_ROW)
		return sp_end(q, sq_fail(q, s, err, "source"), err);
	if (n == 0) {
		if (!(st = stmt(q, ST_SRC_DELETE, err)))
			return sp_end(q, err ? err->code : LOA_EDB, err);
		sqlite3_bind_int64(st, 1, r.id);
	} else {
		if (!(st = stmt(q, ST_SRC_UPDATE, err)))
			return sp_end(q, err ? err->code : LOA_EDB, err);
		bind_text(st, 1, slug);
		sqlite3_bind_null(st, 2);
		bind_text(st, 3, LOA_SOURCE_REMOVED);
	}
	s = sqlite3_step(st);
	done(st);
	if (s != SQLITE_DONE)
		return sp_end(q, sq_fail(q, s, err, "source"), err);
	rc = audit_simple(q, "source.remove", slug,
			  json_pack("{s:b, s:I}", "deleted", n == 0, "items", (json_int_t)n), err);
	rc = sp_end(q, rc, err);
	if (rc == LOA_OK) {
		loa_map_del(&q->src_cache, slug, strlen(slug));
		if (deleted)
			*deleted = n == 0;
	}
	return rc;
}

/* ---- items ------------------------------------------------------------ */

static void bind_item(sqlite3_stmt *st, const loa_item *n, int64_t src, int64_t org,
		      const char *pident, const char *sident)
{
	bind_text(st, 1, n->ident);
	sqlite3_bind_int64(st, 2, src);
	bind_text(st, 3, n->kind);
	bind_text(st, 4, n->platform);
	bind_text(st, 5, n->id);
	bind_text(st, 6, n->url);
	bind_text(st, 7, n->title);
	bind_text(st, 8, n->text);
	bind_text(st, 9, n->html);
	bind_text(st, 10, n->author);
	bind_text(st, 11, n->lang);
	sqlite3_bind_int64(st, 12, n->published_at);
	sqlite3_bind_int64(st, 13, n->fetched_at);
	bind_text(st, 14, n->parent_id);
	bind_text(st, 15, pident);
	bind_text(st, 16, n->shared_from);
	bind_text(st, 17, sident);
	bind_text(st, 18, n->org);
	bind_opt_i64(st, 19, org, -1);
	bind_opt_i64(st, 20, n->reactions, LOA_COUNT_NONE);
	bind_opt_i64(st, 21, n->shares, LOA_COUNT_NONE);
	bind_opt_i64(st, 22, n->comments, LOA_COUNT_NONE);
	sqlite3_bind_int64(st, 23, (int64_t)n->content_hash);
}

static int sq_item_upsert(void *impl, const loa_item *n, int *result, loa_err *err)
{
	sq *q = impl;
	int64_t src, org = -1;
	int rc;
	if ((rc = sq_source_ensure(q, n->source, n->platform, &src, NULL, err)))
		return rc;
	if (n->org && (rc = org_id(q, n->org, &org, err)))
		return rc;
	const char *pident = NULL, *sident = NULL;
	if (n->parent_id) {
		if (loa_item_ref_ident(n->source, n->parent_id, &q->pident))
			return loa_err_set(err, LOA_EINVAL, "parent_id quá dài / parent_id too long");
		pident = q->pident.data;
	}
	if (n->shared_from) {
		if (loa_item_ref_ident(n->source, n->shared_from, &q->sident))
			return loa_err_set(err, LOA_EINVAL,
					   "shared_from quá dài / shared_from too long");
		sident = q->sident.data;
	}
	sqlite3_stmt *st = stmt(q, ST_ITEM_INSERT, err);
	if (!st)
		return err ? err->code : LOA_EDB;
	bind_item(st, n, src, org, pident, sident);
	sqlite3_int64 before = sqlite3_total_changes64(q->db);
	rc = sqlite3_step(st);
	done(st);
	if (rc != SQLITE_DONE)
		return sq_fail(q, rc, err, "item");
	if (sqlite3_total_changes64(q->db) != before) {
		if (result)
			*result = LOA_STORE_INSERTED;
		return LOA_OK;
	}
	/* Seen before: compare content hashes. */
	if (!(st = stmt(q, ST_ITEM_HASH, err)))
		return err ? err->code : LOA_EDB;
	bind_text(st, 1, n->ident);
	rc = sqlite3_step(st);
	uint64_t old = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
	done(st);
	if (rc != SQLITE_ROW)
		return sq_fail(q, rc == SQLITE_DONE ? SQLITE_ERROR : rc, err, "item");
	if (old == n->content_hash) {
		if (result)
			*result = LOA_STORE_UNCHANGED;
		return LOA_OK;
	}
	if (!(st = stmt(q, ST_ITEM_UPDATE, err)))
		return err ? err->code : LOA_EDB;
	bind_item(st, n, src, org, pident, sident);
	rc = sqlite3_step(st);
	done(st);
	if (rc != SQLITE_DONE)
		return sq_fail(q, rc, err, "item");
	if (result)
		*result = LOA_STORE_UPDATED;
	return LOA_OK;
}

static int sq_items_each(void *impl, const loa_item_filter *f, loa_item_cb cb, void *arg,
			 loa_err *err)
{
	sq *q = impl;
	/* The WHERE clause is assembled from fixed fragments; values are bound. */
	char sql[1024];
	int n = snprintf(sql, sizeof sql,
			 "SELECT i.id, s.slug, i.external_id, i.kind, i.platform, i.url, i.title, "
			 "i.text, i.html, i.author, i.lang, i.published_at, i.fetched_at, "
			 "i.parent_id, i.shared_from, i.org, i.reactions, i.shares, i.comments, "
			 "i.ident, i.content_hash FROM items i JOIN sources s ON s.id = i.source_id "
			 "WHERE 1");
	if (f->since != LOA_TIME_NONE)
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND i.published_at >= ?1");
	if (f->until != LOA_TIME_NONE)
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND i.published_at < ?2");
	if (f->source)
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND s.slug = ?3");
	if (f->after_rowid > 0)
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND i.id > ?4");
	if (f->rowid > 0)
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND i.id = ?6");
	if (f->newest_first && f->before_time != LOA_TIME_NONE)
		n += snprintf(sql + n, sizeof sql - (size_t)n,
			      " AND (i.published_at < ?7 OR (i.published_at = ?7 AND i.id < ?8))");
	n += snprintf(sql + n, sizeof sql - (size_t)n,
		      f->newest_first ? " ORDER BY i.published_at DESC, i.id DESC"
				      : " ORDER BY i.published_at, i.id");
	if (f->limit > 0)
		snprintf(sql + n, sizeof sql - (size_t)n, " LIMIT ?5");
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(q->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_fail(q, rc, err, "items");
	if (f->since != LOA_TIME_NONE)
		sqlite3_bind_int64(st, 1, f->since);
	if (f->until != LOA_TIME_NONE)
		sqlite3_bind_int64(st, 2, f->until);
	if (f->source)
		bind_text(st, 3, f->source);
	if (f->after_rowid > 0)
		sqlite3_bind_int64(st, 4, f->after_rowid);
	if (f->limit > 0)
		sqlite3_bind_int64(st, 5, f->limit);
	if (f->rowid > 0)
		sqlite3_bind_int64(st, 6, f->rowid);
	if (f->newest_first && f->before_time != LOA_TIME_NONE) {
		sqlite3_bind_int64(st, 7, f->before_time);
		sqlite3_bind_int64(st, 8, f->before_rowid);
	}
	int out = LOA_OK;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		loa_item it;
		loa_item_init(&it);
		it.rowid = sqlite3_column_int64(st, 0);
		it.source = col_text(st, 1);
		it.id = col_text(st, 2);
		it.kind = col_text(st, 3);
		it.platform = col_text(st, 4);
		it.url = col_text(st, 5);
		it.title = col_text(st, 6);
		it.text = col_text(st, 7);
		it.html = col_text(st, 8);
		it.author = col_text(st, 9);
		it.lang = col_text(st, 10);
		it.published_at = sqlite3_column_int64(st, 11);
		it.fetched_at = sqlite3_column_int64(st, 12);
		it.parent_id = col_text(st, 13);
		it.shared_from = col_text(st, 14);
		it.org = col_text(st, 15);
		it.reactions = col_opt_i64(st, 16, LOA_COUNT_NONE);
		it.shares = col_opt_i64(st, 17, LOA_COUNT_NONE);
		it.comments = col_opt_i64(st, 18, LOA_COUNT_NONE);
		it.ident = col_text(st, 19);
		it.content_hash = (uint64_t)sqlite3_column_int64(st, 20);
		if ((out = cb(arg, &it)))
			break;
	}
	if (!out && rc != SQLITE_DONE)
		out = sq_fail(q, rc, err, "items");
	sqlite3_finalize(st);
	return out;
}

static int sq_item_count_ident(void *impl, const char *ident, int64_t *n, loa_err *err)
{
	sq *q = impl;
	sqlite3_stmt *st = stmt(q, ST_COUNT_IDENT, err);
	if (!st)
		return err ? err->code : LOA_EDB;
	bind_text(st, 1, ident);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	done(st);
	return rc == SQLITE_ROW ? LOA_OK : sq_fail(q, rc, err, "items");
}

static int sq_item_find_url(void *impl, const char *url, loa_buf *ident, loa_buf *source,
			    loa_err *err)
{
	sq *q = impl;
	sqlite3_stmt *st = stmt(q, ST_ITEM_BY_URL, err);
	if (!st)
		return err ? err->code : LOA_EDB;
	bind_text(st, 1, url);
	int rc = sqlite3_step(st), r = LOA_OK;
	if (rc == SQLITE_ROW) {
		if (ident) {
			loa_buf_reset(ident);
			r = loa_buf_puts(ident, col_text(st, 0));
		}
		if (!r && source) {
			loa_buf_reset(source);
			r = loa_buf_puts(source, col_text(st, 1));
		}
		if (r)
			r = loa_err_set(err, r, "item_find_url: %s", loa_strerror(r));
	} else if (rc == SQLITE_DONE) {
		r = LOA_ENOTFOUND;
	} else {
		r = sq_fail(q, rc, err, "items");
	}
	done(st);
	return r;
}

static void *sq_native(void *impl) { return ((sq *)impl)->db; }

int loa_store_sqlite_error(void *db, int rc, loa_err *err, const char *what)
{
	sq tmp;
	memset(&tmp, 0, sizeof tmp);
	tmp.db = db;
	return sq_fail(&tmp, rc, err, what);
}

const loa_store_backend loa_store_sqlite_backend = {
	.name = "sqlite",
	.probe = sq_probe,
	.open = sq_open,
	.close = sq_close,
	.schema_version = sq_schema_version,
	.migrate = sq_migrate,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.status = sq_status,
	.check = sq_check,
	.org_add = sq_org_add,
	.org_get = sq_org_get,
	.org_succeed = sq_org_succeed,
	.orgs_each = sq_orgs_each,
	.source_ensure = sq_source_ensure,
	.sources_each = sq_sources_each,
	.source_add = sq_source_add,
	.source_get = sq_source_get,
	.source_update = sq_source_update,
	.source_remove = sq_source_remove,
	.item_upsert = sq_item_upsert,
	.items_each = sq_items_each,
	.item_count_ident = sq_item_count_ident,
	.item_find_url = sq_item_find_url,
	.native = sq_native,
	.audit_append = sq_audit_append,
	.audit_each = sq_audit_each,
};
