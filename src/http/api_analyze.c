/*
 * api_analyze.c - what the analysis room found, for the dashboard
 * (docs/web.md §8; docs/api/openapi.json):
 *   GET  /api/v1/measures?by=org|channel|platform&since=&until=&interval=hour|day|week|month
 *                         &scope=own|about|all&org=
 *   GET  /api/v1/items/{id}/labels       POST /api/v1/items/{id}/labels {kind, label, note}
 *   GET  /api/v1/stories?since=&until=&limit=&min_items=     GET /api/v1/stories/{id}
 *   GET  /api/v1/claims   POST /api/v1/claims {title, text, rebuttal_url}   GET /api/v1/claims/{id}
 *   GET  /api/v1/moderation?state=pending|approved|hidden&limit=&cursor=
 *   POST /api/v1/moderation/{item_id} {action: approve|hide}
 *   GET  /api/v1/alerts/events?limit=
 *   GET  /api/v1/report?from=&to=&org=&format=json|csv|html
 * and the analysis extras of an item (api_item_analysis, used by
 * GET /api/v1/items/{id}).
 *
 * Measures come from the analyze room's aggregate (loa_measure_rows,
 * measure.h: counts per hour and per Vietnam day kept current by triggers;
 * "own" and "about" as measure.h defines them), summed here into groups
 * and windows, so a request reads about one row per (group, day) instead
 * of one per item. Stories, claims, labels and the report go
 * through the analyze room's functions. Moderation decisions are this
 * file's own table (room "moderation") and are audited. Fired alerts are
 * read, read-only, from the search room's documented delivery table.
 *
 * Ownership: handlers use the calling thread's store (api_store); every
 * JSON value built here is handed to loa_http_json or decref'd.
 */
#include "http/app_int.h"
#include "analyze/classify.h"
#include "analyze/claim.h"
#include "analyze/measure.h"
#include "analyze/pipeline.h"
#include "core/log.h"
#include "core/map.h"
#include "core/paths.h"
#include "core/str.h"
#include "store/item_json.h"
#include "store/sql.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define STAFF LOA_ROLES_STAFF
#define ANALYSTS (LOA_ROLE_BIT(LOA_ROLE_ADMIN) | LOA_ROLE_BIT(LOA_ROLE_ANALYST) | \
		  LOA_ROLE_BIT(LOA_ROLE_SPOKESPERSON) | LOA_ROLE_BIT(LOA_ROLE_EDITOR))

#define HOUR_MS ((loa_ms)3600 * 1000)
#define DAY_MS ((loa_ms)86400 * 1000)
#define VN_MS ((loa_ms)LOA_VN_OFFSET_MIN * 60 * 1000)
#define MEASURE_WINDOWS_MAX 2000  /* windows of one series in one answer */
#define MEASURE_GROUPS_MAX 100    /* groups in one answer (the largest) */
#define MEASURE_ORGSET_MAX 64     /* an organisation and its predecessors */
#define MEASURE_DEFAULT_SPAN ((loa_ms)30 * DAY_MS)
#define LIST_MAX 500              /* items, claims and stories listed */
#define LABELS_MAX 200            /* label history entries */
#define NOTE_MAX 2048


/* ---- small helpers ---------------------------------------------------------------- */

/* A time argument: RFC 3339, YYYY-MM-DD (Vietnam midnight), or a duration
 * back from now ("24h", "7d"). */
static int query_when(loa_http_req *r, loa_http_resp *w, const char *name, loa_ms *out)
{
	const char *v = loa_http_query(r, name);
	loa_ms d;
	if (v && v[0] >= '0' && v[0] <= '9' && strlen(v) < 12 && !strchr(v, '-') &&
	    !strchr(v, ':') && loa_parse_duration(v, &d) == LOA_OK) {
		*out = loa_now_ms() - d;
		return 0;
	}
	return api_query_time(r, w, name, out);
}

static int fail(loa_http_resp *w, int rc, const loa_err *err)
{
	if (rc == LOA_EINVAL || rc == LOA_EPARSE)
		return loa_http_error(w, 400, "bad_parameter", "%s", loa_err_msg(err));
	if (rc == LOA_ENOTFOUND)
		return loa_http_error(w, 404, "not_found", "%s", loa_err_msg(err));
	if (rc == LOA_EEXIST)
		return loa_http_error(w, 409, "conflict", "%s", loa_err_msg(err));
	loa_warn("api.analyze", "rc=%d msg=%s", rc, loa_err_msg(err));
	return loa_http_error(w, 500, "internal", "lỗi máy chủ / internal error: %s", loa_err_msg(err));
}

static int path_id(loa_http_req *r, loa_http_resp *w, const char *name, int64_t *id)
{
	const char *p = loa_http_param(r, name);
	if (!p || loa_parse_i64(p, id) || *id <= 0) {
		loa_http_error(w, 400, "bad_parameter", "mã không hợp lệ / bad id");
		return -1;
	}
	return 0;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_t *time_json(loa_ms t)
{
	char ts[LOA_TIME_STR_MAX];
	return t == LOA_TIME_NONE ? json_null() : json_string(loa_time_format_rfc3339(t, ts));
}

/* The store's analysis tables exist (cheap when they do). */
static loa_store *analysis_store(loa_app *a, loa_http_resp *w)
{
	loa_store *s = api_store(a, w);
	if (!s)
		return NULL;
	loa_err err;
	loa_err_clear(&err);
	if (loa_analyze_schema(s, &err) != LOA_OK) {
		fail(w, LOA_EIO, &err);
		return NULL;
	}
	return s;
}

/* The item as the API shows it (docs/formats/items.md + item_id), or NULL. */
static int one_item_cb(void *arg, const loa_item *it)
{
	json_t **out = arg;
	*out = loa_item_to_json(it);
	if (*out)
		json_object_set_new(*out, "item_id", json_integer(it->rowid));
	return *out ? 1 : LOA_ENOMEM;
}

static json_t *item_json(loa_store *s, int64_t id)
{
	loa_item_filter f;
	loa_item_filter_init(&f);
	f.rowid = id;
	json_t *j = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_store_items_each(s, &f, one_item_cb, &j, &err);
	if (rc < 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static const char SQL_ITEM_KIND[] = "SELECT kind FROM items WHERE id = ?1";

/* 1 when the item exists (kind copied), 0 when not, < 0 on error. */
static int item_kind(loa_store *s, int64_t id, char *kind, size_t cap, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(s, SQL_ITEM_KIND, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW)
		loa_strlcpy(kind, loa_sql_col_text(st, 0) ? loa_sql_col_text(st, 0) : "", cap);
	loa_sql_reset(st);
	return rc;
}

/* ---- organisations and what they stand for today ---------------------------------- */

typedef struct org_ent {
	char slug[LOA_SLUG_MAX + 1];
	char resolved[LOA_SLUG_MAX + 1];
	char name[LOA_NAME_MAX + 1];
} org_ent;

typedef struct org_list {
	org_ent *e;
	size_t n, cap;
	loa_map by_slug; /* slug -> org_ent * (index into e, rebuilt after loading) */
} org_list;

static int org_collect(void *arg, const loa_org *o)
{
	org_list *v = arg;
	if (v->n == v->cap) {
		size_t nc = v->cap ? 2 * v->cap : 32;
		org_ent *p = realloc(v->e, nc * sizeof *p);
		if (!p)
			return LOA_ENOMEM;
		v->e = p;
		v->cap = nc;
	}
	org_ent *e = &v->e[v->n++];
	loa_strlcpy(e->slug, o->slug, sizeof e->slug);
	loa_strlcpy(e->resolved, o->slug, sizeof e->resolved);
	loa_strlcpy(e->name, o->name ? o->name : o->slug, sizeof e->name);
	return 0;
}

static void orgs_release(org_list *v)
{
	loa_map_release(&v->by_slug);
	free(v->e);
}

static int orgs_load(loa_store *s, org_list *v, loa_err *err)
{
	memset(v, 0, sizeof *v);
	loa_map_init(&v->by_slug, NULL);
	int rc = loa_store_orgs_each(s, org_collect, v, err);
	for (size_t i = 0; rc == LOA_OK && i < v->n; i++) {
		loa_org_rec rec;
		if (loa_store_org_resolve(s, v->e[i].slug, &rec, NULL) == LOA_OK)
			loa_strlcpy(v->e[i].resolved, rec.slug, sizeof v->e[i].resolved);
		if (loa_map_set(&v->by_slug, v->e[i].slug, strlen(v->e[i].slug), &v->e[i]))
			rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	return rc;
}

static const org_ent *org_find(const org_list *v, const char *slug)
{
	return slug ? loa_map_get(&v->by_slug, slug, strlen(slug)) : NULL;
}

/* The organisation a slug stands for today (itself when unknown). */
static const char *org_resolve(const org_list *v, const char *slug)
{
	const org_ent *e = org_find(v, slug);
	return e ? e->resolved : slug;
}

/* ---- measures ----------------------------------------------------------------------- */

typedef struct counts {
	int64_t n, pos, neu, neg;
} counts;

typedef struct mpoint {
	loa_ms t;
	counts c;
} mpoint;

typedef struct mgroup {
	char key[LOA_SLUG_MAX + 1];
	counts c;
	loa_map points; /* window start (8 bytes) -> mpoint * (owned) */
} mgroup;

static void mgroup_free(void *p)
{
	mgroup *g = p;
	loa_map_release(&g->points);
	free(g);
}

typedef struct mquery {
	const char *by, *scope, *interval;
	loa_ms from, to;          /* [from, to); INT64_MIN / INT64_MAX when open */
	loa_ms off, unit;         /* SQL bucket = (published_at + off) / unit */
	const char *org;          /* resolved slug asked for, or NULL */
	const char *set[MEASURE_ORGSET_MAX]; /* slugs standing for org */
	size_t nset;
	org_list orgs;
	loa_map groups;           /* key -> mgroup * (owned) */
	mgroup total;
	loa_map windows;          /* distinct windows seen (value unused) */
	bool truncated;           /* windows past the cap were left out */
} mquery;

static void counts_add(counts *a, const counts *b)
{
	a->n += b->n;
	a->pos += b->pos;
	a->neu += b->neu;
	a->neg += b->neg;
}

static int point_add(mquery *q, mgroup *g, loa_ms t, const counts *c)
{
	mpoint *p = loa_map_get(&g->points, &t, sizeof t);
	if (!p) {
		if (!loa_map_has(&q->windows, &t, sizeof t)) {
			if (q->windows.count >= MEASURE_WINDOWS_MAX) {
				q->truncated = true;
				return LOA_OK;
			}
			if (loa_map_set(&q->windows, &t, sizeof t, q))
				return LOA_ENOMEM;
		}
		if (!(p = calloc(1, sizeof *p)))
			return LOA_ENOMEM;
		p->t = t;
		if (loa_map_set(&g->points, &t, sizeof t, p)) {
			free(p);
			return LOA_ENOMEM;
		}
	}
	counts_add(&g->c, c);
	counts_add(&p->c, c);
	return LOA_OK;
}

static mgroup *group_at(mquery *q, const char *key)
{
	size_t kn = strlen(key);
	mgroup *g = loa_map_get(&q->groups, key, kn);
	if (g)
		return g;
	if (!(g = calloc(1, sizeof *g)))
		return NULL;
	loa_strlcpy(g->key, key, sizeof g->key);
	loa_map_init(&g->points, free);
	if (loa_map_set(&q->groups, key, kn, g)) {
		mgroup_free(g);
		return NULL;
	}
	return g;
}

/* One row of loa_measure_rows into the groups and the total: own and about
 * keys resolved to today's organisation (about rows of its own items
 * naming itself dropped). */
static int measure_row(void *arg, int mode, const char *key, const char *own, loa_ms at,
		       const int64_t c4[4])
{
	mquery *q = arg;
	counts c = {c4[0], c4[1], c4[2], c4[3]};
	mgroup *g;
	if (mode == LOA_MEASURE_TOTAL) {
		g = &q->total;
	} else {
		if (mode == LOA_MEASURE_OWN || mode == LOA_MEASURE_ABOUT) {
			key = org_resolve(&q->orgs, key);
			if (q->org && strcmp(key, q->org) != 0)
				return 0;
			if (mode == LOA_MEASURE_ABOUT && own &&
			    strcmp(org_resolve(&q->orgs, own), key) == 0)
				return 0; /* its own item naming itself */
		}
		if (!(g = group_at(q, key)))
			return LOA_ENOMEM;
	}
	return point_add(q, g, loa_window_start(at, q->interval), &c);
}

/* The measures from the analyze room's aggregate (measure.h). */
static int measures_sql(loa_store *s, mquery *q, loa_err *err)
{
	loa_measure_query mq = {q->by, q->scope, strcmp(q->interval, "hour") == 0, q->from, q->to,
				q->set, q->nset, false};
	int rc = loa_measure_rows(s, &mq, measure_row, q, err);
	if (rc == LOA_ENOMEM)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	return rc;
}

static int cmp_point(const void *x, const void *y)
{
	const mpoint *a = *(const mpoint *const *)x, *b = *(const mpoint *const *)y;
	return (a->t > b->t) - (a->t < b->t);
}

static int cmp_group(const void *x, const void *y)
{
	const mgroup *a = *(const mgroup *const *)x, *b = *(const mgroup *const *)y;
	if (a->c.n != b->c.n)
		return a->c.n < b->c.n ? 1 : -1;
	return strcmp(a->key, b->key);
}

/* n, positive, neutral, negative, share, lo, hi (share/lo/hi null when n = 0). */
static json_t *counts_json(const counts *c)
{
	double lo, hi;
	loa_wilson(c->neg, c->n, LOA_WILSON_Z95, &lo, &hi);
	json_t *o = json_object();
	json_object_set_new(o, "n", json_integer(c->n));
	json_object_set_new(o, "positive", json_integer(c->pos));
	json_object_set_new(o, "neutral", json_integer(c->neu));
	json_object_set_new(o, "negative", json_integer(c->neg));
	json_object_set_new(o, "share", c->n ? json_real((double)c->neg / (double)c->n) : json_null());
	json_object_set_new(o, "lo", c->n ? json_real(lo) : json_null());
	json_object_set_new(o, "hi", c->n ? json_real(hi) : json_null());
	return o;
}

static json_t *group_json(const mgroup *g)
{
	json_t *o = counts_json(&g->c);
	double lo, hi;
	loa_wilson(g->c.neg, g->c.n, LOA_WILSON_Z95, &lo, &hi);
	json_object_set_new(o, "status", json_string(loa_line_status(g->c.n, lo, hi, LOA_NEGATIVE_LINE)));
	size_t n = g->points.count, k = 0;
	mpoint **v = malloc((n ? n : 1) * sizeof *v);
	json_t *pts = json_array();
	if (v) {
		loa_map_entry *e;
		for (size_t it = 0; loa_map_next(&g->points, &it, &e);)
			v[k++] = e->value;
		qsort(v, k, sizeof *v, cmp_point);
		for (size_t i = 0; i < k; i++) {
			json_t *p = counts_json(&v[i]->c);
			json_object_set_new(p, "t", time_json(v[i]->t));
			json_array_append_new(pts, p);
		}
		free(v);
	}
	json_object_set_new(o, "points", pts);
	return o;
}

/* The method, from the report's own method text (built once: it does not
 * depend on the data). */
static pthread_mutex_t method_mu = PTHREAD_MUTEX_INITIALIZER;
static char *method_text;

static const char *measure_method(loa_store *s)
{
	pthread_mutex_lock(&method_mu);
	if (!method_text) {
		loa_report_opts o = {1, 2, NULL, NULL, NULL, NULL, 1};
		void *rep = NULL;
		loa_err err;
		loa_err_clear(&err);
		if (loa_report_build(s, &o, &rep, &err) == LOA_OK) {
			json_t *m = json_object_get(rep, "method");
			loa_buf b;
			loa_buf_init(&b, 16384);
			static const char *const keys[] = {"tone", "own", "about", "interval"};
			int e = 0;
			for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
				const char *t = jstr(m, keys[i]);
				if (t)
					e |= loa_buf_printf(&b, "%s%s", b.len ? " " : "", t);
			}
			if (b.len && !e)
				method_text = strdup(b.data);
			loa_buf_release(&b);
		}
		json_decref(rep);
	}
	const char *t = method_text ? method_text
				    : "Tỉ lệ tiêu cực = tin tiêu cực / tin có nhãn sắc thái, khoảng tin cậy "
				      "Wilson 95% / negative share = negative / items with a tone label, 95% "
				      "Wilson interval.";
	pthread_mutex_unlock(&method_mu);
	return t;
}

static int h_measures(loa_http_req *r, loa_http_resp *w, void *app)
{
	mquery q;
	memset(&q, 0, sizeof q);
	q.by = loa_http_query(r, "by") ? loa_http_query(r, "by") : "org";
	q.scope = loa_http_query(r, "scope") ? loa_http_query(r, "scope") : "own";
	q.interval = loa_http_query(r, "interval") ? loa_http_query(r, "interval") : "day";
	if (strcmp(q.by, "org") && strcmp(q.by, "channel") && strcmp(q.by, "platform"))
		return loa_http_error(w, 400, "bad_parameter", "by là org, channel hoặc platform / by is "
				      "org, channel or platform");
	if (strcmp(q.scope, "own") && strcmp(q.scope, "about") && strcmp(q.scope, "all"))
		return loa_http_error(w, 400, "bad_parameter", "scope là own, about hoặc all / scope is "
				      "own, about or all");
	loa_ms approx;
	if (strcmp(q.interval, "hour") == 0)
		q.unit = HOUR_MS, q.off = VN_MS, approx = HOUR_MS;
	else if (strcmp(q.interval, "day") == 0)
		q.unit = DAY_MS, q.off = VN_MS, approx = DAY_MS;
	else if (strcmp(q.interval, "week") == 0)
		q.unit = 7 * DAY_MS, q.off = VN_MS + 3 * DAY_MS, approx = 7 * DAY_MS;
	else if (strcmp(q.interval, "month") == 0)
		q.unit = DAY_MS, q.off = VN_MS, approx = 28 * DAY_MS; /* days merged into months */
	else
		return loa_http_error(w, 400, "bad_parameter", "interval là hour, day, week hoặc month / "
				      "interval is hour, day, week or month");
	loa_ms since, until;
	if (query_when(r, w, "since", &since) || query_when(r, w, "until", &until))
		return 0;
	loa_ms now = loa_now_ms();
	if (since == LOA_TIME_NONE)
		since = (until == LOA_TIME_NONE ? now : until) - MEASURE_DEFAULT_SPAN;
	if (until != LOA_TIME_NONE && until <= since)
		return loa_http_error(w, 400, "bad_parameter", "until phải sau since / until must be after since");
	loa_ms end = until != LOA_TIME_NONE ? until : (now > since ? now : since) + DAY_MS;
	if ((end - since) / approx > MEASURE_WINDOWS_MAX)
		return loa_http_error(w, 400, "bad_parameter", "quá nhiều khoảng thời gian (tối đa %d); chọn "
				      "khoảng dài hơn / too many windows (at most %d): choose a longer interval "
				      "or a shorter period", MEASURE_WINDOWS_MAX, MEASURE_WINDOWS_MAX);
	q.from = since;
	q.to = until == LOA_TIME_NONE ? INT64_MAX : until;
	loa_store *s = analysis_store(app, w);
	if (!s)
		return 0;
	loa_err err;
	loa_err_clear(&err);
	loa_map_init(&q.groups, mgroup_free);
	loa_map_init(&q.windows, NULL);
	loa_map_init(&q.total.points, free);
	int rc = orgs_load(s, &q.orgs, &err);
	const char *org = loa_http_query(r, "org");
	if (rc == LOA_OK && org) {
		const org_ent *e = org_find(&q.orgs, org);
		if (!e) {
			rc = loa_err_set(&err, LOA_EINVAL, "không có cơ quan / no such organisation: %.64s", org);
		} else {
			q.org = e->resolved;
			for (size_t i = 0; i < q.orgs.n && q.nset < MEASURE_ORGSET_MAX; i++)
				if (strcmp(q.orgs.e[i].resolved, q.org) == 0)
					q.set[q.nset++] = q.orgs.e[i].slug;
		}
	}
	if (rc == LOA_OK)
		rc = measures_sql(s, &q, &err);
	json_t *out = NULL;
	if (rc == LOA_OK) {
		out = json_object();
		json_object_set_new(out, "by", json_string(q.by));
		json_object_set_new(out, "scope", json_string(q.scope));
		json_object_set_new(out, "interval", json_string(q.interval));
		json_object_set_new(out, "since", time_json(since));
		json_object_set_new(out, "until", time_json(until));
		if (q.org)
			json_object_set_new(out, "org", json_string(q.org));
		json_object_set_new(out, "threshold", json_real(LOA_NEGATIVE_LINE));
		json_object_set_new(out, "method", json_string(measure_method(s)));
		size_t n = q.groups.count, k = 0;
		mgroup **v = malloc((n ? n : 1) * sizeof *v);
		json_t *groups = json_array();
		if (v) {
			loa_map_entry *e;
			for (size_t it = 0; loa_map_next(&q.groups, &it, &e);)
				v[k++] = e->value;
			qsort(v, k, sizeof *v, cmp_group);
			for (size_t i = 0; i < k && i < MEASURE_GROUPS_MAX; i++) {
				json_t *g = group_json(v[i]);
				json_object_set_new(g, "key", json_string(v[i]->key));
				const org_ent *oe = strcmp(q.by, "org") == 0 ? org_find(&q.orgs, v[i]->key) : NULL;
				const char *name = oe ? oe->name
						   : strcmp(v[i]->key, "own") == 0 && strcmp(q.by, "channel") == 0
							   ? "Kênh của cơ quan / own channels"
						   : strcmp(v[i]->key, "other") == 0 && strcmp(q.by, "channel") == 0
							   ? "Nơi khác / elsewhere"
							   : v[i]->key;
				json_object_set_new(g, "name", json_string(name));
				json_array_append_new(groups, g);
			}
			free(v);
		}
		json_object_set_new(out, "groups", groups);
		if (k > MEASURE_GROUPS_MAX)
			json_object_set_new(out, "groups_left_out", json_integer((json_int_t)(k - MEASURE_GROUPS_MAX)));
		json_object_set_new(out, "total", group_json(&q.total));
		json_object_set_new(out, "truncated", json_boolean(q.truncated));
	}
	loa_map_release(&q.groups);
	loa_map_release(&q.windows);
	loa_map_release(&q.total.points);
	orgs_release(&q.orgs);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 200, out);
}

/* ---- an item's analysis (GET /api/v1/items/{id}) ---------------------------------- */

static const char SQL_ITEM_ANALYSIS[] =
	"SELECT task, label, label_p, label_src, story_id FROM analyze_item WHERE item_id = ?1";
static const char SQL_LABEL_BY[] =
	"SELECT by, at FROM analyze_label WHERE item_id = ?1 AND task = ?2";
static const char SQL_ITEM_CLAIMS[] =
	"SELECT c.claim_id, k.title, k.text, c.score, c.role FROM analyze_claim_item c "
	"JOIN analyze_claim k ON k.id = c.claim_id WHERE c.item_id = ?1 ORDER BY c.score DESC LIMIT 50";

/* Copies at most cap-1 bytes of s without cutting a UTF-8 sequence. */
static void cut_copy(char *dst, size_t cap, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n > cap - 1) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	if (n)
		memcpy(dst, s, n);
	dst[n] = 0;
}

int api_item_analysis(loa_store *s, int64_t id, json_t *item, loa_err *err)
{
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, SQL_ITEM_ANALYSIS, &st, err)))
		return rc;
	loa_sql_bind_i64(st, 1, id);
	char task[32] = "", label[LOA_CLS_LABEL_MAX + 1] = "", src[16] = "";
	double p = 0;
	int64_t story = 0;
	bool have_p = false;
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW) {
		loa_strlcpy(task, loa_sql_col_text(st, 0) ? loa_sql_col_text(st, 0) : "", sizeof task);
		loa_strlcpy(label, loa_sql_col_text(st, 1) ? loa_sql_col_text(st, 1) : "", sizeof label);
		have_p = !loa_sql_col_null(st, 2);
		p = loa_sql_col_double(st, 2);
		loa_strlcpy(src, loa_sql_col_text(st, 3) ? loa_sql_col_text(st, 3) : "", sizeof src);
		story = loa_sql_col_null(st, 4) ? 0 : loa_sql_col_i64(st, 4);
	}
	loa_sql_reset(st);
	if (rc < 0)
		return rc;
	json_object_set_new(item, "analysed", json_boolean(rc == LOA_SQL_ROW));
	if (label[0] && (strcmp(task, "tone") == 0 || strcmp(task, "toxicity") == 0)) {
		json_t *l = json_object();
		json_object_set_new(l, "label", json_string(label));
		json_object_set_new(l, "p", have_p ? json_real(p) : json_null());
		char by[LOA_LABEL_BY_MAX + 1] = "model";
		if (strcmp(src, "human") == 0) {
			if ((rc = loa_sql_cached(s, SQL_LABEL_BY, &st, err)))
				return rc;
			loa_sql_bind_i64(st, 1, id);
			loa_sql_bind_text(st, 2, task);
			if ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
				loa_strlcpy(by, loa_sql_col_text(st, 0) ? loa_sql_col_text(st, 0) : "", sizeof by);
				json_object_set_new(l, "at", time_json(loa_sql_col_i64(st, 1)));
			}
			loa_sql_reset(st);
			if (rc < 0)
				return rc;
		}
		if (strcmp(task, "tone") == 0)
			json_object_set_new(l, "by", json_string(by));
		json_object_set_new(item, task, api_drop_nulls(l));
	}
	/* the story, when it holds more than this item */
	json_t *sj = json_null();
	if (story) {
		loa_story_info *info = malloc(sizeof *info);
		if (!info)
			return loa_err_set(err, LOA_ENOMEM, "out of memory");
		rc = loa_story_get(s, story, info, err);
		if (rc == LOA_OK && info->items > 1)
			sj = json_pack("{s:I,s:s,s:I,s:I}", "id", (json_int_t)info->id, "title", info->title,
				       "items", (json_int_t)info->items, "outlets", (json_int_t)info->outlets);
		free(info);
		if (rc && rc != LOA_ENOTFOUND)
			return rc;
	}
	json_object_set_new(item, "story", sj ? sj : json_null());
	json_t *claims = json_array();
	json_object_set_new(item, "claims", claims);
	if ((rc = loa_sql_cached(s, SQL_ITEM_CLAIMS, &st, err)))
		return rc;
	loa_sql_bind_i64(st, 1, id);
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		char title[256];
		const char *t = loa_sql_col_text(st, 1);
		cut_copy(title, sizeof title, t && *t ? t : loa_sql_col_text(st, 2));
		json_array_append_new(claims, json_pack("{s:I,s:s,s:f,s:s}", "id",
							(json_int_t)loa_sql_col_i64(st, 0), "title", title,
							"score", loa_sql_col_double(st, 3), "role",
							loa_sql_col_text(st, 4) ? loa_sql_col_text(st, 4) : "claim"));
	}
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}

/* ---- labels ------------------------------------------------------------------------- */

/* The label history is the audit log's "label.set" entries for the item
 * (who, when, why: loa_label_set writes them), newest first, then the
 * model's own label. */
static const char SQL_LABEL_AUDIT[] =
	"SELECT at, actor, detail FROM audit WHERE action = 'label.set' AND target = ?1 "
	"ORDER BY id DESC LIMIT ?2";
static const char SQL_MODEL_LABEL[] =
	"SELECT task, model_label, model_p, analyzed_at FROM analyze_item WHERE item_id = ?1";

static int h_labels(loa_http_req *r, loa_http_resp *w, void *app)
{
	int64_t id;
	if (path_id(r, w, "id", &id))
		return 0;
	loa_store *s = analysis_store(app, w);
	if (!s)
		return 0;
	loa_err err;
	loa_err_clear(&err);
	char kind[32];
	int rc = item_kind(s, id, kind, sizeof kind, &err);
	if (rc == LOA_SQL_DONE)
		return loa_http_error(w, 404, "not_found", "không có tin / no such item: %lld", (long long)id);
	if (rc < 0)
		return fail(w, rc, &err);
	json_t *arr = json_array();
	loa_stmt *st;
	char target[64];
	snprintf(target, sizeof target, "item:%" PRId64, id);
	if ((rc = loa_sql_cached(s, SQL_LABEL_AUDIT, &st, &err))) {
		json_decref(arr);
		return fail(w, rc, &err);
	}
	loa_sql_bind_text(st, 1, target);
	loa_sql_bind_i64(st, 2, LABELS_MAX);
	while ((rc = loa_sql_step(st, &err)) == LOA_SQL_ROW) {
		const char *d = loa_sql_col_text(st, 2);
		json_t *dj = d ? json_loads(d, 0, NULL) : NULL;
		json_t *e = json_object();
		json_object_set_new(e, "kind", json_string(jstr(dj, "task") ? jstr(dj, "task") : "tone"));
		json_object_set_new(e, "label", json_string(jstr(dj, "label") ? jstr(dj, "label") : ""));
		json_object_set_new(e, "p", json_real(1.0));
		json_object_set_new(e, "by", json_string(loa_sql_col_text(st, 1) ? loa_sql_col_text(st, 1) : ""));
		json_object_set_new(e, "at", time_json(loa_sql_col_i64(st, 0)));
		if (jstr(dj, "why"))
			json_object_set_new(e, "note", json_string(jstr(dj, "why")));
		if (jstr(dj, "previous"))
			json_object_set_new(e, "previous", json_string(jstr(dj, "previous")));
		json_object_set_new(e, "source", json_string("human"));
		json_decref(dj);
		json_array_append_new(arr, e);
	}
	loa_sql_reset(st);
	if (rc >= 0 && (rc = loa_sql_cached(s, SQL_MODEL_LABEL, &st, &err)) == LOA_OK) {
		loa_sql_bind_i64(st, 1, id);
		if ((rc = loa_sql_step(st, &err)) == LOA_SQL_ROW && loa_sql_col_text(st, 1)) {
			json_t *e = json_object();
			json_object_set_new(e, "kind", json_string(loa_sql_col_text(st, 0) ? loa_sql_col_text(st, 0) : "tone"));
			json_object_set_new(e, "label", json_string(loa_sql_col_text(st, 1)));
			if (!loa_sql_col_null(st, 2))
				json_object_set_new(e, "p", json_real(loa_sql_col_double(st, 2)));
			json_object_set_new(e, "at", time_json(loa_sql_col_i64(st, 3)));
			json_object_set_new(e, "source", json_string("model"));
			json_array_append_new(arr, e);
		}
		loa_sql_reset(st);
	}
	if (rc < 0) {
		json_decref(arr);
		return fail(w, rc, &err);
	}
	return loa_http_json(w, 200, json_pack("{s:I,s:o}", "item_id", (json_int_t)id, "labels", arr));
}

static int h_label_post(loa_http_req *r, loa_http_resp *w, void *app)
{
	int64_t id;
	if (path_id(r, w, "id", &id))
		return 0;
	loa_store *s = analysis_store(app, w);
	if (!s)
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	const char *kind = jstr(b, "kind") ? jstr(b, "kind") : "tone";
	const char *label = jstr(b, "label");
	const char *note = jstr(b, "note");
	json_t *nv = json_object_get(b, "note");
	const loa_user *u = api_user(r);
	int rc;
	loa_err err;
	loa_err_clear(&err);
	if (strcmp(kind, "tone") != 0 && strcmp(kind, "toxicity") != 0)
		rc = loa_err_set(&err, LOA_EINVAL, "kind là tone hoặc toxicity / kind is tone or toxicity");
	else if (!label || !*label)
		rc = loa_err_set(&err, LOA_EINVAL, "cần nhãn / label is required");
	else if (nv && !json_is_string(nv) && !json_is_null(nv))
		rc = loa_err_set(&err, LOA_EINVAL, "note phải là chuỗi / note must be a string");
	else if (note && strlen(note) > NOTE_MAX)
		rc = loa_err_set(&err, LOA_EINVAL, "ghi chú quá dài (tối đa %d byte) / note too long (max %d "
				 "bytes)", NOTE_MAX, NOTE_MAX);
	else
		rc = loa_label_set(s, id, kind, label, u->login, note && *note ? note : NULL, &err);
	json_t *out = NULL;
	if (rc == LOA_OK) {
		json_t *l = json_object();
		json_object_set_new(l, "item_id", json_integer(id));
		json_object_set_new(l, "kind", json_string(kind));
		json_object_set_new(l, "label", json_string(label));
		json_object_set_new(l, "p", json_real(1.0));
		json_object_set_new(l, "by", json_string(u->login));
		json_object_set_new(l, "at", time_json(loa_now_ms()));
		if (note && *note)
			json_object_set_new(l, "note", json_string(note));
		out = json_pack("{s:o}", "label", l);
		loa_info("api.label", "user=%s item=%lld kind=%s label=%s", u->login, (long long)id, kind,
			 label);
	}
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 201, out);
}

/* ---- stories ------------------------------------------------------------------------ */

static json_t *story_json(const loa_story_info *s)
{
	int64_t lab = s->positive + s->neutral + s->negative;
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(s->id));
	json_object_set_new(j, "title", json_string(s->title));
	json_object_set_new(j, "first", json_pack("{s:I,s:s,s:o}", "item_id", (json_int_t)s->first_item,
						  "source", s->first_source, "published_at",
						  time_json(s->first_at)));
	json_object_set_new(j, "last_at", time_json(s->last_at));
	json_object_set_new(j, "items", json_integer(s->items));
	json_object_set_new(j, "outlets", json_integer(s->outlets));
	json_object_set_new(j, "tone", s->tone && *s->tone ? json_string(s->tone) : json_null());
	json_object_set_new(j, "positive", json_integer(s->positive));
	json_object_set_new(j, "neutral", json_integer(s->neutral));
	json_object_set_new(j, "negative", json_integer(s->negative));
	json_object_set_new(j, "negative_share", lab ? json_real((double)s->negative / (double)lab) : json_null());
	return j;
}

static int story_cb(void *arg, const loa_story_info *s)
{
	return json_array_append_new(arg, story_json(s)) ? LOA_ENOMEM : 0;
}

static int h_stories(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_ms since, until;
	int64_t limit, min_items;
	if (query_when(r, w, "since", &since) || query_when(r, w, "until", &until) ||
	    api_query_int(r, w, "limit", 50, 1, LIST_MAX, &limit) ||
	    api_query_int(r, w, "min_items", 2, 1, 1000000, &min_items))
		return 0;
	loa_store *s = analysis_store(app, w);
	if (!s)
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

static int spread_cb(void *arg, loa_ms start, int64_t a, int64_t b)
{
	json_t *p = json_object();
	json_object_set_new(p, "t", time_json(start));
	json_object_set_new(p, "items", json_integer(a));
	return json_array_append_new(arg, p) ? LOA_ENOMEM : 0;
}

static int story_item_cb(void *arg, int64_t item, loa_ms at, const char *source, const char *title,
			 const char *label)
{
	json_t *j = json_object();
	json_object_set_new(j, "item_id", json_integer(item));
	json_object_set_new(j, "source", json_string(source ? source : ""));
	json_object_set_new(j, "title", json_string(title ? title : ""));
	json_object_set_new(j, "published_at", time_json(at));
	json_object_set_new(j, "tone", label && *label ? json_string(label) : json_null());
	return json_array_append_new(arg, j) ? LOA_ENOMEM : 0;
}

static int h_story(loa_http_req *r, loa_http_resp *w, void *app)
{
	int64_t id, limit;
	if (path_id(r, w, "id", &id) || api_query_int(r, w, "limit", 200, 1, LIST_MAX, &limit))
		return 0;
	const char *unit = loa_http_query(r, "unit");
	if (unit && strcmp(unit, "day") && strcmp(unit, "hour"))
		return loa_http_error(w, 400, "bad_parameter", "unit là day hoặc hour / unit is day or hour");
	loa_store *s = analysis_store(app, w);
	if (!s)
		return 0;
	loa_err err;
	loa_err_clear(&err);
	loa_story_info *info = malloc(sizeof *info);
	if (!info)
		return loa_http_error(w, 503, "unavailable", "hết bộ nhớ / out of memory");
	int rc = loa_story_get(s, id, info, &err);
	json_t *spread = json_array(), *items = json_array();
	if (rc == LOA_OK)
		rc = loa_story_series(s, id, unit ? unit : "day", spread_cb, spread, &err);
	if (rc == LOA_OK)
		rc = loa_story_items(s, id, limit, story_item_cb, items, &err);
	json_t *sj = rc == LOA_OK ? story_json(info) : NULL;
	free(info);
	if (rc) {
		json_decref(spread);
		json_decref(items);
		return fail(w, rc, &err);
	}
	return loa_http_json(w, 200, json_pack("{s:o,s:o,s:o}", "story", sj, "items", items, "spread", spread));
}

/* ---- claims ------------------------------------------------------------------------- */

static json_t *claim_json(const loa_claim_info *c)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(c->id));
	json_object_set_new(j, "title", json_string(c->title[0] ? c->title : c->text));
	json_object_set_new(j, "text", json_string(c->text));
	json_object_set_new(j, "created_at", time_json(c->created_at));
	json_object_set_new(j, "first_seen", time_json(c->first_seen));
	json_object_set_new(j, "first_rebuttal", time_json(c->first_rebuttal));
	json_object_set_new(j, "items", json_integer(c->items));
	json_object_set_new(j, "matches", json_integer(c->items));
	json_object_set_new(j, "outlets", json_integer(c->outlets));
	json_object_set_new(j, "rebuttals", json_integer(c->rebuttals));
	json_object_set_new(j, "rebuttal_url", c->rebuttal_url[0] ? json_string(c->rebuttal_url) : json_null());
	json_object_set_new(j, "status", json_string(c->rebuttals ? "rebutted" : "open"));
	json_object_set_new(j, "rebuttal", c->rebuttal_url[0]
						   ? json_pack("{s:s}", "url", c->rebuttal_url)
						   : json_null());
	return j;
}

static int claim_cb(void *arg, const loa_claim_info *c)
{
	json_t *a = arg;
	if (json_array_size(a) >= LIST_MAX)
		return 1; /* stop: enough */
	return json_array_append_new(a, claim_json(c)) ? LOA_ENOMEM : 0;
}

static int h_claims(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = analysis_store(app, w);
	if (!s)
		return 0;
	json_t *arr = json_array();
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_claims_each(s, claim_cb, arr, &err);
	if (rc < 0) {
		json_decref(arr);
		return fail(w, rc, &err);
	}
	return loa_http_json(w, 200, json_pack("{s:o}", "claims", arr));
}

static int claim_spread_cb(void *arg, loa_ms start, int64_t a, int64_t b)
{
	json_t *p = json_object();
	json_object_set_new(p, "t", time_json(start));
	json_object_set_new(p, "claim", json_integer(a));
	json_object_set_new(p, "rebuttal", json_integer(b));
	return json_array_append_new(arg, p) ? LOA_ENOMEM : 0;
}

static int claim_item_cb(void *arg, int64_t item, loa_ms at, const char *source, const char *role,
			 double score, const char *title)
{
	json_t *j = json_object();
	json_object_set_new(j, "item_id", json_integer(item));
	json_object_set_new(j, "role", json_string(role ? role : "claim"));
	json_object_set_new(j, "source", json_string(source ? source : ""));
	json_object_set_new(j, "title", json_string(title ? title : ""));
	json_object_set_new(j, "published_at", time_json(at));
	json_object_set_new(j, "score", json_real(score));
	return json_array_append_new(arg, j) ? LOA_ENOMEM : 0;
}

static int h_claim(loa_http_req *r, loa_http_resp *w, void *app)
{
	int64_t id, limit;
	if (path_id(r, w, "id", &id) || api_query_int(r, w, "limit", 200, 1, LIST_MAX, &limit))
		return 0;
	loa_store *s = analysis_store(app, w);
	if (!s)
		return 0;
	loa_err err;
	loa_err_clear(&err);
	loa_claim_info *c = malloc(sizeof *c);
	if (!c)
		return loa_http_error(w, 503, "unavailable", "hết bộ nhớ / out of memory");
	int rc = loa_claim_get(s, id, c, &err);
	json_t *spread = json_array(), *items = json_array();
	if (rc == LOA_OK)
		rc = loa_claim_series(s, id, claim_spread_cb, spread, &err);
	if (rc == LOA_OK)
		rc = loa_claim_items(s, id, limit, claim_item_cb, items, &err);
	json_t *cj = rc == LOA_OK ? claim_json(c) : NULL;
	free(c);
	if (rc) {
		json_decref(spread);
		json_decref(items);
		return fail(w, rc, &err);
	}
	return loa_http_json(w, 200, json_pack("{s:o,s:o,s:o}", "claim", cj, "items", items, "spread", spread));
}

static int h_claim_add(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = analysis_store(app, w);
	if (!s)
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	const loa_user *u = api_user(r);
	loa_err err;
	loa_err_clear(&err);
	int64_t id = 0, found = 0;
	const char *text = jstr(b, "text"), *title = jstr(b, "title"), *url = jstr(b, "rebuttal_url");
	int rc;
	if (!text || !*text)
		rc = loa_err_set(&err, LOA_EINVAL, "cần nội dung (text) / text is required");
	else if (title && strlen(title) > LOA_CLAIM_TITLE_MAX)
		rc = loa_err_set(&err, LOA_EINVAL, "tiêu đề quá dài / title too long");
	else if (url && *url && strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		rc = loa_err_set(&err, LOA_EINVAL, "rebuttal_url phải là URL http(s) / rebuttal_url must "
				 "be an http(s) URL");
	else
		rc = loa_claim_add(s, title && *title ? title : NULL, text, url && *url ? url : NULL,
				   u->login, &id, &err);
	if (rc == LOA_OK)
		rc = loa_claim_backfill(s, id, LOA_TIME_NONE, &found, &err);
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	loa_claim_info *c = malloc(sizeof *c);
	if (!c)
		return loa_http_error(w, 503, "unavailable", "hết bộ nhớ / out of memory");
	rc = loa_claim_get(s, id, c, &err);
	json_t *cj = rc == LOA_OK ? claim_json(c) : NULL;
	free(c);
	if (rc)
		return fail(w, rc, &err);
	loa_info("api.claim", "user=%s claim=%lld matched=%lld", u->login, (long long)id, (long long)found);
	return loa_http_json(w, 201, json_pack("{s:o,s:I}", "claim", cj, "matched_items", (json_int_t)found));
}

/* ---- moderation --------------------------------------------------------------------- */

static const char *const moderation_migrations[] = {
	/* 1 */
	"CREATE TABLE moderation_decision(\n"
	"  item_id INTEGER PRIMARY KEY,\n"
	"  action TEXT NOT NULL CHECK(action IN ('approve','hide')),\n"
	"  decided_by TEXT NOT NULL,\n"
	"  at INTEGER NOT NULL);\n"
	"CREATE INDEX moderation_decision_action ON moderation_decision(action, at);\n",
};

static int moderation_schema(loa_store *s, loa_err *err)
{
	return loa_sql_room_migrate(s, "moderation", moderation_migrations,
				    (int)(sizeof moderation_migrations / sizeof moderation_migrations[0]), err);
}

/* How toxic a comment is: the probability of a label other than "clean". */
#define TOX_SCORE "(CASE WHEN a.label = 'clean' THEN 1.0 - coalesce(a.label_p, 0.5) " \
		  "WHEN a.label IS NULL THEN 0.0 ELSE coalesce(a.label_p, 0.5) END)"

static const char SQL_MOD_PENDING[] =
	"SELECT a.item_id, " TOX_SCORE ", a.label, a.label_p, NULL, NULL, NULL FROM analyze_item a "
	"LEFT JOIN moderation_decision d ON d.item_id = a.item_id "
	"WHERE a.kind = 'comment' AND d.item_id IS NULL AND "
	"(" TOX_SCORE " < ?1 OR (" TOX_SCORE " = ?1 AND a.item_id < ?2)) "
	"ORDER BY 2 DESC, a.item_id DESC LIMIT ?3";
static const char SQL_MOD_DECIDED[] =
	"SELECT a.item_id, " TOX_SCORE ", a.label, a.label_p, d.action, d.decided_by, d.at FROM analyze_item a "
	"JOIN moderation_decision d ON d.item_id = a.item_id "
	"WHERE a.kind = 'comment' AND d.action = ?4 AND "
	"(" TOX_SCORE " < ?1 OR (" TOX_SCORE " = ?1 AND a.item_id < ?2)) "
	"ORDER BY 2 DESC, a.item_id DESC LIMIT ?3";
static const char SQL_PARENT_TITLE[] =
	"SELECT p.id, p.title, substr(p.text, 1, 200) FROM items c JOIN items p ON p.ident = c.parent_ident "
	"WHERE c.id = ?1";

static json_t *decision_json(const char *action, const char *by, loa_ms at)
{
	return json_pack("{s:s,s:s,s:o}", "action", action, "by", by, "at", time_json(at));
}

static int h_moderation(loa_http_req *r, loa_http_resp *w, void *app)
{
	const char *state = loa_http_query(r, "state") ? loa_http_query(r, "state") : "pending";
	const char *action = strcmp(state, "approved") == 0 ? "approve"
			     : strcmp(state, "hidden") == 0 ? "hide"
							    : NULL;
	if (!action && strcmp(state, "pending") != 0)
		return loa_http_error(w, 400, "bad_parameter", "state là pending, approved hoặc hidden / "
				      "state is pending, approved or hidden");
	int64_t limit;
	if (api_query_int(r, w, "limit", 50, 1, 200, &limit))
		return 0;
	double c_score = 2.0;
	int64_t c_id = INT64_MAX;
	const char *cursor = loa_http_query(r, "cursor");
	if (cursor) {
		/* "<score>_<item_id>" */
		const char *us = strchr(cursor, '_');
		char *end = NULL;
		c_score = us ? strtod(cursor, &end) : -1;
		if (!us || end != us || c_score < 0 || c_score > 2 || loa_parse_i64(us + 1, &c_id))
			return loa_http_error(w, 400, "bad_parameter", "con trỏ không hợp lệ / bad cursor");
	}
	loa_store *s = analysis_store(app, w);
	if (!s)
		return 0;
	loa_err err;
	loa_err_clear(&err);
	int rc = moderation_schema(s, &err);
	if (rc)
		return fail(w, rc, &err);
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, action ? SQL_MOD_DECIDED : SQL_MOD_PENDING, &st, &err)))
		return fail(w, rc, &err);
	loa_sql_bind_double(st, 1, c_score);
	loa_sql_bind_i64(st, 2, c_id);
	loa_sql_bind_i64(st, 3, limit);
	if (action)
		loa_sql_bind_text(st, 4, action);
	/* collect first: items are then read with other statements */
	typedef struct mrow {
		int64_t id;
		double score, p;
		bool have_p, decided;
		char label[LOA_CLS_LABEL_MAX + 1], action[16], by[LOA_LABEL_BY_MAX + 1];
		loa_ms at;
	} mrow;
	mrow *rows = calloc((size_t)limit, sizeof *rows);
	if (!rows) {
		loa_sql_reset(st);
		return loa_http_error(w, 503, "unavailable", "hết bộ nhớ / out of memory");
	}
	size_t n = 0;
	while (n < (size_t)limit && (rc = loa_sql_step(st, &err)) == LOA_SQL_ROW) {
		mrow *m = &rows[n++];
		m->id = loa_sql_col_i64(st, 0);
		m->score = loa_sql_col_double(st, 1);
		loa_strlcpy(m->label, loa_sql_col_text(st, 2) ? loa_sql_col_text(st, 2) : "", sizeof m->label);
		m->have_p = !loa_sql_col_null(st, 3);
		m->p = loa_sql_col_double(st, 3);
		if (loa_sql_col_text(st, 4)) {
			m->decided = true;
			loa_strlcpy(m->action, loa_sql_col_text(st, 4), sizeof m->action);
			loa_strlcpy(m->by, loa_sql_col_text(st, 5) ? loa_sql_col_text(st, 5) : "", sizeof m->by);
			m->at = loa_sql_col_i64(st, 6);
		}
	}
	loa_sql_reset(st);
	if (rc < 0) {
		free(rows);
		return fail(w, rc, &err);
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *it = item_json(s, rows[i].id);
		if (!it)
			continue; /* removed meanwhile */
		json_t *tox = json_object();
		json_object_set_new(tox, "label", json_string(rows[i].label));
		json_object_set_new(tox, "p", rows[i].have_p ? json_real(rows[i].p) : json_null());
		json_object_set_new(tox, "score", json_real(rows[i].score));
		json_object_set_new(it, "toxicity", rows[i].label[0] ? tox : json_null());
		if (!rows[i].label[0])
			json_decref(tox);
		json_object_set_new(it, "decision", rows[i].decided
							     ? decision_json(rows[i].action, rows[i].by, rows[i].at)
							     : json_null());
		json_t *parent = json_null();
		if (loa_sql_cached(s, SQL_PARENT_TITLE, &st, &err) == LOA_OK) {
			loa_sql_bind_i64(st, 1, rows[i].id);
			if (loa_sql_step(st, &err) == LOA_SQL_ROW) {
				const char *t = loa_sql_col_text(st, 1);
				json_decref(parent);
				parent = json_pack("{s:I,s:s}", "item_id", (json_int_t)loa_sql_col_i64(st, 0),
						   "title", t && *t ? t : (loa_sql_col_text(st, 2) ? loa_sql_col_text(st, 2) : ""));
			}
			loa_sql_reset(st);
		}
		json_object_set_new(it, "parent", parent ? parent : json_null());
		json_array_append_new(arr, it);
	}
	json_t *out = json_pack("{s:s,s:o}", "state", state, "comments", arr);
	if (n == (size_t)limit) {
		char c[64];
		snprintf(c, sizeof c, "%.17g_%" PRId64, rows[n - 1].score, rows[n - 1].id);
		json_object_set_new(out, "next_cursor", json_string(c));
	} else {
		json_object_set_new(out, "next_cursor", json_null());
	}
	free(rows);
	return loa_http_json(w, 200, out);
}

static const char SQL_MOD_PUT[] =
	"INSERT INTO moderation_decision(item_id, action, decided_by, at) VALUES(?1, ?2, ?3, ?4) "
	"ON CONFLICT(item_id) DO UPDATE SET action = excluded.action, decided_by = excluded.decided_by, "
	"at = excluded.at";

static int h_moderate(loa_http_req *r, loa_http_resp *w, void *app)
{
	int64_t id;
	if (path_id(r, w, "item_id", &id))
		return 0;
	loa_store *s = analysis_store(app, w);
	if (!s)
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	char action[16];
	loa_strlcpy(action, jstr(b, "action") ? jstr(b, "action") : "", sizeof action);
	json_decref(b);
	if (strcmp(action, "approve") && strcmp(action, "hide"))
		return loa_http_error(w, 400, "bad_parameter", "action là approve hoặc hide / action is "
				      "approve or hide");
	const loa_user *u = api_user(r);
	loa_err err;
	loa_err_clear(&err);
	int rc = moderation_schema(s, &err);
	if (rc)
		return fail(w, rc, &err);
	char kind[32];
	rc = item_kind(s, id, kind, sizeof kind, &err);
	if (rc == LOA_SQL_DONE)
		return loa_http_error(w, 404, "not_found", "không có tin / no such item: %lld", (long long)id);
	if (rc < 0)
		return fail(w, rc, &err);
	if (strcmp(kind, "comment") != 0)
		return loa_http_error(w, 400, "bad_parameter", "tin %lld không phải bình luận / item %lld "
				      "is not a comment", (long long)id, (long long)id);
	loa_ms now = loa_now_ms();
	if ((rc = loa_store_begin(s, &err)))
		return fail(w, rc, &err);
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, SQL_MOD_PUT, &st, &err)) == LOA_OK) {
		loa_sql_bind_i64(st, 1, id);
		loa_sql_bind_text(st, 2, action);
		loa_sql_bind_text(st, 3, u->login);
		loa_sql_bind_i64(st, 4, now);
		rc = loa_sql_run(st, &err);
	}
	if (rc == LOA_OK) {
		char target[64], detail[64];
		snprintf(target, sizeof target, "item:%" PRId64, id);
		snprintf(detail, sizeof detail, "{\"action\":\"%s\"}", action);
		loa_audit au = {0, now, u->login, strcmp(action, "hide") == 0 ? "moderation.hide"
									    : "moderation.approve",
				target, detail};
		rc = loa_store_audit_append(s, &au, &err);
	}
	if (rc == LOA_OK)
		rc = loa_store_commit(s, &err);
	else
		loa_store_rollback(s);
	if (rc)
		return fail(w, rc, &err);
	loa_info("api.moderation", "user=%s item=%lld action=%s", u->login, (long long)id, action);
	return loa_http_json(w, 200, json_pack("{s:I,s:o}", "item_id", (json_int_t)id, "decision",
					       decision_json(action, u->login, now)));
}

/* ---- fired alerts --------------------------------------------------------------------- */

/* Read-only from the search room's delivery queue (docs/search.md): one row
 * per channel of each fired event, so rows of one event (same alert, same
 * time) are folded together. */
static const char SQL_ALERT_EVENTS[] =
	"SELECT d.alert_id, a.name, d.payload, d.created_at, d.channel, d.state FROM search_delivery d "
	"JOIN search_alert a ON a.id = d.alert_id ORDER BY d.id DESC LIMIT ?1";

static int h_alert_events(loa_http_req *r, loa_http_resp *w, void *app)
{
	int64_t limit;
	if (api_query_int(r, w, "limit", 50, 1, LIST_MAX, &limit))
		return 0;
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	json_t *arr = json_array();
	loa_stmt *st;
	loa_err err;
	loa_err_clear(&err);
	if (loa_sql_prepare(s, SQL_ALERT_EVENTS, &st, &err) != LOA_OK) {
		/* the search room has not made its tables yet: nothing fired */
		return loa_http_json(w, 200, json_pack("{s:o}", "events", arr));
	}
	loa_sql_bind_i64(st, 1, limit * 2 + 2);
	int64_t last_alert = -1;
	loa_ms last_at = LOA_TIME_NONE;
	json_t *cur = NULL;
	int rc;
	while ((rc = loa_sql_step(st, &err)) == LOA_SQL_ROW) {
		int64_t aid = loa_sql_col_i64(st, 0);
		loa_ms at = loa_sql_col_i64(st, 3);
		json_t *ch = json_pack("{s:s,s:s}", "channel", loa_sql_col_text(st, 4) ? loa_sql_col_text(st, 4) : "",
				       "state", loa_sql_col_text(st, 5) ? loa_sql_col_text(st, 5) : "");
		if (cur && aid == last_alert && at == last_at) {
			json_array_append_new(json_object_get(cur, "channels"), ch);
			continue;
		}
		if ((int64_t)json_array_size(arr) >= limit) {
			json_decref(ch);
			break;
		}
		const char *p = loa_sql_col_text(st, 2);
		cur = p ? json_loads(p, 0, NULL) : NULL;
		if (!json_is_object(cur)) {
			json_decref(cur);
			cur = json_object();
		}
		json_object_set_new(cur, "alert", json_string(loa_sql_col_text(st, 1) ? loa_sql_col_text(st, 1) : ""));
		json_object_set_new(cur, "at", time_json(at));
		json_object_set_new(cur, "channels", json_pack("[o]", ch));
		json_array_append_new(arr, cur);
		last_alert = aid;
		last_at = at;
	}
	loa_sql_finalize(st);
	if (rc < 0) {
		json_decref(arr);
		return fail(w, rc, &err);
	}
	return loa_http_json(w, 200, json_pack("{s:o}", "events", arr));
}

/* ---- the report ----------------------------------------------------------------------- */

static int h_report(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_report_opts o = {LOA_TIME_NONE, LOA_TIME_NONE, loa_http_query(r, "org"), NULL, NULL, NULL, 20};
	const char *format = loa_http_query(r, "format") ? loa_http_query(r, "format") : "json";
	if (strcmp(format, "json") && strcmp(format, "csv") && strcmp(format, "html"))
		return loa_http_error(w, 400, "bad_parameter", "format là json, csv hoặc html / format is "
				      "json, csv or html");
	if (query_when(r, w, "from", &o.from) || query_when(r, w, "to", &o.to))
		return 0;
	if (o.from == LOA_TIME_NONE)
		o.from = (o.to == LOA_TIME_NONE ? loa_now_ms() : o.to) - MEASURE_DEFAULT_SPAN;
	if (o.to != LOA_TIME_NONE && o.to <= o.from)
		return loa_http_error(w, 400, "bad_parameter", "to phải sau from / to must be after from");
	if (o.org && strlen(o.org) > LOA_SLUG_MAX)
		return loa_http_error(w, 400, "bad_parameter", "org không hợp lệ / bad org");
	loa_store *s = analysis_store(app, w);
	if (!s)
		return 0;
	loa_err err;
	loa_err_clear(&err);
	/* the tone model's file and note state what the shares rest on */
	loa_buf mp;
	loa_buf_init(&mp, LOA_PATH_MAX);
	loa_cls_model *m = NULL;
	if (loa_model_path("tone.model", &mp, NULL) == LOA_OK &&
	    loa_cls_model_load(&m, mp.data, NULL) == LOA_OK) {
		o.tone_note = loa_cls_model_note(m);
		o.tone_model = "tone.model";
	}
	void *j = NULL;
	int rc = loa_report_build(s, &o, &j, &err);
	loa_cls_model_free(m);
	loa_buf_release(&mp);
	if (rc == LOA_ENOTFOUND)
		return loa_http_error(w, 400, "bad_parameter", "%s", loa_err_msg(&err));
	if (rc)
		return fail(w, rc, &err);
	loa_buf *out = loa_http_body_buf(w);
	rc = loa_report_render(j, format, out, &err);
	json_decref(j);
	if (rc)
		return fail(w, rc, &err);
	loa_http_status(w, 200);
	if (strcmp(format, "html") == 0) {
		loa_http_content_type(w, "text/html; charset=utf-8");
		/* the page is self-contained: no scripts, no loads from elsewhere */
		loa_http_add_header(w, "Content-Security-Policy",
				    "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
	} else if (strcmp(format, "csv") == 0) {
		loa_http_content_type(w, "text/csv; charset=utf-8");
		loa_http_add_header(w, "Content-Disposition", "attachment; filename=\"loa-report.csv\"");
	} else {
		loa_http_content_type(w, "application/json; charset=utf-8");
	}
	return 0;
}

/* ---- routes --------------------------------------------------------------------------- */

static const loa_http_route routes[] = {
	{"GET", "/api/v1/measures", h_measures, STAFF},
	{"GET", "/api/v1/items/{id}/labels", h_labels, STAFF},
	{"POST", "/api/v1/items/{id}/labels", h_label_post, ANALYSTS},
	{"GET", "/api/v1/stories", h_stories, STAFF},
	{"GET", "/api/v1/stories/{id}", h_story, STAFF},
	{"GET", "/api/v1/claims", h_claims, STAFF},
	{"POST", "/api/v1/claims", h_claim_add, ANALYSTS},
	{"GET", "/api/v1/claims/{id}", h_claim, STAFF},
	{"GET", "/api/v1/moderation", h_moderation, STAFF},
	{"POST", "/api/v1/moderation/{item_id}", h_moderate, ANALYSTS},
	{"GET", "/api/v1/alerts/events", h_alert_events, STAFF},
	{"GET", "/api/v1/report", h_report, STAFF},
};

const loa_http_route *loa_api_analyze_routes(size_t *n)
{
	*n = sizeof routes / sizeof routes[0];
	return routes;
}
