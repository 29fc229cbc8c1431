/*
 * time.c — RFC 3339 time stamps in the one canonical stored form, and the
 * configured local time zone.
 *
 * The local zone is the process's TZ, set once by gp_time_zone_set() before
 * any thread starts (mktime and localtime_r read it); every stored and
 * served time stays UTC, the zone only reads date-times written without
 * one and writes the spreadsheet's local date-times.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

static struct timespec clock_in(clockid_t clock, int64_t ms)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

struct timespec gp_time_realtime_in(int64_t ms)
{
	return clock_in(CLOCK_REALTIME, ms);
}

struct timespec gp_time_mono_in(int64_t ms)
{
	return clock_in(CLOCK_MONOTONIC, ms);
}

void gp_cond_init_mono(pthread_cond_t *c)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(c, &attr);
	pthread_condattr_destroy(&attr);
}

/* The instants RFC 3339's four-digit years span, in seconds since 1970. */
#define YEAR_0 ((time_t)-62167219200LL)
#define YEAR_10000 ((time_t)253402300800LL)

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

int gp_time_zone_set(const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[512];

	if (!name || !name[0] || name[0] == '/' || strstr(name, "..") ||
	    name[strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                      "0123456789_+-/")])
		return GP_INVALID;
	/* glibc falls back to UTC for an unknown name without a word: check. */
	if (strcmp(name, "UTC") != 0) {
		if (snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo",
		             name) >= (int)sizeof(path) ||
		    access(path, R_OK) != 0)
			return GP_INVALID;
	}
	if (setenv("TZ", name, 1) != 0)
		return GP_ENOMEM;
	tzset();
	return 0;
}

/* A broken-down time of the fields given, the rest zero. */
static void wall_time(struct tm *tm, int y, int mo, int d, int h, int mi, int sec)
{
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = sec;
}

static int same_wall(const struct tm *a, const struct tm *b)
{
	return a->tm_year == b->tm_year && a->tm_mon == b->tm_mon && a->tm_mday == b->tm_mday &&
	       a->tm_hour == b->tm_hour && a->tm_min == b->tm_min && a->tm_sec == b->tm_sec;
}

/*
 * A wall-clock time of the local zone as seconds since the epoch.  The
 * hour the clocks repeat in autumn is read as its first pass (summer
 * time); a time the clocks skip in spring does not exist and is read as
 * standard time (02:30 → 03:30 summer time), so every wall time has one
 * answer whatever mktime's own guess would be.
 */
static time_t local_seconds(const struct tm *wall)
{
	time_t best = 0;
	int found = 0;

	for (int dst = 0; dst <= 1; dst++) {
		struct tm tm = *wall, back;
		time_t t;

		tm.tm_isdst = dst;
		t = mktime(&tm);
		if (localtime_r(&t, &back) && same_wall(&back, wall) && (!found || t < best)) {
			best = t;
			found = 1;
		}
	}
	if (!found) {
		struct tm tm = *wall;
		tm.tm_isdst = 0;
		best = mktime(&tm);
	}
	return best;
}

int gp_time_local(char out[20], const char *canonical)
{
	struct tm tm;
	time_t t;
	char tmp[64];
	int y, mo, d, h, mi, sec;

	if (strlen(canonical) < 19 || digits(canonical, 4, &y) || digits(canonical + 5, 2, &mo) ||
	    digits(canonical + 8, 2, &d) || digits(canonical + 11, 2, &h) ||
	    digits(canonical + 14, 2, &mi) || digits(canonical + 17, 2, &sec))
		return GP_INVALID;
	wall_time(&tm, y, mo, d, h, mi, sec);
	t = timegm(&tm);
	if (!localtime_r(&t, &tm))
		return GP_INVALID;
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return gp_strlcpy(out, tmp, 20) ? GP_INVALID : 0;
}

int gp_time_parse(char out[25], const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0, off = 0, local = 0;
	struct tm tm;
	time_t t;
	const char *p;

	if (strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d))
		return GP_INVALID;
	if (mo < 1 || mo > 12 || d < 1 ||
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
			local = 1; /* no zone: the configured local time */
		}
		if (*p)
			return GP_INVALID;
	}
	wall_time(&tm, y, mo, d, h, mi, sec > 59 ? 59 : sec); /* a leap second sorts as :59 */
	t = local ? local_seconds(&tm) : timegm(&tm) - off;
	/* An offset may carry 0000-01-01 or 9999-12-31 past the four digits. */
	if (t < YEAR_0 || t >= YEAR_10000)
		return GP_INVALID;
	format_utc(out, t, ms);
	return 0;
}
