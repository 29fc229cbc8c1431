/*
 * districts.c — the district index: every district's polygon prepared for
 * fast point-in-polygon tests, one STRtree per layer, and the city outline.
 *
 * Invariants: items in the trees are (index + 1) cast to a pointer, so 0 is
 * never a valid item; all GEOS objects belong to the owning gp_geo's
 * context.  Prepared geometries build their internal index lazily, which is
 * why an index is never shared between threads.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo_int.h"

typedef struct district {
	char *id;
	char *name;
	gp_layer layer;
	GEOSGeometry *geom;
	const GEOSPreparedGeometry *prep;
} district;

struct gp_geo_districts {
	gp_geo *geo;
	size_t n;
	district *d;
	GEOSSTRtree *tree[GP_LAYER_COUNT];
	GEOSGeometry *city;
	const GEOSPreparedGeometry *city_prep;
	gp_bbox city_bbox;
	double city_area;
};

void gp_geo_districts_free(gp_geo_districts *idx)
{
	GEOSContextHandle_t h;

	if (!idx)
		return;
	h = idx->geo->geos;
	for (int l = 0; l < GP_LAYER_COUNT; l++)
		if (idx->tree[l])
			GEOSSTRtree_destroy_r(h, idx->tree[l]);
	for (size_t i = 0; i < idx->n; i++) {
		if (idx->d[i].prep)
			GEOSPreparedGeom_destroy_r(h, idx->d[i].prep);
		if (idx->d[i].geom)
			GEOSGeom_destroy_r(h, idx->d[i].geom);
		free(idx->d[i].id);
		free(idx->d[i].name);
	}
	if (idx->city_prep)
		GEOSPreparedGeom_destroy_r(h, idx->city_prep);
	if (idx->city)
		GEOSGeom_destroy_r(h, idx->city);
	free(idx->d);
	free(idx);
}

/* The union of the Ortsbezirke with holes dropped: a city has no gaps. */
static GEOSGeometry *city_outline(GEOSContextHandle_t h, const gp_geo_districts *idx)
{
	GEOSGeometry **parts = NULL, *coll = NULL, *uni = NULL, *out = NULL;
	GEOSGeometry **shells = NULL;
	size_t np = 0;
	int nparts;

	parts = calloc(idx->n ? idx->n : 1, sizeof(*parts));
	if (!parts)
		goto out;
	for (size_t i = 0; i < idx->n; i++) {
		if (idx->d[i].layer != GP_LAYER_ORTSBEZIRK)
			continue;
		if (!(parts[np] = GEOSGeom_clone_r(h, idx->d[i].geom)))
			goto out;
		np++;
	}
	coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)np);
	if (!coll)
		goto out;
	np = 0; /* the collection owns the parts now */
	if (!(uni = GEOSUnaryUnion_r(h, coll)))
		goto out;
	nparts = GEOSGetNumGeometries_r(h, uni);
	shells = calloc(nparts > 0 ? (size_t)nparts : 1, sizeof(*shells));
	if (!shells)
		goto out;
	for (int i = 0; i < nparts; i++) {
		const GEOSGeometry *poly = GEOSGetGeometryN_r(h, uni, i);
		const GEOSGeometry *ring = GEOSGetExteriorRing_r(h, poly);
		GEOSGeometry *shell = ring ? GEOSGeom_clone_r(h, ring) : NULL;
		if (!shell || !(shells[i] = GEOSGeom_createPolygon_r(h, shell, NULL, 0))) {
			if (shell)
				GEOSGeom_destroy_r(h, shell);
			for (int k = 0; k < i; k++)
				GEOSGeom_destroy_r(h, shells[k]);
			goto out;
		}
	}
	out = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, shells, (unsigned)nparts);
	if (!out)
		for (int k = 0; k < nparts; k++)
			GEOSGeom_destroy_r(h, shells[k]);
out:
	for (size_t i = 0; i < np; i++)
		GEOSGeom_destroy_r(h, parts[i]);
	free(parts);
	free(shells);
	if (coll)
		GEOSGeom_destroy_r(h, coll);
	if (uni)
		GEOSGeom_destroy_r(h, uni);
	return out;
}

int gp_geo_districts_new(gp_geo_districts **out, gp_geo *g,
                         const gp_district_src *src, size_t n)
{
	GEOSContextHandle_t h = g->geos;
	GEOSWKBReader *reader = NULL;
	gp_geo_districts *idx;
	double xmin, ymin, xmax, ymax;
	int rc = GP_ENOMEM;

	*out = NULL;
	idx = calloc(1, sizeof(*idx));
	if (!idx)
		return GP_ENOMEM;
	idx->geo = g;
	idx->d = calloc(n ? n : 1, sizeof(*idx->d));
	if (!idx->d)
		goto out;
	reader = GEOSWKBReader_create_r(h);
	for (int l = 0; l < GP_LAYER_COUNT; l++)
		idx->tree[l] = GEOSSTRtree_create_r(h, 10);
	if (!reader || !idx->tree[0] || !idx->tree[1])
		goto out;
	for (size_t i = 0; i < n; i++) {
		district *d = &idx->d[i];

		idx->n = i + 1;
		d->layer = src[i].layer;
		d->id = strdup(src[i].id);
		d->name = strdup(src[i].name);
		if (!d->id || !d->name)
			goto out;
		d->geom = GEOSWKBReader_read_r(h, reader, src[i].wkb, src[i].wkb_len);
		if (!d->geom) {
			gp_log_error("district %s: unreadable boundary: %s", src[i].id,
			             g->geos_error);
			rc = GP_INVALID;
			goto out;
		}
		d->prep = GEOSPrepare_r(h, d->geom);
		if (!d->prep) {
			rc = GP_EFAULT;
			goto out;
		}
		GEOSSTRtree_insert_r(h, idx->tree[d->layer], d->geom,
		                     (void *)(uintptr_t)(i + 1));
	}
	if (!(idx->city = city_outline(h, idx))) {
		rc = GP_EFAULT;
		goto out;
	}
	if (!(idx->city_prep = GEOSPrepare_r(h, idx->city))) {
		rc = GP_EFAULT;
		goto out;
	}
	if (!GEOSisEmpty_r(h, idx->city) &&
	    GEOSGeom_getXMin_r(h, idx->city, &xmin) && GEOSGeom_getYMin_r(h, idx->city, &ymin) &&
	    GEOSGeom_getXMax_r(h, idx->city, &xmax) && GEOSGeom_getYMax_r(h, idx->city, &ymax))
		idx->city_bbox = (gp_bbox){ xmin, ymin, xmax, ymax };
	GEOSArea_r(h, idx->city, &idx->city_area);
	*out = idx;
	idx = NULL;
	rc = 0;
out:
	if (reader)
		GEOSWKBReader_destroy_r(h, reader);
	gp_geo_districts_free(idx);
	return rc;
}

typedef struct candidates {
	int idx[32];
	int n;
} candidates;

static void collect(void *item, void *userdata)
{
	candidates *c = userdata;

	if (c->n < (int)(sizeof(c->idx) / sizeof(c->idx[0])))
		c->idx[c->n++] = (int)((uintptr_t)item - 1);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/*
 * The first district of a layer (in list order) that covers pt; -1 for
 * none.  *out_candidates tells whether any envelope held the point at all.
 */
static int covering(const gp_geo_districts *idx, gp_layer layer,
                    const GEOSGeometry *pt, int *fault, int *out_candidates)
{
	GEOSContextHandle_t h = idx->geo->geos;
	candidates c = { .n = 0 };

	GEOSSTRtree_query_r(h, idx->tree[layer], pt, collect, &c);
	if (out_candidates)
		*out_candidates = c.n;
	if (c.n > 1)
		qsort(c.idx, (size_t)c.n, sizeof(int), cmp_int);
	for (int i = 0; i < c.n; i++) {
		char r = GEOSPreparedCovers_r(h, idx->d[c.idx[i]].prep, pt);
		if (r == 2)
			*fault = 1;
		if (r == 1)
			return c.idx[i];
	}
	return -1;
}

typedef struct nearest_ctx {
	const gp_geo_districts *idx;
} nearest_ctx;

static int item_distance(const void *item, const void *query, double *out, void *userdata)
{
	const nearest_ctx *nc = userdata;
	int i = (int)((uintptr_t)item - 1);

	/* The prepared form measures through its facet index, not every segment. */
	return GEOSPreparedDistance_r(nc->idx->geo->geos, nc->idx->d[i].prep, query, out);
}

/*
 * The district of a layer nearest to pt: for points in a gap of a layer (or,
 * on request, outside the city).  The STRtree prunes by envelope distance.
 */
static int nearest(const gp_geo_districts *idx, gp_layer layer, const GEOSGeometry *pt)
{
	nearest_ctx nc = { idx };
	const void *item;

	item = GEOSSTRtree_nearest_generic_r(idx->geo->geos, idx->tree[layer], pt, pt,
	                                     item_distance, &nc);
	return item ? (int)((uintptr_t)item - 1) : -1;
}

int gp_geo_districts_assign(const gp_geo_districts *idx, double x, double y,
                            int nearest_outside, gp_geo_assignment *out)
{
	GEOSContextHandle_t h = idx->geo->geos;
	const gp_bbox *box = &idx->city_bbox;
	GEOSGeometry *pt;
	int fault = 0, in_envelope = 0;

	out->in_city = 0;
	out->index[0] = out->index[1] = -1;
	/* Most points far from the city end here, without GEOS. */
	if (!nearest_outside && (x < box->minx || x > box->maxx || y < box->miny || y > box->maxy))
		return 0;
	if (!(pt = GEOSGeom_createPointFromXY_r(h, x, y)))
		return GP_EFAULT;
	out->index[GP_LAYER_ORTSBEZIRK] =
		covering(idx, GP_LAYER_ORTSBEZIRK, pt, &fault, &in_envelope);
	if (out->index[GP_LAYER_ORTSBEZIRK] >= 0) {
		out->in_city = 1;
	} else if (in_envelope == 0 && !nearest_outside) {
		/* In no Ortsbezirk's envelope: outside their union, the city. */
	} else {
		char r = GEOSPreparedCovers_r(h, idx->city_prep, pt);
		if (r == 2)
			fault = 1;
		out->in_city = r == 1;
		if (out->in_city || nearest_outside)
			out->index[GP_LAYER_ORTSBEZIRK] = nearest(idx, GP_LAYER_ORTSBEZIRK, pt);
	}
	if (out->in_city || nearest_outside) {
		out->index[GP_LAYER_STADTTEIL] = covering(idx, GP_LAYER_STADTTEIL, pt, &fault, NULL);
		if (out->index[GP_LAYER_STADTTEIL] < 0)
			out->index[GP_LAYER_STADTTEIL] = nearest(idx, GP_LAYER_STADTTEIL, pt);
	}
	GEOSGeom_destroy_r(h, pt);
	if (fault) {
		gp_log_error("GEOS failed in point-in-district: %s", idx->geo->geos_error);
		return GP_EFAULT;
	}
	return 0;
}

size_t gp_geo_districts_count(const gp_geo_districts *idx)
{
	return idx->n;
}

const char *gp_geo_districts_id(const gp_geo_districts *idx, int i)
{
	return i >= 0 && (size_t)i < idx->n ? idx->d[i].id : NULL;
}

const char *gp_geo_districts_name(const gp_geo_districts *idx, int i)
{
	return i >= 0 && (size_t)i < idx->n ? idx->d[i].name : NULL;
}

gp_layer gp_geo_districts_layer(const gp_geo_districts *idx, int i)
{
	return idx->d[i].layer;
}

gp_bbox gp_geo_districts_city_bbox(const gp_geo_districts *idx)
{
	return idx->city_bbox;
}

double gp_geo_districts_city_area(const gp_geo_districts *idx)
{
	return idx->city_area;
}
