/*
 * api_items.c - items, organisations and sources.
 *   GET  /api/v1/items?limit&cursor&source&since&until   newest first, keyset cursor
 *   GET  /api/v1/items/{id}
 *   POST /api/v1/items     one item object, {"items": [...]}, or JSON lines
 *                          (application/x-ndjson): the format of loa import
 *   GET  /api/v1/orgs, POST /api/v1/orgs (admin)
 *   GET  /api/v1/sources   with each source's health (feed room)
 */
#include "http/app_int.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/str.h"
#include "feed/ingest.h"
#include "store/item_json.h"
#include "store/sql.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define STAFF LOA_ROLES_STAFF
#define WRITERS (LOA_ROLE_BIT(LOA_ROLE_ADMIN) | LOA_ROLE_BIT(LOA_ROLE_EDITOR) | LOA_ROLE_BIT(LOA_ROLE_ANALYST))
#define ADMIN LOA_ROLE_BIT(LOA_ROLE_ADMIN)
#define ITEMS_PER_POST 10000

typedef struct page {
	json_t *arr;
	loa_ms last_t;
	int64_t last_id;
	int64_t n;
} page;

static int item_to_json(void *arg, const loa_item *it)
{
	page *p = arg;
	json_t *j = loa_item_to_json(it);
	if (!j)
		return LOA_ENOMEM;
	json_object_set_new(j, "item_id", json_integer(it->rowid));
	if (json_array_append_new(p->arr, j))
		return LOA_ENOMEM;
	p->last_t = it->published_at;
	p->last_id = it->rowid;
	p->n++;
	return 0;
}

static int h_items(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	loa_item_filter f;
	loa_item_filter_init(&f);
	f.newest_first = true;
	int64_t limit;
	if (api_query_int(r, w, "limit", 50, 1, 500, &limit) || api_query_time(r, w, "since", &f.since) ||
	    api_query_time(r, w, "until", &f.until))
		return 0;
	f.limit = limit;
	f.source = loa_http_query(r, "source");
	const char *cursor = loa_http_query(r, "cursor");
	if (cursor) {
		/* "<published_ms>.<item_id>" */
		const char *dot = strchr(cursor, '.');
		int64_t t, id;
		if (!dot || loa_parse_i64n((loa_str){cursor, (size_t)(dot - cursor)}, &t) ||
		    loa_parse_i64(dot + 1, &id))
			return loa_http_error(w, 400, "bad_parameter", "con trỏ không hợp lệ / bad cursor");
		f.before_time = t;
		f.before_rowid = id;
	}
	page p = {json_array(), 0, 0, 0};
	loa_err err;
	if (loa_store_items_each(s, &f, item_to_json, &p, &err) != LOA_OK) {
		json_decref(p.arr);
		return loa_http_error(w, 500, "internal", "%s", loa_err_msg(&err));
	}
	json_t *out = json_pack("{s:o}", "items", p.arr);
	if (p.n == limit) {
		char c[64];
		snprintf(c, sizeof c, "%" PRId64 ".%" PRId64, p.last_t, p.last_id);
		json_object_set_new(out, "next_cursor", json_string(c));
	} else {
		json_object_set_new(out, "next_cursor", json_null());
	}
	return loa_http_json(w, 200, out);
}

static int h_item(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	int64_t id;
	if (loa_parse_i64(loa_http_param(r, "id"), &id) || id <= 0)
		return loa_http_error(w, 400, "bad_parameter", "mã tin không hợp lệ / bad item id");
	loa_item_filter f;
	loa_item_filter_init(&f);
	f.rowid = id;
	page p = {json_array(), 0, 0, 0};
	loa_err err;
	if (loa_store_items_each(s, &f, item_to_json, &p, &err) != LOA_OK) {
		json_decref(p.arr);
		return loa_http_error(w, 500, "internal", "%s", loa_err_msg(&err));
	}
	if (p.n == 0) {
		json_decref(p.arr);
		return loa_http_error(w, 404, "not_found", "không có tin / no such item: %lld", (long long)id);
	}
	json_t *item = json_incref(json_array_get(p.arr, 0));
	json_decref(p.arr);
	loa_err_clear(&err);
	if (api_item_analysis(s, id, item, &err) != LOA_OK) /* the item without its analysis */
		loa_warn("api.item", "item=%lld msg=%s", (long long)id, loa_err_msg(&err));
	return loa_http_json(w, 200, json_pack("{s:o}", "item", item));
}

typedef struct post_stats {
	int64_t stored, updated, unchanged, refused;
	json_t *errors;
} post_stats;

static int store_one(loa_store *s, json_t *obj, size_t index, post_stats *ps)
{
	loa_item it;
	loa_err err;
	loa_err_clear(&err);
	int result = 0, rc;
	if (!json_is_object(obj))
		rc = loa_err_set(&err, LOA_EPARSE, "cần một đối tượng / expected an object");
	else if ((rc = loa_item_from_json(obj, &it, &err)) == LOA_OK)
		rc = loa_store_item_upsert(s, &it, &result, &err);
	if (rc == LOA_EINVAL || rc == LOA_EPARSE) {
		ps->refused++;
		if (json_array_size(ps->errors) < 100)
			json_array_append_new(ps->errors, json_pack("{s:I,s:s}", "index", (json_int_t)index,
								    "message", loa_err_msg(&err)));
		return LOA_OK;
	}
	if (rc)
		return rc;
	if (result == LOA_STORE_INSERTED)
		ps->stored++;
	else if (result == LOA_STORE_UPDATED)
		ps->updated++;
	else
		ps->unchanged++;
	return LOA_OK;
}

static int h_items_post(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	const char *ct = loa_http_header(r, "Content-Type");
	bool ndjson = ct && (strncmp(ct, "application/x-ndjson", 20) == 0 ||
			     strncmp(ct, "application/jsonl", 17) == 0);
	json_t *list = NULL, *single = NULL;
	if (ndjson) {
		size_t n;
		const char *body = loa_http_body(r, &n);
		list = json_array();
		loa_str rest = {body, n};
		size_t lineno = 0;
		while (rest.n) {
			loa_str line = loa_str_trim(loa_str_split(&rest, '\n'));
			lineno++;
			if (!line.n)
				continue;
			json_error_t je;
			json_t *j = json_loadb(line.p, line.n, 0, &je);
			if (!j) {
				json_decref(list);
				return loa_http_error(w, 400, "bad_json", "dòng %zu: JSON không hợp lệ / line %zu: "
						      "malformed JSON: %s", lineno, lineno, je.text);
			}
			json_array_append_new(list, j);
		}
	} else {
		json_t *body = api_body_object(r, w);
		if (!body)
			return 0;
		json_t *items = json_object_get(body, "items");
		if (items) {
			if (!json_is_array(items)) {
				json_decref(body);
				return loa_http_error(w, 400, "bad_request", "items phải là mảng / items must be an array");
			}
			list = json_incref(items);
			json_decref(body);
		} else {
			single = body;
			list = json_array();
			json_array_append(list, single);
		}
	}
	if (json_array_size(list) > ITEMS_PER_POST) {
		json_decref(list);
		json_decref(single);
		return loa_http_error(w, 413, "payload_too_large", "tối đa %d tin mỗi yêu cầu / at most %d "
				      "items per request", ITEMS_PER_POST, ITEMS_PER_POST);
	}
	post_stats ps = {0, 0, 0, 0, json_array()};
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_store_begin(s, &err);
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) {
		if (rc)
			break;
		rc = store_one(s, v, i, &ps);
	}
	if (rc == LOA_OK)
		rc = loa_store_commit(s, &err);
	else
		loa_store_rollback(s);
	size_t total = json_array_size(list);
	json_decref(list);
	if (rc) {
		json_decref(ps.errors);
		json_decref(single);
		return loa_http_error(w, rc == LOA_EFULL ? 507 : 500, rc == LOA_EFULL ? "storage_full" : "internal",
				      "%s", err.msg[0] ? err.msg : loa_strerror(rc));
	}
	if (ps.stored) {
		loa_metric_help("loa_items_in_total", LOA_METRIC_COUNTER, "Items stored, by way in.");
		loa_metric_add("loa_items_in_total", "via=\"api\"", (double)ps.stored);
	}
	loa_info("api.items", "user=%s received=%zu stored=%lld refused=%lld", api_user(r)->login, total,
		 (long long)ps.stored, (long long)ps.refused);
	if (single && ps.refused) {
		json_t *e = json_array_get(ps.errors, 0);
		int res = loa_http_error(w, 400, "bad_item", "%s",
					 json_string_value(json_object_get(e, "message")));
		json_decref(ps.errors);
		json_decref(single);
		return res;
	}
	json_decref(single);
	return loa_http_json(w, ps.refused && !ps.stored && !ps.updated && !ps.unchanged ? 400 : 200,
			     json_pack("{s:I,s:I,s:I,s:I,s:I,s:o}", "received", (json_int_t)total, "stored",
				       (json_int_t)ps.stored, "updated", (json_int_t)ps.updated,
				       "unchanged", (json_int_t)ps.unchanged, "refused",
				       (json_int_t)ps.refused, "errors", ps.errors));
}

static int org_to_json(void *arg, const loa_org *o)
{
	char a[LOA_TIME_STR_MAX], b[LOA_TIME_STR_MAX];
	json_t *j = json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?}", "slug", o->slug, "name", o->name,
			      "kind", o->kind, "parent", o->parent, "successor", o->successor,
			      "valid_from", o->valid_from == LOA_TIME_NONE ? NULL : loa_time_format_rfc3339(o->valid_from, a),
			      "valid_to", o->valid_to == LOA_TIME_NONE ? NULL : loa_time_format_rfc3339(o->valid_to, b));
	return json_array_append_new(arg, api_drop_nulls(j)) ? LOA_ENOMEM : 0;
}

static int h_orgs(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	json_t *arr = json_array();
	loa_err err;
	return api_list_reply(w, loa_store_orgs_each(s, org_to_json, arr, &err), &err, "orgs", arr);
}

static int h_orgs_post(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	json_t *j = api_body_object(r, w);
	if (!j)
		return 0;
	loa_org o = {0};
	o.slug = json_string_value(json_object_get(j, "slug"));
	o.name = json_string_value(json_object_get(j, "name"));
	o.kind = json_string_value(json_object_get(j, "kind"));
	o.parent = json_string_value(json_object_get(j, "parent"));
	o.valid_from = o.valid_to = LOA_TIME_NONE;
	loa_err err;
	loa_err_clear(&err);
	int64_t id;
	int rc = !o.slug || !o.name ? loa_err_set(&err, LOA_EINVAL, "cần slug và name / slug and name required")
				    : loa_store_org_add(s, &o, &id, &err);
	json_decref(j);
	if (rc == LOA_EEXIST)
		return loa_http_error(w, 409, "conflict", "%s", loa_err_msg(&err));
	if (rc == LOA_EINVAL || rc == LOA_ENOTFOUND)
		return loa_http_error(w, 400, "bad_request", "%s", loa_err_msg(&err));
	if (rc)
		return loa_http_error(w, 500, "internal", "%s", loa_err_msg(&err));
	return loa_http_json(w, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

typedef struct src_list {
	json_t *arr;
	int64_t *ids; /* ids[i]: the source of arr[i] */
	size_t cap;
} src_list;

static int source_to_json(void *arg, const loa_source *src)
{
	src_list *l = arg;
	size_t n = json_array_size(l->arr);
	if (n == l->cap) {
		size_t nc = l->cap ? 2 * l->cap : 64;
		int64_t *p = realloc(l->ids, nc * sizeof *p);
		if (!p)
			return LOA_ENOMEM;
		l->ids = p;
		l->cap = nc;
	}
	l->ids[n] = src->id;
	json_t *j = json_pack("{s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:I}", "slug", src->slug, "type",
			      src->type, "outlet", src->outlet, "org", src->org, "url", src->url, "state",
			      src->state, "platform", src->platform, "name", src->name, "items",
			      (json_int_t)src->items);
	return json_array_append_new(l->arr, api_drop_nulls(j)) ? LOA_ENOMEM : 0;
}

/* The dashboard's four health words from the source's state (feed room:
 * new, ok, redirected, silent, erroring, gone; the store: active, paused,
 * removed). */
static const char *health_of(const char *state)
{
	if (!state)
		return "ok";
	if (strcmp(state, "silent") == 0)
		return "silent";
	if (strcmp(state, "erroring") == 0 || strcmp(state, "gone") == 0)
		return "failing";
	if (strcmp(state, "paused") == 0 || strcmp(state, "removed") == 0)
		return "paused";
	return "ok";
}

static const char SQL_NEWEST_ITEM[] = "SELECT max(published_at) FROM items WHERE source_id = ?1";

/* Adds health, last_fetch_at, last_item_at, errors, last_error (and
 * next_fetch_at, warning when known) to one source. */
static int source_health(loa_store *s, int64_t id, json_t *j, loa_err *err)
{
	loa_feed_health h;
	int rc = loa_feed_health_get(s, id, &h, err);
	if (rc)
		return rc;
	char t[LOA_TIME_STR_MAX];
	json_object_set_new(j, "health", json_string(health_of(json_string_value(json_object_get(j, "state")))));
	loa_ms newest = h.known ? h.last_item : LOA_TIME_NONE;
	if (newest == LOA_TIME_NONE || newest <= 0) {
		/* sources that are not fetched (social, API): their newest stored item */
		loa_stmt *st;
		if ((rc = loa_sql_cached(s, SQL_NEWEST_ITEM, &st, err)))
			return rc;
		loa_sql_bind_i64(st, 1, id);
		newest = LOA_TIME_NONE;
		if ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW && !loa_sql_col_null(st, 0))
			newest = loa_sql_col_i64(st, 0);
		loa_sql_reset(st);
		if (rc < 0)
			return rc;
	}
	if (newest != LOA_TIME_NONE)
		json_object_set_new(j, "last_item_at", json_string(loa_time_format_rfc3339(newest, t)));
	if (!h.known)
		return LOA_OK;
	if (h.last_fetch > 0)
		json_object_set_new(j, "last_fetch_at", json_string(loa_time_format_rfc3339(h.last_fetch, t)));
	if (h.next_due > 0)
		json_object_set_new(j, "next_fetch_at", json_string(loa_time_format_rfc3339(h.next_due, t)));
	json_object_set_new(j, "errors", json_integer(h.failures));
	if (h.last_error[0])
		json_object_set_new(j, "last_error", json_string(h.last_error));
	if (h.warning[0])
		json_object_set_new(j, "warning", json_string(h.warning));
	return LOA_OK;
}

static int h_sources(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	src_list l = {json_array(), NULL, 0};
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_store_sources_each(s, source_to_json, &l, &err);
	for (size_t i = 0; rc == LOA_OK && i < json_array_size(l.arr); i++)
		rc = source_health(s, l.ids[i], json_array_get(l.arr, i), &err);
	free(l.ids);
	return api_list_reply(w, rc, &err, "sources", l.arr);
}

static const loa_http_route routes[] = {
	{"GET", "/api/v1/items", h_items, STAFF},
	{"POST", "/api/v1/items", h_items_post, WRITERS},
	{"GET", "/api/v1/items/{id}", h_item, STAFF},
	{"GET", "/api/v1/orgs", h_orgs, LOA_ROLES_ANY},
	{"POST", "/api/v1/orgs", h_orgs_post, ADMIN},
	{"GET", "/api/v1/sources", h_sources, STAFF},
};

const loa_http_route *loa_api_items_routes(size_t *n)
{
	*n = sizeof routes / sizeof routes[0];
	return routes;
}
