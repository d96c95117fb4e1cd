/*
 * qa.c - answers as JSON: ranked articles with citations, passages and
 * highlights (or an abstention); a record's status with the article that
 * sets its time limit.
 */
#include "qa/qa.h"
#include "core/buf.h"
#include "core/str.h"
#include "core/utf8.h"
#include "qa/cases.h"
#include "qa/laws.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

int32_t loa_qa_today(void)
{
	return (int32_t)loa_vn_day(loa_now_ms());
}

char *loa_qa_day_str(int64_t day, char *out)
{
	int64_t y;
	unsigned m, d;
	loa_civil_from_days(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02u-%02u", (int)(y % 10000), m % 100, d % 100);
	return out;
}

int loa_qa_calendar_config(const loa_config *cfg, loa_calendar *cal, loa_err *err)
{
	loa_calendar_init(cal);
	int rc = loa_calendar_add_days(cal, loa_config_get(cfg, "calendar.days_off"), true, err);
	if (!rc)
		rc = loa_calendar_add_days(cal, loa_config_get(cfg, "calendar.work_days"), false, err);
	return rc;
}

int loa_qa_params_config(const loa_config *cfg, loa_qa_params *p, loa_err *err)
{
	loa_qa_params_default(p);
	const char *m = cfg ? loa_config_get(cfg, "qa.model") : NULL;
	if (m && *m)
		return loa_qa_params_load(p, m, err);
	return LOA_OK;
}

/* Character offset of byte offset b in s. */
static size_t char_off(const char *s, size_t b)
{
	return loa_utf8_count(s, b);
}

static json_t *article_json(const loa_law_article_rec *r)
{
	loa_buf cit;
	loa_buf_init(&cit, 4 * LOA_LAW_FIELD_MAX);
	loa_law_citation(r, &cit);
	json_t *doc = json_pack("{s:s,s:s,s:s}", "number", r->doc_number, "type", r->doc_type, "title",
				r->doc_title);
	if (r->issuer[0])
		json_object_set_new(doc, "issuer", json_string(r->issuer));
	if (r->issued[0])
		json_object_set_new(doc, "issued", json_string(r->issued));
	if (r->effective[0])
		json_object_set_new(doc, "effective", json_string(r->effective));
	if (r->expiry[0])
		json_object_set_new(doc, "expiry", json_string(r->expiry));
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:o,s:s}", "article_id", (json_int_t)r->id, "citation",
			      cit.data ? cit.data : "", "article", r->number, "title", r->title,
			      "document", doc, "text", r->body ? r->body : "");
	if (r->valid_from[0])
		json_object_set_new(o, "valid_from", json_string(r->valid_from));
	if (r->valid_to[0])
		json_object_set_new(o, "valid_to", json_string(r->valid_to));
	if (r->amended_by[0])
		json_object_set_new(o, "amended_by", json_string(r->amended_by));
	loa_buf_release(&cit);
	return o;
}

/* Adds passage and highlights of hit h (offsets into the body of the
 * index, which is the stored body) to o. */
static void passage_json(const loa_qa_index *ix, const loa_qa_hit *h, json_t *o)
{
	size_t bl;
	const char *body = loa_qa_index_body(ix, h->doc, &bl);
	size_t ps = h->pass_start < bl ? h->pass_start : bl;
	size_t pe = h->pass_end < bl ? h->pass_end : bl;
	if (pe < ps)
		pe = ps;
	json_object_set_new(o, "passage", json_stringn(body + ps, pe - ps));
	json_t *hl = json_array();
	for (size_t i = 0; i < h->nhl; i++) {
		size_t s = h->hl[i][0], e = h->hl[i][1];
		if (s < ps || e > pe || e <= s)
			continue;
		json_array_append_new(hl, json_pack("[I,I]", (json_int_t)char_off(body + ps, s - ps),
						    (json_int_t)char_off(body + ps, e - ps)));
	}
	json_object_set_new(o, "highlights", hl);
	json_object_set_new(o, "score", json_real((double)(int)(h->score * 10000) / 10000));
	json_object_set_new(o, "confidence", json_real((double)(int)(h->confidence * 10000) / 10000));
}

int loa_qa_answer(loa_store *s, const loa_qa_index *ix, loa_qa_scratch *scr, const char *q,
		  size_t qn, int32_t as_of_day, size_t limit, json_t **out, loa_err *err)
{
	*out = NULL;
	if (limit == 0)
		limit = 5;
	if (limit > LOA_QA_LIMIT_MAX)
		limit = LOA_QA_LIMIT_MAX;
	loa_qa_hit *hits = calloc(limit, sizeof *hits);
	if (!hits)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	size_t nh = 0;
	int rc = loa_qa_search(ix, scr, q, qn, as_of_day, hits, limit, &nh, err);
	if (rc) {
		free(hits);
		return rc;
	}
	loa_buf rw;
	loa_buf_init(&rw, 4 * LOA_QA_QUERY_MAX + 64);
	bool folded = false;
	loa_qa_rewrite(ix, q, qn, &rw, &folded);
	json_t *o = json_pack("{s:s%,s:s,s:b}", "question", q, qn, "rewritten", rw.data ? rw.data : "",
			      "without_diacritics", folded);
	loa_buf_release(&rw);
	if (!o) { /* not UTF-8 */
		free(hits);
		return loa_err_set(err, LOA_EINVAL, "câu hỏi không phải UTF-8 / question is not UTF-8");
	}
	char ds[16];
	if (as_of_day != LOA_QA_DAY_MIN)
		json_object_set_new(o, "as_of", json_string(loa_qa_day_str(as_of_day, ds)));
	double min_conf = loa_qa_index_params(ix)->min_conf;
	bool abstain = nh == 0 || hits[0].confidence < min_conf;
	json_object_set_new(o, "abstained", json_boolean(abstain));
	json_t *arr = json_array();
	if (abstain) {
		json_object_set_new(o, "message", json_string(LOA_QA_ABSTAIN_MSG));
		if (nh)
			json_object_set_new(o, "best_confidence",
					    json_real((double)(int)(hits[0].confidence * 10000) / 10000));
	}
	for (size_t i = 0; i < nh && !abstain; i++) {
		loa_law_article_rec r;
		int64_t key = loa_qa_index_key(ix, hits[i].doc);
		if (s) {
			if ((rc = loa_law_article_by_id(s, key, &r, err)))
				break;
		} else { /* an index without a store (ALQAC files): what the index holds */
			memset(&r, 0, sizeof r);
			r.id = key;
			size_t tl;
			const char *t = loa_qa_index_title(ix, hits[i].doc, &tl);
			loa_strlcpy(r.doc_title, loa_qa_index_law(ix, hits[i].doc), sizeof r.doc_title);
			loa_strlcpy(r.doc_number, r.doc_title, sizeof r.doc_number);
			snprintf(r.title, sizeof r.title, "%.*s", (int)(tl < 1000 ? tl : 1000), t);
			r.body = strdup(loa_qa_index_body(ix, hits[i].doc, NULL));
		}
		json_t *a = article_json(&r);
		loa_law_article_rec_release(&r);
		passage_json(ix, &hits[i], a);
		json_array_append_new(arr, a);
	}
	free(hits);
	json_object_set_new(o, "answers", arr);
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return LOA_OK;
}

int loa_qa_case_answer(loa_store *s, const loa_calendar *cal, const loa_qa_index *ix,
		       loa_qa_scratch *scr, const char *code, const char *phone, loa_ms now,
		       json_t **out, loa_err *err)
{
	*out = NULL;
	loa_case_view v;
	int rc = loa_case_lookup(s, cal, code, phone, now, &v, err);
	if (rc)
		return rc;
	char sd[16], dd[16], fd[16];
	json_error_t je;
	json_t *hist = json_loads(v.history, 0, &je);
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:i,s:s,s:b,s:b,s:i,s:o*}", "code", v.code, "procedure",
			      v.procedure, "status", v.status, "submitted",
			      loa_qa_day_str(v.submitted_day, sd), "limit_working_days", v.limit_days,
			      "due", loa_qa_day_str(v.due_day, dd), "done", v.done, "late", v.late,
			      "elapsed_working_days", v.elapsed_working_days, "history", hist);
	if (v.agency[0])
		json_object_set_new(o, "agency", json_string(v.agency));
	if (v.done)
		json_object_set_new(o, "finished", json_string(loa_qa_day_str(v.finished_day, fd)));
	if (v.late) {
		json_object_set_new(o, "late_working_days", json_integer(v.late_working_days));
		json_object_set_new(o, "late_days", json_integer(v.late_days));
	}
	/* a sentence for people */
	loa_buf msg;
	loa_buf_init(&msg, 4096);
	char due_disp[16];
	int64_t y;
	unsigned m, d;
	loa_civil_from_days(v.due_day, &y, &m, &d);
	snprintf(due_disp, sizeof due_disp, "%02u/%02u/%04d", d % 100, m % 100, (int)(y % 10000));
	if (v.done && !v.late)
		loa_buf_printf(&msg, "Hồ sơ %s đã có kết quả, đúng hạn (hạn %s).", v.code, due_disp);
	else if (v.done)
		loa_buf_printf(&msg, "Hồ sơ %s đã có kết quả, trễ %d ngày làm việc so với hạn %s.", v.code,
			       v.late_working_days, due_disp);
	else if (v.late)
		loa_buf_printf(&msg,
			       "Hồ sơ %s (%s) đang ở trạng thái \"%s\" và đã quá hạn giải quyết %d ngày "
			       "làm việc (hạn %s, thời hạn %d ngày làm việc). Bạn có quyền đề nghị cơ quan "
			       "giải quyết trả lời bằng văn bản lý do chậm trễ.",
			       v.code, v.procedure, v.status, v.late_working_days, due_disp, v.limit_days);
	else
		loa_buf_printf(&msg,
			       "Hồ sơ %s (%s) đang ở trạng thái \"%s\", chưa quá hạn: hạn giải quyết là %s "
			       "(%d ngày làm việc; đã qua %d ngày làm việc, không tính ngày nghỉ, lễ, Tết).",
			       v.code, v.procedure, v.status, due_disp, v.limit_days,
			       v.elapsed_working_days);
	json_object_set_new(o, "message", json_string(msg.data ? msg.data : ""));
	loa_buf_release(&msg);
	/* the article that sets the time limit */
	json_t *law = NULL;
	if (v.law_doc[0] && v.law_article[0]) {
		loa_law_article_rec r;
		if (loa_law_article_find(s, v.law_doc, v.law_article, (int32_t)v.submitted_day, &r,
					 NULL) == LOA_OK ||
		    loa_law_article_find(s, v.law_doc, v.law_article, LOA_QA_DAY_MIN, &r, NULL) == LOA_OK) {
			law = article_json(&r);
			loa_law_article_rec_release(&r);
		}
	}
	if (!law && ix) {
		loa_buf q;
		loa_buf_init(&q, 2048);
		loa_buf_printf(&q, "thời hạn giải quyết %s", v.procedure);
		json_t *ans = NULL;
		if (q.data && loa_qa_answer(s, ix, scr, q.data, q.len, (int32_t)v.submitted_day, 1, &ans,
					    NULL) == LOA_OK) {
			json_t *arr = json_object_get(ans, "answers");
			if (json_array_size(arr))
				law = json_incref(json_array_get(arr, 0));
		}
		json_decref(ans);
		loa_buf_release(&q);
	}
	if (law)
		json_object_set_new(o, "law", law);
	loa_case_view_release(&v);
	*out = o;
	return LOA_OK;
}
