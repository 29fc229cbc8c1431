/*
 * listing.c — what every point handler of /api shares: the listing's
 * parameters (parsed by the read layer's query language) and answer, one
 * point as a Feature, CRS headers.
 */
#include <stdio.h>
#include <string.h>

#include "api_int.h"

int api_crs(gp_http_exchange *x, const char *name, gp_crs *out, gp_err *err)
{
	return gp_read_param_crs(out, name, gp_http_param(x, name), err);
}

int api_category_param(gp_http_exchange *x, int *out, gp_err *err)
{
	gp_visibility unused = { 0, 0 }; /* the query only carries the parsed value */
	gp_read_query q;
	int rc;

	gp_read_query_init(&q, &unused);
	rc = gp_read_param_category(&q, gp_http_param(x, "category"), err);
	*out = q.category;
	return rc;
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

int api_point_query(gp_http_exchange *x, gp_read *r, const gp_visibility *vis,
                    gp_read_query *q, gp_err *err)
{
	const char *v;
	int rc;

	gp_read_query_init(q, vis);
	q->limit = API_LIMIT_DEFAULT;
	if ((rc = api_crs(x, "crs", &q->crs, err)) ||
	    (rc = gp_read_param_category(q, gp_http_param(x, "category"), err)) ||
	    (rc = gp_read_param_district(r, q, gp_http_param(x, "district"), err)) ||
	    (rc = gp_read_param_channel(q, gp_http_param(x, "channel"), err)) ||
	    (rc = gp_read_param_topic(r, q, gp_http_param(x, "topic"), err)) ||
	    (rc = gp_read_param_period(q, gp_http_param(x, "since"), gp_http_param(x, "until"),
	                               err)) ||
	    (rc = api_page_params(x, &q->limit, &q->offset, err)))
		return rc;
	/* /api speaks CRS84 boxes only (OGC API adds bbox-crs). */
	if ((rc = gp_read_param_bbox(r, q, gp_http_param(x, "bbox"), GP_CRS_CRS84, err)))
		return rc;
	if ((v = gp_http_param(x, "after"))) {
		if (gp_http_param(x, "offset"))
			return gp_err_set(err, GP_BAD_REQUEST, "after",
			                  "after and offset are two ways to page: use one");
		if ((rc = gp_read_param_after(q, v, err)))
			return rc;
	}
	return 0;
}

void api_put_point(gp_buf *b, const gp_point *p, double c0, double c1, gp_crs crs, int staff,
                   const char *crs_uri)
{
	gp_read_feature how = { .crs = crs, .staff = staff, .crs_uri = crs_uri };
	gp_buf reasons;

	/*
	 * flag_reasons is an object, not a scalar a CSV cell or a GeoPackage
	 * column could hold, so it is no row of the field set: staff get it
	 * here, on the points of /api/admin, as a member after the fields.
	 */
	gp_buf_init(&reasons, 4096);
	if (staff) {
		gp_buf_puts(&reasons, "\"flag_reasons\":");
		gp_json_put_flag_reasons(&reasons, p->flag_reasons);
		if (reasons.failed && !b->failed)
			b->failed = reasons.failed;
		how.extra = reasons.data;
	}
	if (!b->failed)
		gp_read_point_feature(b, p, c0, c1, &how);
	gp_buf_free(&reasons);
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

void api_put_link(gp_http_exchange *x, gp_buf *b, const char *rel, const char *name,
                  const char *value, int first)
{
	if (!first)
		gp_buf_putc(b, ',');
	gp_buf_puts(b, "{\"rel\":");
	gp_json_put_str(b, rel);
	gp_buf_puts(b, ",\"type\":\"application/geo+json\",\"href\":\"");
	/* URLs built here hold only percent-encoded or safe characters. */
	gp_http_url_with(x, b, name, value);
	gp_buf_puts(b, "\"}");
}

int api_put_feature(void *ctx, const gp_point *p, double c0, double c1)
{
	api_features *lc = ctx;

	if (lc->n++)
		gp_buf_putc(lc->b, ',');
	api_put_point(lc->b, p, c0, c1, lc->crs, lc->staff, NULL);
	return gp_buf_status(lc->b);
}

/*
 * The features go straight into the answer, the counts after them (as OGC
 * API's pages have them): a page of 10,000 points is 5 MB, which written
 * aside and copied cost a third of the request.
 */
int api_point_listing(gp_http_exchange *x, gp_read *r, const gp_read_query *q, gp_err *err)
{
	gp_buf *b = gp_http_out(x);
	api_features lc = { b, q->crs, q->vis.staff, 0 };
	char now[GP_TIME_LEN], num[32];
	gp_read_page page;
	int rc;

	gp_buf_puts(b, "{\"type\":\"FeatureCollection\",");
	if (api_crs_member_uri(q->crs))
		gp_json_put_crs_member(b, api_crs_member_uri(q->crs));
	gp_buf_puts(b, "\"features\":[");
	if ((rc = gp_read_points(r, q, api_put_feature, &lc, &page, err)))
		return rc;
	gp_time_now(now);
	gp_buf_printf(b, "],\"numberMatched\":%lld,\"numberReturned\":%lld,\"timeStamp\":",
	              (long long)page.matched, (long long)page.returned);
	gp_json_put_str(b, now);
	gp_buf_puts(b, ",\"links\":[");
	api_put_link(x, b, "self", NULL, NULL, 1);
	if (q->after[0]) {
		/* Keyset paging goes forward only. */
		if (page.more)
			api_put_link(x, b, "next", "after", page.next, 0);
	} else {
		if (q->offset + page.returned < page.matched) {
			snprintf(num, sizeof(num), "%lld", (long long)(q->offset + q->limit));
			api_put_link(x, b, "next", "offset", num, 0);
		}
		if (q->offset > 0) {
			snprintf(num, sizeof(num), "%lld",
			         (long long)(q->offset > q->limit ? q->offset - q->limit : 0));
			api_put_link(x, b, "prev", "offset", num, 0);
		}
	}
	gp_buf_puts(b, "]}\n");
	if ((rc = gp_buf_status(b)))
		return rc;
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	api_content_crs(x, q->crs);
	return 0;
}

int api_point_id(gp_http_exchange *x, int64_t *out, gp_err *err)
{
	const char *v = gp_http_arg(x, "id");

	if (!v || v[0] == '+' || v[0] == '-' || gp_parse_i64(out, v, 1, INT64_MAX))
		return gp_err_set(err, GP_NOT_FOUND, "id", "no point with id \"%.40s\"", v ? v : "");
	return 0;
}

typedef struct single_ctx {
	gp_buf *b;
	gp_crs crs;
	int staff;
} single_ctx;

static int put_single(void *ctx, const gp_point *p, double c0, double c1)
{
	single_ctx *sc = ctx;

	api_put_point(sc->b, p, c0, c1, sc->crs, sc->staff, api_crs_member_uri(sc->crs));
	gp_buf_putc(sc->b, '\n');
	return gp_buf_status(sc->b);
}

int api_write_point(gp_http_exchange *x, gp_worker *w, const gp_visibility *vis, int64_t id,
                    gp_crs crs, gp_err *err)
{
	single_ctx sc = { gp_http_out(x), crs, vis->staff };
	int rc;

	if ((rc = gp_read_point(gp_worker_read(w), vis, id, crs, put_single, &sc, err)))
		return rc;
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	api_content_crs(x, crs);
	return 0;
}
