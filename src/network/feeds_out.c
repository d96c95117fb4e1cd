/*
 * feeds_out.c - feeds out (SPEC N3): Atom 1.0 and RSS 2.0 written with
 * libxml2's xmlTextWriter, JSON Feed 1.1 with jansson; each entry carries
 * its signature (docs/formats/signature.md).
 */
#include "network/net_int.h"
#include "network/sign.h"
#include "network/websub.h"
#include "http/http.h"

#include <jansson.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define SUMMARY_MAX 400

int loa_feedout_name(const char *name, char *org, size_t cap, int *format)
{
	static const struct {
		const char *ext;
		int fmt;
	} exts[] = {{".atom", LOA_FEEDOUT_ATOM}, {".rss", LOA_FEEDOUT_RSS}, {".json", LOA_FEEDOUT_JSON}};
	size_t n = name ? strlen(name) : 0;
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		size_t e = strlen(exts[i].ext);
		if (n > e && strcmp(name + n - e, exts[i].ext) == 0 && n - e < cap) {
			memcpy(org, name, n - e);
			org[n - e] = '\0';
			if (!net_slug_ok(org))
				return LOA_EINVAL;
			*format = exts[i].fmt;
			return LOA_OK;
		}
	}
	return LOA_EINVAL;
}

/* RFC 822 date (RSS), UTC. */
static char *rfc822(loa_ms t, char out[40])
{
	static const char *wd[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
	static const char *mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int64_t secs = t >= 0 ? t / 1000 : (t - 999) / 1000;
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t rem = secs - days * 86400;
	int64_t y;
	unsigned m, d;
	loa_civil_from_days(days, &y, &m, &d);
	int w = (int)(((days % 7) + 7) % 7);
	snprintf(out, 40, "%s, %02u %s %04lld %02d:%02d:%02d +0000", wd[w], d, mo[m - 1], (long long)y,
		 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	return out;
}

/* A summary: the first paragraph, cut at a word boundary. */
static void summary_of(const char *body, loa_buf *out)
{
	loa_buf flat;
	loa_buf_init(&flat, LOA_OFFICIAL_BODY_MAX + 16);
	const char *end = strstr(body, "\n\n");
	loa_buf para;
	loa_buf_init(&para, LOA_OFFICIAL_BODY_MAX + 16);
	loa_buf_append(&para, body, end ? (size_t)(end - body) : strlen(body));
	net_collapse_ws(para.data ? para.data : "", &flat);
	size_t n = flat.len;
	if (n > SUMMARY_MAX) {
		n = SUMMARY_MAX;
		while (n > 0 && flat.data[n] != ' ')
			n--;
		if (n == 0)
			n = SUMMARY_MAX;
		while (n > 0 && ((unsigned char)flat.data[n] & 0xc0) == 0x80)
			n--;
		loa_buf_append(out, flat.data, n);
		loa_buf_puts(out, " …");
	} else {
		loa_buf_append(out, flat.data, n);
	}
	if (!out->data)
		loa_buf_puts(out, "");
	loa_buf_release(&flat);
	loa_buf_release(&para);
}

/* The body as HTML paragraphs, each escaped (content:encoded). */
static void body_html(const char *body, loa_buf *out)
{
	const char *p = body;
	loa_buf para;
	loa_buf_init(&para, LOA_OFFICIAL_BODY_MAX + 1);
	while (*p) {
		const char *e = strstr(p, "\n\n");
		size_t n = e ? (size_t)(e - p) : strlen(p);
		loa_buf_reset(&para);
		loa_buf_append(&para, p, n);
		if (para.len) {
			loa_buf_puts(out, "<p>");
			loa_html_escape(out, para.data);
			loa_buf_puts(out, "</p>");
		}
		if (!e)
			break;
		p = e;
		while (*p == '\n')
			p++;
	}
	if (!out->data)
		loa_buf_puts(out, "");
	loa_buf_release(&para);
}

typedef struct ctx {
	const loa_feedout_opts *o;
	loa_org_rec org;
	const char *base;
	xmlTextWriterPtr w;
	json_t *items;
	loa_ms newest;
	int count;
	int rc;
} ctx;

#define X(call) do { if ((call) < 0) { c->rc = LOA_EIO; return c->rc; } } while (0)
#define XC(s) BAD_CAST(s)

static int write_sig_xml(ctx *c, const loa_official_version *v)
{
	json_t *signed_fields = json_loads(v->signed_json, 0, NULL);
	const char *keys = json_string_value(json_object_get(signed_fields, "keys"));
	X(xmlTextWriterStartElementNS(c->w, XC("loa"), XC("signature"), NULL));
	X(xmlTextWriterWriteAttribute(c->w, XC("alg"), XC(LOA_SIG_ALG)));
	X(xmlTextWriterWriteAttribute(c->w, XC("key-id"), XC(v->key_id)));
	if (keys)
		X(xmlTextWriterWriteAttribute(c->w, XC("keys"), XC(keys)));
	X(xmlTextWriterWriteAttribute(c->w, XC("value"), XC(v->sig)));
	X(xmlTextWriterWriteString(c->w, XC(v->signed_json)));
	X(xmlTextWriterEndElement(c->w));
	json_decref(signed_fields);
	return 0;
}

static int atom_entry(void *arg, const loa_official_version *v)
{
	ctx *c = arg;
	loa_buf url, sum;
	loa_buf_init(&url, 8192);
	loa_buf_init(&sum, SUMMARY_MAX + 16);
	loa_official_url(c->base, v->org, v->id, &url);
	summary_of(v->body, &sum);
	char pub[LOA_TIME_STR_MAX], upd[LOA_TIME_STR_MAX];
	int rc = 0;
	if (xmlTextWriterStartElement(c->w, XC("entry")) < 0 ||
	    xmlTextWriterWriteElement(c->w, XC("id"), XC(url.data)) < 0 ||
	    xmlTextWriterStartElement(c->w, XC("title")) < 0 ||
	    xmlTextWriterWriteAttribute(c->w, XC("type"), XC("text")) < 0 ||
	    xmlTextWriterWriteString(c->w, XC(v->title)) < 0 || xmlTextWriterEndElement(c->w) < 0 ||
	    xmlTextWriterStartElement(c->w, XC("link")) < 0 ||
	    xmlTextWriterWriteAttribute(c->w, XC("rel"), XC("alternate")) < 0 ||
	    xmlTextWriterWriteAttribute(c->w, XC("type"), XC("text/html")) < 0 ||
	    xmlTextWriterWriteAttribute(c->w, XC("href"), XC(url.data)) < 0 || xmlTextWriterEndElement(c->w) < 0 ||
	    xmlTextWriterWriteElement(c->w, XC("published"),
				      XC(loa_time_format_rfc3339(v->first_published, pub))) < 0 ||
	    xmlTextWriterWriteElement(c->w, XC("updated"), XC(loa_time_format_rfc3339(v->visible_at, upd))) < 0 ||
	    xmlTextWriterStartElement(c->w, XC("author")) < 0 ||
	    xmlTextWriterWriteElement(c->w, XC("name"), XC(c->org.name)) < 0 || xmlTextWriterEndElement(c->w) < 0 ||
	    xmlTextWriterStartElement(c->w, XC("category")) < 0 ||
	    xmlTextWriterWriteAttribute(c->w, XC("term"), XC(v->kind)) < 0 ||
	    xmlTextWriterWriteAttribute(c->w, XC("label"), XC(loa_official_kind_vi(v->kind))) < 0 ||
	    xmlTextWriterEndElement(c->w) < 0)
		rc = LOA_EIO;
	if (!rc && v->topic &&
	    (xmlTextWriterStartElement(c->w, XC("category")) < 0 ||
	     xmlTextWriterWriteAttribute(c->w, XC("term"), XC(v->topic)) < 0 || xmlTextWriterEndElement(c->w) < 0))
		rc = LOA_EIO;
	if (!rc && (xmlTextWriterStartElement(c->w, XC("summary")) < 0 ||
		    xmlTextWriterWriteAttribute(c->w, XC("type"), XC("text")) < 0 ||
		    xmlTextWriterWriteString(c->w, XC(sum.data)) < 0 || xmlTextWriterEndElement(c->w) < 0 ||
		    xmlTextWriterStartElement(c->w, XC("content")) < 0 ||
		    xmlTextWriterWriteAttribute(c->w, XC("type"), XC("text")) < 0 ||
		    xmlTextWriterWriteString(c->w, XC(v->body)) < 0 || xmlTextWriterEndElement(c->w) < 0))
		rc = LOA_EIO;
	if (!rc)
		rc = write_sig_xml(c, v);
	if (!rc && xmlTextWriterEndElement(c->w) < 0)
		rc = LOA_EIO;
	if (v->visible_at > c->newest)
		c->newest = v->visible_at;
	c->count++;
	loa_buf_release(&url);
	loa_buf_release(&sum);
	c->rc = rc;
	return rc;
}

static int rss_item(void *arg, const loa_official_version *v)
{
	ctx *c = arg;
	loa_buf url;
	loa_buf_init(&url, 8192);
	loa_official_url(c->base, v->org, v->id, &url);
	char pub[40], upd[LOA_TIME_STR_MAX];
	int rc = 0;
	if (xmlTextWriterStartElement(c->w, XC("item")) < 0 ||
	    xmlTextWriterWriteElement(c->w, XC("title"), XC(v->title)) < 0 ||
	    xmlTextWriterWriteElement(c->w, XC("link"), XC(url.data)) < 0 ||
	    xmlTextWriterStartElement(c->w, XC("guid")) < 0 ||
	    xmlTextWriterWriteAttribute(c->w, XC("isPermaLink"), XC("true")) < 0 ||
	    xmlTextWriterWriteString(c->w, XC(url.data)) < 0 || xmlTextWriterEndElement(c->w) < 0 ||
	    xmlTextWriterWriteElement(c->w, XC("pubDate"), XC(rfc822(v->first_published, pub))) < 0 ||
	    xmlTextWriterWriteElementNS(c->w, XC("atom"), XC("updated"), NULL,
					XC(loa_time_format_rfc3339(v->visible_at, upd))) < 0 ||
	    xmlTextWriterWriteElementNS(c->w, XC("dc"), XC("creator"), NULL, XC(c->org.name)) < 0 ||
	    xmlTextWriterWriteElement(c->w, XC("category"), XC(v->kind)) < 0 ||
	    xmlTextWriterWriteElement(c->w, XC("description"), XC(v->body)) < 0)
		rc = LOA_EIO;
	loa_buf html;
	loa_buf_init(&html, LOA_OFFICIAL_BODY_MAX * 2);
	body_html(v->body, &html);
	if (!rc && xmlTextWriterWriteElementNS(c->w, XC("content"), XC("encoded"), NULL, XC(html.data)) < 0)
		rc = LOA_EIO;
	loa_buf_release(&html);
	if (!rc && v->topic && xmlTextWriterWriteElement(c->w, XC("category"), XC(v->topic)) < 0)
		rc = LOA_EIO;
	if (!rc)
		rc = write_sig_xml(c, v);
	if (!rc && xmlTextWriterEndElement(c->w) < 0)
		rc = LOA_EIO;
	if (v->visible_at > c->newest)
		c->newest = v->visible_at;
	c->count++;
	loa_buf_release(&url);
	c->rc = rc;
	return rc;
}

static int json_item(void *arg, const loa_official_version *v)
{
	ctx *c = arg;
	loa_buf url, sum;
	loa_buf_init(&url, 8192);
	loa_buf_init(&sum, SUMMARY_MAX + 16);
	loa_official_url(c->base, v->org, v->id, &url);
	summary_of(v->body, &sum);
	char pub[LOA_TIME_STR_MAX], upd[LOA_TIME_STR_MAX];
	json_t *tags = json_pack("[s]", v->kind);
	if (v->topic)
		json_array_append_new(tags, json_string(v->topic));
	json_t *signed_fields = json_loads(v->signed_json, 0, NULL);
	json_t *sig = json_pack("{s:s,s:s,s:s?,s:o,s:s}", "alg", LOA_SIG_ALG, "key_id", v->key_id, "keys",
				json_string_value(json_object_get(signed_fields, "keys")), "signed",
				signed_fields ? signed_fields : json_object(), "sig", v->sig);
	json_t *it = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[{s:s}],s:o,s:s,s:o}", "id", url.data, "url",
			       url.data, "title", v->title, "content_text", v->body, "summary", sum.data,
			       "date_published", loa_time_format_rfc3339(v->first_published, pub), "date_modified",
			       loa_time_format_rfc3339(v->visible_at, upd), "authors", "name", c->org.name, "tags",
			       tags, "language", "vi", "_loa_signature", sig);
	int rc = it && !json_array_append_new(c->items, it) ? 0 : LOA_ENOMEM;
	if (v->visible_at > c->newest)
		c->newest = v->visible_at;
	c->count++;
	loa_buf_release(&url);
	loa_buf_release(&sum);
	c->rc = rc;
	return rc;
}

static void feed_title(ctx *c, loa_buf *t)
{
	loa_buf_printf(t, "%s — Thông tin chính thức", c->org.name);
	if (c->o->kind)
		loa_buf_printf(t, " — %s", loa_official_kind_vi(c->o->kind));
	if (c->o->topic)
		loa_buf_printf(t, " — %s", c->o->topic);
}

static int write_xml(loa_store *s, ctx *c, loa_official_query *q, loa_buf *out, loa_err *err)
{
	xmlBufferPtr xb = xmlBufferCreate();
	if (!xb)
		return LOA_ENOMEM;
	c->w = xmlNewTextWriterMemory(xb, 0);
	if (!c->w) {
		xmlBufferFree(xb);
		return LOA_ENOMEM;
	}
	xmlTextWriterSetIndent(c->w, 1);
	xmlTextWriterSetIndentString(c->w, XC(" "));
	loa_buf title, home, hub;
	loa_buf_init(&title, 4096);
	loa_buf_init(&home, 8192);
	loa_buf_init(&hub, 8192);
	feed_title(c, &title);
	loa_buf_printf(&home, "%s/p/%s", c->base, c->org.slug);
	loa_buf_printf(&hub, "%s%s", c->base, LOA_HUB_PATH);
	int rc = LOA_OK;
	char upd[LOA_TIME_STR_MAX], d822[40];
	bool atom = c->o->format == LOA_FEEDOUT_ATOM;
	if (xmlTextWriterStartDocument(c->w, NULL, "UTF-8", NULL) < 0)
		rc = LOA_EIO;
	if (atom) {
		if (!rc && (xmlTextWriterStartElementNS(c->w, NULL, XC("feed"), XC(NS_ATOM)) < 0 ||
			    xmlTextWriterWriteAttributeNS(c->w, XC("xmlns"), XC("loa"), NULL, XC(LOA_SIG_NS)) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("xml:lang"), XC("vi")) < 0 ||
			    xmlTextWriterWriteElement(c->w, XC("id"), XC(c->o->self_url)) < 0 ||
			    xmlTextWriterWriteElement(c->w, XC("title"), XC(title.data)) < 0 ||
			    xmlTextWriterWriteElement(c->w, XC("subtitle"),
						      XC("Thông tin chính thức đã xác thực (có chữ ký số)")) < 0 ||
			    xmlTextWriterWriteElement(c->w, XC("updated"),
						      XC(loa_time_format_rfc3339(c->newest, upd))) < 0 ||
			    xmlTextWriterStartElement(c->w, XC("link")) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("rel"), XC("self")) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("type"), XC("application/atom+xml")) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("href"), XC(c->o->self_url)) < 0 ||
			    xmlTextWriterEndElement(c->w) < 0 || xmlTextWriterStartElement(c->w, XC("link")) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("rel"), XC("hub")) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("href"), XC(hub.data)) < 0 ||
			    xmlTextWriterEndElement(c->w) < 0 || xmlTextWriterStartElement(c->w, XC("link")) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("rel"), XC("alternate")) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("type"), XC("text/html")) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("href"), XC(home.data)) < 0 ||
			    xmlTextWriterEndElement(c->w) < 0 || xmlTextWriterStartElement(c->w, XC("author")) < 0 ||
			    xmlTextWriterWriteElement(c->w, XC("name"), XC(c->org.name)) < 0 ||
			    xmlTextWriterWriteElement(c->w, XC("uri"), XC(home.data)) < 0 ||
			    xmlTextWriterEndElement(c->w) < 0 || xmlTextWriterStartElement(c->w, XC("generator")) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("version"), XC(LOA_VERSION)) < 0 ||
			    xmlTextWriterWriteString(c->w, XC("loa")) < 0 || xmlTextWriterEndElement(c->w) < 0))
			rc = LOA_EIO;
		if (!rc)
			rc = loa_official_versions_each(s, q, atom_entry, c, err);
	} else {
		if (!rc && (xmlTextWriterStartElement(c->w, XC("rss")) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("version"), XC("2.0")) < 0 ||
			    xmlTextWriterWriteAttributeNS(c->w, XC("xmlns"), XC("atom"), NULL, XC(NS_ATOM)) < 0 ||
			    xmlTextWriterWriteAttributeNS(c->w, XC("xmlns"), XC("dc"), NULL, XC(NS_DC)) < 0 ||
			    xmlTextWriterWriteAttributeNS(c->w, XC("xmlns"), XC("content"), NULL, XC(NS_CONTENT)) < 0 ||
			    xmlTextWriterWriteAttributeNS(c->w, XC("xmlns"), XC("loa"), NULL, XC(LOA_SIG_NS)) < 0 ||
			    xmlTextWriterStartElement(c->w, XC("channel")) < 0 ||
			    xmlTextWriterWriteElement(c->w, XC("title"), XC(title.data)) < 0 ||
			    xmlTextWriterWriteElement(c->w, XC("link"), XC(home.data)) < 0 ||
			    xmlTextWriterWriteElement(c->w, XC("description"),
						      XC("Thông tin chính thức đã xác thực (có chữ ký số)")) < 0 ||
			    xmlTextWriterWriteElement(c->w, XC("language"), XC("vi")) < 0 ||
			    xmlTextWriterWriteElement(c->w, XC("lastBuildDate"), XC(rfc822(c->newest, d822))) < 0 ||
			    xmlTextWriterWriteElement(c->w, XC("generator"), XC("loa " LOA_VERSION)) < 0 ||
			    xmlTextWriterStartElementNS(c->w, XC("atom"), XC("link"), NULL) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("rel"), XC("self")) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("type"), XC("application/rss+xml")) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("href"), XC(c->o->self_url)) < 0 ||
			    xmlTextWriterEndElement(c->w) < 0 ||
			    xmlTextWriterStartElementNS(c->w, XC("atom"), XC("link"), NULL) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("rel"), XC("hub")) < 0 ||
			    xmlTextWriterWriteAttribute(c->w, XC("href"), XC(hub.data)) < 0 ||
			    xmlTextWriterEndElement(c->w) < 0))
			rc = LOA_EIO;
		if (!rc)
			rc = loa_official_versions_each(s, q, rss_item, c, err);
	}
	if (!rc && xmlTextWriterEndDocument(c->w) < 0)
		rc = LOA_EIO;
	xmlFreeTextWriter(c->w);
	c->w = NULL;
	if (!rc)
		rc = loa_buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	else if (rc == LOA_EIO)
		loa_err_set(err, rc, "không viết được XML / cannot write XML");
	xmlBufferFree(xb);
	loa_buf_release(&title);
	loa_buf_release(&home);
	loa_buf_release(&hub);
	return rc;
}

static int newest_cb(void *arg, const loa_official_version *v)
{
	loa_ms *t = arg;
	if (v->visible_at > *t)
		*t = v->visible_at;
	return 0;
}

int loa_feedout_write(loa_store *s, const loa_feedout_opts *o, loa_buf *out, loa_ms *last_modified,
		      const char **content_type, loa_err *err)
{
	ctx c;
	memset(&c, 0, sizeof c);
	c.o = o;
	c.base = o->base_url;
	c.newest = LOA_TIME_NONE;
	int rc = loa_store_org_get(s, o->org, &c.org, err);
	if (rc)
		return rc;
	loa_official_query q = {0};
	q.org = o->org;
	q.kind = o->kind;
	q.topic = o->topic;
	q.now = o->now;
	q.limit = o->limit > 0 ? o->limit : 50;
	/* the newest time first: the feed header carries it */
	loa_ms newest = LOA_TIME_NONE;
	loa_official_query q1 = q;
	q1.limit = 1;
	if ((rc = loa_official_versions_each(s, &q1, newest_cb, &newest, err)) != LOA_OK)
		return rc;
	c.newest = newest == LOA_TIME_NONE ? c.org.valid_from != LOA_TIME_NONE ? c.org.valid_from : 0 : newest;
	if (o->format == LOA_FEEDOUT_JSON) {
		c.items = json_array();
		rc = loa_official_versions_each(s, &q, json_item, &c, err);
		if (rc) {
			json_decref(c.items);
			return rc;
		}
		loa_buf title, home, hub;
		loa_buf_init(&title, 4096);
		loa_buf_init(&home, 8192);
		loa_buf_init(&hub, 8192);
		feed_title(&c, &title);
		loa_buf_printf(&home, "%s/p/%s", c.base, c.org.slug);
		loa_buf_printf(&hub, "%s%s", c.base, LOA_HUB_PATH);
		json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s}],s:[{s:s,s:s}],s:o}", "version",
				      "https://jsonfeed.org/version/1.1", "title", title.data, "home_page_url", home.data,
				      "feed_url", o->self_url, "description",
				      "Thông tin chính thức đã xác thực (có chữ ký số)", "language", "vi", "authors",
				      "name", c.org.name, "url", home.data, "hubs", "type", "WebSub", "url", hub.data,
				      "items", c.items);
		char *txt = f ? json_dumps(f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
		json_decref(f);
		rc = txt ? loa_buf_puts(out, txt) : LOA_ENOMEM;
		free(txt);
		loa_buf_release(&title);
		loa_buf_release(&home);
		loa_buf_release(&hub);
		*content_type = "application/feed+json; charset=utf-8";
	} else {
		rc = write_xml(s, &c, &q, out, err);
		*content_type = o->format == LOA_FEEDOUT_ATOM ? "application/atom+xml; charset=utf-8"
							      : "application/rss+xml; charset=utf-8";
	}
	if (last_modified)
		*last_modified = newest;
	return rc;
}
