/*
 * store_int.h - inside the store room: the backend vtable (curl's vtls
 * pattern). store.c checks and normalises records and computes identity
 * and content hashes; a backend only persists them. A backend is chosen by
 * loa_store_open() from the path: probe() returns true for paths it owns.
 *
 * Backend functions receive `impl`, the backend's own handle created by
 * open() and freed by close(). Records passed in are already validated and
 * normalised; strings are borrowed for the call. Errors follow store.h.
 */
#ifndef LOA_STORE_STORE_INT_H
#define LOA_STORE_STORE_INT_H

#include "store/store.h"

typedef struct loa_store_backend {
	const char *name;
	bool (*probe)(const char *path);
	int (*open)(const char *path, const loa_store_opts *opts, void **impl, loa_err *err);
	void (*close)(void *impl);

	int (*schema_version)(void *impl, int *version, loa_err *err);
	int (*migrate)(void *impl, int target, int *applied, loa_err *err);
	int (*begin)(void *impl, loa_err *err);
	int (*commit)(void *impl, loa_err *err);
	void (*rollback)(void *impl);
	int (*status)(void *impl, loa_store_status *st, loa_err *err);
	int (*check)(void *impl, loa_err *err);

	int (*org_add)(void *impl, const loa_org *org, int64_t *id, loa_err *err);
	int (*org_get)(void *impl, const char *slug, loa_org_rec *out, loa_err *err);
	int (*org_succeed)(void *impl, const char *old_slug, const char *new_slug, loa_ms at,
			   loa_err *err);
	int (*orgs_each)(void *impl, loa_org_cb cb, void *arg, loa_err *err);

	int (*source_ensure)(void *impl, const char *slug, const char *platform, int64_t *id,
			     bool *created, loa_err *err);
	int (*sources_each)(void *impl, loa_source_cb cb, void *arg, loa_err *err);
	/* src is checked; url canonical. */
	int (*source_add)(void *impl, const loa_source *src, int64_t *id, loa_err *err);
	/* by slug when slug != NULL, else by (canonical) url */
	int (*source_get)(void *impl, const char *slug, const char *url, loa_source_rec *out,
			  loa_err *err);
	int (*source_update)(void *impl, const char *slug, const char *url, const char *state,
			     loa_err *err);
	int (*source_remove)(void *impl, const char *slug, bool *deleted, loa_err *err);

	/* norm is normalised; ident and content_hash are set in it. */
	int (*item_upsert)(void *impl, const loa_item *norm, int *result, loa_err *err);
	int (*items_each)(void *impl, const loa_item_filter *f, loa_item_cb cb, void *arg,
			  loa_err *err);
	int (*item_count_ident)(void *impl, const char *ident, int64_t *n, loa_err *err);
	/* url is canonical */
	int (*item_find_url)(void *impl, const char *url, loa_buf *ident, loa_buf *source,
			     loa_err *err);

	/* The backend's native handle (sqlite3 *), for sql.c and loa_store_native. */
	void *(*native)(void *impl);

	int (*audit_append)(void *impl, const loa_audit *a, loa_err *err);
	int (*audit_each)(void *impl, loa_audit_cb cb, void *arg, loa_err *err);
} loa_store_backend;

extern const loa_store_backend loa_store_sqlite_backend;

/* sql.c: the statement cache kept on each handle. */
#include "core/map.h"
loa_map *loa_store__sql_cache(loa_store *s);
void loa_sql__cache_release(loa_store *s);
/* Maps an SQLite result code of db (a sqlite3 *) to a LOA_E* with a message. */
int loa_store_sqlite_error(void *db, int rc, loa_err *err, const char *what);

/* Shared checks used by store.c and the backends. */
bool loa_store_slug_ok(const char *s);
bool loa_store_in_list(const char *s, const char *const *list);
extern const char *const loa_item_kinds[];
extern const char *const loa_item_platforms[];
extern const char *const loa_org_kinds[];
/* Source type and outlet kind for a platform ("facebook" -> social/social). */
void loa_store_platform_source(const char *platform, const char **type, const char **outlet);
/* The identity key of an item referred to from another item of `source`
 * (a comment's parent_id, a share's shared_from): "url:<canonical>" when
 * ref is a URL ("…://…"), else "id:<len>:<source>:<ref>". */
int loa_item_ref_ident(const char *source, const char *ref, loa_buf *out);

#endif
