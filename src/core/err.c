#include "core/err.h"
#include "core/banned.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *loa_strerror(int code)
{
	switch (code) {
	case LOA_OK: return "ok";
	case LOA_ENOMEM: return "out of memory";
	case LOA_EINVAL: return "invalid argument";
	case LOA_EIO: return "input/output error";
	case LOA_ENOTFOUND: return "not found";
	case LOA_ETOOBIG: return "too big";
	case LOA_EPARSE: return "parse error";
	case LOA_EDB: return "database error";
	case LOA_EEXIST: return "already exists";
	case LOA_EVERSION: return "incompatible version";
	case LOA_EFULL: return "disk or database full";
	case LOA_EPERM: return "not permitted";
	case LOA_ENET: return "network error";
	case LOA_EAGAIN: return "busy, try again";
	case LOA_EUSAGE: return "usage error";
	default: return "unknown error";
	}
}

int loa_err_set(loa_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

void loa_err_clear(loa_err *err)
{
	if (err) {
		err->code = LOA_OK;
		err->msg[0] = '\0';
	}
}

const char *loa_err_msg(const loa_err *err)
{
	if (!err)
		return "";
	return err->msg[0] ? err->msg : loa_strerror(err->code);
}
