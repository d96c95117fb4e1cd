#include "core/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

struct loa_arena_block {
	loa_arena_block *next;
	size_t size, used;
	_Alignas(16) unsigned char mem[];
};

void loa_arena_init(loa_arena *a, size_t block_size, size_t max)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 64 * 1024;
	a->total = 0;
	a->max = max ? max : ((size_t)1 << 30);
}

void loa_arena_release(loa_arena *a)
{
	loa_arena_block *b = a->head;
	while (b) {
		loa_arena_block *n = b->next;
		free(b);
		b = n;
	}
	a->head = NULL;
	a->total = 0;
}

void loa_arena_reset(loa_arena *a)
{
	if (!a->head)
		return;
	/* keep the oldest block (the last in the list) */
	loa_arena_block *b = a->head, *keep = NULL;
	while (b) {
		loa_arena_block *n = b->next;
		if (!n)
			keep = b;
		else
			free(b);
		b = n;
	}
	keep->used = 0;
	keep->next = NULL;
	a->head = keep;
	a->total = sizeof *keep + keep->size;
}

void *loa_arena_alloc(loa_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (n == 0)
		n = 16;
	loa_arena_block *b = a->head;
	if (!b || b->size - b->used < n) {
		size_t sz = n > a->block_size ? n : a->block_size;
		if (sz > a->max || a->total > a->max - sz)
			return NULL;
		b = malloc(sizeof *b + sz);
		if (!b)
			return NULL;
		b->size = sz;
		b->used = 0;
		b->next = a->head;
		a->head = b;
		a->total += sizeof *b + sz;
	}
	void *p = b->mem + b->used;
	b->used += n;
	return p;
}

char *loa_arena_strndup(loa_arena *a, const char *s, size_t n)
{
	char *p = loa_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *loa_arena_strdup(loa_arena *a, const char *s)
{
	return loa_arena_strndup(a, s, strlen(s));
}
