/* test_story.c - loa_story_sign_text (story.h): the signature straight from
 * a text equals the one through loa_an_doc, shingles and signature. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/lang.h"
#include "analyze/story.h"

/* Both ways on one text, with scratch reused across texts. */
static void same_both_ways(const char *s, size_t n, loa_an_doc *d, loa_shingles *a,
			   loa_shingles *b)
{
	loa_story_sig x, y;
	assert_int_equal(loa_an_doc_set(d, s, n), LOA_OK);
	assert_int_equal(loa_shingles_make(d, LOA_STORY_SHINGLE, a), LOA_OK);
	loa_story_signature(a, &x);
	memset(&y, 0x5a, sizeof y);
	assert_int_equal(loa_story_sign_text(s, n, b, &y), LOA_OK);
	assert_int_equal(a->n, b->n);
	assert_memory_equal(a->h, b->h, a->n * sizeof *a->h);
	assert_int_equal(x.shingles, y.shingles);
	assert_memory_equal(x.v, y.v, sizeof x.v);
}

static void sign_text_equals_doc_path(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"",
		"   ",
		"😀😀😀 !!!",
		"Bộ Y tế công bố số liệu về tiêm chủng mở rộng trong tháng này.",
		/* numbers, dates, money, abbreviations, URLs, e-mail, hashtags */
		"Ngày 12 tháng 8 năm 2023, UBND TP.HCM chi 20 triệu đồng (3,5%) lúc 14h30 cho "
		"H5N1 và COVID-19; xem https://chinhphu.vn/a?b=1 hoặc hỏi a@b.vn #ChuyểnĐổiSố",
		/* case, tone placement, decomposed marks, no diacritics */
		"HOÀ BÌNH hòa bình Hoà Bình Ho\xcc\x80" "a bi\xcc\x80nh hoa binh",
		"The ministry said on Monday that the new rules apply to all permits.",
		"bad \xff\xfe utf-8 \xe1\xbb text",
	};
	loa_an_doc d;
	loa_an_doc_init(&d);
	loa_shingles a = {0}, b = {0};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		same_both_ways(texts[i], strlen(texts[i]), &d, &a, &b);
	/* long texts: cut at LOA_AN_TEXT_MAX bytes, and at LOA_AN_WORDS_MAX words */
	size_t cap = 3 * LOA_AN_TEXT_MAX;
	char *big = malloc(cap + 64);
	assert_non_null(big);
	size_t n = 0;
	for (unsigned i = 0; n < cap; i++)
		n += (size_t)snprintf(big + n, 64, "người dân %u phản ánh ", i % 977);
	same_both_ways(big, n, &d, &a, &b);
	n = 0;
	for (unsigned i = 0; n < LOA_AN_TEXT_MAX - 16; i++)
		n += (size_t)snprintf(big + n, 16, "a%u ", i % 7);
	same_both_ways(big, n, &d, &a, &b);
	free(big);
	/* and a short one after them (scratch reused) */
	same_both_ways(texts[3], strlen(texts[3]), &d, &a, &b);
	loa_story_sig z;
	assert_int_equal(loa_story_sign_text(NULL, 0, &b, &z), LOA_OK);
	assert_int_equal(z.shingles, 0);
	loa_shingles_release(&a);
	loa_shingles_release(&b);
	loa_an_doc_release(&d);
}

/* A republished copy joins its original's story; another text does not. */
static void sign_text_groups(void **state)
{
	(void)state;
	const char *orig = "Sáng nay, Ủy ban nhân dân thành phố Hà Nội họp báo công bố kế hoạch "
			   "cải tạo 12 chung cư cũ trong năm 2024, với tổng vốn khoảng 5.000 tỷ "
			   "đồng. Người dân được bố trí tạm cư và hỗ trợ tiền thuê nhà.";
	const char *copy = "(VOV.VN) - HÀ NỘI: Sáng nay, Ủy ban nhân dân thành phố Hà Nội họp báo "
			   "công bố kế hoạch cải tạo 12 chung cư cũ trong năm 2024, với tổng vốn "
			   "khoảng 5.000 tỷ đồng.";
	const char *other = "Đội tuyển bóng đá quốc gia tập trung chuẩn bị cho vòng loại World Cup, "
			    "huấn luyện viên triệu tập 30 cầu thủ vào sáng thứ Hai tuần tới.";
	loa_shingles s = {0};
	loa_story_sig so, sc, sx;
	assert_int_equal(loa_story_sign_text(orig, strlen(orig), &s, &so), LOA_OK);
	assert_int_equal(loa_story_sign_text(copy, strlen(copy), &s, &sc), LOA_OK);
	assert_int_equal(loa_story_sign_text(other, strlen(other), &s, &sx), LOA_OK);
	loa_shingles_release(&s);
	loa_story_index *ix = loa_story_index_new(0);
	assert_non_null(ix);
	int64_t story;
	assert_int_equal(loa_story_index_assign(ix, 1, 0, &so, &story, NULL), LOA_OK);
	assert_int_equal(story, 1);
	assert_int_equal(loa_story_index_assign(ix, 2, 60000, &sc, &story, NULL), LOA_OK);
	assert_int_equal(story, 1);
	assert_int_equal(loa_story_index_assign(ix, 3, 120000, &sx, &story, NULL), LOA_OK);
	assert_int_equal(story, 3);
	loa_story_index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sign_text_equals_doc_path),
		cmocka_unit_test(sign_text_groups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
