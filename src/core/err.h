/*
 * err.h - the one error convention of loa.
 *
 * Every function that can fail returns an int: LOA_OK (0) on success or a
 * negative LOA_E* code. Functions that can say more take an optional
 * `loa_err *` (may be NULL) and fill it with the code and a human message
 * through loa_err_set(), which returns the code so that callers can write
 *
 *     return loa_err_set(err, LOA_EINVAL, "bad time '%s'", s);
 *
 * Only the CLI's top level prints errors and chooses exit statuses; library
 * code never calls exit() or prints to stdout.
 */
#ifndef LOA_CORE_ERR_H
#define LOA_CORE_ERR_H

#include <stddef.h>

enum {
	LOA_OK = 0,
	LOA_ENOMEM = -1,    /* allocation failed */
	LOA_EINVAL = -2,    /* bad argument or bad input */
	LOA_EIO = -3,       /* read/write/system call failed */
	LOA_ENOTFOUND = -4, /* no such thing */
	LOA_ETOOBIG = -5,   /* a cap was reached */
	LOA_EPARSE = -6,    /* malformed input (JSON, time, query…) */
	LOA_EDB = -7,       /* database error */
	LOA_EEXIST = -8,    /* already exists */
	LOA_EVERSION = -9,  /* incompatible version (schema, model) */
	LOA_EFULL = -10,    /* disk or database full */
	LOA_EPERM = -11,    /* not allowed */
	LOA_ENET = -12,     /* network error */
	LOA_EAGAIN = -13,   /* busy, try again */
	LOA_EUSAGE = -14,   /* command-line usage error (exit status 2) */
};

#define LOA_ERR_MSG_MAX 512

typedef struct loa_err {
	int code;
	char msg[LOA_ERR_MSG_MAX];
} loa_err;

/* Short English name of a code ("out of memory"). Never NULL. */
const char *loa_strerror(int code);

/* Records code and a printf-style message in *err (if err != NULL);
 * returns code. A later call overwrites an earlier one. */
int loa_err_set(loa_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears *err to LOA_OK and an empty message. */
void loa_err_clear(loa_err *err);

/* The message of *err, or loa_strerror(code) when it has none. */
const char *loa_err_msg(const loa_err *err);

#endif
