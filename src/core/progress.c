#include "core/progress.h"
#include "core/ltime.h"

#include <stdio.h>
#include <unistd.h>

#include "core/banned.h"

char *loa_fmt_count(uint64_t n, char out[32])
{
	char tmp[32];
	int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)n);
	int o = 0;
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = '.';
		out[o++] = tmp[i];
	}
	out[o] = '\0';
	return out;
}

void loa_progress_init(loa_progress *p, const char *label, uint64_t total)
{
	p->label = label;
	p->total = total;
	p->done = 0;
	p->start_ns = p->last_ns = loa_mono_ns();
	p->tty = isatty(STDERR_FILENO) == 1;
}

void loa_progress_update(loa_progress *p, uint64_t done)
{
	p->done = done;
	if (!p->tty)
		return;
	uint64_t now = loa_mono_ns();
	if (now - p->last_ns < 100000000ull)
		return;
	p->last_ns = now;
	double secs = (double)(now - p->start_ns) / 1e9;
	char a[32], b[32], r[32];
	loa_fmt_count(done, a);
	loa_fmt_count(secs > 0 ? (uint64_t)((double)done / secs) : 0, r);
	if (p->total)
		fprintf(stderr, "\r%s  %s / %s  (%u%%)  %s/s\033[K", p->label, a,
			loa_fmt_count(p->total, b), (unsigned)(done * 100 / p->total), r);
	else
		fprintf(stderr, "\r%s  %s  %s/s\033[K", p->label, a, r);
	fflush(stderr);
}

void loa_progress_end(loa_progress *p)
{
	if (p->tty) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
}

double loa_progress_elapsed(const loa_progress *p)
{
	return (double)(loa_mono_ns() - p->start_ns) / 1e9;
}
