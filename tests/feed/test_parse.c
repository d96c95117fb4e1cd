/* test_parse.c - loa_feed_parse: each format, encodings, xml:base, entity
 * attacks, broken and gigantic input. Fixtures are in tests/feed/data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/ltime.h"
#include "feed/feed.h"

static char *slurp(const char *name, size_t *n)
{
	const char *src = getenv("LOA_SRC");
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/feed/data/%s", src ? src : ".", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	static char buf[1 << 16];
	*n = fread(buf, 1, sizeof buf - 1, f);
	buf[*n] = '\0';
	fclose(f);
	return buf;
}

static loa_feed *parse_ct(const char *s, size_t n, const char *ct, const char *url)
{
	loa_feed_input in = {.body = s, .len = n, .content_type = ct, .url = url};
	loa_feed *f = NULL;
	loa_err err;
	if (loa_feed_parse(&in, &f, &err) != LOA_OK)
		fail_msg("parse failed: %s", err.msg);
	return f;
}

static loa_feed *parse(const char *s)
{
	return parse_ct(s, strlen(s), NULL, NULL);
}

static void time_is(loa_ms t, const char *want)
{
	char buf[LOA_TIME_STR_MAX];
	assert_int_not_equal(t, LOA_TIME_NONE);
	assert_string_equal(loa_time_format_rfc3339(t, buf), want);
}

static void rss20(void **state)
{
	loa_feed *f = parse(
		"<?xml version='1.0'?><rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'"
		" xmlns:dc='http://purl.org/dc/elements/1.1/'><channel><title>Báo &amp; Tin</title>"
		"<link>https://bao.vn/</link><language>vi</language>"
		"<item><title>Tin 1</title><link>https://bao.vn/1</link><guid isPermaLink='false'>g1</guid>"
		"<description><![CDATA[<p>Tóm <b>tắt</b><script>x()</script></p>]]></description>"
		"<content:encoded>&lt;p&gt;Toàn văn&lt;/p&gt;</content:encoded>"
		"<author>bandoc@bao.vn (Bạn đọc)</author><category domain='https://bao.vn/c'>Thời sự</category>"
		"<enclosure url='https://bao.vn/a.mp3' length='123' type='audio/mpeg'/>"
		"<pubDate>Sat, 12 Aug 2023 09:30:00 +0700</pubDate></item>"
		"<item><title>Tin 2</title><guid>https://bao.vn/2</guid><dc:date>2023-08-12</dc:date></item>"
		"</channel></rss>");
	assert_false(f->bozo);
	assert_int_equal(f->format, LOA_FEED_RSS20);
	assert_string_equal(f->title.value, "Báo & Tin");
	assert_string_equal(f->link, "https://bao.vn/");
	assert_string_equal(f->language, "vi");
	assert_int_equal(f->nentries, 2);
	loa_feed_entry *e = &f->entries[0];
	assert_string_equal(e->id, "g1");
	assert_string_equal(e->link, "https://bao.vn/1");
	assert_int_equal(e->summary.type, LOA_FEED_HTML);
	assert_string_equal(e->summary.value, "<p>Tóm <b>tắt</b></p>");
	assert_string_equal(e->summary.text, "Tóm tắt");
	assert_int_equal(e->ncontent, 1);
	assert_string_equal(e->content[0].value, "<p>Toàn văn</p>");
	assert_string_equal(e->author, "Bạn đọc (bandoc@bao.vn)");
	assert_string_equal(e->authors[0].email, "bandoc@bao.vn");
	assert_string_equal(e->categories[0].term, "Thời sự");
	assert_string_equal(e->categories[0].scheme, "https://bao.vn/c");
	assert_string_equal(e->enclosures[0].href, "https://bao.vn/a.mp3");
	assert_string_equal(e->enclosures[0].length, "123");
	time_is(e->published, "2023-08-12T02:30:00Z");
	/* a permalink guid stands in for a missing link */
	assert_string_equal(f->entries[1].link, "https://bao.vn/2");
	time_is(f->entries[1].updated, "2023-08-12T00:00:00Z");
	loa_feed_free(f);
}

static void rss10_and_atom(void **state)
{
	size_t n;
	char *s = slurp("rss10.rdf", &n);
	loa_feed *f = parse_ct(s, n, NULL, NULL);
	assert_false(f->bozo);
	assert_int_equal(f->format, LOA_FEED_RSS10);
	assert_string_equal(f->title.value, "Tỉnh uỷ");
	assert_int_equal(f->nentries, 1);
	assert_string_equal(f->entries[0].id, "https://tinhuy.vn/1");
	assert_string_equal(f->entries[0].author, "Ban Tuyên giáo");
	time_is(f->entries[0].updated, "2023-08-12T02:30:00Z");
	loa_feed_free(f);

	s = slurp("atom_base.xml", &n);
	f = parse_ct(s, n, "application/atom+xml", "https://example.org/ignored");
	assert_false(f->bozo);
	assert_int_equal(f->format, LOA_FEED_ATOM10);
	assert_string_equal(f->title.value, "Bộ Thông tin & Truyền thông");
	/* xml:base: feed-level and nested entry-level */
	assert_string_equal(f->link, "https://mic.gov.vn/");
	assert_string_equal(f->self, "https://mic.gov.vn/tin/feed.atom");
	assert_string_equal(f->hub, "https://hub.loa.vn/");
	assert_string_equal(f->author, "Cổng TTĐT (ct@mic.gov.vn)");
	time_is(f->updated, "2023-08-12T02:30:00Z");
	loa_feed_entry *e = &f->entries[0];
	assert_string_equal(e->link, "https://mic.gov.vn/tin/2023/hop-bao.html");
	assert_int_equal(e->title.type, LOA_FEED_HTML);
	assert_string_equal(e->title.value, "Họp báo <b>thường kỳ</b>");
	assert_string_equal(e->title.text, "Họp báo thường kỳ");
	assert_int_equal(e->content[0].type, LOA_FEED_XHTML);
	assert_string_equal(e->content[0].value,
			    "<p>Xem <a href=\"https://mic.gov.vn/tin/2023/anh.jpg\">ảnh</a></p>");
	assert_string_equal(e->categories[0].label, "Họp báo");
	assert_string_equal(e->enclosures[0].href, "https://mic.gov.vn/tin/2023/ghi-am.mp3");
	/* the summary falls back to the content */
	assert_string_equal(e->summary.text, "Xem ảnh");
	loa_feed_free(f);
}

static void json_feed(void **state)
{
	size_t n;
	char *s = slurp("feed.json", &n);
	loa_feed *f = parse_ct(s, n, "application/feed+json", NULL);
	assert_false(f->bozo);
	assert_int_equal(f->format, LOA_FEED_JSON11);
	assert_string_equal(f->title.value, "Báo điện tử");
	assert_string_equal(f->hub, "https://hub.bao.vn/");
	assert_string_equal(f->author, "Toà soạn");
	assert_int_equal(f->nentries, 2);
	loa_feed_entry *e = &f->entries[0];
	assert_string_equal(e->id, "42");
	assert_string_equal(e->content[0].value, "<p>Nội dung </p>");
	assert_string_equal(e->summary.value, "Tóm tắt");
	assert_string_equal(e->enclosures[0].length, "99");
	assert_string_equal(e->categories[0].term, "thời sự");
	time_is(e->published, "2023-08-12T02:30:00Z");
	assert_int_equal(f->entries[1].content[0].type, LOA_FEED_PLAIN);
	loa_feed_free(f);

	f = parse("{\"version\": \"https://jsonfeed.org/version/1\", \"items\": [");
	assert_true(f->bozo);
	assert_int_equal(f->nentries, 0);
	loa_feed_free(f);
	/* with a BOM */
	f = parse("\xEF\xBB\xBF{\"version\":\"https://jsonfeed.org/version/1\",\"title\":\"t\",\"items\":[]}");
	assert_false(f->bozo);
	assert_string_equal(f->title.value, "t");
	loa_feed_free(f);
}

static void encodings(void **state)
{
	size_t n;
	char *s = slurp("cp1258.xml", &n);
	loa_feed *f = parse_ct(s, n, NULL, NULL);
	assert_false(f->bozo);
	assert_string_equal(f->encoding, "windows-1258");
	assert_string_equal(f->title.value, "Tin Việt Nam");
	assert_string_equal(f->entries[0].title.value, "Chính phủ họp");
	loa_feed_free(f);

	/* the HTTP charset beats the declaration */
	const char *l1 = "<?xml version='1.0' encoding='utf-8'?><rss><channel><title>caf\xe9</title></channel></rss>";
	f = parse_ct(l1, strlen(l1), "application/rss+xml; charset=ISO-8859-1", NULL);
	assert_false(f->bozo);
	assert_string_equal(f->encoding, "iso-8859-1");
	assert_string_equal(f->title.value, "café");
	loa_feed_free(f);

	/* UTF-16 with a BOM */
	const char u16[] = "\xff\xfe<\0r\0s\0s\0>\0<\0c\0h\0a\0n\0n\0e\0l\0>\0<\0t\0i\0t\0l\0e\0>\0"
			   "\xe1\x1e<\0/\0t\0i\0t\0l\0e\0>\0<\0/\0c\0h\0a\0n\0n\0e\0l\0>\0<\0/\0r\0s\0s\0>\0";
	f = parse_ct(u16, sizeof u16 - 1, NULL, NULL);
	assert_false(f->bozo);
	assert_string_equal(f->encoding, "utf-16le");
	assert_string_equal(f->title.value, "\xe1\xbb\xa1");
	loa_feed_free(f);

	/* declared utf-8 but invalid: recovered as windows-1252, flagged */
	f = parse("<rss><channel><title>don\x92t</title></channel></rss>");
	assert_true(f->bozo);
	assert_string_equal(f->title.value, "don’t");
	loa_feed_free(f);
}

static void entities(void **state)
{
	/* HTML entities in XML: recovered, flagged */
	loa_feed *f = parse("<rss><channel><title>Ti&ecirc;u &#273;&#7873;</title></channel></rss>");
	assert_true(f->bozo);
	assert_string_equal(f->title.value, "Tiêu đề");
	loa_feed_free(f);
	/* a declared plain entity is fine */
	f = parse("<!DOCTYPE rss [<!ENTITY org \"Chính phủ\">]><rss><channel><title>&org;</title></channel></rss>");
	assert_false(f->bozo);
	assert_string_equal(f->title.value, "Chính phủ");
	loa_feed_free(f);
}

static void billion_laughs(void **state)
{
	loa_buf b;
	loa_buf_init(&b, 1 << 20);
	loa_buf_puts(&b, "<?xml version='1.0'?><!DOCTYPE r [<!ENTITY l0 'lol'>");
	for (int i = 1; i < 10; i++) {
		loa_buf_printf(&b, "<!ENTITY l%d '", i);
		for (int k = 0; k < 10; k++)
			loa_buf_printf(&b, "&l%d;", i - 1);
		loa_buf_puts(&b, "'>");
	}
	loa_buf_puts(&b, "]><rss><channel><title>&l9;</title><item><title>ok</title></item></channel></rss>");
	loa_feed *f = parse_ct(b.data, b.len, NULL, NULL);
	assert_true(f->bozo);
	assert_true(f->title.value == NULL || strlen(f->title.value) < 1000);
	assert_int_equal(f->nentries, 1);
	loa_feed_free(f);
	loa_buf_release(&b);

	/* quadratic blow-up: one big plain entity referenced many times */
	loa_buf_init(&b, 8 << 20);
	loa_buf_puts(&b, "<!DOCTYPE r [<!ENTITY a '");
	for (int i = 0; i < 4000; i++)
		loa_buf_putc(&b, 'a');
	loa_buf_puts(&b, "'>]><rss><channel><title>");
	for (int i = 0; i < 20000; i++)
		loa_buf_puts(&b, "&a;");
	loa_buf_puts(&b, "</title></channel></rss>");
	f = parse_ct(b.data, b.len, NULL, NULL);
	assert_true(f->bozo);
	assert_true(!f->title.value || strlen(f->title.value) <= ((size_t)1 << 20) + 8);
	loa_feed_free(f);
	loa_buf_release(&b);
}

static void external_entity(void **state)
{
	loa_feed *f = parse("<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
			    "<rss><channel><title>a&x;b</title></channel></rss>");
	assert_true(f->bozo);
	assert_null(f->title.value ? strstr(f->title.value, "root") : NULL);
	loa_feed_free(f);
	f = parse("<!DOCTYPE r SYSTEM 'http://127.0.0.1:1/x.dtd'><rss><channel><title>t</title></channel></rss>");
	assert_string_equal(f->title.value, "t");
	loa_feed_free(f);
}

static void broken_input(void **state)
{
	loa_feed *f = parse("<rss><channel><title>Cắt</title><item><title>dở");
	assert_true(f->bozo);
	assert_non_null(f->bozo_msg);
	assert_string_equal(f->title.value, "Cắt");
	assert_int_equal(f->nentries, 1);
	loa_feed_free(f);
	f = parse("");
	assert_true(f->bozo);
	loa_feed_free(f);
	f = parse("\x01\x02garbage \xff\xfe\xfd not xml at all");
	assert_true(f->bozo);
	assert_int_equal(f->nentries, 0);
	loa_feed_free(f);
	f = parse("<html><body><p>a page, not a feed</p></body></html>");
	assert_int_equal(f->nentries, 0);
	loa_feed_free(f);
	/* a bare '&' in a link is repaired and flagged */
	f = parse("<rss><channel><link>https://a.vn/?x=1&y=2</link></channel></rss>");
	assert_true(f->bozo);
	assert_string_equal(f->link, "https://a.vn/?x=1&y=2");
	loa_feed_free(f);
}

static void gigantic(void **state)
{
	/* 20,000 items: the entry cap keeps 1,000; the body cap refuses more */
	loa_buf b;
	loa_buf_init(&b, 64 << 20);
	loa_buf_puts(&b, "<rss><channel><title>t</title>");
	for (int i = 0; i < 20000; i++)
		loa_buf_printf(&b, "<item><title>tin %d</title><description>&lt;p&gt;nội dung %d&lt;/p&gt;"
				   "</description></item>", i, i);
	loa_buf_puts(&b, "</channel></rss>");
	loa_feed_input in = {.body = b.data, .len = b.len, .max_entries = 1000};
	loa_feed *f = NULL;
	assert_int_equal(loa_feed_parse(&in, &f, NULL), LOA_OK);
	assert_int_equal(f->nentries, 1000);
	assert_true(f->truncated);
	assert_string_equal(f->entries[999].title.value, "tin 999");
	loa_feed_free(f);
	in.max_entries = 0;
	in.max_body = 1 << 20;
	loa_err err;
	assert_int_equal(loa_feed_parse(&in, &f, &err), LOA_ETOOBIG);
	assert_null(f);
	/* and a small arena cap fails cleanly */
	in.max_body = 0;
	in.max_arena = 256 << 10;
	assert_int_equal(loa_feed_parse(&in, &f, &err), LOA_ETOOBIG);
	assert_null(f);
	loa_buf_release(&b);
}

static void json_output(void **state)
{
	loa_feed *f = parse("<feed xmlns='http://www.w3.org/2005/Atom'><title>T</title>"
			    "<entry><title>E</title><updated>2023-08-12T09:30:00+07:00</updated></entry></feed>");
	loa_buf out;
	loa_buf_init(&out, 1 << 20);
	assert_int_equal(loa_feed_to_json(f, false, &out), LOA_OK);
	assert_non_null(strstr(out.data, "\"version\":\"atom10\""));
	assert_non_null(strstr(out.data, "\"updated\":\"2023-08-12T02:30:00Z\""));
	loa_buf_release(&out);
	loa_feed_free(f);
}

int main(void)
{
	loa_feed_global_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rss20),          cmocka_unit_test(rss10_and_atom),
		cmocka_unit_test(json_feed),      cmocka_unit_test(encodings),
		cmocka_unit_test(entities),       cmocka_unit_test(billion_laughs),
		cmocka_unit_test(external_entity), cmocka_unit_test(broken_input),
		cmocka_unit_test(gigantic),       cmocka_unit_test(json_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
