/*
 * embed.h - word vectors learnt from unlabelled text, for the classifier's
 * dense view (classify.h, opts.embed): SPEC M4.
 *
 * A token is what the text room's tokenizer gives on the LOA_NORM_MATCH
 * normalised text (a syllable, a number class, an emoji…), keyed by
 * loa_embed_token_key(), the same 64-bit hash the classifier's word
 * features start from. Punctuation tokens get no vector.
 *
 * Training (embed_train.c): skip-gram with negative sampling (word2vec,
 * Mikolov et al. 2013): window, sub-sampling of frequent tokens, unigram^0.75
 * noise table, learning rate decaying linearly to lr x 1e-4, Hogwild
 * threads (one thread and one seed: the same file every time). The
 * vectors kept are the input vectors.
 *
 * File (little endian, sections 8-byte aligned; read in one read()):
 *   "LOAEMB\x1a\0", u32 version (LOA_EMBED_VERSION), u32 dim, u64 count,
 *   u32 note bytes (with its NUL), u32 reserved 0, the note, u64 keys[count]
 *   (distinct, non-zero), f32 scales[count], i8 vectors[count][dim] (vector
 *   i = scales[i] * row i), a 64-bit checksum of everything before it. A file
 *   that is not one, is truncated or corrupt gives LOA_EPARSE; another
 *   version LOA_EVERSION. At load an open-addressing index over the keys is
 *   built (4 bytes per slot, at most half full); the vectors stay in the image.
 *
 * Ownership: a loa_embed is immutable once built or loaded, may be shared
 * by any number of threads, and owns its memory. A loa_embed_trainer copies
 * what it is given (as token keys); loa_embed_trainer_run gives the caller a
 * new loa_embed to free.
 */
#ifndef LOA_ANALYZE_EMBED_H
#define LOA_ANALYZE_EMBED_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "text/text.h"

#define LOA_EMBED_VERSION 1u
#define LOA_EMBED_MAX_DIM 512u
#define LOA_EMBED_MAX_COUNT ((size_t)4 << 20)      /* tokens in a file */
#define LOA_EMBED_FILE_MAX ((size_t)1 << 30)       /* cap on a file read */
#define LOA_EMBED_NOTE_MAX 4096u

typedef struct loa_embed loa_embed;

/* The key of a token (text: its bytes in the normalised text, as given to
 * a loa_tok_fn). Numbers, dates, URLs… share one key per class. Never 0. */
uint64_t loa_embed_token_key(const loa_token *tok, const char *text);
/* The key of the first token of s[0..n) once normalised as the classifier
 * and the trainer normalise (LOA_NORM_MATCH): a word's key ("Tốt" and
 * "tốt" give the same). 0 when s has no token or memory runs out. */
uint64_t loa_embed_word_key(const char *s, size_t n);

/* Builds from count distinct non-zero keys and their vectors
 * vecs[count][dim] (copied; quantised to 8 bits per value). */
int loa_embed_from_arrays(loa_embed **out, unsigned dim, size_t count, const uint64_t *keys,
			  const float *vecs, const char *note, loa_err *err);
int loa_embed_load(loa_embed **out, const char *path, loa_err *err);
/* Copies data. */
int loa_embed_load_mem(loa_embed **out, const void *data, size_t n, loa_err *err);
/* Borrows data (8-byte aligned): it must stay valid and unchanged until
 * loa_embed_free(*out), which does not free it. Checks it as the others do. */
int loa_embed_load_view(loa_embed **out, const void *data, size_t n, loa_err *err);
/* Serialises into out (appends). */
int loa_embed_write(const loa_embed *e, loa_buf *out);
/* Writes atomically (temporary file + rename). */
int loa_embed_save(const loa_embed *e, const char *path, loa_err *err);
void loa_embed_free(loa_embed *e);

unsigned loa_embed_dim(const loa_embed *e);
size_t loa_embed_count(const loa_embed *e);
const char *loa_embed_note(const loa_embed *e); /* never NULL */
uint64_t loa_embed_key(const loa_embed *e, size_t i);
/* Index of the vector of key, or -1. */
ptrdiff_t loa_embed_find(const loa_embed *e, uint64_t key);
/* The row of key (dim signed bytes; the vector is *scale times it), or
 * NULL: what prediction pools. */
const int8_t *loa_embed_lookup(const loa_embed *e, uint64_t key, float *scale);
/* Row i: dim signed bytes; the vector is *scale times the row. */
const int8_t *loa_embed_row(const loa_embed *e, size_t i, float *scale);
/* Vector i into v[dim]. */
void loa_embed_vector(const loa_embed *e, size_t i, float *v);

/* ---- training (embed_train.c) -------------------------------------------- */

typedef struct loa_embed_opts {
	unsigned dim;       /* default 64 */
	unsigned window;    /* default 5 (each position samples 1..window) */
	unsigned negative;  /* noise samples per pair, default 5 */
	unsigned min_count; /* tokens seen fewer times get no vector, default 5 */
	unsigned epochs;    /* default 3 */
	unsigned threads;   /* default 2 */
	double lr;          /* starting learning rate, default 0.05 */
	double sample;      /* sub-sampling threshold, default 1e-4 */
	size_t max_vocab;   /* keep the most frequent; default 200000 */
	uint64_t seed;      /* default 1 */
	const char *note;   /* stored in the file */
	void (*progress)(void *user, uint64_t done, uint64_t total);
	void *progress_user;
} loa_embed_opts;

void loa_embed_opts_default(loa_embed_opts *o);

typedef struct loa_embed_trainer loa_embed_trainer;
int loa_embed_trainer_new(loa_embed_trainer **out, const loa_embed_opts *o, loa_err *err);
void loa_embed_trainer_free(loa_embed_trainer *t);
/* Tokenises one text (any bytes; invalid UTF-8 is repaired) and keeps its
 * token keys; a text is one context (windows do not cross texts). */
int loa_embed_trainer_add(loa_embed_trainer *t, const char *text, size_t n);
size_t loa_embed_trainer_texts(const loa_embed_trainer *t);
size_t loa_embed_trainer_tokens(const loa_embed_trainer *t);
int loa_embed_trainer_run(loa_embed_trainer *t, loa_embed **out, loa_err *err);

#endif
