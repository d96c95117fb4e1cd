#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/vec.h"

static void append_and_cap(void **state)
{
	loa_buf b;
	loa_buf_init(&b, 10);
	assert_int_equal(loa_buf_puts(&b, "hello"), LOA_OK);
	assert_string_equal(b.data, "hello");
	assert_int_equal(loa_buf_puts(&b, "world"), LOA_OK);
	assert_int_equal(b.len, 10);
	/* one byte more is refused and leaves the buffer unchanged */
	assert_int_equal(loa_buf_putc(&b, '!'), LOA_ETOOBIG);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "helloworld");
	loa_buf_release(&b);
	assert_null(b.data);
}

static void printf_grows(void **state)
{
	loa_buf b;
	loa_buf_init(&b, 0);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(loa_buf_printf(&b, "%d,", i), LOA_OK);
	assert_true(b.len > 2000);
	assert_memory_equal(b.data, "0,1,2,", 6);
	loa_buf_consume(&b, 2);
	assert_memory_equal(b.data, "1,2,", 4);
	size_t n;
	char *p = loa_buf_detach(&b, &n);
	assert_non_null(p);
	assert_int_equal(strlen(p), n);
	assert_null(b.data);
	free(p);
}

static void printf_over_cap(void **state)
{
	loa_buf b;
	loa_buf_init(&b, 8);
	assert_int_equal(loa_buf_printf(&b, "%s", "0123456789"), LOA_ETOOBIG);
	assert_int_equal(b.len, 0);
	loa_buf_release(&b);
}

static void vec_push(void **state)
{
	LOA_VEC(int) v = {0};
	for (int i = 0; i < 100; i++)
		assert_int_equal(loa_vec_push(&v, i * 2), LOA_OK);
	assert_int_equal(v.len, 100);
	assert_int_equal(v.items[99], 198);
	loa_vec_release(&v);
	assert_null(v.items);
}

static void err_messages(void **state)
{
	loa_err e;
	loa_err_clear(&e);
	assert_string_equal(loa_err_msg(&e), "ok");
	assert_int_equal(loa_err_set(&e, LOA_EPARSE, "line %d", 7), LOA_EPARSE);
	assert_string_equal(loa_err_msg(&e), "line 7");
	assert_int_equal(loa_err_set(NULL, LOA_EIO, "x"), LOA_EIO);
	assert_string_equal(loa_strerror(LOA_ENOMEM), "out of memory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(append_and_cap), cmocka_unit_test(printf_grows),
		cmocka_unit_test(printf_over_cap), cmocka_unit_test(vec_push),
		cmocka_unit_test(err_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
