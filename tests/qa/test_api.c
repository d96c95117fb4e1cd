/* The qa API through a real server on 127.0.0.1:0: ask (answers with
 * citations, abstention, bad bodies), feedback, case lookup (same 404 for
 * an unknown code and a wrong phone, lockout after repeated misses). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/app.h"
#include "qa/cases.h"
#include "qa/laws.h"
#include "qa/qa.h"
#include "testutil.h"

static loa_http_server *srv;
static loa_app *app;
static loa_config *cfg;
static unsigned port;
static char dir[] = "/tmp/loa-qa-api.XXXXXX";
static char dbp[256];

typedef struct reply {
	long status;
	char body[65536];
	size_t len;
} reply;

static size_t on_data(char *p, size_t sz, size_t n, void *ud)
{
	reply *r = ud;
	size_t k = sz * n;
	if (r->len + k >= sizeof r->body)
		k = sizeof r->body - 1 - r->len;
	memcpy(r->body + r->len, p, k);
	r->len += k;
	r->body[r->len] = '\0';
	return sz * n;
}

static json_t *post(const char *path, const char *body, reply *r)
{
	char url[256];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
	memset(r, 0, sizeof *r);
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	json_error_t je;
	return json_loads(r->body, 0, &je);
}

static int setup(void **state)
{
	assert_non_null(mkdtemp(dir));
	snprintf(dbp, sizeof dbp, "%s/t.db", dir);
	loa_err err;
	loa_store *s;
	assert_int_equal(loa_store_open(dbp, 0, &s, &err), 0);
	assert_int_equal(loa_qa_db_init(s, &err), 0);
	loa_law_doc d;
	loa_law_doc_init(&d);
	const char *text = "Điều 102. Thời hạn cấp giấy phép xây dựng\n1. Thời hạn cấp giấy phép xây dựng "
			   "là 20 ngày kể từ ngày nhận đủ hồ sơ hợp lệ.\n2. Nhà ở riêng lẻ là 15 ngày.\n"
			   "Điều 103. Thẩm quyền cấp giấy phép xây dựng\nỦy ban nhân dân cấp tỉnh cấp "
			   "giấy phép xây dựng công trình cấp đặc biệt.\n";
	assert_int_equal(loa_law_parse_text(&d, text, strlen(text), &err), 0);
	d.number = "50/2014/QH13";
	d.type = "Luật";
	d.title = "Luật Xây dựng";
	d.issued = "2014-06-18";
	d.effective = "2015-01-01";
	assert_int_equal(loa_law_store(s, &d, NULL, &err), 0);
	loa_law_doc_release(&d);
	const char *c = "{\"code\":\"HS-1\",\"procedure\":\"Cấp giấy phép xây dựng nhà ở riêng lẻ\","
			"\"phone\":\"0912345678\",\"submitted\":\"2025-01-02\",\"limit_days\":15,"
			"\"law\":{\"document\":\"50/2014/QH13\",\"article\":\"102\"}}";
	assert_int_equal(loa_case_import_json(s, c, strlen(c), &err), 0);
	loa_store_close(s);
	cfg = loa_config_new();
	assert_int_equal(loa_app_new(cfg, dbp, &app, &err), 0);
	loa_http_opts o = {.listen = "127.0.0.1:0", .threads = 2, .routes = loa_qa_routes,
			   .nroutes = loa_qa_nroutes, .app = app};
	assert_int_equal(loa_http_start(&o, &srv, &err), 0);
	port = loa_http_port(srv);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return 0;
}

static int teardown(void **state)
{
	loa_http_stop(srv);
	loa_app_free(app);
	loa_config_free(cfg);
	char p[300];
	loa_test_unlink_db(dbp);
	snprintf(p, sizeof p, "%s.qaidx", dbp);
	unlink(p);
	rmdir(dir);
	curl_global_cleanup();
	return 0;
}

static void test_ask(void **state)
{
	reply r;
	json_t *j = post("/api/v1/ask", "{\"question\":\"thoi han cap GPXD nha o rieng le\"}", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(j);
	assert_false(json_is_true(json_object_get(j, "abstained")));
	json_t *a = json_array_get(json_object_get(j, "answers"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "citation")), "Điều 102, Luật Xây dựng 2014");
	assert_true(json_array_size(json_object_get(a, "highlights")) > 0);
	assert_non_null(json_string_value(json_object_get(a, "passage")));
	json_decref(j);
	/* the server saved its index next to the database (loa_laws_index) */
	char ixp[300];
	struct stat sb;
	snprintf(ixp, sizeof ixp, "%s.qaidx", dbp);
	assert_int_equal(stat(ixp, &sb), 0);
	assert_true(sb.st_size > 0);
	/* before the law was in force */
	j = post("/api/v1/ask", "{\"question\":\"thời hạn cấp giấy phép xây dựng\",\"as_of\":\"2010-01-01\"}", &r);
	assert_int_equal(r.status, 200);
	assert_true(json_is_true(json_object_get(j, "abstained")));
	assert_string_equal(json_string_value(json_object_get(j, "message")), LOA_QA_ABSTAIN_MSG);
	json_decref(j);
	j = post("/api/v1/ask", "{\"question\":\"How do I bake chocolate chip cookies?\"}", &r);
	assert_int_equal(r.status, 200);
	assert_true(json_is_true(json_object_get(j, "abstained")));
	json_decref(j);
	/* bad bodies */
	static const char *const bad[] = {"", "[]", "{\"question\":\"\"}", "{\"question\":5}",
					  "{\"question\":\"x\",\"as_of\":\"2020-99-01\"}",
					  "{\"question\":\"x\",\"limit\":1000}", "{"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		j = post("/api/v1/ask", bad[i], &r);
		assert_int_equal(r.status, 400);
		assert_non_null(json_object_get(json_object_get(j, "error"), "code"));
		json_decref(j);
	}
	char *huge = malloc(LOA_QA_QUERY_MAX + 64);
	snprintf(huge, LOA_QA_QUERY_MAX + 64, "{\"question\":\"%*s\"}", LOA_QA_QUERY_MAX + 10, "a");
	j = post("/api/v1/ask", huge, &r);
	assert_int_equal(r.status, 400);
	json_decref(j);
	free(huge);
}

static void test_feedback(void **state)
{
	reply r;
	json_t *j = post("/api/v1/ask/feedback",
			 "{\"question\":\"thời hạn cấp giấy phép\",\"article_id\":1,\"helpful\":true}", &r);
	assert_int_equal(r.status, 201);
	json_decref(j);
	j = post("/api/v1/ask/feedback", "{\"question\":\"x\"}", &r);
	assert_int_equal(r.status, 400);
	json_decref(j);
}

static void test_lookup(void **state)
{
	reply r;
	json_t *j = post("/api/v1/cases/lookup", "{\"code\":\"HS-1\",\"phone\":\"0912 345 678\"}", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(j, "due")), "2025-01-23");
	json_t *law = json_object_get(j, "law");
	assert_string_equal(json_string_value(json_object_get(law, "citation")), "Điều 102, Luật Xây dựng 2014");
	assert_true(json_is_true(json_object_get(j, "late")));
	json_decref(j);
	/* unknown code and wrong phone: the same answer */
	reply r1, r2;
	json_decref(post("/api/v1/cases/lookup", "{\"code\":\"HS-1\",\"phone\":\"0900000000\"}", &r1));
	json_decref(post("/api/v1/cases/lookup", "{\"code\":\"HS-999\",\"phone\":\"0912345678\"}", &r2));
	assert_int_equal(r1.status, 404);
	assert_int_equal(r2.status, 404);
	assert_string_equal(r1.body, r2.body);
	j = post("/api/v1/cases/lookup", "{\"code\":\"HS-1\"}", &r);
	assert_int_equal(r.status, 400);
	json_decref(j);
	/* guessing: after 5 misses the address is locked out, even with the right phone */
	for (int i = 0; i < 3; i++)
		json_decref(post("/api/v1/cases/lookup", "{\"code\":\"HS-00\",\"phone\":\"0912345678\"}", &r));
	j = post("/api/v1/cases/lookup", "{\"code\":\"HS-1\",\"phone\":\"0912345678\"}", &r);
	assert_int_equal(r.status, 429);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
			    "too_many_requests");
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ask),
		cmocka_unit_test(test_feedback),
		cmocka_unit_test(test_lookup),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
