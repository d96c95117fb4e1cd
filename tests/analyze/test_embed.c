/* Unit tests of the word-vector trainer and file (src/analyze/embed.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/embed.h"
#include "core/buf.h"
#include "core/err.h"
#include "text/text.h"

/* Two groups of interchangeable tokens: pets ("mèo", "chó") always among
 * home words, vehicles ("xe", "tàu") among road words. */
static const char *pets[] = {"mèo", "chó"};
static const char *vehicles[] = {"xe", "tàu"};
static const char *home_w[] = {"ăn", "cơm", "ngủ", "sân", "nhà", "bát", "sữa", "vườn"};
static const char *road_w[] = {"chạy", "đường", "ga", "nhanh", "cầu", "bến", "phố", "ray"};

static uint64_t rng_state;
static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((rng_state >> 33) % n);
}

static void make_text(char *out, size_t cap, const char **grp, const char **ctx)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < 10; i++) {
		const char *w = (i % 3 == 1) ? grp[rnd(2)] : ctx[rnd(8)];
		int k = snprintf(out + len, cap - len, "%s%s", len ? " " : "", w);
		if (k < 0 || (size_t)k >= cap - len)
			break;
		len += (size_t)k;
	}
}

static loa_embed_trainer *groups_trainer(unsigned threads, uint64_t seed, unsigned min_count)
{
	loa_embed_opts o;
	loa_embed_opts_default(&o);
	o.dim = 16;
	o.epochs = 5;
	o.min_count = min_count;
	o.sample = 0; /* a tiny corpus: every token is "frequent" */
	o.threads = threads;
	o.seed = seed;
	o.note = "groups";
	loa_embed_trainer *t = NULL;
	loa_err err;
	assert_int_equal(loa_embed_trainer_new(&t, &o, &err), LOA_OK);
	char buf[256];
	rng_state = 11;
	for (int i = 0; i < 1500; i++) {
		int pet = i % 2 == 0;
		make_text(buf, sizeof buf, pet ? pets : vehicles, pet ? home_w : road_w);
		assert_int_equal(loa_embed_trainer_add(t, buf, strlen(buf)), LOA_OK);
	}
	/* a rare token, seen twice */
	const char *rare = "con kỳ lân ăn cơm. Kỳ lân!";
	assert_int_equal(loa_embed_trainer_add(t, rare, strlen(rare)), LOA_OK);
	return t;
}

static loa_embed *train_groups(unsigned threads, uint64_t seed, unsigned min_count)
{
	loa_embed_trainer *t = groups_trainer(threads, seed, min_count);
	loa_embed *e = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_embed_trainer_run(t, &e, &err);
	if (rc)
		fprintf(stderr, "run: %s\n", loa_err_msg(&err));
	assert_int_equal(rc, LOA_OK);
	loa_embed_trainer_free(t);
	return e;
}

/* The key of a word as the trainer sees it. */
static uint64_t key_of(const char *w)
{
	uint64_t k = loa_embed_word_key(w, strlen(w));
	assert_true(k != 0);
	return k;
}

static double cosine(const loa_embed *e, const char *a, const char *b)
{
	ptrdiff_t i = loa_embed_find(e, key_of(a)), j = loa_embed_find(e, key_of(b));
	assert_true(i >= 0);
	assert_true(j >= 0);
	float u[LOA_EMBED_MAX_DIM], v[LOA_EMBED_MAX_DIM];
	loa_embed_vector(e, (size_t)i, u);
	loa_embed_vector(e, (size_t)j, v);
	double uv = 0, uu = 0, vv = 0;
	for (unsigned k = 0; k < loa_embed_dim(e); k++) {
		uv += (double)u[k] * v[k];
		uu += (double)u[k] * u[k];
		vv += (double)v[k] * v[k];
	}
	return uv / sqrt(uu * vv + 1e-30);
}

static void check_groups(const loa_embed *e)
{
	double same1 = cosine(e, "mèo", "chó"), same2 = cosine(e, "xe", "tàu");
	double cross[4] = {cosine(e, "mèo", "xe"), cosine(e, "mèo", "tàu"), cosine(e, "chó", "xe"),
			   cosine(e, "chó", "tàu")};
	double worst_same = same1 < same2 ? same1 : same2, best_cross = -1;
	for (int i = 0; i < 4; i++)
		if (cross[i] > best_cross)
			best_cross = cross[i];
	printf("same %.3f %.3f, best cross %.3f\n", same1, same2, best_cross);
	assert_true(worst_same > 0.5);
	assert_true(worst_same > best_cross + 0.3);
	/* context words are grouped too */
	assert_true(cosine(e, "đường", "ga") > cosine(e, "đường", "cơm") + 0.3);
}

static void groups_are_close(void **state)
{
	(void)state;
	loa_embed *e = train_groups(1, 1, 3);
	assert_int_equal(loa_embed_dim(e), 16);
	/* 2 + 2 group tokens, 16 context words, "con" (seen once: dropped) */
	assert_int_equal(loa_embed_count(e), 20);
	assert_string_equal(loa_embed_note(e), "groups");
	check_groups(e);
	loa_embed_free(e);
	/* Hogwild threads learn the same structure */
	e = train_groups(2, 5, 3);
	check_groups(e);
	loa_embed_free(e);
}

static void image(const loa_embed *e, loa_buf *b)
{
	loa_buf_init(b, LOA_EMBED_FILE_MAX);
	assert_int_equal(loa_embed_write(e, b), LOA_OK);
}

static void deterministic(void **state)
{
	(void)state;
	loa_embed *a = train_groups(1, 42, 1), *b = train_groups(1, 42, 1), *c = train_groups(1, 43, 1);
	loa_buf ia, ib, ic;
	image(a, &ia);
	image(b, &ib);
	image(c, &ic);
	assert_int_equal(ia.len, ib.len);
	assert_memory_equal(ia.data, ib.data, ia.len);
	/* another seed gives other vectors (same keys, same length) */
	assert_int_equal(ia.len, ic.len);
	assert_memory_not_equal(ia.data, ic.data, ia.len);
	/* running the same trainer twice gives the same result too */
	loa_embed_trainer *t = groups_trainer(1, 42, 1);
	loa_err err;
	for (int i = 0; i < 2; i++) {
		loa_embed *d = NULL;
		assert_int_equal(loa_embed_trainer_run(t, &d, &err), LOA_OK);
		loa_buf id;
		image(d, &id);
		assert_int_equal(id.len, ia.len);
		assert_memory_equal(id.data, ia.data, ia.len);
		loa_buf_release(&id);
		loa_embed_free(d);
	}
	loa_embed_trainer_free(t);
	loa_buf_release(&ia);
	loa_buf_release(&ib);
	loa_buf_release(&ic);
	loa_embed_free(a);
	loa_embed_free(b);
	loa_embed_free(c);
}

static void min_count_and_max_vocab(void **state)
{
	(void)state;
	loa_embed *e = train_groups(1, 1, 1);
	/* with min_count 1 every token has a vector: "con", "kỳ", "lân" too;
	 * punctuation has none */
	assert_int_equal(loa_embed_count(e), 23);
	assert_true(loa_embed_find(e, key_of("kỳ")) >= 0);
	assert_true(loa_embed_find(e, key_of("con")) >= 0);
	assert_int_equal(loa_embed_find(e, key_of("!")), -1);
	assert_int_equal(loa_embed_find(e, key_of(".")), -1);
	loa_embed_free(e);
	e = train_groups(1, 1, 3);
	assert_int_equal(loa_embed_find(e, key_of("kỳ")), -1);  /* seen twice */
	assert_int_equal(loa_embed_find(e, key_of("con")), -1); /* seen once */
	assert_true(loa_embed_find(e, key_of("mèo")) >= 0);
	loa_embed_free(e);

	/* max_vocab keeps the most frequent: "a" (3x) and "b" (2x), not "c" */
	loa_embed_opts o;
	loa_embed_opts_default(&o);
	o.min_count = 1;
	o.max_vocab = 2;
	o.threads = 1;
	loa_embed_trainer *t = NULL;
	loa_err err;
	assert_int_equal(loa_embed_trainer_new(&t, &o, &err), LOA_OK);
	const char *txt = "a b c a b a";
	assert_int_equal(loa_embed_trainer_add(t, txt, strlen(txt)), LOA_OK);
	assert_int_equal(loa_embed_trainer_texts(t), 1);
	assert_int_equal(loa_embed_trainer_tokens(t), 6);
	assert_int_equal(loa_embed_trainer_run(t, &e, &err), LOA_OK);
	assert_int_equal(loa_embed_count(e), 2);
	assert_int_equal(loa_embed_key(e, 0), key_of("a"));
	assert_int_equal(loa_embed_key(e, 1), key_of("b"));
	assert_int_equal(loa_embed_find(e, key_of("c")), -1);
	/* numbers share one key per class */
	assert_int_equal(key_of("12"), key_of("3.000"));
	loa_embed_free(e);
	loa_embed_trainer_free(t);
}

static void errors(void **state)
{
	(void)state;
	loa_embed_opts o;
	loa_embed_trainer *t = NULL;
	loa_embed *e = NULL;
	loa_err err;
	loa_embed_opts_default(&o);
	o.dim = 0;
	assert_int_equal(loa_embed_trainer_new(&t, &o, &err), LOA_EINVAL);
	assert_null(t);
	assert_non_null(strstr(err.msg, "dim"));
	o.dim = LOA_EMBED_MAX_DIM + 1;
	assert_int_equal(loa_embed_trainer_new(&t, &o, &err), LOA_EINVAL);
	loa_embed_opts_default(&o);
	o.threads = 0;
	assert_int_equal(loa_embed_trainer_new(&t, &o, &err), LOA_EINVAL);
	loa_embed_opts_default(&o);
	o.lr = 0;
	assert_int_equal(loa_embed_trainer_new(&t, &o, &err), LOA_EINVAL);

	/* no tokens at all: nothing, empty texts, punctuation only */
	loa_embed_opts_default(&o);
	assert_int_equal(loa_embed_trainer_new(&t, &o, &err), LOA_OK);
	loa_err_clear(&err);
	assert_int_equal(loa_embed_trainer_run(t, &e, &err), LOA_EINVAL);
	assert_null(e);
	assert_non_null(strstr(err.msg, "no tokens"));
	assert_int_equal(loa_embed_trainer_add(t, "", 0), LOA_OK);
	assert_int_equal(loa_embed_trainer_add(t, "... !!! ?", 9), LOA_OK);
	assert_int_equal(loa_embed_trainer_add(t, NULL, 3), LOA_EINVAL);
	assert_int_equal(loa_embed_trainer_texts(t), 2);
	assert_int_equal(loa_embed_trainer_tokens(t), 0);
	assert_int_equal(loa_embed_trainer_run(t, &e, &err), LOA_EINVAL);
	assert_null(e);

	/* tokens, but none seen min_count times */
	const char *txt = "một hai ba";
	assert_int_equal(loa_embed_trainer_add(t, txt, strlen(txt)), LOA_OK);
	loa_err_clear(&err);
	assert_int_equal(loa_embed_trainer_run(t, &e, &err), LOA_EINVAL);
	assert_null(e);
	assert_non_null(strstr(err.msg, "vocabulary empty"));

	/* garbage: invalid UTF-8, NUL bytes, control characters, a long token */
	char junk[9000];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 131 + 7);
	memset(junk + 4000, 'x', 4500);
	for (int i = 0; i < 10; i++)
		assert_int_equal(loa_embed_trainer_add(t, junk, sizeof junk), LOA_OK);
	assert_true(loa_embed_trainer_tokens(t) > 3);
	assert_int_equal(loa_embed_trainer_run(t, &e, &err), LOA_OK);
	assert_true(loa_embed_count(e) >= 1);
	loa_embed_free(e);
	loa_embed_trainer_free(t);
	loa_embed_trainer_free(NULL);
}

static void save_load(void **state)
{
	(void)state;
	loa_embed *e = train_groups(1, 7, 3);
	char path[] = "/tmp/loa_test_embed_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	loa_err err;
	assert_int_equal(loa_embed_save(e, path, &err), LOA_OK);
	loa_embed *f = NULL;
	assert_int_equal(loa_embed_load(&f, path, &err), LOA_OK);
	unlink(path);
	assert_int_equal(loa_embed_count(f), loa_embed_count(e));
	assert_int_equal(loa_embed_dim(f), loa_embed_dim(e));
	assert_string_equal(loa_embed_note(f), "groups");
	float u[16], v[16];
	for (size_t i = 0; i < loa_embed_count(e); i++) {
		assert_int_equal(loa_embed_key(f, i), loa_embed_key(e, i));
		assert_int_equal(loa_embed_find(f, loa_embed_key(e, i)), (ptrdiff_t)i);
		loa_embed_vector(e, i, u);
		loa_embed_vector(f, i, v);
		assert_memory_equal(u, v, sizeof u);
	}
	check_groups(f);
	loa_embed_free(f);
	loa_embed_free(e);
}

/* A view borrows the caller's image: the same vectors, the image untouched
 * and not freed (ASan would see a double free), a damaged or misaligned
 * image refused without freeing it. */
static void view(void **state)
{
	(void)state;
	loa_embed *e = train_groups(1, 7, 3);
	loa_buf b;
	image(e, &b);
	/* an 8-aligned copy, and one byte off */
	uint64_t *al = malloc(b.len + 16);
	assert_non_null(al);
	memcpy(al, b.data, b.len);
	loa_embed *f = NULL;
	loa_err err;
	assert_int_equal(loa_embed_load_view(&f, al, b.len, &err), LOA_OK);
	assert_int_equal(loa_embed_count(f), loa_embed_count(e));
	float u[16], v[16];
	for (size_t i = 0; i < loa_embed_count(e); i++) {
		assert_int_equal(loa_embed_find(f, loa_embed_key(e, i)), (ptrdiff_t)i);
		loa_embed_vector(e, i, u);
		loa_embed_vector(f, i, v);
		assert_memory_equal(u, v, sizeof u);
	}
	check_groups(f);
	loa_buf w;
	loa_buf_init(&w, 0);
	assert_int_equal(loa_embed_write(f, &w), LOA_OK);
	assert_int_equal(w.len, b.len);
	assert_memory_equal(w.data, b.data, b.len);
	loa_buf_release(&w);
	loa_embed_free(f);
	assert_memory_equal(al, b.data, b.len); /* still there, unchanged */

	unsigned char *odd = (unsigned char *)al + 1;
	memmove(odd, b.data, b.len);
	f = (loa_embed *)1;
	assert_int_equal(loa_embed_load_view(&f, odd, b.len, &err), LOA_EINVAL);
	assert_int_equal(loa_embed_load_view(&f, NULL, b.len, &err), LOA_EINVAL);
	memcpy(al, b.data, b.len);
	((unsigned char *)al)[b.len / 2] ^= 1; /* bad checksum */
	assert_int_equal(loa_embed_load_view(&f, al, b.len, &err), LOA_EPARSE);
	assert_null(f);
	assert_int_equal(loa_embed_load_view(&f, al, b.len - 8, &err), LOA_EPARSE);
	assert_null(f);
	free(al); /* still ours */
	loa_buf_release(&b);
	loa_embed_free(e);
}

typedef struct prog {
	uint64_t calls, last_done, last_total;
} prog;

static void on_progress(void *user, uint64_t done, uint64_t total)
{
	prog *p = user;
	p->calls++;
	p->last_done = done;
	p->last_total = total;
}

static void progress_reported(void **state)
{
	(void)state;
	loa_embed_opts o;
	loa_embed_opts_default(&o);
	o.min_count = 1;
	o.epochs = 2;
	o.threads = 3;
	prog p = {0};
	o.progress = on_progress;
	o.progress_user = &p;
	loa_embed_trainer *t = NULL;
	loa_err err;
	assert_int_equal(loa_embed_trainer_new(&t, &o, &err), LOA_OK);
	for (int i = 0; i < 50; i++)
		assert_int_equal(loa_embed_trainer_add(t, "một hai ba bốn", strlen("một hai ba bốn")), LOA_OK);
	loa_embed *e = NULL;
	assert_int_equal(loa_embed_trainer_run(t, &e, &err), LOA_OK);
	assert_true(p.calls >= 2);
	assert_int_equal(p.last_total, 2 * 50 * 4);
	assert_int_equal(p.last_done, p.last_total);
	loa_embed_free(e);
	loa_embed_trainer_free(t);
}

/* A word's key: case and Unicode form do not matter; no token, no key. */
static void word_keys(void **state)
{
	(void)state;
	uint64_t k = loa_embed_word_key("tốt", strlen("tốt"));
	assert_true(k != 0);
	assert_true(loa_embed_word_key("Tốt", strlen("Tốt")) == k);
	assert_true(loa_embed_word_key("to\xcc\x82\xcc\x81t", 7) == k); /* NFD: o, circumflex, acute */
	assert_true(loa_embed_word_key("tốt lắm", strlen("tốt lắm")) == k);
	assert_true(loa_embed_word_key("tot", 3) != k);
	assert_true(loa_embed_word_key("", 0) == 0);
	assert_true(loa_embed_word_key("   ", 3) == 0);
	assert_true(loa_embed_word_key(NULL, 4) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(word_keys),
		cmocka_unit_test(groups_are_close), cmocka_unit_test(deterministic),
		cmocka_unit_test(min_count_and_max_vocab), cmocka_unit_test(errors),
		cmocka_unit_test(save_load), cmocka_unit_test(view), cmocka_unit_test(progress_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
