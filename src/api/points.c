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
	int staff;
} feature_ctx;

static int put_single(void *ctx, const gp_point *p)
{
	feature_ctx *fc = ctx;
	int rc = api_put_point(fc->w, fc->b, p, fc->crs, fc->staff, gp_api_crs_member_uri(fc->crs));

	gp_buf_putc(fc->b, '\n');
	return rc ? rc : gp_buf_status(fc->b);
}

int api_write_point(gp_http_exchange *x, gp_worker *w, int64_t id, int status, gp_crs crs,
                    int staff, gp_err *err)
{
	feature_ctx fc = { w, gp_http_out(x), crs, staff };
	int rc;

	rc = gp_store_point_get(gp_worker_store(w), id, status, put_single, &fc);
	if (rc == GP_NOT_FOUND)
		return gp_err_set(err, GP_NOT_FOUND, "id", "no %spoint %lld",
		                  status == GP_STATUS_PUBLISHED ? "published " : "", (long long)id);
	if (rc)
		return rc;
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	gp_api_content_crs(x, crs);
	return 0;
}

int api_point_id(gp_http_exchange *x, int64_t *out, gp_err *err)
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
	gp_submitted stored;
	gp_actor actor;
	gp_crs crs;
	size_t len;
	const char *body = gp_http_body(x, &len);
	char location[64];
	int rc, discarded = 0;

	if ((rc = api_actor(x, w, GP_ROLE_CITIZEN, &actor, err)) ||
	    (rc = api_citizen_write(x, w, &actor, err)))
		return rc;
	if ((rc = gp_api_crs_param(x, "crs", &crs, err)))
		return rc;
	if ((rc = gp_json_point_input_decode(&in, body, len, err)))
		return rc;
	rc = gp_core_point_submit(w, &in, crs, &actor, &stored, &discarded, err);
	if (!rc && discarded) {
		/* No error naming the check it failed (honeypot or form time),
		 * so a bot learns nothing to adjust; nothing was stored. */
		gp_buf_puts(gp_http_out(x), "{\"status\":\"received\"}\n");
		gp_http_set_status(x, 202);
	} else if (!rc) {
		/* The stored point as committed: no need to read it back. */
		rc = api_put_point(w, gp_http_out(x), &stored.point, crs,
		                   actor.role != GP_ROLE_CITIZEN, gp_api_crs_member_uri(crs));
		gp_buf_putc(gp_http_out(x), '\n');
	}
	gp_point_input_clear(&in);
	if (rc || discarded)
		return rc;
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	gp_api_content_crs(x, crs);
	snprintf(location, sizeof(location), "/api/points/%lld", (long long)stored.point.id);
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

	if ((rc = api_point_id(x, &id, err)) || (rc = gp_api_crs_param(x, "crs", &crs, err)))
		return rc;
	return api_write_point(x, w, id, GP_STATUS_PUBLISHED, crs, 0, err);
}

const gp_http_route gp_api_point_routes[] = {
	{ "POST", "/api/points", post_point, "crs", GP_HTTP_JSON_BODY, GP_API_BODY_MAX },
	{ "GET", "/api/points", get_points, API_POINT_PARAMS, GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/points/{id}", get_point, "crs", GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
