/*
 * text.h - the text room: Vietnamese normalisation, typed tokens, sentence
 * splitting (normalize.c, token.c), the SQLite FTS5 tokenizer (fts5_tok.h)
 * and the word segmenter (segment*.c, declared at the end of this file by
 * its owner). Who owns what: the normalisation and token parts of this
 * header, normalize.c, token.c and fts5_tok.* belong to the text engineer;
 * the "word segmentation" section and segment*.c belong to the segmenter
 * engineer, who may extend that section freely. Other rooms only include
 * this header. Conventions (tone placement, folding, token types) are in
 * docs/text.md.
 *
 * Ownership: every function appends to a caller-owned loa_buf (whose cap
 * bounds the output) or reports through a caller-owned struct; nothing here
 * keeps pointers to the caller's text after returning, except the token
 * stream, which borrows the chunks it is fed only for the duration of a
 * loa_tokstream_feed() call.
 */
#ifndef LOA_TEXT_TEXT_H
#define LOA_TEXT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* ---- normalisation ---------------------------------------------------- */

/* flags for loa_text_normalize */
#define LOA_NORM_NFC 1u   /* NFC via utf8proc (skipped when already NFC: checked fast first) */
#define LOA_NORM_TONE 2u  /* one canonical tone-mark placement (docs/text.md) + typo repair */
#define LOA_NORM_LOWER 4u /* Vietnamese-aware lower-casing */
#define LOA_NORM_FOLD 8u  /* remove diacritics, đ->d (for matching only) */
#define LOA_NORM_DISPLAY (LOA_NORM_NFC | LOA_NORM_TONE)
#define LOA_NORM_MATCH (LOA_NORM_NFC | LOA_NORM_TONE | LOA_NORM_LOWER)

/* Appends the normalised form of s[0..n) to out; invalid UTF-8 -> U+FFFD,
 * NUL dropped. Returns LOA_OK, LOA_ETOOBIG (out's cap; out unchanged) or
 * LOA_ENOMEM. Output length is at most 3*n + 3 bytes. Thread-safe. */
int loa_text_normalize(const char *s, size_t n, unsigned flags, loa_buf *out);

/* Normalises one syllable/word s[0..n) (no spaces expected; other text is
 * passed through) the same way, appending to out. Same result as
 * loa_text_normalize on that text, cheaper for short strings. */
int loa_text_normalize_word(const char *s, size_t n, unsigned flags, loa_buf *out);

/* True when s[0..n) is valid UTF-8, NUL-free, NFC and (with LOA_NORM_TONE)
 * needs no tone repair: i.e. loa_text_normalize(s, n, flags & (NFC|TONE))
 * would return s unchanged. Fast (ASCII and precomposed Vietnamese). */
bool loa_text_is_normal(const char *s, size_t n, unsigned flags);

/* Code-point helpers (for tokenizers and the segmenter). */
/* Lower-case of cp (Vietnamese letters by table, others by utf8proc). */
uint32_t loa_text_lower_cp(uint32_t cp);
/* The base letter of cp with all diacritics removed (đ->d, Đ->D); cp
 * itself when it has none. Case is kept. */
uint32_t loa_text_fold_cp(uint32_t cp);
/* True when s[0..n) is one Vietnamese syllable made of letters only (a
 * misplaced tone that normalisation repairs still counts): "hòa", "hoà",
 * "nghiêng", "Đ"; not "UBND", "ASEAN", "café". */
bool loa_text_is_syllable(const char *s, size_t n);
/* True for letters and marks (any script), digits excluded. */
bool loa_text_is_letter(uint32_t cp);
/* True when cp is a Vietnamese letter carrying a diacritic (incl. đ). */
bool loa_text_has_diacritic(uint32_t cp);

/* ---- tokens ----------------------------------------------------------- */

typedef enum {
	LOA_TOK_WORD,    /* a syllable / word of letters (any script) */
	LOA_TOK_NUMBER,  /* 12, 1.000.000, 3,5, -2 */
	LOA_TOK_PERCENT, /* 12%, 3,5 % */
	LOA_TOK_DATE,    /* 12/8/2023, 2023-08-12, ngày 12 tháng 8 năm 2023, tháng 8/2023 */
	LOA_TOK_TIME,    /* 14:30, 14h30, 14 giờ 30 phút, 8h */
	LOA_TOK_MONEY,   /* 20 triệu đồng, 5.000 đồng, 100.000đ, 3 tỷ USD, $5 */
	LOA_TOK_URL,     /* https://…, www.x.vn/… */
	LOA_TOK_EMAIL,   /* a@b.vn */
	LOA_TOK_HASHTAG, /* #ChuyểnĐổiSố */
	LOA_TOK_MENTION, /* @user */
	LOA_TOK_EMOJI,   /* one emoji sequence (ZWJ, skin tones, flags) */
	LOA_TOK_ABBR,    /* TP.HCM, UBND, TT&TT, Bộ TT&TT is WORD + ABBR */
	LOA_TOK_PUNCT,   /* . , ; : ! ? … " ' ( ) - – — and so on */
	LOA_TOK_SYMBOL   /* anything else that is not a space */
} loa_tok_type;

/* token flags */
#define LOA_TOKF_SENT_END 1u  /* this token ends a sentence */
#define LOA_TOKF_DIACRITIC 2u /* a WORD with Vietnamese diacritics */
#define LOA_TOKF_CAPITAL 4u   /* first letter upper-case */
#define LOA_TOKF_UPPER 8u     /* all letters upper-case (and >= 2 letters) */
#define LOA_TOKF_SPACE_BEFORE 32u /* whitespace (or text start) precedes the token */
#define LOA_TOKF_ASCII 64u        /* a WORD made of ASCII letters only */
#define LOA_TOKF_ANY_UPPER 128u   /* a WORD with some upper-case letter */

typedef struct loa_token {
	loa_tok_type type;
	size_t start, end; /* byte offsets in the original text: [start, end) */
	unsigned flags;    /* LOA_TOKF_* */
} loa_token;

/* Name of a token type ("word", "number", …). Never NULL. */
const char *loa_tok_type_name(loa_tok_type t);

/* Callback for tokens: text is the token's bytes (valid only during the
 * call; raw original bytes, not normalised). Return non-zero to stop. */
typedef int (*loa_tok_fn)(void *user, const loa_token *tok, const char *text);

/* Tokenises the whole text s[0..n) (one call, no streaming). Returns
 * LOA_OK, or the callback's non-zero value when it stopped early. */
int loa_text_tokenize(const char *s, size_t n, loa_tok_fn fn, void *user);

/* Streaming tokenizer: feed the text in chunks of any size (even cut inside
 * a UTF-8 sequence); tokens are delivered with offsets counted from the
 * start of the whole stream, identical to one loa_text_tokenize() call.
 * Memory is bounded: a token longer than LOA_TOK_MAX_LEN bytes is cut into
 * pieces of at most that length. Ownership: the stream owns its carry-over
 * buffer; release with loa_tokstream_release(). */
#define LOA_TOK_MAX_LEN 4096u
typedef struct loa_tokstream {
	loa_tok_fn fn;
	void *user;
	loa_buf pend;       /* unconsumed tail carried between feeds */
	size_t base;        /* stream offset of pend.data[0] */
	int stopped;        /* callback's non-zero value, once stopped */
	size_t pending_end; /* stream offset where a sentence ends (after closing quotes) */
	unsigned state;     /* scanner state carried across chunks (private) */
} loa_tokstream;

void loa_tokstream_init(loa_tokstream *ts, loa_tok_fn fn, void *user);
/* Returns LOA_OK, LOA_ENOMEM, or the callback's stop value. */
int loa_tokstream_feed(loa_tokstream *ts, const char *s, size_t n);
/* Flushes the tail (call once at the end of the stream). */
int loa_tokstream_finish(loa_tokstream *ts);
void loa_tokstream_release(loa_tokstream *ts);

/* Tokens with their normalised text: like loa_text_tokenize, and each
 * token's bytes normalised with `flags` (LOA_NORM_*) are passed as norm
 * (norm_len bytes, not NUL-terminated, valid only during the call; it may
 * be `text` itself when nothing changes). One pass, the fast way to
 * index: offsets still point into the original text. */
typedef int (*loa_tok_norm_fn)(void *user, const loa_token *tok, const char *text,
			       const char *norm, size_t norm_len);
int loa_text_tokenize_norm(const char *s, size_t n, unsigned flags, loa_tok_norm_fn fn,
			   void *user);

/* Syllables: calls fn for each WORD token that is made of letters only
 * (the unit the segmenter and the FTS tokenizer use); other token types
 * are passed too so callers can keep numbers etc. as single units. Same
 * as loa_text_tokenize today; kept as a separate name for the segmenter. */
int loa_text_syllables(const char *s, size_t n, loa_tok_fn fn, void *user);

/* Sentence splitting: calls fn(user, start, end) for each sentence's byte
 * range in s (leading/trailing spaces excluded). Return non-zero to stop. */
typedef int (*loa_sent_fn)(void *user, size_t start, size_t end);
int loa_text_sentences(const char *s, size_t n, loa_sent_fn fn, void *user);

/* ---- word segmentation (owned by the segmenter engineer) -------------- */
/* Declared in text/segment.h (models, training, tagging, streaming). */

#endif
