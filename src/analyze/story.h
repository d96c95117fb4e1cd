/*
 * story.h - stories: near-duplicate items from many outlets grouped
 * together, incrementally, as they arrive (SPEC M5; docs/rooms/analyze.md,
 * "Tin cùng sự việc / Stories").
 *
 * Method. A text's shingles are the overlapping runs of LOA_STORY_SHINGLE
 * consecutive word tokens of lang.h's loa_an_doc (folded, lower-cased:
 * "Hòa", "hoà" and "hoa" are one token); each shingle is a 64-bit hash,
 * and the distinct shingles form the text's set. Its MinHash signature
 * keeps, for each of LOA_STORY_K hash functions, the smallest 32-bit value
 * over the set. LSH: the signature is cut into LOA_STORY_BANDS bands of
 * LOA_STORY_ROWS values; two texts are candidates when any band is equal.
 * A candidate is verified with the signatures: the estimated Jaccard J and,
 * from J and the two set sizes, the estimated containment of the smaller
 * set in the larger, C = J (|A| + |B|) / ((1 + J) min(|A|, |B|)), so a cut
 * copy (a republished lead) still meets its original. Two texts are "the
 * same story" when J >= LOA_STORY_MIN_J and C >= LOA_STORY_MIN_C. A new
 * item joins the story of its most similar earlier item (by C, then J, then
 * the earliest item) within the time window (|published_at difference| <=
 * window, default 14 days); with no such item it founds a new story.
 *
 * Merges. When a new item matches items of several stories (two cuts of
 * one article landed in two stories and the full text meets both), the
 * stories are merged: each matched story whose best-scoring entry has
 * estimated Jaccard >= LOA_STORY_MERGE_J with the item is merged, provided
 * the story the item joins passes that bar too. Containment alone is not
 * enough: a digest quoting the leads of two unrelated stories is "the
 * same" as each (its containment is high) but its Jaccard with each is
 * low, and it must not weld them together. The surviving story is the
 * oldest (the smallest id, its founding item's id); merges are transitive.
 * The index keeps them in a union-find (story id -> surviving id, path
 * compressed): every story id it returns is resolved. At most
 * LOA_STORY_MERGE_MAX stories are merged per assignment (the most similar
 * by J first), so one odd item cannot weld a crowd of stories at once.
 *
 * The index is in memory; the pipeline keeps signatures in the table
 * analyze_sig and rebuilds the index from the items of the last window on
 * start (pipeline.h).
 *
 * Ownership: a loa_story_index is owned by its creator (one thread at a
 * time); it copies the signatures it is given.
 */
#ifndef LOA_ANALYZE_STORY_H
#define LOA_ANALYZE_STORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/lang.h"
#include "core/err.h"
#include "core/ltime.h"

#define LOA_STORY_K 64u
#define LOA_STORY_BANDS 32u
#define LOA_STORY_ROWS 2u
#define LOA_STORY_SHINGLE 3u
#define LOA_STORY_MIN_J 0.12
#define LOA_STORY_MIN_C 0.45
#define LOA_STORY_WINDOW_MS ((loa_ms)14 * 24 * 3600 * 1000)
#define LOA_STORY_MAX_ITEMS ((size_t)8 << 20) /* cap on items held by an index */
#define LOA_STORY_SURE 0.9                    /* a match this close ends the search */
#define LOA_STORY_BUCKET_WALK 48u            /* entries looked at per band bucket */
#define LOA_STORY_MIN_SHINGLES 5u             /* fewer: too short to group */
#define LOA_STORY_MERGE_J 0.30                /* Jaccard needed to merge stories */
#define LOA_STORY_MERGE_MAX 8u                /* stories merged per assignment */
#define LOA_STORY_CANDS 32u                   /* distinct stories kept per search */

typedef struct loa_story_sig {
	uint32_t v[LOA_STORY_K];
	uint32_t shingles; /* distinct shingles (0: empty text) */
} loa_story_sig;

/* The distinct shingle hashes of a document (caller-owned; reused; zero
 * it before first use), with a hash set for membership tests. */
typedef struct loa_shingles {
	uint64_t *h;     /* h[0..n): distinct, in text order */
	size_t n, cap;
	uint64_t *tab;   /* open addressing, 0 = empty (a hash of 0 is stored as 1) */
	size_t tabcap;   /* power of two, > 2 n */
	uint32_t *slot;  /* slot[i]: where h[i] sits in tab (to clear it cheaply) */
	uint64_t *fh;    /* loa_story_sign_text's scratch: the words' folded hashes */
	size_t nfh, fhcap;
} loa_shingles;

/* The hash a one-word shingle (k = 1) of a word with folded hash fh has. */
static inline uint64_t loa_shingle_word(uint64_t fh)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL * 2;
	x = ((x << 23) | (x >> 41)) ^ (fh * 0xff51afd7ed558ccdULL);
	x = loa_an_mix64(x);
	return x ? x : 1;
}

void loa_shingles_release(loa_shingles *s);
/* Fills s from d (word and number tokens). LOA_OK or LOA_ENOMEM. */
int loa_shingles_make(const loa_an_doc *d, unsigned k, loa_shingles *s);
bool loa_shingles_has(const loa_shingles *s, uint64_t h);

/* The MinHash signature of a shingle set. */
void loa_story_signature(const loa_shingles *s, loa_story_sig *sig);

/* The signature of the text s[0..n) straight from its bytes: exactly what
 * loa_an_doc_set(), loa_shingles_make(LOA_STORY_SHINGLE) and
 * loa_story_signature() give (the same words, folded hashes, truncation
 * at LOA_AN_TEXT_MAX and LOA_AN_WORDS_MAX), without the document's other
 * work (bytes kept, function words, language): for grouping alone. sh is
 * scratch as for loa_shingles_make (filled with the text's shingles).
 * LOA_OK or LOA_ENOMEM. */
int loa_story_sign_text(const char *s, size_t n, loa_shingles *sh, loa_story_sig *sig);
/* Estimated Jaccard similarity and containment of the smaller set. */
double loa_story_jaccard(const loa_story_sig *a, const loa_story_sig *b);
double loa_story_containment(const loa_story_sig *a, const loa_story_sig *b, double j);
/* True when the two signatures are "the same story" (ignoring time). */
bool loa_story_same(const loa_story_sig *a, const loa_story_sig *b, double *score);

typedef struct loa_story_index loa_story_index;

/* window <= 0: LOA_STORY_WINDOW_MS. NULL when out of memory. */
loa_story_index *loa_story_index_new(loa_ms window);
void loa_story_index_free(loa_story_index *ix);
void loa_story_index_clear(loa_story_index *ix);
size_t loa_story_index_size(const loa_story_index *ix);

/* Finds the story of the most similar item held within the window (0 when
 * none; *score may be NULL), resolved through merges. Does not add. */
int64_t loa_story_index_find(loa_story_index *ix, loa_ms at, const loa_story_sig *sig,
			     double *score);
/* Adds an item with its story (a merged-away id is resolved to the
 * surviving one on every lookup, so ids stored before a merge still work).
 * Past LOA_STORY_MAX_ITEMS the oldest half is dropped (and with it the
 * record of merges: callers have rewritten merged ids by then), so it only
 * fails on LOA_ENOMEM. Signatures of too-short texts are not added. */
int loa_story_index_add(loa_story_index *ix, int64_t item_id, int64_t story_id, loa_ms at,
			const loa_story_sig *sig);
/* find, then add: the item joins the found story or founds story
 * `item_id`. *story receives the story id. Never merges stories. */
int loa_story_index_assign(loa_story_index *ix, int64_t item_id, loa_ms at,
			   const loa_story_sig *sig, int64_t *story, double *score);
/* As loa_story_index_assign, and merges the stories the item bridges (see
 * "Merges" above), at most min(cap, LOA_STORY_MERGE_MAX): *story receives
 * the surviving story (the smallest id of those merged), merged[0..*nmerged)
 * the ids merged away into it (caller-owned array of cap ids; the caller
 * rewrites its stored ids). merged NULL or cap 0: no merging, exactly
 * loa_story_index_assign. LOA_OK or LOA_ENOMEM (then nothing changed). */
int loa_story_index_assign2(loa_story_index *ix, int64_t item_id, loa_ms at,
			    const loa_story_sig *sig, int64_t *story, double *score,
			    int64_t *merged, size_t cap, size_t *nmerged);

#endif
