/*
 * time.c — RFC 3339 time stamps in the one canonical stored form.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

static void format_utc(char out[25], time_t secs, long ms)
{
	struct tm tm;
	char tmp[64];

	gmtime_r(&secs, &tm);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	         tm.tm_min, tm.tm_sec, ms);
	gp_strlcpy(out, tmp, 25);
}

void gp_time_now(char out[25])
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	format_utc(out, ts.tv_sec, ts.tv_nsec / 1000000);
}

int64_t gp_time_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t gp_time_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : d[m - 1];
}

int gp_time_parse(char out[25], const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0, off = 0;
	struct tm tm;
	time_t t;
	const char *p;

	if (strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d))
		return GP_INVALID;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo))
		return GP_INVALID;
	p = s + 10;
	if (*p) {
		if ((*p != 'T' && *p != 't') || digits(p + 1, 2, &h) ||
		    p[3] != ':' || digits(p + 4, 2, &mi) || p[6] != ':' ||
		    digits(p + 7, 2, &sec))
			return GP_INVALID;
		if (h > 23 || mi > 59 || sec > 60)
			return GP_INVALID;
		p += 9;
		if (*p == '.') {
			int n = 0;
			p++;
			while (isdigit((unsigned char)*p)) {
				if (n < 3)
					ms = ms * 10 + (*p - '0');
				n++;
				p++;
			}
			if (n == 0)
				return GP_INVALID;
			for (; n < 3; n++)
				ms *= 10;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh, om;
			if (digits(p + 1, 2, &oh) || p[3] != ':' ||
			    digits(p + 4, 2, &om) || oh > 23 || om > 59)
				return GP_INVALID;
			off = (oh * 60 + om) * 60 * (*p == '+' ? 1 : -1);
			p += 6;
		} else {
			return GP_INVALID;
		}
		if (*p)
			return GP_INVALID;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec > 59 ? 59 : sec; /* a leap second sorts as :59 */
	t = timegm(&tm);
	if (t == (time_t)-1)
		return GP_INVALID;
	format_utc(out, t - off, ms);
	return 0;
}
