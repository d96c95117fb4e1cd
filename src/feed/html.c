/*
 * html.c - the HTML sanitiser and HTML-to-text converter, in one pass of
 * libxml2's HTML parser driven through SAX (no tree is built).
 *
 * DESIGN: a loa_html owns one htmlParserCtxt that is reset and reused for
 * every fragment (a feed has thousands), with our SAX callbacks. The
 * fragment is pushed after a "<body>" prefix so the parser does not wrap
 * leading text in an implied <p>. Each start tag is looked up in a sorted
 * table: allowed elements are re-serialised with allowed attributes only
 * (URLs resolved and scheme-checked), dropped elements (script, style, ...)
 * silence everything until their end, the rest are unwrapped (tag dropped,
 * content kept). The text rendering is built from the same events.
 */
#include "feed/feed.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include "core/banned.h"

enum { K_UNWRAP = 0, K_ALLOW = 1, K_DROP = 2 };
#define F_VOID 4  /* no end tag */
#define F_BLOCK 8 /* line break in the text rendering */
#define F_CELL 16 /* a space in the text rendering */

typedef struct tag_info {
	const char *name;
	unsigned flags;
} tag_info;

/* sorted by name (bsearch) */
static const tag_info tags[] = {
	{"a", K_ALLOW},
	{"abbr", K_ALLOW},
	{"acronym", K_ALLOW},
	{"address", K_ALLOW | F_BLOCK},
	{"applet", K_DROP},
	{"area", K_ALLOW | F_VOID},
	{"article", K_ALLOW | F_BLOCK},
	{"aside", K_ALLOW | F_BLOCK},
	{"audio", K_ALLOW},
	{"b", K_ALLOW},
	{"base", K_DROP | F_VOID},
	{"basefont", K_DROP | F_VOID},
	{"bdi", K_ALLOW},
	{"bdo", K_ALLOW},
	{"big", K_ALLOW},
	{"blockquote", K_ALLOW | F_BLOCK},
	{"br", K_ALLOW | F_VOID | F_BLOCK},
	{"button", K_UNWRAP},
	{"canvas", K_UNWRAP},
	{"caption", K_ALLOW | F_BLOCK},
	{"center", K_ALLOW | F_BLOCK},
	{"cite", K_ALLOW},
	{"code", K_ALLOW},
	{"col", K_ALLOW | F_VOID},
	{"colgroup", K_ALLOW},
	{"dd", K_ALLOW | F_BLOCK},
	{"del", K_ALLOW},
	{"details", K_ALLOW | F_BLOCK},
	{"dfn", K_ALLOW},
	{"dialog", K_UNWRAP},
	{"dir", K_ALLOW | F_BLOCK},
	{"div", K_ALLOW | F_BLOCK},
	{"dl", K_ALLOW | F_BLOCK},
	{"dt", K_ALLOW | F_BLOCK},
	{"em", K_ALLOW},
	{"embed", K_UNWRAP | F_VOID},
	{"figcaption", K_ALLOW | F_BLOCK},
	{"figure", K_ALLOW | F_BLOCK},
	{"font", K_ALLOW},
	{"footer", K_ALLOW | F_BLOCK},
	{"form", K_UNWRAP | F_BLOCK},
	{"frame", K_UNWRAP},
	{"frameset", K_UNWRAP},
	{"h1", K_ALLOW | F_BLOCK},
	{"h2", K_ALLOW | F_BLOCK},
	{"h3", K_ALLOW | F_BLOCK},
	{"h4", K_ALLOW | F_BLOCK},
	{"h5", K_ALLOW | F_BLOCK},
	{"h6", K_ALLOW | F_BLOCK},
	{"head", K_DROP},
	{"header", K_ALLOW | F_BLOCK},
	{"hr", K_ALLOW | F_VOID | F_BLOCK},
	{"i", K_ALLOW},
	{"iframe", K_UNWRAP},
	{"img", K_ALLOW | F_VOID},
	{"input", K_DROP | F_VOID},
	{"ins", K_ALLOW},
	{"kbd", K_ALLOW},
	{"label", K_ALLOW},
	{"li", K_ALLOW | F_BLOCK},
	{"link", K_DROP | F_VOID},
	{"main", K_UNWRAP | F_BLOCK},
	{"map", K_ALLOW},
	{"mark", K_ALLOW},
	{"math", K_UNWRAP},
	{"meta", K_DROP | F_VOID},
	{"nav", K_UNWRAP | F_BLOCK},
	{"noembed", K_UNWRAP},
	{"noframes", K_UNWRAP},
	{"noscript", K_UNWRAP},
	{"object", K_UNWRAP},
	{"ol", K_ALLOW | F_BLOCK},
	{"optgroup", K_UNWRAP},
	{"option", K_UNWRAP},
	{"p", K_ALLOW | F_BLOCK},
	{"param", K_DROP | F_VOID},
	{"picture", K_ALLOW},
	{"plaintext", K_DROP},
	{"pre", K_ALLOW | F_BLOCK},
	{"q", K_ALLOW},
	{"rp", K_ALLOW},
	{"rt", K_ALLOW},
	{"ruby", K_ALLOW},
	{"s", K_ALLOW},
	{"samp", K_ALLOW},
	{"script", K_DROP},
	{"section", K_ALLOW | F_BLOCK},
	{"select", K_UNWRAP},
	{"small", K_ALLOW},
	{"source", K_ALLOW | F_VOID},
	{"span", K_ALLOW},
	{"strike", K_ALLOW},
	{"strong", K_ALLOW},
	{"style", K_DROP},
	{"sub", K_ALLOW},
	{"summary", K_ALLOW | F_BLOCK},
	{"sup", K_ALLOW},
	{"svg", K_UNWRAP},
	{"table", K_ALLOW | F_BLOCK},
	{"tbody", K_ALLOW},
	{"td", K_ALLOW | F_CELL},
	{"template", K_DROP},
	{"textarea", K_UNWRAP},
	{"tfoot", K_ALLOW},
	{"th", K_ALLOW | F_CELL},
	{"thead", K_ALLOW},
	{"time", K_ALLOW},
	{"title", K_DROP},
	{"tr", K_ALLOW | F_BLOCK},
	{"track", K_ALLOW | F_VOID},
	{"tt", K_ALLOW},
	{"u", K_ALLOW},
	{"ul", K_ALLOW | F_BLOCK},
	{"var", K_ALLOW},
	{"video", K_ALLOW},
	{"wbr", K_ALLOW | F_VOID},
	{"xmp", K_DROP},
};

/* allowed attributes (sorted); 1 = a URL */
static const struct {
	const char *name;
	int url;
} attrs_ok[] = {
	{"abbr", 0},     {"accesskey", 0}, {"align", 0},   {"alt", 0},      {"axis", 0},
	{"border", 0},   {"cellpadding", 0}, {"cellspacing", 0}, {"char", 0}, {"charoff", 0},
	{"cite", 1},     {"class", 0},     {"clear", 0},   {"color", 0},    {"cols", 0},
	{"colspan", 0},  {"compact", 0},   {"controls", 0}, {"coords", 0},  {"datetime", 0},
	{"dir", 0},      {"face", 0},      {"headers", 0}, {"height", 0},   {"href", 1},
	{"hreflang", 0}, {"hspace", 0},    {"id", 0},      {"kind", 0},     {"label", 0},
	{"lang", 0},     {"longdesc", 1},  {"loop", 0},    {"media", 0},    {"name", 0},
	{"nowrap", 0},   {"poster", 1},    {"preload", 0}, {"rel", 0},      {"rev", 0},
	{"rows", 0},     {"rowspan", 0},   {"rules", 0},   {"scope", 0},    {"shape", 0},
	{"size", 0},     {"span", 0},      {"src", 1},     {"srclang", 0},  {"start", 0},
	{"summary", 0},  {"tabindex", 0},  {"title", 0},   {"type", 0},     {"valign", 0},
	{"value", 0},    {"vspace", 0},    {"width", 0},
};

#define MAX_DEPTH 512

struct loa_html {
	htmlParserCtxtPtr ctxt;
	xmlSAXHandler sax;
	loa_buf in;            /* "<body>" + fragment */
	loa_buf url;           /* scratch for URL resolution */
	/* per render */
	loa_buf *html, *text;
	const char *base;
	int rc;
	int drop;              /* > 0: inside a dropped element */
	size_t depth;
	unsigned char stack[MAX_DEPTH];
	bool pend_space, pend_nl, text_started;
};

static int cmp_tag(const void *k, const void *e)
{
	return strcmp(k, ((const tag_info *)e)->name);
}

static const tag_info *find_tag(const char *name)
{
	return bsearch(name, tags, sizeof tags / sizeof tags[0], sizeof tags[0], cmp_tag);
}

static int find_attr(const char *name)
{
	size_t lo = 0, hi = sizeof attrs_ok / sizeof attrs_ok[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, attrs_ok[mid].name);
		if (c == 0)
			return attrs_ok[mid].url;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

static void put(loa_html *h, loa_buf *b, const char *s, size_t n)
{
	if (b && h->rc == LOA_OK)
		h->rc = loa_buf_append(b, s, n);
}

/* 1: escaped in text and attributes; 2: in attributes only */
static const unsigned char esc_class[256] = {['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 2};

/* Escapes text (attr: also quotes) into b. */
static void put_esc(loa_html *h, loa_buf *b, const char *s, size_t n, bool attr)
{
	if (!b)
		return;
	size_t run = 0;
	unsigned char lim = attr ? 2 : 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char k = esc_class[(unsigned char)s[i]];
		if (!k || k > lim)
			continue;
		const char *r = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;" : "&quot;";
		put(h, b, s + run, i - run);
		put(h, b, r, strlen(r));
		run = i + 1;
	}
	put(h, b, s + run, n - run);
}

static void text_break(loa_html *h, bool nl)
{
	if (nl)
		h->pend_nl = true;
	else
		h->pend_space = true;
}

/* 1: ASCII white space; 2: 0xC2, the lead byte of a no-break space */
static const unsigned char ws_class[256] = {
	[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\f'] = 1, [0xC2] = 2,
};

/* Appends s to the text rendering with whitespace collapsed. Writes into
 * the buffer directly: the output is at most n + 1 bytes (each run of
 * non-space bytes is preceded by at most one separator, and runs are
 * separated by at least one whitespace byte of the input). */
static void text_put(loa_html *h, const char *s, size_t n)
{
	loa_buf *t = h->text;
	if (!t || h->rc != LOA_OK || n == 0)
		return;
	if ((h->rc = loa_buf_reserve(t, n + 1)) != LOA_OK)
		return;
	char *o = t->data + t->len;
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned char k = ws_class[u[i]];
		if (k == 1 || (k == 2 && i + 1 < n && u[i + 1] == 0xA0)) {
			h->pend_space = true;
			i += k;
			continue;
		}
		size_t j = i + 1;
		for (; j < n; j++) {
			unsigned char d = ws_class[u[j]];
			if (d == 1 || (d == 2 && j + 1 < n && u[j + 1] == 0xA0))
				break;
		}
		if (h->text_started) {
			if (h->pend_nl)
				*o++ = '\n';
			else if (h->pend_space)
				*o++ = ' ';
		}
		h->pend_nl = h->pend_space = false;
		h->text_started = true;
		memcpy(o, s + i, j - i);
		o += j - i;
		i = j;
	}
	t->len = (size_t)(o - t->data);
	t->data[t->len] = '\0';
}

static void on_start(void *ctx, const xmlChar *xname, const xmlChar **atts)
{
	loa_html *h = ctx;
	const char *name = (const char *)xname;
	unsigned char kind = K_UNWRAP;
	const tag_info *ti = find_tag(name);
	if (ti)
		kind = (unsigned char)ti->flags;
	if (h->depth < MAX_DEPTH)
		h->stack[h->depth] = kind;
	h->depth++;
	if (h->drop) {
		if (!(kind & F_VOID))
			h->drop++;
		return;
	}
	if ((kind & 3) == K_DROP) {
		if (!(kind & F_VOID))
			h->drop = 1;
		return;
	}
	if (kind & F_BLOCK)
		text_break(h, true);
	else if (kind & F_CELL)
		text_break(h, false);
	if ((kind & 3) != K_ALLOW || !h->html)
		return;
	loa_buf *b = h->html;
	put(h, b, "<", 1);
	put(h, b, name, strlen(name));
	for (size_t i = 0; atts && atts[i]; i += 2) {
		const char *an = (const char *)atts[i];
		const char *av = atts[i + 1] ? (const char *)atts[i + 1] : "";
		int isurl = find_attr(an);
		if (isurl < 0)
			continue;
		size_t avn = strlen(av);
		if (isurl && avn) {
			loa_buf_reset(&h->url);
			if (loa_feed_resolve_url(h->base, av, avn, &h->url) != LOA_OK)
				continue;
			av = h->url.data ? h->url.data : "";
			avn = h->url.len;
			if (!loa_feed_url_safe(av, avn))
				av = "", avn = 0; /* kept empty, as feedparser does */
		}
		put(h, b, " ", 1);
		put(h, b, an, strlen(an));
		put(h, b, "=\"", 2);
		put_esc(h, b, av, avn, true);
		put(h, b, "\"", 1);
	}
	put(h, b, (kind & F_VOID) ? " />" : ">", (kind & F_VOID) ? 3 : 1);
}

static void on_end(void *ctx, const xmlChar *xname)
{
	loa_html *h = ctx;
	if (h->depth == 0)
		return;
	h->depth--;
	unsigned char kind = h->depth < MAX_DEPTH ? h->stack[h->depth] : K_UNWRAP;
	if (h->drop) {
		if (!(kind & F_VOID))
			h->drop--;
		return;
	}
	if (kind & F_BLOCK)
		text_break(h, true);
	else if (kind & F_CELL)
		text_break(h, false);
	if ((kind & 3) != K_ALLOW || (kind & F_VOID) || !h->html)
		return;
	const char *name = (const char *)xname;
	put(h, h->html, "</", 2);
	put(h, h->html, name, strlen(name));
	put(h, h->html, ">", 1);
}

static void on_chars(void *ctx, const xmlChar *s, int len)
{
	loa_html *h = ctx;
	if (h->drop || len <= 0)
		return;
	put_esc(h, h->html, (const char *)s, (size_t)len, false);
	text_put(h, (const char *)s, (size_t)len);
}

static void on_silent(void *ctx, const char *msg, ...)
{
}

static void on_serror(void *ctx, xmlErrorPtr e)
{
}

loa_html *loa_html_new(void)
{
	loa_html *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->ctxt = htmlNewParserCtxt();
	if (!h->ctxt) {
		free(h);
		return NULL;
	}
	memset(&h->sax, 0, sizeof h->sax);
	h->sax.startElement = on_start;
	h->sax.endElement = on_end;
	h->sax.characters = on_chars;
	h->sax.ignorableWhitespace = on_chars;
	h->sax.cdataBlock = on_chars;
	h->sax.warning = on_silent;
	h->sax.error = on_silent;
	h->sax.fatalError = on_silent;
	h->sax.serror = on_serror;
	h->sax.initialized = 1; /* SAX1-style callbacks: the HTML parser uses them */
	memcpy(h->ctxt->sax, &h->sax, sizeof h->sax);
	loa_buf_init(&h->in, LOA_FEED_MAX_BODY + 16);
	loa_buf_init(&h->url, 64 * 1024);
	return h;
}

void loa_html_free(loa_html *h)
{
	if (!h)
		return;
	htmlFreeParserCtxt(h->ctxt);
	loa_buf_release(&h->in);
	loa_buf_release(&h->url);
	free(h);
}

/* The fast path: no markup, no references. */
static int render_plain(loa_html *h, const char *s, size_t n)
{
	put_esc(h, h->html, s, n, false);
	text_put(h, s, n);
	return h->rc;
}

int loa_html_render(loa_html *h, const char *s, size_t n, const char *base, loa_buf *html,
		    loa_buf *text)
{
	h->html = html;
	h->text = text;
	h->base = base;
	h->rc = LOA_OK;
	h->drop = 0;
	h->depth = 0;
	h->pend_space = h->pend_nl = h->text_started = false;
	if (!memchr(s, '<', n) && !memchr(s, '&', n))
		return render_plain(h, s, n);
	if (n > INT32_MAX - 16)
		return LOA_ETOOBIG;
	loa_buf_reset(&h->in);
	int rc = loa_buf_append(&h->in, "<body>", 6);
	if (!rc)
		rc = loa_buf_append(&h->in, s, n);
	if (rc)
		return rc;
	htmlParserCtxtPtr c = h->ctxt;
	if (xmlCtxtResetPush(c, NULL, 0, NULL, "UTF-8") != 0)
		return LOA_ENOMEM;
	c->userData = h;
	c->_private = h;
	htmlCtxtUseOptions(c, HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
				      HTML_PARSE_NOWARNING | HTML_PARSE_NOIMPLIED);
	htmlParseChunk(c, h->in.data, (int)h->in.len, 1);
	/* drop whatever the parser keeps of the last fragment */
	if (c->myDoc) {
		xmlFreeDoc(c->myDoc);
		c->myDoc = NULL;
	}
	return h->rc;
}
