/*
 * cmd_reach.c - `loa reach ID`: who picked up an official item, how fast,
 * how widely and how faithfully (network/reach.h).
 */
#include "cli/cli.h"
#include "core/str.h"
#include "network/reach.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

int cmd_reach(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"window", required_argument, NULL, 'w'},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("reach");
	const char *format = "text";
	loa_ms window = 0;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'f') {
			format = optarg;
		} else if (c == 'w') {
			if (loa_parse_duration(optarg, &window) != LOA_OK)
				return cli_usage_error("reach", "--window không hợp lệ / bad --window: %s", optarg);
		} else {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
	}
	int64_t id;
	if (optind + 1 != argc || loa_parse_i64(argv[optind], &id) || id <= 0)
		return cli_usage_error("reach", "cần một mã tin / expected one item id");
	if (strcmp(format, "text") && strcmp(format, "json"))
		return cli_usage_error("reach", "--format phải là text hoặc json / --format must be text or json");
	loa_err err;
	loa_err_clear(&err);
	loa_store *s;
	if (loa_store_open_config(ctx->cfg, LOA_STORE_NO_CREATE, &s, &err) != LOA_OK)
		return cli_fail("reach", "%s", loa_err_msg(&err));
	json_t *r = NULL;
	int rc = loa_reach(s, id, window, &r, &err);
	loa_store_close(s);
	if (rc)
		return cli_fail("reach", "%s", loa_err_msg(&err));
	if (strcmp(format, "json") == 0) {
		char *t = json_dumps(r, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		if (t)
			printf("%s\n", t);
		free(t);
	} else {
		json_t *first = json_object_get(r, "first_pickup_s");
		printf("%s (#%" PRId64 ", %s)\n", json_string_value(json_object_get(r, "title")), id,
		       json_string_value(json_object_get(r, "org")));
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(r, "pickups"), i, p) {
			json_t *ch = json_object_get(p, "changed");
			printf("  %-26s %-8s +%5llds sim=%.2f %s%s%s%s  %s\n", json_string_value(json_object_get(p, "source")),
			       json_string_value(json_object_get(p, "outlet")),
			       (long long)json_integer_value(json_object_get(p, "delay_s")),
			       json_real_value(json_object_get(p, "similarity")),
			       json_is_true(json_object_get(p, "faithful")) ? "trung thực / faithful" : "ĐÃ SỬA / changed:",
			       json_is_true(json_object_get(ch, "numbers")) ? " số/numbers" : "",
			       json_is_true(json_object_get(ch, "names")) ? " tên/names" : "",
			       json_is_true(json_object_get(ch, "negations")) ? " phủ định/negations" : "",
			       json_string_value(json_object_get(p, "url")) ? json_string_value(json_object_get(p, "url")) : "");
			const char *d = json_string_value(json_object_get(p, "diff"));
			if (d && *d && !json_is_true(json_object_get(p, "faithful")))
				printf("      %s\n", d);
		}
		printf("reach: pickups=%lld first_pickup_s=%s%lld outlets=%lld/%lld coverage=%.3f faithful=%lld changed=%lld\n",
		       (long long)json_integer_value(json_object_get(r, "pickup_count")), json_is_null(first) ? "-" : "",
		       json_is_null(first) ? 0LL : (long long)json_integer_value(first),
		       (long long)json_integer_value(json_object_get(r, "outlets_picked")),
		       (long long)json_integer_value(json_object_get(r, "outlets_total")),
		       json_real_value(json_object_get(r, "coverage")),
		       (long long)json_integer_value(json_object_get(r, "faithful")),
		       (long long)json_integer_value(json_object_get(r, "changed")));
	}
	json_decref(r);
	return LOA_EXIT_OK;
}
