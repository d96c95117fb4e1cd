/* Application records: import, lookup (a wrong phone looks exactly like an
 * unknown code), due dates across Tết and 30/4-1/5, lateness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qa/cases.h"
#include "qa/laws.h"

static loa_store *st;
static char dir[] = "/tmp/loa-qa-cases.XXXXXX";
static char dbp[256];

static int setup(void **state)
{
	assert_non_null(mkdtemp(dir));
	snprintf(dbp, sizeof dbp, "%s/t.db", dir);
	loa_err err;
	assert_int_equal(loa_store_open(dbp, 0, &st, &err), 0);
	assert_int_equal(loa_qa_db_init(st, &err), 0);
	return 0;
}

static int teardown(void **state)
{
	loa_store_close(st);
	char p[300];
	snprintf(p, sizeof p, "%s/t.db", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/t.db-wal", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/t.db-shm", dir);
	unlink(p);
	rmdir(dir);
	return 0;
}

static loa_ms at(const char *s)
{
	loa_ms t;
	assert_int_equal(loa_time_parse_rfc3339(s, strlen(s), &t), 0);
	return t;
}

static void test_phone(void **state)
{
	char out[16];
	assert_int_equal(loa_phone_normalize("+84 912 345 678", out), 0);
	assert_string_equal(out, "0912345678");
	assert_int_equal(loa_phone_normalize("0912.345.678", out), 0);
	assert_string_equal(out, "0912345678");
	assert_int_not_equal(loa_phone_normalize("12345", out), 0);
	assert_int_not_equal(loa_phone_normalize("09123abc", out), 0);
}

static void test_import_lookup(void **state)
{
	loa_err err;
	const char *a = "{\"code\":\"HS-1\",\"procedure\":\"Cấp giấy phép xây dựng\",\"phone\":\"0912345678\","
			"\"submitted\":\"2026-02-12T09:00:00+07:00\",\"limit_days\":3,\"history\":"
			"[{\"at\":\"2026-02-12T09:00:00+07:00\",\"status\":\"Đã tiếp nhận\"}]}";
	assert_int_equal(loa_case_import_json(st, a, strlen(a), &err), 0);
	const char *b = "{\"code\":\"HS-2\",\"procedure\":\"Đăng ký thường trú\",\"phone\":\"0987654321\","
			"\"submitted\":\"2025-04-28\",\"limit_days\":2,\"history\":[{\"at\":\"2025-05-06\","
			"\"status\":\"Đã trả kết quả\"}]}";
	assert_int_equal(loa_case_import_json(st, b, strlen(b), &err), 0);
	static const char *const bad[] = {
		"{\"code\":\"HS 3\",\"procedure\":\"x\",\"phone\":\"0912345678\",\"submitted\":\"2025-01-01\",\"limit_days\":1}",
		"{\"code\":\"HS-3\",\"procedure\":\"x\",\"phone\":\"1\",\"submitted\":\"2025-01-01\",\"limit_days\":1}",
		"{\"code\":\"HS-3\",\"procedure\":\"x\",\"phone\":\"0912345678\",\"submitted\":\"x\",\"limit_days\":1}",
		"{\"code\":\"HS-3\",\"procedure\":\"x\",\"phone\":\"0912345678\",\"submitted\":\"2025-01-01\",\"limit_days\":-1}",
		"{\"code\":\"HS-3\",\"procedure\":\"x\",\"phone\":\"0912345678\",\"submitted\":\"2025-01-01\"}",
		"{\"code\":\"HS-3\",\"procedure\":\"x\",\"phone\":\"0912345678\",\"submitted\":\"2025-01-01\",\"limit_days\":1,\"history\":[{\"at\":\"x\"}]}",
		"[]",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(loa_case_import_json(st, bad[i], strlen(bad[i]), &err), LOA_EINVAL);

	loa_calendar cal;
	loa_calendar_init(&cal);
	loa_case_view v;
	/* submitted Thu 12/2/2026; Tết 16..20/2: day 1 = 13/2, day 2 = 23/2, day 3 = 24/2 */
	assert_int_equal(loa_case_lookup(st, &cal, "HS-1", "+84912345678", at("2026-02-24T12:00:00Z"), &v, &err), 0);
	assert_int_equal(v.due_day, loa_days_from_civil(2026, 2, 24));
	assert_false(v.late);
	assert_false(v.done);
	assert_string_equal(v.status, "Đã tiếp nhận");
	loa_case_view_release(&v);
	/* the next day (in Vietnam: 17:00 UTC is already 25/2) it is late */
	assert_int_equal(loa_case_lookup(st, &cal, "HS-1", "0912345678", at("2026-02-24T17:00:00Z"), &v, &err), 0);
	assert_true(v.late);
	assert_int_equal(v.late_working_days, 1);
	loa_case_view_release(&v);
	/* submitted Mon 28/4/2025, 2 working days: 29/4, then 30/4 and 1/5 off: 2/5;
	 * finished 6/5 = 2 working days late (5/5, 6/5) */
	assert_int_equal(loa_case_lookup(st, &cal, "HS-2", "0987654321", at("2026-01-01T00:00:00Z"), &v, &err), 0);
	assert_int_equal(v.due_day, loa_days_from_civil(2025, 5, 2));
	assert_true(v.done);
	assert_true(v.late);
	assert_int_equal(v.late_working_days, 2);
	loa_case_view_release(&v);

	/* a wrong phone and an unknown code: the same error and message */
	loa_err e1, e2, e3;
	assert_int_equal(loa_case_lookup(st, &cal, "HS-1", "0900000000", 0, &v, &e1), LOA_ENOTFOUND);
	assert_int_equal(loa_case_lookup(st, &cal, "HS-404", "0912345678", 0, &v, &e2), LOA_ENOTFOUND);
	assert_int_equal(loa_case_lookup(st, &cal, "HS-1", "not a phone", 0, &v, &e3), LOA_ENOTFOUND);
	assert_string_equal(e1.msg, e2.msg);
	assert_string_equal(e1.msg, e3.msg);
	loa_calendar_release(&cal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_import_lookup),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
