/*
 * api.c - the workflow API: cases and their actions, questions,
 * corrections, feedback, attachments, rules, notices, statistics,
 * conferences, policies and comments, plans, the rebuttal kit, public
 * pages. Every route and its body are described in docs/api/openapi.json.
 */
#include "workflow/api.h"
#include "analyze/classify.h"
#include "core/log.h"
#include "core/map.h"
#include "core/paths.h"
#include "core/str.h"
#include "http/app_int.h"
#include "workflow/wf_int.h"
#include "workflow/workflow.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define R(x) LOA_ROLE_BIT(LOA_ROLE_##x)
#define STAFF LOA_ROLES_STAFF
#define OFFICE (R(SPOKESPERSON) | R(ADMIN))
#define EDITORS (R(SPOKESPERSON) | R(EDITOR) | R(ADMIN))
#define KIT (R(SPOKESPERSON) | R(ANALYST) | R(EDITOR) | R(ADMIN))
#define ASKERS (R(JOURNALIST) | R(SPOKESPERSON) | R(ADMIN))
#define USER LOA_ROLES_USER
#define ANY LOA_ROLES_ANY

/* ---- configuration shared by the handlers ------------------------------ */

static pthread_mutex_t cfg_mu = PTHREAD_MUTEX_INITIALIZER;
static const loa_config *api_cfg;
static loa_calendar api_cal;
static bool cal_ready;
static loa_cls_model *tox_model;
static bool tox_tried;

void loa_workflow_api_config(const loa_config *cfg)
{
	pthread_mutex_lock(&cfg_mu);
	api_cfg = cfg;
	if (cal_ready)
		loa_calendar_release(&api_cal);
	cal_ready = false;
	pthread_mutex_unlock(&cfg_mu);
}

static int64_t cfg_i64(const char *key, int64_t def)
{
	return api_cfg ? loa_config_get_i64(api_cfg, key, def) : def;
}

static const loa_cls_model *toxicity(void)
{
	pthread_mutex_lock(&cfg_mu);
	if (!tox_tried) {
		tox_tried = true;
		loa_buf p;
		loa_buf_init(&p, LOA_PATH_MAX);
		if (loa_model_path("toxicity.model", &p, NULL) == LOA_OK &&
		    loa_cls_model_load(&tox_model, p.data, NULL) != LOA_OK)
			tox_model = NULL;
		loa_buf_release(&p);
	}
	pthread_mutex_unlock(&cfg_mu);
	return tox_model;
}

/* The engine on the calling thread's store; NULL and a response on error. */
static loa_store *wf_for(loa_app *app, loa_http_resp *w, loa_wf *wf)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return NULL;
	loa_err err;
	loa_err_clear(&err);
	pthread_mutex_lock(&cfg_mu);
	if (!cal_ready) {
		loa_calendar_init(&api_cal);
		loa_wf tmp;
		memset(&tmp, 0, sizeof tmp);
		if (api_cfg && loa_wf_config(&tmp, &api_cal, api_cfg, &err) != LOA_OK) {
			loa_warn("workflow.calendar", "msg=%s", loa_err_msg(&err));
			loa_calendar_release(&api_cal);
			loa_calendar_init(&api_cal);
		}
		cal_ready = true;
	}
	pthread_mutex_unlock(&cfg_mu);
	if (loa_wf_open(wf, s, &api_cal, &err) != LOA_OK) {
		loa_http_error(w, 503, "unavailable", "%s", loa_err_msg(&err));
		return NULL;
	}
	if (api_cfg) {
		/* settings only (the shared calendar is already loaded) */
		wf->cfg = api_cfg;
		wf->remind_days = (int)cfg_i64("workflow.remind_days", 1);
		size_t nt;
		const loa_wf_type *t = loa_wf_types(&nt);
		static const char *const keys[] = {"workflow.question_days", "workflow.correction_days",
						   "workflow.feedback_days"};
		for (size_t k = 0; k < 3; k++) {
			int64_t d = cfg_i64(keys[k], 0);
			for (size_t i = 0; i < nt && i < 8; i++)
				if (strncmp(keys[k] + 9, t[i].name, strlen(t[i].name)) == 0 && d > 0 &&
				    d <= LOA_CAL_SPAN_MAX)
					wf->days[i] = (int)d;
		}
	}
	return s;
}

static loa_wf_actor actor_of(loa_http_req *r)
{
	const loa_user *u = api_user(r);
	loa_wf_actor a = {NULL, LOA_ROLE_PUBLIC, NULL};
	if (u) {
		a.login = u->login;
		a.role = u->role;
		a.org = u->org[0] ? u->org : NULL;
	}
	return a;
}

static int fail(loa_http_resp *w, int rc, const loa_err *err)
{
	const char *msg = loa_err_msg(err);
	switch (rc) {
	case LOA_ENOTFOUND: return loa_http_error(w, 404, "not_found", "%s", msg);
	case LOA_EPERM: return loa_http_error(w, 403, "forbidden", "%s", msg);
	case LOA_EINVAL:
	case LOA_EPARSE: return loa_http_error(w, 400, "bad_request", "%s", msg);
	case LOA_WF_ECONFLICT: return loa_http_error(w, 409, "conflict", "%s", msg);
	case LOA_ETOOBIG: return loa_http_error(w, 413, "payload_too_large", "%s", msg);
	case LOA_EFULL: return loa_http_error(w, 507, "storage_full", "%s", msg);
	default: return loa_http_error(w, 500, "internal", "%s", msg);
	}
}

/* The reply of a handler that produced v (owned): fail() when rc is an
 * error (v is freed), else {key: v} with the given status. */
static int reply(loa_http_resp *w, int rc, loa_err *err, unsigned status, const char *key, json_t *v)
{
	if (rc) {
		json_decref(v);
		return fail(w, rc, err);
	}
	return loa_http_json(w, status, json_pack("{s:o}", key, v));
}

static int64_t path_id(loa_http_req *r, const char *name)
{
	int64_t id;
	if (loa_parse_i64(loa_http_param(r, name), &id) || id <= 0)
		return -1;
	return id;
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t jint(json_t *o, const char *k, int64_t def)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? json_integer_value(v) : def;
}

/* Rejects members of the wrong type: strings where strings are expected. */
static bool check_strings(json_t *o, const char *const *keys, loa_http_resp *w)
{
	for (const char *const *k = keys; *k; k++) {
		json_t *v = json_object_get(o, *k);
		if (v && !json_is_string(v) && !json_is_null(v)) {
			loa_http_error(w, 400, "bad_request", "%s phải là chuỗi / %s must be a string", *k, *k);
			return false;
		}
	}
	return true;
}

/* ---- rate limits for public submissions -------------------------------- */

#define RL_SLOTS 4096
typedef struct rl_slot {
	uint64_t key;
	loa_ms window;
	int count;
} rl_slot;
static rl_slot rl_table[RL_SLOTS];
static pthread_mutex_t rl_mu = PTHREAD_MUTEX_INITIALIZER;

/* Counts one more event of key in this minute's window; true while the
 * count stays within per (per <= 0: no limit). */
static bool rate_take(const char *kind, const char *peer, int64_t per)
{
	if (per <= 0)
		return true;
	char k[256];
	snprintf(k, sizeof k, "%s|%s", kind, peer ? peer : "");
	uint64_t h = loa_hash64(k, strlen(k));
	loa_ms win = loa_now_ms() / 60000;
	pthread_mutex_lock(&rl_mu);
	rl_slot *s = &rl_table[h % RL_SLOTS];
	if (s->key != h || s->window != win) {
		s->key = h;
		s->window = win;
		s->count = 0;
	}
	bool ok = s->count < per;
	if (ok)
		s->count++;
	pthread_mutex_unlock(&rl_mu);
	return ok;
}

/* True when peer may submit one more of kind this minute. */
static bool rate_ok(const char *kind, const char *peer)
{
	return rate_take(kind, peer, cfg_i64("workflow.public_per_min", 5));
}

static int too_many(loa_http_resp *w)
{
	loa_http_add_header(w, "Retry-After", "60");
	return loa_http_error(w, 429, "rate_limited", "gửi quá nhiều, vui lòng thử lại sau một phút / too many "
			      "submissions, try again in a minute");
}

/* Anonymous readers of the public pages: 60 reads a minute per address
 * for each submission allowed (workflow.public_per_min: 5 -> 300; 0 = no
 * limit); signed-in users are not counted. */
static bool read_ok(loa_http_req *r)
{
	if (api_user(r))
		return true;
	int64_t per = cfg_i64("workflow.public_per_min", 5);
	if (per <= 0)
		return true;
	per = per > INT64_MAX / 60 ? INT64_MAX : per * 60;
	return rate_take("read", loa_http_peer(r), per);
}

/* Staff see drafts being written, moderation queues and internal fields. */
static bool staff_of(const loa_wf_actor *a)
{
	return a->role == LOA_ROLE_ADMIN || a->role == LOA_ROLE_SPOKESPERSON || a->role == LOA_ROLE_EDITOR ||
	       a->role == LOA_ROLE_ANALYST;
}

/* ---- cases --------------------------------------------------------------- */

static int reply_case(loa_http_resp *w, loa_wf *wf, int64_t id, unsigned status, const loa_wf_actor *a)
{
	json_t *c = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_case_get(wf, id, true, &c, &err);
	if (rc)
		return fail(w, rc, &err);
	/* the requester's e-mail is for staff only */
	if (a->role == LOA_ROLE_PUBLIC || a->role == LOA_ROLE_JOURNALIST) {
		const char *req = jstr(c, "requester");
		if (!req || !a->login || strcmp(req, a->login) != 0)
			json_object_del(c, "email");
	}
	/* a rebuttal: its reach beside the claim's spread, as of now */
	const char *type = jstr(c, "type");
	if (type && strcmp(type, "rebuttal") == 0) {
		json_t *reach = NULL;
		if (loa_wf_kit_reach(wf, id, &reach, &err) == LOA_OK)
			json_object_set_new(c, "reach", reach);
		else
			loa_warn("workflow.reach", "case=%" PRId64 " msg=%s", id, loa_err_msg(&err));
	}
	return loa_http_json(w, status, json_pack("{s:o}", "case", c));
}

static int h_types(loa_http_req *r, loa_http_resp *w, void *app)
{
	return loa_http_json(w, 200, json_pack("{s:o}", "types", loa_wf_types_json()));
}

static int h_cases(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	loa_wf_filter f = {0};
	int64_t limit, before, parent, policy, group;
	if (api_query_int(r, w, "limit", 50, 1, 500, &limit) || api_query_int(r, w, "before", 0, 0, INT64_MAX, &before) ||
	    api_query_int(r, w, "parent", 0, 0, INT64_MAX, &parent) ||
	    api_query_int(r, w, "policy", 0, 0, INT64_MAX, &policy) || api_query_int(r, w, "group", 0, 0, INT64_MAX, &group))
		return 0;
	f.type = loa_http_query(r, "type");
	f.state = loa_http_query(r, "state");
	f.org = loa_http_query(r, "org");
	f.unit = loa_http_query(r, "unit");
	f.label = loa_http_query(r, "label");
	const char *open = loa_http_query(r, "open"), *overdue = loa_http_query(r, "overdue");
	f.open_only = open && strcmp(open, "1") == 0;
	f.overdue_only = overdue && strcmp(overdue, "1") == 0;
	f.limit = (int)limit;
	f.after_id = before;
	f.parent_id = parent;
	f.policy_id = policy;
	f.group_id = group;
	loa_wf_actor a = actor_of(r);
	/* staff of an organisation see its cases and its units' */
	if (a.role != LOA_ROLE_ADMIN && a.org && !f.org)
		f.org = a.org;
	if (f.type && !loa_wf_type_get(f.type))
		return loa_http_error(w, 400, "bad_parameter", "loại hồ sơ không hợp lệ / unknown type: %s", f.type);
	json_t *arr = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_cases_list(&wf, &f, &arr, &err);
	if (rc)
		return fail(w, rc, &err);
	json_t *out = json_pack("{s:o}", "cases", arr);
	size_t n = json_array_size(arr);
	json_object_set_new(out, "next_before", n == (size_t)limit ? json_integer(json_integer_value(
		json_object_get(json_array_get(arr, n - 1), "id"))) : json_null());
	return loa_http_json(w, 200, out);
}

static int h_case(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id = path_id(r, "id");
	if (id < 0)
		return loa_http_error(w, 400, "bad_parameter", "mã hồ sơ không hợp lệ / bad case id");
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_case_can_see(&wf, id, &a, &err);
	if (rc)
		return fail(w, rc, &err);
	return reply_case(w, &wf, id, 200, &a);
}

static int h_case_act(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id = path_id(r, "id");
	if (id < 0)
		return loa_http_error(w, 400, "bad_parameter", "mã hồ sơ không hợp lệ / bad case id");
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	static const char *const keys[] = {"action", "text", "note", "unit", "label", NULL};
	if (!check_strings(b, keys, w)) {
		json_decref(b);
		return 0;
	}
	loa_wf_act act = {jstr(b, "action"), jstr(b, "text"), jstr(b, "note"), jstr(b, "unit"), jstr(b, "label")};
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	char to[LOA_SLUG_MAX + 1];
	int rc = act.action ? loa_wf_case_act(&wf, id, &act, &a, to, &err)
			    : loa_err_set(&err, LOA_EINVAL, "cần action / action required");
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	loa_info("workflow.act", "user=%s case=%" PRId64 " to=%s", a.login ? a.login : "-", id, to);
	return reply_case(w, &wf, id, 200, &a);
}

static int h_case_edit(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id = path_id(r, "id");
	if (id < 0)
		return loa_http_error(w, 400, "bad_parameter", "mã hồ sơ không hợp lệ / bad case id");
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	static const char *const keys[] = {"title", "body", "topic", NULL};
	if (!check_strings(b, keys, w)) {
		json_decref(b);
		return 0;
	}
	json_t *data = json_object_get(b, "data");
	char *dt = json_is_object(data) ? json_dumps(data, JSON_COMPACT) : NULL;
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_case_can_see(&wf, id, &a, &err);
	if (!rc)
		rc = loa_wf_case_edit(&wf, id, jstr(b, "title"), jstr(b, "body"), jstr(b, "topic"), dt, &a, &err);
	free(dt);
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	return reply_case(w, &wf, id, 200, &a);
}

/* ---- attachments ------------------------------------------------------------ */

static int h_attach(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id = path_id(r, "id");
	if (id < 0)
		return loa_http_error(w, 400, "bad_parameter", "mã hồ sơ không hợp lệ / bad case id");
	const char *name = loa_http_query(r, "name");
	if (!name || !*name)
		return loa_http_error(w, 400, "bad_parameter", "cần tham số name (tên tệp) / name (file name) required");
	size_t n;
	const char *body = loa_http_body(r, &n);
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	int64_t aid = 0;
	int rc = loa_wf_case_can_see(&wf, id, &a, &err);
	if (!rc)
		rc = loa_wf_attach(&wf, id, name, body, n, (size_t)cfg_i64("workflow.attach_max", (int64_t)LOA_WF_ATTACH_MAX),
				   &a, &aid, &err);
	if (rc == LOA_EINVAL)
		return loa_http_error(w, 415, "unsupported_media_type", "%s", loa_err_msg(&err));
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 201, json_pack("{s:I,s:I}", "id", (json_int_t)aid, "case_id", (json_int_t)id));
}

static void pct_encode(loa_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		    *p == '-' || *p == '_') {
			loa_buf_putc(b, (char)*p);
		} else {
			loa_buf_putc(b, '%');
			loa_buf_putc(b, hex[*p >> 4]);
			loa_buf_putc(b, hex[*p & 15]);
		}
	}
}

static int h_attachment(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id = path_id(r, "id");
	if (id < 0)
		return loa_http_error(w, 400, "bad_parameter", "mã tệp không hợp lệ / bad attachment id");
	loa_buf data;
	loa_buf_init(&data, (size_t)64 << 20);
	char type[64], name[LOA_WF_ATTACH_NAME_MAX + 1];
	int64_t case_id = 0;
	loa_err err;
	loa_err_clear(&err);
	loa_wf_actor a = actor_of(r);
	int rc = loa_wf_attachment_get(&wf, id, &data, type, name, &case_id, &err);
	if (!rc)
		rc = loa_wf_case_can_see(&wf, case_id, &a, &err);
	if (rc) {
		loa_buf_release(&data);
		return fail(w, rc, &err);
	}
	/* never inline: a download, with the allow-listed type (the server
	 * adds X-Content-Type-Options: nosniff to every response) */
	loa_buf cd;
	loa_buf_init(&cd, 4096);
	loa_buf_puts(&cd, "attachment; filename=\"");
	for (const char *p = name; *p; p++)
		loa_buf_putc(&cd, (unsigned char)*p < 0x80 && *p != '"' && *p != '\\' ? *p : '_');
	loa_buf_puts(&cd, "\"; filename*=UTF-8''");
	pct_encode(&cd, name);
	loa_http_add_header(w, "Content-Disposition", cd.data);
	loa_buf_release(&cd);
	loa_http_add_header(w, "Content-Security-Policy", "default-src 'none'; sandbox");
	loa_http_add_header(w, "Cache-Control", "private, no-store");
	loa_http_content_type(w, type);
	loa_buf *out = loa_http_body_buf(w);
	rc = data.len ? loa_buf_append(out, data.data, data.len) : LOA_OK;
	loa_buf_release(&data);
	if (rc)
		return loa_http_error(w, 500, "internal", "out of memory");
	loa_http_status(w, 200);
	return 0;
}

/* ---- questions --------------------------------------------------------------- */

static int h_question_post(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	loa_store *s = wf_for(app, w, &wf);
	if (!s)
		return 0;
	loa_wf_actor a = actor_of(r);
	if (a.role == LOA_ROLE_JOURNALIST) {
		loa_org_rec o;
		if (!a.org || loa_store_org_get(s, a.org, &o, NULL) != LOA_OK ||
		    (strcmp(o.kind, "press") != 0 && strcmp(o.kind, "journalist") != 0))
			return loa_http_error(w, 403, "forbidden", "nhà báo phải thuộc một cơ quan báo chí trong danh bạ / "
					      "a journalist must belong to a press agency of the directory");
	}
	if (!rate_ok("question", a.login))
		return too_many(w);
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	static const char *const keys[] = {"title", "body", "topic", "org", "email", "name", NULL};
	if (!check_strings(b, keys, w)) {
		json_decref(b);
		return 0;
	}
	loa_err err;
	loa_err_clear(&err);
	int64_t conf = jint(b, "conference_id", 0), policy = jint(b, "policy_id", 0);
	const char *org = jstr(b, "org");
	loa_org_rec o;
	int rc = LOA_OK;
	if (org && loa_store_org_get(s, org, &o, NULL) != LOA_OK)
		rc = loa_err_set(&err, LOA_EINVAL, "không có tổ chức / no such organisation: %s", org);
	if (!rc && conf > 0) {
		json_t *c = NULL;
		rc = loa_wf_conf_get(&wf, conf, &c, &err);
		if (rc == LOA_ENOTFOUND)
			rc = LOA_EINVAL;
		if (!rc && !org)
			org = NULL;
		json_decref(c);
	}
	int64_t id = 0;
	if (!rc) {
		loa_wf_new n = {0};
		n.type = "question";
		n.org = org;
		n.title = jstr(b, "title");
		n.body = jstr(b, "body");
		n.topic = jstr(b, "topic");
		n.email = jstr(b, "email");
		n.name = jstr(b, "name");
		n.parent_id = conf;
		n.policy_id = policy;
		rc = loa_wf_case_create(&wf, &n, &a, &id, &err);
	}
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	loa_info("workflow.question", "user=%s case=%" PRId64, a.login ? a.login : "-", id);
	return reply_case(w, &wf, id, 201, &a);
}

static int h_questions_mine(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	loa_wf_actor a = actor_of(r);
	loa_wf_filter f = {0};
	f.requester = a.login;
	f.limit = 500;
	json_t *arr = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_cases_list(&wf, &f, &arr, &err);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 200, json_pack("{s:o,s:n}", "cases", arr, "next_before"));
}

/* ---- corrections ------------------------------------------------------------- */

static int h_correction_post(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	static const char *const keys[] = {"form", "text", "legal_basis", "org", "agency", "deadline", NULL};
	if (!check_strings(b, keys, w)) {
		json_decref(b);
		return 0;
	}
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	loa_wf_correction c = {0};
	c.item_id = jint(b, "item_id", 0);
	c.form = jstr(b, "form");
	c.text = jstr(b, "text");
	c.legal_basis = jstr(b, "legal_basis");
	c.org = jstr(b, "org") ? jstr(b, "org") : a.org;
	c.agency = jstr(b, "agency");
	c.deadline = LOA_TIME_NONE;
	c.due_days = (int)jint(b, "due_days", 0);
	int rc = LOA_OK;
	const char *dl = jstr(b, "deadline");
	if (dl && loa_time_parse_rfc3339(dl, strlen(dl), &c.deadline) != LOA_OK)
		rc = loa_err_set(&err, LOA_EINVAL, "deadline phải là RFC 3339 / deadline must be RFC 3339");
	if (!rc && (c.due_days < 0 || c.due_days > 365))
		rc = loa_err_set(&err, LOA_EINVAL, "due_days trong [0, 365] / due_days in [0, 365]");
	if (!rc && c.item_id <= 0)
		rc = loa_err_set(&err, LOA_EINVAL, "cần item_id / item_id required");
	int64_t id = 0;
	if (!rc)
		rc = loa_wf_correction_create(&wf, &c, &a, &id, &err);
	if (rc == LOA_ENOTFOUND)
		rc = LOA_EINVAL;
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	return reply_case(w, &wf, id, 201, &a);
}

/* ---- feedback ------------------------------------------------------------------ */

static int h_feedback_post(loa_http_req *r, loa_http_resp *w, void *app)
{
	if (!rate_ok("feedback", loa_http_peer(r)))
		return too_many(w);
	loa_wf wf;
	loa_store *s = wf_for(app, w, &wf);
	if (!s)
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	static const char *const keys[] = {"title", "body", "topic", "org", "email", "name", NULL};
	if (!check_strings(b, keys, w)) {
		json_decref(b);
		return 0;
	}
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	const char *org = jstr(b, "org");
	loa_org_rec o;
	int rc = LOA_OK;
	if (org && loa_store_org_get(s, org, &o, NULL) != LOA_OK)
		rc = loa_err_set(&err, LOA_EINVAL, "không có tổ chức / no such organisation: %s", org);
	int64_t id = 0;
	if (!rc) {
		loa_wf_new n = {0};
		n.type = "feedback";
		n.org = org;
		n.title = jstr(b, "title");
		n.body = jstr(b, "body");
		n.topic = jstr(b, "topic");
		n.email = jstr(b, "email");
		n.name = jstr(b, "name");
		n.policy_id = jint(b, "policy_id", 0);
		rc = loa_wf_case_create(&wf, &n, &a, &id, &err);
	}
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	json_t *c = NULL;
	rc = loa_wf_case_get(&wf, id, false, &c, &err);
	if (rc)
		return fail(w, rc, &err);
	/* the public learn the reference, state and due date only */
	json_t *out = json_pack("{s:I,s:O,s:O,s:O}", "id", (json_int_t)id, "state", json_object_get(c, "state"),
				"state_vi", json_object_get(c, "state_vi"), "due_date",
				json_object_get(c, "due_date") ? json_object_get(c, "due_date") : json_null());
	json_decref(c);
	return loa_http_json(w, 201, wf_drop_nulls(out));
}

static int h_public_feedback(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	loa_wf_filter f = {0};
	f.type = "feedback";
	f.org = loa_http_query(r, "org");
	f.public_only = true;
	f.limit = 200;
	json_t *arr = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_cases_list(&wf, &f, &arr, &err);
	if (rc)
		return fail(w, rc, &err);
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		json_t *full = NULL;
		if (loa_wf_case_get(&wf, json_integer_value(json_object_get(v, "id")), false, &full, NULL) == LOA_OK) {
			json_array_append_new(out, wf_drop_nulls(json_pack(
				"{s:O,s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(full, "id"), "title",
				json_object_get(full, "title") ? json_object_get(full, "title") : json_null(), "body",
				json_object_get(full, "body"), "answer",
				json_object_get(full, "answer") ? json_object_get(full, "answer") : json_null(), "created_at",
				json_object_get(full, "created_at"), "answered_at",
				json_object_get(full, "answered_at") ? json_object_get(full, "answered_at") : json_null())));
			json_decref(full);
		}
	}
	json_decref(arr);
	return loa_http_json(w, 200, json_pack("{s:o}", "feedback", out));
}

/* ---- groups, stats, publications, settings --------------------------------- */

static int h_groups(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t min, limit;
	loa_ms since;
	if (api_query_int(r, w, "min", 2, 1, 100000, &min) || api_query_int(r, w, "limit", 50, 1, 500, &limit) ||
	    api_query_time(r, w, "since", &since))
		return 0;
	const char *type = loa_http_query(r, "type");
	if (type && !loa_wf_type_get(type))
		return loa_http_error(w, 400, "bad_parameter", "loại hồ sơ không hợp lệ / unknown type: %s", type);
	json_t *arr = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_groups(&wf, type ? type : "feedback", loa_http_query(r, "org"), (int)min, since, (int)limit, &arr, &err);
	return reply(w, rc, &err, 200, "groups", arr);
}

static int stats_reply(loa_http_req *r, loa_http_resp *w, loa_wf *wf, const char *org)
{
	loa_ms since;
	if (api_query_time(r, w, "since", &since))
		return 0;
	const char *type = loa_http_query(r, "type");
	if (type && !loa_wf_type_get(type))
		return loa_http_error(w, 400, "bad_parameter", "loại hồ sơ không hợp lệ / unknown type: %s", type);
	json_t *arr = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_stats(wf, type ? type : "question", org, since, &arr, &err);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 200, json_pack("{s:s,s:s?,s:o}", "type", type ? type : "question", "org", org, "units", arr));
}

static int h_stats(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	return stats_reply(r, w, &wf, loa_http_query(r, "org"));
}

static int h_public_stats(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	const char *org = loa_http_param(r, "org");
	bool pub = false;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_setting_public(&wf, org, -1, &pub, &err);
	if (rc)
		return fail(w, rc, &err);
	if (!pub)
		return loa_http_error(w, 404, "not_found", "tổ chức không công khai thời gian trả lời / this organisation "
				      "does not publish its response times");
	return stats_reply(r, w, &wf, org);
}

static int h_settings(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	loa_store *s = wf_for(app, w, &wf);
	if (!s)
		return 0;
	const char *org = loa_http_param(r, "org");
	loa_wf_actor a = actor_of(r);
	if (a.role != LOA_ROLE_ADMIN && (!a.org || strcmp(a.org, org) != 0))
		return loa_http_error(w, 403, "forbidden", "chỉ tổ chức của mình / only your own organisation");
	loa_org_rec o;
	if (loa_store_org_get(s, org, &o, NULL) != LOA_OK)
		return loa_http_error(w, 404, "not_found", "không có tổ chức / no such organisation: %s", org);
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	json_t *v = json_object_get(b, "public_stats");
	if (!json_is_boolean(v)) {
		json_decref(b);
		return loa_http_error(w, 400, "bad_request", "public_stats phải là true/false / must be a boolean");
	}
	bool pub = false;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_setting_public(&wf, org, json_is_true(v), &pub, &err);
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 200, json_pack("{s:s,s:b}", "org", org, "public_stats", pub));
}

static int h_publications(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t limit;
	if (api_query_int(r, w, "limit", 50, 1, 500, &limit))
		return 0;
	json_t *arr = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_publications(&wf, loa_http_query(r, "org"), (int)limit, &arr, &err);
	return reply(w, rc, &err, 200, "publications", arr);
}

/* ---- rules, notices --------------------------------------------------------- */

static int h_rules(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	json_t *arr = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_rules_list(&wf, &arr, &err);
	return reply(w, rc, &err, 200, "rules", arr);
}

static int h_rule_post(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	static const char *const keys[] = {"org", "unit", "topic", "keywords", "email", NULL};
	if (!check_strings(b, keys, w)) {
		json_decref(b);
		return 0;
	}
	loa_wf_actor a = actor_of(r);
	loa_wf_rule ru = {jstr(b, "org") ? jstr(b, "org") : a.org, jstr(b, "unit"), jstr(b, "topic"),
			  jstr(b, "keywords"), jstr(b, "email"), (int)jint(b, "priority", 0)};
	loa_err err;
	loa_err_clear(&err);
	int64_t id = 0;
	int rc = loa_wf_rule_add(&wf, &ru, &a, &id, &err);
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static int h_rule_delete(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id = path_id(r, "id");
	if (id < 0)
		return loa_http_error(w, 400, "bad_parameter", "mã quy tắc không hợp lệ / bad rule id");
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_rule_remove(&wf, id, &a, &err);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 200, json_pack("{s:b}", "ok", 1));
}

static int h_notices(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t limit;
	if (api_query_int(r, w, "limit", 100, 1, 500, &limit))
		return 0;
	const char *unread = loa_http_query(r, "unread");
	loa_wf_actor a = actor_of(r);
	json_t *arr = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_notices(&wf, &a, unread && strcmp(unread, "1") == 0, (int)limit, &arr, &err);
	return reply(w, rc, &err, 200, "notices", arr);
}

static int h_notice_read(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id = path_id(r, "id");
	if (id < 0)
		return loa_http_error(w, 400, "bad_parameter", "mã thông báo không hợp lệ / bad notice id");
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_notice_read(&wf, id, &a, &err);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 200, json_pack("{s:b}", "ok", 1));
}

/* ---- conferences -------------------------------------------------------------- */

static int h_confs(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	loa_ms since;
	if (api_query_time(r, w, "since", &since))
		return 0;
	json_t *arr = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_conf_list(&wf, loa_http_query(r, "org"), since, &arr, &err);
	return reply(w, rc, &err, 200, "conferences", arr);
}

static int h_conf_post(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	static const char *const keys[] = {"org", "title", "location", "start", "end", NULL};
	if (!check_strings(b, keys, w)) {
		json_decref(b);
		return 0;
	}
	loa_wf_actor a = actor_of(r);
	loa_wf_conf c = {jstr(b, "org") ? jstr(b, "org") : a.org, jstr(b, "title"), jstr(b, "location"), NULL, NULL,
			 LOA_TIME_NONE, LOA_TIME_NONE};
	const char *st = jstr(b, "start"), *en = jstr(b, "end");
	loa_err err;
	loa_err_clear(&err);
	int rc = LOA_OK;
	if (!st || !en || loa_time_parse_rfc3339(st, strlen(st), &c.start) || loa_time_parse_rfc3339(en, strlen(en), &c.end))
		rc = loa_err_set(&err, LOA_EINVAL, "start và end phải là RFC 3339 / start and end must be RFC 3339");
	int64_t id = 0;
	if (!rc)
		rc = loa_wf_conf_create(&wf, &c, &a, &id, &err);
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	json_t *o = NULL;
	if ((rc = loa_wf_conf_get(&wf, id, &o, &err)))
		return fail(w, rc, &err);
	return loa_http_json(w, 201, json_pack("{s:o}", "conference", o));
}

static int h_conf_schedule(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	loa_wf_actor a = actor_of(r);
	const char *org = jstr(b, "org") ? jstr(b, "org") : a.org;
	loa_err err;
	loa_err_clear(&err);
	int made = 0;
	int rc = org ? loa_wf_conf_schedule_year(&wf, org, (int)jint(b, "year", 0), (int)jint(b, "hour", 15), &a, &made, &err)
		     : loa_err_set(&err, LOA_EINVAL, "cần org / org required");
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 200, json_pack("{s:i}", "scheduled", made));
}

static int h_conf(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id = path_id(r, "id");
	if (id < 0)
		return loa_http_error(w, 400, "bad_parameter", "mã họp báo không hợp lệ / bad conference id");
	json_t *o = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_conf_get(&wf, id, &o, &err);
	return reply(w, rc, &err, 200, "conference", o);
}

static int h_conf_ics(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id = path_id(r, "id");
	if (id < 0)
		return loa_http_error(w, 400, "bad_parameter", "mã họp báo không hợp lệ / bad conference id");
	loa_buf b;
	loa_buf_init(&b, 1 << 20);
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_conf_ics(&wf, id, api_cfg ? loa_config_get(api_cfg, "smtp.from") : NULL, &b, &err);
	if (rc) {
		loa_buf_release(&b);
		return fail(w, rc, &err);
	}
	loa_http_add_header(w, "Content-Disposition", "attachment; filename=\"hop-bao.ics\"");
	loa_http_content_type(w, "text/calendar; charset=utf-8");
	rc = loa_buf_append(loa_http_body_buf(w), b.data, b.len);
	loa_buf_release(&b);
	if (rc)
		return loa_http_error(w, 500, "internal", "out of memory");
	loa_http_status(w, 200);
	return 0;
}

static int h_conf_invite(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id = path_id(r, "id");
	if (id < 0)
		return loa_http_error(w, 400, "bad_parameter", "mã họp báo không hợp lệ / bad conference id");
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	int n = 0;
	int rc = loa_wf_conf_invite(&wf, id, api_cfg ? loa_config_get(api_cfg, "smtp.from") : NULL, &a, &n, &err);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 200, json_pack("{s:i}", "recipients", n));
}

static int h_conf_close(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id = path_id(r, "id");
	if (id < 0)
		return loa_http_error(w, 400, "bad_parameter", "mã họp báo không hợp lệ / bad conference id");
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	json_t *held = json_object_get(b, "held");
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	int rc = json_is_boolean(held) ? loa_wf_conf_close(&wf, id, json_is_true(held), jstr(b, "summary"), &a, &err)
				       : loa_err_set(&err, LOA_EINVAL, "cần held (true/false) / held required");
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	json_t *o = NULL;
	if ((rc = loa_wf_conf_get(&wf, id, &o, &err)))
		return fail(w, rc, &err);
	return loa_http_json(w, 200, json_pack("{s:o}", "conference", o));
}

static int h_cadence(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t y, m, d;
	loa_civil_from_days(loa_vn_day(loa_now_ms()), &y, (unsigned *)&m, (unsigned *)&d);
	int64_t year;
	if (api_query_int(r, w, "year", y, 2000, 2199, &year))
		return 0;
	json_t *o = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_cadence(&wf, loa_http_param(r, "org"), (int)year, &o, &err);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 200, o);
}

/* ---- policies ------------------------------------------------------------------ */

static int policy_param(loa_http_req *r, loa_http_resp *w, loa_wf *wf, int64_t *id)
{
	const char *p = loa_http_param(r, "id");
	loa_err err;
	loa_err_clear(&err);
	if (loa_parse_i64(p, id) == LOA_OK && *id > 0)
		return 0;
	int rc = loa_wf_policy_id(wf, p, id, &err);
	if (rc) {
		fail(w, rc, &err);
		return -1;
	}
	return 0;
}

static int h_policies(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	if (!read_ok(r))
		return too_many(w);
	json_t *arr = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_policy_list(&wf, &arr, &err);
	loa_wf_actor a = actor_of(r);
	if (rc == LOA_OK && !staff_of(&a)) {
		/* the public see drafts once they are out for comment */
		for (size_t i = json_array_size(arr); i-- > 0;) {
			const char *stage = jstr(json_array_get(arr, i), "stage");
			if (!stage || strcmp(stage, "drafting") == 0)
				json_array_remove(arr, i);
		}
	}
	return reply(w, rc, &err, 200, "policies", arr);
}

/* The policy for a reader: NULL and a response when the reader may not
 * see it (a draft still being written is staff-only: 404); for the public
 * the internal fields are left out (monitoring query, linked cases, who
 * wrote each version) and comments are counted only once moderated. */
static json_t *policy_for(loa_http_resp *w, loa_wf *wf, int64_t id, bool with_text, const loa_wf_actor *a)
{
	json_t *o = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_policy_get(wf, id, with_text, &o, &err);
	if (rc) {
		fail(w, rc, &err);
		return NULL;
	}
	if (staff_of(a))
		return o;
	const char *stage = jstr(o, "stage");
	if (!stage || strcmp(stage, "drafting") == 0) {
		json_decref(o);
		loa_http_error(w, 404, "not_found", "không có chính sách / no such policy: %" PRId64, id);
		return NULL;
	}
	json_object_del(o, "query");
	json_object_del(o, "linked_cases");
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(o, "versions"), i, v) json_object_del(v, "by");
	json_t *counts = json_object_get(o, "comments");
	const char *k;
	void *tmp;
	json_object_foreach_safe(counts, tmp, k, v) if (strncmp(k, "visible", 7) != 0 && strncmp(k, "answered", 8) != 0)
		json_object_del(counts, k);
	return o;
}

static int h_policy_post(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	static const char *const keys[] = {"org", "slug", "title", "text", "query", NULL};
	if (!check_strings(b, keys, w)) {
		json_decref(b);
		return 0;
	}
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	int64_t id = 0;
	int rc = loa_wf_policy_create(&wf, jstr(b, "org") ? jstr(b, "org") : a.org, jstr(b, "slug"), jstr(b, "title"),
				      jstr(b, "text"), jstr(b, "query"), &a, &id, &err);
	json_decref(b);
	if (rc == LOA_EEXIST)
		return loa_http_error(w, 409, "conflict", "%s", loa_err_msg(&err));
	if (rc)
		return fail(w, rc, &err);
	json_t *o = NULL;
	if ((rc = loa_wf_policy_get(&wf, id, true, &o, &err)))
		return fail(w, rc, &err);
	return loa_http_json(w, 201, json_pack("{s:o}", "policy", o));
}

static int h_policy(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	if (!read_ok(r))
		return too_many(w);
	int64_t id;
	if (policy_param(r, w, &wf, &id))
		return 0;
	loa_wf_actor a = actor_of(r);
	json_t *o = policy_for(w, &wf, id, true, &a);
	return o ? loa_http_json(w, 200, json_pack("{s:o}", "policy", o)) : 0;
}

static int h_policy_version(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id;
	if (policy_param(r, w, &wf, &id))
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	int n = 0;
	int rc = loa_wf_policy_version_add(&wf, id, jstr(b, "text"), jstr(b, "note"), &a, &n, &err);
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 201, json_pack("{s:I,s:i}", "policy_id", (json_int_t)id, "version", n));
}

static int h_policy_stage(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id;
	if (policy_param(r, w, &wf, &id))
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_policy_stage(&wf, id, jstr(b, "stage"), jstr(b, "final_text"), &a, &err);
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	json_t *o = NULL;
	if ((rc = loa_wf_policy_get(&wf, id, false, &o, &err)))
		return fail(w, rc, &err);
	return loa_http_json(w, 200, json_pack("{s:o}", "policy", o));
}

static int h_policy_diff(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	if (!read_ok(r))
		return too_many(w);
	int64_t id, from, to;
	if (policy_param(r, w, &wf, &id) || api_query_int(r, w, "from", 1, 1, 100000, &from) ||
	    api_query_int(r, w, "to", 0, 0, 100000, &to))
		return 0;
	loa_wf_actor a = actor_of(r);
	json_t *o = policy_for(w, &wf, id, false, &a);
	if (!o)
		return 0;
	json_decref(o);
	o = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_policy_diff(&wf, id, (int)from, (int)to, &o, &err);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 200, o);
}

static int h_comment_post(loa_http_req *r, loa_http_resp *w, void *app)
{
	if (!rate_ok("comment", loa_http_peer(r)))
		return too_many(w);
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id;
	if (policy_param(r, w, &wf, &id))
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	static const char *const keys[] = {"text", "name", "email", NULL};
	if (!check_strings(b, keys, w)) {
		json_decref(b);
		return 0;
	}
	loa_wf_comment c = {id, (int)jint(b, "version", 0), jint(b, "start", -1), jint(b, "end", -1), jstr(b, "text"),
			    jstr(b, "name"), jstr(b, "email")};
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	int64_t cid = 0;
	int rc = loa_wf_comment_submit(&wf, &c, toxicity(), &a, &cid, &err);
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 201, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)cid, "state", "pending", "state_vi",
					       "chờ kiểm duyệt"));
}

static int h_comments(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	if (!read_ok(r))
		return too_many(w);
	int64_t id;
	if (policy_param(r, w, &wf, &id))
		return 0;
	loa_wf_actor a = actor_of(r);
	bool staff = staff_of(&a);
	const char *state = loa_http_query(r, "state");
	if (!staff && state && strcmp(state, "visible") != 0 && strcmp(state, "answered") != 0)
		return loa_http_error(w, 403, "forbidden", "chỉ cán bộ xem góp ý chờ kiểm duyệt / only staff see the "
				      "moderation queue");
	loa_wf_filter f = {0};
	f.type = "comment";
	f.policy_id = id;
	f.state = state;
	f.limit = 1000;
	json_t *arr = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_cases_list(&wf, &f, &arr, &err);
	if (rc)
		return fail(w, rc, &err);
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		const char *st = jstr(v, "state");
		if (!staff && strcmp(st, "visible") != 0 && strcmp(st, "answered") != 0)
			continue;
		json_t *full = NULL;
		if (loa_wf_case_get(&wf, json_integer_value(json_object_get(v, "id")), false, &full, NULL) != LOA_OK)
			continue;
		json_t *d = json_object_get(full, "data");
		json_t *o = json_pack("{s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(full, "id"), "state",
				      json_object_get(full, "state"), "state_vi", json_object_get(full, "state_vi"), "text",
				      json_object_get(full, "body"), "created_at", json_object_get(full, "created_at"));
		static const char *const copy[] = {"name", "label", "answer", "answered_at", NULL};
		for (const char *const *k = copy; *k; k++)
			if (json_object_get(full, *k))
				json_object_set(o, strcmp(*k, "label") == 0 ? "disposition" : *k, json_object_get(full, *k));
		static const char *const dcopy[] = {"version", "start", "end", "quote", NULL};
		for (const char *const *k = dcopy; *k; k++)
			if (json_object_get(d, *k))
				json_object_set(o, *k, json_object_get(d, *k));
		if (staff && json_object_get(d, "toxicity"))
			json_object_set(o, "toxicity", json_object_get(d, "toxicity"));
		if (staff && json_is_string(json_object_get(d, "held")))
			json_object_set(o, "held", json_object_get(d, "held"));
		json_array_append_new(out, o);
		json_decref(full);
	}
	json_decref(arr);
	return loa_http_json(w, 200, json_pack("{s:o}", "comments", out));
}

static int h_policy_coverage(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	loa_store *s = wf_for(app, w, &wf);
	if (!s)
		return 0;
	int64_t id;
	if (policy_param(r, w, &wf, &id))
		return 0;
	loa_ms since, until;
	if (api_query_time(r, w, "since", &since) || api_query_time(r, w, "until", &until))
		return 0;
	json_t *p = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_policy_get(&wf, id, false, &p, &err);
	if (rc)
		return fail(w, rc, &err);
	const char *q = jstr(p, "query");
	char *qc = q ? strdup(q) : NULL;
	json_decref(p);
	if (!qc)
		return loa_http_error(w, 400, "bad_request", "chính sách chưa có truy vấn theo dõi / the policy has no query");
	struct loa_search *se = loa_app_search(app, &err);
	json_t *o = NULL;
	rc = se ? loa_wf_coverage(se, s, qc, since == LOA_TIME_NONE ? 0 : since,
				  until == LOA_TIME_NONE ? loa_now_ms() + 86400000 : until, &o, &err)
		: LOA_EIO;
	free(qc);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 200, o);
}

/* ---- plans ----------------------------------------------------------------------- */

static int h_plans(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	json_t *arr = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_plan_list(&wf, loa_http_query(r, "org"), &arr, &err);
	return reply(w, rc, &err, 200, "plans", arr);
}

static int h_plan_post(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	int64_t id = 0;
	int rc = loa_wf_plan_create(&wf, jstr(b, "org") ? jstr(b, "org") : a.org, jstr(b, "title"), (int)jint(b, "year", 0),
				    (int)jint(b, "quarter", 0), &a, &id, &err);
	/* themes and tasks may come with the plan */
	json_t *themes = json_object_get(b, "themes");
	size_t i;
	json_t *t;
	json_array_foreach(themes, i, t) {
		if (rc)
			break;
		int64_t tid = 0;
		rc = loa_wf_plan_theme_add(&wf, id, jstr(t, "theme"), jstr(t, "message"), jstr(t, "channels"),
					   jstr(t, "query"), &tid, &err);
		json_t *tasks = json_object_get(t, "tasks");
		size_t k;
		json_t *x;
		json_array_foreach(tasks, k, x) {
			if (rc)
				break;
			rc = loa_wf_plan_task_add(&wf, id, tid, jstr(x, "title"), jstr(x, "owner"), jstr(x, "due_date"), NULL,
						  &err);
		}
	}
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	json_t *o = NULL;
	if ((rc = loa_wf_plan_get(&wf, id, &o, &err)))
		return fail(w, rc, &err);
	return loa_http_json(w, 201, json_pack("{s:o}", "plan", o));
}

static int h_plan(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	loa_store *s = wf_for(app, w, &wf);
	if (!s)
		return 0;
	int64_t id = path_id(r, "id");
	if (id < 0)
		return loa_http_error(w, 400, "bad_parameter", "mã kế hoạch không hợp lệ / bad plan id");
	json_t *o = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_plan_get(&wf, id, &o, &err);
	if (rc)
		return fail(w, rc, &err);
	/* measured: coverage and tone of each theme's query in the period */
	loa_ms from, to;
	struct loa_search *se = NULL;
	if (loa_wf_plan_period(&wf, id, &from, &to, NULL) == LOA_OK)
		se = loa_app_search(app, NULL);
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(o, "themes"), i, t) {
		const char *q = jstr(t, "query");
		json_t *cov = NULL;
		if (se && q && loa_wf_coverage(se, s, q, from, to, &cov, NULL) == LOA_OK)
			json_object_set_new(t, "coverage", cov);
	}
	return loa_http_json(w, 200, json_pack("{s:o}", "plan", o));
}

static int h_plan_task(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id = path_id(r, "id");
	if (id < 0)
		return loa_http_error(w, 400, "bad_parameter", "mã kế hoạch không hợp lệ / bad plan id");
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	loa_err err;
	loa_err_clear(&err);
	int64_t tid = 0;
	int rc = loa_wf_plan_task_add(&wf, id, jint(b, "theme_id", 0), jstr(b, "title"), jstr(b, "owner"),
				      jstr(b, "due_date"), &tid, &err);
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 201, json_pack("{s:I}", "id", (json_int_t)tid));
}

static int h_task_done(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	int64_t id = path_id(r, "id");
	if (id < 0)
		return loa_http_error(w, 400, "bad_parameter", "mã nhiệm vụ không hợp lệ / bad task id");
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	loa_wf_actor a = actor_of(r);
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_wf_plan_task_done(&wf, id, jstr(b, "link"), &a, &err);
	json_decref(b);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 200, json_pack("{s:b}", "ok", 1));
}

/* ---- the rebuttal kit -------------------------------------------------------------- */

static int h_rebuttal_post(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_wf wf;
	if (!wf_for(app, w, &wf))
		return 0;
	json_t *b = api_body_object(r, w);
	if (!b)
		return 0;
	static const char *const keys[] = {"text", "title", "org", NULL};
	if (!check_strings(b, keys, w)) {
		json_decref(b);
		return 0;
	}
	loa_wf_actor a = actor_of(r);
	loa_wf_kit_in in = {jint(b, "claim_id", 0), jstr(b, "text"), jstr(b, "title"), jstr(b, "org") ? jstr(b, "org") : a.org};
	loa_err err;
	loa_err_clear(&err);
	int64_t id = 0;
	struct loa_search *se = loa_app_search(app, NULL);
	int rc = loa_wf_kit_build(&wf, &in, se, &a, &id, &err);
	json_decref(b);
	if (rc == LOA_ENOTFOUND)
		return loa_http_error(w, 404, "not_found", "%s", loa_err_msg(&err));
	if (rc)
		return fail(w, rc, &err);
	return reply_case(w, &wf, id, 201, &a);
}

static const loa_http_route routes[] = {
	{"GET", "/api/v1/workflow/types", h_types, ANY},
	{"GET", "/api/v1/workflow/cases", h_cases, STAFF},
	{"GET", "/api/v1/workflow/cases/{id}", h_case, USER},
	{"PATCH", "/api/v1/workflow/cases/{id}", h_case_edit, USER},
	{"POST", "/api/v1/workflow/cases/{id}/actions", h_case_act, USER},
	{"POST", "/api/v1/workflow/cases/{id}/attachments", h_attach, USER},
	{"GET", "/api/v1/workflow/attachments/{id}", h_attachment, USER},
	{"GET", "/api/v1/workflow/rules", h_rules, STAFF},
	{"POST", "/api/v1/workflow/rules", h_rule_post, OFFICE},
	{"DELETE", "/api/v1/workflow/rules/{id}", h_rule_delete, OFFICE},
	{"GET", "/api/v1/workflow/notices", h_notices, USER},
	{"POST", "/api/v1/workflow/notices/{id}/read", h_notice_read, USER},
	{"GET", "/api/v1/workflow/stats", h_stats, STAFF},
	{"GET", "/api/v1/workflow/groups", h_groups, STAFF},
	{"PUT", "/api/v1/workflow/settings/{org}", h_settings, OFFICE},
	{"GET", "/api/v1/workflow/cadence/{org}", h_cadence, STAFF},
	{"POST", "/api/v1/questions", h_question_post, ASKERS},
	{"GET", "/api/v1/questions/mine", h_questions_mine, USER},
	{"POST", "/api/v1/corrections", h_correction_post, OFFICE},
	{"POST", "/api/v1/feedback", h_feedback_post, ANY},
	{"GET", "/api/v1/conferences", h_confs, USER},
	{"POST", "/api/v1/conferences", h_conf_post, OFFICE},
	{"POST", "/api/v1/conferences/schedule", h_conf_schedule, OFFICE},
	{"GET", "/api/v1/conferences/{id}", h_conf, USER},
	{"GET", "/api/v1/conferences/{id}/ics", h_conf_ics, USER},
	{"POST", "/api/v1/conferences/{id}/invite", h_conf_invite, OFFICE},
	{"POST", "/api/v1/conferences/{id}/close", h_conf_close, OFFICE},
	{"GET", "/api/v1/policies", h_policies, ANY},
	{"POST", "/api/v1/policies", h_policy_post, EDITORS},
	{"GET", "/api/v1/policies/{id}", h_policy, ANY},
	{"POST", "/api/v1/policies/{id}/versions", h_policy_version, EDITORS},
	{"POST", "/api/v1/policies/{id}/stage", h_policy_stage, EDITORS},
	{"GET", "/api/v1/policies/{id}/diff", h_policy_diff, ANY},
	{"GET", "/api/v1/policies/{id}/comments", h_comments, ANY},
	{"POST", "/api/v1/policies/{id}/comments", h_comment_post, ANY},
	{"GET", "/api/v1/policies/{id}/coverage", h_policy_coverage, STAFF},
	{"GET", "/api/v1/plans", h_plans, STAFF},
	{"POST", "/api/v1/plans", h_plan_post, EDITORS},
	{"GET", "/api/v1/plans/{id}", h_plan, STAFF},
	{"POST", "/api/v1/plans/{id}/tasks", h_plan_task, EDITORS},
	{"POST", "/api/v1/plans/tasks/{id}/done", h_task_done, STAFF},
	{"POST", "/api/v1/rebuttals", h_rebuttal_post, KIT},
	{"GET", "/api/v1/public/publications", h_publications, ANY},
	{"GET", "/api/v1/public/feedback", h_public_feedback, ANY},
	{"GET", "/api/v1/public/stats/{org}", h_public_stats, ANY},
};

const loa_http_route *loa_workflow_routes(size_t *n)
{
	*n = sizeof routes / sizeof routes[0];
	return routes;
}
