/*
 * fuzz_config.c - libFuzzer harness for the configuration file parser
 * (core/config.h, loa_config_load_file). The input is written to a
 * temporary file (one path per process) and loaded into a fresh
 * configuration; the result is compared with a reference reading of the
 * format (docs: one "key = value" per line, '#' comment lines, blank
 * lines; unknown keys, lines without '=', over-long lines and NUL bytes
 * are errors): same success or failure, and on success every key has the
 * value of its last line, with origin "file".
 *
 * Build with -DLOA_FUZZ=ON (clang); the normal build replays the seed
 * corpus in fuzz/corpus/config through replay_main.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                            \
	do {                                                                                \
		if (!(c)) {                                                                 \
			fprintf(stderr, "fuzz_config: check failed: %s (line %d)\n", #c, __LINE__); \
			abort();                                                            \
		}                                                                           \
	} while (0)

#define LINE_MAX_BYTES 4095 /* longest line, newline excluded */
#define KEY_MAX 127
#define VALUE_MAX 4095
#define MAX_KEYS 512

static char path[256];

static void drop(void)
{
	if (path[0])
		unlink(path);
}

static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void trim(const char **p, size_t *n)
{
	while (*n && space(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n && space((*p)[*n - 1]))
		(*n)--;
}

/* The reference: true when the file is accepted; want[i] = value of key i
 * (pointer into s, length wantn[i]) or NULL when not set. */
static bool reference(const char *s, size_t size, const loa_config_key *keys, size_t nkeys,
		      const char **want, size_t *wantn)
{
	size_t start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i < size && s[i] != '\n')
			continue;
		const char *p = s + start;
		size_t n = i - start;
		start = i + 1;
		if (i == size && n == 0)
			break;
		if (n > LINE_MAX_BYTES || memchr(p, 0, n))
			return false;
		trim(&p, &n);
		if (!n || p[0] == '#')
			continue;
		const char *eq = memchr(p, '=', n);
		if (!eq)
			return false;
		const char *k = p, *v = eq + 1;
		size_t kn = (size_t)(eq - p), vn = n - kn - 1;
		trim(&k, &kn);
		trim(&v, &vn);
		if (kn > KEY_MAX || vn > VALUE_MAX)
			return false;
		size_t idx = nkeys;
		for (size_t j = 0; j < nkeys; j++)
			if (strlen(keys[j].key) == kn && memcmp(keys[j].key, k, kn) == 0)
				idx = j;
		if (idx == nkeys)
			return false;
		want[idx] = v;
		wantn[idx] = vn;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!path[0]) {
		const char *dir = getenv("TMPDIR");
		snprintf(path, sizeof path, "%s/loa-fuzz-config-%ld.conf", dir && *dir ? dir : P_tmpdir,
			 (long)getpid());
		atexit(drop);
	}
	FILE *f = fopen(path, "wb");
	CHECK(f);
	CHECK(fwrite(data, 1, size, f) == size);
	CHECK(fclose(f) == 0);

	const loa_config_key *keys = loa_config_keys();
	size_t nkeys = 0;
	while (keys[nkeys].key)
		nkeys++;
	CHECK(nkeys <= MAX_KEYS);
	const char *want[MAX_KEYS] = {0};
	size_t wantn[MAX_KEYS] = {0};
	bool ok = reference((const char *)data, size, keys, nkeys, want, wantn);

	loa_config *c = loa_config_new();
	CHECK(c);
	loa_err err;
	int rc = loa_config_load_file(c, path, &err);
	if ((rc == LOA_OK) != ok) {
		fprintf(stderr, "config file %s, reference says %s (%s)\n",
			rc == LOA_OK ? "accepted" : "refused", ok ? "accept" : "refuse",
			rc ? err.msg : "");
		abort();
	}
	if (rc == LOA_OK) {
		for (size_t i = 0; i < nkeys; i++) {
			const char *got = loa_config_get(c, keys[i].key);
			int origin = loa_config_origin(c, keys[i].key);
			if (!want[i]) {
				CHECK(origin != LOA_CFG_FILE);
				continue;
			}
			if (origin != LOA_CFG_FILE || !got || strlen(got) != wantn[i] ||
			    memcmp(got, want[i], wantn[i]) != 0) {
				fprintf(stderr, "key %s: got '%s' (origin %d), want '%.*s'\n",
					keys[i].key, got ? got : "(null)", origin, (int)wantn[i],
					want[i]);
				abort();
			}
		}
		CHECK(loa_config_file(c) && strcmp(loa_config_file(c), path) == 0);
	} else {
		CHECK(rc == LOA_EPARSE);
	}
	loa_config_free(c);
	return 0;
}
