/*
 * calendar.c - Vietnamese business calendar: lunar dates (Hồ Ngọc Đức's
 * algorithm, UTC+7), public holidays, working-day arithmetic.
 */
#include "core/calendar.h"
#include "core/str.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define TZ 7.0
#define JD_EPOCH 2440588 /* Julian day number of 1970-01-01 */

/* ---- lunar calendar -------------------------------------------------------------- */

static int64_t jd_from_date(int dd, int mm, int yy)
{
	int64_t a = (14 - mm) / 12, y = yy + 4800 - a, m = mm + 12 * a - 3;
	int64_t jd = dd + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045;
	if (jd < 2299161)
		jd = dd + (153 * m + 2) / 5 + 365 * y + y / 4 - 32083;
	return jd;
}

static double new_moon(double k)
{
	const double dr = M_PI / 180;
	double T = k / 1236.85, T2 = T * T, T3 = T2 * T;
	double jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3;
	jd1 += 0.00033 * sin((166.56 + 132.87 * T - 0.009173 * T2) * dr);
	double M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3;
	double Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3;
	double F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3;
	double C1 = (0.1734 - 0.000393 * T) * sin(M * dr) + 0.0021 * sin(2 * dr * M);
	C1 = C1 - 0.4068 * sin(Mpr * dr) + 0.0161 * sin(dr * 2 * Mpr);
	C1 = C1 - 0.0004 * sin(dr * 3 * Mpr);
	C1 = C1 + 0.0104 * sin(dr * 2 * F) - 0.0051 * sin(dr * (M + Mpr));
	C1 = C1 - 0.0074 * sin(dr * (M - Mpr)) + 0.0004 * sin(dr * (2 * F + M));
	C1 = C1 - 0.0004 * sin(dr * (2 * F - M)) - 0.0006 * sin(dr * (2 * F + Mpr));
	C1 = C1 + 0.0010 * sin(dr * (2 * F - Mpr)) + 0.0005 * sin(dr * (2 * Mpr + M));
	double deltat;
	if (T < -11)
		deltat = 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 -
			 0.000000081 * T * T3;
	else
		deltat = -0.000278 + 0.000265 * T + 0.000262 * T2;
	return jd1 + C1 - deltat;
}

static int64_t new_moon_day(int64_t k)
{
	return (int64_t)floor(new_moon((double)k) + 0.5 + TZ / 24.0);
}

static double sun_longitude(double jdn)
{
	const double dr = M_PI / 180;
	double T = (jdn - 2451545.0) / 36525, T2 = T * T;
	double M = 357.52910 + 35999.05030 * T - 0.0001559 * T2 - 0.00000048 * T * T2;
	double L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
	double DL = (1.914600 - 0.004817 * T - 0.000014 * T2) * sin(dr * M);
	DL = DL + (0.019993 - 0.000101 * T) * sin(dr * 2 * M) + 0.000290 * sin(dr * 3 * M);
	double L = (L0 + DL) * dr;
	L = L - M_PI * 2 * floor(L / (M_PI * 2));
	return L;
}

static int sun_longitude_sector(int64_t day_number)
{
	return (int)floor(sun_longitude((double)day_number - 0.5 - TZ / 24.0) / M_PI * 6);
}

static int64_t lunar_month11(int yy)
{
	double off = (double)(jd_from_date(31, 12, yy) - 2415021);
	int64_t k = (int64_t)floor(off / 29.530588853);
	int64_t nm = new_moon_day(k);
	if (sun_longitude_sector(nm) >= 9)
		nm = new_moon_day(k - 1);
	return nm;
}

static int leap_month_offset(int64_t a11)
{
	int64_t k = (int64_t)floor(((double)a11 - 2415021.076998695) / 29.530588853 + 0.5);
	int last, i = 1;
	int arc = sun_longitude_sector(new_moon_day(k + i));
	do {
		last = arc;
		i++;
		arc = sun_longitude_sector(new_moon_day(k + i));
	} while (arc != last && i < 14);
	return i - 1;
}

void loa_day_to_lunar(int64_t day, int *lyear, int *lmonth, int *lday, bool *leap)
{
	int64_t dn = day + JD_EPOCH;
	int64_t y;
	unsigned m, d;
	loa_civil_from_days(day, &y, &m, &d);
	int yy = (int)y;
	int64_t k = (int64_t)floor(((double)dn - 2415021.076998695) / 29.530588853);
	int64_t month_start = new_moon_day(k + 1);
	if (month_start > dn)
		month_start = new_moon_day(k);
	int64_t a11 = lunar_month11(yy), b11 = a11;
	int ly;
	if (a11 >= month_start) {
		ly = yy;
		a11 = lunar_month11(yy - 1);
	} else {
		ly = yy + 1;
		b11 = lunar_month11(yy + 1);
	}
	*lday = (int)(dn - month_start + 1);
	int diff = (int)floor((double)(month_start - a11) / 29.0);
	*leap = false;
	int lm = diff + 11;
	if (b11 - a11 > 365) {
		int lmd = leap_month_offset(a11);
		if (diff >= lmd) {
			lm = diff + 10;
			if (diff == lmd)
				*leap = true;
		}
	}
	if (lm > 12)
		lm -= 12;
	if (lm >= 11 && diff < 4)
		ly -= 1;
	*lmonth = lm;
	*lyear = ly;
}

int loa_lunar_to_day(int lyear, int lmonth, int lday, bool leap, int64_t *day)
{
	if (lmonth < 1 || lmonth > 12 || lday < 1 || lday > 30)
		return LOA_EINVAL;
	int64_t a11, b11;
	if (lmonth < 11) {
		a11 = lunar_month11(lyear - 1);
		b11 = lunar_month11(lyear);
	} else {
		a11 = lunar_month11(lyear);
		b11 = lunar_month11(lyear + 1);
	}
	int64_t k = (int64_t)floor(0.5 + ((double)a11 - 2415021.076998695) / 29.530588853);
	int off = lmonth - 11;
	if (off < 0)
		off += 12;
	if (b11 - a11 > 365) {
		int leap_off = leap_month_offset(a11);
		int leap_month = leap_off - 2;
		if (leap_month < 0)
			leap_month += 12;
		if (leap && lmonth != leap_month)
			return LOA_EINVAL;
		if (leap || off >= leap_off)
			off += 1;
	} else if (leap) {
		return LOA_EINVAL;
	}
	*day = new_moon_day(k + off) + lday - 1 - JD_EPOCH;
	return LOA_OK;
}

int64_t loa_lunar_new_year(int year)
{
	int64_t d = 0;
	loa_lunar_to_day(year, 1, 1, false, &d);
	return d;
}

/* ---- holidays --------------------------------------------------------------------- */

int64_t loa_vn_day(loa_ms t)
{
	int64_t ms = t + (int64_t)LOA_VN_OFFSET_MIN * 60000;
	int64_t d = ms / 86400000;
	if (ms % 86400000 < 0)
		d--;
	return d;
}

int loa_weekday(int64_t day)
{
	/* 1970-01-01 was a Thursday (3) */
	int64_t w = (day + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

static bool weekend(int64_t day)
{
	return loa_weekday(day) >= 5;
}

typedef struct hol {
	int64_t day;
	const char *name;
	bool fixed; /* compensated when on a weekend */
} hol;

/* The statutory holidays of Gregorian year y (at most 12). */
static size_t statutory(int y, hol *h)
{
	size_t n = 0;
	h[n++] = (hol){loa_days_from_civil(y, 1, 1), "Tết Dương lịch", true};
	int64_t tet = loa_lunar_new_year(y);
	h[n++] = (hol){tet - 1, "Tết Nguyên đán (ngày cuối năm âm lịch)", false};
	for (int i = 0; i < 4; i++)
		h[n++] = (hol){tet + i, "Tết Nguyên đán", false};
	int64_t gt;
	if (loa_lunar_to_day(y, 3, 10, false, &gt) == LOA_OK)
		h[n++] = (hol){gt, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", true};
	h[n++] = (hol){loa_days_from_civil(y, 4, 30), "Ngày Chiến thắng (30/4)", true};
	h[n++] = (hol){loa_days_from_civil(y, 5, 1), "Ngày Quốc tế lao động (1/5)", true};
	int64_t qk = loa_days_from_civil(y, 9, 2);
	h[n++] = (hol){qk, "Quốc khánh (2/9)", true};
	int64_t extra = weekend(qk - 1) ? qk + 1 : qk - 1;
	h[n++] = (hol){extra, "Quốc khánh (ngày liền kề)", true};
	return n;
}

static const char *holiday_of_year(int y, int64_t day)
{
	hol h[16];
	size_t n = statutory(y, h);
	for (size_t i = 0; i < n; i++)
		if (h[i].day == day)
			return h[i].name;
	/* compensatory days: each fixed holiday on a weekend gives the next day
	 * that is neither weekend, holiday nor already a compensatory day */
	int64_t comp[16];
	size_t nc = 0;
	for (size_t i = 0; i < n; i++) {
		if (!h[i].fixed || !weekend(h[i].day))
			continue;
		int64_t d = h[i].day + 1;
		for (;;) {
			bool busy = weekend(d);
			for (size_t j = 0; j < n && !busy; j++)
				busy = h[j].day == d;
			for (size_t j = 0; j < nc && !busy; j++)
				busy = comp[j] == d;
			if (!busy)
				break;
			d++;
		}
		comp[nc++] = d;
		if (d == day)
			return "Nghỉ bù ngày lễ trùng ngày nghỉ hằng tuần";
	}
	return NULL;
}

const char *loa_holiday_name(int64_t day)
{
	int64_t y;
	unsigned m, d;
	loa_civil_from_days(day, &y, &m, &d);
	(void)m;
	(void)d;
	return holiday_of_year((int)y, day);
}

static bool in_list(const int64_t *v, size_t n, int64_t day)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == day;
}

bool loa_calendar_is_working_day(const loa_calendar *c, int64_t day)
{
	if (c && in_list(c->work, c->nwork, day))
		return true;
	if (weekend(day))
		return false;
	if (c && in_list(c->off, c->noff, day))
		return false;
	return loa_holiday_name(day) == NULL;
}

int64_t loa_calendar_add_working_days(const loa_calendar *c, int64_t day, int n)
{
	if (n < 0)
		n = 0;
	if (n > LOA_CAL_SPAN_MAX)
		n = LOA_CAL_SPAN_MAX;
	while (n > 0) {
		day++;
		if (loa_calendar_is_working_day(c, day))
			n--;
	}
	return day;
}

int loa_calendar_working_days_between(const loa_calendar *c, int64_t from, int64_t to)
{
	if (to <= from)
		return 0;
	if (to - from > 2 * LOA_CAL_SPAN_MAX)
		to = from + 2 * LOA_CAL_SPAN_MAX;
	int n = 0;
	for (int64_t d = from + 1; d <= to; d++)
		n += loa_calendar_is_working_day(c, d);
	return n;
}

/* ---- configuration ------------------------------------------------------------------ */

void loa_calendar_init(loa_calendar *c)
{
	memset(c, 0, sizeof *c);
}

void loa_calendar_release(loa_calendar *c)
{
	free(c->off);
	free(c->work);
	memset(c, 0, sizeof *c);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int loa_calendar_add_days(loa_calendar *c, const char *list, bool off, loa_err *err)
{
	if (!list)
		return LOA_OK;
	loa_str rest = loa_str_c(list);
	int64_t **v = off ? &c->off : &c->work;
	size_t *n = off ? &c->noff : &c->nwork;
	while (rest.n) {
		size_t i = 0;
		while (i < rest.n && rest.p[i] != ',' && rest.p[i] != ' ' && rest.p[i] != ';')
			i++;
		loa_str item = {rest.p, i};
		rest = (loa_str){rest.p + (i < rest.n ? i + 1 : i), rest.n - (i < rest.n ? i + 1 : i)};
		item = loa_str_trim(item);
		if (item.n == 0)
			continue;
		int64_t y = 0, m = 0, d = 0;
		bool ok = item.n == 10 && item.p[4] == '-' && item.p[7] == '-';
		for (size_t k = 0; ok && k < 10; k++)
			if (k != 4 && k != 7 && (item.p[k] < '0' || item.p[k] > '9'))
				ok = false;
		if (ok) {
			y = (item.p[0] - '0') * 1000 + (item.p[1] - '0') * 100 + (item.p[2] - '0') * 10 +
			    (item.p[3] - '0');
			m = (item.p[5] - '0') * 10 + (item.p[6] - '0');
			d = (item.p[8] - '0') * 10 + (item.p[9] - '0');
			ok = m >= 1 && m <= 12 && d >= 1 && d <= 31;
		}
		if (!ok)
			return loa_err_set(err, LOA_EPARSE,
					   "ngày không hợp lệ / bad date '%.*s' (expected YYYY-MM-DD)",
					   (int)item.n, item.p);
		if (*n >= LOA_CAL_DAYS_MAX)
			return loa_err_set(err, LOA_ETOOBIG, "quá nhiều ngày / too many days");
		int64_t *q = realloc(*v, (*n + 1) * sizeof **v);
		if (!q)
			return loa_err_set(err, LOA_ENOMEM, "hết bộ nhớ / out of memory");
		*v = q;
		q[(*n)++] = loa_days_from_civil(y, (unsigned)m, (unsigned)d);
	}
	if (*n > 1)
		qsort(*v, *n, sizeof **v, cmp_i64);
	return LOA_OK;
}
