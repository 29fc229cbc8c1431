/*
 * clusters.c — /api/clusters, the map's clusters and single points for a
 * box and a zoom, and /api/clusters/{cluster_id}/leaves, the points of one
 * cluster.  Both read one snapshot of the shared cluster index, never the
 * database, so they cost no SQL and never wait for a rebuild.
 *
 * Must never: keep a snapshot past the request, or show anything but
 * published points (the index holds nothing else).
 */
#include <stdio.h>
#include <string.h>

#include "api_int.h"

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

static int cluster_index(gp_worker *w, gp_cluster_index **out, gp_err *err)
{
	if (!(*out = gp_worker_clusters(w)))
		return gp_err_set(err, GP_UNAVAILABLE, "", "the cluster index is not running");
	return 0;
}

typedef struct cluster_out {
	gp_http_exchange *x;
	gp_buf *b;
	gp_cluster_snapshot *s;
	gp_cluster_set set;
	int64_t n;
} cluster_out;

static int put_node(void *ctx, const gp_cluster_node *node)
{
	cluster_out *o = ctx;

	if (o->n++)
		gp_buf_putc(o->b, ',');
	if (node->is_cluster) {
		gp_json_cluster_feature(o->b, gp_cluster_snapshot_cluster_id(o->s, o->set, node->id),
		                        node->lon, node->lat, node->count, node->counts,
		                        node->expansion_zoom);
	} else {
		const gp_point *p = gp_cluster_snapshot_point(o->s, node->id);
		gp_json_point_feature(o->b, p, p->lon, p->lat, gp_crs_decimals(GP_CRS_CRS84), NULL);
	}
	if (o->b->len >= STREAM_AT)
		return gp_http_stream_flush(o->x);
	return gp_buf_status(o->b);
}

static int get_clusters(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	gp_bbox box = { -180, -90, 180, 90 };
	gp_cluster_index *idx;
	cluster_out o = { x, gp_http_out(x), NULL, GP_CLUSTER_ALL, 0 };
	const char *v;
	int zoom = 0, category, rc;

	if ((rc = zoom_param(x, &zoom, err)) || (rc = api_category_param(x, &category, err)))
		return rc;
	if ((v = gp_http_param(x, "bbox")) && (rc = api_parse_bbox(v, &box, err)))
		return rc;
	if ((rc = cluster_index(w, &idx, err)))
		return rc;
	o.set = category < 0 ? GP_CLUSTER_ALL : (gp_cluster_set)(1 + category);
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	gp_api_content_crs(x, GP_CRS_CRS84);
	o.s = gp_cluster_index_acquire(idx);
	gp_buf_puts(o.b, "{\"type\":\"FeatureCollection\",\"features\":[");
	rc = gp_cluster_snapshot_query(o.s, o.set, &box, zoom, put_node, &o);
	gp_buf_printf(o.b, "],\"numberReturned\":%lld,\"zoom\":%d}\n", (long long)o.n, zoom);
	gp_cluster_snapshot_release(o.s);
	return rc ? rc : gp_buf_status(o.b);
}

typedef struct leaves_out {
	gp_http_exchange *x;
	gp_buf *b;
	gp_cluster_snapshot *s;
	int64_t n;
} leaves_out;

static int put_leaf(void *ctx, uint32_t point)
{
	leaves_out *o = ctx;
	const gp_point *p = gp_cluster_snapshot_point(o->s, point);

	if (o->n++)
		gp_buf_putc(o->b, ',');
	gp_json_point_feature(o->b, p, p->lon, p->lat, gp_crs_decimals(GP_CRS_CRS84), NULL);
	return gp_buf_status(o->b);
}

static int get_leaves(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	const char *v = gp_http_arg(x, "cluster_id");
	int64_t id, limit = API_LIMIT_DEFAULT, offset = 0, expected;
	gp_cluster_index *idx;
	gp_cluster_snapshot *s = NULL;
	gp_cluster_node node;
	gp_cluster_set set;
	leaves_out o = { x, gp_http_out(x), NULL, 0 };
	int rc;

	if ((rc = api_page_params(x, &limit, &offset, err)) || (rc = cluster_index(w, &idx, err)))
		return rc;
	if (!v || v[0] == '+' || v[0] == '-' || gp_parse_i64(&id, v, 1, INT64_MAX) ||
	    gp_cluster_index_acquire_for(&s, idx, id) ||
	    gp_cluster_snapshot_cluster(s, id, &node, &set)) {
		gp_cluster_snapshot_release(s);
		return gp_err_set(err, GP_NOT_FOUND, "cluster_id",
		                  "no cluster \"%.40s\"; cluster ids change when points change, so "
		                  "ask /api/clusters again", v ? v : "");
	}
	o.s = s;
	expected = (int64_t)node.count - offset;
	if (expected < 0)
		expected = 0;
	if (expected > limit)
		expected = limit;
	gp_buf_printf(o.b, "{\"type\":\"FeatureCollection\",\"numberMatched\":%u,"
	                   "\"numberReturned\":%lld,\"features\":[",
	              node.count, (long long)expected);
	rc = gp_cluster_snapshot_leaves(s, id, (uint64_t)offset, (uint64_t)limit, put_leaf, &o);
	gp_cluster_snapshot_release(s);
	if (rc)
		return rc;
	if (o.n != expected) {
		gp_log_error("cluster %lld gave %lld leaves, expected %lld", (long long)id,
		             (long long)o.n, (long long)expected);
		return GP_EFAULT;
	}
	gp_buf_puts(o.b, "],\"links\":[");
	api_put_link(x, o.b, "self", -1, 1);
	if (offset + o.n < (int64_t)node.count)
		api_put_link(x, o.b, "next", offset + limit, 0);
	if (offset > 0)
		api_put_link(x, o.b, "prev", offset > limit ? offset - limit : 0, 0);
	gp_buf_puts(o.b, "]}\n");
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	gp_api_content_crs(x, GP_CRS_CRS84);
	return gp_buf_status(o.b);
}

const gp_http_route gp_api_cluster_routes[] = {
	{ "GET", "/api/clusters", get_clusters, "bbox zoom category", GP_HTTP_NO_BODY, 0 },
	{ "GET", "/api/clusters/{cluster_id}/leaves", get_leaves, "limit offset",
	  GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
