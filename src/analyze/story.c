/*
 * story.c - MinHash signatures and an in-memory LSH index (story.h).
 */
#include "analyze/story.h"

#include "core/utf8.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* ---- shingles ----------------------------------------------------------- */

void loa_shingles_release(loa_shingles *s)
{
	free(s->h);
	free(s->tab);
	free(s->slot);
	free(s->fh);
	memset(s, 0, sizeof *s);
}

static inline uint64_t rotl(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

/* Fills s with the shingles of the n words whose folded hashes are at
 * base, base + stride, ... (bytes). */
static inline int shingles_of(const char *base, size_t stride, size_t n, unsigned k,
			      loa_shingles *s)
{
	/* empty the table: only the slots the previous text used */
	for (size_t i = 0; i < s->n; i++)
		s->tab[s->slot[i]] = 0;
	s->n = 0;
	if (k == 0)
		k = LOA_STORY_SHINGLE;
	if (n == 0)
		return LOA_OK;
	if (k > n)
		k = (unsigned)n;
	size_t m = n - k + 1;
	if (m > s->cap) {
		uint64_t *h = realloc(s->h, m * sizeof *h);
		uint32_t *sl = h ? realloc(s->slot, m * sizeof *sl) : NULL;
		if (h)
			s->h = h;
		if (!h || !sl)
			return LOA_ENOMEM;
		s->slot = sl;
		s->cap = m;
	}
	size_t tc = 64;
	while (tc < 2 * m + 2)
		tc *= 2;
	if (tc > s->tabcap || (s->tabcap > 4 * tc && s->tabcap > 4096)) {
		free(s->tab);
		s->tab = calloc(tc, sizeof *s->tab);
		if (!s->tab) {
			s->tabcap = 0;
			return LOA_ENOMEM;
		}
		s->tabcap = tc;
	}
	size_t mask = s->tabcap - 1;
	for (size_t i = 0; i < m; i++) {
		uint64_t x = 0x9e3779b97f4a7c15ULL * (k + 1);
		for (unsigned j = 0; j < k; j++) {
			uint64_t fh;
			memcpy(&fh, base + (i + j) * stride, sizeof fh);
			x = rotl(x, 23) ^ (fh * 0xff51afd7ed558ccdULL);
		}
		x = loa_an_mix64(x);
		if (x == 0)
			x = 1;
		for (size_t p = (size_t)x & mask;; p = (p + 1) & mask) {
			if (s->tab[p] == x)
				break;
			if (s->tab[p] == 0) {
				s->tab[p] = x;
				s->slot[s->n] = (uint32_t)p;
				s->h[s->n++] = x;
				break;
			}
		}
	}
	return LOA_OK;
}

int loa_shingles_make(const loa_an_doc *d, unsigned k, loa_shingles *s)
{
	return shingles_of(d->n ? (const char *)&d->w[0].fh : NULL, sizeof d->w[0], d->n, k, s);
}

bool loa_shingles_has(const loa_shingles *s, uint64_t h)
{
	if (!s->tab || s->n == 0)
		return false;
	if (h == 0)
		h = 1;
	size_t mask = s->tabcap - 1;
	for (size_t p = (size_t)h & mask;; p = (p + 1) & mask) {
		if (s->tab[p] == h)
			return true;
		if (s->tab[p] == 0)
			return false;
	}
}

/* ---- signatures --------------------------------------------------------- */

/* One-permutation hashing with densification (Shrivastava and Li 2014,
 * "densified one permutation hashing"): the top bits of a shingle's hash
 * choose one of the K bins, its low 32 bits compete for the bin's
 * minimum; an empty bin borrows the value of the next non-empty bin to its
 * right, mixed with the distance, so that two texts fill empty bins the
 * same way. One hash per shingle instead of K. Signatures are stored, so
 * this never changes without a new signature format. */
void loa_story_signature(const loa_shingles *s, loa_story_sig *sig)
{
	for (unsigned i = 0; i < LOA_STORY_K; i++)
		sig->v[i] = UINT32_MAX;
	sig->shingles = s->n > UINT32_MAX ? UINT32_MAX : (uint32_t)s->n;
	if (s->n == 0)
		return;
	bool filled[LOA_STORY_K] = {false};
	for (size_t j = 0; j < s->n; j++) {
		uint64_t h = s->h[j];
		unsigned bin = (unsigned)(h >> 58) % LOA_STORY_K;
		uint32_t v = (uint32_t)h;
		filled[bin] = true;
		if (v < sig->v[bin])
			sig->v[bin] = v;
	}
	uint32_t base[LOA_STORY_K];
	memcpy(base, sig->v, sizeof base);
	for (unsigned i = 0; i < LOA_STORY_K; i++) {
		if (filled[i])
			continue;
		for (unsigned d = 1; d < LOA_STORY_K; d++) {
			unsigned j = (i + d) % LOA_STORY_K;
			if (filled[j]) {
				sig->v[i] = (uint32_t)loa_an_mix64(base[j] + (uint64_t)d *
								   0x9e3779b97f4a7c15ULL);
				break;
			}
		}
	}
}

/* ---- straight from the text ------------------------------------------------ */

typedef struct sign_ctx {
	loa_shingles *s;
	int err;
} sign_ctx;

/* The words loa_an_doc keeps (lang.c): word-like tokens, by their folded
 * hash, at most LOA_AN_WORDS_MAX. */
static int sign_tok(void *user, const loa_token *tok, const char *text)
{
	switch (tok->type) {
	case LOA_TOK_WORD:
	case LOA_TOK_ABBR:
	case LOA_TOK_NUMBER:
	case LOA_TOK_PERCENT:
	case LOA_TOK_MONEY:
	case LOA_TOK_DATE:
	case LOA_TOK_TIME:
		break;
	default:
		return 0;
	}
	sign_ctx *c = user;
	loa_shingles *s = c->s;
	if (s->nfh >= LOA_AN_WORDS_MAX)
		return 1; /* stop */
	if (s->nfh == s->fhcap) {
		size_t nc = s->fhcap ? 2 * s->fhcap : 1024;
		uint64_t *f = realloc(s->fh, nc * sizeof *f);
		if (!f) {
			c->err = LOA_ENOMEM;
			return 1;
		}
		s->fh = f;
		s->fhcap = nc;
	}
	s->fh[s->nfh++] = loa_an_fold_hash(text, tok->end - tok->start);
	return 0;
}

int loa_story_sign_text(const char *t, size_t n, loa_shingles *s, loa_story_sig *sig)
{
	s->nfh = 0;
	if (!t)
		n = 0;
	if (n > LOA_AN_TEXT_MAX)
		n = loa_utf8_truncate(t, n, LOA_AN_TEXT_MAX);
	sign_ctx c = {s, LOA_OK};
	if (n)
		loa_text_tokenize(t, n, sign_tok, &c);
	int rc = c.err;
	if (!rc)
		rc = shingles_of((const char *)s->fh, sizeof *s->fh, s->nfh, LOA_STORY_SHINGLE, s);
	if (rc) {
		for (size_t i = 0; i < s->n; i++)
			s->tab[s->slot[i]] = 0;
		s->n = 0;
	}
	loa_story_signature(s, sig);
	return rc;
}

double loa_story_jaccard(const loa_story_sig *a, const loa_story_sig *b)
{
	if (a->shingles == 0 || b->shingles == 0)
		return 0;
	unsigned eq = 0;
	for (unsigned i = 0; i < LOA_STORY_K; i++)
		eq += a->v[i] == b->v[i];
	return (double)eq / LOA_STORY_K;
}

double loa_story_containment(const loa_story_sig *a, const loa_story_sig *b, double j)
{
	double na = a->shingles, nb = b->shingles;
	double mn = na < nb ? na : nb;
	if (mn <= 0)
		return 0;
	double c = j * (na + nb) / ((1 + j) * mn);
	return c > 1 ? 1 : c;
}

bool loa_story_same(const loa_story_sig *a, const loa_story_sig *b, double *score)
{
	double j = loa_story_jaccard(a, b);
	double c = loa_story_containment(a, b, j);
	if (score)
		*score = c;
	if (a->shingles < LOA_STORY_MIN_SHINGLES || b->shingles < LOA_STORY_MIN_SHINGLES)
		return false;
	return j >= LOA_STORY_MIN_J && c >= LOA_STORY_MIN_C;
}

/* ---- the index ---------------------------------------------------------- */

typedef struct entry {
	int64_t item, story;
	loa_ms at;
	uint32_t next[LOA_STORY_BANDS]; /* next entry (+1) in the same bucket; 0 = end */
	uint32_t seen;                  /* query stamp */
	loa_story_sig sig;
} entry;

typedef struct bucket {
	uint64_t key; /* 0 = empty */
	uint32_t head; /* entry + 1 */
} bucket;

/* Merged stories: a union-find of story id -> the story it was merged
 * into (always a smaller id, so there are no cycles), open addressing,
 * key 0 = empty. Only merged-away ids are held. */
typedef struct uf_slot {
	int64_t id, parent;
} uf_slot;

struct loa_story_index {
	loa_ms window;
	entry *e;
	size_t n, cap;
	bucket *b;
	size_t nb, used; /* buckets (power of two), used */
	uint32_t stamp;
	uf_slot *uf;
	size_t ufn, ufcap; /* held, slots (power of two) */
};

/* One story met by a search: its best-scoring entry. */
typedef struct cand {
	int64_t story, item;
	double s, j;
} cand;

static inline uint64_t uf_hash(int64_t id)
{
	return loa_an_mix64((uint64_t)id);
}

static uf_slot *uf_slot_of(const loa_story_index *ix, int64_t id)
{
	size_t mask = ix->ufcap - 1;
	for (size_t i = (size_t)uf_hash(id) & mask;; i = (i + 1) & mask)
		if (ix->uf[i].id == id || ix->uf[i].id == 0)
			return &ix->uf[i];
}

/* Room for `more` new ids, kept under half full. */
static int uf_reserve(loa_story_index *ix, size_t more)
{
	if ((ix->ufn + more) * 2 <= ix->ufcap)
		return LOA_OK;
	size_t nc = ix->ufcap ? ix->ufcap : 64;
	while ((ix->ufn + more) * 2 > nc)
		nc *= 2;
	uf_slot *old = ix->uf;
	size_t oldcap = ix->ufcap;
	ix->uf = calloc(nc, sizeof *ix->uf);
	if (!ix->uf) {
		ix->uf = old;
		return LOA_ENOMEM;
	}
	ix->ufcap = nc;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].id)
			*uf_slot_of(ix, old[i].id) = old[i];
	free(old);
	return LOA_OK;
}

/* The surviving story of `id`, compressing the path on the way. */
static int64_t uf_find(loa_story_index *ix, int64_t id)
{
	if (ix->ufn == 0)
		return id;
	int64_t r = id;
	for (;;) {
		uf_slot *u = uf_slot_of(ix, r);
		if (u->id == 0)
			break;
		r = u->parent;
	}
	while (id != r) {
		uf_slot *u = uf_slot_of(ix, id);
		id = u->parent;
		u->parent = r;
	}
	return r;
}

/* Merges root `from` into root `to` (to < from); room reserved. */
static void uf_union(loa_story_index *ix, int64_t from, int64_t to)
{
	uf_slot *u = uf_slot_of(ix, from);
	if (u->id == 0)
		ix->ufn++;
	u->id = from;
	u->parent = to;
}

static void uf_clear(loa_story_index *ix)
{
	if (ix->uf)
		memset(ix->uf, 0, ix->ufcap * sizeof *ix->uf);
	ix->ufn = 0;
}

static uint64_t band_key(const loa_story_sig *sig, unsigned band)
{
	uint64_t x = 0x51ab1e5eedULL + band * 0x9e3779b97f4a7c15ULL;
	for (unsigned r = 0; r < LOA_STORY_ROWS; r++)
		x = loa_an_mix64(x ^ sig->v[band * LOA_STORY_ROWS + r]);
	return x ? x : 1;
}

loa_story_index *loa_story_index_new(loa_ms window)
{
	loa_story_index *ix = calloc(1, sizeof *ix);
	if (!ix)
		return NULL;
	ix->window = window > 0 ? window : LOA_STORY_WINDOW_MS;
	return ix;
}

void loa_story_index_free(loa_story_index *ix)
{
	if (!ix)
		return;
	free(ix->e);
	free(ix->b);
	free(ix->uf);
	free(ix);
}

void loa_story_index_clear(loa_story_index *ix)
{
	ix->n = 0;
	if (ix->b)
		memset(ix->b, 0, ix->nb * sizeof *ix->b);
	ix->used = 0;
	uf_clear(ix);
}

size_t loa_story_index_size(const loa_story_index *ix)
{
	return ix->n;
}

static bucket *find_bucket(loa_story_index *ix, uint64_t key)
{
	size_t mask = ix->nb - 1;
	for (size_t i = (size_t)key & mask;; i = (i + 1) & mask) {
		if (ix->b[i].key == key || ix->b[i].key == 0)
			return &ix->b[i];
	}
}

static int link_entry(loa_story_index *ix, uint32_t idx);

static int grow_buckets(loa_story_index *ix)
{
	size_t nb = ix->nb ? ix->nb * 2 : 1024;
	bucket *b = calloc(nb, sizeof *b);
	if (!b)
		return LOA_ENOMEM;
	free(ix->b);
	ix->b = b;
	ix->nb = nb;
	ix->used = 0;
	for (size_t i = 0; i < ix->n; i++)
		link_entry(ix, (uint32_t)i);
	return LOA_OK;
}

/* Links entry idx into its band buckets (newest first). */
static int link_entry(loa_story_index *ix, uint32_t idx)
{
	entry *e = &ix->e[idx];
	for (unsigned band = 0; band < LOA_STORY_BANDS; band++) {
		bucket *b = find_bucket(ix, band_key(&e->sig, band));
		if (b->key == 0) {
			b->key = band_key(&e->sig, band);
			b->head = 0;
			ix->used++;
		}
		e->next[band] = b->head;
		b->head = idx + 1;
	}
	return LOA_OK;
}

/* Adds entry e's match (score sc) to the stories met, c[0..*nc): one per
 * story, its best-scoring entry (ties to the closer as a whole, then to the
 * earliest item: every cut of an article scores 1 against it, a copy of it
 * also has Jaccard 1); when all LOA_STORY_CANDS are taken, the weakest
 * gives way. */
static void cand_put(cand *c, size_t *nc, int64_t story, const entry *e, double sc,
		     const loa_story_sig *sig)
{
	size_t k = 0, worst = 0;
	for (; k < *nc; k++) {
		if (c[k].story == story)
			break;
		if (c[k].s < c[worst].s)
			worst = k;
	}
	if (k == *nc) {
		if (*nc < LOA_STORY_CANDS)
			(*nc)++;
		else if (sc > c[worst].s)
			k = worst;
		else
			return;
		c[k].j = loa_story_jaccard(sig, &e->sig);
	} else if (sc > c[k].s) {
		c[k].j = loa_story_jaccard(sig, &e->sig);
	} else if (sc == c[k].s) {
		double j = loa_story_jaccard(sig, &e->sig);
		if (!(j > c[k].j || (j == c[k].j && e->item < c[k].item)))
			return;
		c[k].j = j;
	} else {
		return;
	}
	c[k].story = story;
	c[k].item = e->item;
	c[k].s = sc;
}

/* a before b as the story an item joins: by score, then Jaccard, then the
 * earliest item */
static bool cand_better(const cand *a, const cand *b)
{
	if (a->s != b->s)
		return a->s > b->s;
	if (a->j != b->j)
		return a->j > b->j;
	return a->item < b->item;
}

/* The stories met by a search, c[0..return) (LOA_STORY_CANDS at most);
 * *best: the index of the most similar (ties to the earliest item). With
 * `all` false the search ends at the first band holding a match scoring
 * LOA_STORY_SURE; with `all` it goes on through every band (other
 * stories may be met), skipping only the entries of that sure story. */
static size_t search(loa_story_index *ix, loa_ms at, const loa_story_sig *sig, bool all,
		     cand *c, size_t *best)
{
	*best = 0;
	if (ix->n == 0 || sig->shingles < LOA_STORY_MIN_SHINGLES)
		return 0;
	if (++ix->stamp == 0) {
		for (size_t i = 0; i < ix->n; i++)
			ix->e[i].seen = 0;
		ix->stamp = 1;
	}
	size_t nc = 0;
	int64_t sure = 0; /* the story of a sure match (all) */
	for (unsigned band = 0; band < LOA_STORY_BANDS; band++) {
		uint64_t key = band_key(sig, band);
		bucket *b = find_bucket(ix, key);
		if (b->key == 0)
			continue;
		unsigned walked = 0;
		/* newest first; a bucket crowded by one big story need not be
		 * walked to its end */
		for (uint32_t k = b->head; k && walked < LOA_STORY_BUCKET_WALK;
		     k = ix->e[k - 1].next[band], walked++) {
			entry *e = &ix->e[k - 1];
			if (e->seen == ix->stamp)
				continue;
			e->seen = ix->stamp;
			loa_ms dt = e->at > at ? e->at - at : at - e->at;
			if (dt > ix->window)
				continue;
			int64_t story = uf_find(ix, e->story);
			if (sure && story == sure)
				continue;
			double sc;
			if (!loa_story_same(sig, &e->sig, &sc))
				continue;
			cand_put(c, &nc, story, e, sc, sig);
		}
		if (nc == 0)
			continue;
		size_t bi = 0;
		for (size_t i = 1; i < nc; i++)
			if (cand_better(&c[i], &c[bi]))
				bi = i;
		*best = bi;
		if (c[bi].s >= LOA_STORY_SURE) {
			if (!all)
				break; /* a copy: no need to look further */
			sure = c[bi].story;
		}
	}
	return nc;
}

int64_t loa_story_index_find(loa_story_index *ix, loa_ms at, const loa_story_sig *sig,
			     double *score)
{
	cand c[LOA_STORY_CANDS];
	size_t best;
	size_t nc = search(ix, at, sig, false, c, &best);
	if (score)
		*score = nc ? c[best].s : 0;
	return nc ? c[best].story : 0;
}

static int cmp_u64_idx(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Keeps the newest half (by time) when the cap is reached. */
static int shrink(loa_story_index *ix)
{
	loa_ms *t = malloc(ix->n * sizeof *t);
	if (!t)
		return LOA_ENOMEM;
	for (size_t i = 0; i < ix->n; i++)
		t[i] = ix->e[i].at;
	/* median by sorting a copy */
	int (*cmp)(const void *, const void *) = cmp_u64_idx;
	for (size_t i = 0; i < ix->n; i++)
		t[i] ^= INT64_MIN; /* order-preserving map to unsigned */
	qsort(t, ix->n, sizeof *t, cmp);
	loa_ms cut = t[ix->n / 2] ^ INT64_MIN;
	free(t);
	size_t k = 0;
	for (size_t i = 0; i < ix->n; i++)
		if (ix->e[i].at >= cut) {
			ix->e[k] = ix->e[i];
			ix->e[k++].story = uf_find(ix, ix->e[i].story);
		}
	ix->n = k;
	/* the entries hold surviving ids now; merged-away ids are forgotten */
	uf_clear(ix);
	memset(ix->b, 0, ix->nb * sizeof *ix->b);
	ix->used = 0;
	for (size_t i = 0; i < ix->n; i++)
		link_entry(ix, (uint32_t)i);
	return LOA_OK;
}

int loa_story_index_add(loa_story_index *ix, int64_t item_id, int64_t story_id, loa_ms at,
			const loa_story_sig *sig)
{
	if (sig->shingles < LOA_STORY_MIN_SHINGLES)
		return LOA_OK;
	if (ix->n >= LOA_STORY_MAX_ITEMS) {
		int rc = shrink(ix);
		if (rc)
			return rc;
	}
	if (ix->n == ix->cap) {
		size_t nc = ix->cap ? ix->cap * 2 : 1024;
		entry *e = realloc(ix->e, nc * sizeof *e);
		if (!e)
			return LOA_ENOMEM;
		ix->e = e;
		ix->cap = nc;
	}
	/* keep the bucket table under half full */
	if ((ix->used + LOA_STORY_BANDS) * 2 > ix->nb) {
		int rc = grow_buckets(ix);
		if (rc)
			return rc;
	}
	entry *e = &ix->e[ix->n];
	e->item = item_id;
	e->story = story_id;
	e->at = at;
	e->seen = 0;
	e->sig = *sig;
	ix->n++;
	return link_entry(ix, (uint32_t)(ix->n - 1));
}

int loa_story_index_assign(loa_story_index *ix, int64_t item_id, loa_ms at,
			   const loa_story_sig *sig, int64_t *story, double *score)
{
	return loa_story_index_assign2(ix, item_id, at, sig, story, score, NULL, 0, NULL);
}

/* Merge order: the closest as a whole first (Jaccard, the merge's own
 * test; containment is 1 for every cut of the item), then by score, then
 * the older entry. */
static int cmp_merge(const void *x, const void *y)
{
	const cand *a = x, *b = y;
	if (a->j != b->j)
		return a->j > b->j ? -1 : 1;
	if (a->s != b->s)
		return a->s > b->s ? -1 : 1;
	return a->item < b->item ? -1 : a->item > b->item;
}

int loa_story_index_assign2(loa_story_index *ix, int64_t item_id, loa_ms at,
			    const loa_story_sig *sig, int64_t *story, double *score,
			    int64_t *merged, size_t cap, size_t *nmerged)
{
	if (nmerged)
		*nmerged = 0;
	bool merging = merged && cap > 0;
	if (cap > LOA_STORY_MERGE_MAX)
		cap = LOA_STORY_MERGE_MAX;
	cand c[LOA_STORY_CANDS];
	size_t best;
	size_t nc = search(ix, at, sig, merging, c, &best);
	if (score)
		*score = nc ? c[best].s : 0;
	if (nc == 0) {
		*story = item_id;
		return loa_story_index_add(ix, item_id, item_id, at, sig);
	}
	/* the stories to merge: the joined one and the others met, when the
	 * item is close to each as a whole (Jaccard), most similar first */
	size_t nm = 0;
	int64_t surv = c[best].story;
	if (merging && c[best].j >= LOA_STORY_MERGE_J) {
		cand strong[LOA_STORY_CANDS];
		for (size_t i = 0; i < nc; i++)
			if (i != best && c[i].j >= LOA_STORY_MERGE_J)
				strong[nm++] = c[i];
		qsort(strong, nm, sizeof *strong, cmp_merge);
		if (nm > cap)
			nm = cap;
		for (size_t i = 0; i < nm; i++)
			if (strong[i].story < surv)
				surv = strong[i].story;
		/* what goes away: the joined story unless it survives, the others
		 * but the survivor */
		size_t k = 0;
		if (c[best].story != surv)
			merged[k++] = c[best].story;
		for (size_t i = 0; i < nm; i++)
			if (strong[i].story != surv)
				merged[k++] = strong[i].story;
		if (nm && uf_reserve(ix, nm))
			return LOA_ENOMEM;
	}
	int rc = loa_story_index_add(ix, item_id, surv, at, sig);
	if (rc)
		return rc;
	for (size_t i = 0; i < nm; i++)
		uf_union(ix, merged[i], surv);
	*story = surv;
	if (nmerged)
		*nmerged = nm;
	return LOA_OK;
}
