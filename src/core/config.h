/*
 * config.h - configuration with layers: built-in defaults < configuration
 * file < environment (LOA_<KEY>, dots and dashes as underscores, upper
 * case) < command-line flags. Every key is declared once in the table in
 * config.c with its default and a one-line description; unknown keys in a
 * file or in --set are errors.
 *
 * File format: one "key = value" per line; '#' starts a comment line.
 * The file is --config FILE, else $LOA_CONFIG, else ./loa.conf when present.
 *
 * Ownership: a loa_config owns its strings; loa_config_get() returns a
 * pointer valid until the next set on that key or loa_config_release().
 */
#ifndef LOA_CORE_CONFIG_H
#define LOA_CORE_CONFIG_H

#include <stdint.h>

#include "core/err.h"

enum { LOA_CFG_DEFAULT = 0, LOA_CFG_FILE, LOA_CFG_ENV, LOA_CFG_FLAG };

typedef struct loa_config_key {
	const char *key;
	const char *def;
	const char *help;
} loa_config_key;

typedef struct loa_config loa_config;

/* Creates a configuration holding the defaults. NULL when out of memory. */
loa_config *loa_config_new(void);
void loa_config_free(loa_config *c);

/* Reads a file into the FILE layer. A missing file is LOA_ENOTFOUND. */
int loa_config_load_file(loa_config *c, const char *path, loa_err *err);
/* Applies LOA_* environment variables. */
int loa_config_load_env(loa_config *c, loa_err *err);
/* Sets one key at a layer; LOA_ENOTFOUND for an unknown key. */
int loa_config_set(loa_config *c, const char *key, const char *value, int origin, loa_err *err);
/* "key=value" form of loa_config_set (for --set). */
int loa_config_set_kv(loa_config *c, const char *kv, int origin, loa_err *err);

const char *loa_config_get(const loa_config *c, const char *key);
int64_t loa_config_get_i64(const loa_config *c, const char *key, int64_t fallback);
const char *loa_config_origin_name(int origin);
/* Where key's value came from (LOA_CFG_*), -1 when unknown. */
int loa_config_origin(const loa_config *c, const char *key);
/* The path of the file loaded, or NULL. */
const char *loa_config_file(const loa_config *c);

/* The key table (terminated by a NULL key). */
const loa_config_key *loa_config_keys(void);

#endif
