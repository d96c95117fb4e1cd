/*
 * pipeline.h - one analysis pipeline for every stored item (SPEC M3–M8;
 * docs/rooms/analyze.md, "Dòng xử lý / Pipeline").
 *
 * Storing stays fast: `loa import`, the fetcher and the API only store
 * items. Analysis is a work queue on the database: the analyze room's
 * table analyze_item holds one row per analysed item with the item's
 * content hash; an item is pending when it has no row or its row's hash
 * differs (the item changed). loa_analyzer_run() takes pending items in
 * batches (one transaction each) and for each:
 *   1. normalises title + text (text room, LOA_NORM_MATCH; the first
 *      LOA_AN_TEXT_MAX bytes; longer texts are marked truncated),
 *   2. detects the language (lang.h); only "vi" is classified,
 *   3. classifies: comments by the toxicity model, everything else by the
 *      tone model (shipped models tone.model / toxicity.model, core/paths.h)
 *      — unless an analyst's label for that item and task exists, which
 *      always wins (label_src "human"),
 *   4. assigns a story (story.h; MinHash LSH over a 14-day window),
 *   5. matches false claims (claim.h),
 *   6. records which organisations it mentions (name or alias, folded,
 *      on word boundaries) and counts its terms per day (trending).
 * It also copies the dimensions measures need (source, outlet, platform,
 * kind, own organisation, engagement, publication time), so measures read
 * only the room's tables.
 *
 * Tables (room "analyze", loa_sql_room_migrate): analyze_item,
 * analyze_sig (MinHash signatures), analyze_label (analysts' labels),
 * analyze_mention, analyze_alias, analyze_term, analyze_claim,
 * analyze_claim_item.
 *
 * Ownership and threads: a loa_analyzer belongs to one thread and uses the
 * store handle it was made with (which must outlive it). `loa serve` runs
 * one in a background thread with its own store handle, calling
 * loa_analyzer_run() whenever items may have arrived; setting *opts->stop
 * makes a run return between items (everything committed stays).
 */
#ifndef LOA_ANALYZE_PIPELINE_H
#define LOA_ANALYZE_PIPELINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/ltime.h"
#include "store/store.h"

#define LOA_ANALYZE_BATCH 500
#define LOA_LABEL_BY_MAX 128u
#define LOA_LABEL_WHY_MAX 2048u
#define LOA_ALIAS_MAX 256u

typedef struct loa_analyze_opts {
	bool all;                   /* re-analyse every item, not only pending ones */
	int64_t limit;              /* items in this run; 0 = all */
	int64_t batch;              /* items per transaction; 0 = LOA_ANALYZE_BATCH */
	const char *tone_model;     /* path; NULL = shipped tone.model */
	const char *toxicity_model; /* path; NULL = shipped toxicity.model */
	loa_ms window;              /* story window; 0 = 14 days */
	const atomic_int *stop;     /* non-NULL: return when *stop becomes non-zero */
	void (*progress)(void *user, uint64_t done, uint64_t total);
	void *progress_user;
} loa_analyze_opts;

typedef struct loa_analyze_stats {
	uint64_t items;         /* analysed */
	uint64_t vi, other, empty; /* by language ("other" includes "en") */
	uint64_t truncated;     /* longer than LOA_AN_TEXT_MAX */
	uint64_t classified;    /* by a model */
	uint64_t human;         /* label from an analyst */
	uint64_t unclassified;  /* Vietnamese, but no model for the task */
	uint64_t stories_new, stories_joined;
	uint64_t stories_merged; /* merged into an older story by a bridging item */
	uint64_t claim_hits, mentions;
	uint64_t remaining;     /* still pending after the run */
	double seconds;
} loa_analyze_stats;

/* Creates or migrates the room's tables. */
int loa_analyze_schema(loa_store *s, loa_err *err);
/* Number of pending items. */
int loa_analyze_pending(loa_store *s, int64_t *n, loa_err *err);

typedef struct loa_analyzer loa_analyzer;

/* Loads the models (a missing shipped model is not an error: that task is
 * left unclassified; an unreadable, truncated or foreign model file is),
 * the claims, the organisations' names and aliases, and rebuilds the story
 * index from the signatures of the last window. opts is copied (its
 * strings must outlive the analyzer). */
int loa_analyzer_new(loa_store *s, const loa_analyze_opts *opts, loa_analyzer **out,
		     loa_err *err);
void loa_analyzer_free(loa_analyzer *a);
/* Analyses pending items (or all with opts.all) up to opts.limit; adds to
 * *st (may be NULL). */
int loa_analyzer_run(loa_analyzer *a, loa_analyze_stats *st, loa_err *err);
/* The model notes (never NULL; "" when no model). */
const char *loa_analyzer_model_note(const loa_analyzer *a, const char *task);

/* The job of `loa serve` (http/jobs.h: a loa_job_fn). Start it with
 *   static loa_analyze_job aj = {.db_path = PATH};
 *   loa_job_start("analyze", 5000, loa_analyze_job_run, &aj, &job, &err);
 * and after loa_job_stop() call loa_analyze_job_release(&aj). The job opens
 * its own store handle and keeps one analyzer (models, claims, story
 * index) between runs; claims, organisations and aliases added meanwhile
 * are picked up at the next run. Each run drains the queue or stops at
 * *stop. */
typedef struct loa_analyze_job {
	const char *db_path;  /* borrowed; must outlive the job */
	loa_store *store;     /* owned, opened on the first run */
	loa_analyzer *an;     /* owned */
	loa_analyze_stats total;
} loa_analyze_job;

int loa_analyze_job_run(void *state, const atomic_int *stop);
void loa_analyze_job_release(loa_analyze_job *j);

/* new + run + free. */
int loa_analyze_run(loa_store *s, const loa_analyze_opts *opts, loa_analyze_stats *st,
		    loa_err *err);

/* ---- analysts' labels ----------------------------------------------------- */

/* Sets a person's label for an item and task ("tone" or "toxicity"),
 * replacing an earlier one, appends "label.set" to the audit log (actor =
 * by; detail: task, label, previous label, why) and updates the item's
 * analysis at once. LOA_ENOTFOUND for an unknown item, LOA_EINVAL for a bad
 * task, label (tone: positive, neutral, negative; toxicity: a label of the
 * toxicity model when it is available) or empty `by`. */
int loa_label_set(loa_store *s, int64_t item_id, const char *task, const char *label,
		  const char *by, const char *why, loa_err *err);

typedef int (*loa_label_cb)(void *arg, int64_t item_id, const char *label, const char *text,
			    const char *by, loa_ms at);
/* Every label of a task with the item's title and text joined (the
 * training text), in item order. */
int loa_labels_each(loa_store *s, const char *task, loa_label_cb cb, void *arg, loa_err *err);

/* ---- organisations' aliases (for "what others say about it") ------------- */

int loa_alias_add(loa_store *s, const char *org, const char *alias, loa_err *err);
typedef int (*loa_alias_cb)(void *arg, const char *org, const char *alias);
int loa_alias_each(loa_store *s, loa_alias_cb cb, void *arg, loa_err *err);

#endif
