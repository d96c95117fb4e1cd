/*
 * date.c - feed dates in the forms found in the wild.
 *
 * Two parsers: an ISO 8601 / W3C-DTF one for strings that start with a digit
 * and a dash-separated or compact date, and a word-based one for RFC 822 and
 * its relatives (asctime, "Mon, 13 Feb, 2012 ...", "2006/09/15 08:19:53 EDT",
 * Vietnamese "dd/mm/yyyy HH:MM"). Both validate every field and reject
 * trailing garbage; no locale, no TZ database, pure arithmetic.
 */
#include "feed/feed.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "core/banned.h"

typedef struct dt {
	int y, mo, d, h, mi, s, ms;
	int off_min; /* east of UTC */
	bool has_zone;
} dt;

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mdays(int y, int m)
{
	static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : n[m - 1];
}

static int finish(const dt *t, loa_ms *out)
{
	if (t->y < 1 || t->y > 9999 || t->mo < 1 || t->mo > 12 || t->d < 1 ||
	    t->d > mdays(t->y, t->mo) || t->h < 0 || t->h > 24 || t->mi < 0 || t->mi > 59 ||
	    t->s < 0 || t->s > 60 || (t->h == 24 && (t->mi || t->s)))
		return LOA_EPARSE;
	int64_t days = loa_days_from_civil(t->y, (unsigned)t->mo, (unsigned)t->d);
	int64_t sec = days * 86400 + t->h * 3600 + t->mi * 60 + (t->s == 60 ? 59 : t->s);
	sec -= (int64_t)t->off_min * 60;
	*out = sec * 1000 + t->ms;
	return LOA_OK;
}

/* n digits at s[*i]; advances. */
static bool num(const char *s, size_t n, size_t *i, int ndig, int *v)
{
	int x = 0;
	for (int k = 0; k < ndig; k++) {
		if (*i >= n || !isdigit((unsigned char)s[*i]))
			return false;
		x = x * 10 + (s[(*i)++] - '0');
	}
	*v = x;
	return true;
}

static size_t ndigits(const char *s, size_t n, size_t i)
{
	size_t k = 0;
	while (i + k < n && isdigit((unsigned char)s[i + k]))
		k++;
	return k;
}

/* Z, +hh, +hhmm, +hh:mm at s[*i]. */
static bool iso_zone(const char *s, size_t n, size_t *i, dt *t)
{
	if (*i < n && (s[*i] == 'Z' || s[*i] == 'z')) {
		(*i)++;
		t->has_zone = true;
		return true;
	}
	if (*i >= n || (s[*i] != '+' && s[*i] != '-'))
		return false;
	int sign = s[(*i)++] == '-' ? -1 : 1, hh, mm = 0;
	if (!num(s, n, i, 2, &hh))
		return false;
	if (*i < n && s[*i] == ':') {
		(*i)++;
		if (!num(s, n, i, 2, &mm))
			return false;
	} else if (ndigits(s, n, *i) == 2) {
		num(s, n, i, 2, &mm);
	}
	if (hh > 14 || mm > 59)
		return false;
	t->off_min = sign * (hh * 60 + mm);
	t->has_zone = true;
	return true;
}

static int parse_iso(const char *s, size_t n, loa_ms *out)
{
	dt t = {0};
	t.mo = t.d = 1;
	size_t i = 0, k = ndigits(s, n, 0);
	if (k == 8) { /* basic: YYYYMMDD[Thhmmss] */
		num(s, n, &i, 4, &t.y);
		num(s, n, &i, 2, &t.mo);
		num(s, n, &i, 2, &t.d);
		if (i < n && (s[i] == 'T' || s[i] == 't')) {
			i++;
			if (!num(s, n, &i, 2, &t.h) || !num(s, n, &i, 2, &t.mi))
				return LOA_EPARSE;
			if (ndigits(s, n, i) >= 2)
				num(s, n, &i, 2, &t.s);
			iso_zone(s, n, &i, &t);
		}
		return i == n ? finish(&t, out) : LOA_EPARSE;
	}
	if (k == 6 && n == 6) { /* YYMMDD */
		num(s, n, &i, 2, &t.y);
		num(s, n, &i, 2, &t.mo);
		num(s, n, &i, 2, &t.d);
		t.y += t.y < 70 ? 2000 : 1900;
		return finish(&t, out);
	}
	if (k == 2 && n >= 8 && s[2] == '-') { /* YY-MM-DD */
		num(s, n, &i, 2, &t.y);
		t.y += t.y < 70 ? 2000 : 1900;
	} else if (k == 4) {
		num(s, n, &i, 4, &t.y);
	} else {
		return LOA_EPARSE;
	}
	if (i < n && s[i] == '-') {
		i++;
		size_t m = ndigits(s, n, i);
		if (m == 3 && (i + 3 >= n || s[i + 3] != '-')) { /* ordinal YYYY-DDD */
			int doy = 0;
			num(s, n, &i, 3, &doy);
			if (doy < 1 || doy > (leap(t.y) ? 366 : 365))
				return LOA_EPARSE;
			t.mo = 1;
			while (doy > mdays(t.y, t.mo))
				doy -= mdays(t.y, t.mo++);
			t.d = doy;
		} else {
			if (m < 1 || m > 3)
				return LOA_EPARSE;
			if (!num(s, n, &i, (int)m, &t.mo))
				return LOA_EPARSE;
			if (i < n && s[i] == '-') {
				i++;
				size_t dd = ndigits(s, n, i);
				if (dd < 1 || dd > 2 || !num(s, n, &i, (int)dd, &t.d))
					return LOA_EPARSE;
			}
		}
	}
	if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		i++;
		while (i < n && s[i] == ' ')
			i++;
		size_t hd = ndigits(s, n, i);
		if (hd < 1 || hd > 2 || !num(s, n, &i, (int)hd, &t.h))
			return LOA_EPARSE;
		if (i >= n || s[i] != ':')
			return LOA_EPARSE;
		i++;
		if (!num(s, n, &i, 2, &t.mi))
			return LOA_EPARSE;
		if (i < n && s[i] == ':') {
			i++;
			if (!num(s, n, &i, 2, &t.s))
				return LOA_EPARSE;
			if (i < n && (s[i] == '.' || s[i] == ',')) {
				i++;
				size_t fd = ndigits(s, n, i);
				if (fd == 0)
					return LOA_EPARSE;
				int ms = 0;
				for (size_t q = 0; q < fd; q++, i++)
					if (q < 3)
						ms = ms * 10 + (s[i] - '0');
				for (size_t q = fd; q < 3; q++)
					ms *= 10;
				t.ms = ms;
			}
		}
		while (i < n && s[i] == ' ')
			i++;
		if (i < n && !iso_zone(s, n, &i, &t))
			return LOA_EPARSE;
	}
	while (i < n && s[i] == ' ')
		i++;
	return i == n ? finish(&t, out) : LOA_EPARSE;
}

/* ---- word-based (RFC 822 and relatives) -------------------------------- */

static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
				     "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const month_full[] = {"january", "february", "march",     "april",
					 "may",     "june",     "july",      "august",
					 "september", "october", "november", "december"};
static const char *const wdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun",
				    "monday", "tuesday", "wednesday", "thursday", "friday",
				    "saturday", "sunday", "tues", "thur", "thurs"};

static const struct {
	const char *name;
	int off;
} zones[] = {
	{"ut", 0},       {"utc", 0},       {"gmt", 0},      {"z", 0},        {"etc/gmt", 0},
	{"etc/utc", 0},  {"est", -300},    {"edt", -240},   {"cst", -360},   {"cdt", -300},
	{"mst", -420},   {"mdt", -360},    {"pst", -480},   {"pdt", -420},   {"at", -240},
	{"et", -300},    {"ct", -360},     {"mt", -420},    {"pt", -480},    {"ast", -240},
	{"adt", -180},   {"akst", -540},   {"akdt", -480},  {"hst", -600},   {"met", 60},
	{"mest", 120},   {"cet", 60},      {"cest", 120},   {"eet", 120},    {"eest", 180},
	{"wet", 0},      {"west", 60},     {"bst", 60},     {"ist", 330},    {"ict", 420},
	{"wib", 420},    {"hkt", 480},     {"sgt", 480},    {"awst", 480},   {"jst", 540},
	{"kst", 540},    {"aest", 600},    {"aedt", 660},   {"nzst", 720},   {"nzdt", 780},
	{"msk", 180},
};

static int lookup(const char *w, const char *const *tab, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(w, tab[i]) == 0)
			return (int)i;
	return -1;
}

/* +hhmm, -hh:mm, +h (after GMT), returns false when malformed. */
static bool num_zone(const char *s, size_t n, int *off)
{
	if (n < 2 || (s[0] != '+' && s[0] != '-'))
		return false;
	int sign = s[0] == '-' ? -1 : 1, hh = 0, mm = 0;
	size_t i = 1, d = ndigits(s, n, 1);
	if (d == 4) {
		num(s, n, &i, 2, &hh);
		num(s, n, &i, 2, &mm);
	} else if (d == 1 || d == 2) {
		num(s, n, &i, (int)d, &hh);
		if (i < n && s[i] == ':') {
			i++;
			if (!num(s, n, &i, 2, &mm))
				return false;
		}
	} else {
		return false;
	}
	if (i != n || hh > 14 || mm > 59)
		return false;
	*off = sign * (hh * 60 + mm);
	return true;
}

static int parse_words(const char *s, size_t n, loa_ms *out)
{
	dt t = {0};
	int nums[4], nnum = 0, mon = -1;
	bool have_time = false, vn_slash = false;
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == ',' || c == '\t' || (c == '.' && i > 0 && isalpha((unsigned char)s[i - 1]))) {
			i++;
			continue;
		}
		size_t j = i;
		if (isalpha(c)) {
			while (j < n && (isalpha((unsigned char)s[j]) || s[j] == '/'))
				j++;
			char w[16];
			size_t wl = j - i;
			if (wl >= sizeof w)
				return LOA_EPARSE;
			for (size_t k = 0; k < wl; k++)
				w[k] = (char)tolower((unsigned char)s[i + k]);
			w[wl] = '\0';
			int m;
			if ((m = lookup(w, months, 12)) >= 0 || (m = lookup(w, month_full, 12)) >= 0) {
				if (mon >= 0)
					return LOA_EPARSE;
				mon = m + 1;
			} else if (lookup(w, wdays, sizeof wdays / sizeof wdays[0]) >= 0) {
				/* day names carry no information */
			} else {
				size_t z;
				for (z = 0; z < sizeof zones / sizeof zones[0]; z++)
					if (strcmp(w, zones[z].name) == 0)
						break;
				if (z == sizeof zones / sizeof zones[0] || !have_time || t.has_zone)
					return LOA_EPARSE;
				t.off_min = zones[z].off;
				t.has_zone = true;
				/* GMT+7, GMT-01:01 */
				if (j < n && (s[j] == '+' || s[j] == '-')) {
					size_t e = j + 1;
					while (e < n && (isdigit((unsigned char)s[e]) || s[e] == ':'))
						e++;
					if (!num_zone(s + j, e - j, &t.off_min))
						return LOA_EPARSE;
					j = e;
				}
			}
			i = j;
			continue;
		}
		if ((c == '+' || c == '-') && have_time && !t.has_zone) {
			j = i + 1;
			while (j < n && (isdigit((unsigned char)s[j]) || s[j] == ':'))
				j++;
			if (!num_zone(s + i, j - i, &t.off_min))
				return LOA_EPARSE;
			t.has_zone = true;
			i = j;
			continue;
		}
		if (!isdigit(c))
			return LOA_EPARSE;
		while (j < n && (isdigit((unsigned char)s[j]) || s[j] == ':' || s[j] == '/'))
			j++;
		const char *tok = s + i;
		size_t tl = j - i;
		if (memchr(tok, ':', tl)) {
			if (have_time)
				return LOA_EPARSE;
			int part[3] = {0, 0, 0}, np = 0;
			size_t k = 0;
			while (k < tl) {
				size_t d = ndigits(tok, tl, k);
				if (d < 1 || d > 2 || np == 3)
					return LOA_EPARSE;
				num(tok, tl, &k, (int)d, &part[np++]);
				if (k < tl) {
					if (tok[k] != ':')
						return LOA_EPARSE;
					k++;
					if (k == tl)
						return LOA_EPARSE;
				}
			}
			if (np < 2)
				return LOA_EPARSE;
			t.h = part[0], t.mi = part[1], t.s = part[2];
			have_time = true;
		} else if (memchr(tok, '/', tl)) {
			/* Y/M/D (perforce) or D/M/Y (Vietnamese) */
			int part[3], np = 0;
			size_t k = 0, len0 = 0;
			while (k < tl) {
				size_t d = ndigits(tok, tl, k);
				if (d < 1 || d > 4 || np == 3)
					return LOA_EPARSE;
				if (np == 0)
					len0 = d;
				num(tok, tl, &k, (int)d, &part[np++]);
				if (k < tl && tok[k++] != '/')
					return LOA_EPARSE;
			}
			if (np != 3 || mon >= 0)
				return LOA_EPARSE;
			if (len0 == 4) {
				t.y = part[0], mon = part[1], t.d = part[2];
			} else {
				t.d = part[0], mon = part[1], t.y = part[2];
				vn_slash = true;
			}
		} else {
			size_t d = ndigits(tok, tl, 0);
			if (d != tl || d > 4 || nnum == 4)
				return LOA_EPARSE;
			int v;
			size_t k = 0;
			num(tok, tl, &k, (int)d, &v);
			nums[nnum++] = d == 4 ? v + 100000 : v; /* mark 4-digit years */
		}
		i = j;
	}
	if (mon < 0)
		return LOA_EPARSE;
	t.mo = mon;
	if (t.y == 0) {
		if (nnum != 2) /* a day and a year */
			return LOA_EPARSE;
		int a = nums[0], b = nums[1];
		if (b >= 100000 || (a < 100000 && a <= 31)) {
			t.d = a;
			t.y = b;
		} else {
			t.y = a;
			t.d = b;
		}
		if (t.y >= 100000)
			t.y -= 100000;
		else if (t.y < 100)
			t.y += t.y < 70 ? 2000 : 1900;
		else
			return LOA_EPARSE;
		if (t.d >= 100000)
			return LOA_EPARSE;
	} else if (nnum != 0) {
		return LOA_EPARSE;
	}
	if (vn_slash && !t.has_zone)
		t.off_min = LOA_VN_OFFSET_MIN;
	return finish(&t, out);
}

int loa_feed_parse_date(const char *s, size_t n, loa_ms *out)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n > 80)
		return LOA_EPARSE;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\0')
			return LOA_EPARSE;
	size_t k = ndigits(s, n, 0);
	if ((k == 4 || k == 8 || k == 6 || k == 2) && (k == n || s[k] == '-' || s[k] == 'T' || s[k] == 't')) {
		if (parse_iso(s, n, out) == LOA_OK)
			return LOA_OK;
		if (k != 2)
			return LOA_EPARSE;
	}
	return parse_words(s, n, out);
}
