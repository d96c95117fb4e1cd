/*
 * api_search.c - search with the query language, saved queries, alerts.
 *   GET    /api/v1/search?q=&limit=&order=newest|relevance
 *   GET    /api/v1/queries            POST /api/v1/queries {name, query}
 *   DELETE /api/v1/queries/{name}
 *   GET    /api/v1/alerts             POST /api/v1/alerts {name, query, kind, mode, webhook,
 *                                                           secret, email, threshold, window_s}
 *   DELETE /api/v1/alerts/{name}
 */
#include "http/app_int.h"
#include "core/log.h"
#include "search/alert.h"
#include "search/query.h"
#include "search/search.h"

#include <string.h>

#include "core/banned.h"

#define STAFF LOA_ROLES_STAFF
#define ANALYSTS (LOA_ROLE_BIT(LOA_ROLE_ADMIN) | LOA_ROLE_BIT(LOA_ROLE_ANALYST) | \
		  LOA_ROLE_BIT(LOA_ROLE_SPOKESPERSON) | LOA_ROLE_BIT(LOA_ROLE_EDITOR))
#define QUERY_MAX 4096

static int hit_to_json(void *arg, const loa_search_hit *h)
{
	char t[LOA_TIME_STR_MAX];
	json_t *j = json_pack("{s:I,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s,s:f}", "item_id",
			      (json_int_t)h->item_id, "source", h->source, "title", h->title, "url", h->url,
			      "kind", h->kind, "platform", h->platform, "snippet", h->snippet,
			      "published_at", loa_time_format_rfc3339(h->published_at, t), "score", h->score);
	return json_array_append_new(arg, api_drop_nulls(j)) ? LOA_ENOMEM : 0;
}

/* Facet counts: source, kind and platform of the newest matches (at most
 * LOA_SEARCH_MAX_LIMIT of them, said in "facets_over"). */
typedef struct facets {
	json_t *source, *kind, *platform;
	int64_t n;
} facets;

static void facet_inc(json_t *o, const char *v)
{
	if (!v || !*v)
		return;
	json_t *c = json_object_get(o, v);
	json_object_set_new(o, v, json_integer(c ? json_integer_value(c) + 1 : 1));
}

static int hit_facet(void *arg, const loa_search_hit *h)
{
	facets *f = arg;
	facet_inc(f->source, h->source);
	facet_inc(f->kind, h->kind);
	facet_inc(f->platform, h->platform);
	f->n++;
	return 0;
}

static loa_search *search_of(loa_app *a, loa_http_resp *w)
{
	loa_err err;
	loa_err_clear(&err);
	loa_search *s = loa_app_search(a, &err);
	if (!s)
		loa_http_error(w, 503, "unavailable", "tìm kiếm không sẵn sàng / search unavailable: %s",
			       loa_err_msg(&err));
	return s;
}

static int bad_query(loa_http_resp *w, const char *msg, size_t pos)
{
	json_t *j = json_pack("{s:{s:s,s:s,s:I}}", "error", "code", "bad_query", "message", msg,
			      "position", (json_int_t)pos);
	return loa_http_json(w, 400, j);
}

static int h_search(loa_http_req *r, loa_http_resp *w, void *app)
{
	const char *q = loa_http_query(r, "q");
	if (!q || !*q)
		return loa_http_error(w, 400, "bad_request", "cần tham số q / parameter q is required");
	if (strlen(q) > QUERY_MAX)
		return loa_http_error(w, 400, "bad_request", "truy vấn quá dài / query too long");
	int64_t limit;
	if (api_query_int(r, w, "limit", 20, 1, LOA_SEARCH_MAX_LIMIT, &limit))
		return 0;
	const char *order = loa_http_query(r, "order");
	if (order && strcmp(order, "newest") && strcmp(order, "relevance"))
		return loa_http_error(w, 400, "bad_parameter", "order: newest hoặc relevance / newest or relevance");
	loa_search *s = search_of(app, w);
	if (!s)
		return 0;
	loa_err err;
	loa_err_clear(&err);
	loa_query *pq;
	size_t pos = 0;
	if (loa_query_parse(q, strlen(q), LOA_TIME_NONE, &pq, &pos, &err) != LOA_OK)
		return bad_query(w, loa_err_msg(&err), pos);
	loa_search_opts o = {0};
	o.order = order && strcmp(order, "relevance") == 0 ? LOA_SEARCH_RELEVANCE : LOA_SEARCH_NEWEST;
	o.limit = limit;
	o.now = LOA_TIME_NONE;
	loa_search_info info;
	o.info = &info;
	json_t *hits = json_array();
	int64_t count = 0;
	uint64_t t0 = loa_mono_ns();
	int rc = loa_search_run(s, pq, &o, hit_to_json, hits, &count, &err);
	const char *want = loa_http_query(r, "facets");
	facets f = {NULL, NULL, NULL, 0};
	if (rc == LOA_OK && want && strcmp(want, "1") == 0) {
		loa_search_opts fo = {0};
		fo.order = LOA_SEARCH_NEWEST;
		fo.limit = LOA_SEARCH_MAX_LIMIT;
		fo.now = LOA_TIME_NONE;
		fo.no_snippet = true;
		fo.no_sync = true; /* the first run synced */
		f.source = json_object();
		f.kind = json_object();
		f.platform = json_object();
		rc = loa_search_run(s, pq, &fo, hit_facet, &f, NULL, &err);
	}
	loa_query_free(pq);
	if (rc) {
		json_decref(hits);
		json_decref(f.source);
		json_decref(f.kind);
		json_decref(f.platform);
		if (rc == LOA_EINVAL || rc == LOA_EPARSE)
			return bad_query(w, loa_err_msg(&err), 0);
		return loa_http_error(w, 500, "internal", "%s", loa_err_msg(&err));
	}
	json_t *out = json_pack("{s:s,s:s,s:I,s:f,s:o}", "query", q, "order",
				o.order == LOA_SEARCH_RELEVANCE ? "relevance" : "newest", "count",
				(json_int_t)count, "ms", (double)(loa_mono_ns() - t0) / 1e6, "hits", hits);
	if (out && f.source) {
		json_object_set_new(out, "facets", json_pack("{s:o,s:o,s:o}", "source", f.source, "kind",
							     f.kind, "platform", f.platform));
		json_object_set_new(out, "facets_over", json_integer(f.n));
	}
	if (out && info.bounded > 0)
		json_object_set_new(out, "prefixes_bounded", json_string(info.note));
	return loa_http_json(w, 200, out);
}

static int query_to_json(void *arg, const loa_saved_query *q)
{
	char t[LOA_TIME_STR_MAX];
	json_t *j = json_pack("{s:I,s:s,s:s?,s:s,s:s,s:I}", "id", (json_int_t)q->id, "name", q->name,
			      "owner", q->owner, "query", q->query, "created_at",
			      loa_time_format_rfc3339(q->created_at, t), "hits", (json_int_t)q->hits);
	return json_array_append_new(arg, api_drop_nulls(j)) ? LOA_ENOMEM : 0;
}

static int h_queries(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_search *s = search_of(app, w);
	if (!s)
		return 0;
	json_t *arr = json_array();
	loa_err err;
	return api_list_reply(w, loa_search_queries_each(s, query_to_json, arr, &err), &err, "queries", arr);
}

static int h_query_add(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_search *s = search_of(app, w);
	if (!s)
		return 0;
	json_t *j = api_body_object(r, w);
	if (!j)
		return 0;
	const char *name = json_string_value(json_object_get(j, "name"));
	const char *query = json_string_value(json_object_get(j, "query"));
	if (!name || !query || strlen(query) > QUERY_MAX) {
		json_decref(j);
		return loa_http_error(w, 400, "bad_request", "cần name và query / name and query required");
	}
	loa_err err;
	loa_err_clear(&err);
	int64_t id;
	int rc = loa_search_query_add(s, name, api_user(r)->login, query, &id, &err);
	json_decref(j);
	if (rc == LOA_EEXIST)
		return loa_http_error(w, 409, "conflict", "%s", loa_err_msg(&err));
	if (rc == LOA_EPARSE || rc == LOA_EINVAL)
		return bad_query(w, loa_err_msg(&err), 0);
	if (rc)
		return loa_http_error(w, 500, "internal", "%s", loa_err_msg(&err));
	loa_info("api.query_add", "user=%s id=%lld", api_user(r)->login, (long long)id);
	return loa_http_json(w, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static int h_query_del(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_search *s = search_of(app, w);
	if (!s)
		return 0;
	loa_err err;
	int rc = loa_search_query_remove(s, loa_http_param(r, "name"), &err);
	if (rc == LOA_ENOTFOUND)
		return loa_http_error(w, 404, "not_found", "%s", loa_err_msg(&err));
	if (rc)
		return loa_http_error(w, 500, "internal", "%s", loa_err_msg(&err));
	return loa_http_json(w, 200, json_pack("{s:b}", "ok", 1));
}

static int alert_to_json(void *arg, const loa_alert_def *a)
{
	char t[LOA_TIME_STR_MAX];
	json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:f,s:I,s:I,s:I,s:s?}", "id",
			      (json_int_t)a->id, "name", a->name, "query", a->query, "kind", a->kind,
			      "mode", a->mode, "webhook", a->webhook, "email", a->email, "threshold",
			      a->threshold, "window_s", (json_int_t)(a->window / 1000), "pending",
			      (json_int_t)a->pending, "dead", (json_int_t)a->dead, "last_fired",
			      a->last_fired > 0 ? loa_time_format_rfc3339(a->last_fired, t) : NULL);
	return json_array_append_new(arg, api_drop_nulls(j)) ? LOA_ENOMEM : 0;
}

static int h_alerts(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_search *s = search_of(app, w);
	if (!s)
		return 0;
	json_t *arr = json_array();
	loa_err err;
	return api_list_reply(w, loa_alerts_each(s, alert_to_json, arr, &err), &err, "alerts", arr);
}

static int h_alert_add(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_search *s = search_of(app, w);
	if (!s)
		return 0;
	json_t *j = api_body_object(r, w);
	if (!j)
		return 0;
	loa_alert_def d = {0};
	d.name = json_string_value(json_object_get(j, "name"));
	d.query = json_string_value(json_object_get(j, "query"));
	d.kind = json_string_value(json_object_get(j, "kind"));
	d.mode = json_string_value(json_object_get(j, "mode"));
	d.webhook = json_string_value(json_object_get(j, "webhook"));
	d.secret = json_string_value(json_object_get(j, "secret"));
	d.email = json_string_value(json_object_get(j, "email"));
	json_t *th = json_object_get(j, "threshold");
	d.threshold = json_is_number(th) ? json_number_value(th) : -1;
	json_t *win = json_object_get(j, "window_s");
	d.window = json_is_integer(win) ? json_integer_value(win) * 1000 : 0;
	loa_err err;
	loa_err_clear(&err);
	int rc = !d.name || !d.query ? loa_err_set(&err, LOA_EINVAL, "cần name và query / name and query required")
				     : loa_alert_add(s, &d, &err);
	json_decref(j);
	if (rc == LOA_EEXIST)
		return loa_http_error(w, 409, "conflict", "%s", loa_err_msg(&err));
	if (rc == LOA_EINVAL || rc == LOA_ENOTFOUND || rc == LOA_EPARSE)
		return loa_http_error(w, 400, "bad_request", "%s", loa_err_msg(&err));
	if (rc)
		return loa_http_error(w, 500, "internal", "%s", loa_err_msg(&err));
	return loa_http_json(w, 201, json_pack("{s:b}", "ok", 1));
}

static int h_alert_del(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_search *s = search_of(app, w);
	if (!s)
		return 0;
	loa_err err;
	int rc = loa_alert_remove(s, loa_http_param(r, "name"), &err);
	if (rc == LOA_ENOTFOUND)
		return loa_http_error(w, 404, "not_found", "%s", loa_err_msg(&err));
	if (rc)
		return loa_http_error(w, 500, "internal", "%s", loa_err_msg(&err));
	return loa_http_json(w, 200, json_pack("{s:b}", "ok", 1));
}

static const loa_http_route routes[] = {
	{"GET", "/api/v1/search", h_search, STAFF},
	{"GET", "/api/v1/queries", h_queries, STAFF},
	{"POST", "/api/v1/queries", h_query_add, ANALYSTS},
	{"DELETE", "/api/v1/queries/{name}", h_query_del, ANALYSTS},
	{"GET", "/api/v1/alerts", h_alerts, STAFF},
	{"POST", "/api/v1/alerts", h_alert_add, ANALYSTS},
	{"DELETE", "/api/v1/alerts/{name}", h_alert_del, ANALYSTS},
};

const loa_http_route *loa_api_search_routes(size_t *n)
{
	*n = sizeof routes / sizeof routes[0];
	return routes;
}
