/*
 * fetch.h - fetching over HTTP(S) for the feed room: a fetcher over
 * libcurl's multi interface, robots.txt rules, and the scheduling
 * arithmetic of sources (adaptive interval, backoff, health states).
 * docs/rooms/feed.md describes the rules.
 *
 * The fetcher runs many transfers at once in the calling thread, at most
 * `concurrency` in all and `per_host` to one host (it queues the rest
 * itself, so a queued transfer's timeouts start only when it starts).
 * Only http and https; redirects are followed by the fetcher itself (so it
 * can tell a permanent chain, 301/308 from the start, from a temporary
 * one, and detect loops); every transfer has a connect timeout, a total
 * timeout, a low-speed limit and a body cap (after decompression, enforced
 * as bytes arrive); a run has an optional deadline and a stop flag.
 *
 * Ownership: a loa_fetcher is a heap object (loa_fetcher_new / _free) used
 * by one thread. loa_fetcher_add copies the request's strings. The request
 * and response handed to a callback, and every string in them, are owned
 * by the fetcher and valid only during that callback; a callback may add
 * new requests. A loa_robots is a heap object (loa_robots_free). The
 * schedule functions are pure.
 */
#ifndef LOA_FEED_FETCH_H
#define LOA_FEED_FETCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/ltime.h"

typedef struct loa_config loa_config;

/* ---- fetcher ----------------------------------------------------------- */

typedef struct loa_fetch_opts {
	const char *user_agent; /* borrowed for the fetcher's life */
	int concurrency;        /* transfers at once, >= 1 */
	int per_host;           /* transfers at once to one host, >= 1 */
	long connect_timeout_ms;
	long timeout_ms;        /* total, per transfer (each redirect hop anew) */
	long low_speed_limit;   /* bytes/s ... */
	long low_speed_time_s;  /* ... for this long aborts the transfer */
	size_t max_body;        /* bytes, after decompression */
	int max_redirects;
	loa_ms run_timeout_ms;  /* loa_fetcher_run ends transfers after this; 0 = none */
} loa_fetch_opts;

/* Fills *o from the fetch.* configuration keys. */
void loa_fetch_opts_config(loa_fetch_opts *o, const loa_config *cfg);

enum { LOA_FETCH_FEED = 0, LOA_FETCH_PAGE, LOA_FETCH_ROBOTS }; /* sets Accept */

typedef struct loa_fetch_req {
	const char *url;
	const char *etag;          /* If-None-Match, or NULL */
	const char *last_modified; /* If-Modified-Since (as the server wrote it), or NULL */
	int kind;                  /* LOA_FETCH_* */
	void *user;                /* handed back untouched */
} loa_fetch_req;

typedef struct loa_fetch_resp {
	int rc;           /* LOA_OK: a final HTTP response arrived (any status).
	                     Else LOA_ENET (connect, TLS, timeout, protocol,
	                     redirect loop or limit), LOA_ETOOBIG (body cap),
	                     LOA_EINVAL (not an http(s) URL), LOA_EAGAIN (stopped
	                     or run deadline), LOA_ENOMEM. */
	char error[384];  /* Vietnamese / English, when rc != LOA_OK */
	bool tls;         /* the error was TLS's */
	bool timeout;     /* the error was a timeout or a too-slow transfer */
	long status;      /* HTTP status of the last response, 0 when none */
	const char *final_url; /* the URL of the last hop */
	const char *moved_to;  /* where a chain of permanent redirects (301/308)
	                          from the request URL ends, else NULL */
	int redirects;
	const char *content_type, *etag, *last_modified, *content_location; /* or NULL */
	loa_ms retry_after;    /* from Retry-After (ms from now), 0 when absent */
	const char *body;      /* NUL-terminated; "" when empty */
	size_t len;
	double seconds;        /* from the first hop's start to the end */
} loa_fetch_resp;

typedef void (*loa_fetch_cb)(void *arg, const loa_fetch_req *req, const loa_fetch_resp *resp);

typedef struct loa_fetcher loa_fetcher;

/* Initialises libcurl once (thread-safe; every fetcher calls it). */
void loa_fetch_global_init(void);

/* NULL with err set when out of memory or libcurl fails. */
loa_fetcher *loa_fetcher_new(const loa_fetch_opts *o, loa_err *err);
void loa_fetcher_free(loa_fetcher *f);
/* Queues a request; cb is called once for it, from loa_fetcher_run. A URL
 * that is not http(s) is reported through cb as LOA_EINVAL. */
int loa_fetcher_add(loa_fetcher *f, const loa_fetch_req *req, loa_fetch_cb cb, void *arg,
		    loa_err *err);
/* Runs until every queued request (and those callbacks add) is done, *stop
 * becomes non-zero (stop may be NULL) or the run timeout passes; requests
 * still open then are reported with LOA_EAGAIN. LOA_OK, or LOA_ENOMEM /
 * LOA_ENET when libcurl itself fails. */
int loa_fetcher_run(loa_fetcher *f, const atomic_int *stop, loa_err *err);

/* The lower-cased host of an http(s) URL into out (cap bytes); LOA_EINVAL
 * when url is not an http(s) URL with a host. */
int loa_fetch_url_host(const char *url, char *out, size_t cap);

/* ---- robots.txt ---------------------------------------------------------- */

#define LOA_ROBOTS_MAX_BODY ((size_t)512 << 10) /* bytes of robots.txt read */

typedef struct loa_robots loa_robots;

/* Rules for `agent` (the product token of our User-Agent, e.g. "loa") from
 * a robots.txt response (RFC 9309): status 2xx parses body; 4xx means
 * everything is allowed; anything else (5xx, no response: status 0) means
 * nothing is. Groups naming the agent (case-insensitive) win over "*";
 * the longest matching Allow/Disallow pattern decides, Allow on a tie; `*`
 * and a final `$` work as in the RFC. NULL when out of memory. */
loa_robots *loa_robots_new(long status, const char *body, size_t len, const char *agent);
void loa_robots_free(loa_robots *r);
/* path: the URL's path and query ("/a/b?c"), or a whole URL (its path is
 * used). */
bool loa_robots_allowed(const loa_robots *r, const char *path);
/* The product token of a User-Agent ("loa/0.1 (+…)" -> "loa") into out. */
void loa_robots_agent_token(const char *user_agent, char *out, size_t cap);

/* ---- scheduling and health ---------------------------------------------- */

typedef struct loa_sched_cfg {
	loa_ms min_interval; /* fetch.min_interval */
	loa_ms max_interval; /* fetch.max_interval; also the longest backoff */
} loa_sched_cfg;

void loa_sched_cfg_config(loa_sched_cfg *c, const loa_config *cfg);

#define LOA_SCHED_HISTORY 20          /* recent items the rhythm is taken from */
#define LOA_SCHED_DEFAULT_INTERVAL (60 * 60 * 1000LL) /* with too little history */
#define LOA_SCHED_SILENT_FLOOR (24 * 60 * 60 * 1000LL)

/* The median gap between consecutive distinct times of times[0..n) (sorted
 * in place); 0 when there are fewer than 3 distinct times. */
loa_ms loa_sched_median_gap(loa_ms *times, size_t n);
/* The polling interval: half the median gap, clamped to [min, max]; the
 * default (1 h, clamped) when median_gap is 0. */
loa_ms loa_sched_interval(loa_ms median_gap, const loa_sched_cfg *c);
/* Delay before the next try after `failures` (>= 1) failures in a row:
 * interval * 2^(failures-1), at least min_interval, at most max_interval;
 * a server's Retry-After (ms, 0 = none) is honoured up to max_interval. */
loa_ms loa_sched_backoff(int failures, loa_ms interval, loa_ms retry_after,
			 const loa_sched_cfg *c);
/* A source is silent when its history has a rhythm (median_gap > 0) and
 * nothing new appeared for longer than max(3 * median_gap, 24 h). */
bool loa_sched_silent(loa_ms last_item, loa_ms median_gap, loa_ms now);

/* Consecutive outcomes of a source. */
typedef struct loa_health {
	int failures;  /* failed fetches in a row */
	int not_found; /* 404 in a row */
	int gone;      /* 410 in a row */
} loa_health;

#define LOA_GONE_404 3 /* 404s in a row that make a source gone */
#define LOA_GONE_410 2 /* 410s in a row */

/* Records one fetch outcome in *h and returns the source's state: after a
 * success "redirected" (moved: a permanent redirect changed its URL),
 * "silent" or "ok"; after a failure "gone" (LOA_GONE_404 404s or
 * LOA_GONE_410 410s in a row) or "erroring". status is the HTTP status (0
 * when no response). */
const char *loa_health_record(loa_health *h, bool success, long status, bool moved, bool silent);

#endif
