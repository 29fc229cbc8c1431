/*
 * hull.c — the convex hull of a set of storage-CRS points through GEOS,
 * written as a GeoJSON Polygon: the outline of a hotspot.
 *
 * Invariants: every GEOS object made here is destroyed here, with the
 * context of the gp_geo it was made with; the exterior ring is written
 * counter-clockwise, as RFC 7946 asks.
 */
#include <stdlib.h>

#include "geo_int.h"

/* Builds the MULTIPOINT of the n points; NULL when GEOS fails. */
static GEOSGeometry *multipoint(GEOSContextHandle_t h, const double *x, const double *y,
                                size_t n)
{
	GEOSGeometry **pts = calloc(n ? n : 1, sizeof(*pts)), *coll = NULL;
	size_t made = 0;

	if (!pts)
		return NULL;
	for (; made < n; made++)
		if (!(pts[made] = GEOSGeom_createPointFromXY_r(h, x[made], y[made])))
			goto out;
	coll = GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, pts, (unsigned)n);
	if (coll)
		made = 0; /* the collection owns the points now */
out:
	for (size_t i = 0; i < made; i++)
		GEOSGeom_destroy_r(h, pts[i]);
	free(pts);
	return coll;
}

/* Makes *poly's exterior ring counter-clockwise (replacing *poly if needed). */
static int counter_clockwise(GEOSContextHandle_t h, GEOSGeometry **poly)
{
	const GEOSGeometry *ring = GEOSGetExteriorRing_r(h, *poly);
	const GEOSCoordSequence *seq = ring ? GEOSGeom_getCoordSeq_r(h, ring) : NULL;
	GEOSGeometry *rev;
	char ccw = 0;

	if (!seq || !GEOSCoordSeq_isCCW_r(h, seq, &ccw))
		return GP_EFAULT;
	if (ccw)
		return 0;
	if (!(rev = GEOSReverse_r(h, *poly)))
		return GP_EFAULT;
	GEOSGeom_destroy_r(h, *poly);
	*poly = rev;
	return 0;
}

int gp_geo_hull_write_geojson(gp_geo *g, gp_buf *b, const double *x, const double *y,
                              size_t n, double pad, gp_crs to, int decimals,
                              double *out_area)
{
	GEOSContextHandle_t h = g->geos;
	GEOSGeometry *pts = NULL, *hull = NULL, *poly = NULL;
	GEOSWKBWriter *writer = NULL;
	unsigned char *wkb = NULL;
	size_t len = 0;
	double area = 0;
	int rc = GP_EFAULT;

	if (!n || n > (size_t)UINT32_MAX || !(pad > 0))
		return GP_INVALID;
	if (!(pts = multipoint(h, x, y, n)) || !(hull = GEOSConvexHull_r(h, pts)))
		goto out;
	if (GEOSGeomTypeId_r(h, hull) == GEOS_POLYGON && GEOSArea_r(h, hull, &area) &&
	    area >= pad * pad) {
		poly = hull;
		hull = NULL;
	} else if (!(poly = GEOSBuffer_r(h, hull, pad, 8))) {
		/* one spot or (nearly) one line: an outline pad wide has an area */
		goto out;
	}
	if (counter_clockwise(h, &poly))
		goto out;
	if (!GEOSArea_r(h, poly, &area))
		goto out;
	if (out_area)
		*out_area = area;
	if (!(writer = GEOSWKBWriter_create_r(h)))
		goto out;
	GEOSWKBWriter_setOutputDimension_r(h, writer, 2);
	GEOSWKBWriter_setByteOrder_r(h, writer, GEOS_WKB_NDR);
	if (!(wkb = GEOSWKBWriter_write_r(h, writer, poly, &len)))
		goto out;
	rc = gp_geo_wkb_write_geojson(g, b, wkb, len, to, decimals);
out:
	if (rc == GP_EFAULT)
		gp_log_error("GEOS cannot outline %zu points: %s", n, g->geos_error);
	if (wkb)
		GEOSFree_r(h, wkb);
	if (writer)
		GEOSWKBWriter_destroy_r(h, writer);
	if (poly)
		GEOSGeom_destroy_r(h, poly);
	if (hull)
		GEOSGeom_destroy_r(h, hull);
	if (pts)
		GEOSGeom_destroy_r(h, pts);
	return rc;
}
