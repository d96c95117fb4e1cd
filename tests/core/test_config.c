#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"

static char path[64];

static void write_file(const char *text)
{
	snprintf(path, sizeof path, "/tmp/loa-cfg-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
}

static void layers(void **state)
{
	loa_err err;
	loa_config *c = loa_config_new();
	assert_string_equal(loa_config_get(c, "db"), "loa.db");
	assert_int_equal(loa_config_origin(c, "db"), LOA_CFG_DEFAULT);
	write_file("# comment\n db = from-file.db \nlog.level=info\n");
	assert_int_equal(loa_config_load_file(c, path, &err), LOA_OK);
	unlink(path);
	assert_string_equal(loa_config_get(c, "db"), "from-file.db");
	setenv("LOA_DB", "from-env.db", 1);
	assert_int_equal(loa_config_load_env(c, &err), LOA_OK);
	unsetenv("LOA_DB");
	assert_string_equal(loa_config_get(c, "db"), "from-env.db");
	assert_int_equal(loa_config_set_kv(c, "db=from-flag.db", LOA_CFG_FLAG, &err), LOA_OK);
	assert_string_equal(loa_config_get(c, "db"), "from-flag.db");
	/* a lower layer cannot override a higher one */
	assert_int_equal(loa_config_set(c, "db", "late-file.db", LOA_CFG_FILE, &err), LOA_OK);
	assert_string_equal(loa_config_get(c, "db"), "from-flag.db");
	assert_string_equal(loa_config_get(c, "log.level"), "info");
	assert_int_equal(loa_config_get_i64(c, "import.batch", 1), 5000);
	loa_config_free(c);
}

static void errors(void **state)
{
	loa_err err;
	loa_config *c = loa_config_new();
	assert_int_equal(loa_config_set_kv(c, "nokey=1", LOA_CFG_FLAG, &err), LOA_ENOTFOUND);
	assert_int_equal(loa_config_set_kv(c, "novalue", LOA_CFG_FLAG, &err), LOA_EINVAL);
	write_file("db = x\nbogus.key = 1\n");
	assert_int_equal(loa_config_load_file(c, path, &err), LOA_EPARSE);
	assert_non_null(strstr(err.msg, ":2:"));
	unlink(path);
	write_file("just words\n");
	assert_int_equal(loa_config_load_file(c, path, &err), LOA_EPARSE);
	unlink(path);
	assert_int_equal(loa_config_load_file(c, "/nonexistent/loa.conf", &err), LOA_ENOTFOUND);
	loa_config_free(c);
}

/* Found by fuzz/fuzz_config.c: a line longer than the reader's buffer
 * used to be cut in two, and the tail of a long comment became a setting. */
static void long_lines(void **state)
{
	loa_err err;
	loa_config *c = loa_config_new();
	loa_buf b;
	loa_buf_init(&b, 1 << 16);
	loa_buf_putc(&b, '#');
	for (int i = 0; i < 4094; i++)
		loa_buf_putc(&b, 'x');
	loa_buf_puts(&b, "db = injected.db\n");
	write_file(b.data);
	assert_int_equal(loa_config_load_file(c, path, &err), LOA_EPARSE);
	assert_non_null(strstr(err.msg, ":1: line too long"));
	assert_string_equal(loa_config_get(c, "db"), "loa.db");
	unlink(path);
	/* the longest line accepted: 4095 bytes without the newline */
	loa_buf_reset(&b);
	loa_buf_puts(&b, "db = ");
	for (int i = 0; i < 4090; i++)
		loa_buf_putc(&b, 'y');
	loa_buf_puts(&b, "\nlog.level = error");
	write_file(b.data);
	assert_int_equal(loa_config_load_file(c, path, &err), LOA_OK);
	assert_int_equal(strlen(loa_config_get(c, "db")), 4090);
	assert_string_equal(loa_config_get(c, "log.level"), "error"); /* last line, no newline */
	unlink(path);
	loa_buf_release(&b);
	loa_config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(layers), cmocka_unit_test(errors),
					   cmocka_unit_test(long_lines)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
