/*
 * geo_int.h — what the files of geo/ share and nobody else may see.
 */
#ifndef GP_GEO_INT_H
#define GP_GEO_INT_H

#include <geos_c.h>
#include <proj.h>

#include "geo.h"

struct gp_geo {
	PJ_CONTEXT *proj;
	GEOSContextHandle_t geos;
	/* [from][to][axis], created on first use */
	PJ *ops[GP_CRS_COUNT][GP_CRS_COUNT][2];
	char geos_error[256];
};

/* The cached transformation, created on first use; NULL when PROJ fails. */
PJ *gp_geo_op(gp_geo *g, gp_crs from, gp_crs to, gp_axis axis);

#endif
