/*
 * hash_int.h - hashes shared by the analysis room's files (private to it):
 * the 64-bit key of a token, so that the classifier's word features
 * (classify.c) and the word vectors (embed.c) name a token the same way;
 * the mix and the checksum of their model files.
 */
#ifndef LOA_ANALYZE_HASH_INT_H
#define LOA_ANALYZE_HASH_INT_H

#include <stdint.h>
#include <string.h>

#include "text/text.h"

#define LOA__FNV_OFFSET 0xcbf29ce484222325ull
#define LOA__FNV_PRIME 0x100000001b3ull

/* MurmurHash3's 64-bit finaliser. */
static inline uint64_t loa__fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

/* The checksum of the classifier's and the word vectors' files: FNV-1a over
 * the 64-bit words of p[0..n) (n a multiple of 8), then a final mix with n. */
static inline uint64_t loa__file_checksum(const unsigned char *p, size_t n)
{
	uint64_t h = LOA__FNV_OFFSET;
	for (size_t i = 0; i + 8 <= n; i += 8) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		h = (h ^ v) * LOA__FNV_PRIME;
		h ^= h >> 29;
	}
	return loa__fmix64(h ^ n);
}

/* Numbers, dates, URLs… stand for their class, not their digits. */
static inline const char *loa__tok_class(loa_tok_type t)
{
	switch (t) {
	case LOA_TOK_NUMBER: return "<số>";
	case LOA_TOK_PERCENT: return "<phần trăm>";
	case LOA_TOK_DATE: return "<ngày>";
	case LOA_TOK_TIME: return "<giờ>";
	case LOA_TOK_MONEY: return "<tiền>";
	case LOA_TOK_URL: return "<url>";
	case LOA_TOK_EMAIL: return "<email>";
	case LOA_TOK_MENTION: return "<@>";
	default: return NULL;
	}
}

/* FNV-1a of the token's bytes (or of its class); *high gets the OR of the
 * bytes (>= 0x80: not ASCII), *cls whether a class stands for it. */
static inline uint64_t loa__tok_key(const loa_token *tok, const char *text, unsigned *high,
				    int *cls)
{
	const char *c = loa__tok_class(tok->type);
	uint64_t h = LOA__FNV_OFFSET;
	unsigned hi = 0;
	if (c) {
		for (const unsigned char *p = (const unsigned char *)c; *p; p++)
			h = (h ^ *p) * LOA__FNV_PRIME;
	} else {
		const unsigned char *p = (const unsigned char *)text;
		for (size_t i = 0, n = tok->end - tok->start; i < n; i++) {
			hi |= p[i];
			h = (h ^ p[i]) * LOA__FNV_PRIME;
		}
	}
	if (high)
		*high = hi;
	if (cls)
		*cls = c != NULL;
	return h;
}

#endif
