#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/str.h"

static void split_and_trim(void **state)
{
	loa_str s = loa_str_c("a,b,,c");
	assert_true(loa_str_eqc(loa_str_split(&s, ','), "a"));
	assert_true(loa_str_eqc(loa_str_split(&s, ','), "b"));
	assert_true(loa_str_eqc(loa_str_split(&s, ','), ""));
	assert_true(loa_str_eqc(loa_str_split(&s, ','), "c"));
	assert_int_equal(s.n, 0);
	assert_true(loa_str_eqc(loa_str_trim(loa_str_c("  x y \n")), "x y"));
	assert_true(loa_str_ieq(loa_str_c("JSONL"), "jsonl"));
	assert_true(loa_str_starts_with(loa_str_c("--db"), "--"));
}

static void parse_numbers(void **state)
{
	int64_t v;
	assert_int_equal(loa_parse_i64("42", &v), LOA_OK);
	assert_int_equal(v, 42);
	assert_int_equal(loa_parse_i64("-9223372036854775808", &v), LOA_OK);
	assert_true(v == INT64_MIN);
	assert_int_equal(loa_parse_i64("9223372036854775808", &v), LOA_ETOOBIG);
	assert_int_equal(loa_parse_i64("12a", &v), LOA_EINVAL);
	assert_int_equal(loa_parse_i64("", &v), LOA_EINVAL);
	assert_int_equal(loa_parse_i64("-", &v), LOA_EINVAL);
	assert_int_equal(loa_parse_i64(" 1", &v), LOA_EINVAL);
	uint64_t u;
	assert_int_equal(loa_parse_size("16M", &u), LOA_OK);
	assert_true(u == 16u << 20);
	assert_int_equal(loa_parse_size("-1", &u), LOA_EINVAL);
	double d;
	assert_int_equal(loa_parse_double("0.25", &d), LOA_OK);
	assert_true(d == 0.25);
	assert_int_equal(loa_parse_double("0.25x", &d), LOA_EINVAL);
}

static void strlcpy_truncates(void **state)
{
	char b[4];
	assert_int_equal(loa_strlcpy(b, "hello", sizeof b), 5);
	assert_string_equal(b, "hel");
	assert_int_equal(loa_strlcpy(b, "hi", sizeof b), 2);
	assert_string_equal(b, "hi");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_and_trim), cmocka_unit_test(parse_numbers),
		cmocka_unit_test(strlcpy_truncates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
