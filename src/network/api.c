/*
 * api.c - the network room's HTTP routes (loa_network_routes):
 *   GET  /feeds/{name}                  Atom, RSS, JSON Feed (?kind=, ?topic=), conditional GET
 *   GET  /.well-known/loa-keys.json     public keys
 *   GET  /p/{org}, /p/{org}/{id}        public pages ("thông tin chính thức đã xác thực")
 *   GET  /editor                        the editor's view (staff)
 *   POST /hub                           the WebSub hub
 *   GET|POST /websub/callback/{id}      this instance as a WebSub subscriber
 *   /api/v1/official…, /api/v1/network/…  the JSON API (docs/api/openapi.json)
 * HTML goes through loa_html_escape only.
 */
#include "network/api.h"
#include "network/network.h"
#include "network/reach.h"
#include "network/sign.h"
#include "network/websub.h"
#include "http/app_int.h"
#include "core/str.h"
#include "feed/feed.h"

#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define STAFF LOA_ROLES_STAFF
#define DRAFTERS (LOA_ROLE_BIT(LOA_ROLE_EDITOR) | LOA_ROLE_BIT(LOA_ROLE_ADMIN))

static const loa_config *cfg_of(void *app) { return loa_app_config(app); }

static int base_of(void *app, loa_buf *b)
{
	loa_buf_init(b, 4096);
	return loa_network_base_url(cfg_of(app), b);
}

static int fail(loa_http_resp *w, int rc, const loa_err *err)
{
	switch (rc) {
	case LOA_EPERM: return loa_http_error(w, 403, "forbidden", "%s", loa_err_msg(err));
	case LOA_EINVAL:
	case LOA_EPARSE: return loa_http_error(w, 400, "bad_request", "%s", loa_err_msg(err));
	case LOA_EEXIST: return loa_http_error(w, 409, "conflict", "%s", loa_err_msg(err));
	case LOA_ENOTFOUND: return loa_http_error(w, 404, "not_found", "%s", loa_err_msg(err));
	case LOA_EFULL: return loa_http_error(w, 507, "storage_full", "%s", loa_err_msg(err));
	default: return loa_http_error(w, 500, "internal", "%s", loa_err_msg(err));
	}
}

/* HTTP-date (RFC 9110) of t, UTC. */
static char *http_date(loa_ms t, char out[40])
{
	static const char *wd[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
	static const char *mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int64_t secs = t / 1000, days = secs / 86400, rem = secs % 86400, y;
	unsigned m, d;
	loa_civil_from_days(days, &y, &m, &d);
	snprintf(out, 40, "%s, %02u %s %04lld %02d:%02d:%02d GMT", wd[((days % 7) + 7) % 7], d, mo[m - 1], (long long)y,
		 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	return out;
}

/* ---- feeds ---- */

static bool etag_matches(const char *inm, const char *etag)
{
	if (!inm)
		return false;
	if (strcmp(inm, "*") == 0)
		return true;
	loa_str rest = loa_str_c(inm);
	size_t el = strlen(etag);
	while (rest.n) {
		loa_str one = loa_str_trim(loa_str_split(&rest, ','));
		if (one.n > 2 && one.p[0] == 'W' && one.p[1] == '/') {
			one.p += 2;
			one.n -= 2;
		}
		if (one.n == el && memcmp(one.p, etag, el) == 0)
			return true;
	}
	return false;
}

static int h_feed(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	const char *name = loa_http_param(r, "name");
	char org[LOA_SLUG_MAX + 1];
	int format;
	if (loa_feedout_name(name, org, sizeof org, &format) != LOA_OK)
		return loa_http_error(w, 404, "not_found", "không có nguồn tin / no such feed: %s", name ? name : "");
	const char *kind = loa_http_query(r, "kind"), *topic = loa_http_query(r, "topic");
	if (kind && !loa_official_kind_ok(kind))
		return loa_http_error(w, 400, "bad_parameter", "kind phải là một trong / kind must be one of: %s",
				      LOA_OFFICIAL_KINDS);
	if (topic && (!*topic || strlen(topic) > LOA_SLUG_MAX || strspn(topic, "abcdefghijklmnopqrstuvwxyz0123456789-_.") !=
								 strlen(topic)))
		return loa_http_error(w, 400, "bad_parameter", "topic không hợp lệ / bad topic");
	loa_buf base, self, body;
	base_of(app, &base);
	loa_buf_init(&self, 8192);
	loa_buf_init(&body, (size_t)64 << 20);
	loa_buf_printf(&self, "%s/feeds/%s", base.data, name);
	if (kind)
		loa_buf_printf(&self, "?kind=%s", kind);
	if (topic)
		loa_buf_printf(&self, "%stopic=%s", kind ? "&" : "?", topic);
	loa_feedout_opts o = {0};
	o.format = format;
	o.org = org;
	o.kind = kind;
	o.topic = topic;
	o.base_url = base.data;
	o.self_url = self.data;
	o.now = LOA_TIME_NONE;
	loa_ms last = LOA_TIME_NONE;
	const char *ctype = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_feedout_write(s, &o, &body, &last, &ctype, &err);
	if (rc) {
		if (rc == LOA_ENOTFOUND)
			loa_err_set(&err, rc, "không có cơ quan / no such organisation: %s", org);
		fail(w, rc, &err);
		goto out;
	}
	unsigned char h[16];
	crypto_generichash(h, sizeof h, (const unsigned char *)body.data, body.len, NULL, 0);
	char etag[40], hex[33], lm[40], link[8192 * 2 + 64];
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof h; i++) {
		hex[2 * i] = hx[h[i] >> 4];
		hex[2 * i + 1] = hx[h[i] & 15];
	}
	hex[32] = '\0';
	snprintf(etag, sizeof etag, "\"%s\"", hex);
	snprintf(link, sizeof link, "<%s%s>; rel=\"hub\", <%s>; rel=\"self\"", base.data, LOA_HUB_PATH, self.data);
	loa_http_add_header(w, "ETag", etag);
	loa_http_add_header(w, "Link", link);
	loa_http_add_header(w, "Cache-Control", "public, max-age=60");
	loa_http_add_header(w, "Access-Control-Allow-Origin", "*");
	if (last != LOA_TIME_NONE)
		loa_http_add_header(w, "Last-Modified", http_date(last, lm));
	const char *inm = loa_http_header(r, "If-None-Match");
	const char *ims = loa_http_header(r, "If-Modified-Since");
	loa_ms since;
	bool not_modified = inm ? etag_matches(inm, etag)
				: ims && last != LOA_TIME_NONE && loa_feed_parse_date(ims, strlen(ims), &since) == LOA_OK &&
					  last / 1000 <= since / 1000;
	if (not_modified) {
		loa_http_status(w, 304);
		goto out;
	}
	loa_http_status(w, 200);
	loa_http_content_type(w, ctype);
	loa_buf_append(loa_http_body_buf(w), body.data, body.len);
out:
	loa_buf_release(&base);
	loa_buf_release(&self);
	loa_buf_release(&body);
	return 0;
}

static int h_keys(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	json_t *doc;
	loa_err err;
	int rc = loa_keys_document(s, &doc, &err);
	if (rc)
		return fail(w, rc, &err);
	loa_http_add_header(w, "Cache-Control", "public, max-age=300");
	loa_http_add_header(w, "Access-Control-Allow-Origin", "*");
	return loa_http_json(w, 200, doc);
}

/* ---- HTML pages ---- */

static void page_head(loa_buf *b, const char *title, const char *base, const char *org)
{
	loa_buf_puts(b, "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
	loa_html_escape(b, title);
	loa_buf_puts(b, "</title>");
	if (org) {
		loa_buf_puts(b, "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"");
		loa_html_escape(b, base);
		loa_buf_puts(b, "/feeds/");
		loa_html_escape(b, org);
		loa_buf_puts(b, ".atom\"><link rel=\"hub\" href=\"");
		loa_html_escape(b, base);
		loa_buf_puts(b, LOA_HUB_PATH "\">");
	}
	loa_buf_puts(b, "<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
			"line-height:1.55;color:#1b1b1b}.loa-mark{background:#e8f5e9;border:1px solid #2e7d32;color:#1b5e20;"
			"padding:.5rem .75rem;border-radius:.4rem}.loa-withdrawn{background:#fdecea;border:1px solid #c62828;"
			"color:#8e0000;padding:.5rem .75rem;border-radius:.4rem}.meta{color:#555;font-size:.9rem}"
			"table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;"
			"text-align:left}</style></head><body><main>\n");
}

static void page_tail(loa_buf *b) { loa_buf_puts(b, "\n</main></body></html>\n"); }

static int html_404(loa_http_resp *w, const char *msg)
{
	loa_buf *b = loa_http_body_buf(w);
	page_head(b, "Không tìm thấy / Not found", "", NULL);
	loa_buf_puts(b, "<h1>Không tìm thấy / Not found</h1><p>");
	loa_html_escape(b, msg);
	loa_buf_puts(b, "</p>");
	page_tail(b);
	loa_http_status(w, 404);
	loa_http_content_type(w, "text/html; charset=utf-8");
	return 0;
}

typedef struct page_ctx {
	const char *base;
	loa_buf *b;
	bool found;
	const char *org;
	int n;
} page_ctx;

static void body_paragraphs(loa_buf *b, const char *body)
{
	/* paragraphs are separated by blank lines; a newline between them keeps
	 * the text readable for verifiers that take the element's text */
	const char *p = body;
	while (*p) {
		const char *e = strstr(p, "\n\n");
		size_t n = e ? (size_t)(e - p) : strlen(p);
		loa_buf para;
		loa_buf_init(&para, LOA_OFFICIAL_BODY_MAX + 1);
		loa_buf_append(&para, p, n);
		if (para.data && para.len) {
			loa_buf_puts(b, "<p>");
			loa_html_escape(b, para.data);
			loa_buf_puts(b, "</p>\n");
		}
		loa_buf_release(&para);
		if (!e)
			break;
		p = e;
		while (*p == '\n')
			p++;
	}
}

static int page_cb(void *arg, const loa_official_version *v)
{
	page_ctx *c = arg;
	if (strcmp(v->org, c->org) != 0)
		return 0;
	c->found = true;
	loa_buf *b = c->b;
	loa_buf url;
	loa_buf_init(&url, 8192);
	loa_official_url(c->base, v->org, v->id, &url);
	char pub[LOA_TIME_STR_MAX], upd[LOA_TIME_STR_MAX], dpub[LOA_TIME_STR_MAX], dupd[LOA_TIME_STR_MAX];
	page_head(b, v->title, c->base, v->org);
	/* the canonical link doubles as the shown entry id for verifiers */
	loa_buf_puts(b, "<link rel=\"canonical\" id=\"loa-id\" href=\"");
	loa_html_escape(b, url.data);
	loa_buf_puts(b, "\">\n");
	if (strcmp(v->status, "withdrawn") == 0) {
		loa_buf_puts(b, "<p class=\"loa-withdrawn\">Đã thu hồi / Withdrawn");
		if (v->reason) {
			loa_buf_puts(b, ": ");
			loa_html_escape(b, v->reason);
		}
		loa_buf_puts(b, "</p>\n");
	}
	loa_buf_puts(b, "<p class=\"loa-mark\">&#10004; Thông tin chính thức đã xác thực (có chữ ký số) — "
			"khoá <code>");
	loa_html_escape(b, v->key_id);
	loa_buf_puts(b, "</code>, <a href=\"" LOA_KEYS_PATH "\">khoá công khai / public keys</a>. "
			"Kiểm tra: <code>loa verify</code> với địa chỉ trang này.</p>\n<p class=\"meta\">");
	loa_html_escape(b, loa_official_kind_vi(v->kind));
	loa_buf_puts(b, " · ");
	loa_html_escape(b, v->org);
	loa_buf_puts(b, "</p>\n<h1 id=\"loa-title\">");
	loa_html_escape(b, v->title);
	loa_buf_puts(b, "</h1>\n<p class=\"meta\">Công bố <time id=\"loa-published\" datetime=\"");
	loa_html_escape(b, loa_time_format_rfc3339(v->first_published, pub));
	loa_buf_puts(b, "\">");
	loa_html_escape(b, loa_time_format_display(v->first_published, dpub));
	loa_buf_puts(b, "</time> · cập nhật <time id=\"loa-updated\" datetime=\"");
	loa_html_escape(b, loa_time_format_rfc3339(v->visible_at, upd));
	loa_buf_puts(b, "\">");
	loa_html_escape(b, loa_time_format_display(v->visible_at, dupd));
	loa_buf_printf(b, "</time> · phiên bản %d (", v->version);
	loa_html_escape(b, strcmp(v->status, "corrected") == 0 ? "đã đính chính" :
			   strcmp(v->status, "withdrawn") == 0 ? "đã thu hồi" : "bản gốc");
	loa_buf_puts(b, ")</p>\n<div id=\"loa-body\">\n");
	body_paragraphs(b, v->body);
	loa_buf_puts(b, "</div>\n");
	json_t *j = loa_official_version_json(v, c->base);
	char *sig = j ? json_dumps(json_object_get(j, "signature"), JSON_COMPACT) : NULL;
	json_decref(j);
	loa_buf_puts(b, "<script type=\"application/loa-signature+json\" id=\"loa-signature\">");
	/* JSON inside a script element: '<' only occurs in strings; escape it */
	for (const char *p = sig ? sig : "{}"; *p; p++) {
		if (*p == '<')
			loa_buf_puts(b, "\\u003c");
		else
			loa_buf_putc(b, *p);
	}
	loa_buf_puts(b, "</script>");
	free(sig);
	page_tail(b);
	loa_buf_release(&url);
	return 1;
}

static int h_page(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	int64_t id;
	const char *org = loa_http_param(r, "org");
	if (loa_parse_i64(loa_http_param(r, "id"), &id) || id <= 0 || !org)
		return html_404(w, "mã tin không hợp lệ / bad item id");
	loa_buf base;
	base_of(app, &base);
	loa_buf page;
	loa_buf_init(&page, (size_t)16 << 20);
	page_ctx c = {base.data, &page, false, org, 0};
	loa_official_query q = {0};
	q.id = id;
	q.now = LOA_TIME_NONE;
	loa_err err;
	int rc = loa_official_versions_each(s, &q, page_cb, &c, &err);
	if (rc < 0)
		fail(w, rc, &err);
	else if (!c.found)
		html_404(w, "không có tin đã công bố / no such published item");
	else {
		loa_http_status(w, 200);
		loa_http_content_type(w, "text/html; charset=utf-8");
		loa_buf_append(loa_http_body_buf(w), page.data, page.len);
	}
	loa_buf_release(&page);
	loa_buf_release(&base);
	return 0;
}

static int org_list_cb(void *arg, const loa_official_version *v)
{
	page_ctx *c = arg;
	char d[LOA_TIME_STR_MAX];
	loa_buf_printf(c->b, "<tr><td>%s</td><td>", loa_time_format_display(v->visible_at, d));
	loa_html_escape(c->b, loa_official_kind_vi(v->kind));
	loa_buf_printf(c->b, "</td><td><a href=\"/p/");
	loa_html_escape(c->b, v->org);
	loa_buf_printf(c->b, "/%" PRId64 "\">", v->id);
	loa_html_escape(c->b, v->title);
	loa_buf_puts(c->b, "</a>");
	if (strcmp(v->status, "withdrawn") == 0)
		loa_buf_puts(c->b, " <em>(đã thu hồi)</em>");
	loa_buf_puts(c->b, "</td></tr>\n");
	c->n++;
	return 0;
}

static int h_org_page(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	const char *org = loa_http_param(r, "org");
	loa_org_rec o;
	loa_err err;
	if (!org || loa_store_org_get(s, org, &o, &err) != LOA_OK)
		return html_404(w, "không có cơ quan / no such organisation");
	loa_buf base;
	base_of(app, &base);
	loa_buf *b = loa_http_body_buf(w);
	page_head(b, o.name, base.data, o.slug);
	loa_buf_puts(b, "<h1>");
	loa_html_escape(b, o.name);
	loa_buf_puts(b, "</h1><p class=\"meta\">Thông tin chính thức đã xác thực (có chữ ký số) · nguồn tin: "
			"<a href=\"/feeds/");
	loa_html_escape(b, o.slug);
	loa_buf_puts(b, ".atom\">Atom</a> · <a href=\"/feeds/");
	loa_html_escape(b, o.slug);
	loa_buf_puts(b, ".rss\">RSS</a> · <a href=\"/feeds/");
	loa_html_escape(b, o.slug);
	loa_buf_puts(b, ".json\">JSON Feed</a></p>\n<table><tr><th>Thời gian</th><th>Loại</th><th>Tiêu đề</th></tr>\n");
	page_ctx c = {base.data, b, false, org, 0};
	loa_official_query q = {0};
	q.org = org;
	q.now = LOA_TIME_NONE;
	q.limit = 100;
	int rc = loa_official_versions_each(s, &q, org_list_cb, &c, &err);
	loa_buf_puts(b, "</table>");
	if (!c.n)
		loa_buf_puts(b, "<p>Chưa có thông tin nào / nothing published yet.</p>");
	page_tail(b);
	loa_buf_release(&base);
	if (rc)
		return fail(w, rc, &err);
	loa_http_status(w, 200);
	loa_http_content_type(w, "text/html; charset=utf-8");
	return 0;
}

static int h_editor(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	const loa_user *u = api_user(r);
	const char *org = u->org[0] ? u->org : loa_http_query(r, "org");
	if (u->role != LOA_ROLE_ADMIN)
		org = u->org;
	json_t *list = NULL;
	loa_err err;
	int rc = loa_official_list_json(s, org && *org ? org : NULL, NULL, 200, &list, &err);
	if (rc)
		return fail(w, rc, &err);
	loa_buf *b = loa_http_body_buf(w);
	page_head(b, "Biên tập thông tin chính thức / Editor", "", NULL);
	loa_buf_puts(b, "<h1>Thông tin chính thức — biên tập</h1><p class=\"meta\">");
	loa_html_escape(b, u->name[0] ? u->name : u->login);
	loa_buf_puts(b, " · ");
	loa_html_escape(b, loa_role_name_vi(u->role));
	if (org && *org) {
		loa_buf_puts(b, " · ");
		loa_html_escape(b, org);
	}
	loa_buf_puts(b, "</p><p>Các bước: bản nháp → xem xét → phê duyệt → công bố (API: "
			"<code>/api/v1/official</code>).</p>\n<table><tr><th>Mã</th><th>Trạng thái</th><th>Loại</th>"
			"<th>Cơ quan</th><th>Tiêu đề</th><th>Cập nhật</th></tr>\n");
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(list, "items"), i, v) {
		static const struct {
			const char *s, *vi;
		} states[] = {{"draft", "bản nháp"}, {"review", "chờ xem xét"}, {"approved", "đã phê duyệt"},
			      {"published", "đã công bố"}, {"withdrawn", "đã thu hồi"}};
		const char *st = json_string_value(json_object_get(v, "state"));
		const char *stvi = st;
		for (size_t k = 0; st && k < sizeof states / sizeof states[0]; k++)
			if (strcmp(states[k].s, st) == 0)
				stvi = states[k].vi;
		int64_t id = (int64_t)json_integer_value(json_object_get(v, "id"));
		const char *iorg = json_string_value(json_object_get(v, "org"));
		loa_buf_printf(b, "<tr><td>%" PRId64 "</td><td>", id);
		loa_html_escape(b, stvi ? stvi : "");
		loa_buf_puts(b, "</td><td>");
		loa_html_escape(b, loa_official_kind_vi(json_string_value(json_object_get(v, "kind"))));
		loa_buf_puts(b, "</td><td>");
		loa_html_escape(b, iorg ? iorg : "");
		loa_buf_puts(b, "</td><td>");
		bool pub = st && (strcmp(st, "published") == 0 || strcmp(st, "withdrawn") == 0);
		if (pub) {
			loa_buf_puts(b, "<a href=\"/p/");
			loa_html_escape(b, iorg ? iorg : "");
			loa_buf_printf(b, "/%" PRId64 "\">", id);
		}
		loa_html_escape(b, json_string_value(json_object_get(v, "title")));
		if (pub)
			loa_buf_puts(b, "</a>");
		loa_buf_puts(b, "</td><td>");
		loa_html_escape(b, json_string_value(json_object_get(v, "updated_at")));
		loa_buf_puts(b, "</td></tr>\n");
	}
	loa_buf_puts(b, "</table>");
	page_tail(b);
	json_decref(list);
	loa_http_status(w, 200);
	loa_http_content_type(w, "text/html; charset=utf-8");
	return 0;
}

/* ---- WebSub ---- */

static int h_hub(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	size_t n;
	const char *body = loa_http_body(r, &n);
	loa_buf msg;
	loa_buf_init(&msg, 4096);
	int status = 500;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_hub_request(s, cfg_of(app), body, n, loa_http_peer(r), &status, &msg, &err);
	if (rc) {
		loa_buf_release(&msg);
		return fail(w, rc, &err);
	}
	loa_http_status(w, (unsigned)status);
	loa_http_content_type(w, "text/plain; charset=utf-8");
	loa_buf_printf(loa_http_body_buf(w), "%s\n", msg.data ? msg.data : "");
	if (status == 429)
		loa_http_add_header(w, "Retry-After", "60");
	loa_buf_release(&msg);
	return 0;
}

static int h_callback_get(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	int64_t id;
	if (loa_parse_i64(loa_http_param(r, "id"), &id) || id <= 0)
		return loa_http_error(w, 404, "not_found", "không có đăng ký / no such subscription");
	loa_buf body;
	loa_buf_init(&body, 2048);
	int status = 404;
	loa_err err;
	int rc = loa_websub_callback_verify(s, id, loa_http_query(r, "hub.mode"), loa_http_query(r, "hub.topic"),
					    loa_http_query(r, "hub.challenge"), loa_http_query(r, "hub.lease_seconds"),
					    &status, &body, &err);
	if (rc) {
		loa_buf_release(&body);
		return fail(w, rc, &err);
	}
	loa_http_status(w, (unsigned)status);
	loa_http_content_type(w, "text/plain; charset=utf-8");
	if (body.data)
		loa_buf_append(loa_http_body_buf(w), body.data, body.len);
	loa_buf_release(&body);
	return 0;
}

static int h_callback_post(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	int64_t id;
	if (loa_parse_i64(loa_http_param(r, "id"), &id) || id <= 0)
		return loa_http_error(w, 410, "gone", "không có đăng ký / no such subscription");
	size_t n;
	const char *body = loa_http_body(r, &n);
	loa_buf msg;
	loa_buf_init(&msg, 4096);
	int status = 500;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_websub_callback_deliver(s, cfg_of(app), id, body, n, loa_http_header(r, "Content-Type"),
					     loa_http_header(r, "X-Hub-Signature"), &status, &msg, &err);
	if (rc) {
		loa_buf_release(&msg);
		return fail(w, rc, &err);
	}
	loa_http_status(w, (unsigned)status);
	loa_http_content_type(w, "text/plain; charset=utf-8");
	loa_buf_printf(loa_http_body_buf(w), "%s\n", msg.data ? msg.data : "");
	loa_buf_release(&msg);
	return 0;
}

/* ---- the JSON API ---- */

static int h_official_list(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	const loa_user *u = api_user(r);
	int64_t limit;
	if (api_query_int(r, w, "limit", 100, 1, 1000, &limit))
		return 0;
	const char *org = loa_http_query(r, "org");
	if (u->role != LOA_ROLE_ADMIN) {
		if (org && strcmp(org, u->org) != 0)
			return loa_http_error(w, 403, "forbidden", "tin của cơ quan khác / another organisation's items");
		org = u->org[0] ? u->org : "\x01"; /* no organisation: nothing */
	}
	const char *state = loa_http_query(r, "state");
	json_t *out;
	loa_err err;
	int rc = loa_official_list_json(s, org, state, (int)limit, &out, &err);
	return rc ? fail(w, rc, &err) : loa_http_json(w, 200, out);
}

static int h_official_create(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	json_t *j = api_body_object(r, w);
	if (!j)
		return 0;
	const loa_user *u = api_user(r);
	loa_official_draft d = {0};
	d.org = json_string_value(json_object_get(j, "org"));
	if (!d.org)
		d.org = u->org;
	d.kind = json_string_value(json_object_get(j, "kind"));
	d.title = json_string_value(json_object_get(j, "title"));
	d.body = json_string_value(json_object_get(j, "body"));
	d.topic = json_string_value(json_object_get(j, "topic"));
	d.embargo_until = LOA_TIME_NONE;
	const char *emb = json_string_value(json_object_get(j, "embargo_until"));
	loa_err err;
	loa_err_clear(&err);
	int rc = LOA_OK;
	if (emb && loa_time_parse_rfc3339(emb, strlen(emb), &d.embargo_until))
		rc = loa_err_set(&err, LOA_EINVAL, "embargo_until phải theo RFC 3339 / embargo_until must be RFC 3339");
	if (!rc && (!d.kind || !d.title || !d.body))
		rc = loa_err_set(&err, LOA_EINVAL, "cần kind, title và body / kind, title and body are required");
	loa_actor a = loa_actor_user(u);
	int64_t id = 0;
	if (!rc)
		rc = loa_official_create(s, &a, &d, &id, &err);
	json_decref(j);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 201, json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", LOA_OFF_DRAFT));
}

static int first_version_cb(void *arg, const loa_official_version *v)
{
	json_t **out = arg;
	const char *base = json_string_value(json_object_get(*out, "_base"));
	json_t *j = loa_official_version_json(v, base ? base : "");
	json_decref(*out);
	*out = j;
	return 1;
}

static int h_official_get(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	int64_t id;
	if (loa_parse_i64(loa_http_param(r, "id"), &id) || id <= 0)
		return loa_http_error(w, 400, "bad_parameter", "mã tin không hợp lệ / bad item id");
	const loa_user *u = api_user(r);
	loa_official o;
	loa_err err;
	int rc = loa_official_get(s, id, &o, &err);
	if (rc)
		return fail(w, rc, &err);
	loa_actor a = u ? loa_actor_user(u) : (loa_actor){"", LOA_ROLE_PUBLIC, ""};
	bool staff = u && loa_role_allowed(STAFF, u) && loa_official_org_allowed(&a, o.org);
	loa_buf base;
	base_of(app, &base);
	json_t *pub = json_pack("{s:s}", "_base", base.data);
	loa_official_query q = {0};
	q.id = id;
	q.now = LOA_TIME_NONE;
	rc = loa_official_versions_each(s, &q, first_version_cb, &pub, &err);
	if (rc == 1)
		rc = LOA_OK;
	if (pub && json_object_get(pub, "_base")) {
		json_decref(pub);
		pub = NULL;
	}
	json_t *out = NULL;
	if (rc == LOA_OK && (pub || staff)) {
		out = json_object();
		if (pub)
			json_object_set_new(out, "item", pub);
		if (staff) {
			char a1[LOA_TIME_STR_MAX], a2[LOA_TIME_STR_MAX], e1[LOA_TIME_STR_MAX];
			json_t *wf = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i}", "id", (json_int_t)o.id, "org", o.org,
					       "kind", o.kind, "state", o.state, "title", o.title, "body", o.body,
					       "created_by", o.created_by, "created_at",
					       loa_time_format_rfc3339(o.created_at, a1), "version", o.version);
			json_object_set_new(wf, "updated_at", json_string(loa_time_format_rfc3339(o.updated_at, a2)));
			if (o.embargo_until != LOA_TIME_NONE)
				json_object_set_new(wf, "embargo_until",
						    json_string(loa_time_format_rfc3339(o.embargo_until, e1)));
			if (o.topic[0])
				json_object_set_new(wf, "topic", json_string(o.topic));
			if (o.approved_by[0])
				json_object_set_new(wf, "approved_by", json_string(o.approved_by));
			json_object_set_new(out, "workflow", wf);
		}
	} else {
		json_decref(pub);
	}
	loa_official_release(&o);
	loa_buf_release(&base);
	if (rc)
		return fail(w, rc, &err);
	if (!out)
		return loa_http_error(w, 404, "not_found", "không có tin đã công bố / no such published item: %" PRId64, id);
	return loa_http_json(w, 200, out);
}

static int h_official_edit(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	int64_t id;
	if (loa_parse_i64(loa_http_param(r, "id"), &id) || id <= 0)
		return loa_http_error(w, 400, "bad_parameter", "mã tin không hợp lệ / bad item id");
	json_t *j = api_body_object(r, w);
	if (!j)
		return 0;
	loa_actor a = loa_actor_user(api_user(r));
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_official_edit(s, &a, id, json_string_value(json_object_get(j, "title")),
				   json_string_value(json_object_get(j, "body")), &err);
	json_decref(j);
	if (rc)
		return fail(w, rc, &err);
	return loa_http_json(w, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", LOA_OFF_DRAFT));
}

static int h_official_action(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	int64_t id;
	if (loa_parse_i64(loa_http_param(r, "id"), &id) || id <= 0)
		return loa_http_error(w, 400, "bad_parameter", "mã tin không hợp lệ / bad item id");
	const char *act = loa_http_param(r, "action");
	loa_actor a = loa_actor_user(api_user(r));
	const loa_config *cfg = cfg_of(app);
	loa_err err;
	loa_err_clear(&err);
	int rc;
	json_t *j = NULL;
	if (strcmp(act, "correct") == 0 || strcmp(act, "withdraw") == 0 || strcmp(act, "return") == 0) {
		size_t n;
		loa_http_body(r, &n);
		if (n || strcmp(act, "return") != 0) {
			j = api_body_object(r, w);
			if (!j)
				return 0;
		}
	}
	if (strcmp(act, "submit") == 0)
		rc = loa_official_submit(s, &a, id, &err);
	else if (strcmp(act, "approve") == 0)
		rc = loa_official_approve(s, &a, id, &err);
	else if (strcmp(act, "return") == 0)
		rc = loa_official_return(s, &a, id, json_string_value(json_object_get(j, "note")), &err);
	else if (strcmp(act, "publish") == 0)
		rc = loa_official_publish(s, cfg, &a, id, &err);
	else if (strcmp(act, "correct") == 0)
		rc = loa_official_correct(s, cfg, &a, id, json_string_value(json_object_get(j, "title")),
					  json_string_value(json_object_get(j, "body")),
					  json_string_value(json_object_get(j, "note")), &err);
	else if (strcmp(act, "withdraw") == 0)
		rc = loa_official_withdraw(s, cfg, &a, id, json_string_value(json_object_get(j, "reason")), &err);
	else {
		json_decref(j);
		return loa_http_error(w, 404, "not_found", "không có thao tác / no such action: %s", act);
	}
	json_decref(j);
	if (rc)
		return fail(w, rc, &err);
	loa_official o;
	if ((rc = loa_official_get(s, id, &o, &err)) != LOA_OK)
		return fail(w, rc, &err);
	json_t *out = json_pack("{s:I,s:s,s:i}", "id", (json_int_t)id, "state", o.state, "version", o.version);
	loa_official_release(&o);
	return loa_http_json(w, 200, out);
}

static int h_reach(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	int64_t id;
	if (loa_parse_i64(loa_http_param(r, "id"), &id) || id <= 0)
		return loa_http_error(w, 400, "bad_parameter", "mã tin không hợp lệ / bad item id");
	json_t *out;
	loa_err err;
	int rc = loa_reach(s, id, 0, &out, &err);
	return rc ? fail(w, rc, &err) : loa_http_json(w, 200, out);
}

static int h_timeline(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	int64_t limit;
	if (api_query_int(r, w, "limit", 50, 1, 500, &limit))
		return 0;
	loa_ms before = LOA_TIME_NONE;
	int64_t before_id = 0;
	const char *cursor = loa_http_query(r, "cursor");
	if (cursor) {
		const char *dot = strchr(cursor, '.');
		if (!dot || loa_parse_i64n((loa_str){cursor, (size_t)(dot - cursor)}, &before) ||
		    loa_parse_i64(dot + 1, &before_id))
			return loa_http_error(w, 400, "bad_parameter", "con trỏ không hợp lệ / bad cursor");
	}
	json_t *out;
	loa_err err;
	int rc = loa_network_timeline(s, before, before_id, (int)limit, &out, &err);
	return rc ? fail(w, rc, &err) : loa_http_json(w, 200, out);
}

static int h_directory(loa_http_req *r, loa_http_resp *w, void *app)
{
	loa_store *s = api_store(app, w);
	if (!s)
		return 0;
	loa_buf out;
	loa_buf_init(&out, (size_t)64 << 20);
	loa_err err;
	int rc = loa_directory_export(s, "json", &out, &err);
	if (rc) {
		loa_buf_release(&out);
		return fail(w, rc, &err);
	}
	json_t *j = json_loadb(out.data, out.len, 0, NULL);
	loa_buf_release(&out);
	return j ? loa_http_json(w, 200, j) : loa_http_error(w, 500, "internal", "directory export failed");
}

static const loa_http_route routes[] = {
	{"GET", "/feeds/{name}", h_feed, LOA_ROLES_ANY},
	{"GET", "/.well-known/loa-keys.json", h_keys, LOA_ROLES_ANY},
	{"GET", "/p/{org}", h_org_page, LOA_ROLES_ANY},
	{"GET", "/p/{org}/{id}", h_page, LOA_ROLES_ANY},
	{"GET", "/editor", h_editor, STAFF},
	{"POST", "/hub", h_hub, LOA_ROLES_ANY},
	{"GET", "/websub/callback/{id}", h_callback_get, LOA_ROLES_ANY},
	{"POST", "/websub/callback/{id}", h_callback_post, LOA_ROLES_ANY},
	{"GET", "/api/v1/official", h_official_list, STAFF},
	{"POST", "/api/v1/official", h_official_create, DRAFTERS},
	{"GET", "/api/v1/official/{id}", h_official_get, LOA_ROLES_ANY},
	{"PATCH", "/api/v1/official/{id}", h_official_edit, DRAFTERS},
	{"GET", "/api/v1/official/{id}/reach", h_reach, STAFF},
	{"POST", "/api/v1/official/{id}/{action}", h_official_action, STAFF},
	{"GET", "/api/v1/network/timeline", h_timeline, STAFF},
	{"GET", "/api/v1/network/directory", h_directory, STAFF},
};

const loa_http_route *loa_network_routes(size_t *n)
{
	*n = sizeof routes / sizeof routes[0];
	return routes;
}
