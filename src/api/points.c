/*
 * points.c — /api/points: a citizen's new point, listings, one point.
 */
#include <stdio.h>
#include <string.h>

#include "api_int.h"

typedef struct feature_ctx {
	gp_worker *w;
	gp_buf *b;
	gp_crs crs;
} feature_ctx;

static int put_single(void *ctx, const gp_point *p)
{
	feature_ctx *fc = ctx;
	double c0, c1;
	int rc;

	if ((rc = gp_api_point_coords(fc->w, p, fc->crs, &c0, &c1)))
		return rc < 0 ? rc : GP_EFAULT;
	gp_json_point_feature(fc->b, p, c0, c1, gp_crs_decimals(fc->crs),
	                      gp_api_crs_member_uri(fc->crs));
	gp_buf_putc(fc->b, '\n');
	return gp_buf_status(fc->b);
}

/* Writes one point as a Feature; status < 0 admits any status. */
static int write_point(gp_http_exchange *x, gp_worker *w, int64_t id, int status,
                       gp_crs crs, gp_err *err)
{
	feature_ctx fc = { w, gp_http_out(x), crs };
	int rc;

	rc = gp_store_point_get(gp_worker_store(w), id, status, put_single, &fc);
	if (rc == GP_NOT_FOUND)
		return gp_err_set(err, GP_NOT_FOUND, "id", "no published point %lld",
		                  (long long)id);
	if (rc)
		return rc;
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	gp_api_content_crs(x, crs);
	return 0;
}

static int parse_id(gp_http_exchange *x, int64_t *out, gp_err *err)
{
	const char *v = gp_http_arg(x, "id");

	if (!v || v[0] == '+' || v[0] == '-' || gp_parse_i64(out, v, 1, INT64_MAX))
		return gp_err_set(err, GP_NOT_FOUND, "id", "no point with id \"%.40s\"", v ? v : "");
	return 0;
}

static int post_point(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_point_input in;
	gp_crs crs;
	int64_t id = 0;
	size_t len;
	const char *body = gp_http_body(x, &len);
	char location[64];
	int rc;

	if ((rc = gp_api_crs_param(x, "crs", &crs, err)))
		return rc;
	if ((rc = gp_json_point_input_decode(&in, body, len, err)))
		return rc;
	rc = gp_core_point_submit(w, &in, crs, &id, err);
	gp_point_input_clear(&in);
	if (rc)
		return rc;
	if ((rc = write_point(x, w, id, -1, crs, err)))
		return rc;
	snprintf(location, sizeof(location), "/api/points/%lld", (long long)id);
	gp_http_add_header(x, "Location", location);
	gp_http_set_status(x, 201);
	return 0;
}

static int get_points(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	api_point_query q;
	int rc;

	if ((rc = api_point_query_parse(x, w, &q, err)))
		return rc;
	return api_point_listing(x, w, &q, err);
}

static int get_point(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_crs crs;
	int64_t id;
	int rc;

	if ((rc = parse_id(x, &id, err)) || (rc = gp_api_crs_param(x, "crs", &crs, err)))
		return rc;
	return write_point(x, w, id, GP_STATUS_PUBLISHED, crs, err);
}

const gp_http_route gp_api_point_routes[] = {
	{ "POST", "/api/points", post_point, "crs", GP_HTTP_JSON_BODY, GP_API_BODY_MAX },
	{ "GET", "/api/points", get_points, API_POINT_PARAMS, GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/points/{id}", get_point, "crs", GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
