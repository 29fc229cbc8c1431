/*
 * crs.h — the coordinate reference systems geopart speaks.
 *
 * Axis order always follows the CRS authority: CRS84 is lon/lat, EPSG:4326
 * is lat/lon, EPSG:31467 is northing/easting, EPSG:25832 and EPSG:3857 are
 * easting/northing.  GeoJSON without a crs parameter is CRS84.
 */
#ifndef GEOPART_CRS_H
#define GEOPART_CRS_H

typedef enum gp_crs {
	GP_CRS_CRS84 = 0,
	GP_CRS_EPSG25832, /* storage CRS */
	GP_CRS_EPSG4326,
	GP_CRS_EPSG3857,
	GP_CRS_EPSG31467,
	GP_CRS_COUNT
} gp_crs;

#define GP_CRS_STORAGE GP_CRS_EPSG25832

/*
 * Parses "CRS84", "OGC:CRS84", "EPSG:25832", an OGC URI such as
 * http://www.opengis.net/def/crs/EPSG/0/25832, or a bare EPSG number.
 * Returns 0 and sets *out, or GP_INVALID for anything else.
 */
int gp_crs_parse(gp_crs *out, const char *s);

/* "EPSG:25832", "OGC:CRS84", … (what PROJ understands). */
const char *gp_crs_code(gp_crs c);
/* The OGC URI, e.g. http://www.opengis.net/def/crs/OGC/1.3/CRS84. */
const char *gp_crs_uri(gp_crs c);
/* The EPSG code; 0 for CRS84, which has none. */
int gp_crs_epsg(gp_crs c);
/* Decimal places that keep 0.1 mm: 4 for metres, 9 for degrees. */
int gp_crs_decimals(gp_crs c);
/* 1 when coordinates are degrees (CRS84, EPSG:4326). */
int gp_crs_is_geographic(gp_crs c);

#endif
