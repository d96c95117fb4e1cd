/*
 * cmd_embed.c - `loa train embed`: word vectors from unlabelled text
 * (analysis room, embed.h). Each line of a corpus file is one text: a JSON
 * object's "text" member (its "title", when present, goes first); else what
 * follows the first TAB (the classifier's "label<TAB>text"); else the whole
 * line.
 */
#include "analyze/embed.h"
#include "cli/cli.h"
#include "cli/cmd_train.h"
#include "core/buf.h"
#include "core/ltime.h"
#include "core/progress.h"
#include "core/str.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/banned.h"

#define EMB_LINE_MAX ((size_t)1 << 20) /* longer lines are cut (at a UTF-8 boundary) */
#define EMB_CORPUS_MAX 64
#define EMB_BAD_SHOWN 20

typedef struct emb_reader {
	FILE *f;
	char *buf;
	size_t cap;
	uint64_t lineno;
} emb_reader;

/* Length of s[0..n) without a trailing incomplete UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n)
{
	size_t i = n, back = 0;
	while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80) {
		i--;
		back++;
	}
	if (i == 0)
		return n;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	return back + 1 < need ? i - 1 : n;
}

/* The next line (without its end of line) into r->buf; returns its length
 * or -1 at the end. A line longer than EMB_LINE_MAX is cut (*cut set). */
static long emb_next(emb_reader *r, bool *cut)
{
	*cut = false;
	if (!fgets(r->buf, (int)r->cap, r->f))
		return -1;
	r->lineno++;
	size_t n = strlen(r->buf); /* a NUL inside the line shortens it */
	if (n && r->buf[n - 1] == '\n') {
		n--;
	} else if (!feof(r->f)) {
		*cut = true;
		int ch;
		while ((ch = getc(r->f)) != EOF && ch != '\n')
			;
		n = utf8_cut(r->buf, n);
	}
	if (n && r->buf[n - 1] == '\r')
		n--;
	r->buf[n] = '\0';
	return (long)n;
}

typedef struct emb_stats {
	uint64_t lines, bad, cut;
} emb_stats;

/* Adds the texts of one corpus file; returns an exit status. */
static int add_file(loa_embed_trainer *t, const char *path, emb_reader *r, loa_buf *tmp,
		    emb_stats *st, loa_progress *p)
{
	r->f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!r->f)
		return cli_fail("train embed", "không đọc được / cannot read: %s: %s", path,
				strerror(errno));
	r->lineno = 0;
	int status = LOA_EXIT_OK;
	long len;
	bool cut;
	while ((len = emb_next(r, &cut)) >= 0) {
		st->lines++;
		if (cut)
			st->cut++;
		loa_progress_update(p, st->lines);
		const char *s = r->buf;
		size_t n = (size_t)len, k = strspn(s, " \t");
		if (k == n)
			continue; /* blank */
		json_t *root = NULL;
		if (s[k] == '{') {
			json_error_t je;
			root = json_loadb(s + k, n - k, JSON_ALLOW_NUL, &je);
			json_t *text = root ? json_object_get(root, "text") : NULL;
			if (!json_is_string(text)) {
				if (st->bad < EMB_BAD_SHOWN)
					fprintf(stderr, "loa train embed: %s:%llu: JSON hỏng hoặc thiếu \"text\" / "
						"bad JSON or no \"text\" member%s\n", path,
						(unsigned long long)r->lineno, cut ? " (dòng bị cắt / line cut)" : "");
				st->bad++;
				json_decref(root);
				continue;
			}
			json_t *title = json_object_get(root, "title");
			loa_buf_reset(tmp);
			if (json_is_string(title) && json_string_length(title) > 0) {
				loa_buf_append(tmp, json_string_value(title), json_string_length(title));
				loa_buf_putc(tmp, '\n');
			}
			loa_buf_append(tmp, json_string_value(text), json_string_length(text));
			s = tmp->data ? tmp->data : "";
			n = tmp->len;
		} else {
			const char *tab = memchr(s, '\t', n);
			if (tab) {
				n -= (size_t)(tab + 1 - s);
				s = tab + 1;
			}
		}
		int rc = loa_embed_trainer_add(t, s, n);
		json_decref(root);
		if (rc == LOA_ETOOBIG) {
			status = cli_fail("train embed", "%s:%llu: kho văn bản quá lớn (tối đa 2^31 token, 2^26 "
					  "token khác nhau) / corpus too big (at most 2^31 tokens, 2^26 "
					  "distinct tokens)", path,
					  (unsigned long long)r->lineno);
			break;
		}
		if (rc) {
			status = cli_fail("train embed", "%s:%llu: %s", path, (unsigned long long)r->lineno,
					  loa_strerror(rc));
			break;
		}
	}
	if (status == LOA_EXIT_OK && ferror(r->f))
		status = cli_fail("train embed", "lỗi đọc / read error: %s: %s", path, strerror(errno));
	if (r->f != stdin)
		fclose(r->f);
	r->f = NULL;
	return status;
}

static void embed_progress(void *user, uint64_t done, uint64_t total)
{
	loa_progress *p = user;
	p->total = total;
	loa_progress_update(p, done);
}

/* Parses an integer option in [lo, hi]; returns 0 or a usage error. */
static int opt_int(const char *name, const char *arg, int64_t lo, int64_t hi, int64_t *v)
{
	if (loa_parse_i64(arg, v) || *v < lo || *v > hi)
		return cli_usage_error("train embed", "--%s phải từ %lld đến %lld / must be %lld..%lld: %s",
				       name, (long long)lo, (long long)hi, (long long)lo, (long long)hi,
				       arg);
	return 0;
}

int cmd_train_embed(loa_ctx *ctx, int argc, char **argv)
{
	enum { O_CORPUS = CLI_OPT_FIRST_FREE, O_OUT, O_DIM, O_WINDOW, O_NEG, O_MIN_COUNT, O_EPOCHS,
	       O_THREADS, O_LR, O_SAMPLE, O_MAX_VOCAB, O_SEED, O_NOTE };
	static const struct option opts[] = {
		{"corpus", required_argument, NULL, O_CORPUS},
		{"out", required_argument, NULL, O_OUT},
		{"dim", required_argument, NULL, O_DIM},
		{"window", required_argument, NULL, O_WINDOW},
		{"negative", required_argument, NULL, O_NEG},
		{"min-count", required_argument, NULL, O_MIN_COUNT},
		{"epochs", required_argument, NULL, O_EPOCHS},
		{"threads", required_argument, NULL, O_THREADS},
		{"lr", required_argument, NULL, O_LR},
		{"sample", required_argument, NULL, O_SAMPLE},
		{"max-vocab", required_argument, NULL, O_MAX_VOCAB},
		{"seed", required_argument, NULL, O_SEED},
		{"note", required_argument, NULL, O_NOTE},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("train");
	const char *corpus[EMB_CORPUS_MAX];
	size_t ncorpus = 0;
	const char *out = NULL, *note = NULL;
	loa_embed_opts o;
	loa_embed_opts_default(&o);
	int c, rc;
	int64_t iv;
	double dv;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case O_CORPUS:
			if (ncorpus == EMB_CORPUS_MAX)
				return cli_usage_error("train embed", "quá nhiều --corpus (tối đa %d) / "
						       "too many --corpus (at most %d)",
						       EMB_CORPUS_MAX, EMB_CORPUS_MAX);
			corpus[ncorpus++] = optarg;
			break;
		case O_OUT: out = optarg; break;
		case O_NOTE:
			if (strlen(optarg) >= LOA_EMBED_NOTE_MAX)
				return cli_usage_error("train embed", "--note quá dài / too long");
			note = optarg;
			break;
		case O_DIM:
			if ((rc = opt_int("dim", optarg, 1, LOA_EMBED_MAX_DIM, &iv)))
				return rc;
			o.dim = (unsigned)iv;
			break;
		case O_WINDOW:
			if ((rc = opt_int("window", optarg, 1, 100, &iv)))
				return rc;
			o.window = (unsigned)iv;
			break;
		case O_NEG:
			if ((rc = opt_int("negative", optarg, 1, 100, &iv)))
				return rc;
			o.negative = (unsigned)iv;
			break;
		case O_MIN_COUNT:
			if ((rc = opt_int("min-count", optarg, 1, 1000000000, &iv)))
				return rc;
			o.min_count = (unsigned)iv;
			break;
		case O_EPOCHS:
			if ((rc = opt_int("epochs", optarg, 1, 1000, &iv)))
				return rc;
			o.epochs = (unsigned)iv;
			break;
		case O_THREADS:
			if ((rc = opt_int("threads", optarg, 1, 256, &iv)))
				return rc;
			o.threads = (unsigned)iv;
			break;
		case O_MAX_VOCAB:
			if ((rc = opt_int("max-vocab", optarg, 1, (int64_t)LOA_EMBED_MAX_COUNT, &iv)))
				return rc;
			o.max_vocab = (size_t)iv;
			break;
		case O_SEED:
			if ((rc = opt_int("seed", optarg, 0, INT64_MAX, &iv)))
				return rc;
			o.seed = (uint64_t)iv;
			break;
		case O_LR:
			if (loa_parse_double(optarg, &dv) || !(dv > 0 && dv <= 1))
				return cli_usage_error("train embed", "--lr phải trong (0, 1] / must be in (0, 1]: %s",
						       optarg);
			o.lr = dv;
			break;
		case O_SAMPLE:
			if (loa_parse_double(optarg, &dv) || !(dv >= 0 && dv < 1))
				return cli_usage_error("train embed",
						       "--sample phải trong [0, 1) / must be in [0, 1): %s", optarg);
			o.sample = dv;
			break;
		case ':':
			return cli_usage_error("train embed", "thiếu giá trị cho tùy chọn / option needs a value: %s",
					       argv[optind - 1]);
		case '?':
			return cli_usage_error("train embed", "tùy chọn không hợp lệ / unknown option: %s",
					       argv[optind - 1]);
		default:
			if ((rc = cli_common_opt(ctx, self, c, optarg, argv)))
				return rc;
		}
	}
	if (ncorpus == 0 || !out || optind < argc)
		return cli_usage_error("train embed", "cần --corpus và --out / --corpus and --out are required");
	for (size_t i = 0; i < ncorpus; i++)
		if (strcmp(corpus[i], "-") != 0 && access(corpus[i], R_OK) != 0)
			return cli_fail("train embed", "không đọc được / cannot read: %s: %s", corpus[i],
					strerror(errno));

	char notebuf[1024];
	if (!note) {
		loa_buf nb;
		loa_buf_init(&nb, sizeof notebuf - 1);
		loa_buf_puts(&nb, "corpus=");
		for (size_t i = 0; i < ncorpus; i++) {
			const char *base = strrchr(corpus[i], '/');
			loa_buf_printf(&nb, "%s%s", i ? "+" : "", base ? base + 1 : corpus[i]);
		}
		snprintf(notebuf, sizeof notebuf,
			 "%s skipgram dim=%u window=%u negative=%u min_count=%u epochs=%u lr=%g "
			 "sample=%g max_vocab=%zu seed=%llu",
			 nb.data ? nb.data : "corpus=?", o.dim, o.window, o.negative, o.min_count, o.epochs,
			 o.lr, o.sample, o.max_vocab, (unsigned long long)o.seed);
		loa_buf_release(&nb);
		note = notebuf;
	}
	o.note = note;
	loa_progress p;
	loa_progress_init(&p, "huấn luyện / training", 0);
	if (!ctx->quiet) {
		o.progress = embed_progress;
		o.progress_user = &p;
	}
	loa_err err;
	loa_err_clear(&err);
	loa_embed_trainer *t = NULL;
	if (loa_embed_trainer_new(&t, &o, &err))
		return cli_fail("train embed", "%s", loa_err_msg(&err));

	uint64_t t0 = loa_mono_ns();
	emb_reader r = {0};
	r.cap = EMB_LINE_MAX + 2;
	r.buf = malloc(r.cap);
	loa_buf tmp;
	loa_buf_init(&tmp, 2 * EMB_LINE_MAX + 16);
	emb_stats st = {0};
	int status = LOA_EXIT_OK;
	if (!r.buf)
		status = cli_fail("train embed", "hết bộ nhớ / out of memory");
	loa_progress rp;
	loa_progress_init(&rp, "đọc / reading", 0);
	for (size_t i = 0; status == LOA_EXIT_OK && i < ncorpus; i++)
		status = add_file(t, corpus[i], &r, &tmp, &st, &rp);
	loa_progress_end(&rp);
	free(r.buf);
	loa_buf_release(&tmp);
	if (st.bad > EMB_BAD_SHOWN)
		fprintf(stderr, "loa train embed: … %llu dòng hỏng / bad lines in all\n",
			(unsigned long long)st.bad);
	if (st.cut)
		fprintf(stderr, "loa train embed: %llu dòng dài quá 1 MiB bị cắt / lines cut at 1 MiB\n",
			(unsigned long long)st.cut);
	uint64_t t1 = loa_mono_ns();

	loa_embed *e = NULL;
	if (status == LOA_EXIT_OK) {
		rc = loa_embed_trainer_run(t, &e, &err);
		loa_progress_end(&p);
		if (rc)
			status = cli_fail("train embed", "%s", loa_err_msg(&err));
	}
	uint64_t t2 = loa_mono_ns();
	if (status == LOA_EXIT_OK && loa_embed_save(e, out, &err))
		status = cli_fail("train embed", "%s", loa_err_msg(&err));
	if (status == LOA_EXIT_OK) {
		loa_buf img;
		loa_buf_init(&img, LOA_EMBED_FILE_MAX);
		loa_embed_write(e, &img);
		double secs = (double)(loa_mono_ns() - t0) / 1e9;
		double rsecs = (double)(t1 - t0) / 1e9, tsecs = (double)(t2 - t1) / 1e9;
		if (!ctx->quiet)
			fprintf(stderr, "loa train embed: đọc / reading %.1fs, học / training %.1fs "
				"(%.0f token/s/luồng / tokens/s/thread)\n", rsecs, tsecs,
				tsecs > 0 ? (double)loa_embed_trainer_tokens(t) * o.epochs / tsecs / o.threads
					  : 0.0);
		printf("train embed: texts=%zu tokens=%zu vocab=%zu dim=%u epochs=%u seconds=%.1f "
		       "bytes=%zu bad_lines=%llu\n",
		       loa_embed_trainer_texts(t), loa_embed_trainer_tokens(t), loa_embed_count(e),
		       loa_embed_dim(e), o.epochs, secs, img.len, (unsigned long long)st.bad);
		loa_buf_release(&img);
	}
	loa_embed_free(e);
	loa_embed_trainer_free(t);
	return status;
}
