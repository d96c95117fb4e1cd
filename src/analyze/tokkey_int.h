/*
 * tokkey_int.h - the 64-bit key of a token, shared by the classifier's word
 * features (classify.c) and the word vectors (embed.c), so that both name a
 * token the same way. Private to the analysis room.
 */
#ifndef LOA_ANALYZE_TOKKEY_INT_H
#define LOA_ANALYZE_TOKKEY_INT_H

#include <stdint.h>
#include <string.h>

#include "text/text.h"

#define LOA__FNV_OFFSET 0xcbf29ce484222325ull
#define LOA__FNV_PRIME 0x100000001b3ull

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
