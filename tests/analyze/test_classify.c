/* Unit tests of the text classifier (src/analyze/classify.h). */
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

#include "analyze/classify.h"
#include "analyze/embed.h"
#include "analyze/hash_int.h" /* the files' checksum */
#include "text/text.h"
#include "core/buf.h"
#include "core/err.h"

/* A tiny synthetic task: three classes, each with its own words, plus
 * shared filler words. */
static const char *pos_w[] = {"tuyệt vời", "thành công", "xuất sắc", "khen thưởng", "phát triển",
			      "vui mừng", "hiệu quả", "tăng trưởng"};
static const char *neg_w[] = {"tai nạn", "cháy nổ", "tham nhũng", "lừa đảo", "thiệt hại",
			      "tử vong", "bắt giữ", "ô nhiễm"};
static const char *neu_w[] = {"kế hoạch", "thông báo", "lịch trình", "hướng dẫn", "giới thiệu",
			      "cuộc họp", "thời tiết", "sản phẩm"};
static const char *fill_w[] = {"hôm nay", "người dân", "thành phố", "cho biết", "theo", "tại",
			       "năm nay", "của", "và", "đã"};

static uint64_t rng_state = 7;
static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((rng_state >> 33) % n);
}

static void make_text(char *out, size_t cap, const char **cls, size_t ncls)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < 8; i++) {
		const char *w = (i % 2 == 0) ? cls[rnd((unsigned)ncls)]
					     : fill_w[rnd(sizeof fill_w / sizeof fill_w[0])];
		int k = snprintf(out + len, cap - len, "%s%s", len ? " " : "", w);
		if (k < 0 || (size_t)k >= cap - len)
			break;
		len += (size_t)k;
	}
}

static loa_cls_model *train_tiny(unsigned folds)
{
	loa_cls_opts o;
	loa_cls_opts_default(&o);
	o.folds = folds;
	o.min_df = 1;
	o.note = "tiny synthetic test set";
	loa_cls_trainer *t = NULL;
	loa_err err;
	assert_int_equal(loa_cls_trainer_new(&t, &o, &err), LOA_OK);
	char buf[512];
	rng_state = 7;
	for (int i = 0; i < 60; i++) {
		make_text(buf, sizeof buf, pos_w, 8);
		assert_int_equal(loa_cls_trainer_add(t, "positive", 8, buf, strlen(buf), &err), LOA_OK);
		make_text(buf, sizeof buf, neg_w, 8);
		assert_int_equal(loa_cls_trainer_add(t, "negative", 8, buf, strlen(buf), &err), LOA_OK);
		make_text(buf, sizeof buf, neu_w, 8);
		assert_int_equal(loa_cls_trainer_add(t, "neutral", 7, buf, strlen(buf), &err), LOA_OK);
	}
	assert_int_equal(loa_cls_trainer_count(t), 180);
	loa_cls_model *m = NULL;
	loa_cls_cv cv;
	int rc = loa_cls_trainer_run(t, &m, &cv, &err);
	if (rc)
		fail_msg("train: %s", loa_err_msg(&err));
	if (folds >= 2) {
		assert_true(cv.macro_f1 > 0.9);
		assert_true(cv.temperature > 0);
	}
	loa_cls_trainer_free(t);
	return m;
}

static const char *predict(loa_classifier *c, const loa_cls_model *m, const char *s,
			   loa_cls_result *r)
{
	assert_int_equal(loa_classify(c, s, strlen(s), r), LOA_OK);
	return loa_cls_model_label(m, r->label);
}

static void trains_and_predicts(void **state)
{
	loa_cls_model *m = train_tiny(3);
	assert_int_equal(loa_cls_model_classes(m), 3);
	/* labels are sorted */
	assert_string_equal(loa_cls_model_label(m, 0), "negative");
	assert_string_equal(loa_cls_model_label(m, 1), "neutral");
	assert_string_equal(loa_cls_model_label(m, 2), "positive");
	assert_null(loa_cls_model_label(m, 3));
	assert_int_equal(loa_cls_model_find(m, "neutral", 7), 1);
	assert_int_equal(loa_cls_model_find(m, "other", 5), -1);
	assert_string_equal(loa_cls_model_note(m), "tiny synthetic test set");
	loa_classifier *c = loa_classifier_new(m);
	assert_non_null(c);
	loa_cls_result r;
	assert_string_equal(predict(c, m, "Vụ tai nạn và cháy nổ gây thiệt hại lớn", &r), "negative");
	assert_true(r.features > 0);
	assert_string_equal(predict(c, m, "Thành phố tăng trưởng xuất sắc, người dân vui mừng", &r),
			    "positive");
	assert_string_equal(predict(c, m, "Thông báo lịch trình cuộc họp và hướng dẫn", &r),
			    "neutral");
	/* without diacritics: the folded character n-grams still match */
	assert_string_equal(predict(c, m, "vu tai nan chay no gay thiet hai", &r), "negative");
	assert_string_equal(predict(c, m, "TĂNG TRƯỞNG XUẤT SẮC", &r), "positive");
	loa_classifier_free(c);
	loa_cls_model_free(m);
}

/* Two classes (the mirrored one-vs-rest case), with or without the NB view. */
static loa_cls_model *train_binary(bool nb)
{
	loa_cls_opts o;
	loa_cls_opts_default(&o);
	o.folds = 3;
	o.min_df = 1;
	o.nb = nb;
	loa_cls_trainer *t = NULL;
	loa_err err;
	assert_int_equal(loa_cls_trainer_new(&t, &o, &err), LOA_OK);
	char buf[512];
	rng_state = 11;
	for (int i = 0; i < 80; i++) {
		make_text(buf, sizeof buf, pos_w, 8);
		assert_int_equal(loa_cls_trainer_add(t, "positive", 8, buf, strlen(buf), &err), LOA_OK);
		if (i % 2 == 0) { /* the negative class is the smaller one */
			make_text(buf, sizeof buf, neg_w, 8);
			assert_int_equal(loa_cls_trainer_add(t, "negative", 8, buf, strlen(buf), &err),
					 LOA_OK);
		}
	}
	loa_cls_model *m = NULL;
	loa_cls_cv cv;
	if (loa_cls_trainer_run(t, &m, &cv, &err))
		fail_msg("train: %s", loa_err_msg(&err));
	assert_true(cv.macro_f1 > 0.9);
	loa_cls_trainer_free(t);
	return m;
}

static void nb_view(void **state)
{
	loa_cls_model *with = train_binary(true), *without = train_binary(false);
	loa_classifier *a = loa_classifier_new(with), *b = loa_classifier_new(without);
	assert_non_null(a);
	assert_non_null(b);
	const char *neg = "Vụ tai nạn và cháy nổ gây thiệt hại, tử vong",
		   *pos = "Thành phố tăng trưởng xuất sắc, người dân vui mừng";
	loa_cls_result r1, r2;
	/* both models get the two classes right, with probabilities that sum to 1 */
	assert_string_equal(predict(a, with, neg, &r1), "negative");
	assert_true(fabs(r1.probs[0] + r1.probs[1] - 1) < 1e-9);
	assert_string_equal(predict(a, with, pos, &r1), "positive");
	assert_string_equal(predict(b, without, neg, &r2), "negative");
	assert_string_equal(predict(b, without, pos, &r2), "positive");
	/* the NB view changes the weights: a mixed text gets another probability */
	const char *mixed = "tai nạn thành công người dân";
	assert_int_equal(loa_classify(a, mixed, strlen(mixed), &r1), LOA_OK);
	assert_int_equal(loa_classify(b, mixed, strlen(mixed), &r2), LOA_OK);
	assert_true(r1.prob < 0.999 && r2.prob < 0.999);
	assert_true(fabs(r1.probs[0] - r2.probs[0]) > 1e-3);
	loa_classifier_free(a);
	loa_classifier_free(b);
	loa_cls_model_free(with);
	loa_cls_model_free(without);
}

/* The tiny three-class set, `rounds` x (2 + 1/3) texts, with the given
 * options (folds 3, min_df 1). */
static loa_cls_model *train_tiny_with(loa_cls_opts *o, loa_cls_cv *cv, int rounds)
{
	o->folds = 3;
	o->min_df = 1;
	loa_cls_trainer *t = NULL;
	loa_err err;
	assert_int_equal(loa_cls_trainer_new(&t, o, &err), LOA_OK);
	char buf[512];
	rng_state = 7;
	for (int i = 0; i < rounds; i++) {
		make_text(buf, sizeof buf, pos_w, 8);
		assert_int_equal(loa_cls_trainer_add(t, "positive", 8, buf, strlen(buf), &err), LOA_OK);
		make_text(buf, sizeof buf, neg_w, 8);
		assert_int_equal(loa_cls_trainer_add(t, "negative", 8, buf, strlen(buf), &err), LOA_OK);
		if (i % 3 == 0) { /* a small class */
			make_text(buf, sizeof buf, neu_w, 8);
			assert_int_equal(loa_cls_trainer_add(t, "neutral", 7, buf, strlen(buf), &err),
					 LOA_OK);
		}
	}
	loa_cls_model *m = NULL;
	if (loa_cls_trainer_run(t, &m, cv, &err))
		fail_msg("train: %s", loa_err_msg(&err));
	loa_cls_trainer_free(t);
	return m;
}

/* Stacking (the default): a second layer over the two views' scores, folded
 * into the same weights; bagging; nested cross-validation of the recipe. */
static void stack_bag_nested(void **state)
{
	loa_cls_opts o;
	loa_cls_opts_default(&o);
	assert_true(o.stack);
	assert_false(o.bag);
	assert_int_equal(o.nested, 0);
	loa_cls_cv cv_s, cv_a, cv_b, cv_small;
	/* stacking needs LOA_CLS_STACK_MIN_TEXTS texts: 140 are averaged */
	loa_cls_model_free(train_tiny_with(&o, &cv_small, 60));
	assert_false(cv_small.stacked);
	o.nested = 3;
	loa_cls_model *ms = train_tiny_with(&o, &cv_s, 450); /* 1,050 texts */
	assert_true(cv_s.stacked);
	/* nested CV ran with 3 outer folds and measured all four variants */
	assert_int_equal(cv_s.nested_folds, 3);
	assert_true(cv_s.nested_single > 0.9 && cv_s.nested_single <= 1.0);
	assert_true(cv_s.nested_bag > 0.9 && cv_s.nested_bag <= 1.0);
	assert_true(cv_s.nested_fold_models > 0.9 && cv_s.nested_fold_models <= 1.0);
	assert_true(cv_s.nested_stack > 0.9 && cv_s.nested_stack <= 1.0);
	assert_true(cv_s.macro_f1 > 0.9);
	loa_cls_opts_default(&o);
	o.stack = false;
	loa_cls_model *ma = train_tiny_with(&o, &cv_a, 450);
	assert_int_equal(cv_a.nested_folds, 0);
	assert_false(cv_a.stacked);
	o.bag = true;
	loa_cls_model *mb = train_tiny_with(&o, &cv_b, 450);
	loa_cls_model *mods[3] = {ms, ma, mb};
	loa_classifier *c[3];
	loa_cls_result r[3];
	const char *mixed = "tai nạn thành công kế hoạch người dân";
	for (int i = 0; i < 3; i++) {
		c[i] = loa_classifier_new(mods[i]);
		assert_non_null(c[i]);
		assert_string_equal(predict(c[i], mods[i], "Vụ tai nạn và cháy nổ gây thiệt hại", &r[i]),
				    "negative");
		assert_string_equal(predict(c[i], mods[i], "Thông báo lịch trình cuộc họp", &r[i]),
				    "neutral");
		assert_string_equal(predict(c[i], mods[i], "tăng trưởng xuất sắc", &r[i]), "positive");
		assert_int_equal(loa_classify(c[i], mixed, strlen(mixed), &r[i]), LOA_OK);
		assert_true(fabs(r[i].probs[0] + r[i].probs[1] + r[i].probs[2] - 1) < 1e-9);
	}
	/* each recipe gives other weights: the mixed text gets other probabilities */
	assert_true(fabs(r[0].probs[0] - r[1].probs[0]) > 1e-4);
	assert_true(fabs(r[2].probs[0] - r[1].probs[0]) > 1e-4);
	for (int i = 0; i < 3; i++) {
		loa_classifier_free(c[i]);
		loa_cls_model_free(mods[i]);
	}
}

static void probabilities(void **state)
{
	loa_cls_model *m = train_tiny(3);
	loa_classifier *c = loa_classifier_new(m);
	const char *texts[] = {"tai nạn", "thành công rực rỡ", "kế hoạch", "", "xyz 123 !!!",
			       "tai nạn thành công kế hoạch"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		loa_cls_result r;
		assert_int_equal(loa_classify(c, texts[i], strlen(texts[i]), &r), LOA_OK);
		double sum = 0;
		for (unsigned q = 0; q < 3; q++) {
			assert_true(r.probs[q] >= 0 && r.probs[q] <= 1);
			assert_true(r.probs[q] <= r.prob + 1e-12); /* the label has the top probability */
			sum += r.probs[q];
		}
		assert_true(fabs(sum - 1) < 1e-9);
		assert_true(r.prob == r.probs[r.label]);
	}
	/* a clear case is confident, but not certain */
	loa_cls_result r;
	assert_int_equal(loa_classify(c, "tai nạn cháy nổ tử vong", 27, &r), LOA_OK);
	assert_true(r.prob > 0.6 && r.prob < 1.0);
	loa_classifier_free(c);
	loa_cls_model_free(m);
}

static void round_trip(void **state)
{
	loa_cls_model *m = train_tiny(0);
	loa_buf img;
	loa_buf_init(&img, LOA_CLS_MODEL_MAX);
	assert_int_equal(loa_cls_model_write(m, &img), LOA_OK);
	char path[] = "/tmp/loa_test_cls_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	loa_err err;
	assert_int_equal(loa_cls_model_save(m, path, &err), LOA_OK);
	loa_cls_model *m2 = NULL, *m3 = NULL;
	assert_int_equal(loa_cls_model_load(&m2, path, &err), LOA_OK);
	assert_int_equal(loa_cls_model_load_mem(&m3, img.data, img.len, &err), LOA_OK);
	unlink(path);
	assert_int_equal(loa_cls_model_features(m2), loa_cls_model_features(m));
	loa_classifier *a = loa_classifier_new(m), *b = loa_classifier_new(m2),
		       *c = loa_classifier_new(m3);
	const char *texts[] = {"tai nạn", "thành công", "kế hoạch thông báo", "", "bất kỳ",
			       "Người dân vui mừng vì tăng trưởng"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		loa_cls_result ra, rb, rc;
		size_t n = strlen(texts[i]);
		assert_int_equal(loa_classify(a, texts[i], n, &ra), LOA_OK);
		assert_int_equal(loa_classify(b, texts[i], n, &rb), LOA_OK);
		assert_int_equal(loa_classify(c, texts[i], n, &rc), LOA_OK);
		assert_int_equal(ra.label, rb.label);
		assert_int_equal(ra.label, rc.label);
		assert_true(ra.prob == rb.prob && ra.prob == rc.prob);
	}
	loa_classifier_free(a);
	loa_classifier_free(b);
	loa_classifier_free(c);
	loa_cls_model_free(m2);
	loa_cls_model_free(m3);
	loa_cls_model_free(m);
	loa_buf_release(&img);
}

static void bad_models(void **state)
{
	loa_cls_model *m = train_tiny(0);
	loa_buf img;
	loa_buf_init(&img, LOA_CLS_MODEL_MAX);
	assert_int_equal(loa_cls_model_write(m, &img), LOA_OK);
	loa_cls_model_free(m);
	loa_cls_model *x = NULL;
	loa_err err;
	/* truncated anywhere: a clear error, never a crash */
	size_t cuts[] = {0,  1,	  8,   15,	     16,	   40,		 87,
			 88, 95,  96,  100, img.len / 2, img.len - 9, img.len - 1};
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		loa_err_clear(&err);
		assert_int_equal(loa_cls_model_load_mem(&x, img.data, cuts[i], &err), LOA_EPARSE);
		assert_null(x);
		assert_true(strlen(loa_err_msg(&err)) > 0);
	}
	/* one flipped byte: the checksum catches it */
	char *bad = malloc(img.len);
	memcpy(bad, img.data, img.len);
	bad[img.len / 2] ^= 0x40;
	assert_int_equal(loa_cls_model_load_mem(&x, bad, img.len, &err), LOA_EPARSE);
	assert_non_null(strstr(loa_err_msg(&err), "truncated or corrupt"));
	/* a negation scope above the cap (header offset 16 + 72) */
	memcpy(bad, img.data, img.len);
	uint32_t big = LOA_CLS_NEG_SCOPE_MAX + 1;
	memcpy(bad + 88, &big, 4);
	assert_int_equal(loa_cls_model_load_mem(&x, bad, img.len, &err), LOA_EPARSE);
	/* another version */
	memcpy(bad, img.data, img.len);
	uint32_t v = LOA_CLS_MODEL_VERSION + 1;
	memcpy(bad + 8, &v, 4);
	assert_int_equal(loa_cls_model_load_mem(&x, bad, img.len, &err), LOA_EVERSION);
	assert_non_null(strstr(loa_err_msg(&err), "version"));
	/* not a model at all */
	memset(bad, 'x', img.len);
	assert_int_equal(loa_cls_model_load_mem(&x, bad, img.len, &err), LOA_EPARSE);
	free(bad);
	/* a file that does not exist */
	assert_int_equal(loa_cls_model_load(&x, "/nonexistent/dir/m.model", &err), LOA_ENOTFOUND);
	loa_buf_release(&img);
}

static void empty_and_huge(void **state)
{
	loa_cls_model *m = train_tiny(0);
	loa_classifier *c = loa_classifier_new(m);
	loa_cls_result r;
	assert_int_equal(loa_classify(c, "", 0, &r), LOA_OK);
	assert_int_equal(r.features, 0);
	assert_false(r.truncated);
	assert_true(r.label < 3);
	assert_int_equal(loa_classify(c, NULL, 0, &r), LOA_OK);
	assert_int_equal(loa_classify(c, NULL, 5, &r), LOA_EINVAL);
	assert_int_equal(loa_classify(c, "   \t\n ", 6, &r), LOA_OK);
	assert_int_equal(r.features, 0);
	/* 4 MiB of text, with invalid UTF-8 and NUL bytes: only the cap is read */
	size_t n = (size_t)4 << 20;
	char *big = malloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = "tai nạn \xff\x00 "[i % 13];
	assert_int_equal(loa_classify(c, big, n, &r), LOA_OK);
	assert_true(r.truncated);
	assert_true(r.features > 0);
	assert_string_equal(loa_cls_model_label(m, r.label), "negative");
	free(big);
	loa_classifier_free(c);
	loa_cls_model_free(m);
}

static void parse_lines(void **state)
{
	loa_str l, t;
	assert_int_equal(loa_cls_parse_line("pos\tgood text\r\n", 15, &l, &t), LOA_OK);
	assert_int_equal(l.n, 3);
	assert_memory_equal(l.p, "pos", 3);
	assert_int_equal(t.n, 9);
	assert_memory_equal(t.p, "good text", 9);
	assert_int_equal(loa_cls_parse_line("x\t", 2, &l, &t), LOA_OK);
	assert_int_equal(t.n, 0);
	assert_int_equal(loa_cls_parse_line("no tab here", 11, &l, &t), LOA_EPARSE);
	assert_int_equal(loa_cls_parse_line("\ttext", 5, &l, &t), LOA_EPARSE);
	assert_int_equal(loa_cls_parse_line("a b\ttext", 8, &l, &t), LOA_EPARSE);
	char lab[100];
	memset(lab, 'a', sizeof lab);
	lab[99] = '\t';
	assert_int_equal(loa_cls_parse_line(lab, 100, &l, &t), LOA_EPARSE);
}

static void trainer_errors(void **state)
{
	loa_cls_trainer *t = NULL;
	loa_err err;
	loa_cls_opts o;
	loa_cls_opts_default(&o);
	o.c = -1;
	assert_int_equal(loa_cls_trainer_new(&t, &o, &err), LOA_EINVAL);
	loa_cls_opts_default(&o);
	o.neg_scope = LOA_CLS_NEG_SCOPE_MAX + 1;
	assert_int_equal(loa_cls_trainer_new(&t, &o, &err), LOA_EINVAL);
	assert_int_equal(loa_cls_trainer_new(&t, NULL, &err), LOA_OK);
	assert_int_equal(loa_cls_trainer_add(t, "", 0, "x", 1, &err), LOA_EINVAL);
	assert_int_equal(loa_cls_trainer_add(t, "a\nb", 3, "x", 1, &err), LOA_EINVAL);
	assert_int_equal(loa_cls_trainer_add(t, "one", 3, "một", 4, &err), LOA_OK);
	assert_int_equal(loa_cls_trainer_add(t, "one", 3, "hai", 3, &err), LOA_OK);
	loa_cls_model *m = NULL;
	assert_int_equal(loa_cls_trainer_run(t, &m, NULL, &err), LOA_EINVAL); /* one label */
	assert_null(m);
	/* two labels, empty texts, more folds than texts: still trains */
	assert_int_equal(loa_cls_trainer_add(t, "two", 3, "", 0, &err), LOA_OK);
	assert_int_equal(loa_cls_trainer_run(t, &m, NULL, &err), LOA_OK);
	assert_non_null(m);
	loa_cls_model_free(m);
	loa_cls_trainer_free(t);
}

/* Two classes of short comments with negations, trained with the given
 * negation scope (no cross-validation, every n-gram kept). */
static loa_cls_model *train_neg(unsigned scope)
{
	static const char *good[] = {"tốt lắm", "hay lắm", "thầy dạy tốt", "rất hay và dễ hiểu"};
	static const char *bad[] = {"hôm nay không tốt lắm", "không hay , tốt lắm", "không tốt nhưng lắm",
				    "chưa hay lắm", "dạy không dễ hiểu"};
	loa_cls_opts o;
	loa_cls_opts_default(&o);
	o.folds = 0;
	o.min_df = 1;
	o.neg_scope = scope;
	loa_cls_trainer *t = NULL;
	loa_err err;
	assert_int_equal(loa_cls_trainer_new(&t, &o, &err), LOA_OK);
	for (int r = 0; r < 3; r++) {
		for (size_t i = 0; i < sizeof good / sizeof *good; i++)
			assert_int_equal(loa_cls_trainer_add(t, "pos", 3, good[i], strlen(good[i]), &err),
					 LOA_OK);
		for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
			assert_int_equal(loa_cls_trainer_add(t, "neg", 3, bad[i], strlen(bad[i]), &err),
					 LOA_OK);
	}
	loa_cls_model *m = NULL;
	if (loa_cls_trainer_run(t, &m, NULL, &err))
		fail_msg("train: %s", loa_err_msg(&err));
	loa_cls_trainer_free(t);
	return m;
}

static size_t features_of(const loa_cls_model *m, const char *s)
{
	loa_classifier *c = loa_classifier_new(m);
	assert_non_null(c);
	loa_cls_result r;
	assert_int_equal(loa_classify(c, s, strlen(s), &r), LOA_OK);
	loa_classifier_free(c);
	return r.features;
}


/* Negation scope: each word after a negation word, up to the scope, a
 * punctuation mark or nhưng/mà, adds one negated unigram in the W block and
 * one (folded) in the F block; the scope is kept in the model file. */
static void negation_scope(void **state)
{
	loa_cls_opts o;
	loa_cls_opts_default(&o);
	assert_int_equal(o.neg_scope, 0); /* off by default */
	loa_cls_model *plain = train_neg(0), *neg = train_neg(16), *one = train_neg(1);
	const char *full = "hôm nay không tốt lắm";
	size_t base = features_of(plain, full);
	assert_true(base > 0);
	/* tốt and lắm are negated: 2 words x (W + F) */
	assert_int_equal(features_of(neg, full), base + 4);
	/* a scope of one word */
	assert_int_equal(features_of(one, full), base + 2);
	/* punctuation ends the scope; so does nhưng */
	assert_int_equal(features_of(neg, "không hay , tốt lắm"),
			 features_of(plain, "không hay , tốt lắm") + 2);
	assert_int_equal(features_of(neg, "không tốt nhưng lắm"),
			 features_of(plain, "không tốt nhưng lắm") + 2);
	/* without diacritics: the folded negated unigrams (F block) match */
	assert_int_equal(features_of(neg, "khong tot lam"), features_of(plain, "khong tot lam") + 2);
	/* no negation word: nothing added */
	assert_int_equal(features_of(neg, "thầy dạy tốt lắm"), features_of(plain, "thầy dạy tốt lắm"));
	/* the scope survives the file: a reloaded model finds the same features */
	loa_buf img;
	loa_buf_init(&img, LOA_CLS_MODEL_MAX);
	assert_int_equal(loa_cls_model_write(neg, &img), LOA_OK);
	loa_cls_model *back = NULL;
	loa_err err;
	assert_int_equal(loa_cls_model_load_mem(&back, img.data, img.len, &err), LOA_OK);
	assert_int_equal(features_of(back, full), base + 4);
	loa_cls_model_free(back);
	/* truncated inside the new header fields: refused */
	assert_int_equal(loa_cls_model_load_mem(&back, img.data, 92, &err), LOA_EPARSE);
	assert_null(back);
	/* a version 1 file (header without the scope) is still read */
	loa_buf_reset(&img);
	assert_int_equal(loa_cls_model_write(plain, &img), LOA_OK);
	size_t n1 = img.len - 8;
	unsigned char *v1 = malloc(n1);
	assert_non_null(v1);
	uint32_t one32 = 1, hb = 72;
	memcpy(v1, img.data, 8);
	memcpy(v1 + 8, &one32, 4);
	memcpy(v1 + 12, &hb, 4);
	memcpy(v1 + 16, img.data + 16, 72);
	memcpy(v1 + 88, img.data + 96, img.len - 96 - 8);
	uint64_t sum = loa__file_checksum(v1, n1 - 8);
	memcpy(v1 + n1 - 8, &sum, 8);
	assert_int_equal(loa_cls_model_load_mem(&back, v1, n1, &err), LOA_OK);
	loa_classifier *a = loa_classifier_new(plain), *b = loa_classifier_new(back);
	loa_cls_result ra, rb;
	assert_int_equal(loa_classify(a, full, strlen(full), &ra), LOA_OK);
	assert_int_equal(loa_classify(b, full, strlen(full), &rb), LOA_OK);
	assert_int_equal(ra.features, rb.features);
	assert_true(ra.label == rb.label && ra.prob == rb.prob);
	loa_classifier_free(a);
	loa_classifier_free(b);
	loa_cls_model_free(back);
	/* ... and a version 1 file cut short is refused */
	assert_int_equal(loa_cls_model_load_mem(&back, v1, n1 - 1, &err), LOA_EPARSE);
	free(v1);
	loa_buf_release(&img);
	loa_cls_model_free(plain);
	loa_cls_model_free(neg);
	loa_cls_model_free(one);
}

/* ---- the dense view ------------------------------------------------------ */

/* A random word of 6 ASCII letters: its character n-grams tell nothing. */
static void rand_word(char *w)
{
	for (int i = 0; i < 6; i++)
		w[i] = (char)('a' + rnd(26));
	w[6] = '\0';
}

static uint64_t word_key(const char *w)
{
	uint64_t k = loa_embed_word_key(w, strlen(w));
	assert_true(k != 0);
	return k;
}

enum { DV_WORDS = 1200, DV_DIM = 8 };

/* Words of two kinds, each used in one text only (min_df 2 drops them from
 * the sparse features): only their vectors tell the kinds apart. */
static loa_cls_model *train_dense(const loa_embed *e, char (*words)[7], loa_cls_cv *cv)
{
	loa_cls_opts o;
	loa_cls_opts_default(&o);
	o.embed = e;
	o.char_min = o.char_max = 0;
	loa_cls_trainer *t = NULL;
	loa_err err;
	assert_int_equal(loa_cls_trainer_new(&t, &o, &err), LOA_OK);
	char buf[64];
	for (int i = 0; i < DV_WORDS; i++) {
		snprintf(buf, sizeof buf, "hôm nay %.6s và", words[i]);
		const char *lab = i % 2 ? "odd" : "even";
		assert_int_equal(loa_cls_trainer_add(t, lab, strlen(lab), buf, strlen(buf), &err), LOA_OK);
	}
	loa_cls_model *m = NULL;
	if (loa_cls_trainer_run(t, &m, cv, &err))
		fail_msg("train: %s", loa_err_msg(&err));
	loa_cls_trainer_free(t);
	return m;
}

static void dense_view(void **state)
{
	rng_state = 11;
	static char words[DV_WORDS + 40][7];
	uint64_t keys[DV_WORDS + 40];
	float vecs[(DV_WORDS + 40) * DV_DIM];
	for (int i = 0; i < DV_WORDS + 40; i++) {
		rand_word(words[i]);
		keys[i] = word_key(words[i]);
		for (int j = 0; j < i; j++)
			if (keys[j] == keys[i]) { /* a repeated word: draw again */
				i--;
				break;
			}
	}
	for (int i = 0; i < DV_WORDS + 40; i++)
		for (int j = 0; j < DV_DIM; j++) /* kind i % 2 points along axis i % 2 */
			vecs[i * DV_DIM + j] = (j == i % 2 ? 1.0f : 0.0f) + 0.2f * ((float)rnd(1000) / 1000 - 0.5f);
	loa_embed *e = NULL;
	loa_err err;
	assert_int_equal(loa_embed_from_arrays(&e, DV_DIM, DV_WORDS + 40, keys, vecs, "test", &err),
			 LOA_OK);
	loa_cls_cv cv_dense, cv_plain;
	loa_cls_model *m = train_dense(e, words, &cv_dense);
	loa_cls_model *plain = train_dense(NULL, words, &cv_plain);
	loa_embed_free(e); /* the model keeps its own copy */
	assert_int_equal(loa_cls_model_dense_dim(m), DV_DIM);
	assert_int_equal(loa_cls_model_dense_dim(plain), 0);
	/* cross-validated: the vectors carry the task, the sparse views cannot */
	assert_true(cv_dense.stacked);
	assert_true(cv_dense.macro_f1 > 0.95);
	assert_true(cv_plain.macro_f1 < 0.7);
	/* words never seen in training, known only by their vectors */
	loa_classifier *c = loa_classifier_new(m);
	assert_non_null(c);
	loa_cls_result r;
	int right = 0;
	char buf[64];
	for (int i = DV_WORDS; i < DV_WORDS + 40; i++) {
		snprintf(buf, sizeof buf, "hôm nay %.6s và", words[i]);
		assert_int_equal(loa_classify(c, buf, strlen(buf), &r), LOA_OK);
		right += strcmp(loa_cls_model_label(m, r.label), i % 2 ? "odd" : "even") == 0;
	}
	assert_true(right >= 38);
	/* no vector at all: the prior, not a crash */
	assert_int_equal(loa_classify(c, "", 0, &r), LOA_OK);
	/* the file keeps the dense view: same probabilities after a reload */
	loa_buf img;
	loa_buf_init(&img, LOA_CLS_MODEL_MAX);
	assert_int_equal(loa_cls_model_write(m, &img), LOA_OK);
	loa_cls_model *back = NULL;
	assert_int_equal(loa_cls_model_load_mem(&back, img.data, img.len, &err), LOA_OK);
	assert_int_equal(loa_cls_model_dense_dim(back), DV_DIM);
	loa_classifier *c2 = loa_classifier_new(back);
	loa_cls_result r2;
	snprintf(buf, sizeof buf, "hôm nay %.6s và", words[DV_WORDS + 1]);
	assert_int_equal(loa_classify(c, buf, strlen(buf), &r), LOA_OK);
	assert_int_equal(loa_classify(c2, buf, strlen(buf), &r2), LOA_OK);
	assert_true(r.label == r2.label && r.prob == r2.prob);
	loa_classifier_free(c2);
	loa_cls_model_free(back);
	/* cut anywhere in the dense section, or a byte changed in it: refused */
	for (size_t cut = img.len - 9; cut > img.len - 600; cut -= 97) {
		assert_int_equal(loa_cls_model_load_mem(&back, img.data, cut, &err), LOA_EPARSE);
		assert_null(back);
	}
	img.data[img.len - 100] ^= 0x40;
	assert_int_equal(loa_cls_model_load_mem(&back, img.data, img.len, &err), LOA_EPARSE);
	/* a version 2 reader's file (no dense view) must not claim one */
	img.data[img.len - 100] ^= 0x40;
	uint32_t two = 2;
	memcpy(img.data + 8, &two, 4);
	uint64_t sum = loa__file_checksum((unsigned char *)img.data, img.len - 8);
	memcpy(img.data + img.len - 8, &sum, 8);
	assert_int_equal(loa_cls_model_load_mem(&back, img.data, img.len, &err), LOA_EPARSE);
	/* a later version is refused as such */
	uint32_t later = LOA_CLS_MODEL_VERSION + 1;
	memcpy(img.data + 8, &later, 4);
	assert_int_equal(loa_cls_model_load_mem(&back, img.data, img.len, &err), LOA_EVERSION);
	loa_buf_release(&img);
	loa_classifier_free(c);
	loa_cls_model_free(m);
	loa_cls_model_free(plain);
}

static void scores(void **state)
{
	/* gold x pred: class 0 perfect, class 1 half */
	uint64_t conf[4] = {4, 0, 2, 2};
	loa_cls_prf prf[2];
	double acc;
	double mf = loa_cls_scores(conf, 2, prf, &acc);
	assert_true(fabs(acc - 0.75) < 1e-12);
	assert_true(fabs(prf[0].precision - 4.0 / 6) < 1e-12);
	assert_true(fabs(prf[1].recall - 0.5) < 1e-12);
	assert_true(fabs(mf - (prf[0].f1 + prf[1].f1) / 2) < 1e-12);
	assert_int_equal(prf[1].support, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trains_and_predicts), cmocka_unit_test(probabilities),
		cmocka_unit_test(round_trip),          cmocka_unit_test(bad_models),
		cmocka_unit_test(empty_and_huge),      cmocka_unit_test(parse_lines),
		cmocka_unit_test(trainer_errors),      cmocka_unit_test(scores),
		cmocka_unit_test(nb_view),             cmocka_unit_test(stack_bag_nested),
		cmocka_unit_test(negation_scope),      cmocka_unit_test(dense_view),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
