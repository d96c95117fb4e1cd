/*
 * fuzz_feed.c - libFuzzer harness for the feed room: the first byte picks a
 * path, the rest is the input.
 *   0: feed parse with sniffing (XML feeds and JSON Feed), then JSON output
 *   1: the same with a legacy charset and a base URL given by "HTTP"
 *   2: HTML sanitiser + text; sanitising its own output must not change it
 *   3: article extraction from a page
 *   4: the date parser
 * Asserts: no crash, sanitised HTML and text are valid UTF-8, the
 * sanitiser is idempotent, no "<script" or "javascript:" survives.
 *
 * Build with -DLOA_FUZZ=ON (clang); the normal build replays the seed
 * corpus in fuzz/corpus/feed through replay_main.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "feed/extract.h"
#include "feed/feed.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                          \
	do {                                                                              \
		if (!(c)) {                                                               \
			fprintf(stderr, "fuzz_feed: check failed: %s (line %d)\n", #c, __LINE__); \
			abort();                                                          \
		}                                                                         \
	} while (0)

static void feed(const char *s, size_t n, const char *ct, const char *url)
{
	loa_feed_input in = {.body = s, .len = n, .content_type = ct, .url = url,
			     .max_entries = 1000, .max_arena = (size_t)64 << 20};
	loa_feed *f = NULL;
	if (loa_feed_parse(&in, &f, NULL) != LOA_OK)
		return;
	for (size_t i = 0; i < f->nentries; i++) {
		const loa_feed_text *t = &f->entries[i].summary;
		if (t->value && t->type != LOA_FEED_PLAIN && t->type != LOA_FEED_OTHER) {
			CHECK(loa_utf8_valid(t->value, strlen(t->value)));
			CHECK(!strstr(t->value, "<script"));
		}
	}
	loa_buf out;
	loa_buf_init(&out, (size_t)256 << 20);
	CHECK(loa_feed_to_json(f, false, &out) == LOA_OK);
	loa_buf_release(&out);
	loa_feed_free(f);
}

static void html(const char *s, size_t n)
{
	loa_html *h = loa_html_new();
	if (!h)
		return;
	loa_buf a, b, t;
	loa_buf_init(&a, (size_t)64 << 20);
	loa_buf_init(&b, (size_t)64 << 20);
	loa_buf_init(&t, (size_t)64 << 20);
	if (loa_utf8_valid(s, n) && !memchr(s, 0, n) &&
	    loa_html_render(h, s, n, "http://example.vn/a/", &a, &t) == LOA_OK) {
		const char *as = a.data ? a.data : "";
		CHECK(loa_utf8_valid(as, a.len));
		CHECK(loa_utf8_valid(t.data ? t.data : "", t.len));
		CHECK(!strstr(as, "<script"));
		CHECK(!strstr(as, "=\"javascript:"));
		CHECK(loa_html_render(h, as, a.len, "http://example.vn/a/", &b, NULL) == LOA_OK);
		CHECK(a.len == b.len && memcmp(as, b.data ? b.data : "", a.len) == 0);
	}
	loa_buf_release(&a);
	loa_buf_release(&b);
	loa_buf_release(&t);
	loa_html_free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	switch (data[0] % 5) {
	case 0:
		feed(s, n, NULL, NULL);
		break;
	case 1:
		feed(s, n, "application/rss+xml; charset=windows-1258", "http://example.vn/feed/");
		break;
	case 2:
		html(s, n);
		break;
	case 3: {
		loa_article *a = NULL;
		if (loa_article_extract(s, n, "http://example.vn/bai/1.html", NULL, &a, NULL) == LOA_OK)
			loa_article_free(a);
		break;
	}
	default: {
		loa_ms t;
		(void)loa_feed_parse_date(s, n, &t);
		break;
	}
	}
	return 0;
}
