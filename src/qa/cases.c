/*
 * cases.c - application records: import (JSON lines, CSV rows), keyed
 * phone hashes, status lookup with due dates on the business calendar.
 */
#include "qa/cases.h"
#include "core/str.h"
#include "core/utf8.h"
#include "text/text.h"
#include "qa/laws.h"
#include "store/sql.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define HASH_LEN 32

/* Words of a status that mean the record is finished. */
static const char *const done_words[] = {"đã trả kết quả", "trả kết quả", "hoàn thành",
					  "đã giải quyết", "đã hoàn thành", "đã trả", "done",
					  "finished", NULL};

int loa_phone_normalize(const char *in, char out[16])
{
	char d[32];
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n + 1 >= sizeof d)
				return LOA_EINVAL;
			d[n++] = *p;
		} else if (!strchr(" +.-()", *p)) {
			return LOA_EINVAL;
		}
	}
	d[n] = '\0';
	const char *digits = d;
	char tmp[32];
	if (n >= 11 && d[0] == '8' && d[1] == '4') {
		snprintf(tmp, sizeof tmp, "0%s", d + 2);
		digits = tmp;
	}
	size_t k = strlen(digits);
	if (k < 9 || k > 11 || digits[0] != '0')
		return LOA_EINVAL;
	memcpy(out, digits, k + 1);
	return LOA_OK;
}

/* The database's phone-hash key (created on first use). */
static int phone_key(loa_store *s, unsigned char key[crypto_generichash_KEYBYTES], loa_err *err)
{
	static const char get[] = "SELECT value FROM qa_meta WHERE key = 'phone_key'";
	static const char put[] = "INSERT OR IGNORE INTO qa_meta(key, value) VALUES('phone_key', ?1)";
	for (int attempt = 0; attempt < 2; attempt++) {
		loa_stmt *st;
		int rc = loa_sql_cached(s, get, &st, err);
		if (rc)
			return rc;
		rc = loa_sql_step(st, err);
		if (rc == LOA_SQL_ROW) {
			const char *hex = loa_sql_col_text(st, 0);
			size_t bin = 0;
			int bad = !hex || sodium_hex2bin(key, crypto_generichash_KEYBYTES, hex, strlen(hex),
							 NULL, &bin, NULL) != 0 ||
				  bin != crypto_generichash_KEYBYTES;
			loa_sql_reset(st);
			return bad ? loa_err_set(err, LOA_EDB, "qa_meta.phone_key hỏng / corrupt") : LOA_OK;
		}
		loa_sql_reset(st);
		if (rc < 0)
			return rc;
		unsigned char k[crypto_generichash_KEYBYTES];
		char hex[2 * crypto_generichash_KEYBYTES + 1];
		randombytes_buf(k, sizeof k);
		sodium_bin2hex(hex, sizeof hex, k, sizeof k);
		if ((rc = loa_sql_cached(s, put, &st, err)))
			return rc;
		loa_sql_bind_text(st, 1, hex);
		if ((rc = loa_sql_run(st, err)))
			return rc;
	}
	return loa_err_set(err, LOA_EDB, "cannot create the phone key");
}

static int phone_hash(loa_store *s, const char *phone, unsigned char out[HASH_LEN], loa_err *err)
{
	unsigned char key[crypto_generichash_KEYBYTES];
	int rc = phone_key(s, key, err);
	if (rc)
		return rc;
	crypto_generichash(out, HASH_LEN, (const unsigned char *)phone, strlen(phone), key, sizeof key);
	sodium_memzero(key, sizeof key);
	return LOA_OK;
}

/* A time: RFC 3339, or YYYY-MM-DD (00:00 in Vietnam). */
static int parse_when(const char *s, loa_ms *out)
{
	if (!s)
		return LOA_EINVAL;
	size_t n = strlen(s);
	if (n == 10) {
		int32_t day;
		if (loa_law_parse_day(s, &day))
			return LOA_EPARSE;
		*out = (loa_ms)day * 86400000 - (loa_ms)LOA_VN_OFFSET_MIN * 60000;
		return LOA_OK;
	}
	return loa_time_parse_rfc3339(s, n, out);
}

static bool is_done(const char *status)
{
	loa_buf b;
	loa_buf_init(&b, 4 * LOA_CASE_FIELD_MAX + 16);
	bool done = false;
	if (loa_text_normalize(status, strlen(status), LOA_NORM_MATCH, &b) == LOA_OK && b.len) {
		loa_str t = loa_str_trim((loa_str){b.data, b.len});
		for (int i = 0; done_words[i] && !done; i++)
			done = loa_str_eqc(t, done_words[i]);
	}
	loa_buf_release(&b);
	return done;
}

typedef struct case_in {
	const char *code, *procedure, *phone, *agency, *status, *submitted, *finished;
	const char *law_doc, *law_article;
	int64_t limit;
	json_t *history; /* array, owned by the caller */
} case_in;

static int field_ok(const char *v, const char *name, size_t max, bool required, loa_err *err)
{
	if (!v || !*v)
		return required ? loa_err_set(err, LOA_EINVAL, "thiếu trường / missing field \"%s\"", name)
				: LOA_OK;
	if (strlen(v) > max)
		return loa_err_set(err, LOA_EINVAL, "trường \"%s\" quá dài / field \"%s\" too long", name,
				   name);
	if (!loa_utf8_valid(v, strlen(v)))
		return loa_err_set(err, LOA_EINVAL, "trường \"%s\" không phải UTF-8 / not UTF-8", name);
	return LOA_OK;
}

static int store_case(loa_store *s, case_in *c, loa_err *err)
{
	int rc;
	if ((rc = field_ok(c->code, "code", LOA_CASE_CODE_MAX, true, err)) ||
	    (rc = field_ok(c->procedure, "procedure", LOA_CASE_FIELD_MAX, true, err)) ||
	    (rc = field_ok(c->phone, "phone", 32, true, err)) ||
	    (rc = field_ok(c->agency, "agency", LOA_CASE_FIELD_MAX, false, err)) ||
	    (rc = field_ok(c->status, "status", LOA_CASE_FIELD_MAX, false, err)) ||
	    (rc = field_ok(c->law_doc, "law_document", LOA_CASE_FIELD_MAX, false, err)) ||
	    (rc = field_ok(c->law_article, "law_article", 16, false, err)))
		return rc;
	for (const char *p = c->code; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      *p == '-' || *p == '.' || *p == '/' || *p == '_'))
			return loa_err_set(err, LOA_EINVAL,
					   "mã hồ sơ chỉ gồm chữ, số, - . / _ / bad record code '%s'",
					   c->code);
	char phone[16];
	if (loa_phone_normalize(c->phone, phone))
		return loa_err_set(err, LOA_EINVAL, "số điện thoại không hợp lệ / bad phone number");
	loa_ms submitted, finished = LOA_TIME_NONE;
	if (parse_when(c->submitted, &submitted))
		return loa_err_set(err, LOA_EINVAL,
				   "ngày nộp không hợp lệ / bad \"submitted\" (RFC 3339 or YYYY-MM-DD)");
	if (c->limit < 0 || c->limit > LOA_CASE_LIMIT_MAX)
		return loa_err_set(err, LOA_EINVAL,
				   "thời hạn không hợp lệ / bad \"limit_days\" (0..%d working days)",
				   LOA_CASE_LIMIT_MAX);
	/* history: [{at, status, note?}], oldest first; the last gives the status */
	json_t *hist = json_array();
	const char *status = c->status;
	size_t i;
	json_t *h;
	if (c->history && !json_is_array(c->history)) {
		json_decref(hist);
		return loa_err_set(err, LOA_EINVAL, "\"history\" phải là mảng / must be an array");
	}
	if (json_array_size(c->history) > LOA_CASE_HISTORY_MAX) {
		json_decref(hist);
		return loa_err_set(err, LOA_EINVAL, "\"history\" quá dài / too long");
	}
	json_array_foreach(c->history, i, h) {
		const char *at = NULL, *st = NULL, *note = NULL;
		loa_ms t;
		if (json_unpack(h, "{s:s,s:s,s?s}", "at", &at, "status", &st, "note", &note) ||
		    parse_when(at, &t) || field_ok(st, "status", LOA_CASE_FIELD_MAX, true, err) ||
		    field_ok(note, "note", 4 * LOA_CASE_FIELD_MAX, false, err)) {
			json_decref(hist);
			return loa_err_set(err, LOA_EINVAL,
					   "\"history\"[%zu] cần {at, status, note?} / needs {at, status, "
					   "note?}",
					   i);
		}
		char ts[LOA_TIME_STR_MAX];
		json_array_append_new(hist, json_pack("{s:s,s:s,s:s?}", "at", loa_time_format_rfc3339(t, ts),
						      "status", st, "note", note));
		status = st;
		if (is_done(st) && finished == LOA_TIME_NONE)
			finished = t;
	}
	if (!status || !*status)
		status = "Đã tiếp nhận";
	if (c->finished && *c->finished && parse_when(c->finished, &finished)) {
		json_decref(hist);
		return loa_err_set(err, LOA_EINVAL, "\"finished\" không hợp lệ / bad \"finished\"");
	}
	if (finished != LOA_TIME_NONE && !is_done(status) && !(c->finished && *c->finished))
		finished = LOA_TIME_NONE; /* reopened after a result (e.g. asked to complete it) */
	char *hjson = json_dumps(hist, JSON_COMPACT);
	json_decref(hist);
	unsigned char hash[HASH_LEN];
	if (!hjson)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	if ((rc = phone_hash(s, phone, hash, err))) {
		free(hjson);
		return rc;
	}
	static const char sql[] =
		"INSERT INTO qa_cases(code, procedure, phone_hash, agency, submitted, limit_days, status, "
		"finished, history, law_doc, law_article, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		"?8, ?9, ?10, ?11, ?12) ON CONFLICT(code) DO UPDATE SET procedure = excluded.procedure, "
		"phone_hash = excluded.phone_hash, agency = excluded.agency, submitted = "
		"excluded.submitted, limit_days = excluded.limit_days, status = excluded.status, "
		"finished = excluded.finished, history = excluded.history, law_doc = excluded.law_doc, "
		"law_article = excluded.law_article, updated_at = excluded.updated_at";
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, sql, &st, err))) {
		free(hjson);
		return rc;
	}
	loa_sql_bind_text(st, 1, c->code);
	loa_sql_bind_text(st, 2, c->procedure);
	loa_sql_bind_blob(st, 3, hash, sizeof hash);
	loa_sql_bind_text(st, 4, c->agency);
	loa_sql_bind_i64(st, 5, submitted);
	loa_sql_bind_i64(st, 6, c->limit);
	loa_sql_bind_text(st, 7, status);
	if (finished != LOA_TIME_NONE)
		loa_sql_bind_i64(st, 8, finished);
	loa_sql_bind_text(st, 9, hjson);
	loa_sql_bind_text(st, 10, c->law_doc && *c->law_doc ? c->law_doc : NULL);
	loa_sql_bind_text(st, 11, c->law_article && *c->law_article ? c->law_article : NULL);
	loa_sql_bind_i64(st, 12, loa_now_ms());
	rc = loa_sql_run(st, err);
	free(hjson);
	return rc;
}

int loa_case_import_json(loa_store *s, const char *line, size_t n, loa_err *err)
{
	json_error_t je;
	json_t *o = json_loadb(line, n, 0, &je);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		return loa_err_set(err, LOA_EINVAL, "JSON không hợp lệ / bad JSON: %s", o ? "not an object" : je.text);
	}
	case_in c = {0};
	json_t *lim = json_object_get(o, "limit_days"), *law = json_object_get(o, "law");
	c.code = json_string_value(json_object_get(o, "code"));
	c.procedure = json_string_value(json_object_get(o, "procedure"));
	c.phone = json_string_value(json_object_get(o, "phone"));
	c.agency = json_string_value(json_object_get(o, "agency"));
	c.status = json_string_value(json_object_get(o, "status"));
	c.submitted = json_string_value(json_object_get(o, "submitted"));
	c.finished = json_string_value(json_object_get(o, "finished"));
	c.law_doc = json_string_value(json_object_get(law, "document"));
	c.law_article = json_string_value(json_object_get(law, "article"));
	c.history = json_object_get(o, "history");
	int rc;
	if (!json_is_integer(lim))
		rc = loa_err_set(err, LOA_EINVAL, "\"limit_days\" phải là số nguyên / must be an integer");
	else {
		c.limit = json_integer_value(lim);
		rc = store_case(s, &c, err);
	}
	json_decref(o);
	return rc;
}

int loa_case_import_fields(loa_store *s, const char *const *names, const char *const *values,
			   int nfields, loa_err *err)
{
	case_in c = {0};
	const char *limit = NULL, *history = NULL;
	for (int i = 0; i < nfields; i++) {
		const char *k = names[i], *v = values[i];
		if (!strcmp(k, "code")) c.code = v;
		else if (!strcmp(k, "procedure")) c.procedure = v;
		else if (!strcmp(k, "phone")) c.phone = v;
		else if (!strcmp(k, "agency")) c.agency = v;
		else if (!strcmp(k, "status")) c.status = v;
		else if (!strcmp(k, "submitted")) c.submitted = v;
		else if (!strcmp(k, "finished")) c.finished = v;
		else if (!strcmp(k, "limit_days")) limit = v;
		else if (!strcmp(k, "law_document")) c.law_doc = v;
		else if (!strcmp(k, "law_article")) c.law_article = v;
		else if (!strcmp(k, "history")) history = v;
	}
	if (!limit || loa_parse_i64(limit, &c.limit))
		return loa_err_set(err, LOA_EINVAL, "\"limit_days\" phải là số nguyên / must be an integer");
	/* history in CSV: "at|status|note;at|status|note" */
	json_t *h = json_array();
	if (history && *history) {
		loa_str rest = loa_str_c(history);
		while (rest.n) {
			loa_str item = loa_str_split(&rest, ';');
			loa_str a = loa_str_split(&item, '|');
			loa_str st = loa_str_split(&item, '|');
			char ab[64], sb[LOA_CASE_FIELD_MAX + 1], nb[4 * LOA_CASE_FIELD_MAX + 1];
			a = loa_str_trim(a);
			st = loa_str_trim(st);
			item = loa_str_trim(item);
			if (a.n == 0 || a.n >= sizeof ab || st.n == 0 || st.n >= sizeof sb ||
			    item.n >= sizeof nb) {
				json_decref(h);
				return loa_err_set(err, LOA_EINVAL,
						   "\"history\" cần 'at|status|note;…' / expected 'at|status|note;…'");
			}
			memcpy(ab, a.p, a.n);
			ab[a.n] = '\0';
			memcpy(sb, st.p, st.n);
			sb[st.n] = '\0';
			memcpy(nb, item.p, item.n);
			nb[item.n] = '\0';
			json_array_append_new(h, json_pack("{s:s,s:s,s:s}", "at", ab, "status", sb, "note", nb));
		}
	}
	c.history = h;
	int rc = store_case(s, &c, err);
	json_decref(h);
	return rc;
}

void loa_case_view_release(loa_case_view *v)
{
	free(v->history);
	v->history = NULL;
}

int loa_case_lookup(loa_store *s, const loa_calendar *cal, const char *code, const char *phone,
		    loa_ms now, loa_case_view *out, loa_err *err)
{
	memset(out, 0, sizeof *out);
	char ph[16] = "0000000000";
	bool phone_ok = phone && loa_phone_normalize(phone, ph) == LOA_OK;
	unsigned char want[HASH_LEN], dummy[HASH_LEN];
	int rc = phone_hash(s, ph, want, err);
	if (rc)
		return rc;
	memset(dummy, 0xA5, sizeof dummy);
	static const char sql[] =
		"SELECT phone_hash, procedure, agency, status, submitted, limit_days, finished, history, "
		"law_doc, law_article FROM qa_cases WHERE code = ?1";
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, sql, &st, err)))
		return rc;
	loa_sql_bind_text(st, 1, code && strlen(code) <= LOA_CASE_CODE_MAX ? code : "");
	rc = loa_sql_step(st, err);
	if (rc < 0) {
		loa_sql_reset(st);
		return rc;
	}
	const unsigned char *have = dummy;
	size_t hn = HASH_LEN;
	if (rc == LOA_SQL_ROW) {
		const void *b = loa_sql_col_blob(st, 0, &hn);
		if (b && hn == HASH_LEN)
			have = b;
	}
	/* the same comparison whether the code exists or not */
	bool match = sodium_memcmp(have, want, HASH_LEN) == 0 && rc == LOA_SQL_ROW && phone_ok;
	if (!match) {
		loa_sql_reset(st);
		return loa_err_set(err, LOA_ENOTFOUND,
				   "không tìm thấy hồ sơ với mã và số điện thoại này / no record with "
				   "this code and phone number");
	}
	loa_strlcpy(out->code, code, sizeof out->code);
	const char *v;
	loa_strlcpy(out->procedure, (v = loa_sql_col_text(st, 1)) ? v : "", sizeof out->procedure);
	loa_strlcpy(out->agency, (v = loa_sql_col_text(st, 2)) ? v : "", sizeof out->agency);
	loa_strlcpy(out->status, (v = loa_sql_col_text(st, 3)) ? v : "", sizeof out->status);
	out->submitted = loa_sql_col_i64(st, 4);
	out->limit_days = (int)loa_sql_col_i64(st, 5);
	out->finished = loa_sql_col_null(st, 6) ? LOA_TIME_NONE : loa_sql_col_i64(st, 6);
	out->history = strdup((v = loa_sql_col_text(st, 7)) ? v : "[]");
	loa_strlcpy(out->law_doc, (v = loa_sql_col_text(st, 8)) ? v : "", sizeof out->law_doc);
	loa_strlcpy(out->law_article, (v = loa_sql_col_text(st, 9)) ? v : "", sizeof out->law_article);
	loa_sql_reset(st);
	if (!out->history)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	out->submitted_day = loa_vn_day(out->submitted);
	out->due_day = loa_calendar_add_working_days(cal, out->submitted_day, out->limit_days);
	out->done = out->finished != LOA_TIME_NONE;
	int64_t end = out->done ? loa_vn_day(out->finished) : loa_vn_day(now);
	out->finished_day = out->done ? end : 0;
	out->elapsed_working_days = loa_calendar_working_days_between(cal, out->submitted_day, end);
	if (end > out->due_day) {
		out->late = true;
		out->late_days = end - out->due_day;
		out->late_working_days = loa_calendar_working_days_between(cal, out->due_day, end);
	}
	return LOA_OK;
}
