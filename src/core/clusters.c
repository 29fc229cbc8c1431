/*
 * clusters.c — the cluster index as the server runs it.  Its source is the
 * read layer's (read.h): the points the public sees, read on the index's
 * own thread through a connection only that thread uses.  core/ starts it,
 * hands it to the read layer for cluster and hotspot reads, and tells it
 * about every committed change (gp_core_point_changed).
 *
 * Must never: notify before a change has committed (the index would read
 * the old row and keep it).
 */
#include <stdlib.h>

#include "core_int.h"

int gp_core_clusters_start(gp_core *c)
{
	const gp_config *cfg = c->cfg;
	gp_cluster_index *idx = NULL;
	int64_t t0 = gp_time_mono_ms();
	int rc;

	if (c->clusters)
		return 0;
	if ((rc = gp_read_cluster_source_new(&c->cluster_src, cfg->db_path)))
		return rc;
	c->cluster_options = (gp_cluster_options){
		.radius = cfg->cluster_radius,
		.extent = cfg->cluster_extent,
		.min_zoom = cfg->cluster_min_zoom,
		.max_zoom = cfg->cluster_max_zoom,
		.min_points = cfg->cluster_min_points,
	};
	if ((rc = gp_cluster_index_new(&idx, &c->cluster_options, &c->cluster_src))) {
		gp_read_cluster_source_free(&c->cluster_src);
		return rc;
	}
	{
		gp_cluster_snapshot *s = gp_cluster_index_acquire(idx);
		gp_log_info("cluster index: %zu published points in %lld ms", gp_cluster_snapshot_size(s),
		            (long long)(gp_time_mono_ms() - t0));
		gp_cluster_snapshot_release(s);
	}
	c->clusters = idx;
	gp_read_cache_set_clusters(c->reads, idx);
	return 0;
}

void gp_core_clusters_stop(gp_core *c)
{
	if (c->reads)
		gp_read_cache_set_clusters(c->reads, NULL);
	gp_cluster_index_free(c->clusters);
	c->clusters = NULL;
	gp_read_cluster_source_free(&c->cluster_src);
}

gp_cluster_index *gp_core_clusters(gp_core *c)
{
	return c->clusters;
}

gp_cluster_index *gp_worker_clusters(gp_worker *w)
{
	return w->core->clusters;
}

void gp_core_point_changed(gp_core *c, int64_t id)
{
	gp_core_point_changed_as(c, id, GP_CHANGE_POINT);
}

void gp_core_point_changed_as(gp_core *c, int64_t id, gp_change what)
{
	core_live_notify(c, id, what);
	if (c->clusters && gp_cluster_index_notify(c->clusters, id))
		gp_log_warn("cluster index could not queue point %lld; it reloads instead",
		            (long long)id);
}
