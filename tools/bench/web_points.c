/*
 * web_points.c — fills a database for the map page benchmark (web.mjs):
 * N published points from the seed-42 sequence (seed42.h), keeping only
 * the points inside the city, as the API would, until N are stored.
 * Written through core/ (database creation), geo/ (one PROJ call per
 * batch, the district index) and store/ (one transaction per batch), so
 * 100,000 points take seconds instead of minutes of rate-limited POSTs.
 *
 * Categories, topics and comments vary deterministically with the index.
 * Must never: run against a production database (it writes test data).
 *
 * usage: bench-web-points DB [N]   (default N = 100000; DB created if missing)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "store/store.h"
#include "seed42.h"

#define BATCH 10000

static const char *const topics[] = { NULL, "mobility", "green_space", "housing", "climate" };

int main(int argc, char **argv)
{
	size_t want = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 100000, stored = 0, seen = 0;
	double lon[BATCH], lat[BATCH], x[BATCH], y[BATCH];
	const gp_geo_districts *idx;
	seed42 r = { 42 };
	gp_config cfg;
	gp_core *core = NULL;
	gp_worker *w = NULL;
	char comment[96];
	gp_err err;
	int created, rc = 1;

	if (argc < 2 || argc > 3 || want == 0) {
		fprintf(stderr, "usage: %s DB [N]\n", argv[0]);
		return 2;
	}
	gp_err_clear(&err);
	if (gp_config_defaults(&cfg) || gp_config_set(&cfg, "db", argv[1], &err) ||
	    gp_config_normalise(&cfg, &err) || gp_core_new(&core, &cfg, 1, &err) ||
	    gp_worker_new(&w, core, &err) || gp_core_prepare_database(w, &created, &err) ||
	    gp_worker_districts(w, &idx)) {
		fprintf(stderr, "bench-web-points: %s\n", err.detail[0] ? err.detail : "cannot start");
		goto out;
	}
	while (stored < want) {
		gp_store *s = gp_worker_store(w);

		for (size_t i = 0; i < BATCH; i++)
			seed42_point(&r, &lon[i], &lat[i]);
		memcpy(x, lon, sizeof(x));
		memcpy(y, lat, sizeof(y));
		if (gp_geo_transform(gp_worker_geo(w), GP_CRS_CRS84, GP_CRS_STORAGE, GP_AXIS_GIS, x, y,
		                     BATCH) ||
		    gp_store_begin_write(s)) {
			fprintf(stderr, "bench-web-points: transform or transaction failed\n");
			goto out;
		}
		for (size_t i = 0; i < BATCH && stored < want; i++, seen++) {
			gp_geo_assignment a;
			gp_point p;

			if (gp_geo_districts_assign(idx, x[i], y[i], 0, &a) || !a.in_city)
				continue;
			memset(&p, 0, sizeof(p));
			p.category = stored % 3 == 0 ? GP_CATEGORY_IMPROVEMENT : GP_CATEGORY_FAVOURITE;
			p.status = GP_STATUS_PUBLISHED;
			p.channel = GP_CHANNEL_ONLINE;
			snprintf(comment, sizeof(comment), "Benchmark-Punkt %zu", stored);
			p.comment = comment;
			p.topic = topics[stored % 5];
			gp_time_now(p.created);
			memcpy(p.updated, p.created, sizeof(p.updated));
			p.ortsbezirk.id = gp_geo_districts_id(idx, a.index[GP_LAYER_ORTSBEZIRK]);
			p.ortsbezirk.name = gp_geo_districts_name(idx, a.index[GP_LAYER_ORTSBEZIRK]);
			p.stadtteil.id = gp_geo_districts_id(idx, a.index[GP_LAYER_STADTTEIL]);
			p.stadtteil.name = gp_geo_districts_name(idx, a.index[GP_LAYER_STADTTEIL]);
			p.lon = lon[i];
			p.lat = lat[i];
			p.x = x[i];
			p.y = y[i];
			if (gp_store_point_insert(s, &p)) {
				fprintf(stderr, "bench-web-points: insert failed\n");
				goto out;
			}
			stored++;
		}
		if (gp_store_commit(s)) {
			fprintf(stderr, "bench-web-points: commit failed\n");
			goto out;
		}
	}
	printf("%zu published points stored (%zu seed-42 points drawn, the rest outside the city)\n",
	       stored, seen);
	rc = 0;
out:
	gp_worker_free(w);
	gp_core_free(core);
	gp_config_clear(&cfg);
	return rc;
}
