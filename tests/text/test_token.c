/* test_token.c - typed tokens, offsets, sentences, streaming (src/text/token.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

#define MAXT 256

typedef struct toks {
	size_t n;
	loa_token t[MAXT];
	char text[MAXT][128];
} toks;

static int collect(void *user, const loa_token *t, const char *text)
{
	toks *k = user;
	if (k->n < MAXT) {
		k->t[k->n] = *t;
		size_t len = t->end - t->start;
		if (len > 127)
			len = 127;
		memcpy(k->text[k->n], text, len);
		k->text[k->n][len] = '\0';
	}
	k->n++;
	return 0;
}

static toks *tokenize(const char *s)
{
	static toks k;
	memset(&k, 0, sizeof k);
	assert_int_equal(loa_text_tokenize(s, strlen(s), collect, &k), 0);
	for (size_t i = 0; i < k.n && i < MAXT; i++) {
		assert_true(k.t[i].start < k.t[i].end);
		assert_true(k.t[i].end <= strlen(s));
		assert_memory_equal(s + k.t[i].start, k.text[i],
				    strlen(k.text[i]) < 127 ? strlen(k.text[i]) : 127);
		if (i)
			assert_true(k.t[i].start >= k.t[i - 1].end);
	}
	return &k;
}

/* Expects the single token of type `type` whose text is `want` in s. */
static void expect_tok(const char *s, const char *want, loa_tok_type type)
{
	toks *k = tokenize(s);
	for (size_t i = 0; i < k->n; i++) {
		if (strcmp(k->text[i], want) == 0) {
			if (k->t[i].type != type)
				fail_msg("'%s' in '%s': type %s, want %s", want, s,
					 loa_tok_type_name(k->t[i].type), loa_tok_type_name(type));
			/* the offsets point at the text */
			assert_memory_equal(s + k->t[i].start, want, strlen(want));
			return;
		}
	}
	fail_msg("no token '%s' in '%s'", want, s);
}

static void types(void **state)
{
	expect_tok("Hòa bình", "Hòa", LOA_TOK_WORD);
	expect_tok("có 1.000.000 người", "1.000.000", LOA_TOK_NUMBER);
	expect_tok("tăng 3,5 lần", "3,5", LOA_TOK_NUMBER);
	expect_tok("tăng 3,5% so với", "3,5%", LOA_TOK_PERCENT);
	expect_tok("đạt 12 phần trăm", "12 phần trăm", LOA_TOK_PERCENT);
	expect_tok("ngày 12/8/2023 tại", "12/8/2023", LOA_TOK_DATE);
	expect_tok("hôm 2023-08-12 ", "2023-08-12", LOA_TOK_DATE);
	expect_tok("Hôm ngày 12 tháng 8 năm 2023, Chính phủ", "ngày 12 tháng 8 năm 2023", LOA_TOK_DATE);
	expect_tok("trong tháng 8 năm 2023", "tháng 8 năm 2023", LOA_TOK_DATE);
	expect_tok("vào tháng 8/2023", "8/2023", LOA_TOK_DATE);
	expect_tok("lúc 14:30 hôm nay", "14:30", LOA_TOK_TIME);
	expect_tok("lúc 8h30 sáng", "8h30", LOA_TOK_TIME);
	expect_tok("lúc 14 giờ 30 phút", "14 giờ 30 phút", LOA_TOK_TIME);
	expect_tok("hỗ trợ 20 triệu đồng mỗi", "20 triệu đồng", LOA_TOK_MONEY);
	expect_tok("giá 100.000đ một", "100.000đ", LOA_TOK_MONEY);
	expect_tok("vốn 3 tỷ USD.", "3 tỷ USD", LOA_TOK_MONEY);
	expect_tok("chỉ $5 thôi", "$5", LOA_TOK_MONEY);
	expect_tok("xem https://chinhphu.vn/a?b=1.", "https://chinhphu.vn/a?b=1", LOA_TOK_URL);
	expect_tok("xem www.mic.gov.vn, rồi", "www.mic.gov.vn", LOA_TOK_URL);
	expect_tok("tại baochinhphu.vn/tin.htm.", "baochinhphu.vn/tin.htm", LOA_TOK_URL);
	expect_tok("gửi tới hotro@mic.gov.vn.", "hotro@mic.gov.vn", LOA_TOK_EMAIL);
	expect_tok("chiến dịch #ChuyểnĐổiSố nay", "#ChuyểnĐổiSố", LOA_TOK_HASHTAG);
	expect_tok("cảm ơn @bo_tttt!", "@bo_tttt", LOA_TOK_MENTION);
	expect_tok("vui 😀 quá", "😀", LOA_TOK_EMOJI);
	expect_tok("like 👍🏽 nhé", "👍🏽", LOA_TOK_EMOJI);
	expect_tok("cờ 🇻🇳 bay", "🇻🇳", LOA_TOK_EMOJI);
	expect_tok("gia đình 👨‍👩‍👧 vui", "👨‍👩‍👧", LOA_TOK_EMOJI);
	expect_tok("UBND TP.HCM họp", "TP.HCM", LOA_TOK_ABBR);
	expect_tok("UBND TP.HCM họp", "UBND", LOA_TOK_ABBR);
	expect_tok("Bộ TT&TT cho biết", "TT&TT", LOA_TOK_ABBR);
	expect_tok("Bộ TT&TT cho biết", "Bộ", LOA_TOK_WORD);
	expect_tok("dịch COVID-19 đã", "COVID-19", LOA_TOK_ABBR);
	expect_tok("Xong, rồi!", ",", LOA_TOK_PUNCT);
	expect_tok("a + b", "+", LOA_TOK_SYMBOL);
	/* all-caps Vietnamese syllables are words, not abbreviations */
	expect_tok("HÀ NỘI", "NỘI", LOA_TOK_WORD);
}

static void offsets_and_flags(void **state)
{
	const char *s = "  Bộ TT&TT: Hòa bình.";
	toks *k = tokenize(s);
	assert_int_equal(k->n, 6);
	assert_int_equal(k->t[0].start, 2);
	assert_int_equal(k->t[0].end, 2 + strlen("Bộ"));
	assert_true(k->t[0].flags & LOA_TOKF_CAPITAL);
	assert_true(k->t[0].flags & LOA_TOKF_DIACRITIC);
	assert_true(loa_text_is_syllable("Bộ", strlen("Bộ")));
	assert_true(loa_text_is_syllable("hoà", strlen("hoà")));
	assert_false(loa_text_is_syllable("UBND", 4));
	assert_false(loa_text_is_syllable("café", strlen("café")));
	assert_true(k->t[0].flags & LOA_TOKF_SPACE_BEFORE);
	assert_int_equal(k->t[2].type, LOA_TOK_PUNCT); /* ':' glued to TT&TT */
	assert_false(k->t[2].flags & LOA_TOKF_SPACE_BEFORE);
	assert_true(k->t[5].flags & LOA_TOKF_SENT_END);
	assert_string_equal(k->text[4], "bình");
}

static int count_sent(void *user, size_t start, size_t end)
{
	char (*out)[64] = user;
	for (int i = 0; i < 8; i++)
		if (!out[i][0]) {
			snprintf(out[i], 64, "%zu-%zu", start, end);
			break;
		}
	return 0;
}

static void sentences(void **state)
{
	const char *s = "Ông A nói: \"Tốt.\" Bà B đồng ý! TP. Hồ Chí Minh mưa, v.v. và nắng… Hết\nDòng mới";
	char out[8][64];
	memset(out, 0, sizeof out);
	loa_text_sentences(s, strlen(s), count_sent, out);
	/* "Ông A nói: "Tốt."" | "Bà B đồng ý!" | "TP. Hồ … v.v. và nắng…" | "Hết" |
	 * "Dòng mới" */
	char want[5][64];
	size_t a = strlen("Ông A nói: \"Tốt.\"");
	size_t b0 = a + 1, b1 = b0 + strlen("Bà B đồng ý!");
	size_t c0 = b1 + 1, c1 = strlen(s) - strlen(" Hết\nDòng mới");
	snprintf(want[0], 64, "0-%zu", a);
	snprintf(want[1], 64, "%zu-%zu", b0, b1);
	snprintf(want[2], 64, "%zu-%zu", c0, c1);
	snprintf(want[3], 64, "%zu-%zu", c1 + 1, c1 + 1 + strlen("Hết"));
	snprintf(want[4], 64, "%zu-%zu", strlen(s) - strlen("Dòng mới"), strlen(s));
	for (int i = 0; i < 5; i++)
		assert_string_equal(out[i], want[i]);
	assert_int_equal(out[5][0], 0);
}

static void bad_input(void **state)
{
	/* invalid UTF-8 and NUL bytes: tokens stay in bounds */
	const char s[] = "a\xFF\xFE b\0c \xE1\xBB d\xC3";
	toks k;
	memset(&k, 0, sizeof k);
	assert_int_equal(loa_text_tokenize(s, sizeof s - 1, collect, &k), 0);
	for (size_t i = 0; i < k.n; i++)
		assert_true(k.t[i].end <= sizeof s - 1 && k.t[i].start < k.t[i].end);
	assert_true(k.n >= 4);
}

/* ---- streaming ---------------------------------------------------------- */

typedef struct hashsink {
	uint64_t h;
	size_t n;
	size_t maxlen;
} hashsink;

static int hash_tok(void *user, const loa_token *t, const char *text)
{
	hashsink *k = user;
	uint64_t v[4] = {t->type, t->start, t->end, t->flags};
	for (int i = 0; i < 4; i++)
		k->h = (k->h ^ v[i]) * 1099511628211ull;
	if (t->end - t->start > k->maxlen)
		k->maxlen = t->end - t->start;
	k->n++;
	return 0;
}

static char *sample(size_t n)
{
	static const char *parts[] = {
		"Ngày 12 tháng 8 năm 2023, UBND TP.HCM cấp 1.000.000 giấy phép xây dựng. ",
		"Giá 20 triệu đồng lúc 14:30; xem https://chinhphu.vn/x?y=1 hoặc a@b.vn! ",
		"Hoà bình 😀👍🏽 #ChuyểnĐổiSố @bo_tttt 3,5% \"Tốt.\" ",
		"\n", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "\xFF\xE1\xBB", "   ",
	};
	char *s = malloc(n);
	size_t i = 0, r = 12345;
	while (i < n) {
		r = r * 1103515245 + 12345;
		const char *p = parts[(r >> 16) % 7];
		size_t k = strlen(p);
		if (k > n - i)
			k = n - i;
		memcpy(s + i, p, k);
		i += k;
	}
	return s;
}

static void chunks_equal_whole(void **state)
{
	size_t n = 3 << 20;
	char *s = sample(n);
	hashsink whole = {14695981039346656037ull, 0, 0};
	loa_text_tokenize(s, n, hash_tok, &whole);
	static const size_t steps[] = {1, 7, 4096, 65536, 1 << 20};
	for (size_t si = 0; si < sizeof steps / sizeof steps[0]; si++) {
		size_t step = steps[si];
		size_t lim = step == 1 ? (size_t)200000 : n; /* byte-by-byte on a prefix */
		hashsink a = {14695981039346656037ull, 0, 0}, b = a;
		loa_text_tokenize(s, lim, hash_tok, &b);
		loa_tokstream ts;
		loa_tokstream_init(&ts, hash_tok, &a);
		for (size_t i = 0; i < lim; i += step)
			assert_int_equal(loa_tokstream_feed(&ts, s + i, i + step <= lim ? step : lim - i), 0);
		assert_int_equal(loa_tokstream_finish(&ts), 0);
		loa_tokstream_release(&ts);
		assert_int_equal(a.n, b.n);
		assert_true(a.h == b.h);
	}
	free(s);
}

/* A 100 MB line without any whitespace, streamed: bounded memory (the
 * stream's buffer never exceeds its cap) and tokens no longer than the cap. */
static void huge_line_bounded(void **state)
{
	size_t block = 1 << 20, total = (size_t)100 << 20;
	char *blk = malloc(block);
	for (size_t i = 0; i < block; i++)
		blk[i] = "hoàbình"[i % 9]; /* 9 bytes: h o à(2) b ì(2) n h */
	/* keep every chunk boundary off UTF-8 sequences is not required */
	hashsink k = {0, 0, 0};
	loa_tokstream ts;
	loa_tokstream_init(&ts, hash_tok, &k);
	size_t peak = 0;
	for (size_t done = 0; done < total; done += block) {
		assert_int_equal(loa_tokstream_feed(&ts, blk, block), 0);
		if (ts.pend.cap > peak)
			peak = ts.pend.cap;
	}
	assert_int_equal(loa_tokstream_finish(&ts), 0);
	loa_tokstream_release(&ts);
	assert_true(peak < (size_t)1 << 20);
	assert_true(k.maxlen <= LOA_TOK_MAX_LEN);
	assert_true(k.n >= total / LOA_TOK_MAX_LEN);
	free(blk);
}

static int stop_at_3(void *user, const loa_token *t, const char *text)
{
	int *n = user;
	return ++*n == 3 ? 42 : 0;
}

/* A word ends a sentence when only spaces stand between it and a newline
 * (ASCII or not), never when a space and a letter (one that starts with
 * any lead byte) follow; letters of every UTF-8 length scan as one word. */
static void sentence_end_by_space(void **state)
{
	static const struct {
		const char *s;
		size_t tok;
		int end;
	} cases[] = {
		{"một hai \nba", 1, 1},
		{"một hai\t \r\nba", 1, 1},
		{"một hai \xc2\xa0\nba", 1, 1},            /* NBSP then newline */
		{"một hai \xe2\x80\xa8" "ba", 1, 1},        /* U+2028 */
		{"một hai \xe3\x80\x80 \nba", 1, 1},      /* ideographic space */
		{"một hai \xef\xbb\xbf\nba", 1, 1},       /* BOM */
		{"một hai ba", 1, 0},
		{"một hai ờ", 1, 0},
		{"một hai Ưu", 1, 0},
		{"một hai \xc2\xa0" "ba", 1, 0},
		{"một hai,ba", 1, 0},
		{"một hai ", 1, 1},                         /* the end of the text */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		toks *k = tokenize(cases[i].s);
		assert_true(k->n > cases[i].tok);
		assert_string_equal(k->text[cases[i].tok], "hai");
		if (((k->t[cases[i].tok].flags & LOA_TOKF_SENT_END) != 0) != cases[i].end)
			fail_msg("case %zu '%s': sentence end %d, want %d", i, cases[i].s,
				 !cases[i].end, cases[i].end);
	}
	/* one word across 1-, 2- and 3-byte letters, and its flags */
	toks *k = tokenize("NGƯỜI Đắk ǅ ßẞ Ωμέγα");
	assert_int_equal(k->n, 5);
	assert_string_equal(k->text[0], "NGƯỜI");
	assert_true(k->t[0].flags & LOA_TOKF_UPPER);
	assert_true(k->t[0].flags & LOA_TOKF_DIACRITIC);
	assert_string_equal(k->text[1], "Đắk");
	assert_true(k->t[1].flags & LOA_TOKF_CAPITAL);
	assert_false(k->t[1].flags & LOA_TOKF_ASCII);
	assert_string_equal(k->text[3], "ßẞ");
	assert_string_equal(k->text[4], "Ωμέγα");
	assert_true(k->t[4].flags & LOA_TOKF_CAPITAL);
}

static void callback_stops(void **state)
{
	int n = 0;
	assert_int_equal(loa_text_tokenize("a b c d e", 9, stop_at_3, &n), 42);
	assert_int_equal(n, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(types),
		cmocka_unit_test(offsets_and_flags),
		cmocka_unit_test(sentences),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(chunks_equal_whole),
		cmocka_unit_test(huge_line_bounded),
		cmocka_unit_test(sentence_end_by_space),
		cmocka_unit_test(callback_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
