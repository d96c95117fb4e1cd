/*
 * store.c - the backend-neutral half of the store: backend choice, record
 * checks and normalisation, identity keys and content hashes. Backends
 * (store_sqlite.c, later store_pg.c) only persist.
 */
#include "store/store_int.h"
#include "store/sql.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/str.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/banned.h"

struct loa_store {
	const loa_store_backend *be;
	void *impl;
	loa_map sql_cache; /* static SQL text address -> loa_stmt * (sql.c) */
	loa_buf scratch; /* normalised url of the item being stored */
	loa_buf ident;   /* its identity key */
};

static const loa_store_backend *const backends[] = {
	&loa_store_sqlite_backend,
	NULL,
};

const char *const loa_item_kinds[] = {"article", "post", "comment", "share", "official", NULL};
const char *const loa_item_platforms[] = {"web",    "facebook", "zalo", "youtube",
					  "tiktok", "other",    NULL};
const char *const loa_org_kinds[] = {"government", "ministry", "province",   "department",
				     "commune",    "unit",     "press",      "journalist",
				     "other",      NULL};

bool loa_store_in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

bool loa_store_slug_ok(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++) {
		char c = s[n];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			return false;
	}
	return n > 0 && n <= LOA_SLUG_MAX;
}

/* Source slugs come from connectors: any UTF-8 without spaces or control
 * characters. */
static bool source_slug_ok(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		if (c <= ' ' || c == 0x7f)
			return false;
	}
	return n > 0 && n <= LOA_SLUG_MAX;
}

void loa_store_platform_source(const char *platform, const char **type, const char **outlet)
{
	if (!platform || strcmp(platform, "web") == 0) {
		*type = "feed";
		*outlet = NULL;
	} else if (strcmp(platform, "other") == 0) {
		*type = "api";
		*outlet = NULL;
	} else {
		*type = "social";
		*outlet = "social";
	}
}

/* ---- open / close / dispatch ------------------------------------------ */

int loa_store_open_opts(const char *path, const loa_store_opts *opts, loa_store **out,
			loa_err *err)
{
	*out = NULL;
	if (!path || !*path)
		return loa_err_set(err, LOA_EINVAL,
				   "chưa chọn tệp cơ sở dữ liệu / no database path given");
	if (strncmp(path, "postgres://", 11) == 0 || strncmp(path, "postgresql://", 13) == 0)
		return loa_err_set(err, LOA_EINVAL,
				   "chưa có backend PostgreSQL trong bản dựng này / "
				   "PostgreSQL backend not built: %s", path);
	static const loa_store_opts defaults = {0, 0, 0};
	if (!opts)
		opts = &defaults;
	if (sodium_init() < 0)
		return loa_err_set(err, LOA_EIO, "libsodium init failed");
	const loa_store_backend *be = NULL;
	for (size_t i = 0; backends[i]; i++)
		if (backends[i]->probe(path)) {
			be = backends[i];
			break;
		}
	if (!be)
		return loa_err_set(err, LOA_EINVAL, "no store backend for '%s'", path);
	loa_store *s = calloc(1, sizeof *s);
	if (!s)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	s->be = be;
	loa_map_init(&s->sql_cache, NULL);
	loa_buf_init(&s->scratch, LOA_ITEM_URL_MAX + 16);
	loa_buf_init(&s->ident, LOA_ITEM_URL_MAX + LOA_ITEM_ID_MAX + LOA_SLUG_MAX + 64);
	int rc = be->open(path, opts, &s->impl, err);
	if (rc) {
		loa_buf_release(&s->scratch);
		loa_buf_release(&s->ident);
		free(s);
		return rc;
	}
	*out = s;
	return LOA_OK;
}

int loa_store_open(const char *path, int flags, loa_store **out, loa_err *err)
{
	loa_store_opts o = {flags, 0, 0};
	return loa_store_open_opts(path, &o, out, err);
}

int loa_store_open_config(const loa_config *cfg, int flags, loa_store **out, loa_err *err)
{
	loa_store_opts o = {flags, loa_config_get_i64(cfg, "db.max_pages", 0), 0};
	return loa_store_open_opts(loa_config_get(cfg, "db"), &o, out, err);
}

void *loa_store_native(loa_store *s, const char *backend)
{
	if (!s || !backend || strcmp(backend, s->be->name) != 0 || !s->be->native)
		return NULL;
	return s->be->native(s->impl);
}

loa_map *loa_store__sql_cache(loa_store *s) { return &s->sql_cache; }

void loa_store_close(loa_store *s)
{
	if (!s)
		return;
	loa_sql__cache_release(s);
	s->be->close(s->impl);
	loa_buf_release(&s->scratch);
	loa_buf_release(&s->ident);
	free(s);
}

const char *loa_store_backend_name(const loa_store *s) { return s->be->name; }

int loa_store_begin(loa_store *s, loa_err *err) { return s->be->begin(s->impl, err); }
int loa_store_commit(loa_store *s, loa_err *err) { return s->be->commit(s->impl, err); }
void loa_store_rollback(loa_store *s) { s->be->rollback(s->impl); }

int loa_store_schema_version(loa_store *s, int *version, loa_err *err)
{
	return s->be->schema_version(s->impl, version, err);
}

int loa_store_migrate(loa_store *s, int target, int *applied, loa_err *err)
{
	if (target <= 0)
		target = LOA_STORE_SCHEMA_VERSION;
	if (target > LOA_STORE_SCHEMA_VERSION)
		return loa_err_set(err, LOA_EVERSION, "no migration to version %d", target);
	return s->be->migrate(s->impl, target, applied, err);
}

int loa_store_status_get(loa_store *s, loa_store_status *st, loa_err *err)
{
	memset(st, 0, sizeof *st);
	loa_strlcpy(st->backend, s->be->name, sizeof st->backend);
	st->program_version = LOA_STORE_SCHEMA_VERSION;
	return s->be->status(s->impl, st, err);
}

int loa_store_check(loa_store *s, loa_err *err) { return s->be->check(s->impl, err); }

/* ---- organisations ---------------------------------------------------- */

int loa_store_org_add(loa_store *s, const loa_org *org, int64_t *id, loa_err *err)
{
	if (!org->slug || !loa_store_slug_ok(org->slug))
		return loa_err_set(err, LOA_EINVAL,
				   "slug không hợp lệ (a-z 0-9 . _ -, tối đa %d) / bad slug '%s'",
				   LOA_SLUG_MAX, org->slug ? org->slug : "");
	if (!org->name || !*org->name || strlen(org->name) > LOA_NAME_MAX)
		return loa_err_set(err, LOA_EINVAL, "tên trống hoặc quá dài / empty or too long name");
	if (org->kind && !loa_store_in_list(org->kind, loa_org_kinds))
		return loa_err_set(err, LOA_EINVAL,
				   "loại tổ chức không hợp lệ / bad organisation kind '%s'", org->kind);
	if (org->valid_from != LOA_TIME_NONE && org->valid_to != LOA_TIME_NONE &&
	    org->valid_to < org->valid_from)
		return loa_err_set(err, LOA_EINVAL,
				   "valid_to trước valid_from / valid_to is before valid_from");
	if (org->parent && strcmp(org->parent, org->slug) == 0)
		return loa_err_set(err, LOA_EINVAL, "tổ chức không thể là cha của chính nó / "
				   "an organisation cannot be its own parent");
	loa_org o = *org;
	if (!o.kind)
		o.kind = "other";
	return s->be->org_add(s->impl, &o, id, err);
}

int loa_store_org_get(loa_store *s, const char *slug, loa_org_rec *out, loa_err *err)
{
	return s->be->org_get(s->impl, slug, out, err);
}

int loa_store_org_resolve(loa_store *s, const char *slug, loa_org_rec *out, loa_err *err)
{
	int rc = s->be->org_get(s->impl, slug, out, err);
	/* Successor chains are short; the bound stops a cycle. */
	for (int hops = 0; rc == LOA_OK && out->successor[0]; hops++) {
		if (hops == 64)
			return loa_err_set(err, LOA_EINVAL,
					   "vòng kế thừa tổ chức / successor cycle at '%s'", slug);
		char next[LOA_SLUG_MAX + 1];
		loa_strlcpy(next, out->successor, sizeof next);
		rc = s->be->org_get(s->impl, next, out, err);
	}
	return rc;
}

int loa_store_org_succeed(loa_store *s, const char *old_slug, const char *new_slug, loa_ms at,
			  loa_err *err)
{
	if (strcmp(old_slug, new_slug) == 0)
		return loa_err_set(err, LOA_EINVAL, "tổ chức không thể kế thừa chính nó / "
				   "an organisation cannot succeed itself");
	/* Refuse a cycle: new_slug must not resolve (through successors) to old_slug. */
	loa_org_rec r;
	int rc = loa_store_org_resolve(s, new_slug, &r, err);
	if (rc)
		return rc;
	if (strcmp(r.slug, old_slug) == 0)
		return loa_err_set(err, LOA_EINVAL, "tạo vòng kế thừa / would make a successor cycle");
	return s->be->org_succeed(s->impl, old_slug, new_slug, at, err);
}

int loa_store_orgs_each(loa_store *s, loa_org_cb cb, void *arg, loa_err *err)
{
	return s->be->orgs_each(s->impl, cb, arg, err);
}

/* ---- sources ---------------------------------------------------------- */

int loa_store_source_ensure(loa_store *s, const char *slug, const char *platform, int64_t *id,
			    bool *created, loa_err *err)
{
	if (!slug || !source_slug_ok(slug))
		return loa_err_set(err, LOA_EINVAL, "mã nguồn không hợp lệ / bad source slug");
	if (platform && !loa_store_in_list(platform, loa_item_platforms))
		return loa_err_set(err, LOA_EINVAL, "nền tảng không hợp lệ / bad platform '%s'",
				   platform);
	return s->be->source_ensure(s->impl, slug, platform ? platform : "web", id, created, err);
}

int loa_store_sources_each(loa_store *s, loa_source_cb cb, void *arg, loa_err *err)
{
	return s->be->sources_each(s->impl, cb, arg, err);
}

static int canonical_url(const char *u, loa_buf *out);

static const char *const source_types[] = {"feed", "page", "social", "api", NULL};
static const char *const source_outlets[] = {"press", "portal", "social", "agency", NULL};

static bool state_ok(const char *st)
{
	size_t n = 0;
	for (; st[n]; n++)
		if (st[n] < 'a' || st[n] > 'z')
			return false;
	return n > 0 && n <= LOA_KIND_MAX;
}

static bool http_url(const char *u)
{
	return strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0;
}

int loa_store_source_add(loa_store *s, const loa_source *src, int64_t *id, loa_err *err)
{
	if (!src->slug || !source_slug_ok(src->slug))
		return loa_err_set(err, LOA_EINVAL, "mã nguồn không hợp lệ / bad source slug");
	if (!src->type || !loa_store_in_list(src->type, source_types))
		return loa_err_set(err, LOA_EINVAL, "loại nguồn không hợp lệ / bad source type '%s'",
				   src->type ? src->type : "");
	if (src->outlet && !loa_store_in_list(src->outlet, source_outlets))
		return loa_err_set(err, LOA_EINVAL,
				   "loại cơ quan không hợp lệ (press, portal, social, agency) / "
				   "bad outlet kind '%s'", src->outlet);
	if (src->platform && !loa_store_in_list(src->platform, loa_item_platforms))
		return loa_err_set(err, LOA_EINVAL, "nền tảng không hợp lệ / bad platform '%s'",
				   src->platform);
	if (src->org && !loa_store_slug_ok(src->org))
		return loa_err_set(err, LOA_EINVAL, "mã tổ chức không hợp lệ / bad org slug '%s'",
				   src->org);
	if (src->state && !state_ok(src->state))
		return loa_err_set(err, LOA_EINVAL, "trạng thái không hợp lệ / bad state '%s'",
				   src->state);
	if (src->name && strlen(src->name) > LOA_NAME_MAX)
		return loa_err_set(err, LOA_EINVAL, "tên quá dài / name too long");
	loa_source c = *src;
	if (!c.platform)
		c.platform = "web";
	if (!c.state)
		c.state = LOA_SOURCE_ACTIVE;
	if (c.name && !*c.name)
		c.name = NULL;
	if (c.url && *c.url) {
		if (!http_url(c.url))
			return loa_err_set(err, LOA_EINVAL,
					   "chỉ nhận URL http hoặc https / only http(s) URLs: %.200s",
					   c.url);
		loa_buf_reset(&s->scratch);
		if (canonical_url(c.url, &s->scratch))
			return loa_err_set(err, LOA_EINVAL, "url quá dài / url too long");
		c.url = s->scratch.data;
	} else {
		c.url = NULL;
	}
	return s->be->source_add(s->impl, &c, id, err);
}

int loa_store_source_get(loa_store *s, const char *slug, loa_source_rec *out, loa_err *err)
{
	return s->be->source_get(s->impl, slug, NULL, out, err);
}

int loa_store_source_by_url(loa_store *s, const char *url, loa_source_rec *out, loa_err *err)
{
	loa_buf_reset(&s->scratch);
	if (canonical_url(url, &s->scratch))
		return loa_err_set(err, LOA_EINVAL, "url quá dài / url too long");
	return s->be->source_get(s->impl, NULL, s->scratch.data, out, err);
}

int loa_store_source_update(loa_store *s, const char *slug, const char *url, const char *state,
			    loa_err *err)
{
	if (state && !state_ok(state))
		return loa_err_set(err, LOA_EINVAL, "trạng thái không hợp lệ / bad state '%s'", state);
	if (url) {
		if (!http_url(url))
			return loa_err_set(err, LOA_EINVAL,
					   "chỉ nhận URL http hoặc https / only http(s) URLs: %.200s",
					   url);
		loa_buf_reset(&s->scratch);
		if (canonical_url(url, &s->scratch))
			return loa_err_set(err, LOA_EINVAL, "url quá dài / url too long");
		url = s->scratch.data;
	}
	return s->be->source_update(s->impl, slug, url, state, err);
}

int loa_store_source_remove(loa_store *s, const char *slug, bool *deleted, loa_err *err)
{
	return s->be->source_remove(s->impl, slug, deleted, err);
}

/* ---- items ------------------------------------------------------------ */

void loa_item_init(loa_item *it)
{
	memset(it, 0, sizeof *it);
	it->published_at = LOA_TIME_NONE;
	it->fetched_at = LOA_TIME_NONE;
	it->reactions = it->shares = it->comments = LOA_COUNT_NONE;
}

static const char *opt_str(const char *s) { return s && *s ? s : NULL; }

static int check_len(const char *s, size_t max, const char *field, loa_err *err)
{
	if (s && strlen(s) > max)
		return loa_err_set(err, LOA_EINVAL,
				   "trường quá dài / field too long: %s (tối đa/max %zu bytes)", field,
				   max);
	return LOA_OK;
}

/* Query parameters that only track a click, never select content. */
static bool tracking_param(const char *k, size_t n)
{
	static const char *const names[] = {
		"fbclid", "gclid",  "dclid",  "gbraid", "wbraid",  "msclkid", "yclid",
		"igshid", "mc_cid", "mc_eid", "_ga",    "_gl",     "_hsenc",  "_hsmi",
		"mkt_tok", "zarsrc", "gidzl", "ocid",   "cmpid",   "spm",     NULL,
	};
	if (n > 4 && strncasecmp(k, "utm_", 4) == 0)
		return true;
	for (size_t i = 0; names[i]; i++)
		if (strlen(names[i]) == n && strncasecmp(k, names[i], n) == 0)
			return true;
	return false;
}

/* Lower-cases the scheme and host, drops the fragment, and for http(s) the
 * default port, tracking parameters and an empty query. The result is
 * never longer than the input. */
static int canonical_url(const char *u, loa_buf *out)
{
	size_t n = strlen(u);
	const char *hash = memchr(u, '#', n);
	if (hash)
		n = (size_t)(hash - u);
	int rc = loa_buf_reserve(out, n);
	if (rc)
		return rc;
	const char *sep = NULL;
	for (size_t i = 0; i + 2 < n; i++) {
		if (u[i] == ':' && u[i + 1] == '/' && u[i + 2] == '/') {
			sep = u + i;
			break;
		}
		if (u[i] == '/' || u[i] == '?')
			break;
	}
	size_t lower_end = 0, host = 0;
	if (sep) {
		host = (size_t)(sep - u) + 3;
		lower_end = host;
		while (lower_end < n && u[lower_end] != '/' && u[lower_end] != '?')
			lower_end++;
	}
	char *d = out->data + out->len;
	size_t o = 0;
	for (size_t i = 0; i < lower_end; i++) {
		char c = u[i];
		d[o++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	bool http = sep && (size_t)(sep - u) == 4 && strncasecmp(u, "http", 4) == 0;
	bool https = sep && (size_t)(sep - u) == 5 && strncasecmp(u, "https", 5) == 0;
	if (http && o >= host + 3 && memcmp(d + o - 3, ":80", 3) == 0)
		o -= 3;
	else if (https && o >= host + 4 && memcmp(d + o - 4, ":443", 4) == 0)
		o -= 4;
	const char *q = memchr(u + lower_end, '?', n - lower_end);
	size_t path_end = q ? (size_t)(q - u) : n;
	memcpy(d + o, u + lower_end, path_end - lower_end);
	o += path_end - lower_end;
	if (q && !(http || https)) {
		memcpy(d + o, q, n - path_end);
		o += n - path_end;
	} else if (q) {
		/* Keep the remaining parameters in their order. */
		size_t qstart = o;
		size_t i = path_end + 1;
		while (i <= n) {
			size_t j = i;
			while (j < n && u[j] != '&')
				j++;
			size_t klen = 0;
			while (i + klen < j && u[i + klen] != '=')
				klen++;
			if (j > i && !tracking_param(u + i, klen)) {
				char c = o == qstart ? '?' : '&';
				d[o++] = c;
				memcpy(d + o, u + i, j - i);
				o += j - i;
			}
			i = j + 1;
		}
	}
	out->len += o;
	out->data[out->len] = '\0';
	return LOA_OK;
}

int loa_url_canonical(const char *url, loa_buf *out) { return canonical_url(url, out); }

int loa_item_normalize(const loa_item *it, loa_item *norm, loa_buf *scratch, loa_err *err)
{
	*norm = *it;
	norm->source = opt_str(it->source);
	norm->id = opt_str(it->id);
	norm->kind = opt_str(it->kind);
	norm->platform = opt_str(it->platform);
	norm->url = opt_str(it->url);
	norm->title = opt_str(it->title);
	norm->text = opt_str(it->text);
	norm->html = opt_str(it->html);
	norm->author = opt_str(it->author);
	norm->lang = opt_str(it->lang);
	norm->parent_id = opt_str(it->parent_id);
	norm->shared_from = opt_str(it->shared_from);
	norm->org = opt_str(it->org);
	norm->ident = NULL;
	norm->content_hash = 0;

	if (!norm->source)
		return loa_err_set(err, LOA_EINVAL, "thiếu trường / missing field: source");
	if (!source_slug_ok(norm->source))
		return loa_err_set(err, LOA_EINVAL,
				   "mã nguồn không hợp lệ (không dấu cách, tối đa %d bytes) / "
				   "bad source slug", LOA_SLUG_MAX);
	if (norm->published_at == LOA_TIME_NONE)
		return loa_err_set(err, LOA_EINVAL, "thiếu trường / missing field: published_at");
	if (!norm->text && !norm->title)
		return loa_err_set(err, LOA_EINVAL, "thiếu trường / missing field: text or title");
	if (norm->platform && !loa_store_in_list(norm->platform, loa_item_platforms))
		return loa_err_set(err, LOA_EINVAL, "nền tảng không hợp lệ / bad platform '%.40s'",
				   norm->platform);
	if (!norm->platform)
		norm->platform = "web";
	if (norm->kind && !loa_store_in_list(norm->kind, loa_item_kinds))
		return loa_err_set(err, LOA_EINVAL, "loại tin không hợp lệ / bad kind '%.40s'",
				   norm->kind);
	if (!norm->kind) {
		if (norm->parent_id)
			norm->kind = "comment";
		else if (norm->shared_from)
			norm->kind = "share";
		else if (strcmp(norm->platform, "web") == 0)
			norm->kind = "article";
		else
			norm->kind = "post";
	}
	if (norm->org && !loa_store_slug_ok(norm->org))
		return loa_err_set(err, LOA_EINVAL, "mã tổ chức không hợp lệ / bad org slug '%.40s'",
				   norm->org);
	int rc;
	if ((rc = check_len(norm->id, LOA_ITEM_ID_MAX, "id", err)) ||
	    (rc = check_len(norm->url, LOA_ITEM_URL_MAX, "url", err)) ||
	    (rc = check_len(norm->author, LOA_ITEM_SHORT_MAX, "author", err)) ||
	    (rc = check_len(norm->lang, 35, "lang", err)) ||
	    (rc = check_len(norm->parent_id, LOA_ITEM_SHORT_MAX, "parent_id", err)) ||
	    (rc = check_len(norm->shared_from, LOA_ITEM_URL_MAX, "shared_from", err)))
		return rc;
	if (norm->reactions < LOA_COUNT_NONE || norm->shares < LOA_COUNT_NONE ||
	    norm->comments < LOA_COUNT_NONE)
		return loa_err_set(err, LOA_EINVAL, "số đếm âm / negative count");
	if (norm->fetched_at == LOA_TIME_NONE)
		norm->fetched_at = loa_now_ms();
	if (norm->url) {
		loa_buf_reset(scratch);
		if (canonical_url(norm->url, scratch))
			return loa_err_set(err, LOA_EINVAL, "url quá dài / url too long");
		/* a URL that is only a fragment ("#top") is no URL: it must not
		 * become the identity "url:" shared by every such item */
		norm->url = scratch->len ? scratch->data : NULL;
	}
	return LOA_OK;
}

static void hash_str(crypto_generichash_state *st, const char *s)
{
	unsigned char hdr[9] = {0};
	if (!s) {
		crypto_generichash_update(st, hdr, 1);
		return;
	}
	uint64_t n = strlen(s);
	hdr[0] = 1;
	for (int i = 0; i < 8; i++)
		hdr[1 + i] = (unsigned char)(n >> (8 * i));
	crypto_generichash_update(st, hdr, sizeof hdr);
	crypto_generichash_update(st, (const unsigned char *)s, n);
}

static void hash_i64(crypto_generichash_state *st, int64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)((uint64_t)v >> (8 * i));
	crypto_generichash_update(st, b, sizeof b);
}

int loa_item_ident(const loa_item *norm, loa_buf *out)
{
	loa_buf_reset(out);
	if (norm->id)
		return loa_buf_printf(out, "id:%zu:%s:%s", strlen(norm->source), norm->source,
				      norm->id);
	if (norm->url) {
		int rc = loa_buf_puts(out, "url:");
		return rc ? rc : loa_buf_puts(out, norm->url);
	}
	crypto_generichash_state st;
	unsigned char h[16];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	hash_str(&st, norm->source);
	hash_i64(&st, norm->published_at);
	hash_str(&st, norm->text ? norm->text : norm->title);
	crypto_generichash_final(&st, h, sizeof h);
	char hex[2 * sizeof h + 1];
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	int rc = loa_buf_puts(out, "h:");
	return rc ? rc : loa_buf_puts(out, hex);
}

int loa_item_ref_ident(const char *source, const char *ref, loa_buf *out)
{
	loa_buf_reset(out);
	if (strstr(ref, "://")) {
		int rc = loa_buf_puts(out, "url:");
		return rc ? rc : canonical_url(ref, out);
	}
	return loa_buf_printf(out, "id:%zu:%s:%s", strlen(source), source, ref);
}

uint64_t loa_item_content_hash(const loa_item *n)
{
	crypto_generichash_state st;
	unsigned char h[8];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	hash_str(&st, n->source);
	hash_str(&st, n->id);
	hash_str(&st, n->kind);
	hash_str(&st, n->platform);
	hash_str(&st, n->url);
	hash_str(&st, n->title);
	hash_str(&st, n->text);
	hash_str(&st, n->html);
	hash_str(&st, n->author);
	hash_str(&st, n->lang);
	hash_i64(&st, n->published_at);
	hash_str(&st, n->parent_id);
	hash_str(&st, n->shared_from);
	hash_str(&st, n->org);
	hash_i64(&st, n->reactions);
	hash_i64(&st, n->shares);
	hash_i64(&st, n->comments);
	crypto_generichash_final(&st, h, sizeof h);
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)h[i] << (8 * i);
	return v;
}

int loa_store_item_upsert(loa_store *s, const loa_item *it, int *result, loa_err *err)
{
	loa_item norm;
	int rc = loa_item_normalize(it, &norm, &s->scratch, err);
	if (rc)
		return rc;
	if ((rc = loa_item_ident(&norm, &s->ident)))
		return loa_err_set(err, LOA_EINVAL, "khoá nhận diện quá dài / identity too long");
	norm.ident = s->ident.data;
	norm.content_hash = loa_item_content_hash(&norm);
	return s->be->item_upsert(s->impl, &norm, result, err);
}

int loa_store_items_each(loa_store *s, const loa_item_filter *f, loa_item_cb cb, void *arg,
			 loa_err *err)
{
	loa_item_filter all;
	loa_item_filter_init(&all);
	return s->be->items_each(s->impl, f ? f : &all, cb, arg, err);
}

int loa_store_item_find_url(loa_store *s, const char *url, loa_buf *ident, loa_buf *source,
			    loa_err *err)
{
	loa_buf_reset(&s->scratch);
	if (canonical_url(url, &s->scratch))
		return loa_err_set(err, LOA_EINVAL, "url quá dài / url too long");
	return s->be->item_find_url(s->impl, s->scratch.data, ident, source, err);
}

int loa_store_item_count_ident(loa_store *s, const char *ident, int64_t *n, loa_err *err)
{
	return s->be->item_count_ident(s->impl, ident, n, err);
}

/* ---- audit ------------------------------------------------------------ */

int loa_store_audit_append(loa_store *s, const loa_audit *a, loa_err *err)
{
	if (!a->actor || !*a->actor || !a->action || !*a->action)
		return loa_err_set(err, LOA_EINVAL, "audit: actor and action are required");
	loa_audit c = *a;
	if (c.at == LOA_TIME_NONE)
		c.at = loa_now_ms();
	return s->be->audit_append(s->impl, &c, err);
}

int loa_store_audit_each(loa_store *s, loa_audit_cb cb, void *arg, loa_err *err)
{
	return s->be->audit_each(s->impl, cb, arg, err);
}

void loa_item_filter_init(loa_item_filter *f)
{
	memset(f, 0, sizeof *f);
	f->since = f->until = f->before_time = LOA_TIME_NONE;
}
