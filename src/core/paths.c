/* paths.c - default file locations (see paths.h). */
#include "core/paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

int loa_file_write_atomic(const char *path, const void *data, size_t n, loa_err *err)
{
	if (!path || (!data && n))
		return loa_err_set(err, LOA_EINVAL, "tham số không hợp lệ / invalid argument");
	loa_buf tmp;
	loa_buf_init(&tmp, LOA_PATH_MAX + 64);
	if (loa_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid())) {
		loa_buf_release(&tmp);
		return loa_err_set(err, LOA_ETOOBIG, "đường dẫn quá dài / path too long");
	}
	FILE *f = fopen(tmp.data, "wb");
	if (!f) {
		int e = errno;
		loa_buf_release(&tmp);
		return loa_err_set(err, LOA_EIO, "không ghi được / cannot write: %s: %s", path,
				   strerror(e));
	}
	bool ok = fwrite(data, 1, n, f) == n;
	ok = fflush(f) == 0 && ok;
	ok = fsync(fileno(f)) == 0 && ok;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp.data, path) != 0) {
		int e = errno;
		unlink(tmp.data);
		loa_buf_release(&tmp);
		return loa_err_set(err, LOA_EIO, "không ghi được / cannot write: %s: %s", path,
				   strerror(e));
	}
	loa_buf_release(&tmp);
	return LOA_OK;
}

int loa_file_read_all(const char *path, size_t cap, unsigned char **data, size_t *n, loa_err *err)
{
	if (!path || !data || !n)
		return loa_err_set(err, LOA_EINVAL, "tham số không hợp lệ / invalid argument");
	*data = NULL;
	*n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return loa_err_set(err, errno == ENOENT ? LOA_ENOTFOUND : LOA_EIO,
				   "không mở được / cannot open: %s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return loa_err_set(err, LOA_EIO, "không đọc được / cannot read: %s", path);
	}
	if ((uint64_t)st.st_size > cap) {
		close(fd);
		return loa_err_set(err, LOA_ETOOBIG, "tệp quá lớn / file too big: %s", path);
	}
	size_t want = (size_t)st.st_size;
	unsigned char *p = malloc(want ? want : 1);
	if (!p) {
		close(fd);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	size_t got = 0;
	while (got < want) {
		ssize_t r = read(fd, p + got, want - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != want) {
		free(p);
		return loa_err_set(err, LOA_EIO, "không đọc được / cannot read: %s", path);
	}
	*data = p;
	*n = got;
	return LOA_OK;
}
