/*
 * fuzz_qaidx.c - libFuzzer harness for the qa room's saved index
 * (loa_qa_index_load, retrieve.h): the input is the file. The loader must
 * refuse a damaged, truncated or foreign file with an error, never crash
 * or read outside the mapping; what it accepts must answer the
 * index's getters (documents, laws, titles, bodies, stats) within the
 * file, and rewrite a question through its mined abbreviations and
 * synonyms. The postings are trusted once the header and the tables
 * check out (the file is loa's own, written then renamed), so no search
 * is run here.
 *
 * Seeds (fuzz/corpus/qaidx): a valid index of three articles saved under
 * the key "fuzz-key", and damaged copies of it.
 * Build with -DLOA_FUZZ=ON (clang); the normal build replays the seeds
 * through replay_main.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "qa/retrieve.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                               \
	do {                                                                                   \
		if (!(c)) {                                                                    \
			fprintf(stderr, "fuzz_qaidx: check failed: %s (line %d)\n", #c, __LINE__); \
			abort();                                                               \
		}                                                                              \
	} while (0)

#define FUZZ_KEY "fuzz-key"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	if (!path[0])
		snprintf(path, sizeof path, "/tmp/loa-fuzz-qaidx-%ld.bin", (long)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	size_t wrote = size ? fwrite(data, 1, size, f) : 0;
	if (fclose(f) != 0 || wrote != size) {
		unlink(path);
		return 0;
	}
	loa_qa_params p;
	loa_qa_params_default(&p);
	loa_qa_index *ix = NULL;
	loa_err err;
	loa_err_clear(&err);
	int rc = loa_qa_index_load(path, FUZZ_KEY, &p, &ix, &err);
	if (rc == LOA_OK) {
		CHECK(ix != NULL);
		uint32_t n = loa_qa_index_docs(ix);
		for (uint32_t d = 0; d < n && d < 64; d++) {
			size_t tl = 0, bl = 0;
			const char *t = loa_qa_index_title(ix, d, &tl);
			const char *b = loa_qa_index_body(ix, d, &bl);
			const char *law = loa_qa_index_law(ix, d);
			CHECK(tl <= size && bl <= size);
			/* every byte handed out is readable */
			volatile unsigned char sink = 0;
			for (size_t i = 0; t && i < tl; i++)
				sink ^= (unsigned char)t[i];
			for (size_t i = 0; b && i < bl; i++)
				sink ^= (unsigned char)b[i];
			if (law)
				CHECK(strlen(law) <= size);
			(void)sink;
		}
		loa_qa_index_stats st;
		loa_qa_index_stats_get(ix, &st);
		CHECK(st.docs == n);
		loa_buf out;
		loa_buf_init(&out, 1 << 16);
		bool folded = false;
		static const char q[] = "thời hạn cấp GPXD cho người sử dụng lao động";
		rc = loa_qa_rewrite(ix, q, sizeof q - 1, &out, &folded);
		CHECK(rc == LOA_OK || rc == LOA_ENOMEM || rc == LOA_ETOOBIG);
		loa_buf_release(&out);
		loa_qa_index_free(ix);
	} else {
		CHECK(ix == NULL);
		CHECK(loa_err_msg(&err)[0] != '\0');
	}
	unlink(path);
	return 0;
}
