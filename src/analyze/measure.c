/*
 * measure.c - measures, stories' and claims' facts, and the report's data
 * (measure.h). Reads only the analyze room's tables (and items' titles).
 */
#include "analyze/measure.h"
#include "analyze/pipeline.h"
#include "analyze/pipeline_int.h"

#include "core/map.h"
#include "core/str.h"
#include "store/sql.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* ---- statistics ----------------------------------------------------------------- */

void loa_wilson(int64_t k, int64_t n, double z, double *lo, double *hi)
{
	if (n <= 0) {
		*lo = 0;
		*hi = 1;
		return;
	}
	if (k < 0)
		k = 0;
	if (k > n)
		k = n;
	double p = (double)k / (double)n, nn = (double)n, z2 = z * z;
	double den = 1 + z2 / nn;
	double centre = (p + z2 / (2 * nn)) / den;
	double half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / den;
	*lo = centre - half < 0 ? 0 : centre - half;
	*hi = centre + half > 1 ? 1 : centre + half;
	if (k == 0)
		*lo = 0;
	if (k == n)
		*hi = 1;
}

double loa_trend_score(int64_t today, const int64_t *hist, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++)
		m += (double)hist[i];
	if (n)
		m /= (double)n;
	return ((double)today - m) / sqrt(m + 1);
}

const char *loa_line_status(int64_t n, double lo, double hi, double line)
{
	if (n <= 0)
		return "none";
	if (hi < line)
		return "under";
	if (lo > line)
		return "over";
	return "uncertain";
}

#define HOUR_MS ((loa_ms)3600 * 1000)
#define DAY_MS ((loa_ms)86400 * 1000)
#define VN_MS ((loa_ms)7 * HOUR_MS)

loa_ms loa_window_start(loa_ms t, const char *unit)
{
	if (strcmp(unit, "hour") == 0) {
		loa_ms v = t + VN_MS;
		loa_ms h = v / HOUR_MS - (v % HOUR_MS < 0);
		return h * HOUR_MS - VN_MS;
	}
	int64_t d = loa__an_vn_day(t);
	if (strcmp(unit, "week") == 0) {
		int64_t wd = ((d + 3) % 7 + 7) % 7; /* 0 = Monday; 1970-01-01 was a Thursday */
		d -= wd;
	} else if (strcmp(unit, "month") == 0) {
		int64_t y;
		unsigned m, dd;
		loa_civil_from_days(d, &y, &m, &dd);
		d = loa_days_from_civil(y, m, 1);
	}
	return d * DAY_MS - VN_MS;
}

/* ---- stories ---------------------------------------------------------------------- */

static const char SQL_STORIES[] =
	"SELECT story_id, count(*), count(DISTINCT source), min(published_at), max(published_at), "
	"sum(CASE WHEN label = 'positive' THEN 1 ELSE 0 END), "
	"sum(CASE WHEN label = 'neutral' THEN 1 ELSE 0 END), "
	"sum(CASE WHEN label = 'negative' THEN 1 ELSE 0 END) "
	"FROM analyze_item WHERE story_id IS NOT NULL GROUP BY story_id "
	"HAVING count(*) >= ?1 AND max(published_at) >= ?2 AND max(published_at) < ?3 "
	"ORDER BY count(*) DESC, min(published_at) LIMIT ?4";
static const char SQL_STORY_ONE[] =
	"SELECT story_id, count(*), count(DISTINCT source), min(published_at), max(published_at), "
	"sum(CASE WHEN label = 'positive' THEN 1 ELSE 0 END), "
	"sum(CASE WHEN label = 'neutral' THEN 1 ELSE 0 END), "
	"sum(CASE WHEN label = 'negative' THEN 1 ELSE 0 END) "
	"FROM analyze_item WHERE story_id = ?1 GROUP BY story_id";
static const char SQL_STORY_FIRST[] =
	"SELECT a.item_id, a.source, i.title, i.text FROM analyze_item a JOIN items i ON i.id = "
	"a.item_id WHERE a.story_id = ?1 ORDER BY a.published_at, a.item_id LIMIT 1";

/* Copies at most cap-1 bytes of s without cutting a UTF-8 sequence, with
 * newlines and tabs turned into spaces. */
static void copy_line(char *dst, size_t cap, const char *s)
{
	size_t k = 0;
	if (s) {
		size_t n = strlen(s);
		if (n > cap - 1) {
			n = cap - 1;
			while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
				n--;
		}
		for (; k < n; k++)
			dst[k] = (s[k] == '\n' || s[k] == '\r' || s[k] == '\t') ? ' ' : s[k];
	}
	dst[k] = 0;
}

static int story_fill(loa_store *s, loa_stmt *st, loa_story_info *o, loa_err *err)
{
	memset(o, 0, sizeof *o);
	o->id = loa_sql_col_i64(st, 0);
	o->items = loa_sql_col_i64(st, 1);
	o->outlets = loa_sql_col_i64(st, 2);
	o->first_at = loa_sql_col_i64(st, 3);
	o->last_at = loa_sql_col_i64(st, 4);
	o->positive = loa_sql_col_i64(st, 5);
	o->neutral = loa_sql_col_i64(st, 6);
	o->negative = loa_sql_col_i64(st, 7);
	o->tone = "";
	int64_t best = 0;
	if (o->positive > best)
		best = o->positive, o->tone = "positive";
	if (o->neutral > best)
		best = o->neutral, o->tone = "neutral";
	if (o->negative > best)
		best = o->negative, o->tone = "negative";
	loa_stmt *f;
	int rc = loa_sql_cached(s, SQL_STORY_FIRST, &f, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(f, 1, o->id);
	rc = loa_sql_step(f, err);
	if (rc == LOA_SQL_ROW) {
		o->first_item = loa_sql_col_i64(f, 0);
		copy_line(o->first_source, sizeof o->first_source, loa_sql_col_text(f, 1));
		const char *t = loa_sql_col_text(f, 2);
		copy_line(o->title, sizeof o->title, t && *t ? t : loa_sql_col_text(f, 3));
	}
	loa_sql_reset(f);
	return rc < 0 ? rc : LOA_OK;
}

int loa_stories_each(loa_store *s, loa_ms since, loa_ms until, int64_t min_items, int64_t limit,
		     loa_story_cb cb, void *arg, loa_err *err)
{
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	/* the outer statement is prepared (not cached): callbacks may list
	 * stories again */
	loa_stmt *st;
	if ((rc = loa_sql_prepare(s, SQL_STORIES, &st, err)))
		return rc;
	loa_sql_bind_i64(st, 1, min_items > 0 ? min_items : 1);
	loa_sql_bind_i64(st, 2, since == LOA_TIME_NONE ? INT64_MIN : since);
	loa_sql_bind_i64(st, 3, until == LOA_TIME_NONE ? INT64_MAX : until);
	loa_sql_bind_i64(st, 4, limit > 0 ? limit : 50);
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		loa_story_info info;
		if ((rc = story_fill(s, st, &info, err)))
			break;
		int k = cb(arg, &info);
		if (k) {
			rc = k;
			break;
		}
	}
	loa_sql_finalize(st);
	return rc < 0 || rc > 1 ? rc : LOA_OK;
}

int loa_story_get(loa_store *s, int64_t id, loa_story_info *out, loa_err *err)
{
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	loa_stmt *st;
	if ((rc = loa_sql_prepare(s, SQL_STORY_ONE, &st, err)))
		return rc;
	loa_sql_bind_i64(st, 1, id);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW)
		rc = story_fill(s, st, out, err);
	else if (rc == LOA_SQL_DONE)
		rc = loa_err_set(err, LOA_ENOTFOUND, "không có sự việc / no such story: %" PRId64, id);
	loa_sql_finalize(st);
	return rc;
}

/* Buckets a sorted stream of (time, a, b) into windows. */
typedef struct bucketer {
	const char *unit;
	loa_ms cur;
	int64_t a, b;
	loa_series_cb cb;
	void *arg;
	int rc;
} bucketer;

static void bk_add(bucketer *k, loa_ms t, int64_t a, int64_t b)
{
	loa_ms w = loa_window_start(t, k->unit);
	if (k->cur != LOA_TIME_NONE && w != k->cur && k->rc == 0) {
		k->rc = k->cb(k->arg, k->cur, k->a, k->b);
		k->a = k->b = 0;
	}
	k->cur = w;
	k->a += a;
	k->b += b;
}

static int bk_end(bucketer *k)
{
	if (k->cur != LOA_TIME_NONE && k->rc == 0)
		k->rc = k->cb(k->arg, k->cur, k->a, k->b);
	return k->rc;
}

static const char SQL_STORY_TIMES[] =
	"SELECT published_at FROM analyze_item WHERE story_id = ?1 ORDER BY published_at";

int loa_story_series(loa_store *s, int64_t id, const char *unit, loa_series_cb cb, void *arg,
		     loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(s, SQL_STORY_TIMES, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	bucketer k = {strcmp(unit, "hour") == 0 ? "hour" : "day", LOA_TIME_NONE, 0, 0, cb, arg, 0};
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW && k.rc == 0)
		bk_add(&k, loa_sql_col_i64(st, 0), 1, 0);
	loa_sql_reset(st);
	if (rc < 0)
		return rc;
	return bk_end(&k);
}

static const char SQL_STORY_ITEMS[] =
	"SELECT a.item_id, a.published_at, a.source, i.title, i.text, a.label FROM analyze_item a "
	"JOIN items i ON i.id = a.item_id WHERE a.story_id = ?1 "
	"ORDER BY a.published_at, a.item_id LIMIT ?2";

int loa_story_items(loa_store *s, int64_t id, int64_t limit, loa_story_item_cb cb, void *arg,
		    loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(s, SQL_STORY_ITEMS, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	loa_sql_bind_i64(st, 2, limit > 0 ? limit : 100);
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		char title[256];
		const char *t = loa_sql_col_text(st, 3);
		copy_line(title, sizeof title, t && *t ? t : loa_sql_col_text(st, 4));
		int k = cb(arg, loa_sql_col_i64(st, 0), loa_sql_col_i64(st, 1),
			   loa_sql_col_text(st, 2), title, loa_sql_col_text(st, 5));
		if (k) {
			rc = k;
			break;
		}
	}
	loa_sql_reset(st);
	return rc < 0 || rc > 1 ? rc : LOA_OK;
}

/* ---- claims ------------------------------------------------------------------------- */

static const char SQL_CLAIM_LIST[] =
	"SELECT id, title, text, rebuttal_url, created_at FROM analyze_claim ORDER BY id";
static const char SQL_CLAIM_ONE[] =
	"SELECT id, title, text, rebuttal_url, created_at FROM analyze_claim WHERE id = ?1";
static const char SQL_CLAIM_FACTS[] =
	"SELECT sum(CASE WHEN role = 'claim' THEN 1 ELSE 0 END), "
	"count(DISTINCT CASE WHEN role = 'claim' THEN source END), "
	"sum(CASE WHEN role = 'rebuttal' THEN 1 ELSE 0 END), "
	"min(CASE WHEN role = 'claim' THEN published_at END), "
	"min(CASE WHEN role = 'rebuttal' THEN published_at END) "
	"FROM analyze_claim_item WHERE claim_id = ?1";

static int claim_fill(loa_store *s, loa_stmt *st, loa_claim_info *o, loa_err *err)
{
	memset(o, 0, sizeof *o);
	o->id = loa_sql_col_i64(st, 0);
	copy_line(o->title, sizeof o->title, loa_sql_col_text(st, 1));
	copy_line(o->text, sizeof o->text, loa_sql_col_text(st, 2));
	copy_line(o->rebuttal_url, sizeof o->rebuttal_url, loa_sql_col_text(st, 3));
	o->created_at = loa_sql_col_i64(st, 4);
	o->first_seen = o->first_rebuttal = LOA_TIME_NONE;
	loa_stmt *f;
	int rc = loa_sql_cached(s, SQL_CLAIM_FACTS, &f, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(f, 1, o->id);
	rc = loa_sql_step(f, err);
	if (rc == LOA_SQL_ROW) {
		o->items = loa_sql_col_i64(f, 0);
		o->outlets = loa_sql_col_i64(f, 1);
		o->rebuttals = loa_sql_col_i64(f, 2);
		if (!loa_sql_col_null(f, 3))
			o->first_seen = loa_sql_col_i64(f, 3);
		if (!loa_sql_col_null(f, 4))
			o->first_rebuttal = loa_sql_col_i64(f, 4);
	}
	loa_sql_reset(f);
	return rc < 0 ? rc : LOA_OK;
}

int loa_claims_each(loa_store *s, loa_claim_cb cb, void *arg, loa_err *err)
{
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	loa_stmt *st;
	if ((rc = loa_sql_prepare(s, SQL_CLAIM_LIST, &st, err)))
		return rc;
	loa_claim_info *info = malloc(sizeof *info);
	if (!info) {
		loa_sql_finalize(st);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		if ((rc = claim_fill(s, st, info, err)))
			break;
		int k = cb(arg, info);
		if (k) {
			rc = k;
			break;
		}
	}
	free(info);
	loa_sql_finalize(st);
	return rc < 0 || rc > 1 ? rc : LOA_OK;
}

int loa_claim_get(loa_store *s, int64_t id, loa_claim_info *out, loa_err *err)
{
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	loa_stmt *st;
	if ((rc = loa_sql_prepare(s, SQL_CLAIM_ONE, &st, err)))
		return rc;
	loa_sql_bind_i64(st, 1, id);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW)
		rc = claim_fill(s, st, out, err);
	else if (rc == LOA_SQL_DONE)
		rc = loa_err_set(err, LOA_ENOTFOUND, "không có tin sai / no such claim: %" PRId64, id);
	loa_sql_finalize(st);
	return rc;
}

static const char SQL_CLAIM_TIMES[] =
	"SELECT published_at, role FROM analyze_claim_item WHERE claim_id = ?1 ORDER BY published_at";

int loa_claim_series(loa_store *s, int64_t id, loa_series_cb cb, void *arg, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(s, SQL_CLAIM_TIMES, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	bucketer k = {"day", LOA_TIME_NONE, 0, 0, cb, arg, 0};
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW && k.rc == 0) {
		const char *role = loa_sql_col_text(st, 1);
		bool reb = role && strcmp(role, "rebuttal") == 0;
		bk_add(&k, loa_sql_col_i64(st, 0), reb ? 0 : 1, reb ? 1 : 0);
	}
	loa_sql_reset(st);
	if (rc < 0)
		return rc;
	return bk_end(&k);
}

static const char SQL_CLAIM_ITEMS[] =
	"SELECT c.item_id, c.published_at, c.source, c.role, c.score, i.title, i.text "
	"FROM analyze_claim_item c JOIN items i ON i.id = c.item_id WHERE c.claim_id = ?1 "
	"ORDER BY c.published_at, c.item_id LIMIT ?2";

int loa_claim_items(loa_store *s, int64_t id, int64_t limit, loa_claim_item_cb cb, void *arg,
		    loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_cached(s, SQL_CLAIM_ITEMS, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	loa_sql_bind_i64(st, 2, limit > 0 ? limit : 100);
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		char title[256];
		const char *t = loa_sql_col_text(st, 5);
		copy_line(title, sizeof title, t && *t ? t : loa_sql_col_text(st, 6));
		int k = cb(arg, loa_sql_col_i64(st, 0), loa_sql_col_i64(st, 1),
			   loa_sql_col_text(st, 2), loa_sql_col_text(st, 3),
			   loa_sql_col_double(st, 4), title);
		if (k) {
			rc = k;
			break;
		}
	}
	loa_sql_reset(st);
	return rc < 0 || rc > 1 ? rc : LOA_OK;
}

/* ---- measures from the aggregate ------------------------------------------------------ */

#define TONE_IN "label IN ('positive','neutral','negative')"

typedef struct mrun {
	loa_store *s;
	const loa_measure_query *q;
	bool by_org, own, about, all;
	loa_measure_row_cb cb;
	void *arg;
	loa_err *err;
} mrun;

static void tone_counts(const char *label, int64_t n, int64_t c[4])
{
	c[0] = n;
	c[1] = strcmp(label, "positive") == 0 ? n : 0;
	c[2] = strcmp(label, "neutral") == 0 ? n : 0;
	c[3] = strcmp(label, "negative") == 0 ? n : 0;
}

static bool in_set(const loa_measure_query *q, const char *slug)
{
	for (size_t i = 0; slug && i < q->nset; i++)
		if (strcmp(q->set[i], slug) == 0)
			return true;
	return false;
}

/* The reference: grouped SQL over analyze_item and analyze_mention for
 * [a, b), per UTC hour (the statements GET /api/v1/measures ran before the
 * aggregate). */
static int sql_set(loa_buf *b, const loa_measure_query *q)
{
	int e = loa_buf_puts(b, " IN (");
	for (size_t i = 0; i < q->nset; i++)
		e |= loa_buf_printf(b, "%s?%zu", i ? ", " : "", i + 3);
	return e | loa_buf_putc(b, ')');
}

static int sql_scope(loa_buf *b, const mrun *m)
{
	const loa_measure_query *q = m->q;
	if (!q->nset) {
		if (m->own)
			return loa_buf_puts(b, " AND a.own_org IS NOT NULL");
		if (m->about)
			return loa_buf_puts(b, " AND EXISTS (SELECT 1 FROM analyze_mention m WHERE "
					    "m.item_id = a.item_id AND (a.own_org IS NULL OR m.org <> a.own_org))");
		return 0;
	}
	if (m->own)
		return loa_buf_puts(b, " AND a.own_org") | sql_set(b, q);
	int e = loa_buf_puts(b, m->about ? " AND (a.own_org IS NULL OR a.own_org NOT" : " AND (a.own_org");
	e |= sql_set(b, q);
	e |= loa_buf_puts(b, m->about ? ") AND EXISTS (" : " OR EXISTS (");
	e |= loa_buf_puts(b, "SELECT 1 FROM analyze_mention m WHERE m.item_id = a.item_id AND m.org");
	e |= sql_set(b, q);
	return e | loa_buf_puts(b, m->about ? ")" : "))");
}

#define SCAN_HOUR "(a.published_at / 3600000 - (a.published_at % 3600000 < 0))"
#define SCAN_COUNTS                                                                                \
	"count(*), sum(a.label = 'positive'), sum(a.label = 'neutral'), sum(a.label = 'negative')"
#define SCAN_RANGE                                                                                 \
	" WHERE a.published_at >= ?1 AND a.published_at < ?2 AND a.kind <> 'comment' AND a." TONE_IN

static int scan_run(mrun *m, const char *sql, int mode, loa_ms a, loa_ms b)
{
	loa_stmt *st;
	int rc = loa_sql_prepare(m->s, sql, &st, m->err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, a);
	loa_sql_bind_i64(st, 2, b);
	for (size_t i = 0; i < m->q->nset; i++)
		loa_sql_bind_text(st, (int)i + 3, m->q->set[i]);
	while ((rc = loa_sql_step(st, m->err)) == LOA_SQL_ROW) {
		int64_t c[4] = {loa_sql_col_i64(st, 3), loa_sql_col_i64(st, 4), loa_sql_col_i64(st, 5),
				loa_sql_col_i64(st, 6)};
		const char *key = loa_sql_col_text(st, 0);
		int k = m->cb(m->arg, mode, key ? key : "", loa_sql_col_text(st, 1),
			      loa_sql_col_i64(st, 2) * HOUR_MS, c);
		if (k) {
			rc = k;
			break;
		}
	}
	loa_sql_finalize(st);
	return rc;
}

static int scan(mrun *m, loa_ms a, loa_ms b)
{
	if (a >= b)
		return LOA_OK;
	loa_buf sql;
	loa_buf_init(&sql, 16384);
	int rc = LOA_OK, e;
	e = loa_buf_puts(&sql, "SELECT NULL, NULL, " SCAN_HOUR ", " SCAN_COUNTS " FROM analyze_item a"
			 SCAN_RANGE) | sql_scope(&sql, m) | loa_buf_puts(&sql, " GROUP BY 3");
	if (e || (rc = scan_run(m, sql.data, LOA_MEASURE_TOTAL, a, b)))
		goto out;
	if (!m->by_org) {
		loa_buf_reset(&sql);
		e = loa_buf_puts(&sql, strcmp(m->q->by, "platform") == 0
					       ? "SELECT a.platform"
					       : "SELECT CASE WHEN a.own_org IS NULL THEN 'other' ELSE 'own' END");
		e |= loa_buf_puts(&sql, ", NULL, " SCAN_HOUR ", " SCAN_COUNTS " FROM analyze_item a"
				  SCAN_RANGE) | sql_scope(&sql, m) | loa_buf_puts(&sql, " GROUP BY 1, 3");
		if (!e)
			rc = scan_run(m, sql.data, LOA_MEASURE_GROUP, a, b);
		goto out;
	}
	if (!m->about) {
		loa_buf_reset(&sql);
		e = loa_buf_puts(&sql, "SELECT a.own_org, NULL, " SCAN_HOUR ", " SCAN_COUNTS
				 " FROM analyze_item a" SCAN_RANGE " AND a.own_org");
		e |= m->q->nset ? sql_set(&sql, m->q) : loa_buf_puts(&sql, " IS NOT NULL");
		e |= loa_buf_puts(&sql, " GROUP BY 1, 3");
		if (e || (rc = scan_run(m, sql.data, LOA_MEASURE_OWN, a, b)))
			goto out;
	}
	if (!m->own) {
		loa_buf_reset(&sql);
		e = loa_buf_puts(&sql, "SELECT m.org, a.own_org, " SCAN_HOUR ", " SCAN_COUNTS
				 " FROM analyze_item a CROSS JOIN analyze_mention m" SCAN_RANGE
				 " AND m.item_id = a.item_id");
		if (m->q->nset)
			e |= loa_buf_puts(&sql, " AND m.org") | sql_set(&sql, m->q);
		e |= loa_buf_puts(&sql, " GROUP BY 1, 2, 3");
		if (!e)
			rc = scan_run(m, sql.data, LOA_MEASURE_ABOUT, a, b);
	}
out:
	loa_buf_release(&sql);
	if (e && !rc)
		rc = loa_err_set(m->err, LOA_ETOOBIG, "câu truy vấn quá dài / query too long");
	return rc;
}

static const char SQL_AGG_ITEMS[] =
	"SELECT t, own, about, platform, label, n FROM analyze_measure WHERE grain = ?1 AND t >= ?2 "
	"AND t < ?3 AND org = '' AND kind <> 'comment' AND " TONE_IN " AND n > 0";
static const char SQL_AGG_MENTIONS[] =
	"SELECT t, org, own, platform, label, n FROM analyze_measure WHERE grain = ?1 AND t >= ?2 "
	"AND t < ?3 AND org <> '' AND kind <> 'comment' AND " TONE_IN " AND n > 0";

/* One item row of the aggregate: the scope's total and groups, and its own
 * organisation. */
static int agg_item(mrun *m, loa_ms at, const char *own, bool about, const char *platform,
		    const int64_t c[4])
{
	const loa_measure_query *q = m->q;
	bool has_own = own[0] != 0;
	bool in = m->own ? (q->nset ? in_set(q, own) : has_own)
		  : m->about ? (!q->nset && about)
			     : (!q->nset || in_set(q, own));
	int k;
	if (in && (k = m->cb(m->arg, LOA_MEASURE_TOTAL, "", NULL, at, c)))
		return k;
	if (in && !m->by_org &&
	    (k = m->cb(m->arg, LOA_MEASURE_GROUP,
		       strcmp(q->by, "platform") == 0 ? platform : has_own ? "own" : "other", NULL,
		       at, c)))
		return k;
	if (m->by_org && !m->about && has_own && (!q->nset || in_set(q, own)))
		return m->cb(m->arg, LOA_MEASURE_OWN, own, NULL, at, c);
	return 0;
}

/* One (mentioned organisation, item) row: "about" for the organisation,
 * and, for one organisation asked for, the items naming it that are not
 * its own. */
static int agg_mention(mrun *m, loa_ms at, const char *org, const char *own, const char *platform,
		       const int64_t c[4])
{
	const loa_measure_query *q = m->q;
	int k;
	if (q->nset && !m->own && in_set(q, org) && !in_set(q, own)) {
		if ((k = m->cb(m->arg, LOA_MEASURE_TOTAL, "", NULL, at, c)))
			return k;
		if (!m->by_org &&
		    (k = m->cb(m->arg, LOA_MEASURE_GROUP,
			       strcmp(q->by, "platform") == 0 ? platform : own[0] ? "own" : "other",
			       NULL, at, c)))
			return k;
	}
	if (m->by_org && !m->own && (!q->nset || in_set(q, org)))
		return m->cb(m->arg, LOA_MEASURE_ABOUT, org, own[0] ? own : NULL, at, c);
	return 0;
}

static int agg(mrun *m, int grain, int64_t t0, int64_t t1)
{
	if (t0 >= t1)
		return LOA_OK;
	bool mentions = !m->own && (m->by_org || m->q->nset);
	int rc = LOA_OK;
	for (int pass = 0; pass < (mentions ? 2 : 1) && rc == LOA_OK; pass++) {
		loa_stmt *st;
		if ((rc = loa_sql_cached(m->s, pass ? SQL_AGG_MENTIONS : SQL_AGG_ITEMS, &st, m->err)))
			return rc;
		loa_sql_bind_i64(st, 1, grain);
		loa_sql_bind_i64(st, 2, t0);
		loa_sql_bind_i64(st, 3, t1);
		while ((rc = loa_sql_step(st, m->err)) == LOA_SQL_ROW) {
			int64_t t = loa_sql_col_i64(st, 0), c[4];
			loa_ms at = grain ? t * DAY_MS - VN_MS : t * HOUR_MS;
			const char *platform = loa_sql_col_text(st, 3), *label = loa_sql_col_text(st, 4);
			tone_counts(label ? label : "", loa_sql_col_i64(st, 5), c);
			int k;
			if (pass) {
				const char *org = loa_sql_col_text(st, 1), *own = loa_sql_col_text(st, 2);
				k = agg_mention(m, at, org ? org : "", own ? own : "",
						platform ? platform : "", c);
			} else {
				const char *own = loa_sql_col_text(st, 1);
				k = agg_item(m, at, own ? own : "", loa_sql_col_i64(st, 2) != 0,
					     platform ? platform : "", c);
			}
			if (k) {
				rc = k;
				break;
			}
		}
		loa_sql_reset(st);
	}
	return rc;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* [a, b) by hours: full hours from the aggregate, the partial ones at the
 * ends scanned. */
static int by_hours(mrun *m, loa_ms a, loa_ms b)
{
	if (a >= b)
		return LOA_OK;
	int64_t h0 = a == INT64_MIN ? INT64_MIN : -floor_div(-a, HOUR_MS);
	int64_t h1 = b == INT64_MAX ? INT64_MAX : floor_div(b, HOUR_MS);
	if (h0 >= h1)
		return scan(m, a, b);
	int rc;
	if (a != INT64_MIN && (rc = scan(m, a, h0 * HOUR_MS)))
		return rc;
	if ((rc = agg(m, 0, h0, h1)))
		return rc;
	return b != INT64_MAX ? scan(m, h1 * HOUR_MS, b) : LOA_OK;
}

int loa_measure_rows(loa_store *s, const loa_measure_query *q, loa_measure_row_cb cb, void *arg,
		     loa_err *err)
{
	mrun m = {s, q, strcmp(q->by, "org") == 0, strcmp(q->scope, "own") == 0,
		  strcmp(q->scope, "about") == 0, strcmp(q->scope, "all") == 0, cb, arg, err};
	if (!m.own && !m.about && !m.all)
		return loa_err_set(err, LOA_EINVAL, "scope là own, about hoặc all / scope is own, about "
				   "or all");
	if (!m.by_org && strcmp(q->by, "channel") && strcmp(q->by, "platform"))
		return loa_err_set(err, LOA_EINVAL, "by là org, channel hoặc platform / by is org, "
				   "channel or platform");
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	loa_ms from = q->from, to = q->to;
	if (from >= to)
		return LOA_OK;
	/* an item naming two slugs of one organisation counts once: only the
	 * scan sees items */
	if (q->exact || (q->nset > 1 && !m.own))
		rc = scan(&m, from, to);
	else if (q->hourly)
		rc = by_hours(&m, from, to);
	else {
		int64_t d0 = from == INT64_MIN ? INT64_MIN : -floor_div(-(from + VN_MS), DAY_MS);
		int64_t d1 = to == INT64_MAX ? INT64_MAX : floor_div(to + VN_MS, DAY_MS);
		if (d0 >= d1) {
			rc = by_hours(&m, from, to);
		} else if (!(rc = from == INT64_MIN ? LOA_OK : by_hours(&m, from, d0 * DAY_MS - VN_MS)) &&
			   !(rc = agg(&m, 1, d0, d1)) && to != INT64_MAX) {
			rc = by_hours(&m, d1 * DAY_MS - VN_MS, to);
		}
	}
	return rc < 0 ? rc : LOA_OK;
}
