/*
 * boundary.c — accepting a district boundary from an import file: read the
 * GeoJSON geometry, transform it to the storage CRS, insist on validity,
 * and hand back a MULTIPOLYGON as WKB.
 *
 * Invalid polygons are refused, never repaired silently: a planner must know
 * that the boundary they imported is not the one the city will use.
 */
#include <stdlib.h>
#include <string.h>

#include "geo_int.h"

typedef struct xform_ctx {
	gp_geo *geo;
	gp_crs from;
	int failed;
} xform_ctx;

static int xform(double *x, double *y, void *userdata)
{
	xform_ctx *c = userdata;

	if (gp_geo_transform(c->geo, c->from, GP_CRS_STORAGE, GP_AXIS_GIS, x, y, 1)) {
		c->failed = 1;
		return 0;
	}
	return 1;
}

int gp_geo_boundary_import(gp_geo *g, unsigned char **out_wkb, size_t *out_len,
                           const char *geojson, gp_crs from, gp_err *err)
{
	GEOSContextHandle_t h = g->geos;
	GEOSGeoJSONReader *reader = NULL;
	GEOSWKBWriter *writer = NULL;
	GEOSGeometry *in = NULL, *moved = NULL, *multi = NULL, *location = NULL;
	char *reason = NULL, *type_name = NULL;
	unsigned char *wkb;
	size_t len;
	int type, rc = GP_EFAULT;
	xform_ctx xc = { g, from, 0 };

	*out_wkb = NULL;
	*out_len = 0;
	if (!(reader = GEOSGeoJSONReader_create_r(h)))
		goto out;
	in = GEOSGeoJSONReader_readGeometry_r(h, reader, geojson);
	if (!in) {
		rc = gp_err_set(err, GP_INVALID, "geometry", "unreadable geometry: %s",
		                g->geos_error);
		goto out;
	}
	type = GEOSGeomTypeId_r(h, in);
	if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON) {
		/* GEOS hands out the type name as a copy of its own */
		type_name = GEOSGeomType_r(h, in);
		rc = gp_err_set(err, GP_INVALID, "geometry",
		                "a district must be a Polygon or MultiPolygon, not %s",
		                type_name ? type_name : "another type");
		goto out;
	}
	if (GEOSisEmpty_r(h, in) != 0) {
		rc = gp_err_set(err, GP_INVALID, "geometry", "the polygon is empty");
		goto out;
	}
	if (GEOSisValidDetail_r(h, in, 0, &reason, &location) != 1) {
		double x = 0, y = 0;
		if (location) {
			GEOSGeomGetX_r(h, location, &x);
			GEOSGeomGetY_r(h, location, &y);
		}
		rc = gp_err_set(err, GP_INVALID, "geometry",
		                "invalid polygon: %s near %.7g %.7g",
		                reason ? reason : "unknown reason", x, y);
		goto out;
	}
	moved = GEOSGeom_transformXY_r(h, in, xform, &xc);
	if (!moved || xc.failed) {
		rc = gp_err_set(err, GP_INVALID, "geometry",
		                "coordinates cannot be transformed from %s; is --crs right?",
		                gp_crs_code(from));
		goto out;
	}
	if (GEOSisValid_r(h, moved) != 1) {
		rc = gp_err_set(err, GP_INVALID, "geometry",
		                "the polygon becomes invalid in EPSG:25832");
		goto out;
	}
	if (type == GEOS_POLYGON) {
		GEOSGeometry *parts[1] = { moved };
		multi = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, 1);
		if (!multi)
			goto out;
		moved = NULL;
	} else {
		multi = moved;
		moved = NULL;
	}
	if (!(writer = GEOSWKBWriter_create_r(h)))
		goto out;
	GEOSWKBWriter_setOutputDimension_r(h, writer, 2);
	GEOSWKBWriter_setByteOrder_r(h, writer, GEOS_WKB_NDR);
	GEOSWKBWriter_setFlavor_r(h, writer, GEOS_WKB_ISO);
	wkb = GEOSWKBWriter_write_r(h, writer, multi, &len);
	if (!wkb)
		goto out;
	*out_wkb = malloc(len);
	if (!*out_wkb) {
		GEOSFree_r(h, wkb);
		rc = GP_ENOMEM;
		goto out;
	}
	memcpy(*out_wkb, wkb, len);
	*out_len = len;
	GEOSFree_r(h, wkb);
	rc = 0;
out:
	if (rc < 0 && err && !err->detail[0])
		gp_err_set(err, rc, "geometry", "GEOS failed: %s", g->geos_error);
	if (reason)
		GEOSFree_r(h, reason);
	if (type_name)
		GEOSFree_r(h, type_name);
	if (location)
		GEOSGeom_destroy_r(h, location);
	if (multi)
		GEOSGeom_destroy_r(h, multi);
	if (moved)
		GEOSGeom_destroy_r(h, moved);
	if (in)
		GEOSGeom_destroy_r(h, in);
	if (writer)
		GEOSWKBWriter_destroy_r(h, writer);
	if (reader)
		GEOSGeoJSONReader_destroy_r(h, reader);
	return rc;
}
