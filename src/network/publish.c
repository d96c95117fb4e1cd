/*
 * publish.c - official publishing (SPEC N2): the workflow draft -> review
 * -> approved -> published by role and organisation, embargo, signed
 * versions (corrections, withdrawals), release into the store and to the
 * WebSub hub, and the queries feeds and pages use.
 */
#include "network/net_int.h"
#include "network/sign.h"
#include "network/websub.h"
#include "core/log.h"
#include "store/sql.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

static const struct {
	const char *kind, *vi;
} kinds[] = {
	{"statement", "Thông tin phát ngôn"},
	{"press_release", "Thông cáo báo chí"},
	{"answer", "Trả lời"},
	{"rebuttal", "Thông tin phản bác"},
	{"policy_draft", "Dự thảo chính sách"},
};

bool loa_official_kind_ok(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return true;
	return false;
}

const char *loa_official_kind_vi(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return kinds[i].vi;
	return "Thông tin chính thức";
}

loa_actor loa_actor_cli(void)
{
	loa_actor a = {"cli", LOA_ROLE_ADMIN, ""};
	return a;
}

loa_actor loa_actor_user(const loa_user *u)
{
	loa_actor a = {u->login, u->role, u->org};
	return a;
}

bool loa_official_org_allowed(const loa_actor *a, const char *org)
{
	if (a->role == LOA_ROLE_ADMIN && (!a->org || !a->org[0]))
		return true;
	if (a->role == LOA_ROLE_ADMIN)
		return true; /* administrators act for the whole instance */
	return a->org && org && strcmp(a->org, org) == 0;
}

static bool role_in(const loa_actor *a, int r1, int r2)
{
	return a->role == r1 || a->role == r2;
}

#define CAN_DRAFT(a) role_in(a, LOA_ROLE_EDITOR, LOA_ROLE_ADMIN)
#define CAN_APPROVE(a) role_in(a, LOA_ROLE_SPOKESPERSON, LOA_ROLE_ADMIN)

static int deny_role(const loa_actor *a, loa_err *err, const char *what)
{
	return loa_err_set(err, LOA_EPERM, "vai trò %s không được %s / role %s may not do this",
			   loa_role_name_vi(a->role), what, loa_role_name(a->role));
}

static int deny_org(const char *org, loa_err *err)
{
	return loa_err_set(err, LOA_EPERM, "tin của cơ quan khác (%s) / an item of another organisation (%s)",
			   org, org);
}

void loa_official_release(loa_official *o)
{
	free(o->title);
	free(o->body);
	o->title = o->body = NULL;
}

static const char *col(loa_stmt *st, int i)
{
	const char *t = loa_sql_col_text(st, i);
	return t ? t : "";
}

int loa_official_get(loa_store *s, int64_t id, loa_official *o, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	loa_stmt *st;
	rc = loa_sql_cached(s, "SELECT id, org, kind, state, topic, created_by, approved_by, created_at, updated_at, "
			       "embargo_until, first_published, version, title, body FROM net_official WHERE id = ?1",
			    &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	rc = loa_sql_step(st, err);
	memset(o, 0, sizeof *o);
	if (rc == LOA_SQL_ROW) {
		o->id = loa_sql_col_i64(st, 0);
		loa_strlcpy(o->org, col(st, 1), sizeof o->org);
		loa_strlcpy(o->kind, col(st, 2), sizeof o->kind);
		loa_strlcpy(o->state, col(st, 3), sizeof o->state);
		loa_strlcpy(o->topic, col(st, 4), sizeof o->topic);
		loa_strlcpy(o->created_by, col(st, 5), sizeof o->created_by);
		loa_strlcpy(o->approved_by, col(st, 6), sizeof o->approved_by);
		o->created_at = loa_sql_col_i64(st, 7);
		o->updated_at = loa_sql_col_i64(st, 8);
		o->embargo_until = loa_sql_col_null(st, 9) ? LOA_TIME_NONE : loa_sql_col_i64(st, 9);
		o->first_published = loa_sql_col_null(st, 10) ? LOA_TIME_NONE : loa_sql_col_i64(st, 10);
		o->version = (int)loa_sql_col_i64(st, 11);
		o->title = strdup(col(st, 12));
		o->body = strdup(col(st, 13));
		rc = o->title && o->body ? LOA_OK : LOA_ENOMEM;
		if (rc)
			loa_official_release(o);
	} else if (rc == LOA_SQL_DONE) {
		rc = loa_err_set(err, LOA_ENOTFOUND, "không có tin chính thức / no such official item: %" PRId64, id);
	}
	loa_sql_reset(st);
	return rc;
}

static bool has_controls(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
		if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
			return true;
	return false;
}

static int check_text(const char *title, const char *body, loa_err *err)
{
	if (has_controls(title) || has_controls(body))
		return loa_err_set(err, LOA_EINVAL, "văn bản có ký tự điều khiển / text has control characters");
	if (title && (!*title || strlen(title) > LOA_OFFICIAL_TITLE_MAX))
		return loa_err_set(err, LOA_EINVAL, "tiêu đề trống hoặc quá dài / title empty or over %d bytes",
				   LOA_OFFICIAL_TITLE_MAX);
	if (body && (!*body || strlen(body) > LOA_OFFICIAL_BODY_MAX))
		return loa_err_set(err, LOA_EINVAL, "nội dung trống hoặc quá dài / body empty or over %zu bytes",
				   LOA_OFFICIAL_BODY_MAX);
	return LOA_OK;
}

int loa_official_create(loa_store *s, const loa_actor *a, const loa_official_draft *d, int64_t *id,
			loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	if (!CAN_DRAFT(a))
		return deny_role(a, err, "soạn thảo");
	if (!d->org || !loa_official_org_allowed(a, d->org))
		return deny_org(d->org ? d->org : "-", err);
	if (!loa_official_kind_ok(d->kind))
		return loa_err_set(err, LOA_EINVAL, "loại tin không hợp lệ / kind must be one of: %s",
				   LOA_OFFICIAL_KINDS);
	if ((rc = check_text(d->title ? d->title : "", d->body ? d->body : "", err)) != LOA_OK)
		return rc;
	if (d->topic && *d->topic && !net_slug_ok(d->topic))
		return loa_err_set(err, LOA_EINVAL, "chủ đề chỉ gồm a-z 0-9 - / topic must be [a-z0-9-]");
	loa_org_rec o;
	if ((rc = loa_store_org_get(s, d->org, &o, err)) != LOA_OK)
		return rc == LOA_ENOTFOUND ? loa_err_set(err, LOA_EINVAL, "không có cơ quan / no such organisation: %s",
							 d->org)
					   : rc;
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, "INSERT INTO net_official(org, kind, state, title, body, topic, embargo_until, "
				    "created_by, created_at, updated_at) VALUES (?1, ?2, 'draft', ?3, ?4, ?5, ?6, ?7, "
				    "?8, ?8)", &st, err)) != LOA_OK)
		return rc;
	loa_ms now = loa_now_ms();
	loa_sql_bind_text(st, 1, d->org);
	loa_sql_bind_text(st, 2, d->kind);
	loa_sql_bind_text(st, 3, d->title);
	loa_sql_bind_text(st, 4, d->body);
	loa_sql_bind_text(st, 5, d->topic && *d->topic ? d->topic : NULL);
	if (d->embargo_until == LOA_TIME_NONE)
		loa_sql_bind_null(st, 6);
	else
		loa_sql_bind_i64(st, 6, d->embargo_until);
	loa_sql_bind_text(st, 7, a->login);
	loa_sql_bind_i64(st, 8, now);
	if ((rc = loa_sql_run(st, err)) != LOA_OK)
		return rc;
	int64_t nid = loa_sql_last_id(s);
	char target[64], detail[256];
	snprintf(target, sizeof target, "official:%" PRId64, nid);
	snprintf(detail, sizeof detail, "{\"org\":\"%s\",\"kind\":\"%s\"}", d->org, d->kind);
	if ((rc = net_audit(s, a->login, "official.create", target, detail, err)) != LOA_OK)
		return rc;
	if (id)
		*id = nid;
	return LOA_OK;
}

/* Moves an item from one of the states in `from` (space-separated) to
 * `to`, checking role and organisation. */
static int transition(loa_store *s, const loa_actor *a, int64_t id, const char *from, const char *to,
		      bool approver, const char *action, const char *note, loa_err *err)
{
	loa_official o;
	int rc = loa_official_get(s, id, &o, err);
	if (rc)
		return rc;
	if (approver ? !CAN_APPROVE(a) : !CAN_DRAFT(a)) {
		loa_official_release(&o);
		return deny_role(a, err, approver ? "phê duyệt" : "soạn thảo");
	}
	if (!loa_official_org_allowed(a, o.org)) {
		rc = deny_org(o.org, err);
		loa_official_release(&o);
		return rc;
	}
	bool ok = false;
	char f[128];
	loa_strlcpy(f, from, sizeof f);
	loa_str rest = loa_str_c(f);
	while (rest.n) {
		loa_str one = loa_str_split(&rest, ' ');
		if (loa_str_eqc(one, o.state))
			ok = true;
	}
	if (!ok) {
		rc = loa_err_set(err, LOA_EEXIST, "không thể chuyển từ trạng thái %s sang %s / cannot go from %s to %s",
				 o.state, to, o.state, to);
		loa_official_release(&o);
		return rc;
	}
	loa_official_release(&o);
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, "UPDATE net_official SET state = ?2, updated_at = ?3, approved_by = "
				    "CASE WHEN ?2 = 'approved' THEN ?4 WHEN ?2 = 'draft' THEN NULL ELSE approved_by END "
				    "WHERE id = ?1", &st, err)) != LOA_OK)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	loa_sql_bind_text(st, 2, to);
	loa_sql_bind_i64(st, 3, loa_now_ms());
	loa_sql_bind_text(st, 4, a->login);
	if ((rc = loa_sql_run(st, err)) != LOA_OK)
		return rc;
	char target[64];
	snprintf(target, sizeof target, "official:%" PRId64, id);
	json_t *d = json_pack("{s:s,s:s?}", "state", to, "note", note);
	char *dj = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	rc = net_audit(s, a->login, action, target, dj, err);
	free(dj);
	return rc;
}

int loa_official_edit(loa_store *s, const loa_actor *a, int64_t id, const char *title, const char *body,
		      loa_err *err)
{
	int rc = check_text(title, body, err);
	if (rc)
		return rc;
	if ((rc = transition(s, a, id, "draft", "draft", false, "official.edit", NULL, err)) != LOA_OK)
		return rc;
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, "UPDATE net_official SET title = COALESCE(?2, title), body = COALESCE(?3, body) "
				    "WHERE id = ?1", &st, err)) != LOA_OK)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	loa_sql_bind_text(st, 2, title);
	loa_sql_bind_text(st, 3, body);
	return loa_sql_run(st, err);
}

int loa_official_submit(loa_store *s, const loa_actor *a, int64_t id, loa_err *err)
{
	return transition(s, a, id, "draft", LOA_OFF_REVIEW, false, "official.submit", NULL, err);
}

int loa_official_approve(loa_store *s, const loa_actor *a, int64_t id, loa_err *err)
{
	return transition(s, a, id, "review", LOA_OFF_APPROVED, true, "official.approve", NULL, err);
}

int loa_official_return(loa_store *s, const loa_actor *a, int64_t id, const char *note, loa_err *err)
{
	return transition(s, a, id, "review approved", LOA_OFF_DRAFT, true, "official.return", note, err);
}

int loa_official_url(const char *base_url, const char *org, int64_t id, loa_buf *out)
{
	return loa_buf_printf(out, "%s/p/%s/%" PRId64, base_url, org, id);
}

/* Signs and stores version `version` of item o. */
static int add_version(loa_store *s, const loa_config *cfg, const loa_official *o, int version,
		       const char *status, const char *title, const char *body, const char *reason,
		       loa_ms visible_at, loa_ms first_published, const char *actor, loa_err *err)
{
	loa_buf base, url, keys;
	loa_buf_init(&base, 4096);
	loa_buf_init(&url, 8192);
	loa_buf_init(&keys, 8192);
	int rc = loa_network_base_url(cfg, &base);
	if (rc == LOA_OK)
		rc = loa_official_url(base.data, o->org, o->id, &url);
	if (rc == LOA_OK)
		rc = loa_buf_printf(&keys, "%s%s", base.data, LOA_KEYS_PATH);
	loa_org_rec org;
	if (rc == LOA_OK)
		rc = loa_store_org_get(s, o->org, &org, err);
	json_t *fields = NULL, *sigobj = NULL;
	loa_buf canon;
	loa_buf_init(&canon, LOA_OFFICIAL_BODY_MAX * 7 + 65536);
	if (rc == LOA_OK) {
		char pub[LOA_TIME_STR_MAX], upd[LOA_TIME_STR_MAX], sat[LOA_TIME_STR_MAX];
		loa_ms now = loa_now_ms();
		fields = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s}", "format", "loa-official/1",
				   "id", url.data, "org", o->org, "org_name", org.name, "kind", o->kind, "version",
				   version, "status", status, "title", title, "text", body, "published",
				   loa_time_format_rfc3339(first_published, pub), "updated",
				   loa_time_format_rfc3339(visible_at, upd), "signed_at",
				   loa_time_format_rfc3339(now, sat));
		if (!fields) {
			rc = loa_err_set(err, LOA_EINVAL, "văn bản không phải UTF-8 / text is not valid UTF-8");
		} else {
			if (o->topic[0])
				json_object_set_new(fields, "topic", json_string(o->topic));
			if (version > 1)
				json_object_set_new(fields, "previous", json_integer(version - 1));
			if (reason && *reason)
				json_object_set_new(fields, "reason", json_string(reason));
			rc = loa_sign_fields(s, cfg, o->org, keys.data, fields, &sigobj, err);
		}
	}
	if (rc == LOA_OK)
		rc = loa_jcs(json_object_get(sigobj, "signed"), &canon, err);
	if (rc == LOA_OK) {
		loa_stmt *st;
		if ((rc = loa_sql_cached(s, "INSERT INTO net_versions(official_id, version, status, title, body, reason, "
					    "signed, sig, key_id, at, visible_at, released, actor) VALUES (?1, ?2, ?3, ?4, "
					    "?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?12)", &st, err)) == LOA_OK) {
			loa_sql_bind_i64(st, 1, o->id);
			loa_sql_bind_i64(st, 2, version);
			loa_sql_bind_text(st, 3, status);
			loa_sql_bind_text(st, 4, title);
			loa_sql_bind_text(st, 5, body);
			loa_sql_bind_text(st, 6, reason && *reason ? reason : NULL);
			loa_sql_bind_textn(st, 7, canon.data, canon.len);
			loa_sql_bind_text(st, 8, json_string_value(json_object_get(sigobj, "sig")));
			loa_sql_bind_text(st, 9, json_string_value(json_object_get(sigobj, "key_id")));
			loa_sql_bind_i64(st, 10, loa_now_ms());
			loa_sql_bind_i64(st, 11, visible_at);
			loa_sql_bind_text(st, 12, actor);
			rc = loa_sql_run(st, err);
		}
	}
	if (rc == LOA_OK) {
		loa_stmt *st;
		if ((rc = loa_sql_cached(s, "UPDATE net_official SET version = ?2, state = ?3, updated_at = ?4, "
					    "first_published = COALESCE(first_published, ?5), title = ?6, body = ?7 "
					    "WHERE id = ?1", &st, err)) == LOA_OK) {
			loa_sql_bind_i64(st, 1, o->id);
			loa_sql_bind_i64(st, 2, version);
			loa_sql_bind_text(st, 3, strcmp(status, "withdrawn") == 0 ? LOA_OFF_WITHDRAWN : LOA_OFF_PUBLISHED);
			loa_sql_bind_i64(st, 4, loa_now_ms());
			loa_sql_bind_i64(st, 5, first_published);
			loa_sql_bind_text(st, 6, title);
			loa_sql_bind_text(st, 7, strcmp(status, "withdrawn") == 0 ? o->body : body);
			rc = loa_sql_run(st, err);
		}
	}
	json_decref(fields);
	json_decref(sigobj);
	loa_buf_release(&canon);
	loa_buf_release(&base);
	loa_buf_release(&url);
	loa_buf_release(&keys);
	return rc;
}

static int audit_version(loa_store *s, const loa_actor *a, const char *action, int64_t id, int version,
			 loa_ms visible_at, const char *note, loa_err *err)
{
	char target[64], vis[LOA_TIME_STR_MAX];
	snprintf(target, sizeof target, "official:%" PRId64, id);
	json_t *d = json_pack("{s:i,s:s,s:s?}", "version", version, "visible_at",
			      loa_time_format_rfc3339(visible_at, vis), "note", note);
	char *dj = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	int rc = net_audit(s, a->login, action, target, dj, err);
	free(dj);
	return rc;
}

/* Runs fn inside a transaction unless one is open. */
static int in_tx(loa_store *s, bool *own, loa_err *err)
{
	int rc = loa_store_begin(s, err);
	*own = rc == LOA_OK;
	/* LOA_EINVAL: the caller's transaction is open already */
	if (rc == LOA_EINVAL) {
		loa_err_clear(err);
		rc = LOA_OK;
	}
	return rc;
}

static int end_tx(loa_store *s, bool own, int rc, loa_err *err)
{
	if (!own)
		return rc;
	if (rc == LOA_OK)
		return loa_store_commit(s, err);
	loa_store_rollback(s);
	return rc;
}

int loa_official_publish(loa_store *s, const loa_config *cfg, const loa_actor *a, int64_t id, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	bool own;
	if ((rc = in_tx(s, &own, err)) != LOA_OK)
		return rc;
	rc = transition(s, a, id, "approved", LOA_OFF_PUBLISHED, true, "official.publish", NULL, err);
	loa_official o;
	memset(&o, 0, sizeof o);
	if (rc == LOA_OK)
		rc = loa_official_get(s, id, &o, err);
	loa_ms vis = loa_now_ms();
	if (rc == LOA_OK) {
		if (o.embargo_until != LOA_TIME_NONE && o.embargo_until > vis)
			vis = o.embargo_until;
		rc = add_version(s, cfg, &o, 1, "published", o.title, o.body, NULL, vis, vis, a->login, err);
	}
	if (rc == LOA_OK)
		rc = audit_version(s, a, "official.sign", id, 1, vis, NULL, err);
	loa_official_release(&o);
	rc = end_tx(s, own, rc, err);
	if (rc == LOA_OK && own)
		rc = loa_official_release_due(s, cfg, NULL, err);
	return rc;
}

static int new_version(loa_store *s, const loa_config *cfg, const loa_actor *a, int64_t id, const char *status,
		       const char *title, const char *body, const char *reason, const char *action, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	if (!CAN_APPROVE(a))
		return deny_role(a, err, "đính chính hoặc thu hồi");
	loa_official o;
	if ((rc = loa_official_get(s, id, &o, err)) != LOA_OK)
		return rc;
	if (!loa_official_org_allowed(a, o.org)) {
		rc = deny_org(o.org, err);
	} else if (strcmp(o.state, LOA_OFF_PUBLISHED) != 0) {
		rc = loa_err_set(err, LOA_EEXIST, "chỉ đính chính hoặc thu hồi tin đã công bố (trạng thái %s) / only "
				 "a published item can be corrected or withdrawn (state %s)", o.state, o.state);
	} else {
		rc = check_text(title, body, err);
	}
	if (rc) {
		loa_official_release(&o);
		return rc;
	}
	bool own;
	if ((rc = in_tx(s, &own, err)) != LOA_OK) {
		loa_official_release(&o);
		return rc;
	}
	loa_ms vis = loa_now_ms();
	if (o.embargo_until != LOA_TIME_NONE && o.embargo_until > vis)
		vis = o.embargo_until;
	rc = add_version(s, cfg, &o, o.version + 1, status, title ? title : o.title, body ? body : o.body, reason,
			 vis, o.first_published == LOA_TIME_NONE ? vis : o.first_published, a->login, err);
	if (rc == LOA_OK)
		rc = audit_version(s, a, action, id, o.version + 1, vis, reason, err);
	loa_official_release(&o);
	rc = end_tx(s, own, rc, err);
	if (rc == LOA_OK && own)
		rc = loa_official_release_due(s, cfg, NULL, err);
	return rc;
}

int loa_official_correct(loa_store *s, const loa_config *cfg, const loa_actor *a, int64_t id, const char *title,
			 const char *body, const char *note, loa_err *err)
{
	if (!body)
		return loa_err_set(err, LOA_EINVAL, "cần nội dung đính chính / a corrected body is required");
	return new_version(s, cfg, a, id, "corrected", title, body, note, "official.correct", err);
}

int loa_official_withdraw(loa_store *s, const loa_config *cfg, const loa_actor *a, int64_t id, const char *reason,
			  loa_err *err)
{
	if (!reason || !*reason || strlen(reason) > LOA_OFFICIAL_REASON_MAX)
		return loa_err_set(err, LOA_EINVAL, "cần lý do thu hồi / a reason is required (at most %d bytes)",
				   LOA_OFFICIAL_REASON_MAX);
	loa_buf notice;
	loa_buf_init(&notice, LOA_OFFICIAL_REASON_MAX + 512);
	loa_buf_printf(&notice, "Thông tin này đã được thu hồi. Lý do: %s\n\nThis item was withdrawn. Reason: %s",
		       reason, reason);
	int rc = new_version(s, cfg, a, id, "withdrawn", NULL, notice.data, reason, "official.withdraw", err);
	loa_buf_release(&notice);
	return rc;
}

/* ---- release ---- */

static int ensure_portal_source(loa_store *s, const char *org, char *slug, size_t cap, loa_err *err)
{
	snprintf(slug, cap, "%s-portal", org);
	loa_source_rec rec;
	int rc = loa_store_source_get(s, slug, &rec, NULL);
	if (rc == LOA_OK)
		return LOA_OK;
	loa_org_rec o;
	if ((rc = loa_store_org_get(s, org, &o, err)) != LOA_OK)
		return rc;
	char name[LOA_NAME_MAX + 64];
	snprintf(name, sizeof name, "Cổng TTĐT – %s", o.name);
	loa_source src = {0};
	src.slug = slug;
	src.type = "api";
	src.outlet = "portal";
	src.org = org;
	src.platform = "web";
	src.name = name;
	src.created_at = loa_now_ms();
	return loa_store_source_add(s, &src, NULL, err);
}

typedef struct due_rec {
	int64_t id;
	int version;
	char org[LOA_SLUG_MAX + 1], kind[LOA_KIND_MAX + 1], topic[LOA_SLUG_MAX + 1];
	char *title, *body;
	loa_ms first, visible;
} due_rec;

int loa_official_release_due(loa_store *s, const loa_config *cfg, int *released, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	loa_ms now = loa_now_ms();
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, "SELECT o.id, v.version, o.org, o.kind, o.topic, v.title, v.body, "
				    "COALESCE(o.first_published, v.visible_at), v.visible_at FROM net_versions v "
				    "JOIN net_official o ON o.id = v.official_id WHERE v.released = 0 AND "
				    "v.visible_at <= ?1 ORDER BY v.visible_at, o.id, v.version LIMIT 1000", &st, err)))
		return rc;
	loa_sql_bind_i64(st, 1, now);
	due_rec *d = NULL;
	size_t n = 0, cap = 0;
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			due_rec *nd = realloc(d, nc * sizeof *nd);
			if (!nd) {
				rc = LOA_ENOMEM;
				break;
			}
			d = nd;
			cap = nc;
		}
		due_rec *r = &d[n++];
		memset(r, 0, sizeof *r);
		r->id = loa_sql_col_i64(st, 0);
		r->version = (int)loa_sql_col_i64(st, 1);
		loa_strlcpy(r->org, col(st, 2), sizeof r->org);
		loa_strlcpy(r->kind, col(st, 3), sizeof r->kind);
		loa_strlcpy(r->topic, col(st, 4), sizeof r->topic);
		r->title = strdup(col(st, 5));
		r->body = strdup(col(st, 6));
		r->first = loa_sql_col_i64(st, 7);
		r->visible = loa_sql_col_i64(st, 8);
	}
	loa_sql_reset(st);
	if (rc == LOA_SQL_DONE)
		rc = LOA_OK;
	loa_buf base, url;
	loa_buf_init(&base, 4096);
	loa_buf_init(&url, 8192);
	loa_network_base_url(cfg, &base);
	int count = 0;
	bool own = false;
	if (rc == LOA_OK && n)
		rc = in_tx(s, &own, err);
	for (size_t i = 0; rc == LOA_OK && i < n; i++) {
		due_rec *r = &d[i];
		char src[LOA_SLUG_MAX + 16], ext[64];
		if (!r->title || !r->body) {
			rc = LOA_ENOMEM;
			break;
		}
		if ((rc = ensure_portal_source(s, r->org, src, sizeof src, err)) != LOA_OK)
			break;
		loa_buf_reset(&url);
		loa_official_url(base.data, r->org, r->id, &url);
		snprintf(ext, sizeof ext, "official-%" PRId64, r->id);
		loa_item it;
		loa_item_init(&it);
		it.source = src;
		it.id = ext;
		it.kind = "official";
		it.platform = "web";
		it.url = url.data;
		it.title = r->title;
		it.text = r->body;
		it.lang = "vi";
		it.org = r->org;
		it.published_at = r->first;
		if ((rc = loa_store_item_upsert(s, &it, NULL, err)) != LOA_OK)
			break;
		loa_stmt *up;
		if ((rc = loa_sql_cached(s, "UPDATE net_versions SET released = 1 WHERE official_id = ?1 AND "
					    "version = ?2", &up, err)) != LOA_OK)
			break;
		loa_sql_bind_i64(up, 1, r->id);
		loa_sql_bind_i64(up, 2, r->version);
		if ((rc = loa_sql_run(up, err)) != LOA_OK)
			break;
		if ((rc = loa_hub_notify_org(s, cfg, r->org, r->kind, r->topic[0] ? r->topic : NULL, err)) != LOA_OK)
			break;
		count++;
		loa_info("official.release", "id=%" PRId64 " version=%d org=%s", r->id, r->version, r->org);
	}
	rc = end_tx(s, own, rc, err);
	for (size_t i = 0; i < n; i++) {
		free(d[i].title);
		free(d[i].body);
	}
	free(d);
	loa_buf_release(&base);
	loa_buf_release(&url);
	if (released)
		*released = rc == LOA_OK ? count : 0;
	return rc;
}

/* ---- queries ---- */

int loa_official_versions_each(loa_store *s, const loa_official_query *q, loa_official_version_cb cb, void *arg,
			       loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	static const char latest[] =
		"SELECT o.id, o.org, o.kind, o.topic, v.version, v.status, v.title, v.body, v.reason, v.signed, "
		"v.sig, v.key_id, COALESCE(o.first_published, v.visible_at), v.at, v.visible_at FROM net_official o "
		"JOIN net_versions v ON v.official_id = o.id WHERE v.version = (SELECT MAX(version) FROM net_versions "
		"v2 WHERE v2.official_id = o.id AND v2.visible_at <= ?1) AND (?2 IS NULL OR o.org = ?2) AND "
		"(?3 IS NULL OR o.kind = ?3) AND (?4 IS NULL OR o.topic = ?4) AND (?5 <= 0 OR o.id = ?5) "
		"ORDER BY v.visible_at DESC, o.id DESC LIMIT ?6";
	static const char all[] =
		"SELECT o.id, o.org, o.kind, o.topic, v.version, v.status, v.title, v.body, v.reason, v.signed, "
		"v.sig, v.key_id, COALESCE(o.first_published, v.visible_at), v.at, v.visible_at FROM net_official o "
		"JOIN net_versions v ON v.official_id = o.id WHERE v.visible_at <= ?1 AND (?2 IS NULL OR o.org = ?2) "
		"AND (?3 IS NULL OR o.kind = ?3) AND (?4 IS NULL OR o.topic = ?4) AND (?5 <= 0 OR o.id = ?5) "
		"ORDER BY o.id, v.version LIMIT ?6";
	loa_stmt *st;
	if ((rc = loa_sql_prepare(s, q->all_versions ? all : latest, &st, err)) != LOA_OK)
		return rc;
	loa_sql_bind_i64(st, 1, q->now == LOA_TIME_NONE ? loa_now_ms() : q->now);
	loa_sql_bind_text(st, 2, q->org);
	loa_sql_bind_text(st, 3, q->kind);
	loa_sql_bind_text(st, 4, q->topic);
	loa_sql_bind_i64(st, 5, q->id);
	loa_sql_bind_i64(st, 6, q->limit > 0 ? q->limit : 50);
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		loa_official_version v;
		v.id = loa_sql_col_i64(st, 0);
		v.org = col(st, 1);
		v.kind = col(st, 2);
		v.topic = loa_sql_col_text(st, 3);
		v.version = (int)loa_sql_col_i64(st, 4);
		v.status = col(st, 5);
		v.title = col(st, 6);
		v.body = col(st, 7);
		v.reason = loa_sql_col_text(st, 8);
		v.signed_json = col(st, 9);
		v.sig = col(st, 10);
		v.key_id = col(st, 11);
		v.first_published = loa_sql_col_i64(st, 12);
		v.at = loa_sql_col_i64(st, 13);
		v.visible_at = loa_sql_col_i64(st, 14);
		if ((rc = cb(arg, &v)) != 0)
			break;
	}
	loa_sql_finalize(st);
	return rc == LOA_SQL_DONE ? LOA_OK : rc;
}

json_t *loa_official_version_json(const loa_official_version *v, const char *base_url)
{
	char pub[LOA_TIME_STR_MAX], upd[LOA_TIME_STR_MAX];
	loa_buf url;
	loa_buf_init(&url, 8192);
	loa_official_url(base_url, v->org, v->id, &url);
	json_t *signed_fields = json_loads(v->signed_json, 0, NULL);
	json_t *sig = json_pack("{s:s,s:s,s:s?,s:o,s:s}", "alg", LOA_SIG_ALG, "key_id", v->key_id, "keys",
				json_string_value(json_object_get(signed_fields, "keys")), "signed",
				signed_fields ? signed_fields : json_object(), "sig", v->sig);
	json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "id", (json_int_t)v->id, "org",
			      v->org, "kind", v->kind, "kind_vi", loa_official_kind_vi(v->kind), "version", v->version,
			      "status", v->status, "title", v->title, "body", v->body, "url", url.data ? url.data : "",
			      "published", loa_time_format_rfc3339(v->first_published, pub), "updated",
			      loa_time_format_rfc3339(v->visible_at, upd), "signature", sig ? sig : json_object());
	if (j && v->topic)
		json_object_set_new(j, "topic", json_string(v->topic));
	if (j && v->reason)
		json_object_set_new(j, "reason", json_string(v->reason));
	loa_buf_release(&url);
	return j;
}

int loa_official_list_json(loa_store *s, const char *org, const char *state, int limit, json_t **out,
			   loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	loa_stmt *st;
	if ((rc = loa_sql_prepare(s, "SELECT id, org, kind, state, title, topic, created_by, approved_by, created_at, "
				     "updated_at, embargo_until, version FROM net_official WHERE (?1 IS NULL OR org = ?1) "
				     "AND (?2 IS NULL OR state = ?2) ORDER BY updated_at DESC, id DESC LIMIT ?3",
				  &st, err)) != LOA_OK)
		return rc;
	loa_sql_bind_text(st, 1, org);
	loa_sql_bind_text(st, 2, state);
	loa_sql_bind_i64(st, 3, limit > 0 ? limit : 100);
	json_t *arr = json_array();
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		char a[LOA_TIME_STR_MAX], b[LOA_TIME_STR_MAX], e[LOA_TIME_STR_MAX];
		json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s?,s:s,s:s?,s:s,s:s,s:i}", "id",
				      (json_int_t)loa_sql_col_i64(st, 0), "org", col(st, 1), "kind", col(st, 2), "state",
				      col(st, 3), "title", col(st, 4), "topic", loa_sql_col_text(st, 5), "created_by",
				      col(st, 6), "approved_by", loa_sql_col_text(st, 7), "created_at",
				      loa_time_format_rfc3339(loa_sql_col_i64(st, 8), a), "updated_at",
				      loa_time_format_rfc3339(loa_sql_col_i64(st, 9), b), "version",
				      (int)loa_sql_col_i64(st, 11));
		if (j && !loa_sql_col_null(st, 10))
			json_object_set_new(j, "embargo_until",
					    json_string(loa_time_format_rfc3339(loa_sql_col_i64(st, 10), e)));
		if (j) {
			const char *k;
			json_t *v;
			void *tmp;
			json_object_foreach_safe(j, tmp, k, v) if (json_is_null(v)) json_object_del(j, k);
			json_array_append_new(arr, j);
		}
	}
	loa_sql_finalize(st);
	if (rc != LOA_SQL_DONE) {
		json_decref(arr);
		return rc;
	}
	*out = json_pack("{s:o}", "items", arr);
	return LOA_OK;
}
