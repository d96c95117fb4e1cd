/*
 * cmd_train.h - `loa train MODEL …`: one sub-command per trainable model.
 * cmd_train.c dispatches on the first argument through the table below;
 * each room implements its own `int cmd_train_NAME(loa_ctx *, int, char **)`
 * (argv[0] is NAME; getopt is reset; the common options go through
 * cli_common_opt() with the "train" command) in its own cmd_*.c file and
 * adds one line here, in alphabetical order:
 *   X(NAME, "tóm tắt / summary", "loa train NAME …")
 * Each ends with a one-line summary on stdout ("train NAME: key=value …"),
 * shows progress with core/progress.h, and returns an exit status (cli.h).
 */
#ifndef LOA_CLI_CMD_TRAIN_H
#define LOA_CLI_CMD_TRAIN_H

#include "cli/cli.h"

#define LOA_TRAIN_SUBCOMMANDS(X) \
	X(classify, "Bộ phân loại văn bản / Text classifier", \
	  "loa train classify --train FILE [--labels-from DB [--task T]] [--dev FILE] --out MODEL [--c C | --tune-c] [--folds N] [--min-df N] [--max-features N] [--no-offsets] [--no-nb] [--no-stack] [--bag] [--nested-cv N] [--neg-scope N] [--embed FILE [--dense-c C]] [--note TEXT]") \
	X(embed, "Véc-tơ từ học từ văn bản không nhãn / Word vectors from unlabelled text", \
	  "loa train embed --corpus FILE [--corpus FILE…] --out MODEL [--dim N] [--window N] [--negative N] [--min-count N] [--epochs N] [--threads N] [--lr X] [--sample X] [--max-vocab N] [--seed N] [--note TEXT]") \
	X(retrieve, "Trọng số xếp hạng điều luật / Legal retrieval re-ranker", \
	  "loa train retrieve --corpus FILE --questions FILE --qrels FILE [...per set] --out MODEL [--folds N] [--seed N] [--model START] [--param K=V] [--note TEXT]") \
	X(segment, "Bộ tách từ tiếng Việt / Vietnamese word segmenter", \
	  "loa train segment --gold FILE… [--dict FILE] [--dev FILE] [--epochs N] --out MODEL")

#define LOA_TRAIN_DECL(name, summary, usage) int cmd_train_##name(loa_ctx *ctx, int argc, char **argv);
LOA_TRAIN_SUBCOMMANDS(LOA_TRAIN_DECL)
#undef LOA_TRAIN_DECL

/* Usage line of a train sub-command ("loa train segment …"), or NULL. */
const char *cmd_train_usage(const char *name);

#endif
