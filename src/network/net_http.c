/*
 * net_http.c - the network room's HTTP client (libcurl, easy and multi),
 * with the SSRF guard on every connection (also after redirects and DNS
 * changes: the address is checked when the socket is opened), form and
 * Link header parsing.
 */
#include "network/net_int.h"
#include "core/str.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/banned.h"

#define DEFAULT_MAX_BODY ((size_t)16 << 20)
#define LINKS_MAX 16384

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

void net_hex(const unsigned char *p, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* ---- addresses ---- */

static bool v4_private(const unsigned char *a)
{
	return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 169 && a[1] == 254) ||
	       (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
	       (a[0] == 100 && (a[1] & 0xc0) == 64) || a[0] >= 224 ||
	       (a[0] == 192 && a[1] == 0 && a[2] == 0) || (a[0] == 198 && (a[1] & 0xfe) == 18);
}

static bool v6_private(const unsigned char *a)
{
	static const unsigned char zero[16] = {0};
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(a, zero, 15) == 0 && (a[15] == 0 || a[15] == 1))
		return true; /* :: and ::1 */
	if (memcmp(a, mapped, 12) == 0 || memcmp(a, zero, 12) == 0)
		return v4_private(a + 12); /* v4-mapped, v4-compatible */
	return (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || a[0] == 0xff ||
	       (a[0] == 0x20 && a[1] == 0x02) || (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b);
}

static bool sockaddr_private(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return v4_private((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr);
	if (sa->sa_family == AF_INET6)
		return v6_private(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr);
	return true;
}

bool net_ip_private(const char *ip)
{
	unsigned char a[16];
	if (inet_pton(AF_INET, ip, a) == 1)
		return v4_private(a);
	if (inet_pton(AF_INET6, ip, a) == 1)
		return v6_private(a);
	return false;
}

int net_url_check(const char *url, bool allow_private, char *host, size_t hcap, loa_err *err)
{
	pthread_once(&curl_once, curl_init_once);
	if (!url || strlen(url) > 2000)
		return loa_err_set(err, LOA_EINVAL, "URL thiếu hoặc quá dài / URL missing or too long");
	CURLU *u = curl_url();
	if (!u)
		return LOA_ENOMEM;
	char *scheme = NULL, *h = NULL;
	int rc = LOA_OK;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK) {
		rc = loa_err_set(err, LOA_EINVAL, "URL không hợp lệ / malformed URL: %s", url);
		goto out;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		rc = loa_err_set(err, LOA_EINVAL, "chỉ nhận http(s) / only http(s) URLs: %s", url);
		goto out;
	}
	/* strip IPv6 brackets */
	char hb[256];
	size_t hl = strlen(h);
	if (hl >= sizeof hb) {
		rc = loa_err_set(err, LOA_EINVAL, "tên máy quá dài / host name too long");
		goto out;
	}
	if (h[0] == '[' && hl > 2) {
		memcpy(hb, h + 1, hl - 2);
		hb[hl - 2] = '\0';
	} else {
		memcpy(hb, h, hl + 1);
	}
	if (host)
		loa_strlcpy(host, hb, hcap);
	if (!allow_private) {
		struct addrinfo hints, *res = NULL;
		memset(&hints, 0, sizeof hints);
		hints.ai_socktype = SOCK_STREAM;
		int g = getaddrinfo(hb, NULL, &hints, &res);
		if (g != 0) {
			rc = loa_err_set(err, LOA_EINVAL, "không phân giải được tên máy / host does not resolve: %s", hb);
			goto out;
		}
		for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
			if (sockaddr_private(ai->ai_addr)) {
				rc = loa_err_set(err, LOA_EPERM, "địa chỉ nội bộ bị từ chối (SSRF) / private or "
						 "loopback address refused: %s", hb);
				break;
			}
		freeaddrinfo(res);
	}
out:
	curl_free(scheme);
	curl_free(h);
	curl_url_cleanup(u);
	return rc;
}

/* ---- one transfer ---- */

typedef struct xfer {
	const net_http_req *q;
	net_http_resp *r;
	CURL *h;
	struct curl_slist *hdrs;
	bool refused; /* the SSRF guard refused a connection */
	size_t max_body;
} xfer;

static curl_socket_t open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
	xfer *x = clientp;
	if (!x->q->allow_private && sockaddr_private(&addr->addr)) {
		x->refused = true;
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype, addr->protocol);
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	xfer *x = arg;
	size_t n = size * nmemb;
	if (x->r->body.len + n > x->max_body)
		return 0;
	return loa_buf_append(&x->r->body, p, n) == LOA_OK ? n : 0;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	xfer *x = arg;
	size_t n = size * nmemb;
	if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		loa_buf_reset(&x->r->links); /* a new response (after a redirect) */
		if (x->r->links.data)
			x->r->links.data[0] = '\0';
		loa_buf_reset(&x->r->body);
		if (x->r->body.data)
			x->r->body.data[0] = '\0';
		return n;
	}
	if (n > 5 && strncasecmp(p, "link:", 5) == 0) {
		loa_str v = loa_str_trim((loa_str){p + 5, n - 5});
		if (x->r->links.len)
			loa_buf_puts(&x->r->links, ", ");
		loa_buf_append(&x->r->links, v.p, v.n);
	}
	return n;
}

static int xfer_setup(xfer *x, const net_http_req *q, net_http_resp *r)
{
	pthread_once(&curl_once, curl_init_once);
	memset(r, 0, sizeof *r);
	loa_buf_init(&r->links, LINKS_MAX);
	x->max_body = q->max_body ? q->max_body : DEFAULT_MAX_BODY;
	loa_buf_init(&r->body, x->max_body + 1);
	x->q = q;
	x->r = r;
	x->hdrs = NULL;
	x->refused = false;
	x->h = curl_easy_init();
	if (!x->h)
		return LOA_ENOMEM;
	CURL *h = x->h;
	curl_easy_setopt(h, CURLOPT_URL, q->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, q->timeout_ms ? q->timeout_ms : 10000L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "loa/" LOA_VERSION " (WebSub)");
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	if (q->max_redirects > 0) {
		curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(h, CURLOPT_MAXREDIRS, (long)q->max_redirects);
		/* 307/308 keep the method and body by themselves; a 301/302/303
		 * after a POST becomes a GET, as browsers do */
	}
	const char *m = q->method ? q->method : "GET";
	if (strcmp(m, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, q->body ? q->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(q->body ? q->len : 0));
	} else if (strcmp(m, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (strcmp(m, "GET") != 0) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m);
	}
	x->hdrs = curl_slist_append(NULL, "Expect:");
	for (int i = 0; i < NET_HTTP_MAX_HEADERS && q->headers[i]; i++)
		x->hdrs = curl_slist_append(x->hdrs, q->headers[i]);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->hdrs);
	return LOA_OK;
}

static void xfer_finish(xfer *x, CURLcode cc, double t0_unused)
{
	net_http_resp *r = x->r;
	(void)t0_unused;
	char *ct = NULL, *eff = NULL;
	double secs = 0;
	curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &ct);
	curl_easy_getinfo(x->h, CURLINFO_EFFECTIVE_URL, &eff);
	curl_easy_getinfo(x->h, CURLINFO_TOTAL_TIME, &secs);
	r->seconds = secs;
	if (ct)
		loa_strlcpy(r->content_type, ct, sizeof r->content_type);
	if (eff)
		loa_strlcpy(r->final_url, eff, sizeof r->final_url);
	if (!r->body.data)
		loa_buf_puts(&r->body, "");
	if (cc == CURLE_OK) {
		r->rc = LOA_OK;
	} else if (x->refused) {
		r->rc = LOA_EPERM;
		snprintf(r->error, sizeof r->error,
			 "địa chỉ nội bộ bị từ chối (SSRF) / private or loopback address refused");
	} else {
		r->rc = cc == CURLE_WRITE_ERROR ? LOA_ETOOBIG : LOA_ENET;
		snprintf(r->error, sizeof r->error, "%s", curl_easy_strerror(cc));
	}
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
	curl_easy_cleanup(x->h);
	x->h = NULL;
}

void net_http_resp_release(net_http_resp *r)
{
	loa_buf_release(&r->links);
	loa_buf_release(&r->body);
}

int net_http_do(const net_http_req *q, net_http_resp *r)
{
	xfer x;
	int rc = xfer_setup(&x, q, r);
	if (rc) {
		r->rc = rc;
		return rc;
	}
	CURLcode cc = curl_easy_perform(x.h);
	xfer_finish(&x, cc, 0);
	return r->rc;
}

int net_http_batch(const net_http_req *reqs, net_http_resp *resps, size_t n, int concurrency,
		   const atomic_int *stop)
{
	pthread_once(&curl_once, curl_init_once);
	if (concurrency < 1)
		concurrency = 1;
	CURLM *m = curl_multi_init();
	if (!m)
		return LOA_ENOMEM;
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)concurrency);
	xfer *xs = calloc(n ? n : 1, sizeof *xs);
	if (!xs) {
		curl_multi_cleanup(m);
		return LOA_ENOMEM;
	}
	size_t next = 0, done = 0;
	int running = 0, inflight = 0;
	while (done < n) {
		while (next < n && inflight < concurrency && !(stop && atomic_load(stop))) {
			if (xfer_setup(&xs[next], &reqs[next], &resps[next]) != LOA_OK) {
				resps[next].rc = LOA_ENOMEM;
				if (xs[next].h)
					curl_easy_cleanup(xs[next].h);
				xs[next].h = NULL;
				curl_slist_free_all(xs[next].hdrs);
				done++;
			} else {
				curl_easy_setopt(xs[next].h, CURLOPT_PRIVATE, &xs[next]);
				curl_multi_add_handle(m, xs[next].h);
				inflight++;
			}
			next++;
		}
		if (stop && atomic_load(stop) && inflight == 0) {
			for (; next < n; next++) {
				memset(&resps[next], 0, sizeof resps[next]);
				resps[next].rc = LOA_EAGAIN;
				loa_buf_init(&resps[next].links, 1);
				loa_buf_init(&resps[next].body, 1);
				done++;
			}
			break;
		}
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			xfer *x = NULL;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			CURLcode cc = msg->data.result;
			curl_multi_remove_handle(m, msg->easy_handle);
			xfer_finish(x, cc, 0);
			inflight--;
			done++;
		}
		if (done < n && inflight > 0)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	free(xs);
	curl_multi_cleanup(m);
	return LOA_OK;
}

/* ---- Link headers ---- */

bool net_link_find(const char *links, const char *rel, loa_buf *out)
{
	if (!links)
		return false;
	const char *p = links;
	size_t rl = strlen(rel);
	while (*p) {
		const char *lt = strchr(p, '<');
		if (!lt)
			return false;
		const char *gt = strchr(lt, '>');
		if (!gt)
			return false;
		/* parameters up to the next ',' outside quotes */
		const char *q = gt + 1;
		bool inq = false, match = false;
		while (*q && (inq || *q != ',')) {
			if (*q == '"')
				inq = !inq;
			if (!inq && strncasecmp(q, "rel", 3) == 0) {
				const char *v = q + 3;
				while (*v == ' ')
					v++;
				if (*v == '=') {
					v++;
					while (*v == ' ')
						v++;
					bool quoted = *v == '"';
					if (quoted)
						v++;
					/* a space-separated list of relations */
					for (;;) {
						const char *e = v;
						while (*e && *e != ' ' && *e != '"' && *e != ';' && *e != ',')
							e++;
						if ((size_t)(e - v) == rl && strncasecmp(v, rel, rl) == 0)
							match = true;
						if (!quoted || *e != ' ')
							break;
						v = e + 1;
					}
				}
			}
			q++;
		}
		if (match) {
			loa_buf_append(out, lt + 1, (size_t)(gt - lt - 1));
			return true;
		}
		p = *q ? q + 1 : q;
	}
	return false;
}

/* ---- forms ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void url_decode(loa_str in, loa_buf *out)
{
	for (size_t i = 0; i < in.n; i++) {
		char c = in.p[i];
		if (c == '+') {
			loa_buf_putc(out, ' ');
		} else if (c == '%' && i + 2 < in.n + 0 && hexval(in.p[i + 1]) >= 0 && hexval(in.p[i + 2]) >= 0) {
			loa_buf_putc(out, (char)(hexval(in.p[i + 1]) * 16 + hexval(in.p[i + 2])));
			i += 2;
		} else {
			loa_buf_putc(out, c);
		}
	}
	if (!out->data)
		loa_buf_puts(out, "");
}

int net_form_parse(const char *body, size_t len, net_form_cb cb, void *arg)
{
	loa_str rest = {body, len};
	loa_buf k, v;
	loa_buf_init(&k, 4096);
	loa_buf_init(&v, 65536);
	int rc = LOA_OK;
	while (rest.n && rc == LOA_OK) {
		loa_str pair = loa_str_split(&rest, '&');
		if (!pair.n)
			continue;
		loa_str name = loa_str_split(&pair, '=');
		loa_buf_reset(&k);
		loa_buf_reset(&v);
		url_decode(name, &k);
		url_decode(pair, &v);
		rc = cb(arg, k.data, v.data);
	}
	loa_buf_release(&k);
	loa_buf_release(&v);
	return rc;
}

int net_url_encode(loa_buf *out, const char *s)
{
	int rc = LOA_OK;
	for (const unsigned char *p = (const unsigned char *)s; *p && rc == LOA_OK; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~')
			rc = loa_buf_putc(out, (char)*p);
		else
			rc = loa_buf_printf(out, "%%%02X", *p);
	}
	if (rc == LOA_OK && !out->data)
		rc = loa_buf_puts(out, "");
	return rc;
}

int loa_network_fetch(const char *url, loa_buf *body, char *content_type, loa_err *err)
{
	net_http_req q = {0};
	net_http_resp r;
	q.method = "GET";
	q.url = url;
	q.max_redirects = 5;
	q.allow_private = true;
	q.timeout_ms = 30000;
	q.max_body = body->max;
	net_http_do(&q, &r);
	int rc = LOA_OK;
	if (r.rc != LOA_OK || r.status < 200 || r.status >= 300)
		rc = loa_err_set(err, r.rc == LOA_ETOOBIG ? LOA_ETOOBIG : LOA_ENET,
				 "không tải được / cannot fetch %s: %s (HTTP %ld)", url, r.rc ? r.error : "", r.status);
	else
		rc = loa_buf_append(body, r.body.data, r.body.len);
	if (content_type)
		loa_strlcpy(content_type, r.content_type, 256);
	net_http_resp_release(&r);
	return rc;
}
