#include "core/buf.h"
#include "core/err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

void loa_buf_init(loa_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max ? max : LOA_BUF_MAX_DEFAULT;
}

void loa_buf_release(loa_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *loa_buf_detach(loa_buf *b, size_t *len)
{
	char *p = b->data;
	if (!p) {
		p = calloc(1, 1);
	}
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void loa_buf_reset(loa_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

int loa_buf_reserve(loa_buf *b, size_t extra)
{
	if (extra > b->max || b->len > b->max - extra)
		return LOA_ETOOBIG;
	size_t need = b->len + extra + 1; /* room for the NUL */
	if (need <= b->cap)
		return LOA_OK;
	size_t ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	char *p = realloc(b->data, ncap);
	if (!p)
		return LOA_ENOMEM;
	b->data = p;
	b->cap = ncap;
	return LOA_OK;
}

int loa_buf_append(loa_buf *b, const void *p, size_t n)
{
	int rc = loa_buf_reserve(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return LOA_OK;
}

int loa_buf_puts(loa_buf *b, const char *s)
{
	return loa_buf_append(b, s, strlen(s));
}

int loa_buf_putc(loa_buf *b, char c)
{
	return loa_buf_append(b, &c, 1);
}

int loa_buf_vprintf(loa_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return LOA_EINVAL;
	int rc = loa_buf_reserve(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return LOA_OK;
}

int loa_buf_printf(loa_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = loa_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void loa_buf_consume(loa_buf *b, size_t n)
{
	if (n >= b->len) {
		loa_buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}
