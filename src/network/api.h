/*
 * api.h - the network room's HTTP routes (feeds, keys, pages, the WebSub
 * hub and callback, /api/v1/official and /api/v1/network), for the route
 * table of http/app.c. The table is static; handlers expect the app
 * (loa_app *) as their app argument.
 */
#ifndef LOA_NETWORK_API_H
#define LOA_NETWORK_API_H

#include <stddef.h>

#include "http/http.h"

const loa_http_route *loa_network_routes(size_t *n);

#endif
