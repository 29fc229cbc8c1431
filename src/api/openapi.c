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
#include "geopart/embed.h"
#include "openapi.h"

extern const gp_embedded gp_api_openapi[];

static int is(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && strncmp(name, s, len) == 0;
}

typedef struct fill_ctx {
	gp_http_exchange *x;
	const char *base_path;
	gp_buf_fill_fn put;
	void *ctx;
} fill_ctx;

typedef struct ids_ctx {
	gp_buf *b;
	int n;
} ids_ctx;

static int put_district_id(void *ctx, const gp_store_district_row *row)
{
	ids_ctx *ic = ctx;

	if (ic->n++)
		gp_buf_putc(ic->b, ',');
	gp_json_put_str(ic->b, row->id);
	return 0;
}

static int put_shared(void *ctx, gp_buf *b, const char *name, size_t len)
{
	fill_ctx *fc = ctx;
	gp_worker *w = gp_http_worker(fc->x);
	const gp_config *cfg = gp_worker_config(w);
	int rc;

	if (is(name, len, "SERVER")) {
		gp_buf url;
		gp_buf_init(&url, 4096);
		gp_http_base_url(fc->x, &url);
		gp_buf_puts(&url, fc->base_path);
		gp_json_put_str(b, gp_buf_cstr(&url));
		gp_buf_free(&url);
	} else if (is(name, len, "TOPICS")) {
		gp_buf_putc(b, '[');
		for (size_t i = 0; i < cfg->ntopics; i++) {
			if (i)
				gp_buf_putc(b, ',');
			gp_json_put_str(b, cfg->topics[i].id);
		}
		gp_buf_putc(b, ']');
	} else if (is(name, len, "DISTRICTS")) {
		ids_ctx ic = { b, 0 };
		gp_buf_putc(b, '[');
		if ((rc = gp_store_district_list(gp_worker_store(w), -1, NULL, 0, put_district_id,
		                                 &ic)))
			return rc;
		gp_buf_putc(b, ']');
	} else {
		rc = fc->put ? fc->put(fc->ctx, b, name, len) : GP_NOT_FOUND;
		if (rc == GP_NOT_FOUND) {
			gp_log_error("OpenAPI template: unknown placeholder {{%.*s}}", (int)len, name);
			return GP_EFAULT;
		}
		return rc;
	}
	return gp_buf_status(b);
}

int gp_api_openapi_answer(gp_http_exchange *x, const char *tmpl, const char *base_path,
                          gp_buf_fill_fn put, void *ctx)
{
	fill_ctx fc = { x, base_path, put, ctx };
	int rc;

	if ((rc = gp_buf_fill(gp_http_out(x), tmpl, put_shared, &fc)))
		return rc;
	gp_http_set_type(x, GP_OPENAPI_TYPE);
	return 0;
}

/* The values of /api's own placeholders. */
static int put_api(void *ctx, gp_buf *b, const char *name, size_t len)
{
	const gp_config *cfg = gp_worker_config(ctx);

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
	return gp_api_openapi_answer(x, (const char *)gp_api_openapi[0].data, "/api", put_api,
	                             gp_http_worker(x));
}

const gp_http_route gp_api_openapi_routes[] = {
	{ "GET", "/api/openapi.json", get_openapi, NULL, GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};

const gp_http_route *const gp_api_tables[] = {
	gp_api_point_routes, gp_api_moderation_routes, gp_api_district_routes,
	gp_api_ops_routes, gp_api_export_routes, gp_api_cluster_routes,
	gp_api_hotspot_routes, gp_api_nearby_routes, gp_api_openapi_routes, NULL
};
