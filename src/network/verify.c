/*
 * verify.c - verification of signed official items (SPEC N4) in every form
 * they travel in: Atom and RSS (loa:signature), JSON Feed (_loa_signature),
 * the public page (a script element), an item's JSON or a bare signature
 * object; and the record of incoming entries' status (N6).
 */
#include "network/net_int.h"
#include "network/sign.h"
#include "network/websub.h"
#include "feed/feed.h"
#include "store/sql.h"

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#include "core/banned.h"

#define MAX_DOC ((size_t)64 << 20)

const char *loa_verify_status_name(int status)
{
	switch (status) {
	case LOA_VERIFY_OK: return "ok";
	case LOA_VERIFY_UNSIGNED: return "unsigned";
	case LOA_VERIFY_BAD_SIG: return "bad_signature";
	case LOA_VERIFY_ALTERED: return "altered";
	case LOA_VERIFY_UNKNOWN_KEY: return "unknown_key";
	case LOA_VERIFY_KEY_EXPIRED: return "key_not_valid";
	default: return "malformed";
	}
}

static bool same_text(const char *shown, const char *signed_v)
{
	loa_buf a, b;
	loa_buf_init(&a, LOA_OFFICIAL_BODY_MAX * 2);
	loa_buf_init(&b, LOA_OFFICIAL_BODY_MAX * 2);
	net_collapse_ws(shown, &a);
	net_collapse_ws(signed_v, &b);
	bool eq = a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
	loa_buf_release(&a);
	loa_buf_release(&b);
	return eq;
}

static bool same_time(loa_ms shown, const char *signed_v)
{
	loa_ms t;
	if (!signed_v || loa_time_parse_rfc3339(signed_v, strlen(signed_v), &t))
		return false;
	/* RSS dates carry whole seconds */
	return shown / 1000 == t / 1000;
}

static void add_field(loa_verify_result *r, const char *name)
{
	size_t n = strlen(r->fields);
	snprintf(r->fields + n, sizeof r->fields - n, "%s%s", n ? "," : "", name);
}

static void compare_shown(json_t *fields, const loa_shown_entry *sh, loa_verify_result *r)
{
	if (!sh)
		return;
	const char *sid = json_string_value(json_object_get(fields, "id"));
	if (sh->id && sid && strcmp(sh->id, sid) != 0)
		add_field(r, "id");
	if (sh->link && sid && strcmp(sh->link, sid) != 0)
		add_field(r, "link");
	if (sh->title && !same_text(sh->title, json_string_value(json_object_get(fields, "title"))))
		add_field(r, "title");
	if (sh->text && !same_text(sh->text, json_string_value(json_object_get(fields, "text"))))
		add_field(r, "text");
	if (sh->published != LOA_TIME_NONE &&
	    !same_time(sh->published, json_string_value(json_object_get(fields, "published"))))
		add_field(r, "published");
	if (sh->updated != LOA_TIME_NONE &&
	    !same_time(sh->updated, json_string_value(json_object_get(fields, "updated"))))
		add_field(r, "updated");
}

static int verify_obj(const loa_keyring *kr, json_t *sig, const loa_shown_entry *sh, loa_verify_result *r)
{
	memset(r, 0, sizeof *r);
	if (!sig) {
		r->status = LOA_VERIFY_UNSIGNED;
		snprintf(r->detail, sizeof r->detail, "không có chữ ký / not signed");
		return LOA_OK;
	}
	const char *alg = json_string_value(json_object_get(sig, "alg"));
	const char *key_id = json_string_value(json_object_get(sig, "key_id"));
	const char *value = json_string_value(json_object_get(sig, "sig"));
	json_t *fields = json_object_get(sig, "signed");
	if (!alg || strcmp(alg, LOA_SIG_ALG) != 0 || !key_id || !value || !json_is_object(fields)) {
		r->status = LOA_VERIFY_MALFORMED;
		snprintf(r->detail, sizeof r->detail, "chữ ký không đúng định dạng / malformed signature");
		return LOA_OK;
	}
	loa_strlcpy(r->key_id, key_id, sizeof r->key_id);
	const loa_key_info *k = loa_keyring_find(kr, key_id);
	if (!k) {
		r->status = LOA_VERIFY_UNKNOWN_KEY;
		snprintf(r->detail, sizeof r->detail, "không biết khoá %s (dùng --keys) / unknown key %s (use --keys)",
			 key_id, key_id);
		compare_shown(fields, sh, r);
		return LOA_OK;
	}
	loa_buf canon;
	loa_buf_init(&canon, MAX_DOC);
	loa_err e;
	int rc = loa_jcs(fields, &canon, &e);
	if (rc == LOA_ENOMEM) {
		loa_buf_release(&canon);
		return rc;
	}
	bool good = rc == LOA_OK && loa_verify_raw(k->pk, canon.data, canon.len, value);
	loa_buf_release(&canon);
	const char *inner_kid = json_string_value(json_object_get(fields, "key_id"));
	compare_shown(fields, sh, r);
	if (!good || !inner_kid || strcmp(inner_kid, key_id) != 0) {
		r->status = LOA_VERIFY_BAD_SIG;
		snprintf(r->detail, sizeof r->detail,
			 "chữ ký không khớp với các trường đã ký (bị sửa hoặc giả mạo)%s%s / signature does not match "
			 "the signed fields (altered or forged)",
			 r->fields[0] ? "; trường khác bản hiển thị: " : "", r->fields);
		return LOA_OK;
	}
	const char *sat = json_string_value(json_object_get(fields, "signed_at"));
	loa_ms at;
	if (!sat || loa_time_parse_rfc3339(sat, strlen(sat), &at) ||
	    (k->valid_from != LOA_TIME_NONE && at < k->valid_from) || (k->valid_to != LOA_TIME_NONE && at >= k->valid_to)) {
		r->status = LOA_VERIFY_KEY_EXPIRED;
		snprintf(r->detail, sizeof r->detail, "ký ngoài thời hạn hiệu lực của khoá %s / signed outside the "
			 "validity of key %s", key_id, key_id);
		return LOA_OK;
	}
	if (r->fields[0]) {
		r->status = LOA_VERIFY_ALTERED;
		snprintf(r->detail, sizeof r->detail, "chữ ký đúng nhưng nội dung hiển thị đã bị sửa: %s / signature "
			 "valid but the shown content changed: %s", r->fields, r->fields);
		return LOA_OK;
	}
	r->status = LOA_VERIFY_OK;
	snprintf(r->detail, sizeof r->detail, "đã xác thực, khoá %s / verified with key %s", key_id, key_id);
	return LOA_OK;
}

int loa_verify_entry(const loa_keyring *kr, const char *sig_json, size_t sig_len, const loa_shown_entry *shown,
		     loa_verify_result *res, loa_err *err)
{
	json_t *sig = NULL;
	if (sig_json) {
		sig = json_loadb(sig_json, sig_len, JSON_REJECT_DUPLICATES, NULL);
		if (!sig) {
			memset(res, 0, sizeof *res);
			res->status = LOA_VERIFY_MALFORMED;
			snprintf(res->detail, sizeof res->detail, "chữ ký không phải JSON / signature is not JSON");
			return LOA_OK;
		}
	}
	int rc = verify_obj(kr, sig, shown, res);
	json_decref(sig);
	return rc;
}

/* ---- documents ---- */

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	/* a UTF-8 byte order mark */
	if (end - p >= 3 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb && (unsigned char)p[2] == 0xbf)
		p = skip_ws(p + 3, end);
	return p;
}

static loa_ms time_of(json_t *v)
{
	const char *s = json_string_value(v);
	loa_ms t;
	if (s && loa_time_parse_rfc3339(s, strlen(s), &t) == LOA_OK)
		return t;
	return LOA_TIME_NONE;
}

typedef struct vctx {
	const loa_keyring *kr;
	loa_verify_cb cb;
	void *arg;
	int ok, total;
} vctx;

static int report(vctx *v, const char *id, json_t *sig, const loa_shown_entry *sh)
{
	loa_verify_result r;
	int rc = verify_obj(v->kr, sig, sh, &r);
	if (rc)
		return rc;
	if (r.status != LOA_VERIFY_UNSIGNED)
		v->total++;
	if (r.status == LOA_VERIFY_OK)
		v->ok++;
	return v->cb ? v->cb(v->arg, id ? id : "-", &r) : 0;
}

static int verify_json(vctx *v, json_t *doc, loa_err *err)
{
	json_t *items = json_object_get(doc, "items");
	const char *ver = json_string_value(json_object_get(doc, "version"));
	if (ver && strncmp(ver, "https://jsonfeed.org/version/", 29) == 0 && json_is_array(items)) {
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			loa_shown_entry sh = {0};
			sh.id = json_string_value(json_object_get(it, "id"));
			sh.link = json_string_value(json_object_get(it, "url"));
			sh.title = json_string_value(json_object_get(it, "title"));
			sh.text = json_string_value(json_object_get(it, "content_text"));
			sh.published = time_of(json_object_get(it, "date_published"));
			sh.updated = time_of(json_object_get(it, "date_modified"));
			int rc = report(v, sh.id, json_object_get(it, "_loa_signature"), &sh);
			if (rc)
				return rc;
		}
		return LOA_OK;
	}
	if (json_is_object(json_object_get(doc, "item")))
		doc = json_object_get(doc, "item");
	if (json_object_get(doc, "signed") && json_object_get(doc, "sig")) {
		json_t *f = json_object_get(doc, "signed");
		return report(v, json_string_value(json_object_get(f, "id")), doc, NULL);
	}
	if (json_is_object(json_object_get(doc, "signature"))) {
		loa_shown_entry sh = {0};
		sh.id = json_string_value(json_object_get(doc, "url"));
		sh.title = json_string_value(json_object_get(doc, "title"));
		sh.text = json_string_value(json_object_get(doc, "body"));
		sh.published = time_of(json_object_get(doc, "published"));
		sh.updated = time_of(json_object_get(doc, "updated"));
		return report(v, sh.id, json_object_get(doc, "signature"), &sh);
	}
	return loa_err_set(err, LOA_EPARSE, "JSON này không phải JSON Feed, tin hay chữ ký của loa / this JSON is "
			   "not a JSON Feed, a loa item or a loa signature");
}

static json_t *sig_from_xml(xmlNode *n)
{
	xmlChar *alg = xmlGetProp(n, BAD_CAST "alg"), *kid = xmlGetProp(n, BAD_CAST "key-id"),
		*keys = xmlGetProp(n, BAD_CAST "keys"), *val = xmlGetProp(n, BAD_CAST "value"),
		*txt = xmlNodeGetContent(n);
	json_t *signed_fields = txt ? json_loads((const char *)txt, JSON_REJECT_DUPLICATES, NULL) : NULL;
	json_t *sig = json_object();
	if (alg)
		json_object_set_new(sig, "alg", json_string((const char *)alg));
	if (kid)
		json_object_set_new(sig, "key_id", json_string((const char *)kid));
	if (keys)
		json_object_set_new(sig, "keys", json_string((const char *)keys));
	if (val)
		json_object_set_new(sig, "sig", json_string((const char *)val));
	if (signed_fields)
		json_object_set_new(sig, "signed", signed_fields);
	xmlFree(alg);
	xmlFree(kid);
	xmlFree(keys);
	xmlFree(val);
	xmlFree(txt);
	return sig;
}

static bool is_el(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0;
}

static xmlNode *sig_child(xmlNode *entry)
{
	for (xmlNode *c = entry->children; c; c = c->next)
		if (is_el(c, "signature") && c->ns && xmlStrcmp(c->ns->href, BAD_CAST LOA_SIG_NS) == 0)
			return c;
	return NULL;
}

static int verify_xml(vctx *v, const char *body, size_t len, const char *ctype, loa_err *err)
{
	xmlDocPtr doc = xmlReadMemory(body, (int)len, NULL, NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return loa_err_set(err, LOA_EPARSE, "XML không hợp lệ / malformed XML");
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlNode *container = root;
	const char *entry_name = "entry";
	if (root && is_el(root, "rss")) {
		container = NULL;
		for (xmlNode *c = root->children; c; c = c->next)
			if (is_el(c, "channel"))
				container = c;
		entry_name = "item";
	} else if (!root || !is_el(root, "feed")) {
		xmlFreeDoc(doc);
		return loa_err_set(err, LOA_EPARSE, "không phải Atom hay RSS / not an Atom or RSS feed");
	}
	loa_feed_input in = {0};
	in.body = body;
	in.len = len;
	in.content_type = ctype;
	loa_feed *f = NULL;
	int rc = loa_feed_parse(&in, &f, err);
	if (rc) {
		xmlFreeDoc(doc);
		return rc;
	}
	size_t idx = 0;
	for (xmlNode *c = container ? container->children : NULL; c && rc == LOA_OK; c = c->next) {
		if (!is_el(c, entry_name))
			continue;
		const loa_feed_entry *e = idx < f->nentries ? &f->entries[idx] : NULL;
		idx++;
		xmlNode *sn = sig_child(c);
		json_t *sig = sn ? sig_from_xml(sn) : NULL;
		loa_shown_entry sh = {0};
		sh.published = sh.updated = LOA_TIME_NONE;
		if (e) {
			sh.id = e->id;
			sh.link = e->link;
			sh.title = e->title.text ? e->title.text : e->title.value;
			if (e->ncontent && e->content[0].text)
				sh.text = e->content[0].text;
			else if (entry_name[0] == 'i' && e->summary.text)
				sh.text = e->summary.text; /* RSS description */
			sh.published = e->published;
			sh.updated = e->updated;
		}
		rc = report(v, sh.id, sig, &sh);
		json_decref(sig);
	}
	loa_feed_free(f);
	xmlFreeDoc(doc);
	return rc;
}

static xmlNode *find_id(xmlNode *n, const char *id)
{
	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE) {
			xmlChar *v = xmlGetProp(n, BAD_CAST "id");
			bool hit = v && strcmp((const char *)v, id) == 0;
			xmlFree(v);
			if (hit)
				return n;
			xmlNode *c = find_id(n->children, id);
			if (c)
				return c;
		}
	}
	return NULL;
}

static int verify_html(vctx *v, const char *body, size_t len, loa_err *err)
{
	htmlDocPtr doc = htmlReadMemory(body, (int)len, NULL, "UTF-8",
					HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER);
	if (!doc)
		return loa_err_set(err, LOA_EPARSE, "HTML không đọc được / unreadable HTML");
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlNode *sn = find_id(root, "loa-signature");
	int rc;
	if (!sn) {
		rc = loa_err_set(err, LOA_EPARSE, "trang không mang chữ ký loa / the page carries no loa signature");
	} else {
		xmlChar *sj = xmlNodeGetContent(sn);
		json_t *sig = sj ? json_loads((const char *)sj, JSON_REJECT_DUPLICATES, NULL) : NULL;
		xmlFree(sj);
		xmlNode *tn = find_id(root, "loa-title"), *bn = find_id(root, "loa-body"),
			*pn = find_id(root, "loa-published"), *un = find_id(root, "loa-updated"),
			*in = find_id(root, "loa-id");
		xmlChar *title = tn ? xmlNodeGetContent(tn) : NULL, *text = bn ? xmlNodeGetContent(bn) : NULL;
		xmlChar *pub = pn ? xmlGetProp(pn, BAD_CAST "datetime") : NULL;
		xmlChar *upd = un ? xmlGetProp(un, BAD_CAST "datetime") : NULL;
		xmlChar *id = in ? xmlGetProp(in, BAD_CAST "href") : NULL;
		loa_shown_entry sh = {0};
		sh.title = (const char *)title;
		sh.text = (const char *)text;
		sh.id = (const char *)id;
		sh.published = sh.updated = LOA_TIME_NONE;
		if (pub)
			loa_time_parse_rfc3339((const char *)pub, strlen((const char *)pub), &sh.published);
		if (upd)
			loa_time_parse_rfc3339((const char *)upd, strlen((const char *)upd), &sh.updated);
		rc = report(v, sh.id, sig ? sig : NULL, &sh);
		json_decref(sig);
		xmlFree(title);
		xmlFree(text);
		xmlFree(pub);
		xmlFree(upd);
		xmlFree(id);
	}
	xmlFreeDoc(doc);
	return rc;
}

int loa_verify_document(const loa_keyring *kr, const char *body, size_t len, const char *content_type,
			loa_verify_cb cb, void *arg, int *ok, int *total, loa_err *err)
{
	if (!body || len > MAX_DOC || len > (size_t)0x7fffffff)
		return loa_err_set(err, LOA_ETOOBIG, "tài liệu quá lớn / document too large");
	vctx v = {kr, cb, arg, 0, 0};
	const char *p = skip_ws(body, body + len);
	int rc;
	if (p < body + len && (*p == '{' || *p == '[')) {
		json_error_t je;
		json_t *doc = json_loadb(p, (size_t)(body + len - p), JSON_REJECT_DUPLICATES, &je);
		if (!doc)
			return loa_err_set(err, LOA_EPARSE, "JSON không hợp lệ / malformed JSON: %s", je.text);
		rc = verify_json(&v, doc, err);
		json_decref(doc);
	} else {
		/* body is not NUL-terminated: compare within what is left after
		 * the white space */
		size_t rest = (size_t)(body + len - p);
		bool html = (content_type && strstr(content_type, "html")) ||
			    (rest >= 14 && strncasecmp(p, "<!doctype html", 14) == 0) ||
			    (rest >= 5 && strncasecmp(p, "<html", 5) == 0);
		rc = html ? verify_html(&v, body, len, err) : verify_xml(&v, body, len, content_type, err);
	}
	if (ok)
		*ok = v.ok;
	if (total)
		*total = v.total;
	return rc;
}

/* ---- recording (N6) ---- */

static int record(loa_store *s, const char *source, const char *entry_id, const loa_verify_result *r, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(s, "INSERT INTO net_entry_status(source, entry_id, status, key_id, detail, checked_at) "
				   "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(source, entry_id) DO UPDATE SET "
				   "status = excluded.status, key_id = excluded.key_id, detail = excluded.detail, "
				   "checked_at = excluded.checked_at", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_text(st, 1, source ? source : "");
	loa_sql_bind_text(st, 2, entry_id);
	loa_sql_bind_text(st, 3, loa_verify_status_name(r->status));
	loa_sql_bind_text(st, 4, r->key_id[0] ? r->key_id : NULL);
	loa_sql_bind_text(st, 5, r->fields[0] ? r->fields : r->detail);
	loa_sql_bind_i64(st, 6, loa_now_ms());
	return loa_sql_run(st, err);
}

typedef struct rec_ctx {
	loa_store *s;
	const char *source;
	loa_err *err;
} rec_ctx;

static int record_cb(void *arg, const char *entry_id, const loa_verify_result *r)
{
	rec_ctx *c = arg;
	if (r->status == LOA_VERIFY_UNSIGNED)
		return 0;
	return record(c->s, c->source, entry_id, r, c->err);
}

int loa_network_verify_feed(loa_store *s, const char *source, const char *body, size_t len,
			    const char *content_type, int *signed_n, int *verified_n, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	if (signed_n)
		*signed_n = 0;
	if (verified_n)
		*verified_n = 0;
	/* cheap test first: most feeds carry no loa signature */
	if (!body || len < 16 || (!memmem(body, len, LOA_SIG_NS, strlen(LOA_SIG_NS)) &&
				  !memmem(body, len, "_loa_signature", 14)))
		return LOA_OK;
	loa_keyring *kr = loa_keyring_new();
	if (!kr)
		return LOA_ENOMEM;
	if ((rc = loa_keyring_add_store(kr, s, err)) == LOA_OK) {
		rec_ctx c = {s, source, err};
		loa_err e2;
		int ok = 0, total = 0;
		rc = loa_verify_document(kr, body, len, content_type, record_cb, &c, &ok, &total, &e2);
		if (rc == LOA_EPARSE)
			rc = LOA_OK; /* not a document we can read: nothing recorded */
		if (signed_n)
			*signed_n = total;
		if (verified_n)
			*verified_n = ok;
	}
	loa_keyring_free(kr);
	return rc;
}

int loa_network_verify_entry(loa_store *s, const char *source, const char *entry_id, const char *sig_json,
			     const loa_shown_entry *shown, loa_verify_result *res, loa_err *err)
{
	int rc = loa_network_migrate(s, err);
	if (rc)
		return rc;
	loa_keyring *kr = loa_keyring_new();
	if (!kr)
		return LOA_ENOMEM;
	loa_verify_result r;
	if ((rc = loa_keyring_add_store(kr, s, err)) == LOA_OK &&
	    (rc = loa_verify_entry(kr, sig_json, sig_json ? strlen(sig_json) : 0, shown, &r, err)) == LOA_OK) {
		if (r.status != LOA_VERIFY_UNSIGNED)
			rc = record(s, source, entry_id, &r, err);
		if (res)
			*res = r;
	}
	loa_keyring_free(kr);
	return rc;
}

int loa_network_entry_status(loa_store *s, const char *source, const char *entry_id, char out[32], loa_err *err)
{
	out[0] = '\0';
	loa_stmt *st;
	int rc = loa_sql_cached(s, "SELECT status FROM net_entry_status WHERE source = ?1 AND entry_id = ?2", &st, err);
	if (rc)
		return rc;
	loa_sql_bind_text(st, 1, source);
	loa_sql_bind_text(st, 2, entry_id);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW)
		loa_strlcpy(out, loa_sql_col_text(st, 0), 32);
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}

int loa_network_ingest_verify(void *arg, loa_store *s, const char *source, const char *body,
			      size_t len, const char *content_type)
{
	int signed_n = 0, verified_n = 0;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_network_verify_feed(s, source, body, len, content_type, &signed_n, &verified_n,
					 &err);
	if (rc)
		loa_warn("ingest.verify", "source=%s msg=%s", source, loa_err_msg(&err));
	else if (signed_n)
		loa_info("ingest.verify", "source=%s signed=%d verified=%d", source, signed_n, verified_n);
	return rc;
}
