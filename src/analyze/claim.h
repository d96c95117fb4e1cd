/*
 * claim.h - false claims and their official rebuttals (SPEC M8;
 * docs/rooms/analyze.md, "Tin sai / False claims").
 *
 * A claim is a short text (the false statement as it circulates), with an
 * optional title and the URL of its official rebuttal. Matching an item
 * (lang.h's loa_an_doc of its title and text) against a claim:
 *   terms     the claim's content words (folded, function words and
 *             numbers left out); term_cover = share found in the item
 *   shingles  the claim's word 3-shingles; shingle_cover = share found in
 *             the item (a near-duplicate of the claim scores high)
 *   score     0.5 term_cover + 0.5 shingle_cover
 * The item carries the claim when term_cover >= LOA_CLAIM_MIN_TERMS and
 * score >= LOA_CLAIM_MIN_SCORE (claims of fewer than 3 content words need
 * every term). It carries the rebuttal when its URL is the claim's rebuttal
 * URL, or when it matches and has a rebuttal cue ("sai sự thật", "tin giả",
 * "bác bỏ", "xuyên tạc", "đính chính", …, matched without diacritics) and
 * comes from an official channel (kind official, or an organisation's own
 * channel) or the press.
 *
 * Ownership: a loa_claimset is loaded from the store and owned by the
 * caller (one thread at a time); it keeps no pointer into the store.
 */
#ifndef LOA_ANALYZE_CLAIM_H
#define LOA_ANALYZE_CLAIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/lang.h"
#include "analyze/story.h"
#include "core/err.h"
#include "store/store.h"

#define LOA_CLAIM_TEXT_MAX 4096u /* bytes of a claim's text */
#define LOA_CLAIM_TITLE_MAX 512u
#define LOA_CLAIM_MIN_TERMS 0.6
#define LOA_CLAIM_MIN_SCORE 0.5
#define LOA_CLAIM_MAX 100000u    /* claims held in a set */

typedef struct loa_claimset loa_claimset;

/* The facts of an item that decide the rebuttal role (borrowed). */
typedef struct loa_claim_ctx {
	const char *url;    /* canonical URL or NULL */
	bool official;      /* kind official, or posted on an organisation's own channel */
	bool press;         /* its source is a press outlet */
} loa_claim_ctx;

typedef struct loa_claim_hit {
	int64_t claim_id;
	double score;
	bool rebuttal;
} loa_claim_hit;

/* A set with no claims (add with loa_claimset_add). NULL: out of memory. */
loa_claimset *loa_claimset_new(void);
void loa_claimset_free(loa_claimset *c);
size_t loa_claimset_count(const loa_claimset *c);
/* Adds one claim (copies text and URL). */
int loa_claimset_add(loa_claimset *c, int64_t id, const char *text, const char *rebuttal_url);
/* Loads every claim of the store. */
int loa_claimset_load(loa_store *s, loa_claimset **out, loa_err *err);

/* Matches one item: d its words, sh its 3-shingles (story.h), words its
 * distinct word hashes (loa_shingles_make(d, 1, …)). Writes at most max
 * hits; *n receives how many. */
int loa_claimset_match(const loa_claimset *c, const loa_an_doc *d, const loa_shingles *sh,
		       const loa_shingles *words, const loa_claim_ctx *ctx, loa_claim_hit *hits,
		       size_t max, size_t *n);

/* True when the text has a rebuttal cue. */
bool loa_claim_has_cue(const loa_an_doc *d);

/* ---- the registry (tables of the analyze room) --------------------------- */

/* Adds a claim; *id receives its id. LOA_EINVAL for an empty or too long
 * text. Appends "claim.add" to the audit log. */
int loa_claim_add(loa_store *s, const char *title, const char *text, const char *rebuttal_url,
		  const char *by, int64_t *id, loa_err *err);
/* Matches one claim against every stored item already analysed (or
 * items published since `since`); *n receives the number of items found. */
int loa_claim_backfill(loa_store *s, int64_t claim_id, loa_ms since, int64_t *n, loa_err *err);

#endif
