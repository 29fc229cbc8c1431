/*
 * items.c — features: pages of a collection (…/items) and one feature
 * (…/items/{featureId}), for the points and the two district layers.
 *
 * Points: the count (numberMatched) and the page come from one read
 * transaction, so they agree.  Without bbox the page is in id order; with
 * bbox it is in grid-cell order, so a page of a small area is read without
 * sorting everything in it (store.h).  Either way the next link carries
 * every parameter plus `after`, the position of the page's last point, so
 * paging never skips or repeats a point, however deep it goes.
 *
 * Districts are few (tens): they are read whole, tested against bbox with
 * GEOS in the bbox's own CRS, and paged with offset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ogc_int.h"

/* limit: a whole number ≥ 1; above the maximum it is reduced, as OGC says. */
static int parse_limit(gp_http_exchange *x, int64_t *out, gp_err *err)
{
	const char *v = gp_http_param(x, "limit");

	*out = OGC_LIMIT_DEFAULT;
	if (!v)
		return 0;
	if (v[0] == '+' || gp_parse_i64(out, v, 1, INT64_MAX))
		return gp_err_set(err, GP_BAD_REQUEST, "limit",
		                  "limit must be a whole number from 1 (larger than %d means %d)",
		                  OGC_LIMIT_MAX, OGC_LIMIT_MAX);
	if (*out > OGC_LIMIT_MAX)
		*out = OGC_LIMIT_MAX;
	return 0;
}

/*
 * One end of a datetime interval: "" or ".." is open (0); a date-time is
 * itself; a date means its first millisecond as a start, its last as an
 * end, so "2026-11-26" as a whole is that day.
 */
static int interval_end(const char *v, size_t n, int is_end, char out[GP_TIME_LEN])
{
	char text[64];

	if (n == 0 || (n == 2 && strncmp(v, "..", 2) == 0))
		return 0;
	if (n >= sizeof(text) - 16)
		return -1;
	memcpy(text, v, n);
	text[n] = '\0';
	if (n == 10 && is_end)
		strcat(text, "T23:59:59.999Z");
	return gp_time_parse(out, text) ? -1 : 1;
}

static int parse_datetime(gp_http_exchange *x, char since[GP_TIME_LEN],
                          char until[GP_TIME_LEN], gp_point_filter *f, gp_err *err)
{
	const char *v = gp_http_param(x, "datetime"), *slash;
	int a, b;

	if (!v)
		return 0;
	slash = strchr(v, '/');
	if (!slash) {
		a = interval_end(v, strlen(v), 0, since);
		b = interval_end(v, strlen(v), 1, until);
		if (a != 1 || b != 1)
			goto bad;
	} else {
		a = interval_end(v, (size_t)(slash - v), 0, since);
		b = interval_end(slash + 1, strlen(slash + 1), 1, until);
		if (a < 0 || b < 0 || strchr(slash + 1, '/'))
			goto bad;
		if (a == 1 && b == 1 && strcmp(since, until) > 0)
			return gp_err_set(err, GP_BAD_REQUEST, "datetime",
			                  "datetime interval ends before it starts");
	}
	f->since = a == 1 ? since : NULL;
	f->until = b == 1 ? until : NULL;
	return 0;
bad:
	return gp_err_set(err, GP_BAD_REQUEST, "datetime",
	                  "datetime must be an RFC 3339 date-time or date, or an interval "
	                  "start/end with '..' or nothing for an open end, e.g. "
	                  "2026-11-01T00:00:00Z/..");
}

/* The collection link every page and feature carries. */
static void collection_link(gp_http_exchange *x, gp_buf *b, int *n, const ogc_collection *c)
{
	char path[128];

	snprintf(path, sizeof(path), "/collections/%s", c->id);
	ogc_link(x, b, n, "collection", OGC_JSON, c->title, path);
}

/* A link to the current request, with `name` set to `value` (or as is). */
static void page_link(gp_http_exchange *x, gp_buf *b, int *n, const char *rel,
                      const char *name, const char *value)
{
	if ((*n)++)
		gp_buf_putc(b, ',');
	gp_buf_puts(b, "{\"rel\":");
	gp_json_put_str(b, rel);
	gp_buf_puts(b, ",\"type\":\"application/geo+json\",\"href\":\"");
	/* URLs built here hold only percent-encoded or safe characters. */
	gp_http_url_with(x, b, name, value);
	gp_buf_puts(b, "\"}");
}

/* Closes a FeatureCollection: counts, time stamp, links. */
static void page_end(gp_http_exchange *x, gp_buf *b, const ogc_collection *c, int64_t matched,
                     int64_t returned, const char *next_name, const char *next_value)
{
	char now[GP_TIME_LEN];
	int n = 0;

	gp_time_now(now);
	gp_buf_printf(b, "],\"numberMatched\":%lld,\"numberReturned\":%lld,\"timeStamp\":",
	              (long long)matched, (long long)returned);
	gp_json_put_str(b, now);
	gp_buf_puts(b, ",\"links\":[");
	page_link(x, b, &n, "self", NULL, NULL);
	if (next_name)
		page_link(x, b, &n, "next", next_name, next_value);
	collection_link(x, b, &n, c);
	gp_buf_puts(b, "]}\n");
}

/* ---- points ---------------------------------------------------------------- */

typedef struct point_page {
	gp_worker *w;
	gp_buf *b;
	gp_crs crs;
	int64_t limit;
	int64_t returned;
	int more;
	int64_t last_cell, last_id;
} point_page;

static int put_point(void *ctx, const gp_point *p)
{
	point_page *pp = ctx;
	double c0, c1;
	int rc;

	if (pp->returned == pp->limit) { /* the one fetched beyond the page */
		pp->more = 1;
		return 0;
	}
	if ((rc = gp_api_point_coords(pp->w, p, pp->crs, &c0, &c1)))
		return rc < 0 ? rc : GP_EFAULT;
	if (pp->returned++)
		gp_buf_putc(pp->b, ',');
	gp_json_point_feature(pp->b, p, c0, c1, gp_crs_decimals(pp->crs), NULL);
	pp->last_cell = gp_store_point_cell(p->lon, p->lat);
	pp->last_id = p->id;
	return gp_buf_status(pp->b);
}

/* after: "ID" in id order, "CELL:ID" in cell order (as next links make them). */
static int parse_after(gp_http_exchange *x, gp_point_filter *f, gp_err *err)
{
	const char *v = gp_http_param(x, "after"), *colon;
	char cell[32];

	if (!v)
		return 0;
	colon = strchr(v, ':');
	if (f->order == GP_ORDER_CELL && colon && (size_t)(colon - v) < sizeof(cell)) {
		memcpy(cell, v, (size_t)(colon - v));
		cell[colon - v] = '\0';
		if (cell[0] != '+' && colon[1] != '+' &&
		    !gp_parse_i64(&f->after_cell, cell, 0, INT64_MAX) &&
		    !gp_parse_i64(&f->after_id, colon + 1, 1, INT64_MAX))
			return 0;
	} else if (f->order == GP_ORDER_ID && !colon && v[0] != '+' &&
	           !gp_parse_i64(&f->after_id, v, 1, INT64_MAX)) {
		return 0;
	}
	return gp_err_set(err, GP_BAD_REQUEST, "after",
	                  "after is a position taken from a next link of the same query");
}

int ogc_point_items(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_store *s = gp_worker_store(w);
	point_page pp = { w, gp_http_out(x), GP_CRS_CRS84, 0, 0, 0, 0, 0 };
	char since[GP_TIME_LEN], until[GP_TIME_LEN], next[64];
	const char *bbox = gp_http_param(x, "bbox");
	gp_point_filter f;
	gp_api_area area;
	gp_crs bbox_crs;
	int64_t matched = 0;
	int rc;

	gp_point_filter_init(&f);
	f.status = GP_STATUS_PUBLISHED;
	if ((rc = ogc_format(x, err)) || (rc = gp_api_crs_param(x, "crs", &pp.crs, err)) ||
	    (rc = gp_api_crs_param(x, "bbox-crs", &bbox_crs, err)) ||
	    (rc = gp_api_point_filters(x, w, &f, err)) || (rc = parse_limit(x, &pp.limit, err)) ||
	    (rc = parse_datetime(x, since, until, &f, err)))
		return rc;
	if (bbox) {
		if ((rc = gp_api_bbox_parse(w, bbox, bbox_crs, &area, &f, err)))
			return rc;
		f.order = GP_ORDER_CELL;
	}
	if ((rc = parse_after(x, &f, err)))
		return rc;
	f.limit = pp.limit + 1; /* one more tells whether a next page exists */

	/* One snapshot for the count and the page, so the two always agree. */
	if ((rc = gp_store_read_begin(s)))
		return rc;
	if ((rc = gp_store_point_count(s, &f, &matched)))
		goto out;
	gp_buf_puts(pp.b, "{\"type\":\"FeatureCollection\",");
	if (gp_api_crs_member_uri(pp.crs))
		gp_json_put_crs_member(pp.b, gp_api_crs_member_uri(pp.crs));
	gp_buf_puts(pp.b, "\"features\":[");
	if ((rc = gp_store_point_query(s, &f, put_point, &pp)))
		goto out;
	if (f.order == GP_ORDER_CELL)
		snprintf(next, sizeof(next), "%lld:%lld", (long long)pp.last_cell,
		         (long long)pp.last_id);
	else
		snprintf(next, sizeof(next), "%lld", (long long)pp.last_id);
	page_end(x, pp.b, &ogc_collections[0], matched, pp.returned, pp.more ? "after" : NULL,
	         next);
	if ((rc = gp_buf_status(pp.b)))
		goto out;
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	gp_api_content_crs(x, pp.crs);
out:
	gp_store_read_end(s);
	return rc;
}

/* ---- districts ------------------------------------------------------------- */

typedef struct district_page {
	gp_worker *w;
	gp_buf *b;
	gp_crs crs;
	const gp_api_area *area; /* NULL without bbox */
	gp_crs test_crs;
	int64_t offset, limit, matched, returned;
	int single;
	gp_http_exchange *x;
	const ogc_collection *c;
} district_page;

static int put_district(void *ctx, const gp_store_district_row *row)
{
	district_page *dp = ctx;
	gp_buf *b = dp->b;
	int rc;

	if (dp->area) {
		gp_bbox ext;
		int hit = 0;
		rc = gp_geo_wkb_measure(gp_worker_geo(dp->w), row->wkb, row->wkb_len, dp->test_crs,
		                        &dp->area->box, &ext, &hit);
		if (rc)
			return rc < 0 ? rc : GP_EFAULT;
		if (!hit)
			return 0;
	}
	if (dp->matched++ < dp->offset || dp->returned >= dp->limit)
		return 0;
	if (dp->returned++)
		gp_buf_putc(b, ',');
	if ((rc = gp_api_district_feature_open(dp->w, b, row, dp->crs, dp->single, 1)))
		return rc;
	if (dp->single) {
		char alt[160];
		int n = 0;
		snprintf(alt, sizeof(alt), "/api/districts/%s", row->id);
		gp_buf_puts(b, ",\"links\":[");
		page_link(dp->x, b, &n, "self", NULL, NULL);
		if (n++)
			gp_buf_putc(b, ',');
		gp_buf_puts(b, "{\"rel\":\"alternate\",\"type\":\"application/geo+json\","
		               "\"title\":\"This district in geopart's own API\",\"href\":");
		{
			gp_buf href;
			gp_buf_init(&href, 4096);
			gp_http_base_url(dp->x, &href);
			gp_buf_puts(&href, alt);
			gp_json_put_str(b, gp_buf_cstr(&href));
			gp_buf_free(&href);
		}
		gp_buf_putc(b, '}');
		collection_link(dp->x, b, &n, dp->c);
		gp_buf_putc(b, ']');
	}
	gp_buf_putc(b, '}');
	return gp_buf_status(b);
}

static int district_items(gp_http_exchange *x, const ogc_collection *c, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	district_page dp = { w, gp_http_out(x), GP_CRS_CRS84, NULL, GP_CRS_CRS84, 0, 0, 0, 0,
		             0, x, c };
	char since[GP_TIME_LEN], until[GP_TIME_LEN], next[32];
	const char *bbox = gp_http_param(x, "bbox"), *v;
	gp_point_filter unused;
	gp_api_area area;
	gp_crs bbox_crs;
	int rc;

	gp_point_filter_init(&unused);
	if ((rc = ogc_format(x, err)) || (rc = gp_api_crs_param(x, "crs", &dp.crs, err)) ||
	    (rc = gp_api_crs_param(x, "bbox-crs", &bbox_crs, err)) ||
	    (rc = parse_limit(x, &dp.limit, err)) ||
	    /* checked, but boundaries have no time to compare it with */
	    (rc = parse_datetime(x, since, until, &unused, err)))
		return rc;
	if ((v = gp_http_param(x, "offset")) &&
	    (v[0] == '+' || gp_parse_i64(&dp.offset, v, 0, INT64_MAX / 2)))
		return gp_err_set(err, GP_BAD_REQUEST, "offset",
		                  "offset must be a whole number ≥ 0");
	if (bbox) {
		if ((rc = gp_api_bbox_parse(w, bbox, bbox_crs, &area, &unused, err)))
			return rc;
		dp.area = &area;
		/* The area keeps an EPSG:4326 box in lon/lat order. */
		dp.test_crs = area.crs == GP_CRS_EPSG4326 ? GP_CRS_CRS84 : area.crs;
	}
	gp_buf_puts(dp.b, "{\"type\":\"FeatureCollection\",");
	if (gp_api_crs_member_uri(dp.crs))
		gp_json_put_crs_member(dp.b, gp_api_crs_member_uri(dp.crs));
	gp_buf_puts(dp.b, "\"features\":[");
	if ((rc = gp_store_district_list(gp_worker_store(w), c->layer, NULL, 1, put_district,
	                                 &dp)))
		return rc;
	snprintf(next, sizeof(next), "%lld", (long long)(dp.offset + dp.limit));
	page_end(x, dp.b, c, dp.matched, dp.returned,
	         dp.offset + dp.returned < dp.matched ? "offset" : NULL, next);
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	gp_api_content_crs(x, dp.crs);
	return gp_buf_status(dp.b);
}

int ogc_items(gp_http_exchange *x, gp_err *err)
{
	const ogc_collection *c;
	int rc;

	if ((rc = ogc_collection_arg(x, &c, err)))
		return rc;
	if (c->layer < 0) /* not reached: the points route has its own entry */
		return ogc_point_items(x, err);
	return district_items(x, c, err);
}

/* ---- one feature ------------------------------------------------------------ */

typedef struct point_item {
	gp_http_exchange *x;
	gp_worker *w;
	gp_crs crs;
} point_item;

static int put_point_item(void *ctx, const gp_point *p)
{
	point_item *pi = ctx;
	gp_buf *b = gp_http_out(pi->x), href;
	double c0, c1;
	int n = 0, rc;

	if ((rc = gp_api_point_coords(pi->w, p, pi->crs, &c0, &c1)))
		return rc < 0 ? rc : GP_EFAULT;
	gp_json_point_feature_open(b, p, c0, c1, gp_crs_decimals(pi->crs),
	                           gp_api_crs_member_uri(pi->crs));
	gp_buf_puts(b, ",\"links\":[");
	page_link(pi->x, b, &n, "self", NULL, NULL);
	gp_buf_init(&href, 4096);
	gp_http_base_url(pi->x, &href);
	gp_buf_printf(&href, "/api/points/%lld", (long long)p->id);
	gp_buf_puts(b, ",{\"rel\":\"alternate\",\"type\":\"application/geo+json\","
	               "\"title\":\"This point in geopart's own API\",\"href\":");
	gp_json_put_str(b, gp_buf_cstr(&href));
	gp_buf_putc(b, '}');
	n++;
	gp_buf_free(&href);
	collection_link(pi->x, b, &n, &ogc_collections[0]);
	gp_buf_puts(b, "]}\n");
	return gp_buf_status(b);
}

int ogc_item(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	const char *id = gp_http_arg(x, "featureId");
	const ogc_collection *c;
	gp_crs crs;
	int rc;

	if ((rc = ogc_format(x, err)) || (rc = ogc_collection_arg(x, &c, err)) ||
	    (rc = gp_api_crs_param(x, "crs", &crs, err)))
		return rc;
	if (c->layer < 0) {
		point_item pi = { x, w, crs };
		int64_t n;
		if (id[0] == '+' || id[0] == '-' || gp_parse_i64(&n, id, 1, INT64_MAX))
			return gp_err_set(err, GP_NOT_FOUND, "featureId", "no point \"%.40s\"", id);
		rc = gp_store_point_get(gp_worker_store(w), n, GP_STATUS_PUBLISHED, put_point_item,
		                        &pi);
		if (rc == GP_NOT_FOUND)
			return gp_err_set(err, GP_NOT_FOUND, "featureId", "no published point %lld",
			                  (long long)n);
	} else {
		district_page dp = { w, gp_http_out(x), crs, NULL, crs, 0, 1, 0, 0, 1, x, c };
		char full[96];
		snprintf(full, sizeof(full), "%s%.60s", gp_layer_id_prefix((gp_layer)c->layer), id);
		rc = gp_store_district_list(gp_worker_store(w), c->layer, full, 1, put_district, &dp);
		if (rc == GP_NOT_FOUND)
			return gp_err_set(err, GP_NOT_FOUND, "featureId", "no %s feature \"%.40s\"",
			                  c->id, id);
		if (!rc)
			gp_buf_putc(dp.b, '\n');
	}
	if (rc)
		return rc;
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	gp_api_content_crs(x, crs);
	return 0;
}
