/*
 * cmd_segment.c - the word segmenter's commands: `loa segment` (stdin to
 * stdout), `loa train segment` (hook of cmd_train.c) and
 * `loa eval segment` (hook of cmd_eval.c).
 */
#include "cli/cli.h"
#include "cli/cmd_eval.h"
#include "cli/cmd_train.h"
#include "core/ltime.h"
#include "core/paths.h"
#include "core/progress.h"
#include "core/str.h"
#include "text/segment.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define SEG_DEFAULT_MODEL "segment.model"
#define GOLD_FILE_MAX ((size_t)1 << 30) /* 1 GiB of gold text */
#define GOLD_LINE_UNITS 65536u

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Loads --model or the default model; prints the error. */
static int load_model(const char *cmd, const char *path, loa_seg_model **m)
{
	loa_err err;
	loa_err_clear(&err);
	loa_buf pb;
	loa_buf_init(&pb, LOA_PATH_MAX + 64);
	if (!path) {
		if (loa_model_path(SEG_DEFAULT_MODEL, &pb, &err)) {
			loa_buf_release(&pb);
			return cli_fail(cmd, "%s", loa_err_msg(&err));
		}
		path = pb.data;
	}
	int rc = loa_seg_model_load(m, path, &err);
	loa_buf_release(&pb);
	if (rc)
		return cli_fail(cmd, "%s", loa_err_msg(&err));
	return LOA_EXIT_OK;
}

/* Reads a whole file (gold data) into b. */
static int slurp(const char *cmd, const char *path, loa_buf *b)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return cli_fail(cmd, "không mở được tệp / cannot open file: %s", path);
	loa_buf_init(b, GOLD_FILE_MAX);
	char chunk[65536];
	size_t n;
	int rc = LOA_EXIT_OK;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (loa_buf_append(b, chunk, n)) {
			rc = cli_fail(cmd, "tệp quá lớn / file too big: %s", path);
			break;
		}
	if (!rc && ferror(f))
		rc = cli_fail(cmd, "không đọc được tệp / cannot read file: %s", path);
	if (f != stdin)
		fclose(f);
	if (rc)
		loa_buf_release(b);
	return rc;
}

/* ---- loa segment ------------------------------------------------------------ */

static int flush_out(loa_buf *out)
{
	if (out->len && fwrite(out->data, 1, out->len, stdout) != out->len)
		return -1;
	loa_buf_reset(out);
	return 0;
}

int cmd_segment(loa_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"model", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("segment");
	const char *model_path = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:h", opts, NULL)) != -1) {
		if (c == 'm') {
			model_path = optarg;
		} else if (c == 'h') {
			printf("Cách dùng / usage: %s\n\n%s\n", self->usage, self->help);
			return LOA_EXIT_OK;
		} else {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
	}
	if (optind != argc)
		return cli_usage_error("segment", "thừa tham số / unexpected argument: %s", argv[optind]);
	loa_seg_model *m = NULL;
	int rc = load_model("segment", model_path, &m);
	if (rc)
		return rc;
	loa_segmenter *s = loa_segmenter_new(m, NULL);
	if (!s) {
		loa_seg_model_free(m);
		return cli_fail("segment", "hết bộ nhớ / out of memory");
	}
	loa_buf out;
	loa_buf_init(&out, (size_t)64 << 20);
	char chunk[65536];
	size_t n;
	bool open_line = false;
	int lrc = LOA_OK;
	while (!lrc && (n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
		size_t i = 0;
		while (i < n && !lrc) {
			const char *nl = memchr(chunk + i, '\n', n - i);
			size_t e = nl ? (size_t)(nl - chunk) : n;
			if (e > i) {
				lrc = loa_segmenter_feed(s, chunk + i, e - i, &out);
				open_line = true;
			}
			if (nl && !lrc) {
				lrc = loa_segmenter_finish(s, &out);
				if (!lrc)
					lrc = loa_buf_putc(&out, '\n');
				open_line = false;
			}
			i = nl ? e + 1 : n;
			if (!lrc && out.len >= 65536 && flush_out(&out))
				lrc = LOA_EIO;
		}
	}
	if (!lrc && open_line) {
		lrc = loa_segmenter_finish(s, &out);
		if (!lrc)
			lrc = loa_buf_putc(&out, '\n');
	}
	if (!lrc && flush_out(&out))
		lrc = LOA_EIO;
	if (!lrc && ferror(stdin))
		lrc = LOA_EIO;
	if (fflush(stdout) != 0)
		lrc = LOA_EIO;
	loa_buf_release(&out);
	loa_segmenter_free(s);
	loa_seg_model_free(m);
	if (lrc)
		return cli_fail("segment", "lỗi khi tách từ / segmentation failed: %s",
				loa_strerror(lrc));
	return LOA_EXIT_OK;
}

/* ---- gold corpora ------------------------------------------------------------ */

typedef struct gold_set {
	loa_buf text;        /* the file(s) */
	loa_seg_unit *units; /* every unit of every sentence */
	uint8_t *begins;
	size_t nu, capu;
	size_t *sent; /* sentence starts; sent[ns] = nu */
	size_t ns, caps;
	size_t words;
} gold_set;

static void gold_release(gold_set *g)
{
	loa_buf_release(&g->text);
	free(g->units);
	free(g->begins);
	free(g->sent);
	memset(g, 0, sizeof *g);
}

/* Reads and parses a gold file. */
static int gold_load(const char *cmd, const char *path, gold_set *g)
{
	memset(g, 0, sizeof *g);
	int rc = slurp(cmd, path, &g->text);
	if (rc)
		return rc;
	loa_seg_unit *uv = malloc(GOLD_LINE_UNITS * sizeof *uv);
	uint8_t *bv = malloc(GOLD_LINE_UNITS);
	g->caps = 1024;
	g->sent = malloc(g->caps * sizeof *g->sent);
	if (!uv || !bv || !g->sent) {
		free(uv);
		free(bv);
		gold_release(g);
		return cli_fail(cmd, "hết bộ nhớ / out of memory");
	}
	g->sent[0] = 0;
	const char *s = g->text.data ? g->text.data : "";
	size_t n = g->text.len, i = 0, lineno = 0;
	rc = LOA_EXIT_OK;
	while (i < n && !rc) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) : n;
		size_t k;
		lineno++;
		if (loa_seg_parse_gold(s + i, e - i, uv, bv, GOLD_LINE_UNITS, &k)) {
			rc = cli_fail(cmd, "%s:%zu: câu quá dài / sentence too long", path, lineno);
			break;
		}
		i = e + 1;
		if (!k)
			continue;
		if (g->nu + k > g->capu) {
			size_t nc = g->capu ? g->capu * 2 : 65536;
			while (nc < g->nu + k)
				nc *= 2;
			loa_seg_unit *nu = realloc(g->units, nc * sizeof *nu);
			if (nu)
				g->units = nu;
			uint8_t *nb = realloc(g->begins, nc);
			if (nb)
				g->begins = nb;
			if (!nu || !nb) {
				rc = cli_fail(cmd, "hết bộ nhớ / out of memory");
				break;
			}
			g->capu = nc;
		}
		if (g->ns + 2 > g->caps) {
			size_t *ns = realloc(g->sent, g->caps * 2 * sizeof *ns);
			if (!ns) {
				rc = cli_fail(cmd, "hết bộ nhớ / out of memory");
				break;
			}
			g->sent = ns;
			g->caps *= 2;
		}
		memcpy(g->units + g->nu, uv, k * sizeof *uv);
		memcpy(g->begins + g->nu, bv, k);
		for (size_t j = 0; j < k; j++)
			g->words += bv[j];
		g->nu += k;
		g->sent[++g->ns] = g->nu;
	}
	free(uv);
	free(bv);
	if (rc)
		gold_release(g);
	return rc;
}

typedef struct prf {
	size_t gold, pred, correct;
} prf;

/* Word-level counts: a word is correct when both its ends match. */
static void score(const uint8_t *gold, const uint8_t *pred, size_t n, prf *r)
{
	size_t gs = 0, ps = 0;
	for (size_t i = 0; i < n; i++) {
		bool gend = i + 1 == n || gold[i + 1], pend = i + 1 == n || pred[i + 1];
		if (gend)
			r->gold++;
		if (pend)
			r->pred++;
		if (gend && pend && gs == ps)
			r->correct++;
		if (gend)
			gs = i + 1;
		if (pend)
			ps = i + 1;
	}
}

static void prf_values(const prf *r, double *p, double *rc, double *f)
{
	*p = r->pred ? (double)r->correct / (double)r->pred : 0;
	*rc = r->gold ? (double)r->correct / (double)r->gold : 0;
	*f = *p + *rc > 0 ? 2 * *p * *rc / (*p + *rc) : 0;
}

/* Tags the whole set into pred; returns elapsed ns. */
static uint64_t tag_set(loa_segmenter *s, const gold_set *g, uint8_t *pred, bool longest)
{
	uint64_t t0 = loa_mono_ns();
	for (size_t k = 0; k < g->ns; k++) {
		size_t a = g->sent[k], n = g->sent[k + 1] - a;
		if (longest)
			loa_segmenter_longest(s, g->units + a, n, pred + a);
		else
			loa_segmenter_tag(s, g->units + a, n, pred + a);
	}
	return loa_mono_ns() - t0;
}

static void eval_set(loa_segmenter *s, const gold_set *g, uint8_t *pred, bool longest, prf *r)
{
	memset(r, 0, sizeof *r);
	tag_set(s, g, pred, longest);
	for (size_t k = 0; k < g->ns; k++) {
		size_t a = g->sent[k], n = g->sent[k + 1] - a;
		score(g->begins + a, pred + a, n, r);
	}
}

/* ---- loa train segment --------------------------------------------------------- */

typedef struct train_cb {
	loa_progress prog;
	gold_set *dev;
	uint8_t *pred;
	double last_f1;
	bool quiet;
} train_cb;

static void on_progress(void *user, uint64_t done, uint64_t total)
{
	train_cb *cb = user;
	loa_progress_update(&cb->prog, done);
}

static void on_epoch(void *user, unsigned epoch, const loa_seg_model *snap)
{
	train_cb *cb = user;
	if (!cb->dev)
		return;
	loa_segmenter *s = loa_segmenter_new(snap, NULL);
	if (!s)
		return;
	prf r;
	eval_set(s, cb->dev, cb->pred, false, &r);
	loa_segmenter_free(s);
	double p, rc, f;
	prf_values(&r, &p, &rc, &f);
	cb->last_f1 = f;
	if (!cb->quiet) {
		if (cb->prog.tty)
			fprintf(stderr, "\r\033[K");
		fprintf(stderr, "vòng / epoch %u: dev precision=%.4f recall=%.4f f1=%.4f\n", epoch, p,
			rc, f);
	}
}

int cmd_train_segment(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_GOLD = CLI_OPT_FIRST_FREE, O_DICT, O_DEV, O_EPOCHS, O_OUT, O_BITS, O_SEED };
	static const struct option opts[] = {
		{"gold", required_argument, NULL, O_GOLD},
		{"dict", required_argument, NULL, O_DICT},
		{"dev", required_argument, NULL, O_DEV},
		{"epochs", required_argument, NULL, O_EPOCHS},
		{"bits", required_argument, NULL, O_BITS},
		{"seed", required_argument, NULL, O_SEED},
		{"out", required_argument, NULL, O_OUT},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const char *usage = cmd_train_usage("segment");
	const loa_cmd *self = loa_cli_find("train");
	const char *golds[64];
	int ngold = 0;
	const char *dict_path = NULL, *dev_path = NULL, *out_path = NULL;
	int64_t epochs = 10, bits = 20, seed = 1;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case O_GOLD:
			if (ngold == 64)
				return cli_usage_error("train segment", "quá nhiều tệp / too many gold files");
			golds[ngold++] = optarg;
			break;
		case O_DICT: dict_path = optarg; break;
		case O_DEV: dev_path = optarg; break;
		case O_OUT: out_path = optarg; break;
		case O_EPOCHS:
			if (loa_parse_i64(optarg, &epochs) || epochs < 1 || epochs > 1000)
				return cli_usage_error("train segment", "--epochs phải từ 1 đến 1000 / must be 1..1000");
			break;
		case O_BITS:
			if (loa_parse_i64(optarg, &bits) || bits < 16 || bits > 24)
				return cli_usage_error("train segment", "--bits phải từ 16 đến 24 / must be 16..24");
			break;
		case O_SEED:
			if (loa_parse_i64(optarg, &seed) || seed < 1)
				return cli_usage_error("train segment", "--seed phải là số dương / must be positive");
			break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	/* extra positional arguments are more gold files (--gold A B C) */
	for (; optind < argc; optind++) {
		if (ngold == 64)
			return cli_usage_error("train segment", "quá nhiều tệp / too many gold files");
		golds[ngold++] = argv[optind];
	}
	if (!ngold || !out_path) {
		fprintf(stderr, "loa train segment: cần --gold và --out / --gold and --out are required\n"
				"Cách dùng / usage: %s [--bits B] [--seed N]\n", usage);
		return LOA_EXIT_USAGE;
	}
	loa_err err;
	loa_err_clear(&err);
	uint64_t t0 = loa_mono_ns();
	loa_seg_dict *dict = loa_seg_dict_new();
	if (!dict)
		return cli_fail("train", "hết bộ nhớ / out of memory");
	if (dict_path && loa_seg_dict_load_file(dict, dict_path, &err)) {
		loa_seg_dict_free(dict);
		return cli_fail("train", "%s", loa_err_msg(&err));
	}
	size_t ndict = loa_seg_dict_count(dict);
	/* the note stored in the model: file names only, no machine paths */
	loa_buf note;
	loa_buf_init(&note, 8192);
	loa_buf_printf(&note, "loa train segment: gold=");
	for (int i = 0; i < ngold; i++)
		loa_buf_printf(&note, "%s%s", i ? "," : "", base_name(golds[i]));
	loa_buf_printf(&note, " dict=%s(%zu words) epochs=%lld bits=%lld seed=%lld",
		       dict_path ? base_name(dict_path) : "none", ndict, (long long)epochs,
		       (long long)bits, (long long)seed);
	train_cb cb = {0};
	cb.quiet = ctx->quiet;
	loa_seg_train_opts o = {
		.epochs = (unsigned)epochs,
		.bits = (unsigned)bits,
		.seed = (uint64_t)seed,
		.note = note.data,
		.progress = on_progress,
		.progress_user = &cb,
		.epoch_end = dev_path ? on_epoch : NULL,
		.epoch_user = &cb,
	};
	loa_seg_trainer *t;
	if (loa_seg_trainer_new(&t, &o, dict, &err)) {
		loa_buf_release(&note);
		return cli_fail("train", "%s", loa_err_msg(&err));
	}
	int rc = LOA_EXIT_OK;
	gold_set dev = {0};
	bool have_dev = false;
	for (int i = 0; i < ngold && !rc; i++) {
		loa_buf b;
		if ((rc = slurp("train", golds[i], &b)) != 0)
			break;
		const char *s = b.data ? b.data : "";
		size_t n = b.len, p = 0, lineno = 0;
		while (p < n) {
			const char *nl = memchr(s + p, '\n', n - p);
			size_t e = nl ? (size_t)(nl - s) : n;
			lineno++;
			if (loa_seg_trainer_add(t, s + p, e - p, &err)) {
				rc = cli_fail("train", "%s:%zu: %s", golds[i], lineno, loa_err_msg(&err));
				break;
			}
			p = e + 1;
		}
		loa_buf_release(&b);
	}
	if (!rc && dev_path) {
		rc = gold_load("train", dev_path, &dev);
		if (!rc) {
			have_dev = true;
			cb.dev = &dev;
			cb.pred = malloc(dev.nu ? dev.nu : 1);
			if (!cb.pred)
				rc = cli_fail("train", "hết bộ nhớ / out of memory");
		}
	}
	if (!rc && loa_seg_trainer_sentences(t) == 0)
		rc = cli_fail("train", "không có câu nào để huấn luyện / no training sentences");
	loa_seg_model *m = NULL;
	if (!rc) {
		loa_progress_init(&cb.prog, "huấn luyện / training",
				  (uint64_t)loa_seg_trainer_sentences(t) * (uint64_t)epochs);
		if (loa_seg_trainer_run(t, &m, &err))
			rc = cli_fail("train", "%s", loa_err_msg(&err));
		loa_progress_end(&cb.prog);
	}
	if (!rc && loa_seg_model_save(m, out_path, &err))
		rc = cli_fail("train", "%s", loa_err_msg(&err));
	if (!rc) {
		loa_buf mb;
		loa_buf_init(&mb, LOA_SEG_MODEL_MAX);
		size_t msize = loa_seg_model_write(m, &mb) == LOA_OK ? mb.len : 0;
		loa_buf_release(&mb);
		double secs = (double)(loa_mono_ns() - t0) / 1e9;
		printf("train segment: sentences=%zu syllables=%zu dict_words=%zu epochs=%lld "
		       "model_bytes=%zu seconds=%.1f",
		       loa_seg_trainer_sentences(t), loa_seg_trainer_units(t), ndict,
		       (long long)epochs, msize, secs);
		if (have_dev)
			printf(" dev_f1=%.4f", cb.last_f1);
		printf(" out=%s\n", out_path);
	}
	loa_seg_model_free(m);
	loa_seg_trainer_free(t);
	free(cb.pred);
	if (have_dev)
		gold_release(&dev);
	loa_buf_release(&note);
	return rc;
}

/* ---- loa eval segment ------------------------------------------------------------ */

int cmd_eval_segment(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_GOLD = CLI_OPT_FIRST_FREE, O_MODEL, O_BASELINE, O_DICT };
	static const struct option opts[] = {
		{"gold", required_argument, NULL, O_GOLD},
		{"model", required_argument, NULL, O_MODEL},
		{"baseline", required_argument, NULL, O_BASELINE},
		{"dict", required_argument, NULL, O_DICT},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	static const char usage[] =
		"loa eval segment --gold FILE [--model MODEL] [--baseline longest [--dict FILE]]";
	const loa_cmd *self = loa_cli_find("eval");
	const char *gold_path = NULL, *model_path = NULL, *dict_path = NULL;
	bool longest = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case O_GOLD: gold_path = optarg; break;
		case O_MODEL: model_path = optarg; break;
		case O_DICT: dict_path = optarg; break;
		case O_BASELINE:
			if (strcmp(optarg, "longest") != 0) {
				fprintf(stderr, "loa eval segment: chỉ có --baseline longest / only "
						"--baseline longest\nCách dùng / usage: %s\n", usage);
				return LOA_EXIT_USAGE;
			}
			longest = true;
			break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (!gold_path || optind != argc || (dict_path && !longest)) {
		fprintf(stderr, "loa eval segment: %s\nCách dùng / usage: %s\n",
			!gold_path ? "cần --gold / --gold is required"
				   : "tham số không hợp lệ / bad arguments",
			usage);
		return LOA_EXIT_USAGE;
	}
	loa_err err;
	loa_err_clear(&err);
	loa_seg_model *m = NULL;
	loa_seg_dict *dict = NULL;
	int rc;
	if (longest && dict_path) {
		dict = loa_seg_dict_new();
		if (!dict)
			return cli_fail("eval", "hết bộ nhớ / out of memory");
		if (loa_seg_dict_load_file(dict, dict_path, &err)) {
			loa_seg_dict_free(dict);
			return cli_fail("eval", "%s", loa_err_msg(&err));
		}
	} else if ((rc = load_model("eval", model_path, &m)) != 0) {
		return rc;
	}
	gold_set g;
	if ((rc = gold_load("eval", gold_path, &g)) != 0) {
		loa_seg_model_free(m);
		loa_seg_dict_free(dict);
		return rc;
	}
	loa_segmenter *s = loa_segmenter_new(longest ? NULL : m, dict ? dict : m ? loa_seg_model_dict(m) : NULL);
	uint8_t *pred = malloc(g.nu ? g.nu : 1);
	if (!s || !pred) {
		free(pred);
		loa_segmenter_free(s);
		gold_release(&g);
		loa_seg_model_free(m);
		loa_seg_dict_free(dict);
		return cli_fail("eval", "hết bộ nhớ / out of memory");
	}
	prf r;
	eval_set(s, &g, pred, longest, &r);
	/* speed: repeat over the file until at least half a second is measured */
	uint64_t ns = 0, units = 0;
	do {
		ns += tag_set(s, &g, pred, longest);
		units += g.nu;
	} while (ns < 500000000ull && g.nu);
	double p, rr, f;
	prf_values(&r, &p, &rr, &f);
	double sps = ns ? (double)units * 1e9 / (double)ns : 0;
	if (!ctx->quiet)
		fprintf(stderr, "%s: %s, gold words=%zu predicted=%zu correct=%zu\n",
			base_name(gold_path), longest ? "longest matching" : "model", r.gold, r.pred,
			r.correct);
	printf("segment: sentences=%zu words=%zu precision=%.4f recall=%.4f f1=%.4f "
	       "syllables_per_sec=%.0f\n",
	       g.ns, g.words, p, rr, f, sps);
	free(pred);
	loa_segmenter_free(s);
	gold_release(&g);
	loa_seg_model_free(m);
	loa_seg_dict_free(dict);
	return LOA_EXIT_OK;
}
