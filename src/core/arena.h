/*
 * arena.h - a bump allocator for many small allocations freed together.
 *
 * Ownership: memory from loa_arena_alloc() belongs to the arena and is freed
 * only by loa_arena_release() (everything) or loa_arena_reset() (everything,
 * keeping the first block for reuse). Never free() arena memory. The arena
 * has a cap (max total bytes); allocation past it returns NULL.
 */
#ifndef LOA_CORE_ARENA_H
#define LOA_CORE_ARENA_H

#include <stddef.h>

typedef struct loa_arena_block loa_arena_block;

typedef struct loa_arena {
	loa_arena_block *head;
	size_t block_size;
	size_t total; /* bytes obtained from malloc */
	size_t max;   /* cap on total; 0 = 1 GiB */
} loa_arena;

void loa_arena_init(loa_arena *a, size_t block_size, size_t max);
void loa_arena_release(loa_arena *a);
void loa_arena_reset(loa_arena *a);
/* 16-byte aligned; NULL when out of memory or over the cap. */
void *loa_arena_alloc(loa_arena *a, size_t n);
/* Copies n bytes and adds a NUL. */
char *loa_arena_strndup(loa_arena *a, const char *s, size_t n);
char *loa_arena_strdup(loa_arena *a, const char *s);

#endif
