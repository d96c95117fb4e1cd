/*
 * segment.h - Vietnamese word segmentation (part of the text room).
 *
 * A statistical segmenter over syllables: an averaged structured perceptron
 * tagging each syllable B (begins a word) or I (continues the previous
 * word), with hashed features (syllable n-grams in a +-2 window on the
 * matching form, folded bigrams, shapes, and dictionary features: longest
 * dictionary words starting, ending at and covering the syllable, and the
 * longest-matching tag) and first-order Viterbi decoding. The dictionary
 * is embedded in the model, so a model file is self-contained.
 *
 * Units: the segmenter tags a sequence of units (syllables, numbers,
 * punctuation, ...). loa_segmenter_feed() cuts raw text into units with the
 * text room's tokenizer; the gold format of SPEC §4 ("words separated by
 * spaces, syllables of a word joined by _") is read by loa_seg_parse_gold().
 *
 * Model file (little endian): "LOASEGM\x1a", u32 version, u32 feature
 * set, u32 table bits, u32 fingerprint of the matching normalisation
 * (a model trained under another normalisation loads with a warning: the
 * weights are keyed by normalised syllables, retrain it), f32 weight
 * scale, 4 x f32 transitions, the training note, the dictionary
 * (normalised words, syllables separated by spaces, one a line), sparse
 * int16 weights (varint gap + value), and a 64-bit FNV-1a checksum of
 * everything before it. A file that is not a model, truncated or corrupt
 * gives LOA_EPARSE; another format version or feature set, LOA_EVERSION.
 *
 * Ownership: a loa_seg_model is immutable after load/train and may be
 * shared by many loa_segmenter objects (one per thread); the model must
 * outlive them. A loa_segmenter owns its scratch buffers and is not
 * thread-safe. A loa_seg_dict and a loa_seg_trainer are owned by their
 * creator and freed with their _free function. Nothing here keeps pointers
 * into caller text after a call returns.
 */
#ifndef LOA_TEXT_SEGMENT_H
#define LOA_TEXT_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define LOA_SEG_MODEL_VERSION 1u
#define LOA_SEG_MODEL_MAX ((size_t)256 << 20) /* cap on a model file */
#define LOA_SEG_MAX_WORD 12u    /* longest dictionary word used, in syllables */
#define LOA_SEG_UNIT_MAX 256u   /* longer units are tagged by their first 256 bytes */
#define LOA_SEG_WINDOW 4096u    /* units tagged together when streaming */

/* ---- units -------------------------------------------------------------- */

#define LOA_SEG_ALONE 1u /* unit must be a word by itself (URL, punctuation, ...) */

typedef struct loa_seg_unit {
	const char *p; /* borrowed bytes */
	size_t n;
	unsigned flags; /* LOA_SEG_* */
} loa_seg_unit;

/* Parses one gold line (SPEC §4) into units and their tags: units point
 * into line; begins[i] is 1 when unit i starts a word. At most max units
 * are stored; *n_out is the number found (LOA_ETOOBIG when it exceeds max,
 * the first max are stored). A token that is "_" itself or splits into
 * empty pieces is one unit. */
int loa_seg_parse_gold(const char *line, size_t n, loa_seg_unit *units, uint8_t *begins,
		       size_t max, size_t *n_out);

/* ---- dictionary --------------------------------------------------------- */

typedef struct loa_seg_dict loa_seg_dict;

loa_seg_dict *loa_seg_dict_new(void);
void loa_seg_dict_free(loa_seg_dict *d);
/* Adds one word: syllables separated by spaces or '_' (normalised with
 * LOA_NORM_MATCH). Empty words are ignored. */
int loa_seg_dict_add(loa_seg_dict *d, const char *w, size_t n);
/* Adds every line of a file (one word a line; '#' lines ignored). */
int loa_seg_dict_load_file(loa_seg_dict *d, const char *path, loa_err *err);
size_t loa_seg_dict_count(const loa_seg_dict *d);

/* ---- models ------------------------------------------------------------- */

typedef struct loa_seg_model loa_seg_model;

int loa_seg_model_load(loa_seg_model **out, const char *path, loa_err *err);
int loa_seg_model_load_mem(loa_seg_model **out, const void *data, size_t n, loa_err *err);
/* Writes the model atomically (temporary file + rename). */
int loa_seg_model_save(const loa_seg_model *m, const char *path, loa_err *err);
/* Serialises into out (appends). */
int loa_seg_model_write(const loa_seg_model *m, loa_buf *out);
void loa_seg_model_free(loa_seg_model *m);
/* The model's dictionary (owned by the model). */
const loa_seg_dict *loa_seg_model_dict(const loa_seg_model *m);
/* The training note stored in the model (owned by the model, never NULL). */
const char *loa_seg_model_note(const loa_seg_model *m);

/* ---- training ----------------------------------------------------------- */

typedef struct loa_seg_train_opts {
	unsigned epochs;   /* default 10 */
	unsigned bits;     /* weight table of 2^bits entries, 16..24; default 20 */
	uint64_t seed;     /* shuffling; default 1 */
	const char *note;  /* stored in the model (e.g. data and settings) */
	/* progress: called after each sentence with (done, total) updates */
	void (*progress)(void *user, uint64_t done, uint64_t total);
	void *progress_user;
	/* called after each epoch; may evaluate a snapshot (may be NULL) */
	void (*epoch_end)(void *user, unsigned epoch, const loa_seg_model *snapshot);
	void *epoch_user;
} loa_seg_train_opts;

typedef struct loa_seg_trainer loa_seg_trainer;

/* dict: the trainer takes ownership (may be NULL: no dictionary). */
int loa_seg_trainer_new(loa_seg_trainer **out, const loa_seg_train_opts *o, loa_seg_dict *dict,
			loa_err *err);
void loa_seg_trainer_free(loa_seg_trainer *t);
/* Adds one gold sentence (SPEC §4 line). Empty lines are skipped. */
int loa_seg_trainer_add(loa_seg_trainer *t, const char *line, size_t n, loa_err *err);
size_t loa_seg_trainer_sentences(const loa_seg_trainer *t);
size_t loa_seg_trainer_units(const loa_seg_trainer *t);
/* Trains and returns a new model (caller frees). */
int loa_seg_trainer_run(loa_seg_trainer *t, loa_seg_model **out, loa_err *err);

/* ---- segmenting --------------------------------------------------------- */

typedef struct loa_segmenter loa_segmenter;

/* model may be NULL with a dict for the longest-matching baseline only.
 * Neither is owned; both must outlive the segmenter. */
loa_segmenter *loa_segmenter_new(const loa_seg_model *model, const loa_seg_dict *dict);
void loa_segmenter_free(loa_segmenter *s);

/* Tags n units with the model: begins[i] = 1 when unit i starts a word
 * (begins[0] is always 1). Any n (processed in windows of LOA_SEG_WINDOW). */
int loa_segmenter_tag(loa_segmenter *s, const loa_seg_unit *u, size_t n, uint8_t *begins);
/* The longest-matching baseline with the dictionary (the model's when the
 * segmenter was made with a model and no dict). */
int loa_segmenter_longest(loa_segmenter *s, const loa_seg_unit *u, size_t n, uint8_t *begins);

/* Streaming: segments raw text fed in chunks (one logical line or
 * paragraph), appending "w1_w2 w3 , w4" to out as it goes; memory is
 * bounded by LOA_SEG_WINDOW units whatever the length. Tokens come from
 * loa_tokstream; punctuation, URLs, e-mails, hashtags, mentions and emoji
 * are words by themselves. Invalid UTF-8 is passed through as the
 * tokenizer yields it. Call loa_segmenter_finish() at the end of each
 * line; out must not be changed by the caller between feed and finish
 * except by consuming (out may be flushed by loa_buf_consume). */
int loa_segmenter_feed(loa_segmenter *s, const char *text, size_t n, loa_buf *out);
int loa_segmenter_finish(loa_segmenter *s, loa_buf *out);
/* feed + finish of one text. */
int loa_segment_text(loa_segmenter *s, const char *text, size_t n, loa_buf *out);

#endif
