/*
 * testutil.h - helpers shared by the cmocka unit tests (header only).
 */
#ifndef LOA_TESTS_TESTUTIL_H
#define LOA_TESTS_TESTUTIL_H

#include <stdio.h>
#include <unistd.h>

/* Removes an SQLite database file and its companions (-wal, -shm,
 * -journal), whichever exist. */
static inline void loa_test_unlink_db(const char *path)
{
	static const char *const suf[] = {"", "-wal", "-shm", "-journal"};
	char p[4096];
	for (size_t i = 0; i < sizeof suf / sizeof suf[0]; i++) {
		int n = snprintf(p, sizeof p, "%s%s", path, suf[i]);
		if (n > 0 && (size_t)n < sizeof p)
			unlink(p);
	}
}

#endif
