/*
 * websub.c - the WebSub hub (requests, verification of intent, leases,
 * publisher pings, distribution with X-Hub-Signature, retries) and the
 * subscriber (discovery, subscription, callback). See websub.h.
 */
#include "network/websub.h"
#include "network/net_int.h"
#include "network/sign.h"
#include "core/log.h"
#include "core/map.h"
#include "core/str.h"
#include "feed/feed.h"
#include "store/sql.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <libxml/HTMLparser.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define URL_MAX 2000
#define INTENTS_PER_RUN 2000
#define DELIVERIES_PER_RUN 5000
#define EVENTS_PER_RUN 200
#define RETRY_CAP_MS ((loa_ms)6 * 3600 * 1000)
#define SEEN_KEEP_MS ((loa_ms)30 * 24 * 3600 * 1000)

/* ---- configuration ---- */

static bool cfg_bool(const loa_config *cfg, const char *k)
{
	const char *v = cfg ? loa_config_get(cfg, k) : NULL;
	return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0);
}

static int64_t cfg_i64(const loa_config *cfg, const char *k, int64_t def)
{
	return cfg ? loa_config_get_i64(cfg, k, def) : def;
}

static loa_ms cfg_ms(const loa_config *cfg, const char *k, loa_ms def)
{
	const char *v = cfg ? loa_config_get(cfg, k) : NULL;
	loa_ms ms;
	if (v && loa_parse_duration(v, &ms) == LOA_OK)
		return ms;
	return def;
}

static bool allow_private(const loa_config *cfg) { return cfg_bool(cfg, "websub.allow_loopback"); }

/* ---- rate limit per callback host (in this process) ---- */

typedef struct rate_rec {
	loa_ms start;
	int64_t count;
} rate_rec;

static pthread_mutex_t rate_mu = PTHREAD_MUTEX_INITIALIZER;
static loa_map rate_map;
static bool rate_init;

static bool rate_allow(const char *host, int64_t limit)
{
	if (limit <= 0)
		return true;
	pthread_mutex_lock(&rate_mu);
	if (!rate_init) {
		loa_map_init(&rate_map, free);
		rate_init = true;
	}
	loa_ms now = loa_now_ms();
	size_t n = strlen(host);
	rate_rec *r = loa_map_get(&rate_map, host, n);
	if (!r && rate_map.count < 100000 && (r = calloc(1, sizeof *r)) && loa_map_set(&rate_map, host, n, r)) {
		free(r);
		r = NULL;
	}
	bool ok = true;
	if (r) {
		if (now - r->start > 60000) {
			r->start = now;
			r->count = 0;
		}
		ok = ++r->count <= limit;
	}
	pthread_mutex_unlock(&rate_mu);
	return ok;
}

/* ---- own topics ---- */

typedef struct own_topic {
	char org[LOA_SLUG_MAX + 1];
	int format;
	char kind[LOA_KIND_MAX + 1];
	char topic[LOA_SLUG_MAX + 1];
} own_topic;

static int query_get(const char *q, const char *name, char *out, size_t cap)
{
	out[0] = '\0';
	if (!q)
		return 0;
	size_t nl = strlen(name);
	loa_str rest = loa_str_c(q);
	while (rest.n) {
		loa_str pair = loa_str_split(&rest, '&');
		loa_str k = loa_str_split(&pair, '=');
		if (k.n == nl && memcmp(k.p, name, nl) == 0) {
			if (pair.n >= cap)
				return -1;
			memcpy(out, pair.p, pair.n);
			out[pair.n] = '\0';
			return 1;
		}
	}
	return 0;
}

/* Parses BASE/feeds/ORG.EXT[?kind=K][&topic=T]. */
static bool own_topic_parse(const char *base, const char *topic, own_topic *t)
{
	memset(t, 0, sizeof *t);
	size_t bl = strlen(base);
	if (strncmp(topic, base, bl) != 0 || strncmp(topic + bl, "/feeds/", 7) != 0)
		return false;
	const char *name = topic + bl + 7;
	const char *q = strchr(name, '?');
	char nm[LOA_SLUG_MAX + 16];
	size_t nn = q ? (size_t)(q - name) : strlen(name);
	if (nn >= sizeof nm)
		return false;
	memcpy(nm, name, nn);
	nm[nn] = '\0';
	if (loa_feedout_name(nm, t->org, sizeof t->org, &t->format) != LOA_OK)
		return false;
	if (q) {
		if (query_get(q + 1, "kind", t->kind, sizeof t->kind) < 0 ||
		    query_get(q + 1, "topic", t->topic, sizeof t->topic) < 0)
			return false;
		if ((t->kind[0] && !loa_official_kind_ok(t->kind)) || (t->topic[0] && !net_slug_ok(t->topic)))
			return false;
	}
	return true;
}

int loa_hub_render_topic(loa_store *s, const loa_config *cfg, const char *topic, loa_buf *body,
			 const char **content_type, loa_err *err)
{
	loa_buf base;
	loa_buf_init(&base, 4096);
	loa_network_base_url(cfg, &base);
	own_topic t;
	int rc;
	if (!own_topic_parse(base.data, topic, &t)) {
		rc = loa_err_set(err, LOA_ENOTFOUND, "không phải nguồn tin của hub này / not a topic of this hub");
	} else {
		loa_feedout_opts o = {0};
		o.format = t.format;
		o.org = t.org;
		o.kind = t.kind[0] ? t.kind : NULL;
		o.topic = t.topic[0] ? t.topic : NULL;
		o.base_url = base.data;
		o.self_url = topic;
		o.now = LOA_TIME_NONE;
		rc = loa_feedout_write(s, &o, body, NULL, content_type, err);
	}
	loa_buf_release(&base);
	return rc;
}

static bool publisher_allowed(const loa_config *cfg, const char *host)
{
	const char *list = cfg ? loa_config_get(cfg, "websub.publishers") : NULL;
	if (!list || !*list)
		return false;
	loa_str rest = loa_str_c(list);
	size_t hl = strlen(host);
	while (rest.n) {
		loa_str one = loa_str_trim(loa_str_split(&rest, ','));
		if (!one.n)
			continue;
		if (one.n == hl && strncasecmp(one.p, host, hl) == 0)
			return true;
		/* ".gov.vn" allows every host under gov.vn */
		if (one.p[0] == '.' && hl > one.n && strncasecmp(host + hl - one.n, one.p, one.n) == 0)
			return true;
	}
	return false;
}

/* ---- hub requests ---- */

typedef struct hub_form {
	char mode[32];
	loa_buf topic, callback, secret, lease, url;
	bool has_secret, bad;
} hub_form;

static int set_capped(loa_buf *b, const char *v, bool *bad)
{
	loa_buf_reset(b);
	if (loa_buf_puts(b, v) != LOA_OK)
		*bad = true;
	return 0;
}

static int hub_form_cb(void *arg, const char *k, const char *v)
{
	hub_form *f = arg;
	if (strcmp(k, "hub.mode") == 0)
		loa_strlcpy(f->mode, v, sizeof f->mode);
	else if (strcmp(k, "hub.topic") == 0)
		set_capped(&f->topic, v, &f->bad);
	else if (strcmp(k, "hub.url") == 0)
		set_capped(&f->url, v, &f->bad);
	else if (strcmp(k, "hub.callback") == 0)
		set_capped(&f->callback, v, &f->bad);
	else if (strcmp(k, "hub.lease_seconds") == 0)
		set_capped(&f->lease, v, &f->bad);
	else if (strcmp(k, "hub.secret") == 0) {
		f->has_secret = true;
		set_capped(&f->secret, v, &f->bad);
	}
	/* other parameters are ignored (WebSub 5.1) */
	return 0;
}

static int refuse(int *status, int code, loa_buf *msg, const char *peer, const char *why, const char *text)
{
	*status = code;
	loa_buf_puts(msg, text);
	loa_warn("websub.refused", "peer=%s reason=%s msg=%s", peer ? peer : "-", why, text);
	return LOA_OK;
}

int loa_hub_request(loa_store *s, const loa_config *cfg, const char *body, size_t len, const char *peer,
		    int *status, loa_buf *msg, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	hub_form f;
	memset(&f, 0, sizeof f);
	loa_buf_init(&f.topic, URL_MAX);
	loa_buf_init(&f.callback, URL_MAX);
	loa_buf_init(&f.url, URL_MAX);
	loa_buf_init(&f.secret, 1024);
	loa_buf_init(&f.lease, 32);
	net_form_parse(body, len, hub_form_cb, &f);
	loa_buf base;
	loa_buf_init(&base, 4096);
	loa_network_base_url(cfg, &base);
	bool priv = allow_private(cfg);
	char host[256];
	loa_err e2;
	loa_err_clear(&e2);
	if (f.bad) {
		refuse(status, 400, msg, peer, "too_long", "tham số quá dài / a parameter is too long");
		goto out;
	}
	if (strcmp(f.mode, "publish") == 0) {
		const char *topic = f.url.len ? f.url.data : f.topic.data;
		own_topic t;
		if (!topic || !*topic) {
			refuse(status, 400, msg, peer, "missing_url", "thiếu hub.url / hub.url is required");
			goto out;
		}
		bool own = own_topic_parse(base.data, topic, &t);
		if (!own) {
			if (net_url_check(topic, true, host, sizeof host, &e2) != LOA_OK) {
				refuse(status, 400, msg, peer, "bad_topic", loa_err_msg(&e2));
				goto out;
			}
			if (!publisher_allowed(cfg, host)) {
				refuse(status, 403, msg, peer, "publisher_not_allowed",
				       "nguồn phát không có trong danh sách cho phép (websub.publishers) / publisher "
				       "not on the allow-list");
				goto out;
			}
		}
		loa_stmt *st;
		if ((rc = loa_sql_cached(s, "INSERT INTO net_hub_events(topic, created_at, next_at) VALUES (?1, ?2, ?2)",
					 &st, err)) != LOA_OK)
			goto out;
		loa_sql_bind_text(st, 1, topic);
		loa_sql_bind_i64(st, 2, loa_now_ms());
		if ((rc = loa_sql_run(st, err)) != LOA_OK)
			goto out;
		loa_info("websub.publish", "peer=%s topic=%s", peer ? peer : "-", topic);
		*status = 202;
		loa_buf_puts(msg, "đã nhận / accepted");
		goto out;
	}
	if (strcmp(f.mode, "subscribe") != 0 && strcmp(f.mode, "unsubscribe") != 0) {
		refuse(status, 400, msg, peer, "invalid_mode",
		       "hub.mode phải là subscribe, unsubscribe hoặc publish / bad hub.mode");
		goto out;
	}
	if (!f.topic.len || !f.callback.len) {
		refuse(status, 400, msg, peer, "missing_params", "thiếu hub.topic hoặc hub.callback / hub.topic and "
		       "hub.callback are required");
		goto out;
	}
	if (f.has_secret && (f.secret.len == 0 || f.secret.len > LOA_WEBSUB_SECRET_MAX)) {
		refuse(status, 400, msg, peer, "invalid_secret", "hub.secret phải dài 1–199 byte / hub.secret must "
		       "be 1 to 199 bytes");
		goto out;
	}
	if ((rc = net_url_check(f.callback.data, priv, host, sizeof host, &e2)) != LOA_OK) {
		refuse(status, rc == LOA_EPERM ? 403 : 400, msg, peer, rc == LOA_EPERM ? "ssrf" : "invalid_callback",
		       loa_err_msg(&e2));
		rc = LOA_OK;
		goto out;
	}
	own_topic t;
	if (!own_topic_parse(base.data, f.topic.data, &t)) {
		char th[256];
		if (net_url_check(f.topic.data, true, th, sizeof th, &e2) != LOA_OK || !publisher_allowed(cfg, th)) {
			refuse(status, 400, msg, peer, "invalid_topic", "hub này không phục vụ nguồn tin đó / this hub "
			       "does not serve that topic");
			goto out;
		}
	} else {
		loa_org_rec o;
		if (loa_store_org_get(s, t.org, &o, NULL) != LOA_OK) {
			refuse(status, 400, msg, peer, "invalid_topic", "không có cơ quan đó / no such organisation");
			goto out;
		}
	}
	if (!rate_allow(host, cfg_i64(cfg, "websub.rate_per_host", 60))) {
		refuse(status, 429, msg, peer, "rate_limited", "quá nhiều yêu cầu từ máy nhận này / too many "
		       "requests for this callback host");
		goto out;
	}
	int64_t lease = cfg_i64(cfg, "websub.lease_default", 864000);
	int64_t lmax = cfg_i64(cfg, "websub.lease_max", 2592000);
	if (f.lease.len) {
		int64_t want;
		if (loa_parse_i64(f.lease.data, &want) == LOA_OK && want > 0)
			lease = want;
	}
	if (lease < 60)
		lease = 60;
	if (lease > lmax)
		lease = lmax;
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, "INSERT INTO net_hub_intents(mode, topic, callback, secret, lease_s, created_at) "
				 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st, err)) != LOA_OK)
		goto out;
	loa_sql_bind_text(st, 1, f.mode);
	loa_sql_bind_text(st, 2, f.topic.data);
	loa_sql_bind_text(st, 3, f.callback.data);
	loa_sql_bind_text(st, 4, f.has_secret ? f.secret.data : NULL);
	loa_sql_bind_i64(st, 5, lease);
	loa_sql_bind_i64(st, 6, loa_now_ms());
	if ((rc = loa_sql_run(st, err)) != LOA_OK)
		goto out;
	loa_info("websub.request", "peer=%s mode=%s topic=%s callback=%s", peer ? peer : "-", f.mode,
		 f.topic.data, f.callback.data);
	*status = 202;
	loa_buf_puts(msg, "đã nhận, đang xác minh / accepted, verifying");
out:
	loa_buf_release(&f.topic);
	loa_buf_release(&f.callback);
	loa_buf_release(&f.url);
	if (f.secret.data)
		sodium_memzero(f.secret.data, f.secret.cap);
	loa_buf_release(&f.secret);
	loa_buf_release(&f.lease);
	loa_buf_release(&base);
	return rc;
}

int loa_hub_notify_org(loa_store *s, const loa_config *cfg, const char *org, const char *kind, const char *topic,
		       loa_err *err)
{
	loa_buf base, prefix;
	loa_buf_init(&base, 4096);
	loa_buf_init(&prefix, 8192);
	loa_network_base_url(cfg, &base);
	loa_buf_printf(&prefix, "%s/feeds/%s.", base.data, org);
	loa_stmt *st, *ins;
	int rc = loa_sql_prepare(s, "SELECT DISTINCT topic FROM net_hub_subs WHERE substr(topic, 1, length(?1)) = ?1",
				 &st, err);
	if (rc == LOA_OK)
		rc = loa_sql_cached(s, "INSERT INTO net_hub_events(topic, created_at, next_at) VALUES (?1, ?2, ?2)",
				    &ins, err);
	if (rc == LOA_OK) {
		loa_sql_bind_text(st, 1, prefix.data);
		loa_ms now = loa_now_ms();
		while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
			const char *t = loa_sql_col_text(st, 0);
			own_topic ot;
			if (!t || !own_topic_parse(base.data, t, &ot) || strcmp(ot.org, org) != 0)
				continue;
			if (ot.kind[0] && (!kind || strcmp(ot.kind, kind) != 0))
				continue;
			if (ot.topic[0] && (!topic || strcmp(ot.topic, topic) != 0))
				continue;
			loa_sql_bind_text(ins, 1, t);
			loa_sql_bind_i64(ins, 2, now);
			if ((rc = loa_sql_run(ins, err)) != LOA_OK)
				break;
		}
		if (rc == LOA_SQL_DONE)
			rc = LOA_OK;
		loa_sql_finalize(st);
	} else if (st) {
		loa_sql_finalize(st);
	}
	loa_buf_release(&base);
	loa_buf_release(&prefix);
	return rc;
}

/* ---- the worker ---- */

struct loa_websub_worker {
	const loa_config *cfg;
	loa_store *s;
};

int loa_websub_worker_new(const loa_config *cfg, const char *db_path, loa_websub_worker **out, loa_err *err)
{
	loa_websub_worker *w = calloc(1, sizeof *w);
	if (!w)
		return loa_err_set(err, LOA_ENOMEM, "out of memory");
	w->cfg = cfg;
	int rc = db_path ? loa_store_open(db_path, LOA_STORE_NO_CREATE, &w->s, err)
			 : loa_store_open_config(cfg, 0, &w->s, err);
	if (rc == LOA_OK)
		rc = loa_network_migrate(w->s, err);
	if (rc) {
		loa_store_close(w->s);
		free(w);
		return rc;
	}
	*out = w;
	return LOA_OK;
}

void loa_websub_worker_free(loa_websub_worker *w)
{
	if (!w)
		return;
	loa_store_close(w->s);
	free(w);
}

static loa_ms backoff(const loa_config *cfg, int attempts)
{
	loa_ms base = cfg_ms(cfg, "websub.retry_base", 30000);
	loa_ms d = base;
	for (int i = 1; i < attempts && d < RETRY_CAP_MS; i++)
		d *= 2;
	if (d > RETRY_CAP_MS)
		d = RETRY_CAP_MS;
	/* up to 10% jitter so retries of many subscribers spread out */
	return d + (loa_ms)randombytes_uniform((uint32_t)(d / 10 + 1));
}

typedef struct intent {
	int64_t id;
	char mode[16];
	char *topic, *callback, *secret;
	int64_t lease;
	char challenge[33];
	loa_buf url;
} intent;

static int verify_intents(loa_websub_worker *w, const atomic_int *stop, loa_websub_stats *stt, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT id, mode, topic, callback, secret, lease_s FROM net_hub_intents "
				      "ORDER BY id LIMIT ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, INTENTS_PER_RUN);
	intent *in = calloc(INTENTS_PER_RUN, sizeof *in);
	if (!in) {
		loa_sql_reset(st);
		return LOA_ENOMEM;
	}
	size_t n = 0;
	while (n < INTENTS_PER_RUN && (rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		intent *i = &in[n++];
		i->id = loa_sql_col_i64(st, 0);
		loa_strlcpy(i->mode, loa_sql_col_text(st, 1), sizeof i->mode);
		i->topic = strdup(loa_sql_col_text(st, 2));
		i->callback = strdup(loa_sql_col_text(st, 3));
		i->secret = loa_sql_col_null(st, 4) ? NULL : strdup(loa_sql_col_text(st, 4));
		i->lease = loa_sql_col_i64(st, 5);
	}
	loa_sql_reset(st);
	if (rc < 0 || n == 0) {
		free(in);
		return rc < 0 ? rc : LOA_OK;
	}
	net_http_req *q = calloc(n, sizeof *q);
	net_http_resp *r = calloc(n, sizeof *r);
	if (!q || !r) {
		rc = LOA_ENOMEM;
		goto out;
	}
	bool priv = allow_private(w->cfg);
	long timeout = (long)cfg_ms(w->cfg, "websub.timeout", 10000);
	for (size_t k = 0; k < n; k++) {
		intent *i = &in[k];
		unsigned char rnd[16];
		randombytes_buf(rnd, sizeof rnd);
		net_hex(rnd, sizeof rnd, i->challenge);
		loa_buf_init(&i->url, URL_MAX * 3 + 512);
		loa_buf_puts(&i->url, i->callback ? i->callback : "");
		loa_buf_puts(&i->url, strchr(i->callback ? i->callback : "", '?') ? "&" : "?");
		loa_buf_printf(&i->url, "hub.mode=%s&hub.topic=", i->mode);
		net_url_encode(&i->url, i->topic ? i->topic : "");
		loa_buf_printf(&i->url, "&hub.challenge=%s", i->challenge);
		if (strcmp(i->mode, "subscribe") == 0)
			loa_buf_printf(&i->url, "&hub.lease_seconds=%" PRId64, i->lease);
		q[k].method = "GET";
		q[k].url = i->url.data;
		q[k].allow_private = priv;
		q[k].timeout_ms = timeout;
		q[k].max_body = 4096;
	}
	net_http_batch(q, r, n, (int)cfg_i64(w->cfg, "websub.concurrency", 64), stop);
	bool own = loa_store_begin(w->s, err) == LOA_OK;
	loa_ms now = loa_now_ms();
	for (size_t k = 0; k < n && rc >= 0; k++) {
		intent *i = &in[k];
		if (r[k].rc == LOA_EAGAIN)
			continue; /* stopped: the intent stays for next time */
		bool ok = r[k].rc == LOA_OK && r[k].status >= 200 && r[k].status < 300 && r[k].body.data &&
			  strcmp(r[k].body.data, i->challenge) == 0;
		loa_stmt *u;
		if (ok && strcmp(i->mode, "subscribe") == 0) {
			rc = loa_sql_cached(w->s, "INSERT INTO net_hub_subs(topic, callback, secret, lease_s, expires_at, "
						  "created_at, verified_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) "
						  "ON CONFLICT(topic, callback) DO UPDATE SET secret = excluded.secret, "
						  "lease_s = excluded.lease_s, expires_at = excluded.expires_at, "
						  "verified_at = excluded.verified_at", &u, err);
			if (rc == LOA_OK) {
				loa_sql_bind_text(u, 1, i->topic);
				loa_sql_bind_text(u, 2, i->callback);
				loa_sql_bind_text(u, 3, i->secret);
				loa_sql_bind_i64(u, 4, i->lease);
				loa_sql_bind_i64(u, 5, now + i->lease * 1000);
				loa_sql_bind_i64(u, 6, now);
				rc = loa_sql_run(u, err);
			}
		} else if (ok) {
			rc = loa_sql_cached(w->s, "DELETE FROM net_hub_subs WHERE topic = ?1 AND callback = ?2", &u, err);
			if (rc == LOA_OK) {
				loa_sql_bind_text(u, 1, i->topic);
				loa_sql_bind_text(u, 2, i->callback);
				rc = loa_sql_run(u, err);
			}
		}
		if (ok) {
			stt->verified++;
			loa_info("websub.verified", "mode=%s topic=%s callback=%s", i->mode, i->topic, i->callback);
		} else {
			stt->verify_failed++;
			loa_warn("websub.verify_failed", "mode=%s topic=%s callback=%s status=%ld msg=%s", i->mode,
				 i->topic, i->callback, r[k].status, r[k].rc ? r[k].error : "challenge not echoed");
		}
		if (rc == LOA_OK && (rc = loa_sql_cached(w->s, "DELETE FROM net_hub_intents WHERE id = ?1", &u, err)) ==
				    LOA_OK) {
			loa_sql_bind_i64(u, 1, i->id);
			rc = loa_sql_run(u, err);
		}
	}
	if (own) {
		if (rc == LOA_OK)
			rc = loa_store_commit(w->s, err);
		else
			loa_store_rollback(w->s);
	}
out:
	for (size_t k = 0; k < n; k++) {
		free(in[k].topic);
		free(in[k].callback);
		if (in[k].secret)
			sodium_memzero(in[k].secret, strlen(in[k].secret));
		free(in[k].secret);
		loa_buf_release(&in[k].url);
		if (r)
			net_http_resp_release(&r[k]);
	}
	free(in);
	free(q);
	free(r);
	return rc;
}

static int process_events(loa_websub_worker *w, loa_websub_stats *stt, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT id, topic, attempts FROM net_hub_events WHERE state = 'new' AND "
				      "next_at <= ?1 ORDER BY id LIMIT ?2", &st, err);
	if (rc)
		return rc;
	loa_ms now = loa_now_ms();
	loa_sql_bind_i64(st, 1, now);
	loa_sql_bind_i64(st, 2, EVENTS_PER_RUN);
	int64_t ids[EVENTS_PER_RUN];
	int attempts[EVENTS_PER_RUN];
	char *topics[EVENTS_PER_RUN];
	size_t n = 0;
	while (n < EVENTS_PER_RUN && (rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		ids[n] = loa_sql_col_i64(st, 0);
		topics[n] = strdup(loa_sql_col_text(st, 1));
		attempts[n] = (int)loa_sql_col_i64(st, 2);
		n++;
	}
	loa_sql_reset(st);
	rc = rc < 0 ? rc : LOA_OK;
	int max_attempts = (int)cfg_i64(w->cfg, "websub.max_attempts", 8);
	for (size_t k = 0; k < n && rc == LOA_OK; k++) {
		if (!topics[k]) {
			rc = LOA_ENOMEM;
			break;
		}
		loa_buf body;
		loa_buf_init(&body, (size_t)cfg_i64(w->cfg, "http.max_body", 1048576) * 16);
		const char *ctype = NULL;
		char ctbuf[256] = "";
		loa_err e2;
		loa_err_clear(&e2);
		int r = loa_hub_render_topic(w->s, w->cfg, topics[k], &body, &ctype, &e2);
		char errmsg[300] = "";
		if (r == LOA_ENOTFOUND) {
			/* a member portal's topic: fetch it as it is */
			net_http_req q = {0};
			net_http_resp resp;
			q.method = "GET";
			q.url = topics[k];
			q.max_redirects = 3;
			q.allow_private = allow_private(w->cfg);
			q.timeout_ms = (long)cfg_ms(w->cfg, "websub.timeout", 10000);
			q.max_body = body.max;
			net_http_do(&q, &resp);
			if (resp.rc == LOA_OK && resp.status >= 200 && resp.status < 300) {
				loa_buf_reset(&body);
				loa_buf_append(&body, resp.body.data, resp.body.len);
				loa_strlcpy(ctbuf, resp.content_type, sizeof ctbuf);
				ctype = ctbuf[0] ? ctbuf : "application/octet-stream";
				r = LOA_OK;
			} else {
				snprintf(errmsg, sizeof errmsg, "%s (HTTP %ld)", resp.rc ? resp.error : "fetch failed",
					 resp.status);
				r = LOA_ENET;
			}
			net_http_resp_release(&resp);
		} else if (r) {
			snprintf(errmsg, sizeof errmsg, "%s", loa_err_msg(&e2));
		}
		loa_stmt *u;
		if (r == LOA_OK) {
			bool own = loa_store_begin(w->s, err) == LOA_OK;
			/* only the worker whose update turns the event from new to
			 * ready fans it out (several workers may share the database) */
			rc = loa_sql_cached(w->s, "UPDATE net_hub_events SET state = 'ready', content_type = ?2, body = ?3 "
						  "WHERE id = ?1 AND state = 'new'", &u, err);
			if (rc == LOA_OK) {
				loa_sql_bind_i64(u, 1, ids[k]);
				loa_sql_bind_text(u, 2, ctype);
				loa_sql_bind_blob(u, 3, body.data ? body.data : "", body.len);
				rc = loa_sql_run(u, err);
			}
			bool mine = rc == LOA_OK && loa_sql_changes(w->s) == 1;
			if (rc == LOA_OK && mine &&
			    (rc = loa_sql_cached(w->s, "INSERT INTO net_hub_deliveries(event_id, sub_id, next_at) SELECT ?1, "
						       "id, ?2 FROM net_hub_subs WHERE topic = ?3 AND expires_at > ?2", &u,
						 err)) == LOA_OK) {
				loa_sql_bind_i64(u, 1, ids[k]);
				loa_sql_bind_i64(u, 2, loa_now_ms());
				loa_sql_bind_text(u, 3, topics[k]);
				rc = loa_sql_run(u, err);
			}
			int64_t fan = mine ? loa_sql_changes(w->s) : 0;
			if (own) {
				if (rc == LOA_OK)
					rc = loa_store_commit(w->s, err);
				else
					loa_store_rollback(w->s);
			}
			stt->events++;
			loa_info("websub.event", "topic=%s subscribers=%" PRId64 " bytes=%zu", topics[k], fan, body.len);
		} else {
			bool dead = attempts[k] + 1 >= max_attempts;
			rc = loa_sql_cached(w->s, "UPDATE net_hub_events SET attempts = attempts + 1, next_at = ?2, "
						  "state = ?3, last_error = ?4 WHERE id = ?1", &u, err);
			if (rc == LOA_OK) {
				loa_sql_bind_i64(u, 1, ids[k]);
				loa_sql_bind_i64(u, 2, loa_now_ms() + backoff(w->cfg, attempts[k] + 1));
				loa_sql_bind_text(u, 3, dead ? "failed" : "new");
				loa_sql_bind_text(u, 4, errmsg);
				rc = loa_sql_run(u, err);
			}
			stt->fetch_failed++;
			loa_warn("websub.fetch_failed", "topic=%s attempts=%d gave_up=%d msg=%s", topics[k], attempts[k] + 1,
				 dead, errmsg);
		}
		loa_buf_release(&body);
	}
	for (size_t k = 0; k < n; k++)
		free(topics[k]);
	return rc;
}

static void hmac_hex(const char *alg, const char *secret, const void *body, size_t len, char *out)
{
	if (strcmp(alg, "sha512") == 0) {
		unsigned char mac[crypto_auth_hmacsha512_BYTES];
		crypto_auth_hmacsha512_state hs;
		crypto_auth_hmacsha512_init(&hs, (const unsigned char *)secret, strlen(secret));
		crypto_auth_hmacsha512_update(&hs, body, len);
		crypto_auth_hmacsha512_final(&hs, mac);
		net_hex(mac, sizeof mac, out);
	} else {
		unsigned char mac[crypto_auth_hmacsha256_BYTES];
		crypto_auth_hmacsha256_state hs;
		crypto_auth_hmacsha256_init(&hs, (const unsigned char *)secret, strlen(secret));
		crypto_auth_hmacsha256_update(&hs, body, len);
		crypto_auth_hmacsha256_final(&hs, mac);
		net_hex(mac, sizeof mac, out);
	}
}

typedef struct delivery {
	int64_t id, event_id, sub_id;
	int attempts;
	char *callback, *secret, *topic;
	char *h_ct, *h_link, *h_sig;
} delivery;

typedef struct ev_body {
	int64_t id;
	char *ctype;
	char *body;
	size_t len;
} ev_body;

static int load_event(loa_store *s, int64_t id, ev_body *e, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(s, "SELECT content_type, body FROM net_hub_events WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	rc = loa_sql_step(st, err);
	e->id = id;
	if (rc == LOA_SQL_ROW) {
		size_t n = 0;
		const void *b = loa_sql_col_blob(st, 1, &n);
		e->ctype = strdup(loa_sql_col_text(st, 0) ? loa_sql_col_text(st, 0) : "application/octet-stream");
		e->body = malloc(n + 1);
		if (e->body) {
			if (n)
				memcpy(e->body, b, n);
			e->body[n] = '\0';
		}
		e->len = n;
		rc = e->ctype && e->body ? LOA_OK : LOA_ENOMEM;
	} else if (rc == LOA_SQL_DONE) {
		rc = LOA_ENOTFOUND;
	}
	loa_sql_reset(st);
	return rc;
}

static int deliver_due(loa_websub_worker *w, const atomic_int *stop, loa_websub_stats *stt, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "UPDATE net_hub_deliveries SET state = 'cancelled' WHERE state = 'pending' AND "
				      "sub_id NOT IN (SELECT id FROM net_hub_subs)", &st, err);
	if (rc == LOA_OK)
		rc = loa_sql_run(st, err);
	if (rc == LOA_OK)
		rc = loa_sql_cached(w->s, "SELECT d.id, d.event_id, d.sub_id, d.attempts, s.callback, s.secret, s.topic "
					  "FROM net_hub_deliveries d JOIN net_hub_subs s ON s.id = d.sub_id WHERE "
					  "d.state = 'pending' AND d.next_at <= ?1 ORDER BY d.next_at, d.id LIMIT ?2",
				    &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, loa_now_ms());
	loa_sql_bind_i64(st, 2, DELIVERIES_PER_RUN);
	delivery *d = calloc(DELIVERIES_PER_RUN, sizeof *d);
	if (!d) {
		loa_sql_reset(st);
		return LOA_ENOMEM;
	}
	size_t n = 0;
	while (n < DELIVERIES_PER_RUN && (rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		delivery *x = &d[n++];
		x->id = loa_sql_col_i64(st, 0);
		x->event_id = loa_sql_col_i64(st, 1);
		x->sub_id = loa_sql_col_i64(st, 2);
		x->attempts = (int)loa_sql_col_i64(st, 3);
		x->callback = strdup(loa_sql_col_text(st, 4));
		x->secret = loa_sql_col_null(st, 5) ? NULL : strdup(loa_sql_col_text(st, 5));
		x->topic = strdup(loa_sql_col_text(st, 6));
	}
	loa_sql_reset(st);
	/* Claim each delivery with a lease (next_at moved past the request's
	 * timeout): several workers may share the database (loa serve, loa
	 * websub run), and only the one whose claim changed the row delivers.
	 * A worker that dies mid-delivery leaves the lease to expire, and the
	 * delivery is retried (at least once). */
	if (rc >= 0 && n) {
		loa_ms now0 = loa_now_ms();
		loa_ms lease = now0 + cfg_ms(w->cfg, "websub.timeout", 10000) + 30000;
		size_t kept = 0;
		int crc = loa_store_begin(w->s, err);
		for (size_t k = 0; crc == LOA_OK && k < n; k++) {
			loa_stmt *c;
			crc = loa_sql_cached(w->s, "UPDATE net_hub_deliveries SET next_at = ?2 WHERE id = ?1 AND "
						   "state = 'pending' AND next_at <= ?3", &c, err);
			if (crc)
				break;
			loa_sql_bind_i64(c, 1, d[k].id);
			loa_sql_bind_i64(c, 2, lease);
			loa_sql_bind_i64(c, 3, now0);
			if ((crc = loa_sql_run(c, err)))
				break;
			if (loa_sql_changes(w->s) == 1) {
				d[kept++] = d[k];
			} else {
				free(d[k].callback);
				free(d[k].secret);
				free(d[k].topic);
			}
		}
		if (crc == LOA_OK)
			crc = loa_store_commit(w->s, err);
		else
			loa_store_rollback(w->s);
		if (crc) {
			for (size_t k = 0; k < kept; k++) {
				free(d[k].callback);
				free(d[k].secret);
				free(d[k].topic);
			}
			free(d);
			return crc;
		}
		n = kept;
	}
	if (rc < 0 || n == 0) {
		free(d);
		return rc < 0 ? rc : LOA_OK;
	}
	rc = LOA_OK;
	ev_body evs[16];
	size_t nev = 0;
	net_http_req *q = calloc(n, sizeof *q);
	net_http_resp *r = calloc(n, sizeof *r);
	loa_buf base;
	loa_buf_init(&base, 4096);
	loa_network_base_url(w->cfg, &base);
	bool priv = allow_private(w->cfg);
	long timeout = (long)cfg_ms(w->cfg, "websub.timeout", 10000);
	size_t nq = 0;
	size_t *qi = calloc(n, sizeof *qi); /* request index -> delivery index */
	if (!q || !r || !qi)
		rc = LOA_ENOMEM;
	for (size_t k = 0; rc == LOA_OK && k < n; k++) {
		delivery *x = &d[k];
		if (!x->callback || !x->topic) {
			rc = LOA_ENOMEM;
			break;
		}
		ev_body *e = NULL;
		for (size_t j = 0; j < nev; j++)
			if (evs[j].id == x->event_id)
				e = &evs[j];
		if (!e) {
			if (nev == sizeof evs / sizeof evs[0])
				continue; /* next run */
			e = &evs[nev];
			memset(e, 0, sizeof *e);
			if (load_event(w->s, x->event_id, e, err) != LOA_OK) {
				free(e->ctype);
				free(e->body);
				continue;
			}
			nev++;
		}
		size_t ctl = strlen(e->ctype) + 32, ll = strlen(x->topic) + base.len + 64;
		x->h_ct = malloc(ctl);
		x->h_link = malloc(ll);
		if (!x->h_ct || !x->h_link) {
			rc = LOA_ENOMEM;
			break;
		}
		snprintf(x->h_ct, ctl, "Content-Type: %s", e->ctype);
		snprintf(x->h_link, ll, "Link: <%s%s>; rel=\"hub\", <%s>; rel=\"self\"", base.data, LOA_HUB_PATH,
			 x->topic);
		net_http_req *rq = &q[nq];
		rq->method = "POST";
		rq->url = x->callback;
		rq->body = e->body;
		rq->len = e->len;
		rq->headers[0] = x->h_ct;
		rq->headers[1] = x->h_link;
		if (x->secret) {
			char hex[129];
			hmac_hex("sha256", x->secret, e->body, e->len, hex);
			size_t sl = strlen(hex) + 32;
			x->h_sig = malloc(sl);
			if (!x->h_sig) {
				rc = LOA_ENOMEM;
				break;
			}
			snprintf(x->h_sig, sl, "X-Hub-Signature: sha256=%s", hex);
			rq->headers[2] = x->h_sig;
		}
		rq->allow_private = priv;
		rq->timeout_ms = timeout;
		rq->max_body = 65536;
		qi[nq++] = k;
	}
	if (rc == LOA_OK && nq)
		net_http_batch(q, r, nq, (int)cfg_i64(w->cfg, "websub.concurrency", 64), stop);
	int max_attempts = (int)cfg_i64(w->cfg, "websub.max_attempts", 8);
	bool own = rc == LOA_OK && nq && loa_store_begin(w->s, err) == LOA_OK;
	loa_ms now = loa_now_ms();
	for (size_t j = 0; rc == LOA_OK && j < nq; j++) {
		delivery *x = &d[qi[j]];
		net_http_resp *rr = &r[j];
		if (rr->rc == LOA_EAGAIN)
			continue;
		loa_stmt *u;
		const char *state;
		loa_ms next = now;
		if (rr->rc == LOA_OK && rr->status >= 200 && rr->status < 300) {
			state = "done";
			stt->delivered++;
		} else if (rr->rc == LOA_OK && rr->status == 410) {
			state = "gone";
			stt->gone++;
		} else if (x->attempts + 1 >= max_attempts) {
			state = "dead";
			stt->gave_up++;
			loa_warn("websub.gave_up", "callback=%s topic=%s attempts=%d status=%ld msg=%s", x->callback,
				 x->topic, x->attempts + 1, rr->status, rr->rc ? rr->error : "");
		} else {
			state = "pending";
			next = now + backoff(w->cfg, x->attempts + 1);
			stt->retried++;
			loa_info("websub.retry", "callback=%s attempts=%d status=%ld msg=%s", x->callback,
				 x->attempts + 1, rr->status, rr->rc ? rr->error : "");
		}
		rc = loa_sql_cached(w->s, "UPDATE net_hub_deliveries SET state = ?2, attempts = attempts + 1, next_at = ?3, "
					  "last_status = ?4, last_error = ?5, done_at = CASE WHEN ?2 = 'done' THEN ?6 "
					  "ELSE NULL END WHERE id = ?1", &u, err);
		if (rc == LOA_OK) {
			loa_sql_bind_i64(u, 1, x->id);
			loa_sql_bind_text(u, 2, state);
			loa_sql_bind_i64(u, 3, next);
			loa_sql_bind_i64(u, 4, rr->status);
			loa_sql_bind_text(u, 5, rr->rc ? rr->error : NULL);
			loa_sql_bind_i64(u, 6, now);
			rc = loa_sql_run(u, err);
		}
		if (rc == LOA_OK && strcmp(state, "gone") == 0 &&
		    (rc = loa_sql_cached(w->s, "DELETE FROM net_hub_subs WHERE id = ?1", &u, err)) == LOA_OK) {
			loa_sql_bind_i64(u, 1, x->sub_id);
			rc = loa_sql_run(u, err);
		}
	}
	if (own) {
		if (rc == LOA_OK)
			rc = loa_store_commit(w->s, err);
		else
			loa_store_rollback(w->s);
	}
	for (size_t k = 0; k < n; k++) {
		free(d[k].callback);
		if (d[k].secret)
			sodium_memzero(d[k].secret, strlen(d[k].secret));
		free(d[k].secret);
		free(d[k].topic);
		free(d[k].h_ct);
		free(d[k].h_link);
		free(d[k].h_sig);
	}
	for (size_t j = 0; j < nq; j++)
		net_http_resp_release(&r[j]);
	for (size_t j = 0; j < nev; j++) {
		free(evs[j].ctype);
		free(evs[j].body);
	}
	free(d);
	free(q);
	free(r);
	free(qi);
	loa_buf_release(&base);
	return rc;
}

static int renew_subs(loa_websub_worker *w, const atomic_int *stop, loa_websub_stats *stt, loa_err *err);

int loa_websub_run_once(loa_websub_worker *w, const atomic_int *stop, loa_websub_stats *st, loa_err *err)
{
	loa_websub_stats dummy;
	if (!st) {
		memset(&dummy, 0, sizeof dummy);
		st = &dummy;
	}
	int released = 0;
	int rc = loa_official_release_due(w->s, w->cfg, &released, err);
	st->released += released;
	if (rc == LOA_OK && !(stop && atomic_load(stop)))
		rc = verify_intents(w, stop, st, err);
	if (rc == LOA_OK && !(stop && atomic_load(stop)))
		rc = process_events(w, st, err);
	if (rc == LOA_OK && !(stop && atomic_load(stop)))
		rc = deliver_due(w, stop, st, err);
	if (rc == LOA_OK && !(stop && atomic_load(stop)))
		rc = renew_subs(w, stop, st, err);
	if (rc == LOA_OK) {
		loa_stmt *u;
		if ((rc = loa_sql_cached(w->s, "DELETE FROM net_hub_subs WHERE expires_at <= ?1", &u, err)) == LOA_OK) {
			loa_sql_bind_i64(u, 1, loa_now_ms());
			rc = loa_sql_run(u, err);
			st->expired += loa_sql_changes(w->s);
		}
		if (rc == LOA_OK &&
		    (rc = loa_sql_cached(w->s, "DELETE FROM net_sub_seen WHERE at < ?1", &u, err)) == LOA_OK) {
			loa_sql_bind_i64(u, 1, loa_now_ms() - SEEN_KEEP_MS);
			rc = loa_sql_run(u, err);
		}
	}
	return rc;
}

int loa_websub_job(void *state, const atomic_int *stop)
{
	loa_websub_worker *w = state;
	loa_err err;
	loa_err_clear(&err);
	loa_websub_stats st;
	memset(&st, 0, sizeof st);
	/* a few passes while there is work, so a burst drains quickly */
	int rc = LOA_OK;
	for (int pass = 0; pass < 10 && !atomic_load(stop); pass++) {
		loa_websub_stats before = st;
		if ((rc = loa_websub_run_once(w, stop, &st, &err)) != LOA_OK) {
			loa_warn("websub.run", "msg=%s", loa_err_msg(&err));
			break;
		}
		if (memcmp(&before, &st, sizeof st) == 0)
			break;
	}
	return rc;
}

/* ---- subscriber ---- */

static void html_links(xmlNode *n, const char *base, loa_buf *hub, loa_buf *self)
{
	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && n->name && xmlStrcasecmp(n->name, BAD_CAST "link") == 0) {
			xmlChar *rel = xmlGetProp(n, BAD_CAST "rel");
			xmlChar *href = xmlGetProp(n, BAD_CAST "href");
			if (rel && href) {
				loa_str rest = loa_str_c((const char *)rel);
				while (rest.n) {
					loa_str tok = loa_str_trim(loa_str_split(&rest, ' '));
					loa_buf *dst = loa_str_ieq(tok, "hub") ? hub : loa_str_ieq(tok, "self") ? self : NULL;
					if (dst && !dst->len)
						loa_feed_resolve_url(base, (const char *)href, strlen((const char *)href), dst);
				}
			}
			xmlFree(rel);
			xmlFree(href);
		}
		html_links(n->children, base, hub, self);
	}
}

static int discover(const loa_config *cfg, const char *url, loa_buf *hub, loa_buf *self, loa_err *err)
{
	net_http_req q = {0};
	net_http_resp r;
	q.method = "GET";
	q.url = url;
	q.max_redirects = 5;
	q.allow_private = allow_private(cfg);
	q.timeout_ms = (long)cfg_ms(cfg, "websub.timeout", 10000);
	q.headers[0] = "Accept: application/atom+xml, application/rss+xml, application/feed+json, text/html;q=0.9, */*;q=0.5";
	net_http_do(&q, &r);
	int rc = LOA_OK;
	if (r.rc != LOA_OK || r.status < 200 || r.status >= 300) {
		rc = loa_err_set(err, r.rc == LOA_EPERM ? LOA_EPERM : LOA_ENET, "không lấy được %s / cannot fetch: %s (HTTP %ld)",
				 url, r.rc ? r.error : "", r.status);
		net_http_resp_release(&r);
		return rc;
	}
	const char *final = r.final_url[0] ? r.final_url : url;
	/* HTTP Link headers first (websub.rocks 104) */
	net_link_find(r.links.data, "hub", hub);
	net_link_find(r.links.data, "self", self);
	if (!hub->len || !self->len) {
		loa_buf bh, bs;
		loa_buf_init(&bh, URL_MAX);
		loa_buf_init(&bs, URL_MAX);
		if (strstr(r.content_type, "html")) {
			htmlDocPtr doc = htmlReadMemory(r.body.data, (int)r.body.len, final, NULL,
							HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
								HTML_PARSE_RECOVER);
			if (doc) {
				html_links(xmlDocGetRootElement(doc), final, &bh, &bs);
				xmlFreeDoc(doc);
			}
		} else {
			loa_feed_input in = {0};
			in.body = r.body.data;
			in.len = r.body.len;
			in.content_type = r.content_type[0] ? r.content_type : NULL;
			in.url = final;
			in.flags = LOA_FEED_NO_TEXT;
			loa_feed *f = NULL;
			if (loa_feed_parse(&in, &f, NULL) == LOA_OK && f) {
				if (f->hub)
					loa_buf_puts(&bh, f->hub);
				if (f->self)
					loa_buf_puts(&bs, f->self);
				loa_feed_free(f);
			}
		}
		if (!hub->len && bh.len)
			loa_buf_append(hub, bh.data, bh.len);
		if (!self->len && bs.len)
			loa_buf_append(self, bs.data, bs.len);
		loa_buf_release(&bh);
		loa_buf_release(&bs);
	}
	if (!hub->len || !self->len)
		rc = loa_err_set(err, LOA_ENOTFOUND, "%s không công bố hub và self (WebSub) / advertises no WebSub hub "
				 "and self URL", url);
	net_http_resp_release(&r);
	return rc;
}

/* POSTs a subscription request (form) to hub; r is the caller's to release. */
static void hub_post(const loa_config *cfg, const char *hub, const loa_buf *form, net_http_resp *r)
{
	net_http_req q = {0};
	q.method = "POST";
	q.url = hub;
	q.body = form->data;
	q.len = form->len;
	q.headers[0] = "Content-Type: application/x-www-form-urlencoded";
	q.max_redirects = 3; /* 307/308 re-POST the same form */
	q.allow_private = allow_private(cfg);
	q.timeout_ms = (long)cfg_ms(cfg, "websub.timeout", 10000) * 2;
	net_http_do(&q, r);
}

int loa_websub_subscribe(loa_store *s, const loa_config *cfg, const char *url, const char *source, bool unsubscribe,
			 loa_websub_sub *out, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	if (sodium_init() < 0)
		return loa_err_set(err, LOA_EIO, "libsodium init failed");
	loa_buf hub, self, base, form, cb;
	loa_buf_init(&hub, URL_MAX);
	loa_buf_init(&self, URL_MAX);
	loa_buf_init(&base, 4096);
	loa_buf_init(&form, 4 * URL_MAX + 1024);
	loa_buf_init(&cb, URL_MAX + 64);
	loa_network_base_url(cfg, &base);
	int64_t id = 0;
	char secret[65] = "";
	loa_stmt *st;
	if ((rc = discover(cfg, url, &hub, &self, err)) != LOA_OK)
		goto out;
	if (unsubscribe) {
		if ((rc = loa_sql_cached(s, "SELECT id, secret FROM net_subs WHERE topic = ?1 AND hub = ?2 AND state = "
					    "'active' ORDER BY id DESC LIMIT 1", &st, err)) != LOA_OK)
			goto out;
		loa_sql_bind_text(st, 1, self.data);
		loa_sql_bind_text(st, 2, hub.data);
		rc = loa_sql_step(st, err);
		if (rc == LOA_SQL_ROW)
			id = loa_sql_col_i64(st, 0);
		loa_sql_reset(st);
		if (rc < 0)
			goto out;
		if (!id) {
			rc = loa_err_set(err, LOA_ENOTFOUND, "chưa đăng ký nhận tin này / not subscribed to %s", self.data);
			goto out;
		}
		if ((rc = loa_sql_cached(s, "UPDATE net_subs SET state = 'unsubscribing' WHERE id = ?1", &st, err)) ==
		    LOA_OK) {
			loa_sql_bind_i64(st, 1, id);
			rc = loa_sql_run(st, err);
		}
		if (rc)
			goto out;
	} else {
		char src[LOA_SLUG_MAX + 1] = "";
		if (source) {
			loa_source_rec rec;
			if ((rc = loa_store_source_get(s, source, &rec, err)) != LOA_OK)
				goto out;
			loa_strlcpy(src, source, sizeof src);
		} else {
			loa_source_rec rec;
			if (loa_store_source_by_url(s, url, &rec, NULL) == LOA_OK ||
			    loa_store_source_by_url(s, self.data, &rec, NULL) == LOA_OK)
				loa_strlcpy(src, rec.slug, sizeof src);
		}
		unsigned char rnd[32];
		randombytes_buf(rnd, sizeof rnd);
		net_hex(rnd, sizeof rnd, secret);
		if ((rc = loa_sql_cached(s, "INSERT INTO net_subs(topic, hub, source, secret, state, created_at) VALUES "
					    "(?1, ?2, ?3, ?4, 'pending', ?5)", &st, err)) != LOA_OK)
			goto out;
		loa_sql_bind_text(st, 1, self.data);
		loa_sql_bind_text(st, 2, hub.data);
		loa_sql_bind_text(st, 3, src[0] ? src : NULL);
		loa_sql_bind_text(st, 4, secret);
		loa_sql_bind_i64(st, 5, loa_now_ms());
		if ((rc = loa_sql_run(st, err)) != LOA_OK)
			goto out;
		id = loa_sql_last_id(s);
		if (!src[0]) {
			snprintf(src, sizeof src, "websub-%" PRId64, id);
			int64_t sid;
			if ((rc = loa_store_source_ensure(s, src, "web", &sid, NULL, err)) != LOA_OK)
				goto out;
			if ((rc = loa_sql_cached(s, "UPDATE net_subs SET source = ?2 WHERE id = ?1", &st, err)) == LOA_OK) {
				loa_sql_bind_i64(st, 1, id);
				loa_sql_bind_text(st, 2, src);
				rc = loa_sql_run(st, err);
			}
			if (rc)
				goto out;
		}
	}
	loa_buf_printf(&cb, "%s%s%" PRId64, base.data, LOA_WEBSUB_CALLBACK_PATH, id);
	loa_buf_printf(&form, "hub.mode=%s&hub.topic=", unsubscribe ? "unsubscribe" : "subscribe");
	net_url_encode(&form, self.data);
	loa_buf_puts(&form, "&hub.callback=");
	net_url_encode(&form, cb.data);
	if (!unsubscribe) {
		loa_buf_puts(&form, "&hub.secret=");
		net_url_encode(&form, secret);
	}
	net_http_resp r;
	hub_post(cfg, hub.data, &form, &r);
	if (out) {
		memset(out, 0, sizeof *out);
		out->id = id;
		loa_strlcpy(out->topic, self.data, sizeof out->topic);
		loa_strlcpy(out->hub, r.final_url[0] ? r.final_url : hub.data, sizeof out->hub);
		loa_strlcpy(out->callback, cb.data, sizeof out->callback);
		out->hub_status = r.status;
	}
	if (r.rc != LOA_OK || r.status < 200 || r.status >= 300) {
		char ans[200];
		size_t an = r.body.len < sizeof ans - 1 ? r.body.len : sizeof ans - 1;
		memcpy(ans, r.body.data ? r.body.data : "", an);
		ans[an] = '\0';
		rc = loa_err_set(err, LOA_ENET, "hub từ chối / the hub refused: %s HTTP %ld %s", r.rc ? r.error : "",
				 r.status, ans);
		loa_stmt *u;
		if (!unsubscribe && loa_sql_cached(s, "UPDATE net_subs SET state = 'failed' WHERE id = ?1 AND state = "
						      "'pending'", &u, NULL) == LOA_OK) {
			loa_sql_bind_i64(u, 1, id);
			loa_sql_run(u, NULL);
		}
	} else {
		loa_info("websub.subscribe", "mode=%s topic=%s hub=%s status=%ld", unsubscribe ? "unsubscribe" : "subscribe",
			 self.data, hub.data, r.status);
	}
	net_http_resp_release(&r);
out:
	sodium_memzero(secret, sizeof secret);
	loa_buf_release(&hub);
	loa_buf_release(&self);
	loa_buf_release(&base);
	loa_buf_release(&form);
	loa_buf_release(&cb);
	return rc;
}

/* Renewal of loa's own subscriptions: a subscription whose lease ends
 * within max(lease/10, min(lease/2, 1 h)) is asked for again, with the
 * same callback and secret (WebSub 5.1: a subscriber renews by subscribing
 * again before the lease ends); the hub's verification of intent then
 * moves expires_at. A failed attempt is retried after min(lease/4, 5 min),
 * never more often. At most 32 subscriptions per pass. */
static int renew_subs(loa_websub_worker *w, const atomic_int *stop, loa_websub_stats *stt, loa_err *err)
{
	enum { RENEW_MAX = 32 };
	struct {
		int64_t id;
		char *topic, *hub, *secret;
	} due[RENEW_MAX];
	size_t n = 0;
	loa_ms now = loa_now_ms();
	loa_stmt *st;
	int rc = loa_sql_cached(w->s,
				"SELECT id, topic, hub, secret FROM net_subs WHERE state = 'active' AND lease_s > 0 "
				"AND expires_at IS NOT NULL "
				"AND expires_at - ?1 < MAX(lease_s * 100, MIN(lease_s * 500, 3600000)) "
				"AND (renew_at IS NULL OR ?1 - renew_at >= MIN(lease_s * 250, 300000)) "
				"ORDER BY expires_at LIMIT ?2",
				&st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, now);
	loa_sql_bind_i64(st, 2, RENEW_MAX);
	while (n < RENEW_MAX && (rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		due[n].id = loa_sql_col_i64(st, 0);
		due[n].topic = strdup(loa_sql_col_text(st, 1));
		due[n].hub = strdup(loa_sql_col_text(st, 2));
		due[n].secret = loa_sql_col_text(st, 3) ? strdup(loa_sql_col_text(st, 3)) : NULL;
		if (!due[n].topic || !due[n].hub) {
			free(due[n].topic);
			free(due[n].hub);
			free(due[n].secret);
			rc = loa_err_set(err, LOA_ENOMEM, "out of memory");
			break;
		}
		n++;
	}
	loa_sql_reset(st);
	rc = rc < 0 ? rc : LOA_OK;
	loa_buf base, form, cb;
	loa_buf_init(&base, 4096);
	loa_buf_init(&form, 4 * URL_MAX + 1024);
	loa_buf_init(&cb, URL_MAX + 64);
	loa_network_base_url(w->cfg, &base);
	for (size_t i = 0; i < n; i++) {
		if (rc != LOA_OK || (stop && atomic_load(stop)))
			break;
		loa_stmt *u;
		/* the attempt is recorded first: a hub that hangs is not asked again at once */
		if ((rc = loa_sql_cached(w->s, "UPDATE net_subs SET renew_at = ?2 WHERE id = ?1", &u, err)) == LOA_OK) {
			loa_sql_bind_i64(u, 1, due[i].id);
			loa_sql_bind_i64(u, 2, now);
			rc = loa_sql_run(u, err);
		}
		if (rc)
			break;
		loa_buf_reset(&cb);
		loa_buf_reset(&form);
		loa_buf_printf(&cb, "%s%s%" PRId64, base.data, LOA_WEBSUB_CALLBACK_PATH, due[i].id);
		loa_buf_puts(&form, "hub.mode=subscribe&hub.topic=");
		net_url_encode(&form, due[i].topic);
		loa_buf_puts(&form, "&hub.callback=");
		net_url_encode(&form, cb.data);
		if (due[i].secret && *due[i].secret) {
			loa_buf_puts(&form, "&hub.secret=");
			net_url_encode(&form, due[i].secret);
		}
		net_http_resp r;
		hub_post(w->cfg, due[i].hub, &form, &r);
		if (r.rc == LOA_OK && r.status >= 200 && r.status < 300) {
			stt->renewed++;
			loa_info("websub.renew", "sub=%" PRId64 " topic=%s status=%ld", due[i].id, due[i].topic, r.status);
		} else {
			stt->renew_failed++;
			loa_warn("websub.renew_failed", "sub=%" PRId64 " topic=%s status=%ld error=%s", due[i].id,
				 due[i].topic, r.status, r.rc ? r.error : "-");
		}
		net_http_resp_release(&r);
		sodium_memzero(form.data, form.len);
	}
	for (size_t i = 0; i < n; i++) {
		free(due[i].topic);
		free(due[i].hub);
		if (due[i].secret)
			sodium_memzero(due[i].secret, strlen(due[i].secret));
		free(due[i].secret);
	}
	loa_buf_release(&base);
	loa_buf_release(&form);
	loa_buf_release(&cb);
	return rc;
}

int loa_websub_callback_verify(loa_store *s, int64_t sub_id, const char *mode, const char *topic,
			       const char *challenge, const char *lease, int *status, loa_buf *body, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	*status = 404;
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, "SELECT topic, state FROM net_subs WHERE id = ?1", &st, err)) != LOA_OK)
		return rc;
	loa_sql_bind_i64(st, 1, sub_id);
	rc = loa_sql_step(st, err);
	char state[32] = "";
	bool topic_ok = false;
	if (rc == LOA_SQL_ROW) {
		loa_strlcpy(state, loa_sql_col_text(st, 1), sizeof state);
		topic_ok = topic && strcmp(topic, loa_sql_col_text(st, 0)) == 0;
	}
	loa_sql_reset(st);
	if (rc < 0)
		return rc;
	const char *why = NULL;
	const char *next = NULL;
	if (!state[0])
		why = "no such subscription";
	else if (!mode)
		why = "no hub.mode";
	else if (!topic_ok)
		why = "unexpected topic";
	else if (strcmp(mode, "denied") == 0)
		next = "denied";
	else if (!challenge || !*challenge || strlen(challenge) > 1024)
		why = "no hub.challenge";
	else if (strcmp(mode, "subscribe") == 0 && (strcmp(state, "pending") == 0 || strcmp(state, "active") == 0))
		next = "active";
	else if (strcmp(mode, "unsubscribe") == 0 && strcmp(state, "unsubscribing") == 0)
		next = "unsubscribed";
	else
		why = "unexpected mode";
	if (why) {
		loa_warn("websub.callback_refused", "sub=%" PRId64 " mode=%s reason=%s", sub_id, mode ? mode : "-", why);
		loa_buf_puts(body, "không có đăng ký này / no such subscription");
		return LOA_OK;
	}
	int64_t lease_s = 0;
	if (lease)
		loa_parse_i64(lease, &lease_s);
	if ((rc = loa_sql_cached(s, "UPDATE net_subs SET state = ?2, lease_s = ?3, expires_at = ?4 WHERE id = ?1", &st,
				 err)) != LOA_OK)
		return rc;
	loa_sql_bind_i64(st, 1, sub_id);
	loa_sql_bind_text(st, 2, next);
	if (lease_s > 0) {
		loa_sql_bind_i64(st, 3, lease_s);
		loa_sql_bind_i64(st, 4, loa_now_ms() + lease_s * 1000);
	} else {
		loa_sql_bind_null(st, 3);
		loa_sql_bind_null(st, 4);
	}
	if ((rc = loa_sql_run(st, err)) != LOA_OK)
		return rc;
	loa_info("websub.callback_verified", "sub=%" PRId64 " mode=%s state=%s lease=%" PRId64, sub_id, mode, next,
		 lease_s);
	*status = 200;
	if (challenge)
		loa_buf_puts(body, challenge);
	return LOA_OK;
}

static bool sig_valid(const char *secret, const char *header, const char *body, size_t len)
{
	const char *eq = header ? strchr(header, '=') : NULL;
	if (!eq)
		return false;
	char alg[16];
	size_t an = (size_t)(eq - header);
	if (an == 0 || an >= sizeof alg)
		return false;
	memcpy(alg, header, an);
	alg[an] = '\0';
	for (char *p = alg; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (strcmp(alg, "sha256") != 0 && strcmp(alg, "sha512") != 0)
		return false; /* sha1 and sha384 are not accepted */
	char want[129];
	hmac_hex(alg, secret, body, len, want);
	const char *got = eq + 1;
	size_t wl = strlen(want);
	if (strlen(got) != wl)
		return false;
	char low[129];
	for (size_t i = 0; i < wl; i++)
		low[i] = (char)(got[i] >= 'A' && got[i] <= 'F' ? got[i] - 'A' + 'a' : got[i]);
	return sodium_memcmp(low, want, wl) == 0;
}

static void entry_text(const loa_feed_entry *e, const char **text, const char **html)
{
	*text = NULL;
	*html = NULL;
	if (e->ncontent && e->content[0].value) {
		*text = e->content[0].text;
		if (e->content[0].type == LOA_FEED_HTML || e->content[0].type == LOA_FEED_XHTML)
			*html = e->content[0].value;
	}
	if (!*text && e->summary.value)
		*text = e->summary.text;
}

int loa_websub_callback_deliver(loa_store *s, const loa_config *cfg, int64_t sub_id, const char *body, size_t len,
				const char *content_type, const char *signature, int *status, loa_buf *msg, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, "SELECT topic, secret, state, source FROM net_subs WHERE id = ?1", &st, err)))
		return rc;
	loa_sql_bind_i64(st, 1, sub_id);
	rc = loa_sql_step(st, err);
	char topic[URL_MAX + 1] = "", state[32] = "", source[LOA_SLUG_MAX + 1] = "", secret[256] = "";
	bool has_secret = false;
	if (rc == LOA_SQL_ROW) {
		loa_strlcpy(topic, loa_sql_col_text(st, 0), sizeof topic);
		has_secret = !loa_sql_col_null(st, 1);
		if (has_secret)
			loa_strlcpy(secret, loa_sql_col_text(st, 1), sizeof secret);
		loa_strlcpy(state, loa_sql_col_text(st, 2), sizeof state);
		if (!loa_sql_col_null(st, 3))
			loa_strlcpy(source, loa_sql_col_text(st, 3), sizeof source);
	}
	loa_sql_reset(st);
	if (rc < 0)
		return rc;
	rc = LOA_OK;
	if (!state[0] || strcmp(state, "active") != 0) {
		*status = 410;
		loa_buf_puts(msg, "không có đăng ký này / no such subscription");
		loa_warn("websub.push_refused", "sub=%" PRId64 " reason=not_active", sub_id);
		goto out;
	}
	if (has_secret && (!signature || !*signature)) {
		*status = 403;
		loa_buf_puts(msg, "thiếu chữ ký X-Hub-Signature / X-Hub-Signature missing");
		loa_warn("websub.push_refused", "sub=%" PRId64 " reason=missing_signature", sub_id);
		goto out;
	}
	if (has_secret && !sig_valid(secret, signature, body, len)) {
		/* WebSub 8: acknowledge, then ignore the content */
		*status = 202;
		loa_buf_puts(msg, "chữ ký sai, đã bỏ qua / bad signature, ignored");
		loa_warn("websub.bad_signature", "sub=%" PRId64 " topic=%s", sub_id, topic);
		goto out;
	}
	/* replays: the same signature and body again */
	unsigned char h[16];
	crypto_generichash_state gs;
	crypto_generichash_init(&gs, NULL, 0, sizeof h);
	crypto_generichash_update(&gs, (const unsigned char *)(signature ? signature : ""),
				  signature ? strlen(signature) + 1 : 1);
	crypto_generichash_update(&gs, (const unsigned char *)body, len);
	crypto_generichash_final(&gs, h, sizeof h);
	char hex[33];
	net_hex(h, sizeof h, hex);
	if ((rc = loa_sql_cached(s, "INSERT OR IGNORE INTO net_sub_seen(sub_id, digest, at) VALUES (?1, ?2, ?3)", &st,
				 err)) != LOA_OK)
		goto out;
	loa_sql_bind_i64(st, 1, sub_id);
	loa_sql_bind_text(st, 2, hex);
	loa_sql_bind_i64(st, 3, loa_now_ms());
	if ((rc = loa_sql_run(st, err)) != LOA_OK)
		goto out;
	if (loa_sql_changes(s) == 0) {
		*status = 200;
		loa_buf_puts(msg, "đã nhận trước đó, bỏ qua / replayed delivery ignored");
		loa_warn("websub.replay", "sub=%" PRId64 " topic=%s digest=%s", sub_id, topic, hex);
		goto out;
	}
	/* parse and store */
	loa_feed_input in = {0};
	in.body = body;
	in.len = len;
	in.content_type = content_type;
	in.url = topic;
	loa_feed *f = NULL;
	int64_t stored = 0;
	if (loa_feed_parse(&in, &f, NULL) == LOA_OK && f) {
		bool own = loa_store_begin(s, err) == LOA_OK;
		for (size_t i = 0; rc == LOA_OK && i < f->nentries; i++) {
			const loa_feed_entry *e = &f->entries[i];
			loa_item it;
			loa_item_init(&it);
			it.source = source;
			it.id = e->id ? e->id : e->link;
			it.url = e->link;
			it.title = e->title.text ? e->title.text : e->title.value;
			entry_text(e, &it.text, &it.html);
			it.author = e->author;
			it.lang = e->language;
			it.published_at = e->published != LOA_TIME_NONE ? e->published
					  : e->updated != LOA_TIME_NONE  ? e->updated
									 : loa_now_ms();
			int res = 0;
			loa_err e3;
			int r = loa_store_item_upsert(s, &it, &res, &e3);
			if (r == LOA_EINVAL)
				continue;
			rc = r;
			if (res == LOA_STORE_INSERTED || res == LOA_STORE_UPDATED)
				stored++;
		}
		if (own) {
			if (rc == LOA_OK)
				rc = loa_store_commit(s, err);
			else
				loa_store_rollback(s);
		}
		loa_feed_free(f);
	}
	int nsig = 0, nok = 0;
	if (rc == LOA_OK)
		rc = loa_network_verify_feed(s, source, body, len, content_type, &nsig, &nok, err);
	if (rc == LOA_OK && (rc = loa_sql_cached(s, "UPDATE net_subs SET last_push = ?2 WHERE id = ?1", &st, err)) ==
			    LOA_OK) {
		loa_sql_bind_i64(st, 1, sub_id);
		loa_sql_bind_i64(st, 2, loa_now_ms());
		rc = loa_sql_run(st, err);
	}
	*status = 200;
	loa_buf_printf(msg, "stored=%" PRId64 " signed=%d verified=%d", stored, nsig, nok);
	loa_info("websub.push", "sub=%" PRId64 " topic=%s bytes=%zu stored=%" PRId64 " signed=%d verified=%d", sub_id,
		 topic, len, stored, nsig, nok);
out:
	sodium_memzero(secret, sizeof secret);
	return rc;
}
