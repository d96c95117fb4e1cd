/*
 * api.c - the analysis room's JSON API (api.h): measures, stories, claims,
 * analysts' labels, the report.
 */
#include "analyze/api.h"
#include "analyze/claim.h"
#include "analyze/measure.h"
#include "analyze/pipeline.h"
#include "core/log.h"
#include "core/str.h"
#include "http/app_int.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define STAFF LOA_ROLES_STAFF
#define ANALYSTS (LOA_ROLE_BIT(LOA_ROLE_ADMIN) | LOA_ROLE_BIT(LOA_ROLE_ANALYST) | \
		  LOA_ROLE_BIT(LOA_ROLE_SPOKESPERSON) | LOA_ROLE_BIT(LOA_ROLE_EDITOR))

/* A time argument: RFC 3339, YYYY-MM-DD, or a duration back from now. */
static int query_when(loa_http_req *r, loa_http_resp *w, const char *name, loa_ms *out)
{
	const char *v = loa_http_query(r, name);
	loa_ms d;
	if (v && *v && v[0] >= '0' && v[0] <= '9' && strlen(v) < 12 &&
	    loa_parse_duration(v, &d) == LOA_OK && strchr(v, '-') == NULL) {
		*out = loa_now_ms() - d;
		return 0;
	}
	return api_query_time(r, w, name, out);
}

static int fail(loa_http_resp *w, int rc, const loa_err *err)
{
	if (rc == LOA_EINVAL)
		return loa_http_error(w, 400, "bad_parameter", "%s", loa_err_msg(err));
	if (rc == LOA_ENOTFOUND)
		return loa_http_error(w, 404, "not_found", "%s", loa_err_msg(err));
	loa_warn("analyze.api", "msg=%s", loa_err_msg(err));
	return loa_http_error(w, 500, "internal", "%s", loa_err_msg(err));
}

static int h_measures(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	loa_measures_opts o = {LOA_TIME_NONE, LOA_TIME_NONE, loa_http_query(r, "by"),
			       loa_http_query(r, "scope"), loa_http_query(r, "interval"),
			       loa_http_query(r, "org"), 0};
	if (query_when(r, w, "since", &o.from) || query_when(r, w, "until", &o.to))
		return 0;
	if (o.from == LOA_TIME_NONE)
		o.from = loa_now_ms() - (loa_ms)30 * 86400000;
	loa_err err;
	loa_err_clear(&err);
	void *j = NULL;
	int rc = loa_measures_build(s, &o, &j, &err);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 200, j);
}

static json_t *story_json(const loa_story_info *s)
{
	char a[LOA_TIME_STR_MAX], z[LOA_TIME_STR_MAX];
	int64_t lab = s->positive + s->neutral + s->negative;
	json_t *j = json_pack("{s:I,s:s,s:I,s:I,s:s,s:I,s:s,s:s,s:s,s:I,s:I,s:I}", "id",
			      (json_int_t)s->id, "title", s->title, "items", (json_int_t)s->items,
			      "outlets", (json_int_t)s->outlets, "first_source", s->first_source,
			      "first_item", (json_int_t)s->first_item, "first_at",
			      loa_time_format_rfc3339(s->first_at, a), "last_at",
			      loa_time_format_rfc3339(s->last_at, z), "tone", s->tone, "positive",
			      (json_int_t)s->positive, "neutral", (json_int_t)s->neutral, "negative",
			      (json_int_t)s->negative);
	if (j && lab)
		json_object_set_new(j, "negative_share", json_real((double)s->negative / (double)lab));
	return j;
}

static int story_cb(void *arg, const loa_story_info *s)
{
	return json_array_append_new(arg, story_json(s)) ? LOA_ENOMEM : 0;
}

static int h_stories(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	loa_ms since, until;
	int64_t limit, min_items;
	if (query_when(r, w, "since", &since) || query_when(r, w, "until", &until) ||
	    api_query_int(r, w, "limit", 50, 1, 500, &limit) ||
	    api_query_int(r, w, "min_items", 2, 1, 1000000, &min_items))
		return 0;
	json_t *arr = json_array();
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_stories_each(s, since, until, min_items, limit, story_cb, arr, &err);
	if (rc) {
		json_decref(arr);
		return fail(w, rc, &err);
	}
	return loa_http_json(w, 200, json_pack("{s:o}", "stories", arr));
}

static int series_cb(void *arg, loa_ms start, int64_t a, int64_t b)
{
	char t[LOA_TIME_STR_MAX];
	return json_array_append_new(arg, json_pack("{s:s,s:I}", "t", loa_time_format_rfc3339(start, t),
						     "items", (json_int_t)a))
		       ? LOA_ENOMEM
		       : 0;
}

static int story_item_cb(void *arg, int64_t item, loa_ms at, const char *source, const char *title,
			 const char *label)
{
	char t[LOA_TIME_STR_MAX];
	json_t *j = json_pack("{s:I,s:s,s:s?,s:s,s:s?}", "item_id", (json_int_t)item, "published_at",
			      loa_time_format_rfc3339(at, t), "source", source, "title", title, "tone",
			      label);
	return json_array_append_new(arg, api_drop_nulls(j)) ? LOA_ENOMEM : 0;
}

static int path_id(loa_http_req *r, loa_http_resp *w, int64_t *id)
{
	const char *p = loa_http_param(r, "id");
	if (!p || loa_parse_i64(p, id) || *id <= 0) {
		loa_http_error(w, 400, "bad_parameter", "mã không hợp lệ / bad id");
		return -1;
	}
	return 0;
}

static int h_story(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	int64_t id;
	if (!s || path_id(r, w, &id))
		return 0;
	const char *unit = loa_http_query(r, "unit");
	loa_err err;
	loa_err_clear(&err);
	loa_story_info info;
	int rc = loa_story_get(s, id, &info, &err);
	if (rc)
		return fail(w, rc, &err);
	json_t *spread = json_array(), *items = json_array();
	if ((rc = loa_story_series(s, id, unit && strcmp(unit, "hour") == 0 ? "hour" : "day",
				   series_cb, spread, &err)) ||
	    (rc = loa_story_items(s, id, 500, story_item_cb, items, &err))) {
		json_decref(spread);
		json_decref(items);
		return fail(w, rc, &err);
	}
	return loa_http_json(w, 200, json_pack("{s:o,s:o,s:o}", "story", story_json(&info), "spread",
					       spread, "items", items));
}

static json_t *claim_json(const loa_claim_info *c)
{
	char a[LOA_TIME_STR_MAX], b[LOA_TIME_STR_MAX], d[LOA_TIME_STR_MAX];
	json_t *j = json_pack("{s:I,s:s?,s:s,s:s?,s:s,s:I,s:I,s:I,s:s?,s:s?}", "id", (json_int_t)c->id,
			      "title", c->title[0] ? c->title : NULL, "text", c->text, "rebuttal_url",
			      c->rebuttal_url[0] ? c->rebuttal_url : NULL, "created_at",
			      loa_time_format_rfc3339(c->created_at, a), "items", (json_int_t)c->items,
			      "outlets", (json_int_t)c->outlets, "rebuttals", (json_int_t)c->rebuttals,
			      "first_seen",
			      c->first_seen == LOA_TIME_NONE ? NULL
							     : loa_time_format_rfc3339(c->first_seen, b),
			      "first_rebuttal",
			      c->first_rebuttal == LOA_TIME_NONE
				      ? NULL
				      : loa_time_format_rfc3339(c->first_rebuttal, d));
	if (j && c->rebuttal_url[0])
		json_object_set_new(j, "rebuttal", json_pack("{s:s}", "url", c->rebuttal_url));
	return api_drop_nulls(j);
}

static int claim_cb(void *arg, const loa_claim_info *c)
{
	return json_array_append_new(arg, claim_json(c)) ? LOA_ENOMEM : 0;
}

static int h_claims(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	json_t *arr = json_array();
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_claims_each(s, claim_cb, arr, &err);
	if (rc) {
		json_decref(arr);
		return fail(w, rc, &err);
	}
	return loa_http_json(w, 200, json_pack("{s:o}", "claims", arr));
}

static int claim_series_cb(void *arg, loa_ms start, int64_t a, int64_t b)
{
	char t[LOA_TIME_STR_MAX];
	return json_array_append_new(arg, json_pack("{s:s,s:I,s:I}", "t",
						     loa_time_format_rfc3339(start, t), "claim",
						     (json_int_t)a, "rebuttal", (json_int_t)b))
		       ? LOA_ENOMEM
		       : 0;
}

static int claim_item_cb(void *arg, int64_t item, loa_ms at, const char *source, const char *role,
			 double score, const char *title)
{
	char t[LOA_TIME_STR_MAX];
	json_t *j = json_pack("{s:I,s:s,s:s?,s:s?,s:f,s:s}", "item_id", (json_int_t)item,
			      "published_at", loa_time_format_rfc3339(at, t), "source", source, "role",
			      role, "score", score, "title", title);
	return json_array_append_new(arg, api_drop_nulls(j)) ? LOA_ENOMEM : 0;
}

static int h_claim(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	int64_t id;
	if (!s || path_id(r, w, &id))
		return 0;
	loa_err err;
	loa_err_clear(&err);
	loa_claim_info *c = malloc(sizeof *c);
	if (!c)
		return loa_http_error(w, 503, "unavailable", "hết bộ nhớ / out of memory");
	int rc = loa_claim_get(s, id, c, &err);
	if (rc) {
		free(c);
		return fail(w, rc, &err);
	}
	json_t *spread = json_array(), *items = json_array();
	if ((rc = loa_claim_series(s, id, claim_series_cb, spread, &err)) ||
	    (rc = loa_claim_items(s, id, 500, claim_item_cb, items, &err))) {
		free(c);
		json_decref(spread);
		json_decref(items);
		return fail(w, rc, &err);
	}
	json_t *j = json_pack("{s:o,s:o,s:o}", "claim", claim_json(c), "spread", spread, "items", items);
	free(c);
	return loa_http_json(w, 200, j);
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int h_claim_add(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	const loa_user *u = api_user(r);
	loa_err err;
	loa_err_clear(&err);
	int64_t id = 0, found = 0;
	int rc = loa_claim_add(s, jstr(b, "title"), jstr(b, "text"), jstr(b, "rebuttal_url"),
			       u ? u->login : "api", &id, &err);
	if (rc == LOA_OK)
		rc = loa_claim_backfill(s, id, LOA_TIME_NONE, &found, &err);
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 201, json_pack("{s:I,s:I}", "id", (json_int_t)id, "matched_items",
					       (json_int_t)found));
}

static int h_label(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	int64_t id;
	if (!s || path_id(r, w, &id))
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	const loa_user *u = api_user(r);
	const char *task = jstr(b, "task") ? jstr(b, "task") : "tone";
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_label_set(s, id, task, jstr(b, "label"), u ? u->login : NULL, jstr(b, "why"),
			       &err);
	json_t *out = rc ? NULL
			 : json_pack("{s:I,s:s,s:s?,s:s}", "item_id", (json_int_t)id, "task", task,
				     "label", jstr(b, "label"), "by", u ? u->login : "");
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 200, out);
}

static int h_report(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	loa_report_opts o = {LOA_TIME_NONE, LOA_TIME_NONE, loa_http_query(r, "org"), NULL, NULL,
			     NULL, 20};
	const char *format = loa_http_query(r, "format");
	if (!format)
		format = "json";
	if (query_when(r, w, "from", &o.from) || query_when(r, w, "to", &o.to))
		return 0;
	loa_err err;
	loa_err_clear(&err);
	void *j = NULL;
	int rc = loa_report_build(s, &o, &j, &err);
	if (rc)
		return fail(w, rc, &err);
	loa_buf *out = loa_http_body_buf(w);
	rc = loa_report_render(j, format, out, &err);
	json_decref(j);
	if (rc)
		return fail(w, rc, &err);
	loa_http_status(w, 200);
	loa_http_content_type(w, strcmp(format, "html") == 0  ? "text/html; charset=utf-8"
				 : strcmp(format, "csv") == 0 ? "text/csv; charset=utf-8"
							       : "application/json");
	return 0;
}

static const loa_http_route routes[] = {
	{"GET", "/api/v1/measures", h_measures, STAFF},
	{"GET", "/api/v1/stories", h_stories, STAFF},
	{"GET", "/api/v1/stories/{id}", h_story, STAFF},
	{"GET", "/api/v1/claims", h_claims, STAFF},
	{"POST", "/api/v1/claims", h_claim_add, ANALYSTS},
	{"GET", "/api/v1/claims/{id}", h_claim, STAFF},
	{"POST", "/api/v1/items/{id}/label", h_label, ANALYSTS},
	{"GET", "/api/v1/report", h_report, STAFF},
};

const loa_http_route *loa_analyze_routes(size_t *n)
{
	*n = sizeof routes / sizeof routes[0];
	return routes;
}
