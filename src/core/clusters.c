/*
 * clusters.c — the cluster index as the server runs it.  core/ is the
 * index's source: it reads published points from the database on the
 * index's own thread, through a connection only that thread uses, and it
 * tells the index about every committed change (gp_core_point_changed).
 *
 * Must never: notify before a change has committed (the index would read
 * the old row and keep it), or share the source's connection.
 */
#include <stdlib.h>

#include "core_int.h"

struct cluster_source {
	const gp_config *cfg;
	gp_store *store; /* opened and closed on the maintainer thread */
};

static int src_open(void *ctx)
{
	cluster_source *cs = ctx;
	gp_err err;
	int rc;

	if ((rc = gp_store_open(&cs->store, cs->cfg->db_path, 0, &err)))
		gp_log_error("cluster index cannot open %s: %s", cs->cfg->db_path, err.detail);
	return rc;
}

static void src_close(void *ctx)
{
	cluster_source *cs = ctx;

	gp_store_close(cs->store);
	cs->store = NULL;
}

static int src_load(void *ctx, gp_cluster_point_cb cb, void *cb_ctx)
{
	cluster_source *cs = ctx;
	gp_point_filter f;
	int rc;

	gp_point_filter_init(&f);
	f.status = GP_STATUS_PUBLISHED;
	/* One snapshot, so a concurrent commit is either wholly in or notified. */
	if ((rc = gp_store_read_begin(cs->store)))
		return rc;
	rc = gp_store_point_query(cs->store, &f, cb, cb_ctx);
	gp_store_read_end(cs->store);
	return rc;
}

static int src_get(void *ctx, int64_t id, gp_cluster_point_cb cb, void *cb_ctx)
{
	cluster_source *cs = ctx;

	return gp_store_point_get(cs->store, id, -1, cb, cb_ctx);
}

/* A boundary import rewrites stored districts without notifying anyone. */
static int src_version(void *ctx, int64_t *out)
{
	cluster_source *cs = ctx;

	return gp_store_districts_version(cs->store, out);
}

int gp_core_clusters_start(gp_core *c)
{
	const gp_config *cfg = c->cfg;
	gp_cluster_source src;
	gp_cluster_index *idx = NULL;
	int64_t t0 = gp_time_mono_ms();
	int rc;

	if (c->clusters)
		return 0;
	if (!(c->cluster_src = calloc(1, sizeof(*c->cluster_src))))
		return GP_ENOMEM;
	c->cluster_src->cfg = cfg;
	c->cluster_options = (gp_cluster_options){
		.radius = cfg->cluster_radius,
		.extent = cfg->cluster_extent,
		.min_zoom = cfg->cluster_min_zoom,
		.max_zoom = cfg->cluster_max_zoom,
		.min_points = cfg->cluster_min_points,
	};
	src = (gp_cluster_source){ src_open, src_close, src_load, src_get, src_version,
		                   c->cluster_src };
	if ((rc = gp_cluster_index_new(&idx, &c->cluster_options, &src))) {
		free(c->cluster_src);
		c->cluster_src = NULL;
		return rc;
	}
	{
		gp_cluster_snapshot *s = gp_cluster_index_acquire(idx);
		gp_log_info("cluster index: %zu published points in %lld ms", gp_cluster_snapshot_size(s),
		            (long long)(gp_time_mono_ms() - t0));
		gp_cluster_snapshot_release(s);
	}
	c->clusters = idx;
	return 0;
}

void gp_core_clusters_stop(gp_core *c)
{
	gp_cluster_index_free(c->clusters);
	c->clusters = NULL;
	free(c->cluster_src);
	c->cluster_src = NULL;
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
	if (c->clusters && gp_cluster_index_notify(c->clusters, id))
		gp_log_warn("cluster index could not queue point %lld; it reloads instead",
		            (long long)id);
}
