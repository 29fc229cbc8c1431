/*
 * load.c — fills a database with the seed-42 benchmark points (seed42.h)
 * through the store/ and geo/ APIs, fast: one PROJ call for all
 * coordinates, the district index for both districts of every point, and
 * one transaction per 20,000 rows.  HTTP would take minutes for what this
 * does in seconds, and the benchmarks measure reading, not loading.
 *
 * Every point is published; points outside the city get their nearest
 * districts (the seed-42 box is larger than Kaiserslautern).  Categories,
 * topics, comments and creation times vary deterministically with the index.
 *
 * usage: bench-load DB [N]   (default N = 1000000; DB is created if missing)
 * Must never: be used on a production database (it writes test data).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "seed42.h"

#define BATCH 20000

static const char *const topics[] = {
	NULL, "housing", "mobility", "green_space", "climate", "retail", "culture", "social", "other"
};

/* 2025-06-01T00:00:00Z plus 20 s per point: a year of participation. */
static void created_at(char out[GP_TIME_LEN], size_t i)
{
	time_t t = (time_t)1748736000 + (time_t)(i * 20);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, GP_TIME_LEN, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t n = argc > 2 ? (size_t)atol(argv[2]) : 1000000;
	const gp_geo_districts *idx;
	gp_config cfg;
	gp_core *core = NULL;
	gp_worker *w = NULL;
	gp_store *s;
	double *lon, *lat, *x, *y, t0;
	char comment[160];
	gp_err err;
	int created = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench-load DB [N]\n");
		return 2;
	}
	gp_err_clear(&err);
	gp_log_set_level(GP_LOG_WARN);
	if (gp_config_defaults(&cfg) || gp_config_set(&cfg, "db", argv[1], &err) ||
	    gp_core_new(&core, &cfg, 1, &err) || gp_worker_new(&w, core, &err) ||
	    gp_core_prepare_database(w, &created, &err) || gp_worker_districts(w, &idx)) {
		fprintf(stderr, "bench-load: %s\n", err.detail[0] ? err.detail : "cannot start");
		return 1;
	}
	s = gp_worker_store(w);
	lon = malloc(n * sizeof(double));
	lat = malloc(n * sizeof(double));
	x = malloc(n * sizeof(double));
	y = malloc(n * sizeof(double));
	if (!lon || !lat || !x || !y)
		return 1;
	t0 = now();
	seed42_points(lon, lat, n);
	memcpy(x, lon, n * sizeof(double));
	memcpy(y, lat, n * sizeof(double));
	if (gp_geo_transform(gp_worker_geo(w), GP_CRS_CRS84, GP_CRS_STORAGE,
	                     GP_AXIS_AUTHORITY, x, y, n)) {
		fprintf(stderr, "bench-load: transform failed\n");
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		gp_geo_assignment a;
		gp_point p;

		if (i % BATCH == 0 && gp_store_begin_write(s))
			return 1;
		memset(&p, 0, sizeof(p));
		p.category = i % 5 < 2 ? GP_CATEGORY_IMPROVEMENT : GP_CATEGORY_FAVOURITE;
		p.status = GP_STATUS_PUBLISHED;
		snprintf(comment, sizeof(comment),
		         "Benchmark-Punkt %zu: hier ist es %s, bitte prüfen", i,
		         p.category == GP_CATEGORY_IMPROVEMENT ? "zu laut" : "schön");
		p.comment = comment;
		p.topic = topics[i % (sizeof(topics) / sizeof(topics[0]))];
		created_at(p.created, i);
		memcpy(p.updated, p.created, sizeof(p.created));
		p.lon = lon[i];
		p.lat = lat[i];
		p.x = x[i];
		p.y = y[i];
		if (gp_geo_districts_assign(idx, x[i], y[i], 1, &a))
			return 1;
		p.ortsbezirk.id = gp_geo_districts_id(idx, a.index[GP_LAYER_ORTSBEZIRK]);
		p.stadtteil.id = gp_geo_districts_id(idx, a.index[GP_LAYER_STADTTEIL]);
		if (gp_store_point_insert(s, &p)) {
			fprintf(stderr, "bench-load: insert %zu failed\n", i);
			return 1;
		}
		if ((i + 1) % BATCH == 0 || i + 1 == n) {
			if (gp_store_commit(s))
				return 1;
			fprintf(stderr, "\rbench-load: %zu/%zu", i + 1, n);
		}
	}
	fprintf(stderr, "\nbench-load: %zu points in %.1f s into %s\n", n, now() - t0, argv[1]);
	free(lon);
	free(lat);
	free(x);
	free(y);
	gp_worker_free(w);
	gp_core_free(core);
	gp_config_clear(&cfg);
	return 0;
}
