/*
 * qa.h - the qa room's answers, shared by `loa ask` and the HTTP API:
 * a question -> ranked articles with citations, best passage and
 * highlights, or an abstention; a record code + phone -> the record's
 * status, due date and lateness, with the article that sets the
 * procedure's time limit. Also the routes of the API (api.c).
 *
 * Answers are JSON (jansson) objects owned by the caller (json_decref).
 * Highlight offsets are in characters (Unicode code points, which for
 * Vietnamese text equal JavaScript's UTF-16 indexes) into "passage".
 */
#ifndef LOA_QA_QA_H
#define LOA_QA_QA_H

#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/config.h"
#include "core/err.h"
#include "http/http.h"
#include "qa/retrieve.h"
#include "store/store.h"

typedef struct json_t json_t;

#define LOA_QA_ABSTAIN_MSG "Không tìm thấy quy định phù hợp"

/* Answers a question on day as_of_day (LOA_QA_DAY_MIN = any). limit <=
 * LOA_QA_LIMIT_MAX. Abstains ("abstained": true, no answers) when the best
 * article's confidence is under the index's min_conf. */
int loa_qa_answer(loa_store *s, const loa_qa_index *ix, loa_qa_scratch *scr, const char *q,
		  size_t qn, int32_t as_of_day, size_t limit, json_t **out, loa_err *err);

/* The record's status (loa_case_lookup; LOA_ENOTFOUND for an unknown code
 * or a wrong phone) with, under "law", the article that sets the time
 * limit: the record's own link, else the best article for "thời hạn giải
 * quyết <procedure>" when ix is given. */
int loa_qa_case_answer(loa_store *s, const loa_calendar *cal, const loa_qa_index *ix,
		       loa_qa_scratch *scr, const char *code, const char *phone, loa_ms now,
		       json_t **out, loa_err *err);

/* The calendar of configuration keys calendar.days_off / calendar.work_days. */
int loa_qa_calendar_config(const loa_config *cfg, loa_calendar *cal, loa_err *err);
/* Ranking parameters: built-in, or the model file of key qa.model. */
int loa_qa_params_config(const loa_config *cfg, loa_qa_params *p, loa_err *err);

/* Today in Vietnam as a day number. */
int32_t loa_qa_today(void);
/* "YYYY-MM-DD" of a day. out has 16 bytes. */
char *loa_qa_day_str(int64_t day, char *out);

/* The API routes (api.c): POST /api/v1/ask, POST /api/v1/ask/feedback,
 * POST /api/v1/cases/lookup. Handlers expect the http room's loa_app as
 * their app pointer (store handles, configuration). */
extern const loa_http_route loa_qa_routes[];
extern const size_t loa_qa_nroutes;
/* The same table in the form app.c concatenates (route_table_fn). */
const loa_http_route *loa_api_qa_routes(size_t *n);

#endif
