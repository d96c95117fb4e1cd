/*
 * pipeline_int.h - private helpers shared by pipeline.c, claim.c,
 * measure.c and report.c (not for other rooms).
 *
 * Ownership: a loa__an_mentions owns its aliases (copies of the strings).
 */
#ifndef LOA_ANALYZE_PIPELINE_INT_H
#define LOA_ANALYZE_PIPELINE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/lang.h"
#include "core/err.h"
#include "store/store.h"

/* One alias: the folded word hashes of an organisation's name or alias. */
typedef struct loa__an_alias {
	uint64_t *h;
	size_t n;
	char *org;
} loa__an_alias;

typedef struct loa__an_mentions {
	loa__an_alias *a;
	size_t n, cap;
	bool sorted;
} loa__an_mentions;

int loa__an_mentions_init(loa__an_mentions *m);
void loa__an_mentions_release(loa__an_mentions *m);
int loa__an_mentions_add(loa__an_mentions *m, const char *org, const char *alias);
/* Organisations' names and the analyze_alias table. */
int loa__an_mentions_load(loa_store *s, loa__an_mentions *m, loa_err *err);
/* Calls found(arg, org) once per organisation mentioned in d. */
int loa__an_mentions_find(loa__an_mentions *m, const loa_an_doc *d,
			  int (*found)(void *arg, const char *org), void *arg);

/* Runs a cached one-value query (bind1 == INT64_MIN: no parameter); NULL
 * or no row gives 0. */
int loa__an_scalar(loa_store *s, const char *static_sql, int64_t bind1, int64_t *out,
		   loa_err *err);

/* title + "\n" + text in a new string of at most LOA_AN_TEXT_MAX + 1
 * bytes (the caller frees it); NULL when out of memory. */
char *loa__an_join_text(const char *title, const char *text, size_t *n);

/* The day number in Asia/Ho_Chi_Minh of a time (days since 1970-01-01). */
static inline int64_t loa__an_vn_day(int64_t ms)
{
	int64_t t = ms + (int64_t)7 * 3600 * 1000;
	int64_t d = t / 86400000;
	if (t % 86400000 < 0)
		d--;
	return d;
}

#endif
