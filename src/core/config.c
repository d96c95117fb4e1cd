#include "core/config.h"
#include "core/buf.h"
#include "core/str.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

static const loa_config_key keys[] = {
	{"db", "loa.db", "database file (SQLite)"},
	{"db.max_pages", "0", "cap on database pages, 0 = none (tests a full disk)"},
	{"log.level", "warn", "log level: debug, info, warn, error, off"},
	{"log.format", "text", "log format: text (key=value) or json"},
	{"listen", "127.0.0.1:8080", "address the server listens on"},
	{"http.threads", "4", "server worker threads"},
	{"http.tls_cert", "", "PEM certificate chain file: serve HTTPS (with http.tls_key)"},
	{"http.tls_key", "", "PEM private key file for http.tls_cert"},
	{"http.session_hours", "12", "how long a login session lasts (hours)"},
	{"http.secure_cookies", "0", "1: session cookies only over HTTPS (set behind TLS)"},
	{"http.tail_ms", "500", "how often the server looks for new items to push live (ms)"},
	{"demo.replay_ms", "4000", "loa demo: re-publish one sample item every N ms (0 = never)"},
	{"ingest.interval_s", "60", "how often the server looks for due sources to fetch (s; 0 = never)"},
	{"alerts.interval_s", "30", "how often the server matches saved queries and runs alerts (s)"},
	{"analyze.interval_s", "10", "how often the server analyses newly stored items (s; 0 = never)"},
	{"http.max_body", "1048576", "largest accepted request body in bytes"},
	{"import.batch", "5000", "items per transaction when importing"},
	{"import.max_line", "16777216", "longest accepted JSON line in bytes"},
	{"smtp.url", "", "SMTP server for e-mail alerts (smtp://host:port)"},
	{"smtp.from", "loa@localhost", "sender address of e-mail alerts"},
	{"fetch.user_agent", "loa/" LOA_VERSION " (+https://loa.invalid/bot)",
	 "User-Agent of the fetcher"},
	{"fetch.concurrency", "16", "transfers at once when fetching sources"},
	{"fetch.per_host", "2", "transfers at once to one host"},
	{"fetch.connect_timeout", "10s", "connect timeout of one transfer"},
	{"fetch.timeout", "60s", "total timeout of one transfer"},
	{"fetch.low_speed_limit", "512", "bytes/s below which a transfer is too slow"},
	{"fetch.low_speed_time", "20s", "how long a transfer may stay too slow"},
	{"fetch.max_body", "16M", "largest response body (after decompression)"},
	{"fetch.max_redirects", "5", "redirects followed per fetch"},
	{"fetch.min_interval", "10m", "shortest polling interval of a source"},
	{"fetch.max_interval", "24h", "longest polling interval (and longest backoff)"},
	{"fetch.article_pages", "50", "article pages fetched per ingest run, 0 = none"},
	{"fetch.short_text", "400", "entry text shorter than this (bytes) fetches the page"},
	{"fetch.run_timeout", "15m", "an ingest run stops its transfers after this"},
	{"calendar.days_off", "", "extra days off, YYYY-MM-DD list (the Government's yearly swaps)"},
	{"calendar.work_days", "", "extra working days (make-up Saturdays), YYYY-MM-DD list"},
	{"qa.model", "", "ranking parameters file of loa ask and the API (docs/rooms/qa.md); empty = built-in"},
	{"workflow.interval_s", "60", "how often the server runs workflow reminders, escalation and mail (s)"},
	{"workflow.question_days", "5", "working days to answer a journalist's question"},
	{"workflow.feedback_days", "10", "working days to answer a citizen's feedback"},
	{"workflow.correction_days", "5", "working days a press agency has to publish a correction"},
	{"workflow.remind_days", "1", "working days before the due date when a reminder is sent"},
	{"workflow.attach_max", "5242880", "largest attachment of a question or feedback (bytes)"},
	{"workflow.public_per_min", "5", "public submissions (feedback, comments) per address per minute"},
	{"network.base_url", "", "public base URL of this instance (default http://<listen>)"},
	{"network.key_file", "", "master key sealing the signing keys (default <db>.keys, mode 0600)"},
	{"websub.allow_loopback", "0", "1: WebSub callbacks and topics may be loopback or private addresses"},
	{"websub.publishers", "", "hosts allowed to ping the hub, comma-separated (.gov.vn = a domain)"},
	{"websub.lease_default", "864000", "WebSub lease when none is asked for (s)"},
	{"websub.lease_max", "2592000", "longest WebSub lease granted (s)"},
	{"websub.max_attempts", "8", "WebSub delivery attempts before giving up"},
	{"websub.retry_base", "30s", "first WebSub retry delay (doubles each attempt, at most 6h)"},
	{"websub.rate_per_host", "60", "WebSub subscription requests per callback host per minute"},
	{"websub.concurrency", "64", "WebSub deliveries and verifications at once"},
	{"websub.timeout", "10s", "timeout of one WebSub delivery or verification"},
	{"websub.interval_ms", "1000", "how often the WebSub worker runs (ms)"},
	{NULL, NULL, NULL},
};

#define NKEYS (sizeof keys / sizeof keys[0] - 1)

struct loa_config {
	char *val[NKEYS];
	int origin[NKEYS];
	char *file;
};

const loa_config_key *loa_config_keys(void) { return keys; }

static int key_index(const char *key)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].key, key) == 0)
			return (int)i;
	return -1;
}

loa_config *loa_config_new(void)
{
	loa_config *c = calloc(1, sizeof *c);
	return c;
}

void loa_config_free(loa_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < NKEYS; i++)
		free(c->val[i]);
	free(c->file);
	free(c);
}

int loa_config_set(loa_config *c, const char *key, const char *value, int origin, loa_err *err)
{
	int i = key_index(key);
	if (i < 0)
		return loa_err_set(err, LOA_ENOTFOUND, "unknown configuration key '%s'", key);
	if (origin < c->origin[i])
		return LOA_OK; /* a higher layer already set it */
	char *v = strdup(value);
	if (!v)
		return loa_err_set(err, LOA_ENOMEM, "out of memory");
	free(c->val[i]);
	c->val[i] = v;
	c->origin[i] = origin;
	return LOA_OK;
}

int loa_config_set_kv(loa_config *c, const char *kv, int origin, loa_err *err)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		return loa_err_set(err, LOA_EINVAL, "expected key=value, got '%s'", kv);
	char key[128];
	size_t kn = (size_t)(eq - kv);
	if (kn >= sizeof key)
		return loa_err_set(err, LOA_EINVAL, "configuration key too long");
	memcpy(key, kv, kn);
	key[kn] = '\0';
	return loa_config_set(c, key, eq + 1, origin, err);
}

int loa_config_load_file(loa_config *c, const char *path, loa_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return loa_err_set(err, LOA_ENOTFOUND, "%s: no such file", path);
		return loa_err_set(err, LOA_EIO, "%s: %s", path, strerror(errno));
	}
	char line[4096];
	int lineno = 0, rc = LOA_OK;
	for (;;) {
		/* one line; longer lines and NUL bytes are errors (with fgets the
		 * tail of a long comment line was read as a line of its own) */
		size_t n = 0;
		int ch;
		bool nul = false;
		while ((ch = getc(f)) != EOF && ch != '\n') {
			if (n + 1 >= sizeof line) {
				n = sizeof line; /* too long */
				continue;
			}
			nul |= ch == '\0';
			line[n++] = (char)ch;
		}
		if (ch == EOF && n == 0)
			break;
		lineno++;
		if (n == sizeof line) {
			rc = loa_err_set(err, LOA_EPARSE, "%s:%d: line too long", path, lineno);
			break;
		}
		if (nul) {
			rc = loa_err_set(err, LOA_EPARSE, "%s:%d: NUL byte in line", path, lineno);
			break;
		}
		line[n] = '\0';
		loa_str s = loa_str_trim((loa_str){line, n});
		if (!s.n || s.p[0] == '#')
			continue;
		loa_str rest = s;
		loa_str k = loa_str_trim(loa_str_split(&rest, '='));
		if (rest.p == s.p + s.n && !memchr(s.p, '=', s.n)) {
			rc = loa_err_set(err, LOA_EPARSE, "%s:%d: expected 'key = value'", path, lineno);
			break;
		}
		loa_str v = loa_str_trim(rest);
		char kb[128], vb[4096];
		if (k.n >= sizeof kb || v.n >= sizeof vb) {
			rc = loa_err_set(err, LOA_EPARSE, "%s:%d: line too long", path, lineno);
			break;
		}
		memcpy(kb, k.p, k.n);
		kb[k.n] = '\0';
		memcpy(vb, v.p, v.n);
		vb[v.n] = '\0';
		if (key_index(kb) < 0) {
			rc = loa_err_set(err, LOA_EPARSE, "%s:%d: unknown key '%s'", path, lineno, kb);
			break;
		}
		if ((rc = loa_config_set(c, kb, vb, LOA_CFG_FILE, err)))
			break;
	}
	if (rc == LOA_OK && ferror(f))
		rc = loa_err_set(err, LOA_EIO, "%s: read error", path);
	fclose(f);
	if (rc == LOA_OK) {
		free(c->file);
		c->file = strdup(path);
	}
	return rc;
}

int loa_config_load_env(loa_config *c, loa_err *err)
{
	for (size_t i = 0; i < NKEYS; i++) {
		char name[160] = "LOA_";
		size_t n = 4;
		for (const char *p = keys[i].key; *p && n + 1 < sizeof name; p++) {
			char ch = *p;
			if (ch == '.' || ch == '-')
				ch = '_';
			else if (ch >= 'a' && ch <= 'z')
				ch = (char)(ch - 32);
			name[n++] = ch;
		}
		name[n] = '\0';
		const char *v = getenv(name);
		if (v) {
			int rc = loa_config_set(c, keys[i].key, v, LOA_CFG_ENV, err);
			if (rc)
				return rc;
		}
	}
	return LOA_OK;
}

const char *loa_config_get(const loa_config *c, const char *key)
{
	int i = key_index(key);
	if (i < 0)
		return NULL;
	return c->val[i] ? c->val[i] : keys[i].def;
}

int64_t loa_config_get_i64(const loa_config *c, const char *key, int64_t fallback)
{
	int64_t v;
	const char *s = loa_config_get(c, key);
	if (!s || loa_parse_i64(s, &v))
		return fallback;
	return v;
}

int loa_config_origin(const loa_config *c, const char *key)
{
	int i = key_index(key);
	return i < 0 ? -1 : c->origin[i];
}

const char *loa_config_origin_name(int origin)
{
	switch (origin) {
	case LOA_CFG_DEFAULT: return "default";
	case LOA_CFG_FILE: return "file";
	case LOA_CFG_ENV: return "env";
	case LOA_CFG_FLAG: return "flag";
	default: return "?";
	}
}

const char *loa_config_file(const loa_config *c) { return c->file; }
