/*
 * schedule.c - when to fetch a source again, and what state it is in:
 * the polling interval follows the source's own publishing rhythm, errors
 * back off exponentially, and silence is judged against its history.
 */
#include "feed/fetch.h"
#include "core/config.h"

#include <stdlib.h>

#include "core/banned.h"

void loa_sched_cfg_config(loa_sched_cfg *c, const loa_config *cfg)
{
	loa_ms ms;
	c->min_interval =
		loa_parse_duration(loa_config_get(cfg, "fetch.min_interval"), &ms) ? 600000 : ms;
	c->max_interval = loa_parse_duration(loa_config_get(cfg, "fetch.max_interval"), &ms)
				  ? 86400000
				  : ms;
	if (c->min_interval < 1000)
		c->min_interval = 1000;
	if (c->max_interval < c->min_interval)
		c->max_interval = c->min_interval;
}

static int cmp_ms(const void *a, const void *b)
{
	loa_ms x = *(const loa_ms *)a, y = *(const loa_ms *)b;
	return x < y ? -1 : x > y;
}

loa_ms loa_sched_median_gap(loa_ms *t, size_t n)
{
	if (n < 3)
		return 0;
	qsort(t, n, sizeof *t, cmp_ms);
	/* distinct times, then the gaps between neighbours, in place */
	size_t d = 1;
	for (size_t i = 1; i < n; i++)
		if (t[i] != t[d - 1])
			t[d++] = t[i];
	if (d < 3)
		return 0;
	size_t g = d - 1;
	for (size_t i = 0; i < g; i++)
		t[i] = t[i + 1] - t[i];
	qsort(t, g, sizeof *t, cmp_ms);
	return g % 2 ? t[g / 2] : t[g / 2 - 1] + (t[g / 2] - t[g / 2 - 1]) / 2;
}

static loa_ms clamp(loa_ms v, const loa_sched_cfg *c)
{
	return v < c->min_interval ? c->min_interval : v > c->max_interval ? c->max_interval : v;
}

loa_ms loa_sched_interval(loa_ms median_gap, const loa_sched_cfg *c)
{
	if (median_gap <= 0)
		return clamp(LOA_SCHED_DEFAULT_INTERVAL, c);
	return clamp(median_gap / 2, c);
}

loa_ms loa_sched_backoff(int failures, loa_ms interval, loa_ms retry_after,
			 const loa_sched_cfg *c)
{
	loa_ms d = interval < c->min_interval ? c->min_interval : interval;
	for (int i = 1; i < failures && d < c->max_interval; i++)
		d *= 2;
	d = clamp(d, c);
	if (retry_after > d)
		d = retry_after > c->max_interval ? c->max_interval : retry_after;
	return d;
}

bool loa_sched_silent(loa_ms last_item, loa_ms median_gap, loa_ms now)
{
	if (median_gap <= 0 || last_item == LOA_TIME_NONE)
		return false;
	loa_ms limit = median_gap > LOA_SCHED_SILENT_FLOOR / 3 ? 3 * median_gap
								: LOA_SCHED_SILENT_FLOOR;
	return now - last_item > limit;
}

const char *loa_health_record(loa_health *h, bool success, long status, bool moved, bool silent)
{
	if (success) {
		h->failures = h->not_found = h->gone = 0;
		return moved ? "redirected" : silent ? "silent" : "ok";
	}
	h->failures++;
	h->not_found = status == 404 ? h->not_found + 1 : 0;
	h->gone = status == 410 ? h->gone + 1 : 0;
	if (h->not_found >= LOA_GONE_404 || h->gone >= LOA_GONE_410)
		return "gone";
	return "erroring";
}
