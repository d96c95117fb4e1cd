/*
 * fts5_tok.h - the "loa" tokenizer for SQLite FTS5 (v1 fts5_tokenizer API).
 *
 *     CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'loa');
 *
 * Documents: every syllable is indexed in its folded form ("hoa": no
 * diacritics, lower-case, đ -> d) and, at the same position
 * (FTS5_TOKEN_COLOCATED), its matching form (NFC, one tone placement,
 * lower-case: "hoà"/"Hòa" -> "hòa") when that differs. Two adjacent
 * capitalised syllables (names: "Hà Nội", "Nguyễn Văn") also get a folded
 * bigram term "_ha_noi", colocated on the second one: bigrams live in
 * their own namespace ('_' starts no syllable), so a prefix query never
 * expands over them. (Bigrams of every pair made indexing 4 times slower:
 * docs/text.md.) Numbers, dates, money, URLs, e-mails are one term each
 * (multi-word ones such as "ngày 12 tháng 8" are split into their parts);
 * abbreviations are split into their letter and digit runs at consecutive
 * positions, exactly as the same text in lower case tokenizes ("TP.HCM" and
 * "tp.hcm" -> tp hcm; "H5N1" -> h 5 n 1; "UBND" -> ubnd); "#tag" and
 * "@name" without the sign. Punctuation is skipped.
 *
 * Queries: each syllable becomes its folded form, so a query with or
 * without diacritics, in either tone placement, finds both. A query string
 * that starts with '=' (e.g. MATCH '"=hòa bình"') matches the exact
 * (diacritic-sensitive, placement-insensitive) forms instead; one that
 * starts with '_' ('"_hà nội"') the bigram terms of its adjacent
 * syllables. Syllables joined by '_' ("giay_phep", the segmenter's output
 * format) are a phrase of their syllables.
 *
 * Offsets passed to FTS5 are byte offsets into the original text, so
 * highlight() and snippet() work on the display text.
 *
 * Ownership: the tokenizer object is owned by FTS5 (created and deleted
 * through the table); registration keeps no other state.
 */
#ifndef LOA_TEXT_FTS5_TOK_H
#define LOA_TEXT_FTS5_TOK_H

#include <sqlite3.h>
#include <stddef.h>

#define LOA_FTS5_TOKENIZER "loa"

/* Registers the tokenizer "loa" on db (call once per connection, e.g. when
 * the store opens). Returns LOA_OK, LOA_ENOTFOUND (SQLite built without
 * FTS5) or LOA_EDB. */
int loa_text_fts5_register(sqlite3 *db);

/* The folded terms the tokenizer indexes for the document text s[0..n)
 * (no exact forms, no bigrams), each with its FTS5 position (0, 1, ...):
 * fn(user, term, len, pos); term is valid during the call only. Fast: raw
 * tokens folded by table, normalised only where folding alone could differ
 * (for the streaming matcher, search/match.c). Returns LOA_OK, LOA_ENOMEM,
 * or 1 when fn returned non-zero (stopped). */
typedef int (*loa_fts5_term_fn)(void *user, const char *term, size_t n, int pos);
int loa_text_fts5_terms(const char *s, size_t n, loa_fts5_term_fn fn, void *user);

#endif
