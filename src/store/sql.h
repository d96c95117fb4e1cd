/*
 * sql.h - statements and schemas for rooms that own tables of their own
 * (feed fetch state, labels, stories, saved queries, publishing…).
 *
 * The store room keeps its own tables behind store.h; every other room
 * that needs tables writes plain SQL through this interface, in the common
 * subset of SQLite and PostgreSQL (INTEGER, TEXT, REAL, BLOB; ?1…?N
 * placeholders, which the PostgreSQL backend will rewrite to $1…$N), and
 * declares its schema as numbered migrations applied with
 * loa_sql_room_migrate(). Values always go through the bind functions;
 * never format a value into SQL text.
 *
 * Ownership: a loa_stmt belongs to the handle that prepared it and must
 * be finalised before loa_store_close(). Prefer loa_sql_cached(): the
 * handle keeps the statement (keyed by the address of the SQL text, which
 * must therefore be a string literal or otherwise static) and finalises it
 * at close. Text returned by loa_sql_col_text() is valid until the next
 * step, reset or finalise of that statement. A handle, and so its
 * statements, is used by one thread at a time.
 */
#ifndef LOA_STORE_SQL_H
#define LOA_STORE_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

typedef struct loa_stmt loa_stmt;

enum { LOA_SQL_DONE = 0, LOA_SQL_ROW = 1 };

/* A new statement (the caller finalises it). */
int loa_sql_prepare(loa_store *s, const char *sql, loa_stmt **out, loa_err *err);
/* The handle's cached statement for this static SQL text, reset and with
 * no bindings. Never finalise it. */
int loa_sql_cached(loa_store *s, const char *static_sql, loa_stmt **out, loa_err *err);
void loa_sql_finalize(loa_stmt *st);
/* Resets the statement and clears its bindings. */
void loa_sql_reset(loa_stmt *st);

/* Bind functions copy the value. A NULL text binds SQL NULL. */
int loa_sql_bind_text(loa_stmt *st, int i, const char *v);
int loa_sql_bind_textn(loa_stmt *st, int i, const char *v, size_t n);
int loa_sql_bind_i64(loa_stmt *st, int i, int64_t v);
int loa_sql_bind_double(loa_stmt *st, int i, double v);
int loa_sql_bind_blob(loa_stmt *st, int i, const void *p, size_t n);
int loa_sql_bind_null(loa_stmt *st, int i);

/* LOA_SQL_ROW, LOA_SQL_DONE, or a negative LOA_E* (with err filled). */
int loa_sql_step(loa_stmt *st, loa_err *err);
/* Steps a statement that returns no rows (or ignores them) to the end,
 * then resets it. */
int loa_sql_run(loa_stmt *st, loa_err *err);

bool loa_sql_col_null(loa_stmt *st, int i);
const char *loa_sql_col_text(loa_stmt *st, int i); /* NULL for SQL NULL */
int64_t loa_sql_col_i64(loa_stmt *st, int i);
double loa_sql_col_double(loa_stmt *st, int i);
const void *loa_sql_col_blob(loa_stmt *st, int i, size_t *n);

/* Runs SQL text without parameters (one or more statements). */
int loa_sql_exec(loa_store *s, const char *sql, loa_err *err);
/* Row id of the last insert and rows changed by the last statement on s. */
int64_t loa_sql_last_id(loa_store *s);
int64_t loa_sql_changes(loa_store *s);

/* Applies the migrations of a room: migrations[k] brings the room's
 * tables from version k to k+1. The room's version is kept in the table
 * room_schema; a database whose room version is newer than n is refused
 * with LOA_EVERSION. Each migration runs in its own transaction. Call it
 * when the room first uses a handle; it is cheap when nothing is due. */
int loa_sql_room_migrate(loa_store *s, const char *room, const char *const *migrations, int n,
			 loa_err *err);
/* The room's schema version in this database (0 when none). */
int loa_sql_room_version(loa_store *s, const char *room, int *version, loa_err *err);

/* The backend's own handle for code that is backend-specific by nature
 * (the SQLite FTS5 index): the sqlite3 * when backend is "sqlite" and the
 * store is SQLite, else NULL. */
void *loa_store_native(loa_store *s, const char *backend);

#endif
