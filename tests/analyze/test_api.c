/* The analysis room's JSON API (src/analyze/api.c) on a real server on
 * 127.0.0.1:0 with a small database: measures, stories, claims, labels,
 * the report; bad parameters give 400, unknown ids 404. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/api.h"
#include "analyze/claim.h"
#include "analyze/measure.h"
#include "analyze/pipeline.h"
#include "core/config.h"
#include "http/app.h"
#include "http/http.h"
#include "store/store.h"

static char dir[] = "/tmp/loa-test-api.XXXXXX";
static char db[256];
static loa_app *app;
static loa_http_server *srv;
static unsigned port;
static loa_config *cfg;

typedef struct reply {
	long status;
	char *body;
	size_t len;
	char ctype[128];
} reply;

static size_t on_data(char *p, size_t sz, size_t n, void *ud)
{
	reply *r = ud;
	size_t k = sz * n;
	char *b = realloc(r->body, r->len + k + 1);
	if (!b)
		return 0;
	r->body = b;
	memcpy(r->body + r->len, p, k);
	r->len += k;
	r->body[r->len] = '\0';
	return k;
}

static json_t *request(const char *method, const char *path, const char *body, reply *r)
{
	char url[1024];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
	memset(r, 0, sizeof *r);
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	struct curl_slist *h = NULL;
	if (body) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	char *ct = NULL;
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
	if (ct)
		snprintf(r->ctype, sizeof r->ctype, "%s", ct);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	json_t *j = r->body && r->ctype[0] && strstr(r->ctype, "json")
			    ? json_loads(r->body, 0, NULL)
			    : NULL;
	return j;
}

static void add_item(loa_store *s, const char *source, const char *id, const char *org,
		     const char *text, const char *at)
{
	loa_item it;
	loa_item_init(&it);
	it.source = source;
	it.id = id;
	it.org = org;
	it.text = text;
	assert_int_equal(loa_time_parse_rfc3339(at, strlen(at), &it.published_at), 0);
	loa_err err;
	assert_int_equal(loa_store_item_upsert(s, &it, NULL, &err), 0);
}

static const char *NEWS =
	"Bộ Y tế cho biết đã tiếp nhận thêm một triệu liều vắc xin cho chương trình tiêm chủng mở "
	"rộng. Số vắc xin này được phân bổ ngay cho các tỉnh miền núi phía Bắc, nơi tỉ lệ tiêm còn "
	"thấp. Các trạm y tế xã được yêu cầu tổ chức tiêm an toàn và báo cáo hằng tuần.";

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/t.db", dir);
	setenv("LOA_MODELS", dir, 1); /* no models: tone comes from labels only */
	loa_store *s;
	loa_err err;
	assert_int_equal(loa_store_open(db, 0, &s, &err), 0);
	loa_org o = {0, "bo-y-te", "Bộ Y tế", "ministry", NULL, LOA_TIME_NONE, LOA_TIME_NONE, NULL};
	assert_int_equal(loa_store_org_add(s, &o, NULL, &err), 0);
	add_item(s, "cong-bo-y-te", "1", "bo-y-te", NEWS, "2026-11-01T02:00:00Z");
	add_item(s, "bao-a", "2", NULL, NEWS, "2026-11-01T05:00:00Z");
	add_item(s, "bao-b", "3", NULL,
		 "Người dân phản ánh Bộ Y tế chậm trả lời hồ sơ cấp phép hành nghề, nhiều hồ sơ quá "
		 "hạn hàng tháng chưa được giải quyết khiến dư luận bức xúc.",
		 "2026-11-02T05:00:00Z");
	loa_analyze_stats st = {0};
	assert_int_equal(loa_analyze_run(s, NULL, &st, &err), 0);
	assert_int_equal(st.items, 3);
	assert_int_equal(loa_label_set(s, 1, "tone", "positive", "tester", NULL, &err), 0);
	assert_int_equal(loa_label_set(s, 3, "tone", "negative", "tester", "đọc lại", &err), 0);
	loa_store_close(s);

	cfg = loa_config_new();
	assert_int_equal(loa_app_new(cfg, db, &app, &err), 0);
	size_t n;
	const loa_http_route *routes = loa_analyze_routes(&n);
	loa_http_opts ho = {0};
	ho.listen = "127.0.0.1:0";
	ho.threads = 2;
	ho.routes = routes;
	ho.nroutes = n;
	ho.app = app;
	assert_int_equal(loa_http_start(&ho, &srv, &err), 0);
	port = loa_http_port(srv);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	loa_http_stop(srv);
	loa_app_free(app);
	loa_config_free(cfg);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}

static void test_measures(void **state)
{
	(void)state;
	reply r;
	json_t *j = request("GET", "/api/v1/measures?by=org&scope=own&since=2026-10-01&until=2026-12-01",
			    NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(j);
	json_t *g = json_array_get(json_object_get(j, "groups"), 0);
	assert_string_equal(json_string_value(json_object_get(g, "key")), "bo-y-te");
	assert_string_equal(json_string_value(json_object_get(g, "name")), "Bộ Y tế");
	assert_int_equal(json_integer_value(json_object_get(g, "n")), 1);
	assert_true(json_real_value(json_object_get(j, "threshold")) == 0.15);
	json_decref(j);
	free(r.body);
	/* about: the two press items name the ministry; one is negative */
	j = request("GET", "/api/v1/measures?by=org&scope=about&since=2026-10-01&until=2026-12-01",
		    NULL, &r);
	assert_int_equal(r.status, 200);
	g = json_array_get(json_object_get(j, "groups"), 0);
	assert_int_equal(json_integer_value(json_object_get(g, "n")), 2);
	assert_int_equal(json_integer_value(json_object_get(g, "negative")), 1);
	double lo = json_real_value(json_object_get(g, "lo")), hi = json_real_value(json_object_get(g, "hi"));
	assert_true(lo >= 0 && lo <= 1.0 && hi <= 1 && lo < hi);
	assert_true(json_array_size(json_object_get(g, "points")) == 2); /* two days */
	json_decref(j);
	free(r.body);
	j = request("GET", "/api/v1/measures?by=nope", NULL, &r);
	assert_int_equal(r.status, 400);
	json_decref(j);
	free(r.body);
	j = request("GET", "/api/v1/measures?since=yesterday", NULL, &r);
	assert_int_equal(r.status, 400);
	json_decref(j);
	free(r.body);
}

static void test_stories_claims(void **state)
{
	(void)state;
	reply r;
	json_t *j = request("GET", "/api/v1/stories?since=2026-10-01&min_items=2", NULL, &r);
	assert_int_equal(r.status, 200);
	json_t *s = json_array_get(json_object_get(j, "stories"), 0);
	assert_non_null(s);
	assert_int_equal(json_integer_value(json_object_get(s, "items")), 2);
	assert_int_equal(json_integer_value(json_object_get(s, "outlets")), 2);
	assert_string_equal(json_string_value(json_object_get(s, "first_source")), "cong-bo-y-te");
	char path[128];
	snprintf(path, sizeof path, "/api/v1/stories/%lld",
		 (long long)json_integer_value(json_object_get(s, "id")));
	json_decref(j);
	free(r.body);
	j = request("GET", path, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	assert_true(json_array_size(json_object_get(j, "spread")) >= 1);
	json_decref(j);
	free(r.body);
	j = request("GET", "/api/v1/stories/424242", NULL, &r);
	assert_int_equal(r.status, 404);
	json_decref(j);
	free(r.body);
	j = request("GET", "/api/v1/stories/abc", NULL, &r);
	assert_int_equal(r.status, 400);
	json_decref(j);
	free(r.body);

	j = request("POST", "/api/v1/claims",
		    "{\"text\": \"Bộ Y tế chậm trả lời hồ sơ cấp phép hành nghề\", "
		    "\"rebuttal_url\": \"https://moh.example.vn/x\"}",
		    &r);
	assert_int_equal(r.status, 201);
	assert_int_equal(json_integer_value(json_object_get(j, "matched_items")), 1);
	json_decref(j);
	free(r.body);
	j = request("POST", "/api/v1/claims", "{\"text\": \"\"}", &r);
	assert_int_equal(r.status, 400);
	json_decref(j);
	free(r.body);
	j = request("GET", "/api/v1/claims", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(json_object_get(j, "claims")), 1);
	json_decref(j);
	free(r.body);
	j = request("GET", "/api/v1/claims/1", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	json_t *p = json_array_get(json_object_get(j, "spread"), 0);
	assert_int_equal(json_integer_value(json_object_get(p, "claim")), 1);
	json_decref(j);
	free(r.body);
}

static void test_label_report(void **state)
{
	(void)state;
	reply r;
	/* anonymous: nobody to record as the labeller */
	json_t *j = request("POST", "/api/v1/items/2/label", "{\"task\": \"tone\", \"label\": \"neutral\"}",
			    &r);
	assert_int_equal(r.status, 400);
	json_decref(j);
	free(r.body);
	j = request("GET", "/api/v1/report?format=html&from=2026-10-01", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.ctype, "text/html"));
	assert_non_null(strstr(r.body, "<svg"));
	json_decref(j);
	free(r.body);
	j = request("GET", "/api/v1/report?format=json&org=bo-y-te", NULL, &r);
	assert_int_equal(r.status, 200);
	json_t *o = json_array_get(json_object_get(j, "orgs"), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "own"), "items")), 1);
	json_decref(j);
	free(r.body);
	j = request("GET", "/api/v1/report?format=pdf", NULL, &r);
	assert_int_equal(r.status, 400);
	json_decref(j);
	free(r.body);
}

/* The job loa serve runs: drains new items, keeps its analyzer between runs,
 * picks up a claim added meanwhile, and stops at once when asked. */
static void test_job(void **state)
{
	(void)state;
	loa_store *s;
	loa_err err;
	assert_int_equal(loa_store_open(db, 0, &s, &err), 0);
	add_item(s, "bao-c", "4", NULL, NEWS, "2026-11-03T05:00:00Z");
	atomic_int stop = 0;
	loa_analyze_job job = {0};
	job.db_path = db;
	assert_int_equal(loa_analyze_job_run(&job, &stop), 0);
	assert_int_equal(job.total.items, 1);
	int64_t n = 0;
	assert_int_equal(loa_analyze_pending(s, &n, &err), 0);
	assert_int_equal(n, 0);
	int64_t id;
	assert_int_equal(loa_claim_add(s, NULL, "Bệnh viện tỉnh đóng cửa khoa cấp cứu vì thiếu bác sĩ",
				       NULL, "tester", &id, &err), 0);
	add_item(s, "bao-d", "5", NULL, "Tin đồn: bệnh viện tỉnh đóng cửa khoa cấp cứu vì thiếu bác sĩ",
		 "2026-11-03T06:00:00Z");
	assert_int_equal(loa_analyze_job_run(&job, &stop), 0);
	assert_int_equal(job.total.items, 2);
	loa_claim_info *ci = malloc(sizeof *ci);
	assert_non_null(ci);
	assert_int_equal(loa_claim_get(s, id, ci, &err), 0);
	assert_int_equal(ci->items, 1);
	free(ci);
	add_item(s, "bao-e", "6", NULL, NEWS, "2026-11-03T07:00:00Z");
	stop = 1;
	assert_int_equal(loa_analyze_job_run(&job, &stop), 0);
	assert_int_equal(job.total.items, 2); /* stopped before the item */
	loa_analyze_job_release(&job);
	loa_store_close(s);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_measures),
		cmocka_unit_test(test_stories_claims),
		cmocka_unit_test(test_label_report),
		cmocka_unit_test(test_job),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
