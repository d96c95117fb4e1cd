/*
 * server.c - the HTTP server on libmicrohttpd: request bodies with a cap,
 * route matching, static files, JSON errors, access log and metrics.
 */
#include "http/http.h"
#include "core/log.h"
#include "core/ltime.h"
#include "core/metrics.h"
#include "core/str.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/banned.h"

#define MAX_PARAMS 8
#define MAX_HEADERS 16
#define RESP_BODY_MAX ((size_t)256 << 20)

typedef struct stream stream;

struct loa_http_server {
	pthread_mutex_t park_mu;
	stream *parked;    /* suspended streams */
	unsigned nstreams;
	int closing;
	pthread_t beat;    /* wakes parked streams every few seconds */
	pthread_mutex_t beat_mu;
	pthread_cond_t beat_cv;
	int beat_running;
	struct MHD_Daemon *d;
	loa_http_opts o;
	char *static_root; /* realpath of static_dir */
	unsigned port;
	struct sockaddr_storage addr;
};

struct loa_http_req {
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	loa_buf body;
	int too_big;
	uint64_t start_ns;
	const char *pnames[MAX_PARAMS];
	size_t pnlen[MAX_PARAMS];
	char *pvals[MAX_PARAMS];
	int nparams;
	char peer[64];
	void *user;
};

struct stream {
	loa_http_server *srv;
	struct MHD_Connection *conn;
	loa_http_stream_fn fn;
	void *cls;
	void (*free_cls)(void *);
	int parked;
	stream *next;
};

struct loa_http_resp {
	stream *st; /* a streamed response, or NULL */
	unsigned status;
	char content_type[96];
	loa_buf body;
	char *hname[MAX_HEADERS], *hval[MAX_HEADERS];
	int nheaders;
};

/* ---- request accessors ---- */

const char *loa_http_method(const loa_http_req *r) { return r->method; }
const char *loa_http_path(const loa_http_req *r) { return r->path; }

const char *loa_http_query(const loa_http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *loa_http_header(const loa_http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *loa_http_param(const loa_http_req *r, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < r->nparams; i++)
		if (r->pnlen[i] == n && memcmp(r->pnames[i], name, n) == 0)
			return r->pvals[i];
	return NULL;
}

const char *loa_http_body(const loa_http_req *r, size_t *len)
{
	if (len)
		*len = r->body.len;
	return r->body.data ? r->body.data : "";
}

const char *loa_http_peer(const loa_http_req *r) { return r->peer; }

const char *loa_http_cookie(const loa_http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

void loa_http_set_user(loa_http_req *r, void *user)
{
	free(r->user);
	r->user = user;
}

void *loa_http_user(const loa_http_req *r) { return r->user; }

int loa_http_is_tls(const loa_http_req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_PROTOCOL);
	return ci != NULL && ci->protocol != 0;
}

/* ---- responses ---- */

void loa_http_status(loa_http_resp *w, unsigned status) { w->status = status; }

int loa_http_add_header(loa_http_resp *w, const char *name, const char *value)
{
	if (w->nheaders == MAX_HEADERS)
		return LOA_ETOOBIG;
	char *n = strdup(name), *v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		return LOA_ENOMEM;
	}
	w->hname[w->nheaders] = n;
	w->hval[w->nheaders++] = v;
	return LOA_OK;
}

void loa_http_content_type(loa_http_resp *w, const char *type)
{
	loa_strlcpy(w->content_type, type, sizeof w->content_type);
}

loa_buf *loa_http_body_buf(loa_http_resp *w) { return &w->body; }

int loa_http_json(loa_http_resp *w, unsigned status, json_t *j)
{
	if (!j)
		return loa_http_error(w, 500, "internal", "out of memory");
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		return loa_http_error(w, 500, "internal", "cannot encode JSON");
	loa_buf_reset(&w->body);
	int rc = loa_buf_puts(&w->body, s);
	free(s);
	if (!rc)
		rc = loa_buf_putc(&w->body, '\n');
	w->status = status;
	loa_http_content_type(w, "application/json; charset=utf-8");
	return rc;
}

int loa_http_error(loa_http_resp *w, unsigned status, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_t *j = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg);
	if (!j) {
		/* message was not valid UTF-8: say so without it */
		j = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", "(invalid message)");
	}
	return loa_http_json(w, status, j);
}

int loa_html_escape(loa_buf *b, const char *s)
{
	int rc = LOA_OK;
	const char *run = s;
	for (; *s && !rc; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if (s > run)
			rc = loa_buf_append(b, run, (size_t)(s - run));
		if (!rc)
			rc = loa_buf_puts(b, rep);
		run = s + 1;
	}
	if (!rc && s > run)
		rc = loa_buf_append(b, run, (size_t)(s - run));
	return rc;
}

/* ---- streams ---- */

int loa_http_stream(loa_http_resp *w, const char *content_type, loa_http_stream_fn fn, void *cls,
		    void (*free_cls)(void *))
{
	stream *st = calloc(1, sizeof *st);
	if (!st)
		return LOA_ENOMEM;
	st->fn = fn;
	st->cls = cls;
	st->free_cls = free_cls;
	w->st = st;
	w->status = 200;
	loa_http_content_type(w, content_type);
	return LOA_OK;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	stream *st = cls;
	loa_http_server *s = st->srv;
	pthread_mutex_lock(&s->park_mu);
	if (s->closing) {
		pthread_mutex_unlock(&s->park_mu);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	long n = st->fn(st->cls, buf, max);
	if (n < 0) {
		pthread_mutex_unlock(&s->park_mu);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	if (n == 0 && !st->parked) {
		/* nothing now: park until loa_http_wake (the pattern microhttpd.h
		 * prescribes for "no body data yet": suspend, return 0) */
		MHD_suspend_connection(st->conn);
		st->parked = 1;
		st->next = s->parked;
		s->parked = st;
	}
	pthread_mutex_unlock(&s->park_mu);
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	stream *st = cls;
	loa_http_server *s = st->srv;
	pthread_mutex_lock(&s->park_mu);
	for (stream **p = &s->parked; *p; p = &(*p)->next)
		if (*p == st) {
			*p = st->next;
			break;
		}
	s->nstreams--;
	pthread_mutex_unlock(&s->park_mu);
	if (st->free_cls)
		st->free_cls(st->cls);
	free(st);
}

static void wake_locked(loa_http_server *s)
{
	for (stream *st = s->parked; st; st = st->next) {
		st->parked = 0;
		MHD_resume_connection(st->conn);
	}
	s->parked = NULL;
}

void loa_http_wake(loa_http_server *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->park_mu);
	wake_locked(s);
	pthread_mutex_unlock(&s->park_mu);
}

unsigned loa_http_streams(loa_http_server *s)
{
	pthread_mutex_lock(&s->park_mu);
	unsigned n = s->nstreams;
	pthread_mutex_unlock(&s->park_mu);
	return n;
}

static void *beat_main(void *arg)
{
	loa_http_server *s = arg;
	pthread_mutex_lock(&s->beat_mu);
	while (s->beat_running) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 5;
		pthread_cond_timedwait(&s->beat_cv, &s->beat_mu, &ts);
		if (s->beat_running)
			loa_http_wake(s);
	}
	pthread_mutex_unlock(&s->beat_mu);
	return NULL;
}

/* ---- routing ---- */

/* Matches path against pattern; fills params (decoded copies). */
static int route_match(const char *pattern, const char *path, loa_http_req *r)
{
	loa_str p = loa_str_c(pattern), u = loa_str_c(path);
	int np = 0;
	char *vals[MAX_PARAMS];
	const char *names[MAX_PARAMS];
	size_t nlen[MAX_PARAMS];
	while (p.n || u.n) {
		if (!p.n || !u.n)
			goto no;
		loa_str ps = loa_str_split(&p, '/'), us = loa_str_split(&u, '/');
		if (ps.n >= 2 && ps.p[0] == '{' && ps.p[ps.n - 1] == '}') {
			if (!us.n || np == MAX_PARAMS)
				goto no;
			vals[np] = strndup(us.p, us.n);
			if (!vals[np])
				goto no;
			names[np] = ps.p + 1;
			nlen[np] = ps.n - 2;
			np++;
		} else if (!loa_str_eq(ps, us)) {
			goto no;
		}
	}
	for (int i = 0; i < r->nparams; i++)
		free(r->pvals[i]);
	for (int i = 0; i < np; i++) {
		r->pnames[i] = names[i];
		r->pnlen[i] = nlen[i];
		r->pvals[i] = vals[i];
	}
	r->nparams = np;
	return 1;
no:
	for (int i = 0; i < np; i++)
		free(vals[i]);
	return 0;
}

/* ---- static files ---- */

static const char *mime_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return "application/octet-stream";
	static const char *const map[][2] = {
		{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
		{".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
		{".ico", "image/x-icon"}, {".woff2", "font/woff2"}, {".txt", "text/plain; charset=utf-8"},
		{".map", "application/json"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(dot, map[i][0]) == 0)
			return map[i][1];
	return "application/octet-stream";
}

/* Serves path from the static root; returns an MHD response or NULL (404).
 * Refuses any path with a ".." segment, a backslash or a NUL, and any file
 * whose real path is outside the root. */
static struct MHD_Response *static_file(loa_http_server *s, const char *path, unsigned *status,
					const char **ctype)
{
	if (!s->static_root || path[0] != '/' || strstr(path, "..") || strchr(path, '\\'))
		return NULL;
	char want[PATH_MAX], real[PATH_MAX];
	const char *rel = strcmp(path, "/") == 0 ? "/index.html" : path;
	int n = snprintf(want, sizeof want, "%s%s", s->static_root, rel);
	if (n < 0 || (size_t)n >= sizeof want)
		return NULL;
	if (!realpath(want, real))
		return NULL;
	size_t rl = strlen(s->static_root);
	if (strncmp(real, s->static_root, rl) != 0 || (real[rl] != '/' && real[rl] != '\0'))
		return NULL;
	int fd = open(real, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (!resp) {
		close(fd);
		return NULL;
	}
	*status = 200;
	*ctype = mime_of(real);
	return resp;
}

/* ---- the request cycle ---- */

static void req_free(loa_http_req *r)
{
	free(r->user);
	loa_buf_release(&r->body);
	for (int i = 0; i < r->nparams; i++)
		free(r->pvals[i]);
	free(r);
}

static void resp_release(loa_http_resp *w)
{
	if (w->st) {
		if (w->st->free_cls)
			w->st->free_cls(w->st->cls);
		free(w->st);
	}
	loa_buf_release(&w->body);
	for (int i = 0; i < w->nheaders; i++) {
		free(w->hname[i]);
		free(w->hval[i]);
	}
}

static void peer_of(struct MHD_Connection *c, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	out[0] = '\0';
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)cap);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)cap);
}

static enum MHD_Result finish(loa_http_server *s, loa_http_req *r, loa_http_resp *w,
			      struct MHD_Response *fileresp, const char *route_name)
{
	struct MHD_Response *resp = fileresp;
	if (!resp && w->st) {
		stream *st = w->st;
		st->srv = s;
		st->conn = r->conn;
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, st, stream_free);
		if (!resp) {
			if (st->free_cls)
				st->free_cls(st->cls);
			free(st);
			w->st = NULL;
			return MHD_NO;
		}
		pthread_mutex_lock(&s->park_mu);
		s->nstreams++;
		pthread_mutex_unlock(&s->park_mu);
		w->st = NULL; /* owned by the response now */
		MHD_add_response_header(resp, "Cache-Control", "no-cache");
		MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	}
	if (!resp) {
		size_t len;
		char *body = loa_buf_detach(&w->body, &len);
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		if (!resp) {
			free(body);
			return MHD_NO;
		}
	}
	if (w->content_type[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, w->content_type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	for (int i = 0; i < w->nheaders; i++)
		MHD_add_response_header(resp, w->hname[i], w->hval[i]);
	enum MHD_Result ret = MHD_queue_response(r->conn, w->status, resp);
	MHD_destroy_response(resp);

	double secs = (double)(loa_mono_ns() - r->start_ns) / 1e9;
	char labels[256], esc[128];
	loa_metric_label_escape(route_name, esc, sizeof esc);
	snprintf(labels, sizeof labels, "route=\"%s\",method=\"%s\",status=\"%u\"", esc, r->method,
		 w->status);
	loa_metric_add("loa_http_requests_total", labels, 1);
	snprintf(labels, sizeof labels, "route=\"%s\"", esc);
	loa_metric_observe("loa_http_request_seconds", labels, secs);
	loa_info("http.access", "method=%s path=%s status=%u ms=%.1f peer=%s route=%s", r->method,
		 r->path, w->status, secs * 1000, r->peer, route_name);
	(void)s;
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	loa_http_server *s = cls;
	loa_http_req *r = *con_cls;
	if (!r) {
		r = calloc(1, sizeof *r);
		if (!r)
			return MHD_NO;
		r->conn = conn;
		r->method = method;
		r->path = url;
		r->start_ns = loa_mono_ns();
		loa_buf_init(&r->body, s->o.max_body);
		peer_of(conn, r->peer, sizeof r->peer);
		*con_cls = r;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->too_big && loa_buf_append(&r->body, upload, *upload_size) != LOA_OK)
			r->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}

	loa_http_resp w;
	memset(&w, 0, sizeof w);
	loa_buf_init(&w.body, RESP_BODY_MAX);
	w.status = 0;
	const char *route_name = "-";
	struct MHD_Response *fileresp = NULL;

	if (r->too_big) {
		loa_http_error(&w, 413, "payload_too_large",
			       "nội dung yêu cầu quá lớn / request body over %zu bytes", s->o.max_body);
		goto done;
	}
	const loa_http_route *match = NULL;
	int path_known = 0;
	for (size_t i = 0; i < s->o.nroutes; i++) {
		const loa_http_route *rt = &s->o.routes[i];
		if (!route_match(rt->pattern, url, r))
			continue;
		path_known = 1;
		if (strcmp(rt->method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0)) {
			match = rt;
			break;
		}
	}
	if (match) {
		route_name = match->pattern;
		if (s->o.authorize && s->o.authorize(r, match, &w, s->o.app) != 0) {
			if (!w.status)
				loa_http_error(&w, 403, "forbidden", "không có quyền / forbidden");
			goto done;
		}
		int rc = match->fn(r, &w, s->o.app);
		if (!w.status) {
			if (rc)
				loa_http_error(&w, 500, "internal", "lỗi máy chủ / internal error");
			else
				w.status = 200;
		}
	} else if (path_known) {
		loa_http_error(&w, 405, "method_not_allowed",
			       "phương thức không được hỗ trợ / method %s not allowed", method);
	} else if ((strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) &&
		   strncmp(url, "/api/", 5) != 0 &&
		   (fileresp = static_file(s, url, &w.status, &route_name))) {
		loa_http_content_type(&w, route_name);
		route_name = "static";
	} else {
		loa_http_error(&w, 404, "not_found", "không tìm thấy / not found: %s", url);
	}
done:;
	enum MHD_Result ret = finish(s, r, &w, fileresp, route_name);
	resp_release(&w);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	if (*con_cls)
		req_free(*con_cls);
	*con_cls = NULL;
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, int *v6,
			loa_err *err)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!colon)
		return loa_err_set(err, LOA_EINVAL, "địa chỉ không hợp lệ / bad listen address '%s' (host:port)", listen);
	size_t hn = (size_t)(colon - listen);
	if (hn >= sizeof host)
		return loa_err_set(err, LOA_EINVAL, "listen address too long");
	memcpy(host, listen, hn);
	host[hn] = '\0';
	if (hn >= 2 && host[0] == '[' && host[hn - 1] == ']') {
		memmove(host, host + 1, hn - 2);
		host[hn - 2] = '\0';
	}
	int64_t port;
	if (loa_parse_i64(colon + 1, &port) || port < 0 || port > 65535)
		return loa_err_set(err, LOA_EINVAL, "cổng không hợp lệ / bad port in '%s'", listen);
	if (!host[0])
		loa_strlcpy(host, "0.0.0.0", sizeof host);
	struct addrinfo hints = {0}, *res = NULL;
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
		return loa_err_set(err, LOA_EINVAL, "địa chỉ không hợp lệ / bad host in '%s' (use an IP address)", listen);
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	*v6 = res->ai_family == AF_INET6;
	if (*v6)
		((struct sockaddr_in6 *)(void *)ss)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)(void *)ss)->sin_port = htons((uint16_t)port);
	freeaddrinfo(res);
	return LOA_OK;
}

int loa_http_start(const loa_http_opts *o, loa_http_server **out, loa_err *err)
{
	loa_http_server *s = calloc(1, sizeof *s);
	if (!s)
		return loa_err_set(err, LOA_ENOMEM, "out of memory");
	s->o = *o;
	pthread_mutex_init(&s->park_mu, NULL);
	pthread_mutex_init(&s->beat_mu, NULL);
	pthread_cond_init(&s->beat_cv, NULL);
	if (!s->o.threads)
		s->o.threads = 4;
	if (!s->o.max_body)
		s->o.max_body = 1 << 20;
	if (o->static_dir) {
		char real[PATH_MAX];
		if (realpath(o->static_dir, real))
			s->static_root = strdup(real);
	}
	socklen_t alen;
	int v6 = 0, rc;
	if ((rc = parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &s->addr, &alen, &v6, err))) {
		free(s->static_root);
		free(s);
		return rc;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
	bool tls = o->tls_cert && o->tls_key;
	if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		free(s->static_root);
		free(s);
		return loa_err_set(err, LOA_EINVAL, "libmicrohttpd không hỗ trợ TLS / this libmicrohttpd "
				   "was built without TLS");
	}
	if (tls)
		flags |= MHD_USE_TLS;
	/* the certificate and key only when TLS is on (libmicrohttpd refuses
	 * HTTPS options without MHD_USE_TLS) */
	struct MHD_OptionItem tlsopts[] = {
		{MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)(uintptr_t)o->tls_cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)(uintptr_t)o->tls_key},
		{MHD_OPTION_END, 0, NULL},
	};
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				MHD_OPTION_ARRAY, tls ? tlsopts : tlsopts + 2,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&s->addr,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)s->o.threads,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)4000,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
				MHD_OPTION_END);
	if (!s->d) {
		free(s->static_root);
		free(s);
		return loa_err_set(err, LOA_EIO,
				   "không mở được cổng / cannot listen on %s (in use, or not permitted)",
				   o->listen ? o->listen : "127.0.0.1:8080");
	}
	s->beat_running = 1;
	if (pthread_create(&s->beat, NULL, beat_main, s) != 0)
		s->beat_running = 0;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	loa_metric_help("loa_http_requests_total", LOA_METRIC_COUNTER, "HTTP requests by route, method and status.");
	loa_metric_help("loa_http_request_seconds", LOA_METRIC_HISTOGRAM, "HTTP request latency by route.");
	*out = s;
	return LOA_OK;
}

unsigned loa_http_port(const loa_http_server *s) { return s->port; }

void loa_http_stop(loa_http_server *s)
{
	if (!s)
		return;
	if (s->beat_running) {
		pthread_mutex_lock(&s->beat_mu);
		s->beat_running = 0;
		pthread_cond_signal(&s->beat_cv);
		pthread_mutex_unlock(&s->beat_mu);
		pthread_join(s->beat, NULL);
	}
	/* Stop accepting; the listening socket is ours to close, but only
	 * after MHD_stop_daemon (a worker thread may still use it). */
	MHD_socket fd = MHD_quiesce_daemon(s->d);
	/* end every stream: suspended connections must be resumed before
	 * MHD_stop_daemon, and they then read "closing" and end */
	pthread_mutex_lock(&s->park_mu);
	s->closing = 1;
	wake_locked(s);
	pthread_mutex_unlock(&s->park_mu);
	MHD_stop_daemon(s->d); /* finishes connections, joins threads */
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	pthread_mutex_destroy(&s->park_mu);
	pthread_mutex_destroy(&s->beat_mu);
	pthread_cond_destroy(&s->beat_cv);
	free(s->static_root);
	free(s);
}
