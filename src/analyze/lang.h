/*
 * lang.h - the words of a text as the analysis room sees them, and a small
 * language detector (docs/rooms/analyze.md, "Ngôn ngữ / Language").
 *
 * loa_an_doc tokenises a text once with the text room's tokenizer and
 * keeps, for each word-like token (WORD, ABBR, NUMBER, PERCENT, MONEY,
 * DATE, TIME), its bytes as written and a 64-bit hash of its *folded*
 * form (lower case, no diacritics, combining marks of decomposed text
 * dropped: no normalisation pass is needed), so
 * "hoà", "hòa" and "hoa" written without marks meet. Stories (MinHash
 * shingles), claims (terms) and trending terms all start from it.
 *
 * Language: only WORD tokens count. Let W be their number, D those with a
 * Vietnamese diacritic, S those that are well-formed Vietnamese syllables,
 * V those (folded) in a list of common Vietnamese function words and E
 * those in a list of common English function words. Then
 *   W == 0                               -> "und" (nothing to judge)
 *   E >= 0.10 W and E > V                -> "en"
 *   D >= 0.20 W                          -> "vi"
 *   S >= 0.75 W and V >= 0.08 W          -> "vi" (written without diacritics)
 *   otherwise                            -> "other"
 * Only the first LOA_LANG_WORDS words are looked at.
 *
 * Ownership: a loa_an_doc owns its buffers; init once, fill with
 * loa_an_doc_set() any number of times (it reuses memory), release once.
 * Nothing keeps pointers to the caller's text. Thread-safe across docs.
 */
#ifndef LOA_ANALYZE_LANG_H
#define LOA_ANALYZE_LANG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define LOA_AN_TEXT_MAX ((size_t)64 << 10) /* bytes of a text analysed; the rest is ignored */
#define LOA_AN_WORDS_MAX 20000u            /* word tokens kept per text */
#define LOA_LANG_WORDS 200u                /* words the detector looks at */

enum {
	LOA_ANW_WORD = 1u,  /* letters (a syllable or a foreign word) */
	LOA_ANW_STOP = 2u,  /* a Vietnamese or English function word */
	LOA_ANW_NUM = 4u,   /* number, percent, money, date, time */
	LOA_ANW_SENT = 8u,  /* ends a sentence */
};

typedef struct loa_an_word {
	uint32_t off, len; /* the token as written: doc->norm.data[off..off+len) */
	uint64_t fh;       /* hash of the folded form */
	unsigned flags;    /* LOA_ANW_* */
} loa_an_word;

typedef struct loa_an_doc {
	loa_buf norm;        /* the words as written, back to back */
	loa_an_word *w;      /* the words */
	size_t n, cap;
	size_t words;        /* W: WORD tokens (all, not only the first LOA_LANG_WORDS) */
	size_t diacritic, syllables, vi_stop, en_stop; /* D S V E over the first LOA_LANG_WORDS */
	size_t judged;       /* words looked at by the detector */
	bool truncated;      /* the text was longer than LOA_AN_TEXT_MAX, or had too many words */
} loa_an_doc;

void loa_an_doc_init(loa_an_doc *d);
void loa_an_doc_release(loa_an_doc *d);
/* Tokenises s[0..n) (any bytes; invalid UTF-8 is repaired by the text
 * room) into d, replacing what it held. LOA_OK or LOA_ENOMEM. */
int loa_an_doc_set(loa_an_doc *d, const char *s, size_t n);
/* "vi", "en", "other" or "und" (static strings). */
const char *loa_an_doc_lang(const loa_an_doc *d);
/* The same on a text (tokenises it). */
const char *loa_lang_detect(const char *s, size_t n);

/* True when the folded form (ASCII, lower case) is a function word. */
bool loa_an_is_stop(const char *folded, size_t n);

/* True when a word (any case, with or without diacritics) folds to a
 * function word. */
bool loa_an_is_stop_word(const char *s, size_t n);

/* 64-bit hash of the folded form of a matching-form word (what
 * loa_an_word.fh holds). */
uint64_t loa_an_fold_hash(const char *s, size_t n);

/* A strong 64-bit mix (splitmix64 finaliser). */
static inline uint64_t loa_an_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

#endif
