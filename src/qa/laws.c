/*
 * laws.c - the legal document base: the plain-text parser, the JSON
 * document format, storage with amendments and validity, citations, and
 * the index built from the stored articles.
 */
#include "qa/laws.h"
#include "core/log.h"
#include "core/ltime.h"
#include "core/str.h"
#include "core/utf8.h"
#include "store/sql.h"
#include "text/text.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* ---- the qa room's tables ------------------------------------------------------ */

static const char *const migrations[] = {
	/* 1: documents, chapters, article versions, clauses, points, amendments,
	 * application records, answer feedback, a generation counter */
	"CREATE TABLE qa_docs(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE, type TEXT NOT NULL,"
	" title TEXT NOT NULL, issuer TEXT, issued TEXT, effective TEXT, expiry TEXT, status TEXT,"
	" source TEXT, imported_at INTEGER NOT NULL);"
	"CREATE TABLE qa_chapters(id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" number TEXT NOT NULL, title TEXT);"
	"CREATE TABLE qa_articles(id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL, chapter_id INTEGER,"
	" seq INTEGER NOT NULL, number TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,"
	" valid_from TEXT, valid_to TEXT, amended_by INTEGER);"
	"CREATE INDEX qa_articles_doc ON qa_articles(doc_id, number);"
	"CREATE TABLE qa_clauses(id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" number TEXT NOT NULL, text TEXT NOT NULL);"
	"CREATE INDEX qa_clauses_article ON qa_clauses(article_id);"
	"CREATE TABLE qa_points(id INTEGER PRIMARY KEY, clause_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" letter TEXT NOT NULL, text TEXT NOT NULL);"
	"CREATE INDEX qa_points_clause ON qa_points(clause_id);"
	"CREATE TABLE qa_amendments(id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL,"
	" target TEXT NOT NULL, article TEXT NOT NULL, action TEXT NOT NULL, title TEXT, text TEXT,"
	" seq INTEGER NOT NULL);"
	"CREATE INDEX qa_amendments_target ON qa_amendments(target);"
	"CREATE TABLE qa_cases(code TEXT PRIMARY KEY, procedure TEXT NOT NULL, phone_hash BLOB NOT NULL,"
	" agency TEXT, submitted INTEGER NOT NULL, limit_days INTEGER NOT NULL, status TEXT NOT NULL,"
	" finished INTEGER, history TEXT NOT NULL, law_doc TEXT, law_article TEXT,"
	" updated_at INTEGER NOT NULL);"
	"CREATE TABLE qa_feedback(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, question TEXT NOT NULL,"
	" article_id INTEGER, citation TEXT, helpful INTEGER NOT NULL, comment TEXT);"
	"CREATE TABLE qa_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);",
};

int loa_qa_db_init(loa_store *s, loa_err *err)
{
	return loa_sql_room_migrate(s, "qa", migrations, (int)(sizeof migrations / sizeof *migrations),
				    err);
}

/* ---- documents in memory ---------------------------------------------------------- */

void loa_law_doc_init(loa_law_doc *d)
{
	memset(d, 0, sizeof *d);
	loa_arena_init(&d->arena, 64 * 1024, 0);
}

void loa_law_doc_release(loa_law_doc *d)
{
	for (size_t i = 0; i < d->articles.len; i++) {
		loa_law_article *a = &d->articles.items[i];
		for (size_t j = 0; j < a->clauses.len; j++)
			loa_vec_release(&a->clauses.items[j].points);
		loa_vec_release(&a->clauses);
	}
	loa_vec_release(&d->articles);
	loa_vec_release(&d->chapters);
	loa_vec_release(&d->amends);
	loa_arena_release(&d->arena);
}

const char *loa_law_strdup(loa_law_doc *d, const char *s, size_t n)
{
	return loa_arena_strndup(&d->arena, s ? s : "", s ? n : 0);
}

int loa_law_parse_day(const char *s, int32_t *day)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return LOA_EPARSE;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return LOA_EPARSE;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0'), dd = (s[8] - '0') * 10 + (s[9] - '0');
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || dd < 1 || dd > mdays[m - 1])
		return LOA_EPARSE;
	if (m == 2 && dd == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return LOA_EPARSE;
	*day = (int32_t)loa_days_from_civil(y, (unsigned)m, (unsigned)dd);
	return LOA_OK;
}

/* ---- the plain-text parser ------------------------------------------------------- */

/* Vietnamese point letters in order (no f, j, w, z; đ after d). */
static const char *const point_letters[] = {"a", "b", "c", "d", "đ", "e", "g", "h", "i", "k",
					     "l", "m", "n", "o", "p", "q", "r", "s", "t", "u",
					     "v", "x", "y", NULL};

static int letter_index(const char *s, size_t n)
{
	for (int i = 0; point_letters[i]; i++)
		if (strlen(point_letters[i]) == n && memcmp(point_letters[i], s, n) == 0)
			return i;
	return -1;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "Chương I", "CHƯƠNG 2": returns the number and the rest. */
static bool match_chapter(loa_str l, loa_str *num, loa_str *rest)
{
	static const char *const heads[] = {"Chương ", "CHƯƠNG ", NULL};
	for (int i = 0; heads[i]; i++) {
		size_t h = strlen(heads[i]);
		if (l.n <= h || memcmp(l.p, heads[i], h) != 0)
			continue;
		size_t k = h;
		while (k < l.n && (strchr("IVXLCDM", l.p[k]) || is_digit(l.p[k])))
			k++;
		if (k == h || (k < l.n && l.p[k] != ' ' && l.p[k] != '.' && l.p[k] != ':'))
			return false;
		*num = (loa_str){l.p + h, k - h};
		while (k < l.n && (l.p[k] == ' ' || l.p[k] == '.' || l.p[k] == ':' || l.p[k] == '-'))
			k++;
		*rest = loa_str_trim((loa_str){l.p + k, l.n - k});
		return true;
	}
	return false;
}

/* "Điều 12.", "Điều 12a. Tên", "ĐIỀU 3:": number and title. */
static bool match_article(loa_str l, loa_str *num, loa_str *rest)
{
	static const char *const heads[] = {"Điều ", "ĐIỀU ", NULL};
	for (int i = 0; heads[i]; i++) {
		size_t h = strlen(heads[i]);
		if (l.n <= h || memcmp(l.p, heads[i], h) != 0)
			continue;
		size_t k = h;
		while (k < l.n && is_digit(l.p[k]))
			k++;
		if (k == h || k - h > 6)
			return false;
		if (k < l.n && l.p[k] >= 'a' && l.p[k] <= 'z' && (k + 1 == l.n || l.p[k + 1] == '.'))
			k++;
		if (k < l.n && l.p[k] != '.' && l.p[k] != ':')
			return false;
		*num = (loa_str){l.p + h, k - h};
		if (k < l.n)
			k++;
		*rest = loa_str_trim((loa_str){l.p + k, l.n - k});
		return true;
	}
	return false;
}

/* "1. text" -> number; "a) text" -> letter. */
static bool match_clause(loa_str l, loa_str *num, loa_str *rest)
{
	size_t k = 0;
	while (k < l.n && is_digit(l.p[k]))
		k++;
	if (k == 0 || k > 3 || k + 1 >= l.n || l.p[k] != '.' || l.p[k + 1] != ' ')
		return false;
	*num = (loa_str){l.p, k};
	*rest = loa_str_trim((loa_str){l.p + k + 1, l.n - k - 1});
	return true;
}

static bool match_point(loa_str l, loa_str *letter, loa_str *rest)
{
	size_t k = 0;
	if (l.n >= 3 && (unsigned char)l.p[0] == 0xC4 && (unsigned char)l.p[1] == 0x91)
		k = 2; /* đ */
	else if (l.n >= 2 && l.p[0] >= 'a' && l.p[0] <= 'z')
		k = 1;
	else
		return false;
	if (k >= l.n || l.p[k] != ')')
		return false;
	*letter = (loa_str){l.p, k};
	*rest = loa_str_trim((loa_str){l.p + k + 1, l.n - k - 1});
	return true;
}

typedef struct parse_state {
	loa_law_doc *d;
	loa_buf body, ctext, ptext; /* current article body, clause text, point text */
	loa_law_article *art;       /* current article (in d->articles) */
	int in;                     /* 0 preamble, 1 article, 2 clause, 3 point */
	long art_line;
	int pending_chapter_title;  /* the chapter's title is on the next line */
} parse_state;

static int flush_point(parse_state *ps)
{
	if (ps->in != 3)
		return LOA_OK;
	loa_law_clause *c = &ps->art->clauses.items[ps->art->clauses.len - 1];
	loa_law_point *p = &c->points.items[c->points.len - 1];
	p->text = loa_law_strdup(ps->d, ps->ptext.data, ps->ptext.len);
	loa_buf_reset(&ps->ptext);
	ps->in = 2;
	return p->text ? LOA_OK : LOA_ENOMEM;
}

static int flush_clause(parse_state *ps)
{
	int rc = flush_point(ps);
	if (rc || ps->in != 2)
		return rc;
	loa_law_clause *c = &ps->art->clauses.items[ps->art->clauses.len - 1];
	c->text = loa_law_strdup(ps->d, ps->ctext.data, ps->ctext.len);
	loa_buf_reset(&ps->ctext);
	ps->in = 1;
	return c->text ? LOA_OK : LOA_ENOMEM;
}

static int flush_article(parse_state *ps, loa_err *err)
{
	int rc = flush_clause(ps);
	if (rc || !ps->art)
		return rc;
	ps->art->body = loa_law_strdup(ps->d, ps->body.data, ps->body.len);
	loa_buf_reset(&ps->body);
	if (!ps->art->body)
		return LOA_ENOMEM;
	if (!ps->art->body[0] && !ps->art->title[0])
		return loa_err_set(err, LOA_EPARSE,
				   "dòng %ld: Điều %s không có nội dung / line %ld: article %s has no text",
				   ps->art_line, ps->art->number, ps->art_line, ps->art->number);
	ps->art = NULL;
	ps->in = 0;
	return LOA_OK;
}

static int body_line(parse_state *ps, loa_str l)
{
	int rc = LOA_OK;
	if (ps->body.len)
		rc = loa_buf_putc(&ps->body, '\n');
	return rc ? rc : loa_buf_append(&ps->body, l.p, l.n);
}

static int append_to(loa_buf *b, loa_str l)
{
	int rc = LOA_OK;
	if (b->len)
		rc = loa_buf_putc(b, ' ');
	return rc ? rc : loa_buf_append(b, l.p, l.n);
}

/* The leading number of the slice num (its digits only; "12a" -> 12). */
static long article_num(loa_str num)
{
	long v = 0;
	for (size_t i = 0; i < num.n && is_digit(num.p[i]) && v < 1000000; i++)
		v = v * 10 + (num.p[i] - '0');
	return v;
}

/* One line of an article's content (clause, point or continuation). */
static int content_line(parse_state *ps, loa_str l, long lineno, bool structure, loa_err *err)
{
	loa_str num, rest;
	int rc;
	if (structure && match_clause(l, &num, &rest)) {
		if ((rc = flush_clause(ps)))
			return rc;
		long want = (long)ps->art->clauses.len + 1, got = article_num(num);
		if (got != want)
			return loa_err_set(err, LOA_EPARSE,
					   "dòng %ld: khoản %ld sau khoản %ld của Điều %s / line %ld: "
					   "clause %ld after clause %ld of article %s",
					   lineno, got, want - 1, ps->art->number, lineno, got, want - 1,
					   ps->art->number);
		loa_law_clause c = {.number = loa_law_strdup(ps->d, num.p, num.n), .line = lineno};
		if (!c.number || loa_vec_push(&ps->art->clauses, c))
			return LOA_ENOMEM;
		ps->in = 2;
		if ((rc = loa_buf_append(&ps->ctext, rest.p, rest.n)))
			return rc;
		return body_line(ps, l);
	}
	if (structure && match_point(l, &num, &rest)) {
		if (ps->in < 2)
			return loa_err_set(err, LOA_EPARSE,
					   "dòng %ld: điểm %.*s) ngoài khoản / line %ld: point %.*s) "
					   "outside a clause",
					   lineno, (int)num.n, num.p, lineno, (int)num.n, num.p);
		if ((rc = flush_point(ps)))
			return rc;
		loa_law_clause *c = &ps->art->clauses.items[ps->art->clauses.len - 1];
		int want = (int)c->points.len, got = letter_index(num.p, num.n);
		if (got != want)
			return loa_err_set(err, LOA_EPARSE,
					   "dòng %ld: điểm %.*s) không đúng thứ tự (cần %s)) / line %ld: "
					   "point %.*s) out of order (expected %s))",
					   lineno, (int)num.n, num.p,
					   want < 23 ? point_letters[want] : "?", lineno, (int)num.n,
					   num.p, want < 23 ? point_letters[want] : "?");
		loa_law_point p = {.letter = loa_law_strdup(ps->d, num.p, num.n), .line = lineno};
		if (!p.letter || loa_vec_push(&c->points, p))
			return LOA_ENOMEM;
		ps->in = 3;
		if ((rc = loa_buf_append(&ps->ptext, rest.p, rest.n)))
			return rc;
		return body_line(ps, l);
	}
	/* continuation */
	if (ps->in == 3 && (rc = append_to(&ps->ptext, l)))
		return rc;
	if (ps->in == 2 && (rc = append_to(&ps->ctext, l)))
		return rc;
	return body_line(ps, l);
}

static int parse_lines(loa_law_doc *d, const char *s, size_t n, bool whole_doc, loa_law_article *one,
		       long first_line, loa_err *err)
{
	parse_state ps = {.d = d};
	loa_buf_init(&ps.body, LOA_LAW_DOC_MAX);
	loa_buf_init(&ps.ctext, LOA_LAW_DOC_MAX);
	loa_buf_init(&ps.ptext, LOA_LAW_DOC_MAX);
	int rc = LOA_OK;
	long lineno = first_line - 1;
	int cur_chapter = -1;
	long last_num = -1;
	if (one) {
		ps.art = one;
		ps.in = 1;
	}
	loa_str rest_all = {s, n};
	while (rest_all.n && !rc) {
		loa_str raw = loa_str_split(&rest_all, '\n');
		lineno++;
		if (raw.n > LOA_LAW_LINE_MAX) {
			rc = loa_err_set(err, LOA_EPARSE, "dòng %ld: quá dài / line %ld: too long", lineno,
					 lineno);
			break;
		}
		if (!loa_utf8_valid(raw.p, raw.n)) {
			rc = loa_err_set(err, LOA_EPARSE,
					 "dòng %ld: không phải UTF-8 / line %ld: invalid UTF-8", lineno,
					 lineno);
			break;
		}
		loa_str l = loa_str_trim(raw);
		if (l.n == 0)
			continue;
		loa_str num, rest;
		if (whole_doc && match_chapter(l, &num, &rest)) {
			if ((rc = flush_article(&ps, err)))
				break;
			loa_law_chapter c = {loa_law_strdup(d, num.p, num.n),
					     loa_law_strdup(d, rest.p, rest.n)};
			if (!c.number || !c.title || loa_vec_push(&d->chapters, c)) {
				rc = LOA_ENOMEM;
				break;
			}
			cur_chapter = (int)d->chapters.len - 1;
			ps.pending_chapter_title = rest.n == 0;
			continue;
		}
		if (whole_doc && match_article(l, &num, &rest)) {
			if ((rc = flush_article(&ps, err)))
				break;
			ps.pending_chapter_title = 0;
			long v = article_num(num);
			if (v <= last_num && !(v == last_num && num.n && !is_digit(num.p[num.n - 1]))) {
				rc = loa_err_set(err, LOA_EPARSE,
						 "dòng %ld: Điều %.*s sau Điều %ld (trùng hoặc lùi số) / line "
						 "%ld: article %.*s after article %ld (repeated or decreasing)",
						 lineno, (int)num.n, num.p, last_num, lineno, (int)num.n,
						 num.p, last_num);
				break;
			}
			last_num = v;
			loa_law_article a = {.number = loa_law_strdup(d, num.p, num.n),
					     .title = loa_law_strdup(d, rest.p, rest.n),
					     .chapter = cur_chapter,
					     .line = lineno};
			if (!a.number || !a.title || loa_vec_push(&d->articles, a)) {
				rc = LOA_ENOMEM;
				break;
			}
			ps.art = &d->articles.items[d->articles.len - 1];
			ps.art_line = lineno;
			ps.in = 1;
			continue;
		}
		if (ps.pending_chapter_title && !ps.art) {
			loa_law_chapter *c = &d->chapters.items[d->chapters.len - 1];
			c->title = loa_law_strdup(d, l.p, l.n);
			ps.pending_chapter_title = 0;
			continue;
		}
		if (!ps.art) {
			loa_str dummy1, dummy2;
			if (whole_doc && (match_clause(l, &dummy1, &dummy2) || match_point(l, &dummy1, &dummy2)) &&
			    d->chapters.len) {
				rc = loa_err_set(err, LOA_EPARSE,
						 "dòng %ld: khoản hoặc điểm ngoài Điều / line %ld: clause or "
						 "point outside an article",
						 lineno, lineno);
				break;
			}
			continue; /* preamble: "Căn cứ …", the document's heading */
		}
		rc = content_line(&ps, l, lineno, true, err);
	}
	if (!rc && one) {
		rc = flush_clause(&ps);
		ps.art = NULL;
	} else if (!rc) {
		rc = flush_article(&ps, err);
	}
	if (rc == LOA_ENOMEM)
		loa_err_set(err, rc, "hết bộ nhớ / out of memory");
	else if (rc == LOA_ETOOBIG)
		loa_err_set(err, rc, "văn bản quá dài / document too long");
	loa_buf_release(&ps.body);
	loa_buf_release(&ps.ctext);
	loa_buf_release(&ps.ptext);
	return rc;
}

int loa_law_parse_text(loa_law_doc *d, const char *s, size_t n, loa_err *err)
{
	if (n > LOA_LAW_DOC_MAX)
		return loa_err_set(err, LOA_ETOOBIG, "văn bản quá dài / document too long (%zu bytes)", n);
	int rc = parse_lines(d, s, n, true, NULL, 1, err);
	if (!rc && d->articles.len == 0)
		rc = loa_err_set(err, LOA_EPARSE,
				 "không có Điều nào (cần dòng 'Điều 1. …') / no article found (expected a "
				 "line 'Điều 1. …')");
	return rc;
}

int loa_law_split_clauses(loa_law_doc *d, loa_law_article *a, long first_line, loa_err *err)
{
	const char *body = a->body ? a->body : "";
	a->clauses.len = 0;
	return parse_lines(d, body, strlen(body), false, a, first_line, err);
}

/* ---- the JSON document format ----------------------------------------------------- */

static int json_field(loa_law_doc *d, json_t *o, const char *key, bool required, const char **out,
		      size_t max, loa_err *err)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return loa_err_set(err, LOA_EINVAL, "thiếu trường / missing field \"%s\"", key);
		return LOA_OK;
	}
	if (!json_is_string(v))
		return loa_err_set(err, LOA_EINVAL, "trường \"%s\" phải là chuỗi / field \"%s\" must be a string",
				   key, key);
	size_t n = json_string_length(v);
	if (n > max)
		return loa_err_set(err, LOA_EINVAL, "trường \"%s\" quá dài / field \"%s\" too long", key, key);
	loa_buf b;
	loa_buf_init(&b, 3 * n + 16);
	int rc = loa_text_normalize(json_string_value(v), n, LOA_NORM_DISPLAY, &b);
	if (!rc)
		*out = loa_law_strdup(d, b.data ? b.data : "", b.len);
	loa_buf_release(&b);
	if (rc || !*out)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	if (required && !*(*out))
		return loa_err_set(err, LOA_EINVAL, "trường rỗng / empty field \"%s\"", key);
	return LOA_OK;
}

static int json_date(loa_law_doc *d, json_t *o, const char *key, const char **out, loa_err *err)
{
	int rc = json_field(d, o, key, false, out, 32, err);
	int32_t day;
	if (!rc && *out && loa_law_parse_day(*out, &day))
		return loa_err_set(err, LOA_EINVAL,
				   "ngày không hợp lệ / bad date in \"%s\": '%s' (expected YYYY-MM-DD)",
				   key, *out);
	return rc;
}

static int json_article(loa_law_doc *d, json_t *ja, int chapter, loa_err *err)
{
	if (!json_is_object(ja))
		return loa_err_set(err, LOA_EINVAL, "mỗi điều phải là đối tượng / each article must be an object");
	loa_law_article a = {.chapter = chapter};
	int rc;
	if ((rc = json_field(d, ja, "number", true, &a.number, LOA_LAW_NUM_MAX, err)) ||
	    (rc = json_field(d, ja, "title", false, &a.title, LOA_LAW_FIELD_MAX, err)) ||
	    (rc = json_field(d, ja, "text", false, &a.body, LOA_LAW_DOC_MAX, err)))
		return rc;
	if (!a.title)
		a.title = "";
	json_t *jc = json_object_get(ja, "clauses");
	if (jc && !json_is_array(jc))
		return loa_err_set(err, LOA_EINVAL, "\"clauses\" phải là mảng / must be an array");
	size_t i;
	json_t *c;
	loa_buf body;
	loa_buf_init(&body, LOA_LAW_DOC_MAX);
	json_array_foreach(jc, i, c) {
		loa_law_clause cl = {0};
		if (!json_is_object(c)) {
			rc = loa_err_set(err, LOA_EINVAL, "khoản phải là đối tượng / clause must be an object");
			break;
		}
		if ((rc = json_field(d, c, "number", false, &cl.number, LOA_LAW_NUM_MAX, err)) ||
		    (rc = json_field(d, c, "text", true, &cl.text, LOA_LAW_DOC_MAX, err)))
			break;
		if (!cl.number) {
			char nb[24];
			snprintf(nb, sizeof nb, "%zu", i + 1);
			cl.number = loa_law_strdup(d, nb, strlen(nb));
		}
		loa_buf_printf(&body, "%s%s. %s", body.len ? "\n" : "", cl.number, cl.text);
		json_t *jp = json_object_get(c, "points"), *p;
		size_t k;
		json_array_foreach(jp, k, p) {
			loa_law_point pt = {0};
			if ((rc = json_field(d, p, "letter", true, &pt.letter, 8, err)) ||
			    (rc = json_field(d, p, "text", true, &pt.text, LOA_LAW_DOC_MAX, err)))
				break;
			if (loa_vec_push(&cl.points, pt)) {
				rc = LOA_ENOMEM;
				break;
			}
			loa_buf_printf(&body, "\n%s) %s", pt.letter, pt.text);
		}
		if (rc || loa_vec_push(&a.clauses, cl)) {
			loa_vec_release(&cl.points);
			rc = rc ? rc : LOA_ENOMEM;
			break;
		}
	}
	if (!rc && !a.body)
		a.body = loa_law_strdup(d, body.data, body.len);
	loa_buf_release(&body);
	if (!rc && (!a.body || (!a.body[0] && !a.title[0])))
		rc = loa_err_set(err, LOA_EINVAL, "Điều %s không có nội dung / article %s has no text",
				 a.number, a.number);
	if (!rc && loa_vec_push(&d->articles, a))
		rc = LOA_ENOMEM;
	if (rc) {
		for (size_t j = 0; j < a.clauses.len; j++)
			loa_vec_release(&a.clauses.items[j].points);
		loa_vec_release(&a.clauses);
		return rc == LOA_ENOMEM ? loa_err_set(err, rc, "hết bộ nhớ / out of memory") : rc;
	}
	loa_law_article *na = &d->articles.items[d->articles.len - 1];
	if (na->clauses.len == 0 && na->body[0])
		return loa_law_split_clauses(d, na, 1, err);
	return LOA_OK;
}

int loa_law_from_json(loa_law_doc *d, const char *json, size_t n, loa_err *err)
{
	json_error_t je;
	json_t *o = json_loadb(json, n, 0, &je);
	if (!o)
		return loa_err_set(err, LOA_EPARSE, "JSON không hợp lệ / bad JSON: %s (cột/column %d)",
				   je.text, je.column);
	int rc = LOA_OK;
	if (!json_is_object(o)) {
		rc = loa_err_set(err, LOA_EPARSE, "cần một đối tượng JSON / expected a JSON object");
		goto out;
	}
	if ((rc = json_field(d, o, "number", true, &d->number, LOA_LAW_FIELD_MAX, err)) ||
	    (rc = json_field(d, o, "type", true, &d->type, LOA_LAW_FIELD_MAX, err)) ||
	    (rc = json_field(d, o, "title", true, &d->title, LOA_LAW_FIELD_MAX, err)) ||
	    (rc = json_field(d, o, "issuer", false, &d->issuer, LOA_LAW_FIELD_MAX, err)) ||
	    (rc = json_field(d, o, "status", false, &d->status, LOA_LAW_FIELD_MAX, err)) ||
	    (rc = json_date(d, o, "issued", &d->issued, err)) ||
	    (rc = json_date(d, o, "effective", &d->effective, err)) ||
	    (rc = json_date(d, o, "expiry", &d->expiry, err)))
		goto out;
	d->source = "json";
	json_t *text = json_object_get(o, "text");
	json_t *chapters = json_object_get(o, "chapters"), *arts = json_object_get(o, "articles");
	if (text && json_is_string(text)) {
		if ((rc = loa_law_parse_text(d, json_string_value(text), json_string_length(text), err)))
			goto out;
	}
	size_t i;
	json_t *c;
	json_array_foreach(chapters, i, c) {
		loa_law_chapter ch = {0};
		if ((rc = json_field(d, c, "number", true, &ch.number, LOA_LAW_NUM_MAX, err)) ||
		    (rc = json_field(d, c, "title", false, &ch.title, LOA_LAW_FIELD_MAX, err)))
			goto out;
		if (!ch.title)
			ch.title = "";
		if (loa_vec_push(&d->chapters, ch)) {
			rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
			goto out;
		}
		json_t *ca = json_object_get(c, "articles"), *a;
		size_t k;
		json_array_foreach(ca, k, a) {
			if ((rc = json_article(d, a, (int)d->chapters.len - 1, err)))
				goto out;
		}
	}
	json_array_foreach(arts, i, c) {
		if ((rc = json_article(d, c, -1, err)))
			goto out;
	}
	json_t *am = json_object_get(o, "amends");
	json_array_foreach(am, i, c) {
		loa_law_amend a = {0};
		if ((rc = json_field(d, c, "document", true, &a.target, LOA_LAW_FIELD_MAX, err)) ||
		    (rc = json_field(d, c, "article", true, &a.article, LOA_LAW_NUM_MAX, err)) ||
		    (rc = json_field(d, c, "action", false, &a.action, 16, err)) ||
		    (rc = json_field(d, c, "title", false, &a.title, LOA_LAW_FIELD_MAX, err)) ||
		    (rc = json_field(d, c, "text", false, &a.text, LOA_LAW_DOC_MAX, err)))
			goto out;
		if (!a.action)
			a.action = "replace";
		if (strcmp(a.action, "replace") && strcmp(a.action, "repeal") && strcmp(a.action, "add")) {
			rc = loa_err_set(err, LOA_EINVAL,
					 "action phải là replace, repeal hoặc add / action must be replace, "
					 "repeal or add: '%s'",
					 a.action);
			goto out;
		}
		if (strcmp(a.action, "repeal") != 0 && (!a.text || !a.text[0])) {
			rc = loa_err_set(err, LOA_EINVAL,
					 "sửa đổi Điều %s cần \"text\" / amendment of article %s needs \"text\"",
					 a.article, a.article);
			goto out;
		}
		if (!a.title)
			a.title = "";
		if (!a.text)
			a.text = "";
		if (loa_vec_push(&d->amends, a)) {
			rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
			goto out;
		}
	}
	if (d->articles.len == 0 && d->amends.len == 0)
		rc = loa_err_set(err, LOA_EINVAL,
				 "văn bản không có Điều nào / the document has no article (\"articles\", "
				 "\"chapters\" or \"text\")");
out:
	json_decref(o);
	return rc;
}

/* ---- storage -------------------------------------------------------------------- */

static int bump_generation(loa_store *s, loa_err *err)
{
	static const char sql[] =
		"INSERT INTO qa_meta(key, value) VALUES('laws_gen', '1') ON CONFLICT(key) DO UPDATE "
		"SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)";
	/* a random name of this document base, so that a saved index never
	 * matches another database whose counter is at the same value */
	static const char uid[] =
		"INSERT OR IGNORE INTO qa_meta(key, value) VALUES('laws_uid', lower(hex(randomblob(8))))";
	loa_stmt *st;
	int rc = loa_sql_cached(s, sql, &st, err);
	if (!rc)
		rc = loa_sql_run(st, err);
	if (!rc)
		rc = loa_sql_cached(s, uid, &st, err);
	return rc ? rc : loa_sql_run(st, err);
}

int loa_laws_index_key(loa_store *s, char *out, size_t cap, loa_err *err)
{
	static const char sql[] =
		"SELECT (SELECT value FROM qa_meta WHERE key = 'laws_gen'), "
		"(SELECT value FROM qa_meta WHERE key = 'laws_uid'), "
		"(SELECT max(id) FROM qa_articles), (SELECT max(id) FROM qa_docs)";
	loa_stmt *st;
	int rc = loa_sql_cached(s, sql, &st, err);
	if (rc)
		return rc;
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW) {
		const char *g = loa_sql_col_text(st, 0), *u = loa_sql_col_text(st, 1);
		snprintf(out, cap, "qa-index 1 gen=%s uid=%s articles=%lld docs=%lld", g ? g : "0",
			 u ? u : "-", (long long)loa_sql_col_i64(st, 2), (long long)loa_sql_col_i64(st, 3));
		rc = LOA_OK;
	} else if (rc == LOA_SQL_DONE) {
		rc = loa_err_set(err, LOA_EIO, "không đọc được phiên bản văn bản / cannot read the laws' version");
	}
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}

int loa_laws_generation(loa_store *s, int64_t *gen, loa_err *err)
{
	static const char sql[] = "SELECT value FROM qa_meta WHERE key = 'laws_gen'";
	loa_stmt *st;
	int rc = loa_sql_cached(s, sql, &st, err);
	if (rc)
		return rc;
	rc = loa_sql_step(st, err);
	*gen = 0;
	if (rc == LOA_SQL_ROW)
		loa_parse_i64(loa_sql_col_text(st, 0), gen);
	loa_sql_reset(st);
	return rc < 0 ? rc : LOA_OK;
}

static int insert_article(loa_store *s, int64_t doc_id, int64_t chapter_id, int64_t seq,
			  const char *number, const char *title, const char *body,
			  const loa_law_article *a, const char *from, const char *to, int64_t amended_by,
			  loa_law_stats *stats, loa_err *err)
{
	static const char sql[] =
		"INSERT INTO qa_articles(doc_id, chapter_id, seq, number, title, body, valid_from, "
		"valid_to, amended_by) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	static const char sqlc[] =
		"INSERT INTO qa_clauses(article_id, seq, number, text) VALUES(?1, ?2, ?3, ?4)";
	static const char sqlp[] =
		"INSERT INTO qa_points(clause_id, seq, letter, text) VALUES(?1, ?2, ?3, ?4)";
	loa_stmt *st;
	int rc = loa_sql_cached(s, sql, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, doc_id);
	if (chapter_id > 0)
		loa_sql_bind_i64(st, 2, chapter_id);
	loa_sql_bind_i64(st, 3, seq);
	loa_sql_bind_text(st, 4, number);
	loa_sql_bind_text(st, 5, title ? title : "");
	loa_sql_bind_text(st, 6, body ? body : "");
	loa_sql_bind_text(st, 7, from);
	loa_sql_bind_text(st, 8, to);
	if (amended_by > 0)
		loa_sql_bind_i64(st, 9, amended_by);
	if ((rc = loa_sql_run(st, err)))
		return rc;
	int64_t aid = loa_sql_last_id(s);
	if (stats)
		stats->articles++;
	for (size_t i = 0; a && i < a->clauses.len; i++) {
		const loa_law_clause *c = &a->clauses.items[i];
		if ((rc = loa_sql_cached(s, sqlc, &st, err)))
			return rc;
		loa_sql_bind_i64(st, 1, aid);
		loa_sql_bind_i64(st, 2, (int64_t)i);
		loa_sql_bind_text(st, 3, c->number);
		loa_sql_bind_text(st, 4, c->text ? c->text : "");
		if ((rc = loa_sql_run(st, err)))
			return rc;
		int64_t cid = loa_sql_last_id(s);
		if (stats)
			stats->clauses++;
		for (size_t k = 0; k < c->points.len; k++) {
			if ((rc = loa_sql_cached(s, sqlp, &st, err)))
				return rc;
			loa_sql_bind_i64(st, 1, cid);
			loa_sql_bind_i64(st, 2, (int64_t)k);
			loa_sql_bind_text(st, 3, c->points.items[k].letter);
			loa_sql_bind_text(st, 4, c->points.items[k].text ? c->points.items[k].text : "");
			if ((rc = loa_sql_run(st, err)))
				return rc;
			if (stats)
				stats->points++;
		}
	}
	return LOA_OK;
}

static int doc_id_of(loa_store *s, const char *number, int64_t *id, char *effective, char *expiry,
		     loa_err *err)
{
	static const char sql[] = "SELECT id, effective, expiry FROM qa_docs WHERE number = ?1";
	loa_stmt *st;
	int rc = loa_sql_cached(s, sql, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_text(st, 1, number);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW) {
		*id = loa_sql_col_i64(st, 0);
		if (effective)
			loa_strlcpy(effective, loa_sql_col_text(st, 1) ? loa_sql_col_text(st, 1) : "", 16);
		if (expiry)
			loa_strlcpy(expiry, loa_sql_col_text(st, 2) ? loa_sql_col_text(st, 2) : "", 16);
		rc = LOA_OK;
	} else if (rc == LOA_SQL_DONE) {
		rc = LOA_ENOTFOUND;
	}
	loa_sql_reset(st);
	return rc;
}

/* Applies one amendment (from document amender_id, effective eff) to the
 * target document. */
static int apply_amend(loa_store *s, int64_t amender_id, const char *eff, const char *target,
		       const char *article, const char *action, const char *title, const char *text,
		       loa_law_stats *stats, loa_err *err)
{
	int64_t tid;
	char texp[16];
	int rc = doc_id_of(s, target, &tid, NULL, texp, err);
	if (rc == LOA_ENOTFOUND)
		return loa_err_set(err, LOA_ENOTFOUND,
				   "văn bản được sửa đổi chưa có / amended document not found: %s", target);
	if (rc)
		return rc;
	/* the version open at eff (or the latest) */
	static const char find[] =
		"SELECT id, title, chapter_id, seq FROM qa_articles WHERE doc_id = ?1 AND number = ?2 "
		"AND (valid_to IS NULL OR ?3 IS NULL OR valid_to > ?3) "
		"AND (valid_from IS NULL OR ?3 IS NULL OR valid_from <= ?3) ORDER BY id DESC LIMIT 1";
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, find, &st, err)))
		return rc;
	loa_sql_bind_i64(st, 1, tid);
	loa_sql_bind_text(st, 2, article);
	loa_sql_bind_text(st, 3, eff);
	rc = loa_sql_step(st, err);
	int64_t old = 0, chapter = 0, seq = 1000000;
	char old_title[LOA_LAW_FIELD_MAX + 1] = "";
	if (rc == LOA_SQL_ROW) {
		old = loa_sql_col_i64(st, 0);
		loa_strlcpy(old_title, loa_sql_col_text(st, 1) ? loa_sql_col_text(st, 1) : "",
			    sizeof old_title);
		chapter = loa_sql_col_i64(st, 2);
		seq = loa_sql_col_i64(st, 3);
	}
	loa_sql_reset(st);
	if (rc < 0)
		return rc;
	if (!old && strcmp(action, "add") != 0)
		return loa_err_set(err, LOA_ENOTFOUND,
				   "không có Điều %s của %s / no article %s in %s", article, target,
				   article, target);
	if (old) {
		static const char close[] = "UPDATE qa_articles SET valid_to = ?2 WHERE id = ?1";
		if ((rc = loa_sql_cached(s, close, &st, err)))
			return rc;
		loa_sql_bind_i64(st, 1, old);
		loa_sql_bind_text(st, 2, eff ? eff : "0000-01-01");
		if ((rc = loa_sql_run(st, err)))
			return rc;
	}
	if (strcmp(action, "repeal") == 0)
		return LOA_OK;
	loa_law_doc tmp;
	loa_law_doc_init(&tmp);
	loa_law_article a = {.number = article, .title = title && title[0] ? title : old_title,
			     .body = text};
	rc = loa_law_split_clauses(&tmp, &a, 1, err);
	if (!rc)
		rc = insert_article(s, tid, chapter, seq, article, a.title, text, &a, eff,
				    texp[0] ? texp : NULL, amender_id, stats, err);
	for (size_t j = 0; j < a.clauses.len; j++)
		loa_vec_release(&a.clauses.items[j].points);
	loa_vec_release(&a.clauses);
	loa_law_doc_release(&tmp);
	return rc;
}

int loa_law_store(loa_store *s, const loa_law_doc *d, loa_law_stats *stats, loa_err *err)
{
	int rc = loa_store_begin(s, err);
	if (rc)
		return rc;
	int64_t old;
	/* replace a stored document of the same number */
	rc = doc_id_of(s, d->number, &old, NULL, NULL, err);
	if (rc == LOA_OK) {
		static const char *const del[] = {
			"DELETE FROM qa_points WHERE clause_id IN (SELECT c.id FROM qa_clauses c JOIN "
			"qa_articles a ON a.id = c.article_id WHERE a.doc_id = ?1)",
			"DELETE FROM qa_clauses WHERE article_id IN (SELECT id FROM qa_articles WHERE "
			"doc_id = ?1)",
			"DELETE FROM qa_articles WHERE doc_id = ?1",
			"DELETE FROM qa_chapters WHERE doc_id = ?1",
			"DELETE FROM qa_amendments WHERE doc_id = ?1",
			"DELETE FROM qa_docs WHERE id = ?1",
		};
		for (size_t i = 0; i < sizeof del / sizeof del[0] && !rc; i++) {
			loa_stmt *st;
			if ((rc = loa_sql_cached(s, del[i], &st, err)))
				break;
			loa_sql_bind_i64(st, 1, old);
			rc = loa_sql_run(st, err);
		}
	} else if (rc == LOA_ENOTFOUND) {
		rc = LOA_OK;
	}
	if (rc)
		goto fail;
	static const char ins[] =
		"INSERT INTO qa_docs(number, type, title, issuer, issued, effective, expiry, status, "
		"source, imported_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	loa_stmt *st;
	if ((rc = loa_sql_cached(s, ins, &st, err)))
		goto fail;
	loa_sql_bind_text(st, 1, d->number);
	loa_sql_bind_text(st, 2, d->type);
	loa_sql_bind_text(st, 3, d->title);
	loa_sql_bind_text(st, 4, d->issuer);
	loa_sql_bind_text(st, 5, d->issued);
	loa_sql_bind_text(st, 6, d->effective);
	loa_sql_bind_text(st, 7, d->expiry);
	loa_sql_bind_text(st, 8, d->status);
	loa_sql_bind_text(st, 9, d->source);
	loa_sql_bind_i64(st, 10, loa_now_ms());
	if ((rc = loa_sql_run(st, err)))
		goto fail;
	int64_t doc_id = loa_sql_last_id(s);
	if (stats)
		stats->docs++;
	LOA_VEC(int64_t) chap_ids = {0};
	static const char insc[] =
		"INSERT INTO qa_chapters(doc_id, seq, number, title) VALUES(?1, ?2, ?3, ?4)";
	for (size_t i = 0; i < d->chapters.len && !rc; i++) {
		if ((rc = loa_sql_cached(s, insc, &st, err)))
			break;
		loa_sql_bind_i64(st, 1, doc_id);
		loa_sql_bind_i64(st, 2, (int64_t)i);
		loa_sql_bind_text(st, 3, d->chapters.items[i].number);
		loa_sql_bind_text(st, 4, d->chapters.items[i].title);
		if (!(rc = loa_sql_run(st, err)) && loa_vec_push(&chap_ids, loa_sql_last_id(s)))
			rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	for (size_t i = 0; i < d->articles.len && !rc; i++) {
		const loa_law_article *a = &d->articles.items[i];
		int64_t cid = a->chapter >= 0 && (size_t)a->chapter < chap_ids.len
				      ? chap_ids.items[a->chapter] : 0;
		rc = insert_article(s, doc_id, cid, (int64_t)i, a->number, a->title, a->body, a,
				    d->effective, d->expiry, 0, stats, err);
	}
	loa_vec_release(&chap_ids);
	if (rc)
		goto fail;
	/* amendments by other documents that target this one, in their order */
	{
		static const char sel[] =
			"SELECT m.doc_id, d.effective, m.article, m.action, m.title, m.text FROM "
			"qa_amendments m JOIN qa_docs d ON d.id = m.doc_id WHERE m.target = ?1 "
			"ORDER BY d.effective, m.seq";
		loa_stmt *q;
		if ((rc = loa_sql_prepare(s, sel, &q, err)))
			goto fail;
		loa_sql_bind_text(q, 1, d->number);
		while ((rc = loa_sql_step(q, err)) == LOA_SQL_ROW) {
			rc = apply_amend(s, loa_sql_col_i64(q, 0), loa_sql_col_text(q, 1), d->number,
					 loa_sql_col_text(q, 2), loa_sql_col_text(q, 3),
					 loa_sql_col_text(q, 4), loa_sql_col_text(q, 5), stats, err);
			if (rc)
				break;
		}
		loa_sql_finalize(q);
		if (rc < 0)
			goto fail;
		rc = LOA_OK;
	}
	/* this document's own amendments */
	static const char insm[] =
		"INSERT INTO qa_amendments(doc_id, target, article, action, title, text, seq) "
		"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	for (size_t i = 0; i < d->amends.len && !rc; i++) {
		const loa_law_amend *a = &d->amends.items[i];
		if ((rc = loa_sql_cached(s, insm, &st, err)))
			break;
		loa_sql_bind_i64(st, 1, doc_id);
		loa_sql_bind_text(st, 2, a->target);
		loa_sql_bind_text(st, 3, a->article);
		loa_sql_bind_text(st, 4, a->action);
		loa_sql_bind_text(st, 5, a->title);
		loa_sql_bind_text(st, 6, a->text);
		loa_sql_bind_i64(st, 7, (int64_t)i);
		if ((rc = loa_sql_run(st, err)))
			break;
		rc = apply_amend(s, doc_id, d->effective, a->target, a->article, a->action, a->title,
				 a->text, stats, err);
		if (!rc && stats)
			stats->amendments++;
	}
	if (rc || (rc = bump_generation(s, err)) || (rc = loa_store_commit(s, err)))
		goto fail;
	return LOA_OK;
fail:
	loa_store_rollback(s);
	return rc;
}

/* ---- reading back ------------------------------------------------------------- */

#define ARTICLE_COLS \
	"SELECT a.id, a.doc_id, d.number, d.type, d.title, d.issuer, d.issued, d.effective, " \
	"d.expiry, a.number, a.title, a.valid_from, a.valid_to, m.number, a.body FROM qa_articles a " \
	"JOIN qa_docs d ON d.id = a.doc_id LEFT JOIN qa_docs m ON m.id = a.amended_by "

static void col_copy(loa_stmt *st, int i, char *dst, size_t cap)
{
	const char *v = loa_sql_col_text(st, i);
	loa_strlcpy(dst, v ? v : "", cap);
}

static int read_article(loa_stmt *st, loa_law_article_rec *r, loa_err *err)
{
	memset(r, 0, sizeof *r);
	r->id = loa_sql_col_i64(st, 0);
	r->doc_id = loa_sql_col_i64(st, 1);
	col_copy(st, 2, r->doc_number, sizeof r->doc_number);
	col_copy(st, 3, r->doc_type, sizeof r->doc_type);
	col_copy(st, 4, r->doc_title, sizeof r->doc_title);
	col_copy(st, 5, r->issuer, sizeof r->issuer);
	col_copy(st, 6, r->issued, sizeof r->issued);
	col_copy(st, 7, r->effective, sizeof r->effective);
	col_copy(st, 8, r->expiry, sizeof r->expiry);
	col_copy(st, 9, r->number, sizeof r->number);
	col_copy(st, 10, r->title, sizeof r->title);
	col_copy(st, 11, r->valid_from, sizeof r->valid_from);
	col_copy(st, 12, r->valid_to, sizeof r->valid_to);
	col_copy(st, 13, r->amended_by, sizeof r->amended_by);
	const char *b = loa_sql_col_text(st, 14);
	r->body = strdup(b ? b : "");
	if (!r->body)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	return LOA_OK;
}

void loa_law_article_rec_release(loa_law_article_rec *r)
{
	free(r->body);
	r->body = NULL;
}

int loa_law_article_by_id(loa_store *s, int64_t id, loa_law_article_rec *out, loa_err *err)
{
	static const char sql[] = ARTICLE_COLS "WHERE a.id = ?1";
	loa_stmt *st;
	int rc = loa_sql_cached(s, sql, &st, err);
	if (rc)
		return rc;
	loa_sql_bind_i64(st, 1, id);
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW)
		rc = read_article(st, out, err);
	else if (rc == LOA_SQL_DONE)
		rc = loa_err_set(err, LOA_ENOTFOUND, "không có điều / no article %lld", (long long)id);
	loa_sql_reset(st);
	return rc;
}

static void day_str(int32_t day, char out[16])
{
	int64_t y;
	unsigned m, d;
	loa_civil_from_days(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02u-%02u", (int)y, m, d);
}

int loa_law_article_find(loa_store *s, const char *doc_number, const char *number, int32_t day,
			 loa_law_article_rec *out, loa_err *err)
{
	static const char sql[] = ARTICLE_COLS
		"WHERE d.number = ?1 AND a.number = ?2 AND (?3 IS NULL OR ((a.valid_from IS NULL OR "
		"a.valid_from <= ?3) AND (a.valid_to IS NULL OR a.valid_to > ?3))) ORDER BY a.id DESC "
		"LIMIT 1";
	loa_stmt *st;
	int rc = loa_sql_cached(s, sql, &st, err);
	if (rc)
		return rc;
	char ds[16];
	loa_sql_bind_text(st, 1, doc_number);
	loa_sql_bind_text(st, 2, number);
	if (day != LOA_QA_DAY_MIN) {
		day_str(day, ds);
		loa_sql_bind_text(st, 3, ds);
	}
	rc = loa_sql_step(st, err);
	if (rc == LOA_SQL_ROW)
		rc = read_article(st, out, err);
	else if (rc == LOA_SQL_DONE)
		rc = loa_err_set(err, LOA_ENOTFOUND,
				 "không có Điều %s của %s (ở ngày đó) / no article %s of %s (on that day)",
				 number, doc_number, number, doc_number);
	loa_sql_reset(st);
	return rc;
}

int loa_law_citation(const loa_law_article_rec *r, loa_buf *out)
{
	static const char *const titled[] = {"Luật", "Bộ luật", "Hiến pháp", "Pháp lệnh", NULL};
	bool by_title = false;
	for (int i = 0; titled[i]; i++)
		if (strcmp(r->doc_type, titled[i]) == 0)
			by_title = true;
	if (!r->issued[0]) /* ALQAC: only a name or a number */
		return loa_buf_printf(out, "Điều %s, %s", r->number, r->doc_title);
	if (by_title)
		return loa_buf_printf(out, "Điều %s, %s %.4s", r->number, r->doc_title, r->issued);
	return loa_buf_printf(out, "Điều %s, %s %s", r->number, r->doc_type, r->doc_number);
}

bool loa_laws_index_path(const char *db, char *out, size_t cap)
{
	if (!db || !*db || strcmp(db, ":memory:") == 0 || strncmp(db, "file:", 5) == 0 || strstr(db, "://"))
		return false;
	int n = snprintf(out, cap, "%s.qaidx", db);
	return n > 0 && (size_t)n < cap;
}

int loa_laws_index(loa_store *s, const loa_qa_params *p, const char *path, loa_qa_index **out,
		   bool *loaded, loa_err *err)
{
	*out = NULL;
	if (loaded)
		*loaded = false;
	char key[LOA_QA_INDEX_KEY_MAX];
	loa_err e2;
	loa_ms t0 = loa_now_ms();
	int rc = path ? loa_laws_index_key(s, key, sizeof key, err) : LOA_OK;
	if (rc)
		return rc;
	if (path) {
		rc = loa_qa_index_load(path, key, p, out, &e2);
		if (rc == LOA_OK) {
			if (loaded)
				*loaded = true;
			loa_info("qa.index", "source=file articles=%u ms=%lld path=%s",
				 loa_qa_index_docs(*out), (long long)(loa_now_ms() - t0), path);
			return LOA_OK;
		}
		if (rc != LOA_ENOTFOUND)
			loa_warn("qa.index", "source=file error=\"%s\"", loa_err_msg(&e2));
	}
	if ((rc = loa_laws_build_index(s, p, out, err)))
		return rc;
	loa_info("qa.index", "source=built articles=%u ms=%lld", loa_qa_index_docs(*out),
		 (long long)(loa_now_ms() - t0));
	if (path) {
		t0 = loa_now_ms();
		if (loa_qa_index_save(*out, path, key, &e2))
			loa_warn("qa.index", "save=failed error=\"%s\"", loa_err_msg(&e2));
		else
			loa_info("qa.index", "saved=%s ms=%lld", path, (long long)(loa_now_ms() - t0));
	}
	return LOA_OK;
}

int loa_laws_build_index(loa_store *s, const loa_qa_params *p, loa_qa_index **out, loa_err *err)
{
	static const char sql[] =
		"SELECT a.id, d.title, a.title, a.body, COALESCE(a.valid_from, d.effective), "
		"a.valid_to, d.expiry FROM qa_articles a JOIN qa_docs d ON d.id = a.doc_id ORDER BY a.id";
	loa_qa_index *ix;
	int rc = loa_qa_index_new(p, &ix, err);
	if (rc)
		return rc;
	loa_stmt *st;
	if ((rc = loa_sql_prepare(s, sql, &st, err))) {
		loa_qa_index_free(ix);
		return rc;
	}
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		const char *law = loa_sql_col_text(st, 1), *title = loa_sql_col_text(st, 2);
		const char *body = loa_sql_col_text(st, 3);
		int32_t from = LOA_QA_DAY_MIN, to = LOA_QA_DAY_MAX, x;
		if (!loa_sql_col_null(st, 4) && !loa_law_parse_day(loa_sql_col_text(st, 4), &x))
			from = x;
		if (!loa_sql_col_null(st, 5) && !loa_law_parse_day(loa_sql_col_text(st, 5), &x))
			to = x;
		if (!loa_sql_col_null(st, 6) && !loa_law_parse_day(loa_sql_col_text(st, 6), &x) && x < to)
			to = x;
		title = title ? title : "";
		body = body ? body : "";
		if ((rc = loa_qa_index_add(ix, loa_sql_col_i64(st, 0), law, title, strlen(title), body,
					   strlen(body), from, to, NULL, err)))
			break;
	}
	loa_sql_finalize(st);
	if (rc < 0 || (rc = loa_qa_index_finish(ix, err))) {
		loa_qa_index_free(ix);
		return rc;
	}
	*out = ix;
	return LOA_OK;
}
