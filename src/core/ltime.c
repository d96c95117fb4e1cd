#include "core/ltime.h"
#include "core/err.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/banned.h"

loa_ms loa_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (loa_ms)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t loa_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t loa_thread_cpu_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t loa_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void loa_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

static bool digits(const char *s, size_t n, size_t at, size_t k, int *out)
{
	if (at + k > n)
		return false;
	int v = 0;
	for (size_t i = 0; i < k; i++) {
		char c = s[at + i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return true;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

int loa_time_parse_rfc3339(const char *s, size_t n, loa_ms *out)
{
	int Y, M, D, h, mi, se;
	if (!digits(s, n, 0, 4, &Y) || n < 19 || s[4] != '-' || !digits(s, n, 5, 2, &M) ||
	    s[7] != '-' || !digits(s, n, 8, 2, &D) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, n, 11, 2, &h) ||
	    s[13] != ':' || !digits(s, n, 14, 2, &mi) || s[16] != ':' ||
	    !digits(s, n, 17, 2, &se))
		return LOA_EPARSE;
	if (M < 1 || M > 12 || D < 1 || D > days_in_month(Y, M) || h > 23 || mi > 59 || se > 60)
		return LOA_EPARSE;
	size_t i = 19;
	int ms = 0;
	if (i < n && s[i] == '.') {
		i++;
		size_t start = i;
		int scale = 100;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			ms += (s[i] - '0') * scale;
			scale /= 10;
			i++;
		}
		if (i == start)
			return LOA_EPARSE;
	}
	if (i >= n)
		return LOA_EPARSE; /* RFC 3339 requires an offset */
	int off = 0;
	if (s[i] == 'Z' || s[i] == 'z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		int oh, om;
		if (!digits(s, n, i + 1, 2, &oh) || i + 3 >= n || s[i + 3] != ':' ||
		    !digits(s, n, i + 4, 2, &om) || oh > 23 || om > 59)
			return LOA_EPARSE;
		off = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
		i += 6;
	} else {
		return LOA_EPARSE;
	}
	if (i != n)
		return LOA_EPARSE;
	if (se == 60)
		se = 59; /* leap second: clamp */
	int64_t days = loa_days_from_civil(Y, (unsigned)M, (unsigned)D);
	int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - (int64_t)off * 60;
	*out = secs * 1000 + ms;
	return LOA_OK;
}

static void split(loa_ms t, int64_t *days, int *secs, int *ms)
{
	int64_t s = t >= 0 ? t / 1000 : -((-t + 999) / 1000);
	*ms = (int)(t - s * 1000);
	*days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
	*secs = (int)(s - *days * 86400);
}

char *loa_time_format_rfc3339(loa_ms t, char *out)
{
	int64_t days, y;
	int secs, ms;
	unsigned m, d;
	split(t, &days, &secs, &ms);
	loa_civil_from_days(days, &y, &m, &d);
	/* narrow types, so the compiler sees that every field fits */
	unsigned char mo = (unsigned char)m, dd = (unsigned char)d, hh = (unsigned char)(secs / 3600),
		      mi = (unsigned char)(secs / 60 % 60), ss = (unsigned char)(secs % 60);
	unsigned short mss = (unsigned short)ms;
	if (ms)
		snprintf(out, LOA_TIME_STR_MAX, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ", (long long)y,
			 mo, dd, hh, mi, ss, mss);
	else
		snprintf(out, LOA_TIME_STR_MAX, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, mo,
			 dd, hh, mi, ss);
	return out;
}

char *loa_time_format_display(loa_ms t, char *out)
{
	int64_t days, y;
	int secs, ms;
	unsigned m, d;
	split(t + (loa_ms)LOA_VN_OFFSET_MIN * 60000, &days, &secs, &ms);
	loa_civil_from_days(days, &y, &m, &d);
	snprintf(out, LOA_TIME_STR_MAX, "%02u/%02u/%04lld %02d:%02d", d, m, (long long)y,
		 secs / 3600, secs / 60 % 60);
	return out;
}

char *loa_time_format_vn_date(loa_ms t, char *out)
{
	int64_t days, y;
	int secs, ms;
	unsigned m, d;
	split(t + (loa_ms)LOA_VN_OFFSET_MIN * 60000, &days, &secs, &ms);
	loa_civil_from_days(days, &y, &m, &d);
	snprintf(out, LOA_TIME_STR_MAX, "%04lld-%02u-%02u", (long long)y, m, d);
	return out;
}

int loa_parse_duration(const char *s, loa_ms *out)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 2)
		return LOA_EINVAL;
	int64_t unit;
	switch (s[n - 1]) {
	case 's': unit = 1000; break;
	case 'm': unit = 60 * 1000; break;
	case 'h': unit = 3600 * 1000; break;
	case 'd': unit = 86400 * 1000; break;
	case 'w': unit = 7 * 86400 * 1000; break;
	default: return LOA_EINVAL;
	}
	int64_t v = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > 1000000000)
			return LOA_EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	*out = v * unit;
	return LOA_OK;
}
