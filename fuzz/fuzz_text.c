/*
 * fuzz_text.c - libFuzzer harness for the text room: normalisation (every
 * flag set), tokens (whole and streamed in chunks) and sentences. Asserts:
 * no crash, output valid UTF-8 without NUL, normalisation idempotent,
 * token offsets in bounds and ordered, streaming equal to one call; the
 * FTS5 tokenizer's folded terms (loa_text_fts5_terms) valid, positions
 * increasing, and the same when its per-thread word cache is warm.
 * (The segmenter has a harness of its own: fuzz_segment.c.)
 *
 * Build with -DLOA_FUZZ=ON (clang); the normal build replays the seed
 * corpus in fuzz/corpus/text through replay_main.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "text/fts5_tok.h"
#include "text/text.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                   \
	do {                                                                       \
		if (!(c)) {                                                        \
			fprintf(stderr, "fuzz_text: check failed: %s (line %d)\n", #c, __LINE__); \
			abort();                                                   \
		}                                                                  \
	} while (0)

typedef struct sink {
	size_t n, size, last_end;
	uint64_t h;
} sink;

typedef struct terms_sink {
	size_t n;
	int last_pos;
	uint64_t h;
} terms_sink;

static int on_term(void *user, const char *term, size_t n, int pos)
{
	terms_sink *k = user;
	CHECK(n > 0 && n <= LOA_TOK_MAX_LEN * 4 + 64);
	CHECK(loa_utf8_valid(term, n));
	CHECK(pos >= k->last_pos);
	k->last_pos = pos;
	for (size_t i = 0; i < n; i++)
		k->h = (k->h ^ (unsigned char)term[i]) * 1099511628211ull;
	k->h = (k->h ^ (uint64_t)(unsigned)pos) * 1099511628211ull;
	k->n++;
	return 0;
}

static int on_tok(void *user, const loa_token *t, const char *text)
{
	sink *k = user;
	CHECK(t->start < t->end);
	CHECK(t->end <= k->size);
	CHECK(t->start >= k->last_end);
	CHECK(t->end - t->start <= LOA_TOK_MAX_LEN + 64);
	CHECK((unsigned)t->type <= LOA_TOK_SYMBOL);
	k->last_end = t->end;
	uint64_t v[4] = {t->type, t->start, t->end, t->flags};
	for (int i = 0; i < 4; i++)
		k->h = (k->h ^ v[i]) * 1099511628211ull;
	k->n++;
	return 0;
}

static int on_sent(void *user, size_t start, size_t end)
{
	size_t *size = user;
	CHECK(start < end && end <= *size);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	static const unsigned flagsets[] = {
		LOA_NORM_NFC, LOA_NORM_DISPLAY, LOA_NORM_MATCH, LOA_NORM_MATCH | LOA_NORM_FOLD,
		LOA_NORM_TONE | LOA_NORM_LOWER, LOA_NORM_FOLD,
	};
	loa_buf a, b;
	loa_buf_init(&a, 4 * size + 64);
	loa_buf_init(&b, 16 * size + 64);
	for (size_t f = 0; f < sizeof flagsets / sizeof flagsets[0]; f++) {
		loa_buf_reset(&a);
		int rc = loa_text_normalize(s, size, flagsets[f], &a);
		CHECK(rc == LOA_OK);
		CHECK(loa_utf8_valid(a.data, a.len));
		CHECK(memchr(a.data, 0, a.len) == NULL);
		/* idempotent when NFC is part of it */
		if (flagsets[f] & LOA_NORM_NFC) {
			loa_buf_reset(&b);
			CHECK(loa_text_normalize(a.data, a.len, flagsets[f], &b) == LOA_OK);
			if (!(b.len == a.len && memcmp(a.data, b.data, a.len) == 0)) {
				fprintf(stderr, "not idempotent (flags %u): '%.*s' -> '%.*s'\n",
					flagsets[f], (int)a.len, a.data, (int)b.len, b.data);
				abort();
			}
		}
	}
	loa_buf_release(&a);
	loa_buf_release(&b);

	sink whole = {0, size, 0, 1469598103934665603ull};
	CHECK(loa_text_tokenize(s, size, on_tok, &whole) == 0);
	/* streamed in chunks of a size taken from the input */
	size_t step = size ? (size_t)data[0] % 61 + 1 : 1;
	sink part = {0, size, 0, 1469598103934665603ull};
	loa_tokstream ts;
	loa_tokstream_init(&ts, on_tok, &part);
	for (size_t i = 0; i < size; i += step)
		CHECK(loa_tokstream_feed(&ts, s + i, i + step <= size ? step : size - i) == 0);
	CHECK(loa_tokstream_finish(&ts) == 0);
	loa_tokstream_release(&ts);
	CHECK(part.n == whole.n && part.h == whole.h);
	/* the FTS5 tokenizer's terms: twice, the second time from its word cache */
	terms_sink t1 = {0, 0, 1469598103934665603ull}, t2 = t1;
	int r1 = loa_text_fts5_terms(s, size, on_term, &t1);
	int r2 = loa_text_fts5_terms(s, size, on_term, &t2);
	CHECK(r1 == r2 && (r1 == LOA_OK || r1 == LOA_ENOMEM));
	CHECK(t1.n == t2.n && t1.h == t2.h);
	size_t sz = size;
	loa_text_sentences(s, size, on_sent, &sz);
	return 0;
}
