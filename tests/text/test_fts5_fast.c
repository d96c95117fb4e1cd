/*
 * test_fts5_fast.c - the FTS5 tokenizer's fast paths against its general
 * path, differentially: the fold tables and the fast mode of
 * loa_text_fts5_terms (raw tokens folded by table, no exact form), and the
 * document tokenizer's tables and word cache, against
 * loa__text_fts5_reference (every token normalised or checked code point by
 * code point, folded by loa_text_fold_lower, no cache). Same terms,
 * positions, flags and offsets on many random strings (ASCII, Vietnamese in
 * NFC and NFD, upper case, đ/Đ, eth, digits, punctuation, typed tokens,
 * other scripts, invalid UTF-8, long words) and real ones (the project's
 * sample items, as written, in NFD and in upper case; the shared
 * normalisation pairs when present).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/buf.h"
#include "core/err.h"
#include "text/fts5_tok.h"
#include "text/text.h"
#include "text/text_int.h"

#include "core/banned.h"

#define OUT_MAX ((size_t)64 << 20)

static sqlite3 *db;
static fts5_tokenizer tk;
static Fts5Tokenizer *tok;
static size_t n_strings, n_terms, n_tokens;

static int on_term(void *u, const char *t, size_t n, int pos)
{
	loa_buf *b = u;
	loa_buf_printf(b, "%d:", pos);
	loa_buf_append(b, t, n);
	loa_buf_putc(b, '\n');
	return 0;
}

static int on_token(void *u, int flags, const char *t, int n, int s, int e)
{
	loa_buf *b = u;
	loa_buf_printf(b, "%d|%d-%d|", flags, s, e);
	loa_buf_append(b, t, (size_t)n);
	loa_buf_putc(b, '\n');
	return SQLITE_OK;
}

static size_t lines(const loa_buf *b)
{
	size_t k = 0;
	for (size_t i = 0; i < b->len; i++)
		k += b->data[i] == '\n';
	return k;
}

static bool same(const loa_buf *a, const loa_buf *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static void show_diff(const char *what, const char *s, size_t n, const loa_buf *a,
		      const loa_buf *b)
{
	size_t i = 0;
	while (i < a->len && i < b->len && a->data[i] == b->data[i])
		i++;
	size_t from = i > 60 ? i - 60 : 0;
	int la = (int)(a->len - from > 120 ? 120 : a->len - from);
	int lb = (int)(b->len - from > 120 ? 120 : b->len - from);
	print_error("%s differs on \"%.*s\" (%zu bytes) at byte %zu:\n fast: %.*s\n ref:  %.*s\n",
		    what, (int)(n > 200 ? 200 : n), s, n, i, la, a->len ? a->data + from : "", lb,
		    b->len ? b->data + from : "");
}

/* Fast and reference outputs of loa_text_fts5_terms and of the tokenizer
 * (document; queries plain, '=' and '_') must be the same bytes. */
static void check(const char *s, size_t n)
{
	loa_buf a, b, q;
	loa_buf_init(&a, OUT_MAX);
	loa_buf_init(&b, OUT_MAX);
	loa_buf_init(&q, n + 2);
	n_strings++;

	loa__text_fts5_reference(false);
	int ra = loa_text_fts5_terms(s, n, on_term, &a);
	loa__text_fts5_reference(true);
	int rb = loa_text_fts5_terms(s, n, on_term, &b);
	loa__text_fts5_reference(false);
	assert_int_equal(ra, rb);
	if (!same(&a, &b)) {
		show_diff("terms", s, n, &a, &b);
		fail();
	}
	n_terms += lines(&a);

	for (int mode = 0; mode < 4; mode++) {
		const char *t = s;
		size_t tn = n;
		if (mode >= 2) { /* '=' exact and '_' bigram queries */
			loa_buf_reset(&q);
			loa_buf_putc(&q, mode == 2 ? '=' : '_');
			loa_buf_append(&q, s, n);
			t = q.data, tn = q.len;
		}
		int flags = mode == 0 ? FTS5_TOKENIZE_DOCUMENT : FTS5_TOKENIZE_QUERY;
		if (tn == 0 || tn > INT32_MAX)
			continue;
		/* twice on the fast path: a cold and a warm word cache */
		for (int pass = 0; pass < 2; pass++) {
			loa_buf_reset(&a);
			loa_buf_reset(&b);
			loa__text_fts5_reference(false);
			int xa = tk.xTokenize(tok, &a, flags, t, (int)tn, on_token);
			loa__text_fts5_reference(true);
			int xb = tk.xTokenize(tok, &b, flags, t, (int)tn, on_token);
			loa__text_fts5_reference(false);
			assert_int_equal(xa, xb);
			if (!same(&a, &b)) {
				show_diff(mode == 0 ? "document tokens" : "query tokens", t, tn, &a,
					  &b);
				fail();
			}
			n_tokens += lines(&a);
		}
	}
	loa_buf_release(&a);
	loa_buf_release(&b);
	loa_buf_release(&q);
}

/* s in NFD (combining marks after their letters) and in upper case, each
 * checked too. */
static void check_variants(const char *s, size_t n)
{
	check(s, n);
	utf8proc_uint8_t *d = NULL;
	utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &d,
					  UTF8PROC_STABLE | UTF8PROC_DECOMPOSE);
	if (r >= 0) {
		check((const char *)d, (size_t)r);
		/* upper case, code point by code point */
		loa_buf u;
		loa_buf_init(&u, 4 * (size_t)r + 16);
		for (utf8proc_ssize_t i = 0; i < r;) {
			utf8proc_int32_t cp;
			utf8proc_ssize_t l = utf8proc_iterate(d + i, r - i, &cp);
			if (l <= 0)
				break;
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t k = utf8proc_encode_char(utf8proc_toupper(cp), enc);
			loa_buf_append(&u, enc, (size_t)k);
			i += l;
		}
		check(u.data ? u.data : "", u.len);
		loa_buf_release(&u);
	}
	free(d);
}

static int setup(void **state)
{
	(void)state;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK || loa_text_fts5_register(db) != LOA_OK)
		return -1;
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	void *ud;
	if (!api || api->xFindTokenizer(api, LOA_FTS5_TOKENIZER, &ud, &tk) != SQLITE_OK ||
	    tk.xCreate(ud, NULL, 0, &tok) != SQLITE_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tk.xDelete(tok);
	sqlite3_close(db);
	return 0;
}

/* ---- random strings ------------------------------------------------------ */

static const char *const frags[] = {
	/* ASCII syllables, incl. the ones tone repair changes (qu, gh) */
	"nghieng", "qui", "quy", "gh", "ghe", "nghe", "ngh", "qu", "q", "g", "h", "gi", "hoa",
	"a", "b", "x", "thuy", "khoe", "tp", "hcm", "uy", "oa", "ong",
	"QUI", "GHE", "Qui", "Gh", "NGHIENG", "Hoa", "X",
	/* Vietnamese, precomposed (NFC), both cases, both tone placements */
	"Quí", "quí", "Nghành", "nghành", "NGHÈ", "HOÀ", "Hoà", "hòa", "HÒA", "ĐÀ", "Đà", "đà",
	"đ", "Đ", "ĐĐ", "THỦY", "THUỶ", "khoẻ", "khỏe", "người", "NGƯỜI", "Người", "giấy",
	"phép", "xây", "dựng", "Hà", "Nội", "Nguyễn", "Văn", "tiếng", "Việt", "ươ", "ƯƠ",
	"à", "á", "ả", "ã", "ạ", "ă", "ắ", "ằ", "ẳ", "ẵ", "ặ", "â", "ầ", "ấ", "ẩ", "ẫ", "ậ",
	"ê", "ế", "ề", "ể", "ễ", "ệ", "ô", "ố", "ồ", "ổ", "ỗ", "ộ", "ơ", "ớ", "ờ", "ở", "ỡ",
	"ợ", "ư", "ứ", "ừ", "ử", "ữ", "ự", "ý", "ỳ", "ỷ", "ỹ", "ỵ", "í", "ì", "ỉ", "ĩ", "ị",
	"ú", "ù", "ủ", "ũ", "ụ", "ó", "ò", "ỏ", "õ", "ọ", "é", "è", "ẻ", "ẽ", "ẹ", "Ớ", "Ữ",
	"Ậ", "Ỳ",
	/* combining marks (NFD pieces): grave, acute, tilde, hook, dot below,
	 * circumflex, breve, horn, ypogegrammeni, U+036F, U+0370 (a letter) */
	"\xcc\x80", "\xcc\x81", "\xcc\x83", "\xcc\x89", "\xcc\xa3", "\xcc\x82", "\xcc\x86",
	"\xcc\x9b", "\xcd\x85", "\xcd\xaf", "\xcd\xb0",
	/* other Latin: eth (repaired to đ), letters past U+024F, letters whose
	 * fold or lower case is not what it looks like */
	"Ð", "ð", "ø", "Ø", "ß", "æ", "\xc8\xba", "ǧ", "ḥ", "ĝ", "ſ", "ı", "İ", "ɐ", "ʃ", "ǅ",
	"Ÿ", "ẞ", "Ỻ", "ỿ", "ﬁ", "Ａ", "K", "Å",
	/* other scripts, emoji */
	"Привет", "Ωμέγα", "ά", "中文", "ไทย", "한국어", "😀", "👍🏽", "🇻🇳",
	/* digits, numbers, dates, money, typed tokens */
	"0", "12", "3,5", "1.000.000", "%", "12/8/2023", "14h30", "8h", "ngày 12 tháng 8 năm 2023",
	"tháng 8/2023", "20 triệu đồng", "100.000đ", "$5", "3 tỷ USD", "https://x.vn/a?b=1",
	"a@b.vn", "www.gov.vn", "#ChuyểnĐổiSố", "#_tag", "#__", "@Người", "@", "#", "TP.HCM",
	"tp.hcm", "H5N1", "COVID-19", "TT&TT", "UBND", "ASEAN", "Q.1", "P.", "TS.",
	/* punctuation, spaces */
	".", ",", ";", ":", "!", "?", "…", "\"", "'", "(", ")", "-", "–", "—", "_", "/", "&",
	"+", "*", "=", "\xc2\xa0", "\t", "\n", "\r\n", "\xe2\x80\x8b",
	/* invalid UTF-8: stray bytes, cut sequences, a surrogate, overlong */
	"\xff", "\x80", "\xe1\xbb", "\xe1", "\xc3", "\xcc", "\xed\xa0\x80", "\xc0\xaf",
	"\xf4\x90\x80\x80", "\xe1\xb8",
};
#define NFRAGS (sizeof frags / sizeof frags[0])

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

static void random_strings(void **state)
{
	(void)state;
	loa_buf s;
	loa_buf_init(&s, 1 << 16);
	for (int it = 0; it < 12000; it++) {
		loa_buf_reset(&s);
		uint32_t k = 1 + rnd(24);
		/* sometimes all one word (fragments glued), mostly spaced */
		uint32_t glue = rnd(4);
		for (uint32_t j = 0; j < k; j++) {
			loa_buf_puts(&s, frags[rnd(NFRAGS)]);
			if (glue && rnd(3))
				loa_buf_putc(&s, rnd(8) ? ' ' : '.');
		}
		check(s.data, s.len);
	}
	/* long words: past the 256-byte term cut and the 1024-byte raw cut,
	 * the cut falling inside a multi-byte letter or between marks */
	static const char *const units[] = {"a", "ệ", "e\xcc\x82\xcc\xa3", "Ớ", "ngh", "Đ",
					    "\xc8\xba", "x\xcc\x80"};
	const size_t nu = sizeof units / sizeof units[0];
	for (size_t u = 0; u < nu; u++)
		for (size_t len = 250; len < 1400; len += 37 + u) {
			loa_buf_reset(&s);
			loa_buf_puts(&s, "Hà ");
			if (u % 2)
				loa_buf_puts(&s, "qu");
			while (s.len < len)
				loa_buf_puts(&s, units[(u + s.len / 7) % nu]);
			loa_buf_puts(&s, " Nội #");
			for (size_t j = 0; j < len / 3; j++)
				loa_buf_puts(&s, units[u]);
			check_variants(s.data, s.len);
		}
	loa_buf_release(&s);
}

/* ---- real strings -------------------------------------------------------- */

static void read_lines(const char *path, size_t max, int col)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		print_message("(no %s)\n", path);
		return;
	}
	char *line = NULL;
	size_t cap = 0, k = 0;
	ssize_t got;
	while (k < max && (got = getline(&line, &cap, f)) > 0) {
		size_t n = (size_t)got;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (col < 0) {
			check_variants(line, n);
		} else if (n && line[0] != '#') {
			/* the first two columns of a TSV */
			const char *t = memchr(line, '\t', n);
			size_t a = t ? (size_t)(t - line) : n;
			check_variants(line, a);
			if (t) {
				const char *u = memchr(t + 1, '\t', n - a - 1);
				check_variants(t + 1, u ? (size_t)(u - t - 1) : n - a - 1);
			}
		}
		k++;
	}
	free(line);
	fclose(f);
}

static void real_strings(void **state)
{
	(void)state;
	static const char *const sents[] = {
		"Thủ tướng Chính phủ yêu cầu các bộ, ngành đẩy nhanh tiến độ giải ngân vốn đầu tư "
		"công năm 2024; UBND TP.HCM báo cáo trước ngày 15/8.",
		"Bộ Thông tin và Truyền thông (Bộ TT&TT) hướng dẫn chuyển đổi số, #ChuyểnĐổiSố, "
		"liên hệ: vanthu@mic.gov.vn hoặc https://mic.gov.vn/tin-tuc?id=12.",
		"Hoà bình, khoẻ mạnh, thuỷ lợi, Quí vị, nghành nghề: cách bỏ dấu cũ vẫn được tìm "
		"thấy.",
		"Giá xăng giảm 1.250 đồng/lít từ 15h00 chiều nay, còn 22.500đ; lạm phát 3,5 %.",
		"ĐỒNG CHÍ NGUYỄN VĂN AN, PHÓ CHỦ TỊCH UBND TỈNH, ĐÃ KÝ QUYẾT ĐỊNH SỐ 123/QĐ-UBND.",
		"Dịch cúm H5N1 và COVID-19: Sở Y tế Hà Nội khuyến cáo người dân đeo khẩu trang.",
		"giay phep lai xe (viet khong dau) va chu quoc ngu ghi khong dau",
	};
	for (size_t i = 0; i < sizeof sents / sizeof sents[0]; i++)
		check_variants(sents[i], strlen(sents[i]));
	/* the project's own sample items (one JSON object a line, as text) */
	const char *src = getenv("LOA_SRC");
	char path[4096];
	if (src) {
		snprintf(path, sizeof path, "%s/data/sample/items.jsonl", src);
		read_lines(path, 400, -1);
	}
	/* the shared normalisation pairs (odd tone placements, typos) */
	const char *shared = getenv("LOA_SHARED");
	if (shared) {
		snprintf(path, sizeof path, "%s/peers/vi-normalize.tsv", shared);
		read_lines(path, 2000, 0);
	}
}

/* The comparisons above are not empty: they saw many terms and tokens. */
static void compared_enough(void **state)
{
	(void)state;
	print_message("compared %zu strings: %zu terms, %zu tokens\n", n_strings, n_terms,
		      n_tokens);
	assert_true(n_strings > 12000);
	assert_true(n_terms > 80000);
	assert_true(n_tokens > 700000);
}

/* Known folds through the fast mode: NFC, NFD, upper case, đ, tone
 * repair, eth, other scripts. */
static void known_terms(void **state)
{
	(void)state;
	loa_buf a;
	loa_buf_init(&a, 1 << 16);
	const char *s = "NGƯỜI ngu\xcc\x9bo\xcc\x9b\xcc\x80i Đà QUÍ nghành Ðà ǧh Ωμέγα Ⱥ";
	assert_int_equal(loa_text_fts5_terms(s, strlen(s), on_term, &a), LOA_OK);
	loa_buf_putc(&a, '\0');
	assert_string_equal(a.data, "0:nguoi\n1:nguoi\n2:da\n3:quy\n4:nganh\n5:da\n6:gh\n"
				    "7:ωμεγα\n8:\xe2\xb1\xa5\n");
	loa_buf_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_terms),
		cmocka_unit_test(random_strings),
		cmocka_unit_test(real_strings),
		cmocka_unit_test(compared_enough),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
