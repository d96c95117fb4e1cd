/*
 * cmd_eval.c - `loa eval`: dispatches to the sub-commands listed in
 * cmd_eval.h (each implemented by its room).
 */
#include "cli/cmd_eval.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

static const loa_subcmd subs[] = {
#define LOA_EVAL_ROW(name, summary, usage, help) {#name, cmd_eval_##name, summary, usage, help},
	LOA_EVAL_SUBCOMMANDS(LOA_EVAL_ROW)
#undef LOA_EVAL_ROW
	{NULL, NULL, NULL, NULL, NULL},
};

const loa_subcmd *cmd_eval_find(const char *name)
{
	for (const loa_subcmd *s = subs; s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

const char *cmd_eval_usage(const char *name)
{
	const loa_subcmd *s = cmd_eval_find(name);
	return s ? s->usage : NULL;
}

void cmd_eval_list(FILE *f)
{
	fprintf(f, "Các phép đánh giá / evaluations:\n");
	for (const loa_subcmd *s = subs; s->name; s++)
		fprintf(f, "  %-10s %s\n             %s\n", s->name, s->summary, s->usage);
}

int cmd_eval(loa_ctx *ctx, int argc, char **argv)
{
	/* --help and -h never get here: the dispatcher prints the help
	 * (loa_cli_main). */
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "loa eval: cần tên phép đánh giá / expected an evaluation name\n");
		cmd_eval_list(stderr);
		return LOA_EXIT_USAGE;
	}
	const loa_subcmd *s = cmd_eval_find(argv[1]);
	if (s) {
		optind = 0; /* reset getopt for the sub-command */
		return s->fn(ctx, argc - 1, argv + 1);
	}
	fprintf(stderr, "loa eval: không có phép đánh giá / unknown evaluation: %s\n", argv[1]);
	cmd_eval_list(stderr);
	return LOA_EXIT_USAGE;
}

/* Until the segmenter's cmd_eval_segment is linked in, `loa eval segment`
 * says it is not available. The real definition (strong) replaces this
 * one; it must live in a file that the program links anyway (the one with
 * cmd_segment or cmd_train), because a weak definition does not make the
 * linker pull another archive member. */
__attribute__((weak)) int cmd_eval_segment(loa_ctx *ctx, int argc, char **argv)
{
	fprintf(stderr, "loa eval segment: chưa có trong bản dựng này / not available in this build\n");
	return LOA_EXIT_FAIL;
}
