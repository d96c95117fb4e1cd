/*
 * map.h - a hash map from byte-string keys to void * values (open
 * addressing, linear probing, FNV-1a-style 64-bit hash).
 *
 * Ownership: the map copies keys and frees its copies. It does not own
 * values unless a value destructor is given to loa_map_init(); then
 * loa_map_del(), loa_map_set() (replacing) and loa_map_release() call it.
 */
#ifndef LOA_CORE_MAP_H
#define LOA_CORE_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct loa_map_entry {
	char *key; /* NULL = empty slot; (char *)1 = deleted */
	size_t klen;
	uint64_t hash;
	void *value;
} loa_map_entry;

typedef struct loa_map {
	loa_map_entry *slots;
	size_t cap;   /* power of two */
	size_t count; /* live entries */
	size_t used;  /* live + deleted */
	void (*free_value)(void *);
} loa_map;

uint64_t loa_hash64(const void *p, size_t n);

void loa_map_init(loa_map *m, void (*free_value)(void *));
void loa_map_release(loa_map *m);
/* Inserts or replaces. LOA_OK or LOA_ENOMEM. */
int loa_map_set(loa_map *m, const void *key, size_t klen, void *value);
/* The value, or NULL when absent (store non-NULL values, or use _has). */
void *loa_map_get(const loa_map *m, const void *key, size_t klen);
int loa_map_has(const loa_map *m, const void *key, size_t klen);
/* Removes the key; returns 1 when it was present. */
int loa_map_del(loa_map *m, const void *key, size_t klen);

/* Iteration: for (size_t it = 0; loa_map_next(m, &it, &e);) use(e). */
int loa_map_next(const loa_map *m, size_t *it, loa_map_entry **e);

#endif
