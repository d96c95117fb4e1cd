#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/map.h"

static int freed;
static void count_free(void *p) { freed++; free(p); }

static void set_get_del(void **state)
{
	loa_map m;
	loa_map_init(&m, NULL);
	char key[32];
	for (intptr_t i = 0; i < 5000; i++) {
		int n = snprintf(key, sizeof key, "k%ld", (long)i);
		assert_int_equal(loa_map_set(&m, key, (size_t)n, (void *)(i + 1)), LOA_OK);
	}
	assert_int_equal(m.count, 5000);
	for (intptr_t i = 0; i < 5000; i += 2) {
		int n = snprintf(key, sizeof key, "k%ld", (long)i);
		assert_int_equal(loa_map_del(&m, key, (size_t)n), 1);
	}
	assert_int_equal(m.count, 2500);
	for (intptr_t i = 0; i < 5000; i++) {
		int n = snprintf(key, sizeof key, "k%ld", (long)i);
		void *v = loa_map_get(&m, key, (size_t)n);
		if (i % 2)
			assert_true(v == (void *)(i + 1));
		else
			assert_null(v);
	}
	size_t it = 0, seen = 0;
	loa_map_entry *e;
	while (loa_map_next(&m, &it, &e))
		seen++;
	assert_int_equal(seen, 2500);
	/* keys with NUL bytes are distinct byte strings */
	assert_int_equal(loa_map_set(&m, "a\0b", 3, (void *)1), LOA_OK);
	assert_false(loa_map_has(&m, "a", 1));
	assert_true(loa_map_has(&m, "a\0b", 3));
	loa_map_release(&m);
}

static void owns_values(void **state)
{
	loa_map m;
	loa_map_init(&m, count_free);
	freed = 0;
	loa_map_set(&m, "x", 1, strdup("1"));
	loa_map_set(&m, "x", 1, strdup("2")); /* replaces: frees "1" */
	assert_int_equal(freed, 1);
	assert_string_equal(loa_map_get(&m, "x", 1), "2");
	loa_map_set(&m, "y", 1, strdup("3"));
	loa_map_release(&m);
	assert_int_equal(freed, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_get_del),
		cmocka_unit_test(owns_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
