/*
 * worker.c — the process-wide core, its connection counts, and the workers
 * (a connection with geo contexts) that one thread at a time uses.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core_int.h"

int gp_core_new(gp_core **out, const gp_config *cfg, int flags, gp_err *err)
{
	gp_guard_options gopt;
	char path[4096];
	gp_core *c = calloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	if (!c)
		return GP_ENOMEM;
	c->cfg = cfg;
	c->read_only = (flags & GP_CORE_READ_ONLY) != 0;
	pthread_mutex_init(&c->queue.mu, NULL);
	pthread_mutex_init(&c->write_mu, NULL);
	/* Every worker's reader needs the read layer's cache, read-only or not. */
	if ((rc = gp_read_cache_new(&c->reads, cfg))) {
		gp_err_set(err, rc, "", "cannot set up the read layer");
		goto fail;
	}
	if (c->read_only) {
		*out = c; /* nothing that reads needs the secret or abuse protection */
		return 0;
	}
	gp_config_secret_path(cfg, path, sizeof(path));
	if ((rc = gp_guard_secret_load(c->secret, path, flags & GP_CORE_CREATE_SECRET, err)))
		goto fail;
	gopt = (gp_guard_options){
		.write_burst = cfg->write_burst,
		.write_per_minute = cfg->write_per_minute,
		.auth_burst = cfg->auth_burst,
		.auth_per_minute = cfg->auth_per_minute,
		.comment_window_s = cfg->comment_window_s,
		.rotate_ms = 24LL * 3600 * 1000,
	};
	if ((rc = gp_guard_new(&c->guard, c->secret, &gopt)) ||
	    (rc = gp_guard_conns_new(&c->conns, (size_t)(cfg->threads > 0 ? cfg->threads : 1)))) {
		gp_err_set(err, rc, "", "cannot set up abuse protection");
		goto fail;
	}
	*out = c;
	return 0;
fail:
	gp_core_free(c);
	return rc;
}

void gp_core_free(gp_core *c)
{
	if (!c)
		return;
	gp_core_live_stop(c);
	gp_core_clusters_stop(c);
	gp_read_cache_free(c->reads);
	gp_json_survey_free(c->survey);
	gp_store_close(c->writer);
	gp_guard_conns_free(c->conns);
	gp_guard_free(c->guard);
	memset(c->secret, 0, sizeof(c->secret));
	pthread_mutex_destroy(&c->write_mu);
	pthread_mutex_destroy(&c->queue.mu);
	free(c);
}

int gp_core_write_begin(gp_worker *w)
{
	gp_core *c = w->core;
	int rc;

	assert(!c->read_only);
	pthread_mutex_lock(&c->write_mu);
	if (!c->writer && !c->writer_failed) {
		gp_err err;
		if (gp_store_open(&c->writer, c->cfg->db_path, 0, &err)) {
			gp_log_warn("no shared writer connection (%s); workers write on their own",
			            err.detail);
			c->writer = NULL;
			c->writer_failed = 1;
		}
	}
	if (c->writer) {
		w->own_store = w->store;
		w->store = c->writer;
	}
	if ((rc = gp_store_begin_write(w->store)))
		gp_core_write_end(w, -1);
	return rc;
}

int gp_core_write_end(gp_worker *w, int rc)
{
	if (rc)
		gp_store_rollback(w->store);
	else
		rc = gp_store_commit(w->store);
	if (w->own_store) {
		w->store = w->own_store;
		w->own_store = NULL;
	}
	pthread_mutex_unlock(&w->core->write_mu);
	return rc;
}

int gp_core_conn_open(gp_core *c, const char *addr, uint64_t *out_key)
{
	gp_client client;
	int counted, rc;

	*out_key = 0;
	if (!c->conns || c->cfg->conns_per_client <= 0 ||
	    gp_config_list_has(c->cfg->trusted_proxies, addr))
		return 0;
	gp_guard_client(c->guard, addr, &client);
	rc = gp_guard_conns_open(c->conns, &client, c->cfg->conns_per_client, &counted);
	if (counted)
		*out_key = client.id;
	return rc;
}

void gp_core_conn_close(gp_core *c, uint64_t key)
{
	gp_client client = { .id = key };

	if (key && c->conns)
		gp_guard_conns_close(c->conns, &client);
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
	if ((rc = gp_store_open(&w->store, c->cfg->db_path,
	                        c->read_only ? GP_STORE_READONLY : GP_STORE_CREATE, err)))
		goto fail;
	if ((rc = gp_geo_new(&w->geo))) {
		gp_err_set(err, rc, "", "cannot create PROJ/GEOS contexts");
		goto fail;
	}
	if ((rc = gp_read_new(&w->read, c->reads, w->store, w->geo))) {
		gp_err_set(err, rc, "", "cannot create a reader");
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
	gp_read_free(w->read);
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

gp_core *gp_worker_core(gp_worker *w)
{
	return w->core;
}

gp_read *gp_worker_read(gp_worker *w)
{
	return w->read;
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
