/*
 * cmd_eval.c - `loa eval`: dispatches to the sub-commands listed in
 * cmd_eval.h (each implemented by its room).
 */
#include "cli/cmd_eval.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

typedef struct eval_sub {
	const char *name;
	loa_cmd_fn fn;
	const char *summary;
	const char *usage;
} eval_sub;

static const eval_sub subs[] = {
#define LOA_EVAL_ROW(name, summary, usage) {#name, cmd_eval_##name, summary, usage},
	LOA_EVAL_SUBCOMMANDS(LOA_EVAL_ROW)
#undef LOA_EVAL_ROW
	{NULL, NULL, NULL, NULL},
};

const char *cmd_eval_usage(const char *name)
{
	for (const eval_sub *s = subs; s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s->usage;
	return NULL;
}

static void list_subs(FILE *f)
{
	fprintf(f, "Các phép đánh giá / evaluations:\n");
	for (const eval_sub *s = subs; s->name; s++)
		fprintf(f, "  %-10s %s\n             %s\n", s->name, s->summary, s->usage);
}

int cmd_eval(loa_ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			list_subs(stdout);
			return LOA_EXIT_OK;
		}
		fprintf(stderr, "loa eval: cần tên phép đánh giá / expected an evaluation name\n");
		list_subs(stderr);
		return LOA_EXIT_USAGE;
	}
	for (const eval_sub *s = subs; s->name; s++) {
		if (strcmp(s->name, argv[1]) == 0) {
			optind = 0; /* reset getopt for the sub-command */
			return s->fn(ctx, argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "loa eval: không có phép đánh giá / unknown evaluation: %s\n", argv[1]);
	list_subs(stderr);
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
