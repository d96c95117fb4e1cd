/*
 * index.c - the search tables in the store's database: schema, the change
 * queue filled by triggers on items, sync and reindex.
 */
#include "search/search_int.h"
#include "core/config.h"
#include "core/log.h"
#include "core/map.h"
#include "core/vec.h"
#include "core/str.h"
#include "core/utf8.h"
#include "text/fts5_tok.h"
#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* The FTS table (version 2: the tokenizer's terms changed; a bigger
 * in-memory hash before FTS5 writes a segment: 8 MiB, for indexing speed). */
#define FTS_SQL \
	"CREATE VIRTUAL TABLE search_fts USING fts5(title, text, content='search_src',\n" \
	"  content_rowid='docid', tokenize='loa');\n" \
	"INSERT INTO search_fts(search_fts, rank) VALUES('hashsize', 8388608);\n"

/* Version 1 -> 2: the index is rebuilt with the new terms. */
static const char schema_v2_from_v1[] =
	"DROP TABLE search_fts;\n"
	FTS_SQL
	"DELETE FROM search_doc;\n"
	"DELETE FROM search_pending;\n"
	"INSERT INTO search_pending(item_id, op) SELECT id, 'i' FROM items;\n"
	"UPDATE search_meta SET value = '2' WHERE key = 'schema';\n";

/* Version 3: the vocabulary of folded terms (prefix expansion, search.c). */
#define VOCAB_SQL \
	"CREATE TABLE search_vocab(term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;\n"

/* Version 4: docids are the negated time keys (newest first is FTS5's
 * ascending rowid order, its cheaper direction: search.c); the index is
 * rebuilt by the next sync (loa search --reindex does the same by hand), the
 * vocabulary counted again with it. */
static const char schema_v4_rebuild[] =
	"DELETE FROM search_pending;\n"
	"DELETE FROM search_doc;\n"
	"DELETE FROM search_vocab;\n"
	"INSERT INTO search_fts(search_fts) VALUES('delete-all');\n"
	"INSERT INTO search_pending(item_id, op) SELECT id, 'i' FROM items;\n"
	"UPDATE search_meta SET value = '4' WHERE key = 'schema';\n";

/* Schema of the search room, version 4. Everything is prefixed search_. */
static const char schema_v4[] =
	"CREATE TABLE IF NOT EXISTS search_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
	"CREATE TABLE search_doc(docid INTEGER PRIMARY KEY, item_id INTEGER NOT NULL UNIQUE);\n"
	"CREATE VIEW search_src AS SELECT d.docid AS docid, i.title AS title, i.text AS text\n"
	"  FROM search_doc d JOIN items i ON i.id = d.item_id;\n"
	FTS_SQL
	"CREATE TABLE search_pending(seq INTEGER PRIMARY KEY, item_id INTEGER NOT NULL,\n"
	"  op TEXT NOT NULL, old_title TEXT, old_text TEXT);\n"
	"CREATE INDEX search_pending_item ON search_pending(item_id);\n"
	"CREATE TRIGGER search_items_ai AFTER INSERT ON items BEGIN\n"
	"  INSERT INTO search_pending(item_id, op) VALUES(new.id, 'i'); END;\n"
	"CREATE TRIGGER search_items_au AFTER UPDATE OF title, text, published_at ON items BEGIN\n"
	"  INSERT INTO search_pending(item_id, op, old_title, old_text)\n"
	"  VALUES(old.id, 'u', old.title, old.text); END;\n"
	"CREATE TRIGGER search_items_ad AFTER DELETE ON items BEGIN\n"
	"  INSERT INTO search_pending(item_id, op, old_title, old_text)\n"
	"  VALUES(old.id, 'd', old.title, old.text); END;\n"
	"CREATE TABLE search_tone(item_id INTEGER PRIMARY KEY,\n"
	"  tone TEXT NOT NULL CHECK(tone IN ('positive','neutral','negative')), p REAL);\n"
	"CREATE TABLE search_query(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,\n"
	"  owner TEXT, query TEXT NOT NULL, created_at INTEGER NOT NULL);\n"
	"CREATE TABLE search_hit(query_id INTEGER NOT NULL, item_id INTEGER NOT NULL,\n"
	"  published_at INTEGER NOT NULL, matched_at INTEGER NOT NULL,\n"
	"  PRIMARY KEY(query_id, item_id)) WITHOUT ROWID;\n"
	"CREATE INDEX search_hit_time ON search_hit(query_id, published_at);\n"
	"CREATE TABLE search_alert(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,\n"
	"  query_id INTEGER NOT NULL, kind TEXT NOT NULL CHECK(kind IN ('match','spike','negative')),\n"
	"  mode TEXT NOT NULL DEFAULT 'immediate', webhook TEXT, secret TEXT, email TEXT,\n"
	"  threshold REAL, window_ms INTEGER NOT NULL DEFAULT 3600000,\n"
	"  last_run INTEGER NOT NULL DEFAULT 0, last_fired INTEGER NOT NULL DEFAULT 0,\n"
	"  created_at INTEGER NOT NULL);\n"
	"CREATE TABLE search_delivery(id INTEGER PRIMARY KEY, alert_id INTEGER NOT NULL,\n"
	"  channel TEXT NOT NULL, target TEXT NOT NULL, payload TEXT NOT NULL,\n"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK(state IN ('pending','sent','dead')),\n"
	"  attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, last_error TEXT,\n"
	"  created_at INTEGER NOT NULL);\n"
	"CREATE INDEX search_delivery_due ON search_delivery(state, next_at);\n"
	VOCAB_SQL
	"INSERT INTO search_pending(item_id, op) SELECT id, 'i' FROM items;\n"
	"INSERT INTO search_meta(key, value) VALUES('schema', '4');\n";

int loa__search_dberr(loa_search *s, int rc, const char *what, loa_err *err)
{
	const char *m = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return loa_err_set(err, LOA_EAGAIN, "cơ sở dữ liệu đang bận / database is busy (%s)", what);
	case SQLITE_FULL:
		return loa_err_set(err, LOA_EFULL, "cơ sở dữ liệu hoặc đĩa đã đầy / database or disk is "
				   "full (%s)", what);
	case SQLITE_NOMEM:
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory (%s)", what);
	case SQLITE_CONSTRAINT:
		return loa_err_set(err, LOA_EEXIST, "đã có / already exists (%s: %s)", what, m);
	default:
		return loa_err_set(err, LOA_EDB, "lỗi cơ sở dữ liệu / database error (%s: %s)", what, m);
	}
}

int loa__search_exec(loa_search *s, const char *sql, loa_err *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? LOA_OK : loa__search_dberr(s, rc, "exec", err);
}

/* The time key of t (published_at * 2^20 + slot sorts by time); an item's
 * docid is its key negated (sync_item), so that FTS5's ascending rowid order
 * is newest first; search.c turns key ranges into docid ranges. */
int64_t loa__docid_of_time(loa_ms t)
{
	if (t > LOA_DOCID_TMAX)
		t = LOA_DOCID_TMAX;
	if (t < -LOA_DOCID_TMAX)
		t = -LOA_DOCID_TMAX;
	return t * (int64_t)LOA_DOCID_SLOTS;
}

/* SQL function loa_fold(x): the folded matching form (author: filters). */
static void fn_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	loa_buf b;
	loa_buf_init(&b, 3 * (size_t)n + 16);
	if (loa_text_normalize(s, (size_t)n, LOA_NORM_MATCH | LOA_NORM_FOLD, &b)) {
		loa_buf_release(&b);
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_text(ctx, b.data ? b.data : "", (int)b.len, SQLITE_TRANSIENT);
	loa_buf_release(&b);
}

static int scalar_i64(loa_search *s, const char *sql, int64_t *out, loa_err *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return loa__search_dberr(s, rc, "prepare", err);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? LOA_OK : loa__search_dberr(s, rc, sql, err);
}

static const char *ctext(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int step_done(loa_search *s, sqlite3_stmt *st, const char *what, loa_err *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? LOA_OK : loa__search_dberr(s, rc, what, err);
}

/* ---- vocabulary --------------------------------------------------------
 * search_vocab holds every folded term of the index that starts with a
 * letter (no numbers, no "_" bigrams, no exact forms: those sit at the
 * position of their folded form) and how often it occurs. search.c expands a
 * prefix into the commonest terms that have it. Counts change by batches:
 * a map of deltas per transaction, flushed before COMMIT. */

typedef struct vocab_acc {
	loa_map *m;
	intptr_t sign;
	int rc;
} vocab_acc;

static bool vocab_letter(const char *t, size_t n)
{
	unsigned char c = (unsigned char)t[0];
	if (c < 0x80)
		return c >= 'a' && c <= 'z';
	uint32_t cp;
	loa_utf8_decode((const unsigned char *)t, n, &cp);
	return loa_text_is_letter(cp);
}

static int vocab_term(void *user, const char *term, size_t n, int pos)
{
	(void)pos;
	vocab_acc *a = user;
	if (n == 0 || !vocab_letter(term, n))
		return 0;
	intptr_t c = (intptr_t)loa_map_get(a->m, term, n);
	if (loa_map_set(a->m, term, n, (void *)(c + a->sign))) {
		a->rc = LOA_ENOMEM;
		return 1;
	}
	return 0;
}

/* Adds (sign 1) or removes (-1) the terms of s to the deltas in m. */
static int vocab_count(loa_map *m, const char *s, intptr_t sign)
{
	if (!s || !*s)
		return LOA_OK;
	vocab_acc a = {m, sign, LOA_OK};
	int r = loa_text_fts5_terms(s, strlen(s), vocab_term, &a);
	return a.rc ? a.rc : r == LOA_ENOMEM ? LOA_ENOMEM : LOA_OK;
}

/* Writes the deltas of m to search_vocab and empties m. */
static int vocab_flush(loa_search *s, loa_map *m, loa_err *err)
{
	if (m->count == 0)
		return LOA_OK;
	sqlite3_stmt *up = NULL, *del = NULL;
	int rc = LOA_OK, r;
	if ((r = sqlite3_prepare_v2(s->db, "INSERT INTO search_vocab(term, n) VALUES(?1, ?2) "
				    "ON CONFLICT(term) DO UPDATE SET n = n + excluded.n", -1, &up,
				    NULL)) != SQLITE_OK ||
	    (r = sqlite3_prepare_v2(s->db, "DELETE FROM search_vocab WHERE term = ?1 AND n <= 0", -1,
				    &del, NULL)) != SQLITE_OK) {
		rc = loa__search_dberr(s, r, "vocab", err);
		goto out;
	}
	loa_map_entry *e;
	for (size_t it = 0; !rc && loa_map_next(m, &it, &e);) {
		intptr_t d = (intptr_t)e->value;
		if (d == 0)
			continue;
		sqlite3_bind_text(up, 1, e->key, (int)e->klen, SQLITE_STATIC);
		sqlite3_bind_int64(up, 2, (int64_t)d);
		rc = step_done(s, up, "vocab", err);
		if (!rc && d < 0) {
			sqlite3_bind_text(del, 1, e->key, (int)e->klen, SQLITE_STATIC);
			rc = step_done(s, del, "vocab", err);
		}
	}
out:
	sqlite3_finalize(up);
	sqlite3_finalize(del);
	loa_map_release(m);
	loa_map_init(m, NULL);
	return rc;
}

static int ensure_schema(loa_search *s, loa_err *err)
{
	int64_t have;
	int rc = scalar_i64(s, "SELECT count(*) FROM sqlite_schema WHERE name = 'items'", &have, err);
	if (rc)
		return rc;
	if (!have)
		return loa_err_set(err, LOA_ENOTFOUND, "cơ sở dữ liệu chưa có tin (hãy chạy loa import "
				   "hoặc loa db migrate) / the database has no items table (run loa "
				   "import or loa db migrate): %s", s->path);
	if ((rc = loa__search_exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	if ((rc = scalar_i64(s, "SELECT count(*) FROM sqlite_schema WHERE name = 'search_meta'",
			     &have, err)))
		goto fail;
	int64_t version = 0;
	if (have && (rc = scalar_i64(s, "SELECT CAST(value AS INTEGER) FROM search_meta "
				     "WHERE key = 'schema'", &version, err)))
		goto fail;
	if (version > LOA_SEARCH_SCHEMA_VERSION) {
		rc = loa_err_set(err, LOA_EVERSION, "bảng tìm kiếm có phiên bản %lld, mới hơn chương "
				 "trình (%d) / search tables have version %lld, newer than this "
				 "program (%d)", (long long)version, LOA_SEARCH_SCHEMA_VERSION,
				 (long long)version, LOA_SEARCH_SCHEMA_VERSION);
		goto fail;
	}
	if (version < 1) {
		if ((rc = loa__search_exec(s, schema_v4, err)))
			goto fail;
		loa_info("search.schema", "version=4");
		return loa__search_exec(s, "COMMIT", err);
	}
	if (version < 2) {
		/* the terms changed: rebuilt by the next sync (loa search --reindex
		 * does the same by hand) */
		if ((rc = loa__search_exec(s, schema_v2_from_v1, err)))
			goto fail;
		loa_info("search.schema", "version=2 from=1 reindex=queued");
	}
	if (version < 3) {
		/* the vocabulary: counted by the rebuild of version 4 */
		if ((rc = loa__search_exec(s, VOCAB_SQL "UPDATE search_meta SET value = '3' "
					   "WHERE key = 'schema';", err)))
			goto fail;
		loa_info("search.schema", "version=3 from=%lld", (long long)version);
	}
	if (version < 4) {
		if ((rc = loa__search_exec(s, schema_v4_rebuild, err)))
			goto fail;
		loa_info("search.schema", "version=4 from=%lld reindex=queued", (long long)version);
	}
	return loa__search_exec(s, "COMMIT", err);
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int loa_search_open(const char *db_path, loa_search **out, loa_err *err)
{
	*out = NULL;
	if (!db_path || !*db_path)
		return loa_err_set(err, LOA_EINVAL, "chưa chọn tệp cơ sở dữ liệu / no database path");
	loa_search *s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(db_path))) {
		free(s);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	loa_buf_init(&s->name, LOA_SEARCH_NAME_MAX + 1);
	loa_buf_init(&s->owner, LOA_SEARCH_OWNER_MAX + 1);
	loa_buf_init(&s->query, LOA_QUERY_MAX_LEN + 1);
	int rc = sqlite3_open_v2(db_path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
				 SQLITE_OPEN_URI, NULL);
	if (rc != SQLITE_OK) {
		rc = loa_err_set(err, LOA_ENOTFOUND, "không mở được cơ sở dữ liệu / cannot open "
				 "database: %s: %s", db_path, sqlite3_errmsg(s->db));
		loa_search_close(s);
		return rc;
	}
	sqlite3_extended_result_codes(s->db, 0);
	sqlite3_busy_timeout(s->db, 5000);
	if (loa_text_fts5_register(s->db) != LOA_OK) {
		loa_search_close(s);
		return loa_err_set(err, LOA_EDB, "SQLite không có FTS5 / SQLite lacks FTS5");
	}
	sqlite3_create_function(s->db, "loa_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				fn_fold, NULL, NULL);
	if ((rc = loa__search_exec(s, "PRAGMA foreign_keys = ON", err)) ||
	    (rc = ensure_schema(s, err))) {
		loa_search_close(s);
		return rc;
	}
	*out = s;
	return LOA_OK;
}

int loa_search_open_config(const loa_config *cfg, loa_search **out, loa_err *err)
{
	return loa_search_open(loa_config_get(cfg, "db"), out, err);
}

void loa_search_close(loa_search *s)
{
	if (!s)
		return;
	if (s->db) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close_v2(s->db);
	}
	loa_buf_release(&s->name);
	loa_buf_release(&s->owner);
	loa_buf_release(&s->query);
	free(s->path);
	free(s);
}

void *loa_search_db(loa_search *s)
{
	return s->db;
}

int loa_search_pending(loa_search *s, int64_t *n, loa_err *err)
{
	return scalar_i64(s, "SELECT count(*) FROM search_pending", n, err);
}

/* ---- sync ------------------------------------------------------------- */

enum {
	Q_PENDING,
	Q_DOC_OF,
	Q_FTS_DEL,
	Q_DOC_DEL,
	Q_ITEM,
	Q_SLOT_FREE,
	Q_DOC_INS,
	Q_FTS_INS,
	Q_PEND_DEL,
	Q__N
};

static const char *const sync_sql[Q__N] = {
	/* the oldest queued rows, newest item first: FTS5 writes out its
	 * in-memory segment whenever a rowid is not above the one before, so
	 * docids go in ascending order (the rows of one item stay in queue order) */
	[Q_PENDING] = "SELECT p.seq, p.item_id, p.op, p.old_title, p.old_text FROM (SELECT * FROM "
		      "search_pending ORDER BY seq LIMIT ?1) p LEFT JOIN items i ON i.id = p.item_id "
		      "ORDER BY i.published_at DESC, p.item_id DESC, p.seq",
	[Q_DOC_OF] = "SELECT docid FROM search_doc WHERE item_id = ?1",
	[Q_FTS_DEL] = "INSERT INTO search_fts(search_fts, rowid, title, text) "
		      "VALUES('delete', ?1, ?2, ?3)",
	[Q_DOC_DEL] = "DELETE FROM search_doc WHERE docid = ?1",
	[Q_ITEM] = "SELECT i.title, i.text, i.published_at, s.slug, i.org, i.kind, i.platform, "
		   "i.lang, i.author, i.url, t.tone FROM items i JOIN sources s ON s.id = i.source_id "
		   "LEFT JOIN search_tone t ON t.item_id = i.id WHERE i.id = ?1",
	[Q_SLOT_FREE] = "SELECT 1 FROM search_doc WHERE docid = ?1",
	[Q_DOC_INS] = "INSERT INTO search_doc(docid, item_id) VALUES(?1, ?2)",
	[Q_FTS_INS] = "INSERT INTO search_fts(rowid, title, text) VALUES(?1, ?2, ?3)",
	[Q_PEND_DEL] = "DELETE FROM search_pending WHERE item_id = ?1",
};

/* Indexes one item: removes what the index holds for it (its values then
 * were old_title/old_text when op is 'u'/'d', else the current ones), then
 * adds the current version. */
static int sync_item(loa_search *s, sqlite3_stmt **q, int64_t item, const char *op,
		     sqlite3_value *old_title, sqlite3_value *old_text, loa_map *vocab,
		     loa_search_item_cb cb, void *arg, bool *indexed, loa_err *err)
{
	int rc = LOA_OK;
	*indexed = false;
	sqlite3_bind_int64(q[Q_DOC_OF], 1, item);
	int64_t docid = 0;
	bool had = sqlite3_step(q[Q_DOC_OF]) == SQLITE_ROW;
	if (had)
		docid = sqlite3_column_int64(q[Q_DOC_OF], 0);
	sqlite3_reset(q[Q_DOC_OF]);
	sqlite3_bind_int64(q[Q_ITEM], 1, item);
	int irc = sqlite3_step(q[Q_ITEM]);
	bool exists = irc == SQLITE_ROW;
	if (irc != SQLITE_ROW && irc != SQLITE_DONE) {
		rc = loa__search_dberr(s, irc, "item", err);
		goto out;
	}
	if (had) {
		sqlite3_stmt *d = q[Q_FTS_DEL];
		sqlite3_bind_int64(d, 1, docid);
		if (op[0] == 'u' || op[0] == 'd') {
			sqlite3_bind_value(d, 2, old_title);
			sqlite3_bind_value(d, 3, old_text);
			if ((rc = vocab_count(vocab, (const char *)sqlite3_value_text(old_title), -1)) ||
			    (rc = vocab_count(vocab, (const char *)sqlite3_value_text(old_text), -1))) {
				rc = loa_err_set(err, rc, "hết bộ nhớ / out of memory");
				goto out;
			}
		} else if (exists) {
			sqlite3_bind_value(d, 2, sqlite3_column_value(q[Q_ITEM], 0));
			sqlite3_bind_value(d, 3, sqlite3_column_value(q[Q_ITEM], 1));
		}
		if ((rc = step_done(s, d, "fts delete", err)))
			goto out;
		sqlite3_bind_int64(q[Q_DOC_DEL], 1, docid);
		if ((rc = step_done(s, q[Q_DOC_DEL], "doc delete", err)))
			goto out;
	}
	if (exists) {
		loa_ms pub = sqlite3_column_int64(q[Q_ITEM], 2);
		int64_t base = loa__docid_of_time(pub);
		int64_t slot = item & (LOA_DOCID_SLOTS - 1);
		int64_t nd = 0;
		bool found = false;
		for (int k = 0; k < LOA_DOCID_SLOTS && !found; k++) {
			nd = -(base + ((slot + k) & (LOA_DOCID_SLOTS - 1))); /* docid = -key */
			sqlite3_bind_int64(q[Q_SLOT_FREE], 1, nd);
			found = sqlite3_step(q[Q_SLOT_FREE]) != SQLITE_ROW;
			sqlite3_reset(q[Q_SLOT_FREE]);
		}
		if (!found) {
			rc = loa_err_set(err, LOA_ETOOBIG, "quá nhiều tin cùng một mili giây / too many "
					 "items in one millisecond");
			goto out;
		}
		sqlite3_bind_int64(q[Q_DOC_INS], 1, nd);
		sqlite3_bind_int64(q[Q_DOC_INS], 2, item);
		if ((rc = step_done(s, q[Q_DOC_INS], "doc insert", err)))
			goto out;
		sqlite3_bind_int64(q[Q_FTS_INS], 1, nd);
		sqlite3_bind_value(q[Q_FTS_INS], 2, sqlite3_column_value(q[Q_ITEM], 0));
		sqlite3_bind_value(q[Q_FTS_INS], 3, sqlite3_column_value(q[Q_ITEM], 1));
		if ((rc = step_done(s, q[Q_FTS_INS], "fts insert", err)))
			goto out;
		/* the vocabulary: the new terms (an 'i' of an indexed item changes none) */
		if (!(had && op[0] == 'i') &&
		    ((rc = vocab_count(vocab, ctext(q[Q_ITEM], 0), 1)) ||
		     (rc = vocab_count(vocab, ctext(q[Q_ITEM], 1), 1)))) {
			rc = loa_err_set(err, rc, "hết bộ nhớ / out of memory");
			goto out;
		}
		*indexed = true;
		if (cb) {
			loa_search_item it = {
				.id = item,
				.title = ctext(q[Q_ITEM], 0),
				.text = ctext(q[Q_ITEM], 1),
				.published_at = pub,
				.source = ctext(q[Q_ITEM], 3),
				.org = ctext(q[Q_ITEM], 4),
				.kind = ctext(q[Q_ITEM], 5),
				.platform = ctext(q[Q_ITEM], 6),
				.lang = ctext(q[Q_ITEM], 7),
				.author = ctext(q[Q_ITEM], 8),
				.url = ctext(q[Q_ITEM], 9),
				.tone = ctext(q[Q_ITEM], 10),
			};
			rc = cb(arg, &it);
		}
	}
out:
	sqlite3_reset(q[Q_ITEM]);
	sqlite3_clear_bindings(q[Q_FTS_DEL]);
	return rc;
}

int loa_search_sync(loa_search *s, loa_search_item_cb cb, void *arg, int64_t *n, loa_err *err)
{
	sqlite3_stmt *q[Q__N] = {0};
	int64_t done = 0;
	int rc = LOA_OK;
	LOA_VEC(int64_t) items = {0};
	loa_map vocab;
	loa_map_init(&vocab, NULL);
	if (n)
		*n = 0;
	for (int i = 0; i < Q__N; i++) {
		int r = sqlite3_prepare_v2(s->db, sync_sql[i], -1, &q[i], NULL);
		if (r != SQLITE_OK) {
			rc = loa__search_dberr(s, r, "prepare", err);
			goto out;
		}
	}
	for (;;) {
		if ((rc = loa__search_exec(s, "BEGIN IMMEDIATE", err)))
			goto out;
		sqlite3_bind_int64(q[Q_PENDING], 1, 2000);
		int rows = 0, r;
		loa_map seen;
		loa_map_init(&seen, NULL);
		while ((r = sqlite3_step(q[Q_PENDING])) == SQLITE_ROW) {
			rows++;
			int64_t item = sqlite3_column_int64(q[Q_PENDING], 1);
			if (loa_map_has(&seen, &item, sizeof item))
				continue;
			if (loa_map_set(&seen, &item, sizeof item, (void *)1)) {
				rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
				break;
			}
			bool indexed;
			rc = sync_item(s, q, item, ctext(q[Q_PENDING], 2),
				       sqlite3_column_value(q[Q_PENDING], 3),
				       sqlite3_column_value(q[Q_PENDING], 4), &vocab, cb, arg, &indexed,
				       err);
			if (rc)
				break;
			done += indexed;
			if (loa_vec_push(&items, item)) {
				rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
				break;
			}
		}
		loa_map_release(&seen);
		sqlite3_reset(q[Q_PENDING]);
		/* the queue is only changed once the scan of it is over */
		for (size_t i = 0; !rc && i < items.len; i++) {
			sqlite3_bind_int64(q[Q_PEND_DEL], 1, items.items[i]);
			rc = step_done(s, q[Q_PEND_DEL], "pending delete", err);
		}
		items.len = 0;
		if (!rc && r != SQLITE_DONE && r != SQLITE_ROW)
			rc = loa__search_dberr(s, r, "pending", err);
		if (!rc) {
			rc = vocab_flush(s, &vocab, err);
		} else {
			loa_map_release(&vocab);
			loa_map_init(&vocab, NULL);
		}
		if (rc) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			goto out;
		}
		if ((rc = loa__search_exec(s, "COMMIT", err)))
			goto out;
		if (rows == 0)
			break;
	}
out:
	loa_vec_release(&items);
	loa_map_release(&vocab);
	for (int i = 0; i < Q__N; i++)
		sqlite3_finalize(q[i]);
	if (n)
		*n = done;
	if (done)
		loa_info("search.sync", "indexed=%lld", (long long)done);
	return rc;
}

int loa_search_reindex(loa_search *s, int64_t *n, loa_err *err)
{
	int rc = loa__search_exec(s, "BEGIN IMMEDIATE;"
				  "DELETE FROM search_pending;"
				  "DELETE FROM search_doc;"
				  "DELETE FROM search_vocab;"
				  "INSERT INTO search_fts(search_fts) VALUES('delete-all');"
				  "INSERT INTO search_pending(item_id, op) SELECT id, 'i' FROM items;"
				  "COMMIT", err);
	if (rc) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	return loa_search_sync(s, NULL, NULL, n, err);
}
