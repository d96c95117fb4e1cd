/* test_extract.c - article extraction from a Vietnamese news page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ltime.h"
#include "feed/extract.h"
#include "feed/feed.h"

static void page(void **state)
{
	const char *src = getenv("LOA_SRC");
	char path[1024];
	snprintf(path, sizeof path, "%s/tests/feed/data/page.html", src ? src : ".");
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	loa_article *a = NULL;
	assert_int_equal(loa_article_extract(buf, n, "https://baochinhphu.vn/tin/x.htm", NULL, &a, NULL),
			 LOA_OK);
	assert_string_equal(a->canonical, "https://baochinhphu.vn/hop-bao-thang-8.htm");
	assert_string_equal(a->title, "Họp báo Chính phủ thường kỳ tháng 8");
	assert_string_equal(a->language, "vi");
	assert_string_equal(a->author, "Phóng viên");
	char t[LOA_TIME_STR_MAX];
	assert_string_equal(loa_time_format_rfc3339(a->published, t), "2023-08-12T02:30:00Z");
	assert_string_equal(loa_time_format_rfc3339(a->modified, t), "2023-08-12T03:00:00Z");
	assert_int_equal(a->nfeeds, 1);
	assert_string_equal(a->feeds[0].href, "https://baochinhphu.vn/rss/tin-moi.rss");
	assert_non_null(a->text);
	assert_non_null(strstr(a->text, "Chiều 12/8"));
	assert_non_null(strstr(a->text, "dư luận quan tâm"));
	assert_null(strstr(a->text, "Tin liên quan"));
	assert_null(strstr(a->text, "Bản quyền"));
	assert_null(strstr(a->html, "onclick"));
	assert_null(strstr(a->html, "evil"));
	loa_article_free(a);
}

static void not_an_article(void **state)
{
	loa_article *a = NULL;
	assert_int_equal(loa_article_extract("<p>x</p>", 8, NULL, NULL, &a, NULL), LOA_OK);
	assert_null(a->canonical);
	loa_article_free(a);
	assert_int_equal(loa_article_extract("", 0, NULL, NULL, &a, NULL) == LOA_OK ||
				 a == NULL, 1);
	loa_article_free(a);
}

int main(void)
{
	loa_feed_global_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(page),
		cmocka_unit_test(not_an_article),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
