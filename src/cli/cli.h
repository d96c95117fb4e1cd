/*
 * cli.h - the command-line room: one table of commands (commands.def)
 * yields both the dispatch and the help.
 *
 * A command is `int cmd_NAME(loa_ctx *ctx, int argc, char **argv)`, with
 * argv[0] the command's name. It returns the process exit status:
 * LOA_EXIT_OK, LOA_EXIT_FAIL (the work failed; the message is already on
 * stderr) or LOA_EXIT_USAGE (bad usage; usage printed on stderr).
 *
 * Messages for people are Vietnamese first, then English after " / ".
 */
#ifndef LOA_CLI_CLI_H
#define LOA_CLI_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/config.h"
#include "core/err.h"

enum { LOA_EXIT_OK = 0, LOA_EXIT_FAIL = 1, LOA_EXIT_USAGE = 2 };

typedef struct loa_ctx {
	loa_config *cfg; /* owned by main */
	bool quiet;
} loa_ctx;

typedef int (*loa_cmd_fn)(loa_ctx *ctx, int argc, char **argv);

typedef struct loa_cmd {
	const char *name;
	loa_cmd_fn fn;
	const char *summary; /* Vietnamese / English, one line */
	const char *usage;   /* "loa import [--batch N] FILE|-" */
	const char *help;    /* options and details, may be multi-line */
	bool hidden;
} loa_cmd;

/* A sub-command of a command family (`loa train NAME`, `loa eval NAME`:
 * cmd_train.h, cmd_eval.h), with the same texts as a command. */
typedef struct loa_subcmd {
	const char *name;
	loa_cmd_fn fn;
	const char *summary; /* Vietnamese / English, one line */
	const char *usage;   /* "loa train classify --train FILE …" */
	const char *help;    /* every option with its default, and the final line */
} loa_subcmd;

/* A command family: its sub-commands (a static table ended by a NULL
 * name) and the words its messages use. */
typedef struct loa_family {
	const char *name;     /* "train" */
	const char *title;    /* "Các mô hình / models" (listing heading) */
	const char *expected; /* "cần tên mô hình / expected a model name" */
	const char *unknown;  /* "không có mô hình / unknown model" */
	const loa_subcmd *subs;
} loa_family;

/* The sub-command NAME of family f, or NULL. */
const loa_subcmd *cli_family_find(const loa_family *f, const char *name);
/* Usage line of sub-command NAME of f, or NULL. */
const char *cli_family_usage(const loa_family *f, const char *name);
/* Writes f's sub-commands with their summaries and usage lines to out. */
void cli_family_list(const loa_family *f, FILE *out);
/* Runs `loa f->name SUB …` (argv[0] is f->name): the sub-command, or a
 * usage error listing them. */
int cli_family_run(const loa_family *f, loa_ctx *ctx, int argc, char **argv);

#define LOA_COMMAND(name, summary, usage, help) int cmd_##name(loa_ctx *ctx, int argc, char **argv);
#define LOA_COMMAND_HIDDEN LOA_COMMAND
#include "cli/commands.def"
#undef LOA_COMMAND
#undef LOA_COMMAND_HIDDEN

const loa_cmd *loa_cli_find(const char *name);

/* Options every command accepts (--db, --config, --set, --log-level):
 * splice CLI_COMMON_LONGOPTS into a command's struct option array and
 * pass unknown option codes to cli_common_opt(). */
enum { CLI_OPT_DB = 1000, CLI_OPT_CONFIG, CLI_OPT_SET, CLI_OPT_LOGLEVEL, CLI_OPT_LOGJSON,
       CLI_OPT_FIRST_FREE = 1100 };
#define CLI_COMMON_LONGOPTS \
	{"db", required_argument, NULL, CLI_OPT_DB}, \
	{"set", required_argument, NULL, CLI_OPT_SET}, \
	{"log-level", required_argument, NULL, CLI_OPT_LOGLEVEL}, \
	{"log-json", no_argument, NULL, CLI_OPT_LOGJSON}

/* Handles a common option or an error code from getopt ('?' or ':').
 * Returns LOA_EXIT_OK when handled, else prints the error and usage and
 * returns LOA_EXIT_USAGE. */
int cli_common_opt(loa_ctx *ctx, const loa_cmd *cmd, int c, const char *arg, char **argv);

/* Parses only the common options of command cmdname (for commands that
 * take no others); leaves operands from optind. Returns LOA_EXIT_OK, else
 * LOA_EXIT_USAGE after printing the error and usage. */
int cli_common_only(loa_ctx *ctx, const char *cmdname, int argc, char **argv);

/* Prints "loa NAME: MESSAGE" and the usage line on stderr; returns 2. */
int cli_usage_error(const char *cmdname, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "loa NAME: MESSAGE" on stderr; returns 1. */
int cli_fail(const char *cmdname, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The whole program: parses global options and runs a command. */
int loa_cli_main(int argc, char **argv);

/* Re-applies logging settings from the configuration. */
void cli_apply_log_config(loa_ctx *ctx);

#endif
