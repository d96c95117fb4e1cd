/* Retrieval: BM25F on a tiny corpus, query rewriting, diacritic-free
 * questions, validity days, bad questions. */
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

#include "qa/retrieve.h"

static loa_qa_index *ix;

static const char *const arts[][3] = {
	{"Luật Xây dựng", "Thời hạn cấp giấy phép xây dựng",
	 "1. Thời hạn cấp giấy phép xây dựng là 20 ngày kể từ ngày nhận đủ hồ sơ hợp lệ.\n2. Nhà ở "
	 "riêng lẻ là 15 ngày."},
	{"Luật Xây dựng", "Thẩm quyền cấp giấy phép",
	 "Ủy ban nhân dân (UBND) cấp tỉnh cấp giấy phép cho công trình cấp đặc biệt."},
	{"Luật Cư trú", "Đăng ký thường trú",
	 "Công dân đăng ký thường trú tại cơ quan đăng ký cư trú. Thời hạn 07 ngày làm việc."},
	{"Luật Giao thông", "Giấy phép lái xe",
	 "Người lái xe phải có giấy phép lái xe phù hợp với loại xe được phép điều khiển."},
	{"Luật Bảo hiểm xã hội", "Đối tượng tham gia bảo hiểm xã hội bắt buộc",
	 "Người lao động làm việc theo hợp đồng lao động từ đủ 01 tháng trở lên."},
};

static int setup(void **state)
{
	loa_qa_params p;
	loa_qa_params_default(&p);
	assert_int_equal(loa_qa_index_new(&p, &ix, NULL), 0);
	for (size_t i = 0; i < sizeof arts / sizeof arts[0]; i++) {
		/* article 2 (index 2) valid only in 2021..2023 */
		int32_t from = i == 2 ? 18628 : LOA_QA_DAY_MIN, to = i == 2 ? 19723 : LOA_QA_DAY_MAX;
		assert_int_equal(loa_qa_index_add(ix, (int64_t)(100 + i), arts[i][0], arts[i][1],
						  strlen(arts[i][1]), arts[i][2], strlen(arts[i][2]), from,
						  to, NULL, NULL),
				 0);
	}
	assert_int_equal(loa_qa_index_finish(ix, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	loa_qa_index_free(ix);
	return 0;
}

static int64_t top(const char *q, int32_t day, double *conf)
{
	loa_qa_hit h[5];
	size_t n = 0;
	loa_err err;
	assert_int_equal(loa_qa_search(ix, NULL, q, strlen(q), day, h, 5, &n, &err), 0);
	if (conf)
		*conf = n ? h[0].confidence : 0;
	return n ? loa_qa_index_key(ix, h[0].doc) : -1;
}

static void test_bm25(void **state)
{
	assert_int_equal(top("thời hạn cấp giấy phép xây dựng nhà ở riêng lẻ", LOA_QA_DAY_MIN, NULL), 100);
	assert_int_equal(top("ai cấp giấy phép cho công trình đặc biệt", LOA_QA_DAY_MIN, NULL), 101);
	assert_int_equal(top("giấy phép lái xe", LOA_QA_DAY_MIN, NULL), 103);
	/* without diacritics */
	assert_int_equal(top("giay phep lai xe may", LOA_QA_DAY_MIN, NULL), 103);
	assert_int_equal(top("dang ky thuong tru o dau", LOA_QA_DAY_MIN, NULL), 102);
	/* abbreviations: the table (BHXH, GPXD) and the corpus' own "(UBND)" */
	assert_int_equal(top("ai phải tham gia BHXH bắt buộc", LOA_QA_DAY_MIN, NULL), 104);
	assert_int_equal(top("thời hạn cấp GPXD", LOA_QA_DAY_MIN, NULL), 100);
	/* validity: article 102 exists 2021-01-01 .. 2024-01-01 */
	assert_int_equal(top("đăng ký thường trú", 19000, NULL), 102);
	assert_int_not_equal(top("đăng ký thường trú", 20000, NULL), 102);
	/* a raw BM25 check: one term, one field: the shorter body wins */
	loa_qa_hit h[5];
	size_t n;
	assert_int_equal(loa_qa_search(ix, NULL, "phép", 5, LOA_QA_DAY_MIN, h, 5, &n, NULL), 0);
	assert_int_equal(n, 3);
	for (size_t i = 1; i < n; i++)
		assert_true(h[i - 1].score >= h[i].score);
}

static void test_rewrite(void **state)
{
	loa_buf b;
	loa_buf_init(&b, 4096);
	bool folded;
	const char *q = "Thời hạn cấp GPXD là bao nhiêu ngày, đúng hay sai?";
	assert_int_equal(loa_qa_rewrite(NULL, q, strlen(q), &b, &folded), 0);
	assert_string_equal(b.data, "thời hạn cấp giấy phép xây dựng là ngày");
	assert_false(folded);
	loa_buf_reset(&b);
	q = "UBND cap GPXD nhu the nao?";
	assert_int_equal(loa_qa_rewrite(NULL, q, strlen(q), &b, &folded), 0);
	assert_string_equal(b.data, "uy ban nhan dan cap giay phep xay dung");
	assert_true(folded);
	loa_buf_reset(&b);
	q = "CCCD và BHYT";
	assert_int_equal(loa_qa_rewrite(NULL, q, strlen(q), &b, NULL), 0);
	assert_string_equal(b.data, "căn cước công dân và bảo hiểm y tế");
	loa_buf_release(&b);
	/* the table is documented as pairs */
	const char *const *t = loa_qa_abbreviations();
	assert_string_equal(t[0], "gpxd");
}

static void test_bad_questions(void **state)
{
	loa_qa_hit h[3];
	size_t n = 99;
	loa_err err;
	assert_int_equal(loa_qa_search(ix, NULL, "", 0, LOA_QA_DAY_MIN, h, 3, &n, &err), LOA_EINVAL);
	assert_int_equal(loa_qa_search(ix, NULL, "  \n ", 4, LOA_QA_DAY_MIN, h, 3, &n, &err), LOA_EINVAL);
	static char huge[LOA_QA_QUERY_MAX + 10];
	memset(huge, 'a', sizeof huge - 1);
	assert_int_equal(loa_qa_search(ix, NULL, huge, strlen(huge), LOA_QA_DAY_MIN, h, 3, &n, &err),
			 LOA_ETOOBIG);
	/* punctuation only, foreign text, invalid UTF-8: no crash, low confidence */
	assert_int_equal(loa_qa_search(ix, NULL, "?!...", 5, LOA_QA_DAY_MIN, h, 3, &n, &err), 0);
	assert_int_equal(n, 0);
	double c = 1;
	top("What is the weather in London today?", LOA_QA_DAY_MIN, &c);
	assert_true(c < 0.4);
	assert_int_equal(loa_qa_search(ix, NULL, "\xff\xfe giấy", 8, LOA_QA_DAY_MIN, h, 3, &n, &err), 0);
	/* many words: capped, still answers */
	char many[4000];
	size_t k = 0;
	for (int i = 0; i < 300; i++) {
		memcpy(many + k, "phép ", 6);
		k += 6;
	}
	many[k] = '\0';
	assert_int_equal(loa_qa_search(ix, NULL, many, strlen(many), LOA_QA_DAY_MIN, h, 3, &n, &err), 0);
	assert_true(n > 0);
}

static void test_params(void **state)
{
	loa_qa_params p;
	loa_qa_params_default(&p);
	loa_err err;
	assert_int_equal(loa_qa_params_set(&p, "k1=0.9", &err), 0);
	assert_true(fabs(p.k1 - 0.9) < 1e-9);
	assert_int_equal(loa_qa_params_set(&p, "nope=1", &err), LOA_EINVAL);
	assert_int_equal(loa_qa_params_set(&p, "k1=abc", &err), LOA_EINVAL);
	assert_int_equal(loa_qa_params_set(&p, "b_body=2", &err), LOA_EINVAL);
	loa_buf b;
	loa_buf_init(&b, 4096);
	assert_int_equal(loa_qa_params_write(&p, "test", &b), 0);
	assert_non_null(strstr(b.data, "k1 0.9\n"));
	loa_buf_release(&b);
}

/* Pruned candidate gathering (MaxScore with block-max bounds, the
 * default) against the full scan (prune=0): on a generated corpus with
 * skewed word frequencies (long posting lists over several blocks, terms
 * over max_df that only refine), the same hits with the same scores, also
 * with validity days and after the BM25 parameters change. */
static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

static const char *const syl[] = {
	"người", "được", "quy", "định", "của", "và", "các", "cơ", "quan", "nhà", "nước", "thời",
	"hạn", "cấp", "giấy", "phép", "xây", "dựng", "đất", "đai", "hồ", "sơ", "ủy", "ban", "tỉnh",
	"huyện", "xã", "lao", "động", "hợp", "đồng", "bảo", "hiểm", "thuế", "phí", "lệ", "tòa", "án",
	"xử", "phạt", "vi", "phạm", "hành", "chính", "công", "dân", "kinh", "doanh", "trường", "học",
	"giáo", "dục", "y", "tế", "bệnh", "viện", "thuốc", "rừng", "biển", "đảo", "cảng", "tàu",
	"xe", "đường", "cầu", "điện", "nước", "thủy", "lợi", "ngân", "hàng", "tiền", "vốn", "cổ",
	"phần", "chứng", "khoán", "kiểm", "toán", "thanh", "tra", "khiếu", "nại", "tố", "cáo",
};
#define NSYL (sizeof syl / sizeof syl[0])

static size_t gen_text(uint32_t *s, char *out, size_t cap, size_t words)
{
	size_t k = 0;
	for (size_t i = 0; i < words; i++) {
		/* skewed: the square of a uniform draw favours the first syllables */
		uint32_t u = lcg(s) % 1000;
		const char *w = syl[(u * u / 1000) * NSYL / 1000];
		size_t n = strlen(w);
		if (k + n + 2 >= cap)
			break;
		memcpy(out + k, w, n);
		k += n;
		out[k++] = lcg(s) % 9 == 0 ? ',' : ' ';
		if (out[k - 1] == ',')
			out[k++] = ' ';
	}
	out[k] = '\0';
	return k;
}

/* The full scan (prune 0), the windows (1), document at a time (2), the
 * two phases refining every candidate (3) and the windows over three
 * parts of the documents in threads (4): the same hits, scores included. */
static void same_hits(loa_qa_index *x, const char *q, int32_t day)
{
	loa_qa_params p = *loa_qa_index_params(x);
	loa_qa_hit a[10], b[10];
	size_t na = 0, nb = 0;
	p.prune = 0;
	loa_qa_index_set_params(x, &p);
	assert_int_equal(loa_qa_search(x, NULL, q, strlen(q), day, a, 10, &na, NULL), 0);
	for (int mode = 1; mode <= 4; mode++) {
		p.prune = mode >= 3 ? 1 : mode;
		p.refine = mode == 3 ? 1e6 : 0;
		p.threads = mode == 4 ? 3 : 1;
		p.split_docs = 500;
		loa_qa_index_set_params(x, &p);
		assert_int_equal(loa_qa_search(x, NULL, q, strlen(q), day, b, 10, &nb, NULL), 0);
		assert_int_equal(na, nb);
		for (size_t i = 0; i < na; i++) {
			assert_int_equal(a[i].doc, b[i].doc);
			assert_true(a[i].score == b[i].score);
			assert_true(a[i].feat[0] == b[i].feat[0]);
		}
	}
	p.prune = 1;
	p.refine = 0;
	p.threads = 2;
	loa_qa_index_set_params(x, &p);
}

static void test_prune(void **state)
{
	loa_qa_params p;
	loa_qa_params_default(&p);
	p.max_df = 300; /* frequent terms only refine */
	p.rerank = 20;
	loa_qa_index *x;
	assert_int_equal(loa_qa_index_new(&p, &x, NULL), 0);
	uint32_t seed = 7;
	static char title[400], body[4000];
	for (int i = 0; i < 3000; i++) {
		gen_text(&seed, title, sizeof title, 3 + lcg(&seed) % 6);
		gen_text(&seed, body, sizeof body, 10 + lcg(&seed) % 120);
		int32_t from = i % 7 == 0 ? 18000 : LOA_QA_DAY_MIN;
		int32_t to = i % 11 == 0 ? 19000 : LOA_QA_DAY_MAX;
		assert_int_equal(loa_qa_index_add(x, i, i % 3 ? "Luật A" : "Luật B", title,
						  strlen(title), body, strlen(body), from, to, NULL, NULL),
				 0);
	}
	assert_int_equal(loa_qa_index_finish(x, NULL), 0);
	loa_qa_index_stats st;
	loa_qa_index_stats_get(x, &st);
	assert_true(st.postings > 100000); /* the common words span many blocks */
	char q[600];
	for (int k = 0; k < 150; k++) {
		gen_text(&seed, q, sizeof q, 2 + lcg(&seed) % 25);
		same_hits(x, q, k % 4 == 0 ? 18500 : LOA_QA_DAY_MIN);
	}
	/* other BM25 parameters: the bounds follow */
	p.k1 = 2.0;
	p.b_body = 0.3;
	p.w_title = 5;
	loa_qa_index_set_params(x, &p);
	for (int k = 0; k < 60; k++) {
		gen_text(&seed, q, sizeof q, 2 + lcg(&seed) % 25);
		same_hits(x, q, LOA_QA_DAY_MIN);
	}
	loa_qa_index_free(x);
}

/* Synonyms mined from hand-written sentences: "(sau đây gọi [tắt] là)",
 * "còn gọi là", "hay còn gọi là", definition items; not "gọi chung là",
 * not ambiguous names; the expansion reaches articles that use only the
 * other name, and only with w_syn > 0. */
static const char *const syn_arts[][2] = {
	{"Tổ chức", "Tòa án nhân dân (sau đây gọi là Tòa án) xét xử công khai."},
	{"Đăng kiểm", "Cục đăng kiểm Việt Nam (sau đây gọi là VR) kiểm định phương tiện."},
	{"Đất đai", "Giấy chứng nhận quyền sử dụng đất, còn gọi là sổ đỏ, là chứng thư pháp lý."},
	{"Căn cước", "Thẻ căn cước hay còn gọi là căn cước điện tử."},
	{"Giải thích từ ngữ",
	 "Trong Luật này, các từ ngữ dưới đây được hiểu như sau:\n1. Nhà chung cư là nhà nhiều "
	 "tầng.\n2. Chủ đầu tư là việc của tổ chức.\n3. Đất ở là đất xây nhà, đất vườn."},
	{"Bộ", "Bộ, cơ quan ngang Bộ (sau đây gọi chung là bộ quản lý) ban hành."},
	{"Thẩm định", "Hội đồng thẩm định quốc gia (sau đây gọi là Hội đồng) họp."},
	{"Tư vấn", "Hội đồng tư vấn (sau đây gọi là Hội đồng) giúp việc."},
	{"Cấp lại", "Sổ đỏ cấp lại khi bị mất."},
	{"Tóm tắt", "Bản án (sau đây gọi tắt là bản án sơ thẩm) được gửi cho đương sự."},
};

static void test_synonyms(void **state)
{
	loa_qa_params p;
	loa_qa_params_default(&p);
	loa_qa_index *x;
	assert_int_equal(loa_qa_index_new(&p, &x, NULL), 0);
	size_t na = sizeof syn_arts / sizeof syn_arts[0];
	for (size_t i = 0; i < na; i++)
		assert_int_equal(loa_qa_index_add(x, (int64_t)i, "Luật", syn_arts[i][0],
						  strlen(syn_arts[i][0]), syn_arts[i][1],
						  strlen(syn_arts[i][1]), LOA_QA_DAY_MIN, LOA_QA_DAY_MAX,
						  NULL, NULL),
				 0);
	assert_int_equal(loa_qa_index_finish(x, NULL), 0);
	/* "(sau đây gọi là Y)" where Y shortens X: both ways, any marks */
	assert_non_null(loa_qa_index_synonym(x, "tòa án"));
	assert_string_equal(loa_qa_index_synonym(x, "Tòa án"), "tòa án nhân dân");
	assert_string_equal(loa_qa_index_synonym(x, "toa an nhan dan"), "tòa án");
	/* one upper-case name: an abbreviation, not a synonym */
	assert_string_equal(loa_qa_index_alias(x, "VR"), "cục đăng kiểm việt nam");
	assert_null(loa_qa_index_synonym(x, "vr"));
	/* ", còn gọi là" and "hay còn gọi là" */
	assert_string_equal(loa_qa_index_synonym(x, "sổ đỏ"), "giấy chứng nhận quyền sử dụng đất");
	assert_string_equal(loa_qa_index_synonym(x, "giấy chứng nhận quyền sử dụng đất"), "sổ đỏ");
	assert_string_equal(loa_qa_index_synonym(x, "căn cước điện tử"), "thẻ căn cước");
	/* definitions: "1. X là Y." kept; "là việc ..." and lists ("Y, ...") not */
	assert_string_equal(loa_qa_index_synonym(x, "nhà chung cư"), "nhà nhiều tầng");
	assert_null(loa_qa_index_synonym(x, "chủ đầu tư"));
	assert_null(loa_qa_index_synonym(x, "đất ở"));
	assert_null(loa_qa_index_synonym(x, "đất xây nhà"));
	/* "gọi chung là": a list, not mined */
	assert_null(loa_qa_index_synonym(x, "bộ quản lý"));
	/* "Hội đồng" names two bodies: ambiguous, dropped; each body keeps its name */
	assert_null(loa_qa_index_synonym(x, "hội đồng"));
	assert_string_equal(loa_qa_index_synonym(x, "hội đồng tư vấn"), "hội đồng");
	/* "gọi tắt là" with a Y longer than the phrase before: X back to the start */
	assert_string_equal(loa_qa_index_synonym(x, "bản án sơ thẩm"), "bản án");
	loa_qa_index_stats st;
	loa_qa_index_stats_get(x, &st);
	assert_true(st.synonyms >= 11);
	/* expansion: article 8 says only "sổ đỏ"; the question only the long name */
	const char *q = "giấy chứng nhận quyền sử dụng đất";
	loa_qa_hit h[10];
	size_t n = 0;
	bool found = false;
	assert_int_equal(loa_qa_search(x, NULL, q, strlen(q), LOA_QA_DAY_MIN, h, 10, &n, NULL), 0);
	for (size_t i = 0; i < n; i++)
		if (loa_qa_index_key(x, h[i].doc) == 8) {
			found = true;
			assert_true(h[i].feat[3] == 0); /* the re-ranker sees the question's own words */
		}
	assert_true(found);
	assert_int_equal(loa_qa_index_key(x, h[0].doc), 2); /* the original words weigh more */
	/* the rewritten question does not show the expansion */
	loa_buf b;
	loa_buf_init(&b, 4096);
	assert_int_equal(loa_qa_rewrite(x, q, strlen(q), &b, NULL), 0);
	assert_string_equal(b.data, "giấy chứng nhận quyền sử dụng đất");
	loa_buf_release(&b);
	p.w_syn = 0;
	loa_qa_index_set_params(x, &p);
	assert_int_equal(loa_qa_search(x, NULL, q, strlen(q), LOA_QA_DAY_MIN, h, 10, &n, NULL), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(loa_qa_index_key(x, h[i].doc), 8);
	loa_qa_index_free(x);
}

/* hits of two indexes for one question: the same documents, scores, features
 * and passages */
static void same_between(loa_qa_index *a, loa_qa_index *b, const char *q)
{
	loa_qa_hit ha[10], hb[10];
	size_t na = 0, nb = 0;
	assert_int_equal(loa_qa_search(a, NULL, q, strlen(q), LOA_QA_DAY_MIN, ha, 10, &na, NULL), 0);
	assert_int_equal(loa_qa_search(b, NULL, q, strlen(q), LOA_QA_DAY_MIN, hb, 10, &nb, NULL), 0);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(ha[i].doc, hb[i].doc);
		assert_true(ha[i].score == hb[i].score);
		assert_true(ha[i].confidence == hb[i].confidence);
		assert_int_equal(ha[i].pass_start, hb[i].pass_start);
		assert_int_equal(ha[i].nhl, hb[i].nhl);
	}
}

/* Save, load: the same index; a key or format mismatch and damage refused. */
static void test_persist(void **state)
{
	char path[] = "/tmp/loa-qaidx-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	loa_qa_params p;
	loa_qa_params_default(&p);
	loa_qa_index *x, *y = NULL;
	assert_int_equal(loa_qa_index_new(&p, &x, NULL), 0);
	uint32_t seed = 11;
	static char title[400], body[4000];
	for (int i = 0; i < 1500; i++) {
		gen_text(&seed, title, sizeof title, 3 + lcg(&seed) % 6);
		gen_text(&seed, body, sizeof body, 10 + lcg(&seed) % 120);
		assert_int_equal(loa_qa_index_add(x, 1000 + i, i % 3 ? "Luật A" : "Luật B", title,
						  strlen(title), body, strlen(body), LOA_QA_DAY_MIN,
						  LOA_QA_DAY_MAX, NULL, NULL),
				 0);
	}
	for (size_t i = 0; i < sizeof syn_arts / sizeof syn_arts[0]; i++)
		assert_int_equal(loa_qa_index_add(x, (int64_t)i, "Luật C", syn_arts[i][0],
						  strlen(syn_arts[i][0]), syn_arts[i][1],
						  strlen(syn_arts[i][1]), LOA_QA_DAY_MIN, LOA_QA_DAY_MAX,
						  NULL, NULL),
				 0);
	assert_int_equal(loa_qa_index_finish(x, NULL), 0);
	assert_int_equal(loa_qa_index_save(x, path, "gen=1", NULL), 0);
	/* another key: stale */
	assert_int_equal(loa_qa_index_load(path, "gen=2", &p, &y, NULL), LOA_ENOTFOUND);
	assert_null(y);
	assert_int_equal(loa_qa_index_load("/nonexistent/x.qaidx", "gen=1", &p, &y, NULL),
			 LOA_ENOTFOUND);
	assert_int_equal(loa_qa_index_load(path, "gen=1", &p, &y, NULL), 0);
	loa_qa_index_stats sa, sb;
	loa_qa_index_stats_get(x, &sa);
	loa_qa_index_stats_get(y, &sb);
	assert_memory_equal(&sa, &sb, sizeof sa);
	assert_int_equal(loa_qa_index_docs(y), loa_qa_index_docs(x));
	assert_int_equal(loa_qa_index_key(y, 5), loa_qa_index_key(x, 5));
	assert_string_equal(loa_qa_index_law(y, 3), loa_qa_index_law(x, 3));
	assert_string_equal(loa_qa_index_body(y, 1500, NULL), syn_arts[0][1]);
	assert_string_equal(loa_qa_index_synonym(y, "sổ đỏ"), "giấy chứng nhận quyền sử dụng đất");
	assert_string_equal(loa_qa_index_alias(y, "VR"), "cục đăng kiểm việt nam");
	char q[600];
	for (int k = 0; k < 60; k++) {
		gen_text(&seed, q, sizeof q, 2 + lcg(&seed) % 25);
		same_between(x, y, q);
	}
	same_between(x, y, "giấy chứng nhận quyền sử dụng đất");
	same_between(x, y, "toa an xet xu cong khai");
	/* other BM25 parameters on both: the loaded bounds follow */
	p.k1 = 2.0;
	p.b_body = 0.3;
	loa_qa_index_set_params(x, &p);
	loa_qa_index_free(y);
	y = NULL;
	assert_int_equal(loa_qa_index_load(path, "gen=1", &p, &y, NULL), 0);
	for (int k = 0; k < 30; k++) {
		gen_text(&seed, q, sizeof q, 2 + lcg(&seed) % 25);
		same_between(x, y, q);
	}
	loa_qa_index_free(y);
	y = NULL;
	/* damage: a cut file, another format version */
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), 4096), 0);
	fclose(f);
	assert_int_equal(loa_qa_index_load(path, "gen=1", &p, &y, NULL), LOA_EPARSE);
	assert_null(y);
	f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, 8, SEEK_SET), 0);
	uint32_t v = 99;
	assert_int_equal(fwrite(&v, sizeof v, 1, f), 1);
	fclose(f);
	assert_int_equal(loa_qa_index_load(path, "gen=1", &p, &y, NULL), LOA_EVERSION);
	/* an unwritable place: an error, nothing left behind */
	assert_int_not_equal(loa_qa_index_save(x, "/nonexistent/dir/x.qaidx", "gen=1", NULL), 0);
	loa_qa_index_free(x);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bm25),
		cmocka_unit_test(test_rewrite),
		cmocka_unit_test(test_bad_questions),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_prune),
		cmocka_unit_test(test_synonyms),
		cmocka_unit_test(test_persist),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
