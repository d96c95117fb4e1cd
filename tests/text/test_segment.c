/*
 * test_segment.c - the word segmenter: training on a tiny gold set, model
 * round trip, damaged model files, odd input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "text/segment.h"

#include "core/banned.h"

static const char *const gold[] = {
	"Hiện_nay xã có 68 tổ nhân_dân , mỗi tổ phụ_trách 40 gia_đình .",
	"Chủ_trương tốt nhưng dân không hiểu , không hưởng_ứng thì cũng chịu_thua !",
	"Tôi nhớ lời anh chủ_tịch xã Bùi_Văn_Luyến nhắc đi nhắc lại .",
	"Nhân_dân xã ủng_hộ chủ_trương của chủ_tịch .",
	"Gia_đình anh có bốn người .",
	"Chính_phủ ban_hành nghị_định mới về giấy_phép xây_dựng .",
	"Người_dân hỏi về thủ_tục cấp giấy_phép xây_dựng nhà ở .",
	"Bộ Thông_tin và Truyền_thông tổ_chức họp báo thường_kỳ .",
};
#define NGOLD (sizeof gold / sizeof gold[0])

static const char *const words[] = {
	"nhân dân", "gia đình", "chủ tịch", "chủ trương", "hưởng ứng", "chịu thua", "hiện nay",
	"phụ trách", "ủng hộ", "chính phủ", "ban hành", "nghị định", "giấy phép", "xây dựng",
	"người dân", "thủ tục", "thông tin", "truyền thông", "tổ chức", "họp báo", "thường kỳ",
	"nhà ở",
};

static loa_seg_model *train_tiny(unsigned epochs)
{
	loa_seg_dict *d = loa_seg_dict_new();
	assert_non_null(d);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		assert_int_equal(loa_seg_dict_add(d, words[i], strlen(words[i])), LOA_OK);
	assert_int_equal(loa_seg_dict_count(d), sizeof words / sizeof words[0]);
	loa_seg_train_opts o = {.epochs = epochs, .bits = 16, .note = "test"};
	loa_seg_trainer *t;
	loa_err err;
	assert_int_equal(loa_seg_trainer_new(&t, &o, d, &err), LOA_OK);
	for (size_t i = 0; i < NGOLD; i++)
		assert_int_equal(loa_seg_trainer_add(t, gold[i], strlen(gold[i]), &err), LOA_OK);
	assert_int_equal(loa_seg_trainer_add(t, "", 0, &err), LOA_OK); /* skipped */
	assert_int_equal(loa_seg_trainer_sentences(t), NGOLD);
	loa_seg_model *m;
	assert_int_equal(loa_seg_trainer_run(t, &m, &err), LOA_OK);
	loa_seg_trainer_free(t);
	return m;
}

/* Tags gold line i and checks it comes back as in the gold. */
static void check_gold(loa_segmenter *s, const char *line)
{
	loa_seg_unit u[64];
	uint8_t gb[64], pb[64];
	size_t n;
	assert_int_equal(loa_seg_parse_gold(line, strlen(line), u, gb, 64, &n), LOA_OK);
	assert_int_equal(loa_segmenter_tag(s, u, n, pb), LOA_OK);
	for (size_t i = 0; i < n; i++)
		if (gb[i] != pb[i])
			fail_msg("'%s': unit %zu (%.*s) tagged %d, gold %d", line, i, (int)u[i].n, u[i].p,
				 pb[i], gb[i]);
}

static void test_parse_gold(void **state)
{
	loa_seg_unit u[16];
	uint8_t b[16];
	size_t n;
	const char *l = "  Hà_Nội  _ a__b , x_y_z\r";
	assert_int_equal(loa_seg_parse_gold(l, strlen(l), u, b, 16, &n), LOA_OK);
	assert_int_equal(n, 8);
	const char *want[] = {"Hà", "Nội", "_", "a__b", ",", "x", "y", "z"};
	const uint8_t wb[] = {1, 0, 1, 1, 1, 1, 0, 0};
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(u[i].n, strlen(want[i]));
		assert_memory_equal(u[i].p, want[i], u[i].n);
		assert_int_equal(b[i], wb[i]);
	}
	assert_int_equal(loa_seg_parse_gold(l, strlen(l), u, b, 3, &n), LOA_ETOOBIG);
	assert_int_equal(n, 8);
	assert_int_equal(loa_seg_parse_gold("", 0, u, b, 16, &n), LOA_OK);
	assert_int_equal(n, 0);
}

static void test_train_tiny(void **state)
{
	loa_seg_model *m = train_tiny(20);
	loa_segmenter *s = loa_segmenter_new(m, NULL);
	assert_non_null(s);
	for (size_t i = 0; i < NGOLD; i++)
		check_gold(s, gold[i]);
	assert_string_equal(loa_seg_model_note(m), "test");
	loa_segmenter_free(s);
	loa_seg_model_free(m);
}

static void test_longest(void **state)
{
	loa_seg_dict *d = loa_seg_dict_new();
	const char *w[] = {"chủ tịch", "chủ tịch xã", "nhân_dân", "Hoà bình"};
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(loa_seg_dict_add(d, w[i], strlen(w[i])), LOA_OK);
	assert_int_equal(loa_seg_dict_add(d, "chủ tịch", strlen("chủ tịch")), LOA_OK);
	assert_int_equal(loa_seg_dict_count(d), 4);
	loa_segmenter *s = loa_segmenter_new(NULL, d);
	/* the dictionary matches the matching form: case and tone placement */
	const char *l = "Chủ tịch xã và nhân dân hòa bình";
	loa_seg_unit u[16];
	uint8_t b[16], p[16];
	size_t n;
	assert_int_equal(loa_seg_parse_gold(l, strlen(l), u, b, 16, &n), LOA_OK);
	assert_int_equal(loa_segmenter_longest(s, u, n, p), LOA_OK);
	const uint8_t want[] = {1, 0, 0, 1, 1, 0, 1, 0};
	assert_int_equal(n, 8);
	assert_memory_equal(p, want, n);
	/* without a model, tag falls back to longest matching */
	assert_int_equal(loa_segmenter_tag(s, u, n, p), LOA_OK);
	assert_memory_equal(p, want, n);
	loa_segmenter_free(s);
	loa_seg_dict_free(d);
}

static void test_round_trip(void **state)
{
	loa_seg_model *m = train_tiny(5);
	loa_buf b;
	loa_buf_init(&b, LOA_SEG_MODEL_MAX);
	assert_int_equal(loa_seg_model_write(m, &b), LOA_OK);
	loa_seg_model *m2;
	loa_err err;
	assert_int_equal(loa_seg_model_load_mem(&m2, b.data, b.len, &err), LOA_OK);
	loa_buf b2;
	loa_buf_init(&b2, LOA_SEG_MODEL_MAX);
	assert_int_equal(loa_seg_model_write(m2, &b2), LOA_OK);
	assert_int_equal(b.len, b2.len);
	assert_memory_equal(b.data, b2.data, b.len);
	assert_int_equal(loa_seg_dict_count(loa_seg_model_dict(m2)),
			 loa_seg_dict_count(loa_seg_model_dict(m)));

	/* same tags from both */
	loa_segmenter *s1 = loa_segmenter_new(m, NULL), *s2 = loa_segmenter_new(m2, NULL);
	for (size_t i = 0; i < NGOLD; i++) {
		loa_seg_unit u[64];
		uint8_t g[64], p1[64], p2[64];
		size_t n;
		loa_seg_parse_gold(gold[i], strlen(gold[i]), u, g, 64, &n);
		loa_segmenter_tag(s1, u, n, p1);
		loa_segmenter_tag(s2, u, n, p2);
		assert_memory_equal(p1, p2, n);
	}

	/* through a file */
	char path[] = "/tmp/loa-test-segment-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(loa_seg_model_save(m, path, &err), LOA_OK);
	loa_seg_model *m3;
	assert_int_equal(loa_seg_model_load(&m3, path, &err), LOA_OK);
	loa_seg_model_free(m3);
	unlink(path);

	loa_segmenter_free(s1);
	loa_segmenter_free(s2);
	loa_seg_model_free(m2);
	loa_seg_model_free(m);
	loa_buf_release(&b);
	loa_buf_release(&b2);
}

static void test_damaged(void **state)
{
	loa_seg_model *m = train_tiny(2);
	loa_buf b;
	loa_buf_init(&b, LOA_SEG_MODEL_MAX);
	assert_int_equal(loa_seg_model_write(m, &b), LOA_OK);
	loa_seg_model_free(m);
	loa_seg_model *x = NULL;
	loa_err err;
	/* every truncation is a clear error */
	for (size_t n = 0; n < b.len; n += (n < 64 ? 1 : 97)) {
		int rc = loa_seg_model_load_mem(&x, b.data, n, &err);
		assert_int_equal(rc, LOA_EPARSE);
		assert_null(x);
		assert_true(strlen(err.msg) > 0);
	}
	assert_int_equal(loa_seg_model_load_mem(&x, b.data, b.len - 1, &err), LOA_EPARSE);
	/* another version */
	char *c = malloc(b.len);
	memcpy(c, b.data, b.len);
	c[8] = 2;
	assert_int_equal(loa_seg_model_load_mem(&x, c, b.len, &err), LOA_EVERSION);
	assert_non_null(strstr(err.msg, "version"));
	assert_int_equal(loa_seg_model_load_mem(&x, c, 12, &err), LOA_EVERSION);
	/* a flipped byte anywhere */
	memcpy(c, b.data, b.len);
	for (size_t i = 12; i < b.len; i += 211) {
		c[i] ^= 0x40;
		assert_int_equal(loa_seg_model_load_mem(&x, c, b.len, &err), LOA_EPARSE);
		c[i] ^= 0x40;
	}
	/* not a model at all */
	assert_int_equal(loa_seg_model_load_mem(&x, "hello world, not a model", 24, &err), LOA_EPARSE);
	/* a truncated file on disk */
	char path[] = "/tmp/loa-test-segment-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b.data, b.len / 2), (ssize_t)(b.len / 2));
	close(fd);
	assert_int_equal(loa_seg_model_load(&x, path, &err), LOA_EPARSE);
	assert_non_null(strstr(err.msg, path));
	unlink(path);
	assert_int_equal(loa_seg_model_load(&x, path, &err), LOA_ENOTFOUND);
	free(c);
	loa_buf_release(&b);
}

static loa_segmenter *seg_tiny(loa_seg_model **m)
{
	*m = train_tiny(10);
	loa_segmenter *s = loa_segmenter_new(*m, NULL);
	assert_non_null(s);
	return s;
}

static void test_text_empty(void **state)
{
	loa_seg_model *m;
	loa_segmenter *s = seg_tiny(&m);
	loa_buf out;
	loa_buf_init(&out, 1 << 20);
	assert_int_equal(loa_segment_text(s, "", 0, &out), LOA_OK);
	assert_int_equal(out.len, 0);
	assert_int_equal(loa_segment_text(s, "   \t ", 5, &out), LOA_OK);
	assert_int_equal(out.len, 0);
	uint8_t b[1];
	assert_int_equal(loa_segmenter_tag(s, NULL, 0, b), LOA_OK);
	/* a normal line, punctuation separated */
	const char *l = "Hiện nay xã có 68 tổ nhân dân, mỗi tổ phụ trách 40 gia đình.";
	assert_int_equal(loa_segment_text(s, l, strlen(l), &out), LOA_OK);
	assert_string_equal(out.data,
			    "Hiện_nay xã có 68 tổ nhân_dân , mỗi tổ phụ_trách 40 gia_đình .");
	loa_buf_release(&out);
	loa_segmenter_free(s);
	loa_seg_model_free(m);
}

static void test_text_invalid_utf8(void **state)
{
	loa_seg_model *m;
	loa_segmenter *s = seg_tiny(&m);
	loa_buf out;
	loa_buf_init(&out, 1 << 20);
	const char l[] = "nh\xc3 d\xe2n \xff\xfe gia \xe1\xba \x80\x80 \xf0\x9f\x98 \x00x \xed\xa0\x80 đình";
	assert_int_equal(loa_segment_text(s, l, sizeof l - 1, &out), LOA_OK);
	assert_true(loa_utf8_valid(out.data, out.len));
	assert_null(memchr(out.data, '\n', out.len));
	loa_buf_release(&out);
	loa_segmenter_free(s);
	loa_seg_model_free(m);
}

static void test_text_long_line(void **state)
{
	loa_seg_model *m;
	loa_segmenter *s = seg_tiny(&m);
	loa_buf out;
	loa_buf_init(&out, (size_t)256 << 20);
	/* 300.000 syllables on one line, fed in odd-sized chunks */
	const char *piece = "nhân dân ủng hộ chủ trương của chủ tịch, gia đình ";
	size_t pl = strlen(piece), reps = 30000;
	loa_buf in;
	loa_buf_init(&in, (size_t)64 << 20);
	for (size_t i = 0; i < reps; i++)
		assert_int_equal(loa_buf_append(&in, piece, pl), LOA_OK);
	for (size_t off = 0; off < in.len;) {
		size_t n = in.len - off < 777 ? in.len - off : 777;
		assert_int_equal(loa_segmenter_feed(s, in.data + off, n, &out), LOA_OK);
		off += n;
		/* the caller may drain the output as it goes */
		if (out.len > (1u << 20))
			loa_buf_reset(&out);
	}
	assert_int_equal(loa_segmenter_finish(s, &out), LOA_OK);
	loa_buf_reset(&out);
	assert_int_equal(loa_segment_text(s, in.data, in.len, &out), LOA_OK);
	assert_true(loa_utf8_valid(out.data, out.len));
	/* every syllable is kept: the text minus '_' and spaces is the same */
	size_t a = 0, b = 0;
	for (size_t i = 0; i < in.len; i++)
		a += in.data[i] != ' ';
	for (size_t i = 0; i < out.len; i++)
		b += out.data[i] != ' ' && out.data[i] != '_';
	assert_int_equal(a, b);
	assert_non_null(strstr(out.data, "nhân_dân ủng_hộ chủ_trương của chủ_tịch , gia_đình"));
	/* a line that is one huge token */
	loa_buf_reset(&in);
	for (size_t i = 0; i < 200000; i++)
		assert_int_equal(loa_buf_putc(&in, 'a'), LOA_OK);
	loa_buf_reset(&out);
	assert_int_equal(loa_segment_text(s, in.data, in.len, &out), LOA_OK);
	assert_true(out.len >= 200000);
	loa_buf_release(&in);
	loa_buf_release(&out);
	loa_segmenter_free(s);
	loa_seg_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_gold),
		cmocka_unit_test(test_train_tiny),
		cmocka_unit_test(test_longest),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_text_empty),
		cmocka_unit_test(test_text_invalid_utf8),
		cmocka_unit_test(test_text_long_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
