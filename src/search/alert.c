/*
 * alert.c - alerts on saved queries: evaluation (match, spike, negative
 * share), the delivery queue with retries and dead letters, webhook and
 * e-mail channels, the live hook.
 */
#include "search/alert.h"
#include "search/match.h"
#include "search/search_int.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/str.h"
#include "core/utf8.h"
#include "core/vec.h"

#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define SPIKE_TRAILING 24   /* trailing windows forming the baseline */
#define SPIKE_MIN_COUNT 5   /* never a spike below this many hits */
#define NEG_MIN_LABELLED 20 /* never a negative-share alert on fewer labelled hits */

static loa_alert_hook live_hook;
static void *live_arg;

void loa_alert_set_hook(loa_alert_hook fn, void *arg)
{
	live_hook = fn;
	live_arg = arg;
}

/* ---- statistics ------------------------------------------------------- */

double loa_alert_poisson_sf(int64_t k, double lambda)
{
	if (k <= 0)
		return 1.0;
	if (lambda <= 0)
		return 0.0;
	/* P(X >= k) = sum_{i >= k} p(i), summed from k upwards (stable in the tail) */
	double lp = -lambda + (double)k * log(lambda) - lgamma((double)k + 1.0);
	double sum = 0.0, term = exp(lp);
	for (int64_t i = k; i < k + 100000; i++) {
		sum += term;
		term *= lambda / (double)(i + 1);
		if (term < sum * 1e-17)
			break;
	}
	return sum > 1.0 ? 1.0 : sum;
}

static void wilson(double k, double n, double *lo, double *hi)
{
	const double z = 1.96;
	if (n <= 0) {
		*lo = 0;
		*hi = 1;
		return;
	}
	double p = k / n, d = 1 + z * z / n;
	double c = (p + z * z / (2 * n)) / d;
	double h = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d;
	*lo = c - h < 0 ? 0 : c - h;
	*hi = c + h > 1 ? 1 : c + h;
}

/* ---- definitions ------------------------------------------------------ */

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static bool header_safe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

int loa_alert_add(loa_search *s, const loa_alert_def *d, loa_err *err)
{
	const char *kind = d->kind ? d->kind : "match";
	const char *mode = d->mode ? d->mode : "immediate";
	if (!d->name || !*d->name || strlen(d->name) > LOA_SEARCH_NAME_MAX || !header_safe(d->name))
		return loa_err_set(err, LOA_EINVAL, "tên cảnh báo không hợp lệ / bad alert name");
	if (strcmp(kind, "match") && strcmp(kind, "spike") && strcmp(kind, "negative"))
		return loa_err_set(err, LOA_EINVAL, "loại cảnh báo là match, spike hoặc negative / "
				   "alert kind is match, spike or negative: %s", kind);
	if (strcmp(mode, "immediate") && strcmp(mode, "digest"))
		return loa_err_set(err, LOA_EINVAL, "chế độ là immediate hoặc digest / mode is "
				   "immediate or digest: %s", mode);
	if (!d->webhook && !d->email)
		return loa_err_set(err, LOA_EINVAL, "cần --webhook hoặc --email / a webhook or an "
				   "e-mail address is needed");
	if (d->webhook && ((strncmp(d->webhook, "http://", 7) && strncmp(d->webhook, "https://", 8)) ||
			   strlen(d->webhook) > 2048 || !header_safe(d->webhook)))
		return loa_err_set(err, LOA_EINVAL, "webhook phải là URL http(s) / the webhook must "
				   "be an http(s) URL");
	if (d->email && (!strchr(d->email, '@') || strlen(d->email) > 254 || !header_safe(d->email) ||
			 strpbrk(d->email, " <>,;")))
		return loa_err_set(err, LOA_EINVAL, "địa chỉ e-mail không hợp lệ / bad e-mail address");
	if (d->secret && (strlen(d->secret) > 1024))
		return loa_err_set(err, LOA_EINVAL, "khóa bí mật quá dài / secret too long");
	if (strcmp(kind, "negative") == 0 && d->threshold >= 1.0)
		return loa_err_set(err, LOA_EINVAL, "ngưỡng là tỉ lệ từ 0 đến 1 / the threshold is a "
				   "share between 0 and 1");
	loa_saved_query q;
	int rc = loa_search_query_get(s, d->query ? d->query : "", &q, err);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO search_alert(name, query_id, kind, mode, webhook, "
			       "secret, email, threshold, window_ms, created_at) "
			       "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", -1, &st,
			       NULL) != SQLITE_OK)
		return loa__search_dberr(s, sqlite3_errcode(s->db), "alert add", err);
	loa_ms now = loa_now_ms();
	sqlite3_bind_text(st, 1, d->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, q.id);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, mode, -1, SQLITE_STATIC);
	if (d->webhook)
		sqlite3_bind_text(st, 5, d->webhook, -1, SQLITE_STATIC);
	if (d->secret)
		sqlite3_bind_text(st, 6, d->secret, -1, SQLITE_STATIC);
	if (d->email)
		sqlite3_bind_text(st, 7, d->email, -1, SQLITE_STATIC);
	if (d->threshold >= 0)
		sqlite3_bind_double(st, 8, d->threshold);
	sqlite3_bind_int64(st, 9, d->window > 0 ? d->window : 3600000);
	sqlite3_bind_int64(st, 10, now);
	int r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r == SQLITE_CONSTRAINT)
		return loa_err_set(err, LOA_EEXIST, "đã có cảnh báo '%s' / alert '%s' exists", d->name,
				   d->name);
	if (r != SQLITE_DONE)
		return loa__search_dberr(s, r, "alert add", err);
	/* hits before the alert existed are not news */
	if (sqlite3_prepare_v2(s->db, "UPDATE search_alert SET last_run = ?1, last_fired = ?1 "
			       "WHERE name = ?2", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_text(st, 2, d->name, -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	return LOA_OK;
}

int loa_alert_remove(loa_search *s, const char *name, loa_err *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM search_delivery WHERE alert_id IN (SELECT id FROM "
			       "search_alert WHERE name = ?1)", -1, &st, NULL) != SQLITE_OK)
		return loa__search_dberr(s, sqlite3_errcode(s->db), "alert remove", err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(s->db, "DELETE FROM search_alert WHERE name = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return loa__search_dberr(s, sqlite3_errcode(s->db), "alert remove", err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return loa__search_dberr(s, r, "alert remove", err);
	if (sqlite3_changes(s->db) == 0)
		return loa_err_set(err, LOA_ENOTFOUND, "không có cảnh báo '%s' / no alert '%s'", name,
				   name);
	return LOA_OK;
}

#define ALERT_COLS "a.id, a.name, q.name, a.kind, a.mode, a.webhook, a.secret, a.email, " \
		   "coalesce(a.threshold, -1), a.window_ms, a.last_fired, " \
		   "(SELECT count(*) FROM search_delivery d WHERE d.alert_id = a.id AND " \
		   "d.state = 'pending'), (SELECT count(*) FROM search_delivery d WHERE " \
		   "d.alert_id = a.id AND d.state = 'dead'), a.query_id, a.last_run"

static void fill_alert(sqlite3_stmt *st, loa_alert_def *d)
{
	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(st, 0);
	d->name = col(st, 1);
	d->query = col(st, 2);
	d->kind = col(st, 3);
	d->mode = col(st, 4);
	d->webhook = col(st, 5);
	d->secret = col(st, 6);
	d->email = col(st, 7);
	d->threshold = sqlite3_column_double(st, 8);
	d->window = sqlite3_column_int64(st, 9);
	d->last_fired = sqlite3_column_int64(st, 10);
	d->pending = sqlite3_column_int64(st, 11);
	d->dead = sqlite3_column_int64(st, 12);
}

static int alerts_query(loa_search *s, const char *name, loa_alert_cb cb, void *arg, loa_err *err)
{
	sqlite3_stmt *st;
	const char *sql = name ? "SELECT " ALERT_COLS " FROM search_alert a JOIN search_query q ON "
				 "q.id = a.query_id WHERE a.name = ?1"
			       : "SELECT " ALERT_COLS " FROM search_alert a JOIN search_query q ON "
				 "q.id = a.query_id ORDER BY a.name";
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return loa__search_dberr(s, sqlite3_errcode(s->db), "alerts", err);
	if (name)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int r, rc = LOA_OK, n = 0;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		loa_alert_def d;
		fill_alert(st, &d);
		n++;
		if ((rc = cb(arg, &d)))
			break;
	}
	if (!rc && r != SQLITE_DONE && r != SQLITE_ROW)
		rc = loa__search_dberr(s, r, "alerts", err);
	sqlite3_finalize(st);
	if (!rc && name && n == 0)
		rc = loa_err_set(err, LOA_ENOTFOUND, "không có cảnh báo '%s' / no alert '%s'", name, name);
	return rc;
}

int loa_alerts_each(loa_search *s, loa_alert_cb cb, void *arg, loa_err *err)
{
	return alerts_query(s, NULL, cb, arg, err);
}

/* ---- channels --------------------------------------------------------- */

void loa_alert_sign(const char *key, const char *body, size_t n, char out[72])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	if (sodium_init() < 0) {
		loa_strlcpy(out, "sha256=", 72);
		return;
	}
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, n);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "sha256=", 7);
	sodium_bin2hex(out + 7, 65, mac, sizeof mac);
}

static size_t discard(char *p, size_t size, size_t n, void *u)
{
	return size * n;
}

int loa_alert_webhook(const char *url, const char *secret, const char *body, long timeout_s,
		      long *http_status, loa_err *err)
{
	if (http_status)
		*http_status = 0;
	CURL *c = curl_easy_init();
	if (!c)
		return loa_err_set(err, LOA_ENOMEM, "libcurl init failed");
	struct curl_slist *h = NULL;
	char sig[72 + 32];
	h = curl_slist_append(h, "Content-Type: application/json; charset=utf-8");
	h = curl_slist_append(h, "User-Agent: loa/" LOA_VERSION);
	if (secret && *secret) {
		char s[72];
		loa_alert_sign(secret, body, strlen(body), s);
		snprintf(sig, sizeof sig, "X-Loa-Signature: %s", s);
		h = curl_slist_append(h, sig);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s > 0 ? timeout_s : 10L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout_s > 0 ? timeout_s : 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	CURLcode r = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (http_status)
		*http_status = code;
	if (r != CURLE_OK)
		return loa_err_set(err, LOA_ENET, "webhook %s: %s", url, curl_easy_strerror(r));
	if (code < 200 || code > 299)
		return loa_err_set(err, LOA_ENET, "webhook %s: HTTP %ld", url, code);
	return LOA_OK;
}

typedef struct upload {
	const char *p;
	size_t n, off;
} upload;

static size_t read_up(char *buf, size_t size, size_t n, void *u)
{
	upload *up = u;
	size_t k = size * n;
	if (k > up->n - up->off)
		k = up->n - up->off;
	memcpy(buf, up->p + up->off, k);
	up->off += k;
	return k;
}

int loa_alert_email(const loa_alert_cfg *cfg, const char *to, const char *subject,
		    const char *body, loa_err *err)
{
	if (!cfg || !cfg->smtp_url || !*cfg->smtp_url)
		return loa_err_set(err, LOA_EINVAL, "chưa cấu hình smtp.url / smtp.url is not set");
	const char *from = cfg->smtp_from && *cfg->smtp_from ? cfg->smtp_from : "loa@localhost";
	if (!header_safe(to) || !header_safe(from))
		return loa_err_set(err, LOA_EINVAL, "địa chỉ e-mail không hợp lệ / bad e-mail address");
	loa_buf m;
	loa_buf_init(&m, LOA_ALERT_BODY_MAX * 2 + 4096);
	char b64[1024];
	size_t sn = strlen(subject);
	if (sn > 600)
		sn = loa_utf8_truncate(subject, sn, 600);
	sodium_bin2base64(b64, sizeof b64, (const unsigned char *)subject, sn,
			  sodium_base64_VARIANT_ORIGINAL);
	int rc = loa_buf_printf(&m, "From: <%s>\r\nTo: <%s>\r\nSubject: =?UTF-8?B?%s?=\r\n"
				"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
				"Content-Transfer-Encoding: 8bit\r\nX-Mailer: loa/" LOA_VERSION "\r\n\r\n",
				from, to, b64);
	for (const char *p = body; !rc && *p; p++)
		rc = *p == '\n' ? loa_buf_puts(&m, "\r\n") : loa_buf_putc(&m, *p);
	if (!rc)
		rc = loa_buf_puts(&m, "\r\n");
	if (rc) {
		loa_buf_release(&m);
		return loa_err_set(err, LOA_ETOOBIG, "thư quá lớn / message too large");
	}
	CURL *c = curl_easy_init();
	if (!c) {
		loa_buf_release(&m);
		return loa_err_set(err, LOA_ENOMEM, "libcurl init failed");
	}
	char f[300], t[300];
	snprintf(f, sizeof f, "<%s>", from);
	snprintf(t, sizeof t, "<%s>", to);
	struct curl_slist *rcpt = curl_slist_append(NULL, t);
	upload up = {m.data, m.len, 0};
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, f);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_up);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, cfg->timeout_s > 0 ? cfg->timeout_s : 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode r = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	loa_buf_release(&m);
	if (r != CURLE_OK)
		return loa_err_set(err, LOA_ENET, "smtp %s: %s", cfg->smtp_url, curl_easy_strerror(r));
	return LOA_OK;
}

/* ---- events and the queue --------------------------------------------- */

static loa_ms now_of(const loa_alert_cfg *cfg)
{
	return cfg && cfg->now != LOA_TIME_NONE && cfg->now != 0 ? cfg->now : loa_now_ms();
}

static int enqueue(loa_search *s, const loa_alert_def *a, const char *payload, loa_ms now,
		   loa_err *err)
{
	const char *ch[2] = {a->webhook, a->email};
	const char *names[2] = {"webhook", "email"};
	for (int i = 0; i < 2; i++) {
		if (!ch[i] || !*ch[i])
			continue;
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(s->db, "INSERT INTO search_delivery(alert_id, channel, target, "
				       "payload, next_at, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?5)",
				       -1, &st, NULL) != SQLITE_OK)
			return loa__search_dberr(s, sqlite3_errcode(s->db), "enqueue", err);
		sqlite3_bind_int64(st, 1, a->id);
		sqlite3_bind_text(st, 2, names[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, ch[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, payload, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, now);
		int r = sqlite3_step(st);
		sqlite3_finalize(st);
		if (r != SQLITE_DONE)
			return loa__search_dberr(s, r, "enqueue", err);
	}
	if (live_hook)
		live_hook(live_arg, a->name, payload);
	return LOA_OK;
}

static json_t *event_base(const loa_alert_def *a, const char *kind, loa_ms now)
{
	char ts[LOA_TIME_STR_MAX];
	json_t *j = json_object();
	if (!j)
		return NULL;
	json_object_set_new(j, "alert", json_string(a->name));
	json_object_set_new(j, "query", json_string(a->query));
	json_object_set_new(j, "kind", json_string(kind));
	json_object_set_new(j, "at", json_string(loa_time_format_rfc3339(now, ts)));
	json_object_set_new(j, "window_ms", json_integer(a->window));
	return j;
}

static int64_t count_sql(loa_search *s, const char *sql, int64_t qid, loa_ms a, loa_ms b)
{
	sqlite3_stmt *st;
	int64_t n = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, qid);
	sqlite3_bind_int64(st, 2, a);
	sqlite3_bind_int64(st, 3, b);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Items of the hits matched in (from, to], newest first, at most
 * LOA_ALERT_MAX_ITEMS; *total = all of them. */
static json_t *hit_items(loa_search *s, int64_t qid, loa_ms from, loa_ms to, int64_t *total)
{
	*total = count_sql(s, "SELECT count(*) FROM search_hit WHERE query_id = ?1 AND "
			   "matched_at > ?2 AND matched_at <= ?3", qid, from, to);
	json_t *arr = json_array();
	sqlite3_stmt *st;
	if (!arr || sqlite3_prepare_v2(s->db,
			"SELECT i.id, i.title, i.url, i.published_at, so.slug FROM search_hit h "
			"JOIN items i ON i.id = h.item_id JOIN sources so ON so.id = i.source_id "
			"WHERE h.query_id = ?1 AND h.matched_at > ?2 AND h.matched_at <= ?3 "
			"ORDER BY h.published_at DESC LIMIT ?4", -1, &st, NULL) != SQLITE_OK)
		return arr;
	sqlite3_bind_int64(st, 1, qid);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	sqlite3_bind_int64(st, 4, LOA_ALERT_MAX_ITEMS);
	char ts[LOA_TIME_STR_MAX];
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = json_object();
		json_object_set_new(o, "item", json_integer(sqlite3_column_int64(st, 0)));
		if (col(st, 1))
			json_object_set_new(o, "title", json_string(col(st, 1)));
		if (col(st, 2))
			json_object_set_new(o, "url", json_string(col(st, 2)));
		json_object_set_new(o, "published_at",
				    json_string(loa_time_format_rfc3339(sqlite3_column_int64(st, 3), ts)));
		json_object_set_new(o, "source", json_string(col(st, 4) ? col(st, 4) : ""));
		json_array_append_new(arr, o);
	}
	sqlite3_finalize(st);
	return arr;
}

typedef struct evalctx {
	loa_search *s;
	loa_ms now;
	loa_alert_stats *st;
	loa_err *err;
	LOA_VEC(char *) payloads;
	LOA_VEC(int64_t) ids;
	LOA_VEC(int64_t) qids;
	LOA_VEC(int64_t) last_run;
} evalctx;

/* Decides whether the alert fires now; *out = JSON payload or NULL. */
static int evaluate(loa_search *s, const loa_alert_def *a, int64_t qid, loa_ms last_run, loa_ms now,
		    char **out)
{
	*out = NULL;
	json_t *j = NULL;
	loa_ms w = a->window > 0 ? a->window : 3600000;
	if (strcmp(a->kind, "match") == 0) {
		bool digest = a->mode && strcmp(a->mode, "digest") == 0;
		loa_ms from = digest ? a->last_fired : last_run;
		if (digest && now - a->last_fired < w)
			return LOA_OK;
		int64_t total;
		json_t *items = hit_items(s, qid, from, now, &total);
		if (total <= 0) {
			json_decref(items);
			return LOA_OK;
		}
		j = event_base(a, digest ? "digest" : "match", now);
		json_object_set_new(j, "count", json_integer(total));
		json_object_set_new(j, "items", items);
	} else if (strcmp(a->kind, "spike") == 0) {
		if (now - a->last_fired < w)
			return LOA_OK;
		const char *sql = "SELECT count(*) FROM search_hit WHERE query_id = ?1 AND "
				  "published_at >= ?2 AND published_at < ?3";
		int64_t c = count_sql(s, sql, qid, now - w, now);
		int64_t base = count_sql(s, sql, qid, now - (SPIKE_TRAILING + 1) * w, now - w);
		double lambda = (double)base / SPIKE_TRAILING;
		if (lambda < 0.1)
			lambda = 0.1;
		double p = loa_alert_poisson_sf(c, lambda);
		double alpha = a->threshold > 0 ? a->threshold : 0.001;
		if (c < SPIKE_MIN_COUNT || p >= alpha)
			return LOA_OK;
		j = event_base(a, "spike", now);
		json_object_set_new(j, "count", json_integer(c));
		json_object_set_new(j, "baseline", json_real(lambda));
		json_object_set_new(j, "trailing_windows", json_integer(SPIKE_TRAILING));
		json_object_set_new(j, "p_value", json_real(p));
	} else {
		if (now - a->last_fired < w)
			return LOA_OK;
		int64_t n = count_sql(s, "SELECT count(*) FROM search_hit h JOIN search_tone t ON "
				      "t.item_id = h.item_id WHERE h.query_id = ?1 AND "
				      "h.published_at >= ?2 AND h.published_at < ?3", qid, now - w, now);
		int64_t k = count_sql(s, "SELECT count(*) FROM search_hit h JOIN search_tone t ON "
				      "t.item_id = h.item_id AND t.tone = 'negative' WHERE "
				      "h.query_id = ?1 AND h.published_at >= ?2 AND h.published_at < ?3",
				      qid, now - w, now);
		double th = a->threshold > 0 ? a->threshold : 0.15;
		if (n < NEG_MIN_LABELLED || (double)k / (double)n <= th)
			return LOA_OK;
		double lo, hi;
		wilson((double)k, (double)n, &lo, &hi);
		j = event_base(a, "negative", now);
		json_object_set_new(j, "negative", json_integer(k));
		json_object_set_new(j, "labelled", json_integer(n));
		json_object_set_new(j, "share", json_real((double)k / (double)n));
		json_object_set_new(j, "ci95", json_pack("[ff]", lo, hi));
		json_object_set_new(j, "threshold", json_real(th));
	}
	if (!j)
		return LOA_ENOMEM;
	*out = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (*out && strlen(*out) > LOA_ALERT_BODY_MAX) {
		free(*out);
		*out = NULL;
		return LOA_ETOOBIG;
	}
	return *out ? LOA_OK : LOA_ENOMEM;
}

typedef struct alist {
	LOA_VEC(loa_alert_def) defs;
	loa_arena ar;
	LOA_VEC(int64_t) qids, runs;
} alist;

static char *dup_ar(loa_arena *ar, const char *s)
{
	return s ? loa_arena_strdup(ar, s) : NULL;
}

static int collect(void *arg, const loa_alert_def *d)
{
	alist *l = arg;
	loa_alert_def c = *d;
	c.name = dup_ar(&l->ar, d->name);
	c.query = dup_ar(&l->ar, d->query);
	c.kind = dup_ar(&l->ar, d->kind);
	c.mode = dup_ar(&l->ar, d->mode);
	c.webhook = dup_ar(&l->ar, d->webhook);
	c.secret = dup_ar(&l->ar, d->secret);
	c.email = dup_ar(&l->ar, d->email);
	return loa_vec_push(&l->defs, c);
}

static int load_alerts(loa_search *s, alist *l, loa_err *err)
{
	memset(l, 0, sizeof *l);
	loa_arena_init(&l->ar, 1 << 14, (size_t)64 << 20);
	int rc = loa_alerts_each(s, collect, l, err);
	if (rc)
		return rc;
	/* query ids and last runs */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT query_id, last_run FROM search_alert WHERE id = ?1", -1,
			       &st, NULL) != SQLITE_OK)
		return loa__search_dberr(s, sqlite3_errcode(s->db), "alerts", err);
	for (size_t i = 0; i < l->defs.len; i++) {
		sqlite3_bind_int64(st, 1, l->defs.items[i].id);
		int64_t q = 0, r = 0;
		if (sqlite3_step(st) == SQLITE_ROW) {
			q = sqlite3_column_int64(st, 0);
			r = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
		if (loa_vec_push(&l->qids, q) || loa_vec_push(&l->runs, r)) {
			sqlite3_finalize(st);
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		}
	}
	sqlite3_finalize(st);
	return LOA_OK;
}

static void free_alerts(alist *l)
{
	loa_vec_release(&l->defs);
	loa_vec_release(&l->qids);
	loa_vec_release(&l->runs);
	loa_arena_release(&l->ar);
}

/* ---- the run ---------------------------------------------------------- */

typedef struct matchctx {
	loa_search *s;
	loa_matcher *m;
	loa_alert_stats *st;
	loa_err *err;
	loa_ms run_at; /* every hit of this run is recorded at the run's time */
} matchctx;

static int on_new_item(void *arg, const loa_search_item *it)
{
	matchctx *c = arg;
	const int64_t *ids;
	size_t n;
	int rc = loa_matcher_match(c->m, it, &ids, &n, c->err);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = loa_search_hit_add(c->s, ids[i], it->id, it->published_at, c->run_at, c->err);
		c->st->matched++;
	}
	return rc;
}

static int build_matcher(loa_search *s, loa_matcher **out, loa_err *err)
{
	int rc = loa_matcher_new(out, err);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT id, query FROM search_query ORDER BY id", -1, &st,
			       NULL) != SQLITE_OK)
		return loa__search_dberr(s, sqlite3_errcode(s->db), "queries", err);
	while (sqlite3_step(st) == SQLITE_ROW) {
		loa_err e;
		if (loa_matcher_add(*out, sqlite3_column_int64(st, 0), col(st, 1), LOA_TIME_NONE, &e))
			loa_warn("alerts.query_skipped", "id=%lld msg=%s",
				 (long long)sqlite3_column_int64(st, 0), e.msg);
	}
	sqlite3_finalize(st);
	return loa_matcher_compile(*out, err);
}

int loa_alerts_run(loa_search *s, const loa_alert_cfg *cfg, loa_alert_stats *st, loa_err *err)
{
	loa_alert_stats dummy;
	if (!st)
		st = &dummy;
	memset(st, 0, sizeof *st);
	loa_matcher *m = NULL;
	int rc = build_matcher(s, &m, err);
	if (rc) {
		loa_matcher_free(m);
		return rc;
	}
	/* The run's time: later than every earlier run (the clock may not have
	 * moved), and the matched_at of every hit this run records, so that an
	 * alert's window (last run, this run] holds exactly the new hits. */
	loa_ms now = now_of(cfg);
	/* (count_sql's bindings are unused by this statement) */
	int64_t prev = count_sql(s, "SELECT coalesce(max(last_run), 0) FROM search_alert", 0, 0, 0);
	if (now <= prev)
		now = prev + 1;
	matchctx mc = {s, m, st, err, now};
	rc = loa_search_sync(s, loa_matcher_count(m) ? on_new_item : NULL, &mc, &st->indexed, err);
	loa_matcher_free(m);
	if (rc)
		return rc;
	alist l;
	if ((rc = load_alerts(s, &l, err))) {
		free_alerts(&l);
		return rc;
	}
	for (size_t i = 0; !rc && i < l.defs.len; i++) {
		const loa_alert_def *a = &l.defs.items[i];
		char *payload = NULL;
		rc = evaluate(s, a, l.qids.items[i], l.runs.items[i], now, &payload);
		if (rc) {
			rc = loa_err_set(err, rc, "cảnh báo '%s' / alert '%s': %s", a->name, a->name,
					 loa_strerror(rc));
			break;
		}
		if ((rc = loa__search_exec(s, "BEGIN IMMEDIATE", err))) {
			free(payload);
			break;
		}
		if (payload) {
			rc = enqueue(s, a, payload, now, err);
			st->events++;
			loa_info("alerts.event", "alert=%s kind=%s", a->name, a->kind);
		}
		sqlite3_stmt *u;
		if (!rc && sqlite3_prepare_v2(s->db, "UPDATE search_alert SET last_run = ?2, "
					      "last_fired = CASE WHEN ?3 THEN ?2 ELSE last_fired END "
					      "WHERE id = ?1", -1, &u, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(u, 1, a->id);
			sqlite3_bind_int64(u, 2, now);
			sqlite3_bind_int(u, 3, payload != NULL);
			sqlite3_step(u);
			sqlite3_finalize(u);
		}
		free(payload);
		if (rc) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			break;
		}
		rc = loa__search_exec(s, "COMMIT", err);
	}
	free_alerts(&l);
	if (rc)
		return rc;
	return loa_alerts_deliver_due(s, cfg, st, err);
}

static int send_one(loa_search *s, const loa_alert_cfg *cfg, const char *channel,
		    const char *target, const char *secret, const char *alert, const char *payload,
		    loa_err *err)
{
	if (strcmp(channel, "webhook") == 0)
		return loa_alert_webhook(target, secret, payload, cfg ? cfg->timeout_s : 0, NULL, err);
	char subject[300];
	snprintf(subject, sizeof subject, "[loa] Cảnh báo / alert: %s", alert);
	/* the body: the event, pretty-printed */
	json_t *j = json_loads(payload, 0, NULL);
	char *body = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
	json_decref(j);
	int rc = loa_alert_email(cfg, target, subject, body ? body : payload, err);
	free(body);
	return rc;
}

int loa_alerts_deliver_due(loa_search *s, const loa_alert_cfg *cfg, loa_alert_stats *st,
			   loa_err *err)
{
	loa_alert_stats dummy = {0};
	if (!st)
		st = &dummy;
	loa_ms now = now_of(cfg);
	int max = cfg && cfg->max_attempts > 0 ? cfg->max_attempts : 6;
	loa_ms backoff = cfg && cfg->backoff ? cfg->backoff : 30000;
	if (backoff < 0)
		backoff = 0;
	sqlite3_stmt *q, *u;
	if (sqlite3_prepare_v2(s->db, "SELECT d.id, d.channel, d.target, d.payload, d.attempts, "
			       "a.secret, a.name FROM search_delivery d JOIN search_alert a ON "
			       "a.id = d.alert_id WHERE d.state = 'pending' AND d.next_at <= ?1 "
			       "ORDER BY d.id LIMIT 100", -1, &q, NULL) != SQLITE_OK)
		return loa__search_dberr(s, sqlite3_errcode(s->db), "deliveries", err);
	if (sqlite3_prepare_v2(s->db, "UPDATE search_delivery SET state = ?2, attempts = ?3, "
			       "next_at = ?4, last_error = ?5 WHERE id = ?1", -1, &u,
			       NULL) != SQLITE_OK) {
		sqlite3_finalize(q);
		return loa__search_dberr(s, sqlite3_errcode(s->db), "deliveries", err);
	}
	/* read the batch first: sending is slow and must not hold a statement */
	typedef struct job {
		int64_t id;
		int attempts;
		char *channel, *target, *payload, *secret, *alert;
	} job;
	LOA_VEC(job) jobs = {0};
	sqlite3_bind_int64(q, 1, now);
	while (sqlite3_step(q) == SQLITE_ROW) {
		job j = {sqlite3_column_int64(q, 0), sqlite3_column_int(q, 4),
			 strdup(col(q, 1) ? col(q, 1) : ""), strdup(col(q, 2) ? col(q, 2) : ""),
			 strdup(col(q, 3) ? col(q, 3) : "{}"), col(q, 5) ? strdup(col(q, 5)) : NULL,
			 strdup(col(q, 6) ? col(q, 6) : "")};
		if (loa_vec_push(&jobs, j)) {
			free(j.channel), free(j.target), free(j.payload), free(j.secret), free(j.alert);
			break;
		}
	}
	sqlite3_finalize(q);
	for (size_t i = 0; i < jobs.len; i++) {
		job *j = &jobs.items[i];
		loa_err e;
		loa_err_clear(&e);
		int rc = j->channel && j->target && j->payload
				 ? send_one(s, cfg, j->channel, j->target, j->secret, j->alert,
					    j->payload, &e)
				 : loa_err_set(&e, LOA_ENOMEM, "out of memory");
		int attempts = j->attempts + 1;
		const char *state = "sent";
		loa_ms next = now;
		if (rc) {
			if (attempts >= max) {
				state = "dead";
				st->dead++;
				loa_warn("alerts.dead_letter", "delivery=%lld alert=%s msg=%s",
					 (long long)j->id, j->alert, e.msg);
			} else {
				state = "pending";
				int sh = attempts - 1 < 20 ? attempts - 1 : 20;
				next = now + backoff * ((loa_ms)1 << sh);
				st->retried++;
			}
		} else {
			st->sent++;
		}
		sqlite3_bind_int64(u, 1, j->id);
		sqlite3_bind_text(u, 2, state, -1, SQLITE_STATIC);
		sqlite3_bind_int(u, 3, attempts);
		sqlite3_bind_int64(u, 4, next);
		if (rc)
			sqlite3_bind_text(u, 5, e.msg, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(u, 5);
		sqlite3_step(u);
		sqlite3_reset(u);
	}
	for (size_t i = 0; i < jobs.len; i++) {
		job *j = &jobs.items[i];
		free(j->channel), free(j->target), free(j->payload), free(j->secret), free(j->alert);
	}
	loa_vec_release(&jobs);
	sqlite3_finalize(u);
	return LOA_OK;
}

typedef struct testctx {
	loa_search *s;
	const loa_alert_cfg *cfg;
	loa_err *err;
	int rc;
} testctx;

static int on_test(void *arg, const loa_alert_def *a)
{
	testctx *t = arg;
	loa_ms now = now_of(t->cfg);
	json_t *j = event_base(a, "test", now);
	if (!j)
		return t->rc = LOA_ENOMEM;
	json_object_set_new(j, "test", json_true());
	char *payload = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!payload)
		return t->rc = LOA_ENOMEM;
	if (a->webhook && *a->webhook)
		t->rc = send_one(t->s, t->cfg, "webhook", a->webhook, a->secret, a->name, payload, t->err);
	if (!t->rc && a->email && *a->email)
		t->rc = send_one(t->s, t->cfg, "email", a->email, NULL, a->name, payload, t->err);
	if (!t->rc && live_hook)
		live_hook(live_arg, a->name, payload);
	free(payload);
	return t->rc;
}

int loa_alert_test(loa_search *s, const char *name, const loa_alert_cfg *cfg, loa_err *err)
{
	testctx t = {s, cfg, err, LOA_OK};
	int rc = alerts_query(s, name, on_test, &t, err);
	return rc ? rc : t.rc;
}
