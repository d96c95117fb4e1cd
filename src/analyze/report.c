/*
 * report.c - the report of measures (measure.h): built as one JSON object
 * from the analysis tables, rendered as JSON, CSV or a printable HTML page
 * with SVG charts drawn here (every text through loa_html_escape).
 */
#include "analyze/measure.h"
#include "analyze/pipeline.h"
#include "analyze/pipeline_int.h"

#include "core/map.h"
#include "core/str.h"
#include "http/http.h"
#include "store/sql.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define DAY_MS_REPORT ((loa_ms)86400 * 1000)

/* ---- aggregates ---------------------------------------------------------------- */

typedef struct agg {
	int64_t n, labelled, pos, neu, neg;
	int64_t comment_items, toxic;
	int64_t reactions, shares, comments;
} agg;

typedef struct row {
	int64_t item;
	loa_ms at;
	const char *source, *outlet, *platform, *kind, *own, *label;
	int64_t reactions, shares, comments;
} row;

static void agg_add(agg *a, const row *r)
{
	a->n++;
	if (r->kind && strcmp(r->kind, "comment") == 0) {
		a->comment_items++;
		if (r->label && strcmp(r->label, "clean") != 0)
			a->toxic++;
	} else if (r->label) {
		a->labelled++;
		if (strcmp(r->label, "positive") == 0)
			a->pos++;
		else if (strcmp(r->label, "neutral") == 0)
			a->neu++;
		else if (strcmp(r->label, "negative") == 0)
			a->neg++;
	}
	if (r->reactions > 0)
		a->reactions += r->reactions;
	if (r->shares > 0)
		a->shares += r->shares;
	if (r->comments > 0)
		a->comments += r->comments;
}

static json_t *agg_json(const agg *a)
{
	double lo, hi;
	loa_wilson(a->neg, a->labelled, LOA_WILSON_Z95, &lo, &hi);
	json_t *o = json_object();
	json_object_set_new(o, "items", json_integer(a->n));
	json_object_set_new(o, "labelled", json_integer(a->labelled));
	json_object_set_new(o, "positive", json_integer(a->pos));
	json_object_set_new(o, "neutral", json_integer(a->neu));
	json_object_set_new(o, "negative", json_integer(a->neg));
	json_object_set_new(o, "negative_share",
			    a->labelled ? json_real((double)a->neg / (double)a->labelled) : json_null());
	json_object_set_new(o, "ci_low", a->labelled ? json_real(lo) : json_null());
	json_object_set_new(o, "ci_high", a->labelled ? json_real(hi) : json_null());
	json_object_set_new(o, "line", json_real(LOA_NEGATIVE_LINE));
	json_object_set_new(o, "status",
			    json_string(loa_line_status(a->labelled, lo, hi, LOA_NEGATIVE_LINE)));
	json_object_set_new(o, "comment_items", json_integer(a->comment_items));
	json_object_set_new(o, "toxic_comments", json_integer(a->toxic));
	json_t *e = json_object();
	json_object_set_new(e, "reactions", json_integer(a->reactions));
	json_object_set_new(e, "shares", json_integer(a->shares));
	json_object_set_new(e, "comments", json_integer(a->comments));
	json_object_set_new(o, "engagement", e);
	return o;
}

/* A map of string keys to heap aggregates (owned). */
static agg *agg_at(loa_map *m, const char *key, size_t n)
{
	agg *a = loa_map_get(m, key, n);
	if (a)
		return a;
	a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	if (loa_map_set(m, key, n, a)) {
		free(a);
		return NULL;
	}
	return a;
}

typedef struct org_ent {
	char slug[LOA_SLUG_MAX + 1];
	char resolved[LOA_SLUG_MAX + 1];
	char name[LOA_NAME_MAX + 1];
} org_ent;

typedef struct org_list {
	org_ent *e;
	size_t n, cap;
} org_list;

static int org_collect(void *arg, const loa_org *o)
{
	org_list *v = arg;
	if (v->n == v->cap) {
		size_t nc = v->cap ? 2 * v->cap : 32;
		org_ent *p = realloc(v->e, nc * sizeof *p);
		if (!p)
			return LOA_ENOMEM;
		v->e = p;
		v->cap = nc;
	}
	org_ent *e = &v->e[v->n++];
	loa_strlcpy(e->slug, o->slug, sizeof e->slug);
	loa_strlcpy(e->resolved, o->slug, sizeof e->resolved);
	loa_strlcpy(e->name, o->name, sizeof e->name);
	return 0;
}

static const org_ent *org_find(const org_list *v, const char *slug)
{
	if (!slug)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->e[i].slug, slug) == 0)
			return &v->e[i];
	return NULL;
}

/* The organisation a slug stands for today (itself when unknown). */
static const char *resolve(const org_list *v, const char *slug)
{
	const org_ent *e = org_find(v, slug);
	return e ? e->resolved : slug;
}

static const char SQL_ROWS[] =
	"SELECT item_id, published_at, source, outlet, platform, kind, own_org, label, reactions, "
	"shares, comments FROM analyze_item WHERE published_at >= ?1 AND published_at < ?2 "
	"ORDER BY item_id";
static const char SQL_MENTIONS[] =
	"SELECT item_id, org FROM analyze_mention WHERE published_at >= ?1 AND published_at < ?2 "
	"ORDER BY item_id";
static const char SQL_TERMS[] =
	"SELECT term, day, n FROM analyze_term WHERE day >= ?1 AND day <= ?2 ORDER BY term, day";

typedef struct mention {
	int64_t item;
	char org[LOA_SLUG_MAX + 1];
} mention;

static void free_map(loa_map *m)
{
	size_t it = 0;
	loa_map_entry *e;
	while (loa_map_next(m, &it, &e))
		free(e->value);
	loa_map_release(m);
}

typedef struct key_agg {
	const char *key;
	size_t klen;
	agg *a;
} key_agg;

static int cmp_key(const void *x, const void *y)
{
	const key_agg *a = x, *b = y;
	size_t n = a->klen < b->klen ? a->klen : b->klen;
	int c = memcmp(a->key, b->key, n);
	return c ? c : (a->klen > b->klen) - (a->klen < b->klen);
}

static int cmp_count(const void *x, const void *y)
{
	const key_agg *a = x, *b = y;
	if (a->a->n != b->a->n)
		return a->a->n > b->a->n ? -1 : 1;
	return cmp_key(x, y);
}

/* The map's entries sorted (by key, or by count when by_count). */
static key_agg *sorted(const loa_map *m, bool by_count, size_t *n)
{
	key_agg *v = calloc(m->count + 1, sizeof *v);
	if (!v)
		return NULL;
	size_t it = 0, k = 0;
	loa_map_entry *e;
	while (loa_map_next(m, &it, &e)) {
		v[k].key = e->key;
		v[k].klen = e->klen;
		v[k].a = e->value;
		k++;
	}
	qsort(v, k, sizeof *v, by_count ? cmp_count : cmp_key);
	*n = k;
	return v;
}

static void time_str(loa_ms t, char *out)
{
	loa_time_format_rfc3339(t, out);
}

static json_t *window_array(const loa_map *m)
{
	json_t *arr = json_array();
	size_t n;
	key_agg *v = sorted(m, false, &n);
	for (size_t i = 0; v && i < n; i++) {
		int64_t start;
		char tmp[32];
		size_t l = v[i].klen < sizeof tmp - 1 ? v[i].klen : sizeof tmp - 1;
		memcpy(tmp, v[i].key, l);
		tmp[l] = 0;
		if (loa_parse_i64(tmp, &start))
			continue;
		start -= (int64_t)4e18; /* window_key's offset */
		char ts[LOA_TIME_STR_MAX], day[LOA_TIME_STR_MAX];
		time_str(start, ts);
		loa_time_format_vn_date(start, day);
		json_t *o = agg_json(v[i].a);
		json_object_set_new(o, "start", json_string(ts));
		json_object_set_new(o, "date", json_string(day));
		json_array_append_new(arr, o);
	}
	free(v);
	return arr;
}

/* Window keys are the window's start as a fixed-width number so that they
 * sort by time. */
static size_t window_key(char *buf, size_t cap, loa_ms t, const char *unit)
{
	int k = snprintf(buf, cap, "%020" PRId64, loa_window_start(t, unit) + (int64_t)4e18);
	return k > 0 ? (size_t)k : 0;
}

typedef struct build {
	loa_store *s;
	const loa_report_opts *o;
	org_list orgs;
	loa_map own, about, sources, platforms, channels;
	loa_map win[4]; /* hour, day, week, month */
	loa_map org_day; /* "slug\x1fown|about\x1f<day key>" */
	mention *men;
	size_t nmen, capmen;
	agg total;
	int64_t about_total;
	loa_ms newest;
	loa_err *err;
} build;

static const char *const units[4] = {"hour", "day", "week", "month"};

static int add_row(build *b, const row *r, const mention *m, size_t nm)
{
	agg_add(&b->total, r);
	if (r->at > b->newest)
		b->newest = r->at;
	agg *a;
	char key[LOA_SLUG_MAX * 2 + 64];
#define ADD(map, k, n)                                                                             \
	do {                                                                                       \
		if (!(a = agg_at((map), (k), (n))))                                                \
			return LOA_ENOMEM;                                                         \
		agg_add(a, r);                                                             \
	} while (0)
	ADD(&b->sources, r->source, strlen(r->source));
	ADD(&b->platforms, r->platform, strlen(r->platform));
	const char *ch = r->own ? "own" : "other";
	ADD(&b->channels, ch, strlen(ch));
	for (int u = 0; u < 4; u++) {
		size_t kn = window_key(key, sizeof key, r->at, units[u]);
		ADD(&b->win[u], key, kn);
	}
	char dk[32];
	size_t dkn = window_key(dk, sizeof dk, r->at, "day");
	const char *own = r->own ? resolve(&b->orgs, r->own) : NULL;
	bool comment = strcmp(r->kind, "comment") == 0;
	if (own) {
		/* comments on an organisation's channel are not what it posts:
		 * they are counted (toxicity) but kept out of the tone shares by
		 * agg_add itself */
		ADD(&b->own, own, strlen(own));
		int k = snprintf(key, sizeof key, "%s\x1fown\x1f%.*s", own, (int)dkn, dk);
		if (k > 0 && (size_t)k < sizeof key)
			ADD(&b->org_day, key, (size_t)k);
	}
	if (!comment) {
		for (size_t i = 0; i < nm; i++) {
			const char *o = resolve(&b->orgs, m[i].org);
			if (own && strcmp(o, own) == 0)
				continue;
			bool dup = false;
			for (size_t j = 0; j < i; j++)
				if (strcmp(resolve(&b->orgs, m[j].org), o) == 0)
					dup = true;
			if (dup)
				continue;
			ADD(&b->about, o, strlen(o));
			b->about_total++;
			int k = snprintf(key, sizeof key, "%s\x1f" "about\x1f%.*s", o, (int)dkn, dk);
			if (k > 0 && (size_t)k < sizeof key)
				ADD(&b->org_day, key, (size_t)k);
		}
	}
#undef ADD
	return LOA_OK;
}

static json_t *org_series(build *b, const char *slug)
{
	json_t *arr = json_array();
	size_t n;
	key_agg *v = sorted(&b->org_day, false, &n);
	size_t sl = strlen(slug);
	for (size_t i = 0; v && i < n; i++) {
		if (v[i].klen <= sl + 1 || memcmp(v[i].key, slug, sl) || v[i].key[sl] != 0x1f)
			continue;
		const char *rest = v[i].key + sl + 1;
		size_t rn = v[i].klen - sl - 1;
		const char *sep = memchr(rest, 0x1f, rn);
		if (!sep)
			continue;
		char tmp[32];
		size_t l = rn - (size_t)(sep + 1 - rest);
		if (l >= sizeof tmp)
			continue;
		memcpy(tmp, sep + 1, l);
		tmp[l] = 0;
		int64_t start;
		if (loa_parse_i64(tmp, &start))
			continue;
		start -= (int64_t)4e18;
		char day[LOA_TIME_STR_MAX];
		loa_time_format_vn_date(start, day);
		json_t *o = agg_json(v[i].a);
		json_object_set_new(o, "date", json_string(day));
		json_object_set_new(o, "side", json_stringn(rest, (size_t)(sep - rest)));
		json_array_append_new(arr, o);
	}
	free(v);
	return arr;
}

static json_t *keyed_array(const loa_map *m, const char *field, int64_t top)
{
	json_t *arr = json_array();
	size_t n;
	key_agg *v = sorted(m, true, &n);
	for (size_t i = 0; v && i < n && (top <= 0 || (int64_t)i < top); i++) {
		json_t *o = agg_json(v[i].a);
		json_object_set_new(o, field, json_stringn(v[i].key, v[i].klen));
		json_array_append_new(arr, o);
	}
	free(v);
	return arr;
}

static int story_cb(void *arg, const loa_story_info *s)
{
	json_t *arr = arg;
	json_t *o = json_object();
	char a[LOA_TIME_STR_MAX], z[LOA_TIME_STR_MAX];
	json_object_set_new(o, "id", json_integer(s->id));
	json_object_set_new(o, "title", json_string(s->title));
	json_object_set_new(o, "items", json_integer(s->items));
	json_object_set_new(o, "outlets", json_integer(s->outlets));
	json_object_set_new(o, "first_source", json_string(s->first_source));
	json_object_set_new(o, "first_item", json_integer(s->first_item));
	json_object_set_new(o, "first_at", json_string(loa_time_format_rfc3339(s->first_at, a)));
	json_object_set_new(o, "last_at", json_string(loa_time_format_rfc3339(s->last_at, z)));
	json_object_set_new(o, "tone", json_string(s->tone));
	json_object_set_new(o, "negative", json_integer(s->negative));
	json_array_append_new(arr, o);
	return 0;
}

typedef struct term_score {
	char *term;
	int64_t today;
	double mean, score;
} term_score;

static int cmp_score(const void *x, const void *y)
{
	const term_score *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return strcmp(a->term, b->term);
}

static int trending(build *b, json_t *out, int64_t top)
{
	if (b->newest == INT64_MIN)
		return LOA_OK;
	int64_t last = loa__an_vn_day(b->newest);
	loa_stmt *st;
	int rc = loa_sql_cached(b->s, SQL_TERMS, &st, b->err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, last - LOA_TREND_DAYS);
	loa_sql_bind_i64(st, 2, last);
	term_score *v = NULL;
	size_t n = 0, cap = 0;
	char cur[256] = "";
	int64_t hist[LOA_TREND_DAYS], today = 0;
	bool have = false;
	for (;;) {
		rc = loa_sql_step(st, b->err);
		const char *t = rc == LOA_SQL_ROW ? loa_sql_col_text(st, 0) : NULL;
		if (have && (!t || strcmp(t, cur) != 0)) {
			if (today >= LOA_TREND_MIN) {
				if (n == cap) {
					size_t nc = cap ? 2 * cap : 256;
					term_score *p = realloc(v, nc * sizeof *p);
					if (!p) {
						rc = LOA_ENOMEM;
						break;
					}
					v = p;
					cap = nc;
				}
				double m = 0;
				for (int i = 0; i < LOA_TREND_DAYS; i++)
					m += (double)hist[i];
				v[n].term = strdup(cur);
				v[n].today = today;
				v[n].mean = m / LOA_TREND_DAYS;
				v[n].score = loa_trend_score(today, hist, LOA_TREND_DAYS);
				if (v[n].term)
					n++;
			}
			have = false;
		}
		if (rc != LOA_SQL_ROW)
			break;
		if (!have) {
			loa_strlcpy(cur, t ? t : "", sizeof cur);
			memset(hist, 0, sizeof hist);
			today = 0;
			have = true;
		}
		int64_t day = loa_sql_col_i64(st, 1), c = loa_sql_col_i64(st, 2);
		if (day == last)
			today = c;
		else if (day >= last - LOA_TREND_DAYS && day < last)
			hist[last - day - 1] = c;
	}
	loa_sql_reset(st);
	if (rc == LOA_SQL_DONE)
		rc = LOA_OK;
	if (n)
		qsort(v, n, sizeof *v, cmp_score);
	char day[LOA_TIME_STR_MAX];
	loa_time_format_vn_date(b->newest, day);
	for (size_t i = 0; i < n; i++) {
		if ((int64_t)i < top && v[i].score > 0) {
			json_t *o = json_object();
			json_object_set_new(o, "term", json_string(v[i].term));
			json_object_set_new(o, "date", json_string(day));
			json_object_set_new(o, "count", json_integer(v[i].today));
			json_object_set_new(o, "mean_before", json_real(v[i].mean));
			json_object_set_new(o, "score", json_real(v[i].score));
			json_array_append_new(out, o);
		}
		free(v[i].term);
	}
	free(v);
	return rc < 0 ? rc : LOA_OK;
}

static json_t *method_json(const loa_report_opts *o)
{
	json_t *m = json_object();
	json_object_set_new(m, "item", json_string(
		"Một tin là một mục đã lưu và đã phân tích (bài báo, bài đăng, chia sẻ, tin chính thức, "
		"bình luận), tính theo thời điểm đăng, giờ Việt Nam / An item is a stored, analysed item "
		"(article, post, share, official item, comment), by publication time in "
		"Asia/Ho_Chi_Minh."));
	json_object_set_new(m, "tone", json_string(
		"Giọng điệu của tin và bài đăng tiếng Việt theo mô hình, trừ khi cán bộ đã gán nhãn "
		"(nhãn của người luôn được dùng); bình luận được đo độ độc hại, không tính vào tỉ lệ "
		"tiêu cực / Tone of Vietnamese news and posts from the model unless an analyst labelled "
		"the item (the person's label wins); comments are scored for toxicity and left out of "
		"negative shares."));
	json_object_set_new(m, "own", json_string(
		"Tự đăng, chia sẻ: tin có org là cơ quan, hoặc nguồn do cơ quan sở hữu (kể cả cơ quan "
		"tiền nhiệm), trừ bình luận — quy tắc 15% áp dụng cho phần này / Own: items whose org is "
		"the organisation or whose source it owns (predecessors included), comments excluded — "
		"the 15% rule applies to these."));
	json_object_set_new(m, "about", json_string(
		"Nói về cơ quan: tin không phải của cơ quan có nhắc tên hoặc tên gọi khác của cơ quan "
		"(so khớp không dấu, theo ranh giới từ) / About: items not its own that mention its name "
		"or an alias (matched without diacritics, on word boundaries)."));
	json_object_set_new(m, "interval", json_string(
		"Khoảng tin cậy Wilson 95% của tỉ lệ tiêu cực; 'under' khi cả khoảng dưới 15%, 'over' "
		"khi cả khoảng trên 15% / 95% Wilson score interval; 'under' when the whole interval is "
		"below 15%, 'over' when above, else 'uncertain'."));
	json_object_set_new(m, "trending", json_string(
		"Từ nổi lên: số tin có từ trong ngày cuối so với 7 ngày trước: (c - m) / sqrt(m + 1), "
		"c >= 3 / Trending: the term's item count on the last day against its previous 7 days."));
	json_object_set_new(m, "share_of_voice", json_string(
		"Tin nói về cơ quan / mọi tin nói về các cơ quan trong kỳ / items about the organisation "
		"over all items about any organisation in the period."));
	json_object_set_new(m, "topic", json_string(
		"Chưa có mô hình chủ đề / no topic model is shipped yet"));
	json_object_set_new(m, "line", json_real(LOA_NEGATIVE_LINE));
	json_object_set_new(m, "tone_model", json_string(o->tone_model ? o->tone_model : ""));
	json_object_set_new(m, "tone_model_note", json_string(o->tone_note ? o->tone_note : ""));
	json_object_set_new(m, "tone_model_accuracy",
			    json_string(o->tone_accuracy ? o->tone_accuracy : ""));
	return m;
}

int loa_report_build(loa_store *s, const loa_report_opts *o, void **out_json, loa_err *err)
{
	*out_json = NULL;
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	build b;
	memset(&b, 0, sizeof b);
	b.s = s;
	b.o = o;
	b.err = err;
	b.newest = INT64_MIN;
	loa_map *maps[] = {&b.own, &b.about, &b.sources, &b.platforms, &b.channels, &b.win[0],
			   &b.win[1], &b.win[2], &b.win[3], &b.org_day};
	for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
		loa_map_init(maps[i], NULL);
	json_t *root = NULL;
	loa_stmt *st = NULL;
	int64_t top = o->top > 0 ? o->top : 20;
	loa_ms from = o->from == LOA_TIME_NONE ? INT64_MIN : o->from;
	loa_ms to = o->to == LOA_TIME_NONE ? INT64_MAX : o->to;

	if ((rc = loa_store_orgs_each(s, org_collect, &b.orgs, err)))
		goto out;
	for (size_t i = 0; i < b.orgs.n; i++) {
		loa_org_rec rec;
		if (loa_store_org_resolve(s, b.orgs.e[i].slug, &rec, NULL) == LOA_OK)
			loa_strlcpy(b.orgs.e[i].resolved, rec.slug, sizeof b.orgs.e[i].resolved);
	}
	if (o->org && !org_find(&b.orgs, o->org)) {
		rc = loa_err_set(err, LOA_ENOTFOUND, "không có cơ quan / no such organisation: %s",
				 o->org);
		goto out;
	}
	/* mentions of the period */
	if ((rc = loa_sql_prepare(s, SQL_MENTIONS, &st, err)))
		goto out;
	loa_sql_bind_i64(st, 1, from);
	loa_sql_bind_i64(st, 2, to);
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		if (b.nmen == b.capmen) {
			size_t nc = b.capmen ? 2 * b.capmen : 1024;
			mention *p = realloc(b.men, nc * sizeof *p);
			if (!p) {
				rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
				break;
			}
			b.men = p;
			b.capmen = nc;
		}
		b.men[b.nmen].item = loa_sql_col_i64(st, 0);
		loa_strlcpy(b.men[b.nmen].org, loa_sql_col_text(st, 1) ? loa_sql_col_text(st, 1) : "",
			    sizeof b.men[b.nmen].org);
		b.nmen++;
	}
	loa_sql_finalize(st);
	st = NULL;
	if (rc < 0)
		goto out;
	/* items of the period */
	if ((rc = loa_sql_prepare(s, SQL_ROWS, &st, err)))
		goto out;
	loa_sql_bind_i64(st, 1, from);
	loa_sql_bind_i64(st, 2, to);
	size_t mi = 0;
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		row r;
		r.item = loa_sql_col_i64(st, 0);
		r.at = loa_sql_col_i64(st, 1);
		r.source = loa_sql_col_text(st, 2);
		r.outlet = loa_sql_col_text(st, 3);
		r.platform = loa_sql_col_text(st, 4);
		r.kind = loa_sql_col_text(st, 5);
		r.own = loa_sql_col_text(st, 6);
		r.label = loa_sql_col_text(st, 7);
		r.reactions = loa_sql_col_null(st, 8) ? 0 : loa_sql_col_i64(st, 8);
		r.shares = loa_sql_col_null(st, 9) ? 0 : loa_sql_col_i64(st, 9);
		r.comments = loa_sql_col_null(st, 10) ? 0 : loa_sql_col_i64(st, 10);
		if (!r.source)
			r.source = "";
		if (!r.platform)
			r.platform = "";
		if (!r.kind)
			r.kind = "";
		while (mi < b.nmen && b.men[mi].item < r.item)
			mi++;
		size_t mj = mi;
		while (mj < b.nmen && b.men[mj].item == r.item)
			mj++;
		if (add_row(&b, &r, b.men + mi, mj - mi)) {
			rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
			break;
		}
	}
	loa_sql_finalize(st);
	st = NULL;
	if (rc < 0)
		goto out;

	root = json_object();
	char ts[LOA_TIME_STR_MAX];
	json_object_set_new(root, "report", json_string("loa measures"));
	json_object_set_new(root, "from", o->from == LOA_TIME_NONE ? json_null()
					  : json_string(loa_time_format_rfc3339(o->from, ts)));
	json_object_set_new(root, "to", o->to == LOA_TIME_NONE ? json_null()
					: json_string(loa_time_format_rfc3339(o->to, ts)));
	json_object_set_new(root, "generated_at",
			    json_string(loa_time_format_rfc3339(loa_now_ms(), ts)));
	json_object_set_new(root, "org", o->org ? json_string(o->org) : json_null());
	json_object_set_new(root, "method", method_json(o));
	json_object_set_new(root, "total", agg_json(&b.total));

	/* organisations */
	json_t *orgs_j = json_array();
	json_object_set_new(root, "orgs", orgs_j);
	for (size_t i = 0; i < b.orgs.n; i++) {
		const org_ent *e = &b.orgs.e[i];
		if (strcmp(e->slug, e->resolved) != 0)
			continue; /* merged into another: counted there */
		if (o->org && strcmp(resolve(&b.orgs, o->org), e->slug) != 0)
			continue;
		agg *own = loa_map_get(&b.own, e->slug, strlen(e->slug));
		agg *about = loa_map_get(&b.about, e->slug, strlen(e->slug));
		if (!own && !about && !o->org)
			continue;
		agg zero = {0};
		json_t *oj = json_object();
		json_object_set_new(oj, "slug", json_string(e->slug));
		json_object_set_new(oj, "name", json_string(e->name));
		json_object_set_new(oj, "own", agg_json(own ? own : &zero));
		json_object_set_new(oj, "about", agg_json(about ? about : &zero));
		json_object_set_new(oj, "share_of_voice",
				    b.about_total ? json_real((double)(about ? about->n : 0) /
							      (double)b.about_total)
						  : json_null());
		json_t *pred = json_array();
		for (size_t j = 0; j < b.orgs.n; j++)
			if (j != i && strcmp(b.orgs.e[j].resolved, e->slug) == 0)
				json_array_append_new(pred, json_string(b.orgs.e[j].slug));
		json_object_set_new(oj, "includes", pred);
		json_object_set_new(oj, "daily", org_series(&b, e->slug));
		json_array_append_new(orgs_j, oj);
	}
	json_object_set_new(root, "sources", keyed_array(&b.sources, "source", 0));
	json_object_set_new(root, "platforms", keyed_array(&b.platforms, "platform", 0));
	json_object_set_new(root, "channels", keyed_array(&b.channels, "channel", 0));
	json_t *w = json_object();
	json_object_set_new(root, "windows", w);
	bool short_span = b.newest != INT64_MIN && from != INT64_MIN && to != INT64_MAX &&
			  to - from <= 3 * DAY_MS_REPORT;
	for (int u = short_span ? 0 : 1; u < 4; u++)
		json_object_set_new(w, units[u], window_array(&b.win[u]));
	json_t *stories = json_array();
	json_object_set_new(root, "stories", stories);
	if ((rc = loa_stories_each(s, o->from, o->to, 2, top, story_cb, stories, err)))
		goto out;
	json_t *terms = json_array();
	json_object_set_new(root, "trending", terms);
	if ((rc = trending(&b, terms, top)))
		goto out;
	*out_json = root;
	root = NULL;
	rc = LOA_OK;
out:
	if (st)
		loa_sql_finalize(st);
	json_decref(root);
	for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
		free_map(maps[i]);
	free(b.orgs.e);
	free(b.men);
	return rc < 0 ? rc : LOA_OK;
}

/* ---- measures for the dashboard ------------------------------------------------------ */

static json_t *point_json(const agg *a)
{
	double lo, hi;
	loa_wilson(a->neg, a->labelled, LOA_WILSON_Z95, &lo, &hi);
	json_t *o = json_object();
	json_object_set_new(o, "n", json_integer(a->n));
	json_object_set_new(o, "labelled", json_integer(a->labelled));
	json_object_set_new(o, "positive", json_integer(a->pos));
	json_object_set_new(o, "neutral", json_integer(a->neu));
	json_object_set_new(o, "negative", json_integer(a->neg));
	if (a->labelled) {
		json_object_set_new(o, "share", json_real((double)a->neg / (double)a->labelled));
		json_object_set_new(o, "lo", json_real(lo));
		json_object_set_new(o, "hi", json_real(hi));
	}
	return o;
}

typedef struct mbuild {
	build b;
	const loa_measures_opts *o;
	loa_map groups, points; /* key; "key\x1fwindow" (total: "\x1e\x1fwindow") */
} mbuild;

static int madd(mbuild *m, const char *key, const row *r, const char *wk, size_t wn)
{
	char k[LOA_SLUG_MAX * 2 + 64];
	agg *a;
	size_t kn = strlen(key);
	if (kn > LOA_SLUG_MAX * 2)
		kn = LOA_SLUG_MAX * 2;
	if (!(a = agg_at(&m->groups, key, kn)))
		return LOA_ENOMEM;
	agg_add(a, r);
	int n = snprintf(k, sizeof k, "%.*s\x1f%.*s", (int)kn, key, (int)wn, wk);
	if (n <= 0 || (size_t)n >= sizeof k || !(a = agg_at(&m->points, k, (size_t)n)))
		return LOA_ENOMEM;
	agg_add(a, r);
	return LOA_OK;
}

static int mrow(mbuild *m, const row *r, const mention *men, size_t nm)
{
	const loa_measures_opts *o = m->o;
	const char *by = o->by ? o->by : "org";
	const char *scope = o->scope ? o->scope : "own";
	bool comment = strcmp(r->kind, "comment") == 0;
	const char *own = r->own && !comment ? resolve(&m->b.orgs, r->own) : NULL;
	const char *about[16];
	size_t na = 0;
	for (size_t i = 0; i < nm && na < 16 && !comment; i++) {
		const char *x = resolve(&m->b.orgs, men[i].org);
		if (own && strcmp(x, own) == 0)
			continue;
		bool dup = false;
		for (size_t j = 0; j < na; j++)
			dup |= strcmp(about[j], x) == 0;
		if (!dup)
			about[na++] = x;
	}
	bool in;
	if (strcmp(scope, "own") == 0)
		in = own != NULL;
	else if (strcmp(scope, "about") == 0)
		in = na > 0;
	else
		in = true;
	if (in && o->org) {
		const char *want = resolve(&m->b.orgs, o->org);
		bool hit = own && strcmp(own, want) == 0;
		for (size_t j = 0; j < na && !hit; j++)
			hit = strcmp(about[j], want) == 0;
		if (strcmp(scope, "own") == 0)
			hit = own && strcmp(own, want) == 0;
		in = hit;
	}
	if (!in)
		return LOA_OK;
	char wk[32];
	size_t wn = window_key(wk, sizeof wk, r->at, o->interval ? o->interval : "day");
	agg_add(&m->b.total, r);
	agg *a;
	char k[40];
	int n = snprintf(k, sizeof k, "\x1e\x1f%.*s", (int)wn, wk);
	if (n <= 0 || !(a = agg_at(&m->points, k, (size_t)n)))
		return LOA_ENOMEM;
	agg_add(a, r);
	if (strcmp(by, "org") == 0) {
		if (strcmp(scope, "about") != 0 && own && madd(m, own, r, wk, wn))
			return LOA_ENOMEM;
		if (strcmp(scope, "own") != 0)
			for (size_t j = 0; j < na; j++)
				if ((!o->org || strcmp(about[j], resolve(&m->b.orgs, o->org)) == 0) &&
				    madd(m, about[j], r, wk, wn))
					return LOA_ENOMEM;
		return LOA_OK;
	}
	const char *key = strcmp(by, "channel") == 0 ? (r->own ? "own" : "other")
			  : strcmp(by, "platform") == 0 ? r->platform
			  : strcmp(by, "kind") == 0 ? r->kind
						     : r->source;
	return madd(m, key, r, wk, wn);
}

static json_t *points_of(mbuild *m, const char *key, size_t kn)
{
	json_t *arr = json_array();
	size_t n;
	key_agg *v = sorted(&m->points, false, &n);
	for (size_t i = 0; v && i < n; i++) {
		if (v[i].klen <= kn + 1 || memcmp(v[i].key, key, kn) || v[i].key[kn] != 0x1f)
			continue;
		char tmp[32];
		size_t l = v[i].klen - kn - 1;
		if (l >= sizeof tmp)
			continue;
		memcpy(tmp, v[i].key + kn + 1, l);
		tmp[l] = 0;
		int64_t start;
		if (loa_parse_i64(tmp, &start))
			continue;
		start -= (int64_t)4e18;
		char ts[LOA_TIME_STR_MAX];
		json_t *p = point_json(v[i].a);
		json_object_set_new(p, "t", json_string(loa_time_format_rfc3339(start, ts)));
		json_array_append_new(arr, p);
	}
	free(v);
	return arr;
}

int loa_measures_build(loa_store *s, const loa_measures_opts *o, void **out_json, loa_err *err)
{
	*out_json = NULL;
	const char *by = o->by ? o->by : "org", *scope = o->scope ? o->scope : "own";
	const char *iv = o->interval ? o->interval : "day";
	if (strcmp(by, "org") && strcmp(by, "channel") && strcmp(by, "platform") &&
	    strcmp(by, "source") && strcmp(by, "kind"))
		return loa_err_set(err, LOA_EINVAL, "by là org, channel, platform, source hoặc kind / by "
				   "is org, channel, platform, source or kind");
	if (strcmp(scope, "own") && strcmp(scope, "about") && strcmp(scope, "all"))
		return loa_err_set(err, LOA_EINVAL, "scope là own, about hoặc all / scope is own, about "
				   "or all");
	if (strcmp(iv, "hour") && strcmp(iv, "day") && strcmp(iv, "week") && strcmp(iv, "month"))
		return loa_err_set(err, LOA_EINVAL, "interval là hour, day, week hoặc month / interval "
				   "is hour, day, week or month");
	int rc = loa_analyze_schema(s, err);
	if (rc)
		return rc;
	mbuild m;
	memset(&m, 0, sizeof m);
	m.o = o;
	m.b.s = s;
	m.b.err = err;
	loa_map_init(&m.groups, NULL);
	loa_map_init(&m.points, NULL);
	loa_stmt *st = NULL;
	json_t *root = NULL;
	loa_ms from = o->from == LOA_TIME_NONE ? INT64_MIN : o->from;
	loa_ms to = o->to == LOA_TIME_NONE ? INT64_MAX : o->to;
	if (strcmp(iv, "hour") == 0 && (from == INT64_MIN || to - from > (loa_ms)93 * 86400000)) {
		rc = loa_err_set(err, LOA_EINVAL, "theo giờ chỉ cho tối đa 93 ngày / hourly windows "
				 "only for at most 93 days");
		goto out;
	}
	if ((rc = loa_store_orgs_each(s, org_collect, &m.b.orgs, err)))
		goto out;
	for (size_t i = 0; i < m.b.orgs.n; i++) {
		loa_org_rec rec;
		if (loa_store_org_resolve(s, m.b.orgs.e[i].slug, &rec, NULL) == LOA_OK)
			loa_strlcpy(m.b.orgs.e[i].resolved, rec.slug, sizeof m.b.orgs.e[i].resolved);
	}
	if ((rc = loa_sql_prepare(s, SQL_MENTIONS, &st, err)))
		goto out;
	loa_sql_bind_i64(st, 1, from);
	loa_sql_bind_i64(st, 2, to);
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		if (m.b.nmen == m.b.capmen) {
			size_t nc = m.b.capmen ? 2 * m.b.capmen : 1024;
			mention *p = realloc(m.b.men, nc * sizeof *p);
			if (!p) {
				rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
				break;
			}
			m.b.men = p;
			m.b.capmen = nc;
		}
		m.b.men[m.b.nmen].item = loa_sql_col_i64(st, 0);
		loa_strlcpy(m.b.men[m.b.nmen].org, loa_sql_col_text(st, 1) ? loa_sql_col_text(st, 1) : "",
			    sizeof m.b.men[m.b.nmen].org);
		m.b.nmen++;
	}
	loa_sql_finalize(st);
	st = NULL;
	if (rc < 0)
		goto out;
	if ((rc = loa_sql_prepare(s, SQL_ROWS, &st, err)))
		goto out;
	loa_sql_bind_i64(st, 1, from);
	loa_sql_bind_i64(st, 2, to);
	size_t mi = 0;
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		row r;
		r.item = loa_sql_col_i64(st, 0);
		r.at = loa_sql_col_i64(st, 1);
		r.source = loa_sql_col_text(st, 2) ? loa_sql_col_text(st, 2) : "";
		r.outlet = loa_sql_col_text(st, 3);
		r.platform = loa_sql_col_text(st, 4) ? loa_sql_col_text(st, 4) : "";
		r.kind = loa_sql_col_text(st, 5) ? loa_sql_col_text(st, 5) : "";
		r.own = loa_sql_col_text(st, 6);
		r.label = loa_sql_col_text(st, 7);
		r.reactions = loa_sql_col_null(st, 8) ? 0 : loa_sql_col_i64(st, 8);
		r.shares = loa_sql_col_null(st, 9) ? 0 : loa_sql_col_i64(st, 9);
		r.comments = loa_sql_col_null(st, 10) ? 0 : loa_sql_col_i64(st, 10);
		while (mi < m.b.nmen && m.b.men[mi].item < r.item)
			mi++;
		size_t mj = mi;
		while (mj < m.b.nmen && m.b.men[mj].item == r.item)
			mj++;
		if (mrow(&m, &r, m.b.men + mi, mj - mi)) {
			rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
			break;
		}
	}
	loa_sql_finalize(st);
	st = NULL;
	if (rc < 0)
		goto out;
	root = json_object();
	json_object_set_new(root, "threshold", json_real(LOA_NEGATIVE_LINE));
	json_object_set_new(root, "method", json_string(
		"Tỉ lệ tin tiêu cực trên số tin đã có nhãn giọng điệu (nhãn của cán bộ thay nhãn mô hình), "
		"khoảng tin cậy Wilson 95%; bình luận không tính. own: tin cơ quan tự đăng, chia sẻ trên "
		"kênh của mình; about: tin nơi khác nhắc tên cơ quan / Negative items over items with a "
		"tone label (an analyst's label over the model's), 95% Wilson interval; comments "
		"excluded. own: what the organisation posts and shares on its channels; about: items "
		"elsewhere naming it (docs/rooms/analyze.md)."));
	json_object_set_new(root, "by", json_string(by));
	json_object_set_new(root, "scope", json_string(scope));
	json_object_set_new(root, "interval", json_string(iv));
	json_t *tot = point_json(&m.b.total);
	{
		double lo, hi;
		loa_wilson(m.b.total.neg, m.b.total.labelled, LOA_WILSON_Z95, &lo, &hi);
		json_object_set_new(tot, "status", json_string(loa_line_status(m.b.total.labelled, lo, hi,
									      LOA_NEGATIVE_LINE)));
	}
	json_object_set_new(tot, "points", points_of(&m, "\x1e", 1));
	json_object_set_new(root, "total", tot);
	json_t *groups = json_array();
	json_object_set_new(root, "groups", groups);
	size_t n;
	key_agg *v = sorted(&m.groups, true, &n);
	int64_t maxg = o->max_groups > 0 ? o->max_groups : 100;
	for (size_t i = 0; v && i < n && (int64_t)i < maxg; i++) {
		json_t *g = point_json(v[i].a);
		double lo, hi;
		loa_wilson(v[i].a->neg, v[i].a->labelled, LOA_WILSON_Z95, &lo, &hi);
		json_object_set_new(g, "status", json_string(loa_line_status(v[i].a->labelled, lo, hi,
									    LOA_NEGATIVE_LINE)));
		json_object_set_new(g, "key", json_stringn(v[i].key, v[i].klen));
		char kb[LOA_SLUG_MAX * 2 + 1];
		size_t kl = v[i].klen < sizeof kb - 1 ? v[i].klen : sizeof kb - 1;
		memcpy(kb, v[i].key, kl);
		kb[kl] = 0;
		const org_ent *e = strcmp(by, "org") == 0 ? org_find(&m.b.orgs, kb) : NULL;
		json_object_set_new(g, "name", json_string(e ? e->name : kb));
		json_object_set_new(g, "points", points_of(&m, kb, kl));
		json_array_append_new(groups, g);
	}
	free(v);
	*out_json = root;
	root = NULL;
	rc = LOA_OK;
out:
	if (st)
		loa_sql_finalize(st);
	json_decref(root);
	free_map(&m.groups);
	free_map(&m.points);
	free(m.b.orgs.e);
	free(m.b.men);
	return rc < 0 ? rc : LOA_OK;
}

/* ---- rendering ---------------------------------------------------------------------- */

static int64_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static bool jnum(const json_t *o, const char *k, double *v)
{
	json_t *x = json_object_get(o, k);
	if (!x || !json_is_number(x))
		return false;
	*v = json_number_value(x);
	return true;
}

static void csv_field(loa_buf *b, const char *s)
{
	bool q = strpbrk(s, ",\"\r\n") != NULL;
	if (!q) {
		loa_buf_puts(b, s);
		return;
	}
	loa_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			loa_buf_putc(b, '"');
		loa_buf_putc(b, *s);
	}
	loa_buf_putc(b, '"');
}

static void csv_num(loa_buf *b, const json_t *o, const char *k)
{
	double v;
	loa_buf_putc(b, ',');
	if (jnum(o, k, &v)) {
		if (json_is_integer(json_object_get(o, k)))
			loa_buf_printf(b, "%" PRId64, (int64_t)json_integer_value(json_object_get(o, k)));
		else
			loa_buf_printf(b, "%.4f", v);
	}
}

static void csv_agg(loa_buf *b, const char *section, const char *key, const char *date,
		    const json_t *a)
{
	csv_field(b, section);
	loa_buf_putc(b, ',');
	csv_field(b, key);
	loa_buf_putc(b, ',');
	csv_field(b, date);
	static const char *const f[] = {"items", "labelled", "positive", "neutral", "negative",
					"negative_share", "ci_low", "ci_high"};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		csv_num(b, a, f[i]);
	loa_buf_putc(b, ',');
	csv_field(b, jstr(a, "status"));
	csv_num(b, a, "comment_items");
	csv_num(b, a, "toxic_comments");
	const json_t *e = json_object_get(a, "engagement");
	csv_num(b, e, "reactions");
	csv_num(b, e, "shares");
	csv_num(b, e, "comments");
	loa_buf_puts(b, ",\r\n");
}

static void render_csv(const json_t *r, loa_buf *b)
{
	loa_buf_puts(b, "section,key,date,items,labelled,positive,neutral,negative,negative_share,"
			"ci_low,ci_high,status,comment_items,toxic_comments,reactions,shares,comments,"
			"score\r\n");
	csv_agg(b, "total", "", "", json_object_get(r, "total"));
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(r, "orgs"), i, v) {
		const char *slug = jstr(v, "slug");
		csv_agg(b, "org_own", slug, "", json_object_get(v, "own"));
		csv_agg(b, "org_about", slug, "", json_object_get(v, "about"));
		size_t j;
		json_t *d;
		json_array_foreach(json_object_get(v, "daily"), j, d) {
			char sec[32];
			snprintf(sec, sizeof sec, "org_%s_day", jstr(d, "side"));
			csv_agg(b, sec, slug, jstr(d, "date"), d);
		}
	}
	static const char *const lists[][2] = {{"sources", "source"},
						 {"platforms", "platform"},
						 {"channels", "channel"}};
	for (size_t k = 0; k < 3; k++)
		json_array_foreach(json_object_get(r, lists[k][0]), i, v)
			csv_agg(b, lists[k][1], jstr(v, lists[k][1]), "", v);
	const char *key;
	json_t *arr;
	json_object_foreach(json_object_get(r, "windows"), key, arr) {
		char sec[32];
		snprintf(sec, sizeof sec, "window_%s", key);
		json_array_foreach(arr, i, v)
			csv_agg(b, sec, "", jstr(v, "date"), v);
	}
	json_array_foreach(json_object_get(r, "stories"), i, v) {
		loa_buf_printf(b, "story,%" PRId64 ",", jint(v, "id"));
		csv_field(b, jstr(v, "first_at"));
		loa_buf_printf(b, ",%" PRId64 ",,,,%" PRId64 ",,,,", jint(v, "items"), jint(v, "negative"));
		csv_field(b, jstr(v, "tone"));
		loa_buf_puts(b, ",,,,,,\r\n");
	}
	json_array_foreach(json_object_get(r, "trending"), i, v) {
		double sc = 0;
		jnum(v, "score", &sc);
		loa_buf_puts(b, "trend,");
		csv_field(b, jstr(v, "term"));
		loa_buf_putc(b, ',');
		csv_field(b, jstr(v, "date"));
		loa_buf_printf(b, ",%" PRId64 ",,,,,,,,,,,,,,%.3f\r\n", jint(v, "count"), sc);
	}
}

/* ---- HTML -------------------------------------------------------------------------- */

static void esc(loa_buf *b, const char *s)
{
	loa_html_escape(b, s ? s : "");
}

static void pct(loa_buf *b, const json_t *a, const char *k)
{
	double v;
	if (jnum(a, k, &v))
		loa_buf_printf(b, "%.1f%%", 100 * v);
	else
		loa_buf_puts(b, "–");
}

static void agg_cells(loa_buf *b, const json_t *a)
{
	const json_t *e = json_object_get(a, "engagement");
	loa_buf_printf(b, "<td>%" PRId64 "</td><td>%" PRId64 "</td><td>%" PRId64 "</td><td>%" PRId64
			  "</td><td>%" PRId64 "</td><td>",
		       jint(a, "items"), jint(a, "labelled"), jint(a, "positive"), jint(a, "neutral"),
		       jint(a, "negative"));
	pct(b, a, "negative_share");
	loa_buf_puts(b, " [");
	pct(b, a, "ci_low");
	loa_buf_puts(b, " – ");
	pct(b, a, "ci_high");
	loa_buf_puts(b, "]</td><td class=\"");
	esc(b, jstr(a, "status"));
	loa_buf_puts(b, "\">");
	esc(b, jstr(a, "status"));
	loa_buf_printf(b, "</td><td>%" PRId64 " / %" PRId64 " / %" PRId64 "</td>",
		       jint(e, "reactions"), jint(e, "shares"), jint(e, "comments"));
}

static const char AGG_HEAD[] =
	"<th>tin / items</th><th>có nhãn / labelled</th><th>tích cực / positive</th>"
	"<th>trung tính / neutral</th><th>tiêu cực / negative</th>"
	"<th>tỉ lệ tiêu cực [KTC 95%] / negative share [95% CI]</th><th>so với 15% / vs 15%</th>"
	"<th>tương tác / reactions, shares, comments</th>";

#define CW 680
#define CH 220
#define PADL 44
#define PADB 34
#define PADT 12

/* Daily negative share with its interval, and the 15% line. */
static void share_chart(loa_buf *b, const json_t *daily, const char *side, const char *title)
{
	size_t n = 0, i;
	json_t *d;
	double ymax = 0.3;
	json_array_foreach(daily, i, d) {
		double hi;
		if (strcmp(jstr(d, "side"), side) != 0)
			continue;
		n++;
		if (jnum(d, "ci_high", &hi) && hi > ymax)
			ymax = hi;
	}
	if (n == 0)
		return;
	if (ymax > 1)
		ymax = 1;
	double pw = CW - PADL - 10, ph = CH - PADT - PADB;
	double bw = pw / (double)n;
	loa_buf_printf(b, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
			  "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
		       CW, CH, CW, CH);
	esc(b, title);
	loa_buf_puts(b, "\">");
	/* axes and grid */
	for (int g = 0; g <= 4; g++) {
		double v = ymax * g / 4, y = PADT + ph - ph * v / ymax;
		loa_buf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
				  "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%.0f%%"
				  "</text>",
			       PADL, y, CW - 10, y, PADL - 4, y + 3, 100 * v);
	}
	size_t k = 0;
	size_t step = n > 14 ? (n + 13) / 14 : 1;
	json_array_foreach(daily, i, d) {
		if (strcmp(jstr(d, "side"), side) != 0)
			continue;
		double x = PADL + bw * (double)k, v, lo, hi;
		if (jnum(d, "negative_share", &v)) {
			double h = ph * v / ymax;
			loa_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
					  "fill=\"%s\"><title>",
				       x + bw * 0.15, PADT + ph - h, bw * 0.7, h,
				       v > LOA_NEGATIVE_LINE ? "#c0392b" : "#2e86c1");
			esc(b, jstr(d, "date"));
			loa_buf_printf(b, ": %.1f%% (%" PRId64 "/%" PRId64 ")</title></rect>", 100 * v,
				       jint(d, "negative"), jint(d, "labelled"));
			if (jnum(d, "ci_low", &lo) && jnum(d, "ci_high", &hi)) {
				double cx = x + bw / 2;
				loa_buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
						  "stroke=\"#333\"/>",
					       cx, PADT + ph - ph * lo / ymax, cx, PADT + ph - ph * hi / ymax);
			}
		}
		if (k % step == 0) {
			loa_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" "
					  "text-anchor=\"middle\">",
				       x + bw / 2, CH - PADB + 14);
			const char *date = jstr(d, "date");
			esc(b, strlen(date) >= 10 ? date + 5 : date);
			loa_buf_puts(b, "</text>");
		}
		k++;
	}
	double ly = PADT + ph - ph * LOA_NEGATIVE_LINE / ymax;
	loa_buf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#c0392b\" "
			  "stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%.1f\" font-size=\"10\" "
			  "fill=\"#c0392b\" text-anchor=\"end\">15%%</text>",
		       PADL, ly, CW - 10, ly, CW - 12, ly - 3);
	loa_buf_puts(b, "</svg><figcaption>");
	esc(b, title);
	loa_buf_puts(b, "</figcaption></figure>\n");
}

/* Items per day, stacked by tone (and unlabelled). */
static void volume_chart(loa_buf *b, const json_t *days)
{
	size_t n = json_array_size(days), i;
	if (n == 0)
		return;
	int64_t ymax = 1;
	json_t *d;
	json_array_foreach(days, i, d) if (jint(d, "items") > ymax) ymax = jint(d, "items");
	double pw = CW - PADL - 10, ph = CH - PADT - PADB, bw = pw / (double)n;
	loa_buf_printf(b, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
			  "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"volume\">",
		       CW, CH, CW, CH);
	for (int g = 0; g <= 4; g++) {
		double v = (double)ymax * g / 4, y = PADT + ph - ph * v / (double)ymax;
		loa_buf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
				  "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%.0f"
				  "</text>",
			       PADL, y, CW - 10, y, PADL - 4, y + 3, v);
	}
	size_t step = n > 14 ? (n + 13) / 14 : 1;
	json_array_foreach(days, i, d) {
		double x = PADL + bw * (double)i, y = PADT + ph;
		int64_t parts[4] = {jint(d, "negative"), jint(d, "neutral"), jint(d, "positive"),
				    jint(d, "items") - jint(d, "labelled")};
		static const char *const col[4] = {"#c0392b", "#aab7b8", "#27ae60", "#e5e8e8"};
		for (int p = 0; p < 4; p++) {
			double h = ph * (double)parts[p] / (double)ymax;
			if (h <= 0)
				continue;
			y -= h;
			loa_buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
					  "fill=\"%s\"/>",
				       x + bw * 0.1, y, bw * 0.8, h, col[p]);
		}
		if (i % step == 0) {
			loa_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" "
					  "text-anchor=\"middle\">",
				       x + bw / 2, CH - PADB + 14);
			const char *date = jstr(d, "date");
			esc(b, strlen(date) >= 10 ? date + 5 : date);
			loa_buf_puts(b, "</text>");
		}
	}
	loa_buf_puts(b, "</svg><figcaption>Tin mỗi ngày theo giọng điệu (đỏ tiêu cực, xám trung tính, "
			"xanh tích cực, nhạt chưa có nhãn) / Items per day by tone</figcaption></figure>\n");
}

/* Share of voice as horizontal bars. */
static void sov_chart(loa_buf *b, const json_t *orgs)
{
	size_t n = 0, i;
	json_t *o;
	json_array_foreach(orgs, i, o) if (json_is_number(json_object_get(o, "share_of_voice"))) n++;
	if (n == 0)
		return;
	int h = (int)n * 22 + 10;
	loa_buf_printf(b, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
			  "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"share of voice\">",
		       CW, h, CW, h);
	size_t k = 0;
	json_array_foreach(orgs, i, o) {
		double v;
		if (!jnum(o, "share_of_voice", &v))
			continue;
		double y = 5 + 22.0 * (double)k++;
		loa_buf_printf(b, "<text x=\"230\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">",
			       y + 13);
		esc(b, jstr(o, "name"));
		loa_buf_printf(b, "</text><rect x=\"236\" y=\"%.1f\" width=\"%.1f\" height=\"16\" "
				  "fill=\"#5d6d7e\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%.1f%%"
				  "</text>",
			       y, 380 * v, 240 + 380 * v, y + 13, 100 * v);
	}
	loa_buf_puts(b, "</svg><figcaption>Thị phần thảo luận / share of voice</figcaption></figure>\n");
}

static void render_html(const json_t *r, loa_buf *b)
{
	loa_buf_puts(b, "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
			"<title>Báo cáo đo lường / Measures report</title><style>"
			"body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:60em}"
			"table{border-collapse:collapse;margin:.5em 0 1em;font-size:.85em}"
			"td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right}"
			"th{background:#f4f6f7}td:first-child,th:first-child{text-align:left}"
			".over{color:#c0392b;font-weight:bold}.under{color:#1e8449}"
			".uncertain{color:#b9770e}figure{margin:.5em 0 1.5em}"
			"figcaption{font-size:.8em;color:#555}pre{white-space:pre-wrap;font-size:.8em}"
			"@media print{body{margin:0}h2{page-break-before:auto}figure,table{"
			"page-break-inside:avoid}}</style></head><body>\n");
	loa_buf_puts(b, "<h1>Báo cáo đo lường truyền thông / Communication measures</h1>\n<p>Kỳ / "
			"period: ");
	esc(b, json_is_string(json_object_get(r, "from")) ? jstr(r, "from") : "…");
	loa_buf_puts(b, " → ");
	esc(b, json_is_string(json_object_get(r, "to")) ? jstr(r, "to") : "…");
	loa_buf_puts(b, " (UTC; cửa sổ theo giờ Việt Nam / windows in Asia/Ho_Chi_Minh). Lập lúc / "
			"generated: ");
	esc(b, jstr(r, "generated_at"));
	loa_buf_puts(b, "</p>\n<h2>Tổng quan / Overview</h2>\n<table><tr><th></th>");
	loa_buf_puts(b, AGG_HEAD);
	loa_buf_puts(b, "</tr><tr><td>tất cả / all</td>");
	agg_cells(b, json_object_get(r, "total"));
	loa_buf_puts(b, "</tr></table>\n");
	volume_chart(b, json_object_get(json_object_get(r, "windows"), "day"));

	loa_buf_puts(b, "<h2>Cơ quan / Organisations</h2>\n");
	size_t i;
	json_t *o;
	const json_t *orgs = json_object_get(r, "orgs");
	sov_chart(b, orgs);
	json_array_foreach(orgs, i, o) {
		loa_buf_puts(b, "<h3>");
		esc(b, jstr(o, "name"));
		loa_buf_puts(b, " <small>(");
		esc(b, jstr(o, "slug"));
		loa_buf_puts(b, ")</small></h3>\n<table><tr><th></th>");
		loa_buf_puts(b, AGG_HEAD);
		loa_buf_puts(b, "</tr><tr><td>tự đăng, chia sẻ / own channels</td>");
		agg_cells(b, json_object_get(o, "own"));
		loa_buf_puts(b, "</tr><tr><td>nơi khác nói về / others about it</td>");
		agg_cells(b, json_object_get(o, "about"));
		loa_buf_puts(b, "</tr></table>\n");
		char title[LOA_NAME_MAX + 128];
		snprintf(title, sizeof title, "%s — tỉ lệ tiêu cực mỗi ngày, kênh của mình / daily "
			 "negative share, own channels", jstr(o, "name"));
		share_chart(b, json_object_get(o, "daily"), "own", title);
		snprintf(title, sizeof title, "%s — tỉ lệ tiêu cực mỗi ngày, nơi khác nói về / daily "
			 "negative share, others about it", jstr(o, "name"));
		share_chart(b, json_object_get(o, "daily"), "about", title);
	}
	static const char *const lists[][3] = {
		{"sources", "source", "Nguồn / Sources"},
		{"platforms", "platform", "Nền tảng / Platforms"},
		{"channels", "channel", "Kênh của cơ quan và nơi khác / Own channels and others"}};
	for (size_t k = 0; k < 3; k++) {
		loa_buf_puts(b, "<h2>");
		esc(b, lists[k][2]);
		loa_buf_puts(b, "</h2>\n<table><tr><th></th>");
		loa_buf_puts(b, AGG_HEAD);
		loa_buf_puts(b, "</tr>");
		json_array_foreach(json_object_get(r, lists[k][0]), i, o) {
			loa_buf_puts(b, "<tr><td>");
			esc(b, jstr(o, lists[k][1]));
			loa_buf_puts(b, "</td>");
			agg_cells(b, o);
			loa_buf_puts(b, "</tr>");
		}
		loa_buf_puts(b, "</table>\n");
	}
	loa_buf_puts(b, "<h2>Sự việc lan rộng / Top stories</h2>\n<table><tr><th>sự việc / story</th>"
			"<th>tin / items</th><th>nguồn / outlets</th><th>nguồn đầu / first source</th>"
			"<th>đầu tiên / first</th><th>giọng điệu / tone</th></tr>");
	json_array_foreach(json_object_get(r, "stories"), i, o) {
		loa_buf_printf(b, "<tr><td>#%" PRId64 " ", jint(o, "id"));
		esc(b, jstr(o, "title"));
		loa_buf_printf(b, "</td><td>%" PRId64 "</td><td>%" PRId64 "</td><td>", jint(o, "items"),
			       jint(o, "outlets"));
		esc(b, jstr(o, "first_source"));
		loa_buf_puts(b, "</td><td>");
		esc(b, jstr(o, "first_at"));
		loa_buf_puts(b, "</td><td>");
		esc(b, jstr(o, "tone"));
		loa_buf_puts(b, "</td></tr>");
	}
	loa_buf_puts(b, "</table>\n<h2>Từ nổi lên / Trending terms</h2>\n<table><tr><th>từ / term"
			"</th><th>ngày / day</th><th>số tin / items</th><th>trung bình 7 ngày trước / "
			"mean of previous 7 days</th><th>điểm / score</th></tr>");
	json_array_foreach(json_object_get(r, "trending"), i, o) {
		double m = 0, sc = 0;
		jnum(o, "mean_before", &m);
		jnum(o, "score", &sc);
		loa_buf_puts(b, "<tr><td>");
		esc(b, jstr(o, "term"));
		loa_buf_puts(b, "</td><td>");
		esc(b, jstr(o, "date"));
		loa_buf_printf(b, "</td><td>%" PRId64 "</td><td>%.2f</td><td>%.2f</td></tr>",
			       jint(o, "count"), m, sc);
	}
	loa_buf_puts(b, "</table>\n<h2>Phương pháp / Method</h2>\n<ul>");
	const json_t *m = json_object_get(r, "method");
	static const char *const mk[] = {"item", "tone", "own", "about", "interval", "trending",
					 "share_of_voice", "topic"};
	for (size_t k = 0; k < sizeof mk / sizeof mk[0]; k++) {
		loa_buf_puts(b, "<li>");
		esc(b, jstr(m, mk[k]));
		loa_buf_puts(b, "</li>");
	}
	loa_buf_puts(b, "<li>Mô hình giọng điệu / tone model: ");
	esc(b, *jstr(m, "tone_model") ? jstr(m, "tone_model") : "(không có / none)");
	loa_buf_puts(b, "</li></ul>\n<p>Ghi chú của mô hình / the model's note:</p>\n<pre>");
	esc(b, *jstr(m, "tone_model_note") ? jstr(m, "tone_model_note") : "(không có / none)");
	loa_buf_puts(b, "</pre>\n<p>Độ chính xác đã đo / measured accuracy:</p>\n<pre>");
	esc(b, *jstr(m, "tone_model_accuracy") ? jstr(m, "tone_model_accuracy")
					       : "(không có ghi chép / not recorded)");
	loa_buf_puts(b, "</pre>\n</body></html>\n");
}

int loa_report_render(const void *json, const char *format, loa_buf *out, loa_err *err)
{
	const json_t *r = json;
	if (strcmp(format, "json") == 0) {
		char *s = json_dumps(r, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
		if (!s)
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		int rc = loa_buf_puts(out, s);
		free(s);
		if (rc == LOA_OK)
			rc = loa_buf_putc(out, '\n');
		return rc ? loa_err_set(err, rc, "báo cáo quá lớn / report too big") : LOA_OK;
	}
	if (strcmp(format, "csv") == 0)
		render_csv(r, out);
	else if (strcmp(format, "html") == 0)
		render_html(r, out);
	else
		return loa_err_set(err, LOA_EINVAL, "định dạng là csv, json hoặc html / format is csv, "
				   "json or html: '%s'", format);
	return LOA_OK;
}
