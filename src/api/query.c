/*
 * query.c — the query parameters shared by every point listing, and the
 * listing response itself.
 */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "api_int.h"

int gp_api_crs_param(gp_http_exchange *x, const char *name, gp_crs *out, gp_err *err)
{
	const char *v = gp_http_param(x, name);

	*out = GP_CRS_CRS84;
	if (v && gp_crs_parse(out, v))
		return gp_err_set(err, GP_BAD_REQUEST, name,
		                  "unsupported %s \"%.60s\"; use CRS84, EPSG:25832, EPSG:4326, "
		                  "EPSG:3857 or EPSG:31467 (or their "
		                  "http://www.opengis.net/def/crs/ URIs)", name, v);
	return 0;
}

/* Four (or six) comma-separated finite numbers; n[] gets x/y of both corners. */
static int bbox_numbers(const char *v, double n[4])
{
	double k[6];
	char buf[256], *p, *save = NULL;
	int count = 0;

	if (gp_strlcpy(buf, v, sizeof(buf)) || !*v || v[strlen(v) - 1] == ',' ||
	    v[0] == ',' || strstr(v, ",,"))
		return GP_INVALID;
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (count == 6 || gp_parse_double(&k[count], p))
			return GP_INVALID;
		count++;
	}
	if (count == 4) {
		memcpy(n, k, 4 * sizeof(double));
	} else if (count == 6) { /* minx,miny,minz,maxx,maxy,maxz */
		n[0] = k[0], n[1] = k[1], n[2] = k[3], n[3] = k[4];
	} else {
		return GP_INVALID;
	}
	return 0;
}

int api_parse_bbox(const char *v, gp_bbox *out, gp_err *err)
{
	double n[4];

	if (bbox_numbers(v, n))
		return gp_err_set(err, GP_BAD_REQUEST, "bbox",
		                  "bbox must be four numbers: minlon,minlat,maxlon,maxlat (CRS84)");
	if (n[0] < -180 || n[2] > 180 || n[1] < -90 || n[3] > 90 || n[0] > n[2] || n[1] > n[3])
		return gp_err_set(err, GP_BAD_REQUEST, "bbox",
		                  "bbox must lie within lon ±180, lat ±90 with min ≤ max");
	*out = (gp_bbox){ n[0], n[1], n[2], n[3] };
	return 0;
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


/* Exact test for boxes in a CRS the table has no columns for (EPSG:31467). */
static int keep_in_area(void *ctx, double x, double y)
{
	const gp_api_area *a = ctx;

	if (gp_geo_transform(a->geo, GP_CRS_STORAGE, a->crs, GP_AXIS_AUTHORITY, &x, &y, 1))
		return 0;
	return x >= a->box.minx && x <= a->box.maxx && y >= a->box.miny && y <= a->box.maxy;
}

/*
 * Grid boxes may be a little generous outward and must be strict inward:
 * a metre's worth of degrees absorbs densification and the differences
 * between PROJ's operations through and around the storage CRS.
 */
#define GRID_MARGIN 1e-5

int gp_api_bbox_parse(gp_worker *w, const char *value, gp_crs crs, gp_api_area *area,
                      gp_point_filter *f, gp_err *err)
{
	gp_geo *g = gp_worker_geo(w);
	gp_bbox box, gis, outer, inner;
	double n[4];

	if (bbox_numbers(value, n))
		return gp_err_set(err, GP_BAD_REQUEST, "bbox",
		                  "bbox must be four numbers: minx,miny,maxx,maxy in the axis order "
		                  "of bbox-crs (CRS84: minlon,minlat,maxlon,maxlat)");
	box = (gp_bbox){ n[0], n[1], n[2], n[3] };
	if (box.minx > box.maxx || box.miny > box.maxy)
		return gp_err_set(err, GP_BAD_REQUEST, "bbox",
		                  "bbox minimum exceeds its maximum (boxes across the antimeridian "
		                  "are not supported)");
	if (crs == GP_CRS_EPSG4326) /* lat/lon: the same test as CRS84 */
		box = (gp_bbox){ n[1], n[0], n[3], n[2] };
	if (gp_crs_is_geographic(crs) &&
	    (box.minx < -180 || box.maxx > 180 || box.miny < -90 || box.maxy > 90))
		return gp_err_set(err, GP_BAD_REQUEST, "bbox",
		                  "bbox must lie within longitude ±180 and latitude ±90");
	memset(area, 0, sizeof(*area));
	area->geo = g;
	area->crs = crs;
	area->box = box;
	switch (crs) {
	case GP_CRS_CRS84:
	case GP_CRS_EPSG4326:
		f->has_lonlat = 1;
		f->lonlat = box;
		return 0;
	case GP_CRS_EPSG3857:
		/*
		 * Web Mercator is separable — easting depends on longitude only,
		 * northing on latitude only, both growing — so its box is exactly
		 * a lon/lat box.
		 */
		if (gp_geo_transform(g, crs, GP_CRS_CRS84, GP_AXIS_AUTHORITY, &box.minx,
		                     &box.miny, 1) ||
		    gp_geo_transform(g, crs, GP_CRS_CRS84, GP_AXIS_AUTHORITY, &box.maxx,
		                     &box.maxy, 1))
			break;
		f->has_lonlat = 1;
		f->lonlat = box;
		return 0;
	default:
		gis = crs == GP_CRS_EPSG31467 ? (gp_bbox){ n[1], n[0], n[3], n[2] } : box;
		if (gp_geo_transform_bbox(g, crs, GP_CRS_CRS84, &box, &outer))
			break;
		f->has_grid = 1;
		f->grid_outer = (gp_bbox){ outer.minx - GRID_MARGIN, outer.miny - GRID_MARGIN,
			                   outer.maxx + GRID_MARGIN, outer.maxy + GRID_MARGIN };
		f->has_inner = gp_geo_transform_bbox_inner(g, crs, GP_CRS_CRS84, &gis,
		                                           GRID_MARGIN, &inner) == 0;
		f->grid_inner = inner;
		if (crs == GP_CRS_STORAGE) {
			f->has_xy = 1;
			f->xy = box;
		} else {
			f->keep = keep_in_area;
			f->keep_ctx = area;
		}
		return 0;
	}
	return gp_err_set(err, GP_BAD_REQUEST, "bbox", "bbox lies outside where %s is defined",
	                  gp_crs_code(crs));
}

int gp_api_point_filters(gp_http_exchange *x, gp_worker *w, gp_point_filter *f,
                         gp_err *err)
{
	const gp_config *cfg = gp_worker_config(w);
	const char *v;
	int rc;

	if ((rc = api_category_param(x, &f->category, err)) ||
	    (rc = api_district_param(x, w, &f->district, err)))
		return rc;
	if ((v = gp_http_param(x, "channel"))) {
		gp_channel c;
		if (gp_channel_parse(&c, v))
			return gp_err_set(err, GP_BAD_REQUEST, "channel",
			                  "channel must be online, walk or workshop");
		f->channel = (int)c;
	}
	if ((v = gp_http_param(x, "topic"))) {
		if (!gp_config_has_topic(cfg, v))
			return gp_err_set(err, GP_BAD_REQUEST, "topic",
			                  "unknown topic \"%.40s\"; GET /api/config lists the topics", v);
		f->topic = v;
	}
	return 0;
}

int api_time_range_params(gp_http_exchange *x, char since[GP_TIME_LEN],
                          char until[GP_TIME_LEN], gp_point_filter *f, gp_err *err)
{
	const char *v;

	if ((v = gp_http_param(x, "since"))) {
		if (gp_time_parse(since, v))
			return gp_err_set(err, GP_BAD_REQUEST, "since",
			                  "since must be an RFC 3339 date or date-time, e.g. 2026-11-01 or 2026-11-01T08:00:00Z");
		f->since = since;
	}
	if ((v = gp_http_param(x, "until"))) {
		if (gp_time_parse(until, v))
			return gp_err_set(err, GP_BAD_REQUEST, "until",
			                  "until must be an RFC 3339 date or date-time, e.g. 2026-11-30 or 2026-11-30T18:00:00Z");
		/* A date names a whole day: the stored times have this fixed form. */
		if (strlen(v) == 10)
			memcpy(until + 11, "23:59:59.999Z", 14);
		if (f->since && strcmp(until, f->since) < 0)
			return gp_err_set(err, GP_BAD_REQUEST, "until", "until lies before since");
		f->until = until;
	}
	return 0;
}

int api_point_query_parse(gp_http_exchange *x, gp_worker *w, api_point_query *q,
                          gp_err *err)
{
	gp_point_filter *f = &q->filter;
	const char *v;
	int rc;

	memset(q, 0, sizeof(*q));
	gp_point_filter_init(f);
	f->status = GP_STATUS_PUBLISHED;
	f->limit = API_LIMIT_DEFAULT;
	if ((rc = gp_api_crs_param(x, "crs", &q->crs, err)) ||
	    (rc = gp_api_point_filters(x, w, f, err)))
		return rc;
	if ((rc = api_time_range_params(x, q->since, q->until, f, err)) ||
	    (rc = api_page_params(x, &f->limit, &f->offset, err)))
		return rc;
	/* /api speaks CRS84 boxes only (OGC API adds bbox-crs). */
	if ((v = gp_http_param(x, "bbox")) &&
	    (rc = gp_api_bbox_parse(w, v, GP_CRS_CRS84, &q->area, f, err)))
		return rc;
	return 0;
}

int gp_api_point_coords(gp_worker *w, const gp_point *p, gp_crs crs, double *c0,
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

void gp_api_content_crs(gp_http_exchange *x, gp_crs crs)
{
	char v[128];

	snprintf(v, sizeof(v), "<%s>", gp_crs_uri(crs));
	gp_http_add_header(x, "Content-Crs", v);
}

/*
 * RFC 7946 GeoJSON is CRS84 only.  For any other CRS the output says so
 * explicitly with the 2008 `crs` member, which GDAL and QGIS read.
 */
const char *gp_api_crs_member_uri(gp_crs crs)
{
	return crs == GP_CRS_CRS84 ? NULL : gp_crs_uri(crs);
}

int api_put_point(gp_worker *w, gp_buf *b, const gp_point *p, gp_crs crs, int staff,
                  const char *crs_uri)
{
	double c0, c1;
	int rc;

	if ((rc = gp_api_point_coords(w, p, crs, &c0, &c1)))
		return rc < 0 ? rc : GP_EFAULT;
	if (staff)
		gp_json_point_feature_staff(b, p, c0, c1, gp_crs_decimals(crs), crs_uri);
	else
		gp_json_point_feature(b, p, c0, c1, gp_crs_decimals(crs), crs_uri);
	return gp_buf_status(b);
}

typedef struct listing_ctx {
	gp_worker *w;
	gp_buf *b;
	gp_crs crs;
	int staff;
	int64_t returned;
} listing_ctx;

static int put_feature(void *ctx, const gp_point *p)
{
	listing_ctx *lc = ctx;

	if (lc->returned++)
		gp_buf_putc(lc->b, ',');
	return api_put_point(lc->w, lc->b, p, lc->crs, lc->staff, NULL);
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
	listing_ctx lc = { w, b, q->crs, q->staff, 0 };
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
	if (gp_api_crs_member_uri(q->crs))
		gp_json_put_crs_member(b, gp_api_crs_member_uri(q->crs));
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
	gp_api_content_crs(x, q->crs);
out:
	gp_store_read_end(store);
	return rc;
}

/* A district's id without its layer prefix: a number when it is one. */
static void put_short_id(gp_buf *b, const char *id)
{
	const char *dash = strchr(id, '-');
	const char *num = dash ? dash + 1 : id;
	int64_t n;

	if (num[0] >= '0' && num[0] <= '9' && (num[0] != '0' || !num[1]) &&
	    !gp_parse_i64(&n, num, 0, INT64_MAX))
		gp_buf_puts(b, num);
	else
		gp_json_put_str(b, num);
}

int gp_api_district_feature_open(gp_worker *w, gp_buf *b, const gp_store_district_row *row,
                                 gp_crs crs, int crs_member, int short_id)
{
	int rc;

	gp_buf_putc(b, '{');
	if (crs_member && gp_api_crs_member_uri(crs))
		gp_json_put_crs_member(b, gp_api_crs_member_uri(crs));
	gp_buf_puts(b, "\"type\":\"Feature\",\"id\":");
	if (short_id)
		put_short_id(b, row->id);
	else
		gp_json_put_str(b, row->id);
	gp_buf_puts(b, ",\"geometry\":");
	/* Boundaries come from 1e-7° sources: 7 places (1 cm) say all there is. */
	rc = gp_geo_wkb_write_geojson(gp_worker_geo(w), b, row->wkb, row->wkb_len, crs,
	                              gp_crs_is_geographic(crs) ? 7 : 2);
	if (rc)
		return rc < 0 ? rc : GP_EFAULT;
	gp_buf_puts(b, ",\"properties\":");
	gp_json_district_properties(b, row->id, row->name, gp_layer_name(row->layer),
	                            row->count[GP_CATEGORY_FAVOURITE],
	                            row->count[GP_CATEGORY_IMPROVEMENT]);
	return gp_buf_status(b);
}
