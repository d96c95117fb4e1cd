/*
 * extract.c - readability-style article extraction over libxml2's HTML tree.
 *
 * DESIGN: one htmlReadMemory() parse (RECOVER | NONET | NOERROR | NOWARNING),
 * then two walks of the tree. The first collects metadata (<title>, <meta>,
 * <link>, JSON-LD scripts parsed with jansson). The second scores text
 * blocks: every paragraph-like element with enough text gives its parent
 * 1 + commas + length/100 (max 3) and half of that to its grandparent;
 * candidates start from a tag weight and a class/id weight (positive:
 * article, content, detail...; negative: comment, sidebar, footer, share...)
 * and end scaled by (1 - link density). Subtrees that are unlikely content
 * (nav, aside, footer, forms, classes such as "comment" or "related") are
 * skipped. The best candidate is serialised and passed through the feed
 * sanitiser, which yields the sanitised HTML and the text in one pass.
 */
#include "feed/extract.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>

#include "feed/feed.h"

#include "core/banned.h"

#define MAX_CANDIDATES 4096

typedef struct cand {
	xmlNodePtr node;
	double score;
} cand;

typedef struct ex {
	loa_article *a;
	const char *base;
	cand *c;
	size_t nc;
	int rc;
	loa_buf tmp;
	const char *html_title; /* <title>: the fallback for og:title, headline */
} ex;

static const char *prop(xmlNodePtr n, const char *name)
{
	/* attribute value without allocation (first text child of the attr) */
	for (xmlAttrPtr at = n->properties; at; at = at->next)
		if (at->name && strcasecmp((const char *)at->name, name) == 0)
			return at->children && at->children->content ? (const char *)at->children->content
								      : "";
	return NULL;
}

static const char *adup(ex *x, const char *s)
{
	if (!s)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (!n)
		return NULL;
	char *r = loa_arena_strndup(&x->a->arena, s, n);
	if (!r)
		x->rc = LOA_ETOOBIG;
	return r;
}

static const char *aurl(ex *x, const char *s)
{
	if (!s || !*s)
		return NULL;
	loa_buf_reset(&x->tmp);
	if (loa_feed_resolve_url(x->base, s, strlen(s), &x->tmp) != LOA_OK || !x->tmp.data ||
	    !loa_feed_url_safe(x->tmp.data, x->tmp.len))
		return NULL;
	return adup(x, x->tmp.data);
}

static void set_time(loa_ms *slot, const char *s)
{
	loa_ms t;
	if (s && *slot == LOA_TIME_NONE && loa_feed_parse_date(s, strlen(s), &t) == LOA_OK)
		*slot = t;
}

static bool tag_is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->name && strcasecmp((const char *)n->name, name) == 0;
}

/* ---- JSON-LD ------------------------------------------------------------ */

static void jsonld_obj(ex *x, json_t *o, int depth)
{
	if (depth > 8)
		return;
	if (json_is_array(o)) {
		for (size_t i = 0; i < json_array_size(o) && i < 64; i++)
			jsonld_obj(x, json_array_get(o, i), depth + 1);
		return;
	}
	if (!json_is_object(o))
		return;
	jsonld_obj(x, json_object_get(o, "@graph"), depth + 1);
	json_t *type = json_object_get(o, "@type");
	const char *t = json_is_string(type) ? json_string_value(type)
		      : json_is_array(type) ? json_string_value(json_array_get(type, 0)) : NULL;
	if (!t || !strstr(t, "Article") ) {
		if (!t || (strcmp(t, "WebPage") != 0 && strcmp(t, "Report") != 0))
			return;
	}
	loa_article *a = x->a;
	set_time(&a->published, json_string_value(json_object_get(o, "datePublished")));
	set_time(&a->modified, json_string_value(json_object_get(o, "dateModified")));
	if (!a->title)
		a->title = adup(x, json_string_value(json_object_get(o, "headline")));
	json_t *url = json_object_get(o, "url");
	if (!a->canonical && json_is_string(url))
		a->canonical = aurl(x, json_string_value(url));
	json_t *au = json_object_get(o, "author");
	if (json_is_array(au))
		au = json_array_get(au, 0);
	if (!a->author && json_is_object(au))
		a->author = adup(x, json_string_value(json_object_get(au, "name")));
	else if (!a->author && json_is_string(au))
		a->author = adup(x, json_string_value(au));
}

static void jsonld(ex *x, xmlNodePtr script)
{
	xmlChar *s = xmlNodeGetContent(script);
	if (!s)
		return;
	json_t *j = json_loads((const char *)s, 0, NULL);
	xmlFree(s);
	if (j)
		jsonld_obj(x, j, 0);
	json_decref(j);
}

/* ---- metadata walk ------------------------------------------------------ */

static void meta(ex *x, xmlNodePtr n)
{
	loa_article *a = x->a;
	const char *k = prop(n, "property");
	if (!k)
		k = prop(n, "name");
	if (!k)
		k = prop(n, "itemprop");
	const char *v = prop(n, "content");
	if (!k || !v)
		return;
	if (!strcasecmp(k, "og:url"))
		a->canonical = a->canonical ? a->canonical : aurl(x, v);
	else if (!strcasecmp(k, "og:title") || !strcasecmp(k, "twitter:title"))
		a->title = a->title ? a->title : adup(x, v);
	else if (!strcasecmp(k, "og:description") || !strcasecmp(k, "description"))
		a->description = a->description ? a->description : adup(x, v);
	else if (!strcasecmp(k, "og:site_name"))
		a->site_name = a->site_name ? a->site_name : adup(x, v);
	else if (!strcasecmp(k, "article:published_time") || !strcasecmp(k, "pubdate") ||
		 !strcasecmp(k, "publishdate") || !strcasecmp(k, "datePublished") ||
		 !strcasecmp(k, "dc.date.issued") || !strcasecmp(k, "dc.date") ||
		 !strcasecmp(k, "date") || !strcasecmp(k, "article:published") ||
		 !strcasecmp(k, "og:published_time"))
		set_time(&a->published, v);
	else if (!strcasecmp(k, "article:modified_time") || !strcasecmp(k, "og:updated_time") ||
		 !strcasecmp(k, "dateModified") || !strcasecmp(k, "last-modified"))
		set_time(&a->modified, v);
	else if (!strcasecmp(k, "author") || !strcasecmp(k, "article:author"))
		a->author = a->author ? a->author : adup(x, v);
}

static void link_el(ex *x, xmlNodePtr n)
{
	const char *rel = prop(n, "rel"), *href = prop(n, "href");
	if (!rel || !href)
		return;
	if (!strcasecmp(rel, "canonical")) {
		const char *u = aurl(x, href);
		if (u)
			x->a->canonical = u; /* canonical beats og:url */
		return;
	}
	if (!strcasestr(rel, "alternate"))
		return;
	const char *type = prop(n, "type");
	if (!type || (!strcasestr(type, "rss+xml") && !strcasestr(type, "atom+xml") &&
		      !strcasestr(type, "feed+json")))
		return;
	const char *u = aurl(x, href);
	if (!u || x->a->nfeeds >= 64)
		return;
	loa_feed_link_found *arr = loa_arena_alloc(&x->a->arena, (x->a->nfeeds + 1) * sizeof *arr);
	if (!arr)
		return;
	if (x->a->nfeeds)
		memcpy(arr, x->a->feeds, x->a->nfeeds * sizeof *arr);
	arr[x->a->nfeeds].href = u;
	arr[x->a->nfeeds].type = adup(x, type);
	arr[x->a->nfeeds].title = adup(x, prop(n, "title"));
	x->a->feeds = arr;
	x->a->nfeeds++;
}

static void walk_meta(ex *x, xmlNodePtr n, int depth)
{
	for (; n && depth < 256; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (tag_is(n, "meta"))
			meta(x, n);
		else if (tag_is(n, "link"))
			link_el(x, n);
		else if (tag_is(n, "title") && !x->html_title) {
			xmlChar *t = xmlNodeGetContent(n);
			if (t) {
				x->html_title = adup(x, (const char *)t);
				xmlFree(t);
			}
		} else if (tag_is(n, "script")) {
			const char *t = prop(n, "type");
			if (t && strcasestr(t, "ld+json"))
				jsonld(x, n);
			continue;
		} else if (tag_is(n, "time") && x->a->published == LOA_TIME_NONE) {
			set_time(&x->a->published, prop(n, "datetime"));
		} else if (tag_is(n, "html") && !x->a->language) {
			x->a->language = adup(x, prop(n, "lang"));
		}
		walk_meta(x, n->children, depth + 1);
	}
}

/* ---- scoring ------------------------------------------------------------ */

static bool has_word(const char *s, const char *const *words)
{
	if (!s)
		return false;
	for (const char *const *w = words; *w; w++)
		if (strcasestr(s, *w))
			return true;
	return false;
}

static const char *const negative[] = {
	"comment", "meta", "footer", "footnote", "sidebar", "widget", "share", "social",
	"related", "menu", "nav", "promo", "advert", "banner", "breadcrumb", "popup", "combx",
	"masthead", "outbrain", "sponsor", "tags", "login", "hidden", "tin-lien-quan", "box-tin",
	NULL,
};
static const char *const positive[] = {
	"article", "body", "content", "entry", "main", "page", "post", "text", "blog", "story",
	"detail", "fck", "noidung", "chitiet", NULL,
};

static int class_weight(xmlNodePtr n)
{
	int w = 0;
	const char *cl = prop(n, "class"), *id = prop(n, "id");
	if (has_word(cl, negative))
		w -= 25;
	if (has_word(cl, positive))
		w += 25;
	if (has_word(id, negative))
		w -= 25;
	if (has_word(id, positive))
		w += 25;
	return w;
}

static bool skip_subtree(xmlNodePtr n)
{
	static const char *const tags[] = {"script", "style", "noscript", "nav", "aside", "footer",
					   "header", "form", "iframe", "button", "select", "svg",
					   "head", NULL};
	for (const char *const *t = tags; *t; t++)
		if (tag_is(n, *t))
			return true;
	const char *cl = prop(n, "class"), *id = prop(n, "id");
	bool neg = has_word(cl, negative) || has_word(id, negative);
	bool pos = has_word(cl, positive) || has_word(id, positive);
	return neg && !pos && !tag_is(n, "body") && !tag_is(n, "article");
}

/* Text length and link-text length of a subtree. */
static void text_len(xmlNodePtr n, size_t *all, size_t *links, size_t *commas, bool in_a, int d)
{
	for (; n && d < 256; n = n->next) {
		if (n->type == XML_TEXT_NODE && n->content) {
			const char *s = (const char *)n->content;
			size_t k = 0;
			for (const char *p = s; *p; p++) {
				if (!isspace((unsigned char)*p))
					k++;
				if (*p == ',')
					(*commas)++;
			}
			*all += k;
			if (in_a)
				*links += k;
		} else if (n->type == XML_ELEMENT_NODE && !tag_is(n, "script") && !tag_is(n, "style")) {
			text_len(n->children, all, links, commas, in_a || tag_is(n, "a"), d + 1);
		}
	}
}

static cand *candidate(ex *x, xmlNodePtr n)
{
	for (size_t i = 0; i < x->nc; i++)
		if (x->c[i].node == n)
			return &x->c[i];
	if (x->nc >= MAX_CANDIDATES)
		return NULL;
	cand *c = &x->c[x->nc++];
	c->node = n;
	c->score = class_weight(n);
	const char *nm = (const char *)n->name;
	if (!strcasecmp(nm, "div") || !strcasecmp(nm, "article") || !strcasecmp(nm, "section"))
		c->score += 5;
	else if (!strcasecmp(nm, "pre") || !strcasecmp(nm, "td") || !strcasecmp(nm, "blockquote"))
		c->score += 3;
	else if (!strcasecmp(nm, "ol") || !strcasecmp(nm, "ul") || !strcasecmp(nm, "li") ||
		 !strcasecmp(nm, "dl") || !strcasecmp(nm, "form"))
		c->score -= 3;
	else if (nm[0] == 'h' && isdigit((unsigned char)nm[1]))
		c->score -= 5;
	return c;
}

static void score_walk(ex *x, xmlNodePtr n, int depth)
{
	for (; n && depth < 256; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || skip_subtree(n))
			continue;
		if (tag_is(n, "p") || tag_is(n, "pre") || tag_is(n, "td") ||
		    (tag_is(n, "div") && !xmlFirstElementChild(n))) {
			size_t all = 0, links = 0, commas = 0;
			text_len(n->children, &all, &links, &commas, false, 0);
			if (all >= 25 && n->parent && n->parent->type == XML_ELEMENT_NODE) {
				double s = 1 + (double)commas + fmin((double)all / 100.0, 3.0);
				cand *p = candidate(x, n->parent);
				if (p)
					p->score += s;
				xmlNodePtr gp = n->parent->parent;
				if (gp && gp->type == XML_ELEMENT_NODE) {
					cand *g = candidate(x, gp);
					if (g)
						g->score += s / 2;
				}
			}
		}
		score_walk(x, n->children, depth + 1);
	}
}

static void content(ex *x, xmlDocPtr doc, xmlNodePtr best)
{
	xmlBufferPtr b = xmlBufferCreate();
	if (!b) {
		x->rc = LOA_ENOMEM;
		return;
	}
	htmlNodeDump(b, doc, best);
	loa_html *h = loa_html_new();
	loa_buf html, text;
	loa_buf_init(&html, LOA_FEED_MAX_BODY);
	loa_buf_init(&text, LOA_FEED_MAX_BODY);
	if (!h) {
		x->rc = LOA_ENOMEM;
	} else if ((x->rc = loa_html_render(h, (const char *)xmlBufferContent(b),
					    (size_t)xmlBufferLength(b), x->base, &html, &text)) ==
		   LOA_OK) {
		x->a->html = adup(x, html.data ? html.data : "");
		x->a->text = adup(x, text.data ? text.data : "");
	}
	loa_html_free(h);
	loa_buf_release(&html);
	loa_buf_release(&text);
	xmlBufferFree(b);
}

int loa_article_extract(const char *body, size_t len, const char *url,
			const loa_extract_opts *opts, loa_article **out, loa_err *err)
{
	*out = NULL;
	size_t max = opts && opts->max_body ? opts->max_body : LOA_FEED_MAX_BODY;
	if (!body && len)
		return loa_err_set(err, LOA_EINVAL, "thiếu dữ liệu / missing input");
	if (len > max || len > INT32_MAX)
		return loa_err_set(err, LOA_ETOOBIG, "trang quá lớn / page too big: %zu bytes", len);
	loa_feed_global_init();
	char cs[64] = "";
	const char *ct = opts ? opts->content_type : NULL;
	const char *p = ct ? strcasestr(ct, "charset=") : NULL;
	if (p) {
		p += 8;
		while (*p == '"' || *p == '\'' || *p == ' ')
			p++;
		size_t n = strcspn(p, "\"'; ");
		if (n < sizeof cs) {
			memcpy(cs, p, n);
			cs[n] = '\0';
		}
	}
	xmlDocPtr doc = htmlReadMemory(body ? body : "", (int)len, url, cs[0] ? cs : NULL,
				       HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
					       HTML_PARSE_NOWARNING | HTML_PARSE_COMPACT);
	if (!doc)
		return loa_err_set(err, LOA_EPARSE, "không đọc được HTML / cannot parse HTML");
	loa_article *a = calloc(1, sizeof *a);
	if (!a) {
		xmlFreeDoc(doc);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	loa_arena_init(&a->arena, 16 * 1024, max * 4 + 4096);
	a->published = a->modified = LOA_TIME_NONE;
	ex x = {.a = a, .base = url};
	loa_buf_init(&x.tmp, 64 * 1024);
	a->url = adup(&x, url);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	walk_meta(&x, root, 0);
	if (!a->title)
		a->title = x.html_title;
	xmlNodePtr best = NULL;
	if (opts && opts->select)
		best = opts->select(opts->user, doc, url);
	if (!best && root) {
		x.c = calloc(MAX_CANDIDATES, sizeof *x.c);
		if (!x.c)
			x.rc = LOA_ENOMEM;
		else
			score_walk(&x, root, 0);
		double top = 0;
		for (size_t i = 0; i < x.nc; i++) {
			size_t all = 0, links = 0, commas = 0;
			text_len(x.c[i].node->children, &all, &links, &commas, false, 0);
			double ld = all ? (double)links / (double)all : 0;
			double s = x.c[i].score * (1 - ld);
			if (s > top) {
				top = s;
				best = x.c[i].node;
			}
		}
		a->score = top;
		free(x.c);
	}
	if (best && !x.rc)
		content(&x, doc, best);
	loa_buf_release(&x.tmp);
	xmlFreeDoc(doc);
	if (x.rc) {
		loa_article_free(a);
		return loa_err_set(err, x.rc, "không trích xuất được / extraction failed: %s",
				   loa_strerror(x.rc));
	}
	*out = a;
	return LOA_OK;
}

void loa_article_free(loa_article *a)
{
	if (!a)
		return;
	loa_arena_release(&a->arena);
	free(a);
}

static void js(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, json_string(v));
}

int loa_article_to_json(const loa_article *a, bool pretty, loa_buf *out)
{
	json_t *o = json_object();
	if (!o)
		return LOA_ENOMEM;
	char buf[LOA_TIME_STR_MAX];
	js(o, "url", a->url);
	js(o, "canonical", a->canonical);
	js(o, "title", a->title);
	js(o, "description", a->description);
	js(o, "author", a->author);
	js(o, "site_name", a->site_name);
	js(o, "language", a->language);
	if (a->published != LOA_TIME_NONE)
		js(o, "published", loa_time_format_rfc3339(a->published, buf));
	if (a->modified != LOA_TIME_NONE)
		js(o, "modified", loa_time_format_rfc3339(a->modified, buf));
	json_t *fe = json_array();
	for (size_t i = 0; i < a->nfeeds; i++) {
		json_t *f = json_object();
		js(f, "href", a->feeds[i].href);
		js(f, "type", a->feeds[i].type);
		js(f, "title", a->feeds[i].title);
		json_array_append_new(fe, f);
	}
	json_object_set_new(o, "feeds", fe);
	json_object_set_new(o, "score", json_real(a->score));
	js(o, "html", a->html);
	js(o, "text", a->text);
	char *s = json_dumps(o, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return LOA_ENOMEM;
	int rc = loa_buf_puts(out, s);
	free(s);
	return rc;
}
