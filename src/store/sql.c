/*
 * sql.c - statements and room schemas over the store's backend (SQLite
 * for now; a PostgreSQL backend will dispatch here on its name).
 */
#include "store/sql.h"
#include "store/store_int.h"
#include "core/log.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

struct loa_stmt {
	sqlite3_stmt *st;
	sqlite3 *db;
	bool cached;
};

static sqlite3 *db_of(loa_store *s, loa_err *err)
{
	sqlite3 *db = loa_store_native(s, "sqlite");
	if (!db)
		loa_err_set(err, LOA_EINVAL, "backend not supported by sql.c");
	return db;
}

int loa_sql_prepare(loa_store *s, const char *sql, loa_stmt **out, loa_err *err)
{
	*out = NULL;
	sqlite3 *db = db_of(s, err);
	if (!db)
		return LOA_EINVAL;
	loa_stmt *st = calloc(1, sizeof *st);
	if (!st)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	int rc = sqlite3_prepare_v2(db, sql, -1, &st->st, NULL);
	if (rc != SQLITE_OK) {
		free(st);
		return loa_store_sqlite_error(db, rc, err, "prepare");
	}
	st->db = db;
	*out = st;
	return LOA_OK;
}

int loa_sql_cached(loa_store *s, const char *static_sql, loa_stmt **out, loa_err *err)
{
	loa_map *cache = loa_store__sql_cache(s);
	const char *key = (const char *)&static_sql;
	loa_stmt *st = loa_map_get(cache, key, sizeof static_sql);
	if (st) {
		loa_sql_reset(st);
		*out = st;
		return LOA_OK;
	}
	sqlite3 *db = db_of(s, err);
	if (!db)
		return LOA_EINVAL;
	st = calloc(1, sizeof *st);
	if (!st)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	int rc = sqlite3_prepare_v3(db, static_sql, -1, SQLITE_PREPARE_PERSISTENT, &st->st, NULL);
	if (rc != SQLITE_OK) {
		free(st);
		return loa_store_sqlite_error(db, rc, err, "prepare");
	}
	st->db = db;
	st->cached = true;
	if (loa_map_set(cache, key, sizeof static_sql, st)) {
		sqlite3_finalize(st->st);
		free(st);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	*out = st;
	return LOA_OK;
}

static void stmt_free(loa_stmt *st)
{
	sqlite3_finalize(st->st);
	free(st);
}

void loa_sql__cache_release(loa_store *s)
{
	loa_map *cache = loa_store__sql_cache(s);
	size_t it = 0;
	loa_map_entry *e;
	while (loa_map_next(cache, &it, &e))
		stmt_free(e->value);
	loa_map_release(cache);
}

void loa_sql_finalize(loa_stmt *st)
{
	if (st && !st->cached)
		stmt_free(st);
	else if (st)
		loa_sql_reset(st);
}

void loa_sql_reset(loa_stmt *st)
{
	sqlite3_reset(st->st);
	sqlite3_clear_bindings(st->st);
}

static int bound(loa_stmt *st, int rc)
{
	if (rc == SQLITE_OK)
		return LOA_OK;
	return rc == SQLITE_NOMEM ? LOA_ENOMEM : rc == SQLITE_TOOBIG ? LOA_ETOOBIG : LOA_EINVAL;
}

int loa_sql_bind_text(loa_stmt *st, int i, const char *v)
{
	return bound(st, v ? sqlite3_bind_text(st->st, i, v, -1, SQLITE_TRANSIENT)
			   : sqlite3_bind_null(st->st, i));
}

int loa_sql_bind_textn(loa_stmt *st, int i, const char *v, size_t n)
{
	if (!v)
		return loa_sql_bind_null(st, i);
	return bound(st, sqlite3_bind_text64(st->st, i, v, n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

int loa_sql_bind_i64(loa_stmt *st, int i, int64_t v)
{
	return bound(st, sqlite3_bind_int64(st->st, i, v));
}

int loa_sql_bind_double(loa_stmt *st, int i, double v)
{
	return bound(st, sqlite3_bind_double(st->st, i, v));
}

int loa_sql_bind_blob(loa_stmt *st, int i, const void *p, size_t n)
{
	return bound(st, sqlite3_bind_blob64(st->st, i, p, n, SQLITE_TRANSIENT));
}

int loa_sql_bind_null(loa_stmt *st, int i) { return bound(st, sqlite3_bind_null(st->st, i)); }

int loa_sql_step(loa_stmt *st, loa_err *err)
{
	int rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return LOA_SQL_ROW;
	if (rc == SQLITE_DONE)
		return LOA_SQL_DONE;
	int code = loa_store_sqlite_error(st->db, rc, err, "step");
	sqlite3_reset(st->st);
	return code;
}

int loa_sql_run(loa_stmt *st, loa_err *err)
{
	int rc;
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW)
		;
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}

bool loa_sql_col_null(loa_stmt *st, int i) { return sqlite3_column_type(st->st, i) == SQLITE_NULL; }

const char *loa_sql_col_text(loa_stmt *st, int i)
{
	return loa_sql_col_null(st, i) ? NULL : (const char *)sqlite3_column_text(st->st, i);
}

int64_t loa_sql_col_i64(loa_stmt *st, int i) { return sqlite3_column_int64(st->st, i); }
double loa_sql_col_double(loa_stmt *st, int i) { return sqlite3_column_double(st->st, i); }

const void *loa_sql_col_blob(loa_stmt *st, int i, size_t *n)
{
	const void *p = sqlite3_column_blob(st->st, i);
	*n = (size_t)sqlite3_column_bytes(st->st, i);
	return p;
}

int loa_sql_exec(loa_store *s, const char *sql, loa_err *err)
{
	sqlite3 *db = db_of(s, err);
	if (!db)
		return LOA_EINVAL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? LOA_OK : loa_store_sqlite_error(db, rc, err, "exec");
}

int64_t loa_sql_last_id(loa_store *s)
{
	sqlite3 *db = loa_store_native(s, "sqlite");
	return db ? sqlite3_last_insert_rowid(db) : 0;
}

int64_t loa_sql_changes(loa_store *s)
{
	sqlite3 *db = loa_store_native(s, "sqlite");
	return db ? sqlite3_changes64(db) : 0;
}

int loa_sql_room_version(loa_store *s, const char *room, int *version, loa_err *err)
{
	static const char sql[] = "SELECT version FROM room_schema WHERE room = ?1";
	loa_stmt *st;
	int rc = loa_sql_cached(s, sql, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_text(st, 1, room);
	rc = loa_sql_step(st, err);
	*version = rc == LOA_SQL_ROW ? (int)loa_sql_col_i64(st, 0) : 0;
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}

int loa_sql_room_migrate(loa_store *s, const char *room, const char *const *migrations, int n,
			 loa_err *err)
{
	int v, rc;
	if ((rc = loa_sql_room_version(s, room, &v, err)))
		return rc;
	if (v > n)
		return loa_err_set(err, LOA_EVERSION,
				   "cơ sở dữ liệu mới hơn chương trình / the database's '%s' tables are "
				   "version %d, newer than this program's %d: upgrade loa",
				   room, v, n);
	while (v < n) {
		if ((rc = loa_sql_exec(s, "BEGIN IMMEDIATE", err)))
			return rc;
		int cur;
		if ((rc = loa_sql_room_version(s, room, &cur, err)))
			goto fail;
		if (cur != v) { /* another process migrated meanwhile */
			loa_sql_exec(s, "COMMIT", err);
			v = cur;
			continue;
		}
		if ((rc = loa_sql_exec(s, migrations[v], err)))
			goto fail;
		static const char up[] =
			"INSERT INTO room_schema(room, version) VALUES(?1, ?2) "
			"ON CONFLICT(room) DO UPDATE SET version = excluded.version";
		loa_stmt *st;
		if ((rc = loa_sql_cached(s, up, &st, err)))
			goto fail;
		loa_sql_bind_text(st, 1, room);
		loa_sql_bind_i64(st, 2, v + 1);
		if ((rc = loa_sql_run(st, err)) || (rc = loa_sql_exec(s, "COMMIT", err)))
			goto fail;
		v++;
		loa_info("store.room_migrate", "room=%s version=%d", room, v);
	}
	return LOA_OK;
fail:
	loa_sql_exec(s, "ROLLBACK", NULL);
	return rc;
}
