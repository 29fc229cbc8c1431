/*
 * bench_point.h — the properties every benchmark point gets, the same in C
 * and in features.mjs (the JavaScript peers' copy), so both sides serialise
 * the same features: category, topic and comment follow the index i.
 */
#ifndef GP_BENCH_POINT_H
#define GP_BENCH_POINT_H

#include <stdio.h>
#include <string.h>

#include "geopart/point.h"

static const char *const bench_topics[8] = { NULL, "housing", "mobility", "green_space",
	                                     "climate", "retail", "culture", "social" };

/* Fills p's properties for benchmark point i; comment is p's storage. */
static inline void bench_point(gp_point *p, char *comment, size_t len, size_t i)
{
	memset(p, 0, sizeof(*p));
	p->category = i % 3 == 0 ? GP_CATEGORY_IMPROVEMENT : GP_CATEGORY_FAVOURITE;
	p->status = GP_STATUS_PUBLISHED;
	p->channel = GP_CHANNEL_ONLINE;
	snprintf(comment, len, "Benchmark point %zu", i);
	p->comment = comment;
	p->topic = bench_topics[i % 8];
	strcpy(p->created, "2026-11-01T12:00:00.000Z");
	strcpy(p->updated, p->created);
}

#endif
