/*
 * Unit tests for cluster/: the hierarchy on hand-made layouts whose answer
 * follows from supercluster's rules (radius, weighted centres, ids,
 * min_points, leaves), DBSCAN on known clusters and noise, and the shared
 * index: freshness after a notification, status changes, snapshots that
 * stay whole while newer ones appear, and readers that never wait.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../check.h"
#include "cluster/cluster.h"

/* Longitude span that is `f` times the clustering radius at `zoom`. */
static double span(int zoom, double f)
{
	return 360.0 * 40.0 / (512.0 * (double)(1u << zoom)) * f;
}

typedef struct collect {
	int clusters, points;
	gp_cluster_node last_cluster;
	uint32_t point_ids[64];
} collect;

static int collect_cb(void *ctx, const gp_cluster_node *n)
{
	collect *c = ctx;

	if (n->is_cluster) {
		c->clusters++;
		c->last_cluster = *n;
	} else if (c->points < 64) {
		c->point_ids[c->points++] = n->id;
	}
	return 0;
}

static collect query(const gp_cluster_tree *t, int zoom)
{
	gp_bbox world = { -180, -90, 180, 90 };
	collect c;

	memset(&c, 0, sizeof(c));
	CHECK_INT(gp_cluster_tree_query(t, &world, zoom, collect_cb, &c), 0);
	return c;
}

static void test_two_points_merge_below_their_zoom(void)
{
	/* 0.99 radius apart at zoom 12: together up to 12, apart from 13. */
	double lon[2] = { 7.75, 7.75 + span(12, 0.99) }, lat[2] = { 49.44, 49.44 };
	uint8_t cat[2] = { GP_CATEGORY_FAVOURITE, GP_CATEGORY_IMPROVEMENT };
	gp_cluster_options o;
	gp_cluster_tree *t;
	collect c;

	gp_cluster_options_default(&o);
	CHECK_INT(gp_cluster_tree_new(&t, &o, lon, lat, cat, 2), 0);
	for (int z = 0; z <= 12; z++) {
		c = query(t, z);
		CHECK_INT(c.clusters, 1);
		CHECK_INT(c.points, 0);
		CHECK_INT(c.last_cluster.count, 2);
		CHECK_INT(c.last_cluster.counts[GP_CATEGORY_FAVOURITE], 1);
		CHECK_INT(c.last_cluster.counts[GP_CATEGORY_IMPROVEMENT], 1);
		/* formed at zoom 12 from index 0: (0 << 5) + 12 + 1 + n */
		CHECK_INT(c.last_cluster.id, 15);
		CHECK_INT(c.last_cluster.expansion_zoom, 13);
		CHECK_NEAR(c.last_cluster.lon, (lon[0] + lon[1]) / 2, 1e-6);
		CHECK_NEAR(c.last_cluster.lat, 49.44, 1e-6);
	}
	for (int z = 13; z <= 20; z++) {
		c = query(t, z);
		CHECK_INT(c.clusters, 0);
		CHECK_INT(c.points, 2);
	}
	gp_cluster_tree_free(t);
}

static void test_centre_is_weighted_by_point_count(void)
{
	/* A and B merge at 16; C joins them at 14, so the centre is their mean. */
	double lon[3] = { 7.70, 7.70 + span(16, 0.5), 7.70 + span(14, 0.9) };
	double lat[3] = { 49.40, 49.40, 49.40 };
	uint8_t cat[3] = { 0, 0, 1 };
	gp_cluster_options o;
	gp_cluster_tree *t;
	collect c;

	gp_cluster_options_default(&o);
	CHECK_INT(gp_cluster_tree_new(&t, &o, lon, lat, cat, 3), 0);
	c = query(t, 16);
	CHECK_INT(c.clusters, 1);
	CHECK_INT(c.points, 1);
	CHECK_INT(c.last_cluster.count, 2);
	c = query(t, 14);
	CHECK_INT(c.clusters, 1);
	CHECK_INT(c.points, 0);
	CHECK_INT(c.last_cluster.count, 3);
	CHECK_NEAR(c.last_cluster.lon, (lon[0] + lon[1] + lon[2]) / 3, 1e-6);
	CHECK_INT(c.last_cluster.counts[0], 2);
	CHECK_INT(c.last_cluster.counts[1], 1);
	gp_cluster_tree_free(t);
}

static void test_min_points_keeps_small_groups_single(void)
{
	double lon[2] = { 7.75, 7.75 + span(16, 0.1) }, lat[2] = { 49.44, 49.44 };
	uint8_t cat[2] = { 0, 0 };
	gp_cluster_options o;
	gp_cluster_tree *t;
	collect c;

	gp_cluster_options_default(&o);
	o.min_points = 3;
	CHECK_INT(gp_cluster_tree_new(&t, &o, lon, lat, cat, 2), 0);
	c = query(t, 0);
	CHECK_INT(c.clusters, 0);
	CHECK_INT(c.points, 2);
	gp_cluster_tree_free(t);
	o.min_points = 1;
	CHECK_INT(gp_cluster_tree_new(&t, &o, lon, lat, cat, 2), GP_INVALID);
	o.min_points = 2;
	o.max_zoom = 31;
	CHECK_INT(gp_cluster_tree_new(&t, &o, lon, lat, cat, 2), GP_INVALID);
}

static void test_box_selects_by_position(void)
{
	double lon[3] = { 7.70, 7.80, 7.90 }, lat[3] = { 49.40, 49.45, 49.50 };
	uint8_t cat[3] = { 0, 0, 0 };
	gp_bbox box = { 7.75, 49.42, 7.85, 49.48 };
	gp_cluster_options o;
	gp_cluster_tree *t;
	collect c;

	gp_cluster_options_default(&o);
	CHECK_INT(gp_cluster_tree_new(&t, &o, lon, lat, cat, 3), 0);
	memset(&c, 0, sizeof(c));
	CHECK_INT(gp_cluster_tree_query(t, &box, 16, collect_cb, &c), 0);
	CHECK_INT(c.points, 1);
	CHECK_INT(c.point_ids[0], 1);
	gp_cluster_tree_free(t);
}

static int leaf_cb(void *ctx, uint32_t point)
{
	collect *c = ctx;

	if (c->points < 64)
		c->point_ids[c->points++] = point;
	return 0;
}

static void test_leaves_page_through_every_point_once(void)
{
	double lon[7], lat[7];
	uint8_t cat[7] = { 0 };
	gp_cluster_options o;
	gp_cluster_tree *t;
	collect c, page;
	int seen[7] = { 0 };

	for (int i = 0; i < 7; i++) {
		lon[i] = 7.75 + span(10, 0.12) * i;
		lat[i] = 49.44 + (i % 2) * 0.0001;
	}
	gp_cluster_options_default(&o);
	CHECK_INT(gp_cluster_tree_new(&t, &o, lon, lat, cat, 7), 0);
	c = query(t, 5);
	CHECK_INT(c.clusters, 1);
	CHECK_INT(c.last_cluster.count, 7);
	for (uint64_t off = 0; off < 7; off += 3) {
		memset(&page, 0, sizeof(page));
		CHECK_INT(gp_cluster_tree_leaves(t, c.last_cluster.id, off, 3, leaf_cb, &page), 0);
		CHECK_INT(page.points, off + 3 <= 7 ? 3 : 7 - (int)off);
		for (int i = 0; i < page.points; i++)
			seen[page.point_ids[i]]++;
	}
	for (int i = 0; i < 7; i++)
		CHECK_INT(seen[i], 1);
	memset(&page, 0, sizeof(page));
	CHECK_INT(gp_cluster_tree_leaves(t, 3, 0, 10, leaf_cb, &page), GP_NOT_FOUND);
	CHECK_INT(gp_cluster_tree_leaves(t, c.last_cluster.id + 32, 0, 10, leaf_cb, &page),
	          GP_NOT_FOUND);
	CHECK_INT(gp_cluster_tree_leaves(t, 0xffffffffu, 0, 10, leaf_cb, &page), GP_NOT_FOUND);
	gp_cluster_tree_free(t);
}

static void test_dbscan_finds_known_clusters_and_noise(void)
{
	/* Two 4×4 blocks at 3 m spacing far apart, a border point 9 m off the
	 * first block's corner, and four lone points. */
	double x[37], y[37];
	int32_t labels[37];
	size_t n = 0, clusters;

	for (int b = 0; b < 2; b++)
		for (int i = 0; i < 16; i++) {
			x[n] = 1000 * b + 3.0 * (i % 4);
			y[n] = 3.0 * (i / 4);
			n++;
		}
	x[n] = -9; y[n] = 0; n++;              /* border of block 0 */
	x[n] = 500; y[n] = 500; n++;
	x[n] = -500; y[n] = 0; n++;
	x[n] = 0; y[n] = 800; n++;
	x[n] = 1000; y[n] = -300; n++;
	CHECK_INT(gp_cluster_dbscan(labels, &clusters, x, y, n, 10, 5), 0);
	CHECK_INT(clusters, 2);
	for (int i = 0; i < 16; i++) {
		CHECK_INT(labels[i], 0);
		CHECK_INT(labels[16 + i], 1);
	}
	CHECK_INT(labels[32], 0);
	for (size_t i = 33; i < n; i++)
		CHECK_INT(labels[i], GP_CLUSTER_NOISE);
	/* the border point does not make the lone points reachable */
	CHECK_INT(gp_cluster_dbscan(labels, &clusters, x, y, n, 10, 17), 0);
	CHECK_INT(clusters, 0);
	CHECK_INT(gp_cluster_dbscan(labels, &clusters, x, y, n, 0, 5), GP_INVALID);
}

/* ---- the shared index over an in-memory source -------------------------------- */

typedef struct fake {
	pthread_mutex_t mu;
	gp_point pts[16];
	char comments[16][32];
	int n;
	int64_t version;
	/* While hold is set, get() parks the maintainer mid-update (holding = 1). */
	pthread_cond_t cond;
	int hold, holding;
	int failures; /* get() answers GP_BUSY this many more times */
} fake;

static int fake_load(void *ctx, gp_cluster_point_cb cb, void *cb_ctx)
{
	fake *f = ctx;
	int rc = 0;

	pthread_mutex_lock(&f->mu);
	for (int i = 0; i < f->n && !rc; i++)
		if (f->pts[i].status == GP_STATUS_PUBLISHED)
			rc = cb(cb_ctx, &f->pts[i]);
	pthread_mutex_unlock(&f->mu);
	return rc;
}

static int fake_get(void *ctx, int64_t id, gp_cluster_point_cb cb, void *cb_ctx)
{
	fake *f = ctx;
	gp_point copy;
	int found = 0;

	pthread_mutex_lock(&f->mu);
	if (f->failures > 0) {
		f->failures--;
		pthread_mutex_unlock(&f->mu);
		return GP_BUSY;
	}
	for (int i = 0; i < f->n; i++)
		if (f->pts[i].id == id) {
			copy = f->pts[i];
			found = 1;
		}
	if (f->hold) {
		f->holding = 1;
		pthread_cond_broadcast(&f->cond);
		while (f->hold)
			pthread_cond_wait(&f->cond, &f->mu);
		f->holding = 0;
	}
	pthread_mutex_unlock(&f->mu);
	return found ? cb(cb_ctx, &copy) : GP_NOT_FOUND;
}

static int fake_version(void *ctx, int64_t *out)
{
	fake *f = ctx;

	pthread_mutex_lock(&f->mu);
	*out = f->version;
	pthread_mutex_unlock(&f->mu);
	return 0;
}

static void fake_add(fake *f, double lon, double lat, gp_status status)
{
	gp_point *p;

	pthread_mutex_lock(&f->mu);
	p = &f->pts[f->n];
	memset(p, 0, sizeof(*p));
	p->id = f->n + 1;
	p->status = status;
	p->category = GP_CATEGORY_IMPROVEMENT;
	snprintf(f->comments[f->n], sizeof(f->comments[0]), "Punkt %d", f->n + 1);
	p->comment = f->comments[f->n];
	p->topic = f->n % 2 ? "mobility" : NULL;
	p->ortsbezirk.id = "ob-0";
	p->ortsbezirk.name = "Innenstadt";
	p->lon = lon;
	p->lat = lat;
	f->n++;
	pthread_mutex_unlock(&f->mu);
}

static void fake_set_status(fake *f, int64_t id, gp_status status)
{
	pthread_mutex_lock(&f->mu);
	f->pts[id - 1].status = status;
	pthread_mutex_unlock(&f->mu);
}

static int count_all(gp_cluster_snapshot *s, int zoom)
{
	gp_bbox world = { -180, -90, 180, 90 };
	collect c;

	memset(&c, 0, sizeof(c));
	CHECK_INT(gp_cluster_snapshot_query(s, GP_CLUSTER_ALL, &world, zoom, collect_cb, &c), 0);
	return c.points + (c.clusters ? (int)c.last_cluster.count : 0);
}

static int64_t mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The current snapshot once it holds n points, or after timeout_ms; the caller releases it. */
static gp_cluster_snapshot *wait_size(gp_cluster_index *idx, size_t n, int64_t timeout_ms)
{
	int64_t t0 = mono_ms();
	gp_cluster_snapshot *s;

	for (;;) {
		s = gp_cluster_index_acquire(idx);
		if (gp_cluster_snapshot_size(s) == n || mono_ms() - t0 > timeout_ms)
			return s;
		gp_cluster_snapshot_release(s);
		usleep(10000);
	}
}

static void test_index_follows_changes_and_keeps_old_snapshots(void)
{
	fake f = { .mu = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	gp_cluster_source src = { NULL, NULL, fake_load, fake_get, fake_version, &f };
	gp_cluster_options o;
	gp_cluster_index *idx;
	gp_cluster_snapshot *before, *after, *again;
	gp_cluster_node node;
	gp_cluster_set set;
	collect c;
	gp_bbox world = { -180, -90, 180, 90 };
	int64_t t0, cluster_id;

	gp_cluster_options_default(&o);
	fake_add(&f, 7.75, 49.44, GP_STATUS_PUBLISHED);
	fake_add(&f, 7.7501, 49.4401, GP_STATUS_PUBLISHED);
	fake_add(&f, 7.80, 49.40, GP_STATUS_PENDING);
	CHECK_INT(gp_cluster_index_new(&idx, &o, &src), 0);
	before = gp_cluster_index_acquire(idx);
	CHECK_INT(gp_cluster_snapshot_size(before), 2); /* the pending one is not in */
	memset(&c, 0, sizeof(c));
	gp_cluster_snapshot_query(before, GP_CLUSTER_ALL, &world, 10, collect_cb, &c);
	CHECK_INT(c.clusters, 1);
	cluster_id = gp_cluster_snapshot_cluster_id(before, GP_CLUSTER_ALL, c.last_cluster.id);
	CHECK(cluster_id >= (int64_t)1 << 36);

	/* published → in, within the promised second */
	t0 = mono_ms();
	fake_set_status(&f, 3, GP_STATUS_PUBLISHED);
	CHECK_INT(gp_cluster_index_notify(idx, 3), 0);
	CHECK_INT(gp_cluster_index_sync(idx, 1000), 0);
	CHECK(mono_ms() - t0 < 1000);
	after = gp_cluster_index_acquire(idx);
	CHECK_INT(gp_cluster_snapshot_size(after), 3);
	CHECK_INT(count_all(after, 17), 3);
	CHECK(gp_cluster_snapshot_generation(after) > gp_cluster_snapshot_generation(before));

	/* the older snapshot is still whole and its strings valid */
	CHECK_INT(gp_cluster_snapshot_size(before), 2);
	CHECK_STR(gp_cluster_snapshot_point(before, 0)->comment, "Punkt 1");
	CHECK_STR(gp_cluster_snapshot_point(after, 2)->ortsbezirk.name, "Innenstadt");
	CHECK(gp_cluster_snapshot_point(after, 2)->topic == NULL);
	CHECK_STR(gp_cluster_snapshot_point(after, 1)->topic, "mobility");
	CHECK(gp_cluster_snapshot_point(after, 1)->stadtteil.id == NULL);

	/* a cluster id of the previous snapshot still answers there, not here */
	CHECK_INT(gp_cluster_snapshot_cluster(after, cluster_id, &node, &set), GP_NOT_FOUND);
	CHECK_INT(gp_cluster_index_acquire_for(&again, idx, cluster_id), 0);
	CHECK(again == before);
	CHECK_INT(gp_cluster_snapshot_cluster(again, cluster_id, &node, &set), 0);
	CHECK_INT(node.count, 2);
	gp_cluster_snapshot_release(again);

	/* hidden → out; a second notification of the same change is harmless */
	fake_set_status(&f, 1, GP_STATUS_HIDDEN);
	gp_cluster_index_notify(idx, 1);
	gp_cluster_index_notify(idx, 1);
	gp_cluster_index_notify(idx, 99); /* unknown: nothing to do */
	CHECK_INT(gp_cluster_index_sync(idx, 1000), 0);
	gp_cluster_snapshot_release(after);
	after = gp_cluster_index_acquire(idx);
	CHECK_INT(gp_cluster_snapshot_size(after), 2);
	CHECK_INT(gp_cluster_snapshot_point(after, 0)->id, 2);
	gp_cluster_snapshot_release(after);
	gp_cluster_snapshot_release(before);

	/* a change the source reports only through its version: full reload */
	fake_add(&f, 7.76, 49.45, GP_STATUS_PUBLISHED);
	pthread_mutex_lock(&f.mu);
	f.version++;
	pthread_mutex_unlock(&f.mu);
	after = wait_size(idx, 3, 3000);
	CHECK_INT(gp_cluster_snapshot_size(after), 3);
	gp_cluster_snapshot_release(after);
	gp_cluster_index_free(idx);
}

static void test_readers_never_wait_for_a_rebuild(void)
{
	fake f = { .mu = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	gp_cluster_source src = { NULL, NULL, fake_load, fake_get, NULL, &f };
	gp_cluster_options o;
	gp_cluster_index *idx;
	gp_cluster_snapshot *s;

	gp_cluster_options_default(&o);
	fake_add(&f, 7.75, 49.44, GP_STATUS_PUBLISHED);
	CHECK_INT(gp_cluster_index_new(&idx, &o, &src), 0);
	fake_add(&f, 7.76, 49.44, GP_STATUS_PUBLISHED);
	/* Park the maintainer in the middle of an update … */
	pthread_mutex_lock(&f.mu);
	f.hold = 1;
	pthread_mutex_unlock(&f.mu);
	gp_cluster_index_notify(idx, 2);
	pthread_mutex_lock(&f.mu);
	while (!f.holding)
		pthread_cond_wait(&f.cond, &f.mu);
	pthread_mutex_unlock(&f.mu);
	/* … readers still get the whole previous snapshot: if they had to wait
	 * for the maintainer, this loop would never end (meson's timeout). */
	for (int i = 0; i < 1000; i++) {
		s = gp_cluster_index_acquire(idx);
		CHECK_INT(gp_cluster_snapshot_size(s), 1);
		CHECK_STR(gp_cluster_snapshot_point(s, 0)->comment, "Punkt 1");
		gp_cluster_snapshot_release(s);
	}
	pthread_mutex_lock(&f.mu);
	f.hold = 0;
	pthread_cond_broadcast(&f.cond);
	pthread_mutex_unlock(&f.mu);
	CHECK_INT(gp_cluster_index_sync(idx, 5000), 0);
	s = gp_cluster_index_acquire(idx);
	CHECK_INT(gp_cluster_snapshot_size(s), 2);
	gp_cluster_snapshot_release(s);
	gp_cluster_index_free(idx);
}

static void test_failed_reads_are_retried(void)
{
	fake f = { .mu = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	gp_cluster_source src = { NULL, NULL, fake_load, fake_get, NULL, &f };
	gp_cluster_options o;
	gp_cluster_index *idx;
	gp_cluster_snapshot *s;
	int64_t t0;

	gp_cluster_options_default(&o);
	CHECK_INT(gp_cluster_index_new(&idx, &o, &src), 0);
	fake_add(&f, 7.75, 49.44, GP_STATUS_PUBLISHED);
	pthread_mutex_lock(&f.mu);
	f.failures = 3;
	pthread_mutex_unlock(&f.mu);
	gp_cluster_index_notify(idx, 1);
	t0 = mono_ms();
	s = wait_size(idx, 1, 5000);
	CHECK_INT(gp_cluster_snapshot_size(s), 1);
	CHECK_INT(f.failures, 0);
	CHECK(mono_ms() - t0 >= 3 * 200 - 50); /* each retry waited */
	gp_cluster_snapshot_release(s);
	gp_cluster_index_free(idx);
}

int main(void)
{
	test_two_points_merge_below_their_zoom();
	test_centre_is_weighted_by_point_count();
	test_min_points_keeps_small_groups_single();
	test_box_selects_by_position();
	test_leaves_page_through_every_point_once();
	test_dbscan_finds_known_clusters_and_noise();
	test_index_follows_changes_and_keeps_old_snapshots();
	test_readers_never_wait_for_a_rebuild();
	test_failed_reads_are_retried();
	CHECK_DONE();
}
