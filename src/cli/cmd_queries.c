/*
 * cmd_queries.c - `loa queries`: saved queries (add, list, remove,
 * backfill) and `loa queries match` (streaming match over JSON lines).
 */
#include "cli/cli.h"
#include "core/buf.h"
#include "core/ltime.h"
#include "core/str.h"
#include "core/vec.h"
#include "search/match.h"
#include "search/search.h"
#include "store/item_json.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

enum { OPT_OWNER = CLI_OPT_FIRST_FREE, OPT_QUERIES };

static int print_sq(void *arg, const loa_saved_query *q)
{
	char ts[LOA_TIME_STR_MAX];
	printf("%-24s %-12s %8" PRId64 "  %s  %s\n", q->name, q->owner ? q->owner : "-", q->hits,
	       loa_time_format_display(q->created_at, ts), q->query);
	return 0;
}

/* `loa queries match`: queries from --queries FILE (NAME<TAB>QUERY lines)
 * or the database's saved queries; items from FILE or stdin. */
typedef struct qname {
	LOA_VEC(char *) names;
} qname;

static int add_saved(void *arg, const loa_saved_query *q)
{
	void **a = arg;
	loa_matcher *m = a[0];
	qname *qn = a[1];
	loa_err err;
	char *n = strdup(q->name);
	if (!n || loa_vec_push(&qn->names, n)) {
		free(n);
		return LOA_ENOMEM;
	}
	if (loa_matcher_add(m, (int64_t)qn->names.len - 1, q->query, LOA_TIME_NONE, &err))
		fprintf(stderr, "loa queries: bỏ qua / skipped %s: %s\n", q->name, err.msg);
	return 0;
}

static int do_match(loa_ctx *ctx, const char *queries_file, const char *path)
{
	loa_err err;
	loa_err_clear(&err);
	loa_matcher *m;
	qname qn = {{0}};
	int status = LOA_EXIT_OK;
	FILE *in = NULL;
	if (loa_matcher_new(&m, &err))
		return cli_fail("queries", "%s", loa_err_msg(&err));
	if (queries_file) {
		FILE *f = fopen(queries_file, "r");
		if (!f) {
			status = cli_fail("queries", "không đọc được tệp / cannot read file: %s",
					  queries_file);
			goto out;
		}
		char line[LOA_QUERY_MAX_LEN + LOA_SEARCH_NAME_MAX + 8];
		int ln = 0;
		while (fgets(line, sizeof line, f)) {
			ln++;
			size_t n = strlen(line);
			while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = '\0';
			if (!n || line[0] == '#')
				continue;
			char *tab = strchr(line, '\t');
			if (!tab) {
				fprintf(stderr, "loa queries: %s:%d: cần TÊN<TAB>TRUY VẤN / expected "
					"NAME<TAB>QUERY\n", queries_file, ln);
				status = LOA_EXIT_USAGE;
				break;
			}
			*tab = '\0';
			char *nm = strdup(line);
			if (!nm || loa_vec_push(&qn.names, nm)) {
				free(nm);
				status = cli_fail("queries", "hết bộ nhớ / out of memory");
				break;
			}
			if (loa_matcher_add(m, (int64_t)qn.names.len - 1, tab + 1, LOA_TIME_NONE, &err)) {
				fprintf(stderr, "loa queries: %s:%d: %s\n", queries_file, ln, err.msg);
				status = LOA_EXIT_USAGE;
				break;
			}
		}
		fclose(f);
		if (status)
			goto out;
	} else {
		loa_search *s;
		if (loa_search_open_config(ctx->cfg, &s, &err)) {
			status = cli_fail("queries", "%s", loa_err_msg(&err));
			goto out;
		}
		void *a[2] = {m, &qn};
		int rc = loa_search_queries_each(s, add_saved, a, &err);
		loa_search_close(s);
		if (rc) {
			status = cli_fail("queries", "%s", loa_err_msg(&err));
			goto out;
		}
	}
	if (loa_matcher_compile(m, &err)) {
		status = cli_fail("queries", "%s", loa_err_msg(&err));
		goto out;
	}
	in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!in) {
		status = cli_fail("queries", "không đọc được tệp / cannot read file: %s", path);
		goto out;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int64_t ln = 0, items = 0, matched = 0, bad = 0;
	size_t maxline = (size_t)loa_config_get_i64(ctx->cfg, "import.max_line", 16 << 20);
	while ((got = getline(&line, &cap, in)) >= 0) {
		ln++;
		size_t n = (size_t)got;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (!n)
			continue;
		if (n > maxline) {
			fprintf(stderr, "loa queries: dòng %" PRId64 " quá dài / line %" PRId64
				" too long\n", ln, ln);
			bad++;
			continue;
		}
		json_t *root = NULL;
		loa_item it;
		loa_err e;
		if (loa_item_parse_line(line, n, &root, &it, &e)) {
			fprintf(stderr, "loa queries: dòng / line %" PRId64 ": %s\n", ln, e.msg);
			json_decref(root);
			bad++;
			continue;
		}
		json_t *tone = json_object_get(root, "tone");
		loa_search_item si = {
			.id = ln, .title = it.title, .text = it.text, .source = it.source,
			.org = it.org, .kind = it.kind, .platform = it.platform, .lang = it.lang,
			.author = it.author, .url = it.url, .published_at = it.published_at,
			.tone = json_is_string(tone) ? json_string_value(tone) : NULL,
		};
		const int64_t *ids;
		size_t k;
		if (loa_matcher_match(m, &si, &ids, &k, &e)) {
			fprintf(stderr, "loa queries: dòng / line %" PRId64 ": %s\n", ln, e.msg);
			json_decref(root);
			bad++;
			continue;
		}
		items++;
		if (k) {
			matched++;
			json_t *o = json_object(), *arr = json_array();
			json_object_set_new(o, "line", json_integer(ln));
			if (it.id)
				json_object_set_new(o, "id", json_string(it.id));
			for (size_t i = 0; i < k; i++)
				json_array_append_new(arr, json_string(qn.names.items[ids[i]]));
			json_object_set_new(o, "matches", arr);
			char *sjs = json_dumps(o, JSON_COMPACT);
			if (sjs)
				puts(sjs);
			free(sjs);
			json_decref(o);
		}
		json_decref(root);
	}
	free(line);
	fprintf(stderr, "match: queries=%zu items=%" PRId64 " matched=%" PRId64 " refused=%" PRId64
		"\n", loa_matcher_count(m), items, matched, bad);
	if (bad)
		status = LOA_EXIT_FAIL;
out:
	if (in && in != stdin)
		fclose(in);
	for (size_t i = 0; i < qn.names.len; i++)
		free(qn.names.items[i]);
	loa_vec_release(&qn.names);
	loa_matcher_free(m);
	return status;
}

int cmd_queries(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"owner", required_argument, NULL, OPT_OWNER},
		{"queries", required_argument, NULL, OPT_QUERIES},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("queries");
	const char *owner = NULL, *qfile = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == OPT_OWNER)
			owner = optarg;
		else if (c == OPT_QUERIES)
			qfile = optarg;
		else {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
	}
	if (optind >= argc)
		return cli_usage_error("queries", "cần lệnh con add, list, remove, backfill hoặc match "
				       "/ expected add, list, remove, backfill or match");
	const char *sub = argv[optind];
	int nargs = argc - optind - 1;
	char **args = argv + optind + 1;
	if (strcmp(sub, "match") == 0) {
		if (nargs != 1)
			return cli_usage_error("queries", "cần FILE hoặc - / expected FILE or -");
		return do_match(ctx, qfile, args[0]);
	}
	bool add = strcmp(sub, "add") == 0, list = strcmp(sub, "list") == 0,
	     rem = strcmp(sub, "remove") == 0, back = strcmp(sub, "backfill") == 0;
	if (!add && !list && !rem && !back)
		return cli_usage_error("queries", "lệnh con không hợp lệ / unknown subcommand: %s", sub);
	if ((add && nargs < 2) || (list && nargs != 0) || ((rem || back) && nargs != 1))
		return cli_usage_error("queries", "sai số tham số / wrong number of arguments");
	loa_buf qb;
	loa_buf_init(&qb, LOA_QUERY_MAX_LEN + 1);
	for (int i = 1; add && i < nargs; i++)
		if ((i > 1 && loa_buf_putc(&qb, ' ')) || loa_buf_puts(&qb, args[i])) {
			loa_buf_release(&qb);
			return cli_usage_error("queries", "truy vấn quá dài / query too long");
		}
	loa_err err;
	loa_err_clear(&err);
	if (add) {
		/* check the query before touching the database: exit 2 on bad syntax */
		loa_query *q;
		if (loa_query_parse(qb.data, qb.len, LOA_TIME_NONE, &q, NULL, &err)) {
			loa_buf_release(&qb);
			fprintf(stderr, "loa queries: %s\n", loa_err_msg(&err));
			return LOA_EXIT_USAGE;
		}
		loa_query_free(q);
	}
	loa_search *s;
	if (loa_search_open_config(ctx->cfg, &s, &err)) {
		loa_buf_release(&qb);
		return cli_fail("queries", "%s", loa_err_msg(&err));
	}
	int status = LOA_EXIT_OK, rc = LOA_OK;
	if (add) {
		int64_t id;
		if (!(rc = loa_search_query_add(s, args[0], owner, qb.data, &id, &err)))
			printf("queries: added name=%s id=%" PRId64 "\n", args[0], id);
	} else if (list) {
		rc = loa_search_queries_each(s, print_sq, NULL, &err);
	} else if (rem) {
		if (!(rc = loa_search_query_remove(s, args[0], &err)))
			printf("queries: removed name=%s\n", args[0]);
	} else {
		int64_t n;
		uint64_t t0 = loa_mono_ns();
		if (!(rc = loa_search_query_backfill(s, args[0], &n, &err)))
			printf("backfill: name=%s items=%" PRId64 " seconds=%.2f\n", args[0], n,
			       (double)(loa_mono_ns() - t0) / 1e9);
	}
	if (rc)
		status = rc == LOA_EINVAL || rc == LOA_EPARSE
				 ? (fprintf(stderr, "loa queries: %s\n", loa_err_msg(&err)), LOA_EXIT_USAGE)
				 : cli_fail("queries", "%s", loa_err_msg(&err));
	loa_buf_release(&qb);
	loa_search_close(s);
	return status;
}
