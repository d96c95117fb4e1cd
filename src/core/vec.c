#include "core/vec.h"

#include <stdint.h>

#include "core/banned.h"

int loa__vec_grow(void **items, size_t *cap, size_t need, size_t elem)
{
	if (need > LOA_VEC_MAX)
		return LOA_ETOOBIG;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / elem)
		return LOA_ENOMEM;
	void *p = realloc(*items, ncap * elem);
	if (!p)
		return LOA_ENOMEM;
	*items = p;
	*cap = ncap;
	return LOA_OK;
}
