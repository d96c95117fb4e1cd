#include "core/map.h"
#include "core/err.h"

#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define DELETED ((char *)1)

uint64_t loa_hash64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

void loa_map_init(loa_map *m, void (*free_value)(void *))
{
	memset(m, 0, sizeof *m);
	m->free_value = free_value;
}

void loa_map_release(loa_map *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		loa_map_entry *e = &m->slots[i];
		if (e->key && e->key != DELETED) {
			free(e->key);
			if (m->free_value)
				m->free_value(e->value);
		}
	}
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = m->used = 0;
}

static loa_map_entry *find(const loa_map *m, const void *key, size_t klen, uint64_t h)
{
	if (!m->cap)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		loa_map_entry *e = &m->slots[i];
		if (!e->key)
			return NULL;
		if (e->key != DELETED && e->hash == h && e->klen == klen &&
		    memcmp(e->key, key, klen) == 0)
			return e;
	}
}

static int grow(loa_map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 16;
	if (m->count * 2 < m->cap)
		ncap = m->cap; /* many tombstones: rehash at same size */
	loa_map_entry *ns = calloc(ncap, sizeof *ns);
	if (!ns)
		return LOA_ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		loa_map_entry *e = &m->slots[i];
		if (!e->key || e->key == DELETED)
			continue;
		size_t j = e->hash & (ncap - 1);
		while (ns[j].key)
			j = (j + 1) & (ncap - 1);
		ns[j] = *e;
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
	m->used = m->count;
	return LOA_OK;
}

int loa_map_set(loa_map *m, const void *key, size_t klen, void *value)
{
	uint64_t h = loa_hash64(key, klen);
	loa_map_entry *e = find(m, key, klen, h);
	if (e) {
		if (m->free_value && e->value != value)
			m->free_value(e->value);
		e->value = value;
		return LOA_OK;
	}
	if ((m->used + 1) * 4 > m->cap * 3) {
		int rc = grow(m);
		if (rc)
			return rc;
	}
	char *k = malloc(klen + 1);
	if (!k)
		return LOA_ENOMEM;
	memcpy(k, key, klen);
	k[klen] = '\0';
	size_t mask = m->cap - 1;
	size_t i = h & mask;
	while (m->slots[i].key && m->slots[i].key != DELETED)
		i = (i + 1) & mask;
	if (!m->slots[i].key)
		m->used++;
	m->slots[i] = (loa_map_entry){k, klen, h, value};
	m->count++;
	return LOA_OK;
}

void *loa_map_get(const loa_map *m, const void *key, size_t klen)
{
	loa_map_entry *e = find(m, key, klen, loa_hash64(key, klen));
	return e ? e->value : NULL;
}

int loa_map_has(const loa_map *m, const void *key, size_t klen)
{
	return find(m, key, klen, loa_hash64(key, klen)) != NULL;
}

int loa_map_del(loa_map *m, const void *key, size_t klen)
{
	loa_map_entry *e = find(m, key, klen, loa_hash64(key, klen));
	if (!e)
		return 0;
	free(e->key);
	if (m->free_value)
		m->free_value(e->value);
	e->key = DELETED;
	e->value = NULL;
	m->count--;
	return 1;
}

int loa_map_next(const loa_map *m, size_t *it, loa_map_entry **e)
{
	while (*it < m->cap) {
		loa_map_entry *s = &m->slots[(*it)++];
		if (s->key && s->key != DELETED) {
			*e = s;
			return 1;
		}
	}
	return 0;
}
