/*
 * bbox.h — an axis-aligned box in one CRS, as queries pass it around.
 */
#ifndef GEOPART_BBOX_H
#define GEOPART_BBOX_H

typedef struct gp_bbox {
	double minx, miny, maxx, maxy;
} gp_bbox;

#endif
