/*
 * export.c — GET /api/export: the public points as a file download,
 * GeoJSON, CSV (optionally the Excel dialect) or GeoPackage, in any
 * supported CRS.  The export module writes; this handler streams its pieces
 * with chunked transfer encoding as they come, so memory stays flat
 * whatever the number of points.
 *
 * Public exports hold what a citizen sees.  Exporting other statuses
 * (status=pending|published|hidden|all) is for planners: it needs their
 * token and then includes what only staff see (notes, flag counts).
 */
#include <stdio.h>
#include <string.h>

#include "api_int.h"
#include "export/export.h"

/* Sends each piece of the export as one chunk. */
static int stream_piece(void *ctx, const void *data, size_t len)
{
	gp_http_exchange *x = ctx;

	gp_buf_append(gp_http_out(x), data, len);
	return gp_http_stream_flush(x);
}

static int get_export(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_export_options opt = { .crs = GP_CRS_CRS84 };
	const char *format = gp_http_param(x, "format"), *excel = gp_http_param(x, "excel");
	const char *status = gp_http_param(x, "status");
	char disposition[128], district[64];
	int64_t count = 0;
	gp_actor actor;
	int rc;

	if ((rc = api_actor(x, w, status ? GP_ROLE_PLANNER : GP_ROLE_CITIZEN, &actor, err)))
		return rc;
	/* Without status the public's file, whoever asks; with it the staff's. */
	opt.vis = gp_read_visibility(status ? actor.role : GP_ROLE_CITIZEN);
	if ((rc = gp_read_visibility_narrow(&opt.vis, status, err)))
		return rc;
	if (!format || gp_export_format_parse(&opt.format, format))
		return gp_err_set(err, GP_BAD_REQUEST, "format", "format must be geojson, csv or gpkg");
	/* Without crs, each format's own default (a GeoPackage: EPSG:25832). */
	opt.crs = gp_export_default_crs(opt.format);
	if (gp_http_param(x, "crs") && (rc = api_crs(x, "crs", &opt.crs, err)))
		return rc;
	/* One district's points: the planner view's picker narrows its downloads. */
	if (gp_http_param(x, "district")) {
		gp_read_query q;
		gp_read_query_init(&q, &opt.vis);
		if ((rc = gp_read_param_district(gp_worker_read(w), &q, gp_http_param(x, "district"),
		                                 err)))
			return rc;
		gp_strlcpy(district, q.district, sizeof(district));
		opt.district = district;
	}
	opt.city = gp_worker_config(w)->city_name;
	opt.licence = gp_worker_config(w)->data_licence;
	if (excel) {
		if (strcmp(excel, "true") && strcmp(excel, "false"))
			return gp_err_set(err, GP_BAD_REQUEST, "excel", "excel must be true or false");
		if (opt.format != GP_EXPORT_CSV)
			return gp_err_set(err, GP_BAD_REQUEST, "excel",
			                  "excel is a dialect of CSV: use it with format=csv");
		opt.excel = strcmp(excel, "true") == 0;
	}
	gp_http_set_type(x, gp_export_media_type(opt.format));
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"geopart-points%s%s.%s\"",
	         opt.district ? "-" : "", opt.district ? opt.district : "",
	         gp_export_suffix(opt.format));
	gp_http_add_header(x, "Content-Disposition", disposition);
	gp_http_add_header(x, "Cache-Control", "no-store");
	rc = gp_export_points(gp_worker_read(w), gp_worker_store(w), gp_worker_geo(w), &opt,
	                      stream_piece, x, &count, err);
	if (rc)
		return rc;
	return gp_http_stream_flush(x);
}

const gp_http_route gp_api_export_routes[] = {
	{ "GET", "/api/export", get_export, "format crs excel status district", GP_HTTP_NO_BODY,
	  0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
