/*
 * events.h - live updates: an in-process bus of recent events (a ring),
 * the Server-Sent Events endpoint GET /api/v1/events, and the tailer that
 * turns newly stored items (from any process: import, ingest, the API)
 * into "item" events.
 *
 * Event types: "item" (a new item), "alert" (an alert fired), "measure"
 * (a measure changed). Data is one JSON object per event. An event may be
 * restricted to the staff of one organisation (org); NULL is for all
 * staff. Clients resume with Last-Event-ID; a client that fell behind the
 * ring gets an event "reset" and should reload.
 *
 * Ownership: the bus is owned by the app (loa_app); publishers pass
 * strings that are copied.
 */
#ifndef LOA_HTTP_EVENTS_H
#define LOA_HTTP_EVENTS_H

#include <stdint.h>

#include "core/err.h"
#include "http/http.h"

typedef struct loa_events loa_events;

int loa_events_new(unsigned capacity, loa_events **out);
void loa_events_free(loa_events *e);
/* Server whose parked streams are woken on publish (may be NULL). */
void loa_events_attach(loa_events *e, loa_http_server *srv);
/* Appends an event; returns its id (> 0) or a negative LOA_E*. */
int64_t loa_events_publish(loa_events *e, const char *type, const char *json_data, const char *org);
/* Id of the newest event (0 when none). */
int64_t loa_events_last(loa_events *e);

/* The SSE response for a request (used by the /api/v1/events route). */
int loa_events_sse(loa_events *bus, loa_http_req *r, loa_http_resp *w);

/* The tailer: a thread that polls the database at db_path every
 * interval_ms for items stored after it started and publishes an "item"
 * event for each (at most 1,000 a poll). */
typedef struct loa_tailer loa_tailer;
int loa_tailer_start(loa_events *bus, const char *db_path, unsigned interval_ms, loa_tailer **out,
		     loa_err *err);
void loa_tailer_stop(loa_tailer *t);

#endif
