#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
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

/* The fast validator agrees with decoding every code point. */
static bool valid_by_decoding(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = loa_utf8_decode(p + i, n - i, &cp);
		if (cp == LOA_UTF8_REPLACEMENT && k == 1 && !(n - i >= 3 && !memcmp(p + i, "\xEF\xBF\xBD", 3)))
			return false;
		i += k;
	}
	return true;
}

static void validator_matches_decoder(void **state)
{
	unsigned char buf[64];
	uint32_t x = 12345;
	const unsigned char pool[] = {'a', ' ', 0x7f, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xA0,
				      0xED, 0x9F, 0xA0, 0xEF, 0xF0, 0x90, 0xF4, 0x8F, 0x90, 0xF5,
				      0xE1, 0xBB, 0x99, 0xC3, 0xA0};
	for (int round = 0; round < 200000; round++) {
		size_t n = (size_t)(x % sizeof buf);
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = pool[(x >> 16) % sizeof pool];
		}
		x = x * 1103515245u + 12345u;
		assert_int_equal(loa_utf8_valid((const char *)buf, n), valid_by_decoding(buf, n));
	}
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
		cmocka_unit_test(validator_matches_decoder),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
