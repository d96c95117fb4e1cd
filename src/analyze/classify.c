/*
 * classify.c - the trainable text classifier (classify.h): feature
 * extraction over the text room's normalisation and tokens, a one-vs-rest
 * linear SVM trained by dual coordinate descent, cross-validated
 * calibration, and the versioned model file.
 */
#include "analyze/classify.h"
#include "analyze/embed.h"
#include "analyze/hash_int.h"

#include "core/paths.h"
#include "core/utf8.h"
#include "core/vec.h"
#include "text/text.h"

#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/banned.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the model format is little endian; add byte swapping for this host"
#endif

#define CLS_MAGIC "LOACLSM\x1a"
#define CLS_HEADER_BYTES 80u
#define CLS_HEADER_BYTES_V1 72u /* version 1: no negation scope */
#define IDF_SCALE 4096.0
#define NBLOCKS 3 /* W, C, F */
enum { BLK_W = 0, BLK_C = 1, BLK_F = 2 };

/* ---- hashing ------------------------------------------------------------ */

#define FNV_PRIME 0x100000001b3ull
static const uint64_t seed_blk[NBLOCKS] = {0x243f6a8885a308d3ull, 0x13198a2e03707344ull,
					   0xa4093822299f31d0ull};

static inline uint64_t fnv_bytes(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= FNV_PRIME;
	}
	return h;
}

static inline uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint32_t key_fp(uint64_t h)
{
	uint32_t fp = (uint32_t)(h >> 32);
	return fp ? fp : 1u;
}

/* ---- feature settings ----------------------------------------------------- */

typedef struct cls_feat {
	uint32_t word_max, char_min, char_max, fold_min, fold_max;
	uint32_t fold_words; /* folded word n-grams 1..fold_words in the F block */
	float w_blk[NBLOCKS];
	float len_value;
	uint32_t neg_scope; /* words marked after a negation word (0 = none) */
} cls_feat;

static double tf_tab[64];

__attribute__((constructor)) static void tf_tab_init(void)
{
	for (int i = 1; i < 64; i++)
		tf_tab[i] = 1.0 + log((double)i);
}

static inline double tf_weight(uint32_t tf)
{
	return tf < 64 ? tf_tab[tf] : 1.0 + log((double)tf);
}

static unsigned len_bin(size_t ntok)
{
	unsigned b = (unsigned)(2.0 * log2(1.0 + (double)ntok));
	return b < LOA_CLS_LEN_BINS ? b : LOA_CLS_LEN_BINS - 1;
}

/* ---- feature extraction ------------------------------------------------- */

typedef struct fx_slot {
	uint64_t h;   /* feature hash, 0 = empty */
	uint32_t idx; /* index into the unique arrays */
} fx_slot;

/* Extracts the distinct features of one text with their counts. */
typedef struct fx {
	cls_feat f;
	loa_buf norm;
	uint32_t *cps;     /* code points of the normalised text, spaces collapsed */
	uint32_t *fcps;    /* the same, folded */
	size_t ncps;
	fx_slot *tab;      /* open addressing over the distinct features */
	size_t tabcap;     /* allocated slots */
	size_t mask;       /* slots used for this text - 1 */
	uint32_t *u_slot;  /* slot of each distinct feature (to clear the table) */
	const uint64_t *filter; /* when predicting: bitmap of the model's fingerprints */
	uint32_t filter_mask;
	const unsigned char *pf_recs; /* when predicting: the model's records, prefetched */
	size_t pf_mask, pf_stride;
	uint64_t *u_hash;
	uint32_t *u_count;
	uint8_t *u_block;
	size_t nu, ucap;
	size_t ntok;
	bool truncated;
	int rc;
	/* word n-gram history (plain and folded) */
	uint64_t prev1, prev2, fprev1;
	unsigned nprev;
	unsigned neg_left; /* words still in the current negation scope */
	/* the dense view (when emb is set): pooled vectors of the tokens */
	const loa_embed *emb;
	float *emax, *esum; /* [dim] */
	size_t ehit;        /* tokens with a vector */
} fx;

static void fx_init(fx *x, const cls_feat *f)
{
	memset(x, 0, sizeof *x);
	x->f = *f;
	loa_buf_init(&x->norm, 4 * LOA_CLS_TEXT_MAX + 64);
}

static void fx_release(fx *x)
{
	loa_buf_release(&x->norm);
	free(x->cps);
	free(x->fcps);
	free(x->tab);
	free(x->u_slot);
	free(x->u_hash);
	free(x->u_count);
	free(x->u_block);
	free(x->emax);
	free(x->esum);
	memset(x, 0, sizeof *x);
}

/* Sets the word vectors pooled by fx_tok (NULL: none). */
static int fx_set_embed(fx *x, const loa_embed *e)
{
	x->emb = e;
	if (!e)
		return LOA_OK;
	unsigned d = loa_embed_dim(e);
	x->emax = malloc(d * sizeof *x->emax);
	x->esum = malloc(d * sizeof *x->esum);
	return x->emax && x->esum ? LOA_OK : LOA_ENOMEM;
}

/* Pools the vector of one token (key h) into x->emax / x->esum. */
static void fx_pool(fx *x, uint64_t h)
{
	float s;
	const int8_t *r = loa_embed_lookup(x->emb, h, &s);
	if (!r)
		return;
	unsigned d = loa_embed_dim(x->emb), j = 0;
	float *mx = x->emax, *sm = x->esum;
	if (x->ehit++ == 0) {
		for (j = 0; j < d; j++)
			mx[j] = sm[j] = s * (float)r[j];
		return;
	}
#if defined(__SSE2__)
	/* sixteen values a step: one load of 16 bytes, sign-extended to 32 bits
	 * by unpacking with itself and shifting, then converted */
	__m128 vs = _mm_set1_ps(s);
	for (; j + 16 <= d; j += 16) {
		__m128i b = _mm_loadu_si128((const __m128i *)(r + j));
		__m128i lo = _mm_unpacklo_epi8(b, b), hi = _mm_unpackhi_epi8(b, b);
		__m128i q[4] = {_mm_srai_epi32(_mm_unpacklo_epi16(lo, lo), 24),
				_mm_srai_epi32(_mm_unpackhi_epi16(lo, lo), 24),
				_mm_srai_epi32(_mm_unpacklo_epi16(hi, hi), 24),
				_mm_srai_epi32(_mm_unpackhi_epi16(hi, hi), 24)};
		for (unsigned u = 0; u < 4; u++) {
			__m128 v = _mm_mul_ps(_mm_cvtepi32_ps(q[u]), vs);
			float *pm = mx + j + 4 * u, *pa = sm + j + 4 * u;
			_mm_storeu_ps(pm, _mm_max_ps(_mm_loadu_ps(pm), v));
			_mm_storeu_ps(pa, _mm_add_ps(_mm_loadu_ps(pa), v));
		}
	}
#endif
	for (; j < d; j++) {
		float v = s * (float)r[j];
		mx[j] = v > mx[j] ? v : mx[j];
		sm[j] += v;
	}
}

/* The dense view's features z[2 dim + 1] of the last text: the mean of its
 * vectors scaled to length 1, their element-wise maximum times mscale, and
 * a bias 1 (all 0 but the bias when no token has a vector). */
static void fx_dense(const fx *x, float mscale, double *z)
{
	unsigned d = loa_embed_dim(x->emb);
	memset(z, 0, (2 * (size_t)d + 1) * sizeof *z);
	z[2 * d] = 1.0;
	if (!x->ehit)
		return;
	double nn = 0;
	for (unsigned j = 0; j < d; j++)
		nn += (double)x->esum[j] * x->esum[j];
	double inv = nn > 0 ? 1.0 / sqrt(nn) : 0;
	for (unsigned j = 0; j < d; j++) {
		z[j] = x->esum[j] * inv;
		z[d + j] = (double)x->emax[j] * mscale;
	}
}

static inline uint64_t fx_mix(uint64_t h, unsigned blk)
{
	h = (h ^ seed_blk[blk]) * 0x9e3779b97f4a7c15ull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return h + (h == 0);
}

/* Adds the mixed feature hash h (fx_mix) of block blk. */
static inline void fx_add(fx *x, uint64_t h, unsigned blk)
{
	if (x->filter) {
		/* a feature the model does not have is dropped here, before it costs a
		 * table insert and a lookup in the model (false positives are dropped
		 * by the lookup) */
		uint32_t b = key_fp(h) & x->filter_mask;
		if (!((x->filter[b >> 6] >> (b & 63)) & 1))
			return;
	}
	size_t i = (size_t)h & x->mask;
	fx_slot *t = x->tab;
	while (t[i].h) {
		if (t[i].h == h) {
			x->u_count[t[i].idx]++;
			return;
		}
		i = (i + 1) & x->mask;
	}
	/* nu < ucap always: ucap is the bound on emits */
	size_t u = x->nu++;
	t[i].h = h;
	t[i].idx = (uint32_t)u;
	x->u_slot[u] = (uint32_t)i;
	x->u_hash[u] = h;
	x->u_count[u] = 1;
	x->u_block[u] = (uint8_t)blk;
	/* the model's record is fetched now, while the rest of the text is
	 * being hashed; the lookup in loa_classify then finds it in cache */
	if (x->pf_recs)
		__builtin_prefetch(x->pf_recs + ((size_t)h & x->pf_mask) * x->pf_stride);
}

static inline void fx_emit(fx *x, uint64_t h, unsigned blk)
{
	fx_add(x, fx_mix(h, blk), blk);
}

/* Negation scope: after one of these words (normalised, lower case; with
 * and without diacritics, and the short forms of comments) the next words,
 * up to neg_scope of them, a punctuation mark or a contrast word (nhưng,
 * mà), also give "negated" unigrams: the word's hash xor NEG_SALT, in the W
 * block (and folded in the F block). A negation word inside a scope starts
 * a new one. */
static const char *const neg_words[] = {"không", "chưa", "chẳng", "chả", "đừng", "chớ", "hông",
					"khong", "chua", "ko", "k", "kg", "kô", "hok", "hem"};
static const char *const neg_stops[] = {"nhưng", "mà"};
#define NEG_SALT 0x6e65676174656421ull
#define NEG_WORD_MAX 8u /* bytes: longer tokens are never negation words */
static uint64_t neg_hash[sizeof neg_words / sizeof *neg_words];
static uint64_t neg_stop_hash[sizeof neg_stops / sizeof *neg_stops];

__attribute__((constructor)) static void neg_init(void)
{
	for (size_t i = 0; i < sizeof neg_words / sizeof *neg_words; i++)
		neg_hash[i] = fnv_bytes(0xcbf29ce484222325ull, neg_words[i], strlen(neg_words[i]));
	for (size_t i = 0; i < sizeof neg_stops / sizeof *neg_stops; i++)
		neg_stop_hash[i] = fnv_bytes(0xcbf29ce484222325ull, neg_stops[i], strlen(neg_stops[i]));
}

static bool hash_in(uint64_t h, const uint64_t *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == h)
			return true;
	return false;
}

static int fx_tok(void *user, const loa_token *tok, const char *text)
{
	fx *x = user;
	if (x->f.neg_scope && tok->type == LOA_TOK_PUNCT)
		x->neg_left = 0;
	unsigned high; /* any byte >= 0x80 */
	int cls;
	uint64_t h = loa__tok_key(tok, text, &high, &cls);
	x->ntok++;
	if (x->emb && tok->type != LOA_TOK_PUNCT)
		fx_pool(x, h);
	bool neg = false; /* this token is in a negation scope */
	if (x->f.neg_scope) {
		bool shortw = !cls && tok->end - tok->start <= NEG_WORD_MAX;
		if (shortw && hash_in(h, neg_hash, sizeof neg_hash / sizeof *neg_hash)) {
			x->neg_left = x->f.neg_scope;
		} else if (shortw &&
			   hash_in(h, neg_stop_hash, sizeof neg_stop_hash / sizeof *neg_stop_hash)) {
			x->neg_left = 0;
		} else if (x->neg_left) {
			neg = true;
			x->neg_left--;
			fx_emit(x, h ^ NEG_SALT, BLK_W);
		}
	}
	if (x->f.word_max >= 1)
		fx_emit(x, h, BLK_W);
	if (x->f.word_max >= 2 && x->nprev >= 1)
		fx_emit(x, x->prev1 * 0x9e3779b97f4a7c15ull ^ h ^ 0x2ull, BLK_W);
	if (x->f.word_max >= 3 && x->nprev >= 2)
		fx_emit(x, (x->prev2 * 0x9e3779b97f4a7c15ull ^ x->prev1) * 0xc2b2ae3d27d4eb4full ^ h ^ 0x3ull,
			BLK_W);
	if (x->f.fold_words) {
		uint64_t fh = 0xcbf29ce484222325ull;
		if (cls || high < 0x80) {
			fh = h; /* an ASCII token folds to itself, and its hash is the same */
		} else {
			const unsigned char *p = (const unsigned char *)text;
			size_t n = tok->end - tok->start;
			for (size_t i = 0; i < n;) {
				uint32_t cp = p[i];
				if (cp < 0x80) {
					i++;
				} else {
					i += loa_utf8_decode(p + i, n - i, &cp);
					cp = loa_text_fold_cp(cp);
				}
				fh = (fh ^ cp) * FNV_PRIME;
			}
		}
		fx_emit(x, fh, BLK_F);
		if (x->f.fold_words >= 2 && x->nprev >= 1)
			fx_emit(x, x->fprev1 * 0x9e3779b97f4a7c15ull ^ fh ^ 0x2ull, BLK_F);
		if (neg)
			fx_emit(x, fh ^ NEG_SALT, BLK_F);
		x->fprev1 = fh;
	}
	x->prev2 = x->prev1;
	x->prev1 = h;
	x->nprev++;
	return 0;
}

static int fx_reserve(fx *x, size_t emits)
{
	size_t need = 256;
	while (need < 2 * emits + 2)
		need <<= 1;
	/* the previous text's entries are cleared one by one (cheap for short texts) */
	for (size_t i = 0; i < x->nu; i++)
		x->tab[x->u_slot[i]].h = 0;
	x->nu = 0;
	if (need > x->tabcap) {
		fx_slot *t = calloc(need, sizeof *t);
		if (!t)
			return LOA_ENOMEM;
		free(x->tab);
		x->tab = t;
		x->tabcap = need;
	}
	if (emits + 1 > x->ucap) {
		size_t cap = emits + 1 > 2 * x->ucap ? emits + 1 : 2 * x->ucap;
		uint64_t *h = realloc(x->u_hash, cap * sizeof *h);
		if (h)
			x->u_hash = h;
		uint32_t *c = realloc(x->u_count, cap * sizeof *c);
		if (c)
			x->u_count = c;
		uint8_t *b = realloc(x->u_block, cap);
		if (b)
			x->u_block = b;
		uint32_t *sl = realloc(x->u_slot, cap * sizeof *sl);
		if (sl)
			x->u_slot = sl;
		if (!h || !c || !b || !sl)
			return LOA_ENOMEM;
		x->ucap = cap;
	}
	x->mask = need - 1;
	return LOA_OK;
}

static inline bool is_space_cp(uint32_t cp)
{
	return cp <= 0x20 || cp == 0x85 || cp == 0xa0 || (cp >= 0x2000 && cp <= 0x200b) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000 ||
	       cp == 0xfeff;
}

static void fx_chars(fx *x, unsigned blk, unsigned nmin, unsigned nmax, bool fold)
{
	const uint32_t *c = fold ? x->fcps : x->cps;
	size_t n = x->ncps;
	/* in batches: the hashes of 32 positions first, with the words of the
	 * model's filter they need prefetched, then the filter tests and inserts */
	enum { BATCH = 32 };
	uint64_t hs[BATCH * 8];
	for (size_t i0 = 0; i0 < n; i0 += BATCH) {
		size_t i1 = i0 + BATCH < n ? i0 + BATCH : n, nh = 0;
		for (size_t i = i0; i < i1; i++) {
			uint64_t h = 0xcbf29ce484222325ull;
			for (unsigned k = 1; k <= nmax && i + k <= n; k++) {
				h = (h ^ c[i + k - 1]) * FNV_PRIME;
				if (k >= nmin) {
					uint64_t m = fx_mix(h + k, blk);
					hs[nh++] = m;
					if (x->filter)
						__builtin_prefetch(&x->filter[(key_fp(m) & x->filter_mask) >> 6]);
				}
			}
		}
		for (size_t j = 0; j < nh; j++)
			fx_add(x, hs[j], blk);
	}
}

/* Runs the extractor on s[0..n). */
static int fx_run(fx *x, const char *s, size_t n)
{
	x->ntok = 0;
	x->nprev = 0;
	x->neg_left = 0;
	x->ehit = 0;
	x->truncated = false;
	if (!s)
		n = 0;
	if (n > LOA_CLS_TEXT_MAX) {
		n = loa_utf8_truncate(s, n, LOA_CLS_TEXT_MAX);
		x->truncated = true;
	}
	loa_buf_reset(&x->norm);
	int rc = loa_text_normalize(s ? s : "", n, LOA_NORM_MATCH, &x->norm);
	if (rc)
		return rc;
	const char *p = x->norm.data ? x->norm.data : "";
	size_t pn = x->norm.len;
	/* code points, whitespace runs collapsed to one space, ends trimmed */
	if (!x->cps) {
		x->cps = malloc((LOA_CLS_TEXT_MAX + 1) * sizeof *x->cps);
		x->fcps = malloc((LOA_CLS_TEXT_MAX + 1) * sizeof *x->fcps);
		if (!x->cps || !x->fcps)
			return LOA_ENOMEM;
	}
	size_t nc = 0;
	bool space = true;
	for (size_t i = 0; i < pn && nc < LOA_CLS_TEXT_MAX;) {
		uint32_t cp;
		i += loa_utf8_decode((const unsigned char *)p + i, pn - i, &cp);
		if (is_space_cp(cp)) {
			if (!space)
				x->cps[nc++] = ' ';
			space = true;
			continue;
		}
		x->cps[nc++] = cp;
		space = false;
	}
	if (nc && x->cps[nc - 1] == ' ')
		nc--;
	x->ncps = nc;
	if (x->f.fold_max)
		for (size_t i = 0; i < nc; i++)
			x->fcps[i] = x->cps[i] < 0x80 ? x->cps[i] : loa_text_fold_cp(x->cps[i]);
	/* every token is at least one byte: pn bounds the tokens */
	size_t emits = pn * (x->f.word_max + x->f.fold_words + (x->f.neg_scope ? 2 : 0));
	if (x->f.char_max)
		emits += nc * (x->f.char_max - x->f.char_min + 1);
	if (x->f.fold_max)
		emits += nc * (x->f.fold_max - x->f.fold_min + 1);
	rc = fx_reserve(x, emits);
	if (rc)
		return rc;
	if (pn) {
		loa_text_tokenize(p, pn, fx_tok, x);
	}
	if (x->f.char_max)
		fx_chars(x, BLK_C, x->f.char_min, x->f.char_max, false);
	if (x->f.fold_max)
		fx_chars(x, BLK_F, x->f.fold_min, x->f.fold_max, true);
	return LOA_OK;
}

/* ---- the model ---------------------------------------------------------- */

struct loa_cls_model {
	unsigned k;
	unsigned bits;
	size_t nfeat;
	cls_feat f;
	float wscale, inv_temp;
	char **labels;       /* k pointers into data */
	const char *note;
	const float *bias;   /* [k] */
	const float *lenw;   /* [LEN_BINS][k] */
	const unsigned char *recs; /* [S] records of stride bytes: u32 key, u16 idf, i16 w[k] */
	size_t stride;
	uint64_t *filter;    /* bitmap of fingerprints (built at load) */
	uint32_t filter_mask;
	/* the dense view (version 3, optional): word vectors and the folded
	 * weights U[2 dim + 1][k] of fx_dense's features */
	loa_embed *emb;      /* owned; a view of data (its image is in the file) */
	const float *dense_w;
	float *dense_wt;     /* U transposed [k][dense_stride] (built at load) */
	size_t dense_stride;
	float dense_mscale;
	unsigned char *data; /* the file image (owned) */
	size_t size;
};

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* one table record: u32 key, u16 idf, i16 w[k], padded to 4 bytes */
static size_t rec_stride(unsigned k)
{
	return (6 + 2 * (size_t)k + 3) & ~(size_t)3;
}

typedef struct layout {
	size_t labels, note, bias, lenw, recs, stride, dense, sum, total;
} layout;

/* The dense section (dense_bytes of it, 0 = none): u32 dd = 2 dim + 1,
 * u32 bytes of the word-vector image, f32 the maximum's scale, u32 0,
 * f32 U[dd][k] padded to 8 bytes, the word-vector file image (embed.h). */
#define DENSE_HEAD 16u
static size_t dense_bytes(unsigned k, size_t dd, size_t emb_bytes)
{
	return DENSE_HEAD + pad8(dd * k * 4) + pad8(emb_bytes);
}

static void make_layout(layout *l, size_t header_bytes, unsigned k, unsigned bits,
			size_t labels_bytes, size_t note_bytes, size_t dense_bytes)
{
	size_t s = (size_t)1 << bits;
	size_t o = 16 + header_bytes;
	l->labels = o;
	o += pad8(labels_bytes);
	l->note = o;
	o += pad8(note_bytes);
	l->bias = o;
	o += pad8((size_t)k * 4);
	l->lenw = o;
	o += pad8((size_t)LOA_CLS_LEN_BINS * k * 4);
	l->recs = o;
	l->stride = rec_stride(k);
	o += pad8(s * l->stride);
	l->dense = o;
	o += pad8(dense_bytes);
	l->sum = o;
	l->total = o + 8;
}

typedef struct header {
	uint32_t k, bits, nfeat, word_max, char_min, char_max, fold_min, fold_max;
	float w_word, w_char, w_fold, len_value, wscale, inv_temp;
	uint32_t labels_bytes, note_bytes, len_bins, fold_words;
	uint32_t neg_scope;   /* from version 2 */
	uint32_t dense_bytes; /* from version 3 (0 in version 2) */
} header;
_Static_assert(sizeof(header) == CLS_HEADER_BYTES, "header size");

void loa_cls_model_free(loa_cls_model *m)
{
	if (!m)
		return;
	free(m->filter);
	free(m->labels);
	loa_embed_free(m->emb);
	free(m->dense_wt);
	free(m->data);
	free(m);
}

static bool in_range(double v, double lo, double hi)
{
	return v >= lo && v <= hi; /* false for NaN */
}

/* Takes ownership of data (malloc'd, n bytes) in every case. */
static int model_from_image(loa_cls_model **out, unsigned char *data, size_t n, loa_err *err)
{
	*out = NULL;
	int rc;
	if (n < 8 || memcmp(data, CLS_MAGIC, 8) != 0) {
		rc = loa_err_set(err, LOA_EPARSE,
				 "không phải tệp mô hình phân loại / not a classifier model file");
		goto fail;
	}
	if (n < 16)
		goto trunc;
	uint32_t version, hbytes;
	memcpy(&version, data + 8, 4);
	memcpy(&hbytes, data + 12, 4);
	if (version < 1 || version > LOA_CLS_MODEL_VERSION) {
		rc = loa_err_set(err, LOA_EVERSION,
				 "mô hình phiên bản %u, chương trình đọc phiên bản %u; hãy huấn luyện lại / "
				 "model version %u, this program reads version %u; retrain it",
				 version, LOA_CLS_MODEL_VERSION, version, LOA_CLS_MODEL_VERSION);
		goto fail;
	}
	/* version 1 is version 2 without the negation scope; version 2 is
	 * version 3 without the dense view */
	size_t hb = version == 1 ? CLS_HEADER_BYTES_V1 : CLS_HEADER_BYTES;
	if (n < 16 + hb || hbytes != hb)
		goto trunc;
	header h;
	memset(&h, 0, sizeof h);
	memcpy(&h, data + 16, hb);
	if (h.k < 2 || h.k > LOA_CLS_MAX_CLASSES || h.bits < 4 || h.bits > 28 ||
	    h.nfeat > (1u << h.bits) || h.labels_bytes > h.k * (LOA_CLS_LABEL_MAX + 1) ||
	    h.note_bytes > LOA_CLS_NOTE_MAX + 1 || h.len_bins != LOA_CLS_LEN_BINS ||
	    h.word_max > 3 || h.char_max > 8 || h.fold_max > 8 || h.char_min > h.char_max ||
	    h.fold_min > h.fold_max || (h.char_max && !h.char_min) || (h.fold_max && !h.fold_min) ||
	    h.fold_words > 2 || h.neg_scope > LOA_CLS_NEG_SCOPE_MAX ||
	    (version < 3 && h.dense_bytes) || h.dense_bytes > LOA_CLS_MODEL_MAX)
		goto trunc;
	layout l;
	make_layout(&l, hb, h.k, h.bits, h.labels_bytes, h.note_bytes, h.dense_bytes);
	if (n != l.total)
		goto trunc;
	uint64_t sum;
	memcpy(&sum, data + l.sum, 8);
	if (sum != loa__file_checksum(data, l.sum))
		goto trunc;
	loa_cls_model *m = calloc(1, sizeof *m);
	if (!m) {
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto fail;
	}
	m->labels = calloc(h.k, sizeof *m->labels);
	if (!m->labels) {
		free(m);
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto fail;
	}
	/* labels: k NUL-terminated strings */
	char *lp = (char *)data + l.labels, *le = lp + h.labels_bytes;
	for (unsigned i = 0; i < h.k; i++) {
		char *z = memchr(lp, '\0', (size_t)(le - lp));
		if (!z || z == lp) {
			free(m->labels);
			free(m);
			goto trunc;
		}
		m->labels[i] = lp;
		lp = z + 1;
	}
	char *note = (char *)data + l.note;
	if (!h.note_bytes || note[h.note_bytes - 1] != '\0') {
		free(m->labels);
		free(m);
		goto trunc;
	}
	m->k = h.k;
	m->bits = h.bits;
	m->nfeat = h.nfeat;
	m->f = (cls_feat){h.word_max,	 h.char_min, h.char_max, h.fold_min, h.fold_max,
			  h.fold_words, {h.w_word, h.w_char, h.w_fold}, h.len_value, h.neg_scope};
	m->wscale = h.wscale;
	m->inv_temp = h.inv_temp;
	m->note = note;
	m->bias = (const float *)(data + l.bias);
	m->lenw = (const float *)(data + l.lenw);
	/* the numbers that reach every score must be finite and in range, so
	 * that no score overflows (a NaN would make every probability NaN) */
	bool finite = in_range(h.wscale, 0, 1e3) && in_range(h.inv_temp, 1e-4, 1e4) &&
		      in_range(h.w_word, 0, 1e3) && in_range(h.w_char, 0, 1e3) &&
		      in_range(h.w_fold, 0, 1e3) && in_range(h.len_value, 0, 1e3);
	for (unsigned q = 0; q < h.k; q++)
		finite = finite && in_range(m->bias[q], -1e6, 1e6);
	for (size_t j = 0; j < (size_t)LOA_CLS_LEN_BINS * h.k; j++)
		finite = finite && in_range(m->lenw[j], -1e6, 1e6);
	if (!finite) {
		free(m->labels);
		free(m);
		goto trunc;
	}
	m->recs = data + l.recs;
	m->stride = l.stride;
	if (h.dense_bytes) {
		uint32_t dd, eb;
		const unsigned char *dp = data + l.dense;
		memcpy(&dd, dp, 4);
		memcpy(&eb, dp + 4, 4);
		memcpy(&m->dense_mscale, dp + 8, 4);
		loa_err e2 = {0};
		if (dd < 3 || dd > 2 * LOA_EMBED_MAX_DIM + 1 || eb == 0 ||
		    dense_bytes(h.k, dd, eb) != h.dense_bytes ||
		    !in_range(m->dense_mscale, -1e6, 1e6) ||
		    loa_embed_load_view(&m->emb, dp + DENSE_HEAD + pad8((size_t)dd * h.k * 4), eb,
				       &e2) != LOA_OK ||
		    2 * loa_embed_dim(m->emb) + 1 != dd) {
			loa_embed_free(m->emb);
			free(m->labels);
			free(m);
			goto trunc;
		}
		m->dense_w = (const float *)(dp + DENSE_HEAD);
		for (size_t j = 0; j < (size_t)dd * h.k; j++)
			if (!in_range(m->dense_w[j], -1e6, 1e6)) {
				loa_embed_free(m->emb);
				free(m->labels);
				free(m);
				goto trunc;
			}
		m->dense_stride = ((size_t)dd + 3) & ~(size_t)3;
		m->dense_wt = calloc(m->dense_stride * h.k, sizeof *m->dense_wt);
		if (!m->dense_wt) {
			loa_embed_free(m->emb);
			free(m->labels);
			free(m);
			rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
			goto fail;
		}
		for (size_t j = 0; j < dd; j++)
			for (unsigned q = 0; q < h.k; q++)
				m->dense_wt[q * m->dense_stride + j] = m->dense_w[j * h.k + q];
	}
	/* the prediction filter: about 8 bits per feature */
	unsigned fbits = 16;
	while (fbits < 26 && ((size_t)1 << fbits) < 8 * (size_t)h.nfeat)
		fbits++;
	m->filter_mask = (uint32_t)(((size_t)1 << fbits) - 1);
	m->filter = calloc(((size_t)1 << fbits) / 64, sizeof *m->filter);
	if (!m->filter) {
		loa_embed_free(m->emb);
		free(m->dense_wt);
		free(m->labels);
		free(m);
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto fail;
	}
	for (size_t i = 0, S = (size_t)1 << h.bits; i < S; i++) {
		uint32_t key;
		memcpy(&key, m->recs + i * m->stride, 4);
		if (key) {
			uint32_t b = key & m->filter_mask;
			m->filter[b >> 6] |= (uint64_t)1 << (b & 63);
		}
	}
	m->data = data;
	m->size = n;
	*out = m;
	return LOA_OK;
trunc:
	rc = loa_err_set(err, LOA_EPARSE,
			 "tệp mô hình bị cắt cụt hoặc hỏng / model file truncated or corrupt");
fail:
	free(data);
	return rc;
}

/* The file image: 2 MiB-aligned and marked for huge pages when large, so
 * the random lookups into the feature table do not miss the TLB. */
static unsigned char *model_alloc(size_t n)
{
	const size_t huge = (size_t)2 << 20;
	if (n < huge / 2)
		return malloc(n ? n : 1);
	void *p = NULL;
	size_t rounded = (n + huge - 1) & ~(huge - 1);
	if (posix_memalign(&p, huge, rounded) != 0)
		return NULL;
	madvise(p, rounded, MADV_HUGEPAGE); /* advice only: failure is harmless */
	return p;
}

int loa_cls_model_load_mem(loa_cls_model **out, const void *data, size_t n, loa_err *err)
{
	if (!out || (!data && n))
		return loa_err_set(err, LOA_EINVAL, "tham số không hợp lệ / invalid argument");
	if (n > LOA_CLS_MODEL_MAX)
		return loa_err_set(err, LOA_ETOOBIG, "mô hình quá lớn / model too big");
	unsigned char *copy = model_alloc(n);
	if (!copy)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	if (n)
		memcpy(copy, data, n);
	return model_from_image(out, copy, n, err);
}

int loa_cls_model_load(loa_cls_model **out, const char *path, loa_err *err)
{
	if (!out || !path)
		return loa_err_set(err, LOA_EINVAL, "tham số không hợp lệ / invalid argument");
	*out = NULL;
	unsigned char *d;
	size_t n;
	int rc = loa_file_read_all(path, LOA_CLS_MODEL_MAX, &d, &n, err);
	if (rc)
		return rc;
	/* into the aligned image (model_alloc): one copy, about 1 ms for 6 MB */
	rc = loa_cls_model_load_mem(out, d, n, err);
	free(d);
	if (rc && err) {
		char msg[LOA_ERR_MSG_MAX];
		snprintf(msg, sizeof msg, "%s: %s", loa_err_msg(err), path);
		loa_err_set(err, rc, "%s", msg);
	}
	return rc;
}

int loa_cls_model_write(const loa_cls_model *m, loa_buf *out)
{
	if (!m || !out)
		return LOA_EINVAL;
	return loa_buf_append(out, m->data, m->size);
}

int loa_cls_model_save(const loa_cls_model *m, const char *path, loa_err *err)
{
	if (!m || !path)
		return loa_err_set(err, LOA_EINVAL, "tham số không hợp lệ / invalid argument");
	return loa_file_write_atomic(path, m->data, m->size, err);
}

unsigned loa_cls_model_dense_dim(const loa_cls_model *m)
{
	return m && m->emb ? loa_embed_dim(m->emb) : 0;
}

unsigned loa_cls_model_classes(const loa_cls_model *m)
{
	return m ? m->k : 0;
}

const char *loa_cls_model_label(const loa_cls_model *m, unsigned i)
{
	return m && i < m->k ? m->labels[i] : NULL;
}

int loa_cls_model_find(const loa_cls_model *m, const char *label, size_t n)
{
	for (unsigned i = 0; m && i < m->k; i++)
		if (strlen(m->labels[i]) == n && memcmp(m->labels[i], label, n) == 0)
			return (int)i;
	return -1;
}

const char *loa_cls_model_note(const loa_cls_model *m)
{
	return m && m->note ? m->note : "";
}

size_t loa_cls_model_features(const loa_cls_model *m)
{
	return m ? m->nfeat : 0;
}

/* ---- prediction --------------------------------------------------------- */

struct loa_classifier {
	const loa_cls_model *m;
	fx x;
	double *probs;  /* [k] */
	double *dot;    /* [NBLOCKS][k] */
	int64_t *idot;  /* [k] per block, integer accumulators */
	double *z;      /* the dense view's features [2 dim + 1] */
	float *zf;      /* the same in single precision */
};

loa_classifier *loa_classifier_new(const loa_cls_model *m)
{
	if (!m)
		return NULL;
	loa_classifier *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->m = m;
	fx_init(&c->x, &m->f);
	c->x.filter = m->filter;
	c->x.filter_mask = m->filter_mask;
	c->x.pf_recs = m->recs;
	c->x.pf_mask = ((size_t)1 << m->bits) - 1;
	c->x.pf_stride = m->stride;
	if (fx_set_embed(&c->x, m->emb)) {
		loa_classifier_free(c);
		return NULL;
	}
	c->probs = calloc(m->k, sizeof *c->probs);
	c->dot = calloc((size_t)NBLOCKS * m->k, sizeof *c->dot);
	c->idot = calloc((size_t)NBLOCKS * m->k, sizeof *c->idot);
	if (m->emb) {
		c->z = malloc((2 * (size_t)loa_embed_dim(m->emb) + 1) * sizeof *c->z);
		c->zf = malloc((2 * (size_t)loa_embed_dim(m->emb) + 1) * sizeof *c->zf);
	}
	if (!c->probs || !c->dot || !c->idot || (m->emb && (!c->z || !c->zf))) {
		loa_classifier_free(c);
		return NULL;
	}
	return c;
}

void loa_classifier_free(loa_classifier *c)
{
	if (!c)
		return;
	fx_release(&c->x);
	free(c->probs);
	free(c->dot);
	free(c->idot);
	free(c->z);
	free(c->zf);
	free(c);
}

static void softmax(const double *s, unsigned k, double inv_t, double *p)
{
	double mx = s[0];
	for (unsigned i = 1; i < k; i++)
		if (s[i] > mx)
			mx = s[i];
	double z = 0;
	for (unsigned i = 0; i < k; i++) {
		p[i] = exp((s[i] - mx) * inv_t);
		z += p[i];
	}
	for (unsigned i = 0; i < k; i++)
		p[i] /= z;
}

int loa_classify(loa_classifier *c, const char *s, size_t n, loa_cls_result *r)
{
	if (!c || !r || (!s && n))
		return LOA_EINVAL;
	const loa_cls_model *m = c->m;
	unsigned k = m->k;
	int rc = fx_run(&c->x, s, n);
	if (rc)
		return rc;
	fx *x = &c->x;
	double nrm[NBLOCKS] = {0, 0, 0};
	memset(c->dot, 0, (size_t)NBLOCKS * k * sizeof *c->dot);
	size_t mask = ((size_t)1 << m->bits) - 1, found = 0;
	const unsigned char *recs = m->recs;
	size_t stride = m->stride;
	/* prefetch the first records, then walk with a fixed look-ahead */
	enum { AHEAD = 16 };
	for (size_t i = 0; i < x->nu && i < AHEAD; i++)
		__builtin_prefetch(recs + ((size_t)x->u_hash[i] & mask) * stride);
	for (size_t i = 0; i < x->nu; i++) {
		if (i + AHEAD < x->nu)
			__builtin_prefetch(recs + ((size_t)x->u_hash[i + AHEAD] & mask) * stride);
		uint64_t h = x->u_hash[i];
		uint32_t fp = key_fp(h);
		size_t j = (size_t)h & mask;
		const unsigned char *rec;
		uint32_t key;
		for (;;) {
			rec = recs + j * stride;
			memcpy(&key, rec, 4);
			if (!key || key == fp)
				break;
			j = (j + 1) & mask;
		}
		if (!key)
			continue;
		found++;
		uint16_t iq;
		memcpy(&iq, rec + 4, 2);
		double u = tf_weight(x->u_count[i]) * (iq * (1.0 / IDF_SCALE));
		unsigned b = x->u_block[i];
		nrm[b] += u * u;
		const int16_t *w = (const int16_t *)(rec + 6);
		double *d = c->dot + b * k;
		for (unsigned q = 0; q < k; q++)
			d[q] += u * w[q];
	}
	double tot = 0;
	for (unsigned b = 0; b < NBLOCKS; b++)
		if (nrm[b] > 0)
			tot += (double)m->f.w_blk[b] * m->f.w_blk[b];
	double *sc = c->probs; /* scores first, then probabilities in place */
	unsigned bin = len_bin(x->ntok);
	for (unsigned q = 0; q < k; q++)
		sc[q] = (double)m->bias[q] + m->lenw[bin * k + q];
	if (tot > 0) {
		double inv = 1.0 / sqrt(tot);
		for (unsigned b = 0; b < NBLOCKS; b++) {
			if (nrm[b] <= 0)
				continue;
			double fac = m->f.w_blk[b] / sqrt(nrm[b]) * inv * m->wscale;
			for (unsigned q = 0; q < k; q++)
				sc[q] += fac * c->dot[b * k + q];
		}
	}
	if (m->emb) { /* the dense view: per class, a dot product in four lanes */
		fx_dense(x, m->dense_mscale, c->z);
		size_t dd = 2 * (size_t)loa_embed_dim(m->emb) + 1;
		float *zf = c->zf;
		for (size_t j = 0; j < dd; j++)
			zf[j] = (float)c->z[j];
		typedef float v4f __attribute__((vector_size(16)));
		for (unsigned q = 0; q < k; q++) {
			const float *u = m->dense_wt + q * m->dense_stride;
			v4f acc = {0, 0, 0, 0};
			size_t j = 0;
			for (; j + 4 <= dd; j += 4) {
				v4f a, b;
				memcpy(&a, zf + j, sizeof a);
				memcpy(&b, u + j, sizeof b);
				acc += a * b;
			}
			double v = (double)acc[0] + acc[1] + acc[2] + acc[3];
			for (; j < dd; j++)
				v += (double)zf[j] * u[j];
			sc[q] += v;
		}
	}
	unsigned best = 0;
	for (unsigned q = 1; q < k; q++)
		if (sc[q] > sc[best])
			best = q;
	double tmp[LOA_CLS_MAX_CLASSES];
	memcpy(tmp, sc, k * sizeof *tmp);
	softmax(tmp, k, m->inv_temp, c->probs);
	r->label = best;
	r->prob = c->probs[best];
	r->probs = c->probs;
	r->features = found;
	r->truncated = x->truncated;
	return LOA_OK;
}

/* ---- the TSV format ------------------------------------------------------- */

int loa_cls_parse_line(const char *line, size_t n, loa_str *label, loa_str *text)
{
	if (!line)
		return LOA_EINVAL;
	if (n && line[n - 1] == '\n')
		n--;
	if (n && line[n - 1] == '\r')
		n--;
	const char *tab = memchr(line, '\t', n);
	if (!tab)
		return LOA_EPARSE;
	size_t ln = (size_t)(tab - line);
	if (ln == 0 || ln > LOA_CLS_LABEL_MAX)
		return LOA_EPARSE;
	for (size_t i = 0; i < ln; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f || line[i] == ' ')
			return LOA_EPARSE;
	label->p = line;
	label->n = ln;
	text->p = tab + 1;
	text->n = n - ln - 1;
	return LOA_OK;
}

double loa_cls_scores(const uint64_t *conf, unsigned k, loa_cls_prf *prf, double *accuracy)
{
	uint64_t total = 0, right = 0;
	double mf = 0;
	for (unsigned c = 0; c < k; c++) {
		uint64_t tp = conf[c * k + c], gold = 0, pred = 0;
		for (unsigned j = 0; j < k; j++) {
			gold += conf[c * k + j];
			pred += conf[j * k + c];
		}
		total += gold;
		right += tp;
		double p = pred ? (double)tp / (double)pred : 0, r = gold ? (double)tp / (double)gold : 0;
		double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
		if (prf)
			prf[c] = (loa_cls_prf){p, r, f, gold};
		mf += f;
	}
	if (accuracy)
		*accuracy = total ? (double)right / (double)total : 0;
	return k ? mf / k : 0;
}

/* ---- training ----------------------------------------------------------- */

void loa_cls_opts_default(loa_cls_opts *o)
{
	memset(o, 0, sizeof *o);
	o->c = 0.3;
	o->max_iter = 60;
	o->min_df = 2;
	o->folds = 5;
	o->balanced = true;
	o->tune_offsets = true;
	o->max_features = 196000; /* a table of 2^18 slots: about 3 MB for 3 classes */
	o->word_max = 2;
	o->char_min = 2;
	o->char_max = 5;
	o->fold_min = 0;
	o->fold_max = 0;
	o->fold_words = 2;
	o->w_word = 1;
	o->w_char = 1;
	o->w_fold = 1;
	o->len_value = 0.5f;
	o->nb = true;
	o->stack = true;
	/* off: +0.0065 nested CV on UIT-VSFC but -0.004 on UIT-VSMEC, and dev fell
	 * below the SVM there (docs/rooms/analyze.md) */
	o->neg_scope = 0;
	o->seed = 1;
	o->dense_c = 1.0;
}

struct loa_cls_trainer {
	loa_cls_opts o;
	char *note;
	char *labels[LOA_CLS_MAX_CLASSES];
	unsigned nlabels;
	/* texts, concatenated */
	loa_buf text;
	LOA_VEC(size_t) off;  /* start of text i in text.data; text i ends at off[i+1] */
	LOA_VEC(uint8_t) y;
};

int loa_cls_trainer_new(loa_cls_trainer **out, const loa_cls_opts *o, loa_err *err)
{
	if (!out)
		return loa_err_set(err, LOA_EINVAL, "tham số không hợp lệ / invalid argument");
	loa_cls_opts d;
	if (!o) {
		loa_cls_opts_default(&d);
		o = &d;
	}
	if (!(o->c > 0) || o->word_max > 3 || o->char_max > 8 || o->fold_max > 8 ||
	    o->char_min > o->char_max || o->fold_min > o->fold_max ||
	    (o->char_max && !o->char_min) || (o->fold_max && !o->fold_min) || o->folds > 20 ||
	    o->fold_words > 2 || o->neg_scope > LOA_CLS_NEG_SCOPE_MAX ||
	    !(o->w_word >= 0) || !(o->w_char >= 0) || !(o->w_fold >= 0) || !(o->len_value >= 0) ||
	    (o->embed && !(o->dense_c > 0)))
		return loa_err_set(err, LOA_EINVAL,
				   "tùy chọn huấn luyện không hợp lệ / invalid training options");
	loa_cls_trainer *t = calloc(1, sizeof *t);
	if (!t)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	t->o = *o;
	if (t->o.max_iter == 0)
		t->o.max_iter = 60;
	if (t->o.min_df == 0)
		t->o.min_df = 1;
	const char *note = o->note ? o->note : "";
	size_t nn = strlen(note);
	if (nn > LOA_CLS_NOTE_MAX)
		nn = loa_utf8_truncate(note, nn, LOA_CLS_NOTE_MAX);
	t->note = malloc(nn + 1);
	if (!t->note) {
		free(t);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	memcpy(t->note, note, nn);
	t->note[nn] = '\0';
	t->o.note = t->note;
	loa_buf_init(&t->text, (size_t)4 << 30);
	if (loa_vec_push(&t->off, (size_t)0)) {
		loa_cls_trainer_free(t);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	*out = t;
	return LOA_OK;
}

void loa_cls_trainer_free(loa_cls_trainer *t)
{
	if (!t)
		return;
	for (unsigned i = 0; i < t->nlabels; i++)
		free(t->labels[i]);
	free(t->note);
	loa_buf_release(&t->text);
	loa_vec_release(&t->off);
	loa_vec_release(&t->y);
	free(t);
}

size_t loa_cls_trainer_count(const loa_cls_trainer *t)
{
	return t ? t->y.len : 0;
}

int loa_cls_trainer_add(loa_cls_trainer *t, const char *label, size_t ln, const char *text,
			size_t tn, loa_err *err)
{
	if (!t || !label || (!text && tn))
		return loa_err_set(err, LOA_EINVAL, "tham số không hợp lệ / invalid argument");
	if (ln == 0 || ln > LOA_CLS_LABEL_MAX)
		return loa_err_set(err, LOA_EINVAL, "nhãn rỗng hoặc quá dài / empty or too long label");
	for (size_t i = 0; i < ln; i++)
		if ((unsigned char)label[i] < 0x20 || label[i] == 0x7f)
			return loa_err_set(err, LOA_EINVAL,
					   "nhãn có ký tự điều khiển / label has control characters");
	if (t->y.len >= LOA_CLS_MAX_TEXTS)
		return loa_err_set(err, LOA_ETOOBIG, "quá nhiều văn bản / too many texts");
	unsigned li;
	for (li = 0; li < t->nlabels; li++)
		if (strlen(t->labels[li]) == ln && memcmp(t->labels[li], label, ln) == 0)
			break;
	if (li == t->nlabels) {
		if (t->nlabels == LOA_CLS_MAX_CLASSES)
			return loa_err_set(err, LOA_ETOOBIG, "quá nhiều nhãn (tối đa %u) / too many labels "
					   "(at most %u)", LOA_CLS_MAX_CLASSES, LOA_CLS_MAX_CLASSES);
		char *l = malloc(ln + 1);
		if (!l)
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		memcpy(l, label, ln);
		l[ln] = '\0';
		t->labels[t->nlabels++] = l;
	}
	if (tn > LOA_CLS_TEXT_MAX)
		tn = loa_utf8_truncate(text, tn, LOA_CLS_TEXT_MAX);
	size_t save = t->text.len;
	if ((tn && loa_buf_append(&t->text, text, tn)) || loa_vec_push(&t->off, t->text.len)) {
		t->text.len = save;
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	if (loa_vec_push(&t->y, (uint8_t)li)) {
		t->off.len--;
		t->text.len = save;
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	return LOA_OK;
}

/* A growing u64 -> u32 hash map (feature hash -> vocabulary id). */
typedef struct vocab {
	uint64_t *keys;
	uint32_t *vals; /* id + 1; 0 = empty */
	size_t cap, count;
	LOA_VEC(uint64_t) hash; /* id -> hash */
	LOA_VEC(uint32_t) df;
	LOA_VEC(uint8_t) block;
} vocab;

static int vocab_grow(vocab *v)
{
	size_t ncap = v->cap ? v->cap * 2 : 1 << 16;
	uint64_t *k = calloc(ncap, sizeof *k);
	uint32_t *a = calloc(ncap, sizeof *a);
	if (!k || !a) {
		free(k);
		free(a);
		return LOA_ENOMEM;
	}
	for (size_t i = 0; i < v->cap; i++) {
		if (!v->vals[i])
			continue;
		size_t j = (size_t)v->keys[i] & (ncap - 1);
		while (a[j])
			j = (j + 1) & (ncap - 1);
		k[j] = v->keys[i];
		a[j] = v->vals[i];
	}
	free(v->keys);
	free(v->vals);
	v->keys = k;
	v->vals = a;
	v->cap = ncap;
	return LOA_OK;
}

/* id of h (added when new), or -1 when out of memory */
static int64_t vocab_id(vocab *v, uint64_t h, uint8_t blk)
{
	if (2 * (v->count + 1) > v->cap && vocab_grow(v))
		return -1;
	size_t j = (size_t)h & (v->cap - 1);
	while (v->vals[j]) {
		if (v->keys[j] == h)
			return (int64_t)v->vals[j] - 1;
		j = (j + 1) & (v->cap - 1);
	}
	if (v->count >= UINT32_MAX - 1 || loa_vec_push(&v->hash, h) || loa_vec_push(&v->df, 0u) ||
	    loa_vec_push(&v->block, blk))
		return -1;
	v->keys[j] = h;
	v->vals[j] = (uint32_t)++v->count;
	return (int64_t)v->count - 1;
}

static void vocab_release(vocab *v)
{
	free(v->keys);
	free(v->vals);
	loa_vec_release(&v->hash);
	loa_vec_release(&v->df);
	loa_vec_release(&v->block);
}

/* The training matrix: rows of (feature, value), CSR. */
typedef struct csr {
	size_t rows, dim;
	size_t *start; /* rows + 1 */
	uint32_t *idx;
	float *val;
	double *sq; /* squared norm of each row */
} csr;

static void csr_release(csr *x)
{
	free(x->start);
	free(x->idx);
	free(x->val);
	free(x->sq);
}

/* Dual coordinate descent for the L2-regularised L2-loss SVM (liblinear's
 * solver 1 without shrinking): min_w 1/2 |w|^2 + sum_i C_i max(0, 1 - y_i w.x_i)^2 */
/* scale (may be NULL): a per-feature factor applied to x (the NB view);
 * sq: the squared norm of each row of the (scaled) matrix. */
static void svm_train(const csr *x, const uint32_t *rows, size_t nr, const int8_t *y,
		      const double *ci, const double *scale, const double *sq, unsigned max_iter,
		      uint64_t *rng, double *w, double *alpha, uint32_t *order)
{
	memset(w, 0, x->dim * sizeof *w);
	for (size_t i = 0; i < nr; i++) {
		alpha[i] = 0;
		order[i] = (uint32_t)i;
	}
	const double eps = 0.05; /* liblinear uses 0.1; 0.01 and 0.001 gave the same CV scores */
	for (unsigned it = 0; it < max_iter; it++) {
		for (size_t i = nr; i > 1; i--) {
			size_t j = (size_t)(splitmix(rng) % i);
			uint32_t t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		double pgmax = -INFINITY, pgmin = INFINITY;
		for (size_t oi = 0; oi < nr; oi++) {
			size_t i = order[oi];
			size_t r = rows[i];
			const uint32_t *ix = x->idx + x->start[r];
			const float *vx = x->val + x->start[r];
			size_t nn = x->start[r + 1] - x->start[r];
			double dot = 0;
			if (scale)
				for (size_t q = 0; q < nn; q++)
					dot += w[ix[q]] * (vx[q] * scale[ix[q]]);
			else
				for (size_t q = 0; q < nn; q++)
					dot += w[ix[q]] * vx[q];
			double dii = 0.5 / ci[i];
			double g = y[i] * dot - 1 + dii * alpha[i];
			double pg = alpha[i] == 0 && g > 0 ? 0 : g;
			if (pg > pgmax)
				pgmax = pg;
			if (pg < pgmin)
				pgmin = pg;
			if (fabs(pg) < 1e-12)
				continue;
			double old = alpha[i];
			double na = old - g / (sq[r] + dii);
			alpha[i] = na > 0 ? na : 0;
			double d = (alpha[i] - old) * y[i];
			if (scale)
				for (size_t q = 0; q < nn; q++)
					w[ix[q]] += d * (vx[q] * scale[ix[q]]);
			else
				for (size_t q = 0; q < nn; q++)
					w[ix[q]] += d * vx[q];
		}
		if (pgmax - pgmin < eps)
			break;
	}
}

typedef struct train_ctx {
	loa_cls_trainer *t;
	csr x;
	unsigned k;
	uint8_t *y;       /* label per row (sorted label order) */
	double cw[LOA_CLS_MAX_CLASSES];
	/* scratch */
	uint32_t *rows, *order;
	int8_t *yb;
	double *ci, *alpha, *w;
	double *r, *sqs; /* the NB view: per-feature log-count ratio [dim], row norms [rows] */
	double *pos, *neg; /* feature presence counts [dim] */
	double *Wp, *Wn;   /* when set, train_ovr also keeps the two views' weights [dim][k] */
	/* the dense view (nv == 3): its matrix, weights [xd.dim][k] of the last
	 * train_ovr, scratch; nv is the number of stacked views (2 or 3) */
	unsigned nv;
	csr xd;
	double *Wd, *wd, *cid;
	float mscale;
	uint64_t rng;
	uint64_t done, total;
} train_ctx;

static void tick(train_ctx *c)
{
	c->done++;
	if (c->t->o.progress)
		c->t->o.progress(c->t->o.progress_user, c->done, c->total);
}

/* The NB view's ratios c->r[dim] for the labels c->yb of rows[0..nr), and
 * the squared norms c->sqs of the scaled rows. The bias feature (the last)
 * is not scaled. */
static void nb_ratio(train_ctx *c, const uint32_t *rows, size_t nr, size_t dim)
{
	const csr *x = &c->x;
	const double a = 1.0;
	memset(c->pos, 0, dim * sizeof *c->pos);
	memset(c->neg, 0, dim * sizeof *c->neg);
	for (size_t i = 0; i < nr; i++) {
		size_t r = rows[i];
		double *cnt = c->yb[i] > 0 ? c->pos : c->neg;
		for (size_t p = x->start[r]; p < x->start[r + 1]; p++)
			cnt[x->idx[p]] += 1;
	}
	double sp = 0, sn = 0;
	for (size_t j = 0; j + 1 < dim; j++) {
		sp += a + c->pos[j];
		sn += a + c->neg[j];
	}
	double ss = 0;
	size_t used = 0;
	for (size_t j = 0; j + 1 < dim; j++) {
		if (c->pos[j] + c->neg[j] == 0) {
			c->r[j] = 0; /* not in these rows (another fold's feature) */
			continue;
		}
		c->r[j] = log((a + c->pos[j]) / sp) - log((a + c->neg[j]) / sn);
		ss += c->r[j] * c->r[j];
		used++;
	}
	double inv = ss > 0 ? 1.0 / sqrt(ss / (double)used) : 1.0;
	for (size_t j = 0; j + 1 < dim; j++)
		c->r[j] *= inv;
	c->r[dim - 1] = 1.0;
	for (size_t i = 0; i < x->rows; i++)
		c->sqs[i] = 0;
	for (size_t i = 0; i < nr; i++) {
		size_t r = rows[i];
		double sq = 0;
		for (size_t p = x->start[r]; p < x->start[r + 1]; p++) {
			double v = x->val[p] * c->r[x->idx[p]];
			sq += v * v;
		}
		c->sqs[r] = sq;
	}
}

/* Trains K one-vs-rest classifiers on rows[0..nr) into W[dim][k]. */
static void train_ovr(train_ctx *c, const uint32_t *rows, size_t nr, double cost, double *W)
{
	unsigned k = c->k;
	size_t dim = c->x.dim;
	for (size_t i = 0; i < nr; i++) {
		c->ci[i] = cost * c->cw[c->y[rows[i]]];
		if (c->Wd)
			c->cid[i] = c->t->o.dense_c * c->cw[c->y[rows[i]]];
	}
	for (unsigned q = 0; q < k; q++) {
		if (k == 2 && q == 0) {
			tick(c);
			continue; /* class 0 is the mirror of class 1 */
		}
		for (size_t i = 0; i < nr; i++)
			c->yb[i] = c->y[rows[i]] == q ? 1 : -1;
		svm_train(&c->x, rows, nr, c->yb, c->ci, NULL, c->x.sq, c->t->o.max_iter, &c->rng,
			  c->w, c->alpha, c->order);
		for (size_t j = 0; j < dim; j++)
			W[j * k + q] = c->w[j];
		if (c->Wp)
			for (size_t j = 0; j < dim; j++)
				c->Wp[j * k + q] = c->w[j];
		if (c->t->o.nb) {
			/* the second view (NBSVM, Wang & Manning 2012): the same rows
			 * with each feature scaled by its log-count ratio for this class,
			 * r_j = ln((a + p_j) / |a + p|) - ln((a + n_j) / |a + n|) with p, n the
			 * numbers of texts of the class / of the rest holding feature j,
			 * divided by the root mean square of r. The two scores are averaged,
			 * and the weights fold into the same table:
			 * (w.x + v.(r o x)) / 2 = ((w + v o r) / 2).x */
			nb_ratio(c, rows, nr, dim);
			svm_train(&c->x, rows, nr, c->yb, c->ci, c->r, c->sqs, c->t->o.max_iter,
				  &c->rng, c->w, c->alpha, c->order);
			for (size_t j = 0; j < dim; j++)
				W[j * k + q] = 0.5 * (W[j * k + q] + c->w[j] * c->r[j]);
			if (c->Wn)
				for (size_t j = 0; j < dim; j++)
					c->Wn[j * k + q] = c->w[j] * c->r[j];
		}
		if (c->Wd) { /* the dense view, on the same labels */
			svm_train(&c->xd, rows, nr, c->yb, c->cid, NULL, c->xd.sq, c->t->o.max_iter,
				  &c->rng, c->wd, c->alpha, c->order);
			for (size_t j = 0; j < c->xd.dim; j++)
				c->Wd[j * k + q] = c->wd[j];
			if (k == 2)
				for (size_t j = 0; j < c->xd.dim; j++)
					c->Wd[j * k] = -c->wd[j];
		}
		if (k == 2) {
			for (size_t j = 0; j < dim; j++)
				W[j * k] = -W[j * k + 1];
			if (c->Wp && c->Wn)
				for (size_t j = 0; j < dim; j++) {
					c->Wp[j * k] = -c->Wp[j * k + 1];
					c->Wn[j * k] = -c->Wn[j * k + 1];
				}
		}
		tick(c);
	}
}

static void score_row(const csr *x, size_t r, const double *W, unsigned k, double *s)
{
	for (unsigned q = 0; q < k; q++)
		s[q] = 0;
	for (size_t p = x->start[r]; p < x->start[r + 1]; p++) {
		const double *w = W + (size_t)x->idx[p] * k;
		double v = x->val[p];
		for (unsigned q = 0; q < k; q++)
			s[q] += v * w[q];
	}
}

static double macro_f1_of(const double *S, const uint8_t *y, size_t n, unsigned k,
			  const double *off, double *acc)
{
	uint64_t conf[LOA_CLS_MAX_CLASSES * LOA_CLS_MAX_CLASSES];
	memset(conf, 0, sizeof(uint64_t) * k * k);
	for (size_t i = 0; i < n; i++) {
		unsigned b = 0;
		for (unsigned q = 1; q < k; q++)
			if (S[i * k + q] + off[q] > S[i * k + b] + off[b])
				b = q;
		conf[y[i] * k + b]++;
	}
	return loa_cls_scores(conf, k, NULL, acc);
}

static double nll_of(const double *S, const uint8_t *y, size_t n, unsigned k, const double *off,
		     double inv_t)
{
	double tot = 0, s[LOA_CLS_MAX_CLASSES], p[LOA_CLS_MAX_CLASSES];
	for (size_t i = 0; i < n; i++) {
		for (unsigned q = 0; q < k; q++)
			s[q] = S[i * k + q] + off[q];
		softmax(s, k, inv_t, p);
		tot -= log(p[y[i]] > 1e-300 ? p[y[i]] : 1e-300);
	}
	return n ? tot / (double)n : 0;
}

/* Builds features, vocabulary and the TF-IDF matrix. */
static int build_matrix(train_ctx *c, vocab *v, uint64_t **hash_out, uint16_t **idfq_out,
			size_t *nfeat_out, loa_err *err)
{
	loa_cls_trainer *t = c->t;
	const loa_cls_opts *o = &t->o;
	size_t n = t->y.len;
	cls_feat f = {o->word_max,   o->char_min, o->char_max, o->fold_min, o->fold_max,
		      o->fold_words, {o->w_word, o->w_char, o->w_fold}, o->len_value, o->neg_scope};
	fx x;
	fx_init(&x, &f);
	/* pass 1: per-text (feature id, count) lists; the dense view's rows */
	LOA_VEC(uint32_t) fid = {0};
	LOA_VEC(uint32_t) fcnt = {0};
	size_t *dstart = malloc((n + 1) * sizeof *dstart);
	size_t *ntok = malloc(n * sizeof *ntok);
	int rc = LOA_OK;
	if (!dstart || !ntok)
		rc = LOA_ENOMEM;
	size_t dd = c->nv == 3 ? 2 * (size_t)loa_embed_dim(o->embed) + 1 : 0;
	double *zrow = NULL;
	if (dd && !rc) {
		csr *xd = &c->xd;
		xd->rows = n;
		xd->dim = dd;
		xd->start = malloc((n + 1) * sizeof *xd->start);
		xd->idx = malloc(n * dd * sizeof *xd->idx);
		xd->val = malloc(n * dd * sizeof *xd->val);
		xd->sq = malloc(n * sizeof *xd->sq);
		zrow = malloc(dd * sizeof *zrow);
		if (!xd->start || !xd->idx || !xd->val || !xd->sq || !zrow ||
		    fx_set_embed(&x, o->embed))
			rc = LOA_ENOMEM;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		dstart[i] = fid.len;
		rc = fx_run(&x, t->text.data + t->off.items[i], t->off.items[i + 1] - t->off.items[i]);
		if (rc)
			break;
		ntok[i] = x.ntok;
		if (dd) {
			fx_dense(&x, 1.0f, zrow);
			c->xd.start[i] = i * dd;
			for (size_t j = 0; j < dd; j++) {
				c->xd.idx[i * dd + j] = (uint32_t)j;
				c->xd.val[i * dd + j] = (float)zrow[j];
			}
		}
		if (loa_vec_reserve(&fid, x.nu) || loa_vec_reserve(&fcnt, x.nu)) {
			rc = LOA_ENOMEM;
			break;
		}
		for (size_t j = 0; j < x.nu; j++) {
			int64_t id = vocab_id(v, x.u_hash[j], x.u_block[j]);
			if (id < 0) {
				rc = LOA_ENOMEM;
				break;
			}
			v->df.items[id]++;
			fid.items[fid.len++] = (uint32_t)id;
			fcnt.items[fcnt.len++] = x.u_count[j];
		}
	}
	fx_release(&x);
	free(zrow);
	if (rc)
		goto out;
	dstart[n] = fid.len;
	if (dd) {
		/* the maximum's part is scaled so that its length is 1 on average
		 * (the mean's part is 1 by construction) */
		csr *xd = &c->xd;
		size_t d = (dd - 1) / 2, hit = 0;
		double tot = 0;
		for (size_t i = 0; i < n; i++) {
			double sq = 0;
			for (size_t j = d; j < 2 * d; j++)
				sq += (double)xd->val[i * dd + j] * xd->val[i * dd + j];
			if (sq > 0) {
				tot += sqrt(sq);
				hit++;
			}
		}
		c->mscale = hit && tot > 0 ? (float)((double)hit / tot) : 1.0f;
		xd->start[n] = n * dd;
		for (size_t i = 0; i < n; i++) {
			double sq = 0;
			for (size_t j = 0; j < dd; j++) {
				if (j >= d && j < 2 * d)
					xd->val[i * dd + j] *= c->mscale;
				sq += (double)xd->val[i * dd + j] * xd->val[i * dd + j];
			}
			xd->sq[i] = sq;
		}
	}
	/* keep features with df >= min_df (the max_features most frequent) */
	size_t nv = v->count;
	uint32_t *remap = malloc(nv * sizeof *remap);
	if (!remap) {
		rc = LOA_ENOMEM;
		goto out;
	}
	uint32_t cut = o->min_df;
	if (o->max_features) {
		/* raise the df cut until at most max_features remain */
		size_t hist[4097] = {0};
		for (size_t i = 0; i < nv; i++)
			hist[v->df.items[i] < 4096 ? v->df.items[i] : 4096]++;
		size_t keep = 0;
		uint32_t d = 4096;
		for (; d >= 1; d--) {
			if (keep + hist[d] > o->max_features)
				break;
			keep += hist[d];
		}
		if (d + 1 > cut)
			cut = d + 1;
	}
	size_t nf = 0;
	for (size_t i = 0; i < nv; i++)
		remap[i] = v->df.items[i] >= cut ? (uint32_t)nf++ : UINT32_MAX;
	uint64_t *hash = malloc((nf ? nf : 1) * sizeof *hash);
	uint16_t *idfq = malloc((nf ? nf : 1) * sizeof *idfq);
	uint8_t *blk = malloc(nf ? nf : 1);
	if (!hash || !idfq || !blk) {
		free(remap);
		free(hash);
		free(idfq);
		free(blk);
		rc = LOA_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nv; i++) {
		if (remap[i] == UINT32_MAX)
			continue;
		double idf = log((1.0 + (double)n) / (1.0 + v->df.items[i])) + 1.0;
		double q = floor(idf * IDF_SCALE + 0.5);
		idfq[remap[i]] = (uint16_t)(q > 65535 ? 65535 : q);
		hash[remap[i]] = v->hash.items[i];
		blk[remap[i]] = v->block.items[i];
	}
	/* pass 2: the normalised rows, plus length bin and bias features */
	csr *m = &c->x;
	m->rows = n;
	m->dim = nf + LOA_CLS_LEN_BINS + 1;
	m->start = malloc((n + 1) * sizeof *m->start);
	size_t cap = 0;
	for (size_t i = 0; i < n; i++)
		cap += dstart[i + 1] - dstart[i];
	cap += 2 * n;
	m->idx = malloc(cap * sizeof *m->idx);
	m->val = malloc(cap * sizeof *m->val);
	m->sq = malloc(n * sizeof *m->sq);
	if (!m->start || !m->idx || !m->val || !m->sq) {
		free(remap);
		free(hash);
		free(idfq);
		free(blk);
		rc = LOA_ENOMEM;
		goto out;
	}
	size_t p = 0;
	for (size_t i = 0; i < n; i++) {
		m->start[i] = p;
		double nrm[NBLOCKS] = {0, 0, 0};
		size_t p0 = p;
		for (size_t j = dstart[i]; j < dstart[i + 1]; j++) {
			uint32_t id = remap[fid.items[j]];
			if (id == UINT32_MAX)
				continue;
			double u = tf_weight(fcnt.items[j]) * (idfq[id] / IDF_SCALE);
			nrm[blk[id]] += u * u;
			m->idx[p] = id;
			m->val[p] = (float)u;
			p++;
		}
		double tot = 0;
		for (int b = 0; b < NBLOCKS; b++)
			if (nrm[b] > 0)
				tot += (double)f.w_blk[b] * f.w_blk[b];
		double sq = 0;
		for (size_t q = p0; q < p; q++) {
			unsigned b = blk[m->idx[q]];
			double val = m->val[q] * f.w_blk[b] / sqrt(nrm[b]) / sqrt(tot);
			m->val[q] = (float)val;
			sq += val * val;
		}
		if (f.len_value > 0) {
			m->idx[p] = (uint32_t)(nf + len_bin(ntok[i]));
			m->val[p] = f.len_value;
			sq += (double)f.len_value * f.len_value;
			p++;
		}
		m->idx[p] = (uint32_t)(nf + LOA_CLS_LEN_BINS);
		m->val[p] = 1.0f;
		sq += 1.0;
		p++;
		m->sq[i] = sq;
	}
	m->start[n] = p;
	free(remap);
	free(blk);
	*hash_out = hash;
	*idfq_out = idfq;
	*nfeat_out = nf;
out:
	free(dstart);
	free(ntok);
	loa_vec_release(&fid);
	loa_vec_release(&fcnt);
	if (rc)
		loa_err_set(err, rc, "hết bộ nhớ khi tạo đặc trưng / out of memory building features");
	return rc;
}

/* The stacked views' scores z[nv][k] of row r: plain, NB, dense. */
static void view_scores(const train_ctx *c, size_t r, double *z)
{
	unsigned k = c->k;
	score_row(&c->x, r, c->Wp, k, z);
	score_row(&c->x, r, c->Wn, k, z + k);
	if (c->nv == 3)
		score_row(&c->xd, r, c->Wd, k, z + 2 * k);
}

/* Cross-validation: out-of-fold scores S[n][k] of the rows with
 * fold_of[i] < folds (the others take no part). Wsum (may be NULL) receives
 * the sum of the fold models' weights. */
static void cross_val(train_ctx *c, unsigned folds, double cost, const uint32_t *fold_of,
		      double *W, double *S, double *Wsum, double *Z)
{
	size_t n = c->x.rows;
	unsigned k = c->k;
	size_t nw = c->x.dim * k;
	if (Wsum)
		memset(Wsum, 0, nw * sizeof *Wsum);
	for (unsigned fo = 0; fo < folds; fo++) {
		size_t nr = 0;
		for (size_t i = 0; i < n; i++)
			if (fold_of[i] != fo && fold_of[i] < folds)
				c->rows[nr++] = (uint32_t)i;
		train_ovr(c, c->rows, nr, cost, W);
		for (size_t i = 0; i < n; i++)
			if (fold_of[i] == fo) {
				score_row(&c->x, i, W, k, S + i * k);
				if (Z) /* the views' scores (stacking) */
					view_scores(c, i, Z + i * c->nv * k);
			}
		if (Wsum)
			for (size_t j = 0; j < nw; j++)
				Wsum[j] += W[j];
	}
}

/* Stratified folds of rows[0..nr) (shuffled in place): fold_of[rows[i]]
 * in 0..folds-1, dealt round-robin within each class. */
static void deal_folds(train_ctx *c, uint32_t *rows, size_t nr, unsigned folds, uint32_t *fold_of)
{
	for (size_t i = nr; i > 1; i--) {
		size_t j = (size_t)(splitmix(&c->rng) % i);
		uint32_t tmp = rows[i - 1];
		rows[i - 1] = rows[j];
		rows[j] = tmp;
	}
	unsigned next[LOA_CLS_MAX_CLASSES] = {0};
	for (size_t i = 0; i < nr; i++)
		fold_of[rows[i]] = next[c->y[rows[i]]]++ % folds;
}

static void tune_offsets(const double *S, const uint8_t *y, size_t n, unsigned k, double *off)
{
	double best = macro_f1_of(S, y, n, k, off, NULL);
	for (int round = 0; round < 3; round++) {
		bool moved = false;
		for (unsigned q = 0; q < k; q++) {
			double keep = off[q];
			for (int g = -40; g <= 40; g++) {
				off[q] = g * 0.025;
				double f = macro_f1_of(S, y, n, k, off, NULL);
				if (f > best + 1e-9) {
					best = f;
					keep = off[q];
					moved = true;
				}
			}
			off[q] = keep;
		}
		if (!moved)
			break;
	}
}

static double fit_temperature(const double *S, const uint8_t *y, size_t n, unsigned k,
			      const double *off)
{
	/* golden-section search on log T in [log 0.1, log 20]: the floor keeps
	 * a perfectly separated training set from giving probabilities of 1 */
	double a = log(0.1), b = log(20.0);
	const double gr = 0.6180339887498949;
	double x1 = b - gr * (b - a), x2 = a + gr * (b - a);
	double f1 = nll_of(S, y, n, k, off, exp(-x1)), f2 = nll_of(S, y, n, k, off, exp(-x2));
	for (int it = 0; it < 60; it++) {
		if (f1 < f2) {
			b = x2;
			x2 = x1;
			f2 = f1;
			x1 = b - gr * (b - a);
			f1 = nll_of(S, y, n, k, off, exp(-x1));
		} else {
			a = x1;
			x1 = x2;
			f1 = f2;
			x2 = a + gr * (b - a);
			f2 = nll_of(S, y, n, k, off, exp(-x2));
		}
	}
	return exp((a + b) / 2);
}

/* Stacking of the views: softmax regression of the labels on the views'
 * scores z = [plain(k), nb(k)] (and dense(k) when nv == 3),
 * s_q = A[q].[z, 1], with balanced sample weights cw[y] and an L2 penalty
 * towards the plain average A0 = [I/2, I/2, 0 (dense), 0]; A is
 * k x (nv k + 1). Gradient descent with a step that grows on success and
 * halves on failure. */
#define STACK_LAMBDA 1e-3
/* The stacked layer's k class scores sc[] for one row z of nv k view
 * scores: A holds per class nv k weights and a bias (m = nv k + 1). */
static inline void stack_scores(const double *A, unsigned k, unsigned nv, const double *z,
				double *sc)
{
	unsigned nz = nv * k, m = nz + 1;
	for (unsigned q = 0; q < k; q++) {
		const double *a = A + (size_t)q * m;
		double v = a[nz];
		for (unsigned j = 0; j < nz; j++)
			v += a[j] * z[j];
		sc[q] = v;
	}
}

static double stack_loss(const double *Z, const uint8_t *y, size_t n, unsigned k, unsigned nv,
			 const double *cw, const double *A, const double *A0, double *G)
{
	unsigned nz = nv * k, m = nz + 1;
	double tot = 0, wsum = 0, sc[LOA_CLS_MAX_CLASSES], p[LOA_CLS_MAX_CLASSES];
	if (G)
		memset(G, 0, (size_t)k * m * sizeof *G);
	for (size_t i = 0; i < n; i++) {
		const double *z = Z + i * nz;
		stack_scores(A, k, nv, z, sc);
		softmax(sc, k, 1.0, p);
		double w = cw[y[i]];
		wsum += w;
		tot -= w * log(p[y[i]] > 1e-300 ? p[y[i]] : 1e-300);
		if (G)
			for (unsigned q = 0; q < k; q++) {
				double g = w * (p[q] - (q == y[i]));
				double *gq = G + (size_t)q * m;
				for (unsigned j = 0; j < nz; j++)
					gq[j] += g * z[j];
				gq[nz] += g;
			}
	}
	double reg = 0;
	for (size_t j = 0; j < (size_t)k * m; j++) {
		double d = A[j] - A0[j];
		reg += 0.5 * STACK_LAMBDA * d * d;
		if (G)
			G[j] = G[j] / wsum + STACK_LAMBDA * d;
	}
	return tot / wsum + reg;
}

static int fit_stack(const double *Z, const uint8_t *y, size_t n, unsigned k, unsigned nv,
		     const double *cw, double *A)
{
	unsigned nz = nv * k, m = nz + 1;
	size_t na = (size_t)k * m;
	double *A0 = calloc(na, sizeof *A0), *G = malloc(na * sizeof *G);
	double *An = malloc(na * sizeof *An), *Gn = malloc(na * sizeof *Gn);
	if (!A0 || !G || !An || !Gn) {
		free(A0);
		free(G);
		free(An);
		free(Gn);
		return LOA_ENOMEM;
	}
	for (unsigned q = 0; q < k; q++) {
		A0[(size_t)q * m + q] = 0.5;
		A0[(size_t)q * m + k + q] = 0.5;
	}
	memcpy(A, A0, na * sizeof *A);
	double f = stack_loss(Z, y, n, k, nv, cw, A, A0, G), step = 1.0;
	for (int it = 0; it < 300 && step > 1e-8; it++) {
		for (size_t j = 0; j < na; j++)
			An[j] = A[j] - step * G[j];
		double fn = stack_loss(Z, y, n, k, nv, cw, An, A0, Gn);
		if (fn < f) {
			bool small = f - fn < 1e-9;
			memcpy(A, An, na * sizeof *A);
			memcpy(G, Gn, na * sizeof *G);
			f = fn;
			step *= 1.25;
			if (small)
				break;
		} else {
			step *= 0.5;
		}
	}
	/* the scale of the scores is the temperature's business: bring the
	 * stacked scores to the root mean square of the views' average, so the
	 * offsets' grid and the temperature's range mean what they did */
	double sa = 0, ss = 0, sc[LOA_CLS_MAX_CLASSES];
	for (size_t i = 0; i < n; i++) {
		const double *z = Z + i * nz;
		stack_scores(A, k, nv, z, sc);
		for (unsigned q = 0; q < k; q++) {
			double av = 0.5 * (z[q] + z[k + q]);
			sa += av * av;
			ss += sc[q] * sc[q];
		}
	}
	if (sa > 0 && ss > 0) {
		double g = sqrt(sa / ss);
		for (size_t j = 0; j < na; j++)
			A[j] *= g;
	}
	free(A0);
	free(G);
	free(An);
	free(Gn);
	return LOA_OK;
}

/* Nested cross-validation of the final model's recipe: outer folds; inside
 * each, the inner folds (fold models, out-of-fold scores, offsets) and the
 * model on all the outer-training rows, as loa_cls_trainer_run does; the
 * outer fold is then scored by each candidate model with the inner offsets.
 * res[v], pooled out-of-fold macro-F1 of: 0 the single model (views
 * averaged), 1 the single model averaged with the inner fold models, 2 the
 * inner fold models alone, 3 the two views stacked by a second layer fitted
 * on the inner out-of-fold scores (= 0 without the NB view). The outer
 * training part is not checked against LOA_CLS_STACK_MIN_TEXTS: this is
 * the measurement that chose it. */
#define NEST_VARIANTS 4
static int nested_cv(train_ctx *c, unsigned outer, unsigned inner, double cost, double *res)
{
	size_t n = c->x.rows;
	unsigned k = c->k;
	size_t nw = c->x.dim * k;
	bool stack = c->t->o.nb;
	double *Z = NULL, *Zi = NULL, *Ti = NULL, *A = NULL;
	if (stack) {
		c->Wp = malloc(nw * sizeof *c->Wp);
		c->Wn = malloc(nw * sizeof *c->Wn);
		Z = malloc(n * c->nv * k * sizeof *Z);
		Zi = malloc(n * c->nv * k * sizeof *Zi);
		Ti = malloc(n * k * sizeof *Ti);
		A = malloc((size_t)k * (c->nv * k + 1) * sizeof *A);
	}
	uint32_t *ofold = malloc(n * sizeof *ofold), *ifold = malloc(n * sizeof *ifold);
	uint32_t *tmp = malloc(n * sizeof *tmp);
	double *W = malloc(nw * sizeof *W), *Wsum = malloc(nw * sizeof *Wsum);
	double *Wv = malloc(nw * sizeof *Wv);
	double *S = malloc(n * k * sizeof *S), *Si = malloc(n * k * sizeof *Si);
	double *So = malloc(NEST_VARIANTS * n * k * sizeof *So);
	uint8_t *yi = malloc(n);
	int rc = LOA_OK;
	if (!ofold || !ifold || !tmp || !W || !Wsum || !Wv || !S || !Si || !So || !yi ||
	    (stack && (!c->Wp || !c->Wn || !Z || !Zi || !Ti || !A))) {
		rc = LOA_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		tmp[i] = (uint32_t)i;
	deal_folds(c, tmp, n, outer, ofold);
	for (unsigned o = 0; o < outer; o++) {
		size_t nr = 0;
		for (size_t i = 0; i < n; i++) {
			ifold[i] = UINT32_MAX;
			if (ofold[i] != o)
				tmp[nr++] = (uint32_t)i;
		}
		deal_folds(c, tmp, nr, inner, ifold);
		cross_val(c, inner, cost, ifold, W, S, Wsum, Z);
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (ifold[i] < inner) {
				memcpy(Si + m * k, S + i * k, k * sizeof *S);
				if (stack)
					memcpy(Zi + m * c->nv * k, Z + i * c->nv * k,
					       c->nv * k * sizeof *Z);
				yi[m++] = c->y[i];
			}
		double off[LOA_CLS_MAX_CLASSES] = {0}, offs[LOA_CLS_MAX_CLASSES] = {0};
		if (c->t->o.tune_offsets)
			tune_offsets(Si, yi, m, k, off);
		if (stack) {
			rc = fit_stack(Zi, yi, m, k, c->nv, c->cw, A);
			if (rc)
				goto out;
			for (size_t i = 0; i < m; i++)
				stack_scores(A, k, c->nv, Zi + i * c->nv * k, Ti + i * k);
			if (c->t->o.tune_offsets)
				tune_offsets(Ti, yi, m, k, offs);
		}
		nr = 0;
		for (size_t i = 0; i < n; i++)
			if (ofold[i] != o)
				c->rows[nr++] = (uint32_t)i;
		train_ovr(c, c->rows, nr, cost, W);
		for (unsigned v = 0; v < NEST_VARIANTS; v++) {
			if (v == 3) { /* the stacked views */
				for (size_t i = 0; i < n; i++) {
					if (ofold[i] != o)
						continue;
					double *s = So + (v * n + i) * k, z[3 * LOA_CLS_MAX_CLASSES];
					if (!stack) {
						memcpy(s, So + i * k, k * sizeof *s);
						continue;
					}
					view_scores(c, i, z);
					stack_scores(A, k, c->nv, z, s);
					for (unsigned q = 0; q < k; q++)
						s[q] += offs[q];
				}
				continue;
			}
			for (size_t j = 0; j < nw; j++)
				Wv[j] = v == 0   ? W[j]
					: v == 1 ? (W[j] + Wsum[j]) / (inner + 1)
						 : Wsum[j] / inner;
			for (size_t i = 0; i < n; i++) {
				if (ofold[i] != o)
					continue;
				double *s = So + (v * n + i) * k;
				score_row(&c->x, i, Wv, k, s);
				for (unsigned q = 0; q < k; q++)
					s[q] += off[q];
			}
		}
	}
	double zero[LOA_CLS_MAX_CLASSES] = {0};
	for (unsigned v = 0; v < NEST_VARIANTS; v++)
		res[v] = macro_f1_of(So + v * n * k, c->y, n, k, zero, NULL);
out:
	free(c->Wp);
	free(c->Wn);
	c->Wp = c->Wn = NULL;
	free(Z);
	free(Zi);
	free(Ti);
	free(A);
	free(ofold);
	free(ifold);
	free(tmp);
	free(W);
	free(Wsum);
	free(Wv);
	free(S);
	free(Si);
	free(So);
	free(yi);
	return rc;
}

static int cmp_label(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int build_model(loa_cls_model **out, const loa_cls_trainer *t, char **labels, unsigned k,
		       const uint64_t *hash, const uint16_t *idfq, size_t nf, const double *W,
		       const double *off, double temp, const loa_embed *emb, const double *U,
		       float mscale, loa_err *err)
{
	const loa_cls_opts *o = &t->o;
	loa_buf eimg;
	loa_buf_init(&eimg, LOA_EMBED_FILE_MAX);
	size_t dd = emb ? 2 * (size_t)loa_embed_dim(emb) + 1 : 0, dbytes = 0;
	if (emb) {
		if (loa_embed_write(emb, &eimg)) {
			loa_buf_release(&eimg);
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		}
		dbytes = dense_bytes(k, dd, eimg.len);
	}
	unsigned bits = 4;
	while (((size_t)1 << bits) * 3 < nf * 4 + 4) /* load <= 0.75 */
		bits++;
	if (bits > 28) {
		loa_buf_release(&eimg);
		return loa_err_set(err, LOA_ETOOBIG, "quá nhiều đặc trưng / too many features");
	}
	size_t lb = 0;
	for (unsigned i = 0; i < k; i++)
		lb += strlen(labels[i]) + 1;
	size_t nb = strlen(t->note) + 1;
	layout l;
	make_layout(&l, CLS_HEADER_BYTES, k, bits, lb, nb, dbytes);
	unsigned char *d = model_alloc(l.total);
	if (!d) {
		loa_buf_release(&eimg);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	memset(d, 0, l.total);
	memcpy(d, CLS_MAGIC, 8);
	uint32_t v = LOA_CLS_MODEL_VERSION, hb = CLS_HEADER_BYTES;
	memcpy(d + 8, &v, 4);
	memcpy(d + 12, &hb, 4);
	double mx = 0;
	for (size_t j = 0; j < nf * k; j++)
		if (fabs(W[j]) > mx)
			mx = fabs(W[j]);
	double scale = mx > 0 ? mx / 32767.0 : 1.0;
	header h = {k, bits, (uint32_t)nf, o->word_max, o->char_min, o->char_max, o->fold_min,
		    o->fold_max, o->w_word, o->w_char, o->w_fold, o->len_value, (float)scale,
		    (float)(1.0 / temp), (uint32_t)lb, (uint32_t)nb, LOA_CLS_LEN_BINS, o->fold_words,
		    o->neg_scope, (uint32_t)dbytes};
	memcpy(d + 16, &h, sizeof h);
	char *lp = (char *)d + l.labels;
	for (unsigned i = 0; i < k; i++) {
		size_t ln = strlen(labels[i]) + 1;
		memcpy(lp, labels[i], ln);
		lp += ln;
	}
	memcpy(d + l.note, t->note, nb);
	float *bias = (float *)(d + l.bias);
	float *lenw = (float *)(d + l.lenw);
	for (unsigned q = 0; q < k; q++) {
		bias[q] = (float)(W[(nf + LOA_CLS_LEN_BINS) * k + q] + off[q]);
		for (unsigned b = 0; b < LOA_CLS_LEN_BINS; b++)
			lenw[b * k + q] = (float)(o->len_value * W[(nf + b) * k + q]);
	}
	unsigned char *recs = d + l.recs;
	size_t mask = ((size_t)1 << bits) - 1;
	for (size_t i = 0; i < nf; i++) {
		uint32_t fp = key_fp(hash[i]);
		size_t j = (size_t)hash[i] & mask;
		unsigned char *rec;
		uint32_t key;
		for (;;) {
			rec = recs + j * l.stride;
			memcpy(&key, rec, 4);
			if (!key || key == fp)
				break;
			j = (j + 1) & mask;
		}
		bool merge = key == fp; /* a 32-bit fingerprint clash: share the slot */
		memcpy(rec, &fp, 4);
		uint16_t old_idf;
		memcpy(&old_idf, rec + 4, 2);
		if (!merge || idfq[i] > old_idf)
			memcpy(rec + 4, &idfq[i], 2);
		int16_t *w = (int16_t *)(rec + 6);
		for (unsigned q = 0; q < k; q++) {
			double qv = floor(W[i * k + q] / scale + 0.5) + (merge ? w[q] : 0);
			w[q] = (int16_t)(qv > 32767 ? 32767 : qv < -32767 ? -32767 : qv);
		}
	}
	if (emb) {
		unsigned char *dp = d + l.dense;
		uint32_t dd32 = (uint32_t)dd, eb = (uint32_t)eimg.len;
		memcpy(dp, &dd32, 4);
		memcpy(dp + 4, &eb, 4);
		memcpy(dp + 8, &mscale, 4);
		float *u = (float *)(dp + DENSE_HEAD);
		for (size_t j = 0; j < dd * k; j++)
			u[j] = (float)U[j];
		memcpy(dp + DENSE_HEAD + pad8(dd * k * 4), eimg.data, eimg.len);
	}
	loa_buf_release(&eimg);
	uint64_t sum = loa__file_checksum(d, l.sum);
	memcpy(d + l.sum, &sum, 8);
	return model_from_image(out, d, l.total, err);
}

static const double c_grid[] = {0.1, 0.3, 1.0};

int loa_cls_trainer_run(loa_cls_trainer *t, loa_cls_model **out, loa_cls_cv *cv, loa_err *err)
{
	if (!t || !out)
		return loa_err_set(err, LOA_EINVAL, "tham số không hợp lệ / invalid argument");
	*out = NULL;
	if (cv)
		memset(cv, 0, sizeof *cv);
	size_t n = t->y.len;
	if (t->nlabels < 2)
		return loa_err_set(err, LOA_EINVAL,
				   "cần ít nhất hai nhãn / need at least two labels (found %u)",
				   t->nlabels);
	unsigned k = t->nlabels;
	/* labels in sorted order */
	char *labels[LOA_CLS_MAX_CLASSES];
	memcpy(labels, t->labels, k * sizeof *labels);
	qsort(labels, k, sizeof *labels, cmp_label);
	uint8_t map[LOA_CLS_MAX_CLASSES];
	for (unsigned i = 0; i < k; i++)
		for (unsigned j = 0; j < k; j++)
			if (t->labels[i] == labels[j])
				map[i] = (uint8_t)j;
	train_ctx c = {0};
	c.t = t;
	c.k = k;
	c.rng = t->o.seed ? t->o.seed : 1;
	vocab v = {0};
	uint64_t *hash = NULL;
	uint16_t *idfq = NULL;
	size_t nf = 0;
	double *W = NULL, *S = NULL, *Wbag = NULL, *Wcur = NULL, *Z = NULL, *Zbest = NULL, *A = NULL;
	double *U = NULL; /* the dense view's folded weights */
	uint32_t *fold_of = NULL;
	int rc = LOA_OK;
	c.y = malloc(n);
	if (!c.y) {
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto out;
	}
	size_t count[LOA_CLS_MAX_CLASSES] = {0};
	for (size_t i = 0; i < n; i++) {
		c.y[i] = map[t->y.items[i]];
		count[c.y[i]]++;
	}
	for (unsigned q = 0; q < k; q++)
		c.cw[q] = t->o.balanced ? (double)n / ((double)k * (double)count[q]) : 1.0;
	/* stratified folds: shuffle, then deal each class round-robin */
	unsigned folds = t->o.folds;
	if (folds > n)
		folds = (unsigned)n;
	/* stacking needs both views and out-of-fold scores; it replaces bagging */
	bool stack = t->o.stack && t->o.nb && folds >= 2 && n >= LOA_CLS_STACK_MIN_TEXTS;
	c.nv = stack && t->o.embed ? 3 : 2; /* the dense view is a stacked view */
	rc = build_matrix(&c, &v, &hash, &idfq, &nf, err);
	vocab_release(&v);
	if (rc)
		goto out;
	size_t dim = c.x.dim;
	if (c.nv == 3) {
		c.Wd = malloc(c.xd.dim * k * sizeof *c.Wd);
		c.wd = malloc(c.xd.dim * sizeof *c.wd);
		c.cid = malloc(n * sizeof *c.cid);
		if (!c.Wd || !c.wd || !c.cid) {
			rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
			goto out;
		}
	}
	c.rows = malloc(n * sizeof *c.rows);
	c.order = malloc(n * sizeof *c.order);
	c.yb = malloc(n);
	c.ci = malloc(n * sizeof *c.ci);
	c.alpha = malloc(n * sizeof *c.alpha);
	c.w = malloc(dim * sizeof *c.w);
	if (t->o.nb) {
		c.r = malloc(dim * sizeof *c.r);
		c.pos = malloc(dim * sizeof *c.pos);
		c.neg = malloc(dim * sizeof *c.neg);
		c.sqs = malloc(n * sizeof *c.sqs);
		if (!c.r || !c.pos || !c.neg || !c.sqs) {
			rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
			goto out;
		}
	}
	W = malloc(dim * k * sizeof *W);
	S = calloc(n * k, sizeof *S);
	fold_of = malloc(n * sizeof *fold_of);
	if (!c.rows || !c.order || !c.yb || !c.ci || !c.alpha || !c.w || !W || !S || !fold_of) {
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto out;
	}
	double off[LOA_CLS_MAX_CLASSES] = {0};
	double temp = 1.0, cost = t->o.c;
	unsigned ngrid = t->o.tune_c ? (unsigned)(sizeof c_grid / sizeof c_grid[0]) : 1;
	bool bag = t->o.bag && folds >= 2 && !stack;
	if (stack) {
		c.Wp = malloc(dim * k * sizeof *c.Wp);
		c.Wn = malloc(dim * k * sizeof *c.Wn);
		Z = malloc(n * c.nv * k * sizeof *Z);
		Zbest = ngrid > 1 ? malloc(n * c.nv * k * sizeof *Zbest) : NULL;
		A = malloc((size_t)k * (c.nv * k + 1) * sizeof *A);
		if (!c.Wp || !c.Wn || !Z || !A || (ngrid > 1 && !Zbest)) {
			rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
			goto out;
		}
	}
	c.total = (uint64_t)k * (folds >= 2 ? (uint64_t)folds * ngrid + 1 : 1);
	if (t->o.nested >= 2 && folds >= 2)
		c.total += (uint64_t)k * t->o.nested * (folds + 1);
	if (folds >= 2) {
		for (size_t i = 0; i < n; i++)
			c.rows[i] = (uint32_t)i;
		deal_folds(&c, c.rows, n, folds, fold_of);
		double best = -1;
		double *Sbest = NULL;
		if (bag) {
			Wbag = malloc(dim * k * sizeof *Wbag);
			Wcur = ngrid > 1 ? malloc(dim * k * sizeof *Wcur) : Wbag;
			if (!Wbag || !Wcur) {
				rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
				goto out;
			}
		}
		for (unsigned g = 0; g < ngrid; g++) {
			double cc = t->o.tune_c ? c_grid[g] : cost;
			cross_val(&c, folds, cc, fold_of, W, S, Wcur, Z);
			double o2[LOA_CLS_MAX_CLASSES] = {0};
			if (t->o.tune_offsets)
				tune_offsets(S, c.y, n, k, o2);
			double f = macro_f1_of(S, c.y, n, k, o2, NULL);
			if (f > best) {
				best = f;
				cost = cc;
				if (ngrid > 1) {
					if (!Sbest)
						Sbest = malloc(n * k * sizeof *Sbest);
					if (!Sbest) {
						rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
						goto out;
					}
					memcpy(Sbest, S, n * k * sizeof *S);
					if (Zbest)
						memcpy(Zbest, Z, n * c.nv * k * sizeof *Z);
					if (bag) {
						double *sw = Wbag;
						Wbag = Wcur;
						Wcur = sw;
					}
				}
			}
		}
		if (Sbest) {
			memcpy(S, Sbest, n * k * sizeof *S);
			free(Sbest);
			if (Zbest)
				memcpy(Z, Zbest, n * c.nv * k * sizeof *Z);
		}
		if (stack) {
			/* the second layer, fitted on the out-of-fold scores of the
			 * two views; its out-of-fold scores replace the average's */
			rc = fit_stack(Z, c.y, n, k, c.nv, c.cw, A);
			if (rc) {
				loa_err_set(err, rc, "hết bộ nhớ / out of memory");
				goto out;
			}
			for (size_t i = 0; i < n; i++)
				stack_scores(A, k, c.nv, Z + i * c.nv * k, S + i * k);
		}
		double zero[LOA_CLS_MAX_CLASSES] = {0};
		if (cv) {
			cv->folds = folds;
			cv->macro_f1 = macro_f1_of(S, c.y, n, k, zero, &cv->accuracy);
		}
		if (t->o.tune_offsets)
			tune_offsets(S, c.y, n, k, off);
		temp = fit_temperature(S, c.y, n, k, off);
		if (cv) {
			cv->macro_f1_offsets = macro_f1_of(S, c.y, n, k, off, NULL);
			cv->temperature = temp;
			cv->nll = nll_of(S, c.y, n, k, off, 1.0 / temp);
			cv->c = cost;
			cv->stacked = stack;
		}
	} else if (cv) {
		memset(cv, 0, sizeof *cv);
		cv->temperature = 1;
		cv->c = cost;
	}
	for (size_t i = 0; i < n; i++)
		c.rows[i] = (uint32_t)i;
	train_ovr(&c, c.rows, n, cost, W);
	if (bag) /* the final model averaged with the fold models (bagging) */
		for (size_t j = 0; j < dim * k; j++)
			W[j] = (W[j] + Wbag[j]) / (folds + 1);
	if (stack) { /* fold the second layer into the weights: s = A.[w_plain.x, w_nb.x, 1] */
		unsigned m2 = c.nv * k + 1;
		for (size_t f = 0; f < dim; f++)
			for (unsigned q = 0; q < k; q++) {
				const double *a = A + (size_t)q * m2;
				double sv = 0;
				for (unsigned j = 0; j < k; j++)
					sv += a[j] * c.Wp[f * k + j] + a[k + j] * c.Wn[f * k + j];
				W[f * k + q] = sv;
			}
		for (unsigned q = 0; q < k; q++) /* the bias feature is the last */
			W[(dim - 1) * k + q] += A[(size_t)q * m2 + c.nv * k];
		if (c.nv == 3) { /* the dense view's weights: U = A_dense . Wd */
			size_t dd = c.xd.dim;
			U = malloc(dd * k * sizeof *U);
			if (!U) {
				rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
				goto out;
			}
			for (size_t j = 0; j < dd; j++)
				for (unsigned q = 0; q < k; q++) {
					const double *a = A + (size_t)q * m2 + 2 * k;
					double sv = 0;
					for (unsigned p = 0; p < k; p++)
						sv += a[p] * c.Wd[j * k + p];
					U[j * k + q] = sv;
				}
		}
		free(c.Wp);
		free(c.Wn);
		c.Wp = c.Wn = NULL;
	}
	rc = build_model(out, t, labels, k, hash, idfq, nf, W, off, temp,
			 c.nv == 3 ? t->o.embed : NULL, U, c.mscale, err);
	if (!rc && t->o.nested >= 2 && folds >= 2 && cv) {
		double res[NEST_VARIANTS];
		rc = nested_cv(&c, t->o.nested, folds, cost, res);
		if (rc) {
			loa_cls_model_free(*out);
			*out = NULL;
			loa_err_set(err, rc, "hết bộ nhớ / out of memory");
			goto out;
		}
		cv->nested_folds = t->o.nested;
		cv->nested_single = res[0];
		cv->nested_bag = res[1];
		cv->nested_fold_models = res[2];
		cv->nested_stack = res[3];
	}
out:
	if (Wcur != Wbag)
		free(Wcur);
	free(Wbag);
	free(Z);
	free(Zbest);
	free(A);
	free(c.Wp);
	free(c.Wn);
	free(c.Wd);
	free(c.wd);
	free(c.cid);
	free(U);
	free(c.y);
	csr_release(&c.x);
	csr_release(&c.xd);
	free(c.rows);
	free(c.order);
	free(c.yb);
	free(c.ci);
	free(c.alpha);
	free(c.w);
	free(c.r);
	free(c.pos);
	free(c.neg);
	free(c.sqs);
	free(W);
	free(S);
	free(fold_of);
	free(hash);
	free(idfq);
	return rc;
}
