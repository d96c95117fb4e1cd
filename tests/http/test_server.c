/* The HTTP server: routing, JSON errors, body cap, static files and
 * traversal attempts, metrics. Talks to a real server on 127.0.0.1:0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/metrics.h"
#include "http/http.h"

static int h_hello(loa_http_req *req, loa_http_resp *w, void *app)
{
	const char *name = loa_http_param(req, "name");
	const char *q = loa_http_query(req, "q");
	return loa_http_json(w, 200, json_pack("{s:s,s:s?}", "hello", name ? name : "", "q", q));
}

static int h_echo(loa_http_req *req, loa_http_resp *w, void *app)
{
	size_t n;
	const char *b = loa_http_body(req, &n);
	return loa_http_json(w, 201, json_pack("{s:I}", "bytes", (json_int_t)n + 0 * (b != NULL)));
}

static int h_fail(loa_http_req *req, loa_http_resp *w, void *app) { return -1; }

static const loa_http_route routes[] = {
	{"GET", "/hello/{name}", h_hello, 0},
	{"POST", "/echo", h_echo, 0},
	{"GET", "/fail", h_fail, 0},
};

static loa_http_server *srv;
static unsigned port;

typedef struct reply {
	long status;
	char body[8192];
	size_t len;
	char ctype[128];
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

static void request(const char *method, const char *path, const char *body, size_t blen, reply *r)
{
	char url[1024];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
	memset(r, 0, sizeof *r);
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)blen);
	}
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	char *ct = NULL;
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
	if (ct)
		snprintf(r->ctype, sizeof r->ctype, "%s", ct);
	curl_easy_cleanup(c);
}

static void assert_json_error(const reply *r, long status, const char *code)
{
	assert_int_equal(r->status, status);
	json_t *j = json_loads(r->body, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")), code);
	assert_non_null(json_string_value(json_object_get(json_object_get(j, "error"), "message")));
	json_decref(j);
}

static int setup(void **state)
{
	loa_http_opts o = {.listen = "127.0.0.1:0", .threads = 2, .max_body = 1000,
			   .static_dir = TEST_STATIC_DIR, .routes = routes,
			   .nroutes = sizeof routes / sizeof routes[0]};
	loa_err err;
	if (loa_http_start(&o, &srv, &err) != LOA_OK)
		return -1;
	port = loa_http_port(srv);
	return port ? 0 : -1;
}

static int teardown(void **state)
{
	loa_http_stop(srv);
	return 0;
}

static void routing(void **state)
{
	reply r;
	request("GET", "/hello/H%C3%A0%20N%E1%BB%99i?q=x%20y", NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.ctype, "application/json"));
	json_t *j = json_loads(r.body, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "q")), "x y");
	json_decref(j);
	request("POST", "/hello/x", "", 0, &r);
	assert_json_error(&r, 405, "method_not_allowed");
	request("GET", "/api/v1/nothing", NULL, 0, &r);
	assert_json_error(&r, 404, "not_found");
	request("GET", "/fail", NULL, 0, &r);
	assert_json_error(&r, 500, "internal");
}

static void body_cap(void **state)
{
	char big[5000];
	memset(big, 'a', sizeof big);
	reply r;
	request("POST", "/echo", big, 900, &r);
	assert_int_equal(r.status, 201);
	assert_non_null(strstr(r.body, "\"bytes\":900"));
	request("POST", "/echo", big, sizeof big, &r);
	assert_json_error(&r, 413, "payload_too_large");
}

static void static_files(void **state)
{
	reply r;
	request("GET", "/", NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.ctype, "text/html"));
	request("GET", "/sub/a.css", NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.ctype, "text/css"));
	const char *attacks[] = {"/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt",
				 "/sub/%2E%2E/%2E%2E/secret.txt", "/..%2fsecret.txt", "/sub",
				 "/sub/%00/../../secret.txt"};
	for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
		request("GET", attacks[i], NULL, 0, &r);
		/* a JSON error, never the file (whose content is "secret\n") */
		assert_json_error(&r, 404, "not_found");
	}
}

static void metrics_counted(void **state)
{
	reply r;
	double before = loa_metric_get("loa_http_requests_total",
				       "route=\"/hello/{name}\",method=\"GET\",status=\"200\"");
	request("GET", "/hello/a", NULL, 0, &r);
	double after = loa_metric_get("loa_http_requests_total",
				      "route=\"/hello/{name}\",method=\"GET\",status=\"200\"");
	assert_true(after == before + 1);
	loa_buf b;
	loa_buf_init(&b, 0);
	assert_int_equal(loa_metrics_write(&b), LOA_OK);
	assert_non_null(strstr(b.data, "# TYPE loa_http_request_seconds histogram"));
	assert_non_null(strstr(b.data, "loa_http_request_seconds_bucket{route=\"/hello/{name}\",le=\"+Inf\"}"));
	loa_buf_release(&b);
}

static void html_escaping(void **state)
{
	loa_buf b;
	loa_buf_init(&b, 0);
	assert_int_equal(loa_html_escape(&b, "<script>alert('x&y')</script> \"Hà Nội\""), LOA_OK);
	assert_string_equal(b.data, "&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt; &quot;Hà Nội&quot;");
	loa_buf_release(&b);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(routing), cmocka_unit_test(body_cap), cmocka_unit_test(static_files),
		cmocka_unit_test(metrics_counted), cmocka_unit_test(html_escaping),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
