/*
 * cmd_websub.c - `loa websub run|subscribe|unsubscribe|list`: the WebSub
 * worker as a process of its own, and the subscriber side by hand.
 */
#include "cli/cli.h"
#include "network/network.h"
#include "network/websub.h"
#include "store/sql.h"

#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/banned.h"

static atomic_int stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop_flag, 1);
}

static int list_subs(loa_store *s, loa_err *err)
{
	loa_stmt *st;
	int rc = loa_sql_prepare(s, "SELECT s.id, s.topic, s.callback, s.expires_at, "
				    "(SELECT COUNT(*) FROM net_hub_deliveries d WHERE d.sub_id = s.id AND d.state = 'done'), "
				    "(SELECT COUNT(*) FROM net_hub_deliveries d WHERE d.sub_id = s.id AND d.state = 'pending'), "
				    "(SELECT COUNT(*) FROM net_hub_deliveries d WHERE d.sub_id = s.id AND d.state = 'dead') "
				    "FROM net_hub_subs s ORDER BY s.id", &st, err);
	if (rc)
		return rc;
	printf("# hub: subscriptions (id expires delivered pending dead topic callback)\n");
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		char t[LOA_TIME_STR_MAX];
		printf("%-6" PRId64 " %s %6" PRId64 " %6" PRId64 " %6" PRId64 " %s %s\n", loa_sql_col_i64(st, 0),
		       loa_time_format_rfc3339(loa_sql_col_i64(st, 3), t), loa_sql_col_i64(st, 4), loa_sql_col_i64(st, 5),
		       loa_sql_col_i64(st, 6), loa_sql_col_text(st, 1), loa_sql_col_text(st, 2));
	}
	loa_sql_finalize(st);
	if (rc != LOA_SQL_DONE)
		return rc;
	if ((rc = loa_sql_prepare(s, "SELECT id, state, topic, hub, source, expires_at FROM net_subs ORDER BY id", &st,
				  err)))
		return rc;
	printf("# subscriber: subscriptions (id state expires source topic hub)\n");
	while ((rc = loa_sql_step(st, err)) == LOA_SQL_ROW) {
		char t[LOA_TIME_STR_MAX] = "-";
		if (!loa_sql_col_null(st, 5))
			loa_time_format_rfc3339(loa_sql_col_i64(st, 5), t);
		printf("%-6" PRId64 " %-13s %s %-20s %s %s\n", loa_sql_col_i64(st, 0), loa_sql_col_text(st, 1), t,
		       loa_sql_col_text(st, 4) ? loa_sql_col_text(st, 4) : "-", loa_sql_col_text(st, 2),
		       loa_sql_col_text(st, 3));
	}
	loa_sql_finalize(st);
	return rc == LOA_SQL_DONE ? LOA_OK : rc;
}

int cmd_websub(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"once", no_argument, NULL, '1'},
		{"source", required_argument, NULL, 's'},
		{"interval", required_argument, NULL, 'i'},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("websub");
	bool once = false;
	const char *source = NULL, *interval = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case '1': once = true; break;
		case 's': source = optarg; break;
		case 'i': interval = optarg; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (optind >= argc)
		return cli_usage_error("websub", "cần lệnh con / expected run, subscribe, unsubscribe or list");
	const char *sub = argv[optind];
	bool subscribe = strcmp(sub, "subscribe") == 0, unsubscribe = strcmp(sub, "unsubscribe") == 0;
	if (subscribe || unsubscribe) {
		if (optind + 2 != argc)
			return cli_usage_error("websub", "cần một URL / expected one URL");
	} else if (strcmp(sub, "run") != 0 && strcmp(sub, "list") != 0) {
		return cli_usage_error("websub", "lệnh con không hợp lệ / unknown subcommand: %s", sub);
	} else if (optind + 1 != argc) {
		return cli_usage_error("websub", "thừa tham số / unexpected argument");
	}
	loa_ms every = loa_config_get_i64(ctx->cfg, "websub.interval_ms", 1000);
	if (interval && loa_parse_duration(interval, &every) != LOA_OK)
		return cli_usage_error("websub", "--interval không hợp lệ / bad --interval (e.g. 500ms is not "
				       "accepted; use 1s)");
	loa_err err;
	loa_err_clear(&err);
	if (strcmp(sub, "run") == 0) {
		loa_websub_worker *w;
		if (loa_websub_worker_new(ctx->cfg, NULL, &w, &err) != LOA_OK)
			return cli_fail("websub", "%s", loa_err_msg(&err));
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		loa_websub_stats st;
		memset(&st, 0, sizeof st);
		int rc = LOA_OK;
		do {
			loa_websub_stats before = st;
			if ((rc = loa_websub_run_once(w, &stop_flag, &st, &err)) != LOA_OK) {
				fprintf(stderr, "loa websub: %s\n", loa_err_msg(&err));
				if (once)
					break;
			}
			if (!once && memcmp(&before, &st, sizeof st) == 0) {
				struct timespec ts = {(time_t)(every / 1000), (long)(every % 1000) * 1000000L};
				nanosleep(&ts, NULL);
			}
		} while (!once && !atomic_load(&stop_flag));
		loa_websub_worker_free(w);
		printf("websub: released=%" PRId64 " verified=%" PRId64 " verify_failed=%" PRId64 " events=%" PRId64
		       " delivered=%" PRId64 " retried=%" PRId64 " gave_up=%" PRId64 " expired=%" PRId64 " renewed=%" PRId64 " renew_failed=%" PRId64 "\n",
		       st.released, st.verified, st.verify_failed, st.events, st.delivered, st.retried, st.gave_up,
		       st.expired, st.renewed, st.renew_failed);
		return rc && once ? LOA_EXIT_FAIL : LOA_EXIT_OK;
	}
	loa_store *s;
	if (loa_store_open_config(ctx->cfg, 0, &s, &err) != LOA_OK)
		return cli_fail("websub", "%s", loa_err_msg(&err));
	int rc = loa_network_migrate(s, &err);
	if (rc == LOA_OK && strcmp(sub, "list") == 0) {
		rc = list_subs(s, &err);
	} else if (rc == LOA_OK) {
		loa_websub_sub out;
		rc = loa_websub_subscribe(s, ctx->cfg, argv[optind + 1], source, unsubscribe, &out, &err);
		if (rc == LOA_OK)
			printf("%" PRId64 " %s hub=%s topic=%s callback=%s\n", out.id, unsubscribe ? "unsubscribing" : "pending",
			       out.hub, out.topic, out.callback);
	}
	loa_store_close(s);
	return rc ? cli_fail("websub", "%s", loa_err_msg(&err)) : LOA_EXIT_OK;
}
