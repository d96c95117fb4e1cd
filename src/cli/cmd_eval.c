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

const loa_family cmd_eval_family = {
	"eval",
	"Các phép đánh giá / evaluations",
	"cần tên phép đánh giá / expected an evaluation name",
	"không có phép đánh giá / unknown evaluation",
	subs,
};

const char *cmd_eval_usage(const char *name)
{
	return cli_family_usage(&cmd_eval_family, name);
}

int cmd_eval(loa_ctx *ctx, int argc, char **argv)
{
	return cli_family_run(&cmd_eval_family, ctx, argc, argv);
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
