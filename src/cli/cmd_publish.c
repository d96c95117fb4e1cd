/*
 * cmd_publish.c - `loa publish`: official publishing from the command line,
 * which acts with local administrator rights (actor "cli").
 */
#include "cli/cli.h"
#include "core/str.h"
#include "network/network.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

static int read_file(const char *path, size_t max, loa_buf *out, loa_err *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return loa_err_set(err, LOA_EIO, "không đọc được tệp / cannot read file: %s", path);
	loa_buf_init(out, max);
	char chunk[65536];
	size_t n;
	int rc = LOA_OK;
	while (rc == LOA_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		rc = loa_buf_append(out, chunk, n);
	if (ferror(f))
		rc = LOA_EIO;
	if (f != stdin)
		fclose(f);
	if (rc == LOA_OK && !out->data)
		rc = loa_buf_puts(out, "");
	if (rc == LOA_ETOOBIG)
		return loa_err_set(err, rc, "tệp quá lớn / file over %zu bytes: %s", max, path);
	if (rc)
		return loa_err_set(err, rc, "không đọc được tệp / cannot read file: %s", path);
	/* trailing newlines are not part of the body */
	while (out->len && (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == '\r'))
		out->data[--out->len] = '\0';
	return LOA_OK;
}

static int parse_id(const char *s, int64_t *id)
{
	return s && loa_parse_i64(s, id) == LOA_OK && *id > 0 ? LOA_OK : LOA_EINVAL;
}

static int list_json(loa_store *s, const char *org, const char *state)
{
	json_t *j = NULL;
	loa_err err;
	if (loa_official_list_json(s, org, state, 1000, &j, &err) != LOA_OK)
		return cli_fail("publish", "%s", loa_err_msg(&err));
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(j, "items"), i, v) {
		printf("%-6" PRId64 " %-10s %-14s %-24s v%-3d %s\n",
		       (int64_t)json_integer_value(json_object_get(v, "id")),
		       json_string_value(json_object_get(v, "state")), json_string_value(json_object_get(v, "kind")),
		       json_string_value(json_object_get(v, "org")), (int)json_integer_value(json_object_get(v, "version")),
		       json_string_value(json_object_get(v, "title")));
	}
	json_decref(j);
	return LOA_EXIT_OK;
}

int cmd_publish(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"org", required_argument, NULL, 'o'},
		{"kind", required_argument, NULL, 'k'},
		{"title", required_argument, NULL, 't'},
		{"body", required_argument, NULL, 'b'},
		{"topic", required_argument, NULL, 'T'},
		{"approve", no_argument, NULL, 'a'},
		{"embargo", required_argument, NULL, 'e'},
		{"reason", required_argument, NULL, 'r'},
		{"note", required_argument, NULL, 'n'},
		{"state", required_argument, NULL, 's'},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("publish");
	const char *org = NULL, *kind = "statement", *title = NULL, *body_path = NULL, *topic = NULL,
		   *embargo = NULL, *reason = NULL, *note = NULL, *state = NULL;
	bool approve = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'o': org = optarg; break;
		case 'k': kind = optarg; break;
		case 't': title = optarg; break;
		case 'b': body_path = optarg; break;
		case 'T': topic = optarg; break;
		case 'a': approve = true; break;
		case 'e': embargo = optarg; break;
		case 'r': reason = optarg; break;
		case 'n': note = optarg; break;
		case 's': state = optarg; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	const char *sub = optind < argc ? argv[optind] : NULL;
	int64_t id = 0;
	if (sub && (strcmp(sub, "correct") == 0 || strcmp(sub, "withdraw") == 0 || strcmp(sub, "approve") == 0 ||
		    strcmp(sub, "show") == 0)) {
		if (optind + 2 != argc || parse_id(argv[optind + 1], &id))
			return cli_usage_error("publish", "cần một mã tin / expected: %s ID", sub);
		if (strcmp(sub, "correct") == 0 && !body_path)
			return cli_usage_error("publish", "correct cần --body FILE / correct needs --body FILE");
		if (strcmp(sub, "withdraw") == 0 && !reason)
			return cli_usage_error("publish", "withdraw cần --reason TEXT / withdraw needs --reason TEXT");
	} else if (sub && strcmp(sub, "list") == 0) {
		if (optind + 1 != argc)
			return cli_usage_error("publish", "thừa tham số / unexpected argument");
	} else if (sub) {
		return cli_usage_error("publish", "lệnh con không hợp lệ / unknown subcommand: %s", sub);
	} else if (!org || !title || !body_path) {
		return cli_usage_error("publish", "cần --org, --title và --body / --org, --title and --body are required");
	}
	loa_ms emb = LOA_TIME_NONE;
	if (embargo && loa_time_parse_rfc3339(embargo, strlen(embargo), &emb) != LOA_OK)
		return cli_usage_error("publish", "thời điểm --embargo phải theo RFC 3339 / --embargo must be RFC 3339");

	loa_err err;
	loa_err_clear(&err);
	loa_store *s = NULL;
	if (loa_store_open_config(ctx->cfg, 0, &s, &err) != LOA_OK)
		return cli_fail("publish", "%s", loa_err_msg(&err));
	loa_actor a = loa_actor_cli();
	loa_buf body;
	loa_buf_init(&body, 1);
	int rc = loa_network_migrate(s, &err);
	int status = LOA_EXIT_OK;
	if (rc == LOA_OK && body_path)
		rc = read_file(body_path, LOA_OFFICIAL_BODY_MAX, &body, &err);
	if (rc) {
		status = cli_fail("publish", "%s", loa_err_msg(&err));
		goto out;
	}
	if (!sub) {
		loa_official_draft d = {org, kind, title, body.data, topic, emb};
		rc = loa_official_create(s, &a, &d, &id, &err);
		if (rc == LOA_OK)
			rc = loa_official_submit(s, &a, id, &err);
		if (rc == LOA_OK && approve)
			rc = loa_official_approve(s, &a, id, &err);
		if (rc == LOA_OK && approve)
			rc = loa_official_publish(s, ctx->cfg, &a, id, &err);
		if (rc == LOA_OK)
			printf("%" PRId64 "\n", id);
	} else if (strcmp(sub, "approve") == 0) {
		rc = loa_official_approve(s, &a, id, &err);
		if (rc == LOA_OK)
			rc = loa_official_publish(s, ctx->cfg, &a, id, &err);
		if (rc == LOA_OK)
			printf("%" PRId64 "\n", id);
	} else if (strcmp(sub, "correct") == 0) {
		rc = loa_official_correct(s, ctx->cfg, &a, id, title, body.data, note, &err);
		if (rc == LOA_OK)
			printf("%" PRId64 "\n", id);
	} else if (strcmp(sub, "withdraw") == 0) {
		rc = loa_official_withdraw(s, ctx->cfg, &a, id, reason, &err);
		if (rc == LOA_OK)
			printf("%" PRId64 "\n", id);
	} else if (strcmp(sub, "list") == 0) {
		status = list_json(s, org, state);
	} else if (strcmp(sub, "show") == 0) {
		loa_official o;
		if ((rc = loa_official_get(s, id, &o, &err)) == LOA_OK) {
			char t1[LOA_TIME_STR_MAX], t2[LOA_TIME_STR_MAX];
			printf("id: %" PRId64 "\norg: %s\nkind: %s (%s)\nstate: %s\nversion: %d\ncreated: %s by %s\n", o.id,
			       o.org, o.kind, loa_official_kind_vi(o.kind), o.state, o.version,
			       loa_time_format_rfc3339(o.created_at, t1), o.created_by);
			if (o.embargo_until != LOA_TIME_NONE)
				printf("embargo: %s\n", loa_time_format_rfc3339(o.embargo_until, t2));
			printf("title: %s\n\n%s\n", o.title, o.body);
			loa_official_release(&o);
		}
	}
	if (rc)
		status = cli_fail("publish", "%s", loa_err_msg(&err));
out:
	loa_buf_release(&body);
	loa_store_close(s);
	return status;
}
