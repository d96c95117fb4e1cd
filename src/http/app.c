/*
 * app.c - the loa web application: the route table assembled from the API
 * files, authentication and authorisation of every request (sessions in
 * cookies with CSRF checks, or API tokens), per-thread store handles, and
 * the endpoints that belong to no other file: /healthz, /metrics,
 * /api/v1/openapi.json.
 */
#include "http/app.h"
#include "http/app_int.h"
#include "http/events.h"
#include "http/jobs.h"
#include "search/alert.h"
#include "feed/ingest.h"
#include "network/network.h"
#include "qa/qa.h"
#include "network/websub.h"
#include "analyze/pipeline.h"
#include "workflow/workflow.h"
#include "core/log.h"
#include "core/map.h"
#include "core/metrics.h"
#include "core/str.h"
#include "search/search.h"
#include "store/sql.h"
#include "workflow/api.h"
#include "network/api.h"

#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define MAX_HANDLES 256
#define MAX_ROUTES 256
#define LOGIN_FAILS_MAX 5
#define LOGIN_LOCK_MS (15 * 60 * 1000)

extern const char loa_openapi_json[];

typedef struct fail_rec {
	int count;
	loa_ms first, locked_until;
} fail_rec;

struct loa_app {
	const loa_config *cfg;
	char *db_path;
	pthread_key_t key;
	pthread_key_t skey; /* the thread's loa_search */
	pthread_mutex_t mu;
	loa_search *searches[MAX_HANDLES];
	int nsearches;
	loa_store *handles[MAX_HANDLES];
	int nhandles;
	loa_ms started;
	loa_http_route routes[MAX_ROUTES];
	size_t nroutes;
	loa_map fails; /* peer -> fail_rec */
	loa_ms session_ttl;
	int secure_cookies;
	loa_events *bus;
	loa_tailer *tailer;
	loa_job *alerts_job;
	loa_search *alerts_search; /* the alerts job's own handle */
	loa_job *ingest_job;
	loa_store *ingest_store;   /* the ingest job's own handle */
	loa_job *wf_job;
	loa_workflow_job *wf_state; /* reminders, escalation, publishing queue */
	loa_job *an_job;
	loa_analyze_job an_state;  /* the analysis pipeline over pending items */
	loa_job *websub_job;
	loa_websub_worker *websub; /* embargo release, WebSub verification and delivery */
};

/* ---- store handles ---- */

loa_store *loa_app_store(loa_app *a, loa_err *err)
{
	loa_store *s = pthread_getspecific(a->key);
	if (s)
		return s;
	pthread_mutex_lock(&a->mu);
	if (a->nhandles == MAX_HANDLES) {
		pthread_mutex_unlock(&a->mu);
		loa_err_set(err, LOA_ETOOBIG, "too many threads");
		return NULL;
	}
	if (loa_store_open(a->db_path, LOA_STORE_NO_CREATE, &s, err) != LOA_OK) {
		pthread_mutex_unlock(&a->mu);
		return NULL;
	}
	a->handles[a->nhandles++] = s;
	pthread_mutex_unlock(&a->mu);
	pthread_setspecific(a->key, s);
	return s;
}

loa_search *loa_app_search(loa_app *a, loa_err *err)
{
	loa_search *s = pthread_getspecific(a->skey);
	if (s)
		return s;
	pthread_mutex_lock(&a->mu);
	if (a->nsearches == MAX_HANDLES) {
		pthread_mutex_unlock(&a->mu);
		loa_err_set(err, LOA_ETOOBIG, "too many threads");
		return NULL;
	}
	if (loa_search_open(a->db_path, &s, err) != LOA_OK) {
		pthread_mutex_unlock(&a->mu);
		return NULL;
	}
	a->searches[a->nsearches++] = s;
	pthread_mutex_unlock(&a->mu);
	pthread_setspecific(a->skey, s);
	return s;
}

loa_store *api_store(loa_app *a, loa_http_resp *w)
{
	loa_err err;
	loa_err_clear(&err);
	loa_store *s = loa_app_store(a, &err);
	if (!s)
		loa_http_error(w, 503, "unavailable", "cơ sở dữ liệu không sẵn sàng / database unavailable: %s",
			       loa_err_msg(&err));
	return s;
}

/* ---- helpers for handlers ---- */

json_t *api_body_object(loa_http_req *r, loa_http_resp *w)
{
	const char *ct = loa_http_header(r, "Content-Type");
	if (!ct || strncmp(ct, "application/json", 16) != 0) {
		loa_http_error(w, 415, "unsupported_media_type",
			       "cần Content-Type: application/json / expected application/json");
		return NULL;
	}
	size_t n;
	const char *body = loa_http_body(r, &n);
	json_error_t je;
	json_t *j = json_loadb(body, n, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		loa_http_error(w, 400, "bad_json", "JSON không hợp lệ / malformed JSON at %d:%d: %s",
			       je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		loa_http_error(w, 400, "bad_request", "cần một đối tượng JSON / expected a JSON object");
		return NULL;
	}
	return j;
}

int api_query_int(loa_http_req *r, loa_http_resp *w, const char *name, int64_t def, int64_t lo,
		  int64_t hi, int64_t *out)
{
	const char *v = loa_http_query(r, name);
	if (!v) {
		*out = def;
		return 0;
	}
	if (loa_parse_i64(v, out) || *out < lo || *out > hi) {
		loa_http_error(w, 400, "bad_parameter", "tham số %s không hợp lệ / %s must be an integer "
			       "in [%lld, %lld]", name, name, (long long)lo, (long long)hi);
		return -1;
	}
	return 0;
}

int api_query_time(loa_http_req *r, loa_http_resp *w, const char *name, loa_ms *out)
{
	const char *v = loa_http_query(r, name);
	*out = LOA_TIME_NONE;
	if (!v)
		return 0;
	size_t n = strlen(v);
	if (loa_time_parse_rfc3339(v, n, out) == LOA_OK)
		return 0;
	int64_t y, m, d;
	if (n == 10 && v[4] == '-' && v[7] == '-' && !loa_parse_i64n((loa_str){v, 4}, &y) &&
	    !loa_parse_i64n((loa_str){v + 5, 2}, &m) && !loa_parse_i64n((loa_str){v + 8, 2}, &d) &&
	    m >= 1 && m <= 12 && d >= 1 && d <= 31) {
		*out = (loa_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 - LOA_VN_OFFSET_MIN * 60) * 1000;
		return 0;
	}
	loa_http_error(w, 400, "bad_parameter", "thời gian %s không hợp lệ / %s must be RFC 3339 or "
		       "YYYY-MM-DD", name, name);
	return -1;
}

json_t *api_drop_nulls(json_t *o)
{
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(o, tmp, k, v) {
		if (json_is_null(v))
			json_object_del(o, k);
	}
	return o;
}

int api_list_reply(loa_http_resp *w, int rc, const loa_err *err, const char *key, json_t *arr)
{
	if (rc != LOA_OK) {
		json_decref(arr);
		return loa_http_error(w, 500, "internal", "%s", loa_err_msg(err));
	}
	return loa_http_json(w, 200, json_pack("{s:o}", key, arr));
}

json_t *api_user_json(const loa_user *u)
{
	char t[LOA_TIME_STR_MAX];
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s?,s:b,s:s}", "id", (json_int_t)u->id, "login",
			 u->login, "name", u->name, "role", loa_role_name(u->role), "role_vi",
			 loa_role_name_vi(u->role), "org", u->org[0] ? u->org : NULL, "disabled",
			 u->disabled, "created_at", loa_time_format_rfc3339(u->created_at, t));
}

/* ---- login throttling ---- */

int loa_app_login_locked(loa_app *a, const char *peer)
{
	pthread_mutex_lock(&a->mu);
	fail_rec *f = loa_map_get(&a->fails, peer, strlen(peer));
	int locked = f && f->locked_until > loa_now_ms();
	pthread_mutex_unlock(&a->mu);
	return locked;
}

void loa_app_login_result(loa_app *a, const char *peer, int ok)
{
	pthread_mutex_lock(&a->mu);
	size_t n = strlen(peer);
	if (ok) {
		loa_map_del(&a->fails, peer, n);
	} else {
		fail_rec *f = loa_map_get(&a->fails, peer, n);
		loa_ms now = loa_now_ms();
		if (!f && a->fails.count < 100000 && (f = calloc(1, sizeof *f)) &&
		    loa_map_set(&a->fails, peer, n, f)) {
			free(f);
			f = NULL;
		}
		if (f) {
			if (now - f->first > LOGIN_LOCK_MS) {
				f->count = 0;
				f->first = now;
			}
			if (++f->count >= LOGIN_FAILS_MAX)
				f->locked_until = now + LOGIN_LOCK_MS;
		}
	}
	pthread_mutex_unlock(&a->mu);
}

loa_ms loa_app_session_ttl(loa_app *a) { return a->session_ttl; }
int loa_app_secure_cookies(loa_app *a) { return a->secure_cookies; }

/* ---- authorisation of every request ---- */

static int is_unsafe(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	       strcmp(method, "OPTIONS") != 0;
}

static int authorize(loa_http_req *r, const loa_http_route *route, loa_http_resp *w, void *app)
{
	loa_app *a = app;
	loa_err err;
	loa_err_clear(&err);
	loa_user u;
	int have = 0, via_cookie = 0;
	char csrf[LOA_CSRF_HEX + 1] = "";
	const char *auth = loa_http_header(r, "Authorization");
	const char *cookie = loa_http_cookie(r, "loa_session");
	if ((auth || cookie) && route->roles != 0) {
		loa_store *s = api_store(a, w);
		if (!s)
			return -1;
		if (auth) {
			if (strncmp(auth, "Bearer ", 7) != 0 || loa_auth_token(s, auth + 7, &u, &err) != LOA_OK) {
				loa_warn("auth.denied", "peer=%s path=%s reason=bad_token", loa_http_peer(r),
					 loa_http_path(r));
				loa_http_add_header(w, "WWW-Authenticate", "Bearer");
				loa_http_error(w, 401, "unauthorized", "%s", loa_err_msg(&err));
				return -1;
			}
			have = 1;
		} else if (loa_auth_session(s, cookie, &u, csrf, &err) == LOA_OK) {
			have = 1;
			via_cookie = 1;
		}
	}
	if (route->roles == 0 || route->roles == LOA_ROLES_ANY) {
		if (have) {
			loa_user *copy = malloc(sizeof *copy);
			if (copy) {
				*copy = u;
				loa_http_set_user(r, copy);
			}
		}
		return 0;
	}
	if (!have) {
		loa_warn("auth.denied", "peer=%s path=%s reason=anonymous", loa_http_peer(r), loa_http_path(r));
		loa_http_error(w, 401, "unauthorized", "cần đăng nhập / login required");
		return -1;
	}
	if (via_cookie && is_unsafe(loa_http_method(r))) {
		const char *sent = loa_http_header(r, "X-CSRF-Token");
		if (!sent || strlen(sent) != LOA_CSRF_HEX ||
		    sodium_memcmp(sent, csrf, LOA_CSRF_HEX) != 0) {
			loa_warn("auth.denied", "peer=%s path=%s user=%s reason=csrf", loa_http_peer(r),
				 loa_http_path(r), u.login);
			loa_http_error(w, 403, "csrf", "thiếu hoặc sai mã CSRF / missing or wrong X-CSRF-Token");
			return -1;
		}
	}
	if (!loa_role_allowed(route->roles, &u)) {
		loa_warn("auth.denied", "peer=%s path=%s user=%s role=%s reason=role", loa_http_peer(r),
			 loa_http_path(r), u.login, loa_role_name(u.role));
		loa_http_error(w, 403, "forbidden", "vai trò %s không được phép / role %s may not do this",
			       loa_role_name_vi(u.role), loa_role_name(u.role));
		return -1;
	}
	loa_user *copy = malloc(sizeof *copy);
	if (!copy) {
		loa_http_error(w, 500, "internal", "out of memory");
		return -1;
	}
	*copy = u;
	loa_http_set_user(r, copy);
	return 0;
}

/* ---- core endpoints ---- */

static int h_healthz(loa_http_req *req, loa_http_resp *w, void *app)
{
	loa_app *a = app;
	loa_err err;
	loa_err_clear(&err);
	loa_store *s = loa_app_store(a, &err);
	int version = 0;
	if (!s || loa_store_schema_version(s, &version, &err) != LOA_OK)
		return loa_http_json(w, 503, json_pack("{s:s,s:s}", "status", "unavailable", "error",
						       loa_err_msg(&err)));
	return loa_http_json(w, 200, json_pack("{s:s,s:s,s:i,s:I}", "status", "ok", "version",
					       LOA_VERSION, "schema", version, "uptime_s",
					       (json_int_t)((loa_now_ms() - a->started) / 1000)));
}

static int h_metrics(loa_http_req *req, loa_http_resp *w, void *app)
{
	loa_app *a = app;
	loa_err err;
	loa_store_status st;
	loa_store *s = loa_app_store(a, &err);
	if (s && loa_store_status_get(s, &st, &err) == LOA_OK) {
		loa_metric_help("loa_store_items", LOA_METRIC_GAUGE, "Items stored.");
		loa_metric_set("loa_store_items", NULL, (double)st.items);
		loa_metric_help("loa_store_sources", LOA_METRIC_GAUGE, "Sources known.");
		loa_metric_set("loa_store_sources", NULL, (double)st.sources);
		loa_metric_help("loa_store_bytes", LOA_METRIC_GAUGE, "Size of the database in bytes.");
		loa_metric_set("loa_store_bytes", NULL, (double)st.bytes);
	}
	/* queue depths: items waiting for analysis, for the search index, and
	 * WebSub deliveries waiting (tables a room has not created yet count 0) */
	int64_t n = 0;
	loa_metric_help("loa_queue_depth", LOA_METRIC_GAUGE, "Work waiting, by queue.");
	if (s && loa_analyze_pending(s, &n, NULL) == LOA_OK)
		loa_metric_set("loa_queue_depth", "queue=\"analyze\"", (double)n);
	loa_search *se = loa_app_search(a, NULL);
	if (se && loa_search_pending(se, &n, NULL) == LOA_OK)
		loa_metric_set("loa_queue_depth", "queue=\"search\"", (double)n);
	loa_stmt *q;
	if (s && loa_sql_prepare(s, "SELECT count(*) FROM net_hub_deliveries WHERE state = 'pending'", &q,
				 NULL) == LOA_OK) {
		if (loa_sql_step(q, NULL) == LOA_SQL_ROW)
			loa_metric_set("loa_queue_depth", "queue=\"websub\"", (double)loa_sql_col_i64(q, 0));
		loa_sql_finalize(q);
	}
	loa_metric_help("loa_uptime_seconds", LOA_METRIC_GAUGE, "Seconds since the server started.");
	loa_metric_set("loa_uptime_seconds", NULL, (double)(loa_now_ms() - a->started) / 1000.0);
	loa_buf *b = loa_http_body_buf(w);
	if (loa_metrics_write(b) != LOA_OK)
		return loa_http_error(w, 500, "internal", "cannot write metrics");
	loa_http_status(w, 200);
	loa_http_content_type(w, "text/plain; version=0.0.4; charset=utf-8");
	return LOA_OK;
}

static int h_openapi(loa_http_req *req, loa_http_resp *w, void *app)
{
	loa_buf *b = loa_http_body_buf(w);
	if (loa_buf_puts(b, loa_openapi_json))
		return loa_http_error(w, 500, "internal", "out of memory");
	loa_http_status(w, 200);
	loa_http_content_type(w, "application/json; charset=utf-8");
	return LOA_OK;
}

static int h_events(loa_http_req *req, loa_http_resp *w, void *app)
{
	loa_app *a = app;
	return loa_events_sse(a->bus, req, w);
}

static const loa_http_route core_routes[] = {
	{"GET", "/api/v1/events", h_events, LOA_ROLES_STAFF},
	{"GET", "/healthz", h_healthz, 0},
	{"GET", "/metrics", h_metrics, 0},
	{"GET", "/api/v1/openapi.json", h_openapi, 0},
};

/* ---- life cycle ---- */

typedef const loa_http_route *(*route_table_fn)(size_t *n);

static int add_routes(loa_app *a, const loa_http_route *t, size_t n, loa_err *err)
{
	if (a->nroutes + n > MAX_ROUTES)
		return loa_err_set(err, LOA_ETOOBIG, "too many routes");
	memcpy(a->routes + a->nroutes, t, n * sizeof *t);
	a->nroutes += n;
	return LOA_OK;
}

int loa_app_new(const loa_config *cfg, const char *db_path, loa_app **out, loa_err *err)
{
	loa_app *a = calloc(1, sizeof *a);
	if (!a)
		return loa_err_set(err, LOA_ENOMEM, "out of memory");
	a->cfg = cfg;
	a->db_path = strdup(db_path);
	if (!a->db_path || pthread_key_create(&a->key, NULL) != 0 ||
	    pthread_key_create(&a->skey, NULL) != 0) {
		free(a->db_path);
		free(a);
		return loa_err_set(err, LOA_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&a->mu, NULL);
	loa_map_init(&a->fails, free);
	a->started = loa_now_ms();
	a->session_ttl = loa_config_get_i64(cfg, "http.session_hours", 12) * 3600 * 1000;
	a->secure_cookies = loa_config_get_i64(cfg, "http.secure_cookies", 0) != 0;
	static const route_table_fn tables[] = {loa_api_auth_routes, loa_api_items_routes,
						loa_api_search_routes, loa_workflow_routes, loa_network_routes,
						loa_api_qa_routes, loa_api_analyze_routes};
	if (loa_events_new(4096, &a->bus) != LOA_OK) {
		loa_app_free(a);
		return loa_err_set(err, LOA_ENOMEM, "out of memory");
	}
	int rc = add_routes(a, core_routes, sizeof core_routes / sizeof core_routes[0], err);
	for (size_t i = 0; rc == LOA_OK && i < sizeof tables / sizeof tables[0]; i++) {
		size_t n;
		const loa_http_route *t = tables[i](&n);
		rc = add_routes(a, t, n, err);
	}
	if (rc) {
		loa_app_free(a);
		return rc;
	}
	*out = a;
	return LOA_OK;
}

void loa_app_free(loa_app *a)
{
	if (!a)
		return;
	if (a->alerts_job || a->ingest_job || a->wf_job || a->wf_state || a->an_job || a->websub ||
	    a->tailer)
		loa_app_stop(a);
	for (int i = 0; i < a->nhandles; i++)
		loa_store_close(a->handles[i]);
	for (int i = 0; i < a->nsearches; i++)
		loa_search_close(a->searches[i]);
	loa_events_free(a->bus);
	loa_map_release(&a->fails);
	pthread_key_delete(a->key);
	pthread_key_delete(a->skey);
	pthread_mutex_destroy(&a->mu);
	free(a->db_path);
	free(a);
}

const loa_http_route *loa_app_routes(loa_app *a, size_t *n)
{
	*n = a->nroutes;
	return a->routes;
}

loa_http_authorize loa_app_authorize(void) { return authorize; }
const loa_config *loa_app_config(loa_app *a) { return a->cfg; }

const char *loa_app_db_path(loa_app *a)
{
	return a->db_path;
}

/* Alerts that fire become live "alert" events. */
static void alert_hook(void *arg, const char *alert, const char *json)
{
	loa_app *a = arg;
	json_t *j = json_loads(json, 0, NULL);
	if (!j)
		return;
	char *flat = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (flat)
		loa_events_publish(a->bus, "alert", flat, NULL);
	free(flat);
}

/* The monitoring step: index new items, match saved queries, evaluate and
 * deliver alerts. */
static int alerts_job(void *state, const atomic_int *stop)
{
	loa_app *a = state;
	loa_err err;
	loa_err_clear(&err);
	if (!a->alerts_search && loa_search_open(a->db_path, &a->alerts_search, &err) != LOA_OK) {
		loa_warn("alerts.open", "msg=%s", loa_err_msg(&err));
		return LOA_EIO;
	}
	loa_alert_cfg cfg = {0};
	cfg.smtp_url = loa_config_get(a->cfg, "smtp.url");
	cfg.smtp_from = loa_config_get(a->cfg, "smtp.from");
	cfg.now = LOA_TIME_NONE;
	loa_alert_stats st = {0};
	int rc = loa_alerts_run(a->alerts_search, &cfg, &st, &err);
	if (rc)
		loa_warn("alerts.run", "msg=%s", loa_err_msg(&err));
	else if (st.indexed || st.events)
		loa_info("alerts.run", "indexed=%lld matched=%lld events=%lld sent=%lld",
			 (long long)st.indexed, (long long)st.matched, (long long)st.events,
			 (long long)st.sent);
	return rc;
}

/* Fetches every due source (the feed room keeps each source's schedule). */
static int ingest_job(void *state, const atomic_int *stop)
{
	loa_app *a = state;
	loa_err err;
	loa_err_clear(&err);
	if (!a->ingest_store && loa_store_open(a->db_path, LOA_STORE_NO_CREATE, &a->ingest_store, &err)) {
		loa_warn("ingest.open", "msg=%s", loa_err_msg(&err));
		return LOA_EIO;
	}
	loa_ingest_opts o = {0};
	o.stop = stop;
	o.verify = loa_network_ingest_verify; /* signed feeds of member portals */
	loa_ingest_stats st = {0};
	int rc = loa_ingest_run(a->ingest_store, a->cfg, &o, &st, &err);
	if (rc)
		loa_warn("ingest.run", "msg=%s", loa_err_msg(&err));
	if (st.items_new) {
		loa_metric_help("loa_items_in_total", LOA_METRIC_COUNTER, "Items stored, by way in.");
		loa_metric_add("loa_items_in_total", "via=\"ingest\"", (double)st.items_new);
	}
	if (!rc && st.sources)
		loa_info("ingest.run", "sources=%lld fetched=%lld errors=%lld items_new=%lld",
			 (long long)st.sources, (long long)st.fetched, (long long)st.errors,
			 (long long)st.items_new);
	return rc;
}

/* The analysis pipeline over pending items (the analyze room's job, with
 * its own store handle); a "measure" live event when it analysed any. */
static int analyze_job(void *state, const atomic_int *stop)
{
	loa_app *a = state;
	uint64_t before = a->an_state.total.items;
	int rc = loa_analyze_job_run(&a->an_state, stop);
	uint64_t done = a->an_state.total.items - before;
	if (done) {
		char data[128], ts[LOA_TIME_STR_MAX];
		snprintf(data, sizeof data, "{\"analysed\":%llu,\"at\":\"%s\"}",
			 (unsigned long long)done, loa_time_format_rfc3339(loa_now_ms(), ts));
		loa_events_publish(a->bus, "measure", data, NULL);
	}
	return rc;
}

int loa_app_start(loa_app *a, loa_http_server *srv, loa_err *err)
{
	loa_events_attach(a->bus, srv);
	int rc = loa_tailer_start(a->bus, a->db_path,
				  (unsigned)loa_config_get_i64(a->cfg, "http.tail_ms", 500), &a->tailer, err);
	if (rc)
		return rc;
	loa_alert_set_hook(alert_hook, a);
	a->an_state = (loa_analyze_job){.db_path = a->db_path};
	if (loa_config_get_i64(a->cfg, "analyze.interval_s", 10) > 0 &&
	    (rc = loa_job_start("analyze", loa_config_get_i64(a->cfg, "analyze.interval_s", 10) * 1000,
				analyze_job, a, &a->an_job, err)))
		return rc;
	if ((rc = loa_websub_worker_new(a->cfg, a->db_path, &a->websub, err)) ||
	    (rc = loa_job_start("websub", loa_config_get_i64(a->cfg, "websub.interval_ms", 1000),
				loa_websub_job, a->websub, &a->websub_job, err)))
		return rc;
	if ((rc = loa_workflow_job_new(a->cfg, a->db_path, &a->wf_state, err)) ||
	    (rc = loa_job_start("workflow", loa_config_get_i64(a->cfg, "workflow.interval_s", 60) * 1000,
				loa_workflow_tick, a->wf_state, &a->wf_job, err)))
		return rc;
	if (loa_config_get_i64(a->cfg, "ingest.interval_s", 60) > 0 &&
	    (rc = loa_job_start("ingest", loa_config_get_i64(a->cfg, "ingest.interval_s", 60) * 1000,
				ingest_job, a, &a->ingest_job, err)))
		return rc;
	return loa_job_start("alerts", loa_config_get_i64(a->cfg, "alerts.interval_s", 30) * 1000,
			     alerts_job, a, &a->alerts_job, err);
}

void loa_app_stop(loa_app *a)
{
	if (a->an_job) {
		loa_job_stop(a->an_job);
		a->an_job = NULL;
		loa_analyze_job_release(&a->an_state);
	}
	loa_job_stop(a->websub_job);
	a->websub_job = NULL;
	loa_websub_worker_free(a->websub);
	a->websub = NULL;
	loa_job_stop(a->wf_job);
	a->wf_job = NULL;
	loa_workflow_job_free(a->wf_state);
	a->wf_state = NULL;
	loa_job_stop(a->ingest_job);
	a->ingest_job = NULL;
	loa_store_close(a->ingest_store);
	a->ingest_store = NULL;
	loa_job_stop(a->alerts_job);
	a->alerts_job = NULL;
	loa_alert_set_hook(NULL, NULL);
	loa_search_close(a->alerts_search);
	a->alerts_search = NULL;
	loa_tailer_stop(a->tailer);
	a->tailer = NULL;
	loa_events_attach(a->bus, NULL);
}

loa_events *loa_app_events(loa_app *a) { return a->bus; }
