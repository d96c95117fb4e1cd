/* Unit tests of the analysis pipeline's parts: language detection
 * (lang.h), MinHash/LSH stories (story.h), Wilson intervals, trending and
 * windows (measure.h), claim matching (claim.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/claim.h"
#include "analyze/lang.h"
#include "analyze/measure.h"
#include "analyze/story.h"
#include "core/ltime.h"

/* ---- language ------------------------------------------------------------ */

static void test_lang(void **state)
{
	(void)state;
	assert_string_equal(loa_lang_detect("Bộ Y tế công bố số liệu về tiêm chủng mở rộng trong "
					    "tháng này, người dân đánh giá cao.", 90), "vi");
	const char *nod = "Nguoi dan phan anh thu tuc hanh chinh con rom ra, can duoc giai quyet "
			  "som va minh bach hon cho nguoi dan";
	assert_string_equal(loa_lang_detect(nod, strlen(nod)), "vi");
	const char *en = "The ministry said on Monday that the new rules will apply to all "
			 "building permits from next year.";
	assert_string_equal(loa_lang_detect(en, strlen(en)), "en");
	/* mixed: Vietnamese with a few English words is Vietnamese */
	const char *mix = "Hôm nay team mình họp về project chuyển đổi số của thành phố, rất hiệu quả";
	assert_string_equal(loa_lang_detect(mix, strlen(mix)), "vi");
	/* English with a Vietnamese name stays English */
	const char *en2 = "Prime Minister Phạm Minh Chính visited the port of Hải Phòng on Monday "
			  "and met with the workers there.";
	assert_string_equal(loa_lang_detect(en2, strlen(en2)), "en");
	const char *zh = "政府今天宣布新的建筑许可规定";
	assert_string_equal(loa_lang_detect(zh, strlen(zh)), "other");
	assert_string_equal(loa_lang_detect("", 0), "und");
	assert_string_equal(loa_lang_detect("12345 !!! 😀", 14), "und");
	assert_string_equal(loa_lang_detect(NULL, 0), "und");
	/* invalid UTF-8 does not crash */
	assert_non_null(loa_lang_detect("\xff\xfe\xc3(", 4));
}

static void test_doc_cap(void **state)
{
	(void)state;
	size_t n = LOA_AN_TEXT_MAX * 3;
	char *big = malloc(n + 1);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = "người dân "[i % 11];
	big[n] = 0;
	loa_an_doc d;
	loa_an_doc_init(&d);
	assert_int_equal(loa_an_doc_set(&d, big, n), 0);
	assert_true(d.truncated);
	assert_true(d.n <= LOA_AN_WORDS_MAX);
	loa_an_doc_release(&d);
	free(big);
}

/* ---- stories --------------------------------------------------------------- */

static const char *ART =
	"Bộ Giáo dục và Đào tạo vừa công bố phương án tuyển sinh đại học năm nay với nhiều điểm "
	"mới. Theo đó, các trường được tự chủ xét tuyển bằng học bạ và kết quả thi tốt nghiệp. "
	"Thí sinh có thể đăng ký không giới hạn nguyện vọng trên hệ thống chung của bộ. Lệ phí "
	"xét tuyển được giữ nguyên như năm trước. Bộ khuyến cáo các trường công khai chỉ tiêu "
	"sớm để thí sinh chủ động lựa chọn. Các địa phương cần chuẩn bị điểm thi an toàn, đúng "
	"quy chế và hỗ trợ thí sinh có hoàn cảnh khó khăn.";
static const char *EDIT =
	"(Tin nhanh) - Tuyển sinh đại học: nhiều điểm mới năm nay\n"
	"Theo đó, các trường được tự chủ xét tuyển bằng học bạ và kết quả thi tốt nghiệp. "
	"Bo Giao duc va Dao tao vừa công bố phương án tuyển sinh đại học năm nay với nhiều điểm "
	"mới. Thí sinh có thể đăng ký không giới hạn nguyện vọng trên hệ thống chung của bộ. Bộ "
	"khuyến cáo các trường công khai chỉ tiêu sớm để thí sinh chủ động lựa chọn.\n"
	"Theo báo Tin Mới. Xem thêm các tin liên quan.";
static const char *OTHER =
	"Sở Giáo dục và Đào tạo Hà Nội tổ chức hội nghị tổng kết năm học với sự tham dự của hiệu "
	"trưởng các trường trung học. Năm qua, thành phố xây mới nhiều phòng học, giảm sĩ số học "
	"sinh mỗi lớp và tăng cường dạy ngoại ngữ. Hội nghị cũng khen thưởng các tập thể có thành "
	"tích xuất sắc trong phong trào thi đua dạy tốt, học tốt của ngành giáo dục thủ đô.";

static void sig_of(const char *t, loa_story_sig *sig)
{
	loa_an_doc d;
	loa_shingles sh = {0};
	loa_an_doc_init(&d);
	assert_int_equal(loa_an_doc_set(&d, t, strlen(t)), 0);
	assert_int_equal(loa_shingles_make(&d, LOA_STORY_SHINGLE, &sh), 0);
	loa_story_signature(&sh, sig);
	loa_shingles_release(&sh);
	loa_an_doc_release(&d);
}

static void test_minhash(void **state)
{
	(void)state;
	loa_story_sig a, b, c, e;
	sig_of(ART, &a);
	sig_of(ART, &b);
	sig_of(EDIT, &e);
	sig_of(OTHER, &c);
	assert_true(a.shingles > 50);
	assert_true(loa_story_jaccard(&a, &b) == 1.0);
	assert_true(loa_story_same(&a, &b, NULL));
	double s = 0;
	assert_true(loa_story_same(&a, &e, &s));
	assert_true(s >= LOA_STORY_MIN_C);
	assert_false(loa_story_same(&a, &c, NULL));
	assert_true(loa_story_jaccard(&a, &c) < 0.1);
	/* empty texts never group */
	loa_story_sig z;
	sig_of("", &z);
	assert_int_equal(z.shingles, 0);
	assert_false(loa_story_same(&z, &z, NULL));
}

static void test_lsh_index(void **state)
{
	(void)state;
	loa_story_index *ix = loa_story_index_new(0);
	assert_non_null(ix);
	loa_story_sig a, e, c;
	sig_of(ART, &a);
	sig_of(EDIT, &e);
	sig_of(OTHER, &c);
	int64_t s1, s2, s3, s4;
	loa_ms t = 1700000000000;
	assert_int_equal(loa_story_index_assign(ix, 10, t, &a, &s1, NULL), 0);
	assert_int_equal(s1, 10); /* founds a story */
	assert_int_equal(loa_story_index_assign(ix, 11, t + 3600000, &e, &s2, NULL), 0);
	assert_int_equal(s2, 10); /* the edited copy joins it */
	assert_int_equal(loa_story_index_assign(ix, 12, t + 7200000, &c, &s3, NULL), 0);
	assert_int_equal(s3, 12); /* unrelated: its own story */
	/* outside the window: a new story even for an identical text */
	assert_int_equal(loa_story_index_assign(ix, 13, t + 30LL * 86400000, &a, &s4, NULL), 0);
	assert_int_equal(s4, 13);
	assert_int_equal(loa_story_index_size(ix), 4);
	loa_story_index_clear(ix);
	assert_int_equal(loa_story_index_find(ix, t, &a, NULL), 0);
	loa_story_index_free(ix);
}

/* ---- measures ----------------------------------------------------------------- */

static void test_wilson(void **state)
{
	(void)state;
	double lo, hi;
	/* 10 of 100, z = 1.96: [0.0552, 0.1744] (Wilson 1927; e.g. Newcombe 1998) */
	loa_wilson(10, 100, LOA_WILSON_Z95, &lo, &hi);
	assert_true(fabs(lo - 0.05523) < 1e-4);
	assert_true(fabs(hi - 0.17437) < 1e-4);
	/* 0 of 10: [0, 0.2775] */
	loa_wilson(0, 10, LOA_WILSON_Z95, &lo, &hi);
	assert_true(lo == 0);
	assert_true(fabs(hi - 0.27753) < 1e-4);
	/* 15 of 15: [0.7961, 1] */
	loa_wilson(15, 15, LOA_WILSON_Z95, &lo, &hi);
	assert_true(fabs(lo - 0.79612) < 1e-4);
	assert_true(hi == 1);
	/* nothing known */
	loa_wilson(0, 0, LOA_WILSON_Z95, &lo, &hi);
	assert_true(lo == 0 && hi == 1);
	assert_string_equal(loa_line_status(100, 0.05, 0.12, 0.15), "under");
	assert_string_equal(loa_line_status(100, 0.16, 0.30, 0.15), "over");
	assert_string_equal(loa_line_status(100, 0.10, 0.20, 0.15), "uncertain");
	assert_string_equal(loa_line_status(0, 0, 1, 0.15), "none");
}

static void test_trend(void **state)
{
	(void)state;
	int64_t flat[7] = {4, 4, 4, 4, 4, 4, 4};
	assert_true(fabs(loa_trend_score(4, flat, 7)) < 1e-9);
	assert_true(fabs(loa_trend_score(14, flat, 7) - 10 / sqrt(5)) < 1e-9);
	int64_t none[7] = {0};
	assert_true(loa_trend_score(9, none, 7) == 9);
	/* a burst outranks a steady high count */
	int64_t high[7] = {50, 52, 48, 51, 49, 50, 50};
	assert_true(loa_trend_score(20, none, 7) > loa_trend_score(60, high, 7));
}

static void test_windows(void **state)
{
	(void)state;
	loa_ms t;
	/* 2026-11-23T01:30:00Z is 08:30 on Monday 23/11 in Vietnam */
	assert_int_equal(loa_time_parse_rfc3339("2026-11-23T01:30:00Z", 20, &t), 0);
	char b[LOA_TIME_STR_MAX];
	assert_string_equal(loa_time_format_rfc3339(loa_window_start(t, "hour"), b),
			    "2026-11-23T01:00:00Z");
	assert_string_equal(loa_time_format_rfc3339(loa_window_start(t, "day"), b),
			    "2026-11-22T17:00:00Z");
	assert_string_equal(loa_time_format_rfc3339(loa_window_start(t, "week"), b),
			    "2026-11-22T17:00:00Z");
	assert_string_equal(loa_time_format_rfc3339(loa_window_start(t, "month"), b),
			    "2026-10-31T17:00:00Z");
	/* 2026-11-22T18:00Z is already Monday in Vietnam; 16:59Z still Sunday */
	assert_int_equal(loa_time_parse_rfc3339("2026-11-22T16:59:00Z", 20, &t), 0);
	assert_string_equal(loa_time_format_rfc3339(loa_window_start(t, "week"), b),
			    "2026-11-15T17:00:00Z");
}

/* ---- claims ---------------------------------------------------------------------- */

static void match(loa_claimset *cs, const char *text, const loa_claim_ctx *cx, size_t *n,
		  loa_claim_hit *h)
{
	loa_an_doc d;
	loa_shingles sh = {0}, w = {0};
	loa_an_doc_init(&d);
	assert_int_equal(loa_an_doc_set(&d, text, strlen(text)), 0);
	assert_int_equal(loa_shingles_make(&d, LOA_STORY_SHINGLE, &sh), 0);
	assert_int_equal(loa_shingles_make(&d, 1, &w), 0);
	assert_int_equal(loa_claimset_match(cs, &d, &sh, &w, cx, h, 4, n), 0);
	loa_shingles_release(&sh);
	loa_shingles_release(&w);
	loa_an_doc_release(&d);
}

static void test_claims(void **state)
{
	(void)state;
	loa_claimset *cs = loa_claimset_new();
	assert_non_null(cs);
	assert_int_equal(loa_claimset_add(cs, 7, "Uống nước chanh nóng chữa khỏi bệnh sốt xuất huyết",
					  "https://moh.example.vn/bac-bo/123"),
			 0);
	loa_claim_hit h[4];
	size_t n;
	loa_claim_ctx plain = {NULL, false, false};
	/* a post repeating the claim, without diacritics */
	match(cs, "Chia se: uong nuoc chanh nong chua khoi benh sot xuat huyet, ai cung nen biet",
	      &plain, &n, h);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].claim_id, 7);
	assert_false(h[0].rebuttal);
	/* an unrelated item on the same disease */
	match(cs, "Hà Nội ghi nhận thêm ca sốt xuất huyết, ngành y tế tăng cường phun thuốc diệt "
		  "muỗi tại các phường", &plain, &n, h);
	assert_int_equal(n, 0);
	/* the official rebuttal: cue + official channel */
	loa_claim_ctx official = {NULL, true, false};
	match(cs, "Bộ Y tế khẳng định thông tin uống nước chanh nóng chữa khỏi bệnh sốt xuất huyết "
		  "là sai sự thật", &official, &n, h);
	assert_int_equal(n, 1);
	assert_true(h[0].rebuttal);
	/* the same text from an ordinary account is still the claim being carried */
	match(cs, "Bộ Y tế khẳng định thông tin uống nước chanh nóng chữa khỏi bệnh sốt xuất huyết "
		  "là sai sự thật", &plain, &n, h);
	assert_int_equal(n, 1);
	assert_false(h[0].rebuttal);
	/* an item at the rebuttal URL is a rebuttal whatever its words */
	loa_claim_ctx at_url = {"https://MOH.example.vn/bac-bo/123/", false, false};
	match(cs, "Thông cáo báo chí", &at_url, &n, h);
	assert_int_equal(n, 1);
	assert_true(h[0].rebuttal);
	loa_claimset_free(cs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lang),    cmocka_unit_test(test_doc_cap),
		cmocka_unit_test(test_minhash), cmocka_unit_test(test_lsh_index),
		cmocka_unit_test(test_wilson),  cmocka_unit_test(test_trend),
		cmocka_unit_test(test_windows), cmocka_unit_test(test_claims),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
