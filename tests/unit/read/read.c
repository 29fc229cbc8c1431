/*
 * Unit test for read/, against a plain loop over the same points: who sees
 * what; listings with every filter, periods with partial days, boxes small
 * and large, pages by offset and by cursor in both orders; every way the
 * store can be told to walk (so a planner's choice never changes an
 * answer); deep offsets; statistics and district counts; extents; and
 * hotspots over the cluster index, including the default kept per index
 * generation and min_points raised where points are dense.
 */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "../check.h"
#include "cluster/cluster.h"
#include "config/config.h"
#include "geo/geo.h"
#include "read/read.h"
#include "read/read_int.h" /* boxes from SQL or from the copy in memory */
#include "store/store.h"

#define NPTS 2400

typedef struct pt_row {
	int64_t id, cell;
	double lon, lat, x, y;
	int status, category, channel, topic; /* topic: index into topics, -1 none */
	const char *ob, *st;
	char created[GP_TIME_LEN];
} pt_row;

static pt_row pts[NPTS];
static const char *const topics[] = { "mobility", "housing", "green_space" };
static const char *const districts[] = { "ob-a", "ob-b", "st-1", "st-2" };

static uint32_t state = 99;
static double rnd(void)
{
	state = state * 1103515245u + 12345u;
	return (state >> 8) / 16777216.0;
}

static int pick(int n)
{
	return (int)(rnd() * n) % n;
}

/* A fake but monotone projection: x/y grow with lon/lat. */
static double fake_x(double lon) { return 400000 + (lon - 7.7) * 72000; }
static double fake_y(double lat) { return 5470000 + (lat - 49.4) * 111000; }

/* ISO WKB of a MULTIPOLYGON holding one axis-aligned rectangle. */
static size_t rect_wkb(unsigned char *out, double x0, double y0, double x1, double y1)
{
	double ring[5][2] = { { x0, y0 }, { x1, y0 }, { x1, y1 }, { x0, y1 }, { x0, y0 } };
	unsigned char *p = out;
	uint32_t v;

	*p++ = 1;
	v = 6; memcpy(p, &v, 4); p += 4;
	v = 1; memcpy(p, &v, 4); p += 4;
	*p++ = 1;
	v = 3; memcpy(p, &v, 4); p += 4;
	v = 1; memcpy(p, &v, 4); p += 4;
	v = 5; memcpy(p, &v, 4); p += 4;
	memcpy(p, ring, sizeof(ring));
	p += sizeof(ring);
	return (size_t)(p - out);
}

/* ---- the oracle -------------------------------------------------------------------- */

typedef struct want_query {
	unsigned statuses;
	int category, channel, topic;
	const char *district;
	const char *since, *until; /* canonical, or NULL */
	int has_box;
	double box[4];
} want_query;

static int admits(const want_query *w, const pt_row *p)
{
	if (!(w->statuses & (1u << p->status)))
		return 0;
	if (w->category >= 0 && p->category != w->category)
		return 0;
	if (w->channel >= 0 && p->channel != w->channel)
		return 0;
	if (w->topic >= 0 && p->topic != w->topic)
		return 0;
	if (w->district && !(p->ob && !strcmp(p->ob, w->district)) &&
	    !(p->st && !strcmp(p->st, w->district)))
		return 0;
	if (w->since && strcmp(p->created, w->since) < 0)
		return 0;
	if (w->until && strcmp(p->created, w->until) > 0)
		return 0;
	if (w->has_box && !(p->lon >= w->box[0] && p->lon <= w->box[2] && p->lat >= w->box[1] &&
	                    p->lat <= w->box[3]))
		return 0;
	return 1;
}

static int by_cell(const void *a, const void *b)
{
	const pt_row *x = *(pt_row *const *)a, *y = *(pt_row *const *)b;

	if (x->cell != y->cell)
		return x->cell < y->cell ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The matching rows in the order a page hands them out. */
static size_t expect(const want_query *w, int cell_order, const pt_row **out)
{
	size_t n = 0;

	for (int i = 0; i < NPTS; i++)
		if (admits(w, &pts[i]))
			out[n++] = &pts[i];
	if (cell_order)
		qsort(out, n, sizeof(*out), by_cell);
	return n;
}

/* ---- listings ------------------------------------------------------------------------- */

typedef struct page_ids {
	int64_t ids[NPTS];
	size_t n;
	int wrong_coords;
	gp_crs crs;
} page_ids;

static int take(void *ctx, const gp_point *p, double c0, double c1)
{
	page_ids *g = ctx;

	if (g->crs == GP_CRS_CRS84 && (c0 != p->lon || c1 != p->lat))
		g->wrong_coords++;
	if (g->n < NPTS)
		g->ids[g->n++] = p->id;
	return 0;
}

static const char *statuses_text[] = { "pending", "published", "hidden", "all" };

/* A random time within the points' period, as since/until parameters take it. */
static void random_time(char *out, size_t len, int date_only)
{
	int day = 1 + pick(20), h = pick(24), m = pick(60);

	if (date_only)
		snprintf(out, len, "2026-10-%02d", day);
	else
		snprintf(out, len, "2026-10-%02dT%02d:%02d:00Z", day, h, m);
}

static void listings(gp_read *r)
{
	static const pt_row *want[NPTS];

	for (int round = 0; round < 500; round++) {
		gp_visibility vis = gp_read_visibility(round % 3 ? GP_ROLE_CITIZEN : GP_ROLE_PLANNER);
		want_query w = { vis.statuses, -1, -1, -1, NULL, NULL, NULL, 0, { 0 } };
		char since[32] = "", until[32] = "", bbox[128];
		gp_read_query q;
		gp_read_page page;
		gp_err err;
		size_t n;
		int cell_order, narrowed = -1;

		gp_read_query_init(&q, &vis);
		if (vis.staff && round % 2) {
			narrowed = pick(4);
			CHECK_INT(gp_read_visibility_narrow(&q.vis, statuses_text[narrowed], &err), 0);
			w.statuses = q.vis.statuses;
		}
		if (pick(3) == 0) {
			w.category = pick(2);
			CHECK_INT(gp_read_param_category(&q, gp_category_name(w.category), &err), 0);
		}
		if (pick(4) == 0) {
			w.channel = pick(3);
			CHECK_INT(gp_read_param_channel(&q, gp_channel_name(w.channel), &err), 0);
		}
		if (pick(3) == 0) {
			w.topic = pick(3);
			CHECK_INT(gp_read_param_topic(r, &q, topics[w.topic], &err), 0);
		}
		if (pick(3) == 0) {
			w.district = districts[pick(4)];
			CHECK_INT(gp_read_param_district(r, &q, w.district, &err), 0);
		}
		if (pick(2) == 0) {
			int kind = pick(4);
			if (kind != 1)
				random_time(since, sizeof(since), pick(2));
			if (kind != 0)
				random_time(until, sizeof(until), pick(2));
			if (kind == 3) /* within one day */
				memcpy(until, since, 10);
			if (since[0] && until[0] && strncmp(until, since, strlen(until)) < 0) {
				char t[32];
				memcpy(t, since, sizeof(t));
				memcpy(since, until, sizeof(t));
				memcpy(until, t, sizeof(t));
			}
			if (gp_read_param_period(&q, since[0] ? since : NULL, until[0] ? until : NULL,
			                         &err))
				continue; /* until before since: refused, as it must be */
			w.since = q.since[0] ? q.since : NULL;
			w.until = q.until[0] ? q.until : NULL;
		}
		if (pick(2) == 0) {
			int size = pick(3); /* small, medium, everything */
			double lon0 = 7.7 + rnd() * 0.02, lat0 = 49.4 + rnd() * 0.02;
			double d = size == 0 ? 0.003 : size == 1 ? 0.01 : 1;
			if (size == 2)
				lon0 = 7.6, lat0 = 49.3;
			if (pick(4) == 0) { /* edges on grid lines */
				lon0 = 7.7 + 0.0005 * pick(40);
				lat0 = 49.4 + 0.0005 * pick(40);
			}
			w.has_box = 1;
			w.box[0] = lon0;
			w.box[1] = lat0;
			w.box[2] = lon0 + d * (0.5 + rnd());
			w.box[3] = lat0 + d * (0.5 + rnd());
			snprintf(bbox, sizeof(bbox), "%.17g,%.17g,%.17g,%.17g", w.box[0], w.box[1],
			         w.box[2], w.box[3]);
			CHECK_INT(gp_read_param_bbox(r, &q, bbox, GP_CRS_CRS84, &err), 0);
		}
		cell_order = w.has_box && (w.statuses & (w.statuses - 1)) == 0;
		n = expect(&w, cell_order, want);

		/* A page by offset. */
		q.limit = 1 + pick(40);
		q.offset = pick(4) ? pick((int)n + 2) : 0;
		{
			page_ids g = { .n = 0, .crs = GP_CRS_CRS84 };
			size_t from = (size_t)q.offset < n ? (size_t)q.offset : n;
			size_t count = n - from < (size_t)q.limit ? n - from : (size_t)q.limit;
			CHECK_INT(gp_read_points(r, &q, take, &g, &page, &err), 0);
			if (page.matched != (int64_t)n || g.n != count)
				fprintf(stderr, "round %d: matched %lld of %zu, %zu on the page, want %zu "
				        "(cell order %d, since %s until %s)\n", round, (long long)page.matched,
				        n, g.n, count, cell_order, since, until);
			CHECK_INT(page.matched, n);
			CHECK_INT(g.n, count);
			CHECK_INT(page.returned, count);
			CHECK_INT(page.more, from + count < n);
			CHECK_INT(g.wrong_coords, 0);
			for (size_t i = 0; i < g.n && i < count; i++)
				CHECK_INT(g.ids[i], want[from + i]->id);
		}
		/* Every page by cursor: each point once, in order. */
		if (n <= 300) {
			size_t seen = 0;
			int pages = 0;
			q.offset = 0;
			q.after[0] = '\0';
			do {
				page_ids g = { .n = 0, .crs = GP_CRS_CRS84 };
				CHECK_INT(gp_read_points(r, &q, take, &g, &page, &err), 0);
				for (size_t i = 0; i < g.n; i++, seen++)
					CHECK(seen < n && g.ids[i] == want[seen]->id);
				CHECK_INT(gp_read_param_after(&q, page.more ? page.next : NULL, &err), 0);
				pages++;
			} while (page.more && pages < 400);
			CHECK_INT(seen, n);
		}
	}
}

/* ---- every path the store runs ---------------------------------------------------------- */

typedef struct ids {
	int64_t id[NPTS];
	size_t n;
} ids;

static int take_id(void *ctx, const gp_point *p)
{
	ids *v = ctx;

	if (v->n < NPTS)
		v->id[v->n++] = p->id;
	return 0;
}

static void paths(gp_store *s)
{
	static const pt_row *want[NPTS];

	for (int round = 0; round < 300; round++) {
		int path = round % 5;
		want_query w = { 1u << GP_STATUS_PUBLISHED, -1, -1, -1, NULL, NULL, NULL, 0, { 0 } };
		char since[40], until[40];
		gp_point_filter f;
		ids got = { .n = 0 };
		size_t n;
		int64_t lo, hi;

		gp_point_filter_init(&f);
		f.status = GP_STATUS_PUBLISHED;
		f.path = path;
		if (path == GP_PATH_DISTRICT || pick(3) == 0) {
			int d = pick(4);
			f.district = w.district = districts[d];
			f.district_layer = d < 2 ? GP_LAYER_ORTSBEZIRK : GP_LAYER_STADTTEIL;
		}
		if (path == GP_PATH_TOPIC || pick(3) == 0)
			f.topic = topics[w.topic = pick(3)];
		if (path == GP_PATH_CHANNEL || pick(3) == 0)
			f.channel = w.channel = pick(3);
		if (pick(3) == 0)
			f.category = w.category = pick(2);
		if (path == GP_PATH_CREATED || path == GP_PATH_TABLE || pick(3) == 0) {
			snprintf(since, sizeof(since), "2026-10-%02dT%02d:00:00.000Z", 1 + pick(10),
			         pick(24));
			snprintf(until, sizeof(until), "2026-10-%02dT%02d:30:00.000Z", 11 + pick(10),
			         pick(24));
			f.since = w.since = since;
			f.until = w.until = until;
			if (path != GP_PATH_CREATED &&
			    gp_store_point_id_range(s, f.status, since, until, &lo, &hi) == 0) {
				f.id_lo = lo;
				f.id_hi = hi;
			}
		}
		f.limit = pick(2) ? -1 : 1 + pick(30);
		f.offset = pick(3) ? 0 : pick(50);
		n = expect(&w, 0, want);
		CHECK_INT(gp_store_point_query(s, &f, take_id, &got), 0);
		{
			size_t from = (size_t)f.offset < n ? (size_t)f.offset : n;
			size_t count = f.limit < 0 || n - from < (size_t)f.limit ? n - from
			                                                         : (size_t)f.limit;
			if (got.n != count)
				fprintf(stderr, "path %d: %zu rows, want %zu\n", path, got.n, count);
			CHECK_INT(got.n, count);
			for (size_t i = 0; i < got.n && i < count; i++)
				CHECK_INT(got.id[i], want[from + i]->id);
		}
	}
	/* Deep offsets from the blocks: where row k begins. */
	for (int round = 0; round < 60; round++) {
		want_query w = { 1u << GP_STATUS_PUBLISHED, -1, -1, -1, NULL, NULL, NULL, 0, { 0 } };
		gp_point_filter f;
		int64_t after = -1;
		size_t n, k;

		gp_point_filter_init(&f);
		f.status = GP_STATUS_PUBLISHED;
		if (round % 2)
			f.category = w.category = pick(2);
		if (round % 3 == 0)
			f.channel = w.channel = pick(3);
		n = expect(&w, 0, want);
		k = (size_t)pick((int)n + 3);
		CHECK_INT(gp_store_point_seek(s, &f, (int64_t)k, &after), 0);
		if (k == 0)
			CHECK_INT(after, 0);
		else if (k >= n)
			CHECK_INT(after, INT64_MAX);
		else
			CHECK_INT(after, want[k]->id - 1);
	}
	{
		gp_point_filter f;
		int64_t after;
		gp_point_filter_init(&f);
		f.status = GP_STATUS_PUBLISHED;
		f.topic = topics[0];
		CHECK_INT(gp_store_point_seek(s, &f, 10, &after), GP_INVALID);
	}
}

/* ---- counts by district --------------------------------------------------------------- */

typedef struct stat_run {
	const want_query *w;
	gp_layer layer;
	const gp_config *cfg;
	int rows, wrong;
} stat_run;

/* Each row against a plain loop: by category and channel, and by configured topic. */
static int check_stats_row(void *ctx, const gp_read_stats_row *row)
{
	stat_run *sr = ctx;
	int64_t want[GP_CATEGORY_COUNT][GP_CHANNEL_COUNT] = { { 0 } };

	if (row->ntopics != sr->cfg->ntopics)
		sr->wrong++;
	for (size_t t = 0; t < row->ntopics && t < sr->cfg->ntopics; t++) {
		int64_t n = 0;
		for (int i = 0; i < NPTS; i++) {
			const char *d = sr->layer == GP_LAYER_ORTSBEZIRK ? pts[i].ob : pts[i].st;
			if (d && !strcmp(d, row->id) && admits(sr->w, &pts[i]) && pts[i].topic >= 0 &&
			    !strcmp(topics[pts[i].topic], sr->cfg->topics[t].id))
				n++;
		}
		sr->wrong += row->topic[t] != n;
	}
	for (int i = 0; i < NPTS; i++) {
		const char *d = sr->layer == GP_LAYER_ORTSBEZIRK ? pts[i].ob : pts[i].st;
		if (d && !strcmp(d, row->id) && admits(sr->w, &pts[i]))
			want[pts[i].category][pts[i].channel]++;
	}
	sr->wrong += memcmp(want, row->n, sizeof(want)) != 0;
	sr->rows++;
	return 0;
}

typedef struct district_run {
	int rows, wrong;
} district_run;

static int check_district(void *ctx, const gp_read_district *d)
{
	district_run *dr = ctx;
	int64_t want[GP_CATEGORY_COUNT] = { 0 };

	for (int i = 0; i < NPTS; i++)
		if (pts[i].status == GP_STATUS_PUBLISHED &&
		    ((pts[i].ob && !strcmp(pts[i].ob, d->id)) ||
		     (pts[i].st && !strcmp(pts[i].st, d->id))))
			want[pts[i].category]++;
	dr->wrong += memcmp(want, d->count, sizeof(want)) != 0;
	dr->rows++;
	return 0;
}

static void counts(gp_read *r, const gp_config *cfg)
{
	gp_visibility pub = gp_read_visibility(GP_ROLE_CITIZEN);
	district_run dr = { 0, 0 };
	gp_err err;

	for (int round = 0; round < 80; round++) {
		want_query w = { pub.statuses, -1, -1, -1, NULL, NULL, NULL, 0, { 0 } };
		char since[32] = "", until[32] = "";
		stat_run sr = { &w, round % 2 ? GP_LAYER_STADTTEIL : GP_LAYER_ORTSBEZIRK, cfg, 0, 0 };
		gp_read_query q;

		gp_read_query_init(&q, &pub);
		if (pick(2)) {
			w.category = pick(2);
			gp_read_param_category(&q, gp_category_name(w.category), &err);
		}
		if (pick(3) == 0) {
			w.topic = pick(3);
			gp_read_param_topic(r, &q, topics[w.topic], &err);
		}
		if (pick(2)) {
			random_time(since, sizeof(since), pick(2));
			random_time(until, sizeof(until), pick(2));
			if (gp_read_param_period(&q, since, until, &err))
				continue;
			w.since = q.since;
			w.until = q.until;
		}
		CHECK_INT(gp_read_stats(r, &q, sr.layer, check_stats_row, &sr), 0);
		CHECK_INT(sr.rows, 2);
		if (sr.wrong)
			fprintf(stderr, "stats round %d: since %s until %s wrong\n", round, since, until);
		CHECK_INT(sr.wrong, 0);
	}
	CHECK_INT(gp_read_districts(r, &pub, -1, NULL, 1, check_district, &dr, &err), 0);
	CHECK_INT(dr.rows, 4);
	CHECK_INT(dr.wrong, 0);
	CHECK_INT(gp_read_districts(r, &pub, -1, "ob-zz", 0, check_district, &dr, &err),
	          GP_NOT_FOUND);
	CHECK_STR(err.field, "id");
}

/* ---- who sees what ------------------------------------------------------------------------ */

static int count_point(void *ctx, const gp_point *p, double c0, double c1)
{
	(void)p;
	(void)c0;
	(void)c1;
	(*(int *)ctx)++;
	return 0;
}

static void visibility(gp_read *r)
{
	gp_visibility pub = gp_read_visibility(GP_ROLE_CITIZEN);
	gp_visibility staff = gp_read_visibility(GP_ROLE_ADMIN);
	gp_visibility v;
	gp_err err;
	int hidden = -1, n = 0;

	CHECK(gp_read_visible(&pub, GP_STATUS_PUBLISHED));
	CHECK(!gp_read_visible(&pub, GP_STATUS_PENDING));
	CHECK(!gp_read_visible(&pub, GP_STATUS_HIDDEN));
	CHECK(!pub.staff);
	CHECK(gp_read_visible(&staff, GP_STATUS_HIDDEN) && staff.staff);
	v = pub;
	CHECK_INT(gp_read_visibility_narrow(&v, "pending", &err), GP_FORBIDDEN);
	CHECK_INT(gp_read_visibility_narrow(&v, "maybe", &err), GP_BAD_REQUEST);
	CHECK_STR(err.field, "status");
	v = staff;
	CHECK_INT(gp_read_visibility_narrow(&v, "hidden", &err), 0);
	CHECK(gp_read_visible(&v, GP_STATUS_HIDDEN) && !gp_read_visible(&v, GP_STATUS_PUBLISHED));
	for (int i = 0; i < NPTS && hidden < 0; i++)
		if (pts[i].status == GP_STATUS_HIDDEN)
			hidden = i;
	CHECK_INT(gp_read_point(r, &pub, pts[hidden].id, GP_CRS_CRS84, count_point, &n, &err),
	          GP_NOT_FOUND);
	CHECK_INT(n, 0);
	CHECK_INT(gp_read_point(r, &staff, pts[hidden].id, GP_CRS_CRS84, count_point, &n, &err),
	          0);
	CHECK_INT(n, 1);
	/* A cursor of the other order is refused, naming after. */
	{
		gp_read_query q;
		gp_read_page page;
		page_ids g = { .n = 0 };
		gp_read_query_init(&q, &pub);
		CHECK_INT(gp_read_param_after(&q, "12:34", &err), 0);
		CHECK_INT(gp_read_points(r, &q, take, &g, &page, &err), GP_BAD_REQUEST);
		CHECK_STR(err.field, "after");
		CHECK_INT(gp_read_param_after(&q, "x", &err), GP_BAD_REQUEST);
	}
}

static void extent(gp_read *r)
{
	gp_visibility pub = gp_read_visibility(GP_ROLE_CITIZEN);
	char first[GP_TIME_LEN], last[GP_TIME_LEN];
	double box[4] = { 1e9, 1e9, -1e9, -1e9 };
	const char *lo = NULL, *hi = NULL;
	int64_t n = 0, want = 0;
	gp_bbox got;

	for (int i = 0; i < NPTS; i++) {
		if (pts[i].status != GP_STATUS_PUBLISHED)
			continue;
		want++;
		box[0] = fmin(box[0], pts[i].lon);
		box[1] = fmin(box[1], pts[i].lat);
		box[2] = fmax(box[2], pts[i].lon);
		box[3] = fmax(box[3], pts[i].lat);
		if (!lo || strcmp(pts[i].created, lo) < 0)
			lo = pts[i].created;
		if (!hi || strcmp(pts[i].created, hi) > 0)
			hi = pts[i].created;
	}
	CHECK_INT(gp_read_extent(r, &pub, &got, first, last, &n), 0);
	CHECK_INT(n, want);
	CHECK(got.minx == box[0] && got.miny == box[1] && got.maxx == box[2] && got.maxy == box[3]);
	CHECK_STR(first, lo);
	CHECK_STR(last, hi);
}

/* ---- hotspots -------------------------------------------------------------------------------- */

/* Publishes one more favourite (far from the clump) and waits until the index holds it. */
static void hotspot_point_added(gp_read *r, gp_cluster_index *idx)
{
	gp_point gp;

	memset(&gp, 0, sizeof(gp));
	gp.category = GP_CATEGORY_FAVOURITE;
	gp.status = GP_STATUS_PUBLISHED;
	gp.channel = GP_CHANNEL_ONLINE;
	gp.comment = "one more";
	gp.ortsbezirk.id = "ob-a";
	gp.stadtteil.id = "st-1";
	memcpy(gp.created, "2026-10-25T10:00:00.000Z", GP_TIME_LEN);
	memcpy(gp.updated, gp.created, GP_TIME_LEN);
	gp.lon = 7.7021;
	gp.lat = 49.4021;
	gp.x = fake_x(gp.lon);
	gp.y = fake_y(gp.lat);
	CHECK_INT(gp_store_begin_write(r->store), 0);
	CHECK_INT(gp_store_point_insert(r->store, &gp), 0);
	CHECK_INT(gp_store_commit(r->store), 0);
	CHECK_INT(gp_cluster_index_notify(idx, gp.id), 0);
	CHECK_INT(gp_cluster_index_sync(idx, 10000), 0);
}

static void hotspots(gp_read *r, gp_read_cache *cache, const char *path, const gp_config *cfg)
{
	gp_visibility pub = gp_read_visibility(GP_ROLE_CITIZEN);
	gp_cluster_options o;
	gp_cluster_source src;
	gp_cluster_index *idx = NULL;
	gp_read_hotspots *h = NULL, *again = NULL;
	gp_read_hotspot_summary sum;
	gp_read_query q;
	gp_err err;
	double x[NPTS], y[NPTS], area = 2 * 720.0 * 2220.0; /* the two Ortsbezirke */
	int32_t label[NPTS];
	size_t n = 0, clusters = 0;
	int64_t usual;

	gp_cluster_options_default(&o);
	CHECK_INT(gp_read_cluster_source_new(&src, path), 0);
	CHECK_INT(gp_cluster_index_new(&idx, &o, &src), 0);
	if (!idx)
		return;
	gp_read_cache_set_clusters(cache, idx);
	gp_read_query_init(&q, &pub);
	/*
	 * The default answer is made ahead, by nobody's request, once the
	 * index runs: the first request gets that very answer.
	 */
	CHECK_INT(read_hot_wait(cache, &again, 20000), 0);
	CHECK_INT(gp_read_hotspots_find(r, &q, 0, 0, &h, &err), 0);
	CHECK(h && h == again);
	gp_read_hotspots_free(again);
	again = NULL;
	if (h) {
		gp_read_hotspots_summary(h, &sum);
		for (int i = 0; i < NPTS; i++)
			if (pts[i].status == GP_STATUS_PUBLISHED) {
				x[n] = pts[i].x;
				y[n] = pts[i].y;
				n++;
			}
		CHECK_INT(sum.points, n);
		/* Dense points raise min_points to three times the usual neighbourhood. */
		usual = (int64_t)ceil(3.0 * (double)n * M_PI * cfg->hotspot_eps_m *
		                      cfg->hotspot_eps_m / area);
		CHECK(usual > cfg->hotspot_min_points);
		CHECK_INT(sum.min_points, usual);
		CHECK_INT(gp_cluster_dbscan(label, &clusters, x, y, n, sum.eps, (size_t)sum.min_points),
		          0);
		CHECK_INT(sum.hotspots, clusters);
		/* The clump is the one hotspot, not the whole carpet around it. */
		CHECK(sum.hotspots >= 1);
		if (sum.hotspots >= 1) {
			gp_read_hotspot hs;
			gp_read_hotspots_get(h, 0, &hs);
			CHECK(hs.point_count >= 100 && hs.point_count < (int64_t)n / 2);
		}
		/* The default answer is kept for the index generation. */
		CHECK_INT(gp_read_hotspots_find(r, &q, 0, 0, &again, &err), 0);
		CHECK(again == h);
		gp_read_hotspots_free(again);
		again = NULL;
		/*
		 * A new generation (a point published) gets its default answer
		 * made ahead too, holding the new point.
		 */
		hotspot_point_added(r, idx);
		CHECK_INT(read_hot_wait(cache, &again, 20000), 0);
		if (again) {
			gp_read_hotspot_summary now;
			gp_read_hotspots_summary(again, &now);
			CHECK(again != h);
			CHECK_INT(now.points, sum.points + 1);
			gp_read_hotspots_free(again);
		}
		gp_read_hotspots_free(h);
	}
	/* Given min_points, DBSCAN as asked, over what passes the filters. */
	CHECK_INT(gp_read_param_category(&q, "improvement", &err), 0);
	CHECK_INT(gp_read_hotspots_find(r, &q, 10, 4, &h, &err), 0);
	if (h) {
		n = 0;
		for (int i = 0; i < NPTS; i++)
			if (pts[i].status == GP_STATUS_PUBLISHED &&
			    pts[i].category == GP_CATEGORY_IMPROVEMENT) {
				x[n] = pts[i].x;
				y[n] = pts[i].y;
				n++;
			}
		gp_read_hotspots_summary(h, &sum);
		CHECK_INT(sum.points, n);
		CHECK_INT(sum.min_points, 4);
		CHECK_INT(gp_cluster_dbscan(label, &clusters, x, y, n, 10, 4), 0);
		CHECK_INT(sum.hotspots, clusters);
		gp_read_hotspots_free(h);
	}
	gp_read_cache_set_clusters(cache, NULL);
	gp_cluster_index_free(idx);
	gp_read_cluster_source_free(&src);
}

/* The field set: id as a property, coordinates as fit the CRS, staff fields for staff. */
static void test_point_feature(void)
{
	gp_point p;
	gp_buf b;

	memset(&p, 0, sizeof(p));
	p.id = 7;
	p.comment = "c";
	strcpy(p.created, "2026-01-01T00:00:00.000Z");
	strcpy(p.updated, p.created);
	p.ortsbezirk.id = "ob-0";
	p.ortsbezirk.name = "Innenstadt";
	p.lon = 7.5;
	p.lat = 49.25;
	p.flags = 2;
	gp_buf_init(&b, 4096);
	gp_read_point_feature(&b, &p, 7.5, 49.25,
	                      &(gp_read_feature){ .crs = GP_CRS_CRS84, .crs_uri = "urn:x" });
	CHECK_STR(gp_buf_cstr(&b),
	          "{\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:x\"}},"
	          "\"type\":\"Feature\",\"id\":7,\"geometry\":{\"type\":\"Point\","
	          "\"coordinates\":[7.5,49.25]},\"properties\":{\"id\":7,\"category\":\"favourite\","
	          "\"comment\":\"c\",\"topic\":null,\"status\":\"pending\","
	          "\"created\":\"2026-01-01T00:00:00.000Z\",\"updated\":\"2026-01-01T00:00:00.000Z\","
	          "\"supporters\":0,\"ortsbezirk_id\":\"ob-0\",\"ortsbezirk_name\":\"Innenstadt\","
	          "\"stadtteil_id\":null,\"stadtteil_name\":null,\"channel\":\"online\","
	          "\"event\":null,\"reply\":null,\"reply_at\":null,\"outcome\":\"open\","
	          "\"lon\":7.5,\"lat\":49.25}}");
	/* The city's answer: the event's id a number, the reply with its time. */
	gp_buf_reset(&b);
	p.event = 3;
	p.reply = "Wird geprüft";
	strcpy(p.reply_at, "2026-02-01T00:00:00.000Z");
	p.outcome = GP_OUTCOME_IN_REVIEW;
	gp_read_point_feature(&b, &p, 7.5, 49.25, &(gp_read_feature){ .crs = GP_CRS_CRS84 });
	CHECK(strstr(gp_buf_cstr(&b), "\"channel\":\"online\",\"event\":3,\"reply\":\"Wird geprüft\","
	                              "\"reply_at\":\"2026-02-01T00:00:00.000Z\","
	                              "\"outcome\":\"in_review\",\"lon\"") != NULL);
	/* EPSG:31467 answers northing first; x is still the easting. */
	gp_buf_reset(&b);
	gp_read_point_feature(&b, &p, 5480000.5, 3410000.25,
	                      &(gp_read_feature){ .crs = GP_CRS_EPSG31467, .staff = 1 });
	CHECK(strstr(gp_buf_cstr(&b), "\"x\":3410000.25,\"y\":5480000.5,\"note\":null,"
	                              "\"flags\":2}}") != NULL);
	CHECK(strstr(gp_buf_cstr(&b), "\"lon\"") == NULL);
	/* Files: easting first in every CRS. */
	gp_buf_reset(&b);
	gp_read_point_feature(&b, &p, 3410000.25, 5480000.5,
	                      &(gp_read_feature){ .crs = GP_CRS_EPSG31467, .gis_order = 1 });
	CHECK(strstr(gp_buf_cstr(&b), "\"x\":3410000.25,\"y\":5480000.5}}") != NULL);
	CHECK(strstr(gp_buf_cstr(&b), "\"flags\"") == NULL);
	gp_buf_free(&b);
}

static void report(void *ctx, const char *problem)
{
	fprintf(stderr, "check: %s\n", problem);
	(*(int *)ctx)++;
}

int main(void)
{
	test_point_feature();
	char dir[] = "/tmp/gp-read-test-XXXXXX", path[256];
	unsigned char wkb[4][256];
	gp_district_src src[2];
	gp_store *s = NULL;
	gp_geo *g = NULL;
	gp_read_cache *cache = NULL;
	gp_read *r = NULL;
	gp_config cfg;
	gp_err err;

	gp_log_set_level(GP_LOG_WARN);
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/read.db", dir);
	CHECK_INT(gp_config_defaults(&cfg), 0);
	CHECK_INT(gp_store_open(&s, path, GP_STORE_CREATE, &err), 0);
	CHECK_INT(gp_geo_new(&g), 0);
	if (!s || !g)
		CHECK_DONE();
	CHECK_INT(gp_store_migrate(s, &err), 0);
	/* Ortsbezirke west and east of 7.71, Stadtteile south and north of 49.41. */
	CHECK_INT(gp_store_begin_write(s), 0);
	src[0] = (gp_district_src){ "ob-a", "West", GP_LAYER_ORTSBEZIRK, wkb[0],
		                    rect_wkb(wkb[0], fake_x(7.70), fake_y(49.40), fake_x(7.71),
		                             fake_y(49.42)) };
	src[1] = (gp_district_src){ "ob-b", "Ost", GP_LAYER_ORTSBEZIRK, wkb[1],
		                    rect_wkb(wkb[1], fake_x(7.71), fake_y(49.40), fake_x(7.72),
		                             fake_y(49.42)) };
	CHECK_INT(gp_store_district_replace_layer(s, GP_LAYER_ORTSBEZIRK, src, 2), 0);
	src[0] = (gp_district_src){ "st-1", "Süd", GP_LAYER_STADTTEIL, wkb[2],
		                    rect_wkb(wkb[2], fake_x(7.70), fake_y(49.40), fake_x(7.72),
		                             fake_y(49.41)) };
	src[1] = (gp_district_src){ "st-2", "Nord", GP_LAYER_STADTTEIL, wkb[3],
		                    rect_wkb(wkb[3], fake_x(7.70), fake_y(49.41), fake_x(7.72),
		                             fake_y(49.42)) };
	CHECK_INT(gp_store_district_replace_layer(s, GP_LAYER_STADTTEIL, src, 2), 0);
	for (int i = 0; i < NPTS; i++) {
		pt_row *p = &pts[i];
		gp_point gp;
		int clump = i % 12 == 0; /* a dense spot among evenly spread points */

		p->lon = clump ? 7.7152 + rnd() * 0.0002 : 7.70 + (i % 3 ? rnd() * 0.02
		                                                     : pick(40) * 0.0005);
		p->lat = clump ? 49.4152 + rnd() * 0.0002 : 49.40 + (i % 3 ? rnd() * 0.02
		                                                       : pick(40) * 0.0005);
		p->x = fake_x(p->lon);
		p->y = fake_y(p->lat);
		p->status = rnd() < 0.7 ? GP_STATUS_PUBLISHED
		            : rnd() < 0.6 ? GP_STATUS_PENDING : GP_STATUS_HIDDEN;
		p->category = rnd() < 0.4 ? GP_CATEGORY_IMPROVEMENT : GP_CATEGORY_FAVOURITE;
		p->channel = rnd() < 0.8 ? GP_CHANNEL_ONLINE : 1 + pick(2);
		p->topic = pick(4) - 1;
		p->ob = rnd() < 0.05 ? NULL : p->lon < 7.71 ? "ob-a" : "ob-b";
		p->st = p->lat < 49.41 ? "st-1" : "st-2";
		/* Creation times out of id order, to the millisecond, on 20 days. */
		snprintf(p->created, sizeof(p->created), "2026-10-%02uT%02u:%02u:%02u.%03uZ",
		         (unsigned)(1 + pick(20)) % 100, (unsigned)pick(24) % 100,
		         (unsigned)pick(60) % 100, (unsigned)pick(60) % 100,
		         (unsigned)pick(1000) % 1000);
		memset(&gp, 0, sizeof(gp));
		gp.category = (gp_category)p->category;
		gp.status = (gp_status)p->status;
		gp.channel = (gp_channel)p->channel;
		gp.comment = "read";
		gp.topic = p->topic >= 0 ? topics[p->topic] : NULL;
		gp.ortsbezirk.id = p->ob;
		gp.stadtteil.id = p->st;
		memcpy(gp.created, p->created, GP_TIME_LEN);
		memcpy(gp.updated, p->created, GP_TIME_LEN);
		gp.lon = p->lon;
		gp.lat = p->lat;
		gp.x = p->x;
		gp.y = p->y;
		CHECK_INT(gp_store_point_insert(s, &gp), 0);
		p->id = gp.id;
		p->cell = gp_store_point_cell(p->lon, p->lat);
	}
	CHECK_INT(gp_store_commit(s), 0);
	/* The cache's threads (hotspots made ahead) open the configured file. */
	free(cfg.db_path);
	cfg.db_path = gp_strdup(path);
	CHECK_INT(gp_read_cache_new(&cache, &cfg), 0);
	CHECK_INT(gp_read_new(&r, cache, s, g), 0);
	if (!r)
		CHECK_DONE();

	visibility(r);
	/* Boxes from SQL, then from the positions kept in memory: the same answers. */
	cache->spatial_off = 1;
	listings(r);
	cache->spatial_off = 0;
	CHECK_INT(read_spatial_wait(r, GP_STATUS_PUBLISHED, 10000), 0);
	listings(r);
	paths(s);
	counts(r, &cfg);
	extent(r);
	hotspots(r, cache, path, &cfg);
	{
		int problems = 0;
		CHECK_INT(gp_store_check(s, report, &problems), 0);
		CHECK_INT(problems, 0);
	}

	gp_read_free(r);
	gp_read_cache_free(cache);
	gp_geo_free(g);
	gp_store_close(s);
	gp_config_clear(&cfg);
	{
		char cmd[512];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			check_failures++;
	}
	CHECK_DONE();
}
