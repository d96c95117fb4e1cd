#include "core/log.h"
#include "core/buf.h"
#include "core/ltime.h"
#include "core/str.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/banned.h"

static atomic_int log_level = LOA_LOG_WARN;
static atomic_int log_json = 0;

void loa_log_set_level(int level) { atomic_store(&log_level, level); }
int loa_log_get_level(void) { return atomic_load(&log_level); }
void loa_log_set_json(int json) { atomic_store(&log_json, json); }

static const char *names[] = {"debug", "info", "warn", "error", "off"};

int loa_log_level_parse(const char *s)
{
	for (int i = 0; i <= LOA_LOG_OFF; i++)
		if (s && strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static void json_str(loa_buf *b, const char *s, size_t n)
{
	loa_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			loa_buf_putc(b, '\\');
			loa_buf_putc(b, (char)c);
		} else if (c < 0x20) {
			loa_buf_printf(b, "\\u%04x", c);
		} else {
			loa_buf_putc(b, (char)c);
		}
	}
	loa_buf_putc(b, '"');
}

static void fields_json(loa_buf *b, const char *f, size_t n)
{
	loa_str rest = {f, n};
	int open = 0; /* a value is open and may continue */
	loa_buf val;
	loa_buf_init(&val, 1 << 16);
	while (rest.n) {
		loa_str tok = loa_str_split(&rest, ' ');
		if (!tok.n)
			continue;
		const char *eq = memchr(tok.p, '=', tok.n);
		if (eq && eq != tok.p) {
			if (open) {
				json_str(b, val.data, val.len);
				loa_buf_reset(&val);
			}
			loa_buf_putc(b, ',');
			json_str(b, tok.p, (size_t)(eq - tok.p));
			loa_buf_putc(b, ':');
			loa_buf_append(&val, eq + 1, tok.n - (size_t)(eq - tok.p) - 1);
			open = 1;
		} else if (open) {
			loa_buf_putc(&val, ' ');
			loa_buf_append(&val, tok.p, tok.n);
		} else {
			loa_buf_puts(b, ",\"msg\":");
			loa_buf_append(&val, tok.p, tok.n);
			open = 1;
		}
	}
	if (open)
		json_str(b, val.data ? val.data : "", val.len);
	loa_buf_release(&val);
}

void loa_log(int level, const char *event, const char *fmt, ...)
{
	if (level < atomic_load(&log_level) || level >= LOA_LOG_OFF)
		return;
	char ts[LOA_TIME_STR_MAX];
	loa_time_format_rfc3339(loa_now_ms(), ts);
	loa_buf fields, line;
	loa_buf_init(&fields, 1 << 16);
	loa_buf_init(&line, 1 << 17);
	va_list ap;
	va_start(ap, fmt);
	if (loa_buf_vprintf(&fields, fmt, ap) != 0)
		loa_buf_puts(&fields, "msg=(log record too long)");
	va_end(ap);
	/* one record per line: flatten newlines */
	for (size_t i = 0; i < fields.len; i++)
		if (fields.data[i] == '\n' || fields.data[i] == '\r')
			fields.data[i] = ' ';
	if (atomic_load(&log_json)) {
		loa_buf_printf(&line, "{\"ts\":\"%s\",\"level\":\"%s\",\"event\":", ts, names[level]);
		json_str(&line, event, strlen(event));
		fields_json(&line, fields.data ? fields.data : "", fields.len);
		loa_buf_puts(&line, "}\n");
	} else {
		loa_buf_printf(&line, "ts=%s level=%s event=%s%s%s\n", ts, names[level], event,
			       fields.len ? " " : "", fields.data ? fields.data : "");
	}
	if (line.data) {
		ssize_t w = write(STDERR_FILENO, line.data, line.len);
		(void)w;
	}
	loa_buf_release(&fields);
	loa_buf_release(&line);
}
