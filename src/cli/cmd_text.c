/*
 * cmd_text.c - text commands: `loa normalize`, `loa tokenize`,
 * `loa eval normalize`.
 */
#include "cli/cli.h"
#include "cli/cmd_eval.h"
#include "core/buf.h"
#include "core/str.h"
#include "core/utf8.h"
#include "text/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define LINE_MAX_BYTES ((size_t)1 << 20) /* a pairs-file line */
#define BLOCK ((size_t)1 << 20)          /* stdin block for streaming commands */
#define CARRY_MAX ((size_t)4 << 20)      /* longest run without whitespace kept whole */

/* ---- loa normalize -------------------------------------------------------- */

static bool is_ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int write_all(const char *p, size_t n)
{
	return fwrite(p, 1, n, stdout) == n ? 0 : -1;
}

/* Reads stdin in blocks, cutting at ASCII whitespace (or, for a run longer
 * than CARRY_MAX, at a UTF-8 boundary), and normalises each piece. Memory
 * stays bounded whatever the line length. */
static int normalize_stream(FILE *in, unsigned flags, const char *cmd)
{
	loa_buf carry, out;
	loa_buf_init(&carry, CARRY_MAX + BLOCK);
	loa_buf_init(&out, 3 * (CARRY_MAX + BLOCK) + 64);
	char *blk = malloc(BLOCK);
	int status = LOA_EXIT_OK;
	if (!blk) {
		status = cli_fail(cmd, "hết bộ nhớ / out of memory");
		goto done;
	}
	for (;;) {
		size_t r = fread(blk, 1, BLOCK, in);
		bool eof = r < BLOCK;
		if (r && loa_buf_append(&carry, blk, r)) {
			status = cli_fail(cmd, "hết bộ nhớ / out of memory");
			goto done;
		}
		size_t cut = carry.len;
		if (!eof) {
			/* the last ASCII whitespace; the rest waits for more input */
			while (cut > 0 && !is_ascii_space((unsigned char)carry.data[cut - 1]))
				cut--;
			if (cut == 0 && carry.len >= CARRY_MAX)
				cut = loa_utf8_truncate(carry.data, carry.len, carry.len - 4);
		}
		if (cut) {
			loa_buf_reset(&out);
			if (loa_text_normalize(carry.data, cut, flags, &out) || write_all(out.data, out.len)) {
				status = cli_fail(cmd, "không ghi được / cannot write output");
				goto done;
			}
			loa_buf_consume(&carry, cut);
		}
		if (eof)
			break;
	}
	if (ferror(in))
		status = cli_fail(cmd, "không đọc được đầu vào / cannot read input: %s", strerror(errno));
	if (fflush(stdout))
		status = cli_fail(cmd, "không ghi được / cannot write output");
done:
	free(blk);
	loa_buf_release(&carry);
	loa_buf_release(&out);
	return status;
}

int cmd_normalize(loa_ctx *ctx, int argc, char **argv)
{
	enum { OPT_FOLD = CLI_OPT_FIRST_FREE, OPT_LOWER, OPT_NO_TONE };
	static const struct option opts[] = {
		{"fold", no_argument, NULL, OPT_FOLD},
		{"lower", no_argument, NULL, OPT_LOWER},
		{"no-tone", no_argument, NULL, OPT_NO_TONE},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("normalize");
	unsigned flags = LOA_NORM_DISPLAY;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FOLD: flags |= LOA_NORM_FOLD; break;
		case OPT_LOWER: flags |= LOA_NORM_LOWER; break;
		case OPT_NO_TONE: flags &= ~LOA_NORM_TONE; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (optind != argc)
		return cli_usage_error("normalize", "không nhận đối số / takes no arguments");
	return normalize_stream(stdin, flags, "normalize");
}

/* ---- loa tokenize --------------------------------------------------------- */

typedef struct tok_out {
	bool sentences;
	int err;
} tok_out;

static int print_tok(void *user, const loa_token *t, const char *text)
{
	tok_out *o = user;
	int n = printf("%zu\t%zu\t%s\t", t->start, t->end, loa_tok_type_name(t->type));
	if (n < 0)
		goto fail;
	/* the token text, with tabs and newlines shown as spaces */
	for (size_t i = 0; i < t->end - t->start; i++) {
		char ch = text[i];
		if (ch == '\t' || ch == '\n' || ch == '\r')
			ch = ' ';
		if (putchar((unsigned char)ch) == EOF)
			goto fail;
	}
	if (printf("%s\n", (t->flags & LOA_TOKF_SENT_END) && o->sentences ? "\t<s>" : "") < 0)
		goto fail;
	return 0;
fail:
	o->err = 1;
	return 1;
}

int cmd_tokenize(loa_ctx *ctx, int argc, char **argv)
{
	enum { OPT_SENT = CLI_OPT_FIRST_FREE };
	static const struct option opts[] = {
		{"sentences", no_argument, NULL, OPT_SENT},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("tokenize");
	tok_out o = {false, 0};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == OPT_SENT) {
			o.sentences = true;
			continue;
		}
		int rc = cli_common_opt(ctx, self, c, optarg, argv);
		if (rc)
			return rc;
	}
	if (optind != argc)
		return cli_usage_error("tokenize", "không nhận đối số / takes no arguments");
	loa_tokstream ts;
	loa_tokstream_init(&ts, print_tok, &o);
	char *blk = malloc(BLOCK);
	if (!blk)
		return cli_fail("tokenize", "hết bộ nhớ / out of memory");
	int rc = 0;
	size_t r;
	while (rc == 0 && (r = fread(blk, 1, BLOCK, stdin)) > 0)
		rc = loa_tokstream_feed(&ts, blk, r);
	if (rc == 0)
		rc = loa_tokstream_finish(&ts);
	loa_tokstream_release(&ts);
	free(blk);
	if (o.err || fflush(stdout))
		return cli_fail("tokenize", "không ghi được / cannot write output");
	if (rc)
		return cli_fail("tokenize", "lỗi / failed: %s", loa_strerror(rc));
	return LOA_EXIT_OK;
}

/* ---- loa eval normalize -------------------------------------------------- */

/* Reads one line (without the newline) into b; 1 = got a line, 0 = end of
 * file, negative = error (LOA_ETOOBIG for a line over the cap). */
static int read_line(FILE *f, loa_buf *b)
{
	loa_buf_reset(b);
	int ch;
	bool any = false;
	while ((ch = getc(f)) != EOF) {
		any = true;
		if (ch == '\n')
			break;
		int rc = loa_buf_putc(b, (char)ch);
		if (rc)
			return rc;
	}
	if (!any)
		return ferror(f) ? LOA_EIO : 0;
	if (b->len && b->data[b->len - 1] == '\r')
		b->data[--b->len] = '\0';
	if (!b->data)
		loa_buf_append(b, "", 0);
	return 1;
}

static bool ends_with(loa_str s, const char *suf)
{
	size_t k = strlen(suf);
	return s.n >= k && memcmp(s.p + s.n - k, suf, k) == 0;
}

int cmd_eval_normalize(loa_ctx *ctx, int argc, char **argv)
{
	enum { OPT_PAIRS = CLI_OPT_FIRST_FREE, OPT_VERBOSE };
	static const struct option opts[] = {
		{"pairs", required_argument, NULL, OPT_PAIRS},
		{"verbose", no_argument, NULL, OPT_VERBOSE},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	const loa_cmd *self = loa_cli_find("eval");
	const char *usage = cmd_eval_usage("normalize");
	const char *pairs = NULL;
	bool verbose = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_PAIRS: pairs = optarg; break;
		case OPT_VERBOSE: verbose = true; break;
		default: {
			int rc = cli_common_opt(ctx, self, c, optarg, argv);
			if (rc)
				return rc;
		}
		}
	}
	if (!pairs || optind != argc) {
		fprintf(stderr, "loa eval normalize: cần --pairs FILE / --pairs FILE is required\n"
				"Cách dùng / usage: %s\n", usage);
		return LOA_EXIT_USAGE;
	}
	FILE *f = strcmp(pairs, "-") == 0 ? stdin : fopen(pairs, "rb");
	if (!f)
		return cli_fail("eval normalize", "không mở được tệp / cannot open file: %s: %s", pairs,
				strerror(errno));
	loa_buf line, a, b;
	loa_buf_init(&line, LINE_MAX_BYTES);
	loa_buf_init(&a, 4 * LINE_MAX_BYTES);
	loa_buf_init(&b, 4 * LINE_MAX_BYTES);
	size_t lineno = 0, n = 0, passed = 0, failed = 0, skipped = 0, shown = 0;
	int status = LOA_EXIT_OK, rc;
	while ((rc = read_line(f, &line)) == 1) {
		lineno++;
		loa_str rest = {line.data, line.len};
		if (rest.n == 0 || rest.p[0] == '#')
			continue;
		loa_str in = loa_str_split(&rest, '\t');
		loa_str exp = loa_str_split(&rest, '\t');
		loa_str conv = loa_str_split(&rest, '\t');
		loa_str cat = loa_str_split(&rest, '\t');
		(void)conv;
		if (loa_str_eqc(in, "input") && loa_str_eqc(exp, "expected"))
			continue; /* the header */
		if (!memchr(line.data, '\t', line.len)) {
			fprintf(stderr, "loa eval normalize: %s:%zu: dòng sai định dạng / malformed line\n",
				pairs, lineno);
			failed++;
			n++;
			continue;
		}
		if (loa_str_eqc(cat, "glide_anomaly") || ends_with(cat, "_suspect")) {
			skipped++;
			continue;
		}
		n++;
		loa_buf_reset(&a);
		loa_buf_reset(&b);
		if (loa_text_normalize(in.p, in.n, LOA_NORM_MATCH, &a) ||
		    loa_text_normalize(exp.p, exp.n, LOA_NORM_MATCH, &b)) {
			failed++;
			continue;
		}
		if (a.len == b.len && memcmp(a.data, b.data, a.len) == 0) {
			passed++;
		} else {
			failed++;
			if (verbose || shown < 20) {
				shown++;
				fprintf(stderr, "FAIL %s:%zu: %.*s -> %.*s | %.*s -> %.*s\n", pairs, lineno,
					(int)in.n, in.p, (int)a.len, a.data, (int)exp.n, exp.p,
					(int)b.len, b.data);
			}
		}
	}
	if (rc < 0)
		status = cli_fail("eval normalize", "không đọc được tệp / cannot read file: %s: %s", pairs,
				  loa_strerror(rc));
	if (f != stdin)
		fclose(f);
	loa_buf_release(&line);
	loa_buf_release(&a);
	loa_buf_release(&b);
	if (status)
		return status;
	printf("normalize: pairs=%zu passed=%zu failed=%zu skipped=%zu\n", n, passed, failed, skipped);
	return LOA_EXIT_OK;
}
