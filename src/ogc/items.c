/*
 * items.c — features: pages of a collection (…/items) and one feature
 * (…/items/{featureId}), for the points and the two district layers, as
 * the read layer reads them (what a citizen sees).
 *
 * Points: the count (numberMatched) and the page come from one read
 * transaction, so they agree.  Without bbox the page is in id order; with
 * bbox it is in grid-cell order, so a page of a small area is read without
 * sorting everything in it.  Either way the next link carries every
 * parameter plus `after`, the position of the page's last point, so paging
 * never skips or repeats a point, and a deep page costs what the first does.
 *
 * Districts are few (tens): they are read whole, tested against bbox in
 * the bbox's own CRS, and paged with offset.
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
	gp_buf *b;
	gp_crs crs;
	int64_t n;
} point_page;

static int put_point(void *ctx, const gp_point *p, double c0, double c1)
{
	point_page *pp = ctx;

	if (pp->n++)
		gp_buf_putc(pp->b, ',');
	gp_read_point_feature(pp->b, p, c0, c1, &(gp_read_feature){ .crs = pp->crs });
	return gp_buf_status(pp->b);
}

/* Public: GIS staff see what a citizen sees. */
int ogc_point_items(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_read *r = gp_worker_read(w);
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	point_page pp = { gp_http_out(x), GP_CRS_CRS84, 0 };
	gp_read_page page;
	gp_read_query q;
	gp_crs bbox_crs;
	int rc;

	gp_read_query_init(&q, &vis);
	/* The queryable fields of the field set, each its own parameter. */
	for (size_t i = 0; i < gp_read_point_field_count; i++) {
		const gp_read_field *f = &gp_read_point_fields[i];
		if (f->param && (rc = f->param(r, &q, gp_http_param(x, f->column.name), err)))
			return rc;
	}
	if ((rc = ogc_format(x, err)) || (rc = ogc_crs(x, "crs", &q.crs, err)) ||
	    (rc = ogc_crs(x, "bbox-crs", &bbox_crs, err)) ||
	    (rc = gp_read_param_district(r, &q, gp_http_param(x, "district"), err)) ||
	    (rc = parse_limit(x, &q.limit, err)) ||
	    (rc = gp_read_param_datetime(&q, gp_http_param(x, "datetime"), err)) ||
	    (rc = gp_read_param_bbox(r, &q, gp_http_param(x, "bbox"), bbox_crs, err)) ||
	    (rc = gp_read_param_after(&q, gp_http_param(x, "after"), err)))
		return rc;
	pp.crs = q.crs;
	gp_buf_puts(pp.b, "{\"type\":\"FeatureCollection\",");
	if (ogc_crs_member_uri(q.crs))
		gp_json_put_crs_member(pp.b, ogc_crs_member_uri(q.crs));
	gp_buf_puts(pp.b, "\"features\":[");
	if ((rc = gp_read_points(r, &q, put_point, &pp, &page, err)))
		return rc;
	page_end(x, pp.b, &ogc_collections[0], page.matched, page.returned,
	         page.more ? "after" : NULL, page.next);
	if ((rc = gp_buf_status(pp.b)))
		return rc;
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	ogc_content_crs(x, q.crs);
	return 0;
}

/* ---- districts ------------------------------------------------------------- */

typedef struct district_page {
	gp_read *r;
	gp_buf *b;
	gp_crs crs;
	const gp_read_area *area; /* NULL without bbox */
	int64_t offset, limit, matched, returned;
	int single;
	gp_http_exchange *x;
	const ogc_collection *c;
} district_page;

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

static int put_district(void *ctx, const gp_read_district *d)
{
	district_page *dp = ctx;
	const gp_config *cfg = gp_worker_config(gp_http_worker(dp->x));
	gp_buf *b = dp->b, extra;
	int rc;

	if (dp->area) {
		int hit = 0;
		if ((rc = gp_read_district_hits(dp->r, d, dp->area, &hit)))
			return rc;
		if (!hit)
			return 0;
	}
	if (dp->matched++ < dp->offset || dp->returned >= dp->limit)
		return 0;
	if (dp->returned++)
		gp_buf_putc(b, ',');
	gp_buf_putc(b, '{');
	if (dp->single && ogc_crs_member_uri(dp->crs))
		gp_json_put_crs_member(b, ogc_crs_member_uri(dp->crs));
	gp_buf_puts(b, "\"type\":\"Feature\",\"id\":");
	put_short_id(b, d->id);
	gp_buf_puts(b, ",\"geometry\":");
	if ((rc = gp_read_district_geometry(dp->r, b, d, dp->crs)))
		return rc;
	gp_buf_puts(b, ",\"properties\":");
	/* Flat counts by channel and topic, as GIS attribute tables show them. */
	gp_buf_init(&extra, 4096);
	for (int k = 0; k < GP_CHANNEL_COUNT; k++)
		gp_buf_printf(&extra, "%s\"channel_%s\":%lld", k ? "," : "",
		              gp_channel_name((gp_channel)k), (long long)d->channel[k]);
	for (size_t t = 0; t < d->ntopics; t++) {
		/* topic ids hold only a-z, 0-9 and _ (config.c): nothing to escape */
		gp_buf_printf(&extra, ",\"topic_%s\":%lld", cfg->topics[t].id,
		              (long long)d->topic[t]);
	}
	if (!(rc = gp_buf_status(&extra)))
		gp_json_district_properties(b, d->id, d->name, gp_layer_name(d->layer),
		                            d->count[GP_CATEGORY_FAVOURITE],
		                            d->count[GP_CATEGORY_IMPROVEMENT], gp_buf_cstr(&extra));
	gp_buf_free(&extra);
	if (rc)
		return rc;
	if (dp->single) {
		char alt[160];
		int n = 0;
		snprintf(alt, sizeof(alt), "/api/districts/%s", d->id);
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
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	district_page dp = { gp_worker_read(w), gp_http_out(x), GP_CRS_CRS84, NULL, 0, 0, 0, 0,
		             0, x, c };
	char next[32];
	const char *v;
	gp_read_query q;
	gp_crs bbox_crs;
	int rc;

	gp_read_query_init(&q, &vis);
	if ((rc = ogc_format(x, err)) || (rc = ogc_crs(x, "crs", &dp.crs, err)) ||
	    (rc = ogc_crs(x, "bbox-crs", &bbox_crs, err)) ||
	    (rc = parse_limit(x, &dp.limit, err)) ||
	    /* checked, but boundaries have no time to compare it with */
	    (rc = gp_read_param_datetime(&q, gp_http_param(x, "datetime"), err)))
		return rc;
	if ((v = gp_http_param(x, "offset")) &&
	    (v[0] == '+' || gp_parse_i64(&dp.offset, v, 0, INT64_MAX / 2)))
		return gp_err_set(err, GP_BAD_REQUEST, "offset",
		                  "offset must be a whole number ≥ 0");
	if ((rc = gp_read_param_bbox(dp.r, &q, gp_http_param(x, "bbox"), bbox_crs, err)))
		return rc;
	if (q.area.set)
		dp.area = &q.area;
	gp_buf_puts(dp.b, "{\"type\":\"FeatureCollection\",");
	if (ogc_crs_member_uri(dp.crs))
		gp_json_put_crs_member(dp.b, ogc_crs_member_uri(dp.crs));
	gp_buf_puts(dp.b, "\"features\":[");
	if ((rc = gp_read_districts(dp.r, &vis, c->layer, NULL, 1, put_district, &dp, err)))
		return rc;
	snprintf(next, sizeof(next), "%lld", (long long)(dp.offset + dp.limit));
	page_end(x, dp.b, c, dp.matched, dp.returned,
	         dp.offset + dp.returned < dp.matched ? "offset" : NULL, next);
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	ogc_content_crs(x, dp.crs);
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
	gp_crs crs;
} point_item;

static int put_point_item(void *ctx, const gp_point *p, double c0, double c1)
{
	point_item *pi = ctx;
	gp_buf *b = gp_http_out(pi->x), href;
	int n = 0;

	gp_read_point_feature(b, p, c0, c1,
	                      &(gp_read_feature){ .crs = pi->crs,
	                                          .crs_uri = ogc_crs_member_uri(pi->crs),
	                                          .open = 1 });
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
	gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
	const char *id = gp_http_arg(x, "featureId");
	const ogc_collection *c;
	gp_crs crs;
	int rc;

	if ((rc = ogc_format(x, err)) || (rc = ogc_collection_arg(x, &c, err)) ||
	    (rc = ogc_crs(x, "crs", &crs, err)))
		return rc;
	if (c->layer < 0) {
		point_item pi = { x, crs };
		gp_err unused;
		int64_t n;
		if (id[0] == '+' || id[0] == '-' || gp_parse_i64(&n, id, 1, INT64_MAX))
			return gp_err_set(err, GP_NOT_FOUND, "featureId", "no point \"%.40s\"", id);
		rc = gp_read_point(gp_worker_read(w), &vis, n, crs, put_point_item, &pi, &unused);
		if (rc == GP_NOT_FOUND)
			return gp_err_set(err, GP_NOT_FOUND, "featureId", "no published point %lld",
			                  (long long)n);
	} else {
		district_page dp = { gp_worker_read(w), gp_http_out(x), crs, NULL, 0, 1, 0, 0, 1, x,
			             c };
		char full[96];
		gp_err unused;
		snprintf(full, sizeof(full), "%s%.60s", gp_layer_id_prefix((gp_layer)c->layer), id);
		rc = gp_read_districts(dp.r, &vis, c->layer, full, 1, put_district, &dp, &unused);
		if (rc == GP_NOT_FOUND)
			return gp_err_set(err, GP_NOT_FOUND, "featureId", "no %s feature \"%.40s\"",
			                  c->id, id);
		if (!rc)
			gp_buf_putc(dp.b, '\n');
	}
	if (rc)
		return rc;
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	ogc_content_crs(x, crs);
	return 0;
}
