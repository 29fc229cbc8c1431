/*
 * geo.h — coordinates and geometry: PROJ transformations between the CRSs
 * geopart speaks, the district index (GEOS prepared polygons in STRtrees),
 * district boundary validation for imports, the simplification of a
 * layer's outlines per zoom, and WKB → GeoJSON output.
 *
 * Threading: a gp_geo owns one PROJ context and one GEOS context and must
 * be used by one thread at a time; everything made from it (a
 * gp_geo_districts, transforms) shares that rule.  The thread may change
 * between uses when the hand-over is ordered (each database worker has its
 * own gp_geo and is lent to one request at a time, under a mutex).
 *
 * Must never: touch the database, parse HTTP, or let two threads use PROJ/GEOS
 * objects at once.  This is the only module that includes proj.h/geos_c.h.
 */
#ifndef GP_GEO_H
#define GP_GEO_H

#include <stddef.h>

#include "geopart/bbox.h"
#include "geopart/crs.h"
#include "geopart/district.h"
#include "util/util.h"

typedef struct gp_geo gp_geo;
typedef struct gp_geo_districts gp_geo_districts;

/*
 * Creates a geo context, for one thread at a time (any thread, one after
 * another).  Caller owns it, free with gp_geo_free().
 */
int gp_geo_new(gp_geo **out);
void gp_geo_free(gp_geo *g);

/*
 * Axis order of coordinates handed to a transform: GP_AXIS_AUTHORITY follows
 * each CRS's definition (EPSG:4326 lat/lon); GP_AXIS_GIS is always
 * east/north (what GeoJSON files and GIS exports carry).
 */
typedef enum gp_axis { GP_AXIS_AUTHORITY = 0, GP_AXIS_GIS = 1 } gp_axis;

/*
 * Transforms n coordinates in place: a[i] is the first axis, b[i] the
 * second.  Returns 0, or GP_INVALID when any result is not finite (the input
 * lies outside where the CRS is defined); the arrays are then undefined.
 */
int gp_geo_transform(gp_geo *g, gp_crs from, gp_crs to, gp_axis axis,
                     double *a, double *b, size_t n);

/*
 * Transforms a bounding box (authority axis order for both CRSs, given as
 * minx/miny/maxx/maxy of the first and second axis), densifying the edges
 * so the result encloses the whole input box.  Returns 0 or GP_INVALID.
 */
int gp_geo_transform_bbox(gp_geo *g, gp_crs from, gp_crs to,
                          const gp_bbox *in, gp_bbox *out);

/*
 * The opposite bound: an axis-aligned box in `to` that lies wholly inside
 * the image of the box `in` (both in GIS axis order, east/north first),
 * shrunk by `margin` units of `to`.  Used to find grid cells whose points
 * certainly lie inside a box given in another CRS.  Returns 0, or
 * GP_INVALID when no such box is left (a box too thin, or outside the CRS).
 */
int gp_geo_transform_bbox_inner(gp_geo *g, gp_crs from, gp_crs to,
                                const gp_bbox *in, double margin, gp_bbox *out);

/*
 * Writes a WKB geometry (Point, Polygon or MultiPolygon, 2D, in the storage
 * CRS) as a GeoJSON geometry object in CRS `to` (authority axis order) with
 * `decimals` places.  Returns 0, GP_INVALID for WKB it cannot read, or a
 * buffer/transform failure.
 */
int gp_geo_wkb_write_geojson(gp_geo *g, gp_buf *b, const unsigned char *wkb,
                             size_t len, gp_crs to, int decimals);

/*
 * Measures a WKB geometry (storage CRS) in CRS `to`, authority axis order:
 * sets *out_extent to its bounding box and, when box is not NULL,
 * *out_intersects to whether it shares any point with that box (exactly,
 * after transforming every vertex).  Returns 0, GP_INVALID for WKB GEOS
 * cannot read, or a transform/GEOS failure.
 */
int gp_geo_wkb_measure(gp_geo *g, const unsigned char *wkb, size_t len, gp_crs to,
                       const gp_bbox *box, gp_bbox *out_extent, int *out_intersects);

/* The area of a WKB geometry (storage CRS) in m²; GP_INVALID for WKB GEOS cannot read. */
int gp_geo_wkb_area(gp_geo *g, const unsigned char *wkb, size_t len, double *out);

/*
 * Turns a GeoJSON geometry text (Polygon or MultiPolygon, GIS axis order,
 * in CRS `from`) into a valid MULTIPOLYGON in the storage CRS as ISO WKB.
 * Refuses with GP_INVALID and a clear reason: other types, empty, invalid
 * rings (with where), coordinates the CRS cannot transform.  Caller owns
 * *out_wkb, free with free().
 */
int gp_geo_boundary_import(gp_geo *g, unsigned char **out_wkb, size_t *out_len,
                           const char *geojson, gp_crs from, gp_err *err);

/*
 * Writes the convex hull of n storage-CRS points as a GeoJSON Polygon in
 * CRS `to` (authority axis order, exterior ring counter-clockwise) with
 * `decimals` places, and its area in m² to *out_area (may be NULL).  When
 * the points lie on one spot or (nearly) one line — a hull smaller than
 * pad² — the polygon is the hull buffered by `pad` metres, so every
 * outline has a visible area.  Returns 0, GP_INVALID for
 * n = 0 or pad ≤ 0, GP_EFAULT when GEOS fails, or a buffer/transform
 * failure.  Borrows x and y for the call.
 */
int gp_geo_hull_write_geojson(gp_geo *g, gp_buf *b, const double *x, const double *y,
                              size_t n, double pad, gp_crs to, int decimals,
                              double *out_area);

/*
 * Simplifies the n outlines of one layer (WKB Polygon/MultiPolygon, storage
 * CRS) together with the Douglas-Peucker `tolerance` in metres, keeping
 * their topology: each boundary two districts share is simplified once, so
 * neighbours still share it vertex for vertex (no gaps, no overlaps).
 * Writes n MULTIPOLYGON WKBs, each valid, to out_wkb/out_len (caller owns
 * each, free with free()).  Returns 0; GP_INVALID when a WKB cannot be
 * read or the result would not be valid or lose a district (nothing
 * written: keep the full outlines); GP_EFAULT when GEOS fails; GP_ENOMEM.
 * Borrows wkb for the call.
 */
int gp_geo_simplify_layer(gp_geo *g, const unsigned char *const *wkb, const size_t *len,
                          size_t n, double tolerance, unsigned char **out_wkb,
                          size_t *out_len);

/* ---- district index ---------------------------------------------------- */

/*
 * Builds the index over both layers.  The city outline is the union of the
 * Ortsbezirke with interior gaps filled.  Returns 0, GP_INVALID when a WKB
 * cannot be read.  Borrows nothing from src.  Used like g: by one thread at
 * a time.  Caller owns *out, free with gp_geo_districts_free() before
 * freeing g.
 */
int gp_geo_districts_new(gp_geo_districts **out, gp_geo *g,
                         const gp_district_src *src, size_t n);
void gp_geo_districts_free(gp_geo_districts *d);

typedef struct gp_geo_assignment {
	int in_city;
	int index[GP_LAYER_COUNT]; /* into the district list; -1 for none */
} gp_geo_assignment;

/*
 * Assigns a storage-CRS point.  A point covered by a district's polygon gets
 * that district (the one listed first if boundaries touch); a point inside
 * the city but in a gap of a layer gets that layer's nearest district, so
 * every point in the city has both.  Outside the city both are -1, unless
 * `nearest_outside` is set (used when boundaries change under stored
 * points): then they get the nearest districts too.
 * Returns 0 or GP_EFAULT when GEOS fails.
 */
int gp_geo_districts_assign(const gp_geo_districts *d, double x, double y,
                            int nearest_outside, gp_geo_assignment *out);

size_t gp_geo_districts_count(const gp_geo_districts *d);
/* Borrowed, valid until gp_geo_districts_free(). */
const char *gp_geo_districts_id(const gp_geo_districts *d, int index);
const char *gp_geo_districts_name(const gp_geo_districts *d, int index);
gp_layer gp_geo_districts_layer(const gp_geo_districts *d, int index);
/* Bounding box of the city in the storage CRS. */
gp_bbox gp_geo_districts_city_bbox(const gp_geo_districts *d);
/* Area of the city outline in m². */
double gp_geo_districts_city_area(const gp_geo_districts *d);

#endif
