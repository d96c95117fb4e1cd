/*
 * progress.h - progress of long commands on a terminal.
 *
 * Draws "label  12.345 / 100.000  (12%)  3.456/s" on stderr, at most ten
 * times a second, and only when stderr is a terminal; otherwise it prints
 * nothing. loa_progress_end() clears the line. The one-line summary that
 * ends a long command is the command's own output, not this module's.
 */
#ifndef LOA_CORE_PROGRESS_H
#define LOA_CORE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct loa_progress {
	const char *label;
	uint64_t total; /* 0 = unknown */
	uint64_t done;
	uint64_t start_ns, last_ns;
	bool tty;
} loa_progress;

void loa_progress_init(loa_progress *p, const char *label, uint64_t total);
void loa_progress_update(loa_progress *p, uint64_t done);
void loa_progress_end(loa_progress *p);
/* Seconds since init. */
double loa_progress_elapsed(const loa_progress *p);

/* Formats n with Vietnamese thousands separators ("1.234.567"). */
char *loa_fmt_count(uint64_t n, char out[32]);

#endif
