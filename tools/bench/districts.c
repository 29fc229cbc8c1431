/*
 * districts.c — district assignment throughput: geopart's index
 * (gp_geo_districts_assign, both layers and the city) against a plain GEOS
 * loop (one STRtree per layer of prepared polygons, GEOSPreparedContains)
 * over the same polygons and the same 1M seed-42 points, in one run.
 * Prints points/s for both and the ratio geopart/GEOS (goal ≥ 0.8), and
 * checks that both agree on every point.
 *
 * usage: bench-districts [N]   (from the source tree; default N = 1000000)
 */
#include <geos_c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "geo/geo.h"
#include "json/json.h"
#include "seed42.h"

typedef struct layer_load {
	gp_geo *geo;
	gp_layer layer;
	gp_district_src *items;
	size_t n, cap;
} layer_load;

static int collect(void *ctx, const gp_json_boundary *b, gp_err *err)
{
	layer_load *l = ctx;
	gp_district_src *it;
	char id[64];

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->items = realloc(l->items, l->cap * sizeof(*l->items));
	}
	it = &l->items[l->n++];
	memset(it, 0, sizeof(*it));
	snprintf(id, sizeof(id), "%s%s", gp_layer_id_prefix(l->layer), b->id);
	it->id = strdup(id);
	it->name = strdup(b->name);
	it->layer = l->layer;
	return gp_geo_boundary_import(l->geo, (unsigned char **)&it->wkb, &it->wkb_len,
	                              b->geometry, GP_CRS_CRS84, err);
}

static void load(layer_load *l, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text, *crs = NULL;
	long n;
	gp_err err;

	if (!f) {
		fprintf(stderr, "cannot open %s (run from the source tree)\n", path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = malloc((size_t)n + 1);
	if (fread(text, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	fclose(f);
	if (gp_json_boundaries_read(text, (size_t)n, "id", "name", &crs, collect, l, &err)) {
		fprintf(stderr, "%s: %s\n", path, err.detail);
		exit(2);
	}
	free(text);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- the plain GEOS peer ---- */

typedef struct peer {
	GEOSContextHandle_t h;
	GEOSSTRtree *tree[GP_LAYER_COUNT];
	GEOSGeometry **geom;
	const GEOSPreparedGeometry **prep;
} peer;

typedef struct hit {
	const peer *p;
	const GEOSGeometry *pt;
	int found;
} hit;

static void visit(void *item, void *userdata)
{
	hit *h = userdata;
	int i = (int)((uintptr_t)item - 1);

	if (h->found < 0 && GEOSPreparedContains_r(h->p->h, h->p->prep[i], h->pt) == 1)
		h->found = i;
}

/* The two loops live in functions of their own so profilers can tell them apart. */
__attribute__((noinline)) static size_t run_ours(const gp_geo_districts *idx, const double *x,
                                                 const double *y, size_t n, int *out)
{
	size_t in_city = 0;

	for (size_t i = 0; i < n; i++) {
		gp_geo_assignment a;
		gp_geo_districts_assign(idx, x[i], y[i], 0, &a);
		out[2 * i] = a.index[0];
		out[2 * i + 1] = a.index[1];
		in_city += (size_t)a.in_city;
	}
	return in_city;
}

__attribute__((noinline)) static void run_peer(const peer *p, const double *x, const double *y,
                                               size_t n, int *out)
{
	for (size_t i = 0; i < n; i++) {
		GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(p->h, x[i], y[i]);
		for (int l = 0; l < GP_LAYER_COUNT; l++) {
			hit h = { p, pt, -1 };
			GEOSSTRtree_query_r(p->h, p->tree[l], pt, visit, &h);
			out[2 * i + l] = h.found;
		}
		GEOSGeom_destroy_r(p->h, pt);
	}
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)atol(argv[1]) : 1000000;
	layer_load ob = { 0 }, st = { 0 };
	gp_district_src *all;
	gp_geo_districts *idx;
	gp_geo *g;
	double *x, *y, t0, t_ours, t_peer;
	int *ours, *theirs;
	size_t total, disagree = 0, in_city = 0;
	peer p;
	GEOSWKBReader *reader;

	if (gp_geo_new(&g))
		return 1;
	ob.geo = st.geo = g;
	ob.layer = GP_LAYER_ORTSBEZIRK;
	st.layer = GP_LAYER_STADTTEIL;
	load(&ob, "data/kaiserslautern-ortsbezirke.geojson");
	load(&st, "data/kaiserslautern-stadtteile.geojson");
	total = ob.n + st.n;
	all = malloc(total * sizeof(*all));
	memcpy(all, ob.items, ob.n * sizeof(*all));
	memcpy(all + ob.n, st.items, st.n * sizeof(*all));
	if (gp_geo_districts_new(&idx, g, all, total))
		return 1;

	x = malloc(n * sizeof(double));
	y = malloc(n * sizeof(double));
	ours = malloc(2 * n * sizeof(int));
	theirs = malloc(2 * n * sizeof(int));
	seed42_points(x, y, n);
	gp_geo_transform(g, GP_CRS_CRS84, GP_CRS_STORAGE, GP_AXIS_AUTHORITY, x, y, n);

	/* warm both up on a few points (prepared geometries index lazily) */
	for (size_t i = 0; i < 1000 && i < n; i++) {
		gp_geo_assignment a;
		gp_geo_districts_assign(idx, x[i], y[i], 0, &a);
	}

	p.h = GEOS_init_r();
	reader = GEOSWKBReader_create_r(p.h);
	p.geom = malloc(total * sizeof(*p.geom));
	p.prep = malloc(total * sizeof(*p.prep));
	for (int l = 0; l < GP_LAYER_COUNT; l++)
		p.tree[l] = GEOSSTRtree_create_r(p.h, 10);
	for (size_t i = 0; i < total; i++) {
		p.geom[i] = GEOSWKBReader_read_r(p.h, reader, all[i].wkb, all[i].wkb_len);
		p.prep[i] = GEOSPrepare_r(p.h, p.geom[i]);
		GEOSSTRtree_insert_r(p.h, p.tree[all[i].layer], p.geom[i], (void *)(uintptr_t)(i + 1));
	}
	for (size_t i = 0; i < 1000 && i < n; i++) {
		GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(p.h, x[i], y[i]);
		for (int l = 0; l < GP_LAYER_COUNT; l++) {
			hit h = { &p, pt, -1 };
			GEOSSTRtree_query_r(p.h, p.tree[l], pt, visit, &h);
		}
		GEOSGeom_destroy_r(p.h, pt);
	}
	/*
	 * Best of five, alternating geopart and GEOS, so a busy moment on a
	 * shared machine does not decide the ratio.
	 */
	t_ours = t_peer = 1e30;
	for (int round = 0; round < 5; round++) {
		double t;

		t0 = now();
		in_city = run_ours(idx, x, y, n, ours);
		t = now() - t0;
		t_ours = t < t_ours ? t : t_ours;
		t0 = now();
		run_peer(&p, x, y, n, theirs);
		t = now() - t0;
		t_peer = t < t_peer ? t : t_peer;
	}

	/*
	 * Agreement: where GEOS finds an Ortsbezirk, both name the same
	 * districts (geopart may also place city points in a gap of the
	 * Stadtteil layer, by nearest district).  Where GEOS finds none, the
	 * point is outside the city and geopart must say so too, except in the
	 * interior gap between Ortsbezirke that the city outline fills.
	 */
	for (size_t i = 0; i < n; i++) {
		int tob = theirs[2 * i], tst = theirs[2 * i + 1];
		int bad = tob >= 0 ? ours[2 * i] != tob || (tst >= 0 && ours[2 * i + 1] != tst)
		                   : ours[2 * i] >= 0;
		if (bad) {
			if (disagree < 5 && getenv("GP_BENCH_VERBOSE"))
				fprintf(stderr, "point %zu (%.3f %.3f): ours %d/%d, GEOS %d/%d\n", i, x[i],
				        y[i], ours[2 * i], ours[2 * i + 1], tob, tst);
			disagree++;
		}
	}
	printf("district assignment, %zu seed-42 points (%zu in the city), %zu polygons\n",
	       n, in_city, total);
	printf("  geopart index : %10.0f points/s  (best of 5: %.3f s)\n", n / t_ours, t_ours);
	printf("  plain GEOS    : %10.0f points/s  (best of 5: %.3f s)\n", n / t_peer, t_peer);
	printf("  ratio geopart/GEOS = %.2f (goal >= 0.8)\n", t_peer / t_ours);
	printf("  disagreements : %zu\n", disagree);
	return disagree ? 1 : 0;
}
