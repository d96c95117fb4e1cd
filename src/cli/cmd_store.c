/*
 * cmd_store.c - store commands: `loa db`, `loa export`, `loa orgs`
 * (`loa import` is in cmd_import.c, `loa sources` in cmd_sources.c).
 */
#include "cli/cli.h"
#include "core/buf.h"
#include "core/ltime.h"
#include "core/progress.h"
#include "core/str.h"
#include "store/item_json.h"
#include "store/store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

/* RFC 3339, or YYYY-MM-DD meaning midnight in Asia/Ho_Chi_Minh. */
static int parse_time_arg(const char *s, loa_ms *out)
{
	size_t n = strlen(s);
	if (loa_time_parse_rfc3339(s, n, out) == LOA_OK)
		return LOA_OK;
	int64_t y, m, d;
	if (n == 10 && s[4] == '-' && s[7] == '-') {
		char b[11];
		memcpy(b, s, 11);
		b[4] = b[7] = '\0';
		if (loa_parse_i64(b, &y) == LOA_OK && loa_parse_i64(b + 5, &m) == LOA_OK &&
		    loa_parse_i64(b + 8, &d) == LOA_OK && y >= 1 && m >= 1 && m <= 12 && d >= 1 &&
		    d <= 31) {
			int64_t days = loa_days_from_civil(y, (unsigned)m, (unsigned)d);
			*out = days * 86400000 - (int64_t)LOA_VN_OFFSET_MIN * 60000;
			return LOA_OK;
		}
	}
	return LOA_EPARSE;
}

static int open_store(loa_ctx *ctx, const char *cmd, int flags, loa_store **st)
{
	loa_err err;
	loa_err_clear(&err);
	if (loa_store_open_config(ctx->cfg, flags, st, &err))
		return cli_fail(cmd, "%s", loa_err_msg(&err));
	return LOA_EXIT_OK;
}

/* ---- db --------------------------------------------------------------- */

int cmd_db(loa_ctx *ctx, int argc, char **argv)
{
	int rc = cli_common_only(ctx, "db", argc, argv);
	if (rc)
		return rc;
	if (optind + 1 != argc)
		return cli_usage_error("db", "cần lệnh con status, migrate hoặc check / "
				       "expected 'status', 'migrate' or 'check'");
	const char *sub = argv[optind];
	bool migrate = strcmp(sub, "migrate") == 0, check = strcmp(sub, "check") == 0;
	if (!migrate && !check && strcmp(sub, "status") != 0)
		return cli_usage_error("db", "lệnh con không hợp lệ / unknown subcommand: %s", sub);
	loa_store *st;
	int flags = LOA_STORE_NO_MIGRATE | (migrate ? 0 : LOA_STORE_NO_CREATE);
	if ((rc = open_store(ctx, "db", flags, &st)))
		return rc;
	loa_err err;
	loa_err_clear(&err);
	int status = LOA_EXIT_OK;
	if (check) {
		if (loa_store_check(st, &err))
			status = cli_fail("db", "kiểm tra thất bại / check failed: %s", loa_err_msg(&err));
		else
			printf("db: check=ok\n");
	} else if (migrate) {
		int before = 0, applied = 0;
		if (loa_store_schema_version(st, &before, &err) ||
		    loa_store_migrate(st, 0, &applied, &err)) {
			status = cli_fail("db", "%s", loa_err_msg(&err));
		} else {
			printf("db: migrated from=%d to=%d applied=%d\n", before,
			       before + applied, applied);
		}
	} else {
		loa_store_status s;
		if (loa_store_status_get(st, &s, &err)) {
			status = cli_fail("db", "%s", loa_err_msg(&err));
		} else {
			int pending = s.program_version - s.schema_version;
			printf("cơ sở dữ liệu / database:   %s (%s, %s)\n",
			       loa_config_get(ctx->cfg, "db"), s.backend, s.journal);
			printf("lược đồ / schema version:    %d (chương trình / program: %d, "
			       "chờ / pending: %d)\n", s.schema_version, s.program_version, pending);
			if (s.items >= 0)
				printf("tổ chức / organisations:     %" PRId64 "\n"
				       "nguồn / sources:             %" PRId64 "\n"
				       "tin / items:                 %" PRId64 "\n",
				       s.orgs, s.sources, s.items);
			if (s.audit >= 0)
				printf("nhật ký / audit records:     %" PRId64 "\n", s.audit);
			printf("dung lượng / size:           %" PRId64 " bytes\n", s.bytes);
			printf("db: schema=%d program=%d pending=%d orgs=%" PRId64 " sources=%" PRId64
			       " items=%" PRId64 " audit=%" PRId64 " bytes=%" PRId64 "\n",
			       s.schema_version, s.program_version, pending, s.orgs, s.sources,
			       s.items, s.audit, s.bytes);
		}
	}
	loa_store_close(st);
	return status;
}

/* ---- export ----------------------------------------------------------- */

typedef struct export_ctx {
	loa_buf out;
	bool csv;
	uint64_t n;
	int werr;
	loa_progress prog;
} export_ctx;

static int flush_out(export_ctx *x)
{
	if (x->out.len && fwrite(x->out.data, 1, x->out.len, stdout) != x->out.len) {
		x->werr = errno ? errno : EIO;
		return LOA_EIO;
	}
	loa_buf_reset(&x->out);
	return LOA_OK;
}

static int export_one(void *arg, const loa_item *it)
{
	export_ctx *x = arg;
	int rc = x->csv ? loa_item_write_csv(&x->out, it) : loa_item_write_jsonl(&x->out, it);
	if (rc)
		return rc;
	x->n++;
	if ((x->n & 1023) == 0)
		loa_progress_update(&x->prog, x->n);
	if (x->out.len >= ((size_t)1 << 20))
		return flush_out(x);
	return LOA_OK;
}

int cmd_export(loa_ctx *ctx, int argc, char **argv)
{
	enum { OPT_FORMAT = CLI_OPT_FIRST_FREE, OPT_SINCE, OPT_UNTIL, OPT_SOURCE };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"format", required_argument, NULL, OPT_FORMAT},
		{"since", required_argument, NULL, OPT_SINCE},
		{"until", required_argument, NULL, OPT_UNTIL},
		{"source", required_argument, NULL, OPT_SOURCE},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("export");
	loa_item_filter f;
	loa_item_filter_init(&f);
	const char *format = "jsonl";
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT: format = optarg; break;
		case OPT_SOURCE: f.source = optarg; break;
		case OPT_SINCE:
		case OPT_UNTIL:
			if (parse_time_arg(optarg, c == OPT_SINCE ? &f.since : &f.until))
				return cli_usage_error("export", "thời gian không hợp lệ / bad time: %s "
						       "(RFC 3339 hoặc/or YYYY-MM-DD)", optarg);
			break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (optind != argc)
		return cli_usage_error("export", "đối số thừa / unexpected argument: %s", argv[optind]);
	export_ctx x = {0};
	if (strcmp(format, "csv") == 0)
		x.csv = true;
	else if (strcmp(format, "jsonl") != 0)
		return cli_usage_error("export", "định dạng không hợp lệ / bad format: %s", format);
	loa_store *st;
	int rc = open_store(ctx, "export", LOA_STORE_NO_CREATE, &st);
	if (rc)
		return rc;
	loa_buf_init(&x.out, (size_t)256 << 20);
	loa_progress_init(&x.prog, "export", 0);
	loa_err err;
	loa_err_clear(&err);
	int status = LOA_EXIT_OK;
	if (x.csv && loa_item_write_csv_header(&x.out))
		rc = LOA_ENOMEM;
	if (!rc)
		rc = loa_store_items_each(st, &f, export_one, &x, &err);
	if (!rc)
		rc = flush_out(&x);
	if (!rc && fflush(stdout) != 0) {
		x.werr = errno;
		rc = LOA_EIO;
	}
	loa_progress_end(&x.prog);
	if (rc) {
		if (x.werr)
			status = cli_fail("export", "không ghi được / cannot write output: %s",
					  strerror(x.werr));
		else if (err.code)
			status = cli_fail("export", "%s", loa_err_msg(&err));
		else
			status = cli_fail("export", "%s", loa_strerror(rc));
	} else if (!ctx->quiet) {
		fprintf(stderr, "export: items=%" PRIu64 " seconds=%.2f\n", x.n,
			loa_progress_elapsed(&x.prog));
	}
	loa_buf_release(&x.out);
	loa_store_close(st);
	return status;
}

/* ---- orgs ------------------------------------------------------------- */

static int print_org(void *arg, const loa_org *o)
{
	char from[LOA_TIME_STR_MAX] = "-", to[LOA_TIME_STR_MAX] = "-";
	if (o->valid_from != LOA_TIME_NONE)
		loa_time_format_vn_date(o->valid_from, from);
	if (o->valid_to != LOA_TIME_NONE)
		loa_time_format_vn_date(o->valid_to, to);
	printf("%-24s %-10s %-20s %-10s %-10s %-20s %s\n", o->slug, o->kind,
	       o->parent ? o->parent : "-", from, to, o->successor ? o->successor : "-", o->name);
	return 0;
}

static int orgs_list(loa_ctx *ctx, int argc, char **argv)
{
	int rc = cli_common_only(ctx, "orgs", argc, argv);
	if (rc)
		return rc;
	if (optind != argc)
		return cli_usage_error("orgs", "đối số thừa / unexpected argument: %s", argv[optind]);
	loa_store *st;
	if ((rc = open_store(ctx, "orgs", 0, &st)))
		return rc;
	loa_err err;
	loa_err_clear(&err);
	printf("%-24s %-10s %-20s %-10s %-10s %-20s %s\n", "slug", "kind", "parent", "from", "to",
	       "successor", "name");
	int status = LOA_EXIT_OK;
	if (loa_store_orgs_each(st, print_org, NULL, &err))
		status = cli_fail("orgs", "%s", loa_err_msg(&err));
	loa_store_close(st);
	return status;
}

static int orgs_add(loa_ctx *ctx, int argc, char **argv)
{
	enum { OPT_SLUG = CLI_OPT_FIRST_FREE, OPT_NAME, OPT_PARENT, OPT_KIND, OPT_FROM, OPT_TO,
	       OPT_SUCC };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"slug", required_argument, NULL, OPT_SLUG},
		{"name", required_argument, NULL, OPT_NAME},
		{"parent", required_argument, NULL, OPT_PARENT},
		{"kind", required_argument, NULL, OPT_KIND},
		{"valid-from", required_argument, NULL, OPT_FROM},
		{"valid-to", required_argument, NULL, OPT_TO},
		{"successor", required_argument, NULL, OPT_SUCC},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("orgs");
	loa_org o = {0, NULL, NULL, NULL, NULL, LOA_TIME_NONE, LOA_TIME_NONE, NULL};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_SLUG: o.slug = optarg; break;
		case OPT_NAME: o.name = optarg; break;
		case OPT_PARENT: o.parent = optarg; break;
		case OPT_KIND: o.kind = optarg; break;
		case OPT_SUCC: o.successor = optarg; break;
		case OPT_FROM:
		case OPT_TO:
			if (parse_time_arg(optarg, c == OPT_FROM ? &o.valid_from : &o.valid_to))
				return cli_usage_error("orgs", "thời gian không hợp lệ / bad time: %s",
						       optarg);
			break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (optind != argc)
		return cli_usage_error("orgs", "đối số thừa / unexpected argument: %s", argv[optind]);
	if (!o.slug || !o.name)
		return cli_usage_error("orgs", "cần --slug và --name / --slug and --name are required");
	loa_store *st;
	int rc = open_store(ctx, "orgs", 0, &st);
	if (rc)
		return rc;
	loa_err err;
	loa_err_clear(&err);
	int64_t id = 0;
	int status = LOA_EXIT_OK;
	if ((rc = loa_store_org_add(st, &o, &id, &err)))
		status = rc == LOA_EINVAL ? cli_usage_error("orgs", "%s", loa_err_msg(&err))
					  : cli_fail("orgs", "%s", loa_err_msg(&err));
	else if (!ctx->quiet)
		printf("orgs: added slug=%s id=%" PRId64 "\n", o.slug, id);
	loa_store_close(st);
	return status;
}

static int orgs_merge(loa_ctx *ctx, int argc, char **argv)
{
	enum { OPT_FROM = CLI_OPT_FIRST_FREE, OPT_INTO, OPT_AT };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"from", required_argument, NULL, OPT_FROM},
		{"into", required_argument, NULL, OPT_INTO},
		{"at", required_argument, NULL, OPT_AT},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("orgs");
	const char *from = NULL, *into = NULL;
	loa_ms at = loa_now_ms();
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FROM: from = optarg; break;
		case OPT_INTO: into = optarg; break;
		case OPT_AT:
			if (parse_time_arg(optarg, &at))
				return cli_usage_error("orgs", "thời gian không hợp lệ / bad time: %s",
						       optarg);
			break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (optind != argc)
		return cli_usage_error("orgs", "đối số thừa / unexpected argument: %s", argv[optind]);
	if (!from || !into)
		return cli_usage_error("orgs", "cần --from và --into / --from and --into are required");
	loa_store *st;
	int rc = open_store(ctx, "orgs", 0, &st);
	if (rc)
		return rc;
	loa_err err;
	loa_err_clear(&err);
	int status = LOA_EXIT_OK;
	if (loa_store_org_succeed(st, from, into, at, &err))
		status = cli_fail("orgs", "%s", loa_err_msg(&err));
	else if (!ctx->quiet)
		printf("orgs: merged from=%s into=%s\n", from, into);
	loa_store_close(st);
	return status;
}

int cmd_orgs(loa_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-')
		return cli_usage_error("orgs", "cần lệnh con add, list hoặc merge / "
				       "expected 'add', 'list' or 'merge'");
	/* The subcommand's options follow it: parse argv[1..] (getopt skips
	 * its argv[0], here the subcommand). */
	if (strcmp(argv[1], "add") == 0)
		return orgs_add(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return orgs_list(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "merge") == 0)
		return orgs_merge(ctx, argc - 1, argv + 1);
	return cli_usage_error("orgs", "lệnh con không hợp lệ / unknown subcommand: %s", argv[1]);
}
