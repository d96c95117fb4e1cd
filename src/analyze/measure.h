/*
 * measure.h - measures over the analysis tables (SPEC M7; method in
 * docs/rooms/analyze.md, "Số đo / Measures"), stories' facts, claims'
 * spread, and the report (report.c) built from them.
 *
 * What counts:
 *   item      a stored item analysed by the pipeline (analyze_item), by its
 *             publication time; windows are hours, days, ISO weeks (from
 *             Monday) and months in Asia/Ho_Chi_Minh.
 *   tone      the effective label of a news item or post (an analyst's label
 *             over the model's); comments carry toxicity instead and are
 *             left out of negative shares.
 *   own       what an organisation itself posts and shares: items (not
 *             comments) whose `org` is the organisation or whose source is
 *             owned by it, including organisations it succeeded (merges,
 *             renames). The 15% rule of seed 002 applies to these.
 *   about     what others say about it: items (not comments) that mention its
 *             name or one of its aliases (analyze_alias) and are not its own.
 *   negative share = negative / items with a tone label, with a 95% Wilson
 *             score interval; "under" the 15% line when the whole interval
 *             is below it, "over" when it is above, else "uncertain".
 *   trending  terms (content syllables and pairs of them) whose count on the
 *             last day of the period bursts against their own previous 7
 *             days: score = (c - m) / sqrt(m + 1), m the mean daily count of
 *             those days, c >= 3.
 *   share of voice = an organisation's "about" items / all "about" items of
 *             every organisation in the period.
 *
 * Ownership: JSON values returned are new references (jansson) the caller
 * decrefs; records passed to callbacks are borrowed for the call.
 */
#ifndef LOA_ANALYZE_MEASURE_H
#define LOA_ANALYZE_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/ltime.h"
#include "store/store.h"

#define LOA_NEGATIVE_LINE 0.15
#define LOA_WILSON_Z95 1.959963984540054
#define LOA_TREND_DAYS 7
#define LOA_TREND_MIN 3

/* 95% (z) Wilson score interval of k successes in n; [0, 1] when n == 0. */
void loa_wilson(int64_t k, int64_t n, double z, double *lo, double *hi);
/* Burst score of today's count against the previous days' counts. */
double loa_trend_score(int64_t today, const int64_t *hist, size_t n);
/* "under", "over" or "uncertain" against the line (and "none" when n == 0). */
const char *loa_line_status(int64_t n, double lo, double hi, double line);

/* Start of the window (hour, day, week, month) holding t, in
 * Asia/Ho_Chi_Minh, as UTC ms; unit is "hour", "day", "week" or "month". */
loa_ms loa_window_start(loa_ms t, const char *unit);

/* ---- stories ---------------------------------------------------------------- */

typedef struct loa_story_info {
	int64_t id;             /* the id of the item that founded it */
	int64_t items, outlets; /* items; distinct sources */
	loa_ms first_at, last_at;
	int64_t first_item;
	char first_source[LOA_SLUG_MAX + 1];
	char title[512];        /* the first item's title (or text), cut */
	int64_t positive, neutral, negative;
	const char *tone;       /* dominant tone label ("" when none) */
} loa_story_info;

typedef int (*loa_story_cb)(void *arg, const loa_story_info *s);

/* Stories with at least min_items items, whose last item is in [since,
 * until) (LOA_TIME_NONE = open), largest first, at most limit (0 = 50). */
int loa_stories_each(loa_store *s, loa_ms since, loa_ms until, int64_t min_items, int64_t limit,
		     loa_story_cb cb, void *arg, loa_err *err);
int loa_story_get(loa_store *s, int64_t id, loa_story_info *out, loa_err *err);

typedef int (*loa_series_cb)(void *arg, loa_ms start, int64_t a, int64_t b);
/* Items of a story per window (unit "hour" or "day"): cb(start, items, 0). */
int loa_story_series(loa_store *s, int64_t id, const char *unit, loa_series_cb cb, void *arg,
		     loa_err *err);
typedef int (*loa_story_item_cb)(void *arg, int64_t item, loa_ms at, const char *source,
				 const char *title, const char *label);
int loa_story_items(loa_store *s, int64_t id, int64_t limit, loa_story_item_cb cb, void *arg,
		    loa_err *err);

/* ---- claims ------------------------------------------------------------------ */

typedef struct loa_claim_info {
	int64_t id;
	char title[LOA_NAME_MAX + 1];
	char text[4097];
	char rebuttal_url[LOA_ITEM_URL_MAX + 1];
	loa_ms created_at;
	int64_t items, outlets, rebuttals;
	loa_ms first_seen, first_rebuttal; /* LOA_TIME_NONE when none */
} loa_claim_info;

typedef int (*loa_claim_cb)(void *arg, const loa_claim_info *c);
int loa_claims_each(loa_store *s, loa_claim_cb cb, void *arg, loa_err *err);
int loa_claim_get(loa_store *s, int64_t id, loa_claim_info *out, loa_err *err);
/* Per day: cb(start, claim items, rebuttal items), days with either. */
int loa_claim_series(loa_store *s, int64_t id, loa_series_cb cb, void *arg, loa_err *err);
/* Items of a claim (role "claim" or "rebuttal"), oldest first. */
typedef int (*loa_claim_item_cb)(void *arg, int64_t item, loa_ms at, const char *source,
				 const char *role, double score, const char *title);
int loa_claim_items(loa_store *s, int64_t id, int64_t limit, loa_claim_item_cb cb, void *arg,
		    loa_err *err);

/* ---- the report --------------------------------------------------------------- */

typedef struct loa_report_opts {
	loa_ms from, to;       /* [from, to); LOA_TIME_NONE = open */
	const char *org;       /* only this organisation (slug), or NULL = all */
	const char *tone_note; /* the tone model's note (accuracy), or NULL */
	const char *tone_model;/* its file name, or NULL */
	const char *tone_accuracy; /* what was measured (from the model's .md), or NULL */
	int64_t top;           /* stories, sources, terms listed; 0 = 20 */
} loa_report_opts;

/* Builds the report as a JSON object (a json_t *, passed as void * so this
 * header needs no jansson). */
int loa_report_build(loa_store *s, const loa_report_opts *o, void **out_json, loa_err *err);
/* Measures grouped and over time (the dashboard's GET /api/v1/measures):
 *   {threshold, method, by, scope, interval, total: M, groups: [M + {key, name}]}
 *   M = {n, labelled, positive, neutral, negative, share, lo, hi, status,
 *        points: [{t, n, labelled, positive, neutral, negative, share, lo, hi}]}
 * by: org | channel | platform | source | kind; scope: own (what the
 * organisation posts and shares), about (what others say about it), all. */
typedef struct loa_measures_opts {
	loa_ms from, to;      /* [from, to); LOA_TIME_NONE = open */
	const char *by;       /* NULL = "org" */
	const char *scope;    /* NULL = "own" */
	const char *interval; /* hour | day | week | month; NULL = "day" */
	const char *org;      /* only this organisation, or NULL */
	int64_t max_groups;   /* largest groups kept; 0 = 100 */
} loa_measures_opts;

int loa_measures_build(loa_store *s, const loa_measures_opts *o, void **out_json, loa_err *err);

/* ---- the aggregate ------------------------------------------------------------- *
 * analyze_measure (pipeline.c, migration 3) holds, per UTC hour (grain 0)
 * and per Vietnam day (grain 1; Vietnam is UTC+7 all year, so hours sum
 * exactly into its days, weeks and months), the items of analyze_item by
 * own organisation, "about" (mentions an organisation other than its own),
 * platform, kind and effective label, with their engagement sums, and one
 * row per mentioned organisation likewise. Triggers keep it equal to
 * analyze_item and analyze_mention in the same transaction as every write
 * (analysis, re-analysis, relabel, deletion). Sources are not in it (their
 * number makes it as large as the items): the report keeps its scan. */

/* What GET /api/v1/measures counts: news and posts with a tone label. */
typedef struct loa_measure_query {
	const char *by;          /* "org", "channel" or "platform" */
	const char *scope;       /* "own", "about" or "all" */
	bool hourly;             /* hour windows: day rows are not used */
	loa_ms from, to;         /* [from, to); INT64_MIN / INT64_MAX when open */
	const char *const *set;  /* an organisation and those it succeeded (slugs) */
	size_t nset;             /* 0: every organisation */
	bool exact;              /* scan analyze_item (the reference) instead */
} loa_measure_query;

enum {
	LOA_MEASURE_GROUP = 0, /* key: the platform, or "own" / "other" (channel) */
	LOA_MEASURE_OWN = 1,   /* key: the item's own organisation (unresolved) */
	LOA_MEASURE_ABOUT = 2, /* key: an organisation mentioned; own: the item's (or NULL) */
	LOA_MEASURE_TOTAL = 3  /* every item of the scope once */
};

/* c = {items, positive, neutral, negative} of a part of the window holding
 * at; rows of one (mode, key, own, window) may come several times: the
 * caller sums them. Strings are borrowed for the call. A non-zero return
 * stops (a negative one is returned). */
typedef int (*loa_measure_row_cb)(void *arg, int mode, const char *key, const char *own,
				  loa_ms at, const int64_t c[4]);

/* Full hours and days of [from, to) come from the aggregate, the partial
 * hours at its ends from analyze_item; q->exact (or an organisation with
 * predecessors outside scope "own", where an item naming two of them must
 * count once) scans analyze_item for all of it. */
int loa_measure_rows(loa_store *s, const loa_measure_query *q, loa_measure_row_cb cb, void *arg,
		     loa_err *err);

/* Renders a report object: "json", "csv" or "html" (printable, SVG charts). */
int loa_report_render(const void *json, const char *format, loa_buf *out, loa_err *err);

#endif
