/*
 * clusters.c — geopart's half of the cluster benchmark (tools/bench/
 * clusters.mjs runs it next to npm supercluster and prints the ratios).
 *
 * On the first N seed-42 points (default 1,000,000) it measures, and prints
 * as one JSON object:
 *   build_ms       one hierarchy (the algorithm supercluster's load() runs)
 *   index_ms       a whole snapshot as the server rebuilds it: every
 *                  published point, plus one hierarchy per category
 *   tree_bytes     memory of one hierarchy; snapshot_bytes of a snapshot;
 *                  record_bytes of the in-memory points (heap growth)
 *   query.Z        whole-city query at zoom Z plus GeoJSON serialisation
 *                  exactly as /api/clusters writes it: ms for one document
 *                  in memory, streamed_ms as the server does it (every MiB
 *                  handed to the socket and the buffer reused), bytes,
 *                  features
 *
 * The points carry the properties the JavaScript side gives its features,
 * so both serialise the same documents.
 *
 * usage: bench-clusters [N] [zoom …]   (default: 1000000 13)
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cluster/cluster.h"
#include "json/json.h"
#include "read/read.h"
#include "bench_point.h"
#include "seed42.h"

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static size_t heap_used(void)
{
	struct mallinfo2 m = mallinfo2();

	return m.uordblks + m.hblkhd;
}

typedef struct source {
	size_t n;
	const double *lon, *lat;
} source;

/* Point i exactly as clusters.mjs builds its feature i. */
static void make_point(gp_point *p, char *comment, size_t len, const source *s, size_t i)
{
	bench_point(p, comment, len, i);
	p->id = (int64_t)i + 1;
	p->ortsbezirk.id = "ob-0";
	p->ortsbezirk.name = "Innenstadt";
	p->stadtteil.id = "st-2";
	p->stadtteil.name = "Innenstadt-Südwest";
	p->lon = s->lon[i];
	p->lat = s->lat[i];
}

static int load(void *ctx, gp_cluster_point_cb cb, void *cb_ctx)
{
	const source *s = ctx;
	char comment[64];
	gp_point p;
	int rc;

	for (size_t i = 0; i < s->n; i++) {
		make_point(&p, comment, sizeof(comment), s, i);
		if ((rc = cb(cb_ctx, &p)))
			return rc;
	}
	return 0;
}

static int get(void *ctx, int64_t id, gp_cluster_point_cb cb, void *cb_ctx)
{
	const source *s = ctx;
	char comment[64];
	gp_point p;

	if (id < 1 || (size_t)id > s->n)
		return GP_NOT_FOUND;
	make_point(&p, comment, sizeof(comment), s, (size_t)id - 1);
	return cb(cb_ctx, &p);
}

typedef struct out {
	gp_buf *b;
	gp_cluster_snapshot *s;
	size_t n;
	size_t chunk;   /* 0: one document; else hand over every `chunk` bytes */
	size_t flushed; /* bytes handed over so far */
} out;

/* What api/clusters.c writes per entry. */
static int put_node(void *ctx, const gp_cluster_node *node)
{
	out *o = ctx;

	if (o->n++)
		gp_buf_putc(o->b, ',');
	if (node->is_cluster) {
		gp_json_cluster_feature(o->b, gp_cluster_snapshot_cluster_id(o->s, GP_CLUSTER_ALL, node->id),
		                        node->lon, node->lat, node->count, node->counts,
		                        node->expansion_zoom);
	} else {
		const gp_point *p = gp_cluster_snapshot_point(o->s, node->id);
		gp_read_point_feature(o->b, p, p->lon, p->lat, &(gp_read_feature){ .crs = GP_CRS_CRS84 });
	}
	/* The server sends each MiB to the socket (gp_http_stream_flush). */
	if (o->chunk && o->b->len >= o->chunk) {
		o->flushed += o->b->len;
		gp_buf_reset(o->b);
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	gp_bbox city = { 7.6, 49.3, 8.0, 49.6 };
	gp_cluster_options o;
	gp_cluster_tree *t = NULL;
	gp_cluster_index *idx = NULL;
	gp_cluster_snapshot *s;
	double *lon = malloc(n * sizeof(double)), *lat = malloc(n * sizeof(double)), t0;
	uint8_t *cat = malloc(n);
	source src = { n, lon, lat };
	gp_cluster_source cs = { NULL, NULL, load, get, NULL, &src };
	size_t heap0;
	int rc;

	if (!lon || !lat || !cat)
		return 1;
	seed42_points(lon, lat, n);
	for (size_t i = 0; i < n; i++)
		cat[i] = i % 3 == 0 ? GP_CATEGORY_IMPROVEMENT : GP_CATEGORY_FAVOURITE;
	gp_cluster_options_default(&o);

	t0 = now_ms();
	rc = gp_cluster_tree_new(&t, &o, lon, lat, cat, n);
	printf("{\"points\":%zu,\"build_ms\":%.2f,\"tree_bytes\":%zu", n, now_ms() - t0,
	       rc ? 0 : gp_cluster_tree_memory(t));
	gp_cluster_tree_free(t);
	if (rc)
		return 1;

	/* The index builds its first snapshot while loading; time a rebuild. */
	heap0 = heap_used();
	if (gp_cluster_index_new(&idx, &o, &cs))
		return 1;
	s = gp_cluster_index_acquire(idx);
	printf(",\"snapshot_bytes\":%zu,\"record_bytes\":%zu", gp_cluster_snapshot_memory(s),
	       heap_used() - heap0 - gp_cluster_snapshot_memory(s));
	gp_cluster_snapshot_release(s);
	t0 = now_ms();
	gp_cluster_index_notify(idx, 1); /* a change: the maintainer rebuilds everything */
	gp_cluster_index_sync(idx, 60000);
	printf(",\"index_ms\":%.2f,\"query\":{", now_ms() - t0);

	s = gp_cluster_index_acquire(idx);
	for (int a = 2; a < argc || a == 2; a++) {
		int zoom = a < argc ? atoi(argv[a]) : 13;

		printf("%s\"%d\":{", a > 2 ? "," : "", zoom);
		for (int streamed = 0; streamed < 2; streamed++) {
			gp_buf b;
			out ob = { &b, s, 0, streamed ? (size_t)1 << 20 : 0, 0 };

			gp_buf_init(&b, (size_t)1 << 31);
			t0 = now_ms();
			gp_buf_puts(&b, "{\"type\":\"FeatureCollection\",\"features\":[");
			gp_cluster_snapshot_query(s, GP_CLUSTER_ALL, &city, zoom, put_node, &ob);
			gp_buf_printf(&b, "],\"numberReturned\":%zu,\"zoom\":%d}\n", ob.n, zoom);
			printf("%s\"%s\":%.2f", streamed ? "," : "", streamed ? "streamed_ms" : "ms",
			       now_ms() - t0);
			if (!streamed)
				printf(",\"bytes\":%zu,\"features\":%zu,\"ok\":%d", b.len, ob.n,
				       gp_buf_status(&b) == 0);
			gp_buf_free(&b);
		}
		printf("}");
	}
	gp_cluster_snapshot_release(s);
	printf("}}\n");
	gp_cluster_index_free(idx);
	free(lon);
	free(lat);
	free(cat);
	return 0;
}
