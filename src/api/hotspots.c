/*
 * hotspots.c — /api/hotspots: where points concentrate, in metres, for
 * planners.  DBSCAN (cluster/) over the published points of the current
 * cluster snapshot in EPSG:25832, each hotspot a Feature with its convex
 * outline (geo/, GEOS), its counts by category and topic, and the
 * districts its points lie in.
 *
 * Must never: show unpublished points (the snapshot holds none), or keep
 * the snapshot past the request.
 */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"

/* Outline width around a hotspot whose points lie on one spot or line. */
#define HULL_PAD_M 1.0

typedef struct tally {
	const char *key;  /* borrowed from the snapshot */
	const char *name;
	int layer;
	int64_t n;
} tally;

/* Adds one to key's entry (appending it when new); the list is short. */
static int tally_add(tally **t, size_t *n, size_t *cap, const char *key, const char *name,
                     int layer)
{
	for (size_t i = 0; i < *n; i++)
		if ((*t)[i].layer == layer && !strcmp((*t)[i].key, key)) {
			(*t)[i].n++;
			return 0;
		}
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		tally *p = realloc(*t, c * sizeof(*p));
		if (!p)
			return GP_ENOMEM;
		*t = p;
		*cap = c;
	}
	(*t)[(*n)++] = (tally){ key, name, layer, 1 };
	return 0;
}

/* Districts: Ortsbezirke first, then by count, then by id. */
static int cmp_tally(const void *a, const void *b)
{
	const tally *x = a, *y = b;

	if (x->layer != y->layer)
		return x->layer - y->layer;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key, y->key);
}

typedef struct hotspot {
	uint32_t first; /* into the member list */
	uint32_t n;
	uint32_t earliest; /* its first point in id order */
} hotspot;

/* Larger hotspots first; equal ones by their earliest point. */
static int cmp_hotspot(const void *a, const void *b)
{
	const hotspot *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->earliest < y->earliest ? -1 : 1;
}

typedef struct scan {
	gp_cluster_snapshot *s;
	size_t n;          /* points after the filters */
	uint32_t *point;   /* snapshot index of each */
	double *x, *y;
	int32_t *label;
	size_t clusters;
	uint32_t *members; /* filtered indexes grouped by hotspot */
	hotspot *spots;
} scan;

static void scan_free(scan *sc)
{
	free(sc->point);
	free(sc->x);
	free(sc->y);
	free(sc->label);
	free(sc->members);
	free(sc->spots);
}

static int scan_run(scan *sc, int category, const char *district, double eps,
                    int64_t min_points)
{
	size_t total = gp_cluster_snapshot_size(sc->s), k = total ? total : 1;
	int rc;

	sc->point = malloc(k * sizeof(*sc->point));
	sc->x = malloc(k * sizeof(*sc->x));
	sc->y = malloc(k * sizeof(*sc->y));
	sc->label = malloc(k * sizeof(*sc->label));
	if (!sc->point || !sc->x || !sc->y || !sc->label)
		return GP_ENOMEM;
	for (size_t i = 0; i < total; i++) {
		const gp_point *p = gp_cluster_snapshot_point(sc->s, i);
		if (category >= 0 && p->category != (gp_category)category)
			continue;
		if (district && !(p->ortsbezirk.id && !strcmp(p->ortsbezirk.id, district)) &&
		    !(p->stadtteil.id && !strcmp(p->stadtteil.id, district)))
			continue;
		sc->point[sc->n] = (uint32_t)i;
		sc->x[sc->n] = p->x;
		sc->y[sc->n] = p->y;
		sc->n++;
	}
	if ((rc = gp_cluster_dbscan(sc->label, &sc->clusters, sc->x, sc->y, sc->n, eps,
	                            (size_t)min_points)))
		return rc;
	sc->members = malloc((sc->n ? sc->n : 1) * sizeof(*sc->members));
	sc->spots = calloc(sc->clusters ? sc->clusters : 1, sizeof(*sc->spots));
	if (!sc->members || !sc->spots)
		return GP_ENOMEM;
	for (size_t i = 0; i < sc->n; i++)
		if (sc->label[i] >= 0)
			sc->spots[sc->label[i]].n++;
	for (size_t c = 1; c < sc->clusters; c++)
		sc->spots[c].first = sc->spots[c - 1].first + sc->spots[c - 1].n;
	for (size_t c = 0; c < sc->clusters; c++)
		sc->spots[c].n = 0;
	for (size_t i = 0; i < sc->n; i++) {
		hotspot *h;
		if (sc->label[i] < 0)
			continue;
		h = &sc->spots[sc->label[i]];
		if (!h->n)
			h->earliest = (uint32_t)i; /* i ascends: the first is the earliest */
		sc->members[h->first + h->n++] = (uint32_t)i;
	}
	qsort(sc->spots, sc->clusters, sizeof(*sc->spots), cmp_hotspot);
	return 0;
}

static int put_hotspot(gp_worker *w, gp_buf *b, const scan *sc, const hotspot *h,
                       size_t rank, const gp_config *cfg)
{
	double *x = malloc(h->n * sizeof(*x)), *y = malloc(h->n * sizeof(*y)), area = 0;
	int64_t per_cat[GP_CATEGORY_COUNT] = { 0 }, no_topic = 0;
	tally *topics = NULL, *districts = NULL;
	size_t nt = 0, ct = 0, nd = 0, cd = 0;
	int rc = GP_ENOMEM, first;

	if (!x || !y)
		goto out;
	for (uint32_t k = 0; k < h->n; k++) {
		uint32_t i = sc->members[h->first + k];
		const gp_point *p = gp_cluster_snapshot_point(sc->s, sc->point[i]);
		x[k] = sc->x[i];
		y[k] = sc->y[i];
		per_cat[p->category]++;
		if (!p->topic)
			no_topic++;
		else if ((rc = tally_add(&topics, &nt, &ct, p->topic, NULL, 0)))
			goto out;
		if (p->ortsbezirk.id &&
		    (rc = tally_add(&districts, &nd, &cd, p->ortsbezirk.id, p->ortsbezirk.name,
		                    GP_LAYER_ORTSBEZIRK)))
			goto out;
		if (p->stadtteil.id &&
		    (rc = tally_add(&districts, &nd, &cd, p->stadtteil.id, p->stadtteil.name,
		                    GP_LAYER_STADTTEIL)))
			goto out;
	}
	gp_buf_printf(b, "%s{\"type\":\"Feature\",\"id\":%zu,\"geometry\":", rank > 1 ? "," : "",
	              rank);
	if ((rc = gp_geo_hull_write_geojson(gp_worker_geo(w), b, x, y, h->n, HULL_PAD_M,
	                                    GP_CRS_CRS84, gp_crs_decimals(GP_CRS_CRS84),
	                                    &area)))
		goto out;
	gp_buf_printf(b, ",\"properties\":{\"rank\":%zu,\"point_count\":%u", rank, h->n);
	for (int c = 0; c < GP_CATEGORY_COUNT; c++)
		gp_buf_printf(b, ",\"%s\":%lld", gp_category_name((gp_category)c),
		              (long long)per_cat[c]);
	/* Topics in the configured order, so the page can keep its legend. */
	gp_buf_puts(b, ",\"topics\":{");
	first = 1;
	for (size_t t = 0; t < cfg->ntopics; t++)
		for (size_t i = 0; i < nt; i++)
			if (!strcmp(topics[i].key, cfg->topics[t].id)) {
				gp_buf_printf(b, "%s", first ? "" : ",");
				gp_json_put_str(b, topics[i].key);
				gp_buf_printf(b, ":%lld", (long long)topics[i].n);
				first = 0;
			}
	gp_buf_printf(b, "},\"without_topic\":%lld,\"districts\":[", (long long)no_topic);
	qsort(districts, nd, sizeof(*districts), cmp_tally);
	for (size_t i = 0; i < nd; i++) {
		gp_buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
		gp_json_put_str(b, districts[i].key);
		gp_buf_puts(b, ",\"name\":");
		gp_json_put_str_or_null(b, districts[i].name);
		gp_buf_puts(b, ",\"layer\":");
		gp_json_put_str(b, gp_layer_name((gp_layer)districts[i].layer));
		gp_buf_printf(b, ",\"point_count\":%lld}", (long long)districts[i].n);
	}
	gp_buf_puts(b, "],\"area_m2\":");
	gp_buf_put_fixed(b, area, 1);
	gp_buf_puts(b, "}}");
	rc = gp_buf_status(b);
out:
	free(x);
	free(y);
	free(topics);
	free(districts);
	return rc;
}

static int get_hotspots(gp_http_exchange *x, gp_err *err)
{
	gp_worker *w = gp_http_worker(x);
	const gp_config *cfg = gp_worker_config(w);
	gp_cluster_index *idx = gp_worker_clusters(w);
	gp_buf *b = gp_http_out(x);
	double eps = cfg->hotspot_eps_m;
	int64_t min_points = cfg->hotspot_min_points;
	const char *district, *v;
	scan sc;
	int category, rc;

	if ((rc = api_category_param(x, &category, err)) ||
	    (rc = api_district_param(x, w, &district, err)))
		return rc;
	if ((v = gp_http_param(x, "eps")) && (gp_parse_double(&eps, v) || !(eps > 0) ||
	                                      eps > API_HOTSPOT_EPS_MAX))
		return gp_err_set(err, GP_BAD_REQUEST, "eps",
		                  "eps must be a distance in metres above 0 and at most %d",
		                  API_HOTSPOT_EPS_MAX);
	if ((v = gp_http_param(x, "min_points")) &&
	    gp_parse_i64(&min_points, v, 2, API_HOTSPOT_MIN_POINTS_MAX))
		return gp_err_set(err, GP_BAD_REQUEST, "min_points",
		                  "min_points must be a whole number from 2 to %d",
		                  API_HOTSPOT_MIN_POINTS_MAX);
	if (!idx)
		return gp_err_set(err, GP_UNAVAILABLE, "", "the cluster index is not running");
	memset(&sc, 0, sizeof(sc));
	sc.s = gp_cluster_index_acquire(idx);
	if ((rc = scan_run(&sc, category, district, eps, min_points)))
		goto out;
	gp_buf_puts(b, "{\"type\":\"FeatureCollection\",\"eps\":");
	gp_buf_put_fixed(b, eps, 3);
	gp_buf_printf(b, ",\"min_points\":%lld,\"numberMatched\":%zu,\"points\":%zu,\"noise\":",
	              (long long)min_points, sc.clusters, sc.n);
	{
		size_t noise = 0;
		for (size_t i = 0; i < sc.n; i++)
			noise += sc.label[i] < 0;
		gp_buf_printf(b, "%zu,\"features\":[", noise);
	}
	for (size_t c = 0; c < sc.clusters; c++)
		if ((rc = put_hotspot(w, b, &sc, &sc.spots[c], c + 1, cfg)))
			goto out;
	gp_buf_puts(b, "]}\n");
	gp_http_set_type(x, GP_GEOJSON_TYPE);
	gp_api_content_crs(x, GP_CRS_CRS84);
	rc = gp_buf_status(b);
out:
	gp_cluster_snapshot_release(sc.s);
	scan_free(&sc);
	return rc;
}

const gp_http_route gp_api_hotspot_routes[] = {
	{ "GET", "/api/hotspots", get_hotspots, "category district eps min_points",
	  GP_HTTP_NO_BODY, 0 },
	{ NULL, NULL, NULL, NULL, GP_HTTP_NO_BODY, 0 },
};
