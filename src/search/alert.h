/*
 * alert.h - alerts on saved queries (docs/search.md, "Cảnh báo / Alerts").
 *
 * Kinds: match (each run sends the new hits; "digest" mode gathers them
 * and sends at most once per window), spike (the window's hit count is
 * improbably high under a Poisson law whose mean is the average of the
 * query's own trailing windows), negative (the share of negative items
 * among the window's hits labelled with a tone is above a threshold,
 * default 15%, with a Wilson 95% interval in the payload).
 *
 * Delivery: webhook (POST of a JSON body, header X-Loa-Signature:
 * sha256=<hex HMAC-SHA256 of the body with the alert's secret>, retries
 * with exponential backoff, then a dead letter) and e-mail (SMTP through
 * libcurl). Every event is also handed to a process-wide hook (the live
 * dashboard's queue, attached by the server).
 *
 * Ownership: records passed to callbacks are borrowed for the call; the
 * hook receives borrowed strings.
 */
#ifndef LOA_SEARCH_ALERT_H
#define LOA_SEARCH_ALERT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/ltime.h"
#include "search/search.h"

#define LOA_ALERT_BODY_MAX ((size_t)1 << 20)  /* payload cap */
#define LOA_ALERT_MAX_ITEMS 50                /* items listed in one payload */

typedef struct loa_alert_def {
	const char *name;
	const char *query;     /* saved query's name */
	const char *kind;      /* match | spike | negative */
	const char *mode;      /* immediate | digest (match) */
	const char *webhook;   /* http(s) URL, or NULL */
	const char *secret;    /* HMAC key for the webhook (NULL = none: no signature) */
	const char *email;     /* recipient, or NULL */
	double threshold;      /* negative: share (0.15); spike: p-value (0.001); <0 = default */
	loa_ms window;         /* <= 0: 1 hour */
	/* out (iteration) */
	int64_t id, pending, dead;
	loa_ms last_fired;
} loa_alert_def;

typedef struct loa_alert_cfg {
	const char *smtp_url;  /* smtp://host:port */
	const char *smtp_from;
	int max_attempts;      /* 0 = 6 */
	loa_ms backoff;        /* first retry delay; doubles; 0 = 30 s; < 0 = none (tests) */
	long timeout_s;        /* per request; 0 = 10 */
	loa_ms now;            /* LOA_TIME_NONE = clock */
} loa_alert_cfg;

typedef struct loa_alert_stats {
	int64_t indexed, matched, events, sent, retried, dead;
} loa_alert_stats;

typedef int (*loa_alert_cb)(void *arg, const loa_alert_def *a);

int loa_alert_add(loa_search *s, const loa_alert_def *d, loa_err *err);
int loa_alert_remove(loa_search *s, const char *name, loa_err *err);
int loa_alerts_each(loa_search *s, loa_alert_cb cb, void *arg, loa_err *err);

/* Sends a test event for alert `name` now through its channels (no queue;
 * one attempt each). */
int loa_alert_test(loa_search *s, const char *name, const loa_alert_cfg *cfg, loa_err *err);

/* The monitoring loop's one step: drains the index queue, matches new
 * items against every saved query (streaming matcher), records hits,
 * evaluates every alert, queues deliveries and sends those due. */
int loa_alerts_run(loa_search *s, const loa_alert_cfg *cfg, loa_alert_stats *st, loa_err *err);
/* Sends the queued deliveries that are due (retries, dead letters). */
int loa_alerts_deliver_due(loa_search *s, const loa_alert_cfg *cfg, loa_alert_stats *st,
			   loa_err *err);

/* Channels (also used by tests). http_status may be NULL. */
int loa_alert_webhook(const char *url, const char *secret, const char *body, long timeout_s,
		      long *http_status, loa_err *err);
int loa_alert_email(const loa_alert_cfg *cfg, const char *to, const char *subject,
		    const char *body, loa_err *err);
/* "sha256=<64 hex>" of body under key into out (72 bytes). */
void loa_alert_sign(const char *key, const char *body, size_t n, char out[72]);

/* P(X >= k) for X ~ Poisson(lambda). */
double loa_alert_poisson_sf(int64_t k, double lambda);

/* Live delivery hook: called with (alert name, JSON event) for each event.
 * One process-wide hook; NULL detaches. */
typedef void (*loa_alert_hook)(void *arg, const char *alert, const char *json);
void loa_alert_set_hook(loa_alert_hook fn, void *arg);

#endif
