/*
 * app.h - the loa web application: the route table of the JSON API, the
 * health and metrics endpoints, and the per-thread store handles that
 * handlers use.
 *
 * Ownership: loa_app_new() returns an app owned by the caller, freed with
 * loa_app_free() after the server using it has stopped. It borrows cfg.
 */
#ifndef LOA_HTTP_APP_H
#define LOA_HTTP_APP_H

#include "core/config.h"
#include "core/err.h"
#include "http/http.h"
#include "store/store.h"

typedef struct loa_app loa_app;

int loa_app_new(const loa_config *cfg, const char *db_path, loa_app **out, loa_err *err);
void loa_app_free(loa_app *a);
/* The routes of the application (owned by the app). */
const loa_http_route *loa_app_routes(loa_app *a, size_t *n);
/* The hook that authenticates and authorises each request (sessions in
 * the loa_session cookie with X-CSRF-Token on unsafe methods, or
 * "Authorization: Bearer loa_…" API tokens), for loa_http_opts.authorize. */
loa_http_authorize loa_app_authorize(void);
/* The configuration the app was made with (borrowed). */
const loa_config *loa_app_config(loa_app *a);
/* The database path the app was made with (borrowed). */
const char *loa_app_db_path(loa_app *a);
/* The calling thread's store handle (opened on first use; closed by
 * loa_app_free). NULL with err filled when the database cannot be opened. */
loa_store *loa_app_store(loa_app *a, loa_err *err);

/* Starts the app's background work once the server runs (the tailer that
 * turns new items into live events); loa_app_stop() ends it before the
 * server stops. */
int loa_app_start(loa_app *a, loa_http_server *srv, loa_err *err);
void loa_app_stop(loa_app *a);
/* The live-event bus (for in-process publishers: alerts, measures). */
struct loa_events *loa_app_events(loa_app *a);

#endif
