/*
 * cmd_search.c - `loa search`: full-text search with the monitoring query
 * language (docs/search.md).
 */
#include "cli/cli.h"
#include "core/buf.h"
#include "core/ltime.h"
#include "core/str.h"
#include "search/query.h"
#include "search/search.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

enum { OPT_LIMIT = CLI_OPT_FIRST_FREE, OPT_ORDER, OPT_FORMAT, OPT_REINDEX, OPT_EXPLAIN };

typedef struct out_ctx {
	bool json;
	int64_t n;
} out_ctx;

static int print_hit(void *arg, const loa_search_hit *h)
{
	out_ctx *o = arg;
	char ts[LOA_TIME_STR_MAX];
	o->n++;
	if (o->json) {
		json_t *j = json_object();
		if (!j)
			return LOA_ENOMEM;
		json_object_set_new(j, "item", json_integer(h->item_id));
		json_object_set_new(j, "source", json_string(h->source ? h->source : ""));
		json_object_set_new(j, "published_at",
				    json_string(loa_time_format_rfc3339(h->published_at, ts)));
		if (h->title)
			json_object_set_new(j, "title", json_string(h->title));
		if (h->url)
			json_object_set_new(j, "url", json_string(h->url));
		json_object_set_new(j, "kind", json_string(h->kind ? h->kind : ""));
		json_object_set_new(j, "snippet", json_string(h->snippet ? h->snippet : ""));
		json_object_set_new(j, "score", json_real(h->score));
		char *s = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		if (!s)
			return LOA_ENOMEM;
		puts(s);
		free(s);
		return LOA_OK;
	}
	printf("%s  %-16s  %s\n", loa_time_format_display(h->published_at, ts),
	       h->source ? h->source : "", h->title && *h->title ? h->title : "(không tiêu đề)");
	if (h->url && *h->url)
		printf("    %s\n", h->url);
	if (h->snippet && *h->snippet)
		printf("    %s\n", h->snippet);
	return LOA_OK;
}

int cmd_search(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"limit", required_argument, NULL, OPT_LIMIT},
		{"order", required_argument, NULL, OPT_ORDER},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"reindex", no_argument, NULL, OPT_REINDEX},
		{"explain", no_argument, NULL, OPT_EXPLAIN},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("search");
	loa_search_opts so = {.now = LOA_TIME_NONE, .limit = 20};
	bool json = false, reindex = false, explain = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (c) {
		case OPT_LIMIT:
			if (loa_parse_i64(optarg, &so.limit) || so.limit < 1)
				return cli_usage_error("search", "--limit cần số dương / --limit needs a "
						       "positive number: %s", optarg);
			if (so.limit > LOA_SEARCH_MAX_LIMIT) {
				fprintf(stderr, "loa search: --limit giảm xuống %d / --limit capped at %d\n",
					LOA_SEARCH_MAX_LIMIT, LOA_SEARCH_MAX_LIMIT);
				so.limit = LOA_SEARCH_MAX_LIMIT;
			}
			break;
		case OPT_ORDER:
			if (strcmp(optarg, "newest") == 0)
				so.order = LOA_SEARCH_NEWEST;
			else if (strcmp(optarg, "relevance") == 0)
				so.order = LOA_SEARCH_RELEVANCE;
			else
				return cli_usage_error("search", "--order là newest hoặc relevance / "
						       "--order is newest or relevance: %s", optarg);
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") != 0)
				return cli_usage_error("search", "--format là text hoặc json / --format "
						       "is text or json: %s", optarg);
			break;
		case OPT_REINDEX:
			reindex = true;
			break;
		case OPT_EXPLAIN:
			explain = true;
			break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (!reindex && optind >= argc)
		return cli_usage_error("search", "thiếu truy vấn / missing QUERY");
	/* the query: the remaining arguments joined by spaces */
	loa_buf qb;
	loa_buf_init(&qb, LOA_QUERY_MAX_LEN + 1);
	for (int i = optind; i < argc; i++) {
		if ((i > optind && loa_buf_putc(&qb, ' ')) || loa_buf_puts(&qb, argv[i])) {
			loa_buf_release(&qb);
			return cli_usage_error("search", "truy vấn quá dài (tối đa %d byte) / query too "
					       "long (max %d bytes)", LOA_QUERY_MAX_LEN,
					       LOA_QUERY_MAX_LEN);
		}
	}
	loa_err err;
	loa_err_clear(&err);
	loa_query *q = NULL;
	if (qb.len && loa_query_parse(qb.data, qb.len, LOA_TIME_NONE, &q, NULL, &err)) {
		loa_buf_release(&qb);
		fprintf(stderr, "loa search: %s\n", loa_err_msg(&err));
		return LOA_EXIT_USAGE;
	}
	loa_buf_release(&qb);
	loa_search *s;
	if (loa_search_open_config(ctx->cfg, &s, &err)) {
		loa_query_free(q);
		return cli_fail("search", "%s", loa_err_msg(&err));
	}
	int status = LOA_EXIT_OK;
	if (reindex) {
		int64_t n;
		uint64_t t0 = loa_mono_ns();
		if (loa_search_reindex(s, &n, &err)) {
			status = cli_fail("search", "%s", loa_err_msg(&err));
			goto out;
		}
		fprintf(stderr, "reindex: items=%" PRId64 " seconds=%.2f\n", n,
			(double)(loa_mono_ns() - t0) / 1e9);
	}
	if (!q)
		goto out;
	if (explain) {
		loa_buf e;
		loa_buf_init(&e, 1 << 20);
		if (loa_search_explain(s, q, &so, &e, &err))
			status = cli_fail("search", "%s", loa_err_msg(&err));
		else
			printf("%s\n", e.data);
		loa_buf_release(&e);
		goto out;
	}
	out_ctx oc = {json, 0};
	loa_search_info info;
	so.info = &info;
	if (loa_search_run(s, q, &so, print_hit, &oc, NULL, &err)) {
		status = cli_fail("search", "%s", loa_err_msg(&err));
		goto out;
	}
	if (info.bounded > 0)
		fprintf(stderr, "loa search: tiền tố có quá nhiều từ, chỉ tìm các từ phổ biến nhất / prefix with too "
				"many terms, only the commonest searched: %s\n", info.note);
	if (!json)
		fprintf(stderr, "search: hits=%" PRId64 " limit=%" PRId64 " order=%s bounded=%d\n", oc.n, so.limit,
			so.order == LOA_SEARCH_RELEVANCE ? "relevance" : "newest", info.bounded);
out:
	loa_query_free(q);
	loa_search_close(s);
	return status;
}
