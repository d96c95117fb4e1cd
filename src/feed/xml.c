/*
 * xml.c - RSS 0.90-2.0, RSS 1.0, Atom 0.3/1.0 and CDF in one streaming SAX2
 * pass of libxml2 (push parser; no tree, no DTD loading, no network).
 *
 * DESIGN
 *  - Each element start is classified once (namespace id + local name) into
 *    a kind: a container (channel, item, author, a zone to skip such as
 *    image or atom:source), a field captured as text (title, description,
 *    guid, dates...) or an attribute-only element (atom:link, enclosure,
 *    category). Frames on a fixed stack keep the kind, the xml:base and the
 *    xml:lang in effect.
 *  - One capture is active at a time. Text is gathered raw; when a child
 *    element appears inside a captured field (inline XHTML, naked markup)
 *    the capture switches to markup mode and re-serialises the children.
 *    At the field's end the value is typed (text, HTML, XHTML, base64) and,
 *    for HTML, sanitised and rendered to text by html.c in one HTML pass.
 *  - Entities: the five XML ones are built in; entities declared in the
 *    internal subset are accepted only when they are plain text (no '&',
 *    '%' or '<' in the replacement text: this refuses every expansion bomb)
 *    and within caps; external entities are never loaded or defined; an
 *    undeclared name that is an HTML entity (&aacute;) is resolved to its
 *    character and the feed is flagged bozo, as feedparser does.
 */
#include "feed/feed_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "core/utf8.h"
#include "core/vec.h"

#include "core/banned.h"

enum ns_id {
	NS_NONE = 0, NS_ATOM10, NS_ATOM03, NS_RSS10, NS_RSS090, NS_RSS20, NS_RDF, NS_DC,
	NS_DCTERMS, NS_CONTENT, NS_XHTML, NS_ITUNES, NS_MEDIA, NS_OTHER,
};

static const struct {
	const char *uri;
	enum ns_id id;
} ns_table[] = {
	{"http://www.w3.org/2005/Atom", NS_ATOM10},
	{"http://purl.org/atom/ns#", NS_ATOM03},
	{"http://purl.org/rss/1.0/", NS_RSS10},
	{"http://my.netscape.com/rdf/simple/0.9/", NS_RSS090},
	{"http://backend.userland.com/rss2", NS_RSS20},
	{"http://backend.userland.com/rss", NS_RSS20},
	{"http://blogs.law.harvard.edu/tech/rss", NS_RSS20},
	{"http://www.w3.org/1999/02/22-rdf-syntax-ns#", NS_RDF},
	{"http://purl.org/dc/elements/1.1/", NS_DC},
	{"http://purl.org/dc/elements/1.0/", NS_DC},
	{"http://purl.org/dc/terms/", NS_DCTERMS},
	{"http://purl.org/rss/1.0/modules/content/", NS_CONTENT},
	{"http://www.w3.org/1999/xhtml", NS_XHTML},
	{"http://www.itunes.com/dtds/podcast-1.0.dtd", NS_ITUNES},
	{"http://example.com/dtds/podcast-1.0.dtd", NS_ITUNES},
	{"http://search.yahoo.com/mrss/", NS_MEDIA},
	{"http://search.yahoo.com/mrss", NS_MEDIA},
};

enum kind {
	K_NONE = 0,
	/* containers */
	K_CHANNEL, K_ITEM, K_PERSON, K_SKIP, K_GROUP,
	/* attribute-only */
	K_ATOM_LINK, K_ENCLOSURE, K_ATOM_CATEGORY, K_ITUNES_CATEGORY, K_ITUNES_IMAGE,
	/* captured fields (>= K_FIELD) */
	K_FIELD,
	K_TITLE = K_FIELD, K_DC_TITLE, K_MEDIA_TITLE, K_LINK, K_DESCRIPTION, K_SUMMARY,
	K_ITUNES_SUMMARY, K_MEDIA_DESCRIPTION, K_SUBTITLE, K_CONTENT, K_CONTENT_ENCODED,
	K_XHTML_BODY, K_ID, K_GUID, K_PUBLISHED, K_UPDATED, K_AUTHOR_TEXT, K_CATEGORY,
	K_MEDIA_CATEGORY, K_KEYWORDS, K_LANGUAGE, K_NAME, K_EMAIL, K_URI, K_LINK_TEXT,
};

#define MAX_FRAMES 300

typedef struct frame {
	unsigned char kind;
	unsigned char ns;
	bool unwrap; /* the xhtml wrapper div of an Atom 1.0 text construct */
	const char *base, *lang;
} frame;

typedef struct xp {
	loa_feed_ctx *c;
	loa_feed *f;
	xmlParserCtxtPtr ctxt;
	frame fr[MAX_FRAMES];
	size_t depth;
	enum ns_id root_ns;
	bool root_seen, atomish, cdf;
	size_t skip;        /* > 0: inside a skipped zone, frame depth of it */
	size_t item_depth;  /* > 0: inside an item */
	loa_feed_entry *e;  /* current entry or NULL */
	LOA_VEC(loa_feed_entry) entries;
	/* person construct in progress */
	size_t person_depth;
	loa_feed_person person;
	/* capture */
	size_t cap_depth; /* > 0: capturing the element at this depth */
	enum kind cap_kind;
	enum ns_id cap_ns;
	bool cap_markup;   /* children seen: buffer holds serialised markup */
	bool cap_xhtml;    /* type="xhtml": serialise children from the start */
	char cap_type[64], cap_mode[16], cap_src_rel[8];
	const char *cap_src, *cap_base, *cap_lang;
	bool guid_permalink;
	loa_buf cap;
	loa_buf scratch, scratch2;
	loa_buf fixed; /* the body with bare '&' escaped, when needed */
	/* entities */
	xmlDocPtr ents; /* holds accepted entity declarations */
	size_t ent_decls, ent_bytes;
	/* summary/content priorities */
	int title_prio, summary_prio, ftitle_prio, fsub_prio;
	const char *guid_value;
	const char *stash1, *stash2;
} xp;

#define ENT_MAX_DECLS 256
#define ENT_MAX_LEN 4096
#define ENT_MAX_EXPANSION ((size_t)1 << 20)

static void nomem(xp *x, int rc)
{
	if (!x->f->rc_)
		x->f->rc_ = rc;
	xmlStopParser(x->ctxt);
}

static enum ns_id ns_of(const xmlChar *uri)
{
	if (!uri || !*uri)
		return NS_NONE;
	for (size_t i = 0; i < sizeof ns_table / sizeof ns_table[0]; i++)
		if (strcasecmp((const char *)uri, ns_table[i].uri) == 0)
			return ns_table[i].id;
	return NS_OTHER;
}

static bool eq(const char *a, const char *b, bool ci)
{
	return ci ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

/* The element's role given its namespace and name. */
static enum kind classify(xp *x, enum ns_id ns, const char *n, bool in_item)
{
	bool ci = x->cdf;
	bool core = ns == NS_NONE || ns == NS_RSS10 || ns == NS_RSS090 || ns == NS_RSS20 ||
		    (ns == NS_OTHER && ns == x->root_ns);
	bool atom = ns == NS_ATOM10 || ns == NS_ATOM03 || (core && x->atomish);
	if (atom) {
		if (eq(n, "entry", 0))
			return K_ITEM;
		if (eq(n, "title", 0))
			return K_TITLE;
		if (eq(n, "link", 0))
			return K_ATOM_LINK;
		if (eq(n, "summary", 0))
			return K_SUMMARY;
		if (eq(n, "content", 0))
			return K_CONTENT;
		if (eq(n, "subtitle", 0) || eq(n, "tagline", 0))
			return K_SUBTITLE;
		if (eq(n, "id", 0))
			return K_ID;
		if (eq(n, "updated", 0) || eq(n, "modified", 0))
			return K_UPDATED;
		if (eq(n, "published", 0) || eq(n, "issued", 0))
			return K_PUBLISHED;
		if (eq(n, "author", 0))
			return K_PERSON;
		if (eq(n, "category", 0))
			return K_ATOM_CATEGORY;
		if (eq(n, "source", 0) || eq(n, "contributor", 0) || eq(n, "info", 0))
			return K_SKIP;
		if (x->person_depth && eq(n, "name", 0))
			return K_NAME;
		if (x->person_depth && eq(n, "email", 0))
			return K_EMAIL;
		if (x->person_depth && (eq(n, "uri", 0) || eq(n, "url", 0) || eq(n, "homepage", 0)))
			return K_URI;
		if (eq(n, "feed", 0))
			return K_CHANNEL;
		if (!core)
			return K_NONE;
	}
	if (core) {
		if (eq(n, "channel", ci))
			return K_CHANNEL;
		if (eq(n, "item", ci))
			return K_ITEM;
		if (eq(n, "title", ci))
			return K_TITLE;
		if (eq(n, "link", ci))
			return K_LINK;
		if (eq(n, "description", ci) || eq(n, "abstract", ci))
			return K_DESCRIPTION;
		if (eq(n, "summary", ci))
			return K_SUMMARY;
		if (eq(n, "guid", ci))
			return K_GUID;
		if (eq(n, "pubDate", ci))
			return K_PUBLISHED;
		if (eq(n, "lastBuildDate", ci))
			return K_UPDATED;
		if (eq(n, "author", ci) || eq(n, "managingEditor", ci))
			return K_AUTHOR_TEXT;
		if (eq(n, "category", ci))
			return K_CATEGORY;
		if (eq(n, "enclosure", ci))
			return K_ENCLOSURE;
		if (eq(n, "language", ci))
			return K_LANGUAGE;
		if (eq(n, "fullitem", ci))
			return K_CONTENT_ENCODED;
		if (eq(n, "body", ci))
			return K_XHTML_BODY;
		if (eq(n, "image", ci) || eq(n, "textInput", 1) || eq(n, "textinput", 1) ||
		    eq(n, "source", ci) || eq(n, "cloud", ci))
			return K_SKIP;
		return K_NONE;
	}
	switch (ns) {
	case NS_DC:
		if (eq(n, "title", 0))
			return K_DC_TITLE;
		if (eq(n, "creator", 0) || eq(n, "author", 0))
			return K_AUTHOR_TEXT;
		if (eq(n, "subject", 0))
			return K_CATEGORY;
		if (eq(n, "date", 0))
			return K_UPDATED;
		if (eq(n, "language", 0))
			return K_LANGUAGE;
		if (eq(n, "description", 0))
			return K_DESCRIPTION;
		return K_NONE;
	case NS_DCTERMS:
		if (eq(n, "modified", 0))
			return K_UPDATED;
		if (eq(n, "issued", 0))
			return K_PUBLISHED;
		return K_NONE;
	case NS_CONTENT:
		return eq(n, "encoded", 0) ? K_CONTENT_ENCODED : K_NONE;
	case NS_XHTML:
		return eq(n, "body", 0) ? K_XHTML_BODY : K_NONE;
	case NS_ITUNES:
		if (eq(n, "author", 0))
			return K_AUTHOR_TEXT;
		if (eq(n, "summary", 0))
			return K_ITUNES_SUMMARY;
		if (eq(n, "subtitle", 0))
			return in_item ? K_NONE : K_SUBTITLE;
		if (eq(n, "category", 0))
			return K_ITUNES_CATEGORY;
		if (eq(n, "keywords", 0))
			return K_KEYWORDS;
		if (eq(n, "owner", 0))
			return K_SKIP;
		return K_NONE;
	case NS_MEDIA:
		if (eq(n, "title", 0))
			return K_MEDIA_TITLE;
		if (eq(n, "description", 0))
			return K_MEDIA_DESCRIPTION;
		if (eq(n, "category", 0))
			return K_MEDIA_CATEGORY;
		if (eq(n, "group", 0) || eq(n, "content", 0))
			return K_GROUP;
		return K_NONE;
	default:
		return K_NONE;
	}
}

/* ---- helpers ------------------------------------------------------------ */

static const xmlChar *attr(int nb, const xmlChar **a, const char *local, const char *uri,
			   size_t *len)
{
	for (int i = 0; i < nb; i++) {
		const xmlChar **t = a + i * 5;
		if (strcasecmp((const char *)t[0], local) != 0)
			continue;
		if (uri ? (!t[2] || strcmp((const char *)t[2], uri) != 0) : t[2] != NULL)
			continue;
		*len = (size_t)(t[4] - t[3]);
		return t[3];
	}
	return NULL;
}

static char *attr_dup(xp *x, int nb, const xmlChar **a, const char *local)
{
	size_t n;
	const xmlChar *v = attr(nb, a, local, NULL, &n);
	return v ? loa__feed_strdup_trim(x->f, (const char *)v, n) : NULL;
}

static const char *resolve(xp *x, const char *base, const char *s, size_t n)
{
	loa_buf_reset(&x->scratch);
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0)
		return NULL;
	int rc = loa_feed_resolve_url(base, s, n, &x->scratch);
	if (rc) {
		nomem(x, rc);
		return NULL;
	}
	return loa__feed_strdup_trim(x->f, x->scratch.data, x->scratch.len);
}

static const char *cur_base(xp *x)
{
	return x->depth ? x->fr[x->depth - 1].base : x->c->base;
}

static void add_link(xp *x, const char *href, const char *rel, const char *type,
		     const char *title, const char *hreflang, const char *length)
{
	loa_feed *f = x->f;
	loa_feed_link *l;
	if (x->e)
		l = loa__feed_push(f, (void **)&x->e->links, &x->e->nlinks, sizeof *l);
	else
		l = loa__feed_push(f, (void **)&f->links, &f->nlinks, sizeof *l);
	if (!l)
		return;
	l->href = href, l->rel = rel, l->type = type, l->title = title;
	l->hreflang = hreflang, l->length = length;
}

static void add_category(xp *x, const char *term, const char *scheme, const char *label)
{
	loa_feed *f = x->f;
	if (!term && !label)
		return;
	loa_feed_category *k;
	if (x->e)
		k = loa__feed_push(f, (void **)&x->e->categories, &x->e->ncategories, sizeof *k);
	else
		k = loa__feed_push(f, (void **)&f->categories, &f->ncategories, sizeof *k);
	if (k)
		k->term = term, k->scheme = scheme, k->label = label;
}

static void add_person(xp *x, const loa_feed_person *p)
{
	loa_feed *f = x->f;
	if (!p->name && !p->email && !p->uri)
		return;
	loa_feed_person *d;
	if (x->e)
		d = loa__feed_push(f, (void **)&x->e->authors, &x->e->nauthors, sizeof *d);
	else
		d = loa__feed_push(f, (void **)&f->authors, &f->nauthors, sizeof *d);
	if (d)
		*d = *p;
}

/* The last parseable value wins, as in feedparser. */
static void set_time(loa_ms *slot, const char *s, size_t n)
{
	loa_ms t;
	if (loa_feed_parse_date(s, n, &t) == LOA_OK)
		*slot = t;
}

static void set_format(xp *x, loa_feed_format fmt)
{
	if (x->f->format == LOA_FEED_UNKNOWN)
		x->f->format = fmt;
}

static void atom_link_add(xp *x, const char *href, const char *rel, const char *type,
			  const char *title, const char *hreflang, const char *length);

/* ---- base64 (Atom mode="base64" and binary types) ----------------------- */

static int b64(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Decodes in place; false when s is not base64. */
static bool base64_decode(char *s, size_t *n)
{
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < *n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isspace(c))
			continue;
		if (c == '=')
			break;
		int v = b64(c);
		if (v < 0)
			return false;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			s[o++] = (char)((acc >> bits) & 0xFF);
		}
	}
	*n = o;
	s[o] = '\0';
	return true;
}

/* ---- capture ------------------------------------------------------------ */

static void cap_put(xp *x, const char *s, size_t n)
{
	int rc = loa_buf_append(&x->cap, s, n);
	if (rc)
		nomem(x, rc);
}

static void cap_esc(xp *x, const char *s, size_t n, bool attr_mode)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *r = NULL;
		if (s[i] == '&')
			r = "&amp;";
		else if (s[i] == '<')
			r = "&lt;";
		else if (s[i] == '>')
			r = "&gt;";
		else if (s[i] == '"' && attr_mode)
			r = "&quot;";
		if (!r)
			continue;
		cap_put(x, s + run, i - run);
		cap_put(x, r, strlen(r));
		run = i + 1;
	}
	cap_put(x, s + run, n - run);
}

static bool cap_blank(xp *x)
{
	for (size_t i = 0; i < x->cap.len; i++)
		if (!isspace((unsigned char)x->cap.data[i]))
			return false;
	return true;
}

/* First child element in a captured field: from raw text to markup. */
static void cap_to_markup(xp *x)
{
	if (x->cap_markup)
		return;
	x->cap_markup = true;
	loa_buf_reset(&x->scratch2);
	if (x->cap.len && loa_buf_append(&x->scratch2, x->cap.data, x->cap.len))
		return nomem(x, LOA_ENOMEM);
	loa_buf_reset(&x->cap);
	cap_esc(x, x->scratch2.data ? x->scratch2.data : "", x->scratch2.len, false);
}

static void begin_capture(xp *x, enum kind k, enum ns_id ns, int nb, const xmlChar **a)
{
	size_t n;
	const xmlChar *v;
	x->cap_depth = x->depth;
	x->cap_kind = k;
	x->cap_ns = ns;
	x->cap_markup = false;
	x->cap_xhtml = false;
	x->cap_type[0] = x->cap_mode[0] = '\0';
	x->cap_src = NULL;
	x->cap_base = cur_base(x);
	x->cap_lang = x->fr[x->depth - 1].lang;
	loa_buf_reset(&x->cap);
	if ((v = attr(nb, a, "type", NULL, &n)) && n < sizeof x->cap_type) {
		for (size_t i = 0; i < n; i++)
			x->cap_type[i] = (char)tolower(v[i]);
		x->cap_type[n] = '\0';
	}
	if ((v = attr(nb, a, "mode", NULL, &n)) && n < sizeof x->cap_mode) {
		for (size_t i = 0; i < n; i++)
			x->cap_mode[i] = (char)tolower(v[i]);
		x->cap_mode[n] = '\0';
	}
	if (k == K_CONTENT && (v = attr(nb, a, "src", NULL, &n)))
		x->cap_src = resolve(x, x->cap_base, (const char *)v, n);
	if (k == K_GUID) {
		x->guid_permalink = true;
		if ((v = attr(nb, a, "isPermaLink", NULL, &n)) && n == 5 &&
		    strncasecmp((const char *)v, "false", 5) == 0)
			x->guid_permalink = false;
	}
	bool atom = ns == NS_ATOM10 || ns == NS_ATOM03 || x->atomish;
	if (k == K_XHTML_BODY || (atom && (strcmp(x->cap_type, "xhtml") == 0 ||
					   strcmp(x->cap_type, "application/xhtml+xml") == 0 ||
					   strcmp(x->cap_mode, "xml") == 0))) {
		x->cap_xhtml = true;
		x->cap_markup = true;
	}
}

/* The type of a captured field's value. */
static loa_feed_type field_type(xp *x, bool *b64out, const char **mime)
{
	const char *t = x->cap_type;
	enum kind k = x->cap_kind;
	bool atom = (x->cap_ns == NS_ATOM10 || x->cap_ns == NS_ATOM03 || x->atomish) &&
		    (k == K_TITLE || k == K_SUMMARY || k == K_CONTENT || k == K_SUBTITLE);
	*b64out = false;
	*mime = NULL;
	if (k == K_XHTML_BODY)
		return LOA_FEED_XHTML;
	if (atom) {
		if (strcmp(x->cap_mode, "base64") == 0)
			*b64out = true;
		if (x->cap_xhtml)
			return LOA_FEED_XHTML;
		if (!*t || strcmp(t, "text") == 0 || strcmp(t, "text/plain") == 0)
			return x->cap_markup ? LOA_FEED_HTML : LOA_FEED_PLAIN;
		if (strcmp(t, "html") == 0 || strcmp(t, "text/html") == 0)
			return LOA_FEED_HTML;
		if (strncmp(t, "text/", 5) == 0)
			return LOA_FEED_PLAIN;
		if (strstr(t, "xml"))
			return LOA_FEED_XHTML;
		if (x->cap_ns == NS_ATOM10 && !x->cap_markup)
			*b64out = true;
		*mime = t;
		return LOA_FEED_OTHER;
	}
	if (x->cap_markup)
		return LOA_FEED_HTML;
	switch (k) {
	case K_DESCRIPTION:
	case K_CONTENT_ENCODED:
	case K_SUMMARY:
	case K_MEDIA_DESCRIPTION:
		return LOA_FEED_HTML;
	default:
		return LOA_FEED_PLAIN;
	}
}

static void set_text(xp *x, loa_feed_text *t, int *prio, int p, loa_feed_type type,
		     const char *s, size_t n)
{
	if (t->value && *prio >= p)
		return;
	if (type == LOA_FEED_PLAIN && loa__feed_looks_like_html(s, n))
		type = LOA_FEED_HTML;
	loa_feed_text nt = {0};
	int rc = loa__feed_set_text(x->f, x->c->html, x->c->in->flags, &nt, type, s, n, x->cap_base);
	if (rc)
		return nomem(x, rc);
	if (!nt.value)
		return;
	nt.lang = x->cap_lang;
	*t = nt;
	*prio = p;
}

static void end_capture(xp *x)
{
	loa_feed *f = x->f;
	loa_feed_entry *e = x->e;
	enum kind k = x->cap_kind;
	char *s = x->cap.data ? x->cap.data : "";
	size_t n = x->cap.len;
	bool isb64;
	const char *mime;
	loa_feed_type type = field_type(x, &isb64, &mime);
	x->cap_depth = 0;
	if (isb64 && !x->cap_markup) {
		size_t m = n;
		if (base64_decode(s, &m) && loa_utf8_valid(s, m))
			n = m, x->cap.len = m;
	}
	if (type == LOA_FEED_XHTML && x->c->in->flags & LOA_FEED_NO_SANITIZE)
		type = LOA_FEED_HTML;
	switch (k) {
	case K_TITLE:
	case K_DC_TITLE:
	case K_MEDIA_TITLE: {
		int p = k == K_TITLE ? 3 : k == K_DC_TITLE ? 2 : 1;
		if (e)
			set_text(x, &e->title, &x->title_prio, p, type, s, n);
		else
			set_text(x, &f->title, &x->ftitle_prio, p, type, s, n);
		if (mime) {
			loa_feed_text *t = e ? &e->title : &f->title;
			t->mime = loa__feed_strdup_trim(f, mime, strlen(mime));
		}
		break;
	}
	case K_DESCRIPTION:
	case K_SUMMARY:
	case K_ITUNES_SUMMARY:
	case K_MEDIA_DESCRIPTION: {
		int p = k == K_DESCRIPTION || k == K_SUMMARY ? 3 : k == K_ITUNES_SUMMARY ? 2 : 1;
		if (!e) {
			set_text(x, &f->subtitle, &x->fsub_prio, p, type, s, n);
		} else if (e->summary.value && x->summary_prio >= 3 && p == 3 && !e->ncontent) {
			/* a second description-like element: feedparser keeps it as content */
			loa_feed_text *t = loa__feed_push(f, (void **)&e->content, &e->ncontent,
							  sizeof *t);
			int dummy = 0;
			if (t)
				set_text(x, t, &dummy, 1, type, s, n);
		} else {
			set_text(x, &e->summary, &x->summary_prio, p, type, s, n);
		}
		break;
	}
	case K_SUBTITLE:
		if (!e)
			set_text(x, &f->subtitle, &x->fsub_prio, 3, type, s, n);
		break;
	case K_CONTENT:
	case K_CONTENT_ENCODED:
	case K_XHTML_BODY: {
		if (!e)
			break;
		loa_feed_text *t = loa__feed_push(f, (void **)&e->content, &e->ncontent, sizeof *t);
		int dummy = 0;
		if (!t)
			return nomem(x, LOA_ENOMEM);
		set_text(x, t, &dummy, 1, type, s, n);
		if (mime && !t->mime)
			t->mime = loa__feed_strdup_trim(f, mime, strlen(mime));
		if (x->cap_src)
			t->src = x->cap_src;
		if (!t->value && t->src) {
			t->type = type;
			t->value = NULL;
		}
		break;
	}
	case K_LINK: {
		const char *href = resolve(x, x->cap_base, s, n);
		if (!href || !loa_feed_url_safe(href, strlen(href)))
			break;
		const char **slot = e ? &e->link : &f->link;
		if (!*slot) {
			*slot = href;
			add_link(x, href, "alternate", "text/html", NULL, NULL, NULL);
		}
		break;
	}
	case K_ID:
	case K_GUID: {
		const char *id = k == K_ID ? resolve(x, x->cap_base, s, n)
					   : loa__feed_strdup_trim(f, s, n);
		if (!id)
			break;
		if (e) {
			if (!e->id)
				e->id = id;
			if (k == K_GUID && x->guid_permalink)
				x->guid_value = id;
		} else if (!f->id) {
			f->id = id;
		}
		break;
	}
	case K_PUBLISHED:
		set_time(e ? &e->published : &f->published, s, n);
		break;
	case K_UPDATED:
		set_time(e ? &e->updated : &f->updated, s, n);
		break;
	case K_AUTHOR_TEXT: {
		loa_feed_person p = {0};
		char *v = loa__feed_strdup_trim(f, s, n);
		if (!v)
			break;
		loa__feed_parse_person(f, v, &p);
		add_person(x, &p);
		const char **slot = e ? &e->author : &f->author;
		if (!*slot)
			*slot = loa__feed_person_display(f, &p);
		break;
	}
	case K_CATEGORY:
	case K_MEDIA_CATEGORY:
		add_category(x, loa__feed_strdup_trim(f, s, n), x->stash1, x->stash2);
		x->stash1 = x->stash2 = NULL;
		break;
	case K_KEYWORDS: {
		size_t i = 0;
		while (i < n) {
			size_t j = i;
			while (j < n && s[j] != ',')
				j++;
			const char *term = loa__feed_strdup_trim(f, s + i, j - i);
			bool dup = false;
			size_t nc = e ? e->ncategories : f->ncategories;
			loa_feed_category *cs = e ? e->categories : f->categories;
			for (size_t q = 0; term && q < nc; q++)
				if (cs[q].term && strcmp(cs[q].term, term) == 0)
					dup = true;
			if (term && !dup)
				add_category(x, term, "http://www.itunes.com/", NULL);
			i = j + 1;
		}
		break;
	}
	case K_LINK_TEXT:
		atom_link_add(x, resolve(x, x->cap_base, s, n), x->stash1, x->stash2, NULL, NULL, NULL);
		x->stash1 = x->stash2 = NULL;
		break;
	case K_LANGUAGE: {
		const char **slot = e ? &e->language : &f->language;
		if (!*slot)
			*slot = loa__feed_strdup_trim(f, s, n);
		break;
	}
	case K_NAME:
		if (!x->person.name)
			x->person.name = loa__feed_strdup_trim(f, s, n);
		break;
	case K_EMAIL:
		if (!x->person.email)
			x->person.email = loa__feed_strdup_trim(f, s, n);
		break;
	case K_URI:
		if (!x->person.uri)
			x->person.uri = resolve(x, x->cap_base, s, n);
		break;
	default:
		break;
	}
}

/* ---- entries ------------------------------------------------------------ */

static void begin_item(xp *x, int nb, const xmlChar **a)
{
	if (x->entries.len >= x->c->max_entries) {
		x->f->truncated = true;
		x->skip = x->depth;
		return;
	}
	loa_feed_entry z = {0};
	z.published = z.updated = LOA_TIME_NONE;
	if (loa_vec_push(&x->entries, z))
		return nomem(x, LOA_ENOMEM);
	x->e = &x->entries.items[x->entries.len - 1];
	x->item_depth = x->depth;
	x->title_prio = x->summary_prio = 0;
	x->guid_value = NULL;
	size_t n;
	const xmlChar *v = attr(nb, a, "about", "http://www.w3.org/1999/02/22-rdf-syntax-ns#", &n);
	if (v)
		x->e->id = loa__feed_strdup_trim(x->f, (const char *)v, n);
	if (x->cdf && (v = attr(nb, a, "href", NULL, &n))) {
		const char *href = resolve(x, cur_base(x), (const char *)v, n);
		if (href) {
			x->e->link = href;
			add_link(x, href, "alternate", "text/html", NULL, NULL, NULL);
		}
	}
	if (x->cdf && (v = attr(nb, a, "lastmod", NULL, &n)))
		set_time(&x->e->updated, (const char *)v, n);
	x->e->language = x->fr[x->depth - 1].lang;
}

static void end_item(xp *x)
{
	loa_feed_entry *e = x->e;
	if (!e->link && x->guid_value && loa_feed_url_safe(x->guid_value, strlen(x->guid_value)) &&
	    (strncmp(x->guid_value, "http", 4) == 0)) {
		e->link = x->guid_value;
		add_link(x, e->link, "alternate", "text/html", NULL, NULL, NULL);
	}
	if (!e->summary.value && e->ncontent && e->content[0].value &&
	    e->content[0].type != LOA_FEED_OTHER)
		e->summary = e->content[0];
	if (!e->author && e->nauthors)
		e->author = loa__feed_person_display(x->f, &e->authors[0]);
	x->e = NULL;
	x->item_depth = 0;
}

/* ---- attribute-only elements ------------------------------------------- */

static void atom_link_add(xp *x, const char *href, const char *rel, const char *type,
			  const char *title, const char *hreflang, const char *length)
{
	loa_feed *f = x->f;
	if (!href || !loa_feed_url_safe(href, strlen(href)))
		return;
	if (!rel)
		rel = "alternate";
	if (!type)
		type = strcmp(rel, "self") == 0 ? "application/atom+xml" : "text/html";
	add_link(x, href, rel, type, title, hreflang, length);
	if (strcmp(rel, "alternate") == 0 && (strstr(type, "html") || !strcmp(type, "text/plain"))) {
		const char **slot = x->e ? &x->e->link : &f->link;
		if (!*slot)
			*slot = href;
	} else if (strcmp(rel, "enclosure") == 0 && x->e) {
		loa_feed_enclosure *en = loa__feed_push(f, (void **)&x->e->enclosures,
							&x->e->nenclosures, sizeof *en);
		if (en)
			en->href = href, en->type = type, en->length = length;
	} else if (!x->e && strcmp(rel, "hub") == 0 && !f->hub) {
		f->hub = href;
	} else if (!x->e && strcmp(rel, "self") == 0 && !f->self) {
		f->self = href;
	}
}

/* false when the link has no href: its text is then the URL (captured) */
static bool atom_link(xp *x, int nb, const xmlChar **a)
{
	size_t n;
	const xmlChar *v = attr(nb, a, "href", NULL, &n);
	if (!v) {
		x->stash1 = attr_dup(x, nb, a, "rel");
		x->stash2 = attr_dup(x, nb, a, "type");
		return false;
	}
	atom_link_add(x, resolve(x, cur_base(x), (const char *)v, n), attr_dup(x, nb, a, "rel"),
		      attr_dup(x, nb, a, "type"), attr_dup(x, nb, a, "title"),
		      attr_dup(x, nb, a, "hreflang"), attr_dup(x, nb, a, "length"));
	return true;
}

static void enclosure(xp *x, int nb, const xmlChar **a)
{
	size_t n;
	const xmlChar *v = attr(nb, a, "url", NULL, &n);
	const char *href = v ? resolve(x, cur_base(x), (const char *)v, n) : NULL;
	if (!x->e || !href || !loa_feed_url_safe(href, strlen(href)))
		return;
	loa_feed_enclosure *en = loa__feed_push(x->f, (void **)&x->e->enclosures,
						&x->e->nenclosures, sizeof *en);
	if (!en)
		return;
	en->href = href;
	en->type = attr_dup(x, nb, a, "type");
	en->length = attr_dup(x, nb, a, "length");
	add_link(x, href, "enclosure", en->type, NULL, NULL, en->length);
}

/* ---- SAX callbacks ------------------------------------------------------ */

static void serialise_start(xp *x, const xmlChar *local, const xmlChar *prefix, int nb,
			    const xmlChar **a)
{
	cap_put(x, "<", 1);
	cap_put(x, (const char *)local, strlen((const char *)local));
	for (int i = 0; i < nb; i++) {
		const xmlChar **t = a + i * 5;
		cap_put(x, " ", 1);
		if (t[1]) {
			cap_put(x, (const char *)t[1], strlen((const char *)t[1]));
			cap_put(x, ":", 1);
		}
		cap_put(x, (const char *)t[0], strlen((const char *)t[0]));
		cap_put(x, "=\"", 2);
		cap_esc(x, (const char *)t[3], (size_t)(t[4] - t[3]), true);
		cap_put(x, "\"", 1);
	}
	cap_put(x, ">", 1);
}

static void root_element(xp *x, enum ns_id ns, const char *n, int nb, const xmlChar **a)
{
	size_t vn;
	const xmlChar *v;
	x->root_seen = true;
	x->root_ns = ns;
	if (strcmp(n, "rss") == 0) {
		v = attr(nb, a, "version", NULL, &vn);
		loa_feed_format fmt = LOA_FEED_RSS;
		if (v && vn >= 3) {
			if (!strncmp((const char *)v, "0.90", 4))
				fmt = LOA_FEED_RSS090;
			else if (!strncmp((const char *)v, "0.91", 4))
				fmt = x->ctxt->hasExternalSubset ? LOA_FEED_RSS091N : LOA_FEED_RSS091U;
			else if (!strncmp((const char *)v, "0.92", 4))
				fmt = LOA_FEED_RSS092;
			else if (!strncmp((const char *)v, "0.93", 4))
				fmt = LOA_FEED_RSS093;
			else if (!strncmp((const char *)v, "0.94", 4))
				fmt = LOA_FEED_RSS094;
			else if (!strncmp((const char *)v, "2.0", 3) || !strncmp((const char *)v, "2", 1))
				fmt = LOA_FEED_RSS20;
		}
		set_format(x, fmt);
	} else if (strcmp(n, "RDF") == 0) {
		/* RSS 1.0 or 0.90: decided by the channel's namespace */
	} else if (strcmp(n, "feed") == 0 || strcmp(n, "entry") == 0) {
		x->atomish = true;
		v = attr(nb, a, "version", NULL, &vn);
		if (ns == NS_ATOM10)
			set_format(x, LOA_FEED_ATOM10);
		else if (ns == NS_ATOM03 || (v && vn == 3 && !memcmp(v, "0.3", 3)))
			set_format(x, LOA_FEED_ATOM03);
		else
			set_format(x, LOA_FEED_ATOM10);
	} else if (strcasecmp(n, "channel") == 0 && ns == NS_NONE && strcmp(n, "CHANNEL") == 0) {
		x->cdf = true;
		set_format(x, LOA_FEED_CDF);
		if ((v = attr(nb, a, "href", NULL, &vn))) {
			const char *href = resolve(x, cur_base(x), (const char *)v, vn);
			if (href) {
				x->f->link = href;
				add_link(x, href, "alternate", "text/html", NULL, NULL, NULL);
			}
		}
		if ((v = attr(nb, a, "lastmod", NULL, &vn)))
			set_time(&x->f->updated, (const char *)v, vn);
	}
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
		     int nb_ns, const xmlChar **nss, int nb, int nb_def, const xmlChar **a)
{
	xp *x = ctx;
	size_t vn;
	const xmlChar *v;
	if (x->f->rc_)
		return;
	/* inside a captured field: serialise */
	if (x->cap_depth) {
		if (x->depth < MAX_FRAMES) {
			frame *fr = &x->fr[x->depth];
			fr->kind = K_NONE;
			fr->unwrap = false;
			fr->base = x->fr[x->depth - 1].base;
			fr->lang = x->fr[x->depth - 1].lang;
			/* Atom 1.0 xhtml: the wrapper div is not part of the value */
			if (x->cap_xhtml && x->depth == x->cap_depth && cap_blank(x) &&
			    x->cap_ns == NS_ATOM10 && strcmp((const char *)local, "div") == 0)
				fr->unwrap = true;
			if ((v = attr(nb, a, "base", (const char *)XML_XML_NAMESPACE, &vn)))
				fr->base = resolve(x, fr->base, (const char *)v, vn);
		}
		x->depth++;
		cap_to_markup(x);
		if (x->depth - 1 < MAX_FRAMES && x->fr[x->depth - 1].unwrap)
			return;
		serialise_start(x, local, prefix, nb, a);
		return;
	}
	enum ns_id ns = ns_of(uri);
	const char *n = (const char *)local;
	if (!x->root_seen)
		root_element(x, ns, n, nb, a);
	if (x->depth >= MAX_FRAMES) {
		x->depth++;
		return;
	}
	frame *fr = &x->fr[x->depth];
	frame *parent = x->depth ? &x->fr[x->depth - 1] : NULL;
	fr->ns = (unsigned char)ns;
	fr->unwrap = false;
	fr->base = parent ? parent->base : x->c->base;
	fr->lang = parent ? parent->lang : NULL;
	if ((v = attr(nb, a, "base", (const char *)XML_XML_NAMESPACE, &vn)))
		fr->base = resolve(x, fr->base, (const char *)v, vn);
	if ((v = attr(nb, a, "lang", (const char *)XML_XML_NAMESPACE, &vn)))
		fr->lang = loa__feed_strdup_trim(x->f, (const char *)v, vn);
	x->depth++;
	fr->kind = K_NONE;
	if (x->skip)
		return;
	enum kind k = classify(x, ns, n, x->e != NULL);
	/* fields count only as children of the channel, an item, a person or a
	 * media:group; the same names elsewhere (inside <image>, unknown
	 * extension elements) are someone else's */
	if (k != K_CHANNEL && k != K_ITEM && k != K_SKIP && parent && x->depth > 1) {
		unsigned char pk = parent->kind;
		if (pk != K_CHANNEL && pk != K_ITEM && pk != K_PERSON && pk != K_GROUP &&
		    !(pk == K_ITUNES_CATEGORY && k == K_ITUNES_CATEGORY))
			k = K_NONE;
	}
	fr->kind = (unsigned char)k;
	switch (k) {
	case K_CHANNEL:
		if (ns == NS_RSS10)
			set_format(x, LOA_FEED_RSS10);
		else if (ns == NS_RSS090)
			set_format(x, LOA_FEED_RSS090);
		if (!x->f->language && fr->lang)
			x->f->language = fr->lang;
		return;
	case K_ITEM:
		if (x->e) { /* nested item: ignore */
			fr->kind = K_SKIP;
			x->skip = x->depth;
			return;
		}
		begin_item(x, nb, a);
		return;
	case K_SKIP:
		x->skip = x->depth;
		return;
	case K_PERSON:
		if (x->person_depth) {
			fr->kind = K_NONE;
			return;
		}
		x->person_depth = x->depth;
		memset(&x->person, 0, sizeof x->person);
		return;
	case K_ATOM_LINK:
		if (atom_link(x, nb, a))
			return;
		k = K_LINK_TEXT;
		fr->kind = (unsigned char)k;
		break;
	case K_ENCLOSURE:
		enclosure(x, nb, a);
		return;
	case K_ATOM_CATEGORY:
		add_category(x, attr_dup(x, nb, a, "term"), attr_dup(x, nb, a, "scheme"),
			     attr_dup(x, nb, a, "label"));
		return;
	case K_ITUNES_CATEGORY:
		add_category(x, attr_dup(x, nb, a, "text"), "http://www.itunes.com/", NULL);
		return;
	case K_CATEGORY:
	case K_MEDIA_CATEGORY:
		x->stash1 = attr_dup(x, nb, a, k == K_CATEGORY ? "domain" : "scheme");
		x->stash2 = attr_dup(x, nb, a, "label");
		if (k == K_MEDIA_CATEGORY && !x->stash1)
			x->stash1 = "http://search.yahoo.com/mrss/category_schema";
		break;
	default:
		break;
	}
	if (k >= K_FIELD)
		begin_capture(x, k, ns, nb, a);
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	xp *x = ctx;
	if (x->depth == 0)
		return;
	x->depth--;
	if (x->f->rc_)
		return;
	if (x->cap_depth && x->depth >= x->cap_depth) {
		/* a child of the captured field */
		if (x->depth < MAX_FRAMES && x->fr[x->depth].unwrap)
			return;
		cap_put(x, "</", 2);
		cap_put(x, (const char *)local, strlen((const char *)local));
		cap_put(x, ">", 1);
		return;
	}
	if (x->depth >= MAX_FRAMES)
		return;
	if (x->skip) {
		if (x->skip == x->depth + 1)
			x->skip = 0;
		return;
	}
	enum kind k = x->fr[x->depth].kind;
	if (x->cap_depth == x->depth + 1) {
		end_capture(x);
		return;
	}
	if (k == K_ITEM && x->e && x->item_depth == x->depth + 1)
		end_item(x);
	else if (k == K_PERSON && x->person_depth == x->depth + 1) {
		add_person(x, &x->person);
		const char **slot = x->e ? &x->e->author : &x->f->author;
		if (!*slot)
			*slot = loa__feed_person_display(x->f, &x->person);
		x->person_depth = 0;
		memset(&x->person, 0, sizeof x->person);
	}
}

static void on_chars(void *ctx, const xmlChar *s, int len)
{
	xp *x = ctx;
	if (!x->cap_depth || len <= 0 || x->f->rc_)
		return;
	if (x->cap_markup)
		cap_esc(x, (const char *)s, (size_t)len, false);
	else
		cap_put(x, (const char *)s, (size_t)len);
}

/* ---- entities ----------------------------------------------------------- */

static bool ent_doc(xp *x)
{
	if (!x->ents) {
		x->ents = xmlNewDoc(BAD_CAST "1.0");
		if (!x->ents || !xmlCreateIntSubset(x->ents, BAD_CAST "x", NULL, NULL))
			return false;
	}
	return true;
}

static xmlEntityPtr ent_add(xp *x, const char *name, const char *content)
{
	if (!ent_doc(x))
		return NULL;
	return xmlAddDocEntity(x->ents, BAD_CAST name, XML_INTERNAL_GENERAL_ENTITY, NULL, NULL,
			       BAD_CAST content);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
			   const xmlChar *sys, xmlChar *content)
{
	xp *x = ctx;
	if (type == XML_INTERNAL_PARAMETER_ENTITY || type == XML_EXTERNAL_PARAMETER_ENTITY) {
		/* never expanded (we load no DTD): a reference yields nothing */
		if (x->ent_decls < ENT_MAX_DECLS && ent_doc(x)) {
			x->ent_decls++;
			xmlAddDocEntity(x->ents, name, XML_INTERNAL_PARAMETER_ENTITY, NULL, NULL,
					BAD_CAST "");
		}
		return;
	}
	if (type != XML_INTERNAL_GENERAL_ENTITY) {
		loa__feed_bozo(x->f, "từ chối thực thể ngoài / external entity refused");
		return;
	}
	const char *c = content ? (const char *)content : "";
	size_t n = strlen(c);
	if (n > ENT_MAX_LEN || strpbrk(c, "&%<") || x->ent_decls >= ENT_MAX_DECLS) {
		loa__feed_bozo(x->f, "từ chối thực thể lồng nhau hoặc quá lớn / "
				     "nested or oversized entity refused");
		return;
	}
	if (x->ents && xmlGetDocEntity(x->ents, name))
		return; /* the first declaration wins */
	x->ent_decls++;
	ent_add(x, (const char *)name, c);
}

static xmlEntityPtr on_get_entity(void *ctx, const xmlChar *name)
{
	xp *x = ctx;
	xmlEntityPtr ent = xmlGetPredefinedEntity(name);
	if (ent)
		return ent;
	if (x->ents)
		ent = xmlGetDocEntity(x->ents, name);
	if (!ent) {
		const htmlEntityDesc *d = htmlEntityLookup(name);
		if (!d)
			return NULL;
		unsigned char u[5];
		size_t k = loa_utf8_encode(d->value, u);
		u[k] = '\0';
		loa__feed_bozo(x->f, "thực thể HTML không khai báo trong XML / "
				     "undeclared (HTML) entity in XML");
		ent = ent_add(x, (const char *)name, (const char *)u);
		if (!ent)
			return NULL;
	}
	size_t len = ent->content ? strlen((const char *)ent->content) : 0;
	x->ent_bytes += len + 1;
	if (x->ent_bytes > ENT_MAX_EXPANSION) {
		loa__feed_bozo(x->f, "vượt giới hạn mở rộng thực thể / entity expansion cap reached");
		return NULL;
	}
	return ent;
}

static xmlEntityPtr on_get_pe(void *ctx, const xmlChar *name)
{
	xp *x = ctx;
	return x->ents ? xmlGetParameterEntity(x->ents, name) : NULL;
}

static xmlParserInputPtr on_resolve(void *ctx, const xmlChar *pub, const xmlChar *sys)
{
	return NULL; /* never load anything */
}

static void on_subset(void *ctx, const xmlChar *name, const xmlChar *e, const xmlChar *s)
{
}

static void on_serror(void *ctx, xmlErrorPtr err)
{
	xp *x = ctx;
	if (!err || err->level < XML_ERR_ERROR || x->f->bozo_msg)
		return;
	char msg[300];
	const char *m = err->message ? err->message : "";
	size_t ml = strcspn(m, "\n");
	snprintf(msg, sizeof msg, "XML không hợp lệ / not well-formed: dòng/line %d: %.*s", err->line,
		 (int)(ml > 200 ? 200 : ml), m);
	loa__feed_bozo(x->f, msg);
}

/* Length of a valid reference at s ("&amp;", "&#38;", "&#x26;"), 0 if none. */
static size_t ref_len(const char *s, size_t n)
{
	size_t i = 1;
	if (i < n && s[i] == '#') {
		i++;
		bool hex = i < n && s[i] == 'x'; /* XML has no "&#X" */
		if (hex)
			i++;
		size_t d = i;
		while (i < n && i - d < 10 && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i])))
			i++;
		return i > d && i < n && s[i] == ';' ? i + 1 : 0;
	}
	size_t st = i;
	while (i < n && i - st < 64 &&
	       (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-' || s[i] == '.' ||
		s[i] == ':' || (unsigned char)s[i] >= 0x80))
		i++;
	return i > st && i < n && s[i] == ';' && !isdigit((unsigned char)s[st]) ? i + 1 : 0;
}

/* Cheap first look: is there any '&' that starts no reference? */
static bool needs_amp_fix(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	while ((p = memchr(p, '&', (size_t)(end - p))) != NULL) {
		if (!ref_len(p, (size_t)(end - p)))
			return true;
		p++;
	}
	return false;
}

/* A bare '&' (one that starts no reference) is the commonest fault in real
 * feeds ("?a=1&b=2" in a link). Outside CDATA sections and comments it is
 * escaped before parsing (into out, only when needed) and the feed is
 * flagged, keeping the text a reader would expect. */
static int fix_amps(const char *s, size_t n, loa_buf *out, bool *changed)
{
	size_t i = 0, run = 0;
	int rc;
	*changed = false;
	const char *p = NULL;
	while (i < n) {
		if (!p || (size_t)(p - s) < i)
			p = memchr(s + i, '&', n - i);
		const char *lt = memchr(s + i, '<', (p ? (size_t)(p - s) : n) - i);
		if (lt) {
			size_t k = (size_t)(lt - s);
			const char *end = NULL;
			if (n - k >= 9 && memcmp(lt, "<![CDATA[", 9) == 0)
				end = memmem(lt + 9, n - k - 9, "]]>", 3);
			else if (n - k >= 4 && memcmp(lt, "<!--", 4) == 0)
				end = memmem(lt + 4, n - k - 4, "-->", 3);
			else {
				i = k + 1;
				continue;
			}
			if (!end)
				break;
			i = (size_t)(end - s) + 3;
			continue;
		}
		if (!p)
			break;
		size_t k = (size_t)(p - s);
		if (ref_len(p, n - k)) {
			i = k + 1;
			continue;
		}
		if ((rc = loa_buf_append(out, s + run, k - run)) ||
		    (rc = loa_buf_append(out, "&amp;", 5)))
			return rc;
		*changed = true;
		run = i = k + 1;
	}
	if (*changed)
		return loa_buf_append(out, s + run, n - run);
	return LOA_OK;
}

int loa__feed_parse_xml(loa_feed_ctx *c, const char *s, size_t n)
{
	xp *x = calloc(1, sizeof *x);
	if (!x)
		return loa_err_set(c->err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	x->c = c;
	x->f = c->f;
	loa_buf_init(&x->cap, LOA_FEED_MAX_BODY);
	loa_buf_init(&x->scratch, LOA_FEED_MAX_BODY);
	loa_buf_init(&x->scratch2, LOA_FEED_MAX_BODY);
	loa_buf_init(&x->fixed, n + n / 4 + 64);

	xmlSAXHandler sax;
	memset(&sax, 0, sizeof sax);
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_chars;
	sax.cdataBlock = on_chars;
	sax.entityDecl = on_entity_decl;
	sax.getEntity = on_get_entity;
	sax.getParameterEntity = on_get_pe;
	sax.resolveEntity = on_resolve;
	sax.internalSubset = on_subset;
	sax.externalSubset = on_subset;
	sax.serror = on_serror;

	int rc = LOA_OK;
	bool fixed = false;
	if (needs_amp_fix(s, n)) {
		if ((rc = fix_amps(s, n, &x->fixed, &fixed))) {
			rc = loa_err_set(c->err, rc, "nguồn tin quá lớn / feed too big");
			goto out;
		}
		if (fixed) {
			loa__feed_bozo(x->f, "XML không hợp lệ: dấu & trần / not well-formed: bare '&'");
			s = x->fixed.data;
			n = x->fixed.len;
		}
	}
	x->ctxt = xmlCreatePushParserCtxt(&sax, x, NULL, 0, NULL);
	if (!x->ctxt) {
		rc = loa_err_set(c->err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto out;
	}
	xmlCtxtUseOptions(x->ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOENT |
					   XML_PARSE_IGNORE_ENC | XML_PARSE_NOCDATA);
	x->ctxt->replaceEntities = 1;
	const size_t chunk = 256 * 1024;
	size_t off = 0;
	do {
		size_t k = n - off > chunk ? chunk : n - off;
		bool last = off + k == n;
		xmlParseChunk(x->ctxt, s + off, (int)k, last);
		off += k;
		if (x->f->rc_ || x->ctxt->instate == XML_PARSER_EOF)
			break;
	} while (off < n);
	if (off < n || n == 0)
		xmlParseChunk(x->ctxt, NULL, 0, 1);
	if (!x->ctxt->wellFormed || !x->ctxt->nsWellFormed || !x->root_seen)
		loa__feed_bozo(x->f, x->root_seen ? "XML không hợp lệ / not well-formed"
						  : "không phải tài liệu XML / not an XML document");
	if (x->e)
		end_item(x);
	if (x->f->rc_) {
		rc = loa_err_set(c->err, x->f->rc_, "%s",
				 x->f->rc_ == LOA_ETOOBIG ? "nguồn tin quá lớn / feed too big"
							  : "hết bộ nhớ / out of memory");
		goto out;
	}
	/* entries into the arena */
	if (x->entries.len) {
		loa_feed_entry *arr = loa_arena_alloc(&x->f->arena, x->entries.len * sizeof *arr);
		if (!arr) {
			rc = loa_err_set(c->err, LOA_ETOOBIG, "nguồn tin quá lớn / feed too big");
			goto out;
		}
		memcpy(arr, x->entries.items, x->entries.len * sizeof *arr);
		x->f->entries = arr;
		x->f->nentries = x->entries.len;
	}
	if (!x->f->author && x->f->nauthors)
		x->f->author = loa__feed_person_display(x->f, &x->f->authors[0]);
	if (x->f->format == LOA_FEED_UNKNOWN && x->entries.len)
		x->f->format = LOA_FEED_RSS;
out:
	if (x->ctxt) {
		if (x->ctxt->myDoc)
			xmlFreeDoc(x->ctxt->myDoc);
		xmlFreeParserCtxt(x->ctxt);
	}
	if (x->ents)
		xmlFreeDoc(x->ents);
	loa_vec_release(&x->entries);
	loa_buf_release(&x->cap);
	loa_buf_release(&x->scratch);
	loa_buf_release(&x->scratch2);
	loa_buf_release(&x->fixed);
	free(x);
	return rc;
}
