/*
 * districts.c — /api/districts (boundaries with counts), one district, its
 * points, and /api/stats (the same counts as a table, JSON or CSV).
 */
#include <stdio.h>
#include <string.h>

#include "api_int.h"

typedef struct district_ctx {
	gp_worker *w;
	gp_buf *b;
	gp_crs crs;
	int n;
	int single;
	int failed;
} district_ctx;

static int put_district(void *ctx, const gp_store_district_row *row)
{
	district_ctx *dc = ctx;
	int rc;

	if (dc->n++)
		gp_buf_putc(dc->b, ',');
	if ((rc = gp_api_district_feature_open(dc->w, dc->b, row, dc->crs, dc->single, 0)))
		return rc;
	gp_buf_putc(dc->b, '}');
	return gp_buf_status(dc->b);
}

static int layer_param(gp_http_exchange *x, int *out, int fallback, gp_err *err)
{
	const char *v = gp_http_param(x, "layer");
	gp_layer l;

	*out = fallback;
	if (!v)
		return 0;
	if (gp_layer_parse(&l, v))
		return gp_err_set(err, GP_BAD_REQUEST, "layer",
		                  "layer must be ortsbezirk or stadtteil");
	*out = (int)l;
	return 0;
}

static int get_districts(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	district_ctx dc = { w, gp_http_out(x), GP_CRS_CRS84, 0, 0, 0 };
	int layer, rc;

	if ((rc = layer_param(x, &layer, -1, err)) || (rc = gp_api_crs_param(x, "crs", &dc.crs, err)))
		return rc;
	gp_buf_puts(dc.b, "{\"type\":\"FeatureCollection\",");
	if (gp_api_crs_member_uri(dc.crs))
		gp_json_put_crs_member(dc.b, gp_api_crs_member_uri(dc.crs));
	gp_buf_puts(dc.b, "\"features\":[");
	if ((rc = gp_store_district_list(gp_worker_store(w), layer, NULL, 1, put_district, &dc)))
		return rc;
	gp_buf_puts(dc.b, "]}\n");
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	gp_api_content_crs(x, dc.crs);
	return gp_buf_status(dc.b);
}

static int get_district(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	district_ctx dc = { w, gp_http_out(x), GP_CRS_CRS84, 0, 1, 0 };
	const char *id = gp_http_arg(x, "id");
	int rc;

	if ((rc = gp_api_crs_param(x, "crs", &dc.crs, err)))
		return rc;
	rc = gp_store_district_list(gp_worker_store(w), -1, id, 1, put_district, &dc);
	if (rc == GP_NOT_FOUND)
		return gp_err_set(err, GP_NOT_FOUND, "id", "no district \"%.40s\"", id);
	if (rc)
		return rc;
	gp_buf_putc(dc.b, '\n');
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	gp_api_content_crs(x, dc.crs);
	return gp_buf_status(dc.b);
}

static int district_points(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	const char *id = gp_http_arg(x, "id");
	api_point_query q;
	int rc;

	if ((rc = api_point_query_parse(x, w, &q, err)))
		return rc;
	rc = gp_store_district_list(gp_worker_store(w), -1, id, 0, NULL, NULL);
	if (rc == GP_NOT_FOUND)
		return gp_err_set(err, GP_NOT_FOUND, "id", "no district \"%.40s\"", id);
	if (rc)
		return rc;
	q.filter.district = id;
	return api_point_listing(x, w, &q, err);
}

/* ---- /api/stats ---------------------------------------------------------- */

typedef struct stats_ctx {
	gp_buf *b;
	int csv;
	int n;
	int64_t total[GP_CATEGORY_COUNT];
} stats_ctx;

/* A CSV field per RFC 4180: quoted, inner quotes doubled. */
static void csv_field(gp_buf *b, const char *s)
{
	gp_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			gp_buf_putc(b, '"');
		gp_buf_putc(b, *s);
	}
	gp_buf_putc(b, '"');
}

static int put_stats_row(void *ctx, const gp_store_district_row *row)
{
	stats_ctx *sc = ctx;
	int64_t fav = row->count[GP_CATEGORY_FAVOURITE];
	int64_t imp = row->count[GP_CATEGORY_IMPROVEMENT];

	sc->total[GP_CATEGORY_FAVOURITE] += fav;
	sc->total[GP_CATEGORY_IMPROVEMENT] += imp;
	if (sc->csv) {
		csv_field(sc->b, row->id);
		gp_buf_putc(sc->b, ',');
		csv_field(sc->b, row->name);
		gp_buf_printf(sc->b, ",%lld,%lld,%lld\r\n", (long long)fav, (long long)imp,
		              (long long)(fav + imp));
	} else {
		if (sc->n)
			gp_buf_putc(sc->b, ',');
		gp_buf_puts(sc->b, "{\"id\":");
		gp_json_put_str(sc->b, row->id);
		gp_buf_puts(sc->b, ",\"name\":");
		gp_json_put_str(sc->b, row->name);
		gp_buf_printf(sc->b, ",\"favourite\":%lld,\"improvement\":%lld,\"total\":%lld}",
		              (long long)fav, (long long)imp, (long long)(fav + imp));
	}
	sc->n++;
	return gp_buf_status(sc->b);
}

static int get_stats(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	stats_ctx sc = { gp_http_out(x), 0, 0, { 0, 0 } };
	const char *format = gp_http_param(x, "format");
	int layer, rc;

	if ((rc = layer_param(x, &layer, GP_LAYER_ORTSBEZIRK, err)))
		return rc;
	if (format && strcmp(format, "json") && strcmp(format, "csv"))
		return gp_err_set(err, GP_BAD_REQUEST, "format", "format must be json or csv");
	sc.csv = format && !strcmp(format, "csv");
	if (sc.csv) {
		gp_buf_puts(sc.b, "district_id,district_name,favourite,improvement,total\r\n");
	} else {
		gp_buf_puts(sc.b, "{\"layer\":");
		gp_json_put_str(sc.b, gp_layer_name((gp_layer)layer));
		gp_buf_puts(sc.b, ",\"districts\":[");
	}
	if ((rc = gp_store_district_list(gp_worker_store(w), layer, NULL, 0, put_stats_row, &sc)))
		return rc;
	if (sc.csv) {
		char disposition[96];
		snprintf(disposition, sizeof(disposition),
		         "attachment; filename=\"geopart-stats-%s.csv\"", gp_layer_name((gp_layer)layer));
		gp_http_set_type(x, GP_CSV_TYPE);
		gp_http_add_header(x, "Content-Disposition", disposition);
	} else {
		int64_t f = sc.total[GP_CATEGORY_FAVOURITE], i = sc.total[GP_CATEGORY_IMPROVEMENT];
		gp_buf_printf(sc.b,
		              "],\"total\":{\"favourite\":%lld,\"improvement\":%lld,\"total\":%lld}}\n",
		              (long long)f, (long long)i, (long long)(f + i));
		gp_http_set_type(x, GP_JSON_TYPE);
	}
	return gp_buf_status(sc.b);
}

const gp_http_route gp_api_district_routes[] = {
	{ "GET", "/api/districts", get_districts, "layer crs", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/districts/{id}", get_district, "crs", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/districts/{id}/points", district_points,
	  "bbox category topic since limit offset crs", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/stats", get_stats, "layer format", GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
