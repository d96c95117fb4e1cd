/*
 * fuzz_segment.c - libFuzzer harness for word segmentation (text/segment.h)
 * with a tiny model trained once per process. The first byte picks a
 * path, the rest is the input.
 *   0: segment the text (one call, and streamed in chunks: same output);
 *      then load the bytes as a model: refused with LOA_EPARSE or
 *      LOA_EVERSION (never a crash)
 *   1: gold lines (SPEC §4) through loa_seg_parse_gold()
 *   2: model surgery: the tiny model's file with edits taken from the
 *      input (pairs of offset, byte; a truncation), its checksum made right
 *      again so that the loader's checks behind the checksum are reached;
 *      whatever loads must segment a sentence
 * Asserts: no crash, output valid UTF-8 without NUL, units in bounds,
 * begins[0] == 1.
 *
 * Build with -DLOA_FUZZ=ON (clang); the normal build replays the seed
 * corpus in fuzz/corpus/segment through replay_main.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "text/segment.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                             \
	do {                                                                                 \
		if (!(c)) {                                                                  \
			fprintf(stderr, "fuzz_segment: check failed: %s (line %d)\n", #c, __LINE__); \
			abort();                                                             \
		}                                                                            \
	} while (0)

#define MAX_UNITS 512

static loa_seg_model *model;
static loa_segmenter *seg;
static loa_buf model_file;

static void drop(void)
{
	loa_segmenter_free(seg);
	loa_seg_model_free(model);
	loa_buf_release(&model_file);
}

static loa_segmenter *segmenter(void)
{
	if (seg)
		return seg;
	static const char *const gold[] = {
		"Hiện_nay xã có 68 tổ nhân_dân , mỗi tổ phụ_trách 40 gia_đình .",
		"Chủ_trương tốt nhưng dân không hiểu , không hưởng_ứng thì cũng chịu_thua !",
		"Bộ Y_tế công_bố kết_quả kiểm_tra tại https://moh.gov.vn/tin-tuc ngày 12/3/2025 .",
	};
	loa_seg_dict *d = loa_seg_dict_new();
	CHECK(d);
	static const char *const words[] = {"nhân dân", "gia đình", "y tế", "công bố"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		CHECK(loa_seg_dict_add(d, words[i], strlen(words[i])) == LOA_OK);
	loa_seg_train_opts o = {.epochs = 3, .bits = 16, .seed = 1, .note = "fuzz"};
	loa_seg_trainer *t = NULL;
	CHECK(loa_seg_trainer_new(&t, &o, d, NULL) == LOA_OK);
	for (size_t i = 0; i < sizeof gold / sizeof gold[0]; i++)
		CHECK(loa_seg_trainer_add(t, gold[i], strlen(gold[i]), NULL) == LOA_OK);
	CHECK(loa_seg_trainer_run(t, &model, NULL) == LOA_OK);
	loa_seg_trainer_free(t);
	seg = loa_segmenter_new(model, NULL);
	CHECK(seg);
	loa_buf_init(&model_file, (size_t)64 << 20);
	CHECK(loa_seg_model_write(model, &model_file) == LOA_OK);
	atexit(drop);
	return seg;
}

static void check_out(const loa_buf *out)
{
	CHECK(loa_utf8_valid(out->data ? out->data : "", out->len));
	CHECK(out->len == 0 || memchr(out->data, 0, out->len) == NULL);
}

static void segment_text(const char *s, size_t n)
{
	loa_segmenter *sg = segmenter();
	loa_buf whole, part;
	loa_buf_init(&whole, 64 * n + 4096);
	loa_buf_init(&part, 64 * n + 4096);
	CHECK(loa_segment_text(sg, s, n, &whole) == LOA_OK);
	check_out(&whole);
	size_t step = n ? (size_t)(unsigned char)s[0] % 97 + 1 : 1;
	for (size_t i = 0; i < n; i += step)
		CHECK(loa_segmenter_feed(sg, s + i, i + step <= n ? step : n - i, &part) == LOA_OK);
	CHECK(loa_segmenter_finish(sg, &part) == LOA_OK);
	if (whole.len != part.len || (whole.len && memcmp(whole.data, part.data, whole.len) != 0)) {
		fprintf(stderr, "streamed (step %zu) differs from one call:\n  '%.*s'\n  '%.*s'\n",
			step, (int)whole.len, whole.data ? whole.data : "", (int)part.len,
			part.data ? part.data : "");
		abort();
	}
	loa_buf_release(&whole);
	loa_buf_release(&part);

	/* the bytes as a model file */
	loa_seg_model *m = NULL;
	loa_err err;
	int rc = loa_seg_model_load_mem(&m, s, n, &err);
	if (rc == LOA_OK) {
		/* only a real model file loads (its checksum is right) */
		CHECK(m);
		loa_seg_model_free(m);
	} else {
		CHECK(rc == LOA_EPARSE || rc == LOA_EVERSION);
		CHECK(m == NULL);
	}
}

static void gold(const char *s, size_t n)
{
	loa_seg_unit units[MAX_UNITS];
	uint8_t begins[MAX_UNITS];
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '\n')
			continue;
		size_t got = 0;
		int rc = loa_seg_parse_gold(s + start, i - start, units, begins, MAX_UNITS, &got);
		CHECK(rc == LOA_OK || rc == LOA_ETOOBIG);
		size_t k = got < MAX_UNITS ? got : MAX_UNITS;
		for (size_t u = 0; u < k; u++) {
			CHECK(units[u].p >= s + start && units[u].p + units[u].n <= s + i);
			CHECK(units[u].n > 0);
			CHECK(begins[u] <= 1);
		}
		if (k)
			CHECK(begins[0] == 1);
		if (k) {
			uint8_t tags[MAX_UNITS];
			CHECK(loa_segmenter_tag(segmenter(), units, k, tags) == LOA_OK);
			CHECK(tags[0] == 1);
			CHECK(loa_segmenter_longest(segmenter(), units, k, tags) == LOA_OK);
			CHECK(tags[0] == 1);
		}
		start = i + 1;
	}
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

static void surgery(const unsigned char *in, size_t n)
{
	segmenter();
	size_t len = model_file.len;
	unsigned char *f = malloc(len + 8);
	CHECK(f);
	memcpy(f, model_file.data, len);
	len -= 8; /* the checksum is recomputed */
	size_t i = 0;
	if (n >= 2 && in[0] == 0xff) {
		/* truncate the body to the length that follows (mod its size) */
		len = len ? (size_t)in[1] * 257 % (len + 1) : 0;
		i = 2;
	}
	for (; i + 3 <= n; i += 3) {
		size_t off = ((size_t)in[i] << 8 | in[i + 1]);
		if (len)
			f[off % len] = in[i + 2];
	}
	uint64_t cs = fnv64(f, len);
	for (int b = 0; b < 8; b++)
		f[len + (size_t)b] = (unsigned char)(cs >> (8 * b));
	loa_seg_model *m = NULL;
	loa_err err;
	int rc = loa_seg_model_load_mem(&m, f, len + 8, &err);
	if (rc == LOA_OK) {
		CHECK(m);
		loa_segmenter *sg = loa_segmenter_new(m, NULL);
		CHECK(sg);
		static const char text[] = "Hiện nay xã có 68 tổ nhân dân, mỗi tổ phụ trách 40 gia đình.";
		loa_buf out;
		loa_buf_init(&out, 1 << 20);
		CHECK(loa_segment_text(sg, text, sizeof text - 1, &out) == LOA_OK);
		check_out(&out);
		loa_buf_release(&out);
		loa_segmenter_free(sg);
		CHECK(loa_seg_model_note(m) != NULL);
		loa_seg_model_free(m);
	} else {
		CHECK(rc == LOA_EPARSE || rc == LOA_EVERSION || rc == LOA_ETOOBIG);
		CHECK(m == NULL);
	}
	free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	switch (data[0] % 3) {
	case 0:
		segment_text(s, n);
		break;
	case 1:
		gold(s, n);
		break;
	default:
		surgery(data + 1, n);
		break;
	}
	return 0;
}
