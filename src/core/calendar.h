/*
 * calendar.h - the Vietnamese business calendar: weekends, public
 * holidays (Labour Code 2019, art. 112) including the lunar ones, extra
 * days off and compensatory working days from configuration, and
 * working-day arithmetic on days in Asia/Ho_Chi_Minh.
 *
 * Days are int64 days since 1970-01-01 (loa_days_from_civil); a stored
 * time (loa_ms, UTC) becomes a day with loa_vn_day(). Holidays:
 *   Tết Dương lịch 1/1; Tết Nguyên đán: the last day of the lunar year and
 *   the first four days of the new one (5 days); Giỗ Tổ Hùng Vương 10/3
 *   lunar; 30/4; 1/5; Quốc khánh 2/9 and the day before it (the day after
 *   when 1/9 is a Saturday or Sunday). A fixed-date holiday (all but Tết)
 *   that falls on a Saturday or Sunday gives a compensatory day off on the
 *   next working day (art. 111). The Government's yearly swaps are given
 *   as extra days off and extra working days.
 * Lunar dates follow Hồ Ngọc Đức's astronomical algorithm for UTC+7
 * (new moons and solar terms), valid for 1800-2199.
 *
 * Ownership: a loa_calendar owns its two day lists; loa_calendar_release
 * frees them. After setup it is read-only and may be shared by threads.
 */
#ifndef LOA_CORE_CALENDAR_H
#define LOA_CORE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/ltime.h"

#define LOA_CAL_DAYS_MAX 4096 /* extra days off / working days */
#define LOA_CAL_SPAN_MAX 3660 /* working days added or counted at most */

typedef struct loa_calendar {
	int64_t *off;  /* extra days off, sorted */
	size_t noff;
	int64_t *work; /* extra working days (a Saturday made up), sorted */
	size_t nwork;
} loa_calendar;

void loa_calendar_init(loa_calendar *c);
void loa_calendar_release(loa_calendar *c);
/* Adds days from a list "2025-01-27, 2025-02-03" (YYYY-MM-DD, commas or
 * spaces): as days off (off = true) or as working days. LOA_EPARSE with
 * the bad item, LOA_ETOOBIG past LOA_CAL_DAYS_MAX. */
int loa_calendar_add_days(loa_calendar *c, const char *list, bool off, loa_err *err);

/* The day in Asia/Ho_Chi_Minh of a UTC time. */
int64_t loa_vn_day(loa_ms t);
/* 0 = Monday .. 6 = Sunday. */
int loa_weekday(int64_t day);

/* Lunar calendar (UTC+7). The first day of the lunar year that starts in
 * Gregorian year `year` (Tết Nguyên đán). */
int64_t loa_lunar_new_year(int year);
/* A lunar date to a day; LOA_EINVAL when it does not exist (leap month). */
int loa_lunar_to_day(int lyear, int lmonth, int lday, bool leap, int64_t *day);
void loa_day_to_lunar(int64_t day, int *lyear, int *lmonth, int *lday, bool *leap);

/* The public holiday on day, by its Vietnamese name, or NULL
 * (compensatory days are named "Nghỉ bù …"). */
const char *loa_holiday_name(int64_t day);
/* A day people do not work: weekend, holiday, compensatory or extra day
 * off, unless listed as an extra working day. */
bool loa_calendar_is_working_day(const loa_calendar *c, int64_t day);
/* The n-th working day after day (day itself not counted); n <=
 * LOA_CAL_SPAN_MAX. n = 0 returns day. */
int64_t loa_calendar_add_working_days(const loa_calendar *c, int64_t day, int n);
/* Working days in (from, to]; 0 when to <= from; capped at
 * LOA_CAL_SPAN_MAX * 2 calendar days. */
int loa_calendar_working_days_between(const loa_calendar *c, int64_t from, int64_t to);

#endif
