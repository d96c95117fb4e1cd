/*
 * engine.h - the workflow room's one engine: cases of every kind the press
 * office handles (journalists' questions, correction requests, citizens'
 * feedback, comments on policy drafts, rebuttals), each with a type whose
 * state machine is declared as a table (states; allowed transitions with
 * the roles allowed); routing to a unit by rules (topic, keywords matched
 * without diacritics) or by hand; due dates in working days on the
 * business calendar (core/calendar.h) that pause while the case waits for
 * its requester and resume after; reminders before the due date and
 * escalation when overdue (loa_wf_tick); near-duplicate grouping; every
 * state change in the case's history and in the audit log; edits after
 * closure refused. Method: docs/rooms/workflow.md.
 *
 * Tables: the "workflow" room (store/sql.h), created by loa_wf_open().
 *
 * Errors (core/err.h) and what the API makes of them: LOA_ENOTFOUND (404),
 * LOA_EPERM (403: the actor's role or organisation may not), LOA_EINVAL
 * (400), LOA_WF_ECONFLICT (409: the case is closed, or its state does not
 * allow the action).
 *
 * Ownership: a loa_wf borrows its store handle and calendar (both must
 * outlive it; one thread at a time, like the handle). Case records are
 * returned as new jansson objects the caller json_decref()s. Strings in
 * the structs passed in are borrowed for the call.
 */
#ifndef LOA_WORKFLOW_ENGINE_H
#define LOA_WORKFLOW_ENGINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/calendar.h"
#include "core/config.h"
#include "core/err.h"
#include "core/ltime.h"
#include "store/store.h"

typedef struct json_t json_t;

/* The case's state does not allow it (closed, or a wrong state): 409. */
#define LOA_WF_ECONFLICT LOA_EEXIST

/* Pseudo-roles in a transition's role set, beside LOA_ROLE_BIT(r). */
#define LOA_WF_REQUESTER (1u << 20) /* the case's own requester (any role) */
#define LOA_WF_SYSTEM (1u << 21)    /* loa itself (the tick, monitoring) */

/* Transition flags. */
enum {
	LOA_WF_F_PAUSE = 1 << 0,   /* the clock stops (waiting for the requester) */
	LOA_WF_F_RESUME = 1 << 1,  /* the clock runs again, the days left kept */
	LOA_WF_F_START = 1 << 2,   /* the clock starts now (due_days from today) */
	LOA_WF_F_ROUTE = 1 << 3,   /* sets the unit (given, else the suggestion) */
	LOA_WF_F_ANSWER = 1 << 4,  /* sets the answer text (required) */
	LOA_WF_F_PUBLISH = 1 << 5, /* marks the case for publication */
	LOA_WF_F_NOTE = 1 << 6,    /* needs a note (a reason) */
	LOA_WF_F_LABEL = 1 << 7,   /* needs a label (a disposition, a form) */
};

typedef struct loa_wf_state {
	const char *name; /* "routed" */
	const char *vi;   /* "đã chuyển xử lý" */
	bool closed;      /* no edits; the clock stops */
} loa_wf_state;

typedef struct loa_wf_transition {
	const char *action; /* "route" */
	const char *from;   /* a state, or "*" for every open state */
	const char *to;
	unsigned roles;     /* LOA_ROLE_BIT(..) | LOA_WF_REQUESTER | LOA_WF_SYSTEM */
	unsigned flags;     /* LOA_WF_F_* */
	const char *vi;     /* "chuyển xử lý" */
} loa_wf_transition;

typedef struct loa_wf_type {
	const char *name; /* question correction feedback comment rebuttal */
	const char *vi;
	const loa_wf_state *states; /* states[0] is the initial state */
	size_t nstates;
	const loa_wf_transition *tr;
	size_t ntr;
	const char *const *labels; /* allowed labels (NULL-terminated) or NULL */
	int due_days;    /* default working days to answer; 0 = no clock */
	bool clock_at_create; /* the clock starts when the case is created */
	bool group;      /* near-duplicates are grouped */
} loa_wf_type;

const loa_wf_type *loa_wf_types(size_t *n);
const loa_wf_type *loa_wf_type_get(const char *name);
const loa_wf_state *loa_wf_state_get(const loa_wf_type *t, const char *state);
/* The transition for action in state (NULL when none). */
const loa_wf_transition *loa_wf_transition_find(const loa_wf_type *t, const char *state,
						const char *action);
/* The whole table as JSON (for the API and `loa workflow types`). */
json_t *loa_wf_types_json(void);

/* ---- who acts ---- */

typedef struct loa_wf_actor {
	const char *login; /* "cli", "system" or a user's login */
	int role;          /* LOA_ROLE_*, or -1 for the system */
	const char *org;   /* the actor's organisation slug or NULL */
} loa_wf_actor;

/* ---- the engine ---- */

#define LOA_WF_TEXT_MAX (64u << 10)  /* bytes of a body, an answer */
#define LOA_WF_TITLE_MAX 1024u
#define LOA_WF_NOTE_MAX 4096u
#define LOA_WF_GROUP_MIN 0.5          /* similarity that groups two cases */
#define LOA_WF_GROUP_WINDOW_MS ((loa_ms)60 * 24 * 3600 * 1000)
#define LOA_WF_GROUP_SCAN 5000        /* recent cases compared at most */

typedef struct loa_wf {
	loa_store *s;
	const loa_calendar *cal;
	loa_ms now;        /* LOA_TIME_NONE = the wall clock (tests set it) */
	int remind_days;   /* working days before the due date (default 1) */
	int days[8];       /* per-type due days overriding the table (0 = table) */
	int tx;            /* transaction depth (internal) */
	const loa_config *cfg; /* for publishing through the network room (NULL = queue only) */
} loa_wf;

/* Sets up w on s (applies the room's migrations). */
int loa_wf_open(loa_wf *w, loa_store *s, const loa_calendar *cal, loa_err *err);
/* Applies the room's migrations to s (cheap when nothing is due). */
int loa_wf_migrate(loa_store *s, loa_err *err);
loa_ms loa_wf_now(const loa_wf *w);
/* Due days of a type in w (its override, else the table's). */
int loa_wf_due_days(const loa_wf *w, const loa_wf_type *t);

/* Due date arithmetic: the end (23:59:59.999, Asia/Ho_Chi_Minh) of the
 * n-th working day after the day of `from` in Vietnam. */
int64_t loa_wf_due_day(const loa_calendar *cal, loa_ms from, int n);
loa_ms loa_wf_day_end(int64_t day);

typedef struct loa_wf_new {
	const char *type;     /* required */
	const char *org;      /* the organisation that handles it (slug) or NULL */
	const char *unit;     /* assigned unit now (slug) or NULL */
	const char *title;
	const char *body;     /* required */
	const char *topic;
	const char *label;
	const char *email;    /* requester's e-mail (replies), or NULL */
	const char *name;     /* requester's display name, or NULL */
	int64_t parent_id;    /* policy, conference, claim… (0 = none) */
	int64_t item_id;      /* a monitored item (0 = none) */
	int64_t policy_id;    /* the policy it is about (0 = none) */
	const char *data;     /* JSON object text of type-specific fields, or NULL */
	int due_days;         /* 0 = the type's; < 0 = no clock */
	loa_ms due_at;        /* an explicit deadline (LOA_TIME_NONE or 0 = none) */
	const char *state;    /* initial state other than the first (NULL) */
} loa_wf_new;

/* Creates a case (audited "workflow.<type>.create"). Suggests a unit from
 * the routing rules, groups near-duplicates (types with group). */
int loa_wf_case_create(loa_wf *w, const loa_wf_new *n, const loa_wf_actor *a, int64_t *id,
		       loa_err *err);

typedef struct loa_wf_act {
	const char *action; /* required */
	const char *text;   /* the answer (LOA_WF_F_ANSWER) */
	const char *note;   /* a note or reason */
	const char *unit;   /* LOA_WF_F_ROUTE: the unit (NULL = the suggestion) */
	const char *label;  /* LOA_WF_F_LABEL */
} loa_wf_act;

/* Applies one transition. *to (may be NULL, LOA_SLUG_MAX+1 bytes)
 * receives the new state. */
int loa_wf_case_act(loa_wf *w, int64_t id, const loa_wf_act *act, const loa_wf_actor *a,
		    char *to, loa_err *err);

/* Edits an open case's title, body, topic or data (NULL = keep).
 * LOA_WF_ECONFLICT when closed. Audited. */
int loa_wf_case_edit(loa_wf *w, int64_t id, const char *title, const char *body,
		     const char *topic, const char *data, const loa_wf_actor *a, loa_err *err);

/* May the actor see the case (staff of its org or unit, admins, the
 * requester)? Fills nothing. LOA_OK, LOA_EPERM or LOA_ENOTFOUND. */
int loa_wf_case_can_see(loa_wf *w, int64_t id, const loa_wf_actor *a, loa_err *err);

/* The case as JSON (fields, due date and days left, history when
 * with_events); NULL *out with LOA_ENOTFOUND. */
int loa_wf_case_get(loa_wf *w, int64_t id, bool with_events, json_t **out, loa_err *err);

typedef struct loa_wf_filter {
	const char *type, *state, *org, *unit, *requester, *label;
	int64_t parent_id;  /* 0 = any */
	int64_t policy_id;  /* 0 = any */
	int64_t group_id;   /* 0 = any */
	bool open_only, overdue_only, public_only;
	int64_t after_id;   /* > 0: id < after_id (newest first paging) */
	int limit;          /* 0 = 100; at most 1000 */
} loa_wf_filter;

/* Cases newest first as a JSON array (short records). */
int loa_wf_cases_list(loa_wf *w, const loa_wf_filter *f, json_t **out, loa_err *err);

/* ---- routing rules ---- */

typedef struct loa_wf_rule {
	const char *org;      /* rules of that organisation's office (NULL = all) */
	const char *unit;     /* required: the unit (organisation slug) */
	const char *topic;    /* a topic that routes here, or NULL */
	const char *keywords; /* comma-separated words or phrases, or NULL */
	const char *email;    /* the unit's mailbox for reminders, or NULL */
	int priority;         /* ties: higher first */
} loa_wf_rule;

int loa_wf_rule_add(loa_wf *w, const loa_wf_rule *r, const loa_wf_actor *a, int64_t *id,
		    loa_err *err);
int loa_wf_rule_remove(loa_wf *w, int64_t id, const loa_wf_actor *a, loa_err *err);
int loa_wf_rules_list(loa_wf *w, json_t **out, loa_err *err);
/* The unit the rules suggest for a text: unit (LOA_SLUG_MAX+1 bytes, ""
 * when none) and its score (topic match 3, each keyword 1). */
int loa_wf_route_suggest(loa_wf *w, const char *org, const char *topic, const char *text,
			 char *unit, int *score, loa_err *err);

/* ---- notices (in-app) and mail ---- */

/* A notice to a login, or to every user of org when login is NULL. */
int loa_wf_notify(loa_wf *w, const char *login, const char *org, int64_t case_id,
		  const char *kind, const char *text, loa_err *err);
/* The actor's notices (its own and its organisation's), newest first. */
int loa_wf_notices(loa_wf *w, const loa_wf_actor *a, bool unread_only, int limit, json_t **out,
		   loa_err *err);
int loa_wf_notice_read(loa_wf *w, int64_t id, const loa_wf_actor *a, loa_err *err);
/* Queues an e-mail (with an optional attachment: its name, MIME type and
 * bytes) for the tick to send. */
int loa_wf_mail_queue(loa_wf *w, const char *to, const char *subject, const char *body,
		      const char *att_name, const char *att_type, const char *att, size_t att_n,
		      loa_err *err);
/* The e-mail addresses of org's contacts (kind NULL = any), comma-joined
 * into out. */
int loa_wf_contacts_of(loa_wf *w, const char *org, const char *kind, loa_buf *out, loa_err *err);
int loa_wf_contact_add(loa_wf *w, const char *login, const char *org, const char *kind,
		       const char *email, loa_err *err);

/* ---- the periodic job ---- */

typedef struct loa_wf_tick_cfg {
	const char *smtp_url;  /* NULL/"" = mail stays queued */
	const char *smtp_from;
	long timeout_s;
	int max_mail;          /* mails sent per run (0 = 50) */
} loa_wf_tick_cfg;

typedef struct loa_wf_tick_stats {
	int64_t reminded, escalated, mailed, mail_failed, linked;
} loa_wf_tick_stats;

/* One pass: reminders (remind_days working days before the due date),
 * escalation of overdue cases, correction links from monitoring, mail
 * delivery. Stops early when *stop becomes non-zero (stop may be NULL). */
int loa_wf_tick(loa_wf *w, const loa_wf_tick_cfg *cfg, const atomic_int *stop, loa_wf_tick_stats *st,
		loa_err *err);

/* Response times per unit: cases, answered, open, overdue, mean and
 * median working days to answer. type NULL = all; org NULL = all. */
int loa_wf_stats(loa_wf *w, const char *type, const char *org, loa_ms since, json_t **out,
		 loa_err *err);

/* Per-organisation settings: whether its response times are public. */
int loa_wf_setting_public(loa_wf *w, const char *org, int set, bool *is_public, loa_err *err);

/* Appends a history event and an audit record (used by the feature
 * modules for actions that are not transitions). */
int loa_wf_event(loa_wf *w, int64_t case_id, const loa_wf_actor *a, const char *action,
		 const char *from, const char *to, const char *note, loa_err *err);

/* Normalised, folded text for matching (LOA_NORM_MATCH | LOA_NORM_FOLD). */
int loa_wf_fold(const char *s, loa_buf *out);

#endif
