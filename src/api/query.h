/*
 * query.h — the query parameters that /api and /ogc share: CRS names,
 * bounding boxes in any supported CRS, the point filters (category, topic,
 * district), and a point's coordinates in an output CRS.
 *
 * A bounding box becomes the spatial part of a store filter: an exact test
 * (CRS84 lon/lat, storage x/y, or a callback for CRSs the table has no
 * columns for) plus the grid boxes that make it fast (see store.h).
 *
 * Must never: choose HTTP statuses (errors are result codes with the
 * parameter's name), write SQL, or include civetweb.h.
 */
#ifndef GP_API_QUERY_H
#define GP_API_QUERY_H

#include "core/core.h"
#include "http/http.h"

/*
 * Parses the optional CRS parameter `name` ("crs", "bbox-crs"); absent
 * means CRS84.  GP_BAD_REQUEST naming the parameter for anything else.
 */
int gp_api_crs_param(gp_http_exchange *x, const char *name, gp_crs *out, gp_err *err);

/* A point's coordinates in `crs`, in that CRS's authority axis order. */
int gp_api_point_coords(gp_worker *w, const gp_point *p, gp_crs crs, double *c0,
                        double *c1);

/* Sets the Content-Crs header (also for the CRS84 default). */
void gp_api_content_crs(gp_http_exchange *x, gp_crs crs);
/* The URI for the legacy GeoJSON crs member, or NULL for CRS84 (RFC 7946). */
const char *gp_api_crs_member_uri(gp_crs crs);

/*
 * A bounding box as the store tests it.  Holds what the exact test of a box
 * in EPSG:31467 needs (the store calls back with storage coordinates), so
 * it must outlive every query made with the filter it filled.
 */
typedef struct gp_api_area {
	gp_geo *geo;
	gp_crs crs;
	gp_bbox box; /* in crs, authority axis order */
} gp_api_area;

/*
 * Parses a bbox value — four numbers (or six, whose heights are ignored:
 * points have none), in the authority axis order of `crs` — into the
 * spatial part of f.  Points on the edge are inside.  GP_BAD_REQUEST
 * naming "bbox" for a malformed, inverted (also across the antimeridian) or
 * out-of-range box.  Borrows area for as long as f is used.
 */
int gp_api_bbox_parse(gp_worker *w, const char *value, gp_crs crs, gp_api_area *area,
                      gp_point_filter *f, gp_err *err);

/*
 * Parses the parameters category, topic and district into f (each only when
 * present).  GP_BAD_REQUEST naming the parameter for unknown values.  The
 * strings stay borrowed from the exchange.
 */
int gp_api_point_filters(gp_http_exchange *x, gp_worker *w, gp_point_filter *f,
                         gp_err *err);

/*
 * Writes a district as a GeoJSON Feature in `crs` (authority axis order),
 * left open after its properties so the caller may add members.  With
 * crs_member the Feature names a non-CRS84 CRS in the legacy crs member
 * (for a Feature that stands alone).  The id is the district id
 * ("ob-3"), or with short_id its part after the prefix, as a number when
 * it is one (OGC API feature ids).
 */
int gp_api_district_feature_open(gp_worker *w, gp_buf *b, const gp_store_district_row *row,
                                 gp_crs crs, int crs_member, int short_id);

#endif
