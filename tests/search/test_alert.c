/* Alerts: webhook delivery to a local HTTP receiver (libmicrohttpd) with
 * signature check, retries and dead letters; SMTP to a local sink; the
 * Poisson tail; the whole run (match -> hit -> event -> delivery). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/err.h"
#include "search/alert.h"
#include "search/search.h"
#include "store/store.h"
#include "testutil.h"

/* ---- HTTP receiver ------------------------------------------------------ */

typedef struct recv_state {
	int fail_first; /* answer 500 to this many requests */
	int requests;
	char body[65536];
	size_t blen;
	char sig[128];
	int sig_ok;
	pthread_mutex_t mu;
} recv_state;

static recv_state rs = {.mu = PTHREAD_MUTEX_INITIALIZER};
static const char *SECRET = "bí mật-secret";

typedef struct conn {
	char buf[65536];
	size_t n;
} conn;

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *data,
			       size_t *size, void **ptr)
{
	conn *k = *ptr;
	if (!k) {
		k = calloc(1, sizeof *k);
		*ptr = k;
		return MHD_YES;
	}
	if (*size) {
		size_t take = *size < sizeof k->buf - 1 - k->n ? *size : sizeof k->buf - 1 - k->n;
		memcpy(k->buf + k->n, data, take);
		k->n += take;
		*size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&rs.mu);
	rs.requests++;
	memcpy(rs.body, k->buf, k->n);
	rs.body[k->n] = '\0';
	rs.blen = k->n;
	const char *sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Loa-Signature");
	snprintf(rs.sig, sizeof rs.sig, "%s", sig ? sig : "");
	/* verify independently of loa_alert_sign */
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)SECRET, strlen(SECRET));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)k->buf, k->n);
	crypto_auth_hmacsha256_final(&st, mac);
	char hex[65];
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	rs.sig_ok = sig && strncmp(sig, "sha256=", 7) == 0 && strcmp(sig + 7, hex) == 0;
	unsigned code = rs.requests <= rs.fail_first ? 500 : 200;
	pthread_mutex_unlock(&rs.mu);
	struct MHD_Response *r = MHD_create_response_from_buffer(2, (void *)"ok",
								 MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **ptr,
		      enum MHD_RequestTerminationCode t)
{
	free(*ptr);
	*ptr = NULL;
}

static struct MHD_Daemon *httpd;
static char url[128];

/* ---- SMTP sink -------------------------------------------------------- */

static int smtp_fd;
static int smtp_port;
static char smtp_data[65536];
static char smtp_rcpt[256];

static void say(int fd, const char *s)
{
	ssize_t w = write(fd, s, strlen(s));
	(void)w;
}

static void *smtp_thread(void *arg)
{
	int c = accept(smtp_fd, NULL, NULL);
	if (c < 0)
		return NULL;
	say(c, "220 sink ESMTP\r\n");
	char buf[8192], line[8192];
	size_t ln = 0;
	int in_data = 0;
	size_t dn = 0;
	for (;;) {
		ssize_t r = read(c, buf, sizeof buf);
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r; i++) {
			if (ln < sizeof line - 1)
				line[ln++] = buf[i];
			if (buf[i] != '\n')
				continue;
			line[ln] = '\0';
			if (in_data) {
				if (strcmp(line, ".\r\n") == 0) {
					in_data = 0;
					say(c, "250 queued\r\n");
				} else if (dn + ln < sizeof smtp_data - 1) {
					memcpy(smtp_data + dn, line, ln);
					dn += ln;
					smtp_data[dn] = '\0';
				}
			} else if (strncasecmp(line, "EHLO", 4) == 0 || strncasecmp(line, "HELO", 4) == 0) {
				say(c, "250 sink\r\n");
			} else if (strncasecmp(line, "MAIL", 4) == 0) {
				say(c, "250 ok\r\n");
			} else if (strncasecmp(line, "RCPT", 4) == 0) {
				snprintf(smtp_rcpt, sizeof smtp_rcpt, "%.200s", line);
				say(c, "250 ok\r\n");
			} else if (strncasecmp(line, "DATA", 4) == 0) {
				in_data = 1;
				say(c, "354 go on\r\n");
			} else if (strncasecmp(line, "QUIT", 4) == 0) {
				say(c, "221 bye\r\n");
				close(c);
				return NULL;
			} else {
				say(c, "250 ok\r\n");
			}
			ln = 0;
		}
	}
	close(c);
	return NULL;
}

static int setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	httpd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler, NULL,
				 MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
	if (!httpd)
		return -1;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(httpd, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(url, sizeof url, "http://127.0.0.1:%u/hook", di->port);
	return 0;
}

static int teardown(void **state)
{
	MHD_stop_daemon(httpd);
	return 0;
}

static void poisson(void **state)
{
	assert_true(fabs(loa_alert_poisson_sf(0, 3.0) - 1.0) < 1e-12);
	assert_true(fabs(loa_alert_poisson_sf(1, 1.0) - (1 - exp(-1.0))) < 1e-9);
	assert_true(loa_alert_poisson_sf(10, 1.0) < 1e-6);
	assert_true(loa_alert_poisson_sf(12, 10.0) > 0.2);
	assert_true(loa_alert_poisson_sf(1000, 900.0) < 0.001);
}

static void webhook_signed(void **state)
{
	rs.fail_first = 0;
	rs.requests = 0;
	long code;
	loa_err err;
	const char *body = "{\"alert\":\"thử\",\"n\":1}";
	assert_int_equal(loa_alert_webhook(url, SECRET, body, 5, &code, &err), LOA_OK);
	assert_int_equal(code, 200);
	assert_string_equal(rs.body, body);
	assert_true(rs.sig_ok);
	char s[72];
	loa_alert_sign(SECRET, body, strlen(body), s);
	assert_string_equal(rs.sig, s);
	/* a failing receiver is an error, with the status */
	rs.fail_first = rs.requests + 1;
	assert_int_equal(loa_alert_webhook(url, SECRET, body, 5, &code, &err), LOA_ENET);
	assert_int_equal(code, 500);
	/* nothing listening */
	assert_int_equal(loa_alert_webhook("http://127.0.0.1:1/x", NULL, body, 2, NULL, &err),
			 LOA_ENET);
}

static void smtp_sink(void **state)
{
	smtp_fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(smtp_fd, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t al = sizeof a;
	getsockname(smtp_fd, (struct sockaddr *)&a, &al);
	smtp_port = ntohs(a.sin_port);
	listen(smtp_fd, 1);
	pthread_t th;
	pthread_create(&th, NULL, smtp_thread, NULL);
	char su[64];
	snprintf(su, sizeof su, "smtp://127.0.0.1:%d", smtp_port);
	loa_alert_cfg cfg = {.smtp_url = su, .smtp_from = "loa@test.vn", .timeout_s = 5};
	loa_err err;
	int rc = loa_alert_email(&cfg, "canbo@so-tt.vn", "Cảnh báo: giá xăng",
				 "Có 3 tin mới.\n.dòng bắt đầu bằng dấu chấm\n", &err);
	pthread_join(th, NULL);
	close(smtp_fd);
	if (rc)
		fail_msg("email: %s", err.msg);
	assert_non_null(strstr(smtp_rcpt, "<canbo@so-tt.vn>"));
	assert_non_null(strstr(smtp_data, "Subject: =?UTF-8?B?"));
	assert_non_null(strstr(smtp_data, "Có 3 tin mới."));
	/* dot-stuffing by libcurl: the line keeps its dot after un-stuffing ("..") */
	assert_non_null(strstr(smtp_data, "..dòng bắt đầu"));
	/* header injection refused */
	assert_int_equal(loa_alert_email(&cfg, "a@b.vn\r\nBcc: x@y", "s", "b", &err), LOA_EINVAL);
}

static void pipeline(void **state)
{
	char db[256];
	snprintf(db, sizeof db, "/tmp/loa-test-alert-%d.db", (int)getpid());
	unlink(db);
	loa_store *st;
	loa_search *se;
	loa_err err;
	assert_int_equal(loa_store_open(db, 0, &st, &err), LOA_OK);
	assert_int_equal(loa_search_open(db, &se, &err), LOA_OK);
	int64_t qid;
	assert_int_equal(loa_search_query_add(se, "xang", NULL, "giá xăng", &qid, &err), LOA_OK);
	loa_alert_def d = {.name = "xang-hook", .query = "xang", .kind = "match", .webhook = url,
			   .secret = SECRET, .threshold = -1};
	assert_int_equal(loa_alert_add(se, &d, &err), LOA_OK);
	loa_alert_def bad = d;
	bad.name = "x2";
	bad.webhook = "ftp://x";
	assert_int_equal(loa_alert_add(se, &bad, &err), LOA_EINVAL);
	bad.webhook = NULL;
	assert_int_equal(loa_alert_add(se, &bad, &err), LOA_EINVAL);
	usleep(2000);
	loa_item it;
	loa_item_init(&it);
	it.source = "bao-x";
	it.id = "1";
	it.title = "Giá xăng giảm";
	it.text = "Giá xăng dầu giảm mạnh.";
	it.published_at = loa_now_ms();
	assert_int_equal(loa_store_item_upsert(st, &it, NULL, &err), LOA_OK);
	it.id = "2";
	it.title = "Thời tiết";
	it.text = "Trời nắng.";
	assert_int_equal(loa_store_item_upsert(st, &it, NULL, &err), LOA_OK);

	rs.requests = 0;
	rs.fail_first = 2;
	loa_alert_cfg cfg = {.backoff = -1, .timeout_s = 5, .max_attempts = 5};
	loa_alert_stats s;
	assert_int_equal(loa_alerts_run(se, &cfg, &s, &err), LOA_OK);
	assert_int_equal(s.indexed, 2);
	assert_int_equal(s.matched, 1);
	assert_int_equal(s.events, 1);
	assert_int_equal(s.retried, 1);
	assert_int_equal(loa_alerts_deliver_due(se, &cfg, &s, &err), LOA_OK);
	assert_int_equal(s.retried, 2);
	memset(&s, 0, sizeof s);
	assert_int_equal(loa_alerts_deliver_due(se, &cfg, &s, &err), LOA_OK);
	assert_int_equal(s.sent, 1);
	assert_int_equal(rs.requests, 3);
	assert_true(rs.sig_ok);
	assert_non_null(strstr(rs.body, "\"kind\":\"match\""));
	assert_non_null(strstr(rs.body, "Giá xăng giảm"));
	assert_null(strstr(rs.body, "Thời tiết"));
	/* nothing new: no event */
	assert_int_equal(loa_alerts_run(se, &cfg, &s, &err), LOA_OK);
	assert_int_equal(s.events, 0);
	/* a receiver that keeps failing: dead letter after max_attempts */
	it.id = "3";
	it.title = "Giá xăng tăng";
	assert_int_equal(loa_store_item_upsert(st, &it, NULL, &err), LOA_OK);
	rs.fail_first = 1000;
	cfg.max_attempts = 2;
	assert_int_equal(loa_alerts_run(se, &cfg, &s, &err), LOA_OK);
	assert_int_equal(s.events, 1);
	assert_int_equal(loa_alerts_deliver_due(se, &cfg, &s, &err), LOA_OK);
	assert_int_equal(s.dead, 1);
	/* the test command sends now */
	rs.fail_first = 0;
	rs.requests = 0;
	assert_int_equal(loa_alert_test(se, "xang-hook", &cfg, &err), LOA_OK);
	assert_int_equal(rs.requests, 1);
	assert_non_null(strstr(rs.body, "\"test\":true"));
	assert_int_equal(loa_alert_test(se, "nope", &cfg, &err), LOA_ENOTFOUND);
	loa_search_close(se);
	loa_store_close(st);
	loa_test_unlink_db(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(poisson), cmocka_unit_test(webhook_signed),
		cmocka_unit_test(smtp_sink), cmocka_unit_test(pipeline),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
