/*
 * wf_int.h - inside the workflow room: what its files share.
 */
#ifndef LOA_WORKFLOW_WF_INT_H
#define LOA_WORKFLOW_WF_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "core/utf8.h"
#include "store/sql.h"
#include "workflow/engine.h"

/* Nested transactions on w->s: only the outermost begins and ends. */
int wf_begin(loa_wf *w, loa_err *err);
/* Ends one level: commits when rc is LOA_OK at the outermost level, else
 * rolls back. Returns rc (or the commit's error). */
int wf_end(loa_wf *w, int rc, loa_err *err);
/* s when non-empty, else NULL. */
const char *wf_str(const char *s);
bool wf_is_word_byte(unsigned char c);
/* Removes null members; returns o. */
json_t *wf_drop_nulls(json_t *o);
/* Binds v as text at i, or NULL when v is NULL or empty. */
void wf_bind_opt(loa_stmt *st, int i, const char *v);
/* Column i as a new JSON value (the caller owns it): an RFC 3339 time, a
 * string, an integer; JSON null when the column is NULL. */
json_t *wf_col_time(loa_stmt *st, int i);
json_t *wf_col_text(loa_stmt *st, int i);
json_t *wf_col_int(loa_stmt *st, int i);

static inline bool wf_utf8_ok(const char *s) { return loa_utf8_valid(s, strlen(s)); }
static inline bool wf_stopped(const atomic_int *stop) { return stop && atomic_load(stop); }

/* Sends one e-mail through libcurl SMTP: text/plain UTF-8, with an
 * optional attachment (multipart/mixed, base64). to: comma-separated. */
int wf_mail_send(const char *smtp_url, const char *from, long timeout_s, const char *to,
		 const char *subject, const char *body, const char *att_name, const char *att_type,
		 const char *att, size_t att_n, loa_err *err);

/* Correction requests: links items that show the correction (the tick). */
int wf_corrections_scan(loa_wf *w, const atomic_int *stop, int64_t *linked, loa_err *err);

/* Records the publication of a case that reached a LOA_WF_F_PUBLISH
 * transition (its answer, or its body for rebuttals). */
int wf_publish_case(loa_wf *w, int64_t id, const loa_wf_actor *a, loa_err *err);

/* Hands queued publications to the network room (sign, publish, feeds)
 * when w->cfg is set and nothing else is in a transaction; failures stay
 * queued with their error (retried by the tick, 5 tries). */
int wf_publications_flush(loa_wf *w, int max, loa_err *err);

#endif
