/*
 * api.h - the workflow room's JSON API (docs/api/openapi.json, paths
 * under /api/v1/workflow, /api/v1/questions, /api/v1/corrections,
 * /api/v1/feedback, /api/v1/conferences, /api/v1/policies, /api/v1/plans,
 * /api/v1/rebuttals and /api/v1/public; docs/rooms/workflow.md).
 *
 * Ownership: the route table is static. The configuration given to
 * loa_workflow_api_config is borrowed and must outlive the server.
 */
#ifndef LOA_WORKFLOW_API_H
#define LOA_WORKFLOW_API_H

#include <stddef.h>

#include "core/config.h"
#include "http/http.h"

/* The routes, for src/http/app.c's tables[]. Handlers take the app's
 * per-thread store (http/app_int.h). */
const loa_http_route *loa_workflow_routes(size_t *n);

/* Gives the API its configuration (calendar.*, workflow.*); without it
 * the defaults apply. loa_workflow_job_new() calls it. Call before the
 * server starts. */
void loa_workflow_api_config(const loa_config *cfg);

#endif
