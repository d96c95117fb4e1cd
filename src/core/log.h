/*
 * log.h - structured logging on stderr.
 *
 * A record is an event name plus key=value fields produced by a printf-style
 * format: loa_log(LOA_LOG_INFO, "import.done", "items=%zu file=%s", n, f).
 * Output, one line per record:
 *   text: ts=2026-11-23T00:11:51.123Z level=info event=import.done items=3 file=a.jsonl
 *   json: {"ts":"…","level":"info","event":"import.done","items":"3","file":"a.jsonl"}
 * In a field list a token without '=' continues the previous value, so a
 * last field such as msg=%s may hold spaces. The logger is thread-safe
 * (one write(2) per record). Level and format are process-wide settings
 * made once at start-up.
 */
#ifndef LOA_CORE_LOG_H
#define LOA_CORE_LOG_H

enum { LOA_LOG_DEBUG = 0, LOA_LOG_INFO, LOA_LOG_WARN, LOA_LOG_ERROR, LOA_LOG_OFF };

void loa_log_set_level(int level);
int loa_log_get_level(void);
void loa_log_set_json(int json);
/* "debug", "info", "warn", "error", "off" -> level; -1 when unknown. */
int loa_log_level_parse(const char *s);

void loa_log(int level, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define loa_debug(ev, ...) loa_log(LOA_LOG_DEBUG, ev, __VA_ARGS__)
#define loa_info(ev, ...) loa_log(LOA_LOG_INFO, ev, __VA_ARGS__)
#define loa_warn(ev, ...) loa_log(LOA_LOG_WARN, ev, __VA_ARGS__)
#define loa_error(ev, ...) loa_log(LOA_LOG_ERROR, ev, __VA_ARGS__)

#endif
