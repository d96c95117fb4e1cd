/*
 * embed_train.c - learning word vectors (embed.h): skip-gram with negative
 * sampling as in word2vec.c (Mikolov et al. 2013).
 *
 * add() normalises a text (LOA_NORM_MATCH), tokenises it and keeps the key
 * of every token except punctuation (symbols such as "^", "=", "<" are kept:
 * in comments they are what is left of emoticons), interned as a dense id.
 * run() keeps the ids seen at least min_count times (the max_vocab most
 * frequent), rewrites the corpus with the kept ids, and trains: for each
 * position a window of 1..window tokens either side, the context token's
 * input vector predicts the centre token against `negative` tokens drawn
 * from the unigram^0.75 table; frequent tokens are sub-sampled; the learning
 * rate decays linearly to lr*1e-4. Threads share the vectors without locks
 * (Hogwild), each on its own range of texts with its own random numbers;
 * with one thread a run is deterministic. Vector rows are padded to a
 * multiple of 8 floats (the padding stays 0), so the inner loops work on
 * whole 8-float vectors.
 */
#include "analyze/embed.h"
#include "analyze/hash_int.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/banned.h"

#define TOKENS_MAX ((size_t)1 << 31) /* tokens in all texts */
#define KEYS_MAX ((size_t)1 << 26)   /* distinct tokens before min_count */
#define THREADS_MAX 256u
#define LANES 8u
#define SIG_SIZE 1024
#define SIG_MAX 6.0f
#define LR_STEP 10000u /* tokens between learning-rate updates */

typedef float v8f __attribute__((vector_size(LANES * sizeof(float))));

struct loa_embed_trainer {
	loa_embed_opts o;
	char *note;
	/* key -> id: open addressing, slot holds id + 1 (0 = empty) */
	uint32_t *slots;
	size_t mask;
	uint64_t *keys;   /* id -> key */
	uint64_t *counts; /* id -> times seen */
	size_t nkeys, kcap;
	/* the corpus: ids of every text, texts one after another */
	uint32_t *seq;
	size_t nseq, scap;
	uint32_t *ends; /* end of each text with at least one token, in seq */
	size_t nends, ecap;
	size_t ntexts;
	loa_buf norm;
};

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A number in [0, n) from the high 32 bits of r. */
static inline uint32_t below(uint64_t r, uint32_t n)
{
	return (uint32_t)(((r >> 32) * (uint64_t)n) >> 32);
}

void loa_embed_opts_default(loa_embed_opts *o)
{
	memset(o, 0, sizeof *o);
	o->dim = 64;
	o->window = 5;
	o->negative = 5;
	o->min_count = 5;
	o->epochs = 3;
	o->threads = 2;
	o->lr = 0.05;
	o->sample = 1e-4;
	o->max_vocab = 200000;
	o->seed = 1;
}

/* Grows *p (of *cap elements of size sz) to hold at least need. */
static int grow(void **p, size_t *cap, size_t need, size_t sz)
{
	if (need <= *cap)
		return LOA_OK;
	size_t c = *cap ? *cap : 1024;
	while (c < need) {
		if (c > SIZE_MAX / 2 / sz)
			return LOA_ENOMEM;
		c *= 2;
	}
	void *q = realloc(*p, c * sz);
	if (!q)
		return LOA_ENOMEM;
	*p = q;
	*cap = c;
	return LOA_OK;
}

int loa_embed_trainer_new(loa_embed_trainer **out, const loa_embed_opts *o, loa_err *err)
{
	if (!out)
		return loa_err_set(err, LOA_EINVAL, "tham số không hợp lệ / invalid argument");
	*out = NULL;
	loa_embed_opts d;
	if (!o) {
		loa_embed_opts_default(&d);
		o = &d;
	}
	if (o->dim == 0 || o->dim > LOA_EMBED_MAX_DIM)
		return loa_err_set(err, LOA_EINVAL,
				   "số chiều phải từ 1 đến %u / dim must be 1..%u (got %u)",
				   LOA_EMBED_MAX_DIM, LOA_EMBED_MAX_DIM, o->dim);
	if (o->window == 0 || o->window > 100)
		return loa_err_set(err, LOA_EINVAL, "cửa sổ phải từ 1 đến 100 / window must be 1..100");
	if (o->negative == 0 || o->negative > 100)
		return loa_err_set(err, LOA_EINVAL,
				   "số mẫu âm phải từ 1 đến 100 / negative must be 1..100");
	if (o->epochs == 0 || o->epochs > 1000)
		return loa_err_set(err, LOA_EINVAL, "số vòng phải từ 1 đến 1000 / epochs must be 1..1000");
	if (o->threads == 0 || o->threads > THREADS_MAX)
		return loa_err_set(err, LOA_EINVAL, "số luồng phải từ 1 đến %u / threads must be 1..%u",
				   THREADS_MAX, THREADS_MAX);
	if (!(o->lr > 0 && o->lr <= 1))
		return loa_err_set(err, LOA_EINVAL,
				   "tốc độ học phải trong (0, 1] / learning rate must be in (0, 1]");
	if (!(o->sample >= 0 && o->sample < 1))
		return loa_err_set(err, LOA_EINVAL,
				   "ngưỡng lấy mẫu phải trong [0, 1) / sample must be in [0, 1)");
	if (o->max_vocab == 0 || o->max_vocab > LOA_EMBED_MAX_COUNT)
		return loa_err_set(err, LOA_EINVAL,
				   "số từ tối đa phải từ 1 đến %zu / max_vocab must be 1..%zu",
				   LOA_EMBED_MAX_COUNT, LOA_EMBED_MAX_COUNT);
	loa_embed_trainer *t = calloc(1, sizeof *t);
	if (!t)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	t->o = *o;
	if (t->o.min_count == 0)
		t->o.min_count = 1;
	if (o->note) {
		/* at most LOA_EMBED_NOTE_MAX - 1 bytes, cut at a UTF-8 boundary */
		size_t n = strnlen(o->note, LOA_EMBED_NOTE_MAX);
		if (n >= LOA_EMBED_NOTE_MAX) {
			n = LOA_EMBED_NOTE_MAX - 1;
			while (n && ((unsigned char)o->note[n] & 0xc0) == 0x80)
				n--;
		}
		t->note = malloc(n + 1);
		if (!t->note) {
			free(t);
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		}
		memcpy(t->note, o->note, n);
		t->note[n] = '\0';
	}
	t->o.note = NULL;
	loa_buf_init(&t->norm, 1 << 16);
	*out = t;
	return LOA_OK;
}

void loa_embed_trainer_free(loa_embed_trainer *t)
{
	if (!t)
		return;
	free(t->note);
	free(t->slots);
	free(t->keys);
	free(t->counts);
	free(t->seq);
	free(t->ends);
	loa_buf_release(&t->norm);
	free(t);
}

size_t loa_embed_trainer_texts(const loa_embed_trainer *t)
{
	return t ? t->ntexts : 0;
}

size_t loa_embed_trainer_tokens(const loa_embed_trainer *t)
{
	return t ? t->nseq : 0;
}

static int rehash(loa_embed_trainer *t, size_t cap)
{
	uint32_t *s = calloc(cap, sizeof *s);
	if (!s)
		return LOA_ENOMEM;
	for (size_t id = 0; id < t->nkeys; id++) {
		size_t j = (size_t)loa__fmix64(t->keys[id]) & (cap - 1);
		while (s[j])
			j = (j + 1) & (cap - 1);
		s[j] = (uint32_t)(id + 1);
	}
	free(t->slots);
	t->slots = s;
	t->mask = cap - 1;
	return LOA_OK;
}

static int intern(loa_embed_trainer *t, uint64_t key, uint32_t *id)
{
	if (!t->slots || (t->nkeys + 1) * 2 > t->mask + 1) {
		int rc = rehash(t, t->slots ? (t->mask + 1) * 2 : 4096);
		if (rc)
			return rc;
	}
	size_t j = (size_t)loa__fmix64(key) & t->mask;
	for (uint32_t s; (s = t->slots[j]) != 0; j = (j + 1) & t->mask) {
		if (t->keys[s - 1] == key) {
			*id = s - 1;
			t->counts[s - 1]++;
			return LOA_OK;
		}
	}
	if (t->nkeys >= KEYS_MAX)
		return LOA_ETOOBIG;
	size_t kc = t->kcap;
	if (grow((void **)&t->keys, &kc, t->nkeys + 1, sizeof *t->keys))
		return LOA_ENOMEM;
	kc = t->kcap;
	if (grow((void **)&t->counts, &kc, t->nkeys + 1, sizeof *t->counts))
		return LOA_ENOMEM;
	t->kcap = kc;
	t->keys[t->nkeys] = key;
	t->counts[t->nkeys] = 1;
	t->slots[j] = (uint32_t)(t->nkeys + 1);
	*id = (uint32_t)t->nkeys++;
	return LOA_OK;
}

typedef struct add_ctx {
	loa_embed_trainer *t;
	int rc;
} add_ctx;

static int on_token(void *user, const loa_token *tok, const char *text)
{
	add_ctx *a = user;
	loa_embed_trainer *t = a->t;
	if (tok->type == LOA_TOK_PUNCT)
		return 0;
	uint64_t key = loa_embed_token_key(tok, text);
	if (key == 0)
		return 0;
	if (t->nseq >= TOKENS_MAX) {
		a->rc = LOA_ETOOBIG;
		return 1;
	}
	if (t->nseq >= t->scap && grow((void **)&t->seq, &t->scap, t->nseq + 1, sizeof *t->seq)) {
		a->rc = LOA_ENOMEM;
		return 1;
	}
	uint32_t id;
	int rc = intern(t, key, &id);
	if (rc) {
		a->rc = rc;
		return 1;
	}
	t->seq[t->nseq++] = id;
	return 0;
}

int loa_embed_trainer_add(loa_embed_trainer *t, const char *text, size_t n)
{
	if (!t || (!text && n))
		return LOA_EINVAL;
	if (n > (SIZE_MAX - 64) / 3)
		return LOA_ETOOBIG;
	size_t start = t->nseq;
	if (n) {
		loa_buf_reset(&t->norm);
		if (t->norm.max < 3 * n + 64)
			t->norm.max = 3 * n + 64;
		int rc = loa_text_normalize(text, n, LOA_NORM_MATCH, &t->norm);
		if (rc)
			return rc;
		add_ctx a = {t, LOA_OK};
		if (t->norm.len)
			loa_text_tokenize(t->norm.data, t->norm.len, on_token, &a);
		if (a.rc == LOA_OK && t->nseq > start && t->nends >= t->ecap)
			a.rc = grow((void **)&t->ends, &t->ecap, t->nends + 1, sizeof *t->ends);
		if (a.rc) {
			/* drop the text's tokens: the corpus stays as it was */
			for (size_t i = start; i < t->nseq; i++)
				t->counts[t->seq[i]]--;
			t->nseq = start;
			return a.rc;
		}
		/* keep the normaliser's buffer small between long texts */
		if (t->norm.cap > ((size_t)1 << 22)) {
			loa_buf_release(&t->norm);
			loa_buf_init(&t->norm, 1 << 16);
		}
	}
	if (t->nseq > start)
		t->ends[t->nends++] = (uint32_t)t->nseq;
	t->ntexts++;
	return LOA_OK;
}

/* ---- run ------------------------------------------------------------------- */

typedef struct vocab_row {
	uint64_t count, key;
	uint32_t id;
} vocab_row;

static int by_count(const void *a, const void *b)
{
	const vocab_row *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

typedef struct shared {
	unsigned dim, stride, window, negative, epochs;
	float *syn0, *syn1; /* [vocab][stride], 32-byte aligned */
	const uint32_t *table;
	uint32_t table_size;
	const uint64_t *keep; /* keep a token when rng>>32 < keep[id] */
	const uint32_t *seq;  /* kept ids, texts one after another */
	const uint32_t *starts; /* texts: [starts[i], starts[i+1]) */
	float sig[SIG_SIZE + 1];
	double lr;
	uint64_t total; /* epochs * tokens */
	_Atomic uint64_t done;
	_Atomic unsigned finished;
} shared;

typedef struct worker {
	shared *s;
	size_t lo, hi; /* texts */
	uint64_t rng;
	uint32_t *sen; /* the sub-sampled text */
	float *neu1e;  /* [stride], aligned */
	pthread_t th;
	bool started;
} worker;

static inline float dot8(const float *a, const float *b, unsigned stride)
{
	v8f acc = {0};
	for (unsigned i = 0; i < stride; i += LANES)
		acc += *(const v8f *)(a + i) * *(const v8f *)(b + i);
	return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

/* y += g * x */
static inline void axpy8(float *y, float g, const float *x, unsigned stride)
{
	v8f gv = {g, g, g, g, g, g, g, g};
	for (unsigned i = 0; i < stride; i += LANES)
		*(v8f *)(y + i) += gv * *(const v8f *)(x + i);
}

static double cur_lr(const shared *s, uint64_t done)
{
	double f = 1.0 - (double)done / ((double)s->total + 1.0);
	return s->lr * (f > 1e-4 ? f : 1e-4);
}

static void *work(void *arg)
{
	worker *w = arg;
	shared *s = w->s;
	const unsigned stride = s->stride, window = s->window, negative = s->negative;
	uint64_t rng = w->rng, local = 0;
	float alpha = (float)cur_lr(s, atomic_load(&s->done));
	const float sig_scale = (float)SIG_SIZE / (2 * SIG_MAX);
	for (unsigned ep = 0; ep < s->epochs; ep++) {
		for (size_t ti = w->lo; ti < w->hi; ti++) {
			const uint32_t *tx = s->seq + s->starts[ti];
			size_t tn = s->starts[ti + 1] - s->starts[ti], n = 0;
			for (size_t i = 0; i < tn; i++) {
				uint32_t id = tx[i];
				if ((splitmix(&rng) >> 32) < s->keep[id])
					w->sen[n++] = id;
			}
			for (size_t i = 0; i < n; i++) {
				uint32_t word = w->sen[i];
				unsigned span = window - below(splitmix(&rng), window);
				size_t c0 = i > span ? i - span : 0, c1 = i + span < n ? i + span : n - 1;
				for (size_t c = c0; c <= c1; c++) {
					if (c == i)
						continue;
					float *v = s->syn0 + (size_t)w->sen[c] * stride;
					memset(w->neu1e, 0, stride * sizeof(float));
					for (unsigned d = 0; d <= negative; d++) {
						uint32_t target;
						float label;
						if (d == 0) {
							target = word;
							label = 1;
						} else {
							target = s->table[below(splitmix(&rng), s->table_size)];
							if (target == word)
								continue;
							label = 0;
						}
						float *u = s->syn1 + (size_t)target * stride;
						float f = dot8(v, u, stride), g;
						if (f > SIG_MAX)
							g = (label - 1) * alpha;
						else if (f < -SIG_MAX)
							g = label * alpha;
						else
							g = (label - s->sig[(int)((f + SIG_MAX) * sig_scale)]) * alpha;
						axpy8(w->neu1e, g, u, stride);
						axpy8(u, g, v, stride);
					}
					axpy8(v, 1.0f, w->neu1e, stride);
				}
			}
			local += tn;
			if (local >= LR_STEP) {
				uint64_t done = atomic_fetch_add(&s->done, local) + local;
				local = 0;
				alpha = (float)cur_lr(s, done);
			}
		}
	}
	atomic_fetch_add(&s->done, local);
	atomic_fetch_add(&s->finished, 1);
	return NULL;
}

static void *alloc_aligned(size_t n)
{
	n = (n + 63) & ~(size_t)63;
	return aligned_alloc(64, n ? n : 64);
}

typedef struct run_mem {
	vocab_row *rows;
	uint32_t *remap, *seq, *starts, *table;
	uint64_t *keep, *keys;
	float *syn0, *syn1, *vecs;
	worker *w;
	shared *s;
} run_mem;

static void run_mem_free(run_mem *m, unsigned nthreads)
{
	free(m->rows);
	free(m->remap);
	free(m->seq);
	free(m->starts);
	free(m->table);
	free(m->keep);
	free(m->keys);
	free(m->syn0);
	free(m->syn1);
	free(m->vecs);
	if (m->w)
		for (unsigned i = 0; i < nthreads; i++) {
			free(m->w[i].sen);
			free(m->w[i].neu1e);
		}
	free(m->w);
	free(m->s);
}

static int oom(run_mem *m, unsigned nthreads, loa_err *err)
{
	run_mem_free(m, nthreads);
	return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
}

/* The noise table: each token ceil(table_size * c^0.75 / sum) times. */
static int make_table(run_mem *m, shared *s, const vocab_row *rows, size_t vocab)
{
	size_t size = vocab * 100;
	if (size < ((size_t)1 << 20))
		size = (size_t)1 << 20;
	if (size > ((size_t)1 << 25))
		size = (size_t)1 << 25;
	double z = 0;
	for (size_t i = 0; i < vocab; i++)
		z += pow((double)rows[i].count, 0.75);
	size_t total = 0;
	for (size_t i = 0; i < vocab; i++)
		total += (size_t)ceil(pow((double)rows[i].count, 0.75) / z * (double)size);
	if (total > UINT32_MAX)
		return LOA_ENOMEM;
	m->table = malloc(total * sizeof *m->table);
	if (!m->table)
		return LOA_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < vocab; i++) {
		size_t c = (size_t)ceil(pow((double)rows[i].count, 0.75) / z * (double)size);
		for (size_t j = 0; j < c && k < total; j++)
			m->table[k++] = (uint32_t)i;
	}
	s->table = m->table;
	s->table_size = (uint32_t)k;
	return LOA_OK;
}

int loa_embed_trainer_run(loa_embed_trainer *t, loa_embed **out, loa_err *err)
{
	if (!t || !out)
		return loa_err_set(err, LOA_EINVAL, "tham số không hợp lệ / invalid argument");
	*out = NULL;
	const loa_embed_opts *o = &t->o;
	if (t->nseq == 0)
		return loa_err_set(err, LOA_EINVAL,
				   "không có token nào để học / no tokens to train on (%zu texts)",
				   t->ntexts);
	run_mem m = {0};
	unsigned nth = o->threads;

	/* the vocabulary: count >= min_count, the max_vocab most frequent */
	m.rows = malloc(t->nkeys * sizeof *m.rows);
	m.remap = malloc(t->nkeys * sizeof *m.remap);
	if (!m.rows || !m.remap)
		return oom(&m, nth, err);
	size_t vocab = 0;
	uint64_t top = 0;
	for (size_t id = 0; id < t->nkeys; id++) {
		m.remap[id] = UINT32_MAX;
		if (t->counts[id] > top)
			top = t->counts[id];
		if (t->counts[id] >= o->min_count)
			m.rows[vocab++] = (vocab_row){t->counts[id], t->keys[id], (uint32_t)id};
	}
	if (vocab == 0) {
		run_mem_free(&m, nth);
		return loa_err_set(err, LOA_EINVAL,
				   "không còn từ nào sau min_count=%u (từ nhiều nhất gặp %llu lần) / "
				   "vocabulary empty after min_count=%u (the most frequent token was seen "
				   "%llu times)",
				   o->min_count, (unsigned long long)top, o->min_count,
				   (unsigned long long)top);
	}
	qsort(m.rows, vocab, sizeof *m.rows, by_count);
	if (vocab > o->max_vocab)
		vocab = o->max_vocab;
	for (size_t i = 0; i < vocab; i++)
		m.remap[m.rows[i].id] = (uint32_t)i;

	/* the corpus in kept ids; texts with fewer than 2 kept tokens have no pairs */
	m.seq = malloc((t->nseq ? t->nseq : 1) * sizeof *m.seq);
	m.starts = malloc((t->nends + 1) * sizeof *m.starts);
	if (!m.seq || !m.starts)
		return oom(&m, nth, err);
	size_t n = 0, ntx = 0, prev = 0, longest = 0;
	uint64_t kept_total = 0;
	m.starts[0] = 0;
	for (size_t e = 0; e < t->nends; e++) {
		size_t begin = n;
		for (size_t i = prev; i < t->ends[e]; i++) {
			uint32_t r = m.remap[t->seq[i]];
			if (r != UINT32_MAX)
				m.seq[n++] = r;
		}
		prev = t->ends[e];
		kept_total += n - begin;
		if (n - begin < 2) {
			n = begin;
			continue;
		}
		if (n - begin > longest)
			longest = n - begin;
		m.starts[++ntx] = (uint32_t)n;
	}

	shared *s = m.s = calloc(1, sizeof *m.s);
	if (!s)
		return oom(&m, nth, err);
	s->dim = o->dim;
	s->stride = (o->dim + LANES - 1) / LANES * LANES;
	s->window = o->window;
	s->negative = o->negative;
	s->epochs = o->epochs;
	s->lr = o->lr;
	s->seq = m.seq;
	s->starts = m.starts;
	s->total = (uint64_t)o->epochs * n;
	atomic_init(&s->done, 0);
	atomic_init(&s->finished, 0);
	for (int i = 0; i <= SIG_SIZE; i++) {
		double x = ((double)i / SIG_SIZE * 2 - 1) * SIG_MAX;
		s->sig[i] = (float)(1.0 / (1.0 + exp(-x)));
	}

	/* sub-sampling: keep with p = (sqrt(f / (sample*T)) + 1) * sample*T / f */
	m.keep = malloc(vocab * sizeof *m.keep);
	if (!m.keep)
		return oom(&m, nth, err);
	for (size_t i = 0; i < vocab; i++) {
		double p = 1.0;
		if (o->sample > 0) {
			double st = o->sample * (double)kept_total, f = (double)m.rows[i].count;
			p = (sqrt(f / st) + 1) * st / f;
		}
		m.keep[i] = p >= 1.0 ? (uint64_t)1 << 32 : (uint64_t)(p * 4294967296.0);
	}
	s->keep = m.keep;
	if (make_table(&m, s, m.rows, vocab))
		return oom(&m, nth, err);

	/* vectors: input uniform in (-0.5/dim, 0.5/dim), output 0; padding 0 */
	size_t nfl = vocab * s->stride;
	m.syn0 = alloc_aligned(nfl * sizeof(float));
	m.syn1 = alloc_aligned(nfl * sizeof(float));
	if (!m.syn0 || !m.syn1)
		return oom(&m, nth, err);
	memset(m.syn1, 0, nfl * sizeof(float));
	uint64_t rs = o->seed;
	for (size_t i = 0; i < vocab; i++) {
		float *v = m.syn0 + i * s->stride;
		for (unsigned j = 0; j < s->stride; j++)
			v[j] = j < o->dim ? ((float)(splitmix(&rs) >> 40) / 16777216.0f - 0.5f) /
						    (float)o->dim
					  : 0.0f;
	}
	s->syn0 = m.syn0;
	s->syn1 = m.syn1;

	/* threads: contiguous ranges of texts with about as many tokens each */
	m.w = calloc(nth, sizeof *m.w);
	if (!m.w)
		return oom(&m, nth, err);
	size_t ti = 0;
	for (unsigned k = 0; k < nth; k++) {
		worker *w = &m.w[k];
		w->s = s;
		w->lo = ti;
		uint64_t lim = (uint64_t)n * (k + 1) / nth;
		while (ti < ntx && (k + 1 == nth || m.starts[ti] < lim))
			ti++;
		w->hi = ti;
		uint64_t seed = o->seed + k;
		w->rng = splitmix(&seed);
		w->sen = malloc((longest ? longest : 1) * sizeof *w->sen);
		w->neu1e = alloc_aligned(s->stride * sizeof(float));
		if (!w->sen || !w->neu1e)
			return oom(&m, nth, err);
	}
	int rc = LOA_OK;
	for (unsigned k = 0; k < nth; k++) {
		if (pthread_create(&m.w[k].th, NULL, work, &m.w[k]) != 0) {
			rc = LOA_ENOMEM;
			break;
		}
		m.w[k].started = true;
	}
	if (rc == LOA_OK && o->progress) {
		o->progress(o->progress_user, 0, s->total);
		while (atomic_load(&s->finished) < nth) {
			struct timespec ts = {0, 50 * 1000 * 1000};
			nanosleep(&ts, NULL);
			o->progress(o->progress_user, atomic_load(&s->done), s->total);
		}
	}
	for (unsigned k = 0; k < nth; k++)
		if (m.w[k].started)
			pthread_join(m.w[k].th, NULL);
	if (rc == LOA_OK && o->progress)
		o->progress(o->progress_user, atomic_load(&s->done), s->total);
	if (rc) {
		run_mem_free(&m, nth);
		return loa_err_set(err, rc, "không tạo được luồng / cannot start a thread");
	}

	/* the input vectors, unpadded, with their keys */
	m.keys = malloc(vocab * sizeof *m.keys);
	m.vecs = malloc(vocab * o->dim * sizeof *m.vecs);
	if (!m.keys || !m.vecs)
		return oom(&m, nth, err);
	for (size_t i = 0; i < vocab; i++) {
		m.keys[i] = m.rows[i].key;
		memcpy(m.vecs + i * o->dim, m.syn0 + i * s->stride, o->dim * sizeof(float));
	}
	char note[512];
	if (!t->note)
		snprintf(note, sizeof note,
			 "skipgram dim=%u window=%u negative=%u min_count=%u epochs=%u lr=%g "
			 "sample=%g seed=%llu texts=%zu tokens=%zu vocab=%zu",
			 o->dim, o->window, o->negative, o->min_count, o->epochs, o->lr, o->sample,
			 (unsigned long long)o->seed, t->ntexts, t->nseq, vocab);
	rc = loa_embed_from_arrays(out, o->dim, vocab, m.keys, m.vecs, t->note ? t->note : note,
				   err);
	run_mem_free(&m, nth);
	return rc;
}
