/*
 * classify.h - one trainable text classifier for several tasks (tone of
 * news, toxicity of comments, topic, emotion): SPEC M4.
 *
 * Learner: one-vs-rest linear SVM (L2-regularised squared hinge loss,
 * dual coordinate descent as in liblinear), with balanced class weights,
 * over sparse TF-IDF features from the text room (docs/rooms/analyze.md):
 *   W  word unigrams and bigrams of the normalised tokens (LOA_NORM_MATCH)
 *   C  character 2–5-grams of the normalised, lower-cased text
 *   F  word unigrams and bigrams of the folded text (no diacritics), so
 *      comments written without diacritics meet the same n-grams
 *   L  a length bin (log2 of the number of tokens)
 *   N  optional (opts.neg_scope): after a negation word (không, chưa,
 *      chẳng…; ko, k…) each following word, up to neg_scope words, a
 *      punctuation mark or nhưng/mà, also gives a negated unigram (W and
 *      F blocks)
 * Each class has two SVMs: one on these features and one on the same
 * features scaled by the class's NB log-count ratios (NBSVM, Wang & Manning
 * 2012). A second layer (stacking: softmax regression fitted on the two
 * views' out-of-fold scores of all classes) combines the 2K scores into K;
 * everything is linear in the same features, so the combined weights go
 * into one table and prediction costs the same (without stacking, the two
 * views are averaged). Bagging (the final model averaged with the fold
 * models) is an option; nested cross-validation (opts.nested) measures the
 * single, bagged and stacked recipes on held-out outer folds.
 * Each block is TF-IDF (1 + ln tf, smoothed idf) and L2-normalised, the
 * blocks are weighted and the whole vector L2-normalised again. Features
 * seen in fewer than min_df training texts are dropped.
 *
 * Calibration: k-fold cross-validation on the training set gives
 * out-of-fold scores; optional per-class offsets are tuned on them for
 * macro-F1, then one temperature T is fitted by maximum likelihood, and a
 * prediction's probabilities are softmax((score + offset) / T). The label
 * is the arg max, so it always carries the largest probability.
 *
 * Model file (little endian, every section 8-byte aligned; read in one
 * read(), pointers then point into that buffer):
 *   "LOACLSM\x1a", u32 version (LOA_CLS_MODEL_VERSION), u32 header bytes,
 *   the header (classes, table bits, feature settings, weight scale,
 *   temperature; from version 2 the negation scope and a reserved 0: 80
 *   bytes, 72 in version 1 files, which are still read), the labels, the training note, f32 offsets[K],
 *   f32 length weights[LOA_CLS_LEN_BINS][K], an open-addressing table of
 *   S = 2^bits records {u32 feature fingerprint (0 = empty), u16 idf x 4096,
 *   i16 weights[K] x weight scale} padded to 4 bytes, and a 64-bit checksum
 *   of everything before it. A file that is not a model, is truncated or
 *   corrupt gives LOA_EPARSE; another version LOA_EVERSION. At load a bitmap
 *   of the fingerprints (about 8 bits per feature) is built; the classifier
 *   uses it to drop unknown n-grams before any table lookup.
 *
 * Ownership: a loa_cls_model is immutable after load or training and may
 * be shared by any number of loa_classifier objects (one per thread); it
 * must outlive them. A loa_classifier owns its scratch memory and is not
 * thread-safe. A loa_cls_trainer copies the texts it is given. Nothing
 * here keeps pointers to the caller's text after a call returns.
 */
#ifndef LOA_ANALYZE_CLASSIFY_H
#define LOA_ANALYZE_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"

#define LOA_CLS_MODEL_VERSION 3u /* versions 1 (no negation scope) and 2 (no dense view) are still read */
#define LOA_CLS_MODEL_MAX ((size_t)512 << 20) /* cap on a model file */
#define LOA_CLS_TEXT_MAX ((size_t)32 << 10)   /* bytes of a text used; the rest is ignored */
#define LOA_CLS_MAX_CLASSES 64u
#define LOA_CLS_LABEL_MAX 63u /* bytes of a label */
#define LOA_CLS_NOTE_MAX 4096u
#define LOA_CLS_LEN_BINS 32u
#define LOA_CLS_NEG_SCOPE_MAX 16u /* cap on loa_cls_opts.neg_scope */
#define LOA_CLS_MAX_TEXTS ((size_t)20 << 20) /* cap on training texts */
/* Stacking needs this many training texts: below it the second layer is fitted
 * on fold models too weak to trust (nested CV on subsets of the six sets'
 * train splits: it lost on average at 300-600 texts, gained from 1,000). */
#define LOA_CLS_STACK_MIN_TEXTS 1000u

/* ---- models ------------------------------------------------------------- */

typedef struct loa_cls_model loa_cls_model;

int loa_cls_model_load(loa_cls_model **out, const char *path, loa_err *err);
/* Copies data. */
int loa_cls_model_load_mem(loa_cls_model **out, const void *data, size_t n, loa_err *err);
/* Writes the model atomically (temporary file + rename). */
int loa_cls_model_save(const loa_cls_model *m, const char *path, loa_err *err);
/* Serialises into out (appends). */
int loa_cls_model_write(const loa_cls_model *m, loa_buf *out);
void loa_cls_model_free(loa_cls_model *m);

unsigned loa_cls_model_classes(const loa_cls_model *m);
/* Label of class i (owned by the model), NULL when i is out of range. */
const char *loa_cls_model_label(const loa_cls_model *m, unsigned i);
/* Class index of a label, -1 when the model has no such label. */
int loa_cls_model_find(const loa_cls_model *m, const char *label, size_t n);
/* The training note (owned by the model, never NULL). */
const char *loa_cls_model_note(const loa_cls_model *m);
/* Number of features kept in the model. */
size_t loa_cls_model_features(const loa_cls_model *m);
/* Dimension of the dense view's word vectors, 0 when the model has none. */
unsigned loa_cls_model_dense_dim(const loa_cls_model *m);

/* ---- prediction --------------------------------------------------------- */

typedef struct loa_cls_result {
	unsigned label;     /* class index: loa_cls_model_label(m, label) */
	double prob;        /* calibrated probability of that label */
	const double *probs; /* all K probabilities (sum 1), owned by the classifier,
				valid until its next call */
	size_t features;    /* known features found (0: empty or unknown text,
			       the label is then the model's prior choice) */
	bool truncated;     /* the text was longer than LOA_CLS_TEXT_MAX */
} loa_cls_result;

typedef struct loa_classifier loa_classifier;

/* NULL when out of memory. The model is not owned. */
loa_classifier *loa_classifier_new(const loa_cls_model *m);
void loa_classifier_free(loa_classifier *c);
/* Classifies s[0..n) (any bytes; invalid UTF-8 is repaired; only the first
 * LOA_CLS_TEXT_MAX bytes are used). Empty text is allowed. Returns LOA_OK,
 * LOA_EINVAL or LOA_ENOMEM. */
int loa_classify(loa_classifier *c, const char *s, size_t n, loa_cls_result *r);

/* ---- training ----------------------------------------------------------- */

typedef struct loa_cls_opts {
	double c;              /* SVM cost; default 0.3 */
	unsigned max_iter;     /* coordinate-descent passes, default 60 */
	unsigned min_df;       /* default 2 */
	unsigned folds;        /* calibration folds, default 5; 0 or 1: no calibration (T = 1) */
	bool balanced;         /* class weights n / (K n_c); default true */
	bool tune_c;           /* choose c from {0.1, 0.3, 1} by cross-validated macro-F1 */
	bool tune_offsets;     /* tune per-class offsets for macro-F1 on the folds; default true */
	bool nb;               /* add the NB-scaled view (NBSVM) to each class's model; default true */
	bool stack;            /* combine the two views by a second layer fitted on their
				  out-of-fold scores instead of averaging them (needs nb,
				  folds >= 2 and LOA_CLS_STACK_MIN_TEXTS texts); default true */
	bool bag;              /* average the final model with the cross-validation fold models
				  (ignored when stacking); default false */
	unsigned nested;       /* >= 2: also measure the recipe by nested cross-validation with
				  this many outer folds (loa_cls_cv.nested_*); 0 = no */
	unsigned max_features; /* keep the most frequent; 0 = all; default 196000 */
	unsigned word_max;     /* word n-grams 1..word_max (1–3), default 2 */
	unsigned char_min, char_max; /* default 2, 5 (0 = no C block) */
	unsigned fold_min, fold_max; /* folded char n-grams, default 0, 0 (none) */
	unsigned fold_words;   /* folded word n-grams 1..fold_words (0–2), default 2 */
	float w_word, w_char, w_fold; /* block weights, default 1, 1, 1 */
	float len_value;       /* value of the length-bin feature, default 0.5 (0 = none) */
	unsigned neg_scope;    /* negation scope: after không, chưa, chẳng… (and ko, k…) up to
				  neg_scope words, ended early by punctuation or nhưng/mà,
				  also give negated unigrams (W and F blocks); 0 = none, at
				  most LOA_CLS_NEG_SCOPE_MAX; default 0 (16 helps
				  UIT-VSFC, see docs/rooms/analyze.md) */
	/* the dense view: word vectors (embed.h; not owned, must outlive the
	   trainer's run, copied into the model). When set and stacking is on,
	   each text's vectors pooled (mean and maximum, fx_dense) feed a third
	   SVM whose scores are a third stacked view; NULL = none (default) */
	const struct loa_embed *embed;
	double dense_c;        /* the dense view's SVM cost; default 1 */
	uint64_t seed;         /* default 1 */
	const char *note;      /* stored in the model */
	/* progress: (done, total) over all passes of training */
	void (*progress)(void *user, uint64_t done, uint64_t total);
	void *progress_user;
} loa_cls_opts;

void loa_cls_opts_default(loa_cls_opts *o);

/* What cross-validation measured (when folds >= 2). */
typedef struct loa_cls_cv {
	unsigned folds;
	double accuracy, macro_f1;       /* out-of-fold, before offsets */
	double macro_f1_offsets;         /* out-of-fold, with the offsets kept */
	double temperature;
	double c;                        /* the SVM cost used */
	double nll;                      /* out-of-fold mean negative log-likelihood */
	bool stacked;                    /* the two views were stacked (else averaged) */
	/* nested cross-validation (opts.nested): pooled outer-fold macro-F1 with
	 * the inner folds' offsets, of the model trained on each outer-training
	 * part alone, averaged with its inner fold models, and of the fold models alone */
	unsigned nested_folds;
	double nested_single, nested_bag, nested_fold_models, nested_stack;
} loa_cls_cv;

typedef struct loa_cls_trainer loa_cls_trainer;

int loa_cls_trainer_new(loa_cls_trainer **out, const loa_cls_opts *o, loa_err *err);
void loa_cls_trainer_free(loa_cls_trainer *t);
/* Adds one labelled text (label: 1..LOA_CLS_LABEL_MAX bytes, no control
 * characters; at most LOA_CLS_MAX_CLASSES labels). */
int loa_cls_trainer_add(loa_cls_trainer *t, const char *label, size_t ln, const char *text,
			size_t tn, loa_err *err);
size_t loa_cls_trainer_count(const loa_cls_trainer *t);
/* Trains and returns a new model (caller frees); cv may be NULL. Needs at
 * least two labels. */
int loa_cls_trainer_run(loa_cls_trainer *t, loa_cls_model **out, loa_cls_cv *cv, loa_err *err);

/* ---- the TSV format (SPEC §4) ------------------------------------------- */

/* Splits "label<TAB>text" (a trailing CR is dropped). LOA_EPARSE when there
 * is no tab, the label is empty or longer than LOA_CLS_LABEL_MAX or holds
 * control characters. */
int loa_cls_parse_line(const char *line, size_t n, loa_str *label, loa_str *text);

/* ---- evaluation helpers ------------------------------------------------- */

/* Per-class and overall figures from a confusion matrix conf[gold*K+pred]. */
typedef struct loa_cls_prf {
	double precision, recall, f1;
	uint64_t support;
} loa_cls_prf;

/* Fills prf[K] (may be NULL) and returns macro-F1; *accuracy may be NULL. */
double loa_cls_scores(const uint64_t *conf, unsigned k, loa_cls_prf *prf, double *accuracy);

#endif
