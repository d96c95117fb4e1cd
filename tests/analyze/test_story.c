/* test_story.c - loa_story_sign_text (story.h): the signature straight from
 * a text equals the one through loa_an_doc, shingles and signature; the
 * index groups copies and merges the stories an item bridges. */
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

/* ---- merges (story.h, "Merges") ---------------------------------------------- */

/* An 18-sentence article written for this test, and two unrelated ones. */
static const char *const art[] = {
	"Sáng 12 tháng 3, Ủy ban nhân dân tỉnh Quảng Nam tổ chức hội nghị triển khai kế "
	"hoạch phòng chống hạn hán và xâm nhập mặn năm nay.",
	"Theo báo cáo của Sở Nông nghiệp, lượng mưa từ đầu mùa khô thấp hơn trung bình "
	"nhiều năm khoảng bốn mươi phần trăm.",
	"Mực nước tại các hồ chứa thủy lợi lớn như Phú Ninh và Việt An chỉ đạt hơn một "
	"nửa dung tích thiết kế.",
	"Khoảng mười hai nghìn héc ta lúa vụ đông xuân ở các huyện ven biển có nguy cơ "
	"thiếu nước tưới vào cuối vụ.",
	"Độ mặn đo được tại trạm bơm Vĩnh Điện đã vượt ngưỡng cho phép trong nhiều ngày "
	"liên tiếp của tuần trước.",
	"Phó chủ tịch tỉnh yêu cầu các địa phương rà soát toàn bộ nguồn nước và lập "
	"phương án điều tiết hợp lý cho từng xã.",
	"Ngành điện được đề nghị ưu tiên cấp điện ổn định cho các trạm bơm chống hạn "
	"trong những tháng cao điểm.",
	"Công ty khai thác thủy lợi sẽ nạo vét kênh mương nội đồng, sửa chữa cống ngăn "
	"mặn trước ngày ba mươi tháng tư.",
	"Tỉnh dự kiến bố trí khoảng ba mươi lăm tỷ đồng từ ngân sách dự phòng để hỗ trợ "
	"nông dân bị thiệt hại.",
	"Những diện tích không bảo đảm nước tưới được khuyến khích chuyển sang trồng ngô,"
	" đậu xanh và rau màu chịu hạn.",
	"Người dân các xã vùng cát được hướng dẫn tiết kiệm nước sinh hoạt, không khoan "
	"giếng tự phát gây sụt lún.",
	"Trung tâm nước sạch nông thôn cho biết sẽ dùng xe bồn chở nước miễn phí đến các "
	"thôn thường xuyên thiếu nước.",
	"Các trường học vùng hạn được yêu cầu kiểm tra bể chứa, bảo đảm học sinh có đủ "
	"nước uống an toàn mỗi ngày.",
	"Đài khí tượng thủy văn dự báo nắng nóng gay gắt có thể kéo dài đến giữa tháng "
	"sáu, nhiệt độ cao nhất tới ba mươi chín độ.",
	"Lực lượng kiểm lâm tăng cường tuần tra rừng phòng hộ vì nguy cơ cháy rừng ở cấp "
	"cực kỳ nguy hiểm.",
	"Hội nông dân tỉnh vận động hội viên ứng dụng tưới nhỏ giọt và tưới phun mưa để "
	"giảm lượng nước tiêu thụ.",
	"Ban chỉ đạo phòng chống thiên tai sẽ họp giao ban hằng tuần để cập nhật tình "
	"hình và xử lý kịp thời các điểm nóng.",
	"Kết thúc hội nghị, lãnh đạo tỉnh nhấn mạnh không để người dân nào thiếu nước "
	"sinh hoạt trong mùa khô năm nay.",
};
static const char *const art_x[] = {
	"Đêm qua, Công an thành phố Đà Nẵng đã bắt giữ một nhóm đối tượng tổ chức đánh "
	"bạc qua mạng với số tiền hàng chục tỷ đồng.",
	"Nhóm này lập nhiều trang web cá cược bóng đá, thu hút hàng nghìn người chơi trên"
	" khắp cả nước tham gia.",
	"Cơ quan điều tra đã thu giữ mười bốn máy tính, hai mươi điện thoại di động cùng "
	"nhiều tài khoản ngân hàng liên quan.",
	"Kẻ cầm đầu đường dây khai nhận đã hoạt động từ hai năm trước, thuê máy chủ đặt ở"
	" nước ngoài để tránh bị phát hiện.",
	"Tiền thắng thua được chuyển qua ví điện tử và các tài khoản thuê của sinh viên "
	"để che giấu dòng tiền.",
	"Công an khuyến cáo người dân không cho mượn, thuê hoặc bán tài khoản ngân hàng "
	"vì có thể bị lợi dụng phạm tội.",
	"Vụ án đang được mở rộng điều tra để làm rõ vai trò của các đại lý cấp dưới và "
	"người chơi lớn.",
	"Đây là đường dây đánh bạc trực tuyến lớn nhất bị triệt phá trên địa bàn thành "
	"phố từ đầu năm đến nay.",
};
static const char *const art_y[] = {
	"Bộ Giáo dục và Đào tạo vừa công bố dự thảo quy chế tuyển sinh đại học năm tới "
	"với nhiều điểm mới đáng chú ý.",
	"Theo dự thảo, các trường phải quy đổi tương đương điểm chuẩn giữa các phương "
	"thức xét tuyển khác nhau.",
	"Việc xét tuyển sớm bằng học bạ chỉ được dùng tối đa hai mươi phần trăm chỉ tiêu "
	"của mỗi ngành đào tạo.",
	"Thí sinh vẫn đăng ký nguyện vọng không giới hạn số lượng trên hệ thống chung của"
	" bộ như những năm trước.",
	"Điểm ưu tiên khu vực sẽ giảm dần với thí sinh đạt từ hai mươi hai điểm trở lên "
	"để bảo đảm công bằng.",
	"Nhiều chuyên gia cho rằng thay đổi này giúp hạn chế tình trạng thí sinh ảo và "
	"điểm chuẩn tăng bất thường.",
	"Một số hiệu trưởng lo ngại thời gian chuẩn bị ngắn, đề nghị bộ sớm ban hành "
	"hướng dẫn chi tiết cho các trường.",
	"Dự thảo được lấy ý kiến rộng rãi đến hết tháng này trước khi chính thức ban hành"
	" áp dụng từ kỳ tuyển sinh tới.",
};

#define NSENT(a) (sizeof a / sizeof a[0])

/* The signature of sentences [from, to) of one article, joined by spaces. */
static loa_story_sig cut(const char *const *sents, size_t from, size_t to)
{
	char buf[8192];
	size_t n = 0;
	for (size_t i = from; i < to; i++) {
		int w = snprintf(buf + n, sizeof buf - n, "%s%s", i > from ? " " : "", sents[i]);
		assert_true(w > 0 && (size_t)w < sizeof buf - n);
		n += (size_t)w;
	}
	loa_shingles sh = {0};
	loa_story_sig sig;
	assert_int_equal(loa_story_sign_text(buf, n, &sh, &sig), LOA_OK);
	loa_shingles_release(&sh);
	return sig;
}

static void assign2(loa_story_index *ix, int64_t item, const loa_story_sig *sig, int64_t want,
		    size_t want_merged, const int64_t *merged_ids)
{
	int64_t story = -1, merged[LOA_STORY_MERGE_MAX];
	size_t nm = 99;
	assert_int_equal(loa_story_index_assign2(ix, item, item * 60000, sig, &story, NULL, merged,
						 LOA_STORY_MERGE_MAX, &nm),
			 LOA_OK);
	assert_int_equal(story, want);
	assert_int_equal(nm, want_merged);
	for (size_t i = 0; i < nm; i++)
		assert_int_equal(merged[i], merged_ids[i]);
}

/* A and B: two cuts of one article that do not meet each other; C, the
 * whole article, is close to both as a whole: B's story merges into A's. */
static void merge_bridged_cuts(void **state)
{
	(void)state;
	loa_story_sig a = cut(art, 0, 6), b = cut(art, 5, 12), c = cut(art, 0, 12);
	double sc;
	assert_false(loa_story_same(&a, &b, NULL));
	assert_true(loa_story_same(&c, &a, &sc));
	assert_true(loa_story_jaccard(&c, &a) >= LOA_STORY_MERGE_J);
	assert_true(loa_story_same(&c, &b, &sc));
	assert_true(loa_story_jaccard(&c, &b) >= LOA_STORY_MERGE_J);

	loa_story_index *ix = loa_story_index_new(0);
	assert_non_null(ix);
	assign2(ix, 1, &a, 1, 0, NULL);
	assign2(ix, 2, &b, 2, 0, NULL);
	static const int64_t gone[] = {2};
	assign2(ix, 3, &c, 1, 1, gone);
	/* B's entry still says story 2 inside; every lookup resolves it */
	assert_int_equal(loa_story_index_find(ix, 120000, &b, NULL), 1);
	assert_int_equal(loa_story_index_find(ix, 120000, &a, NULL), 1);
	/* an id stored before the merge (a rebuild) resolves too */
	loa_story_sig x = cut(art_x, 0, NSENT(art_x));
	assert_int_equal(loa_story_index_add(ix, 10, 2, 600000, &x), LOA_OK);
	assert_int_equal(loa_story_index_find(ix, 600000, &x, NULL), 1);
	/* a later cut of B's half joins the surviving story */
	loa_story_sig b2 = cut(art, 6, 12);
	assign2(ix, 11, &b2, 1, 0, NULL);

	/* the old call never merges */
	loa_story_index_clear(ix);
	int64_t story;
	assert_int_equal(loa_story_index_assign(ix, 1, 0, &a, &story, NULL), LOA_OK);
	assert_int_equal(story, 1);
	assert_int_equal(loa_story_index_assign(ix, 2, 0, &b, &story, NULL), LOA_OK);
	assert_int_equal(story, 2);
	assert_int_equal(loa_story_index_assign(ix, 3, 0, &c, &story, NULL), LOA_OK);
	assert_int_equal(story, 1);
	assert_int_equal(loa_story_index_find(ix, 0, &b, NULL), 2);
	/* nor does assign2 with no room for merged ids */
	loa_story_index_clear(ix);
	size_t nm = 99;
	assign2(ix, 1, &a, 1, 0, NULL);
	assign2(ix, 2, &b, 2, 0, NULL);
	assert_int_equal(loa_story_index_assign2(ix, 3, 0, &c, &story, NULL, NULL, 0, &nm), LOA_OK);
	assert_int_equal(story, 1);
	assert_int_equal(nm, 0);
	assert_int_equal(loa_story_index_find(ix, 0, &b, NULL), 2);
	loa_story_index_free(ix);
}

/* A digest quoting the leads of two unrelated stories is "the same" as
 * each (containment), but not close to either as a whole (Jaccard): it
 * joins one of them and merges nothing. */
static void digest_does_not_merge(void **state)
{
	(void)state;
	loa_story_sig x = cut(art_x, 0, NSENT(art_x)), y = cut(art_y, 0, NSENT(art_y));
	char buf[4096];
	int n = snprintf(buf, sizeof buf, "Điểm tin sáng nay: %s %s %s %s %s", art_x[0], art_x[1],
			 art_y[0], art_y[1], art_y[2]);
	assert_true(n > 0 && (size_t)n < sizeof buf);
	loa_shingles sh = {0};
	loa_story_sig d;
	assert_int_equal(loa_story_sign_text(buf, (size_t)n, &sh, &d), LOA_OK);
	loa_shingles_release(&sh);
	/* the case the Jaccard bar exists for: merging on containment alone
	 * would weld X and Y */
	assert_false(loa_story_same(&x, &y, NULL));
	assert_true(loa_story_same(&d, &x, NULL));
	assert_true(loa_story_same(&d, &y, NULL));
	assert_true(loa_story_jaccard(&d, &x) < LOA_STORY_MERGE_J);
	assert_true(loa_story_jaccard(&d, &y) < LOA_STORY_MERGE_J);

	loa_story_index *ix = loa_story_index_new(0);
	assert_non_null(ix);
	/* and the index finds each for it (the LSH makes them candidates) */
	assign2(ix, 1, &x, 1, 0, NULL);
	assert_int_equal(loa_story_index_find(ix, 180000, &d, NULL), 1);
	loa_story_index_clear(ix);
	assign2(ix, 2, &y, 2, 0, NULL);
	assert_int_equal(loa_story_index_find(ix, 180000, &d, NULL), 2);
	assign2(ix, 1, &x, 1, 0, NULL);
	int64_t story = 0, merged[LOA_STORY_MERGE_MAX];
	size_t nm = 99;
	assert_int_equal(loa_story_index_assign2(ix, 3, 180000, &d, &story, NULL, merged,
						 LOA_STORY_MERGE_MAX, &nm),
			 LOA_OK);
	assert_true(story == 1 || story == 2);
	assert_int_equal(nm, 0);
	assert_int_equal(loa_story_index_find(ix, 180000, &x, NULL), 1);
	assert_int_equal(loa_story_index_find(ix, 180000, &y, NULL), 2);
	loa_story_index_free(ix);
}

/* P, Q, R: three thirds of one article, apart. S (Q and R) merges R into
 * Q; T (P and Q) merges Q into P: R's items resolve to P through Q. */
static void merges_are_transitive(void **state)
{
	(void)state;
	loa_story_sig p = cut(art, 0, 6), q = cut(art, 6, 12), r = cut(art, 12, 18);
	loa_story_sig s = cut(art, 6, 18), t = cut(art, 0, 12);
	assert_false(loa_story_same(&t, &r, NULL));
	assert_false(loa_story_same(&t, &s, NULL)); /* T meets S's story only through Q */
	assert_false(loa_story_same(&s, &p, NULL));
	loa_story_index *ix = loa_story_index_new(0);
	assert_non_null(ix);
	assign2(ix, 1, &p, 1, 0, NULL);
	assign2(ix, 2, &q, 2, 0, NULL);
	assign2(ix, 3, &r, 3, 0, NULL);
	static const int64_t gone_r[] = {3}, gone_q[] = {2};
	assign2(ix, 4, &s, 2, 1, gone_r);
	assert_int_equal(loa_story_index_find(ix, 300000, &r, NULL), 2);
	assign2(ix, 5, &t, 1, 1, gone_q);
	assert_int_equal(loa_story_index_find(ix, 300000, &r, NULL), 1);
	assert_int_equal(loa_story_index_find(ix, 300000, &s, NULL), 1);
	assert_int_equal(loa_story_index_find(ix, 300000, &q, NULL), 1);
	/* and again (the path was compressed) */
	assert_int_equal(loa_story_index_find(ix, 300000, &r, NULL), 1);
	loa_story_index_free(ix);

	/* the rebuild: the stored, rewritten ids, added in time order */
	ix = loa_story_index_new(0);
	assert_non_null(ix);
	const loa_story_sig *all[] = {&p, &q, &r, &s, &t};
	for (int64_t i = 0; i < 5; i++)
		assert_int_equal(loa_story_index_add(ix, i + 1, 1, i * 60000, all[i]), LOA_OK);
	for (int64_t i = 0; i < 5; i++)
		assert_int_equal(loa_story_index_find(ix, 300000, all[i], NULL), 1);
	loa_story_sig whole = cut(art, 0, NSENT(art));
	assign2(ix, 6, &whole, 1, 0, NULL);
	loa_story_index_free(ix);
}

/* Many merges (the union-find grows): 50 synthetic articles of random
 * syllables, each as its two halves, then whole. */
static void many_merges(void **state)
{
	(void)state;
	static const char *const syl[] = {
		"nhà", "nước", "dân", "tỉnh", "xã", "huyện", "đường", "cầu", "điện", "trường",
		"học", "sinh", "bệnh", "viện", "thuế", "đất", "rừng", "biển", "lúa", "gạo",
		"giá", "xăng", "vốn", "dự", "án", "kế", "hoạch", "báo", "cáo", "họp",
		"chợ", "làng", "phố", "xe", "buýt", "cảng", "sân", "bay", "mưa", "lũ",
	};
	enum { ARTS = 50, SENTS = 12, WORDS = 14 };
	static char text[ARTS][SENTS][WORDS * 12];
	uint64_t x = 88172645463325252ULL;
	for (int a = 0; a < ARTS; a++)
		for (int k = 0; k < SENTS; k++) {
			size_t n = 0;
			for (int w = 0; w < WORDS; w++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				n += (size_t)snprintf(text[a][k] + n, sizeof text[a][k] - n, "%s%s",
						      w ? " " : "", syl[x % (sizeof syl / sizeof *syl)]);
			}
		}
	loa_story_index *ix = loa_story_index_new(0);
	assert_non_null(ix);
	int64_t id = 0;
	size_t merges = 0;
	for (int a = 0; a < ARTS; a++) {
		const char *sents[SENTS];
		for (int k = 0; k < SENTS; k++)
			sents[k] = text[a][k];
		loa_story_sig h1 = cut(sents, 0, 6), h2 = cut(sents, 5, SENTS), all = cut(sents, 0, SENTS);
		int64_t s1, s2, s3, merged[LOA_STORY_MERGE_MAX];
		size_t nm;
		assert_int_equal(loa_story_index_assign2(ix, id + 1, id + 1, &h1, &s1, NULL, merged,
							 LOA_STORY_MERGE_MAX, &nm), LOA_OK);
		id++;
		assert_int_equal(s1, id);
		assert_int_equal(loa_story_index_assign2(ix, id + 1, id + 1, &h2, &s2, NULL, merged,
							 LOA_STORY_MERGE_MAX, &nm), LOA_OK);
		id++;
		if (s2 != s1) {
			assert_int_equal(loa_story_index_assign2(ix, id + 1, id + 1, &all, &s3, NULL, merged,
								 LOA_STORY_MERGE_MAX, &nm), LOA_OK);
			id++;
			assert_int_equal(s3, s1);
			assert_int_equal(nm, 1);
			assert_int_equal(merged[0], s2);
			merges++;
		}
		assert_int_equal(loa_story_index_find(ix, id, &h2, NULL), s1);
	}
	assert_int_equal(merges, ARTS); /* past 32: the union-find grew */
	loa_story_index_free(ix);
}

/* The cap: twelve stories planted apart (a rebuild's entries), each a
 * shorter lead of one article; the whole article is close to all of them,
 * but one assignment merges at most LOA_STORY_MERGE_MAX (or the caller's
 * cap) of the others, the most similar first; the rest stay apart until a
 * later item bridges them. */
static void merge_cap(void **state)
{
	(void)state;
	enum { NS = 12 };
	loa_story_sig lead[NS + 1], all = cut(art, 0, NSENT(art));
	for (int i = 1; i <= NS; i++) {
		lead[i] = cut(art, 0, NSENT(art) - (size_t)i);
		assert_true(loa_story_jaccard(&all, &lead[i]) >= LOA_STORY_MERGE_J);
	}
	for (int pass = 0; pass < 2; pass++) {
		size_t cap = pass == 0 ? LOA_STORY_MERGE_MAX : 3;
		loa_story_index *ix = loa_story_index_new(0);
		assert_non_null(ix);
		for (int i = 1; i <= NS; i++)
			assert_int_equal(loa_story_index_add(ix, i, i, i * 60000, &lead[i]), LOA_OK);
		int64_t story = -1, merged[LOA_STORY_MERGE_MAX + 4];
		size_t nm = 99;
		assert_int_equal(loa_story_index_assign2(ix, 100, 100 * 60000, &all, &story, NULL,
							 merged, pass == 0 ? LOA_STORY_MERGE_MAX + 4 : cap,
							 &nm),
				 LOA_OK);
		assert_int_equal(story, 1); /* the closest and the oldest */
		assert_int_equal(nm, cap);
		/* the next most similar: the longer leads, 2 … cap + 1 */
		for (size_t k = 0; k < nm; k++)
			assert_int_equal(merged[k], (int64_t)k + 2);
		/* a second copy of the article merges the next ones: those were
		 * left apart by the first */
		assert_int_equal(loa_story_index_assign2(ix, 101, 101 * 60000, &all, &story, NULL,
							 merged, cap, &nm),
				 LOA_OK);
		assert_int_equal(story, 1);
		size_t left = NS - 1 - cap;
		assert_int_equal(nm, left < cap ? left : cap);
		for (size_t k = 0; k < nm; k++)
			assert_int_equal(merged[k], (int64_t)(cap + 2 + k));
		/* an identical entry wins a lookup: merged leads resolve to 1,
		 * the others are still their own stories */
		for (size_t i = 1; i <= NS; i++)
			assert_int_equal(loa_story_index_find(ix, 101 * 60000, &lead[i], NULL),
					 i <= 1 + cap + nm ? 1 : (int64_t)i);
		loa_story_index_free(ix);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sign_text_equals_doc_path),
		cmocka_unit_test(sign_text_groups),
		cmocka_unit_test(merge_bridged_cuts),
		cmocka_unit_test(digest_does_not_merge),
		cmocka_unit_test(merges_are_transitive),
		cmocka_unit_test(many_merges),
		cmocka_unit_test(merge_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
