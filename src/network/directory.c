/*
 * directory.c - the network directory (SPEC N1): channels and journalists
 * next to the store's organisations; import and export as JSON and CSV.
 */
#include "network/net_int.h"
#include "core/str.h"
#include "store/sql.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define MAX_RECORDS 200000
#define FIELD_MAX 8192

static const char *const channel_kinds[] = {"portal", "fanpage", "zalo", "youtube", "tiktok", "other"};

static bool channel_kind_ok(const char *k)
{
	for (size_t i = 0; k && i < sizeof channel_kinds / sizeof channel_kinds[0]; i++)
		if (strcmp(k, channel_kinds[i]) == 0)
			return true;
	return false;
}

static const char *nz(const char *s) { return s ? s : ""; }

int loa_channel_add(loa_store *s, const loa_channel *c, const char *actor, bool *added, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	if (added)
		*added = false;
	if (!channel_kind_ok(c->kind))
		return loa_err_set(err, LOA_EINVAL, "loại kênh không hợp lệ / channel kind must be portal, fanpage, "
				   "zalo, youtube, tiktok or other: %s", nz(c->kind));
	if (!*nz(c->url) && !*nz(c->handle))
		return loa_err_set(err, LOA_EINVAL, "kênh cần url hoặc handle / a channel needs a url or a handle");
	if (strlen(nz(c->url)) > LOA_ITEM_URL_MAX || strlen(nz(c->handle)) > LOA_NAME_MAX ||
	    strlen(nz(c->name)) > LOA_NAME_MAX)
		return loa_err_set(err, LOA_EINVAL, "trường quá dài / a field is too long");
	if (*nz(c->url) && strncmp(c->url, "http://", 7) != 0 && strncmp(c->url, "https://", 8) != 0)
		return loa_err_set(err, LOA_EINVAL, "url phải là http(s) / url must be http(s): %s", c->url);
	loa_org_rec o;
	if ((rc = loa_store_org_get(s, nz(c->org), &o, err)) != LOA_OK)
		return rc == LOA_ENOTFOUND ? loa_err_set(err, rc, "không có cơ quan / no such organisation: %s", nz(c->org))
					   : rc;
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, "INSERT OR IGNORE INTO net_channels(org, kind, url, handle, name, created_at) "
				    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st, err)) != LOA_OK)
		return rc;
	loa_sql_bind_text(st, 1, c->org);
	loa_sql_bind_text(st, 2, c->kind);
	loa_sql_bind_text(st, 3, nz(c->url));
	loa_sql_bind_text(st, 4, nz(c->handle));
	loa_sql_bind_text(st, 5, c->name && *c->name ? c->name : NULL);
	loa_sql_bind_i64(st, 6, loa_now_ms());
	if ((rc = loa_sql_run(st, err)) != LOA_OK)
		return rc;
	if (loa_sql_changes(s) == 0)
		return LOA_OK;
	if (added)
		*added = true;
	json_t *d = json_pack("{s:s,s:s,s:s}", "kind", c->kind, "url", nz(c->url), "handle", nz(c->handle));
	char *dj = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	rc = net_audit(s, actor, "channel.add", c->org, dj, err);
	free(dj);
	return rc;
}

int loa_channels_each(loa_store *s, const char *org, loa_channel_cb cb, void *arg, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	loa_stmt *st;
	if ((rc = loa_sql_prepare(s, "SELECT org, kind, url, handle, name FROM net_channels WHERE ?1 IS NULL OR org = ?1 "
				     "ORDER BY org, kind, url, handle", &st, err)) != LOA_OK)
		return rc;
	loa_sql_bind_text(st, 1, org);
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		loa_channel c = {loa_sql_col_text(st, 0), loa_sql_col_text(st, 1), loa_sql_col_text(st, 2),
				 loa_sql_col_text(st, 3), loa_sql_col_text(st, 4)};
		if ((rc = cb(arg, &c)) != 0)
			break;
	}
	loa_sql_finalize(st);
	return rc == LOA_SQL_DONE ? LOA_OK : rc;
}

int loa_journalist_add(loa_store *s, const loa_journalist *j, const char *actor, bool *added, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc == LOA_OK)
		rc = loa_auth_migrate(s, err);
	if (rc)
		return rc;
	if (added)
		*added = false;
	if (!j->login || !j->name || !*j->name || strlen(j->name) > 255 || strlen(nz(j->email)) > 320 ||
	    strlen(nz(j->beat)) > LOA_NAME_MAX)
		return loa_err_set(err, LOA_EINVAL, "nhà báo cần login và tên / a journalist needs a login and a name");
	loa_org_rec o;
	if ((rc = loa_store_org_get(s, nz(j->org), &o, err)) != LOA_OK)
		return rc == LOA_ENOTFOUND ? loa_err_set(err, LOA_EINVAL, "không có cơ quan / no such organisation: %s",
							 nz(j->org))
					   : rc;
	if (strcmp(o.kind, "press") != 0)
		return loa_err_set(err, LOA_EINVAL, "%s không phải cơ quan báo chí / %s is not a press agency", o.slug,
				   o.slug);
	loa_user u;
	rc = loa_user_get(s, j->login, &u, NULL);
	if (rc == LOA_OK && u.role != LOA_ROLE_JOURNALIST)
		return loa_err_set(err, LOA_EINVAL, "%s là người dùng vai trò khác / %s is a user with another role",
				   j->login, j->login);
	if (rc != LOA_OK) {
		/* a new user with a random password: the administrator sets one
		 * with `loa users passwd` when the journalist asks */
		static const char alpha[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
		char pw[25];
		if (sodium_init() < 0)
			return LOA_EIO;
		for (int i = 0; i < 24; i++)
			pw[i] = alpha[randombytes_uniform(sizeof alpha - 1)];
		pw[24] = '\0';
		int64_t uid;
		rc = loa_user_add(s, j->login, j->name, LOA_ROLE_JOURNALIST, j->org, pw, actor, &uid, err);
		sodium_memzero(pw, sizeof pw);
		if (rc)
			return rc;
		if (added)
			*added = true;
	}
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, "INSERT INTO net_journalists(login, org, name, email, beat, created_at) VALUES "
				    "(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(login) DO UPDATE SET org = excluded.org, name = "
				    "excluded.name, email = excluded.email, beat = excluded.beat", &st, err)) != LOA_OK)
		return rc;
	loa_sql_bind_text(st, 1, j->login);
	loa_sql_bind_text(st, 2, j->org);
	loa_sql_bind_text(st, 3, j->name);
	loa_sql_bind_text(st, 4, nz(j->email));
	loa_sql_bind_text(st, 5, nz(j->beat));
	loa_sql_bind_i64(st, 6, loa_now_ms());
	return loa_sql_run(st, err);
}

int loa_journalists_each(loa_store *s, loa_journalist_cb cb, void *arg, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	loa_stmt *st;
	if ((rc = loa_sql_prepare(s, "SELECT login, name, org, email, beat FROM net_journalists ORDER BY org, login", &st,
				  err)) != LOA_OK)
		return rc;
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		loa_journalist j = {loa_sql_col_text(st, 0), loa_sql_col_text(st, 1), loa_sql_col_text(st, 2),
				    loa_sql_col_text(st, 3), loa_sql_col_text(st, 4)};
		if ((rc = cb(arg, &j)) != 0)
			break;
	}
	loa_sql_finalize(st);
	return rc == LOA_SQL_DONE ? LOA_OK : rc;
}

/* ---- CSV (RFC 4180) ---- */

#define CSV_COLS 12
static const char *const csv_header[CSV_COLS] = {"type", "slug", "name", "kind", "org", "valid_from",
						 "valid_to", "successor", "url", "handle", "email", "beat"};

/* Reads one record into fields (each a loa_buf); returns the number of
 * fields, 0 at the end, -1 on a malformed record or a field over its cap. */
static int csv_record(loa_str *in, loa_buf *f, int maxf)
{
	if (!in->n)
		return 0;
	int nf = 0;
	for (int i = 0; i < maxf; i++)
		loa_buf_reset(&f[i]);
	size_t i = 0;
	const char *p = in->p;
	size_t n = in->n;
	for (;;) {
		loa_buf *cur = nf < maxf ? &f[nf] : NULL;
		nf++;
		if (i < n && p[i] == '"') {
			i++;
			for (;;) {
				if (i >= n)
					return -1;
				if (p[i] == '"') {
					if (i + 1 < n && p[i + 1] == '"') {
						if (cur && loa_buf_putc(cur, '"'))
							return -1;
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (cur && loa_buf_putc(cur, p[i]))
					return -1;
				i++;
			}
		} else {
			while (i < n && p[i] != ',' && p[i] != '\n' && p[i] != '\r') {
				if (cur && loa_buf_putc(cur, p[i]))
					return -1;
				i++;
			}
		}
		if (cur && !cur->data)
			loa_buf_puts(cur, "");
		if (i < n && p[i] == ',') {
			i++;
			continue;
		}
		if (i < n && p[i] == '\r')
			i++;
		if (i < n && p[i] == '\n')
			i++;
		break;
	}
	in->p += i;
	in->n -= i;
	return nf > maxf ? -1 : nf;
}

static int csv_field(loa_buf *out, const char *v)
{
	v = nz(v);
	if (!strpbrk(v, ",\"\r\n"))
		return loa_buf_puts(out, v);
	int rc = loa_buf_putc(out, '"');
	for (const char *p = v; rc == LOA_OK && *p; p++)
		rc = *p == '"' ? loa_buf_puts(out, "\"\"") : loa_buf_putc(out, *p);
	return rc ? rc : loa_buf_putc(out, '"');
}

static int csv_row(loa_buf *out, const char *const v[CSV_COLS])
{
	int rc = LOA_OK;
	for (int i = 0; rc == LOA_OK && i < CSV_COLS; i++) {
		if (i)
			rc = loa_buf_putc(out, ',');
		if (rc == LOA_OK)
			rc = csv_field(out, v[i]);
	}
	return rc ? rc : loa_buf_puts(out, "\r\n");
}

/* ---- import ---- */

static json_t *csv_to_json(const char *body, size_t len, loa_err *err)
{
	loa_buf f[CSV_COLS];
	for (int i = 0; i < CSV_COLS; i++)
		loa_buf_init(&f[i], FIELD_MAX);
	loa_str in = {body, len};
	json_t *doc = json_pack("{s:[],s:[],s:[]}", "organisations", "channels", "journalists");
	int col[CSV_COLS];
	int nf = csv_record(&in, f, CSV_COLS);
	if (nf <= 0) {
		json_decref(doc);
		doc = NULL;
		loa_err_set(err, LOA_EPARSE, "CSV trống hoặc hỏng / empty or malformed CSV");
		goto out;
	}
	for (int i = 0; i < CSV_COLS; i++)
		col[i] = -1;
	for (int i = 0; i < nf; i++)
		for (int k = 0; k < CSV_COLS; k++)
			if (f[i].data && strcmp(f[i].data, csv_header[k]) == 0)
				col[k] = i;
	if (col[0] < 0) {
		json_decref(doc);
		doc = NULL;
		loa_err_set(err, LOA_EPARSE, "CSV cần cột type / the CSV needs a type column");
		goto out;
	}
	size_t line = 1;
	while ((nf = csv_record(&in, f, CSV_COLS)) != 0) {
		line++;
		if (nf < 0 || line > MAX_RECORDS) {
			json_decref(doc);
			doc = NULL;
			loa_err_set(err, LOA_EPARSE, "CSV hỏng ở dòng %zu / malformed CSV at record %zu", line, line);
			goto out;
		}
		json_t *o = json_object();
		for (int k = 1; k < CSV_COLS; k++)
			if (col[k] >= 0 && col[k] < nf && f[col[k]].data && f[col[k]].data[0])
				json_object_set_new(o, csv_header[k], json_string(f[col[k]].data));
		const char *type = col[0] < nf ? f[col[0]].data : "";
		type = type ? type : "";
		if (strcmp(type, "org") == 0) {
			json_t *p = json_object_get(o, "org");
			if (p) {
				json_object_set(o, "parent", p);
				json_object_del(o, "org");
			}
			json_array_append_new(json_object_get(doc, "organisations"), o);
		} else if (strcmp(type, "channel") == 0) {
			json_t *org = json_object_get(o, "slug");
			if (org && !json_object_get(o, "org"))
				json_object_set(o, "org", org);
			json_object_del(o, "slug");
			json_array_append_new(json_object_get(doc, "channels"), o);
		} else if (strcmp(type, "journalist") == 0) {
			json_t *login = json_object_get(o, "slug");
			if (login)
				json_object_set(o, "login", login);
			json_object_del(o, "slug");
			json_array_append_new(json_object_get(doc, "journalists"), o);
		} else if (type[0] == '#' || (nf == 1 && !type[0])) {
			json_decref(o); /* comment or blank line */
		} else {
			json_decref(o);
			json_array_append_new(json_object_get(doc, "organisations"), json_pack("{s:s}", "_bad_type", type));
		}
	}
out:
	for (int i = 0; i < CSV_COLS; i++)
		loa_buf_release(&f[i]);
	return doc;
}

static int parse_time(json_t *v, loa_ms *out)
{
	*out = LOA_TIME_NONE;
	const char *s = json_string_value(v);
	if (!s || !*s)
		return LOA_OK;
	size_t n = strlen(s);
	if (loa_time_parse_rfc3339(s, n, out) == LOA_OK)
		return LOA_OK;
	int64_t y, m, d;
	if (n == 10 && s[4] == '-' && s[7] == '-' && !loa_parse_i64n((loa_str){s, 4}, &y) &&
	    !loa_parse_i64n((loa_str){s + 5, 2}, &m) && !loa_parse_i64n((loa_str){s + 8, 2}, &d) && m >= 1 && m <= 12 &&
	    d >= 1 && d <= 31) {
		/* a date: midnight in Vietnam */
		*out = (loa_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 - LOA_VN_OFFSET_MIN * 60) * 1000;
		return LOA_OK;
	}
	return LOA_EPARSE;
}

static void note_refusal(loa_buf *why, const char *what, const loa_err *e)
{
	if (why->len < 1500)
		loa_buf_printf(why, "%s%s: %s", why->len ? "; " : "", what, loa_err_msg(e));
}

int loa_directory_import(loa_store *s, const char *body, size_t len, const char *format, const char *actor,
			 loa_directory_stats *st, loa_err *err)
{
	memset(st, 0, sizeof *st);
	int rc = loa_network_migrate(s, err);
	if (rc == LOA_OK)
		rc = loa_auth_migrate(s, err);
	if (rc)
		return rc;
	bool json = format ? strcmp(format, "json") == 0 : false;
	if (!format) {
		size_t i = 0;
		while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
			i++;
		json = i < len && body[i] == '{';
	} else if (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0) {
		return loa_err_set(err, LOA_EINVAL, "định dạng phải là json hoặc csv / format must be json or csv");
	}
	json_t *doc;
	if (json) {
		json_error_t je;
		doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
		if (!doc || !json_is_object(doc)) {
			json_decref(doc);
			return loa_err_set(err, LOA_EPARSE, "JSON không hợp lệ / malformed JSON at %d:%d: %s", je.line,
					   je.column, je.text);
		}
	} else if (!(doc = csv_to_json(body, len, err))) {
		return LOA_EPARSE;
	}
	json_t *orgs = json_object_get(doc, "organisations"), *chans = json_object_get(doc, "channels"),
	       *journ = json_object_get(doc, "journalists");
	size_t norgs = json_array_size(orgs);
	if (norgs + json_array_size(chans) + json_array_size(journ) > MAX_RECORDS) {
		json_decref(doc);
		return loa_err_set(err, LOA_ETOOBIG, "quá nhiều bản ghi / too many records");
	}
	loa_buf why;
	loa_buf_init(&why, 4096);
	if ((rc = loa_store_begin(s, err)) != LOA_OK) {
		json_decref(doc);
		loa_buf_release(&why);
		return rc;
	}
	/* organisations, parents first: passes until nothing more can be added */
	char *done = calloc(norgs ? norgs : 1, 1);
	if (!done)
		rc = LOA_ENOMEM;
	bool progress = true;
	while (rc == LOA_OK && progress) {
		progress = false;
		for (size_t i = 0; rc == LOA_OK && i < norgs; i++) {
			if (done[i])
				continue;
			json_t *o = json_array_get(orgs, i);
			loa_err e;
			loa_err_clear(&e);
			loa_org org = {0};
			org.slug = json_string_value(json_object_get(o, "slug"));
			org.name = json_string_value(json_object_get(o, "name"));
			org.kind = json_string_value(json_object_get(o, "kind"));
			org.parent = json_string_value(json_object_get(o, "parent"));
			if (org.parent && !*org.parent)
				org.parent = NULL;
			if (!org.slug || !org.name || parse_time(json_object_get(o, "valid_from"), &org.valid_from) ||
			    parse_time(json_object_get(o, "valid_to"), &org.valid_to)) {
				done[i] = 1;
				st->refused++;
				loa_err_set(&e, LOA_EINVAL, "cần slug, name và ngày hợp lệ / slug, name and valid dates required");
				note_refusal(&why, org.slug ? org.slug : "?", &e);
				continue;
			}
			loa_org_rec have;
			if (loa_store_org_get(s, org.slug, &have, NULL) == LOA_OK) {
				done[i] = 1;
				st->orgs_existing++;
				progress = true;
				continue;
			}
			if (org.parent && loa_store_org_get(s, org.parent, &have, NULL) != LOA_OK)
				continue; /* parent not there yet */
			int r = loa_store_org_add(s, &org, NULL, &e);
			done[i] = 1;
			progress = true;
			if (r == LOA_OK) {
				st->orgs_added++;
			} else if (r == LOA_EINVAL || r == LOA_ENOTFOUND || r == LOA_EEXIST) {
				st->refused++;
				note_refusal(&why, org.slug, &e);
			} else {
				rc = r;
				loa_err_set(err, r, "%s", loa_err_msg(&e));
			}
		}
	}
	for (size_t i = 0; rc == LOA_OK && i < norgs; i++) {
		if (!done[i]) {
			st->refused++;
			loa_err e;
			loa_err_set(&e, LOA_ENOTFOUND, "không có cơ quan cấp trên / unknown parent");
			note_refusal(&why, nz(json_string_value(json_object_get(json_array_get(orgs, i), "slug"))), &e);
		}
	}
	/* successors, once every organisation exists */
	for (size_t i = 0; rc == LOA_OK && i < norgs; i++) {
		json_t *o = json_array_get(orgs, i);
		const char *slug = json_string_value(json_object_get(o, "slug"));
		const char *succ = json_string_value(json_object_get(o, "successor"));
		if (!slug || !succ || !*succ)
			continue;
		loa_org_rec have;
		if (loa_store_org_get(s, slug, &have, NULL) != LOA_OK || strcmp(have.successor, succ) == 0)
			continue;
		loa_ms at;
		if (parse_time(json_object_get(o, "valid_to"), &at) || at == LOA_TIME_NONE)
			at = loa_now_ms();
		loa_err e;
		int r = loa_store_org_succeed(s, slug, succ, at, &e);
		if (r == LOA_OK) {
			st->successors++;
		} else if (r == LOA_EINVAL || r == LOA_ENOTFOUND) {
			st->refused++;
			note_refusal(&why, slug, &e);
		} else {
			rc = r;
			loa_err_set(err, r, "%s", loa_err_msg(&e));
		}
	}
	free(done);
	size_t i;
	json_t *v;
	json_array_foreach(chans, i, v) {
		if (rc)
			break;
		loa_channel c = {json_string_value(json_object_get(v, "org")), json_string_value(json_object_get(v, "kind")),
				 json_string_value(json_object_get(v, "url")), json_string_value(json_object_get(v, "handle")),
				 json_string_value(json_object_get(v, "name"))};
		loa_err e;
		bool added = false;
		int r = loa_channel_add(s, &c, actor, &added, &e);
		if (r == LOA_OK) {
			st->channels_added += added;
		} else if (r == LOA_EINVAL || r == LOA_ENOTFOUND) {
			st->refused++;
			note_refusal(&why, nz(c.org), &e);
		} else {
			rc = r;
			loa_err_set(err, r, "%s", loa_err_msg(&e));
		}
	}
	json_array_foreach(journ, i, v) {
		if (rc)
			break;
		loa_journalist j = {json_string_value(json_object_get(v, "login")), json_string_value(json_object_get(v, "name")),
				    json_string_value(json_object_get(v, "org")), json_string_value(json_object_get(v, "email")),
				    json_string_value(json_object_get(v, "beat"))};
		loa_err e;
		bool added = false;
		int r = loa_journalist_add(s, &j, actor, &added, &e);
		if (r == LOA_OK) {
			st->journalists_added += added;
		} else if (r == LOA_EINVAL || r == LOA_ENOTFOUND || r == LOA_EEXIST) {
			st->refused++;
			note_refusal(&why, nz(j.login), &e);
		} else {
			rc = r;
			loa_err_set(err, r, "%s", loa_err_msg(&e));
		}
	}
	if (rc == LOA_OK) {
		char detail[256];
		snprintf(detail, sizeof detail, "{\"orgs\":%lld,\"channels\":%lld,\"journalists\":%lld,\"refused\":%lld}",
			 (long long)st->orgs_added, (long long)st->channels_added, (long long)st->journalists_added,
			 (long long)st->refused);
		rc = net_audit(s, actor, "directory.import", NULL, detail, err);
	}
	if (rc == LOA_OK)
		rc = loa_store_commit(s, err);
	else
		loa_store_rollback(s);
	if (rc == LOA_OK && st->refused)
		loa_err_set(err, LOA_EINVAL, "%s", why.data ? why.data : "");
	json_decref(doc);
	loa_buf_release(&why);
	return rc;
}

/* ---- export ---- */

typedef struct exp_ctx {
	json_t *orgs, *chans, *journ;
} exp_ctx;

static int exp_org(void *arg, const loa_org *o)
{
	exp_ctx *x = arg;
	char a[LOA_TIME_STR_MAX], b[LOA_TIME_STR_MAX];
	json_t *j = json_pack("{s:s,s:s,s:s}", "slug", o->slug, "name", o->name, "kind", o->kind ? o->kind : "other");
	if (o->parent && *o->parent)
		json_object_set_new(j, "parent", json_string(o->parent));
	if (o->valid_from != LOA_TIME_NONE)
		json_object_set_new(j, "valid_from", json_string(loa_time_format_rfc3339(o->valid_from, a)));
	if (o->valid_to != LOA_TIME_NONE)
		json_object_set_new(j, "valid_to", json_string(loa_time_format_rfc3339(o->valid_to, b)));
	if (o->successor && *o->successor)
		json_object_set_new(j, "successor", json_string(o->successor));
	return json_array_append_new(x->orgs, j) ? LOA_ENOMEM : 0;
}

static int exp_chan(void *arg, const loa_channel *c)
{
	exp_ctx *x = arg;
	json_t *j = json_pack("{s:s,s:s}", "org", c->org, "kind", c->kind);
	if (*nz(c->url))
		json_object_set_new(j, "url", json_string(c->url));
	if (*nz(c->handle))
		json_object_set_new(j, "handle", json_string(c->handle));
	if (*nz(c->name))
		json_object_set_new(j, "name", json_string(c->name));
	return json_array_append_new(x->chans, j) ? LOA_ENOMEM : 0;
}

static int exp_journ(void *arg, const loa_journalist *jr)
{
	exp_ctx *x = arg;
	json_t *j = json_pack("{s:s,s:s,s:s}", "login", jr->login, "name", jr->name, "org", jr->org);
	if (*nz(jr->email))
		json_object_set_new(j, "email", json_string(jr->email));
	if (*nz(jr->beat))
		json_object_set_new(j, "beat", json_string(jr->beat));
	return json_array_append_new(x->journ, j) ? LOA_ENOMEM : 0;
}

int loa_directory_export(loa_store *s, const char *format, loa_buf *out, loa_err *err)
{
	if (!format || (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0))
		return loa_err_set(err, LOA_EINVAL, "định dạng phải là json hoặc csv / format must be json or csv");
	exp_ctx x = {json_array(), json_array(), json_array()};
	int rc = loa_store_orgs_each(s, exp_org, &x, err);
	if (rc == LOA_OK)
		rc = loa_channels_each(s, NULL, exp_chan, &x, err);
	if (rc == LOA_OK)
		rc = loa_journalists_each(s, exp_journ, &x, err);
	if (rc == LOA_OK && strcmp(format, "json") == 0) {
		json_t *doc = json_pack("{s:s,s:O,s:O,s:O}", "format", "loa-directory/1", "organisations", x.orgs,
					"channels", x.chans, "journalists", x.journ);
		char *t = doc ? json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
		rc = t ? loa_buf_puts(out, t) : LOA_ENOMEM;
		if (rc == LOA_OK)
			rc = loa_buf_putc(out, '\n');
		free(t);
		json_decref(doc);
	} else if (rc == LOA_OK) {
		rc = csv_row(out, csv_header);
		size_t i;
		json_t *v;
#define G(k) json_string_value(json_object_get(v, k))
		json_array_foreach(x.orgs, i, v) {
			const char *row[CSV_COLS] = {"org", G("slug"), G("name"), G("kind"), G("parent"), G("valid_from"),
						     G("valid_to"), G("successor"), NULL, NULL, NULL, NULL};
			if (rc == LOA_OK)
				rc = csv_row(out, row);
		}
		json_array_foreach(x.chans, i, v) {
			const char *row[CSV_COLS] = {"channel", G("org"), G("name"), G("kind"), NULL, NULL,
						     NULL, NULL, G("url"), G("handle"), NULL, NULL};
			if (rc == LOA_OK)
				rc = csv_row(out, row);
		}
		json_array_foreach(x.journ, i, v) {
			const char *row[CSV_COLS] = {"journalist", G("login"), G("name"), NULL, G("org"), NULL,
						     NULL, NULL, NULL, NULL, G("email"), G("beat")};
			if (rc == LOA_OK)
				rc = csv_row(out, row);
		}
#undef G
	}
	json_decref(x.orgs);
	json_decref(x.chans);
	json_decref(x.journ);
	return rc;
}
