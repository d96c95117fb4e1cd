/*
 * claim.c - false claims: matching (claim.h) and the registry tables.
 */
#include "analyze/claim.h"
#include "analyze/pipeline.h"
#include "analyze/pipeline_int.h"

#include "core/buf.h"
#include "core/str.h"
#include "store/sql.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

typedef struct claim {
	int64_t id;
	uint64_t *terms; /* sorted distinct folded hashes of content words */
	size_t nterms;
	loa_shingles sh;
	char *url; /* canonical rebuttal URL or NULL */
} claim;

struct loa_claimset {
	claim *c;
	size_t n, cap;
	loa_an_doc doc;
};

loa_claimset *loa_claimset_new(void)
{
	loa_claimset *c = calloc(1, sizeof *c);
	if (c)
		loa_an_doc_init(&c->doc);
	return c;
}

void loa_claimset_free(loa_claimset *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->c[i].terms);
		loa_shingles_release(&c->c[i].sh);
		free(c->c[i].url);
	}
	free(c->c);
	loa_an_doc_release(&c->doc);
	free(c);
}

size_t loa_claimset_count(const loa_claimset *c)
{
	return c ? c->n : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The canonical form of a URL for comparison (the store's rules, then no
 * trailing slash). */
static char *canon_url(const char *u)
{
	if (!u || !*u)
		return NULL;
	loa_buf b;
	loa_buf_init(&b, LOA_ITEM_URL_MAX + 16);
	if (loa_url_canonical(u, &b) != LOA_OK || !b.data) {
		loa_buf_reset(&b);
		if (loa_buf_puts(&b, u)) {
			loa_buf_release(&b);
			return NULL;
		}
	}
	while (b.len > 1 && b.data[b.len - 1] == '/')
		b.data[--b.len] = 0;
	return loa_buf_detach(&b, NULL);
}

int loa_claimset_add(loa_claimset *c, int64_t id, const char *text, const char *rebuttal_url)
{
	if (c->n >= LOA_CLAIM_MAX)
		return LOA_ETOOBIG;
	if (c->n == c->cap) {
		size_t nc = c->cap ? 2 * c->cap : 16;
		claim *p = realloc(c->c, nc * sizeof *p);
		if (!p)
			return LOA_ENOMEM;
		c->c = p;
		c->cap = nc;
	}
	size_t tn = text ? strlen(text) : 0;
	if (tn > LOA_CLAIM_TEXT_MAX)
		tn = LOA_CLAIM_TEXT_MAX;
	int rc = loa_an_doc_set(&c->doc, text, tn);
	if (rc)
		return rc;
	claim *k = &c->c[c->n];
	memset(k, 0, sizeof *k);
	k->id = id;
	k->terms = malloc((c->doc.n + 1) * sizeof *k->terms);
	if (!k->terms)
		return LOA_ENOMEM;
	for (size_t i = 0; i < c->doc.n; i++) {
		const loa_an_word *w = &c->doc.w[i];
		if ((w->flags & LOA_ANW_WORD) && !(w->flags & LOA_ANW_STOP))
			k->terms[k->nterms++] = loa_shingle_word(w->fh);
	}
	qsort(k->terms, k->nterms, sizeof *k->terms, cmp_u64);
	size_t u = 0;
	for (size_t i = 0; i < k->nterms; i++)
		if (u == 0 || k->terms[u - 1] != k->terms[i])
			k->terms[u++] = k->terms[i];
	k->nterms = u;
	if ((rc = loa_shingles_make(&c->doc, LOA_STORY_SHINGLE, &k->sh))) {
		free(k->terms);
		return rc;
	}
	if (rebuttal_url && *rebuttal_url) {
		k->url = canon_url(rebuttal_url);
		if (!k->url) {
			free(k->terms);
			loa_shingles_release(&k->sh);
			return LOA_ENOMEM;
		}
	}
	c->n++;
	return LOA_OK;
}

/* Rebuttal cues, folded, one phrase a string. */
static const char *const cues[] = {
	"sai su that", "tin gia",	  "bac bo",	    "xuyen tac",  "bia dat",
	"dinh chinh",  "cai chinh",	  "thong tin sai",  "khong dung su that", "khong co chuyen",
	"tin don",     "phu nhan",	  "khong chinh xac", "bac tin",	  "sai lech",
	"bac thong tin",
};

bool loa_claim_has_cue(const loa_an_doc *d)
{
	for (size_t c = 0; c < sizeof cues / sizeof cues[0]; c++) {
		uint64_t h[4];
		size_t nh = 0;
		loa_str s = loa_str_c(cues[c]);
		while (s.n && nh < 4) {
			loa_str w = loa_str_split(&s, ' ');
			h[nh++] = loa_an_fold_hash(w.p, w.n);
		}
		for (size_t i = 0; i + nh <= d->n; i++) {
			size_t j = 0;
			while (j < nh && d->w[i + j].fh == h[j])
				j++;
			if (j == nh)
				return true;
		}
	}
	return false;
}

int loa_claimset_match(const loa_claimset *c, const loa_an_doc *d, const loa_shingles *sh,
		       const loa_shingles *words, const loa_claim_ctx *ctx, loa_claim_hit *hits,
		       size_t max, size_t *n)
{
	*n = 0;
	if (!c || c->n == 0)
		return LOA_OK;
	int cue = -1; /* computed on first need */
	char *url = ctx && ctx->url ? canon_url(ctx->url) : NULL;
	for (size_t i = 0; i < c->n && *n < max; i++) {
		const claim *k = &c->c[i];
		bool at_url = url && k->url && strcmp(url, k->url) == 0;
		double tc = 0, sc = 0;
		if (k->nterms) {
			size_t f = 0;
			for (size_t j = 0; j < k->nterms; j++)
				f += loa_shingles_has(words, k->terms[j]);
			tc = (double)f / (double)k->nterms;
		}
		if (k->sh.n) {
			size_t f = 0;
			for (size_t j = 0; j < k->sh.n; j++)
				f += loa_shingles_has(sh, k->sh.h[j]);
			sc = (double)f / (double)k->sh.n;
		}
		double score = 0.5 * tc + 0.5 * sc;
		bool match = k->nterms >= 3 ? (tc >= LOA_CLAIM_MIN_TERMS && score >= LOA_CLAIM_MIN_SCORE)
					    : (k->nterms > 0 && tc >= 1.0 && score >= LOA_CLAIM_MIN_SCORE);
		if (!match && !at_url)
			continue;
		bool reb = at_url;
		if (!reb && ctx && (ctx->official || ctx->press)) {
			if (cue < 0)
				cue = loa_claim_has_cue(d);
			reb = cue;
		}
		hits[*n].claim_id = k->id;
		hits[*n].score = score;
		hits[*n].rebuttal = reb;
		(*n)++;
	}
	free(url);
	return LOA_OK;
}

/* ---- the registry ------------------------------------------------------------ */

static const char SQL_CLAIMS[] = "SELECT id, text, rebuttal_url FROM analyze_claim ORDER BY id";

int loa_claimset_load(loa_store *s, loa_claimset **out, loa_err *err)
{
	*out = NULL;
	loa_claimset *c = loa_claimset_new();
	if (!c)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	loa_stmt *st;
	int rc = loa_sql_cached(s, SQL_CLAIMS, &st, err);
	if (rc) {
		loa_claimset_free(c);
		return rc;
	}
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		int k = loa_claimset_add(c, loa_sql_col_i64(st, 0), loa_sql_col_text(st, 1),
					 loa_sql_col_text(st, 2));
		if (k == LOA_ETOOBIG)
			break;
		if (k) {
			loa_sql_reset(st);
			loa_claimset_free(c);
			return loa_err_set(err, k, "hết bộ nhớ / out of memory");
		}
	}
	loa_sql_reset(st);
	if (rc < 0) {
		loa_claimset_free(c);
		return rc;
	}
	*out = c;
	return LOA_OK;
}

static const char SQL_CLAIM_INS[] =
	"INSERT INTO analyze_claim(title, text, rebuttal_url, created_at, created_by) "
	"VALUES(?1, ?2, ?3, ?4, ?5)";

static void json_str(loa_buf *b, const char *s)
{
	loa_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			loa_buf_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			loa_buf_printf(b, "\\u%04x", *p);
		else
			loa_buf_putc(b, (char)*p);
	}
	loa_buf_putc(b, '"');
}

int loa_claim_add(loa_store *s, const char *title, const char *text, const char *rebuttal_url,
		  const char *by, int64_t *id, loa_err *err)
{
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	size_t tn = text ? strlen(text) : 0;
	if (tn == 0 || tn > LOA_CLAIM_TEXT_MAX)
		return loa_err_set(err, LOA_EINVAL, "nội dung tin sai rỗng hoặc quá dài / claim text "
				   "empty or too long (max %u bytes)", LOA_CLAIM_TEXT_MAX);
	if (title && strlen(title) > LOA_CLAIM_TITLE_MAX)
		return loa_err_set(err, LOA_EINVAL, "tiêu đề quá dài / title too long (max %u bytes)",
				   LOA_CLAIM_TITLE_MAX);
	if (rebuttal_url && (strlen(rebuttal_url) > LOA_ITEM_URL_MAX ||
			     (strncmp(rebuttal_url, "http://", 7) && strncmp(rebuttal_url, "https://", 8))))
		return loa_err_set(err, LOA_EINVAL, "địa chỉ cải chính phải là http(s) / the rebuttal "
				   "URL must be http(s)");
	loa_an_doc d;
	loa_an_doc_init(&d);
	loa_an_doc_set(&d, text, tn);
	size_t content = 0;
	for (size_t i = 0; i < d.n; i++)
		if ((d.w[i].flags & LOA_ANW_WORD) && !(d.w[i].flags & LOA_ANW_STOP))
			content++;
	loa_an_doc_release(&d);
	if (content == 0)
		return loa_err_set(err, LOA_EINVAL, "nội dung tin sai không có từ nào để so khớp / the "
				   "claim has no words to match");
	if ((rc = loa_store_begin(s, err)))
		return rc;
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, SQL_CLAIM_INS, &st, err)))
		goto fail;
	loa_ms now = loa_now_ms();
	loa_sql_bind_text(st, 1, title);
	loa_sql_bind_text(st, 2, text);
	loa_sql_bind_text(st, 3, rebuttal_url);
	loa_sql_bind_i64(st, 4, now);
	loa_sql_bind_text(st, 5, by ? by : "cli");
	if ((rc = loa_sql_run(st, err)))
		goto fail;
	*id = loa_sql_last_id(s);
	loa_buf det;
	loa_buf_init(&det, 3 * (LOA_CLAIM_TEXT_MAX + LOA_ITEM_URL_MAX) + 1024);
	loa_buf_puts(&det, "{\"text\":");
	json_str(&det, text);
	loa_buf_puts(&det, ",\"rebuttal_url\":");
	if (rebuttal_url)
		json_str(&det, rebuttal_url);
	else
		loa_buf_puts(&det, "null");
	loa_buf_putc(&det, '}');
	char target[64];
	snprintf(target, sizeof target, "claim:%" PRId64, *id);
	loa_audit au = {0, now, by ? by : "cli", "claim.add", target, det.data};
	rc = loa_store_audit_append(s, &au, err);
	loa_buf_release(&det);
	if (rc)
		goto fail;
	return loa_store_commit(s, err);
fail:
	loa_store_rollback(s);
	return rc;
}

static const char SQL_BACKFILL[] =
	"SELECT i.id, i.published_at, s.slug, s.outlet, i.kind, COALESCE(i.org, o.slug), i.url, "
	"i.title, i.text FROM items i JOIN sources s ON s.id = i.source_id "
	"LEFT JOIN organisations o ON o.id = s.org_id "
	"WHERE i.id > ?1 AND i.published_at >= ?2 ORDER BY i.id LIMIT 1000";
static const char SQL_CLAIM_TEXT[] = "SELECT text, rebuttal_url FROM analyze_claim WHERE id = ?1";
static const char SQL_HIT_PUT[] =
	"INSERT INTO analyze_claim_item(claim_id, item_id, role, score, published_at, source) "
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(claim_id, item_id) DO UPDATE SET "
	"role = excluded.role, score = excluded.score";

typedef struct hit_row {
	int64_t item;
	loa_ms at;
	char source[LOA_SLUG_MAX + 1];
	double score;
	bool rebuttal;
} hit_row;

int loa_claim_backfill(loa_store *s, int64_t claim_id, loa_ms since, int64_t *found, loa_err *err)
{
	*found = 0;
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	loa_claimset *set = loa_claimset_new();
	if (!set)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, SQL_CLAIM_TEXT, &st, err)))
		goto out;
	loa_sql_bind_i64(st, 1, claim_id);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW)
		rc = loa_claimset_add(set, claim_id, loa_sql_col_text(st, 0), loa_sql_col_text(st, 1));
	else if (rc == LOA_SQL_DONE)
		rc = loa_err_set(err, LOA_ENOTFOUND, "không có tin sai / no such claim: %" PRId64,
				 claim_id);
	loa_sql_reset(st);
	if (rc)
		goto out;
	loa_an_doc d;
	loa_an_doc_init(&d);
	loa_shingles sh = {0}, words = {0};
	hit_row *hits = NULL;
	size_t nhits = 0, caphits = 0;
	int64_t after = 0;
	for (;;) {
		if ((rc = loa_sql_cached(s, SQL_BACKFILL, &st, err)))
			break;
		loa_sql_bind_i64(st, 1, after);
		loa_sql_bind_i64(st, 2, since == LOA_TIME_NONE ? INT64_MIN : since);
		size_t rows = 0;
		nhits = 0;
		while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
			rows++;
			after = loa_sql_col_i64(st, 0);
			size_t tn;
			char *text = loa__an_join_text(loa_sql_col_text(st, 7), loa_sql_col_text(st, 8),
						       &tn);
			if (!text || loa_an_doc_set(&d, text, tn) ||
			    loa_shingles_make(&d, LOA_STORY_SHINGLE, &sh) ||
			    loa_shingles_make(&d, 1, &words)) {
				free(text);
				rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
				break;
			}
			free(text);
			const char *kind = loa_sql_col_text(st, 4);
			const char *outlet = loa_sql_col_text(st, 3);
			loa_claim_ctx cx = {loa_sql_col_text(st, 6),
					    (kind && strcmp(kind, "official") == 0) ||
						    (loa_sql_col_text(st, 5) && kind &&
						     strcmp(kind, "comment") != 0),
					    outlet && strcmp(outlet, "press") == 0};
			loa_claim_hit h;
			size_t nh = 0;
			loa_claimset_match(set, &d, &sh, &words, &cx, &h, 1, &nh);
			if (nh == 0)
				continue;
			if (nhits == caphits) {
				size_t nc = caphits ? 2 * caphits : 64;
				hit_row *p = realloc(hits, nc * sizeof *p);
				if (!p) {
					rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
					break;
				}
				hits = p;
				caphits = nc;
			}
			hit_row *hr = &hits[nhits++];
			hr->item = after;
			hr->at = loa_sql_col_i64(st, 1);
			loa_strlcpy(hr->source, loa_sql_col_text(st, 2) ? loa_sql_col_text(st, 2) : "",
				    sizeof hr->source);
			hr->score = h.score;
			hr->rebuttal = h.rebuttal;
		}
		loa_sql_reset(st);
		if (rc < 0)
			break;
		for (size_t i = 0; i < nhits && rc >= 0; i++) {
			if ((rc = loa_sql_cached(s, SQL_HIT_PUT, &st, err)))
				break;
			loa_sql_bind_i64(st, 1, claim_id);
			loa_sql_bind_i64(st, 2, hits[i].item);
			loa_sql_bind_text(st, 3, hits[i].rebuttal ? "rebuttal" : "claim");
			loa_sql_bind_double(st, 4, hits[i].score);
			loa_sql_bind_i64(st, 5, hits[i].at);
			loa_sql_bind_text(st, 6, hits[i].source);
			rc = loa_sql_run(st, err);
			(*found)++;
		}
		if (rc < 0 || rows == 0)
			break;
	}
	free(hits);
	loa_an_doc_release(&d);
	loa_shingles_release(&sh);
	loa_shingles_release(&words);
out:
	loa_claimset_free(set);
	return rc < 0 ? rc : LOA_OK;
}
