/*
 * websub.h - WebSub (W3C Recommendation, 2018) for the network room: the
 * hub (subscriptions with verification of intent and leases, publisher
 * pings from an allow-list, distribution with HMAC signatures, retries
 * with backoff and a give-up rule) and the subscriber (discovery,
 * subscription, the callback that verifies intent and signatures, detects
 * replays and hands the body to the feed parser).
 *
 * The hub's HTTP side (POST /hub) only records requests; a worker does
 * the network work: verifications, fetching pinged topics, deliveries,
 * releasing embargoed items, expiring leases, renewing loa's own
 * subscriptions before their leases end. `loa serve` runs it as a job
 * (loa_websub_job), `loa websub run` as a process of its own; several
 * workers on one database are safe (each step is a transaction).
 *
 * Configuration (core/config.c): websub.allow_loopback, websub.publishers,
 * websub.lease_default, websub.lease_max, websub.max_attempts,
 * websub.retry_base, websub.rate_per_host, websub.concurrency,
 * websub.timeout, network.base_url.
 *
 * Ownership: a worker is a heap object (new/free) with its own store
 * handle, used by one thread at a time. Other functions use the caller's
 * handle; buffers are the caller's.
 */
#ifndef LOA_NETWORK_WEBSUB_H
#define LOA_NETWORK_WEBSUB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "store/store.h"

#define LOA_HUB_PATH "/hub"
#define LOA_WEBSUB_CALLBACK_PATH "/websub/callback/"
#define LOA_SIG_NS "https://loa.invalid/ns/signature/1"
#define LOA_WEBSUB_SECRET_MAX 199

/* ---- hub --------------------------------------------------------------- */

/* Handles a request to the hub endpoint (form body). *status receives the
 * HTTP status (202 accepted, 400 bad request, 403 refused, 429 rate
 * limited) and msg a Vietnamese / English reason. peer is the client's
 * address (logged). Refusals are logged (websub.refused). */
int loa_hub_request(loa_store *s, const loa_config *cfg, const char *body, size_t len, const char *peer,
		    int *status, loa_buf *msg, loa_err *err);
/* Queues a distribution of every subscribed topic of org's feeds that an
 * item of that kind and topic (NULL = none) appears in. */
int loa_hub_notify_org(loa_store *s, const loa_config *cfg, const char *org, const char *kind,
		       const char *topic, loa_err *err);

typedef struct loa_websub_stats {
	int64_t released;        /* embargoed versions released */
	int64_t verified, verify_failed;
	int64_t events, fetch_failed;
	int64_t delivered, retried, gave_up, gone;
	int64_t expired;         /* leases ended */
	int64_t renewed, renew_failed; /* loa's own subscriptions asked for again */
} loa_websub_stats;

typedef struct loa_websub_worker loa_websub_worker;

/* Opens its own store handle on db_path (NULL = configuration key db);
 * borrows cfg for its life. */
int loa_websub_worker_new(const loa_config *cfg, const char *db_path, loa_websub_worker **out, loa_err *err);
void loa_websub_worker_free(loa_websub_worker *w);
/* One pass of every step; st (may be NULL) accumulates counts. */
int loa_websub_run_once(loa_websub_worker *w, const atomic_int *stop, loa_websub_stats *st, loa_err *err);
/* The job for loa serve (http/jobs.h): state is a loa_websub_worker. */
int loa_websub_job(void *state, const atomic_int *stop);

/* Renders one of this hub's own topics (BASE/feeds/ORG.EXT[?kind=&topic=]):
 * LOA_ENOTFOUND when topic is not one. */
int loa_hub_render_topic(loa_store *s, const loa_config *cfg, const char *topic, loa_buf *body,
			 const char **content_type, loa_err *err);

/* ---- subscriber -------------------------------------------------------- */

typedef struct loa_websub_sub {
	int64_t id;
	char topic[2048], hub[2048], callback[2048];
	long hub_status; /* the hub's answer to the subscription request */
} loa_websub_sub;

/* Discovers the hub and self URL of `url` (Link headers first, then the
 * document: HTML <link>, Atom <link>, RSS <atom:link>; redirects followed)
 * and asks the hub to subscribe (unsubscribe) with a fresh secret, the
 * callback BASE/websub/callback/ID. Pushed items are stored under source
 * (NULL: the source with that URL, else a new "websub-ID" source).
 * LOA_ENOTFOUND when no hub or self is advertised; LOA_ENET / LOA_EINVAL
 * when the hub refuses (err has its status and answer). */
int loa_websub_subscribe(loa_store *s, const loa_config *cfg, const char *url, const char *source,
			 bool unsubscribe, loa_websub_sub *out, loa_err *err);

/* The callback's verification of intent (GET): *status 200 with the
 * challenge in body, or 404 (unknown subscription, unexpected topic or
 * mode, no challenge). */
int loa_websub_callback_verify(loa_store *s, int64_t sub_id, const char *mode, const char *topic,
			       const char *challenge, const char *lease, int *status, loa_buf *body,
			       loa_err *err);
/* The callback's content distribution (POST). With a secret: a missing
 * X-Hub-Signature is refused (403); a wrong one is acknowledged (202) and
 * ignored; a replay (same signature and body again) is acknowledged and
 * ignored. Otherwise the body is parsed with the feed parser, its entries
 * stored as items and their signatures checked (loa_network_verify_feed).
 * *status receives the HTTP status; msg a short JSON-friendly reason. */
int loa_websub_callback_deliver(loa_store *s, const loa_config *cfg, int64_t sub_id, const char *body,
				size_t len, const char *content_type, const char *signature, int *status,
				loa_buf *msg, loa_err *err);

#endif
