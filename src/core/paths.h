/*
 * paths.h - where loa finds the files it ships with (default models).
 *
 * A default model NAME (e.g. "segment.model") is looked up, in order, as
 *   $LOA_MODELS/NAME
 *   <directory of the running program>/../models/NAME   (via /proc/self/exe)
 *   ./models/NAME
 * and the first that exists is used. Every room's default model goes
 * through loa_model_path(), so one environment variable moves them all.
 *
 * Also: whole-file reads and atomic writes for the rooms' model files.
 *
 * Ownership: the path is appended to a caller-owned loa_buf.
 */
#ifndef LOA_CORE_PATHS_H
#define LOA_CORE_PATHS_H

#include "core/buf.h"
#include "core/err.h"

#define LOA_PATH_MAX 4096

/* Appends the path of the first existing candidate for name to out.
 * LOA_ENOTFOUND (with the places tried in err) when none exists;
 * LOA_EINVAL for a name with '/' or "..". */
int loa_model_path(const char *name, loa_buf *out, loa_err *err);

/* Appends the directory of the running program (no trailing '/') to out.
 * LOA_EIO when it cannot be found. */
int loa_exe_dir(loa_buf *out);

/* Writes data[0..n) to path atomically: a temporary file beside it,
 * flushed to disk, then renamed over path. LOA_EIO (with the reason in err)
 * on failure; path is then unchanged. */
int loa_file_write_atomic(const char *path, const void *data, size_t n, loa_err *err);

/* Reads the whole regular file at path into a new buffer *data of *n bytes
 * (the caller frees it with free()). LOA_ENOTFOUND when missing, LOA_ETOOBIG
 * when longer than cap, LOA_EIO otherwise; what in err. */
int loa_file_read_all(const char *path, size_t cap, unsigned char **data, size_t *n, loa_err *err);

#endif
