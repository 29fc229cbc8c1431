/*
 * nearby.c — /api/points/nearby: the published points within a radius of
 * a place, nearest first, so the page can offer "+1" on an existing point
 * instead of a duplicate.  Distances are metres in the storage CRS
 * (EPSG:25832), what GIS staff measure in QGIS; in Kaiserslautern they
 * differ from the distance on the ellipsoid by less than 0.04 %.
 *
 * Must never: show a point a citizen does not see.
 */
#include "api_int.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define RADIUS_RULE "a distance in metres above 0 and at most " STR(API_NEARBY_RADIUS_MAX)

static int number_param(gp_http_exchange *x, const char *name, double min, double max,
                        double *out, const char *what, gp_err *err)
{
	const char *v = gp_http_param(x, name);

	if (!v)
		return gp_err_set(err, GP_BAD_REQUEST, name, "%s is required (%s)", name, what);
	if (gp_parse_double(out, v) || *out < min || *out > max)
		return gp_err_set(err, GP_BAD_REQUEST, name, "%s must be %s", name, what);
	return 0;
}

typedef struct nearby_out {
	gp_buf *b;
	int64_t n;
} nearby_out;

static int put_nearby(void *ctx, const gp_point *p, double distance)
{
	nearby_out *o = ctx;
	gp_buf extra;

	/* Millimetres: more would claim a precision the stored points lack. */
	gp_buf_init(&extra, 64);
	gp_buf_puts(&extra, "\"distance\":");
	gp_buf_put_fixed(&extra, distance, 3);
	if (o->n++)
		gp_buf_putc(o->b, ',');
	gp_read_point_feature(o->b, p, p->lon, p->lat,
	                      &(gp_read_feature){ .crs = GP_CRS_CRS84,
	                                          .extra = gp_buf_cstr(&extra) });
	gp_buf_free(&extra);
	return gp_buf_status(o->b);
}

static int get_nearby(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	double lon, lat, radius = API_NEARBY_RADIUS_DEFAULT;
	int64_t limit = API_LIMIT_DEFAULT, offset = 0, matched = 0;
	nearby_out o = { gp_http_out(x), 0 };
	int category, rc;

	if ((rc = number_param(x, "lon", -180, 180, &lon,
	                       "a longitude in degrees (CRS84) from -180 to 180", err)) ||
	    (rc = number_param(x, "lat", -90, 90, &lat,
	                       "a latitude in degrees (CRS84) from -90 to 90", err)) ||
	    (rc = api_category_param(x, &category, err)) ||
	    (rc = api_page_params(x, &limit, &offset, err)))
		return rc;
	if (gp_http_param(x, "radius")) {
		if ((rc = number_param(x, "radius", 0, API_NEARBY_RADIUS_MAX, &radius, RADIUS_RULE,
		                       err)))
			return rc;
		if (!(radius > 0))
			return gp_err_set(err, GP_BAD_REQUEST, "radius", "radius must be %s",
			                  RADIUS_RULE);
	}
	gp_buf_puts(o.b, "{\"type\":\"FeatureCollection\",\"features\":[");
	if ((rc = gp_read_nearby(gp_worker_read(w), &vis, lon, lat, radius, category, limit,
	                         &matched, put_nearby, &o, err)))
		return rc;
	gp_buf_printf(o.b, "],\"numberMatched\":%lld,\"numberReturned\":%lld,\"radius\":",
	              (long long)matched, (long long)o.n);
	gp_buf_put_fixed(o.b, radius, 3);
	gp_buf_puts(o.b, "}\n");
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	api_content_crs(x, GP_CRS_CRS84);
	return gp_buf_status(o.b);
}

/* The router prefers this literal path over /api/points/{id}. */
const gp_http_route gp_api_nearby_routes[] = {
	{ "GET", "/api/points/nearby", get_nearby, "lon lat radius category limit",
	  GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
