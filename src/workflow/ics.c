/*
 * ics.c - iCalendar writing (RFC 5545 §3.1 folding, §3.3.11 TEXT escaping).
 */
#include "workflow/ics.h"
#include "core/err.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

char *loa_ics_time(loa_ms t, char *out)
{
	int64_t secs = t >= 0 ? t / 1000 : (t - 999) / 1000;
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t rem = secs - days * 86400;
	int64_t y;
	unsigned m, d;
	loa_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	unsigned hh = (unsigned)(rem / 3600) % 24, mi = (unsigned)(rem / 60 % 60), ss = (unsigned)(rem % 60);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04d%02u%02uT%02u%02u%02uZ", (int)y, m % 100, d % 100, hh, mi, ss);
	memcpy(out, tmp, 17);
	out[16] = '\0';
	return out;
}

int loa_ics_escape(loa_buf *out, const char *s)
{
	int rc = LOA_OK;
	for (const char *p = s; !rc && *p; p++) {
		switch (*p) {
		case '\\': rc = loa_buf_puts(out, "\\\\"); break;
		case ';': rc = loa_buf_puts(out, "\\;"); break;
		case ',': rc = loa_buf_puts(out, "\\,"); break;
		case '\n': rc = loa_buf_puts(out, "\\n"); break;
		case '\r': break;
		default:
			/* other control characters are not allowed in TEXT */
			if ((unsigned char)*p < 0x20 && *p != '\t')
				rc = loa_buf_putc(out, ' ');
			else
				rc = loa_buf_putc(out, *p);
		}
	}
	return rc;
}

int loa_ics_fold(loa_buf *out, const char *line, size_t n)
{
	size_t used = 0; /* octets on the current physical line */
	size_t limit = LOA_ICS_LINE_MAX;
	size_t i = 0;
	while (i < n) {
		size_t len = 1;
		unsigned char c = (unsigned char)line[i];
		if (c >= 0xf0)
			len = 4;
		else if (c >= 0xe0)
			len = 3;
		else if (c >= 0xc0)
			len = 2;
		if (i + len > n)
			len = n - i;
		if (used + len > limit) {
			int rc = loa_buf_puts(out, "\r\n ");
			if (rc)
				return rc;
			used = 1; /* the leading space counts */
		}
		int rc = loa_buf_append(out, line + i, len);
		if (rc)
			return rc;
		used += len;
		i += len;
	}
	return loa_buf_puts(out, "\r\n");
}

int loa_ics_prop(loa_buf *out, const char *name, const char *value, bool escape)
{
	loa_buf line;
	loa_buf_init(&line, out->max);
	int rc = loa_buf_puts(&line, name);
	if (!rc)
		rc = loa_buf_putc(&line, ':');
	if (!rc)
		rc = escape ? loa_ics_escape(&line, value ? value : "") : loa_buf_puts(&line, value ? value : "");
	if (!rc)
		rc = loa_ics_fold(out, line.data, line.len);
	loa_buf_release(&line);
	return rc;
}

/* A parameter value: quoted, without DQUOTE and control characters. */
static int param_value(loa_buf *b, const char *s)
{
	int rc = loa_buf_putc(b, '"');
	for (const char *p = s; !rc && *p; p++)
		if (*p != '"' && (unsigned char)*p >= 0x20)
			rc = loa_buf_putc(b, *p);
	return rc ? rc : loa_buf_putc(b, '"');
}

int loa_ics_write(const loa_ics_event *e, loa_buf *out)
{
	if (!e->uid || !*e->uid || e->end < e->start)
		return LOA_EINVAL;
	char t[20], seq[24];
	const char *method = e->method ? e->method : "PUBLISH";
	int rc = loa_ics_prop(out, "BEGIN", "VCALENDAR", false);
	if (!rc)
		rc = loa_ics_prop(out, "VERSION", "2.0", false);
	if (!rc)
		rc = loa_ics_prop(out, "PRODID", "-//loa//workflow " LOA_VERSION "//VI", false);
	if (!rc)
		rc = loa_ics_prop(out, "CALSCALE", "GREGORIAN", false);
	if (!rc)
		rc = loa_ics_prop(out, "METHOD", method, false);
	if (!rc)
		rc = loa_ics_prop(out, "BEGIN", "VEVENT", false);
	if (!rc)
		rc = loa_ics_prop(out, "UID", e->uid, true);
	snprintf(seq, sizeof seq, "%d", e->sequence);
	if (!rc)
		rc = loa_ics_prop(out, "SEQUENCE", seq, false);
	if (!rc)
		rc = loa_ics_prop(out, "DTSTAMP", loa_ics_time(e->stamp, t), false);
	if (!rc)
		rc = loa_ics_prop(out, "DTSTART", loa_ics_time(e->start, t), false);
	if (!rc)
		rc = loa_ics_prop(out, "DTEND", loa_ics_time(e->end, t), false);
	if (!rc && e->summary)
		rc = loa_ics_prop(out, "SUMMARY", e->summary, true);
	if (!rc && e->location)
		rc = loa_ics_prop(out, "LOCATION", e->location, true);
	if (!rc && e->description)
		rc = loa_ics_prop(out, "DESCRIPTION", e->description, true);
	if (!rc && e->url)
		rc = loa_ics_prop(out, "URL", e->url, false);
	if (!rc && e->organizer_email && *e->organizer_email && !strpbrk(e->organizer_email, "\r\n\" :;,")) {
		loa_buf line;
		loa_buf_init(&line, 4096);
		rc = loa_buf_puts(&line, "ORGANIZER");
		if (!rc && e->organizer_name && *e->organizer_name) {
			rc = loa_buf_puts(&line, ";CN=");
			if (!rc)
				rc = param_value(&line, e->organizer_name);
		}
		if (!rc)
			rc = loa_buf_printf(&line, ":mailto:%s", e->organizer_email);
		if (!rc)
			rc = loa_ics_fold(out, line.data, line.len);
		loa_buf_release(&line);
	}
	if (!rc)
		rc = loa_ics_prop(out, "STATUS", strcmp(method, "CANCEL") == 0 ? "CANCELLED" : "CONFIRMED", false);
	if (!rc)
		rc = loa_ics_prop(out, "TRANSP", "OPAQUE", false);
	if (!rc)
		rc = loa_ics_prop(out, "END", "VEVENT", false);
	if (!rc)
		rc = loa_ics_prop(out, "END", "VCALENDAR", false);
	return rc;
}
