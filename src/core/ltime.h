/*
 * ltime.h - time in loa.
 *
 * Stored times are int64 milliseconds since the Unix epoch, UTC
 * (loa_ms). They are written out as RFC 3339 in UTC and shown to people in
 * Asia/Ho_Chi_Minh (UTC+7, no daylight saving since 1975) as dd/mm/yyyy
 * HH:MM. The conversions here are pure arithmetic (no TZ, no locale), so
 * they are thread-safe.
 */
#ifndef LOA_CORE_LTIME_H
#define LOA_CORE_LTIME_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t loa_ms;

#define LOA_TIME_NONE INT64_MIN
#define LOA_VN_OFFSET_MIN (7 * 60)
#define LOA_TIME_STR_MAX 40

/* Wall clock now, UTC. */
loa_ms loa_now_ms(void);
/* Monotonic clock in nanoseconds (for durations). */
uint64_t loa_mono_ns(void);
/* CPU time of the calling thread in nanoseconds (0 when unavailable): for
 * durations on a machine shared with other work. */
uint64_t loa_thread_cpu_ns(void);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t loa_days_from_civil(int64_t y, unsigned m, unsigned d);
void loa_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* Parses RFC 3339 ("2023-08-12T09:30:00+07:00", "…Z", fractions, 't'/'z' or
 * a space as separators). LOA_EPARSE when s[0..n) is not one. */
int loa_time_parse_rfc3339(const char *s, size_t n, loa_ms *out);
/* "2023-08-12T02:30:00Z" (with ".123" when ms != 0); out has
 * LOA_TIME_STR_MAX bytes. Returns out. */
char *loa_time_format_rfc3339(loa_ms t, char *out);
/* "12/08/2023 09:30" in Asia/Ho_Chi_Minh. Returns out. */
char *loa_time_format_display(loa_ms t, char *out);
/* "2023-08-12" of the day in Asia/Ho_Chi_Minh. */
char *loa_time_format_vn_date(loa_ms t, char *out);

/* Parses a duration such as "90s", "15m", "2h", "7d", "2w" into ms. */
int loa_parse_duration(const char *s, loa_ms *out);

#endif
