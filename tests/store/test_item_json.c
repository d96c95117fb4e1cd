/*
 * test_item_json.c - unit tests of the item codec (JSON lines in and out,
 * CSV out).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "store/item_json.h"

#include "core/banned.h"

static const char line1[] =
	"{\"source\":\"fb-bo-y-te\",\"id\":\"123_456\",\"platform\":\"facebook\","
	"\"kind\":\"post\",\"url\":\"https://facebook.com/boyte/posts/456\","
	"\"text\":\"Bộ Y tế khuyến cáo người dân tiêm vắc-xin đầy đủ.\","
	"\"author\":\"Bộ Y tế\",\"lang\":\"vi\",\"published_at\":\"2024-03-01T09:30:00+07:00\","
	"\"org\":\"bo-y-te\",\"reactions\":1520,\"shares\":230,\"comments\":87,"
	"\"extra\":{\"ignored\":true}}";

/* json-1: a full line decodes; times become UTC ms; unknown keys ignored. */
static void test_decode(void **state)
{
	json_t *root;
	loa_item it;
	loa_err err;
	assert_int_equal(loa_item_parse_line(line1, strlen(line1), &root, &it, &err), LOA_OK);
	assert_string_equal(it.source, "fb-bo-y-te");
	assert_string_equal(it.id, "123_456");
	assert_string_equal(it.text, "Bộ Y tế khuyến cáo người dân tiêm vắc-xin đầy đủ.");
	assert_true(it.published_at == 1709260200000); /* 02:30Z */
	assert_true(it.fetched_at == LOA_TIME_NONE);
	assert_int_equal(it.reactions, 1520);
	assert_int_equal(it.comments, 87);
	assert_null(it.title);
	json_decref(root);
}

/* json-2: bad JSON, non-objects, wrong types and bad times are refused. */
static void test_refuse(void **state)
{
	struct {
		const char *line;
		const char *msg;
	} cases[] = {
		{"{\"source\":\"a\",", "bad JSON"},
		{"[1,2]", "not a JSON object"},
		{"\"text\"", "not a JSON object"},
		{"{\"source\":5,\"text\":\"x\"}", "source"},
		{"{\"source\":\"a\",\"text\":\"x\",\"published_at\":\"hôm qua\"}", "bad time"},
		{"{\"source\":\"a\",\"text\":\"x\",\"published_at\":1700000000}", "bad time"},
		{"{\"source\":\"a\",\"text\":\"x\",\"reactions\":-1}", "reactions"},
		{"{\"source\":\"a\",\"text\":\"x\",\"shares\":\"5\"}", "shares"},
		{"{\"source\":\"a\",\"source\":\"b\"}", "bad JSON"},
		{"{\"text\":\"\xff\xfe\"}", "bad JSON"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *root;
		loa_item it;
		loa_err err;
		loa_err_clear(&err);
		int rc = loa_item_parse_line(cases[i].line, strlen(cases[i].line), &root, &it, &err);
		json_decref(root);
		assert_int_equal(rc, LOA_EPARSE);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].msg);
	}
}

/* json-3: numeric ids become strings; null is absent. */
static void test_numeric_id(void **state)
{
	const char *l = "{\"source\":\"tiktok-x\",\"id\":7312345678901234567,\"parent_id\":42,"
			"\"title\":null,\"text\":\"x\"}";
	json_t *root;
	loa_item it;
	assert_int_equal(loa_item_parse_line(l, strlen(l), &root, &it, NULL), LOA_OK);
	assert_string_equal(it.id, "7312345678901234567");
	assert_string_equal(it.parent_id, "42");
	assert_null(it.title);
	json_decref(root);
}

/* json-4: encoding and decoding round trip. */
static void test_round_trip(void **state)
{
	json_t *root;
	loa_item it;
	assert_int_equal(loa_item_parse_line(line1, strlen(line1), &root, &it, NULL), LOA_OK);
	loa_buf out;
	loa_buf_init(&out, 0);
	assert_int_equal(loa_item_write_jsonl(&out, &it), LOA_OK);
	assert_true(out.len > 0 && out.data[out.len - 1] == '\n');
	assert_non_null(strstr(out.data, "\"published_at\":\"2024-03-01T02:30:00Z\""));
	assert_non_null(strstr(out.data, "Bộ Y tế")); /* UTF-8 kept, not \u-escaped */
	assert_null(strstr(out.data, "extra"));
	json_t *root2;
	loa_item it2;
	assert_int_equal(loa_item_parse_line(out.data, out.len - 1, &root2, &it2, NULL), LOA_OK);
	assert_string_equal(it2.text, it.text);
	assert_string_equal(it2.org, it.org);
	assert_true(it2.published_at == it.published_at);
	assert_int_equal(it2.shares, it.shares);
	json_decref(root);
	json_decref(root2);
	loa_buf_release(&out);
}

/* json-5: CSV has the same field names and quotes what needs quoting. */
static void test_csv(void **state)
{
	loa_buf out;
	loa_buf_init(&out, 0);
	assert_int_equal(loa_item_write_csv_header(&out), LOA_OK);
	assert_string_equal(out.data, "source,id,kind,platform,url,title,text,html,author,lang,"
				      "published_at,fetched_at,parent_id,shared_from,org,"
				      "reactions,shares,comments\r\n");
	loa_buf_reset(&out);
	loa_item it;
	loa_item_init(&it);
	it.source = "s";
	it.title = "Họp báo, \"nóng\"";
	it.text = "dòng 1\ndòng 2";
	it.published_at = 0;
	it.reactions = 3;
	assert_int_equal(loa_item_write_csv(&out, &it), LOA_OK);
	assert_string_equal(out.data, "s,,,,,\"Họp báo, \"\"nóng\"\"\",\"dòng 1\ndòng 2\",,,,"
				      "1970-01-01T00:00:00Z,,,,,3,,\r\n");
	loa_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_refuse),
		cmocka_unit_test(test_numeric_id),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_csv),
	};
	return cmocka_run_group_tests_name("item_json", tests, NULL, NULL);
}
