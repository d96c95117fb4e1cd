/*
 * buf.h - a growable byte buffer that always has a cap.
 *
 * Ownership: a loa_buf owns its data. loa_buf_release() frees the data and
 * resets the buffer for reuse; loa_buf_detach() hands the data to the caller
 * (who frees it with free()). The data is always NUL-terminated after a
 * successful append, so b->data can be used as a C string when the content
 * has no NUL bytes. b->data is NULL until the first append.
 *
 * Every append fails with LOA_ETOOBIG, leaving the buffer unchanged, when the
 * new length would exceed b->max. Input from outside the process is always
 * read into a buffer whose max was chosen for that input.
 */
#ifndef LOA_CORE_BUF_H
#define LOA_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct loa_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* the cap: len never exceeds it */
} loa_buf;

#define LOA_BUF_MAX_DEFAULT ((size_t)64 << 20) /* 64 MiB */

void loa_buf_init(loa_buf *b, size_t max);
void loa_buf_release(loa_buf *b);
char *loa_buf_detach(loa_buf *b, size_t *len);
void loa_buf_reset(loa_buf *b); /* len = 0, keeps memory */
int loa_buf_reserve(loa_buf *b, size_t extra);
int loa_buf_append(loa_buf *b, const void *p, size_t n);
int loa_buf_puts(loa_buf *b, const char *s);
int loa_buf_putc(loa_buf *b, char c);
int loa_buf_printf(loa_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int loa_buf_vprintf(loa_buf *b, const char *fmt, va_list ap);
/* Drops the first n bytes. */
void loa_buf_consume(loa_buf *b, size_t n);

#endif
