/*
 * cmd_classify.c - the text classifier on the command line (analysis
 * room): `loa classify`, `loa train classify`, `loa eval classify`.
 * Files are TSV "label<TAB>text", one a line (SPEC §4).
 */
#include "analyze/classify.h"
#include "analyze/embed.h"
#include "analyze/pipeline.h"
#include "cli/cli.h"
#include "cli/cmd_eval.h"
#include "cli/cmd_train.h"
#include "core/buf.h"
#include "core/ltime.h"
#include "core/paths.h"
#include "core/progress.h"
#include "core/str.h"
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define LINE_MAX_BYTES ((size_t)1 << 20) /* longer lines: the rest is ignored */

/* Reads lines with a cap: a line longer than the buffer is cut (the rest
 * is skipped) and *cut is set. Returns the length, or -1 at end of file. */
typedef struct line_reader {
	FILE *f;
	char *buf;
	size_t cap;
	uint64_t lineno;
} line_reader;

static int lr_open(line_reader *r, const char *path)
{
	memset(r, 0, sizeof *r);
	r->f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!r->f)
		return LOA_EIO;
	r->cap = LINE_MAX_BYTES + 2;
	r->buf = malloc(r->cap);
	if (!r->buf) {
		if (r->f != stdin)
			fclose(r->f);
		return LOA_ENOMEM;
	}
	return LOA_OK;
}

static void lr_close(line_reader *r)
{
	if (r->f && r->f != stdin)
		fclose(r->f);
	free(r->buf);
	memset(r, 0, sizeof *r);
}

static long lr_next(line_reader *r, bool *cut)
{
	*cut = false;
	if (!fgets(r->buf, (int)r->cap, r->f))
		return -1;
	r->lineno++;
	size_t n = strlen(r->buf); /* a NUL inside the line shortens it: harmless */
	if (n && r->buf[n - 1] == '\n') {
		n--;
	} else if (!feof(r->f)) {
		/* too long: skip to the end of the line */
		*cut = true;
		int ch;
		while ((ch = getc(r->f)) != EOF && ch != '\n')
			;
	}
	if (n && r->buf[n - 1] == '\r')
		n--;
	r->buf[n] = '\0';
	return (long)n;
}

/* A model argument is a path, or the name of a default model ("tone" ->
 * tone.model looked up by loa_model_path) when no such file exists. */
static int open_model(const char *cmd, const char *arg, loa_cls_model **m)
{
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_cls_model_load(m, arg, &err);
	if (rc == LOA_ENOTFOUND && !strchr(arg, '/')) {
		loa_buf p;
		loa_buf_init(&p, LOA_PATH_MAX);
		char name[128];
		size_t al = strlen(arg);
		bool has_ext = al > 6 && strcmp(arg + al - 6, ".model") == 0;
		snprintf(name, sizeof name, "%s%s", arg, has_ext ? "" : ".model");
		loa_err e2;
		loa_err_clear(&e2);
		if (loa_model_path(name, &p, &e2) == LOA_OK)
			rc = loa_cls_model_load(m, p.data, &err);
		loa_buf_release(&p);
	}
	if (rc)
		cli_fail(cmd, "%s", loa_err_msg(&err));
	return rc;
}

/* ---- loa classify --------------------------------------------------------- */

int cmd_classify(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_MODEL = CLI_OPT_FIRST_FREE, O_ALL };
	static const struct option opts[] = {
		{"model", required_argument, NULL, O_MODEL},
		{"all", no_argument, NULL, O_ALL},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("classify");
	const char *model_arg = NULL;
	bool all = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case O_MODEL: model_arg = optarg; break;
		case O_ALL: all = true; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (!model_arg)
		return cli_usage_error("classify", "cần --model / --model is required");
	const char *input = optind < argc ? argv[optind] : "-";
	if (optind + 1 < argc)
		return cli_usage_error("classify", "thừa tham số / too many arguments");
	loa_cls_model *m = NULL;
	if (open_model("classify", model_arg, &m))
		return LOA_EXIT_FAIL;
	loa_classifier *cl = loa_classifier_new(m);
	line_reader r;
	int rc = cl ? lr_open(&r, input) : LOA_ENOMEM;
	if (rc) {
		loa_classifier_free(cl);
		loa_cls_model_free(m);
		return cli_fail("classify", "không đọc được / cannot read: %s: %s", input,
				rc == LOA_EIO ? strerror(errno) : loa_strerror(rc));
	}
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	unsigned k = loa_cls_model_classes(m);
	const char *labels[LOA_CLS_MAX_CLASSES];
	for (unsigned q = 0; q < k; q++)
		labels[q] = loa_cls_model_label(m, q);
	long n;
	bool cut;
	int status = LOA_EXIT_OK;
	while ((n = lr_next(&r, &cut)) >= 0) {
		loa_cls_result res;
		if (loa_classify(cl, r.buf, (size_t)n, &res)) {
			status = cli_fail("classify", "hết bộ nhớ / out of memory (dòng / line %llu)",
					  (unsigned long long)r.lineno);
			break;
		}
		if (all) {
			fputs(loa_cls_model_label(m, res.label), stdout);
			for (unsigned q = 0; q < k; q++)
				printf("\t%s=%.4f", loa_cls_model_label(m, q), res.probs[q]);
			putchar('\n');
		} else {
			/* "label<TAB>0.1234": formatted by hand, printf is a tenth of the time here */
			char num[8];
			unsigned v = (unsigned)(res.prob * 10000.0 + 0.5);
			if (v > 10000)
				v = 10000;
			num[0] = (char)('0' + v / 10000);
			num[1] = '.';
			num[2] = (char)('0' + v / 1000 % 10);
			num[3] = (char)('0' + v / 100 % 10);
			num[4] = (char)('0' + v / 10 % 10);
			num[5] = (char)('0' + v % 10);
			num[6] = '\n';
			fputs(labels[res.label], stdout);
			putchar('\t');
			fwrite(num, 1, 7, stdout);
		}
	}
	if (fflush(stdout) != 0)
		status = cli_fail("classify", "không ghi được / cannot write output");
	lr_close(&r);
	loa_classifier_free(cl);
	loa_cls_model_free(m);
	return status;
}

/* ---- loa train classify ------------------------------------------------- */

static void train_progress(void *user, uint64_t done, uint64_t total)
{
	loa_progress *p = user;
	p->total = total;
	loa_progress_update(p, done);
}

static int parse_range(const char *s, unsigned *lo, unsigned *hi)
{
	loa_str v = loa_str_c(s);
	loa_str a = loa_str_split(&v, '-');
	int64_t x, y;
	if (loa_parse_i64n(a, &x))
		return -1;
	if (v.n == 0)
		y = x;
	else if (loa_parse_i64n(v, &y))
		return -1;
	if (x < 0 || y < x || y > 8 || (x == 0 && y != 0))
		return -1;
	*lo = (unsigned)x;
	*hi = (unsigned)y;
	return 0;
}

/* Evaluates m on a TSV file, printing per-class lines when verbose, then
 * "PREFIX: n=… accuracy=… macro_f1=…". Returns an exit status. */
static int eval_file(const char *cmd, const char *prefix, const loa_cls_model *m,
		     const char *path, bool per_class)
{
	line_reader r;
	int rc = lr_open(&r, path);
	if (rc)
		return cli_fail(cmd, "không đọc được / cannot read: %s: %s", path,
				rc == LOA_EIO ? strerror(errno) : loa_strerror(rc));
	loa_classifier *cl = loa_classifier_new(m);
	unsigned k = loa_cls_model_classes(m);
	/* gold labels the model does not know become extra classes */
	char *extra[LOA_CLS_MAX_CLASSES];
	unsigned nextra = 0;
	const unsigned kmax = 2 * LOA_CLS_MAX_CLASSES;
	uint64_t *conf = calloc((size_t)kmax * kmax, sizeof *conf);
	if (!cl || !conf) {
		loa_classifier_free(cl);
		free(conf);
		lr_close(&r);
		return cli_fail(cmd, "hết bộ nhớ / out of memory");
	}
	uint64_t n = 0, bad = 0;
	long len;
	bool cut;
	uint64_t t0 = loa_mono_ns();
	int status = LOA_EXIT_OK;
	while ((len = lr_next(&r, &cut)) >= 0) {
		if (len == 0)
			continue;
		loa_str lab, text;
		if (loa_cls_parse_line(r.buf, (size_t)len, &lab, &text)) {
			if (bad < 20)
				fprintf(stderr, "loa %s: %s:%llu: dòng hỏng, cần 'nhãn<TAB>văn bản' / bad line, "
					"expected 'label<TAB>text'\n", cmd, path,
					(unsigned long long)r.lineno);
			bad++;
			continue;
		}
		int g = loa_cls_model_find(m, lab.p, lab.n);
		if (g < 0) {
			unsigned e;
			for (e = 0; e < nextra; e++)
				if (strlen(extra[e]) == lab.n && memcmp(extra[e], lab.p, lab.n) == 0)
					break;
			if (e == nextra) {
				if (nextra == LOA_CLS_MAX_CLASSES) {
					status = cli_fail(cmd, "quá nhiều nhãn lạ / too many unknown labels");
					break;
				}
				extra[nextra] = malloc(lab.n + 1);
				if (!extra[nextra]) {
					status = cli_fail(cmd, "hết bộ nhớ / out of memory");
					break;
				}
				memcpy(extra[nextra], lab.p, lab.n);
				extra[nextra][lab.n] = '\0';
				nextra++;
			}
			g = (int)(k + e);
		}
		loa_cls_result res;
		if (loa_classify(cl, text.p, text.n, &res)) {
			status = cli_fail(cmd, "hết bộ nhớ / out of memory");
			break;
		}
		conf[(size_t)g * kmax + res.label]++;
		n++;
	}
	double secs = (double)(loa_mono_ns() - t0) / 1e9;
	if (bad > 20)
		fprintf(stderr, "loa %s: … %llu dòng hỏng / bad lines in all\n", cmd,
			(unsigned long long)bad);
	if (status == LOA_EXIT_OK) {
		unsigned kk = k + nextra;
		uint64_t *cf = calloc((size_t)kk * kk, sizeof *cf);
		loa_cls_prf *prf = calloc(kk, sizeof *prf);
		if (!cf || !prf) {
			status = cli_fail(cmd, "hết bộ nhớ / out of memory");
		} else {
			for (unsigned a = 0; a < kk; a++)
				for (unsigned b = 0; b < kk; b++)
					cf[a * kk + b] = conf[(size_t)a * kmax + b];
			double acc, mf = loa_cls_scores(cf, kk, prf, &acc);
			if (per_class)
				for (unsigned q = 0; q < kk; q++)
					printf("%-16s precision=%.4f recall=%.4f f1=%.4f support=%llu\n",
					       q < k ? loa_cls_model_label(m, q) : extra[q - k],
					       prf[q].precision, prf[q].recall, prf[q].f1,
					       (unsigned long long)prf[q].support);
			if (n == 0)
				status = cli_fail(cmd, "không có dòng hợp lệ / no valid lines in %s", path);
			fprintf(stderr, "loa %s: %llu văn bản trong %.3f s / texts in %.3f s (%.0f/s)%s\n",
				cmd, (unsigned long long)n, secs, secs, secs > 0 ? (double)n / secs : 0.0,
				bad ? "; có dòng hỏng / some lines were bad" : "");
			printf("%s: n=%llu accuracy=%.4f macro_f1=%.4f\n", prefix, (unsigned long long)n,
			       acc, mf);
		}
		free(cf);
		free(prf);
	}
	for (unsigned e = 0; e < nextra; e++)
		free(extra[e]);
	free(conf);
	loa_classifier_free(cl);
	lr_close(&r);
	return status;
}

/* Analysts' labels (loa label) as training rows: loa train classify
 * --labels-from DB [--task tone|toxicity]. */
typedef struct label_rows {
	loa_cls_trainer *t;
	loa_err *err;
	uint64_t n;
} label_rows;

static int add_label_row(void *arg, int64_t item, const char *label, const char *text,
			 const char *by, loa_ms at)
{
	label_rows *lr = arg;
	if (loa_cls_trainer_add(lr->t, label, strlen(label), text, strlen(text), lr->err))
		return LOA_EINVAL;
	lr->n++;
	return 0;
}

int cmd_train_classify(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_TRAIN = CLI_OPT_FIRST_FREE, O_DEV, O_OUT, O_C, O_TUNE_C, O_FOLDS, O_MIN_DF,
	       O_MAX_FEAT, O_WORDS, O_CHARS, O_FOLD, O_NO_BAL, O_OFFSETS, O_LEN, O_ITER, O_SEED,
	       O_NOTE, O_WW, O_WC, O_WF, O_FOLD_WORDS, O_NO_OFFSETS, O_LABELS_FROM, O_TASK, O_NB, O_NO_NB,
	       O_BAG, O_NO_BAG, O_NESTED, O_STACK, O_NO_STACK, O_NEG, O_EMBED, O_DENSE_C };
	static const struct option opts[] = {
		{"train", required_argument, NULL, O_TRAIN},
		{"dev", required_argument, NULL, O_DEV},
		{"out", required_argument, NULL, O_OUT},
		{"c", required_argument, NULL, O_C},
		{"tune-c", no_argument, NULL, O_TUNE_C},
		{"folds", required_argument, NULL, O_FOLDS},
		{"min-df", required_argument, NULL, O_MIN_DF},
		{"max-features", required_argument, NULL, O_MAX_FEAT},
		{"words", required_argument, NULL, O_WORDS},
		{"chars", required_argument, NULL, O_CHARS},
		{"fold-chars", required_argument, NULL, O_FOLD},
		{"fold-words", required_argument, NULL, O_FOLD_WORDS},
		{"weight-words", required_argument, NULL, O_WW},
		{"weight-chars", required_argument, NULL, O_WC},
		{"weight-fold", required_argument, NULL, O_WF},
		{"no-balance", no_argument, NULL, O_NO_BAL},
		{"offsets", no_argument, NULL, O_OFFSETS},
		{"no-offsets", no_argument, NULL, O_NO_OFFSETS},
		{"nb", no_argument, NULL, O_NB},
		{"no-nb", no_argument, NULL, O_NO_NB},
		{"stack", no_argument, NULL, O_STACK},
		{"no-stack", no_argument, NULL, O_NO_STACK},
		{"bag", no_argument, NULL, O_BAG},
		{"no-bag", no_argument, NULL, O_NO_BAG},
		{"nested-cv", required_argument, NULL, O_NESTED},
		{"neg-scope", required_argument, NULL, O_NEG},
		{"embed", required_argument, NULL, O_EMBED},
		{"dense-c", required_argument, NULL, O_DENSE_C},
		{"length", required_argument, NULL, O_LEN},
		{"iter", required_argument, NULL, O_ITER},
		{"seed", required_argument, NULL, O_SEED},
		{"note", required_argument, NULL, O_NOTE},
		{"labels-from", required_argument, NULL, O_LABELS_FROM},
		{"task", required_argument, NULL, O_TASK},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("train");
	const char *train = NULL, *dev = NULL, *out = NULL, *note = NULL;
	const char *labels_from = NULL, *task = "tone"; /* analysts' labels (loa label) */
	const char *embed = NULL;                        /* word vectors: the dense view */
	loa_cls_opts o;
	loa_cls_opts_default(&o);
	int c;
	int64_t iv;
	double dv;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case O_TRAIN: train = optarg; break;
		case O_DEV: dev = optarg; break;
		case O_OUT: out = optarg; break;
		case O_NOTE: note = optarg; break;
		case O_LABELS_FROM: labels_from = optarg; break;
		case O_TASK: task = optarg; break;
		case O_EMBED: embed = optarg; break;
		case O_DENSE_C:
			if (loa_parse_double(optarg, &dv) || !(dv > 0) || dv > 1e6)
				return cli_usage_error("train classify", "--dense-c phải là số dương / must be positive");
			o.dense_c = dv;
			break;
		case O_TUNE_C: o.tune_c = true; break;
		case O_NO_BAL: o.balanced = false; break;
		case O_OFFSETS: o.tune_offsets = true; break;
		case O_NO_OFFSETS: o.tune_offsets = false; break;
		case O_NB: o.nb = true; break;
		case O_NO_NB: o.nb = false; break;
		case O_STACK: o.stack = true; break;
		case O_NO_STACK: o.stack = false; break;
		case O_BAG: o.bag = true; break;
		case O_NO_BAG: o.bag = false; break;
		case O_NEG:
			if (loa_parse_i64(optarg, &iv) || iv < 0 || iv > LOA_CLS_NEG_SCOPE_MAX)
				return cli_usage_error("train classify", "--neg-scope phải từ 0 đến %u / must be 0..%u",
						       LOA_CLS_NEG_SCOPE_MAX, LOA_CLS_NEG_SCOPE_MAX);
			o.neg_scope = (unsigned)iv;
			break;
		case O_NESTED:
			if (loa_parse_i64(optarg, &iv) || iv < 2 || iv > 20)
				return cli_usage_error("train classify", "--nested-cv phải từ 2 đến 20 / must be 2..20");
			o.nested = (unsigned)iv;
			break;
		case O_C:
			if (loa_parse_double(optarg, &dv) || !(dv > 0) || dv > 1e6)
				return cli_usage_error("train classify", "--c phải là số dương / must be positive");
			o.c = dv;
			break;
		case O_LEN:
		case O_WW:
		case O_WC:
		case O_WF:
			if (loa_parse_double(optarg, &dv) || !(dv >= 0) || dv > 100)
				return cli_usage_error("train classify", "giá trị phải từ 0 đến 100 / value must be 0..100: %s",
						       optarg);
			if (c == O_LEN)
				o.len_value = (float)dv;
			else if (c == O_WW)
				o.w_word = (float)dv;
			else if (c == O_WC)
				o.w_char = (float)dv;
			else
				o.w_fold = (float)dv;
			break;
		case O_FOLDS:
			if (loa_parse_i64(optarg, &iv) || iv < 0 || iv > 20)
				return cli_usage_error("train classify", "--folds phải từ 0 đến 20 / must be 0..20");
			o.folds = (unsigned)iv;
			break;
		case O_MIN_DF:
			if (loa_parse_i64(optarg, &iv) || iv < 1 || iv > 1000000)
				return cli_usage_error("train classify", "--min-df phải >= 1 / must be >= 1");
			o.min_df = (unsigned)iv;
			break;
		case O_MAX_FEAT:
			if (loa_parse_i64(optarg, &iv) || iv < 0 || iv > 100000000)
				return cli_usage_error("train classify", "--max-features không hợp lệ / invalid");
			o.max_features = (unsigned)iv;
			break;
		case O_WORDS:
			if (loa_parse_i64(optarg, &iv) || iv < 0 || iv > 3)
				return cli_usage_error("train classify", "--words phải từ 0 đến 3 / must be 0..3");
			o.word_max = (unsigned)iv;
			break;
		case O_CHARS:
			if (parse_range(optarg, &o.char_min, &o.char_max))
				return cli_usage_error("train classify", "--chars cần MIN-MAX (0-8) / expects MIN-MAX (0-8)");
			break;
		case O_FOLD:
			if (parse_range(optarg, &o.fold_min, &o.fold_max))
				return cli_usage_error("train classify",
						       "--fold-chars cần MIN-MAX (0-8) / expects MIN-MAX (0-8)");
			break;
		case O_FOLD_WORDS:
			if (loa_parse_i64(optarg, &iv) || iv < 0 || iv > 2)
				return cli_usage_error("train classify", "--fold-words phải từ 0 đến 2 / must be 0..2");
			o.fold_words = (unsigned)iv;
			break;
		case O_ITER:
			if (loa_parse_i64(optarg, &iv) || iv < 1 || iv > 10000)
				return cli_usage_error("train classify", "--iter phải từ 1 đến 10000 / must be 1..10000");
			o.max_iter = (unsigned)iv;
			break;
		case O_SEED:
			if (loa_parse_i64(optarg, &iv) || iv < 1)
				return cli_usage_error("train classify", "--seed phải là số dương / must be positive");
			o.seed = (uint64_t)iv;
			break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if ((!train && !labels_from) || !out || optind < argc) {
		return cli_usage_error("train classify",
				       "cần --train và --out / --train and --out are required");
	}
	char notebuf[LOA_CLS_NOTE_MAX];
	if (!note) {
		const char *base = train ? strrchr(train, '/') : NULL;
		snprintf(notebuf, sizeof notebuf,
			 "train=%s%s c=%g%s folds=%u min_df=%u words=1-%u chars=%u-%u fold_chars=%u-%u "
			 "fold_words=1-%u len=%g%s%s%s%s%s%s",
			 base ? base + 1 : train ? train : "",
			 labels_from ? (train ? "+analysts' labels" : "analysts' labels") : "", o.c, o.tune_c ? "(tuned)" : "", o.folds, o.min_df,
			 o.word_max, o.char_min, o.char_max, o.fold_min, o.fold_max, o.fold_words,
			 (double)o.len_value,
			 o.balanced ? " balanced" : "", o.tune_offsets ? " offsets" : "",
			 o.nb ? " nb" : "",
			 o.nb && o.stack && o.folds >= 2 ? " stack" : o.bag && o.folds >= 2 ? " bag" : "",
			 embed ? " dense=" : "", embed ? (strrchr(embed, '/') ? strrchr(embed, '/') + 1 : embed) : "");
		note = notebuf;
	}
	o.note = note;
	loa_progress p;
	loa_progress_init(&p, "huấn luyện / training", 0);
	if (!ctx->quiet) {
		o.progress = train_progress;
		o.progress_user = &p;
	}
	loa_err err;
	loa_err_clear(&err);
	loa_embed *emb = NULL;
	if (embed && loa_embed_load(&emb, embed, &err))
		return cli_fail("train", "%s", loa_err_msg(&err));
	o.embed = emb;
	loa_cls_trainer *t = NULL;
	if (loa_cls_trainer_new(&t, &o, &err)) {
		loa_embed_free(emb);
		return cli_fail("train", "%s", loa_err_msg(&err));
	}
	line_reader r;
	int rc = train ? lr_open(&r, train) : LOA_OK;
	if (rc) {
		loa_cls_trainer_free(t);
		loa_embed_free(emb);
		return cli_fail("train", "không đọc được / cannot read: %s: %s", train,
				rc == LOA_EIO ? strerror(errno) : loa_strerror(rc));
	}
	uint64_t bad = 0;
	long len;
	bool cut;
	int status = LOA_EXIT_OK;
	while (train && (len = lr_next(&r, &cut)) >= 0) {
		if (len == 0)
			continue;
		loa_str lab, text;
		if (loa_cls_parse_line(r.buf, (size_t)len, &lab, &text)) {
			if (bad < 20)
				fprintf(stderr, "loa train classify: %s:%llu: dòng hỏng, cần 'nhãn<TAB>văn bản' / "
					"bad line, expected 'label<TAB>text'\n", train,
					(unsigned long long)r.lineno);
			bad++;
			continue;
		}
		if (loa_cls_trainer_add(t, lab.p, lab.n, text.p, text.n, &err)) {
			status = cli_fail("train", "%s:%llu: %s", train, (unsigned long long)r.lineno,
					  loa_err_msg(&err));
			break;
		}
	}
	if (train)
		lr_close(&r);
	if (status == LOA_EXIT_OK && labels_from) {
		loa_store *st = NULL;
		label_rows lr = {t, &err, 0};
		if (loa_store_open(labels_from, LOA_STORE_NO_CREATE, &st, &err) ||
		    loa_labels_each(st, task, add_label_row, &lr, &err))
			status = cli_fail("train", "%s: %s", labels_from, loa_err_msg(&err));
		else
			fprintf(stderr, "loa train classify: %llu nhãn của cán bộ / analysts' labels "
				"(%s) from %s\n", (unsigned long long)lr.n, task, labels_from);
		loa_store_close(st);
	}
	if (bad > 20)
		fprintf(stderr, "loa train classify: … %llu dòng hỏng / bad lines in all\n",
			(unsigned long long)bad);
	loa_cls_model *m = NULL;
	loa_cls_cv cv = {0};
	uint64_t t0 = loa_mono_ns();
	if (status == LOA_EXIT_OK) {
		rc = loa_cls_trainer_run(t, &m, &cv, &err);
		loa_progress_end(&p);
		if (rc)
			status = cli_fail("train", "%s", loa_err_msg(&err));
	}
	double secs = (double)(loa_mono_ns() - t0) / 1e9;
	if (status == LOA_EXIT_OK && loa_cls_model_save(m, out, &err))
		status = cli_fail("train", "%s", loa_err_msg(&err));
	if (status == LOA_EXIT_OK && dev)
		status = eval_file("train classify", "dev", m, dev, true);
	if (status == LOA_EXIT_OK) {
		loa_buf img;
		loa_buf_init(&img, LOA_CLS_MODEL_MAX);
		loa_cls_model_write(m, &img);
		printf("train classify: n=%zu classes=%u features=%zu c=%g cv_folds=%u cv_accuracy=%.4f "
		       "cv_macro_f1=%.4f cv_macro_f1_offsets=%.4f temperature=%.3f cv_nll=%.4f stacked=%d "
		       "dense=%u bytes=%zu seconds=%.1f bad_lines=%llu\n",
		       loa_cls_trainer_count(t), loa_cls_model_classes(m), loa_cls_model_features(m),
		       cv.c, cv.folds, cv.accuracy, cv.macro_f1, cv.macro_f1_offsets, cv.temperature,
		       cv.nll, cv.stacked ? 1 : 0, loa_cls_model_dense_dim(m), img.len, secs,
		       (unsigned long long)bad);
		if (emb && !loa_cls_model_dense_dim(m))
			fprintf(stderr, "loa train classify: --embed không dùng: lớp dày cần xếp chồng "
				"(từ %u văn bản, --folds >= 2) / --embed not used: the dense view needs "
				"stacking (%u texts or more, --folds >= 2)\n",
				LOA_CLS_STACK_MIN_TEXTS, LOA_CLS_STACK_MIN_TEXTS);
		loa_buf_release(&img);
		if (cv.nested_folds)
			printf("train classify: nested_folds=%u nested_macro_f1_single=%.4f "
			       "nested_macro_f1_bag=%.4f nested_macro_f1_fold_models=%.4f nested_macro_f1_stack=%.4f\n",
			       cv.nested_folds, cv.nested_single, cv.nested_bag, cv.nested_fold_models,
			       cv.nested_stack);
	}
	loa_cls_model_free(m);
	loa_cls_trainer_free(t);
	loa_embed_free(emb);
	return status;
}

/* ---- loa eval classify -------------------------------------------------- */

int cmd_eval_classify(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_MODEL = CLI_OPT_FIRST_FREE, O_GOLD };
	static const struct option opts[] = {
		{"model", required_argument, NULL, O_MODEL},
		{"gold", required_argument, NULL, O_GOLD},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("eval");
	const char *model_arg = NULL, *gold = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case O_MODEL: model_arg = optarg; break;
		case O_GOLD: gold = optarg; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (!model_arg || !gold || optind < argc) {
		fprintf(stderr, "loa eval classify: cần --model và --gold / --model and --gold are required\n"
				"Cách dùng / usage: %s\n", cmd_eval_usage("classify"));
		return LOA_EXIT_USAGE;
	}
	loa_cls_model *m = NULL;
	if (open_model("eval classify", model_arg, &m))
		return LOA_EXIT_FAIL;
	int status = eval_file("eval classify", "classify", m, gold, true);
	loa_cls_model_free(m);
	return status;
}
