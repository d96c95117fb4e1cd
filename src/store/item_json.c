/*
 * item_json.c - items as JSON lines and CSV (docs/formats/items.md).
 */
#include "store/item_json.h"
#include "core/ltime.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

const char *const loa_item_fields[] = {
	"source", "id",         "kind",        "platform", "url",       "title",
	"text",   "html",       "author",      "lang",     "published_at", "fetched_at",
	"parent_id", "shared_from", "org",     "reactions", "shares",   "comments",
	NULL,
};

/* Fields, by index in loa_item_fields. */
enum {
	F_SOURCE, F_ID, F_KIND, F_PLATFORM, F_URL, F_TITLE, F_TEXT, F_HTML, F_AUTHOR, F_LANG,
	F_PUBLISHED, F_FETCHED, F_PARENT, F_SHARED, F_ORG, F_REACTIONS, F_SHARES, F_COMMENTS,
	F__N
};

static const char **str_field(loa_item *it, int f)
{
	switch (f) {
	case F_SOURCE: return &it->source;
	case F_ID: return &it->id;
	case F_KIND: return &it->kind;
	case F_PLATFORM: return &it->platform;
	case F_URL: return &it->url;
	case F_TITLE: return &it->title;
	case F_TEXT: return &it->text;
	case F_HTML: return &it->html;
	case F_AUTHOR: return &it->author;
	case F_LANG: return &it->lang;
	case F_PARENT: return &it->parent_id;
	case F_SHARED: return &it->shared_from;
	case F_ORG: return &it->org;
	default: return NULL;
	}
}

static int64_t *count_field(loa_item *it, int f)
{
	switch (f) {
	case F_REACTIONS: return &it->reactions;
	case F_SHARES: return &it->shares;
	case F_COMMENTS: return &it->comments;
	default: return NULL;
	}
}

static int field_index(const char *key)
{
	/* Short list: a linear scan beats hashing. */
	for (int i = 0; i < F__N; i++)
		if (strcmp(key, loa_item_fields[i]) == 0)
			return i;
	return -1;
}

int loa_item_from_json(json_t *obj, loa_item *it, loa_err *err)
{
	loa_item_init(it);
	if (!json_is_object(obj))
		return loa_err_set(err, LOA_EPARSE,
				   "không phải đối tượng JSON / not a JSON object");
	const char *key;
	json_t *v;
	void *iter = json_object_iter(obj);
	while (iter) {
		key = json_object_iter_key(iter);
		v = json_object_iter_value(iter);
		iter = json_object_iter_next(obj, iter);
		int f = field_index(key);
		if (f < 0 || json_is_null(v))
			continue;
		const char **sp = str_field(it, f);
		if (sp) {
			if ((f == F_ID || f == F_PARENT) && json_is_integer(v)) {
				/* Numeric ids (as some platforms write them) become strings. */
				char num[32];
				snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
				json_t *s = json_string(num);
				if (!s || json_object_set_new(obj, key, s))
					return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
				v = json_object_get(obj, key);
			}
			if (!json_is_string(v))
				return loa_err_set(err, LOA_EPARSE,
						   "sai kiểu trường / wrong type for field: %s "
						   "(cần chuỗi / expected a string)", key);
			*sp = json_string_value(v);
			continue;
		}
		int64_t *cp = count_field(it, f);
		if (cp) {
			if (!json_is_integer(v) || json_integer_value(v) < 0)
				return loa_err_set(err, LOA_EPARSE,
						   "sai kiểu trường / wrong type for field: %s "
						   "(cần số nguyên >= 0 / expected an integer >= 0)", key);
			*cp = (int64_t)json_integer_value(v);
			continue;
		}
		/* published_at, fetched_at */
		loa_ms *tp = f == F_PUBLISHED ? &it->published_at : &it->fetched_at;
		if (!json_is_string(v))
			return loa_err_set(err, LOA_EPARSE,
					   "thời gian không hợp lệ / bad time in %s: "
					   "cần chuỗi RFC 3339 / expected an RFC 3339 string", key);
		const char *ts = json_string_value(v);
		size_t tn = json_string_length(v);
		if (loa_time_parse_rfc3339(ts, tn, tp))
			return loa_err_set(err, LOA_EPARSE,
					   "thời gian không hợp lệ / bad time in %s: '%.60s'", key, ts);
	}
	return LOA_OK;
}

int loa_item_parse_line(const char *s, size_t n, json_t **root, loa_item *it, loa_err *err)
{
	json_error_t je;
	*root = json_loadb(s, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!*root) {
		loa_item_init(it);
		return loa_err_set(err, LOA_EPARSE, "JSON không hợp lệ / bad JSON: %s (cột/column %d)",
				   je.text, je.column);
	}
	return loa_item_from_json(*root, it, err);
}

static int set_str(json_t *o, const char *k, const char *v)
{
	return v ? json_object_set_new(o, k, json_string(v)) : 0;
}

static int set_time(json_t *o, const char *k, loa_ms t)
{
	if (t == LOA_TIME_NONE)
		return 0;
	char b[LOA_TIME_STR_MAX];
	return json_object_set_new(o, k, json_string(loa_time_format_rfc3339(t, b)));
}

static int set_count(json_t *o, const char *k, int64_t v)
{
	return v < 0 ? 0 : json_object_set_new(o, k, json_integer((json_int_t)v));
}

json_t *loa_item_to_json(const loa_item *it)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	int bad = set_str(o, "source", it->source) | set_str(o, "id", it->id) |
		  set_str(o, "kind", it->kind) | set_str(o, "platform", it->platform) |
		  set_str(o, "url", it->url) | set_str(o, "title", it->title) |
		  set_str(o, "text", it->text) | set_str(o, "html", it->html) |
		  set_str(o, "author", it->author) | set_str(o, "lang", it->lang) |
		  set_time(o, "published_at", it->published_at) |
		  set_time(o, "fetched_at", it->fetched_at) |
		  set_str(o, "parent_id", it->parent_id) |
		  set_str(o, "shared_from", it->shared_from) | set_str(o, "org", it->org) |
		  set_count(o, "reactions", it->reactions) | set_count(o, "shares", it->shares) |
		  set_count(o, "comments", it->comments);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int dump_cb(const char *buf, size_t size, void *data)
{
	return loa_buf_append(data, buf, size) ? -1 : 0;
}

int loa_item_write_jsonl(loa_buf *out, const loa_item *it)
{
	json_t *o = loa_item_to_json(it);
	if (!o)
		return LOA_ENOMEM;
	size_t mark = out->len;
	int rc = json_dump_callback(o, dump_cb, out, JSON_COMPACT) ? LOA_ETOOBIG
								  : loa_buf_putc(out, '\n');
	json_decref(o);
	if (rc && out->data) {
		out->len = mark;
		out->data[mark] = '\0';
	}
	return rc;
}

int loa_item_write_csv_header(loa_buf *out)
{
	int rc = LOA_OK;
	for (int i = 0; !rc && loa_item_fields[i]; i++)
		rc = loa_buf_printf(out, "%s%s", i ? "," : "", loa_item_fields[i]);
	return rc ? rc : loa_buf_puts(out, "\r\n");
}

static int csv_str(loa_buf *out, const char *s)
{
	if (!s)
		return LOA_OK;
	if (!strpbrk(s, ",\"\r\n"))
		return loa_buf_puts(out, s);
	int rc = loa_buf_putc(out, '"');
	for (const char *p = s; !rc && *p; p++) {
		const char *q = strchr(p, '"');
		if (!q) {
			rc = loa_buf_puts(out, p);
			break;
		}
		rc = loa_buf_append(out, p, (size_t)(q - p + 1));
		if (!rc)
			rc = loa_buf_putc(out, '"');
		p = q;
	}
	return rc ? rc : loa_buf_putc(out, '"');
}

int loa_item_write_csv(loa_buf *out, const loa_item *it)
{
	size_t mark = out->len;
	char tb[LOA_TIME_STR_MAX];
	loa_item c = *it;
	int rc = LOA_OK;
	for (int f = 0; !rc && f < F__N; f++) {
		if (f)
			rc = loa_buf_putc(out, ',');
		if (rc)
			break;
		const char **sp = str_field(&c, f);
		int64_t *cp = count_field(&c, f);
		if (sp)
			rc = csv_str(out, *sp);
		else if (cp)
			rc = *cp < 0 ? LOA_OK : loa_buf_printf(out, "%" PRId64, *cp);
		else {
			loa_ms t = f == F_PUBLISHED ? c.published_at : c.fetched_at;
			if (t != LOA_TIME_NONE)
				rc = loa_buf_puts(out, loa_time_format_rfc3339(t, tb));
		}
	}
	if (!rc)
		rc = loa_buf_puts(out, "\r\n");
	if (rc && out->data) {
		out->len = mark;
		out->data[mark] = '\0';
	}
	return rc;
}
