/*
 * test_store.c - unit tests of the store room (SQLite backend): schema
 * migrations and refusals, identity rules, idempotent upserts,
 * organisations with successors, the append-only audit log, filters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "testutil.h"

#include "core/banned.h"

static char dir[256];
static char dbpath[300];

static int setup(void **state)
{
	const char *t = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/loa-store-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/t.db", dir);
	return 0;
}

static int teardown(void **state)
{
	loa_test_unlink_db(dbpath);
	rmdir(dir);
	return 0;
}

static loa_store *open_ok(int flags)
{
	loa_store *s = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_store_open(dbpath, flags, &s, &err);
	if (rc)
		fprintf(stderr, "open: %s\n", loa_err_msg(&err));
	assert_int_equal(rc, LOA_OK);
	return s;
}

static loa_item sample(const char *source, const char *id, const char *url, const char *text)
{
	loa_item it;
	loa_item_init(&it);
	it.source = source;
	it.id = id;
	it.url = url;
	it.text = text;
	it.published_at = 1700000000000;
	return it;
}

static int upsert(loa_store *s, const loa_item *it)
{
	int res = 0;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_store_item_upsert(s, it, &res, &err);
	return rc ? rc : res;
}

static int64_t count_items(loa_store *s)
{
	loa_store_status st;
	assert_int_equal(loa_store_status_get(s, &st, NULL), LOA_OK);
	return st.items;
}

/* store-1: a new database is created and migrated to the program's version. */
static void test_open_new(void **state)
{
	loa_store *s = open_ok(0);
	loa_store_status st;
	assert_int_equal(loa_store_status_get(s, &st, NULL), LOA_OK);
	assert_int_equal(st.schema_version, LOA_STORE_SCHEMA_VERSION);
	assert_string_equal(st.journal, "wal");
	assert_string_equal(st.backend, "sqlite");
	assert_int_equal(st.items, 0);
	assert_int_equal(st.audit, 0);
	assert_int_equal(loa_store_check(s, NULL), LOA_OK);
	loa_store_close(s);
}

/* store-2: migrations are numbered and applied one by one. */
static void test_migrate_stepwise(void **state)
{
	loa_store *s = open_ok(LOA_STORE_NO_MIGRATE);
	int v = -1, applied = -1;
	assert_int_equal(loa_store_schema_version(s, &v, NULL), LOA_OK);
	assert_int_equal(v, 0);
	assert_int_equal(loa_store_migrate(s, 1, &applied, NULL), LOA_OK);
	assert_int_equal(applied, 1);
	assert_int_equal(loa_store_schema_version(s, &v, NULL), 0);
	assert_int_equal(v, 1);
	loa_store_status st;
	assert_int_equal(loa_store_status_get(s, &st, NULL), LOA_OK);
	assert_int_equal(st.audit, -1); /* the audit table comes with version 2 */
	loa_store_close(s);
	s = open_ok(0); /* open applies the rest */
	assert_int_equal(loa_store_schema_version(s, &v, NULL), LOA_OK);
	assert_int_equal(v, LOA_STORE_SCHEMA_VERSION);
	assert_int_equal(loa_store_migrate(s, 0, &applied, NULL), LOA_OK);
	assert_int_equal(applied, 0);
	loa_store_close(s);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)len + 1);
	*n = fread(p, 1, (size_t)len, f);
	fclose(f);
	return p;
}

/* store-3: a database of a newer schema is refused and not modified. */
static void test_newer_schema_refused(void **state)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA application_id = 1819238689; "
				      "CREATE TABLE future(x); PRAGMA user_version = 99;",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	size_t n1, n2;
	char *before = slurp(dbpath, &n1);
	loa_store *s = NULL;
	loa_err err;
	loa_err_clear(&err);
	assert_int_equal(loa_store_open(dbpath, 0, &s, &err), LOA_EVERSION);
	assert_null(s);
	assert_non_null(strstr(err.msg, "99"));
	assert_int_equal(loa_store_open(dbpath, LOA_STORE_NO_MIGRATE, &s, &err), LOA_EVERSION);
	char *after = slurp(dbpath, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	char wal[400];
	snprintf(wal, sizeof wal, "%s-wal", dbpath);
	assert_int_not_equal(access(wal, F_OK), 0);
	free(before);
	free(after);
}

/* store-4: a SQLite file that is not loa's is refused. */
static void test_foreign_db_refused(void **state)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE other(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	loa_store *s = NULL;
	loa_err err;
	loa_err_clear(&err);
	assert_int_equal(loa_store_open(dbpath, 0, &s, &err), LOA_EVERSION);
	assert_non_null(strstr(err.msg, "not a loa database"));
	/* and a file that is not SQLite at all */
	FILE *f = fopen(dbpath, "wb");
	fputs("this is not a database, just text long enough to be a header......."
	      "................................................................", f);
	fclose(f);
	assert_int_equal(loa_store_open(dbpath, 0, &s, &err), LOA_EDB);
	/* NO_CREATE on a missing file */
	unlink(dbpath);
	assert_int_equal(loa_store_open(dbpath, LOA_STORE_NO_CREATE, &s, &err), LOA_ENOTFOUND);
	assert_int_not_equal(access(dbpath, F_OK), 0);
}

/* store-5: identity keys follow the rule id > url > hash. */
static void test_identity_rules(void **state)
{
	loa_buf scratch, id;
	loa_buf_init(&scratch, 0);
	loa_buf_init(&id, 0);
	loa_item it = sample("baochinhphu", "123", "HTTPS://BaoChinhPhu.VN/a?x=1#top", "Nội dung");
	loa_item n;
	assert_int_equal(loa_item_normalize(&it, &n, &scratch, NULL), LOA_OK);
	assert_string_equal(n.url, "https://baochinhphu.vn/a?x=1");
	assert_string_equal(n.kind, "article");
	assert_string_equal(n.platform, "web");
	assert_int_equal(loa_item_ident(&n, &id), LOA_OK);
	assert_string_equal(id.data, "id:11:baochinhphu:123");

	it.id = NULL;
	assert_int_equal(loa_item_normalize(&it, &n, &scratch, NULL), LOA_OK);
	assert_int_equal(loa_item_ident(&n, &id), LOA_OK);
	assert_string_equal(id.data, "url:https://baochinhphu.vn/a?x=1");

	it.url = NULL;
	assert_int_equal(loa_item_normalize(&it, &n, &scratch, NULL), LOA_OK);
	assert_int_equal(loa_item_ident(&n, &id), LOA_OK);
	assert_true(strncmp(id.data, "h:", 2) == 0);
	assert_int_equal(strlen(id.data), 2 + 32);
	char first[64];
	snprintf(first, sizeof first, "%s", id.data);
	it.author = "khác"; /* not part of the hash identity */
	assert_int_equal(loa_item_normalize(&it, &n, &scratch, NULL), LOA_OK);
	assert_int_equal(loa_item_ident(&n, &id), LOA_OK);
	assert_string_equal(id.data, first);
	it.text = "Nội dung khác";
	assert_int_equal(loa_item_normalize(&it, &n, &scratch, NULL), LOA_OK);
	assert_int_equal(loa_item_ident(&n, &id), LOA_OK);
	assert_string_not_equal(id.data, first);

	/* a URL that is only a fragment is no URL (found by fuzz/fuzz_items.c):
	 * the identity is the hash, never "url:" shared by all such items */
	it.url = "#top";
	assert_int_equal(loa_item_normalize(&it, &n, &scratch, NULL), LOA_OK);
	assert_null(n.url);
	assert_int_equal(loa_item_ident(&n, &id), LOA_OK);
	assert_true(strncmp(id.data, "h:", 2) == 0);
	it.url = NULL;

	/* kinds derived */
	it.parent_id = "p1";
	assert_int_equal(loa_item_normalize(&it, &n, &scratch, NULL), LOA_OK);
	assert_string_equal(n.kind, "comment");
	loa_buf_release(&scratch);
	loa_buf_release(&id);
}

/* store-6: the same item twice is stored once; a change updates it. */
static void test_idempotent_upsert(void **state)
{
	loa_store *s = open_ok(0);
	loa_item a = sample("fb-bo-y-te", "p1", NULL, "Bộ Y tế khuyến cáo");
	a.platform = "facebook";
	a.reactions = 10;
	assert_int_equal(upsert(s, &a), LOA_STORE_INSERTED);
	assert_int_equal(upsert(s, &a), LOA_STORE_UNCHANGED);
	a.fetched_at = 1800000000000; /* fetch time is not content */
	assert_int_equal(upsert(s, &a), LOA_STORE_UNCHANGED);
	a.reactions = 11;
	assert_int_equal(upsert(s, &a), LOA_STORE_UPDATED);
	a.text = "Bộ Y tế khuyến cáo người dân";
	assert_int_equal(upsert(s, &a), LOA_STORE_UPDATED);
	assert_int_equal(upsert(s, &a), LOA_STORE_UNCHANGED);
	assert_int_equal(count_items(s), 1);

	/* the same external id in another source is another item */
	loa_item b = a;
	b.source = "fb-bo-cong-an";
	assert_int_equal(upsert(s, &b), LOA_STORE_INSERTED);
	/* url identity: host case and fragment do not matter */
	loa_item c = sample("vnexpress", NULL, "https://VNEXPRESS.net/x.html", "Tin");
	loa_item d = sample("vnexpress", NULL, "https://vnexpress.net/x.html#comments", "Tin");
	assert_int_equal(upsert(s, &c), LOA_STORE_INSERTED);
	assert_int_equal(upsert(s, &d), LOA_STORE_UNCHANGED);
	/* hash identity */
	loa_item e = sample("zalo-oa", NULL, NULL, "Thông báo lịch tiếp dân");
	e.platform = "zalo";
	assert_int_equal(upsert(s, &e), LOA_STORE_INSERTED);
	assert_int_equal(upsert(s, &e), LOA_STORE_UNCHANGED);
	e.published_at += 1000;
	assert_int_equal(upsert(s, &e), LOA_STORE_INSERTED);
	assert_int_equal(count_items(s), 5);

	int64_t n = -1;
	assert_int_equal(loa_store_item_count_ident(s, "id:10:fb-bo-y-te:p1", &n, NULL), LOA_OK);
	assert_int_equal(n, 1);
	loa_store_close(s);
}

/* store-7: bad items are refused with LOA_EINVAL and a reason. */
static void test_refused_items(void **state)
{
	loa_store *s = open_ok(0);
	loa_err err;
	loa_item it = sample(NULL, "1", NULL, "x");
	assert_int_equal(loa_store_item_upsert(s, &it, NULL, &err), LOA_EINVAL);
	assert_non_null(strstr(err.msg, "source"));
	it = sample("src", "1", NULL, NULL);
	assert_int_equal(loa_store_item_upsert(s, &it, NULL, &err), LOA_EINVAL);
	assert_non_null(strstr(err.msg, "text or title"));
	it = sample("src", "1", NULL, "x");
	it.published_at = LOA_TIME_NONE;
	assert_int_equal(loa_store_item_upsert(s, &it, NULL, &err), LOA_EINVAL);
	assert_non_null(strstr(err.msg, "published_at"));
	it = sample("src", "1", NULL, "x");
	it.kind = "rumour";
	assert_int_equal(loa_store_item_upsert(s, &it, NULL, &err), LOA_EINVAL);
	it = sample("src", "1", NULL, "x");
	it.platform = "myspace";
	assert_int_equal(loa_store_item_upsert(s, &it, NULL, &err), LOA_EINVAL);
	it = sample("has space", "1", NULL, "x");
	assert_int_equal(loa_store_item_upsert(s, &it, NULL, &err), LOA_EINVAL);
	it = sample("src", "1", NULL, "x");
	it.org = "Bad Org";
	assert_int_equal(loa_store_item_upsert(s, &it, NULL, &err), LOA_EINVAL);
	assert_int_equal(count_items(s), 0);
	loa_store_close(s);
}

/* store-8: organisations merge and rename; old items still resolve. */
static void test_org_successor(void **state)
{
	loa_store *s = open_ok(0);
	loa_err err;
	loa_err_clear(&err);
	loa_org vn = {0, "chinh-phu", "Chính phủ", "government", NULL, LOA_TIME_NONE,
		      LOA_TIME_NONE, NULL};
	loa_org old = {0, "so-tttt-ha-tay", "Sở TT&TT Hà Tây", "department", "chinh-phu",
		       LOA_TIME_NONE, LOA_TIME_NONE, NULL};
	loa_org mid = {0, "so-tttt-ha-noi", "Sở TT&TT Hà Nội", "department", "chinh-phu",
		       LOA_TIME_NONE, LOA_TIME_NONE, NULL};
	loa_org now = {0, "so-vhtt-ha-noi", "Sở VH&TT Hà Nội", "department", "chinh-phu",
		       1740787200000, LOA_TIME_NONE, NULL};
	assert_int_equal(loa_store_org_add(s, &vn, NULL, &err), LOA_OK);
	assert_int_equal(loa_store_org_add(s, &old, NULL, &err), LOA_OK);
	assert_int_equal(loa_store_org_add(s, &mid, NULL, &err), LOA_OK);
	assert_int_equal(loa_store_org_add(s, &now, NULL, &err), LOA_OK);
	assert_int_equal(loa_store_org_add(s, &vn, NULL, &err), LOA_EEXIST);
	loa_org orphan = {0, "x", "X", NULL, "nope", LOA_TIME_NONE, LOA_TIME_NONE, NULL};
	assert_int_equal(loa_store_org_add(s, &orphan, NULL, &err), LOA_ENOTFOUND);
	loa_org badkind = {0, "y", "Y", "club", NULL, LOA_TIME_NONE, LOA_TIME_NONE, NULL};
	assert_int_equal(loa_store_org_add(s, &badkind, NULL, &err), LOA_EINVAL);

	/* an item of the old department */
	loa_item it = sample("portal-hatay", "a1", NULL, "Tin cũ của Hà Tây");
	it.org = "so-tttt-ha-tay";
	assert_int_equal(upsert(s, &it), LOA_STORE_INSERTED);

	assert_int_equal(loa_store_org_succeed(s, "so-tttt-ha-tay", "so-tttt-ha-noi", 1217548800000,
					       &err), LOA_OK);
	assert_int_equal(loa_store_org_succeed(s, "so-tttt-ha-noi", "so-vhtt-ha-noi", 1740787200000,
					       &err), LOA_OK);
	/* a cycle is refused */
	assert_int_equal(loa_store_org_succeed(s, "so-vhtt-ha-noi", "so-tttt-ha-tay", 1, &err),
			 LOA_EINVAL);
	loa_org_rec r;
	assert_int_equal(loa_store_org_get(s, "so-tttt-ha-tay", &r, &err), LOA_OK);
	assert_string_equal(r.successor, "so-tttt-ha-noi");
	assert_string_equal(r.parent, "chinh-phu");
	assert_true(r.valid_to == 1217548800000);
	assert_int_equal(loa_store_org_resolve(s, "so-tttt-ha-tay", &r, &err), LOA_OK);
	assert_string_equal(r.slug, "so-vhtt-ha-noi");
	assert_string_equal(r.name, "Sở VH&TT Hà Nội");
	assert_int_equal(loa_store_org_resolve(s, "nope", &r, &err), LOA_ENOTFOUND);

	/* the audit log has the additions and the successions */
	loa_store_status st;
	assert_int_equal(loa_store_status_get(s, &st, NULL), LOA_OK);
	assert_int_equal(st.orgs, 4);
	assert_int_equal(st.audit, 6);
	loa_store_close(s);
}

static int count_cb(void *arg, const loa_audit *a)
{
	(*(int *)arg)++;
	return 0;
}

/* store-9: the audit log is append-only. */
static void test_audit_append_only(void **state)
{
	loa_store *s = open_ok(0);
	loa_audit a = {0, LOA_TIME_NONE, "tester", "label.change", "item:1", "{\"to\":\"negative\"}"};
	assert_int_equal(loa_store_audit_append(s, &a, NULL), LOA_OK);
	loa_audit bad = {0, LOA_TIME_NONE, NULL, "x", NULL, NULL};
	assert_int_equal(loa_store_audit_append(s, &bad, NULL), LOA_EINVAL);
	loa_store_close(s);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE audit SET actor = 'x'", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(db), "append-only"));
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	s = open_ok(0);
	int n = 0;
	assert_int_equal(loa_store_audit_each(s, count_cb, &n, NULL), LOA_OK);
	assert_int_equal(n, 1);
	loa_store_close(s);
}

typedef struct seen {
	int n;
	char last[64];
} seen;

static int seen_cb(void *arg, const loa_item *it)
{
	seen *x = arg;
	x->n++;
	snprintf(x->last, sizeof x->last, "%s/%s", it->source, it->id ? it->id : "");
	return 0;
}

/* store-10: iteration filters by time and source. */
static void test_items_filter(void **state)
{
	loa_store *s = open_ok(0);
	assert_int_equal(loa_store_begin(s, NULL), LOA_OK);
	for (int i = 0; i < 10; i++) {
		char id[16];
		snprintf(id, sizeof id, "%d", i);
		loa_item it = sample(i % 2 ? "odd" : "even", id, NULL, "văn bản");
		it.published_at = 1000 * (int64_t)i;
		assert_int_equal(upsert(s, &it), LOA_STORE_INSERTED);
	}
	assert_int_equal(loa_store_commit(s, NULL), LOA_OK);
	seen x = {0};
	loa_item_filter f;
	loa_item_filter_init(&f);
	assert_int_equal(loa_store_items_each(s, &f, seen_cb, &x, NULL), LOA_OK);
	assert_int_equal(x.n, 10);
	assert_string_equal(x.last, "odd/9");
	memset(&x, 0, sizeof x);
	f.since = 3000;
	f.until = 7000;
	assert_int_equal(loa_store_items_each(s, &f, seen_cb, &x, NULL), LOA_OK);
	assert_int_equal(x.n, 4);
	memset(&x, 0, sizeof x);
	f.source = "even";
	assert_int_equal(loa_store_items_each(s, &f, seen_cb, &x, NULL), LOA_OK);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.last, "even/6");
	loa_store_close(s);
}

/* store-11: a rolled-back transaction forgets the sources it created. */
static void test_rollback_forgets_source(void **state)
{
	loa_store *s = open_ok(0);
	loa_item it = sample("new-source", "1", NULL, "x");
	assert_int_equal(loa_store_begin(s, NULL), LOA_OK);
	assert_int_equal(upsert(s, &it), LOA_STORE_INSERTED);
	loa_store_rollback(s);
	assert_int_equal(loa_store_begin(s, NULL), LOA_OK);
	assert_int_equal(upsert(s, &it), LOA_STORE_INSERTED);
	assert_int_equal(loa_store_commit(s, NULL), LOA_OK);
	assert_int_equal(count_items(s), 1);
	assert_int_equal(loa_store_check(s, NULL), LOA_OK);
	loa_store_close(s);
}

/* store-12: comments and shares refer to their parent/original. */
static void test_threads(void **state)
{
	loa_store *s = open_ok(0);
	loa_item post = sample("yt-vtv24", "v1", NULL, "Bản tin thời sự");
	post.platform = "youtube";
	loa_item com = sample("yt-vtv24", "c1", NULL, "Bình luận");
	com.platform = "youtube";
	com.parent_id = "v1";
	assert_int_equal(upsert(s, &com), LOA_STORE_INSERTED); /* before its post: fine */
	assert_int_equal(upsert(s, &post), LOA_STORE_INSERTED);
	loa_store_close(s);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT c.kind, p.external_id FROM items c "
					    "JOIN items p ON p.ident = c.parent_ident", -1, &st,
					    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "comment");
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "v1");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* store-13: the reserved PostgreSQL scheme gives a clear error. */
static void test_pg_not_built(void **state)
{
	loa_store *s = NULL;
	loa_err err;
	assert_int_equal(loa_store_open("postgres://localhost/loa", 0, &s, &err), LOA_EINVAL);
	assert_non_null(strstr(err.msg, "PostgreSQL"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_new, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_stepwise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_db_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idempotent_upsert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_items, setup, teardown),
		cmocka_unit_test_setup_teardown(test_org_successor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_append_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_items_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_forgets_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
		cmocka_unit_test(test_pg_not_built),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
