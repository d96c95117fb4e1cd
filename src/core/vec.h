/*
 * vec.h - a typed growable array, as macros over a struct:
 *
 *     LOA_VEC(int) v = {0};
 *     if (loa_vec_push(&v, 42)) ...error...
 *     for (size_t i = 0; i < v.len; i++) use(v.items[i]);
 *     loa_vec_release(&v);
 *
 * Ownership: the vector owns its items array, not what the items point to.
 * loa_vec_push evaluates to LOA_OK or LOA_ENOMEM (or LOA_ETOOBIG past
 * LOA_VEC_MAX items).
 */
#ifndef LOA_CORE_VEC_H
#define LOA_CORE_VEC_H

#include <stddef.h>
#include <stdlib.h>

#include "core/err.h"

#define LOA_VEC_MAX ((size_t)1 << 31)

#define LOA_VEC(T) struct { T *items; size_t len, cap; }

int loa__vec_grow(void **items, size_t *cap, size_t need, size_t elem);

#define loa_vec_reserve(v, n) \
	((v)->len + (n) <= (v)->cap ? LOA_OK \
	 : loa__vec_grow((void **)&(v)->items, &(v)->cap, (v)->len + (n), sizeof *(v)->items))

#define loa_vec_push(v, x) \
	(loa_vec_reserve((v), 1) ? LOA_ENOMEM : ((v)->items[(v)->len++] = (x), LOA_OK))

#define loa_vec_release(v) \
	do { free((v)->items); (v)->items = NULL; (v)->len = (v)->cap = 0; } while (0)

#endif
