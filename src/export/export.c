/*
 * export.c — GeoJSON and CSV writers over one read transaction.
 */
#include <string.h>

#include "export.h"
#include "json/json.h"

#define FLUSH_AT (64 * 1024)

/* x/y are in the chosen CRS (easting first); lon/lat always CRS84. */
static const char *const csv_columns[] = {
	"id", "category", "comment", "topic", "status", "created", "updated",
	"supporters", "ortsbezirk_id", "ortsbezirk_name", "stadtteil_id",
	"stadtteil_name", "x", "y", "lon", "lat", "wkt"
};

int gp_export_format_parse(gp_export_format *out, const char *s)
{
	if (s && !strcmp(s, "geojson"))
		*out = GP_EXPORT_GEOJSON;
	else if (s && !strcmp(s, "csv"))
		*out = GP_EXPORT_CSV;
	else
		return GP_INVALID;
	return 0;
}

typedef struct run {
	const gp_export_options *opt;
	gp_geo *geo;
	gp_export_sink sink;
	void *sink_ctx;
	gp_buf b;
	int64_t n, total;
	char sep;
} run;

static int flush(run *r, int force)
{
	int rc;

	if ((rc = gp_buf_status(&r->b)))
		return rc;
	if (r->b.len == 0 || (!force && r->b.len < FLUSH_AT))
		return 0;
	rc = r->sink(r->sink_ctx, r->b.data, r->b.len);
	gp_buf_reset(&r->b);
	return rc;
}

/* A CSV field, quoted when it must be; with the Excel guard against formulas. */
static void csv_text(run *r, const char *s)
{
	char specials[] = { '"', r->sep, '\n', '\r', '\0' };
	size_t n;
	int quote;

	if (!s)
		return;
	n = strlen(s);
	quote = s[strcspn(s, specials)] != '\0';
	/*
	 * Spreadsheets execute cells that begin with = + - @ (CSV injection);
	 * in the Excel dialect such text gets a leading apostrophe.
	 */
	if (r->opt->excel && s[0] && strchr("=+-@\t\r", s[0]))
		quote = 2;
	if (!quote) {
		gp_buf_append(&r->b, s, n);
		return;
	}
	gp_buf_putc(&r->b, '"');
	if (quote == 2)
		gp_buf_putc(&r->b, '\'');
	/* Runs between quotes at once; each quote doubled. */
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		gp_buf_append(&r->b, s, (size_t)(q - s) + 1);
		gp_buf_putc(&r->b, '"');
	}
	gp_buf_puts(&r->b, s);
	gp_buf_putc(&r->b, '"');
}

static void csv_number(run *r, double v, int decimals)
{
	size_t at = r->b.len;

	gp_buf_put_fixed(&r->b, v, decimals);
	/* The Excel dialect (German locale) uses a decimal comma. */
	if (r->opt->excel && !gp_buf_status(&r->b))
		for (size_t i = at; i < r->b.len; i++)
			if (r->b.data[i] == '.')
				r->b.data[i] = ',';
}

static int put_point(void *ctx, const gp_point *p)
{
	run *r = ctx;
	gp_crs crs = r->opt->crs;
	int dec = gp_crs_decimals(crs);
	double x = p->x, y = p->y;
	int rc;

	if (crs == GP_CRS_CRS84 || crs == GP_CRS_EPSG4326) {
		x = p->lon;
		y = p->lat;
	} else if (crs != GP_CRS_STORAGE &&
	           (rc = gp_geo_transform(r->geo, GP_CRS_STORAGE, crs, GP_AXIS_GIS, &x, &y, 1))) {
		return rc < 0 ? rc : GP_EFAULT;
	}
	if (r->opt->format == GP_EXPORT_GEOJSON) {
		if (r->n)
			gp_buf_puts(&r->b, ",\n");
		gp_json_point_feature(&r->b, p, x, y, dec, NULL);
	} else {
		char sep = r->sep;
		gp_buf_put_i64(&r->b, p->id);
		gp_buf_putc(&r->b, sep);
		csv_text(r, gp_category_name(p->category));
		gp_buf_putc(&r->b, sep);
		csv_text(r, p->comment);
		gp_buf_putc(&r->b, sep);
		csv_text(r, p->topic);
		gp_buf_putc(&r->b, sep);
		csv_text(r, gp_status_name(p->status));
		gp_buf_putc(&r->b, sep);
		csv_text(r, p->created);
		gp_buf_putc(&r->b, sep);
		csv_text(r, p->updated);
		gp_buf_putc(&r->b, sep);
		gp_buf_put_i64(&r->b, p->supporters);
		gp_buf_putc(&r->b, sep);
		csv_text(r, p->ortsbezirk.id);
		gp_buf_putc(&r->b, sep);
		csv_text(r, p->ortsbezirk.name);
		gp_buf_putc(&r->b, sep);
		csv_text(r, p->stadtteil.id);
		gp_buf_putc(&r->b, sep);
		csv_text(r, p->stadtteil.name);
		gp_buf_putc(&r->b, sep);
		csv_number(r, x, dec);
		gp_buf_putc(&r->b, sep);
		csv_number(r, y, dec);
		gp_buf_putc(&r->b, sep);
		csv_number(r, p->lon, 9);
		gp_buf_putc(&r->b, sep);
		csv_number(r, p->lat, 9);
		gp_buf_putc(&r->b, sep);
		gp_buf_puts(&r->b, "POINT (");
		gp_buf_put_fixed(&r->b, x, dec);
		gp_buf_putc(&r->b, ' ');
		gp_buf_put_fixed(&r->b, y, dec);
		gp_buf_puts(&r->b, ")\r\n");
	}
	r->n++;
	if (r->opt->progress && (r->n % 10000 == 0 || r->n == r->total))
		r->opt->progress(r->opt->progress_ctx, r->n, r->total);
	return flush(r, 0);
}

int gp_export_points(gp_store *s, gp_geo *g, const gp_export_options *opt,
                     gp_export_sink sink, void *ctx, int64_t *out_count)
{
	run r = { opt, g, sink, ctx, { 0 }, 0, 0, opt->excel ? ';' : ',' };
	gp_point_filter f;
	int rc;

	gp_buf_init(&r.b, FLUSH_AT * 4);
	gp_point_filter_init(&f);
	f.status = opt->status;
	if ((rc = gp_store_read_begin(s)))
		goto out;
	if (opt->progress && (rc = gp_store_point_count(s, &f, &r.total)))
		goto out;
	if (opt->format == GP_EXPORT_GEOJSON) {
		gp_buf_puts(&r.b, "{\"type\":\"FeatureCollection\",");
		if (opt->crs != GP_CRS_CRS84)
			gp_json_put_crs_member(&r.b, gp_crs_uri(opt->crs));
		gp_buf_puts(&r.b, "\"features\":[\n");
	} else {
		if (opt->excel)
			gp_buf_puts(&r.b, "\xEF\xBB\xBF");
		for (size_t i = 0; i < sizeof(csv_columns) / sizeof(csv_columns[0]); i++) {
			if (i)
				gp_buf_putc(&r.b, r.sep);
			gp_buf_puts(&r.b, csv_columns[i]);
		}
		gp_buf_puts(&r.b, "\r\n");
	}
	if ((rc = gp_store_point_query(s, &f, put_point, &r)))
		goto out;
	if (opt->format == GP_EXPORT_GEOJSON)
		gp_buf_puts(&r.b, "\n]}\n");
	rc = flush(&r, 1);
	if (out_count)
		*out_count = r.n;
out:
	gp_store_read_end(s);
	gp_buf_free(&r.b);
	return rc;
}
