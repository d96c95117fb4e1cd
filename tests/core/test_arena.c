#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/arena.h"

static void alloc_align_cap(void **state)
{
	loa_arena a;
	loa_arena_init(&a, 1024, 64 * 1024);
	for (int i = 0; i < 100; i++) {
		void *p = loa_arena_alloc(&a, (size_t)i + 1);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		memset(p, 0xAB, (size_t)i + 1);
	}
	char *s = loa_arena_strdup(&a, "Đà Nẵng");
	assert_string_equal(s, "Đà Nẵng");
	/* past the cap: NULL, not a crash */
	assert_null(loa_arena_alloc(&a, 128 * 1024));
	loa_arena_reset(&a);
	assert_non_null(loa_arena_alloc(&a, 100));
	loa_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(alloc_align_cap)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
