/*
 * fuzz_models.c - libFuzzer harness for the classifier's model file
 * (analyze/classify.h) and the word-vector file (analyze/embed.h), with a
 * tiny model that has a dense view, trained once per process. The first
 * byte picks a path, the rest is the input.
 *   0: the bytes loaded as a classifier model and as word vectors: refused
 *      (LOA_EPARSE, LOA_EVERSION) or, if they load, they must work
 *   1: model surgery: the tiny model's file with edits taken from the input
 *      (pairs of little-endian u16 offset, byte; a last odd byte truncates),
 *      its checksum made right again so that the checks behind it (header
 *      fields, the dense section, the word vectors inside it) are reached
 *   2: the same on the tiny word-vector file
 * Whatever loads must classify a text (a label in range, probabilities that
 * sum to 1) or look a token up without reading out of bounds.
 *
 * Build with -DLOA_FUZZ=ON (clang); the normal build replays the seed
 * corpus in fuzz/corpus/models through replay_main.c.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/classify.h"
#include "analyze/embed.h"
#include "analyze/hash_int.h" /* the files' checksum */
#include "core/buf.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                             \
	do {                                                                                 \
		if (!(c)) {                                                                  \
			fprintf(stderr, "fuzz_models: check failed: %s (line %d)\n", #c, __LINE__); \
			abort();                                                             \
		}                                                                            \
	} while (0)

static loa_buf model_file, embed_file;

static const char *const words[] = {"tốt", "hay", "tuyệt", "vui", "xấu", "tệ", "buồn", "chán",
				    "hôm", "nay", "thầy", "lớp"};

static void drop(void)
{
	loa_buf_release(&model_file);
	loa_buf_release(&embed_file);
}

/* A text of two classes: a filler and a pos or neg word, twice; returns
 * the class (1 pos). */
static unsigned gen_text(uint64_t *r, char *buf, size_t cap)
{
	*r = *r * 6364136223846793005ull + 1442695040888963407ull;
	unsigned pos = (unsigned)(*r >> 40) % 2, a = (unsigned)(*r >> 20) % 4, b = (unsigned)(*r >> 50) % 4;
	snprintf(buf, cap, "%s %s %s %s", words[8 + a], words[pos ? a : 4 + a], words[8 + b],
		 words[pos ? b : 4 + b]);
	return pos;
}

/* Word vectors for the words above (from their own text), and a model with
 * a dense view trained on 1,000 short texts of two classes. */
static void setup(void)
{
	if (model_file.len)
		return;
	loa_err err;
	loa_embed_opts eo;
	loa_embed_opts_default(&eo);
	eo.dim = 4;
	eo.min_count = 1;
	eo.threads = 1;
	eo.epochs = 1;
	static char txt[1000][128]; /* the same texts for both */
	unsigned pos[1000];
	uint64_t r = 5;
	for (int i = 0; i < 1000; i++)
		pos[i] = gen_text(&r, txt[i], sizeof txt[i]);
	loa_embed_trainer *et = NULL;
	CHECK(loa_embed_trainer_new(&et, &eo, &err) == LOA_OK);
	for (int i = 0; i < 1000; i++)
		CHECK(loa_embed_trainer_add(et, txt[i], strlen(txt[i])) == LOA_OK);
	loa_embed *e = NULL;
	CHECK(loa_embed_trainer_run(et, &e, &err) == LOA_OK);
	loa_embed_trainer_free(et);
	loa_cls_opts o;
	loa_cls_opts_default(&o);
	o.embed = e;
	o.min_df = 1;
	o.folds = 2;
	o.char_min = 2;
	o.char_max = 3;
	loa_cls_trainer *t = NULL;
	CHECK(loa_cls_trainer_new(&t, &o, &err) == LOA_OK);
	for (int i = 0; i < 1000; i++)
		CHECK(loa_cls_trainer_add(t, pos[i] ? "pos" : "neg", 3, txt[i], strlen(txt[i]), &err) ==
		      LOA_OK);
	loa_cls_model *m = NULL;
	CHECK(loa_cls_trainer_run(t, &m, NULL, &err) == LOA_OK);
	CHECK(loa_cls_model_dense_dim(m) == 4);
	loa_cls_trainer_free(t);
	loa_buf_init(&model_file, LOA_CLS_MODEL_MAX);
	loa_buf_init(&embed_file, LOA_EMBED_FILE_MAX);
	CHECK(loa_cls_model_write(m, &model_file) == LOA_OK);
	CHECK(loa_embed_write(e, &embed_file) == LOA_OK);
	loa_cls_model_free(m);
	loa_embed_free(e);
	atexit(drop);
}

/* A loaded model must classify. */
static void use_model(const loa_cls_model *m)
{
	loa_classifier *c = loa_classifier_new(m);
	CHECK(c != NULL);
	static const char *texts[] = {"", "hôm nay thầy tốt", "tệ buồn chán xấu lớp", "khong tot lam",
				      "123 http://x.vn 😀"};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		loa_cls_result r;
		CHECK(loa_classify(c, texts[i], strlen(texts[i]), &r) == LOA_OK);
		unsigned k = loa_cls_model_classes(m);
		CHECK(r.label < k);
		double s = 0;
		for (unsigned q = 0; q < k; q++) {
			CHECK(r.probs[q] >= 0 && r.probs[q] <= 1);
			s += r.probs[q];
		}
		CHECK(fabs(s - 1) < 1e-6);
		CHECK(loa_cls_model_label(m, r.label) != NULL);
	}
	loa_classifier_free(c);
}

/* Loaded word vectors must answer lookups within bounds. */
static void use_embed(const loa_embed *e)
{
	unsigned d = loa_embed_dim(e);
	CHECK(d >= 1 && d <= LOA_EMBED_MAX_DIM);
	float v[LOA_EMBED_MAX_DIM];
	for (size_t i = 0; i < loa_embed_count(e) && i < 64; i++) {
		uint64_t k = loa_embed_key(e, i);
		CHECK(loa_embed_find(e, k) == (ptrdiff_t)i);
		float s;
		CHECK(loa_embed_lookup(e, k, &s) != NULL);
		loa_embed_vector(e, i, v);
	}
	CHECK(loa_embed_find(e, 0) == -1);
	CHECK(strlen(loa_embed_note(e)) < LOA_EMBED_NOTE_MAX);
}

static void try_both(const unsigned char *p, size_t n)
{
	loa_err err;
	loa_cls_model *m = NULL;
	int rc = loa_cls_model_load_mem(&m, p, n, &err);
	CHECK(rc == LOA_OK || rc == LOA_EPARSE || rc == LOA_EVERSION || rc == LOA_ETOOBIG);
	if (rc == LOA_OK) {
		use_model(m);
		loa_cls_model_free(m);
	} else {
		CHECK(m == NULL);
	}
	loa_embed *e = NULL;
	rc = loa_embed_load_mem(&e, p, n, &err);
	CHECK(rc == LOA_OK || rc == LOA_EPARSE || rc == LOA_EVERSION || rc == LOA_ETOOBIG);
	if (rc == LOA_OK) {
		use_embed(e);
		loa_embed_free(e);
	} else {
		CHECK(e == NULL);
	}
}


static void surgery(const loa_buf *file, const uint8_t *ed, size_t n)
{
	size_t len = file->len;
	unsigned char *f = malloc(len);
	CHECK(f != NULL);
	memcpy(f, file->data, len);
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		size_t off = (size_t)(ed[i] | (ed[i + 1] << 8));
		/* spread the 16-bit offsets over the whole file */
		off = len > 65536 ? off * (len / 65536) : off % (len - 8);
		if (off < len - 8)
			f[off] = ed[i + 2];
	}
	if (i < n) /* a truncation */
		len = 8 + (len - 8) * ed[i] / 256;
	len &= ~(size_t)7;
	if (len >= 16) {
		uint64_t cs = loa__file_checksum(f, len - 8);
		memcpy(f + len - 8, &cs, 8);
	}
	try_both(f, len);
	free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	setup();
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	switch (data[0] % 3) {
	case 0: try_both(p, n); break;
	case 1: surgery(&model_file, p, n); break;
	default: surgery(&embed_file, p, n); break;
	}
	return 0;
}
