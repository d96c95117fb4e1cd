#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/err.h"
#include "core/ltime.h"

static loa_ms parse(const char *s)
{
	loa_ms t;
	assert_int_equal(loa_time_parse_rfc3339(s, strlen(s), &t), LOA_OK);
	return t;
}

static void rfc3339(void **state)
{
	assert_true(parse("1970-01-01T00:00:00Z") == 0);
	assert_true(parse("2023-08-12T09:30:00+07:00") == parse("2023-08-12T02:30:00Z"));
	assert_true(parse("2023-08-12t02:30:00.250z") == parse("2023-08-12T02:30:00Z") + 250);
	assert_true(parse("1969-12-31T23:59:59Z") == -1000);
	char out[LOA_TIME_STR_MAX];
	assert_string_equal(loa_time_format_rfc3339(parse("2024-02-29T23:59:59-05:00"), out),
			    "2024-03-01T04:59:59Z");
	assert_string_equal(loa_time_format_rfc3339(parse("2023-08-12T02:30:00.5Z"), out),
			    "2023-08-12T02:30:00.500Z");
	/* round trip over a range of days */
	for (loa_ms t = -86400000LL * 800; t < 86400000LL * 30000; t += 86400000LL * 37 + 12345) {
		loa_time_format_rfc3339(t, out);
		assert_true(parse(out) == t);
	}
}

static void rejects(void **state)
{
	const char *bad[] = {"2023-08-12", "2023-08-12T09:30:00", "2023-13-01T00:00:00Z",
			     "2023-02-29T00:00:00Z", "2023-08-12T24:00:00Z", "2023-08-12T09:30:00+0700",
			     "2023-08-12T09:30:00Zjunk", "x", ""};
	loa_ms t;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(loa_time_parse_rfc3339(bad[i], strlen(bad[i]), &t), LOA_EPARSE);
}

static void display_in_vietnam(void **state)
{
	char out[LOA_TIME_STR_MAX];
	/* 17:30 UTC is 00:30 the next day in Hà Nội */
	assert_string_equal(loa_time_format_display(parse("2025-12-31T17:30:00Z"), out),
			    "01/01/2026 00:30");
	assert_string_equal(loa_time_format_vn_date(parse("2025-12-31T16:59:59Z"), out), "2025-12-31");
	assert_string_equal(loa_time_format_vn_date(parse("2025-12-31T17:00:00Z"), out), "2026-01-01");
}

static void durations(void **state)
{
	loa_ms d;
	assert_int_equal(loa_parse_duration("7d", &d), LOA_OK);
	assert_true(d == 7LL * 86400000);
	assert_int_equal(loa_parse_duration("15m", &d), LOA_OK);
	assert_true(d == 900000);
	assert_int_equal(loa_parse_duration("d", &d), LOA_EINVAL);
	assert_int_equal(loa_parse_duration("3y", &d), LOA_EINVAL);
	assert_true(loa_mono_ns() <= loa_mono_ns());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc3339), cmocka_unit_test(rejects),
		cmocka_unit_test(display_in_vietnam), cmocka_unit_test(durations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
