/*
 * bench_feeds.c - the driver of bench/feeds.sh: parses every file given
 * (RSS/Atom/JSON Feed) with sanitising and text rendering, ROUNDS times,
 * and prints the best round as items/s and MB/s.
 *
 *   bench_feeds ROUNDS FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/ltime.h"
#include "core/str.h"
#include "feed/feed.h"

#include "core/banned.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_feeds ROUNDS FILE...\n");
		return 2;
	}
	int64_t rounds;
	if (loa_parse_i64(argv[1], &rounds) || rounds < 1)
		return 2;
	int nf = argc - 2;
	loa_buf *bodies = calloc((size_t)nf, sizeof *bodies);
	size_t total = 0;
	for (int i = 0; i < nf; i++) {
		FILE *f = fopen(argv[i + 2], "rb");
		if (!f) {
			fprintf(stderr, "bench_feeds: cannot open %s\n", argv[i + 2]);
			return 1;
		}
		loa_buf_init(&bodies[i], LOA_FEED_MAX_BODY);
		char tmp[65536];
		size_t n;
		while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
			if (loa_buf_append(&bodies[i], tmp, n))
				return 1;
		fclose(f);
		total += bodies[i].len;
	}
	loa_feed_global_init();
	loa_html *h = loa_html_new();
	double best = 1e30;
	size_t items = 0, text_bytes = 0;
	for (int64_t r = 0; r < rounds; r++) {
		uint64_t t0 = loa_mono_ns();
		items = text_bytes = 0;
		for (int i = 0; i < nf; i++) {
			loa_feed_input in = {.body = bodies[i].data, .len = bodies[i].len, .html = h};
			loa_feed *f = NULL;
			if (loa_feed_parse(&in, &f, NULL) != LOA_OK) {
				fprintf(stderr, "bench_feeds: parse failed: %s\n", argv[i + 2]);
				return 1;
			}
			items += f->nentries;
			for (size_t k = 0; k < f->nentries; k++)
				if (f->entries[k].summary.text)
					text_bytes += strlen(f->entries[k].summary.text);
			loa_feed_free(f);
		}
		double s = (double)(loa_mono_ns() - t0) / 1e9;
		if (s < best)
			best = s;
	}
	printf("bench: name=feeds tool=loa files=%d items=%zu mb=%.1f text_mb=%.1f seconds=%.3f "
	       "items_per_s=%.0f mb_per_s=%.1f\n",
	       nf, items, (double)total / 1e6, (double)text_bytes / 1e6, best, (double)items / best,
	       (double)total / 1e6 / best);
	loa_html_free(h);
	for (int i = 0; i < nf; i++)
		loa_buf_release(&bodies[i]);
	free(bodies);
	return 0;
}
