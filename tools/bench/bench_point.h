/*
 * bench_point.h — the properties every benchmark point gets, the same in C
 * and in features.mjs (the JavaScript peers' copy), so both sides serialise
 * the same features: category, topic, channel, comment and creation time
 * follow the index i.  Points arrive every five seconds from
 * 2026-10-01T00:00:00Z (a million span eight weeks, so periods select
 * something); one in fifty comes from an Ortsbezirk walk and one in fifty
 * from a workshop.
 */
#ifndef GP_BENCH_POINT_H
#define GP_BENCH_POINT_H

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "geopart/point.h"

/* 2026-10-01T00:00:00Z */
#define BENCH_EPOCH ((time_t)1790812800)

static const char *const bench_topics[8] = { NULL, "housing", "mobility", "green_space",
	                                     "climate", "retail", "culture", "social" };

/* Fills p's properties for benchmark point i; comment is p's storage. */
static inline void bench_point(gp_point *p, char *comment, size_t len, size_t i)
{
	time_t t = BENCH_EPOCH + (time_t)i * 5;
	struct tm tm;

	memset(p, 0, sizeof(*p));
	p->category = i % 3 == 0 ? GP_CATEGORY_IMPROVEMENT : GP_CATEGORY_FAVOURITE;
	p->status = GP_STATUS_PUBLISHED;
	p->channel = i % 50 == 0 ? GP_CHANNEL_WALK
	             : i % 50 == 25 ? GP_CHANNEL_WORKSHOP : GP_CHANNEL_ONLINE;
	snprintf(comment, len, "Benchmark point %zu", i);
	p->comment = comment;
	p->topic = bench_topics[i % 8];
	gmtime_r(&t, &tm);
	strftime(p->created, sizeof(p->created), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	strcpy(p->updated, p->created);
}

#endif
