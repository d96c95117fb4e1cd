/*
 * cmd_keys.c - `loa keys rotate|list|export|import`: the organisations'
 * Ed25519 signing keys (network/sign.h).
 */
#include "cli/cli.h"
#include "network/network.h"
#include "network/sign.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

static int print_key(void *arg, const loa_key_info *k)
{
	char a[LOA_TIME_STR_MAX], b[LOA_TIME_STR_MAX], pk[64];
	loa_b64url_encode(k->pk, 32, pk, sizeof pk);
	printf("%-40s %-20s %-8s %s .. %s  %s\n", k->key_id, k->org, k->valid_to == LOA_TIME_NONE ? "current" : "retired",
	       loa_time_format_rfc3339(k->valid_from, a),
	       k->valid_to == LOA_TIME_NONE ? "-" : loa_time_format_rfc3339(k->valid_to, b), pk);
	return 0;
}

int cmd_keys(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"org", required_argument, NULL, 'o'},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("keys");
	const char *org = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'o') {
			org = optarg;
			continue;
		}
		int rc = cli_common_opt(ctx, self, c, optarg, argv);
		if (rc)
			return rc;
	}
	if (optind >= argc)
		return cli_usage_error("keys", "cần lệnh con / expected rotate, list, export or import");
	const char *sub = argv[optind];
	bool is_import = strcmp(sub, "import") == 0;
	if (strcmp(sub, "rotate") && strcmp(sub, "list") && strcmp(sub, "export") && !is_import)
		return cli_usage_error("keys", "lệnh con không hợp lệ / unknown subcommand: %s", sub);
	if (strcmp(sub, "rotate") == 0 && !org)
		return cli_usage_error("keys", "rotate cần --org SLUG / rotate needs --org SLUG");
	if (is_import ? optind + 2 != argc : optind + 1 != argc)
		return cli_usage_error("keys", is_import ? "import cần FILE hoặc URL / import needs FILE or URL"
							 : "thừa tham số / unexpected argument");
	loa_err err;
	loa_err_clear(&err);
	loa_store *s;
	if (loa_store_open_config(ctx->cfg, 0, &s, &err) != LOA_OK)
		return cli_fail("keys", "%s", loa_err_msg(&err));
	int rc = LOA_OK;
	if (strcmp(sub, "rotate") == 0) {
		loa_key_info k;
		if ((rc = loa_keys_rotate(s, ctx->cfg, org, "cli", &k, &err)) == LOA_OK)
			printf("%s\n", k.key_id);
	} else if (strcmp(sub, "list") == 0) {
		rc = loa_keys_each(s, org, print_key, NULL, &err);
	} else if (strcmp(sub, "export") == 0) {
		json_t *doc = NULL;
		if ((rc = loa_keys_document(s, &doc, &err)) == LOA_OK) {
			char *t = json_dumps(doc, JSON_INDENT(1));
			if (t)
				printf("%s\n", t);
			free(t);
			json_decref(doc);
		}
	} else {
		const char *src = argv[optind + 1];
		loa_buf body;
		loa_buf_init(&body, (size_t)16 << 20);
		if (strncmp(src, "http://", 7) == 0 || strncmp(src, "https://", 8) == 0) {
			rc = loa_network_fetch(src, &body, NULL, &err);
		} else {
			FILE *f = fopen(src, "rb");
			char chunk[65536];
			size_t n;
			if (!f)
				rc = loa_err_set(&err, LOA_EIO, "không đọc được tệp / cannot read file: %s", src);
			while (f && rc == LOA_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
				rc = loa_buf_append(&body, chunk, n);
			if (f)
				fclose(f);
		}
		int nk = 0;
		if (rc == LOA_OK)
			rc = loa_keys_import(s, body.data ? body.data : "", body.len, src, &nk, &err);
		if (rc == LOA_OK)
			printf("keys: imported=%d\n", nk);
		loa_buf_release(&body);
	}
	loa_store_close(s);
	return rc ? cli_fail("keys", "%s", loa_err_msg(&err)) : LOA_EXIT_OK;
}
