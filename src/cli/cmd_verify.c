/*
 * cmd_verify.c - `loa verify URL|FILE [--keys FILE|URL]`: checks the
 * signatures of an item, a whole feed or a page, offline when the keys are
 * at hand (--keys, or the keys the local database knows); exit status 0
 * only when every entry verifies.
 */
#include "cli/cli.h"
#include "network/network.h"
#include "network/sign.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define DOC_MAX ((size_t)64 << 20)

static bool is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

static int load(const char *src, loa_buf *out, char *ctype, loa_err *err)
{
	ctype[0] = '\0';
	if (is_url(src))
		return loa_network_fetch(src, out, ctype, err);
	FILE *f = strcmp(src, "-") == 0 ? stdin : fopen(src, "rb");
	if (!f)
		return loa_err_set(err, LOA_EIO, "không đọc được tệp / cannot read file: %s", src);
	char chunk[65536];
	size_t n;
	int rc = LOA_OK;
	while (rc == LOA_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		rc = loa_buf_append(out, chunk, n);
	if (f != stdin)
		fclose(f);
	if (rc == LOA_OK && !out->data)
		rc = loa_buf_puts(out, "");
	return rc ? loa_err_set(err, rc, "không đọc được tệp / cannot read file: %s", src) : LOA_OK;
}

typedef struct out_ctx {
	bool json;
	bool quiet;
	int unsigned_n;
	int unknown;
} out_ctx;

static int print_result(void *arg, const char *id, const loa_verify_result *r)
{
	out_ctx *o = arg;
	if (r->status == LOA_VERIFY_UNSIGNED)
		o->unsigned_n++;
	if (r->status == LOA_VERIFY_UNKNOWN_KEY)
		o->unknown++;
	if (o->json) {
		json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", id, "status", loa_verify_status_name(r->status),
				      "key_id", r->key_id, "fields", r->fields, "detail", r->detail);
		char *t = j ? json_dumps(j, JSON_COMPACT) : NULL;
		if (t)
			printf("%s\n", t);
		free(t);
		json_decref(j);
	} else if (!o->quiet) {
		printf("%-14s %s%s%s\n  %s\n", loa_verify_status_name(r->status), id,
		       r->fields[0] ? "  trường đã đổi / changed: " : "", r->fields, r->detail);
	}
	return 0;
}

typedef struct keys_url_ctx {
	char url[2048];
} keys_url_ctx;

int cmd_verify(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"keys", required_argument, NULL, 'k'},
		{"json", no_argument, NULL, 'j'},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("verify");
	const char *keys = NULL;
	bool json = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'k') {
			keys = optarg;
		} else if (c == 'j') {
			json = true;
		} else {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("verify", "cần một URL hoặc tệp / expected one URL or FILE");
	const char *src = argv[optind];
	loa_err err;
	loa_err_clear(&err);
	loa_keyring *kr = loa_keyring_new();
	if (!kr)
		return cli_fail("verify", "hết bộ nhớ / out of memory");
	loa_buf doc, kb;
	loa_buf_init(&doc, DOC_MAX);
	loa_buf_init(&kb, (size_t)16 << 20);
	char ctype[256], kct[256];
	int status = LOA_EXIT_OK;
	int rc = load(src, &doc, ctype, &err);
	if (rc == LOA_OK && keys) {
		rc = load(keys, &kb, kct, &err);
		if (rc == LOA_OK)
			rc = loa_keyring_add_document(kr, kb.data, kb.len, &err);
	} else if (rc == LOA_OK) {
		/* the keys this instance knows, when there is a database */
		loa_store *s = NULL;
		if (loa_store_open_config(ctx->cfg, LOA_STORE_NO_CREATE, &s, NULL) == LOA_OK) {
			loa_keyring_add_store(kr, s, NULL);
			loa_store_close(s);
		}
	}
	if (rc) {
		status = cli_fail("verify", "%s", loa_err_msg(&err));
		goto out;
	}
	out_ctx o = {json, false, 0, 0};
	int ok = 0, total = 0;
	if (!keys) {
		/* a dry run to see whether keys are missing; then fetch the
		 * document named by the signatures (their "keys" URL) */
		o.quiet = true;
		json_t *probe = NULL;
		if (loa_verify_document(kr, doc.data, doc.len, ctype[0] ? ctype : NULL, print_result, &o, &ok, &total,
					&err) == LOA_OK && o.unknown) {
			/* the keys URL the signatures name (the first absolute one) */
			static const char wk[] = "/.well-known/loa-keys.json";
			for (const char *p = strstr(doc.data, wk); p; p = strstr(p + 1, wk)) {
				const char *q = p;
				while (q > doc.data && q[-1] != '"' && q[-1] != '\'' && q[-1] != ' ' && q[-1] != '>')
					q--;
				char url[2048];
				size_t n = (size_t)(p - q) + strlen(wk);
				if (n >= sizeof url || !is_url(q))
					continue;
				memcpy(url, q, n);
				url[n] = '\0';
				loa_buf_reset(&kb);
				if (loa_network_fetch(url, &kb, kct, NULL) == LOA_OK)
					loa_keyring_add_document(kr, kb.data, kb.len, NULL);
				break;
			}
		}
		json_decref(probe);
		o.quiet = false;
		o.unsigned_n = o.unknown = 0;
	}
	rc = loa_verify_document(kr, doc.data, doc.len, ctype[0] ? ctype : NULL, print_result, &o, &ok, &total, &err);
	if (rc) {
		status = cli_fail("verify", "%s", loa_err_msg(&err));
		goto out;
	}
	if (!json)
		printf("verify: entries=%d signed=%d verified=%d failed=%d unsigned=%d\n", total + o.unsigned_n, total,
		       ok, total - ok, o.unsigned_n);
	if (total == 0 || ok != total || o.unsigned_n)
		status = LOA_EXIT_FAIL;
out:
	loa_buf_release(&doc);
	loa_buf_release(&kb);
	loa_keyring_free(kr);
	return status;
}
