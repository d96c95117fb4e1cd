/*
 * cmd_eval.h - `loa eval SUBCOMMAND …`: one sub-command per evaluation
 * (SPEC §4). cmd_eval.c dispatches on the first argument through the table
 * below; each room implements its own `int cmd_eval_NAME(loa_ctx *, int,
 * char **)` (argv[0] is NAME; getopt is reset) in its own cmd_*.c file and
 * adds one row here, in alphabetical order:
 *   X(NAME, "tóm tắt / summary", "loa eval NAME …", "help")
 * The help (`loa help eval NAME`, `loa eval NAME --help`) names every
 * option with its default and the final line, in English, lines under 80
 * columns, options indented by two spaces (as in commands.def).
 * Each prints one final line "NAME: key=value …" (SPEC §4) and returns an
 * exit status (cli.h).
 */
#ifndef LOA_CLI_CMD_EVAL_H
#define LOA_CLI_CMD_EVAL_H

#include <stdio.h>

#include "cli/cli.h"

#define LOA_EVAL_SUBCOMMANDS(X) \
	X(classify, "Phân loại văn bản / Text classification", \
	  "loa eval classify --model MODEL --gold FILE", \
	  "Evaluates a text classifier on gold TSV lines label<TAB>text (bad lines\n" \
	  "are reported with their line number and skipped; docs/rooms/analyze.md).\n" \
	  "Prints a line per class (precision= recall= f1= support=); a gold label\n" \
	  "the model does not know counts as a class it never predicts.\n" \
	  "  --model MODEL  the classifier (required): a file or the name of a\n" \
	  "                 shipped model (tone, toxicity)\n" \
	  "  --gold FILE    the gold texts (required)\n" \
	  "Ends with: classify: n=N accuracy=A macro_f1=F") \
	X(feeds, "Đọc nguồn tin / Feed parsing cases", \
	  "loa eval feeds --cases DIR [--cases DIR…] [--verbose]", \
	  "Runs the feed parser's test cases (docs/rooms/feed.md): every *.json with\n" \
	  "\"input\" and \"expect\" under the directories, and dates.json vectors.\n" \
	  "  --cases DIR    a directory of cases (required; repeatable)\n" \
	  "  --verbose, -v  print each failed assertion: FAIL ID [GROUP] PATH: ...\n" \
	  "Prints the assertions outside the core first: feeds-html:,\n" \
	  "feeds-extended:, feeds-chardet:, feeds-rfc3023: and feeds-dates: lines.\n" \
	  "Ends with: feeds: cases=N assertions=A passed=P failed=F") \
	X(normalize, "Chuẩn hoá chữ Việt / Vietnamese normalisation pairs", \
	  "loa eval normalize --pairs FILE [--verbose]", \
	  "Vietnamese normalisation pairs: TSV lines input, expected, convention,\n" \
	  "category, source ('#' comments and the header line are skipped). A row\n" \
	  "passes when both sides meet in one matching form (docs/text.md); rows of\n" \
	  "category glide_anomaly or *_suspect are not asserted.\n" \
	  "  --pairs FILE  the pairs (required; -: stdin)\n" \
	  "  --verbose     show every failed row on stderr (default: the first 20)\n" \
	  "Ends with: normalize: pairs=N passed=P failed=F skipped=S") \
	X(retrieve, "Tìm điều luật cho câu hỏi / Legal article retrieval (ALQAC)", \
	  "loa eval retrieve --corpus FILE --questions FILE --qrels FILE [--model M] [--param K=V] [--verbose] [--latency [--compare K=V]] [--offtopic FILE] [--run FILE] [--index FILE]", \
	  "Legal article retrieval on data in the ALQAC format (docs/rooms/qa.md):\n" \
	  "each question is searched in an index of the corpus and its top 10 is\n" \
	  "scored against the answers.\n" \
	  "  --corpus FILE     articles, JSON lines {doc_id, law_id, text} (required)\n" \
	  "  --questions FILE  questions, JSON lines {qid, text} (required)\n" \
	  "  --qrels FILE      answers, lines 'qid 0 doc_id 1' (required; relevance\n" \
	  "                    0 is ignored)\n" \
	  "  --model M         ranking parameters file (default: built-in weights)\n" \
	  "  --param K=V       set one parameter (repeatable, e.g. w_syn=0, prune=0;\n" \
	  "                    names in docs/rooms/qa.md)\n" \
	  "  --verbose         a 'miss' line for each question whose top hit is wrong\n" \
	  "  --latency         also a latency: line: index size, time per question\n" \
	  "                    (p50, p99, max; wall and the thread's CPU)\n" \
	  "  --compare K=V     with --latency: time each question again with K=V on\n" \
	  "                    the same index (repeatable); a latency_b: line\n" \
	  "  --offtopic FILE   off-topic questions, one a line: calibrate: lines for\n" \
	  "                    the abstention thresholds\n" \
	  "  --run FILE        write each question's top 10 (TREC run format)\n" \
	  "  --index FILE      keep the built index in FILE for the next run\n" \
	  "Ends with: retrieve: questions=N recall_at_1=R recall_at_10=R\n" \
	  "mrr_at_10=M") \
	X(segment, "Tách từ / Word segmentation", \
	  "loa eval segment --gold FILE [--model MODEL] [--baseline longest [--dict FILE]]", \
	  "Word segmentation against a gold file (one sentence a line, words\n" \
	  "separated by spaces, syllables of a word joined by '_'): precision, recall\n" \
	  "and F1 of words, and speed.\n" \
	  "  --gold FILE         the gold file (required)\n" \
	  "  --model MODEL       segmenter model (default: the shipped segment.model,\n" \
	  "                      from $LOA_MODELS, <program dir>/../models or ./models)\n" \
	  "  --baseline longest  longest matching on the model's word list instead\n" \
	  "  --dict FILE         with --baseline: this word list instead\n" \
	  "Ends with: segment: sentences=N words=N precision=P recall=R f1=F\n" \
	  "syllables_per_sec=N") \
	X(stories, "Sự việc (tin gần trùng) / Story grouping pairs", \
	  "loa eval stories --pairs FILE [--verbose] | --stream FILE", \
	  "Story grouping (near duplicates; docs/rooms/analyze.md): each pair goes\n" \
	  "through a fresh index and counts as predicted same when both texts land\n" \
	  "in one story (\"related\" counts as not same).\n" \
	  "  --pairs FILE   JSON lines {\"a\", \"b\", \"label\": same|related|different}\n" \
	  "                 (-: stdin); any bad line makes the exit status 1\n" \
	  "  --verbose      a line per pair: line, label, same|apart, score, Jaccard\n" \
	  "  --stream FILE  instead, the grouping's speed: one text a line (or JSON\n" \
	  "                 objects with \"text\"), read into memory first; ends with\n" \
	  "                 stories: texts=N stories=N seconds=S texts_per_second=N\n" \
	  "                 mb_per_second=X wall_seconds=S wall_texts_per_second=N\n" \
	  "Prints a line per label (pairs=N predicted_same=N), then speed: texts=N\n" \
	  "seconds=S texts_per_second=N.\n" \
	  "Ends with: stories: pairs=N precision=P recall=R f1=F")

#define LOA_EVAL_DECL(name, summary, usage, help) \
	int cmd_eval_##name(loa_ctx *ctx, int argc, char **argv);
LOA_EVAL_SUBCOMMANDS(LOA_EVAL_DECL)
#undef LOA_EVAL_DECL

/* Usage line of an eval sub-command ("loa eval normalize …"), or NULL. */
const char *cmd_eval_usage(const char *name);
/* The family's table and words (cli_family_*). */
extern const loa_family cmd_eval_family;

#endif
