/* embed.c - word vectors: the file, lookup, building from arrays (embed.h).
 * Training is in embed_train.c. */
#include "analyze/embed.h"
#include "analyze/hash_int.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/paths.h"

#include "core/banned.h"

#define EMB_MAGIC "LOAEMB\x1a"
#define EMB_HEADER 32u /* magic 8, version 4, dim 4, count 8, note bytes 4, reserved 4 */

struct loa_embed {
	unsigned dim;
	size_t count;
	const char *note;
	const uint64_t *keys;
	const float *scales;
	const int8_t *rows;
	/* the lookup index, built at load: open addressing, index + 1 (0 =
	 * empty); the keys, scales and rows stay in the file image */
	uint32_t *slots;
	size_t mask;
	unsigned char *data; /* the file image (owned unless borrowed) */
	size_t size;
	bool borrowed; /* loa_embed_load_view: data belongs to the caller */
};

uint64_t loa_embed_token_key(const loa_token *tok, const char *text)
{
	return loa__tok_key(tok, text, NULL, NULL);
}

static int first_key(void *user, const loa_token *tok, const char *text)
{
	*(uint64_t *)user = loa_embed_token_key(tok, text);
	return 1; /* the first token only */
}

uint64_t loa_embed_word_key(const char *s, size_t n)
{
	if (!s && n)
		return 0;
	loa_buf b;
	loa_buf_init(&b, 4 * n + 64);
	uint64_t k = 0;
	if (loa_text_normalize(s ? s : "", n, LOA_NORM_MATCH, &b) == LOA_OK && b.len)
		loa_text_tokenize(b.data, b.len, first_key, &k);
	loa_buf_release(&b);
	return k;
}

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

typedef struct layout {
	size_t note, keys, scales, rows, sum, total;
} layout;

static void make_layout(layout *l, unsigned dim, size_t count, size_t note_bytes)
{
	l->note = EMB_HEADER;
	l->keys = pad8(l->note + note_bytes);
	l->scales = l->keys + count * 8;
	l->rows = pad8(l->scales + count * 4);
	l->sum = pad8(l->rows + count * dim);
	l->total = l->sum + 8;
}

void loa_embed_free(loa_embed *e)
{
	if (!e)
		return;
	free(e->slots);
	if (!e->borrowed)
		free(e->data);
	free(e);
}

static void drop_image(unsigned char *d, bool borrow)
{
	if (!borrow)
		free(d);
}

/* Reads the image d[0..n). Takes d (malloc'd) in every case, unless borrow:
 * then d stays the caller's, on success as on failure. */
static int from_image(loa_embed **out, unsigned char *d, size_t n, bool borrow, loa_err *err)
{
	*out = NULL;
	uint32_t ver, dim, nb;
	uint64_t count;
	if (n < EMB_HEADER + 8 || memcmp(d, EMB_MAGIC, 8) != 0) {
		drop_image(d, borrow);
		return loa_err_set(err, LOA_EPARSE,
				   "không phải tệp véc-tơ từ / not a word-vector file");
	}
	memcpy(&ver, d + 8, 4);
	memcpy(&dim, d + 12, 4);
	memcpy(&count, d + 16, 8);
	memcpy(&nb, d + 24, 4);
	if (ver != LOA_EMBED_VERSION) {
		drop_image(d, borrow);
		return loa_err_set(err, LOA_EVERSION,
				   "tệp véc-tơ từ phiên bản %u, cần %u / word-vector file version %u, "
				   "expected %u",
				   ver, LOA_EMBED_VERSION, ver, LOA_EMBED_VERSION);
	}
	layout l;
	if (dim == 0 || dim > LOA_EMBED_MAX_DIM || count == 0 || count > LOA_EMBED_MAX_COUNT ||
	    nb == 0 || nb > LOA_EMBED_NOTE_MAX) {
		drop_image(d, borrow);
		return loa_err_set(err, LOA_EPARSE, "tệp véc-tơ từ hỏng / corrupt word-vector file");
	}
	make_layout(&l, dim, (size_t)count, nb);
	uint64_t sum;
	if (l.total != n || (memcpy(&sum, d + l.sum, 8), sum != loa__file_checksum(d, l.sum)) ||
	    d[l.note + nb - 1] != '\0') {
		drop_image(d, borrow);
		return loa_err_set(err, LOA_EPARSE,
				   "tệp véc-tơ từ hỏng hoặc bị cắt / corrupt or truncated word-vector file");
	}
	loa_embed *e = calloc(1, sizeof *e);
	size_t cap = 16;
	while (cap < (size_t)count * 2) /* load <= 0.5 */
		cap <<= 1;
	uint32_t *slots = e ? calloc(cap, sizeof *slots) : NULL;
	if (!e || !slots) {
		free(e);
		free(slots);
		drop_image(d, borrow);
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	}
	e->dim = dim;
	e->count = (size_t)count;
	e->note = (const char *)d + l.note;
	e->keys = (const uint64_t *)(d + l.keys);
	e->scales = (const float *)(d + l.scales);
	e->rows = (const int8_t *)(d + l.rows);
	e->slots = slots;
	e->mask = cap - 1;
	e->data = d;
	e->size = n;
	e->borrowed = borrow;
	for (size_t i = 0; i < e->count; i++) {
		uint64_t k = e->keys[i];
		size_t j = (size_t)loa__fmix64(k) & e->mask;
		while (slots[j] && e->keys[slots[j] - 1] != k)
			j = (j + 1) & e->mask;
		/* |scale| <= 1e6: a vector of 127 * 1e6 at most, so sums of them
		 * stay finite */
		if (k == 0 || slots[j] || !(fabsf(e->scales[i]) <= 1e6f)) {
			loa_embed_free(e);
			return loa_err_set(err, LOA_EPARSE,
					   "tệp véc-tơ từ hỏng / corrupt word-vector file (key %zu)", i);
		}
		slots[j] = (uint32_t)(i + 1);
	}
	*out = e;
	return LOA_OK;
}

int loa_embed_from_arrays(loa_embed **out, unsigned dim, size_t count, const uint64_t *keys,
			  const float *vecs, const char *note, loa_err *err)
{
	if (!out)
		return loa_err_set(err, LOA_EINVAL, "tham số không hợp lệ / invalid argument");
	*out = NULL;
	if (dim == 0 || dim > LOA_EMBED_MAX_DIM || count == 0 || count > LOA_EMBED_MAX_COUNT ||
	    !keys || !vecs)
		return loa_err_set(err, LOA_EINVAL,
				   "véc-tơ từ không hợp lệ / invalid word vectors (dim %u, count %zu)",
				   dim, count);
	if (!note)
		note = "";
	size_t nb = strlen(note) + 1;
	if (nb > LOA_EMBED_NOTE_MAX)
		nb = LOA_EMBED_NOTE_MAX;
	layout l;
	make_layout(&l, dim, count, nb);
	unsigned char *d = calloc(1, l.total);
	if (!d)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	memcpy(d, EMB_MAGIC, 8);
	uint32_t ver = LOA_EMBED_VERSION, dm = dim, nb32 = (uint32_t)nb;
	uint64_t cnt = count;
	memcpy(d + 8, &ver, 4);
	memcpy(d + 12, &dm, 4);
	memcpy(d + 16, &cnt, 8);
	memcpy(d + 24, &nb32, 4);
	memcpy(d + l.note, note, nb - 1);
	memcpy(d + l.keys, keys, count * 8);
	float *scales = (float *)(d + l.scales);
	int8_t *rows = (int8_t *)(d + l.rows);
	for (size_t i = 0; i < count; i++) {
		const float *v = vecs + i * dim;
		float mx = 0;
		for (unsigned j = 0; j < dim; j++)
			if (fabsf(v[j]) > mx)
				mx = fabsf(v[j]);
		if (!isfinite(mx)) {
			free(d);
			return loa_err_set(err, LOA_EINVAL,
					   "véc-tơ từ không hữu hạn / word vector not finite (%zu)", i);
		}
		float s = mx > 0 ? mx / 127.0f : 1.0f;
		scales[i] = s;
		for (unsigned j = 0; j < dim; j++) {
			float q = nearbyintf(v[j] / s);
			rows[i * dim + j] = (int8_t)(q > 127 ? 127 : q < -127 ? -127 : q);
		}
	}
	uint64_t sum = loa__file_checksum(d, l.sum);
	memcpy(d + l.sum, &sum, 8);
	int rc = from_image(out, d, l.total, false, err);
	if (rc == LOA_EPARSE) /* only a repeated or zero key can fail here */
		loa_err_set(err, LOA_EINVAL, "khoá véc-tơ trùng hoặc bằng 0 / repeated or zero key");
	return rc == LOA_EPARSE ? LOA_EINVAL : rc;
}

int loa_embed_load_mem(loa_embed **out, const void *data, size_t n, loa_err *err)
{
	if (!out || (!data && n))
		return loa_err_set(err, LOA_EINVAL, "tham số không hợp lệ / invalid argument");
	*out = NULL;
	if (n > LOA_EMBED_FILE_MAX)
		return loa_err_set(err, LOA_ETOOBIG, "tệp véc-tơ từ quá lớn / word-vector file too big");
	unsigned char *d = malloc(n ? n : 1);
	if (!d)
		return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
	if (n)
		memcpy(d, data, n);
	return from_image(out, d, n, false, err);
}

int loa_embed_load_view(loa_embed **out, const void *data, size_t n, loa_err *err)
{
	if (!out || !data || ((uintptr_t)data & 7))
		return loa_err_set(err, LOA_EINVAL, "tham số không hợp lệ / invalid argument");
	*out = NULL;
	if (n > LOA_EMBED_FILE_MAX)
		return loa_err_set(err, LOA_ETOOBIG, "tệp véc-tơ từ quá lớn / word-vector file too big");
	/* the image is only read: the cast drops const for the shared field */
	return from_image(out, (unsigned char *)(uintptr_t)data, n, true, err);
}

int loa_embed_load(loa_embed **out, const char *path, loa_err *err)
{
	if (!out || !path)
		return loa_err_set(err, LOA_EINVAL, "tham số không hợp lệ / invalid argument");
	*out = NULL;
	unsigned char *d;
	size_t n;
	int rc = loa_file_read_all(path, LOA_EMBED_FILE_MAX, &d, &n, err);
	if (rc)
		return rc;
	rc = from_image(out, d, n, false, err);
	if (rc && err) {
		char msg[LOA_ERR_MSG_MAX];
		snprintf(msg, sizeof msg, "%s: %s", loa_err_msg(err), path);
		loa_err_set(err, rc, "%s", msg);
	}
	return rc;
}

int loa_embed_write(const loa_embed *e, loa_buf *out)
{
	if (!e || !out)
		return LOA_EINVAL;
	return loa_buf_append(out, e->data, e->size);
}

int loa_embed_save(const loa_embed *e, const char *path, loa_err *err)
{
	if (!e || !path)
		return loa_err_set(err, LOA_EINVAL, "tham số không hợp lệ / invalid argument");
	return loa_file_write_atomic(path, e->data, e->size, err);
}

unsigned loa_embed_dim(const loa_embed *e)
{
	return e ? e->dim : 0;
}

size_t loa_embed_count(const loa_embed *e)
{
	return e ? e->count : 0;
}

const char *loa_embed_note(const loa_embed *e)
{
	return e ? e->note : "";
}

uint64_t loa_embed_key(const loa_embed *e, size_t i)
{
	return e && i < e->count ? e->keys[i] : 0;
}

ptrdiff_t loa_embed_find(const loa_embed *e, uint64_t key)
{
	if (!e || !key)
		return -1;
	size_t j = (size_t)loa__fmix64(key) & e->mask;
	for (uint32_t s; (s = e->slots[j]) != 0; j = (j + 1) & e->mask)
		if (e->keys[s - 1] == key)
			return (ptrdiff_t)s - 1;
	return -1;
}

const int8_t *loa_embed_lookup(const loa_embed *e, uint64_t key, float *scale)
{
	ptrdiff_t i = loa_embed_find(e, key);
	if (i < 0)
		return NULL;
	*scale = e->scales[i];
	return e->rows + (size_t)i * e->dim;
}

const int8_t *loa_embed_row(const loa_embed *e, size_t i, float *scale)
{
	if (!e || i >= e->count)
		return NULL;
	if (scale)
		*scale = e->scales[i];
	return e->rows + i * e->dim;
}

void loa_embed_vector(const loa_embed *e, size_t i, float *v)
{
	float s;
	const int8_t *r = loa_embed_row(e, i, &s);
	if (!r)
		return;
	for (unsigned j = 0; j < e->dim; j++)
		v[j] = s * (float)r[j];
}
