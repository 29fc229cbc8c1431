/*
 * point.c — fuzz target: a citizen's POST body through the GeoJSON point
 * decoder, the member path finder its errors use, and the judging that
 * needs no database (values, staff-only fields, the transformation into
 * EPSG:25832), for a citizen in CRS84 and for staff in EPSG:25832.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/core.h"
#include "fuzz.h"
#include "geo/geo.h"
#include "json/json.h"

static gp_config cfg;
static gp_geo *geo;

static void clear(void)
{
	gp_geo_free(geo);
	gp_config_clear(&cfg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (gp_config_defaults(&cfg) || gp_geo_new(&geo))
		abort();
	atexit(clear);
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *text = (const char *)data;
	gp_point_input in;
	gp_actor citizen = { .role = GP_ROLE_CITIZEN }, staff = { .role = GP_ROLE_PLANNER };
	gp_point p;
	gp_err err;
	char path[64];

	if (gp_json_point_input_decode(&in, text, size, &err) == 0) {
		memset(&p, 0, sizeof(p));
		gp_core_point_judge(&cfg, geo, &in, GP_CRS_CRS84, &citizen, &p, &err);
		memset(&p, 0, sizeof(p));
		gp_core_point_judge(&cfg, geo, &in, GP_CRS_EPSG25832, &staff, &p, &err);
	}
	gp_point_input_clear(&in);
	for (size_t off = 0; off < size && off < 4096; off += 1 + off / 64)
		gp_json_path_at(path, sizeof(path), text, size, off);
	return 0;
}
