/*
 * ics.h - iCalendar (RFC 5545) for press-conference invitations: one
 * VEVENT in a VCALENDAR, lines ended by CRLF and folded at 75 octets
 * (never inside a UTF-8 sequence), TEXT values escaped (\\ \; \, \n),
 * times in UTC ("…Z").
 *
 * Ownership: everything is appended to a caller-owned loa_buf; strings in
 * loa_ics_event are borrowed for the call.
 */
#ifndef LOA_WORKFLOW_ICS_H
#define LOA_WORKFLOW_ICS_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/ltime.h"

#define LOA_ICS_LINE_MAX 75 /* octets of a folded line, CRLF excluded */

typedef struct loa_ics_event {
	const char *uid;         /* required, globally unique */
	int sequence;            /* 0, then +1 on each change */
	loa_ms stamp, start, end;
	const char *summary, *location, *description; /* may be NULL */
	const char *organizer_name, *organizer_email; /* may be NULL */
	const char *method;      /* "REQUEST" (invitation), "PUBLISH" or "CANCEL"; NULL = PUBLISH */
	const char *url;         /* may be NULL */
} loa_ics_event;

/* The whole calendar object. LOA_EINVAL without uid or with end < start. */
int loa_ics_write(const loa_ics_event *e, loa_buf *out);
/* Appends "NAME:value" (value escaped as TEXT when escape) folded, + CRLF. */
int loa_ics_prop(loa_buf *out, const char *name, const char *value, bool escape);
/* Appends a TEXT value escaped (no folding). */
int loa_ics_escape(loa_buf *out, const char *s);
/* Appends line[0..n) folded at LOA_ICS_LINE_MAX octets, then CRLF. */
int loa_ics_fold(loa_buf *out, const char *line, size_t n);
/* "20250130T020000Z". out has at least 17 bytes. */
char *loa_ics_time(loa_ms t, char *out);

#endif
