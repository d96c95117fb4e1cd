/*
 * fetch.c - the fetcher: libcurl's multi interface with our own queue (per
 * host and total limits), redirects followed by hand (permanent chains,
 * loops, limits), conditional GET, compression, caps and timeouts.
 */
#include "feed/fetch.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "core/map.h"
#include "core/str.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/banned.h"

#define HOST_MAX 256
#define REDIR_HARD_MAX 20

typedef struct xfer {
	struct xfer *next;          /* pending queue */
	struct xfer *aprev, *anext; /* active list */
	loa_fetcher *f;
	CURL *easy;
	struct curl_slist *headers;
	char *url, *etag, *last_modified; /* the request's copies */
	int kind;
	void *user;
	loa_fetch_cb cb;
	void *arg;
	char *cur;      /* URL of the current hop */
	char *moved_to; /* end of the permanent chain so far */
	bool permanent; /* every hop so far was permanent */
	char *visited[REDIR_HARD_MAX + 2];
	int nvisited;
	int hops;
	char host[HOST_MAX];
	loa_buf body;
	bool too_big;
	uint64_t start_ns;
	char *hdr[5]; /* copies of the final response's headers (see header()) */
	char errbuf[CURL_ERROR_SIZE];
} xfer;

struct loa_fetcher {
	loa_fetch_opts o;
	CURLM *multi;
	xfer *pend_head, *pend_tail;
	xfer *active; /* transfers added to the multi handle */
	bool closing; /* stopped or past the deadline: no new requests */
	size_t npending, nactive;
	loa_map hosts; /* host -> active count (as intptr) */
	char accept[3][160];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }
void loa_fetch_global_init(void) { pthread_once(&curl_once, curl_init_once); }

void loa_fetch_opts_config(loa_fetch_opts *o, const loa_config *cfg)
{
	memset(o, 0, sizeof *o);
	loa_ms ms;
	uint64_t sz;
	o->user_agent = loa_config_get(cfg, "fetch.user_agent");
	o->concurrency = (int)loa_config_get_i64(cfg, "fetch.concurrency", 16);
	o->per_host = (int)loa_config_get_i64(cfg, "fetch.per_host", 2);
	o->connect_timeout_ms =
		loa_parse_duration(loa_config_get(cfg, "fetch.connect_timeout"), &ms) ? 10000 : ms;
	o->timeout_ms = loa_parse_duration(loa_config_get(cfg, "fetch.timeout"), &ms) ? 60000 : ms;
	o->low_speed_limit = (long)loa_config_get_i64(cfg, "fetch.low_speed_limit", 512);
	o->low_speed_time_s =
		loa_parse_duration(loa_config_get(cfg, "fetch.low_speed_time"), &ms) ? 20
										     : (long)(ms / 1000);
	o->max_body = loa_parse_size(loa_config_get(cfg, "fetch.max_body"), &sz) ? ((size_t)16 << 20)
										  : (size_t)sz;
	o->max_redirects = (int)loa_config_get_i64(cfg, "fetch.max_redirects", 5);
	o->run_timeout_ms =
		loa_parse_duration(loa_config_get(cfg, "fetch.run_timeout"), &ms) ? 15 * 60000 : ms;
}

int loa_fetch_url_host(const char *url, char *out, size_t cap)
{
	if (cap)
		out[0] = '\0';
	CURLU *u = curl_url();
	if (!u)
		return LOA_ENOMEM;
	int rc = LOA_EINVAL;
	char *scheme = NULL, *host = NULL;
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    (strcasecmp(scheme, "http") == 0 || strcasecmp(scheme, "https") == 0) && *host &&
	    strlen(host) < cap) {
		for (size_t i = 0; host[i]; i++)
			out[i] = (host[i] >= 'A' && host[i] <= 'Z') ? (char)(host[i] + 32) : host[i];
		out[strlen(host)] = '\0';
		rc = LOA_OK;
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

loa_fetcher *loa_fetcher_new(const loa_fetch_opts *o, loa_err *err)
{
	loa_fetch_global_init();
	loa_fetcher *f = calloc(1, sizeof *f);
	if (!f) {
		loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		return NULL;
	}
	f->o = *o;
	if (f->o.concurrency < 1)
		f->o.concurrency = 1;
	if (f->o.per_host < 1)
		f->o.per_host = 1;
	if (f->o.max_redirects < 0)
		f->o.max_redirects = 0;
	if (f->o.max_redirects > REDIR_HARD_MAX)
		f->o.max_redirects = REDIR_HARD_MAX;
	if (!f->o.max_body)
		f->o.max_body = (size_t)16 << 20;
	if (!f->o.user_agent)
		f->o.user_agent = "loa/" LOA_VERSION;
	loa_map_init(&f->hosts, NULL);
	snprintf(f->accept[LOA_FETCH_FEED], sizeof f->accept[0], "%s",
		 "Accept: application/rss+xml, application/atom+xml, application/feed+json, "
		 "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5");
	snprintf(f->accept[LOA_FETCH_PAGE], sizeof f->accept[0], "%s",
		 "Accept: text/html, application/xhtml+xml;q=0.9, */*;q=0.5");
	snprintf(f->accept[LOA_FETCH_ROBOTS], sizeof f->accept[0], "%s",
		 "Accept: text/plain, */*;q=0.5");
	f->multi = curl_multi_init();
	if (!f->multi) {
		loa_err_set(err, LOA_ENOMEM, "curl_multi_init failed");
		loa_map_release(&f->hosts);
		free(f);
		return NULL;
	}
	curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)f->o.concurrency);
	curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)f->o.per_host);
	return f;
}

static void xfer_free(xfer *x)
{
	if (!x)
		return;
	if (x->easy)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	free(x->url);
	free(x->etag);
	free(x->last_modified);
	free(x->cur);
	free(x->moved_to);
	for (int i = 0; i < x->nvisited; i++)
		free(x->visited[i]);
	for (size_t i = 0; i < sizeof x->hdr / sizeof x->hdr[0]; i++)
		free(x->hdr[i]);
	loa_buf_release(&x->body);
	free(x);
}

static void host_adjust(loa_fetcher *f, const char *host, int delta)
{
	size_t n = strlen(host);
	intptr_t c = (intptr_t)loa_map_get(&f->hosts, host, n) + delta;
	if (c <= 0)
		loa_map_del(&f->hosts, host, n);
	else
		loa_map_set(&f->hosts, host, n, (void *)c);
}

static int host_active(loa_fetcher *f, const char *host)
{
	return (int)(intptr_t)loa_map_get(&f->hosts, host, strlen(host));
}

/* Reports x's outcome through its callback and frees it. */
static void finish(loa_fetcher *f, xfer *x, loa_fetch_resp *r)
{
	loa_fetch_req req = {x->url, x->etag, x->last_modified, x->kind, x->user};
	if (!r->final_url)
		r->final_url = x->cur ? x->cur : x->url;
	if (!r->body) {
		r->body = x->body.data ? x->body.data : "";
		r->len = x->body.len;
	}
	r->redirects = x->hops;
	if (x->permanent && x->hops > 0)
		r->moved_to = x->moved_to;
	r->seconds = (double)(loa_mono_ns() - x->start_ns) / 1e9;
	if (x->cb)
		x->cb(x->arg, &req, r);
	xfer_free(x);
}

static void fail_xfer(loa_fetcher *f, xfer *x, int rc, const char *fmt, const char *detail)
{
	loa_fetch_resp r;
	memset(&r, 0, sizeof r);
	r.rc = rc;
	snprintf(r.error, sizeof r.error, fmt, detail ? detail : "");
	r.body = "";
	finish(f, x, &r);
}

static void push_pending(loa_fetcher *f, xfer *x)
{
	x->next = NULL;
	if (f->pend_tail)
		f->pend_tail->next = x;
	else
		f->pend_head = x;
	f->pend_tail = x;
	f->npending++;
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *ud)
{
	xfer *x = ud;
	size_t n = size * nmemb;
	if (x->body.len + n > x->f->o.max_body) {
		x->too_big = true;
		return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	return loa_buf_append(&x->body, p, n) == LOA_OK ? n : 0;
}

static char *dupstr(const char *s) { return s ? strdup(s) : NULL; }

int loa_fetcher_add(loa_fetcher *f, const loa_fetch_req *req, loa_fetch_cb cb, void *arg,
		    loa_err *err)
{
	if (f->closing)
		return loa_err_set(err, LOA_EAGAIN, "đã dừng / stopped");
	xfer *x = calloc(1, sizeof *x);
	if (!x)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	x->f = f;
	x->url = dupstr(req->url ? req->url : "");
	x->etag = dupstr(req->etag);
	x->last_modified = dupstr(req->last_modified);
	x->cur = dupstr(req->url ? req->url : "");
	x->kind = req->kind >= LOA_FETCH_FEED && req->kind <= LOA_FETCH_ROBOTS ? req->kind : 0;
	x->user = req->user;
	x->cb = cb;
	x->arg = arg;
	x->permanent = true;
	loa_buf_init(&x->body, f->o.max_body + 1);
	if (!x->url || !x->cur || (req->etag && !x->etag) ||
	    (req->last_modified && !x->last_modified)) {
		xfer_free(x);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	x->start_ns = loa_mono_ns();
	push_pending(f, x);
	return LOA_OK;
}

/* Sets up the easy handle for x's current URL and adds it to the multi
 * handle. Returns LOA_OK, or an error after reporting x. */
static int start(loa_fetcher *f, xfer *x)
{
	if (!x->easy) {
		x->easy = curl_easy_init();
		if (!x->easy) {
			fail_xfer(f, x, LOA_ENOMEM, "hết bộ nhớ / out of memory%s", NULL);
			return LOA_ENOMEM;
		}
		CURL *e = x->easy;
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(e, CURLOPT_USERAGENT, f->o.user_agent);
		curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); /* all libcurl decodes */
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, f->o.connect_timeout_ms);
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, f->o.timeout_ms);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, f->o.low_speed_limit);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, f->o.low_speed_time_s);
		curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->o.max_body);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
		curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
		curl_easy_setopt(e, CURLOPT_PRIVATE, x);
		struct curl_slist *h = curl_slist_append(NULL, f->accept[x->kind]);
		char line[1024];
		if (h && x->etag && strlen(x->etag) < 900 && !strpbrk(x->etag, "\r\n")) {
			snprintf(line, sizeof line, "If-None-Match: %s", x->etag);
			curl_slist_append(h, line);
		}
		if (h && x->last_modified && strlen(x->last_modified) < 200 &&
		    !strpbrk(x->last_modified, "\r\n")) {
			snprintf(line, sizeof line, "If-Modified-Since: %s", x->last_modified);
			curl_slist_append(h, line);
		}
		x->headers = h;
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	}
	x->errbuf[0] = '\0';
	loa_buf_reset(&x->body);
	x->too_big = false;
	curl_easy_setopt(x->easy, CURLOPT_URL, x->cur);
	if (curl_multi_add_handle(f->multi, x->easy) != CURLM_OK) {
		fail_xfer(f, x, LOA_ENET, "curl_multi_add_handle failed%s", NULL);
		return LOA_ENET;
	}
	host_adjust(f, x->host, +1);
	f->nactive++;
	x->aprev = NULL;
	x->anext = f->active;
	if (f->active)
		f->active->aprev = x;
	f->active = x;
	return LOA_OK;
}

/* Starts pending transfers while the limits allow, in queue order. */
static void fill(loa_fetcher *f)
{
	xfer *prev = NULL, *x = f->pend_head;
	while (x && f->nactive < (size_t)f->o.concurrency) {
		xfer *next = x->next;
		if (!x->host[0] && loa_fetch_url_host(x->cur, x->host, sizeof x->host)) {
			/* unlink and report */
			if (prev)
				prev->next = next;
			else
				f->pend_head = next;
			if (f->pend_tail == x)
				f->pend_tail = prev;
			f->npending--;
			fail_xfer(f, x,
				  LOA_EINVAL, "chỉ nhận URL http hoặc https / not an http(s) URL: %.200s",
				  x->cur);
			x = next;
			continue;
		}
		if (host_active(f, x->host) >= f->o.per_host) {
			prev = x;
			x = next;
			continue;
		}
		if (prev)
			prev->next = next;
		else
			f->pend_head = next;
		if (f->pend_tail == x)
			f->pend_tail = prev;
		f->npending--;
		start(f, x);
		x = next;
	}
}

static bool is_tls_error(CURLcode c)
{
	switch (c) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
		return true;
	default:
		return false;
	}
}

/* A header of the last response, copied into x->hdr[slot] (the struct
 * curl_easy_header fills is clobbered by the next call). Capped at 8 KiB. */
static const char *header(xfer *x, int slot, const char *name)
{
	struct curl_header *h;
	free(x->hdr[slot]);
	x->hdr[slot] = NULL;
	if (curl_easy_header(x->easy, name, 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h->value)
		x->hdr[slot] = strndup(h->value, 8192);
	return x->hdr[slot];
}

static loa_ms retry_after(const char *v)
{
	if (!v)
		return 0;
	int64_t secs;
	loa_str s = loa_str_trim(loa_str_c(v));
	if (loa_parse_i64n(s, &secs) == LOA_OK)
		return secs > 0 && secs < 365LL * 86400 ? secs * 1000 : 0;
	time_t t = curl_getdate(v, NULL);
	if (t <= 0)
		return 0;
	loa_ms d = (loa_ms)t * 1000 - loa_now_ms();
	return d > 0 ? d : 0;
}

static bool is_redirect(long st)
{
	return st == 301 || st == 302 || st == 303 || st == 307 || st == 308;
}

/* Takes x out of the multi handle and the active list. */
static void deactivate(loa_fetcher *f, xfer *x)
{
	curl_multi_remove_handle(f->multi, x->easy);
	host_adjust(f, x->host, -1);
	f->nactive--;
	if (x->aprev)
		x->aprev->anext = x->anext;
	else
		f->active = x->anext;
	if (x->anext)
		x->anext->aprev = x->aprev;
	x->aprev = x->anext = NULL;
}

/* One transfer of x's current hop ended with result c. */
static void done_one(loa_fetcher *f, xfer *x, CURLcode c)
{
	deactivate(f, x);
	long status = 0;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (c != CURLE_OK) {
		loa_fetch_resp r;
		memset(&r, 0, sizeof r);
		r.status = status;
		const char *why = x->errbuf[0] ? x->errbuf : curl_easy_strerror(c);
		if (x->too_big || c == CURLE_FILESIZE_EXCEEDED) {
			r.rc = LOA_ETOOBIG;
			snprintf(r.error, sizeof r.error,
				 "nội dung quá lớn / body larger than %zu bytes: %.200s", f->o.max_body,
				 x->cur);
		} else if (is_tls_error(c)) {
			r.rc = LOA_ENET;
			r.tls = true;
			snprintf(r.error, sizeof r.error, "lỗi TLS / TLS error: %.300s", why);
		} else if (c == CURLE_OPERATION_TIMEDOUT) {
			r.rc = LOA_ENET;
			r.timeout = true;
			snprintf(r.error, sizeof r.error, "quá thời gian hoặc quá chậm / timed out or too "
				 "slow: %.300s", why);
		} else if (c == CURLE_COULDNT_CONNECT || c == CURLE_COULDNT_RESOLVE_HOST) {
			r.rc = LOA_ENET;
			snprintf(r.error, sizeof r.error, "không kết nối được / cannot connect: %.300s",
				 why);
		} else if (c == CURLE_UNSUPPORTED_PROTOCOL) {
			r.rc = LOA_EINVAL;
			snprintf(r.error, sizeof r.error,
				 "giao thức không được phép / protocol not allowed: %.300s", why);
		} else if (c == CURLE_BAD_CONTENT_ENCODING) {
			r.rc = LOA_ENET;
			snprintf(r.error, sizeof r.error, "nén hỏng / bad content encoding: %.300s", why);
		} else {
			r.rc = LOA_ENET;
			snprintf(r.error, sizeof r.error, "lỗi mạng / network error: %.300s", why);
		}
		r.body = "";
		finish(f, x, &r);
		return;
	}
	char *loc = NULL;
	if (is_redirect(status))
		curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &loc);
	if (loc && *loc) {
		char host[HOST_MAX];
		if (x->hops >= f->o.max_redirects) {
			fail_xfer(f, x, LOA_ENET, "quá nhiều chuyển hướng / too many redirects: %.300s",
				  x->url);
			return;
		}
		if (loa_fetch_url_host(loc, host, sizeof host)) {
			fail_xfer(f, x, LOA_EINVAL,
				  "chuyển hướng tới URL không phải http(s) / redirect to a non-http(s) "
				  "URL: %.300s", loc);
			return;
		}
		if (x->nvisited == 0)
			x->visited[x->nvisited++] = dupstr(x->url);
		for (int i = 0; i < x->nvisited; i++)
			if (x->visited[i] && strcmp(x->visited[i], loc) == 0) {
				fail_xfer(f, x, LOA_ENET, "vòng chuyển hướng / redirect loop at %.300s",
					  loc);
				return;
			}
		char *next = dupstr(loc);
		if (!next) {
			fail_xfer(f, x, LOA_ENOMEM, "hết bộ nhớ / out of memory%s", NULL);
			return;
		}
		if (x->nvisited < REDIR_HARD_MAX + 2)
			x->visited[x->nvisited++] = dupstr(loc);
		x->hops++;
		if (x->permanent && (status == 301 || status == 308)) {
			free(x->moved_to);
			x->moved_to = dupstr(loc);
		} else {
			x->permanent = false;
		}
		free(x->cur);
		x->cur = next;
		memcpy(x->host, host, sizeof host);
		loa_debug("fetch.redirect", "status=%ld to=%s", status, loc);
		push_pending(f, x);
		return;
	}
	loa_fetch_resp r;
	memset(&r, 0, sizeof r);
	r.rc = LOA_OK;
	r.status = status;
	r.content_type = header(x, 0, "Content-Type");
	r.etag = header(x, 1, "ETag");
	r.last_modified = header(x, 2, "Last-Modified");
	r.content_location = header(x, 3, "Content-Location");
	if (status == 429 || status == 503)
		r.retry_after = retry_after(header(x, 4, "Retry-After"));
	finish(f, x, &r);
}

/* Ends every open transfer: reported as LOA_EAGAIN (why) when report,
 * else freed silently. */
static void abort_all(loa_fetcher *f, const char *why, bool report)
{
	f->closing = true;
	while (f->active) {
		xfer *x = f->active;
		deactivate(f, x);
		if (report)
			fail_xfer(f, x, LOA_EAGAIN, "%s", why);
		else
			xfer_free(x);
	}
	while (f->pend_head) {
		xfer *x = f->pend_head;
		f->pend_head = x->next;
		if (!f->pend_head)
			f->pend_tail = NULL;
		f->npending--;
		if (report)
			fail_xfer(f, x, LOA_EAGAIN, "%s", why);
		else
			xfer_free(x);
	}
}

int loa_fetcher_run(loa_fetcher *f, const atomic_int *stop, loa_err *err)
{
	uint64_t t0 = loa_mono_ns();
	uint64_t limit = f->o.run_timeout_ms > 0 ? (uint64_t)f->o.run_timeout_ms * 1000000ULL : 0;
	for (;;) {
		if (stop && atomic_load(stop)) {
			abort_all(f, "đã dừng / stopped", true);
			if (!f->npending && !f->nactive)
				break;
		}
		if (limit && loa_mono_ns() - t0 > limit) {
			abort_all(f, "hết thời gian của lượt / run timeout", true);
			if (!f->npending && !f->nactive)
				break;
		}
		fill(f);
		if (!f->nactive && !f->npending)
			break;
		int running = 0;
		CURLMcode mc = curl_multi_perform(f->multi, &running);
		if (mc != CURLM_OK)
			return loa_err_set(err, LOA_ENET, "curl_multi_perform: %s",
					   curl_multi_strerror(mc));
		CURLMsg *m;
		int left;
		while ((m = curl_multi_info_read(f->multi, &left))) {
			if (m->msg != CURLMSG_DONE)
				continue;
			xfer *x = NULL;
			CURL *e = m->easy_handle;
			CURLcode c = m->data.result;
			curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
			if (x)
				done_one(f, x, c);
		}
		if (f->nactive && running > 0) {
			mc = curl_multi_poll(f->multi, NULL, 0, 100, NULL);
			if (mc != CURLM_OK)
				return loa_err_set(err, LOA_ENET, "curl_multi_poll: %s",
						   curl_multi_strerror(mc));
		}
	}
	return LOA_OK;
}

void loa_fetcher_free(loa_fetcher *f)
{
	if (!f)
		return;
	abort_all(f, NULL, false);
	curl_multi_cleanup(f->multi);
	loa_map_release(&f->hosts);
	free(f);
}
