/* test_normalize.c - Vietnamese normalisation (src/text/normalize.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "text/text.h"

static char out_s[4096];

static const char *norm(const char *s, size_t n, unsigned flags)
{
	loa_buf b;
	loa_buf_init(&b, 0);
	assert_int_equal(loa_text_normalize(s, n, flags, &b), LOA_OK);
	assert_true(b.len < sizeof out_s);
	memcpy(out_s, b.data, b.len);
	out_s[b.len] = '\0';
	assert_true(loa_utf8_valid(b.data, b.len));
	loa_buf_release(&b);
	return out_s;
}

#define N(s, f) norm((s), strlen(s), (f))

static void nfc(void **state)
{
	/* decomposed "Hòa" (o + U+0300) and "Việt" (e + U+0302 + U+0323) */
	assert_string_equal(N("Ho\xCC\x80" "a", LOA_NORM_NFC), "Hòa");
	assert_string_equal(N("Vie\xCC\x82\xCC\xA3t Nam", LOA_NORM_NFC), "Việt Nam");
	/* already NFC: unchanged */
	assert_string_equal(N("Cộng hòa xã hội chủ nghĩa Việt Nam", LOA_NORM_NFC),
			    "Cộng hòa xã hội chủ nghĩa Việt Nam");
	assert_true(loa_text_is_normal("Cộng hòa", strlen("Cộng hòa"), LOA_NORM_DISPLAY));
	assert_false(loa_text_is_normal("Ho\xCC\x80" "a", 4, LOA_NORM_NFC));
	assert_false(loa_text_is_normal("hoà", strlen("hoà"), LOA_NORM_DISPLAY));
}

static void tone_placement_both_conventions(void **state)
{
	/* tone on the 2nd vowel (hoà, thuỷ, khoẻ) and on the 1st (hòa, thủy,
	 * khỏe) meet in the 1st-vowel form */
	const char *pairs[][2] = {
		{"hoà", "hòa"}, {"thuỷ", "thủy"}, {"khoẻ", "khỏe"}, {"Hoà Bình", "Hòa Bình"},
		{"uỷ ban", "ủy ban"}, {"Uỷ", "Ủy"}, {"loà", "lòa"}, {"xoè", "xòe"},
		{"tuý", "túy"}, {"HOÀ", "HÒA"}, {"hoạ", "họa"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		assert_string_equal(N(pairs[i][0], LOA_NORM_DISPLAY), pairs[i][1]);
		assert_string_equal(N(pairs[i][1], LOA_NORM_DISPLAY), pairs[i][1]);
	}
	/* never touched: qu + y, closed syllables, gi + vowel */
	const char *same[] = {"quý", "quỳnh", "hoàng", "toàn", "khuyến", "thuyền", "giữa",
			      "người", "được", "khuỷu", "ngoài", "chuyện", "quốc", "gì", "già"};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		assert_string_equal(N(same[i], LOA_NORM_DISPLAY), same[i]);
}

static void typo_repair(void **state)
{
	const char *pairs[][2] = {
		{"baì", "bài"},   {"Yêú", "Yếu"},     {"dàì", "dài"},     {"tủổi", "tuổi"},
		{"Tựợng", "Tượng"}, {"gìa", "già"},   {"qùa", "quà"},     {"BUỚC", "BƯỚC"},
		{"nghành", "ngành"}, {"Chuơng", "Chương"}, {"trụyện", "truyện"},
		{"Ð", "Đ"},       {"ngòăng", "ngoằng"}, {"gìường", "giường"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
		assert_string_equal(N(pairs[i][0], LOA_NORM_DISPLAY), pairs[i][1]);
	/* two different tone marks: ambiguous, left alone */
	assert_string_equal(N("hoàá", LOA_NORM_DISPLAY), "hoàá");
	/* "thuở", "huơ" are words: not ương */
	assert_string_equal(N("thuở", LOA_NORM_DISPLAY), "thuở");
	assert_string_equal(N("huơ", LOA_NORM_DISPLAY), "huơ");
	/* foreign words are not syllables: untouched */
	assert_string_equal(N("Café Pokémon naïve", LOA_NORM_DISPLAY), "Café Pokémon naïve");
}

static void lower_and_fold(void **state)
{
	assert_string_equal(N("ĐẮK LẮK Hoà Bình", LOA_NORM_MATCH), "đắk lắk hòa bình");
	assert_string_equal(N("ĐẮK LẮK Hoà Bình", LOA_NORM_MATCH | LOA_NORM_FOLD), "dak lak hoa binh");
	assert_string_equal(N("Đường Đ", LOA_NORM_FOLD), "Duong D");
	assert_string_equal(N("đ Đ", LOA_NORM_LOWER), "đ đ");
	assert_string_equal(N("Giấy phép xây dựng", LOA_NORM_MATCH | LOA_NORM_FOLD),
			    "giay phep xay dung");
	/* other scripts */
	assert_string_equal(N("ΑΘΗΝΑ Москва", LOA_NORM_LOWER), "αθηνα москва");
	assert_string_equal(N("Café", LOA_NORM_FOLD | LOA_NORM_LOWER), "cafe");
	/* folding never touches the display form it came from */
	const char *disp = "Hòa bình";
	char copy[32];
	memcpy(copy, disp, strlen(disp) + 1);
	N(copy, LOA_NORM_MATCH | LOA_NORM_FOLD);
	assert_string_equal(copy, disp);
}

static void invalid_and_nul(void **state)
{
	const char in[] = "a\xFF" "b\0c h\xC3" "o\xCC\x80" "a";
	const char *r = norm(in, sizeof in - 1, LOA_NORM_MATCH);
	assert_string_equal(r, "a\xEF\xBF\xBD" "bc h\xEF\xBF\xBD" "òa");
	/* NUL alone, empty input */
	assert_string_equal(norm("\0\0", 2, LOA_NORM_DISPLAY), "");
	assert_string_equal(norm("", 0, LOA_NORM_DISPLAY), "");
}

static void mixed_scripts_and_plain(void **state)
{
	const char *s = "Hà Nội 東京 Москва 🇻🇳 😀 ١٢٣ naïve";
	assert_string_equal(N(s, LOA_NORM_DISPLAY), s);
	/* text without any diacritic stays as it is */
	const char *t = "Chinh phu ban hanh nghi dinh moi ve giay phep";
	assert_string_equal(N(t, LOA_NORM_DISPLAY), t);
	assert_string_equal(N(t, LOA_NORM_MATCH | LOA_NORM_FOLD),
			    "chinh phu ban hanh nghi dinh moi ve giay phep");
	/* Hangul needs real NFC: conjoining jamo compose */
	assert_string_equal(N("\xE1\x84\x80\xE1\x85\xA1", LOA_NORM_NFC), "가");
}

/* normalising twice gives the same as once (cases found by fuzzing) */
static void idempotent(void **state)
{
	static const char *const in[] = {
		"\xCC\x81gh\xC3\xA0nh",    /* a loose mark, then ghành */
		"\xC4gh\xC3\xA4nh",         /* invalid byte, ghänh */
		"q\xCC\x89" "ao\0\0\xCC\xA3\xCC\x80", /* marks that compose after NUL removal */
		"\xC7\xBF \xC9\x83",        /* ǿ Ƀ */
		"x\xCC\x81 ho\xCC\x80" "a", "Tựợng BUỚC qùa",
		"W\xCC\x8A",               /* W + ring: composes only once lower-cased (ẘ) */
		"\xC6\x81gh\xC3\xA0nh",    /* Ɓghành: glued to a letter outside the tables */
	};
	static const unsigned fl[] = {LOA_NORM_DISPLAY, LOA_NORM_MATCH, LOA_NORM_MATCH | LOA_NORM_FOLD,
				      LOA_NORM_NFC | LOA_NORM_TONE | LOA_NORM_FOLD};
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
		for (size_t f = 0; f < sizeof fl / sizeof fl[0]; f++) {
			char once[256];
			const char *r = norm(in[i], strlen(in[i]) + (i == 2 ? 6 : 0) /* past the NULs */, fl[f]);
			snprintf(once, sizeof once, "%s", r);
			assert_string_equal(N(once, fl[f]), once);
		}
	assert_string_equal(N("\xC7\xBF", LOA_NORM_FOLD), "o");
	assert_string_equal(N("gh\xC3\xA4nh", LOA_NORM_MATCH | LOA_NORM_FOLD), "ganh");
}

static void cap_respected(void **state)
{
	loa_buf b;
	loa_buf_init(&b, 8);
	assert_int_equal(loa_text_normalize("hoà bình hoà bình", strlen("hoà bình hoà bình"),
					    LOA_NORM_DISPLAY, &b),
			 LOA_ETOOBIG);
	assert_int_equal(b.len, 0);
	assert_int_equal(loa_text_normalize("hoà", strlen("hoà"), LOA_NORM_DISPLAY, &b), LOA_OK);
	assert_string_equal(b.data, "hòa");
	loa_buf_release(&b);
}

static void cp_helpers(void **state)
{
	assert_int_equal(loa_text_lower_cp(0x1EA0), 0x1EA1); /* Ạ -> ạ */
	assert_int_equal(loa_text_fold_cp(0x1EC7), 'e');      /* ệ -> e */
	assert_int_equal(loa_text_fold_cp(0x110), 'D');       /* Đ -> D */
	assert_true(loa_text_has_diacritic(0x111));
	assert_false(loa_text_has_diacritic('a'));
	assert_true(loa_text_is_letter(0x1EC7));
	assert_false(loa_text_is_letter('7'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nfc),
		cmocka_unit_test(tone_placement_both_conventions),
		cmocka_unit_test(typo_repair),
		cmocka_unit_test(lower_and_fold),
		cmocka_unit_test(invalid_and_nul),
		cmocka_unit_test(mixed_scripts_and_plain),
		cmocka_unit_test(idempotent),
		cmocka_unit_test(cap_respected),
		cmocka_unit_test(cp_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
