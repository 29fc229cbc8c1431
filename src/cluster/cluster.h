/*
 * cluster.h — the in-memory views of the published points: the zoom
 * hierarchy of map clusters (the supercluster 9 algorithm, exact to its
 * fixed-point grid), density hotspots (DBSCAN in metres), and the shared,
 * always-readable index that holds both for the whole process.
 *
 * Three layers, each usable alone:
 *   gp_cluster_tree     one hierarchy over n points; immutable once built.
 *   gp_cluster_index    the process-wide holder: a maintainer thread keeps
 *                       every published point in memory, rebuilds the trees
 *                       aside after changes and swaps the new snapshot in;
 *                       readers take a reference to the current snapshot
 *                       and never wait for a rebuild.
 *   gp_cluster_dbscan   density clusters over metre coordinates.
 *
 * Must never: include a third-party header, run SQL (points come through a
 * gp_cluster_source the caller implements), or let a point that is not
 * published into a snapshot.
 */
#ifndef GP_CLUSTER_H
#define GP_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

#include "geopart/bbox.h"
#include "geopart/point.h"
#include "util/util.h"

/* ---- the hierarchy ------------------------------------------------------- */

/* supercluster's options with its defaults (radius 40, extent 512, zooms 0–16, minPoints 2). */
typedef struct gp_cluster_options {
	int radius;     /* cluster radius in pixels of a tile */
	int extent;     /* tile size in pixels the radius is relative to */
	int min_zoom;   /* 0 ≤ min_zoom ≤ max_zoom */
	int max_zoom;   /* ≤ GP_CLUSTER_ZOOM_MAX */
	int min_points; /* ≥ 2: fewer neighbours stay single points */
} gp_cluster_options;

#define GP_CLUSTER_ZOOM_MAX 30
/* More points would overflow the 32-bit cluster ids supercluster defines. */
#define GP_CLUSTER_POINTS_MAX 100000000u

/* Fills the caller's o with supercluster's defaults. */
void gp_cluster_options_default(gp_cluster_options *o);

typedef struct gp_cluster_tree gp_cluster_tree;

/*
 * Builds the hierarchy over n points given in CRS84 and their categories,
 * in the order that decides the greedy clustering (geopart uses id order).
 * Points are projected to Web Mercator [0,1] and kept on supercluster's
 * fixed-point grid (2^30 units per world, truncated), so clusters, ids and
 * positions equal supercluster 9's for the same input.  Returns 0,
 * GP_INVALID for bad options or more than GP_CLUSTER_POINTS_MAX points, or
 * GP_ENOMEM.  Borrows nothing. Caller owns *out, free with
 * gp_cluster_tree_free().
 */
int gp_cluster_tree_new(gp_cluster_tree **out, const gp_cluster_options *o,
                        const double *lon, const double *lat,
                        const uint8_t *category, size_t n);
void gp_cluster_tree_free(gp_cluster_tree *t);

/*
 * A CRS84 position on supercluster's fixed-point grid, as
 * gp_cluster_tree_new() computes it; GP_INVALID when not finite.
 */
int gp_cluster_encode(double lon, double lat, int32_t *out_x, int32_t *out_y);

/* The same as gp_cluster_tree_new() from positions gp_cluster_encode() made. */
int gp_cluster_tree_new_encoded(gp_cluster_tree **out, const gp_cluster_options *o,
                                const int32_t *x, const int32_t *y,
                                const uint8_t *category, size_t n);

/* Number of points the tree was built over. */
size_t gp_cluster_tree_size(const gp_cluster_tree *t);
/* Bytes the tree holds (all levels, links and grids). */
size_t gp_cluster_tree_memory(const gp_cluster_tree *t);

/* One entry of a query answer: a cluster or a single point. */
typedef struct gp_cluster_node {
	int is_cluster;
	uint32_t id;    /* cluster: supercluster's cluster_id; point: its index */
	uint32_t count; /* points below (1 for a point) */
	uint32_t counts[GP_CATEGORY_COUNT];
	double lon, lat;    /* cluster: its weighted centre, decoded as supercluster does */
	int expansion_zoom; /* cluster: the zoom at which it splits */
} gp_cluster_node;

typedef int (*gp_cluster_node_cb)(void *ctx, const gp_cluster_node *node);

/*
 * Calls cb for every cluster and single point in the CRS84 box at `zoom`
 * (clamped to min_zoom … max_zoom + 1 as supercluster does), in the tree's
 * storage order.  The box must have min ≤ max on both axes.  A non-zero
 * return of cb stops the walk and is returned.  Borrows nothing.
 */
int gp_cluster_tree_query(const gp_cluster_tree *t, const gp_bbox *lonlat, int zoom,
                          gp_cluster_node_cb cb, void *ctx);

/* The node of a cluster id; GP_NOT_FOUND when the tree has no such cluster.
 * Fills the caller's *out; borrows nothing. */
int gp_cluster_tree_cluster(const gp_cluster_tree *t, uint32_t id, gp_cluster_node *out);

typedef int (*gp_cluster_leaf_cb)(void *ctx, uint32_t point);

/*
 * Calls cb with the index of each point below cluster `id`, skipping the
 * first `offset` and stopping after `limit`, in a fixed order (children in
 * storage order, depth first).  GP_NOT_FOUND for an unknown id.  A
 * non-zero return of cb stops the walk and is returned.  Borrows nothing.
 */
int gp_cluster_tree_leaves(const gp_cluster_tree *t, uint32_t id, uint64_t offset,
                           uint64_t limit, gp_cluster_leaf_cb cb, void *ctx);

/* ---- density clusters ---------------------------------------------------- */

#define GP_CLUSTER_NOISE (-1)

/*
 * DBSCAN over n points in metres: a point with at least min_points points
 * (itself included) within eps is a core point; core points within eps of
 * each other share a cluster, numbered by their lowest index; every other
 * point within eps of a core point joins the lowest-numbered such cluster
 * (the one the classic expansion in array order reaches it with first), so
 * the answer is deterministic.  Writes each point's cluster number (0, 1,
 * …) or GP_CLUSTER_NOISE into labels[n] and the number of clusters into
 * *out_clusters.  Returns 0, GP_INVALID for eps ≤ 0 or min_points < 1, or
 * GP_ENOMEM.  Borrows nothing.
 */
int gp_cluster_dbscan(int32_t *labels, size_t *out_clusters, const double *x,
                      const double *y, size_t n, double eps, size_t min_points);

/*
 * The same within a budget of work (distance tests and cell visits, about
 * a nanosecond or a few each): GP_TOO_LARGE, with nothing labelled, as soon as the
 * work exceeds it — or at once, before any distance is measured, when the
 * cells say the core phase, which dominates where points are dense, would
 * take three budgets.  *out_work (may be NULL) tells the work done or,
 * when refused up front, estimated.
 */
int gp_cluster_dbscan_bounded(int32_t *labels, size_t *out_clusters, const double *x,
                              const double *y, size_t n, double eps, size_t min_points,
                              uint64_t budget, uint64_t *out_work);

/* ---- the shared index ------------------------------------------------------ */

/*
 * Where the index gets its points.  Every callback runs on the index's
 * maintainer thread only, so an implementation may keep per-thread
 * resources (a database connection) in ctx, opened in `open`.
 */
typedef int (*gp_cluster_point_cb)(void *ctx, const gp_point *p);

typedef struct gp_cluster_source {
	/* Called first on the maintainer thread; may be NULL. */
	int (*open)(void *ctx);
	/* Called last on the maintainer thread; may be NULL. */
	void (*close)(void *ctx);
	/* Calls cb for every published point (one consistent snapshot). */
	int (*load)(void *ctx, gp_cluster_point_cb cb, void *cb_ctx);
	/* Calls cb for point id in any status, or returns GP_NOT_FOUND. */
	int (*get)(void *ctx, int64_t id, gp_cluster_point_cb cb, void *cb_ctx);
	/*
	 * A number that changes when stored points changed without a
	 * notification (a boundary import rewrote their districts); the index
	 * reloads everything when it does.  May be NULL.
	 */
	int (*version)(void *ctx, int64_t *out);
	void *ctx;
} gp_cluster_source;

typedef struct gp_cluster_index gp_cluster_index;
typedef struct gp_cluster_snapshot gp_cluster_snapshot;

/* Which hierarchy a query reads: every published point, or one category's. */
typedef enum gp_cluster_set {
	GP_CLUSTER_ALL = 0,
	GP_CLUSTER_FAVOURITE = 1 + GP_CATEGORY_FAVOURITE,
	GP_CLUSTER_IMPROVEMENT = 1 + GP_CATEGORY_IMPROVEMENT,
	GP_CLUSTER_SET_COUNT
} gp_cluster_set;

/*
 * Starts the maintainer thread, which opens the source, loads every
 * published point and publishes the first snapshot before this returns.
 * Borrows o and src (and src->ctx) until gp_cluster_index_free().  Returns
 * 0 or the source's or the build's failure.  Caller owns *out, free with
 * gp_cluster_index_free() after every reader has released its snapshots.
 */
int gp_cluster_index_new(gp_cluster_index **out, const gp_cluster_options *o,
                         const gp_cluster_source *src);
/* Stops the maintainer thread (closing the source) and frees everything. */
void gp_cluster_index_free(gp_cluster_index *idx);

/*
 * Tells the index that point `id` was added, changed status or content, or
 * was deleted — call it after the change has committed.  The maintainer
 * re-reads the point through the source (so notifications may arrive in
 * any order and twice) and publishes a snapshot holding the change within a
 * second: only a published point is in it.  Never blocks on a rebuild; safe
 * from any thread.  Returns 0 or GP_ENOMEM (then the index reloads
 * everything on its next round instead).
 */
int gp_cluster_index_notify(gp_cluster_index *idx, int64_t id);

/* Asks for a full reload from the source (e.g. after an import). Any thread. */
void gp_cluster_index_reload(gp_cluster_index *idx);

/*
 * The current snapshot, with a reference taken: waits for no rebuild (a
 * mutex held for a pointer copy is all).  Caller owns the reference, give
 * it back with gp_cluster_snapshot_release().
 */
gp_cluster_snapshot *gp_cluster_index_acquire(gp_cluster_index *idx);

/*
 * The snapshot that issued `full_id` (see gp_cluster_snapshot_cluster_id):
 * the current one or one replaced less than a minute ago.  Returns 0 and a
 * reference the caller releases, or GP_NOT_FOUND when that snapshot is gone.
 */
int gp_cluster_index_acquire_for(gp_cluster_snapshot **out, gp_cluster_index *idx,
                                 int64_t full_id);

/* Waits until every notification made before the call is in the current
 * snapshot or timeout_ms passed; returns 0 or GP_TIMEOUT.  For tests. */
int gp_cluster_index_sync(gp_cluster_index *idx, int timeout_ms);

/*
 * Waits until a snapshot newer than generation `than` is current, or
 * timeout_ms passed; returns the current snapshot's generation.  Any
 * thread; for work that follows the index (the read layer's answers made
 * ahead of requests).
 */
uint64_t gp_cluster_index_wait_newer(gp_cluster_index *idx, uint64_t than, int timeout_ms);

/* Gives back a reference from acquire; any thread; NULL is ignored. */
void gp_cluster_snapshot_release(gp_cluster_snapshot *s);

/* The snapshot's number; each publish increases it by one. */
uint64_t gp_cluster_snapshot_generation(const gp_cluster_snapshot *s);
/* Number of published points in it. */
size_t gp_cluster_snapshot_size(const gp_cluster_snapshot *s);
/* Point i (0 ≤ i < size, id order). Borrowed, valid while the reference is held. */
const gp_point *gp_cluster_snapshot_point(const gp_cluster_snapshot *s, size_t i);
/* Bytes held by its trees (not by the points, which snapshots share). */
size_t gp_cluster_snapshot_memory(const gp_cluster_snapshot *s);

/*
 * Queries one hierarchy like gp_cluster_tree_query; for single points
 * node->id is the snapshot's point index (gp_cluster_snapshot_point).  The
 * caller keeps its reference to s for the call.
 */
int gp_cluster_snapshot_query(const gp_cluster_snapshot *s, gp_cluster_set set,
                              const gp_bbox *lonlat, int zoom, gp_cluster_node_cb cb,
                              void *ctx);

/*
 * The public id of a cluster from gp_cluster_snapshot_query: supercluster's
 * 32-bit cluster_id in the low bits, the hierarchy above it, and the
 * snapshot's generation (mod 65535, never 0) above that, so an id names one
 * cluster of one snapshot and never collides with a point id below 2^36.
 */
int64_t gp_cluster_snapshot_cluster_id(const gp_cluster_snapshot *s, gp_cluster_set set,
                                       uint32_t id);

/*
 * The cluster a public id names in this snapshot: fills *out (node->id is
 * the public id's low 32 bits) and *out_set; GP_NOT_FOUND otherwise.
 * Borrows nothing.
 */
int gp_cluster_snapshot_cluster(const gp_cluster_snapshot *s, int64_t full_id,
                                gp_cluster_node *out, gp_cluster_set *out_set);

/*
 * The points below a public cluster id, as gp_cluster_tree_leaves, with
 * snapshot point indexes.  GP_NOT_FOUND when it names no cluster here.
 * The indexes stay valid while the caller holds its reference to s.
 */
int gp_cluster_snapshot_leaves(const gp_cluster_snapshot *s, int64_t full_id,
                               uint64_t offset, uint64_t limit,
                               gp_cluster_leaf_cb cb, void *ctx);

#endif
