/*
 * cmd_train.c - `loa train`: dispatches to the sub-commands listed in
 * cmd_train.h (each implemented by its room).
 */
#include "cli/cmd_train.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

static const loa_subcmd subs[] = {
#define LOA_TRAIN_ROW(name, summary, usage, help) {#name, cmd_train_##name, summary, usage, help},
	LOA_TRAIN_SUBCOMMANDS(LOA_TRAIN_ROW)
#undef LOA_TRAIN_ROW
	{NULL, NULL, NULL, NULL, NULL},
};

const loa_family cmd_train_family = {
	"train",
	"Các mô hình / models",
	"cần tên mô hình / expected a model name",
	"không có mô hình / unknown model",
	subs,
};

const char *cmd_train_usage(const char *name)
{
	return cli_family_usage(&cmd_train_family, name);
}

int cmd_train(loa_ctx *ctx, int argc, char **argv)
{
	return cli_family_run(&cmd_train_family, ctx, argc, argv);
}
