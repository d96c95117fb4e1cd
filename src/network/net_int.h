/*
 * net_int.h - inside the network room: helpers its files share (audit,
 * text, a small HTTP client on libcurl with the SSRF guard, form and Link
 * header parsing).
 *
 * Ownership: net_http_resp owns its buffers (net_http_resp_release); the
 * request's strings are borrowed for the call.
 */
#ifndef LOA_NETWORK_NET_INT_H
#define LOA_NETWORK_NET_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "network/network.h"

int net_audit(loa_store *s, const char *actor, const char *action, const char *target,
	      const char *detail, loa_err *err);
bool net_slug_ok(const char *s);
/* Appends s with every run of whitespace as one space, trimmed. */
void net_collapse_ws(const char *s, loa_buf *out);

/* ---- HTTP client ------------------------------------------------------- */

#define NET_HTTP_MAX_HEADERS 8

typedef struct net_http_req {
	const char *method;        /* "GET", "POST", "HEAD" */
	const char *url;
	const char *body;          /* POST body, or NULL */
	size_t len;
	const char *headers[NET_HTTP_MAX_HEADERS]; /* "Name: value", NULL-terminated */
	int max_redirects;         /* 0 = do not follow */
	bool allow_private;        /* connect to loopback/private addresses */
	long timeout_ms;           /* 0 = 10 s */
	size_t max_body;           /* 0 = 16 MiB */
	void *user;
} net_http_req;

typedef struct net_http_resp {
	int rc;              /* LOA_OK when a response arrived */
	char error[256];
	long status;
	char content_type[256];
	char final_url[2048];
	loa_buf links;       /* every Link header value of the last response, ", "-joined */
	loa_buf body;
	double seconds;
} net_http_resp;

void net_http_resp_release(net_http_resp *r);
/* One request, synchronously. */
int net_http_do(const net_http_req *q, net_http_resp *r);
/* Many requests at once (curl multi), at most `concurrency` in flight;
 * resps[i] receives the answer to reqs[i]. Stops early when *stop. */
int net_http_batch(const net_http_req *reqs, net_http_resp *resps, size_t n, int concurrency,
		   const atomic_int *stop);

/* True when the address (an IP literal) is loopback, private, link-local,
 * unique-local, CGNAT, multicast or unspecified. */
bool net_ip_private(const char *ip);
/* Checks a callback or topic URL: http(s), a host, and (unless
 * allow_private) no name resolving to a private address. LOA_EINVAL /
 * LOA_EPERM with the reason. host (may be NULL) receives the host. */
int net_url_check(const char *url, bool allow_private, char *host, size_t hcap, loa_err *err);

/* Finds the targets of rel=`rel` in a Link header value; appends the first
 * to out. Returns true when found. */
bool net_link_find(const char *links, const char *rel, loa_buf *out);

/* Parses an application/x-www-form-urlencoded body; calls cb for each
 * name/value pair (decoded, NUL-terminated, valid during the call). */
typedef int (*net_form_cb)(void *arg, const char *name, const char *value);
int net_form_parse(const char *body, size_t len, net_form_cb cb, void *arg);
/* Appends s URL-encoded (RFC 3986 unreserved kept). */
int net_url_encode(loa_buf *out, const char *s);

/* Lower-case hex of n bytes. */
void net_hex(const unsigned char *p, size_t n, char *out);

#endif
