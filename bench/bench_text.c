/*
 * bench_text.c - throughput of the text room over a text file (one document
 * a line): normalisation, tokens, both together, and utf8proc's NFC alone
 * over the same text as the reference. Prints "bench: name=value" lines
 * (MB/s of input, 1 MB = 10^6 bytes, per second of CPU time on one core). Run by bench/text.sh; never by CTest.
 *
 *   bench_text FILE [ROUNDS]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "core/buf.h"
#include "text/text.h"

#include "core/banned.h"

#define FILE_MAX ((size_t)1 << 30)

/* CPU time of this process: the machine may be shared, and one core's
 * work is what the target is about. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_tok(void *user, const loa_token *t, const char *text)
{
	(*(size_t *)user)++;
	return 0;
}

typedef struct line {
	const char *p;
	size_t n;
} line;

static char *data;
static size_t size;
static line *lines;
static size_t nlines;

typedef size_t (*work_fn)(void);

static size_t w_nfc_utf8proc(void)
{
	size_t out = 0;
	for (size_t i = 0; i < nlines; i++) {
		utf8proc_uint8_t *dst = NULL;
		utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)lines[i].p,
						  (utf8proc_ssize_t)lines[i].n, &dst,
						  UTF8PROC_STABLE | UTF8PROC_COMPOSE);
		if (r > 0)
			out += (size_t)r;
		free(dst);
	}
	return out;
}

static size_t norm_flags(unsigned flags)
{
	loa_buf b;
	loa_buf_init(&b, 0);
	size_t out = 0;
	for (size_t i = 0; i < nlines; i++) {
		loa_buf_reset(&b);
		if (loa_text_normalize(lines[i].p, lines[i].n, flags, &b) == LOA_OK)
			out += b.len;
	}
	loa_buf_release(&b);
	return out;
}

static size_t w_norm_nfc(void)
{
	return norm_flags(LOA_NORM_NFC);
}

static size_t w_norm_display(void)
{
	return norm_flags(LOA_NORM_DISPLAY);
}

static size_t w_norm_match(void)
{
	return norm_flags(LOA_NORM_MATCH);
}

static size_t w_norm_fold(void)
{
	return norm_flags(LOA_NORM_MATCH | LOA_NORM_FOLD);
}

static size_t w_tokenize(void)
{
	size_t n = 0;
	for (size_t i = 0; i < nlines; i++)
		loa_text_tokenize(lines[i].p, lines[i].n, count_tok, &n);
	return n;
}

static int count_norm(void *user, const loa_token *t, const char *text, const char *norm,
		      size_t norm_len)
{
	(*(size_t *)user) += norm_len;
	return 0;
}

/* normalise + tokenise in one pass: tokens of the original text with their
 * normalised forms (what an indexer uses) */
static size_t w_tokenize_norm(void)
{
	size_t n = 0;
	for (size_t i = 0; i < nlines; i++)
		loa_text_tokenize_norm(lines[i].p, lines[i].n, LOA_NORM_MATCH, count_norm, &n);
	return n;
}

/* normalise the text, then tokenise the result (two passes) */
static size_t w_norm_tokenize(void)
{
	loa_buf b;
	loa_buf_init(&b, 0);
	size_t n = 0;
	for (size_t i = 0; i < nlines; i++) {
		loa_buf_reset(&b);
		if (loa_text_normalize(lines[i].p, lines[i].n, LOA_NORM_DISPLAY, &b) == LOA_OK)
			loa_text_tokenize(b.data, b.len, count_tok, &n);
	}
	loa_buf_release(&b);
	return n;
}

static void run(const char *name, work_fn fn, int rounds)
{
	double best = 1e30;
	size_t r = 0;
	for (int i = 0; i < rounds; i++) {
		double t0 = now();
		r = fn();
		double t = now() - t0;
		if (t < best)
			best = t;
	}
	printf("bench: %s_mb_per_s=%.1f\n", name, (double)size / 1e6 / best);
	fprintf(stderr, "  %-22s %8.3f s  (result %zu)\n", name, best, r);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "Cách dùng / usage: bench_text FILE [ROUNDS]\n");
		return 2;
	}
	int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
	if (rounds < 1)
		rounds = 1;
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		fprintf(stderr, "bench_text: không mở được / cannot open %s\n", argv[1]);
		return 1;
	}
	loa_buf b;
	loa_buf_init(&b, FILE_MAX);
	char tmp[1 << 16];
	size_t r;
	while ((r = fread(tmp, 1, sizeof tmp, f)) > 0)
		if (loa_buf_append(&b, tmp, r)) {
			fprintf(stderr, "bench_text: tệp quá lớn / file too large\n");
			return 1;
		}
	fclose(f);
	size = b.len;
	data = loa_buf_detach(&b, NULL);
	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n')
			nlines++;
	lines = calloc(nlines + 1, sizeof *lines);
	size_t k = 0, s = 0;
	for (size_t i = 0; i <= size; i++)
		if (i == size || data[i] == '\n') {
			if (i > s && k <= nlines)
				lines[k++] = (line){data + s, i - s};
			s = i + 1;
		}
	nlines = k;
	printf("bench: bytes=%zu\n", size);
	printf("bench: documents=%zu\n", nlines);
	run("utf8proc_nfc", w_nfc_utf8proc, rounds);
	run("normalize_nfc", w_norm_nfc, rounds);
	run("normalize_display", w_norm_display, rounds);
	run("normalize_match", w_norm_match, rounds);
	run("normalize_fold", w_norm_fold, rounds);
	run("tokenize", w_tokenize, rounds);
	run("normalize_then_tokenize", w_norm_tokenize, rounds);
	run("tokenize_normalized", w_tokenize_norm, rounds);
	free(lines);
	free(data);
	return 0;
}
