/*
 * openapi.c — GET /api/openapi.json: the OpenAPI 3.0 description of the
 * JSON API under /api.  The document is src/api/openapi.json, a template
 * compiled into the binary; what depends on this server (its URL, the
 * topics, the districts, configured defaults) and the limits the handlers
 * apply are filled in per request, so the document cannot drift from them.
 *
 * Also the list of /api's route tables: the server serves exactly these,
 * and tests/unit/api checks that the description covers exactly their
 * routes, methods, query parameters and bodies.
 *
 * Must never: describe a route, parameter or limit from memory — the route
 * tables and the constants in api_int.h are the truth.
 */
#include <string.h>

#include "api_int.h"
#include "cluster/cluster.h" /* GP_CLUSTER_ZOOM_MAX */
#include "geopart/embed.h"

extern const gp_embedded gp_api_openapi[];

static int is(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && strncmp(name, s, len) == 0;
}

/* The values of /api's placeholders (SERVER is http/'s). */
static int put_api(void *ctx, gp_buf *b, const char *name, size_t len)
{
	gp_worker *w = ctx;
	const gp_config *cfg = gp_worker_config(w);

	if (is(name, len, "TOPICS"))
		return gp_read_put_topic_ids(gp_worker_read(w), b);
	if (is(name, len, "DISTRICTS"))
		return gp_read_put_district_ids(gp_worker_read(w), b);
	if (is(name, len, "LIMIT_MAX"))
		gp_buf_put_i64(b, API_LIMIT_MAX);
	else if (is(name, len, "LIMIT_DEFAULT"))
		gp_buf_put_i64(b, API_LIMIT_DEFAULT);
	else if (is(name, len, "ZOOM_MAX"))
		gp_buf_put_i64(b, GP_CLUSTER_ZOOM_MAX);
	else if (is(name, len, "RADIUS_MAX"))
		gp_buf_put_i64(b, API_NEARBY_RADIUS_MAX);
	else if (is(name, len, "RADIUS_DEFAULT"))
		gp_buf_put_i64(b, API_NEARBY_RADIUS_DEFAULT);
	else if (is(name, len, "EPS_MAX"))
		gp_buf_put_i64(b, API_HOTSPOT_EPS_MAX);
	else if (is(name, len, "EPS_DEFAULT"))
		gp_buf_put_i64(b, cfg->hotspot_eps_m);
	else if (is(name, len, "MIN_POINTS_MAX"))
		gp_buf_put_i64(b, API_HOTSPOT_MIN_POINTS_MAX);
	else if (is(name, len, "MIN_POINTS_DEFAULT"))
		gp_buf_put_i64(b, cfg->hotspot_min_points);
	else if (is(name, len, "COMMENT_MAX"))
		gp_buf_put_i64(b, GP_COMMENT_MAX_CHARS);
	else
		return GP_NOT_FOUND;
	return gp_buf_status(b);
}

static int get_openapi(gp_http_exchange *x, gp_err *err)
{
	(void)err;
	return gp_http_answer_template(x, (const char *)gp_api_openapi[0].data, GP_OPENAPI_TYPE,
	                               "/api", put_api, gp_http_worker(x));
}

const gp_http_route gp_api_openapi_routes[] = {
	{ "GET", "/api/openapi.json", get_openapi, NULL, GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};

const gp_http_route *const gp_api_tables[] = {
	gp_api_point_routes, gp_api_moderation_routes, gp_api_district_routes,
	gp_api_ops_routes, gp_api_export_routes, gp_api_cluster_routes,
	gp_api_hotspot_routes, gp_api_nearby_routes, gp_api_openapi_routes, gp_api_survey_routes,
	gp_api_workspace_routes, gp_api_live_routes, NULL
};
