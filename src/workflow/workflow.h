/*
 * workflow.h - the press office's work on top of the engine (engine.h):
 * attachments of journalists' questions, correction requests from
 * monitored items, citizens' feedback grouped into recurring problems,
 * press conferences with iCalendar invitations and the Decree 09 cadence,
 * policy drafts (versions, diff, anchored comments pre-moderated by the
 * toxicity model), communication plans, the rebuttal kit, publication.
 *
 * Ownership: as in engine.h: JSON results are new references the caller
 * json_decref()s; strings passed in are borrowed for the call.
 */
#ifndef LOA_WORKFLOW_WORKFLOW_H
#define LOA_WORKFLOW_WORKFLOW_H

#include <stdatomic.h>

#include "core/config.h"
#include "workflow/engine.h"

struct loa_search;
struct loa_cls_model;

/* ---- attachments (questions, feedback) ---- */

#define LOA_WF_ATTACH_MAX ((size_t)5 << 20) /* default cap of one file */
#define LOA_WF_ATTACH_PER_CASE 10
#define LOA_WF_ATTACH_NAME_MAX 200

/* The type of an upload by its content and name, from the allow-list
 * (PDF, PNG, JPEG, plain UTF-8 text, DOCX, XLSX, ODT); NULL when refused
 * (HTML, SVG, scripts, executables, anything else). */
const char *loa_wf_attach_type(const char *name, const char *data, size_t n);
/* Stores a file for an open case (the requester or staff). LOA_EINVAL for
 * a refused type, LOA_ETOOBIG past max bytes or LOA_WF_ATTACH_PER_CASE
 * files, LOA_WF_ECONFLICT when the case is closed. */
int loa_wf_attach(loa_wf *w, int64_t case_id, const char *name, const char *data, size_t n,
		  size_t max, const loa_wf_actor *a, int64_t *id, loa_err *err);
/* Reads an attachment: data into out (its cap applies), type (64 bytes),
 * safe file name (LOA_WF_ATTACH_NAME_MAX+1 bytes) and its case. */
int loa_wf_attachment_get(loa_wf *w, int64_t id, loa_buf *out, char *type, char *name,
			  int64_t *case_id, loa_err *err);

/* ---- publication ---- */

/* Records what a case publishes (state "to_publish" until the network
 * room signs and sends it; docs/rooms/workflow.md) and tells every
 * journalist. Called by the engine for transitions with LOA_WF_F_PUBLISH. */
int loa_wf_publication_add(loa_wf *w, int64_t case_id, const char *kind, const char *org,
			   const char *title, const char *body, const loa_wf_actor *a, int64_t *id,
			   loa_err *err);
/* Published answers, rebuttals and summaries (public), newest first. */
int loa_wf_publications(loa_wf *w, const char *org, int limit, json_t **out, loa_err *err);

/* ---- corrections ---- */

typedef struct loa_wf_correction {
	int64_t item_id;        /* required: the monitored item (store rowid) */
	const char *form;       /* reply | correction | apology */
	const char *text;       /* required: what the agency is asked to publish */
	const char *legal_basis; /* e.g. "Điều 42 Luật Báo chí 2016; Nghị định 09/2017/NĐ-CP" */
	const char *org;        /* the requesting organisation */
	const char *agency;     /* the press agency (org slug); NULL = the item source's org */
	loa_ms deadline;        /* LOA_TIME_NONE = due_days working days after sending */
	int due_days;
} loa_wf_correction;

int loa_wf_correction_create(loa_wf *w, const loa_wf_correction *c, const loa_wf_actor *a,
			     int64_t *id, loa_err *err);

/* ---- feedback: recurring problems ---- */

/* Groups of near-duplicate cases of a type with at least min_size
 * members, largest first: group id, size, first and last time, a
 * representative title and excerpt, units, open count. */
int loa_wf_groups(loa_wf *w, const char *type, const char *org, int min_size, loa_ms since,
		  int limit, json_t **out, loa_err *err);

/* ---- press conferences ---- */

typedef struct loa_wf_conf {
	const char *org, *title, *location, *organizer_email, *organizer_name;
	loa_ms start, end;
} loa_wf_conf;

int loa_wf_conf_create(loa_wf *w, const loa_wf_conf *c, const loa_wf_actor *a, int64_t *id,
		       loa_err *err);
/* Schedules the regular monthly conference of org for each month of year
 * that has none: the first working day on or after the first Thursday of
 * the month, at hour:00 in Vietnam. *made receives how many. */
int loa_wf_conf_schedule_year(loa_wf *w, const char *org, int year, int hour,
			      const loa_wf_actor *a, int *made, loa_err *err);
int loa_wf_conf_get(loa_wf *w, int64_t id, json_t **out, loa_err *err);
int loa_wf_conf_list(loa_wf *w, const char *org, loa_ms since, json_t **out, loa_err *err);
/* The .ics of the conference (method REQUEST, or CANCEL when cancelled). */
int loa_wf_conf_ics(loa_wf *w, int64_t id, const char *organizer_email, loa_buf *out,
		    loa_err *err);
/* Queues an invitation with the .ics to every journalist contact (and
 * journalists' own contacts); *n receives the number of recipients. */
int loa_wf_conf_invite(loa_wf *w, int64_t id, const char *organizer_email,
		       const loa_wf_actor *a, int *n, loa_err *err);
/* Marks it held with its summary (published) or cancelled. */
int loa_wf_conf_close(loa_wf *w, int64_t id, bool held, const char *summary,
		      const loa_wf_actor *a, loa_err *err);
/* The Decree 09 cadence of org in year: per month, whether information was
 * given (a publication or a conference); per quarter, whether a press
 * conference was held: "done", "due" (period not over) or "missed". */
int loa_wf_cadence(loa_wf *w, const char *org, int year, json_t **out, loa_err *err);

/* ---- policies ---- */

#define LOA_WF_POLICY_TEXT_MAX ((size_t)2 << 20)

int loa_wf_policy_create(loa_wf *w, const char *org, const char *slug, const char *title,
			 const char *text, const char *query, const loa_wf_actor *a, int64_t *id,
			 loa_err *err);
/* The policy by id, or by slug when id is 0. */
int loa_wf_policy_id(loa_wf *w, const char *slug, int64_t *id, loa_err *err);
/* A new draft version (LOA_WF_ECONFLICT once issued); *n its number. */
int loa_wf_policy_version_add(loa_wf *w, int64_t id, const char *text, const char *note,
			      const loa_wf_actor *a, int *n, loa_err *err);
/* Stages: drafting, consultation (comments open), issued (final_text
 * required), implemented, evaluated; only forward. */
int loa_wf_policy_stage(loa_wf *w, int64_t id, const char *stage, const char *final_text,
			const loa_wf_actor *a, loa_err *err);
/* The policy page: versions (numbers, dates, notes), comments by state
 * and disposition, the latest text, final text, linked cases. */
int loa_wf_policy_get(loa_wf *w, int64_t id, bool with_text, json_t **out, loa_err *err);
int loa_wf_policy_list(loa_wf *w, json_t **out, loa_err *err);
/* The text of version n (0 = latest) appended to out. */
int loa_wf_policy_text(loa_wf *w, int64_t id, int n, loa_buf *out, int *nout, loa_err *err);
/* Word-level diff between versions a and b: ops, html, counts. */
int loa_wf_policy_diff(loa_wf *w, int64_t id, int a, int b, json_t **out, loa_err *err);

typedef struct loa_wf_comment {
	int64_t policy_id;
	int version;           /* 0 = latest */
	int64_t start, end;    /* byte offsets of the passage in that version (-1 = none) */
	const char *text;      /* required */
	const char *name, *email;
} loa_wf_comment;

/* A public comment, anchored to a passage (offsets on UTF-8 boundaries;
 * the quote is kept), labelled by the toxicity model when given
 * (data.toxicity {label, prob}; null without a model), pending
 * moderation (the moderator approves or hides it). LOA_WF_ECONFLICT
 * when comments are closed. */
int loa_wf_comment_submit(loa_wf *w, const loa_wf_comment *c, const struct loa_cls_model *tox,
			  const loa_wf_actor *a, int64_t *id, loa_err *err);

/* ---- communication plans ---- */

int loa_wf_plan_create(loa_wf *w, const char *org, const char *title, int year, int quarter,
		       const loa_wf_actor *a, int64_t *id, loa_err *err);
int loa_wf_plan_theme_add(loa_wf *w, int64_t plan, const char *theme, const char *message,
			  const char *channels, const char *query, int64_t *id, loa_err *err);
int loa_wf_plan_task_add(loa_wf *w, int64_t plan, int64_t theme, const char *title,
			 const char *owner, const char *due_date, int64_t *id, loa_err *err);
int loa_wf_plan_task_done(loa_wf *w, int64_t task, const char *link, const loa_wf_actor *a,
			  loa_err *err);
/* The plan with themes, tasks (done, due, overdue) and its period. */
int loa_wf_plan_get(loa_wf *w, int64_t id, json_t **out, loa_err *err);
int loa_wf_plan_list(loa_wf *w, const char *org, json_t **out, loa_err *err);
/* The period of a plan [from, to) in UTC ms. */
int loa_wf_plan_period(loa_wf *w, int64_t id, loa_ms *from, loa_ms *to, loa_err *err);
/* Coverage of a query in [from, to): hits and tone counts (search room;
 * tone from the analyze room when present). */
int loa_wf_coverage(struct loa_search *se, loa_store *s, const char *query, loa_ms from, loa_ms to,
		    json_t **out, loa_err *err);

/* ---- the rebuttal kit ---- */

typedef struct loa_wf_kit_in {
	int64_t claim_id;      /* a false claim (analyze room), or 0 */
	const char *text;      /* else the claim's text (a spike alert's terms) */
	const char *title;
	const char *org;       /* the organisation that rebuts */
} loa_wf_kit_in;

/* Assembles the kit into a new rebuttal case (data: claim, spread per
 * day, responsible unit, earlier official statements, legal articles,
 * draft) and returns its id. se may be NULL (no statements search). */
int loa_wf_kit_build(loa_wf *w, const loa_wf_kit_in *in, struct loa_search *se,
		     const loa_wf_actor *a, int64_t *id, loa_err *err);

/* The rebuttal case's reach beside its claim's spread, computed now:
 * {"claim": {claim_id, items, outlets, first_seen, last_seen, sources:
 * [{source, items, first_seen, org, org_name, outlet}]} or null when the
 * kit was built from a text; "rebuttal": {state ("not_published",
 * "queued" or "published"), items, outlets, sources, pickups and, once
 * published through the network room, official_id, published_at,
 * outlets_total, outlets_picked, coverage, first_seen, first_pickup_s,
 * faithful, changed}; "days": [{day (Vietnam), claim, rebuttal}]}. The
 * claim's items are the analyze room's matches (role claim); the
 * rebuttal's are the network room's reach (loa_reach) of the signed item.
 * LOA_EINVAL when the case is not a rebuttal. */
int loa_wf_kit_reach(loa_wf *w, int64_t case_id, json_t **out, loa_err *err);

/* ---- the job of `loa serve` ---- */

typedef struct loa_workflow_job loa_workflow_job;

/* State for loa_workflow_tick: opens its own store handle on db_path,
 * reads the calendar (calendar.days_off, calendar.work_days), workflow.*
 * and smtp.* keys of cfg (borrowed; must outlive the job). */
int loa_workflow_job_new(const loa_config *cfg, const char *db_path, loa_workflow_job **out,
			 loa_err *err);
void loa_workflow_job_free(loa_workflow_job *j);
/* The job function (http/jobs.h): one tick. */
int loa_workflow_tick(void *state, const atomic_int *stop);

/* Sets up the calendar and the engine's settings from configuration. */
int loa_wf_config(loa_wf *w, loa_calendar *cal, const loa_config *cfg, loa_err *err);

#endif
