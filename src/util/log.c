/*
 * log.c — one line per event on stderr.
 *
 * Must never receive client addresses, user agents, comment text or secrets;
 * callers log ids, counts and outcomes only.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util.h"

static gp_log_level min_level = GP_LOG_INFO;

void gp_log_set_level(gp_log_level level)
{
	min_level = level;
}

int gp_log_parse_level(gp_log_level *out, const char *s)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(s, names[i]) == 0) {
			*out = (gp_log_level)i;
			return 0;
		}
	}
	return GP_INVALID;
}

void gp_log_write(gp_log_level level, const char *file, int line,
                  const char *fmt, ...)
{
	static const char *const tags[] = { "debug", "info", "warn", "error" };
	char msg[1024], stamp[25];
	const char *base;
	va_list ap;

	if (level < min_level)
		return;
	base = strrchr(file, '/');
	base = base ? base + 1 : file;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gp_time_now(stamp);
	/* One fprintf per line so concurrent threads do not interleave. */
	fprintf(stderr, "%s %s %s:%d %s\n", stamp, tags[level], base, line, msg);
}
