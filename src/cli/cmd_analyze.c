/*
 * cmd_analyze.c - the analysis pipeline's commands: `loa analyze`,
 * `loa label`, `loa labels`, `loa stories`, `loa report`, `loa claims` and
 * `loa eval stories` (src/analyze: pipeline.h, story.h, measure.h,
 * claim.h).
 */
#include "analyze/claim.h"
#include "analyze/classify.h"
#include "analyze/lang.h"
#include "analyze/measure.h"
#include "analyze/pipeline.h"
#include "analyze/story.h"
#include "cli/cli.h"
#include "cli/cmd_eval.h"
#include "core/buf.h"
#include "core/ltime.h"
#include "core/paths.h"
#include "core/progress.h"
#include "core/str.h"
#include "core/utf8.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/banned.h"

#define DAY_MS ((loa_ms)86400 * 1000)

/* RFC 3339, or YYYY-MM-DD meaning midnight in Asia/Ho_Chi_Minh (the end of
 * that day when end_of_day). */
static int parse_time(const char *s, bool end_of_day, loa_ms *out)
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
		    loa_parse_i64(b + 8, &d) == LOA_OK && y >= 1 && y <= 9999 && m >= 1 && m <= 12 &&
		    d >= 1 && d <= 31) {
			int64_t days = loa_days_from_civil(y, (unsigned)m, (unsigned)d);
			*out = days * DAY_MS - (int64_t)LOA_VN_OFFSET_MIN * 60000 +
			       (end_of_day ? DAY_MS : 0);
			return LOA_OK;
		}
	}
	return LOA_EPARSE;
}

static int open_store(loa_ctx *ctx, const char *cmd, loa_store **st)
{
	loa_err err;
	loa_err_clear(&err);
	if (loa_store_open_config(ctx->cfg, 0, st, &err))
		return cli_fail(cmd, "%s", loa_err_msg(&err));
	return LOA_EXIT_OK;
}

/* A model argument: a file, or the name of a shipped model ("tone"). */
static int model_arg(const char *arg, loa_buf *out)
{
	struct stat sb;
	if (strchr(arg, '/') || stat(arg, &sb) == 0)
		return loa_buf_puts(out, arg);
	char name[256];
	snprintf(name, sizeof name, "%s%s", arg, strstr(arg, ".model") ? "" : ".model");
	if (loa_model_path(name, out, NULL) == LOA_OK)
		return LOA_OK;
	return loa_buf_puts(out, arg);
}

/* s cut to at most max bytes without splitting a UTF-8 sequence. */
static int cut(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	return (int)(n > max ? loa_utf8_truncate(s, n, max) : n);
}

static bool parse_count(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	return loa_parse_i64(s, out) == LOA_OK && *out >= lo && *out <= hi;
}

/* ---- loa analyze ------------------------------------------------------------------ */

static void on_progress(void *user, uint64_t done, uint64_t total)
{
	loa_progress *p = user;
	p->total = total;
	loa_progress_update(p, done);
}

static int print_alias(void *arg, const char *org, const char *alias)
{
	printf("%s\t%s\n", org, alias);
	return 0;
}

static int analyze_aliases(loa_ctx *ctx, int argc, char **argv, int i)
{
	loa_store *st;
	if (open_store(ctx, "analyze", &st))
		return LOA_EXIT_FAIL;
	loa_err err;
	loa_err_clear(&err);
	int status = LOA_EXIT_OK;
	if (i + 1 < argc && strcmp(argv[i + 1], "add") == 0) {
		if (i + 4 != argc) {
			loa_store_close(st);
			return cli_usage_error("analyze", "cần: aliases add ORG ALIAS / expected: "
					       "aliases add ORG ALIAS");
		}
		if (loa_alias_add(st, argv[i + 2], argv[i + 3], &err))
			status = cli_fail("analyze", "%s", loa_err_msg(&err));
		else
			printf("alias: org=%s alias=%s (chạy / run `loa analyze --all` để áp dụng cho "
			       "tin cũ / to apply to earlier items)\n", argv[i + 2], argv[i + 3]);
	} else if (i + 1 == argc || (i + 2 == argc && strcmp(argv[i + 1], "list") == 0)) {
		if (loa_alias_each(st, print_alias, NULL, &err))
			status = cli_fail("analyze", "%s", loa_err_msg(&err));
	} else {
		status = cli_usage_error("analyze", "cần: aliases [list | add ORG ALIAS] / expected: "
					 "aliases [list | add ORG ALIAS]");
	}
	loa_store_close(st);
	return status;
}

int cmd_analyze(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_PENDING = CLI_OPT_FIRST_FREE, O_ALL, O_LIMIT, O_BATCH, O_TONE, O_TOX };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"pending", no_argument, NULL, O_PENDING},
		{"all", no_argument, NULL, O_ALL},
		{"limit", required_argument, NULL, O_LIMIT},
		{"batch", required_argument, NULL, O_BATCH},
		{"tone-model", required_argument, NULL, O_TONE},
		{"toxicity-model", required_argument, NULL, O_TOX},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("analyze");
	loa_analyze_opts o = {0};
	bool count_only = false;
	const char *tone = NULL, *tox = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case O_PENDING: count_only = true; break;
		case O_ALL: o.all = true; break;
		case O_LIMIT:
			if (!parse_count(optarg, 1, INT64_MAX / 2, &o.limit))
				return cli_usage_error("analyze", "--limit không hợp lệ / bad --limit: %s",
						       optarg);
			break;
		case O_BATCH:
			if (!parse_count(optarg, 1, 100000, &o.batch))
				return cli_usage_error("analyze", "--batch không hợp lệ / bad --batch "
						       "(1..100000): %s", optarg);
			break;
		case O_TONE: tone = optarg; break;
		case O_TOX: tox = optarg; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (optind < argc && strcmp(argv[optind], "aliases") == 0)
		return analyze_aliases(ctx, argc, argv, optind);
	if (optind < argc)
		return cli_usage_error("analyze", "thừa đối số / unexpected argument: %s", argv[optind]);
	if (count_only && o.all)
		return cli_usage_error("analyze", "--pending và --all loại trừ nhau / --pending and "
				       "--all exclude each other");
	loa_store *st;
	if (open_store(ctx, "analyze", &st))
		return LOA_EXIT_FAIL;
	loa_err err;
	loa_err_clear(&err);
	int status = LOA_EXIT_OK;
	if (count_only) {
		int64_t n;
		if (loa_analyze_pending(st, &n, &err))
			status = cli_fail("analyze", "%s", loa_err_msg(&err));
		else
			printf("analyze: pending=%" PRId64 "\n", n);
		loa_store_close(st);
		return status;
	}
	loa_buf tp, xp;
	loa_buf_init(&tp, LOA_PATH_MAX);
	loa_buf_init(&xp, LOA_PATH_MAX);
	if (tone && model_arg(tone, &tp) == LOA_OK)
		o.tone_model = tp.data;
	if (tox && model_arg(tox, &xp) == LOA_OK)
		o.toxicity_model = xp.data;
	loa_progress prog;
	loa_progress_init(&prog, "analyze", 0);
	o.progress = on_progress;
	o.progress_user = &prog;
	loa_analyze_stats s = {0};
	int rc = loa_analyze_run(st, &o, &s, &err);
	loa_progress_end(&prog);
	if (rc) {
		status = cli_fail("analyze", "%s", loa_err_msg(&err));
	} else {
		printf("analyze: items=%" PRIu64 " vi=%" PRIu64 " other=%" PRIu64 " empty=%" PRIu64
		       " truncated=%" PRIu64 " classified=%" PRIu64 " human=%" PRIu64
		       " unclassified=%" PRIu64 " stories_new=%" PRIu64 " stories_joined=%" PRIu64
		       " stories_merged=%" PRIu64 " claim_hits=%" PRIu64 " mentions=%" PRIu64
		       " remaining=%" PRIu64 " seconds=%.2f\n",
		       s.items, s.vi, s.other, s.empty, s.truncated, s.classified, s.human,
		       s.unclassified, s.stories_new, s.stories_joined, s.stories_merged,
		       s.claim_hits, s.mentions, s.remaining, s.seconds);
		if (s.unclassified)
			fprintf(stderr, "loa analyze: %" PRIu64 " tin tiếng Việt chưa phân loại vì thiếu "
				"mô hình / Vietnamese items left unclassified: no model (tone.model, "
				"toxicity.model; $LOA_MODELS)\n", s.unclassified);
	}
	loa_buf_release(&tp);
	loa_buf_release(&xp);
	loa_store_close(st);
	return status;
}

/* ---- loa label, loa labels ------------------------------------------------------------ */

int cmd_label(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_TASK = CLI_OPT_FIRST_FREE, O_LABEL, O_BY, O_WHY };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"task", required_argument, NULL, O_TASK},
		{"label", required_argument, NULL, O_LABEL},
		{"by", required_argument, NULL, O_BY},
		{"why", required_argument, NULL, O_WHY},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("label");
	const char *task = "tone", *label = NULL, *by = NULL, *why = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case O_TASK: task = optarg; break;
		case O_LABEL: label = optarg; break;
		case O_BY: by = optarg; break;
		case O_WHY: why = optarg; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	int64_t item;
	if (optind + 1 != argc || loa_parse_i64(argv[optind], &item) || item <= 0)
		return cli_usage_error("label", "cần đúng một mã tin (số) / expected one ITEM_ID "
				       "(a number)");
	if (!label || !by)
		return cli_usage_error("label", "cần --label và --by / --label and --by are required");
	loa_store *st;
	if (open_store(ctx, "label", &st))
		return LOA_EXIT_FAIL;
	loa_err err;
	loa_err_clear(&err);
	int status = LOA_EXIT_OK;
	int rc = loa_label_set(st, item, task, label, by, why, &err);
	if (rc == LOA_EINVAL)
		status = cli_usage_error("label", "%s", loa_err_msg(&err));
	else if (rc)
		status = cli_fail("label", "%s", loa_err_msg(&err));
	else
		printf("label: item=%" PRId64 " task=%s label=%s by=%s\n", item, task, label, by);
	loa_store_close(st);
	return status;
}

static void tsv_clean(loa_buf *b, const char *s)
{
	for (; s && *s; s++)
		loa_buf_putc(b, (*s == '\t' || *s == '\n' || *s == '\r') ? ' ' : *s);
}

typedef struct export_ctx {
	bool list;
	loa_buf line;
	uint64_t n;
} export_ctx;

static int on_label(void *arg, int64_t item, const char *label, const char *text, const char *by,
		    loa_ms at)
{
	export_ctx *x = arg;
	loa_buf_reset(&x->line);
	if (x->list) {
		char ts[LOA_TIME_STR_MAX];
		loa_buf_printf(&x->line, "%" PRId64 "\t%s\t%s\t%s\t", item, label, by,
			       loa_time_format_display(at, ts));
		size_t n = strlen(text);
		loa_buf_append(&x->line, text, n > 80 ? loa_utf8_truncate(text, n, 80) : n);
	} else {
		tsv_clean(&x->line, label);
		loa_buf_putc(&x->line, '\t');
		tsv_clean(&x->line, text);
	}
	loa_buf_putc(&x->line, '\n');
	fwrite(x->line.data, 1, x->line.len, stdout);
	x->n++;
	return 0;
}

int cmd_labels(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_TASK = CLI_OPT_FIRST_FREE };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"task", required_argument, NULL, O_TASK},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("labels");
	const char *task = "tone";
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == O_TASK) {
			task = optarg;
			continue;
		}
		int rc = cli_common_opt(ctx, self, c, optarg, argv);
		if (rc)
			return rc;
	}
	if (optind + 1 != argc ||
	    (strcmp(argv[optind], "export") != 0 && strcmp(argv[optind], "list") != 0))
		return cli_usage_error("labels", "cần 'export' hoặc 'list' / expected 'export' or "
				       "'list'");
	if (strcmp(task, "tone") != 0 && strcmp(task, "toxicity") != 0)
		return cli_usage_error("labels", "--task là tone hoặc toxicity / --task is tone or "
				       "toxicity");
	loa_store *st;
	if (open_store(ctx, "labels", &st))
		return LOA_EXIT_FAIL;
	loa_err err;
	loa_err_clear(&err);
	export_ctx x = {strcmp(argv[optind], "list") == 0, {0}, 0};
	loa_buf_init(&x.line, (size_t)256 << 10);
	int status = LOA_EXIT_OK;
	if (loa_labels_each(st, task, on_label, &x, &err))
		status = cli_fail("labels", "%s", loa_err_msg(&err));
	fflush(stdout);
	if (status == LOA_EXIT_OK)
		fprintf(stderr, "labels: task=%s n=%" PRIu64 "\n", task, x.n);
	loa_buf_release(&x.line);
	loa_store_close(st);
	return status;
}

/* ---- loa stories ------------------------------------------------------------------------- */

typedef struct out_ctx {
	bool json;
	uint64_t n;
} out_ctx;

static int print_story(void *arg, const loa_story_info *s)
{
	out_ctx *o = arg;
	char a[LOA_TIME_STR_MAX], z[LOA_TIME_STR_MAX];
	o->n++;
	if (o->json) {
		json_t *j = json_pack("{sI sI sI ss sI ss ss ss sI sI sI}", "id", (json_int_t)s->id,
				      "items", (json_int_t)s->items, "outlets", (json_int_t)s->outlets,
				      "first_source", s->first_source, "first_item",
				      (json_int_t)s->first_item, "first_at",
				      loa_time_format_rfc3339(s->first_at, a), "last_at",
				      loa_time_format_rfc3339(s->last_at, z), "tone", s->tone,
				      "positive", (json_int_t)s->positive, "neutral",
				      (json_int_t)s->neutral, "negative", (json_int_t)s->negative);
		if (j) {
			json_object_set_new(j, "title", json_string(s->title));
			char *t = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
			if (t)
				puts(t);
			free(t);
			json_decref(j);
		}
		return 0;
	}
	printf("#%-8" PRId64 " %4" PRId64 " tin/items %3" PRId64 " nguồn/outlets  %s → ", s->id,
	       s->items, s->outlets, loa_time_format_display(s->first_at, a));
	printf("%s  %-8s  %s: %.*s\n", loa_time_format_display(s->last_at, z),
	       s->tone[0] ? s->tone : "-", s->first_source, cut(s->title, 90), s->title);
	return 0;
}

static int print_series(void *arg, loa_ms start, int64_t a, int64_t b)
{
	char ts[LOA_TIME_STR_MAX];
	printf("  %s  %5" PRId64 "  ", loa_time_format_display(start, ts), a);
	for (int64_t i = 0; i < a && i < 60; i++)
		putchar('#');
	putchar('\n');
	return 0;
}

static int print_story_item(void *arg, int64_t item, loa_ms at, const char *source,
			    const char *title, const char *label)
{
	char ts[LOA_TIME_STR_MAX];
	printf("  %-8" PRId64 " %s  %-22s %-8s %.*s\n", item, loa_time_format_display(at, ts),
	       source ? source : "", label ? label : "-", cut(title, 80), title);
	return 0;
}

int cmd_stories(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_SINCE = CLI_OPT_FIRST_FREE, O_UNTIL, O_LIMIT, O_MIN, O_FORMAT, O_HOURLY };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"since", required_argument, NULL, O_SINCE},
		{"until", required_argument, NULL, O_UNTIL},
		{"limit", required_argument, NULL, O_LIMIT},
		{"min-items", required_argument, NULL, O_MIN},
		{"format", required_argument, NULL, O_FORMAT},
		{"hourly", no_argument, NULL, O_HOURLY},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("stories");
	loa_ms since = LOA_TIME_NONE, until = LOA_TIME_NONE;
	int64_t limit = 20, min_items = 2;
	bool json = false, hourly = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case O_SINCE:
			if (parse_time(optarg, false, &since))
				return cli_usage_error("stories", "thời điểm không hợp lệ / bad time: %s",
						       optarg);
			break;
		case O_UNTIL:
			if (parse_time(optarg, true, &until))
				return cli_usage_error("stories", "thời điểm không hợp lệ / bad time: %s",
						       optarg);
			break;
		case O_LIMIT:
			if (!parse_count(optarg, 1, 100000, &limit))
				return cli_usage_error("stories", "--limit không hợp lệ / bad --limit");
			break;
		case O_MIN:
			if (!parse_count(optarg, 1, 1000000, &min_items))
				return cli_usage_error("stories", "--min-items không hợp lệ / bad "
						       "--min-items");
			break;
		case O_FORMAT:
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return cli_usage_error("stories", "--format là text hoặc json / --format "
						       "is text or json");
			json = strcmp(optarg, "json") == 0;
			break;
		case O_HOURLY: hourly = true; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	int64_t id = 0;
	bool show = optind < argc && strcmp(argv[optind], "show") == 0;
	if (show) {
		if (optind + 2 != argc || loa_parse_i64(argv[optind + 1], &id) || id <= 0)
			return cli_usage_error("stories", "cần: show ID / expected: show ID");
	} else if (optind < argc) {
		return cli_usage_error("stories", "thừa đối số / unexpected argument: %s", argv[optind]);
	}
	loa_store *st;
	if (open_store(ctx, "stories", &st))
		return LOA_EXIT_FAIL;
	loa_err err;
	loa_err_clear(&err);
	int status = LOA_EXIT_OK;
	out_ctx o = {json, 0};
	if (!show) {
		if (loa_stories_each(st, since, until, min_items, limit, print_story, &o, &err))
			status = cli_fail("stories", "%s", loa_err_msg(&err));
		else if (!json)
			printf("stories: n=%" PRIu64 "\n", o.n);
	} else {
		loa_story_info s;
		int rc = loa_story_get(st, id, &s, &err);
		if (rc) {
			status = cli_fail("stories", "%s", loa_err_msg(&err));
		} else {
			char a[LOA_TIME_STR_MAX], z[LOA_TIME_STR_MAX];
			printf("Sự việc / story #%" PRId64 ": %s\n", s.id, s.title);
			printf("Tin đầu / first item: %" PRId64 " (%s) lúc / at %s\n", s.first_item,
			       s.first_source, loa_time_format_display(s.first_at, a));
			printf("Tin / items: %" PRId64 ", nguồn / outlets: %" PRId64 ", từ / from %s "
			       "đến / to %s\n", s.items, s.outlets, a, loa_time_format_display(s.last_at, z));
			printf("Giọng điệu / tone: positive=%" PRId64 " neutral=%" PRId64 " negative=%" PRId64
			       " dominant=%s\n", s.positive, s.neutral, s.negative,
			       s.tone[0] ? s.tone : "-");
			printf("Lan truyền theo %s / spread per %s:\n", hourly ? "giờ" : "ngày",
			       hourly ? "hour" : "day");
			if (loa_story_series(st, id, hourly ? "hour" : "day", print_series, NULL, &err) ||
			    (printf("Các tin / items:\n"),
			     loa_story_items(st, id, 200, print_story_item, NULL, &err)))
				status = cli_fail("stories", "%s", loa_err_msg(&err));
		}
	}
	loa_store_close(st);
	return status;
}

/* ---- loa report ------------------------------------------------------------------------- */

/* The "Measured" paragraph of the model's notes (MODEL.md next to
 * MODEL.model: "- **Measured**: …" up to the next bullet), or NULL. */
static char *model_measured(const char *model_path)
{
	size_t n = strlen(model_path);
	if (n < 6 || strcmp(model_path + n - 6, ".model") != 0 || n > LOA_PATH_MAX)
		return NULL;
	char md[LOA_PATH_MAX + 8];
	snprintf(md, sizeof md, "%.*s.md", (int)(n - 6), model_path);
	FILE *f = fopen(md, "rb");
	if (!f)
		return NULL;
	loa_buf out;
	loa_buf_init(&out, 4096);
	char line[1024];
	bool in = false;
	int lines = 0;
	while (fgets(line, sizeof line, f) && lines < 200) {
		lines++;
		if (strncmp(line, "- **Measured**", 14) == 0) {
			in = true;
			if (loa_buf_puts(&out, line + 2))
				break;
			continue;
		}
		if (in && (strncmp(line, "- ", 2) == 0 || line[0] == '\n' || line[0] == '#'))
			break;
		if (in && loa_buf_puts(&out, line[0] == ' ' ? line + strspn(line, " ") : line))
			break;
	}
	fclose(f);
	/* one paragraph: newlines become spaces */
	for (size_t i = 0; i < out.len; i++)
		if (out.data[i] == '\n')
			out.data[i] = ' ';
	return loa_buf_detach(&out, NULL);
}

int cmd_report(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_FROM = CLI_OPT_FIRST_FREE, O_TO, O_ORG, O_FORMAT, O_TOP, O_OUT, O_TONE, O_BY,
	       O_SCOPE, O_INTERVAL };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"from", required_argument, NULL, O_FROM},
		{"to", required_argument, NULL, O_TO},
		{"org", required_argument, NULL, O_ORG},
		{"format", required_argument, NULL, O_FORMAT},
		{"top", required_argument, NULL, O_TOP},
		{"out", required_argument, NULL, O_OUT},
		{"tone-model", required_argument, NULL, O_TONE},
		{"by", required_argument, NULL, O_BY},
		{"scope", required_argument, NULL, O_SCOPE},
		{"interval", required_argument, NULL, O_INTERVAL},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("report");
	const char *by = NULL, *scope = NULL, *interval = NULL;
	loa_report_opts ro = {LOA_TIME_NONE, LOA_TIME_NONE, NULL, NULL, NULL, NULL, 20};
	const char *format = "json", *out = NULL, *tone = "tone";
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case O_FROM:
			if (parse_time(optarg, false, &ro.from))
				return cli_usage_error("report", "thời điểm không hợp lệ / bad time: %s",
						       optarg);
			break;
		case O_TO:
			if (parse_time(optarg, true, &ro.to))
				return cli_usage_error("report", "thời điểm không hợp lệ / bad time: %s",
						       optarg);
			break;
		case O_ORG: ro.org = optarg; break;
		case O_FORMAT:
			if (strcmp(optarg, "json") && strcmp(optarg, "csv") && strcmp(optarg, "html"))
				return cli_usage_error("report", "--format là csv, json hoặc html / "
						       "--format is csv, json or html");
			format = optarg;
			break;
		case O_TOP:
			if (!parse_count(optarg, 1, 1000, &ro.top))
				return cli_usage_error("report", "--top không hợp lệ / bad --top (1..1000)");
			break;
		case O_OUT: out = optarg; break;
		case O_TONE: tone = optarg; break;
		case O_BY: by = optarg; break;
		case O_SCOPE: scope = optarg; break;
		case O_INTERVAL: interval = optarg; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (by || scope || interval) {
		/* the dashboard's measures (GET /api/v1/measures), as JSON */
		if (optind < argc)
			return cli_usage_error("report", "thừa đối số / unexpected argument: %s",
					       argv[optind]);
		loa_measures_opts mo = {ro.from, ro.to, by, scope, interval, ro.org, ro.top};
		loa_store *st;
		if (open_store(ctx, "report", &st))
			return LOA_EXIT_FAIL;
		loa_err err;
		loa_err_clear(&err);
		void *j = NULL;
		int status = LOA_EXIT_OK;
		int rc = loa_measures_build(st, &mo, &j, &err);
		if (rc == LOA_EINVAL)
			status = cli_usage_error("report", "%s", loa_err_msg(&err));
		else if (rc)
			status = cli_fail("report", "%s", loa_err_msg(&err));
		else if (json_dumpf(j, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER |
						 JSON_REAL_PRECISION(6)) == 0)
			putchar('\n');
		json_decref(j);
		loa_store_close(st);
		return status;
	}
	if (optind < argc)
		return cli_usage_error("report", "thừa đối số / unexpected argument: %s", argv[optind]);
	if (ro.from != LOA_TIME_NONE && ro.to != LOA_TIME_NONE && ro.to <= ro.from)
		return cli_usage_error("report", "--to phải sau --from / --to must be after --from");
	/* the tone model's note states its measured accuracy */
	loa_buf mp;
	loa_buf_init(&mp, LOA_PATH_MAX);
	loa_cls_model *m = NULL;
	char *accuracy = NULL;
	if (model_arg(tone, &mp) == LOA_OK && loa_cls_model_load(&m, mp.data, NULL) == LOA_OK) {
		ro.tone_note = loa_cls_model_note(m);
		const char *slash = strrchr(mp.data, '/');
		ro.tone_model = slash ? slash + 1 : mp.data;
		accuracy = model_measured(mp.data);
		ro.tone_accuracy = accuracy;
	}
	loa_store *st;
	if (open_store(ctx, "report", &st)) {
		loa_cls_model_free(m);
		loa_buf_release(&mp);
		free(accuracy);
		return LOA_EXIT_FAIL;
	}
	loa_err err;
	loa_err_clear(&err);
	int status = LOA_EXIT_OK;
	void *rep = NULL;
	loa_buf b;
	loa_buf_init(&b, (size_t)256 << 20);
	int rc = loa_report_build(st, &ro, &rep, &err);
	if (rc == LOA_OK)
		rc = loa_report_render(rep, format, &b, &err);
	if (rc) {
		status = rc == LOA_ENOTFOUND ? cli_usage_error("report", "%s", loa_err_msg(&err))
					     : cli_fail("report", "%s", loa_err_msg(&err));
	} else if (out) {
		FILE *f = fopen(out, "wb");
		if (!f || fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0) {
			status = cli_fail("report", "không ghi được tệp / cannot write file: %s: %s", out,
					  strerror(errno));
			if (f)
				fclose(f);
		} else {
			fprintf(stderr, "report: format=%s bytes=%zu out=%s\n", format, b.len, out);
		}
	} else if (b.len) {
		fwrite(b.data, 1, b.len, stdout);
	}
	json_decref(rep);
	loa_buf_release(&b);
	loa_store_close(st);
	loa_cls_model_free(m);
	loa_buf_release(&mp);
	free(accuracy);
	return status;
}

/* ---- loa claims ------------------------------------------------------------------------- */

static int print_claim(void *arg, const loa_claim_info *c)
{
	char a[LOA_TIME_STR_MAX];
	printf("#%-5" PRId64 " tin/items=%-5" PRId64 " nguồn/outlets=%-4" PRId64
	       " cải chính/rebuttals=%-4" PRId64 " đầu tiên/first=%s  %s\n",
	       c->id, c->items, c->outlets, c->rebuttals,
	       c->first_seen == LOA_TIME_NONE ? "-" : loa_time_format_display(c->first_seen, a),
	       c->title[0] ? c->title : c->text);
	return 0;
}

static int print_claim_series(void *arg, loa_ms start, int64_t a, int64_t b)
{
	char day[LOA_TIME_STR_MAX];
	loa_time_format_vn_date(start, day);
	printf("  %s  %5" PRId64 " %5" PRId64 "  ", day, a, b);
	for (int64_t i = 0; i < a && i < 30; i++)
		putchar('#');
	printf(" | ");
	for (int64_t i = 0; i < b && i < 30; i++)
		putchar('+');
	putchar('\n');
	return 0;
}

static int print_claim_item(void *arg, int64_t item, loa_ms at, const char *source,
			    const char *role, double score, const char *title)
{
	char ts[LOA_TIME_STR_MAX];
	printf("  %-8" PRId64 " %s  %-9s %.2f  %-22s %.*s\n", item, loa_time_format_display(at, ts),
	       role ? role : "", score, source ? source : "", cut(title, 70), title);
	return 0;
}

int cmd_claims(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_TEXT = CLI_OPT_FIRST_FREE, O_TITLE, O_URL, O_BY, O_SINCE };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"text", required_argument, NULL, O_TEXT},
		{"title", required_argument, NULL, O_TITLE},
		{"rebuttal-url", required_argument, NULL, O_URL},
		{"by", required_argument, NULL, O_BY},
		{"since", required_argument, NULL, O_SINCE},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("claims");
	const char *text = NULL, *title = NULL, *url = NULL, *by = "cli";
	loa_ms since = LOA_TIME_NONE;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case O_TEXT: text = optarg; break;
		case O_TITLE: title = optarg; break;
		case O_URL: url = optarg; break;
		case O_BY: by = optarg; break;
		case O_SINCE:
			if (parse_time(optarg, false, &since))
				return cli_usage_error("claims", "thời điểm không hợp lệ / bad time: %s",
						       optarg);
			break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (optind >= argc)
		return cli_usage_error("claims", "cần add, list hoặc show / expected add, list or show");
	const char *verb = argv[optind];
	int64_t id = 0;
	if (strcmp(verb, "add") == 0) {
		if (!text || optind + 1 != argc)
			return cli_usage_error("claims", "add cần --text / add needs --text");
	} else if (strcmp(verb, "list") == 0) {
		if (optind + 1 != argc)
			return cli_usage_error("claims", "thừa đối số / unexpected argument");
	} else if (strcmp(verb, "show") == 0) {
		if (optind + 2 != argc || loa_parse_i64(argv[optind + 1], &id) || id <= 0)
			return cli_usage_error("claims", "cần: show ID / expected: show ID");
	} else {
		return cli_usage_error("claims", "không có lệnh con / unknown sub-command: %s", verb);
	}
	loa_store *st;
	if (open_store(ctx, "claims", &st))
		return LOA_EXIT_FAIL;
	loa_err err;
	loa_err_clear(&err);
	int status = LOA_EXIT_OK;
	if (strcmp(verb, "add") == 0) {
		int64_t found = 0;
		int rc = loa_claim_add(st, title, text, url, by, &id, &err);
		if (rc == LOA_OK)
			rc = loa_claim_backfill(st, id, since, &found, &err);
		if (rc == LOA_EINVAL)
			status = cli_usage_error("claims", "%s", loa_err_msg(&err));
		else if (rc)
			status = cli_fail("claims", "%s", loa_err_msg(&err));
		else
			printf("claims: added id=%" PRId64 " matched_items=%" PRId64 "\n", id, found);
	} else if (strcmp(verb, "list") == 0) {
		if (loa_claims_each(st, print_claim, NULL, &err))
			status = cli_fail("claims", "%s", loa_err_msg(&err));
	} else {
		loa_claim_info *ci = malloc(sizeof *ci);
		if (!ci) {
			loa_store_close(st);
			return cli_fail("claims", "hết bộ nhớ / out of memory");
		}
		if (loa_claim_get(st, id, ci, &err)) {
			status = cli_fail("claims", "%s", loa_err_msg(&err));
		} else {
			char a[LOA_TIME_STR_MAX], z[LOA_TIME_STR_MAX];
			printf("Tin sai / claim #%" PRId64 ": %s\n", ci->id, ci->title[0] ? ci->title : "");
			printf("Nội dung / text: %s\n", ci->text);
			printf("Cải chính / rebuttal URL: %s\n", ci->rebuttal_url[0] ? ci->rebuttal_url : "-");
			printf("Tin mang tin sai / items carrying it: %" PRId64 " từ / from %" PRId64
			       " nguồn / outlets; xuất hiện đầu / first seen: %s\n", ci->items, ci->outlets,
			       ci->first_seen == LOA_TIME_NONE ? "-"
							       : loa_time_format_display(ci->first_seen, a));
			printf("Tin cải chính / rebuttal items: %" PRId64 "; đầu tiên / first: %s\n",
			       ci->rebuttals,
			       ci->first_rebuttal == LOA_TIME_NONE
				       ? "-"
				       : loa_time_format_display(ci->first_rebuttal, z));
			printf("Lan truyền mỗi ngày / spread per day:\n  ngày/day    tin sai/claim  cải "
			       "chính/rebuttal\n");
			if (loa_claim_series(st, id, print_claim_series, NULL, &err) ||
			    (printf("Các tin / items:\n"),
			     loa_claim_items(st, id, 200, print_claim_item, NULL, &err)))
				status = cli_fail("claims", "%s", loa_err_msg(&err));
		}
		free(ci);
	}
	loa_store_close(st);
	return status;
}

/* ---- loa eval stories ---------------------------------------------------------------------- */

#define PAIRS_LINE_MAX ((size_t)16 << 20)

/* --stream FILE: one text a line (or a JSON object with "text"), read
 * into memory first (at most STREAM_BYTES_MAX), then all grouped
 * incrementally into one index, one minute apart, text -> signature ->
 * LSH (loa_story_sign_text, the same signatures as the pipeline's
 * document path): the grouping's speed (bench/stories.sh), in CPU time of
 * this thread and in wall time. */
#define STREAM_BYTES_MAX ((size_t)2 << 30)

static int stream_bench(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return cli_fail("eval stories", "không đọc được tệp / cannot read file: %s: %s", path,
				strerror(errno));
	char **texts = NULL;
	size_t *lens = NULL, nt = 0, capt = 0, total = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int status = LOA_EXIT_OK;
	while ((len = getline(&line, &cap, f)) != -1) {
		if ((size_t)len > PAIRS_LINE_MAX)
			continue;
		const char *t = line;
		size_t tn = (size_t)len;
		json_t *j = NULL;
		if (len > 0 && line[0] == '{') {
			j = json_loadb(line, (size_t)len, 0, NULL);
			json_t *x = json_object_get(j, "text");
			t = json_string_value(x);
			tn = json_string_length(x);
		}
		if (t && total + tn > STREAM_BYTES_MAX) {
			json_decref(j);
			status = cli_fail("eval stories", "tệp quá lớn (tối đa %zu MB) / file too large (at most %zu MB)",
					  STREAM_BYTES_MAX >> 20, STREAM_BYTES_MAX >> 20);
			break;
		}
		if (t && nt == capt) {
			size_t nc = capt ? 2 * capt : 4096;
			char **nt2 = realloc(texts, nc * sizeof *texts);
			size_t *nl = nt2 ? realloc(lens, nc * sizeof *lens) : NULL;
			if (nt2)
				texts = nt2;
			if (nl)
				lens = nl;
			if (!nt2 || !nl) {
				json_decref(j);
				status = cli_fail("eval stories", "hết bộ nhớ / out of memory");
				break;
			}
			capt = nc;
		}
		if (t) {
			if (!(texts[nt] = malloc(tn + 1))) {
				json_decref(j);
				status = cli_fail("eval stories", "hết bộ nhớ / out of memory");
				break;
			}
			memcpy(texts[nt], t, tn);
			texts[nt][tn] = '\0';
			lens[nt++] = tn;
			total += tn;
		}
		json_decref(j);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	loa_story_index *ix = status == LOA_EXIT_OK ? loa_story_index_new(0) : NULL;
	loa_shingles sh = {0};
	uint64_t stories = 0;
	uint64_t w0 = loa_mono_ns(), c0 = loa_thread_cpu_ns();
	for (size_t i = 0; ix && i < nt; i++) {
		loa_story_sig sig;
		int64_t story = 0;
		int rc = loa_story_sign_text(texts[i], lens[i], &sh, &sig);
		if (!rc)
			rc = loa_story_index_assign(ix, (int64_t)i + 1, (loa_ms)i * 60000, &sig, &story, NULL);
		if (rc) {
			status = cli_fail("eval stories", "hết bộ nhớ / out of memory");
			break;
		}
		if (story == (int64_t)i + 1 && sig.shingles >= LOA_STORY_MIN_SHINGLES)
			stories++;
	}
	double cpu = (double)(loa_thread_cpu_ns() - c0) / 1e9, wall = (double)(loa_mono_ns() - w0) / 1e9;
	if (!ix && status == LOA_EXIT_OK)
		status = cli_fail("eval stories", "hết bộ nhớ / out of memory");
	if (status == LOA_EXIT_OK)
		printf("stories: texts=%zu stories=%" PRIu64 " seconds=%.3f texts_per_second=%.0f "
		       "mb_per_second=%.1f wall_seconds=%.3f wall_texts_per_second=%.0f\n",
		       nt, stories, cpu, cpu > 0 ? (double)nt / cpu : 0, cpu > 0 ? (double)total / 1e6 / cpu : 0,
		       wall, wall > 0 ? (double)nt / wall : 0);
	loa_shingles_release(&sh);
	loa_story_index_free(ix);
	for (size_t i = 0; i < nt; i++)
		free(texts[i]);
	free(texts);
	free(lens);
	return status;
}

int cmd_eval_stories(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_PAIRS = CLI_OPT_FIRST_FREE, O_VERBOSE, O_STREAM };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"pairs", required_argument, NULL, O_PAIRS},
		{"stream", required_argument, NULL, O_STREAM},
		{"verbose", no_argument, NULL, O_VERBOSE},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("eval");
	const char *pairs = NULL, *stream = NULL;
	bool verbose = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == O_PAIRS) {
			pairs = optarg;
			continue;
		}
		if (c == O_VERBOSE) {
			verbose = true;
			continue;
		}
		if (c == O_STREAM) {
			stream = optarg;
			continue;
		}
		int rc = cli_common_opt(ctx, self, c, optarg, argv);
		if (rc)
			return rc;
	}
	if (stream && !pairs && optind == argc)
		return stream_bench(stream);
	if (!pairs || optind < argc) {
		fprintf(stderr, "loa eval stories: cần --pairs FILE / --pairs FILE is required\n"
				"Cách dùng / usage: %s\n", cmd_eval_usage("stories"));
		return LOA_EXIT_USAGE;
	}
	FILE *f = strcmp(pairs, "-") == 0 ? stdin : fopen(pairs, "rb");
	if (!f)
		return cli_fail("eval stories", "không đọc được tệp / cannot read file: %s: %s", pairs,
				strerror(errno));
	loa_story_index *ix = loa_story_index_new(0);
	loa_an_doc d;
	loa_an_doc_init(&d);
	loa_shingles sh = {0};
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	uint64_t lineno = 0, n = 0, bad = 0, tp = 0, fp = 0, fn = 0, tn = 0, texts = 0;
	uint64_t by_label[3][2] = {{0}}; /* same related different x predicted same */
	uint64_t ns = 0;
	int status = LOA_EXIT_OK;
	if (!ix) {
		status = cli_fail("eval stories", "hết bộ nhớ / out of memory");
		goto out;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if ((size_t)len > PAIRS_LINE_MAX) {
			fprintf(stderr, "loa eval stories: %s:%" PRIu64 ": dòng quá dài / line too long\n",
				pairs, lineno);
			bad++;
			continue;
		}
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		json_error_t je;
		json_t *j = json_loadb(line, (size_t)len, 0, &je);
		const char *a = NULL, *b = NULL, *lab = NULL;
		size_t an = 0, bn = 0;
		if (j && json_is_object(j)) {
			json_t *ja = json_object_get(j, "a"), *jb = json_object_get(j, "b");
			a = json_string_value(ja);
			b = json_string_value(jb);
			an = json_string_length(ja);
			bn = json_string_length(jb);
			lab = json_string_value(json_object_get(j, "label"));
		}
		int li = !lab ? -1 : strcmp(lab, "same") == 0 ? 0 : strcmp(lab, "related") == 0 ? 1
			   : strcmp(lab, "different") == 0 ? 2 : -1;
		if (!a || !b || li < 0) {
			fprintf(stderr, "loa eval stories: %s:%" PRIu64 ": cần {\"a\", \"b\", \"label\": "
				"same|related|different} / expected {\"a\", \"b\", \"label\": "
				"same|related|different}%s%s\n", pairs, lineno, j ? "" : ": ",
				j ? "" : je.text);
			json_decref(j);
			bad++;
			continue;
		}
		/* both texts through the story grouping, one pair at a time */
		uint64_t t0 = loa_mono_ns();
		loa_story_index_clear(ix);
		loa_story_sig sa, sb;
		int64_t story_a = 0, story_b = 0;
		double score = 0;
		int rc = loa_an_doc_set(&d, a, an);
		if (!rc)
			rc = loa_shingles_make(&d, LOA_STORY_SHINGLE, &sh);
		if (!rc) {
			loa_story_signature(&sh, &sa);
			rc = loa_story_index_assign(ix, 1, 0, &sa, &story_a, NULL);
		}
		if (!rc)
			rc = loa_an_doc_set(&d, b, bn);
		if (!rc)
			rc = loa_shingles_make(&d, LOA_STORY_SHINGLE, &sh);
		if (!rc) {
			loa_story_signature(&sh, &sb);
			rc = loa_story_index_assign(ix, 2, 0, &sb, &story_b, &score);
		}
		ns += loa_mono_ns() - t0;
		texts += 2;
		json_decref(j);
		if (rc) {
			status = cli_fail("eval stories", "hết bộ nhớ / out of memory");
			goto out;
		}
		bool pred = story_a == story_b;
		bool gold = li == 0;
		n++;
		by_label[li][pred]++;
		if (pred && gold)
			tp++;
		else if (pred)
			fp++;
		else if (gold)
			fn++;
		else
			tn++;
		if (verbose)
			printf("%" PRIu64 "\t%s\t%s\tscore=%.3f\tj=%.3f\n", lineno,
			       li == 0 ? "same" : li == 1 ? "related" : "different",
			       pred ? "same" : "apart", score, loa_story_jaccard(&sa, &sb));
	}
	{
		double p = tp + fp ? (double)tp / (double)(tp + fp) : 0;
		double r = tp + fn ? (double)tp / (double)(tp + fn) : 0;
		double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
		static const char *const names[3] = {"same", "related", "different"};
		for (int i = 0; i < 3; i++)
			printf("%-10s pairs=%" PRIu64 " predicted_same=%" PRIu64 "\n", names[i],
			       by_label[i][0] + by_label[i][1], by_label[i][1]);
		double secs = (double)ns / 1e9;
		printf("speed: texts=%" PRIu64 " seconds=%.3f texts_per_second=%.0f\n", texts, secs,
		       secs > 0 ? (double)texts / secs : 0);
		printf("stories: pairs=%" PRIu64 " precision=%.4f recall=%.4f f1=%.4f\n", n, p, r, f1);
		(void)tn;
		if (bad) {
			fprintf(stderr, "loa eval stories: %" PRIu64 " dòng lỗi / bad lines\n", bad);
			status = LOA_EXIT_FAIL;
		}
	}
out:
	free(line);
	loa_shingles_release(&sh);
	loa_an_doc_release(&d);
	loa_story_index_free(ix);
	if (f != stdin)
		fclose(f);
	return status;
}
