/*
 * cmd_train.h - `loa train MODEL …`: one sub-command per trainable model.
 * cmd_train.c dispatches on the first argument through the table below;
 * each room implements its own `int cmd_train_NAME(loa_ctx *, int, char **)`
 * (argv[0] is NAME; getopt is reset; the common options go through
 * cli_common_opt() with the "train" command) in its own cmd_*.c file and
 * adds one row here, in alphabetical order:
 *   X(NAME, "tóm tắt / summary", "loa train NAME …", "help")
 * The help (`loa help train NAME`, `loa train NAME --help`) names every
 * option with its default and the final line, in English, lines under 80
 * columns, options indented by two spaces (as in commands.def).
 * Each ends with a one-line summary on stdout ("train NAME: key=value …"),
 * shows progress with core/progress.h, and returns an exit status (cli.h).
 */
#ifndef LOA_CLI_CMD_TRAIN_H
#define LOA_CLI_CMD_TRAIN_H

#include <stdio.h>

#include "cli/cli.h"

#define LOA_TRAIN_SUBCOMMANDS(X) \
	X(classify, "Bộ phân loại văn bản / Text classifier", \
	  "loa train classify --train FILE [--labels-from DB [--task T]] [--dev FILE] --out MODEL [--c C | --tune-c] [--folds N] [--min-df N] [--max-features N] [--no-offsets] [--no-nb] [--no-stack] [--bag] [--nested-cv N] [--neg-scope N] [--embed FILE [--dense-c C]] [--note TEXT]", \
	  "Trains a linear text classifier (SVM with a naive-Bayes view, stacking,\n" \
	  "calibrated probabilities; docs/rooms/analyze.md) from TSV lines\n" \
	  "label<TAB>text. Bad lines are reported with their line number and skipped.\n" \
	  "  --train FILE       training texts (this or --labels-from is required)\n" \
	  "  --labels-from DB   also the analysts' labels (loa label) of database DB\n" \
	  "  --task T           whose labels: tone (default) or toxicity\n" \
	  "  --dev FILE         then evaluate on FILE: a line per class and\n" \
	  "                     dev: n=N accuracy=A macro_f1=F\n" \
	  "  --out MODEL        where to write the model (required)\n" \
	  "  --c C              SVM cost (default 0.3)\n" \
	  "  --tune-c           pick C from {0.1, 0.3, 1} by cross-validated macro-F1\n" \
	  "  --folds N          cross-validation folds for calibration, offsets and\n" \
	  "                     stacking, 0-20 (default 5; 0 or 1: none)\n" \
	  "  --min-df N         drop features seen in fewer than N texts (default 2)\n" \
	  "  --max-features N   keep the N most frequent (default 196000; 0: all)\n" \
	  "  --words N          word n-grams 1..N, 0-3 (default 2)\n" \
	  "  --chars MIN-MAX    character n-grams, at most 8 (default 2-5; 0: none)\n" \
	  "  --fold-chars MIN-MAX  folded character n-grams (default 0: none)\n" \
	  "  --fold-words N     folded word n-grams 1..N, 0-2 (default 2)\n" \
	  "  --weight-words X, --weight-chars X, --weight-fold X\n" \
	  "                     weights of the three blocks, 0-100 (default 1)\n" \
	  "  --length X         value of the length-bin feature, 0-100 (default 0.5;\n" \
	  "                     0: none)\n" \
	  "  --no-balance       no class weights (default: balanced, n / (K n_c))\n" \
	  "  --offsets, --no-offsets  per-class offsets tuned for macro-F1 on the\n" \
	  "                     folds (default on)\n" \
	  "  --nb, --no-nb      the naive-Bayes view next to the plain one (default on)\n" \
	  "  --stack, --no-stack  combine the views by a second layer (default on;\n" \
	  "                     from 1000 texts with --folds >= 2), else average them\n" \
	  "  --bag, --no-bag    average the model with the fold models (default off;\n" \
	  "                     ignored when stacking)\n" \
	  "  --nested-cv N      also measure the recipe by nested cross-validation\n" \
	  "                     with N outer folds, 2-20 (the model is unchanged)\n" \
	  "  --neg-scope N      negated unigrams for up to N words after a negation,\n" \
	  "                     0-16 (default 0: off)\n" \
	  "  --embed FILE       word vectors (loa train embed): adds the dense view\n" \
	  "                     (needs stacking; default none)\n" \
	  "  --dense-c C        the dense view's SVM cost (default 1)\n" \
	  "  --iter N           coordinate-descent passes, 1-10000 (default 60)\n" \
	  "  --seed N           random seed, positive (default 1)\n" \
	  "  --note TEXT        note stored in the model (default: the settings)\n" \
	  "Ends with: train classify: n=N classes=K features=N c=C cv_folds=N\n" \
	  "cv_accuracy=A cv_macro_f1=F cv_macro_f1_offsets=F temperature=T cv_nll=L\n" \
	  "stacked=0|1 dense=D bytes=N seconds=S bad_lines=N\n" \
	  "and with --nested-cv: train classify: nested_folds=N\n" \
	  "nested_macro_f1_single=F nested_macro_f1_bag=F\n" \
	  "nested_macro_f1_fold_models=F nested_macro_f1_stack=F") \
	X(embed, "Véc-tơ từ học từ văn bản không nhãn / Word vectors from unlabelled text", \
	  "loa train embed --corpus FILE [--corpus FILE…] --out MODEL [--dim N] [--window N] [--negative N] [--min-count N] [--epochs N] [--threads N] [--lr X] [--sample X] [--max-vocab N] [--seed N] [--note TEXT]", \
	  "Learns word vectors from unlabelled text (skip-gram with negative\n" \
	  "sampling) for the classifier's dense view (loa train classify --embed;\n" \
	  "docs/rooms/analyze.md). Each corpus line is one text: a JSON object's\n" \
	  "\"text\" (its \"title\" first), else what follows the first TAB, else the\n" \
	  "whole line; lines are cut at 1 MiB. One thread and one seed give the\n" \
	  "same file.\n" \
	  "  --corpus FILE   text to learn from (required; repeat for more, at most\n" \
	  "                  64; -: stdin)\n" \
	  "  --out MODEL     where to write the vectors (required)\n" \
	  "  --dim N         dimensions, 1-512 (default 64)\n" \
	  "  --window N      context window, 1-100 (default 5, sampled)\n" \
	  "  --negative N    noise tokens per context token, 1-100 (default 5)\n" \
	  "  --min-count N   drop tokens seen fewer than N times (default 5)\n" \
	  "  --epochs N      passes over the corpus, 1-1000 (default 3)\n" \
	  "  --threads N     training threads, 1-256 (default 2)\n" \
	  "  --lr X          learning rate in (0, 1], decaying linearly (default 0.05)\n" \
	  "  --sample X      sub-sampling of frequent tokens, in [0, 1) (default 1e-4)\n" \
	  "  --max-vocab N   keep the N most frequent tokens (default 200000)\n" \
	  "  --seed N        random seed (default 1)\n" \
	  "  --note TEXT     note stored in the model (default: corpus and settings)\n" \
	  "Ends with: train embed: texts=N tokens=N vocab=N dim=N epochs=N seconds=S\n" \
	  "bytes=N bad_lines=N") \
	X(retrieve, "Trọng số xếp hạng điều luật / Legal retrieval re-ranker", \
	  "loa train retrieve --corpus FILE --questions FILE --qrels FILE [...per set] --out MODEL [--folds N] [--seed N] [--model START] [--param K=V] [--note TEXT]", \
	  "Learns the weights of the legal retrieval re-ranker (loa ask;\n" \
	  "docs/rooms/qa.md): coordinate ascent over the weights after w_bm25 on\n" \
	  "mean R@1 + MRR@10 of each question's candidates, from the starting\n" \
	  "weights, measured by k-fold cross-validation. A set is one --corpus,\n" \
	  "--questions, --qrels triple (ALQAC format); give the three once per set\n" \
	  "(at most 8 sets). Use the model with loa ask --model or config qa.model.\n" \
	  "  --corpus FILE     articles, JSON lines {doc_id, law_id, text}\n" \
	  "  --questions FILE  questions, JSON lines {qid, text}\n" \
	  "  --qrels FILE      answers, lines 'qid 0 doc_id 1' (relevance 0 ignored)\n" \
	  "  --out MODEL       where to write the parameters file (required)\n" \
	  "  --folds N         cross-validation folds, 2-20 (default 5)\n" \
	  "  --seed N          seed of the fold assignment, positive (default 1)\n" \
	  "  --model START     parameters file to start from (default: built-in)\n" \
	  "  --param K=V       set one parameter first (repeatable, e.g. rerank=30;\n" \
	  "                    names in docs/rooms/qa.md)\n" \
	  "  --note TEXT       note written in the model (default: the CV figures)\n" \
	  "Prints per set: cv: set=N questions=N recall_at_1=R mrr_at_10=M\n" \
	  "start_recall_at_1=R start_mrr_at_10=M\n" \
	  "Ends with: train retrieve: questions=N folds=N w_bm25=W w_window=W\n" \
	  "w_bwindow=W w_cover=W w_law=W w_tcover=W out=MODEL") \
	X(segment, "Bộ tách từ tiếng Việt / Vietnamese word segmenter", \
	  "loa train segment --gold FILE… [--dict FILE] [--dev FILE] [--epochs N] --out MODEL", \
	  "Trains the Vietnamese word segmenter from gold files: one sentence a\n" \
	  "line, words separated by spaces, syllables of a word joined by '_'.\n" \
	  "  --gold FILE...  gold files (required; repeat --gold or list them, at\n" \
	  "                  most 64)\n" \
	  "  --dict FILE     word list, one word a line (embedded in the model;\n" \
	  "                  default none)\n" \
	  "  --dev FILE      gold file to report F1 on after each epoch (stderr)\n" \
	  "  --epochs N      passes over the data, 1-1000 (default 10)\n" \
	  "  --bits B        weight table of 2^B entries, 16-24 (default 20)\n" \
	  "  --seed N        shuffling seed, positive (default 1)\n" \
	  "  --out MODEL     where to write the model (required)\n" \
	  "Ends with: train segment: sentences=N syllables=N dict_words=N epochs=N\n" \
	  "model_bytes=N seconds=S [dev_f1=F] out=MODEL")

#define LOA_TRAIN_DECL(name, summary, usage, help) \
	int cmd_train_##name(loa_ctx *ctx, int argc, char **argv);
LOA_TRAIN_SUBCOMMANDS(LOA_TRAIN_DECL)
#undef LOA_TRAIN_DECL

/* Usage line of a train sub-command ("loa train segment …"), or NULL. */
const char *cmd_train_usage(const char *name);
/* The family's table and words (cli_family_*). */
extern const loa_family cmd_train_family;

#endif
