/* test_date.c - loa_feed_parse_date over the forms feeds use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/ltime.h"
#include "feed/feed.h"

static void expect(const char *in, const char *utc)
{
	loa_ms t;
	char buf[LOA_TIME_STR_MAX];
	int rc = loa_feed_parse_date(in, strlen(in), &t);
	if (!utc) {
		if (rc == LOA_OK)
			fail_msg("accepted '%s' as %s", in, loa_time_format_rfc3339(t, buf));
		return;
	}
	if (rc != LOA_OK)
		fail_msg("rejected '%s'", in);
	loa_time_format_rfc3339(t, buf);
	if (strcmp(buf, utc) != 0)
		fail_msg("'%s' -> %s, want %s", in, buf, utc);
}

static void rfc822(void **state)
{
	expect("Thu, 01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z");
	expect("Sun, 17 Jun 2007 13:39:00 +0700", "2007-06-17T06:39:00Z");
	expect("Sat, 12 Aug 2023 09:30:00 ICT", "2023-08-12T02:30:00Z");
	expect("Thu, 01 Jan 04 19:48:21 GMT", "2004-01-01T19:48:21Z");
	expect("Thu,  5 Apr 2012 10:00:00 GMT", "2012-04-05T10:00:00Z");
	expect("Mon, 26 January 2004 16:31:00 EST", "2004-01-26T21:31:00Z");
	expect("Wed, 19 Feb 2012 22:40:00 GMT-01:01", "2012-02-19T23:41:00Z");
	expect("Mon, 13 Feb, 2012 06:28:00 UTC", "2012-02-13T06:28:00Z");
	expect("Thu, 01 Jan 2004 00:00 GMT", "2004-01-01T00:00:00Z");
	expect("Thu, 01 Jan 2004", "2004-01-01T00:00:00Z");
	expect("Fri,24 Nov 2023 18:28:36 -0000", "2023-11-24T18:28:36Z");
	expect("Thu Aug 30 2012 17:26:16 +0200", "2012-08-30T15:26:16Z");
	expect("Sun, 16 Dec 2012 1:2:3:4 GMT", NULL);
	expect("Sun, 16 zzz 2012 11:47:32 GMT", NULL);
	expect("Sun, 99 Jun 2009 12:00:00 GMT", NULL);
	expect("Sun, 16 Dec 2012 11:47:32 +zz:00", NULL);
}

static void iso8601(void **state)
{
	expect("2003-12-31T10:14:55Z", "2003-12-31T10:14:55Z");
	expect("2023-08-12T09:30:00+07:00", "2023-08-12T02:30:00Z");
	expect("2007-04-23T23:25:47.538+10:00", "2007-04-23T13:25:47.538Z");
	expect("2003-12-31", "2003-12-31T00:00:00Z");
	expect("2003-12", "2003-12-01T00:00:00Z");
	expect("2003", "2003-01-01T00:00:00Z");
	expect("2004-02-28T18:14:55-08:00", "2004-02-29T02:14:55Z");
	expect("2004-07-08 23:56:58 -00:20", "2004-07-09T00:16:58Z");
	expect("20040708T235658Z", "2004-07-08T23:56:58Z");
	expect("2003-335", "2003-12-01T00:00:00Z");
	expect("2003-12-31T25:14:55Z", NULL);
	expect("2013-01-28T11:30:00-06:00Textra", NULL);
	expect("9999-12-31T23:59:59-99:99", NULL);
	expect("2013-xx-27", NULL);
	expect("", NULL);
}

static void others(void **state)
{
	expect("Sun Jan  4 16:29:06 2004", "2004-01-04T16:29:06Z");       /* asctime */
	expect("Fri, 2006/09/15 08:19:53 EDT", "2006-09-15T12:19:53Z");   /* perforce */
	expect("12/08/2023 09:30", "2023-08-12T02:30:00Z");               /* Vietnamese, +07 */
	expect("12/08/2023 09:30:00 GMT", "2023-08-12T09:30:00Z");
	expect("31/02/2023", NULL);
	expect("nonsense", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc822),
		cmocka_unit_test(iso8601),
		cmocka_unit_test(others),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
