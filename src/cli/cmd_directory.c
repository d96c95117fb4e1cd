/*
 * cmd_directory.c - `loa directory import|export|channels|journalists`:
 * the network directory (organisations, channels, journalists) as JSON or
 * CSV (network/network.h, docs/rooms/network.md).
 */
#include "cli/cli.h"
#include "network/network.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

#define DIR_MAX ((size_t)64 << 20)

static int print_channel(void *arg, const loa_channel *c)
{
	printf("%-24s %-8s %s%s%s %s\n", c->org, c->kind, c->url ? c->url : "", c->url && *c->url && c->handle && *c->handle ? " " : "",
	       c->handle ? c->handle : "", c->name ? c->name : "");
	return 0;
}

static int print_journalist(void *arg, const loa_journalist *j)
{
	printf("%-20s %-24s %-30s %s\n", j->login, j->org, j->email ? j->email : "", j->name);
	return 0;
}

int cmd_directory(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"org", required_argument, NULL, 'o'},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("directory");
	const char *format = NULL, *org = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'f') {
			format = optarg;
		} else if (c == 'o') {
			org = optarg;
		} else {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
	}
	if (optind >= argc)
		return cli_usage_error("directory", "cần lệnh con / expected import, export, channels or journalists");
	const char *sub = argv[optind];
	bool imp = strcmp(sub, "import") == 0;
	if (!imp && strcmp(sub, "export") && strcmp(sub, "channels") && strcmp(sub, "journalists"))
		return cli_usage_error("directory", "lệnh con không hợp lệ / unknown subcommand: %s", sub);
	if (imp ? optind + 2 != argc : optind + 1 != argc)
		return cli_usage_error("directory", imp ? "import cần một tệp / import needs one FILE"
							: "thừa tham số / unexpected argument");
	if (format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
		return cli_usage_error("directory", "--format phải là csv hoặc json / --format must be csv or json");
	if (strcmp(sub, "export") == 0 && !format)
		return cli_usage_error("directory", "export cần --format csv|json / export needs --format csv|json");
	loa_err err;
	loa_err_clear(&err);
	loa_store *s;
	if (loa_store_open_config(ctx->cfg, 0, &s, &err) != LOA_OK)
		return cli_fail("directory", "%s", loa_err_msg(&err));
	int rc = LOA_OK, status = LOA_EXIT_OK;
	loa_buf buf;
	loa_buf_init(&buf, DIR_MAX);
	if (imp) {
		const char *path = argv[optind + 1];
		FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
		if (!f) {
			rc = loa_err_set(&err, LOA_EIO, "không đọc được tệp / cannot read file: %s", path);
		} else {
			char chunk[65536];
			size_t n;
			while (rc == LOA_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
				rc = loa_buf_append(&buf, chunk, n);
			if (f != stdin)
				fclose(f);
			if (rc)
				loa_err_set(&err, rc, "tệp quá lớn / file too large: %s", path);
		}
		if (!format && rc == LOA_OK) {
			size_t n = strlen(path);
			if (n > 4 && strcmp(path + n - 4, ".csv") == 0)
				format = "csv";
			else if (n > 5 && strcmp(path + n - 5, ".json") == 0)
				format = "json";
		}
		loa_directory_stats st;
		if (rc == LOA_OK)
			rc = loa_directory_import(s, buf.data ? buf.data : "", buf.len, format, "cli", &st, &err);
		if (rc == LOA_OK) {
			if (st.refused)
				fprintf(stderr, "loa directory: bị từ chối / refused: %s\n", loa_err_msg(&err));
			printf("directory: orgs_added=%" PRId64 " orgs_existing=%" PRId64 " successors=%" PRId64
			       " channels_added=%" PRId64 " journalists_added=%" PRId64 " refused=%" PRId64 "\n",
			       st.orgs_added, st.orgs_existing, st.successors, st.channels_added, st.journalists_added,
			       st.refused);
			if (st.refused)
				status = LOA_EXIT_FAIL;
		}
	} else if (strcmp(sub, "export") == 0) {
		if ((rc = loa_directory_export(s, format, &buf, &err)) == LOA_OK)
			fwrite(buf.data, 1, buf.len, stdout);
	} else if (strcmp(sub, "channels") == 0) {
		rc = loa_channels_each(s, org, print_channel, NULL, &err);
	} else {
		rc = loa_journalists_each(s, print_journalist, NULL, &err);
	}
	loa_buf_release(&buf);
	loa_store_close(s);
	if (rc)
		return cli_fail("directory", "%s", loa_err_msg(&err));
	return status;
}
