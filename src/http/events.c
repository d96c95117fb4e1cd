/*
 * events.c - the event ring, the SSE stream of each client, and the item
 * tailer thread.
 */
#include "http/events.h"
#include "http/app_int.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/str.h"
#include "store/sql.h"

#include <jansson.h>
#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define EVENT_MAX_DATA (64 * 1024)

typedef struct event {
	int64_t id;
	char type[16];
	char *data;
	char org[LOA_SLUG_MAX + 1];
} event;

struct loa_events {
	pthread_mutex_t mu;
	event *ring;
	unsigned cap;
	int64_t next_id; /* id of the next event */
	loa_http_server *srv;
};

int loa_events_new(unsigned capacity, loa_events **out)
{
	loa_events *e = calloc(1, sizeof *e);
	if (!e || !(e->ring = calloc(capacity, sizeof *e->ring))) {
		free(e);
		return LOA_ENOMEM;
	}
	e->cap = capacity;
	e->next_id = 1;
	pthread_mutex_init(&e->mu, NULL);
	*out = e;
	return LOA_OK;
}

void loa_events_free(loa_events *e)
{
	if (!e)
		return;
	for (unsigned i = 0; i < e->cap; i++)
		free(e->ring[i].data);
	free(e->ring);
	pthread_mutex_destroy(&e->mu);
	free(e);
}

void loa_events_attach(loa_events *e, loa_http_server *srv)
{
	pthread_mutex_lock(&e->mu);
	e->srv = srv;
	pthread_mutex_unlock(&e->mu);
}

static int64_t publish(loa_events *e, const char *type, const char *json_data, const char *org, int wake);

int64_t loa_events_publish(loa_events *e, const char *type, const char *json_data, const char *org)
{
	return publish(e, type, json_data, org, 1);
}

static int64_t publish(loa_events *e, const char *type, const char *json_data, const char *org, int wake)
{
	size_t n = strlen(json_data);
	if (n > EVENT_MAX_DATA || strchr(json_data, '\n'))
		return LOA_EINVAL; /* SSE data must be one line here */
	char *copy = malloc(n + 1);
	if (!copy)
		return LOA_ENOMEM;
	memcpy(copy, json_data, n + 1);
	pthread_mutex_lock(&e->mu);
	int64_t id = e->next_id++;
	event *ev = &e->ring[(uint64_t)id % e->cap];
	free(ev->data);
	ev->id = id;
	loa_strlcpy(ev->type, type, sizeof ev->type);
	ev->data = copy;
	loa_strlcpy(ev->org, org ? org : "", sizeof ev->org);
	loa_http_server *srv = e->srv;
	pthread_mutex_unlock(&e->mu);
	loa_metric_add("loa_events_published_total", NULL, 1);
	if (wake)
		loa_http_wake(srv);
	return id;
}

int64_t loa_events_last(loa_events *e)
{
	pthread_mutex_lock(&e->mu);
	int64_t id = e->next_id - 1;
	pthread_mutex_unlock(&e->mu);
	return id;
}

/* ---- one SSE client ---- */

typedef struct client {
	loa_events *bus;
	int64_t next;       /* next event id to send */
	loa_user user;
	char pending[EVENT_MAX_DATA + 256];
	size_t plen, poff;
	uint64_t last_send_ns;
	int hello;
} client;

static int visible(const client *c, const event *ev)
{
	if (!ev->org[0])
		return 1;
	return c->user.role == LOA_ROLE_ADMIN || strcmp(c->user.org, ev->org) == 0;
}

/* Fills c->pending with the next event to send; 0 when none. */
static int next_event(client *c)
{
	loa_events *e = c->bus;
	int found = 0;
	pthread_mutex_lock(&e->mu);
	int64_t oldest = e->next_id - (int64_t)e->cap;
	if (oldest < 1)
		oldest = 1;
	if (c->next < oldest) {
		int n = snprintf(c->pending, sizeof c->pending, "id: %lld\nevent: reset\ndata: {}\n\n",
				 (long long)(e->next_id - 1));
		c->plen = (size_t)n;
		c->next = e->next_id;
		found = 1;
	}
	while (!found && c->next < e->next_id) {
		const event *ev = &e->ring[(uint64_t)c->next % e->cap];
		c->next++;
		if (!visible(c, ev))
			continue;
		int n = snprintf(c->pending, sizeof c->pending, "id: %lld\nevent: %s\ndata: %s\n\n",
				 (long long)ev->id, ev->type, ev->data);
		if (n > 0 && (size_t)n < sizeof c->pending) {
			c->plen = (size_t)n;
			found = 1;
		}
	}
	pthread_mutex_unlock(&e->mu);
	if (!found)
		c->plen = 0;
	c->poff = 0;
	return found;
}

static long client_read(void *cls, char *buf, size_t max)
{
	client *c = cls;
	if (!c->hello) {
		c->hello = 1;
		int n = snprintf(buf, max, "retry: 3000\n: loa\n\n");
		c->last_send_ns = loa_mono_ns();
		return n;
	}
	/* as many events as fit: a burst costs one callback per buffer, not
	 * one per event */
	size_t out = 0;
	while (out < max) {
		if (c->poff >= c->plen && !next_event(c))
			break;
		size_t k = c->plen - c->poff;
		if (k > max - out)
			k = max - out;
		memcpy(buf + out, c->pending + c->poff, k);
		c->poff += k;
		out += k;
	}
	if (out) {
		c->last_send_ns = loa_mono_ns();
		return (long)out;
	}
	if (loa_mono_ns() - c->last_send_ns >= 15000000000ull) {
		c->last_send_ns = loa_mono_ns();
		return snprintf(buf, max, ": keepalive\n\n");
	}
	return 0;
}

static void client_free(void *cls)
{
	loa_metric_add("loa_sse_clients", NULL, -1);
	free(cls);
}

int loa_events_sse(loa_events *bus, loa_http_req *r, loa_http_resp *w)
{
	client *c = calloc(1, sizeof *c);
	if (!c)
		return loa_http_error(w, 500, "internal", "out of memory");
	c->bus = bus;
	if (api_user(r))
		c->user = *api_user(r);
	const char *last = loa_http_header(r, "Last-Event-ID");
	int64_t id;
	if (last && loa_parse_i64(last, &id) == LOA_OK && id >= 0)
		c->next = id + 1;
	else
		c->next = loa_events_last(bus) + 1; /* only what happens from now */
	loa_metric_help("loa_sse_clients", LOA_METRIC_GAUGE, "Open Server-Sent Events streams.");
	loa_metric_add("loa_sse_clients", NULL, 1);
	return loa_http_stream(w, "text/event-stream; charset=utf-8", client_read, c, client_free);
}

/* ---- the tailer ---- */

struct loa_tailer {
	loa_events *bus;
	loa_store *store;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running;
	unsigned interval_ms;
	int64_t last;
};

static int64_t max_item_id(loa_store *s)
{
	static const char sql[] = "SELECT coalesce(max(id), 0) FROM items";
	loa_stmt *st;
	int64_t v = 0;
	if (loa_sql_cached(s, sql, &st, NULL) == LOA_OK) {
		if (loa_sql_step(st, NULL) == LOA_SQL_ROW)
			v = loa_sql_col_i64(st, 0);
		loa_sql_reset(st);
	}
	return v;
}

static void tail_once(loa_tailer *t)
{
	int64_t published = 0;
	/* with the analysis when it is already there (the analyze room's
	 * table; the plain statement before that room made its tables) */
	static const char sql_an[] =
		"SELECT i.id, s.slug, i.kind, i.platform, i.title, substr(i.text, 1, 280), "
		"i.published_at, i.org, i.url, a.task, a.label, a.label_p, a.label_src "
		"FROM items i JOIN sources s ON s.id = i.source_id "
		"LEFT JOIN analyze_item a ON a.item_id = i.id "
		"WHERE i.id > ?1 ORDER BY i.id LIMIT 1000";
	static const char sql[] =
		"SELECT i.id, s.slug, i.kind, i.platform, i.title, substr(i.text, 1, 280), "
		"i.published_at, i.org, i.url, NULL, NULL, NULL, NULL FROM items i "
		"JOIN sources s ON s.id = i.source_id WHERE i.id > ?1 ORDER BY i.id LIMIT 1000";
	loa_stmt *st;
	loa_err err;
	if (loa_sql_cached(t->store, sql_an, &st, NULL) != LOA_OK &&
	    loa_sql_cached(t->store, sql, &st, &err) != LOA_OK)
		return;
	loa_sql_bind_i64(st, 1, t->last);
	int rc;
	while ((rc = loa_sql_step(st, &err)) == LOA_SQL_ROW) {
		char ts[LOA_TIME_STR_MAX];
		int64_t id = loa_sql_col_i64(st, 0);
		json_t *j = json_pack("{s:I,s:s?,s:s?,s:s?,s:s?,s:s?,s:s,s:s?,s:s?}", "item_id", (json_int_t)id,
				      "source", loa_sql_col_text(st, 1), "kind", loa_sql_col_text(st, 2),
				      "platform", loa_sql_col_text(st, 3), "title", loa_sql_col_text(st, 4),
				      "text", loa_sql_col_text(st, 5), "published_at",
				      loa_time_format_rfc3339(loa_sql_col_i64(st, 6), ts), "org",
				      loa_sql_col_text(st, 7), "url", loa_sql_col_text(st, 8));
		const char *task = loa_sql_col_text(st, 9), *label = loa_sql_col_text(st, 10);
		if (j && task && label && (strcmp(task, "tone") == 0 || strcmp(task, "toxicity") == 0)) {
			const char *src = loa_sql_col_text(st, 12);
			json_t *l = json_pack("{s:s,s:f}", "label", label, "p", loa_sql_col_double(st, 11));
			if (l && strcmp(task, "tone") == 0)
				json_object_set_new(l, "by", json_string(src && strcmp(src, "human") == 0
										 ? "human" : "model"));
			json_object_set_new(j, task, l);
		}
		char *data = j ? json_dumps(j, JSON_COMPACT) : NULL;
		if (data && publish(t->bus, "item", data, NULL, 0) > 0)
			published++;
		free(data);
		json_decref(j);
		t->last = id;
	}
	loa_sql_reset(st);
	if (published) { /* one wake for the whole poll */
		pthread_mutex_lock(&t->bus->mu);
		loa_http_server *srv = t->bus->srv;
		pthread_mutex_unlock(&t->bus->mu);
		loa_http_wake(srv);
	}
}

static void *tail_main(void *arg)
{
	loa_tailer *t = arg;
	pthread_mutex_lock(&t->mu);
	while (t->running) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t ns = (uint64_t)ts.tv_nsec + (uint64_t)t->interval_ms * 1000000ull;
		ts.tv_sec += (time_t)(ns / 1000000000ull);
		ts.tv_nsec = (long)(ns % 1000000000ull);
		pthread_cond_timedwait(&t->cv, &t->mu, &ts);
		if (!t->running)
			break;
		pthread_mutex_unlock(&t->mu);
		tail_once(t);
		pthread_mutex_lock(&t->mu);
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

int loa_tailer_start(loa_events *bus, const char *db_path, unsigned interval_ms, loa_tailer **out,
		     loa_err *err)
{
	loa_tailer *t = calloc(1, sizeof *t);
	if (!t)
		return loa_err_set(err, LOA_ENOMEM, "out of memory");
	int rc = loa_store_open(db_path, LOA_STORE_NO_CREATE, &t->store, err);
	if (rc) {
		free(t);
		return rc;
	}
	t->bus = bus;
	t->interval_ms = interval_ms ? interval_ms : 500;
	t->last = max_item_id(t->store);
	t->running = 1;
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	if (pthread_create(&t->th, NULL, tail_main, t) != 0) {
		loa_store_close(t->store);
		free(t);
		return loa_err_set(err, LOA_EIO, "cannot start the tailer thread");
	}
	*out = t;
	return LOA_OK;
}

void loa_tailer_stop(loa_tailer *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	t->running = 0;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->th, NULL);
	loa_store_close(t->store);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	free(t);
}
