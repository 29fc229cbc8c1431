/*
 * num.c — strict number parsing for query parameters and flags: the whole
 * string must be the number, nothing silently ignored.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "util.h"

int gp_parse_i64(int64_t *out, const char *s, int64_t min, int64_t max)
{
	char *end;
	long long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return GP_INVALID;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return GP_INVALID;
	*out = v;
	return 0;
}

int gp_parse_double(double *out, const char *s)
{
	char *end;
	double v;

	if (!s || !*s || isspace((unsigned char)*s))
		return GP_INVALID;
	/* strtod accepts "inf", "nan" and hex floats; coordinates are neither. */
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p) && *p != '.' && *p != '-' &&
		    *p != '+' && *p != 'e' && *p != 'E')
			return GP_INVALID;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return GP_INVALID;
	*out = v;
	return 0;
}
