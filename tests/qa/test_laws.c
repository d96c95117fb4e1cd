/* The plain-text law parser (structure, line-numbered errors) and the
 * JSON document format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "qa/laws.h"

static const char doc_text[] =
	"LUẬT MẪU\n"
	"Căn cứ Hiến pháp;\n"
	"Chương I\n"
	"NHỮNG QUY ĐỊNH CHUNG\n"
	"Điều 1. Phạm vi điều chỉnh\n"
	"Luật này quy định về thử nghiệm.\n"
	"Điều 2. Giải thích từ ngữ\n"
	"1. Khoản một\n"
	"tiếp tục khoản một.\n"
	"2. Khoản hai gồm:\n"
	"a) điểm a;\n"
	"b) điểm b;\n"
	"đ) không đúng thứ tự\n";

static void test_parse_ok(void **state)
{
	loa_law_doc d;
	loa_law_doc_init(&d);
	loa_err err;
	const char *ok = "Chương II: QUYỀN\nĐiều 5. Tên\n1. Một\na) A\nb) B\nc) C\nd) D\nđ) Đ\n2. Hai\n"
			 "Điều 5a. Bổ sung\nNội dung.\nĐiều 6\nKhông tên.\n";
	assert_int_equal(loa_law_parse_text(&d, ok, strlen(ok), &err), 0);
	assert_int_equal(d.chapters.len, 1);
	assert_string_equal(d.chapters.items[0].number, "II");
	assert_string_equal(d.chapters.items[0].title, "QUYỀN");
	assert_int_equal(d.articles.len, 3);
	loa_law_article *a = &d.articles.items[0];
	assert_string_equal(a->number, "5");
	assert_string_equal(a->title, "Tên");
	assert_int_equal(a->clauses.len, 2);
	assert_int_equal(a->clauses.items[0].points.len, 5);
	assert_string_equal(a->clauses.items[0].points.items[4].letter, "đ");
	assert_string_equal(a->clauses.items[0].text, "Một");
	assert_string_equal(d.articles.items[1].number, "5a");
	assert_string_equal(d.articles.items[2].title, "");
	assert_string_equal(d.articles.items[2].body, "Không tên.");
	loa_law_doc_release(&d);
}

static void expect_error(const char *text, const char *needle)
{
	loa_law_doc d;
	loa_law_doc_init(&d);
	loa_err err;
	loa_err_clear(&err);
	assert_int_equal(loa_law_parse_text(&d, text, strlen(text), &err), LOA_EPARSE);
	if (!strstr(err.msg, needle))
		fail_msg("'%s' lacks '%s'", err.msg, needle);
	loa_law_doc_release(&d);
}

static void test_parse_errors(void **state)
{
	expect_error(doc_text, "dòng 13"); /* đ) after b) */
	expect_error("Điều 1. A\n1. x\n3. y\n", "dòng 3");
	expect_error("Điều 1. A\nchữ\na) x\n", "dòng 3");
	expect_error("Điều 2. A\nx\nĐiều 2. B\ny\n", "dòng 3");
	expect_error("Điều 1.\nĐiều 2. B\ny\n", "dòng 1");
	expect_error("Không có điều nào cả.\n", "no article");
	expect_error("", "no article");
	expect_error("Điều 1. A\n\xff\xfe\n", "UTF-8");
	expect_error("Chương I\nA\n1. khoản ngoài điều\n", "dòng 3");
}

static void test_json(void **state)
{
	loa_law_doc d;
	loa_law_doc_init(&d);
	loa_err err;
	const char *j = "{\"number\":\"1/2020/QH14\",\"type\":\"Luật\",\"title\":\"Luật Thử\",\"issued\":\"2020-01-02\","
			"\"articles\":[{\"number\":\"3\",\"title\":\"T\",\"clauses\":[{\"text\":\"k1\",\"points\":"
			"[{\"letter\":\"a\",\"text\":\"p\"}]}]}],\"amends\":[{\"document\":\"2/2019/QH14\","
			"\"article\":\"4\",\"action\":\"repeal\"}]}";
	assert_int_equal(loa_law_from_json(&d, j, strlen(j), &err), 0);
	assert_int_equal(d.articles.len, 1);
	assert_string_equal(d.articles.items[0].body, "1. k1\na) p");
	assert_int_equal(d.amends.len, 1);
	loa_law_doc_release(&d);
	static const char *const bad[] = {
		"{\"type\":\"Luật\",\"title\":\"x\",\"articles\":[{\"number\":\"1\",\"text\":\"a\"}]}",
		"{\"number\":\"1\",\"type\":\"Luật\",\"title\":\"x\",\"issued\":\"2020-02-30\"}",
		"{\"number\":\"1\",\"type\":\"Luật\",\"title\":\"x\"}",
		"{\"number\":\"1\",\"type\":\"Luật\",\"title\":\"x\",\"amends\":[{\"document\":\"2\",\"article\":\"1\",\"action\":\"burn\"}]}",
		"[1,2]",
		"{",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		loa_law_doc_init(&d);
		assert_int_not_equal(loa_law_from_json(&d, bad[i], strlen(bad[i]), &err), 0);
		loa_law_doc_release(&d);
	}
}

static void test_citation(void **state)
{
	loa_law_article_rec r;
	memset(&r, 0, sizeof r);
	snprintf(r.number, sizeof r.number, "%s", "89");
	snprintf(r.doc_type, sizeof r.doc_type, "%s", "Luật");
	snprintf(r.doc_title, sizeof r.doc_title, "%s", "Luật Xây dựng");
	snprintf(r.doc_number, sizeof r.doc_number, "%s", "50/2014/QH13");
	snprintf(r.issued, sizeof r.issued, "%s", "2014-06-18");
	loa_buf b;
	loa_buf_init(&b, 1024);
	loa_law_citation(&r, &b);
	assert_string_equal(b.data, "Điều 89, Luật Xây dựng 2014");
	loa_buf_reset(&b);
	snprintf(r.doc_type, sizeof r.doc_type, "%s", "Nghị định");
	snprintf(r.doc_number, sizeof r.doc_number, "%s", "15/2021/NĐ-CP");
	loa_law_citation(&r, &b);
	assert_string_equal(b.data, "Điều 89, Nghị định 15/2021/NĐ-CP");
	loa_buf_reset(&b);
	r.issued[0] = '\0';
	snprintf(r.doc_title, sizeof r.doc_title, "%s", "Luật Du lịch");
	loa_law_citation(&r, &b);
	assert_string_equal(b.data, "Điều 89, Luật Du lịch");
	loa_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_citation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
