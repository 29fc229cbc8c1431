/*
 * seeddb.c — makes a benchmark database: the first N seed-42 points that
 * lie inside the city (what the server would accept), stored with their
 * districts exactly as POST /api/points stores them, and the same points'
 * lon/lat as raw little-endian doubles (lon0 lat0 lon1 lat1 …) for the
 * JavaScript peer.  Properties follow bench-clusters / clusters.mjs.
 *
 * usage: bench-seeddb DB POINTS.bin [N]   (default N = 1000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "seed42.h"

#define BATCH 20000

static const char *const topics[] = { NULL, "housing", "mobility", "green_space",
	                              "climate", "retail", "culture", "social" };

int main(int argc, char **argv)
{
	size_t want = argc > 3 ? strtoul(argv[3], NULL, 10) : 1000000, stored = 0, at = 0;
	double lon[BATCH], lat[BATCH], x[BATCH], y[BATCH];
	const gp_geo_districts *idx;
	gp_config cfg;
	gp_core *core = NULL;
	gp_worker *w = NULL;
	seed42 r = { 42 };
	FILE *bin;
	gp_err err;
	int created;

	if (argc < 3) {
		fputs("usage: bench-seeddb DB POINTS.bin [N]\n", stderr);
		return 2;
	}
	if (gp_config_defaults(&cfg) || gp_config_set(&cfg, "db", argv[1], &err) ||
	    gp_core_new(&core, &cfg) || gp_worker_new(&w, core, &err) ||
	    gp_core_prepare_database(w, &created, &err) || gp_worker_districts(w, &idx)) {
		fprintf(stderr, "cannot prepare %s\n", argv[1]);
		return 1;
	}
	if (!(bin = fopen(argv[2], "wb")))
		return 1;
	while (stored < want) {
		size_t n = 0;
		/* One batch of seed points, in the generator's order. */
		for (; n < BATCH; n++, at++) {
			lon[n] = 7.65 + (7.90 - 7.65) * (seed42_next(&r) / 4294967296.0);
			lat[n] = 49.35 + (49.52 - 49.35) * (seed42_next(&r) / 4294967296.0);
			x[n] = lon[n];
			y[n] = lat[n];
		}
		if (gp_geo_transform(gp_worker_geo(w), GP_CRS_CRS84, GP_CRS_STORAGE, GP_AXIS_AUTHORITY,
		                     x, y, n) || gp_store_begin_write(gp_worker_store(w)))
			return 1;
		for (size_t i = 0; i < n && stored < want; i++) {
			gp_geo_assignment a;
			char comment[64];
			gp_point p;

			if (gp_geo_districts_assign(idx, x[i], y[i], 0, &a))
				return 1;
			if (!a.in_city)
				continue;
			memset(&p, 0, sizeof(p));
			p.category = stored % 3 == 0 ? GP_CATEGORY_IMPROVEMENT : GP_CATEGORY_FAVOURITE;
			p.status = GP_STATUS_PUBLISHED;
			snprintf(comment, sizeof(comment), "Benchmark point %zu", stored);
			p.comment = comment;
			p.topic = topics[stored % 8];
			strcpy(p.created, "2026-11-01T12:00:00.000Z");
			strcpy(p.updated, p.created);
			p.ortsbezirk.id = gp_geo_districts_id(idx, a.index[GP_LAYER_ORTSBEZIRK]);
			p.stadtteil.id = gp_geo_districts_id(idx, a.index[GP_LAYER_STADTTEIL]);
			p.lon = lon[i];
			p.lat = lat[i];
			p.x = x[i];
			p.y = y[i];
			if (gp_store_point_insert(gp_worker_store(w), &p))
				return 1;
			fwrite(&lon[i], sizeof(double), 1, bin);
			fwrite(&lat[i], sizeof(double), 1, bin);
			stored++;
		}
		if (gp_store_commit(gp_worker_store(w)))
			return 1;
		fprintf(stderr, "\rbench-seeddb: %zu of %zu points (%zu seed points read)", stored,
		        want, at);
	}
	fprintf(stderr, "\n");
	fclose(bin);
	gp_worker_free(w);
	gp_core_free(core);
	gp_config_clear(&cfg);
	return 0;
}
