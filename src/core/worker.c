/*
 * worker.c — the process-wide core and each thread's private worker.
 */
#include <stdlib.h>

#include "core_int.h"

int gp_core_new(gp_core **out, const gp_config *cfg)
{
	gp_core *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return GP_ENOMEM;
	c->cfg = cfg;
	if (pthread_mutex_init(&c->queue.mu, NULL)) {
		free(c);
		return GP_EFAULT;
	}
	if (pthread_cond_init(&c->queue.done, NULL)) {
		pthread_mutex_destroy(&c->queue.mu);
		free(c);
		return GP_EFAULT;
	}
	*out = c;
	return 0;
}

void gp_core_free(gp_core *c)
{
	if (!c)
		return;
	gp_core_clusters_stop(c);
	pthread_cond_destroy(&c->queue.done);
	pthread_mutex_destroy(&c->queue.mu);
	free(c);
}

const gp_config *gp_core_config(const gp_core *c)
{
	return c->cfg;
}

int gp_worker_new(gp_worker **out, gp_core *c, gp_err *err)
{
	gp_worker *w = calloc(1, sizeof(*w));
	int rc;

	*out = NULL;
	if (!w)
		return GP_ENOMEM;
	w->core = c;
	w->districts_version = -1;
	if ((rc = gp_store_open(&w->store, c->cfg->db_path, GP_STORE_CREATE, err)))
		goto fail;
	if ((rc = gp_geo_new(&w->geo))) {
		gp_err_set(err, rc, "", "cannot create PROJ/GEOS contexts");
		goto fail;
	}
	*out = w;
	return 0;
fail:
	gp_worker_free(w);
	return rc;
}

void gp_worker_free(gp_worker *w)
{
	if (!w)
		return;
	gp_geo_districts_free(w->districts);
	gp_geo_free(w->geo);
	gp_store_close(w->store);
	free(w);
}

gp_store *gp_worker_store(gp_worker *w)
{
	return w->store;
}

gp_geo *gp_worker_geo(gp_worker *w)
{
	return w->geo;
}

const gp_config *gp_worker_config(const gp_worker *w)
{
	return w->core->cfg;
}

int gp_worker_reload_districts(gp_worker *w)
{
	gp_store_districts *rows = NULL;
	gp_geo_districts *idx = NULL;
	const gp_district_src *items;
	int64_t version;
	size_t n;
	int rc;

	if ((rc = gp_store_districts_version(w->store, &version)))
		return rc;
	if ((rc = gp_store_districts_load(w->store, &rows)))
		return rc;
	items = gp_store_districts_items(rows, &n);
	rc = gp_geo_districts_new(&idx, w->geo, items, n);
	gp_store_districts_free(rows);
	if (rc)
		return rc;
	gp_geo_districts_free(w->districts);
	w->districts = idx;
	w->districts_version = version;
	return 0;
}

int gp_worker_districts(gp_worker *w, const gp_geo_districts **out)
{
	int64_t version;
	int rc;

	if ((rc = gp_store_districts_version(w->store, &version)))
		return rc;
	if (!w->districts || version != w->districts_version)
		if ((rc = gp_worker_reload_districts(w)))
			return rc;
	*out = w->districts;
	return 0;
}
