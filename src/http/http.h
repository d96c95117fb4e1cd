/*
 * http.h - the HTTP room: a server on libmicrohttpd (a thread pool with
 * epoll), a route table, JSON responses and errors, static files, the
 * access log and request metrics.
 *
 * libmicrohttpd parses HTTP; this room never does. Handlers run on the
 * server's worker threads, several at once: they must use per-thread
 * resources (see loa_http_thread_slot) or their own locking.
 *
 * Ownership: the server is created by loa_http_start() and freed by
 * loa_http_stop(). Requests and responses belong to the server; a handler
 * borrows them for the duration of its call. Strings returned by the
 * request accessors are valid until the handler returns.
 */
#ifndef LOA_HTTP_HTTP_H
#define LOA_HTTP_HTTP_H

#include <stdarg.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

typedef struct loa_http_server loa_http_server;
typedef struct loa_http_req loa_http_req;
typedef struct loa_http_resp loa_http_resp;
typedef struct json_t json_t;

/* A handler fills the response; its return value is ignored except that a
 * non-zero value with no status set becomes a 500 error. */
typedef int (*loa_http_handler)(loa_http_req *req, loa_http_resp *resp, void *app);

typedef struct loa_http_route {
	const char *method;  /* "GET", "POST", "PUT", "DELETE", "PATCH" */
	const char *pattern; /* "/api/v1/items/{id}": {name} matches one segment */
	loa_http_handler fn;
	unsigned roles;      /* who may call it (auth/auth.h LOA_ROLES_*, bits of
				LOA_ROLE_BIT); 0 = anyone */
} loa_http_route;

/* Called before a matched route's handler. Returns 0 to go on, or fills an
 * error response (401, 403…) and returns non-zero. It may attach the
 * caller's identity with loa_http_set_user(). */
typedef int (*loa_http_authorize)(loa_http_req *req, const loa_http_route *route,
				  loa_http_resp *resp, void *app);

typedef struct loa_http_opts {
	const char *listen;      /* "127.0.0.1:8080", "[::1]:0", ":8080"; port 0 = any */
	unsigned threads;        /* worker threads; 0 = 4 */
	size_t max_body;         /* request body cap; 0 = 1 MiB */
	const char *static_dir;  /* files served for GET paths no route matches, or NULL */
	const loa_http_route *routes;
	size_t nroutes;
	void *app;               /* passed to handlers */
	loa_http_authorize authorize; /* NULL = every route is open */
	const char *tls_cert;    /* PEM certificate chain (text), or NULL: plain HTTP */
	const char *tls_key;     /* PEM private key (text), with tls_cert */
} loa_http_opts;

int loa_http_start(const loa_http_opts *o, loa_http_server **out, loa_err *err);
/* The port actually bound (useful with port 0). */
unsigned loa_http_port(const loa_http_server *s);
/* Stops accepting, waits for requests in flight, frees the server. */
void loa_http_stop(loa_http_server *s);

/* ---- requests ---- */
const char *loa_http_method(const loa_http_req *r);
const char *loa_http_path(const loa_http_req *r);
/* A query-string argument, decoded; NULL when absent. */
const char *loa_http_query(const loa_http_req *r, const char *name);
/* A request header (case-insensitive name); NULL when absent. */
const char *loa_http_header(const loa_http_req *r, const char *name);
/* A {name} path parameter of the matched route, decoded; NULL when absent. */
const char *loa_http_param(const loa_http_req *r, const char *name);
/* The request body (NUL-terminated; *len may be NULL). "" when none. */
const char *loa_http_body(const loa_http_req *r, size_t *len);
/* The client's address as text. */
const char *loa_http_peer(const loa_http_req *r);
/* A cookie sent by the client; NULL when absent. */
const char *loa_http_cookie(const loa_http_req *r, const char *name);
/* The identity attached by the authorize hook (owned by the request: it is
 * freed with free() when the request ends). */
void loa_http_set_user(loa_http_req *r, void *user);
void *loa_http_user(const loa_http_req *r);
/* True when the request came over TLS. */
int loa_http_is_tls(const loa_http_req *r);

/* ---- responses ---- */
void loa_http_status(loa_http_resp *w, unsigned status);
/* Adds a header (copied). */
int loa_http_add_header(loa_http_resp *w, const char *name, const char *value);
void loa_http_content_type(loa_http_resp *w, const char *type);
/* The body buffer (capped at 256 MiB), to append to directly. */
loa_buf *loa_http_body_buf(loa_http_resp *w);
/* Sets status and a JSON body; takes ownership of j (decref'd). */
int loa_http_json(loa_http_resp *w, unsigned status, json_t *j);
/* {"error": {"code": code, "message": msg}} with the given status. */
int loa_http_error(loa_http_resp *w, unsigned status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- streamed responses (Server-Sent Events) ----
 * A stream function fills buf (at most max bytes) and returns the number
 * of bytes written; 0 when it has nothing now (the connection is parked
 * until loa_http_wake()); -1 to end the response. It runs on a server
 * thread, never concurrently for the same stream. free_cls is called once
 * when the connection ends. */
typedef long (*loa_http_stream_fn)(void *cls, char *buf, size_t max);
/* Turns the response into a stream of content_type (status 200). */
int loa_http_stream(loa_http_resp *w, const char *content_type, loa_http_stream_fn fn, void *cls,
		    void (*free_cls)(void *));
/* Wakes every parked stream of the server (thread-safe, cheap). */
void loa_http_wake(loa_http_server *s);
/* Number of streams currently open. */
unsigned loa_http_streams(loa_http_server *s);

/* Appends s to b with HTML escaping (& < > " '). */
int loa_html_escape(loa_buf *b, const char *s);

#endif
