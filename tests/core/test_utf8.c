#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/utf8.h"

static void decode_encode(void **state)
{
	const char *s = "Hà Nội đ"; /* Hà: H, à (U+00E0); ộ U+1ED9 */
	uint32_t cp;
	size_t k = loa_utf8_decode((const unsigned char *)s + 1, strlen(s) - 1, &cp);
	assert_int_equal(k, 2);
	assert_int_equal(cp, 0xE0);
	unsigned char out[4];
	assert_int_equal(loa_utf8_encode(0x1ED9, out), 3);
	assert_memory_equal(out, "\xE1\xBB\x99", 3);
	assert_int_equal(loa_utf8_encode(0xD800, out), 0);
	assert_int_equal(loa_utf8_encode(0x1F600, out), 4);
	assert_true(loa_utf8_valid(s, strlen(s)));
	assert_int_equal(loa_utf8_count(s, strlen(s)), 8);
}

static void invalid_sequences(void **state)
{
	/* overlong, surrogate, truncated, stray continuation, > U+10FFFF */
	const char *bad[] = {"\xC0\xAF", "\xED\xA0\x80", "\xE1\xBB", "\x80", "\xF4\x90\x80\x80"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(loa_utf8_valid(bad[i], strlen(bad[i])));
}

static void sanitize(void **state)
{
	loa_buf b;
	loa_buf_init(&b, 0);
	const char in[] = "a\xFF" "b\0c\xE1\xBB\x99";
	assert_int_equal(loa_utf8_sanitize(&b, in, sizeof in - 1), LOA_OK);
	assert_string_equal(b.data, "a\xEF\xBF\xBD" "bc\xE1\xBB\x99");
	assert_true(loa_utf8_valid(b.data, b.len));
	loa_buf_release(&b);
}

static void truncate_on_boundary(void **state)
{
	const char *s = "ộộ"; /* 6 bytes */
	assert_int_equal(loa_utf8_truncate(s, 6, 4), 3);
	assert_int_equal(loa_utf8_truncate(s, 6, 3), 3);
	assert_int_equal(loa_utf8_truncate(s, 6, 10), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_encode), cmocka_unit_test(invalid_sequences),
		cmocka_unit_test(sanitize), cmocka_unit_test(truncate_on_boundary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
