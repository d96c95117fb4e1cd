/*
 * api.h - the analysis room's JSON API (for the dashboard's overview,
 * reports, stories and claims pages; docs/rooms/analyze.md, "API"):
 *   GET  /api/v1/measures?by=&scope=&since=&until=&interval=&org=
 *   GET  /api/v1/stories?since=&until=&limit=&min_items=
 *   GET  /api/v1/stories/{id}
 *   GET  /api/v1/claims                 POST /api/v1/claims {text, title, rebuttal_url}
 *   GET  /api/v1/claims/{id}
 *   POST /api/v1/items/{id}/label {task, label, why}   (by = the caller's login)
 *   GET  /api/v1/report?from=&to=&org=&format=json|csv|html
 * `since` and `until` take RFC 3339, YYYY-MM-DD, or a duration back from
 * now ("24h", "7d").
 *
 * Ownership: the route table is static; handlers use the app's per-thread
 * store (http/app_int.h).
 */
#ifndef LOA_ANALYZE_API_H
#define LOA_ANALYZE_API_H

#include <stddef.h>

#include "http/http.h"

/* The routes, for src/http/app.c's tables[]. */
const loa_http_route *loa_analyze_routes(size_t *n);

#endif
