/*
 * cmd_ingest.c - `loa ingest --once`: one run of the intake loop
 * (feed/ingest.h) with progress on a terminal and a one-line summary.
 */
#include "cli/cli.h"
#include "core/progress.h"
#include "feed/ingest.h"
#include "network/network.h"
#include "store/store.h"

#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

enum { OPT_ONCE = CLI_OPT_FIRST_FREE, OPT_ALL, OPT_SOURCE };

static atomic_int stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop_flag, 1);
}

static void on_progress(void *arg, const loa_ingest_stats *st)
{
	loa_progress *p = arg;
	p->total = (uint64_t)st->sources;
	loa_progress_update(p, (uint64_t)st->done);
}

int cmd_ingest(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"once", no_argument, NULL, OPT_ONCE},
		{"all", no_argument, NULL, OPT_ALL},
		{"source", required_argument, NULL, OPT_SOURCE},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("ingest");
	loa_ingest_opts o = {0};
	o.verify = loa_network_ingest_verify; /* signed feeds of member portals */
	bool once = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ONCE: once = true; break;
		case OPT_ALL: o.all = true; break;
		case OPT_SOURCE: o.source = optarg; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (optind != argc)
		return cli_usage_error("ingest", "đối số thừa / unexpected argument: %s", argv[optind]);
	if (!once)
		return cli_usage_error("ingest", "cần --once (loa serve chạy liên tục) / --once is "
				       "required (loa serve runs it continuously)");
	loa_err err;
	loa_err_clear(&err);
	loa_store *st;
	if (loa_store_open_config(ctx->cfg, 0, &st, &err))
		return cli_fail("ingest", "%s", loa_err_msg(&err));

	struct sigaction sa, old_int, old_term;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	atomic_store(&stop_flag, 0);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	loa_progress p;
	loa_progress_init(&p, "ingest", 0);
	o.stop = &stop_flag;
	o.progress = ctx->quiet ? NULL : on_progress;
	o.progress_arg = &p;
	loa_ingest_stats s;
	int rc = loa_ingest_run(st, ctx->cfg, &o, &s, &err);
	loa_progress_end(&p);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	int status = LOA_EXIT_OK;
	if (rc == LOA_ENOTFOUND || rc == LOA_EINVAL)
		status = cli_fail("ingest", "%s", loa_err_msg(&err));
	else if (rc)
		status = cli_fail("ingest", "%s", loa_err_msg(&err));
	if (rc != LOA_ENOTFOUND && rc != LOA_EINVAL)
		printf("ingest: sources=%" PRId64 " fetched=%" PRId64 " not_modified=%" PRId64
		       " errors=%" PRId64 " items_new=%" PRId64 " items_updated=%" PRId64
		       " items_seen_also=%" PRId64 " pages=%" PRId64 " seconds=%.2f\n",
		       s.sources, s.fetched, s.not_modified, s.errors, s.items_new, s.items_updated,
		       s.items_seen_also, s.pages, s.seconds);
	if (atomic_load(&stop_flag))
		fprintf(stderr, "loa ingest: đã dừng theo yêu cầu / stopped on request\n");
	loa_store_close(st);
	return status;
}
