/*
 * districts.c — districts with the counts of what a caller sees, their
 * outlines in any CRS, and the statistics per district.
 *
 * Counts come from the counts the triggers keep (store's tally), never
 * from the points.  Outlines change only with a boundary import, which
 * bumps districts_version: each district's WKB, its CRS84 extent and its
 * GeoJSON geometry per CRS are kept process-wide for the version they were
 * made from, so /api/districts transforms no polygon twice.  The cache's
 * mutex is held while an entry is made or copied out; nothing outside
 * holds a pointer into it.  For a map's zoom the outlines of a layer are
 * simplified together (geo's gp_geo_simplify_layer) the first time that
 * zoom is asked for, and kept beside the full ones for the same version.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "read_int.h"

typedef struct dentry {
	char *id;
	gp_layer layer;
	unsigned char *wkb;
	size_t wkb_len;
	int has_extent;
	gp_bbox extent; /* CRS84 */
	double area;    /* m², once measured (0 before) */
	char *geometry[GP_CRS_COUNT];
	size_t geometry_len[GP_CRS_COUNT];
	/* per zoom: the simplified outline (NULL: the full one stands in) and its CRS84 text */
	unsigned char *zwkb[GP_READ_ZOOM_MAX + 1];
	size_t zwkb_len[GP_READ_ZOOM_MAX + 1];
	char *zgeometry[GP_READ_ZOOM_MAX + 1];
	size_t zgeometry_len[GP_READ_ZOOM_MAX + 1];
} dentry;

struct district_cache {
	int64_t version;
	char zmade[GP_READ_ZOOM_MAX + 1]; /* simplified for that zoom (or tried) */
	dentry *d;
	size_t n, cap;
	read_names index; /* id → entry */
};

static void entries_clear(district_cache *dc)
{
	for (size_t i = 0; i < dc->n; i++) {
		free(dc->d[i].id);
		free(dc->d[i].wkb);
		for (int c = 0; c < GP_CRS_COUNT; c++)
			free(dc->d[i].geometry[c]);
		for (int z = 0; z <= GP_READ_ZOOM_MAX; z++) {
			free(dc->d[i].zwkb[z]);
			free(dc->d[i].zgeometry[z]);
		}
	}
	memset(dc->zmade, 0, sizeof(dc->zmade));
	free(dc->d);
	read_names_free(&dc->index);
	dc->d = NULL;
	dc->n = dc->cap = 0;
	dc->version = -1;
}

void read_districts_free(district_cache *dc)
{
	if (!dc)
		return;
	entries_clear(dc);
	free(dc);
}

static int take_entry(void *ctx, const gp_store_district_row *row)
{
	district_cache *dc = ctx;
	dentry *e;

	if (dc->n == dc->cap) {
		size_t cap = dc->cap ? 2 * dc->cap : 32;
		dentry *d = realloc(dc->d, cap * sizeof(*d));
		if (!d)
			return GP_ENOMEM;
		dc->d = d;
		dc->cap = cap;
	}
	e = &dc->d[dc->n];
	memset(e, 0, sizeof(*e));
	e->layer = row->layer;
	e->wkb_len = row->wkb_len;
	if (!(e->id = gp_strdup(row->id)) || !(e->wkb = malloc(row->wkb_len ? row->wkb_len : 1))) {
		free(e->id);
		return GP_ENOMEM;
	}
	memcpy(e->wkb, row->wkb, row->wkb_len);
	dc->n++;
	if (read_names_put(&dc->index, row->id) != (long)dc->n - 1)
		return GP_ENOMEM;
	return 0;
}

/* The cache made current for boundary version `version` (cache locked). */
static int cache_at(gp_read *r, int64_t version, district_cache **out)
{
	district_cache *dc = r->cache->districts;
	int rc;

	if (!dc) {
		if (!(dc = calloc(1, sizeof(*dc))))
			return GP_ENOMEM;
		dc->version = -1;
		r->cache->districts = dc;
	}
	if (dc->version != version) {
		entries_clear(dc);
		if ((rc = gp_store_district_list(r->store, -1, NULL, 1, take_entry, dc))) {
			entries_clear(dc);
			return rc;
		}
		dc->version = version;
	}
	*out = dc;
	return 0;
}

/* The entry of `id` for boundary version `version` (cache locked). */
static int entry_of(gp_read *r, int64_t version, const char *id, dentry **out)
{
	district_cache *dc;
	long i;
	int rc;

	if ((rc = cache_at(r, version, &dc)))
		return rc;
	if ((i = read_names_find(&dc->index, id)) < 0)
		return GP_NOT_FOUND;
	*out = &dc->d[i];
	return 0;
}

/* What gp_read_district.shape points to: the version the read saw. */
typedef struct shape {
	int64_t version;
} shape;

/* ---- districts with counts --------------------------------------------------------- */

/*
 * Per district (by index in ids): points by category, by channel and by
 * configured topic (slots of MAX_TOPICS), gathered from the kept counts.
 */
#define MAX_TOPICS 64

typedef struct tally_row {
	int64_t cat[GP_CATEGORY_COUNT];
	int64_t chan[GP_CHANNEL_COUNT];
	int64_t topic[MAX_TOPICS];
} tally_row;

typedef struct counts {
	read_names ids;
	tally_row *n;
	size_t cap;
	int topic; /* the topic being tallied, or -1: categories and channels */
} counts;

static int add_count(void *ctx, const char *district_id, gp_category cat, gp_channel chan,
                     int64_t n)
{
	counts *c = ctx;
	long i;

	if (!district_id)
		return 0;
	if ((i = read_names_put(&c->ids, district_id)) < 0)
		return GP_ENOMEM;
	if ((size_t)i >= c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		tally_row *p = realloc(c->n, cap * sizeof(*p));
		if (!p)
			return GP_ENOMEM;
		memset(p + c->cap, 0, (cap - c->cap) * sizeof(*p));
		c->n = p;
		c->cap = cap;
	}
	if (c->topic >= 0) {
		c->n[i].topic[c->topic] += n;
	} else {
		c->n[i].cat[cat] += n;
		c->n[i].chan[chan] += n;
	}
	return 0;
}

typedef struct list_run {
	const counts *c;
	size_t ntopics;
	const shape *sh;
	gp_read_district_cb cb;
	void *ctx;
} list_run;

static int list_one(void *ctx, const gp_store_district_row *row)
{
	list_run *l = ctx;
	gp_read_district d;
	long i = read_names_find(&l->c->ids, row->id);

	static const int64_t none[MAX_TOPICS];

	memset(&d, 0, sizeof(d));
	d.id = row->id;
	d.name = row->name;
	d.layer = row->layer;
	d.topic = none;
	d.ntopics = l->ntopics;
	if (i >= 0) {
		memcpy(d.count, l->c->n[i].cat, sizeof(d.count));
		memcpy(d.channel, l->c->n[i].chan, sizeof(d.channel));
		d.topic = l->c->n[i].topic;
	}
	d.shape = l->sh;
	return l->cb(l->ctx, &d);
}

int gp_read_districts(gp_read *r, const gp_visibility *vis, int layer, const char *id,
                      int with_shape, gp_read_district_cb cb, void *ctx, gp_err *err)
{
	counts c;
	shape sh = { 0 };
	const gp_config *cfg = r->cache->cfg;
	size_t ntopics = cfg->ntopics < MAX_TOPICS ? cfg->ntopics : MAX_TOPICS;
	list_run l = { &c, ntopics, with_shape ? &sh : NULL, cb, ctx };
	gp_point_filter f;
	int rc;

	memset(&c, 0, sizeof(c));
	c.topic = -1;
	gp_point_filter_init(&f);
	f.status = read_status(vis);
	/* One snapshot for the list and its counts. */
	if ((rc = gp_store_read_begin(r->store)))
		return rc;
	if (with_shape && (rc = gp_store_districts_version(r->store, &sh.version)))
		goto out;
	for (int l2 = 0; l2 < GP_LAYER_COUNT && !rc; l2++)
		if (layer < 0 || layer == l2)
			rc = gp_store_point_tally(r->store, &f, l2, add_count, &c);
	/* Then once per topic: a few rows of the kept counts each. */
	for (size_t t = 0; t < ntopics && !rc; t++) {
		c.topic = (int)t;
		f.topic = cfg->topics[t].id;
		for (int l2 = 0; l2 < GP_LAYER_COUNT && !rc; l2++)
			if (layer < 0 || layer == l2)
				rc = gp_store_point_tally(r->store, &f, l2, add_count, &c);
	}
	if (!rc)
		rc = gp_store_district_list(r->store, layer, id, 0, list_one, &l);
	if (rc == GP_NOT_FOUND && id)
		rc = gp_err_set(err, GP_NOT_FOUND, "id", "no district \"%.40s\"", id);
out:
	gp_store_read_end(r->store);
	read_names_free(&c.ids);
	free(c.n);
	return rc;
}

/* ---- outlines ------------------------------------------------------------------------ */

static int full_geometry(gp_read *r, gp_buf *b, const gp_read_district *d, gp_crs crs)
{
	const shape *sh = d->shape;
	gp_read_cache *cache = r->cache;
	dentry *e;
	gp_buf text;
	int rc;

	if (!sh || (unsigned)crs >= GP_CRS_COUNT)
		return GP_EFAULT;
	pthread_mutex_lock(&cache->mu);
	if ((rc = entry_of(r, sh->version, d->id, &e)))
		goto out;
	if (!e->geometry[crs]) {
		/* Boundaries come from 1e-7° sources: 7 places (1 cm) say all there is. */
		gp_buf_init(&text, 64u << 20);
		rc = gp_geo_wkb_write_geojson(r->geo, &text, e->wkb, e->wkb_len, crs,
		                              gp_crs_is_geographic(crs) ? 7 : 2);
		if (!rc)
			e->geometry[crs] = gp_buf_steal(&text, &e->geometry_len[crs]);
		gp_buf_free(&text);
		if (rc)
			goto out;
		if (!e->geometry[crs]) {
			rc = GP_ENOMEM;
			goto out;
		}
	}
	gp_buf_append(b, e->geometry[crs], e->geometry_len[crs]);
	rc = gp_buf_status(b);
out:
	pthread_mutex_unlock(&cache->mu);
	return rc < 0 ? rc : rc ? GP_EFAULT : 0;
}

/* The CRS84 extent of an entry, measured once (cache locked). */
static int entry_extent(gp_read *r, dentry *e)
{
	int rc;

	if (e->has_extent)
		return 0;
	if ((rc = gp_geo_wkb_measure(r->geo, e->wkb, e->wkb_len, GP_CRS_CRS84, NULL, &e->extent,
	                             NULL)))
		return rc;
	e->has_extent = 1;
	return 0;
}

/*
 * A pixel at `zoom` in metres on the ground, at the latitude of the
 * layer's middle: Web Mercator's 156543.03 m per pixel at zoom 0 on the
 * equator, shrinking with the cosine of the latitude.
 */
static double pixel_metres(double lat, int zoom)
{
	return 156543.03392804097 * cos(lat * M_PI / 180.0) / ldexp(1.0, zoom);
}

/* Decimals of a degree that keep a quarter pixel at zoom (at most 7, 1 cm). */
static int zoom_decimals(int zoom)
{
	double per_degree = 4.0 * 256.0 * ldexp(1.0, zoom) / 360.0;
	int d = (int)ceil(log10(per_degree));

	return d < 0 ? 0 : d > 7 ? 7 : d;
}

/* Simplifies every layer of dc for zoom (cache locked); a layer that
 * cannot be keeps its full outlines. */
static int simplify_zoom(gp_read *r, district_cache *dc, int zoom)
{
	const unsigned char **wkb = calloc(dc->n ? dc->n : 1, sizeof(*wkb));
	size_t *len = calloc(dc->n ? dc->n : 1, sizeof(*len));
	unsigned char **out = calloc(dc->n ? dc->n : 1, sizeof(*out));
	size_t *out_len = calloc(dc->n ? dc->n : 1, sizeof(*out_len));
	size_t *which = calloc(dc->n ? dc->n : 1, sizeof(*which));
	int rc = GP_ENOMEM;

	if (!wkb || !len || !out || !out_len || !which)
		goto out;
	rc = 0;
	for (int l = 0; l < GP_LAYER_COUNT && !rc; l++) {
		size_t n = 0;
		double lat = 0;

		for (size_t i = 0; i < dc->n && !rc; i++) {
			dentry *e = &dc->d[i];
			if (e->layer != (gp_layer)l)
				continue;
			if ((rc = entry_extent(r, e)))
				break;
			lat += (e->extent.miny + e->extent.maxy) / 2;
			wkb[n] = e->wkb;
			len[n] = e->wkb_len;
			which[n++] = i;
		}
		if (rc || !n)
			continue;
		rc = gp_geo_simplify_layer(r->geo, wkb, len, n, pixel_metres(lat / (double)n, zoom),
		                           out, out_len);
		if (rc == GP_INVALID) {
			gp_log_warn("the %s outlines cannot be simplified for zoom %d; "
			            "the full ones stand in",
			            gp_layer_name((gp_layer)l), zoom);
			rc = 0;
			continue;
		}
		for (size_t k = 0; k < n && !rc; k++) {
			dc->d[which[k]].zwkb[zoom] = out[k];
			dc->d[which[k]].zwkb_len[zoom] = out_len[k];
		}
	}
	if (!rc)
		dc->zmade[zoom] = 1;
out:
	free(wkb);
	free(len);
	free(out);
	free(out_len);
	free(which);
	return rc;
}

int gp_read_district_geometry(gp_read *r, gp_buf *b, const gp_read_district *d, gp_crs crs)
{
	return gp_read_district_outline(r, b, d, crs, -1);
}

int gp_read_district_outline(gp_read *r, gp_buf *b, const gp_read_district *d, gp_crs crs,
                             int zoom)
{
	const shape *sh = d->shape;
	gp_read_cache *cache = r->cache;
	district_cache *dc;
	dentry *e;
	gp_buf text;
	int rc, decimals;

	if (zoom < 0)
		return full_geometry(r, b, d, crs);
	if (!sh || (unsigned)crs >= GP_CRS_COUNT || zoom > GP_READ_ZOOM_MAX)
		return GP_EFAULT;
	decimals = gp_crs_is_geographic(crs) ? zoom_decimals(zoom) : 2;
	pthread_mutex_lock(&cache->mu);
	if ((rc = entry_of(r, sh->version, d->id, &e)))
		goto out;
	dc = cache->districts;
	if (!dc->zmade[zoom] && (rc = simplify_zoom(r, dc, zoom)))
		goto out;
	if (crs == GP_CRS_CRS84 && e->zgeometry[zoom]) {
		gp_buf_append(b, e->zgeometry[zoom], e->zgeometry_len[zoom]);
		rc = gp_buf_status(b);
		goto out;
	}
	gp_buf_init(&text, 64u << 20);
	rc = e->zwkb[zoom]
	     ? gp_geo_wkb_write_geojson(r->geo, &text, e->zwkb[zoom], e->zwkb_len[zoom], crs, decimals)
	     : gp_geo_wkb_write_geojson(r->geo, &text, e->wkb, e->wkb_len, crs, decimals);
	if (!rc)
		gp_buf_append(b, text.data, text.len);
	if (!rc && crs == GP_CRS_CRS84)
		e->zgeometry[zoom] = gp_buf_steal(&text, &e->zgeometry_len[zoom]);
	gp_buf_free(&text);
	if (!rc)
		rc = gp_buf_status(b);
out:
	pthread_mutex_unlock(&cache->mu);
	return rc < 0 ? rc : rc ? GP_EFAULT : 0;
}

int gp_read_district_hits(gp_read *r, const gp_read_district *d, const gp_read_area *area,
                          int *out_hit)
{
	const shape *sh = d->shape;
	gp_bbox ext;
	dentry *e;
	int rc;

	*out_hit = 0;
	if (!sh)
		return GP_EFAULT;
	pthread_mutex_lock(&r->cache->mu);
	if (!(rc = entry_of(r, sh->version, d->id, &e)))
		rc = gp_geo_wkb_measure(r->geo, e->wkb, e->wkb_len, area->crs, &area->box, &ext,
		                        out_hit);
	pthread_mutex_unlock(&r->cache->mu);
	return rc < 0 ? rc : rc ? GP_EFAULT : 0;
}

int gp_read_layer_extent(gp_read *r, gp_layer layer, gp_bbox *out)
{
	district_cache *dc;
	int64_t version;
	dentry *e;
	int rc, n = 0;

	if ((rc = gp_store_districts_version(r->store, &version)))
		return rc;
	pthread_mutex_lock(&r->cache->mu);
	rc = cache_at(r, version, &dc);
	for (size_t i = 0; !rc && i < dc->n; i++) {
		e = &dc->d[i];
		if (e->layer != layer)
			continue;
		if ((rc = entry_extent(r, e)))
			break;
		if (n++ == 0) {
			*out = e->extent;
		} else {
			out->minx = e->extent.minx < out->minx ? e->extent.minx : out->minx;
			out->miny = e->extent.miny < out->miny ? e->extent.miny : out->miny;
			out->maxx = e->extent.maxx > out->maxx ? e->extent.maxx : out->maxx;
			out->maxy = e->extent.maxy > out->maxy ? e->extent.maxy : out->maxy;
		}
	}
	pthread_mutex_unlock(&r->cache->mu);
	if (rc)
		return rc < 0 ? rc : GP_EFAULT;
	return n ? 0 : GP_NOT_FOUND;
}

int read_district_area(gp_read *r, const char *id, double *out)
{
	district_cache *dc;
	int64_t version;
	int rc, found = 0;

	*out = 0;
	if ((rc = gp_store_districts_version(r->store, &version)))
		return rc;
	pthread_mutex_lock(&r->cache->mu);
	rc = cache_at(r, version, &dc);
	for (size_t i = 0; !rc && i < dc->n; i++) {
		dentry *e = &dc->d[i];
		if (id ? strcmp(e->id, id) != 0 : e->layer != GP_LAYER_ORTSBEZIRK)
			continue;
		if (e->area <= 0 && (rc = gp_geo_wkb_area(r->geo, e->wkb, e->wkb_len, &e->area)))
			break;
		*out += e->area;
		found = 1;
	}
	pthread_mutex_unlock(&r->cache->mu);
	if (rc)
		return rc < 0 ? rc : GP_EFAULT;
	return found ? 0 : GP_NOT_FOUND;
}

/* ---- statistics ------------------------------------------------------------------------ */

typedef struct stats_run {
	read_names ids;
	gp_read_stats_row *rows;
	char **names;
	size_t n, cap;
	read_names topic_ids; /* the configured topics, in their order */
	int64_t *topic;       /* row i's counts from topic[i * ntopics] */
	size_t ntopics;
} stats_run;

static int stats_district(void *ctx, const gp_store_district_row *row)
{
	stats_run *sr = ctx;

	if (sr->n == sr->cap) {
		/* A layer has as many districts as an import gave it. */
		size_t cap = sr->cap ? 2 * sr->cap : 32;
		gp_read_stats_row *rows = realloc(sr->rows, cap * sizeof(*rows));
		char **names = rows ? realloc(sr->names, cap * sizeof(*names)) : NULL;
		if (rows)
			sr->rows = rows;
		if (!names)
			return GP_ENOMEM;
		sr->names = names;
		sr->cap = cap;
	}
	if (read_names_put(&sr->ids, row->id) != (long)sr->n ||
	    !(sr->names[sr->n] = gp_strdup(row->name)))
		return GP_ENOMEM;
	memset(&sr->rows[sr->n], 0, sizeof(sr->rows[0]));
	sr->n++;
	return 0;
}

/* A topic no longer configured counts in the totals, under no topic. */
static int stats_count(void *ctx, const char *district_id, const char *topic, gp_category cat,
                       gp_channel chan, int64_t n)
{
	stats_run *sr = ctx;
	long i = district_id ? read_names_find(&sr->ids, district_id) : -1;
	long t = topic ? read_names_find(&sr->topic_ids, topic) : -1;

	if (i < 0)
		return 0;
	sr->rows[i].n[cat][chan] += n;
	if (t >= 0)
		sr->topic[(size_t)i * sr->ntopics + (size_t)t] += n;
	return 0;
}

/* Open is what is left: every point but those a planner moved on. */
static int stats_outcome(void *ctx, const char *district_id, gp_outcome outcome, int64_t n)
{
	stats_run *sr = ctx;
	long i = district_id ? read_names_find(&sr->ids, district_id) : -1;

	if (i >= 0) {
		sr->rows[i].outcome[outcome] += n;
		sr->rows[i].outcome[GP_OUTCOME_OPEN] -= n;
	}
	return 0;
}

int gp_read_stats(gp_read *r, const gp_read_query *q, gp_layer layer,
                  int (*cb)(void *ctx, const gp_read_stats_row *row), void *ctx)
{
	const gp_config *cfg = r->cache->cfg;
	stats_run sr;
	gp_point_filter f;
	int rc;

	memset(&sr, 0, sizeof(sr));
	if ((rc = read_filter(q, &f, NULL)))
		return rc;
	sr.ntopics = cfg->ntopics;
	for (size_t t = 0; t < cfg->ntopics; t++)
		if (read_names_put(&sr.topic_ids, cfg->topics[t].id) != (long)t) {
			rc = GP_ENOMEM;
			goto out;
		}
	/* One snapshot for the district list and the counts. */
	if ((rc = gp_store_read_begin(r->store)))
		goto out;
	rc = gp_store_district_list(r->store, (int)layer, NULL, 0, stats_district, &sr);
	if (!rc && !(sr.topic = calloc(sr.n * sr.ntopics + 1, sizeof(*sr.topic))))
		rc = GP_ENOMEM;
	/* One pass over the kept counts for categories, channels and topics. */
	if (!rc)
		rc = gp_store_point_tally_topics(r->store, &f, (int)layer, stats_count, &sr);
	for (size_t i = 0; !rc && i < sr.n; i++)
		for (int c = 0; c < GP_CATEGORY_COUNT; c++)
			for (int k = 0; k < GP_CHANNEL_COUNT; k++)
				sr.rows[i].outcome[GP_OUTCOME_OPEN] += sr.rows[i].n[c][k];
	if (!rc)
		rc = gp_store_point_tally_outcomes(r->store, &f, (int)layer, stats_outcome, &sr);
	gp_store_read_end(r->store);
	for (size_t i = 0; !rc && i < sr.n; i++) {
		sr.rows[i].id = sr.ids.key[i];
		sr.rows[i].name = sr.names[i];
		sr.rows[i].topic = &sr.topic[i * sr.ntopics];
		sr.rows[i].ntopics = sr.ntopics;
		rc = cb(ctx, &sr.rows[i]);
	}
out:
	for (size_t i = 0; i < sr.n; i++)
		free(sr.names[i]);
	free(sr.names);
	free(sr.rows);
	free(sr.topic);
	read_names_free(&sr.ids);
	read_names_free(&sr.topic_ids);
	return rc;
}
