/*
 * boundary.c — fuzz target: a district boundary file (GeoJSON
 * FeatureCollection) through the reader of geopart import-districts and,
 * for each feature, the validation and transformation of its geometry with
 * GEOS and PROJ, and the writer that serves it again as GeoJSON.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "geo/geo.h"
#include "geopart/crs.h"
#include "json/json.h"

static gp_geo *geo;

static void clear(void)
{
	gp_geo_free(geo);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (gp_geo_new(&geo))
		abort();
	atexit(clear);
	return 0;
}

static int one_feature(void *ctx, const gp_json_boundary *b, gp_err *err)
{
	const gp_crs *crs = ctx;
	unsigned char *wkb = NULL;
	size_t len = 0;

	if (gp_geo_boundary_import(geo, &wkb, &len, b->geometry, *crs, err) == 0) {
		gp_buf out;
		gp_buf_init(&out, 1 << 20);
		gp_geo_wkb_write_geojson(geo, &out, wkb, len, GP_CRS_CRS84, 7);
		gp_buf_free(&out);
	}
	free(wkb);
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	/* coordinates as CRS84 or, for inputs of odd length, as EPSG:25832 */
	gp_crs crs = size % 2 ? GP_CRS_STORAGE : GP_CRS_CRS84;
	char *crs_name = NULL;
	gp_err err;

	gp_json_boundaries_read((const char *)data, size, "id", "name", &crs_name, one_feature,
	                        &crs, &err);
	free(crs_name);
	return 0;
}
