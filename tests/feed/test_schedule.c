/*
 * test_schedule.c - the scheduling arithmetic (rhythm, interval, backoff,
 * silence, health states) and robots.txt rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "feed/fetch.h"

#include "core/banned.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

static const loa_sched_cfg cfg = {10 * MIN, 24 * HOUR};

static void test_median_gap(void **state)
{
	loa_ms none[] = {5, 5, 5};
	assert_int_equal(loa_sched_median_gap(none, 3), 0);
	loa_ms two[] = {0, HOUR};
	assert_int_equal(loa_sched_median_gap(two, 2), 0);
	/* unsorted, with a duplicate: gaps 1h 2h 4h -> median 2h */
	loa_ms t[] = {7 * HOUR, 0, HOUR, 3 * HOUR, 3 * HOUR};
	assert_int_equal(loa_sched_median_gap(t, 5), 2 * HOUR);
	/* an even number of gaps: the mean of the middle two */
	loa_ms e[] = {0, HOUR, 3 * HOUR, 6 * HOUR, 10 * HOUR};
	assert_int_equal(loa_sched_median_gap(e, 5), 2 * HOUR + HOUR / 2);
}

static void test_interval(void **state)
{
	assert_int_equal(loa_sched_interval(0, &cfg), HOUR);          /* no rhythm: default */
	assert_int_equal(loa_sched_interval(2 * HOUR, &cfg), HOUR);   /* half the gap */
	assert_int_equal(loa_sched_interval(MIN, &cfg), 10 * MIN);    /* clamped up */
	assert_int_equal(loa_sched_interval(30 * DAY, &cfg), DAY);    /* clamped down */
	loa_sched_cfg slow = {2 * HOUR, 48 * HOUR};
	assert_int_equal(loa_sched_interval(0, &slow), 2 * HOUR);     /* default clamped */
}

static void test_backoff(void **state)
{
	assert_int_equal(loa_sched_backoff(1, HOUR, 0, &cfg), HOUR);
	assert_int_equal(loa_sched_backoff(2, HOUR, 0, &cfg), 2 * HOUR);
	assert_int_equal(loa_sched_backoff(3, HOUR, 0, &cfg), 4 * HOUR);
	assert_int_equal(loa_sched_backoff(6, HOUR, 0, &cfg), DAY);   /* capped */
	assert_int_equal(loa_sched_backoff(1000, HOUR, 0, &cfg), DAY); /* no overflow */
	assert_int_equal(loa_sched_backoff(1, MIN, 0, &cfg), 10 * MIN); /* at least min */
	/* Retry-After honoured when longer, up to the cap */
	assert_int_equal(loa_sched_backoff(1, HOUR, 3 * HOUR, &cfg), 3 * HOUR);
	assert_int_equal(loa_sched_backoff(1, HOUR, 30 * MIN, &cfg), HOUR);
	assert_int_equal(loa_sched_backoff(1, HOUR, 9 * DAY, &cfg), DAY);
}

static void test_silent(void **state)
{
	loa_ms now = 100 * DAY;
	/* no rhythm, no verdict */
	assert_false(loa_sched_silent(now - 30 * DAY, 0, now));
	assert_false(loa_sched_silent(LOA_TIME_NONE, HOUR, now));
	/* hourly source: the 24 h floor applies */
	assert_false(loa_sched_silent(now - 23 * HOUR, HOUR, now));
	assert_true(loa_sched_silent(now - 25 * HOUR, HOUR, now));
	/* weekly source: 3 weeks */
	assert_false(loa_sched_silent(now - 20 * DAY, 7 * DAY, now));
	assert_true(loa_sched_silent(now - 22 * DAY, 7 * DAY, now));
}

static void test_health(void **state)
{
	loa_health h = {0};
	assert_string_equal(loa_health_record(&h, true, 200, false, false), "ok");
	assert_string_equal(loa_health_record(&h, true, 304, false, true), "silent");
	assert_string_equal(loa_health_record(&h, true, 200, true, true), "redirected");
	assert_string_equal(loa_health_record(&h, false, 500, false, false), "erroring");
	assert_int_equal(h.failures, 1);
	assert_string_equal(loa_health_record(&h, false, 404, false, false), "erroring");
	assert_string_equal(loa_health_record(&h, false, 404, false, false), "erroring");
	assert_string_equal(loa_health_record(&h, false, 404, false, false), "gone");
	assert_int_equal(h.failures, 4);
	/* a success resets everything */
	assert_string_equal(loa_health_record(&h, true, 200, false, false), "ok");
	assert_int_equal(h.failures, 0);
	assert_int_equal(h.not_found, 0);
	assert_string_equal(loa_health_record(&h, false, 410, false, false), "erroring");
	assert_string_equal(loa_health_record(&h, false, 410, false, false), "gone");
	/* a different error breaks a run of 404s */
	loa_health g = {0};
	loa_health_record(&g, false, 404, false, false);
	loa_health_record(&g, false, 404, false, false);
	assert_string_equal(loa_health_record(&g, false, 0, false, false), "erroring");
	assert_string_equal(loa_health_record(&g, false, 404, false, false), "erroring");
}

static void test_robots(void **state)
{
	char tok[32];
	loa_robots_agent_token("loa/0.1.0 (+https://loa.invalid/bot)", tok, sizeof tok);
	assert_string_equal(tok, "loa");
	loa_robots_agent_token("Loa", tok, sizeof tok);
	assert_string_equal(tok, "loa");

	const char *txt =
		"# comment\n"
		"User-agent: *\n"
		"Disallow: /private/\n"
		"Disallow: /*.pdf$\n"
		"\n"
		"User-agent: otherbot\n"
		"Disallow: /\n";
	loa_robots *r = loa_robots_new(200, txt, strlen(txt), "loa");
	assert_non_null(r);
	assert_true(loa_robots_allowed(r, "/"));
	assert_true(loa_robots_allowed(r, "/news/1.html"));
	assert_false(loa_robots_allowed(r, "/private/1.html"));
	assert_false(loa_robots_allowed(r, "http://example.vn/private/x?y=1"));
	assert_true(loa_robots_allowed(r, "http://example.vn/privately"));
	assert_false(loa_robots_allowed(r, "/docs/a.pdf"));
	assert_true(loa_robots_allowed(r, "/docs/a.pdf?download=1"));
	assert_true(loa_robots_allowed(r, "/robots.txt"));
	loa_robots_free(r);

	/* our own group wins over "*"; longest match; Allow wins a tie */
	const char *own =
		"User-agent: *\nDisallow: /\n\n"
		"User-agent: LOA\nUser-agent: other\nDisallow: /tin/\nAllow: /tin/mo/\n"
		"Disallow: /a\nAllow: /a\n";
	r = loa_robots_new(200, own, strlen(own), "loa");
	assert_true(loa_robots_allowed(r, "/"));
	assert_false(loa_robots_allowed(r, "/tin/1"));
	assert_true(loa_robots_allowed(r, "/tin/mo/1"));
	assert_true(loa_robots_allowed(r, "/a"));
	loa_robots_free(r);

	/* wildcards in the middle; "Disallow:" empty allows */
	const char *wc = "User-agent: *\nDisallow: /*/print\nDisallow:\n";
	r = loa_robots_new(200, wc, strlen(wc), "loa");
	assert_false(loa_robots_allowed(r, "/a/b/print/1"));
	assert_true(loa_robots_allowed(r, "/a/b/prin"));
	loa_robots_free(r);

	/* statuses: 4xx allows everything, 5xx or no response nothing */
	r = loa_robots_new(404, NULL, 0, "loa");
	assert_true(loa_robots_allowed(r, "/private/"));
	loa_robots_free(r);
	r = loa_robots_new(503, NULL, 0, "loa");
	assert_false(loa_robots_allowed(r, "/"));
	loa_robots_free(r);
	r = loa_robots_new(0, NULL, 0, "loa");
	assert_false(loa_robots_allowed(r, "/"));
	loa_robots_free(r);
	assert_true(loa_robots_allowed(NULL, "/x"));

	/* garbage and pathological patterns stay bounded */
	char big[8192];
	memset(big, '*', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	char doc[9000];
	snprintf(doc, sizeof doc, "User-agent: *\nDisallow: /%.200sx\n\x01\xff:::\n", big);
	r = loa_robots_new(200, doc, strlen(doc), "loa");
	assert_non_null(r);
	assert_true(loa_robots_allowed(r, "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaay"));
	assert_false(loa_robots_allowed(r, "/aaaaaaaaaaaax"));
	loa_robots_free(r);
}

static void test_url_host(void **state)
{
	char h[64];
	assert_int_equal(loa_fetch_url_host("https://BaoChinhPhu.VN/rss", h, sizeof h), LOA_OK);
	assert_string_equal(h, "baochinhphu.vn");
	assert_int_equal(loa_fetch_url_host("http://127.0.0.1:8080/x", h, sizeof h), LOA_OK);
	assert_string_equal(h, "127.0.0.1");
	assert_int_equal(loa_fetch_url_host("ftp://example.vn/x", h, sizeof h), LOA_EINVAL);
	assert_int_equal(loa_fetch_url_host("file:///etc/passwd", h, sizeof h), LOA_EINVAL);
	assert_int_equal(loa_fetch_url_host("not a url", h, sizeof h), LOA_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median_gap), cmocka_unit_test(test_interval),
		cmocka_unit_test(test_backoff),    cmocka_unit_test(test_silent),
		cmocka_unit_test(test_health),     cmocka_unit_test(test_robots),
		cmocka_unit_test(test_url_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
