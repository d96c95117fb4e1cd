/*
 * retrieve.h - article-level retrieval for Vietnamese legal questions (the
 * qa room). An inverted index kept in memory, built from (title, body)
 * pairs: the text room's typed tokens, normalised (NFC, one tone
 * placement, lower case), indexed three ways - exact syllables, folded
 * syllables (no diacritics) and folded syllable bigrams - with per-field
 * term frequencies for BM25F over title and body. A question is rewritten
 * first (abbreviations such as GPXD or UBND expanded from a documented
 * table and from abbreviations defined in the corpus itself; question
 * phrasing such as "đúng hay sai", "bao nhiêu" dropped), scored by BM25F,
 * and the best candidates are re-ranked by a linear model over proximity
 * and coverage features (the best window of the article, coverage of the
 * question's terms, bigram matches, the law named in the question). Method
 * and calibration: docs/rooms/qa.md.
 *
 * Postings are compact: per term one byte string of varint(doc gap << 1 |
 * in-title), varint(tf in body)[, varint(tf in title)], in blocks of 64
 * with a skip entry (byte offset, last document, the block's largest
 * BM25F saturation) so that candidates are gathered with dynamic pruning
 * (MaxScore with block-max bounds; `prune 0` scans every posting, with the
 * same result).
 *
 * Ownership and threads: an index is built by one thread (new, add...,
 * finish) and is then read-only; any number of threads may search it at
 * once, each with its own loa_qa_scratch (or NULL: a temporary one per
 * call). The index copies every string given to loa_qa_index_add(). Hits
 * point at nothing: texts are read back with loa_qa_index_title/body,
 * valid while the index lives.
 */
#ifndef LOA_QA_RETRIEVE_H
#define LOA_QA_RETRIEVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define LOA_QA_QUERY_MAX 4096    /* bytes of a question; longer is LOA_ETOOBIG */
#define LOA_QA_QTERMS_MAX 128    /* query terms used (the rest are dropped) */
#define LOA_QA_HL_MAX 32         /* highlight ranges per hit */
#define LOA_QA_LIMIT_MAX 100     /* hits per search */
#define LOA_QA_TEXT_MAX ((size_t)1 << 20) /* bytes of one article's title or body */
#define LOA_QA_DAY_MIN INT32_MIN /* open validity bounds (days since 1970-01-01) */
#define LOA_QA_DAY_MAX INT32_MAX

/* The ranking parameters (BM25F and the re-ranker's weights). */
typedef struct loa_qa_params {
	double k1, b_title, b_body, w_title; /* BM25F */
	double w_bigram;                     /* weight of the bigram family in BM25F */
	double w_bm25, w_window, w_bwindow, w_cover, w_law, w_tcover; /* re-ranker (linear) */
	double window;                       /* proximity window, in tokens */
	double rerank;                       /* candidates re-ranked */
	double min_conf;                     /* abstain below this confidence */
	double max_df;  /* terms in more articles than this do not gather candidates
			   (they still count in re-ranking); the rarest 3 always do */
	double prune;   /* 1: candidates by dynamic pruning over windows of documents
			   (MaxScore split, block-max probes); 2: the same document at a
			   time; 0: every posting scanned. Same candidates and scores. */
	double refine;  /* > 0: approximate, two phases: the best `refine` articles by the
			   gathering terms alone, then exactly scored with every term
			   (frequent ones too); 0: exact */
	double w_syn;   /* weight of the terms added from synonyms mined in the corpus
			   (BM25F only, not the re-ranker's features); 0: no expansion */
	double threads;    /* with prune 1: parts of the documents gathered at once, each
			      in a thread of its own (1: one pass); same candidates */
	double split_docs; /* ... when every part has at least this many documents */
} loa_qa_params;

void loa_qa_params_default(loa_qa_params *p);
/* Sets one parameter from "name=value"; LOA_EINVAL for an unknown name
 * or a bad value. */
int loa_qa_params_set(loa_qa_params *p, const char *kv, loa_err *err);
/* Reads a model file written by loa_qa_params_write ("name value" lines,
 * '#' comments). LOA_EPARSE with the line number on bad lines. */
int loa_qa_params_load(loa_qa_params *p, const char *path, loa_err *err);
int loa_qa_params_write(const loa_qa_params *p, const char *note, loa_buf *out);
/* The re-ranker's features, in the order of the weights above (w_bm25 ..
 * w_tcover): BM25F relative to the best candidate, idf share of the
 * question's words in the best window, same for bigrams, idf share of the
 * question's words anywhere in the article, the question names the
 * article's law, idf share of the article title's words found in the
 * question. */
#define LOA_QA_NFEAT 6
double *loa_qa_params_weight(loa_qa_params *p, int feature);

typedef struct loa_qa_index loa_qa_index;

int loa_qa_index_new(const loa_qa_params *p, loa_qa_index **out, loa_err *err);
void loa_qa_index_free(loa_qa_index *ix);
/* Adds one article: key is the caller's id (an article row id); law names
 * its document (for citations and for questions naming a law); valid
 * days [from_day, to_day) (LOA_QA_DAY_MIN/MAX when open). *doc (may be
 * NULL) receives the article's number in the index (0, 1, ...). */
int loa_qa_index_add(loa_qa_index *ix, int64_t key, const char *law, const char *title,
		     size_t title_len, const char *body, size_t body_len, int32_t from_day,
		     int32_t to_day, uint32_t *doc, loa_err *err);
/* Ends building: keeps the unambiguous mined synonyms, computes lengths.
 * Searches are allowed only after it.
 *
 * Mined while adding (bodies, the first LOA_QA_SYN_SCAN bytes): abbreviations
 * "giấy phép xây dựng (GPXD)" (initials) and terms the text defines itself:
 * "X (sau đây gọi [tắt] là Y)", "X (sau đây viết tắt là Y)", "X, còn gọi là
 * Y", "X hay còn gọi là Y", and in articles titled "Giải thích từ ngữ" the
 * items "N. X là Y." (Y ends the sentence). X: up to LOA_QA_SYN_WORDS
 * syllables back to punctuation or a function word (của, và, cho...), or
 * the longer phrase Y shortens; Y: up to LOA_QA_SYN_WORDS words up to the
 * parenthesis or punctuation; both at least 2 words (Y one upper-case
 * abbreviation: then an abbreviation of X). Not "gọi chung là" (a list)
 * nor "là việc/hoạt động..." (a description). Pairs count both ways; a
 * phrase mined with different partners at least as often as with its
 * first one, or whose rarest word pair is in over 1% of the articles, is
 * dropped; at most LOA_QA_SYN_MAX phrases. Details: docs/rooms/qa.md. */
int loa_qa_index_finish(loa_qa_index *ix, loa_err *err);
/* Replaces the ranking parameters (after finish too; not while another
 * thread searches). */
void loa_qa_index_set_params(loa_qa_index *ix, const loa_qa_params *p);
const loa_qa_params *loa_qa_index_params(const loa_qa_index *ix);

uint32_t loa_qa_index_docs(const loa_qa_index *ix);
int64_t loa_qa_index_key(const loa_qa_index *ix, uint32_t doc);
const char *loa_qa_index_law(const loa_qa_index *ix, uint32_t doc);
const char *loa_qa_index_title(const loa_qa_index *ix, uint32_t doc, size_t *len);
const char *loa_qa_index_body(const loa_qa_index *ix, uint32_t doc, size_t *len);

/* The persisted index: one file written by loa_qa_index_save (a temporary
 * file renamed over path) and mapped by loa_qa_index_load (mmap, private:
 * texts and postings are read from disk when first used). key (< LOA_QA_INDEX_KEY_MAX bytes, the
 * caller's version of what the index was built from) is stored; load
 * answers LOA_ENOTFOUND when the file is missing or its key differs,
 * LOA_EVERSION for another format or machine, LOA_EPARSE when offsets or
 * sizes are inconsistent (the postings themselves are trusted: the file is
 * ours). The loaded index equals the saved one (same hits, scores and
 * synonyms); p's BM25 parameters recompute the block bounds when they
 * differ from those saved. */
#define LOA_QA_INDEX_KEY_MAX 256
int loa_qa_index_save(const loa_qa_index *ix, const char *path, const char *key, loa_err *err);
int loa_qa_index_load(const char *path, const char *key, const loa_qa_params *p,
		      loa_qa_index **out, loa_err *err);

typedef struct loa_qa_index_stats {
	uint64_t docs, terms, postings, posting_bytes, text_bytes, aliases, synonyms;
} loa_qa_index_stats;
void loa_qa_index_stats_get(const loa_qa_index *ix, loa_qa_index_stats *st);

/* Per-thread scratch (accumulators over all documents; only the full scan,
 * prune 0, uses them: the pruned search allocates nothing per document). */
typedef struct loa_qa_scratch loa_qa_scratch;
loa_qa_scratch *loa_qa_scratch_new(void);
void loa_qa_scratch_free(loa_qa_scratch *s);

typedef struct loa_qa_hit {
	uint32_t doc;
	double score;      /* the final ranking score */
	double confidence; /* 0..1: how much of the question the article covers */
	double feat[LOA_QA_NFEAT];
	size_t pass_start, pass_end;   /* best passage: byte range in the body */
	size_t nhl;
	size_t hl[LOA_QA_HL_MAX][2];   /* matched words: byte ranges in the body */
} loa_qa_hit;

/* Searches: up to max hits (<= LOA_QA_LIMIT_MAX), best first, among the
 * articles valid on as_of_day (LOA_QA_DAY_MIN = any day). *n gets the
 * count (0 when nothing matches a single term). LOA_EINVAL for an empty
 * question, LOA_ETOOBIG for one over LOA_QA_QUERY_MAX bytes. */
int loa_qa_search(const loa_qa_index *ix, loa_qa_scratch *scratch, const char *q, size_t qn,
		  int32_t as_of_day, loa_qa_hit *hits, size_t max, size_t *n, loa_err *err);

/* The question as the index sees it after rewriting (abbreviations
 * expanded, question phrasing dropped), words separated by spaces, lower
 * case; appended to out. ix may be NULL (static table only). *folded (may
 * be NULL) tells whether the question was matched without diacritics. */
int loa_qa_rewrite(const loa_qa_index *ix, const char *q, size_t qn, loa_buf *out,
		   bool *folded);

#define LOA_QA_SYN_WORDS 8
#define LOA_QA_SYN_MAX 100000
#define LOA_QA_SYN_SCAN (32 * 1024)
/* The mined partner of a phrase (any case and marks: it is folded), or
 * NULL. Valid while the index lives. */
const char *loa_qa_index_synonym(const loa_qa_index *ix, const char *phrase);
/* The expansion of an abbreviation mined from the corpus (not the static
 * table), or NULL. */
const char *loa_qa_index_alias(const loa_qa_index *ix, const char *abbr);

/* The static abbreviation table (NULL-terminated pairs abbr, expansion),
 * documented in docs/rooms/qa.md. */
const char *const *loa_qa_abbreviations(void);

#endif
