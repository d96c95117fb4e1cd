/*
 * fixture.h - the search tests' database: a store and the search room on
 * one temporary file, and items put into it (header only; include after
 * <cmocka.h>, which reports failures).
 *
 * Ownership: the caller owns the path buffer and the handles, and gives
 * them back to search_fixture_close.
 */
#ifndef LOA_TESTS_SEARCH_FIXTURE_H
#define LOA_TESTS_SEARCH_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "search/search.h"
#include "store/store.h"
#include "testutil.h"

/* $TMPDIR/loa-test-NAME-PID.db, removed first, opened by the store and
 * the search room. */
static inline void search_fixture_open(const char *name, char *path, size_t cap, loa_store **st,
				       loa_search **se)
{
	snprintf(path, cap, "%s/loa-test-%s-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 name, (int)getpid());
	loa_test_unlink_db(path);
	loa_err err;
	if (loa_store_open(path, 0, st, &err))
		fail_msg("store: %s", err.msg);
	if (loa_search_open(path, se, &err))
		fail_msg("search: %s", err.msg);
}

static inline void search_fixture_close(const char *path, loa_store *st, loa_search *se)
{
	loa_search_close(se);
	loa_store_close(st);
	loa_test_unlink_db(path);
}

/* Stores one item (title may be NULL). */
static inline void search_fixture_put(loa_store *st, const char *source, const char *id,
				      const char *title, const char *text, loa_ms at)
{
	loa_item it;
	loa_err err;
	loa_item_init(&it);
	it.source = source;
	it.id = id;
	it.title = title;
	it.text = text;
	it.published_at = at;
	if (loa_store_item_upsert(st, &it, NULL, &err))
		fail_msg("upsert: %s", err.msg);
}

#endif
