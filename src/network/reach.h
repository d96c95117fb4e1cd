/*
 * reach.h - reach of official items (SPEC N6): the monitored items that
 * reproduce an official item (near duplicates by the analysis room's
 * MinHash signatures, analyze/story.h), time to first pickup, coverage
 * among the network's outlets, and fidelity — which pickups changed
 * numbers, names or negations against the signed original, with a word
 * diff.
 *
 * Ownership: *out is a new JSON object owned by the caller.
 */
#ifndef LOA_NETWORK_REACH_H
#define LOA_NETWORK_REACH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/ltime.h"
#include "store/store.h"

typedef struct json_t json_t;

#define LOA_REACH_WINDOW_MS ((loa_ms)14 * 24 * 3600 * 1000)
#define LOA_REACH_MAX_SCAN 200000 /* items looked at, at most */
#define LOA_REACH_MIN_COVER 0.25  /* share of the official text a pickup must carry */
#define LOA_DIFF_MAX_WORDS 2000   /* longer texts are diffed on their first words */

/* window <= 0: LOA_REACH_WINDOW_MS. LOA_ENOTFOUND when the item is not
 * published (or still embargoed). */
int loa_reach(loa_store *s, int64_t official_id, loa_ms window, json_t **out, loa_err *err);

typedef struct loa_fidelity {
	bool numbers, names, negations; /* changed */
	int hunks;                      /* interior changes */
} loa_fidelity;

/* Compares a pickup with the original word by word: interior changes only
 * (a copy that starts later or ends earlier is not a change); appends the
 * diff ("… context [-old-] {+new+} context …") to diff. */
int loa_fidelity_compare(const char *original, const char *copy, loa_fidelity *f, loa_buf *diff);

#endif
