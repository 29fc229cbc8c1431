/*
 * api_int.h — helpers shared by the handlers in api/.
 */
#ifndef GP_API_INT_H
#define GP_API_INT_H

#include "api.h"
#include "core/core.h"
#include "query.h"

/*
 * The limits of the query parameters live here, not in their handlers,
 * because the OpenAPI description (openapi.c) states them too.
 */
#define API_LIMIT_DEFAULT 100
#define API_LIMIT_MAX 10000
#define API_NEARBY_RADIUS_DEFAULT 50
#define API_NEARBY_RADIUS_MAX 500
#define API_HOTSPOT_EPS_MAX 1000
#define API_HOTSPOT_MIN_POINTS_MAX 1000

/* The parsed query of any point listing. */
typedef struct api_point_query {
	gp_point_filter filter;
	gp_crs crs;
	gp_api_area area;
	char since[GP_TIME_LEN], until[GP_TIME_LEN];
	int staff; /* the staff view: notes, flag counts, any status */
} api_point_query;

#define API_POINT_PARAMS "bbox category district topic channel since until limit offset crs"

/*
 * Parses the listing parameters into q; the filter admits published points
 * only.  Unknown district/topic, malformed bbox/since/until, limit outside
 * 1..10000 → GP_BAD_REQUEST naming the parameter.
 */
int api_point_query_parse(gp_http_exchange *x, gp_worker *w, api_point_query *q,
                          gp_err *err);

/*
 * Who is asking: a citizen (no Authorization header) or a staff token of at
 * least `min_role`.  GP_UNAUTHORIZED without a valid token where one is
 * needed, GP_FORBIDDEN for a role below min_role, GP_TOO_MANY after repeated
 * failures.  Authenticated responses are marked private (no-store).
 */
int api_actor(gp_http_exchange *x, gp_worker *w, gp_role min_role, gp_actor *out,
              gp_err *err);
/* "minlon,minlat,maxlon,maxlat" in CRS84 → out; GP_BAD_REQUEST naming bbox. */
int api_parse_bbox(const char *v, gp_bbox *out, gp_err *err);

/* The optional category parameter: a gp_category, or -1 when absent. */
int api_category_param(gp_http_exchange *x, int *out, gp_err *err);

/* The optional district parameter, checked to exist; NULL when absent. Borrowed from x. */
int api_district_param(gp_http_exchange *x, gp_worker *w, const char **out, gp_err *err);

/*
 * The optional since and until parameters (RFC 3339 date or date-time, both
 * inclusive; an until date means the end of that day) into the buffers and
 * f->since / f->until.  GP_BAD_REQUEST naming the parameter when malformed
 * or when until lies before since.
 */
int api_time_range_params(gp_http_exchange *x, char since[GP_TIME_LEN],
                          char until[GP_TIME_LEN], gp_point_filter *f, gp_err *err);

/* limit (1–10000) and offset (≥ 0) when present; the outputs keep their defaults otherwise. */
int api_page_params(gp_http_exchange *x, int64_t *limit, int64_t *offset, gp_err *err);

/*
 * Writes one link object {"rel","type","href"} to the current URL with
 * `offset` replaced (offset < 0: unchanged), preceded by a comma unless first.
 */
void api_put_link(gp_http_exchange *x, gp_buf *b, const char *rel, int64_t offset,
                  int first);



/* Periods and rate limits for a citizen's write; sets Retry-After on 429. */
int api_citizen_write(gp_http_exchange *x, gp_worker *w, const gp_actor *a, gp_err *err);

/* The {id} path capture as a point id; GP_NOT_FOUND when it is not one. */
int api_point_id(gp_http_exchange *x, int64_t *out, gp_err *err);

/* Answers with one point as a Feature; status < 0 admits any status. */
int api_write_point(gp_http_exchange *x, gp_worker *w, int64_t id, int status, gp_crs crs,
                    int staff, gp_err *err);

/* Writes one point as a Feature (staff view when asked); for callbacks. */
int api_put_point(gp_worker *w, gp_buf *b, const gp_point *p, gp_crs crs, int staff,
                  const char *crs_uri);


/*
 * Answers a listing: FeatureCollection with numberMatched, numberReturned,
 * timeStamp, self/next/prev links, and the matching points.
 */
int api_point_listing(gp_http_exchange *x, gp_worker *w, const api_point_query *q,
                      gp_err *err);

#endif
