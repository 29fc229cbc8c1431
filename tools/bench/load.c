/*
 * load.c — fills a database with seed-42 benchmark points (seed42.h)
 * through the store/ and geo/ APIs: one PROJ call per batch, the district
 * index for both districts of every point, one transaction per batch.
 * HTTP would take many minutes (and rate limits) for what this does in
 * seconds to minutes; the benchmarks measure reading, not loading.
 *
 *   bench-load DB [N] [--city] [--raw FILE]
 *
 * Without --city: seed-42 points 0 … N−1, every one, published; those
 * outside the city (the seed box is larger than Kaiserslautern) get their
 * nearest districts.  With --city: the first N seed-42 points that lie
 * inside the city, i.e. those POST /api/points would accept.  --raw also
 * writes the stored points' lon/lat as little-endian doubles (lon0 lat0 lon1
 * lat1 …) for the JavaScript peers.  Properties: bench_point.h.  DB is
 * created with the bundled districts when missing.
 *
 * Must never: be used on a production database (it writes test data).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_point.h"
#include "config/config.h"
#include "core/core.h"
#include "geo/geo.h"
#include "store/store.h"
#include "seed42.h"

#define BATCH 20000

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *db = NULL, *raw = NULL;
	size_t want = 1000000, stored = 0, seen = 0;
	double lon[BATCH], lat[BATCH], x[BATCH], y[BATCH], t0 = now();
	const gp_geo_districts *idx;
	int city = 0, created = 0, positional = 0;
	seed42 r = { 42 };
	gp_config cfg;
	gp_core *core = NULL;
	gp_worker *w = NULL;
	FILE *out = NULL;
	gp_err err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--city"))
			city = 1;
		else if (!strcmp(argv[i], "--raw") && i + 1 < argc)
			raw = argv[++i];
		else if (positional == 0 && argv[i][0] != '-')
			db = argv[i], positional++;
		else if (positional == 1 && argv[i][0] != '-')
			want = strtoul(argv[i], NULL, 10), positional++;
		else
			db = NULL, i = argc;
	}
	if (!db || want == 0) {
		fputs("usage: bench-load DB [N] [--city] [--raw FILE]\n", stderr);
		return 2;
	}
	gp_err_clear(&err);
	gp_log_set_level(GP_LOG_WARN);
	if (gp_config_defaults(&cfg) || gp_config_set(&cfg, "db", db, &err) ||
	    gp_core_new(&core, &cfg, 1, &err) || gp_worker_new(&w, core, &err) ||
	    gp_core_prepare_database(w, &created, &err) || gp_worker_districts(w, &idx)) {
		fprintf(stderr, "bench-load: %s\n", err.detail[0] ? err.detail : "cannot start");
		return 1;
	}
	if (raw && !(out = fopen(raw, "wb"))) {
		fprintf(stderr, "bench-load: cannot write %s\n", raw);
		return 1;
	}
	while (stored < want) {
		gp_store *s = gp_worker_store(w);
		size_t n = 0;

		/* The next batch of seed points, in the generator's order. */
		for (; n < BATCH && (city || seen + n < want); n++) {
			lon[n] = 7.65 + (7.90 - 7.65) * (seed42_next(&r) / 4294967296.0);
			lat[n] = 49.35 + (49.52 - 49.35) * (seed42_next(&r) / 4294967296.0);
			x[n] = lon[n];
			y[n] = lat[n];
		}
		seen += n;
		if (gp_geo_transform(gp_worker_geo(w), GP_CRS_CRS84, GP_CRS_STORAGE, GP_AXIS_AUTHORITY,
		                     x, y, n) || gp_store_begin_write(s))
			return 1;
		for (size_t i = 0; i < n && stored < want; i++) {
			gp_geo_assignment a;
			char comment[64];
			gp_point p;

			if (gp_geo_districts_assign(idx, x[i], y[i], !city, &a))
				return 1;
			if (city && !a.in_city)
				continue;
			bench_point(&p, comment, sizeof(comment), stored);
			p.ortsbezirk.id = gp_geo_districts_id(idx, a.index[GP_LAYER_ORTSBEZIRK]);
			p.stadtteil.id = gp_geo_districts_id(idx, a.index[GP_LAYER_STADTTEIL]);
			p.lon = lon[i];
			p.lat = lat[i];
			p.x = x[i];
			p.y = y[i];
			if (gp_store_point_insert(s, &p)) {
				fprintf(stderr, "bench-load: insert %zu failed\n", stored);
				return 1;
			}
			if (out && (fwrite(&lon[i], sizeof(double), 1, out) != 1 ||
			            fwrite(&lat[i], sizeof(double), 1, out) != 1))
				return 1;
			stored++;
		}
		if (gp_store_commit(s))
			return 1;
		fprintf(stderr, "\rbench-load: %zu of %zu points (%zu seed points read)", stored,
		        want, seen);
	}
	fprintf(stderr, "\nbench-load: %zu points in %.1f s into %s\n", stored, now() - t0, db);
	if (out && fclose(out) != 0)
		return 1;
	gp_worker_free(w);
	gp_core_free(core);
	gp_config_clear(&cfg);
	return 0;
}
