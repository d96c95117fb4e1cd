/*
 * diff.h - texts compared: a word-level diff of two versions of a draft
 * (Myers' O(ND) algorithm over word and separator tokens, with the common
 * head and tail trimmed first), and the similarity that groups the same
 * question sent by several people (word shingles of the folded text).
 *
 * Ownership: a loa_wf_diff owns its operations (loa_wf_diff_release);
 * the ranges point into the caller's two texts, which must outlive it.
 */
#ifndef LOA_WORKFLOW_DIFF_H
#define LOA_WORKFLOW_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define LOA_WF_DIFF_TOKENS_MAX 2000000u /* tokens of a text */
#define LOA_WF_DIFF_D_MAX 2000          /* edits searched; beyond, the middle is replaced */

enum { LOA_WF_EQ = 0, LOA_WF_DEL = 1, LOA_WF_INS = 2 };

typedef struct loa_wf_op {
	int op;             /* LOA_WF_EQ (in both), LOA_WF_DEL (only in a), LOA_WF_INS (only in b) */
	size_t start, end;  /* byte range in a (EQ, DEL) or in b (INS) */
} loa_wf_op;

typedef struct loa_wf_diff {
	loa_wf_op *ops;     /* adjacent operations of one kind are merged */
	size_t n, cap;
	size_t words_del, words_ins; /* word tokens deleted and inserted */
} loa_wf_diff;

/* Diffs a[0..an) and b[0..bn). LOA_ETOOBIG past LOA_WF_DIFF_TOKENS_MAX. */
int loa_wf_diff_texts(const char *a, size_t an, const char *b, size_t bn, loa_wf_diff *d,
		      loa_err *err);
void loa_wf_diff_release(loa_wf_diff *d);
/* HTML: equal text escaped, deletions in <del>, insertions in <ins>. */
int loa_wf_diff_html(const loa_wf_diff *d, const char *a, const char *b, loa_buf *out);

/* Similarity in [0, 1] of two texts for grouping: the larger of the
 * Jaccard index and 0.7 × the containment of the smaller set (when it
 * has at least 10 shingles), over word 1- and 2-shingles of the folded
 * text (function words dropped). */
double loa_wf_similarity(const char *a, const char *b);

#endif
