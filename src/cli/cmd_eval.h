/*
 * cmd_eval.h - `loa eval SUBCOMMAND …`: one sub-command per evaluation
 * (SPEC §4). cmd_eval.c dispatches on the first argument through the table
 * below; each room implements its own `int cmd_eval_NAME(loa_ctx *, int,
 * char **)` (argv[0] is NAME; getopt is reset) in its own cmd_*.c file and
 * adds one line here, in alphabetical order:
 *   X(NAME, "tóm tắt / summary", "loa eval NAME …")
 * Each prints one final line "NAME: key=value …" (SPEC §4) and returns an
 * exit status (cli.h).
 */
#ifndef LOA_CLI_CMD_EVAL_H
#define LOA_CLI_CMD_EVAL_H

#include "cli/cli.h"

#define LOA_EVAL_SUBCOMMANDS(X) \
	X(classify, "Phân loại văn bản / Text classification", \
	  "loa eval classify --model MODEL --gold FILE") \
	X(feeds, "Đọc nguồn tin / Feed parsing cases", \
	  "loa eval feeds --cases DIR [--cases DIR…] [--verbose]") \
	X(normalize, "Chuẩn hoá chữ Việt / Vietnamese normalisation pairs", \
	  "loa eval normalize --pairs FILE [--verbose]") \
	X(retrieve, "Tìm điều luật cho câu hỏi / Legal article retrieval (ALQAC)", \
	  "loa eval retrieve --corpus FILE --questions FILE --qrels FILE [--model M] [--param K=V] [--verbose] [--latency [--compare K=V]] [--offtopic FILE] [--run FILE] [--index FILE]") \
	X(segment, "Tách từ / Word segmentation", \
	  "loa eval segment --gold FILE [--model MODEL]") \
	X(stories, "Sự việc (tin gần trùng) / Story grouping pairs", \
	  "loa eval stories --pairs FILE [--verbose] | --stream FILE")

#define LOA_EVAL_DECL(name, summary, usage) int cmd_eval_##name(loa_ctx *ctx, int argc, char **argv);
LOA_EVAL_SUBCOMMANDS(LOA_EVAL_DECL)
#undef LOA_EVAL_DECL

/* Usage line of an eval sub-command ("loa eval normalize …"), or NULL. */
const char *cmd_eval_usage(const char *name);

#endif
