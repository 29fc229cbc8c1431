/*
 * clusters.c — /api/clusters, the map's clusters and single points for a
 * box and a zoom, and /api/clusters/{cluster_id}/leaves, the points of one
 * cluster.  Both read one snapshot of the shared cluster index through the
 * read layer, never the database, so they cost no SQL and never wait for a
 * rebuild; the index holds what a citizen sees.
 */
#include <stdio.h>
#include <string.h>

#include "api_int.h"
#include "cluster/cluster.h" /* GP_CLUSTER_ZOOM_MAX */

/* A whole-city answer at a high zoom can be tens of megabytes: stream it. */
#define STREAM_AT (1u << 20)

static int zoom_param(gp_http_exchange *x, int *out, gp_err *err)
{
	const char *v = gp_http_param(x, "zoom");
	int64_t z;

	if (!v)
		return gp_err_set(err, GP_BAD_REQUEST, "zoom",
		                  "zoom is required: a whole number from 0 to %d",
		                  GP_CLUSTER_ZOOM_MAX);
	if (gp_parse_i64(&z, v, 0, GP_CLUSTER_ZOOM_MAX))
		return gp_err_set(err, GP_BAD_REQUEST, "zoom",
		                  "zoom must be a whole number from 0 to %d", GP_CLUSTER_ZOOM_MAX);
	*out = (int)z;
	return 0;
}

typedef struct cluster_out {
	gp_http_exchange *x;
	gp_buf *b;
	int64_t n;
} cluster_out;

static int put_node(void *ctx, const gp_read_cluster *c)
{
	cluster_out *o = ctx;

	if (o->n++)
		gp_buf_putc(o->b, ',');
	if (c->is_cluster)
		gp_json_cluster_feature(o->b, c->id, c->lon, c->lat, c->count, c->counts,
		                        c->expansion_zoom);
	else
		gp_read_point_feature(o->b, c->point, c->point->lon, c->point->lat,
		                      &(gp_read_feature){ .crs = GP_CRS_CRS84 });
	if (o->b->len >= STREAM_AT)
		return gp_http_stream_flush(o->x);
	return gp_buf_status(o->b);
}

static int get_clusters(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_visibility unused = { 0, 0 }; /* the query only carries the parsed box */
	gp_bbox box = { -180, -90, 180, 90 };
	cluster_out o = { x, gp_http_out(x), 0 };
	gp_read_query q;
	int zoom = 0, category, rc;

	gp_read_query_init(&q, &unused);
	if ((rc = zoom_param(x, &zoom, err)) || (rc = api_category_param(x, &category, err)) ||
	    (rc = gp_read_param_bbox(gp_worker_read(w), &q, gp_http_param(x, "bbox"),
	                             GP_CRS_CRS84, err)))
		return rc;
	if (q.area.set)
		box = q.area.lonlat;
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	api_content_crs(x, GP_CRS_CRS84);
	gp_buf_puts(o.b, "{\"type\":\"FeatureCollection\",\"features\":[");
	rc = gp_read_clusters(gp_worker_read(w), &box, zoom, category, put_node, &o, err);
	gp_buf_printf(o.b, "],\"numberReturned\":%lld,\"zoom\":%d}\n", (long long)o.n, zoom);
	return rc ? rc : gp_buf_status(o.b);
}

typedef struct leaves_out {
	gp_buf *b; /* the features, written aside until the count is known */
	int64_t n;
} leaves_out;

static int put_leaf(void *ctx, const gp_point *p)
{
	leaves_out *o = ctx;

	if (o->n++)
		gp_buf_putc(o->b, ',');
	gp_read_point_feature(o->b, p, p->lon, p->lat, &(gp_read_feature){ .crs = GP_CRS_CRS84 });
	return gp_buf_status(o->b);
}

static int get_leaves(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	const char *v = gp_http_arg(x, "cluster_id");
	int64_t id, limit = API_LIMIT_DEFAULT, offset = 0, count = 0;
	gp_buf *b = gp_http_out(x), features;
	leaves_out o = { &features, 0 };
	char num[32];
	int rc;

	if ((rc = api_page_params(x, &limit, &offset, err)))
		return rc;
	if (!v || v[0] == '+' || v[0] == '-' || gp_parse_i64(&id, v, 1, INT64_MAX))
		return gp_err_set(err, GP_NOT_FOUND, "cluster_id",
		                  "no cluster \"%.40s\"; cluster ids change when points change, so "
		                  "ask /api/clusters again", v ? v : "");
	gp_buf_init(&features, 64u << 20);
	if ((rc = gp_read_cluster_leaves(gp_worker_read(w), id, offset, limit, &count, put_leaf,
	                                 &o, err)))
		goto out;
	gp_buf_printf(b, "{\"type\":\"FeatureCollection\",\"numberMatched\":%lld,"
	                 "\"numberReturned\":%lld,\"features\":[",
	              (long long)count, (long long)o.n);
	gp_buf_append(b, features.data, features.len);
	gp_buf_puts(b, "],\"links\":[");
	api_put_link(x, b, "self", NULL, NULL, 1);
	if (offset + o.n < count) {
		snprintf(num, sizeof(num), "%lld", (long long)(offset + limit));
		api_put_link(x, b, "next", "offset", num, 0);
	}
	if (offset > 0) {
		snprintf(num, sizeof(num), "%lld", (long long)(offset > limit ? offset - limit : 0));
		api_put_link(x, b, "prev", "offset", num, 0);
	}
	gp_buf_puts(b, "]}\n");
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	api_content_crs(x, GP_CRS_CRS84);
	rc = gp_buf_status(b);
out:
	gp_buf_free(&features);
	return rc;
}

const gp_http_route gp_api_cluster_routes[] = {
	{ "GET", "/api/clusters", get_clusters, "bbox zoom category", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/clusters/{cluster_id}/leaves", get_leaves, "limit offset",
	  GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
