/*
 * json.c - JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) with
 * jansson. Invalid JSON or a document without "items" is bozo, not an error.
 * content_html is preferred over content_text (both sanitised / kept as
 * text); 1.0's "author" and 1.1's "authors" are both read.
 */
#include "feed/feed_int.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/banned.h"

static const char *jstr(loa_feed *f, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		return loa__feed_strdup_trim(f, json_string_value(v), json_string_length(v));
	if (json_is_integer(v)) {
		char buf[32];
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
		return loa__feed_strdup_trim(f, buf, strlen(buf));
	}
	return NULL;
}

static const char *jurl(loa_feed_ctx *c, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v) || json_string_length(v) == 0)
		return NULL;
	loa_buf b;
	loa_buf_init(&b, 64 * 1024);
	const char *r = NULL;
	if (loa_feed_resolve_url(c->base, json_string_value(v), json_string_length(v), &b) == LOA_OK &&
	    b.data && loa_feed_url_safe(b.data, b.len))
		r = loa__feed_strdup_trim(c->f, b.data, b.len);
	loa_buf_release(&b);
	return r;
}

static void jtime(json_t *o, const char *key, loa_ms *out)
{
	json_t *v = json_object_get(o, key);
	loa_ms t;
	if (json_is_string(v) &&
	    loa_feed_parse_date(json_string_value(v), json_string_length(v), &t) == LOA_OK)
		*out = t;
}

static void people(loa_feed_ctx *c, json_t *o, loa_feed_person **ps, size_t *n,
		   const char **display)
{
	loa_feed *f = c->f;
	json_t *arr = json_object_get(o, "authors");
	json_t *one = json_object_get(o, "author");
	size_t count = json_is_array(arr) ? json_array_size(arr) : 0;
	for (size_t i = 0; i < count + 1; i++) {
		json_t *a = i < count ? json_array_get(arr, i) : (count ? NULL : one);
		if (!json_is_object(a))
			continue;
		loa_feed_person p = {0};
		p.name = jstr(f, a, "name");
		p.uri = jurl(c, a, "url");
		if (!p.name && !p.uri)
			continue;
		loa_feed_person *d = loa__feed_push(f, (void **)ps, n, sizeof *d);
		if (d)
			*d = p;
	}
	if (*n && !*display)
		*display = loa__feed_person_display(f, &(*ps)[0]);
}

static void text(loa_feed_ctx *c, loa_feed_text *t, json_t *o, const char *key,
		 loa_feed_type type)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		return;
	int rc = loa__feed_set_text(c->f, c->html, c->in->flags, t, type, json_string_value(v),
				    json_string_length(v), c->base);
	if (rc && !c->f->rc_)
		c->f->rc_ = rc;
}

static void item(loa_feed_ctx *c, json_t *it, loa_feed_entry *e)
{
	loa_feed *f = c->f;
	e->published = e->updated = LOA_TIME_NONE;
	e->id = jstr(f, it, "id");
	e->link = jurl(c, it, "url");
	if (e->link) {
		loa_feed_link *l = loa__feed_push(f, (void **)&e->links, &e->nlinks, sizeof *l);
		if (l)
			l->href = e->link, l->rel = "alternate", l->type = "text/html";
	}
	const char *ext = jurl(c, it, "external_url");
	if (ext) {
		loa_feed_link *l = loa__feed_push(f, (void **)&e->links, &e->nlinks, sizeof *l);
		if (l)
			l->href = ext, l->rel = "related", l->type = "text/html";
	}
	text(c, &e->title, it, "title", LOA_FEED_PLAIN);
	text(c, &e->summary, it, "summary", LOA_FEED_PLAIN);
	loa_feed_text t = {0};
	text(c, &t, it, "content_html", LOA_FEED_HTML);
	if (!t.value)
		text(c, &t, it, "content_text", LOA_FEED_PLAIN);
	if (t.value) {
		loa_feed_text *d = loa__feed_push(f, (void **)&e->content, &e->ncontent, sizeof *d);
		if (d)
			*d = t;
	}
	jtime(it, "date_published", &e->published);
	jtime(it, "date_modified", &e->updated);
	people(c, it, &e->authors, &e->nauthors, &e->author);
	e->language = jstr(f, it, "language");
	json_t *tags = json_object_get(it, "tags");
	for (size_t i = 0; json_is_array(tags) && i < json_array_size(tags); i++) {
		json_t *tg = json_array_get(tags, i);
		if (!json_is_string(tg))
			continue;
		loa_feed_category *k = loa__feed_push(f, (void **)&e->categories, &e->ncategories,
						      sizeof *k);
		if (k)
			k->term = loa__feed_strdup_trim(f, json_string_value(tg), json_string_length(tg));
	}
	json_t *att = json_object_get(it, "attachments");
	for (size_t i = 0; json_is_array(att) && i < json_array_size(att); i++) {
		json_t *a = json_array_get(att, i);
		if (!json_is_object(a))
			continue;
		const char *href = jurl(c, a, "url");
		if (!href)
			continue;
		loa_feed_enclosure *en = loa__feed_push(f, (void **)&e->enclosures,
							&e->nenclosures, sizeof *en);
		if (!en)
			continue;
		en->href = href;
		en->type = jstr(f, a, "mime_type");
		json_t *sz = json_object_get(a, "size_in_bytes");
		if (json_is_integer(sz) || json_is_real(sz)) {
			char buf[32];
			snprintf(buf, sizeof buf, "%lld",
				 json_is_integer(sz) ? (long long)json_integer_value(sz)
						     : (long long)json_real_value(sz));
			en->length = loa__feed_strdup_trim(f, buf, strlen(buf));
		}
		loa_feed_link *l = loa__feed_push(f, (void **)&e->links, &e->nlinks, sizeof *l);
		if (l)
			l->href = href, l->rel = "enclosure", l->type = en->type, l->length = en->length;
	}
}

int loa__feed_parse_json(loa_feed_ctx *c, const char *s, size_t n)
{
	loa_feed *f = c->f;
	json_error_t jerr;
	json_t *root = json_loadb(s, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		char msg[300];
		snprintf(msg, sizeof msg, "JSON không hợp lệ / invalid JSON: dòng/line %d: %s", jerr.line,
			 jerr.text);
		loa__feed_bozo(f, msg);
		f->format = LOA_FEED_JSON11;
		return LOA_OK;
	}
	if (!json_is_object(root)) {
		loa__feed_bozo(f, "không phải JSON Feed / not a JSON Feed");
		json_decref(root);
		return LOA_OK;
	}
	json_t *ver = json_object_get(root, "version");
	const char *v = json_is_string(ver) ? json_string_value(ver) : "";
	if (strstr(v, "jsonfeed.org/version/1.1"))
		f->format = LOA_FEED_JSON11;
	else if (strstr(v, "jsonfeed.org/version/1"))
		f->format = LOA_FEED_JSON10;
	else
		f->format = LOA_FEED_JSON11; /* version missing or odd: read it anyway */
	text(c, &f->title, root, "title", LOA_FEED_PLAIN);
	text(c, &f->subtitle, root, "description", LOA_FEED_PLAIN);
	f->link = jurl(c, root, "home_page_url");
	f->self = jurl(c, root, "feed_url");
	f->language = jstr(f, root, "language");
	if (f->link) {
		loa_feed_link *l = loa__feed_push(f, (void **)&f->links, &f->nlinks, sizeof *l);
		if (l)
			l->href = f->link, l->rel = "alternate", l->type = "text/html";
	}
	if (f->self) {
		loa_feed_link *l = loa__feed_push(f, (void **)&f->links, &f->nlinks, sizeof *l);
		if (l)
			l->href = f->self, l->rel = "self", l->type = "application/feed+json";
	}
	json_t *hubs = json_object_get(root, "hubs");
	for (size_t i = 0; json_is_array(hubs) && i < json_array_size(hubs) && !f->hub; i++)
		f->hub = jurl(c, json_array_get(hubs, i), "url");
	people(c, root, &f->authors, &f->nauthors, &f->author);
	json_t *items = json_object_get(root, "items");
	if (!json_is_array(items)) {
		loa__feed_bozo(f, "JSON Feed thiếu \"items\" / JSON Feed without \"items\"");
	} else {
		size_t cnt = json_array_size(items);
		if (cnt > c->max_entries) {
			cnt = c->max_entries;
			f->truncated = true;
		}
		f->entries = cnt ? loa_arena_alloc(&f->arena, cnt * sizeof *f->entries) : NULL;
		if (cnt && !f->entries)
			f->rc_ = LOA_ETOOBIG;
		for (size_t i = 0; i < cnt && !f->rc_; i++) {
			json_t *it = json_array_get(items, i);
			if (!json_is_object(it))
				continue;
			loa_feed_entry *e = &f->entries[f->nentries++];
			memset(e, 0, sizeof *e);
			item(c, it, e);
		}
	}
	json_decref(root);
	if (f->rc_)
		return loa_err_set(c->err, f->rc_, "%s",
				   f->rc_ == LOA_ETOOBIG ? "nguồn tin quá lớn / feed too big"
							 : "hết bộ nhớ / out of memory");
	return LOA_OK;
}
