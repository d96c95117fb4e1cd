/*
 * feed.c - loa_feed_parse(): charset, format sniffing, the document base,
 * and the builder helpers both format parsers use; JSON output of a feed.
 */
#include "feed/feed_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>

#include "core/utf8.h"

#include "core/banned.h"

static void global_init_once(void) { xmlInitParser(); }

/* Thread-safe: feeds are parsed by the CLI, the server's ingest job and
 * request threads. */
void loa_feed_global_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, global_init_once);
}

const char *loa_feed_format_name(loa_feed_format f)
{
	static const char *const names[] = {
		"", "rss090", "rss091u", "rss091n", "rss092", "rss093", "rss094", "rss20",
		"rss", "rss10", "atom03", "atom10", "cdf", "json1", "json11",
	};
	return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "";
}

loa_feed *loa__feed_new(size_t max_arena)
{
	loa_feed *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	loa_arena_init(&f->arena, 64 * 1024, max_arena);
	f->published = f->updated = LOA_TIME_NONE;
	return f;
}

void loa_feed_free(loa_feed *f)
{
	if (!f)
		return;
	loa_arena_release(&f->arena);
	free(f);
}

char *loa__feed_strdup_trim(loa_feed *f, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0)
		return NULL;
	char *r = loa_arena_strndup(&f->arena, s, n);
	if (!r && !f->rc_)
		f->rc_ = LOA_ETOOBIG;
	return r;
}

void *loa__feed_push(loa_feed *f, void **items, size_t *n, size_t elem)
{
	/* capacity is implicit: the next power of two >= n */
	if (*n == 0 || (*n & (*n - 1)) == 0) {
		size_t cap = *n ? *n * 2 : 1;
		if (*n >= ((size_t)1 << 24)) {
			if (!f->rc_)
				f->rc_ = LOA_ETOOBIG;
			return NULL;
		}
		void *p = loa_arena_alloc(&f->arena, cap * elem);
		if (!p) {
			if (!f->rc_)
				f->rc_ = LOA_ETOOBIG;
			return NULL;
		}
		if (*n)
			memcpy(p, *items, *n * elem);
		*items = p;
	}
	char *slot = (char *)*items + *n * elem;
	memset(slot, 0, elem);
	(*n)++;
	return slot;
}

void loa__feed_bozo(loa_feed *f, const char *msg)
{
	f->bozo = true;
	if (!f->bozo_msg)
		f->bozo_msg = loa_arena_strdup(&f->arena, msg);
}

/* Collapses whitespace of plain text into the arena. */
static const char *collapse(loa_feed *f, const char *s, size_t n)
{
	char *out = loa_arena_alloc(&f->arena, n + 1);
	if (!out) {
		if (!f->rc_)
			f->rc_ = LOA_ETOOBIG;
		return NULL;
	}
	size_t o = 0;
	bool sp = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isspace(c)) {
			sp = true;
			continue;
		}
		if (sp && o)
			out[o++] = ' ';
		sp = false;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

/* U+0080..U+009F are C1 controls nobody means: text decoded as ISO-8859-1
 * that was really windows-1252 (smart quotes, dashes). Maps them to the
 * windows-1252 characters in place of the copy in b; true when any. */
static bool remap_c1(const char *s, size_t n, loa_buf *b, int *rc)
{
	static const uint16_t cp1252[32] = {
		0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030,
		0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C,
		0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD,
		0x017E, 0x0178,
	};
	const char *p = memchr(s, 0xC2, n);
	bool any = false;
	size_t run = 0;
	*rc = LOA_OK;
	while (p) {
		size_t i = (size_t)(p - s);
		unsigned char c = i + 1 < n ? (unsigned char)s[i + 1] : 0;
		if (c >= 0x80 && c <= 0x9F) {
			unsigned char u[4];
			size_t k = loa_utf8_encode(cp1252[c - 0x80], u);
			if ((*rc = loa_buf_append(b, s + run, i - run)) || (*rc = loa_buf_append(b, u, k)))
				return false;
			run = i + 2;
			any = true;
		}
		p = i + 1 < n ? memchr(s + i + 1, 0xC2, n - i - 1) : NULL;
	}
	if (any)
		*rc = loa_buf_append(b, s + run, n - run);
	return any && *rc == LOA_OK;
}

int loa__feed_set_text(loa_feed *f, loa_html *h, unsigned flags, loa_feed_text *t,
		       loa_feed_type type, const char *s, size_t n, const char *base)
{
	t->type = type;
	loa_buf c1;
	loa_buf_init(&c1, n * 2 + 16);
	int rc1;
	if (memchr(s, 0xC2, n) && remap_c1(s, n, &c1, &rc1)) {
		int rc = loa__feed_set_text(f, h, flags, t, type, c1.data, c1.len, base);
		loa_buf_release(&c1);
		return rc;
	}
	loa_buf_release(&c1);
	if (type == LOA_FEED_PLAIN || type == LOA_FEED_OTHER || (flags & LOA_FEED_NO_SANITIZE)) {
		t->value = loa__feed_strdup_trim(f, s, n);
		if (t->value && !(flags & LOA_FEED_NO_TEXT))
			t->text = collapse(f, t->value, strlen(t->value));
		return f->rc_;
	}
	loa_buf html, text;
	loa_buf_init(&html, LOA_FEED_MAX_BODY);
	loa_buf_init(&text, LOA_FEED_MAX_BODY);
	int rc = loa_html_render(h, s, n, base, &html, (flags & LOA_FEED_NO_TEXT) ? NULL : &text);
	if (rc == LOA_OK) {
		t->value = loa__feed_strdup_trim(f, html.data ? html.data : "", html.len);
		/* markup that sanitised to nothing is an empty value, not an absent one */
		if (!t->value && !f->rc_ && n)
			t->value = "";
		if (t->value && !(flags & LOA_FEED_NO_TEXT))
			t->text = text.len ? loa_arena_strndup(&f->arena, text.data, text.len) : "";
		rc = f->rc_;
	}
	loa_buf_release(&html);
	loa_buf_release(&text);
	return rc;
}

void loa__feed_parse_person(loa_feed *f, const char *s, loa_feed_person *p)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	memset(p, 0, sizeof *p);
	if (!at) {
		p->name = loa__feed_strdup_trim(f, s, n);
		return;
	}
	/* the e-mail: the run of non-space, non-bracket bytes around '@' */
	const char *b = at, *e = at;
	while (b > s && !strchr(" \t()<>[],;\"", b[-1]))
		b--;
	while (*e && !strchr(" \t()<>[],;\"", *e))
		e++;
	if (e > b + 1)
		p->email = loa__feed_strdup_trim(f, b, (size_t)(e - b));
	if (p->email && strncasecmp(p->email, "mailto:", 7) == 0)
		p->email += 7;
	/* the name: the rest, without brackets */
	char tmp[512];
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < sizeof tmp; i++) {
		if (s + i >= b && s + i < e)
			continue;
		char c = s[i];
		if (c == '(' || c == ')' || c == '<' || c == '>')
			c = ' ';
		tmp[o++] = c;
	}
	p->name = loa__feed_strdup_trim(f, tmp, o);
}

const char *loa__feed_person_display(loa_feed *f, const loa_feed_person *p)
{
	if (p->name && p->email) {
		size_t n = strlen(p->name) + strlen(p->email) + 4;
		char *r = loa_arena_alloc(&f->arena, n);
		if (r)
			snprintf(r, n, "%s (%s)", p->name, p->email);
		return r;
	}
	return p->name ? p->name : p->email;
}

bool loa__feed_looks_like_html(const char *s, size_t n)
{
	static const char *const known[] = {
		"a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "big",
		"blockquote", "br", "button", "canvas", "caption", "center", "cite", "code", "col",
		"colgroup", "dd", "del", "details", "dfn", "dir", "div", "dl", "dt", "em", "fieldset",
		"figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
		"header", "hr", "i", "img", "ins", "kbd", "label", "legend", "li", "map", "mark",
		"menu", "nav", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span",
		"strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
		"time", "tr", "tt", "u", "ul", "var", "video",
	};
	bool close_or_ref = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<') {
			size_t j = i + 1;
			bool close = j < n && s[j] == '/';
			if (close)
				j++;
			size_t k = j;
			while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_'))
				k++;
			if (k == j)
				continue;
			char name[16];
			if (k - j >= sizeof name)
				return false;
			for (size_t q = j; q < k; q++)
				name[q - j] = (char)tolower((unsigned char)s[q]);
			name[k - j] = '\0';
			bool ok = false;
			for (size_t q = 0; q < sizeof known / sizeof known[0] && !ok; q++)
				ok = strcmp(name, known[q]) == 0;
			if (!ok)
				return false;
			if (close && k < n && s[k] == '>')
				close_or_ref = true;
		} else if (s[i] == '&') {
			size_t j = i + 1;
			if (j < n && s[j] == '#')
				j++;
			size_t k = j;
			while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_'))
				k++;
			if (k > j && k < n && s[k] == ';')
				close_or_ref = true;
		}
	}
	return close_or_ref;
}

static bool xml_media_type(const char *t)
{
	size_t n = strlen(t);
	return n == 0 || strstr(t, "xml") || strstr(t, "json") ||
	       strcmp(t, "application/octet-stream") == 0;
}

int loa_feed_parse(const loa_feed_input *in, loa_feed **out, loa_err *err)
{
	*out = NULL;
	if (!in || (!in->body && in->len))
		return loa_err_set(err, LOA_EINVAL, "thiếu dữ liệu / missing input");
	size_t max_body = in->max_body ? in->max_body : LOA_FEED_MAX_BODY;
	if (in->len > max_body)
		return loa_err_set(err, LOA_ETOOBIG,
				   "nguồn tin quá lớn / feed too big: %zu > %zu bytes", in->len,
				   max_body);
	loa_feed_global_init();
	loa_feed *f = loa__feed_new(in->max_arena ? in->max_arena : LOA_FEED_MAX_ARENA);
	if (!f)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");

	const char *body = in->body ? in->body : "";
	size_t len = in->len;
	/* JSON or XML: first non-blank byte after a BOM */
	size_t i = (len >= 3 && !memcmp(body, "\xEF\xBB\xBF", 3)) ? 3 : 0;
	while (i < len && isspace((unsigned char)body[i]))
		i++;
	char mt[96];
	loa__feed_ct_type(in->content_type, mt, sizeof mt);
	bool json = (i < len && body[i] == '{') || strstr(mt, "json") != NULL;

	loa_feed_decoded d;
	int rc = loa__feed_decode(body, len, in->content_type, !json, max_body * 4 + 64, &d);
	if (rc) {
		loa_buf_release(&d.buf);
		loa_feed_free(f);
		return loa_err_set(err, rc, "không giải mã được / cannot decode the body");
	}
	f->encoding = loa_arena_strdup(&f->arena, d.encoding);
	if (d.problem)
		loa__feed_bozo(f, d.problem);
	if (!xml_media_type(mt))
		loa__feed_bozo(f, "kiểu nội dung không phải XML / not an XML media type");

	/* the document base: Content-Location (resolved) when safe, else the URL */
	loa_buf base;
	loa_buf_init(&base, 16 * 1024);
	const char *b = in->url;
	if (in->content_location && *in->content_location &&
	    loa_feed_resolve_url(in->url, in->content_location, strlen(in->content_location),
				 &base) == LOA_OK &&
	    base.data && loa_feed_url_safe(base.data, base.len))
		b = base.data;

	loa_feed_ctx c = {.in = in, .f = f, .html = in->html, .base = b, .err = err};
	c.max_entries = in->max_entries ? in->max_entries : LOA_FEED_MAX_ENTRIES;
	if (!c.html && !(in->flags & LOA_FEED_NO_SANITIZE)) {
		c.html = loa_html_new();
		if (!c.html)
			rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	if (!rc)
		rc = json ? loa__feed_parse_json(&c, d.p, d.n) : loa__feed_parse_xml(&c, d.p, d.n);
	if (c.html != in->html)
		loa_html_free(c.html);
	loa_buf_release(&base);
	loa_buf_release(&d.buf);
	if (rc) {
		loa_feed_free(f);
		return rc;
	}
	*out = f;
	return LOA_OK;
}

/* ---- JSON output -------------------------------------------------------- */

static int jset(json_t *o, const char *k, const char *v)
{
	if (!v)
		return 0;
	return json_object_set_new(o, k, json_string(v));
}

static const char *type_name(const loa_feed_text *t)
{
	switch (t->type) {
	case LOA_FEED_HTML: return "text/html";
	case LOA_FEED_XHTML: return "application/xhtml+xml";
	case LOA_FEED_OTHER: return t->mime ? t->mime : "application/octet-stream";
	default: return "text/plain";
	}
}

static void jtext(json_t *o, const char *k, const loa_feed_text *t)
{
	if (!t->value)
		return;
	char key[48];
	jset(o, k, t->value);
	snprintf(key, sizeof key, "%s_type", k);
	jset(o, key, type_name(t));
	if (t->text && t->type != LOA_FEED_PLAIN) {
		snprintf(key, sizeof key, "%s_text", k);
		jset(o, key, t->text);
	}
}

static void jtime(json_t *o, const char *k, loa_ms t)
{
	if (t == LOA_TIME_NONE)
		return;
	char buf[LOA_TIME_STR_MAX];
	/* second precision, as the peers' suites write them */
	loa_time_format_rfc3339(t - (((t % 1000) + 1000) % 1000), buf);
	jset(o, k, buf);
}

static json_t *jperson(const loa_feed_person *p)
{
	json_t *o = json_object();
	jset(o, "name", p->name);
	jset(o, "email", p->email);
	jset(o, "uri", p->uri);
	return o;
}

static void jpeople(json_t *o, const char *author, const loa_feed_person *ps, size_t n)
{
	jset(o, "author", author);
	if (!n)
		return;
	json_object_set_new(o, "author_detail", jperson(&ps[0]));
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, jperson(&ps[i]));
	json_object_set_new(o, "authors", a);
}

static void jlinks(json_t *o, const loa_feed_link *l, size_t n)
{
	if (!n)
		return;
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_object();
		jset(x, "href", l[i].href);
		jset(x, "rel", l[i].rel);
		jset(x, "type", l[i].type);
		jset(x, "title", l[i].title);
		jset(x, "hreflang", l[i].hreflang);
		jset(x, "length", l[i].length);
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "links", a);
}

static void jcats(json_t *o, const loa_feed_category *c, size_t n)
{
	if (!n)
		return;
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_object();
		jset(x, "term", c[i].term);
		jset(x, "scheme", c[i].scheme);
		jset(x, "label", c[i].label);
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "categories", a);
}

int loa_feed_to_json(const loa_feed *f, bool pretty, loa_buf *out)
{
	json_t *root = json_object(), *doc = json_object(), *feed = json_object();
	json_t *entries = json_array();
	if (!root || !doc || !feed || !entries) {
		json_decref(root), json_decref(doc), json_decref(feed), json_decref(entries);
		return LOA_ENOMEM;
	}
	json_object_set_new(doc, "bozo", json_boolean(f->bozo));
	jset(doc, "bozo_exception", f->bozo_msg);
	jset(doc, "encoding", f->encoding);
	if (f->format != LOA_FEED_UNKNOWN)
		jset(doc, "version", loa_feed_format_name(f->format));
	if (f->truncated)
		json_object_set_new(doc, "truncated", json_true());
	jtext(feed, "title", &f->title);
	jtext(feed, "subtitle", &f->subtitle);
	jset(feed, "link", f->link);
	jlinks(feed, f->links, f->nlinks);
	jset(feed, "id", f->id);
	jset(feed, "language", f->language);
	jset(feed, "hub", f->hub);
	jset(feed, "self", f->self);
	jpeople(feed, f->author, f->authors, f->nauthors);
	jcats(feed, f->categories, f->ncategories);
	jtime(feed, "published", f->published);
	jtime(feed, "updated", f->updated);
	for (size_t i = 0; i < f->nentries; i++) {
		const loa_feed_entry *e = &f->entries[i];
		json_t *o = json_object();
		jset(o, "id", e->id);
		jset(o, "link", e->link);
		jlinks(o, e->links, e->nlinks);
		jtext(o, "title", &e->title);
		jtext(o, "summary", &e->summary);
		if (e->ncontent) {
			json_t *a = json_array();
			for (size_t k = 0; k < e->ncontent; k++) {
				json_t *c = json_object();
				const loa_feed_text *t = &e->content[k];
				jset(c, "value", t->value);
				jset(c, "type", type_name(t));
				jset(c, "src", t->src);
				jset(c, "language", t->lang);
				if (t->text && t->type != LOA_FEED_PLAIN)
					jset(c, "text", t->text);
				json_array_append_new(a, c);
			}
			json_object_set_new(o, "content", a);
		}
		jpeople(o, e->author, e->authors, e->nauthors);
		jcats(o, e->categories, e->ncategories);
		if (e->nenclosures) {
			json_t *a = json_array();
			for (size_t k = 0; k < e->nenclosures; k++) {
				json_t *c = json_object();
				jset(c, "href", e->enclosures[k].href);
				jset(c, "type", e->enclosures[k].type);
				jset(c, "length", e->enclosures[k].length);
				json_array_append_new(a, c);
			}
			json_object_set_new(o, "enclosures", a);
		}
		jtime(o, "published", e->published);
		jtime(o, "updated", e->updated);
		jset(o, "language", e->language);
		json_array_append_new(entries, o);
	}
	json_object_set_new(root, "document", doc);
	json_object_set_new(root, "feed", feed);
	json_object_set_new(root, "entries", entries);
	char *s = json_dumps(root, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!s)
		return LOA_ENOMEM;
	int rc = loa_buf_puts(out, s);
	free(s);
	return rc;
}
