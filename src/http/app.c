/*
 * app.c - the routes of loa's HTTP API that belong to no other room:
 * /healthz, /metrics, and the per-thread store handles.
 */
#include "http/app.h"
#include "core/log.h"
#include "core/metrics.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define MAX_HANDLES 256

struct loa_app {
	const loa_config *cfg;
	char *db_path;
	pthread_key_t key;
	pthread_mutex_t mu;
	loa_store *handles[MAX_HANDLES]; /* every handle opened, closed at free */
	int nhandles;
	loa_ms started;
};

int loa_app_new(const loa_config *cfg, const char *db_path, loa_app **out, loa_err *err)
{
	loa_app *a = calloc(1, sizeof *a);
	if (!a)
		return loa_err_set(err, LOA_ENOMEM, "out of memory");
	a->cfg = cfg;
	a->db_path = strdup(db_path);
	if (!a->db_path || pthread_key_create(&a->key, NULL) != 0) {
		free(a->db_path);
		free(a);
		return loa_err_set(err, LOA_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&a->mu, NULL);
	a->started = loa_now_ms();
	*out = a;
	return LOA_OK;
}

void loa_app_free(loa_app *a)
{
	if (!a)
		return;
	for (int i = 0; i < a->nhandles; i++)
		loa_store_close(a->handles[i]);
	pthread_key_delete(a->key);
	pthread_mutex_destroy(&a->mu);
	free(a->db_path);
	free(a);
}

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
	loa_metric_help("loa_uptime_seconds", LOA_METRIC_GAUGE, "Seconds since the server started.");
	loa_metric_set("loa_uptime_seconds", NULL, (double)(loa_now_ms() - a->started) / 1000.0);
	loa_buf *b = loa_http_body_buf(w);
	if (loa_metrics_write(b) != LOA_OK)
		return loa_http_error(w, 500, "internal", "cannot write metrics");
	loa_http_status(w, 200);
	loa_http_content_type(w, "text/plain; version=0.0.4; charset=utf-8");
	return LOA_OK;
}

static const loa_http_route routes[] = {
	{"GET", "/healthz", h_healthz},
	{"GET", "/metrics", h_metrics},
};

const loa_http_route *loa_app_routes(size_t *n)
{
	*n = sizeof routes / sizeof routes[0];
	return routes;
}
