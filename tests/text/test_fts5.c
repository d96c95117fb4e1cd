/* test_fts5.c - the "loa" FTS5 tokenizer on an in-memory database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "text/fts5_tok.h"

static const char *docs[] = {
	/* 1 */ "Cấp giấy phép xây dựng nhà ở riêng lẻ tại TP.HCM",
	/* 2 */ "Hoà bình và phát triển bền vững",
	/* 3 */ "Hòa giải ở cơ sở",
	/* 4 */ "Phép thử: xây nhà, dựng lều và giấy tờ",
	/* 5 */ "Khoẻ mạnh, thuỷ lợi, ngày 12 tháng 8 năm 2023 hỗ trợ 20 triệu đồng #ChuyểnĐổiSố",
	/* 6 */ "giay phep lai xe (viet khong dau)",
	/* 7 */ "Ông Nguyễn Văn An về Hà Nội; tp.hcm, H5N1 và COVID-19",
};

static int setup(void **state)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(loa_text_fts5_register(db), LOA_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='loa')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES(?1, ?2)", -1, &st,
					    NULL),
			 SQLITE_OK);
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		sqlite3_bind_int(st, 1, (int)i + 1);
		sqlite3_bind_text(st, 2, docs[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	sqlite3_close(*state);
	return 0;
}

/* The rowids matching q, in rowid order (or rank order when ranked), as "1,4". */
static const char *match_by(sqlite3 *db, const char *q, bool ranked)
{
	static char out[256];
	out[0] = '\0';
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
					    ranked ? "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rank"
						   : "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t n = strlen(out);
		snprintf(out + n, sizeof out - n, "%s%d", n ? "," : "", sqlite3_column_int(st, 0));
	}
	if (rc != SQLITE_DONE)
		fail_msg("query %s: %s", q, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return out;
}

#define match(db, q) match_by((db), (q), false)

static void without_diacritics(void **state)
{
	sqlite3 *db = *state;
	/* doc 4 has the same syllables, apart */
	assert_string_equal(match(db, "giay phep xay dung"), "1,4");
	assert_string_equal(match(db, "giấy phép xây dựng"), "1,4");
	assert_string_equal(match(db, "GIẤY PHÉP"), "1,4,6");
	/* with the bigram terms, the document holding the words ranks first */
	assert_string_equal(match_by(db,
				     "(giay phep xay dung) OR giay_phep OR phep_xay OR xay_dung", true),
			    "1,4,6");
}

static void tone_placement(void **state)
{
	sqlite3 *db = *state;
	assert_string_equal(match(db, "\"hoà bình\""), "2");
	assert_string_equal(match(db, "\"hòa bình\""), "2");
	assert_string_equal(match(db, "hoa binh"), "2");
	assert_string_equal(match(db, "khỏe"), "5");
	assert_string_equal(match(db, "thuy loi"), "5");
	/* '=': exact, diacritic-sensitive (placement still free) */
	assert_string_equal(match(db, "\"=hoà\""), "2,3");
	assert_string_equal(match(db, "\"=giấy phép\""), "1");
}

static void phrases_and_bigrams(void **state)
{
	sqlite3 *db = *state;
	assert_string_equal(match(db, "\"giay phep xay dung\""), "1");
	assert_string_equal(match(db, "\"xay nha\""), "4");
	assert_string_equal(match(db, "\"phep xay\""), "1");
	assert_string_equal(match(db, "\"giay xay\""), "");
	/* segmented words ("giay_phep") are phrases of their syllables */
	assert_string_equal(match(db, "giay_phep"), "1,6");
	assert_string_equal(match(db, "giay_phep xay_dung"), "1");
	/* bigram terms, own namespace: names only (two capitalised syllables) */
	assert_string_equal(match(db, "\"_ha noi\""), "7");
	assert_string_equal(match(db, "\"_Nguyễn Văn An\""), "7");
	assert_string_equal(match(db, "\"_giay phep\""), "");
	/* a prefix never expands over bigrams ("_xay_dung" is not "xay…") */
	assert_string_equal(match(db, "\"_\" *"), "");
	assert_string_equal(match(db, "NEAR(giay xay, 1)"), "1");
	/* prefix queries */
	assert_string_equal(match(db, "phe*"), "1,4,6");
}

static void typed_tokens(void **state)
{
	sqlite3 *db = *state;
	assert_string_equal(match(db, "\"TP.HCM\""), "1,7");
	assert_string_equal(match(db, "hcm"), "1,7");
	assert_string_equal(match(db, "\"tháng 8\""), "5");
	assert_string_equal(match(db, "trieu"), "5");
	assert_string_equal(match(db, "chuyendoiso"), "5");
	/* abbreviations in any case: "tp.hcm" finds "TP.HCM" and back */
	assert_string_equal(match(db, "\"tp.hcm\""), "1,7");
	assert_string_equal(match(db, "\"Tp.Hcm\""), "1,7");
	assert_string_equal(match(db, "\"h5n1\""), "7");
	assert_string_equal(match(db, "\"covid-19\""), "7");
	assert_string_equal(match(db, "\"COVID 19\""), "7");
}

/* the prefix xây* highlights only syllables starting with xây, never the
 * next syllable (bigram terms live in their own namespace) */
static void prefix_highlight(void **state)
{
	sqlite3 *db = *state;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH "
					    "'\"xây\" *' ORDER BY rowid",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
			    "Cấp giấy phép [xây] dựng nhà ở riêng lẻ tại TP.HCM");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
			    "Phép thử: [xây] nhà, dựng lều và giấy tờ");
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* loa_text_fts5_terms gives the folded terms and positions FTS5 gets */
typedef struct terms_acc {
	char s[1024];
} terms_acc;

static int on_term(void *u, const char *t, size_t n, int pos)
{
	terms_acc *a = u;
	size_t k = strlen(a->s);
	snprintf(a->s + k, sizeof a->s - k, "%s%d:%.*s", k ? " " : "", pos, (int)n, t);
	return 0;
}

static void fast_terms(void **state)
{
	terms_acc a = {""};
	const char *s = "Quí vị Nghành Hoà TP.HCM, 20 triệu đồng #ChuyểnĐổiSố";
	assert_int_equal(loa_text_fts5_terms(s, strlen(s), on_term, &a), LOA_OK);
	assert_string_equal(a.s, "0:quy 1:vi 2:nganh 3:hoa 4:tp 5:hcm 6:20 7:trieu 8:dong "
				 "9:chuyendoiso");
	/* decomposed (NFD) input folds the same */
	terms_acc b = {""};
	const char *d = "Ho\xcc\x80" "a ThU\xcc\x89" "y";
	assert_int_equal(loa_text_fts5_terms(d, strlen(d), on_term, &b), LOA_OK);
	assert_string_equal(b.s, "0:hoa 1:thuy");
}

static void highlight_offsets(void **state)
{
	sqlite3 *db = *state;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH "
					    "'hoa' ORDER BY rowid",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
			    "[Hoà] bình và phát triển bền vững");
	sqlite3_finalize(st);
}

/* ---- the word cache ----------------------------------------------------- */

typedef struct stream {
	char s[8192];
	size_t n;
} stream;

static int rec_token(void *u, int flags, const char *t, int n, int start, int end)
{
	stream *o = u;
	int k = snprintf(o->s + o->n, sizeof o->s - o->n, "%s%s%.*s@%d-%d", o->n ? " " : "",
			 flags & FTS5_TOKEN_COLOCATED ? "+" : "", n, t, start, end);
	if (k > 0 && (size_t)k < sizeof o->s - o->n)
		o->n += (size_t)k;
	return SQLITE_OK;
}

/* The document tokens of text (or query tokens), as one string. */
static void tokens_of(const char *text, int mode, stream *o)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(loa_text_fts5_register(db), LOA_OK);
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	assert_non_null(api);
	void *ud;
	fts5_tokenizer tk;
	assert_int_equal(api->xFindTokenizer(api, LOA_FTS5_TOKENIZER, &ud, &tk), SQLITE_OK);
	Fts5Tokenizer *t;
	assert_int_equal(tk.xCreate(ud, NULL, 0, &t), SQLITE_OK);
	o->n = 0;
	o->s[0] = '\0';
	assert_int_equal(tk.xTokenize(t, o, mode, text, (int)strlen(text), rec_token), SQLITE_OK);
	tk.xDelete(t);
	sqlite3_close(db);
}

/* Words are looked up in a per-thread cache of their forms: the tokens are
 * the same whether a word is new, cached, or evicted, in every case class
 * (lower case, a capital ASCII or Vietnamese letter, all capitals, tone
 * placement repaired, long words past the cache's key). */
static void word_cache(void **state)
{
	(void)state;
	const char *text = "Người người NGƯỜI Đà đà Hoà hòa hoà Quí quí Nghành "
			   "Thành phố Hồ Chí Minh ngoằngoèoooooooooo";
	static const char *const want =
		"nguoi@0-8 +người@0-8 nguoi@9-17 +người@9-17 nguoi@18-26 +người@18-26 "
		"da@27-31 +đà@27-31 +_nguoi_da@27-31 da@32-36 +đà@32-36 hoa@37-41 +hòa@37-41 "
		"hoa@42-46 +hòa@42-46 hoa@47-51 +hòa@47-51 quy@52-56 +quý@52-56 "
		"quy@57-61 +quý@57-61 nganh@62-69 +ngành@62-69 thanh@70-76 +thành@70-76 "
		"+_nganh_thanh@70-76 pho@77-82 +phố@77-82 ho@83-87 +hồ@83-87 chi@88-92 +chí@88-92 "
		"+_ho_chi@88-92 minh@93-97 +_chi_minh@93-97 "
		"ngoangoeoooooooooo@98-119 +ngoằngoèoooooooooo@98-119";
	stream a, b, c;
	tokens_of(text, FTS5_TOKENIZE_DOCUMENT, &a);
	assert_string_equal(a.s, want);
	tokens_of(text, FTS5_TOKENIZE_DOCUMENT, &b); /* all cached now */
	assert_string_equal(b.s, want);
	/* 200,000 other words push these out of the cache */
	char *many = malloc(200000 * 8);
	assert_non_null(many);
	size_t n = 0;
	for (unsigned i = 0; i < 200000; i++)
		n += (size_t)snprintf(many + n, 8, "x%05x ", i);
	many[n ? n - 1 : 0] = '\0';
	tokens_of(many, FTS5_TOKENIZE_DOCUMENT, &c);
	free(many);
	tokens_of(text, FTS5_TOKENIZE_DOCUMENT, &c);
	assert_string_equal(c.s, want);
	/* queries see the same forms: folded, '=' exact, '_' bigrams */
	tokens_of("Người Đà hoà", FTS5_TOKENIZE_QUERY, &a);
	assert_string_equal(a.s, "nguoi@0-8 da@9-13 hoa@14-18");
	tokens_of("=Người Đà hoà", FTS5_TOKENIZE_QUERY, &a);
	assert_string_equal(a.s, "người@1-9 đà@10-14 hòa@15-19");
	tokens_of("_Hồ Chí Minh", FTS5_TOKENIZE_QUERY, &a);
	assert_string_equal(a.s, "_ho_chi@5-10 _chi_minh@10-15");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(without_diacritics, setup, teardown),
		cmocka_unit_test_setup_teardown(tone_placement, setup, teardown),
		cmocka_unit_test_setup_teardown(phrases_and_bigrams, setup, teardown),
		cmocka_unit_test_setup_teardown(typed_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(highlight_offsets, setup, teardown),
		cmocka_unit_test_setup_teardown(prefix_highlight, setup, teardown),
		cmocka_unit_test(fast_terms),
		cmocka_unit_test(word_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
