/*
 * opml.c - OPML 2.0 lists of feeds, read and written with libxml2 (never
 * by hand). loa's own attributes (slug, org, outlet) are in the namespace
 * LOA_OPML_NS so other readers ignore them.
 */
#include "feed/ingest.h"
#include "core/ltime.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

#define LOA_OPML_NS "urn:loa:opml"
#define MAX_DEPTH 32
#define MAX_OUTLINES 100000

typedef struct walk {
	loa_opml_cb cb;
	void *arg;
	size_t seen;
} walk;

static bool named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && xmlStrcasecmp(n->name, BAD_CAST name) == 0;
}

/* An attribute by any of two spellings (OPML readers differ in case). */
static xmlChar *attr(xmlNodePtr n, const char *a, const char *b)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST a);
	if (!v && b)
		v = xmlGetProp(n, BAD_CAST b);
	return v;
}

static const char *nz(const xmlChar *v) { return v && *v ? (const char *)v : NULL; }

static int outlines(walk *w, xmlNodePtr parent, const char *category, int depth)
{
	if (depth > MAX_DEPTH)
		return LOA_OK;
	for (xmlNodePtr n = parent->children; n; n = n->next) {
		if (!named(n, "outline"))
			continue;
		if (++w->seen > MAX_OUTLINES)
			return LOA_ETOOBIG;
		xmlChar *text = attr(n, "text", NULL), *title = attr(n, "title", NULL);
		xmlChar *xml = attr(n, "xmlUrl", "xmlurl"), *html = attr(n, "htmlUrl", "htmlurl");
		xmlChar *slug = xmlGetNsProp(n, BAD_CAST "slug", BAD_CAST LOA_OPML_NS);
		xmlChar *org = xmlGetNsProp(n, BAD_CAST "org", BAD_CAST LOA_OPML_NS);
		xmlChar *outlet = xmlGetNsProp(n, BAD_CAST "outlet", BAD_CAST LOA_OPML_NS);
		int rc = LOA_OK;
		if (nz(xml)) {
			loa_opml_outline o = {nz(text), nz(title), nz(xml), nz(html), category,
					      nz(slug), nz(org), nz(outlet)};
			rc = w->cb(w->arg, &o);
		}
		if (!rc && n->children)
			rc = outlines(w, n, nz(text) ? nz(text) : nz(title) ? nz(title) : category,
				      depth + 1);
		xmlFree(text);
		xmlFree(title);
		xmlFree(xml);
		xmlFree(html);
		xmlFree(slug);
		xmlFree(org);
		xmlFree(outlet);
		if (rc)
			return rc;
	}
	return LOA_OK;
}

int loa_opml_parse(const char *body, size_t len, loa_opml_cb cb, void *arg, loa_err *err)
{
	if (len > LOA_OPML_MAX_BODY)
		return loa_err_set(err, LOA_ETOOBIG, "tệp OPML quá lớn / OPML file too large");
	if (len > (size_t)INT32_MAX)
		return loa_err_set(err, LOA_ETOOBIG, "tệp OPML quá lớn / OPML file too large");
	xmlDocPtr doc = xmlReadMemory(body, (int)len, NULL, NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
					      XML_PARSE_NOCDATA);
	if (!doc)
		return loa_err_set(err, LOA_EPARSE,
				   "không phải XML hợp lệ / not well-formed XML (OPML)");
	int rc = LOA_OK;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr bodyn = NULL;
	if (root && named(root, "opml"))
		for (xmlNodePtr n = root->children; n; n = n->next)
			if (named(n, "body")) {
				bodyn = n;
				break;
			}
	if (!bodyn) {
		rc = loa_err_set(err, LOA_EPARSE, "không phải OPML / not OPML (no <opml><body>)");
	} else {
		walk w = {cb, arg, 0};
		rc = outlines(&w, bodyn, NULL, 0);
		if (rc == LOA_ETOOBIG)
			loa_err_set(err, rc, "quá nhiều mục / more than %d outlines", MAX_OUTLINES);
	}
	xmlFreeDoc(doc);
	return rc;
}

/* RFC 822 date, as OPML's dateCreated wants. */
static void rfc822(loa_ms t, char *out, size_t cap)
{
	static const char *const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
	static const char *const mons[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int64_t secs = t / 1000, day = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		day--;
	}
	int64_t y;
	unsigned m, d;
	loa_civil_from_days(day, &y, &m, &d);
	int64_t wd = ((day % 7) + 7) % 7;
	snprintf(out, cap, "%s, %02u %s %04lld %02lld:%02lld:%02lld GMT", days[wd], d, mons[m - 1],
		 (long long)y, (long long)(rem / 3600), (long long)(rem / 60 % 60),
		 (long long)(rem % 60));
}

int loa_opml_write(const loa_opml_outline *o, size_t n, const char *title, loa_ms created,
		   loa_buf *out, loa_err *err)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = doc ? xmlNewNode(NULL, BAD_CAST "opml") : NULL;
	if (!root) {
		xmlFreeDoc(doc);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	xmlDocSetRootElement(doc, root);
	xmlNewProp(root, BAD_CAST "version", BAD_CAST "2.0");
	xmlNsPtr ns = xmlNewNs(root, BAD_CAST LOA_OPML_NS, BAD_CAST "loa");
	xmlNodePtr head = xmlNewChild(root, NULL, BAD_CAST "head", NULL);
	xmlNodePtr t = xmlNewChild(head, NULL, BAD_CAST "title", NULL);
	if (t)
		xmlNodeAddContent(t, BAD_CAST(title ? title : "loa"));
	char date[64];
	rfc822(created, date, sizeof date);
	xmlNewChild(head, NULL, BAD_CAST "dateCreated", BAD_CAST date);
	xmlNodePtr body = xmlNewChild(root, NULL, BAD_CAST "body", NULL);
	int rc = body && ns ? LOA_OK : LOA_ENOMEM;
	for (size_t i = 0; i < n && !rc; i++) {
		xmlNodePtr e = xmlNewChild(body, NULL, BAD_CAST "outline", NULL);
		if (!e) {
			rc = LOA_ENOMEM;
			break;
		}
		const char *text = o[i].text ? o[i].text : o[i].title ? o[i].title
					      : o[i].slug ? o[i].slug : o[i].xml_url;
		/* xmlNewProp escapes attribute values itself. */
		xmlNewProp(e, BAD_CAST "type", BAD_CAST "rss");
		xmlNewProp(e, BAD_CAST "text", BAD_CAST text);
		if (o[i].title)
			xmlNewProp(e, BAD_CAST "title", BAD_CAST o[i].title);
		if (o[i].xml_url)
			xmlNewProp(e, BAD_CAST "xmlUrl", BAD_CAST o[i].xml_url);
		if (o[i].html_url)
			xmlNewProp(e, BAD_CAST "htmlUrl", BAD_CAST o[i].html_url);
		if (o[i].slug)
			xmlNewNsProp(e, ns, BAD_CAST "slug", BAD_CAST o[i].slug);
		if (o[i].org)
			xmlNewNsProp(e, ns, BAD_CAST "org", BAD_CAST o[i].org);
		if (o[i].outlet)
			xmlNewNsProp(e, ns, BAD_CAST "outlet", BAD_CAST o[i].outlet);
	}
	if (!rc) {
		xmlChar *mem = NULL;
		int size = 0;
		xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
		if (!mem)
			rc = LOA_ENOMEM;
		else
			rc = loa_buf_append(out, mem, (size_t)size);
		xmlFree(mem);
	}
	xmlFreeDoc(doc);
	if (rc)
		return loa_err_set(err, rc, "không ghi được OPML / cannot write OPML: %s",
				   loa_strerror(rc));
	return LOA_OK;
}
