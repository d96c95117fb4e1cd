/*
 * replay_main.c - runs a libFuzzer harness's LLVMFuzzerTestOneInput on
 * every file named on the command line (directories: every regular file in
 * them), without libFuzzer, so seed corpora are replayed by CTest. Link it
 * with any harness (see fuzz/replay.cmake). Exit status 0 when all ran; a
 * failing check in the harness aborts.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/banned.h"

#define REPLAY_MAX ((size_t)64 << 20) /* largest input replayed */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: không mở được / cannot open %s\n", path);
		return -1;
	}
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	if (!buf) {
		fclose(f);
		return -1;
	}
	size_t r;
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			if (cap >= REPLAY_MAX) {
				fprintf(stderr, "replay: quá lớn / too large: %s\n", path);
				free(buf);
				fclose(f);
				return -1;
			}
			uint8_t *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	/* an exact-size copy so that reads past the end are caught by ASan */
	uint8_t *exact = malloc(n ? n : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	size_t files = 0;
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: không có / missing: %s\n", argv[i]);
			bad = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]) != 0;
			files++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		if (!d) {
			bad = 1;
			continue;
		}
		char **names = NULL;
		size_t nn = 0, cap = 0;
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			if (nn == cap) {
				cap = cap ? cap * 2 : 64;
				char **nb = realloc(names, cap * sizeof *names);
				if (!nb)
					break;
				names = nb;
			}
			names[nn++] = strdup(e->d_name);
		}
		closedir(d);
		qsort(names, nn, sizeof *names, cmp);
		for (size_t k = 0; k < nn; k++) {
			char path[4096];
			if (snprintf(path, sizeof path, "%s/%s", argv[i], names[k]) < (int)sizeof path &&
			    stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				bad |= run_file(path) != 0;
				files++;
			}
			free(names[k]);
		}
		free(names);
	}
	printf("replay: files=%zu\n", files);
	return bad || files == 0 ? 1 : 0;
}
