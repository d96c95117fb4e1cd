/*
 * app_int.h - inside the http room: what the API handlers share.
 */
#ifndef LOA_HTTP_APP_INT_H
#define LOA_HTTP_APP_INT_H

#include <jansson.h>

#include "auth/auth.h"
#include "http/app.h"
#include "http/http.h"

/* The route tables of the API files, concatenated by app.c. */
const loa_http_route *loa_api_auth_routes(size_t *n);
const loa_http_route *loa_api_items_routes(size_t *n);
const loa_http_route *loa_api_search_routes(size_t *n);
const loa_http_route *loa_api_analyze_routes(size_t *n);

/* Adds what the analysis room found about item `id` to its JSON (api_analyze.c):
 * "tone" / "toxicity" {label, p, by}, "story" {id, title, items, outlets} or
 * null, "claims" [{id, title, score, role}], "analysed". */
int api_item_analysis(loa_store *s, int64_t id, json_t *item, loa_err *err);

/* The calling thread's search handle (opened on first use). */
struct loa_search;
struct loa_search *loa_app_search(loa_app *a, loa_err *err);

/* The caller (NULL when anonymous). */
static inline const loa_user *api_user(const loa_http_req *r)
{
	return (const loa_user *)loa_http_user(r);
}

/* The calling thread's store, or a 503 response and NULL. */
loa_store *api_store(loa_app *a, loa_http_resp *w);

/* Parses the request body as a JSON object; on failure fills a 400/415
 * response and returns NULL. The caller json_decref()s the result. */
json_t *api_body_object(loa_http_req *r, loa_http_resp *w);

/* Reads an integer query argument in [lo, hi] (def when absent); on a bad
 * value fills a 400 response and returns -1. */
int api_query_int(loa_http_req *r, loa_http_resp *w, const char *name, int64_t def, int64_t lo,
		  int64_t hi, int64_t *out);
/* Reads an optional time query argument (RFC 3339 or YYYY-MM-DD, Vietnam
 * midnight): LOA_TIME_NONE when absent; -1 and a 400 on a bad value. */
int api_query_time(loa_http_req *r, loa_http_resp *w, const char *name, loa_ms *out);

/* Removes the members whose value is null (absent fields are omitted in
 * API responses); returns o. */
json_t *api_drop_nulls(json_t *o);

/* Replies 200 {key: arr} when rc is LOA_OK, else 500 with err's message.
 * Takes arr either way (sent in the reply or json_decref()ed). */
int api_list_reply(loa_http_resp *w, int rc, const loa_err *err, const char *key, json_t *arr);

/* A user as JSON (no secrets). */
json_t *api_user_json(const loa_user *u);

/* Login throttling by client address: true when the address is locked
 * out; note_fail/ok record outcomes. */
int loa_app_login_locked(loa_app *a, const char *peer);
void loa_app_login_result(loa_app *a, const char *peer, int ok);

/* The session lifetime. */
loa_ms loa_app_session_ttl(loa_app *a);
/* Whether cookies carry the Secure attribute (TLS or configured). */
int loa_app_secure_cookies(loa_app *a);

#endif
