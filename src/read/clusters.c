/*
 * clusters.c — the map's clusters and a cluster's points, read from one
 * snapshot of the cluster index (which holds the public's points, see the
 * source in points.c), never from the database.
 *
 * Must never: keep a snapshot past the call that acquired it.
 */
#include "read_int.h"

typedef struct cluster_run {
	gp_cluster_snapshot *s;
	gp_cluster_set set;
	int (*cb)(void *ctx, const gp_read_cluster *c);
	void *ctx;
} cluster_run;

static int put_node(void *ctx, const gp_cluster_node *node)
{
	cluster_run *cr = ctx;
	gp_read_cluster c;

	memset(&c, 0, sizeof(c));
	c.is_cluster = node->is_cluster;
	c.count = node->count;
	memcpy(c.counts, node->counts, sizeof(c.counts));
	c.lon = node->lon;
	c.lat = node->lat;
	c.expansion_zoom = node->expansion_zoom;
	if (node->is_cluster)
		c.id = gp_cluster_snapshot_cluster_id(cr->s, cr->set, node->id);
	else
		c.point = gp_cluster_snapshot_point(cr->s, node->id);
	return cr->cb(cr->ctx, &c);
}

int gp_read_clusters(gp_read *r, const gp_bbox *lonlat, int zoom, int category,
                     int (*cb)(void *ctx, const gp_read_cluster *c), void *ctx, gp_err *err)
{
	gp_cluster_index *idx;
	cluster_run cr;
	int rc;

	if ((rc = read_clusters(r, &idx, err)))
		return rc;
	cr.s = gp_cluster_index_acquire(idx);
	cr.set = category < 0 ? GP_CLUSTER_ALL : (gp_cluster_set)(1 + category);
	cr.cb = cb;
	cr.ctx = ctx;
	rc = gp_cluster_snapshot_query(cr.s, cr.set, lonlat, zoom, put_node, &cr);
	gp_cluster_snapshot_release(cr.s);
	return rc;
}

typedef struct leaf_run {
	gp_cluster_snapshot *s;
	int (*cb)(void *ctx, const gp_point *p);
	void *ctx;
} leaf_run;

static int put_leaf(void *ctx, uint32_t point)
{
	leaf_run *lr = ctx;

	return lr->cb(lr->ctx, gp_cluster_snapshot_point(lr->s, point));
}

int gp_read_cluster_leaves(gp_read *r, int64_t id, int64_t offset, int64_t limit,
                           int64_t *out_count, int (*cb)(void *ctx, const gp_point *p),
                           void *ctx, gp_err *err)
{
	gp_cluster_index *idx;
	gp_cluster_snapshot *s = NULL;
	gp_cluster_node node;
	gp_cluster_set set;
	leaf_run lr;
	int rc;

	*out_count = 0;
	if ((rc = read_clusters(r, &idx, err)))
		return rc;
	if (gp_cluster_index_acquire_for(&s, idx, id) ||
	    gp_cluster_snapshot_cluster(s, id, &node, &set)) {
		gp_cluster_snapshot_release(s);
		return gp_err_set(err, GP_NOT_FOUND, "cluster_id",
		                  "no cluster \"%lld\"; cluster ids change when points change, so "
		                  "ask /api/clusters again", (long long)id);
	}
	*out_count = node.count;
	lr = (leaf_run){ s, cb, ctx };
	rc = gp_cluster_snapshot_leaves(s, id, (uint64_t)offset, (uint64_t)limit, put_leaf, &lr);
	gp_cluster_snapshot_release(s);
	return rc;
}
