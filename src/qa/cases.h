/*
 * cases.h - application records (hồ sơ thủ tục hành chính) imported from a
 * public-service system, and the citizen's status lookup by record code
 * and phone number (docs/formats/cases.md, docs/rooms/qa.md).
 *
 * Privacy: phone numbers are never stored; each record keeps a keyed
 * BLAKE2b hash of the normalised number (the key is random per database,
 * in qa_meta). A lookup with an unknown code and one with a wrong phone
 * give the same LOA_ENOTFOUND and do the same work (one hash, one
 * constant-time comparison).
 *
 * Due dates count working days on the business calendar (core/calendar.h):
 * the limit's last day is the limit-th working day after the day of
 * submission (Asia/Ho_Chi_Minh).
 *
 * Ownership: loa_case_view is caller-owned and filled in place (capped
 * fields; history is malloc'd: loa_case_view_release).
 */
#ifndef LOA_QA_CASES_H
#define LOA_QA_CASES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/err.h"
#include "core/ltime.h"
#include "store/store.h"

#define LOA_CASE_CODE_MAX 64
#define LOA_CASE_FIELD_MAX 512
#define LOA_CASE_HISTORY_MAX 200  /* status changes per record */
#define LOA_CASE_LIMIT_MAX 3650   /* working days */

typedef struct loa_case_stats {
	uint64_t read, stored, refused;
} loa_case_stats;

/* Imports one record: a JSON object (format "jsonl") or a CSV row with
 * its header's column names (format "csv": names[i] = values[i]).
 * LOA_EINVAL (err says which field) for a refused record. */
int loa_case_import_json(loa_store *s, const char *line, size_t n, loa_err *err);
int loa_case_import_fields(loa_store *s, const char *const *names, const char *const *values,
			   int nfields, loa_err *err);

/* Normalises a Vietnamese phone number to 0xxxxxxxxx (digits only, +84 /
 * 84 prefix to 0). LOA_EINVAL when it is not 9-11 digits after that. */
int loa_phone_normalize(const char *in, char out[16]);

typedef struct loa_case_view {
	char code[LOA_CASE_CODE_MAX + 1];
	char procedure[LOA_CASE_FIELD_MAX + 1], agency[LOA_CASE_FIELD_MAX + 1];
	char status[LOA_CASE_FIELD_MAX + 1];
	char law_doc[LOA_CASE_FIELD_MAX + 1], law_article[32]; /* "" when not linked */
	loa_ms submitted, finished;  /* finished: LOA_TIME_NONE while open */
	int limit_days;              /* working days */
	int64_t submitted_day, due_day, finished_day; /* days (Asia/Ho_Chi_Minh) */
	int elapsed_working_days;    /* from submission to today or to finishing */
	bool done, late;
	int late_working_days;       /* working days past the due day */
	int64_t late_days;           /* calendar days past the due day */
	char *history;               /* JSON array [{at, status, note}] (malloc'd) */
} loa_case_view;

void loa_case_view_release(loa_case_view *v);

/* Looks a record up: LOA_ENOTFOUND when the code is unknown or the phone
 * does not match (same error, same work). now decides "late" for open
 * records. */
int loa_case_lookup(loa_store *s, const loa_calendar *cal, const char *code, const char *phone,
		    loa_ms now, loa_case_view *out, loa_err *err);

#endif
