/* paths.c - default file locations (see paths.h). */
#include "core/paths.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/banned.h"

int loa_exe_dir(loa_buf *out)
{
	char buf[LOA_PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0 || (size_t)n >= sizeof buf - 1)
		return LOA_EIO;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return LOA_EIO;
	size_t len = slash == buf ? 1 : (size_t)(slash - buf);
	return loa_buf_append(out, buf, len);
}

static int try_path(loa_buf *out, size_t base, const char *dir, const char *name)
{
	out->len = base;
	if (out->data)
		out->data[base] = '\0';
	if (loa_buf_printf(out, "%s/%s", dir, name))
		return 0;
	return access(out->data + base, R_OK) == 0;
}

int loa_model_path(const char *name, loa_buf *out, loa_err *err)
{
	if (!name || !*name || strchr(name, '/') || strstr(name, ".."))
		return loa_err_set(err, LOA_EINVAL, "tên mô hình không hợp lệ / bad model name: %s",
				   name ? name : "(null)");
	size_t base = out->len;
	const char *env = getenv("LOA_MODELS");
	if (env && *env && try_path(out, base, env, name))
		return LOA_OK;
	loa_buf exe;
	loa_buf_init(&exe, LOA_PATH_MAX + 16);
	if (loa_exe_dir(&exe) == LOA_OK && loa_buf_puts(&exe, "/../models") == LOA_OK &&
	    try_path(out, base, exe.data, name)) {
		loa_buf_release(&exe);
		return LOA_OK;
	}
	loa_buf_release(&exe);
	if (try_path(out, base, "models", name))
		return LOA_OK;
	out->len = base;
	if (out->data)
		out->data[base] = '\0';
	return loa_err_set(err, LOA_ENOTFOUND,
			   "không tìm thấy mô hình mặc định / default model not found: %s "
			   "(đã thử / tried $LOA_MODELS, <program dir>/../models, ./models)",
			   name);
}
