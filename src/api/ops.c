/*
 * ops.c — /healthz for operators and load balancers, and /api/config,
 * which tells the web page everything it must not hard-code: categories
 * and topics with their labels, limits, the tile layer and the data
 * attribution.  It is also where a client finds the API's description:
 * its Link header points to /api/openapi.json (RFC 8631 service-desc).
 */
#include <string.h>

#include "api_int.h"
#include "store/store.h" /* healthz and /metrics ask the database itself */
#include "util/metrics.h"

/*
 * 200 {"status":"ok"} when the database answers and takes writes; 503
 * {"status":"degraded","reason":…} while a storage fault lasts (reads still
 * work, writes get 503), so a load balancer or monitor sees it; a problem
 * (503) when the database does not answer at all.
 */
static int healthz(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	int64_t districts = 0;
	int applied = 0, known = 0;
	gp_store_fault fault;
	gp_buf *b = gp_http_out(x);

	if (gp_store_district_count(gp_worker_store(w), &districts) ||
	    gp_store_schema_version(gp_worker_store(w), &applied, &known))
		return gp_err_set(err, GP_UNAVAILABLE, "", "the database does not answer");
	gp_http_add_header(x, "Cache-Control", "no-store");
	if (gp_core_storage_health(w, &fault)) {
		gp_http_set_status(x, 503);
		gp_buf_puts(b, "{\"status\":\"degraded\",\"database\":\"read-only\",\"reason\":");
		gp_json_put_str(b, fault.disk_full ? "disk full: writes fail" : "writes fail");
		gp_buf_puts(b, ",\"detail\":");
		gp_json_put_str(b, fault.reason);
		gp_buf_puts(b, ",\"since\":");
		gp_json_put_str(b, fault.since);
	} else {
		gp_buf_puts(b, "{\"status\":\"ok\",\"database\":\"ok\"");
	}
	gp_buf_printf(b, ",\"schema\":%d,\"districts\":%lld}\n", applied, (long long)districts);
	return gp_buf_status(b);
}

/*
 * Link: <…/api/openapi.json>; rel="service-desc"; type="…".  Only a pointer:
 * when it does not fit (an absurdly long public_url) the page still gets
 * its configuration, without it.
 */
static void link_description(gp_http_exchange *x)
{
	gp_buf v;

	gp_buf_init(&v, 1024);
	gp_buf_putc(&v, '<');
	gp_http_base_url(x, &v);
	gp_buf_puts(&v, "/api/openapi.json>; rel=\"service-desc\"; type=\"" GP_OPENAPI_TYPE "\"");
	if (gp_buf_status(&v) == 0)
		gp_http_add_header(x, "Link", gp_buf_cstr(&v));
	gp_buf_free(&v);
}

/*
 * "name":{"de":…,"en":…} of a configured text; en is null when the
 * operator gave none, so the page shows the German text marked as German.
 */
static void put_text(gp_buf *b, const char *name, const char *de, const char *en)
{
	gp_json_put_str(b, name);
	gp_buf_puts(b, ":{\"de\":");
	gp_json_put_str(b, de);
	gp_buf_puts(b, ",\"en\":");
	gp_json_put_str_or_null(b, en[0] ? en : NULL);
	gp_buf_putc(b, '}');
}

static int get_config(gp_http_exchange *x, gp_err *err)
{
	const gp_config *cfg = gp_worker_config(gp_http_worker(x));
	gp_buf *b = gp_http_out(x);
	gp_bbox ext;

	(void)err;
	link_description(x);
	gp_buf_puts(b, "{\"city\":");
	gp_json_put_str(b, cfg->city_name);
	gp_buf_puts(b, ",\"categories\":[");
	for (int c = 0; c < GP_CATEGORY_COUNT; c++) {
		gp_buf_puts(b, c ? ",{\"id\":" : "{\"id\":");
		gp_json_put_str(b, gp_category_name((gp_category)c));
		gp_buf_puts(b, ",\"label\":{\"de\":");
		gp_json_put_str(b, gp_category_label((gp_category)c, 0));
		gp_buf_puts(b, ",\"en\":");
		gp_json_put_str(b, gp_category_label((gp_category)c, 1));
		gp_buf_puts(b, "}}");
	}
	gp_buf_puts(b, "],\"topics\":[");
	for (size_t i = 0; i < cfg->ntopics; i++) {
		if (i)
			gp_buf_putc(b, ',');
		gp_buf_puts(b, "{\"id\":");
		gp_json_put_str(b, cfg->topics[i].id);
		gp_buf_puts(b, ",\"label\":{\"de\":");
		gp_json_put_str(b, cfg->topics[i].label_de);
		gp_buf_puts(b, ",\"en\":");
		gp_json_put_str(b, cfg->topics[i].label_en);
		gp_buf_puts(b, "}}");
	}
	gp_buf_printf(b, "],\"comment_max_chars\":%d,\"body_max_bytes\":%d,"
	                 "\"layers\":[\"ortsbezirk\",\"stadtteil\"],\"tiles\":{\"url\":",
	              GP_COMMENT_MAX_CHARS, GP_API_BODY_MAX);
	gp_json_put_str(b, cfg->tile_url);
	gp_buf_puts(b, ",\"attribution\":");
	gp_json_put_str(b, cfg->tile_attribution);
	gp_buf_puts(b, "},\"moderation\":");
	gp_json_put_str(b, cfg->moderation);
	gp_buf_puts(b, ",\"participation\":{\"open_from\":");
	gp_json_put_str_or_null(b, cfg->open_from[0] ? cfg->open_from_utc : NULL);
	gp_buf_puts(b, ",\"open_until\":");
	gp_json_put_str_or_null(b, cfg->open_until[0] ? cfg->open_until_utc : NULL);
	gp_buf_printf(b, ",\"open\":%s}", gp_core_period_check(cfg, NULL) ? "false" : "true");
	gp_buf_puts(b, ",\"privacy_note\":");
	gp_json_put_str(b, cfg->privacy_note);
	gp_buf_puts(b, ",\"texts\":{");
	put_text(b, "intro", cfg->intro, cfg->intro_en);
	gp_buf_putc(b, ',');
	put_text(b, "usage", cfg->usage_note, cfg->usage_note_en);
	gp_buf_putc(b, ',');
	put_text(b, "privacy", cfg->privacy_note, cfg->privacy_note_en);
	gp_buf_puts(b, "},\"legal\":{\"imprint\":");
	gp_json_put_str(b, cfg->imprint_url[0] ? cfg->imprint_url : "/impressum");
	gp_buf_puts(b, ",\"privacy\":");
	gp_json_put_str(b, cfg->privacy_url[0] ? cfg->privacy_url : "/datenschutz");
	gp_buf_putc(b, '}');
	gp_buf_puts(b, ",\"dgs_video_url\":");
	gp_json_put_str_or_null(b, cfg->dgs_video_url[0] ? cfg->dgs_video_url : NULL);
	gp_buf_puts(b, ",\"flag_reasons\":[\"spam\",\"offensive\",\"personal_data\","
	               "\"off_topic\",\"duplicate\",\"other\"]");
	/* The reports of results, for the page's "Ergebnisse" link: only when public. */
	gp_buf_printf(b, ",\"reports\":%s", cfg->report_public ? "\"/report/\"" : "null");
	gp_buf_printf(b, ",\"form_min_seconds\":%d", cfg->form_min_seconds);
	gp_buf_printf(b, ",\"cluster_max_zoom\":%d", cfg->cluster_max_zoom);
	/* Whether the map links to a questionnaire (setting `survey`). */
	gp_buf_printf(b, ",\"survey\":%s", gp_worker_survey(gp_http_worker(x)) ? "true" : "false");
	/* The city's extent (its Ortsbezirke, CRS84): a map can frame it and
	 * ask for the first points before the outlines arrive. */
	gp_buf_puts(b, ",\"extent\":");
	if (gp_read_layer_extent(gp_worker_read(gp_http_worker(x)), GP_LAYER_ORTSBEZIRK, &ext))
		gp_buf_puts(b, "null");
	else
		gp_buf_printf(b, "[%.7f,%.7f,%.7f,%.7f]", ext.minx, ext.miny, ext.maxx, ext.maxy);
	gp_buf_puts(b, ",\"data_attribution\":[");
	for (size_t i = 0; gp_data_attribution(i); i++) {
		if (i)
			gp_buf_putc(b, ',');
		gp_json_put_str(b, gp_data_attribution(i));
	}
	gp_buf_puts(b, "]}\n");
	return gp_buf_status(b);
}

/* Prometheus text exposition format, version 0.0.4. */
static int get_metrics(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_buf *b = gp_http_out(x);
	int64_t points[GP_STATUS_COUNT], bytes = 0, free_bytes = 0;
	uint64_t buckets[GP_METRIC_BUCKETS + 1];
	int synchronous = 0, wal = 0;
	gp_store_fault fault;
	double sum;

	if (gp_store_gauges(gp_worker_store(w), points, &bytes) ||
	    gp_store_durability(gp_worker_store(w), &synchronous, &wal))
		return gp_err_set(err, GP_UNAVAILABLE, "", "the database does not answer");
	for (int m = 0; m < GP_METRIC_COUNT; m++)
		gp_buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", gp_metric_name(m),
		              gp_metric_help(m), gp_metric_name(m), gp_metric_name(m),
		              (unsigned long long)gp_metric_get(m));
	gp_buf_puts(b, "# HELP geopart_points points in the database by status\n"
	               "# TYPE geopart_points gauge\n");
	for (int s = 0; s < GP_STATUS_COUNT; s++)
		gp_buf_printf(b, "geopart_points{status=\"%s\"} %lld\n", gp_status_name(s),
		              (long long)points[s]);
	gp_buf_printf(b, "# HELP geopart_database_bytes size of the database file\n"
	                 "# TYPE geopart_database_bytes gauge\ngeopart_database_bytes %lld\n",
	              (long long)bytes);
	/* An operator (and a test) can see that an acknowledged write was synced. */
	gp_buf_printf(b, "# HELP geopart_database_synchronous PRAGMA synchronous of the database "
	                 "connections (2 = FULL: every commit is synced to disk)\n"
	                 "# TYPE geopart_database_synchronous gauge\n"
	                 "geopart_database_synchronous %d\n"
	                 "# HELP geopart_database_wal 1 when the database journal is a WAL\n"
	                 "# TYPE geopart_database_wal gauge\ngeopart_database_wal %d\n",
	              synchronous, wal);
	if (gp_store_free_bytes(gp_worker_store(w), &free_bytes) == 0)
		gp_buf_printf(b, "# HELP geopart_storage_free_bytes room left on the database's file system\n"
		                 "# TYPE geopart_storage_free_bytes gauge\ngeopart_storage_free_bytes %lld\n",
		              (long long)free_bytes);
	gp_store_fault_get(&fault);
	gp_buf_printf(b, "# HELP geopart_storage_degraded 1 while writes fail (disk full, I/O error)\n"
	                 "# TYPE geopart_storage_degraded gauge\ngeopart_storage_degraded %d\n",
	              fault.active);
	for (int g = 0; g < GP_GAUGE_COUNT; g++)
		gp_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", gp_gauge_name(g),
		              gp_gauge_help(g), gp_gauge_name(g), gp_gauge_name(g),
		              (long long)gp_gauge_get(g));
	gp_buf_printf(b, "# HELP geopart_memory_private_bytes private memory of the server "
	                 "(RssAnon: heap, stacks; not the shared pages of the mapped database file)\n"
	                 "# TYPE geopart_memory_private_bytes gauge\n"
	                 "geopart_memory_private_bytes %lld\n",
	              (long long)gp_metric_private_memory());
	gp_metric_durations(buckets, &sum);
	gp_buf_puts(b, "# HELP geopart_http_request_duration_seconds time to answer a request\n"
	               "# TYPE geopart_http_request_duration_seconds histogram\n");
	for (int i = 0; i < GP_METRIC_BUCKETS; i++)
		gp_buf_printf(b, "geopart_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
		              gp_metric_bucket_ms[i] / 1000.0, (unsigned long long)buckets[i]);
	gp_buf_printf(b, "geopart_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
	                 "geopart_http_request_duration_seconds_sum %.6f\n"
	                 "geopart_http_request_duration_seconds_count %llu\n",
	              (unsigned long long)buckets[GP_METRIC_BUCKETS], sum / 1000.0,
	              (unsigned long long)buckets[GP_METRIC_BUCKETS]);
	gp_http_set_type(x, "text/plain; version=0.0.4; charset=utf-8");
	gp_http_add_header(x, "Cache-Control", "no-store");
	return gp_buf_status(b);
}

const gp_http_route gp_api_ops_routes[] = {
	{ "GET", "/metrics", get_metrics, NULL, GP_HTTP_NO_BODY, 0 },
	{ "GET", "/healthz", healthz, NULL, GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/config", get_config, NULL, GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
