/*
 * districts.c — /api/districts (boundaries with counts), one district, its
 * points, and /api/stats (the same counts as a table, JSON or CSV).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

typedef struct district_ctx {
	gp_read *r;
	gp_buf *b;
	gp_crs crs;
	int n;
	int single;
	int zoom; /* the map's zoom the outlines are for; -1: full */
} district_ctx;

static int put_district(void *ctx, const gp_read_district *d)
{
	district_ctx *dc = ctx;
	int rc;

	if (dc->n++)
		gp_buf_putc(dc->b, ',');
	gp_buf_putc(dc->b, '{');
	if (dc->single && api_crs_member_uri(dc->crs))
		gp_json_put_crs_member(dc->b, api_crs_member_uri(dc->crs));
	gp_buf_puts(dc->b, "\"type\":\"Feature\",\"id\":");
	gp_json_put_str(dc->b, d->id);
	gp_buf_puts(dc->b, ",\"geometry\":");
	if ((rc = gp_read_district_outline(dc->r, dc->b, d, dc->crs, dc->zoom)))
		return rc;
	gp_buf_puts(dc->b, ",\"properties\":");
	gp_json_district_properties(dc->b, d->id, d->name, gp_layer_name(d->layer),
	                            d->count[GP_CATEGORY_FAVOURITE],
	                            d->count[GP_CATEGORY_IMPROVEMENT], NULL);
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

/*
 * zoom: the outlines for a map at that zoom, simplified on the server to
 * a pixel (optional; without it the full outlines).
 */
static int outline_zoom(gp_http_exchange *x, int *out, gp_err *err)
{
	const char *v = gp_http_param(x, "zoom");
	int64_t z;

	*out = -1;
	if (!v)
		return 0;
	if (gp_parse_i64(&z, v, 0, GP_READ_ZOOM_MAX))
		return gp_err_set(err, GP_BAD_REQUEST, "zoom",
		                  "zoom must be a whole number from 0 to %d", GP_READ_ZOOM_MAX);
	*out = (int)z;
	return 0;
}

/* Districts are public: their counts are of what a citizen sees. */
static int get_districts(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	district_ctx dc = { gp_worker_read(w), gp_http_out(x), GP_CRS_CRS84, 0, 0, -1 };
	int layer, rc;

	if ((rc = layer_param(x, &layer, -1, err)) || (rc = api_crs(x, "crs", &dc.crs, err)) ||
	    (rc = outline_zoom(x, &dc.zoom, err)))
		return rc;
	gp_buf_puts(dc.b, "{\"type\":\"FeatureCollection\",");
	if (api_crs_member_uri(dc.crs))
		gp_json_put_crs_member(dc.b, api_crs_member_uri(dc.crs));
	gp_buf_puts(dc.b, "\"features\":[");
	if ((rc = gp_read_districts(dc.r, &vis, layer, NULL, 1, put_district, &dc, err)))
		return rc;
	gp_buf_puts(dc.b, "]}\n");
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	api_content_crs(x, dc.crs);
	return gp_buf_status(dc.b);
}

static int get_district(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	district_ctx dc = { gp_worker_read(w), gp_http_out(x), GP_CRS_CRS84, 0, 1, -1 };
	int rc;

	if ((rc = api_crs(x, "crs", &dc.crs, err)) || (rc = outline_zoom(x, &dc.zoom, err)) ||
	    (rc = gp_read_districts(dc.r, &vis, -1, gp_http_arg(x, "id"), 1, put_district, &dc,
	                            err)))
		return rc;
	gp_buf_putc(dc.b, '\n');
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	api_content_crs(x, dc.crs);
	return gp_buf_status(dc.b);
}

static int district_points(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_read *r = gp_worker_read(w);
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	const char *id = gp_http_arg(x, "id");
	gp_read_query q;
	gp_err unknown;
	int rc;

	if ((rc = api_point_query(x, r, &vis, &q, err)))
		return rc;
	/* In the path a district that does not exist is a resource that does not. */
	if ((rc = gp_read_param_district(r, &q, id, &unknown)) == GP_BAD_REQUEST)
		return gp_err_set(err, GP_NOT_FOUND, "id", "no district \"%.40s\"", id);
	if (rc)
		return rc;
	return api_point_listing(x, r, &q, err);
}

/* ---- /api/stats ---------------------------------------------------------- */

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

/*
 * A row's numbers; its topic counts come last (CSV: after the outcomes,
 * so the older columns keep their places), named by the configured ids,
 * which hold only a-z, 0-9 and _ (config.c): nothing to escape.
 */
static void stats_numbers(gp_buf *b, const gp_config *cfg, const int64_t (*n)[GP_CHANNEL_COUNT],
                          const int64_t *outcome, const int64_t *topic, size_t ntopics, int csv)
{
	int64_t cat[GP_CATEGORY_COUNT] = { 0 }, chan[GP_CHANNEL_COUNT] = { 0 }, total = 0;

	for (int c = 0; c < GP_CATEGORY_COUNT; c++)
		for (int k = 0; k < GP_CHANNEL_COUNT; k++) {
			cat[c] += n[c][k];
			chan[k] += n[c][k];
			total += n[c][k];
		}
	if (csv) {
		gp_buf_printf(b, ",%lld,%lld,%lld,%lld,%lld,%lld", (long long)cat[0],
		              (long long)cat[1], (long long)total, (long long)chan[0],
		              (long long)chan[1], (long long)chan[2]);
		for (int o = 0; o < GP_OUTCOME_COUNT; o++)
			gp_buf_printf(b, ",%lld", (long long)outcome[o]);
		for (size_t t = 0; t < ntopics; t++)
			gp_buf_printf(b, ",%lld", (long long)topic[t]);
		gp_buf_puts(b, "\r\n");
		return;
	}
	gp_buf_printf(b, "\"favourite\":%lld,\"improvement\":%lld,\"total\":%lld,"
	                 "\"channels\":{\"online\":%lld,\"walk\":%lld,\"workshop\":%lld},"
	                 "\"outcomes\":{",
	              (long long)cat[0], (long long)cat[1], (long long)total, (long long)chan[0],
	              (long long)chan[1], (long long)chan[2]);
	for (int o = 0; o < GP_OUTCOME_COUNT; o++)
		gp_buf_printf(b, "%s\"%s\":%lld", o ? "," : "", gp_outcome_name((gp_outcome)o),
		              (long long)outcome[o]);
	gp_buf_puts(b, "},\"by_topic\":{");
	for (size_t t = 0; t < ntopics; t++)
		gp_buf_printf(b, "%s\"%s\":%lld", t ? "," : "", cfg->topics[t].id,
		              (long long)topic[t]);
	gp_buf_puts(b, "}}");
}

typedef struct stats_ctx {
	gp_buf *b;
	const gp_config *cfg;
	int csv;
	size_t n;
	int64_t all[GP_CATEGORY_COUNT][GP_CHANNEL_COUNT];
	int64_t all_outcome[GP_OUTCOME_COUNT];
	int64_t *all_topic; /* cfg->ntopics of them */
} stats_ctx;

static int put_stats_row(void *ctx, const gp_read_stats_row *row)
{
	stats_ctx *sc = ctx;

	for (int c = 0; c < GP_CATEGORY_COUNT; c++)
		for (int k = 0; k < GP_CHANNEL_COUNT; k++)
			sc->all[c][k] += row->n[c][k];
	for (int o = 0; o < GP_OUTCOME_COUNT; o++)
		sc->all_outcome[o] += row->outcome[o];
	assert(row->ntopics == sc->cfg->ntopics);
	for (size_t t = 0; t < row->ntopics; t++)
		sc->all_topic[t] += row->topic[t];
	if (sc->csv) {
		csv_field(sc->b, row->id);
		gp_buf_putc(sc->b, ',');
		csv_field(sc->b, row->name);
	} else {
		gp_buf_puts(sc->b, sc->n ? ",{\"id\":" : "{\"id\":");
		gp_json_put_str(sc->b, row->id);
		gp_buf_puts(sc->b, ",\"name\":");
		gp_json_put_str(sc->b, row->name);
		gp_buf_putc(sc->b, ',');
	}
	sc->n++;
	stats_numbers(sc->b, sc->cfg, row->n, row->outcome, row->topic, row->ntopics, sc->csv);
	return gp_buf_status(sc->b);
}

/* Public: the counts are of what a citizen sees, like /api/points. */
static int get_stats(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_read *r = gp_worker_read(w);
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	gp_buf *b = gp_http_out(x);
	const char *format = gp_http_param(x, "format");
	stats_ctx sc;
	gp_read_query q;
	int layer, rc;

	memset(&sc, 0, sizeof(sc));
	sc.b = b;
	sc.cfg = gp_worker_config(w);
	gp_read_query_init(&q, &vis);
	if ((rc = layer_param(x, &layer, GP_LAYER_ORTSBEZIRK, err)))
		return rc;
	if (format && strcmp(format, "json") && strcmp(format, "csv"))
		return gp_err_set(err, GP_BAD_REQUEST, "format", "format must be json or csv");
	/* The planner view's filters, so its table and its CSV show the same. */
	if ((rc = gp_read_param_category(&q, gp_http_param(x, "category"), err)) ||
	    (rc = gp_read_param_channel(&q, gp_http_param(x, "channel"), err)) ||
	    (rc = gp_read_param_topic(r, &q, gp_http_param(x, "topic"), err)) ||
	    (rc = gp_read_param_period(&q, gp_http_param(x, "since"), gp_http_param(x, "until"),
	                               err)))
		return rc;
	if (!(sc.all_topic = calloc(sc.cfg->ntopics + 1, sizeof(*sc.all_topic))))
		return GP_ENOMEM;
	sc.csv = format && !strcmp(format, "csv");
	if (sc.csv) {
		gp_buf_puts(b, "district_id,district_name,favourite,improvement,total,"
		               "online,walk,workshop,open,in_review,adopted,not_adopted");
		for (size_t t = 0; t < sc.cfg->ntopics; t++)
			gp_buf_printf(b, ",topic_%s", sc.cfg->topics[t].id);
		gp_buf_puts(b, "\r\n");
	} else {
		gp_buf_puts(b, "{\"layer\":");
		gp_json_put_str(b, gp_layer_name((gp_layer)layer));
		gp_buf_puts(b, ",\"channel\":");
		gp_json_put_str_or_null(b, q.channel >= 0 ? gp_channel_name((gp_channel)q.channel)
		                                          : NULL);
		gp_buf_puts(b, ",\"category\":");
		gp_json_put_str_or_null(b, q.category >= 0 ? gp_category_name((gp_category)q.category)
		                                           : NULL);
		gp_buf_puts(b, ",\"topic\":");
		gp_json_put_str_or_null(b, q.topic[0] ? q.topic : NULL);
		gp_buf_puts(b, ",\"since\":");
		gp_json_put_str_or_null(b, q.since[0] ? q.since : NULL);
		gp_buf_puts(b, ",\"until\":");
		gp_json_put_str_or_null(b, q.until[0] ? q.until : NULL);
		gp_buf_puts(b, ",\"districts\":[");
	}
	if ((rc = gp_read_stats(r, &q, (gp_layer)layer, put_stats_row, &sc)))
		goto out;
	if (sc.csv) {
		char disposition[96];
		snprintf(disposition, sizeof(disposition),
		         "attachment; filename=\"geopart-stats-%s.csv\"", gp_layer_name((gp_layer)layer));
		gp_http_set_type(x, GP_CSV_TYPE);
		gp_http_add_header(x, "Content-Disposition", disposition);
	} else {
		gp_buf_puts(b, "],\"total\":{");
		stats_numbers(b, sc.cfg, (const int64_t(*)[GP_CHANNEL_COUNT])sc.all, sc.all_outcome,
		              sc.all_topic, sc.cfg->ntopics, 0);
		gp_buf_puts(b, "}\n");
		gp_http_set_type(x, GP_JSON_TYPE);
	}
	rc = gp_buf_status(b);
out:
	free(sc.all_topic);
	return rc;
}

const gp_http_route gp_api_district_routes[] = {
	{ "GET", "/api/districts", get_districts, "layer crs zoom", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/districts/{id}", get_district, "crs zoom", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/districts/{id}/points", district_points,
	  "bbox category topic channel since until limit offset after crs", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/stats", get_stats, "layer format category topic channel since until",
	  GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
