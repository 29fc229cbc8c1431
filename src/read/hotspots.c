/*
 * hotspots.c — where points concentrate, for planners: DBSCAN in metres
 * (cluster/dbscan.c) over the points of the cluster index that pass the
 * request's filters, with a bounded cost.
 *
 * What a request costs:
 *   - A table of the index's points — coordinates, category, topic,
 *     districts and creation time in flat arrays — is made once per index
 *     generation and shared, so a request walks arrays, not a million
 *     records scattered over the heap.
 *   - DBSCAN gets a budget of work (distance tests and cell visits) that
 *     keeps it within about half a second of CPU; a request beyond it is
 *     refused (GP_INVALID naming eps, asking for a narrower request) — at
 *     once when the cells show it, else when the budget is spent — instead
 *     of running for minutes.
 *   - The default answer (no parameters) is kept per index generation,
 *     and made ahead of requests: a thread of the cache follows the index
 *     and makes it for each new generation (at most one every
 *     AHEAD_REST_MS, so a stream of writes costs a bounded share of a
 *     core), and a request that finds it being made waits for it rather
 *     than making it twice.
 *
 * What a planner needs at high density: with a fixed min_points a city
 * with a million points is one dense carpet and one hotspot of a million
 * points, which says nothing.  So min_points, unless given, is at least
 * three times the number of points an eps circle holds on average over
 * the area asked (the district, the box within the city, or the city): a
 * hotspot is a place where points are at least three times as dense as
 * usual there.  With few points the configured hotspot_min_points holds.
 *
 * Must never: show a point the index does not hold (the public's), or
 * keep a snapshot of the index past a call.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "read_int.h"

/*
 * Work DBSCAN may spend (cluster.h): at most about half a second of one
 * core on a million points, whatever eps and min_points ask.
 */
#define WORK_BUDGET 120000000ull
/* Hotspots are spots this many times as dense as their area on average. */
#define DENSITY_FACTOR 3.0
/* Outline width around a hotspot whose points lie on one spot or line. */
#define HULL_PAD_M 1.0
/* The default answer made ahead at most this often. */
#define AHEAD_REST_MS 3000
/* A request waits this long at most for the default answer being made. */
#define AHEAD_WAIT_MS 5000
/* How often the thread making answers ahead looks whether it must stop. */
#define AHEAD_POLL_MS 100

/* ---- the table of an index generation -------------------------------------------- */

typedef struct hot_table {
	atomic_int refs;
	uint64_t generation;
	size_t n;
	double *x, *y, *lon, *lat;
	uint8_t *cat;
	int16_t *topic;      /* index into the configured topics, -1 none */
	int32_t *ob, *st;    /* district slot, -1 none */
	int64_t *when;       /* creation time as YYYYMMDDhhmmssmmm */
	read_names districts;
	char **dname;        /* per slot, may be NULL */
	gp_layer *dlayer;
	size_t dcap;
} hot_table;

struct gp_read_hotspots {
	atomic_int refs;
	hot_table *t;
	gp_read_hotspot_summary sum;
	uint32_t *members;   /* table rows grouped by hotspot, each group in id order */
	struct spot {
		size_t first, n;
		uint32_t earliest;
		int64_t count[GP_CATEGORY_COUNT];
		gp_read_tally *topics;
		size_t ntopics;
		int64_t without_topic;
		gp_read_tally *districts;
		size_t ndistricts;
	} *spots;
};

struct hot_cache {
	pthread_mutex_t mu;
	pthread_cond_t made; /* the default answer being made is there, or given up */
	hot_table *table;
	gp_read_hotspots *deflt;
	uint64_t deflt_generation;
	uint64_t making;     /* the generation whose default is being made ahead, or 0 */
	/* the thread making the default ahead, following `idx` */
	pthread_t thread;
	int started;
	atomic_int stop;
	gp_cluster_index *idx;
};

static void table_release(hot_table *t)
{
	if (!t || atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	free(t->x);
	free(t->y);
	free(t->lon);
	free(t->lat);
	free(t->cat);
	free(t->topic);
	free(t->ob);
	free(t->st);
	free(t->when);
	for (size_t i = 0; i < t->districts.n; i++)
		free(t->dname[i]);
	free(t->dname);
	free(t->dlayer);
	read_names_free(&t->districts);
	free(t);
}

void gp_read_hotspots_free(gp_read_hotspots *h)
{
	if (!h || atomic_fetch_sub(&h->refs, 1) != 1)
		return;
	for (size_t i = 0; i < h->sum.hotspots; i++) {
		free(h->spots[i].topics);
		free(h->spots[i].districts);
	}
	free(h->spots);
	free(h->members);
	table_release(h->t);
	free(h);
}

void read_hot_free(hot_cache *hc)
{
	if (!hc)
		return;
	read_hot_follow(hc, NULL, NULL);
	table_release(hc->table);
	gp_read_hotspots_free(hc->deflt);
	pthread_cond_destroy(&hc->made);
	pthread_mutex_destroy(&hc->mu);
	free(hc);
}

/* "2026-11-01T12:00:00.123Z" → 20261101120000123, so times compare as numbers. */
static int64_t time_key(const char *t)
{
	int64_t k = 0;

	for (; *t; t++)
		if (*t >= '0' && *t <= '9')
			k = k * 10 + (*t - '0');
	return k;
}

static long district_slot(hot_table *t, const char *id, const char *name, gp_layer layer)
{
	long i;

	if (!id)
		return -1;
	if ((i = read_names_find(&t->districts, id)) >= 0)
		return i;
	if ((i = read_names_put(&t->districts, id)) < 0)
		return -2;
	if ((size_t)i >= t->dcap) {
		size_t cap = t->dcap ? 2 * t->dcap : 64;
		char **names = realloc(t->dname, cap * sizeof(*names));
		gp_layer *layers = names ? realloc(t->dlayer, cap * sizeof(*layers)) : NULL;
		if (names)
			t->dname = names;
		if (!layers)
			return -2;
		t->dlayer = layers;
		t->dcap = cap;
	}
	t->dname[i] = name ? gp_strdup(name) : NULL;
	t->dlayer[i] = layer;
	return i;
}

static int table_build(const gp_config *cfg, gp_cluster_snapshot *s, hot_table **out)
{
	hot_table *t = calloc(1, sizeof(*t));
	size_t n = gp_cluster_snapshot_size(s), k = n ? n : 1;

	*out = NULL;
	if (!t)
		return GP_ENOMEM;
	atomic_init(&t->refs, 1);
	t->generation = gp_cluster_snapshot_generation(s);
	t->n = n;
	t->x = malloc(k * sizeof(*t->x));
	t->y = malloc(k * sizeof(*t->y));
	t->lon = malloc(k * sizeof(*t->lon));
	t->lat = malloc(k * sizeof(*t->lat));
	t->cat = malloc(k * sizeof(*t->cat));
	t->topic = malloc(k * sizeof(*t->topic));
	t->ob = malloc(k * sizeof(*t->ob));
	t->st = malloc(k * sizeof(*t->st));
	t->when = malloc(k * sizeof(*t->when));
	if (!t->x || !t->y || !t->lon || !t->lat || !t->cat || !t->topic || !t->ob || !t->st ||
	    !t->when)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const gp_point *p = gp_cluster_snapshot_point(s, i);
		long ob, st;

		t->x[i] = p->x;
		t->y[i] = p->y;
		t->lon[i] = p->lon;
		t->lat[i] = p->lat;
		t->cat[i] = (uint8_t)p->category;
		t->topic[i] = -1;
		for (size_t j = 0; p->topic && j < cfg->ntopics; j++)
			if (!strcmp(p->topic, cfg->topics[j].id))
				t->topic[i] = (int16_t)j;
		ob = district_slot(t, p->ortsbezirk.id, p->ortsbezirk.name, GP_LAYER_ORTSBEZIRK);
		st = district_slot(t, p->stadtteil.id, p->stadtteil.name, GP_LAYER_STADTTEIL);
		if (ob < -1 || st < -1)
			goto fail;
		t->ob[i] = (int32_t)ob;
		t->st[i] = (int32_t)st;
		t->when[i] = time_key(p->created);
	}
	*out = t;
	return 0;
fail:
	table_release(t);
	return GP_ENOMEM;
}

static hot_cache *hot_cache_of(gp_read_cache *c)
{
	hot_cache *hc;

	pthread_mutex_lock(&c->mu);
	if (!c->hot && (c->hot = calloc(1, sizeof(*c->hot)))) {
		pthread_mutex_init(&c->hot->mu, NULL);
		pthread_cond_init(&c->hot->made, NULL);
	}
	hc = c->hot;
	pthread_mutex_unlock(&c->mu);
	return hc;
}

/* The table of s's generation, made when new (hc locked); a reference. */
static int table_for(hot_cache *hc, const gp_config *cfg, gp_cluster_snapshot *s,
                     hot_table **out)
{
	hot_table *t;
	int rc;

	if (!hc->table || hc->table->generation != gp_cluster_snapshot_generation(s)) {
		if ((rc = table_build(cfg, s, &t)))
			return rc;
		table_release(hc->table);
		hc->table = t;
	}
	atomic_fetch_add(&hc->table->refs, 1);
	*out = hc->table;
	return 0;
}

/* ---- one answer ------------------------------------------------------------------------- */

typedef struct pick {
	uint32_t *rows; /* table rows that pass, ascending */
	double *x, *y;
	size_t n;
} pick;

static void pick_free(pick *p)
{
	free(p->rows);
	free(p->x);
	free(p->y);
}

static int pick_points(const hot_table *t, const gp_read_query *q, pick *p)
{
	size_t k = t->n ? t->n : 1;
	long slot = -1;
	int64_t since = q->since[0] ? time_key(q->since) : INT64_MIN;
	int64_t until = q->until[0] ? time_key(q->until) : INT64_MAX;
	const gp_bbox *box = q->area.set ? &q->area.lonlat : NULL;

	memset(p, 0, sizeof(*p));
	p->rows = malloc(k * sizeof(*p->rows));
	p->x = malloc(k * sizeof(*p->x));
	p->y = malloc(k * sizeof(*p->y));
	if (!p->rows || !p->x || !p->y)
		return GP_ENOMEM;
	if (q->district[0] && (slot = read_names_find(&t->districts, q->district)) < 0)
		return 0; /* a district the index has no point in */
	for (size_t i = 0; i < t->n; i++) {
		if (q->category >= 0 && t->cat[i] != q->category)
			continue;
		if (slot >= 0 && t->ob[i] != slot && t->st[i] != slot)
			continue;
		if (box && !(t->lon[i] >= box->minx && t->lon[i] <= box->maxx &&
		             t->lat[i] >= box->miny && t->lat[i] <= box->maxy))
			continue;
		if (t->when[i] < since || t->when[i] > until)
			continue;
		p->rows[p->n] = (uint32_t)i;
		p->x[p->n] = t->x[i];
		p->y[p->n] = t->y[i];
		p->n++;
	}
	return 0;
}

/* The area asked, in m²: the district, the box within the city, or the city. */
static int area_asked(gp_read *r, const gp_read_query *q, double *out)
{
	double area = 0;
	gp_bbox city, box, m;
	int rc;

	*out = 0;
	if ((rc = read_district_area(r, q->district[0] ? q->district : NULL, &area)) &&
	    rc != GP_NOT_FOUND)
		return rc;
	if (q->area.set && !(rc = gp_read_layer_extent(r, GP_LAYER_ORTSBEZIRK, &city))) {
		box = q->area.lonlat;
		box.minx = box.minx > city.minx ? box.minx : city.minx;
		box.miny = box.miny > city.miny ? box.miny : city.miny;
		box.maxx = box.maxx < city.maxx ? box.maxx : city.maxx;
		box.maxy = box.maxy < city.maxy ? box.maxy : city.maxy;
		if (box.minx >= box.maxx || box.miny >= box.maxy)
			area = 0;
		else if (!gp_geo_transform_bbox(r->geo, GP_CRS_CRS84, GP_CRS_STORAGE, &box, &m) &&
		         (area <= 0 || (m.maxx - m.minx) * (m.maxy - m.miny) < area))
			area = (m.maxx - m.minx) * (m.maxy - m.miny);
	}
	*out = area;
	return 0;
}

/* Larger hotspots first; equal ones by their earliest point. */
static int cmp_spot(const void *a, const void *b)
{
	const struct spot *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->earliest < y->earliest ? -1 : 1;
}

/* Districts: Ortsbezirke first, then by count, then by id. */
static int cmp_tally(const void *a, const void *b)
{
	const gp_read_tally *x = a, *y = b;

	if (x->layer != y->layer)
		return (int)x->layer - (int)y->layer;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Counts by category, topic and district of each hotspot. */
static int tally_spots(gp_read_hotspots *h, const gp_config *cfg)
{
	const hot_table *t = h->t;
	int64_t *topics = calloc(cfg->ntopics + 1, sizeof(*topics));
	int64_t *districts = calloc(t->districts.n + 1, sizeof(*districts));
	int rc = GP_ENOMEM;

	if (!topics || !districts)
		goto out;
	for (size_t s = 0; s < h->sum.hotspots; s++) {
		struct spot *sp = &h->spots[s];
		size_t nt = 0, nd = 0;

		for (size_t k = 0; k < sp->n; k++) {
			uint32_t i = h->members[sp->first + k];
			sp->count[t->cat[i]]++;
			if (t->topic[i] < 0)
				sp->without_topic++;
			else
				topics[t->topic[i]]++;
			if (t->ob[i] >= 0)
				districts[t->ob[i]]++;
			if (t->st[i] >= 0)
				districts[t->st[i]]++;
		}
		for (size_t j = 0; j < cfg->ntopics; j++)
			nt += topics[j] > 0;
		for (size_t j = 0; j < t->districts.n; j++)
			nd += districts[j] > 0;
		sp->topics = calloc(nt ? nt : 1, sizeof(*sp->topics));
		sp->districts = calloc(nd ? nd : 1, sizeof(*sp->districts));
		if (!sp->topics || !sp->districts)
			goto out;
		/* Topics in the configured order, so the page can keep its legend. */
		for (size_t j = 0; j < cfg->ntopics; j++)
			if (topics[j]) {
				sp->topics[sp->ntopics++] = (gp_read_tally){ cfg->topics[j].id, NULL,
					                                     GP_LAYER_ORTSBEZIRK, topics[j] };
				topics[j] = 0;
			}
		for (size_t j = 0; j < t->districts.n; j++)
			if (districts[j]) {
				sp->districts[sp->ndistricts++] = (gp_read_tally){
					t->districts.key[j], t->dname[j], t->dlayer[j], districts[j] };
				districts[j] = 0;
			}
		qsort(sp->districts, sp->ndistricts, sizeof(*sp->districts), cmp_tally);
	}
	rc = 0;
out:
	free(topics);
	free(districts);
	return rc;
}

/* Groups the labelled points into hotspots, largest first. */
static int make_spots(gp_read_hotspots *h, const pick *p, const int32_t *label,
                      size_t clusters)
{
	size_t noise = 0;

	h->members = malloc((p->n ? p->n : 1) * sizeof(*h->members));
	h->spots = calloc(clusters ? clusters : 1, sizeof(*h->spots));
	if (!h->members || !h->spots)
		return GP_ENOMEM;
	h->sum.hotspots = clusters;
	for (size_t i = 0; i < p->n; i++) {
		if (label[i] < 0)
			noise++;
		else
			h->spots[label[i]].n++;
	}
	for (size_t c = 1; c < clusters; c++)
		h->spots[c].first = h->spots[c - 1].first + h->spots[c - 1].n;
	for (size_t c = 0; c < clusters; c++)
		h->spots[c].n = 0;
	for (size_t i = 0; i < p->n; i++) {
		struct spot *sp;
		if (label[i] < 0)
			continue;
		sp = &h->spots[label[i]];
		if (!sp->n)
			sp->earliest = (uint32_t)i; /* i ascends: the first is the earliest */
		h->members[sp->first + sp->n++] = p->rows[i];
	}
	h->sum.noise = (int64_t)noise;
	qsort(h->spots, clusters, sizeof(*h->spots), cmp_spot);
	return 0;
}

static int is_default(const gp_read_query *q, double eps, int64_t min_points)
{
	return eps <= 0 && min_points <= 0 && q->category < 0 && !q->district[0] &&
	       !q->area.set && !q->since[0] && !q->until[0];
}

/* Waits on cond (mu held) for at most ms milliseconds. */
static void wait_ms(pthread_cond_t *cond, pthread_mutex_t *mu, int64_t ms)
{
	struct timespec until = gp_time_realtime_in(ms);

	pthread_cond_timedwait(cond, mu, &until);
}

/* The answer; `ahead` when the cache's own thread makes the default one. */
static int hotspots_find(gp_read *r, const gp_read_query *q, double eps, int64_t min_points,
                         int ahead, gp_read_hotspots **out, gp_err *err)
{
	const gp_config *cfg = r->cache->cfg;
	int deflt = is_default(q, eps, min_points);
	gp_cluster_index *idx;
	gp_cluster_snapshot *s;
	gp_read_hotspots *h = NULL;
	hot_cache *hc;
	hot_table *t = NULL;
	int32_t *label = NULL;
	uint64_t generation, work = 0;
	size_t clusters = 0;
	pick p;
	int rc;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	if ((rc = read_clusters(r, &idx, err)))
		return rc;
	if (!(hc = hot_cache_of(r->cache)))
		return GP_ENOMEM;
	s = gp_cluster_index_acquire(idx);
	generation = gp_cluster_snapshot_generation(s);
	pthread_mutex_lock(&hc->mu);
	if (deflt && !ahead && hc->making == generation) {
		/* Being made ahead: wait for it instead of making it twice. */
		int64_t until = gp_time_mono_ms() + AHEAD_WAIT_MS, now;
		while (hc->making == generation && (now = gp_time_mono_ms()) < until) {
			wait_ms(&hc->made, &hc->mu, until - now);
		}
	}
	if (deflt && hc->deflt && hc->deflt_generation == generation) {
		atomic_fetch_add(&hc->deflt->refs, 1);
		*out = hc->deflt;
		pthread_mutex_unlock(&hc->mu);
		gp_cluster_snapshot_release(s);
		return 0;
	}
	if (ahead)
		hc->making = generation;
	rc = table_for(hc, cfg, s, &t);
	pthread_mutex_unlock(&hc->mu);
	gp_cluster_snapshot_release(s);
	if (rc)
		return rc;
	if (!(h = calloc(1, sizeof(*h)))) {
		table_release(t);
		return GP_ENOMEM;
	}
	atomic_init(&h->refs, 1);
	h->t = t;
	if ((rc = pick_points(t, q, &p)))
		goto out;
	h->sum.points = (int64_t)p.n;
	h->sum.eps = eps > 0 ? eps : cfg->hotspot_eps_m;
	h->sum.min_points = min_points > 0 ? min_points : cfg->hotspot_min_points;
	if (min_points <= 0 && p.n) {
		double area = 0, usual;
		if ((rc = area_asked(r, q, &area)))
			goto out;
		usual = area > 0 ? (double)p.n * M_PI * h->sum.eps * h->sum.eps / area : 0;
		if (ceil(DENSITY_FACTOR * usual) > (double)h->sum.min_points)
			h->sum.min_points = (int64_t)ceil(DENSITY_FACTOR * usual);
	}
	if (!(label = malloc((p.n ? p.n : 1) * sizeof(*label)))) {
		rc = GP_ENOMEM;
		goto out;
	}
	rc = gp_cluster_dbscan_bounded(label, &clusters, p.x, p.y, p.n, h->sum.eps,
	                               (size_t)h->sum.min_points, WORK_BUDGET, &work);
	if (rc == GP_TOO_LARGE) {
		rc = gp_err_set(err, GP_INVALID, "eps",
		                "hotspots of %zu points with eps %g m and min_points %lld take too "
		                "much work (about %llu distance tests); narrow the request with "
		                "district, bbox, category or since/until, or use a smaller eps",
		                p.n, h->sum.eps, (long long)h->sum.min_points,
		                (unsigned long long)work);
		goto out;
	}
	if (rc || (rc = make_spots(h, &p, label, clusters)) || (rc = tally_spots(h, cfg)))
		goto out;
	if (deflt) {
		pthread_mutex_lock(&hc->mu);
		gp_read_hotspots_free(hc->deflt);
		atomic_fetch_add(&h->refs, 1);
		hc->deflt = h;
		hc->deflt_generation = generation;
		pthread_mutex_unlock(&hc->mu);
	}
	*out = h;
	h = NULL;
out:
	if (ahead) {
		pthread_mutex_lock(&hc->mu);
		hc->making = 0;
		pthread_cond_broadcast(&hc->made);
		pthread_mutex_unlock(&hc->mu);
	}
	free(label);
	pick_free(&p);
	gp_read_hotspots_free(h);
	return rc;
}

int gp_read_hotspots_find(gp_read *r, const gp_read_query *q, double eps, int64_t min_points,
                          gp_read_hotspots **out, gp_err *err)
{
	return hotspots_find(r, q, eps, min_points, 0, out, err);
}

/* ---- the default answer made ahead ---------------------------------------------------- */

typedef struct ahead_run {
	gp_read_cache *cache;
	hot_cache *hc;
} ahead_run;

/* Rests ms, or less when asked to stop; 1 when asked. */
static int ahead_rest(hot_cache *hc, int64_t ms)
{
	int64_t until = gp_time_mono_ms() + ms, now;
	int stop;

	pthread_mutex_lock(&hc->mu);
	while (!atomic_load(&hc->stop) && (now = gp_time_mono_ms()) < until)
		wait_ms(&hc->made, &hc->mu, until - now);
	stop = atomic_load(&hc->stop);
	pthread_mutex_unlock(&hc->mu);
	return stop;
}

static void *ahead_main(void *arg)
{
	ahead_run *run = arg;
	hot_cache *hc = run->hc;
	gp_cluster_index *idx = hc->idx;
	gp_store *store = NULL;
	gp_geo *geo = NULL;
	gp_read r = { run->cache, NULL, NULL };
	uint64_t done = 0, seen;
	gp_err err;
	int rc;

	free(run);
	if (gp_store_open(&store, r.cache->cfg->db_path, 0, &err) || gp_geo_new(&geo)) {
		gp_log_warn("hotspots made ahead: cannot open %s; requests make them",
		            r.cache->cfg->db_path);
		goto out;
	}
	r.store = store;
	r.geo = geo;
	/*
	 * PROJ's transformations are made once per process, on first use, and
	 * some take tens of milliseconds (EPSG:31467): make them here, so no
	 * request pays for them.
	 */
	for (int c = 0; c < GP_CRS_COUNT; c++) {
		double a = 7.77, b = 49.44;
		gp_geo_transform(geo, GP_CRS_CRS84, (gp_crs)c, GP_AXIS_AUTHORITY, &a, &b, 1);
		a = 410000, b = 5480000;
		gp_geo_transform(geo, GP_CRS_STORAGE, (gp_crs)c, GP_AXIS_AUTHORITY, &a, &b, 1);
		gp_geo_transform(geo, (gp_crs)c, GP_CRS_CRS84, GP_AXIS_GIS, &a, &b, 1);
		a = 410000, b = 5480000;
		gp_geo_transform(geo, GP_CRS_STORAGE, (gp_crs)c, GP_AXIS_AUTHORITY, &a, &b, 1);
		gp_geo_transform(geo, (gp_crs)c, GP_CRS_CRS84, GP_AXIS_AUTHORITY, &a, &b, 1);
	}
	while (!atomic_load(&hc->stop)) {
		gp_visibility vis = gp_read_visibility(GP_ROLE_CITIZEN);
		gp_read_hotspots *h = NULL;
		gp_read_query q;

		seen = gp_cluster_index_wait_newer(idx, done, AHEAD_POLL_MS);
		if (seen <= done)
			continue;
		gp_read_query_init(&q, &vis);
		gp_err_clear(&err);
		/* A refusal (too much work) is an answer too: requests get it alike. */
		rc = hotspots_find(&r, &q, 0, 0, 1, &h, &err);
		if (rc && rc != GP_INVALID)
			gp_log_warn("hotspots made ahead: %s (%s)", gp_result_name(rc), err.detail);
		gp_read_hotspots_free(h);
		done = seen;
		if (ahead_rest(hc, AHEAD_REST_MS))
			break;
	}
out:
	gp_geo_free(geo);
	gp_store_close(store);
	return NULL;
}

void read_hot_follow(hot_cache *hc, gp_read_cache *c, gp_cluster_index *idx)
{
	ahead_run *run;

	if (hc->started) {
		pthread_mutex_lock(&hc->mu);
		atomic_store(&hc->stop, 1);
		pthread_cond_broadcast(&hc->made);
		pthread_mutex_unlock(&hc->mu);
		pthread_join(hc->thread, NULL);
		hc->started = 0;
	}
	atomic_store(&hc->stop, 0);
	hc->idx = idx;
	/* Without a file of its own to read (some tests), requests make the answers. */
	if (!idx || !c->cfg->db_path || !(run = malloc(sizeof(*run))))
		return;
	*run = (ahead_run){ c, hc };
	if (pthread_create(&hc->thread, NULL, ahead_main, run) == 0)
		hc->started = 1;
	else
		free(run);
}

hot_cache *read_hot_of(gp_read_cache *c)
{
	return hot_cache_of(c);
}

int read_hot_wait(gp_read_cache *c, gp_read_hotspots **out, int timeout_ms)
{
	int64_t until = gp_time_mono_ms() + timeout_ms, now;
	hot_cache *hc = hot_cache_of(c);
	gp_cluster_index *idx;
	gp_cluster_snapshot *s;
	uint64_t generation;
	int rc = GP_TIMEOUT;

	*out = NULL;
	pthread_mutex_lock(&c->mu);
	idx = c->clusters;
	pthread_mutex_unlock(&c->mu);
	if (!hc || !idx)
		return GP_UNAVAILABLE;
	s = gp_cluster_index_acquire(idx);
	generation = gp_cluster_snapshot_generation(s);
	gp_cluster_snapshot_release(s);
	pthread_mutex_lock(&hc->mu);
	while ((now = gp_time_mono_ms()) < until) {
		if (hc->deflt && hc->deflt_generation == generation) {
			atomic_fetch_add(&hc->deflt->refs, 1);
			*out = hc->deflt;
			rc = 0;
			break;
		}
		wait_ms(&hc->made, &hc->mu, until - now);
	}
	pthread_mutex_unlock(&hc->mu);
	return rc;
}

void gp_read_hotspots_summary(const gp_read_hotspots *h, gp_read_hotspot_summary *out)
{
	*out = h->sum;
}

void gp_read_hotspots_get(const gp_read_hotspots *h, size_t i, gp_read_hotspot *out)
{
	const struct spot *sp = &h->spots[i];

	memset(out, 0, sizeof(*out));
	out->point_count = (int64_t)sp->n;
	memcpy(out->count, sp->count, sizeof(out->count));
	out->topics = sp->topics;
	out->ntopics = sp->ntopics;
	out->without_topic = sp->without_topic;
	out->districts = sp->districts;
	out->ndistricts = sp->ndistricts;
}

/* ---- outlines -------------------------------------------------------------------------- */

/*
 * Keeps the points that may be corners of the convex hull: every point
 * strictly inside the polygon of the extreme points in eight directions
 * (Akl and Toussaint) cannot be one, so the hull of the rest is the hull
 * of all.  A dense hotspot keeps a few dozen of its thousands.
 */
static size_t hull_candidates(const double *x, const double *y, size_t n, double *ox,
                              double *oy)
{
	/* Directions counter-clockwise from south: S, SE, E, NE, N, NW, W, SW. */
	static const double dir[8][2] = { { 0, -1 }, { 1, -1 }, { 1, 0 }, { 1, 1 },
		                          { 0, 1 }, { -1, 1 }, { -1, 0 }, { -1, -1 } };
	size_t ext[8] = { 0 }, m = 0, kept = 0;
	double px[8], py[8];

	if (n < 16) {
		memcpy(ox, x, n * sizeof(*x));
		memcpy(oy, y, n * sizeof(*y));
		return n;
	}
	for (size_t i = 1; i < n; i++)
		for (int d = 0; d < 8; d++)
			if (dir[d][0] * (x[i] - x[0]) + dir[d][1] * (y[i] - y[0]) >
			    dir[d][0] * (x[ext[d]] - x[0]) + dir[d][1] * (y[ext[d]] - y[0]))
				ext[d] = i;
	for (int d = 0; d < 8; d++) {
		if (m && px[m - 1] == x[ext[d]] && py[m - 1] == y[ext[d]])
			continue; /* the same corner for two directions */
		px[m] = x[ext[d]];
		py[m] = y[ext[d]];
		m++;
	}
	if (m > 1 && px[m - 1] == px[0] && py[m - 1] == py[0])
		m--;
	for (size_t i = 0; i < n; i++) {
		int inside = m >= 3;
		for (size_t e = 0; inside && e < m; e++) {
			double ax = px[e], ay = py[e], bx = px[(e + 1) % m], by = py[(e + 1) % m];
			double ex = bx - ax, ey = by - ay, qx = x[i] - ax, qy = y[i] - ay;
			/* Strictly left of every edge, by more than rounding can blur. */
			inside = ex * qy - ey * qx > 1e-9 * (fabs(ex) + fabs(ey)) * (fabs(qx) + fabs(qy));
		}
		if (!inside) {
			ox[kept] = x[i];
			oy[kept] = y[i];
			kept++;
		}
	}
	return kept;
}

int gp_read_hotspot_outline(gp_read *r, const gp_read_hotspots *h, size_t i, gp_buf *b,
                            double *out_area)
{
	return gp_read_hotspot_outline_in(r, h, i, GP_CRS_CRS84, b, out_area);
}

int gp_read_hotspot_outline_in(gp_read *r, const gp_read_hotspots *h, size_t i, gp_crs crs,
                               gp_buf *b, double *out_area)
{
	const struct spot *sp = &h->spots[i];
	double *x = malloc(sp->n * sizeof(*x)), *y = malloc(sp->n * sizeof(*y));
	double *cx = malloc(sp->n * sizeof(*cx)), *cy = malloc(sp->n * sizeof(*cy));
	size_t m;
	int rc = GP_ENOMEM;

	if (!x || !y || !cx || !cy)
		goto out;
	for (size_t k = 0; k < sp->n; k++) {
		x[k] = h->t->x[h->members[sp->first + k]];
		y[k] = h->t->y[h->members[sp->first + k]];
	}
	m = hull_candidates(x, y, sp->n, cx, cy);
	rc = gp_geo_hull_write_geojson(r->geo, b, cx, cy, m, HULL_PAD_M, crs, gp_crs_decimals(crs),
	                               out_area);
out:
	free(x);
	free(y);
	free(cx);
	free(cy);
	return rc;
}
