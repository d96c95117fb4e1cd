/*
 * cmd_train.c - `loa train`: dispatches to the sub-commands listed in
 * cmd_train.h (each implemented by its room).
 */
#include "cli/cmd_train.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

static const loa_subcmd subs[] = {
#define LOA_TRAIN_ROW(name, summary, usage, help) {#name, cmd_train_##name, summary, usage, help},
	LOA_TRAIN_SUBCOMMANDS(LOA_TRAIN_ROW)
#undef LOA_TRAIN_ROW
	{NULL, NULL, NULL, NULL, NULL},
};

const loa_subcmd *cmd_train_find(const char *name)
{
	for (const loa_subcmd *s = subs; s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

const char *cmd_train_usage(const char *name)
{
	const loa_subcmd *s = cmd_train_find(name);
	return s ? s->usage : NULL;
}

void cmd_train_list(FILE *f)
{
	fprintf(f, "Các mô hình / models:\n");
	for (const loa_subcmd *s = subs; s->name; s++)
		fprintf(f, "  %-10s %s\n             %s\n", s->name, s->summary, s->usage);
}

int cmd_train(loa_ctx *ctx, int argc, char **argv)
{
	/* --help and -h never get here: the dispatcher prints the help
	 * (loa_cli_main). */
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "loa train: cần tên mô hình / expected a model name\n");
		cmd_train_list(stderr);
		return LOA_EXIT_USAGE;
	}
	const loa_subcmd *s = cmd_train_find(argv[1]);
	if (s) {
		optind = 0; /* reset getopt for the sub-command */
		return s->fn(ctx, argc - 1, argv + 1);
	}
	fprintf(stderr, "loa train: không có mô hình / unknown model: %s\n", argv[1]);
	cmd_train_list(stderr);
	return LOA_EXIT_USAGE;
}
