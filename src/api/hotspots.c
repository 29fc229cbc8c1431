/*
 * hotspots.c — /api/hotspots: where points concentrate, in metres, for
 * planners.  The read layer finds them (DBSCAN with a bounded cost over the
 * cluster index's points, defaults that make sense at any density); this
 * writes each hotspot as a Feature with its convex outline, its counts by
 * category and topic, and the districts its points lie in.
 */

#include "api_int.h"

static int put_hotspot(gp_read *r, gp_buf *b, const gp_read_hotspots *h, size_t i)
{
	gp_read_hotspot hs;
	double area = 0;
	int rc;

	gp_read_hotspots_get(h, i, &hs);
	gp_buf_printf(b, "%s{\"type\":\"Feature\",\"id\":%zu,\"geometry\":", i ? "," : "", i + 1);
	if ((rc = gp_read_hotspot_outline(r, h, i, b, &area)))
		return rc;
	gp_buf_printf(b, ",\"properties\":{\"rank\":%zu,\"point_count\":%lld", i + 1,
	              (long long)hs.point_count);
	for (int c = 0; c < GP_CATEGORY_COUNT; c++)
		gp_buf_printf(b, ",\"%s\":%lld", gp_category_name((gp_category)c),
		              (long long)hs.count[c]);
	gp_buf_puts(b, ",\"topics\":{");
	for (size_t t = 0; t < hs.ntopics; t++) {
		if (t)
			gp_buf_putc(b, ',');
		gp_json_put_str(b, hs.topics[t].id);
		gp_buf_printf(b, ":%lld", (long long)hs.topics[t].n);
	}
	gp_buf_printf(b, "},\"without_topic\":%lld,\"districts\":[", (long long)hs.without_topic);
	for (size_t d = 0; d < hs.ndistricts; d++) {
		gp_buf_puts(b, d ? ",{\"id\":" : "{\"id\":");
		gp_json_put_str(b, hs.districts[d].id);
		gp_buf_puts(b, ",\"name\":");
		gp_json_put_str_or_null(b, hs.districts[d].name);
		gp_buf_puts(b, ",\"layer\":");
		gp_json_put_str(b, gp_layer_name(hs.districts[d].layer));
		gp_buf_printf(b, ",\"point_count\":%lld}", (long long)hs.districts[d].n);
	}
	gp_buf_puts(b, "],\"area_m2\":");
	gp_buf_put_fixed(b, area, 1);
	gp_buf_puts(b, "}}");
	return gp_buf_status(b);
}

/* Public: the index holds what a citizen sees. */
static int get_hotspots(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_read *r = gp_worker_read(w);
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	gp_buf *b = gp_http_out(x);
	gp_read_hotspots *h = NULL;
	gp_read_hotspot_summary sum;
	gp_read_query q;
	double eps = 0;
	int64_t min_points = 0;
	const char *v;
	int rc;

	gp_read_query_init(&q, &vis);
	if ((rc = gp_read_param_category(&q, gp_http_param(x, "category"), err)) ||
	    (rc = gp_read_param_district(r, &q, gp_http_param(x, "district"), err)))
		return rc;
	if ((v = gp_http_param(x, "eps")) && (gp_parse_double(&eps, v) || !(eps > 0) ||
	                                      eps > API_HOTSPOT_EPS_MAX))
		return gp_err_set(err, GP_BAD_REQUEST, "eps",
		                  "eps must be a distance in metres above 0 and at most %d",
		                  API_HOTSPOT_EPS_MAX);
	if ((v = gp_http_param(x, "min_points")) &&
	    gp_parse_i64(&min_points, v, 2, API_HOTSPOT_MIN_POINTS_MAX))
		return gp_err_set(err, GP_BAD_REQUEST, "min_points",
		                  "min_points must be a whole number from 2 to %d",
		                  API_HOTSPOT_MIN_POINTS_MAX);
	if ((rc = gp_read_param_period(&q, gp_http_param(x, "since"), gp_http_param(x, "until"),
	                               err)) ||
	    (rc = gp_read_param_bbox(r, &q, gp_http_param(x, "bbox"), GP_CRS_CRS84, err)))
		return rc;
	if ((rc = gp_read_hotspots_find(r, &q, eps, min_points, &h, err)))
		return rc;
	gp_read_hotspots_summary(h, &sum);
	gp_buf_puts(b, "{\"type\":\"FeatureCollection\",\"eps\":");
	gp_buf_put_fixed(b, sum.eps, 3);
	gp_buf_printf(b, ",\"min_points\":%lld,\"numberMatched\":%zu,\"points\":%lld,"
	                 "\"noise\":%lld,\"features\":[",
	              (long long)sum.min_points, sum.hotspots, (long long)sum.points,
	              (long long)sum.noise);
	for (size_t i = 0; i < sum.hotspots && !rc; i++)
		rc = put_hotspot(r, b, h, i);
	gp_read_hotspots_free(h);
	if (rc)
		return rc;
	gp_buf_puts(b, "]}\n");
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	api_content_crs(x, GP_CRS_CRS84);
	return gp_buf_status(b);
}

const gp_http_route gp_api_hotspot_routes[] = {
	{ "GET", "/api/hotspots", get_hotspots, "category district bbox since until eps min_points",
	  GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
