/*
 * query.c — the query parameters shared by every point listing, and the
 * listing response itself.
 */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "api_int.h"

int api_crs_param(gp_http_exchange *x, gp_crs *out, gp_err *err)
{
	const char *v = gp_http_param(x, "crs");

	*out = GP_CRS_CRS84;
	if (v && gp_crs_parse(out, v))
		return gp_err_set(err, GP_BAD_REQUEST, "crs",
		                  "unsupported crs \"%.60s\"; use CRS84, EPSG:25832, EPSG:4326, "
		                  "EPSG:3857 or EPSG:31467", v);
	return 0;
}

int api_parse_bbox(const char *v, gp_bbox *out, gp_err *err)
{
	double n[4];
	char buf[256], *p, *save = NULL;
	int k = 0;

	if (gp_strlcpy(buf, v, sizeof(buf)))
		goto bad;
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (k == 4 || gp_parse_double(&n[k], p))
			goto bad;
		k++;
	}
	if (k != 4 || v[strlen(v) - 1] == ',' || strstr(v, ",,"))
		goto bad;
	if (n[0] < -180 || n[2] > 180 || n[1] < -90 || n[3] > 90 || n[0] > n[2] ||
	    n[1] > n[3])
		return gp_err_set(err, GP_BAD_REQUEST, "bbox",
		                  "bbox must lie within lon ±180, lat ±90 with min ≤ max");
	*out = (gp_bbox){ n[0], n[1], n[2], n[3] };
	return 0;
bad:
	return gp_err_set(err, GP_BAD_REQUEST, "bbox",
	                  "bbox must be four numbers: minlon,minlat,maxlon,maxlat (CRS84)");
}

int api_category_param(gp_http_exchange *x, int *out, gp_err *err)
{
	const char *v = gp_http_param(x, "category");
	gp_category c;

	*out = -1;
	if (!v)
		return 0;
	if (gp_category_parse(&c, v))
		return gp_err_set(err, GP_BAD_REQUEST, "category",
		                  "category must be favourite or improvement");
	*out = (int)c;
	return 0;
}

int api_district_param(gp_http_exchange *x, gp_worker *w, const char **out, gp_err *err)
{
	const char *v = gp_http_param(x, "district");
	int rc;

	*out = NULL;
	if (!v)
		return 0;
	rc = gp_store_district_list(gp_worker_store(w), -1, v, 0, NULL, NULL);
	if (rc == GP_NOT_FOUND)
		return gp_err_set(err, GP_BAD_REQUEST, "district",
		                  "unknown district \"%.40s\"; GET /api/districts lists them", v);
	if (rc)
		return rc;
	*out = v;
	return 0;
}

int api_page_params(gp_http_exchange *x, int64_t *limit, int64_t *offset, gp_err *err)
{
	const char *v;
	int64_t n;

	if ((v = gp_http_param(x, "limit"))) {
		if (gp_parse_i64(&n, v, 1, API_LIMIT_MAX))
			return gp_err_set(err, GP_BAD_REQUEST, "limit",
			                  "limit must be a whole number from 1 to %d", API_LIMIT_MAX);
		*limit = n;
	}
	if ((v = gp_http_param(x, "offset"))) {
		if (gp_parse_i64(&n, v, 0, INT64_MAX / 2))
			return gp_err_set(err, GP_BAD_REQUEST, "offset",
			                  "offset must be a whole number ≥ 0");
		*offset = n;
	}
	return 0;
}

int api_point_query_parse(gp_http_exchange *x, gp_worker *w, api_point_query *q,
                          gp_err *err)
{
	const gp_config *cfg = gp_worker_config(w);
	gp_point_filter *f = &q->filter;
	const char *v;
	int rc;

	memset(q, 0, sizeof(*q));
	gp_point_filter_init(f);
	f->status = GP_STATUS_PUBLISHED;
	f->limit = API_LIMIT_DEFAULT;
	if ((rc = api_crs_param(x, &q->crs, err)))
		return rc;
	if ((rc = api_category_param(x, &f->category, err)))
		return rc;
	if ((v = gp_http_param(x, "topic"))) {
		if (!gp_config_has_topic(cfg, v))
			return gp_err_set(err, GP_BAD_REQUEST, "topic",
			                  "unknown topic \"%.40s\"; GET /api/config lists the topics", v);
		f->topic = v;
	}
	if ((rc = api_district_param(x, w, &f->district, err)))
		return rc;
	if ((v = gp_http_param(x, "since"))) {
		if (gp_time_parse(q->since, v))
			return gp_err_set(err, GP_BAD_REQUEST, "since",
			                  "since must be an RFC 3339 date or date-time, e.g. 2026-11-01 or 2026-11-01T08:00:00Z");
		f->since = q->since;
	}
	if ((rc = api_page_params(x, &f->limit, &f->offset, err)))
		return rc;
	if ((v = gp_http_param(x, "bbox"))) {
		if ((rc = api_parse_bbox(v, &f->lonlat, err)))
			return rc;
		f->has_lonlat = 1;
		/*
		 * The spatial index lives in EPSG:25832.  A box that PROJ cannot
		 * carry there (half the globe) simply goes without the index; the
		 * exact lon/lat filter still applies.
		 */
		if (gp_geo_transform_bbox(gp_worker_geo(w), GP_CRS_CRS84, GP_CRS_STORAGE,
		                          &f->lonlat, &f->envelope) == 0 &&
		    f->envelope.maxx - f->envelope.minx < 2e6 &&
		    f->envelope.maxy - f->envelope.miny < 2e6) {
			/* float32 R*Tree bounds are rounded outward; widen a little too. */
			f->envelope.minx -= 1;
			f->envelope.miny -= 1;
			f->envelope.maxx += 1;
			f->envelope.maxy += 1;
			f->has_envelope = 1;
		}
	}
	return 0;
}

int api_point_coords(gp_worker *w, const gp_point *p, gp_crs crs, double *c0,
                     double *c1)
{
	switch (crs) {
	case GP_CRS_CRS84:
		*c0 = p->lon;
		*c1 = p->lat;
		return 0;
	case GP_CRS_EPSG4326:
		*c0 = p->lat;
		*c1 = p->lon;
		return 0;
	case GP_CRS_EPSG25832:
		*c0 = p->x;
		*c1 = p->y;
		return 0;
	default:
		*c0 = p->x;
		*c1 = p->y;
		return gp_geo_transform(gp_worker_geo(w), GP_CRS_STORAGE, crs,
		                        GP_AXIS_AUTHORITY, c0, c1, 1);
	}
}

void api_content_crs(gp_http_exchange *x, gp_crs crs)
{
	char v[128];

	snprintf(v, sizeof(v), "<%s>", gp_crs_uri(crs));
	gp_http_add_header(x, "Content-Crs", v);
}

/*
 * RFC 7946 GeoJSON is CRS84 only.  For any other CRS the output says so
 * explicitly with the 2008 `crs` member, which GDAL and QGIS read.
 */
const char *api_crs_member_uri(gp_crs crs)
{
	return crs == GP_CRS_CRS84 ? NULL : gp_crs_uri(crs);
}

typedef struct listing_ctx {
	gp_worker *w;
	gp_buf *b;
	gp_crs crs;
	int64_t returned;
} listing_ctx;

static int put_feature(void *ctx, const gp_point *p)
{
	listing_ctx *lc = ctx;
	double c0, c1;
	int rc;

	if ((rc = api_point_coords(lc->w, p, lc->crs, &c0, &c1)))
		return rc < 0 ? rc : GP_EFAULT;
	if (lc->returned++)
		gp_buf_putc(lc->b, ',');
	gp_json_point_feature(lc->b, p, c0, c1, gp_crs_decimals(lc->crs), NULL);
	return gp_buf_status(lc->b);
}

void api_put_link(gp_http_exchange *x, gp_buf *b, const char *rel, int64_t offset,
                  int first)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", (long long)offset);
	if (!first)
		gp_buf_putc(b, ',');
	gp_buf_puts(b, "{\"rel\":");
	gp_json_put_str(b, rel);
	gp_buf_puts(b, ",\"type\":\"application/geo+json\",\"href\":\"");
	/* URLs built here hold only percent-encoded or safe characters. */
	if (offset < 0)
		gp_http_url_with(x, b, NULL, NULL);
	else
		gp_http_url_with(x, b, "offset", num);
	gp_buf_putc(b, '"');
	gp_buf_putc(b, '}');
}

int api_point_listing(gp_http_exchange *x, gp_worker *w, const api_point_query *q,
                      gp_err *err)
{
	gp_store *store = gp_worker_store(w);
	gp_buf *b = gp_http_out(x);
	listing_ctx lc = { w, b, q->crs, 0 };
	int64_t matched = 0, expected;
	char now[GP_TIME_LEN];
	int rc;

	(void)err;
	/* One snapshot for the count and the page, so the two always agree. */
	if ((rc = gp_store_read_begin(store)))
		return rc;
	if ((rc = gp_store_point_count(store, &q->filter, &matched)))
		goto out;
	expected = matched - q->filter.offset;
	if (expected < 0)
		expected = 0;
	if (expected > q->filter.limit)
		expected = q->filter.limit;
	gp_time_now(now);
	gp_buf_puts(b, "{\"type\":\"FeatureCollection\",");
	if (api_crs_member_uri(q->crs))
		gp_json_put_crs_member(b, api_crs_member_uri(q->crs));
	gp_buf_printf(b, "\"numberMatched\":%lld,\"numberReturned\":%lld,\"timeStamp\":",
	              (long long)matched, (long long)expected);
	gp_json_put_str(b, now);
	gp_buf_puts(b, ",\"features\":[");
	if ((rc = gp_store_point_query(store, &q->filter, put_feature, &lc)))
		goto out;
	if (lc.returned != expected) {
		gp_log_error("listing returned %lld points, counted %lld",
		             (long long)lc.returned, (long long)expected);
		rc = GP_EFAULT;
		goto out;
	}
	gp_buf_puts(b, "],\"links\":[");
	api_put_link(x, b, "self", -1, 1);
	if (q->filter.offset + lc.returned < matched)
		api_put_link(x, b, "next", q->filter.offset + q->filter.limit, 0);
	if (q->filter.offset > 0)
		api_put_link(x, b, "prev",
		         q->filter.offset > q->filter.limit ? q->filter.offset - q->filter.limit : 0,
		         0);
	gp_buf_puts(b, "]}\n");
	if ((rc = gp_buf_status(b)))
		goto out;
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	api_content_crs(x, q->crs);
out:
	gp_store_read_end(store);
	return rc;
}
