/*
 * api_int.h — helpers shared by the handlers in api/.
 */
#ifndef GP_API_INT_H
#define GP_API_INT_H

#include "api.h"
#include "core/core.h"

#define API_LIMIT_DEFAULT 100
#define API_LIMIT_MAX 10000

/* The parsed query of any point listing. */
typedef struct api_point_query {
	gp_point_filter filter;
	gp_crs crs;
	char since[GP_TIME_LEN];
} api_point_query;

#define API_POINT_PARAMS "bbox category district topic since limit offset crs"

/*
 * Parses the listing parameters into q; the filter admits published points
 * only.  Unknown district/topic, malformed bbox/since, limit outside
 * 1..10000 → GP_BAD_REQUEST naming the parameter.
 */
int api_point_query_parse(gp_http_exchange *x, gp_worker *w, api_point_query *q,
                          gp_err *err);

/* "minlon,minlat,maxlon,maxlat" in CRS84 → out; GP_BAD_REQUEST naming bbox. */
int api_parse_bbox(const char *v, gp_bbox *out, gp_err *err);

/* The optional category parameter: a gp_category, or -1 when absent. */
int api_category_param(gp_http_exchange *x, int *out, gp_err *err);

/* The optional district parameter, checked to exist; NULL when absent. Borrowed from x. */
int api_district_param(gp_http_exchange *x, gp_worker *w, const char **out, gp_err *err);

/* limit (1–10000) and offset (≥ 0) when present; the outputs keep their defaults otherwise. */
int api_page_params(gp_http_exchange *x, int64_t *limit, int64_t *offset, gp_err *err);

/*
 * Writes one link object {"rel","type","href"} to the current URL with
 * `offset` replaced (offset < 0: unchanged), preceded by a comma unless first.
 */
void api_put_link(gp_http_exchange *x, gp_buf *b, const char *rel, int64_t offset,
                  int first);

/* Parses the optional crs parameter (default CRS84). */
int api_crs_param(gp_http_exchange *x, gp_crs *out, gp_err *err);

/* Point coordinates in the output CRS's axis order. */
int api_point_coords(gp_worker *w, const gp_point *p, gp_crs crs, double *c0,
                     double *c1);

/* Sets the Content-Crs header (also for the CRS84 default). */
void api_content_crs(gp_http_exchange *x, gp_crs crs);
/* The URI for the legacy crs member, or NULL for CRS84 (RFC 7946). */
const char *api_crs_member_uri(gp_crs crs);

/*
 * Answers a listing: FeatureCollection with numberMatched, numberReturned,
 * timeStamp, self/next/prev links, and the matching points.
 */
int api_point_listing(gp_http_exchange *x, gp_worker *w, const api_point_query *q,
                      gp_err *err);

#endif
