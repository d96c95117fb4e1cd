/*
 * laws.h - the legal document base of the qa room: documents (number,
 * type, title, issuer, dates, status) -> chapters -> articles (Điều) ->
 * clauses (khoản) -> points (điểm), stored in the qa room's tables
 * (store/sql.h), with amendments: a document may replace, repeal or add
 * articles of another from its effective date, and the base answers "as
 * in force on day D". Formats: docs/formats/laws.md.
 *
 * Ownership: a loa_law_doc owns everything it holds (an arena); release
 * it with loa_law_doc_release(). Strings passed in are copied. Records
 * passed out (loa_law_article_rec) are caller-owned and filled in place.
 * Functions taking a loa_store use it from the calling thread only.
 */
#ifndef LOA_QA_LAWS_H
#define LOA_QA_LAWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/vec.h"
#include "qa/retrieve.h"
#include "store/store.h"

#define LOA_LAW_DOC_MAX ((size_t)32 << 20) /* bytes of one document (text or JSON line) */
#define LOA_LAW_LINE_MAX ((size_t)1 << 20) /* bytes of one line of a plain-text document */
#define LOA_LAW_FIELD_MAX 1024             /* number, type, title, issuer, dates, status */
#define LOA_LAW_NUM_MAX 16                 /* "89", "12a", "IV" */

typedef struct loa_law_point {
	const char *letter; /* "a", "đ" */
	const char *text;
	long line;          /* source line (plain text), 0 when unknown */
} loa_law_point;

typedef struct loa_law_clause {
	const char *number; /* "1" */
	const char *text;
	LOA_VEC(loa_law_point) points;
	long line;
} loa_law_clause;

typedef struct loa_law_article {
	const char *number; /* "89" */
	const char *title;  /* "Quy định chung về cấp giấy phép xây dựng" ("" when none) */
	const char *body;   /* the whole text of the article after its heading */
	int chapter;        /* index in chapters, -1 when none */
	LOA_VEC(loa_law_clause) clauses;
	long line;
} loa_law_article;

typedef struct loa_law_chapter {
	const char *number; /* "I" */
	const char *title;
} loa_law_chapter;

/* One change to an article of another document. */
typedef struct loa_law_amend {
	const char *target;  /* the amended document's number */
	const char *article; /* its article number */
	const char *action;  /* "replace", "repeal" or "add" */
	const char *title;   /* new title (replace/add), may be "" */
	const char *text;    /* new body (replace/add) */
} loa_law_amend;

typedef struct loa_law_doc {
	loa_arena arena;
	const char *number, *type, *title, *issuer; /* number, type, title required */
	const char *issued, *effective, *expiry;    /* "YYYY-MM-DD" or NULL */
	const char *status;                         /* free text ("còn hiệu lực"), may be NULL */
	const char *source;                         /* "json", "text", "alqac" */
	LOA_VEC(loa_law_chapter) chapters;
	LOA_VEC(loa_law_article) articles;
	LOA_VEC(loa_law_amend) amends;
} loa_law_doc;

void loa_law_doc_init(loa_law_doc *d);
void loa_law_doc_release(loa_law_doc *d);
/* Copies s into the document's arena ("" for NULL); NULL when out of memory. */
const char *loa_law_strdup(loa_law_doc *d, const char *s, size_t n);

/* Parses a plain-text legal document ("Chương I", "Điều 1. Tên điều", "1.
 * khoản", "a) điểm", other lines continue the element above) into d's
 * chapters and articles. Errors (LOA_EPARSE) name the line: a clause or a
 * point outside an article or clause, clause numbers or point letters out
 * of order, a repeated or decreasing article number, an article without
 * text, no article at all, invalid UTF-8, an over-long line. */
int loa_law_parse_text(loa_law_doc *d, const char *s, size_t n, loa_err *err);
/* Splits an article body into clauses and points (lines "1. …", "a) …"),
 * when it has them; other lines stay in the body only. */
int loa_law_split_clauses(loa_law_doc *d, loa_law_article *a, long first_line, loa_err *err);

/* Parses one JSON document (docs/formats/laws.md) into d. */
int loa_law_from_json(loa_law_doc *d, const char *json, size_t n, loa_err *err);

/* The qa room's tables (migrations); call before the other functions. */
int loa_qa_db_init(loa_store *s, loa_err *err);

typedef struct loa_law_stats {
	uint64_t docs, articles, clauses, points, amendments;
} loa_law_stats;

/* Stores d (replacing a stored document with the same number, then
 * re-applying amendments that target it) and applies d's own amendments.
 * Runs in one transaction. LOA_EINVAL for a bad field, LOA_ENOTFOUND for
 * an amendment of an unknown document or article. st may be NULL. */
int loa_law_store(loa_store *s, const loa_law_doc *d, loa_law_stats *st, loa_err *err);

/* A stored article version, with its document's metadata. */
typedef struct loa_law_article_rec {
	int64_t id, doc_id;
	char doc_number[LOA_LAW_FIELD_MAX + 1], doc_type[LOA_LAW_FIELD_MAX + 1];
	char doc_title[LOA_LAW_FIELD_MAX + 1], issuer[LOA_LAW_FIELD_MAX + 1];
	char issued[16], effective[16], expiry[16]; /* "" when unknown */
	char number[LOA_LAW_NUM_MAX + 1];
	char title[LOA_LAW_FIELD_MAX + 1];
	char valid_from[16], valid_to[16]; /* "" = open */
	char amended_by[LOA_LAW_FIELD_MAX + 1]; /* number of the amending document, "" */
	char *body; /* malloc'd; free with loa_law_article_rec_release */
} loa_law_article_rec;

void loa_law_article_rec_release(loa_law_article_rec *r);
int loa_law_article_by_id(loa_store *s, int64_t id, loa_law_article_rec *out, loa_err *err);
/* The version of article `number` of document `doc_number` in force on
 * day (days since 1970-01-01; LOA_QA_DAY_MIN = the latest version). */
int loa_law_article_find(loa_store *s, const char *doc_number, const char *number, int32_t day,
			 loa_law_article_rec *out, loa_err *err);

/* "Điều 89, Luật Xây dựng 2014" (laws, codes, the constitution: title and
 * year of issue), "Điều 5, Nghị định 15/2021/NĐ-CP" (others: type and
 * number); "Điều N, <title>" when the year is unknown (ALQAC). */
int loa_law_citation(const loa_law_article_rec *r, loa_buf *out);

/* Builds a search index over every stored article version (key = article
 * row id, law = the document's title, validity from the versions and the
 * document's effective and expiry dates). */
int loa_laws_build_index(loa_store *s, const loa_qa_params *p, loa_qa_index **out, loa_err *err);
/* The index of the stored articles, saved in the file `path` (NULL: built
 * every time): loaded from there when the file's key is the document
 * base's current one (loa_laws_index_key), else built and saved there
 * (a failed save only warns). *loaded (may be NULL) tells which. Logs
 * qa.index source=file|built. */
int loa_laws_index(loa_store *s, const loa_qa_params *p, const char *path, loa_qa_index **out,
		   bool *loaded, loa_err *err);
/* Where the index of the database db is saved: "DB.qaidx" in out (cap
 * bytes); false when db is not a plain file (":memory:", "file:" URIs,
 * "postgres://…") or the name does not fit. */
bool loa_laws_index_path(const char *db, char *out, size_t cap);
/* The version of the document base a saved index is keyed by: the import
 * counter, the database's random id (qa_meta laws_uid, set by the first
 * import), the largest article and document ids. */
int loa_laws_index_key(loa_store *s, char *out, size_t cap, loa_err *err);
/* A number that changes whenever the document base changes (to rebuild
 * an index kept in memory). */
int loa_laws_generation(loa_store *s, int64_t *gen, loa_err *err);

/* "YYYY-MM-DD" -> days since 1970-01-01; LOA_EPARSE when malformed. */
int loa_law_parse_day(const char *s, int32_t *day);

#endif
