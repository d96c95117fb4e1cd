/*
 * test_url.c - canonical URLs (tracking parameters, default ports, case,
 * fragments), items found by URL across sources, and the source
 * add/get/update/remove calls of the store (schema 4).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/str.h"
#include "store/store.h"
#include "testutil.h"

#include "core/banned.h"

static const char *canon(const char *u)
{
	static loa_buf b;
	static bool init;
	if (!init) {
		loa_buf_init(&b, 1 << 16);
		init = true;
	}
	loa_buf_reset(&b);
	assert_int_equal(loa_url_canonical(u, &b), LOA_OK);
	return b.data;
}

static void test_canonical(void **state)
{
	assert_string_equal(canon("HTTPS://VnExpress.NET/Tin-Tuc/a.html#top"),
			    "https://vnexpress.net/Tin-Tuc/a.html");
	assert_string_equal(canon("https://a.vn/x?utm_source=zalo&id=5&utm_medium=share&fbclid=Iw"),
			    "https://a.vn/x?id=5");
	assert_string_equal(canon("https://a.vn/x?fbclid=1&gclid=2&zarsrc=30&gidzl=abc"),
			    "https://a.vn/x");
	assert_string_equal(canon("https://a.vn/x?b=2&a=1"), "https://a.vn/x?b=2&a=1"); /* order kept */
	assert_string_equal(canon("https://a.vn/x?"), "https://a.vn/x");
	assert_string_equal(canon("https://a.vn/x?&&id=1&"), "https://a.vn/x?id=1");
	assert_string_equal(canon("http://a.vn:80/x"), "http://a.vn/x");
	assert_string_equal(canon("https://a.vn:443/x"), "https://a.vn/x");
	assert_string_equal(canon("http://a.vn:443/x"), "http://a.vn:443/x");
	assert_string_equal(canon("https://a.vn:8443"), "https://a.vn:8443");
	assert_string_equal(canon("https://a.vn/x?UTM_Campaign=k&q=utm_source"),
			    "https://a.vn/x?q=utm_source");
	assert_string_equal(canon("https://a.vn/x?utm_=1"), "https://a.vn/x?utm_=1");
	/* not http(s): only the fragment goes */
	assert_string_equal(canon("urn:x:y?utm_source=1#f"), "urn:x:y?utm_source=1");
	assert_string_equal(canon("tag:a.vn,2024:1"), "tag:a.vn,2024:1");
	/* idempotent */
	const char *u = "HTTP://Báo.vn:80/đường?utm_term=x&p=1#z";
	char once[256];
	loa_strlcpy(once, canon(u), sizeof once);
	assert_string_equal(canon(once), once);
	/* the cap holds */
	loa_buf small;
	loa_buf_init(&small, 8);
	assert_int_equal(loa_url_canonical("https://a.vn/very/long", &small), LOA_ETOOBIG);
	loa_buf_release(&small);
}

static char path[256];

static int setup(void **state)
{
	snprintf(path, sizeof path, "%s/loa-test-url-%d.db", getenv("TMPDIR") ? getenv("TMPDIR")
										  : "/tmp",
		 (int)getpid());
	unlink(path);
	loa_store *s;
	assert_int_equal(loa_store_open(path, 0, &s, NULL), LOA_OK);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	loa_store_close(*state);
	loa_test_unlink_db(path);
	return 0;
}

static void add_item(loa_store *s, const char *source, const char *id, const char *url)
{
	loa_item it;
	loa_item_init(&it);
	it.source = source;
	it.id = id;
	it.url = url;
	it.title = "Tin";
	it.published_at = 1700000000000LL;
	int res;
	assert_int_equal(loa_store_item_upsert(s, &it, &res, NULL), LOA_OK);
}

static void test_find_url(void **state)
{
	loa_store *s = *state;
	add_item(s, "bao-a", "1", "https://a.vn/bai.html?utm_source=rss");
	add_item(s, "bao-b", "9", "https://A.vn/bai.html?fbclid=x#c");
	loa_buf ident, src;
	loa_buf_init(&ident, 4096);
	loa_buf_init(&src, 256);
	assert_int_equal(loa_store_item_find_url(s, "https://a.vn/bai.html?gclid=z", &ident, &src,
						 NULL), LOA_OK);
	assert_string_equal(ident.data, "id:5:bao-a:1"); /* the first stored */
	assert_string_equal(src.data, "bao-a");
	assert_int_equal(loa_store_item_find_url(s, "https://a.vn/khac.html", &ident, &src, NULL),
			 LOA_ENOTFOUND);
	loa_buf_release(&ident);
	loa_buf_release(&src);
}

static void test_sources(void **state)
{
	loa_store *s = *state;
	loa_org o = {0, "bo-tttt", "Bộ TT&TT", "ministry", NULL, LOA_TIME_NONE, LOA_TIME_NONE, NULL};
	assert_int_equal(loa_store_org_add(s, &o, NULL, NULL), LOA_OK);
	loa_source src = {0};
	src.slug = "cong-bo";
	src.type = "feed";
	src.outlet = "portal";
	src.org = "bo-tttt";
	src.url = "https://MIC.gov.vn/rss?utm_source=x";
	src.name = "Cổng thông tin";
	int64_t id;
	loa_err err;
	assert_int_equal(loa_store_source_add(s, &src, &id, &err), LOA_OK);
	loa_source_rec r;
	assert_int_equal(loa_store_source_get(s, "cong-bo", &r, NULL), LOA_OK);
	assert_int_equal(r.id, id);
	assert_string_equal(r.url, "https://mic.gov.vn/rss");
	assert_string_equal(r.org, "bo-tttt");
	assert_string_equal(r.outlet, "portal");
	assert_string_equal(r.state, "active");
	assert_string_equal(r.name, "Cổng thông tin");
	assert_int_equal(loa_store_source_by_url(s, "https://mic.gov.vn/rss#x", &r, NULL), LOA_OK);
	assert_string_equal(r.slug, "cong-bo");
	/* refusals */
	assert_int_equal(loa_store_source_add(s, &src, NULL, &err), LOA_EEXIST);
	src.slug = "khac";
	assert_int_equal(loa_store_source_add(s, &src, NULL, &err), LOA_EEXIST); /* same URL */
	src.url = "ftp://mic.gov.vn/rss";
	assert_int_equal(loa_store_source_add(s, &src, NULL, &err), LOA_EINVAL);
	src.url = "https://x.vn/";
	src.outlet = "tabloid";
	assert_int_equal(loa_store_source_add(s, &src, NULL, &err), LOA_EINVAL);
	src.outlet = NULL;
	src.org = "khong-co";
	assert_int_equal(loa_store_source_add(s, &src, NULL, &err), LOA_ENOTFOUND);
	/* update */
	assert_int_equal(loa_store_source_update(s, "cong-bo", "https://mic.gov.vn/rss2", "ok", NULL),
			 LOA_OK);
	assert_int_equal(loa_store_source_get(s, "cong-bo", &r, NULL), LOA_OK);
	assert_string_equal(r.url, "https://mic.gov.vn/rss2");
	assert_string_equal(r.state, "ok");
	assert_int_equal(loa_store_source_update(s, "cong-bo", NULL, "Bad State", NULL), LOA_EINVAL);
	assert_int_equal(loa_store_source_update(s, "khong", NULL, "ok", NULL), LOA_ENOTFOUND);
	/* remove: kept while it has items, deleted otherwise */
	add_item(s, "cong-bo", "1", NULL);
	bool deleted = true;
	assert_int_equal(loa_store_source_remove(s, "cong-bo", &deleted, NULL), LOA_OK);
	assert_false(deleted);
	assert_int_equal(loa_store_source_get(s, "cong-bo", &r, NULL), LOA_OK);
	assert_string_equal(r.state, LOA_SOURCE_REMOVED);
	src.slug = "trong";
	src.org = NULL;
	assert_int_equal(loa_store_source_add(s, &src, NULL, NULL), LOA_OK);
	assert_int_equal(loa_store_source_remove(s, "trong", &deleted, NULL), LOA_OK);
	assert_true(deleted);
	assert_int_equal(loa_store_source_get(s, "trong", &r, NULL), LOA_ENOTFOUND);
	/* a deleted slug can be used again, by ensure too */
	bool created = false;
	assert_int_equal(loa_store_source_ensure(s, "trong", NULL, &id, &created, NULL), LOA_OK);
	assert_true(created);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical),
		cmocka_unit_test_setup_teardown(test_find_url, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sources, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
