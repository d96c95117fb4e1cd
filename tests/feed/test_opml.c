/*
 * test_opml.c - OPML written and read back with libxml2: escaping, loa's
 * own attributes, nested categories, refusals, no external entities.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/str.h"
#include "feed/feed.h"
#include "feed/ingest.h"

#include "core/banned.h"

typedef struct got {
	int n;
	char text[8][128], url[8][256], slug[8][64], org[8][64], outlet[8][32], cat[8][64];
} got;

static void cp(char *d, size_t cap, const char *s) { loa_strlcpy(d, s ? s : "", cap); }

static int collect(void *arg, const loa_opml_outline *o)
{
	got *g = arg;
	if (g->n == 8)
		return LOA_ETOOBIG;
	cp(g->text[g->n], sizeof g->text[0], o->text);
	cp(g->url[g->n], sizeof g->url[0], o->xml_url);
	cp(g->slug[g->n], sizeof g->slug[0], o->slug);
	cp(g->org[g->n], sizeof g->org[0], o->org);
	cp(g->outlet[g->n], sizeof g->outlet[0], o->outlet);
	cp(g->cat[g->n], sizeof g->cat[0], o->category);
	g->n++;
	return 0;
}

static void test_round_trip(void **state)
{
	loa_opml_outline in[] = {
		{"Báo Chính phủ", "Báo Chính phủ", "https://baochinhphu.vn/rss?a=1&b=2", NULL, NULL,
		 "bao-chinh-phu", "chinh-phu", "portal"},
		{"<Tin> \"nhanh\" & 'gọn'", NULL, "https://example.vn/feed", NULL, NULL, "tin", NULL,
		 "press"},
	};
	loa_buf out;
	loa_buf_init(&out, 1 << 20);
	assert_int_equal(loa_opml_write(in, 2, "Danh sách", 1700000000000LL, &out, NULL), LOA_OK);
	assert_non_null(strstr(out.data, "<opml xmlns:loa=\"urn:loa:opml\" version=\"2.0\">"));
	assert_non_null(strstr(out.data, "<dateCreated>Tue, 14 Nov 2023 22:13:20 GMT</dateCreated>"));
	assert_non_null(strstr(out.data, "xmlUrl=\"https://baochinhphu.vn/rss?a=1&amp;b=2\""));
	got g;
	memset(&g, 0, sizeof g);
	assert_int_equal(loa_opml_parse(out.data, out.len, collect, &g, NULL), LOA_OK);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.text[0], "Báo Chính phủ");
	assert_string_equal(g.url[0], "https://baochinhphu.vn/rss?a=1&b=2");
	assert_string_equal(g.slug[0], "bao-chinh-phu");
	assert_string_equal(g.org[0], "chinh-phu");
	assert_string_equal(g.outlet[0], "portal");
	assert_string_equal(g.text[1], "<Tin> \"nhanh\" & 'gọn'");
	assert_string_equal(g.org[1], "");
	/* written again from what was read: byte for byte the same */
	loa_opml_outline back[2];
	for (int i = 0; i < 2; i++)
		back[i] = (loa_opml_outline){g.text[i], i == 0 ? g.text[i] : NULL, g.url[i], NULL,
					     NULL, g.slug[i], g.org[i][0] ? g.org[i] : NULL,
					     g.outlet[i]};
	loa_buf out2;
	loa_buf_init(&out2, 1 << 20);
	assert_int_equal(loa_opml_write(back, 2, "Danh sách", 1700000000000LL, &out2, NULL), LOA_OK);
	assert_int_equal(out.len, out2.len);
	assert_memory_equal(out.data, out2.data, out.len);
	loa_buf_release(&out);
	loa_buf_release(&out2);
}

static void test_foreign(void **state)
{
	const char *doc =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE opml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
		"<opml version=\"1.1\"><head><title>&x;</title></head><body>\n"
		"<outline text=\"Thời sự\"><outline text=\"A\" xmlurl=\"http://a.vn/rss\"/>"
		"<outline title=\"B\" xmlUrl=\"http://b.vn/rss\"><outline text=\"C\" "
		"xmlUrl=\"http://c.vn/rss\"/></outline></outline>"
		"<outline text=\"no url\"/></body></opml>";
	got g;
	memset(&g, 0, sizeof g);
	assert_int_equal(loa_opml_parse(doc, strlen(doc), collect, &g, NULL), LOA_OK);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.url[0], "http://a.vn/rss");
	assert_null(strstr(g.text[0], "root:"));
	assert_string_equal(g.cat[0], "Thời sự");
	assert_string_equal(g.cat[1], "Thời sự");
	assert_string_equal(g.cat[2], "B");

	/* an external entity in an attribute is not well-formed: refused */
	const char *xxe = "<!DOCTYPE opml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
			  "<opml><body><outline text=\"&x;\" xmlUrl=\"http://a.vn/\"/></body></opml>";
	loa_err err;
	assert_int_equal(loa_opml_parse(xxe, strlen(xxe), collect, &g, &err), LOA_EPARSE);
	assert_int_equal(loa_opml_parse("junk", 4, collect, &g, &err), LOA_EPARSE);
	const char *rss = "<rss><channel/></rss>";
	assert_int_equal(loa_opml_parse(rss, strlen(rss), collect, &g, &err), LOA_EPARSE);
	/* a callback's error stops the walk and is returned */
	memset(&g, 0, sizeof g);
	g.n = 8;
	assert_int_equal(loa_opml_parse(doc, strlen(doc), collect, &g, NULL), LOA_ETOOBIG);
}

int main(void)
{
	loa_feed_global_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_foreign),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
