/*
 * utf8.h - UTF-8 helpers (decoding one code point, validation, repair).
 * Unicode normalisation and Vietnamese rules live in the text room.
 */
#ifndef LOA_CORE_UTF8_H
#define LOA_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define LOA_UTF8_REPLACEMENT 0xFFFDu

/* Decodes one code point at s[0..n). Returns its byte length (1–4) and
 * stores it in *cp; on an invalid or truncated sequence stores U+FFFD and
 * returns 1 (so a caller always advances). n must be > 0. */
size_t loa_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Encodes cp into out (4 bytes room); returns the length (1–4), or 0 for a
 * surrogate or a value above U+10FFFF. */
size_t loa_utf8_encode(uint32_t cp, unsigned char out[4]);
/* True when s[0..n) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
bool loa_utf8_valid(const char *s, size_t n);
/* Appends s to b with every invalid sequence replaced by U+FFFD and NUL
 * bytes dropped. */
int loa_utf8_sanitize(loa_buf *b, const char *s, size_t n);
/* Number of code points (invalid bytes count one each). */
size_t loa_utf8_count(const char *s, size_t n);
/* The largest length <= max that does not cut a UTF-8 sequence. */
size_t loa_utf8_truncate(const char *s, size_t n, size_t max);

#endif
