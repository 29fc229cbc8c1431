/*
 * districts.c — /api/districts (boundaries with counts), one district, its
 * points, and /api/stats (the same counts as a table, JSON or CSV).
 */
#include <stdio.h>
#include <stdlib.h>
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

typedef struct stats_row {
	char id[64];
	char name[256];
	int64_t n[GP_CATEGORY_COUNT][GP_CHANNEL_COUNT];
} stats_row;

typedef struct stats_ctx {
	stats_row *rows;
	size_t n, cap;
} stats_ctx;

static int stats_district(void *ctx, const gp_store_district_row *row)
{
	stats_ctx *sc = ctx;

	if (sc->n == sc->cap) {
		/* A layer has as many districts as an import gave it. */
		size_t cap = sc->cap ? 2 * sc->cap : 32;
		stats_row *rows = realloc(sc->rows, cap * sizeof(*rows));
		if (!rows)
			return GP_ENOMEM;
		sc->rows = rows;
		sc->cap = cap;
	}
	memset(&sc->rows[sc->n], 0, sizeof(sc->rows[0]));
	gp_strlcpy(sc->rows[sc->n].id, row->id, sizeof(sc->rows[0].id));
	gp_strlcpy(sc->rows[sc->n].name, row->name, sizeof(sc->rows[0].name));
	sc->n++;
	return 0;
}

static int stats_tally(void *ctx, const char *district_id, gp_category cat, gp_channel chan,
                       int64_t n)
{
	stats_ctx *sc = ctx;

	for (size_t i = 0; i < sc->n; i++)
		if (strcmp(sc->rows[i].id, district_id) == 0)
			sc->rows[i].n[cat][chan] += n;
	return 0;
}

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

static void stats_numbers(gp_buf *b, const int64_t n[GP_CATEGORY_COUNT][GP_CHANNEL_COUNT],
                          int csv)
{
	int64_t cat[GP_CATEGORY_COUNT] = { 0 }, chan[GP_CHANNEL_COUNT] = { 0 }, total = 0;

	for (int c = 0; c < GP_CATEGORY_COUNT; c++)
		for (int k = 0; k < GP_CHANNEL_COUNT; k++) {
			cat[c] += n[c][k];
			chan[k] += n[c][k];
			total += n[c][k];
		}
	if (csv) {
		gp_buf_printf(b, ",%lld,%lld,%lld,%lld,%lld,%lld\r\n", (long long)cat[0],
		              (long long)cat[1], (long long)total, (long long)chan[0],
		              (long long)chan[1], (long long)chan[2]);
		return;
	}
	gp_buf_printf(b, "\"favourite\":%lld,\"improvement\":%lld,\"total\":%lld,"
	                 "\"channels\":{\"online\":%lld,\"walk\":%lld,\"workshop\":%lld}}",
	              (long long)cat[0], (long long)cat[1], (long long)total, (long long)chan[0],
	              (long long)chan[1], (long long)chan[2]);
}

static int get_stats(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_buf *b = gp_http_out(x);
	const char *format = gp_http_param(x, "format");
	int64_t all[GP_CATEGORY_COUNT][GP_CHANNEL_COUNT] = { { 0 } };
	char since[GP_TIME_LEN], until[GP_TIME_LEN];
	stats_ctx sc = { NULL, 0, 0 };
	gp_point_filter f;
	int layer, csv, rc;

	gp_point_filter_init(&f);
	if ((rc = layer_param(x, &layer, GP_LAYER_ORTSBEZIRK, err)))
		return rc;
	if (format && strcmp(format, "json") && strcmp(format, "csv"))
		return gp_err_set(err, GP_BAD_REQUEST, "format", "format must be json or csv");
	/* The planner view's filters, so its table and its CSV show the same. */
	if ((rc = gp_api_point_filters(x, w, &f, err)) ||
	    (rc = api_time_range_params(x, since, until, &f, err)))
		return rc;
	csv = format && !strcmp(format, "csv");
	/* One snapshot for the district list and the counts. */
	if ((rc = gp_store_read_begin(gp_worker_store(w))))
		goto out;
	rc = gp_store_district_list(gp_worker_store(w), layer, NULL, 0, stats_district, &sc);
	if (!rc)
		rc = gp_store_district_tally(gp_worker_store(w), (gp_layer)layer, &f, stats_tally,
		                             &sc);
	gp_store_read_end(gp_worker_store(w));
	if (rc)
		goto out;
	if (csv)
		gp_buf_puts(b, "district_id,district_name,favourite,improvement,total,"
		               "online,walk,workshop\r\n");
	else {
		gp_buf_puts(b, "{\"layer\":");
		gp_json_put_str(b, gp_layer_name((gp_layer)layer));
		gp_buf_puts(b, ",\"channel\":");
		gp_json_put_str_or_null(b, f.channel >= 0 ? gp_channel_name((gp_channel)f.channel)
		                                          : NULL);
		gp_buf_puts(b, ",\"category\":");
		gp_json_put_str_or_null(b, f.category >= 0 ? gp_category_name((gp_category)f.category)
		                                           : NULL);
		gp_buf_puts(b, ",\"topic\":");
		gp_json_put_str_or_null(b, f.topic);
		gp_buf_puts(b, ",\"since\":");
		gp_json_put_str_or_null(b, f.since);
		gp_buf_puts(b, ",\"until\":");
		gp_json_put_str_or_null(b, f.until);
		gp_buf_puts(b, ",\"districts\":[");
	}
	for (size_t i = 0; i < sc.n; i++) {
		for (int c = 0; c < GP_CATEGORY_COUNT; c++)
			for (int k = 0; k < GP_CHANNEL_COUNT; k++)
				all[c][k] += sc.rows[i].n[c][k];
		if (csv) {
			csv_field(b, sc.rows[i].id);
			gp_buf_putc(b, ',');
			csv_field(b, sc.rows[i].name);
		} else {
			gp_buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
			gp_json_put_str(b, sc.rows[i].id);
			gp_buf_puts(b, ",\"name\":");
			gp_json_put_str(b, sc.rows[i].name);
			gp_buf_putc(b, ',');
		}
		stats_numbers(b, (const int64_t(*)[GP_CHANNEL_COUNT])sc.rows[i].n, csv);
	}
	if (csv) {
		char disposition[96];
		snprintf(disposition, sizeof(disposition),
		         "attachment; filename=\"geopart-stats-%s.csv\"", gp_layer_name((gp_layer)layer));
		gp_http_set_type(x, GP_CSV_TYPE);
		gp_http_add_header(x, "Content-Disposition", disposition);
	} else {
		gp_buf_puts(b, "],\"total\":{");
		stats_numbers(b, (const int64_t(*)[GP_CHANNEL_COUNT])all, 0);
		gp_buf_puts(b, "}\n");
		gp_http_set_type(x, GP_JSON_TYPE);
	}
	rc = gp_buf_status(b);
out:
	free(sc.rows);
	return rc;
}

const gp_http_route gp_api_district_routes[] = {
	{ "GET", "/api/districts", get_districts, "layer crs", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/districts/{id}", get_district, "crs", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/districts/{id}/points", district_points,
	  "bbox category topic channel since until limit offset crs", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/stats", get_stats, "layer format category topic channel since until",
	  GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
