/*
 * import.c — replacing a district layer and the bundled defaults.
 *
 * The whole import is one transaction: the new boundaries, the bumped
 * districts version (which makes every server thread rebuild its index
 * before its next write), and every point's recomputed districts.  A file
 * with one bad feature changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_int.h"
#include "geopart/embed.h"

extern const gp_embedded gp_default_districts[];
extern const size_t gp_default_districts_count;

typedef struct collected {
	gp_worker *w;
	gp_layer layer;
	gp_crs crs;
	gp_district_src *items;
	size_t n, cap;
} collected;

static void collected_clear(collected *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free((char *)c->items[i].id);
		free((char *)c->items[i].name);
		free((unsigned char *)c->items[i].wkb);
	}
	free(c->items);
}

static int collect_boundary(void *ctx, const gp_json_boundary *b, gp_err *err)
{
	collected *c = ctx;
	gp_district_src *it;
	unsigned char *wkb = NULL;
	size_t wkb_len = 0;
	char id[160];
	gp_err gerr;
	int rc;

	snprintf(id, sizeof(id), "%s%s", gp_layer_id_prefix(c->layer), b->id);
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->items[i].id, id) == 0)
			return gp_err_set(err, GP_INVALID, "id",
			                  "feature %zu: id %s is used twice", b->index + 1, b->id);
	gp_err_clear(&gerr);
	rc = gp_geo_boundary_import(c->w->geo, &wkb, &wkb_len, b->geometry, c->crs, &gerr);
	if (rc)
		return gp_err_set(err, rc, "geometry", "feature %zu (id %s, %s): %s",
		                  b->index + 1, b->id, b->name, gerr.detail);
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		gp_district_src *p = realloc(c->items, ncap * sizeof(*p));
		if (!p) {
			free(wkb);
			return GP_ENOMEM;
		}
		c->items = p;
		c->cap = ncap;
	}
	it = &c->items[c->n];
	memset(it, 0, sizeof(*it));
	it->layer = c->layer;
	it->wkb = wkb;
	it->wkb_len = wkb_len;
	it->id = strdup(id);
	it->name = strdup(b->name);
	c->n++;
	return it->id && it->name ? 0 : GP_ENOMEM;
}

typedef struct reassign {
	gp_worker *w;
	const gp_import_options *opt;
	gp_import_report *report;
	int64_t total;
} reassign;

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int reassign_point(void *ctx, int64_t id, double x, double y,
                          const char *ob, const char *st)
{
	reassign *r = ctx;
	const gp_geo_districts *idx = r->w->districts;
	gp_geo_assignment a;
	const char *new_ob, *new_st;
	int rc, moved = 0;

	if ((rc = gp_geo_districts_assign(idx, x, y, 1, &a)))
		return rc;
	new_ob = gp_geo_districts_id(idx, a.index[GP_LAYER_ORTSBEZIRK]);
	new_st = gp_geo_districts_id(idx, a.index[GP_LAYER_STADTTEIL]);
	if (!same(ob, new_ob)) {
		if ((rc = gp_store_point_set_district(r->w->store, id, GP_LAYER_ORTSBEZIRK, new_ob)))
			return rc;
		moved = 1;
	}
	if (!same(st, new_st)) {
		if ((rc = gp_store_point_set_district(r->w->store, id, GP_LAYER_STADTTEIL, new_st)))
			return rc;
		moved = 1;
	}
	r->report->points++;
	r->report->moved += moved;
	r->report->outside_city += !a.in_city;
	if (r->opt->progress && (r->report->points % 2000 == 0 || r->report->points == r->total))
		r->opt->progress(r->opt->progress_ctx, "reassigning points", r->report->points,
		                 r->total);
	return 0;
}

/* After a failed import the index may describe rows that no longer exist. */
static void forget_index(gp_worker *w)
{
	gp_geo_districts_free(w->districts);
	w->districts = NULL;
	w->districts_version = -1;
}

int gp_core_import_districts(gp_worker *w, const char *geojson, size_t len,
                             const gp_import_options *opt,
                             gp_import_report *out_report, gp_err *err)
{
	collected c = { .w = w, .layer = opt->layer };
	gp_import_report report = { 0 };
	reassign r = { w, opt, &report, 0 };
	char *crs_name = NULL;
	gp_crs crs = GP_CRS_CRS84;
	int rc, in_tx = 0;

	/*
	 * A first pass checks the file's structure and finds its crs member,
	 * which decides the input CRS unless the caller named one.
	 */
	rc = gp_json_boundaries_read(geojson, len, opt->id_property ? opt->id_property : "id",
	                             opt->name_property ? opt->name_property : "name",
	                             &crs_name, NULL, NULL, err);
	if (rc)
		goto out;
	if (opt->crs >= 0) {
		crs = (gp_crs)opt->crs;
	} else if (crs_name && gp_crs_parse(&crs, crs_name)) {
		rc = gp_err_set(err, GP_INVALID, "crs",
		                "the file's crs \"%s\" is not supported; give --crs", crs_name);
		goto out;
	}
	c.crs = crs;
	free(crs_name);
	crs_name = NULL;
	gp_err_clear(err);
	rc = gp_json_boundaries_read(geojson, len, opt->id_property ? opt->id_property : "id",
	                             opt->name_property ? opt->name_property : "name",
	                             &crs_name, collect_boundary, &c, err);
	if (rc)
		goto out;
	if (opt->progress)
		opt->progress(opt->progress_ctx, "boundaries checked", (int64_t)c.n, (int64_t)c.n);

	if ((rc = gp_core_write_begin(w))) {
		gp_err_set(err, rc, "db", "the database is locked by another writer");
		goto out;
	}
	in_tx = 1;
	if ((rc = gp_store_district_replace_layer(w->store, opt->layer, c.items, c.n)) ||
	    (rc = gp_store_districts_version_bump(w->store)) ||
	    (rc = gp_worker_reload_districts(w)) ||
	    (rc = gp_store_point_total(w->store, &r.total)) ||
	    (rc = gp_store_point_positions(w->store, reassign_point, &r))) {
		if (!err->detail[0])
			gp_err_set(err, rc, "db", "import failed: %s", gp_result_name(rc));
		goto out;
	}
	in_tx = 0;
	if ((rc = gp_core_write_end(w, 0))) {
		gp_err_set(err, rc, "db", "import could not be committed: %s", gp_result_name(rc));
		forget_index(w);
		goto out;
	}
	report.districts = c.n;
	if (out_report)
		*out_report = report;
out:
	if (in_tx) {
		gp_core_write_end(w, rc);
		forget_index(w);
	}
	free(crs_name);
	collected_clear(&c);
	return rc;
}

int gp_core_prepare_database(gp_worker *w, int *out_created, gp_err *err)
{
	static const struct {
		const char *file;
		gp_layer layer;
	} defaults[] = {
		{ "kaiserslautern-ortsbezirke.geojson", GP_LAYER_ORTSBEZIRK },
		{ "kaiserslautern-stadtteile.geojson", GP_LAYER_STADTTEIL },
	};
	int64_t n = 0;
	int rc;

	*out_created = 0;
	if ((rc = gp_store_migrate(w->store, err)))
		return rc;
	if ((rc = gp_store_district_count(w->store, &n)))
		return gp_err_set(err, rc, "db", "cannot read districts");
	if (n > 0)
		return 0;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		const gp_embedded *e = NULL;
		gp_import_options opt = { .layer = defaults[i].layer, .crs = GP_CRS_CRS84 };

		for (size_t k = 0; k < gp_default_districts_count; k++)
			if (strcmp(gp_default_districts[k].name, defaults[i].file) == 0)
				e = &gp_default_districts[k];
		if (!e)
			return gp_err_set(err, GP_EFAULT, "", "bundled %s is missing", defaults[i].file);
		if ((rc = gp_core_import_districts(w, (const char *)e->data, e->len, &opt, NULL, err)))
			return rc;
	}
	*out_created = 1;
	return 0;
}
