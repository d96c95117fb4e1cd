/*
 * engine.c - the workflow engine: type tables, cases, transitions, due
 * dates on the business calendar, routing rules, grouping, notices, the
 * tick (reminders, escalation, mail), response-time statistics.
 */
#include "workflow/engine.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/str.h"
#include "store/sql.h"
#include "text/text.h"
#include "workflow/diff.h"
#include "workflow/wf_int.h"
#include "workflow/workflow.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* ---- the type tables ---------------------------------------------------- */

#define R(x) LOA_ROLE_BIT(LOA_ROLE_##x)
#define OFFICE (R(SPOKESPERSON) | R(ADMIN))
#define UNIT (R(SPOKESPERSON) | R(EDITOR) | R(ANALYST) | R(ADMIN))
#define MOD (R(SPOKESPERSON) | R(EDITOR) | R(ADMIN))
#define REQ LOA_WF_REQUESTER
#define SYS LOA_WF_SYSTEM

static const loa_wf_state q_states[] = {
	{"received", "đã tiếp nhận", false},
	{"routed", "đã chuyển xử lý", false},
	{"waiting", "chờ người hỏi bổ sung", false},
	{"drafted", "chờ phê duyệt trả lời", false},
	{"answered", "đã trả lời", true},
	{"published", "đã trả lời và công bố", true},
	{"rejected", "từ chối", true},
	{"withdrawn", "đã rút", true},
};

static const loa_wf_transition q_tr[] = {
	{"route", "received", "routed", OFFICE, LOA_WF_F_ROUTE, "chuyển xử lý"},
	{"route", "routed", "routed", OFFICE, LOA_WF_F_ROUTE, "chuyển lại đơn vị khác"},
	{"ask_info", "routed", "waiting", UNIT, LOA_WF_F_PAUSE | LOA_WF_F_NOTE, "đề nghị bổ sung thông tin"},
	{"ask_info", "received", "waiting", OFFICE, LOA_WF_F_PAUSE | LOA_WF_F_NOTE, "đề nghị bổ sung thông tin"},
	{"reply", "waiting", "routed", REQ, LOA_WF_F_RESUME | LOA_WF_F_NOTE, "bổ sung thông tin"},
	{"draft", "routed", "drafted", UNIT, LOA_WF_F_ANSWER, "dự thảo trả lời"},
	{"return", "drafted", "routed", OFFICE, LOA_WF_F_NOTE, "trả lại dự thảo"},
	{"approve", "drafted", "answered", OFFICE, 0, "phê duyệt và gửi trả lời"},
	{"answer", "routed", "answered", OFFICE, LOA_WF_F_ANSWER, "trả lời"},
	{"answer", "received", "answered", OFFICE, LOA_WF_F_ANSWER, "trả lời"},
	{"publish", "answered", "published", OFFICE, LOA_WF_F_PUBLISH, "công bố cho mọi nhà báo"},
	{"reject", "received", "rejected", OFFICE, LOA_WF_F_NOTE, "từ chối"},
	{"reject", "routed", "rejected", OFFICE, LOA_WF_F_NOTE, "từ chối"},
	{"withdraw", "*", "withdrawn", REQ, 0, "rút câu hỏi"},
};

static const char *const corr_labels[] = {"reply", "correction", "apology", NULL};

static const loa_wf_state c_states[] = {
	{"draft", "bản nháp", false},
	{"sent", "đã gửi cơ quan báo chí", false},
	{"acknowledged", "cơ quan báo chí đã tiếp nhận", false},
	{"corrected", "đã đăng phản hồi, cải chính", true},
	{"refused", "cơ quan báo chí từ chối", true},
	{"cancelled", "đã hủy", true},
};

static const loa_wf_transition c_tr[] = {
	{"send", "draft", "sent", OFFICE, LOA_WF_F_START, "gửi đề nghị"},
	{"acknowledge", "sent", "acknowledged", OFFICE | R(JOURNALIST), 0, "xác nhận đã tiếp nhận"},
	{"corrected", "sent", "corrected", OFFICE | R(JOURNALIST) | SYS, 0, "đã cải chính"},
	{"corrected", "acknowledged", "corrected", OFFICE | R(JOURNALIST) | SYS, 0, "đã cải chính"},
	{"refuse", "sent", "refused", OFFICE | R(JOURNALIST), LOA_WF_F_NOTE, "từ chối cải chính"},
	{"refuse", "acknowledged", "refused", OFFICE | R(JOURNALIST), LOA_WF_F_NOTE, "từ chối cải chính"},
	{"cancel", "*", "cancelled", OFFICE, LOA_WF_F_NOTE, "hủy đề nghị"},
};

static const loa_wf_state f_states[] = {
	{"received", "đã tiếp nhận", false},
	{"routed", "đã chuyển xử lý", false},
	{"waiting", "chờ người dân bổ sung", false},
	{"drafted", "chờ phê duyệt trả lời", false},
	{"answered", "đã trả lời", true},
	{"published", "đã trả lời và công khai", true},
	{"rejected", "không xử lý", true},
};

static const loa_wf_transition f_tr[] = {
	{"route", "received", "routed", OFFICE, LOA_WF_F_ROUTE, "chuyển xử lý"},
	{"route", "routed", "routed", OFFICE, LOA_WF_F_ROUTE, "chuyển lại đơn vị khác"},
	{"ask_info", "routed", "waiting", UNIT, LOA_WF_F_PAUSE | LOA_WF_F_NOTE, "đề nghị bổ sung thông tin"},
	{"reply", "waiting", "routed", REQ | OFFICE, LOA_WF_F_RESUME | LOA_WF_F_NOTE, "bổ sung thông tin"},
	{"draft", "routed", "drafted", UNIT, LOA_WF_F_ANSWER, "dự thảo trả lời"},
	{"return", "drafted", "routed", OFFICE, LOA_WF_F_NOTE, "trả lại dự thảo"},
	{"approve", "drafted", "answered", OFFICE, 0, "phê duyệt và gửi trả lời"},
	{"answer", "routed", "answered", OFFICE, LOA_WF_F_ANSWER, "trả lời"},
	{"publish", "answered", "published", OFFICE, LOA_WF_F_PUBLISH, "công khai trả lời"},
	{"reject", "received", "rejected", OFFICE, LOA_WF_F_NOTE, "không xử lý"},
	{"reject", "routed", "rejected", OFFICE, LOA_WF_F_NOTE, "không xử lý"},
};

static const char *const disp_labels[] = {"accepted", "explained", "not_accepted", NULL};

static const loa_wf_state m_states[] = {
	{"pending", "chờ kiểm duyệt", false},
	{"visible", "đã duyệt, chờ tiếp thu, giải trình", false},
	{"hidden", "đã ẩn", true},
	{"answered", "đã tiếp thu, giải trình", true},
};

static const loa_wf_transition m_tr[] = {
	{"approve", "pending", "visible", MOD, 0, "duyệt góp ý"},
	{"hide", "pending", "hidden", MOD, LOA_WF_F_NOTE, "ẩn góp ý"},
	{"hide", "visible", "hidden", MOD, LOA_WF_F_NOTE, "ẩn góp ý"},
	{"dispose", "visible", "answered", MOD, LOA_WF_F_ANSWER | LOA_WF_F_LABEL, "tiếp thu, giải trình"},
};

static const loa_wf_state r_states[] = {
	{"draft", "bản nháp", false},
	{"approved", "đã phê duyệt", false},
	{"published", "đã công bố", true},
	{"dropped", "đã bỏ", true},
};

static const loa_wf_transition r_tr[] = {
	{"approve", "draft", "approved", OFFICE, 0, "phê duyệt"},
	{"return", "approved", "draft", OFFICE, LOA_WF_F_NOTE, "trả lại để sửa"},
	{"publish", "approved", "published", OFFICE, LOA_WF_F_PUBLISH, "công bố, ký số"},
	{"drop", "*", "dropped", OFFICE, LOA_WF_F_NOTE, "bỏ"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const loa_wf_type types[] = {
	{"question", "câu hỏi của báo chí", q_states, N(q_states), q_tr, N(q_tr), NULL, 5, true, true},
	{"correction", "đề nghị phản hồi, cải chính, xin lỗi", c_states, N(c_states), c_tr, N(c_tr),
	 corr_labels, 5, false, false},
	{"feedback", "phản ánh, kiến nghị", f_states, N(f_states), f_tr, N(f_tr), NULL, 10, true, true},
	{"comment", "góp ý dự thảo", m_states, N(m_states), m_tr, N(m_tr), disp_labels, 0, false, false},
	{"rebuttal", "thông tin phản bác", r_states, N(r_states), r_tr, N(r_tr), NULL, 1, true, false},
};

const loa_wf_type *loa_wf_types(size_t *n)
{
	*n = N(types);
	return types;
}

static int type_index(const loa_wf_type *t) { return (int)(t - types); }

const loa_wf_type *loa_wf_type_get(const char *name)
{
	for (size_t i = 0; name && i < N(types); i++)
		if (strcmp(types[i].name, name) == 0)
			return &types[i];
	return NULL;
}

const loa_wf_state *loa_wf_state_get(const loa_wf_type *t, const char *state)
{
	for (size_t i = 0; state && i < t->nstates; i++)
		if (strcmp(t->states[i].name, state) == 0)
			return &t->states[i];
	return NULL;
}

const loa_wf_transition *loa_wf_transition_find(const loa_wf_type *t, const char *state,
						const char *action)
{
	const loa_wf_state *st = loa_wf_state_get(t, state);
	if (!st || !action)
		return NULL;
	for (size_t i = 0; i < t->ntr; i++) {
		const loa_wf_transition *x = &t->tr[i];
		if (strcmp(x->action, action) != 0)
			continue;
		if (strcmp(x->from, state) == 0 || (strcmp(x->from, "*") == 0 && !st->closed))
			return x;
	}
	return NULL;
}

static json_t *roles_json(unsigned roles)
{
	json_t *a = json_array();
	for (int r = 0; r < LOA_ROLE__N; r++)
		if (roles & LOA_ROLE_BIT(r))
			json_array_append_new(a, json_string(loa_role_name(r)));
	if (roles & LOA_WF_REQUESTER)
		json_array_append_new(a, json_string("requester"));
	if (roles & LOA_WF_SYSTEM)
		json_array_append_new(a, json_string("system"));
	return a;
}

json_t *loa_wf_types_json(void)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < N(types); i++) {
		const loa_wf_type *t = &types[i];
		json_t *st = json_array(), *tr = json_array(), *lb = json_array();
		for (size_t k = 0; k < t->nstates; k++)
			json_array_append_new(st, json_pack("{s:s,s:s,s:b}", "name", t->states[k].name, "vi",
							    t->states[k].vi, "closed", t->states[k].closed));
		for (size_t k = 0; k < t->ntr; k++) {
			const loa_wf_transition *x = &t->tr[k];
			json_array_append_new(tr, json_pack("{s:s,s:s,s:s,s:o,s:s,s:b,s:b,s:b,s:b}", "action",
							    x->action, "from", x->from, "to", x->to, "roles",
							    roles_json(x->roles), "vi", x->vi, "needs_answer",
							    (x->flags & LOA_WF_F_ANSWER) != 0, "needs_note",
							    (x->flags & LOA_WF_F_NOTE) != 0, "needs_label",
							    (x->flags & LOA_WF_F_LABEL) != 0, "pauses",
							    (x->flags & LOA_WF_F_PAUSE) != 0));
		}
		for (const char *const *l = t->labels; l && *l; l++)
			json_array_append_new(lb, json_string(*l));
		json_array_append_new(arr, json_pack("{s:s,s:s,s:o,s:o,s:o,s:i}", "name", t->name, "vi", t->vi,
						     "states", st, "transitions", tr, "labels", lb,
						     "due_days", t->due_days));
	}
	return arr;
}

/* ---- schema ------------------------------------------------------------- */

static const char *const migrations[] = {
	/* 1: cases, history, rules, notices, mail, contacts, attachments,
	 * publications, settings; conferences, policies, plans, links */
	"CREATE TABLE wf_case ("
	" id INTEGER PRIMARY KEY, type TEXT NOT NULL, state TEXT NOT NULL,"
	" org TEXT, unit TEXT, suggested_unit TEXT,"
	" requester TEXT, requester_org TEXT, email TEXT, name TEXT,"
	" title TEXT, body TEXT NOT NULL, topic TEXT, label TEXT,"
	" answer TEXT, answer_by TEXT, data TEXT, norm TEXT,"
	" group_id INTEGER, parent_id INTEGER, item_id INTEGER,"
	" created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, closed_at INTEGER,"
	" routed_at INTEGER, answered_at INTEGER,"
	" due_days INTEGER, due_day INTEGER, due_at INTEGER, paused_at INTEGER, pause_left INTEGER,"
	" paused_ms INTEGER NOT NULL DEFAULT 0,"
	" reminded_at INTEGER, escalated_at INTEGER, publish TEXT, publish_ref TEXT,"
	" policy_id INTEGER, scan_rowid INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX wf_case_policy ON wf_case(policy_id);"
	"CREATE INDEX wf_case_type ON wf_case(type, state);"
	"CREATE INDEX wf_case_due ON wf_case(due_at);"
	"CREATE INDEX wf_case_parent ON wf_case(parent_id);"
	"CREATE INDEX wf_case_group ON wf_case(group_id);"
	"CREATE INDEX wf_case_unit ON wf_case(unit);"
	"CREATE TABLE wf_event (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL, at INTEGER NOT NULL,"
	" actor TEXT, action TEXT NOT NULL, from_state TEXT, to_state TEXT, note TEXT);"
	"CREATE INDEX wf_event_case ON wf_event(case_id);"
	"CREATE TABLE wf_rule (id INTEGER PRIMARY KEY, org TEXT, unit TEXT NOT NULL, topic TEXT,"
	" keywords TEXT, email TEXT, priority INTEGER NOT NULL DEFAULT 0, created_at INTEGER);"
	"CREATE TABLE wf_notice (id INTEGER PRIMARY KEY, login TEXT, org TEXT, case_id INTEGER,"
	" kind TEXT, text TEXT, created_at INTEGER NOT NULL, read_at INTEGER);"
	"CREATE INDEX wf_notice_login ON wf_notice(login);"
	"CREATE INDEX wf_notice_org ON wf_notice(org);"
	"CREATE TABLE wf_mail (id INTEGER PRIMARY KEY, rcpt TEXT NOT NULL, subject TEXT, body TEXT,"
	" att_name TEXT, att_type TEXT, att BLOB, created_at INTEGER NOT NULL, sent_at INTEGER,"
	" tries INTEGER NOT NULL DEFAULT 0, next_at INTEGER, error TEXT);"
	"CREATE TABLE wf_contact (id INTEGER PRIMARY KEY, login TEXT, org TEXT, kind TEXT,"
	" email TEXT NOT NULL);"
	"CREATE TABLE wf_attachment (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL, name TEXT,"
	" type TEXT, size INTEGER, sha256 TEXT, data BLOB, created_at INTEGER, by TEXT);"
	"CREATE INDEX wf_attachment_case ON wf_attachment(case_id);"
	"CREATE TABLE wf_publication (id INTEGER PRIMARY KEY, case_id INTEGER, org TEXT, kind TEXT,"
	" title TEXT, body TEXT, state TEXT NOT NULL, ref TEXT, created_at INTEGER NOT NULL,"
	" published_at INTEGER, by TEXT, tries INTEGER NOT NULL DEFAULT 0, error TEXT);"
	"CREATE TABLE wf_setting (org TEXT PRIMARY KEY, public_stats INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE wf_link (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL, kind TEXT NOT NULL,"
	" item_id INTEGER, ref TEXT, score REAL, created_at INTEGER NOT NULL);"
	"CREATE INDEX wf_link_case ON wf_link(case_id);"
	"CREATE TABLE wf_conference (id INTEGER PRIMARY KEY, org TEXT NOT NULL, title TEXT NOT NULL,"
	" starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, location TEXT, state TEXT NOT NULL,"
	" summary TEXT, uid TEXT NOT NULL, seq INTEGER NOT NULL DEFAULT 0, invited_at INTEGER,"
	" created_at INTEGER NOT NULL, by TEXT);"
	"CREATE TABLE wf_policy (id INTEGER PRIMARY KEY, org TEXT, slug TEXT UNIQUE NOT NULL,"
	" title TEXT NOT NULL, stage TEXT NOT NULL, comments_open INTEGER NOT NULL DEFAULT 0,"
	" final_text TEXT, query TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE TABLE wf_policy_version (id INTEGER PRIMARY KEY, policy_id INTEGER NOT NULL,"
	" n INTEGER NOT NULL, text TEXT NOT NULL, note TEXT, created_at INTEGER NOT NULL, by TEXT);"
	"CREATE UNIQUE INDEX wf_policy_version_n ON wf_policy_version(policy_id, n);"
	"CREATE TABLE wf_plan (id INTEGER PRIMARY KEY, org TEXT, title TEXT NOT NULL, year INTEGER NOT NULL,"
	" quarter INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, by TEXT);"
	"CREATE TABLE wf_plan_theme (id INTEGER PRIMARY KEY, plan_id INTEGER NOT NULL, theme TEXT NOT NULL,"
	" message TEXT, channels TEXT, query TEXT);"
	"CREATE TABLE wf_plan_task (id INTEGER PRIMARY KEY, plan_id INTEGER NOT NULL, theme_id INTEGER,"
	" title TEXT NOT NULL, owner TEXT, due_day INTEGER, done_at INTEGER, link TEXT);",
};

int loa_wf_migrate(loa_store *s, loa_err *err)
{
	return loa_sql_room_migrate(s, "workflow", migrations, (int)N(migrations), err);
}

int loa_wf_open(loa_wf *w, loa_store *s, const loa_calendar *cal, loa_err *err)
{
	memset(w, 0, sizeof *w);
	w->s = s;
	w->cal = cal;
	w->now = LOA_TIME_NONE;
	w->remind_days = 1;
	return loa_wf_migrate(s, err);
}

loa_ms loa_wf_now(const loa_wf *w) { return w->now == LOA_TIME_NONE ? loa_now_ms() : w->now; }

int loa_wf_due_days(const loa_wf *w, const loa_wf_type *t)
{
	int i = type_index(t);
	return i >= 0 && i < 8 && w->days[i] > 0 ? w->days[i] : t->due_days;
}

/* ---- small helpers ------------------------------------------------------ */

int wf_begin(loa_wf *w, loa_err *err)
{
	if (w->tx++ > 0)
		return LOA_OK;
	int rc = loa_store_begin(w->s, err);
	if (rc)
		w->tx = 0;
	return rc;
}

int wf_end(loa_wf *w, int rc, loa_err *err)
{
	if (w->tx <= 0)
		return rc;
	if (--w->tx > 0)
		return rc;
	if (rc == LOA_OK)
		return loa_store_commit(w->s, err);
	loa_store_rollback(w->s);
	return rc;
}

int64_t loa_wf_due_day(const loa_calendar *cal, loa_ms from, int n)
{
	if (n > LOA_CAL_SPAN_MAX)
		n = LOA_CAL_SPAN_MAX;
	return loa_calendar_add_working_days(cal, loa_vn_day(from), n < 0 ? 0 : n);
}

loa_ms loa_wf_day_end(int64_t day)
{
	return ((day + 1) * 86400 - LOA_VN_OFFSET_MIN * 60) * 1000 - 1;
}

int loa_wf_fold(const char *s, loa_buf *out)
{
	if (!s)
		return LOA_OK;
	return loa_text_normalize(s, strlen(s), LOA_NORM_MATCH | LOA_NORM_FOLD, out);
}

const char *wf_str(const char *s) { return s && *s ? s : NULL; }

void wf_bind_opt(loa_stmt *st, int i, const char *v)
{
	if (v && *v)
		loa_sql_bind_text(st, i, v);
	else
		loa_sql_bind_null(st, i);
}

int loa_wf_event(loa_wf *w, int64_t case_id, const loa_wf_actor *a, const char *action,
		 const char *from, const char *to, const char *note, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s,
				"INSERT INTO wf_event(case_id, at, actor, action, from_state, to_state, note)"
				" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st, err);
	if (rc)
		return rc;
	loa_ms now = loa_wf_now(w);
	loa_sql_bind_i64(st, 1, case_id);
	loa_sql_bind_i64(st, 2, now);
	wf_bind_opt(st, 3, a ? (a->login ? a->login : "anonymous") : "system");
	loa_sql_bind_text(st, 4, action);
	wf_bind_opt(st, 5, from);
	wf_bind_opt(st, 6, to);
	wf_bind_opt(st, 7, note);
	rc = loa_sql_run(st, err);
	if (rc)
		return rc;
	/* the audit log: workflow.<type>.<action> on case:<id> */
	char type[LOA_KIND_MAX + 1] = "case";
	loa_stmt *q;
	if (loa_sql_cached(w->s, "SELECT type FROM wf_case WHERE id = ?1", &q, err) == LOA_OK) {
		loa_sql_bind_i64(q, 1, case_id);
		if (loa_sql_step(q, err) == LOA_SQL_ROW && loa_sql_col_text(q, 0))
			loa_strlcpy(type, loa_sql_col_text(q, 0), sizeof type);
		loa_sql_reset(q);
	}
	char act[128], target[64];
	snprintf(act, sizeof act, "workflow.%s.%s", type, action);
	snprintf(target, sizeof target, "case:%" PRId64, case_id);
	json_t *d = json_pack("{s:s?,s:s?}", "from", from, "to", to);
	if (note && *note)
		json_object_set_new(d, "note", json_string(note));
	char *detail = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	loa_audit au = {0, now, a ? (a->login ? a->login : "anonymous") : "system", act, target, detail};
	rc = loa_store_audit_append(w->s, &au, err);
	free(detail);
	return rc;
}

/* ---- routing ------------------------------------------------------------ */

int loa_wf_rule_add(loa_wf *w, const loa_wf_rule *r, const loa_wf_actor *a, int64_t *id,
		    loa_err *err)
{
	if (!r->unit || !*r->unit)
		return loa_err_set(err, LOA_EINVAL, "cần đơn vị / unit required");
	if (!wf_str(r->topic) && !wf_str(r->keywords))
		return loa_err_set(err, LOA_EINVAL, "cần chủ đề hoặc từ khóa / topic or keywords required");
	if ((r->keywords && strlen(r->keywords) > LOA_WF_NOTE_MAX) || strlen(r->unit) > LOA_SLUG_MAX)
		return loa_err_set(err, LOA_EINVAL, "quy tắc quá dài / rule too long");
	loa_org_rec o;
	if (loa_store_org_get(w->s, r->unit, &o, NULL) != LOA_OK)
		return loa_err_set(err, LOA_EINVAL, "không có đơn vị / no such organisation: %s", r->unit);
	loa_stmt *st;
	int rc = loa_sql_cached(w->s,
				"INSERT INTO wf_rule(org, unit, topic, keywords, email, priority, created_at)"
				" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st, err);
	if (rc)
		return rc;
	wf_bind_opt(st, 1, r->org);
	loa_sql_bind_text(st, 2, r->unit);
	wf_bind_opt(st, 3, r->topic);
	wf_bind_opt(st, 4, r->keywords);
	wf_bind_opt(st, 5, r->email);
	loa_sql_bind_i64(st, 6, r->priority);
	loa_sql_bind_i64(st, 7, loa_wf_now(w));
	if ((rc = loa_sql_run(st, err)))
		return rc;
	int64_t rid = loa_sql_last_id(w->s);
	if (id)
		*id = rid;
	char target[64];
	snprintf(target, sizeof target, "rule:%" PRId64, rid);
	loa_audit au = {0, LOA_TIME_NONE, a && a->login ? a->login : "cli", "workflow.rule.add", target, NULL};
	return loa_store_audit_append(w->s, &au, err);
}

int loa_wf_rule_remove(loa_wf *w, int64_t id, const loa_wf_actor *a, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "DELETE FROM wf_rule WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	if ((rc = loa_sql_run(st, err)))
		return rc;
	if (loa_sql_changes(w->s) == 0)
		return loa_err_set(err, LOA_ENOTFOUND, "không có quy tắc / no such rule: %" PRId64, id);
	char target[64];
	snprintf(target, sizeof target, "rule:%" PRId64, id);
	loa_audit au = {0, LOA_TIME_NONE, a && a->login ? a->login : "cli", "workflow.rule.remove", target, NULL};
	return loa_store_audit_append(w->s, &au, err);
}

int loa_wf_rules_list(loa_wf *w, json_t **out, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT id, org, unit, topic, keywords, email, priority FROM wf_rule"
				" ORDER BY priority DESC, id", &st, err);
	if (rc)
		return rc;
	json_t *arr = json_array();
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW)
		json_array_append_new(arr, wf_drop_nulls(json_pack(
			"{s:I,s:s?,s:s?,s:s?,s:s?,s:s?,s:I}", "id", (json_int_t)loa_sql_col_i64(st, 0), "org",
			loa_sql_col_text(st, 1), "unit", loa_sql_col_text(st, 2), "topic", loa_sql_col_text(st, 3),
			"keywords", loa_sql_col_text(st, 4), "email", loa_sql_col_text(st, 5), "priority",
			(json_int_t)loa_sql_col_i64(st, 6))));
	loa_sql_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return LOA_OK;
}

/* Whole-word (folded) containment of needle in hay, both folded and
 * padded by the caller with spaces. */
static bool has_phrase(const char *hay, const char *needle, size_t nn)
{
	if (nn == 0)
		return false;
	const char *p = hay;
	while ((p = strstr(p, needle)) != NULL) {
		bool left = p == hay || !wf_is_word_byte((unsigned char)p[-1]);
		bool right = !wf_is_word_byte((unsigned char)p[nn]);
		if (left && right)
			return true;
		p++;
	}
	return false;
}

bool wf_is_word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int loa_wf_route_suggest(loa_wf *w, const char *org, const char *topic, const char *text,
			 char *unit, int *score, loa_err *err)
{
	unit[0] = '\0';
	if (score)
		*score = 0;
	loa_buf ft, fx, fk;
	loa_buf_init(&ft, 4096);
	loa_buf_init(&fx, (size_t)LOA_WF_TEXT_MAX * 4);
	loa_buf_init(&fk, 4096);
	if (topic)
		loa_wf_fold(topic, &ft);
	loa_buf_puts(&fx, " ");
	if (topic) {
		loa_buf_append(&fx, ft.data ? ft.data : "", ft.len);
		loa_buf_puts(&fx, " ");
	}
	if (text)
		loa_wf_fold(text, &fx);
	loa_buf_puts(&fx, " ");
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT unit, topic, keywords, priority FROM wf_rule"
				" WHERE org IS NULL OR ?1 IS NULL OR org = ?1 ORDER BY priority DESC, id", &st, err);
	if (rc)
		goto out;
	wf_bind_opt(st, 1, org);
	int best = 0;
	int64_t best_pri = INT64_MIN;
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		int sc = 0;
		const char *rt = loa_sql_col_text(st, 1), *kw = loa_sql_col_text(st, 2);
		if (rt && ft.len) {
			loa_buf_reset(&fk);
			if (loa_wf_fold(rt, &fk) == LOA_OK && fk.data && strcmp(fk.data, ft.data) == 0)
				sc += 3;
		}
		if (kw) {
			loa_str rest = loa_str_c(kw);
			while (rest.n) {
				loa_str k = loa_str_trim(loa_str_split(&rest, ','));
				if (!k.n)
					continue;
				loa_buf_reset(&fk);
				if (loa_text_normalize(k.p, k.n, LOA_NORM_MATCH | LOA_NORM_FOLD, &fk) == LOA_OK &&
				    fk.data && has_phrase(fx.data, fk.data, fk.len))
					sc++;
			}
		}
		int64_t pri = loa_sql_col_i64(st, 3);
		if (sc > best || (sc == best && sc > 0 && pri > best_pri)) {
			best = sc;
			best_pri = pri;
			loa_strlcpy(unit, loa_sql_col_text(st, 0), LOA_SLUG_MAX + 1);
		}
	}
	loa_sql_reset(st);
	if (rc > 0)
		rc = LOA_OK;
	if (score)
		*score = best;
out:
	loa_buf_release(&ft);
	loa_buf_release(&fx);
	loa_buf_release(&fk);
	return rc < 0 ? rc : LOA_OK;
}

/* ---- cases -------------------------------------------------------------- */

static int find_group(loa_wf *w, const char *type, const char *org, const char *norm, loa_ms now,
		      int64_t *group, loa_err *err)
{
	*group = 0;
	if (!norm || !*norm)
		return LOA_OK;
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT id, group_id, norm FROM wf_case WHERE type = ?1"
				" AND (?2 IS NULL OR org = ?2) AND created_at >= ?3 ORDER BY id DESC LIMIT ?4",
				&st, err);
	if (rc)
		return rc;
	loa_sql_bind_text(st, 1, type);
	wf_bind_opt(st, 2, org);
	loa_sql_bind_i64(st, 3, now - LOA_WF_GROUP_WINDOW_MS);
	loa_sql_bind_i64(st, 4, LOA_WF_GROUP_SCAN);
	double best = LOA_WF_GROUP_MIN;
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		const char *other = loa_sql_col_text(st, 2);
		double sim = loa_wf_similarity(norm, other);
		if (sim >= best) {
			best = sim;
			*group = loa_sql_col_null(st, 1) ? loa_sql_col_i64(st, 0) : loa_sql_col_i64(st, 1);
		}
	}
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}

int loa_wf_case_create(loa_wf *w, const loa_wf_new *n, const loa_wf_actor *a, int64_t *id,
		       loa_err *err)
{
	const loa_wf_type *t = loa_wf_type_get(n->type);
	if (!t)
		return loa_err_set(err, LOA_EINVAL, "loại hồ sơ không hợp lệ / unknown case type: %s",
				   n->type ? n->type : "(none)");
	if (!n->body || !*n->body)
		return loa_err_set(err, LOA_EINVAL, "cần nội dung / body required");
	if (strlen(n->body) > LOA_WF_TEXT_MAX || (n->title && strlen(n->title) > LOA_WF_TITLE_MAX) ||
	    (n->topic && strlen(n->topic) > LOA_NAME_MAX) || (n->email && strlen(n->email) > 254) ||
	    (n->name && strlen(n->name) > LOA_NAME_MAX) || (n->data && strlen(n->data) > LOA_WF_TEXT_MAX))
		return loa_err_set(err, LOA_EINVAL, "nội dung quá dài / text too long");
	if (!wf_utf8_ok(n->body) || (n->title && !wf_utf8_ok(n->title)))
		return loa_err_set(err, LOA_EINVAL, "văn bản không phải UTF-8 / text is not UTF-8");
	if (n->label && t->labels) {
		bool ok = false;
		for (const char *const *l = t->labels; *l; l++)
			ok = ok || strcmp(*l, n->label) == 0;
		if (!ok)
			return loa_err_set(err, LOA_EINVAL, "nhãn không hợp lệ / bad label: %s", n->label);
	}
	if (n->email && *n->email && (!strchr(n->email, '@') || strpbrk(n->email, " <>\r\n,;\"")))
		return loa_err_set(err, LOA_EINVAL, "địa chỉ e-mail không hợp lệ / bad e-mail address");
	if (n->data) {
		json_t *d = json_loads(n->data, 0, NULL);
		bool ok = d && json_is_object(d);
		json_decref(d);
		if (!ok)
			return loa_err_set(err, LOA_EINVAL, "data phải là đối tượng JSON / data must be a JSON object");
	}
	const char *state = n->state ? n->state : t->states[0].name;
	if (!loa_wf_state_get(t, state))
		return loa_err_set(err, LOA_EINVAL, "trạng thái không hợp lệ / bad state: %s", state);
	loa_ms now = loa_wf_now(w);
	loa_buf norm;
	loa_buf_init(&norm, (size_t)LOA_WF_TEXT_MAX * 4 + 8192);
	if (n->title) {
		loa_wf_fold(n->title, &norm);
		loa_buf_puts(&norm, " ");
	}
	loa_wf_fold(n->body, &norm);
	char unit[LOA_SLUG_MAX + 1] = "";
	int rc = loa_wf_route_suggest(w, n->org, n->topic, norm.data, unit, NULL, err);
	int64_t group = 0;
	if (!rc && t->group)
		rc = find_group(w, t->name, n->org, norm.data, now, &group, err);
	if (rc) {
		loa_buf_release(&norm);
		return rc;
	}
	int days = n->due_days < 0 ? 0 : n->due_days > 0 ? n->due_days : loa_wf_due_days(w, t);
	bool clock = t->clock_at_create && days > 0 && n->due_days >= 0;
	int64_t due_day = 0;
	loa_ms due_at = LOA_TIME_NONE;
	if (n->due_at != LOA_TIME_NONE && n->due_at != 0) {
		due_at = n->due_at;
		due_day = loa_vn_day(n->due_at);
	} else if (clock) {
		due_day = loa_wf_due_day(w->cal, now, days);
		due_at = loa_wf_day_end(due_day);
	}
	if ((rc = wf_begin(w, err))) {
		loa_buf_release(&norm);
		return rc;
	}
	loa_stmt *st;
	rc = loa_sql_cached(w->s,
			    "INSERT INTO wf_case(type, state, org, unit, suggested_unit, requester, requester_org,"
			    " email, name, title, body, topic, label, data, norm, group_id, parent_id, item_id,"
			    " created_at, updated_at, due_days, due_day, due_at, routed_at, policy_id)"
			    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?19,?20,?21,?22,?23,?24)",
			    &st, err);
	if (!rc) {
		loa_sql_bind_text(st, 1, t->name);
		loa_sql_bind_text(st, 2, state);
		wf_bind_opt(st, 3, n->org);
		wf_bind_opt(st, 4, n->unit);
		wf_bind_opt(st, 5, unit);
		wf_bind_opt(st, 6, a && a->role >= 0 && a->role != LOA_ROLE_ADMIN ? a->login : NULL);
		wf_bind_opt(st, 7, a ? a->org : NULL);
		wf_bind_opt(st, 8, n->email);
		wf_bind_opt(st, 9, n->name);
		wf_bind_opt(st, 10, n->title);
		loa_sql_bind_text(st, 11, n->body);
		wf_bind_opt(st, 12, n->topic);
		wf_bind_opt(st, 13, n->label);
		wf_bind_opt(st, 14, n->data);
		loa_sql_bind_text(st, 15, norm.data ? norm.data : "");
		if (group)
			loa_sql_bind_i64(st, 16, group);
		else
			loa_sql_bind_null(st, 16);
		if (n->parent_id > 0)
			loa_sql_bind_i64(st, 17, n->parent_id);
		if (n->item_id > 0)
			loa_sql_bind_i64(st, 18, n->item_id);
		loa_sql_bind_i64(st, 19, now);
		if (days > 0)
			loa_sql_bind_i64(st, 20, days);
		if (due_at != LOA_TIME_NONE) {
			loa_sql_bind_i64(st, 21, due_day);
			loa_sql_bind_i64(st, 22, due_at);
		}
		if (n->unit && *n->unit)
			loa_sql_bind_i64(st, 23, now);
		if (n->policy_id > 0)
			loa_sql_bind_i64(st, 24, n->policy_id);
		rc = loa_sql_run(st, err);
	}
	int64_t cid = rc ? 0 : loa_sql_last_id(w->s);
	if (!rc && !group) {
		loa_stmt *u;
		rc = loa_sql_cached(w->s, "UPDATE wf_case SET group_id = id WHERE id = ?1", &u, err);
		if (!rc) {
			loa_sql_bind_i64(u, 1, cid);
			rc = loa_sql_run(u, err);
		}
	}
	if (!rc)
		rc = loa_wf_event(w, cid, a, "create", NULL, state, NULL, err);
	rc = wf_end(w, rc, err);
	loa_buf_release(&norm);
	if (rc == LOA_OK && id)
		*id = cid;
	return rc;
}

/* The fields the engine needs of a case. */
typedef struct case_core {
	int64_t id;
	const loa_wf_type *t;
	char state[LOA_KIND_MAX + 1];
	char org[LOA_SLUG_MAX + 1], unit[LOA_SLUG_MAX + 1], suggested[LOA_SLUG_MAX + 1];
	char requester[LOA_LOGIN_MAX + 1];
	bool closed, paused, has_due;
	int64_t due_day, pause_left, due_days;
	loa_ms paused_at;
} case_core;

int wf_case_core(loa_wf *w, int64_t id, case_core *c, loa_err *err);

int wf_case_core(loa_wf *w, int64_t id, case_core *c, loa_err *err)
{
	memset(c, 0, sizeof *c);
	loa_stmt *st;
	int rc = loa_sql_cached(w->s,
				"SELECT type, state, org, unit, suggested_unit, requester, closed_at, paused_at,"
				" due_day, pause_left, due_days FROM wf_case WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW) {
		c->id = id;
		c->t = loa_wf_type_get(loa_sql_col_text(st, 0));
		loa_strlcpy(c->state, loa_sql_col_text(st, 1), sizeof c->state);
		if (loa_sql_col_text(st, 2))
			loa_strlcpy(c->org, loa_sql_col_text(st, 2), sizeof c->org);
		if (loa_sql_col_text(st, 3))
			loa_strlcpy(c->unit, loa_sql_col_text(st, 3), sizeof c->unit);
		if (loa_sql_col_text(st, 4))
			loa_strlcpy(c->suggested, loa_sql_col_text(st, 4), sizeof c->suggested);
		if (loa_sql_col_text(st, 5))
			loa_strlcpy(c->requester, loa_sql_col_text(st, 5), sizeof c->requester);
		c->closed = !loa_sql_col_null(st, 6);
		c->paused = !loa_sql_col_null(st, 7);
		c->paused_at = c->paused ? loa_sql_col_i64(st, 7) : LOA_TIME_NONE;
		c->has_due = !loa_sql_col_null(st, 8);
		c->due_day = loa_sql_col_i64(st, 8);
		c->pause_left = loa_sql_col_i64(st, 9);
		c->due_days = loa_sql_col_i64(st, 10);
	}
	loa_sql_reset(st);
	if (rc == LOA_SQL_DONE)
		return loa_err_set(err, LOA_ENOTFOUND, "không có hồ sơ / no such case: %" PRId64, id);
	if (rc < 0)
		return rc;
	if (!c->t)
		return loa_err_set(err, LOA_EDB, "loại hồ sơ lạ / unknown case type in the database");
	return LOA_OK;
}

/* Staff of the case's organisation or unit (or with no organisation, or
 * an administrator) may act for their role. */
static bool org_ok(const case_core *c, const loa_wf_actor *a)
{
	if (a->role == LOA_ROLE_ADMIN || !a->org || !*a->org)
		return true;
	return (c->org[0] && strcmp(a->org, c->org) == 0) || (c->unit[0] && strcmp(a->org, c->unit) == 0) ||
	       (!c->org[0] && !c->unit[0]);
}

static bool actor_allowed(const case_core *c, unsigned roles, const loa_wf_actor *a)
{
	if (!a)
		return false;
	if (a->role < 0)
		return (roles & LOA_WF_SYSTEM) != 0;
	if ((roles & LOA_WF_REQUESTER) && c->requester[0] && a->login && strcmp(a->login, c->requester) == 0)
		return true;
	if (a->role < LOA_ROLE__N && (roles & LOA_ROLE_BIT(a->role))) {
		if (a->role == LOA_ROLE_JOURNALIST)
			return a->org && c->unit[0] && strcmp(a->org, c->unit) == 0;
		return org_ok(c, a);
	}
	return false;
}

int loa_wf_case_can_see(loa_wf *w, int64_t id, const loa_wf_actor *a, loa_err *err)
{
	case_core c;
	int rc = wf_case_core(w, id, &c, err);
	if (rc)
		return rc;
	if (a->role < 0 || a->role == LOA_ROLE_ADMIN)
		return LOA_OK;
	if (c.requester[0] && a->login && strcmp(c.requester, a->login) == 0)
		return LOA_OK;
	if (a->role == LOA_ROLE_SPOKESPERSON || a->role == LOA_ROLE_EDITOR || a->role == LOA_ROLE_ANALYST)
		if (org_ok(&c, a))
			return LOA_OK;
	if (a->role == LOA_ROLE_JOURNALIST && strcmp(c.t->name, "correction") == 0 && a->org &&
	    strcmp(a->org, c.unit) == 0 && strcmp(c.state, "draft") != 0)
		return LOA_OK;
	return loa_err_set(err, LOA_EPERM, "không được xem hồ sơ này / may not see this case");
}

int loa_wf_case_act(loa_wf *w, int64_t id, const loa_wf_act *act, const loa_wf_actor *a,
		    char *to, loa_err *err)
{
	case_core c;
	int rc = wf_case_core(w, id, &c, err);
	if (rc)
		return rc;
	if (!act || !act->action)
		return loa_err_set(err, LOA_EINVAL, "cần thao tác / action required");
	const loa_wf_transition *x = loa_wf_transition_find(c.t, c.state, act->action);
	if (!x) {
		bool known = false;
		for (size_t i = 0; i < c.t->ntr; i++)
			known = known || strcmp(c.t->tr[i].action, act->action) == 0;
		if (!known)
			return loa_err_set(err, LOA_EINVAL, "thao tác không hợp lệ / unknown action '%s' for %s",
					   act->action, c.t->name);
		return loa_err_set(err, LOA_WF_ECONFLICT,
				   "không thể '%s' khi hồ sơ ở trạng thái '%s' / cannot '%s' a case in state '%s'%s",
				   act->action, c.state, act->action, c.state, c.closed ? " (closed)" : "");
	}
	if (!actor_allowed(&c, x->roles, a))
		return loa_err_set(err, LOA_EPERM, "không có quyền '%s' hồ sơ này / may not '%s' this case",
				   act->action, act->action);
	if ((x->flags & LOA_WF_F_ANSWER) && (!act->text || !*act->text))
		return loa_err_set(err, LOA_EINVAL, "cần nội dung trả lời / answer text required");
	if (act->text && (strlen(act->text) > LOA_WF_TEXT_MAX || !wf_utf8_ok(act->text)))
		return loa_err_set(err, LOA_EINVAL, "trả lời quá dài hoặc không phải UTF-8 / answer too long or not UTF-8");
	if ((x->flags & LOA_WF_F_NOTE) && (!act->note || !*act->note))
		return loa_err_set(err, LOA_EINVAL, "cần ghi chú hoặc lý do / a note (reason) is required");
	if (act->note && (strlen(act->note) > LOA_WF_NOTE_MAX || !wf_utf8_ok(act->note)))
		return loa_err_set(err, LOA_EINVAL, "ghi chú quá dài / note too long");
	if (x->flags & LOA_WF_F_LABEL) {
		bool ok = false;
		for (const char *const *l = c.t->labels; act->label && l && *l; l++)
			ok = ok || strcmp(*l, act->label) == 0;
		if (!ok)
			return loa_err_set(err, LOA_EINVAL, "cần nhãn hợp lệ / a valid label is required");
	}
	const char *unit = NULL;
	if (x->flags & LOA_WF_F_ROUTE) {
		unit = wf_str(act->unit) ? act->unit : wf_str(c.suggested);
		if (!unit)
			return loa_err_set(err, LOA_EINVAL, "cần đơn vị xử lý (không có quy tắc phù hợp) / a unit "
					   "is required (no routing rule matched)");
		loa_org_rec o;
		if (loa_store_org_get(w->s, unit, &o, NULL) != LOA_OK)
			return loa_err_set(err, LOA_EINVAL, "không có đơn vị / no such organisation: %s", unit);
	}
	const loa_wf_state *ns = loa_wf_state_get(c.t, x->to);
	loa_ms now = loa_wf_now(w);
	if ((rc = wf_begin(w, err)))
		return rc;
	loa_stmt *st;
	rc = loa_sql_cached(w->s,
			    "UPDATE wf_case SET state = ?2, updated_at = ?3,"
			    " unit = COALESCE(?4, unit), routed_at = CASE WHEN ?4 IS NULL THEN routed_at ELSE ?3 END,"
			    " answer = COALESCE(?5, answer), answer_by = CASE WHEN ?5 IS NULL THEN answer_by ELSE ?6 END,"
			    " label = COALESCE(?7, label),"
			    " closed_at = CASE WHEN ?8 = 1 THEN ?3 ELSE closed_at END,"
			    " answered_at = CASE WHEN ?9 = 1 AND answered_at IS NULL THEN ?3 ELSE answered_at END,"
			    " publish = CASE WHEN ?10 = 1 THEN 'to_publish' ELSE publish END"
			    " WHERE id = ?1", &st, err);
	if (!rc) {
		loa_sql_bind_i64(st, 1, id);
		loa_sql_bind_text(st, 2, x->to);
		loa_sql_bind_i64(st, 3, now);
		wf_bind_opt(st, 4, unit);
		wf_bind_opt(st, 5, (x->flags & LOA_WF_F_ANSWER) ? act->text : NULL);
		wf_bind_opt(st, 6, a->login);
		wf_bind_opt(st, 7, (x->flags & LOA_WF_F_LABEL) ? act->label : NULL);
		loa_sql_bind_i64(st, 8, ns->closed && !c.closed);
		loa_sql_bind_i64(st, 9, ns->closed && (strcmp(x->to, "answered") == 0 || strcmp(x->to, "published") == 0 ||
							strcmp(x->to, "corrected") == 0));
		loa_sql_bind_i64(st, 10, (x->flags & LOA_WF_F_PUBLISH) != 0);
		rc = loa_sql_run(st, err);
	}
	/* the clock */
	if (!rc && (x->flags & LOA_WF_F_START)) {
		int days = c.due_days > 0 ? (int)c.due_days : loa_wf_due_days(w, c.t);
		loa_stmt *u;
		rc = loa_sql_cached(w->s, "UPDATE wf_case SET due_day = COALESCE(due_day, ?2),"
				    " due_at = COALESCE(due_at, ?3), due_days = COALESCE(due_days, ?4) WHERE id = ?1",
				    &u, err);
		if (!rc && days > 0) {
			int64_t dd = loa_wf_due_day(w->cal, now, days);
			loa_sql_bind_i64(u, 1, id);
			loa_sql_bind_i64(u, 2, dd);
			loa_sql_bind_i64(u, 3, loa_wf_day_end(dd));
			loa_sql_bind_i64(u, 4, days);
			rc = loa_sql_run(u, err);
		}
	}
	if (!rc && (x->flags & LOA_WF_F_PAUSE) && c.has_due && !c.paused) {
		int64_t today = loa_vn_day(now);
		int left = c.due_day > today ? loa_calendar_working_days_between(w->cal, today, c.due_day) : 0;
		loa_stmt *u;
		rc = loa_sql_cached(w->s, "UPDATE wf_case SET paused_at = ?2, pause_left = ?3 WHERE id = ?1", &u, err);
		if (!rc) {
			loa_sql_bind_i64(u, 1, id);
			loa_sql_bind_i64(u, 2, now);
			loa_sql_bind_i64(u, 3, left);
			rc = loa_sql_run(u, err);
		}
	}
	if (!rc && (x->flags & LOA_WF_F_RESUME) && c.paused) {
		int64_t dd = loa_calendar_add_working_days(w->cal, loa_vn_day(now), (int)c.pause_left);
		loa_stmt *u;
		rc = loa_sql_cached(w->s, "UPDATE wf_case SET paused_at = NULL, pause_left = NULL, due_day = ?2,"
				    " due_at = ?3, paused_ms = paused_ms + ?4, reminded_at = NULL, escalated_at = NULL"
				    " WHERE id = ?1", &u, err);
		if (!rc) {
			loa_sql_bind_i64(u, 1, id);
			loa_sql_bind_i64(u, 2, dd);
			loa_sql_bind_i64(u, 3, loa_wf_day_end(dd));
			loa_sql_bind_i64(u, 4, now - c.paused_at);
			rc = loa_sql_run(u, err);
		}
	}
	if (!rc && ns->closed && c.paused) {
		loa_stmt *u;
		rc = loa_sql_cached(w->s, "UPDATE wf_case SET paused_at = NULL WHERE id = ?1", &u, err);
		if (!rc) {
			loa_sql_bind_i64(u, 1, id);
			rc = loa_sql_run(u, err);
		}
	}
	const char *note = act->note;
	char route_note[LOA_SLUG_MAX + 64];
	if (unit && !note) {
		snprintf(route_note, sizeof route_note, "đơn vị / unit: %s", unit);
		note = route_note;
	}
	if (!rc)
		rc = loa_wf_event(w, id, a, act->action, c.state, x->to, note, err);
	if (!rc && (x->flags & LOA_WF_F_PUBLISH))
		rc = wf_publish_case(w, id, a, err);
	bool flush = !rc && (x->flags & LOA_WF_F_PUBLISH) && w->tx == 1;
	/* who hears of it */
	if (!rc && unit) {
		char msg[512];
		snprintf(msg, sizeof msg, "Hồ sơ #%" PRId64 " (%s) được chuyển đến đơn vị / routed to your unit",
			 id, c.t->vi);
		rc = loa_wf_notify(w, NULL, unit, id, "routed", msg, err);
	}
	if (!rc && c.requester[0] && strcmp(c.requester, a->login ? a->login : "") != 0) {
		char msg[512];
		snprintf(msg, sizeof msg, "Hồ sơ #%" PRId64 ": %s (%s) / case %s", id, ns->vi, x->vi, x->to);
		rc = loa_wf_notify(w, c.requester, NULL, id, x->to, msg, err);
	}
	rc = wf_end(w, rc, err);
	if (!rc && to)
		loa_strlcpy(to, x->to, LOA_SLUG_MAX + 1);
	if (!rc && flush)
		wf_publications_flush(w, 5, NULL);
	return rc;
}

int loa_wf_case_edit(loa_wf *w, int64_t id, const char *title, const char *body,
		     const char *topic, const char *data, const loa_wf_actor *a, loa_err *err)
{
	case_core c;
	int rc = wf_case_core(w, id, &c, err);
	if (rc)
		return rc;
	if (c.closed)
		return loa_err_set(err, LOA_WF_ECONFLICT, "hồ sơ đã đóng, không sửa được / the case is closed: "
				   "edits are refused");
	bool staff = a->role == LOA_ROLE_ADMIN || ((a->role == LOA_ROLE_SPOKESPERSON || a->role == LOA_ROLE_EDITOR) &&
						   org_ok(&c, a));
	bool own = c.requester[0] && a->login && strcmp(c.requester, a->login) == 0;
	if (a->role >= 0 && !staff && !own)
		return loa_err_set(err, LOA_EPERM, "không có quyền sửa / may not edit this case");
	if ((body && (!*body || strlen(body) > LOA_WF_TEXT_MAX || !wf_utf8_ok(body))) ||
	    (title && (strlen(title) > LOA_WF_TITLE_MAX || !wf_utf8_ok(title))) ||
	    (topic && strlen(topic) > LOA_NAME_MAX))
		return loa_err_set(err, LOA_EINVAL, "nội dung không hợp lệ / bad text");
	if (data) {
		json_t *d = json_loads(data, 0, NULL);
		bool ok = d && json_is_object(d) && strlen(data) <= LOA_WF_TEXT_MAX;
		json_decref(d);
		if (!ok)
			return loa_err_set(err, LOA_EINVAL, "data phải là đối tượng JSON / data must be a JSON object");
	}
	if ((rc = wf_begin(w, err)))
		return rc;
	loa_stmt *st;
	rc = loa_sql_cached(w->s, "UPDATE wf_case SET title = COALESCE(?2, title), body = COALESCE(?3, body),"
			    " topic = COALESCE(?4, topic), data = COALESCE(?5, data), updated_at = ?6"
			    " WHERE id = ?1 AND closed_at IS NULL", &st, err);
	if (!rc) {
		loa_sql_bind_i64(st, 1, id);
		wf_bind_opt(st, 2, title);
		wf_bind_opt(st, 3, body);
		wf_bind_opt(st, 4, topic);
		wf_bind_opt(st, 5, data);
		loa_sql_bind_i64(st, 6, loa_wf_now(w));
		rc = loa_sql_run(st, err);
	}
	if (!rc && body) {
		loa_buf norm;
		loa_buf_init(&norm, (size_t)LOA_WF_TEXT_MAX * 4 + 8192);
		loa_wf_fold(body, &norm);
		loa_stmt *u;
		rc = loa_sql_cached(w->s, "UPDATE wf_case SET norm = ?2 WHERE id = ?1", &u, err);
		if (!rc) {
			loa_sql_bind_i64(u, 1, id);
			loa_sql_bind_text(u, 2, norm.data ? norm.data : "");
			rc = loa_sql_run(u, err);
		}
		loa_buf_release(&norm);
	}
	if (!rc)
		rc = loa_wf_event(w, id, a, "edit", c.state, c.state, NULL, err);
	return wf_end(w, rc, err);
}

/* ---- reading cases ------------------------------------------------------ */

#define CASE_COLS                                                                              \
	"id, type, state, org, unit, suggested_unit, requester, requester_org, email, name, title," \
	" body, topic, label, answer, answer_by, data, group_id, parent_id, item_id, created_at,"  \
	" updated_at, closed_at, routed_at, answered_at, due_days, due_day, due_at, paused_at,"   \
	" pause_left, publish, publish_ref, escalated_at"

json_t *wf_col_time(loa_stmt *st, int i)
{
	if (loa_sql_col_null(st, i))
		return json_null();
	char b[LOA_TIME_STR_MAX];
	return json_string(loa_time_format_rfc3339(loa_sql_col_i64(st, i), b));
}

json_t *wf_col_text(loa_stmt *st, int i)
{
	const char *t = loa_sql_col_text(st, i);
	return t ? json_string(t) : json_null();
}

json_t *wf_col_int(loa_stmt *st, int i)
{
	return loa_sql_col_null(st, i) ? json_null() : json_integer(loa_sql_col_i64(st, i));
}

json_t *wf_drop_nulls(json_t *o)
{
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(o, tmp, k, v) {
		if (json_is_null(v))
			json_object_del(o, k);
	}
	return o;
}

static json_t *case_row(loa_wf *w, loa_stmt *st, bool full)
{
	const loa_wf_type *t = loa_wf_type_get(loa_sql_col_text(st, 1));
	const char *state = loa_sql_col_text(st, 2);
	const loa_wf_state *ns = t ? loa_wf_state_get(t, state) : NULL;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(loa_sql_col_i64(st, 0)));
	json_object_set_new(o, "type", wf_col_text(st, 1));
	json_object_set_new(o, "type_vi", json_string(t ? t->vi : ""));
	json_object_set_new(o, "state", json_string(state ? state : ""));
	json_object_set_new(o, "state_vi", json_string(ns ? ns->vi : ""));
	json_object_set_new(o, "closed", json_boolean(!loa_sql_col_null(st, 22)));
	json_object_set_new(o, "org", wf_col_text(st, 3));
	json_object_set_new(o, "unit", wf_col_text(st, 4));
	json_object_set_new(o, "suggested_unit", wf_col_text(st, 5));
	json_object_set_new(o, "requester", wf_col_text(st, 6));
	json_object_set_new(o, "requester_org", wf_col_text(st, 7));
	json_object_set_new(o, "name", wf_col_text(st, 9));
	json_object_set_new(o, "title", wf_col_text(st, 10));
	json_object_set_new(o, "topic", wf_col_text(st, 12));
	json_object_set_new(o, "label", wf_col_text(st, 13));
	json_object_set_new(o, "group_id", wf_col_int(st, 17));
	json_object_set_new(o, "parent_id", wf_col_int(st, 18));
	json_object_set_new(o, "item_id", wf_col_int(st, 19));
	json_object_set_new(o, "created_at", wf_col_time(st, 20));
	json_object_set_new(o, "updated_at", wf_col_time(st, 21));
	json_object_set_new(o, "closed_at", wf_col_time(st, 22));
	json_object_set_new(o, "routed_at", wf_col_time(st, 23));
	json_object_set_new(o, "answered_at", wf_col_time(st, 24));
	json_object_set_new(o, "due_at", wf_col_time(st, 27));
	bool closed = !loa_sql_col_null(st, 22), paused = !loa_sql_col_null(st, 28);
	json_object_set_new(o, "paused", json_boolean(paused));
	if (!loa_sql_col_null(st, 26)) {
		int64_t due_day = loa_sql_col_i64(st, 26);
		int64_t y;
		unsigned m, d;
		loa_civil_from_days(due_day, &y, &m, &d);
		char ds[16];
		snprintf(ds, sizeof ds, "%04d-%02u-%02u", (int)y, m, d);
		json_object_set_new(o, "due_date", json_string(ds));
		if (!closed) {
			int64_t today = loa_vn_day(loa_wf_now(w));
			int left;
			if (paused)
				left = (int)loa_sql_col_i64(st, 29);
			else if (due_day >= today)
				left = loa_calendar_working_days_between(w->cal, today, due_day);
			else
				left = -loa_calendar_working_days_between(w->cal, due_day, today);
			json_object_set_new(o, "days_left", json_integer(left));
			json_object_set_new(o, "overdue", json_boolean(!paused && loa_wf_now(w) > loa_sql_col_i64(st, 27)));
		}
	}
	json_object_set_new(o, "escalated", json_boolean(!loa_sql_col_null(st, 32)));
	json_object_set_new(o, "publish", wf_col_text(st, 30));
	json_object_set_new(o, "publish_ref", wf_col_text(st, 31));
	if (full) {
		json_object_set_new(o, "email", wf_col_text(st, 8));
		json_object_set_new(o, "body", wf_col_text(st, 11));
		json_object_set_new(o, "answer", wf_col_text(st, 14));
		json_object_set_new(o, "answer_by", wf_col_text(st, 15));
		const char *data = loa_sql_col_text(st, 16);
		json_t *dj = data ? json_loads(data, 0, NULL) : NULL;
		json_object_set_new(o, "data", dj ? dj : json_null());
		json_object_set_new(o, "due_days", wf_col_int(st, 25));
	} else {
		const char *body = loa_sql_col_text(st, 11);
		if (body) {
			size_t n = strlen(body);
			size_t cut = n > 280 ? loa_utf8_truncate(body, n, 280) : n;
			json_object_set_new(o, "excerpt", json_stringn(body, cut));
		}
	}
	return wf_drop_nulls(o);
}

int loa_wf_case_get(loa_wf *w, int64_t id, bool with_events, json_t **out, loa_err *err)
{
	*out = NULL;
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT " CASE_COLS " FROM wf_case WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	rc = loa_sql_step(st, err);
	json_t *o = rc == LOA_SQL_ROW ? case_row(w, st, true) : NULL;
	int64_t group = o ? json_integer_value(json_object_get(o, "group_id")) : 0;
	loa_sql_reset(st);
	if (rc == LOA_SQL_DONE)
		return loa_err_set(err, LOA_ENOTFOUND, "không có hồ sơ / no such case: %" PRId64, id);
	if (rc < 0)
		return rc;
	if (group) {
		loa_stmt *g;
		if (loa_sql_cached(w->s, "SELECT COUNT(*) FROM wf_case WHERE group_id = ?1", &g, err) == LOA_OK) {
			loa_sql_bind_i64(g, 1, group);
			if (loa_sql_step(g, err) == LOA_SQL_ROW)
				json_object_set_new(o, "group_size", json_integer(loa_sql_col_i64(g, 0)));
			loa_sql_reset(g);
		}
	}
	if (with_events) {
		loa_stmt *e;
		json_t *ev = json_array();
		rc = loa_sql_cached(w->s, "SELECT at, actor, action, from_state, to_state, note FROM wf_event"
				    " WHERE case_id = ?1 ORDER BY id", &e, err);
		if (!rc) {
			loa_sql_bind_i64(e, 1, id);
			while ((rc = loa_sql_step(e, err)) == LOA_SQL_ROW)
				json_array_append_new(ev, wf_drop_nulls(json_pack(
					"{s:o,s:o,s:o,s:o,s:o,s:o}", "at", wf_col_time(e, 0), "actor", wf_col_text(e, 1),
					"action", wf_col_text(e, 2), "from", wf_col_text(e, 3), "to", wf_col_text(e, 4), "note",
					wf_col_text(e, 5))));
			loa_sql_reset(e);
		}
		json_object_set_new(o, "events", ev);
		json_t *att = json_array();
		if (loa_sql_cached(w->s, "SELECT id, name, type, size, created_at FROM wf_attachment"
				   " WHERE case_id = ?1 ORDER BY id", &e, err) == LOA_OK) {
			loa_sql_bind_i64(e, 1, id);
			while (loa_sql_step(e, err) == LOA_SQL_ROW)
				json_array_append_new(att, json_pack("{s:I,s:o,s:o,s:I,s:o}", "id",
								     (json_int_t)loa_sql_col_i64(e, 0), "name",
								     wf_col_text(e, 1), "type", wf_col_text(e, 2), "size",
								     (json_int_t)loa_sql_col_i64(e, 3), "created_at",
								     wf_col_time(e, 4)));
			loa_sql_reset(e);
		}
		json_object_set_new(o, "attachments", att);
		json_t *links = json_array();
		if (loa_sql_cached(w->s, "SELECT kind, item_id, ref, score, created_at FROM wf_link"
				   " WHERE case_id = ?1 ORDER BY id", &e, err) == LOA_OK) {
			loa_sql_bind_i64(e, 1, id);
			while (loa_sql_step(e, err) == LOA_SQL_ROW)
				json_array_append_new(links, wf_drop_nulls(json_pack(
					"{s:o,s:o,s:o,s:f,s:o}", "kind", wf_col_text(e, 0), "item_id", wf_col_int(e, 1),
					"ref", wf_col_text(e, 2), "score", loa_sql_col_double(e, 3), "created_at",
					wf_col_time(e, 4))));
			loa_sql_reset(e);
		}
		json_object_set_new(o, "links", links);
		rc = LOA_OK;
	}
	if (rc < 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return LOA_OK;
}

int loa_wf_cases_list(loa_wf *w, const loa_wf_filter *f, json_t **out, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(
		w->s,
		"SELECT " CASE_COLS " FROM wf_case WHERE (?1 IS NULL OR type = ?1) AND (?2 IS NULL OR state = ?2)"
		" AND (?3 IS NULL OR org = ?3 OR unit = ?3) AND (?4 IS NULL OR unit = ?4)"
		" AND (?5 IS NULL OR requester = ?5) AND (?6 = 0 OR parent_id = ?6) AND (?7 = 0 OR group_id = ?7)"
		" AND (?8 = 0 OR closed_at IS NULL) AND (?9 = 0 OR (closed_at IS NULL AND paused_at IS NULL AND due_at < ?10))"
		" AND (?11 = 0 OR publish = 'published' OR state = 'published')"
		" AND (?12 = 0 OR id < ?12) AND (?14 IS NULL OR label = ?14) AND (?15 = 0 OR policy_id = ?15)"
		" ORDER BY id DESC LIMIT ?13",
		&st, err);
	if (rc)
		return rc;
	wf_bind_opt(st, 1, f->type);
	wf_bind_opt(st, 2, f->state);
	wf_bind_opt(st, 3, f->org);
	wf_bind_opt(st, 4, f->unit);
	wf_bind_opt(st, 5, f->requester);
	loa_sql_bind_i64(st, 6, f->parent_id);
	loa_sql_bind_i64(st, 7, f->group_id);
	loa_sql_bind_i64(st, 8, f->open_only);
	loa_sql_bind_i64(st, 9, f->overdue_only);
	loa_sql_bind_i64(st, 10, loa_wf_now(w));
	loa_sql_bind_i64(st, 11, f->public_only);
	loa_sql_bind_i64(st, 12, f->after_id);
	loa_sql_bind_i64(st, 13, f->limit <= 0 ? 100 : f->limit > 1000 ? 1000 : f->limit);
	wf_bind_opt(st, 14, f->label);
	loa_sql_bind_i64(st, 15, f->policy_id);
	json_t *arr = json_array();
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW)
		json_array_append_new(arr, case_row(w, st, false));
	loa_sql_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return LOA_OK;
}

/* ---- notices, contacts, mail -------------------------------------------- */

int loa_wf_notify(loa_wf *w, const char *login, const char *org, int64_t case_id,
		  const char *kind, const char *text, loa_err *err)
{
	if (!wf_str(login) && !wf_str(org))
		return LOA_OK;
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "INSERT INTO wf_notice(login, org, case_id, kind, text, created_at)"
				" VALUES(?1, ?2, ?3, ?4, ?5, ?6)", &st, err);
	if (rc)
		return rc;
	wf_bind_opt(st, 1, login);
	wf_bind_opt(st, 2, wf_str(login) ? NULL : org);
	if (case_id > 0)
		loa_sql_bind_i64(st, 3, case_id);
	loa_sql_bind_text(st, 4, kind);
	loa_sql_bind_text(st, 5, text);
	loa_sql_bind_i64(st, 6, loa_wf_now(w));
	return loa_sql_run(st, err);
}

int loa_wf_notices(loa_wf *w, const loa_wf_actor *a, bool unread_only, int limit, json_t **out,
		   loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT id, case_id, kind, text, created_at, read_at FROM wf_notice"
				" WHERE (login = ?1 OR (login IS NULL AND org = ?2)) AND (?3 = 0 OR read_at IS NULL)"
				" ORDER BY id DESC LIMIT ?4", &st, err);
	if (rc)
		return rc;
	wf_bind_opt(st, 1, a->login);
	wf_bind_opt(st, 2, a->org);
	loa_sql_bind_i64(st, 3, unread_only);
	loa_sql_bind_i64(st, 4, limit <= 0 || limit > 500 ? 100 : limit);
	json_t *arr = json_array();
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW)
		json_array_append_new(arr, wf_drop_nulls(json_pack(
			"{s:I,s:o,s:o,s:o,s:o,s:b}", "id", (json_int_t)loa_sql_col_i64(st, 0), "case_id",
			wf_col_int(st, 1), "kind", wf_col_text(st, 2), "text", wf_col_text(st, 3), "created_at",
			wf_col_time(st, 4), "read", !loa_sql_col_null(st, 5))));
	loa_sql_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return LOA_OK;
}

int loa_wf_notice_read(loa_wf *w, int64_t id, const loa_wf_actor *a, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "UPDATE wf_notice SET read_at = ?2 WHERE id = ?1 AND read_at IS NULL"
				" AND (login = ?3 OR (login IS NULL AND org = ?4))", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	loa_sql_bind_i64(st, 2, loa_wf_now(w));
	wf_bind_opt(st, 3, a->login);
	wf_bind_opt(st, 4, a->org);
	return loa_sql_run(st, err);
}

int loa_wf_contact_add(loa_wf *w, const char *login, const char *org, const char *kind,
		       const char *email, loa_err *err)
{
	if (!email || !strchr(email, '@') || strlen(email) > 254 || strpbrk(email, " <>\r\n,;\""))
		return loa_err_set(err, LOA_EINVAL, "địa chỉ e-mail không hợp lệ / bad e-mail address");
	if (!wf_str(login) && !wf_str(org))
		return loa_err_set(err, LOA_EINVAL, "cần người dùng hoặc tổ chức / login or org required");
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "INSERT INTO wf_contact(login, org, kind, email) VALUES(?1, ?2, ?3, ?4)",
				&st, err);
	if (rc)
		return rc;
	wf_bind_opt(st, 1, login);
	wf_bind_opt(st, 2, org);
	wf_bind_opt(st, 3, kind);
	loa_sql_bind_text(st, 4, email);
	return loa_sql_run(st, err);
}

int loa_wf_contacts_of(loa_wf *w, const char *org, const char *kind, loa_buf *out, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT DISTINCT email FROM wf_contact WHERE (?1 IS NULL OR org = ?1)"
				" AND (?2 IS NULL OR kind = ?2) ORDER BY email", &st, err);
	if (rc)
		return rc;
	wf_bind_opt(st, 1, org);
	wf_bind_opt(st, 2, kind);
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		if (out->len)
			loa_buf_putc(out, ',');
		loa_buf_puts(out, loa_sql_col_text(st, 0));
	}
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}

int loa_wf_mail_queue(loa_wf *w, const char *to, const char *subject, const char *body,
		      const char *att_name, const char *att_type, const char *att, size_t att_n,
		      loa_err *err)
{
	if (!to || !*to)
		return LOA_OK;
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "INSERT INTO wf_mail(rcpt, subject, body, att_name, att_type, att,"
				" created_at, next_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_text(st, 1, to);
	loa_sql_bind_text(st, 2, subject ? subject : "");
	loa_sql_bind_text(st, 3, body ? body : "");
	wf_bind_opt(st, 4, att_name);
	wf_bind_opt(st, 5, att_type);
	if (att && att_n)
		loa_sql_bind_blob(st, 6, att, att_n);
	loa_sql_bind_i64(st, 7, loa_wf_now(w));
	return loa_sql_run(st, err);
}

/* Mails to a unit: its contacts, else the e-mail of a rule routing to it. */
static void unit_mail(loa_wf *w, const char *unit, loa_buf *to)
{
	loa_wf_contacts_of(w, unit, NULL, to, NULL);
	if (to->len)
		return;
	loa_stmt *st;
	if (loa_sql_cached(w->s, "SELECT email FROM wf_rule WHERE unit = ?1 AND email IS NOT NULL"
			   " ORDER BY priority DESC LIMIT 1", &st, NULL) == LOA_OK) {
		loa_sql_bind_text(st, 1, unit);
		if (loa_sql_step(st, NULL) == LOA_SQL_ROW)
			loa_buf_puts(to, loa_sql_col_text(st, 0));
		loa_sql_reset(st);
	}
}

/* ---- the tick ----------------------------------------------------------- */

typedef struct due_row {
	int64_t id, due_day;
	loa_ms due_at;
	char type[LOA_KIND_MAX + 1], org[LOA_SLUG_MAX + 1], unit[LOA_SLUG_MAX + 1];
	char title[256];
} due_row;

static int collect_due(loa_wf *w, const char *sql, loa_ms now, due_row **rows, size_t *n, loa_err *err)
{
	loa_stmt *st;
	*rows = NULL;
	*n = 0;
	int rc = loa_sql_cached(w->s, sql, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, now);
	size_t cap = 0;
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW && *n < 10000) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			due_row *r = realloc(*rows, cap * sizeof *r);
			if (!r) {
				rc = LOA_ENOMEM;
				break;
			}
			*rows = r;
		}
		due_row *r = &(*rows)[(*n)++];
		memset(r, 0, sizeof *r);
		r->id = loa_sql_col_i64(st, 0);
		r->due_day = loa_sql_col_i64(st, 1);
		r->due_at = loa_sql_col_i64(st, 2);
		loa_strlcpy(r->type, loa_sql_col_text(st, 3) ? loa_sql_col_text(st, 3) : "", sizeof r->type);
		if (loa_sql_col_text(st, 4))
			loa_strlcpy(r->org, loa_sql_col_text(st, 4), sizeof r->org);
		if (loa_sql_col_text(st, 5))
			loa_strlcpy(r->unit, loa_sql_col_text(st, 5), sizeof r->unit);
		const char *t = loa_sql_col_text(st, 6);
		if (t) {
			size_t tn = strlen(t);
			size_t cut = tn >= sizeof r->title ? loa_utf8_truncate(t, tn, sizeof r->title - 1) : tn;
			memcpy(r->title, t, cut);
			r->title[cut] = '\0';
		}
	}
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}

static int mark(loa_wf *w, const char *sql, int64_t id, loa_ms now, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, sql, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	loa_sql_bind_i64(st, 2, now);
	return loa_sql_run(st, err);
}

static int remind_and_escalate(loa_wf *w, const atomic_int *stop, loa_wf_tick_stats *stt, loa_err *err)
{
	loa_ms now = loa_wf_now(w);
	int64_t today = loa_vn_day(now);
	due_row *rows;
	size_t n;
	/* reminders */
	int rc = collect_due(w, "SELECT id, due_day, due_at, type, org, unit, title FROM wf_case"
			     " WHERE closed_at IS NULL AND paused_at IS NULL AND due_at IS NOT NULL"
			     " AND reminded_at IS NULL AND due_at >= ?1 ORDER BY due_at", now, &rows, &n, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc && !wf_stopped(stop); i++) {
		due_row *r = &rows[i];
		int left = loa_calendar_working_days_between(w->cal, today, r->due_day);
		if (left > w->remind_days)
			continue;
		char ds[LOA_TIME_STR_MAX], msg[1024];
		loa_time_format_display(r->due_at, ds);
		snprintf(msg, sizeof msg, "Nhắc hạn: hồ sơ #%" PRId64 " \"%s\" đến hạn trả lời %s (còn %d ngày làm việc)"
			 " / reminder: case due %s", r->id, r->title, ds, left, ds);
		const char *who = r->unit[0] ? r->unit : r->org;
		if ((rc = wf_begin(w, err)))
			break;
		rc = loa_wf_notify(w, NULL, who, r->id, "reminder", msg, err);
		loa_buf to;
		loa_buf_init(&to, 8192);
		if (!rc && who[0]) {
			unit_mail(w, who, &to);
			rc = loa_wf_mail_queue(w, to.data, "[loa] Nhắc hạn trả lời / due-date reminder", msg, NULL,
					       NULL, NULL, 0, err);
		}
		loa_buf_release(&to);
		if (!rc)
			rc = mark(w, "UPDATE wf_case SET reminded_at = ?2 WHERE id = ?1", r->id, now, err);
		if (!rc)
			rc = loa_wf_event(w, r->id, NULL, "remind", NULL, NULL, NULL, err);
		rc = wf_end(w, rc, err);
		if (!rc)
			stt->reminded++;
	}
	free(rows);
	if (rc)
		return rc;
	/* escalation */
	rc = collect_due(w, "SELECT id, due_day, due_at, type, org, unit, title FROM wf_case"
			 " WHERE closed_at IS NULL AND paused_at IS NULL AND due_at IS NOT NULL"
			 " AND escalated_at IS NULL AND due_at < ?1 ORDER BY due_at", now, &rows, &n, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc && !wf_stopped(stop); i++) {
		due_row *r = &rows[i];
		char ds[LOA_TIME_STR_MAX], msg[1024];
		loa_time_format_display(r->due_at, ds);
		snprintf(msg, sizeof msg, "Quá hạn: hồ sơ #%" PRId64 " \"%s\" (đơn vị %s) quá hạn trả lời từ %s"
			 " / overdue since %s", r->id, r->title, r->unit[0] ? r->unit : "-", ds, ds);
		if ((rc = wf_begin(w, err)))
			break;
		if (r->org[0])
			rc = loa_wf_notify(w, NULL, r->org, r->id, "overdue", msg, err);
		if (!rc && r->unit[0] && strcmp(r->unit, r->org) != 0)
			rc = loa_wf_notify(w, NULL, r->unit, r->id, "overdue", msg, err);
		loa_buf to;
		loa_buf_init(&to, 8192);
		if (!rc && r->org[0])
			loa_wf_contacts_of(w, r->org, "leader", &to, NULL);
		if (!rc && r->unit[0]) {
			if (to.len)
				loa_buf_putc(&to, ',');
			size_t before = to.len;
			unit_mail(w, r->unit, &to);
			if (to.len == before && before)
				to.data[--to.len] = '\0';
		}
		if (!rc && to.len)
			rc = loa_wf_mail_queue(w, to.data, "[loa] Hồ sơ quá hạn / overdue case", msg, NULL, NULL,
					       NULL, 0, err);
		loa_buf_release(&to);
		if (!rc)
			rc = mark(w, "UPDATE wf_case SET escalated_at = ?2 WHERE id = ?1", r->id, now, err);
		if (!rc)
			rc = loa_wf_event(w, r->id, NULL, "escalate", NULL, NULL, NULL, err);
		rc = wf_end(w, rc, err);
		if (!rc)
			stt->escalated++;
	}
	free(rows);
	return rc;
}

static int send_mail(loa_wf *w, const loa_wf_tick_cfg *cfg, const atomic_int *stop, loa_wf_tick_stats *stt,
		     loa_err *err)
{
	if (!cfg || !cfg->smtp_url || !*cfg->smtp_url)
		return LOA_OK;
	int max = cfg->max_mail > 0 ? cfg->max_mail : 50;
	loa_ms now = loa_wf_now(w);
	for (int k = 0; k < max && !wf_stopped(stop); k++) {
		loa_stmt *st;
		int rc = loa_sql_cached(w->s, "SELECT id, rcpt, subject, body, att_name, att_type, att, tries"
					" FROM wf_mail WHERE sent_at IS NULL AND tries < 8 AND next_at <= ?1"
					" ORDER BY id LIMIT 1", &st, err);
		if (rc)
			return rc;
		loa_sql_bind_i64(st, 1, now);
		rc = loa_sql_step(st, err);
		if (rc != LOA_SQL_ROW) {
			loa_sql_reset(st);
			return rc < 0 ? rc : LOA_OK;
		}
		int64_t id = loa_sql_col_i64(st, 0);
		int64_t tries = loa_sql_col_i64(st, 7);
		char *rcpt = strdup(loa_sql_col_text(st, 1));
		char *subj = strdup(loa_sql_col_text(st, 2) ? loa_sql_col_text(st, 2) : "");
		char *body = strdup(loa_sql_col_text(st, 3) ? loa_sql_col_text(st, 3) : "");
		char *an = loa_sql_col_text(st, 4) ? strdup(loa_sql_col_text(st, 4)) : NULL;
		char *at = loa_sql_col_text(st, 5) ? strdup(loa_sql_col_text(st, 5)) : NULL;
		size_t attn = 0;
		const void *ap = loa_sql_col_blob(st, 6, &attn);
		char *att = NULL;
		if (ap && attn && (att = malloc(attn)))
			memcpy(att, ap, attn);
		loa_sql_reset(st);
		loa_err me;
		loa_err_clear(&me);
		int src = (!rcpt || !subj || !body) ? LOA_ENOMEM
			: wf_mail_send(cfg->smtp_url, cfg->smtp_from, cfg->timeout_s, rcpt, subj, body, an, at,
				       att, att ? attn : 0, &me);
		loa_stmt *u;
		if (src == LOA_OK) {
			rc = loa_sql_cached(w->s, "UPDATE wf_mail SET sent_at = ?2, tries = tries + 1, error = NULL"
					    " WHERE id = ?1", &u, err);
			stt->mailed++;
		} else {
			rc = loa_sql_cached(w->s, "UPDATE wf_mail SET tries = tries + 1, next_at = ?2 + ?3, error = ?4"
					    " WHERE id = ?1", &u, err);
			stt->mail_failed++;
			loa_warn("workflow.mail", "id=%" PRId64 " msg=%s", id, loa_err_msg(&me));
		}
		if (!rc) {
			loa_sql_bind_i64(u, 1, id);
			loa_sql_bind_i64(u, 2, now);
			if (src) {
				loa_sql_bind_i64(u, 3, (int64_t)60000 << (tries < 10 ? tries : 10));
				loa_sql_bind_text(u, 4, loa_err_msg(&me));
			}
			rc = loa_sql_run(u, err);
		}
		free(rcpt);
		free(subj);
		free(body);
		free(an);
		free(at);
		free(att);
		if (rc)
			return rc;
	}
	return LOA_OK;
}

int loa_wf_tick(loa_wf *w, const loa_wf_tick_cfg *cfg, const atomic_int *stop, loa_wf_tick_stats *st,
		loa_err *err)
{
	loa_wf_tick_stats dummy;
	if (!st)
		st = &dummy;
	memset(st, 0, sizeof *st);
	int rc = remind_and_escalate(w, stop, st, err);
	if (!rc && !wf_stopped(stop))
		rc = wf_corrections_scan(w, stop, &st->linked, err);
	if (!rc && !wf_stopped(stop))
		rc = wf_publications_flush(w, 50, err);
	if (!rc && !wf_stopped(stop))
		rc = send_mail(w, cfg, stop, st, err);
	return rc;
}

/* ---- statistics --------------------------------------------------------- */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return x < y ? -1 : x > y;
}

typedef struct unit_acc {
	char unit[LOA_SLUG_MAX + 1];
	int64_t cases, answered, open, overdue, on_time;
	int *days;
	size_t nd, cap;
} unit_acc;

static json_t *unit_json(unit_acc *u)
{
	double mean = 0, median = 0;
	if (u->nd) {
		qsort(u->days, u->nd, sizeof *u->days, cmp_int);
		int64_t sum = 0;
		for (size_t i = 0; i < u->nd; i++)
			sum += u->days[i];
		mean = (double)sum / (double)u->nd;
		median = u->nd % 2 ? u->days[u->nd / 2] : (u->days[u->nd / 2 - 1] + u->days[u->nd / 2]) / 2.0;
	}
	json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I}", "unit", u->unit, "cases", (json_int_t)u->cases,
			      "answered", (json_int_t)u->answered, "open", (json_int_t)u->open, "overdue",
			      (json_int_t)u->overdue, "answered_on_time", (json_int_t)u->on_time);
	json_object_set_new(o, "mean_days", u->nd ? json_real(mean) : json_null());
	json_object_set_new(o, "median_days", u->nd ? json_real(median) : json_null());
	free(u->days);
	return o;
}

int loa_wf_stats(loa_wf *w, const char *type, const char *org, loa_ms since, json_t **out,
		 loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT unit, created_at, answered_at, closed_at, due_at, paused_at,"
				" paused_ms FROM wf_case WHERE unit IS NOT NULL AND (?1 IS NULL OR type = ?1)"
				" AND (?2 IS NULL OR org = ?2) AND created_at >= ?3 ORDER BY unit", &st, err);
	if (rc)
		return rc;
	wf_bind_opt(st, 1, type);
	wf_bind_opt(st, 2, org);
	loa_sql_bind_i64(st, 3, since == LOA_TIME_NONE ? INT64_MIN : since);
	loa_ms now = loa_wf_now(w);
	json_t *arr = json_array();
	unit_acc u;
	memset(&u, 0, sizeof u);
	bool have = false;
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		const char *unit = loa_sql_col_text(st, 0);
		if (!have || strcmp(unit, u.unit) != 0) {
			if (have)
				json_array_append_new(arr, unit_json(&u));
			memset(&u, 0, sizeof u);
			loa_strlcpy(u.unit, unit, sizeof u.unit);
			have = true;
		}
		u.cases++;
		bool closed = !loa_sql_col_null(st, 3);
		if (!loa_sql_col_null(st, 2)) {
			u.answered++;
			loa_ms created = loa_sql_col_i64(st, 1), ans = loa_sql_col_i64(st, 2);
			/* working days to answer, the waiting time left out */
			loa_ms paused = loa_sql_col_i64(st, 6);
			int d = loa_calendar_working_days_between(w->cal, loa_vn_day(created + paused), loa_vn_day(ans));
			if (u.nd == u.cap) {
				size_t nc = u.cap ? u.cap * 2 : 16;
				int *p = realloc(u.days, nc * sizeof *p);
				if (p) {
					u.days = p;
					u.cap = nc;
				}
			}
			if (u.nd < u.cap)
				u.days[u.nd++] = d;
			if (loa_sql_col_null(st, 4) || ans <= loa_sql_col_i64(st, 4))
				u.on_time++;
		} else if (!closed) {
			u.open++;
			if (!loa_sql_col_null(st, 4) && loa_sql_col_null(st, 5) && loa_sql_col_i64(st, 4) < now)
				u.overdue++;
		}
	}
	if (have)
		json_array_append_new(arr, unit_json(&u));
	loa_sql_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return LOA_OK;
}

int loa_wf_setting_public(loa_wf *w, const char *org, int set, bool *is_public, loa_err *err)
{
	loa_stmt *st;
	int rc;
	if (set >= 0) {
		rc = loa_sql_cached(w->s, "INSERT INTO wf_setting(org, public_stats) VALUES(?1, ?2)"
				    " ON CONFLICT(org) DO UPDATE SET public_stats = excluded.public_stats", &st, err);
		if (rc)
			return rc;
		loa_sql_bind_text(st, 1, org);
		loa_sql_bind_i64(st, 2, set);
		if ((rc = loa_sql_run(st, err)))
			return rc;
	}
	rc = loa_sql_cached(w->s, "SELECT public_stats FROM wf_setting WHERE org = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_text(st, 1, org);
	rc = loa_sql_step(st, err);
	if (is_public)
		*is_public = rc == LOA_SQL_ROW && loa_sql_col_i64(st, 0) != 0;
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}
