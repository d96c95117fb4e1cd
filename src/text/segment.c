/*
 * segment.c - the Vietnamese word segmenter: dictionary, features, the
 * averaged structured perceptron, Viterbi decoding, model files and the
 * streaming front end over the tokenizer. See segment.h.
 */
#include "text/segment.h"
#include "core/paths.h"
#include "text/text.h"
#include "core/utf8.h"
#include "core/log.h"
#include "core/map.h"
#include "core/str.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/banned.h"

#define SEG_MAGIC "LOASEGM\x1a"
#define SEG_FEATSET 1u /* the feature templates below; bump when they change */
#define SEG_NORM LOA_NORM_MATCH
#define SEG_NF 24 /* max features per unit */

/* ---- hashing ------------------------------------------------------------ */

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	x ^= x >> 32;
	return x;
}

#define K0 0x9E3779B97F4A7C15ull
#define K1 0xC2B2AE3D27D4EB4Full
#define K2 0x165667B19E3779F9ull
#define K3 0x27D4EB2F165667C5ull

static inline uint64_t fh(uint64_t t, uint64_t a, uint64_t b, uint64_t c)
{
	return mix64(t * K0 + a * K1 + b * K2 + c * K3);
}

#define SEQ_SEED 0x51ab1e5eedull

static inline uint64_t seq_next(uint64_t h, uint64_t syl)
{
	return mix64(h ^ syl) + K0;
}

/* ---- per-unit information --------------------------------------------- */

enum { SH_LOWER = 0, SH_CAP, SH_UPPER, SH_NUM, SH_PUNCT, SH_MIXED, SH_OTHER };
#define SH_DIAC 8u

typedef struct seg_info {
	uint64_t h; /* hash of the matching form (lower, one tone placement) */
	uint64_t f; /* hash of the folded form */
	uint8_t shape;
	uint8_t ls, le, lc; /* longest dict word starting / ending / covering (not starting) */
	uint8_t lm;         /* longest-matching tag: 1 = continues a word */
	uint8_t flags;      /* LOA_SEG_ALONE */
	uint8_t gold;       /* training: 1 = I */
	uint8_t pad;
} seg_info;

static const seg_info bos_info = {0x0b05b05b05b05ull, 0x0b05b05b05b05ull, 15, 0, 0, 0, 0, 0, 0, 0};
static const seg_info eos_info = {0xe05e05e05e05ull, 0xe05e05e05e05ull, 14, 0, 0, 0, 0, 0, 0, 0};

static unsigned shape_of(const char *p, size_t n)
{
	size_t i = 0, letters = 0, upper = 0, digits = 0, other = 0;
	bool first_upper = false, diac = false, first = true;
	while (i < n) {
		uint32_t cp;
		i += loa_utf8_decode((const unsigned char *)p + i, n - i, &cp);
		if (cp >= '0' && cp <= '9') {
			digits++;
		} else if (loa_text_is_letter(cp)) {
			bool up = loa_text_lower_cp(cp) != cp;
			if (first)
				first_upper = up;
			letters++;
			upper += up;
			if (!diac && cp >= 0x80 && loa_text_has_diacritic(cp))
				diac = true;
		} else {
			other++;
		}
		first = false;
	}
	unsigned s;
	if (letters == 0)
		s = digits ? SH_NUM : SH_PUNCT;
	else if (digits)
		s = SH_MIXED;
	else if (upper == letters && letters >= 2)
		s = SH_UPPER;
	else if (first_upper)
		s = SH_CAP;
	else if (other)
		s = SH_OTHER;
	else
		s = SH_LOWER;
	return s | (diac ? SH_DIAC : 0u);
}

/* Fills h, f, shape of one unit. tmp is scratch. */
static void unit_compute(loa_buf *tmp, const char *p, size_t n, seg_info *o)
{
	if (n > LOA_SEG_UNIT_MAX)
		n = loa_utf8_truncate(p, n, LOA_SEG_UNIT_MAX);
	loa_buf_reset(tmp);
	if (loa_text_normalize_word(p, n, SEG_NORM, tmp) == LOA_OK && tmp->len)
		o->h = loa_hash64(tmp->data, tmp->len);
	else
		o->h = loa_hash64(p, n);
	loa_buf_reset(tmp);
	if (loa_text_normalize_word(p, n, SEG_NORM | LOA_NORM_FOLD, tmp) == LOA_OK && tmp->len)
		o->f = loa_hash64(tmp->data, tmp->len) ^ 0xf01dull;
	else
		o->f = o->h ^ 0xf01dull;
	o->shape = (uint8_t)shape_of(p, n);
}

/* A direct-mapped cache of unit_compute() results keyed by raw bytes. */
#define CACHE_BITS 14
#define CACHE_KEY 22
typedef struct cache_slot {
	uint64_t h, f;
	uint8_t shape, len;
	char key[CACHE_KEY];
} cache_slot;

/* ---- dictionary --------------------------------------------------------- */

#define DW 1ull /* flag: a word ends here */
#define DP 2ull /* flag: a longer word continues */
#define DKEY(h) (((h) | 4ull) & ~3ull)

struct loa_seg_dict {
	uint64_t *slots;
	size_t cap, used;
	size_t nwords;
	unsigned maxlen;
	loa_buf text; /* normalised words, syllables separated by ' ', one a line */
	loa_buf tmp;
};

loa_seg_dict *loa_seg_dict_new(void)
{
	loa_seg_dict *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->cap = 1024;
	d->slots = calloc(d->cap, sizeof *d->slots);
	if (!d->slots) {
		free(d);
		return NULL;
	}
	loa_buf_init(&d->text, LOA_SEG_MODEL_MAX / 2);
	loa_buf_init(&d->tmp, 4 * LOA_SEG_UNIT_MAX + 16);
	return d;
}

void loa_seg_dict_free(loa_seg_dict *d)
{
	if (!d)
		return;
	free(d->slots);
	loa_buf_release(&d->text);
	loa_buf_release(&d->tmp);
	free(d);
}

size_t loa_seg_dict_count(const loa_seg_dict *d)
{
	return d ? d->nwords : 0;
}

static inline uint64_t dict_get(const loa_seg_dict *d, uint64_t h)
{
	uint64_t k = DKEY(h);
	size_t mask = d->cap - 1;
	for (size_t i = (size_t)(h >> 20) & mask;; i = (i + 1) & mask) {
		uint64_t s = d->slots[i];
		if (!s)
			return 0;
		if ((s & ~3ull) == k)
			return s & 3ull;
	}
}

/* Sets flag bits on key h; returns the previous flags or a negative error. */
static int dict_set(loa_seg_dict *d, uint64_t h, uint64_t flag)
{
	if ((d->used + 1) * 10 > d->cap * 7) {
		size_t ncap = d->cap * 2;
		uint64_t *ns = calloc(ncap, sizeof *ns);
		if (!ns)
			return LOA_ENOMEM;
		for (size_t j = 0; j < d->cap; j++) {
			uint64_t s = d->slots[j];
			if (!s)
				continue;
			/* the low bits of the slot hold flags; the probe start uses
			 * bits 20+, which DKEY keeps */
			size_t i = (size_t)(s >> 20) & (ncap - 1);
			while (ns[i])
				i = (i + 1) & (ncap - 1);
			ns[i] = s;
		}
		free(d->slots);
		d->slots = ns;
		d->cap = ncap;
	}
	uint64_t k = DKEY(h);
	size_t mask = d->cap - 1;
	for (size_t i = (size_t)(h >> 20) & mask;; i = (i + 1) & mask) {
		uint64_t s = d->slots[i];
		if (!s) {
			d->slots[i] = k | flag;
			d->used++;
			return 0;
		}
		if ((s & ~3ull) == k) {
			d->slots[i] = s | flag;
			return (int)(s & 3ull);
		}
	}
}

int loa_seg_dict_add(loa_seg_dict *d, const char *w, size_t n)
{
	uint64_t hs[LOA_SEG_MAX_WORD];
	size_t start[LOA_SEG_MAX_WORD + 1];
	unsigned k = 0;
	size_t text0 = d->text.len;
	size_t i = 0;
	while (i < n) {
		while (i < n && (w[i] == ' ' || w[i] == '_' || w[i] == '\t' || w[i] == '\r'))
			i++;
		size_t j = i;
		while (j < n && w[j] != ' ' && w[j] != '_' && w[j] != '\t' && w[j] != '\r')
			j++;
		if (j == i)
			break;
		if (k == LOA_SEG_MAX_WORD) {
			d->text.len = text0;
			return LOA_OK; /* too long to matter: skipped */
		}
		size_t len = j - i;
		if (len > LOA_SEG_UNIT_MAX)
			len = loa_utf8_truncate(w + i, len, LOA_SEG_UNIT_MAX);
		loa_buf_reset(&d->tmp);
		int rc = loa_text_normalize_word(w + i, len, SEG_NORM, &d->tmp);
		if (rc) {
			d->text.len = text0;
			return rc;
		}
		hs[k] = d->tmp.len ? loa_hash64(d->tmp.data, d->tmp.len) : loa_hash64(w + i, len);
		start[k] = d->text.len;
		if ((k && loa_buf_putc(&d->text, ' ')) ||
		    loa_buf_append(&d->text, d->tmp.data ? d->tmp.data : "", d->tmp.len)) {
			d->text.len = text0;
			return LOA_ETOOBIG;
		}
		k++;
		i = j;
	}
	if (k == 0) {
		d->text.len = text0;
		return LOA_OK;
	}
	uint64_t h = SEQ_SEED;
	for (unsigned j = 0; j < k; j++) {
		h = seq_next(h, hs[j]);
		int rc = dict_set(d, h, j + 1 == k ? DW : DP);
		if (rc < 0) {
			d->text.len = text0;
			return rc;
		}
		if (j + 1 == k && (rc & (int)DW)) {
			d->text.len = text0; /* already there */
			return LOA_OK;
		}
	}
	if (loa_buf_putc(&d->text, '\n')) {
		d->text.len = text0;
		return LOA_ETOOBIG;
	}
	d->nwords++;
	if (k > d->maxlen)
		d->maxlen = k;
	(void)start;
	return LOA_OK;
}

static int dict_add_lines(loa_seg_dict *d, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) : n;
		if (e > i && s[i] != '#') {
			int rc = loa_seg_dict_add(d, s + i, e - i);
			if (rc)
				return rc;
		}
		i = e + 1;
	}
	return LOA_OK;
}

static int read_file(const char *path, size_t max, loa_buf *out, loa_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return loa_err_set(err, errno == ENOENT ? LOA_ENOTFOUND : LOA_EIO,
				   "không mở được tệp / cannot open file: %s: %s", path, strerror(errno));
	loa_buf_init(out, max);
	char chunk[65536];
	size_t got;
	int rc = LOA_OK;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if ((rc = loa_buf_append(out, chunk, got)) != LOA_OK) {
			rc = loa_err_set(err, rc, "tệp quá lớn / file too big: %s", path);
			break;
		}
	}
	if (rc == LOA_OK && ferror(f))
		rc = loa_err_set(err, LOA_EIO, "không đọc được tệp / cannot read file: %s", path);
	fclose(f);
	if (rc)
		loa_buf_release(out);
	return rc;
}

int loa_seg_dict_load_file(loa_seg_dict *d, const char *path, loa_err *err)
{
	loa_buf b;
	int rc = read_file(path, (size_t)64 << 20, &b, err);
	if (rc)
		return rc;
	rc = dict_add_lines(d, b.data ? b.data : "", b.len);
	loa_buf_release(&b);
	if (rc)
		return loa_err_set(err, rc, "từ điển lỗi / dictionary error: %s: %s", path,
				   loa_strerror(rc));
	return LOA_OK;
}

/* Dictionary features of a sentence: ls, le, lc and lm of every unit. */
static void dict_features(const loa_seg_dict *d, seg_info *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		u[i].ls = u[i].le = u[i].lc = u[i].lm = 0;
	if (!d || !d->nwords)
		return;
	unsigned maxlen = d->maxlen < LOA_SEG_MAX_WORD ? d->maxlen : LOA_SEG_MAX_WORD;
	for (size_t i = 0; i < n; i++) {
		uint64_t h = SEQ_SEED;
		for (size_t j = i; j < n && j - i < maxlen; j++) {
			h = seq_next(h, u[j].h);
			uint64_t fl = dict_get(d, h);
			if (fl & DW) {
				uint8_t len = (uint8_t)(j - i + 1);
				if (len > u[i].ls)
					u[i].ls = len;
				if (len > u[j].le)
					u[j].le = len;
				for (size_t k = i + 1; k <= j; k++)
					if (len > u[k].lc)
						u[k].lc = len;
			}
			if (!(fl & DP))
				break;
		}
	}
	/* forward longest matching */
	for (size_t i = 0; i < n;) {
		size_t len = u[i].ls > 1 ? u[i].ls : 1;
		for (size_t k = i + 1; k < i + len && k < n; k++)
			u[k].lm = 1;
		i += len;
	}
}

/* ---- features ------------------------------------------------------------ */

static inline unsigned cap7(unsigned v)
{
	return v > 7 ? 7 : v;
}

/* The feature hashes for unit i of u[0..n). */
static unsigned features(const seg_info *u, size_t n, size_t i, uint64_t *o)
{
	const seg_info *m2 = i >= 2 ? &u[i - 2] : &bos_info;
	const seg_info *m1 = i >= 1 ? &u[i - 1] : &bos_info;
	const seg_info *c0 = &u[i];
	const seg_info *p1 = i + 1 < n ? &u[i + 1] : &eos_info;
	const seg_info *p2 = i + 2 < n ? &u[i + 2] : &eos_info;
	unsigned k = 0;
	o[k++] = fh(1, 0, 0, 0);
	o[k++] = fh(2, c0->h, 0, 0);
	o[k++] = fh(3, m1->h, 0, 0);
	o[k++] = fh(4, p1->h, 0, 0);
	o[k++] = fh(5, m2->h, 0, 0);
	o[k++] = fh(6, p2->h, 0, 0);
	o[k++] = fh(7, m1->h, c0->h, 0);
	o[k++] = fh(8, c0->h, p1->h, 0);
	o[k++] = fh(9, m2->h, m1->h, 0);
	o[k++] = fh(10, p1->h, p2->h, 0);
	o[k++] = fh(11, m1->h, c0->h, p1->h);
	o[k++] = fh(12, m1->f, c0->f, 0);
	o[k++] = fh(13, c0->f, p1->f, 0);
	o[k++] = fh(14, m1->shape, c0->shape, 0);
	o[k++] = fh(15, m1->shape, c0->shape, p1->shape);
	unsigned lc = cap7(c0->lc), ls = cap7(c0->ls), le1 = cap7(m1->le);
	o[k++] = fh(16, lc, c0->lm, 0);
	o[k++] = fh(17, ls, le1, 0);
	o[k++] = fh(18, cap7(c0->le), cap7(p1->ls), 0);
	o[k++] = fh(19, lc, ls, le1);
	o[k++] = fh(20, c0->lm, p1->lm, m1->lm);
	o[k++] = fh(21, lc, m1->shape, c0->shape);
	o[k++] = fh(22, c0->h, lc, 0);
	o[k++] = fh(23, m1->h, lc, 0);
	return k;
}

/* ---- models --------------------------------------------------------------- */

/* A fingerprint of the text room's matching normalisation: the weights are
 * keyed by hashes of normalised syllables, so a model trained under another
 * normalisation still loads but loses accuracy; loading warns then. */
static uint32_t norm_fingerprint(void)
{
	static const char probe[] = "Hoà hòa THUỶ thủy Khoẻ khỏe Quý QUÝ giữ Đường ĐẠI ngoằn "
				    "nghiêng Uỷ ủy Hoá hóa Tuỳ tùy xoè xòe Giặt GIÀ quạ";
	loa_buf b;
	loa_buf_init(&b, 4096);
	uint64_t h = 0;
	if (loa_text_normalize(probe, sizeof probe - 1, SEG_NORM, &b) == LOA_OK &&
	    loa_buf_putc(&b, '|') == LOA_OK &&
	    loa_text_normalize(probe, sizeof probe - 1, SEG_NORM | LOA_NORM_FOLD, &b) == LOA_OK)
		h = loa_hash64(b.data, b.len);
	loa_buf_release(&b);
	return (uint32_t)(h ^ (h >> 32));
}

struct loa_seg_model {
	unsigned bits;
	uint32_t norm_print; /* norm_fingerprint() when trained */
	int16_t *w; /* 2^bits */
	float scale;
	float trans[2][2]; /* [prev][cur], 0 = B, 1 = I */
	loa_seg_dict *dict;
	char *note;
};

void loa_seg_model_free(loa_seg_model *m)
{
	if (!m)
		return;
	free(m->w);
	loa_seg_dict_free(m->dict);
	free(m->note);
	free(m);
}

const loa_seg_dict *loa_seg_model_dict(const loa_seg_model *m)
{
	return m->dict;
}

const char *loa_seg_model_note(const loa_seg_model *m)
{
	return m->note ? m->note : "";
}

static void put32(loa_buf *b, uint32_t v, int *rc)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	if (!*rc)
		*rc = loa_buf_append(b, x, 4);
}

static void putf(loa_buf *b, float f, int *rc)
{
	uint32_t v;
	memcpy(&v, &f, 4);
	put32(b, v, rc);
}

static uint64_t fnv64(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

int loa_seg_model_write(const loa_seg_model *m, loa_buf *out)
{
	int rc = LOA_OK;
	size_t base = out->len;
	if ((rc = loa_buf_append(out, SEG_MAGIC, 8)))
		return rc;
	put32(out, LOA_SEG_MODEL_VERSION, &rc);
	put32(out, SEG_FEATSET, &rc);
	put32(out, m->bits, &rc);
	put32(out, m->norm_print, &rc);
	putf(out, m->scale, &rc);
	for (int a = 0; a < 2; a++)
		for (int b = 0; b < 2; b++)
			putf(out, m->trans[a][b], &rc);
	size_t nl = m->note ? strlen(m->note) : 0;
	put32(out, (uint32_t)nl, &rc);
	if (!rc && nl)
		rc = loa_buf_append(out, m->note, nl);
	const loa_buf *dt = &m->dict->text;
	put32(out, (uint32_t)dt->len, &rc);
	if (!rc && dt->len)
		rc = loa_buf_append(out, dt->data, dt->len);
	size_t size = (size_t)1 << m->bits;
	uint32_t nnz = 0;
	for (size_t i = 0; i < size; i++)
		nnz += m->w[i] != 0;
	put32(out, nnz, &rc);
	size_t prev = 0;
	for (size_t i = 0; i < size && !rc; i++) {
		if (!m->w[i])
			continue;
		size_t gap = i - prev;
		prev = i + 1;
		unsigned char v[16];
		int k = 0;
		do {
			unsigned char c = gap & 0x7f;
			gap >>= 7;
			v[k++] = c | (gap ? 0x80 : 0);
		} while (gap);
		uint16_t q = (uint16_t)m->w[i];
		v[k++] = (unsigned char)q;
		v[k++] = (unsigned char)(q >> 8);
		rc = loa_buf_append(out, v, (size_t)k);
	}
	if (rc)
		return rc;
	uint64_t cs = fnv64((const unsigned char *)out->data + base, out->len - base);
	put32(out, (uint32_t)cs, &rc);
	put32(out, (uint32_t)(cs >> 32), &rc);
	return rc;
}

int loa_seg_model_save(const loa_seg_model *m, const char *path, loa_err *err)
{
	loa_buf b;
	loa_buf_init(&b, LOA_SEG_MODEL_MAX);
	int rc = loa_seg_model_write(m, &b);
	if (rc) {
		loa_buf_release(&b);
		return loa_err_set(err, rc, "không ghi được mô hình / cannot serialise model: %s",
				   loa_strerror(rc));
	}
	rc = loa_file_write_atomic(path, b.data, b.len, err);
	loa_buf_release(&b);
	return rc;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static float getf(const unsigned char *p)
{
	uint32_t v = get32(p);
	float f;
	memcpy(&f, &v, 4);
	return f;
}

#define BAD(...) loa_err_set(err, LOA_EPARSE, __VA_ARGS__)

int loa_seg_model_load_mem(loa_seg_model **out, const void *data, size_t n, loa_err *err)
{
	const unsigned char *p = data;
	*out = NULL;
	if (n < 12 || memcmp(p, SEG_MAGIC, 8) != 0)
		return BAD("không phải mô hình tách từ / not a segmenter model");
	uint32_t ver = get32(p + 8);
	if (ver != LOA_SEG_MODEL_VERSION)
		return loa_err_set(err, LOA_EVERSION,
				   "phiên bản mô hình %u không được hỗ trợ (cần %u) / unsupported "
				   "model version %u (expected %u)",
				   ver, LOA_SEG_MODEL_VERSION, ver, LOA_SEG_MODEL_VERSION);
	if (n < 48 + 8)
		return BAD("mô hình bị cắt cụt / model file truncated");
	uint64_t cs = (uint64_t)get32(p + n - 8) | (uint64_t)get32(p + n - 4) << 32;
	if (fnv64(p, n - 8) != cs)
		return BAD("mô hình bị cắt cụt hoặc hỏng (sai checksum) / model file truncated or "
			   "corrupt (bad checksum)");
	if (get32(p + 12) != SEG_FEATSET)
		return loa_err_set(err, LOA_EVERSION,
				   "bộ đặc trưng %u không được hỗ trợ / unsupported feature set %u",
				   get32(p + 12), get32(p + 12));
	uint32_t bits = get32(p + 16);
	if (bits < 10 || bits > 26)
		return BAD("mô hình hỏng (bits=%u) / corrupt model (bits=%u)", bits, bits);
	size_t end = n - 8, off = 44;
	loa_seg_model *m = calloc(1, sizeof *m);
	if (!m)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	m->bits = bits;
	m->norm_print = get32(p + 20);
	if (m->norm_print != norm_fingerprint())
		loa_warn("segment.model.norm",
			 "msg=mô hình được huấn luyện với cách chuẩn hoá khác, nên huấn luyện lại / "
			 "model trained with another text normalisation; retrain it");
	m->scale = getf(p + 24);
	for (int a = 0; a < 2; a++)
		for (int b = 0; b < 2; b++)
			m->trans[a][b] = getf(p + 28 + 4 * (2 * a + b));
	int rc;
	if (!isfinite(m->scale) || !isfinite(m->trans[0][0]) || !isfinite(m->trans[0][1]) ||
	    !isfinite(m->trans[1][0]) || !isfinite(m->trans[1][1])) {
		rc = BAD("mô hình hỏng / corrupt model (weights)");
		goto fail;
	}
	/* note */
	if (end - off < 4) {
		rc = BAD("mô hình bị cắt cụt / model file truncated");
		goto fail;
	}
	uint32_t nl = get32(p + off);
	off += 4;
	if (nl > end - off) {
		rc = BAD("mô hình bị cắt cụt / model file truncated");
		goto fail;
	}
	m->note = malloc(nl + 1);
	if (!m->note) {
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto fail;
	}
	memcpy(m->note, p + off, nl);
	m->note[nl] = '\0';
	off += nl;
	/* dictionary */
	if (end - off < 4) {
		rc = BAD("mô hình bị cắt cụt / model file truncated");
		goto fail;
	}
	uint32_t dl = get32(p + off);
	off += 4;
	if (dl > end - off) {
		rc = BAD("mô hình bị cắt cụt / model file truncated");
		goto fail;
	}
	m->dict = loa_seg_dict_new();
	if (!m->dict) {
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto fail;
	}
	if ((rc = dict_add_lines(m->dict, (const char *)p + off, dl)) != LOA_OK) {
		rc = loa_err_set(err, rc, "mô hình hỏng (từ điển) / corrupt model (dictionary)");
		goto fail;
	}
	off += dl;
	/* weights */
	if (end - off < 4) {
		rc = BAD("mô hình bị cắt cụt / model file truncated");
		goto fail;
	}
	uint32_t nnz = get32(p + off);
	off += 4;
	size_t size = (size_t)1 << bits;
	if (nnz > size) {
		rc = BAD("mô hình hỏng / corrupt model (weights)");
		goto fail;
	}
	m->w = calloc(size, sizeof *m->w);
	if (!m->w) {
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto fail;
	}
	size_t idx = 0;
	for (uint32_t k = 0; k < nnz; k++) {
		uint64_t gap = 0;
		unsigned shift = 0;
		for (;;) {
			if (off >= end || shift > 35) {
				rc = BAD("mô hình bị cắt cụt / model file truncated");
				goto fail;
			}
			unsigned char c = p[off++];
			gap |= (uint64_t)(c & 0x7f) << shift;
			shift += 7;
			if (!(c & 0x80))
				break;
		}
		if (gap >= size - idx || end - off < 2) {
			rc = BAD("mô hình hỏng / corrupt model (weights)");
			goto fail;
		}
		idx += (size_t)gap;
		m->w[idx++] = (int16_t)(uint16_t)(p[off] | p[off + 1] << 8);
		off += 2;
	}
	if (off != end) {
		rc = BAD("mô hình hỏng (dữ liệu thừa) / corrupt model (trailing data)");
		goto fail;
	}
	*out = m;
	return LOA_OK;
fail:
	loa_seg_model_free(m);
	return rc;
}

int loa_seg_model_load(loa_seg_model **out, const char *path, loa_err *err)
{
	loa_buf b;
	*out = NULL;
	int rc = read_file(path, LOA_SEG_MODEL_MAX, &b, err);
	if (rc)
		return rc;
	rc = loa_seg_model_load_mem(out, b.data ? b.data : "", b.len, err);
	if (rc) {
		char msg[LOA_ERR_MSG_MAX];
		loa_strlcpy(msg, loa_err_msg(err), sizeof msg);
		loa_err_set(err, rc, "%s: %s", path, msg);
	}
	loa_buf_release(&b);
	return rc;
}

/* ---- decoding --------------------------------------------------------------- */

/* Viterbi over B/I. e[i]: score of I at i (B scores 0). Units whose flags
 * (or the previous unit's) say ALONE cannot be I; unit 0 is always B.
 * bp is scratch of n bytes. Writes begins[i]. */
static void viterbi(const float *e, const seg_info *u, size_t n, const float trans[2][2],
		    uint8_t *bp, uint8_t *begins)
{
	if (n == 0)
		return;
	const float NEG = -1e30f;
	float db = 0, di = NEG;
	bp[0] = 0;
	for (size_t i = 1; i < n; i++) {
		/* bp bit0: best prev for B is I; bit1: best prev for I is I */
		float bb = db + trans[0][0], ib = di + trans[1][0];
		float bi = db + trans[0][1], ii = di + trans[1][1];
		uint8_t b = 0;
		float nb, ni;
		if (ib > bb) {
			nb = ib;
			b |= 1;
		} else {
			nb = bb;
		}
		if (ii > bi) {
			ni = ii;
			b |= 2;
		} else {
			ni = bi;
		}
		ni += e[i];
		if ((u[i].flags | u[i - 1].flags) & LOA_SEG_ALONE)
			ni = NEG;
		bp[i] = b;
		db = nb;
		di = ni;
	}
	int t = di > db ? 1 : 0;
	for (size_t i = n; i-- > 0;) {
		begins[i] = (uint8_t)(t == 0);
		int prev = t == 0 ? (bp[i] & 1) : ((bp[i] >> 1) & 1);
		t = prev;
	}
	begins[0] = 1;
}

/* ---- segmenter ----------------------------------------------------------- */

typedef struct pend_unit {
	size_t off, len;
	unsigned flags;
} pend_unit;

struct loa_segmenter {
	const loa_seg_model *m;
	const loa_seg_dict *dict;
	cache_slot *cache;
	loa_buf tmp;
	seg_info *info;
	float *e;
	uint8_t *bp, *tags;
	size_t cap;
	/* streaming */
	loa_tokstream ts;
	bool ts_on, started;
	loa_buf text;      /* bytes of pending units */
	pend_unit *pend;   /* LOA_SEG_WINDOW */
	loa_seg_unit *uv;  /* LOA_SEG_WINDOW */
	size_t npend;
	loa_buf *out;
	int err;
};

loa_segmenter *loa_segmenter_new(const loa_seg_model *model, const loa_seg_dict *dict)
{
	loa_segmenter *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->m = model;
	s->dict = dict ? dict : model ? model->dict : NULL;
	s->cache = calloc((size_t)1 << CACHE_BITS, sizeof *s->cache);
	s->cap = LOA_SEG_WINDOW;
	s->info = malloc(s->cap * sizeof *s->info);
	s->e = malloc(s->cap * sizeof *s->e);
	s->bp = malloc(s->cap);
	s->tags = malloc(s->cap);
	s->pend = malloc(LOA_SEG_WINDOW * sizeof *s->pend);
	s->uv = malloc(LOA_SEG_WINDOW * sizeof *s->uv);
	loa_buf_init(&s->tmp, 4 * LOA_SEG_UNIT_MAX + 16);
	loa_buf_init(&s->text, (size_t)LOA_SEG_WINDOW * (LOA_TOK_MAX_LEN + 8));
	if (!s->cache || !s->info || !s->e || !s->bp || !s->tags || !s->pend || !s->uv) {
		loa_segmenter_free(s);
		return NULL;
	}
	return s;
}

void loa_segmenter_free(loa_segmenter *s)
{
	if (!s)
		return;
	if (s->ts_on)
		loa_tokstream_release(&s->ts);
	free(s->cache);
	free(s->info);
	free(s->e);
	free(s->bp);
	free(s->tags);
	free(s->pend);
	free(s->uv);
	loa_buf_release(&s->tmp);
	loa_buf_release(&s->text);
	free(s);
}

static void unit_info_cached(loa_segmenter *s, const char *p, size_t n, seg_info *o)
{
	if (n <= CACHE_KEY) {
		uint64_t k = loa_hash64(p, n);
		cache_slot *c = &s->cache[k & (((size_t)1 << CACHE_BITS) - 1)];
		if (c->len == n && n && memcmp(c->key, p, n) == 0) {
			o->h = c->h;
			o->f = c->f;
			o->shape = c->shape;
			return;
		}
		unit_compute(&s->tmp, p, n, o);
		c->h = o->h;
		c->f = o->f;
		c->shape = o->shape;
		c->len = (uint8_t)n;
		memcpy(c->key, p, n);
		return;
	}
	unit_compute(&s->tmp, p, n, o);
}

static void fill_info(loa_segmenter *s, const loa_seg_unit *u, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unit_info_cached(s, u[i].p, u[i].n, &s->info[i]);
		s->info[i].flags = (uint8_t)(u[i].flags & LOA_SEG_ALONE);
	}
	dict_features(s->dict, s->info, n);
}

static void tag_window(loa_segmenter *s, const loa_seg_unit *u, size_t n, uint8_t *begins)
{
	const loa_seg_model *m = s->m;
	fill_info(s, u, n);
	uint64_t f[SEG_NF];
	unsigned shift = 64 - m->bits;
	for (size_t i = 0; i < n; i++) {
		unsigned k = features(s->info, n, i, f);
		int32_t sum = 0;
		for (unsigned j = 0; j < k; j++)
			sum += m->w[f[j] >> shift];
		s->e[i] = (float)sum * m->scale;
	}
	viterbi(s->e, s->info, n, m->trans, s->bp, begins);
}

int loa_segmenter_tag(loa_segmenter *s, const loa_seg_unit *u, size_t n, uint8_t *begins)
{
	if (!s->m)
		return loa_segmenter_longest(s, u, n, begins);
	for (size_t i = 0; i < n; i += LOA_SEG_WINDOW) {
		size_t k = n - i < LOA_SEG_WINDOW ? n - i : LOA_SEG_WINDOW;
		tag_window(s, u + i, k, begins + i);
	}
	return LOA_OK;
}

int loa_segmenter_longest(loa_segmenter *s, const loa_seg_unit *u, size_t n, uint8_t *begins)
{
	for (size_t i = 0; i < n; i += LOA_SEG_WINDOW) {
		size_t k = n - i < LOA_SEG_WINDOW ? n - i : LOA_SEG_WINDOW;
		fill_info(s, u + i, k);
		for (size_t j = 0; j < k; j++)
			begins[i + j] = (uint8_t)!s->info[j].lm;
	}
	return LOA_OK;
}

/* ---- gold lines --------------------------------------------------------- */

static inline bool is_sp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

int loa_seg_parse_gold(const char *line, size_t n, loa_seg_unit *units, uint8_t *begins,
		       size_t max, size_t *n_out)
{
	size_t k = 0, i = 0;
	while (i < n) {
		while (i < n && is_sp(line[i]))
			i++;
		size_t j = i;
		while (j < n && !is_sp(line[j]))
			j++;
		if (j == i)
			break;
		/* does the token split into non-empty pieces? */
		bool ok = line[i] != '_' && line[j - 1] != '_';
		for (size_t x = i + 1; ok && x < j; x++)
			if (line[x] == '_' && line[x - 1] == '_')
				ok = false;
		if (!ok) {
			if (k < max) {
				units[k] = (loa_seg_unit){line + i, j - i, 0};
				begins[k] = 1;
			}
			k++;
		} else {
			size_t a = i;
			bool first = true;
			while (a < j) {
				size_t b = a;
				while (b < j && line[b] != '_')
					b++;
				if (k < max) {
					units[k] = (loa_seg_unit){line + a, b - a, 0};
					begins[k] = first;
				}
				k++;
				first = false;
				a = b + 1;
			}
		}
		i = j;
	}
	*n_out = k;
	return k > max ? LOA_ETOOBIG : LOA_OK;
}

/* ---- training ------------------------------------------------------------ */

struct loa_seg_trainer {
	loa_seg_train_opts o;
	loa_seg_dict *dict;
	seg_info *u; /* all units of all sentences */
	size_t nu, capu;
	size_t *sent; /* start of each sentence; sent[ns] = nu */
	size_t ns, caps;
	loa_buf tmp;
	loa_seg_unit *uv;
	uint8_t *bv;
	size_t maxsent;
};

#define TRAIN_MAX_SENT 65536u /* units in one gold sentence */

int loa_seg_trainer_new(loa_seg_trainer **out, const loa_seg_train_opts *o, loa_seg_dict *dict,
			loa_err *err)
{
	loa_seg_trainer *t = calloc(1, sizeof *t);
	*out = NULL;
	if (!t) {
		loa_seg_dict_free(dict);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	if (o)
		t->o = *o;
	if (!t->o.epochs)
		t->o.epochs = 10;
	if (!t->o.bits)
		t->o.bits = 20;
	if (!t->o.seed)
		t->o.seed = 1;
	t->dict = dict ? dict : loa_seg_dict_new();
	t->uv = malloc(TRAIN_MAX_SENT * sizeof *t->uv);
	t->bv = malloc(TRAIN_MAX_SENT);
	t->sent = malloc(16 * sizeof *t->sent);
	t->caps = 16;
	loa_buf_init(&t->tmp, 4 * LOA_SEG_UNIT_MAX + 16);
	if (!t->dict || !t->uv || !t->bv || !t->sent) {
		loa_seg_trainer_free(t);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	if (t->o.bits < 16 || t->o.bits > 24) {
		loa_seg_trainer_free(t);
		return loa_err_set(err, LOA_EINVAL, "bits phải từ 16 đến 24 / bits must be 16..24");
	}
	t->sent[0] = 0;
	*out = t;
	return LOA_OK;
}

void loa_seg_trainer_free(loa_seg_trainer *t)
{
	if (!t)
		return;
	loa_seg_dict_free(t->dict);
	free(t->u);
	free(t->sent);
	free(t->uv);
	free(t->bv);
	loa_buf_release(&t->tmp);
	free(t);
}

size_t loa_seg_trainer_sentences(const loa_seg_trainer *t)
{
	return t->ns;
}

size_t loa_seg_trainer_units(const loa_seg_trainer *t)
{
	return t->nu;
}

int loa_seg_trainer_add(loa_seg_trainer *t, const char *line, size_t n, loa_err *err)
{
	size_t k;
	if (loa_seg_parse_gold(line, n, t->uv, t->bv, TRAIN_MAX_SENT, &k))
		return loa_err_set(err, LOA_ETOOBIG, "câu quá dài (> %u âm tiết) / sentence too long",
				   TRAIN_MAX_SENT);
	if (k == 0)
		return LOA_OK;
	if (t->nu + k > t->capu) {
		size_t nc = t->capu ? t->capu * 2 : 65536;
		while (nc < t->nu + k)
			nc *= 2;
		seg_info *nu = realloc(t->u, nc * sizeof *nu);
		if (!nu)
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		t->u = nu;
		t->capu = nc;
	}
	if (t->ns + 2 > t->caps) {
		size_t *ns = realloc(t->sent, t->caps * 2 * sizeof *ns);
		if (!ns)
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		t->sent = ns;
		t->caps *= 2;
	}
	seg_info *u = t->u + t->nu;
	for (size_t i = 0; i < k; i++) {
		unit_compute(&t->tmp, t->uv[i].p, t->uv[i].n, &u[i]);
		u[i].flags = 0;
		u[i].gold = (uint8_t)!t->bv[i];
		u[i].pad = 0;
	}
	dict_features(t->dict, u, k);
	t->nu += k;
	t->ns++;
	t->sent[t->ns] = t->nu;
	if (k > t->maxsent)
		t->maxsent = k;
	return LOA_OK;
}

static uint64_t rng_next(uint64_t *s)
{
	*s += 0x9E3779B97F4A7C15ull;
	return mix64(*s);
}

/* Builds a model from averaged weights w - acc / c. */
static int make_model(const loa_seg_trainer *t, const float *w, const double *acc, double c,
		      const float tw[2][2], const double tacc[2][2], loa_seg_model **out)
{
	loa_seg_model *m = calloc(1, sizeof *m);
	if (!m)
		return LOA_ENOMEM;
	size_t size = (size_t)1 << t->o.bits;
	m->bits = t->o.bits;
	m->norm_print = norm_fingerprint();
	m->w = malloc(size * sizeof *m->w);
	m->note = malloc(t->o.note ? strlen(t->o.note) + 1 : 1);
	m->dict = loa_seg_dict_new();
	if (!m->w || !m->note || !m->dict) {
		loa_seg_model_free(m);
		return LOA_ENOMEM;
	}
	memcpy(m->note, t->o.note ? t->o.note : "", t->o.note ? strlen(t->o.note) + 1 : 1);
	int rc = dict_add_lines(m->dict, t->dict->text.data ? t->dict->text.data : "", t->dict->text.len);
	if (rc) {
		loa_seg_model_free(m);
		return rc;
	}
	double maxa = 0;
	for (size_t i = 0; i < size; i++) {
		double a = fabs((double)w[i] - acc[i] / c);
		if (a > maxa)
			maxa = a;
	}
	double scale = maxa > 0 ? maxa / 32767.0 : 1.0;
	for (size_t i = 0; i < size; i++) {
		double v = ((double)w[i] - acc[i] / c) / scale;
		long q = lrint(v);
		if (q > 32767)
			q = 32767;
		if (q < -32767)
			q = -32767;
		m->w[i] = (int16_t)q;
	}
	m->scale = (float)scale;
	for (int a = 0; a < 2; a++)
		for (int b = 0; b < 2; b++)
			m->trans[a][b] = (float)((double)tw[a][b] - tacc[a][b] / c);
	*out = m;
	return LOA_OK;
}

int loa_seg_trainer_run(loa_seg_trainer *t, loa_seg_model **out, loa_err *err)
{
	*out = NULL;
	size_t size = (size_t)1 << t->o.bits;
	unsigned shift = 64 - t->o.bits;
	float *w = calloc(size, sizeof *w);
	double *acc = calloc(size, sizeof *acc);
	size_t *order = malloc((t->ns ? t->ns : 1) * sizeof *order);
	size_t mx = t->maxsent ? t->maxsent : 1;
	float *e = malloc(mx * sizeof *e);
	uint8_t *bp = malloc(mx), *pred = malloc(mx);
	int rc = LOA_OK;
	if (!w || !acc || !order || !e || !bp || !pred) {
		rc = loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		goto done;
	}
	float tw[2][2] = {{0, 0}, {0, 0}};
	double tacc[2][2] = {{0, 0}, {0, 0}};
	double c = 1;
	uint64_t rng = t->o.seed;
	uint64_t total = (uint64_t)t->ns * t->o.epochs, done = 0;
	for (size_t i = 0; i < t->ns; i++)
		order[i] = i;
	uint64_t f[SEG_NF];
	for (unsigned ep = 0; ep < t->o.epochs; ep++) {
		for (size_t i = t->ns; i > 1; i--) {
			size_t j = (size_t)(rng_next(&rng) % i);
			size_t x = order[i - 1];
			order[i - 1] = order[j];
			order[j] = x;
		}
		for (size_t si = 0; si < t->ns; si++) {
			size_t s0 = t->sent[order[si]], n = t->sent[order[si] + 1] - s0;
			const seg_info *u = t->u + s0;
			for (size_t i = 0; i < n; i++) {
				unsigned k = features(u, n, i, f);
				float sum = 0;
				for (unsigned j = 0; j < k; j++)
					sum += w[f[j] >> shift];
				e[i] = sum;
			}
			viterbi(e, u, n, tw, bp, pred);
			/* pred: begins; gold: u[i].gold = 1 for I */
			int pp = 0, gp = 0; /* previous tags (I = 1) */
			for (size_t i = 0; i < n; i++) {
				int pt = !pred[i], gt = u[i].gold;
				if (i == 0)
					gt = 0; /* the first unit always begins */
				if (pt != gt) {
					float d = gt ? 1.0f : -1.0f;
					unsigned k = features(u, n, i, f);
					for (unsigned j = 0; j < k; j++) {
						size_t x = f[j] >> shift;
						w[x] += d;
						acc[x] += c * d;
					}
				}
				if (i > 0 && (pt != gt || pp != gp)) {
					tw[gp][gt] += 1;
					tacc[gp][gt] += c;
					tw[pp][pt] -= 1;
					tacc[pp][pt] -= c;
				}
				pp = pt;
				gp = gt;
			}
			c += 1;
			done++;
			if (t->o.progress && (done & 63) == 0)
				t->o.progress(t->o.progress_user, done, total);
		}
		if (t->o.epoch_end) {
			loa_seg_model *snap;
			if ((rc = make_model(t, w, acc, c, tw, tacc, &snap)) != LOA_OK) {
				rc = loa_err_set(err, rc, "hết bộ nhớ / out of memory");
				goto done;
			}
			t->o.epoch_end(t->o.epoch_user, ep + 1, snap);
			loa_seg_model_free(snap);
		}
	}
	if (t->o.progress)
		t->o.progress(t->o.progress_user, done, total);
	if ((rc = make_model(t, w, acc, c, tw, tacc, out)) != LOA_OK)
		rc = loa_err_set(err, rc, "không tạo được mô hình / cannot build model: %s",
				 loa_strerror(rc));
done:
	free(w);
	free(acc);
	free(order);
	free(e);
	free(bp);
	free(pred);
	return rc;
}

/* ---- streaming over the tokenizer ----------------------------------------- */

static int emit_window(loa_segmenter *s, size_t cut)
{
	if (cut == 0)
		return LOA_OK;
	for (size_t i = 0; i < cut; i++)
		s->uv[i] = (loa_seg_unit){s->text.data + s->pend[i].off, s->pend[i].len, s->pend[i].flags};
	if (s->m)
		tag_window(s, s->uv, cut, s->tags);
	else
		loa_segmenter_longest(s, s->uv, cut, s->tags);
	loa_buf *o = s->out;
	for (size_t i = 0; i < cut; i++) {
		int rc = LOA_OK;
		if (s->tags[i] || i == 0) {
			if (s->started)
				rc = loa_buf_putc(o, ' ');
		} else {
			rc = loa_buf_putc(o, '_');
		}
		if (!rc) {
			const char *p = s->uv[i].p;
			size_t n = s->uv[i].n;
			rc = loa_utf8_valid(p, n) ? loa_buf_append(o, p, n) : loa_utf8_sanitize(o, p, n);
		}
		if (rc)
			return rc;
		s->started = true;
	}
	/* move the rest down */
	size_t rest = s->npend - cut;
	size_t boff = cut < s->npend ? s->pend[cut].off : s->text.len;
	memmove(s->pend, s->pend + cut, rest * sizeof *s->pend);
	for (size_t i = 0; i < rest; i++)
		s->pend[i].off -= boff;
	loa_buf_consume(&s->text, boff);
	s->npend = rest;
	return LOA_OK;
}

static int push_unit(loa_segmenter *s, const char *p, size_t n, unsigned flags)
{
	if (s->npend == LOA_SEG_WINDOW) {
		/* cut after the last standalone unit in the second half */
		size_t cut = s->npend;
		for (size_t i = s->npend; i-- > s->npend / 2;)
			if (s->pend[i].flags & LOA_SEG_ALONE) {
				cut = i + 1;
				break;
			}
		int rc = emit_window(s, cut);
		if (rc)
			return rc;
	}
	size_t off = s->text.len;
	int rc = loa_buf_append(&s->text, p, n);
	if (rc)
		return rc;
	s->pend[s->npend++] = (pend_unit){off, n, flags};
	return LOA_OK;
}

static int on_token(void *user, const loa_token *tok, const char *text)
{
	loa_segmenter *s = user;
	size_t n = tok->end - tok->start;
	unsigned flags = 0;
	int rc = LOA_OK;
	switch (tok->type) {
	case LOA_TOK_PUNCT:
	case LOA_TOK_URL:
	case LOA_TOK_EMAIL:
	case LOA_TOK_HASHTAG:
	case LOA_TOK_MENTION:
	case LOA_TOK_EMOJI:
		flags = LOA_SEG_ALONE;
		break;
	default:
		break;
	}
	/* multi-word tokens (dates, money, ...) become one unit per piece */
	size_t i = 0;
	while (i < n && !rc) {
		while (i < n && is_sp(text[i]))
			i++;
		size_t j = i;
		while (j < n && !is_sp(text[j]))
			j++;
		if (j > i)
			rc = push_unit(s, text + i, j - i, flags);
		i = j;
	}
	if (rc) {
		s->err = rc;
		return 1;
	}
	return 0;
}

int loa_segmenter_feed(loa_segmenter *s, const char *text, size_t n, loa_buf *out)
{
	s->out = out;
	if (!s->ts_on) {
		loa_tokstream_init(&s->ts, on_token, s);
		s->ts_on = true;
		s->started = false;
		s->err = 0;
		s->npend = 0;
		loa_buf_reset(&s->text);
	}
	if (s->err)
		return s->err;
	int rc = loa_tokstream_feed(&s->ts, text, n);
	if (s->err)
		return s->err;
	return rc < 0 ? rc : LOA_OK;
}

int loa_segmenter_finish(loa_segmenter *s, loa_buf *out)
{
	int rc = LOA_OK;
	s->out = out;
	if (s->ts_on) {
		rc = loa_tokstream_finish(&s->ts);
		if (s->err)
			rc = s->err;
		if (rc == LOA_OK)
			rc = emit_window(s, s->npend);
		loa_tokstream_release(&s->ts);
		s->ts_on = false;
	}
	s->npend = 0;
	s->started = false;
	s->err = 0;
	loa_buf_reset(&s->text);
	return rc < 0 ? rc : LOA_OK;
}

int loa_segment_text(loa_segmenter *s, const char *text, size_t n, loa_buf *out)
{
	int rc = loa_segmenter_feed(s, text, n, out);
	int rc2 = loa_segmenter_finish(s, out);
	return rc ? rc : rc2;
}
