/*
 * cmd_train.c - `loa train`: dispatches to the sub-commands listed in
 * cmd_train.h (each implemented by its room).
 */
#include "cli/cmd_train.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

typedef struct train_sub {
	const char *name;
	loa_cmd_fn fn;
	const char *summary;
	const char *usage;
} train_sub;

static const train_sub subs[] = {
#define LOA_TRAIN_ROW(name, summary, usage) {#name, cmd_train_##name, summary, usage},
	LOA_TRAIN_SUBCOMMANDS(LOA_TRAIN_ROW)
#undef LOA_TRAIN_ROW
	{NULL, NULL, NULL, NULL},
};

const char *cmd_train_usage(const char *name)
{
	for (const train_sub *s = subs; s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s->usage;
	return NULL;
}

static void list_subs(FILE *f)
{
	fprintf(f, "Các mô hình / models:\n");
	for (const train_sub *s = subs; s->name; s++)
		fprintf(f, "  %-10s %s\n             %s\n", s->name, s->summary, s->usage);
}

int cmd_train(loa_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			list_subs(stdout);
			return LOA_EXIT_OK;
		}
		fprintf(stderr, "loa train: cần tên mô hình / expected a model name\n");
		list_subs(stderr);
		return LOA_EXIT_USAGE;
	}
	for (const train_sub *s = subs; s->name; s++) {
		if (strcmp(s->name, argv[1]) == 0) {
			optind = 0; /* reset getopt for the sub-command */
			return s->fn(ctx, argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "loa train: không có mô hình / unknown model: %s\n", argv[1]);
	list_subs(stderr);
	return LOA_EXIT_USAGE;
}
