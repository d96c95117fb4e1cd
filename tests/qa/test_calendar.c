/* The business calendar: lunar new year, holidays, working days across
 * Tết and 30/4-1/5, midnight in Asia/Ho_Chi_Minh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/calendar.h"

static int64_t D(int y, unsigned m, unsigned d)
{
	return loa_days_from_civil(y, m, d);
}

static void test_tet(void **state)
{
	assert_int_equal(loa_lunar_new_year(2025), D(2025, 1, 29));
	assert_int_equal(loa_lunar_new_year(2026), D(2026, 2, 17));
	assert_int_equal(loa_lunar_new_year(2024), D(2024, 2, 10));
	assert_int_equal(loa_lunar_new_year(2023), D(2023, 1, 22));
	assert_int_equal(loa_lunar_new_year(2000), D(2000, 2, 5));
	assert_int_equal(loa_lunar_new_year(2050), D(2050, 1, 23));
	int ly, lm, ld;
	bool leap;
	loa_day_to_lunar(D(2025, 4, 7), &ly, &lm, &ld, &leap); /* Giỗ Tổ 2025 */
	assert_int_equal(ly, 2025);
	assert_int_equal(lm, 3);
	assert_int_equal(ld, 10);
	assert_false(leap);
	int64_t d;
	assert_int_equal(loa_lunar_to_day(2025, 3, 10, false, &d), 0);
	assert_int_equal(d, D(2025, 4, 7));
	/* 2023 had a leap 2nd month; 2025 a leap 6th month */
	assert_int_equal(loa_lunar_to_day(2023, 2, 1, true, &d), 0);
	assert_int_equal(d, D(2023, 3, 22));
	assert_int_not_equal(loa_lunar_to_day(2024, 5, 1, true, &d), 0);
}

static void test_holidays(void **state)
{
	assert_non_null(loa_holiday_name(D(2025, 1, 1)));
	assert_non_null(loa_holiday_name(D(2025, 1, 28))); /* last day of the lunar year */
	assert_non_null(loa_holiday_name(D(2025, 1, 31)));
	assert_null(loa_holiday_name(D(2025, 2, 3)));      /* Tết days are not compensated */
	assert_non_null(loa_holiday_name(D(2025, 4, 7)));  /* Giỗ Tổ */
	assert_non_null(loa_holiday_name(D(2025, 4, 30)));
	assert_non_null(loa_holiday_name(D(2025, 5, 1)));
	assert_non_null(loa_holiday_name(D(2025, 9, 2)));
	assert_non_null(loa_holiday_name(D(2025, 9, 1)));
	/* 2022: 30/4 Saturday and 1/5 Sunday -> 2/5 and 3/5 off */
	assert_non_null(loa_holiday_name(D(2022, 5, 2)));
	assert_non_null(loa_holiday_name(D(2022, 5, 3)));
	assert_null(loa_holiday_name(D(2022, 5, 4)));
	/* 2024: 1/9 is a Sunday -> 3/9 is the extra day */
	assert_non_null(loa_holiday_name(D(2024, 9, 3)));
	assert_null(loa_holiday_name(D(2025, 3, 3)));
}

static void test_working_days(void **state)
{
	loa_calendar c;
	loa_calendar_init(&c);
	/* Tết 2026: 16/2 (Mon) .. 20/2 (Fri) */
	assert_int_equal(loa_calendar_add_working_days(&c, D(2026, 2, 13), 1), D(2026, 2, 23));
	assert_int_equal(loa_calendar_working_days_between(&c, D(2026, 2, 13), D(2026, 2, 23)), 1);
	/* Tết 2025: 28/1..1/2 off; 24/1 (Fri) + 2 = 27/1, 3/2 */
	assert_int_equal(loa_calendar_add_working_days(&c, D(2025, 1, 24), 1), D(2025, 1, 27));
	assert_int_equal(loa_calendar_add_working_days(&c, D(2025, 1, 24), 2), D(2025, 2, 3));
	/* 30/4 (Wed) and 1/5 (Thu) 2025 */
	assert_int_equal(loa_calendar_add_working_days(&c, D(2025, 4, 29), 1), D(2025, 5, 2));
	assert_int_equal(loa_calendar_add_working_days(&c, D(2025, 4, 29), 2), D(2025, 5, 5));
	assert_int_equal(loa_calendar_add_working_days(&c, D(2025, 4, 29), 0), D(2025, 4, 29));
	/* the Government's swap in 2025: 27/1 off, Saturday 15/2 worked */
	assert_int_equal(loa_calendar_add_days(&c, "2025-01-27", true, NULL), 0);
	assert_int_equal(loa_calendar_add_days(&c, "2025-02-15", false, NULL), 0);
	assert_false(loa_calendar_is_working_day(&c, D(2025, 1, 27)));
	assert_true(loa_calendar_is_working_day(&c, D(2025, 2, 15)));
	assert_int_equal(loa_calendar_add_working_days(&c, D(2025, 1, 24), 1), D(2025, 2, 3));
	loa_err err;
	assert_int_equal(loa_calendar_add_days(&c, "2025-13-01", true, &err), LOA_EPARSE);
	loa_calendar_release(&c);
}

static void test_midnight(void **state)
{
	loa_ms t;
	/* 17:00 UTC on 29/4 is 00:00 on 30/4 in Vietnam */
	assert_int_equal(loa_time_parse_rfc3339("2025-04-29T17:00:00Z", 20, &t), 0);
	assert_int_equal(loa_vn_day(t), D(2025, 4, 30));
	assert_int_equal(loa_vn_day(t - 1), D(2025, 4, 29));
	assert_int_equal(loa_time_parse_rfc3339("2025-04-30T23:59:59+07:00", 25, &t), 0);
	assert_int_equal(loa_vn_day(t), D(2025, 4, 30));
	assert_int_equal(loa_vn_day(-1), D(1970, 1, 1)); /* 06:59:59.999 on 1/1/1970 VN */
	assert_int_equal(loa_weekday(D(2025, 1, 29)), 2); /* a Wednesday */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tet),
		cmocka_unit_test(test_holidays),
		cmocka_unit_test(test_working_days),
		cmocka_unit_test(test_midnight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
