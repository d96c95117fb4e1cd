/*
 * cmd_alerts.c - `loa alerts`: alerts on saved queries (add, list, remove,
 * test, run).
 */
#include "cli/cli.h"
#include "core/ltime.h"
#include "core/str.h"
#include "search/alert.h"
#include "search/search.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

enum {
	OPT_QUERY = CLI_OPT_FIRST_FREE,
	OPT_ON,
	OPT_DIGEST,
	OPT_WEBHOOK,
	OPT_SECRET,
	OPT_EMAIL,
	OPT_THRESHOLD,
	OPT_WINDOW,
};

static int print_alert(void *arg, const loa_alert_def *a)
{
	char ts[LOA_TIME_STR_MAX];
	printf("%-20s query=%s kind=%s mode=%s window=%" PRId64 "m", a->name, a->query, a->kind,
	       a->mode, (int64_t)(a->window / 60000));
	if (a->threshold >= 0)
		printf(" threshold=%g", a->threshold);
	if (a->webhook)
		printf(" webhook=%s signed=%s", a->webhook, a->secret && *a->secret ? "yes" : "no");
	if (a->email)
		printf(" email=%s", a->email);
	printf(" pending=%" PRId64 " dead=%" PRId64 " last_fired=%s\n", a->pending, a->dead,
	       a->last_fired ? loa_time_format_display(a->last_fired, ts) : "-");
	return 0;
}

static void alert_cfg(loa_ctx *ctx, loa_alert_cfg *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->smtp_url = loa_config_get(ctx->cfg, "smtp.url");
	cfg->smtp_from = loa_config_get(ctx->cfg, "smtp.from");
	cfg->now = LOA_TIME_NONE;
}

int cmd_alerts(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"query", required_argument, NULL, OPT_QUERY},
		{"on", required_argument, NULL, OPT_ON},
		{"digest", no_argument, NULL, OPT_DIGEST},
		{"webhook", required_argument, NULL, OPT_WEBHOOK},
		{"secret", required_argument, NULL, OPT_SECRET},
		{"email", required_argument, NULL, OPT_EMAIL},
		{"threshold", required_argument, NULL, OPT_THRESHOLD},
		{"window", required_argument, NULL, OPT_WINDOW},
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("alerts");
	loa_alert_def d = {.threshold = -1};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_QUERY: d.query = optarg; break;
		case OPT_ON: d.kind = optarg; break;
		case OPT_DIGEST: d.mode = "digest"; break;
		case OPT_WEBHOOK: d.webhook = optarg; break;
		case OPT_SECRET: d.secret = optarg; break;
		case OPT_EMAIL: d.email = optarg; break;
		case OPT_THRESHOLD:
			if (loa_parse_double(optarg, &d.threshold) || d.threshold < 0)
				return cli_usage_error("alerts", "--threshold cần số không âm / needs a "
						       "non-negative number: %s", optarg);
			break;
		case OPT_WINDOW:
			if (loa_parse_duration(optarg, &d.window) || d.window < 60000)
				return cli_usage_error("alerts", "--window cần thời lượng >= 1m (15m, 1h, "
						       "1d) / needs a duration >= 1m: %s", optarg);
			break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (optind >= argc)
		return cli_usage_error("alerts", "cần lệnh con add, list, remove, test hoặc run / "
				       "expected add, list, remove, test or run");
	const char *sub = argv[optind];
	int nargs = argc - optind - 1;
	char **args = argv + optind + 1;
	bool add = !strcmp(sub, "add"), list = !strcmp(sub, "list"), rem = !strcmp(sub, "remove"),
	     test = !strcmp(sub, "test"), run = !strcmp(sub, "run");
	if (!add && !list && !rem && !test && !run)
		return cli_usage_error("alerts", "lệnh con không hợp lệ / unknown subcommand: %s", sub);
	if (((add || rem || test) && nargs != 1) || ((list || run) && nargs != 0))
		return cli_usage_error("alerts", "sai số tham số / wrong number of arguments");
	if (add && !d.query)
		return cli_usage_error("alerts", "cần --query TÊN / --query NAME is required");
	loa_err err;
	loa_err_clear(&err);
	loa_search *s;
	if (loa_search_open_config(ctx->cfg, &s, &err))
		return cli_fail("alerts", "%s", loa_err_msg(&err));
	loa_alert_cfg cfg;
	alert_cfg(ctx, &cfg);
	int rc = LOA_OK, status = LOA_EXIT_OK;
	if (add) {
		d.name = args[0];
		if (!(rc = loa_alert_add(s, &d, &err)))
			printf("alerts: added name=%s\n", d.name);
		else if (rc == LOA_EINVAL) {
			fprintf(stderr, "loa alerts: %s\n", loa_err_msg(&err));
			status = LOA_EXIT_USAGE;
			rc = LOA_OK;
		}
	} else if (list) {
		rc = loa_alerts_each(s, print_alert, NULL, &err);
	} else if (rem) {
		if (!(rc = loa_alert_remove(s, args[0], &err)))
			printf("alerts: removed name=%s\n", args[0]);
	} else if (test) {
		if (!(rc = loa_alert_test(s, args[0], &cfg, &err)))
			printf("alerts: test sent name=%s\n", args[0]);
	} else {
		loa_alert_stats st;
		if (!(rc = loa_alerts_run(s, &cfg, &st, &err)))
			printf("alerts: indexed=%" PRId64 " matched=%" PRId64 " events=%" PRId64
			       " sent=%" PRId64 " retried=%" PRId64 " dead=%" PRId64 "\n",
			       st.indexed, st.matched, st.events, st.sent, st.retried, st.dead);
	}
	if (rc)
		status = cli_fail("alerts", "%s", loa_err_msg(&err));
	loa_search_close(s);
	return status;
}
