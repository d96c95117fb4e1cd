/*
 * cmd_sources.c - `loa sources add|list|remove|import-opml|export-opml`.
 */
#include "cli/cli.h"
#include "core/buf.h"
#include "core/ltime.h"
#include "core/str.h"
#include "core/vec.h"
#include "feed/ingest.h"
#include "store/store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

enum { OPT_ORG = CLI_OPT_FIRST_FREE, OPT_KIND, OPT_NAME, OPT_SLUG, OPT_NO_FETCH };

static int open_store(loa_ctx *ctx, loa_store **st)
{
	loa_err err;
	loa_err_clear(&err);
	if (loa_store_open_config(ctx->cfg, 0, st, &err))
		return cli_fail("sources", "%s", loa_err_msg(&err));
	return LOA_EXIT_OK;
}

/* ---- add ----------------------------------------------------------------- */

static int sources_add(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"org", required_argument, NULL, OPT_ORG},
		{"kind", required_argument, NULL, OPT_KIND},
		{"name", required_argument, NULL, OPT_NAME},
		{"slug", required_argument, NULL, OPT_SLUG},
		{"no-fetch", no_argument, NULL, OPT_NO_FETCH},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("sources");
	loa_source_add_opts o = {0};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ORG: o.org = optarg; break;
		case OPT_KIND: o.outlet = optarg; break;
		case OPT_NAME: o.name = optarg; break;
		case OPT_SLUG: o.slug = optarg; break;
		case OPT_NO_FETCH: o.no_fetch = true; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("sources", "cần đúng một URL / expected one URL");
	o.url = argv[optind];
	if (o.outlet && strcmp(o.outlet, "press") != 0 && strcmp(o.outlet, "portal") != 0 &&
	    strcmp(o.outlet, "social") != 0 && strcmp(o.outlet, "agency") != 0)
		return cli_usage_error("sources", "--kind phải là press, portal, social hoặc agency / "
				       "--kind must be press, portal, social or agency");
	loa_store *st;
	int rc = open_store(ctx, &st);
	if (rc)
		return rc;
	loa_err err;
	loa_err_clear(&err);
	loa_source_rec rec;
	int status = LOA_EXIT_OK;
	if (loa_feed_source_add(st, ctx->cfg, &o, &rec, &err))
		status = cli_fail("sources", "%s", loa_err_msg(&err));
	else
		printf("sources: added slug=%s url=%s name=%s\n", rec.slug, rec.url,
		       rec.name[0] ? rec.name : "-");
	loa_store_close(st);
	return status;
}

/* ---- list ------------------------------------------------------------------ */

/* "2026-08-12T09:30+07:00" in Vietnam time, or "-". */
static const char *vn_time(loa_ms t, char out[LOA_TIME_STR_MAX])
{
	if (t == LOA_TIME_NONE || t <= 0) {
		snprintf(out, LOA_TIME_STR_MAX, "-");
		return out;
	}
	char b[LOA_TIME_STR_MAX];
	loa_time_format_rfc3339(t - t % 60000 + (loa_ms)LOA_VN_OFFSET_MIN * 60000, b);
	snprintf(out, LOA_TIME_STR_MAX, "%.16s+07:00", b);
	return out;
}

static const char *duration(loa_ms d, char out[32])
{
	if (d <= 0)
		snprintf(out, 32, "-");
	else if (d % 86400000 == 0)
		snprintf(out, 32, "%" PRId64 "d", d / 86400000);
	else if (d % 3600000 == 0)
		snprintf(out, 32, "%" PRId64 "h", d / 3600000);
	else if (d >= 60000)
		snprintf(out, 32, "%" PRId64 "m", d / 60000);
	else
		snprintf(out, 32, "%" PRId64 "s", d / 1000);
	return out;
}

typedef struct list_ctx {
	loa_store *st;
	LOA_VEC(char *) lines;
	int rc;
	loa_err err;
} list_ctx;

static int list_cb(void *arg, const loa_source *s)
{
	list_ctx *l = arg;
	loa_buf b;
	loa_buf_init(&b, 64 << 10);
	int rc = loa_buf_printf(&b, "%-28s %-6s %-7s %-9s %-20s %-10s %10" PRId64, s->slug, s->type,
				s->outlet ? s->outlet : "-", s->platform ? s->platform : "-",
				s->org ? s->org : "-", s->state ? s->state : "-", s->items);
	if (!rc && s->url && *s->url) {
		/* Health, for sources fetched from a URL. Queried after the
		 * iteration ends (one statement at a time on the handle). */
		char num[32];
		snprintf(num, sizeof num, "\t%" PRId64, s->id);
		rc = loa_buf_puts(&b, num);
		if (!rc)
			rc = loa_buf_printf(&b, "\t%s", s->url);
	}
	char *line = rc ? NULL : loa_buf_detach(&b, NULL);
	loa_buf_release(&b);
	if (!line || loa_vec_push(&l->lines, line)) {
		free(line);
		return l->rc = LOA_ENOMEM;
	}
	return 0;
}

static int sources_list(loa_ctx *ctx, int argc, char **argv)
{
	int rc = cli_common_only(ctx, "sources", argc, argv);
	if (rc)
		return rc;
	if (optind != argc)
		return cli_usage_error("sources", "list không nhận đối số / list takes no arguments");
	loa_store *st;
	if ((rc = open_store(ctx, &st)))
		return rc;
	list_ctx l;
	memset(&l, 0, sizeof l);
	l.st = st;
	int status = LOA_EXIT_OK;
	printf("%-28s %-6s %-7s %-9s %-20s %-10s %10s  %s\n", "slug", "type", "outlet", "platform",
	       "org", "state", "items", "health");
	if (loa_store_sources_each(st, list_cb, &l, &l.err) || l.rc) {
		status = cli_fail("sources", "%s", l.rc ? loa_strerror(l.rc) : loa_err_msg(&l.err));
		goto out;
	}
	for (size_t i = 0; i < l.lines.len; i++) {
		char *line = l.lines.items[i];
		char *tab = strchr(line, '\t');
		if (!tab) {
			printf("%s\n", line);
			continue;
		}
		*tab = '\0';
		char *url = strchr(tab + 1, '\t');
		*url++ = '\0';
		int64_t id = 0;
		loa_parse_i64(tab + 1, &id);
		loa_feed_health h;
		loa_err err;
		if (loa_feed_health_get(st, id, &h, &err)) {
			status = cli_fail("sources", "%s", loa_err_msg(&err));
			goto out;
		}
		char t1[LOA_TIME_STR_MAX], t2[LOA_TIME_STR_MAX], t3[LOA_TIME_STR_MAX], d[32];
		if (!h.known) {
			printf("%s  http=- fails=0 url=%s\n", line, url);
			continue;
		}
		printf("%s  http=%ld fails=%d every=%s last=%s next=%s newest=%s%s%s url=%s%s%s%s%s\n",
		       line, h.last_status, h.failures, duration(h.interval, d),
		       vn_time(h.last_fetch, t1), vn_time(h.next_due, t2), vn_time(h.last_item, t3),
		       h.push ? " push=" : "", h.push ? h.hub : "", url,
		       h.warning[0] ? " warning=" : "", h.warning,
		       h.last_error[0] ? " error=" : "", h.last_error);
	}
out:
	for (size_t i = 0; i < l.lines.len; i++)
		free(l.lines.items[i]);
	loa_vec_release(&l.lines);
	loa_store_close(st);
	return status;
}

/* ---- remove ----------------------------------------------------------------- */

static int sources_remove(loa_ctx *ctx, int argc, char **argv)
{
	int rc = cli_common_only(ctx, "sources", argc, argv);
	if (rc)
		return rc;
	if (optind + 1 != argc)
		return cli_usage_error("sources", "cần đúng một mã nguồn / expected one SLUG");
	loa_store *st;
	if ((rc = open_store(ctx, &st)))
		return rc;
	loa_err err;
	loa_err_clear(&err);
	bool deleted = false;
	int status = LOA_EXIT_OK;
	if (loa_feed_source_remove(st, argv[optind], &deleted, &err))
		status = cli_fail("sources", "%s", loa_err_msg(&err));
	else
		printf("sources: removed slug=%s %s\n", argv[optind],
		       deleted ? "deleted" : "kept=items (state=removed)");
	loa_store_close(st);
	return status;
}

/* ---- OPML ------------------------------------------------------------------- */

typedef struct imp {
	loa_store *st;
	loa_ctx *ctx;
	int64_t read, added, skipped, refused;
} imp;

static int import_cb(void *arg, const loa_opml_outline *o)
{
	imp *m = arg;
	m->read++;
	loa_source_add_opts a = {0};
	a.url = o->xml_url;
	a.slug = o->slug;
	/* export writes the slug as text when a source has no name */
	a.name = o->title ? o->title
		 : o->text && !(o->slug && strcmp(o->text, o->slug) == 0) ? o->text : NULL;
	a.org = o->org;
	a.outlet = o->outlet;
	a.no_fetch = true;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_feed_source_add(m->st, m->ctx->cfg, &a, NULL, &err);
	if (rc == LOA_OK) {
		m->added++;
	} else if (rc == LOA_EEXIST) {
		m->skipped++;
		fprintf(stderr, "loa sources: bỏ qua / skipped %s: %s\n", o->xml_url, loa_err_msg(&err));
	} else if (rc == LOA_EINVAL || rc == LOA_ENOTFOUND) {
		m->refused++;
		fprintf(stderr, "loa sources: không nhận / refused %s: %s\n", o->xml_url,
			loa_err_msg(&err));
	} else {
		fprintf(stderr, "loa sources: %s\n", loa_err_msg(&err));
		return rc;
	}
	return 0;
}

static int sources_import(loa_ctx *ctx, int argc, char **argv)
{
	int rc = cli_common_only(ctx, "sources", argc, argv);
	if (rc)
		return rc;
	if (optind + 1 != argc)
		return cli_usage_error("sources", "cần một tệp OPML / expected one OPML FILE (or -)");
	const char *path = argv[optind];
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!fp)
		return cli_fail("sources", "không đọc được tệp / cannot read file: %s: %s", path,
				strerror(errno));
	loa_buf body;
	loa_buf_init(&body, LOA_OPML_MAX_BODY);
	char chunk[65536];
	size_t n;
	int status = LOA_EXIT_OK;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		if (loa_buf_append(&body, chunk, n)) {
			status = cli_fail("sources", "tệp OPML quá lớn / OPML file too large (max %zu "
					  "bytes)", (size_t)LOA_OPML_MAX_BODY);
			break;
		}
	if (!status && ferror(fp))
		status = cli_fail("sources", "không đọc được tệp / cannot read file: %s", path);
	if (fp != stdin)
		fclose(fp);
	if (status) {
		loa_buf_release(&body);
		return status;
	}
	loa_store *st;
	if ((rc = open_store(ctx, &st))) {
		loa_buf_release(&body);
		return rc;
	}
	imp m = {st, ctx, 0, 0, 0, 0};
	loa_err err;
	loa_err_clear(&err);
	rc = loa_opml_parse(body.data ? body.data : "", body.len, import_cb, &m, &err);
	if (rc && err.msg[0])
		status = cli_fail("sources", "%s: %s", path, loa_err_msg(&err));
	else if (rc)
		status = LOA_EXIT_FAIL;
	printf("import-opml: read=%" PRId64 " added=%" PRId64 " skipped=%" PRId64
	       " refused=%" PRId64 "\n", m.read, m.added, m.skipped, m.refused);
	if (m.refused)
		status = LOA_EXIT_FAIL;
	loa_store_close(st);
	loa_buf_release(&body);
	return status;
}

typedef struct exp {
	LOA_VEC(loa_opml_outline) o;
	LOA_VEC(char *) strs; /* copies the outlines point to */
	int rc;
} exp;

static const char *keep(exp *e, const char *s)
{
	if (!s || !*s)
		return NULL;
	char *c = strdup(s);
	if (!c || loa_vec_push(&e->strs, c)) {
		free(c);
		e->rc = LOA_ENOMEM;
		return NULL;
	}
	return c;
}

static int export_cb(void *arg, const loa_source *s)
{
	exp *e = arg;
	if (!s->url || !*s->url || (s->state && strcmp(s->state, LOA_SOURCE_REMOVED) == 0))
		return 0;
	loa_opml_outline o = {0};
	o.text = keep(e, s->name ? s->name : s->slug);
	o.title = keep(e, s->name);
	o.xml_url = keep(e, s->url);
	o.slug = keep(e, s->slug);
	o.org = keep(e, s->org);
	o.outlet = keep(e, s->outlet);
	if (e->rc || loa_vec_push(&e->o, o))
		return e->rc = LOA_ENOMEM;
	return 0;
}

static int sources_export(loa_ctx *ctx, int argc, char **argv)
{
	int rc = cli_common_only(ctx, "sources", argc, argv);
	if (rc)
		return rc;
	if (optind != argc)
		return cli_usage_error("sources", "export-opml không nhận đối số / takes no arguments");
	loa_store *st;
	if ((rc = open_store(ctx, &st)))
		return rc;
	exp e;
	memset(&e, 0, sizeof e);
	loa_err err;
	loa_err_clear(&err);
	loa_buf out;
	loa_buf_init(&out, LOA_BUF_MAX_DEFAULT);
	int status = LOA_EXIT_OK;
	if (loa_store_sources_each(st, export_cb, &e, &err) || e.rc)
		status = cli_fail("sources", "%s", e.rc ? loa_strerror(e.rc) : loa_err_msg(&err));
	else if (loa_opml_write(e.o.items, e.o.len, "loa: nguồn tin / sources", loa_now_ms(), &out,
				&err))
		status = cli_fail("sources", "%s", loa_err_msg(&err));
	else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout))
		status = cli_fail("sources", "không ghi được / cannot write: %s", strerror(errno));
	for (size_t i = 0; i < e.strs.len; i++)
		free(e.strs.items[i]);
	loa_vec_release(&e.strs);
	loa_vec_release(&e.o);
	loa_buf_release(&out);
	loa_store_close(st);
	return status;
}

int cmd_sources(loa_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-')
		return cli_usage_error("sources", "cần lệnh con add, list, remove, import-opml hoặc "
				       "export-opml / expected add, list, remove, import-opml or "
				       "export-opml");
	const char *sub = argv[1];
	if (strcmp(sub, "add") == 0)
		return sources_add(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return sources_list(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "remove") == 0)
		return sources_remove(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "import-opml") == 0)
		return sources_import(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "export-opml") == 0)
		return sources_export(ctx, argc - 1, argv + 1);
	return cli_usage_error("sources", "lệnh con không hợp lệ / unknown subcommand: %s", sub);
}
