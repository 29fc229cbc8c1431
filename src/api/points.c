/*
 * points.c — /api/points: a citizen's new point, listings, one point.
 * Listings and single points are public: they show what a citizen sees,
 * whoever asks.
 */
#include <stdio.h>
#include <string.h>

#include "api_int.h"

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
	if ((rc = api_crs(x, "crs", &crs, err)))
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
		double c0 = stored.point.lon, c1 = stored.point.lat;
		if (!(rc = gp_read_coords(gp_worker_read(w), &stored.point, crs, &c0, &c1))) {
			api_put_point(gp_http_out(x), &stored.point, c0, c1, crs,
			              actor.role != GP_ROLE_CITIZEN, api_crs_member_uri(crs));
			gp_buf_putc(gp_http_out(x), '\n');
			rc = gp_buf_status(gp_http_out(x));
		}
	}
	gp_point_input_clear(&in);
	if (rc || discarded)
		return rc;
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	api_content_crs(x, crs);
	snprintf(location, sizeof(location), "/api/points/%lld", (long long)stored.point.id);
	gp_http_add_header(x, "Location", location);
	gp_http_set_status(x, 201);
	return 0;
}

static int get_points(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	gp_read_query q;
	int rc;

	if ((rc = api_point_query(x, gp_worker_read(w), &vis, &q, err)))
		return rc;
	return api_point_listing(x, gp_worker_read(w), &q, err);
}

static int get_point(gp_http_exchange *x, gp_err *err)
{
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	gp_crs crs;
	int64_t id;
	int rc;

	if ((rc = api_point_id(x, &id, err)) || (rc = api_crs(x, "crs", &crs, err)))
		return rc;
	return api_write_point(x, gp_http_worker(x), &vis, id, crs, err);
}

const gp_http_route gp_api_point_routes[] = {
	{ "POST", "/api/points", post_point, "crs", GP_HTTP_JSON_BODY, GP_API_BODY_MAX },
	{ "GET", "/api/points", get_points, API_POINT_PARAMS, GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/points/{id}", get_point, "crs", GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
