/*
 * cmd_feeds.c - the feed room's commands:
 *   loa feed parse FILE|-      the parsed feed as JSON (debugging, scripts)
 *   loa feed html FILE|-       sanitised HTML and its text rendering
 *   loa feed extract FILE|-    article extraction from a page, as JSON
 *   loa eval feeds --cases DIR the peers' feed case suites (SPEC §4)
 */
#include "cli/cli.h"
#include "cli/cmd_eval.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/str.h"
#include "core/ltime.h"
#include "core/vec.h"
#include "feed/extract.h"
#include "feed/feed.h"

#include "core/banned.h"

#define CASE_MAX_BYTES ((size_t)16 << 20)

static int read_file(const char *path, size_t max, loa_buf *out, loa_err *err)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!fp)
		return loa_err_set(err, LOA_EIO, "không mở được tệp / cannot open file: %s: %s", path,
				   strerror(errno));
	loa_buf_init(out, max);
	char tmp[65536];
	size_t n;
	int rc = LOA_OK;
	while ((n = fread(tmp, 1, sizeof tmp, fp)) > 0)
		if ((rc = loa_buf_append(out, tmp, n)))
			break;
	if (!rc && ferror(fp))
		rc = LOA_EIO;
	if (fp != stdin)
		fclose(fp);
	if (rc)
		return loa_err_set(err, rc, "không đọc được tệp / cannot read file: %s%s", path,
				   rc == LOA_ETOOBIG ? " (quá lớn / too big)" : "");
	return LOA_OK;
}

/* ---- loa feed ----------------------------------------------------------- */

static int feed_parse(const char *file, const char *url, const char *ct, bool pretty)
{
	loa_buf body;
	loa_err err;
	loa_err_clear(&err);
	if (read_file(file, LOA_FEED_MAX_BODY, &body, &err))
		return cli_fail("feed", "%s", loa_err_msg(&err));
	loa_feed_input in = {.body = body.data, .len = body.len, .url = url, .content_type = ct};
	loa_feed *f = NULL;
	int rc = loa_feed_parse(&in, &f, &err);
	loa_buf_release(&body);
	if (rc)
		return cli_fail("feed", "%s", loa_err_msg(&err));
	loa_buf out;
	loa_buf_init(&out, (size_t)1 << 30);
	rc = loa_feed_to_json(f, pretty, &out);
	loa_feed_free(f);
	if (!rc)
		printf("%s\n", out.data ? out.data : "");
	loa_buf_release(&out);
	return rc ? cli_fail("feed", "hết bộ nhớ / out of memory") : LOA_EXIT_OK;
}

static int feed_html(const char *file, const char *url)
{
	loa_buf body, html, text;
	loa_err err;
	loa_err_clear(&err);
	if (read_file(file, LOA_FEED_MAX_BODY, &body, &err))
		return cli_fail("feed", "%s", loa_err_msg(&err));
	loa_html *h = loa_html_new();
	loa_buf_init(&html, LOA_FEED_MAX_BODY);
	loa_buf_init(&text, LOA_FEED_MAX_BODY);
	int rc = h ? loa_html_render(h, body.data ? body.data : "", body.len, url, &html, &text)
		   : LOA_ENOMEM;
	if (!rc)
		printf("%s\n----\n%s\n", html.data ? html.data : "", text.data ? text.data : "");
	loa_html_free(h);
	loa_buf_release(&body);
	loa_buf_release(&html);
	loa_buf_release(&text);
	return rc ? cli_fail("feed", "%s", loa_strerror(rc)) : LOA_EXIT_OK;
}

static int feed_extract(const char *file, const char *url, bool pretty)
{
	loa_buf body;
	loa_err err;
	loa_err_clear(&err);
	if (read_file(file, LOA_FEED_MAX_BODY, &body, &err))
		return cli_fail("feed", "%s", loa_err_msg(&err));
	loa_article *a = NULL;
	int rc = loa_article_extract(body.data ? body.data : "", body.len, url, NULL, &a, &err);
	loa_buf_release(&body);
	if (rc)
		return cli_fail("feed", "%s", loa_err_msg(&err));
	loa_buf out;
	loa_buf_init(&out, (size_t)1 << 30);
	rc = loa_article_to_json(a, pretty, &out);
	loa_article_free(a);
	if (!rc)
		printf("%s\n", out.data ? out.data : "");
	loa_buf_release(&out);
	return rc ? cli_fail("feed", "hết bộ nhớ / out of memory") : LOA_EXIT_OK;
}

int cmd_feed(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_URL = CLI_OPT_FIRST_FREE, O_CT, O_PRETTY };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"url", required_argument, NULL, O_URL},
		{"content-type", required_argument, NULL, O_CT},
		{"pretty", no_argument, NULL, O_PRETTY},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("feed");
	const char *url = NULL, *ct = NULL;
	bool pretty = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == O_URL)
			url = optarg;
		else if (c == O_CT)
			ct = optarg;
		else if (c == O_PRETTY)
			pretty = true;
		else if ((c = cli_common_opt(ctx, self, c, optarg, argv)))
			return c;
	}
	if (argc - optind != 2)
		return cli_usage_error("feed", "cần lệnh con và tệp / expected a sub-command and a file");
	const char *sub = argv[optind], *file = argv[optind + 1];
	loa_feed_global_init();
	if (strcmp(sub, "parse") == 0)
		return feed_parse(file, url, ct, pretty);
	if (strcmp(sub, "html") == 0)
		return feed_html(file, url);
	if (strcmp(sub, "extract") == 0)
		return feed_extract(file, url, pretty);
	return cli_usage_error("feed", "lệnh con không hợp lệ / unknown sub-command: %s", sub);
}

/* ---- loa eval feeds ----------------------------------------------------- */

typedef struct tally {
	size_t cases, asserts, passed;
} tally;

typedef struct evalr {
	loa_html *h;
	bool verbose;
	tally core, html, ext, chardet, rfc3023;
	size_t date_n, date_pass;
	size_t files;
	loa_buf a, b; /* scratch for HTML normalisation */
} evalr;

typedef LOA_VEC(char *) strvec;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.json under dir (sorted, depth-first). */
static void walk(const char *dir, strvec *out, int depth)
{
	if (depth > 16)
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	strvec names = {0};
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		size_t n = strlen(dir) + strlen(de->d_name) + 2;
		char *p = malloc(n);
		if (!p)
			break;
		snprintf(p, n, "%s/%s", dir, de->d_name);
		if (loa_vec_push(&names, p))
			free(p);
	}
	closedir(d);
	if (names.len)
		qsort(names.items, names.len, sizeof *names.items, cmp_str);
	for (size_t i = 0; i < names.len; i++) {
		char *p = names.items[i];
		struct stat st;
		size_t n = strlen(p);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			walk(p, out, depth + 1);
			free(p);
		} else if (n > 5 && strcmp(p + n - 5, ".json") == 0 &&
			   !(n > 10 && strcmp(p + n - 10, ".feed.json") == 0)) {
			if (loa_vec_push(out, p))
				free(p);
		} else {
			free(p);
		}
	}
	loa_vec_release(&names);
}

/* Looks a path such as entries[0].content[1].value up in j. */
static json_t *lookup(json_t *j, const char *path, json_t **parent, char *last, size_t lastcap)
{
	const char *p = path;
	*parent = NULL;
	last[0] = '\0';
	while (*p && j) {
		size_t n = strcspn(p, ".[");
		char key[64];
		if (n >= sizeof key)
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		p += n;
		if (n) {
			*parent = j;
			loa_strlcpy(last, key, lastcap);
			j = json_object_get(j, key);
		}
		while (j && *p == '[') {
			char *end;
			long idx = strtol(p + 1, &end, 10);
			if (*end != ']' || idx < 0)
				return NULL;
			j = json_array_get(j, (size_t)idx);
			p = end + 1;
		}
		if (*p == '.')
			p++;
	}
	return j;
}

static bool html_equal(evalr *ev, const char *x, const char *y)
{
	loa_buf_reset(&ev->a);
	loa_buf_reset(&ev->b);
	if (loa_html_render(ev->h, x, strlen(x), NULL, &ev->a, NULL) ||
	    loa_html_render(ev->h, y, strlen(y), NULL, &ev->b, NULL))
		return false;
	/* compare with surrounding whitespace trimmed */
	const char *p = ev->a.data ? ev->a.data : "", *q = ev->b.data ? ev->b.data : "";
	size_t pn = ev->a.len, qn = ev->b.len;
	while (pn && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
		p++, pn--;
	while (pn && (p[pn - 1] == ' ' || p[pn - 1] == '\n' || p[pn - 1] == '\t' || p[pn - 1] == '\r'))
		pn--;
	while (qn && (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r'))
		q++, qn--;
	while (qn && (q[qn - 1] == ' ' || q[qn - 1] == '\n' || q[qn - 1] == '\t' || q[qn - 1] == '\r'))
		qn--;
	return pn == qn && memcmp(p, q, pn) == 0;
}

static const char *header(json_t *hdrs, const char *name)
{
	for (size_t i = 0; json_is_array(hdrs) && i < json_array_size(hdrs); i++) {
		json_t *h = json_array_get(hdrs, i);
		const char *k = json_string_value(json_array_get(h, 0));
		if (k && strcasecmp(k, name) == 0)
			return json_string_value(json_array_get(h, 1));
	}
	return NULL;
}

static bool needs_chardet(json_t *cs)
{
	json_t *req = json_object_get(cs, "requires");
	for (size_t i = 0; json_is_array(req) && i < json_array_size(req); i++) {
		const char *r = json_string_value(json_array_get(req, i));
		if (r && strstr(r, "charset-detection"))
			return true;
	}
	if (json_is_string(req) && strstr(json_string_value(req), "charset-detection"))
		return true;
	return false;
}

/* A text/…xml response without charset whose expectation depends on the
 * RFC 3023 us-ascii default (an us-ascii encoding or a bozo from it). */
static bool needs_rfc3023(json_t *cs)
{
	json_t *in = json_object_get(cs, "input"), *ex = json_object_get(cs, "expect");
	const char *ct = header(json_object_get(in, "http_response_headers"), "Content-Type");
	if (!ct || strncasecmp(ct, "text/", 5) != 0 || !strstr(ct, "xml") || strcasestr(ct, "charset"))
		return false;
	if (json_is_true(json_object_get(ex, "bozo")))
		return true;
	json_t *as = json_object_get(ex, "assertions");
	for (size_t i = 0; i < json_array_size(as); i++) {
		json_t *a = json_array_get(as, i);
		const char *p = json_string_value(json_object_get(a, "path"));
		const char *v = json_string_value(json_object_get(a, "equals"));
		if (p && v && strcmp(p, "document.encoding") == 0 && strcasecmp(v, "us-ascii") == 0)
			return true;
	}
	return false;
}

static void run_dates(evalr *ev, json_t *root)
{
	json_t *vs = json_object_get(root, "vectors");
	for (size_t i = 0; i < json_array_size(vs); i++) {
		json_t *v = json_array_get(vs, i);
		const char *in = json_string_value(json_object_get(v, "input"));
		json_t *exp = json_object_get(v, "expected_utc");
		if (!in)
			continue;
		loa_ms t;
		int rc = loa_feed_parse_date(in, strlen(in), &t);
		bool ok;
		char got[LOA_TIME_STR_MAX] = "";
		if (json_is_null(exp) || !exp) {
			ok = rc != LOA_OK;
		} else {
			if (rc == LOA_OK)
				loa_time_format_rfc3339(t - (((t % 1000) + 1000) % 1000), got);
			const char *e = json_string_value(exp);
			/* years before 1000 print with fewer digits in some writers */
			ok = rc == LOA_OK && e && strcmp(got, e) == 0;
		}
		ev->date_n++;
		ev->date_pass += ok;
		if (!ok && ev->verbose)
			printf("FAIL dates [%s] %s => %s\n",
			       json_string_value(json_object_get(v, "family")), in,
			       rc == LOA_OK ? got : "(rejected)");
	}
}

static void run_case(evalr *ev, const char *jpath, json_t *cs)
{
	json_t *in = json_object_get(cs, "input");
	const char *file = json_string_value(json_object_get(in, "file"));
	const char *id = json_string_value(json_object_get(cs, "id"));
	if (!file)
		return;
	char path[4096];
	const char *slash = strrchr(jpath, '/');
	int dl = slash ? (int)(slash - jpath) : 1;
	snprintf(path, sizeof path, "%.*s/%s", dl, slash ? jpath : ".", file);
	loa_buf body;
	loa_err err;
	loa_err_clear(&err);
	if (read_file(path, CASE_MAX_BYTES, &body, &err)) {
		fprintf(stderr, "loa eval feeds: %s\n", loa_err_msg(&err));
		return;
	}
	json_t *hdrs = json_object_get(in, "http_response_headers");
	loa_feed_input fi = {
		.body = body.data, .len = body.len, .html = ev->h,
		.url = json_string_value(json_object_get(in, "url")),
		.content_type = header(hdrs, "Content-Type"),
		.content_location = header(hdrs, "Content-Location"),
	};
	if (!fi.content_type && hdrs && json_array_size(hdrs))
		fi.content_type = "text/xml";
	loa_feed *f = NULL;
	json_t *doc = NULL;
	loa_buf out;
	loa_buf_init(&out, (size_t)1 << 30);
	if (loa_feed_parse(&fi, &f, &err) == LOA_OK && loa_feed_to_json(f, false, &out) == LOA_OK)
		doc = json_loadb(out.data, out.len, 0, NULL);
	loa_feed_free(f);
	loa_buf_release(&out);
	loa_buf_release(&body);
	ev->files++;

	tally *group = NULL;
	if (needs_chardet(cs))
		group = &ev->chardet;
	else if (needs_rfc3023(cs))
		group = &ev->rfc3023;
	bool counted[5] = {false};
	json_t *as = json_object_get(json_object_get(cs, "expect"), "assertions");
	for (size_t i = 0; i < json_array_size(as); i++) {
		json_t *a = json_array_get(as, i);
		const char *p = json_string_value(json_object_get(a, "path"));
		const char *scope = json_string_value(json_object_get(a, "scope"));
		if (!p)
			continue;
		json_t *parent, *got = NULL;
		char last[64];
		if (doc)
			got = lookup(doc, p, &parent, last, sizeof last);
		tally *t = group;
		bool is_html = false;
		if (!t && scope && strcmp(scope, "extended") == 0)
			t = &ev->ext;
		if (got && json_is_string(got) && parent) {
			char tk[80];
			snprintf(tk, sizeof tk, "%s_type", last);
			const char *ty = json_string_value(
				json_object_get(parent, strcmp(last, "value") == 0 ? "type" : tk));
			if (ty && (strcmp(ty, "text/html") == 0 || strcmp(ty, "application/xhtml+xml") == 0) &&
			    (strcmp(last, "value") == 0 || strcmp(last, "title") == 0 ||
			     strcmp(last, "summary") == 0 || strcmp(last, "subtitle") == 0))
				is_html = true;
		}
		if (!t)
			t = is_html ? &ev->html : &ev->core;
		bool ok = false;
		json_t *eq = json_object_get(a, "equals");
		if (eq) {
			if (json_is_string(eq) && json_is_string(got)) {
				const char *e = json_string_value(eq), *g = json_string_value(got);
				if (strcmp(p, "document.encoding") == 0)
					ok = strcasecmp(e, g) == 0;
				else if (is_html)
					ok = html_equal(ev, e, g);
				else
					ok = strcmp(e, g) == 0;
			} else if (json_is_boolean(eq)) {
				ok = got && json_is_boolean(got) && json_boolean_value(eq) == json_boolean_value(got);
			} else {
				ok = got && json_equal(eq, got);
			}
		} else if (json_object_get(a, "count")) {
			json_int_t want = json_integer_value(json_object_get(a, "count"));
			ok = json_is_array(got) ? (json_int_t)json_array_size(got) == want : want == 0;
		} else if (json_object_get(a, "absent")) {
			ok = got == NULL || json_is_null(got);
		} else if (json_object_get(a, "present")) {
			ok = got != NULL && !json_is_null(got);
		} else {
			continue;
		}
		t->asserts++;
		t->passed += ok;
		int gi = t == &ev->core ? 0 : t == &ev->html ? 1 : t == &ev->ext ? 2 : t == &ev->chardet ? 3 : 4;
		if (!counted[gi]) {
			counted[gi] = true;
			t->cases++;
		}
		if (!ok && ev->verbose) {
			char *gs = got ? json_dumps(got, JSON_ENCODE_ANY) : NULL;
			char *es = eq ? json_dumps(eq, JSON_ENCODE_ANY) : NULL;
			printf("FAIL %s [%s] %s: expected %s got %s\n", id ? id : jpath,
			       gi == 0 ? "core" : gi == 1 ? "html" : gi == 2 ? "ext" : "opt", p,
			       es ? es : "(count/absent/present)", gs ? gs : "(none)");
			free(gs);
			free(es);
		}
	}
	json_decref(doc);
}

int cmd_eval_feeds(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_CASES = CLI_OPT_FIRST_FREE, O_VERBOSE };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"cases", required_argument, NULL, O_CASES},
		{"verbose", no_argument, NULL, O_VERBOSE},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("eval");
	strvec dirs = {0};
	evalr ev = {0};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":v", opts, NULL)) != -1) {
		if (c == O_CASES) {
			if (loa_vec_push(&dirs, optarg))
				return cli_fail("eval", "hết bộ nhớ / out of memory");
		} else if (c == O_VERBOSE || c == 'v') {
			ev.verbose = true;
		} else if ((c = cli_common_opt(ctx, self, c, optarg, argv))) {
			loa_vec_release(&dirs);
			return c;
		}
	}
	if (!dirs.len || optind != argc) {
		loa_vec_release(&dirs);
		fprintf(stderr, "loa eval feeds: cần --cases DIR / expected --cases DIR\n"
				"Cách dùng / usage: %s\n", cmd_eval_usage("feeds"));
		return LOA_EXIT_USAGE;
	}
	loa_feed_global_init();
	ev.h = loa_html_new();
	loa_buf_init(&ev.a, LOA_FEED_MAX_BODY);
	loa_buf_init(&ev.b, LOA_FEED_MAX_BODY);
	int status = ev.h ? LOA_EXIT_OK : LOA_EXIT_FAIL;
	for (size_t d = 0; d < dirs.len && status == LOA_EXIT_OK; d++) {
		struct stat st;
		if (stat(dirs.items[d], &st) != 0 || !S_ISDIR(st.st_mode)) {
			status = cli_fail("eval", "không phải thư mục / not a directory: %s", dirs.items[d]);
			break;
		}
		strvec files = {0};
		walk(dirs.items[d], &files, 0);
		for (size_t i = 0; i < files.len; i++) {
			json_t *root = json_load_file(files.items[i], 0, NULL);
			if (json_is_object(root)) {
				if (json_object_get(root, "vectors"))
					run_dates(&ev, root);
				else if (json_object_get(root, "expect") && json_object_get(root, "input"))
					run_case(&ev, files.items[i], root);
			}
			json_decref(root);
			free(files.items[i]);
		}
		loa_vec_release(&files);
	}
	if (status == LOA_EXIT_OK) {
		printf("feeds-html: assertions=%zu passed=%zu\n", ev.html.asserts, ev.html.passed);
		printf("feeds-extended: assertions=%zu passed=%zu\n", ev.ext.asserts, ev.ext.passed);
		printf("feeds-chardet: cases=%zu assertions=%zu passed=%zu\n", ev.chardet.cases,
		       ev.chardet.asserts, ev.chardet.passed);
		printf("feeds-rfc3023: cases=%zu assertions=%zu passed=%zu\n", ev.rfc3023.cases,
		       ev.rfc3023.asserts, ev.rfc3023.passed);
		printf("feeds-dates: vectors=%zu passed=%zu\n", ev.date_n, ev.date_pass);
		printf("feeds: cases=%zu assertions=%zu passed=%zu failed=%zu\n", ev.core.cases,
		       ev.core.asserts, ev.core.passed, ev.core.asserts - ev.core.passed);
	}
	loa_html_free(ev.h);
	loa_buf_release(&ev.a);
	loa_buf_release(&ev.b);
	loa_vec_release(&dirs);
	return status;
}
