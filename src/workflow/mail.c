/*
 * mail.c - e-mail through libcurl SMTP: text/plain UTF-8, optionally
 * multipart/mixed with one base64 attachment (the .ics of an invitation).
 */
#include "workflow/wf_int.h"
#include "core/buf.h"
#include "core/str.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define MAIL_MAX ((size_t)8 << 20)
#define RCPT_MAX 200

static bool header_safe(const char *s)
{
	return s && *s && !strpbrk(s, "\r\n<>\"") && strlen(s) < 255;
}

typedef struct upload {
	const char *p;
	size_t n, off;
} upload;

static size_t read_up(char *buf, size_t size, size_t n, void *u)
{
	upload *up = u;
	size_t k = size * n;
	if (k > up->n - up->off)
		k = up->n - up->off;
	memcpy(buf, up->p + up->off, k);
	up->off += k;
	return k;
}

static int b64_lines(loa_buf *m, const unsigned char *p, size_t n)
{
	char chunk[128];
	for (size_t i = 0; i < n; i += 57) {
		size_t k = n - i < 57 ? n - i : 57;
		sodium_bin2base64(chunk, sizeof chunk, p + i, k, sodium_base64_VARIANT_ORIGINAL);
		int rc = loa_buf_puts(m, chunk);
		if (!rc)
			rc = loa_buf_puts(m, "\r\n");
		if (rc)
			return rc;
	}
	return LOA_OK;
}

static int encoded_word(loa_buf *m, const char *s)
{
	size_t n = strlen(s);
	if (n > 600)
		n = loa_utf8_truncate(s, n, 600);
	char b64[1024];
	sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s, n, sodium_base64_VARIANT_ORIGINAL);
	return loa_buf_printf(m, "=?UTF-8?B?%s?=", b64);
}

int wf_mail_send(const char *smtp_url, const char *from, long timeout_s, const char *to,
		 const char *subject, const char *body, const char *att_name, const char *att_type,
		 const char *att, size_t att_n, loa_err *err)
{
	if (!smtp_url || !*smtp_url)
		return loa_err_set(err, LOA_EINVAL, "chưa cấu hình smtp.url / smtp.url is not set");
	if (!from || !*from)
		from = "loa@localhost";
	if (!header_safe(from))
		return loa_err_set(err, LOA_EINVAL, "địa chỉ gửi không hợp lệ / bad sender address");
	loa_buf m;
	loa_buf_init(&m, MAIL_MAX);
	struct curl_slist *rcpt = NULL;
	int nr = 0, rc = LOA_OK;
	loa_buf tohdr;
	loa_buf_init(&tohdr, 64 << 10);
	loa_str rest = loa_str_c(to);
	while (rest.n && !rc) {
		loa_str a = loa_str_trim(loa_str_split(&rest, ','));
		if (!a.n)
			continue;
		char addr[300];
		if (a.n >= 255 || nr >= RCPT_MAX) {
			rc = loa_err_set(err, LOA_EINVAL, "quá nhiều người nhận / bad or too many recipients");
			break;
		}
		snprintf(addr, sizeof addr, "%.*s", (int)a.n, a.p);
		if (!header_safe(addr) || !strchr(addr, '@') || strpbrk(addr, " ,;")) {
			rc = loa_err_set(err, LOA_EINVAL, "địa chỉ e-mail không hợp lệ / bad e-mail address");
			break;
		}
		char br[304];
		snprintf(br, sizeof br, "<%s>", addr);
		struct curl_slist *r2 = curl_slist_append(rcpt, br);
		if (!r2) {
			rc = loa_err_set(err, LOA_ENOMEM, "out of memory");
			break;
		}
		rcpt = r2;
		if (nr++ < 1) /* one visible recipient; the others are blind copies */
			loa_buf_puts(&tohdr, br);
	}
	if (!rc && nr == 0)
		rc = loa_err_set(err, LOA_EINVAL, "không có người nhận / no recipient");
	char boundary[64];
	unsigned char rnd[12];
	randombytes_buf(rnd, sizeof rnd);
	char hex[25];
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	snprintf(boundary, sizeof boundary, "loa-%s", hex);
	if (!rc)
		rc = loa_buf_printf(&m, "From: <%s>\r\nTo: %s\r\nSubject: ", from, tohdr.data);
	if (!rc)
		rc = encoded_word(&m, subject ? subject : "");
	if (!rc)
		rc = loa_buf_puts(&m, "\r\nMIME-Version: 1.0\r\nX-Mailer: loa/" LOA_VERSION "\r\n");
	bool multi = att && att_n && att_name && att_type;
	if (!rc && multi)
		rc = loa_buf_printf(&m, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n--%s\r\n", boundary,
				    boundary);
	if (!rc)
		rc = loa_buf_puts(&m, "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
	if (!rc)
		rc = b64_lines(&m, (const unsigned char *)(body ? body : ""), body ? strlen(body) : 0);
	if (!rc && multi) {
		bool safe_name = header_safe(att_name) && !strpbrk(att_name, ";/\\");
		bool safe_type = header_safe(att_type) && !strpbrk(att_type, "\r\n");
		rc = loa_buf_printf(&m, "--%s\r\nContent-Type: %s; name=\"%s\"\r\n"
				    "Content-Disposition: attachment; filename=\"%s\"\r\n"
				    "Content-Transfer-Encoding: base64\r\n\r\n", boundary,
				    safe_type ? att_type : "application/octet-stream",
				    safe_name ? att_name : "attachment", safe_name ? att_name : "attachment");
		if (!rc)
			rc = b64_lines(&m, (const unsigned char *)att, att_n);
		if (!rc)
			rc = loa_buf_printf(&m, "--%s--\r\n", boundary);
	}
	loa_buf_release(&tohdr);
	if (rc) {
		curl_slist_free_all(rcpt);
		loa_buf_release(&m);
		return err && err->code ? rc : loa_err_set(err, LOA_ETOOBIG, "thư quá lớn / message too large");
	}
	CURL *c = curl_easy_init();
	if (!c) {
		curl_slist_free_all(rcpt);
		loa_buf_release(&m);
		return loa_err_set(err, LOA_ENOMEM, "libcurl init failed");
	}
	char f[300];
	snprintf(f, sizeof f, "<%s>", from);
	upload up = {m.data, m.len, 0};
	curl_easy_setopt(c, CURLOPT_URL, smtp_url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, f);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_up);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s > 0 ? timeout_s : 20L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode r = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	loa_buf_release(&m);
	if (r != CURLE_OK)
		return loa_err_set(err, LOA_ENET, "smtp %s: %s", smtp_url, curl_easy_strerror(r));
	return LOA_OK;
}
