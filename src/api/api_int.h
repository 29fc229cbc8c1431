/*
 * api_int.h — helpers shared by the handlers in api/.
 */
#ifndef GP_API_INT_H
#define GP_API_INT_H

#include "api.h"
#include "core/core.h"
#include "query.h"

#define API_LIMIT_DEFAULT 100
#define API_LIMIT_MAX 10000

/* The parsed query of any point listing. */
typedef struct api_point_query {
	gp_point_filter filter;
	gp_crs crs;
	gp_api_area area;
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

/*
 * Answers a listing: FeatureCollection with numberMatched, numberReturned,
 * timeStamp, self/next/prev links, and the matching points.
 */
int api_point_listing(gp_http_exchange *x, gp_worker *w, const api_point_query *q,
                      gp_err *err);

#endif
