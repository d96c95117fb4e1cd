/*
 * features.c - the press office's work on the engine: attachments,
 * publication, corrections and their links from monitoring, recurring
 * problems, press conferences and the Decree 09 cadence, policies and
 * comments, plans, coverage, the rebuttal kit, the job of loa serve.
 */
#include "workflow/workflow.h"
#include "analyze/classify.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/str.h"
#include "network/network.h"
#include "network/reach.h"
#include "qa/laws.h"
#include "qa/retrieve.h"
#include "search/query.h"
#include "search/search.h"
#include "store/sql.h"
#include "text/text.h"
#include "workflow/api.h"
#include "workflow/diff.h"
#include "workflow/ics.h"
#include "workflow/wf_int.h"

#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

static void day_str(int64_t day, char out[16])
{
	int64_t y;
	unsigned m, d;
	loa_civil_from_days(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02u-%02u", (int)y, m, d);
}

static loa_ms vn_midnight(int64_t day) { return (day * 86400 - LOA_VN_OFFSET_MIN * 60) * 1000; }

static const char *actor_login(const loa_wf_actor *a) { return a && a->login ? a->login : "system"; }

static int audit(loa_wf *w, const loa_wf_actor *a, const char *action, const char *kind, int64_t id,
		 loa_err *err)
{
	char target[64];
	snprintf(target, sizeof target, "%s:%" PRId64, kind, id);
	loa_audit au = {0, LOA_TIME_NONE, actor_login(a), action, target, NULL};
	return loa_store_audit_append(w->s, &au, err);
}

static bool is_staff(const loa_wf_actor *a)
{
	return a && (a->role < 0 || a->role == LOA_ROLE_ADMIN || a->role == LOA_ROLE_SPOKESPERSON ||
		     a->role == LOA_ROLE_EDITOR || a->role == LOA_ROLE_ANALYST);
}

/* ---- attachments -------------------------------------------------------- */

static bool ends_with_ci(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && strncasecmp(s + n - k, suf, k) == 0;
}

static bool looks_like_markup(const char *d, size_t n)
{
	size_t k = n < 2048 ? n : 2048;
	static const char *const bad[] = {"<html", "<!doctype", "<script", "<svg", "<body", "<iframe",
					  "<?xml", "<meta", "<object", NULL};
	for (size_t i = 0; i < k; i++) {
		if (d[i] != '<')
			continue;
		for (const char *const *b = bad; *b; b++) {
			size_t bl = strlen(*b);
			if (i + bl <= n && strncasecmp(d + i, *b, bl) == 0)
				return true;
		}
	}
	return false;
}

const char *loa_wf_attach_type(const char *name, const char *data, size_t n)
{
	if (!name || !data || n == 0)
		return NULL;
	const unsigned char *u = (const unsigned char *)data;
	if (n >= 5 && memcmp(data, "%PDF-", 5) == 0 && ends_with_ci(name, ".pdf"))
		return "application/pdf";
	if (n >= 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0 && ends_with_ci(name, ".png"))
		return "image/png";
	if (n >= 3 && u[0] == 0xff && u[1] == 0xd8 && u[2] == 0xff &&
	    (ends_with_ci(name, ".jpg") || ends_with_ci(name, ".jpeg")))
		return "image/jpeg";
	if (n >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) {
		if (ends_with_ci(name, ".docx"))
			return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
		if (ends_with_ci(name, ".xlsx"))
			return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
		if (ends_with_ci(name, ".odt"))
			return "application/vnd.oasis.opendocument.text";
		return NULL;
	}
	if (ends_with_ci(name, ".txt") && !memchr(data, '\0', n) && loa_utf8_valid(data, n) &&
	    !looks_like_markup(data, n))
		return "text/plain; charset=utf-8";
	return NULL;
}

/* A file name safe to store and to send back: no path, no controls, no
 * quotes; UTF-8 kept; at most LOA_WF_ATTACH_NAME_MAX bytes. */
static void safe_name(const char *name, char *out)
{
	const char *base = name;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t k = 0;
	for (const char *p = base; *p && k < LOA_WF_ATTACH_NAME_MAX; p++) {
		unsigned char c = (unsigned char)*p;
		char o = (c < 0x20 || c == 0x7f || c == '"' || c == ';' || c == '%' || c == '*' || c == '<' ||
			  c == '>' || c == '|' || c == ':' || c == '?') ? '_' : (char)c;
		if (k == 0 && o == '.')
			o = '_';
		out[k++] = o;
	}
	out[k] = '\0';
	k = loa_utf8_truncate(out, k, LOA_WF_ATTACH_NAME_MAX);
	out[k] = '\0';
	if (!loa_utf8_valid(out, k) || k == 0)
		snprintf(out, LOA_WF_ATTACH_NAME_MAX + 1, "tep-dinh-kem");
}

int loa_wf_attach(loa_wf *w, int64_t case_id, const char *name, const char *data, size_t n,
		  size_t max, const loa_wf_actor *a, int64_t *id, loa_err *err)
{
	if (max == 0)
		max = LOA_WF_ATTACH_MAX;
	if (n > max)
		return loa_err_set(err, LOA_ETOOBIG, "tệp quá lớn (tối đa %zu byte) / file too large (at most %zu bytes)",
				   max, max);
	if (!name || !*name || strlen(name) > 1024)
		return loa_err_set(err, LOA_EINVAL, "cần tên tệp / file name required");
	const char *type = loa_wf_attach_type(name, data, n);
	if (!type)
		return loa_err_set(err, LOA_EINVAL, "loại tệp không được chấp nhận (PDF, PNG, JPEG, TXT, DOCX, XLSX, ODT)"
				   " / file type not accepted");
	json_t *c = NULL;
	int rc = loa_wf_case_get(w, case_id, false, &c, err);
	if (rc)
		return rc;
	bool closed = json_is_true(json_object_get(c, "closed"));
	const char *req = json_string_value(json_object_get(c, "requester"));
	bool own = req && a && a->login && strcmp(req, a->login) == 0;
	json_decref(c);
	if (!own && !is_staff(a))
		return loa_err_set(err, LOA_EPERM, "không có quyền đính kèm / may not attach to this case");
	if (!own && a->role >= 0 && a->role != LOA_ROLE_ADMIN && loa_wf_case_can_see(w, case_id, a, err))
		return LOA_EPERM;
	if (closed)
		return loa_err_set(err, LOA_WF_ECONFLICT, "hồ sơ đã đóng / the case is closed");
	loa_stmt *st;
	if ((rc = loa_sql_cached(w->s, "SELECT COUNT(*) FROM wf_attachment WHERE case_id = ?1", &st, err)))
		return rc;
	loa_sql_bind_i64(st, 1, case_id);
	int64_t count = loa_sql_step(st, err) == LOA_SQL_ROW ? loa_sql_col_i64(st, 0) : 0;
	loa_sql_reset(st);
	if (count >= LOA_WF_ATTACH_PER_CASE)
		return loa_err_set(err, LOA_ETOOBIG, "tối đa %d tệp mỗi hồ sơ / at most %d files per case",
				   LOA_WF_ATTACH_PER_CASE, LOA_WF_ATTACH_PER_CASE);
	unsigned char h[32];
	char hex[65];
	crypto_hash_sha256(h, (const unsigned char *)data, n);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	char nm[LOA_WF_ATTACH_NAME_MAX + 1];
	safe_name(name, nm);
	if ((rc = wf_begin(w, err)))
		return rc;
	rc = loa_sql_cached(w->s, "INSERT INTO wf_attachment(case_id, name, type, size, sha256, data, created_at, by)"
			    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &st, err);
	if (!rc) {
		loa_sql_bind_i64(st, 1, case_id);
		loa_sql_bind_text(st, 2, nm);
		loa_sql_bind_text(st, 3, type);
		loa_sql_bind_i64(st, 4, (int64_t)n);
		loa_sql_bind_text(st, 5, hex);
		loa_sql_bind_blob(st, 6, data, n);
		loa_sql_bind_i64(st, 7, loa_wf_now(w));
		wf_bind_opt(st, 8, actor_login(a));
		rc = loa_sql_run(st, err);
	}
	int64_t aid = rc ? 0 : loa_sql_last_id(w->s);
	if (!rc)
		rc = loa_wf_event(w, case_id, a, "attach", NULL, NULL, nm, err);
	rc = wf_end(w, rc, err);
	if (!rc && id)
		*id = aid;
	return rc;
}

int loa_wf_attachment_get(loa_wf *w, int64_t id, loa_buf *out, char *type, char *name,
			  int64_t *case_id, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT case_id, name, type, data FROM wf_attachment WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW) {
		*case_id = loa_sql_col_i64(st, 0);
		loa_strlcpy(name, loa_sql_col_text(st, 1) ? loa_sql_col_text(st, 1) : "tep", LOA_WF_ATTACH_NAME_MAX + 1);
		loa_strlcpy(type, loa_sql_col_text(st, 2) ? loa_sql_col_text(st, 2) : "application/octet-stream", 64);
		size_t n = 0;
		const void *p = loa_sql_col_blob(st, 3, &n);
		rc = p && n ? loa_buf_append(out, p, n) : LOA_OK;
		if (rc)
			loa_err_set(err, rc, "tệp quá lớn / file too large");
	} else if (rc == LOA_SQL_DONE) {
		rc = loa_err_set(err, LOA_ENOTFOUND, "không có tệp / no such attachment: %" PRId64, id);
	}
	loa_sql_reset(st);
	return rc;
}

/* ---- publication -------------------------------------------------------- */

typedef struct fan {
	loa_wf *w;
	int64_t case_id;
	const char *text;
	int n;
} fan;

static int notify_journalist(void *arg, const loa_user *u)
{
	fan *f = arg;
	if (u->role != LOA_ROLE_JOURNALIST || u->disabled || f->n >= 100000)
		return 0;
	f->n++;
	return loa_wf_notify(f->w, u->login, NULL, f->case_id, "published", f->text, NULL);
}

int loa_wf_publication_add(loa_wf *w, int64_t case_id, const char *kind, const char *org,
			   const char *title, const char *body, const loa_wf_actor *a, int64_t *id,
			   loa_err *err)
{
	loa_stmt *st;
	int rc = wf_begin(w, err);
	if (rc)
		return rc;
	/* The network room (issue 8) signs and sends "to_publish" records;
	 * until it is present they wait here and are listed as such. */
	rc = loa_sql_cached(w->s, "INSERT INTO wf_publication(case_id, org, kind, title, body, state, created_at, by)"
			    " VALUES(?1, ?2, ?3, ?4, ?5, 'to_publish', ?6, ?7)", &st, err);
	if (!rc) {
		if (case_id > 0)
			loa_sql_bind_i64(st, 1, case_id);
		wf_bind_opt(st, 2, org);
		loa_sql_bind_text(st, 3, kind);
		wf_bind_opt(st, 4, title);
		loa_sql_bind_text(st, 5, body ? body : "");
		loa_sql_bind_i64(st, 6, loa_wf_now(w));
		wf_bind_opt(st, 7, actor_login(a));
		rc = loa_sql_run(st, err);
	}
	int64_t pid = rc ? 0 : loa_sql_last_id(w->s);
	if (!rc)
		rc = audit(w, a, "workflow.publish", "publication", pid, err);
	if (!rc && case_id > 0) {
		char ref[64];
		snprintf(ref, sizeof ref, "publication:%" PRId64, pid);
		loa_stmt *u;
		rc = loa_sql_cached(w->s, "UPDATE wf_case SET publish_ref = ?2 WHERE id = ?1", &u, err);
		if (!rc) {
			loa_sql_bind_i64(u, 1, case_id);
			loa_sql_bind_text(u, 2, ref);
			rc = loa_sql_run(u, err);
		}
	}
	if (!rc) {
		char msg[600];
		snprintf(msg, sizeof msg, "Thông tin mới được công bố: %.400s / newly published", title ? title : kind);
		fan f = {w, case_id, msg, 0};
		rc = loa_users_each(w->s, notify_journalist, &f, err);
	}
	rc = wf_end(w, rc, err);
	if (!rc && id)
		*id = pid;
	return rc;
}

int wf_publish_case(loa_wf *w, int64_t id, const loa_wf_actor *a, loa_err *err)
{
	json_t *c = NULL;
	int rc = loa_wf_case_get(w, id, false, &c, err);
	if (rc)
		return rc;
	const char *type = json_string_value(json_object_get(c, "type"));
	const char *title = json_string_value(json_object_get(c, "title"));
	const char *answer = json_string_value(json_object_get(c, "answer"));
	const char *body = json_string_value(json_object_get(c, "body"));
	loa_buf b;
	loa_buf_init(&b, (size_t)LOA_WF_TEXT_MAX * 3);
	if (answer && strcmp(type, "rebuttal") != 0)
		loa_buf_printf(&b, "Câu hỏi: %s\n\nTrả lời: %s", body ? body : "", answer);
	else
		loa_buf_puts(&b, body ? body : "");
	char kind[32];
	snprintf(kind, sizeof kind, "%s", strcmp(type, "rebuttal") == 0 ? "rebuttal" : "answer");
	rc = loa_wf_publication_add(w, id, kind, json_string_value(json_object_get(c, "org")),
				    title ? title : "Trả lời báo chí", b.data, a, NULL, err);
	loa_buf_release(&b);
	json_decref(c);
	return rc;
}

static const char *official_kind(const char *kind)
{
	if (strcmp(kind, "answer") == 0 || strcmp(kind, "rebuttal") == 0)
		return kind;
	return "statement";
}

int wf_publications_flush(loa_wf *w, int max, loa_err *err)
{
	if (!w->cfg || w->tx > 0)
		return LOA_OK;
	typedef struct pub {
		int64_t id, case_id;
		char org[LOA_SLUG_MAX + 1], kind[32], by[LOA_LOGIN_MAX + 1];
		char *title, *body;
	} pub;
	pub list[64];
	size_t n = 0;
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT id, case_id, org, kind, title, body, by FROM wf_publication"
				" WHERE state = 'to_publish' AND org IS NOT NULL AND tries < 5 ORDER BY id LIMIT ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, max < 1 ? 1 : max > 64 ? 64 : max);
	while (n < 64 && loa_sql_step(st, err) == LOA_SQL_ROW) {
		pub *p = &list[n++];
		memset(p, 0, sizeof *p);
		p->id = loa_sql_col_i64(st, 0);
		p->case_id = loa_sql_col_i64(st, 1);
		loa_strlcpy(p->org, loa_sql_col_text(st, 2), sizeof p->org);
		loa_strlcpy(p->kind, loa_sql_col_text(st, 3) ? loa_sql_col_text(st, 3) : "statement", sizeof p->kind);
		loa_strlcpy(p->by, loa_sql_col_text(st, 6) ? loa_sql_col_text(st, 6) : "workflow", sizeof p->by);
		p->title = strdup(loa_sql_col_text(st, 4) ? loa_sql_col_text(st, 4) : "Thông tin chính thức");
		p->body = strdup(loa_sql_col_text(st, 5) ? loa_sql_col_text(st, 5) : "");
	}
	loa_sql_reset(st);
	for (size_t i = 0; i < n; i++) {
		pub *p = &list[i];
		/* the workflow's approval (audited there) stands for the
		 * network's review: the network steps run with its authority */
		loa_actor na = {p->by, LOA_ROLE_ADMIN, ""};
		loa_official_draft d = {p->org, official_kind(p->kind), p->title, p->body, NULL, LOA_TIME_NONE};
		loa_err ne;
		loa_err_clear(&ne);
		int64_t oid = 0;
		int nrc = (!p->title || !p->body || !*p->body) ? loa_err_set(&ne, LOA_EINVAL, "empty publication")
							       : loa_official_create(w->s, &na, &d, &oid, &ne);
		if (!nrc)
			nrc = loa_official_submit(w->s, &na, oid, &ne);
		if (!nrc)
			nrc = loa_official_approve(w->s, &na, oid, &ne);
		if (!nrc)
			nrc = loa_official_publish(w->s, w->cfg, &na, oid, &ne);
		loa_stmt *u;
		if (nrc == LOA_OK) {
			char ref[64];
			snprintf(ref, sizeof ref, "official:%" PRId64, oid);
			rc = loa_sql_cached(w->s, "UPDATE wf_publication SET state = 'published', ref = ?2, published_at = ?3,"
					    " error = NULL WHERE id = ?1", &u, err);
			if (!rc) {
				loa_sql_bind_i64(u, 1, p->id);
				loa_sql_bind_text(u, 2, ref);
				loa_sql_bind_i64(u, 3, loa_wf_now(w));
				rc = loa_sql_run(u, err);
			}
			if (!rc && p->case_id > 0 &&
			    !(rc = loa_sql_cached(w->s, "UPDATE wf_case SET publish = 'published', publish_ref = ?2"
						  " WHERE id = ?1", &u, err))) {
				loa_sql_bind_i64(u, 1, p->case_id);
				loa_sql_bind_text(u, 2, ref);
				rc = loa_sql_run(u, err);
			}
			loa_info("workflow.publish", "publication=%" PRId64 " official=%" PRId64, p->id, oid);
		} else {
			rc = loa_sql_cached(w->s, "UPDATE wf_publication SET tries = tries + 1, error = ?2 WHERE id = ?1", &u, err);
			if (!rc) {
				loa_sql_bind_i64(u, 1, p->id);
				loa_sql_bind_text(u, 2, loa_err_msg(&ne));
				rc = loa_sql_run(u, err);
			}
			loa_warn("workflow.publish", "publication=%" PRId64 " msg=%s", p->id, loa_err_msg(&ne));
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(list[i].title);
		free(list[i].body);
	}
	return rc;
}

int loa_wf_publications(loa_wf *w, const char *org, int limit, json_t **out, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT id, case_id, org, kind, title, body, state, ref, created_at,"
				" published_at, error FROM wf_publication WHERE (?1 IS NULL OR org = ?1)"
				" ORDER BY id DESC LIMIT ?2", &st, err);
	if (rc)
		return rc;
	wf_bind_opt(st, 1, org);
	loa_sql_bind_i64(st, 2, limit <= 0 || limit > 500 ? 50 : limit);
	json_t *arr = json_array();
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW)
		json_array_append_new(arr, wf_drop_nulls(json_pack(
			"{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)loa_sql_col_i64(st, 0),
			"case_id", wf_col_int(st, 1), "org", wf_col_text(st, 2), "kind", wf_col_text(st, 3), "title", wf_col_text(st, 4), "body", wf_col_text(st, 5),
			"state", wf_col_text(st, 6), "ref", wf_col_text(st, 7), "created_at", wf_col_time(st, 8), "published_at",
			wf_col_time(st, 9), "error", wf_col_text(st, 10))));
	loa_sql_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return LOA_OK;
}

/* ---- corrections -------------------------------------------------------- */

typedef struct item_copy {
	bool found;
	char source[LOA_SLUG_MAX + 1];
	char *url, *title, *text;
	uint64_t hash;
	loa_ms published_at;
} item_copy;

static int copy_item(void *arg, const loa_item *it)
{
	item_copy *c = arg;
	c->found = true;
	loa_strlcpy(c->source, it->source ? it->source : "", sizeof c->source);
	c->url = it->url ? strdup(it->url) : NULL;
	c->title = it->title ? strdup(it->title) : NULL;
	c->text = it->text ? strdup(it->text) : NULL;
	c->hash = it->content_hash;
	c->published_at = it->published_at;
	return 1;
}

static void item_copy_release(item_copy *c)
{
	free(c->url);
	free(c->title);
	free(c->text);
	memset(c, 0, sizeof *c);
}

static int get_item(loa_store *s, int64_t rowid, item_copy *c, loa_err *err)
{
	memset(c, 0, sizeof *c);
	loa_item_filter f;
	loa_item_filter_init(&f);
	f.rowid = rowid;
	int rc = loa_store_items_each(s, &f, copy_item, c, err);
	if (rc < 0)
		return rc;
	if (!c->found)
		return loa_err_set(err, LOA_ENOTFOUND, "không có tin / no such item: %" PRId64, rowid);
	return LOA_OK;
}

int loa_wf_correction_create(loa_wf *w, const loa_wf_correction *c, const loa_wf_actor *a,
			     int64_t *id, loa_err *err)
{
	if (!c->text || !*c->text)
		return loa_err_set(err, LOA_EINVAL, "cần nội dung đề nghị / text required");
	if (c->legal_basis && strlen(c->legal_basis) > LOA_WF_NOTE_MAX)
		return loa_err_set(err, LOA_EINVAL, "căn cứ pháp lý quá dài / legal basis too long");
	item_copy it;
	int rc = get_item(w->s, c->item_id, &it, err);
	if (rc)
		return rc;
	char agency[LOA_SLUG_MAX + 1] = "";
	if (wf_str(c->agency)) {
		loa_strlcpy(agency, c->agency, sizeof agency);
	} else {
		loa_source_rec src;
		if (loa_store_source_get(w->s, it.source, &src, NULL) == LOA_OK && src.org[0])
			loa_strlcpy(agency, src.org, sizeof agency);
	}
	loa_org_rec o;
	if (!agency[0] || loa_store_org_get(w->s, agency, &o, NULL) != LOA_OK) {
		item_copy_release(&it);
		return loa_err_set(err, LOA_EINVAL, "không xác định được cơ quan báo chí của tin; hãy chỉ rõ / cannot "
				   "tell the item's press agency: give it (agency)");
	}
	char hash[24];
	snprintf(hash, sizeof hash, "%016" PRIx64, it.hash);
	json_t *d = json_pack("{s:s?,s:s?,s:s,s:s,s:s?}", "item_url", it.url, "item_title", it.title, "item_source",
			      it.source, "item_hash", hash, "legal_basis", c->legal_basis);
	char *data = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	const char *form = c->form ? c->form : "correction";
	char title[LOA_WF_TITLE_MAX];
	snprintf(title, sizeof title, "Đề nghị %s: %.600s",
		 strcmp(form, "reply") == 0 ? "đăng phản hồi" : strcmp(form, "apology") == 0 ? "xin lỗi" : "cải chính",
		 it.title ? it.title : (it.url ? it.url : "tin"));
	loa_wf_new n = {0};
	n.type = "correction";
	n.org = c->org;
	n.unit = agency;
	n.title = title;
	n.body = c->text;
	n.label = form;
	n.item_id = c->item_id;
	n.data = data;
	n.due_days = c->due_days;
	n.due_at = c->deadline == LOA_TIME_NONE ? 0 : c->deadline;
	rc = data ? loa_wf_case_create(w, &n, a, id, err) : loa_err_set(err, LOA_ENOMEM, "out of memory");
	free(data);
	item_copy_release(&it);
	return rc;
}

static const char *const corr_cues[] = {"cai chinh", "dinh chinh", "xin loi", "phan hoi", "dinh chinh thong tin",
					NULL};

typedef struct scan_ctx {
	loa_wf *w;
	const char *orig;  /* the original item's text */
	int64_t case_id, self, last;
	int64_t linked;
	loa_buf fold;
	const atomic_int *stop;
	int n;
} scan_ctx;

static int add_link(loa_wf *w, int64_t case_id, const char *kind, int64_t item_id, const char *ref,
		    double score, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "INSERT INTO wf_link(case_id, kind, item_id, ref, score, created_at)"
				" VALUES(?1, ?2, ?3, ?4, ?5, ?6)", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, case_id);
	loa_sql_bind_text(st, 2, kind);
	if (item_id > 0)
		loa_sql_bind_i64(st, 3, item_id);
	wf_bind_opt(st, 4, ref);
	loa_sql_bind_double(st, 5, score);
	loa_sql_bind_i64(st, 6, loa_wf_now(w));
	return loa_sql_run(st, err);
}

static int scan_item(void *arg, const loa_item *it)
{
	scan_ctx *x = arg;
	x->last = it->rowid;
	if (wf_stopped(x->stop) || ++x->n > 20000)
		return 1;
	if (it->rowid == x->self)
		return 0;
	loa_buf_reset(&x->fold);
	if (it->title)
		loa_wf_fold(it->title, &x->fold);
	loa_buf_puts(&x->fold, " ");
	if (it->text)
		loa_wf_fold(it->text, &x->fold);
	bool cue = false;
	for (const char *const *c = corr_cues; x->fold.data && *c && !cue; c++)
		cue = strstr(x->fold.data, *c) != NULL;
	double sim = loa_wf_similarity(x->orig, x->fold.data ? x->fold.data : "");
	if (sim >= 0.35 || (cue && sim >= 0.12)) {
		if (add_link(x->w, x->case_id, "new_item", it->rowid, it->url, sim, NULL) == LOA_OK) {
			x->linked++;
			char msg[300];
			snprintf(msg, sizeof msg, "Hồ sơ #%" PRId64 ": có tin mới của cơ quan báo chí có thể là bản cải chính"
				 " / a possible correction appeared", x->case_id);
			loa_wf_notify(x->w, NULL, NULL, x->case_id, "correction_seen", msg, NULL);
		}
	}
	return 0;
}

int wf_corrections_scan(loa_wf *w, const atomic_int *stop, int64_t *linked, loa_err *err)
{
	typedef struct open_c {
		int64_t id, item, scan;
		loa_ms since;
		char hash[24];
		char org[LOA_SLUG_MAX + 1];
	} open_c;
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT id, item_id, scan_rowid, COALESCE(routed_at, created_at), data, org"
				" FROM wf_case WHERE type = 'correction' AND state IN ('sent', 'acknowledged')"
				" AND item_id IS NOT NULL ORDER BY id LIMIT 1000", &st, err);
	if (rc)
		return rc;
	open_c *list = NULL;
	size_t n = 0, cap = 0;
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			open_c *p = realloc(list, cap * sizeof *p);
			if (!p) {
				rc = LOA_ENOMEM;
				break;
			}
			list = p;
		}
		open_c *o = &list[n++];
		memset(o, 0, sizeof *o);
		o->id = loa_sql_col_i64(st, 0);
		o->item = loa_sql_col_i64(st, 1);
		o->scan = loa_sql_col_i64(st, 2);
		o->since = loa_sql_col_i64(st, 3);
		json_t *d = loa_sql_col_text(st, 4) ? json_loads(loa_sql_col_text(st, 4), 0, NULL) : NULL;
		const char *h = json_string_value(json_object_get(d, "item_hash"));
		loa_strlcpy(o->hash, h ? h : "", sizeof o->hash);
		json_decref(d);
		if (loa_sql_col_text(st, 5))
			loa_strlcpy(o->org, loa_sql_col_text(st, 5), sizeof o->org);
	}
	loa_sql_reset(st);
	if (rc < 0) {
		free(list);
		return rc;
	}
	rc = LOA_OK;
	for (size_t i = 0; i < n && !rc && !wf_stopped(stop); i++) {
		open_c *o = &list[i];
		item_copy it;
		if (get_item(w->s, o->item, &it, NULL) != LOA_OK)
			continue;
		if ((rc = wf_begin(w, err))) {
			item_copy_release(&it);
			break;
		}
		/* the same URL updated: its content changed since the request */
		char hash[24];
		snprintf(hash, sizeof hash, "%016" PRIx64, it.hash);
		if (o->hash[0] && strcmp(hash, o->hash) != 0) {
			rc = add_link(w, o->id, "updated", o->item, it.url, 1.0, err);
			if (!rc) {
				json_t *c = NULL;
				if (loa_wf_case_get(w, o->id, false, &c, NULL) == LOA_OK) {
					json_t *d = json_object_get(c, "data");
					d = json_is_object(d) ? json_incref(d) : json_object();
					json_object_set_new(d, "item_hash", json_string(hash));
					char *dt = json_dumps(d, JSON_COMPACT);
					json_decref(d);
					json_decref(c);
					loa_stmt *u;
					rc = dt ? loa_sql_cached(w->s, "UPDATE wf_case SET data = ?2 WHERE id = ?1", &u, err)
						: LOA_ENOMEM;
					if (!rc) {
						loa_sql_bind_i64(u, 1, o->id);
						loa_sql_bind_text(u, 2, dt);
						rc = loa_sql_run(u, err);
					}
					free(dt);
				}
				char msg[300];
				snprintf(msg, sizeof msg, "Hồ sơ #%" PRId64 ": bài báo đã được sửa / the item was updated", o->id);
				if (!rc)
					rc = loa_wf_notify(w, NULL, o->org, o->id, "correction_seen", msg, err);
				if (!rc)
					rc = loa_wf_event(w, o->id, NULL, "link", NULL, NULL, "bài gốc đã được cập nhật / item updated", err);
				if (!rc && linked)
					(*linked)++;
			}
		}
		/* a new item of the same source since the request */
		if (!rc) {
			scan_ctx x = {w, NULL, o->id, o->item, o->scan, 0, {0}, stop, 0};
			loa_buf_init(&x.fold, (size_t)8 << 20);
			loa_buf orig;
			loa_buf_init(&orig, (size_t)8 << 20);
			if (it.title)
				loa_wf_fold(it.title, &orig);
			loa_buf_puts(&orig, " ");
			if (it.text)
				loa_wf_fold(it.text, &orig);
			x.orig = orig.data ? orig.data : "";
			loa_item_filter f;
			loa_item_filter_init(&f);
			f.source = it.source;
			f.after_rowid = o->scan;
			f.since = o->since - 86400000; /* published the day before, fetched later */
			f.limit = 5000;
			rc = loa_store_items_each(w->s, &f, scan_item, &x, err);
			if (rc > 0)
				rc = LOA_OK;
			if (!rc && x.last > o->scan) {
				loa_stmt *u;
				rc = loa_sql_cached(w->s, "UPDATE wf_case SET scan_rowid = ?2 WHERE id = ?1", &u, err);
				if (!rc) {
					loa_sql_bind_i64(u, 1, o->id);
					loa_sql_bind_i64(u, 2, x.last);
					rc = loa_sql_run(u, err);
				}
			}
			if (!rc && x.linked) {
				rc = loa_wf_event(w, o->id, NULL, "link", NULL, NULL, "tin mới có thể là bản cải chính / "
						  "possible correction found", err);
				if (linked)
					*linked += x.linked;
			}
			loa_buf_release(&x.fold);
			loa_buf_release(&orig);
		}
		rc = wf_end(w, rc, err);
		item_copy_release(&it);
	}
	free(list);
	return rc;
}

/* ---- recurring problems -------------------------------------------------- */

int loa_wf_groups(loa_wf *w, const char *type, const char *org, int min_size, loa_ms since,
		  int limit, json_t **out, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(
		w->s,
		"SELECT g.group_id, g.n, g.first_at, g.last_at, g.open_n, c.title, c.body, c.topic, g.units"
		" FROM (SELECT group_id, COUNT(*) AS n, MIN(created_at) AS first_at, MAX(created_at) AS last_at,"
		"  SUM(CASE WHEN closed_at IS NULL THEN 1 ELSE 0 END) AS open_n,"
		"  GROUP_CONCAT(DISTINCT unit) AS units"
		"  FROM wf_case WHERE (?1 IS NULL OR type = ?1) AND (?2 IS NULL OR org = ?2) AND created_at >= ?3"
		"  GROUP BY group_id HAVING COUNT(*) >= ?4) g JOIN wf_case c ON c.id = g.group_id"
		" ORDER BY g.n DESC, g.last_at DESC LIMIT ?5", &st, err);
	if (rc)
		return rc;
	wf_bind_opt(st, 1, type);
	wf_bind_opt(st, 2, org);
	loa_sql_bind_i64(st, 3, since == LOA_TIME_NONE ? INT64_MIN : since);
	loa_sql_bind_i64(st, 4, min_size < 1 ? 2 : min_size);
	loa_sql_bind_i64(st, 5, limit <= 0 || limit > 500 ? 50 : limit);
	json_t *arr = json_array();
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		const char *body = loa_sql_col_text(st, 6);
		size_t bn = body ? strlen(body) : 0;
		size_t cut = bn > 280 ? loa_utf8_truncate(body, bn, 280) : bn;
		json_t *units = json_array();
		const char *u = loa_sql_col_text(st, 8);
		loa_str rest = loa_str_c(u ? u : "");
		while (rest.n) {
			loa_str one = loa_str_trim(loa_str_split(&rest, ','));
			if (one.n)
				json_array_append_new(units, json_stringn(one.p, one.n));
		}
		json_array_append_new(arr, wf_drop_nulls(json_pack(
			"{s:I,s:I,s:I,s:o,s:o,s:o,s:s%,s:o,s:o}", "group_id", (json_int_t)loa_sql_col_i64(st, 0), "size",
			(json_int_t)loa_sql_col_i64(st, 1), "open", (json_int_t)loa_sql_col_i64(st, 4), "first_at",
			wf_col_time(st, 2), "last_at", wf_col_time(st, 3), "title", wf_col_text(st, 5), "excerpt", body ? body : "", cut,
			"topic", wf_col_text(st, 7), "units", units)));
	}
	loa_sql_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return LOA_OK;
}

/* ---- press conferences ---------------------------------------------------- */

int loa_wf_conf_create(loa_wf *w, const loa_wf_conf *c, const loa_wf_actor *a, int64_t *id,
		       loa_err *err)
{
	if (!wf_str(c->org) || !wf_str(c->title))
		return loa_err_set(err, LOA_EINVAL, "cần tổ chức và tiêu đề / org and title required");
	if (c->start == LOA_TIME_NONE || c->end == LOA_TIME_NONE || c->end <= c->start ||
	    c->end - c->start > (loa_ms)7 * 86400000)
		return loa_err_set(err, LOA_EINVAL, "thời gian không hợp lệ / bad start or end");
	if (strlen(c->title) > LOA_WF_TITLE_MAX || (c->location && strlen(c->location) > LOA_WF_TITLE_MAX))
		return loa_err_set(err, LOA_EINVAL, "tiêu đề quá dài / title too long");
	loa_org_rec o;
	if (loa_store_org_get(w->s, c->org, &o, NULL) != LOA_OK)
		return loa_err_set(err, LOA_EINVAL, "không có tổ chức / no such organisation: %s", c->org);
	unsigned char r[12];
	randombytes_buf(r, sizeof r);
	char hex[25], uid[96];
	sodium_bin2hex(hex, sizeof hex, r, sizeof r);
	snprintf(uid, sizeof uid, "hop-bao-%s@loa", hex);
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "INSERT INTO wf_conference(org, title, starts_at, ends_at, location, state, uid,"
				" created_at, by) VALUES(?1, ?2, ?3, ?4, ?5, 'scheduled', ?6, ?7, ?8)", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_text(st, 1, c->org);
	loa_sql_bind_text(st, 2, c->title);
	loa_sql_bind_i64(st, 3, c->start);
	loa_sql_bind_i64(st, 4, c->end);
	wf_bind_opt(st, 5, c->location);
	loa_sql_bind_text(st, 6, uid);
	loa_sql_bind_i64(st, 7, loa_wf_now(w));
	wf_bind_opt(st, 8, actor_login(a));
	if ((rc = loa_sql_run(st, err)))
		return rc;
	int64_t cid = loa_sql_last_id(w->s);
	if (id)
		*id = cid;
	return audit(w, a, "workflow.conference.create", "conference", cid, err);
}

int loa_wf_conf_schedule_year(loa_wf *w, const char *org, int year, int hour,
			      const loa_wf_actor *a, int *made, loa_err *err)
{
	if (year < 2000 || year > 2199 || hour < 0 || hour > 22)
		return loa_err_set(err, LOA_EINVAL, "năm hoặc giờ không hợp lệ / bad year or hour");
	*made = 0;
	int rc = wf_begin(w, err);
	for (unsigned m = 1; m <= 12 && !rc; m++) {
		int64_t first = loa_days_from_civil(year, m, 1);
		int64_t next = m == 12 ? loa_days_from_civil(year + 1, 1, 1) : loa_days_from_civil(year, m + 1, 1);
		loa_stmt *st;
		rc = loa_sql_cached(w->s, "SELECT COUNT(*) FROM wf_conference WHERE org = ?1 AND starts_at >= ?2"
				    " AND starts_at < ?3 AND state != 'cancelled'", &st, err);
		if (rc)
			break;
		loa_sql_bind_text(st, 1, org);
		loa_sql_bind_i64(st, 2, vn_midnight(first));
		loa_sql_bind_i64(st, 3, vn_midnight(next));
		int64_t have = loa_sql_step(st, err) == LOA_SQL_ROW ? loa_sql_col_i64(st, 0) : 0;
		loa_sql_reset(st);
		if (have)
			continue;
		int64_t day = first;
		while (loa_weekday(day) != 3) /* Thursday */
			day++;
		while (!loa_calendar_is_working_day(w->cal, day))
			day++;
		char title[128];
		snprintf(title, sizeof title, "Họp báo thường kỳ tháng %u/%d", m, year);
		loa_wf_conf c = {org, title, NULL, NULL, NULL, vn_midnight(day) + (loa_ms)hour * 3600000,
				 vn_midnight(day) + (loa_ms)(hour + 1) * 3600000 + 1800000};
		rc = loa_wf_conf_create(w, &c, a, NULL, err);
		if (!rc)
			(*made)++;
	}
	return wf_end(w, rc, err);
}

static json_t *conf_row(loa_stmt *st)
{
	return wf_drop_nulls(json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I}", "id",
				       (json_int_t)loa_sql_col_i64(st, 0), "org", wf_col_text(st, 1), "title", wf_col_text(st, 2),
				       "starts_at", wf_col_time(st, 3), "ends_at", wf_col_time(st, 4), "location", wf_col_text(st, 5),
				       "state", wf_col_text(st, 6), "summary", wf_col_text(st, 7), "invited_at", wf_col_time(st, 8),
				       "sequence", (json_int_t)loa_sql_col_i64(st, 9)));
}

#define CONF_COLS "id, org, title, starts_at, ends_at, location, state, summary, invited_at, seq, uid"

int loa_wf_conf_get(loa_wf *w, int64_t id, json_t **out, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT " CONF_COLS " FROM wf_conference WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	rc = loa_sql_step(st, err);
	json_t *o = rc == LOA_SQL_ROW ? conf_row(st) : NULL;
	loa_sql_reset(st);
	if (rc == LOA_SQL_DONE)
		return loa_err_set(err, LOA_ENOTFOUND, "không có họp báo / no such conference: %" PRId64, id);
	if (rc < 0)
		return rc;
	loa_wf_filter f = {0};
	f.type = "question";
	f.parent_id = id;
	f.limit = 1000;
	json_t *qs = NULL;
	if (loa_wf_cases_list(w, &f, &qs, err) == LOA_OK)
		json_object_set_new(o, "questions", qs);
	*out = o;
	return LOA_OK;
}

int loa_wf_conf_list(loa_wf *w, const char *org, loa_ms since, json_t **out, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT " CONF_COLS " FROM wf_conference WHERE (?1 IS NULL OR org = ?1)"
				" AND starts_at >= ?2 ORDER BY starts_at LIMIT 1000", &st, err);
	if (rc)
		return rc;
	wf_bind_opt(st, 1, org);
	loa_sql_bind_i64(st, 2, since == LOA_TIME_NONE ? INT64_MIN : since);
	json_t *arr = json_array();
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW)
		json_array_append_new(arr, conf_row(st));
	loa_sql_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return LOA_OK;
}

int loa_wf_conf_ics(loa_wf *w, int64_t id, const char *organizer_email, loa_buf *out,
		    loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT " CONF_COLS " FROM wf_conference WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW) {
		char org_name[LOA_NAME_MAX + 1] = "";
		loa_org_rec o;
		const char *org = loa_sql_col_text(st, 1);
		char desc[2048];
		char when[LOA_TIME_STR_MAX];
		loa_time_format_display(loa_sql_col_i64(st, 3), when);
		if (org && loa_store_org_get(w->s, org, &o, NULL) == LOA_OK)
			loa_strlcpy(org_name, o.name, sizeof org_name);
		snprintf(desc, sizeof desc, "%s tổ chức họp báo lúc %s (giờ Việt Nam).\nCâu hỏi gửi trước qua loa: "
			 "POST /api/v1/questions với conference_id=%" PRId64 ".", org_name[0] ? org_name : (org ? org : ""),
			 when, id);
		bool cancelled = loa_sql_col_text(st, 6) && strcmp(loa_sql_col_text(st, 6), "cancelled") == 0;
		loa_ics_event e = {loa_sql_col_text(st, 10), (int)loa_sql_col_i64(st, 9), loa_wf_now(w),
				   loa_sql_col_i64(st, 3), loa_sql_col_i64(st, 4), loa_sql_col_text(st, 2),
				   loa_sql_col_text(st, 5), desc, org_name[0] ? org_name : NULL, organizer_email,
				   cancelled ? "CANCEL" : "REQUEST", NULL};
		rc = loa_ics_write(&e, out);
		if (rc)
			loa_err_set(err, rc, "không tạo được tệp iCalendar / cannot write the iCalendar file");
	} else if (rc == LOA_SQL_DONE) {
		rc = loa_err_set(err, LOA_ENOTFOUND, "không có họp báo / no such conference: %" PRId64, id);
	}
	loa_sql_reset(st);
	return rc;
}

typedef struct jmail {
	loa_wf *w;
	loa_buf *to;
	int n;
} jmail;

static int journalist_mail(void *arg, const loa_user *u)
{
	jmail *j = arg;
	if (u->role != LOA_ROLE_JOURNALIST || u->disabled)
		return 0;
	loa_stmt *st;
	if (loa_sql_cached(j->w->s, "SELECT email FROM wf_contact WHERE login = ?1", &st, NULL) != LOA_OK)
		return 0;
	loa_sql_bind_text(st, 1, u->login);
	while (loa_sql_step(st, NULL) == LOA_SQL_ROW) {
		const char *e = loa_sql_col_text(st, 0);
		if (j->to->data && strstr(j->to->data, e))
			continue;
		if (j->to->len)
			loa_buf_putc(j->to, ',');
		loa_buf_puts(j->to, e);
		j->n++;
	}
	loa_sql_reset(st);
	return 0;
}

int loa_wf_conf_invite(loa_wf *w, int64_t id, const char *organizer_email,
		       const loa_wf_actor *a, int *n, loa_err *err)
{
	json_t *c = NULL;
	int rc = loa_wf_conf_get(w, id, &c, err);
	if (rc)
		return rc;
	loa_buf ics, to, body;
	loa_buf_init(&ics, 1 << 20);
	loa_buf_init(&to, 1 << 20);
	loa_buf_init(&body, 1 << 16);
	rc = loa_wf_conf_ics(w, id, organizer_email, &ics, err);
	/* the network's journalists: contacts of kind journalist, and journalists' own */
	if (!rc)
		rc = loa_wf_contacts_of(w, NULL, "journalist", &to, err);
	int count = 0;
	for (size_t i = 0; to.data && i < to.len; i++)
		count += to.data[i] == ',';
	count += to.len ? 1 : 0;
	jmail j = {w, &to, 0};
	if (!rc)
		rc = loa_users_each(w->s, journalist_mail, &j, err);
	count += j.n;
	const char *title = json_string_value(json_object_get(c, "title"));
	char when[LOA_TIME_STR_MAX];
	loa_ms start = 0;
	loa_time_parse_rfc3339(json_string_value(json_object_get(c, "starts_at")),
			       strlen(json_string_value(json_object_get(c, "starts_at"))), &start);
	loa_time_format_display(start, when);
	const char *loc = json_string_value(json_object_get(c, "location"));
	if (!rc)
		loa_buf_printf(&body, "Kính mời quý nhà báo dự %s lúc %s (giờ Việt Nam)%s%s.\n\n"
			       "Câu hỏi xin gửi trước qua loa (mục Câu hỏi báo chí, chọn họp báo #%" PRId64 ").\n"
			       "Lịch kèm theo (tệp .ics).\n\n-- \nYou are invited to the press conference above; "
			       "the calendar file is attached.\n", title, when, loc ? " tại " : "", loc ? loc : "", id);
	if (!rc && count > 0)
		rc = wf_begin(w, err);
	if (!rc && count > 0) {
		char subj[LOA_WF_TITLE_MAX + 32];
		snprintf(subj, sizeof subj, "Giấy mời: %s", title);
		rc = loa_wf_mail_queue(w, to.data, subj, body.data, "hop-bao.ics", "text/calendar; method=REQUEST; charset=UTF-8",
				       ics.data, ics.len, err);
		loa_stmt *u;
		if (!rc)
			rc = loa_sql_cached(w->s, "UPDATE wf_conference SET invited_at = ?2 WHERE id = ?1", &u, err);
		if (!rc) {
			loa_sql_bind_i64(u, 1, id);
			loa_sql_bind_i64(u, 2, loa_wf_now(w));
			rc = loa_sql_run(u, err);
		}
		if (!rc)
			rc = audit(w, a, "workflow.conference.invite", "conference", id, err);
		rc = wf_end(w, rc, err);
	}
	if (!rc && n)
		*n = count;
	json_decref(c);
	loa_buf_release(&ics);
	loa_buf_release(&to);
	loa_buf_release(&body);
	return rc;
}

int loa_wf_conf_close(loa_wf *w, int64_t id, bool held, const char *summary,
		      const loa_wf_actor *a, loa_err *err)
{
	json_t *c = NULL;
	int rc = loa_wf_conf_get(w, id, &c, err);
	if (rc)
		return rc;
	const char *state = json_string_value(json_object_get(c, "state"));
	if (strcmp(state, "scheduled") != 0) {
		json_decref(c);
		return loa_err_set(err, LOA_WF_ECONFLICT, "họp báo đã kết thúc hoặc đã hủy / the conference is over");
	}
	if (held && (!summary || !*summary || strlen(summary) > LOA_WF_TEXT_MAX)) {
		json_decref(c);
		return loa_err_set(err, LOA_EINVAL, "cần nội dung tóm tắt / a summary is required");
	}
	if ((rc = wf_begin(w, err))) {
		json_decref(c);
		return rc;
	}
	loa_stmt *st;
	rc = loa_sql_cached(w->s, "UPDATE wf_conference SET state = ?2, summary = ?3, seq = seq + 1 WHERE id = ?1", &st, err);
	if (!rc) {
		loa_sql_bind_i64(st, 1, id);
		loa_sql_bind_text(st, 2, held ? "held" : "cancelled");
		wf_bind_opt(st, 3, summary);
		rc = loa_sql_run(st, err);
	}
	if (!rc && held) {
		char title[LOA_WF_TITLE_MAX + 32];
		snprintf(title, sizeof title, "Kết quả %s", json_string_value(json_object_get(c, "title")));
		rc = loa_wf_publication_add(w, 0, "conference_summary", json_string_value(json_object_get(c, "org")),
					    title, summary, a, NULL, err);
	}
	if (!rc)
		rc = audit(w, a, held ? "workflow.conference.held" : "workflow.conference.cancel", "conference", id, err);
	json_decref(c);
	rc = wf_end(w, rc, err);
	if (!rc && held)
		wf_publications_flush(w, 5, NULL);
	return rc;
}

int loa_wf_cadence(loa_wf *w, const char *org, int year, json_t **out, loa_err *err)
{
	if (year < 2000 || year > 2199)
		return loa_err_set(err, LOA_EINVAL, "năm không hợp lệ / bad year");
	int64_t today = loa_vn_day(loa_wf_now(w));
	json_t *months = json_array(), *quarters = json_array();
	int conf_q[4] = {0};
	int rc = LOA_OK;
	for (unsigned m = 1; m <= 12 && !rc; m++) {
		int64_t first = loa_days_from_civil(year, m, 1);
		int64_t next = m == 12 ? loa_days_from_civil(year + 1, 1, 1) : loa_days_from_civil(year, m + 1, 1);
		loa_stmt *st;
		int64_t confs = 0, pubs = 0, scheduled = 0;
		rc = loa_sql_cached(w->s, "SELECT SUM(CASE WHEN state = 'held' THEN 1 ELSE 0 END),"
				    " SUM(CASE WHEN state = 'scheduled' THEN 1 ELSE 0 END) FROM wf_conference"
				    " WHERE org = ?1 AND starts_at >= ?2 AND starts_at < ?3", &st, err);
		if (rc)
			break;
		loa_sql_bind_text(st, 1, org);
		loa_sql_bind_i64(st, 2, vn_midnight(first));
		loa_sql_bind_i64(st, 3, vn_midnight(next));
		if (loa_sql_step(st, err) == LOA_SQL_ROW) {
			confs = loa_sql_col_i64(st, 0);
			scheduled = loa_sql_col_i64(st, 1);
		}
		loa_sql_reset(st);
		rc = loa_sql_cached(w->s, "SELECT COUNT(*) FROM wf_publication WHERE org = ?1 AND created_at >= ?2"
				    " AND created_at < ?3", &st, err);
		if (rc)
			break;
		loa_sql_bind_text(st, 1, org);
		loa_sql_bind_i64(st, 2, vn_midnight(first));
		loa_sql_bind_i64(st, 3, vn_midnight(next));
		if (loa_sql_step(st, err) == LOA_SQL_ROW)
			pubs = loa_sql_col_i64(st, 0);
		loa_sql_reset(st);
		conf_q[(m - 1) / 3] += (int)confs;
		const char *status = confs + pubs > 0 ? "done" : today < next ? "due" : "missed";
		json_array_append_new(months, json_pack("{s:i,s:I,s:I,s:I,s:s}", "month", m, "conferences_held",
							(json_int_t)confs, "conferences_scheduled", (json_int_t)scheduled,
							"publications", (json_int_t)pubs, "status", status));
	}
	for (int q = 0; q < 4; q++) {
		int64_t next = q == 3 ? loa_days_from_civil(year + 1, 1, 1) : loa_days_from_civil(year, (unsigned)(q * 3 + 4), 1);
		const char *status = conf_q[q] > 0 ? "done" : today < next ? "due" : "missed";
		json_array_append_new(quarters, json_pack("{s:i,s:i,s:s}", "quarter", q + 1, "conferences_held",
							  conf_q[q], "status", status));
	}
	if (rc) {
		json_decref(months);
		json_decref(quarters);
		return rc;
	}
	*out = json_pack("{s:s,s:i,s:o,s:o,s:s}", "org", org, "year", year, "months", months, "quarters", quarters,
			 "rule", "Nghị định 09/2017/NĐ-CP: cung cấp thông tin định kỳ hằng tháng; họp báo ít nhất mỗi quý "
			 "một lần (Bộ, ngành), hằng tháng theo quy chế của đơn vị");
	return LOA_OK;
}

/* ---- policies ------------------------------------------------------------- */

static const char *const stages[] = {"drafting", "consultation", "issued", "implemented", "evaluated", NULL};

static int stage_index(const char *s)
{
	for (int i = 0; s && stages[i]; i++)
		if (strcmp(stages[i], s) == 0)
			return i;
	return -1;
}

static bool slug_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > LOA_SLUG_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '.' ||
		      s[i] == '_'))
			return false;
	return true;
}

int loa_wf_policy_create(loa_wf *w, const char *org, const char *slug, const char *title,
			 const char *text, const char *query, const loa_wf_actor *a, int64_t *id,
			 loa_err *err)
{
	if (!slug_ok(slug))
		return loa_err_set(err, LOA_EINVAL, "slug không hợp lệ ([a-z0-9._-]) / bad slug");
	if (!wf_str(title) || strlen(title) > LOA_WF_TITLE_MAX || !wf_str(text) || strlen(text) > LOA_WF_POLICY_TEXT_MAX ||
	    !wf_utf8_ok(text) || (query && strlen(query) > 4096))
		return loa_err_set(err, LOA_EINVAL, "cần tiêu đề và văn bản dự thảo hợp lệ / title and draft text required");
	int rc = wf_begin(w, err);
	if (rc)
		return rc;
	loa_stmt *st;
	rc = loa_sql_cached(w->s, "INSERT INTO wf_policy(org, slug, title, stage, comments_open, query, created_at,"
			    " updated_at) VALUES(?1, ?2, ?3, 'drafting', 0, ?4, ?5, ?5)", &st, err);
	if (!rc) {
		wf_bind_opt(st, 1, org);
		loa_sql_bind_text(st, 2, slug);
		loa_sql_bind_text(st, 3, title);
		wf_bind_opt(st, 4, query);
		loa_sql_bind_i64(st, 5, loa_wf_now(w));
		rc = loa_sql_run(st, err);
		if (rc == LOA_EDB)
			rc = loa_err_set(err, LOA_EEXIST, "slug đã có / slug taken: %s", slug);
	}
	int64_t pid = rc ? 0 : loa_sql_last_id(w->s);
	if (!rc)
		rc = audit(w, a, "workflow.policy.create", "policy", pid, err);
	int n;
	if (!rc)
		rc = loa_wf_policy_version_add(w, pid, text, "dự thảo 1", a, &n, err);
	rc = wf_end(w, rc, err);
	if (!rc && id)
		*id = pid;
	return rc;
}

int loa_wf_policy_id(loa_wf *w, const char *slug, int64_t *id, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT id FROM wf_policy WHERE slug = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_text(st, 1, slug ? slug : "");
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW)
		*id = loa_sql_col_i64(st, 0);
	loa_sql_reset(st);
	if (rc == LOA_SQL_DONE)
		return loa_err_set(err, LOA_ENOTFOUND, "không có chính sách / no such policy: %s", slug ? slug : "");
	return rc < 0 ? rc : LOA_OK;
}

typedef struct policy_core {
	char stage[32];
	bool open;
	char org[LOA_SLUG_MAX + 1];
	int last;
} policy_core;

static int policy_core_get(loa_wf *w, int64_t id, policy_core *p, loa_err *err)
{
	memset(p, 0, sizeof *p);
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT stage, comments_open, org, (SELECT MAX(n) FROM wf_policy_version"
				" WHERE policy_id = wf_policy.id) FROM wf_policy WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW) {
		loa_strlcpy(p->stage, loa_sql_col_text(st, 0), sizeof p->stage);
		p->open = loa_sql_col_i64(st, 1) != 0;
		if (loa_sql_col_text(st, 2))
			loa_strlcpy(p->org, loa_sql_col_text(st, 2), sizeof p->org);
		p->last = (int)loa_sql_col_i64(st, 3);
	}
	loa_sql_reset(st);
	if (rc == LOA_SQL_DONE)
		return loa_err_set(err, LOA_ENOTFOUND, "không có chính sách / no such policy: %" PRId64, id);
	return rc < 0 ? rc : LOA_OK;
}

int loa_wf_policy_version_add(loa_wf *w, int64_t id, const char *text, const char *note,
			      const loa_wf_actor *a, int *n, loa_err *err)
{
	policy_core p;
	int rc = policy_core_get(w, id, &p, err);
	if (rc)
		return rc;
	if (stage_index(p.stage) >= 2)
		return loa_err_set(err, LOA_WF_ECONFLICT, "chính sách đã ban hành, không thêm dự thảo / already issued");
	if (!wf_str(text) || strlen(text) > LOA_WF_POLICY_TEXT_MAX || !wf_utf8_ok(text) ||
	    (note && strlen(note) > LOA_WF_NOTE_MAX))
		return loa_err_set(err, LOA_EINVAL, "văn bản dự thảo không hợp lệ / bad draft text");
	loa_stmt *st;
	rc = loa_sql_cached(w->s, "INSERT INTO wf_policy_version(policy_id, n, text, note, created_at, by)"
			    " VALUES(?1, ?2, ?3, ?4, ?5, ?6)", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	loa_sql_bind_i64(st, 2, p.last + 1);
	loa_sql_bind_text(st, 3, text);
	wf_bind_opt(st, 4, note);
	loa_sql_bind_i64(st, 5, loa_wf_now(w));
	wf_bind_opt(st, 6, actor_login(a));
	if ((rc = loa_sql_run(st, err)))
		return rc;
	if (n)
		*n = p.last + 1;
	return audit(w, a, "workflow.policy.version", "policy", id, err);
}

int loa_wf_policy_stage(loa_wf *w, int64_t id, const char *stage, const char *final_text,
			const loa_wf_actor *a, loa_err *err)
{
	policy_core p;
	int rc = policy_core_get(w, id, &p, err);
	if (rc)
		return rc;
	int to = stage_index(stage), from = stage_index(p.stage);
	if (to < 0)
		return loa_err_set(err, LOA_EINVAL, "giai đoạn không hợp lệ / bad stage: %s", stage ? stage : "");
	if (to < from || (to == from && to != 1))
		return loa_err_set(err, LOA_WF_ECONFLICT, "không quay lại giai đoạn trước / stages only move forward");
	if (to == 2 && (!wf_str(final_text) || strlen(final_text) > LOA_WF_POLICY_TEXT_MAX || !wf_utf8_ok(final_text)))
		return loa_err_set(err, LOA_EINVAL, "cần văn bản ban hành / the final text is required");
	loa_stmt *st;
	rc = loa_sql_cached(w->s, "UPDATE wf_policy SET stage = ?2, comments_open = ?3,"
			    " final_text = COALESCE(?4, final_text), updated_at = ?5 WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	loa_sql_bind_text(st, 2, stage);
	loa_sql_bind_i64(st, 3, to == 1);
	wf_bind_opt(st, 4, to == 2 ? final_text : NULL);
	loa_sql_bind_i64(st, 5, loa_wf_now(w));
	if ((rc = loa_sql_run(st, err)))
		return rc;
	char act[64];
	snprintf(act, sizeof act, "workflow.policy.%s", stage);
	return audit(w, a, act, "policy", id, err);
}

int loa_wf_policy_text(loa_wf *w, int64_t id, int n, loa_buf *out, int *nout, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT n, text FROM wf_policy_version WHERE policy_id = ?1"
				" AND (?2 = 0 OR n = ?2) ORDER BY n DESC LIMIT 1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	loa_sql_bind_i64(st, 2, n);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW) {
		if (nout)
			*nout = (int)loa_sql_col_i64(st, 0);
		rc = loa_buf_puts(out, loa_sql_col_text(st, 1));
	} else if (rc == LOA_SQL_DONE) {
		rc = loa_err_set(err, LOA_ENOTFOUND, "không có bản dự thảo / no such version: %d", n);
	}
	loa_sql_reset(st);
	return rc;
}

int loa_wf_policy_diff(loa_wf *w, int64_t id, int a, int b, json_t **out, loa_err *err)
{
	loa_buf ta, tb;
	loa_buf_init(&ta, LOA_WF_POLICY_TEXT_MAX + 1);
	loa_buf_init(&tb, LOA_WF_POLICY_TEXT_MAX + 1);
	int na = 0, nb = 0;
	int rc = loa_wf_policy_text(w, id, a, &ta, &na, err);
	if (!rc)
		rc = loa_wf_policy_text(w, id, b, &tb, &nb, err);
	loa_wf_diff d;
	memset(&d, 0, sizeof d);
	const char *pa = ta.data ? ta.data : "", *pb = tb.data ? tb.data : "";
	if (!rc)
		rc = loa_wf_diff_texts(pa, ta.len, pb, tb.len, &d, err);
	if (!rc) {
		json_t *ops = json_array();
		for (size_t i = 0; i < d.n; i++) {
			const loa_wf_op *o = &d.ops[i];
			const char *src = o->op == LOA_WF_INS ? pb : pa;
			json_array_append_new(ops, json_pack("{s:s,s:s%}", "op",
							     o->op == LOA_WF_EQ ? "=" : o->op == LOA_WF_DEL ? "-" : "+",
							     "text", src + o->start, o->end - o->start));
		}
		loa_buf html;
		loa_buf_init(&html, (size_t)16 << 20);
		loa_wf_diff_html(&d, pa, pb, &html);
		*out = json_pack("{s:i,s:i,s:I,s:I,s:o,s:s}", "from", na, "to", nb, "words_deleted",
				 (json_int_t)d.words_del, "words_inserted", (json_int_t)d.words_ins, "ops", ops, "html",
				 html.data ? html.data : "");
		loa_buf_release(&html);
		loa_wf_diff_release(&d);
	}
	loa_buf_release(&ta);
	loa_buf_release(&tb);
	return rc;
}

int loa_wf_policy_list(loa_wf *w, json_t **out, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT id, org, slug, title, stage, comments_open, updated_at FROM wf_policy"
				" ORDER BY updated_at DESC LIMIT 1000", &st, err);
	if (rc)
		return rc;
	json_t *arr = json_array();
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW)
		json_array_append_new(arr, wf_drop_nulls(json_pack(
			"{s:I,s:o,s:o,s:o,s:o,s:b,s:o}", "id", (json_int_t)loa_sql_col_i64(st, 0), "org", wf_col_text(st, 1),
			"slug", wf_col_text(st, 2), "title", wf_col_text(st, 3), "stage", wf_col_text(st, 4), "comments_open",
			loa_sql_col_i64(st, 5) != 0, "updated_at", wf_col_time(st, 6))));
	loa_sql_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return LOA_OK;
}

int loa_wf_policy_get(loa_wf *w, int64_t id, bool with_text, json_t **out, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT id, org, slug, title, stage, comments_open, final_text, query,"
				" created_at, updated_at FROM wf_policy WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	rc = loa_sql_step(st, err);
	json_t *o = NULL;
	if (rc == LOA_SQL_ROW)
		o = json_pack("{s:I,s:o,s:o,s:o,s:o,s:b,s:o,s:o,s:o,s:o}", "id", (json_int_t)id, "org", wf_col_text(st, 1),
			      "slug", wf_col_text(st, 2), "title", wf_col_text(st, 3), "stage", wf_col_text(st, 4), "comments_open",
			      loa_sql_col_i64(st, 5) != 0, "final_text", wf_col_text(st, 6), "query", wf_col_text(st, 7),
			      "created_at", wf_col_time(st, 8), "updated_at", wf_col_time(st, 9));
	loa_sql_reset(st);
	if (rc == LOA_SQL_DONE)
		return loa_err_set(err, LOA_ENOTFOUND, "không có chính sách / no such policy: %" PRId64, id);
	if (rc < 0)
		return rc;
	json_t *vers = json_array();
	rc = loa_sql_cached(w->s, "SELECT n, note, created_at, by, length(text) FROM wf_policy_version"
			    " WHERE policy_id = ?1 ORDER BY n", &st, err);
	if (!rc) {
		loa_sql_bind_i64(st, 1, id);
		while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW)
			json_array_append_new(vers, wf_drop_nulls(json_pack(
				"{s:I,s:o,s:o,s:o,s:I}", "n", (json_int_t)loa_sql_col_i64(st, 0), "note", wf_col_text(st, 1),
				"created_at", wf_col_time(st, 2), "by", wf_col_text(st, 3), "bytes", (json_int_t)loa_sql_col_i64(st, 4))));
		loa_sql_reset(st);
	}
	json_object_set_new(o, "versions", vers);
	/* comments by state and disposition */
	json_t *counts = json_object();
	rc = loa_sql_cached(w->s, "SELECT state, COALESCE(label, ''), COUNT(*) FROM wf_case WHERE type = 'comment'"
			    " AND policy_id = ?1 GROUP BY state, label", &st, err);
	if (!rc) {
		loa_sql_bind_i64(st, 1, id);
		while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
			const char *s1 = loa_sql_col_text(st, 0), *l = loa_sql_col_text(st, 1);
			char key[80];
			snprintf(key, sizeof key, "%s%s%s", s1, l && *l ? ":" : "", l ? l : "");
			json_object_set_new(counts, key, json_integer(loa_sql_col_i64(st, 2)));
		}
		loa_sql_reset(st);
	}
	json_object_set_new(o, "comments", counts);
	/* citizens' questions and feedback about it */
	loa_wf_filter f = {0};
	f.policy_id = id;
	f.limit = 200;
	json_t *linked = NULL;
	if (loa_wf_cases_list(w, &f, &linked, err) == LOA_OK) {
		json_t *keep = json_array();
		size_t i;
		json_t *v;
		json_array_foreach(linked, i, v) {
			const char *t = json_string_value(json_object_get(v, "type"));
			if (t && strcmp(t, "comment") != 0)
				json_array_append(keep, v);
		}
		json_decref(linked);
		json_object_set_new(o, "linked_cases", keep);
	}
	if (with_text) {
		loa_buf b;
		loa_buf_init(&b, LOA_WF_POLICY_TEXT_MAX + 1);
		int n = 0;
		if (loa_wf_policy_text(w, id, 0, &b, &n, NULL) == LOA_OK) {
			json_object_set_new(o, "text", json_string(b.data ? b.data : ""));
			json_object_set_new(o, "version", json_integer(n));
		}
		loa_buf_release(&b);
	}
	*out = wf_drop_nulls(o);
	return LOA_OK;
}

static bool utf8_boundary(const char *s, size_t n, int64_t off)
{
	if (off < 0 || (size_t)off > n)
		return false;
	return (size_t)off == n || ((unsigned char)s[off] & 0xc0) != 0x80;
}

int loa_wf_comment_submit(loa_wf *w, const loa_wf_comment *c, const struct loa_cls_model *tox,
			  const loa_wf_actor *a, int64_t *id, loa_err *err)
{
	policy_core p;
	int rc = policy_core_get(w, c->policy_id, &p, err);
	if (rc)
		return rc;
	if (!p.open)
		return loa_err_set(err, LOA_WF_ECONFLICT, "dự thảo không mở lấy ý kiến / comments are closed");
	if (!wf_str(c->text) || strlen(c->text) > 16384 || !wf_utf8_ok(c->text))
		return loa_err_set(err, LOA_EINVAL, "cần nội dung góp ý (tối đa 16 KB) / comment text required (<= 16 KB)");
	loa_buf t;
	loa_buf_init(&t, LOA_WF_POLICY_TEXT_MAX + 1);
	int ver = 0;
	rc = loa_wf_policy_text(w, c->policy_id, c->version, &t, &ver, err);
	if (rc) {
		loa_buf_release(&t);
		return rc;
	}
	json_t *d = json_pack("{s:i}", "version", ver);
	if (c->start >= 0 || c->end >= 0) {
		const char *txt = t.data ? t.data : "";
		if (c->start < 0 || c->end < c->start || !utf8_boundary(txt, t.len, c->start) ||
		    !utf8_boundary(txt, t.len, c->end) || c->end - c->start > 16384) {
			loa_buf_release(&t);
			json_decref(d);
			return loa_err_set(err, LOA_EINVAL, "đoạn trích không hợp lệ (vị trí byte) / bad passage offsets");
		}
		json_object_set_new(d, "start", json_integer(c->start));
		json_object_set_new(d, "end", json_integer(c->end));
		json_object_set_new(d, "quote", json_stringn(txt + c->start, (size_t)(c->end - c->start)));
	}
	loa_buf_release(&t);
	loa_classifier *cl = tox ? loa_classifier_new(tox) : NULL;
	if (cl) {
		loa_cls_result r;
		if (loa_classify(cl, c->text, strlen(c->text), &r) == LOA_OK) {
			const char *lb = loa_cls_model_label(tox, r.label);
			json_object_set_new(d, "toxicity", json_pack("{s:s,s:f}", "label", lb ? lb : "?", "prob", r.prob));
			/* anything the model does not call clean is held for the
			 * moderator with the reason (models/toxicity.md) */
			if (!lb || strcmp(lb, "clean") != 0)
				json_object_set_new(d, "held", json_string("toxicity"));
		}
		loa_classifier_free(cl);
	} else {
		json_object_set_new(d, "toxicity", json_null());
	}
	char *data = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	loa_wf_new n = {0};
	n.type = "comment";
	n.org = wf_str(p.org);
	n.body = c->text;
	n.name = c->name;
	n.email = c->email;
	n.parent_id = c->policy_id;
	n.policy_id = c->policy_id;
	n.data = data;
	rc = data ? loa_wf_case_create(w, &n, a, id, err) : loa_err_set(err, LOA_ENOMEM, "out of memory");
	free(data);
	return rc;
}

/* ---- plans ----------------------------------------------------------------- */

int loa_wf_plan_create(loa_wf *w, const char *org, const char *title, int year, int quarter,
		       const loa_wf_actor *a, int64_t *id, loa_err *err)
{
	if (!wf_str(title) || strlen(title) > LOA_WF_TITLE_MAX || year < 2000 || year > 2199 || quarter < 0 ||
	    quarter > 4)
		return loa_err_set(err, LOA_EINVAL, "cần tiêu đề, năm (2000–2199), quý 0–4 / title, year and quarter required");
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "INSERT INTO wf_plan(org, title, year, quarter, created_at, by)"
				" VALUES(?1, ?2, ?3, ?4, ?5, ?6)", &st, err);
	if (rc)
		return rc;
	wf_bind_opt(st, 1, org);
	loa_sql_bind_text(st, 2, title);
	loa_sql_bind_i64(st, 3, year);
	loa_sql_bind_i64(st, 4, quarter);
	loa_sql_bind_i64(st, 5, loa_wf_now(w));
	wf_bind_opt(st, 6, actor_login(a));
	if ((rc = loa_sql_run(st, err)))
		return rc;
	int64_t pid = loa_sql_last_id(w->s);
	if (id)
		*id = pid;
	return audit(w, a, "workflow.plan.create", "plan", pid, err);
}

static int plan_exists(loa_wf *w, int64_t plan, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT 1 FROM wf_plan WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, plan);
	rc = loa_sql_step(st, err);
	loa_sql_reset(st);
	if (rc == LOA_SQL_DONE)
		return loa_err_set(err, LOA_ENOTFOUND, "không có kế hoạch / no such plan: %" PRId64, plan);
	return rc < 0 ? rc : LOA_OK;
}

int loa_wf_plan_theme_add(loa_wf *w, int64_t plan, const char *theme, const char *message,
			  const char *channels, const char *query, int64_t *id, loa_err *err)
{
	int rc = plan_exists(w, plan, err);
	if (rc)
		return rc;
	if (!wf_str(theme) || strlen(theme) > LOA_WF_TITLE_MAX || (message && strlen(message) > LOA_WF_NOTE_MAX) ||
	    (channels && strlen(channels) > 1024) || (query && strlen(query) > 4096))
		return loa_err_set(err, LOA_EINVAL, "cần chủ đề / theme required");
	loa_stmt *st;
	rc = loa_sql_cached(w->s, "INSERT INTO wf_plan_theme(plan_id, theme, message, channels, query)"
			    " VALUES(?1, ?2, ?3, ?4, ?5)", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, plan);
	loa_sql_bind_text(st, 2, theme);
	wf_bind_opt(st, 3, message);
	wf_bind_opt(st, 4, channels);
	wf_bind_opt(st, 5, query);
	if ((rc = loa_sql_run(st, err)))
		return rc;
	if (id)
		*id = loa_sql_last_id(w->s);
	return LOA_OK;
}

static int parse_day(const char *s, int64_t *day)
{
	int64_t y, m, d;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || loa_parse_i64n((loa_str){s, 4}, &y) ||
	    loa_parse_i64n((loa_str){s + 5, 2}, &m) || loa_parse_i64n((loa_str){s + 8, 2}, &d) || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return LOA_EPARSE;
	*day = loa_days_from_civil(y, (unsigned)m, (unsigned)d);
	return LOA_OK;
}

int loa_wf_plan_task_add(loa_wf *w, int64_t plan, int64_t theme, const char *title,
			 const char *owner, const char *due_date, int64_t *id, loa_err *err)
{
	int rc = plan_exists(w, plan, err);
	if (rc)
		return rc;
	int64_t day = 0;
	if (!wf_str(title) || strlen(title) > LOA_WF_TITLE_MAX || (owner && strlen(owner) > LOA_NAME_MAX))
		return loa_err_set(err, LOA_EINVAL, "cần tên nhiệm vụ / task title required");
	if (due_date && parse_day(due_date, &day))
		return loa_err_set(err, LOA_EINVAL, "hạn không hợp lệ (YYYY-MM-DD) / bad due date");
	loa_stmt *st;
	rc = loa_sql_cached(w->s, "INSERT INTO wf_plan_task(plan_id, theme_id, title, owner, due_day)"
			    " VALUES(?1, ?2, ?3, ?4, ?5)", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, plan);
	if (theme > 0)
		loa_sql_bind_i64(st, 2, theme);
	loa_sql_bind_text(st, 3, title);
	wf_bind_opt(st, 4, owner);
	if (due_date)
		loa_sql_bind_i64(st, 5, day);
	if ((rc = loa_sql_run(st, err)))
		return rc;
	if (id)
		*id = loa_sql_last_id(w->s);
	return LOA_OK;
}

int loa_wf_plan_task_done(loa_wf *w, int64_t task, const char *link, const loa_wf_actor *a,
			  loa_err *err)
{
	if (link && strlen(link) > 4096)
		return loa_err_set(err, LOA_EINVAL, "liên kết quá dài / link too long");
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "UPDATE wf_plan_task SET done_at = ?2, link = COALESCE(?3, link)"
				" WHERE id = ?1 AND done_at IS NULL", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, task);
	loa_sql_bind_i64(st, 2, loa_wf_now(w));
	wf_bind_opt(st, 3, link);
	if ((rc = loa_sql_run(st, err)))
		return rc;
	if (loa_sql_changes(w->s) == 0)
		return loa_err_set(err, LOA_WF_ECONFLICT, "không có nhiệm vụ hoặc đã xong / no such task or already done");
	return audit(w, a, "workflow.plan.task_done", "task", task, err);
}

int loa_wf_plan_period(loa_wf *w, int64_t id, loa_ms *from, loa_ms *to, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT year, quarter FROM wf_plan WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW) {
		int y = (int)loa_sql_col_i64(st, 0), q = (int)loa_sql_col_i64(st, 1);
		unsigned m0 = q ? (unsigned)(q - 1) * 3 + 1 : 1;
		int64_t a = loa_days_from_civil(y, m0, 1);
		int64_t b = q == 0 || q == 4 ? loa_days_from_civil(y + 1, 1, 1) : loa_days_from_civil(y, m0 + 3, 1);
		*from = vn_midnight(a);
		*to = vn_midnight(b);
	}
	loa_sql_reset(st);
	if (rc == LOA_SQL_DONE)
		return loa_err_set(err, LOA_ENOTFOUND, "không có kế hoạch / no such plan: %" PRId64, id);
	return rc < 0 ? rc : LOA_OK;
}

int loa_wf_plan_get(loa_wf *w, int64_t id, json_t **out, loa_err *err)
{
	loa_ms from, to;
	int rc = loa_wf_plan_period(w, id, &from, &to, err);
	if (rc)
		return rc;
	loa_stmt *st;
	rc = loa_sql_cached(w->s, "SELECT id, org, title, year, quarter, created_at FROM wf_plan WHERE id = ?1", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	json_t *o = NULL;
	if (loa_sql_step(st, err) == LOA_SQL_ROW)
		o = json_pack("{s:I,s:o,s:o,s:I,s:I,s:o}", "id", (json_int_t)id, "org", wf_col_text(st, 1), "title", wf_col_text(st, 2),
			      "year", (json_int_t)loa_sql_col_i64(st, 3), "quarter", (json_int_t)loa_sql_col_i64(st, 4),
			      "created_at", wf_col_time(st, 5));
	loa_sql_reset(st);
	if (!o)
		return loa_err_set(err, LOA_ENOTFOUND, "không có kế hoạch / no such plan");
	char t[LOA_TIME_STR_MAX];
	json_object_set_new(o, "from", json_string(loa_time_format_rfc3339(from, t)));
	json_object_set_new(o, "to", json_string(loa_time_format_rfc3339(to, t)));
	json_t *themes = json_array();
	rc = loa_sql_cached(w->s, "SELECT id, theme, message, channels, query FROM wf_plan_theme WHERE plan_id = ?1"
			    " ORDER BY id", &st, err);
	if (!rc) {
		loa_sql_bind_i64(st, 1, id);
		while (loa_sql_step(st, err) == LOA_SQL_ROW)
			json_array_append_new(themes, wf_drop_nulls(json_pack(
				"{s:I,s:o,s:o,s:o,s:o}", "id", (json_int_t)loa_sql_col_i64(st, 0), "theme", wf_col_text(st, 1),
				"message", wf_col_text(st, 2), "channels", wf_col_text(st, 3), "query", wf_col_text(st, 4))));
		loa_sql_reset(st);
	}
	json_object_set_new(o, "themes", themes);
	json_t *tasks = json_array();
	int64_t today = loa_vn_day(loa_wf_now(w));
	rc = loa_sql_cached(w->s, "SELECT id, theme_id, title, owner, due_day, done_at, link FROM wf_plan_task"
			    " WHERE plan_id = ?1 ORDER BY due_day, id", &st, err);
	if (!rc) {
		loa_sql_bind_i64(st, 1, id);
		while (loa_sql_step(st, err) == LOA_SQL_ROW) {
			char ds[16] = "";
			bool has_due = !loa_sql_col_null(st, 4);
			if (has_due)
				day_str(loa_sql_col_i64(st, 4), ds);
			bool done = !loa_sql_col_null(st, 5);
			const char *status = done ? "done" : has_due && loa_sql_col_i64(st, 4) < today ? "overdue" : "open";
			json_array_append_new(tasks, wf_drop_nulls(json_pack(
				"{s:I,s:o,s:o,s:o,s:s?,s:s,s:o,s:o}", "id", (json_int_t)loa_sql_col_i64(st, 0), "theme_id",
				wf_col_int(st, 1), "title", wf_col_text(st, 2), "owner", wf_col_text(st, 3), "due_date", has_due ? ds : NULL, "status", status,
				"done_at", wf_col_time(st, 5), "link", wf_col_text(st, 6))));
		}
		loa_sql_reset(st);
	}
	json_object_set_new(o, "tasks", tasks);
	*out = wf_drop_nulls(o);
	return LOA_OK;
}

int loa_wf_plan_list(loa_wf *w, const char *org, json_t **out, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(w->s, "SELECT p.id, p.org, p.title, p.year, p.quarter,"
				" (SELECT COUNT(*) FROM wf_plan_task t WHERE t.plan_id = p.id),"
				" (SELECT COUNT(*) FROM wf_plan_task t WHERE t.plan_id = p.id AND t.done_at IS NOT NULL)"
				" FROM wf_plan p WHERE (?1 IS NULL OR p.org = ?1) ORDER BY p.year DESC, p.quarter DESC, p.id DESC",
				&st, err);
	if (rc)
		return rc;
	wf_bind_opt(st, 1, org);
	json_t *arr = json_array();
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW)
		json_array_append_new(arr, wf_drop_nulls(json_pack(
			"{s:I,s:o,s:o,s:I,s:I,s:I,s:I}", "id", (json_int_t)loa_sql_col_i64(st, 0), "org", wf_col_text(st, 1),
			"title", wf_col_text(st, 2), "year", (json_int_t)loa_sql_col_i64(st, 3), "quarter",
			(json_int_t)loa_sql_col_i64(st, 4), "tasks", (json_int_t)loa_sql_col_i64(st, 5), "tasks_done",
			(json_int_t)loa_sql_col_i64(st, 6))));
	loa_sql_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return LOA_OK;
}

typedef struct cov {
	loa_store *s;
	int64_t hits, pos, neu, neg, unl;
} cov;

static int cov_hit(void *arg, const loa_search_hit *h)
{
	cov *c = arg;
	c->hits++;
	loa_stmt *st;
	const char *label = NULL;
	if (loa_sql_cached(c->s, "SELECT label FROM analyze_item WHERE item_id = ?1 AND task = 'tone'", &st, NULL) ==
	    LOA_OK) {
		loa_sql_bind_i64(st, 1, h->item_id);
		if (loa_sql_step(st, NULL) == LOA_SQL_ROW)
			label = loa_sql_col_text(st, 0);
		if (label && strcmp(label, "positive") == 0)
			c->pos++;
		else if (label && strcmp(label, "negative") == 0)
			c->neg++;
		else if (label && strcmp(label, "neutral") == 0)
			c->neu++;
		else
			c->unl++;
		loa_sql_reset(st);
	} else {
		c->unl++;
	}
	return 0;
}

int loa_wf_coverage(struct loa_search *se, loa_store *s, const char *query, loa_ms from, loa_ms to,
		    json_t **out, loa_err *err)
{
	if (!se || !wf_str(query) || strlen(query) > 4096)
		return loa_err_set(err, LOA_EINVAL, "cần truy vấn / a query is required");
	loa_query *q = NULL;
	size_t pos = 0;
	loa_buf qs;
	loa_buf_init(&qs, 8192);
	char a[16], b[16];
	day_str(loa_vn_day(from), a);
	day_str(loa_vn_day(to - 1) + 1, b);
	loa_buf_printf(&qs, "(%s) since:%s until:%s", query, a, b);
	int rc = loa_query_parse(qs.data, qs.len, loa_now_ms(), &q, &pos, err);
	loa_buf_release(&qs);
	if (rc)
		return rc;
	loa_search_opts o = {0};
	o.limit = LOA_SEARCH_MAX_LIMIT;
	o.now = LOA_TIME_NONE;
	o.no_snippet = true;
	cov c = {s, 0, 0, 0, 0, 0};
	rc = loa_search_run(se, q, &o, cov_hit, &c, NULL, err);
	loa_query_free(q);
	if (rc)
		return rc;
	int64_t labelled = c.pos + c.neu + c.neg;
	*out = json_pack("{s:s,s:I,s:b,s:{s:I,s:I,s:I,s:I}}", "query", query, "items", (json_int_t)c.hits, "capped",
			 c.hits >= LOA_SEARCH_MAX_LIMIT, "tone", "positive", (json_int_t)c.pos, "neutral",
			 (json_int_t)c.neu, "negative", (json_int_t)c.neg, "unlabelled", (json_int_t)c.unl);
	json_object_set_new(*out, "negative_share", labelled ? json_real((double)c.neg / (double)labelled) : json_null());
	return LOA_OK;
}

/* ---- the rebuttal kit ------------------------------------------------------ */

typedef struct stmt_acc {
	json_t *arr;
} stmt_acc;

static int statement_hit(void *arg, const loa_search_hit *h)
{
	stmt_acc *a = arg;
	char t[LOA_TIME_STR_MAX];
	json_array_append_new(a->arr, wf_drop_nulls(json_pack("{s:I,s:s?,s:s?,s:s?,s:s}", "item_id", (json_int_t)h->item_id,
							       "title", h->title, "url", h->url, "source", h->source,
							       "published_at", loa_time_format_rfc3339(h->published_at, t))));
	return json_array_size(a->arr) >= 5;
}

/* The claim's content words, longest first, as "w1 OR w2 …" (folded). */
static void terms_query(const char *text, loa_buf *q, int max)
{
	loa_buf f;
	loa_buf_init(&f, (size_t)1 << 20);
	loa_wf_fold(text, &f);
	const char *words[64];
	size_t lens[64];
	int n = 0;
	size_t i = 0;
	while (f.data && i < f.len && n < 64) {
		if (!wf_is_word_byte((unsigned char)f.data[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < f.len && wf_is_word_byte((unsigned char)f.data[j]))
			j++;
		bool alpha = true;
		for (size_t k = i; k < j; k++)
			alpha = alpha && ((f.data[k] >= 'a' && f.data[k] <= 'z') || (unsigned char)f.data[k] >= 0x80);
		if (j - i >= 4 && alpha) {
			bool dup = false;
			for (int k = 0; k < n && !dup; k++)
				dup = lens[k] == j - i && memcmp(words[k], f.data + i, j - i) == 0;
			if (!dup) {
				words[n] = f.data + i;
				lens[n++] = j - i;
			}
		}
		i = j;
	}
	for (int a = 0; a < n; a++)
		for (int b = a + 1; b < n; b++)
			if (lens[b] > lens[a]) {
				const char *tw = words[a];
				size_t tl = lens[a];
				words[a] = words[b];
				lens[a] = lens[b];
				words[b] = tw;
				lens[b] = tl;
			}
	for (int k = 0; k < n && k < max; k++)
		loa_buf_printf(q, "%s%.*s", k ? " OR " : "", (int)lens[k], words[k]);
	loa_buf_release(&f);
}

int loa_wf_kit_build(loa_wf *w, const loa_wf_kit_in *in, struct loa_search *se,
		     const loa_wf_actor *a, int64_t *id, loa_err *err)
{
	char *claim_text = NULL, *claim_title = NULL;
	json_t *kit = json_object();
	json_t *spread = json_array();
	int rc = LOA_OK;
	if (in->claim_id > 0) {
		loa_stmt *st;
		if (loa_sql_prepare(w->s, "SELECT title, text, rebuttal_url FROM analyze_claim WHERE id = ?1", &st, NULL) ==
		    LOA_OK) {
			loa_sql_bind_i64(st, 1, in->claim_id);
			if (loa_sql_step(st, NULL) == LOA_SQL_ROW) {
				claim_title = loa_sql_col_text(st, 0) ? strdup(loa_sql_col_text(st, 0)) : NULL;
				claim_text = loa_sql_col_text(st, 1) ? strdup(loa_sql_col_text(st, 1)) : NULL;
				if (loa_sql_col_text(st, 2))
					json_object_set_new(kit, "rebuttal_url", json_string(loa_sql_col_text(st, 2)));
			}
			loa_sql_finalize(st);
		}
		if (!claim_text) {
			json_decref(kit);
			json_decref(spread);
			return loa_err_set(err, LOA_ENOTFOUND, "không có tin sai / no such claim: %" PRId64, in->claim_id);
		}
		/* spread per day (Vietnam), claim and rebuttal side by side */
		if (loa_sql_prepare(w->s, "SELECT (published_at + 25200000) / 86400000 AS d,"
				    " SUM(CASE WHEN role = 'claim' THEN 1 ELSE 0 END),"
				    " SUM(CASE WHEN role = 'rebuttal' THEN 1 ELSE 0 END), COUNT(DISTINCT source)"
				    " FROM analyze_claim_item WHERE claim_id = ?1 GROUP BY d ORDER BY d LIMIT 366",
				    &st, NULL) == LOA_OK) {
			loa_sql_bind_i64(st, 1, in->claim_id);
			while (loa_sql_step(st, NULL) == LOA_SQL_ROW) {
				char ds[16];
				day_str(loa_sql_col_i64(st, 0), ds);
				json_array_append_new(spread, json_pack("{s:s,s:I,s:I,s:I}", "day", ds, "claim",
									(json_int_t)loa_sql_col_i64(st, 1), "rebuttal",
									(json_int_t)loa_sql_col_i64(st, 2), "sources",
									(json_int_t)loa_sql_col_i64(st, 3)));
			}
			loa_sql_finalize(st);
		}
		json_object_set_new(kit, "claim_id", json_integer(in->claim_id));
	} else {
		if (!wf_str(in->text) || strlen(in->text) > LOA_WF_TEXT_MAX) {
			json_decref(kit);
			json_decref(spread);
			return loa_err_set(err, LOA_EINVAL, "cần mã tin sai hoặc nội dung / claim id or text required");
		}
		claim_text = strdup(in->text);
		claim_title = in->title ? strdup(in->title) : NULL;
	}
	json_object_set_new(kit, "claim", json_pack("{s:s?,s:s?}", "title", claim_title, "text", claim_text));
	json_object_set_new(kit, "spread", spread);
	/* the responsible unit */
	char unit[LOA_SLUG_MAX + 1] = "";
	int score = 0;
	loa_wf_route_suggest(w, in->org, claim_title, claim_text ? claim_text : "", unit, &score, NULL);
	json_object_set_new(kit, "unit", unit[0] ? json_string(unit) : json_null());
	/* earlier official statements on the topic */
	json_t *statements = json_array();
	if (se && claim_text) {
		loa_buf q;
		loa_buf_init(&q, 4096);
		loa_buf_puts(&q, "kind:official AND (");
		size_t before = q.len;
		terms_query(claim_text, &q, 6);
		loa_buf_puts(&q, ")");
		loa_query *qq = NULL;
		size_t pos;
		if (q.len > before + 1 && loa_query_parse(q.data, q.len, loa_now_ms(), &qq, &pos, NULL) == LOA_OK) {
			loa_search_opts o = {0};
			o.order = LOA_SEARCH_RELEVANCE;
			o.limit = 5;
			o.now = LOA_TIME_NONE;
			o.no_snippet = true;
			stmt_acc acc = {statements};
			loa_search_run(se, qq, &o, statement_hit, &acc, NULL, NULL);
			loa_query_free(qq);
		}
		loa_buf_release(&q);
	}
	json_object_set_new(kit, "statements", statements);
	/* relevant legal articles (the citizens' Q&A base) */
	json_t *laws = json_array();
	loa_qa_params qp;
	loa_qa_params_default(&qp);
	loa_qa_index *ix = NULL;
	if (claim_text && loa_laws_build_index(w->s, &qp, &ix, NULL) == LOA_OK && ix) {
		loa_qa_hit hits[3];
		size_t nh = 0;
		size_t qn = strlen(claim_text);
		if (qn > LOA_QA_QUERY_MAX)
			qn = loa_utf8_truncate(claim_text, qn, LOA_QA_QUERY_MAX);
		if (loa_qa_search(ix, NULL, claim_text, qn, LOA_QA_DAY_MIN, hits, 3, &nh, NULL) == LOA_OK) {
			for (size_t k = 0; k < nh; k++) {
				loa_law_article_rec r;
				memset(&r, 0, sizeof r);
				if (loa_law_article_by_id(w->s, loa_qa_index_key(ix, hits[k].doc), &r, NULL) != LOA_OK)
					continue;
				loa_buf cit;
				loa_buf_init(&cit, 4096);
				loa_law_citation(&r, &cit);
				size_t bl = r.body ? strlen(r.body) : 0;
				size_t cut = bl > 600 ? loa_utf8_truncate(r.body, bl, 600) : bl;
				json_array_append_new(laws, json_pack("{s:I,s:s,s:s%,s:f}", "article_id", (json_int_t)r.id,
								      "citation", cit.data ? cit.data : "", "excerpt",
								      r.body ? r.body : "", cut, "confidence", hits[k].confidence));
				loa_buf_release(&cit);
				loa_law_article_rec_release(&r);
			}
		}
		loa_qa_index_free(ix);
	}
	json_object_set_new(kit, "legal_articles", laws);
	/* the draft */
	loa_buf draft;
	loa_buf_init(&draft, (size_t)LOA_WF_TEXT_MAX);
	char today[LOA_TIME_STR_MAX];
	loa_time_format_display(loa_wf_now(w), today);
	today[10] = '\0';
	loa_buf_printf(&draft, "THÔNG TIN PHẢN BÁC\n\nNgày %s, trên mạng xã hội và một số trang thông tin xuất hiện "
		       "thông tin cho rằng: \"%.2000s\".\n\nĐây là thông tin sai sự thật. ", today, claim_text ? claim_text : "");
	size_t i;
	json_t *v;
	if (json_array_size(statements)) {
		loa_buf_puts(&draft, "Cơ quan chức năng đã có thông tin chính thức về vấn đề này:\n");
		json_array_foreach(statements, i, v) {
			const char *t = json_string_value(json_object_get(v, "title"));
			const char *u = json_string_value(json_object_get(v, "url"));
			loa_buf_printf(&draft, "- %s%s%s%s\n", t ? t : "", u ? " (" : "", u ? u : "", u ? ")" : "");
		}
	} else {
		loa_buf_puts(&draft, "[Nêu thông tin chính thức, số liệu và căn cứ xác minh.]\n");
	}
	if (json_array_size(laws)) {
		loa_buf_puts(&draft, "\nCăn cứ pháp lý:\n");
		json_array_foreach(laws, i, v)
			loa_buf_printf(&draft, "- %s\n", json_string_value(json_object_get(v, "citation")));
	}
	loa_buf_puts(&draft, "\nĐề nghị người dân tiếp nhận thông tin từ nguồn chính thống, không chia sẻ thông tin "
		     "chưa được kiểm chứng. Hành vi đưa tin sai sự thật có thể bị xử lý theo quy định của pháp luật.\n");
	json_object_set_new(kit, "draft", json_string(draft.data ? draft.data : ""));
	char *data = json_dumps(kit, JSON_COMPACT);
	char title[LOA_WF_TITLE_MAX];
	snprintf(title, sizeof title, "Phản bác: %.500s", claim_title ? claim_title : (claim_text ? claim_text : ""));
	size_t tl = strlen(title);
	title[loa_utf8_truncate(title, tl, sizeof title - 1)] = '\0';
	loa_wf_new n = {0};
	n.type = "rebuttal";
	n.org = in->org;
	n.unit = unit[0] ? unit : NULL;
	n.title = title;
	n.body = draft.data ? draft.data : "";
	n.topic = claim_title;
	n.parent_id = in->claim_id;
	n.data = data;
	rc = data ? loa_wf_case_create(w, &n, a, id, err) : loa_err_set(err, LOA_ENOMEM, "out of memory");
	free(data);
	json_decref(kit);
	loa_buf_release(&draft);
	free(claim_text);
	free(claim_title);
	return rc;
}

/* ---- the rebuttal's reach beside the claim's spread ------------------------- */

#define KIT_DAYS_MAX 400
#define KIT_SOURCES_MAX 50
#define KIT_PICKUPS_MAX 50

typedef struct kit_day {
	int64_t day;
	int64_t claim, rebuttal;
} kit_day;

typedef struct kit_days {
	kit_day d[KIT_DAYS_MAX];
	size_t n;
} kit_days;

/* The entry of a Vietnamese day, kept sorted; NULL when full. */
static kit_day *kit_day_at(kit_days *k, int64_t day)
{
	size_t lo = 0, hi = k->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (k->d[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < k->n && k->d[lo].day == day)
		return &k->d[lo];
	if (k->n >= KIT_DAYS_MAX)
		return NULL;
	memmove(&k->d[lo + 1], &k->d[lo], (k->n - lo) * sizeof k->d[0]);
	k->n++;
	memset(&k->d[lo], 0, sizeof k->d[0]);
	k->d[lo].day = day;
	return &k->d[lo];
}

static int64_t vn_day_of(loa_ms t) { return (t + (loa_ms)LOA_VN_OFFSET_MIN * 60000) / 86400000; }

/* Adds the organisation (slug and name) a source belongs to, when known. */
static void source_org(loa_wf *w, const char *source, json_t *row)
{
	loa_stmt *st;
	if (!source || loa_sql_cached(w->s, "SELECT o.slug, o.name, s.outlet FROM sources s LEFT JOIN organisations o"
				      " ON o.id = s.org_id WHERE s.slug = ?1", &st, NULL) != LOA_OK)
		return;
	loa_sql_bind_text(st, 1, source);
	if (loa_sql_step(st, NULL) == LOA_SQL_ROW) {
		if (loa_sql_col_text(st, 0))
			json_object_set_new(row, "org", json_string(loa_sql_col_text(st, 0)));
		if (loa_sql_col_text(st, 1))
			json_object_set_new(row, "org_name", json_string(loa_sql_col_text(st, 1)));
		if (loa_sql_col_text(st, 2) && !json_object_get(row, "outlet"))
			json_object_set_new(row, "outlet", json_string(loa_sql_col_text(st, 2)));
	}
	loa_sql_reset(st);
}

static json_t *time_or_null(loa_ms t)
{
	char b[LOA_TIME_STR_MAX];
	return t == LOA_TIME_NONE ? json_null() : json_string(loa_time_format_rfc3339(t, b));
}

/* The claim's side: items of the analyze room's matcher that carry it. */
static json_t *kit_claim_side(loa_wf *w, int64_t claim_id, kit_days *days)
{
	int64_t items = 0, outlets = 0;
	loa_ms first = LOA_TIME_NONE, last = LOA_TIME_NONE;
	json_t *sources = json_array();
	loa_stmt *st;
	/* the analyze room's tables may not exist yet: then nothing carried it */
	if (loa_sql_prepare(w->s, "SELECT COUNT(*), COUNT(DISTINCT source), MIN(published_at), MAX(published_at)"
			    " FROM analyze_claim_item WHERE claim_id = ?1 AND role = 'claim'", &st, NULL) == LOA_OK) {
		loa_sql_bind_i64(st, 1, claim_id);
		if (loa_sql_step(st, NULL) == LOA_SQL_ROW && loa_sql_col_i64(st, 0) > 0) {
			items = loa_sql_col_i64(st, 0);
			outlets = loa_sql_col_i64(st, 1);
			first = loa_sql_col_i64(st, 2);
			last = loa_sql_col_i64(st, 3);
		}
		loa_sql_finalize(st);
	}
	if (items && loa_sql_prepare(w->s, "SELECT (published_at + ?2) / 86400000 AS d, COUNT(*) FROM analyze_claim_item"
				     " WHERE claim_id = ?1 AND role = 'claim' GROUP BY d ORDER BY d DESC LIMIT ?3",
				     &st, NULL) == LOA_OK) {
		loa_sql_bind_i64(st, 1, claim_id);
		loa_sql_bind_i64(st, 2, (int64_t)LOA_VN_OFFSET_MIN * 60000);
		loa_sql_bind_i64(st, 3, KIT_DAYS_MAX / 2);
		while (loa_sql_step(st, NULL) == LOA_SQL_ROW) {
			kit_day *d = kit_day_at(days, loa_sql_col_i64(st, 0));
			if (d)
				d->claim += loa_sql_col_i64(st, 1);
		}
		loa_sql_finalize(st);
	}
	if (items && loa_sql_prepare(w->s, "SELECT source, COUNT(*) AS n, MIN(published_at) FROM analyze_claim_item"
				     " WHERE claim_id = ?1 AND role = 'claim' GROUP BY source ORDER BY n DESC, source"
				     " LIMIT ?2", &st, NULL) == LOA_OK) {
		loa_sql_bind_i64(st, 1, claim_id);
		loa_sql_bind_i64(st, 2, KIT_SOURCES_MAX);
		while (loa_sql_step(st, NULL) == LOA_SQL_ROW) {
			const char *src = loa_sql_col_text(st, 0);
			json_t *row = json_pack("{s:s,s:I,s:o}", "source", src ? src : "-", "items",
						(json_int_t)loa_sql_col_i64(st, 1), "first_seen",
						time_or_null(loa_sql_col_i64(st, 2)));
			source_org(w, src, row);
			json_array_append_new(sources, row);
		}
		loa_sql_finalize(st);
	}
	json_t *o = json_pack("{s:I,s:I,s:I,s:o,s:o,s:o}", "claim_id", (json_int_t)claim_id, "items", (json_int_t)items,
			      "outlets", (json_int_t)outlets, "first_seen", time_or_null(first), "last_seen",
			      time_or_null(last), "sources", sources);
	return o;
}

static int cmp_items_desc(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t nx = json_integer_value(json_object_get(x, "items")), ny = json_integer_value(json_object_get(y, "items"));
	if (nx != ny)
		return nx > ny ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "source")), json_string_value(json_object_get(y, "source")));
}

/* The rebuttal's side from the network room's reach of the signed item. */
static json_t *kit_rebuttal_side(loa_wf *w, const char *publish, const char *ref, kit_days *days)
{
	int64_t oid = 0;
	json_t *r = NULL;
	if (ref && strncmp(ref, "official:", 9) == 0 && loa_parse_i64(ref + 9, &oid) == LOA_OK && oid > 0) {
		loa_err e;
		loa_err_clear(&e);
		if (loa_reach(w->s, oid, 0, &r, &e) != LOA_OK) {
			loa_warn("workflow.reach", "official=%" PRId64 " msg=%s", oid, loa_err_msg(&e));
			r = NULL;
		}
	}
	if (!r)
		return json_pack("{s:s,s:i,s:i,s:o,s:o}", "state",
				 publish && strcmp(publish, "to_publish") == 0 ? "queued" : "not_published", "items", 0,
				 "outlets", 0, "sources", json_array(), "pickups", json_array());
	json_t *by = json_object(); /* source -> row */
	json_t *pickups = json_array();
	loa_ms first = LOA_TIME_NONE;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(r, "pickups"), i, p) {
		const char *src = json_string_value(json_object_get(p, "source"));
		const char *pub = json_string_value(json_object_get(p, "published"));
		loa_ms t = LOA_TIME_NONE;
		if (!src || !pub || loa_time_parse_rfc3339(pub, strlen(pub), &t) != LOA_OK)
			continue;
		if (first == LOA_TIME_NONE || t < first)
			first = t;
		kit_day *d = kit_day_at(days, vn_day_of(t));
		if (d)
			d->rebuttal++;
		json_t *row = json_object_get(by, src);
		if (!row) {
			const char *outlet = json_string_value(json_object_get(p, "outlet"));
			row = json_pack("{s:s,s:i,s:s}", "source", src, "items", 0, "first_seen", pub);
			if (outlet && strcmp(outlet, "-") != 0)
				json_object_set_new(row, "outlet", json_string(outlet));
			json_object_set_new(by, src, row);
		} else {
			loa_ms f = LOA_TIME_NONE;
			const char *fs = json_string_value(json_object_get(row, "first_seen"));
			if (fs && loa_time_parse_rfc3339(fs, strlen(fs), &f) == LOA_OK && t < f)
				json_object_set_new(row, "first_seen", json_string(pub));
		}
		json_object_set_new(row, "items", json_integer(json_integer_value(json_object_get(row, "items")) + 1));
		if (json_array_size(pickups) < KIT_PICKUPS_MAX) {
			json_t *q = json_pack("{s:O?,s:s,s:s,s:O?}", "item_id", json_object_get(p, "item_id"), "source", src,
					      "published_at", pub, "faithful", json_object_get(p, "faithful"));
			static const char *const copy[] = {"title", "url", "similarity", NULL};
			for (const char *const *k = copy; *k; k++)
				if (json_object_get(p, *k))
					json_object_set(q, *k, json_object_get(p, *k));
			json_array_append_new(pickups, q);
		}
	}
	size_t ns = json_object_size(by), k = 0;
	json_t **rows = ns ? calloc(ns, sizeof *rows) : NULL;
	const char *key;
	json_t *v;
	json_object_foreach(by, key, v) if (rows && k < ns) rows[k++] = v;
	if (rows)
		qsort(rows, k, sizeof *rows, cmp_items_desc);
	json_t *sources = json_array();
	for (size_t j = 0; j < k && j < KIT_SOURCES_MAX; j++) {
		json_t *row = json_deep_copy(rows[j]);
		source_org(w, json_string_value(json_object_get(row, "source")), row);
		json_array_append_new(sources, row);
	}
	free(rows);
	json_t *o = json_pack("{s:s,s:I,s:O?,s:I,s:I,s:I,s:O?,s:o,s:O?,s:O?,s:O?,s:o,s:o}", "state", "published", "official_id",
			      (json_int_t)oid, "published_at", json_object_get(r, "published"), "items",
			      (json_int_t)json_array_size(json_object_get(r, "pickups")), "outlets", (json_int_t)ns,
			      "outlets_total", (json_int_t)json_integer_value(json_object_get(r, "outlets_total")),
			      "coverage", json_object_get(r, "coverage"), "first_seen", time_or_null(first),
			      "first_pickup_s", json_object_get(r, "first_pickup_s"), "faithful",
			      json_object_get(r, "faithful"), "changed", json_object_get(r, "changed"), "sources", sources,
			      "pickups", pickups);
	json_object_set(o, "outlets_picked", json_object_get(r, "outlets_picked"));
	json_decref(by);
	json_decref(r);
	return o;
}

int loa_wf_kit_reach(loa_wf *w, int64_t case_id, json_t **out, loa_err *err)
{
	json_t *c = NULL;
	int rc = loa_wf_case_get(w, case_id, false, &c, err);
	if (rc)
		return rc;
	const char *type = json_string_value(json_object_get(c, "type"));
	if (!type || strcmp(type, "rebuttal") != 0) {
		json_decref(c);
		return loa_err_set(err, LOA_EINVAL, "hồ sơ không phải phản bác / not a rebuttal case: %" PRId64, case_id);
	}
	kit_days *days = calloc(1, sizeof *days);
	if (!days) {
		json_decref(c);
		return loa_err_set(err, LOA_ENOMEM, "out of memory");
	}
	int64_t claim_id = json_integer_value(json_object_get(c, "parent_id"));
	json_t *claim = claim_id > 0 ? kit_claim_side(w, claim_id, days) : json_null();
	json_t *reb = kit_rebuttal_side(w, json_string_value(json_object_get(c, "publish")),
					json_string_value(json_object_get(c, "publish_ref")), days);
	json_t *series = json_array();
	for (size_t i = 0; i < days->n; i++) {
		char ds[16];
		day_str(days->d[i].day, ds);
		json_array_append_new(series, json_pack("{s:s,s:I,s:I}", "day", ds, "claim", (json_int_t)days->d[i].claim,
							"rebuttal", (json_int_t)days->d[i].rebuttal));
	}
	free(days);
	json_decref(c);
	*out = json_pack("{s:o,s:o,s:o}", "claim", claim, "rebuttal", reb, "days", series);
	return *out ? LOA_OK : loa_err_set(err, LOA_ENOMEM, "out of memory");
}

/* ---- configuration and the job -------------------------------------------- */

int loa_wf_config(loa_wf *w, loa_calendar *cal, const loa_config *cfg, loa_err *err)
{
	const char *off = loa_config_get(cfg, "calendar.days_off");
	const char *work = loa_config_get(cfg, "calendar.work_days");
	int rc = LOA_OK;
	if (off && *off)
		rc = loa_calendar_add_days(cal, off, true, err);
	if (!rc && work && *work)
		rc = loa_calendar_add_days(cal, work, false, err);
	if (rc)
		return rc;
	w->cfg = cfg;
	w->remind_days = (int)loa_config_get_i64(cfg, "workflow.remind_days", 1);
	static const char *const keys[] = {"workflow.question_days", "workflow.correction_days", "workflow.feedback_days"};
	static const char *const names[] = {"question", "correction", "feedback"};
	size_t nt;
	const loa_wf_type *t = loa_wf_types(&nt);
	for (size_t k = 0; k < 3; k++) {
		int64_t d = loa_config_get_i64(cfg, keys[k], 0);
		for (size_t i = 0; i < nt && i < 8; i++)
			if (strcmp(t[i].name, names[k]) == 0 && d > 0 && d <= LOA_CAL_SPAN_MAX)
				w->days[i] = (int)d;
	}
	return LOA_OK;
}

struct loa_workflow_job {
	const loa_config *cfg;
	char *db;
	loa_store *s;
	loa_calendar cal;
	loa_wf w;
	bool ready;
};

int loa_workflow_job_new(const loa_config *cfg, const char *db_path, loa_workflow_job **out,
			 loa_err *err)
{
	loa_workflow_job *j = calloc(1, sizeof *j);
	if (!j || !(j->db = strdup(db_path))) {
		free(j);
		return loa_err_set(err, LOA_ENOMEM, "out of memory");
	}
	j->cfg = cfg;
	loa_calendar_init(&j->cal);
	loa_workflow_api_config(cfg);
	*out = j;
	return LOA_OK;
}

void loa_workflow_job_free(loa_workflow_job *j)
{
	if (!j)
		return;
	loa_store_close(j->s);
	loa_calendar_release(&j->cal);
	free(j->db);
	free(j);
}

int loa_workflow_tick(void *state, const atomic_int *stop)
{
	loa_workflow_job *j = state;
	loa_err err;
	loa_err_clear(&err);
	if (!j->ready) {
		int rc = loa_store_open(j->db, LOA_STORE_NO_CREATE, &j->s, &err);
		if (!rc)
			rc = loa_wf_open(&j->w, j->s, &j->cal, &err);
		if (!rc)
			rc = loa_wf_config(&j->w, &j->cal, j->cfg, &err);
		if (rc) {
			loa_warn("workflow.open", "msg=%s", loa_err_msg(&err));
			loa_store_close(j->s);
			j->s = NULL;
			loa_calendar_release(&j->cal);
			loa_calendar_init(&j->cal);
			return rc;
		}
		j->ready = true;
	}
	loa_wf_tick_cfg cfg = {loa_config_get(j->cfg, "smtp.url"), loa_config_get(j->cfg, "smtp.from"), 20, 50};
	loa_wf_tick_stats st;
	int rc = loa_wf_tick(&j->w, &cfg, stop, &st, &err);
	if (rc)
		loa_warn("workflow.tick", "msg=%s", loa_err_msg(&err));
	else if (st.reminded || st.escalated || st.mailed || st.mail_failed || st.linked)
		loa_info("workflow.tick", "reminded=%lld escalated=%lld mailed=%lld mail_failed=%lld linked=%lld",
			 (long long)st.reminded, (long long)st.escalated, (long long)st.mailed,
			 (long long)st.mail_failed, (long long)st.linked);
	return rc;
}
