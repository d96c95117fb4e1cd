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
